-- spec/wfp_observer_spec.lua: the engine's security observer (engine:observe,
-- docs/wfp.md) and the audit recorder built on it (docs/audit.md): every
-- Set/Get security call is reported by the C core, whichever path made it.
local ntsec = require("ntsec")
local audit = require("ntsec.audit")
local wfp = ntsec.wfp

local DACL = ntsec.DACL_SECURITY_INFORMATION
local KEY = "{0b5e0000-0000-4000-8000-000000000001}"

describe("engine:observe", function()
  local e, k, u, seen
  before_each(function()
    e = wfp.engine()
    k = assert(e:open { kernel_mode = true })
    u = assert(e:open { token = ntsec.token { user = "S-1-5-21-1-2-3-500", groups = { "BA", "WD" } } })
    assert(k:add_callout { key = KEY, name = "c", sd = "O:SYG:SYD:(A;;GA;;;SY)" })
    seen = {}
    e:observe(function(ev) seen[#seen + 1] = ev end)
  end)
  after_each(function() e:close() end)

  it("sees the faithful function, its alias, a saved reference and the idiomatic target", function()
    local saved = wfp.FwpmCalloutSetSecurityInfoByKey0
    assert.are.equal(0, wfp.FwpmCalloutSetSecurityInfoByKey0(k, KEY, DACL, nil, nil, "(A;;GA;;;BA)", nil))
    assert.are.equal(0, wfp.FwpmCalloutSetSecurityInfoByKey(k, KEY, DACL, nil, nil, "(A;;GA;;;WD)", nil))
    assert.are.equal(0, saved(k, KEY, DACL, nil, nil, "(A;;GA;;;BU)", nil))
    assert.is_true(k:callout(KEY):set_security { dacl = "(A;;GA;;;SY)" })
    assert.are.equal(4, #seen)
    for _, ev in ipairs(seen) do
      assert.are.equal("FwpmCalloutSetSecurityInfoByKey0", ev.name)
      assert.are.equal("callout", ev.kind)
      assert.are.equal(KEY, ev.key)
      assert.are.equal(0, ev.status)
      assert.is_true(ev.set and ev.kernel)
    end
    assert.are.equal("O:SYG:SYD:(A;;GA;;;SY)", seen[1].before:sddl())
    -- the explicit ACE first, then what the callouts container passes on (W32-HFD)
    assert.matches("^O:SYG:SYD:AI%(A;;GA;;;BA%)%(A;ID;", seen[1].after:sddl())
    assert.are.equal(seen[1].after:sddl(), seen[2].before:sddl())
    assert.matches("^O:SYG:SYD:AI%(A;;GA;;;SY%)%(A;ID;", seen[4].after:sddl())
  end)

  it("reports the caller's code and no descriptors when the target is not found", function()
    assert.are.equal(0x80320001, wfp.FwpmCalloutGetSecurityInfoByKey0(u, "{0b5e0000-0000-4000-8000-0000000000ff}", DACL))
    assert.are.equal(1, #seen)
    assert.are.equal("FwpmCalloutGetSecurityInfoByKey0", seen[1].name)
    assert.are.equal(0x80320001, seen[1].status)   -- FWP_E_CALLOUT_NOT_FOUND, as the user-mode caller saw it
    assert.is_false(seen[1].kernel)
    assert.is_nil(seen[1].before)
    assert.is_nil(seen[1].after)
  end)

  it("labels keyless targets by their Windows function", function()
    assert.is_true(u:connections():set_security { dacl = "(A;;GA;;;BA)" })
    assert.is_truthy(u:endpoints():security())
    assert.is_truthy(k:engine_object():security())
    assert.are.same({ "FwpmConnectionSetSecurityInfo0", "FwpsAleEndpointGetSecurityInfo0",
      "FwpmEngineGetSecurityInfo0" }, { seen[1].name, seen[2].name, seen[3].name })
    assert.are.same({ "connection", "endpoint", "engine" }, { seen[1].kind, seen[2].kind, seen[3].kind })
  end)

  it("never raises an observer's error into the call, and stops with observe(nil)", function()
    e:observe(function() error("observer broke") end)
    assert.are.equal(0, wfp.FwpmCalloutSetSecurityInfoByKey0(k, KEY, DACL, nil, nil, "(A;;GA;;;BA)", nil))
    e:observe(nil)
    assert.are.equal(0, wfp.FwpmCalloutSetSecurityInfoByKey0(k, KEY, DACL, nil, nil, "(A;;GA;;;BA)", nil))
    assert.are.equal(0, #seen)
    assert.has_error(function() e:observe("not a function") end)
  end)
end)

describe("the audit recorder", function()
  it("records a call made through a function reference saved before the policy ran", function()
    local policy = os.tmpname()
    local f = assert(io.open(policy, "w"))
    f:write([[
local set = ntsec.wfp.FwpmCalloutSetSecurityInfoByKey0
local s = assert(engine:open { kernel_mode = true })
assert(set(s, nil, ntsec.DACL_SECURITY_INFORMATION, nil, nil, "(A;;GA;;;SY)", nil) == 0)
return { principals = { "SY" } }
]])
    f:close()
    local result = assert(audit.run { state = "../shared/data/wfpstate/netsh-wfpstate-1.xml", policy = policy })
    os.remove(policy)
    assert.are.equal(1, #result.writes)
    local call = result.writes[1]
    assert.are.equal("FwpmCalloutSetSecurityInfoByKey0", call["function"])
    assert.are.equal("callouts container", call.target)
    assert.are.equal(0, call.status)
    assert.is_true(call.kernel)
    assert.matches("D:.*%(A;;GA;;;SY%)", call.after)
    assert.is_string(call.before)
  end)
end)
