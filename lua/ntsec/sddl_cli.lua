--- ntsec.sddl_cli: `ntsec sddl` — reads SDDL lines and prints, per line,
-- `input<TAB>canonical_sddl<TAB>self_relative_hex` or
-- `input<TAB>!ERR<TAB>STATUS_NAME<TAB>offset` (offset: 0-based byte where the
-- parser stopped). Canonical output is ConvertSecurityDescriptorToString-
-- SecurityDescriptorW with every part selected (sd_semantics.md 2.8).

local ntsec = require("ntsec")

local M = {}

local function hex(s)
  return (s:gsub(".", function(c) return ("%02x"):format(c:byte()) end))
end

--- sddl_cli.line(input, ctx) -> the output line for one input.
function M.line(input, ctx)
  local sd, err = ntsec.sd(input, ctx)
  if not sd then return ("%s\t!ERR\t%s\t%d"):format(input, err.name, err.offset or 0) end
  local text, ferr = sd:sddl(0xFFFF, ctx)
  if not text then return ("%s\t!ERR\t%s\t%d"):format(input, tostring(ferr), 0) end
  return ("%s\t%s\t%s"):format(input, text, hex(sd:bytes()))
end

--- sddl_cli.run(input_file, output_file, {domain_sid=}) processes every line.
function M.run(input, output, opts)
  local ctx = opts.domain_sid and { domain_sid = opts.domain_sid } or nil
  for line in input:lines() do output:write(M.line(line, ctx), "\n") end
end

return M
