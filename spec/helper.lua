-- spec/helper.lua: shared by every spec (see .busted).
-- Warnings on; helpers for data files and hex.
warn("@on")

local helper = {}

--- Absolute-ish path of a shared data file (tests run from the project root).
function helper.data(rel)
  return "../shared/data/" .. rel
end

--- Bytes -> lower-case hex.
function helper.hex(s)
  return (s:gsub(".", function(c) return ("%02x"):format(c:byte()) end))
end

--- Hex (spaces allowed) -> bytes.
function helper.unhex(h)
  h = h:gsub("%s", "")
  return (h:gsub("..", function(x) return string.char(tonumber(x, 16)) end))
end

--- Lines of a TSV file as arrays of fields (header skipped).
function helper.tsv(path)
  local rows, first = {}, true
  for line in io.lines(path) do
    if first then first = false
    else
      local row = {}
      for field in (line .. "\t"):gmatch("(.-)\t") do row[#row + 1] = field end
      rows[#rows + 1] = row
    end
  end
  return rows
end

--- Tokens shared by the KS specs: an ordinary user and an administrator
-- whose Administrators group may own objects (SE_GROUP_OWNER).
function helper.user_token()
  return require("ntsec").token { user = "S-1-5-21-1-2-3-1001", groups = { "WD", "AU", "BU" } }
end

function helper.admin_token()
  return require("ntsec").token { user = "S-1-5-21-1-2-3-500",
    groups = { "WD", "AU", "BU", { sid = "BA", owner = true } } }
end

package.loaded["spec.helper"] = helper
return helper
