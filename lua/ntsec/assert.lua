--- ntsec.assert: luassert assertions for access checks and statuses
-- (docs/check.md, "Assertions for busted").
--
-- `require "ntsec.assert"` registers, on busted's luassert:
--   assert.granted(sd, token, rights[, mapping])  -- every right granted
--   assert.denied(sd, token, rights[, mapping])   -- the check fails
--   assert.status(code, "FWP_E_WRONG_SESSION")    -- a code or error object has that status
--   assert.permits(engine, flow)                  -- engine:classify(flow) is PERMIT
--   assert.blocks(engine, flow)                   -- engine:classify(flow) is BLOCK
-- and their negations (assert.is_not.granted(...), assert.is_not.status(...),
-- assert.is_not.permits(...): anything but PERMIT, DEPENDS and AMBIGUOUS
-- included).
-- sd is a descriptor or SDDL; token an ntsec.token or its spec table
-- {user=, groups=, ...}; rights a mask or SDDL rights string ("GA",
-- "0x40"); mapping "file" (default), "fwpm" or a table, as ntsec.explain.
-- A failed granted/denied prints the ntsec.explain trace: every ACE, whether
-- it applied, what it granted or denied, and why.
-- The result of the faithful functions (a number) and of the idiomatic
-- ones (true, or nil and an ntsec.errors object) are both accepted by
-- assert.status: true counts as success (0).

local luassert = require("luassert")
local say = require("say")
local ntsec = require("ntsec")
local errors = require("ntsec.errors")

local M = {}

-- Arguments of a luassert callback, coerced: descriptor, token, rights, mapping.
local function access_args(arguments)
  local sd, token = arguments[1], arguments[2]
  if type(sd) == "string" then sd = assert(ntsec.sd(sd), "assert.granted: bad SDDL") end
  if type(token) == "table" then token = ntsec.token(token) end
  return sd, token, arguments[3], arguments[4]
end

local function rights_text(rights)
  return type(rights) == "number" and ("0x%08x"):format(rights) or tostring(rights)
end

-- Replaces a callback's arguments by the strings its message shows.
local function show(arguments, ...)
  local shown = table.pack(...)
  for i = 1, math.max(arguments.n or 0, shown.n) do arguments[i] = shown[i] end
  arguments.n = shown.n
  arguments.nofmt = {}
  for i = 1, shown.n do arguments.nofmt[i] = true end
end

-- The explanation of a check; a failed call (bad descriptor or token)
-- raises: it is a mistake in the spec, not an access decision.
local function explained(arguments)
  local sd, token, rights, mapping = access_args(arguments)
  local ex, err = ntsec.explain(sd, token, rights, mapping)
  if not ex then error("ntsec.assert: the access check failed: " .. tostring(err), 4) end
  show(arguments, rights_text(rights), tostring(ex))
  return ex
end

local function granted(_, arguments)
  return explained(arguments).allowed
end

local function denied(_, arguments)
  return not explained(arguments).allowed
end

-- The status of a value: {value=, name=} for a number, an error object, or
-- true (success); nil for anything else.
local function status_of(x)
  if x == true then return { value = 0, names = { STATUS_SUCCESS = true, ERROR_SUCCESS = true, S_OK = true }, text = "success (true)" } end
  if errors.is_error(x) then
    return { value = x.code, names = { [x.name] = true }, text = tostring(x) }
  end
  if math.type(x) == "integer" then
    local v = x & 0xFFFFFFFF
    local name = errors.name(v)
    return { value = v, names = name and { [name] = true } or {}, text = ("%s (0x%08X)"):format(name or "unnamed", v) }
  end
  return nil
end

-- The expected status: a catalogue name or a number.
local function expected_of(x)
  if type(x) == "string" then
    local e = errors.lookup(x)
    if not e then error(("ntsec.assert: '%s' is not a status in the catalogue"):format(x), 4) end
    return { value = e.value, name = x, text = ("%s (0x%08X)"):format(x, e.value) }
  end
  if math.type(x) == "integer" then
    local v = x & 0xFFFFFFFF
    return { value = v, text = ("%s (0x%08X)"):format(errors.name(v) or "unnamed", v) }
  end
  error("ntsec.assert: assert.status(code, expected): expected is a status name or number", 4)
end

local function status(_, arguments)
  local want = expected_of(arguments[2])
  local got = status_of(arguments[1])
  local ok = got ~= nil and (got.value == want.value or (want.name ~= nil and got.names[want.name] == true))
  show(arguments, want.text, got and got.text or ("%s (no status)"):format(tostring(arguments[1])))
  return ok
end

-- A flow for the message: its options in name order (token by its SID).
local function flow_text(flow)
  local keys = {}
  for k in pairs(flow) do keys[#keys + 1] = k end
  table.sort(keys)
  local out = {}
  for _, k in ipairs(keys) do
    local v = flow[k]
    if k == "token" then v = tostring(v)
    elseif type(v) == "table" then
      local names, parts = {}, {}
      for name in pairs(v) do names[#names + 1] = name end
      table.sort(names)
      for _, name in ipairs(names) do
        local x = v[name]
        parts[#parts + 1] = ("%s=%s"):format(name, type(x) == "table" and tostring(x.value) or tostring(x))
      end
      v = "{" .. table.concat(parts, ", ") .. "}"
    end
    out[#out + 1] = ("%s=%s"):format(k, tostring(v))
  end
  return "{" .. table.concat(out, ", ") .. "}"
end

-- The classification of a flow; a failed call (unknown layer, a bad value)
-- raises: a mistake in the spec, not a decision.
local function classified(arguments, want)
  local engine, flow = arguments[1], arguments[2]
  if type(flow) ~= "table" then error("ntsec.assert: assert." .. want .. "s(engine, flow): flow is a classify table", 4) end
  local copy = {}
  for k, v in pairs(flow) do copy[k] = v end
  copy.trace = true
  local r, err = engine:classify(copy)
  if not r then error("ntsec.assert: the classification failed: " .. tostring(err) .. (err.detail and (": " .. err.detail) or ""), 4) end
  local lines = require("ntsec.rules.ale").classification_lines(r)
  show(arguments, flow_text(flow), r.decision:upper(), table.concat(lines, "\n"))
  return r.decision == want
end

local function permits(_, arguments) return classified(arguments, "permit") end
local function blocks(_, arguments) return classified(arguments, "block") end

say:set("assertion.ntsec_permits.positive", "Expected flow %s to be permitted, but the decision is %s:\n%s")
say:set("assertion.ntsec_permits.negative", "Expected flow %s not to be permitted, but the decision is %s:\n%s")
say:set("assertion.ntsec_blocks.positive", "Expected flow %s to be blocked, but the decision is %s:\n%s")
say:set("assertion.ntsec_blocks.negative", "Expected flow %s not to be blocked, but the decision is %s:\n%s")
say:set("assertion.ntsec_granted.positive", "Expected access %s to be granted, but it was denied:\n%s")
say:set("assertion.ntsec_granted.negative", "Expected access %s not to be granted, but it was:\n%s")
say:set("assertion.ntsec_denied.positive", "Expected access %s to be denied, but it was granted:\n%s")
say:set("assertion.ntsec_denied.negative", "Expected access %s not to be denied, but it was:\n%s")
say:set("assertion.ntsec_status.positive", "Expected status %s, got %s")
say:set("assertion.ntsec_status.negative", "Expected a status other than %s, got %s")

--- register([assert]) -> the luassert table, with the assertions added
-- (idempotent; `require "ntsec.assert"` does it once).
function M.register(target)
  target = target or luassert
  target:register("assertion", "granted", granted, "assertion.ntsec_granted.positive", "assertion.ntsec_granted.negative")
  target:register("assertion", "denied", denied, "assertion.ntsec_denied.positive", "assertion.ntsec_denied.negative")
  target:register("assertion", "permits", permits, "assertion.ntsec_permits.positive", "assertion.ntsec_permits.negative")
  target:register("assertion", "blocks", blocks, "assertion.ntsec_blocks.positive", "assertion.ntsec_blocks.negative")
  target:register("assertion", "status", status, "assertion.ntsec_status.positive", "assertion.ntsec_status.negative")
  return target
end

M.register()

return M
