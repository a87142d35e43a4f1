--- ntsec.wfp: the emulated Windows Filtering Platform engine.
-- The faithful functions (FwpmCalloutSetSecurityInfoByKey0, ...) come from the
-- C binding unchanged: Windows names and argument order, session first, and
-- they return exactly what Windows returns to that caller (NTSTATUS for a
-- kernel-mode session, the user-mode DWORD otherwise; wfp_ks_errors.md 1.4).
-- This module adds the idiomatic layer: objects for a callout, the callouts
-- container, the connections container and the ALE-endpoint container, whose
-- methods return `true` / a value, or `nil, err` (an ntsec.errors object).
-- The Lua layer extends the binding's method tables (core.wfp.session_methods,
-- core.wfp.engine_methods); it never edits C metatables.
-- Functions and methods implemented in C are documented in doc/api/wfp_*.luadoc;
-- those generated from the kind table by tools/gen_wfp_doc.lua (docs/wfp.md).
-- @module ntsec.wfp

local core = require("ntsec.core")
local errors = require("ntsec.errors")

local M = {}
for name, value in pairs(core.wfp) do M[name] = value end

local OWNER, GROUP = core.OWNER_SECURITY_INFORMATION, core.GROUP_SECURITY_INFORMATION
local DACL, SACL = core.DACL_SECURITY_INFORMATION, core.SACL_SECURITY_INFORMATION
local PROTECTED_DACL = core.PROTECTED_DACL_SECURITY_INFORMATION
local UNPROTECTED_DACL = core.UNPROTECTED_DACL_SECURITY_INFORMATION
local ALL_PARTS = OWNER | GROUP | DACL

-- The error object for a code a session returned (user DWORD or NTSTATUS).
local function session_error(session, code, op)
  return errors.new(code, op, session:is_kernel() and "NTSTATUS" or "USER")
end

-- An ACL argument: ACL userdata, a descriptor (its DACL or SACL), an ACE
-- list "(A;;GA;;;SY)..." or a full SDDL string.
local function to_acl(value, which)
  if value == nil then return nil end
  local kind = type(value) == "userdata" and tostring(getmetatable(value).__name)
  if kind == "ntsec.acl" then return value end
  if kind == "ntsec.sd" then return value[which] end
  if type(value) == "string" then
    local text = value:match("^%(") and ((which == "sacl" and "S:" or "D:") .. value) or value
    local sd, _, code, offset = core.sd_from_sddl(text)
    if not sd then
      local err = errors.new(code, "sddl")
      err.offset = offset
      error(("%s: %s"):format(which, tostring(err)), 3)
    end
    return sd[which]
  end
  error(("expected an ACL, descriptor or SDDL for %s, got %s"):format(which, type(value)), 3)
end

-- SECURITY_INFORMATION and arguments from an option table
-- {owner=, group=, dacl=, sacl=, protected=, si=}.
local SET_KEYS = { owner = "string/sid", group = "string/sid", dacl = true, sacl = true,
                   null_dacl = "boolean", protected = "boolean", si = "number" }

-- Strict option table: unknown keys and wrong types raise naming the key.
local function check_set_opts(opts)
  if type(opts) ~= "table" then error("set_security expects an option table", 3) end
  for k, v in pairs(opts) do
    local want = SET_KEYS[k]
    if not want then error(("set_security: unknown option '%s'"):format(tostring(k)), 3) end
    if want == "boolean" and type(v) ~= "boolean" then
      error(("set_security: option '%s' must be a boolean, got %s"):format(k, type(v)), 3)
    elseif want == "number" and (math.type(v) ~= "integer" or v < 0 or v > 0xFFFFFFFF) then
      error(("set_security: option '%s' must be a 32-bit SECURITY_INFORMATION, got %s"):format(k, tostring(v)), 3)
    elseif want == "string/sid" and type(v) ~= "string" and type(v) ~= "userdata" then
      error(("set_security: option '%s' must be a SID or SID string, got %s"):format(k, type(v)), 3)
    end
  end
end

local function set_args(opts)
  check_set_opts(opts)
  local si = opts.si or 0
  if opts.owner then si = si | OWNER end
  if opts.group then si = si | GROUP end
  if opts.dacl ~= nil or opts.null_dacl then si = si | DACL end
  if opts.sacl ~= nil then si = si | SACL end
  if opts.protected == true then si = si | PROTECTED_DACL end
  if opts.protected == false then si = si | UNPROTECTED_DACL end
  return si, opts.owner, opts.group, to_acl(opts.dacl, "dacl"), to_acl(opts.sacl, "sacl")
end

--- A security target ("ntsec.wfp.target"): one securable WFP object or container,
-- the pair of faithful Set/Get functions of its kind and how to call them.
-- session:<kind>(key), session:<plural>_container(), session:connections(),
-- session:endpoints() and session:engine_object() return one (docs/wfp.md "Idiomatic layer").
-- @type Target
local Target = {}
Target.__index = Target
Target.__name = "ntsec.wfp.target"

function Target.__tostring(t)
  return ("ntsec.wfp.%s (%s)"):format(t.kind, t.label)
end

--- target:set_security{owner=, group=, dacl=, sacl=, protected=, null_dacl=, si=} -> true | nil, err.
-- A security target is what session:callout(key), session:callouts_container(),
-- session:connections(), session:endpoints(), session:engine_object(), ... return.
-- SECURITY_INFORMATION is built from the keys given: owner/group (SID or SID
-- string) add OWNER/GROUP, dacl/sacl (ACL, descriptor or SDDL / ACE list "(A;;GA;;;SY)")
-- add DACL/SACL, `null_dacl = true` sets a NULL DACL; `protected = true` adds
-- PROTECTED_DACL_SECURITY_INFORMATION (the DACL stops inheriting), `false`
-- UNPROTECTED_DACL_SECURITY_INFORMATION; `si` adds raw bits (32-bit integer).
-- Calls the target's faithful Set function (Fwpm<Kind>SetSecurityInfoByKey0 or
-- <api>SetSecurityInfo0) with the session's token; on failure the descriptor is unchanged.
-- Errors: nil, err (ntsec.errors object; err.op names the faithful function) with what it
-- returns: access denied (WRITE_DAC / WRITE_OWNER / ACCESS_SYSTEM_SECURITY), invalid
-- SECURITY_INFORMATION, STATUS_INVALID_OWNER, the kind's not-found code, FWP_E_TXN_IN_PROGRESS
-- (explicit transaction), FWP_E_DYNAMIC_SESSION_IN_PROGRESS / FWP_E_WRONG_SESSION (dynamic sessions).
-- Raises on an unknown option key, a wrong option type or malformed SDDL.
-- Source: wfp_ks_errors.md 2.7, 2.8, 3.4; docs/wfp.md "The Set and Get security functions".
function Target:set_security(opts)
  local si, owner, group, dacl, sacl = set_args(opts)
  local code = self.set(si, owner, group, dacl, sacl)
  if code ~= 0 then return nil, session_error(self.session, code, self.set_name) end
  return true
end

--- target:security([si]) -> descriptor | nil, err (owner, group and DACL by default).
-- `si`: SECURITY_INFORMATION bits (integer; default OWNER|GROUP|DACL); the result is a
-- new ntsec.sd holding the parts asked for (the target's faithful Get function).
-- Errors: nil, err (ntsec.errors object): access denied (READ_CONTROL, ACCESS_SYSTEM_SECURITY
-- for the SACL), the kind's not-found code for a deleted object.
-- Source: wfp_ks_errors.md 2.7, 3.4; docs/wfp.md "The Set and Get security functions".
function Target:security(si)
  local code, sd = self.get(si or ALL_PARTS)
  if code ~= 0 then return nil, session_error(self.session, code, self.get_name) end
  return sd
end

local function new_target(session, kind, label, set_name, get_name, key)
  return setmetatable({
    session = session, kind = kind, label = label, key = key,
    set_name = set_name, get_name = get_name,
  }, Target)
end

local session_methods = M.session_methods

-- One security target method per kind of the kind table (core.wfp.kinds):
-- keyed kinds get session:<target>(key) and session:<plural>_container(),
-- keyless ones session:<target>().
for _, row in ipairs(core.wfp.kinds) do
  local api = row.prefix .. row.stem
  if row.ops.security_by_key then
    local set_name, get_name = api .. "SetSecurityInfoByKey0", api .. "GetSecurityInfoByKey0"
    local function keyed_target(session, key)
      local t = new_target(session, key and row.name or row.plural .. "_container",
        key or (row.label .. "s container"), set_name, get_name, key)
      t.set = function(...) return M[set_name](session, key, ...) end
      t.get = function(si) return M[get_name](session, key, si) end
      return t
    end
    -- session:<kind>(key) -> the object with that key (GUID string or FWPM_* name); nil
    -- or the all-zero GUID gives the kind's container (FwpmCalloutSetSecurityInfoByKey0
    -- remarks). Kinds: callout, provider, sublayer, layer, filter (core.wfp.kinds).
    session_methods[row.target] = keyed_target
    -- session:<plural>_container() -> the kind's container (callouts_container, ...).
    session_methods[row.plural .. "_container"] = function(session) return keyed_target(session, nil) end
  elseif row.ops.security then
    local set_name, get_name = api .. "SetSecurityInfo0", api .. "GetSecurityInfo0"
    -- session:connections() / session:endpoints() / session:engine_object() -> the
    -- connections container, the ALE endpoint container, the engine root
    -- (Fwpm{Connection,Engine}/FwpsAleEndpoint {Set,Get}SecurityInfo0).
    session_methods[row.target] = function(session)
      local kind = row.name == "engine" and "engine" or row.plural .. "_container"
      local t = new_target(session, kind, row.label, set_name, get_name)
      t.set = function(...) return M[set_name](session, ...) end
      t.get = function(si) return M[get_name](session, si) end
      return t
    end
  end
end

--- Module functions of the Lua layer (a new section ends the Target class).
-- @section functions

--- `ntsec.wfp.engine([opts])` -> a new emulated base filtering engine.
-- `opts.sd`: the engine root descriptor (default: the Windows 10 1909 layout,
-- wfp_ks_errors.md 3.3); `opts.not_running`: start in the "BFE not running" state.
-- All options (strict table): sd (descriptor or SDDL), not_running (boolean),
-- max_callouts (FwpmCalloutAdd0 limit; 0 = the documented 100000, -1 = none),
-- seed (key generator seed), clock ("real" (default) | "virtual", milliseconds),
-- path (SQLite store of the persistent part), sync ("full" (default) | "normal"),
-- on_callback_error (function receiving a failing subscription callback's message).
-- Errors: only a store can fail operationally: nil, err (ntsec.errors object;
-- STATUS_OBJECT_TYPE_MISMATCH for a file that is not an ntsec store, STATUS_UNSUCCESSFUL
-- for an unreadable path; err.detail says why). Raises on an unknown option key, a wrong
-- option type, and on out of memory.
-- Source: docs/wfp.md "Persistence", "Transactions and the lock" (clock); wfp_ks_errors.md 3.3.
function M.engine(opts)
  return core.wfp.engine(opts)
end

return M
