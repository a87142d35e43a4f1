-- spec/assert_flow_spec.lua: assert.permits / assert.blocks (issue 13
-- "Assertions for busted", with issue 12's classification). Expected
-- decisions are hand-computed from wfp_classify.md 3.4 (first matching
-- filter by weight decides a sublayer), 3.5 (a static block overrides a
-- soft permit of a higher sublayer) and 3.6 (no match: PERMIT); failure
-- messages must carry the classification trace.
require("ntsec.assert")
local ntsec = require("ntsec")

local LAYER = "FWPM_LAYER_ALE_AUTH_CONNECT_V4"
local SUB1, SUB2 = "{11111111-0000-4000-8000-0000000000a1}", "{11111111-0000-4000-8000-0000000000a2}"
local PERMIT443 = "{22222222-0000-4000-8000-0000000000b1}"
local BLOCK_TCP = "{22222222-0000-4000-8000-0000000000b2}"
local EVERYONE = ntsec.token { user = "WD" }

local function failure(fn)
  local ok, err = pcall(fn)
  assert.is_false(ok)
  return type(err) == "table" and tostring(err.message) or tostring(err)
end

describe("assert.permits / assert.blocks", function()
  local e
  before_each(function()
    e = ntsec.wfp.engine { clock = "virtual" }
    assert(e:import_sublayer { key = SUB1, name = "high", weight = 10 })
    assert(e:import_sublayer { key = SUB2, name = "low", weight = 5 })
    local tcp = { field = "FWPM_CONDITION_IP_PROTOCOL", match = "FWP_MATCH_EQUAL", type = "FWP_UINT8", value = "6" }
    -- SUB1: permit TCP to 443 (weight 10), block TCP (weight 5)
    assert(e:import_filter { key = PERMIT443, id = 1, name = "allow https", layer = LAYER, sublayer = SUB1,
      action = "FWP_ACTION_PERMIT", weight = 10, effective_weight = 10, conditions = { tcp,
      { field = "FWPM_CONDITION_IP_REMOTE_PORT", match = "FWP_MATCH_EQUAL", type = "FWP_UINT16", value = "443" } } })
    assert(e:import_filter { key = BLOCK_TCP, id = 2, name = "block tcp", layer = LAYER, sublayer = SUB1,
      action = "FWP_ACTION_BLOCK", weight = 5, effective_weight = 5, conditions = { tcp } })
    -- SUB2: block UDP to 10.0.0.0/8
    assert(e:import_filter { key = "{22222222-0000-4000-8000-0000000000b3}", id = 3, name = "block udp 10/8",
      layer = LAYER, sublayer = SUB2, action = "FWP_ACTION_BLOCK", weight = 1, effective_weight = 1, conditions = {
      { field = "FWPM_CONDITION_IP_PROTOCOL", match = "FWP_MATCH_EQUAL", type = "FWP_UINT8", value = "17" },
      { field = "FWPM_CONDITION_IP_REMOTE_ADDRESS", match = "FWP_MATCH_RANGE", type = "FWP_RANGE_TYPE",
        low = { type = "FWP_UINT32", value = "10.0.0.0" }, high = { type = "FWP_UINT32", value = "10.255.255.255" } } } })
  end)
  after_each(function() e:close() end)

  it("pass on hand-computed decisions", function()
    assert.permits(e, { layer = LAYER, token = EVERYONE, protocol = "tcp", port = 443, remote = "1.2.3.4" })
    assert.blocks(e, { layer = LAYER, token = EVERYONE, protocol = "tcp", port = 80, remote = "1.2.3.4" })
    assert.blocks(e, { layer = LAYER, token = EVERYONE, protocol = "udp", port = 53, remote = "10.1.1.1" })
    assert.permits(e, { layer = LAYER, token = EVERYONE, protocol = "udp", port = 53, remote = "8.8.8.8" })  -- no match
    assert.is_not.permits(e, { layer = LAYER, protocol = "tcp", port = 80, remote = "1.2.3.4" })
    assert.is_not.blocks(e, { layer = LAYER, protocol = "tcp", port = 443, remote = "1.2.3.4" })
  end)

  it("a flow whose decision depends on a field it lacks is neither permitted nor blocked", function()
    local flow = { layer = LAYER, token = EVERYONE, protocol = "tcp" }   -- no port: filter 1 may match
    assert.is_not.permits(e, flow)
    assert.is_not.blocks(e, flow)
    local msg = failure(function() assert.permits(e, flow) end)
    assert.matches("to be permitted, but the decision is DEPENDS:", msg, 1, true)
  end)

  it("a failure names the flow and the decision and prints the classification trace", function()
    local msg = failure(function()
      assert.blocks(e, { layer = LAYER, protocol = "tcp", port = 443, remote = "1.2.3.4" })
    end)
    assert.matches("Expected flow {layer=FWPM_LAYER_ALE_AUTH_CONNECT_V4, port=443, protocol=tcp, remote=1.2.3.4}"
      .. " to be blocked, but the decision is PERMIT:", msg, 1, true)
    assert.matches(("classification at %s: permit (filter) by filter 1 %s \"allow https\""):format(LAYER, PERMIT443),
      msg, 1, true)
    assert.matches("outcome 1: permit; high=permit 1(first)", msg, 1, true)
    assert.matches("    1 allow https permit: match true [decided]", msg, 1, true)
  end)

  it("a negated failure prints the trace too, with the failing condition of the filters passed", function()
    local msg = failure(function()
      assert.is_not.blocks(e, { layer = LAYER, protocol = "tcp", port = 80, remote = "1.2.3.4" })
    end)
    assert.matches("Expected flow {layer=FWPM_LAYER_ALE_AUTH_CONNECT_V4, port=80, protocol=tcp, remote=1.2.3.4}"
      .. " not to be blocked, but the decision is BLOCK:", msg, 1, true)
    assert.matches("by filter 2 " .. BLOCK_TCP .. " \"block tcp\"", msg, 1, true)
    msg = failure(function()
      assert.is_not.permits(e, { layer = LAYER, protocol = "tcp", port = 443, remote = "1.2.3.4" })
    end)
    assert.matches("not to be permitted, but the decision is PERMIT:", msg, 1, true)
  end)

  it("a flow the classifier rejects raises (a mistake in the spec, not a decision)", function()
    local msg = failure(function() assert.permits(e, { layer = "FWPM_LAYER_NO_SUCH", protocol = "tcp" }) end)
    assert.matches("ntsec.assert: the classification failed: ", msg, 1, true)
    msg = failure(function() assert.blocks(e, "tcp") end)
    assert.matches("flow is a classify table", msg, 1, true)
  end)
end)
