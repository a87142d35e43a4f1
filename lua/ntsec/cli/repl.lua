--- ntsec.cli.repl: `ntsec` or `ntsec repl` starts the interactive loop
-- (ntsec.repl; docs/cli.md).

local M = {}

--- define(cmd): `repl` has no options but -h.
function M.define(cmd)
  cmd:description("Interactive Lua 5.4 with ntsec loaded: line editing, history in ~/.ntsec_history,"
    .. " tab completion, multi-line input, locals kept between lines.")
end

--- run() -> 0 when the user ends the REPL (Ctrl-D).
function M.run()
  require("ntsec.repl").run()
  return 0
end

return M
