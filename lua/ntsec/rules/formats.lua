--- ntsec.rules.formats: the outputs of `ntsec check` (docs/check.md):
-- text, json (dkjson), junit (JUnit XML, spec/fixtures/junit.xsd), sarif
-- (SARIF 2.1.0, OASIS schema spec/fixtures/sarif-schema-2.1.0.json) and html
-- (ntsec.html_check). Each takes a result of ntsec.check.run and returns one
-- document (text); the fleet_* forms take a result of ntsec.fleet.run (many
-- dumps) and return one document as well.

local json = require("ntsec.json")
local objects = require("ntsec.rules.objects")

local M = {}

local VERSION = require("ntsec")._VERSION

local function array(t)
  return setmetatable(t, { __jsontype = "array" })
end

local function principal_text(p)
  if not p then return nil end
  return p.alias and ("%s (%s)"):format(p.alias, p.sid) or p.sid
end

local function rights_text(r)
  if not r then return nil end
  return ("0x%08x (%s)"):format(r.mask, #r.names > 0 and table.concat(r.names, "|") or "none")
end

local function aces_text(aces)
  local out = {}
  for _, a in ipairs(aces) do
    out[#out + 1] = a.index and a.index > 0 and ("#%d %s"):format(a.index, a.sddl) or a.sddl
  end
  return table.concat(out, ", ")
end

--- summary(finding) -> one line: object, principal, rights, ACEs, message.
function M.summary(f)
  local parts = { objects.label(f.object) }
  if f.principal then parts[#parts + 1] = "principal " .. principal_text(f.principal) end
  if f.rights then parts[#parts + 1] = "rights " .. rights_text(f.rights) end
  if #f.aces > 0 then parts[#parts + 1] = "ACE " .. aces_text(f.aces) end
  if f.message then parts[#parts + 1] = f.message end
  return table.concat(parts, "; ")
end

--- text(result) -> the report people read: every rule, then its findings.
function M.text(result)
  local out = { ("ntsec check %s: %d objects, %d rules, %d findings"):format(
    result.state or "(engine)", result.objects, #result.rules, #result.findings) }
  for _, r in ipairs(result.rules) do
    out[#out + 1] = ("%s %s (%d)"):format(r.findings == 0 and "PASS" or "FAIL", r.id, r.findings)
    for _, f in ipairs(result.findings) do
      if f.rule == r.id then out[#out + 1] = "  - " .. M.summary(f) end
    end
  end
  return table.concat(out, "\n") .. "\n"
end

--- json_finding(finding) -> the finding as a table for dkjson (absent
-- fields as json.null): the shape of `ntsec check --format json`, also used
-- by `ntsec audit --format json` for a policy's findings.
local function json_finding(f)
  return {
    rule = f.rule, object = { kind = f.object.kind, key = f.object.key or json.null, name = f.object.name or json.null },
    principal = f.principal and { sid = f.principal.sid, alias = f.principal.alias or json.null } or json.null,
    rights = f.rights and { mask = f.rights.mask, names = array(f.rights.names) } or json.null,
    aces = array((function()
      local l = {}
      for i, a in ipairs(f.aces) do l[i] = { sddl = a.sddl, index = a.index or json.null } end
      return l
    end)()),
    message = f.message or json.null,
    trace = f.trace and array(f.trace) or json.null,
  }
end

M.json_finding = json_finding

local JSON_ORDER = { "state", "status", "exit", "error", "objects", "rules", "findings", "id", "rule", "description",
  "source", "object", "kind", "key", "name", "principal", "sid", "alias", "rights", "mask", "names", "aces", "sddl",
  "index", "message", "trace", "machines", "totals", "jobs", "passed", "failed", "bad_input" }

-- The JSON document of one result, as a table.
local function json_doc(result)
  local rules, findings = array({}), array({})
  for i, r in ipairs(result.rules) do
    rules[i] = { id = r.id, description = r.description, source = r.source or json.null, findings = r.findings }
  end
  for i, f in ipairs(result.findings) do findings[i] = json_finding(f) end
  return { state = result.state or json.null, objects = result.objects, rules = rules, findings = findings }
end

--- json(result) -> {"state":..,"objects":N,"rules":[...],"findings":[...]}.
function M.json(result)
  return json.encode(json_doc(result), { keyorder = JSON_ORDER }) .. "\n"
end

local XML_ESCAPES = { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;", ["'"] = "&apos;" }

local function xml(s)
  -- Control characters other than tab and newline are not allowed in XML 1.0.
  return (tostring(s):gsub("[&<>\"']", XML_ESCAPES):gsub("[%z\1-\8\11\12\14-\31]", "?"))
end

-- The <testsuite> lines of one result (suite names prefixed by `prefix`),
-- appended to out; returns the number of testcases.
local function junit_suites(result, out, prefix)
  local total = 0
  for _, r in ipairs(result.rules) do
    local cases = {}
    for _, f in ipairs(result.findings) do
      if f.rule == r.id then
        local name = objects.label(f.object) .. (f.principal and (" / " .. principal_text(f.principal)) or "")
        cases[#cases + 1] = table.concat({
          ('    <testcase classname="%s" name="%s">'):format(xml(r.id), xml(name)),
          ('      <failure message="%s" type="finding">%s</failure>'):format(xml(f.message or r.description), xml(M.summary(f))),
          "    </testcase>" }, "\n")
      end
    end
    if #cases == 0 then cases[1] = ('    <testcase classname="%s" name="holds"/>'):format(xml(r.id)) end
    total = total + #cases
    out[#out + 1] = ('  <testsuite name="%s" tests="%d" failures="%d" errors="0">'):format(xml(prefix .. r.id), #cases,
      r.findings)
    out[#out + 1] = ('    <properties><property name="description" value="%s"/></properties>'):format(xml(r.description))
    for _, c in ipairs(cases) do out[#out + 1] = c end
    out[#out + 1] = "  </testsuite>"
  end
  return total
end

--- junit(result) -> JUnit XML: <testsuites> with one <testsuite> per rule,
-- one failing <testcase> per finding, or one passing "holds" testcase.
function M.junit(result)
  local out = { '<?xml version="1.0" encoding="UTF-8"?>', "" }
  local total = junit_suites(result, out, "")
  out[2] = ('<testsuites name="ntsec check" tests="%d" failures="%d">'):format(total, #result.findings)
  out[#out + 1] = "</testsuites>"
  return table.concat(out, "\n") .. "\n"
end

-- The SARIF logical location of an object: fully qualified "kind/key".
local function logical_location(o)
  local fq = o.key and (o.kind .. "/" .. o.key) or o.kind
  return { name = o.name or o.key or o.kind, fullyQualifiedName = fq, kind = "object" }
end

-- The SARIF run of one result (a table).
local function sarif_run(result)
  local rules, index = array({}), {}
  for i, r in ipairs(result.rules) do
    rules[i] = { id = r.id, shortDescription = { text = r.description },
                 properties = { source = r.source or "" } }
    index[r.id] = i - 1
  end
  local results = array({})
  for i, f in ipairs(result.findings) do
    local location = { logicalLocations = array({ logical_location(f.object) }) }
    if result.state then location.physicalLocation = { artifactLocation = { uri = result.state } } end
    results[i] = {
      ruleId = f.rule, ruleIndex = index[f.rule], level = "error",
      message = { text = M.summary(f) },
      locations = array({ location }),
      properties = {
        principal = f.principal and f.principal.sid or json.null,
        rights = f.rights and f.rights.mask or json.null,
        rightNames = f.rights and array(f.rights.names) or json.null,
        aces = array((function() local l = {} for j, a in ipairs(f.aces) do l[j] = a.sddl end return l end)()),
        trace = f.trace and array(f.trace) or json.null,
      },
    }
  end
  return { tool = { driver = { name = "ntsec", version = VERSION, rules = rules } }, results = results }
end

local SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
local SARIF_ORDER = { "$schema", "version", "runs", "automationDetails", "tool", "driver", "name", "version", "rules",
  "id", "shortDescription", "text", "invocations", "ruleId", "ruleIndex", "level", "message", "locations" }

--- sarif(result) -> a SARIF 2.1.0 log: one run, tool ntsec with the rules,
-- one result (level "error") per finding located in the dump (artifact)
-- and at the object (logical location); principal, rights, ACEs and the
-- explain trace as result properties.
function M.sarif(result)
  local log = { ["$schema"] = SARIF_SCHEMA, version = "2.1.0", runs = array({ sarif_run(result) }) }
  return json.encode(log, { keyorder = SARIF_ORDER }) .. "\n"
end

--- html(result) -> one self-contained HTML page (ntsec.html_check.check).
function M.html(result)
  return require("ntsec.html_check").check(result)
end

-- ---- many dumps (ntsec.fleet) ----

--- STATUS: the status word of a machine by its exit code.
M.STATUS = { [0] = "PASS", [1] = "FAIL", [2] = "BAD INPUT" }

local function machine_findings(m)
  return m.result and #m.result.findings or 0
end

local function fleet_totals(fleet)
  local t = { machines = #fleet.machines, passed = 0, failed = 0, bad_input = 0, findings = 0 }
  for _, m in ipairs(fleet.machines) do
    if m.exit == 0 then t.passed = t.passed + 1 elseif m.exit == 1 then t.failed = t.failed + 1
    else t.bad_input = t.bad_input + 1 end
    t.findings = t.findings + machine_findings(m)
  end
  return t
end

--- fleet_summary(fleet) -> the per-machine summary table (lines): dump,
-- objects, findings, status, then the findings per rule (rule=N, non-zero
-- only) or the one-line error of a bad dump; and a totals line.
function M.fleet_summary(fleet)
  local width = #"machine"
  for _, m in ipairs(fleet.machines) do width = math.max(width, #m.state) end
  local row = "%-" .. width .. "s  %7s  %8s  %-9s  %s"
  local out = { row:format("machine", "objects", "findings", "status", "findings per rule / error") }
  for _, m in ipairs(fleet.machines) do
    local detail
    if m.result then
      local per = {}
      for _, r in ipairs(m.result.rules) do
        if r.findings > 0 then per[#per + 1] = ("%s=%d"):format(r.id, r.findings) end
      end
      detail = #per > 0 and table.concat(per, ", ") or "-"
    else
      detail = m.error or "?"
    end
    out[#out + 1] = row:format(m.state, m.result and tostring(m.result.objects) or "-",
      m.result and tostring(machine_findings(m)) or "-", M.STATUS[m.exit] or "BAD INPUT", detail)
  end
  local t = fleet_totals(fleet)
  out[#out + 1] = ("%d machines: %d pass, %d with findings (%d findings), %d bad input; rules %s, %d worker%s; exit %d")
    :format(t.machines, t.passed, t.failed, t.findings, t.bad_input, fleet.rules, fleet.jobs,
      fleet.jobs == 1 and "" or "s", fleet.exit)
  return out
end

--- fleet_text(fleet) -> every machine's text report (a bad dump: one
-- line), then the summary table.
function M.fleet_text(fleet)
  local out = {}
  for _, m in ipairs(fleet.machines) do
    if m.result then out[#out + 1] = M.text(m.result)
    else out[#out + 1] = ("ntsec check %s: BAD INPUT: %s\n"):format(m.state, m.error or "?") end
  end
  out[#out + 1] = table.concat(M.fleet_summary(fleet), "\n") .. "\n"
  return table.concat(out, "\n")
end

--- fleet_json(fleet) -> one document {"rules":, "jobs":, "exit":,
-- "totals":{machines, passed, failed, bad_input, findings}, "machines":[
-- {"state", "status", "exit", "error", "objects", "rules", "findings"}]}:
-- each machine is the one-dump document plus its status, exit code and
-- error (null unless bad input; then objects, rules, findings are null).
function M.fleet_json(fleet)
  local machines = array({})
  for i, m in ipairs(fleet.machines) do
    local doc = m.result and json_doc(m.result) or { state = m.state, objects = json.null, rules = json.null,
                                                      findings = json.null }
    doc.state, doc.status, doc.exit, doc.error = m.state, M.STATUS[m.exit] or "BAD INPUT", m.exit, m.error or json.null
    machines[i] = doc
  end
  return json.encode({ rules = fleet.rules, jobs = fleet.jobs, exit = fleet.exit, totals = fleet_totals(fleet),
                       machines = machines }, { keyorder = JSON_ORDER }) .. "\n"
end

--- fleet_junit(fleet) -> one JUnit document: per machine one <testsuite>
-- per rule named "MACHINE: rule"; a bad dump is one <testsuite> named
-- after it with one testcase "import" carrying an <error>.
function M.fleet_junit(fleet)
  local out = { '<?xml version="1.0" encoding="UTF-8"?>', "" }
  local total, failures, errors = 0, 0, 0
  for _, m in ipairs(fleet.machines) do
    if m.result then
      total = total + junit_suites(m.result, out, m.state .. ": ")
      failures = failures + #m.result.findings
    else
      errors, total = errors + 1, total + 1
      out[#out + 1] = ('  <testsuite name="%s" tests="1" failures="0" errors="1">'):format(xml(m.state))
      out[#out + 1] = ('    <testcase classname="%s" name="import">'):format(xml(m.state))
      out[#out + 1] = ('      <error message="%s" type="bad input">%s</error>'):format(xml(m.error or "?"), xml(m.error or "?"))
      out[#out + 1] = "    </testcase>"
      out[#out + 1] = "  </testsuite>"
    end
  end
  out[2] = ('<testsuites name="ntsec check" tests="%d" failures="%d" errors="%d">'):format(total, failures, errors)
  out[#out + 1] = "</testsuites>"
  return table.concat(out, "\n") .. "\n"
end

--- fleet_sarif(fleet) -> one SARIF 2.1.0 log with one run per machine (in
-- the order given): automationDetails.id is the dump, invocations[1] says
-- whether the check ran (executionSuccessful, exitCode; a bad dump: false,
-- exit 2 and its error as a toolExecutionNotification, no results).
function M.fleet_sarif(fleet)
  local runs = array({})
  for i, m in ipairs(fleet.machines) do
    local run = m.result and sarif_run(m.result)
      or { tool = { driver = { name = "ntsec", version = VERSION, rules = array({}) } }, results = array({}) }
    local invocation = { executionSuccessful = m.result ~= nil, exitCode = m.exit }
    if not m.result then
      invocation.toolExecutionNotifications = array({ { level = "error", message = { text = m.error or "?" } } })
    end
    run.invocations = array({ invocation })
    run.automationDetails = { id = m.state }
    runs[i] = run
  end
  return json.encode({ ["$schema"] = SARIF_SCHEMA, version = "2.1.0", runs = runs }, { keyorder = SARIF_ORDER }) .. "\n"
end

--- fleet_html(fleet) -> one self-contained HTML page: the summary table,
-- then each machine's findings (ntsec.html_check.fleet).
function M.fleet_html(fleet)
  return require("ntsec.html_check").fleet(fleet)
end

return M
