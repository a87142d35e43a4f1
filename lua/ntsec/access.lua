--- ntsec.access: the access check at the entry point the caller picks
-- (sd_semantics.md 3.2-3.7; docs/access.md "Entry points").
--
-- Windows has several access-check entry points that differ before any ACE
-- is read. The faithful functions keep their Windows names and return what
-- Windows returns; `check` is the idiomatic form. `register(ntsec)` puts
-- `ntsec.access` and the Windows-named functions on the module.
--
-- Entry points (`entry_point` of `check`):
--   "default"   `ntsec.access_check`'s own rules: owner and group required,
--               token type and level not checked;
--   "NtAccessCheck" (also advapi32 AccessCheck), "NtAccessCheckByType",
--   "NtAccessCheckByTypeResultList": impersonation token at
--               SecurityIdentification or above, owner and group required,
--               object-type list checked before the descriptor, the result
--               list requires a list and reports partial grants;
--   "kernel"    SeAccessCheck / AuthzAccessCheck, as the object manager,
--               the KDC and the filter engine call it: any token, owner
--               required, no group needed.
--
-- The Windows-named functions are also fields of `ntsec` (`ntsec.AccessCheck`
-- is `ntsec.access.AccessCheck`).
-- @module ntsec.access

local core = require("ntsec.core")
local errors = require("ntsec.errors")
local lowbox = require("ntsec.lowbox")

local M = {}

local SUCCESS = core.STATUS_SUCCESS
local ENTRY_POINTS = {
  default = true, NtAccessCheck = true, NtAccessCheckByType = true,
  NtAccessCheckByTypeResultList = true, kernel = true,
}
local OPTIONS = { mapping = true, entry_point = true, object_types = true, principal_self = true,
  backup_intent = true }

-- Rights as a number: a number, or an SDDL rights string ("FR", "0x1f01ff").
local function rights(x)
  if math.type(x) == "integer" then return x end
  if type(x) ~= "string" then error("desired access: integer or SDDL rights string expected", 3) end
  local sd = core.sd_from_sddl("D:(A;;" .. x .. ";;;WD)")
  if not sd then error(("desired access: bad rights string '%s'"):format(x), 3) end
  return sd.dacl[1].mask
end

-- Descriptor argument: an SD, its SDDL text, or nil (no descriptor).
-- Returns the SD, or nil and an ntsec.errors object for bad SDDL.
local function parse_descriptor(sd, op)
  if type(sd) ~= "string" then return sd end
  local parsed, err = core.sd_from_sddl(sd)
  if parsed then return parsed end
  err.op = op
  return nil, err
end

-- The same for the faithful functions, where bad SDDL text is a programmer
-- error (Windows takes a descriptor, not text).
local function descriptor(sd)
  local parsed, err = parse_descriptor(sd, "descriptor")
  if sd ~= nil and not parsed then error(tostring(err), 3) end
  return parsed
end

local function check_options(opts)
  if opts == nil then return {} end
  if type(opts) ~= "table" then error("options: table expected", 3) end
  for k in pairs(opts) do
    if not OPTIONS[k] then error(("options: unknown option '%s'"):format(tostring(k)), 3) end
  end
  if opts.entry_point ~= nil and not ENTRY_POINTS[opts.entry_point] then
    error(("options: unknown entry_point '%s'"):format(tostring(opts.entry_point)), 3)
  end
  return opts
end

--- `ntsec.access.check(sd, token, desired[, options])` -> granted, status[, entries]
-- | nil, err.
-- `sd`: descriptor, SDDL string (bad text: nil, err with `err.offset`), or
-- nil (no descriptor); `desired`: mask or
-- SDDL rights ("FR"), its generic bits mapped first through the mapping (as
-- a caller of AccessCheck does with MapGenericMask). `options`: `mapping`
-- ("file" default, "fwpm", {read=, write=, execute=, all=}), `entry_point`
-- (above; "default" when absent), `object_types` ({ {level=, guid=}, ... }),
-- `principal_self` (SID replacing S-1-5-10), `backup_intent` (boolean).
-- A completed check returns the granted mask (0 unless allowed) and the
-- access status (STATUS_SUCCESS, STATUS_ACCESS_DENIED,
-- STATUS_PRIVILEGE_NOT_HELD), plus with object types one {granted=, status=}
-- per entry.
-- Errors: a refused call returns nil and an `ntsec.errors` object:
-- STATUS_NO_IMPERSONATION_TOKEN, STATUS_BAD_IMPERSONATION_LEVEL,
-- STATUS_INVALID_PARAMETER (object-type list), STATUS_INVALID_SECURITY_DESCR
-- (no descriptor, owner or group as the entry point requires),
-- STATUS_INVALID_ACL. Raises on an unknown option or entry point, a
-- `desired` that is neither an integer nor an SDDL rights string.
-- Source: sd_semantics.md 3.2-3.7, docs/access.md.
function M.check(sd, token, desired, options)
  local opts = check_options(options)
  local mapping = opts.mapping or "file"
  local want = core.map_generic(rights(desired), mapping)
  local parsed, err = parse_descriptor(sd, "access.check")
  if sd ~= nil and not parsed then return nil, err end
  local call, granted, status, _, granted_list, status_list = lowbox.check_at(
    opts.entry_point or "default", parsed, token, want, mapping, opts)
  if call ~= SUCCESS then return nil, errors.new(call, "access.check") end
  if not granted_list then return granted, status end
  local entries = {}
  for i, g in ipairs(granted_list) do entries[i] = { granted = g, status = status_list[i] } end
  return granted, status, entries
end

-- A faithful call: desired as given, the mapping required.
local function faithful(entry, sd, token, desired, mapping, opts)
  if math.type(desired) ~= "integer" then error("DesiredAccess: integer expected", 3) end
  if mapping == nil then error("GenericMapping: mapping expected", 3) end
  return lowbox.check_at(entry, descriptor(sd), token, desired, mapping, opts)
end

--- `ntsec.NtAccessCheck(sd, token, desired, mapping)` -> status[, granted, access_status].
-- NtAccessCheck: `desired` is not mapped (generic bits ->
-- STATUS_GENERIC_NOT_MAPPED); `mapping` as in `check`, required.
-- Returns STATUS_SUCCESS, GrantedAccess (0 when denied) and AccessStatus.
-- Errors: a failed call returns only its status (STATUS_GENERIC_NOT_MAPPED,
-- STATUS_NO_IMPERSONATION_TOKEN, STATUS_BAD_IMPERSONATION_LEVEL,
-- STATUS_INVALID_SECURITY_DESCR); raises on a non-integer `desired`, no
-- mapping, or SDDL text that does not parse (Windows takes a descriptor).
-- Source: sd_semantics.md 3.2; wine-004, ros-001.
function M.NtAccessCheck(sd, token, desired, mapping)
  local call, granted, status = faithful("NtAccessCheck", sd, token, desired, mapping)
  if call ~= SUCCESS then return call end
  return call, granted, status
end

--- `ntsec.AccessCheck(sd, token, desired, mapping)` -> ok, granted, access_ok, last_error.
-- advapi32 AccessCheck over NtAccessCheck: `ok` is the BOOL result (false:
-- the call failed, granted and access_ok are nil); `access_ok` the
-- AccessStatus BOOL; `last_error` what GetLastError() then returns: the
-- Win32 code of the failed call or of the refusal (ERROR_ACCESS_DENIED,
-- ERROR_PRIVILEGE_NOT_HELD), 0 when access was granted.
-- Errors: returned as `ok` = false and `last_error` (the Win32 code of
-- NtAccessCheck's status, e.g. ERROR_NO_IMPERSONATION_TOKEN 1309); raises
-- as NtAccessCheck.
-- Source: sd_semantics.md 3.2, 3.8; wine-001..015.
function M.AccessCheck(sd, token, desired, mapping)
  local call, granted, status = faithful("NtAccessCheck", sd, token, desired, mapping)
  if call ~= SUCCESS then return false, nil, nil, errors.to_win32(call) end
  if status ~= SUCCESS then return true, granted, false, errors.to_win32(status) end
  return true, granted, true, 0
end

--- `ntsec.NtAccessCheckByType(sd, principal_self, token, desired, object_types, mapping)`
-- -> status[, granted, access_status].
-- `principal_self`: SID or nil; `object_types`: { {level=, guid=}, ... } or
-- nil. The list is validated before the descriptor (STATUS_INVALID_PARAMETER).
-- The single result is the object's (entry 1), denied when a deny ACE hit
-- any entry.
-- Errors: a failed call returns only its status (STATUS_INVALID_PARAMETER
-- for a bad list, and those of NtAccessCheck); raises as NtAccessCheck.
-- Source: sd_semantics.md 3.7; ros-002..024.
function M.NtAccessCheckByType(sd, principal_self, token, desired, object_types, mapping)
  local call, granted, status = faithful("NtAccessCheckByType", sd, token, desired, mapping,
    { principal_self = principal_self, object_types = object_types })
  if call ~= SUCCESS then return call end
  return call, granted, status
end

--- `ntsec.NtAccessCheckByTypeResultList(sd, principal_self, token, desired, object_types, mapping)`
-- -> status[, granted_list, status_list].
-- One GrantedAccess and one AccessStatus per object-type entry, in list
-- order; a denied entry keeps the bits it was granted (e.g. the owner's
-- READ_CONTROL).
-- Errors: a failed call returns only its status: STATUS_INVALID_PARAMETER
-- without a list or for a bad one, and those of NtAccessCheck; raises as
-- NtAccessCheck.
-- Source: ros-025..030.
function M.NtAccessCheckByTypeResultList(sd, principal_self, token, desired, object_types, mapping)
  local call, _, _, _, granted, status = faithful("NtAccessCheckByTypeResultList", sd, token, desired,
    mapping, { principal_self = principal_self, object_types = object_types })
  if call ~= SUCCESS then return call end
  return call, granted, status
end

-- ---- tokens from PAC claims (optional part of issue 10) ----

-- CLAIMS_ARRAY source types whose claims reach the token: 1 = AD,
-- 2 = CERTIFICATE; others (0, 3, ...) are dropped (samba-0225: a claim in a
-- source-type-0 array is absent).
local PAC_SOURCES = { [1] = true, [2] = true }
local PAC_TYPES = { INT64 = "int64", UINT64 = "uint64", STRING = "string", BOOLEAN = "boolean" }

-- A string folded as conditions fold it (Windows' upper-case table).
local function fold(s)
  local out = {}
  for _, c in utf8.codes(s) do out[#out + 1] = utf8.char(core.upcase(c)) end
  return table.concat(out)
end

local function value_key(kind, v)
  if kind == "string" then return fold(v) end
  return math.tointeger(v) or v
end

local function pac_refused(what)
  local err = errors.new(core.STATUS_INVALID_PARAMETER, "access.pac_claims")
  err.message = err.message .. " (" .. what .. ")"
  return nil, err
end

-- One CLAIM_ENTRY -> {type=, values=}, or nil (dropped), or false, reason.
local function pac_claim(c)
  local kind = PAC_TYPES[c.type]
  if not kind then return false, ("claim '%s': unsupported type %s"):format(tostring(c.id), tostring(c.type)) end
  if #c.values == 0 then return nil end                -- an empty value list: no claim (samba-0231)
  local seen = {}
  for _, v in ipairs(c.values) do
    local k = value_key(kind, v)
    if seen[k] then return false, ("claim '%s': duplicate value"):format(c.id) end
    seen[k] = true
  end
  return { type = kind, values = c.values }
end

--- `ntsec.access.pac_claims(claims_set)` -> claims | nil, err.
-- A PAC CLAIMS_SET (a list of claims arrays `{source_type=, claims =
-- {{id=, type=, values=}, ...}}`, types INT64/UINT64/STRING/BOOLEAN) as the
-- name -> {type=, values=} map of `ntsec.token{claims = {user = ...}}`,
-- converted as the Windows KDC does: arrays of source types other than AD (1)
-- and CERTIFICATE (2) are dropped; a claim without values is dropped; a
-- claim with a repeated value (strings compared case-insensitively) makes
-- the KDC refuse the PAC (KDC_ERR_GENERIC: samba-0191, 0297..0304).
-- Errors: nil, STATUS_INVALID_PARAMETER for a repeated value, an id given
-- twice (our choice: no Windows row) or an unsupported claim type (the
-- message names the claim).
-- Source: README of shared/data/access; docs/access.md.
function M.pac_claims(claims_set)
  local out, names = {}, {}
  for _, array in ipairs(claims_set or {}) do
    for _, c in ipairs(PAC_SOURCES[array.source_type] and array.claims or {}) do
      local name = fold(c.id)
      if names[name] then return pac_refused(("claim '%s' given twice"):format(c.id)) end
      names[name] = true
      local claim, why = pac_claim(c)
      if claim == false then return pac_refused(why) end
      out[c.id] = claim
    end
  end
  return out
end

--- `ntsec.access.pac_token(spec)` -> token | nil, err.
-- `ntsec.token(spec)` with the user and device claims taken from
-- `spec.user_pac_claims_set` / `spec.device_pac_claims_set` (raw PAC
-- CLAIMS_SET arrays, see `pac_claims`).
-- Errors: nil, err as `pac_claims`; raises as `ntsec.token` for the rest
-- of the spec.
-- Source: README of shared/data/access; docs/access.md.
function M.pac_token(spec)
  local t = {}
  for k, v in pairs(spec) do t[k] = v end
  t.user_pac_claims_set, t.device_pac_claims_set = nil, nil
  t.claims = {}
  for source, key in pairs({ user = "user_pac_claims_set", device = "device_pac_claims_set" }) do
    local claims, err = M.pac_claims(spec[key])
    if not claims then return nil, err end
    t.claims[source] = claims
  end
  return require("ntsec").token(t)
end

--- `register(ntsec)` -> ntsec: sets `ntsec.access` and the Windows-named
-- functions on the module table (called once by lua/ntsec/init.lua).
-- Errors: none.
-- Source: docs/access.md "Entry points".
function M.register(ntsec)
  ntsec.access = M
  for _, name in ipairs({ "AccessCheck", "NtAccessCheck", "NtAccessCheckByType",
    "NtAccessCheckByTypeResultList" }) do
    ntsec[name] = M[name]
  end
  return ntsec
end

return M
