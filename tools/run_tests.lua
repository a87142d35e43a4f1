-- run_tests.lua: runs the whole suite (C test binaries given as arguments,
-- then every busted spec) and prints one closing line "N passed, N failed".
-- Exits non-zero on any failure. Environment:
--   NTSEC_BUILD=dir     build tree whose ntsec/core.so the specs load (build)
--   NTSEC_VALGRIND=1    run everything under valgrind --error-exitcode=1
--   NTSEC_BUSTED_ARGS   extra busted arguments (e.g. "--exclude-tags=slow")

local build = os.getenv("NTSEC_BUILD") or "build"
local valgrind = os.getenv("NTSEC_VALGRIND") == "1"
local busted_args = os.getenv("NTSEC_BUSTED_ARGS") or ""
local vg = "valgrind -q --error-exitcode=97 --leak-check=full --errors-for-leak-kinds=definite "
    .. "--suppressions=tools/valgrind.supp "

local passed, failed = 0, 0

-- Runs cmd, echoing its output; returns the output and whether it exited 0.
local function run(cmd)
  local p = assert(io.popen(cmd .. " 2>&1"))
  local out = p:read("a")
  local ok = p:close()
  io.write(out)
  return out, ok
end

local function run_c_test(bin)
  local out, ok = run((valgrind and vg or "") .. bin)
  local p, f = out:match("(%d+) passed, (%d+) failed%s*$")
  if not p then
    print(("not ok: %s produced no summary"):format(bin))
    failed = failed + 1
    return
  end
  passed, failed = passed + tonumber(p), failed + tonumber(f)
  if not ok and tonumber(f) == 0 then
    print(("not ok: %s exited non-zero (memory error or crash)"):format(bin))
    failed = failed + 1
  end
end

local function run_specs()
  local cmd = ("%slua5.4 /usr/bin/busted --ignore-lua -o TAP --cpath='./%s/?.so' %s")
      :format(valgrind and vg or "", build, busted_args)
  local out, ok = run(cmd)
  local p, f = 0, 0
  for line in out:gmatch("[^\n]+") do
    if line:match("^ok %d") then p = p + 1
    elseif line:match("^not ok %d") then f = f + 1 end
  end
  if not ok and f == 0 then
    print("not ok: busted exited non-zero without a failing test (error outside a test, or memory error)")
    f = 1
  end
  passed, failed = passed + p, failed + f
end

for _, bin in ipairs(arg) do run_c_test(bin) end
run_specs()
print(("%d passed, %d failed"):format(passed, failed))
os.exit(failed == 0 and 0 or 1)
