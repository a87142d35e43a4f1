--- ntsec.cli.check: `ntsec check STATE.xml... --rules RULES.lua|builtin
-- [--security FILE.json] [--policy POLICY.lua] [--format text|json|junit|sarif|html] [--output FILE]
-- [-j N]` (docs/check.md). Exit 0 when every rule holds, 1 when a finding is
-- reported, 2 on bad input (one line on stderr). Several dumps: each is
-- checked in its own process, N at a time (ntsec.fleet), and the report ends
-- with a per-machine summary; exit 2 when any dump is bad input, else 1 when
-- any machine has a finding, else 0.

local M = {}

local FORMATS = { "text", "json", "junit", "sarif", "html" }

--- define(cmd): adds the check arguments to an argparse command.
function M.define(cmd)
  cmd:description("Load a `netsh wfp show state` dump, optionally run a policy, then run rules over the"
    .. " engine: exit 0 when every rule holds, 1 on a finding, 2 on bad input.")
  cmd:argument("state", "The netsh wfp show state XML file(s); several: one machine each."):args("+")
  cmd:option("--rules", "The rule file (Lua), or 'builtin' for the built-in rules alone."):args(1):count(1)
  cmd:option("--security", "Object descriptors exported on the machine (docs/security-file.md)."):args(1)
  cmd:option("--policy", "A policy script run on the engine before the rules (as for audit)."):args(1)
  cmd:option("--format", "Output format."):choices(FORMATS):default("text")
  cmd:option("--output", "Write the report to this file instead of stdout."):args(1)
  cmd:option("-j --jobs", "Check up to N dumps at once, each in its own process."):args(1):default("1")
end

local function write_report(text, path)
  if not path then io.write(text) return true end
  local f, oerr = io.open(path, "wb")
  if not f then return nil, oerr end
  f:write(text)
  f:close()
  return true
end

-- Many dumps: ntsec.fleet, one document in the format chosen.
local function run_fleet(args, ctx)
  local formats = require("ntsec.rules.formats")
  local jobs = math.tointeger(tonumber(args.jobs))
  if not jobs or jobs < 1 then return nil, ("-j: '%s' is not a positive number of workers"):format(args.jobs) end
  local fleet = require("ntsec.fleet").run { states = args.state, rules = args.rules, policy = args.policy,
    jobs = jobs, root = ctx and ctx.root }
  local ok, err = write_report(formats["fleet_" .. args.format](fleet), args.output)
  if not ok then return nil, err end
  return fleet.exit
end

--- run(args[, ctx]) -> 0 | 1 (| 2 for a fleet with a bad dump), or nil,
-- message (exit 2).
function M.run(args, ctx)
  local check, formats = require("ntsec.check"), require("ntsec.rules.formats")
  if args.rules ~= "builtin" then
    local f, err = io.open(args.rules, "rb")
    if not f then return nil, "rules: " .. tostring(err) end
    f:close()
  end
  if #args.state > 1 then
    if args.security then return nil, "--security applies to one dump (each machine has its own exported descriptors)" end
    return run_fleet(args, ctx)
  end
  local result, err = check.run { state = args.state[1], rules = args.rules, policy = args.policy,
                                    security = args.security }
  if not result then return nil, err end
  local ok, werr = write_report(formats[args.format](result), args.output)
  if not ok then return nil, werr end
  return check.exit_code(result)
end

return M
