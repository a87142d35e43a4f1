local rcode = require("spec.support.wfp_result").code
-- spec/wfp_engine_spec.lua: the emulated engine through the Lua API:
-- lifetime of engines and sessions (lua_conventions.md 7), sessions and
-- transactions (wfp_ks_errors.md 2.1, 2.2), callouts (2.3, 2.4), ALE
-- endpoints and connections (2.5, 2.6), and importing real netsh dumps
-- (shared/data/README.md gives the expected counts).

local ntsec = require("ntsec")
local helper = require("spec.helper")
local wfp = ntsec.wfp

local ADMIN = "S-1-5-21-1111-2222-3333-1001"
local PLAIN = "S-1-5-21-1111-2222-3333-1002"
local KEY = "{bbbbbbbb-0000-4000-8000-000000000001}"
local KEY2 = "{bbbbbbbb-0000-4000-8000-000000000002}"

local function admin() return ntsec.token { user = ADMIN, groups = { "BA", "WD" } } end
local function plain() return ntsec.token { user = PLAIN, groups = { "WD" } } end

describe("wfp engine and session objects", function()
  it("print kind, identity and state", function()
    local e = wfp.engine()
    local s = assert(e:open { token = admin(), dynamic = true })
    local k = assert(e:open { kernel_mode = true })
    assert.matches("^ntsec%.wfp%.engine %(0x%x+%)$", tostring(e))
    assert.matches("^ntsec%.wfp%.session %(0x%x+, user, dynamic%)$", tostring(s))
    assert.matches("^ntsec%.wfp%.session %(0x%x+, kernel%)$", tostring(k))
    assert.are.equal("session", ntsec.type(s))
    e:close()
    assert.are.equal("ntsec.wfp.engine (closed)", tostring(e))
    assert.are.equal("ntsec.wfp.session (closed)", tostring(s))
    assert.are.equal("closed session", ntsec.type(s))
  end)

  it("close is idempotent and cascades from the engine to its sessions", function()
    local e = wfp.engine()
    local s = assert(e:open { token = admin() })
    assert.is_true(s:close())
    assert.is_true(s:close())
    local s2 = assert(e:open { token = admin() })
    assert.is_true(e:close())
    assert.is_true(e:close())
    assert.has_error(function() s2:key() end, "attempt to use a closed session")
    assert.has_error(function() e:counts() end, "attempt to use a closed engine")
    assert.has_error(function() wfp.FwpmCalloutGetSecurityInfoByKey0(s2, nil, 4) end,
      "attempt to use a closed session")
  end)

  it("a session keeps its engine alive and both survive garbage collection", function()
    local s = assert(wfp.engine():open { token = admin() })
    collectgarbage()
    collectgarbage()
    assert.are.equal(0, rcode(s:add_callout { name = "still here" }))
    s:close()
  end)

  it("supports <close>", function()
    local e = wfp.engine()
    local probe
    do
      local s <close> = assert(e:open { token = admin() })
      probe = s
    end
    assert.are.equal("ntsec.wfp.session (closed)", tostring(probe))
    e:close()
  end)

  it("raises on programmer errors", function()
    local e = wfp.engine()
    local s = assert(e:open { token = admin() })
    assert.has_error(function() e:open("x") end)
    assert.has_error(function() s:get_callout("not-a-guid") end)
    assert.has_error(function() wfp.FwpmCalloutGetSecurityInfoByKey0(e, nil, 4) end)
    assert.has_error(function() s:add_callout { name = "x", flags = { "NO_SUCH_FLAG" } } end)
    e:close()
  end)
end)

describe("FwpmEngineOpen0 / FwpmEngineClose0 (2.1)", function()
  it("returns code, session and accepts the key given", function()
    local e = wfp.engine()
    local code, s = wfp.FwpmEngineOpen0(e, { token = admin(), key = KEY, name = "n" })
    assert.are.equal(0, code)
    assert.are.equal(KEY, s:key())
    assert.is_false(s:is_kernel())
    assert.is_false(s:is_dynamic())
    -- a key in use: FWP_E_ALREADY_EXISTS (SDKAPI-EO)
    local c2, s2 = wfp.FwpmEngineOpen0(e, { token = admin(), key = KEY })
    assert.are.equal(0x80320009, c2)
    assert.is_nil(s2)
    assert.are.equal(0, wfp.FwpmEngineClose0(s))
    assert.are.equal(0, wfp.FwpmEngineClose0(nil))   -- NULL handle (W32-FFD)
    e:close()
  end)

  it("generates a key when none is given", function()
    local e = wfp.engine()
    local a, b = assert(e:open { token = admin() }), assert(e:open { token = admin() })
    assert.matches("^{%x+%-%x+%-4%x+%-[89ab]%x+%-%x+}$", a:key())
    assert.are_not.equal(a:key(), b:key())
    e:close()
  end)

  it("fails with EPT_S_NOT_REGISTERED (1753) while BFE is not running (5.5)", function()
    local e = wfp.engine { not_running = true }
    local s, code = e:open { token = admin() }
    assert.is_nil(s)
    assert.are.equal(1753, code.code)  -- engine:open returns nil, err
    s, code = e:open { kernel_mode = true }
    assert.is_nil(s)
    assert.are.equal(0xC0020036, code.code)  -- engine:open returns nil, err
    e:set_running(true)
    assert.is_truthy(e:open { token = admin() })
    e:close()
  end)

  it("needs FWPM_ACTRL_OPEN, which administrators always have (3.3)", function()
    local root = assert(ntsec.sd("O:BAG:LSD:(A;;GA;;;SY)(D;;DT;;;BA)"))
    local e = wfp.engine { sd = root }
    local s, code = e:open { token = plain() }
    assert.is_nil(s)
    assert.are.equal(5, code.code)  -- engine:open returns nil, err
    assert.is_truthy(e:open { token = admin() })
    -- the default root lets Everyone open (RP|DT)
    assert.is_truthy(wfp.engine():open { token = plain() })
    e:close()
  end)

  it("needs a token in user mode", function()
    local s, code = wfp.engine():open {}
    assert.is_nil(s)
    assert.are.equal(1008, code.code)  -- engine:open returns nil, err   -- STATUS_NO_TOKEN -> ERROR_NO_TOKEN (5.6)
  end)
end)

describe("transactions (2.2)", function()
  local e, s
  before_each(function()
    e = wfp.engine()
    s = assert(e:open { token = admin() })
  end)
  after_each(function() e:close() end)

  it("one at a time per session", function()
    assert.are.equal(0, rcode(s:begin_transaction()))
    assert.are.equal(0x8032000E, rcode(s:begin_transaction()))
    assert.are.equal(0, rcode(s:commit()))
    assert.are.equal(0x8032000D, rcode(s:commit()))
    assert.are.equal(0x8032000D, rcode(s:abort()))
    assert.are.equal(0x8032001E, wfp.FwpmTransactionBegin0(s, 2))   -- FWP_E_INVALID_FLAGS
  end)

  it("read-only transactions refuse writes (FWP_E_INCOMPATIBLE_TXN)", function()
    assert.are.equal(0, rcode(s:begin_transaction{ read_only = true }))
    assert.are.equal(0x80320011, rcode(s:add_callout { key = KEY, name = "x" }))
    assert.are.equal(0, rcode(s:abort()))
  end)

  it("abort restores every object; a failed call does not poison the transaction", function()
    assert.are.equal(0, rcode(s:add_callout { key = KEY, name = "kept" }))
    local before = e:callouts()
    assert.are.equal(0, wfp.FwpmTransactionBegin0(s, 0))
    assert.are.equal(0, rcode(s:add_callout { key = KEY2, name = "temporary" }))
    assert.are.equal(0x80320009, rcode(s:add_callout { key = KEY2, name = "again" }))
    assert.are.equal(0, rcode(s:delete_callout(KEY)))
    assert.are.equal(0x80320001, rcode(s:get_callout(KEY)))
    assert.are.equal(0, wfp.FwpmTransactionAbort0(s))
    assert.are.same(before, e:callouts())
  end)

  it("commit keeps the changes", function()
    assert.are.equal(0, rcode(s:begin_transaction()))
    assert.are.equal(0, rcode(s:add_callout { key = KEY, name = "kept" }))
    assert.are.equal(0, rcode(s:commit()))
    assert.are.equal(1, e:counts().callouts)
  end)

  it("closing the session aborts its transaction", function()
    assert.are.equal(0, rcode(s:begin_transaction()))
    assert.are.equal(0, rcode(s:add_callout { key = KEY, name = "lost" }))
    s:close()
    assert.are.equal(0, e:counts().callouts)
  end)

  it("needs BEGIN_WRITE_TXN / BEGIN_READ_TXN on the engine", function()
    local p = assert(e:open { token = plain() })
    assert.are.equal(5, rcode(p:begin_transaction()))
    assert.are.equal(5, rcode(p:begin_transaction{ read_only = true }))
  end)
end)

describe("callouts (2.3, 2.4)", function()
  local e, s, k
  before_each(function()
    e = wfp.engine()
    s = assert(e:open { token = admin() })
    k = assert(e:open { kernel_mode = true })
    assert(e:import_provider { key = "{aaaaaaaa-0000-4000-8000-000000000001}", name = "p" })
    assert(e:import_layer { key = "FWPM_LAYER_ALE_AUTH_CONNECT_V4", name = "connect v4", id = 48,
      flags = { "FWPM_LAYER_FLAG_KERNEL", "FWPM_LAYER_FLAG_BUILTIN" } })
  end)
  after_each(function() e:close() end)

  it("adds, reads and deletes", function()
    local ckey, id = s:add_callout { key = KEY, name = "mine", description = "d",
      layer = "FWPM_LAYER_ALE_AUTH_CONNECT_V4", provider = "aaaaaaaa-0000-4000-8000-000000000001" }
    assert.are.equal(KEY:lower():gsub("^{?(.-)}?$", "{%1}"), ckey)
    assert.is_true(math.type(id) == "integer" and id > 0)
    local c = assert(s:get_callout(KEY))
    assert.are.equal(KEY, c.key)
    assert.are.equal("mine", c.name)
    assert.are.equal(id, c.id)
    assert.are.equal("static", c.lifetime)
    assert.are.equal("{c38d57d1-05a7-4c33-904f-7fbceee60e82}", c.layer)
    assert.are.equal("{aaaaaaaa-0000-4000-8000-000000000001}", c.provider)
    assert.are.equal(0, rcode(s:delete_callout(KEY)))
    assert.are.equal(0x80320001, rcode(s:delete_callout(KEY)))
  end)

  it("FwpmCalloutAdd0 takes FWPM_CALLOUT0 field names and a descriptor", function()
    local sd = assert(ntsec.sd("O:SYG:SYD:(A;;GA;;;SY)"))
    local status, id = wfp.FwpmCalloutAdd0(k, { calloutKey = KEY, displayData = { name = "n" },
      applicableLayer = "FWPM_LAYER_ALE_AUTH_CONNECT_V4" }, sd)
    assert.are.equal(0, status)
    local _, c = wfp.FwpmCalloutGetByKey0(k, KEY)
    assert.are.equal(id, c.id)
    local _, got = wfp.FwpmCalloutGetSecurityInfoByKey0(k, KEY, 0x7)
    assert.are.equal("O:SYG:SYD:(A;;GA;;;SY)", tostring(got))
    -- the descriptor given is kept: an administrator has no access now
    assert.are.equal(5, rcode(s:get_callout(KEY)))
  end)

  it("reports the documented failures", function()
    assert.are.equal(0, rcode(s:add_callout { key = KEY, name = "x" }))
    assert.are.equal(0x80320009, rcode(s:add_callout { key = KEY, name = "x" }))   -- ALREADY_EXISTS
    assert.are.equal(0xC0220009, rcode(k:add_callout { key = KEY, name = "x" }))
    assert.are.equal(0xC0220023, rcode(k:add_callout { key = KEY2 }))             -- NULL_DISPLAY_NAME
    assert.are.equal(0xC0220005, rcode(k:add_callout { key = KEY2, name = "x", provider = KEY2 }))
    assert.are.equal(0xC0220004, rcode(k:add_callout { key = KEY2, name = "x", layer = KEY2 }))
    assert.are.equal(0xC022001E, rcode(k:add_callout { key = KEY2, name = "x", flags = { "FWPM_CALLOUT_FLAG_REGISTERED" } }))
    assert.are.equal(5, rcode(assert(e:open { token = plain() }):add_callout { key = KEY2, name = "x" }))
  end)

  it("keeps callouts referenced by filters (FWP_E_IN_USE) and built-ins (FWP_E_BUILTIN_OBJECT)", function()
    assert.are.equal(0, rcode(s:add_callout { key = KEY, name = "x" }))
    assert(e:import_filter { key = "{ffffffff-0000-4000-8000-000000000001}", name = "f",
      layer = "FWPM_LAYER_ALE_AUTH_CONNECT_V4", callout = KEY, action = "FWP_ACTION_CALLOUT_INSPECTION", id = 5 })
    assert.are.equal(0x8032000A, rcode(s:delete_callout(KEY)))
    assert(e:import_callout { key = "FWPM_CALLOUT_IPSEC_FORWARD_INBOUND_TUNNEL_V4", name = "b", id = 9 })
    assert.are.equal(0xC0220017, rcode(k:delete_callout("FWPM_CALLOUT_IPSEC_FORWARD_INBOUND_TUNNEL_V4")))
    local f = e:filters()[1]
    assert.are.equal(0x6004, f.action)
    assert.are.equal(KEY, f.callout)
  end)

  it("deletes a dynamic session's callouts when it closes (2.1)", function()
    local d = assert(e:open { token = admin(), dynamic = true })
    assert.are.equal(0, rcode(d:add_callout { key = KEY, name = "dyn", flags = wfp.FWPM_CALLOUT_FLAG_PERSISTENT }))
    local c = s:get_callout(KEY)
    assert.are.equal("dynamic", c.lifetime)
    assert.are.equal(d:key(), c.owner_session)
    d:close()
    assert.are.equal(0x80320001, rcode(s:get_callout(KEY)))
  end)

  it("enforces the callout limit (FWP_E_TOO_MANY_CALLOUTS)", function()
    local small = wfp.engine { max_callouts = 1 }
    local ks = assert(small:open { kernel_mode = true })
    assert.are.equal(0, rcode(ks:add_callout { name = "one" }))
    assert.are.equal(0xC0220018, rcode(ks:add_callout { name = "two" }))
    small:close()
  end)
end)

describe("ALE endpoints and connections (2.5, 2.6)", function()
  local e, k, p
  before_each(function()
    e = wfp.engine()
    k = assert(e:open { kernel_mode = true })
    p = assert(e:open { token = plain() })
    assert(e:import_endpoint { id = 100032, ip_version = "FWP_IP_VERSION_V4", local_address = "28.0.0.1",
      remote_address = "162.243.97.106", protocol = 6, local_port = 52592, remote_port = 8317,
      ipsec_status = "0 (ERROR_SUCCESS)", flags = {}, app_id = "5c0064000000" })
    assert(e:import_endpoint { id = 7, ip_version = "FWP_IP_VERSION_V6", local_address = "fe80::1",
      remote_address = "::1" })
  end)
  after_each(function() e:close() end)

  it("FwpsAleEndpointGetById0 returns the properties", function()
    local code, ep = wfp.FwpsAleEndpointGetById0(k, 100032)
    assert.are.equal(0, code)
    assert.are.equal("162.243.97.106", ep.remote_address)
    assert.are.equal("\162\243\97\106", ep.remote_address_bytes)
    assert.are.equal(52592, ep.local_port)
    assert.are.equal("5c0064000000", ep.app_id)
    local _, v6 = wfp.FwpsAleEndpointGetById0(k, 7)
    assert.are.equal(1, v6.ip_version)
    assert.are.equal(string.rep("\0", 15) .. "\1", v6.remote_address_bytes)
    assert.are.equal(0xC0220008, (wfp.FwpsAleEndpointGetById0(k, 1)))   -- STATUS_FWP_NOT_FOUND
    assert.are.equal(5, (wfp.FwpsAleEndpointGetById0(p, 100032)))       -- no READ for Everyone
  end)

  it("FwpsAleEndpointEnum0 needs ENUM on the container", function()
    local code, list = wfp.FwpsAleEndpointEnum0(k)
    assert.are.equal(0, code)
    assert.are.equal(2, #list)
    assert.are.equal(5, (wfp.FwpsAleEndpointEnum0(p)))
    assert.are.equal(2, #e:endpoints())
  end)

  it("connections appear through the test helper and enumerate", function()
    assert.are.equal(0, rcode(k:add_connection { id = 11, local_address = "10.0.0.1", remote_address = "10.0.0.2" }))
    assert.are.equal(0xC0220009, rcode(k:add_connection { id = 11 }))
    local code, list = wfp.FwpmConnectionEnum0(k)
    assert.are.equal(0, code)
    assert.are.equal("10.0.0.2", list[1].remote_address)
    assert.are.equal(5, (wfp.FwpmConnectionEnum0(p)))
  end)
end)

describe("importing dump records", function()
  local e
  before_each(function() e = wfp.engine() end)
  after_each(function() e:close() end)

  it("resolves FWPM_* names and fails clearly on unknown ones", function()
    assert.is_true(e:import_sublayer { key = "FWPM_SUBLAYER_INSPECTION", name = "s", weight = 0 })
    local ok, err = e:import_callout { key = "FWPM_CALLOUT_NO_SUCH_THING", name = "x" }
    assert.is_nil(ok)
    assert.equal("STATUS_INVALID_PARAMETER", err.name)
    assert.matches("FWPM_CALLOUT_NO_SUCH_THING", err.detail, 1, true)
    ok, err = e:import_callout { key = KEY, name = "x", layer = "FWPM_LAYER_NOPE" }
    assert.is_nil(ok)
    assert.matches("FWPM_LAYER_NOPE", err.detail, 1, true)
  end)

  it("derives lifetimes from flags and built-in keys", function()
    assert(e:import_callout { key = "FWPM_CALLOUT_IPSEC_FORWARD_INBOUND_TUNNEL_V4", name = "b",
      flags = { "FWPM_CALLOUT_FLAG_USES_PROVIDER_CONTEXT", "FWPM_CALLOUT_FLAG_REGISTERED", "00000020" }, id = 9 })
    assert(e:import_callout { key = KEY, name = "p", flags = { "FWPM_CALLOUT_FLAG_PERSISTENT" } })
    assert(e:import_callout { key = KEY2, name = "s" })
    local by = {}
    for _, c in ipairs(e:callouts()) do by[c.name] = c end
    assert.are.equal("builtin", by.b.lifetime)
    assert.are.equal("FWPM_CALLOUT_IPSEC_FORWARD_INBOUND_TUNNEL_V4", by.b.key_name)
    assert.are.equal(0x20000 | 0x40000 | 0x20, by.b.flags)
    assert.are.equal("persistent", by.p.lifetime)
    assert.are.equal("static", by.s.lifetime)
  end)

  it("refuses duplicate keys", function()
    assert(e:import_provider { key = KEY, name = "p" })
    local ok, msg = e:import_provider { key = KEY, name = "p" }
    assert.is_nil(ok)
    assert.matches("STATUS_FWP_ALREADY_EXISTS", msg, 1, true)
  end)

  it("keeps session records, which also reserve their keys", function()
    assert(e:import_session { key = KEY, name = "wfputil", sid = "S-1-5-18", pid = 6760,
      username = "NT AUTHORITY\\SYSTEM", kernel_mode = false, dynamic = true, txn_timeout_ms = 4294967295 })
    local r = e:sessions()[1]
    assert.are.equal(KEY, r.key)
    assert.are.equal("S-1-5-18", tostring(r.sid))
    assert.are.equal(4294967295, r.txn_timeout_ms)
    assert.is_true(r.dynamic)
    local s, code = e:open { token = admin(), key = KEY }
    assert.is_nil(s)
    assert.are.equal(0x80320009, code.code)  -- engine:open returns nil, err
  end)

  for _, case in ipairs {
    { file = "netsh-wfpstate-1.xml", sessions = 14, providers = 12, sublayers = 20, callouts = 82, filters = 200, endpoints = 98 },
    { file = "netsh-wfpstate-2.xml", sessions = 13, providers = 14, sublayers = 41, callouts = 89, filters = 665, endpoints = 92 },
  } do
    it("imports every object of " .. case.file .. " (counts from data/README.md)", function()
      local netsh = require("ntsec.netsh")
      local summary = assert(netsh.import_file(e, helper.data("wfpstate/" .. case.file)))
      assert.are.same({}, summary.skipped)
      local counts = e:counts()
      for _, kind in ipairs { "sessions", "providers", "sublayers", "callouts", "filters", "endpoints" } do
        assert.are.equal(case[kind], counts[kind], kind)
      end
      -- every imported callout is readable with its own descriptor
      local observer = assert(e:open { kernel_mode = true })
      for _, c in ipairs(e:callouts()) do
        local code, sd = wfp.FwpmCalloutGetSecurityInfoByKey0(observer, c.key, 0x7)
        assert.are.equal(0, code)
        assert.are.equal(tostring(ntsec.sid("BA")), tostring(sd.owner))
      end
    end)
  end
end)
