-- An audit policy for spec/audit_spec.lua: protects the first two callouts
-- of the dump with a DACL for SYSTEM alone (kernel-mode session).
-- luacheck: read_globals ntsec engine
local k = assert(engine:open { kernel_mode = true, token = ntsec.token { user = "SY" } })
local dacl = assert(ntsec.acl("(A;;GA;;;SY)"))
local callouts = engine:callouts()
for i = 1, 2 do assert(k:callout(callouts[i].key):set_security { dacl = dacl, protected = true }) end
