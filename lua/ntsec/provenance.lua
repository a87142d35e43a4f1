--- ntsec.provenance: where each descriptor an audit report shows comes
-- from (docs/audit.md "Provenance"). The one source of truth for the text,
-- JSON and HTML reports: ntsec.audit stores a record {source=, detail=,
-- call=} per object, the reports print SOURCES[source] and the detail.
--
-- A `netsh wfp show state` dump holds no object descriptors, so an object
-- imported from it carries the emulated default (wfp_ks_errors.md 3.3: the
-- engine's Windows 10 1909 descriptor; containers inherit from the engine,
-- objects from their kind's container), unless a security file
-- (docs/security-file.md) gave it or its parents real ones; the policy then
-- sets some (a recorded call) and inheritance propagation changes others.
-- The dump does hold real descriptors in filter conditions
-- (FWP_SECURITY_DESCRIPTOR_TYPE values, wfp_classify.md).

local M = {}

--- SOURCES: source -> {short= (a grid tag), text= (a heading), class= (HTML)}.
M.SOURCES = {
  default = { short = "default", text = "emulated default", class = "default" },
  ["security-file"] = { short = "security file", text = "from the security file", class = "file" },
  policy = { short = "policy", text = "set by the policy", class = "policy" },
  propagation = { short = "propagated", text = "changed by inheritance propagation", class = "propagation" },
  dump = { short = "dump", text = "read from the dump", class = "dump" },
}

--- default(object) -> the record of an emulated default descriptor;
-- object = {kind=, container=bool, label=} (an ntsec.audit snapshot entry).
-- Source: wfp_ks_errors.md 3.3; docs/wfp.md "Default descriptors".
function M.default(o)
  local detail
  if o.kind == "engine" then
    detail = "emulated default: the Windows 10 1909 engine descriptor (wfp_ks_errors.md 3.3)"
  elseif o.container then
    detail = ("emulated default %s descriptor: inherited from the engine's default (wfp_ks_errors.md 3.3)")
      :format(o.label)
  else
    detail = ("emulated default: the FWPM default %s descriptor, inherited from the %s"
      .. " (wfp_ks_errors.md 3.3)"):format(o.kind, o.parent or "container")
  end
  return { source = "default", detail = detail }
end

--- security_file(name, where[, from]) -> the record of a descriptor from
-- a security file: its entry (where, "objects[3] (callout {...})"), or,
-- with from (a parent's label), inherited from the parent the file sets.
function M.security_file(name, where, from)
  if from then
    return { source = "security-file", detail = ("%s: inherited from the %s descriptor it sets"):format(name, from) }
  end
  return { source = "security-file", detail = ("%s: %s"):format(name, where) }
end

--- policy_call(write) -> the record of a descriptor set by a recorded
-- write {index=, function=, target=}.
function M.policy_call(w)
  return { source = "policy", call = w.index,
           detail = ("set by the policy: call #%d %s on %s"):format(w.index, w["function"], w.target) }
end

--- propagated(write | nil) -> the record of a descriptor changed by
-- inheritance propagation after a write on a parent (nil: no recorded
-- write on a parent explains it).
function M.propagated(w)
  if not w then
    return { source = "propagation", detail = "changed with no recorded call on it or its parents" }
  end
  return { source = "propagation", call = w.index,
           detail = ("changed by inheritance propagation from call #%d %s on %s"):format(w.index, w["function"], w.target) }
end

--- added(), deleted() -> records of an object the policy added / deleted.
function M.added() return { source = "policy", detail = "object added by the policy" } end
function M.deleted() return { source = "policy", detail = "object deleted by the policy" } end

--- dump(state, filter, index, field) -> the record of a filter condition's
-- descriptor: read from the dump (filter {key=, name=}, condition index).
function M.dump(state, filter, index, field)
  return { source = "dump", detail = ("read from the dump %s: filter %s condition #%d (%s)")
    :format(state or "?", filter.key, index, field or "?") }
end

-- The ancestors of an object, nearest first (its container, the engine).
local function ancestors(o, by)
  local out, p = {}, o.parent
  while p do
    out[#out + 1] = p
    p = by[p] and by[p].parent or (p ~= "engine" and "engine" or nil)
  end
  return out
end

--- before_policy(entry, base, overlay_index, file) -> the record of the
-- descriptor an object held before the policy: from the security file
-- (its entry, or inherited from a parent it sets, when the overlay changed
-- it: base is the snapshot entry before the overlay), else the default.
-- overlay_index: {[label] = where} of the overlay's entries.
function M.before_policy(o, base, by, overlay_index, file)
  if overlay_index then
    if overlay_index[o.label] then return M.security_file(file, overlay_index[o.label]) end
    if base and base.bytes ~= o.bytes then
      for _, a in ipairs(ancestors(o, by)) do
        if overlay_index[a] then return M.security_file(file, nil, a) end
      end
      return M.security_file(file, nil, "parent")
    end
  end
  return M.default(o)
end

--- after_policy(entry, before_entry, writes_index, by) -> the record of the
-- descriptor after the policy. writes_index = {last = {[label] = write}}:
-- the last successful write on each target. A write on the object whose
-- result is what the object holds -> policy; otherwise a change after a
-- write on a parent -> propagation from the last such write; unchanged ->
-- nil (the caller keeps the before-policy record).
function M.after_policy(o, was, last, by, after_sddl)
  if not was then return M.added() end
  local own = last[o.label]
  local parent
  for _, a in ipairs(ancestors(o, by)) do
    local w = last[a]
    if w and (not parent or w.index > parent.index) then parent = w end
  end
  if own and (not parent or parent.index < own.index or own.after == after_sddl) then
    return M.policy_call(own)
  end
  if was.bytes ~= o.bytes then return M.propagated(parent) end
  return nil
end

return M
