--- ntsec.audit: the main job. Loads a `netsh wfp show state` dump into an
-- emulated engine, runs a policy script against it, and collects what the
-- report needs: import counts, every get/set-security call the policy made
-- (target, status, descriptor before and after) and the access each
-- principal has afterwards on the callouts container, each callout, the
-- connections container and the ALE-endpoint container.
--
-- The policy is a Lua chunk run with globals `ntsec`, `engine` and
-- `import` (the import summary) on top of the standard globals; its `print`
-- and `io.write` go to stderr (opts.policy_output), so that stdout carries
-- only the report. It may return a table {principals = {...}} of profile
-- names, SIDs and tokens to choose whose access is reported (default: the
-- profiles of ntsec.principals and the session SIDs of the dump).
--
-- A descriptor read that fails (the policy left a transaction open, stopped
-- the engine, ...) is recorded in result.failed_reads with its status and
-- never turned into a mask: the report marks the cells as failed and
-- ntsec.report.exit_code says the report is incomplete.

local ntsec = require("ntsec")
local netsh = require("ntsec.netsh")
local progress = require("ntsec.progress")
local principals_mod = require("ntsec.principals")
local errors = require("ntsec.errors")
local options = require("ntsec.options")
local provenance = require("ntsec.provenance")

local M = {}

local ALL_SI = ntsec.OWNER_SECURITY_INFORMATION | ntsec.GROUP_SECURITY_INFORMATION
    | ntsec.DACL_SECURITY_INFORMATION | ntsec.SACL_SECURITY_INFORMATION

-- Labels of the kind table (core.wfp.kinds): "callout", "connections container", ...
local LABELS = {}
for _, row in ipairs(require("ntsec.core").wfp.kinds) do
  LABELS[row.name] = { label = row.label, keyed = row.ops.security_by_key }
end

local function is_null_key(key)
  return key == nil or key:gsub("[{}%-0]", "") == ""
end

local function target_label(ev)
  local spec = LABELS[ev.kind]
  if not spec.keyed then return spec.label end
  if is_null_key(ev.key) then return spec.label .. "s container" end
  return spec.label .. " " .. ev.key
end

-- A failed read as the report shows it: the status the observer (a kernel
-- session, so an NTSTATUS) got and its catalogue name.
local function read_failure(code)
  if math.type(code) ~= "integer" then
    return { status = -1, status_name = "no status (" .. tostring(code) .. ")" }
  end
  return { status = code, status_name = errors.new(code, nil, "NTSTATUS").name }
end

-- Records every get/set-security call on the engine through its C observer
-- (engine:observe): whichever path the policy takes (faithful function,
-- version-less alias, idiomatic target, a saved function reference), the
-- engine reports it. A Set call is a write, listed with its descriptors
-- before and after; a Get call is a read, counted per function (a policy
-- that reads 200 filters adds one line, not 200). Returns the undo function.
local function install_recorder(writes, reads, engine)
  local read_of = {}
  engine:observe(function(ev)
    if ev.name:find("SetSecurity", 1, true) then
      writes[#writes + 1] = {
        ["function"] = ev.name, target = target_label(ev), status = ev.status,
        kernel = ev.kernel, before = ev.before and ev.before:sddl(),
        after = ev.after and ev.after:sddl(), index = #writes + 1,
      }
      return
    end
    local r = read_of[ev.name]
    if not r then
      r = { ["function"] = ev.name, count = 0, failed = 0 }
      read_of[ev.name], reads[#reads + 1] = r, r
    end
    r.count = r.count + 1
    if ev.status ~= 0 then r.failed = r.failed + 1 end
  end)
  -- A policy may have closed the engine; the CLI then names that mistake.
  return function() if ntsec.type(engine) == "engine" then engine:observe(nil) end end
end

-- Sends print and io.write to `out` (a file) until the returned function is
-- called: the policy's env reads print from _G, so both the policy and the
-- modules it calls are redirected; io.stdout:write is not (docs/audit.md).
local function redirect_output(out)
  local saved_print, saved_output = _G.print, io.output()
  _G.print = function(...)
    local parts = table.pack(...)
    for i = 1, parts.n do parts[i] = tostring(parts[i]) end
    out:write(table.concat(parts, "\t", 1, parts.n), "\n")
  end
  io.output(out)
  return function()
    _G.print = saved_print
    io.output(saved_output)
  end
end

local function run_policy(path, env, out)
  local chunk, err = loadfile(path, "t", env)
  if not chunk then return nil, err end
  local restore = redirect_output(out or io.stderr)
  local ok, result = xpcall(chunk, debug.traceback)
  restore()
  if not ok then return nil, result end
  return result == nil and {} or result
end

-- Default principals: the profiles of ntsec.principals, then each distinct
-- session SID of the dump that no profile stands for.
local function default_principals(sessions)
  local sids = {}
  for _, s in ipairs(sessions) do sids[#sids + 1] = s.sid end
  return principals_mod.defaults(sids)
end

-- The principals' labels and tokens (ntsec.principals.resolve); nil, message
-- for an entry that is no profile name, SID or token.
local function resolve_principals(list)
  local labels, tokens = {}, {}
  for i, p in ipairs(list) do
    local label, token = principals_mod.resolve(p)
    if not label then return nil, ("principals[%d]: %s"):format(i, token) end
    labels[i], tokens[i] = label, token
  end
  return labels, tokens
end

local KINDS = require("ntsec.core").wfp.kinds

-- The keys and names of a keyed kind's objects, fn(key, name) each:
-- streamed through the observer's enumeration (one record at a time:
-- 66,500 filters with their conditions would otherwise be one large table);
-- when the enumeration cannot run (the policy stopped the engine or holds
-- the transaction lock), the engine's own listing. skip: keys already read.
-- fn(keys, names) once with the lists.
local function each_object(engine, observer, row, skip, fn)
  local enum = observer["enum_" .. row.plural]
  local keys, names = {}, {}
  local ok = enum and pcall(function()
    for o in enum(observer) do
      if not skip[o.key] then keys[#keys + 1], names[#names + 1] = o.key, o.name end
    end
  end)
  if not ok then
    keys, names = {}, {}
    for _, o in ipairs(engine[row.plural](engine)) do
      if not skip[o.key] then keys[#keys + 1], names[#names + 1] = o.key, o.name end
    end
  end
  fn(keys, names)
end

-- A snapshot records, per object label, the descriptor's self-relative
-- bytes (interned: equal descriptors share one string, and store.sds[bytes]
-- holds one sd for the access check) or false and a failure {status=,
-- status_name=}. What does not change between snapshots (kind, key, name,
-- container, parent) is kept once per label in store.meta: a large engine
-- has 71,000 objects, and a table per object per snapshot was the audit's
-- largest memory cost.
local function read_entry(snap, label, kind, key, name, container, parent, code, bytes)
  local m = snap.meta[label]
  if not m then
    m = { label = label, kind = kind, key = key, name = name, container = container, parent = parent }
    snap.meta[label] = m
  end
  label = m.label
  if code == 0 and bytes then
    local canon = snap.intern[bytes]
    if not canon then
      snap.intern[bytes], canon = bytes, bytes
    end
    snap.bytes[label] = canon
  else
    snap.bytes[label], snap.failed[label] = false, read_failure(code)
  end
  local n = snap.count + 1
  snap.labels[n], snap.count = label, n
  if snap.on_object then snap.on_object(n) end
end

-- A read of one container or keyless object: code and bytes (or nil).
local function read_one(fn, ...)
  local code, sd = fn(...)
  return code, sd and sd:bytes()
end

-- The descriptors of many objects of a keyed kind: one C call
-- (ntsec.core.wfp.security_bytes), each read the engine's
-- GetSecurityInfoByKey0 as the faithful function does it.
local security_bytes = require("ntsec.core").wfp.security_bytes

-- Every securable object's descriptor, in report order: the engine, then
-- per keyed kind of the WFP kind table its container and its objects, then
-- the keyless containers (connections, ALE endpoints). Driven by the kind
-- table, so a kind added there is covered. store = {intern=, sds=, meta=}
-- is shared by the snapshots of one audit. known (optional): {[plural] =
-- {keys=, names=, labels=}} keys to read first (snapshot_keys of an earlier
-- snapshot). Returns {labels = {...}, bytes = {[label] = bytes | false},
-- failed = {[label] = failure}}.
local function snapshot(engine, observer, store, on_object, known)
  local wfp, counts = ntsec.wfp, engine:counts()
  local snap = { labels = {}, bytes = {}, failed = {}, meta = store.meta, intern = store.intern,
                 on_object = on_object, count = 0 }
  local keyless = {}
  for _, row in ipairs(KINDS) do
    if row.name == "engine" then
      read_entry(snap, row.label, row.name, nil, nil, true, nil,
        read_one(wfp[row.prefix .. row.stem .. "GetSecurityInfo0"], observer, ALL_SI))
    end
  end
  for _, row in ipairs(KINDS) do
    local stem = row.prefix .. row.stem
    if row.ops.security_by_key and engine[row.plural] then
      local get, container = wfp[stem .. "GetSecurityInfoByKey0"], row.label .. "s container"
      read_entry(snap, container, row.name, nil, nil, true, "engine", read_one(get, observer, nil, ALL_SI))
      local function read(key, name, code, bytes, label)
        read_entry(snap, label or (row.label .. " " .. key), row.name, key, name, nil, container, code, bytes)
      end
      -- Known keys first (the previous snapshot's, or the dump's filters):
      -- a key the kind's not-found status answers is gone; the listing is
      -- walked only when the engine holds objects the known keys miss.
      local hint, found = known and known[row.plural], 0
      local codes, bytes = security_bytes(observer, row.name, hint and hint.keys or {}, ALL_SI)
      local labels, meta, intern, into, order = hint and hint.labels, snap.meta, snap.intern, snap.bytes, snap.labels
      for i = 1, #codes do
        local code, b = codes[i], bytes[i]
        if code ~= row.not_found then
          -- an object read before, read again without a failure: what read_entry does, inline (issue 11)
          local m = labels and code == 0 and b and not on_object and meta[labels[i]]
          if m then
            local canon = intern[b]
            if not canon then intern[b], canon = b, b end
            local n = snap.count + 1
            into[m.label], order[n], snap.count = canon, m.label, n
          else
            read(hint.keys[i], hint.names[i], code, b or nil, labels and labels[i])
          end
          found = found + 1
        end
      end
      if not hint or found ~= (counts[row.plural] or 0) then
        local seen = {}
        for i = 1, #codes do
          if codes[i] ~= row.not_found then seen[hint.keys[i]] = true end
        end
        each_object(engine, observer, row, seen, function(keys, names)
          local c, b = security_bytes(observer, row.name, keys, ALL_SI)
          for i = 1, #keys do read(keys[i], names[i], c[i], b[i] or nil) end
        end)
      end
    elseif row.ops.security and row.name ~= "engine" then   -- the engine is read first, above
      keyless[#keyless + 1] = row
    end
  end
  for _, row in ipairs(keyless) do
    read_entry(snap, row.label, row.name, nil, nil, true, "engine",
      read_one(wfp[row.prefix .. row.stem .. "GetSecurityInfo0"], observer, ALL_SI))
  end
  snap.meta, snap.intern, snap.on_object, snap.count = nil, nil, nil, nil
  return snap
end

-- An object of a snapshot as a table {label=, kind=, key=, name=,
-- container=, parent=, bytes=, failed=}, or nil when the snapshot has no
-- such object: made only for the objects the report shows.
local function view(store, snap, label)
  if not snap or snap.bytes[label] == nil then return nil end
  local m = store.meta[label]
  return { label = m.label, kind = m.kind, key = m.key, name = m.name, container = m.container,
           parent = m.parent, bytes = snap.bytes[label] or nil, failed = snap.failed[label] }
end

-- How many objects a snapshot reads (for the progress display).
local function securable_count(engine)
  local counts, n = engine:counts(), 0
  for _, row in ipairs(KINDS) do
    if row.ops.security_by_key and engine[row.plural] then n = n + 1 + (counts[row.plural] or 0)
    elseif row.ops.security then n = n + 1 end
  end
  return n
end

-- The keys a snapshot read, per kind plural: the known keys of the next one.
local function snapshot_keys(store, snap)
  local plural, out = {}, {}
  for _, row in ipairs(KINDS) do plural[row.name] = row.plural end
  local count = {}   -- per plural (a name may be nil: no # on names)
  for _, label in ipairs(snap.labels) do
    local m = store.meta[label]
    if m.key then
      local p = plural[m.kind]
      out[p] = out[p] or { keys = {}, names = {}, labels = {} }
      local k, n = out[p], (count[p] or 0) + 1
      k.keys[n], k.names[n], k.labels[n], count[p] = m.key, m.name, label, n
    end
  end
  return out
end

-- store.sds[bytes] -> the sd of interned descriptor bytes, made on first
-- use (only the descriptors the report checks or shows).
local function descriptor_cache()
  local sd_from_bytes = require("ntsec.core").sd_from_bytes
  return setmetatable({}, { __index = function(t, bytes)
    local sd = assert(sd_from_bytes(bytes))
    t[bytes] = sd
    return sd
  end })
end

--- MATRIX_KINDS: the kinds whose objects (and container) form the access
-- matrix: callouts, the connections container and the ALE endpoint
-- container. Every securable object (all kinds) is compared before and
-- after the policy for the "changed" list.
M.MATRIX_KINDS = { callout = true, connection = true, endpoint = true }

--- The token a principal is evaluated with (a profile name, SID or token):
-- ntsec.principals.resolve (docs/principals.md). Raises for anything else.
function M.principal_token(principal)
  local label, token = principals_mod.resolve(principal)
  if not label then error(token, 2) end
  return token
end

-- granted(bytes) -> the masks MAXIMUM_ALLOWED grants each token under the
-- FWPM mapping for the descriptor with these bytes (nil for no descriptor);
-- memoised by the bytes: the engine shares equal descriptors, and thousands
-- of callouts carry the default one, so the checks are distinct
-- descriptors x principals.
local function access_checker(tokens, sds)
  local cache = {}
  return function(bytes)
    if not bytes then return nil end
    local granted = cache[bytes]
    if granted then return granted end
    granted = {}
    for i, token in ipairs(tokens) do
      granted[i] = ntsec.access_check(sds[bytes], token, ntsec.MAXIMUM_ALLOWED, "fwpm")
    end
    cache[bytes] = granted
    return granted
  end
end

-- Progress displays for a run (ntsec.progress): only for a large input when
-- stderr is a terminal, unless opts.progress forces it (true) or off (false).
local function progress_for(opts)
  local f = io.open(opts.state, "rb")
  local size = f and f:seek("end")
  if f then f:close() end
  local on = opts.progress
  if on == nil then on = progress.wanted(size) end
  if not on then return nil end
  return {
    import = progress.new { label = "importing " .. opts.state, total = size, unit = "bytes", enabled = true },
    access = function(n) return progress.new { label = "access checks", total = n, unit = "objects", enabled = true } end,
  }
end

-- The one error of audit.run: an ntsec.errors object with op "audit:PHASE"
-- and the line the user sees in err.detail (docs/design.md "Result
-- convention"; the CLI prints err.detail).
local function fail(code, phase, detail)
  local err = errors.new(code, "audit:" .. phase)
  err.detail = tostring(detail)
  return nil, err
end

--- audit.policy_report(findings) -> the policy's `report` global:
-- report:finding{...} (or report.finding{...}) appends to the list findings
-- a finding of the shape ntsec.check gives (check.finding: rule "policy"
-- unless the spec names one; docs/check.md) and returns it; a bad spec
-- raises (the policy's mistake). Used by audit.run and by check.run's
-- --policy, so a policy's findings count like a rule's.
function M.policy_report(findings)
  local check = require("ntsec.check")
  local report = {}
  function report.finding(a, b)
    local spec = b
    if a ~= report then spec = a end
    local f = check.finding("policy", spec)
    findings[#findings + 1] = f
    return f
  end
  return report
end

-- Applies opts.security (a security file path) to the engine: the overlay
-- record {file=, applied=, index = {[label] = where}} and the snapshot
-- taken before it (for provenance), or nil, err.
local function apply_security(engine, observer, path, store)
  local security_file = require("ntsec.security_file")
  local base = snapshot(engine, observer, store)
  local overlay, err = security_file.load(path)
  local applied
  if overlay then applied, err = security_file.apply(engine, overlay) end
  if not applied then return nil, err end
  local index = {}
  for _, a in ipairs(applied.applied) do index[a.label] = a.where end
  return { file = path, applied = #applied.applied, index = index }, base
end

-- The last successful write on each target label.
local function last_writes(writes)
  local last = {}
  for _, w in ipairs(writes) do
    if w.status == 0 then last[w.target] = w end
  end
  return last
end

-- The SDDL of interned descriptor bytes, converted once per distinct descriptor.
local function sddl_of(store, bytes)
  if not bytes then return nil end
  local text = store.sddl[bytes]
  if not text then
    text = store.sds[bytes]:sddl()
    store.sddl[bytes] = text
  end
  return text
end

-- Per object: provenance before and after the policy; the descriptors; and
-- the objects whose descriptor changed (or that were added or deleted),
-- with each principal's access before -> after where it differs.
local function compare(ctx, before, after)
  local store, granted, labels, meta = ctx.store, ctx.granted, ctx.labels, ctx.store.meta
  local last = last_writes(ctx.writes)
  local changed, objects = {}, {}
  local function entry_of(o, was)
    local b = provenance.before_policy(was or o, view(store, ctx.base, o.label), meta,
      ctx.security and ctx.security.index, ctx.security and ctx.security.file)
    local sddl = sddl_of(store, o.bytes)
    -- An object unreadable after the policy shows no descriptor, so no provenance.
    local now = not o.failed and (provenance.after_policy(o, was, last, meta, sddl) or b) or nil
    return { object = o.label, kind = o.kind, key = o.key, name = o.name, container = o.container or nil,
             sddl = sddl, provenance = now, before_sddl = was and sddl_of(store, was.bytes),
             before_provenance = was and b or nil }
  end
  local function access_changes(e, was, o)
    local gb, ga = granted(was and was.bytes), granted(o and o.bytes)
    e.access = {}
    for i, p in ipairs(labels) do
      local mb, ma = gb and gb[i], ga and ga[i]
      if mb ~= ma then e.access[#e.access + 1] = { principal = p, before = mb, after = ma } end
    end
  end
  -- Provenance is worked out only for what the report shows: the matrix
  -- objects and the changed ones (not for 66,500 unchanged filters).
  for _, label in ipairs(after.labels) do
    local now, was = after.bytes[label], before.bytes[label]
    local is_changed = now ~= false and was ~= now
    local in_matrix = M.MATRIX_KINDS[meta[label].kind]
    if in_matrix or is_changed then
      local o, w = view(store, after, label), view(store, before, label)
      local e = entry_of(o, w)
      if in_matrix then objects[#objects + 1] = e end
      if is_changed then
        access_changes(e, w, o)
        changed[#changed + 1] = e
      end
    end
  end
  for _, label in ipairs(before.labels) do
    if after.bytes[label] == nil then
      local was = view(store, before, label)
      local e = { object = label, kind = was.kind, key = was.key, name = was.name, provenance = provenance.deleted(),
                  before_sddl = sddl_of(store, was.bytes), before_provenance = provenance.default(was) }
      access_changes(e, was, nil)
      changed[#changed + 1] = e
    end
  end
  return objects, changed
end

-- The access matrix, principal-major like the report's rows: rows
-- {principal=, object=, granted=mask, before=mask|nil} or, for an object
-- whose descriptor could not be read, {principal=, object=, failed=
-- {status=, status_name=}}. Failed reads after the policy go to
-- failed_reads (during "access check" for a matrix object, "after the
-- policy" for another).
local function access_rows(ctx, before, after)
  local rows, matrix, meta = {}, {}, ctx.store.meta
  for _, label in ipairs(after.labels) do
    local failed, in_matrix = after.failed[label], M.MATRIX_KINDS[meta[label].kind]
    if failed then
      ctx.failed_reads[#ctx.failed_reads + 1] = { object = label, status = failed.status,
        status_name = failed.status_name, during = in_matrix and "access check" or "after the policy" }
    end
    if in_matrix then matrix[#matrix + 1] = label end
  end
  for i, p in ipairs(ctx.labels) do
    for _, label in ipairs(matrix) do
      local gb = ctx.granted(before.bytes[label] or nil)
      local ga = ctx.granted(after.bytes[label] or nil)
      rows[#rows + 1] = { principal = p, object = label, granted = ga and ga[i], failed = after.failed[label],
                          before = gb and gb[i] }
    end
  end
  return rows
end

-- Collects every FWP_SECURITY_DESCRIPTOR_TYPE condition value of the dump's
-- filters while they are imported (netsh on_view: read from the item, no
-- record; netsh.filter_descriptors), grouped by SDDL:
-- {{sddl=, provenance=, filters = {{key=, name=, condition=, field=}}}}
-- (the descriptors the dump itself holds); the filters' keys and names go
-- to keys = {keys=, names=} (the first snapshot reads them without listing
-- the engine). Returns the list and the hook.
local function dump_descriptors(state, keys)
  local groups, by, n = {}, {}, 0
  return groups, function(kind, item)
    if kind ~= "filters" then return end
    local key, name, sds = netsh.filter_descriptors(item)
    if key then   -- a counter, not #: a filter's name may be nil
      n = n + 1
      keys.keys[n], keys.names[n] = key, name
    end
    if not sds then return end
    for _, c in ipairs(sds) do
      local sddl = tostring(c.value)
      local g = by[sddl]
      if not g then
        g = { sddl = sddl, provenance = provenance.dump(state, { key = key }, c.condition, c.field), filters = {} }
        by[sddl], groups[#groups + 1] = g, g
      end
      g.filters[#g.filters + 1] = { key = key, name = name, condition = c.condition, field = c.field }
    end
  end
end

-- Imports the dump and applies the security file: engine, summary,
-- security record, base snapshot; or nil, err.
local function load_state(opts, shown, observer_opts, store)
  local engine = ntsec.wfp.engine()
  local dump_keys = { keys = {}, names = {} }
  local dump_sds, on_view = dump_descriptors(opts.state, dump_keys)
  local summary, ierr = netsh.import_file(engine, opts.state, { on_view = on_view,
    on_bytes = shown and function(done) shown.import:update(done) end })
  if shown then shown.import:finish() end
  if not summary then
    local msg = tostring(ierr)
    return fail(ntsec.STATUS_INVALID_PARAMETER, "import", msg:sub(1, #opts.state) == opts.state and msg
      or (opts.state .. ": " .. msg))
  end
  local observer = assert(engine:open(observer_opts))
  local security, base
  if opts.security then
    security, base = apply_security(engine, observer, opts.security, store)
    if not security then
      observer:close()
      return fail(base.code, "security", base.detail or tostring(base))
    end
  end
  return { engine = engine, summary = summary, observer = observer, security = security, base = base,
           dump_descriptors = dump_sds, dump_keys = { filters = dump_keys } }
end

local RUN_OPTS = { state = "string", policy = "string", security = "string", progress = "boolean",
                   policy_output = "userdata", timings = "table" }

-- Phase timer of opts.timings: lap(name) adds the CPU seconds (os.clock)
-- since the previous lap to timings[name]; a no-op without the table.
local function phase_timer(timings)
  if not timings then return function() end end
  local t0 = os.clock()
  return function(name)
    local now = os.clock()
    timings[name] = (timings[name] or 0) + (now - t0)
    t0 = now
  end
end

--- audit.run{state = path, policy = path[, security = path][, progress =
-- bool][, policy_output = file][, timings = table]} -> result, or nil, err.
-- security: a security file (docs/security-file.md) overlaid on the engine
-- after the import and before the policy.
-- progress: draw import and access-check progress on stderr (default: when
-- stderr is a terminal and the dump is large, ntsec.progress.wanted).
-- policy_output: where the policy's print and io.write go (default io.stderr).
-- timings: a table the run fills with the CPU seconds (os.clock) of its
-- phases: import (with the security file), snapshot_before, policy,
-- snapshot_after, compare (provenance, changes, the access matrix), flows
-- (the per-principal filters and flows section); bench/scale_child.lua
-- prints them (docs/performance.md).
-- The policy runs with globals ntsec, engine, import and report
-- (report:finding{...}, docs/audit.md "Findings").
-- result = {imported = {sessions=, providers=, sublayers=, callouts=,
-- filters=, endpoints=}, skipped = {{kind=, key=, line=, error=}},
-- provider_contexts = N, security = {file=, applied=N, index=} | nil,
-- writes = {{index=, function=, target=, status=, kernel=, before=, after=}},
-- reads = {{function=, count=, failed=}}, findings = {ntsec.check findings},
-- access = {{principal=, object=, granted=, before= | failed={status=,
-- status_name=}}}, objects = {{object=, kind=, key=, name=, sddl=,
-- provenance={source=, detail=, call=}, before_sddl=, before_provenance=}}
-- (the matrix objects), changed = {same fields + access = {{principal=,
-- before=, after=}}} (every securable object whose descriptor the policy
-- changed, added or deleted), dump_descriptors = {{sddl=, provenance=,
-- filters={{key=, name=, condition=, field=}}}}, principals = {labels},
-- tokens = {label = token}, failed_reads = {{object=, during=, status=,
-- status_name=}}}.
-- Errors: nil, err (ntsec.errors; err.op "audit:import" / "audit:security"
-- STATUS_INVALID_PARAMETER, "audit:policy" / "audit:principals"
-- STATUS_UNSUCCESSFUL / STATUS_INVALID_PARAMETER; err.detail is the one line
-- naming the file and what is wrong). Bad option tables raise.
-- Source: docs/audit.md.
function M.run(opts)
  options.check(opts, "audit.run", RUN_OPTS)
  local shown, lap = progress_for(opts), phase_timer(opts.timings)
  local store = { intern = {}, sds = descriptor_cache(), sddl = {}, meta = {} }
  local st, lerr = load_state(opts, shown, { kernel_mode = true, name = "ntsec audit observer",
    txn_timeout_ms = 1, token = ntsec.token { user = "SY", groups = { "BA" } } }, store)
  if not st then return nil, lerr end
  local engine, summary, observer = st.engine, st.summary, st.observer
  lap("import")
  local before = snapshot(engine, observer, store, nil, st.dump_keys)
  lap("snapshot_before")
  local writes, reads, findings = {}, {}, {}
  local restore = install_recorder(writes, reads, engine)
  local env = setmetatable({ ntsec = ntsec, engine = engine, import = summary,
                             report = M.policy_report(findings) }, { __index = _G })
  local policy, perr = run_policy(opts.policy, env, opts.policy_output)
  restore()
  if not policy then return fail(ntsec.STATUS_UNSUCCESSFUL, "policy", perr) end
  local labels, tokens = resolve_principals(policy.principals or default_principals(summary.records.sessions))
  if not labels then return fail(ntsec.STATUS_INVALID_PARAMETER, "principals", opts.policy .. ": " .. tokens) end
  lap("policy")
  local progress_after = shown and shown.access(securable_count(engine))
  local after = snapshot(engine, observer, store, progress_after and function(i) progress_after:update(i) end,
    snapshot_keys(store, before))
  if progress_after then progress_after:finish() end
  lap("snapshot_after")
  local ctx = { store = store, granted = access_checker(tokens, store.sds), labels = labels, writes = writes,
                security = st.security, base = st.base, failed_reads = {} }
  local objects, changed = compare(ctx, before, after)
  local result = {
    imported = summary.counts, skipped = summary.skipped, provider_contexts = summary.provider_contexts,
    security = st.security, writes = writes, reads = reads, findings = findings, principals = labels,
    tokens = {}, failed_reads = ctx.failed_reads, access = access_rows(ctx, before, after),
    objects = objects, changed = changed, dump_descriptors = st.dump_descriptors,
  }
  for i, label in ipairs(labels) do result.tokens[label] = tokens[i] end
  lap("compare")
  local section, ferr = require("ntsec.audit_flows").run(engine, labels, tokens, policy.flows)
  if not section then
    observer:close()
    return fail(ntsec.STATUS_INVALID_PARAMETER, "policy", "policy failed: " .. opts.policy .. ": " .. ferr)
  end
  result.classification = section -- docs/audit.md "Filters and flows per principal"
  lap("flows")
  observer:close()
  return result
end

return M
