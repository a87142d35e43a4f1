--- ntsec: Windows security semantics for Lua 5.4, the idiomatic layer
-- (lua/ntsec/init.lua) over the C module `ntsec.core` (shared/DESIGN.md
-- layer 3), with the value types, tokens, the access check and its
-- explanations, the set-security merge, and the `wfp`, `ks`, `errors` and
-- `access` modules.
--
-- Result convention (docs/design.md): constructors and idiomatic functions
-- return the value (or true), or `nil, err` where `err` is an
-- `ntsec.errors` object (`code`, `name`, `message`, `op`, prints as
-- `NAME (0x...): message`); the Windows-named functions return what Windows
-- returns; programmer errors (wrong argument types, bad option tables)
-- raise. Every Windows constant of the core (`DACL_SECURITY_INFORMATION`,
-- `STATUS_ACCESS_DENIED`, ...) is a field of the module.
-- (This file, explain.lua, adds `ntsec.explain`; LDoc reads it first of the
-- files of module ntsec, so its header is the module's description.)
-- @module ntsec

local core = require("ntsec.core")
local errors = require("ntsec.errors")
local opts = require("ntsec.options")
local lowbox = require("ntsec.lowbox")

local M = {}

local MAXIMUM_ALLOWED = core.MAXIMUM_ALLOWED

local WHY = {
  applied = "applies",
  no_effect = "applies, but every bit it names was already decided",
  inherit_only = "inherit-only: describes children, not this object",
  ignored_type = "this ACE type plays no part in a DACL",
  sid_absent = "SID not in the token",
  sid_deny_only = "SID is deny-only in the token: matches deny ACEs only",
  sid_disabled = "SID is in the token but disabled",
  not_owner = "OWNER RIGHTS: the caller is not the owner",
  condition = "condition did not hold",
  object_type = "object type not in the list",
  zero_mask = "deny ACE with an empty mask",
  not_reached = "not reached: the decision was already made",
  missing = "privilege needed but not enabled",
  owner_rights_ace = "suppressed by an OWNER RIGHTS ACE in the DACL",
  dacl_absent = "no DACL: everything is granted",
  dacl_null = "NULL DACL: everything is granted",
  dacl_empty = "empty DACL: nothing but owner rights and privileges",
  dacl_present = "DACL walked in order",
  label_default = "unlabeled object: Medium, no-write-up",
  label = "mandatory label from the SACL",
  policy_off = "no integrity level or policy: no restriction",
  lowbox = "AppContainer pass 2: only the package SID, the enabled capabilities and ALL APPLICATION PACKAGES"
    .. " match; granted = what both passes grant",
}

local USED = {
  { core.NTSEC_USED_SECURITY, "SeSecurityPrivilege" },
  { core.NTSEC_USED_TAKE_OWNERSHIP, "SeTakeOwnershipPrivilege" },
  { core.NTSEC_USED_BACKUP, "SeBackupPrivilege" },
  { core.NTSEC_USED_RESTORE, "SeRestorePrivilege" },
  { core.NTSEC_USED_RELABEL, "SeRelabelPrivilege" },
}

-- Rights as a number: a number, or an SDDL rights string ("FR", "0x1f01ff").
local function rights(x)
  if type(x) == "number" then return x end
  assert(type(x) == "string", "desired access: number or SDDL rights string expected")
  local sd = assert(core.sd_from_sddl("D:(A;;" .. x .. ";;;WD)"))
  return sd.dacl[1].mask
end

local EXPLAIN_OPTS = { mapping = "string|table", principal_self = "string|sid", backup_intent = "boolean",
  nt_api = "boolean", object_types = "table" }
local MAPPING_OPTS = { read = "integer", write = "integer", execute = "integer", all = "integer" }

-- options: a mapping name, a mapping table {read=, ...}, or a strict table
-- {mapping=, principal_self=, backup_intent=, nt_api=, object_types=}.
local function split_options(options, what)
  if type(options) == "table" and options.read then
    opts.check(options, what .. " mapping", MAPPING_OPTS, 3)
    return options, nil
  end
  if type(options) ~= "table" then return options or "file", nil end
  opts.check(options, what, EXPLAIN_OPTS, 3)
  return options.mapping or "file", options
end

-- A descriptor argument: an SD, or SDDL parsed (nil, err when it does not).
local function to_sd(x, op)
  if type(x) ~= "string" then return x end
  local sd, err = core.sd_from_sddl(x)
  if not sd then err.op = op end
  return sd, err
end

local function privilege_names(used)
  local out = {}
  for _, u in ipairs(USED) do
    if used & u[1] ~= 0 then out[#out + 1] = u[2] end
  end
  return out
end

local Explanation = {}
Explanation.__index = Explanation

local function hex(n)
  return n and ("0x%08x"):format(n) or ""
end

local function cell(s, w)
  s = tostring(s or "")
  if #s > w then s = s:sub(1, w - 1) .. "~" end
  return s .. (" "):rep(w - #s)
end

-- The "applies?" column of a step.
local function applies_text(step)
  if step.kind ~= "ace" then return "" end
  if step.reason == "applied" then return "yes" end
  if step.reason == "no_effect" or step.reason == "zero_mask" then return "idle" end
  if step.reason == "not_reached" then return "-" end
  return "no"
end

-- The SDDL alias of a SID string when it has one ("S-1-1-0" -> "WD").
local function alias(sid)
  local s = sid and core.sid(sid)
  return s and s:sddl() or sid
end

local POLICY = { [1] = "NW", [2] = "NR", [4] = "NX" }

local function integrity_text(step, desired)
  if step.reason == "policy_off" then return WHY.policy_off end
  local bits = {}
  for b, name in pairs(POLICY) do
    if step.policy & b ~= 0 then bits[#bits + 1] = name end
  end
  table.sort(bits)
  local text = ("%s %s(%s): allows %s"):format(WHY[step.reason], alias(step.sid), table.concat(bits),
    step.mask == 0xFFFFFFFF and "everything (token dominates)" or ("0x%08x"):format(step.mask))
  if desired & ~step.mask ~= 0 then text = text .. (", refuses 0x%08x"):format(desired & ~step.mask) end
  return text
end

local OWNER = {
  applied = "caller is the owner: READ_CONTROL | WRITE_DAC",
  not_owner = "caller is not the owner",
  owner_rights_ace = WHY.owner_rights_ace,
}

local function why_text(step, desired)
  local why = WHY[step.reason] or step.reason
  if step.kind == "ace" and step.sid and (step.reason == "applied" or step.reason == "no_effect") then
    why = "SID " .. alias(step.sid) .. " matches" .. (step.reason == "no_effect" and ", nothing left to decide" or "")
  elseif step.kind == "ace" and step.sid and step.reason:match("^sid_") then
    why = why .. ": " .. alias(step.sid)
  elseif step.kind == "owner" then
    why = OWNER[step.reason] or why
  elseif step.kind == "integrity" then
    why = integrity_text(step, desired)
  elseif step.kind == "privilege" then
    why = step.privilege .. ": " .. (step.reason == "missing" and WHY.missing or "granted")
  end
  if step.condition then why = why .. " (condition " .. step.condition .. ")" end
  if step.pass == 1 then why = "[restricted SIDs] " .. why end
  if step.lowbox then why = "[AppContainer] " .. why end
  if step.node then why = why .. " [object type node " .. step.node .. "]" end
  return why
end

local function step_label(step)
  if step.kind == "ace" then return "#" .. step.index end
  return step.kind
end

function Explanation:__tostring()
  local lines = {
    ("ntsec.explain: desired %s%s -> %s, granted %s"):format(hex(self.desired),
      self.max_allowed and " + MAXIMUM_ALLOWED" or "", self.status_name, hex(self.granted)),
    cell("step", 10) .. cell("ACE", 40) .. cell("applies", 8) .. cell("granted", 11) .. cell("denied", 11) .. "why",
  }
  for _, s in ipairs(self.steps) do
    if s.kind ~= "start" and s.kind ~= "pass_end" and s.kind ~= "result" then
      local granted = s.kind ~= "integrity" and s.granted ~= 0 and hex(s.granted) or ""
      lines[#lines + 1] = cell(step_label(s), 10) .. cell(s.ace or "", 40) .. cell(applies_text(s), 8)
        .. cell(granted, 11) .. cell(s.denied ~= 0 and hex(s.denied) or "", 11)
        .. s.why
    end
  end
  if #self.privileges_used > 0 then
    lines[#lines + 1] = "privileges used: " .. table.concat(self.privileges_used, ", ")
  end
  lines[#lines + 1] = ("result: %s (%s)"):format(self.allowed and "ALLOWED" or "DENIED", self.status_name)
  return table.concat(lines, "\n")
end

-- An AppContainer token's explanation (ntsec.lowbox): pass 1's steps, a
-- "lowbox" step, pass 2's steps marked lowbox = true, then the result of
-- both; granted, status and each object-type node combined.
local function merge_lowbox(r, r2, want)
  local steps, result = {}, nil
  for _, st in ipairs(r.steps) do
    if st.kind == "result" then result = st else steps[#steps + 1] = st end
  end
  steps[#steps + 1] = { kind = "lowbox", reason = "lowbox", mask = 0, granted = 0, denied = 0, remaining = 0,
                        pass = 0 }
  for _, st in ipairs(r2.steps) do
    if st.kind ~= "start" and st.kind ~= "result" then
      st.lowbox = true
      steps[#steps + 1] = st
    end
  end
  r.granted, r.status = lowbox.combine(want, r.granted, r.status, r2.granted, r2.status)
  if result then
    result.granted, result.status = r.granted, r.status
    steps[#steps + 1] = result
  end
  r.steps = steps
  for i, node in ipairs(r.nodes or {}) do
    local other = r2.nodes[i]
    node.granted, node.status = lowbox.combine(want, node.granted, node.status, other.granted, other.status)
  end
end

local function annotate(steps, desired)
  for _, s in ipairs(steps) do s.why = why_text(s, desired) end
  return steps
end

--- `ntsec.explain(sd, token, desired[, options])` -> explanation | nil, err.
-- Why an access check decided as it did: runs the access check of
-- `ntsec.access_check` with a trace. `sd`: descriptor or SDDL; `desired`:
-- access mask or SDDL rights ("FR"); `options`: a mapping ("file" default,
-- "fwpm", {read=, ...}) or a table { mapping=, principal_self=,
-- backup_intent=, nt_api=, object_types = { {level=, guid=}, ... } }.
-- The explanation (a table; no methods):
--   { allowed=bool, granted=mask, status=code, status_name=, call_status=,
--     desired=mask (generic bits mapped), max_allowed=bool,
--     privileges_used={names...}, steps={...}, nodes={...} (object types) }.
-- Each step is { kind=, reason=, why= (words), ace= (SDDL), index=, sid=,
-- condition=, mask=, granted=, denied=, remaining=, pass=, privilege= }:
-- kinds "start", "integrity", "privilege", "pass", "owner", "ace",
-- "pass_end", "result". `tostring(explanation)` is a readable table. A
-- denial is an explanation with allowed = false, not an error.
-- Errors: nil, err (an ntsec.errors object) for SDDL that does not parse
-- (with `err.offset`), a failed call (e.g. STATUS_INVALID_SECURITY_DESCR,
-- STATUS_NO_IMPERSONATION_TOKEN with nt_api) or STATUS_NO_MEMORY; raises on
-- an unknown option or a bad rights string.
-- Source: sd_semantics.md 3.2-3.7; [MS-DTYP] 2.5.3.2 (AccessCheck), 2.5.3.3
-- (MandatoryIntegrityCheck); docs/access.md.
function M.explain(sd, token, desired, options)
  local mapping, o = split_options(options, "explain")
  local err
  sd, err = to_sd(sd, "explain")
  if not sd then return nil, err end
  local want = core.map_generic(rights(desired), mapping)
  local r
  r, err = core.explain(sd, token, want, mapping, o)
  if not r then return nil, err end
  if r.call_status ~= core.STATUS_SUCCESS then return nil, errors.new(r.call_status, "explain") end
  local pass2 = lowbox.pass2(token)
  if pass2 then
    local r2
    r2, err = core.explain(sd, pass2, want, mapping, o)
    if not r2 then return nil, err end
    if r2.call_status ~= core.STATUS_SUCCESS then return nil, errors.new(r2.call_status, "explain") end
    merge_lowbox(r, r2, want)
  end
  r.desired = want & ~MAXIMUM_ALLOWED
  r.max_allowed = want & MAXIMUM_ALLOWED ~= 0
  r.allowed = r.status == core.STATUS_SUCCESS
  r.status_name = errors.name(r.status) or hex(r.status)
  r.privileges_used = privilege_names(r.privileges_used)
  annotate(r.steps, r.desired)
  return setmetatable(r, Explanation)
end

--- check(sd, token, desired[, options]) -> granted, status[, nodes] | nil, err.
-- Like ntsec.access_check with every option: a completed check returns the
-- granted mask and the access status (and the object-type nodes); a failed
-- call returns nil, err. Internal (not on `ntsec`).
-- @local
function M.check(sd, token, desired, options)
  local mapping, o = split_options(options, "check")
  local err
  sd, err = to_sd(sd, "check")
  if not sd then return nil, err end
  local want = core.map_generic(rights(desired), mapping)
  local call, granted, status, _, nodes = core.access_check_ex(sd, token, want, mapping, o)
  if call ~= core.STATUS_SUCCESS then return nil, errors.new(call, "check") end
  local pass2 = lowbox.pass2(token)
  if pass2 then
    local call2, granted2, status2, _, nodes2 = core.access_check_ex(sd, pass2, want, mapping, o)
    if call2 ~= core.STATUS_SUCCESS then return nil, errors.new(call2, "check") end
    granted, status = lowbox.combine(want, granted, status, granted2, status2)
    for i, node in ipairs(nodes or {}) do
      node.granted, node.status = lowbox.combine(want, node.granted, node.status, nodes2[i].granted, nodes2[i].status)
    end
  end
  return granted, status, nodes
end

return M
