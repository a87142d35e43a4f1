-- Strict option tables and strings for objects (docs/design.md "Option
-- tables are strict", "Strings for objects"): an unknown key, a wrong type or
-- an out-of-range value raises naming the key; a string is accepted wherever
-- a SID, ACL or descriptor is, with the parser's errors.

local ntsec = require("ntsec")
local ks = ntsec.ks

local DACL = ntsec.DACL_SECURITY_INFORMATION

local function raises(fn, text)
  local ok, msg = pcall(fn)
  assert.is_false(ok, "expected an error")
  assert.matches(text, tostring(msg), 1, true)
end

describe("strict option tables", function()
  it("token{...}", function()
    raises(function() ntsec.token { user = "SY", bogus = 1 } end, "token: unknown option 'bogus'")
    raises(function() ntsec.token { user = "SY", groups = "BA" } end,
      "token: option 'groups' (table expected, got string)")
    raises(function() ntsec.token { user = "SY", mandatory_policy = 1 << 32 } end,
      "token: option 'mandatory_policy' out of range (0..4294967295)")
    raises(function() ntsec.token { user = "SY", type = "secondary" } end, "token: option 'type' must be one of")
    raises(function() ntsec.token { user = "SY", groups = { { sid = "BA", enable = true } } } end,
      "token group: unknown option 'enable'")
    raises(function() ntsec.token { user = "SY", privileges = { { nmae = "SeSecurityPrivilege" } } } end,
      "token privilege: unknown option 'nmae'")
    raises(function() ntsec.token { user = "S-1-x" } end, "STATUS_INVALID_SID (0xC0000078)")
    -- a malformed SID or ACL string names its key (not the binding's argument)
    raises(function() ntsec.token { user = "S-1-x" } end, "token: user: invalid SID 'S-1-x'")
    raises(function() ntsec.token { user = "SY", groups = { "BA", { sid = "S-1-y" } } } end,
      "token: groups[2]: invalid SID 'S-1-y'")
    raises(function() ntsec.token { user = "SY", restricted_sids = { "S-1-x" } } end,
      "token: restricted_sids[1]: invalid SID")
    raises(function() ntsec.token { user = "SY", device_groups = { "WD", "x" } } end, "token: device_groups[2]:")
    raises(function() ntsec.token { user = "SY", owner = "S-1-x" } end, "token: owner: invalid SID")
    raises(function() ntsec.token { user = "SY", primary_group = "S-1-x" } end, "token: primary_group: invalid SID")
    raises(function() ntsec.token { user = "SY", integrity = "XX" } end, "token: integrity: invalid SID 'XX'")
    raises(function() ntsec.token { user = "SY", package = "S-1-15-2-1", capabilities = { "internetClient", "S-z" } } end,
      "token: capabilities[2]: invalid SID 'S-z'")
    raises(function() ntsec.token { user = "SY", default_dacl = "(A;;FA;;;SY" } end,
      "token: default_dacl: STATUS_INVALID_ACL (0xC0000077): The access control list is malformed. (offset 11)")
    raises(function() ntsec.token { user = "SY", default_dacl = "D:(A;;FA;;;SY)" } end, "has no 'D:' prefix")
  end)

  it("sd.build{...}", function()
    raises(function() ntsec.sd.build { dac = "(A;;GA;;;SY)" } end, "sd.build: unknown option 'dac'")
    raises(function() ntsec.sd.build { control = 0x10000 } end, "sd.build: option 'control' out of range (0..65535)")
    raises(function() ntsec.sd.build { owner = 5 } end, "sd.build: option 'owner' (string or sid expected, got number)")
  end)

  it("set_security / new_security options", function()
    local sd = "O:BAG:BAD:(A;;GA;;;SY)"
    raises(function() ntsec.set_security(sd, DACL, "D:", { sef = 1, contianer = true }) end,
      "set_security: unknown option 'contianer'")
    raises(function() ntsec.set_security(sd, DACL, "D:", { is_container = 1 }) end,
      "set_security: option 'is_container' (boolean expected, got number)")
    raises(function() ntsec.set_security(sd, DACL, "D:", { sef = -1 }) end,
      "set_security: option 'sef' out of range")
    raises(function() ntsec.new_security(sd, nil, false, { default_ownr = "BA" }) end,
      "new_security: unknown option 'default_ownr'")
  end)

  it("explain options", function()
    local t = ntsec.token { user = "SY" }
    raises(function() ntsec.explain("O:SYG:SYD:", t, 1, { backup = true }) end, "explain: unknown option 'backup'")
    raises(function() ntsec.explain("O:SYG:SYD:", t, 1, { nt_api = "yes" }) end,
      "explain: option 'nt_api' (boolean expected, got string)")
    raises(function() ntsec.explain("O:SYG:SYD:", t, 1, { read = 1, writ = 2 }) end,
      "explain mapping: unknown option 'writ'")
  end)

  it("KS device, item and irp tables", function()
    raises(function() ks.device { sd = "D:", characteristic = 1 } end, "ks.device: unknown option 'characteristic'")
    raises(function() ks.device { characteristics = 1 << 32 } end,
      "ks.device: option 'characteristics' out of range (0..4294967295)")
    raises(function() ks.device { sd = 5 } end, "ks.device: option 'sd' (string or userdata expected, got number)")
    local dev = ks.device()
    raises(function() dev:add_create_item { name = "x", flag = 1 } end, "add_create_item: unknown option 'flag'")
    raises(function() dev:add_create_item { name = 5 } end, "add_create_item: option 'name' (string expected")
    local item = assert(dev:add_create_item { name = "x" })
    raises(function() item:add_child { name = "p", flags = -1 } end, "add_child: option 'flags' out of range")
    local f = assert(dev:file_object())
    raises(function() ks.irp { major = "SET_SECURITY", file = f, si = 4 } end, "ks.irp: unknown option 'si'")
    raises(function() ks.irp { major = "QUERY_SECURITY", file = f, length = -1 } end,
      "ks.irp: option 'length' out of range")
  end)
end)

describe("strings wherever objects are accepted", function()
  it("descriptors as SDDL, with the parser's errors", function()
    local admin = ntsec.token { user = "S-1-5-21-1-2-3-500", groups = { { sid = "BA", owner = true } } }
    assert.same({ 0x001F01FF, ntsec.STATUS_SUCCESS },   -- FA = FILE_ALL_ACCESS
      { ntsec.access_check("O:BAG:BAD:(A;;FA;;;BA)", admin, ntsec.MAXIMUM_ALLOWED) })
    local parsed, perr = ntsec.sd("O:BAG:BAD:(A;;FA;;;BA")
    assert.is_nil(parsed)
    for _, call in ipairs({
      function() return ntsec.access_check("O:BAG:BAD:(A;;FA;;;BA", admin, 1) end,
      function() return ntsec.explain("O:BAG:BAD:(A;;FA;;;BA", admin, 1) end,
      function() return ntsec.set_security("O:BAG:BAD:(A;;FA;;;BA", DACL, "D:") end,
      function() return ntsec.new_security("O:BAG:BAD:(A;;FA;;;BA", nil, false) end,
      function() return ks.device { sd = "O:BAG:BAD:(A;;FA;;;BA" } end,
    }) do
      local v, err = call()
      assert.is_nil(v)
      assert.same({ perr.code, perr.offset }, { err.code, err.offset })
    end
    -- set_security with every descriptor as a string gives the merge of the parsed ones
    local merged = assert(ntsec.set_security("O:BAG:BAD:(A;;FA;;;BA)", DACL, "D:(A;;FR;;;WD)"))
    assert.equal(assert(ntsec.set_security(ntsec.sd("O:BAG:BAD:(A;;FA;;;BA)"), DACL, ntsec.sd("D:(A;;FR;;;WD)"))),
      merged)
  end)

  it("ACLs as ACE strings (DACL and SACL forms), SIDs as strings or aliases", function()
    local sd = assert(ntsec.sd.build { owner = "BA", group = "S-1-5-18", dacl = "(A;;GA;;;SY)",
                                       sacl = "(AU;SA;GA;;;WD)" })
    assert.equal("O:BAG:SYD:(A;;GA;;;SY)S:(AU;SA;GA;;;WD)", sd:sddl())
    -- offsets count from the start of the string given (the "D:" prefix is ours)
    local _, err = ntsec.sd.build { dacl = "(A;;GA;;;SY)(Q;;GA;;;SY)" }
    local _, direct = ntsec.acl("(A;;GA;;;SY)(Q;;GA;;;SY)")
    assert.same({ direct.code, direct.offset }, { err.code, err.offset })
    assert.is_true(direct.offset >= #"(A;;GA;;;SY)")
    _, err = ntsec.sd.build { owner = "S-1-x" }
    assert.equal("STATUS_INVALID_SID", err.name)
  end)
end)
