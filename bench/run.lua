-- bench/run.lua: `make bench` runs every C benchmark binary build/bench/*
-- (from bench/*_bench.c) and then every Lua benchmark bench/*_bench.lua.
-- Each prints `name=value` lines (ops/s, bytes); this runner adds nothing
-- but a heading per benchmark.
local build = os.getenv("NTSEC_BUILD") or "build"

local function list(cmd)
  local out, p = {}, assert(io.popen(cmd))
  for line in p:lines() do out[#out + 1] = line end
  p:close()
  table.sort(out)
  return out
end

local ok = true
for _, bin in ipairs(list("ls " .. build .. "/bench/* 2>/dev/null")) do
  print("# " .. bin)
  io.stdout:flush()
  ok = os.execute(bin) and ok
end
for _, script in ipairs(list("ls bench/*_bench.lua")) do
  print("# " .. script)
  io.stdout:flush()
  ok = os.execute("lua5.4 " .. script) and ok
end
os.exit(ok and 0 or 1)
