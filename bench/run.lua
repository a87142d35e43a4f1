-- bench/run.lua: `make bench` runs every C benchmark binary build/bench/*
-- (from bench/*_bench.c) and then every Lua benchmark bench/*_bench.lua.
-- Each prints `name=value` lines (ops/s, bytes, ratios against the peers);
-- this runner adds a heading per benchmark. When Samba is unpacked
-- (../shared/tools/setup_samba_bpo.sh, SAMBA_BPO_PREFIX or /opt/samba-4.22)
-- its library directories go on LD_LIBRARY_PATH, so that the peer
-- benchmarks can load it; without it they say so and print ntsec alone.
local build = os.getenv("NTSEC_BUILD") or "build"

local function list(cmd)
  local out, p = {}, assert(io.popen(cmd))
  for line in p:lines() do out[#out + 1] = line end
  p:close()
  table.sort(out)
  return out
end

local prefix = os.getenv("SAMBA_BPO_PREFIX") or "/opt/samba-4.22"
local libdirs = ("%s/usr/lib/x86_64-linux-gnu/samba:%s/usr/lib/x86_64-linux-gnu"):format(prefix, prefix)
local env = ""
if os.execute("test -d " .. prefix .. "/usr/lib/x86_64-linux-gnu/samba") then
  local old = os.getenv("LD_LIBRARY_PATH")
  env = ("LD_LIBRARY_PATH=%s "):format(libdirs .. (old and old ~= "" and (":" .. old) or ""))
end

local ok = true
for _, bin in ipairs(list("ls " .. build .. "/bench/* 2>/dev/null")) do
  print("# " .. bin)
  io.stdout:flush()
  ok = os.execute(env .. bin) and ok
end
for _, script in ipairs(list("ls bench/*_bench.lua")) do
  print("# " .. script)
  io.stdout:flush()
  ok = os.execute(env .. "lua5.4 " .. script) and ok
end
os.exit(ok and 0 or 1)
