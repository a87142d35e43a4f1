--- ntsec.rules.formats: the outputs of `ntsec check` (docs/check.md):
-- text, json (dkjson), junit (JUnit XML, spec/fixtures/junit.xsd) and
-- sarif (SARIF 2.1.0, OASIS schema spec/fixtures/sarif-schema-2.1.0.json).
-- Each takes a result of ntsec.check.run and returns one document (text).

local json = require("dkjson")
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
  }
end

M.json_finding = json_finding

--- json(result) -> {"state":..,"objects":N,"rules":[...],"findings":[...]}.
function M.json(result)
  local rules, findings = array({}), array({})
  for i, r in ipairs(result.rules) do
    rules[i] = { id = r.id, description = r.description, source = r.source or json.null, findings = r.findings }
  end
  for i, f in ipairs(result.findings) do findings[i] = json_finding(f) end
  return json.encode({ state = result.state or json.null, objects = result.objects, rules = rules, findings = findings }, {
    keyorder = { "state", "objects", "rules", "findings", "id", "rule", "description", "source", "object", "kind", "key",
                 "name", "principal", "sid", "alias", "rights", "mask", "names", "aces", "sddl", "index", "message" },
  }) .. "\n"
end

local XML_ESCAPES = { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;", ["'"] = "&apos;" }

local function xml(s)
  -- Control characters other than tab and newline are not allowed in XML 1.0.
  return (tostring(s):gsub("[&<>\"']", XML_ESCAPES):gsub("[%z\1-\8\11\12\14-\31]", "?"))
end

--- junit(result) -> JUnit XML: <testsuites> with one <testsuite> per rule,
-- one failing <testcase> per finding, or one passing "holds" testcase.
function M.junit(result)
  local out = { '<?xml version="1.0" encoding="UTF-8"?>',
    ('<testsuites name="ntsec check" tests="%d" failures="%d">'):format(0, #result.findings) }
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
    out[#out + 1] = ('  <testsuite name="%s" tests="%d" failures="%d" errors="0">'):format(xml(r.id), #cases, r.findings)
    out[#out + 1] = ('    <properties><property name="description" value="%s"/></properties>'):format(xml(r.description))
    for _, c in ipairs(cases) do out[#out + 1] = c end
    out[#out + 1] = "  </testsuite>"
  end
  out[2] = ('<testsuites name="ntsec check" tests="%d" failures="%d">'):format(total, #result.findings)
  out[#out + 1] = "</testsuites>"
  return table.concat(out, "\n") .. "\n"
end

-- The SARIF logical location of an object: fully qualified "kind/key".
local function logical_location(o)
  local fq = o.key and (o.kind .. "/" .. o.key) or o.kind
  return { name = o.name or o.key or o.kind, fullyQualifiedName = fq, kind = "object" }
end

--- sarif(result) -> a SARIF 2.1.0 log: one run, tool ntsec with the rules,
-- one result (level "error") per finding located in the dump (artifact)
-- and at the object (logical location); principal, rights and ACEs as
-- result properties.
function M.sarif(result)
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
      },
    }
  end
  local log = {
    ["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json", version = "2.1.0",
    runs = array({ { tool = { driver = { name = "ntsec", version = VERSION, rules = rules } },
                     results = results } }),
  }
  return json.encode(log, { keyorder = { "$schema", "version", "runs", "tool", "driver", "name", "version", "rules",
    "id", "shortDescription", "text", "ruleId", "ruleIndex", "level", "message", "locations" } }) .. "\n"
end

return M
