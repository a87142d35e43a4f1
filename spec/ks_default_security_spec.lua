-- ntsec.ks.KsCreateDefaultSecurity (docs/ks.md "KsCreateDefaultSecurity"):
-- SeAssignSecurity(parent, no explicit descriptor, a leaf, AutoInheritFlags
-- 0, the file mapping) with the token as the subject context. Every
-- expected descriptor is worked out by hand from the creation rules of
-- docs/access.md "Creation-time inheritance" (DTYP 2.5.3.4): FA =
-- FILE_ALL_ACCESS 0x1F01FF (GA mapped), FR / FW the file mapping's read and
-- write.
local ntsec = require("ntsec")
local ks = ntsec.ks

local USER = "S-1-5-21-9-9-9-1000"

local function token(extra)
  local spec = { user = USER, groups = { "BA", "BU" }, primary_group = "BU",
                 default_dacl = "(A;;FA;;;SY)(A;;FR;;;BU)" }
  for k, v in pairs(extra or {}) do spec[k] = v end
  return ntsec.token(spec)
end

local function default_security(parent, t)
  local status, sd = ks.KsCreateDefaultSecurity(parent, t or token())
  assert.equal(ntsec.STATUS_SUCCESS, status)
  return sd:sddl()
end

describe("ks.KsCreateDefaultSecurity", function()
  it("without a parent: the token's owner, primary group and default DACL", function()
    assert.equal("O:" .. USER .. "G:BUD:(A;;FA;;;SY)(A;;FR;;;BU)", default_security(nil))
  end)

  it("inherits what a leaf gets from the parent: OI ACEs, mapped, marked ID; no AI", function()
    -- OICI GA for BA reaches the leaf as FA with ID; the CI-only ACE does not;
    -- the parent's own explicit ACE is not inherited; no D:AI (flags 0)
    assert.equal("O:" .. USER .. "G:BUD:(A;ID;FA;;;BA)",
      default_security("O:BAG:SYD:(A;OICI;GA;;;BA)(A;CI;FR;;;WD)(A;;FA;;;SY)"))
  end)

  it("replaces CREATOR OWNER and CREATOR GROUP by the new owner and group", function()
    assert.equal("O:" .. USER .. "G:BUD:(A;ID;FR;;;" .. USER .. ")(A;ID;FW;;;BU)",
      default_security("O:BAG:SYD:(A;OI;GR;;;CO)(A;OIIO;GW;;;CG)"))
  end)

  it("falls back to the default DACL when the parent has nothing inheritable", function()
    assert.equal("O:" .. USER .. "G:BUD:(A;;FA;;;SY)(A;;FR;;;BU)", default_security("O:BAG:SYD:(A;;FA;;;SY)"))
  end)

  it("inherits audit ACEs into the SACL", function()
    assert.equal("O:" .. USER .. "G:BUD:(A;;FA;;;SY)(A;;FR;;;BU)S:(AU;IDSA;FA;;;WD)",
      default_security("O:BAG:SYD:(A;;FA;;;SY)S:(AU;OISA;FA;;;WD)"))
  end)

  it("labels the object of a low-integrity caller (no-write-up)", function()
    assert.equal("O:" .. USER .. "G:BUD:(A;;FA;;;SY)(A;;FR;;;BU)S:(ML;;NW;;;LW)",
      default_security(nil, token { integrity = "LW" }))
  end)

  it("takes the parent as an object too, and leaves it unchanged", function()
    local parent = ntsec.sd("O:BAG:SYD:(A;OICI;GA;;;BA)")
    local before = parent:bytes()
    assert.equal("O:" .. USER .. "G:BUD:(A;ID;FA;;;BA)", default_security(parent))
    assert.equal(before, parent:bytes())
  end)

  it("raises on programmer errors: no token, SDDL that does not parse", function()
    assert.has_error(function() ks.KsCreateDefaultSecurity(nil, nil) end)
    assert.has_error(function() ks.KsCreateDefaultSecurity("O:BAD:(A;;FA;;;", token()) end)
  end)
end)
