--- ntsec.cli.test: `ntsec test [busted options] SPEC...` runs busted specs
-- under Lua 5.4 with ntsec on the module path (docs/cli.md). Every argument
-- goes to busted unchanged; Debian's `busted` script would pick Lua 5.1.
-- The exit code is busted's.
-- @module ntsec.cli.test

local M = {}

local USAGE = [[
Usage: ntsec test [-h] [busted options] SPEC...

Run busted specs under Lua 5.4 with ntsec on the module path (package.path
and package.cpath point at this ntsec). Every argument is passed to busted
unchanged (see 'busted --help' for its options, e.g. -o TAP, --filter=PAT).
]]

--- define(cmd): the `test` command takes every argument unparsed
-- (handle_options false), for busted. cmd is the argparse command object;
-- -> nothing (cmd is changed in place). Errors: none. Source: docs/cli.md.
function M.define(cmd)
  cmd:description("Run busted specs under Lua 5.4 with ntsec on the path; every argument goes to busted.")
  cmd:handle_options(false)
  cmd:argument("busted_args", "busted options and spec files."):args("*")
end

local function quote(s)
  return "'" .. s:gsub("'", "'\\''") .. "'"
end

-- The busted script to run: $NTSEC_BUSTED or Debian's /usr/bin/busted.
local function busted_script()
  return os.getenv("NTSEC_BUSTED") or "/usr/bin/busted"
end

--- command(argv, ctx) -> the shell command that runs busted (a string, for
-- the docs and the spec): LUA_PATH_5_4 / LUA_CPATH_5_4 put ntsec first, `;;`
-- keeps the default paths. argv: the busted arguments (strings, each quoted
-- for sh); ctx: { root = ntsec's directory (default "."), build = its build
-- directory relative to root (default "build") }. Errors: none.
-- Source: docs/cli.md.
function M.command(argv, ctx)
  local root, build = ctx.root or ".", ctx.build or "build"
  local lpath = ("%s/lua/?.lua;%s/lua/?/init.lua;;"):format(root, root)
  local cpath = ("%s/%s/?.so;;"):format(root, build)
  local parts = { "LUA_PATH_5_4=" .. quote(lpath), "LUA_CPATH_5_4=" .. quote(cpath),
                  "lua5.4", quote(busted_script()), "--ignore-lua" }
  for _, a in ipairs(argv) do parts[#parts + 1] = quote(a) end
  return table.concat(parts, " ")
end

--- run(args[, ctx]) -> busted's exit code: 0 after printing the usage for a
-- first argument -h or its long form; 128 + N when busted died of signal N.
-- args: argparse's result (args.busted_args) or { argv = {...} }; ctx as for
-- command. Errors: none returned; a busted script that cannot be opened
-- ($NTSEC_BUSTED) gives lua5.4's exit code 1. Source: docs/cli.md.
function M.run(args, ctx)
  local argv = args.argv or args.busted_args or {}
  if argv[1] == "-h" or argv[1] == "--help" then
    io.write(USAGE)
    return 0
  end
  local ok, how, code = os.execute(M.command(argv, ctx or {}))
  if how == "signal" then return 128 + code end
  return ok and 0 or code
end

return M
