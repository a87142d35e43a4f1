--- ntsec.html: the audit and diff reports as one self-contained HTML page
-- (docs/audit.md "HTML report", docs/diff.md). No network and no external
-- assets: the CSS is inline, and a few lines of inline JavaScript only run
-- the search box; with JavaScript disabled everything else works (the grid,
-- the hover titles, the <details> holding descriptors and explain traces).
-- Every text from the inputs goes through html.escape.

local ntsec = require("ntsec")

local M = {}

--- Named rights, low bit first: FWPM_ACTRL_* (fwpmu.h) then the standard
-- rights ([MS-DTYP] 2.4.3). The values come from the binding's constants.
M.RIGHTS = {}
for _, name in ipairs({ "FWPM_ACTRL_ADD", "FWPM_ACTRL_ADD_LINK", "FWPM_ACTRL_BEGIN_READ_TXN",
  "FWPM_ACTRL_BEGIN_WRITE_TXN", "FWPM_ACTRL_CLASSIFY", "FWPM_ACTRL_ENUM", "FWPM_ACTRL_OPEN",
  "FWPM_ACTRL_READ", "FWPM_ACTRL_READ_STATS", "FWPM_ACTRL_SUBSCRIBE", "FWPM_ACTRL_WRITE", "DELETE",
  "READ_CONTROL", "WRITE_DAC", "WRITE_OWNER", "SYNCHRONIZE", "ACCESS_SYSTEM_SECURITY" }) do
  M.RIGHTS[#M.RIGHTS + 1] = { name = name, mask = assert(ntsec[name], name) }
end

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
  local names, rest = {}, mask
  for _, r in ipairs(M.RIGHTS) do
    if mask & r.mask ~= 0 then names[#names + 1], rest = r.name, rest & ~r.mask end
  end
  if rest ~= 0 then names[#names + 1] = ("0x%x"):format(rest) end
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
.prov.policy{background:#ffe3b3}.prov.propagation{background:#f6c9c9}
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
      local ok, ex = pcall(ntsec.explain, sd, token, ntsec.MAXIMUM_ALLOWED, "fwpm")
      cache[key] = ok and tostring(ex) or ("(no trace: " .. tostring(ex) .. ")")
    end
    return cache[key]
  end
end

local PROVENANCE = {
  default = { class = "", text = "as imported (emulated default)", short = "as imported" },
  policy = { class = "policy", text = "set by the policy", short = "set by policy" },
  propagation = { class = "propagation", text = "changed by inheritance propagation", short = "propagated" },
}

-- Descriptor blocks: one per distinct (descriptor, provenance), listing its
-- objects, the SDDL (and the one before the policy) and per principal the
-- explain trace in <details>.
local function descriptors_section(blocks, principals, tokens)
  local trace = tracer(tokens)
  local out = { "<section id=\"descriptors\"><h2>Descriptors</h2>" }
  for i, b in ipairs(blocks) do
    local prov = PROVENANCE[b.provenance] or PROVENANCE.default
    out[#out + 1] = ("<details id=\"sd-%d\" data-search><summary>%d object%s &middot; <span class=\"prov %s\">%s</span></summary>")
      :format(i, #b.objects, #b.objects == 1 and "" or "s", prov.class, esc(prov.text))
    out[#out + 1] = "<p>" .. esc(table.concat(b.objects, ", ")) .. "</p>"
    if b.before and b.before ~= b.sddl then
      out[#out + 1] = "<p>Before the policy: <span class=\"sddl\">" .. esc(b.before) .. "</span></p>"
    end
    out[#out + 1] = "<p>Descriptor: <span class=\"sddl\">" .. esc(b.sddl or b.error or "(none)") .. "</span></p>"
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
-- columns = principals; a row links to its descriptor block.
local function grid_section(title, rows, principals, cell_of)
  local out = { "<section id=\"access\"><h2>", esc(title), "</h2>", legend(),
    "<table class=\"grid\"><thead><tr><th>object</th><th>descriptor</th>" }
  for _, p in ipairs(principals) do out[#out + 1] = "<th>" .. esc(p) .. "</th>" end
  out[#out + 1] = "</tr></thead><tbody>"
  for _, r in ipairs(rows) do
    local label = r.href and ("<a href=\"%s\">%s</a>"):format(r.href, esc(r.label)) or esc(r.label)
    if r.name then label = label .. " <span class=\"name\">" .. esc(r.name) .. "</span>" end
    local prov = PROVENANCE[r.provenance]
    out[#out + 1] = "<tr data-search><td>" .. label .. "</td><td>"
      .. (prov and ("<span class=\"prov %s\">%s</span>"):format(prov.class, esc(prov.short)) or "") .. "</td>"
    for _, p in ipairs(principals) do out[#out + 1] = cell_of(r.label, p) end
    out[#out + 1] = "</tr>"
  end
  out[#out + 1] = "</tbody></table></section>"
  return table.concat(out)
end

-- Provenance of an object's descriptor: "policy" when a successful Set
-- call targeted it, "propagation" when it changed otherwise, else "default".
local function provenance(label, set_targets, before, after)
  if set_targets[label] then return "policy" end
  if before and after and before ~= after then return "propagation" end
  return "default"
end

-- The descriptor a diff snapshot holds for an audit object label
-- ("callout {key}", "callouts container"): {sddl=, error=} or nil.
local function snapshot_entry(snap, label)
  if not snap then return nil end
  local kind, key = label:match("^(%S+) ({.*})$")
  local o = kind and (snap.objects[kind] or {})[key] or snap.containers[label]
  return o and { sddl = o.sd, error = o.sd_error, name = o.name ~= label and o.name or nil }
end

--- html.audit_descriptors(result, before, after) -> {[object label] =
-- {sddl=, before=, error=}} for html.audit's opts.descriptors, from two
-- ntsec.diff snapshots of the audited engine (before and after the policy;
-- before may be nil).
function M.audit_descriptors(result, before, after)
  local out = {}
  for _, a in ipairs(result.access or {}) do
    local now = snapshot_entry(after, a.object)
    if now and not out[a.object] then
      local was = snapshot_entry(before, a.object)
      now.before = was and was.sddl
      out[a.object] = now
    end
  end
  return out
end

--- html.audit(result, opts) -> the audit report as one HTML document.
-- result: ntsec.audit.run's result (findings, when present, come first).
-- opts = {state=, policy=, descriptors = {[object label] = {sddl=,
-- before=, error=}}}: descriptors after (and before) the policy, by the
-- labels of result.access; without them the page shows the grid alone.
function M.audit(result, opts)
  opts = opts or {}
  local masks, objects = {}, {}
  for _, a in ipairs(result.access or {}) do
    if not masks[a.object] then masks[a.object], objects[#objects + 1] = {}, a.object end
    masks[a.object][a.principal] = a.failed and { failed = a.failed } or a.granted
  end
  local set_targets = {}
  for _, c in ipairs(result.calls or {}) do
    if c["function"]:find("SetSecurity") and c.status == 0 then set_targets[c.target] = true end
  end
  local blocks, block_of, by_key = {}, {}, {}
  for _, o in ipairs(objects) do
    local d = (opts.descriptors or {})[o]
    if d then
      local prov = provenance(o, set_targets, d.before, d.sddl)
      local key = table.concat({ prov, d.sddl or d.error or "", d.before or "" }, "\0")
      if not by_key[key] then
        by_key[key] = #blocks + 1
        blocks[#blocks + 1] = { provenance = prov, sddl = d.sddl, before = d.before, error = d.error, objects = {} }
      end
      local b = blocks[by_key[key]]
      b.objects[#b.objects + 1] = o
      block_of[o] = by_key[key]
    end
  end
  local rows = {}
  for i, o in ipairs(objects) do
    local d, b = (opts.descriptors or {})[o], block_of[o]
    rows[i] = { label = o, name = d and d.name, href = b and ("#sd-%d"):format(b),
                provenance = b and blocks[b].provenance }
  end
  local imported = {}
  for _, k in ipairs({ "sessions", "providers", "sublayers", "callouts", "filters", "endpoints" }) do
    imported[#imported + 1] = ("<span><b>%d</b> %s</span>"):format((result.imported or {})[k] or 0, k)
  end
  local body = {
    findings_section(result.findings),
    "<section class=\"stats\"><h2>Imported</h2>", table.concat(imported),
    ("<span><b>%d</b> security calls by the policy</span></section>"):format(#(result.calls or {})),
    grid_section("Access after the policy (MAXIMUM_ALLOWED, FWPM generic mapping)", rows,
      result.principals or {}, function(o, p) return cell(masks[o][p]) end),
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
