-- ntsec.set_security / ntsec.new_security through the Lua API
-- (sd_semantics.md 4; [MS-DTYP] 2.5.3.4; SDKAPI-SPOSEX). Expected
-- descriptors are written by hand from the rules they test.
local ntsec = require("ntsec")

local function sd(s) return assert(ntsec.sd(s)) end
local DACL, OWNER = ntsec.DACL_SECURITY_INFORMATION, ntsec.OWNER_SECURITY_INFORMATION

describe("set_security (4.2-4.8)", function()
  it("replaces the named parts and leaves the old descriptor alone", function()
    local old = sd("O:BAG:SYD:(A;;FA;;;SY)")
    local new = assert(ntsec.set_security(old, DACL, sd("D:(A;;FR;;;WD)")))
    assert.equal("O:BAG:SYD:(A;;FR;;;WD)", new:sddl())
    assert.equal("O:BAG:SYD:(A;;FA;;;SY)", old:sddl())
  end)

  it("auto-inheritance keeps OLD's inherited ACEs after MOD's explicit ones (case 1)", function()
    local new = assert(ntsec.set_security(sd("O:BAG:SYD:AI(A;;FR;;;BU)(A;ID;FA;;;SY)"), DACL,
      sd("D:(A;;FW;;;WD)(A;ID;FA;;;BA)"), { sef = ntsec.SEF_DACL_AUTO_INHERIT }))
    assert.equal("O:BAG:SYD:AI(A;;FW;;;WD)(A;ID;FA;;;SY)", new:sddl())
  end)

  it("splits inheritable generic ACEs into a mapped copy and an inherit-only one (4.4 item 4)", function()
    local new = assert(ntsec.set_security(sd("O:BAG:SYD:"), DACL, sd("D:(A;OICI;GA;;;CO)"),
      { sef = ntsec.SEF_DACL_AUTO_INHERIT, mapping = "fwpm" }))
    assert.equal("O:BAG:SYD:AI(A;;0xf07ff;;;BA)(A;OICIIO;GA;;;CO)", new:sddl())
  end)

  it("recomputes the inherited ACEs from a parent (SetSecurityInfo, UNPROTECTED_DACL)", function()
    local new = assert(ntsec.set_security(sd("O:BAG:SYD:P(A;;FA;;;BA)"),
      DACL | ntsec.UNPROTECTED_DACL_SECURITY_INFORMATION, sd("D:(A;;FA;;;BA)"),
      { sef = ntsec.SEF_DACL_AUTO_INHERIT, parent = sd("O:SYG:SYD:(A;OICI;FR;;;WD)"), is_container = true,
        mapping = "file" }))
    assert.equal("O:BAG:SYD:AI(A;;FA;;;BA)(A;OICIID;FR;;;WD)", new:sddl())
  end)

  it("checks the owner against the token unless SEF_AVOID_OWNER_CHECK (4.6)", function()
    local t = ntsec.token { user = "S-1-5-21-1-2-3-1001", groups = { "BU" } }
    local new, err = ntsec.set_security(sd("O:SYG:SY"), OWNER, sd("O:BA"), { token = t })
    assert.is_nil(new)
    assert.equal("STATUS_INVALID_OWNER", err.name)
    new = assert(ntsec.set_security(sd("O:SYG:SY"), OWNER, sd("O:BA"),
      { token = t, sef = ntsec.SEF_AVOID_OWNER_CHECK }))
    assert.equal("O:BAG:SY", new:sddl())
  end)

  it("reports the errors of 4.8", function()
    local _, err = ntsec.set_security(nil, DACL, sd("D:"))
    assert.equal("STATUS_NO_SECURITY_ON_OBJECT", err.name)
    _, err = ntsec.set_security(sd("O:SYG:SY"), OWNER, sd("D:"))
    assert.equal("STATUS_INVALID_SECURITY_DESCR", err.name)
    _, err = ntsec.set_security(sd("O:SYG:SY"), 0x800, sd("D:"))
    assert.equal("STATUS_INVALID_PARAMETER", err.name)
  end)
end)

describe("new_security (RtlNewSecurityObjectEx)", function()
  it("inherits per CI/OI/NP/IO and maps generic rights and CREATOR OWNER", function()
    local parent = sd("O:SYG:SYD:(A;OICI;GA;;;CO)(A;CINP;FR;;;WD)")
    local dir = assert(ntsec.new_security(parent, nil, true, { default_owner = "BA", mapping = "file" }))
    assert.equal("O:BAD:AI(A;ID;FA;;;BA)(A;OICIIOID;GA;;;CO)(A;ID;FR;;;WD)", dir:sddl())
    local file = assert(ntsec.new_security(parent, nil, false, { default_owner = "BA", mapping = "file" }))
    assert.equal("O:BAD:AI(A;ID;FA;;;BA)", file:sddl())
  end)

  it("a protected creator DACL blocks inheritance", function()
    local new = assert(ntsec.new_security(sd("O:SYG:SYD:(A;OICI;FA;;;WD)"), sd("D:P(A;;FR;;;BU)"), false,
      { default_owner = "BA" }))
    assert.equal("O:BAD:P(A;;FR;;;BU)", new:sddl())
  end)

  it("honours the SEF flags", function()
    local parent = sd("O:SYG:SYD:(A;OICI;FR;;;WD)")
    local creator = sd("D:(A;;FA;;;BA)")
    local plain = assert(ntsec.new_security(parent, creator, false, { sef = 0, default_owner = "BA" }))
    assert.equal("O:BAD:(A;;FA;;;BA)", plain:sddl())
    local by_parent = assert(ntsec.new_security(parent, nil, false,
      { sef = ntsec.SEF_DEFAULT_OWNER_FROM_PARENT | ntsec.SEF_DEFAULT_GROUP_FROM_PARENT }))
    assert.equal("O:SYG:SYD:(A;ID;FR;;;WD)", by_parent:sddl())
  end)

  it("labels what a low-integrity creator makes", function()
    local low = ntsec.token { user = "S-1-5-21-1-2-3-1001", integrity = "LW" }
    local new = assert(ntsec.new_security(nil, nil, false, { token = low, sef = ntsec.SEF_MACL_NO_READ_UP }))
    assert.equal("O:S-1-5-21-1-2-3-1001S:(ML;;NR;;;LW)", new:sddl())
  end)

  it("fails without an owner", function()
    local new, err = ntsec.new_security(nil, nil, false)
    assert.is_nil(new)
    assert.equal("STATUS_INVALID_OWNER", err.name)
  end)
end)
