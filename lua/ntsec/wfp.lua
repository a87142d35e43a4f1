--- ntsec.wfp: the emulated Windows Filtering Platform engine.
-- The faithful functions (FwpmCalloutSetSecurityInfoByKey0, ...) come from the
-- C binding unchanged: Windows names and argument order, session first, and
-- they return exactly what Windows returns to that caller (NTSTATUS for a
-- kernel-mode session, the user-mode DWORD otherwise; wfp_ks_errors.md 1.4).
-- This module adds the idiomatic layer: objects for a callout, the callouts
-- container, the connections container and the ALE-endpoint container, whose
-- methods return `true` / a value, or `nil, err` (an ntsec.errors object).
-- Calls go through the module table at call time, so a wrapper installed on
-- a field (the audit recorder) sees idiomatic calls too.

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
local function set_args(opts)
  assert(type(opts) == "table", "set_security expects an option table")
  local si = opts.si or 0
  if opts.owner then si = si | OWNER end
  if opts.group then si = si | GROUP end
  if opts.dacl ~= nil or opts.null_dacl then si = si | DACL end
  if opts.sacl ~= nil then si = si | SACL end
  if opts.protected == true then si = si | PROTECTED_DACL end
  if opts.protected == false then si = si | UNPROTECTED_DACL end
  return si, opts.owner, opts.group, to_acl(opts.dacl, "dacl"), to_acl(opts.sacl, "sacl")
end

-- A securable target: the pair of faithful functions and how to call them.
local Target = {}
Target.__index = Target
Target.__name = "ntsec.wfp.target"

function Target.__tostring(t)
  return ("ntsec.wfp.%s (%s)"):format(t.kind, t.label)
end

--- target:set_security{owner=, group=, dacl=, sacl=, protected=} -> true | nil, err.
-- `protected = true` adds PROTECTED_DACL_SECURITY_INFORMATION (the DACL stops
-- inheriting), `false` UNPROTECTED_DACL_SECURITY_INFORMATION; `si` adds raw
-- bits. Errors: whatever the faithful Set function returns (wfp_ks_errors.md 2.7, 2.8).
function Target:set_security(opts)
  local si, owner, group, dacl, sacl = set_args(opts)
  local code = self.set(si, owner, group, dacl, sacl)
  if code ~= 0 then return nil, session_error(self.session, code, self.set_name) end
  return true
end

--- target:security([si]) -> descriptor | nil, err (owner, group and DACL by default).
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

-- Keyed targets pass the key first (nil or the all-zero GUID = the container
-- of that kind); keyless containers do not.
local function keyed_target(session, kind, key)
  local set_name = ("Fwpm%sSetSecurityInfoByKey0"):format(kind)
  local get_name = ("Fwpm%sGetSecurityInfoByKey0"):format(kind)
  local label = kind:lower()
  local t = new_target(session, key and label or label .. "s_container",
    key or (label .. "s container"), set_name, get_name, key)
  t.set = function(...) return M[set_name](session, key, ...) end
  t.get = function(si) return M[get_name](session, key, si) end
  return t
end

local function keyless_target(session, kind, label, set_name, get_name)
  local t = new_target(session, kind, label, set_name, get_name)
  t.set = function(...) return M[set_name](session, ...) end
  t.get = function(si) return M[get_name](session, si) end
  return t
end

local session_methods = {}

--- session:callout(key) -> the callout with that key (GUID string); nil or
-- the all-zero GUID gives the callouts container (FwpmCalloutSetSecurityInfoByKey0 remarks).
-- Likewise session:provider(key), session:sublayer(key), session:layer(key),
-- session:filter(key) through the Fwpm<Kind>{Set,Get}SecurityInfoByKey0 pair.
function session_methods.callout(session, key) return keyed_target(session, "Callout", key) end
function session_methods.provider(session, key) return keyed_target(session, "Provider", key) end
function session_methods.sublayer(session, key) return keyed_target(session, "SubLayer", key) end
function session_methods.layer(session, key) return keyed_target(session, "Layer", key) end
function session_methods.filter(session, key) return keyed_target(session, "Filter", key) end

--- session:callouts_container() -> the callouts container.
function session_methods.callouts_container(session)
  return keyed_target(session, "Callout", nil)
end

--- session:connections() -> the connections container (FwpmConnection*SecurityInfo0).
function session_methods.connections(session)
  return keyless_target(session, "connections_container", "connections container",
    "FwpmConnectionSetSecurityInfo0", "FwpmConnectionGetSecurityInfo0")
end

--- session:endpoints() -> the ALE endpoint-enumeration container (FwpsAleEndpoint*SecurityInfo0).
function session_methods.endpoints(session)
  return keyless_target(session, "endpoints_container", "ALE endpoint container",
    "FwpsAleEndpointSetSecurityInfo0", "FwpsAleEndpointGetSecurityInfo0")
end

--- session:engine_object() -> the engine root object (FwpmEngine{Set,Get}SecurityInfo0).
function session_methods.engine_object(session)
  return keyless_target(session, "engine", "engine", "FwpmEngineSetSecurityInfo0", "FwpmEngineGetSecurityInfo0")
end

-- Adds Lua methods to a C metatable registered under name, whatever form
-- its __index has (methods table or function).
local function extend(name, methods)
  local mt = debug.getregistry()[name]
  if not mt then return end
  local index = mt.__index
  if type(index) == "table" then
    for k, f in pairs(methods) do index[k] = f end
  else
    mt.__index = function(u, k)
      local f = methods[k]
      if f ~= nil then return f end
      return index(u, k)
    end
  end
end

extend("ntsec.wfp.session", session_methods)

-- engine:open{...} -> session, or nil, err (an ntsec.errors object; the C
-- method returns the bare code). The kind follows the requested mode. The C
-- method is kept in the metatable so that reloading this module (busted
-- insulation) never wraps the wrapper.
do
  local mt = debug.getregistry()["ntsec.wfp.engine"]
  local index = mt and mt.__index
  if type(index) == "table" then
    local c_open = rawget(mt, "__c_open") or index.open
    rawset(mt, "__c_open", c_open)
    index.open = function(engine, opts)
      local session, code = c_open(engine, opts)
      if session then return session end
      local kind = type(opts) == "table" and opts.kernel_mode and "NTSTATUS" or "USER"
      return nil, errors.new(code, "FwpmEngineOpen0", kind)
    end
  end
end

--- `ntsec.wfp.engine([opts])` -> a new emulated base filtering engine.
-- `opts.sd`: the engine root descriptor (default: the Windows 10 1909 layout,
-- wfp_ks_errors.md 3.3); `opts.not_running`: start in the "BFE not running" state.
function M.engine(opts)
  return core.wfp.engine(opts)
end

return M
