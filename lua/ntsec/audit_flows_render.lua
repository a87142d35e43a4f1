--- ntsec.audit_flows_render: the text, JSON and HTML forms of the audit's
-- per-principal section (ntsec.audit_flows builds it; docs/audit.md "Filters
-- and flows per principal"; the JSON shape is docs/audit.schema.json
-- `classification`). ntsec.audit_flows exports these as its text, json and
-- html, which ntsec.report and ntsec.html call.

local M = {}

-- More principals than this with one result share a line in the text.
local LIST_MAX = 3

local ALE_PREFIX = "FWPM_LAYER_ALE_"

local function short_layer(name)
  return name:sub(#ALE_PREFIX + 1)
end

local function decision_text(r)
  local head = r.decision:upper()
  if r.filter then
    return ("%s by %d %s %q"):format(head, r.filter.id, r.filter.key, r.filter.name or "")
  end
  if r.decision == "permit" and r.reason == "no_match" then return head .. " (no filter decides: no_match)" end
  return ("%s (%d outcomes: --format json or bin/ntsec classify shows them)"):format(head, r.outcomes)
end

local function flow_head(f)
  local parts = { f.layer }
  if f.protocol then parts[#parts + 1] = tostring(f.protocol) end
  local remote = f.remote and (f.remote .. (f.port and (":" .. f.port) or "")) or (f.port and ("port " .. f.port))
  if f.local_port then parts[#parts + 1] = "local port " .. f.local_port end
  if remote then parts[#parts + 1] = "to " .. remote end
  if f.app then parts[#parts + 1] = "app " .. f.app end
  if f.profile then parts[#parts + 1] = "profile " .. tostring(f.profile) end
  return ("  flow %q: %s"):format(f.name, table.concat(parts, " "))
end

-- Results of one flow grouped by identical decision text, first-seen order.
local function result_groups(f)
  local groups, order = {}, {}
  for _, r in ipairs(f.results) do
    local text = decision_text(r)
    if not groups[text] then groups[text] = {}; order[#order + 1] = text end
    table.insert(groups[text], r.principal)
  end
  return groups, order
end

local function who_text(list)
  if #list <= LIST_MAX then return table.concat(list, ", ") end
  return ("%d principals (%s, ...)"):format(#list, table.concat(list, ", ", 1, LIST_MAX))
end

local function filters_text(out, s)
  local from_dump = 0
  for _, p in ipairs(s.principals) do
    if p.source == "dump" then from_dump = from_dump + 1 end
  end
  out[#out + 1] = ""
  out[#out + 1] = ("Filters that apply per principal at the ALE layers (%d principals: %d from the audit, %d named"
    .. " by the dump's conditions; --format json lists each filter)"):format(#s.principals,
    #s.principals - from_dump, from_dump)
  if #s.layers == 0 then
    out[#out + 1] = "  (the engine holds no filter at an ALE layer)"
    return
  end
  for i, l in ipairs(s.layers) do out[#out + 1] = ("  L%-2d %s"):format(i, l) end
  local head = { " " }
  for i = 1, #s.layers do head[#head + 1] = (" %5s"):format("L" .. i) end
  head[#head + 1] = "  principal (count of filters that apply per layer)"
  out[#out + 1] = table.concat(head)
  local common = { " " }
  for _, c in ipairs(s.common) do common[#common + 1] = (" %5d"):format(c.count) end
  out[#out + 1] = table.concat(common) .. "  (the filters among these that apply to every principal)"
  for _, p in ipairs(s.principals) do
    local line = { " " }
    for _, l in ipairs(p.layers) do line[#line + 1] = (" %5d"):format(l.count) end
    line[#line + 1] = "  " .. p.name .. (p.source == "dump" and " *" or "")
    out[#out + 1] = table.concat(line)
  end
  out[#out + 1] = "  (* named by the dump's filter conditions, docs/principals.md)"
  for _, m in ipairs(s.merged) do
    out[#out + 1] = ("  (%s %s of the dump is the audit's principal %s)"):format(m.kind, m.sid, m.principal)
  end
end

local function flows_text(out, s)
  if #s.flows == 0 then return end
  out[#out + 1] = ""
  out[#out + 1] = ("Classification of the policy's flows: %d"):format(#s.flows)
  for _, f in ipairs(s.flows) do
    out[#out + 1] = flow_head(f)
    local groups, order = result_groups(f)
    for _, text in ipairs(order) do
      out[#out + 1] = ("    %s: %s"):format(text, who_text(groups[text]))
    end
  end
end

--- text(out, result): appends the section's lines to `out` (a list of
-- lines, as ntsec.report builds) when result.classification is present:
-- a matrix of filter counts (principals x ALE layers) and, per flow, the
-- decisions grouped by result (more than 3 principals with one result
-- share a line). Returns out.
function M.text(out, result)
  local s = result and result.classification
  if not s then return out end
  filters_text(out, s)
  flows_text(out, s)
  return out
end

local function array(t)
  return setmetatable(t, { __jsontype = "array" })
end

local function ids_array(ids)
  local out = array({})
  for i, id in ipairs(ids) do out[i] = id end
  return out
end

local function json_filters(s)
  local out = array({})
  for _, name in ipairs(s.layers) do
    for _, f in ipairs(s.filters[name]) do
      out[#out + 1] = { key = f.key, name = f.name, id = f.id, action = f.action, callout = f.callout,
                        weight = f.weight, sublayer = f.sublayer, sublayer_name = f.sublayer_name, layer = f.layer }
    end
  end
  return out
end

--- json(result) -> the JSON value of the `classification` field
-- (docs/audit.schema.json), or nil when result has no section. Lists are
-- marked as arrays for dkjson. Each filter is listed once (`filters`);
-- `common` and each principal's `specific` refer to filters by id.
function M.json(result)
  local s = result and result.classification
  if not s then return nil end
  local principals = array({})
  for i, p in ipairs(s.principals) do
    local layers = array({})
    for j, l in ipairs(p.layers) do
      layers[j] = { layer = l.layer, count = l.count, permit = l.permit, block = l.block, callout = l.callout,
                    specific = ids_array(l.specific) }
    end
    principals[i] = { name = p.name, source = p.source, kind = p.kind, sid = p.sid, service = p.service,
                      capability = p.capability, layers = layers }
  end
  local common = array({})
  for i, c in ipairs(s.common) do common[i] = { layer = c.layer, count = c.count, ids = ids_array(c.ids) } end
  local merged = array({})
  for i, m in ipairs(s.merged) do merged[i] = { sid = m.sid, kind = m.kind, principal = m.principal } end
  local flows = array({})
  for i, f in ipairs(s.flows) do
    local results = array({})
    for j, r in ipairs(f.results) do
      results[j] = { principal = r.principal, decision = r.decision, reason = r.reason, filter = r.filter,
                     outcomes = r.outcomes }
    end
    flows[i] = { name = f.name, layer = f.layer, app = f.app, remote = f.remote, ["local"] = f["local"],
                 protocol = f.protocol, port = f.port, local_port = f.local_port, profile = f.profile,
                 results = results }
  end
  return { layers = ids_array(s.layers), filters = json_filters(s), common = common, principals = principals,
           merged = merged, flows = flows }
end

-- A table of filter rows (ids of one layer, in the layer's order).
local function html_rows(esc, s, layer, ids)
  local want = {}
  for _, id in ipairs(ids) do want[id] = true end
  local out = {}
  for _, f in ipairs(s.filters[layer] or {}) do
    if want[f.id] then
      out[#out + 1] = ("<tr><td>%s</td><td title=\"%s\">%d</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>")
        :format(esc(short_layer(layer)), esc(f.key), f.id, esc(f.name), esc(f.action), esc(f.weight or ""),
          esc(f.sublayer_name or f.sublayer or ""))
    end
  end
  return table.concat(out)
end

local HTML_HEAD = "<table><thead><tr><th>layer</th><th>id</th><th>name</th><th>action</th>"
  .. "<th>weight</th><th>sublayer</th></tr></thead><tbody>"

local function html_principal(esc, s, p)
  local out = { ("<details data-search=\"%s\"><summary>%s%s: its own filters</summary>"):format(esc(p.name:lower()),
    esc(p.name), p.source == "dump" and (" <small>(%s %s, named by the dump)</small>"):format(esc(p.kind), esc(p.sid))
    or ""), HTML_HEAD }
  for _, l in ipairs(p.layers) do out[#out + 1] = html_rows(esc, s, l.layer, l.specific) end
  out[#out + 1] = "</tbody></table></details>"
  return table.concat(out)
end

--- html(result) -> an HTML <section> (self-contained, no network; text
-- escaped with ntsec.html.escape): the count matrix, the filters that
-- apply to every principal, one <details> per principal listing its own
-- filters, and the flows' decisions; "" when result
-- has no section.
function M.html(result)
  local s = result and result.classification
  if not s then return "" end
  local esc = require("ntsec.html").escape
  local out = { ("<section id=\"classification\"><h2>Filters per principal at the ALE layers (%d principals)</h2>")
    :format(#s.principals), "<table><thead><tr><th>principal</th>" }
  for _, l in ipairs(s.layers) do out[#out + 1] = ("<th title=\"%s\">%s</th>"):format(esc(l), esc(short_layer(l))) end
  out[#out + 1] = "</tr></thead><tbody>"
  for _, p in ipairs(s.principals) do
    out[#out + 1] = ("<tr data-search=\"%s\"><td>%s</td>"):format(esc(p.name:lower()), esc(p.name))
    for _, l in ipairs(p.layers) do
      out[#out + 1] = ("<td title=\"permit %d, block %d, callout %d\">%d</td>"):format(l.permit, l.block, l.callout,
        l.count)
    end
    out[#out + 1] = "</tr>"
  end
  out[#out + 1] = "</tbody></table><details><summary>Filters that apply to every principal</summary>" .. HTML_HEAD
  for _, c in ipairs(s.common) do out[#out + 1] = html_rows(esc, s, c.layer, c.ids) end
  out[#out + 1] = "</tbody></table></details>"
  for _, p in ipairs(s.principals) do out[#out + 1] = html_principal(esc, s, p) end
  if #s.flows > 0 then
    out[#out + 1] = ("<h2>Classification of the policy's flows (%d)</h2>"):format(#s.flows)
    for _, f in ipairs(s.flows) do
      out[#out + 1] = ("<h3>%s</h3><ul>"):format(esc(flow_head(f):gsub("^%s+", "")))
      local groups, order = result_groups(f)
      for _, text in ipairs(order) do
        out[#out + 1] = ("<li><b>%s</b>: %s</li>"):format(esc(text), esc(table.concat(groups[text], ", ")))
      end
      out[#out + 1] = "</ul>"
    end
  end
  out[#out + 1] = "</section>"
  return table.concat(out)
end

return M
