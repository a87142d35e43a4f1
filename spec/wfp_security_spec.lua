local rcode = require("spec.support.wfp_result").code
-- spec/wfp_security_spec.lua: the three WFP Set functions and their getters
-- through the Lua API, rule by rule (shared/spec/wfp_ks_errors.md 2.7, 2.8,
-- 3.3, 3.4; seeds 000 FwpmCalloutSetSecurityInfoByKey0, 001
-- FwpmConnectionSetSecurityInfo0, 002 FwpsAleEndpointSetSecurityInfo0).
--
-- Expected codes are typed from the spec's tables (5.2, 5.6): a user-mode
-- session gets the DWORD of fwpuclnt (FWP_E_* / Win32), a kernel-mode session
-- the NTSTATUS. Every failing call is also checked to leave the target's
-- descriptor byte-identical (sd:bytes() before == after).

local ntsec = require("ntsec")
local wfp = ntsec.wfp

local OWNER, GROUP = ntsec.OWNER_SECURITY_INFORMATION, ntsec.GROUP_SECURITY_INFORMATION
local DACL, SACL = ntsec.DACL_SECURITY_INFORMATION, ntsec.SACL_SECURITY_INFORMATION
local LABEL = ntsec.LABEL_SECURITY_INFORMATION
local PROTECTED, UNPROTECTED = ntsec.PROTECTED_DACL_SECURITY_INFORMATION, ntsec.UNPROTECTED_DACL_SECURITY_INFORMATION
local ALL = OWNER | GROUP | DACL | SACL

-- Codes, typed from wfp_ks_errors.md 5.2 / 5.5 / 5.6: { user, kernel }.
local CODE = {
  ok = { 0, 0 },
  txn_in_progress = { 0x8032000E, 0xC022000E },
  callout_not_found = { 0x80320001, 0xC0220001 },
  dynamic_in_progress = { 0x8032000B, 0xC022000B },
  wrong_session = { 0x8032000C, 0xC022000C },
  access_denied = { 5, 0xC0000022 },
  privilege_not_held = { 1314, 0xC0000061 },
  invalid_parameter = { 87, 0xC000000D },
  invalid_sid = { 1337, 0xC0000078 },
  invalid_acl = { 1336, 0xC0000077 },
  not_registered = { 1753, 0xC0020036 },
}
local MODES = { "user", "kernel" }
local function code(name, mode) return CODE[name][mode == "user" and 1 or 2] end

local ADMIN = "S-1-5-21-1111-2222-3333-1001"
local PLAIN = "S-1-5-21-1111-2222-3333-1002"
local S_KEY = "{bbbbbbbb-0000-4000-8000-000000000001}"    -- static callout
local D1_KEY = "{cccccccc-0000-4000-8000-000000000001}"   -- added by dynamic session 1
local D2_KEY = "{cccccccc-0000-4000-8000-000000000002}"   -- added by dynamic session 2
local MISSING = "{dddddddd-0000-4000-8000-00000000dead}"
local ZERO = "{00000000-0000-0000-0000-000000000000}"

-- A fresh engine with sessions of every kind and three callouts.
local function world()
  local e = wfp.engine { clock = "virtual" }   -- a lock wait never sleeps
  local w = { e = e }
  w.admin = ntsec.token { user = ADMIN, groups = { "BA", "WD" } }
  w.plain = ntsec.token { user = PLAIN, groups = { "WD" } }
  w.auditor = ntsec.token { user = ADMIN, groups = { "BA", "WD" }, privileges = { "SeSecurityPrivilege" } }
  w.user = assert(e:open { token = w.admin })
  w.kernel = assert(e:open { token = w.plain, kernel_mode = true })
  w.plain_user = assert(e:open { token = w.plain })
  w.plain_kernel = assert(e:open { token = w.plain, kernel_mode = true })
  w.audit_user = assert(e:open { token = w.auditor })
  w.observer = assert(e:open { kernel_mode = true, name = "observer" })
  w.dyn = {
    user = assert(e:open { token = w.admin, dynamic = true }),
    kernel = assert(e:open { token = w.plain, dynamic = true, kernel_mode = true }),
  }
  w.dyn2 = assert(e:open { token = w.admin, dynamic = true })
  assert(w.user:add_callout { key = S_KEY, name = "static" })
  assert(w.dyn.user:add_callout { key = D1_KEY, name = "dyn1 (user)" })
  assert(w.dyn.kernel:add_callout { key = "{cccccccc-0000-4000-8000-00000000000a}", name = "dyn1 (kernel)" })
  assert(w.dyn2:add_callout { key = D2_KEY, name = "dyn2" })
  w.dyn_own = { user = D1_KEY, kernel = "{cccccccc-0000-4000-8000-00000000000a}" }
  return w
end

-- The three targets as (set, get) pairs over the faithful functions.
local TARGETS = {
  callout = {
    set = function(s, key, ...) return wfp.FwpmCalloutSetSecurityInfoByKey0(s, key, ...) end,
    get = function(s, key, si) return wfp.FwpmCalloutGetSecurityInfoByKey0(s, key, si) end,
    key = S_KEY,
  },
  connection = {
    set = function(s, _, ...) return wfp.FwpmConnectionSetSecurityInfo0(s, ...) end,
    get = function(s, _, si) return wfp.FwpmConnectionGetSecurityInfo0(s, si) end,
  },
  ale = {
    set = function(s, _, ...) return wfp.FwpsAleEndpointSetSecurityInfo0(s, ...) end,
    get = function(s, _, si) return wfp.FwpsAleEndpointGetSecurityInfo0(s, si) end,
  },
}
local TARGET_NAMES = { "callout", "connection", "ale" }

-- Bytes of the target's whole descriptor, read by the kernel observer.
local function bytes(w, t, key)
  local c, sd = t.get(w.observer, key, ALL)
  assert(c == 0, "observer read failed: " .. tostring(c))
  return sd:bytes()
end

-- Call Set and check the code and that the descriptor did not change.
local function fails_unchanged(w, t, session, key, want, ...)
  local before = bytes(w, t, key)
  assert.are.equal(want, (t.set(session, key, ...)))
  assert.are.equal(before, bytes(w, t, key))
end

local function acl(aces) return assert(ntsec.acl(aces)) end

describe("WFP Set security functions (2.8 rule table)", function()
  local w, grant
  before_each(function()
    w = world()
    grant = acl("(A;;GA;;;BA)")
  end)
  after_each(function() w.e:close() end)

  for _, tname in ipairs(TARGET_NAMES) do
    local t = TARGETS[tname]
    for _, mode in ipairs(MODES) do
      describe(tname .. ", " .. mode .. " mode", function()
        it("succeeds for an allowed caller (ERROR_SUCCESS / STATUS_SUCCESS)", function()
          local session = mode == "user" and w.user or w.plain_kernel
          assert.are.equal(0, (t.set(session, t.key, DACL, nil, nil, grant, nil)))
          -- the caller's explicit ACE comes first, as given (sd_semantics.md 4.4:
          -- only inheritable ACEs are split/mapped)
          local _, sd = t.get(w.observer, t.key, DACL)
          assert.are.equal("(A;;GA;;;BA)", sd.dacl:sddl():match("^%b()"))
        end)

        it("fails with TXN_IN_PROGRESS inside an explicit transaction (step 3)", function()
          local session = w[mode]
          -- the observer cannot read while another session holds the
          -- read/write lock, so compare before the transaction and after it
          local before = bytes(w, t, t.key)
          assert.are.equal(0, wfp.FwpmTransactionBegin0(session, 0))
          assert.are.equal(code("txn_in_progress", mode), (t.set(session, t.key, DACL, nil, nil, grant, nil)))
          assert.are.equal(0, wfp.FwpmTransactionAbort0(session))
          assert.are.equal(before, bytes(w, t, t.key))
        end)

        it("also inside a read-only transaction", function()
          local session = w[mode]
          assert.are.equal(0, wfp.FwpmTransactionBegin0(session, wfp.FWPM_TXN_READ_ONLY))
          fails_unchanged(w, t, session, t.key, code("txn_in_progress", mode), DACL, nil, nil, grant, nil)
          assert.are.equal(0, wfp.FwpmTransactionCommit0(session))
        end)

        it("fails with the RPC endpoint error while BFE is not running (5.5)", function()
          w.e:set_running(false)
          local before = (function() w.e:set_running(true); local b = bytes(w, t, t.key); w.e:set_running(false); return b end)()
          assert.are.equal(code("not_registered", mode), (t.set(w[mode], t.key, DACL, nil, nil, grant, nil)))
          w.e:set_running(true)
          assert.are.equal(before, bytes(w, t, t.key))
        end)

        it("refuses a dynamic session on an object it did not add (step 5)", function()
          local want = code("dynamic_in_progress", mode)
          if tname == "callout" then
            fails_unchanged(w, t, w.dyn[mode], S_KEY, want, DACL, nil, nil, grant, nil)
            fails_unchanged(w, t, w.dyn[mode], nil, want, DACL, nil, nil, grant, nil)
          else
            fails_unchanged(w, t, w.dyn[mode], nil, want, DACL, nil, nil, grant, nil)
          end
        end)

        it("fails on unsupported SECURITY_INFORMATION bits (step 7)", function()
          local session = mode == "user" and w.user or w.plain_kernel
          fails_unchanged(w, t, session, t.key, code("invalid_parameter", mode), LABEL, nil, nil, nil, nil)
        end)

        it("fails on an OWNER bit without an owner SID (step 7)", function()
          local session = mode == "user" and w.user or w.plain_kernel
          fails_unchanged(w, t, session, t.key, code("invalid_parameter", mode), OWNER, nil, nil, nil, nil)
        end)

        it("fails when both PROTECTED_ and UNPROTECTED_ are given", function()
          local session = mode == "user" and w.user or w.plain_kernel
          fails_unchanged(w, t, session, t.key, code("invalid_parameter", mode),
            DACL | PROTECTED | UNPROTECTED, nil, nil, grant, nil)
        end)

        if mode == "user" then
          it("denies a caller without WRITE_DAC (step 6: ERROR_ACCESS_DENIED)", function()
            fails_unchanged(w, t, w.plain_user, t.key, 5, DACL, nil, nil, grant, nil)
          end)

          it("needs SeSecurityPrivilege for the SACL (ERROR_PRIVILEGE_NOT_HELD)", function()
            local sacl = assert(ntsec.sd("S:(AU;SA;GA;;;WD)")).sacl
            fails_unchanged(w, t, w.user, t.key, 1314, SACL, nil, nil, nil, sacl)
            assert.are.equal(0, (t.set(w.audit_user, t.key, SACL, nil, nil, nil, sacl)))
          end)

          it("checks access before the arguments (6 before 7)", function()
            fails_unchanged(w, t, w.plain_user, t.key, 5, DACL | LABEL, nil, nil, grant, nil)
          end)
        else
          it("never access-checks a kernel caller (3.2)", function()
            local sacl = assert(ntsec.sd("S:(AU;SA;GA;;;WD)")).sacl
            assert.are.equal(0, (t.set(w.plain_kernel, t.key, DACL, nil, nil, grant, nil)))
            assert.are.equal(0, (t.set(w.plain_kernel, t.key, SACL, nil, nil, nil, sacl)))
          end)
        end
      end)
    end
  end
end)

describe("FwpmCalloutSetSecurityInfoByKey0 (seed 000)", function()
  local w, grant
  before_each(function()
    w = world()
    grant = acl("(A;;GA;;;BA)")
  end)
  after_each(function() w.e:close() end)
  local t = TARGETS.callout

  for _, mode in ipairs(MODES) do
    it("NULL key and the NULL GUID both address the callouts container (" .. mode .. ")", function()
      local session = mode == "user" and w.user or w.plain_kernel
      assert.are.equal(0, (t.set(session, nil, DACL, nil, nil, acl("(A;;GA;;;SY)"), nil)))
      local _, a = t.get(w.observer, ZERO, DACL)
      assert.are.equal("(A;;GA;;;SY)", a.dacl:sddl():match("^%b()"))
      assert.are.equal(0, (t.set(session, ZERO, DACL, nil, nil, grant, nil)))
      local _, b = t.get(w.observer, nil, DACL)
      assert.are.equal("(A;;GA;;;BA)", b.dacl:sddl():match("^%b()"))
    end)

    it("returns CALLOUT_NOT_FOUND for an unknown key (" .. mode .. ")", function()
      local session = mode == "user" and w.user or w.plain_kernel
      assert.are.equal(code("callout_not_found", mode), (t.set(session, MISSING, DACL, nil, nil, grant, nil)))
    end)

    it("allows a dynamic session on the callout it added (" .. mode .. ")", function()
      assert.are.equal(0, (t.set(w.dyn[mode], w.dyn_own[mode], DACL, nil, nil, grant, nil)))
    end)

    it("returns WRONG_SESSION for a callout of another dynamic session (" .. mode .. ")", function()
      fails_unchanged(w, t, w.dyn[mode], D2_KEY, code("wrong_session", mode), DACL, nil, nil, grant, nil)
    end)

    it("returns DYNAMIC_SESSION_IN_PROGRESS for a callout not added in a dynamic session (" .. mode .. ")", function()
      fails_unchanged(w, t, w.dyn[mode], S_KEY, code("dynamic_in_progress", mode), DACL, nil, nil, grant, nil)
    end)

    it("rejects malformed SIDs and ACLs (" .. mode .. ")", function()
      local session = mode == "user" and w.user or w.plain_kernel
      -- a SID string that parses is fine; a malformed one is a programmer error
      assert.has_error(function() t.set(session, S_KEY, OWNER, "S-1-x", nil, nil, nil) end)
      assert.are.equal(0, (t.set(session, S_KEY, GROUP, nil, "S-1-5-32-545", nil, nil)))
    end)
  end

  it("checks the transaction before the key (3 before 4)", function()
    assert.are.equal(0, wfp.FwpmTransactionBegin0(w.kernel, 0))
    assert.are.equal(0xC022000E, (t.set(w.kernel, MISSING, DACL, nil, nil, grant, nil)))
  end)

  it("looks the key up before the dynamic-session rule (4 before 5)", function()
    assert.are.equal(0x80320001, (t.set(w.dyn.user, MISSING, DACL, nil, nil, grant, nil)))
  end)

  it("applies the dynamic-session rule before the access check (5 before 6)", function()
    local pd = assert(w.e:open { token = w.plain, dynamic = true })
    fails_unchanged(w, t, pd, D1_KEY, 0x8032000C, DACL, nil, nil, grant, nil)
    fails_unchanged(w, t, pd, S_KEY, 0x8032000B, DACL, nil, nil, grant, nil)
  end)

  it("is the same function under its version-less name (1.3)", function()
    assert.are.equal(wfp.FwpmCalloutSetSecurityInfoByKey0, wfp.FwpmCalloutSetSecurityInfoByKey)
    assert.are.equal(wfp.FwpmCalloutGetSecurityInfoByKey0, wfp.FwpmCalloutGetSecurityInfoByKey)
    assert.are.equal(wfp.FwpmConnectionSetSecurityInfo0, wfp.FwpmConnectionSetSecurityInfo)
    assert.are.equal(wfp.FwpsAleEndpointSetSecurityInfo0, wfp.FwpsAleEndpointSetSecurityInfo)
  end)
end)

describe("FwpmConnectionSetSecurityInfo0 (seed 001)", function()
  local w
  before_each(function() w = world() end)
  after_each(function() w.e:close() end)

  it("always fails in a dynamic session, even a kernel one", function()
    local grant = acl("(A;;GA;;;BA)")
    fails_unchanged(w, TARGETS.connection, w.dyn.user, nil, 0x8032000B, DACL, nil, nil, grant, nil)
    fails_unchanged(w, TARGETS.connection, w.dyn.kernel, nil, 0xC022000B, DACL, nil, nil, grant, nil)
  end)

  it("reports the dynamic session before the access check", function()
    local pd = assert(w.e:open { token = w.plain, dynamic = true })
    assert.are.equal(0x8032000B, (wfp.FwpmConnectionSetSecurityInfo0(pd, DACL, nil, nil, acl("(A;;GA;;;WD)"), nil)))
  end)
end)

describe("FwpsAleEndpointSetSecurityInfo0 (seed 002)", function()
  local w
  before_each(function() w = world() end)
  after_each(function() w.e:close() end)

  it("returns STATUS_SUCCESS to a kernel caller", function()
    assert.are.equal(ntsec.STATUS_SUCCESS, (wfp.FwpsAleEndpointSetSecurityInfo0(w.plain_kernel, DACL, nil, nil,
      acl("(A;;GR;;;WD)"), nil)))
  end)

  it("returns other status codes on failure (here STATUS_INVALID_PARAMETER)", function()
    assert.are.equal(ntsec.STATUS_INVALID_PARAMETER,
      (wfp.FwpsAleEndpointSetSecurityInfo0(w.plain_kernel, LABEL, nil, nil, nil, nil)))
  end)
end)

describe("SetSecurityInfo semantics of a successful Set (3.3, 3.4)", function()
  local w
  before_each(function() w = world() end)
  after_each(function() w.e:close() end)
  local t = TARGETS.callout

  local function dacl_of(key)
    local _, sd = t.get(w.observer, key, ALL)
    return sd.dacl, sd
  end

  it("keeps the inherited ACEs after the caller's explicit ones (W32-HFD)", function()
    local old = dacl_of(S_KEY)
    assert.are.equal(0, (t.set(w.user, S_KEY, DACL, nil, nil, acl("(D;;SDWDWO;;;WD)"), nil)))
    local new = dacl_of(S_KEY)
    assert.are.equal(#old + 1, #new)
    assert.are.equal(ntsec.ACCESS_DENIED_ACE_TYPE or 1, new[1].type)
    assert.are.equal(0xD0000, new[1].mask)
    for i = 1, #old do
      assert.are.same(old[i], new[i + 1])
      assert.is_true(old[i].flags & 0x10 ~= 0)   -- INHERITED_ACE
    end
    -- DELETE is now denied even to an administrator
    assert.are.equal(5, rcode(w.user:delete_callout(S_KEY)))
  end)

  it("drops inherited ACEs with PROTECTED_DACL and brings them back with UNPROTECTED_DACL", function()
    local old = dacl_of(S_KEY)
    assert.are.equal(0, (t.set(w.user, S_KEY, DACL | PROTECTED, nil, nil, acl("(A;;GA;;;BA)"), nil)))
    local prot, sd = dacl_of(S_KEY)
    assert.are.equal(1, #prot)
    assert.is_true(sd.control & 0x1000 ~= 0)   -- SE_DACL_PROTECTED
    assert.are.equal(0, (t.set(w.user, S_KEY, DACL | UNPROTECTED, nil, nil, acl("(A;;GA;;;BA)"), nil)))
    local again, sd2 = dacl_of(S_KEY)
    assert.are.equal(#old + 1, #again)
    assert.is_true(sd2.control & 0x1000 == 0)
  end)

  it("installs a NULL DACL for a nil dacl with the DACL bit (SetSecurityInfo)", function()
    assert.are.equal(0, (t.set(w.user, S_KEY, DACL, nil, nil, nil, nil)))
    local d, sd = dacl_of(S_KEY)
    assert.is_nil(d)
    assert.is_true(sd.dacl_present)
  end)

  it("takes ownership with SeTakeOwnershipPrivilege, then rewrites the DACL as owner (W32-FFD)", function()
    assert.are.equal(0, (t.set(w.user, S_KEY, DACL | PROTECTED, nil, nil, acl("(D;;SDWDWO;;;WD)"), nil)))
    local taker = assert(w.e:open { token = ntsec.token { user = PLAIN, groups = { "WD" },
      privileges = { "SeTakeOwnershipPrivilege" } } })
    assert.are.equal(5, (t.set(w.plain_user, S_KEY, OWNER, PLAIN, nil, nil, nil)))
    assert.are.equal(0, (t.set(taker, S_KEY, OWNER, PLAIN, nil, nil, nil)))
    assert.are.equal(0, (t.set(taker, S_KEY, DACL | PROTECTED, nil, nil, acl("(A;;SD;;;" .. PLAIN .. ")"), nil)))
    assert.are.equal(0, wfp.FwpmCalloutDeleteByKey0(taker, S_KEY))
  end)

  it("refuses an owner the caller may not assign (STATUS_INVALID_OWNER)", function()
    assert.are.equal(1307, (t.set(w.user, S_KEY, OWNER, "S-1-5-21-9-9-9-9", nil, nil, nil)))
    assert.are.equal(0, (t.set(w.plain_kernel, S_KEY, OWNER, "S-1-5-21-9-9-9-9", nil, nil, nil)))
  end)

  it("treats securityInfo 0 as a no-op", function()
    local before = bytes(w, t, S_KEY)
    assert.are.equal(0, (t.set(w.plain_user, S_KEY, 0, nil, nil, nil, nil)))
    assert.are.equal(before, bytes(w, t, S_KEY))
  end)
end)

describe("WFP Get security functions", function()
  local w
  before_each(function() w = world() end)
  after_each(function() w.e:close() end)

  for _, tname in ipairs(TARGET_NAMES) do
    local t = TARGETS[tname]
    it(tname .. ": needs READ_CONTROL in user mode, nothing in kernel mode", function()
      local c, sd = t.get(w.plain_user, t.key, DACL)
      assert.are.equal(5, c)
      assert.is_nil(sd)
      c, sd = t.get(w.plain_kernel, t.key, DACL)
      assert.are.equal(0, c)
      assert.is_nil(sd.owner)   -- only the requested part
      assert.is_not_nil(sd.dacl)
    end)

    it(tname .. ": needs SeSecurityPrivilege for the SACL", function()
      assert.are.equal(1314, (t.get(w.user, t.key, SACL)))
      assert.are.equal(0, (t.get(w.audit_user, t.key, SACL | OWNER)))
    end)

    it(tname .. ": works inside a transaction and a dynamic session (2.7)", function()
      assert.are.equal(0, wfp.FwpmTransactionBegin0(w.user, 0))
      assert.are.equal(0, (t.get(w.user, t.key, OWNER | DACL)))
      -- another session's read waits for the read/write transaction and,
      -- on the virtual clock, times out at once (FWP_E_TIMEOUT, 2.2)
      assert.are.equal(0x80320012, (t.get(w.dyn.user, t.key, OWNER | DACL)))
      assert.are.equal(0, wfp.FwpmTransactionAbort0(w.user))
      assert.are.equal(0, (t.get(w.dyn.user, t.key, OWNER | DACL)))
      assert.are.equal(0, wfp.FwpmTransactionBegin0(w.dyn.user, wfp.FWPM_TXN_READ_ONLY))
      assert.are.equal(0, (t.get(w.dyn.user, t.key, OWNER | DACL)))
      assert.are.equal(0, (t.get(w.user, t.key, OWNER | DACL)))   -- readers do not wait for readers
      assert.are.equal(0, wfp.FwpmTransactionCommit0(w.dyn.user))
    end)
  end

  it("returns the default descriptors of 3.3", function()
    local _, engine = wfp.FwpmEngineGetSecurityInfo0(w.observer, OWNER | GROUP | DACL)
    assert.are.equal(wfp.DEFAULT_ENGINE_SDDL, tostring(engine))
    local _, container = wfp.FwpmCalloutGetSecurityInfoByKey0(w.observer, nil, OWNER | GROUP | DACL)
    assert.are.equal(tostring(ntsec.sid("BA")), tostring(container.owner))
    assert.are.equal(tostring(ntsec.sid("LS")), tostring(container.group))
    local everyone = ntsec.token { user = PLAIN, groups = { "WD" } }
    local netops = ntsec.token { user = PLAIN, groups = { "NO", "WD" } }
    for _, get in ipairs {
      function() return wfp.FwpmCalloutGetSecurityInfoByKey0(w.observer, nil, ALL) end,
      function() return wfp.FwpmCalloutGetSecurityInfoByKey0(w.observer, S_KEY, ALL) end,
      function() return wfp.FwpmConnectionGetSecurityInfo0(w.observer, ALL) end,
      function() return wfp.FwpsAleEndpointGetSecurityInfo0(w.observer, ALL) end,
    } do
      local _, sd = get()
      assert.are.equal(0x50, (ntsec.access_check(sd, everyone, ntsec.MAXIMUM_ALLOWED, "fwpm")))
      assert.are.equal(0x307FF, (ntsec.access_check(sd, netops, ntsec.MAXIMUM_ALLOWED, "fwpm")))
    end
  end)
end)
