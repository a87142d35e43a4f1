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
