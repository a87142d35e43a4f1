-- fuzz/seed.lua: seeds the fuzz corpora from the ground-truth data (run from
-- the project root; `make fuzz` does). SDDL harness: every 4th
-- short_ordinary row and every row of the other sets of
-- windows_sddl_to_binary.tsv, the Samba and Wine inputs, the Microsoft corpus.
-- Binary harnesses (binary, roundtrip): the Windows bytes of the same rows.
local data = "../shared/data/"
local dirs = { "fuzz/corpus-sddl", "fuzz/corpus-binary", "fuzz/corpus-roundtrip" }
os.execute("mkdir -p " .. table.concat(dirs, " "))

local function put(dir, name, bytes)
  local f = assert(io.open(dir .. "/" .. name, "wb"))
  f:write(bytes)
  f:close()
end

local function unhex(hex)
  return (hex:gsub("..", function(x) return string.char(tonumber(x, 16)) end))
end

local n = 0
for line in io.lines(data .. "conformance/windows_sddl_to_binary.tsv") do
  n = n + 1
  local set, sddl, hex = line:match("^([^\t]*)\t([^\t]*)\t(%x*)$")
  if sddl and (set ~= "short_ordinary" or n % 4 == 0) then
    local name = ("w%05d"):format(n)
    put(dirs[1], name, sddl)
    put(dirs[2], name, unhex(hex))
    put(dirs[3], name, unhex(hex))
  end
end

n = 0
for line in io.lines(data .. "conformance/samba_windows_sddl_pairs.tsv") do
  n = n + 1
  local input = select(3, line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)"))
  if n > 1 and input then put(dirs[1], ("s%03d"):format(n), input) end
end

n = 0
for line in io.lines(data .. "conformance/wine_advapi32_tests_cssd.tsv") do
  n = n + 1
  local input = line:match("^([^\t]*)")
  if n > 1 and input then put(dirs[1], ("v%03d"):format(n), input) end
end

for _, file in ipairs { "ad_schema_sddl.txt", "adprep_schema_updates_sddl.txt" } do
  n = 0
  for line in io.lines(data .. "corpus/" .. file) do
    n = n + 1
    put(dirs[1], ("c%s%03d"):format(file:sub(1, 6), n), line)
  end
end
n = 0
for line in io.lines(data .. "corpus/adprep_forest_updates_sddl.tsv") do
  n = n + 1
  local sddl = line:match("^[^\t]*\t(.*)$")
  if n > 1 and sddl then put(dirs[1], ("f%03d"):format(n), sddl) end
end

-- Access harness (issue 4): a 12-byte header (token, request; see
-- fuzz/access_fuzz.c) before Windows descriptor bytes: the conditional and
-- resource-attribute sets and every 25th short_ordinary row, with owner and
-- group added where Windows' string had none (O:BA G:SY in front).
os.execute("mkdir -p fuzz/corpus-access")
local headers = {
  "\x00\xff\x00\x00\x00\x00\x00\xff\x89\x00\x12\x00",   -- plain token, FILE_GENERIC_READ
  "\x06\x07\x00\x02\x00\x03\x00\x07\x00\x00\x00\x02",   -- medium IL, deny-only BU, MAXIMUM_ALLOWED
  "\x33\x0f\x00\x00\x00\x1f\x05\x01\x16\x01\x12\x00",   -- restricted, backup intent, all privileges
  "\x04\x01\x00\x00\x00\x10\x00\x07\x00\x00\x08\x00",   -- low IL, SeRelabel, WRITE_OWNER
}
-- Self-relative bytes with an owner (BA) and a group (SY) appended when
-- the descriptor has none, so that the check runs instead of failing.
local BA = unhex("01020000000000052000000020020000")
local SY = unhex("010100000000000512000000")
local function with_owner_group(sd)
  local function off(at) return sd:byte(at + 1) | sd:byte(at + 2) << 8 | sd:byte(at + 3) << 16 | sd:byte(at + 4) << 24 end
  local function le32(v) return string.char(v & 255, v >> 8 & 255, v >> 16 & 255, v >> 24 & 255) end
  if off(4) == 0 then sd = sd:sub(1, 4) .. le32(#sd) .. sd:sub(9) .. BA end
  if off(8) == 0 then sd = sd:sub(1, 8) .. le32(#sd) .. sd:sub(13) .. SY end
  return sd
end
n = 0
local seeded = 0
for line in io.lines(data .. "conformance/windows_sddl_to_binary.tsv") do
  n = n + 1
  local set, _, hex = line:match("^([^\t]*)\t([^\t]*)\t(%x*)$")
  local wanted = set and (set:match("^conditional") or (set == "short_ordinary" and n % 25 == 0))
  if wanted and #hex >= 40 then
    seeded = seeded + 1
    put("fuzz/corpus-access", ("a%05d"):format(n), headers[seeded % #headers + 1] .. with_owner_group(unhex(hex)))
  end
end

-- Importer harness (issue 15): the two real dumps cut down to the first two
-- <item>s of every list (depth by indentation: netsh indents with tabs), the
-- trailing <firewallState> kept; then each cut truncated at a third and at
-- two thirds, and the first half of one spliced to the second half of the
-- other.
os.execute("mkdir -p fuzz/corpus-import")
local function cut(path, keep)
  local out, skip_to, seen = {}, nil, {}
  for line in io.lines(path) do
    local tabs = #line:match("^\t*")
    if skip_to then
      if tabs == skip_to and line:match("^\t*</item>") then skip_to = nil end
    else
      if line:match("^\t*<item>%s*$") then
        seen[tabs] = (seen[tabs] or 0) + 1
        if seen[tabs] > keep then skip_to = tabs end
      elseif line:match("^\t*</") then
        seen[tabs + 1] = 0    -- a list closed: the next list starts its count again
      end
      if not skip_to then out[#out + 1] = line end
    end
  end
  return table.concat(out, "\n") .. "\n"
end
local cuts = {}
for i, file in ipairs { "netsh-wfpstate-1.xml", "netsh-wfpstate-2.xml" } do
  cuts[i] = cut(data .. "wfpstate/" .. file, 2)
  put("fuzz/corpus-import", ("dump%d"):format(i), cuts[i])
  put("fuzz/corpus-import", ("dump%d-third"):format(i), cuts[i]:sub(1, #cuts[i] // 3))
  put("fuzz/corpus-import", ("dump%d-two-thirds"):format(i), cuts[i]:sub(1, 2 * #cuts[i] // 3))
end
put("fuzz/corpus-import", "splice12", cuts[1]:sub(1, #cuts[1] // 2) .. cuts[2]:sub(#cuts[2] // 2 + 1))
put("fuzz/corpus-import", "splice21", cuts[2]:sub(1, #cuts[2] // 2) .. cuts[1]:sub(#cuts[1] // 2 + 1))
