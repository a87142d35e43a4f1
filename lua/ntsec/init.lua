--- ntsec: Windows security semantics for Lua.
-- The idiomatic layer over the C module `ntsec.core` (shared/DESIGN.md layer 3).
-- Value constructors return the value, or `nil, err` for bad input, where
-- `err` is an `ntsec.errors` object (`code`, `name`, `message`, prints as
-- `NAME (0x...): message`). Programmer errors (wrong argument types) raise.
-- Every Windows constant of the core (`DACL_SECURITY_INFORMATION`,
-- `STATUS_ACCESS_DENIED`, `FWP_E_WRONG_SESSION`, ...) is a field of this module.

local core = require("ntsec.core")
local errors = require("ntsec.errors")

local M = {}

for name, value in pairs(core) do
  if type(value) == "number" then M[name] = value end
end
M._VERSION = core._VERSION
M.core = core
M.errors = errors

-- Turns a core fail tuple (nil, msg, code[, offset]) into nil, err.
local function fail(op, _, code, offset)
  local err = errors.new(code, op)
  err.offset = offset
  return nil, err
end

--- `ntsec.sid(s[, ctx])` -> SID, or nil, err.
-- `s`: "S-1-5-18" or an SDDL alias ("SY"); `ctx`: {domain_sid=, machine_sid=,
-- forest_sid=} for domain-relative aliases. Errors: STATUS_INVALID_SID.
-- Source: sd_semantics.md 1.1, 2.7.
function M.sid(s, ctx)
  local sid, msg, code = core.sid(s, ctx)
  if not sid then return fail("sid", msg, code) end
  return sid
end

--- `ntsec.sd(sddl[, ctx])` -> security descriptor, or nil, err.
-- `err.offset` is the byte offset (0-based) where the SDDL parser stopped.
-- Errors: STATUS_INVALID_PARAMETER, STATUS_INVALID_ACL, STATUS_INVALID_SID
-- (sd_semantics.md 2.12). `ntsec.sd.from_bytes(b)` reads self-relative bytes
-- (errors of RtlValidRelativeSecurityDescriptor, 1.8);
-- `ntsec.sd.build{owner=, group=, dacl=, sacl=, control=}` assembles parts.
M.sd = setmetatable({
  from_bytes = function(b)
    local sd, msg, code = core.sd_from_bytes(b)
    if not sd then return fail("sd.from_bytes", msg, code) end
    return sd
  end,
  build = function(parts)
    local sd, msg, code = core.sd_build(parts)
    if not sd then return fail("sd.build", msg, code) end
    return sd
  end,
}, {
  __call = function(_, sddl, ctx)
    local sd, msg, code, offset = core.sd_from_sddl(sddl, ctx)
    if not sd then return fail("sd", msg, code, offset) end
    return sd
  end,
})

--- `ntsec.acl(aces)` -> ACL, or nil, err: an ACL from ACE strings such as
-- "(A;;GA;;;SY)(A;;GR;;;BU)" (parsed as the DACL of "D:" .. aces).
function M.acl(aces, ctx)
  local sd, err = M.sd("D:" .. aces, ctx)
  if not sd then return nil, err end
  return sd.dacl
end

local GROUP_DEFAULT = core.SE_GROUP_MANDATORY | core.SE_GROUP_ENABLED_BY_DEFAULT | core.SE_GROUP_ENABLED

-- A group entry: "S-1-..." / alias / SID (enabled, mandatory) or a table
-- {sid=, attributes=} or {sid=, enabled=, deny_only=, owner=}.
local function group_entry(g)
  if type(g) ~= "table" then return { g, GROUP_DEFAULT } end
  if g.attributes then return { g.sid, g.attributes } end
  local attrs = core.SE_GROUP_MANDATORY
  if g.enabled ~= false and not g.deny_only then
    attrs = attrs | core.SE_GROUP_ENABLED | core.SE_GROUP_ENABLED_BY_DEFAULT
  end
  if g.deny_only then attrs = core.SE_GROUP_USE_FOR_DENY_ONLY end
  if g.owner then attrs = attrs | core.SE_GROUP_OWNER end
  return { g.sid, attrs }
end

-- A privilege entry: a name (enabled) or {name=, enabled=} / {luid=, attributes=}.
local function privilege_entry(p)
  local name, enabled = p, true
  if type(p) == "table" then
    if p.luid then return { p.luid, p.attributes or core.SE_PRIVILEGE_ENABLED } end
    name, enabled = p.name, p.enabled ~= false
  end
  local luid = core.privilege_luid(name)
  if not luid then error(("unknown privilege '%s'"):format(tostring(name)), 3) end
  return { luid, enabled and core.SE_PRIVILEGE_ENABLED or 0 }
end

--- `ntsec.token{user=, groups={...}, privileges={...}}` -> token.
-- A group given as a SID string is enabled and mandatory; a privilege given
-- by name ("SeSecurityPrivilege") is enabled. Raises on malformed input.
-- Optional parts (integrity, mandatory_policy, restricted_sids,
-- device_groups, claims, type, level, owner, primary_group, default_dacl):
-- lua/ntsec/token_ext.lua. Source: sd_semantics.md 3.1.
function M.token(spec)
  assert(type(spec) == "table", "ntsec.token expects a table")
  local groups, privileges = {}, {}
  for i, g in ipairs(spec.groups or {}) do groups[i] = group_entry(g) end
  for i, p in ipairs(spec.privileges or {}) do privileges[i] = privilege_entry(p) end
  local token_ext = require("ntsec.token_ext")
  local t = core.token(spec.user, spec.user_attributes or 0, token_ext.extra_groups(spec, groups), privileges)
  return token_ext.configure(t, spec, group_entry)
end

--- `ntsec.access_check(sd, token, desired[, mapping])` -> granted, status.
-- `mapping`: "fwpm" (WFP objects), "file" (files, KS; the default) or a
-- {read=, write=, execute=, all=} table. Generic bits in `desired` are mapped
-- first (as a caller of AccessCheck does with MapGenericMask). `status` is
-- STATUS_SUCCESS, STATUS_ACCESS_DENIED or STATUS_PRIVILEGE_NOT_HELD; when the
-- call itself fails (e.g. STATUS_INVALID_SECURITY_DESCR for a descriptor
-- without owner or group) granted is 0 and status is that error.
-- Source: sd_semantics.md 3.2-3.5.
function M.access_check(sd, token, desired, mapping)
  mapping = mapping or "file"
  desired = core.map_generic(desired, mapping)
  local call, granted, status = core.access_check(sd, token, desired, mapping)
  if call ~= core.STATUS_SUCCESS then return 0, call end
  return granted, status
end

--- `ntsec.type(x)` -> "sid", "acl", "sd", "token", "error", "engine",
-- "session", "enum", "subscription", "device", "item", "file", "irp", or
-- "closed <kind>" for a closed handle; nil when x is not an ntsec object.
-- Answered from the metatables (src/lua/nl_handle.c), never from tostring.
function M.type(x)
  local kind = core.type(x)
  if kind then return kind end
  -- Transitional, until every handle kind uses the handle header: a kind
  -- registered the old way (metatable named "ntsec.<...>").
  local mt = getmetatable(x)
  local name = type(mt) == "table" and rawget(mt, "__name")
  if type(name) ~= "string" or not name:match("^ntsec%.") then return nil end
  kind = name:match("([%w_]+)$")
  if tostring(x):match("%(closed%)$") then return "closed " .. kind end
  return kind
end

M.explain = require("ntsec.explain").explain
M.set_security = require("ntsec.merge").set_security
M.new_security = require("ntsec.merge").new_security
M.wfp = require("ntsec.wfp")
M.ks = require("ntsec.ks")

return M
