--- spec/support/sddl_conformance.lua: the one conformance checker for SDDL
-- (docs/sddl.md "Conformance"), on the Lua API. It runs one file of
-- ../shared/data/conformance and tallies, per set, how many rows give
-- Windows' result. The format is recognised by the header line:
--   set sddl windows_self_relative_hex     (windows_sddl_to_binary.tsv)
--   set expectation input expected_output  (samba_windows_sddl_pairs.tsv)
--   sddl revision windows_accepts ...      (wine_advapi32_tests_cssd.tsv)
--
-- Expected values are the Windows results in the files. Inputs and context
-- are fixed before a row is read, never taken from its expected answer:
-- * windows_sddl_to_binary.tsv: domain SID and machine SID are both the
--   constant of ../shared/data/README.md (the vectors come from a domain
--   controller, whose machine SID is the domain SID).
-- * The 17 rows listed in SLACK_ROWS (sd_semantics.md 2.10: 8 of
--   short_ordinary and the 9 of oversize_acls) are Windows outputs of an
--   unknown input (a GUID-less OA/OD, presumably): their key is not the
--   input that produced the bytes, so they are checked in the decode
--   direction only (bytes -> SDDL gives the key back), in the sets
--   "SET/slack-decode". The slack rule itself is tested on its own inputs in
--   spec/sddl_conformance_spec.lua.

local ntsec = require("ntsec")
local errors = require("ntsec.errors")

local M = {}

--- Domain SID of windows_sddl_to_binary.tsv (../shared/data/README.md);
-- also its machine SID (a domain controller).
M.WINDOWS_DOMAIN = "S-1-5-21-2457507606-2709100691-398136650"
M.WINDOWS_MACHINE = M.WINDOWS_DOMAIN
-- Domain SID of the Samba pairs (data README); LA/LG print back as LA/LG
-- whatever the machine SID, so any machine SID will do.
local SAMBA_DOMAIN = "S-1-2-3-4"
local SAMBA_MACHINE = "S-1-5-21-1000-2000-3000"

--- Line numbers (1 = header) of windows_sddl_to_binary.tsv whose Windows
-- bytes carry the 2.10 slack (AclSize 4 bytes per ACE larger than the ACEs,
-- revision 4 without an object ACE), with their set.
M.SLACK_ROWS = {
  [848] = "short_ordinary", [857] = "short_ordinary", [967] = "short_ordinary",
  [984] = "short_ordinary", [1005] = "short_ordinary", [1010] = "short_ordinary",
  [1035] = "short_ordinary", [1054] = "short_ordinary",
  [7638] = "oversize_acls", [7639] = "oversize_acls", [7640] = "oversize_acls",
  [7641] = "oversize_acls", [7642] = "oversize_acls", [7643] = "oversize_acls",
  [7644] = "oversize_acls", [7645] = "oversize_acls", [7646] = "oversize_acls",
}

-- Sets whose `sddl` column is Windows' canonical output (format must give it
-- back, 5.2 of sd_semantics.md); the others are keyed by the input.
local CANONICAL = { short_ordinary = true, short_ordinary_v2 = true, oversize_acls = true,
                    registry_rights = true }
local MAX_SHOWN = 3

local function hex(s)
  return (s:gsub(".", function(c) return ("%02x"):format(c:byte()) end))
end

local function unhex(h)
  return (h:gsub("%x%x", function(x) return string.char(tonumber(x, 16)) end))
end

local function split(line)
  local f = {}
  for field in (line .. "\t"):gmatch("([^\t]*)\t") do f[#f + 1] = field end
  return f
end

local function new_tally()
  return { order = {}, sets = {} }
end

-- Records one case; mismatch = { input=, want=, got=, want_hex=, got_hex= }.
local function record(tally, set, ok, mismatch)
  local t = tally.sets[set]
  if not t then
    t = { set = set, total = 0, matched = 0, mismatches = {} }
    tally.sets[set] = t
    tally.order[#tally.order + 1] = t
  end
  t.total = t.total + 1
  if ok then t.matched = t.matched + 1
  elseif #t.mismatches < MAX_SHOWN then t.mismatches[#t.mismatches + 1] = mismatch end
end

local function err_text(err)
  return ("error %s at %d"):format(err.name, err.offset or 0)
end

-- parse(input) against the Windows bytes: ok, and the bytes got as hex (or
-- the error).
local function parse_row(input, ctx, want)
  local sd, err = ntsec.sd(input, ctx)
  if not sd then return false, err_text(err) end
  local got = sd:bytes()
  return got == want, hex(got)
end

-- format(Windows bytes): the text, or nil, error text.
local function format_bytes(bytes, ctx)
  local sd, err = ntsec.sd.from_bytes(bytes)
  if not sd then return nil, tostring(err) end
  local text, ferr = sd:sddl(0xFFFF, ctx)
  if not text then return nil, tostring(ferr) end
  return text
end

local function check_windows_row(tally, f, ctx, line_no)
  local set, key, want = f[1], f[2], unhex(f[3])
  local text, ferr = format_bytes(want, ctx)
  if M.SLACK_ROWS[line_no] then
    record(tally, set .. "/slack-decode", text == key, { input = f[3], want = key, got = text or ferr })
    return
  end
  local ok, got = parse_row(key, ctx, want)
  record(tally, set, ok, { input = key, want_hex = f[3], got_hex = got })
  if CANONICAL[set] then
    record(tally, set .. "/format", text == key, { input = f[3], want = key, got = text or ferr })
  else
    -- Input-keyed sets: Windows printed nothing, so the printed text is
    -- checked by parsing it back to Windows' bytes (a round trip).
    local ok2, got2 = false, "format: " .. tostring(ferr)
    if text then ok2, got2 = parse_row(text, ctx, want) end
    record(tally, set .. "/reparse", ok2, { input = text or "(format failed)", want_hex = f[3], got_hex = got2 })
  end
end

local function check_samba_row(tally, f, ctx)
  local set, expectation, input, want = f[1], f[2], f[3], f[4]
  local sd, err = ntsec.sd(input, ctx)
  if expectation:sub(1, 10) ~= "windows_ok" then
    record(tally, set, sd == nil, { input = input, want = "rejected", got = "accepted" })
    return
  end
  local text, ferr
  if sd then text, ferr = sd:sddl(0xFFFF, ctx) end
  record(tally, set, text == want,
         { input = input, want = want, got = text or (err and err_text(err)) or tostring(ferr) })
end

--- convert(sddl, revision[, ctx]) -> sd | nil, win32_error: the outcome of
-- ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl, revision, ...):
-- a revision other than SDDL_REVISION_1 fails with ERROR_UNKNOWN_REVISION
-- (1305) before the string is read (sd_semantics.md 2.12); parse errors
-- map through RtlNtStatusToDosError.
function M.convert(sddl, revision, ctx)
  if revision ~= 1 then return nil, 1305 end
  local sd, err = ntsec.sd(sddl, ctx)
  if not sd then return nil, errors.to_win32(err.code) end
  return sd
end

local function check_wine_row(tally, f)
  local input, revision, accepts = f[1], math.tointeger(tonumber(f[2])), f[3] == "1"
  local sd, win32 = M.convert(input, revision)
  local want = accepts and "accepted" or ("error %s or %s"):format(f[4], f[5] ~= "" and f[5] or "-")
  local ok
  if accepts then ok = sd ~= nil
  else ok = sd == nil and (tostring(win32) == f[4] or tostring(win32) == f[5]) end
  record(tally, "wine", ok, { input = input, want = want, got = sd and "accepted" or ("error " .. win32) })
end

local function file_kind(header)
  if header:find("^set\tsddl\t") then return "windows" end
  if header:find("^set\texpectation\t") then return "samba" end
  if header:find("^sddl\trevision\t") then return "wine" end
  return nil
end

local function contexts()
  return {
    windows = { domain_sid = ntsec.sid(M.WINDOWS_DOMAIN), machine_sid = ntsec.sid(M.WINDOWS_MACHINE) },
    samba = { domain_sid = ntsec.sid(SAMBA_DOMAIN), machine_sid = ntsec.sid(SAMBA_MACHINE) },
  }
end

--- check(path) -> { {set=, total=, matched=, mismatches=} ... } | nil,
-- message. Runs a conformance file through the Lua API; mismatches keep the
-- first few failing rows of each set (input, want/got text or hex).
function M.check(path)
  local f, oerr = io.open(path, "r")
  if not f then return nil, oerr end
  local header = (f:read("l") or ""):gsub("\r$", "")
  local kind = file_kind(header)
  if not kind then
    f:close()
    return nil, path .. ": not a conformance file (unknown header)"
  end
  local ctx = contexts()
  local tally, line_no = new_tally(), 1
  for line in f:lines() do
    line_no = line_no + 1
    local fields = split((line:gsub("\r$", "")))
    if kind == "windows" and #fields >= 3 then check_windows_row(tally, fields, ctx.windows, line_no)
    elseif kind == "samba" and #fields >= 4 then check_samba_row(tally, fields, ctx.samba)
    elseif kind == "wine" and #fields >= 3 then check_wine_row(tally, fields) end
  end
  f:close()
  return tally.order
end

-- Index (0-based, in bytes for hex, characters otherwise) of the first
-- difference of two strings.
local function first_difference(a, b, per)
  local i = 1
  while i <= #a and a:sub(i, i) == b:sub(i, i) do i = i + 1 end
  return (i - 1) // per
end

--- describe(result) -> text showing one set's first mismatches as
-- expected/got pairs (hex for bytes, text for SDDL) and where they differ.
function M.describe(result)
  local out = {}
  for _, m in ipairs(result.mismatches) do
    local want, got, per, unit = m.want, m.got, 1, "character"
    if m.want_hex then want, got, per, unit = m.want_hex, m.got_hex, 2, "byte" end
    want, got = tostring(want), tostring(got)
    out[#out + 1] = ("  mismatch [%s]\n    %s %s\n    want:  %s\n    got:   %s\n    first difference at %s %d")
      :format(result.set, m.want_hex and "sddl: " or "bytes:", m.input or "", want, got, unit,
              first_difference(want, got, per))
  end
  return table.concat(out, "\n")
end

--- scores(path) -> text "set<TAB>total<TAB>matched" per set (docs/sddl.md).
function M.scores(path)
  local results = assert(M.check(path))
  local lines = {}
  for _, r in ipairs(results) do lines[#lines + 1] = ("%s\t%d\t%d"):format(r.set, r.total, r.matched) end
  return table.concat(lines, "\n") .. "\n"
end

return M
