--- ntsec.html: the audit and diff reports as one self-contained HTML page
-- (docs/audit.md "HTML report", docs/diff.md). No network and no external
-- assets: the CSS is inline, and a few lines of inline JavaScript only run
-- the search box; with JavaScript disabled everything else works (the grid,
-- the hover titles, the <details> holding descriptors and explain traces).
-- Every text from the inputs goes through html.escape.

local ntsec = require("ntsec")

local M = {}

local rights = require("ntsec.rules.rights")
local provenance = require("ntsec.provenance")

--- Named rights, low bit first: FWPM_ACTRL_* (fwpmu.h) then the standard
-- rights ([MS-DTYP] 2.4.3): the one table of ntsec.rules.rights, as
-- {name=, mask=} entries.
M.RIGHTS = {}
for _, n in ipairs(rights.NAMES) do M.RIGHTS[#M.RIGHTS + 1] = { name = n[2], mask = n[1] } end

local ESCAPES = { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;", ["'"] = "&#39;" }

--- html.escape(value) -> text safe in element content and quoted attributes.
function M.escape(s)
  return (tostring(s):gsub("[&<>\"']", ESCAPES))
end
local esc = M.escape

--- html.rights_text(mask) -> "0x50: FWPM_ACTRL_CLASSIFY | FWPM_ACTRL_OPEN"
-- (bits without a name are listed as hex).
function M.rights_text(mask)
  if not mask then return "object absent" end
  local names = rights.names(mask)
  return ("0x%x: %s"):format(mask, #names > 0 and table.concat(names, " | ") or "no access")
end

local CONTROL = ntsec.WRITE_DAC | ntsec.WRITE_OWNER | ntsec.DELETE
local WRITE = ntsec.FWPM_ACTRL_ADD | ntsec.FWPM_ACTRL_ADD_LINK | ntsec.FWPM_ACTRL_WRITE
    | ntsec.FWPM_ACTRL_BEGIN_WRITE_TXN

--- html.level(mask) -> CSS class of a grid cell: "none", "read" (no write
-- or control right), "write" (FWPM_ACTRL_ADD, ADD_LINK, WRITE or
-- BEGIN_WRITE_TXN), "control" (WRITE_DAC, WRITE_OWNER or DELETE), "absent".
function M.level(mask)
  if not mask then return "absent" end
  if mask & CONTROL ~= 0 then return "control" end
  if mask & WRITE ~= 0 then return "write" end
  if mask ~= 0 then return "read" end
  return "none"
end

local CSS = [[
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d2430;background:#f4f6f9}
header{background:#1f3350;color:#fff;padding:16px 28px}
header h1{margin:0;font-size:20px;font-weight:600}header p{margin:4px 0 0;opacity:.8;font-size:13px}
main{padding:12px 28px 40px}
section{background:#fff;border:1px solid #dde3ea;border-radius:8px;padding:12px 18px;margin:14px 0}
h2{font-size:16px;margin:4px 0 10px}
.stats span{display:inline-block;margin-right:18px}.stats b{font-size:18px}
#search{width:340px;padding:6px 10px;border:1px solid #b9c3cf;border-radius:6px;font-size:14px}
table{border-collapse:collapse;font-size:12.5px}
th,td{border:1px solid #e2e7ee;padding:3px 7px;text-align:left;vertical-align:top}
thead th{background:#eef2f7;position:sticky;top:0}
.grid td.m{font-family:ui-monospace,Consolas,monospace;text-align:center;min-width:64px}
.none{background:#f1f3f5;color:#9aa4b1}.read{background:#dcf3e1;color:#17632b}
.write{background:#ffefc7;color:#7a5200}.control{background:#fbd5d5;color:#8f1d1d}.absent{background:#fff;color:#b5bcc6}
.legend span{display:inline-block;padding:2px 8px;margin-right:6px;border-radius:4px;font-size:12px}
code,.sddl{font-family:ui-monospace,Consolas,monospace;font-size:12px;word-break:break-all}
details{margin:4px 0}summary{cursor:pointer;color:#1f4f8a}
pre{background:#f6f8fa;border:1px solid #e2e7ee;padding:8px;overflow-x:auto;font-size:11.5px}
.finding{border-left:4px solid #c0392b;padding:4px 10px;margin:6px 0;background:#fdf2f1}
.prov{display:inline-block;white-space:nowrap;padding:1px 7px;border-radius:10px;font-size:11.5px;background:#e6ecf5}
.prov.policy{background:#ffe3b3}.prov.propagation{background:#f6c9c9}.prov.file{background:#d4ecd9}.prov.dump{background:#e0d9f2}
.failed{background:#5c1f1f;color:#fff}.hidden{display:none}.name{display:block;color:#5b6675;font-size:11.5px}a{color:#1f4f8a}
]]

-- Search: hides every [data-search] element whose text lacks the query;
-- "?q=TEXT" in the address pre-fills it (a link to a filtered report).
local SEARCH_JS = [[
var q=document.getElementById('search');q.hidden=false;
function run(){var t=q.value.toLowerCase();
document.querySelectorAll('[data-search]').forEach(function(e){
e.classList.toggle('hidden',t!==''&&e.textContent.toLowerCase().indexOf(t)<0);});}
q.addEventListener('input',run);
var m=/[?&]q=([^&]*)/.exec(location.search);if(m){q.value=decodeURIComponent(m[1]);run();}
]]

local function page(title, subtitle, body)
  return table.concat({
    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">",
    "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">",
    "<title>", esc(title), "</title><style>", CSS, "</style></head><body>",
    "<header><h1>", esc(title), "</h1><p>", esc(subtitle), "</p></header><main>",
    "<p><input id=\"search\" type=\"search\" placeholder=\"Search objects, principals, SDDL\" hidden>",
    "<noscript>(search needs JavaScript; everything else works without it)</noscript></p>",
    body, "</main><script>", SEARCH_JS, "</script></body></html>\n" })
end

--- html.page(title, subtitle, body) -> the whole self-contained page around
-- body (HTML): the inline CSS, the header, the search box (hidden until its
-- script runs; it filters [data-search] elements) and its script. For
-- modules that build their own body (ntsec.html_check).
function M.page(title, subtitle, body)
  return page(title, subtitle, body)
end

local function legend()
  return "<p class=\"legend\"><span class=\"control\">WRITE_DAC / WRITE_OWNER / DELETE</span>"
    .. "<span class=\"write\">add / write</span><span class=\"read\">open, read, classify</span>"
    .. "<span class=\"none\">no access</span> Hover a cell for the rights by name.</p>"
end

-- A cell: a mask, or {failed = {status=, status_name=}} for a descriptor
-- that could not be read (shown as the failure, never as a mask).
local function cell(mask)
  if type(mask) == "table" then
    local f = mask.failed or {}
    return ("<td class=\"m failed\" title=\"%s\">read failed</td>"):format(
      esc(("descriptor read failed: %s"):format(f.status_name or tostring(f.status))))
  end
  return ("<td class=\"m %s\" title=\"%s\">%s</td>"):format(M.level(mask), esc(M.rights_text(mask)),
    mask and ("0x%x"):format(mask) or "&ndash;")
end

-- One finding. The shape of ntsec.check (rule=, message=, object={kind=,
-- key=, name=}, principal={sid=, alias=}, rights={mask=, names=}, aces=
-- {{sddl=, index=}}) is shown part by part; other scalar fields follow as
-- "name: value", so a policy's own report:finding{...} shows too.
local KNOWN_FINDING = { rule = true, message = true, object = true, principal = true, rights = true, aces = true }

local function finding_html(f)
  local parts = { "<b>" .. esc(f.rule or "finding") .. "</b>" }
  if f.message then parts[#parts + 1] = esc(f.message) end
  local o = type(f.object) == "table" and f.object
  if o then parts[#parts + 1] = "object: " .. esc(require("ntsec.diff").object_label(
    { kind = o.kind or "object", key = o.key or "?", name = o.name })) end
  local p = type(f.principal) == "table" and f.principal
  if p then parts[#parts + 1] = "principal: " .. esc(p.alias or p.sid or "?") end
  local r = type(f.rights) == "table" and f.rights
  if r and r.mask then parts[#parts + 1] = ("rights: <span title=\"%s\">0x%x</span>"):format(esc(M.rights_text(r.mask)), r.mask) end
  local keys = {}
  for k, v in pairs(f) do
    if not KNOWN_FINDING[k] and type(v) ~= "table" then keys[#keys + 1] = tostring(k) end
  end
  table.sort(keys)
  for _, k in ipairs(keys) do parts[#parts + 1] = esc(k) .. ": " .. esc(f[k]) end
  local out = "<div class=\"finding\" data-search>" .. table.concat(parts, " &middot; ")
  if type(f.aces) == "table" and #f.aces > 0 then
    local aces = {}
    for i, a in ipairs(f.aces) do
      aces[i] = ("#%s %s"):format(esc(a.index or i), esc(a.sddl or tostring(a)))
    end
    out = out .. "<details><summary>ACEs at issue</summary><pre>" .. table.concat(aces, "\n") .. "</pre></details>"
  end
  return out .. "</div>"
end

-- Findings: first on the page when present.
local function findings_section(findings)
  if not findings or #findings == 0 then return "" end
  local out = { ("<section id=\"findings\"><h2>Findings (%d)</h2>"):format(#findings) }
  for _, f in ipairs(findings) do out[#out + 1] = finding_html(f) end
  out[#out + 1] = "</section>"
  return table.concat(out)
end

--- html.findings(findings, opts) -> a page of findings alone (for a
-- command whose result is a list of findings, such as `ntsec check`);
-- opts.title, opts.subtitle head the page.
function M.findings(findings, opts)
  opts = opts or {}
  local body = #findings > 0 and findings_section(findings) or "<section><h2>No findings</h2></section>"
  return page(opts.title or "ntsec findings", opts.subtitle or "", body)
end

-- An explain trace for one descriptor and principal, memoised; the token
-- is the audit's (result.tokens[label] when the audit records them, else
-- ntsec.audit.principal_token).
local function tracer(tokens)
  local audit, cache = require("ntsec.audit"), {}
  return function(sddl, principal)
    local key = sddl .. "\0" .. principal
    if not cache[key] then
      local sd = ntsec.sd(sddl)
      local token = tokens and tokens[principal] or audit.principal_token(principal)
      -- explain raises on a programmer error and returns nil, err for a
      -- failed call: neither shows as a trace
      local ok, ex, err = pcall(ntsec.explain, sd, token, ntsec.MAXIMUM_ALLOWED, "fwpm")
      cache[key] = (ok and ex) and tostring(ex) or ("(no trace: " .. tostring(ok and err or ex) .. ")")
    end
    return cache[key]
  end
end

-- A provenance badge (ntsec.provenance.SOURCES; the call number when one).
local function badge(p, long)
  if not p then return "" end
  local src = provenance.SOURCES[p.source] or provenance.SOURCES.default
  local text = long and p.detail or (p.call and ("%s #%d"):format(src.short, p.call) or src.short)
  return ("<span class=\"prov %s\" title=\"%s\">%s</span>"):format(src.class, esc(p.detail or src.text), esc(text))
end

-- Descriptor blocks: one per distinct (descriptor, provenance) of the
-- matrix objects, listing its objects, the SDDL (and the one before the
-- policy) and per principal the explain trace in <details>.
local function descriptor_blocks(objects)
  local blocks, by, block_of = {}, {}, {}
  for _, o in ipairs(objects or {}) do
    local p = o.provenance or {}
    local key = table.concat({ p.detail or "", o.sddl or "", o.before_sddl or "" }, "\0")
    if not by[key] then
      by[key] = #blocks + 1
      blocks[#blocks + 1] = { provenance = o.provenance, sddl = o.sddl, before = o.before_sddl,
                              before_provenance = o.before_provenance, objects = {} }
    end
    local bl = blocks[by[key]]
    bl.objects[#bl.objects + 1] = o.object
    block_of[o.object] = by[key]
  end
  return blocks, block_of
end

local function descriptors_section(blocks, principals, tokens)
  local trace = tracer(tokens)
  local out = { "<section id=\"descriptors\"><h2>Descriptors and where they come from</h2>" }
  for i, b in ipairs(blocks) do
    out[#out + 1] = ("<details id=\"sd-%d\" data-search><summary>%d object%s &middot; %s</summary>")
      :format(i, #b.objects, #b.objects == 1 and "" or "s", badge(b.provenance, true))
    out[#out + 1] = "<p>" .. esc(table.concat(b.objects, ", ")) .. "</p>"
    if b.before and b.before ~= b.sddl then
      out[#out + 1] = "<p>Before the policy: <span class=\"sddl\">" .. esc(b.before) .. "</span> "
        .. badge(b.before_provenance, true) .. "</p>"
    end
    out[#out + 1] = "<p>Descriptor: <span class=\"sddl\">" .. esc(b.sddl or "(unreadable)") .. "</span></p>"
    if b.sddl then
      for _, p in ipairs(principals) do
        out[#out + 1] = ("<details><summary>Why %s gets what it gets</summary><pre>%s</pre></details>")
          :format(esc(p), esc(trace(b.sddl, p)))
      end
    end
    out[#out + 1] = "</details>"
  end
  out[#out + 1] = "</section>"
  return table.concat(out)
end

-- The grid: rows = objects ({label=, name=, href=, provenance=}),
-- columns = principals (full labels: a header is never cut); a row links
-- to its descriptor block.
local function grid_section(title, rows, principals, cell_of)
  local out = { "<section id=\"access\"><h2>", esc(title), "</h2>", legend(),
    "<table class=\"grid\"><thead><tr><th>object</th><th>descriptor</th>" }
  for _, p in ipairs(principals) do out[#out + 1] = "<th>" .. esc(p) .. "</th>" end
  out[#out + 1] = "</tr></thead><tbody>"
  for _, r in ipairs(rows) do
    local label = r.href and ("<a href=\"%s\">%s</a>"):format(r.href, esc(r.label)) or esc(r.label)
    if r.name then label = label .. " <span class=\"name\">" .. esc(r.name) .. "</span>" end
    out[#out + 1] = "<tr data-search><td>" .. label .. "</td><td>" .. badge(r.provenance) .. "</td>"
    for _, p in ipairs(principals) do out[#out + 1] = cell_of(r.label, p) end
    out[#out + 1] = "</tr>"
  end
  out[#out + 1] = "</tbody></table></section>"
  return table.concat(out)
end

-- An audit grid cell: the mask after the policy, "before -> after" when
-- the policy changed it.
local function audit_cell(a)
  if not a then return cell(nil) end
  if a.failed then return cell({ failed = a.failed }) end
  if a.before == a.granted then return cell(a.granted) end
  local function m(x) return x and ("0x%x"):format(x) or "&ndash;" end
  return ("<td class=\"m %s\" title=\"%s\">%s&nbsp;&rarr;&nbsp;%s</td>"):format(M.level(a.granted),
    esc("before " .. M.rights_text(a.before) .. "\nafter " .. M.rights_text(a.granted)), m(a.before), m(a.granted))
end

-- The objects the policy changed (every kind), grouped as in the text
-- report: the change once, the objects listed.
local function audit_changed_section(result)
  local changed = result.changed or {}
  if #changed == 0 then return "" end
  local groups, by = {}, {}
  for _, c in ipairs(changed) do
    local key = table.concat({ c.kind, c.provenance.detail, c.before_sddl or "", c.sddl or "" }, "\0")
    if not by[key] then by[key] = { first = c, objects = {} }; groups[#groups + 1] = by[key] end
    table.insert(by[key].objects, c)
  end
  local out = { ("<section id=\"changed\"><h2>Changed by the policy (%d objects)</h2>"):format(#changed) }
  for _, g in ipairs(groups) do
    local c = g.first
    out[#out + 1] = ("<details open data-search><summary>%d %s%s &middot; %s</summary><ul>")
      :format(#g.objects, esc(c.kind), #g.objects == 1 and "" or "s", badge(c.provenance, true))
    for _, o in ipairs(g.objects) do
      out[#out + 1] = "<li>" .. esc(o.object) .. (o.name and (" <span class=\"name\">" .. esc(o.name) .. "</span>") or "")
        .. "</li>"
    end
    out[#out + 1] = "</ul><table><thead><tr><th>principal</th><th>before</th><th>after</th></tr></thead><tbody>"
    for _, a in ipairs(c.access or {}) do
      out[#out + 1] = ("<tr><td>%s</td><td class=\"m %s\" title=\"%s\">%s</td><td class=\"m %s\" title=\"%s\">%s</td></tr>")
        :format(esc(a.principal), M.level(a.before), esc(M.rights_text(a.before)), a.before and ("0x%x"):format(a.before) or "&ndash;",
          M.level(a.after), esc(M.rights_text(a.after)), a.after and ("0x%x"):format(a.after) or "&ndash;")
    end
    out[#out + 1] = ("</tbody></table><p>Before: <span class=\"sddl\">%s</span></p><p>After: <span class=\"sddl\">%s</span></p></details>")
      :format(esc(c.before_sddl or "(absent)"), esc(c.sddl or "(absent)"))
  end
  out[#out + 1] = "</section>"
  return table.concat(out)
end

--- html.audit(result, opts) -> the audit report as one HTML document.
-- result: ntsec.audit.run's result: findings come first, then the counts,
-- the access grid (after the policy; "before -> after" where the policy
-- changed a cell), the objects the policy changed, and the descriptors of
-- result.objects with their provenance (ntsec.provenance) and explain
-- traces. opts = {state=, policy=} name the inputs.
function M.audit(result, opts)
  opts = opts or {}
  local cells, objects = {}, {}
  for _, a in ipairs(result.access or {}) do
    if not cells[a.object] then cells[a.object], objects[#objects + 1] = {}, a.object end
    cells[a.object][a.principal] = a
  end
  local blocks, block_of = descriptor_blocks(result.objects)
  local info = {}
  for _, o in ipairs(result.objects or {}) do info[o.object] = o end
  local rows = {}
  for i, o in ipairs(objects) do
    local b = block_of[o]
    rows[i] = { label = o, name = info[o] and info[o].name, href = b and ("#sd-%d"):format(b),
                provenance = info[o] and info[o].provenance }
  end
  local imported = {}
  for _, k in ipairs({ "sessions", "providers", "sublayers", "callouts", "filters", "endpoints" }) do
    imported[#imported + 1] = ("<span><b>%d</b> %s</span>"):format((result.imported or {})[k] or 0, k)
  end
  local nreads = 0
  for _, r in ipairs(result.reads or {}) do nreads = nreads + r.count end
  local body = {
    findings_section(result.findings),
    "<section class=\"stats\"><h2>Imported</h2>", table.concat(imported),
    ("<span><b>%d</b> writes by the policy</span><span><b>%d</b> reads by the policy</span>"):format(
      #(result.writes or {}), nreads),
    result.security and ("<span>security file <b>%s</b>: %d descriptors</span>"):format(esc(result.security.file),
      result.security.applied) or "",
    "</section>",
    grid_section("Access after the policy (MAXIMUM_ALLOWED, FWPM generic mapping; before \u{2192} after where it changed)",
      rows, result.principals or {}, function(o, p) return audit_cell(cells[o][p]) end),
    audit_changed_section(result),
    #blocks > 0 and descriptors_section(blocks, result.principals or {}, result.tokens) or "",
    require("ntsec.audit_flows").html(result),
  }
  return page("ntsec audit", ("%s with policy %s"):format(opts.state or "?", opts.policy or "?"), table.concat(body))
end

local function object_label(e)
  return require("ntsec.diff").object_label(e)
end

local function list_section(title, entries)
  if #entries == 0 then return "" end
  local out = { ("<section><h2>%s (%d)</h2><ul>"):format(esc(title), #entries) }
  for _, e in ipairs(entries) do out[#out + 1] = "<li data-search>" .. esc(object_label(e)) .. "</li>" end
  out[#out + 1] = "</ul></section>"
  return table.concat(out)
end

local function changed_section(entries)
  if #entries == 0 then return "" end
  local out = { ("<section><h2>Changed (%d)</h2>"):format(#entries) }
  for _, e in ipairs(entries) do
    out[#out + 1] = "<details open data-search><summary>" .. esc(object_label(e)) .. "</summary><table>"
      .. "<thead><tr><th>field</th><th>before</th><th>after</th></tr></thead><tbody>"
    for _, f in ipairs(e.fields or {}) do
      out[#out + 1] = ("<tr><td>%s</td><td class=\"sddl\">%s</td><td class=\"sddl\">%s</td></tr>")
        :format(esc(f.field), esc(f.before or "(absent)"), esc(f.after or "(absent)"))
    end
    if e.descriptor then
      out[#out + 1] = ("<tr><td>descriptor</td><td class=\"sddl\">%s</td><td class=\"sddl\">%s</td></tr>")
        :format(esc(e.descriptor.before or "(none)"), esc(e.descriptor.after or "(none)"))
    end
    out[#out + 1] = "</tbody></table></details>"
  end
  out[#out + 1] = "</section>"
  return table.concat(out)
end

-- A diff grid cell: "before -> after" coloured by the rights after.
local function change_cell(a)
  if not a then return "<td class=\"m none\" title=\"unchanged\">=</td>" end
  local function m(x) return x and ("0x%x"):format(x) or "&ndash;" end
  return ("<td class=\"m %s\" title=\"%s\">%s&nbsp;&rarr;&nbsp;%s</td>"):format(M.level(a.after),
    esc("before " .. M.rights_text(a.before) .. "\nafter " .. M.rights_text(a.after)), m(a.before), m(a.after))
end

--- html.diff(result, opts) -> the diff report (ntsec.diff.compare's result)
-- as one HTML document; opts.a and opts.b name the two states. The grid
-- shows, per object whose access changed, "before -> after" per principal.
function M.diff(result, opts)
  opts = opts or {}
  local objects, rows = {}, {}
  for _, a in ipairs(result.access) do
    local label = object_label(a)
    if not rows[label] then rows[label], objects[#objects + 1] = {}, { label = label } end
    rows[label][a.principal] = a
  end
  local grid = ""
  if #objects > 0 then
    grid = grid_section("Access changes, before \u{2192} after (MAXIMUM_ALLOWED, FWPM generic mapping)",
      objects, result.principals, function(o, p) return change_cell(rows[o][p]) end)
  end
  local summary = result.identical and "<section><h2>No differences</h2></section>"
    or ("<section class=\"stats\"><h2>Summary</h2><span><b>%d</b> added</span><span><b>%d</b> removed</span>"
      .. "<span><b>%d</b> changed</span><span><b>%d</b> access changes</span></section>")
      :format(#result.added, #result.removed, #result.changed, #result.access)
  local body = { summary, list_section("Removed", result.removed), list_section("Added", result.added),
    changed_section(result.changed), grid }
  return page("ntsec diff", ("%s \u{2192} %s"):format(opts.a or "A", opts.b or "B"), table.concat(body))
end

return M
