-- Value types through the Lua API: SID, ACL, SD, token, access check.
-- Expected values come from shared/spec/sd_semantics.md (section numbers
-- given per test), never from our own output.
local ntsec = require("ntsec")
local helper = require("spec.helper")

describe("ntsec.sid", function()
  it("parses aliases and numeric forms (2.7)", function()
    assert.equal("S-1-5-32-544", tostring(ntsec.sid("BA")))
    assert.equal("S-1-5-18", tostring(ntsec.sid("sy")))
    assert.equal("BA", ntsec.sid("S-1-5-32-544"):sddl())
    assert.equal("S-1-0x12A05F200-30-40", tostring(ntsec.sid("S-1-5000000000-30-40")))
  end)

  it("has the wire form of 1.1", function()
    assert.equal("010100000000000512000000", helper.hex(ntsec.sid("SY"):bytes()))
  end)

  it("compares by value", function()
    assert.is_true(ntsec.sid("BA") == ntsec.sid("S-1-5-32-544"))
    assert.is_false(ntsec.sid("BA") == ntsec.sid("BU"))
  end)

  it("rejects S-1-5 with STATUS_INVALID_SID (1.1)", function()
    local sid, err = ntsec.sid("S-1-5")
    assert.is_nil(sid)
    assert.equal(ntsec.STATUS_INVALID_SID, err.code)
    assert.equal("STATUS_INVALID_SID", err.name)
  end)

  it("needs a domain SID for domain aliases (2.7)", function()
    assert.is_nil(ntsec.sid("DA"))
    assert.equal("S-1-2-3-4-512", tostring(ntsec.sid("DA", { domain_sid = "S-1-2-3-4" })))
  end)
end)

describe("ntsec.sd", function()
  -- DTYP-2514, sd_semantics.md 1.7: the whole 176-byte descriptor.
  local DTYP_SDDL = "O:BAG:BAD:P(A;CIOI;GRGX;;;BU)(A;CIOI;GA;;;BA)(A;CIOI;GA;;;SY)(A;CIOI;GA;;;CO)S:P(AU;FA;GR;;;WD)"
  local DTYP_HEX = "010014b0 90000000 a0000000 14000000 30000000"
    .. "02001c00 01000000 02801400 00000080 010100000000000100000000"
    .. "02006000 04000000"
    .. "00031800 000000a0 01020000000000052000000021020000"
    .. "00031800 00000010 01020000000000052000000020020000"
    .. "00031400 00000010 010100000000000512000000"
    .. "00031400 00000010 010100000000000300000000"
    .. "01020000000000052000000020020000"
    .. "01020000000000052000000020020000"

  it("parses the DTYP-2514 example to Windows' bytes", function()
    local sd = assert(ntsec.sd(DTYP_SDDL))
    assert.equal(helper.hex(helper.unhex(DTYP_HEX)), helper.hex(sd:bytes()))
  end)

  it("reads the same bytes back and prints canonical SDDL (2.8)", function()
    local sd = assert(ntsec.sd.from_bytes(helper.unhex(DTYP_HEX)))
    assert.equal("O:BAG:BAD:P(A;OICI;GXGR;;;BU)(A;OICI;GA;;;BA)(A;OICI;GA;;;SY)(A;OICI;GA;;;CO)S:P(AU;FA;GR;;;WD)",
      sd:sddl())
    assert.equal(0xB014, sd.control)
  end)

  it("exposes owner, group, dacl and sacl", function()
    local sd = assert(ntsec.sd(DTYP_SDDL))
    assert.equal("S-1-5-32-544", tostring(sd.owner))
    assert.equal(4, #sd.dacl)
    assert.equal(1, #sd.sacl)
    local ace = sd.dacl[1]
    assert.equal(ntsec.ACCESS_ALLOWED_ACE_TYPE, ace.type)
    assert.equal(ntsec.OBJECT_INHERIT_ACE | ntsec.CONTAINER_INHERIT_ACE, ace.flags)
    assert.equal(ntsec.GENERIC_READ | ntsec.GENERIC_EXECUTE, ace.mask)
    assert.equal("S-1-5-32-545", tostring(ace.sid))
  end)

  it("encodes the minimal cases of 1.7", function()
    assert.equal("0100008000000000000000000000000000000000", helper.hex(ntsec.sd(""):bytes()))
    assert.equal("01000480000000000000000000000000140000000200080000000000", helper.hex(ntsec.sd("D:"):bytes()))
  end)

  it("reports the error status and offset of bad SDDL (2.12)", function()
    local sd, err = ntsec.sd("D:(A;;ROB;;;WD)")
    assert.is_nil(sd)
    assert.equal(ntsec.STATUS_INVALID_ACL, err.code)
    assert.is_number(err.offset)
    local _, err2 = ntsec.sd("O:XX")
    assert.equal(ntsec.STATUS_INVALID_SID, err2.code)
  end)

  it("rejects a descriptor revision other than 1 (1.6, 1.8)", function()
    local sd, err = ntsec.sd.from_bytes("\2\0\0\128" .. ("\0"):rep(16))
    assert.is_nil(sd)
    assert.equal(ntsec.STATUS_UNKNOWN_REVISION, err.code)
  end)
end)

describe("ntsec.acl", function()
  it("builds an ACL from ACE strings and prints it back", function()
    local acl = assert(ntsec.acl("(A;;GA;;;SY)(A;;GR;;;BU)"))
    assert.equal(2, #acl)
    assert.equal("(A;;GA;;;SY)(A;;GR;;;BU)", tostring(acl))
    assert.equal(ntsec.ACL_REVISION, acl:revision())
  end)
end)

describe("ntsec.token and ntsec.access_check (3.3, 3.8)", function()
  local KEY = { read = 0x20019, write = 0x20006, execute = 0x20019, all = 0xF003F }
  local user = ntsec.token { user = "S-1-5-21-1-2-3-1001", groups = { "WD", "BU" } }

  it("grants KEY_READ when the DACL is absent", function()
    local sd = assert(ntsec.sd("O:BAG:BA"))
    local granted, status = ntsec.access_check(sd, user, 0x20019, KEY)
    assert.equal(0x20019, granted)
    assert.equal(ntsec.STATUS_SUCCESS, status)
  end)

  it("grants GenericAll for MAXIMUM_ALLOWED under a NULL DACL", function()
    local sd = assert(ntsec.sd("O:BAG:BAD:NO_ACCESS_CONTROL"))
    assert.equal(0xF003F, (ntsec.access_check(sd, user, ntsec.MAXIMUM_ALLOWED, KEY)))
  end)

  it("denies everything under an empty DACL to a non-owner", function()
    local sd = assert(ntsec.sd("O:BAG:BAD:"))
    local granted, status = ntsec.access_check(sd, user, 0x20019, KEY)
    assert.equal(0, granted)
    assert.equal(ntsec.STATUS_ACCESS_DENIED, status)
  end)

  it("needs an owner and a group (3.2 row 6)", function()
    -- a failed call, not a denial: nil, err (docs/design.md "Result convention")
    local sd = assert(ntsec.sd("D:(A;;GA;;;WD)"))
    local granted, err = ntsec.access_check(sd, user, 0x20019, KEY)
    assert.is_nil(granted)
    assert.equal(ntsec.STATUS_INVALID_SECURITY_DESCR, err.code)
    assert.equal("access_check", err.op)
    -- the same descriptor as SDDL, and an SDDL string that does not parse
    granted, err = ntsec.access_check("D:(A;;GA;;;WD)", user, 0x20019, KEY)
    assert.same({ nil, "STATUS_INVALID_SECURITY_DESCR" }, { granted, err.name })
    granted, err = ntsec.access_check("O:BAG:BAD:(A;;GA;;;WD", user, 0x20019, KEY)
    assert.is_nil(granted)
    assert.equal("access_check", err.op)
    assert.equal(select(2, ntsec.sd("O:BAG:BAD:(A;;GA;;;WD")).code, err.code)
    assert.equal(select(2, ntsec.sd("O:BAG:BAD:(A;;GA;;;WD")).offset, err.offset)
  end)

  it("gives ACCESS_SYSTEM_SECURITY only with SeSecurityPrivilege (3.3 step 2)", function()
    local sd = assert(ntsec.sd("O:BAG:BAD:(A;;GA;;;WD)"))
    local _, status = ntsec.access_check(sd, user, ntsec.ACCESS_SYSTEM_SECURITY, KEY)
    assert.equal(ntsec.STATUS_PRIVILEGE_NOT_HELD, status)
    local priv = ntsec.token { user = "S-1-5-21-1-2-3-1001", privileges = { "SeSecurityPrivilege" } }
    assert.equal(ntsec.ACCESS_SYSTEM_SECURITY, (ntsec.access_check(sd, priv, ntsec.ACCESS_SYSTEM_SECURITY, KEY)))
  end)

  it("maps FWPM generic rights (wfp_ks_errors.md 3.1)", function()
    local sd = assert(ntsec.sd("O:BAG:BAD:(A;;GR;;;BU)"))
    assert.equal(0x201D4, (ntsec.access_check(sd, user, ntsec.MAXIMUM_ALLOWED, "fwpm")))
  end)

  it("lists its parts", function()
    local t = ntsec.token { user = "SY", groups = { "BA" }, privileges = { "SeTakeOwnershipPrivilege" } }
    assert.equal("S-1-5-18", tostring(t:user()))
    assert.equal(1, #t:groups())
    assert.equal(7, t:groups()[1].attributes)
    assert.equal(9, t:privileges()[1].luid)
  end)
end)

describe("ntsec.type", function()
  it("names value kinds", function()
    assert.equal("sid", ntsec.type(ntsec.sid("SY")))
    assert.equal("sd", ntsec.type(ntsec.sd("D:")))
    assert.is_nil(ntsec.type({}))
  end)
end)
