--- ntsec.check: rules with a verdict over a `netsh wfp show state` dump
-- (docs/check.md).
--
-- `check.run{state=, rules=[, policy=]}` imports the dump into an emulated
-- engine, optionally runs a policy script on it (as `ntsec audit` does),
-- loads the rule file (or the built-in rules alone for rules = "builtin")
-- and runs every rule. The result lists the rules and their findings; the
-- formats are ntsec.rules.formats (text, json, junit, sarif).
--
-- A finding: {rule=, object={kind=, key=, name=}, principal={sid=, alias=}
-- | nil, rights={mask=, names={...}} | nil, aces={{sddl=, index=}...},
-- message=}.

local ntsec = require("ntsec")
local netsh = require("ntsec.netsh")
local builtin = require("ntsec.rules.builtin")
local objects = require("ntsec.rules.objects")
local rights = require("ntsec.rules.rights")

local M = {}

local FINDING_FIELDS = { rule = true, object = true, principal = true, rights = true, aces = true,
                         ace = true, message = true, trace = true }

-- Copies a table of options, raising on a field not in `allowed` (strict
-- option tables, lua_conventions.md 7).
local function strict(t, allowed, what)
  if type(t) ~= "table" then error(("%s: table expected, got %s"):format(what, type(t)), 3) end
  for k in pairs(t) do
    if not allowed[k] then error(("%s: unknown field '%s'"):format(what, tostring(k)), 3) end
  end
end

local function principal_of(p)
  if p == nil then return nil end
  if type(p) == "userdata" then p = tostring(p) end   -- an ntsec.sid
  local sid = type(p) == "string" and ntsec.sid(p)
  if not sid then error(("finding: principal %s is not a SID or SID alias"):format(tostring(p)), 4) end
  local text = tostring(sid)
  local alias = sid:sddl()
  return { sid = text, alias = alias ~= text and alias or nil }
end

-- The object of a finding: one of ctx.objects or a table {kind=, key=, name=}.
local function object_of(o)
  if type(o) ~= "table" or type(o.kind) ~= "string" then
    error("finding.object: a table {kind = string, key =, name =} expected", 4)
  end
  return { kind = o.kind, key = o.key, name = o.name }
end

local function aces_of(f)
  if f.aces then return f.aces end
  if f.ace then return { { sddl = tostring(f.ace) } } end
  return {}
end

-- The explain trace of a finding as a list of lines (nil when none).
local function trace_of(t)
  if t == nil then return nil end
  if type(t) == "table" and not getmetatable(t) then
    local out = {}
    for i, line in ipairs(t) do out[i] = tostring(line) end
    return out
  end
  local out = {}
  for line in (tostring(t) .. "\n"):gmatch("(.-)\n") do out[#out + 1] = line end
  if out[#out] == "" then out[#out] = nil end
  return out
end

--- finding(rule_id, spec) -> a normalised finding (raises on a bad spec).
-- spec = {object=, principal= (SID or alias), rights= (mask), aces= | ace=
-- (SDDL of one ACE), message=, rule= (overrides rule_id), trace= (the
-- explain trace: a string or a list of lines)}.
function M.finding(rule_id, f)
  strict(f, FINDING_FIELDS, "finding")
  if f.rights ~= nil and math.type(f.rights) ~= "integer" then error("finding: rights must be an integer mask", 3) end
  return {
    rule = f.rule or rule_id,
    object = f.object and object_of(f.object) or { kind = "engine", name = "engine" },
    principal = principal_of(f.principal),
    rights = f.rights and rights.rights(f.rights) or nil,
    aces = aces_of(f),
    message = f.message and tostring(f.message) or nil,
    trace = trace_of(f.trace),
  }
end

-- The context a rule runs with: engine, objects, the observer session and
-- finding{...} bound to the rule (also callable as a method).
local function context(state, rule_id)
  local ctx = { engine = state.engine, objects = state.objects, observer = state.observer, rule = rule_id }
  function ctx.finding(_, spec)
    if spec == nil then spec = _ end
    local f = M.finding(rule_id, spec)
    state.findings[#state.findings + 1] = f
    return f
  end
  return ctx
end

local function merged_params(rule, params)
  local out = {}
  for k, v in pairs(rule.params) do out[k] = v end
  if params == nil then return out end
  strict(params, setmetatable({}, { __index = function(_, k) return rule.params[k] ~= nil or k == rule.needs end }),
    "rule " .. rule.id .. " parameters")
  for k, v in pairs(params) do out[k] = v end
  return out
end

-- Adds a rule entry {id=, description=, source=, run=(ctx)} once per id.
local function add_rule(state, entry)
  if state.seen[entry.id] then error(("rule '%s' is defined twice"):format(entry.id), 3) end
  state.seen[entry.id] = true
  state.rules[#state.rules + 1] = entry
end

local function use_builtin(state, id, params)
  local rule = builtin.BY_ID[id]
  if not rule then error(("unknown built-in rule '%s' (known: %s)"):format(tostring(id), M.builtin_ids()), 3) end
  local entry = { id = id, description = rule.description, source = rule.source, builtin = true }
  entry.params = merged_params(rule, params)
  entry.run = function(ctx) return rule.run(ctx, entry.params) end
  add_rule(state, entry)
  -- builtin "id" { params }: the call form sets the parameters afterwards.
  return function(more) entry.params = merged_params(rule, more) end
end

local RULE_FIELDS = { id = true, description = true, check = true, source = true }

local function use_custom(state, spec, fn)
  if type(spec) == "string" then spec = { id = spec, check = fn } end
  strict(spec, RULE_FIELDS, "rule")
  if type(spec.id) ~= "string" or type(spec.check) ~= "function" then
    error("rule{id = string, check = function(ctx) ... end} expected", 3)
  end
  add_rule(state, { id = spec.id, description = spec.description or spec.id, source = spec.source or state.rules_path,
                    run = spec.check })
end

--- builtin_ids() -> "id, id, ..." of the built-in rules.
function M.builtin_ids()
  local ids = {}
  for _, r in ipairs(builtin.RULES) do ids[#ids + 1] = r.id end
  return table.concat(ids, ", ")
end

-- Every built-in rule that needs no parameter (the KS rule needs a device).
local function all_builtins(state)
  for _, r in ipairs(builtin.RULES) do
    if not r.needs then use_builtin(state, r.id) end
  end
end

-- "path:line" of the innermost frame running the file at path, or path.
local function site(path)
  for level = 3, 60 do
    local info = debug.getinfo(level, "Sl")
    if not info then break end
    if info.source == "@" .. path and info.currentline > 0 then return ("%s:%d"):format(path, info.currentline) end
  end
  return path
end

-- A message handler naming the line of the file at path that failed, also
-- when the error was raised inside ntsec (a bad parameter, an unknown rule).
local function located(path)
  return function(e)
    local text = type(e) == "string" and e or ("%s (a %s raised)"):format(tostring(e), type(e))
    if not path or text:sub(1, #path + 1) == path .. ":" then return text end
    local where = site(path)
    if where == path then return text end
    return ("%s: %s"):format(where, (text:gsub("^[^\n]-%.lua:%d+: ", "")))
  end
end

local function run_file(path, env, what)
  local chunk, err = loadfile(path, "t", env)
  if not chunk then return nil, ("%s %s"):format(what, err) end
  local ok, rerr = xpcall(chunk, located(path))
  if not ok then return nil, ("%s %s"):format(what, tostring(rerr)) end
  return true
end

local function rules_env(state)
  local env = { ntsec = ntsec, engine = state.engine, objects = state.objects, rules = builtin }
  env.builtin = function(id, params) return use_builtin(state, id, params) end
  env.rule = function(spec, fn) return use_custom(state, spec, fn) end
  env.report = context(state, "rules-file")
  return setmetatable(env, { __index = _G })
end

local function import(engine, path)
  local f, oerr = io.open(path, "rb")
  if not f then return nil, oerr end
  f:close()
  local summary, err = netsh.import_file(engine, path)
  if not summary then
    err = tostring(err)
    return nil, err:sub(1, #path) == path and err or (path .. ": " .. err)
  end
  return summary
end

--- run{state=, rules=[, policy=][, engine=][, security=]} -> result | nil, message.
-- security: a security file (docs/security-file.md) overlaid after the import.
-- state: dump path (or engine: an engine already loaded); rules: a rule
-- file path or "builtin"; policy: a policy script run before the rules
-- (globals ntsec, engine). result = {state=, rules={{id=, description=,
-- source=, findings=N}}, findings={...}, objects=N}. A message names the
-- file and what is wrong (exit 2 in the CLI).
function M.run(opts)
  strict(opts, { state = true, rules = true, policy = true, engine = true, security = true }, "check.run")
  local engine = opts.engine
  if not engine then
    engine = ntsec.wfp.engine()
    local ok, err = import(engine, opts.state)
    if not ok then return nil, err end
  end
  if opts.security then   -- docs/security-file.md: overlaid before the policy
    local ok, err = require("ntsec.security_file").apply_file(engine, opts.security)
    if not ok then return nil, err.detail end
  end
  local policy_findings = {}   -- a policy's report:finding{...} counts like a rule's (docs/audit.md)
  if opts.policy then
    local env = setmetatable({ ntsec = ntsec, engine = engine,
                               report = require("ntsec.audit").policy_report(policy_findings) }, { __index = _G })
    local ok, err = run_file(opts.policy, env, "policy")
    if not ok then return nil, err end
  end
  local observer = objects.observer(engine)
  local state = { engine = engine, observer = observer, objects = objects.list(engine, observer),
                  rules = {}, seen = {}, findings = policy_findings, rules_path = opts.rules }
  local ok, err = true, nil
  if opts.rules == "builtin" then all_builtins(state)
  else ok, err = run_file(opts.rules, rules_env(state), "rules") end
  if ok then ok, err = M.run_rules(state) end
  if ok then M.report_unreadable(state) end
  observer:close()
  if not ok then return nil, err end
  return M.result(state, opts.state)
end

--- run_rules(state) -> true | nil, message (a rule that raised).
function M.run_rules(state)
  for _, r in ipairs(state.rules) do
    local ok, err = xpcall(r.run, located(state.rules_path ~= "builtin" and state.rules_path or nil),
      context(state, r.id))
    if not ok then return nil, ("rule %s failed: %s"):format(r.id, tostring(err)) end
  end
  return true
end

--- report_unreadable(state): a finding of rule "object-unreadable" for
-- every object whose descriptor could not be read (objects.list keeps
-- {error = code}); rules skip such objects, so the report never counts them
-- as holding.
function M.report_unreadable(state)
  local errors = require("ntsec.errors")
  for _, o in ipairs(state.objects) do
    if o.error then
      local err = errors.new(o.error, "get security", "NTSTATUS")
      state.findings[#state.findings + 1] = M.finding("object-unreadable", { object = o,
        message = ("reading its descriptor failed: %s; no rule checked it"):format(tostring(err)) })
    end
  end
end

--- result(state, state_path) -> the result table (rules with their counts).
function M.result(state, path)
  local counts = {}
  for _, f in ipairs(state.findings) do counts[f.rule] = (counts[f.rule] or 0) + 1 end
  local list = {}
  for _, r in ipairs(state.rules) do
    list[#list + 1] = { id = r.id, description = r.description, source = r.source, findings = counts[r.id] or 0 }
  end
  -- Findings under an id no rule carries (report:finding{rule = ...} or the
  -- rule file's own) get a row of their own.
  for _, f in ipairs(state.findings) do
    if not state.seen[f.rule] then
      state.seen[f.rule] = true
      list[#list + 1] = { id = f.rule, description = "Findings reported by the rule file (report:finding{...}).",
                          source = state.rules_path, findings = counts[f.rule] }
    end
  end
  return { state = path, rules = list, findings = state.findings, objects = #state.objects }
end

--- exit_code(result) -> 0 (every rule holds) | 1 (a finding).
function M.exit_code(result)
  return #result.findings > 0 and 1 or 0
end

return M
