-- spec/cli_test_command_spec.lua: `bin/ntsec test [busted options] SPEC...`
-- runs a user's busted spec under Lua 5.4 with ntsec on the path (issue 14;
-- docs/cli.md, README). The spec lives in a temp dir with no .busted file.
local ROOT = io.popen("pwd"):read("l")

local function run(cmd)
  local p = assert(io.popen(cmd .. " 2>&1"))
  local out = p:read("a")
  local _, _, code = p:close()
  return out, code
end

describe("bin/ntsec test", function()
  local dir

  setup(function()
    dir = os.tmpname()
    os.remove(dir)
    assert(os.execute("mkdir -p " .. dir))
    local f = assert(io.open(dir .. "/policy_spec.lua", "w"))
    f:write([[
local ntsec = require("ntsec")
describe("my policy", function()
  it("runs under Lua 5.4", function() assert.equal("Lua 5.4", _VERSION) end)
  it("has ntsec", function()
    local sd = assert(ntsec.sd("O:SYD:(A;;GA;;;BA)"))
    assert.equal("O:SYD:(A;;GA;;;BA)", sd:sddl(0xFFFF))
  end)
  it("fails when asked to", function()
    assert.is_nil(os.getenv("MAKE_IT_FAIL"))
  end)
end)
]])
    f:close()
  end)

  teardown(function() os.execute("rm -rf '" .. dir .. "'") end)

  it("runs a user's spec with busted options and exits 0 when it passes", function()
    local out, code = run(("cd '%s' && '%s/bin/ntsec' test -o TAP policy_spec.lua"):format(dir, ROOT))
    assert.equal(0, code, out)
    assert.matches("ok 1 - my policy runs under Lua 5.4", out, 1, true)
    assert.matches("ok 2 - my policy has ntsec", out, 1, true)
    assert.matches("1..3", out, 1, true)
  end)

  it("passes --option=value through and exits non-zero when a test fails", function()
    local out, code = run(("cd '%s' && MAKE_IT_FAIL=1 '%s/bin/ntsec' test --output=TAP policy_spec.lua"):format(dir, ROOT))
    assert.are_not.equal(0, code)
    assert.matches("not ok 3 - my policy fails when asked to", out, 1, true)
  end)
end)
