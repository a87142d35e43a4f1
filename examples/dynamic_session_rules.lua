-- dynamic_session_rules.lua: the lockdown of lockdown_callouts.lua attempted
-- from a dynamic session, showing the two dynamic-session rules of
-- FwpmCalloutSetSecurityInfoByKey0 (seed document, Remarks):
--   * an object not added by a dynamic session -> FWP_E_DYNAMIC_SESSION_IN_PROGRESS
--   * an object added by another dynamic session -> FWP_E_WRONG_SESSION
--   * an object added by this dynamic session -> success
-- Runs as an audit policy (globals ntsec, engine) or standalone with a fresh
-- engine, from the project root after `make`:
--   bin/ntsec audit ../shared/data/wfpstate/netsh-wfpstate-1.xml --policy examples/dynamic_session_rules.lua
--   LUA_PATH='./lua/?.lua;./lua/?/init.lua;;' LUA_CPATH='./build/?.so;;' lua5.4 examples/dynamic_session_rules.lua

local ntsec = ntsec or require("ntsec")
local engine = engine or ntsec.wfp.engine()

local admin = ntsec.token {
  user = "S-1-5-21-1793033065-631609589-106201677-500",
  groups = { { sid = "BA", owner = true }, "WD", "AU" },
}
local dacl = assert(ntsec.acl("(A;;GA;;;SY)(A;;GA;;;BA)(A;;GR;;;BU)"))
local LAYER = "FWPM_LAYER_ALE_AUTH_CONNECT_V4"

local mine = assert(engine:open { token = admin, dynamic = true, name = "dynamic A" })
local other = assert(engine:open { token = admin, dynamic = true, name = "dynamic B" })

local function show(what, ok, err)
  print(("%-44s %s"):format(what, ok and "ERROR_SUCCESS" or tostring(err)))
  return ok, err
end

-- A callout added by each dynamic session.
local key_a = "{6c2b3e4f-0000-4000-8000-00000000000a}"
local key_b = "{6c2b3e4f-0000-4000-8000-00000000000b}"
assert(mine:add_callout { key = key_a, name = "callout of session A", layer = LAYER })
assert(other:add_callout { key = key_b, name = "callout of session B", layer = LAYER })

local set = { owner = "BA", dacl = dacl, protected = true }
local _, e1 = show("callouts container from session A:", mine:callouts_container():set_security(set))
local _, e2 = show("callout of session B from session A:", mine:callout(key_b):set_security(set))
local ok3 = show("callout of session A from session A:", mine:callout(key_a):set_security(set))

assert(e1 and e1.code == ntsec.FWP_E_DYNAMIC_SESSION_IN_PROGRESS)
assert(e2 and e2.code == ntsec.FWP_E_WRONG_SESSION)
assert(ok3)

-- Closing a dynamic session deletes what it added.
other:close()
mine:close()
