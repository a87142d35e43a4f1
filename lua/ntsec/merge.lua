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

local core = require("ntsec.core")
local errors = require("ntsec.errors")

local M = {}

function M.set_security(old, si, mod, options)
  options = options or {}
  local sd, _, code = core.set_security(old, si, mod, options.sef or 0, options.mapping, options.token,
    options.parent, options.is_container)
  if not sd then return nil, errors.new(code, "set_security") end
  return sd
end

function M.new_security(parent, creator, is_container, options)
  options = options or {}
  local sd, _, code = core.new_security(parent, creator, is_container, options, options.mapping)
  if not sd then return nil, errors.new(code, "new_security") end
  return sd
end

return M
