-- spec/guide_spec.lua: every code block of docs/guide.md runs (issue 14 "A
-- user guide"). In document order: a ```lua block runs as a file under Lua
-- 5.4 with ntsec on the path and must exit 0; a ```lua file=NAME block is
-- saved as NAME; each line of a ```sh block that starts with bin/ntsec runs
-- and must end with the exit code its "# exit N" comment gives (0 without
-- one). Everything runs in a fresh directory holding `bin` (a link to the
-- project's) and `state.xml` (netsh-wfpstate-1.xml), as the guide says.
local json = require("dkjson")
local cmd = require("spec.support.cmd")

local ROOT = io.popen("pwd"):read("l")
local ENV = ("LUA_PATH='%s/lua/?.lua;%s/lua/?/init.lua;;' LUA_CPATH='%s/build/?.so;;' ")
  :format(ROOT, ROOT, ROOT)

-- The fenced blocks of a Markdown text: {lang=, file=, text=, line=}.
local function blocks(text)
  local out, current, n = {}, nil, 0
  for line in (text .. "\n"):gmatch("(.-)\n") do
    n = n + 1
    if current then
      if line:match("^```%s*$") then out[#out + 1], current = current, nil
      else current.text = current.text .. line .. "\n" end
    else
      local info = line:match("^```(.+)$")
      if info then
        current = { lang = info:match("^(%S+)"), file = info:match("file=(%S+)"), text = "", line = n }
      end
    end
  end
  assert(current == nil, "unclosed code block")
  return out
end

local f = assert(io.open("docs/guide.md"))
local GUIDE = f:read("a")
f:close()

describe("docs/guide.md", function()
  local dir = os.tmpname()
  os.remove(dir)
  assert(os.execute(("mkdir -p %s && ln -s %s/bin %s/bin && ln -s %s/../shared/data/wfpstate/netsh-wfpstate-1.xml"
    .. " %s/state.xml"):format(dir, ROOT, dir, ROOT, dir)))
  teardown(function() os.execute("rm -rf '" .. dir .. "'") end)

  local list = blocks(GUIDE)
  it("has lua and sh blocks, and only those", function()
    local langs = {}
    for _, b in ipairs(list) do langs[b.lang] = (langs[b.lang] or 0) + 1 end
    assert.is_true(langs.lua >= 5)
    assert.is_true(langs.sh >= 3)
    for lang in pairs(langs) do assert.is_true(lang == "lua" or lang == "sh", lang) end
  end)

  for _, b in ipairs(list) do
    if b.lang == "lua" and b.file then
      it(("saves %s (line %d)"):format(b.file, b.line), function()
        cmd.write(dir .. "/" .. b.file, b.text)
      end)
    elseif b.lang == "lua" then
      it(("runs the lua block at line %d"):format(b.line), function()
        local path = cmd.write(dir .. "/block.lua", b.text)
        local out, stderr, code = cmd.run(("cd %s && %slua5.4 %s"):format(dir, ENV, path))
        assert(code == 0, out .. stderr)
      end)
    elseif b.lang == "sh" then
      for line in b.text:gmatch("[^\n]+") do
        if line:match("^bin/ntsec ") then
          it(("runs `%s` (line %d)"):format(line, b.line), function()
            local want = tonumber(line:match("#%s*exit (%d+)%s*$") or 0)
            local out, stderr, code = cmd.run(("cd %s && %s"):format(dir, line))
            assert(code == want, ("exit %s, expected %d\n%s%s"):format(tostring(code), want, out, stderr))
          end)
        end
      end
    end
  end

  it("produced a report.json that is the one JSON document of the audit", function()
    local rf = assert(io.open(dir .. "/report.json"))
    local doc = json.decode(rf:read("a"))
    rf:close()
    assert.equal(82, doc.imported.callouts)
    assert.same({ "SYSTEM", "admin-filtered", "user", "everyone" },
      { doc.principals[1].name, doc.principals[2].name, doc.principals[3].name, doc.principals[4].name })
  end)
end)

-- The README errors a newcomer hit (issue 14 "Docs for users"), each checked
-- against the code: the old text fails these.
describe("README.md", function()
  local rf = assert(io.open("README.md"))
  local README = rf:read("a")
  rf:close()
  local ntsec = require("ntsec")

  it("runs its Lua block", function()
    for _, b in ipairs(blocks(README)) do
      if b.lang == "lua" then
        local path = cmd.tmpfile(b.text, ".lua")
        local out, stderr, code = cmd.run(ENV .. "lua5.4 " .. path)
        os.remove(path)
        assert(code == 0, out .. stderr)
      end
    end
  end)

  it("gives set_security's fourth argument as the options table it is", function()
    assert.not_matches("set_security%(old, si, mod, sef", README)
    assert.matches("set_security(old, si, mod[, options])", README, 1, true)
    -- A number where the table goes is refused; a table is taken.
    local old = assert(ntsec.sd("O:BAG:SYD:(A;;GA;;;SY)"))
    assert.has_error(function() ntsec.set_security(old, ntsec.DACL_SECURITY_INFORMATION, ntsec.sd("D:"), 0) end)
    assert(ntsec.set_security(old, ntsec.DACL_SECURITY_INFORMATION, ntsec.sd("D:"), { sef = 0 }))
  end)

  it("places FWPM_ACTRL_* where they are: on ntsec, not on ntsec.wfp", function()
    assert.is_number(ntsec.FWPM_ACTRL_ADD)
    assert.is_nil(ntsec.wfp.FWPM_ACTRL_ADD)
    assert.matches("`ntsec.FWPM_ACTRL_ADD`", README, 1, true)
    assert.not_matches("ntsec%.wfp%.FWPM_ACTRL", README)
  end)

  it("links the user guide and the API reference", function()
    assert.matches("docs/guide.md", README, 1, true)
    assert.matches("make doc", README, 1, true)
    assert.matches("build/doc/index.html", README, 1, true)
  end)
end)

describe("examples/dynamic_session_rules.lua", function()
  it("runs standalone and as a policy with the commands its header gives", function()
    local n = 0
    for line in io.lines("examples/dynamic_session_rules.lua") do
      local command = line:match("^%-%-   (.*lua5%.4 .*)$") or line:match("^%-%-   (bin/ntsec .*)$")
      if command then
        n = n + 1
        local out, stderr, code = cmd.run(command)
        assert(code == 0, command .. "\n" .. out .. stderr)
        assert.matches("callout of session A from session A: +ERROR_SUCCESS", out .. stderr)
      end
    end
    assert.equal(2, n)
  end)
end)
