-- A kernel-streaming filter factory guarded by a WDK device SDDL, and a
-- caller that changes its DACL with an IRP_MJ_SET_SECURITY IRP handled by
-- KsDispatchSetSecurity (wfp_ks_errors.md 4.3; docs/ks.md).
--
-- Run from the project root:
--   LUA_PATH='./lua/?.lua;./lua/?/init.lua;;' LUA_CPATH='./build/?.so;;' \
--     lua5.4 examples/ks_filter_security.lua
local ntsec = require "ntsec"
local ks = ntsec.ks

-- wdmsec.h: SYSTEM and Administrators get GENERIC_ALL, nobody else anything.
local SDDL_DEVOBJ_SYS_ALL_ADM_ALL = "D:P(A;;GA;;;SY)(A;;GA;;;BA)"
-- What the caller wants instead: administrators keep control, everyone may read.
local NEW_DACL = "D:P(A;;GA;;;SY)(A;;GA;;;BA)(A;;GR;;;WD)"

local function status_name(code)
  return ntsec.errors.name(code) or ("0x%08X"):format(code)
end

local function show(label, item)
  local changed = item.flags & ks.KSCREATE_ITEM_SECURITYCHANGED ~= 0
  local sd = item.sd and tostring(item.sd) or "(no descriptor)"
  print(("%-28s %s  SECURITYCHANGED=%s"):format(label, sd, tostring(changed)))
end

local device = ks.device()
local factory = assert(device:add_create_item{
  name = "GLOBAL", sd = assert(ntsec.sd(SDDL_DEVOBJ_SYS_ALL_ADM_ALL)),
})
show("filter factory:", factory)

-- An ordinary user cannot even open the filter.
local user = ntsec.token{ user = "S-1-5-21-1004336348-1177238915-682003330-1001",
                          groups = { "WD", "AU", "BU" } }
local none, msg = device:create("\\GLOBAL", user)
print(("%-28s %s"):format("user opens the filter:", none and "opened" or msg))

-- An administrator opens it with full access and sends the set-security IRP.
local admin = ntsec.token{ user = "S-1-5-21-1004336348-1177238915-682003330-500",
                           groups = { "WD", "AU", { sid = "BA", owner = true } } }
local filter = assert(device:create("\\GLOBAL", admin, ntsec.MAXIMUM_ALLOWED))
print(("administrator's handle:      granted 0x%08X"):format(filter.granted_access))

local irp = ks.irp{
  major = "SET_SECURITY", file = filter, token = admin,
  security_information = ntsec.DACL_SECURITY_INFORMATION,
  security_descriptor = assert(ntsec.sd(NEW_DACL)),
}
local status = ks.KsDispatchSetSecurity(device, irp)
print(("KsDispatchSetSecurity:       %s (IoStatus.Status %s, completed %d time(s))")
  :format(status_name(status), status_name(irp.status), irp.completed))
show("filter factory now:", factory)

-- The user can now open the filter for reading.
local reader = assert(device:create("\\GLOBAL", user, ntsec.GENERIC_READ))
print(("user opens for reading:      granted 0x%08X"):format(reader.granted_access))

-- The same request on an object with no descriptor fails the documented way.
local bare = assert(device:add_create_item{ name = "NOSECURITY" })
local irp2 = ks.irp{
  major = "SET_SECURITY", file = assert(device:create("\\NOSECURITY")),
  security_information = ntsec.DACL_SECURITY_INFORMATION,
  security_descriptor = assert(ntsec.sd(NEW_DACL)),
}
print(("item without a descriptor:   %s"):format(status_name(ks.KsDispatchSetSecurity(device, irp2))))
show("  that item:", bare)
device:close()
