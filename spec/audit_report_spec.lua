-- The audit report shows consequences (issue 13) and where each descriptor
-- comes from (issue 12): access before and after, every object changed by
-- propagation, rights by name, full principal labels, reads apart from
-- writes, a policy's own findings, provenance, and error objects.
-- Hand-derived expectations (wfp_ks_errors.md 3.1, 3.3; sd_semantics.md):
-- the default callout descriptor inherits BA 0xF07FF, NO 0x307FF, five
-- service SIDs and Everyone 0x50 from the callouts container; the lockdown
-- example (examples/lockdown_callouts.lua) protects the 6 NDU callouts
-- (calls #1-#6) and then the callouts container (call #7), so the other
-- 82 - 6 = 76 callouts lose every inherited ACE and keep only the owner's
-- implicit READ_CONTROL | WRITE_DAC = 0x60000 for tokens holding BA
-- enabled (SYSTEM, admin-elevated) and nothing for anyone else.
local ntsec = require("ntsec")
local audit = require("ntsec.audit")
local report = require("ntsec.report")
local json = require("dkjson")
local helper = require("spec.helper")
local cmd = require("spec.support.cmd")

local STATE = helper.data("wfpstate/netsh-wfpstate-1.xml")
local CALLOUT = "callout {28829633-c4f0-4e66-873f-844db2a899c7}"   -- not an NDU callout

describe("the audit of the lockdown example", function()
  local result = assert(audit.run { state = STATE, policy = "examples/lockdown_callouts.lua" })
  local text = report.text(result, { state = "S", policy = "P" })

  local function changed(object)
    for _, c in ipairs(result.changed) do if c.object == object then return c end end
  end

  it("lists 83 changed objects: 7 by the calls, 76 by propagation from call #7", function()
    local by = {}
    for _, c in ipairs(result.changed) do
      local k = c.provenance.source .. " " .. tostring(c.provenance.call)
      by[k] = (by[k] or 0) + 1
    end
    assert.same({ ["policy 1"] = 1, ["policy 2"] = 1, ["policy 3"] = 1, ["policy 4"] = 1, ["policy 5"] = 1,
                  ["policy 6"] = 1, ["policy 7"] = 1, ["propagation 7"] = 76 }, by)
    assert.matches("\nChanged by the policy: 83 objects %(7 by its calls, 76 by inheritance propagation%)\n", text)
    assert.matches("\n  76 callouts: changed by inheritance propagation from call #7 "
      .. "FwpmCalloutSetSecurityInfoByKey0 on callouts container\n", text)
    -- each of the 76 is listed with its name
    assert.matches("\n     " .. CALLOUT:gsub("%p", "%%%0") .. "  WFP Built%-in IPsec Forward Inbound Tunnel v4 Layer Callout\n",
      text)
  end)

  it("gives each principal's access before -> after with the rights lost by name", function()
    local c = assert(changed(CALLOUT))
    local by = {}
    for _, a in ipairs(c.access) do by[a.principal] = { a.before, a.after } end
    assert.same({ 0xF07FF, 0x60000 }, by.SYSTEM)
    assert.same({ 0xF07FF, 0x60000 }, by["admin-elevated"])
    assert.same({ 0x50, 0 }, by.everyone)
    assert.same({ 0x50, 0 }, by.user)
    assert.is_nil(by.appcontainer)   -- 0 before and after: not a change
    -- 0xF07FF & ~0x60000 = 0x907FF: the eleven FWPM_ACTRL_* rights, DELETE, WRITE_OWNER
    assert.matches("\n       #1   SYSTEM +0xf07ff %-> 0x60000 +lost FWPM_ACTRL_ADD|FWPM_ACTRL_ADD_LINK|"
      .. "FWPM_ACTRL_BEGIN_READ_TXN|FWPM_ACTRL_BEGIN_WRITE_TXN|FWPM_ACTRL_CLASSIFY|FWPM_ACTRL_ENUM|FWPM_ACTRL_OPEN|"
      .. "FWPM_ACTRL_READ|FWPM_ACTRL_READ_STATS|FWPM_ACTRL_SUBSCRIBE|FWPM_ACTRL_WRITE|DELETE|WRITE_OWNER\n", text)
    assert.matches("\n       #8   everyone +0x50 %-> 0x0 +lost FWPM_ACTRL_CLASSIFY|FWPM_ACTRL_OPEN\n", text)
  end)

  it("names the ACEs the propagation removed (Network Configuration Operators among them)", function()
    local removed, added = report.ace_changes(changed(CALLOUT).before_sddl, changed(CALLOUT).sddl)
    assert.same({}, added)
    local set = {}
    for _, a in ipairs(removed) do set[a] = true end
    assert.is_true(set["(A;ID;0xf07ff;;;BA)"])
    assert.is_true(set["(A;ID;0x307ff;;;NO)"])
    assert.is_true(set["(A;ID;RPDT;;;WD)"])
    -- BA, NO, the six service SIDs and WD of the 1909 layout (wfp_ks_errors.md 3.3)
    assert.equal(9, #removed)
  end)

  it("shows access before the policy as well as after", function()
    local row
    for _, a in ipairs(result.access) do
      if a.principal == "admin-elevated" and a.object == CALLOUT then row = a end
    end
    assert.same({ 0xF07FF, 0x60000 }, { row.before, row.granted })
    assert.matches("\nAccess before the policy %(MAXIMUM_ALLOWED, FWPM generic mapping%)\n", text)
    assert.matches("\nAccess after the policy %(MAXIMUM_ALLOWED, FWPM generic mapping%)\n", text)
  end)

  it("numbers the principals and gives every full label in a legend, never cut", function()
    assert.matches("\n  #10  S%-1%-5%-21%-1793033065%-631609589%-106201677%-500\n", text)
    assert.matches("\n  #1   SYSTEM  %(user S%-1%-5%-18%)\n", text)
    assert.not_matches("%.%.%.106201677", text)
    assert.matches("\n +#1 +#2 +#3 +#4 +#5 +#6 +#7 +#8 +#9 +#10 descriptor +object\n", text)
  end)

  it("names every mask it shows", function()
    assert.matches("\n  0x60000 %(READ_CONTROL|WRITE_DAC%)\n", text)
    assert.matches("\n  0x50 %(FWPM_ACTRL_CLASSIFY|FWPM_ACTRL_OPEN%)\n", text)
    assert.matches("\n  0x0 %(no access%)\n", text)
  end)

  it("says where each descriptor comes from, in one place for text, JSON and HTML", function()
    local prov = {}
    for _, o in ipairs(result.objects) do prov[o.object] = o end
    assert.equal("set by the policy: call #7 FwpmCalloutSetSecurityInfoByKey0 on callouts container",
      prov["callouts container"].provenance.detail)
    assert.equal("default", prov["callouts container"].before_provenance.source)
    assert.equal("emulated default: the FWPM default callout descriptor, inherited from the callouts container"
      .. " (wfp_ks_errors.md 3.3)", prov[CALLOUT].before_provenance.detail)
    assert.equal("propagation", prov[CALLOUT].provenance.source)
    assert.equal(7, prov[CALLOUT].provenance.call)
    assert.equal("emulated default connections container descriptor: inherited from the engine's default"
      .. " (wfp_ks_errors.md 3.3)", prov["connections container"].provenance.detail)
    -- filter-condition descriptors: read from the dump
    assert.is_true(#result.dump_descriptors > 0)
    local d = result.dump_descriptors[1]
    assert.equal("dump", d.provenance.source)
    assert.matches("^read from the dump .- filter {[%x-]+} condition #%d+ %(FWPM_CONDITION_ALE_USER_ID%)$",
      d.provenance.detail)
    local html = require("ntsec.html").audit(result, {})
    assert.truthy(html:find(">propagated #7</span>", 1, true))
  end)
end)

describe("a read-only policy", function()
  it("counts its reads per function instead of listing them", function()
    local policy = cmd.tmpfile([[
local k = assert(engine:open { kernel_mode = true, token = ntsec.token { user = "SY" } })
for _, f in ipairs(engine:filters()) do
  ntsec.wfp.FwpmFilterGetSecurityInfoByKey0(k, f.key, ntsec.DACL_SECURITY_INFORMATION)
end
ntsec.wfp.FwpmFilterGetSecurityInfoByKey0(k, "{00000000-0000-0000-0000-000000000009}", ntsec.DACL_SECURITY_INFORMATION)
]], ".lua")
    local result = assert(audit.run { state = STATE, policy = policy })
    os.remove(policy)
    -- 200 filters (shared/data/README.md) + one unknown key
    assert.same({ { ["function"] = "FwpmFilterGetSecurityInfoByKey0", count = 201, failed = 1 } }, result.reads)
    assert.same({}, result.writes)
    assert.same({}, result.changed)
    local text = report.text(result, {})
    assert.matches("\nReads by the policy %(Get security calls%): 201, per function\n"
      .. "  FwpmFilterGetSecurityInfoByKey0 +201 calls, 1 failed\n", text)
    assert.matches("\nWrites by the policy %(Set security calls%): 0\n", text)
    -- everything before the per-principal filter section (its size depends
    -- on the dump's principals, not on the reads) stays short
    local head = assert(text:match("^(.-)\nFilters that apply per principal"))
    local n = 0
    for _ in head:gmatch("\n") do n = n + 1 end
    assert.is_true(n < 80, "text report of " .. n .. " lines before the filter section")
  end)
end)

describe("a policy's own findings", function()
  local policy
  setup(function()
    policy = cmd.tmpfile([[
report:finding { rule = "callouts-locked", object = { kind = "container", key = "callouts", name = "callouts container" },
                 principal = "WD", rights = ntsec.FWPM_ACTRL_OPEN | ntsec.FWPM_ACTRL_CLASSIFY,
                 message = "Everyone may still open and classify" }
report.finding { message = "a second one" }
return { principals = { "SYSTEM" } }
]], ".lua")
  end)
  teardown(function() os.remove(policy) end)

  it("come first in the text, count like rule findings (exit 1), and validate in JSON", function()
    local out, _, code = cmd.run(("bin/ntsec audit %s --policy %s"):format(STATE, policy))
    assert.equal(1, code)
    assert.matches("^ntsec audit of [^\n]+\n\nFINDINGS: 2 %(reported by the policy; the command exits 1%)\n"
      .. "  1%. %[callouts%-locked%] callouts container; principal WD %(S%-1%-1%-0%); rights 0x00000050 "
      .. "%(FWPM_ACTRL_CLASSIFY|FWPM_ACTRL_OPEN%); Everyone may still open and classify\n"
      .. "  2%. %[policy%] engine; a second one\n\nImported objects\n", out)
    local js
    js, _, code = cmd.run(("bin/ntsec audit %s --policy %s --format json"):format(STATE, policy))
    assert.equal(1, code)
    assert(cmd.validate("docs/audit.schema.json", js))
    local doc = json.decode(js, 1, json.null)
    assert.is_true(doc.complete)
    assert.same({ "FWPM_ACTRL_CLASSIFY", "FWPM_ACTRL_OPEN" }, doc.findings[1].rights.names)
    assert.equal("policy", doc.findings[2].rule)
    local page
    page, _, code = cmd.run(("bin/ntsec audit %s --policy %s --format html"):format(STATE, policy))
    assert.equal(1, code)
    assert.truthy(page:find("<b>callouts-locked</b>", 1, true) < page:find("id=\"access\"", 1, true))
  end)

  it("count in `ntsec check --policy` too", function()
    local out, _, code = cmd.run(("bin/ntsec check %s --rules builtin --policy %s --format json"):format(STATE, policy))
    assert.equal(1, code)
    local doc = json.decode(out, 1, json.null)
    local rules = {}
    for _, f in ipairs(doc.findings) do rules[#rules + 1] = f.rule end
    -- the policy's two findings come first, then the built-in rules' two
    -- shadowed loopback blocks of this dump (66883, 66884; spec/check_cli_spec.lua)
    assert.same({ "callouts-locked", "policy", "wfp-ale-permit-above-block", "wfp-ale-permit-above-block" }, rules)
  end)

  it("a malformed finding is the policy's mistake: one line, exit 2", function()
    local bad = cmd.tmpfile('report:finding { colour = "red" }\n', ".lua")
    local out, stderr, code = cmd.run(("bin/ntsec audit %s --policy %s"):format(STATE, bad))
    os.remove(bad)
    assert.equal(2, code)
    assert.equal("", out)
    assert.matches("^ntsec: [^\n]*: finding: unknown field 'colour'\n$", stderr)
  end)
end)

describe("audit.run errors", function()
  it("are ntsec.errors objects with the line in err.detail", function()
    local result, err = audit.run { state = STATE, policy = "no/such/policy.lua" }
    assert.is_nil(result)
    assert.is_true(ntsec.errors.is_error(err))
    assert.equal("audit:policy", err.op)
    assert.equal("STATUS_UNSUCCESSFUL", err.name)
    assert.matches("no/such/policy.lua", err.detail, 1, true)
    result, err = audit.run { state = "no/such/state.xml", policy = "examples/lockdown_callouts.lua" }
    assert.equal("audit:import", err.op)
    assert.equal("STATUS_INVALID_PARAMETER", err.name)
    assert.matches("^no/such/state.xml: ", err.detail)
    assert.is_nil(result)
    result, err = audit.run { state = STATE, policy = "examples/lockdown_callouts.lua",
                              security = "spec/fixtures/security/unknown-kind.json" }
    assert.equal("audit:security", err.op)
    assert.is_nil(result)
    assert.matches("unknown%-kind.json: objects%[1%]: unknown kind calout", err.detail)
    assert.has_error(function() audit.run { state = STATE, policy = "p", colour = 1 } end,
      "audit.run: unknown option 'colour'")
  end)
end)

describe("objects the policy adds", function()
  it("are changed with no descriptor before", function()
    local policy = cmd.tmpfile([[
local k = assert(engine:open { kernel_mode = true, token = ntsec.token { user = "SY" } })
assert(k:add_callout { key = "{11111111-2222-3333-4444-555555555555}", name = "added",
                       sd = "O:SYG:SYD:P(A;;GA;;;SY)" })
return { principals = { "SYSTEM", "everyone" } }
]], ".lua")
    local result = assert(audit.run { state = STATE, policy = policy })
    os.remove(policy)
    assert.equal(1, #result.changed)
    local c = result.changed[1]
    assert.equal("callout {11111111-2222-3333-4444-555555555555}", c.object)
    assert.equal("object added by the policy", c.provenance.detail)
    assert.is_nil(c.before_sddl)
    -- SYSTEM: FWPM_GENERIC_ALL from the GA ACE; Everyone: no object before, nothing after
    assert.same({ { principal = "SYSTEM", after = 0xF07FF }, { principal = "everyone", after = 0 } }, c.access)
  end)
end)

describe("a policy that deletes one filter and adds another (the count stays 200)", function()
  it("lists both: deleted with its descriptor before, added with none", function()
    local policy = cmd.tmpfile([[
local k = assert(engine:open { kernel_mode = true, token = ntsec.token { user = "SY" } })
local first = engine:filters()[1]
assert(k:delete_filter(first.key))
assert(k:add_filter { key = "{22222222-3333-4444-5555-666666666666}", name = "new", layer = first.layer,
                      action = "FWP_ACTION_BLOCK" })
return { principals = { "SYSTEM" } }
]], ".lua")
    local result = assert(audit.run { state = STATE, policy = policy })
    os.remove(policy)
    local by = {}
    for _, c in ipairs(result.changed) do by[c.object] = c end
    assert.equal(2, #result.changed)
    local added = assert(by["filter {22222222-3333-4444-5555-666666666666}"])
    assert.equal("object added by the policy", added.provenance.detail)
    assert.is_nil(added.before_sddl)
    local deleted
    for label, c in pairs(by) do if label ~= added.object then deleted = c end end
    assert.equal("object deleted by the policy", deleted.provenance.detail)
    assert.is_nil(deleted.sddl)
    assert.matches("^O:", deleted.before_sddl)
    -- the default filter descriptor gives SYSTEM (a BA member) FWPM_GENERIC_ALL; gone after
    assert.same({ { principal = "SYSTEM", before = 0xF07FF } }, deleted.access)
  end)
end)
