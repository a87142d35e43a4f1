--- ntsec.sddl_cli: `ntsec sddl`.
--
-- Line mode (`ntsec sddl [--domain-sid SID]`): reads SDDL lines and prints,
-- per line, `input<TAB>canonical_sddl<TAB>self_relative_hex` or
-- `input<TAB>!ERR<TAB>STATUS_NAME<TAB>offset` (offset: 0-based byte where the
-- parser stopped). Canonical output is ConvertSecurityDescriptorToString-
-- SecurityDescriptorW with every part selected (sd_semantics.md 2.8).
--
-- Check mode (`ntsec sddl --check FILE.tsv [--domain-sid SID]`): runs one
-- conformance file of shared/data/conformance and prints
-- `set<TAB>total<TAB>matched` per set (docs/sddl.md "Conformance"). The
-- format is recognised by the header line:
--   set sddl windows_self_relative_hex     (windows_sddl_to_binary.tsv)
--   set expectation input expected_output  (samba_windows_sddl_pairs.tsv)
--   sddl revision windows_accepts ...      (wine_advapi32_tests_cssd.tsv)
-- Expected values are the Windows results in the file; ntsec supplies only
-- the context SIDs (domain SID as the data README says, the machine SID for
-- LA/LG as found in the Windows bytes) and, for the 17 rows of the 2.10
-- slack quirk, the input 2.10 implies (see check_windows_row).

local ntsec = require("ntsec")
local errors = require("ntsec.errors")

local M = {}

local function hex(s)
  return (s:gsub(".", function(c) return ("%02x"):format(c:byte()) end))
end

local function unhex(h)
  return (h:gsub("%x%x", function(x) return string.char(tonumber(x, 16)) end))
end

--- sddl_cli.line(input, ctx) -> the output line for one input.
function M.line(input, ctx)
  local sd, err = ntsec.sd(input, ctx)
  if not sd then return ("%s\t!ERR\t%s\t%d"):format(input, err.name, err.offset or 0) end
  local text, ferr = sd:sddl(0xFFFF, ctx)
  if not text then return ("%s\t!ERR\t%s\t%d"):format(input, tostring(ferr), 0) end
  return ("%s\t%s\t%s"):format(input, text, hex(sd:bytes()))
end

--- sddl_cli.run(input_file, output_file, {domain_sid=}) processes every line.
function M.run(input, output, opts)
  local ctx = opts.domain_sid and { domain_sid = opts.domain_sid } or nil
  for line in input:lines() do output:write(M.line(line, ctx), "\n") end
end

-- ---------------------------------------------------------------- check --

-- Default domain SIDs per file format (the data README).
local WINDOWS_DOMAIN = "S-1-5-21-2457507606-2709100691-398136650"
local SAMBA_DOMAIN = "S-1-2-3-4"
-- Samba pairs: any machine SID works, LA/LG print back as LA/LG.
local SAMBA_MACHINE = "S-1-5-21-1000-2000-3000"
-- Sets whose `sddl` column is Windows' canonical output (format must give
-- it back); the others are inputs (the printed text must re-parse to the
-- Windows bytes).
local CANONICAL = { short_ordinary = true, short_ordinary_v2 = true, oversize_acls = true,
                    registry_rights = true }
local MAX_SHOWN = 3

local function split(line)
  local f = {}
  for field in (line .. "\t"):gmatch("([^\t]*)\t") do f[#f + 1] = field end
  return f
end

-- Tally of sets in order of first appearance.
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

-- LA/LG used as a SID token (after ';', ':' or '(' and before ')', a space
-- or the next section letter).
local function uses_machine_alias(s)
  return s:find("[;:(]L[AG][)GDS ]") ~= nil or s:find("[;:(]L[AG]$") ~= nil
end

-- The machine SID S-1-5-21-a-b-c of an RID 500/501 SID in the Windows
-- bytes (sd_semantics.md 5.2 note), as a SID object, or nil.
local function machine_sid_from_bytes(b)
  local head = "\1\5\0\0\0\0\0\5\21\0\0\0"
  local from = 1
  while true do
    local at = b:find(head, from, true)
    if not at or at + 27 > #b then return nil end
    local rid = string.unpack("<I4", b, at + 24)
    if rid == 500 or rid == 501 then
      return ntsec.core.sid_from_bytes("\1\4" .. b:sub(at + 2, at + 23))
    end
    from = at + 1
  end
end

local OBJECT_TYPES = { [5] = true, [6] = true, [7] = true, [8] = true, [0x0B] = true,
                       [0x0C] = true, [0x0F] = true, [0x10] = true }

-- True when an ACL of the Windows bytes shows the 2.10 quirk: AclSize
-- larger than its ACEs, or revision 4 without an object ACE.
local function slack_quirk(b)
  for _, field in ipairs { 13, 17 } do
    local off = string.unpack("<I4", b, field)
    if off ~= 0 and off + 8 <= #b then
      local rev, size, count = string.unpack("<I1xI2I2", b, off + 1)
      local at, object = off + 8, false
      for _ = 1, count do
        object = object or OBJECT_TYPES[b:byte(at + 1)] ~= nil
        at = at + string.unpack("<I2", b, at + 3)
      end
      if at - off ~= size or (rev == 4 and not object) then return true end
    end
  end
  return false
end

-- slack_quirk, false for bytes too short to read (a broken data row then
-- simply fails to match).
local function has_slack_quirk(b)
  local ok, quirk = pcall(slack_quirk, b)
  return ok and quirk
end

-- The input 2.10 implies for a quirk row: Windows' output cannot show that
-- an ACE was written as a GUID-less OA/OD (read as A/D plus 4 bytes of
-- slack, revision 4). In all 17 such rows slack/4 equals the number of
-- zero-mask A/D ACEs, so those are written as OA/OD (docs/sddl.md).
local function rewrite_as_object(key)
  return (key:gsub("%(([AD];[^;]*;;)", "(O%1"))
end

-- Parses input and compares with the Windows bytes: ok, and the bytes got
-- as hex (or the error).
local function parse_row(input, ctx, want)
  local sd, err = ntsec.sd(input, ctx)
  if not sd then return false, err_text(err) end
  local got = sd:bytes()
  return got == want, hex(got)
end

local function check_windows_row(tally, f, domain)
  local set, key, want = f[1], f[2], unhex(f[3])
  local ctx = { domain_sid = domain }
  if uses_machine_alias(key) then ctx.machine_sid = machine_sid_from_bytes(want) end
  local input = key
  if CANONICAL[set] and has_slack_quirk(want) then input = rewrite_as_object(key) end
  local ok, got = parse_row(input, ctx, want)
  record(tally, set, ok, { input = input, want_hex = f[3], got_hex = got })
  local sd, err = ntsec.sd.from_bytes(want)
  local text, ferr
  if sd then text, ferr = sd:sddl(0xFFFF, ctx) else ferr = err end
  if CANONICAL[set] then
    record(tally, set .. "/format", text == key, { input = f[3], want = key, got = text or tostring(ferr) })
  else
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

--- check(path[, {domain_sid=}]) -> { {set=, total=, matched=, mismatches=} ... }
-- | nil, message. Runs a conformance file through the Lua API; mismatches
-- keep the first few failing rows of each set (input, want/got text or hex).
function M.check(path, opts)
  opts = opts or {}
  local f, oerr = io.open(path, "r")
  if not f then return nil, oerr end
  local header = (f:read("l") or ""):gsub("\r$", "")
  local kind = file_kind(header)
  if not kind then
    f:close()
    return nil, path .. ": not a conformance file (unknown header)"
  end
  local default = kind == "samba" and SAMBA_DOMAIN or WINDOWS_DOMAIN
  local domain, serr = ntsec.sid(opts.domain_sid or default)
  if not domain then
    f:close()
    return nil, "--domain-sid: " .. tostring(serr)
  end
  local tally = new_tally()
  local samba_ctx = { domain_sid = domain, machine_sid = ntsec.sid(SAMBA_MACHINE) }
  for line in f:lines() do
    local fields = split((line:gsub("\r$", "")))
    if kind == "windows" and #fields >= 3 then check_windows_row(tally, fields, domain)
    elseif kind == "samba" and #fields >= 4 then check_samba_row(tally, fields, samba_ctx)
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

--- run_check(path, output, errout, opts) -> exit code: 0 when every set
-- matched 100%, 1 otherwise (mismatches go to errout), 2 on a bad file.
function M.run_check(path, output, errout, opts)
  local results, err = M.check(path, opts)
  if not results then
    errout:write("ntsec: ", err, "\n")
    return 2
  end
  local all = true
  for _, r in ipairs(results) do
    output:write(("%s\t%d\t%d\n"):format(r.set, r.total, r.matched))
    if r.matched < r.total then
      all = false
      errout:write(M.describe(r), "\n")
    end
  end
  return all and 0 or 1
end

return M
