--- ntsec.cli.diff: `ntsec diff A.xml B.xml [--security FILE.json]... [--format text|json|html]`
-- (docs/diff.md). Exit 0 when the two states are identical, 1 when they
-- differ, 2 (nil, message) when a dump cannot be read or imported.

local M = {}

--- define(cmd): adds the diff arguments to an argparse command.
function M.define(cmd)
  cmd:description("Compare two `netsh wfp show state` dumps: objects added, removed and changed"
    .. " (fields, filter conditions, weights, flags, descriptors) and access changes per principal."
    .. " Exit 0 when identical, 1 when they differ.")
  cmd:argument("a", "The first (baseline) netsh wfp show state XML file.")
  cmd:argument("b", "The second netsh wfp show state XML file.")
  cmd:option("--security", "Object descriptors exported on the machine (docs/security-file.md): once for"
    .. " both states, twice for A then B."):args(1):count("0-2")
  cmd:option("--format", "Report format."):choices({ "text", "json", "html" }):default("text")
end

--- run(args) -> 0 | 1 after printing the report, or nil, message.
function M.run(args)
  local diff = require("ntsec.diff")
  for _, path in ipairs({ args.a, args.b }) do
    local f, err = io.open(path, "rb")
    if not f then return nil, err end
    f:close()
  end
  local result, err = diff.files(args.a, args.b, { security = args.security })
  if not result then return nil, err end
  if args.format == "json" then io.write(diff.json(result), "\n")
  elseif args.format == "html" then io.write(require("ntsec.html").diff(result, { a = args.a, b = args.b }))
  else io.write(diff.text(result, { a = args.a, b = args.b })) end
  return result.identical and 0 or 1
end

return M
