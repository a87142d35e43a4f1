--- ntsec.security_file: object descriptors exported on a Windows machine,
-- overlaid on an engine loaded from a `netsh wfp show state` dump (which
-- holds no object descriptors). The JSON shape is docs/security-file.md;
-- tools/export-wfp-security.ps1 writes it on Windows.
--
-- `load(path)` reads and checks a whole file; `apply(engine, overlay)`
-- first checks every entry against the engine (the object exists, the
-- descriptor parses) and only then writes anything, so a bad file changes
-- nothing. Writes go through the faithful Fwpm*SetSecurityInfo* functions of
-- a kernel-mode session (no access check, wfp_ks_errors.md 2.8 step 6):
-- parents first (engine, containers, objects), so each object's inherited
-- ACEs are recomputed from the overlaid container as BFE does (3.3).

local ntsec = require("ntsec")
local json = require("dkjson")
local errors = require("ntsec.errors")

local M = {}

local wfp_kinds = require("ntsec.core").wfp.kinds

--- KEYED: the kinds with a keyed descriptor ({name=, plural=, get=, set=}),
-- from the WFP kind table (provider, sublayer, layer, callout, filter, and
-- any kind added to that table).
M.KEYED = {}
--- CONTAINERS: container name in the file -> {kind=, keyed=, set=, get=}.
M.CONTAINERS = {}
local ENGINE
for _, row in ipairs(wfp_kinds) do
  local stem = row.prefix .. row.stem
  if row.ops.security_by_key then
    local k = { name = row.name, plural = row.plural, label = row.label,
                set = stem .. "SetSecurityInfoByKey0", get = stem .. "GetSecurityInfoByKey0" }
    M.KEYED[#M.KEYED + 1], M.KEYED[row.name] = k, k
    M.CONTAINERS[row.plural] = { kind = row.name, keyed = true, set = k.set, get = k.get, label = row.label .. "s container" }
  elseif row.ops.security and row.name == "engine" then
    ENGINE = { set = stem .. "SetSecurityInfo0", get = stem .. "GetSecurityInfo0", label = "engine" }
  elseif row.ops.security then
    M.CONTAINERS[row.plural] = { kind = row.name, keyed = false, set = stem .. "SetSecurityInfo0",
                                 get = stem .. "GetSecurityInfo0", label = row.label }
  end
end

local TOP = { format = true, source = true, engine = true, containers = true, objects = true }
local FORMAT = "ntsec-wfp-security/1"

-- The one error of this module: STATUS_INVALID_PARAMETER with the line the
-- user sees in err.detail, also tostring(err) (err.text, as ntsec.netsh's).
local function fail(detail)
  local err = errors.new(ntsec.STATUS_INVALID_PARAMETER, "security_file")
  err.detail, err.text = detail, detail
  return nil, err
end

local function sorted_names(t)
  local out = {}
  for k in pairs(t) do out[#out + 1] = tostring(k) end
  table.sort(out)
  return table.concat(out, ", ")
end

-- A descriptor entry {sddl = "..."} (plus free fields) -> the parsed sd, or
-- nil, reason.
local function descriptor(entry, extra)
  if type(entry) ~= "table" then return nil, "a table {\"sddl\": ...} expected" end
  for k in pairs(entry) do
    if k ~= "sddl" and not (extra and extra[k]) then return nil, ("unknown field '%s'"):format(tostring(k)) end
  end
  if type(entry.sddl) ~= "string" then return nil, "field 'sddl' (a string) missing" end
  local sd, err = ntsec.sd(entry.sddl)
  if not sd then
    return nil, ("SDDL does not parse at offset %s: %s"):format(tostring(err.offset), entry.sddl)
  end
  return sd
end

local OBJECT_FIELDS = { kind = true, key = true, name = true }

local function normal_key(key)
  if type(key) ~= "string" then return nil end
  local g = key:match("^{?(%x%x%x%x%x%x%x%x%-%x%x%x%x%-%x%x%x%x%-%x%x%x%x%-%x%x%x%x%x%x%x%x%x%x%x%x)}?$")
  return g and ("{" .. g:lower() .. "}")
end

local function check_objects(list, out)
  if list == nil then return true end
  if type(list) ~= "table" or (next(list) ~= nil and #list == 0) then
    return nil, "'objects' must be an array"
  end
  local seen = {}
  for i, o in ipairs(list) do
    local where = ("objects[%d]"):format(i)
    if type(o) ~= "table" then return nil, where .. ": an object {kind, key, sddl} expected" end
    local k = M.KEYED[o.kind]
    if not k then
      return nil, ("%s: unknown kind %s (one of %s)"):format(where, tostring(o.kind), sorted_names(M.CONTAINERS))
    end
    local key = normal_key(o.key)
    if not key then return nil, ("%s (%s): key %s is not a GUID"):format(where, o.kind, tostring(o.key)) end
    if key:gsub("[{}%-0]", "") == "" then
      return nil, ("%s (%s): the null GUID names the container; use containers.%s"):format(where, o.kind, k.plural)
    end
    where = ("%s (%s %s)"):format(where, o.kind, key)
    if seen[o.kind .. key] then return nil, where .. ": listed twice" end
    seen[o.kind .. key] = true
    local sd, why = descriptor(o, OBJECT_FIELDS)
    if not sd then return nil, where .. ": " .. why end
    out[#out + 1] = { kind = o.kind, key = key, name = type(o.name) == "string" and o.name or nil, sd = sd,
                      sddl = o.sddl, where = where }
  end
  return true
end

--- decode(text[, name]) -> overlay, or nil, err. Checks the shape of a
-- security file held in a string (docs/security-file.md); name is the file
-- name used in messages. overlay = {name=, engine = {sd=, sddl=} | nil,
-- containers = {{container=, sd=, sddl=}}, objects = {{kind=, key=, name=,
-- sd=, sddl=}}} (containers in the kind table's order, keys lower-case
-- "{guid}"). err: ntsec.errors STATUS_INVALID_PARAMETER, op "security_file",
-- err.detail = "NAME: WHERE: what is wrong" (one line).
-- Source: docs/security-file.md.
function M.decode(text, name)
  name = name or "security file"
  local doc, pos, jerr = json.decode(text, 1, json.null)
  if type(doc) ~= "table" then
    if doc == nil then return fail(("%s: not JSON (at offset %s: %s)"):format(name, tostring(pos), tostring(jerr))) end
    return fail(("%s: a JSON object expected at the top"):format(name))
  end
  for k in pairs(doc) do
    if not TOP[k] then return fail(("%s: unknown top-level field '%s' (known: %s)"):format(name, tostring(k), sorted_names(TOP))) end
  end
  if doc.format ~= nil and doc.format ~= FORMAT then
    return fail(("%s: format %s is not %s"):format(name, tostring(doc.format), FORMAT))
  end
  local overlay = { name = name, containers = {}, objects = {} }
  if doc.engine ~= nil then
    local sd, why = descriptor(doc.engine)
    if not sd then return fail(("%s: engine: %s"):format(name, why)) end
    overlay.engine = { sd = sd, sddl = doc.engine.sddl, where = "engine" }
  end
  if doc.containers ~= nil then
    if type(doc.containers) ~= "table" then return fail(name .. ": 'containers' must be an object") end
    for c in pairs(doc.containers) do
      if not M.CONTAINERS[c] then
        return fail(("%s: containers.%s: unknown container (one of %s)"):format(name, tostring(c), sorted_names(M.CONTAINERS)))
      end
    end
    for _, row in ipairs(wfp_kinds) do
      local entry = doc.containers[row.plural]
      if entry ~= nil and M.CONTAINERS[row.plural] then
        local sd, why = descriptor(entry)
        if not sd then return fail(("%s: containers.%s: %s"):format(name, row.plural, why)) end
        overlay.containers[#overlay.containers + 1] = { container = row.plural, sd = sd, sddl = entry.sddl,
                                                        where = "containers." .. row.plural }
      end
    end
  end
  local ok, why = check_objects(doc.objects, overlay.objects)
  if not ok then return fail(("%s: %s"):format(name, why)) end
  return overlay
end

--- load(path) -> overlay, or nil, err (as decode; also for a file that
-- cannot be read). Source: docs/security-file.md.
function M.load(path)
  local f, oerr = io.open(path, "rb")
  if not f then return fail(tostring(oerr)) end
  local text = f:read("a")
  f:close()
  return M.decode(text, path)
end

-- The SECURITY_INFORMATION and parts a descriptor sets: owner and group
-- when present, the DACL when present (a NULL DACL too), protected or
-- unprotected as its control says (SetSecurityInfo takes protection from
-- these bits, not from the control). SACLs are not written: BFE ignores
-- them (wfp_ks_errors.md 3.3).
local function parts(sd)
  local si, control = 0, sd.control
  if sd.owner then si = si | ntsec.OWNER_SECURITY_INFORMATION end
  if sd.group then si = si | ntsec.GROUP_SECURITY_INFORMATION end
  if control & ntsec.SE_DACL_PRESENT ~= 0 then
    si = si | ntsec.DACL_SECURITY_INFORMATION
    si = si | (control & ntsec.SE_DACL_PROTECTED ~= 0 and ntsec.PROTECTED_DACL_SECURITY_INFORMATION
      or ntsec.UNPROTECTED_DACL_SECURITY_INFORMATION)
  end
  return si, sd.owner, sd.group, sd.dacl
end

-- The writes of an overlay, parents first: {where=, label=, fn=, key=, sd=}.
local function plan(overlay, session)
  local wfp, steps = ntsec.wfp, {}
  if overlay.engine then
    steps[1] = { where = "engine", label = "engine", fn = ENGINE.set, sd = overlay.engine.sd }
  end
  for _, c in ipairs(overlay.containers) do
    local spec = M.CONTAINERS[c.container]
    steps[#steps + 1] = { where = c.where, label = spec.label, fn = spec.set, keyed = spec.keyed, sd = c.sd }
  end
  for _, o in ipairs(overlay.objects) do
    local k = M.KEYED[o.kind]
    local code = wfp[k.get](session, o.key, ntsec.OWNER_SECURITY_INFORMATION)
    if code ~= 0 then
      return nil, ("%s: no such %s in the engine (%s)"):format(o.where, o.kind,
        errors.new(code, k.get, "NTSTATUS").name)
    end
    steps[#steps + 1] = { where = o.where, label = o.kind .. " " .. o.key, fn = k.set, keyed = true, key = o.key,
                          sd = o.sd }
  end
  return steps
end

local function write(session, step)
  local f = ntsec.wfp[step.fn]
  if step.keyed then return f(session, step.key, parts(step.sd)) end
  return f(session, parts(step.sd))
end

--- apply(engine, overlay) -> summary, or nil, err. Checks that every
-- object the overlay names exists in the engine before writing anything;
-- then writes the engine, the containers and the objects in that order.
-- summary = {name=, applied = {{label=, where=}} in write order}. err: as
-- decode (err.detail names the entry); a write the engine refuses after the
-- check (it cannot happen on an engine that is running with no transaction
-- open) also returns nil, err, and the engine should then be discarded.
-- Source: docs/security-file.md; wfp_ks_errors.md 2.8, 3.3.
function M.apply(engine, overlay)
  local session = assert(engine:open { kernel_mode = true, name = "ntsec security file",
    token = ntsec.token { user = "SY", groups = { "BA" } } })
  local steps, why = plan(overlay, session)
  if not steps then
    session:close()
    return fail(("%s: %s"):format(overlay.name, why))
  end
  local applied = {}
  for _, step in ipairs(steps) do
    local code = write(session, step)
    if code ~= 0 then
      session:close()
      return fail(("%s: %s: the engine refused the descriptor (%s)"):format(overlay.name, step.where,
        errors.new(code, step.fn, "NTSTATUS").name))
    end
    applied[#applied + 1] = { label = step.label, where = step.where }
  end
  session:close()
  return { name = overlay.name, applied = applied }
end

--- apply_file(engine, path) -> summary, or nil, err: load then apply.
-- Source: docs/security-file.md.
function M.apply_file(engine, path)
  local overlay, err = M.load(path)
  if not overlay then return nil, err end
  return M.apply(engine, overlay)
end

return M
