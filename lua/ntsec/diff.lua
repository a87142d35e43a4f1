--- ntsec.diff: drift between two WFP states (docs/diff.md).
--
-- Two engines (or two `netsh wfp show state` dumps, each imported into its
-- own engine) are compared object by object, by kind and key: objects
-- added, removed and changed (their fields and their security descriptor),
-- the containers' descriptors, and the access each principal has on every
-- object whose descriptor differs (MAXIMUM_ALLOWED under the FWPM generic
-- mapping with the audit's principals: the profiles of ntsec.principals and
-- the dumps' session SIDs, tokens from ntsec.principals.resolve).
-- A dump's own fields (weights with their FWP type, filter conditions,
-- effective weights, flags) are compared as the dump states them; engines
-- built by other means are compared on the fields the engine records.

local ntsec = require("ntsec")
local netsh = require("ntsec.netsh")
local principals_mod = require("ntsec.principals")
local options = require("ntsec.options")

local M = {}

local ALL_SI = ntsec.OWNER_SECURITY_INFORMATION | ntsec.GROUP_SECURITY_INFORMATION
    | ntsec.DACL_SECURITY_INFORMATION | ntsec.SACL_SECURITY_INFORMATION

--- The kinds compared, in report order: kind, the engine listing
-- (engine:<list>()), the importer's kind (netsh.HANDLERS), the record field
-- that identifies an object, and the session method reading its descriptor.
M.KINDS = {
  { kind = "provider", list = "providers", dump = "providers", id = "key", target = "provider" },
  { kind = "sublayer", list = "sublayers", dump = "sublayers", id = "key", target = "sublayer" },
  { kind = "layer", list = "layers", dump = "layers", id = "key", target = "layer" },
  { kind = "callout", list = "callouts", dump = "callouts", id = "key", target = "callout" },
  { kind = "filter", list = "filters", dump = "filters", id = "key", target = "filter" },
  { kind = "provider_context", list = "provider_contexts", dump = "provider_contexts", id = "key",
    target = "provider_context" },
  { kind = "session", list = "sessions", dump = "sessions", id = "key" },
  { kind = "endpoint", list = "endpoints", dump = "endpoints", id = "id" },
}

--- The containers compared (descriptor only): label and session method.
M.CONTAINERS = {
  { label = "engine", target = "engine_object" },
  { label = "providers container", target = "providers_container" },
  { label = "sublayers container", target = "sublayers_container" },
  { label = "layers container", target = "layers_container" },
  { label = "callouts container", target = "callouts_container" },
  { label = "filters container", target = "filters_container" },
  { label = "provider contexts container", target = "provider_contexts_container" },
  { label = "connections container", target = "connections" },
  { label = "ALE endpoint container", target = "endpoints" },
}

-- Engine record fields that identify rather than describe an object.
local NOT_FIELDS = { key = true, key_name = true }

-- A dump item's tree (item:tree()) as flat "path" -> text: a list of texts
-- (flags) is one value joined with " | "; a list of elements (filter
-- conditions) is indexed "filterCondition[1].fieldKey".
local function flatten(v, prefix, out)
  if type(v) ~= "table" then
    out[prefix] = v
    return out
  end
  local leaves = #v > 0
  for _, x in ipairs(v) do if type(x) == "table" then leaves = false end end
  if leaves then out[prefix] = table.concat(v, " | ")
  else
    for i, x in ipairs(v) do flatten(x, ("%s[%d]"):format(prefix, i), out) end
  end
  for k, x in pairs(v) do
    if type(k) == "string" then flatten(x, prefix == "" and k or prefix .. "." .. k, out) end
  end
  return out
end

local function engine_fields(rec)
  local out = {}
  for k, v in pairs(rec) do
    if not NOT_FIELDS[k] and type(v) ~= "table" then out[k] = tostring(v) end
  end
  return out
end

-- The descriptor of target (a session method's result) as SDDL, or nil and
-- a message: the API's result convention is read defensively (a descriptor,
-- nil and an error, or a raised error).
local function read_sd(session, method, key)
  local ok, target = pcall(session[method], session, key)
  if not ok or not target then return nil, tostring(target) end
  local ok2, sd, err = pcall(target.security, target, ALL_SI)
  if not ok2 then return nil, tostring(sd) end
  if not sd then return nil, tostring(err) end
  return sd:sddl()
end

local function observer(engine)
  return assert(engine:open { kernel_mode = true, name = "ntsec diff observer",
    token = ntsec.token { user = "SY", groups = { "BA" } } })
end

--- diff.snapshot(engine[, details]) -> snapshot: everything compared, read
-- once. details (optional): {[dump kind] = {[id] = flat dump fields}}, as
-- diff.import_file collects; an object with details is compared on them.
-- snapshot = {objects = {[kind] = {[id] = {kind=, key=, name=, fields=,
-- sd=, sd_error=}}}, containers = {[label] = {sd=, sd_error=}},
-- sessions = {SID strings of the session records}}.
function M.snapshot(engine, details)
  details = details or {}
  local session = observer(engine)
  local snap = { objects = {}, containers = {}, sessions = {} }
  for _, k in ipairs(M.KINDS) do
    local objects, dumped = {}, details[k.dump] or {}
    for _, rec in ipairs(engine[k.list](engine)) do
      local id = tostring(rec[k.id])
      local o = { kind = k.kind, key = id, name = rec.name or rec.key_name or rec.username,
                  fields = dumped[id] or engine_fields(rec) }
      if k.target then o.sd, o.sd_error = read_sd(session, k.target, rec.key) end
      if k.kind == "session" and rec.sid then snap.sessions[#snap.sessions + 1] = tostring(rec.sid) end
      objects[id] = o
    end
    snap.objects[k.kind] = objects
  end
  for _, c in ipairs(M.CONTAINERS) do
    local sd, err = read_sd(session, c.target)
    snap.containers[c.label] = { kind = "container", key = c.label, name = c.label, sd = sd, sd_error = err }
  end
  session:close()
  return snap
end

local function sorted_keys(a, b)
  local keys, seen = {}, {}
  for _, t in ipairs({ a, b }) do
    for k in pairs(t) do
      if not seen[k] then seen[k], keys[#keys + 1] = true, k end
    end
  end
  table.sort(keys)
  return keys
end

-- Fields that differ: {{field=, before=, after=}} sorted by field (nil: absent).
local function field_changes(a, b)
  local out = {}
  for _, f in ipairs(sorted_keys(a, b)) do
    if a[f] ~= b[f] then out[#out + 1] = { field = f, before = a[f], after = b[f] } end
  end
  return out
end

local function descriptor_text(o)
  if not o then return nil end
  return o.sd or (o.sd_error and "(unreadable: " .. o.sd_error .. ")")
end

--- default_principals(sa, sb) -> the audit's default principals
-- (ntsec.principals.defaults): every profile, then each session SID of
-- either state that no profile stands for, in order, without repeats.
function M.default_principals(sa, sb)
  local sids = {}
  for _, s in ipairs({ sa, sb }) do
    for _, sid in ipairs(s.sessions) do sids[#sids + 1] = sid end
  end
  return principals_mod.defaults(sids)
end

-- granted(sddl, i) -> mask for principal i, memoised per descriptor. Tokens
-- as the audit's (ntsec.principals.resolve: a profile name, a SID with a
-- profile gets that profile, any other SID the user plus WD, AU, BU); a
-- principal that resolves to nothing raises (an option mistake).
local function access_checker(principals)
  local tokens, cache = {}, {}
  for i, p in ipairs(principals) do
    local label, token = principals_mod.resolve(p)
    if not label then error(("diff: principals[%d]: %s"):format(i, tostring(token)), 4) end
    tokens[i] = token
  end
  return function(sddl, i)
    if not sddl then return nil end
    local row = cache[sddl]
    if not row then
      row = {}
      local sd = ntsec.sd(sddl)
      for j, token in ipairs(tokens) do
        row[j] = sd and ntsec.access_check(sd, token, ntsec.MAXIMUM_ALLOWED, "fwpm") or 0
      end
      cache[sddl] = row
    end
    return row[i]
  end
end

-- One compared object: appends to result.added / removed / changed and,
-- when its descriptor differs, the access changes per principal.
local function compare_object(result, granted, a, b)
  local o = b or a
  local entry = { kind = o.kind, key = o.key, name = o.name }
  if not a then result.added[#result.added + 1] = entry
  elseif not b then result.removed[#result.removed + 1] = entry
  else
    local fields = field_changes(a.fields or {}, b.fields or {})
    local sd_a, sd_b = descriptor_text(a), descriptor_text(b)
    if #fields == 0 and sd_a == sd_b then return end
    entry.fields = fields
    if sd_a ~= sd_b then entry.descriptor = { before = sd_a, after = sd_b } end
    result.changed[#result.changed + 1] = entry
  end
  local sd_a, sd_b = a and a.sd, b and b.sd
  if sd_a == sd_b then return end
  for i, p in ipairs(result.principals) do
    local before, after = granted(sd_a, i), granted(sd_b, i)
    if before ~= after then
      result.access[#result.access + 1] = { principal = p, kind = o.kind, key = o.key, name = o.name,
                                            before = before, after = after }
    end
  end
end

--- diff.compare(snapshot_a, snapshot_b[, opts]) -> result.
-- opts.principals: profile names, SIDs or aliases whose access is compared
-- (default M.default_principals: the audit's profiles and the session SIDs
-- of both states). result = {identical=,
-- added = {{kind=, key=, name=}}, removed = {...}, changed = {{kind=, key=,
-- name=, fields = {{field=, before=, after=}}, descriptor = {before=,
-- after=} | nil}}, access = {{principal=, kind=, key=, name=, before=,
-- after=}} (masks; nil where the object is absent), principals = {...}}.
local COMPARE_OPTS = { principals = "table" }

function M.compare(sa, sb, opts)
  opts = options.check(opts, "diff.compare", COMPARE_OPTS)
  local principals = opts.principals or M.default_principals(sa, sb)
  local result = { added = {}, removed = {}, changed = {}, access = {}, principals = principals }
  local granted = access_checker(principals)
  for _, k in ipairs(M.KINDS) do
    local oa, ob = sa.objects[k.kind], sb.objects[k.kind]
    for _, id in ipairs(sorted_keys(oa, ob)) do compare_object(result, granted, oa[id], ob[id]) end
  end
  for _, c in ipairs(M.CONTAINERS) do
    compare_object(result, granted, sa.containers[c.label], sb.containers[c.label])
  end
  result.identical = #result.added + #result.removed + #result.changed == 0
  return result
end

--- diff.engines(a, b[, opts]) -> result (diff.compare) of two engines as
-- they are now: the fields each engine records, descriptors, access.
-- Options as diff.compare (strict: an unknown key raises).
function M.engines(a, b, opts)
  options.check(opts, "diff.engines", COMPARE_OPTS)
  return M.compare(M.snapshot(a), M.snapshot(b), opts)
end

--- diff.import_file(path[, security]) -> engine, details, or nil, err (tostring(err)
-- is the one line to print):
-- the dump imported (ntsec.netsh.import_file) with each object's own fields
-- kept as the dump states them (details for diff.snapshot), then the
-- security file at path security overlaid (docs/security-file.md).
function M.import_file(path, security)
  local engine = ntsec.wfp.engine()
  local by_kind = {}
  for _, k in ipairs(M.KINDS) do by_kind[k.dump] = k end
  local details = {}
  local summary, err = netsh.import_file(engine, path, {
    on_record = function(kind, rec, item)
      local k = by_kind[kind]
      if not k or rec[k.id] == nil then return end
      details[kind] = details[kind] or {}
      details[kind][tostring(rec[k.id])] = flatten(item:tree(), "", {})
    end })
  if not summary then return nil, err end
  if security then
    local ok, serr = require("ntsec.security_file").apply_file(engine, security)
    if not ok then return nil, serr end
  end
  return engine, details
end

--- diff.files(path_a, path_b[, opts]) -> result (diff.compare), or nil,
-- err naming the dump that failed to import (tostring(err): "PATH: ...").
-- opts.security = {A.json[, B.json]}: security files overlaid on A and B
-- (one file: on both).
function M.files(path_a, path_b, opts)
  options.check(opts, "diff.files", { principals = "table", security = "table" })
  local sec = opts and opts.security or {}
  local ea, da = M.import_file(path_a, sec[1])
  if not ea then return nil, da end
  local eb, db = M.import_file(path_b, sec[2] or sec[1])
  if not eb then return nil, db end
  return M.compare(M.snapshot(ea, da), M.snapshot(eb, db), opts and { principals = opts.principals })
end

local function mask_text(m)
  return m and ("0x%x"):format(m) or "(absent)"
end

--- diff.object_label(entry) -> "callout {key} NAME" (a container: its label).
function M.object_label(e)
  local label = e.kind == "container" and e.key or (e.kind .. " " .. e.key)
  if e.name and e.name ~= e.key then label = label .. " " .. e.name end
  return label
end

local function changed_lines(out, e)
  out[#out + 1] = "  changed " .. M.object_label(e)
  for _, f in ipairs(e.fields or {}) do
    out[#out + 1] = ("    %s: %s -> %s"):format(f.field, f.before or "(absent)", f.after or "(absent)")
  end
  if e.descriptor then
    out[#out + 1] = "    descriptor before: " .. (e.descriptor.before or "(none)")
    out[#out + 1] = "    descriptor after:  " .. (e.descriptor.after or "(none)")
  end
end

--- diff.text(result[, opts]) -> the report as text; opts.a and opts.b name
-- the two states in the heading.
function M.text(result, opts)
  opts = opts or {}
  local out = { ("ntsec diff %s -> %s"):format(opts.a or "A", opts.b or "B") }
  if result.identical then
    out[#out + 1] = "No differences."
    return table.concat(out, "\n") .. "\n"
  end
  out[#out + 1] = ("Objects added: %d, removed: %d, changed: %d"):format(#result.added, #result.removed,
    #result.changed)
  for _, e in ipairs(result.added) do out[#out + 1] = "  added " .. M.object_label(e) end
  for _, e in ipairs(result.removed) do out[#out + 1] = "  removed " .. M.object_label(e) end
  for _, e in ipairs(result.changed) do changed_lines(out, e) end
  out[#out + 1] = ""
  out[#out + 1] = ("Access changes (MAXIMUM_ALLOWED, FWPM generic mapping): %d"):format(#result.access)
  for _, p in ipairs(result.principals) do
    local head = false
    for _, a in ipairs(result.access) do
      if a.principal == p then
        if not head then out[#out + 1], head = "  " .. p, true end
        out[#out + 1] = ("    %s: %s -> %s"):format(M.object_label(a), mask_text(a.before), mask_text(a.after))
      end
    end
  end
  return table.concat(out, "\n") .. "\n"
end

--- diff.json(result) -> one JSON document: {identical, added, removed,
-- changed, access, principals} as diff.compare returns them (absent
-- values are null). Written through ntsec.json (keys in a fixed order).
function M.json(result)
  local json = require("ntsec.json")
  local function array(t) return setmetatable(t, { __jsontype = "array" }) end
  for _, list in ipairs({ result.added, result.removed, result.changed, result.access, result.principals }) do
    array(list)
  end
  for _, e in ipairs(result.changed) do array(e.fields) end
  return json.encode(result, { keyorder = { "identical", "principals", "added", "removed", "changed", "access",
    "kind", "key", "name", "principal", "field", "before", "after", "fields", "descriptor" } })
end

return M
