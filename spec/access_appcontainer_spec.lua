-- ntsec.access_check with an AppContainer token (docs/access.md "AppContainer
-- tokens"): granted = pass 1 (user and groups) AND pass 2 (package SID,
-- enabled capabilities, ALL APPLICATION PACKAGES). Expected masks are
-- hand-computed from that rule: FR = FILE_GENERIC_READ 0x120089, FA =
-- FILE_ALL_ACCESS 0x1F01FF (winnt.h).
local ntsec = require("ntsec")

local PKG = "S-1-15-2-1-2-3-4-5-6-7"
local USER = "S-1-5-21-1-2-3-1002"
local FR, FA = 0x120089, 0x1F01FF

local function lowbox(extra)
  local spec = { user = USER, groups = { "BU", "WD" }, package = PKG, capabilities = { "internetClient" } }
  for k, v in pairs(extra or {}) do spec[k] = v end
  return ntsec.token(spec)
end

describe("access check of an AppContainer token", function()
  it("gets nothing from Everyone alone, which pass 2 does not match", function()
    assert.same({ 0, ntsec.STATUS_ACCESS_DENIED },
      { ntsec.access_check("O:BAG:BAD:(A;;FA;;;WD)", lowbox(), ntsec.MAXIMUM_ALLOWED) })
  end)

  it("gets what both passes grant: ALL APPLICATION PACKAGES, a capability or its package SID", function()
    for _, who in ipairs({ "AC", "S-1-15-3-1", PKG }) do
      assert.same({ FR, ntsec.STATUS_SUCCESS },
        { ntsec.access_check("O:BAG:BAD:(A;;FA;;;WD)(A;;FR;;;" .. who .. ")", lowbox(), ntsec.MAXIMUM_ALLOWED) }, who)
    end
  end)

  it("gets nothing a pass-2 ACE grants when pass 1 grants nothing", function()
    assert.same({ 0, ntsec.STATUS_ACCESS_DENIED },
      { ntsec.access_check("O:BAG:BAD:(A;;FA;;;AC)", lowbox(), ntsec.MAXIMUM_ALLOWED) })
  end)

  it("needs the capability the ACE names", function()
    -- S-1-15-3-2 (internetClientServer) is not among the token's capabilities
    assert.same({ 0, ntsec.STATUS_ACCESS_DENIED },
      { ntsec.access_check("O:BAG:BAD:(A;;FA;;;WD)(A;;FR;;;S-1-15-3-2)", lowbox(), ntsec.MAXIMUM_ALLOWED) })
  end)

  it("reports a specific request by the bits both passes grant", function()
    local sd = "O:BAG:BAD:(A;;FA;;;WD)(A;;FR;;;AC)"
    assert.same({ FR, ntsec.STATUS_SUCCESS }, { ntsec.access_check(sd, lowbox(), ntsec.GENERIC_READ) })
    assert.same({ 0, ntsec.STATUS_ACCESS_DENIED }, { ntsec.access_check(sd, lowbox(), ntsec.GENERIC_WRITE) })
  end)

  it("leaves the same token without AppContainer part on the one-pass check", function()
    local plain = ntsec.token { user = USER, groups = { "BU", "WD" } }
    assert.same({ FA, ntsec.STATUS_SUCCESS }, { ntsec.access_check("O:BAG:BAD:(A;;FA;;;WD)", plain, ntsec.MAXIMUM_ALLOWED) })
  end)

  it("returns nil, err for SDDL that does not parse", function()
    local granted, err = ntsec.access_check("O:BAG:BAD:(A;;FA;;;WD", lowbox(), ntsec.MAXIMUM_ALLOWED)
    assert.is_nil(granted)
    assert.equal("STATUS_INVALID_ACL", err.name)
  end)
end)

-- The same two passes at every entry point and in ntsec.explain (ntsec.lowbox;
-- before, these checked pass 1 only and granted an AppContainer what Everyone
-- is granted). Masks hand-computed as above; FW = FILE_GENERIC_WRITE 0x120116.
describe("an AppContainer token at the Windows-named entry points and in explain", function()
  local FW = 0x120116
  local FILE_MAP = { read = FR, write = FW, execute = 0x1200A0, all = FA }
  local EVERYONE_AND_AC = "O:BAG:BAD:(A;;FA;;;WD)(A;;FR;;;AC)"

  it("ntsec.access.check: both passes at the default and kernel entry points", function()
    for _, entry in ipairs({ "default", "kernel" }) do
      assert.same({ FR, ntsec.STATUS_SUCCESS },
        { ntsec.access.check(EVERYONE_AND_AC, lowbox(), ntsec.MAXIMUM_ALLOWED, { entry_point = entry }) }, entry)
      assert.same({ 0, ntsec.STATUS_ACCESS_DENIED },
        { ntsec.access.check("O:BAG:BAD:(A;;FA;;;WD)", lowbox(), ntsec.MAXIMUM_ALLOWED, { entry_point = entry }) })
    end
  end)

  it("NtAccessCheck and AccessCheck: what both passes grant", function()
    local sd = ntsec.sd(EVERYONE_AND_AC)
    assert.same({ ntsec.STATUS_SUCCESS, FR, ntsec.STATUS_SUCCESS },
      { ntsec.NtAccessCheck(sd, lowbox(), ntsec.MAXIMUM_ALLOWED, FILE_MAP) })
    assert.same({ ntsec.STATUS_SUCCESS, 0, ntsec.STATUS_ACCESS_DENIED },
      { ntsec.NtAccessCheck(sd, lowbox(), FW, FILE_MAP) })
    assert.same({ true, FR, true, 0 }, { ntsec.AccessCheck(sd, lowbox(), FR, FILE_MAP) })
    assert.same({ true, 0, false, 5 }, { ntsec.AccessCheck(sd, lowbox(), FW, FILE_MAP) })   -- ERROR_ACCESS_DENIED
    -- the call checks of pass 1 stand: a primary token is refused before any ACE
    assert.same({ ntsec.STATUS_NO_IMPERSONATION_TOKEN },
      { ntsec.NtAccessCheck(sd, lowbox { type = "primary" }, FR, FILE_MAP) })
  end)

  it("NtAccessCheckByTypeResultList: each entry from both passes", function()
    local OBJ, CHILD = "11111111-2222-3333-4444-555555555555", "66666666-7777-8888-9999-aaaaaaaaaaaa"
    local OTHER = "77777777-7777-8888-9999-aaaaaaaaaaaa"
    -- pass 1: Everyone FA on every node; pass 2: AC FR on every node, the
    -- capability FW on CHILD only (the root gets what all its children get:
    -- DTYP 2.5.3.2, so FR, since OTHER lacks FW)
    local sd = ntsec.sd(EVERYONE_AND_AC .. "(OA;;FW;" .. CHILD .. ";;S-1-15-3-1)")
    local list = { { level = 0, guid = OBJ }, { level = 1, guid = CHILD }, { level = 1, guid = OTHER } }
    local status, granted, statuses = ntsec.NtAccessCheckByTypeResultList(sd, nil, lowbox(), ntsec.MAXIMUM_ALLOWED,
                                                                          list, FILE_MAP)
    assert.equal(ntsec.STATUS_SUCCESS, status)
    assert.same({ FR, FR | FW, FR }, granted)
    assert.same({ ntsec.STATUS_SUCCESS, ntsec.STATUS_SUCCESS, ntsec.STATUS_SUCCESS }, statuses)
  end)

  it("privileges: a missing one refuses in pass 1; a held one grants outside both passes (UNCONFIRMED)", function()
    local sd = "O:BAG:BAD:(A;;FA;;;WD)(A;;FA;;;AC)"
    local AS = ntsec.ACCESS_SYSTEM_SECURITY                      -- 0x01000000
    assert.same({ 0, ntsec.STATUS_PRIVILEGE_NOT_HELD }, { ntsec.access_check(sd, lowbox(), AS) })
    assert.same({ 0, ntsec.STATUS_PRIVILEGE_NOT_HELD }, { ntsec.access.check(sd, lowbox(), AS) })
    local priv = lowbox { privileges = { "SeSecurityPrivilege" } }
    assert.same({ AS, ntsec.STATUS_SUCCESS }, { ntsec.access_check(sd, priv, AS) })
    -- FR from WD (pass 1) and AC (pass 2), ACCESS_SYSTEM_SECURITY from the privilege
    assert.same({ AS | FR, ntsec.STATUS_SUCCESS }, { ntsec.access_check(sd, priv, AS | FR) })
    -- without the AC ACE pass 2 grants FR to nobody: the whole request is denied
    assert.same({ 0, ntsec.STATUS_ACCESS_DENIED }, { ntsec.access_check("O:BAG:BAD:(A;;FA;;;WD)", priv, AS | FR) })
  end)

  it("ntsec.explain shows both passes and agrees with ntsec.access_check", function()
    local e = assert(ntsec.explain(EVERYONE_AND_AC, lowbox(), ntsec.MAXIMUM_ALLOWED))
    assert.equal(FR, e.granted)
    assert.is_true(e.allowed)
    local kinds, pass2_aces = {}, {}
    for _, st in ipairs(e.steps) do
      kinds[#kinds + 1] = st.kind
      if st.lowbox and st.kind == "ace" then pass2_aces[st.index] = st.reason end
    end
    assert.same({ "start", "integrity", "pass", "owner", "ace", "ace", "pass_end", "lowbox", "integrity", "pass",
                  "owner", "ace", "ace", "pass_end", "result" }, kinds)
    assert.same({ "sid_absent", "applied" }, pass2_aces)     -- pass 2: WD does not match, AC does
    assert.equal(FR, e.steps[#e.steps].granted)
    assert.matches("AppContainer pass 2", tostring(e))
    local denied = assert(ntsec.explain("O:BAG:BAD:(A;;FA;;;WD)", lowbox(), ntsec.MAXIMUM_ALLOWED))
    assert.same({ false, 0 }, { denied.allowed, denied.granted })
  end)
end)
