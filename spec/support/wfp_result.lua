-- spec/support/wfp_result.lua: reads an idiomatic WFP result (value or
-- true, or nil, err) as the code it carries, so specs written against the
-- Windows codes keep asserting the exact code: 0 for success, err.code for a
-- failure. A failure must carry an ntsec.errors object, else this raises.
local errors = require("ntsec.errors")

local M = {}

function M.code(v, err)
  if v == nil then
    assert(errors.is_error(err), "expected nil plus an ntsec.errors object, got " .. tostring(err))
    return err.code
  end
  assert(err == nil or type(err) ~= "table" or not errors.is_error(err), "success with an error object")
  return 0
end

return M
