--- ntsec.audit: the main job. Loads a `netsh wfp show state` dump into an
-- emulated engine, runs a policy script against it, and collects what the
-- report needs: import counts, every get/set-security call the policy made
-- (target, status, descriptor before and after) and the access each
-- principal has afterwards on the callouts container, each callout, the
-- connections container and the ALE-endpoint container.
--
-- The policy is a Lua chunk run with globals `ntsec`, `engine` and
-- `import` (the import summary) on top of the standard globals; it may
-- return a table {principals = {"SY", "S-1-5-21-...", ...}} to choose whose
-- access is reported (default: SY, BA, BU, WD and the session SIDs of the dump).

local ntsec = require("ntsec")
local netsh = require("ntsec.netsh")

local M = {}

local ALL_SI = ntsec.OWNER_SECURITY_INFORMATION | ntsec.GROUP_SECURITY_INFORMATION
    | ntsec.DACL_SECURITY_INFORMATION | ntsec.SACL_SECURITY_INFORMATION

-- Labels of the kind table (core.wfp.kinds): "callout", "connections container", ...
local LABELS = {}
for _, row in ipairs(require("ntsec.core").wfp.kinds) do
  LABELS[row.name] = { label = row.label, keyed = row.ops.security_by_key }
end

local function is_null_key(key)
  return key == nil or key:gsub("[{}%-0]", "") == ""
end

local function target_label(ev)
  local spec = LABELS[ev.kind]
  if not spec.keyed then return spec.label end
  if is_null_key(ev.key) then return spec.label .. "s container" end
  return spec.label .. " " .. ev.key
end

-- Records every get/set-security call on the engine through its C observer
-- (engine:observe): whichever path the policy takes (faithful function,
-- version-less alias, idiomatic target, a saved function reference), the
-- engine reports it. Returns the undo function.
local function install_recorder(calls, engine)
  engine:observe(function(ev)
    calls[#calls + 1] = {
      ["function"] = ev.name, target = target_label(ev), status = ev.status,
      kernel = ev.kernel, before = ev.before and ev.before:sddl(),
      after = ev.after and ev.after:sddl(),
    }
  end)
  return function() engine:observe(nil) end
end

local function run_policy(path, env)
  local chunk, err = loadfile(path, "t", env)
  if not chunk then return nil, err end
  local ok, result = xpcall(chunk, debug.traceback)
  if not ok then return nil, result end
  return result == nil and {} or result
end

-- Default principals: SY, BA, BU, WD, then each distinct session SID.
local function default_principals(sessions)
  local list, seen = { "SY", "BA", "BU", "WD" }, {}
  for _, p in ipairs(list) do seen[tostring(ntsec.sid(p))] = true end
  for _, s in ipairs(sessions) do
    local sid = s.sid and ntsec.sid(s.sid)
    if sid and not seen[tostring(sid)] then
      seen[tostring(sid)] = true
      list[#list + 1] = s.sid
    end
  end
  return list
end

-- Objects whose access is reported: label and how to read their descriptor.
local function access_objects(engine, observer)
  local wfp = ntsec.wfp
  local objects = {
    { "callouts container", function() return wfp.FwpmCalloutGetSecurityInfoByKey0(observer, nil, ALL_SI) end },
  }
  for _, c in ipairs(engine:callouts()) do
    objects[#objects + 1] = { "callout " .. c.key,
      function() return wfp.FwpmCalloutGetSecurityInfoByKey0(observer, c.key, ALL_SI) end }
  end
  objects[#objects + 1] = { "connections container", function() return wfp.FwpmConnectionGetSecurityInfo0(observer, ALL_SI) end }
  objects[#objects + 1] = { "ALE endpoint container", function() return wfp.FwpsAleEndpointGetSecurityInfo0(observer, ALL_SI) end }
  return objects
end

--- The token a principal is evaluated with: the principal as user plus
-- Everyone (every Windows logon token carries S-1-1-0). A documented choice
-- (docs/audit.md): group memberships of real accounts are not in the dump.
function M.principal_token(principal)
  return ntsec.token { user = principal, groups = { "WD" } }
end

local function access_matrix(engine, observer, principals)
  local rows = {}
  local objects = access_objects(engine, observer)
  for _, p in ipairs(principals) do
    local token = M.principal_token(p)
    for _, obj in ipairs(objects) do
      local code, sd = obj[2]()
      local granted = 0
      if code == 0 and sd then granted = ntsec.access_check(sd, token, ntsec.MAXIMUM_ALLOWED, "fwpm") end
      rows[#rows + 1] = { principal = p, object = obj[1], granted = granted }
    end
  end
  return rows
end

--- audit.run{state = path, policy = path} -> result, or nil, message.
-- result = {imported = {sessions=, providers=, sublayers=, callouts=, filters=,
-- endpoints=}, skipped = {...}, provider_contexts = N, calls = {...},
-- access = {{principal=, object=, granted=}}, principals = {...}}.
function M.run(opts)
  local engine = ntsec.wfp.engine()
  local summary, err = netsh.import_file(engine, opts.state)
  if not summary then return nil, err end
  local observer = assert(engine:open { kernel_mode = true, name = "ntsec audit observer",
    txn_timeout_ms = 1, token = ntsec.token { user = "SY", groups = { "BA" } } })
  local calls = {}
  local restore = install_recorder(calls, engine)
  local env = setmetatable({ ntsec = ntsec, engine = engine, import = summary }, { __index = _G })
  local policy, perr = run_policy(opts.policy, env)
  restore()
  if not policy then return nil, "policy failed: " .. tostring(perr) end
  local principals = policy.principals or default_principals(summary.records.sessions)
  local result = {
    imported = summary.counts, skipped = summary.skipped, provider_contexts = summary.provider_contexts,
    calls = calls, principals = principals, access = access_matrix(engine, observer, principals),
  }
  observer:close()
  return result
end

return M
