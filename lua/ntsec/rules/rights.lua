--- ntsec.rules.rights: access masks by name and the ACEs behind a decision,
-- for findings (docs/check.md).
--
-- Names are the FWPM_ACTRL_* rights of fwpmu.h and the standard rights of
-- winnt.h ([MS-DTYP] 2.4.3); bits without a name print as one hex remainder.

local ntsec = require("ntsec")

local M = {}

--- NAMES: {bit, name} in bit order (one table drives naming).
M.NAMES = {
  { 0x00000001, "FWPM_ACTRL_ADD" }, { 0x00000002, "FWPM_ACTRL_ADD_LINK" },
  { 0x00000004, "FWPM_ACTRL_BEGIN_READ_TXN" }, { 0x00000008, "FWPM_ACTRL_BEGIN_WRITE_TXN" },
  { 0x00000010, "FWPM_ACTRL_CLASSIFY" }, { 0x00000020, "FWPM_ACTRL_ENUM" },
  { 0x00000040, "FWPM_ACTRL_OPEN" }, { 0x00000080, "FWPM_ACTRL_READ" },
  { 0x00000100, "FWPM_ACTRL_READ_STATS" }, { 0x00000200, "FWPM_ACTRL_SUBSCRIBE" },
  { 0x00000400, "FWPM_ACTRL_WRITE" },
  { 0x00010000, "DELETE" }, { 0x00020000, "READ_CONTROL" }, { 0x00040000, "WRITE_DAC" },
  { 0x00080000, "WRITE_OWNER" }, { 0x00100000, "SYNCHRONIZE" },
  { 0x01000000, "ACCESS_SYSTEM_SECURITY" }, { 0x02000000, "MAXIMUM_ALLOWED" },
  { 0x10000000, "GENERIC_ALL" }, { 0x20000000, "GENERIC_EXECUTE" },
  { 0x40000000, "GENERIC_WRITE" }, { 0x80000000, "GENERIC_READ" },
}

--- names(mask) -> list of names, a "0x..." entry for unnamed bits ({} for 0).
function M.names(mask)
  local out, rest = {}, mask
  for _, n in ipairs(M.NAMES) do
    if mask & n[1] ~= 0 then out[#out + 1] = n[2]; rest = rest & ~n[1] end
  end
  if rest ~= 0 then out[#out + 1] = ("0x%x"):format(rest) end
  return out
end

--- text(mask) -> "0x000d0000 (DELETE|WRITE_DAC|WRITE_OWNER)".
function M.text(mask)
  local names = M.names(mask)
  return ("0x%08x (%s)"):format(mask, #names > 0 and table.concat(names, "|") or "none")
end

--- rights(mask) -> {mask=, names={...}}: the rights field of a finding.
function M.rights(mask)
  return { mask = mask, names = M.names(mask) }
end

--- blame(explanation, mask, how) -> list of {sddl=, index=} | {}.
-- The ACEs of an ntsec.explain trace that granted (how = "granted") or
-- denied (how = "denied") any bit of mask; the owner's implicit rights show
-- as {sddl = "owner", index = 0}.
function M.blame(explanation, mask, how)
  local out = {}
  for _, s in ipairs(explanation.steps) do
    local bits = s[how] or 0
    if bits & mask ~= 0 then
      if s.kind == "ace" then out[#out + 1] = { sddl = s.ace, index = s.index }
      elseif s.kind == "owner" then out[#out + 1] = { sddl = "owner", index = 0 } end
    end
  end
  return out
end

--- explain(sd, token) -> the ntsec.explain trace of MAXIMUM_ALLOWED under
-- the FWPM mapping (raises on a descriptor the check cannot read: the
-- descriptors come from the engine and are valid).
function M.explain(sd, token)
  return assert(ntsec.explain(sd, token, ntsec.MAXIMUM_ALLOWED, "fwpm"))
end

return M
