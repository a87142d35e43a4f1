--- ntsec.audit_flows: the audit's per-principal classification section
-- (issue 12, "In the main job"; docs/audit.md "Filters and flows per
-- principal"). Given the audited engine, the audit's principals and the
-- flows the policy declares, it gathers:
--   * the principals the dump's own filter conditions name (service SIDs,
--     user SIDs, AppContainer package and capability SIDs), each with the
--     token Windows would build for it (docs/principals.md "Principals taken
--     from the dump"), added after the audit's principals without repeats;
--   * per principal and per ALE layer of the engine (FWPM_LAYER_ALE_* holding
--     filters), the filters that apply (engine:filters_for, wfp_classify.md
--     4) with key, name, id, action, weight and sublayer, and their counts;
--   * per declared flow and principal, engine:classify's decision and the
--     deciding filter.
-- It also renders the section: text(out, result) for ntsec.report,
-- json(result) for the JSON document, html(result) for ntsec.html.
--
-- Flow shape (strict; a mistake is one message naming flows[i]):
--   {name = "text" (required), layer = "FWPM_LAYER_..." (required),
--    principals = label | {label, ...} (default: every principal of the
--    section), app =, remote =, ["local"] =, protocol =, port =,
--    local_port =, profile =, fields = {...}}
-- where a label is a principal of the section (an audit principal or a
-- dump principal such as "NT SERVICE\\Dhcp"), "NT SERVICE\\<name>" of a
-- service ntsec.service_sids knows, or anything ntsec.principals.resolve
-- accepts (profile name, SID, token); the other
-- keys are engine:classify's flow options (docs/classify.md "Lua API").

local ntsec = require("ntsec")
local principals_mod = require("ntsec.principals")
local service_sids = require("ntsec.service_sids")
local dump_principals = require("ntsec.audit_flows_principals")
local filter_groups = require("ntsec.core").wfp.filter_groups

local M = {}

local ALE_PREFIX = "FWPM_LAYER_ALE_"

--- dump_principals(engine) -> list of {label=, kind=, sid=, name=, token=}
-- (ntsec.audit_flows_principals.dump_principals).
M.dump_principals = dump_principals.dump_principals

-- ====
-- Filters per principal and ALE layer

-- FWP_ACTION_* values (the enumeration's) to the names classify uses (a row's
-- action; "permit" and "block" are counted as such, the others as callouts).
local ACTION_NAMES = {}
for name, text in pairs({ FWP_ACTION_BLOCK = "block", FWP_ACTION_PERMIT = "permit",
  FWP_ACTION_CALLOUT_TERMINATING = "callout_terminating", FWP_ACTION_CALLOUT_INSPECTION = "callout_inspection",
  FWP_ACTION_CALLOUT_UNKNOWN = "callout_unknown" }) do
  ACTION_NAMES[ntsec.wfp[name]] = text
end

-- The engine's filters at its ALE layers (named by the engine's layer
-- objects), grouped by layer and principal signature in C
-- (ntsec.core.wfp.filter_groups, which holds the one list of the fields a
-- filter's principals depend on): whom a filter applies to depends on
-- nothing else, since every other condition is unknown for a flow that
-- carries only a principal (wfp_classify.md 4). Enumerated through a
-- session's FwpmFilterEnum0 (SYSTEM, as the audit's observer), or the
-- engine's own listing when no session can enumerate (the policy stopped
-- the engine or holds a transaction). Returns layers = sorted names;
-- rows[layer] = filter rows in arbitration order (wfp_classify.md 3.2, 3.3:
-- sublayer weight, then effective weight, higher first; then filter id;
-- row.rank = the position); groups = {{layer_key=, layer=, conditions=,
-- rows={...}, permit=, block=, callout=}}, one per distinct (layer,
-- principal conditions); named = the conditions of the groups and of one
-- filter per distinct principal signature at the other layers (what the
-- filters name, for the dump's principals).
local function filter_index(engine)
  local sublayers, keys, names = {}, {}, {}
  for _, l in ipairs(engine:layers()) do
    local name = l.key_name or l.key
    if name:sub(1, #ALE_PREFIX) == ALE_PREFIX then keys[#keys + 1], names[#names + 1] = l.key, name end
  end
  for _, sl in ipairs(engine:sublayers()) do sublayers[sl.key] = sl end
  local groups, named, rows
  local ok, s = pcall(engine.open, engine, { token = ntsec.token { user = "SY", groups = { "BA" } },
                                              name = "ntsec audit: filters per principal" })
  if ok and s then
    groups, named, rows = filter_groups(s, keys, names, sublayers, ACTION_NAMES)
    s:close()
  end
  if not groups then groups, named, rows = filter_groups(engine, keys, names, sublayers, ACTION_NAMES) end
  for _, g in ipairs(groups) do named[#named + 1] = g.conditions end
  local layers = {}
  for name in pairs(rows) do layers[#layers + 1] = name end
  table.sort(layers)
  return layers, rows, groups, named
end

-- An engine holding one filter per group, with the group's layer and
-- conditions: whether a filter applies to a principal depends on nothing
-- else (wfp_classify.md 4), so engine:filters_for on it answers for every
-- filter of the group at once. nil, err when a group's conditions cannot be
-- added back (the caller then asks the audited engine itself).
local function group_engine(groups)
  local e = ntsec.wfp.engine()
  local s = assert(e:open { token = ntsec.token { user = "S-1-5-21-1-2-3-500", groups = { "BA", "WD" } } })
  local of = {}
  for i, g in ipairs(groups) do
    local ok, key, err = pcall(s.add_filter, s, { name = tostring(i), layer = g.layer_key,
                                                  action = "FWP_ACTION_PERMIT", conditions = g.conditions })
    if not ok or not key then
      e:close()
      return nil, ok and err or key
    end
    of[key] = g
  end
  return e, of
end

-- The groups that apply to token: through the group engine, or (without
-- one) through the audited engine's filters_for, mapped back by filter key.
local function applying_groups(ctx, token)
  local list, err = (ctx.group_engine or ctx.engine):filters_for(token)
  if not list then return nil, err end
  local out = {}
  for _, f in ipairs(list) do
    local g = ctx.group_of[f.key]
    if g then out[g] = true end
  end
  return out
end

-- Per ALE layer: {layer=, count=, permit=, block=, callout=} over the
-- filters of the groups that apply (counts only: a big dump has tens of
-- thousands per principal).
local function layer_counts(ctx, applies)
  local per, out = {}, {}
  for i, name in ipairs(ctx.layers) do
    out[i] = { layer = name, count = 0, permit = 0, block = 0, callout = 0 }
    per[name] = out[i]
  end
  for g in pairs(applies) do
    local entry = per[g.layer]
    entry.count = entry.count + #g.rows
    entry.permit, entry.block, entry.callout = entry.permit + g.permit, entry.block + g.block, entry.callout + g.callout
  end
  return out
end

-- Ids of the rows of `groups` (a set) at each layer, in arbitration order:
-- the rows' ranks sorted as plain integers (no Lua comparator), then looked
-- up in the layer's rows (rows[layer][rank], filters in arbitration order).
local function ids_by_layer(groups, filters)
  local ranks = {}
  for g in pairs(groups) do
    for _, row in ipairs(g.rows) do
      local list = ranks[row.layer]
      if not list then
        list = {}
        ranks[row.layer] = list
      end
      list[#list + 1] = row.rank
    end
  end
  local out = {}
  for layer, list in pairs(ranks) do
    table.sort(list)
    local rows = filters[layer]
    for i, rank in ipairs(list) do list[i] = rows[rank].id end
    out[layer] = list
  end
  return out
end

-- The filters that apply to every principal (section.common, listed once)
-- and each principal's own (`specific`, filter ids) beyond them.
local function split_common(section, applies_list, groups)
  local everyone = {}
  for _, g in ipairs(groups) do
    local all = #applies_list > 0
    for _, applies in ipairs(applies_list) do
      if not applies[g] then all = false break end
    end
    if all then everyone[g] = true end
  end
  section.common = {}
  for i, c in ipairs(layer_counts(section.ctx, everyone)) do
    local ids = {}
    for _, row in ipairs(section.filters[c.layer]) do
      if everyone[row.group] then ids[#ids + 1] = row.id end
    end
    section.common[i] = { layer = c.layer, count = c.count, ids = ids }
  end
  for i, p in ipairs(section.principals) do
    local own = {}
    for g in pairs(applies_list[i]) do
      if not everyone[g] then own[g] = true end
    end
    local ids = ids_by_layer(own, section.filters)
    for _, l in ipairs(p.layers) do l.specific = ids[l.layer] or {} end
  end
end

-- ====
-- Flows

local FLOW_KEYS = {
  name = "string", layer = "string", principals = "principals", app = "string", remote = "string",
  ["local"] = "string", protocol = "string|number", port = "number", local_port = "number",
  profile = "string|number", fields = "table",
}
local CLASSIFY_KEYS = { "app", "remote", "local", "protocol", "port", "local_port", "profile", "fields" }

local function type_ok(want, v)
  if want == "principals" then
    return type(v) == "string" or type(v) == "table" or ntsec.type(v) == "token"
  end
  for t in want:gmatch("[^|]+") do
    if type(v) == t then return true end
  end
  return false
end

-- nil, message for a flow that is not of the documented shape.
local function check_flow(i, flow)
  if type(flow) ~= "table" then return nil, ("flows[%d] must be a table, got a %s"):format(i, type(flow)) end
  local keys = {}
  for k in pairs(flow) do keys[#keys + 1] = tostring(k) end
  table.sort(keys)
  for _, k in ipairs(keys) do
    local want = FLOW_KEYS[k]
    if not want then
      return nil, ("flows[%d]: unknown field '%s' (known: app, fields, layer, local, local_port, name, port,"
        .. " principals, profile, protocol, remote)"):format(i, k)
    end
    if not type_ok(want, flow[k]) then
      return nil, ("flows[%d].%s must be a %s, got a %s"):format(i, k, want == "principals"
        and "principal label, SID, token or a list of them" or want, type(flow[k]))
    end
  end
  for _, k in ipairs({ "name", "layer" }) do
    if flow[k] == nil then return nil, ("flows[%d]: field '%s' is required"):format(i, k) end
  end
  return true
end

-- The flow's principals as {label, token}; nil, message for an entry that
-- is neither a section label nor a profile name, SID or token.
local function flow_principals(i, flow, section, by_label)
  local wanted = flow.principals
  if wanted == nil then return section end
  if type(wanted) ~= "table" then wanted = { wanted } end
  local out = {}
  for j, x in ipairs(wanted) do
    local p = type(x) == "string" and by_label[x]
    local service = type(x) == "string" and service_sids.sid_of(x:match("^NT SERVICE\\(.+)$") or "")
    if not p and service then
      local label, token = dump_principals.service(service)
      p = { label = label, token = token }
    end
    if not p then
      local label, token = principals_mod.resolve(x)
      if not label then return nil, ("flows[%d].principals[%d]: %s"):format(i, j, token) end
      p = { label = label, token = token }
    end
    out[#out + 1] = p
  end
  if #out == 0 then return nil, ("flows[%d].principals is empty"):format(i) end
  return out
end

local function filter_ref(f)
  return f and { key = f.key, name = f.name, id = f.id, action = f.action } or nil
end

-- One classification: {principal=, decision=, reason=, filter=, outcomes=}.
local function classify_one(engine, i, flow, p)
  local opts = { layer = flow.layer, token = p.token, trace = false }
  for _, k in ipairs(CLASSIFY_KEYS) do opts[k] = flow[k] end
  local ok, res, err = pcall(engine.classify, engine, opts)
  if not ok then return nil, ("flows[%d] %q: %s"):format(i, flow.name, (tostring(res):gsub("^[^:]*:%d+: ", ""))) end
  if not res then
    return nil, ("flows[%d] %q: %s"):format(i, flow.name, tostring(err and (err.detail or err) or "classify failed"))
  end
  return { principal = p.label, decision = res.decision, reason = res.reason, filter = filter_ref(res.filter),
           outcomes = #(res.outcomes or {}) }
end

local function flow_record(flow)
  local rec = {}
  for k, v in pairs(flow) do
    if k ~= "principals" and k ~= "fields" then rec[k] = v end
  end
  return rec
end

-- ====
-- The section

--- run(engine, labels, tokens, flows) -> section, or nil, message.
-- labels, tokens: the audit's principals (ntsec.audit); flows: the policy's
-- `flows` list (nil: none; shape in the header). section = {layers =
-- {"FWPM_LAYER_ALE_..."} (sorted), filters = {layer = {{key=, name=, id=,
-- action=, callout=, weight= (unsigned decimal text), sublayer=,
-- sublayer_name=, layer=}}} (every filter at those layers, arbitration
-- order), common = {{layer=, count=, ids={filter ids}}} (the filters that
-- apply to every principal), principals = {{name=, source="audit"|"dump",
-- kind=, sid=, service=|capability= (known name), layers = {{layer=,
-- count=, permit=, block=, callout=, specific = {filter ids}}}}} (count:
-- every filter that applies; specific: those beyond `common`), merged =
-- {{sid=, kind=, principal=}} (dump SIDs an audit principal already stands
-- for), flows = {{name=, layer=, ..., results = {{principal=, decision=,
-- reason=, filter={key=, name=, id=, action=, weight=}, outcomes=}}}}}.
-- The work is one enumeration of the filters and, per principal, one
-- filters_for on an engine holding one filter per distinct (layer,
-- conditions).
-- message: "flows[i]...: what is wrong" for a flow not of the shape, an
-- unknown principal or a value classify refuses (unknown layer, bad address).
-- Source: wfp_classify.md 4 (who a filter applies to), 3 (classification).
function M.run(engine, labels, tokens, flows)
  if flows ~= nil and type(flows) ~= "table" then
    return nil, ("flows must be a list of flow tables, got a %s"):format(type(flows))
  end
  for i, flow in ipairs(flows or {}) do
    local ok, why = check_flow(i, flow)
    if not ok then return nil, why end
  end
  local add_principals, dump_done = dump_principals.collector()
  local layers, rows, groups, named = filter_index(engine)
  -- the principals a filter names depend on its principal conditions only
  for _, conditions in ipairs(named) do add_principals({ conditions = conditions }) end
  local list, merged = dump_principals.section(dump_done(), labels, tokens)
  local ctx = { engine = engine, layers = layers }
  local gengine, of = group_engine(groups)
  if gengine then ctx.group_engine, ctx.group_of = gengine, of
  else   -- the audited engine answers: its filters' keys map to their groups
    ctx.group_of = {}
    for _, g in ipairs(groups) do
      for _, row in ipairs(g.rows) do ctx.group_of[row.key] = g end
    end
  end
  local section = { layers = layers, filters = rows, principals = {}, merged = merged, flows = {}, ctx = ctx }
  local by_label, applies_list = {}, {}
  for i, p in ipairs(list) do
    by_label[p.label] = p
    local applies, err = applying_groups(ctx, p.token)
    if not applies then
      if gengine then gengine:close() end
      return nil, ("principal %s: %s"):format(p.label, tostring(err))
    end
    applies_list[i] = applies
    section.principals[i] = { name = p.label, source = p.source, kind = p.kind, sid = p.sid,
      service = p.kind == "service" and p.name or nil, capability = p.kind == "capability" and p.name or nil,
      layers = layer_counts(ctx, applies) }
  end
  split_common(section, applies_list, groups)
  if gengine then gengine:close() end
  section.ctx = nil
  local by_key = {}   -- the rows by filter key, for the deciding filters of the flows
  for _, name in ipairs(flows and #flows > 0 and layers or {}) do
    for _, row in ipairs(rows[name]) do by_key[row.key] = row end
  end
  for i, flow in ipairs(flows or {}) do
    local who, err = flow_principals(i, flow, list, by_label)
    if not who then return nil, err end
    local rec = flow_record(flow)
    rec.results = {}
    for j, p in ipairs(who) do
      local r, cerr = classify_one(engine, i, flow, p)
      if not r then return nil, cerr end
      r.filter = r.filter and by_key[r.filter.key] and
        { key = r.filter.key, name = r.filter.name, id = r.filter.id, action = r.filter.action,
          weight = by_key[r.filter.key].weight } or r.filter
      rec.results[j] = r
    end
    section.flows[i] = rec
  end
  for _, name in ipairs(layers) do
    for _, row in ipairs(rows[name]) do
      row.rank, row.group = nil, nil
    end
  end
  return section
end

--- applying(section, principal, layer) -> the filter rows ({key=, name=,
-- id=, action=, ...} of section.filters) that apply to the principal (a
-- name of section.principals) at the layer, in arbitration order: the
-- layer's common filters and the principal's specific ones; nil for an
-- unknown principal or layer.
function M.applying(section, principal, layer)
  local p
  for _, x in ipairs(section.principals) do
    if x.name == principal then p = x end
  end
  local want = {}
  for _, c in ipairs(section.common) do
    if c.layer == layer then for _, id in ipairs(c.ids) do want[id] = true end end
  end
  local found
  for _, l in ipairs(p and p.layers or {}) do
    if l.layer == layer then
      found = true
      for _, id in ipairs(l.specific) do want[id] = true end
    end
  end
  if not found then return nil end
  local out = {}
  for _, row in ipairs(section.filters[layer] or {}) do
    if want[row.id] then out[#out + 1] = row end
  end
  return out
end

-- ====
-- Rendering: lua/ntsec/audit_flows_render.lua

local render = require("ntsec.audit_flows_render")

--- text(out, result): appends the section's lines to `out` (a list of
-- lines, as ntsec.report builds) when result.classification is present;
-- returns out (ntsec.audit_flows_render.text).
M.text = render.text

--- json(result) -> the JSON value of the `classification` field, or nil
-- without a section (ntsec.audit_flows_render.json).
M.json = render.json

--- html(result) -> the section as one self-contained HTML <section>, ""
-- without a section (ntsec.audit_flows_render.html).
M.html = render.html

return M
