-- spec/support/wfp_store_worker.lua: a second process for spec/wfp_store_spec.lua
-- (run from the project root: lua5.4 spec/support/wfp_store_worker.lua MODE ...).
--   writer PATH FIRST PROGRESS: transactions i = FIRST, FIRST+1, ... each adding
--     the persistent callouts A(i) and B(i); after each commit "i" is appended
--     to PROGRESS. Runs until killed.
--   holder PATH SIGNAL MS KEY: takes the write lock (explicit transaction),
--     adds persistent callout KEY, creates SIGNAL, holds MS milliseconds, commits.
--   has PATH KEY: exit 0 when callout KEY exists, 3 when not.
--   add PATH KEY / delete PATH KEY: one persistent callout, implicit transaction.
package.path = "./lua/?.lua;./lua/?/init.lua;" .. package.path
package.cpath = "./" .. (os.getenv("NTSEC_BUILD") or "build") .. "/?.so;" .. package.cpath

local wfp = require("ntsec").wfp
local rcode = require("spec.support.wfp_result").code

local mode, path = arg[1], arg[2]
local function key(prefix, i) return ("{%s-0000-4000-8000-%012x}"):format(prefix, i) end
local engine = assert(wfp.engine { path = path })
local session = assert(engine:open { kernel_mode = true, txn_timeout_ms = 60000 })
local PERSISTENT = "FWPM_CALLOUT_FLAG_PERSISTENT"

local function writer(first, progress)
  local i = first
  while true do
    assert(wfp.FwpmTransactionBegin0(session, 0) == 0)
    assert(session:add_callout { key = key("a0000000", i), name = "A" .. i, flags = PERSISTENT })
    assert(session:add_callout { key = key("b0000000", i), name = "B" .. i, flags = PERSISTENT })
    assert(wfp.FwpmTransactionCommit0(session) == 0)
    local f = assert(io.open(progress, "a"))
    f:write(i, "\n")
    f:close()
    i = i + 1
  end
end

local function holder(signal, ms, k)
  assert(wfp.FwpmTransactionBegin0(session, 0) == 0)
  assert(session:add_callout { key = k, name = "held", flags = PERSISTENT })
  assert(io.open(signal, "w")):close()
  local t0 = engine:clock()
  while engine:clock() - t0 < ms do os.execute("sleep 0.02") end
  assert(wfp.FwpmTransactionCommit0(session) == 0)
end

if mode == "writer" then writer(tonumber(arg[3]), arg[4])
elseif mode == "holder" then holder(arg[3], tonumber(arg[4]), arg[5])
elseif mode == "has" then os.exit(rcode(session:get_callout(arg[3])) == 0 and 0 or 3)
elseif mode == "add" then assert(session:add_callout { key = arg[3], name = "other process", flags = PERSISTENT })
elseif mode == "delete" then assert(session:delete_callout(arg[3]))
else error("unknown mode " .. tostring(mode)) end
engine:close()
