--- ntsec.rules.ale: the built-in rule `wfp-ale-permit-above-block`
-- (docs/check.md, "Permit above a block at an ALE layer").
--
-- At an ALE layer, among the filters that apply to a principal (default the
-- Everyone token of ntsec.principals), a static BLOCK filter B is shadowed
-- by a static PERMIT filter P when
--   (a) "above" (wfp_classify.md 3.4, 3.5): P and B in the same sublayer
--       and P's effectiveWeight strictly higher (unsigned): B is never
--       evaluated for a flow P matches ("sublayer"); or P carries
--       FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT (a hard permit) in a sublayer of
--       higher weight than B's and the classification of the witness flow
--       is PERMIT decided by P ("hard": a static block cannot override a
--       hard permit, but whether P decides depends on the other filters, so
--       the classifier is asked);
--   (b) "the same flow": every flow of the principal that B matches, P
--       matches as well (B's flows are a subset of P's), proved condition
--       by condition (covers()), then confirmed by the classifier: on a
--       witness flow built from B's conditions both filters match TRUE
--       (engine:filter_matches) and the classification of that flow is the
--       finding's trace.
-- Principal conditions (ALE_USER_ID, ALE_PACKAGE_ID,
-- ALE_PACKAGE_FAMILY_NAME: decided by the token alone) of a filter that
-- applies to the principal hold for it, so they are not compared.


local M = {}

local PERMIT, BLOCK = 0x1002, 0x1001            -- FWP_ACTION_PERMIT / BLOCK (fwptypes.h)
local BOOTTIME, CLEAR_ACTION_RIGHT, DISABLED = 0x2, 0x8, 0x20   -- FWPM_FILTER_FLAG_*

--- PRINCIPAL_FIELDS: conditions decided by the flow's token alone (no
-- network value), true for a principal the filter applies to.
M.PRINCIPAL_FIELDS = {
  FWPM_CONDITION_ALE_USER_ID = true, FWPM_CONDITION_ALE_PACKAGE_ID = true,
  FWPM_CONDITION_ALE_PACKAGE_FAMILY_NAME = true,
}

-- Hex digits per ordered value type (fixed width: string order = value order).
local WIDTH = { FWP_UINT8 = 2, FWP_UINT16 = 4, FWP_UINT32 = 8, FWP_UINT64 = 16, FWP_BYTE_ARRAY16_TYPE = 32 }

local function ipv6_hex(text)
  local head, tail = text:match("^(.-)::(.*)$")
  local groups = {}
  local function add(part)
    for g in part:gmatch("[^:]+") do groups[#groups + 1] = g end
  end
  if head then
    add(head)
    local rest = {}
    for g in tail:gmatch("[^:]+") do rest[#rest + 1] = g end
    for _ = 1, 8 - #groups - #rest do groups[#groups + 1] = "0" end
    for _, g in ipairs(rest) do groups[#groups + 1] = g end
  else
    add(text)
  end
  if #groups ~= 8 then return nil end
  local out = {}
  for i, g in ipairs(groups) do
    local n = tonumber(g, 16)
    if not n then return nil end
    out[i] = ("%04x"):format(n)
  end
  return table.concat(out)
end

-- A value's text as a fixed-width hex string of its type, or nil.
local function ordered(typ, text)
  local w = WIDTH[typ]
  if not w or text == nil then return nil end
  if typ == "FWP_BYTE_ARRAY16_TYPE" then return ipv6_hex(text) end
  local a, b, c, d = text:match("^(%d+)%.(%d+)%.(%d+)%.(%d+)$")
  local n
  if a then n = ((tonumber(a) * 256 + tonumber(b)) * 256 + tonumber(c)) * 256 + tonumber(d)
  else n = math.tointeger(tonumber(text)) end
  if not n then return nil end
  return ("%0" .. w .. "x"):format(n)
end

-- hex +/- 1 at the same width (nil past the ends).
local function step(hex, delta)
  local digits = {}
  for i = 1, #hex do digits[i] = tonumber(hex:sub(i, i), 16) end
  local i = #digits
  while i >= 1 do
    local v = digits[i] + delta
    if v >= 0 and v <= 15 then digits[i] = v; break end
    digits[i] = delta > 0 and 0 or 15
    i = i - 1
  end
  if i == 0 then return nil end
  for k = 1, #digits do digits[k] = ("%x"):format(digits[k]) end
  return table.concat(digits)
end

local function min_of(w) return ("0"):rep(w) end
local function max_of(w) return ("f"):rep(w) end

-- An atom of a run: {kind = "interval", type=, list = {{lo, hi}...}} |
-- {kind = "flags", how = "all"|"any"|"none", bits=} | {kind = "other", id=}.
local function atom(c)
  local typ = c.type == "FWP_RANGE_TYPE" and c.low and c.low.type or c.type
  local w = WIDTH[typ]
  local m = c.match
  if w and m ~= "FWP_MATCH_FLAGS_ALL_SET" and m ~= "FWP_MATCH_FLAGS_ANY_SET" and m ~= "FWP_MATCH_FLAGS_NONE_SET" then
    local lo, hi, v = min_of(w), max_of(w), ordered(typ, c.value)
    local list
    if m == "FWP_MATCH_RANGE" then
      local a, b = ordered(typ, c.low and c.low.value), ordered(typ, c.high and c.high.value)
      if a and b then list = a <= b and { { a, b } } or {} end
    elseif v and m == "FWP_MATCH_EQUAL" then list = { { v, v } }
    elseif v and m == "FWP_MATCH_NOT_EQUAL" then
      list = {}
      if v > lo then list[#list + 1] = { lo, step(v, -1) } end
      if v < hi then list[#list + 1] = { step(v, 1), hi } end
    elseif v and m == "FWP_MATCH_GREATER" then list = v < hi and { { step(v, 1), hi } } or {}
    elseif v and m == "FWP_MATCH_GREATER_OR_EQUAL" then list = { { v, hi } }
    elseif v and m == "FWP_MATCH_LESS" then list = v > lo and { { lo, step(v, -1) } } or {}
    elseif v and m == "FWP_MATCH_LESS_OR_EQUAL" then list = { { lo, v } }
    end
    if list then return { kind = "interval", type = typ, width = w, list = list } end
  end
  if w and w <= 16 and c.type ~= "FWP_RANGE_TYPE" then
    local how = ({ FWP_MATCH_FLAGS_ALL_SET = "all", FWP_MATCH_FLAGS_ANY_SET = "any",
                   FWP_MATCH_FLAGS_NONE_SET = "none" })[m]
    local bits = math.tointeger(tonumber(c.value or ""))
    if how and bits then
      -- ANY of one bit is ALL of that bit.
      if how == "any" and bits ~= 0 and bits & (bits - 1) == 0 then how = "all" end
      return { kind = "flags", type = typ, width = w, how = how, bits = bits }
    end
  end
  return { kind = "other", id = table.concat({ m or "", c.type or "", tostring(c.value), tostring(c.value2),
    c.low and tostring(c.low.value) or "", c.high and tostring(c.high.value) or "" }, "|") }
end

-- Sorted, merged intervals of a run's interval atoms of one type.
local function merged(atoms, typ)
  local all = {}
  for _, a in ipairs(atoms) do
    if a.kind == "interval" and a.type == typ then
      for _, iv in ipairs(a.list) do all[#all + 1] = iv end
    end
  end
  table.sort(all, function(x, y) return x[1] < y[1] end)
  local out = {}
  for _, iv in ipairs(all) do
    local last = out[#out]
    local after = last and step(last[2], 1)
    if last and (after == nil or iv[1] <= after) then
      if iv[2] > last[2] then last[2] = iv[2] end
    else
      out[#out + 1] = { iv[1], iv[2] }
    end
  end
  return out
end

local function inside(iv, union)
  for _, u in ipairs(union) do
    if iv[1] >= u[1] and iv[2] <= u[2] then return true end
  end
  return false
end

local function full(union, w)
  return #union == 1 and union[1][1] == min_of(w) and union[1][2] == max_of(w)
end

-- Flags atom a ⊆ flags atom b (exact for single atoms; see the module doc).
local function flags_subset(a, b)
  local x, y = a.bits, b.bits
  if a.how == "any" and x == 0 then return true end            -- empty set
  if b.how == "all" and y == 0 or b.how == "none" and y == 0 then return true end   -- everything
  if a.how == "all" then
    if b.how == "all" then return y & ~x == 0 end
    if b.how == "any" then return x & y ~= 0 end
    return false                                               -- all-ones is in ALL x, not in NONE y
  elseif a.how == "none" then
    if b.how == "none" then return y & ~x == 0 end
    return false                                               -- 0 is in NONE x
  else -- any (two or more bits)
    if b.how == "any" then return x & ~y == 0 end
    return false
  end
end

local function flags_hold(f, hex)
  local v = tonumber(hex, 16)
  if f.how == "all" then return v & f.bits == f.bits end
  if f.how == "any" then return v & f.bits ~= 0 end
  return v & f.bits == 0
end

-- Is every value of atom a in the union of the atoms of run p?
local function atom_covered(a, p)
  if a.kind == "other" then
    for _, b in ipairs(p) do if b.kind == "other" and b.id == a.id then return true end end
    return false
  end
  local union = merged(p, a.type)
  if full(union, a.width) then return true end
  if a.kind == "interval" then
    local all = true
    for _, iv in ipairs(a.list) do
      local ok = inside(iv, union)
      if not ok and iv[1] == iv[2] then    -- a single value may be covered by a flags atom
        for _, b in ipairs(p) do
          if b.kind == "flags" and b.type == a.type and flags_hold(b, iv[1]) then ok = true break end
        end
      end
      all = all and ok
    end
    return all
  end
  for _, b in ipairs(p) do
    if b.kind == "flags" and b.type == a.type and flags_subset(a, b) then return true end
  end
  return false
end

local function run_covered(rb, rp)
  for _, a in ipairs(rb) do
    if not atom_covered(a, rp) then return false end
  end
  return true
end

--- runs(conditions) -> {{field=, atoms={...}, conditions={...}}...}: runs of
-- consecutive conditions on one field (wfp_classify.md 2.1: OR inside a
-- run, AND between runs).
function M.runs(conditions)
  local out = {}
  for _, c in ipairs(conditions or {}) do
    local last = out[#out]
    if not last or last.field ~= c.field then
      last = { field = c.field, atoms = {}, conditions = {} }
      out[#out + 1] = last
    end
    last.atoms[#last.atoms + 1] = atom(c)
    last.conditions[#last.conditions + 1] = c
  end
  return out
end

-- A run that every value of its field satisfies (a full interval, ALL_SET 0).
local function trivially_true(run)
  for _, a in ipairs(run.atoms) do
    if a.kind == "flags" and a.bits == 0 and a.how ~= "any" then return true end   -- ALL_SET 0, NONE_SET 0
    if a.kind ~= "other" and atom_covered({ kind = "interval", type = a.type, width = a.width,
        list = { { min_of(a.width), max_of(a.width) } } }, run.atoms) then return true end
  end
  return false
end

--- covers(permit_conditions, block_conditions) -> true | false, field: does
-- every flow that matches the block conditions match the permit conditions?
-- Sound: true only when proved (each permit run is trivially true, a
-- principal condition, or implied by one block run on its field); false
-- names the permit field that could not be proved.
function M.covers(pc, bc)
  local b_runs = M.runs(bc)
  for _, rp in ipairs(M.runs(pc)) do
    if not M.PRINCIPAL_FIELDS[rp.field] and not trivially_true(rp) then
      local ok = false
      for _, rb in ipairs(b_runs) do
        if rb.field == rp.field and run_covered(rb.atoms, rp.atoms) then ok = true break end
      end
      if not ok then return false, rp.field end
    end
  end
  return true
end

-- A value of an atom (for the witness flow), as {type=, value=} text.
local function atom_value(a, c)
  if a.kind == "interval" then
    local iv = a.list[1]
    if not iv then return nil end
    local hex = iv[1]
    if a.type == "FWP_BYTE_ARRAY16_TYPE" then
      local g = {}
      for i = 1, 32, 4 do g[#g + 1] = hex:sub(i, i + 3) end
      return { type = a.type, value = table.concat(g, ":") }
    end
    return { type = a.type, value = ("%d"):format(math.tointeger(tonumber(hex, 16)) or 0) }
  elseif a.kind == "flags" then
    local v = a.how == "none" and 0 or a.how == "all" and a.bits or (a.bits & -a.bits)
    return { type = a.type, value = ("%d"):format(v) }
  end
  if c.match == "FWP_MATCH_EQUAL" and c.type ~= "FWP_RANGE_TYPE" then return { type = c.type, value = c.value } end
  return nil
end

--- witness(block_conditions, permit_conditions) -> fields for
-- engine:classify{fields = ...}: one value per constrained non-principal
-- field, taken from the block's first condition on it (else the permit's).
function M.witness(bc, pc)
  local fields = {}
  for _, list in ipairs({ bc, pc }) do
    for _, run in ipairs(M.runs(list)) do
      if not M.PRINCIPAL_FIELDS[run.field] and fields[run.field] == nil then
        fields[run.field] = atom_value(run.atoms[1], run.conditions[1])
      end
    end
  end
  return fields
end

local function runtime(f) return f.flags & (BOOTTIME | DISABLED) == 0 end

--- ALE_LAYERS: the FWPM_LAYER_ALE_* layers (fwpmu.h, the names of
-- src/core/wfp/wfp_names.c), in the header's order.
M.ALE_LAYERS = {}
for _, base in ipairs({ "RESOURCE_ASSIGNMENT", "AUTH_LISTEN", "AUTH_RECV_ACCEPT", "AUTH_CONNECT", "FLOW_ESTABLISHED" }) do
  for _, v in ipairs({ "V4", "V4_DISCARD", "V6", "V6_DISCARD" }) do
    M.ALE_LAYERS[#M.ALE_LAYERS + 1] = ("FWPM_LAYER_ALE_%s_%s"):format(base, v)
  end
end
for _, base in ipairs({ "CONNECT_REDIRECT", "BIND_REDIRECT", "RESOURCE_RELEASE", "ENDPOINT_CLOSURE" }) do
  M.ALE_LAYERS[#M.ALE_LAYERS + 1] = ("FWPM_LAYER_ALE_%s_V4"):format(base)
  M.ALE_LAYERS[#M.ALE_LAYERS + 1] = ("FWPM_LAYER_ALE_%s_V6"):format(base)
end

-- "above" (see the module doc): how P stands above B, or nil.
local function above(p, b, sublayer_weight)
  if p.sublayer == b.sublayer then
    return math.ult(b.effective_weight, p.effective_weight) and "sublayer" or nil
  end
  local wp, wb = sublayer_weight[p.sublayer], sublayer_weight[b.sublayer]
  if p.flags & CLEAR_ACTION_RIGHT ~= 0 and wp and wb and wp > wb then return "hard" end
  return nil
end

local function confirmed(engine, token, layer, p, b, how)
  local fields = M.witness(b.conditions, p.conditions)
  local flow = { token = token, layer = layer, fields = fields }
  local mp = engine:filter_matches(p.key, flow)
  local mb = engine:filter_matches(b.key, flow)
  if not (mp and mb and mp.match == "true" and mb.match == "true") then return nil end
  local res = engine:classify { layer = layer, token = token, fields = fields }
  if how == "hard" and not (res and res.decision == "permit" and res.filter and res.filter.key == p.key) then
    return nil
  end
  return fields, res
end

--- find(engine, token[, layers]) -> list of {layer=, permit=, block=,
-- how = "sublayer"|"hard", fields=, classification=}: every shadowed block,
-- by layer, then block filter, then permit, in the engine's order.
-- layers: a list of layer names or keys (default: M.ALE_LAYERS).
function M.find(engine, token, layers)
  local sublayer_weight = {}
  for _, s in ipairs(engine:sublayers()) do sublayer_weight[s.key] = s.weight end
  local by_key = {}
  for _, f in ipairs(engine:filters()) do by_key[f.key] = f end
  local out = {}
  for _, name in ipairs(layers or M.ALE_LAYERS) do
    local applied = assert(engine:filters_for(token, name))
    local permits, blocks = {}, {}
    for _, a in ipairs(applied) do
      local f = by_key[a.key]
      if f and runtime(f) then
        if f.action == PERMIT then permits[#permits + 1] = f elseif f.action == BLOCK then blocks[#blocks + 1] = f end
      end
    end
    for _, b in ipairs(blocks) do
      for _, p in ipairs(permits) do
        local how = above(p, b, sublayer_weight)
        if how and M.covers(p.conditions, b.conditions) then
          local fields, res = confirmed(engine, token, name, p, b, how)
          if fields then
            out[#out + 1] = { layer = name, permit = p, block = b, how = how, fields = fields, classification = res }
          end
        end
      end
    end
  end
  return out
end

--- condition_text(c) -> "IP_REMOTE_PORT EQUAL 445" (prefixes dropped;
-- a range as low-high; a descriptor or blob by its text).
function M.condition_text(c)
  local value
  if c.low then value = ("%s-%s"):format(tostring(c.low.value), tostring(c.high and c.high.value))
  else value = c.as_string or tostring(c.value) .. (c.value2 and ("/" .. tostring(c.value2)) or "") end
  local field = (c.field or "?"):gsub("^FWPM_CONDITION_", "")
  local match = (c.match or "?"):gsub("^FWP_MATCH_", "")
  return ("%s %s %s"):format(field, match, value)
end

local function conditions_text(list)
  if #list == 0 then return "(no conditions: every flow)" end
  local out = {}
  for i, c in ipairs(list) do out[i] = M.condition_text(c) end
  return table.concat(out, " AND ")
end

local function filter_line(role, f)
  return ("%s filter %d %s %q sublayer %s effectiveWeight 0x%016x: %s"):format(role, f.id, f.key, f.name or "",
    f.sublayer or "?", f.effective_weight, conditions_text(f.conditions))
end

--- classification_lines(r[, keep]) -> the trace of an engine:classify
-- result as lines: the decision, its reason and deciding filter, each
-- outcome's per-sublayer verdicts (combination rule), then the sublayers in
-- weight order with every filter that matched or may match (and those whose
-- key is in the set `keep`), its match and roles, and the failing condition.
function M.classification_lines(r, keep)
  if not r then return {} end
  keep = keep or {}
  local out = { ("classification at %s: %s (%s)%s"):format(tostring(r.layer), r.decision, r.reason or "",
    r.filter and (" by filter %s %s %q"):format(tostring(r.filter.id), r.filter.key or "", r.filter.name or "") or "") }
  for i, o in ipairs(r.outcomes or {}) do
    local steps = {}
    for _, st in ipairs(o.steps or {}) do
      local v = st.verdict or {}
      steps[#steps + 1] = ("%s=%s%s(%s)"):format(st.sublayer and (st.sublayer.name or st.sublayer.key) or "?",
        v.action or "none", v.filter and (" " .. tostring(v.filter.id)) or "", st.rule or "")
    end
    out[#out + 1] = ("  outcome %d: %s; %s"):format(i, o.final and o.final.action or "permit (no match)",
      table.concat(steps, "; "))
  end
  for _, sl in ipairs(r.trace and r.trace.sublayers or {}) do
    out[#out + 1] = ("  sublayer %s (weight %s)"):format(sl.name or sl.key, tostring(sl.weight))
    for _, f in ipairs(sl.filters) do
      if f.match ~= "false" or keep[f.key] then
        local failed = f.failed and (": condition %d %s"):format(f.condition or 0, M.condition_text(f.failed)) or ""
        out[#out + 1] = ("    %s %s %s: match %s%s%s"):format(tostring(f.id), f.name or "", f.action or "", f.match,
          f.roles and #f.roles > 0 and (" [" .. table.concat(f.roles, ",") .. "]") or "", failed)
      end
    end
  end
  return out
end

--- trace_lines(x) -> the explain trace of a finding of M.find: both
-- filters, the witness flow and its classification (sublayers in weight
-- order, each filter considered with its match and roles).
function M.trace_lines(x)
  local out = { filter_line("BLOCK ", x.block), filter_line("PERMIT", x.permit) }
  local names = {}
  for k in pairs(x.fields) do names[#names + 1] = k end
  table.sort(names)
  local flow = {}
  for _, k in ipairs(names) do flow[#flow + 1] = ("%s=%s"):format((k:gsub("^FWPM_CONDITION_", "")), x.fields[k].value) end
  out[#out + 1] = ("witness flow at %s: %s; both filters match it (engine:filter_matches)"):format(x.layer,
    #flow > 0 and table.concat(flow, ", ") or "(no fields)")
  for _, line in ipairs(M.classification_lines(x.classification, { [x.block.key] = true, [x.permit.key] = true })) do
    out[#out + 1] = line
  end
  return out
end

return M
