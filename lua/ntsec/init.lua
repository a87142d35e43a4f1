--- ntsec: Windows security semantics for Lua.
-- The idiomatic layer over the C module `ntsec.core` (shared/DESIGN.md layer 3).
-- Value constructors return the value, or `nil, err` for bad input, where
-- `err` is an `ntsec.errors` object (`code`, `name`, `message`, prints as
-- `NAME (0x...): message`). Programmer errors (wrong argument types) raise.
-- Every Windows constant of the core (`DACL_SECURITY_INFORMATION`,
-- `STATUS_ACCESS_DENIED`, `FWP_E_WRONG_SESSION`, ...) is a field of this module.
-- Result convention: docs/design.md "Result convention"; Lua conventions:
-- lua_conventions.md 7.
-- @module ntsec

local core = require("ntsec.core")
local errors = require("ntsec.errors")

local M = {}

for name, value in pairs(core) do
  if type(value) == "number" then M[name] = value end
end
M._VERSION = core._VERSION
M.core = core
M.errors = errors

local options = require("ntsec.options")

--- `ntsec.sid(s[, ctx])` -> SID, or nil, err.
-- `s`: "S-1-5-18" or an SDDL alias ("SY"); `ctx`: {domain_sid=, machine_sid=,
-- forest_sid=} for domain-relative aliases (each a SID or SID string).
-- Errors: nil, STATUS_INVALID_SID for a string that is not a SID or a known
-- alias (or a domain alias without its context SID); raises when `s` is not a
-- string or a context SID string does not parse.
-- Source: sd_semantics.md 1.1, 2.7.
-- @param s SID string or alias
-- @param ctx optional {domain_sid=, machine_sid=, forest_sid=}
-- @function sid
M.sid = core.sid

--- `ntsec.sd(sddl[, ctx])` -> security descriptor, or nil, err.
-- `err.offset` is the byte offset (0-based) where the SDDL parser stopped.
-- Errors: STATUS_INVALID_PARAMETER, STATUS_INVALID_ACL, STATUS_INVALID_SID
-- (sd_semantics.md 2.12); raises when `sddl` is not a string.
-- `ntsec.sd.from_bytes(b)` -> descriptor, or nil, err: self-relative bytes
-- (errors of RtlValidRelativeSecurityDescriptor, 1.8).
-- `ntsec.sd.build{owner=, group=, dacl=, sacl=, control=}` -> descriptor, or
-- nil, err: assembles parts; owner/group are SIDs or SID strings, dacl/sacl
-- ACLs or ACL strings ("(A;;GA;;;SY)"); control the SE_* flag bits. Strict
-- options (unknown key or wrong type raises); a string part that does not
-- parse gives nil, err (with offset); parts that do not form a valid
-- descriptor give nil, err (the errors of RtlCreateSecurityDescriptor /
-- MakeSelfRelativeSD, 1.7-1.8). `ntsec.sd` is a table with __call.
-- Source: sd_semantics.md 1.6-1.8 (binary), 2 (SDDL), 2.12 (errors).
-- @param sddl SDDL string
-- @param ctx optional SID context as for sid
-- @function sd
local BUILD_OPTS = { owner = "string|sid", group = "string|sid", dacl = "string|acl", sacl = "string|acl",
  control = options.range(0, 0xFFFF) }
M.sd = setmetatable({
  from_bytes = core.sd_from_bytes,
  build = function(parts)
    if type(parts) ~= "table" then error("sd.build: option table expected, got " .. type(parts), 2) end
    options.check(parts, "sd.build", BUILD_OPTS)
    return core.sd_build(parts)
  end,
}, {
  __call = function(_, sddl, ctx) return core.sd_from_sddl(sddl, ctx) end,
})

--- `ntsec.acl(aces[, ctx])` -> ACL, or nil, err.
-- An ACL from ACE strings such as "(A;;GA;;;SY)(A;;GR;;;BU)", parsed as the
-- DACL of "D:" followed by `aces` (the error offset counts from the start
-- of `aces`). `ctx` as `ntsec.sid`.
-- Errors: nil, err with `err.offset` and `err.op` = "acl":
-- STATUS_INVALID_ACL, STATUS_INVALID_SID, STATUS_INVALID_PARAMETER (as
-- `ntsec.sd`); raises when `aces` is not a string.
-- Source: sd_semantics.md 2.1-2.6 (ACE strings), 2.12.
function M.acl(aces, ctx)
  if type(aces) ~= "string" then error("bad argument #1 to 'acl' (string expected, got " .. type(aces) .. ")", 2) end
  local sd, err = core.sd_from_sddl("D:" .. aces, ctx)
  if not sd then
    err.op = "acl"
    if err.offset then err.offset = math.max(err.offset - 2, 0) end
    return nil, err
  end
  return sd.dacl
end

local GROUP_DEFAULT = core.SE_GROUP_MANDATORY | core.SE_GROUP_ENABLED_BY_DEFAULT | core.SE_GROUP_ENABLED
local U32 = options.range(0, 0xFFFFFFFF)
local GROUP_OPTS = { sid = "string|sid", attributes = U32, enabled = "boolean", deny_only = "boolean",
  owner = "boolean" }
local PRIVILEGE_OPTS = { name = "string", enabled = "boolean", luid = U32, attributes = U32 }

-- A group entry: "S-1-..." / alias / SID (enabled, mandatory) or a table
-- {sid=, attributes=} or {sid=, enabled=, deny_only=, owner=}.
local function group_entry(g)
  if type(g) ~= "table" then return { g, GROUP_DEFAULT } end
  options.check(g, "token group", GROUP_OPTS, 4)
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
    options.check(p, "token privilege", PRIVILEGE_OPTS, 4)
    if p.luid then return { p.luid, p.attributes or core.SE_PRIVILEGE_ENABLED } end
    name, enabled = p.name, p.enabled ~= false
  end
  local luid = core.privilege_luid(name)
  if not luid then error(("unknown privilege '%s'"):format(tostring(name)), 3) end
  return { luid, enabled and core.SE_PRIVILEGE_ENABLED or 0 }
end

local TOKEN_OPTS = {
  user = "string|sid", user_attributes = U32, groups = "table", privileges = "table",
  integrity = "string|integer|sid", mandatory_policy = U32,
  restricted_sids = "table", device_groups = "table", claims = "table",
  type = options.one_of({ "primary", "impersonation" }),
  level = options.one_of({ "anonymous", "identification", "impersonation", "delegation" }),
  owner = "string|sid", primary_group = "string|sid", default_dacl = "string|acl",
}
-- AppContainer part (package, capabilities, lpac, app, sysappid): ntsec.classify
for k, v in pairs(require("ntsec.classify").TOKEN_OPTS) do TOKEN_OPTS[k] = v end

--- `ntsec.token{user=, groups={...}, privileges={...}}` -> token.
-- A group given as a SID string is enabled and mandatory; a privilege given
-- by name ("SeSecurityPrivilege") is enabled. The table is strict: an
-- unknown key, a wrong type or a value out of range raises naming the key;
-- so does a malformed SID or ACL string ("token: groups[2]: invalid SID
-- 'S-1-x': STATUS_INVALID_SID ..."; a token is built from literals, a
-- programmer-facing argument: docs/design.md). Optional parts (integrity,
-- mandatory_policy, restricted_sids, device_groups, claims, type, level,
-- owner, primary_group, default_dacl): lua/ntsec/token_ext.lua; the
-- AppContainer part (package, capabilities, lpac, app, sysappid) that WFP
-- conditions read: lua/ntsec/classify.lua.
-- Errors: never nil, err; raises on a bad spec as above, an unknown
-- privilege name, an unknown type or level.
-- Source: sd_semantics.md 3.1; [MS-DTYP] 2.5.2 (token); wfp_classify.md
-- 2.5-2.7; docs/design.md "Option tables are strict".
function M.token(spec)
  if type(spec) ~= "table" then error("bad argument #1 to 'token' (table expected, got " .. type(spec) .. ")", 2) end
  options.check(spec, "token", TOKEN_OPTS)
  local classify = require("ntsec.classify")
  local token_ext = require("ntsec.token_ext")
  token_ext.check_strings(spec, classify.CAPABILITIES)
  spec = classify.with_sysappid(spec)
  local groups, privileges = {}, {}
  for i, g in ipairs(spec.groups or {}) do groups[i] = group_entry(g) end
  for i, p in ipairs(spec.privileges or {}) do privileges[i] = privilege_entry(p) end
  local t = core.token(spec.user, spec.user_attributes or 0, token_ext.extra_groups(spec, groups), privileges)
  return classify.attach(token_ext.configure(t, spec, group_entry), spec)
end

--- `ntsec.access_check(sd, token, desired[, mapping])` -> granted, status,
-- or nil, err.
-- `sd`: a descriptor or SDDL; `mapping`: "fwpm" (WFP objects), "file"
-- (files, KS; the default) or a {read=, write=, execute=, all=} table.
-- Generic bits in `desired` are mapped first (as a caller of AccessCheck does
-- with MapGenericMask). A completed check returns AccessCheck's two
-- out-parameters: the granted mask and the access status
-- (STATUS_SUCCESS, STATUS_ACCESS_DENIED or STATUS_PRIVILEGE_NOT_HELD; a
-- denial is a result, not an error).
-- Errors: a failed call (the function's own status, e.g.
-- STATUS_INVALID_SECURITY_DESCR for a descriptor without owner or group, or
-- an SDDL string that does not parse, with `err.offset`) returns nil, err;
-- a bad mapping or a non-integer `desired` raises.
-- Source: sd_semantics.md 3.2-3.5; docs/design.md "Result convention".
-- A token with an AppContainer part (package=, capabilities=) is checked in
-- two passes as Windows checks a lowbox token (ntsec.lowbox, docs/access.md
-- "AppContainer tokens").
-- @param sd descriptor or SDDL
-- @param token the client token
-- @param desired access mask (generic bits mapped)
-- @param mapping optional "file" (default), "fwpm" or a table
-- @function access_check
local core_access_check, map_generic, SUCCESS = core.access_check, core.map_generic, core.STATUS_SUCCESS
local lowbox = require("ntsec.lowbox")
local lowbox_pass2 = lowbox.pass2
local function access_check(sd, token, desired, mapping)
  mapping = mapping or "file"
  if lowbox_pass2(token) then
    if type(sd) == "string" then
      local parsed, err = core.sd_from_sddl(sd)
      if not parsed then return nil, err end
      sd = parsed
    end
    local call, granted, status = lowbox.check_at("default", sd, token, map_generic(desired, mapping), mapping)
    if call ~= SUCCESS then return nil, errors.new(call, "access_check") end
    return granted, status
  end
  local call, granted, status = core_access_check(sd, token, map_generic(desired, mapping), mapping)
  if call ~= SUCCESS then
    if call == nil then return nil, granted end   -- SDDL that does not parse: granted is the error
    return nil, errors.new(call, "access_check")
  end
  return granted, status
end
-- The common call (descriptor and token objects, an integer mask, no or a
-- named mapping, a plain token) runs in one C function; everything else
-- goes to access_check above (src/lua/nl_access.c, lean_access_check).
M.access_check = core.lean_access_check(access_check)

--- `ntsec.access_check_many(sds, token, desired[, mapping])` -> granted_list,
-- status_list, or nil, err.
-- `ntsec.access_check(sds[i], token, desired, mapping)` for every entry of
-- the array `sds` (descriptors or SDDL), in one call: the form for an access
-- matrix (one principal against many objects). `granted_list[i]` and
-- `status_list[i]` are what that call returns (the granted mask, 0 unless
-- allowed, and STATUS_SUCCESS, STATUS_ACCESS_DENIED or
-- STATUS_PRIVILEGE_NOT_HELD).
-- Errors: the first entry whose call fails returns nil and its `ntsec.errors`
-- object with `err.index` = i (e.g. STATUS_INVALID_SECURITY_DESCR, or SDDL
-- that does not parse, with `err.offset`); raises when `sds` is not a table,
-- `desired` not an integer or the mapping is bad.
-- Source: as ntsec.access_check (sd_semantics.md 3.2-3.5); docs/performance.md.
-- @param sds array of descriptors or SDDL strings
-- @param token the client token
-- @param desired access mask (generic bits mapped)
-- @param mapping optional "file" (default), "fwpm" or a table
-- @function access_check_many
M.access_check_many = core.lean_access_check_many(access_check)

--- `ntsec.type(x)` -> kind name (string) | nil.
-- "sid", "acl", "sd", "token", "error", "engine", "session", "enum",
-- "subscription", "device", "item", "file", "irp", or "closed device" (and
-- so on) for a closed handle; nil when x is not an ntsec object.
-- Answered from the metatables (src/lua/nl_handle.c), never from tostring.
-- Errors: none (any value is accepted).
-- Source: lua_conventions.md 7 item 6 (as io.type: "closed file" or nil).
-- @param x any value
-- @function type
M.type = core.type

M.explain = require("ntsec.explain").explain
M.set_security = require("ntsec.merge").set_security
M.new_security = require("ntsec.merge").new_security
M.wfp = require("ntsec.wfp")
require("ntsec.classify")   -- engine:classify, filters_for, filter_matches
M.ks = require("ntsec.ks")
require("ntsec.access").register(M)

return M
