--- ntsec.audit: the main job. Loads a `netsh wfp show state` dump into an
-- emulated engine, runs a policy script against it, and collects what the
-- report needs: import counts, every get/set-security call the policy made
-- (target, status, descriptor before and after) and the access each
-- principal has afterwards on the callouts container, each callout, the
-- connections container and the ALE-endpoint container.
--
-- The policy is a Lua chunk run with globals `ntsec`, `engine` and
-- `import` (the import summary) on top of the standard globals; its `print`
-- and `io.write` go to stderr (opts.policy_output), so that stdout carries
-- only the report. It may return a table {principals = {...}} of profile
-- names, SIDs and tokens to choose whose access is reported (default: the
-- profiles of ntsec.principals and the session SIDs of the dump).
--
-- A descriptor read that fails (the policy left a transaction open, stopped
-- the engine, ...) is recorded in result.failed_reads with its status and
-- never turned into a mask: the report marks the cells as failed and
-- ntsec.report.exit_code says the report is incomplete.

local ntsec = require("ntsec")
local netsh = require("ntsec.netsh")
local progress = require("ntsec.progress")
local principals_mod = require("ntsec.principals")
local errors = require("ntsec.errors")

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

-- A failed read as the report shows it: the status the observer (a kernel
-- session, so an NTSTATUS) got and its catalogue name.
local function read_failure(code)
  if math.type(code) ~= "integer" then
    return { status = -1, status_name = "no status (" .. tostring(code) .. ")" }
  end
  return { status = code, status_name = errors.new(code, nil, "NTSTATUS").name }
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

-- Sends print and io.write to `out` (a file) until the returned function is
-- called: the policy's env reads print from _G, so both the policy and the
-- modules it calls are redirected; io.stdout:write is not (docs/audit.md).
local function redirect_output(out)
  local saved_print, saved_output = _G.print, io.output()
  _G.print = function(...)
    local parts = table.pack(...)
    for i = 1, parts.n do parts[i] = tostring(parts[i]) end
    out:write(table.concat(parts, "\t", 1, parts.n), "\n")
  end
  io.output(out)
  return function()
    _G.print = saved_print
    io.output(saved_output)
  end
end

local function run_policy(path, env, out)
  local chunk, err = loadfile(path, "t", env)
  if not chunk then return nil, err end
  local restore = redirect_output(out or io.stderr)
  local ok, result = xpcall(chunk, debug.traceback)
  restore()
  if not ok then return nil, result end
  return result == nil and {} or result
end

-- Default principals: the profiles of ntsec.principals, then each distinct
-- session SID of the dump that no profile stands for.
local function default_principals(sessions)
  local sids = {}
  for _, s in ipairs(sessions) do sids[#sids + 1] = s.sid end
  return principals_mod.defaults(sids)
end

-- The principals' labels and tokens (ntsec.principals.resolve); nil, message
-- for an entry that is no profile name, SID or token.
local function resolve_principals(list)
  local labels, tokens = {}, {}
  for i, p in ipairs(list) do
    local label, token = principals_mod.resolve(p)
    if not label then return nil, ("principals[%d]: %s"):format(i, token) end
    labels[i], tokens[i] = label, token
  end
  return labels, tokens
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

--- The token a principal is evaluated with (a profile name, SID or token):
-- ntsec.principals.resolve (docs/principals.md). Raises for anything else.
function M.principal_token(principal)
  local label, token = principals_mod.resolve(principal)
  if not label then error(token, 2) end
  return token
end

-- Masks granted to each token by the descriptor a Get returned (code, sd),
-- memoised by the descriptor's bytes; a failed read grants no mask at all:
-- it returns nil, read_failure(code).
local function granted_by(cache, tokens, code, sd)
  if code ~= 0 or not sd then return nil, read_failure(code) end
  local key = sd:bytes()
  local granted = cache[key]
  if granted then return granted end
  granted = {}
  for i, token in ipairs(tokens) do
    granted[i] = ntsec.access_check(sd, token, ntsec.MAXIMUM_ALLOWED, "fwpm")
  end
  cache[key] = granted
  return granted
end

-- The access matrix, principal-major like the report's rows (result.access):
-- rows {principal=, object=, granted=mask} or, for an object whose
-- descriptor could not be read, {principal=, object=, failed={status=,
-- status_name=}}; each failed object is also appended to failed_reads.
-- One descriptor read per object; each distinct descriptor (by its bytes:
-- the engine shares equal descriptors, and thousands of callouts carry the
-- default one) is checked once per principal token under the one mapping,
-- so the work is linear in objects x principals and the checks are
-- distinct descriptors x principals. make_progress(n_objects) (optional)
-- returns the display that is told the objects done.
local function access_matrix(engine, observer, labels, tokens, failed_reads, make_progress)
  local objects = access_objects(engine, observer)
  local shown = make_progress and make_progress(#objects)
  local cache, per_object, failed = {}, {}, {}
  for o, obj in ipairs(objects) do
    per_object[o], failed[o] = granted_by(cache, tokens, obj[2]())
    if failed[o] then
      failed_reads[#failed_reads + 1] = { object = obj[1], during = "access check",
                                          status = failed[o].status, status_name = failed[o].status_name }
    end
    if shown then shown:update(o) end
  end
  local rows = {}
  for i, p in ipairs(labels) do
    for o, obj in ipairs(objects) do
      rows[#rows + 1] = { principal = p, object = obj[1], granted = per_object[o] and per_object[o][i],
                          failed = failed[o] }
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

--- audit.run{state = path, policy = path[, progress = bool][, policy_output = file]}
-- -> result, or nil, message.
-- progress: draw import and access-check progress on stderr (default: when
-- stderr is a terminal and the dump is large, ntsec.progress.wanted).
-- policy_output: where the policy's print and io.write go (default io.stderr).
-- result = {imported = {sessions=, providers=, sublayers=, callouts=, filters=,
-- endpoints=}, skipped = {{kind=, key=, line=, error=}}, provider_contexts = N,
-- calls = {{function=, target=, status=, kernel=, before=, after=}}, access = {{principal=, object=, granted=
-- | failed={status=, status_name=}}}, principals = {labels},
-- tokens = {label = token}, failed_reads = {{object=, during=, status=,
-- status_name=}}}.
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
  local policy, perr = run_policy(opts.policy, env, opts.policy_output)
  restore()
  if not policy then return nil, "policy failed: " .. tostring(perr) end
  local labels, tokens = resolve_principals(policy.principals or default_principals(summary.records.sessions))
  if not labels then return nil, "policy failed: " .. opts.policy .. ": " .. tokens end
  local failed_reads = {}
  local result = {
    imported = summary.counts, skipped = summary.skipped, provider_contexts = summary.provider_contexts,
    calls = calls, principals = labels, tokens = {}, failed_reads = failed_reads,
    access = access_matrix(engine, observer, labels, tokens, failed_reads, shown and shown.access),
  }
  for i, label in ipairs(labels) do result.tokens[label] = tokens[i] end
  local section, ferr = require("ntsec.audit_flows").run(engine, labels, tokens, policy.flows)
  if not section then observer:close(); return nil, "policy failed: " .. opts.policy .. ": " .. ferr end
  result.classification = section -- docs/audit.md "Filters and flows per principal"
  observer:close()
  return result
end

return M
