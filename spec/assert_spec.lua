-- spec/assert_spec.lua: ntsec.assert (issue 13 "Assertions for busted").
-- Expected decisions are hand-computed from [MS-DTYP] 2.5.3.2 and the file
-- generic mapping (wfp_ks_errors.md 3.1 for FWPM); failure messages must
-- carry the ntsec.explain trace.
require("ntsec.assert")
local ntsec = require("ntsec")

local USER = { user = "S-1-5-21-0-0-0-1001", groups = { "WD", "BU" } }
local SD = "O:BAG:SYD:(D;;WD;;;BU)(A;;GR;;;WD)(A;;GA;;;BA)"

-- The message of a failing assertion (luassert raises a string or table).
local function failure(fn)
  local ok, err = pcall(fn)
  assert.is_false(ok)
  return type(err) == "table" and tostring(err.message) or tostring(err)
end

describe("assert.granted / assert.denied", function()
  it("pass on hand-computed decisions, with descriptors as SDDL or objects and tokens as specs", function()
    assert.granted(SD, USER, "GR")
    assert.granted(ntsec.sd(SD), ntsec.token(USER), ntsec.READ_CONTROL)
    assert.denied(SD, USER, ntsec.WRITE_DAC)                  -- the deny ACE for BU
    assert.denied(SD, USER, "GW")
    assert.is_not.granted(SD, USER, ntsec.WRITE_DAC)
    assert.is_not.denied(SD, USER, "GR")
  end)

  it("take a mapping: FWPM_GENERIC_READ 0x201d4 under fwpm", function()
    local sd = "O:BAG:SYD:(A;;GR;;;WD)"
    assert.granted(sd, USER, ntsec.FWPM_ACTRL_OPEN | ntsec.FWPM_ACTRL_READ, "fwpm")
    assert.denied(sd, USER, ntsec.FWPM_ACTRL_ADD, "fwpm")
  end)

  it("a failure prints the explain trace with the deciding ACE", function()
    local msg = failure(function() assert.granted(SD, USER, ntsec.WRITE_DAC) end)
    assert.matches("Expected access 0x00040000 to be granted, but it was denied", msg, 1, true)
    assert.matches("ntsec.explain: desired 0x00040000 -> STATUS_ACCESS_DENIED", msg, 1, true)
    assert.matches("#1        (D;;WD;;;BU)", msg, 1, true)
    assert.matches("result: DENIED (STATUS_ACCESS_DENIED)", msg, 1, true)
  end)

  it("a negated failure prints the trace too", function()
    local msg = failure(function() assert.is_not.granted(SD, USER, "GR") end)
    assert.matches("Expected access GR not to be granted, but it was", msg, 1, true)
    assert.matches("result: ALLOWED (STATUS_SUCCESS)", msg, 1, true)
    msg = failure(function() assert.denied(SD, USER, "GR") end)
    assert.matches("to be denied, but it was granted", msg, 1, true)
  end)

  it("a descriptor that is no descriptor raises, it is not a decision", function()
    local msg = failure(function() assert.granted("D:(bogus", USER, "GR") end)
    assert.matches("bad SDDL", msg, 1, true)
  end)
end)

describe("assert.status", function()
  it("accepts numbers, error objects and true", function()
    assert.status(0x8032000C, "FWP_E_WRONG_SESSION")
    assert.status(ntsec.errors.new(0x8032000C, "FwpmCalloutSetSecurityInfoByKey0", "USER"), "FWP_E_WRONG_SESSION")
    assert.status(0xC0000022, "STATUS_ACCESS_DENIED")
    assert.status(5, "ERROR_ACCESS_DENIED")
    assert.status(true, "STATUS_SUCCESS")
    assert.status(0, "ERROR_SUCCESS")
    assert.status(0xC0000022, 0xC0000022)
  end)

  it("a failure names both statuses; twins of the two modes do not match", function()
    local msg = failure(function() assert.status(0xC0000022, "FWP_E_WRONG_SESSION") end)
    assert.matches("Expected status FWP_E_WRONG_SESSION (0x8032000C), got STATUS_ACCESS_DENIED (0xC0000022)", msg, 1, true)
    -- STATUS_FWP_WRONG_SESSION (kernel mode) is not FWP_E_WRONG_SESSION (user mode).
    assert.is_not.status(0xC022000C, "FWP_E_WRONG_SESSION")
    msg = failure(function() assert.status(nil, "STATUS_SUCCESS") end)
    assert.matches("got nil (no status)", msg, 1, true)
  end)

  it("the negation fails on a match", function()
    local msg = failure(function() assert.is_not.status(0x8032000C, "FWP_E_WRONG_SESSION") end)
    assert.matches("Expected a status other than FWP_E_WRONG_SESSION (0x8032000C)", msg, 1, true)
  end)

  it("an unknown status name raises", function()
    local msg = failure(function() assert.status(0, "NO_SUCH_STATUS") end)
    assert.matches("not a status in the catalogue", msg, 1, true)
  end)

  it("works on a real session result: a dynamic session changing a static callout", function()
    local engine = ntsec.wfp.engine()
    local k = assert(engine:open { kernel_mode = true })
    assert.status(ntsec.wfp.FwpmCalloutAdd0(k, { key = "{c0c0a000-0000-4000-8000-0000000000a1}", name = "static",
      layer = "FWPM_LAYER_ALE_AUTH_CONNECT_V4" }), "STATUS_SUCCESS")
    local admin = ntsec.token { user = "S-1-5-21-0-0-0-500", groups = { { sid = "BA", owner = true }, "WD" } }
    local dyn = assert(engine:open { token = admin, dynamic = true })
    local code = ntsec.wfp.FwpmCalloutSetSecurityInfoByKey0(dyn, "{c0c0a000-0000-4000-8000-0000000000a1}",
      ntsec.DACL_SECURITY_INFORMATION, nil, nil, assert(ntsec.acl("(A;;GA;;;BA)")))
    assert.status(code, "FWP_E_DYNAMIC_SESSION_IN_PROGRESS")
    dyn:close()
    k:close()
  end)
end)

describe("examples/policy_spec.lua", function()
  it("passes through bin/ntsec test", function()
    local p = assert(io.popen("bin/ntsec test examples/policy_spec.lua 2>&1"))
    local out = p:read("a")
    local ok = p:close()
    assert.is_true(ok, out)
    assert.matches("6 successes / 0 failures / 0 errors", out, 1, true)
  end)
end)
