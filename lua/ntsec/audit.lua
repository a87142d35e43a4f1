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
local progress = require("ntsec.progress")

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
  -- A policy may have closed the engine; the CLI then names that mistake.
  return function() if ntsec.type(engine) == "engine" then engine:observe(nil) end end
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

-- Masks granted to each token by the descriptor a Get returned (code, sd),
-- memoised by the descriptor's bytes; a failed read grants nothing.
local function granted_by(cache, tokens, code, sd)
  local key = code == 0 and sd and sd:bytes() or false
  local granted = cache[key]
  if granted then return granted end
  granted = {}
  for i, token in ipairs(tokens) do
    granted[i] = key and ntsec.access_check(sd, token, ntsec.MAXIMUM_ALLOWED, "fwpm") or 0
  end
  cache[key] = granted
  return granted
end

-- The access matrix, principal-major like the report's rows (result.access).
-- One descriptor read per object; each distinct descriptor (by its bytes:
-- the engine shares equal descriptors, and thousands of callouts carry the
-- default one) is checked once per principal token under the one mapping,
-- so the work is linear in objects x principals and the checks are
-- distinct descriptors x principals. make_progress(n_objects) (optional)
-- returns the display that is told the objects done.
local function access_matrix(engine, observer, principals, make_progress)
  local objects = access_objects(engine, observer)
  local shown = make_progress and make_progress(#objects)
  local tokens = {}
  for i, p in ipairs(principals) do tokens[i] = M.principal_token(p) end
  local cache, per_object = {}, {}
  for o, obj in ipairs(objects) do
    per_object[o] = granted_by(cache, tokens, obj[2]())
    if shown then shown:update(o) end
  end
  local rows = {}
  for i, p in ipairs(principals) do
    for o, obj in ipairs(objects) do
      rows[#rows + 1] = { principal = p, object = obj[1], granted = per_object[o][i] }
    end
  end
  if shown then shown:finish(#objects) end
  return rows
end

-- Progress displays for a run (ntsec.progress): only for a large input when
-- stderr is a terminal, unless opts.progress forces it (true) or off (false).
local function progress_for(opts)
  local f = io.open(opts.state, "rb")
  local size = f and f:seek("end")
  if f then f:close() end
  local on = opts.progress
  if on == nil then on = progress.wanted(size) end
  if not on then return nil end
  return {
    import = progress.new { label = "importing " .. opts.state, total = size, unit = "bytes", enabled = true },
    access = function(n) return progress.new { label = "access checks", total = n, unit = "objects", enabled = true } end,
  }
end

--- audit.run{state = path, policy = path[, progress = bool]} -> result, or nil, message.
-- progress: draw import and access-check progress on stderr (default: when
-- stderr is a terminal and the dump is large, ntsec.progress.wanted).
-- result = {imported = {sessions=, providers=, sublayers=, callouts=, filters=,
-- endpoints=}, skipped = {...}, provider_contexts = N, calls = {...},
-- access = {{principal=, object=, granted=}}, principals = {...}}.
function M.run(opts)
  local engine = ntsec.wfp.engine()
  local shown = progress_for(opts)
  local summary, err = netsh.import_file(engine, opts.state, {
    on_bytes = shown and function(done) shown.import:update(done) end })
  if shown then shown.import:finish() end
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
    calls = calls, principals = principals,
    access = access_matrix(engine, observer, principals, shown and shown.access),
  }
  observer:close()
  return result
end

return M
