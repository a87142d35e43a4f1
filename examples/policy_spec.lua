-- luacheck: std +busted
-- policy_spec.lua: a busted spec a user keeps next to a policy. It loads a
-- machine's `netsh wfp show state` dump, applies the policy
-- (examples/lockdown_callouts.lua) and asserts on the result with the
-- ntsec assertions and the built-in rules of `ntsec check`.
--
-- Run from the project root:   bin/ntsec test examples/policy_spec.lua
-- Another dump:                NTSEC_DUMP=path/to/state.xml bin/ntsec test examples/policy_spec.lua

require "ntsec.assert"            -- assert.granted / denied / status / permits / blocks
local ntsec = require "ntsec"
local netsh = require "ntsec.netsh"
local check = require "ntsec.check"

local DUMP = os.getenv("NTSEC_DUMP") or "../shared/data/wfpstate/netsh-wfpstate-1.xml"
local POLICY = "examples/lockdown_callouts.lua"

-- An engine loaded from the dump with the policy applied (globals ntsec, engine).
local function engine_after_policy()
  local engine = ntsec.wfp.engine()
  assert(netsh.import_file(engine, DUMP))
  local env = setmetatable({ ntsec = ntsec, engine = engine }, { __index = _G })
  assert(loadfile(POLICY, "t", env))()
  return engine
end

local ALL = ntsec.OWNER_SECURITY_INFORMATION | ntsec.GROUP_SECURITY_INFORMATION | ntsec.DACL_SECURITY_INFORMATION
local NDU = "{8e44982a-f477-11df-85ce-78e7d1810190}"   -- Network Data Usage provider

local user = ntsec.token { user = "S-1-5-21-1793033065-631609589-106201677-1001", groups = { "WD", "AU", "BU" } }
local admin = ntsec.token { user = "S-1-5-21-1793033065-631609589-106201677-500",
                            groups = { { sid = "BA", owner = true }, "WD", "AU" } }

describe("lockdown_callouts.lua on " .. DUMP, function()
  local engine, observer, ndu_callout, other_callout
  setup(function()
    engine = engine_after_policy()
    observer = assert(engine:open { kernel_mode = true })
    for _, c in ipairs(engine:callouts()) do
      if c.provider == NDU then ndu_callout = ndu_callout or c.key else other_callout = other_callout or c.key end
    end
  end)
  teardown(function() observer:close() end)

  local function security(key)
    local code, sd = ntsec.wfp.FwpmCalloutGetSecurityInfoByKey0(observer, key, ALL)
    assert.status(code, "STATUS_SUCCESS")
    return sd
  end

  it("lets Users read an NDU callout, not change it", function()
    local sd = security(ndu_callout)
    assert.granted(sd, user, ntsec.FWPM_ACTRL_READ, "fwpm")
    assert.denied(sd, user, ntsec.WRITE_DAC, "fwpm")
    assert.granted(sd, admin, "GA", "fwpm")
  end)

  it("leaves the other callouts with an empty DACL: administrators keep only the owner's rights", function()
    local sd = security(other_callout)
    assert.denied(sd, admin, ntsec.DELETE, "fwpm")
    assert.granted(sd, admin, ntsec.READ_CONTROL | ntsec.WRITE_DAC, "fwpm")
  end)

  it("a dynamic session may not change a callout it did not add", function()
    local dyn = assert(engine:open { token = admin, dynamic = true })
    local code = ntsec.wfp.FwpmCalloutSetSecurityInfoByKey0(dyn, ndu_callout, ntsec.DACL_SECURITY_INFORMATION,
      nil, nil, assert(ntsec.acl("(A;;GA;;;BA)")))
    assert.status(code, "FWP_E_DYNAMIC_SESSION_IN_PROGRESS")
    dyn:close()
  end)

  it("the built-in rules find the consequences: Users on the container, 76 emptied callouts", function()
    local result = assert(check.run { engine = engine, rules = "builtin" })
    local by_rule = {}
    for _, f in ipairs(result.findings) do by_rule[f.rule] = (by_rule[f.rule] or 0) + 1 end
    -- FWPM_GENERIC_READ 0x201d4 (wfp_ks_errors.md 3.1) beyond OPEN|CLASSIFY 0x50; and the
    -- machine's own AppContainerLoopback blocks (V4, V6) that the loopback permit above them
    -- shadows for Everyone (docs/check.md "Permit above a block at an ALE layer").
    assert.same({ ["wfp-broad-access"] = 1, ["null-or-empty-dacl"] = 76, ["wfp-ale-permit-above-block"] = 2 }, by_rule)
    assert.equal(0x20184, result.findings[1].rights.mask)
    assert.equal("S-1-5-32-545", result.findings[1].principal.sid)
  end)
end)

-- The policy changes descriptors, not filters: flows are classified as before. An app in an
-- AppContainer (package SID) connecting out over TCP 443 on the public profile: with the
-- internetClient capability, "InternetClient Default Rule" (App Isolation sublayer,
-- ALE_PACKAGE_ID != S-1-0-0, any remote address, profile 1, ALE_USER_ID granting
-- S-1-15-3-1) permits it and no lower sublayer blocks that app; without the capability the
-- same sublayer's "UWP Default Outbound Block Rule" (ALE_PACKAGE_ID != S-1-0-0, a hard
-- static block) blocks it (wfp_classify.md 2.5, 3.4, 3.5).
describe("flows at ALE_AUTH_CONNECT_V4 after lockdown_callouts.lua on " .. DUMP, function()
  local engine
  setup(function() engine = engine_after_policy() end)
  teardown(function() engine:close() end)

  local function app(capabilities)
    return {
      layer = "FWPM_LAYER_ALE_AUTH_CONNECT_V4", protocol = "tcp", remote = "8.8.8.8", port = 443, profile = "public",
      app = "\\device\\harddiskvolume3\\program files\\contoso\\app.exe",
      token = ntsec.token { user = "S-1-5-21-1793033065-631609589-106201677-1001", groups = { "WD", "AU", "BU" },
                            package = "S-1-15-2-1-2-3-4-5-6-7", capabilities = capabilities },
    }
  end

  it("an AppContainer app with internetClient may connect out", function()
    assert.permits(engine, app { "internetClient" })
    assert.is_not.blocks(engine, app { "internetClient" })
  end)

  it("the same app without capabilities is blocked", function()
    assert.blocks(engine, app {})
    assert.is_not.permits(engine, app {})
  end)
end)
