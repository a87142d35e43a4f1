-- check_ale_spec.lua: the built-in rule wfp-ale-permit-above-block
-- (docs/check.md "Permit above a block at an ALE layer") on hand-built
-- engines whose answer is known by construction, then on both real dumps
-- (the findings listed here were read from the XML by hand).

local ntsec = require("ntsec")
local wfp = ntsec.wfp
local ale = require("ntsec.rules.ale")
local check = require("ntsec.check")
local principals = require("ntsec.principals")

local LAYER = "FWPM_LAYER_ALE_AUTH_CONNECT_V4"
local SUB1, SUB2 = "{11111111-0000-4000-8000-000000000001}", "{11111111-0000-4000-8000-000000000002}"
local EVERYONE = assert(principals.profile("everyone"))
local DATA = "../shared/data/wfpstate/"

local function eq(field, typ, value)
  return { field = "FWPM_CONDITION_" .. field, match = "FWP_MATCH_EQUAL", type = typ, value = value }
end
local function range(field, typ, low, high)
  return { field = "FWPM_CONDITION_" .. field, match = "FWP_MATCH_RANGE", type = "FWP_RANGE_TYPE",
           low = { type = typ, value = low }, high = { type = typ, value = high } }
end
local function flags(match, value)
  return { field = "FWPM_CONDITION_FLAGS", match = "FWP_MATCH_FLAGS_" .. match, type = "FWP_UINT32", value = value }
end
local TCP = eq("IP_PROTOCOL", "FWP_UINT8", "6")
local UDP = eq("IP_PROTOCOL", "FWP_UINT8", "17")
local PORT445 = eq("IP_REMOTE_PORT", "FWP_UINT16", "445")

describe("wfp-ale-permit-above-block on hand-built engines", function()
  local e, n
  local function filter(t)
    n = n + 1
    t.key = t.key or ("{22222222-0000-4000-8000-%012d}"):format(n)
    t.name = t.name or ("f" .. n)
    t.layer = t.layer or LAYER
    t.id = n
    t.sublayer = t.sublayer or SUB1
    t.weight = t.effective_weight
    assert(e:import_filter(t))
    return t.key
  end
  local function permit(t) t.action = "FWP_ACTION_PERMIT"; return filter(t) end
  local function block(t) t.action = "FWP_ACTION_BLOCK"; return filter(t) end
  local function found()
    local out = {}
    for _, x in ipairs(ale.find(e, EVERYONE)) do out[#out + 1] = { x.permit.key, x.block.key, x.how } end
    return out
  end

  before_each(function()
    n = 0
    e = wfp.engine { clock = "virtual" }
    assert(e:import_sublayer { key = SUB1, name = "high", weight = 10 })
    assert(e:import_sublayer { key = SUB2, name = "low", weight = 5 })
  end)
  after_each(function() e:close() end)

  it("reports a permit of higher weight in the same sublayer that matches every flow of the block", function()
    local p = permit { effective_weight = 10, conditions = { TCP } }
    local b = block { effective_weight = 5, conditions = { TCP, PORT445 } }
    assert.are.same({ { p, b, "sublayer" } }, found())
  end)

  it("a permit without conditions covers any block below it", function()
    local p = permit { effective_weight = 10, conditions = {} }
    local b = block { effective_weight = 5, conditions = { UDP, range("IP_REMOTE_ADDRESS", "FWP_UINT32", "10.0.0.0", "10.0.0.9") } }
    assert.are.same({ { p, b, "sublayer" } }, found())
  end)

  it("does not report the permit below the block, nor one of equal weight (tie order undocumented)", function()
    permit { effective_weight = 5, conditions = { TCP } }
    block { effective_weight = 10, conditions = { TCP, PORT445 } }
    permit { effective_weight = 10, conditions = { TCP } }
    assert.are.same({}, found())
  end)

  it("does not report a permit that matches only part of the block's flows", function()
    permit { effective_weight = 10, conditions = { TCP, eq("IP_REMOTE_PORT", "FWP_UINT16", "443") } }
    block { effective_weight = 5, conditions = { TCP } }                     -- TCP to 80 is blocked
    permit { effective_weight = 9, conditions = { UDP } }                    -- other protocol
    permit { effective_weight = 8, conditions = { range("IP_REMOTE_ADDRESS", "FWP_UINT32", "10.0.0.0", "10.0.0.255") } }
    assert.are.same({}, found())
  end)

  it("unsigned effective weights: 0xffffffffffffffff is above 0x7fffffffffffffff", function()
    local p = permit { effective_weight = -1, conditions = { TCP } }
    local b = block { effective_weight = math.maxinteger, conditions = { TCP } }
    permit { effective_weight = 1, conditions = { TCP } }   -- below the block
    assert.are.same({ { p, b, "sublayer" } }, found())
  end)

  it("ranges: OR-ed adjacent ranges of the permit cover a block range across their seam", function()
    local p = permit { effective_weight = 10, conditions = {
      range("IP_REMOTE_ADDRESS", "FWP_UINT32", "10.0.0.0", "10.127.255.255"),
      range("IP_REMOTE_ADDRESS", "FWP_UINT32", "10.128.0.0", "10.255.255.255") } }
    local b = block { effective_weight = 5, conditions = { range("IP_REMOTE_ADDRESS", "FWP_UINT32", "10.100.0.0", "10.200.0.0") } }
    block { effective_weight = 4, conditions = { range("IP_REMOTE_ADDRESS", "FWP_UINT32", "9.255.255.255", "10.0.0.1") } }
    assert.are.same({ { p, b, "sublayer" } }, found())
  end)

  it("IPv6 ranges compare as 128-bit numbers", function()
    local l6 = "FWPM_LAYER_ALE_AUTH_CONNECT_V6"
    local p = permit { layer = l6, effective_weight = 10, conditions = {
      range("IP_REMOTE_ADDRESS", "FWP_BYTE_ARRAY16_TYPE", "fe80::", "fe80::ffff:ffff:ffff:ffff") } }
    local b = block { layer = l6, effective_weight = 5, conditions = {
      range("IP_REMOTE_ADDRESS", "FWP_BYTE_ARRAY16_TYPE", "fe80::1", "fe80::2") } }
    block { layer = l6, effective_weight = 4, conditions = {
      range("IP_REMOTE_ADDRESS", "FWP_BYTE_ARRAY16_TYPE", "fe80::1", "fe81::") } }
    assert.are.same({ { p, b, "sublayer" } }, found())
  end)

  it("flags: NONE_SET 0x1 covers NONE_SET 0x3, not the reverse; ALL_SET 0x1 covers ALL_SET 0x5", function()
    local p1 = permit { effective_weight = 10, conditions = { flags("NONE_SET", "1") } }
    local b1 = block { effective_weight = 5, conditions = { flags("NONE_SET", "3"), TCP } }
    local p2 = permit { effective_weight = 10, sublayer = SUB2, conditions = { flags("ALL_SET", "1") } }
    local b2 = block { effective_weight = 5, sublayer = SUB2, conditions = { flags("ALL_SET", "5") } }
    permit { effective_weight = 9, sublayer = SUB2, conditions = { flags("NONE_SET", "3") } }
    block { effective_weight = 4, sublayer = SUB2, conditions = { flags("NONE_SET", "1") } }
    table.sort(found(), function() return false end)
    local got = found()
    table.sort(got, function(a, b) return a[2] < b[2] end)
    assert.are.same({ { p1, b1, "sublayer" }, { p2, b2, "sublayer" } }, got)
  end)

  it("app ids: the same ALE_APP_ID blob covers itself, another app's does not; the witness carries the blob", function()
    -- "a.exe" and "b.exe" as UTF-16LE with the NUL (wfp_classify.md 2.3)
    local a = eq("ALE_APP_ID", "FWP_BYTE_BLOB_TYPE", "61002e006500780065000000")
    local b_app = eq("ALE_APP_ID", "FWP_BYTE_BLOB_TYPE", "62002e006500780065000000")
    local p = permit { effective_weight = 10, conditions = { a, TCP } }
    local b = block { effective_weight = 5, conditions = { a, TCP, PORT445 } }
    block { effective_weight = 4, conditions = { b_app, TCP } }
    local got = ale.find(e, EVERYONE)
    assert.equal(1, #got)
    assert.same({ p, b }, { got[1].permit.key, got[1].block.key })
    assert.same({ type = "FWP_BYTE_BLOB_TYPE", value = "61002e006500780065000000" }, got[1].fields.FWPM_CONDITION_ALE_APP_ID)
    assert.equal("permit", got[1].classification.decision)
    assert.equal(p, got[1].classification.filter.key)
  end)

  it("a permit run true for every value (a full range, FLAGS_ALL_SET 0) needs no block condition on its field", function()
    local p = permit { effective_weight = 10, conditions = { flags("ALL_SET", "0"),
      range("IP_REMOTE_ADDRESS", "FWP_UINT32", "0.0.0.0", "255.255.255.255"), TCP } }
    local b = block { effective_weight = 5, conditions = { TCP, PORT445 } }
    assert.are.same({ { p, b, "sublayer" } }, found())
  end)

  it("NOT_EQUAL: a permit for every port but 80 covers a block of port 445", function()
    local p = permit { effective_weight = 10, conditions = {
      { field = "FWPM_CONDITION_IP_REMOTE_PORT", match = "FWP_MATCH_NOT_EQUAL", type = "FWP_UINT16", value = "80" } } }
    local b = block { effective_weight = 5, conditions = { PORT445 } }
    block { effective_weight = 4, conditions = { range("IP_REMOTE_PORT", "FWP_UINT16", "79", "81") } }
    assert.are.same({ { p, b, "sublayer" } }, found())
  end)

  it("across sublayers only a hard permit (CLEAR_ACTION_RIGHT) of a higher sublayer that decides the witness flow", function()
    local hard = permit { effective_weight = 1, sublayer = SUB1, conditions = {},
                          flags = { "FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT" } }
    local b = block { effective_weight = 5, sublayer = SUB2, conditions = { TCP } }
    local p2 = permit { effective_weight = 99, sublayer = SUB2, conditions = { UDP },  -- same sublayer as b2
                        flags = { "FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT" } }
    local b2 = block { effective_weight = 98, sublayer = SUB2, conditions = { UDP } }
    -- hard is above both blocks (it decides SUB1 for every flow); p2 is above b2 in SUB2
    assert.are.same({ { hard, b, "hard" }, { hard, b2, "hard" }, { p2, b2, "sublayer" } }, found())
    -- the classifier agrees: the hard permit decides a TCP flow (3.5 hard_permit_kept)
    local r = assert(e:classify { layer = LAYER, token = EVERYONE, protocol = "tcp" })
    assert.are.equal("permit", r.decision)
    assert.are.equal(hard, r.filter.key)
  end)

  it("across sublayers a soft permit never stands above a block, and a hard one does not when a soft permit decides first", function()
    permit { effective_weight = 10, sublayer = SUB1, conditions = { TCP } }           -- soft: decides SUB1
    permit { effective_weight = 1, sublayer = SUB1, conditions = {},                  -- hard, never reached for TCP
             flags = { "FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT" } }
    block { effective_weight = 5, sublayer = SUB2, conditions = { TCP } }
    assert.are.same({}, found())
    local r = assert(e:classify { layer = LAYER, token = EVERYONE, protocol = "tcp" })
    assert.are.equal("block", r.decision)
  end)

  it("only filters that apply to Everyone: a block for one user SID or a permit for one service is ignored", function()
    local user_sd = eq("ALE_USER_ID", "FWP_SECURITY_DESCRIPTOR_TYPE", "O:SYG:SYD:(A;;CC;;;S-1-5-21-1-2-3-1001)")
    local wd_sd = eq("ALE_USER_ID", "FWP_SECURITY_DESCRIPTOR_TYPE", "O:SYG:SYD:(A;;CC;;;WD)")
    permit { effective_weight = 10, conditions = { TCP, user_sd } }
    block { effective_weight = 7, conditions = { TCP, PORT445 } }
    block { effective_weight = 1, sublayer = SUB2, conditions = { TCP, user_sd } }
    local p = permit { effective_weight = 8, conditions = { TCP, wd_sd } }    -- applies to Everyone
    local got = found()
    assert.are.same({ { p, e:filters()[2].key, "sublayer" } }, got)
  end)

  it("boot-time, disabled, non-ALE layers and callouts are not considered", function()
    permit { effective_weight = 10, conditions = {}, flags = { "FWPM_FILTER_FLAG_BOOTTIME" } }
    block { effective_weight = 5, conditions = { TCP } }
    permit { layer = "FWPM_LAYER_INBOUND_TRANSPORT_V4", effective_weight = 10, conditions = {} }
    block { layer = "FWPM_LAYER_INBOUND_TRANSPORT_V4", effective_weight = 5, conditions = { TCP } }
    assert.are.same({}, found())
  end)

  it("a finding names the block filter, Everyone, the permit, and carries the classification trace", function()
    local p = permit { effective_weight = 10, name = "allow tcp", conditions = { TCP } }
    local b = block { effective_weight = 5, name = "block smb", conditions = { TCP, PORT445 } }
    local rules = os.tmpname()
    local f = assert(io.open(rules, "w"))
    f:write('builtin "wfp-ale-permit-above-block"\n')
    f:close()
    local r = assert(check.run { engine = e, rules = rules })
    os.remove(rules)
    assert.are.equal(1, #r.findings)
    local x = r.findings[1]
    assert.are.equal("wfp-ale-permit-above-block", x.rule)
    assert.are.same({ kind = "filter", key = b, name = "block smb" }, x.object)
    assert.are.equal("S-1-1-0", x.principal.sid)
    assert.truthy(x.message:find("PERMIT filter 1 " .. p, 1, true))
    local trace = table.concat(x.trace, "\n")
    assert.truthy(trace:find("witness flow at " .. LAYER .. ": IP_PROTOCOL=6, IP_REMOTE_PORT=445", 1, true))
    assert.truthy(trace:find(('classification at %s: permit (filter) by filter 1 %s "allow tcp"'):format(LAYER, p), 1, true))
    assert.truthy(trace:find("BLOCK  filter 2 " .. b .. ' "block smb" sublayer ' .. SUB1
      .. " effectiveWeight 0x0000000000000005: IP_PROTOCOL EQUAL 6 AND IP_REMOTE_PORT EQUAL 445", 1, true))
  end)
end)

describe("wfp-ale-permit-above-block on the real dumps", function()
  -- Read by hand from the XML: in both dumps, in FWPM_SUBLAYER_MPSSVC_APP_ISOLATION
  -- at ALE_AUTH_CONNECT_V4 and _V6, "AppContainerLoopback" PERMIT {FLAGS
  -- ALL_SET 0x1} at effectiveWeight 0xffffffffffffffff stands above
  -- "AppContainerLoopback" BLOCK {FLAGS ALL_SET 0x1, ALE_USER_ID
  -- O:LSD:(A;;CC;;;AC)...(A;;CC;;;WD)(A;;CC;;;AN)} at 0xfffffffffffffffe,
  -- whose descriptor grants Everyone (WD) FWP_ACTRL_MATCH_FILTER.
  local EXPECTED = {
    ["netsh-wfpstate-1.xml"] = {
      { LAYER, 66877, 66883 }, { "FWPM_LAYER_ALE_AUTH_CONNECT_V6", 66878, 66884 } },
    ["netsh-wfpstate-2.xml"] = {
      { LAYER, 67179, 67187 }, { "FWPM_LAYER_ALE_AUTH_CONNECT_V6", 67180, 67188 } },
  }
  for dump, want in pairs(EXPECTED) do
    it(dump .. ": exactly the two AppContainerLoopback blocks", function()
      local e = wfp.engine()
      assert(require("ntsec.netsh").import_file(e, DATA .. dump))
      -- Everyone, and Anonymous (the block's descriptor grants AN too; the permit has no
      -- principal condition): the same pairs.
      for _, token in ipairs({ EVERYONE, ntsec.token { user = "AN" } }) do
        local got = {}
        for _, x in ipairs(ale.find(e, token)) do
          got[#got + 1] = { x.layer, x.permit.id, x.block.id }
          assert.are.equal("sublayer", x.how)
          assert.are.equal("AppContainerLoopback", x.permit.name)
          assert.are.equal("AppContainerLoopback", x.block.name)
        end
        assert.are.same(want, got)
      end
      e:close()
    end)
  end
end)
