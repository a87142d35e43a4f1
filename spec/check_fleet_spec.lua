-- spec/check_fleet_spec.lua: `ntsec check DUMP... --rules R [-j N]` (issue
-- 13 "A fleet"; docs/check.md "Many machines"). Four machines: the two real
-- dumps, a copy of netsh-wfpstate-1.xml with one planted failure, and a file
-- that is not a dump. Expected findings are read from the XML (docs/check.md
-- "Permit above a block at an ALE layer") and from the plant below.
local json = require("dkjson")
local shell = dofile("spec/support/cmd.lua")

local D1 = "../shared/data/wfpstate/netsh-wfpstate-1.xml"
local D2 = "../shared/data/wfpstate/netsh-wfpstate-2.xml"
local SARIF_SCHEMA = "spec/fixtures/sarif-schema-2.1.0.json"

local BASELINE = {
  [D1] = { "{f084353a-741c-487c-a624-f7e99a327a4f}", "{0dbb778e-d7fd-4d29-9f2c-8e2ce313407b}" },
  [D2] = { "{6ecb22dd-ff3e-41f2-beb1-5a83ec78e632}", "{26595c98-662d-47e7-9481-9fdad443ac44}" },
}
-- The plant: "AppContainerLoopback" BLOCK 66879 {5270ef0f-...} ("blocks
-- loopback traffic to port 137": FLAGS ALL_SET 1, IP_REMOTE_PORT 137,
-- ALE_USER_ID granting WD) ties with the loopback PERMIT 66877 (FLAGS ALL_SET
-- 1) at 0xffffffffffffffff in FWPM_SUBLAYER_MPSSVC_APP_ISOLATION; re-weighted
-- to 0xfffffffffffffffd (a tool lowering a Windows block), the permit stands
-- above it and covers its flows: one more finding for that machine.
local PLANTED = "{5270ef0f-59ae-4485-8ac1-934e4c06b37b}"

local function read(path)
  local f <close> = assert(io.open(path, "rb"))
  return f:read("a")
end

local planted, bad
setup(function()
  local text = read(D1)
  local at = assert(text:find("<filterKey>" .. PLANTED .. "</filterKey>", 1, true))
  local stop = assert(text:find("</effectiveWeight>", at, true))
  local item, n = text:sub(at, stop):gsub("18446744073709551615", "18446744073709551613")
  assert(n == 2)   -- weight and effectiveWeight
  planted = shell.tmpfile(text:sub(1, at - 1) .. item .. text:sub(stop + 1), ".xml")
  bad = shell.tmpfile("<wfpstate><sessions>\n<oops>\n", ".xml")
end)
teardown(function()
  os.remove(planted)
  os.remove(bad)
end)

local function fleet(args)
  local out, stderr, code = shell.run("bin/ntsec check " .. args)
  return out, code, stderr
end

-- machine -> sorted keys of its findings' objects (all are filters here).
local function findings_by_machine(doc)
  local out = {}
  for _, m in ipairs(doc.machines) do
    if m.findings ~= json.null then
      local keys = {}
      for _, f in ipairs(m.findings) do
        assert.equal("wfp-ale-permit-above-block", f.rule)
        assert.equal("S-1-1-0", f.principal.sid)
        keys[#keys + 1] = f.object.key
      end
      table.sort(keys)
      out[m.state] = keys
    end
  end
  return out
end

local function sorted(list)
  local t = { table.unpack(list) }
  table.sort(t)
  return t
end

describe("ntsec check over many dumps", function()
  it("json: one document, a machine each in the order given, exit 2 for the bad dump", function()
    local out, code, stderr = fleet(("%s %s %s %s --rules builtin -j 2 --format json"):format(D1, D2, planted, bad))
    assert.equal(2, code)
    assert.equal("", stderr)
    local doc = json.decode(out, 1, json.null)
    assert.same({ D1, D2, planted, bad }, { doc.machines[1].state, doc.machines[2].state, doc.machines[3].state,
                                            doc.machines[4].state })
    assert.same({ "FAIL", "FAIL", "FAIL", "BAD INPUT" }, { doc.machines[1].status, doc.machines[2].status,
                                                           doc.machines[3].status, doc.machines[4].status })
    assert.same({ 1, 1, 1, 2 }, { doc.machines[1].exit, doc.machines[2].exit, doc.machines[3].exit, doc.machines[4].exit })
    local with_plant = { PLANTED }
    for _, k in ipairs(BASELINE[D1]) do with_plant[#with_plant + 1] = k end
    assert.same({ [D1] = sorted(BASELINE[D1]), [D2] = sorted(BASELINE[D2]), [planted] = sorted(with_plant) },
      findings_by_machine(doc))
    assert.matches("^" .. bad:gsub("%p", "%%%0") .. ":3: XML error: ", doc.machines[4].error)
    assert.equal(json.null, doc.machines[4].findings)
    assert.same({ machines = 4, passed = 0, failed = 3, bad_input = 1, findings = 7 }, doc.totals)
    assert.equal(2, doc.exit)
    assert.equal(2, doc.jobs)
    assert.equal(421, doc.machines[3].objects)
  end)

  it("exit 1 without the bad dump, 0 when every rule holds on every machine", function()
    local _, code = fleet(("%s %s %s --rules builtin -j 2 --format json"):format(D1, D2, planted))
    assert.equal(1, code)
    local out, code0 = fleet(("%s %s --rules spec/fixtures/check/acl_rules.lua -j 2"):format(D1, D2))
    assert.equal(0, code0)
    assert.matches("2 machines: 2 pass, 0 with findings %(0 findings%), 0 bad input; rules "
      .. "spec/fixtures/check/acl_rules.lua, 2 workers; exit 0\n$", out)
  end)

  it("text ends with the per-machine summary table", function()
    local out, code = fleet(("%s %s %s %s --rules builtin -j 3"):format(D1, D2, planted, bad))
    assert.equal(2, code)
    local tail = {}
    for line in out:gmatch("[^\n]+") do tail[#tail + 1] = line end
    local n = #tail
    assert.matches("^machine +objects +findings +status +findings per rule / error$", tail[n - 5])
    assert.matches("^" .. D1:gsub("%p", "%%%0") .. " +421 +2 +FAIL +wfp%-ale%-permit%-above%-block=2$", tail[n - 4])
    assert.matches("^" .. D2:gsub("%p", "%%%0") .. " +916 +2 +FAIL +wfp%-ale%-permit%-above%-block=2$", tail[n - 3])
    assert.matches("^" .. planted:gsub("%p", "%%%0") .. " +421 +3 +FAIL +wfp%-ale%-permit%-above%-block=3$", tail[n - 2])
    assert.matches("^" .. bad:gsub("%p", "%%%0") .. " +%- +%- +BAD INPUT +" .. bad:gsub("%p", "%%%0") .. ":3: XML error",
      tail[n - 1])
    assert.equal("4 machines: 0 pass, 3 with findings (7 findings), 1 bad input; rules builtin, 3 workers; exit 2",
      tail[n])
    -- each machine's own report comes first, in order
    assert.truthy(out:find("ntsec check " .. D1 .. ": 421 objects, 6 rules, 2 findings", 1, true))
    assert.truthy(out:find("ntsec check " .. bad .. ": BAD INPUT: ", 1, true))
  end)

  it("the report does not depend on the number of workers", function()
    local args = ("%s %s %s %s --rules builtin --format json"):format(D1, D2, planted, bad)
    local one = fleet(args .. " -j 1")
    local three = fleet(args .. " -j 3")
    local a, b = json.decode(one), json.decode(three)
    a.jobs, b.jobs = nil, nil
    assert.same(a, b)
  end)

  it("junit: validates, one testsuite per machine and rule, the bad dump as an <error>", function()
    local out, code = fleet(("%s %s %s --rules builtin -j 2 --format junit"):format(D1, planted, bad))
    assert.equal(2, code)
    local path = shell.tmpfile(out, ".xml")
    local vout, verr, vcode = shell.run(("xmllint --noout --schema spec/fixtures/junit.xsd %s"):format(path))
    os.remove(path)
    assert.equal(0, vcode, vout .. verr)
    assert.matches('<testsuites name="ntsec check" tests="%d+" failures="5" errors="1">', out)
    assert.truthy(out:find(('<testsuite name="%s: wfp-ale-permit-above-block" tests="3" failures="3"'):format(planted),
      1, true))
    assert.truthy(out:find(('<testsuite name="%s: wfp-write-rights" tests="1" failures="0"'):format(D1), 1, true))
    assert.truthy(out:find(('<testcase classname="%s" name="import">'):format(bad), 1, true))
    assert.matches('<error message="[^"]*XML error[^"]*" type="bad input">', out)
  end)

  it("sarif: validates against SARIF 2.1.0, one run per machine", function()
    local out, code = fleet(("%s %s %s --rules builtin -j 2 --format sarif"):format(D1, planted, bad))
    assert.equal(2, code)
    local ok, why = shell.validate(SARIF_SCHEMA, out)
    assert.is_true(ok, why)
    local log = json.decode(out)
    assert.equal(3, #log.runs)
    assert.same({ D1, planted, bad }, { log.runs[1].automationDetails.id, log.runs[2].automationDetails.id,
                                        log.runs[3].automationDetails.id })
    assert.same({ 2, 3, 0 }, { #log.runs[1].results, #log.runs[2].results, #log.runs[3].results })
    assert.is_true(log.runs[2].invocations[1].executionSuccessful)
    assert.equal(1, log.runs[2].invocations[1].exitCode)
    local failed = log.runs[3].invocations[1]
    assert.is_false(failed.executionSuccessful)
    assert.equal(2, failed.exitCode)
    assert.matches("XML error", failed.toolExecutionNotifications[1].message.text)
    assert.equal(planted, log.runs[2].results[1].locations[1].physicalLocation.artifactLocation.uri)
  end)

  it("a bad number of workers is a usage mistake: exit 2, one line", function()
    local out, code, stderr = fleet(("%s %s --rules builtin -j 0"):format(D1, D2))
    assert.equal(2, code)
    assert.equal("", out)
    assert.equal("ntsec: -j: '0' is not a positive number of workers\n", stderr)
  end)
end)
