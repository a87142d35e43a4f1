-- lockdown_callouts.lua: an audit policy (bin/ntsec audit STATE.xml --policy THIS).
-- Hands every callout of the Network Data Usage provider (service "NDU"), and
-- the callouts container itself, to BUILTIN\Administrators with a protected
-- DACL: SYSTEM and Administrators full control, Users read.
--
-- Runs with globals `ntsec`, `engine` (the engine loaded from the dump) and
-- `import` (the import summary); see lua/ntsec/audit.lua.

-- The machine's local Administrator, as the dump's "wfputil" session shows it,
-- in an elevated token: Administrators may own objects (SE_GROUP_OWNER).
local admin = ntsec.token {
  user = "S-1-5-21-1793033065-631609589-106201677-500",
  groups = { { sid = "BA", owner = true }, "WD", "AU" },
}
local session = assert(engine:open { token = admin, name = "lockdown_callouts" })

-- FWPM_GENERIC_ALL for SY and BA, FWPM_GENERIC_READ for BU (wfp_ks_errors.md 3.1).
local dacl = assert(ntsec.acl("(A;;GA;;;SY)(A;;GA;;;BA)(A;;GR;;;BU)"))

local function provider_key(service)
  for _, p in ipairs(engine:providers()) do
    if p.service == service then return p.key end
  end
  error("no provider for service " .. service)
end

local ndu = provider_key("NDU")
for _, callout in ipairs(engine:callouts()) do
  if callout.provider == ndu then
    assert(session:callout(callout.key):set_security { owner = "BA", dacl = dacl, protected = true })
  end
end
assert(session:callouts_container():set_security { owner = "BA", dacl = dacl, protected = true })

session:close()
