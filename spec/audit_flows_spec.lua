-- audit_flows_spec.lua: the audit's per-principal section (issue 12, "In
-- the main job"; docs/audit.md "Filters and flows per principal").
-- Expected values: hand-built engines whose filters apply to known
-- principals (wfp_classify.md 2.4-2.6, 4), an independent reader of the
-- dump XML (LuaExpat, a few spec rules, no ntsec code) for the counts on the
-- real dump, Python's hashlib for the service SIDs, and the deciding filters
-- of examples/classify_policy.lua read by hand from the dump (below).

local ntsec = require("ntsec")
local flows = require("ntsec.audit_flows")
local principals = require("ntsec.principals")
local cmd = require("spec.support.cmd")

local CONNECT, ACCEPT = "FWPM_LAYER_ALE_AUTH_CONNECT_V4", "FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4"
local DHCP = "S-1-5-80-2940520708-3855866260-481812779-327648279-1710889582"
local USER = "S-1-5-21-7-8-9-1005"

local function sd_cond(sddl)
  return { field = "FWPM_CONDITION_ALE_USER_ID", match = "FWP_MATCH_EQUAL", type = "FWP_SECURITY_DESCRIPTOR_TYPE",
           value = sddl }
end
local IS_APPCONTAINER = { field = "FWPM_CONDITION_ALE_PACKAGE_ID", match = "FWP_MATCH_NOT_EQUAL", type = "FWP_SID",
                          value = "S-1-0-0" }
local TCP = { field = "FWPM_CONDITION_IP_PROTOCOL", match = "FWP_MATCH_EQUAL", type = "FWP_UINT8", value = "6" }

describe("ntsec.service_sids", function()
  it("holds the SID of every listed service: S-1-5-80- and the SHA-1 of its upper-case UTF-16LE name"
    .. " (recomputed with Python's hashlib)", function()
    local list = require("ntsec.service_sids").LIST
    local names = {}
    for i, e in ipairs(list) do names[i] = e[1] end
    local script = "import hashlib,struct,sys\n"
      .. "for n in sys.argv[1:]:\n"
      .. "  h=hashlib.sha1(n.upper().encode('utf-16-le')).digest()\n"
      .. "  print(n, 'S-1-5-80-'+'-'.join(str(x) for x in struct.unpack('<5I',h)))\n"
    local f = assert(io.open("/tmp/ntsec_service_sids.py", "w"))
    f:write(script)
    f:close()
    local out = cmd.run("python3 /tmp/ntsec_service_sids.py " .. table.concat(names, " "))
    local i = 0
    for name, sid in out:gmatch("(%S+) (%S+)\n") do
      i = i + 1
      assert.are.same({ name, sid }, list[i])
    end
    assert.are.equal(#list, i)
    assert.are.equal(60, i)
    os.remove("/tmp/ntsec_service_sids.py")
  end)
end)

-- A hand-built engine: two ALE layers, filters whose principal conditions
-- name the Dhcp service, a user SID, AppContainers and internetClient.
describe("audit_flows.run on a hand-built engine", function()
  local e, s
  before_each(function()
    e = ntsec.wfp.engine()
    assert(e:import_layer { key = CONNECT, name = "ALE Connect v4 Layer", id = 48, flags = {} })
    assert(e:import_layer { key = ACCEPT, name = "ALE Receive/Accept v4 Layer", id = 44, flags = {} })
    assert(e:import_layer { key = "FWPM_LAYER_INBOUND_IPPACKET_V4", name = "Inbound IP Packet v4 Layer", id = 0,
                            flags = {} })
    s = assert(e:open { token = ntsec.token { user = "S-1-5-21-1-2-3-500", groups = { "BA", "WD" } } })
    local function add(name, layer, action, conditions, weight)
      return assert(s:add_filter { name = name, layer = layer, action = action, conditions = conditions,
                                   weight = weight })
    end
    -- one sublayer; weights order the connect filters (3.3)
    add("dhcp out", CONNECT, "FWP_ACTION_PERMIT", { sd_cond("O:SYG:SYD:(A;;CCRC;;;" .. DHCP .. ")") }, 10)
    add("appcontainers blocked", CONNECT, "FWP_ACTION_BLOCK", { IS_APPCONTAINER }, 5)
    add("internetClient", CONNECT, "FWP_ACTION_PERMIT",
        { IS_APPCONTAINER, sd_cond("O:LSD:(A;;CC;;;S-1-15-3-1)(A;;CC;;;WD)(A;;CC;;;AN)") }, 8)
    add("everyone tcp", CONNECT, "FWP_ACTION_PERMIT", { TCP }, 1)
    add("user in", ACCEPT, "FWP_ACTION_BLOCK", { sd_cond("O:SYG:SYD:(A;;CC;;;" .. USER .. ")") })
    add("any AppContainer in", ACCEPT, "FWP_ACTION_PERMIT", { sd_cond("D:(A;;CC;;;AC)") })
    add("not ALE", "FWPM_LAYER_INBOUND_IPPACKET_V4", "FWP_ACTION_BLOCK", {})
  end)
  after_each(function() e:close() end)

  local function by_name(section)
    local out = {}
    for _, p in ipairs(section.principals) do out[p.name] = p end
    return out
  end
  -- the names of the filters that apply (common and specific), sorted,
  -- and the principal's layer entry
  local function names_at(section, name, layer)
    local out = {}
    for i, f in ipairs(flows.applying(section, name, layer)) do out[i] = f.name end
    table.sort(out)
    for _, p in ipairs(section.principals) do
      if p.name == name then
        for _, l in ipairs(p.layers) do if l.layer == layer then return out, l end end
      end
    end
  end

  it("names the dump's principals: the service, the user, the capability, ALL APPLICATION PACKAGES", function()
    local list = flows.dump_principals(e)
    local got = {}
    for i, p in ipairs(list) do got[i] = { p.label, p.kind, p.sid, p.name } end
    assert.are.same({
      { "NT SERVICE\\Dhcp", "service", DHCP, "Dhcp" },
      { USER, "user", USER },
      { "AppContainer+internetClient", "capability", "S-1-15-3-1", "internetClient" },
      { "AppContainer (no capability)", "appcontainer", "S-1-15-2-1" },
    }, got)
  end)

  it("builds each principal's token as Windows would (docs/principals.md)", function()
    local list = flows.dump_principals(e)
    local svc, user, cap, ac = list[1].token, list[2].token, list[3].token, list[4].token
    assert.are.equal("S-1-5-19", tostring(svc:user()))
    local owner
    for _, g in ipairs(svc:groups()) do
      if tostring(g.sid) == DHCP then owner = g.attributes end
    end
    -- SE_GROUP_MANDATORY | ENABLED_BY_DEFAULT | ENABLED | OWNER (wfp_classify.md 2.8)
    assert.are.equal(0xF, owner & 0xF)
    assert.are.equal(USER, tostring(user:user()))
    local classify = require("ntsec.classify")
    assert.are.same({ "S-1-15-3-1" }, classify.appcontainer(cap).capabilities)
    assert.are.equal(principals.APPCONTAINER_PACKAGE_SID, classify.appcontainer(cap).package)
    assert.are.same({}, classify.appcontainer(ac).capabilities)
  end)

  it("lists per principal and ALE layer the filters that apply, with counts (known by construction)", function()
    local labels = { "user", "appcontainer" }
    local tokens = { principals.profile("user"), principals.profile("appcontainer") }
    local section = assert(flows.run(e, labels, tokens, nil))
    assert.are.same({ CONNECT, ACCEPT }, section.layers)  -- by name
    -- the internetClient principal is the audit's "appcontainer" profile
    assert.is_nil(by_name(section)["AppContainer+internetClient"])
    assert.are.same({ { sid = "S-1-15-3-1", kind = "capability", principal = "appcontainer" } }, section.merged)
    local order = {}
    for i, x in ipairs(section.principals) do order[i] = x.name .. "/" .. x.source end
    assert.are.same({ "user/audit", "appcontainer/audit", "NT SERVICE\\Dhcp/dump", USER .. "/dump",
                      "AppContainer (no capability)/dump" }, order)
    assert.are.same({ "everyone tcp" }, names_at(section, "user", CONNECT))
    assert.are.same({}, names_at(section, "user", ACCEPT))
    assert.are.same({ "appcontainers blocked", "everyone tcp", "internetClient" },
                    names_at(section, "appcontainer", CONNECT))
    -- the profile's user is not USER; D:(A;;CC;;;AC) matches in pass 2
    -- only, and pass 1 (user and groups) grants nothing: no match (2.5)
    assert.are.same({}, names_at(section, "appcontainer", ACCEPT))
    assert.are.same({}, names_at(section, "AppContainer (no capability)", ACCEPT))
    assert.are.same({ "dhcp out", "everyone tcp" }, names_at(section, "NT SERVICE\\Dhcp", CONNECT))
    assert.are.same({ "user in" }, names_at(section, USER, ACCEPT))
    local names, l = names_at(section, "AppContainer (no capability)", CONNECT)
    assert.are.same({ "appcontainers blocked", "everyone tcp" }, names)
    assert.are.same({ 2, 1, 1, 0 }, { l.count, l.permit, l.block, l.callout })
    -- "everyone tcp" applies to every principal: listed once, in common
    local everyone_tcp
    for _, f in ipairs(section.filters[CONNECT]) do if f.name == "everyone tcp" then everyone_tcp = f.id end end
    assert.are.same({ { layer = CONNECT, count = 1, ids = { everyone_tcp } }, { layer = ACCEPT, count = 0, ids = {} } },
                    section.common)
    local blocked
    for _, x in ipairs(section.filters[CONNECT]) do if x.name == "appcontainers blocked" then blocked = x.id end end
    assert.are.same({ blocked }, l.specific)
    -- arbitration order at the layer: weights 10, 8, 5, 1 (3.3); "not ALE" is not listed
    local order_at = {}
    for i, f in ipairs(section.filters[CONNECT]) do order_at[i] = f.name end
    assert.are.same({ "dhcp out", "internetClient", "appcontainers blocked", "everyone tcp" }, order_at)
    assert.is_nil(section.filters["FWPM_LAYER_INBOUND_IPPACKET_V4"])
    local f = section.filters[CONNECT][1]
    assert.are.same({ "permit", "FWPM_LAYER_ALE_AUTH_CONNECT_V4", "FWPM_SUBLAYER_UNIVERSAL" },
                    { f.action, f.layer, f.sublayer_name })
  end)

  it("keeps apart principal conditions that form one OR-ed run and two AND-ed runs (2.1)", function()
    local sd1 = sd_cond("O:SYG:SYD:(A;;CC;;;" .. DHCP .. ")")
    local sd2 = sd_cond("O:SYG:SYD:(A;;CC;;;" .. USER .. ")")
    -- the same principal conditions, other network conditions: one group
    assert(s:add_filter { name = "or-run tcp", layer = ACCEPT, action = "FWP_ACTION_PERMIT", conditions = { sd1, sd2, TCP } })
    assert(s:add_filter { name = "or-run", layer = ACCEPT, action = "FWP_ACTION_PERMIT", conditions = { sd1, sd2 } })
    -- the same conditions, a network condition between: two runs, AND
    assert(s:add_filter { name = "and-runs", layer = ACCEPT, action = "FWP_ACTION_PERMIT", conditions = { sd1, TCP, sd2 } })
    local section = assert(flows.run(e, {}, {}, nil))
    -- the Dhcp service is granted by sd1 only, USER by sd2 only
    assert.are.same({ "or-run", "or-run tcp" }, names_at(section, "NT SERVICE\\Dhcp", ACCEPT))
    assert.are.same({ "or-run", "or-run tcp", "user in" }, names_at(section, USER, ACCEPT))
    -- and what the audited engine's own filters_for says, filter by filter
    local direct = {}
    for _, f in ipairs(e:filters_for(flows.dump_principals(e)[1].token, ACCEPT)) do direct[#direct + 1] = f.name end
    table.sort(direct)
    assert.are.same(direct, names_at(section, "NT SERVICE\\Dhcp", ACCEPT))
  end)

  it("gives the same section when the policy stopped the engine (engine:filters() instead of a session)", function()
    local json = require("dkjson")
    local a = assert(flows.run(e, { "user" }, { principals.profile("user") }, nil))
    e:set_running(false)
    local b = assert(flows.run(e, { "user" }, { principals.profile("user") }, nil))
    assert.are.equal(json.encode(flows.json { classification = a }), json.encode(flows.json { classification = b }))
  end)

  it("classifies each declared flow for its principals", function()
    local section = assert(flows.run(e, { "user" }, { principals.profile("user") }, {
      { name = "web", layer = CONNECT, protocol = "tcp", remote = "10.0.0.1", port = 443,
        principals = { "user", "AppContainer (no capability)", "NT SERVICE\\Dhcp" } },
      { name = "udp", layer = CONNECT, protocol = "udp", remote = "10.0.0.1", port = 53, principals = "user" },
    }))
    local r = section.flows[1].results
    assert.are.same({ "user", "permit", "everyone tcp" }, { r[1].principal, r[1].decision, r[1].filter.name })
    -- "internetClient" (weight 8) fails in pass 2; "appcontainers blocked" (5) decides
    assert.are.same({ "AppContainer (no capability)", "block", "appcontainers blocked" },
                    { r[2].principal, r[2].decision, r[2].filter.name })
    assert.are.same({ "NT SERVICE\\Dhcp", "permit", "dhcp out" }, { r[3].principal, r[3].decision, r[3].filter.name })
    local u = section.flows[2].results[1]
    assert.are.same({ "permit", "no_match" }, { u.decision, u.reason })
    assert.is_nil(u.filter)
  end)

  it("refuses a flow not of the documented shape with one message naming it", function()
    local function err(flow)
      local ok, msg = flows.run(e, {}, {}, { flow })
      assert.is_nil(ok)
      return msg
    end
    assert.matches("^flows%[1%]: unknown field 'prot'", err { name = "x", layer = CONNECT, prot = "tcp" })
    assert.matches("^flows%[1%]: field 'layer' is required", err { name = "x" })
    assert.matches("^flows%[1%]%.port must be a number", err { name = "x", layer = CONNECT, port = "443" })
    assert.matches("^flows%[1%]%.principals%[1%]: ", err { name = "x", layer = CONNECT, principals = { "nobody" } })
    assert.matches('^flows%[1%] "x": .*address', err { name = "x", layer = CONNECT, remote = "not-an-address" })
    assert.matches("^flows must be a list", select(2, flows.run(e, {}, {}, "x")))
  end)

  it("renders text, JSON and HTML", function()
    local section = assert(flows.run(e, { "user" }, { principals.profile("user") }, {
      { name = "web <b>", layer = CONNECT, protocol = "tcp", remote = "10.0.0.1", port = 443 } }))
    local text = table.concat(flows.text({}, { classification = section }), "\n")
    assert.matches("L2  " .. ACCEPT, text, 1, true)
    assert.matches("\n +1 +0  user\n", text)
    assert.matches("PERMIT by %d+ {[^}]+} \"everyone tcp\": user", text)
    assert.matches("BLOCK by %d+ {[^}]+} \"appcontainers blocked\": AppContainer %(no capability%)", text)
    assert.matches("PERMIT by %d+ {[^}]+} \"internetClient\": AppContainer%+internetClient", text)
    local doc = require("dkjson").encode { classification = flows.json { classification = section } }
    assert.matches('"source":"dump"', doc, 1, true)
    local html = flows.html { classification = section }
    assert.matches("web &lt;b&gt;", html, 1, true)
    assert.is_nil(html:find("<b>\"", 1, true))
    assert.is_nil(html:find("https?://"))
    assert.are.equal("", flows.html({}))
    assert.are.same({}, flows.text({}, {}))
  end)
end)

-- Counts on netsh-wfpstate-2.xml against an independent reader: LuaExpat
-- over the XML, and the rules of wfp_classify.md 2.4-2.6 and 4 for three
-- principals whose SID sets are written here: a filter applies unless a
-- principal condition is false. ALE_USER_ID / ALE_PACKAGE_FAMILY_NAME:
-- allow ACEs granting CC (every ACE of the dump's descriptors is an allow
-- with CC, 2.4); pass 1 matches the token's SIDs, pass 2 (AppContainer)
-- only the package SID, the capabilities and AC; XA ACEs need
-- WIN://SYSAPPID, which none of these tokens carries. ALE_PACKAGE_ID:
-- EQUAL / NOT_EQUAL S-1-0-0 (2.6). Same field in adjacent conditions: OR.
describe("audit_flows on netsh-wfpstate-2.xml", function()
  local lxp = require("lxp")
  local STATE = "../shared/data/wfpstate/netsh-wfpstate-2.xml"
  local ALIASES = { WD = "S-1-1-0", AN = "S-1-5-7", AC = "S-1-15-2-1", SY = "S-1-5-18", LS = "S-1-5-19",
                    AU = "S-1-5-11", BU = "S-1-5-32-545", NS = "S-1-5-20" }

  -- {layer=, conditions={{field=, match=, value=}}} per filter.
  local function read_filters()
    local filters, stack, text, cur, cond, layer = {}, {}, {}, nil, nil, nil
    local p = lxp.new {
      StartElement = function(_, name)
        stack[#stack + 1] = name
        text = {}
        local path = table.concat(stack, "/")
        if path == "wfpstate/layers/item/filters/item" then cur = { layer = layer, conditions = {} } end
        if path == "wfpstate/layers/item/filters/item/filterCondition/item" then cond = {} end
      end,
      CharacterData = function(_, s) text[#text + 1] = s end,
      EndElement = function(_, name)
        local path = table.concat(stack, "/")
        local t = table.concat(text)
        if path == "wfpstate/layers/item/layer/layerKey" then layer = t end
        if cond then
          if name == "fieldKey" then cond.field = t
          elseif name == "matchType" then cond.match = t
          elseif name == "sd" or name == "sid" then cond.value = t end
        end
        if path == "wfpstate/layers/item/filters/item/filterCondition/item" then
          cur.conditions[#cur.conditions + 1] = cond
          cond = nil
        elseif path == "wfpstate/layers/item/filters/item" then
          filters[#filters + 1] = cur
        end
        stack[#stack] = nil
        text = {}
      end,
    }
    local f = assert(io.open(STATE, "rb"))
    local data = f:read("a")
    f:close()
    data = data:sub(1, (data:find("</wfpstate>", 1, true)) + #"</wfpstate>" - 1)
    assert(p:parse(data))
    p:close()
    return filters
  end

  local function grants(sddl, sids)
    for rights, sid in sddl:gmatch("%(A;[^;]*;(%u+);;;([^%)]+)%)") do
      if rights:find("CC", 1, true) and sids[ALIASES[sid] or sid] then return true end
    end
    return false
  end

  -- nil when the condition is not about the principal (open), else its truth.
  local function principal_truth(c, who)
    if c.field == "FWPM_CONDITION_ALE_USER_ID" or c.field == "FWPM_CONDITION_ALE_PACKAGE_FAMILY_NAME" then
      local ok = grants(c.value, who.sids) and (not who.pass2 or grants(c.value, who.pass2))
      return c.match == "FWP_MATCH_EQUAL" and ok
    elseif c.field == "FWPM_CONDITION_ALE_PACKAGE_ID" then
      local same = (who.package or "S-1-0-0") == c.value
      if c.match == "FWP_MATCH_EQUAL" then return same end
      return not same
    end
    return nil
  end

  local function applies(f, who)
    local i = 1
    while i <= #f.conditions do
      local field, any_true, any_false = f.conditions[i].field, false, false
      while i <= #f.conditions and f.conditions[i].field == field do
        local t = principal_truth(f.conditions[i], who)
        if t == nil or t then any_true = true else any_false = true end
        i = i + 1
      end
      if any_false and not any_true then return false end
    end
    return true
  end

  local function set(list)
    local out = {}
    for _, x in ipairs(list) do out[x] = true end
    return out
  end
  local STD_USER = { "S-1-5-21-1004336348-1177238915-682003330-1002", "S-1-1-0", "S-1-5-4", "S-1-2-1", "S-1-5-11",
                     "S-1-5-15", "S-1-2-0", "S-1-5-113", "S-1-5-32-545" }
  local WHO = {
    ["NT SERVICE\\Dhcp"] = { sids = set { "S-1-5-19", "S-1-1-0", "S-1-5-32-545", "S-1-5-6", "S-1-2-1", "S-1-5-11",
                                          "S-1-5-15", "S-1-2-0", DHCP } },
    ["user"] = { sids = set(STD_USER) },
    ["appcontainer"] = { sids = set(STD_USER), pass2 = set { principals.APPCONTAINER_PACKAGE_SID, "S-1-15-3-1",
                                                              "S-1-15-2-1" },
                         package = principals.APPCONTAINER_PACKAGE_SID },
  }

  local section, expected
  setup(function()
    local e = ntsec.wfp.engine()
    assert(require("ntsec.netsh").import_file(e, STATE))
    section = assert(flows.run(e, { "user", "appcontainer" },
                                  { principals.profile("user"), principals.profile("appcontainer") }, nil))
    e:close()
    expected = {}
    for _, f in ipairs(read_filters()) do
      if f.layer:match("^FWPM_LAYER_ALE_") then
        for name, who in pairs(WHO) do
          expected[name] = expected[name] or {}
          expected[name][f.layer] = (expected[name][f.layer] or 0) + (applies(f, who) and 1 or 0)
        end
      end
    end
  end)

  it("has the ALE layers holding filters, as the XML does", function()
    local layers = {}
    for l in pairs(expected.user) do layers[#layers + 1] = l end
    table.sort(layers)
    assert.are.same(layers, section.layers)
    assert.are.equal(10, #layers)
  end)

  for name in pairs({ ["NT SERVICE\\Dhcp"] = 1, user = 1, appcontainer = 1 }) do
    it("counts the filters that apply to " .. name .. " per ALE layer as the independent reader does", function()
      local got, listed = {}, {}
      for _, p in ipairs(section.principals) do
        if p.name == name then
          for _, l in ipairs(p.layers) do got[l.layer] = l.count end
        end
      end
      for _, layer in ipairs(section.layers) do listed[layer] = #flows.applying(section, name, layer) end
      assert.are.same(expected[name], got)
      assert.are.same(expected[name], listed)
    end)
  end

  it("names 57 of the dump's 62 service SIDs and finds its user SID and capabilities", function()
    local kinds, named = {}, 0
    for _, p in ipairs(section.principals) do
      if p.source == "dump" then kinds[p.kind] = (kinds[p.kind] or 0) + 1 end
      if p.service then named = named + 1 end
    end
    -- distinct SIDs in the XML's descriptors (counted by hand with grep):
    -- 62 service SIDs, 1 user SID, 5 capability SIDs (one is the
    -- "appcontainer" profile's internetClient), AC
    assert.are.same({ service = 62, user = 1, capability = 4, appcontainer = 1 }, kinds)
    -- 57 of the 62 are services of ntsec.service_sids (counted with Python's
    -- hashlib over the XML's <sd> texts)
    assert.are.equal(57, named)
  end)
end)

-- examples/classify_policy.lua through bin/ntsec audit. Deciding filters read
-- by hand from the XML at FWPM_LAYER_ALE_AUTH_CONNECT_V4, checked against
-- wfp_classify.md 3.4/3.5 (sublayers by weight: App Isolation 7, Quarantine
-- 4, Windows Service Hardening 3, Windows Firewall 2; flags assumed 0, so
-- every loopback rule is false):
--  * AppContainer + internetClient, contoso app.exe, TCP 8.8.8.8:443,
--    public: App Isolation 68199 fails (its SD grants S-1-15-3-2, pass 2),
--    68201 "InternetClient Default Rule" matches (soft PERMIT); no WSH rule
--    names the app or the user; Firewall 67639 PERMIT keeps the first:
--    PERMIT by 68201.
--  * the same app with no capability: 68199 and 68201 fail in pass 2, 67654
--    "UWP Default Outbound Block Rule" (PACKAGE_ID != S-1-0-0) BLOCKs (hard):
--    BLOCK by 67654.
--  * the standard user: every App Isolation rule needs PACKAGE_ID !=
--    S-1-0-0; WSH rules need a service SID or another app; 68115 (FTP
--    inspection) needs remote port 1024-65535: PERMIT by 67639.
--  * NT SERVICE\Dhcp, svchost.exe, UDP 68 -> 255.255.255.255:67: WSH 67987
--    "DhcpFirewallPolicy" (app svchost.exe on harddiskvolume6, ALE_USER_ID
--    the Dhcp SID, UDP, local 68, remote 67) is the first matching in its
--    sublayer; Firewall 67639 permits too: PERMIT by 67987. The standard
--    user on the same flow: 67987's descriptor does not grant it: PERMIT by
--    67639.
describe("examples/classify_policy.lua", function()
  local json = require("dkjson")
  local doc
  setup(function()
    local out, stderr, code = cmd.run("bin/ntsec audit ../shared/data/wfpstate/netsh-wfpstate-2.xml"
      .. " --policy examples/classify_policy.lua --format json")
    assert(code == 0, stderr)
    doc = assert(json.decode(out))
  end)

  local function result(flow, principal)
    for _, f in ipairs(doc.classification.flows) do
      if f.name == flow then
        for _, r in ipairs(f.results) do
          if r.principal == principal then return r end
        end
      end
    end
  end

  local CASES = {
    { "app to https", "appcontainer", "permit", 68201, "{9ddfec61-82b6-4485-b818-2b5d0e624348}",
      "InternetClient Default Rule" },
    { "app to https", "AppContainer (no capability)", "block", 67654, "{bcb1ada3-40e1-4654-961e-9fcf8bc88677}",
      "UWP Default Outbound Block Rule" },
    { "app to https", "user", "permit", 67639, "{59c9fdc0-f0eb-4299-bf41-b5dfcee38201}", "Default Outbound" },
    { "dhcp client", "NT SERVICE\\Dhcp", "permit", 67987, "{45837aaa-81e0-4954-bb6f-f607d00b2eec}",
      "DhcpFirewallPolicy" },
    { "dhcp client", "user", "permit", 67639, "{59c9fdc0-f0eb-4299-bf41-b5dfcee38201}", "Default Outbound" },
  }
  for _, c in ipairs(CASES) do
    it(("%s for %s: %s by %d %s"):format(c[1], c[2], c[3], c[4], c[6]), function()
      local r = assert(result(c[1], c[2]))
      assert.are.same({ c[3], c[4], c[5], c[6] }, { r.decision, r.filter.id, r.filter.key, r.filter.name })
    end)
  end

  it("shows the flows in the text report", function()
    local out, _, code = cmd.run("bin/ntsec audit ../shared/data/wfpstate/netsh-wfpstate-2.xml"
      .. " --policy examples/classify_policy.lua")
    assert.are.equal(0, code)
    assert.matches('PERMIT by 68201 {9ddfec61-82b6-4485-b818-2b5d0e624348} "InternetClient Default Rule": appcontainer',
      out, 1, true)
    assert.matches("NT SERVICE\\Dhcp *", out, 1, true)
  end)

  it("adds a self-contained section to the HTML report", function()
    local out, _, code = cmd.run("bin/ntsec audit ../shared/data/wfpstate/netsh-wfpstate-2.xml"
      .. " --policy examples/classify_policy.lua --format html")
    assert.are.equal(0, code)
    assert.matches('<section id="classification">', out, 1, true)
    assert.matches("InternetClient Default Rule", out, 1, true)
    assert.matches("NT SERVICE\\Dhcp", out, 1, true)
    assert.is_nil(out:find("<script[^>]+src=") or out:find("<link[^>]+href=\"http"))
  end)

  it("gives one clean line for a policy whose flow is not of the shape", function()
    local path = os.tmpname()
    local f = assert(io.open(path, "w"))
    f:write('return { flows = { { name = "x", layer = "FWPM_LAYER_ALE_AUTH_CONNECT_V4", prot = "tcp" } } }\n')
    f:close()
    local out, stderr, code = cmd.run("bin/ntsec audit ../shared/data/wfpstate/netsh-wfpstate-1.xml --policy " .. path)
    os.remove(path)
    assert.are.equal("", out)
    assert.are_not.equal(0, code)
    assert.matches("flows%[1%]: unknown field 'prot'", stderr)
    assert.are.equal(1, select(2, stderr:gsub("\n", "")))
  end)
end)
