--- ntsec.cli: the `ntsec` command line (docs/cli.md).
--
-- `bin/ntsec` only sets the module paths and calls `main`. The arguments are
-- parsed with lua-argparse; each command is one module `ntsec.cli.NAME`
-- with `define(command)` (adds its arguments and options to an argparse
-- command) and `run(args, ctx) -> exit code | nil, message`.
--
-- Exit codes: 0 success; 1 the command ran but found a failure (an SDDL line
-- that did not parse, a report that is incomplete); 2 a usage error or a
-- user mistake (bad option, bad SID, a policy that fails), reported as one
-- line on stderr, `ntsec: ...`, with a traceback only under `--debug`.

local argparse = require("argparse")

local M = {}

--- The commands in help order: name (module ntsec.cli.NAME) and one-line summary.
M.COMMANDS = {
  { name = "audit", summary = "Load a netsh wfp dump, run a policy, report who may do what." },
  { name = "check", summary = "Run rules over a netsh wfp dump: exit 0 when they hold, 1 on a finding." },
  { name = "classify", summary = "Classify a flow against a netsh wfp dump's filters: permit or block, by which filter." },
  { name = "explain", summary = "Explain an access check: what a token gets from a descriptor, ACE by ACE." },
  { name = "diff", summary = "Compare two netsh wfp dumps: objects, descriptors and access that differ." },
  { name = "sddl", summary = "Convert SDDL lines to canonical SDDL and self-relative bytes, or back." },
  { name = "test", summary = "Run busted specs under Lua 5.4 with ntsec on the path." },
  { name = "repl", summary = "Interactive Lua 5.4 with ntsec loaded (the default)." },
}

local function version()
  return require("ntsec")._VERSION
end

--- parser() -> the argparse parser of the whole tool, every command defined.
function M.parser()
  local p = argparse("ntsec", "Windows security semantics (SDDL, access checks, WFP and KS) on Linux.")
    :epilog("Run 'ntsec COMMAND --help' for a command's options. Documentation: docs/cli.md.")
    :require_command(false)
    :command_target("command")
  p:flag("--version", "Print the version and exit."):action(function()
    print(version())
    os.exit(0)
  end)
  p:flag("--debug", "Show a Lua traceback with errors.")
  for _, c in ipairs(M.COMMANDS) do
    local cmd = p:command(c.name)
    require("ntsec.cli." .. c.name).define(cmd)
    cmd:summary(c.summary)
  end
  return p
end

-- One line for a usage error, with a hint to the help of the command the
-- arguments name, if any.
local function usage_line(msg, argv)
  local hint = "ntsec --help"
  for _, a in ipairs(argv) do
    for _, c in ipairs(M.COMMANDS) do
      if a == c.name then hint = "ntsec " .. a .. " --help" break end
    end
  end
  return ("ntsec: %s (see '%s')"):format(msg, hint)
end

--- message_of(err) -> one line: the first line of a string error, or a
-- description of a non-string error value.
function M.message_of(err)
  if type(err) == "string" then return (err:match("^[^\n]*")) end
  local mt = getmetatable(err)
  if mt and mt.__tostring then return (tostring(err):match("^[^\n]*")) end
  return ("error value of type %s (no message)"):format(type(err))
end

-- Runs one command's `run`, turning a raised error into one line (the
-- traceback only with --debug) and nil, message into exit 2.
local function run_command(mod, args, ctx)
  local tb
  local ok, code, msg = xpcall(mod.run, function(e)
    tb = debug.traceback(type(e) == "string" and e or M.message_of(e), 2)
    return e
  end, args, ctx)
  if not ok then
    io.stderr:write("ntsec: ", args.debug and tb or M.message_of(code), "\n")
    return 2
  end
  if code == nil then
    io.stderr:write("ntsec: ", msg and (args.debug and msg or M.message_of(msg)) or "failed", "\n")
    return 2
  end
  return code
end

--- main(argv[, ctx]) -> exit code. argv is the script's `arg`; ctx =
-- {root = project directory, build = build directory name} for `ntsec test`.
function M.main(argv, ctx)
  argv = { table.unpack(argv or {}) }
  ctx = ctx or {}
  -- `ntsec test` passes every argument after it to busted unparsed.
  if argv[1] == "test" then
    return run_command(require("ntsec.cli.test"), { argv = { table.unpack(argv, 2) } }, ctx)
  end
  local ok, args = M.parser():pparse(argv)
  if not ok then
    io.stderr:write(usage_line(args, argv), "\n")
    return 2
  end
  return run_command(require("ntsec.cli." .. (args.command or "repl")), args, ctx)
end

return M
