--- ntsec.cli.audit: `ntsec audit STATE.xml --policy POLICY.lua [--security FILE.json]
-- [--format text|json|html]`
-- (docs/audit.md for the report, docs/cli.md for the errors).
--
-- The audit itself is ntsec.audit and ntsec.report; this module only turns
-- the user's mistakes into one line naming the file and what is wrong: an
-- unreadable or malformed dump, a policy that does not load, raises (also a
-- non-string error value), returns something other than nil or a table,
-- names a principal that is no SID, or leaves the engine unusable.

local M = {}

--- define(cmd): adds the audit arguments to an argparse command
-- (`state`, `--policy FILE` required, `--security FILE`, `--format text|json|html`).
function M.define(cmd)
  cmd:description("Load a `netsh wfp show state` dump into an emulated engine, run a policy script"
    .. " against it and report what it wrote and read, who may do what before and after, every object"
    .. " it changed (by a call or by inheritance propagation), where each descriptor comes from, and the"
    .. " policy's findings (exit 1 on a finding).")
  cmd:argument("state", "The netsh wfp show state XML file.")
  cmd:option("--policy", "The policy script (Lua; globals ntsec, engine, import, report).")
    :args(1):count(1)
  cmd:option("--security", "Object descriptors exported on the machine (JSON, docs/security-file.md),"
    .. " overlaid after the import and before the policy."):args(1)
  cmd:option("--format", "Report format (html: one self-contained page, docs/audit.md)."):choices({ "text", "json", "html" })
    :default("text")
end

-- Where a non-string error value was raised: "path:line" of the innermost
-- frame of the policy file, or the policy path.
local function raise_site(path)
  for level = 3, 40 do
    local info = debug.getinfo(level, "Sl")
    if not info then break end
    if info.source == "@" .. path and info.currentline > 0 then
      return ("%s:%d"):format(path, info.currentline)
    end
  end
  return path
end

-- Checks what a policy returned: nil or a table whose `principals`, when
-- present, is a list of profile names, SIDs or tokens (ntsec.principals).
-- Returns nil, message.
local function check_result(path, result)
  if result == nil then return true end
  if type(result) ~= "table" then
    return nil, ("%s: the policy returned a %s (%s); it must return nil or a table {principals = {...}}")
      :format(path, type(result), tostring(result))
  end
  local principals = result.principals
  if principals == nil then return true end
  if type(principals) ~= "table" then
    return nil, ("%s: principals must be a list of SIDs, got a %s"):format(path, type(principals))
  end
  local resolve = require("ntsec.principals").resolve
  for i, p in ipairs(principals) do
    local label, err = resolve(p)
    if not label then
      return nil, ("%s: principals[%d] = %s is not a SID or SID alias, a profile name or a token (%s)")
        :format(path, i, type(p) == "string" and ("%q"):format(p) or tostring(p), tostring(err))
    end
  end
  return true
end

-- The audit reads the engine after the policy: a policy that closed it (or
-- broke it otherwise) is named here rather than failing inside ntsec.audit.
local function engine_usable(path, env)
  local engine = env and rawget(env, "engine")
  if engine == nil then return true end
  local ok, err = pcall(function() return engine:callouts() end)
  if ok then return true end
  return nil, ("%s: the policy left the engine unusable for the audit (%s)"):format(path,
    (tostring(err):gsub("^[^:]*:%d+: ", "")))
end

-- A loadfile that wraps the policy chunk so that its mistakes surface as
-- one message naming the policy: installed for the duration of the audit
-- only, because ntsec.audit loads the policy itself.
local function guarded_loadfile(policy, plain_loadfile)
  return function(path, mode, env)
    local chunk, err = plain_loadfile(path, mode, env)
    if not chunk or path ~= policy then return chunk, err end
    return function(...)
      local ok, result = xpcall(chunk, function(e)
        if type(e) == "string" then return debug.traceback(e, 2) end
        local mt = getmetatable(e)
        if mt and mt.__tostring then return ("%s: %s"):format(raise_site(path), tostring(e)) end
        return ("%s: the policy raised an error value of type %s (no message)"):format(raise_site(path), type(e))
      end, ...)
      if not ok then error(result, 0) end
      local valid, why = check_result(path, result)
      if not valid then error(why, 0) end
      valid, why = engine_usable(path, env)
      if not valid then error(why, 0) end
      return result
    end
  end
end

-- The one line for a failed policy (err.detail of an "audit:policy" or
-- "audit:principals" error): naming the policy, the traceback only with --debug.
local function policy_line(msg, args)
  msg = tostring(msg)
  if args.debug then return msg end
  if msg:sub(1, #args.policy) ~= args.policy then msg = "policy " .. args.policy .. ": " .. msg end
  return (msg:match("^[^\n]*"))
end

--- run(args) -> the exit code after printing the report (report.exit_code:
-- 1 for a finding or an incomplete report), or nil, message: one line
-- naming the dump, security file or policy and what is wrong (docs/cli.md).
function M.run(args)
  local audit, report = require("ntsec.audit"), require("ntsec.report")
  local f, oerr = io.open(args.state, "rb")
  if not f then return nil, oerr end
  f:close()
  local plain = loadfile
  _G.loadfile = guarded_loadfile(args.policy, plain)
  local ok, result, err = pcall(audit.run, { state = args.state, policy = args.policy, security = args.security })
  _G.loadfile = plain
  if not ok then
    return nil, ("audit of %s with policy %s failed: %s"):format(args.state, args.policy, policy_line(result, args))
  end
  if not result then
    local detail = err.detail or tostring(err)
    if err.op == "audit:policy" or err.op == "audit:principals" then return nil, policy_line(detail, args) end
    return nil, (detail:match("^[^\n]*"))
  end
  if args.format == "html" then
    io.write(require("ntsec.html").audit(result, { state = args.state, policy = args.policy }))
  elseif args.format == "json" then io.write(report.json(result), "\n")
  else io.write(report.text(result, { state = args.state, policy = args.policy })) end
  return report.exit_code(result)
end

return M
