-- The KS object hierarchy through the Lua binding (wfp_ks_errors.md 4.1-4.6;
-- docs/ks.md): filter factories with child create items (pins), creates
-- relative to a filter, KsAllocateObjectHeader's ItemsList, the device
-- object's own descriptor and FILE_DEVICE_SECURE_OPEN, the I/O manager's
-- query path, and real device descriptors.
--
-- Real descriptors used here, with their sources:
--   * HKR,,Security,,"D:P(A;;GA;;;BA)(A;;GA;;;SY)" with
--     HKR,,DeviceCharacteristics,0x10001,0x0100 ("Use same security checks on
--     relative opens") in microsoft/Windows-driver-samples
--       thermal/simsensor/simsensor.inf        @16d01e32
--       thermal/thermalclient/simtc.inf         @0f415ef9
--       powerlimit/plclient/plclient.inf        @c5fc3ca1
--       powerlimit/plpolicy/plpolicy.inf        @22d6b76c
--   * the SDDL_DEVOBJ_* strings of wdmsec.h as documented in
--     MicrosoftDocs/windows-driver-docs
--       windows-driver-docs-pr/kernel/sddl-for-device-objects.md @026a7a01
-- Expected values are the spec's statuses (4.3-4.6, 5.6), the file mapping
-- of 4.2 and descriptor bytes assembled by hand (sd_semantics.md 1.2-1.7).
local ntsec = require("ntsec")
local helper = require("spec.helper")

-- The status of a failed idiomatic call: nil plus an ntsec.errors object.
local function fail_code(v, err)
  assert.is_nil(v)
  assert.is_true(require("ntsec.errors").is_error(err), "an ntsec.errors object")
  return err.code
end

local ks = ntsec.ks

local INF_SECURITY = "D:P(A;;GA;;;BA)(A;;GA;;;SY)"   -- simsensor.inf & co.
local INF_CHARACTERISTICS = 0x0100                      -- FILE_DEVICE_SECURE_OPEN
local SDDL_DEVOBJ_SYS_ALL = "D:P(A;;GA;;;SY)"
local SDDL_DEVOBJ_SYS_ALL_ADM_ALL = "D:P(A;;GA;;;SY)(A;;GA;;;BA)"
local SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_R = "D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GR;;;WD)"

local KSSTRING_Pin = "{146F1A80-4791-11D0-A5D6-28DB04C10000}"   -- ks.h
local PIN_CREATE = KSSTRING_Pin .. "\\" .. "\1\0\0\0"            -- class, '\', KSPIN_CONNECT

local STATUS_SUCCESS = 0x00000000
local STATUS_INVALID_PARAMETER = 0xC000000D
local STATUS_ACCESS_DENIED = 0xC0000022
local STATUS_BUFFER_TOO_SMALL = 0xC0000023
local STATUS_OBJECT_NAME_NOT_FOUND = 0xC0000034
local STATUS_OBJECT_NAME_COLLISION = 0xC0000035
local STATUS_NO_SECURITY_ON_OBJECT = 0xC00000D7

local OWNER, GROUP, DACL, SACL = 0x1, 0x2, 0x4, 0x8
local GENERIC_READ = 0x80000000
local MAXIMUM_ALLOWED = 0x02000000
local READ_CONTROL, WRITE_DAC = 0x00020000, 0x00040000
local FILE_READ_DATA = 0x00000001
local FILE_GENERIC_READ, FILE_ALL_ACCESS = 0x00120089, 0x001F01FF

-- Header 0x9004 (SELF_RELATIVE|DACL_PROTECTED|DACL_PRESENT), DACL at 0x14;
-- ACEs: ACCESS_ALLOWED, size, GENERIC_ALL, SID.
local HDR_DACL_ONLY = "01000490 00000000 00000000 00000000 14000000"
local ACE_GA_SY = "00001400 00000010 010100000000000512000000"
local ACE_GA_BA = "00001800 00000010 01020000000000052000000020020000"
local HEX_INF_SECURITY = HDR_DACL_ONLY .. "02003400 02000000" .. ACE_GA_BA .. ACE_GA_SY
local HEX_SYS_ALL = HDR_DACL_ONLY .. "02001C00 01000000" .. ACE_GA_SY
-- The I/O manager's "World" answer: control 0x8004, DACL {one ACE
-- GENERIC_ALL for S-1-1-0}, then owner and group S-1-1-0.
local WORLD_SID = "010100000000000100000000"
local WORLD_DACL = "02001C00 01000000 00001400 00000010" .. WORLD_SID
local HEX_WORLD_OGD = "01000480 30000000 3C000000 00000000 14000000" .. WORLD_DACL
  .. WORLD_SID .. WORLD_SID

local function bytes(hex) return helper.unhex(hex) end
local function sd(sddl) return assert(ntsec.sd(sddl)) end

local user_token, admin_token = helper.user_token, helper.admin_token

-- A device with the filter factory GLOBAL whose filters get a pin (INF
-- descriptor) and a descriptor-less clock.
local function tree(filter_sddl, device_opts)
  local dev = ks.device(device_opts)
  local factory = assert(dev:add_create_item{ name = "GLOBAL",
                                              sd = filter_sddl and sd(filter_sddl) })
  local pin = assert(factory:add_child{ name = KSSTRING_Pin, sd = sd(INF_SECURITY) })
  local clock = assert(factory:add_child{ name = "clock" })
  return dev, factory, pin, clock
end

describe("ks object hierarchy", function()
  it("knows the object classes and the SECURE_OPEN bit", function()
    assert.equal(KSSTRING_Pin, ks.KSSTRING_Pin)
    assert.equal("{9B365890-165F-11D0-A195-0020AFD156E4}", ks.KSSTRING_Filter)
    assert.equal("{53172480-4791-11D0-A5D6-28DB04C10000}", ks.KSSTRING_Clock)
    assert.equal(0x100, ks.FILE_DEVICE_SECURE_OPEN)
  end)

  it("gives a filter's header the factory's child items", function()
    local dev, factory, pin, clock = tree()
    assert.equal(factory, pin.parent)
    assert.is_nil(factory.parent)
    assert.same({ pin, clock }, factory.children)
    assert.same({ factory }, dev:items())
    local filter = assert(dev:create("\\GLOBAL"))
    assert.same({ pin, clock }, filter.children)
    local p = assert(filter:create(PIN_CREATE, nil, MAXIMUM_ALLOWED))
    assert.equal(pin, p.item)
    assert.equal(FILE_ALL_ACCESS, p.granted_access)
    assert.same({}, p.children)
    dev:close()
  end)

  it("looks relative names up in the parent's list only", function()
    local dev, _, _, clock = tree()
    local filter = assert(dev:create("\\GLOBAL"))
    local none, err = dev:create(PIN_CREATE)
    assert.is_nil(none)
    assert.equal(STATUS_OBJECT_NAME_NOT_FOUND, err.code)
    assert.matches("^STATUS_OBJECT_NAME_NOT_FOUND %(0xC0000034%): ", tostring(err))
    assert.equal(STATUS_OBJECT_NAME_NOT_FOUND, fail_code(filter:create("GLOBAL")))
    assert.equal(clock, assert(filter:create("CLOCK")).item)
    local p = assert(filter:create(PIN_CREATE))
    assert.equal(STATUS_OBJECT_NAME_NOT_FOUND, fail_code(p:create(PIN_CREATE)))
    local bare = assert(dev:file_object())
    assert.equal(STATUS_OBJECT_NAME_NOT_FOUND, fail_code(bare:create("clock")))
    dev:close()
  end)

  it("applies the list rules to child items", function()
    local _, factory, pin = tree()
    assert.equal(STATUS_OBJECT_NAME_COLLISION, fail_code(factory:add_child{ name = "CLOCK" }))
    assert(factory:add_child{ name = "", flags = ks.KSCREATE_ITEM_WILDCARD })
    assert.equal(STATUS_INVALID_PARAMETER,
                 fail_code(factory:add_child{ name = "w", flags = ks.KSCREATE_ITEM_WILDCARD }))
    assert.equal(STATUS_INVALID_PARAMETER, fail_code(pin:add_child{ name = "x", flags = 0x10 }))
    local nested = assert(pin:add_child{ name = "allocator", flags = ks.KSCREATE_ITEM_NOPARAMETERS })
    assert.equal(pin, nested.parent)
    assert.equal(3, #factory.children)
  end)

  it("a pin outlives its filter's file object", function()
    local dev, _, pin = tree()
    local filter = assert(dev:create("\\GLOBAL"))
    local p = assert(filter:create(PIN_CREATE))
    filter:close()
    assert.equal(pin, p.item)
    assert.is_true(p:set_security(nil, DACL, sd(SDDL_DEVOBJ_SYS_ALL)))
    assert.equal(bytes(HEX_SYS_ALL), pin.sd:bytes())
    dev:close()
  end)
end)

describe("pin security", function()
  it("checks pin creates against the pin item's descriptor", function()
    local dev = tree(SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_R)
    local filter = assert(dev:create("\\GLOBAL", user_token(), GENERIC_READ))
    assert.equal(FILE_GENERIC_READ, filter.granted_access)
    assert.equal(STATUS_ACCESS_DENIED, fail_code(filter:create(PIN_CREATE, user_token(), GENERIC_READ)))
    local p = assert(filter:create(PIN_CREATE, admin_token(), MAXIMUM_ALLOWED))
    assert.equal(FILE_ALL_ACCESS, p.granted_access)
    dev:close()
  end)

  it("KsDispatchSetSecurity on a pin changes only the pin item", function()
    local dev, factory, pin = tree(SDDL_DEVOBJ_SYS_ALL_ADM_ALL)
    local admin = admin_token()
    local filter = assert(dev:create("\\GLOBAL", admin, MAXIMUM_ALLOWED))
    local p = assert(filter:create(PIN_CREATE, admin, MAXIMUM_ALLOWED))
    local irp = ks.irp{ major = "SET_SECURITY", file = p, token = admin,
                        security_information = DACL, security_descriptor = sd(SDDL_DEVOBJ_SYS_ALL) }
    assert.equal(STATUS_SUCCESS, ks.KsDispatchSetSecurity(dev, irp))
    assert.equal(1, irp.completed)
    assert.equal(bytes(HEX_SYS_ALL), pin.sd:bytes())
    assert.equal(ks.KSCREATE_ITEM_SECURITYCHANGED, pin.flags)
    assert.equal(0, factory.flags)
    -- administrators lost the pin: the next create is denied
    assert.equal(STATUS_ACCESS_DENIED, fail_code(filter:create(PIN_CREATE, admin, GENERIC_READ)))
    dev:close()
  end)

  it("NtSetSecurityObject needs WRITE_OWNER / WRITE_DAC / ACCESS_SYSTEM_SECURITY on the handle", function()
    local dev, _, pin = tree()
    local admin = admin_token()
    local filter = assert(dev:create("\\GLOBAL"))
    local dac = assert(filter:create(PIN_CREATE, admin, WRITE_DAC))
    local own = assert(filter:create(PIN_CREATE, admin, 0x00080000))   -- WRITE_OWNER
    local new = sd("O:BAG:SYD:P(A;;GA;;;SY)")
    assert.equal(STATUS_ACCESS_DENIED, fail_code(dac:set_security(admin, OWNER, new)))
    assert.equal(STATUS_ACCESS_DENIED, fail_code(dac:set_security(admin, GROUP, new)))
    assert.equal(STATUS_ACCESS_DENIED, fail_code(own:set_security(admin, DACL, new)))
    assert.equal(STATUS_ACCESS_DENIED, fail_code(own:set_security(admin, SACL, new)))
    assert.equal(0, pin.flags)
    assert.equal(bytes(HEX_INF_SECURITY), pin.sd:bytes())   -- refused before any IRP
    assert.is_true(own:set_security(admin, OWNER | GROUP, new))
    assert.is_true(dac:set_security(admin, DACL, new))
    assert.equal("O:BAG:SYD:P(A;;GA;;;SY)", pin.sd:sddl())
    assert.equal(ks.KSCREATE_ITEM_SECURITYCHANGED, pin.flags)
    dev:close()
  end)

  it("KsDispatchQuerySecurity on a pin answers the pin's descriptor", function()
    local dev = tree()
    local p = assert(assert(dev:create("\\GLOBAL")):create(PIN_CREATE))
    local irp = ks.irp{ major = "QUERY_SECURITY", file = p, security_information = DACL, length = 71 }
    assert.equal(STATUS_BUFFER_TOO_SMALL, ks.KsDispatchQuerySecurity(dev, irp))
    assert.equal(72, irp.information)
    irp = ks.irp{ major = "QUERY_SECURITY", file = p, security_information = DACL, length = 72 }
    assert.equal(STATUS_SUCCESS, ks.KsDispatchQuerySecurity(dev, irp))
    assert.equal(bytes(HEX_INF_SECURITY), irp.buffer)
    dev:close()
  end)
end)

describe("KsAllocateObjectHeader with an item list", function()
  it("copies ItemsList and checks it", function()
    local dev, factory, pin, clock = tree()
    local f = assert(dev:file_object())
    assert.equal(STATUS_OBJECT_NAME_COLLISION, fail_code(f:allocate_header(factory, nil, { pin, pin })))
    assert.is_false(f.has_header)
    assert.is_true(f:allocate_header(factory, nil, { clock }))
    assert.same({ clock }, f.children)
    assert.equal(clock, assert(f:create("clock")).item)
    assert.equal(STATUS_OBJECT_NAME_NOT_FOUND, fail_code(f:create(PIN_CREATE)))
    local other = ks.device()
    local foreign = assert(other:add_create_item{ name = "x" })
    assert.has_error(function() f:allocate_header(nil, nil, { foreign }) end)
    dev:close()
    other:close()
  end)
end)

describe("device object security (INF HKR,,Security)", function()
  it("checks only opens of the device itself without FILE_DEVICE_SECURE_OPEN", function()
    local dev = tree(nil, { sd = sd(INF_SECURITY) })
    assert.equal(bytes(HEX_INF_SECURITY), dev.sd:bytes())
    assert.equal(0, dev.characteristics)
    assert(dev:create("\\GLOBAL", user_token(), GENERIC_READ))
    assert.equal(STATUS_ACCESS_DENIED, fail_code(dev:create("", user_token(), GENERIC_READ)))
    assert.equal(STATUS_OBJECT_NAME_NOT_FOUND, fail_code(dev:create("", admin_token(), GENERIC_READ)))
    dev:close()
  end)

  it("checks every open, relative ones too, with the INF's characteristics", function()
    local dev = tree(nil, { sd = sd(INF_SECURITY), characteristics = INF_CHARACTERISTICS })
    local user, admin = user_token(), admin_token()
    assert.equal(STATUS_ACCESS_DENIED, fail_code(dev:create("\\GLOBAL", user, GENERIC_READ)))
    assert.equal(STATUS_ACCESS_DENIED, fail_code(dev:create("\\nothing", user, GENERIC_READ)))
    assert.equal(STATUS_OBJECT_NAME_NOT_FOUND, fail_code(dev:create("\\nothing", admin, GENERIC_READ)))
    local filter = assert(dev:create("\\GLOBAL", admin, MAXIMUM_ALLOWED))
    assert.equal(FILE_ALL_ACCESS, filter.granted_access)
    assert.equal(STATUS_ACCESS_DENIED, fail_code(filter:create("clock", user, GENERIC_READ)))
    dev:set_security(sd(INF_SECURITY), 0)
    assert(filter:create("clock", user, GENERIC_READ))
    assert(dev:create("\\GLOBAL", nil, GENERIC_READ))   -- kernel callers are not checked
    dev:close()
  end)

  it("grants what both the device and the item grant", function()
    local dev = tree(SDDL_DEVOBJ_SYS_ALL_ADM_ALL,
                     { sd = sd(SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_R), characteristics = 0x100 })
    local f = assert(dev:create("\\GLOBAL", admin_token(), MAXIMUM_ALLOWED))
    assert.equal(0x001201BF, f.granted_access)
    assert.equal(STATUS_ACCESS_DENIED, fail_code(dev:create("\\GLOBAL", admin_token(), WRITE_DAC)))
    dev:close()
  end)
end)

describe("the real device descriptors as device security (MAXIMUM_ALLOWED opens)", function()
  local function system_token()
    return ntsec.token{ user = "SY", groups = { "BA", "WD", "AU" } }
  end
  local RWX = 0x001201BF   -- FILE_GENERIC_READ | WRITE | EXECUTE
  -- { name, SDDL, SYSTEM, administrator, user }: the handle's access, or
  -- false for STATUS_ACCESS_DENIED (hand-derived from the file mapping, 4.2).
  local ROWS = {
    { "SDDL_DEVOBJ_KERNEL_ONLY", "D:P", false, false, false },
    { "SDDL_DEVOBJ_SYS_ALL", "D:P(A;;GA;;;SY)", FILE_ALL_ACCESS, false, false },
    { "SDDL_DEVOBJ_SYS_ALL_ADM_ALL", "D:P(A;;GA;;;SY)(A;;GA;;;BA)",
      FILE_ALL_ACCESS, FILE_ALL_ACCESS, false },
    { "SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_R", "D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GR;;;WD)",
      FILE_ALL_ACCESS, RWX, FILE_GENERIC_READ },
    { "SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_R_RES_R",
      "D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GR;;;WD)(A;;GR;;;RC)",
      FILE_ALL_ACCESS, RWX, FILE_GENERIC_READ },
    { "simsensor.inf HKR,,Security", INF_SECURITY, FILE_ALL_ACCESS, FILE_ALL_ACCESS, false },
  }
  for _, row in ipairs(ROWS) do
    it(row[1], function()
      local dev = tree(nil, { sd = sd(row[2]), characteristics = INF_CHARACTERISTICS })
      local who = { system_token(), admin_token(), user_token() }
      for i = 1, 3 do
        local f, err = dev:create("\\GLOBAL", who[i], MAXIMUM_ALLOWED)
        if row[i + 2] then
          assert.equal(row[i + 2], f and f.granted_access, row[1] .. " #" .. i)
        else
          assert.equal(STATUS_ACCESS_DENIED, fail_code(f, err), row[1] .. " #" .. i)
        end
      end
      -- kernel-mode code is never checked ("User-mode code ... cannot open")
      assert.equal(FILE_ALL_ACCESS, assert(dev:create("\\GLOBAL", nil, MAXIMUM_ALLOWED)).granted_access)
      dev:close()
    end)
  end
end)

describe("NtQuerySecurityObject on KS handles (4.5)", function()
  it("returns the bytes, or the size needed", function()
    local dev = tree()
    local p = assert(assert(dev:create("\\GLOBAL")):create(PIN_CREATE, admin_token(), MAXIMUM_ALLOWED))
    local st, b, needed = ks.NtQuerySecurityObject(p, admin_token(), DACL, 4096)
    assert.equal(STATUS_SUCCESS, st)
    assert.equal(bytes(HEX_INF_SECURITY), b)
    assert.equal(72, needed)
    st, b, needed = ks.NtQuerySecurityObject(p, admin_token(), DACL, 71)
    assert.equal(STATUS_BUFFER_TOO_SMALL, st)
    assert.is_nil(b)
    assert.equal(72, needed)
    dev:close()
  end)

  it("needs READ_CONTROL (ACCESS_SYSTEM_SECURITY for the SACL) on the handle", function()
    local dev = tree()
    local filter = assert(dev:create("\\GLOBAL"))
    local weak = assert(filter:create(PIN_CREATE, admin_token(), FILE_READ_DATA))
    assert.equal(STATUS_ACCESS_DENIED, (ks.NtQuerySecurityObject(weak, admin_token(), DACL, 4096)))
    assert.equal(STATUS_SUCCESS, (ks.NtQuerySecurityObject(weak, nil, DACL, 4096)))
    local rc = assert(filter:create(PIN_CREATE, admin_token(), READ_CONTROL))
    assert.equal(STATUS_SUCCESS, (ks.NtQuerySecurityObject(rc, admin_token(), OWNER | DACL, 4096)))
    assert.equal(STATUS_ACCESS_DENIED, (ks.NtQuerySecurityObject(rc, admin_token(), SACL, 4096)))
    assert.equal(STATUS_NO_SECURITY_ON_OBJECT, (ks.NtQuerySecurityObject(filter, nil, DACL, 4096)))
    dev:close()
  end)

  it("answers the World descriptor when QuerySecurity is not handled", function()
    local dev, _, pin = tree()
    local f = assert(dev:file_object())
    assert.is_true(f:allocate_header(pin, { set_security = true }))
    local st, b, needed = ks.NtQuerySecurityObject(f, nil, OWNER | GROUP | DACL, 4096)
    assert.equal(STATUS_SUCCESS, st)
    assert.equal(bytes(HEX_WORLD_OGD), b)
    assert.equal(72, needed)
    assert.equal("O:WDG:WDD:(A;;GA;;;WD)", assert(ntsec.sd.from_bytes(b)):sddl())
    st, b, needed = ks.NtQuerySecurityObject(f, nil, OWNER | GROUP | DACL, 71)
    assert.equal(STATUS_BUFFER_TOO_SMALL, st)
    assert.is_nil(b)
    assert.equal(72, needed)
    assert.equal(STATUS_ACCESS_DENIED, (ks.NtQuerySecurityObject(f, nil, 0, 4096)))
    dev:close()
  end)
end)
