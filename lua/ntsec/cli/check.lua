--- ntsec.cli.check: `ntsec check STATE.xml --rules RULES.lua|builtin
-- [--security FILE.json] [--policy POLICY.lua] [--format text|json|junit|sarif] [--output FILE]`
-- (docs/check.md). Exit 0 when every rule holds, 1 when a finding is
-- reported, 2 on bad input (one line on stderr).

local M = {}

local FORMATS = { "text", "json", "junit", "sarif" }

--- define(cmd): adds the check arguments to an argparse command.
function M.define(cmd)
  cmd:description("Load a `netsh wfp show state` dump, optionally run a policy, then run rules over the"
    .. " engine: exit 0 when every rule holds, 1 on a finding, 2 on bad input.")
  cmd:argument("state", "The netsh wfp show state XML file.")
  cmd:option("--rules", "The rule file (Lua), or 'builtin' for the built-in rules alone."):args(1):count(1)
  cmd:option("--security", "Object descriptors exported on the machine (docs/security-file.md)."):args(1)
  cmd:option("--policy", "A policy script run on the engine before the rules (as for audit)."):args(1)
  cmd:option("--format", "Output format."):choices(FORMATS):default("text")
  cmd:option("--output", "Write the report to this file instead of stdout."):args(1)
end

--- run(args) -> 0 | 1, or nil, message (exit 2).
function M.run(args)
  local check, formats = require("ntsec.check"), require("ntsec.rules.formats")
  if args.rules ~= "builtin" then
    local f, err = io.open(args.rules, "rb")
    if not f then return nil, "rules: " .. tostring(err) end
    f:close()
  end
  local result, err = check.run { state = args.state, rules = args.rules, policy = args.policy,
                                    security = args.security }
  if not result then return nil, err end
  local text = formats[args.format](result)
  if args.output then
    local f, oerr = io.open(args.output, "wb")
    if not f then return nil, oerr end
    f:write(text)
    f:close()
  else
    io.write(text)
  end
  return check.exit_code(result)
end

return M
