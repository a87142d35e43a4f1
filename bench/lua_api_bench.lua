-- bench/lua_api_bench.lua: benchmarks through the Lua API (`make bench`), printing
-- `name=value` lines: operations per second and bytes. Inputs: the 7,716
-- Windows SDDL strings of shared/data/conformance/windows_sddl_to_binary.tsv.
-- Timing uses os.clock (CPU time of this process); each case runs for at
-- least MIN_SECONDS.
package.path = "./lua/?.lua;./lua/?/init.lua;" .. package.path
package.cpath = "./" .. (os.getenv("NTSEC_BUILD") or "build") .. "/?.so;" .. package.cpath

local ntsec = require("ntsec")
local MIN_SECONDS = tonumber(os.getenv("NTSEC_BENCH_SECONDS") or "1.0")
local DOMAIN = { domain_sid = "S-1-5-21-2457507606-2709100691-398136650" }

local function load_corpus()
  local sddl, bytes, first = {}, {}, true
  for line in io.lines("../shared/data/conformance/windows_sddl_to_binary.tsv") do
    if first then first = false
    else
      local _, s = line:match("^([^\t]*)\t([^\t]*)\t")
      local sd = s and ntsec.sd(s, DOMAIN)
      if sd then
        sddl[#sddl + 1] = s
        bytes[#bytes + 1] = sd:bytes()
      end
    end
  end
  return sddl, bytes
end

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

local sddl, bytes = load_corpus()
local sds = {}
for i, b in ipairs(bytes) do sds[i] = ntsec.sd.from_bytes(b) end
local total = 0
for _, b in ipairs(bytes) do total = total + #b end

report("lua_corpus_strings", #sddl)
report("lua_corpus_mean_descriptor_bytes", total / #bytes)
report("lua_sddl_decode_per_s", rate(sddl, function(s) return ntsec.sd(s, DOMAIN) end))
report("lua_sddl_format_per_s", rate(sds, function(sd) return sd:sddl() end))
report("lua_sddl_roundtrip_per_s", rate(sddl, function(s) return ntsec.sd(ntsec.sd(s, DOMAIN):sddl(), DOMAIN) end))
report("lua_binary_parse_per_s", rate(bytes, function(b) return ntsec.sd.from_bytes(b) end))
report("lua_binary_write_per_s", rate(sds, function(sd) return sd:bytes() end))

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
