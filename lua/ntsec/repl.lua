--- ntsec.repl: a small interactive loop with `ntsec` loaded. Each line is
-- evaluated as an expression if it parses as one (results printed with
-- tostring), else as a statement; errors are printed, never fatal.

local M = {}

local function print_results(ok, ...)
  if not ok then
    print((...))
    return
  end
  local n = select("#", ...)
  if n == 0 then return end
  local parts = {}
  for i = 1, n do parts[i] = tostring((select(i, ...))) end
  print(table.concat(parts, "\t"))
end

local function compile(line, env)
  local chunk = load("return " .. line, "=stdin", "t", env)
  if chunk then return chunk end
  return load(line, "=stdin", "t", env)
end

--- repl.run([input]) reads lines from input (default io.stdin) until EOF.
function M.run(input)
  input = input or io.stdin
  local ntsec = require("ntsec")
  local env = setmetatable({ ntsec = ntsec }, { __index = _G })
  io.write(ntsec._VERSION, " REPL (Ctrl-D to quit)\n> ")
  for line in input:lines() do
    local chunk, err = compile(line, env)
    if chunk then print_results(xpcall(chunk, debug.traceback))
    else print(err) end
    io.write("> ")
  end
  io.write("\n")
end

return M
