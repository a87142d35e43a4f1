-- bench/scale_child.lua STATE: what `bin/ntsec audit STATE --policy NOOP`
-- does (import, the default report as text, written to /dev/null), run as a
-- child of bench/scale_lua_bench.lua so that its peak RSS is its own.
-- Prints audit_cpu_s (os.clock) and audit_peak_rss_kb (VmHWM), and the
-- phases of that time (audit.run's timings, then the text report):
-- phase_<name>_s lines, which add up to audit_cpu_s (to a few ms).
package.path = "./lua/?.lua;./lua/?/init.lua;" .. package.path
package.cpath = "./" .. (os.getenv("NTSEC_BUILD") or "build") .. "/?.so;" .. package.cpath

local state = assert(arg[1], "usage: lua5.4 bench/scale_child.lua STATE")
local policy = os.tmpname()
local f = assert(io.open(policy, "w"))
f:write("-- does nothing\n")
f:close()

local timings = {}
local t0 = os.clock()
local result = assert(require("ntsec.audit").run { state = state, policy = policy, progress = false,
                                                   timings = timings })
local t1 = os.clock()
local out = assert(io.open("/dev/null", "w"))
out:write(require("ntsec.report").text(result, { state = state, policy = policy }))
out:close()
local t2 = os.clock()
local cpu = t2 - t0
timings.text_report = t2 - t1
os.remove(policy)

local hwm
for line in io.lines("/proc/self/status") do hwm = hwm or line:match("^VmHWM:%s*(%d+)") end
print(("audit_cpu_s=%.2f"):format(cpu))
print(("audit_peak_rss_kb=%s"):format(hwm or "?"))
for _, phase in ipairs({ "import", "snapshot_before", "policy", "snapshot_after", "compare", "flows", "text_report" }) do
  print(("phase_%s_s=%.2f"):format(phase, timings[phase] or 0))
end
print(("audit_callouts=%d"):format(result.imported.callouts))
print(("audit_filters=%d"):format(result.imported.filters))
