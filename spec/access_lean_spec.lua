-- ntsec.access_check's C part (src/lua/nl_access.c, lean_access_check) and
-- ntsec.access_check_many: every form of call gives what the rules give,
-- whichever path runs it. Expected masks are hand-computed from the ACEs:
-- FR = FILE_GENERIC_READ 0x120089, FA = FILE_ALL_ACCESS 0x1F01FF, FWPM
-- GENERIC_READ = READ_CONTROL | FWPM_ACTRL_ENUM | FWPM_ACTRL_READ 0x201D4
-- (winnt.h, wfp_ks_errors.md 3.1); the owner gets READ_CONTROL | WRITE_DAC
-- 0x60000 (sd_semantics.md 3.3 step 4).
local ntsec = require("ntsec")

local FR, FA, GR, RC_WD = 0x120089, 0x1F01FF, 0x80000000, 0x60000
local OK, DENIED = ntsec.STATUS_SUCCESS, ntsec.STATUS_ACCESS_DENIED

local user = ntsec.token { user = "S-1-5-21-1-2-3-1001", groups = { "WD", "BU" } }
local lowbox = ntsec.token { user = "S-1-5-21-1-2-3-1002", groups = { "WD" }, package = "S-1-15-2-1-2-3-4-5-6-7" }

local READ_ALL = "O:BAG:SYD:(A;;FR;;;WD)"
local DENY_BU = "O:BAG:SYD:(D;;FR;;;BU)(A;;FA;;;WD)"
local OWNED = "O:S-1-5-21-1-2-3-1001G:SYD:(A;;FR;;;SY)"
local NULL_DACL = "O:BAG:SYD:NO_ACCESS_CONTROL"

describe("ntsec.access_check (one C call for the common form)", function()
  it("answers descriptor objects as the rules give", function()
    assert.same({ FR, OK }, { ntsec.access_check(ntsec.sd(READ_ALL), user, FR) })
    assert.same({ 0, DENIED }, { ntsec.access_check(ntsec.sd(DENY_BU), user, FR) })
    assert.same({ RC_WD, OK }, { ntsec.access_check(ntsec.sd(OWNED), user, ntsec.MAXIMUM_ALLOWED) })
    assert.same({ FA, OK }, { ntsec.access_check(ntsec.sd(NULL_DACL), user, ntsec.MAXIMUM_ALLOWED) })
  end)

  it("maps generic bits through the named mapping, file by default", function()
    assert.same({ FR, OK }, { ntsec.access_check(ntsec.sd(READ_ALL), user, GR) })
    assert.same({ FR, OK }, { ntsec.access_check(ntsec.sd(READ_ALL), user, GR, "file") })
    assert.same({ 0, DENIED }, { ntsec.access_check(ntsec.sd(READ_ALL), user, GR, "fwpm") })
    assert.same({ 0x201D4, OK }, { ntsec.access_check(ntsec.sd("O:BAG:SYD:(A;;GR;;;WD)"), user, GR, "fwpm") })
    assert.same({ FR, OK }, { ntsec.access_check(ntsec.sd(READ_ALL), user, GR,
      { read = FR, write = 0, execute = 0, all = FA }) })
  end)

  it("takes SDDL text, and reports bad text and refused calls as nil, err", function()
    assert.same({ FR, OK }, { ntsec.access_check(READ_ALL, user, FR) })
    local g, err = ntsec.access_check("O:BAG:SYD:(A;;FR;;;WD", user, FR)
    assert.is_nil(g)
    assert.equal("STATUS_INVALID_ACL", err.name)
    g, err = ntsec.access_check(ntsec.sd("D:(A;;FR;;;WD)"), user, FR)
    assert.is_nil(g)
    assert.equal("STATUS_INVALID_SECURITY_DESCR", err.name)
  end)

  it("checks an AppContainer token in two passes also for descriptor objects", function()
    -- Everyone is not matched by the package pass: nothing (docs/access.md)
    assert.same({ 0, DENIED }, { ntsec.access_check(ntsec.sd(READ_ALL), lowbox, FR) })
    assert.same({ FR, OK }, { ntsec.access_check(ntsec.sd("O:BAG:SYD:(A;;FR;;;WD)(A;;FR;;;AC)"), lowbox, FR) })
  end)

  it("raises on arguments of the wrong kind", function()
    assert.has_error(function() ntsec.access_check(ntsec.sd(READ_ALL), user, "x") end)
    assert.has_error(function() ntsec.access_check(ntsec.sd(READ_ALL), {}, FR) end)
    assert.has_error(function() ntsec.access_check(ntsec.sd(READ_ALL), user, FR, "nope") end)
    assert.has_error(function() ntsec.access_check(user, user, FR) end)
  end)

  -- The C part knows its objects by a tag in the userdata (src/lua/nl.h):
  -- other userdata, among them a file handle of the same byte size as an SD
  -- object, and our other objects in the wrong place, are refused as before.
  it("refuses other userdata in the descriptor and token places", function()
    local sd = ntsec.sd(READ_ALL)
    for _, bad in ipairs({ io.stdout, ntsec.sid("WD"), user }) do
      assert.has_error(function() ntsec.access_check(bad, user, FR) end)
    end
    for _, bad in ipairs({ io.stdout, ntsec.sid("WD"), sd }) do
      assert.has_error(function() ntsec.access_check(sd, bad, FR) end)
    end
    assert.same({ FR, OK }, { ntsec.access_check(sd, user, FR) })
  end)

  it("checks a token in two passes from the moment it gets an AppContainer part", function()
    local t = ntsec.token { user = "S-1-5-21-1-2-3-1003", groups = { "WD" } }
    assert.same({ FR, OK }, { ntsec.access_check(ntsec.sd(READ_ALL), t, FR) })
    require("ntsec.classify").attach(t, { package = "S-1-15-2-1-2-3-4-5-6-7" })
    assert.same({ 0, DENIED }, { ntsec.access_check(ntsec.sd(READ_ALL), t, FR) })
    assert.same({ { 0 }, { DENIED } }, { ntsec.access_check_many({ ntsec.sd(READ_ALL) }, t, FR) })
  end)
end)

describe("ntsec.access_check_many", function()
  it("gives each descriptor's granted mask and status in list order", function()
    local g, st = ntsec.access_check_many({ ntsec.sd(READ_ALL), ntsec.sd(DENY_BU), READ_ALL, ntsec.sd(OWNED) },
      user, FR)
    assert.same({ FR, 0, FR, 0 }, g)
    assert.same({ OK, DENIED, OK, DENIED }, st)
    g, st = ntsec.access_check_many({ ntsec.sd(OWNED), ntsec.sd(NULL_DACL) }, user, ntsec.MAXIMUM_ALLOWED)
    assert.same({ RC_WD, FA }, g)
    assert.same({ OK, OK }, st)
  end)

  it("maps generic bits once, through the named or given mapping", function()
    assert.same({ 0x201D4 }, (ntsec.access_check_many({ ntsec.sd("O:BAG:SYD:(A;;GR;;;WD)") }, user, GR, "fwpm")))
    assert.same({ FR }, (ntsec.access_check_many({ ntsec.sd(READ_ALL) }, user, GR,
      { read = FR, write = 0, execute = 0, all = FA })))
  end)

  it("answers an empty list with two empty lists", function()
    assert.same({ {}, {} }, { ntsec.access_check_many({}, user, FR) })
  end)

  it("checks an AppContainer token in two passes", function()
    assert.same({ 0, FR }, (ntsec.access_check_many({ ntsec.sd(READ_ALL),
      ntsec.sd("O:BAG:SYD:(A;;FR;;;WD)(A;;FR;;;AC)") }, lowbox, FR)))
  end)

  it("returns nil, err naming the first entry whose call fails", function()
    local g, err = ntsec.access_check_many({ ntsec.sd(READ_ALL), "D:(A;;FR;;;WD)", "O:BA(" }, user, FR)
    assert.is_nil(g)
    assert.equal("STATUS_INVALID_SECURITY_DESCR", err.name)
    assert.equal(2, err.index)
    g, err = ntsec.access_check_many({ ntsec.sd(READ_ALL), "O:BAG:SYD:(A;;FR;;;WD" }, user, FR)
    assert.is_nil(g)
    assert.equal("STATUS_INVALID_ACL", err.name)
    assert.equal(2, err.index)
  end)

  it("raises on arguments of the wrong kind", function()
    assert.has_error(function() ntsec.access_check_many(ntsec.sd(READ_ALL), user, FR) end)
    assert.has_error(function() ntsec.access_check_many({}, user, "FR") end)
    assert.has_error(function() ntsec.access_check_many({}, user, FR, "nope") end)
    assert.has_error(function() ntsec.access_check_many({ ntsec.sd(READ_ALL) }, {}, FR) end)
    assert.has_error(function() ntsec.access_check_many({ ntsec.sd(READ_ALL), user }, user, FR) end)
    assert.has_error(function() ntsec.access_check_many({ io.stdout }, user, FR) end)
    assert.has_error(function() ntsec.access_check_many({ 42 }, user, FR) end)
  end)
end)
