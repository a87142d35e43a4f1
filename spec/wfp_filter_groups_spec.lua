-- ntsec.wfp.filter_groups (src/lua/nl_wfp_groups.c, the audit's filters per
-- principal at scale): filters of the given layers grouped by layer and
-- principal signature (the conditions on FILTER_GROUP_FIELDS with match,
-- type and value, and how many other conditions lie between them:
-- wfp_classify.md 2.1, 4); rows carry the filter's own fields; the other
-- layers give the conditions of one filter per signature; a session sees
-- only what it may enumerate. Expected groups are worked out by hand from
-- the filters added below.
local ntsec = require("ntsec")
local wfp = ntsec.wfp

local CONNECT, ACCEPT = "FWPM_LAYER_ALE_AUTH_CONNECT_V4", "FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4"
local INBOUND = "FWPM_LAYER_INBOUND_IPPACKET_V4"
local function sd_cond(sddl)
  return { field = "FWPM_CONDITION_ALE_USER_ID", match = "FWP_MATCH_EQUAL", type = "FWP_SECURITY_DESCRIPTOR_TYPE",
           value = sddl }
end
local SD1, SD2 = sd_cond("O:SYG:SYD:(A;;CC;;;S-1-5-21-7-8-9-1005)"), sd_cond("O:SYG:SYD:(A;;CC;;;BA)")
local TCP = { field = "FWPM_CONDITION_IP_PROTOCOL", match = "FWP_MATCH_EQUAL", type = "FWP_UINT8", value = "6" }
local UDP = { field = "FWPM_CONDITION_IP_PROTOCOL", match = "FWP_MATCH_EQUAL", type = "FWP_UINT8", value = "17" }

describe("ntsec.wfp.filter_groups", function()
  local e, s, key_of, layer_keys, layer_names
  local ACTIONS = { [wfp.FWP_ACTION_PERMIT] = "permit" }
  local function groups_of(source, keys)
    return wfp.filter_groups(source, keys or layer_keys, layer_names, {}, ACTIONS)
  end
  before_each(function()
    e = wfp.engine()
    for i, l in ipairs({ CONNECT, ACCEPT, INBOUND }) do assert(e:import_layer { key = l, name = l, id = i, flags = {} }) end
    s = assert(e:open { token = ntsec.token { user = "S-1-5-21-1-2-3-500", groups = { "BA", "WD" } } })
    key_of = {}
    local function add(name, layer, conditions, weight)
      key_of[name] = assert(s:add_filter { name = name, layer = layer, action = "FWP_ACTION_PERMIT",
                                           conditions = conditions, weight = weight })
    end
    add("sd1", CONNECT, { SD1 }, 3)
    add("tcp sd1", CONNECT, { TCP, SD1 })          -- a condition before: another signature
    add("sd1 tcp", CONNECT, { SD1, TCP })          -- a condition after: another signature
    add("sd1 udp", CONNECT, { SD1, UDP })          -- same as "sd1 tcp" (the network value does not count)
    add("sd2", CONNECT, { SD2 })
    add("sd1 accept", ACCEPT, { SD1 })              -- another layer: another group
    add("none", CONNECT, {})
    add("inbound sd2", INBOUND, { SD2 })
    add("inbound sd2 again", INBOUND, { SD2 })
    add("inbound tcp", INBOUND, { TCP })
    layer_keys, layer_names = {}, {}
    for _, l in ipairs(e:layers()) do
      if l.key_name == CONNECT or l.key_name == ACCEPT then
        layer_keys[#layer_keys + 1], layer_names[#layer_names + 1] = l.key, l.key_name
      end
    end
  end)
  after_each(function() e:close() end)

  local function names(groups)
    local out = {}
    for _, g in ipairs(groups) do
      local list = {}
      for _, row in ipairs(g.rows) do list[#list + 1] = row.name end
      out[#out + 1] = ({ [CONNECT] = "C", [ACCEPT] = "A" })[g.layer] .. ":" .. table.concat(list, ",")
    end
    return out
  end

  for _, source in ipairs({ "engine", "session" }) do
    it("groups by layer and principal signature, in enumeration order (" .. source .. ")", function()
      local groups, named = groups_of(source == "engine" and e or s)
      assert.are.same({ "C:sd1", "C:tcp sd1", "C:sd1 tcp,sd1 udp", "C:sd2", "A:sd1 accept", "C:none" },
                      names(groups))
      -- the group's conditions are its first filter's
      assert.are.same({ "FWPM_CONDITION_IP_PROTOCOL", "FWPM_CONDITION_ALE_USER_ID" },
                      { groups[2].conditions[1].field, groups[2].conditions[2].field })
      assert.are.equal("O:SYG:SYD:(A;;CC;;;S-1-5-21-7-8-9-1005)", groups[1].conditions[1].value)
      -- other layers: one filter per distinct signature ({SD2}, {TCP})
      assert.are.equal(2, #named)
      assert.are.equal("O:SYG:SYD:(A;;CC;;;BA)", named[1][1].value)
      assert.are.equal("FWPM_CONDITION_IP_PROTOCOL", named[2][1].field)
      local row = groups[1].rows[1]
      assert.are.same({ key_of["sd1"], "sd1", "permit", "3", CONNECT }, { row.key, row.name, row.action, row.weight,
                                                                     row.layer })
      assert.are.equal(groups[1], row.group)
      assert.is_string(row.sublayer)
      assert.is_number(row.id)
      assert.are.same({ 1, 0, 0 }, { groups[1].permit, groups[1].block, groups[1].callout })
      assert.are.same({ 2, 0 }, { groups[3].permit, groups[3].callout })
    end)

    it("orders each layer's rows for arbitration (weight, then id) and ranks them (" .. source .. ")", function()
      local _, _, rows = groups_of(source == "engine" and e or s)
      -- sd1 has weight 3, the others none (0): sd1 first, then by filter id (the order they were added)
      local order = {}
      for i, row in ipairs(rows[CONNECT]) do
        order[i] = row.name
        assert.are.equal(i, row.rank)
      end
      assert.are.same({ "sd1", "tcp sd1", "sd1 tcp", "sd1 udp", "sd2", "none" }, order)
      assert.are.equal(1, #rows[ACCEPT])
      assert.is_nil(rows[INBOUND])
    end)
  end

  it("leaves out what the session may not read, and says when it cannot enumerate", function()
    -- a filter only SYSTEM may read: left out of the session's enumeration (wfp_enum.h)
    assert(s:add_filter { name = "system only", layer = CONNECT, action = "FWP_ACTION_PERMIT", conditions = { SD2 },
                          sd = "O:SYG:SYD:(A;;GA;;;SY)" })
    assert.are.same({ "C:sd1", "C:tcp sd1", "C:sd1 tcp,sd1 udp", "C:sd2", "A:sd1 accept", "C:none" },
                    names(groups_of(s)))
    assert.are.same({ "C:sd1", "C:tcp sd1", "C:sd1 tcp,sd1 udp", "C:sd2,system only", "A:sd1 accept", "C:none" },
                    names(groups_of(e)))
    -- a standard user may not enumerate filters: nil and ERROR_ACCESS_DENIED (user mode)
    local user = assert(e:open { token = ntsec.token { user = "S-1-5-21-1-2-3-1001", groups = { "WD" } } })
    local groups, code = groups_of(user)
    assert.is_nil(groups)
    assert.are.equal(5, code)
    user:close()
    assert.has_error(function() groups_of(user) end)
    assert.has_error(function() wfp.filter_groups(e, { "not a key" }, { "x" }, {}, {}) end)
  end)

  -- The classifier's order (ntsec_wfp_rank_cmp, wfp_classify.md 3.2, 3.3),
  -- worked out by hand: known sublayers by weight, higher first (h 9, then
  -- a and b at 5, tied: key bytes ascending, a before b); unknown sublayers
  -- last; inside a sublayer the effective weight, higher first, where a
  -- filter without one ranks FWP_UINT8 w as w << 60 (u8: 3 << 60 above
  -- big64's FWP_UINT64 2^40); then the filter id.
  it("orders rows as the classifier arbitrates: weight types, sublayer ties, unknown sublayers", function()
    local ordered = wfp.engine()
    assert(ordered:import_layer { key = CONNECT, name = CONNECT, id = 1, flags = {} })
    local SA, SB = "{11111111-0000-4000-8000-000000000001}", "{11111111-0000-4000-8000-000000000002}"
    local SH, UNKNOWN = "{11111111-0000-4000-8000-000000000003}", "{11111111-0000-4000-8000-000000000009}"
    assert(ordered:import_sublayer { key = SA, name = "a", weight = 5 })
    assert(ordered:import_sublayer { key = SB, name = "b", weight = 5 })
    assert(ordered:import_sublayer { key = SH, name = "h", weight = 9 })
    for id, f in ipairs({ { "b-late", SB, 2 }, { "a-first", SA, 2 }, { "big64", SH, 1 << 40 }, { "u8", SH, 3 },
                          { "orphan", UNKNOWN, 15 } }) do
      assert(ordered:import_filter { key = ("{33333333-0000-4000-8000-%012d}"):format(id), name = f[1], id = id,
                                     layer = CONNECT, sublayer = f[2], weight = f[3], action = "FWP_ACTION_PERMIT",
                                     conditions = {} })
    end
    local keys, subs = {}, {}
    for _, l in ipairs(ordered:layers()) do if l.key_name == CONNECT then keys[1] = l.key end end
    for _, sl in ipairs(ordered:sublayers()) do subs[sl.key] = sl end
    local _, _, rows = wfp.filter_groups(ordered, keys, { CONNECT }, subs, ACTIONS)
    local order = {}
    for i, row in ipairs(rows[CONNECT]) do order[i] = row.name end
    assert.are.same({ "u8", "big64", "a-first", "b-late", "orphan" }, order)
    ordered:close()
  end)

  it("lists the fields of the signature", function()
    assert.are.same({ "FWPM_CONDITION_ALE_APP_ID", "FWPM_CONDITION_ALE_PACKAGE_FAMILY_NAME",
                      "FWPM_CONDITION_ALE_PACKAGE_ID", "FWPM_CONDITION_ALE_USER_ID" }, wfp.FILTER_GROUP_FIELDS)
  end)
end)
