-- fuzz/seed.lua: seeds the fuzz corpora from the Windows vectors
-- (every 4th row of shared/data/conformance/windows_sddl_to_binary.tsv).
os.execute("mkdir -p fuzz/corpus-sddl fuzz/corpus-binary")
local n = 0
for line in io.lines("../shared/data/conformance/windows_sddl_to_binary.tsv") do
  n = n + 1
  local _, sddl, hex = line:match("^([^\t]*)\t([^\t]*)\t(%x*)$")
  if sddl and n % 4 == 0 then
    local f = assert(io.open(("fuzz/corpus-sddl/%05d"):format(n), "wb"))
    f:write(sddl)
    f:close()
    f = assert(io.open(("fuzz/corpus-binary/%05d"):format(n), "wb"))
    f:write((hex:gsub("..", function(x) return string.char(tonumber(x, 16)) end)))
    f:close()
  end
end
