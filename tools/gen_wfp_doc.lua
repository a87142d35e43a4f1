-- gen_wfp_doc.lua OUT.luadoc: the LDoc docstrings of the WFP functions and
-- methods that the binding generates from the core's kind table
-- (core.wfp.kinds; docs/design.md "Adding a WFP object kind"). The
-- functions are generated from the table, so are their docstrings: one
-- template per operation below (argument and result shapes, errors, source),
-- expanded for every kind whose row has the operation. `make doc` runs it.

package.path = "./lua/?.lua;./lua/?/init.lua;" .. package.path
package.cpath = ("./%s/?.so;"):format(os.getenv("NTSEC_BUILD") or "build") .. package.cpath
local core = require("ntsec.core")

local ACCESS = "FWP_E_* / Win32 codes in user mode, the STATUS_FWP_* twin in kernel mode (wfp_ks_errors.md 1.4, 5.7): "
  .. "ERROR_ACCESS_DENIED without the right of 3.2, FWP_E_WRONG_SESSION, FWP_E_TXN_IN_PROGRESS, "
  .. "EPT_S_NOT_REGISTERED when the engine is not running"

-- op, faithful name suffix, signature, result, errors, source.
local FAITHFUL = {
  { "add", "Add0", "(session, object[, sd])", "code",
    "FWP_E_ALREADY_EXISTS, FWP_E_INVALID_FLAGS, FWP_E_LIFETIME_MISMATCH, FWP_E_*_NOT_FOUND for a referenced object; " .. ACCESS,
    "wfp_ks_errors.md 2.3, 2.4, 3.2 (FWPM_ACTRL_ADD on the container, ADD_LINK on references)" },
  { "delete_by_key", "DeleteByKey0", "(session, key)", "code",
    "the kind's not-found code, FWP_E_IN_USE, FWP_E_BUILTIN_OBJECT; " .. ACCESS, "wfp_ks_errors.md 2.3, 3.2 (DELETE)" },
  { "delete_by_id", "DeleteById0", "(session, id)", "code",
    "the kind's not-found code, FWP_E_IN_USE, FWP_E_BUILTIN_OBJECT; " .. ACCESS, "wfp_ks_errors.md 2.3, 3.2 (DELETE)" },
  { "get_by_key", "GetByKey0", "(session, key)", "code, object table|nil",
    "the kind's not-found code; " .. ACCESS, "wfp_ks_errors.md 3.2 (FWPM_ACTRL_READ)" },
  { "get_by_id", "GetById0", "(session, id)", "code, object table|nil",
    "the kind's not-found code; " .. ACCESS, "wfp_ks_errors.md 3.2 (FWPM_ACTRL_READ)" },
  { "security_by_key", "SetSecurityInfoByKey0", "(session, key|nil, si, owner, group, dacl, sacl)", "code",
    "ERROR_INVALID_PARAMETER / FWP_E_INVALID_PARAMETER for bad SECURITY_INFORMATION, STATUS_INVALID_OWNER, "
      .. "the kind's not-found code; " .. ACCESS,
    "wfp_ks_errors.md 2.7, 2.8 (a nil or all-zero key is the container of the kind), 3.4" },
  { "security_by_key", "GetSecurityInfoByKey0", "(session, key|nil, si)", "code, sd|nil",
    "the kind's not-found code; " .. ACCESS, "wfp_ks_errors.md 2.7, 3.4 (READ_CONTROL, ACCESS_SYSTEM_SECURITY for the SACL)" },
  { "security", "SetSecurityInfo0", "(session, si, owner, group, dacl, sacl)", "code",
    "ERROR_INVALID_PARAMETER for bad SECURITY_INFORMATION, STATUS_INVALID_OWNER; " .. ACCESS,
    "wfp_ks_errors.md 2.5, 2.6, 2.7, 2.8 (the container's descriptor), 3.4" },
  { "security", "GetSecurityInfo0", "(session, si)", "code, sd|nil", ACCESS, "wfp_ks_errors.md 2.5-2.7, 3.4" },
  { "enum", "CreateEnumHandle0", "(session[, template])", "code, enum|nil",
    ACCESS .. " (FWPM_ACTRL_ENUM on the container)", "wfp_ks_errors.md 3.2; objects without READ are skipped" },
  { "enum", "Enum0", "(session, enum, n)", "code, entries|nil, count", "ERROR_INVALID_HANDLE for a foreign or closed enum",
    "Fwpm*Enum0 (Microsoft Learn): up to n entries, fewer at the end" },
  { "enum", "DestroyEnumHandle0", "(session, enum)", "code", "ERROR_INVALID_HANDLE for a foreign or closed enum",
    "Fwpm*DestroyEnumHandle0 (Microsoft Learn)" },
}

-- when(row ops), method pattern (%s = name, %p = plural), signature, result,
-- errors, source. The conditions are the binding's (nl_wfp_object.c
-- nlw_add_session_objects): get_<name> reads by key, or by id for the keyless
-- kinds; get_<name>_by_id exists only beside a keyed get.
local function has(op) return function(ops) return ops[op] end end
local METHODS = {
  { has("add"), "add_%s", "{FWPM_*0 fields, sd=}", "key, id|nil, or nil, err",
    "as the faithful Add0; raises on an unknown option key or a wrong type", "wfp_ks_errors.md 2.3, 3.2" },
  { has("delete_by_key"), "delete_%s", "(key)", "true, or nil, err", "as the faithful DeleteByKey0",
    "wfp_ks_errors.md 2.3" },
  { has("delete_by_id"), "delete_%s_by_id", "(id)", "true, or nil, err", "as the faithful DeleteById0",
    "wfp_ks_errors.md 2.3" },
  { has("get_by_key"), "get_%s", "(key)", "object table, or nil, err", "as the faithful GetByKey0",
    "wfp_ks_errors.md 3.2" },
  { function(ops) return ops.get_by_id and not ops.get_by_key end, "get_%s", "(id)", "object table, or nil, err",
    "as the faithful GetById0", "wfp_ks_errors.md 2.5, 2.6, 3.2" },
  { function(ops) return ops.get_by_id and ops.get_by_key end, "get_%s_by_id", "(id)", "object table, or nil, err",
    "as the faithful GetById0", "wfp_ks_errors.md 3.2" },
  { has("enum"), "enum_%p", "([template])", "generic-for iterator (iter, state, nil, enum: the enum closes on break)",
    "raises on failure (enumerations raise, docs/design.md)", "lua_conventions.md 7.14; wfp_ks_errors.md 3.2" },
}

-- The security targets (lua/ntsec/wfp.lua): keyed kinds get session:<target>(key)
-- and session:<plural>_container(), keyless ones session:<target>().
local TARGET_ERRORS = "none when called (the target only records the session and key); its "
  .. "target:set_security / target:security calls return nil, err (the faithful function's code, "
  .. "e.g. the kind's not-found code for an unknown key); raises on a malformed key when used"
local TARGET_SOURCE = "wfp_ks_errors.md 2.7, 2.8 (a nil or all-zero key is the container); docs/wfp.md \"Idiomatic layer\""

local errors = require("ntsec.errors")

-- Per-row facts in the text: the kind's own not-found code (user-mode
-- name, with the kernel-mode twin), and the id an Add returns.
local function expand(text, row)
  local nt = errors.name(row.not_found, "NTSTATUS") or ("0x%08X"):format(row.not_found)
  local user = errors.name(errors.to_win32(row.not_found)) or nt
  return (text:gsub("the kind's not%-found code", ("%s (kernel: %s)"):format(user, nt)))
end

local out = {}
local function emit(fmt, ...) out[#out + 1] = fmt:format(...) end

emit("--- The WFP functions and session methods generated from the kind table (tools/gen_wfp_doc.lua).")
emit("-- @module ntsec.wfp\n")
for _, row in ipairs(core.wfp.kinds) do
  local api = row.prefix .. row.stem
  for _, f in ipairs(FAITHFUL) do
    if row.ops[f[1]] then
      local name = api .. f[2]
      local result = (f[1] == "add" and row.id_counter) and "code, id|nil" or f[4]
      emit("--- `%s%s` -> %s.", name, f[3], result)
      emit("-- Faithful: Windows name and argument order (also `%s`, wfp_ks_errors.md 1.3); %s: %s.",
        name:sub(1, -2), row.label, row.plural)
      emit("-- Errors: %s.", expand(f[5], row))
      emit("-- Source: %s.", f[6])
      emit("-- @function %s\n", name)
    end
  end
end
emit("--- A session of the engine (engine:open).\n-- @type session\n")
for _, row in ipairs(core.wfp.kinds) do
  for _, m in ipairs(METHODS) do
    if m[1](row.ops) then
      local name = m[2]:gsub("%%s", row.name):gsub("%%p", row.plural)
      emit("--- `session:%s%s` -> %s.", name, m[3], m[4])
      emit("-- Idiomatic (docs/design.md result convention) over %s%s.", row.prefix, row.stem)
      emit("-- Errors: %s.", expand(m[5], row))
      emit("-- Source: %s.", m[6])
      emit("-- @function session:%s\n", name)
    end
  end
end

for _, row in ipairs(core.wfp.kinds) do
  local api = row.prefix .. row.stem
  if row.ops.security_by_key then
    emit("--- `session:%s(key)` -> ntsec.wfp.target (security target of the %s with that key).", row.target, row.label)
    emit("-- key: GUID string \"{...}\" or FWPM_* name; nil or the all-zero GUID gives the %s container.", row.plural)
    emit("-- Its set_security / security call %sSetSecurityInfoByKey0 / %sGetSecurityInfoByKey0.", api, api)
    emit("-- Errors: %s.", expand(TARGET_ERRORS, row))
    emit("-- Source: %s.", TARGET_SOURCE)
    emit("-- @function session:%s\n", row.target)
    emit("--- `session:%s_container()` -> ntsec.wfp.target (security target of the %s container).",
      row.plural, row.label)
    emit("-- Same as session:%s(nil): %sSetSecurityInfoByKey0 with a NULL key.", row.target, api)
    emit("-- Errors: none when called; set_security / security return nil, err as the faithful function.")
    emit("-- Source: %s.", TARGET_SOURCE)
    emit("-- @function session:%s_container\n", row.plural)
  elseif row.ops.security and row.target then
    emit("--- `session:%s()` -> ntsec.wfp.target (security target of the %s).", row.target, row.label)
    emit("-- Its set_security / security call %sSetSecurityInfo0 / %sGetSecurityInfo0 (keyless).", api, api)
    emit("-- Errors: none when called; set_security / security return nil, err as the faithful function.")
    emit("-- Source: wfp_ks_errors.md 2.5, 2.6, 2.7 (container-level descriptors); docs/wfp.md \"Idiomatic layer\".")
    emit("-- @function session:%s\n", row.target)
  end
end

emit("--- The emulated base filtering engine (ntsec.wfp.engine).\n-- @type engine\n")
for _, row in ipairs(core.wfp.kinds) do
  if row.ops.get_by_key then
    emit("--- `engine:%s()` -> array of %s object tables (FWPM_*0 fields, as get_%s returns), in store order.",
      row.plural, row.label, row.name)
    emit("-- Engine-level listing for reports and tests: no session, no access check (contrast %s%sEnum0).",
      row.prefix, row.stem)
    emit("-- Errors: none; raises on a closed engine.")
    emit("-- Source: docs/wfp.md \"Importing a dump\" (what exists on the machine, regardless of rights).")
    emit("-- @function engine:%s\n", row.plural)
  end
end

local f = assert(io.open(assert(arg[1], "usage: gen_wfp_doc.lua OUT"), "w"))
f:write(table.concat(out, "\n"), "\n")
f:close()
