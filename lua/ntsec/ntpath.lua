--- ntsec.ntpath: DOS paths to the NT paths the filter engine compares.
-- FWPM_CONDITION_ALE_APP_ID is the program's NT path, lower-cased
-- (`\device\harddiskvolume3\windows\system32\svchost.exe`; wfp_classify.md
-- 2.3), which is what `engine:classify{app=}` and `ntsec.token{app=}` take.
-- People know the DOS form (`C:\Windows\System32\svchost.exe`); the volume
-- device behind a drive letter is machine state a dump does not print, so it
-- comes from a map: the caller's, or one read off a dump's own app ids
-- (`volume_map`), or `DEFAULT_MAP`. Choices: docs/classify.md "App paths".

local errors = require("ntsec.errors")

local M = {}

--- The default drive map: `C` -> `\device\harddiskvolume3`.
-- EMULATOR CHOICE: netsh-wfpstate-1.xml's app ids put `\windows\` on
-- harddiskvolume3 (netsh-wfpstate-2.xml on harddiskvolume6); volume 3 is
-- also what a default UEFI install gives C: (recovery, EFI, Windows). Only
-- C is mapped: no dump shows which letter another volume has.
M.DEFAULT_MAP = { C = "\\device\\harddiskvolume3" }

-- Lower case as the engine folds app ids (ntsec_fwp_fold16): ASCII, and
-- Latin-1 U+00C0-U+00DE except U+00D7 (UTF-8 C3 80-9E -> C3 A0-BE).
local function fold(s)
  return (s:lower():gsub("\xC3([\x80-\x9E])", function(b)
    if b == "\x97" then return nil end
    return "\xC3" .. string.char(b:byte() + 0x20)
  end))
end

local function fail(detail)
  local err = errors.new("STATUS_OBJECT_PATH_NOT_FOUND", "ntpath")
  err.detail = detail
  return nil, err
end

-- A map's device for a drive letter (keys "C", "c", "C:" alike).
local function device_for(map, letter)
  for k, v in pairs(map) do
    if type(k) ~= "string" or type(v) ~= "string" then
      error("ntpath: a map is {LETTER = \"\\\\device\\\\...\"}", 3)
    end
    if k:sub(1, 1):upper() == letter and (#k == 1 or k:sub(2) == ":") then return v end
  end
  return nil
end

--- `ntpath.is_nt(path)` -> boolean: the path is already in NT form
-- (`\device\...`, `\??\...`) or the literal `System` (the kernel's app id,
-- wfp_classify.md 2.3).
function M.is_nt(path)
  local p = path:lower()
  return p:sub(1, 8) == "\\device\\" or p:sub(1, 4) == "\\??\\" or path == "System"
end

--- `ntpath.to_nt(path[, map])` -> NT path (lower-cased), or nil, err.
-- path: `C:\dir\file.exe` (or `C:/dir/file.exe`), `\\?\C:\...`,
-- `\\server\share\...` (-> `\device\mup\server\share\...`, the UNC
-- provider), or a path already in NT form (returned lower-cased; `System`
-- as is). map: {LETTER = "\device\harddiskvolumeN"} (default DEFAULT_MAP).
-- Lower-casing is ASCII and Latin-1 as the engine folds (the engine folds
-- again; the result is what it compares).
-- Errors: err (ntsec.errors, STATUS_OBJECT_PATH_NOT_FOUND) with err.detail
-- for a relative path or a drive letter the map does not have. Raises for a
-- non-string path or a malformed map.
function M.to_nt(path, map)
  if type(path) ~= "string" then error("ntpath.to_nt: path must be a string", 2) end
  if map ~= nil and type(map) ~= "table" then error("ntpath.to_nt: map must be a table", 2) end
  if path == "System" then return path end
  local p = path:gsub("/", "\\")
  if M.is_nt(p) then return fold(p) end
  p = p:gsub("^\\\\%?\\", "")
  local server_path = p:match("^\\\\([^\\].*)$")
  if server_path then return fold("\\device\\mup\\" .. server_path) end
  local letter, rest = p:match("^(%a):(\\.*)$")
  if not letter then
    return fail(("'%s' is not an absolute DOS path (C:\\...), a UNC path or an NT path"):format(path))
  end
  local device = device_for(map or M.DEFAULT_MAP, letter:upper())
  if not device then
    return fail(("no NT volume known for drive %s: (give a map, e.g. {%s = \"\\device\\harddiskvolume4\"})")
      :format(letter:upper(), letter:upper()))
  end
  return fold(device:gsub("\\$", "") .. rest)
end

--- `ntpath.volume_map(engine)` -> map or nil: the drive map a dump implies.
-- The volume whose ALE_APP_ID conditions hold most `\windows\` paths is
-- taken as C: (the dump does not print drive letters; EMULATOR CHOICE).
-- nil when no filter of the engine names such a path.
function M.volume_map(engine)
  local votes, best, most = {}, nil, 0
  for _, f in ipairs(engine:filters()) do
    for _, c in ipairs(f.conditions) do
      local s = c.field == "FWPM_CONDITION_ALE_APP_ID" and c.as_string
      local volume = s and s:lower():match("^(\\device\\harddiskvolume%d+)\\windows\\")
      if volume then
        votes[volume] = (votes[volume] or 0) + 1
        if votes[volume] > most or (votes[volume] == most and volume < best) then
          best, most = volume, votes[volume]
        end
      end
    end
  end
  return best and { C = best } or nil
end

return M
