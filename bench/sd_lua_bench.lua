-- bench/sd_lua_bench.lua: the descriptor codecs through the Lua API (issue
-- #3), the Lua side of bench/sd_bench.c, on the same inputs: the 7,716 SDDL
-- strings of shared/data/conformance/windows_sddl_to_binary.tsv and the
-- Windows bytes next to them, with the domain SID of the data README as
-- domain and machine SID (so the LA/LG rows parse).
-- Prints `name=value` lines:
--   lua_sddl_decode      ntsec.sd(s, ctx)                 SDDL -> descriptor
--   lua_sddl_format      sd:sddl(0xFFFF, ctx)             descriptor -> SDDL
--   lua_sddl_roundtrip   ntsec.sd(s, ctx):sddl(0xFFFF, ctx)
--   lua_binary_parse     ntsec.sd.from_bytes(b)
--   lua_binary_write     sd:bytes()                       (the self-relative string)
-- <op>_per_s is the median of ROUNDS rounds of CPU time (os.clock), each
-- at least NTSEC_BENCH_SECONDS/ROUNDS; <op>_per_s_best the fastest.
-- <op>_lua_heap_bytes_per_op: Lua heap growth per operation with the
-- collector stopped (userdata, strings); the C side's malloc per
-- operation is what bench/sd_bench.c reports for the same operation.
package.path = "./lua/?.lua;./lua/?/init.lua;" .. package.path
package.cpath = "./" .. (os.getenv("NTSEC_BUILD") or "build") .. "/?.so;" .. package.cpath

local ntsec = require("ntsec")
local SECONDS = tonumber(os.getenv("NTSEC_BENCH_SECONDS") or "1.0")
local ROUNDS = 5
local DOMAIN = assert(ntsec.sid("S-1-5-21-2457507606-2709100691-398136650"))
local CTX = { domain_sid = DOMAIN, machine_sid = DOMAIN }

local function unhex(h)
  return (h:gsub("%x%x", function(x) return string.char(tonumber(x, 16)) end))
end

local function load_corpus()
  local sddl, bytes, sds, first = {}, {}, {}, true
  for line in io.lines("../shared/data/conformance/windows_sddl_to_binary.tsv") do
    if first then first = false
    else
      local _, s, h = line:match("^([^\t]*)\t([^\t]*)\t(%x*)")
      if s then
        local b = unhex(h)
        sddl[#sddl + 1], bytes[#bytes + 1] = s, b
        sds[#sds + 1] = assert(ntsec.sd.from_bytes(b))
      end
    end
  end
  return sddl, bytes, sds
end

-- One round: f over all items until at least min_s CPU seconds; ops/s.
local function round(items, f, min_s)
  local n, t0, t = 0, os.clock(), 0
  repeat
    for i = 1, #items do f(items[i]) end
    n = n + #items
    t = os.clock() - t0
  until t >= min_s
  return n / t
end

-- Lua heap bytes per operation over one pass, collector stopped.
local function heap_per_op(items, f)
  collectgarbage("collect")
  collectgarbage("stop")
  local before = collectgarbage("count")
  for i = 1, #items do f(items[i]) end
  local grown = (collectgarbage("count") - before) * 1024
  collectgarbage("restart")
  collectgarbage("collect")
  return grown / #items
end

local function bench(name, items, f)
  for i = 1, #items do f(items[i]) end          -- warm up
  local rates = {}
  for r = 1, ROUNDS do rates[r] = round(items, f, SECONDS / ROUNDS) end
  table.sort(rates)
  print(("%s_per_s=%.0f"):format(name, rates[(ROUNDS + 1) // 2]))
  print(("%s_per_s_best=%.0f"):format(name, rates[ROUNDS]))
  print(("%s_lua_heap_bytes_per_op=%.1f"):format(name, heap_per_op(items, f)))
end

local sddl, bytes, sds = load_corpus()
local parsed = 0
for _, s in ipairs(sddl) do if ntsec.sd(s, CTX) then parsed = parsed + 1 end end
print(("lua_corpus_strings=%d"):format(#sddl))
print(("lua_corpus_parsed=%d"):format(parsed))

local sd_new = ntsec.sd
bench("lua_sddl_decode", sddl, function(s) return sd_new(s, CTX) end)
bench("lua_sddl_format", sds, function(sd) return sd:sddl(0xFFFF, CTX) end)
bench("lua_sddl_roundtrip", sddl, function(s) return sd_new(s, CTX):sddl(0xFFFF, CTX) end)
bench("lua_binary_parse", bytes, function(b) return ntsec.sd.from_bytes(b) end)
bench("lua_binary_write", sds, function(sd) return sd:bytes() end)
