--- ntsec.report: renders an audit result (ntsec.audit.run) as text or JSON.
-- JSON shape (issue #2): {"imported":{...},"calls":[{"function":..,"target":..,
-- "status":N,"status_name":..,"before":..,"after":..}],"access":[{"principal":..,
-- "object":..,"granted":N}]}. JSON is written with dkjson (Debian lua-dkjson).

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

--- report.json(result) -> JSON text (one document, stable key order).
function M.json(result)
  local imported = {}
  for _, k in ipairs(KINDS) do imported[k] = result.imported[k] or 0 end
  local calls = array({})
  for i, c in ipairs(result.calls) do
    calls[i] = { ["function"] = c["function"], target = c.target, status = c.status,
                 status_name = status_name(c), before = c.before or json.null, after = c.after or json.null }
  end
  local access = array({})
  for i, a in ipairs(result.access) do access[i] = { principal = a.principal, object = a.object, granted = a.granted } end
  return json.encode({ imported = imported, calls = calls, access = access }, {
    keyorder = { "imported", "calls", "access", "sessions", "providers", "sublayers", "callouts", "filters",
                 "endpoints", "function", "target", "status", "status_name", "before", "after",
                 "principal", "object", "granted" },
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

-- Rows of the matrix: {label=, granted={principal=mask}} in first-seen
-- order, objects grouped as above.
local function access_rows(result)
  local by_object, order = {}, {}
  for _, a in ipairs(result.access) do
    local row = by_object[a.object]
    if not row then
      row = { object = a.object, granted = {} }
      by_object[a.object], order[#order + 1] = row, row
    end
    row.granted[a.principal] = a.granted
  end
  local groups, glist = {}, {}
  for _, row in ipairs(order) do
    local sig = { kind_of(row.object) }
    for _, p in ipairs(result.principals) do sig[#sig + 1] = row.granted[p] or 0 end
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

-- The access matrix: one row per object (or group), one column per principal.
local function access_text(out, result)
  out[#out + 1] = ""
  out[#out + 1] = "Access granted after the policy (MAXIMUM_ALLOWED, FWPM generic mapping)"
  local width, header = 48, { ("  %-48s"):format("object") }
  for _, p in ipairs(result.principals) do
    local label = #p > 12 and ("..." .. p:sub(-9)) or p
    header[#header + 1] = (" %12s"):format(label)
  end
  out[#out + 1] = table.concat(header)
  local rows, n_objects = access_rows(result)
  for _, row in ipairs(rows) do
    local label = row.label
    local line = { ("  %-" .. width .. "s"):format(#label > width and label:sub(1, width) or label) }
    for _, p in ipairs(result.principals) do line[#line + 1] = (" %12s"):format(("0x%x"):format(row.granted[p] or 0)) end
    out[#out + 1] = table.concat(line)
  end
  if #rows < n_objects then
    out[#out + 1] = ("  (%d objects in %d rows: more than %d objects of one kind with identical access"
      .. " share a row; --format json lists each)"):format(n_objects, #rows, GROUP_LIST_MAX)
  end
end

--- report.text(result, opts) -> human-readable text. opts.state and
-- opts.policy name the inputs in the heading.
function M.text(result, opts)
  local out = { ("ntsec audit of %s with %s"):format(opts.state or "?", opts.policy or "?"), "" }
  imported_text(out, result)
  calls_text(out, result)
  access_text(out, result)
  return table.concat(out, "\n") .. "\n"
end

return M
