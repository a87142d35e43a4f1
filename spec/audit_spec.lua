-- The main job end to end: import counts of both real dumps
-- (shared/data/README.md table), the lockdown example's calls and the access
-- it leaves (hand-computed from wfp_ks_errors.md 3.1: FWPM_GENERIC_ALL =
-- 0xF07FF, FWPM_GENERIC_READ = 0x201D4).
local audit = require("ntsec.audit")
local report = require("ntsec.report")
local json = require("dkjson")
local helper = require("spec.helper")

local EXPECTED = {
  ["netsh-wfpstate-1.xml"] = { sessions = 14, providers = 12, sublayers = 20, callouts = 82, filters = 200, endpoints = 98 },
  ["netsh-wfpstate-2.xml"] = { sessions = 13, providers = 14, sublayers = 41, callouts = 89, filters = 665, endpoints = 92 },
}
local NOOP = os.tmpname()
do
  local f = assert(io.open(NOOP, "w"))
  f:write("-- no calls\n")
  f:close()
end

describe("ntsec audit", function()
  for file, counts in pairs(EXPECTED) do
    it("imports every object of " .. file, function()
      local result = assert(audit.run { state = helper.data("wfpstate/" .. file), policy = NOOP })
      for kind, n in pairs(counts) do assert.equal(n, result.imported[kind], kind) end
      assert.same({}, result.skipped)
      local doc = json.decode(report.json(result))
      for kind, n in pairs(counts) do assert.equal(n, doc.imported[kind], kind) end
    end)
  end

  it("refuses a dump that is not well-formed before its root closes", function()
    local bad = os.tmpname()
    local f = assert(io.open(bad, "w"))
    f:write("<wfpstate><sessions><item></sessions></wfpstate>")
    f:close()
    local result, err = audit.run { state = bad, policy = NOOP }
    os.remove(bad)
    assert.is_nil(result)
    assert.matches("XML error", err.detail)
    assert.equal("audit:import", err.op)
  end)

  describe("with examples/lockdown_callouts.lua", function()
    local result = assert(audit.run { state = helper.data("wfpstate/netsh-wfpstate-1.xml"),
                                      policy = "examples/lockdown_callouts.lua" })
    local doc = json.decode(report.json(result))

    it("records one successful set per NDU callout plus the container", function()
      -- netsh-wfpstate-1.xml: provider {8e44982a-f477-11df-85ce-78e7d1810190} (NDU) owns 6 callouts.
      assert.equal(7, #doc.writes)
      for _, c in ipairs(doc.writes) do
        assert.equal("FwpmCalloutSetSecurityInfoByKey0", c["function"])
        assert.equal(0, c.status)
        assert.equal("ERROR_SUCCESS", c.status_name)
        assert.matches("^O:BA", c.after)
        -- Protected (PROTECTED_DACL_SECURITY_INFORMATION), merged with
        -- SEF_DACL_AUTO_INHERIT, which marks the DACL auto-inherited
        -- (docs/access.md, control after auto-inheritance; Windows prints D:PAI
        -- for protected DACLs written through SetSecurityInfo).
        assert.matches("D:PAI%(A;;GA;;;SY%)%(A;;GA;;;BA%)%(A;;GR;;;BU%)$", c.after)
        assert.is_string(c.before)
      end
      assert.equal("callouts container", doc.writes[7].target)
    end)

    it("reports who may do what afterwards", function()
      local by = {}
      for _, a in ipairs(doc.access) do by[a.principal .. "|" .. a.object] = a.granted end
      -- Principals are the profiles of docs/principals.md: SYSTEM holds SY,
      -- the elevated administrator BA, the filtered one BA only for deny
      -- (so neither the BA ACE nor owner rights) and BU, the user BU.
      local container = "callouts container"
      assert.equal(0xF07FF, by["SYSTEM|" .. container])
      assert.equal(0xF07FF, by["admin-elevated|" .. container])
      assert.equal(0x201D4, by["admin-filtered|" .. container])
      assert.equal(0x201D4, by["user|" .. container])
      assert.equal(0, by["everyone|" .. container])
      local target = doc.writes[1].target
      assert.equal(0x201D4, by["user|" .. target])
    end)

    it("groups callouts with identical access in the text report, and lists each in JSON", function()
      -- 82 callouts (data README): the policy protects the 6 NDU callouts
      -- and the container; the other 76 lose the container's inheritable
      -- ACEs alike, so two groups and the three containers remain. On those
      -- 76 only the owner (BA) has rights: READ_CONTROL | WRITE_DAC for the
      -- tokens where BA is enabled (SYSTEM, admin-elevated), sd_semantics.md 3.
      local text = report.text(result, { state = "S", policy = "P" })
      -- Columns are the principals #1..#10 (legend above the matrices); the
      -- six NDU callouts were each set by their own call, so they keep a row
      -- each (tagged "policy #N"), with their names.
      assert.matches("\n +0x60000 +0x0 +0x0 +0x0 +0x60000 +0x0 +0x0 +0x0 +0x0 +0x0 propagated #7 +76 callouts with this access\n",
        text)
      assert.matches("\n +0xf07ff +0x201d4 +0x201d4 +0x201d4 +0xf07ff +0x201d4 +0x201d4 +0x0 +0x0 +0x201d4 policy #7"
        .. " +callouts container\n", text)
      assert.matches("\n +0xf07ff +0x201d4 +0x201d4 +0x201d4 +0xf07ff +0x201d4 +0x201d4 +0x0 +0x0 +0x201d4 policy #1 +callout "
        .. "{8e44982b%-f477%-11df%-85ce%-78e7d1810190}  NDU Flow Established V4 Callout\n", text)
      assert.matches("default +connections container\n", text)
      assert.matches("%(85 objects in 10 rows: ", text)
      -- before the policy: every object carries the default (BA 0xf07ff, Everyone 0x50)
      assert.matches("%(85 objects in 4 rows: ", text)
      local listed = {}
      for _, a in ipairs(doc.access) do listed[a.object] = true end
      local n = 0
      for object in pairs(listed) do n = n + (object:match("^callout {") and 1 or 0) end
      assert.equal(82, n)
    end)

    it("shows the 6 identical callout calls once in the text report, each in JSON", function()
      local text = report.text(result, { state = "S", policy = "P" })
      assert.matches("\n  #1%-#6 FwpmCalloutSetSecurityInfoByKey0 on 6 callouts, {[%x%-]+} %.%.%. {[%x%-]+} %(user session%)\n"
        .. "     status: 0x00000000 ERROR_SUCCESS\n", text)
      assert.matches("\n  #7 FwpmCalloutSetSecurityInfoByKey0 on callouts container %(user session%)\n", text)
      assert.equal(7, #doc.writes)
    end)

    it("covers the default principals and every object", function()
      -- The 9 profiles plus the distinct session SIDs of the dump that no
      -- profile stands for: of S-1-5-20, S-1-5-19 and
      -- S-1-5-21-1793033065-631609589-106201677-500 only the last.
      assert.equal(10, #result.principals)
      assert.equal("S-1-5-21-1793033065-631609589-106201677-500", result.principals[10])
      assert.equal(10 * (82 + 3), #doc.access)
    end)
  end)
end)

describe("ntsec audit access matrix", function()
  it("checks each distinct descriptor once per principal", function()
    local ntsec = require("ntsec")
    -- the distinct descriptors, read independently through the faithful Get functions
    local engine = ntsec.wfp.engine()
    assert(require("ntsec.netsh").import_file(engine, helper.data("wfpstate/netsh-wfpstate-1.xml")))
    local k = assert(engine:open { kernel_mode = true, token = ntsec.token { user = "SY" } })
    local wfp, ALL, distinct, n = ntsec.wfp, 15, {}, 0
    local function add(code, sd)
      assert.equal(0, code)
      if not distinct[sd:bytes()] then distinct[sd:bytes()], n = true, n + 1 end
    end
    add(wfp.FwpmCalloutGetSecurityInfoByKey0(k, nil, ALL))
    for _, c in ipairs(engine:callouts()) do add(wfp.FwpmCalloutGetSecurityInfoByKey0(k, c.key, ALL)) end
    add(wfp.FwpmConnectionGetSecurityInfo0(k, ALL))
    add(wfp.FwpsAleEndpointGetSecurityInfo0(k, ALL))
    engine:close()
    local original, checks = ntsec.access_check, 0
    ntsec.access_check = function(...) checks = checks + 1; return original(...) end
    local ok, result = pcall(audit.run, { state = helper.data("wfpstate/netsh-wfpstate-1.xml"), policy = NOOP })
    ntsec.access_check = original
    assert.is_true(ok, result)
    assert.equal(n * #result.principals, checks)
    assert.equal(85 * #result.principals, #result.access)
  end)
end)

describe("ntsec audit report, small groups", function()
  it("keeps a row per object and per call when at most 3 share a result", function()
    local result = assert(audit.run { state = helper.data("wfpstate/netsh-wfpstate-1.xml"),
                                      policy = "spec/support/protect_two_callouts.lua" })
    local text = report.text(result, { state = "S", policy = "P" })
    assert.matches("\n  #1 FwpmCalloutSetSecurityInfoByKey0 on callout {", text)
    assert.matches("\n  #2 FwpmCalloutSetSecurityInfoByKey0 on callout {", text)
    -- the two protected callouts, DACL (A;;GA;;;SY), owner BA (inherited from the
    -- container): SYSTEM FWPM_GENERIC_ALL = 0xF07FF (wfp_ks_errors.md 3.1); LocalService,
    -- NetworkService, service:BFE nothing; admin-elevated, holding BA enabled, the owner's
    -- READ_CONTROL | WRITE_DAC = 0x60000 (sd_semantics.md owner implicit rights);
    -- admin-filtered (BA deny-only: not the owner), user, everyone nothing.
    local rows = 0
    for _ in text:gmatch("\n +0xf07ff +0x0 +0x0 +0x0 +0x60000 +0x0 +0x0 +0x0 +0x0 +0x0 policy #%d +callout {") do rows = rows + 1 end
    assert.equal(2, rows)
    assert.matches("default +80 callouts with this access\n", text)
  end)
end)

describe("ntsec audit recorder", function()
  it("records get/set calls on every kind, direct or idiomatic", function()
    local policy = os.tmpname()
    local f = assert(io.open(policy, "w"))
    f:write([[
local k = assert(engine:open { kernel_mode = true, token = ntsec.token { user = "SY" } })
local acl = assert(ntsec.acl("(A;;GA;;;SY)"))
assert(k:provider(nil):set_security { dacl = acl })
assert(k:engine_object():security())
ntsec.wfp.FwpmConnectionSetSecurityInfo0(k, ntsec.DACL_SECURITY_INFORMATION, nil, nil, acl, nil)
ntsec.wfp.FwpmSubLayerGetSecurityInfoByKey0(k, "{00000000-0000-0000-0000-000000000001}", ntsec.DACL_SECURITY_INFORMATION)
]])
    f:close()
    local result = assert(audit.run { state = helper.data("wfpstate/netsh-wfpstate-1.xml"), policy = policy })
    os.remove(policy)
    -- Writes are listed; reads are counted per function (docs/audit.md).
    local calls = result.writes
    assert.equal(2, #calls)
    assert.same({ { ["function"] = "FwpmEngineGetSecurityInfo0", count = 1, failed = 0 },
                  { ["function"] = "FwpmSubLayerGetSecurityInfoByKey0", count = 1, failed = 1 } }, result.reads)
    assert.equal("FwpmProviderSetSecurityInfoByKey0", calls[1]["function"])
    assert.equal("providers container", calls[1].target)
    assert.equal(0, calls[1].status)
    -- Not protected: the caller's explicit ACE first, the inherited ones kept
    -- after it (wfp_ks_errors.md 3.3, W32-HFD).
    assert.matches("D:AI%(A;;GA;;;SY%)%(A;ID;", calls[1].after)
    assert.equal("connections container", calls[2].target)
  end)
end)
