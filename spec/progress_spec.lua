-- Progress on stderr (issue 11): drawn when stderr is a terminal and the
-- input is large, nothing otherwise. The terminal is a real pty from
-- util-linux script(1); NTSEC_PROGRESS_MIN_BYTES lowers "large" so a real
-- dump of 2.3 MB counts as large here.
local progress = require("ntsec.progress")

local STATE = "../shared/data/wfpstate/netsh-wfpstate-2.xml"
local NOOP = os.tmpname()
do
  local f = assert(io.open(NOOP, "w"))
  f:write("-- no calls\n")
  f:close()
end

-- Runs cmd with stdout discarded; returns what reached its stderr.
local function stderr_in_pty(cmd)
  local p = assert(io.popen(("script -qec %q /dev/null"):format(cmd .. " >/dev/null")))
  local out = p:read("a")
  p:close()
  return out
end

local function stderr_in_file(cmd)
  local path = os.tmpname()
  os.execute(cmd .. " >/dev/null 2>" .. path)
  local f = assert(io.open(path, "rb"))
  local out = f:read("a")
  f:close()
  os.remove(path)
  return out
end

local AUDIT = "bin/ntsec audit " .. STATE .. " --policy " .. NOOP

describe("progress", function()
  it("shows import bytes and access objects with rate and time left on a terminal", function()
    local out = stderr_in_pty("NTSEC_PROGRESS_MIN_BYTES=1 " .. AUDIT)
    assert.matches("importing " .. STATE:gsub("%p", "%%%0") .. ": [%d.]+ MB / 2%.3 MB %(%d+%%%)", out)
    assert.matches("MB/s", out)
    assert.matches("2%.3 MB / 2%.3 MB %(100%%%)", out)
    -- every securable object read after the policy: the engine, 5 keyed containers,
    -- 14 providers, 41 sublayers, 99 layers, 89 callouts, 665 filters, 2 keyless
    -- containers (shared/data/README.md counts) = 916, plus 357 provider contexts
    -- and their container = 1274
    assert.matches("access checks: 1274 objects / 1274 objects %(100%%%)", out)
    assert.matches("done in [%d.]+ s", out)
  end)

  it("stays silent on a terminal when the input is small", function()
    assert.equal("", stderr_in_pty(AUDIT))
  end)

  it("writes nothing when stderr is not a terminal, however large the input", function()
    assert.equal("", stderr_in_file("NTSEC_PROGRESS_MIN_BYTES=1 " .. AUDIT))
  end)

  it("formats done, total, share, rate and time left", function()
    local written = {}
    local stream = { write = function(_, ...) for _, s in ipairs({ ... }) do written[#written + 1] = s end end,
                     flush = function() end }
    local p = progress.new { label = "work", total = 10, unit = "objects", enabled = true, stream = stream }
    p.start, p.last = os.clock() - 2, os.clock() - 2  -- 2 s of CPU time so far, not drawn since
    p:update(4)
    local line = table.concat(written)
    -- 4 of 10 in 2 s: 2 objects/s, 6 left -> 3 s
    assert.matches("^\rwork: 4 objects / 10 objects %(40%%%), 2 objects/s, 3 s left", line)
  end)

  it("draws nothing when disabled", function()
    local stream = { write = function() error("drawn") end, flush = function() end }
    local p = progress.new { label = "x", total = 1, enabled = false, stream = stream }
    p:update(1)
    p:finish()
  end)
end)
