-- gen_rockspec.lua: writes ntsec-scm-1.rockspec with the current C sources
-- and Lua modules (the builtin backend cannot glob). `make rockspec`;
-- spec/packaging_spec.lua checks the committed file is up to date.
local function list(cmd)
  local out = {}
  local p = assert(io.popen(cmd))
  for line in p:lines() do out[#out + 1] = line end
  p:close()
  table.sort(out)
  return out
end

local c_sources = list("ls src/core/*.c src/core/wfp/*.c src/core/ks/*.c src/lua/*.c 2>/dev/null")
local lua_modules = list("ls lua/ntsec/*.lua lua/ntsec/*/*.lua 2>/dev/null")

local lines = {
  'rockspec_format = "3.0"',
  'package = "ntsec"',
  'version = "scm-1"',
  'source = { url = "git+file://." }',
  "description = {",
  '  summary = "Windows security semantics (SDDL, descriptors, access checks, WFP, KS) for Lua 5.4",',
  '  license = "MIT",',
  "}",
  'dependencies = { "lua >= 5.4, < 5.5" }',
  "build = {",
  '  type = "builtin",',
  "  modules = {",
  '    ["ntsec.core"] = {',
  "      sources = {",
}
for _, f in ipairs(c_sources) do lines[#lines + 1] = ('        "%s",'):format(f) end
lines[#lines + 1] = "      },"
lines[#lines + 1] = '      incdirs = { "src/core", "src/core/wfp", "src/core/ks" },'
lines[#lines + 1] = '      defines = { "_POSIX_C_SOURCE=200809L" },'
lines[#lines + 1] = '      libraries = { "sqlite3", "expat" },'
lines[#lines + 1] = "    },"
for _, f in ipairs(lua_modules) do
  local name = f:match("^lua/(.*)%.lua$"):gsub("/", ".")
  name = name:gsub("%.init$", "")
  lines[#lines + 1] = ('    ["%s"] = "%s",'):format(name, f)
end
lines[#lines + 1] = "  },"
lines[#lines + 1] = '  install = { bin = { ntsec = "bin/ntsec" } },'
lines[#lines + 1] = "}"

local out = arg[1] or "ntsec-scm-1.rockspec"
local f = assert(io.open(out, "w"))
f:write(table.concat(lines, "\n"), "\n")
f:close()
