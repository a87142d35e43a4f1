-- A kernel-streaming pin created under a filter, and its security changed
-- and read back through the I/O manager (NtSetSecurityObject /
-- NtQuerySecurityObject) and through raw IRPs handled by
-- KsDispatchSetSecurity / KsDispatchQuerySecurity (wfp_ks_errors.md 4;
-- docs/ks.md).
--
-- The device object carries the descriptor and characteristics that
-- Microsoft's driver samples install (microsoft/Windows-driver-samples
-- thermal/simsensor/simsensor.inf, powerlimit/plclient/plclient.inf, ...):
--   HKR,,DeviceCharacteristics,0x10001,0x0100  ; FILE_DEVICE_SECURE_OPEN
--   HKR,,Security,,"D:P(A;;GA;;;BA)(A;;GA;;;SY)"
-- The pin's own descriptor is SDDL_DEVOBJ_SYS_ALL_ADM_ALL of wdmsec.h.
--
-- Run from the project root:
--   LUA_PATH='./lua/?.lua;./lua/?/init.lua;;' LUA_CPATH='./build/?.so;;' \
--     lua5.4 examples/ks_pin_security.lua
local ntsec = require "ntsec"
local ks = ntsec.ks

local INF_SECURITY = "D:P(A;;GA;;;BA)(A;;GA;;;SY)"
local SDDL_DEVOBJ_SYS_ALL_ADM_ALL = "D:P(A;;GA;;;SY)(A;;GA;;;BA)"
local PIN_DACL = "D:P(A;;GA;;;SY)(A;;GA;;;BA)(A;;GR;;;BU)"   -- users may read the pin

local function name(code) return ntsec.errors.name(code) or ("0x%08X"):format(code) end
-- An idiomatic call's outcome: "ok", or the error's name.
local function outcome(ok, err) return ok and "ok" or err.name end
local function say(label, text) print(("%-34s %s"):format(label, text)) end

local device = ks.device{ sd = assert(ntsec.sd(INF_SECURITY)),
                          characteristics = ks.FILE_DEVICE_SECURE_OPEN }
local factory = assert(device:add_create_item{ name = "GLOBAL" })
local pin_item = assert(factory:add_child{ name = ks.KSSTRING_Pin,
                                           sd = assert(ntsec.sd(SDDL_DEVOBJ_SYS_ALL_ADM_ALL)) })

local user = ntsec.token{ user = "S-1-5-21-1004336348-1177238915-682003330-1001",
                          groups = { "WD", "AU", "BU" } }
local admin = ntsec.token{ user = "S-1-5-21-1004336348-1177238915-682003330-500",
                           groups = { "WD", "AU", "BU", { sid = "BA", owner = true } } }

-- FILE_DEVICE_SECURE_OPEN: the device descriptor guards every open.
local _, err = device:create("\\GLOBAL", user, ntsec.GENERIC_READ)
say("user opens the filter:", err.name)

local filter = assert(device:create("\\GLOBAL", admin, ntsec.MAXIMUM_ALLOWED))
-- A pin create names KSSTRING_Pin, then '\' and the KSPIN_CONNECT bytes.
local pin = assert(filter:create(ks.KSSTRING_Pin .. "\\" .. ("\0"):rep(16), admin,
                                 ntsec.MAXIMUM_ALLOWED))
say("administrator's pin handle:", ("granted 0x%08X"):format(pin.granted_access))

local dacl = assert(pin:query_security(admin, ntsec.DACL_SECURITY_INFORMATION))
say("pin DACL (query_security):", dacl:sddl())

-- A read-only handle may not change the DACL: the I/O manager refuses it
-- before any IRP reaches KS.
local reader = assert(filter:create(ks.KSSTRING_Pin .. "\\x", admin, ntsec.GENERIC_READ))
say("set DACL with a read handle:",
    outcome(reader:set_security(admin, ntsec.DACL_SECURITY_INFORMATION, PIN_DACL)))
-- The faithful NtSetSecurityObject returns the NTSTATUS itself.
local st = ks.NtSetSecurityObject(pin, admin, ntsec.DACL_SECURITY_INFORMATION, assert(ntsec.sd(PIN_DACL)))
say("set DACL with the full handle:", name(st))
local changed = pin_item.flags & ks.KSCREATE_ITEM_SECURITYCHANGED ~= 0
say("pin item SECURITYCHANGED:", tostring(changed))
say("filter factory untouched:", tostring(factory.flags == 0))

-- The same query as a raw IRP: too small a buffer reports the size needed.
local irp = ks.irp{ major = "QUERY_SECURITY", file = pin, length = 8,
                    security_information = ntsec.DACL_SECURITY_INFORMATION }
st = ks.KsDispatchQuerySecurity(device, irp)
say("KsDispatchQuerySecurity, 8 bytes:", ("%s, Information %d"):format(name(st), irp.information))
irp = ks.irp{ major = "QUERY_SECURITY", file = pin, length = irp.information,
              security_information = ntsec.DACL_SECURITY_INFORMATION }
st = ks.KsDispatchQuerySecurity(device, irp)
say("KsDispatchQuerySecurity again:", name(st) .. " " .. ntsec.sd.from_bytes(irp.buffer):sddl())
-- Completing it a second time is a driver bug; the model reports it.
say("second IoCompleteRequest:", ("%s (double_completed=%s)")
  :format(outcome(irp:complete()), tostring(irp.double_completed)))

-- Users may now open the pin for reading (the device check still applies,
-- so this goes through an administrator's filter handle and the user's token).
assert(device:set_security(INF_SECURITY .. "(A;;GR;;;BU)", ks.FILE_DEVICE_SECURE_OPEN))
local user_pin = assert(filter:create(ks.KSSTRING_Pin .. "\\x", user, ntsec.GENERIC_READ))
say("user opens the pin for reading:", ("granted 0x%08X"):format(user_pin.granted_access))
device:close()
