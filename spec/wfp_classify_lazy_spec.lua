-- wfp_classify_lazy_spec.lua: engine:classify's result built in two parts
-- (docs/classify.md "Lua API", docs/performance.md "Classification"): the
-- outcomes and the trace are built on first use, by index or by pairs, and
-- must then hold what an eager result held; a result keeps the filters it
-- was classified against; the descriptor memo kept between calls of one
-- token never leaks into another token's answer. Expected values are
-- hand-computed from wfp_classify.md (3.4, 3.5) on small engines, and the
-- Done-when flows of netsh-wfpstate-2.xml read by hand from the dump
-- (docs/classify.md).

local ntsec = require("ntsec")
local json = require("dkjson")
local wfp = ntsec.wfp

local LAYER = "FWPM_LAYER_ALE_AUTH_CONNECT_V4"
local SUB = "{11111111-0000-4000-8000-000000000001}"
local PERMIT_KEY = "{33333333-0000-4000-8000-000000000001}"
local BLOCK_KEY = "{33333333-0000-4000-8000-000000000002}"
local TCP = { { field = "FWPM_CONDITION_IP_PROTOCOL", match = "FWP_MATCH_EQUAL", type = "FWP_UINT8", value = "6" } }

local function keys_of(t)
  local out = {}
  for k in pairs(t) do out[#out + 1] = k end
  table.sort(out)
  return out
end

describe("engine:classify results: outcomes and trace on first use", function()
  local e
  before_each(function()
    e = wfp.engine { clock = "virtual" }
    assert(e:import_sublayer { key = SUB, name = "only", weight = 10 })
    -- one soft permit for TCP: a TCP flow is PERMIT by it (3.4, 3.5 first)
    assert(e:import_filter { key = PERMIT_KEY, name = "tcp permit", layer = LAYER, sublayer = SUB,
                             action = "FWP_ACTION_PERMIT", conditions = TCP, weight = 1, id = 1 })
  end)
  after_each(function() e:close() end)

  local EAGER = { "assumptions", "decision", "filter", "layer", "layer_filters", "reason", "verdict" }

  it("pairs over a fresh result lists outcomes and trace, then the result is a plain table", function()
    local r = assert(e:classify { layer = LAYER, protocol = "tcp" })
    local expected = { table.unpack(EAGER) }
    expected[#expected + 1] = "outcomes"
    expected[#expected + 1] = "trace"
    table.sort(expected)
    assert.are.same(expected, keys_of(r))
    assert.is_nil(getmetatable(r))
    assert.is_table(rawget(r, "outcomes"))
    assert.is_table(rawget(r, "trace"))
    assert.are.equal("permit", r.decision)
    local f = r.trace.sublayers[1].filters[1]
    assert.are.equal(PERMIT_KEY, f.key)
    assert.are.equal("true", f.match)
    assert.are.same({ "decided" }, f.roles)
    assert.are.equal("permit", r.outcomes[1].final.action)
    assert.are.equal(PERMIT_KEY, r.outcomes[1].final.filter.key)
  end)

  it("reading one lazy field builds both; other absent keys build nothing", function()
    local r = assert(e:classify { layer = LAYER, protocol = "udp" })
    assert.is_nil(r.truncated)
    assert.is_not_nil(getmetatable(r))
    assert.are.equal(1, #r.outcomes)
    assert.is_nil(getmetatable(r))
    assert.is_table(rawget(r, "trace"))
    -- UDP: the filter's only condition is FALSE (2.1), nothing decides (3.6)
    assert.are.equal("no_match", r.reason)
    assert.are.equal("false", r.trace.sublayers[1].filters[1].match)
    assert.are.equal("FWPM_CONDITION_IP_PROTOCOL", r.trace.sublayers[1].filters[1].failed.field)
  end)

  it("a JSON writer sees the same content as an eagerly read result", function()
    local fresh = assert(e:classify { layer = LAYER, protocol = "tcp" })
    local read = assert(e:classify { layer = LAYER, protocol = "tcp" })
    local _ = read.trace
    local a, b = json.decode(json.encode(fresh)), json.decode(json.encode(read))
    assert.are.same(b, a)
    assert.are.equal(PERMIT_KEY, a.trace.sublayers[1].filters[1].key)
    assert.are.equal("permit", a.outcomes[1].final.action)
  end)

  it("trace = false: outcomes only", function()
    local r = assert(e:classify { layer = LAYER, protocol = "tcp", trace = false })
    local ks = keys_of(r)
    assert.is_nil(r.trace)
    assert.are.equal(#EAGER + 1, #ks)
    assert.are.equal("permit", r.outcomes[1].final.action)
  end)

  it("a result keeps the filters it was classified against (engine changed, then closed)", function()
    local before = assert(e:classify { layer = LAYER, protocol = "tcp" })
    -- a hard block with a higher weight in the same sublayer decides first (3.4)
    assert(e:import_filter { key = BLOCK_KEY, name = "tcp block", layer = LAYER, sublayer = SUB,
                             action = "FWP_ACTION_BLOCK", conditions = TCP, weight = 9, id = 2 })
    local after = assert(e:classify { layer = LAYER, protocol = "tcp" })
    assert.are.equal("block", after.decision)
    assert.are.equal(BLOCK_KEY, after.trace.sublayers[1].filters[1].key)
    assert.are.equal(1, #before.trace.sublayers[1].filters)
    assert.are.equal(PERMIT_KEY, before.trace.sublayers[1].filters[1].key)
    local unread = assert(e:classify { layer = LAYER, protocol = "tcp" })
    e:close()
    collectgarbage()
    assert.are.equal(BLOCK_KEY, unread.trace.sublayers[1].filters[1].key)
    assert.are.equal(1, #unread.trace.sublayers[1].filters)   -- the hard block ends the walk (3.4)
    e = wfp.engine()   -- for after_each
  end)
end)

describe("engine:classify: descriptor memo between calls (netsh-wfpstate-2.xml)", function()
  local netsh = require("ntsec.netsh")
  local helper = require("spec.helper")
  local APP = "\\device\\harddiskvolume6\\program files\\contoso\\app.exe"
  -- read by hand from the dump (docs/classify.md, wfp_classify_spec.lua)
  local K68201 = "{9ddfec61-82b6-4485-b818-2b5d0e624348}"   -- InternetClient Default Rule
  local K67654 = "{bcb1ada3-40e1-4654-961e-9fcf8bc88677}"   -- UWP Default Outbound Block Rule
  local K67639 = "{59c9fdc0-f0eb-4299-bf41-b5dfcee38201}"   -- Default Outbound
  local e
  setup(function()
    e = wfp.engine()
    assert(netsh.import_file(e, helper.data("wfpstate/netsh-wfpstate-2.xml")))
  end)
  teardown(function() e:close() end)

  local function tok(extra)
    local spec = { user = "S-1-5-21-1-2-3-1001", groups = { "WD", "S-1-5-11" } }
    for k, v in pairs(extra or {}) do spec[k] = v end
    return ntsec.token(spec)
  end

  it("an integer and its {type=, value=} text form give the same answer; out of width is bad input", function()
    local with = tok { package = "S-1-15-2-1-2-3-4-5-6-7", capabilities = { "internetClient" } }
    local base = { layer = LAYER, token = with, app = APP, remote = "8.8.8.8", protocol = "tcp", profile = "public" }
    local function flow(extra)
      local f = {}
      for k, v in pairs(base) do f[k] = v end
      for k, v in pairs(extra) do f[k] = v end
      return f
    end
    local a = assert(e:classify(flow { port = 443 }))
    local b = assert(e:classify(flow { fields = { FWPM_CONDITION_IP_REMOTE_PORT = { type = "FWP_UINT16", value = "443" } } }))
    assert.are.equal(K68201, a.filter.key)
    assert.are.equal(K68201, b.filter.key)
    -- FWP_UINT16 holds 0..65535 (wfp_classify.md 1.4)
    for _, bad in ipairs { 65536, -1 } do
      local r, err = e:classify(flow { port = bad })
      assert.is_nil(r)
      assert.are.equal("STATUS_INVALID_PARAMETER", err.name)
      assert.matches("FWPM_CONDITION_IP_REMOTE_PORT: FWP_UINT16 value '" .. bad .. "'", err.detail, 1, true)
    end
    local r, err = e:classify(flow { fields = { FWPM_CONDITION_FLAGS = 0x100000000 } })
    assert.is_nil(r)
    assert.matches("FWPM_CONDITION_FLAGS: FWP_UINT32 value '4294967296'", err.detail, 1, true)
  end)

  it("same token repeated, tokens alternating: each answer is its own token's", function()
    local with = tok { package = "S-1-15-2-1-2-3-4-5-6-7", capabilities = { "internetClient" } }
    local without = tok { package = "S-1-15-2-1-2-3-4-5-6-7" }
    local plain = tok()
    local expect = { [with] = K68201, [without] = K67654, [plain] = K67639 }
    local order = { with, with, without, without, with, plain, plain, without, with, plain }
    for i, t in ipairs(order) do
      local r = assert(e:classify { layer = LAYER, token = t, app = APP, remote = "8.8.8.8", protocol = "tcp",
                                    port = 443, profile = "public" })
      assert.are.equal(expect[t], r.filter.key, "flow " .. i)
    end
  end)
end)
