-- Every row of ../shared/data/access/access_cases.jsonl (access-check
-- results observed on real Windows, README.md there) through the public Lua
-- API, at the entry point the row's source called (`api`). Expected values
-- come only from the file; the row's input (descriptor, token, desired
-- access, mapping, object types, entry point) decides the call, never its
-- expected answer. Prints pass/fail/skip per group; skipped rows are
-- counted and their reason must be one the README gives.
local json = require("dkjson")
local ntsec = require("ntsec")
local errors = require("ntsec.errors")
local helper = require("spec.helper")

local FILE = helper.data("access/access_cases.jsonl")
local NULL = json.null
-- The two skip reasons of the README: "N/A in the source, or a token the
-- source gives only as raw PAC claim arrays".
local SKIP_REASONS = { "^N/A", "^PAC%->token conversion" }
local NO_MAPPING = { read = 0, write = 0, execute = 0, all = 0 }

local function value(x)
  if x == NULL then return nil end
  return x
end

local function rows()
  local out = {}
  for line in io.lines(FILE) do out[#out + 1] = json.decode(line, 1, NULL) end
  return out
end

-- ---- row input -> API arguments ----

local function sid_entries(list)
  local out = {}
  for i, g in ipairs(list or {}) do out[i] = { sid = g.sid, enabled = g.enabled, deny_only = g.deny_only } end
  return out
end

local function claims(set)
  local out = {}
  for source, named in pairs(set or {}) do
    out[source] = {}
    for name, c in pairs(named) do out[source][name] = { type = c.type:lower(), values = c.values } end
  end
  return out
end

local function token(t)
  local privileges = {}
  for i, p in ipairs(t.privileges) do privileges[i] = { name = p.name, enabled = p.enabled } end
  return ntsec.token { user = t.user, groups = sid_entries(t.groups), privileges = privileges,
    claims = claims(value(t.claims)), device_groups = sid_entries(value(t.device_groups)),
    type = value(t.type), level = value(t.level) }
end

-- `sddl` null: no descriptor passed; "" is the empty descriptor (no owner,
-- group or DACL: the TSV's "(empty SD ...)").
local function descriptor(row)
  local s = value(row.sddl)
  if s == nil then return nil end
  return assert(ntsec.sd(s))
end

local function object_types(row)
  local list = value(row.object_types)
  if not list then return nil end
  local out = {}
  for i, o in ipairs(list) do out[i] = { level = o.level, guid = o.guid } end
  return out
end

-- ---- one call per entry point; each returns {status=, granted=} or a list ----

local function name(code) return errors.name(code) or ("0x%08x"):format(code) end

-- advapi32 AccessCheck reports Win32 codes; the README translates ERROR_X
-- to STATUS_X mechanically, and so does this reading.
local function win32_outcome(ok, granted, access_ok, last_error)
  if ok and access_ok then return { status = "STATUS_SUCCESS", granted = granted } end
  return { status = (name(last_error):gsub("^ERROR_", "STATUS_")), granted = granted }
end

local function nt_outcome(status, granted, access_status)
  if status ~= ntsec.STATUS_SUCCESS then return { status = name(status) } end
  return { status = name(access_status), granted = granted }
end

-- The KDC answers 0 or KDC_ERR_POLICY (README: -> STATUS_ACCESS_DENIED) for a
-- TGS policy check: a refused call is a policy failure like a denial.
local function kdc_outcome(granted, status)
  if granted and status == ntsec.STATUS_SUCCESS then return { status = "STATUS_SUCCESS" } end
  return { status = "STATUS_ACCESS_DENIED" }
end

local RUN = {
  AccessCheck = function(r, sd, tok, map)
    return win32_outcome(ntsec.AccessCheck(sd, tok, r.desired, map))
  end,
  NtAccessCheck = function(r, sd, tok, map)
    return nt_outcome(ntsec.NtAccessCheck(sd, tok, r.desired, map))
  end,
  NtAccessCheckByType = function(r, sd, tok, map)
    return nt_outcome(ntsec.NtAccessCheckByType(sd, nil, tok, r.desired, object_types(r), map))
  end,
  NtAccessCheckByTypeResultList = function(r, sd, tok, map)
    local status, granted, statuses = ntsec.NtAccessCheckByTypeResultList(sd, nil, tok, r.desired,
      object_types(r), map)
    if status ~= ntsec.STATUS_SUCCESS then return { status = name(status) } end
    local list = {}
    for i = 1, #granted do list[i] = { status = name(statuses[i]), granted = granted[i] } end
    return list
  end,
  KDC = function(r, sd, tok, map)
    return kdc_outcome(ntsec.access.check(sd, tok, r.desired, { entry_point = "kernel", mapping = map }))
  end,
}

-- Object opens (OpenProcess, OpenEvent, SMB2 CREATE): the object manager's
-- SeAccessCheck, i.e. the kernel entry point.
local function kernel_open(r, sd, tok, map)
  local granted, status = ntsec.access.check(sd, tok, r.desired, { entry_point = "kernel", mapping = map })
  if not granted then return { status = status.name } end
  return { status = name(status), granted = granted }
end

local function run(row)
  local map = value(row.mapping) or NO_MAPPING
  local call = RUN[row.api] or kernel_open
  return call(row, descriptor(row), token(row.token), map)
end

-- ---- comparison with the row's expectations ----

local function matches(got, row)
  if got.status ~= row.expected_status then return false end
  local want = value(row.expected_granted)
  return want == nil or got.granted == want
end

-- A result list: every entry carries the row's expected status and mask.
local function agrees(got, row)
  if row.result_list and got[1] then
    for _, e in ipairs(got) do
      if not matches(e, row) then return false end
    end
    return true
  end
  if got[1] then return false end
  return matches(got, row)
end

local function describe_outcome(got)
  if not got[1] then return ("%s granted=%s"):format(got.status, tostring(got.granted)) end
  local parts = {}
  for i, e in ipairs(got) do parts[i] = describe_outcome(e) end
  return "{" .. table.concat(parts, "; ") .. "}"
end

describe("Windows access-check cases (shared/data/access/access_cases.jsonl)", function()
  local all = rows()
  local tally, order = {}, {}

  local function count(group, what)
    if not tally[group] then
      tally[group] = { pass = 0, fail = 0, skip = 0 }
      order[#order + 1] = group
    end
    tally[group][what] = tally[group][what] + 1
  end

  it("has rows", function()
    assert.is_true(#all > 200)
  end)

  for _, row in ipairs(all) do
    if row.skip then
      it(row.id .. " is skipped for a reason the README gives", function()
        local known = false
        for _, pattern in ipairs(SKIP_REASONS) do known = known or row.skip:match(pattern) ~= nil end
        assert.is_true(known, row.skip)
        count(row.group, "skip")
      end)
    else
      it(("%s (%s, %s): %s"):format(row.id, row.group, row.api, row.expected_status), function()
        local got = run(row)
        local ok = agrees(got, row)
        count(row.group, ok and "pass" or "fail")
        assert.is_true(ok, ("%s %s desired 0x%x: got %s, expected %s granted=%s"):format(row.id,
          tostring(value(row.sddl)), row.desired, describe_outcome(got), row.expected_status,
          tostring(value(row.expected_granted))))
      end)
    end
  end

  it("reports pass/fail/skip per group", function()
    local total = { pass = 0, fail = 0, skip = 0 }
    for _, group in ipairs(order) do
      local t = tally[group]
      print(("access_cases %-8s pass %3d  fail %3d  skip %3d"):format(group, t.pass, t.fail, t.skip))
      for k in pairs(total) do total[k] = total[k] + t[k] end
    end
    print(("access_cases %-8s pass %3d  fail %3d  skip %3d"):format("total", total.pass, total.fail, total.skip))
    assert.are.equal(#all, total.pass + total.fail + total.skip)
  end)
end)
