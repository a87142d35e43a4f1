--- ntsec.repl: the interactive loop of `ntsec` (docs/cli.md).
--
-- * Line editing, history and tab completion with lua-readline when stdin
--   is a terminal; history is kept in $HOME/.ntsec_history. Piped input is
--   read line by line without prompts' editing.
-- * A line is evaluated as an expression if it compiles as `return LINE`,
--   else as a statement. A chunk that fails to compile only because it ends
--   early (`<eof>` in the message, as `lua -i` decides) continues on the
--   next line with the `>>` prompt.
-- * Locals declared at the top level of a chunk are kept for the next
--   chunks: a statement chunk ends with a call that copies its live locals
--   into the REPL's environment.
-- * Results: tables without __tostring are printed with lua-inspect, every
--   other value with tostring (so ntsec objects print as themselves).

local M = {}

--- inspect module (Debian's lua-inspect installs it for Lua 5.1-5.3 only;
-- the code is plain Lua and runs on 5.4), or nil.
local function load_inspect()
  local ok, mod = pcall(require, "inspect")
  if ok then return mod end
  local path = package.searchpath("inspect", "/usr/share/lua/5.3/?.lua;/usr/share/lua/5.1/?.lua")
  if path then return dofile(path) end
  return nil
end

local inspect = load_inspect()

--- show(value) -> the text printed for one result.
function M.show(v)
  if type(v) == "table" then
    local mt = getmetatable(v)
    if not (mt and mt.__tostring) and inspect then return inspect(v) end
  end
  return tostring(v)
end

local function results_text(n, ...)
  local parts = {}
  for i = 1, n do parts[i] = M.show((select(i, ...))) end
  return table.concat(parts, "\t")
end

-- Name of the function a statement chunk calls last to hand over its
-- top-level locals (a hidden variable of the REPL environment).
local KEEP = "__ntsec_repl_keep_locals"

--- compile(source, env) -> chunk | nil, message, incomplete. A statement
-- chunk gets `;KEEP()` appended when it still compiles that way (not after a
-- final `return`), so that its live top-level locals reach the environment.
function M.compile(source, env)
  local chunk, eerr = load("return " .. source, "=stdin", "t", env)
  if chunk then return chunk end
  chunk = load(source .. "\n;" .. KEEP .. "()", "=stdin", "t", env)
  if chunk then return chunk end
  local err
  chunk, err = load(source, "=stdin", "t", env)
  if chunk then return chunk end
  return nil, err, (err:find("<eof>$") or eerr:find("<eof>$")) ~= nil
end

-- A traceback without the REPL's own frames.
local function traceback(e)
  if type(e) ~= "string" then return e end
  local tb = debug.traceback(e, 2)
  return (tb:gsub("\n[^\n]*in function 'xpcall'.*$", ""))
end

-- Copies the caller's (the chunk's) live locals into env.
local function keep_locals(env)
  return function()
    for i = 1, 250 do
      local name, value = debug.getlocal(2, i)
      if not name then break end
      if name:sub(1, 1) ~= "(" then env[name] = value end
    end
  end
end

--- eval(source, env) -> output text (may be empty), or nil when the
-- source is incomplete and more lines are needed.
function M.eval(source, env)
  local chunk, err, incomplete = M.compile(source, env)
  if not chunk then
    if incomplete then return nil end
    return err
  end
  rawset(env, KEEP, keep_locals(env))
  local r = table.pack(xpcall(chunk, traceback))
  if not r[1] then
    local e = r[2]
    return type(e) == "string" and e or ("error: " .. M.show(e))
  end
  return results_text(r.n - 1, table.unpack(r, 2, r.n))
end

-- Candidates for tab completion of `word` (a dotted or colon path).
local KEYWORDS = { "and", "break", "do", "else", "elseif", "end", "false", "for", "function",
  "goto", "if", "in", "local", "nil", "not", "or", "repeat", "return", "then", "true", "until",
  "while" }

local function keys_of(t, seen, out, prefix, head, sep, methods_only)
  if type(t) ~= "table" or seen[t] then return end
  seen[t] = true
  for k, v in pairs(t) do
    if type(k) == "string" and k:sub(1, #prefix) == prefix and k:match("^[%a_][%w_]*$")
        and (not methods_only or type(v) == "function") and k:sub(1, 2) ~= "__" then
      out[head .. sep .. k] = true
    end
  end
end

-- The tables whose keys complete after `value.` or `value:`: the value
-- itself and its metatable's __index chain.
local function lookup_tables(value)
  local list = {}
  if type(value) == "table" then list[#list + 1] = value end
  local mt = getmetatable(value)
  for _ = 1, 5 do
    if type(mt) ~= "table" then break end
    local index = rawget(mt, "__index")
    if type(index) ~= "table" then break end
    list[#list + 1] = index
    mt = getmetatable(index)
  end
  return list
end

--- complete(word, env) -> sorted list of completions of word.
function M.complete(word, env)
  local head, sep, prefix = word:match("^(.*)([.:])([%w_]*)$")
  local out, seen = {}, {}
  if not head then
    prefix = word
    for _, k in ipairs(KEYWORDS) do
      if k:sub(1, #prefix) == prefix then out[k] = true end
    end
    keys_of(env, seen, out, prefix, "", "")
    keys_of(_G, seen, out, prefix, "", "")
  else
    local value = env
    for name in head:gmatch("[^.:]+") do
      if type(value) ~= "table" and type(value) ~= "userdata" then value = nil break end
      local ok, v = pcall(function() return value[name] end)
      value = ok and v or nil
    end
    if value == nil then return {} end
    for _, t in ipairs(lookup_tables(value)) do keys_of(t, seen, out, prefix, head, sep, sep == ":") end
  end
  local list = {}
  for k in pairs(out) do list[#list + 1] = k end
  table.sort(list)
  return list
end

--- history_file() -> $HOME/.ntsec_history, or nil without $HOME.
function M.history_file()
  local home = os.getenv("HOME")
  return home and home ~= "" and (home .. "/.ntsec_history") or nil
end

-- A line reader: readline on a terminal, plain lines otherwise.
local function line_reader(input, env)
  local tty = input == io.stdin and os.execute("test -t 0")
  local ok, rl = false, nil
  if tty then ok, rl = pcall(require, "readline") end
  if not ok then
    return function(prompt)
      io.write(prompt)
      io.flush()
      return input:read("l")
    end, function() end
  end
  rl.set_options({ histfile = M.history_file() or "", keeplines = 1000, completion = true })
  rl.set_complete_function(function(text, from, to)
    rl.set_completion_append_character("")
    return M.complete(text:sub(from, to), env)
  end)
  return rl.readline, rl.save_history
end

--- repl.run([input]) reads chunks from input (default io.stdin) until EOF.
function M.run(input)
  input = input or io.stdin
  local ntsec = require("ntsec")
  local env = setmetatable({ ntsec = ntsec }, { __index = _G })
  local read, finish = line_reader(input, env)
  io.write(ntsec._VERSION, " REPL (Ctrl-D to quit)\n")
  local pending
  while true do
    local line = read(pending and ">> " or "> ")
    if not line then break end
    pending = pending and (pending .. "\n" .. line) or line
    local out = M.eval(pending, env)
    if out then
      pending = nil
      if out ~= "" then print(out) end
    end
  end
  finish()
  io.write("\n")
end

return M
