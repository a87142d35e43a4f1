-- wfp_classify_spec.lua: filter conditions on engine objects (issue 12:
-- FwpmFilterAdd0 takes filterCondition, FwpmFilterGetByKey0 and the
-- enumerations return them; wfp_classify.md 1.3, 1.4 for the shapes and
-- text forms), and the Lua classification API built on them.

local ntsec = require("ntsec")
local wfp = ntsec.wfp

local LAYER = "FWPM_LAYER_ALE_AUTH_CONNECT_V4"
local ADMIN = ntsec.token { user = "S-1-5-21-1-2-3-500", groups = { "BA", "WD" } }

-- A condition of every value shape the dumps use (1.4) and the two mask
-- types whose element names are an EMULATOR CHOICE (docs/classify.md).
local CONDITIONS = {
  { field = "FWPM_CONDITION_IP_PROTOCOL", match = "FWP_MATCH_EQUAL", type = "FWP_UINT8", value = "6" },
  { field = "FWPM_CONDITION_IP_REMOTE_PORT", match = "FWP_MATCH_EQUAL", type = "FWP_UINT16", value = "443" },
  { field = "FWPM_CONDITION_IP_REMOTE_ADDRESS", match = "FWP_MATCH_RANGE", type = "FWP_RANGE_TYPE",
    low = { type = "FWP_UINT32", value = "10.0.0.0" }, high = { type = "FWP_UINT32", value = "10.255.255.255" } },
  { field = "FWPM_CONDITION_IP_LOCAL_ADDRESS", match = "FWP_MATCH_EQUAL", type = "FWP_V4_ADDR_MASK",
    value = "192.168.0.0", value2 = "255.255.0.0" },
  { field = "FWPM_CONDITION_ALE_APP_ID", match = "FWP_MATCH_EQUAL", type = "FWP_BYTE_BLOB_TYPE",
    -- "a.exe" as UTF-16LE with its NUL (2.3)
    value = "61002e00650078006500" .. "0000" },
  { field = "FWPM_CONDITION_ALE_PACKAGE_ID", match = "FWP_MATCH_NOT_EQUAL", type = "FWP_SID", value = "S-1-0-0" },
  { field = "FWPM_CONDITION_ALE_USER_ID", match = "FWP_MATCH_EQUAL", type = "FWP_SECURITY_DESCRIPTOR_TYPE",
    value = "O:LSD:(A;;CC;;;S-1-15-3-1)" },
}

describe("filter conditions on engine objects (FwpmFilterAdd0 / GetByKey0)", function()
  local e, s
  before_each(function()
    e = wfp.engine { clock = "virtual" }
    s = assert(e:open { token = ADMIN })
  end)
  after_each(function() e:close() end)

  it("keeps every condition with its field, match type and typed value, and returns it in the same shape", function()
    local key = assert(s:add_filter { name = "f", layer = LAYER, action = "FWP_ACTION_PERMIT",
                                      conditions = CONDITIONS })
    local f = assert(s:get_filter(key))
    assert.are.equal(#CONDITIONS, #f.conditions)
    for i, want in ipairs(CONDITIONS) do
      local got = f.conditions[i]
      assert.are.equal(want.field, got.field)
      assert.are.equal(want.match, got.match)
      assert.are.equal(want.type, got.type)
      assert.are.equal(want.value, got.value)
      assert.are.equal(want.value2, got.value2)
      assert.are.same(want.low, got.low)
      assert.are.same(want.high, got.high)
      assert.is_nil(got.unknown)
    end
    assert.are.equal("a.exe", f.conditions[5].as_string)
    -- what get returns is accepted back by add (one shape both ways)
    local key2 = assert(s:add_filter { name = "copy", layer = LAYER, action = "FWP_ACTION_PERMIT",
                                       conditions = f.conditions })
    assert.are.same(f.conditions, assert(s:get_filter(key2)).conditions)
  end)

  it("enumeration returns the conditions too", function()
    assert(s:add_filter { name = "f", layer = LAYER, action = "FWP_ACTION_BLOCK", conditions = { CONDITIONS[1] } })
    local n = 0
    for f in s:enum_filters() do
      n = n + 1
      assert.are.equal("FWPM_CONDITION_IP_PROTOCOL", f.conditions[1].field)
    end
    assert.are.equal(1, n)
  end)

  it("keeps an unknown field, match type and value type by name (issue 12: never dropped)", function()
    local unknown = {
      { field = "{01234567-89ab-4cde-8f01-23456789abcd}", match = "FWP_MATCH_EQUAL", type = "FWP_UINT8", value = "1" },
      { field = "FWPM_CONDITION_IP_PROTOCOL", match = "FWP_MATCH_SOMETHING_NEW", type = "FWP_UINT8", value = "1" },
      { field = "FWPM_CONDITION_IP_PROTOCOL", match = "FWP_MATCH_EQUAL", type = "FWP_NEW_TYPE", value = "xyz" },
    }
    local key = assert(s:add_filter { name = "f", layer = LAYER, action = "FWP_ACTION_BLOCK", conditions = unknown })
    local got = assert(s:get_filter(key)).conditions
    assert.are.equal("{01234567-89ab-4cde-8f01-23456789abcd}", got[1].field)
    assert.are.equal("FWP_MATCH_SOMETHING_NEW", got[2].match)
    assert.are.equal("FWP_NEW_TYPE", got[3].type)
    assert.are.equal("xyz", got[3].value)
    for i = 1, 3 do assert.is_true(got[i].unknown) end
  end)

  it("a value that is not of its type raises with the condition's number; nothing is added", function()
    assert.has_error(function()
      s:add_filter { name = "f", layer = LAYER, action = "FWP_ACTION_BLOCK", conditions = {
        CONDITIONS[1], { field = "FWPM_CONDITION_IP_PROTOCOL", match = "FWP_MATCH_EQUAL", type = "FWP_UINT8", value = "300" } } }
    end, nil)
    local ok, err = pcall(s.add_filter, s, { name = "f", layer = LAYER, action = "FWP_ACTION_BLOCK", conditions = {
      { field = "FWPM_CONDITION_ALE_USER_ID", match = "FWP_MATCH_EQUAL", type = "FWP_SECURITY_DESCRIPTOR_TYPE", value = "D:(Z;;;)" } } })
    assert.is_false(ok)
    assert.matches("condition 1: sd:", err)
    local n = 0
    for _ in s:enum_filters() do n = n + 1 end
    assert.are.equal(0, n)
  end)

  it("a persistent filter with conditions in a stored engine is accepted (issue 12; round trips: wfp_store_spec)", function()
    local path = os.tmpname()
    os.remove(path)
    local pe = wfp.engine { clock = "virtual", path = path }
    local ps = assert(pe:open { token = ADMIN })
    assert(ps:add_filter { name = "p", layer = LAYER, action = "FWP_ACTION_BLOCK",
                           flags = { "FWPM_FILTER_FLAG_PERSISTENT" }, conditions = { CONDITIONS[1] } })
    pe:close()
    os.remove(path)
    os.remove(path .. "-wal")
    os.remove(path .. "-shm")
  end)
end)

-- The Lua API on netsh-wfpstate-2.xml. Expected deciding filters read by
-- hand from the dump (docs/classify.md), layer ALE_AUTH_CONNECT_V4, public
-- profile (ORIGINAL/CURRENT_PROFILE_ID 1):
--  * App Isolation sublayer (weight 7): 68201 "InternetClient Default Rule"
--    {ALE_PACKAGE_ID != S-1-0-0, remote 0.0.0.0-255.255.255.255, profiles,
--    ALE_USER_ID O:LSD:(A;;CC;;;S-1-15-3-1)(A;;CC;;;WD)(A;;CC;;;AN)} PERMIT,
--    then 67654 "UWP Default Outbound Block Rule" {ALE_PACKAGE_ID !=
--    S-1-0-0} BLOCK (wfp_classify.md 3.8 ex. 2, ITPRO-UWP cases 1 and 2);
--  * Windows Firewall sublayer (weight 2): 67639 "Default Outbound" PERMIT;
--  * Windows Service Hardening sublayer (weight 3): 67987
--    "DhcpFirewallPolicy" {ALE_APP_ID svchost.exe, ALE_USER_ID
--    O:SYG:SYD:(A;;CCRC;;;S-1-5-80-2940520708-...) (the Dhcp service SID),
--    UDP, local port 68, remote port 67} PERMIT; the later soft permit of
--    67639 keeps the first for attribution (3.5).
describe("engine:classify / filters_for / filter_matches on netsh-wfpstate-2.xml (issue 12)", function()
  local netsh = require("ntsec.netsh")
  local helper = require("spec.helper")
  local CONNECT = "FWPM_LAYER_ALE_AUTH_CONNECT_V4"
  local APP = "\\device\\harddiskvolume6\\program files\\contoso\\app.exe"
  local SVCHOST = "\\device\\harddiskvolume6\\windows\\system32\\svchost.exe"
  local DHCP_SID = "S-1-5-80-2940520708-3855866260-481812779-327648279-1710889582"
  local K68201 = "{9ddfec61-82b6-4485-b818-2b5d0e624348}"
  local K67654 = "{bcb1ada3-40e1-4654-961e-9fcf8bc88677}"
  local K67639 = "{59c9fdc0-f0eb-4299-bf41-b5dfcee38201}"
  local K67987 = "{45837aaa-81e0-4954-bb6f-f607d00b2eec}"
  local e
  local user = { user = "S-1-5-21-1-2-3-1001", groups = { "WD", "S-1-5-11" } }
  local function tok(extra)
    local spec = { user = user.user, groups = user.groups }
    for k, v in pairs(extra or {}) do spec[k] = v end
    return ntsec.token(spec)
  end
  local function out443(t, app)
    return assert(e:classify { layer = CONNECT, token = t, app = app or APP, remote = "8.8.8.8",
                               protocol = "tcp", port = 443, profile = "public" })
  end
  local function trace_entry(r, id)
    for _, sl in ipairs(r.trace.sublayers) do
      for _, f in ipairs(sl.filters) do if f.id == id then return f, sl end end
    end
  end

  setup(function()
    e = wfp.engine()
    assert(netsh.import_file(e, helper.data("wfpstate/netsh-wfpstate-2.xml")))
  end)
  teardown(function() e:close() end)

  it("AppContainer with internetClient, TCP 443 out: PERMIT by 68201 InternetClient Default Rule", function()
    local r = out443(tok { package = "S-1-15-2-1-2-3-4-5-6-7", capabilities = { "internetClient" } })
    assert.are.equal("permit", r.decision)
    assert.are.equal("filter", r.reason)
    assert.are.same({ key = K68201, id = 68201, name = "InternetClient Default Rule", action = "permit" }, r.filter)
    local f, sl = trace_entry(r, 68201)
    assert.are.equal("WFP Built-in MPSSVC App Isolation Sublayer", sl.name)
    assert.are.equal(7, sl.weight)
    assert.are.equal("true", f.match)
    assert.are.same({ "decided" }, f.roles)
  end)

  it("the same app without the capability: BLOCK by 67654, 68201 failed on ALE_USER_ID (second pass, 2.5)", function()
    local r = out443(tok { package = "S-1-15-2-1-2-3-4-5-6-7" })
    assert.are.equal("block", r.decision)
    assert.are.equal(K67654, r.filter.key)
    assert.are.equal("UWP Default Outbound Block Rule", r.filter.name)
    local f = trace_entry(r, 68201)
    assert.are.equal("false", f.match)
    assert.are.equal("FWPM_CONDITION_ALE_USER_ID", f.failed.field)
    assert.are.equal("access_check", f.why)
  end)

  it("a plain user: PERMIT by 67639 Default Outbound; the App Isolation rules fail on ALE_PACKAGE_ID", function()
    local r = out443(tok())
    assert.are.equal("permit", r.decision)
    assert.are.same({ key = K67639, id = 67639, name = "Default Outbound", action = "permit" }, r.filter)
    local f = trace_entry(r, 68201)
    assert.are.equal("FWPM_CONDITION_ALE_PACKAGE_ID", f.failed.field)
    -- not an AppContainer: ALE_PACKAGE_ID taken as S-1-0-0 (2.6); FLAGS,
    -- which the flow does not give, as 0 (4): both reported
    assert.are.same({ "zero_flags", "null_package" }, r.assumptions)
  end)

  it("the Dhcp service SID, UDP 68 -> 67 from svchost: PERMIT by 67987 DhcpFirewallPolicy", function()
    local svc = ntsec.token { user = "S-1-5-19", groups = { "WD", "S-1-5-11", DHCP_SID } }
    local r = assert(e:classify { layer = CONNECT, token = svc, app = SVCHOST, remote = "255.255.255.255",
                                  protocol = "udp", port = 67, local_port = 68, profile = "public" })
    assert.are.equal("permit", r.decision)
    assert.are.same({ key = K67987, id = 67987, name = "DhcpFirewallPolicy", action = "permit" }, r.filter)
    -- without the service SID the filter's ALE_USER_ID condition fails and
    -- the Windows Firewall sublayer's Default Outbound decides
    local other = ntsec.token { user = "S-1-5-19", groups = { "WD", "S-1-5-11" } }
    r = assert(e:classify { layer = CONNECT, token = other, app = SVCHOST, remote = "255.255.255.255",
                            protocol = "udp", port = 67, local_port = 68, profile = "public" })
    assert.are.equal(K67639, r.filter.key)
    assert.are.equal("FWPM_CONDITION_ALE_USER_ID", trace_entry(r, 67987).failed.field)
  end)

  it("filters_for: the AppContainer token gets the InternetClient rule, the plain user does not", function()
    local ac = tok { package = "S-1-15-2-1-2-3-4-5-6-7", capabilities = { "S-1-15-3-1" } }
    local function ids(list)
      local s = {}
      for _, f in ipairs(list) do s[f.id] = true end
      return s
    end
    local a, p = ids(assert(e:filters_for(ac, CONNECT))), ids(assert(e:filters_for(tok(), CONNECT)))
    assert.is_true(a[68201])
    assert.is_nil(p[68201])
    assert.is_true(a[67639] and p[67639])
    -- the Dhcp rule names a service SID and svchost: neither token has them
    assert.is_nil(a[67987])
    assert.is_nil(p[67987])
  end)

  it("filter_matches: one filter's conditions against a flow, with the failing condition", function()
    local svc = ntsec.token { user = "S-1-5-19", groups = { DHCP_SID } }
    local flow = { token = svc, app = SVCHOST, protocol = "udp", port = 67, local_port = 68 }
    assert.are.equal("true", assert(e:filter_matches(K67987, flow)).match)
    flow.port = 68
    local m = assert(e:filter_matches(K67987, flow))
    assert.are.equal("false", m.match)
    assert.are.equal("FWPM_CONDITION_IP_REMOTE_PORT", m.failed.field)
    local _, err = e:filter_matches("{00000000-0000-4000-8000-000000000001}", flow)
    assert.are.equal("STATUS_FWP_FILTER_NOT_FOUND", err.name)
  end)

  it("bad flows: a wrong address is nil, err; unknown options raise", function()
    local r, err = e:classify { layer = CONNECT, token = tok(), remote = "8.8.8", protocol = "tcp" }
    assert.is_nil(r)
    assert.are.equal("STATUS_INVALID_PARAMETER", err.name)
    assert.matches("IP_REMOTE_ADDRESS", err.detail)
    r, err = e:classify { layer = "FWPM_LAYER_NOPE", token = tok() }
    assert.is_nil(r)
    assert.matches("unknown layer", err.detail)
    assert.has_error(function() e:classify { layer = CONNECT, prot = "tcp" } end, "classify: unknown option 'prot'")
    assert.has_error(function() e:classify { token = tok() } end)
    assert.has_error(function() ntsec.token { user = "S-1-5-18", capabilities = { "internetClient" } } end)
  end)
end)

-- Arbitration through the API on small engines built from the spec's rules
-- (wfp_classify.md 3.4 callout verdicts, 3.5 hard/soft, 2.7 SYSAPPID).
describe("engine:classify arbitration (wfp_classify.md 3.4, 3.5)", function()
  local SUB1, SUB2 = "{11111111-0000-4000-8000-000000000001}", "{11111111-0000-4000-8000-000000000002}"
  local CALLOUT = "{22222222-0000-4000-8000-000000000001}"
  local TCP = { { field = "FWPM_CONDITION_IP_PROTOCOL", match = "FWP_MATCH_EQUAL", type = "FWP_UINT8", value = "6" } }
  local e
  local n = 0
  local function filter(t)
    n = n + 1
    t.key = t.key or ("{33333333-0000-4000-8000-%012d}"):format(n)
    t.name = t.name or ("f" .. n)
    t.layer = LAYER
    t.id = n
    assert(e:import_filter(t))
    return t.key
  end
  before_each(function()
    e = wfp.engine { clock = "virtual" }
    assert(e:import_sublayer { key = SUB1, name = "high", weight = 10 })
    assert(e:import_sublayer { key = SUB2, name = "low", weight = 5 })
  end)
  after_each(function() e:close() end)

  it("a registered terminating callout: DEPENDS, one outcome per verdict (3.4)", function()
    assert(e:import_callout { key = CALLOUT, name = "c", layer = LAYER, flags = { "FWPM_CALLOUT_FLAG_REGISTERED" } })
    local k = filter { sublayer = SUB1, action = "FWP_ACTION_CALLOUT_TERMINATING", callout = CALLOUT,
                       conditions = TCP, weight = 1 }
    local r = assert(e:classify { layer = LAYER, protocol = "tcp" })
    assert.are.equal("depends", r.decision)
    assert.are.equal(2, #r.outcomes)
    local seen = {}
    for _, o in ipairs(r.outcomes) do
      assert.are.equal("callout", o.choices[1].kind)
      assert.are.equal(k, o.choices[1].filter.key)
      seen[o.choices[1].verdict] = o.final.action
    end
    assert.are.same({ permit = "permit", block = "block" }, seen)
  end)

  it("an unregistered callout: BLOCK (hard, unregistered) (3.4)", function()
    assert(e:import_callout { key = CALLOUT, name = "c", layer = LAYER })
    filter { sublayer = SUB1, action = "FWP_ACTION_CALLOUT_TERMINATING", callout = CALLOUT, conditions = TCP }
    local r = assert(e:classify { layer = LAYER, protocol = "tcp" })
    assert.are.equal("block", r.decision)
    assert.is_true(r.verdict.unregistered)
  end)

  it("a soft permit in the higher sublayer is overridden by a block in the lower one (3.5)", function()
    filter { sublayer = SUB1, action = "FWP_ACTION_PERMIT", conditions = TCP }
    local b = filter { sublayer = SUB2, action = "FWP_ACTION_BLOCK", conditions = TCP }
    local r = assert(e:classify { layer = LAYER, protocol = "tcp" })
    assert.are.equal("block", r.decision)
    assert.are.equal(b, r.filter.key)
    assert.are.equal("block_overrides", r.outcomes[1].steps[2].rule)
  end)

  it("CLEAR_ACTION_RIGHT makes the permit hard: the lower block cannot override it (3.5)", function()
    local p = filter { sublayer = SUB1, action = "FWP_ACTION_PERMIT", conditions = TCP,
                       flags = { "FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT" } }
    filter { sublayer = SUB2, action = "FWP_ACTION_BLOCK", conditions = TCP }
    local r = assert(e:classify { layer = LAYER, protocol = "tcp" })
    assert.are.equal("permit", r.decision)
    assert.are.equal(p, r.filter.key)
    assert.are.equal("hard_permit_kept", r.outcomes[1].steps[2].rule)
  end)

  it("nothing matches: PERMIT with reason no_match (3.6); a field the flow lacks makes it DEPENDS (4)", function()
    filter { sublayer = SUB1, action = "FWP_ACTION_BLOCK", conditions = TCP }
    local r = assert(e:classify { layer = LAYER, protocol = "udp" })
    assert.are.equal("permit", r.decision)
    assert.are.equal("no_match", r.reason)
    r = assert(e:classify { layer = LAYER })
    assert.are.equal("depends", r.decision)
    -- trace = false: the decision and outcomes only
    r = assert(e:classify { layer = LAYER, protocol = "tcp", trace = false })
    assert.are.equal("block", r.decision)
    assert.is_nil(r.trace)
  end)

  it("the classify cache follows engine changes (a session's add is seen at once)", function()
    assert.are.equal("no_match", assert(e:classify { layer = LAYER, protocol = "tcp" }).reason)
    local s = assert(e:open { token = ADMIN })
    local k = assert(s:add_filter { name = "late", layer = LAYER, action = "FWP_ACTION_BLOCK", conditions = TCP })
    local r = assert(e:classify { layer = LAYER, protocol = "tcp" })
    assert.are.equal("block", r.decision)
    assert.are.equal(k, r.filter.key)
    assert(s:delete_filter(k))
    assert.are.equal("no_match", assert(e:classify { layer = LAYER, protocol = "tcp" }).reason)
  end)

  it("WIN://SYSAPPID: a conditional ACE on the claim grants only the named app (2.7)", function()
    filter { sublayer = SUB1, action = "FWP_ACTION_BLOCK", conditions = {
      { field = "FWPM_CONDITION_ALE_USER_ID", match = "FWP_MATCH_EQUAL", type = "FWP_SECURITY_DESCRIPTOR_TYPE",
        value = 'O:LSD:(XA;;CC;;;WD;(WIN://SYSAPPID Contains "Contoso.App_1.0_x64__abc"))' } } }
    local named = ntsec.token { user = "S-1-5-21-1-2-3-1001", groups = { "WD" },
                                sysappid = { "Contoso.App_1.0_x64__abc", "", "Contoso.App_abc" } }
    local other = ntsec.token { user = "S-1-5-21-1-2-3-1001", groups = { "WD" }, sysappid = "Other.App_1.0_x64__abc" }
    assert.are.equal("block", assert(e:classify { layer = LAYER, token = named }).decision)
    assert.are.equal("no_match", assert(e:classify { layer = LAYER, token = other }).reason)
  end)
end)

-- bin/ntsec classify on netsh-wfpstate-2.xml: the Done-when flows (expected
-- deciding filters read by hand from the dump, see the describe above).
describe("bin/ntsec classify (issue 12)", function()
  local json = require("dkjson")
  local STATE = "../shared/data/wfpstate/netsh-wfpstate-2.xml"
  local BASE = "bin/ntsec classify " .. STATE .. " --layer FWPM_LAYER_ALE_AUTH_CONNECT_V4 "
  local APP = [['\device\harddiskvolume6\program files\contoso\app.exe']]
  local SVCHOST = [['\device\harddiskvolume6\windows\system32\svchost.exe']]
  local shell = require("spec.support.cmd")
  local function run(args)
    local out, stderr, code = shell.run(BASE .. args)
    return code, out, stderr
  end
  local FLOWS = {
    { what = "an AppContainer app with internetClient, TCP 443 out",
      args = "--token S-1-5-21-1-2-3-1001,WD,S-1-5-11 --package S-1-15-2-1-2-3-4-5-6-7 --capability internetClient"
        .. " --app " .. APP .. " --remote 8.8.8.8 --protocol tcp --port 443 --profile public",
      decision = "PERMIT", key = "{9ddfec61-82b6-4485-b818-2b5d0e624348}", id = 68201,
      name = "InternetClient Default Rule" },
    { what = "the Dhcp service SID (named by 67987's ALE_USER_ID), UDP 68 -> 67 from svchost",
      args = "--token S-1-5-19,WD,S-1-5-11,S-1-5-80-2940520708-3855866260-481812779-327648279-1710889582"
        .. " --app " .. SVCHOST .. " --remote 255.255.255.255 --protocol udp --port 67 --local-port 68"
        .. " --profile public",
      decision = "PERMIT", key = "{45837aaa-81e0-4954-bb6f-f607d00b2eec}", id = 67987, name = "DhcpFirewallPolicy" },
    { what = "a plain user, TCP 443 out",
      args = "--token S-1-5-21-1-2-3-1001,WD,S-1-5-11 --app " .. APP
        .. " --remote 8.8.8.8 --protocol tcp --port 443 --profile public",
      decision = "PERMIT", key = "{59c9fdc0-f0eb-4299-bf41-b5dfcee38201}", id = 67639, name = "Default Outbound" },
    { what = "the AppContainer app without capabilities",
      args = "--token S-1-5-21-1-2-3-1001,WD,S-1-5-11 --package S-1-15-2-1-2-3-4-5-6-7"
        .. " --app " .. APP .. " --remote 8.8.8.8 --protocol tcp --port 443 --profile public",
      decision = "BLOCK", key = "{bcb1ada3-40e1-4654-961e-9fcf8bc88677}", id = 67654,
      name = "UWP Default Outbound Block Rule" },
  }
  for _, flow in ipairs(FLOWS) do
    it(flow.what .. ": text names the deciding filter by key and name", function()
      local code, out, stderr = run(flow.args)
      assert.are.equal("", stderr)
      assert.are.equal(0, code)
      assert.matches("decision: " .. flow.decision .. " %(filter%)", out)
      assert.is_truthy(out:find(("deciding filter: %s %d \"%s\""):format(flow.key, flow.id, flow.name), 1, true))
      -- the trace lists the same filter as the one that decided its sublayer
      assert.is_truthy(out:find(("%s %d \"%s\" %%(%%a+%%): matches %%[decided"):format(
        flow.key:gsub("%-", "%%-"), flow.id, flow.name)))
    end)
    it(flow.what .. ": --format json", function()
      local code, out = run(flow.args .. " --format json")
      assert.are.equal(0, code)
      local r = assert(json.decode(out))
      assert.are.equal(flow.decision:lower(), r.decision)
      assert.are.equal(flow.key, r.filter.key)
      assert.are.equal(flow.name, r.filter.name)
    end)
  end
  it("user mistakes are one line and exit 2", function()
    local code, out, stderr = run("--token S-1-5-21-1-2-3-1001 --remote 8.8.8")
    assert.are.equal(2, code)
    assert.are.equal("", out)
    assert.matches("^ntsec: classify: .*IP_REMOTE_ADDRESS.*\n$", stderr)
    code, out, stderr = run("--token NOT-A-SID")
    assert.are.equal("", out)
    assert.are.equal(2, code)
    assert.matches("^ntsec: %-%-token: [^\n]*\n$", stderr)
    code, out, stderr = run("--token WD --protocol tcpx")
    assert.are.equal("", out)
    assert.are.equal(2, code)
    assert.matches("^ntsec: [^\n]*tcpx[^\n]*\n$", stderr)
  end)
end)
