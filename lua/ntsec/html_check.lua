--- ntsec.html_check: `ntsec check --format html`, one self-contained page
-- (docs/check.md "HTML"). Built on ntsec.html (page, escape, rights_text,
-- level): no network, no external assets; the findings come first, each with
-- its rule, object, principal, rights and ACEs, and its explain trace one
-- click away (<details>); then the rules with PASS/FAIL. Search (the only
-- script) filters findings and rules; everything else works without
-- JavaScript. Many dumps (ntsec.fleet): the per-machine summary first, then
-- each machine's findings.

local html = require("ntsec.html")
local objects = require("ntsec.rules.objects")
local formats = require("ntsec.rules.formats")

local M = {}

local esc = html.escape

local function principal_text(p)
  if not p then return nil end
  return p.alias and ("%s (%s)"):format(p.alias, p.sid) or p.sid
end

-- One finding: a block with the rule and message, a table of its parts,
-- the ACEs at issue and the trace in <details>.
local function finding_html(f, machine)
  local rows = { { "object", esc(objects.label(f.object)) } }
  if machine then table.insert(rows, 1, { "machine", esc(machine) }) end
  if f.principal then rows[#rows + 1] = { "principal", esc(principal_text(f.principal)) } end
  if f.rights then
    rows[#rows + 1] = { "rights", ("<span class=\"%s\" title=\"%s\">0x%08x</span> %s"):format(html.level(f.rights.mask),
      esc(html.rights_text(f.rights.mask)), f.rights.mask, esc(table.concat(f.rights.names, " | "))) }
  end
  if f.aces and #f.aces > 0 then
    local aces = {}
    for i, a in ipairs(f.aces) do
      aces[i] = "<code class=\"sddl\">" .. esc(a.index and a.index > 0 and ("#%d %s"):format(a.index, a.sddl) or a.sddl)
        .. "</code>"
    end
    rows[#rows + 1] = { "ACE", table.concat(aces, "<br>") }
  end
  local out = { ("<div class=\"finding\" data-search data-rule=\"%s\"><b>%s</b>%s<table>"):format(esc(f.rule), esc(f.rule),
    f.message and (" &middot; " .. esc(f.message)) or "") }
  for _, r in ipairs(rows) do out[#out + 1] = ("<tr><th>%s</th><td>%s</td></tr>"):format(r[1], r[2]) end
  out[#out + 1] = "</table>"
  if f.trace and #f.trace > 0 then
    out[#out + 1] = "<details class=\"trace\"><summary>Explain trace</summary><pre>"
      .. esc(table.concat(f.trace, "\n")) .. "</pre></details>"
  end
  out[#out + 1] = "</div>"
  return table.concat(out)
end

local function findings_section(result, machine)
  local out = { ("<section id=\"findings\"><h2>Findings (%d)</h2>"):format(#result.findings) }
  if #result.findings == 0 then out[#out + 1] = "<p>Every rule holds.</p>" end
  for _, f in ipairs(result.findings) do out[#out + 1] = finding_html(f, machine) end
  out[#out + 1] = "</section>"
  return table.concat(out)
end

local function rules_section(result)
  local out = { "<section id=\"rules\"><h2>Rules</h2><table><thead><tr><th>rule</th><th>verdict</th>"
    .. "<th>findings</th><th>what it checks</th><th>source</th></tr></thead><tbody>" }
  for _, r in ipairs(result.rules) do
    out[#out + 1] = ("<tr data-search><td><code>%s</code></td><td class=\"%s\">%s</td><td>%d</td><td>%s</td><td>%s</td></tr>")
      :format(esc(r.id), r.findings == 0 and "read" or "control", r.findings == 0 and "PASS" or "FAIL", r.findings,
        esc(r.description or ""), esc(r.source or ""))
  end
  out[#out + 1] = "</tbody></table></section>"
  return table.concat(out)
end

local function stats(result)
  return ("<section class=\"stats\"><span><b>%d</b> findings</span><span><b>%d</b> rules</span>"
    .. "<span><b>%d</b> objects</span></section>"):format(#result.findings, #result.rules, result.objects or 0)
end

--- check(result) -> the page of one ntsec.check.run result: stats, the
-- findings first, then the rules.
function M.check(result)
  local subtitle = ("%s: %d objects, %d rules, %d findings"):format(result.state or "(engine)", result.objects or 0,
    #result.rules, #result.findings)
  return html.page("ntsec check", subtitle, stats(result) .. findings_section(result) .. rules_section(result))
end

--- fleet(fleet) -> the page of ntsec.fleet.run: the per-machine summary
-- table first (status coloured), then each machine's findings (a bad dump:
-- its error).
function M.fleet(fleet)
  local out = { "<section id=\"summary\"><h2>Machines</h2><table><thead><tr><th>machine</th><th>objects</th>"
    .. "<th>findings</th><th>status</th><th>findings per rule / error</th></tr></thead><tbody>" }
  for i, m in ipairs(fleet.machines) do
    local per = {}
    for _, r in ipairs(m.result and m.result.rules or {}) do
      if r.findings > 0 then per[#per + 1] = ("%s=%d"):format(r.id, r.findings) end
    end
    local status = formats.STATUS[m.exit] or "BAD INPUT"
    out[#out + 1] = ("<tr data-search><td><a href=\"#m%d\">%s</a></td><td>%s</td><td>%s</td><td class=\"%s\">%s</td>"
      .. "<td>%s</td></tr>"):format(i, esc(m.state), m.result and m.result.objects or "-",
      m.result and #m.result.findings or "-", m.exit == 0 and "read" or m.exit == 1 and "write" or "control", status,
      esc(m.result and (#per > 0 and table.concat(per, ", ") or "-") or (m.error or "?")))
  end
  out[#out + 1] = "</tbody></table></section>"
  for i, m in ipairs(fleet.machines) do
    out[#out + 1] = ("<section id=\"m%d\"><h2>%s</h2>"):format(i, esc(m.state))
    if m.result then
      local f = findings_section(m.result, m.state):gsub("^<section id=\"findings\">", "<div>"):gsub("</section>$", "</div>")
      out[#out + 1] = f
    else
      out[#out + 1] = ("<p class=\"finding\" data-search>BAD INPUT: %s</p>"):format(esc(m.error or "?"))
    end
    out[#out + 1] = "</section>"
  end
  local lines = formats.fleet_summary(fleet)
  return html.page("ntsec check: " .. #fleet.machines .. " machines", lines[#lines], table.concat(out))
end

return M
