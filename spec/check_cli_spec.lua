-- spec/check_cli_spec.lua: `bin/ntsec check` (issue 13 "Rules with a
-- verdict"; docs/check.md). The built-in rules on both real dumps find
-- nothing; on the dumps changed by a policy that reproduces each failure
-- mode of the issue they report exactly the planted findings, listed here
-- by hand from the policies (spec/fixtures/check/*_policy.lua), the
-- default engine descriptor (wfp_ks_errors.md 3.3, 17 ACEs) and the FWPM
-- rights (wfp_ks_errors.md 3.1).
local json = require("dkjson")

local DUMPS = { "../shared/data/wfpstate/netsh-wfpstate-1.xml", "../shared/data/wfpstate/netsh-wfpstate-2.xml" }
local FIX = "spec/fixtures/check/"

local shell = dofile("spec/support/cmd.lua")
local run, write = shell.run, shell.tmpfile

-- The findings of a JSON report as "rule|kind|key|principal|mask|#index ACE" lines.
local function tuples(report)
  local out = {}
  for _, f in ipairs(report.findings) do
    local ace = f.aces[1]
    out[#out + 1] = table.concat({ f.rule, f.object.kind, f.object.key ~= json.null and f.object.key or "-",
      f.principal ~= json.null and f.principal.sid or "-",
      f.rights ~= json.null and ("0x%08x"):format(f.rights.mask) or "-",
      ace and (ace.index ~= json.null and ("#%d %s"):format(ace.index, ace.sddl) or ace.sddl) or "-" }, "|")
  end
  return out
end

local function check(args)
  local out, stderr, code = run("bin/ntsec check " .. args .. " --format json")
  local report = code ~= 2 and json.decode(out, 1, json.null) or nil
  return report, code, stderr
end

local VENDOR = "{c0c0a000-0000-4000-8000-00000000000"

-- What the built-in rules report on the real dumps themselves: the
-- AppContainerLoopback BLOCK filters that the AppContainerLoopback PERMIT
-- above them shadows for Everyone (read from the XML; spec/check_ale_spec.lua,
-- docs/check.md "Permit above a block at an ALE layer").
local BASELINE = {
  [DUMPS[1]] = { "wfp-ale-permit-above-block|filter|{f084353a-741c-487c-a624-f7e99a327a4f}|S-1-1-0|-|-",
                 "wfp-ale-permit-above-block|filter|{0dbb778e-d7fd-4d29-9f2c-8e2ce313407b}|S-1-1-0|-|-" },
  [DUMPS[2]] = { "wfp-ale-permit-above-block|filter|{6ecb22dd-ff3e-41f2-beb1-5a83ec78e632}|S-1-1-0|-|-",
                 "wfp-ale-permit-above-block|filter|{26595c98-662d-47e7-9481-9fdad443ac44}|S-1-1-0|-|-" },
}

-- planted findings followed by the dump's own (the ALE rule runs last).
local function with_baseline(dump, planted)
  local out = {}
  for _, t in ipairs(planted) do out[#out + 1] = t end
  for _, t in ipairs(BASELINE[dump]) do out[#out + 1] = t end
  return out
end

describe("ntsec check --rules builtin", function()
  for _, dump in ipairs(DUMPS) do
    describe(dump, function()
      it("finds only the two shadowed AppContainerLoopback blocks on the real dump (exit 1)", function()
        local report, code, stderr = check(dump .. " --rules builtin")
        assert.equal("", stderr)
        assert.equal(1, code)
        assert.same(BASELINE[dump], tuples(report))
        assert.equal(6, #report.rules)
      end)

      it("reports the third-party grant to Everyone and Users on the engine (exit 1)", function()
        local report, code = check(dump .. " --rules builtin --policy " .. FIX .. "broad_grant_policy.lua")
        assert.equal(1, code)
        assert.same(with_baseline(dump, {
          "wfp-write-rights|engine|-|S-1-5-32-545|0x000d0000|#19 (A;;0xf07ff;;;BU)",
          "wfp-broad-access|engine|-|S-1-1-0|0x000000a9|#18 (A;;CCSWWPLO;;;WD)",
          "wfp-broad-access|engine|-|S-1-5-32-545|0x000f07af|#19 (A;;0xf07ff;;;BU)",
        }), tuples(report))
        assert.same({ "FWPM_ACTRL_ADD", "FWPM_ACTRL_BEGIN_WRITE_TXN", "FWPM_ACTRL_ENUM", "FWPM_ACTRL_READ" },
          report.findings[2].rights.names)
        assert.equal("engine", report.findings[1].object.name)
      end)

      it("reports the vendor's inherited deny ACEs locking Administrators out (exit 1)", function()
        local report, code = check(dump .. " --rules builtin --policy " .. FIX .. "vendor_deny_policy.lua")
        assert.equal(1, code)
        local expected = {}
        for i, kind in ipairs({ "provider", "sublayer", "callout", "filter" }) do
          expected[i] = ("wfp-admin-deny|%s|%s%d}|S-1-5-32-544|0x00050000|#1 (D;ID;SDWD;;;WD)"):format(kind, VENDOR, i)
        end
        assert.same(with_baseline(dump, expected), tuples(report))
        assert.same({ "DELETE", "WRITE_DAC" }, report.findings[1].rights.names)
        assert.equal("Contoso Firewall", report.findings[1].object.name)
      end)

      it("reports that a standard user cannot open the engine (exit 1)", function()
        local report, code = check(dump .. " --rules builtin --policy " .. FIX .. "no_open_policy.lua")
        assert.equal(1, code)
        assert.same(with_baseline(dump, { "wfp-nonadmin-open|engine|-|S-1-5-21-0-0-0-1001|0x00000040|-" }),
          tuples(report))
        assert.matches("ERROR_ACCESS_DENIED", report.findings[1].message)
      end)
    end)
  end

  it("reports NULL and empty DACLs", function()
    local policy = write([[
      local k = assert(engine:open { kernel_mode = true })
      assert(ntsec.wfp.FwpmCalloutAdd0(k, { key = "{c0c0a000-0000-4000-8000-0000000000c1}", name = "null",
        layer = "FWPM_LAYER_ALE_AUTH_CONNECT_V4" }, ntsec.sd("O:BAG:BAD:NO_ACCESS_CONTROL")) == 0)
      assert(ntsec.wfp.FwpmCalloutAdd0(k, { key = "{c0c0a000-0000-4000-8000-0000000000c2}", name = "empty",
        layer = "FWPM_LAYER_ALE_AUTH_CONNECT_V4" }, ntsec.sd("O:BAG:BAD:")) == 0)
      k:close()]])
    local report, code = check(DUMPS[1] .. " --rules builtin --policy " .. policy)
    os.remove(policy)
    assert.equal(1, code)
    assert.same(with_baseline(DUMPS[1], {
      "null-or-empty-dacl|callout|{c0c0a000-0000-4000-8000-0000000000c1}|S-1-1-0|-|-",
      "null-or-empty-dacl|callout|{c0c0a000-0000-4000-8000-0000000000c2}|-|-|-",
    }), tuples(report))
    assert.matches("NULL DACL", report.findings[1].message)
    assert.matches("empty DACL", report.findings[2].message)
  end)
end)

describe("ntsec check: choices of the built-in rules (docs/check.md)", function()
  local function with_policy(text)
    local policy = write(text)
    local report, code = check(DUMPS[1] .. " --rules builtin --policy " .. policy)
    os.remove(policy)
    return report, code
  end

  it("wfp-nonadmin-open names the deny ACE that refuses FWPM_ACTRL_OPEN (DT = 0x40)", function()
    local report, code = with_policy([[
      local k = assert(engine:open { kernel_mode = true })
      local _, sd = ntsec.wfp.FwpmEngineGetSecurityInfo0(k, ntsec.DACL_SECURITY_INFORMATION)
      local dacl = "D:AI(D;;DT;;;BU)" .. sd:sddl():match("D:AI(.*)$")
      assert(ntsec.wfp.FwpmEngineSetSecurityInfo0(k, ntsec.DACL_SECURITY_INFORMATION, nil, nil, ntsec.sd(dacl).dacl) == 0)
      k:close()]])
    assert.equal(1, code)
    assert.same(with_baseline(DUMPS[1], { "wfp-nonadmin-open|engine|-|S-1-5-21-0-0-0-1001|0x00000040|#1 (D;;DT;;;BU)" }),
      tuples(report))
  end)

  it("wfp-admin-deny: an object owned by BA keeps the owner's WRITE_DAC, loses DELETE only", function()
    local report, code = with_policy([[
      local k = assert(engine:open { kernel_mode = true })
      assert(ntsec.wfp.FwpmProviderAdd0(k, { key = "{c0c0a000-0000-4000-8000-0000000000b1}", name = "owned by BA" },
        ntsec.sd("O:BAG:SYD:(D;ID;SDWD;;;WD)(A;ID;0xf07ff;;;SY)(A;ID;0xf07ff;;;BA)")) == 0)
      k:close()]])
    assert.equal(1, code)
    assert.same(with_baseline(DUMPS[1],
      { "wfp-admin-deny|provider|{c0c0a000-0000-4000-8000-0000000000b1}|S-1-5-32-544|0x00010000|#1 (D;ID;SDWD;;;WD)" }),
      tuples(report))
  end)
end)

describe("ntsec check with a rule file", function()
  it("runs examples/check_rules.lua: built-ins with parameters and a custom rule", function()
    local report, code = check(DUMPS[2] .. " --rules examples/check_rules.lua --policy " .. FIX .. "vendor_deny_policy.lua")
    assert.equal(1, code)
    local t = tuples(report)
    assert.equal(5, #t)
    assert.equal("vendor-provider-owner|provider|" .. VENDOR .. "1}|S-1-5-18|-|-", t[5])
    assert.equal("vendor-provider-owner", report.rules[6].id)
    local clean, clean_code = check(DUMPS[2] .. " --rules examples/check_rules.lua")
    assert.equal(0, clean_code)
    assert.same({}, tuples(clean))
  end)

  it("parameters change a built-in rule: Users allowed to write no longer a finding", function()
    local rules = write('builtin("wfp-write-rights", { also_allow = { "BU" } })\n')
    local report, code = check(DUMPS[1] .. " --rules " .. rules .. " --policy " .. FIX .. "broad_grant_policy.lua")
    os.remove(rules)
    assert.equal(0, code)
    assert.same({}, tuples(report))
  end)

  it("builtin \"id\" { params } (the call form) sets the parameters", function()
    local rules = write('builtin "wfp-broad-access" { principals = { "WD" } }\n')
    local report, code = check(DUMPS[1] .. " --rules " .. rules .. " --policy " .. FIX .. "broad_grant_policy.lua")
    os.remove(rules)
    assert.equal(1, code)
    assert.same({ "wfp-broad-access|engine|-|S-1-1-0|0x000000a9|#18 (A;;CCSWWPLO;;;WD)" }, tuples(report))
  end)

  it("report:finding{...} from the rule file counts like a rule finding", function()
    local rules = write([[
      report:finding { rule = "site-policy", object = { kind = "callout", key = "{k}", name = "n" },
                       principal = "BU", rights = ntsec.FWPM_ACTRL_READ, ace = "(A;;LO;;;BU)", message = "m" }
      rule { id = "custom", check = function(ctx) ctx:finding { message = "from a rule" } end }
    ]])
    local report, code = check(DUMPS[1] .. " --rules " .. rules)
    os.remove(rules)
    assert.equal(1, code)
    assert.same({ "site-policy|callout|{k}|S-1-5-32-545|0x00000080|(A;;LO;;;BU)", "custom|engine|-|-|-|-" },
      tuples(report))
    assert.same({ "custom", "site-policy" }, { report.rules[1].id, report.rules[2].id })
  end)

  it("the KS rule reports create items without a descriptor over a device", function()
    local rules = write([[
      local dev = ntsec.ks.device()
      local filter = assert(dev:add_create_item { name = "GLOBAL", sd = ntsec.sd("D:P(A;;GA;;;SY)") })
      assert(filter:add_child { name = "pin" })
      assert(dev:add_create_item { name = "RAW" })
      builtin("ks-create-item-without-sd", { device = dev })
    ]])
    local report, code = check(DUMPS[1] .. " --rules " .. rules)
    os.remove(rules)
    assert.equal(1, code)
    assert.same({ "ks-create-item-without-sd|ks_create_item|GLOBAL\\pin|-|-|-",
                  "ks-create-item-without-sd|ks_create_item|RAW|-|-|-" }, tuples(report))
  end)
end)

describe("ntsec check: bad input exits 2 with one line", function()
  local function bad(args, pattern)
    local out, stderr, code = run("bin/ntsec check " .. args)
    assert.equal(2, code)
    assert.equal("", out)
    assert.matches("^ntsec: [^\n]+\n$", stderr)
    assert.matches(pattern, stderr)
  end
  local rules_file = {}
  setup(function()
    rules_file.unknown = write('builtin "no-such-rule"\n')
    rules_file.param = write('builtin("wfp-admin-deny", { bogus = 1 })\n')
    rules_file.syntax = write('this is not lua\n')
    rules_file.raises = write('rule { id = "x", check = function() error("boom") end }\n')
    rules_file.profile = write('builtin("wfp-ale-permit-above-block", { token = "nobody" })\n')
    rules_file.dump = write('<wfpstate><oops>')
  end)
  teardown(function() for _, p in pairs(rules_file) do os.remove(p) end end)

  it("a missing dump", function() bad("/nonexistent.xml --rules builtin", "nonexistent.xml") end)
  it("a malformed dump", function() bad(rules_file.dump .. " --rules builtin", "XML error") end)
  it("a missing rule file", function() bad(DUMPS[1] .. " --rules /nonexistent.lua", "nonexistent.lua") end)
  it("an unknown built-in rule", function()
    bad(DUMPS[1] .. " --rules " .. rules_file.unknown, ":1: unknown built%-in rule 'no%-such%-rule'")
  end)
  it("an unknown parameter", function() bad(DUMPS[1] .. " --rules " .. rules_file.param, ":1: .*unknown field 'bogus'") end)
  it("a rule file that does not parse", function() bad(DUMPS[1] .. " --rules " .. rules_file.syntax, "syntax error") end)
  it("a rule that raises", function() bad(DUMPS[1] .. " --rules " .. rules_file.raises, "rule x failed: .*:1: boom") end)
  it("an unknown principal profile for the ALE rule", function()
    bad(DUMPS[1] .. " --rules " .. rules_file.profile,
      "rule wfp%-ale%-permit%-above%-block failed: .*parameter token: unknown principal profile nobody %(known: SYSTEM")
  end)
  it("an unknown format", function() bad(DUMPS[1] .. " --rules builtin --format xml", "must be one of") end)
  it("no --rules", function() bad(DUMPS[1], "missing option '%-%-rules'") end)
end)

describe("ntsec check --output", function()
  it("writes the report to a file, stdout stays empty", function()
    local path = os.tmpname()
    local out, _, code = run("bin/ntsec check " .. DUMPS[1] .. " --rules builtin --format json --output " .. path)
    assert.equal(1, code)
    assert.equal("", out)
    local f = assert(io.open(path))
    local report = json.decode(f:read("a"))
    f:close()
    os.remove(path)
    assert.equal(DUMPS[1], report.state)
  end)
end)

describe("ntsec.check.report_unreadable", function()
  it("turns an object whose descriptor could not be read into a finding, never a pass", function()
    local runner = require("ntsec.check")
    local state = { objects = { { kind = "callout", key = "{k}", name = "n", error = 0xC0000022 },
                                { kind = "engine", name = "engine", sd = true } },
                    findings = {}, rules = {}, seen = {} }
    runner.report_unreadable(state)
    assert.equal(1, #state.findings)
    local f = state.findings[1]
    assert.equal("object-unreadable", f.rule)
    assert.equal("{k}", f.object.key)
    assert.matches("STATUS_ACCESS_DENIED", f.message)
    local result = runner.result(state, "x.xml")
    assert.equal("object-unreadable", result.rules[1].id)
    assert.equal(1, runner.exit_code(result))
  end)
end)
