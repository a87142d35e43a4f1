--- ntsec.report: renders an audit result (ntsec.audit.run) as text or JSON,
-- and gives the exit code (exit_code).
-- The JSON document follows docs/audit.schema.json (JSON Schema 2020-12,
-- described in docs/audit.md): everything the text report says (findings,
-- imported counts, the security file, the policy's writes and reads, the
-- principals with their tokens, access before and after, what changed, the
-- descriptors with their provenance, failed reads), with every object and
-- every write listed. JSON is written with dkjson (Debian lua-dkjson) through ntsec.json (sorted keys).

local json = require("ntsec.json")
local errors = require("ntsec.errors")
local rights = require("ntsec.rules.rights")
local formats = require("ntsec.rules.formats")
local provenance = require("ntsec.provenance")

local M = {}

local KINDS = { "sessions", "providers", "sublayers", "callouts", "filters", "endpoints" }

-- More objects (or calls) than this with identical results share one entry
-- in the text report.
local GROUP_LIST_MAX = 3

local function status_name(call)
  local err = errors.new(call.status, call["function"], call.kernel and "NTSTATUS" or "USER")
  return err.name
end

local function array(t)
  return setmetatable(t, { __jsontype = "array" })
end

local function null(v)
  if v == nil then return json.null end
  return v
end

--- report.complete(result) -> false when a descriptor read failed or a
-- record of the dump was skipped.
function M.complete(result)
  return #(result.failed_reads or {}) == 0 and #(result.skipped or {}) == 0
end

--- report.exit_code(result) -> 0 when the report is complete and holds no
-- finding, 1 when a policy reported a finding (report:finding{...}, as a
-- rule's finding makes `ntsec check` exit 1, docs/check.md) or the report is
-- incomplete (a descriptor read failed, a record of the dump was skipped)
-- (docs/cli.md).
function M.exit_code(result)
  if #(result.findings or {}) > 0 or not M.complete(result) then return 1 end
  return 0
end

--- report.rights_text(mask) -> "0x60000 (READ_CONTROL|WRITE_DAC)": the
-- mask and its rights by name (ntsec.rules.rights, FWPM_ACTRL_* then the
-- standard rights); "-" for no mask.
function M.rights_text(mask)
  if not mask then return "-" end
  local names = rights.names(mask)
  return ("0x%x (%s)"):format(mask, #names > 0 and table.concat(names, "|") or "no access")
end

-- ---------------------------------------------------------------- JSON

-- {name=, column=, user=, groups=, privileges=} of each principal's token.
local function principals_json(result)
  local out = array({})
  for i, label in ipairs(result.principals) do
    local token = result.tokens and result.tokens[label]
    local entry = { name = label, column = i }
    if token then
      entry.user = tostring(token:user())
      entry.groups = array({})
      for j, g in ipairs(token:groups()) do entry.groups[j] = { sid = tostring(g.sid), attributes = g.attributes } end
      entry.privileges = array({})
      for j, p in ipairs(token:privileges()) do entry.privileges[j] = { name = p.name, attributes = p.attributes } end
    end
    out[i] = entry
  end
  return out
end

local function skipped_json(result)
  local out = array({})
  for i, s in ipairs(result.skipped or {}) do
    out[i] = { kind = s.kind, key = s.key ~= nil and tostring(s.key) or json.null, line = s.line or json.null,
               reason = tostring(s.error) }
  end
  return out
end

local function writes_json(result)
  local out = array({})
  for i, c in ipairs(result.writes or {}) do
    out[i] = { index = i, ["function"] = c["function"], target = c.target, kernel = c.kernel == true,
               status = c.status, status_name = status_name(c), before = null(c.before), after = null(c.after) }
  end
  return out
end

local function reads_json(result)
  local out = array({})
  for i, r in ipairs(result.reads or {}) do
    out[i] = { ["function"] = r["function"], count = r.count, failed = r.failed }
  end
  return out
end

local function failed_json(result)
  local out = array({})
  for i, f in ipairs(result.failed_reads or {}) do
    out[i] = { object = f.object, during = f.during, status = f.status, status_name = f.status_name }
  end
  return out
end

local function access_json(result)
  local access = array({})
  for i, a in ipairs(result.access) do
    access[i] = { principal = a.principal, object = a.object, granted = null(a.granted), before = null(a.before) }
    if a.failed then access[i].status, access[i].status_name = a.failed.status, a.failed.status_name end
  end
  return access
end

local function provenance_json(p)
  if not p then return json.null end
  return { source = p.source, detail = p.detail, call = null(p.call) }
end

local function object_json(o)
  local out = { object = o.object, kind = o.kind, key = null(o.key), name = null(o.name), sddl = null(o.sddl),
                provenance = provenance_json(o.provenance), before_sddl = null(o.before_sddl),
                before_provenance = provenance_json(o.before_provenance) }
  if o.access then
    out.access = array({})
    for i, a in ipairs(o.access) do
      out.access[i] = { principal = a.principal, before = null(a.before), after = null(a.after) }
    end
  end
  return out
end

local function objects_json(list)
  local out = array({})
  for i, o in ipairs(list or {}) do out[i] = object_json(o) end
  return out
end

local function dump_json(result)
  local out = array({})
  for i, g in ipairs(result.dump_descriptors or {}) do
    local filters = array({})
    for j, f in ipairs(g.filters) do
      filters[j] = { key = f.key, name = null(f.name), condition = f.condition, field = f.field }
    end
    out[i] = { sddl = g.sddl, provenance = provenance_json(g.provenance), filters = filters }
  end
  return out
end

local function findings_json(result)
  local out = array({})
  for i, f in ipairs(result.findings or {}) do out[i] = formats.json_finding(f) end
  return out
end

local KEYORDER = { "complete", "findings", "imported", "provider_contexts", "skipped", "security", "principals",
  "writes", "reads", "failed_reads", "access", "objects", "changed", "dump_descriptors",
  "sessions", "providers", "sublayers", "callouts", "filters", "endpoints", "file", "applied",
  "rule", "kind", "key", "line", "reason", "name", "column", "user", "groups", "privileges", "sid", "attributes",
  "principal", "object", "during", "granted", "index", "function", "target", "kernel", "status",
  "status_name", "count", "failed", "sddl", "provenance", "before_sddl", "before_provenance", "source", "detail",
  "call", "before", "after", "condition", "field", "alias", "rights", "mask", "names", "aces", "message" }

--- report.json(result) -> JSON text (one document, stable key order;
-- docs/audit.schema.json).
function M.json(result)
  local imported = {}
  for _, k in ipairs(KINDS) do imported[k] = result.imported[k] or 0 end
  local security = result.security and { file = result.security.file, applied = result.security.applied } or json.null
  return json.encode({
    complete = M.complete(result), findings = findings_json(result), imported = imported,
    provider_contexts = result.provider_contexts or 0, skipped = skipped_json(result), security = security,
    principals = principals_json(result), writes = writes_json(result), reads = reads_json(result),
    failed_reads = failed_json(result), access = access_json(result), objects = objects_json(result.objects),
    changed = objects_json(result.changed), dump_descriptors = dump_json(result),
    classification = require("ntsec.audit_flows").json(result),
  }, { keyorder = KEYORDER })
end

-- ---------------------------------------------------------------- text

local function findings_text(out, result)
  local findings = result.findings or {}
  if #findings == 0 then return end
  out[#out + 1] = ("FINDINGS: %d (reported by the policy; the command exits 1)"):format(#findings)
  for i, f in ipairs(findings) do
    out[#out + 1] = ("  %d. [%s] %s"):format(i, f.rule, formats.summary(f))
  end
  out[#out + 1] = ""
end

local function imported_text(out, result)
  out[#out + 1] = "Imported objects"
  for _, k in ipairs(KINDS) do out[#out + 1] = ("  %-10s %6d"):format(k, result.imported[k] or 0) end
  out[#out + 1] = ("  (provider contexts imported: %d; not in the access matrix)"):format(result.provider_contexts or 0)
  for _, s in ipairs(result.skipped or {}) do
    out[#out + 1] = ("  skipped %s %s%s: %s"):format(s.kind, tostring(s.key),
      s.line and (" (line %d)"):format(s.line) or "", tostring(s.error))
  end
  if result.security then
    out[#out + 1] = ("  security file %s: %d descriptors applied (engine, containers, objects)")
      :format(result.security.file, result.security.applied)
  end
end

local function call_lines(out, c, head)
  out[#out + 1] = head
  out[#out + 1] = ("     status: 0x%08X %s"):format(c.status, status_name(c))
  out[#out + 1] = "     before: " .. (c.before or "(none)")
  out[#out + 1] = "     after:  " .. (c.after or "(none)")
end

-- Consecutive writes that differ only in which object of one kind they
-- targeted (a policy locking down thousands of callouts) are shown once
-- when there are more than GROUP_LIST_MAX of them; JSON lists every write.
local function same_but_key(a, b)
  return b ~= nil and a["function"] == b["function"] and a.status == b.status and a.kernel == b.kernel
    and a.before == b.before and a.after == b.after and a.target:match("^(.-) {") ~= nil
    and a.target:match("^(.-) {") == b.target:match("^(.-) {")
end

local function writes_text(out, result)
  local calls = result.writes or {}
  out[#out + 1] = ""
  out[#out + 1] = ("Writes by the policy (Set security calls): %d"):format(#calls)
  local i = 1
  while i <= #calls do
    local c, j = calls[i], i
    while same_but_key(c, calls[j + 1]) do j = j + 1 end
    local mode = c.kernel and "kernel" or "user"
    if j - i + 1 > GROUP_LIST_MAX then
      call_lines(out, c, ("  #%d-#%d %s on %d %ss, %s ... %s (%s session)"):format(i, j, c["function"], j - i + 1,
        c.target:match("^(.-) {"), c.target:match("{.*$"), calls[j].target:match("{.*$"), mode))
    else
      for k = i, j do
        call_lines(out, calls[k], ("  #%d %s on %s (%s session)"):format(k, calls[k]["function"], calls[k].target, mode))
      end
    end
    i = j + 1
  end
end

local function reads_text(out, result)
  local reads, total = result.reads or {}, 0
  for _, r in ipairs(reads) do total = total + r.count end
  out[#out + 1] = ""
  out[#out + 1] = ("Reads by the policy (Get security calls): %d, per function"):format(total)
  for _, r in ipairs(reads) do
    out[#out + 1] = ("  %-40s %6d calls, %d failed"):format(r["function"], r.count, r.failed)
  end
end

-- Principals are numbered: the matrix columns are "#1", "#2", ... and this
-- legend gives each number its full label and token user SID, so that no
-- column header is ever cut (docs/audit.md "Text report").
local function principals_text(out, result)
  out[#out + 1] = ""
  out[#out + 1] = "Principals (the columns #N below; docs/principals.md)"
  for i, label in ipairs(result.principals) do
    local token = result.tokens and result.tokens[label]
    local user = token and tostring(token:user())
    out[#out + 1] = ("  #%-3d %s%s"):format(i, label, user and user ~= label and ("  (user " .. user .. ")") or "")
  end
end

-- "callout {key}" -> "callout"; containers are their own kind.
local function kind_of(object)
  return object:match("^(.-) {") or object
end

local function plural(kind, n)
  return ("%d %ss with this access"):format(n, kind)
end

-- One cell: a mask in hex, "FAILED" for an object whose read failed, "-"
-- for an object absent at that time.
local function cell_text(g)
  if type(g) == "table" then return "FAILED" end
  if g == nil then return "-" end
  return ("0x%x"):format(g)
end

local function provenance_tag(p)
  if not p then return "unreadable" end
  local s = provenance.SOURCES[p.source].short
  return p.call and ("%s #%d"):format(s, p.call) or s
end

-- Rows of a matrix (which = "granted" or "before"): {label=, tag=,
-- granted = {principal = mask|failure}} in first-seen order; more than
-- GROUP_LIST_MAX objects of one kind with identical cells and provenance
-- share a row.
local function matrix_rows(result, which)
  local by_object, order = {}, {}
  local prov = {}
  for _, o in ipairs(result.objects or {}) do
    if which == "granted" then prov[o.object] = o.provenance else prov[o.object] = o.before_provenance end
  end
  for _, a in ipairs(result.access) do
    local row = by_object[a.object]
    if not row then
      row = { object = a.object, granted = {} }
      by_object[a.object], order[#order + 1] = row, row
    end
    if which == "granted" then row.granted[a.principal] = a.granted or a.failed
    else row.granted[a.principal] = a.before end
  end
  local groups, glist = {}, {}
  for _, row in ipairs(order) do
    local tag = provenance_tag(prov[row.object])
    local sig = { kind_of(row.object), tag }
    for _, p in ipairs(result.principals) do sig[#sig + 1] = cell_text(row.granted[p]) end
    local key = table.concat(sig, "|")
    local g = groups[key]
    if not g then
      g = { kind = sig[1], tag = tag, granted = row.granted, objects = {} }
      groups[key], glist[#glist + 1] = g, g
    end
    g.objects[#g.objects + 1] = row.object
  end
  local names = {}
  for _, o in ipairs(result.objects or {}) do names[o.object] = o.name end
  local rows = {}
  for _, g in ipairs(glist) do
    if #g.objects > GROUP_LIST_MAX then
      rows[#rows + 1] = { label = plural(g.kind, #g.objects), granted = g.granted, tag = g.tag }
    else
      for _, object in ipairs(g.objects) do
        local name = names[object]
        rows[#rows + 1] = { label = object .. (name and name ~= object and ("  " .. name) or ""), granted = g.granted,
                            tag = g.tag }
      end
    end
  end
  return rows, #order
end

local CELL = 9

-- A matrix: mask columns first (fixed width, one per principal #N), then
-- the descriptor's provenance tag, then the object's full label and name.
local function matrix_text(out, result, which, title, masks)
  out[#out + 1] = ""
  out[#out + 1] = title
  local header = { "  " }
  for i in ipairs(result.principals) do header[#header + 1] = ("%" .. CELL .. "s "):format("#" .. i) end
  header[#header + 1] = ("%-16s object"):format("descriptor")
  out[#out + 1] = table.concat(header)
  local rows, n_objects = matrix_rows(result, which)
  for _, row in ipairs(rows) do
    local line = { "  " }
    for _, p in ipairs(result.principals) do
      local g = row.granted[p]
      if math.type(g) == "integer" then masks[g] = true end
      line[#line + 1] = ("%" .. CELL .. "s "):format(cell_text(g))
    end
    line[#line + 1] = ("%-16s %s"):format(row.tag, row.label)
    out[#out + 1] = table.concat(line)
  end
  if #rows < n_objects then
    out[#out + 1] = ("  (%d objects in %d rows: more than %d objects of one kind with identical access"
      .. " share a row; --format json lists each)"):format(n_objects, #rows, GROUP_LIST_MAX)
  end
end

local function rights_legend(out, masks)
  local list = {}
  for m in pairs(masks) do list[#list + 1] = m end
  table.sort(list)
  out[#out + 1] = ""
  out[#out + 1] = "Rights by name (every mask shown above; FWPM_ACTRL_* of fwpmu.h, standard rights of winnt.h)"
  for _, m in ipairs(list) do out[#out + 1] = "  " .. M.rights_text(m) end
end

-- The top-level ACEs of the DACL of an SDDL string, as strings.
local function dacl_aces(sddl)
  local out = {}
  if not sddl then return out end
  local depth, start, in_dacl = 0, nil, false
  for i = 1, #sddl do
    local ch = sddl:sub(i, i)
    if depth == 0 and sddl:sub(i, i + 1):match("^[OGDS]:$") then in_dacl = ch == "D" end
    if ch == "(" then
      if depth == 0 then start = i end
      depth = depth + 1
    elseif ch == ")" then
      depth = depth - 1
      if depth == 0 and in_dacl then out[#out + 1] = sddl:sub(start, i) end
    end
  end
  return out
end

-- ACEs in a but not in b (as a multiset).
local function minus(a, b)
  local count, out = {}, {}
  for _, x in ipairs(b) do count[x] = (count[x] or 0) + 1 end
  for _, x in ipairs(a) do
    if (count[x] or 0) > 0 then count[x] = count[x] - 1 else out[#out + 1] = x end
  end
  return out
end

--- report.ace_changes(before_sddl, after_sddl) -> removed, added: the DACL
-- ACEs (SDDL strings) only before, only after.
function M.ace_changes(before, after)
  local a, b = dacl_aces(before), dacl_aces(after)
  return minus(a, b), minus(b, a)
end

local function column_of(result)
  local col = {}
  for i, p in ipairs(result.principals) do col[p] = i end
  return col
end

local function access_change_line(a, col)
  local lost = rights.names((a.before or 0) & ~(a.after or 0))
  local gained = rights.names((a.after or 0) & ~(a.before or 0))
  local parts = {}
  if #lost > 0 then parts[#parts + 1] = "lost " .. table.concat(lost, "|") end
  if #gained > 0 then parts[#parts + 1] = "gained " .. table.concat(gained, "|") end
  return ("       #%-3d %-20s %9s -> %-9s %s"):format(col[a.principal] or 0, a.principal, cell_text(a.before),
    cell_text(a.after), table.concat(parts, "; "))
end

-- Changed objects grouped by kind, provenance and descriptors before and
-- after; each object of a group is listed (key and name), the change once.
local function changed_groups(changed)
  local by, list = {}, {}
  for _, c in ipairs(changed) do
    local key = table.concat({ c.kind, c.provenance.detail, c.before_sddl or "", c.sddl or "" }, "\0")
    local g = by[key]
    if not g then
      g = { first = c, objects = {} }
      by[key], list[#list + 1] = g, g
    end
    g.objects[#g.objects + 1] = c
  end
  return list
end

local function changed_text(out, result)
  local changed = result.changed or {}
  local by_source = {}
  for _, c in ipairs(changed) do by_source[c.provenance.source] = (by_source[c.provenance.source] or 0) + 1 end
  out[#out + 1] = ""
  out[#out + 1] = ("Changed by the policy: %d objects (%d by its calls, %d by inheritance propagation)")
    :format(#changed, by_source.policy or 0, by_source.propagation or 0)
  local unread = 0
  for _, f in ipairs(result.failed_reads or {}) do
    if f.during ~= "before the policy" then unread = unread + 1 end
  end
  if unread > 0 then
    out[#out + 1] = ("  (%d objects unreadable after the policy could not be compared: see the failed reads)"):format(unread)
  end
  if #changed == 0 then return end
  out[#out + 1] = "  (every securable object of every kind; access of the principals #N, before -> after)"
  local col = column_of(result)
  for _, g in ipairs(changed_groups(changed)) do
    local c = g.first
    local kind = c.container and "container" or c.kind
    out[#out + 1] = ("  %d %s%s: %s"):format(#g.objects, kind, #g.objects == 1 and "" or "s", c.provenance.detail)
    for _, o in ipairs(g.objects) do
      out[#out + 1] = "     " .. o.object .. (o.name and o.name ~= o.object and ("  " .. o.name) or "")
    end
    out[#out + 1] = "     before: " .. (c.before_sddl or "(absent)")
    if c.before_provenance then out[#out + 1] = "             (" .. c.before_provenance.detail .. ")" end
    out[#out + 1] = "     after:  " .. (c.sddl or "(absent)")
    local removed, added = M.ace_changes(c.before_sddl, c.sddl)
    if #removed > 0 then out[#out + 1] = "     ACEs removed: " .. table.concat(removed) end
    if #added > 0 then out[#out + 1] = "     ACEs added:   " .. table.concat(added) end
    if #(c.access or {}) > 0 then
      out[#out + 1] = "     access:"
      for _, a in ipairs(c.access) do out[#out + 1] = access_change_line(a, col) end
    else
      out[#out + 1] = "     access: unchanged for every principal"
    end
  end
end

-- Descriptors of the matrix objects by (SDDL, provenance): count, the
-- objects (up to GROUP_LIST_MAX), provenance detail and SDDL.
local function descriptors_text(out, result)
  local by, list = {}, {}
  for _, o in ipairs(result.objects or {}) do
    local key = (o.sddl or "") .. "\0" .. (o.provenance and o.provenance.detail or "")
    local g = by[key]
    if not g then
      g = { sddl = o.sddl, provenance = o.provenance, objects = {} }
      by[key], list[#list + 1] = g, g
    end
    g.objects[#g.objects + 1] = o.object
  end
  out[#out + 1] = ""
  out[#out + 1] = "Descriptors after the policy, with where they come from"
  for _, g in ipairs(list) do
    local what = #g.objects > GROUP_LIST_MAX and ("%d %ss"):format(#g.objects, kind_of(g.objects[1]))
      or table.concat(g.objects, ", ")
    out[#out + 1] = ("  %s: %s"):format(what, g.provenance and g.provenance.detail
      or "unreadable after the policy (see the failed reads)")
    if g.sddl then out[#out + 1] = "     " .. g.sddl end
  end
  local dump = result.dump_descriptors or {}
  if #dump > 0 then
    local n, filters = 0, {}
    for _, g in ipairs(dump) do
      for _, f in ipairs(g.filters) do n, filters[f.key] = n + 1, true end
    end
    local nf = 0
    for _ in pairs(filters) do nf = nf + 1 end
    out[#out + 1] = ("  %d filter-condition descriptors (%d distinct) in %d filters: read from the dump"
      .. " (FWP_SECURITY_DESCRIPTOR_TYPE values; --format json lists them)"):format(n, #dump, nf)
  end
end

-- Failed reads grouped like the matrix rows: same kind of object, same
-- phase, same status (more than GROUP_LIST_MAX share a line; JSON lists each).
local function failure_groups(failed)
  local groups, list = {}, {}
  for _, f in ipairs(failed) do
    local key = table.concat({ kind_of(f.object), f.during, f.status }, "|")
    if not groups[key] then groups[key] = {}; list[#list + 1] = groups[key] end
    table.insert(groups[key], f)
  end
  return list
end

-- Failed descriptor reads and the closing verdict on completeness.
local function integrity_text(out, result)
  local failed = result.failed_reads or {}
  if #failed > 0 then
    out[#out + 1] = ""
    out[#out + 1] = ("Descriptor reads that failed: %d (no access is shown for these objects)"):format(#failed)
    for _, g in ipairs(failure_groups(failed)) do
      local what = #g > GROUP_LIST_MAX and ("%d %ss"):format(#g, kind_of(g[1].object)) or nil
      for i = 1, what and 1 or #g do
        out[#out + 1] = ("  %s (%s): %s 0x%08X"):format(what or g[i].object, g[i].during, g[i].status_name,
          g[i].status & 0xFFFFFFFF)
      end
    end
  end
  if not M.complete(result) then
    out[#out + 1] = ""
    out[#out + 1] = ("INCOMPLETE REPORT: %d failed descriptor read(s), %d skipped record(s)")
      :format(#failed, #(result.skipped or {}))
  end
end

--- report.text(result, opts) -> human-readable text. opts.state and
-- opts.policy name the inputs in the heading. Sections: findings (when
-- any), imported objects, writes, reads, principals, access before and
-- after, rights by name, what changed, descriptors with provenance, failed
-- reads (docs/audit.md "Text report").
function M.text(result, opts)
  local out = { ("ntsec audit of %s with %s"):format(opts.state or "?", opts.policy or "?"), "" }
  findings_text(out, result)
  imported_text(out, result)
  writes_text(out, result)
  reads_text(out, result)
  principals_text(out, result)
  local masks = {}
  matrix_text(out, result, "before", "Access before the policy (MAXIMUM_ALLOWED, FWPM generic mapping)", masks)
  matrix_text(out, result, "granted", "Access after the policy (MAXIMUM_ALLOWED, FWPM generic mapping)", masks)
  rights_legend(out, masks)
  changed_text(out, result)
  descriptors_text(out, result)
  require("ntsec.audit_flows").text(out, result)
  integrity_text(out, result)
  return table.concat(out, "\n") .. "\n"
end

return M
