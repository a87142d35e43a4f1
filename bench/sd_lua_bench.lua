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
-- <op>_per_s is operations over CPU time (os.clock) of ROUNDS rounds, each
-- at least NTSEC_BENCH_SECONDS/ROUNDS, garbage collection included;
-- <op>_per_s_best the fastest round (one that had little collection to do).
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

-- One round: pass(items) (one operation per item) until at least min_s CPU
-- seconds; returns operations and seconds.
local function round(items, pass, min_s)
  local n, t0 = 0, os.clock()
  repeat
    pass(items)
    n = n + #items
  until os.clock() - t0 >= min_s
  return n, os.clock() - t0
end

-- Lua heap bytes per operation over one pass, collector stopped.
local function heap_per_op(items, pass)
  collectgarbage("collect")
  collectgarbage("stop")
  local before = collectgarbage("count")
  pass(items)
  local grown = (collectgarbage("count") - before) * 1024
  collectgarbage("restart")
  collectgarbage("collect")
  return grown / #items
end

local function bench(name, items, pass)
  pass(items)                                   -- warm up
  local ops, secs, best = 0, 0, 0
  for _ = 1, ROUNDS do
    local n, t = round(items, pass, SECONDS / ROUNDS)
    ops, secs, best = ops + n, secs + t, math.max(best, n / t)
  end
  print(("%s_per_s=%.0f"):format(name, ops / secs))
  print(("%s_per_s_best=%.0f"):format(name, best))
  print(("%s_lua_heap_bytes_per_op=%.1f"):format(name, heap_per_op(items, pass)))
end

local sddl, bytes, sds = load_corpus()
local parsed = 0
for _, s in ipairs(sddl) do if ntsec.sd(s, CTX) then parsed = parsed + 1 end end
print(("lua_corpus_strings=%d"):format(#sddl))
print(("lua_corpus_parsed=%d"):format(parsed))

-- One pass per operation, written as a user's loop would be.
local sd_new, from_bytes = ntsec.sd, ntsec.sd.from_bytes
bench("lua_sddl_decode", sddl, function(items)
  for i = 1, #items do local _ = sd_new(items[i], CTX) end
end)
bench("lua_sddl_format", sds, function(items)
  for i = 1, #items do local _ = items[i]:sddl(0xFFFF, CTX) end
end)
bench("lua_sddl_roundtrip", sddl, function(items)
  for i = 1, #items do local _ = sd_new(items[i], CTX):sddl(0xFFFF, CTX) end
end)
bench("lua_binary_parse", bytes, function(items)
  for i = 1, #items do local _ = from_bytes(items[i]) end
end)
bench("lua_binary_write", sds, function(items)
  for i = 1, #items do local _ = items[i]:bytes() end
end)
