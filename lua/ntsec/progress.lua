--- ntsec.progress: a one-line progress display on stderr for long work
-- (issue 11: importing a large dump, the access matrix over thousands of
-- objects). It draws only when stderr is a terminal; elsewhere (pipes, files,
-- CI logs) it writes nothing at all.
--
--   local p = progress.new { label = "importing big.xml", total = bytes, unit = "bytes" }
--   p:update(done) ... p:finish()
--
-- The line shows done / total, the percentage, the rate and the time left,
-- redrawn in place ("\r") every REDRAW_S seconds of CPU time (the first after REDRAW_S)
-- (os.clock: the work shown is CPU-bound, and Lua has no portable wall
-- clock finer than a second). finish() leaves the last state on its own line.

local M = {}

local REDRAW_S = 0.2

--- Default "large input" threshold in bytes (files at least this big get
-- progress when stderr is a terminal); NTSEC_PROGRESS_MIN_BYTES overrides it.
M.MIN_BYTES = 16 * 1024 * 1024

local tty_cache

--- progress.stderr_is_terminal() -> boolean. Asks the shell (`test -t 2`
-- inherits our stderr), once per process.
function M.stderr_is_terminal()
  if tty_cache == nil then tty_cache = os.execute("test -t 2") == true end
  return tty_cache
end

--- progress.wanted(size) -> boolean: stderr is a terminal and size (bytes)
-- is at least NTSEC_PROGRESS_MIN_BYTES (default M.MIN_BYTES).
function M.wanted(size)
  local min = tonumber(os.getenv("NTSEC_PROGRESS_MIN_BYTES") or "") or M.MIN_BYTES
  return size ~= nil and size >= min and M.stderr_is_terminal()
end

local function amount(n, unit)
  if unit == "bytes" then return ("%.1f MB"):format(n / 1e6) end
  return ("%d %s"):format(math.floor(n), unit)
end

local function rate_text(rate, unit)
  if unit == "bytes" then return ("%.1f MB/s"):format(rate / 1e6) end
  return ("%.0f %s/s"):format(rate, unit)
end

local Progress = {}
Progress.__index = Progress

--- progress.new{label=, total=, unit="bytes"|NOUN[, enabled=][, stream=]}
-- -> display. enabled defaults to stderr being a terminal; stream to
-- io.stderr. A disabled display accepts every call and draws nothing.
function M.new(opts)
  local enabled = opts.enabled
  if enabled == nil then enabled = M.stderr_is_terminal() end
  return setmetatable({
    label = opts.label, total = opts.total or 0, unit = opts.unit or "items",
    enabled = enabled, stream = opts.stream or io.stderr,
    start = os.clock(), last = os.clock(), done = 0, width = 0,
  }, Progress)
end

function Progress:line()
  local elapsed = os.clock() - self.start
  local parts = { ("%s: %s"):format(self.label, amount(self.done, self.unit)) }
  if self.total > 0 then
    parts[1] = parts[1] .. (" / %s (%d%%)"):format(amount(self.total, self.unit),
      math.floor(100 * self.done / self.total))
  end
  if elapsed > 0 and self.done > 0 then
    local rate = self.done / elapsed
    parts[#parts + 1] = rate_text(rate, self.unit)
    if self.total > self.done then
      parts[#parts + 1] = ("%d s left"):format(math.floor((self.total - self.done) / rate + 0.5))
    end
  end
  return table.concat(parts, ", ")
end

function Progress:draw()
  local text = self:line()
  local pad = math.max(0, self.width - #text)
  self.width = #text
  self.stream:write("\r", text, (" "):rep(pad))
  self.stream:flush()
end

--- display:update(done): record progress; redraws when due.
function Progress:update(done)
  self.done = done
  if not self.enabled then return end
  local now = os.clock()
  if now - self.last < REDRAW_S then return end
  self.last = now
  self:draw()
end

--- display:finish([done]): final state and a newline (when it drew at all).
function Progress:finish(done)
  if done then self.done = done end
  if not self.enabled then return end
  self:draw()
  self.stream:write(("  done in %.1f s\n"):format(os.clock() - self.start))
  self.stream:flush()
end

return M
