-- Kernel streaming through the Lua binding (wfp_ks_errors.md 4.1-4.6).
-- Expected values are the spec's numbers (4.2, 4.6, 5.6) and descriptor bytes
-- hand-assembled from the layout of sd_semantics.md 1.2-1.7; see docs/ks.md.
local ntsec = require("ntsec")
local helper = require("spec.helper")

-- The status of a failed idiomatic call: nil plus an ntsec.errors object.
local function fail_code(v, err)
  assert.is_nil(v)
  assert.is_true(require("ntsec.errors").is_error(err), "an ntsec.errors object")
  return err.code
end

local ks = ntsec.ks

-- wdmsec.h defaults, as documented in windows-driver-docs
-- kernel/sddl-for-device-objects.md.
local SDDL_DEVOBJ_KERNEL_ONLY = "D:P"
local SDDL_DEVOBJ_SYS_ALL = "D:P(A;;GA;;;SY)"
local SDDL_DEVOBJ_SYS_ALL_ADM_ALL = "D:P(A;;GA;;;SY)(A;;GA;;;BA)"
local SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_R_RES_R = "D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GR;;;WD)(A;;GR;;;RC)"

-- Statuses (4.6, 5.6).
local STATUS_SUCCESS = 0x00000000
local STATUS_PENDING = 0x00000103
local STATUS_INVALID_PARAMETER = 0xC000000D
local STATUS_INVALID_DEVICE_REQUEST = 0xC0000010
local STATUS_ACCESS_DENIED = 0xC0000022
local STATUS_BUFFER_TOO_SMALL = 0xC0000023
local STATUS_OBJECT_NAME_NOT_FOUND = 0xC0000034
local STATUS_OBJECT_NAME_COLLISION = 0xC0000035
local STATUS_UNKNOWN_REVISION = 0xC0000058
local STATUS_INVALID_OWNER = 0xC000005A
local STATUS_PRIVILEGE_NOT_HELD = 0xC0000061
local STATUS_INVALID_ACL = 0xC0000077
local STATUS_INVALID_SID = 0xC0000078
local STATUS_INVALID_SECURITY_DESCR = 0xC0000079
local STATUS_INSUFFICIENT_RESOURCES = 0xC000009A
local STATUS_NO_SECURITY_ON_OBJECT = 0xC00000D7
local STATUS_BAD_DESCRIPTOR_FORMAT = 0xC00000E7
local DOUBLE_COMPLETION = 0xC00000EF   -- EMULATOR CHOICE (docs/ks.md)

-- SECURITY_INFORMATION and rights (sd_semantics.md 4.2, 1.5; 4.2 here).
local OWNER, GROUP, DACL, SACL = 0x1, 0x2, 0x4, 0x8
local PROTECTED_DACL, UNPROTECTED_DACL = 0x80000000, 0x20000000
local GENERIC_READ, GENERIC_WRITE, GENERIC_ALL = 0x80000000, 0x40000000, 0x10000000
local MAXIMUM_ALLOWED, ACCESS_SYSTEM_SECURITY = 0x02000000, 0x01000000
local READ_CONTROL, WRITE_DAC = 0x00020000, 0x00040000
local FILE_GENERIC_READ, FILE_ALL_ACCESS = 0x00120089, 0x001F01FF

-- Hand-assembled self-relative descriptors: control 0x9004 (SELF_RELATIVE |
-- DACL_PROTECTED | DACL_PRESENT), DACL at 0x14; ACE = type, flags, size,
-- mask GENERIC_ALL, SID.
local HDR_DACL_ONLY = "01000490 00000000 00000000 00000000 14000000"
local ACE_GA_SY = "00001400 00000010 010100000000000512000000"
local ACE_GA_BA = "00001800 00000010 01020000000000052000000020020000"
local DACL_ADM_ALL = "02003400 02000000" .. ACE_GA_SY .. ACE_GA_BA
local HEX_SYS_ALL = HDR_DACL_ONLY .. "02001C00 01000000" .. ACE_GA_SY
local HEX_SYS_ALL_ADM_ALL = HDR_DACL_ONLY .. DACL_ADM_ALL
-- ADM_ALL plus O:BA G:SY: parts in Windows order SACL, DACL, owner (0x48), group (0x58).
local HEX_ADM_ALL_O_BA_G_SY = "01000490 48000000 58000000 00000000 14000000" .. DACL_ADM_ALL
  .. "01020000000000052000000020020000" .. "010100000000000512000000"
-- SeQuerySecurityDescriptorInfo answer for OWNER on a DACL-only descriptor.
local HEX_EMPTY_SELF_RELATIVE = "01000080 00000000 00000000 00000000 00000000"

local SENTINEL = 0x5A5A5A5A

local function bytes(hex) return helper.unhex(hex) end

local function sd(sddl) return assert(ntsec.sd(sddl)) end

local user_token, admin_token = helper.user_token, helper.admin_token

-- A device with one create item "filter" and a kernel-opened file on it.
local function fixture(sddl, flags)
  local dev = ks.device()
  local original = sddl and sd(sddl) or nil
  local item = assert(dev:add_create_item{ name = "filter", sd = original, flags = flags })
  local file = assert(dev:create("\\filter", nil, MAXIMUM_ALLOWED))
  return dev, item, file, original
end

local function set_irp(file, si, sddl, extra)
  local t = { major = "SET_SECURITY", file = file, security_information = si,
              security_descriptor = sd(sddl), information = SENTINEL }
  for k, v in pairs(extra or {}) do t[k] = v end
  return ks.irp(t)
end

local function query_irp(file, si, length)
  return ks.irp{ major = "QUERY_SECURITY", file = file, security_information = si,
                 length = length, information = SENTINEL }
end

local function assert_completed_once(irp, status)
  assert.equal(status, irp.status)
  assert.equal(1, irp.completed)
  assert.is_false(irp.double_completed)
end

local function assert_untouched(item, hex)
  assert.equal(bytes(hex), item.sd:bytes())
  assert.equal(0, item.flags & ks.KSCREATE_ITEM_SECURITYCHANGED)
end

describe("ks constants (4.2)", function()
  it("match ks.h and wdm.h", function()
    assert.equal(0x1, ks.KSCREATE_ITEM_SECURITYCHANGED)
    assert.equal(0x2, ks.KSCREATE_ITEM_WILDCARD)
    assert.equal(0x4, ks.KSCREATE_ITEM_NOPARAMETERS)
    assert.equal(0x8, ks.KSCREATE_ITEM_FREEONSTOP)
    assert.equal(0x14, ks.IRP_MJ_QUERY_SECURITY)
    assert.equal(0x15, ks.IRP_MJ_SET_SECURITY)
    assert.equal(GENERIC_READ | GENERIC_WRITE, ks.DEFAULT_DESIRED_ACCESS)
    assert.equal(DOUBLE_COMPLETION, ks.STATUS_DOUBLE_COMPLETION)
  end)
end)

describe("KsDispatchSetSecurity (4.3)", function()
  it("replaces the descriptor, sets SECURITYCHANGED, completes once", function()
    local dev, item, file, original = fixture(SDDL_DEVOBJ_SYS_ALL_ADM_ALL)
    assert.equal(bytes(HEX_SYS_ALL_ADM_ALL), item.sd:bytes())
    local irp = set_irp(file, DACL, SDDL_DEVOBJ_SYS_ALL)
    assert.equal(STATUS_PENDING, irp.status)
    assert.equal(0, irp.completed)
    assert.equal(STATUS_SUCCESS, ks.KsDispatchSetSecurity(dev, irp))
    assert_completed_once(irp, STATUS_SUCCESS)
    assert.equal(SENTINEL, irp.information)
    assert.equal(bytes(HEX_SYS_ALL), item.sd:bytes())
    assert.equal(ks.KSCREATE_ITEM_SECURITYCHANGED, item.flags)
    assert.equal(bytes(HEX_SYS_ALL_ADM_ALL), original:bytes())
    assert.is_nil(irp.buffer)
  end)

  it("merges owner and group, keeping the DACL and other flags", function()
    local dev, item, file = fixture(SDDL_DEVOBJ_SYS_ALL_ADM_ALL, ks.KSCREATE_ITEM_FREEONSTOP)
    local irp = set_irp(file, OWNER | GROUP, "O:BAG:SY")
    assert.equal(STATUS_SUCCESS, ks.KsDispatchSetSecurity(dev, irp))
    assert.equal(bytes(HEX_ADM_ALL_O_BA_G_SY), item.sd:bytes())
    assert.equal(ks.KSCREATE_ITEM_FREEONSTOP | ks.KSCREATE_ITEM_SECURITYCHANGED, item.flags)
  end)

  it("owner not assignable: STATUS_INVALID_OWNER, nothing changes (4.6)", function()
    local dev, item, file = fixture(SDDL_DEVOBJ_SYS_ALL_ADM_ALL)
    local irp = set_irp(file, OWNER, "O:BA", { token = user_token() })
    assert.equal(STATUS_INVALID_OWNER, ks.KsDispatchSetSecurity(dev, irp))
    assert_completed_once(irp, STATUS_INVALID_OWNER)
    assert.equal(SENTINEL, irp.information)
    assert_untouched(item, HEX_SYS_ALL_ADM_ALL)
    irp = set_irp(file, OWNER, "O:BA", { token = admin_token() })
    assert.equal(STATUS_SUCCESS, ks.KsDispatchSetSecurity(dev, irp))
    assert.equal(ks.KSCREATE_ITEM_SECURITYCHANGED, item.flags)
  end)

  it("a failing merge leaves the descriptor byte-identical and the flag clear", function()
    local dev, item, file = fixture(SDDL_DEVOBJ_SYS_ALL_ADM_ALL)
    local irp = set_irp(file, DACL | PROTECTED_DACL | UNPROTECTED_DACL, SDDL_DEVOBJ_SYS_ALL)
    assert.equal(STATUS_INVALID_PARAMETER, ks.KsDispatchSetSecurity(dev, irp))
    assert_completed_once(irp, STATUS_INVALID_PARAMETER)
    assert_untouched(item, HEX_SYS_ALL_ADM_ALL)
  end)

  it("no descriptor: STATUS_NO_SECURITY_ON_OBJECT, Information untouched", function()
    local dev, item, file = fixture(nil)
    local irp = set_irp(file, DACL, SDDL_DEVOBJ_SYS_ALL)
    assert.equal(STATUS_NO_SECURITY_ON_OBJECT, ks.KsDispatchSetSecurity(dev, irp))
    assert_completed_once(irp, STATUS_NO_SECURITY_ON_OBJECT)
    assert.equal(SENTINEL, irp.information)
    assert.is_nil(item.sd)
    assert.equal(0, item.flags)
  end)

  it("no create item in the header: STATUS_NO_SECURITY_ON_OBJECT", function()
    local dev = fixture(SDDL_DEVOBJ_SYS_ALL_ADM_ALL)
    local file = assert(dev:file_object())
    assert.is_true(file:allocate_header(nil))
    assert.is_true(file.has_header)
    assert.is_nil(file.item)
    local irp = set_irp(file, DACL, SDDL_DEVOBJ_SYS_ALL)
    assert.equal(STATUS_NO_SECURITY_ON_OBJECT, ks.KsDispatchSetSecurity(dev, irp))
    assert_completed_once(irp, STATUS_NO_SECURITY_ON_OBJECT)
    assert.equal(SENTINEL, irp.information)
  end)

  it("no object header: STATUS_NO_SECURITY_ON_OBJECT", function()
    local dev, item, file = fixture(SDDL_DEVOBJ_SYS_ALL_ADM_ALL)
    file:free_header()
    assert.is_false(file.has_header)
    local irp = set_irp(file, DACL, SDDL_DEVOBJ_SYS_ALL)
    assert.equal(STATUS_NO_SECURITY_ON_OBJECT, ks.KsDispatchSetSecurity(dev, irp))
    assert_completed_once(irp, STATUS_NO_SECURITY_ON_OBJECT)
    assert_untouched(item, HEX_SYS_ALL_ADM_ALL)
  end)

  it("stored SD not self-relative (4.6) cannot be built from Lua", function()
    -- Such a descriptor is rejected at capture, so no item can hold one here;
    -- tests/ks_test.c assembles one by hand and expects
    -- STATUS_BAD_DESCRIPTOR_FORMAT from KsDispatchSetSecurity.
    local raw = bytes(HEX_SYS_ALL):gsub("^(...).", "%1\x10")
    local none, err = ntsec.sd.from_bytes(raw)
    assert.is_nil(none)
    assert.equal(STATUS_INVALID_SECURITY_DESCR, err.code)
    assert.not_equal(STATUS_BAD_DESCRIPTOR_FORMAT, err.code)
  end)

  it("pool allocation failed: STATUS_INSUFFICIENT_RESOURCES, nothing changes", function()
    local dev, item, file = fixture(SDDL_DEVOBJ_SYS_ALL_ADM_ALL)
    dev:fail_pool_allocations(1)
    local irp = set_irp(file, DACL, SDDL_DEVOBJ_SYS_ALL)
    assert.equal(STATUS_INSUFFICIENT_RESOURCES, ks.KsDispatchSetSecurity(dev, irp))
    assert_completed_once(irp, STATUS_INSUFFICIENT_RESOURCES)
    assert_untouched(item, HEX_SYS_ALL_ADM_ALL)
    assert.equal(STATUS_SUCCESS, ks.KsDispatchSetSecurity(dev, set_irp(file, DACL, SDDL_DEVOBJ_SYS_ALL)))
  end)

  it("detects a double completion and never processes a completed IRP", function()
    local dev, item, file = fixture(SDDL_DEVOBJ_SYS_ALL_ADM_ALL)
    local irp = set_irp(file, DACL, SDDL_DEVOBJ_SYS_ALL)
    assert.equal(STATUS_SUCCESS, ks.KsDispatchSetSecurity(dev, irp))
    assert.equal(DOUBLE_COMPLETION, fail_code(irp:complete()))
    assert.is_true(irp.double_completed)
    assert.equal(2, irp.completed)
    assert.equal(STATUS_SUCCESS, irp.status)
    local again = set_irp(file, DACL, SDDL_DEVOBJ_SYS_ALL_ADM_ALL)
    assert.equal(STATUS_SUCCESS, ks.KsDispatchSetSecurity(dev, again))
    assert.equal(DOUBLE_COMPLETION, ks.KsDispatchSetSecurity(dev, again))
    assert.is_true(again.double_completed)
    assert.equal(STATUS_SUCCESS, again.status)
    assert.equal(bytes(HEX_SYS_ALL_ADM_ALL), item.sd:bytes())
  end)

  it("raises on programmer errors", function()
    local dev, _, file = fixture(SDDL_DEVOBJ_SYS_ALL)
    local other = ks.device()
    assert.has_error(function() ks.KsDispatchSetSecurity(dev, query_irp(file, DACL, 64)) end)
    assert.has_error(function() ks.KsDispatchSetSecurity(other, set_irp(file, DACL, "D:")) end)
    assert.has_error(function() ks.irp{ major = "READ", file = file } end)
    assert.has_error(function() ks.irp{ major = "SET_SECURITY" } end)
  end)
end)

describe("KsDispatchQuerySecurity (4.3, 4.5)", function()
  it("too small: STATUS_BUFFER_TOO_SMALL with the needed length, nothing copied", function()
    local dev, _, file = fixture(SDDL_DEVOBJ_SYS_ALL_ADM_ALL)
    local irp = query_irp(file, DACL, 71)
    assert.equal(STATUS_BUFFER_TOO_SMALL, ks.KsDispatchQuerySecurity(dev, irp))
    assert_completed_once(irp, STATUS_BUFFER_TOO_SMALL)
    assert.equal(72, irp.information)
    assert.is_nil(irp.buffer)
  end)

  it("large enough: the self-relative bytes and their length", function()
    local dev, item, file = fixture(SDDL_DEVOBJ_SYS_ALL_ADM_ALL)
    local irp = query_irp(file, DACL, 72)
    assert.equal(STATUS_SUCCESS, ks.KsDispatchQuerySecurity(dev, irp))
    assert_completed_once(irp, STATUS_SUCCESS)
    assert.equal(72, irp.information)
    assert.equal(bytes(HEX_SYS_ALL_ADM_ALL), irp.buffer)
    assert.equal(0, item.flags)
  end)

  it("selects the requested parts only", function()
    local dev, _, file = fixture(SDDL_DEVOBJ_SYS_ALL_ADM_ALL)
    local small = query_irp(file, OWNER, 19)
    assert.equal(STATUS_BUFFER_TOO_SMALL, ks.KsDispatchQuerySecurity(dev, small))
    assert.equal(20, small.information)
    local irp = query_irp(file, OWNER, 256)
    assert.equal(STATUS_SUCCESS, ks.KsDispatchQuerySecurity(dev, irp))
    assert.equal(bytes(HEX_EMPTY_SELF_RELATIVE), irp.buffer)
  end)

  it("no descriptor: STATUS_NO_SECURITY_ON_OBJECT, Information untouched", function()
    local dev, _, file = fixture(nil)
    local irp = query_irp(file, DACL, 256)
    assert.equal(STATUS_NO_SECURITY_ON_OBJECT, ks.KsDispatchQuerySecurity(dev, irp))
    assert_completed_once(irp, STATUS_NO_SECURITY_ON_OBJECT)
    assert.equal(SENTINEL, irp.information)
    assert.is_nil(irp.buffer)
  end)
end)

describe("dispatch through the object header (4.3)", function()
  it("routes to the default SetSecurity/QuerySecurity slots", function()
    local dev, item, file = fixture(SDDL_DEVOBJ_SYS_ALL_ADM_ALL)
    assert.equal(STATUS_SUCCESS, ks.dispatch(dev, set_irp(file, DACL, SDDL_DEVOBJ_SYS_ALL)))
    assert.equal(bytes(HEX_SYS_ALL), item.sd:bytes())
    local q = query_irp(file, DACL, 48)
    assert.equal(STATUS_SUCCESS, ks.dispatch(dev, q))
    assert.equal(bytes(HEX_SYS_ALL), q.buffer)
  end)

  it("a NULL slot is KsDispatchInvalidDeviceRequest", function()
    local dev, item = fixture(SDDL_DEVOBJ_SYS_ALL_ADM_ALL)
    local file = assert(dev:file_object())
    assert.is_true(file:allocate_header(item, { query_security = true }))
    assert.equal(STATUS_INVALID_PARAMETER, fail_code(file:allocate_header(item)))
    assert.equal(item, file.item)
    local irp = set_irp(file, DACL, SDDL_DEVOBJ_SYS_ALL)
    assert.equal(STATUS_INVALID_DEVICE_REQUEST, ks.dispatch(dev, irp))
    assert_completed_once(irp, STATUS_INVALID_DEVICE_REQUEST)
    assert_untouched(item, HEX_SYS_ALL_ADM_ALL)
    local direct = set_irp(file, DACL, SDDL_DEVOBJ_SYS_ALL)
    assert.equal(STATUS_INVALID_DEVICE_REQUEST, ks.KsDispatchInvalidDeviceRequest(dev, direct))
    assert_completed_once(direct, STATUS_INVALID_DEVICE_REQUEST)
  end)

  it("a file without a header completes with success (ReactOS)", function()
    local dev = fixture(SDDL_DEVOBJ_SYS_ALL)
    local irp = set_irp(assert(dev:file_object()), DACL, SDDL_DEVOBJ_SYS_ALL)
    assert.equal(STATUS_SUCCESS, ks.dispatch(dev, irp))
    assert_completed_once(irp, STATUS_SUCCESS)
    assert.equal(0, irp.information)
  end)
end)

describe("create", function()
  it("checks the WDK defaults with the file mapping", function()
    local dev = ks.device()
    local item = assert(dev:add_create_item{ name = "filter", sd = sd(SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_R_RES_R) })
    local user, admin = user_token(), admin_token()
    local none, err = dev:create("\\filter", user)
    assert.is_nil(none)
    assert.equal("STATUS_ACCESS_DENIED", err.name)
    assert.equal("create", err.op)
    assert.equal(STATUS_ACCESS_DENIED, err.code)
    assert.equal(FILE_GENERIC_READ, assert(dev:create("\\filter", user, GENERIC_READ)).granted_access)
    local f = assert(dev:create("\\filter", admin, MAXIMUM_ALLOWED))
    assert.equal(0x001201BF, f.granted_access)
    assert.equal(item, f.item)
    assert.equal(0x0012019F, assert(dev:create("\\filter", admin)).granted_access)
    assert.equal(STATUS_ACCESS_DENIED, fail_code(dev:create("\\filter", admin, WRITE_DAC)))
  end)

  it("SYSTEM, kernel callers and SeSecurityPrivilege", function()
    local dev = ks.device()
    dev:add_create_item{ name = "filter", sd = sd(SDDL_DEVOBJ_SYS_ALL) }
    dev:add_create_item{ name = "kernel", sd = sd(SDDL_DEVOBJ_KERNEL_ONLY) }
    local system = ntsec.token{ user = "SY" }
    assert.equal(FILE_ALL_ACCESS, assert(dev:create("filter", system, MAXIMUM_ALLOWED)).granted_access)
    assert.equal(STATUS_ACCESS_DENIED, fail_code(dev:create("filter", user_token(), GENERIC_READ)))
    assert.equal(STATUS_PRIVILEGE_NOT_HELD, fail_code(dev:create("filter", system, ACCESS_SYSTEM_SECURITY)))
    local priv = ntsec.token{ user = "SY", privileges = { "SeSecurityPrivilege" } }
    assert.equal(ACCESS_SYSTEM_SECURITY | READ_CONTROL,
                 assert(dev:create("filter", priv, ACCESS_SYSTEM_SECURITY | READ_CONTROL)).granted_access)
    assert.equal(STATUS_ACCESS_DENIED, fail_code(dev:create("kernel", system, GENERIC_READ)))
    assert.equal(FILE_GENERIC_READ, assert(dev:create("kernel", nil, GENERIC_READ)).granted_access)
  end)

  it("matches names, the wildcard and NOPARAMETERS", function()
    local dev = ks.device()
    assert.equal(STATUS_OBJECT_NAME_NOT_FOUND, fail_code(dev:create("\\filter")))
    local wild = assert(dev:add_create_item{ flags = ks.KSCREATE_ITEM_WILDCARD })
    local filter = assert(dev:add_create_item{ name = "filter" })
    local clock = assert(dev:add_create_item{ name = "clock", flags = ks.KSCREATE_ITEM_NOPARAMETERS })
    assert.equal(filter, dev:create("\\filter").item)
    assert.equal(filter, dev:create("\\FILTER\\params").item)
    assert.equal(wild, dev:create("\\other").item)
    assert.equal(clock, dev:create("\\clock").item)
    assert.equal(STATUS_INVALID_PARAMETER, fail_code(dev:create("\\clock\\x")))
    assert.equal(STATUS_INVALID_PARAMETER, fail_code(dev:add_create_item{ flags = ks.KSCREATE_ITEM_WILDCARD }))
    assert.equal(STATUS_INVALID_PARAMETER, fail_code(dev:add_create_item{
      name = "x", flags = ks.KSCREATE_ITEM_WILDCARD | ks.KSCREATE_ITEM_NOPARAMETERS }))
    assert.equal(STATUS_OBJECT_NAME_COLLISION, fail_code(dev:add_create_item{ name = "Filter" }))
    assert.equal(3, #dev:items())
    dev:fail_pool_allocations(1)
    assert.equal(STATUS_INSUFFICIENT_RESOURCES, fail_code(dev:create("\\filter")))
    assert.equal("filter", filter.name)
  end)
end)

describe("file:set_security (I/O manager, 4.5)", function()
  it("checks the handle: the administrator cannot change the ACL (RWX_WORLD_R_RES_R)", function()
    local dev = ks.device()
    local item = dev:add_create_item{ name = "filter", sd = sd(SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_R_RES_R) }
    local admin = admin_token()
    local f = assert(dev:create("\\filter", admin, MAXIMUM_ALLOWED))
    assert.equal(STATUS_ACCESS_DENIED, fail_code(f:set_security(admin, DACL, sd(SDDL_DEVOBJ_SYS_ALL))))
    assert.equal(0, item.flags)
  end)

  it("sets through the IRP when the handle allows it; SACL needs its right", function()
    local dev = ks.device()
    local item = dev:add_create_item{ name = "filter", sd = sd(SDDL_DEVOBJ_SYS_ALL_ADM_ALL) }
    local admin = admin_token()
    local plain = assert(dev:create("\\filter", admin))
    assert.equal(STATUS_ACCESS_DENIED, fail_code(plain:set_security(admin, DACL, sd(SDDL_DEVOBJ_SYS_ALL))))
    local f = assert(dev:create("\\filter", admin, GENERIC_ALL))
    assert.equal(FILE_ALL_ACCESS, f.granted_access)
    assert.equal(STATUS_ACCESS_DENIED, fail_code(f:set_security(admin, SACL, sd(SDDL_DEVOBJ_SYS_ALL))))
    assert.is_true(f:set_security(admin, DACL, sd(SDDL_DEVOBJ_SYS_ALL)))
    assert.equal(bytes(HEX_SYS_ALL), item.sd:bytes())
    assert.equal(ks.KSCREATE_ITEM_SECURITYCHANGED, item.flags)
    assert.is_true(plain:set_security(DACL, sd(SDDL_DEVOBJ_SYS_ALL_ADM_ALL)))
    assert.equal(bytes(HEX_SYS_ALL_ADM_ALL), item.sd:bytes())
  end)

  it("a missing SetSecurity slot is reported as success without effect", function()
    local dev = ks.device()
    local item = dev:add_create_item{ name = "filter", sd = sd(SDDL_DEVOBJ_SYS_ALL_ADM_ALL) }
    local f = assert(dev:file_object(FILE_ALL_ACCESS))
    f:allocate_header(item, { query_security = true })
    assert.is_true(f:set_security(admin_token(), DACL, sd(SDDL_DEVOBJ_SYS_ALL)))
    assert_untouched(item, HEX_SYS_ALL_ADM_ALL)
  end)

  it("captures byte descriptors after the handle check (4.6 capture row)", function()
    local dev = ks.device()
    local item = dev:add_create_item{ name = "filter", sd = sd(SDDL_DEVOBJ_SYS_ALL_ADM_ALL) }
    local admin = admin_token()
    local f = assert(dev:create("\\filter", admin, MAXIMUM_ALLOWED))
    local reader = assert(dev:create("\\filter", admin, GENERIC_READ))
    local good = bytes(HEX_SYS_ALL)
    local bad_revision = "\2" .. good:sub(2)
    assert.equal(STATUS_UNKNOWN_REVISION, ks.NtSetSecurityObject(f, admin, DACL, bad_revision))
    assert.equal(STATUS_ACCESS_DENIED, ks.NtSetSecurityObject(reader, admin, DACL, bad_revision))
    local bad_ace_sid = good:sub(1, 36) .. "\2" .. good:sub(38)
    assert.equal(STATUS_INVALID_ACL, ks.NtSetSecurityObject(f, admin, DACL, bad_ace_sid))
    local with_owner = bytes(HEX_ADM_ALL_O_BA_G_SY)
    local bad_owner = with_owner:sub(1, 0x48) .. "\2" .. with_owner:sub(0x4A)
    assert.equal(STATUS_INVALID_SID, ks.NtSetSecurityObject(f, admin, DACL, bad_owner))
    assert_untouched(item, HEX_SYS_ALL_ADM_ALL)
    assert.equal(STATUS_SUCCESS, ks.NtSetSecurityObject(f, admin, DACL, good))
    assert.equal(good, item.sd:bytes())
  end)
end)

describe("KS statuses map to the Win32 column of 4.6", function()
  local rows = {
    { STATUS_SUCCESS, 0 }, { STATUS_NO_SECURITY_ON_OBJECT, 1350 },
    { STATUS_BAD_DESCRIPTOR_FORMAT, 1361 }, { STATUS_INSUFFICIENT_RESOURCES, 1450 },
    { STATUS_BUFFER_TOO_SMALL, 122 }, { STATUS_INVALID_DEVICE_REQUEST, 1 },
    { STATUS_INVALID_SID, 1337 }, { STATUS_INVALID_ACL, 1336 },
    { STATUS_INVALID_SECURITY_DESCR, 1338 }, { STATUS_UNKNOWN_REVISION, 1305 },
    { STATUS_ACCESS_DENIED, 5 }, { STATUS_PRIVILEGE_NOT_HELD, 1314 }, { STATUS_INVALID_OWNER, 1307 },
  }
  for _, row in ipairs(rows) do
    it(("0x%08X -> %d"):format(row[1], row[2]), function()
      assert.equal(row[2], ntsec.errors.nt_to_win32(row[1]))
    end)
  end
end)

describe("ks lifetime (lua_conventions 7)", function()
  it("children keep their device alive", function()
    local file, item
    do
      local dev = ks.device()
      item = dev:add_create_item{ name = "filter", sd = sd(SDDL_DEVOBJ_SYS_ALL) }
      file = dev:create("\\filter")
    end
    collectgarbage()
    collectgarbage()
    assert.equal("device", ks.type(file.device))
    assert.equal(item, file.item)
    local irp = query_irp(file, DACL, 64)
    file = nil -- luacheck: ignore 311 (drop the last direct reference)
    collectgarbage()
    collectgarbage()
    assert.equal(STATUS_SUCCESS, ks.dispatch(irp.file.device, irp))
  end)

  it("closing the device closes files and irps; close is idempotent", function()
    local dev, item, file = fixture(SDDL_DEVOBJ_SYS_ALL)
    local irp = query_irp(file, DACL, 64)
    assert.is_true(dev:close())
    assert.is_true(dev:close())
    assert.equal("closed device", ks.type(dev))
    assert.equal("closed file", ks.type(file))
    assert.equal("closed irp", ks.type(irp))
    assert.equal("closed item", ks.type(item))
    assert.matches("%(closed%)$", tostring(file))
    assert.is_true(file:close())
    assert.has_error(function() return item.flags end, "attempt to use a closed item")
    assert.has_error(function() return irp.status end, "attempt to use a closed irp")
    assert.has_error(function() dev:create("\\filter") end, "attempt to use a closed device")
  end)

  it("an irp on a closed file cannot be dispatched", function()
    local dev, _, file = fixture(SDDL_DEVOBJ_SYS_ALL)
    local irp = query_irp(file, DACL, 64)
    file:close()
    assert.has_error(function() ks.dispatch(dev, irp) end, "attempt to use a closed file")
    assert.equal(0, irp.completed)
  end)

  it("supports <close> and prints kind and state", function()
    local outer
    do
      local dev <close> = ks.device()
      outer = dev
      assert.matches("^ntsec%.ks%.device %(", tostring(dev))
      local item = dev:add_create_item{ name = "pin", flags = ks.KSCREATE_ITEM_FREEONSTOP }
      assert.equal('ntsec.ks.item ("pin", flags 0x00000008)', tostring(item))
      local irp = query_irp(dev:create("pin"), DACL, 8)
      assert.matches("^ntsec%.ks%.irp %(QUERY_SECURITY, .*status 0x00000103, completed 0%)$", tostring(irp))
    end
    assert.equal("ntsec.ks.device (closed)", tostring(outer))
    assert.is_nil(ks.type({}))
  end)
end)
