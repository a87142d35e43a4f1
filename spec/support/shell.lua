--- spec/support/shell.lua: running commands and writing temporary files
-- from specs (used by the check and format specs).
local M = {}

--- run(cmd) -> stdout, stderr, exit code (stderr read from a temporary file).
function M.run(cmd)
  local err = os.tmpname()
  local p = assert(io.popen(cmd .. " 2>" .. err))
  local out = p:read("a")
  local _, _, code = p:close()
  local f = assert(io.open(err))
  local stderr = f:read("a")
  f:close()
  os.remove(err)
  return out, stderr, code
end

--- write(text) -> the path of a new temporary file holding text.
function M.write(text)
  local path = os.tmpname()
  local f = assert(io.open(path, "w"))
  f:write(text)
  f:close()
  return path
end

return M
