--- ntsec.cli.explain: `ntsec explain SDDL --token SIDS [--desired RIGHTS]
-- [--mapping file|fwpm] [--privilege NAME]... [--integrity LEVEL]
-- [AppContainer options] [--format text|json]` (docs/cli.md).
--
-- One access check from the shell: what the token gets from the
-- descriptor, ACE by ACE (`ntsec.explain`, lua/ntsec/explain.lua; an
-- AppContainer token in two passes, lua/ntsec/lowbox.lua). Exit 0 when the
-- access is granted, 1 when it is denied (so `ntsec explain ... && ...`
-- works in scripts), 2 for a user mistake (SDDL that does not parse, a bad
-- SID, rights or privilege name), as one line.

local token_args = require("ntsec.cli.token_args")

local M = {}

--- define(cmd): the explain arguments.
function M.define(cmd)
  cmd:description("Explain one access check: what a token gets from a security descriptor, ACE by ACE"
    .. " (sd_semantics.md 3; docs/access.md). Exit 0 when granted, 1 when denied.")
  cmd:argument("sddl", "The security descriptor in SDDL (e.g. 'O:BAG:SYD:(A;;FA;;;BA)(A;;FR;;;WD)').")
  token_args.define(cmd)
  cmd:option("--desired", "The access asked for: SDDL rights (FR, GA, CCDC, 0x1f01ff) or MAXIMUM_ALLOWED.")
    :args(1):default("MAXIMUM_ALLOWED")
  cmd:option("--mapping", "The generic mapping: file (files, KS) or fwpm (WFP objects)."):choices({ "file", "fwpm" })
    :default("file")
  cmd:option("--privilege", "An enabled privilege of the token (SeSecurityPrivilege, ...). Repeatable.")
    :args(1):count("*")
  cmd:option("--integrity", "The token's integrity level: LW, ME, HI, SI or an S-1-16-N SID."):args(1)
  cmd:option("--format", "Output format."):choices({ "text", "json" }):default("text")
end

-- The desired mask from --desired: MAXIMUM_ALLOWED or SDDL rights.
local function desired_of(text)
  local ntsec = require("ntsec")
  if text == "MAXIMUM_ALLOWED" then return ntsec.MAXIMUM_ALLOWED end
  local sd = ntsec.sd("D:(A;;" .. text .. ";;;WD)")
  if not sd then return nil, ("--desired: '%s' is not SDDL rights or MAXIMUM_ALLOWED"):format(text) end
  return sd.dacl[1].mask
end

--- run(args) -> 0 (granted) or 1 (denied) after printing, or nil, message (one line).
function M.run(args)
  local ntsec = require("ntsec")
  local desired, derr = desired_of(args.desired)
  if not desired then return nil, derr end
  local token, terr = token_args.token(args, { privileges = #args.privilege > 0 and args.privilege or nil,
                                               integrity = args.integrity })
  if not token then return nil, terr end
  local e, err = ntsec.explain(args.sddl, token, desired, args.mapping)
  if not e then
    local at = err.offset and (" at offset %d"):format(err.offset) or ""
    return nil, ("%s: %s%s"):format(args.sddl, err.name or tostring(err), at)
  end
  if args.format == "json" then
    io.write(require("ntsec.json").encode(e, { keyorder = { "allowed", "granted", "status_name", "status",
      "desired", "max_allowed", "privileges_used", "steps", "nodes" }, indent = true }), "\n")
  else
    io.write(tostring(e), "\n")
  end
  return e.allowed and 0 or 1
end

return M
