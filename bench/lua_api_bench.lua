-- bench/lua_api_bench.lua: benchmarks through the Lua API (`make bench`), printing
-- `name=value` lines: operations per second and bytes. The SDDL and binary
-- descriptor codecs are measured by bench/sd_lua_bench.lua (and from C by
-- bench/sd_bench.c); this file keeps the access check and the WFP set-security
-- path. Timing uses os.clock (CPU time of this process); each case runs for at
-- least MIN_SECONDS.
package.path = "./lua/?.lua;./lua/?/init.lua;" .. package.path
package.cpath = "./" .. (os.getenv("NTSEC_BUILD") or "build") .. "/?.so;" .. package.cpath

local ntsec = require("ntsec")
local MIN_SECONDS = tonumber(os.getenv("NTSEC_BENCH_SECONDS") or "1.0")

-- Runs f(item) over items repeatedly; returns operations per second.
local function rate(items, f)
  local n, t0 = 0, os.clock()
  repeat
    for i = 1, #items do f(items[i]) end
    n = n + #items
  until os.clock() - t0 >= MIN_SECONDS
  return n / (os.clock() - t0)
end

local function report(name, value)
  print(("%s=%.0f"):format(name, value))
end

local token = ntsec.token { user = "S-1-5-21-1-2-3-1001", groups = { "WD", "AU", "BU" } }
local acl_sd = assert(ntsec.sd("O:BAG:SYD:(A;;GR;;;BU)(A;;GA;;;BA)(A;;GA;;;SY)"))
report("lua_access_check_per_s", rate({ acl_sd }, function(sd)
  return ntsec.access_check(sd, token, ntsec.MAXIMUM_ALLOWED, "fwpm")
end))

local engine = ntsec.wfp.engine()
local kernel = assert(engine:open { kernel_mode = true, token = ntsec.token { user = "SY" } })
local dacl = assert(ntsec.acl("(A;;GA;;;SY)(A;;GA;;;BA)(A;;GR;;;BU)"))
local set = ntsec.wfp.FwpmCalloutSetSecurityInfoByKey0
report("lua_callout_container_set_security_per_s", rate({ dacl }, function(acl)
  return set(kernel, nil, ntsec.DACL_SECURITY_INFORMATION, nil, nil, acl, nil)
end))
collectgarbage("collect")
report("lua_heap_bytes_after", collectgarbage("count") * 1024)
