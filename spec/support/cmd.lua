-- spec/support/cmd.lua: running bin/ntsec and other commands from a spec,
-- temporary files, and validating a JSON document against a JSON Schema
-- with Debian's python3-jsonschema (.ci/install).
local M = {}

--- run(cmd) -> stdout, stderr, exit code (cmd runs in /bin/sh).
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

--- write(path, text) -> path.
function M.write(path, text)
  local f = assert(io.open(path, "w"))
  f:write(text)
  f:close()
  return path
end

--- tmpfile(text[, suffix]) -> path of a new file holding text.
function M.tmpfile(text, suffix)
  local path = os.tmpname()
  os.remove(path)
  return M.write(path .. (suffix or ""), text)
end

-- Debian's interpreter: the one python3-jsonschema installs into.
M.PYTHON = io.open("/usr/bin/python3") and "/usr/bin/python3" or "python3"

--- validate(schema_path, json_text) -> true, or false, the validator's
-- message (every error, one per line). Draft from the schema's $schema.
function M.validate(schema_path, text)
  local doc = M.tmpfile(text, ".json")
  local script = [[
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)
errors = sorted(cls(schema).iter_errors(json.load(open(sys.argv[2]))), key=lambda e: list(e.path))
for e in errors: print("/".join(map(str, e.path)) + ": " + e.message)
sys.exit(1 if errors else 0)
]]
  local out, stderr, code = M.run(("%s -c '%s' %s %s"):format(M.PYTHON, script, schema_path, doc))
  os.remove(doc)
  if code == 0 then return true end
  return false, out .. stderr
end

return M
