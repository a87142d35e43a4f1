--- ntsec.report: renders an audit result (ntsec.audit.run) as text or JSON,
-- and says whether it is complete (exit_code).
-- The JSON document follows docs/audit.schema.json (JSON Schema 2020-12,
-- described in docs/audit.md): everything the text report says, i.e. the
-- imported counts, provider contexts, skipped records with their reason,
-- the calls, the principals with their tokens, failed descriptor reads and
-- every access cell (a mask, or null with the read's status when the read
-- failed). JSON is written with dkjson (Debian lua-dkjson).

local json = require("dkjson")
local errors = require("ntsec.errors")

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

--- report.exit_code(result) -> 0 when the report is complete, 1 when a
-- descriptor read failed or a record of the dump was skipped (docs/cli.md).
function M.exit_code(result)
  if #(result.failed_reads or {}) > 0 or #(result.skipped or {}) > 0 then return 1 end
  return 0
end

-- {name=, user=, groups={{sid=, attributes=}}, privileges={{name=, attributes=}}}
-- of each principal's token (result.tokens; absent for hand-made results).
local function principals_json(result)
  local out = array({})
  for i, label in ipairs(result.principals) do
    local token = result.tokens and result.tokens[label]
    local entry = { name = label }
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

local function calls_json(result)
  local calls = array({})
  for i, c in ipairs(result.calls) do
    calls[i] = { ["function"] = c["function"], target = c.target, kernel = c.kernel == true, status = c.status,
                 status_name = status_name(c), before = c.before or json.null, after = c.after or json.null }
  end
  return calls
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
    access[i] = { principal = a.principal, object = a.object, granted = a.granted or json.null }
    if a.failed then access[i].status, access[i].status_name = a.failed.status, a.failed.status_name end
  end
  return access
end

--- report.json(result) -> JSON text (one document, stable key order;
-- docs/audit.schema.json).
function M.json(result)
  local imported = {}
  for _, k in ipairs(KINDS) do imported[k] = result.imported[k] or 0 end
  return json.encode({
    complete = M.exit_code(result) == 0, imported = imported, provider_contexts = result.provider_contexts or 0,
    skipped = skipped_json(result), principals = principals_json(result), calls = calls_json(result),
    failed_reads = failed_json(result), access = access_json(result),
    classification = require("ntsec.audit_flows").json(result),
  }, {
    keyorder = { "complete", "imported", "provider_contexts", "skipped", "principals", "calls", "failed_reads",
                 "access", "sessions", "providers", "sublayers", "callouts", "filters", "endpoints",
                 "kind", "key", "line", "reason", "name", "user", "groups", "privileges", "sid", "attributes",
                 "principal", "object", "during", "granted", "function", "target", "kernel", "status",
                 "status_name", "before", "after" },
  })
end

local function imported_text(out, result)
  out[#out + 1] = "Imported objects"
  for _, k in ipairs(KINDS) do out[#out + 1] = ("  %-10s %6d"):format(k, result.imported[k] or 0) end
  out[#out + 1] = ("  (provider contexts in the dump: %d, not modelled)"):format(result.provider_contexts or 0)
  for _, s in ipairs(result.skipped or {}) do
    out[#out + 1] = ("  skipped %s %s%s: %s"):format(s.kind, tostring(s.key),
      s.line and (" (line %d)"):format(s.line) or "", tostring(s.error))
  end
end

local function call_lines(out, c, head)
  out[#out + 1] = head
  out[#out + 1] = ("     status: 0x%08X %s"):format(c.status, status_name(c))
  out[#out + 1] = "     before: " .. (c.before or "(none)")
  out[#out + 1] = "     after:  " .. (c.after or "(none)")
end

-- Consecutive calls that differ only in which object of one kind they
-- targeted (a policy locking down thousands of callouts) are shown once
-- when there are more than GROUP_LIST_MAX of them; JSON lists every call.
local function same_but_key(a, b)
  return b ~= nil and a["function"] == b["function"] and a.status == b.status and a.kernel == b.kernel
    and a.before == b.before and a.after == b.after and a.target:match("^(.-) {") ~= nil
    and a.target:match("^(.-) {") == b.target:match("^(.-) {")
end

local function calls_text(out, result)
  local calls = result.calls
  out[#out + 1] = ""
  out[#out + 1] = ("Security calls made by the policy: %d"):format(#calls)
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

-- Objects of one kind whose access is identical share a row once there are
-- more than GROUP_LIST_MAX of them (a large machine has thousands of
-- callouts, most with the default descriptor); smaller groups keep a row
-- per object. JSON always lists every object.

-- "callout {key}" -> "callout"; containers are their own kind.
local function kind_of(object)
  return object:match("^(.-) {") or object
end

local function plural(kind, n)
  return ("%d %ss with this access"):format(n, kind)
end

-- One cell: a mask in hex, or "FAILED" for an object whose read failed.
local function cell_text(g)
  if type(g) == "table" then return "FAILED" end
  return ("0x%x"):format(g or 0)
end

-- Rows of the matrix: {label=, granted={principal=mask|failure}} in first-seen
-- order, objects grouped as above.
local function access_rows(result)
  local by_object, order = {}, {}
  for _, a in ipairs(result.access) do
    local row = by_object[a.object]
    if not row then
      row = { object = a.object, granted = {} }
      by_object[a.object], order[#order + 1] = row, row
    end
    row.granted[a.principal] = a.granted or a.failed
  end
  local groups, glist = {}, {}
  for _, row in ipairs(order) do
    local sig = { kind_of(row.object) }
    for _, p in ipairs(result.principals) do sig[#sig + 1] = cell_text(row.granted[p]) end
    local key = table.concat(sig, "|")
    local g = groups[key]
    if not g then
      g = { kind = sig[1], granted = row.granted, objects = {} }
      groups[key], glist[#glist + 1] = g, g
    end
    g.objects[#g.objects + 1] = row.object
  end
  local rows = {}
  for _, g in ipairs(glist) do
    if #g.objects > GROUP_LIST_MAX then
      rows[#rows + 1] = { label = plural(g.kind, #g.objects), granted = g.granted }
    else
      for _, object in ipairs(g.objects) do rows[#rows + 1] = { label = object, granted = g.granted } end
    end
  end
  return rows, #order
end

-- A principal's column: 12 characters, wider for a longer label (up to 16).
local function column_width(p)
  return math.max(12, math.min(#p, 16))
end

-- The access matrix: one row per object (or group), one column per principal.
local function access_text(out, result)
  out[#out + 1] = ""
  out[#out + 1] = "Access granted after the policy (MAXIMUM_ALLOWED, FWPM generic mapping)"
  local width, header = 48, { ("  %-48s"):format("object") }
  for _, p in ipairs(result.principals) do
    local label = #p > 16 and ("..." .. p:sub(-13)) or p
    header[#header + 1] = (" %" .. column_width(p) .. "s"):format(label)
  end
  out[#out + 1] = table.concat(header)
  local rows, n_objects = access_rows(result)
  for _, row in ipairs(rows) do
    local label = row.label
    local line = { ("  %-" .. width .. "s"):format(#label > width and label:sub(1, width) or label) }
    for _, p in ipairs(result.principals) do
      line[#line + 1] = (" %" .. column_width(p) .. "s"):format(cell_text(row.granted[p]))
    end
    out[#out + 1] = table.concat(line)
  end
  if #rows < n_objects then
    out[#out + 1] = ("  (%d objects in %d rows: more than %d objects of one kind with identical access"
      .. " share a row; --format json lists each)"):format(n_objects, #rows, GROUP_LIST_MAX)
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

local function plural_objects(kind, n)
  return ("%d %ss"):format(n, kind)
end

-- Failed descriptor reads and the closing verdict on completeness.
local function integrity_text(out, result)
  local failed = result.failed_reads or {}
  if #failed > 0 then
    out[#out + 1] = ""
    out[#out + 1] = ("Descriptor reads that failed: %d (no access is shown for these objects)"):format(#failed)
    for _, g in ipairs(failure_groups(failed)) do
      local what = #g > GROUP_LIST_MAX and plural_objects(kind_of(g[1].object), #g) or nil
      for i = 1, what and 1 or #g do
        out[#out + 1] = ("  %s (%s): %s 0x%08X"):format(what or g[i].object, g[i].during, g[i].status_name,
          g[i].status & 0xFFFFFFFF)
      end
    end
  end
  if M.exit_code(result) ~= 0 then
    out[#out + 1] = ""
    out[#out + 1] = ("INCOMPLETE REPORT: %d failed descriptor read(s), %d skipped record(s)")
      :format(#failed, #(result.skipped or {}))
  end
end

--- report.text(result, opts) -> human-readable text. opts.state and
-- opts.policy name the inputs in the heading.
function M.text(result, opts)
  local out = { ("ntsec audit of %s with %s"):format(opts.state or "?", opts.policy or "?"), "" }
  imported_text(out, result)
  calls_text(out, result)
  access_text(out, result)
  require("ntsec.audit_flows").text(out, result)
  integrity_text(out, result)
  return table.concat(out, "\n") .. "\n"
end

return M
