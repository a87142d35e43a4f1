--- ntsec.errors: the error catalogue and error objects (wfp_ks_errors.md 5).
--
-- Built on `require("ntsec.core")._errors` (src/lua/nl_status.c); every
-- NTSTATUS, Win32 and HRESULT code ntsec can return has one catalogue entry:
--   { value=, kind="NTSTATUS"|"WIN32"|"HRESULT", name=, names={...},
--     facility=, facility_name=, severity=, message=, win32=, hresult= }
-- Codes are plain non-negative integers (0 .. 0xFFFFFFFF). See docs/errors.md
-- for the mapping rules and the choices made here.

local core = require("ntsec.core")

local C = core._errors
local M = {}

local FWP_HR = 0x80320000      -- FACILITY_FWP HRESULTs (FWP_E_*)
local FWP_NT = 0xC0220000      -- FACILITY_FWP_ERROR_CODE NTSTATUS (STATUS_FWP_*)
local WIN32_HR = 0x80070000    -- FACILITY_WIN32 HRESULTs
local NT_BIT = 0x10000000      -- FACILITY_NT_BIT of an HRESULT

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

--- lookup(code_or_name[, kind]) -> entry | nil.
-- A name (primary or alias) finds its entry; a number is looked up in `kind`
-- or, without one, as NTSTATUS, then HRESULT, then Win32.
function M.lookup(x, kind)
  check_kind(kind, "lookup", 2)
  if type(x) ~= "string" then x = check_code(x, "lookup") end
  return C.lookup(x, kind)
end

--- to_win32(ntstatus) -> Win32 code, as RtlNtStatusToDosError (5.1, 5.4):
-- STATUS_FWP_* with a twin -> the FWP_E_* value; unmapped -> 317.
function M.to_win32(status)
  return C.nt_to_win32(check_code(status, "to_win32"))
end

-- Kind of a bare number that is not in the catalogue (docs/errors.md).
local function guess_kind(v)
  local top = v >> 28
  if v <= 0xFFFF then return "WIN32" end
  if top >= 0x8 and top <= 0xB then return "HRESULT" end
  return "NTSTATUS"
end

-- Kind of a code: given, else the catalogue's (NTSTATUS, HRESULT, WIN32
-- preferred in that order), else guessed from the bits. "USER" is a
-- user-mode DWORD: a Win32 code or an FWP_E_* HRESULT (wfp_ks_errors.md 1.4).
local function kind_of(v, kind)
  if kind == "USER" then return v <= 0xFFFF and "WIN32" or "HRESULT" end
  if kind then return kind end
  local e = C.lookup(v)
  return e and e.kind or guess_kind(v)
end

local function resolve(x, kind, fn)
  if type(x) == "string" then
    local e = C.lookup(x)
    if not e then error(("bad argument #1 to '%s' (unknown code name '%s')"):format(fn, x), 3) end
    return e.value, e.kind
  end
  local v = check_code(x, fn)
  return v, kind_of(v, kind)
end

--- to_hresult(code[, kind]) -> HRESULT.
-- NTSTATUS: 0 -> 0 (S_OK); STATUS_FWP_* with a twin -> its FWP_E_* value;
-- any other -> HRESULT_FROM_NT (s | 0x10000000). Win32: HRESULT_FROM_WIN32.
-- HRESULT: unchanged. `code` may be a name; kind as in new().
function M.to_hresult(x, kind)
  if kind ~= "USER" then check_kind(kind, "to_hresult", 2) end
  local v, k = resolve(x, kind, "to_hresult")
  if k == "NTSTATUS" then return C.nt_to_hresult(v) end
  if k == "WIN32" then return C.hresult_from_win32(v) end
  return v
end

--- from_hresult(hr) -> code, kind.
-- FACILITY_WIN32 (0x8007xxxx) -> the Win32 code; FACILITY_FWP (0x8032xxxx)
-- -> the STATUS_FWP_* twin (0xC022xxxx); NT bit set -> the NTSTATUS
-- (hr & ~0x10000000); 0 -> 0 as Win32 ERROR_SUCCESS; other HRESULTs are
-- returned unchanged with kind "HRESULT".
function M.from_hresult(hr)
  local v = check_code(hr, "from_hresult")
  local hi = v & 0xFFFF0000
  if v == 0 then return 0, "WIN32" end
  if hi == WIN32_HR then return v & 0xFFFF, "WIN32" end
  if hi == FWP_HR then return FWP_NT | (v & 0xFFFF), "NTSTATUS" end
  if v & NT_BIT ~= 0 then return v & ~NT_BIT, "NTSTATUS" end
  return v, "HRESULT"
end

local ErrorMT = { __name = "ntsec.error" }

function ErrorMT.__tostring(e)
  return ("%s (0x%08X): %s"):format(e.name, e.code, e.message)
end

local UNKNOWN = { NTSTATUS = "UNKNOWN_STATUS", WIN32 = "UNKNOWN_ERROR", HRESULT = "UNKNOWN_HRESULT" }

-- ntstatus / win32 / hresult views of code v of kind k.
local function views(v, k)
  if k == "NTSTATUS" then return v, C.nt_to_win32(v), C.nt_to_hresult(v) end
  if k == "WIN32" then return nil, v, C.hresult_from_win32(v) end
  local code, ck = M.from_hresult(v)
  if ck == "NTSTATUS" then
    local w = (v & 0xFFFF0000) == FWP_HR and v or C.nt_to_win32(code)
    return code, w, v
  end
  return nil, (ck == "WIN32" and code or nil), v
end

--- new(code[, op[, kind]]) -> error object.
-- `code`: an integer (or a catalogue name); `kind`: "NTSTATUS", "WIN32",
-- "HRESULT", or "USER" (a user-mode DWORD: Win32 if <= 0xFFFF, else HRESULT);
-- without it, as lookup(). Fields: code (as given), kind, name, message,
-- ntstatus, win32, hresult (nil where there is no such view), op.
-- tostring(err) is "NAME (0x%08X): message". Raises on a non-integer code.
function M.new(x, op, kind)
  if kind ~= "USER" then check_kind(kind, "new", 3) end
  local v, k = resolve(x, kind, "new")
  local e = C.lookup(v, k)
  local nt, w, hr = views(v, k)
  return setmetatable({
    code = v, kind = k, op = op,
    name = e and e.name or UNKNOWN[k],
    message = e and e.message or "no catalogue entry for this code",
    ntstatus = nt, win32 = w, hresult = hr,
  }, ErrorMT)
end

--- is_error(x) -> true if x is an ntsec error object.
function M.is_error(x)
  return getmetatable(x) == ErrorMT
end

--- name(code[, kind]) -> primary name | nil (bare numbers as lookup()).
function M.name(x, kind)
  check_kind(kind, "name", 2)
  return C.name(check_code(x, "name"), kind)
end

--- list() -> every catalogue entry, sorted by (kind, value).
function M.list()
  return C.list()
end

M.nt_to_win32 = M.to_win32
M.hresult_from_nt = function(s) return C.hresult_from_nt(check_code(s, "hresult_from_nt")) end
M.hresult_from_win32 = function(w) return C.hresult_from_win32(check_code(w, "hresult_from_win32")) end

return M
