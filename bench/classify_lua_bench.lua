-- bench/classify_lua_bench.lua: engine:classify from Lua (`make bench`;
-- issue 12 target: >= 20,000 flows/s from Lua on one core), beside the
-- import figures. Prints name=value lines.
--
-- Imports netsh-wfpstate-1.xml and -2.xml through lua/ntsec/netsh.lua
-- (classify_lua_import_dumpN_ms, CPU time), then classifies against dump 2
-- the mix of bench/classify_bench.c: 48 flows, three principals (a plain
-- user, a service whose SID the dump's WSH rules name, an AppContainer app
-- with internetClient), two apps, four remote addresses and ports, TCP and
-- UDP, at ALE_AUTH_CONNECT_V4, ALE_AUTH_RECV_ACCEPT_V4 and
-- ALE_AUTH_CONNECT_V6, principals taken in turn. First with the machine
-- context a caller supplies (profiles, interface and tunnel types, ...),
-- then with only addresses, ports and protocol (more DEPENDS outcomes).
-- Each as a caller uses it: the default call reading the decision and the
-- deciding filter (the result's outcomes and trace are built on first use,
-- so this is the headline figure); trace = false; reading the trace; and
-- reading every table of the result as pairs / a JSON writer would. Rates
-- per CPU second of this process (os.clock: the one-core figure on a shared
-- machine), each at least NTSEC_BENCH_SECONDS (default 1). The decision
-- counts are printed to compare with classify_bench.c's.
package.path = "./lua/?.lua;./lua/?/init.lua;" .. package.path
package.cpath = "./" .. (os.getenv("NTSEC_BUILD") or "build") .. "/?.so;" .. package.cpath

local ntsec = require("ntsec")
local netsh = require("ntsec.netsh")

local SECONDS = tonumber(os.getenv("NTSEC_BENCH_SECONDS") or "1.0")
local DATA = "../shared/data/wfpstate/"
local DUMP = os.getenv("NTSEC_CLASSIFY_DUMP") or (DATA .. "netsh-wfpstate-2.xml")

local function report(name, value, fmt) print(("%s=" .. (fmt or "%.0f")):format(name, value)) end

local function import(path)
  local e = ntsec.wfp.engine { max_callouts = -1 }
  local t0 = os.clock()
  assert(netsh.import_file(e, path))
  return e, (os.clock() - t0) * 1000
end

for i = 1, 2 do
  local e, ms = import(("%snetsh-wfpstate-%d.xml"):format(DATA, i))
  report(("classify_lua_import_dump%d_ms"):format(i), ms, "%.1f")
  e:close()
end

local APPS = { "\\device\\harddiskvolume6\\windows\\system32\\svchost.exe",
               "\\device\\harddiskvolume6\\program files\\contoso\\app.exe" }
local V4 = { "8.8.8.8", "192.168.1.1", "127.0.0.1", "224.0.0.251" }
local PORTS = { 443, 80, 53, 137 }
local LAYERS = { "FWPM_LAYER_ALE_AUTH_CONNECT_V4", "FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4",
                 "FWPM_LAYER_ALE_AUTH_CONNECT_V6" }
local BASE = { "WD", "S-1-5-11", "S-1-5-32-545" }

local function token(user, extra, ac)
  local groups = { BASE[1], BASE[2], BASE[3], extra }
  local spec = { user = user, groups = groups }
  if ac then spec.package, spec.capabilities = "S-1-15-2-1-2-3-4-5-6-7", { "internetClient" } end
  return ntsec.token(spec)
end

local principals = {
  { token = token("S-1-5-21-1-2-3-1001", "S-1-5-4"), app = APPS[2] },
  { token = token("S-1-5-19", "S-1-5-80-3915894004-2104103821-3047269622-1811662266-774708259"), app = APPS[1] },
  { token = token("S-1-5-21-1-2-3-1001", "S-1-5-4", true), app = APPS[2] },
}

-- The machine side a caller knows (classify_bench.c set_context).
local CONTEXT = {
  FWPM_CONDITION_ARRIVAL_INTERFACE_PROFILE_ID = 1, FWPM_CONDITION_NEXTHOP_INTERFACE_PROFILE_ID = 1,
  FWPM_CONDITION_ARRIVAL_INTERFACE_TYPE = 6, FWPM_CONDITION_NEXTHOP_INTERFACE_TYPE = 6,
  FWPM_CONDITION_ARRIVAL_TUNNEL_TYPE = 0, FWPM_CONDITION_NEXTHOP_TUNNEL_TYPE = 0,
  FWPM_CONDITION_IP_LOCAL_ADDRESS_TYPE = 0, FWPM_CONDITION_ORIGINAL_ICMP_TYPE = 0,
  FWPM_CONDITION_INTERFACE_QUARANTINE_EPOCH = 0,
  FWPM_CONDITION_IP_ARRIVAL_INTERFACE = 7, FWPM_CONDITION_IP_NEXTHOP_INTERFACE = 7,
}

-- The 48 flows of classify_bench.c (0-based i as there).
local function flows(full, trace)
  local out = {}
  for i = 0, 47 do
    local layer = i % 3
    local p = principals[(i % 3 == 0 and (i // 3) % 3 or i % 3) + 1]
    local f = { layer = LAYERS[layer + 1], token = p.token, app = p.app,
                protocol = i % 4 == 3 and "udp" or "tcp", port = PORTS[i % 4 + 1], local_port = 50000 + i,
                remote = layer == 2 and "2620:1ec:c11::200" or V4[(i // 4) % 4 + 1] }
    if full then f.profile, f.fields = "public", CONTEXT end
    if not trace then f.trace = false end
    out[i + 1] = f
  end
  return out
end

-- Reads every table of a result, as pairs / a JSON writer would.
local function walk(t)
  local n = 0
  for _, v in pairs(t) do
    n = n + 1
    if type(v) == "table" then n = n + walk(v) end
  end
  return n
end

local engine = import(DUMP)

-- What each timed call reads of its result: the decision and the deciding
-- filter (the eager part), the trace (builds outcomes and trace), or every
-- table as pairs / a JSON writer would.
local READ = {
  decision = function(r) return r.decision, r.filter end,
  trace = function(r) return r.trace end,
  every_table = walk,
}

local function run(name, set, read)
  local counts = { permit = 0, block = 0, depends = 0, ambiguous = 0 }
  for _, f in ipairs(set) do
    local r = assert(engine:classify(f))
    counts[r.decision] = counts[r.decision] + 1
  end
  collectgarbage()
  local n, t0 = 0, os.clock()
  repeat
    for k = 1, #set do read(engine:classify(set[k])) end
    n = n + #set
  until os.clock() - t0 >= SECONDS
  report(name, n / (os.clock() - t0))
  return counts
end

for _, full in ipairs { true, false } do
  local ctx = full and "" or "_partial_context"
  local counts = run("classify_lua_flows_per_cpu_s" .. ctx, flows(full, true), READ.decision)
  run("classify_lua_flows_per_cpu_s" .. ctx .. "_no_trace", flows(full, false), READ.decision)
  run("classify_lua_flows_per_cpu_s" .. ctx .. "_trace_read", flows(full, true), READ.trace)
  run("classify_lua_flows_per_cpu_s" .. ctx .. "_every_table_read", flows(full, true), READ.every_table)
  for _, d in ipairs { "permit", "block", "depends", "ambiguous" } do
    report(("classify_lua_%s_%s"):format(full and "mix" or "partial", d), counts[d])
  end
end
engine:close()
