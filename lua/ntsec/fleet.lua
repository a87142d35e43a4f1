--- ntsec.fleet: `ntsec check DUMP... --rules R.lua [-j N]` over many
-- machines (docs/check.md "Many machines").
--
-- Each dump is checked in its own process (`bin/ntsec check DUMP --rules R
-- [--policy P] --format json`), at most `jobs` at a time; the parent reads
-- each child's JSON document, exit code and one-line error in the order the
-- dumps were given, so the report does not depend on which child ends first.
-- A child that exits 2 (bad input) or writes no document is a bad dump with
-- its error line; the others keep their result.

local json = require("dkjson")

local M = {}

local function quote(s)
  return "'" .. tostring(s):gsub("'", "'\\''") .. "'"
end

-- A child's JSON document back to the result shape of ntsec.check.run
-- (JSON null becomes nil).
local function result_of(text)
  local doc = json.decode(text, 1, nil)
  if type(doc) ~= "table" or type(doc.rules) ~= "table" or type(doc.findings) ~= "table" then return nil end
  for _, f in ipairs(doc.findings) do
    f.aces = f.aces or {}
    if f.rights then f.rights.names = f.rights.names or {} end
  end
  return doc
end

local function read_file(path)
  local f = io.open(path, "rb")
  if not f then return "" end
  local s = f:read("a")
  f:close()
  os.remove(path)
  return s
end

-- The machine record of a finished child.
local function finish(job)
  local out = job.pipe:read("a")
  local _, _, code = job.pipe:close()
  local err = read_file(job.errfile)
  local m = { state = job.state, exit = code }
  if code == 0 or code == 1 then
    m.result = result_of(out)
    if not m.result then m.exit, m.error = 2, "the check wrote no report" end
  else
    m.exit = 2
    m.error = (err:match("^ntsec: ([^\n]*)") or err:match("^([^\n]*)") or "")
    if m.error == "" then m.error = ("the check ended with exit code %s"):format(tostring(code)) end
  end
  return m
end

--- run{states=, rules=, policy=, jobs=, command=} -> fleet.
-- states: list of dump paths; rules: a rule file or "builtin"; policy:
-- optional policy script; jobs: number of parallel processes (default 1);
-- command: how to start ntsec (default "ROOT/bin/ntsec" from opts.root, or
-- "bin/ntsec"). fleet = {rules=, jobs=, machines = {{state=, exit = 0|1|2,
-- result = (ntsec.check.run's shape) | nil, error = one line | nil}}, exit=}
-- (exit: 2 when any dump is bad input, else 1 when any finding, else 0).
-- Errors: raises on a bad option (jobs < 1, no states).
function M.run(opts)
  local jobs = opts.jobs or 1
  if math.type(jobs) ~= "integer" or jobs < 1 then error("fleet: jobs must be a positive integer", 2) end
  if type(opts.states) ~= "table" or #opts.states == 0 then error("fleet: states must be a list of dumps", 2) end
  local command = opts.command or ((opts.root and (opts.root .. "/") or "") .. "bin/ntsec")
  local args = " --rules " .. quote(opts.rules) .. (opts.policy and (" --policy " .. quote(opts.policy)) or "")
    .. " --format json"
  local machines, running, next_i = {}, {}, 1
  local function start(i)
    local errfile = os.tmpname()
    local cmd = ("%s check %s%s 2>%s"):format(quote(command), quote(opts.states[i]), args, quote(errfile))
    running[#running + 1] = { index = i, state = opts.states[i], errfile = errfile, pipe = assert(io.popen(cmd, "r")) }
  end
  while next_i <= #opts.states or #running > 0 do
    while #running < jobs and next_i <= #opts.states do
      start(next_i)
      next_i = next_i + 1
    end
    local job = table.remove(running, 1)
    machines[job.index] = finish(job)
  end
  local fleet = { rules = opts.rules, jobs = jobs, machines = machines }
  fleet.exit = M.exit_code(fleet)
  return fleet
end

--- exit_code(fleet) -> 2 when any dump is bad input, else 1 when any
-- machine has a finding, else 0.
function M.exit_code(fleet)
  local code = 0
  for _, m in ipairs(fleet.machines) do
    if m.exit == 2 then return 2 end
    if m.exit == 1 then code = 1 end
  end
  return code
end

return M
