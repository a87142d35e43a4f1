-- bench/wfp_lua_bench.lua: the filter engine through the Lua API (`make bench`),
-- printing name=value lines. Import time of both real dumps
-- (shared/data/wfpstate, through lua/ntsec/netsh.lua), and for engines of
-- 1,000 and 1,000,000 callouts (NTSEC_WFP_BENCH_N overrides the large one):
-- add rate, FwpmCalloutGetByKey0 and FwpmCalloutSetSecurityInfoByKey0 rates
-- (kernel and user mode). Timing uses os.clock (CPU time of this process).
package.path = "./lua/?.lua;./lua/?/init.lua;" .. package.path
package.cpath = "./" .. (os.getenv("NTSEC_BUILD") or "build") .. "/?.so;" .. package.cpath

local ntsec = require("ntsec")
local netsh = require("ntsec.netsh")
local wfp = ntsec.wfp

local function report(name, value) print(("%s=%.0f"):format(name, value)) end

local function import_dumps()
  for i = 1, 2 do
    local e = wfp.engine { max_callouts = -1 }
    local t0 = os.clock()
    assert(netsh.import_file(e, ("../shared/data/wfpstate/netsh-wfpstate-%d.xml"):format(i)))
    report(("wfp_lua_import_dump%d_ms"):format(i), (os.clock() - t0) * 1000)
    e:close()
  end
end

local function keys(n)
  local out = {}
  for i = 1, n do out[i] = ("{%08x-0000-4000-8000-%012x}"):format(i, i) end
  return out
end

local function rate(rounds, f)
  local t0 = os.clock()
  f()
  return rounds / (os.clock() - t0)
end

local function scale(n, tag)
  local e = wfp.engine { clock = "virtual", max_callouts = -1 }
  local k = assert(e:open { kernel_mode = true })
  local admin = ntsec.token { user = "S-1-5-21-1-2-3-500", groups = { "BA", "WD" } }
  local u = assert(e:open { token = admin })
  local ks = keys(n)
  report("wfp_lua_add_callout_" .. tag .. "_per_s", rate(n, function()
    for i = 1, n do k:add_callout { key = ks[i], name = "c" } end
  end))
  local get, set = wfp.FwpmCalloutGetByKey0, wfp.FwpmCalloutSetSecurityInfoByKey0
  local rounds = 1000000
  report("wfp_lua_get_by_key_" .. tag .. "_per_s", rate(rounds, function()
    for i = 1, rounds do get(k, ks[(i * 7919) % n + 1]) end
  end))
  local a = assert(ntsec.sd("D:(A;;GA;;;BA)(A;;GR;;;BU)")).dacl
  local b = assert(ntsec.sd("D:(D;;SD;;;WD)(A;;GA;;;BA)")).dacl
  local DACL = ntsec.DACL_SECURITY_INFORMATION
  for mode, s in pairs { kernel = k, user = u } do
    report(("wfp_lua_set_security_%s_%s_per_s"):format(tag, mode), rate(rounds, function()
      for i = 1, rounds do set(s, ks[(i * 7919) % n + 1], DACL, nil, nil, (i & 1) == 1 and a or b, nil) end
    end))
  end
  report("wfp_lua_distinct_sd_bytes_" .. tag, e:sd_bytes())
  e:close()
end

import_dumps()
scale(1000, "1k")
local big = tonumber(os.getenv("NTSEC_WFP_BENCH_N") or "1000000")
scale(big, big == 1000000 and "1M" or "N")
