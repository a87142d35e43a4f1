--- ntsec.errors: the error catalogue and error objects (wfp_ks_errors.md 5).
--
-- Built on `require("ntsec.core")._errors` (src/lua/nl_status.c); every
-- NTSTATUS, Win32 and HRESULT code ntsec can return has one catalogue entry:
--   { value=, kind="NTSTATUS"|"WIN32"|"HRESULT", name=, names={...},
--     facility=, facility_name=, severity=, message=, win32=, hresult= }
-- Codes are plain non-negative integers (0 .. 0xFFFFFFFF). See docs/errors.md
-- for the mapping rules and the choices made here.
--
-- Argument errors raise ("bad argument #n to 'fn'"): a code that is not an
-- integer in -0x80000000 .. 0xFFFFFFFF, an unknown kind. The functions never
-- return nil, err: an unknown code is a nil answer, not an error.
-- @module ntsec.errors

local core = require("ntsec.core")

local C = core._errors
local M = {}

local KINDS = { NTSTATUS = true, WIN32 = true, HRESULT = true }

-- A 32-bit code: 0 .. 0xFFFFFFFF, or the negative int32 reading of it.
local function check_code(x, fn)
  local v = math.tointeger(x)
  if not v or v < -0x80000000 or v > 0xFFFFFFFF then
    error(("bad argument #1 to '%s' (32-bit integer code expected, got %s)"):format(fn, tostring(x)), 3)
  end
  return v & 0xFFFFFFFF
end

local function check_kind(kind, fn, argn)
  if kind ~= nil and not KINDS[kind] then
    error(("bad argument #%d to '%s' (invalid kind '%s')"):format(argn, fn, tostring(kind)), 3)
  end
end

--- `lookup(code_or_name[, kind])` -> entry | nil.
-- A name (primary or alias) finds its entry; a number is looked up in `kind`
-- ("NTSTATUS", "WIN32", "HRESULT") or, without one, as NTSTATUS, then
-- HRESULT, then Win32. Entry: { value=, kind=, name=, names={...},
-- facility=, facility_name=, severity=, message=, win32= (nil without a
-- Win32 view), hresult= }. nil when no entry matches (or a name's entry is
-- of another kind).
-- Errors: raises on a non-integer or out-of-range code, an unknown kind.
-- Source: docs/errors.md "Lua API summary"; src/core/status.tsv (the catalogue).
function M.lookup(x, kind)
  check_kind(kind, "lookup", 2)
  if type(x) ~= "string" then x = check_code(x, "lookup") end
  return C.lookup(x, kind)
end

--- `to_win32(ntstatus)` -> Win32 code (integer), as RtlNtStatusToDosError:
-- STATUS_FWP_* with a twin -> the FWP_E_* value; unmapped ->
-- ERROR_MR_MID_NOT_FOUND (317). Also `nt_to_win32`.
-- Errors: raises on a non-integer or out-of-range code.
-- Source: wfp_ks_errors.md 5.1, 5.4, 5.6; RtlNtStatusToDosError (Microsoft Learn).
function M.to_win32(status)
  return C.nt_to_win32(check_code(status, "to_win32"))
end

--- `to_hresult(code[, kind])` -> HRESULT (integer).
-- NTSTATUS: 0 -> 0 (S_OK); STATUS_FWP_* with a twin -> its FWP_E_* value;
-- any other -> HRESULT_FROM_NT (s | 0x10000000). Win32: HRESULT_FROM_WIN32.
-- HRESULT: unchanged. `code` may be a name; kind as in new().
-- Errors: raises on a non-integer or out-of-range code, an unknown name or kind.
-- Source: wfp_ks_errors.md 5.1, 5.4; docs/errors.md "Mapping rules".
function M.to_hresult(x, kind)
  if kind ~= "USER" then check_kind(kind, "to_hresult", 2) end
  if type(x) ~= "string" then x = check_code(x, "to_hresult") end
  return C.to_hresult(x, kind)
end

--- `from_hresult(hr)` -> code, kind (kind "NTSTATUS", "WIN32" or "HRESULT").
-- FACILITY_WIN32 (0x8007xxxx) -> the Win32 code; FACILITY_FWP (0x8032xxxx)
-- -> the STATUS_FWP_* twin (0xC022xxxx); NT bit set -> the NTSTATUS
-- (hr & ~0x10000000); 0 -> 0 as Win32 ERROR_SUCCESS; other HRESULTs are
-- returned unchanged with kind "HRESULT".
-- Errors: raises on a non-integer or out-of-range code.
-- Source: wfp_ks_errors.md 5.1, 5.4; src/core/status.c (ntsec_from_hresult).
function M.from_hresult(hr)
  return C.from_hresult(check_code(hr, "from_hresult"))
end

--- `new(code[, op[, kind]])` -> error object.
-- `code`: an integer (or a catalogue name); `kind`: "NTSTATUS", "WIN32",
-- "HRESULT", or "USER" (a user-mode DWORD: Win32 if <= 0xFFFF, else HRESULT);
-- without it, as lookup(). Fields: code (as given), kind, name, message,
-- ntstatus, win32, hresult (nil where there is no such view), op; offset for
-- parse errors. Metatable "ntsec.error": tostring(err) is
-- "NAME (0x%08X): message"; two errors are == when their codes are.
-- The binding builds the same object for every failed idiomatic call
-- (src/lua/nl_result.c), so there is one error type.
-- Errors: raises on a non-integer code, an unknown name or kind, a
-- non-string op.
-- Source: wfp_ks_errors.md 5.7; docs/design.md "Result convention";
-- docs/errors.md "Lua API summary".
function M.new(x, op, kind)
  if kind ~= "USER" then check_kind(kind, "new", 3) end
  if type(x) ~= "string" then x = check_code(x, "new") end
  if op ~= nil and type(op) ~= "string" then
    error(("bad argument #2 to 'new' (string expected, got %s)"):format(type(op)), 2)
  end
  return C.new(x, op, kind)
end

--- `is_error(x)` -> boolean: true if x is an ntsec error object (metatable
-- "ntsec.error", as `new` and every failed idiomatic call make), false for
-- anything else.
-- Errors: none (never raises).
-- Source: docs/design.md "Result convention".
function M.is_error(x)
  return C.is_error(x)
end

--- `name(code[, kind])` -> primary name (string) | nil.
-- A bare number is looked up as in lookup(); nil when no entry matches.
-- Errors: raises on a non-integer or out-of-range code (names are not
-- accepted here), an unknown kind.
-- Source: src/core/status.tsv; docs/errors.md "Lua API summary".
function M.name(x, kind)
  check_kind(kind, "name", 2)
  return C.name(check_code(x, "name"), kind)
end

--- `list()` -> array of every catalogue entry (entries as lookup()),
-- sorted by (kind, value).
-- Errors: none.
-- Source: src/core/status.tsv; docs/errors.md "What is in the catalogue".
function M.list()
  return C.list()
end

M.nt_to_win32 = M.to_win32

--- `hresult_from_nt(ntstatus)` -> HRESULT_FROM_NT(ntstatus) = ntstatus | 0x10000000
-- (integer; the macro, with no FWP twin rule: see `to_hresult`).
-- Errors: raises on a non-integer or out-of-range code.
-- Source: wfp_ks_errors.md 5.1; HRESULT_FROM_NT (Microsoft Learn).
M.hresult_from_nt = function(s) return C.hresult_from_nt(check_code(s, "hresult_from_nt")) end

--- `hresult_from_win32(win32)` -> HRESULT_FROM_WIN32(win32) (integer):
-- 0x80070000 | (win32 & 0xFFFF) for a positive int32; 0 and codes with the
-- top bit set (already HRESULTs) unchanged.
-- Errors: raises on a non-integer or out-of-range code.
-- Source: wfp_ks_errors.md 5.1; HRESULT_FROM_WIN32 (Microsoft Learn).
M.hresult_from_win32 = function(w) return C.hresult_from_win32(check_code(w, "hresult_from_win32")) end

--- The error object (kind "error", metatable "ntsec.error") that `new` and
-- every failed idiomatic call return. A plain table with no methods:
-- `tostring(err)` is "NAME (0x%08X): message"; `a == b` when the codes are
-- equal. A code without a catalogue entry gets the name "UNKNOWN_STATUS".
-- Source: wfp_ks_errors.md 5.7; src/lua/nl_result.c; docs/errors.md.
-- @table error
-- @field code the code as given (integer)
-- @field kind "NTSTATUS", "WIN32" or "HRESULT"
-- @field name the primary catalogue name (e.g. "STATUS_ACCESS_DENIED")
-- @field message the catalogue message
-- @field ntstatus the NTSTATUS view (nil when there is none)
-- @field win32 the Win32 view (nil when there is none)
-- @field hresult the HRESULT view
-- @field op the operation that failed (e.g. "sd", "acl:sddl"; nil from `new` without op)
-- @field offset the byte offset (0-based) where a parser stopped (parse errors only)

return M
