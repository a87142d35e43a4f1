-- spec/check_formats_spec.lua: the JUnit XML and SARIF 2.1.0 outputs of
-- `ntsec check` validate against their schemas (issue 13): JUnit with
-- xmllint against spec/fixtures/junit.xsd, SARIF with python3-jsonschema
-- against the OASIS schema spec/fixtures/sarif-schema-2.1.0.json (both from
-- Debian, .ci/install). Each validator is shown to reject a broken document,
-- so a pass means something.
local json = require("dkjson")

local DUMP = "../shared/data/wfpstate/netsh-wfpstate-2.xml"
local POLICY = "spec/fixtures/check/vendor_deny_policy.lua"
local JUNIT_XSD = "spec/fixtures/junit.xsd"
local SARIF_SCHEMA = "spec/fixtures/sarif-schema-2.1.0.json"

local shell = dofile("spec/support/cmd.lua")
local write = shell.tmpfile

-- stdout and stderr together, and the exit code.
local function run(cmd)
  local out, stderr, code = shell.run(cmd)
  return out .. stderr, code
end

-- The descriptor rules (spec/fixtures/check/acl_rules.lua): the real dump
-- holds for them, so the planted policy's findings are the only ones.
local function report(format, policy)
  local out, code = run(("bin/ntsec check %s --rules spec/fixtures/check/acl_rules.lua --format %s%s"):format(DUMP, format,
    policy and (" --policy " .. policy) or ""))
  return out, code
end

-- xmllint's verdict on a document: true, or false and its output.
local function junit_valid(text)
  local path = write(text)
  local out, code = run(("xmllint --noout --schema %s %s"):format(JUNIT_XSD, path))
  os.remove(path)
  return code == 0, out
end

local VALIDATE_SARIF = [[
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
doc = json.load(open(sys.argv[2]))
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)
errors = list(cls(schema).iter_errors(doc))
for e in errors[:5]: print(e.message, list(e.path))
sys.exit(1 if errors else 0)
]]

local function sarif_valid(text)
  local script, path = write(VALIDATE_SARIF), write(text)
  local out, code = run(("python3 %s %s %s"):format(script, SARIF_SCHEMA, path))
  os.remove(script)
  os.remove(path)
  return code == 0, out
end

describe("ntsec check --format junit", function()
  it("validates with findings, one failing testcase per finding", function()
    local out, code = report("junit", POLICY)
    assert.equal(1, code)
    assert.is_true(junit_valid(out))
    local _, failures = out:gsub("<failure ", "")
    assert.equal(4, failures)
    assert.matches('<testsuite name="wfp%-admin%-deny" tests="4" failures="4"', out)
    assert.matches('<testcase classname="wfp-admin-deny" name="provider {c0c0a000-0000-4000-8000-000000000001}'
      .. ' (Contoso Firewall) / BA (S-1-5-32-544)">', out, 1, true)
  end)

  it("validates when every rule holds, one passing testcase per rule", function()
    local out, code = report("junit")
    assert.equal(0, code)
    assert.is_true(junit_valid(out))
    local _, holds = out:gsub('name="holds"/>', "")
    assert.equal(5, holds)
  end)

  it("the schema rejects a broken document (a testcase without a name)", function()
    local out = report("junit", POLICY)
    local broken = out:gsub('<testcase classname="wfp%-admin%-deny" name="[^"]*"', '<testcase classname="x"', 1)
    assert.is_false((junit_valid(broken)))
  end)
end)

describe("ntsec check --format sarif", function()
  it("validates against the OASIS SARIF 2.1.0 schema, one result per finding", function()
    local out, code = report("sarif", POLICY)
    assert.equal(1, code)
    local ok, why = sarif_valid(out)
    assert.is_true(ok, why)
    local log = json.decode(out)
    assert.equal("2.1.0", log.version)
    local run1 = log.runs[1]
    assert.equal("ntsec", run1.tool.driver.name)
    assert.equal(4, #run1.results)
    local r = run1.results[1]
    assert.equal("wfp-admin-deny", r.ruleId)
    assert.equal("wfp-admin-deny", run1.tool.driver.rules[r.ruleIndex + 1].id)
    assert.equal("provider/{c0c0a000-0000-4000-8000-000000000001}", r.locations[1].logicalLocations[1].fullyQualifiedName)
    assert.equal(DUMP, r.locations[1].physicalLocation.artifactLocation.uri)
    assert.equal(0x50000, r.properties.rights)
    assert.same({ "(D;ID;SDWD;;;WD)" }, r.properties.aces)
  end)

  it("validates with no results", function()
    local out, code = report("sarif")
    assert.equal(0, code)
    assert.is_true((sarif_valid(out)))
    assert.equal(0, #json.decode(out).runs[1].results)
  end)

  it("the schema rejects a broken log (a result level outside the enum)", function()
    local out = report("sarif", POLICY)
    local broken = out:gsub('"level":"error"', '"level":"fatal"', 1)
    assert.is_false((sarif_valid(broken)))
  end)
end)

describe("ntsec check --format json and text", function()
  it("json lists rules and findings with rights by name and the ACE", function()
    local out, code = report("json", POLICY)
    assert.equal(1, code)
    local doc = json.decode(out)
    assert.equal(4, #doc.findings)
    assert.same({ "DELETE", "WRITE_DAC" }, doc.findings[4].rights.names)
    assert.equal("filter", doc.findings[4].object.kind)
    assert.equal("Contoso block", doc.findings[4].object.name)
  end)

  it("text shows PASS/FAIL per rule and one line per finding", function()
    local out, code = report("text", POLICY)
    assert.equal(1, code)
    assert.matches("FAIL wfp%-admin%-deny %(4%)", out)
    assert.matches("PASS wfp%-broad%-access %(0%)", out)
    assert.matches("rights 0x00050000 %(DELETE|WRITE_DAC%); ACE #1 %(D;ID;SDWD;;;WD%)", out)
  end)
end)
