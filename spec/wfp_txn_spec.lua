local rcode = require("spec.support.wfp_result").code
-- wfp_txn_spec.lua: transactions across sessions (wfp_ks_errors.md 2.2,
-- W32-OM "Transactions"). One read/write transaction at a time per engine;
-- a second session's begin waits up to its txnWaitTimeoutInMSec (0 = 15 s)
-- and fails with FWP_E_TIMEOUT (0x80320012); a user-mode transaction held
-- over an hour is forcibly aborted and the next call in it fails with
-- FWP_E_TXN_ABORTED (0x8032000F). The engines here run on the virtual clock
-- (engine{clock = "virtual"}): a wait that cannot succeed moves the clock by
-- the timeout at once, so nothing sleeps.

local ntsec = require("ntsec")
local wfp = ntsec.wfp

local FWP_E_TIMEOUT = 0x80320012
local FWP_E_TXN_ABORTED = 0x8032000F
local FWP_E_INCOMPATIBLE_TXN = 0x80320011
local FWP_E_TXN_IN_PROGRESS = 0x8032000E
local FWP_E_NO_TXN_IN_PROGRESS = 0x8032000D
local STATUS_FWP_TIMEOUT = 0xC0220012
local DACL = 0x4
local LAYER = "FWPM_LAYER_ALE_AUTH_CONNECT_V4"
local HOUR = 3600 * 1000

local ADMIN = ntsec.token { user = "S-1-5-21-1-2-3-500", groups = { "BA", "WD" } }

local function engine() return wfp.engine { clock = "virtual" } end

-- Everything observable about the keyed objects: keys, ids, references,
-- descriptors (bytes), in listing order; plus the container descriptors.
local function snapshot(e, k)
  local out = {}
  for _, kind in ipairs { "providers", "sublayers", "layers", "callouts", "filters" } do
    for _, o in ipairs(e[kind](e)) do
      local get = "Fwpm" .. ({ providers = "Provider", sublayers = "SubLayer", layers = "Layer",
        callouts = "Callout", filters = "Filter" })[kind] .. "GetSecurityInfoByKey0"
      local _, sd = wfp[get](k, o.key, 0xF)
      out[#out + 1] = table.concat({ kind, o.key, tostring(o.id), o.lifetime, tostring(o.provider),
        tostring(o.layer), tostring(o.sublayer), tostring(o.callout), sd:sddl() }, "|")
    end
  end
  for _, f in ipairs { "FwpmEngineGetSecurityInfo0", "FwpmConnectionGetSecurityInfo0" } do
    local _, sd = wfp[f](k, 0xF)
    out[#out + 1] = sd:sddl()
  end
  for _, f in ipairs { "FwpmCalloutGetSecurityInfoByKey0", "FwpmFilterGetSecurityInfoByKey0" } do
    local _, sd = wfp[f](k, nil, 0xF)
    out[#out + 1] = sd:sddl()
  end
  return table.concat(out, "\n")
end

describe("WFP transactions across sessions (2.2)", function()
  local e, a, b, k
  before_each(function()
    e = engine()
    a = assert(e:open { token = ADMIN, txn_timeout_ms = 250 })
    b = assert(e:open { token = ADMIN, txn_timeout_ms = 250 })
    k = assert(e:open { kernel_mode = true })
  end)
  after_each(function() e:close() end)

  it("allows one read/write transaction per engine; the other begin times out", function()
    assert.are.equal(0, wfp.FwpmTransactionBegin0(a, 0))
    local t0 = e:clock()
    assert.are.equal(FWP_E_TIMEOUT, wfp.FwpmTransactionBegin0(b, 0))
    assert.are.equal(250, e:clock() - t0)                          -- waited exactly its timeout
    assert.are.equal(FWP_E_TIMEOUT, wfp.FwpmTransactionBegin0(b, wfp.FWPM_TXN_READ_ONLY))
    assert.are.equal(STATUS_FWP_TIMEOUT, wfp.FwpmTransactionBegin0(k, 0))   -- kernel: the NTSTATUS
    assert.are.equal(0, wfp.FwpmTransactionCommit0(a))
    assert.are.equal(0, wfp.FwpmTransactionBegin0(b, 0))
    assert.are.equal(0, wfp.FwpmTransactionCommit0(b))
  end)

  it("waits the 15 s default when txnWaitTimeoutInMSec is 0 (W32-OM)", function()
    local c = assert(e:open { token = ADMIN })
    assert.are.equal(0, wfp.FwpmTransactionBegin0(a, 0))
    local t0 = e:clock()
    assert.are.equal(FWP_E_TIMEOUT, wfp.FwpmTransactionBegin0(c, 0))
    assert.are.equal(15000, e:clock() - t0)
    assert.are.equal(15000, wfp.DEFAULT_TXN_WAIT_MS)
  end)

  it("lets read-only transactions share the lock, but not with a writer", function()
    assert.are.equal(0, wfp.FwpmTransactionBegin0(a, wfp.FWPM_TXN_READ_ONLY))
    assert.are.equal(0, wfp.FwpmTransactionBegin0(b, wfp.FWPM_TXN_READ_ONLY))
    local c = assert(e:open { token = ADMIN, txn_timeout_ms = 10 })
    assert.are.equal(FWP_E_TIMEOUT, wfp.FwpmTransactionBegin0(c, 0))
    assert.are.equal(FWP_E_TIMEOUT, rcode(c:add_provider { name = "x" }))    -- implicit write waits too
    assert.has_no_error(function() for _ in c:enum_providers() do end end)   -- reads do not wait for readers
    assert.are.equal(0, wfp.FwpmTransactionCommit0(a))
    assert.are.equal(0, wfp.FwpmTransactionCommit0(b))
  end)

  it("isolates: calls of other sessions wait while a read/write transaction is open", function()
    assert.are.equal(0, wfp.FwpmTransactionBegin0(a, 0))
    local key = a:add_provider { name = "uncommitted" }
    assert.are.equal(FWP_E_TIMEOUT, rcode(b:get_provider(key)))       -- no dirty read
    assert.are.equal(FWP_E_TIMEOUT, rcode(b:add_provider { name = "x" }))
    assert.are.equal(0, rcode(a:get_provider(key)))                    -- the holder sees its own change
    assert.are.equal(0, wfp.FwpmTransactionAbort0(a))
    assert.are.equal(0x80320005, rcode(b:get_provider(key)))           -- FWP_E_PROVIDER_NOT_FOUND
  end)

  it("refuses writes in a read-only transaction and nesting, and ends only an open one", function()
    assert.are.equal(FWP_E_NO_TXN_IN_PROGRESS, wfp.FwpmTransactionCommit0(a))
    assert.are.equal(FWP_E_NO_TXN_IN_PROGRESS, wfp.FwpmTransactionAbort0(a))
    assert.are.equal(0, wfp.FwpmTransactionBegin0(a, wfp.FWPM_TXN_READ_ONLY))
    assert.are.equal(FWP_E_TXN_IN_PROGRESS, wfp.FwpmTransactionBegin0(a, wfp.FWPM_TXN_READ_ONLY))
    for _, kind in ipairs { "provider", "sublayer", "callout" } do
      assert.are.equal(FWP_E_INCOMPATIBLE_TXN, rcode(a["add_" .. kind](a, { name = "x" })))
      assert.are.equal(FWP_E_INCOMPATIBLE_TXN, rcode(a["delete_" .. kind](a, "{12345678-0000-4000-8000-000000000000}")))
    end
    assert.are.equal(FWP_E_INCOMPATIBLE_TXN, rcode(a:add_filter { name = "x", layer = LAYER, action = "FWP_ACTION_BLOCK" }))
    assert.are.equal(FWP_E_INCOMPATIBLE_TXN, rcode(a:delete_filter_by_id(1)))
    assert.are.equal(0, wfp.FwpmTransactionCommit0(a))
  end)

  it("abort restores every object, reference and descriptor exactly", function()
    local p = k:add_provider { name = "p" }
    local sl = k:add_sublayer { name = "s", provider = p }
    local c = k:add_callout { name = "c", layer = LAYER, provider = p }
    local f = k:add_filter { name = "f", layer = LAYER, sublayer = sl, provider = p,
                                   action = { type = "FWP_ACTION_CALLOUT_UNKNOWN", calloutKey = c } }
    assert.are.equal(0, wfp.FwpmCalloutSetSecurityInfoByKey0(a, c, DACL, nil, nil,
                                                             assert(ntsec.sd("D:(D;;RP;;;BU)")).dacl, nil))
    local before = snapshot(e, k)
    assert.are.equal(0, wfp.FwpmTransactionBegin0(a, 0))
    assert.are.equal(0, rcode(a:delete_filter(f)))
    assert.are.equal(0, rcode(a:delete_callout(c)))          -- no longer in use inside the transaction
    assert.are.equal(0, rcode(a:delete_sublayer(sl)))
    assert.are.equal(0, rcode(a:delete_provider(p)))          -- nothing references it any more
    local new = a:add_callout { name = "new", layer = LAYER, sd = assert(ntsec.sd("O:SYG:SYD:(A;;GA;;;SY)")) }
    assert.are.equal(0x80320009, rcode(a:add_callout { key = new, name = "dup" }))   -- a failure does not poison it
    assert.are.equal(0, rcode(a:add_provider { key = p, name = "same key, new object" }))
    assert.are.equal(0, wfp.FwpmTransactionAbort0(a))
    assert.are.equal(before, snapshot(e, k))
    -- references are back: the callout and sublayer are in use again
    assert.are.equal(0xC022000A, rcode(k:delete_callout(c)))     -- STATUS_FWP_IN_USE (kernel session)
    assert.are.equal(0x8032000A, rcode(b:delete_sublayer(sl)))   -- FWP_E_IN_USE (user session)
  end)

  it("closing a session with an open transaction aborts it", function()
    local p = k:add_provider { name = "p" }
    local before = snapshot(e, k)
    assert.are.equal(0, wfp.FwpmTransactionBegin0(a, 0))
    assert.are.equal(0, rcode(a:delete_provider(p)))
    assert.are.equal(0, rcode(a:add_provider { name = "q" }))
    a:close()
    assert.are.equal(before, snapshot(e, k))
    assert.are.equal(0, wfp.FwpmTransactionBegin0(b, 0))      -- the lock is free again
    assert.are.equal(0, wfp.FwpmTransactionCommit0(b))
  end)

  it("commit keeps what succeeded, even after a failed call", function()
    assert.are.equal(0, wfp.FwpmTransactionBegin0(a, 0))
    local p = a:add_provider { name = "kept" }
    assert.are.equal(0x80320009, rcode(a:add_provider { key = p, name = "dup" }))
    assert.are.equal(0, wfp.FwpmTransactionCommit0(a))
    assert.are.equal(0, rcode(b:get_provider(p)))
  end)

  it("forcibly aborts a user-mode transaction held over an hour (W32-OM)", function()
    assert.are.equal(0, wfp.FwpmTransactionBegin0(a, 0))
    local p = a:add_provider { name = "lost" }
    e:advance(HOUR - 1)
    assert.are.equal(0, rcode(a:get_provider(p)))                   -- still held
    e:advance(1)
    assert.are.equal(0x80320005, rcode(b:get_provider(p)))          -- rolled back, lock released
    assert.are.equal(FWP_E_TXN_ABORTED, rcode(a:get_provider(p)))   -- the next call in it says so
    assert.are.equal(FWP_E_NO_TXN_IN_PROGRESS, wfp.FwpmTransactionCommit0(a))
    assert.are.equal(0, wfp.FwpmTransactionBegin0(a, 0))       -- the session goes on
    assert.are.equal(0, wfp.FwpmTransactionCommit0(a))
  end)

  it("a waiter gets the lock when the holder's hour runs out within its timeout", function()
    local patient = assert(e:open { token = ADMIN, txn_timeout_ms = HOUR })
    assert.are.equal(0, wfp.FwpmTransactionBegin0(a, 0))
    e:advance(10)
    local t0 = e:clock()
    assert.are.equal(0, wfp.FwpmTransactionBegin0(patient, 0))
    assert.are.equal(HOUR - 10, e:clock() - t0)
    assert.are.equal(FWP_E_TXN_ABORTED, wfp.FwpmTransactionCommit0(a))
    assert.are.equal(0, wfp.FwpmTransactionCommit0(patient))
  end)

  it("never forcibly aborts a kernel-mode transaction", function()
    assert.are.equal(0, wfp.FwpmTransactionBegin0(k, 0))
    e:advance(10 * HOUR)
    assert.are.equal(FWP_E_TIMEOUT, wfp.FwpmTransactionBegin0(a, 0))
    assert.are.equal(0, wfp.FwpmTransactionCommit0(k))
  end)

  it("refuses to advance a real clock", function()
    local real = wfp.engine()
    assert.has_error(function() real:advance(1) end)
    assert.is_true(real:clock() >= 0)
    real:close()
  end)
end)
