-- spec/repl_spec.lua: the REPL (issue 14; docs/cli.md). Unit checks of
-- evaluation and completion, then a session driven through a real
-- pseudo-terminal (tmux send-keys / capture-pane): readline history with
-- the Up arrow and in $HOME/.ntsec_history, tab completion, a multi-line
-- for loop and a local kept across lines.
local repl = require("ntsec.repl")
local ntsec = require("ntsec")

local function new_env()
  return setmetatable({ ntsec = ntsec }, { __index = _G })
end

describe("ntsec.repl evaluation", function()
  it("prints expressions, tables through inspect, objects through their __tostring", function()
    local env = new_env()
    assert.equal("3", repl.eval("1 + 2", env))
    assert.equal('{ 1, "a" }', repl.eval('{1, "a"}', env))
    assert.equal("S-1-5-32-544", repl.eval('ntsec.sid("BA")', env))
    assert.equal("1\t2", repl.eval("1, 2", env))
    assert.equal("", repl.eval("x = 1", env))
  end)

  it("keeps locals between chunks, functions included", function()
    local env = new_env()
    assert.equal("", repl.eval("local a, b = 20, 22", env))
    assert.equal("", repl.eval("local function add(x, y) return x + y end", env))
    assert.equal("42", repl.eval("add(a, b)", env))
  end)

  it("asks for more on an incomplete chunk, as lua -i does", function()
    local env = new_env()
    assert.is_nil(repl.eval("for i = 1, 3 do", env))
    assert.is_nil(repl.eval("for i = 1, 3 do\n s = (s or 0) + i", env))
    assert.equal("", repl.eval("for i = 1, 3 do\n s = (s or 0) + i\nend", env))
    assert.equal("6", repl.eval("s", env))
    assert.matches("unexpected symbol", repl.eval("x = = 1", env))
  end)

  it("reports errors, non-string ones too, and goes on", function()
    local env = new_env()
    assert.matches("^stdin:1: boom", repl.eval('error("boom")', env))
    assert.equal("error: {}", repl.eval("error({})", env))
    assert.equal("2", repl.eval("1 + 1", env))
  end)

  it("completes globals, fields and methods", function()
    local env = new_env()
    assert.same({ "ntsec.sid" }, repl.complete("ntsec.si", env))
    assert.same({ "ntsec.wfp.engine", "ntsec.wfp.engine_methods" }, repl.complete("ntsec.wfp.eng", env))
    assert.same({ "ntsec" }, repl.complete("ntse", env))
    assert.same({ "print" }, repl.complete("prin", env))
    repl.eval("e = ntsec.wfp.engine()", env)
    assert.truthy(#repl.complete("e:", env) > 0)
    assert.same({ "e:open" }, repl.complete("e:ope", env))
    assert.same({}, repl.complete("nosuch.x", env))
  end)
end)

-- ---- through a pseudo-terminal ----

local ROOT = io.popen("pwd"):read("l")
local SOCKET = "ntsec_repl_spec_" .. tostring(os.time()) .. "_" .. tostring(math.random(1e6))

local function sh(cmd)
  return os.execute(cmd .. " >/dev/null 2>&1")
end

local function tmux(args)
  return sh("tmux -L " .. SOCKET .. " " .. args)
end

-- Types text literally (tmux would read "end" as the End key), then the keys.
local function type_text(text, ...)
  assert(tmux("send-keys -t repl -l '" .. text:gsub("'", "'\\''") .. "'"))
  for _, key in ipairs({ ... }) do assert(tmux("send-keys -t repl " .. key)) end
end

local function screen()
  local p = io.popen("tmux -L " .. SOCKET .. " capture-pane -p -J -S -200 -t repl 2>/dev/null")
  local out = p:read("a")
  p:close()
  return out
end

-- Waits (up to 10 s) until the screen matches pattern (plain text).
local function wait_for(text)
  for _ = 1, 200 do
    local s = screen()
    if s:find(text, 1, true) then return s end
    sh("sleep 0.05")
  end
  error("timed out waiting for " .. text .. "; screen:\n" .. screen())
end

local function count(s, text)
  local n, from = 0, 1
  while true do
    local at = s:find(text, from, true)
    if not at then return n end
    n, from = n + 1, at + #text
  end
end

describe("ntsec REPL in a terminal", function()
  local home

  setup(function()
    assert(sh("command -v tmux"), "tmux is needed (.ci/install installs it)")
    home = os.tmpname()
    os.remove(home)
    assert(sh("mkdir -p " .. home))
    assert(tmux(("new-session -d -s repl -x 150 -y 50 \"cd '%s' && env HOME='%s' INPUTRC=/dev/null bin/ntsec\"")
      :format(ROOT, home)))
    wait_for("REPL (Ctrl-D to quit)")
  end)

  teardown(function()
    tmux("kill-server")
    if home then sh("rm -rf '" .. home .. "'") end
  end)

  it("keeps a local across lines", function()
    type_text('local greeting = "hel" .. "lo"', "Enter")
    type_text('greeting .. ", world"', "Enter")
    wait_for("hello, world")
  end)

  it("runs a multi-line for loop", function()
    type_text("for i = 1, 3 do", "Enter")
    wait_for(">> ")
    type_text('print("n" .. i * 11)', "Enter")
    type_text("end", "Enter")
    wait_for("n11\nn22\nn33\n")
  end)

  it("completes ntsec names with Tab", function()
    type_text("ntsec.si", "Tab")
    wait_for("> ntsec.sid")
    type_text('("BA")', "Enter")
    wait_for("S-1-5-32-544")
  end)

  it("recalls the previous line with the Up arrow and saves the history in $HOME", function()
    type_text('n = (n or 0) + 1; print("count=" .. n)', "Enter")
    wait_for("count=1")
    tmux("send-keys -t repl Up")
    sh("sleep 0.2")
    tmux("send-keys -t repl Enter")
    local s = wait_for("count=2")
    assert.equal(0, count(s, "^[[A"))
    tmux("send-keys -t repl C-d")
    local path = home .. "/.ntsec_history"
    local text
    for _ = 1, 100 do
      local f = io.open(path)
      text = f and f:read("a")
      if f then f:close() end
      if text and text:find("count=", 1, true) then break end
      sh("sleep 0.05")
    end
    assert.truthy(text, "no " .. path)
    assert.matches('local greeting = "hel" .. "lo"', text, 1, true)
    assert.matches('n = (n or 0) + 1; print("count=" .. n)', text, 1, true)
  end)
end)
