--- ntsec.rules.objects: the securable objects of an emulated WFP engine as
-- rules see them: {kind=, key=, name=, provider=, sd=}.
--
-- Read through a kernel-mode observer session with the faithful
-- Fwpm*GetSecurityInfo* functions (no access check, Windows codes; a failed
-- read is kept as {error = code} so that a rule never mistakes it for a
-- descriptor). Kinds: "engine"; "container" (key = the kind's plural:
-- "providers", ..., "connections", "ale_endpoints"); "provider",
-- "sublayer", "layer", "callout", "filter".

local ntsec = require("ntsec")

local M = {}

local ALL_SI = ntsec.OWNER_SECURITY_INFORMATION | ntsec.GROUP_SECURITY_INFORMATION
    | ntsec.DACL_SECURITY_INFORMATION

--- KINDS: keyed object kinds, their engine listing and Get function.
M.KINDS = {
  { kind = "provider", list = "providers", get = "FwpmProviderGetSecurityInfoByKey0" },
  { kind = "sublayer", list = "sublayers", get = "FwpmSubLayerGetSecurityInfoByKey0" },
  { kind = "layer", list = "layers", get = "FwpmLayerGetSecurityInfoByKey0" },
  { kind = "callout", list = "callouts", get = "FwpmCalloutGetSecurityInfoByKey0" },
  { kind = "filter", list = "filters", get = "FwpmFilterGetSecurityInfoByKey0" },
}

local KEYLESS = {
  { key = "connections", name = "connections container", get = "FwpmConnectionGetSecurityInfo0" },
  { key = "ale_endpoints", name = "ALE endpoint container", get = "FwpsAleEndpointGetSecurityInfo0" },
}

-- An object record from a Get's (code, sd).
local function record(kind, key, name, code, sd)
  local o = { kind = kind, key = key, name = name }
  if code == 0 and sd then o.sd = sd else o.error = code end
  return o
end

--- observer(engine) -> a kernel-mode session with a SYSTEM token (closed by the caller).
function M.observer(engine)
  local s, err = engine:open { kernel_mode = true, name = "ntsec check observer",
    token = ntsec.token { user = "SY", groups = { "BA" } } }
  return assert(s, err)
end

--- list(engine, observer) -> every object: the engine root, the
-- containers, then the objects of each kind in the engine's order.
function M.list(engine, observer)
  local wfp = ntsec.wfp
  local out = { record("engine", nil, "engine", wfp.FwpmEngineGetSecurityInfo0(observer, ALL_SI)) }
  for _, k in ipairs(M.KINDS) do
    out[#out + 1] = record("container", k.list, k.list .. " container", wfp[k.get](observer, nil, ALL_SI))
  end
  for _, k in ipairs(KEYLESS) do
    out[#out + 1] = record("container", k.key, k.name, wfp[k.get](observer, ALL_SI))
  end
  for _, k in ipairs(M.KINDS) do
    for _, o in ipairs(engine[k.list](engine)) do
      local r = record(k.kind, o.key, o.name, wfp[k.get](observer, o.key, ALL_SI))
      r.provider = o.provider
      out[#out + 1] = r
    end
  end
  return out
end

--- label(object) -> "callout {key} (name)", "engine", "callouts container".
function M.label(o)
  if o.kind == "engine" or o.kind == "container" then return o.name end
  return ("%s %s%s"):format(o.kind, o.key, o.name and (" (" .. o.name .. ")") or "")
end

return M
