-- bench/access_lua_bench.lua: access-check and set-security calls per second
-- through the Lua API (issue 4; `make bench`). Prints name=value lines.
-- The set-security case is FwpmCalloutSetSecurityInfoByKey0 on the callouts
-- container with a kernel-mode session (target >= 1 M calls/s); CPU time.
package.path = "./lua/?.lua;./lua/?/init.lua;" .. package.path
package.cpath = "./" .. (os.getenv("NTSEC_BUILD") or "build") .. "/?.so;" .. package.cpath

local ntsec = require("ntsec")
local MIN_SECONDS = tonumber(os.getenv("NTSEC_BENCH_SECONDS") or "1.0")

local function rate(f)
  local n, t0 = 0, os.clock()
  repeat
    for _ = 1, 1000 do f() end
    n = n + 1000
  until os.clock() - t0 >= MIN_SECONDS
  return n / (os.clock() - t0)
end

local function report(name, value)
  print(("%s=%.0f"):format(name, value))
end

local engine = ntsec.wfp.engine()
local kernel = assert(engine:open { kernel_mode = true, token = ntsec.token { user = "SY" } })
local dacl = assert(ntsec.acl("(A;;GA;;;SY)(A;;GA;;;BA)(A;;GR;;;BU)"))
local set = ntsec.wfp.FwpmCalloutSetSecurityInfoByKey0
local DACL = ntsec.DACL_SECURITY_INFORMATION
assert(set(kernel, nil, DACL, nil, nil, dacl, nil) == 0)
report("lua_FwpmCalloutSetSecurityInfoByKey0_per_s", rate(function()
  return set(kernel, nil, DACL, nil, nil, dacl, nil)
end))
-- alternating between two DACLs, so that every call changes the descriptor
local dacl2 = assert(ntsec.acl("(A;;GA;;;SY)(A;;GA;;;BA)(A;;GR;;;AU)"))
local flip = false
report("lua_FwpmCalloutSetSecurityInfoByKey0_changing_per_s", rate(function()
  flip = not flip
  return set(kernel, nil, DACL, nil, nil, flip and dacl or dacl2, nil)
end))

local core = ntsec.core
local token = ntsec.token { user = "S-1-5-21-1-2-3-1001", groups = { "WD", "AU", "BU" } }
local sd = assert(ntsec.sd("O:BAG:SYD:(A;;GR;;;BU)(A;;GA;;;BA)(A;;GA;;;SY)"))
report("lua_core_access_check_per_s", rate(function()
  return core.access_check(sd, token, ntsec.MAXIMUM_ALLOWED, "fwpm")
end))
report("lua_explain_per_s", rate(function()
  return core.explain(sd, token, ntsec.MAXIMUM_ALLOWED, "fwpm")
end))
local old, mod = assert(ntsec.sd("O:BAG:SYD:AI(A;ID;FR;;;BU)")), assert(ntsec.sd("D:(A;;GA;;;SY)(A;;GA;;;BA)"))
report("lua_set_security_merge_per_s", rate(function()
  return core.set_security(old, DACL, mod, ntsec.SEF_DACL_AUTO_INHERIT, "fwpm")
end))
