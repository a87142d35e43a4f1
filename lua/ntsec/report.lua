--- ntsec.report: renders an audit result (ntsec.audit.run) as text or JSON.
-- JSON shape (issue #2): {"imported":{...},"calls":[{"function":..,"target":..,
-- "status":N,"status_name":..,"before":..,"after":..}],"access":[{"principal":..,
-- "object":..,"granted":N}]}. JSON is written with dkjson (Debian lua-dkjson).

local json = require("dkjson")
local errors = require("ntsec.errors")

local M = {}

local KINDS = { "sessions", "providers", "sublayers", "callouts", "filters", "endpoints" }

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
    out[#out + 1] = ("  skipped %s %s: %s"):format(s.kind, tostring(s.key), tostring(s.error))
  end
end

local function calls_text(out, result)
  out[#out + 1] = ""
  out[#out + 1] = ("Security calls made by the policy: %d"):format(#result.calls)
  for i, c in ipairs(result.calls) do
    out[#out + 1] = ("  #%d %s on %s (%s session)"):format(i, c["function"], c.target, c.kernel and "kernel" or "user")
    out[#out + 1] = ("     status: 0x%08X %s"):format(c.status, status_name(c))
    out[#out + 1] = "     before: " .. (c.before or "(none)")
    out[#out + 1] = "     after:  " .. (c.after or "(none)")
  end
end

-- The access matrix: one row per object, one column per principal.
local function access_text(out, result)
  out[#out + 1] = ""
  out[#out + 1] = "Access granted after the policy (MAXIMUM_ALLOWED, FWPM generic mapping)"
  local width, header = 48, { ("  %-48s"):format("object") }
  for _, p in ipairs(result.principals) do
    local label = #p > 12 and ("..." .. p:sub(-9)) or p
    header[#header + 1] = (" %12s"):format(label)
  end
  out[#out + 1] = table.concat(header)
  local rows, order = {}, {}
  for _, a in ipairs(result.access) do
    if not rows[a.object] then rows[a.object], order[#order + 1] = {}, a.object end
    rows[a.object][a.principal] = a.granted
  end
  for _, object in ipairs(order) do
    local line = { ("  %-" .. width .. "s"):format(#object > width and object:sub(1, width) or object) }
    for _, p in ipairs(result.principals) do line[#line + 1] = (" %12s"):format(("0x%x"):format(rows[object][p] or 0)) end
    out[#out + 1] = table.concat(line)
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
