-- Every example runs in the test suite.
local function run(cmd)
  local p = assert(io.popen(cmd .. " 2>&1"))
  local out = p:read("a")
  local ok = p:close()
  return ok, out
end

local ENV = "LUA_PATH='./lua/?.lua;./lua/?/init.lua;;' LUA_CPATH='./" .. (os.getenv("NTSEC_BUILD") or "build") .. "/?.so;;' "

describe("examples", function()
  it("dynamic_session_rules.lua shows both dynamic-session errors", function()
    local ok, out = run(ENV .. "lua5.4 examples/dynamic_session_rules.lua")
    assert.is_true(ok, out)
    assert.matches("FWP_E_DYNAMIC_SESSION_IN_PROGRESS", out)
    assert.matches("FWP_E_WRONG_SESSION", out)
  end)

  it("ks_filter_security.lua runs", function()
    local ok, out = run(ENV .. "lua5.4 examples/ks_filter_security.lua")
    assert.is_true(ok, out)
  end)

  it("ks_pin_security.lua creates a pin under a filter and sets/queries its security", function()
    local ok, out = run(ENV .. "lua5.4 examples/ks_pin_security.lua")
    assert.is_true(ok, out)
    assert.matches("user opens the filter: +STATUS_ACCESS_DENIED", out)
    assert.matches("set DACL with a read handle: +STATUS_ACCESS_DENIED", out)
    assert.matches("again: +STATUS_SUCCESS D:P%(A;;GA;;;SY%)%(A;;GA;;;BA%)%(A;;GR;;;BU%)", out)
    assert.matches("8 bytes: +STATUS_BUFFER_TOO_SMALL, Information 96", out)
  end)

  it("lockdown_callouts.lua runs through bin/ntsec audit", function()
    local ok, out = run("bin/ntsec audit ../shared/data/wfpstate/netsh-wfpstate-1.xml "
      .. "--policy examples/lockdown_callouts.lua")
    assert.is_true(ok, out)
    assert.matches("Writes by the policy %(Set security calls%): 7", out)
  end)

  it("classify_policy.lua classifies its flows through bin/ntsec audit (spec/audit_flows_spec.lua checks each)", function()
    local ok, out = run("bin/ntsec audit ../shared/data/wfpstate/netsh-wfpstate-2.xml --policy examples/classify_policy.lua")
    assert.is_true(ok, out)
    assert.matches('BLOCK by 67654 {bcb1ada3-40e1-4654-961e-9fcf8bc88677} "UWP Default Outbound Block Rule": '
      .. "AppContainer (no capability)", out, 1, true)
  end)
end)
