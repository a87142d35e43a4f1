--- ntsec.cli.sddl: `ntsec sddl` (docs/cli.md, docs/sddl.md).
--
-- Encode (default): each stdin line is an SDDL string; prints
-- `input<TAB>canonical_sddl<TAB>self_relative_hex`, or
-- `input<TAB>!ERR<TAB>STATUS_NAME<TAB>offset` (offset: 0-based byte where
-- the parser stopped). Canonical output is
-- ConvertSecurityDescriptorToStringSecurityDescriptorW with every part
-- selected (sd_semantics.md 2.8).
-- Decode (`--decode`): each line is a self-relative descriptor in hex;
-- prints its canonical SDDL, or `!ERR<TAB>STATUS_NAME<TAB>0`.
-- A trailing CR is ignored (CRLF files). Exit 0 when every line converted,
-- 1 when any line failed.
--
-- Context SIDs: `--domain-sid` resolves the domain aliases (DA, DU, ...),
-- `--machine-sid` the machine-relative LA/LG (sd_semantics.md 2.7); without
-- them those aliases fail with STATUS_INVALID_SID.

local M = {}

--- define(cmd): adds `--domain-sid SID`, `--machine-sid SID`, `--decode`.
function M.define(cmd)
  cmd:description("Read SDDL lines on stdin; print canonical SDDL and Windows' self-relative bytes (hex)."
    .. " With --decode, read hex lines and print canonical SDDL. Exits 1 when any line failed.")
  cmd:option("--domain-sid", "Domain SID for DA, DU, DG, ... (e.g. S-1-5-21-1-2-3).")
  cmd:option("--machine-sid", "Machine SID for LA and LG (e.g. S-1-5-21-4-5-6).")
  cmd:flag("--decode", "Read self-relative descriptors in hex and print their canonical SDDL.")
end

local function hex(s)
  return (s:gsub(".", function(c) return ("%02x"):format(c:byte()) end))
end

-- The bytes of a hex line, or nil when it is not an even run of hex digits.
local function unhex(h)
  if #h % 2 ~= 0 or h:find("[^%x]") then return nil end
  return (h:gsub("%x%x", function(x) return string.char(tonumber(x, 16)) end))
end

local function failure(prefix, err)
  return ("%s!ERR\t%s\t%d"):format(prefix, err and err.name or "STATUS_INVALID_PARAMETER",
    err and err.offset or 0)
end

--- encode_line(text, ctx) -> output line, ok.
function M.encode_line(text, ctx)
  local ntsec = require("ntsec")
  local sd, err = ntsec.sd(text, ctx)
  if not sd then return failure(text .. "\t", err), false end
  local canonical, ferr = sd:sddl(0xFFFF, ctx)
  if not canonical then return failure(text .. "\t", ferr), false end
  return ("%s\t%s\t%s"):format(text, canonical, hex(sd:bytes())), true
end

--- decode_line(hex_text, ctx) -> output line, ok.
function M.decode_line(text, ctx)
  local ntsec = require("ntsec")
  local bytes = unhex(text)
  if not bytes then return failure("", nil), false end
  local sd, err = ntsec.sd.from_bytes(bytes)
  if not sd then return failure("", err), false end
  local canonical, ferr = sd:sddl(0xFFFF, ctx)
  if not canonical then return failure("", ferr), false end
  return canonical, true
end

-- The SID context from the options, or nil, message naming the bad option.
local function context(args)
  local ntsec = require("ntsec")
  local ctx = {}
  for _, opt in ipairs({ "domain_sid", "machine_sid" }) do
    local text = args[opt]
    if text then
      local sid, err = ntsec.sid(text)
      if not sid then
        return nil, ("--%s: '%s' is not a SID (%s)"):format(opt:gsub("_", "-"), text, tostring(err))
      end
      ctx[opt] = sid
    end
  end
  return ctx
end

--- run(args[, ctx]) -> exit code, or nil, message for a bad option.
-- args: {domain_sid=, machine_sid=, decode=}; ctx.input / ctx.output
-- default to io.stdin / io.stdout.
function M.run(args, io_ctx)
  local ctx, err = context(args)
  if not ctx then return nil, err end
  local input = io_ctx and io_ctx.input or io.stdin
  local output = io_ctx and io_ctx.output or io.stdout
  local convert = args.decode and M.decode_line or M.encode_line
  local failed = 0
  for line in input:lines() do
    local text, ok = convert((line:gsub("\r$", "")), ctx)
    output:write(text, "\n")
    if not ok then failed = failed + 1 end
  end
  return failed == 0 and 0 or 1
end

return M
