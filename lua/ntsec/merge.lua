--- ntsec.merge: the set-security merge and creation-time inheritance
-- (sd_semantics.md 4; [MS-DTYP] 2.5.3.4).
--
-- `set_security(old, si, mod[, options])` -> new descriptor | nil, err:
-- RtlSetSecurityObjectEx / SeSetSecurityDescriptorInfoEx. `si` is a
-- SECURITY_INFORMATION number; `mod` a descriptor holding the parts to set;
-- options = { sef = SEF_* flags (0), mapping = "fwpm"|"file"|{...},
-- token = token (owner check, 4.6), parent = descriptor, is_container = bool
-- (SetSecurityInfo's propagation: the inherited ACEs are recomputed from the
-- parent under auto-inheritance) }. `old` is never changed.
-- Errors (err.code): STATUS_NO_SECURITY_ON_OBJECT, STATUS_BAD_DESCRIPTOR_FORMAT,
-- STATUS_INVALID_PARAMETER, STATUS_NOT_SUPPORTED, STATUS_INVALID_SECURITY_DESCR,
-- STATUS_INVALID_SID, STATUS_INVALID_ACL, STATUS_INVALID_OWNER.
--
-- `new_security(parent, creator, is_container[, options])` -> descriptor |
-- nil, err: RtlNewSecurityObjectEx. parent/creator may be nil; options =
-- { sef = (SEF_DACL_AUTO_INHERIT | SEF_SACL_AUTO_INHERIT), token=,
--   default_owner=, default_group=, object_types = {guid...}, mapping= }.
-- Errors: STATUS_INVALID_OWNER, STATUS_INVALID_PRIMARY_GROUP, STATUS_INVALID_ACL.
-- @module ntsec

local core = require("ntsec.core")
local options = require("ntsec.options")

local M = {}

local U32 = options.range(0, 0xFFFFFFFF)
local MAPPING = "string|table"
local SET_OPTS = { sef = U32, mapping = MAPPING, token = "token", parent = "string|sd", is_container = "boolean" }
local NEW_OPTS = { sef = U32, mapping = MAPPING, token = "token", default_owner = "string|sid",
  default_group = "string|sid", object_types = "table" }

-- Descriptor arguments: an SD, SDDL (parsed; nil, err on failure) or nil.
local function sds(op, ...)
  local out = table.pack(...)
  for i = 1, out.n do
    if type(out[i]) == "string" then
      local sd, err = core.sd_from_sddl(out[i])
      if not sd then
        err.op = op
        return nil, err
      end
      out[i] = sd
    end
  end
  return out
end

--- `ntsec.set_security(old, si, mod[, options])` -> new descriptor | nil, err.
-- RtlSetSecurityObjectEx / SeSetSecurityDescriptorInfoEx: `old` with the
-- parts `si` (SECURITY_INFORMATION bits) selects taken from `mod`; `old` is
-- never changed. old, mod and options.parent accept SDDL. Strict options:
-- sef (SEF_* bits, default 0), mapping ("file", "fwpm" or {read=, write=,
-- execute=, all=}), token (owner check, 4.6), parent (descriptor),
-- is_container (boolean; SetSecurityInfo's propagation: inherited ACEs
-- recomputed from the parent under auto-inheritance).
-- Errors: nil, err (err.code): STATUS_NO_SECURITY_ON_OBJECT,
-- STATUS_BAD_DESCRIPTOR_FORMAT, STATUS_INVALID_PARAMETER, STATUS_NOT_SUPPORTED,
-- STATUS_INVALID_SECURITY_DESCR, STATUS_INVALID_SID, STATUS_INVALID_ACL,
-- STATUS_INVALID_OWNER; SDDL that does not parse (with err.offset). An
-- unknown option or a wrong option type raises.
-- Source: sd_semantics.md 4.1-4.8; [MS-DTYP] 2.5.3.4.
function M.set_security(old, si, mod, opts)
  opts = options.check(opts, "set_security", SET_OPTS)
  local d, err = sds("set_security", old, mod, opts.parent)
  if not d then return nil, err end
  return core.set_security(d[1], si, d[2], opts.sef or 0, opts.mapping, opts.token, d[3], opts.is_container)
end

--- `ntsec.new_security(parent, creator, is_container[, options])` -> descriptor | nil, err.
-- RtlNewSecurityObjectEx: the descriptor of a new object created under
-- `parent` with the creator's descriptor `creator` (either may be nil;
-- both accept SDDL). Strict options: sef (default SEF_DACL_AUTO_INHERIT |
-- SEF_SACL_AUTO_INHERIT), mapping, token, default_owner, default_group
-- (SIDs), object_types ({guid, ...}).
-- Errors: nil, err: STATUS_INVALID_OWNER, STATUS_INVALID_PRIMARY_GROUP,
-- STATUS_INVALID_ACL; SDDL that does not parse (with err.offset). An
-- unknown option or a wrong option type raises.
-- Source: sd_semantics.md 4.4; [MS-DTYP] 2.5.3.4 (CreateSecurityDescriptor).
function M.new_security(parent, creator, is_container, opts)
  opts = options.check(opts, "new_security", NEW_OPTS)
  local d, err = sds("new_security", parent, creator)
  if not d then return nil, err end
  return core.new_security(d[1], d[2], is_container, opts, opts.mapping)
end

return M
