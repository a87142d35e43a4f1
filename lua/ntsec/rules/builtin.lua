--- ntsec.rules.builtin: the built-in rules of `ntsec check` (docs/check.md).
--
-- One table row per rule: {id=, description=, source=, params=(defaults),
-- run=function(ctx, params)}. A rule reports through ctx:finding{...}
-- (ntsec.check) and reads ctx.objects (ntsec.rules.objects.list).
-- Principals are evaluated alone: the token holds the principal's SID and
-- nothing else, so a finding names the SID whose ACE grants the rights.
-- Administrators and a standard user are evaluated with the groups of a
-- real logon token (ADMIN_GROUPS, USER_GROUPS).

local ntsec = require("ntsec")
local rights = require("ntsec.rules.rights")

local M = {}

local OPEN, CLASSIFY = ntsec.FWPM_ACTRL_OPEN, ntsec.FWPM_ACTRL_CLASSIFY
local DELETE, WRITE_DAC, WRITE_OWNER = ntsec.DELETE, ntsec.WRITE_DAC, ntsec.WRITE_OWNER
local MAX = ntsec.MAXIMUM_ALLOWED
local DENY_TYPES = { [1] = true, [6] = true, [10] = true, [12] = true }  -- [MS-DTYP] 2.4.4.1

--- A local administrator's logon token (elevated): BA, Everyone,
-- Authenticated Users, Users, INTERACTIVE.
M.ADMIN = ntsec.token { user = "S-1-5-21-0-0-0-500", groups = { "BA", "WD", "AU", "BU", "IU" } }
--- A standard user's logon token: Everyone, Authenticated Users, Users, INTERACTIVE.
M.USER = ntsec.token { user = "S-1-5-21-0-0-0-1001", groups = { "WD", "AU", "BU", "IU" } }

-- Canonical SID string of a SID or alias.
local function sid_text(s)
  return tostring(assert(ntsec.sid(s), "not a SID: " .. tostring(s)))
end

-- SIDs that Windows' default engine descriptor (wfp.DEFAULT_ENGINE_SDDL, the
-- Windows 10 1909 layout) grants DELETE, WRITE_DAC or WRITE_OWNER by an
-- effective (not inherit-only) allow ACE: BA, Network Configuration
-- Operators and four service SIDs. Read once from that SDDL.
local function default_grantees()
  local out = {}
  local sd = assert(ntsec.sd(ntsec.wfp.DEFAULT_ENGINE_SDDL))
  for i = 1, #sd.dacl do
    local ace = sd.dacl[i]
    local mask = ntsec.core.map_generic(ace.mask, "fwpm")
    if ace.type == 0 and ace.flags & 0x8 == 0 and mask & (DELETE | WRITE_DAC | WRITE_OWNER) ~= 0 then
      out[#out + 1] = tostring(ace.sid)
    end
  end
  return out
end

-- Memo of per-descriptor results: the engine shares descriptors, so a rule
-- computes once per distinct descriptor (by bytes) and reports per object.
local function per_descriptor(memo, sd, compute)
  local key = sd:bytes()
  local r = memo[key]
  if r == nil then r = compute(sd); memo[key] = r end
  return r
end

-- Distinct SIDs of the allow ACEs of a DACL, in order.
local function allow_sids(sd)
  local out, seen = {}, {}
  local dacl = sd.dacl
  for i = 1, dacl and #dacl or 0 do
    local ace = dacl[i]
    local s = tostring(ace.sid)
    if not DENY_TYPES[ace.type] and not seen[s] then seen[s] = true; out[#out + 1] = s end
  end
  return out
end

-- The rights `mask` of the MAXIMUM_ALLOWED grant to a principal alone, with
-- the ACEs that grant them: nil when none of mask is granted.
local function grant_of(sd, sid, mask)
  local token = ntsec.token { user = sid }
  local granted = ntsec.access_check(sd, token, MAX, "fwpm") & mask
  if granted == 0 then return nil end
  local ex = rights.explain(sd, token)
  return { principal = sid, rights = granted, aces = rights.blame(ex, granted, "granted"), trace = tostring(ex) }
end

local function each_object(ctx, kinds, fn)
  for _, o in ipairs(ctx.objects) do
    if o.sd and (not kinds or kinds[o.kind]) then fn(o) end
  end
end

local function report_all(ctx, o, results, message)
  for _, r in ipairs(results) do
    ctx:finding { object = o, principal = r.principal, rights = r.rights, aces = r.aces,
                  message = message, trace = r.trace }
  end
end

-- wfp-write-rights -----------------------------------------------------------
local function write_rights(ctx, params)
  local allowed = {}
  for _, s in ipairs(params.allow) do allowed[sid_text(s)] = true end
  for _, s in ipairs(params.also_allow) do allowed[sid_text(s)] = true end
  local mask = DELETE | WRITE_DAC | WRITE_OWNER
  local memo = {}
  each_object(ctx, nil, function(o)
    local results = per_descriptor(memo, o.sd, function(sd)
      local out = {}
      local owner = sd.owner and tostring(sd.owner)
      for _, s in ipairs(allow_sids(sd)) do
        if not allowed[s] and s ~= owner then out[#out + 1] = grant_of(sd, s, mask) end
      end
      return out
    end)
    report_all(ctx, o, results, "may change the descriptor or delete the object")
  end)
end

-- wfp-broad-access ----------------------------------------------------------
local function broad_access(ctx, params)
  local memo, beyond = {}, ~params.allowed_mask & 0xFFFFFFFF
  each_object(ctx, { engine = true, container = true }, function(o)
    local results = per_descriptor(memo, o.sd, function(sd)
      local out = {}
      for _, p in ipairs(params.principals) do out[#out + 1] = grant_of(sd, sid_text(p), beyond) end
      return out
    end)
    report_all(ctx, o, results, ("holds more than %s"):format(rights.text(params.allowed_mask)))
  end)
end

-- wfp-admin-deny --------------------------------------------------------------
local function admin_deny(ctx, params)
  local memo, mask = {}, params.rights
  each_object(ctx, nil, function(o)
    local r = per_descriptor(memo, o.sd, function(sd)
      local ex = rights.explain(sd, params.token)
      local lost = mask & ~ex.granted
      local denied = 0
      for _, s in ipairs(ex.steps) do
        if s.kind == "ace" then denied = denied | (s.denied or 0) end
      end
      lost = lost & denied
      if lost == 0 then return false end
      return { principal = "BA", rights = lost, aces = rights.blame(ex, lost, "denied"), trace = tostring(ex) }
    end)
    if r then report_all(ctx, o, { r }, "a deny ACE removes Administrators' rights") end
  end)
end

-- null-or-empty-dacl -----------------------------------------------------------
local function null_or_empty(ctx)
  each_object(ctx, nil, function(o)
    local sd = o.sd
    if not sd.dacl then
      ctx:finding { object = o, principal = "WD",
                    message = sd.dacl_present and "NULL DACL: everyone is granted every right"
                      or "no DACL: everyone is granted every right" }
    elseif #sd.dacl == 0 then
      ctx:finding { object = o, message = "empty DACL: nobody but the owner and privileged callers has access" }
    end
  end)
end

-- wfp-nonadmin-open -----------------------------------------------------------
local function nonadmin_open(ctx, params)
  local session, err = ctx.engine:open { token = params.token, name = "ntsec check standard user" }
  if session then session:close() return end
  local engine_object
  for _, o in ipairs(ctx.objects) do if o.kind == "engine" then engine_object = o end end
  local aces, trace = {}, nil
  if engine_object and engine_object.sd then
    local ex = rights.explain(engine_object.sd, params.token)
    aces, trace = rights.blame(ex, OPEN, "denied"), tostring(ex)
  end
  ctx:finding { object = engine_object or { kind = "engine", name = "engine" }, principal = params.principal,
                rights = OPEN, aces = aces, trace = trace,
                message = ("a standard user cannot open the engine: FwpmEngineOpen0 -> %s%s"):format(tostring(err),
                  #aces == 0 and "; no ACE grants FWPM_ACTRL_OPEN to the user's SIDs" or "") }
end

-- wfp-ale-permit-above-block -----------------------------------------------------
local function ale_rule(ctx, params)
  local ale = require("ntsec.rules.ale")
  local token = params.token
  if type(token) == "string" then
    local t, err = require("ntsec.principals").profile(token)
    if not t then error(("parameter token: %s"):format(tostring(err)), 0) end
    token = t
  end
  local principal = params.principal or tostring(token:user())
  local label = assert(ntsec.sid(principal), "principal: not a SID"):sddl()
  local by_key = {}
  for _, o in ipairs(ctx.objects) do if o.kind == "filter" then by_key[o.key] = o end end
  for _, x in ipairs(ale.find(ctx.engine, token, params.layers)) do
    local p, b = x.permit, x.block
    ctx:finding { object = by_key[b.key] or { kind = "filter", key = b.key, name = b.name },
                  principal = principal,
                  message = ("%s: BLOCK filter %d never decides a flow of %s: PERMIT filter %d %s (%s) %s and"
                    .. " matches every flow it matches"):format(x.layer, b.id, label, p.id, p.key,
                    p.name or "", x.how == "sublayer" and ("is above it in its sublayer (effectiveWeight 0x%016x > 0x%016x)")
                    :format(p.effective_weight, b.effective_weight)
                    or "is a hard permit (CLEAR_ACTION_RIGHT) in a sublayer of higher weight"),
                  trace = ale.trace_lines(x) }
  end
end

-- ks-create-item-without-sd ------------------------------------------------------
local function walk_items(items, fn, path)
  for _, item in ipairs(items) do
    local name = (path and (path .. "\\") or "") .. tostring(item.name)
    fn(item, name)
    walk_items(item.children or {}, fn, name)
  end
end

local function ks_without_sd(ctx, params)
  if not params.device then return end
  walk_items(params.device:items(), function(item, name)
    if not item.sd then
      ctx:finding { object = { kind = "ks_create_item", key = name, name = name },
                    message = "create item without a descriptor: KsDispatchSetSecurity and"
                      .. " KsDispatchQuerySecurity fail and no access check guards it" }
    end
  end)
end

--- RULES: the built-in rules in report order.
M.RULES = {
  { id = "wfp-write-rights", run = write_rights,
    description = "A principal other than SYSTEM, Administrators, the owner and Windows' default"
      .. " grantees holds WRITE_DAC, WRITE_OWNER or DELETE on an engine object or container.",
    source = "issue 13; default grantees from wfp.DEFAULT_ENGINE_SDDL (wfp_ks_errors.md 3.3)",
    params = { allow = (function() local l = { "SY", "BA" }
      for _, s in ipairs(default_grantees()) do l[#l + 1] = s end return l end)(), also_allow = {} } },
  { id = "wfp-broad-access", run = broad_access,
    description = "Everyone, Anonymous or Users hold more than FWPM_ACTRL_OPEN|FWPM_ACTRL_CLASSIFY"
      .. " on the engine or a container.",
    source = "issue 13 (third-party tools widening the engine DACL); Windows grants Everyone 0x50 (wfp_ks_errors.md 3.3)",
    params = { principals = { "WD", "AN", "BU" }, allowed_mask = OPEN | CLASSIFY } },
  { id = "wfp-admin-deny", run = admin_deny,
    description = "A deny ACE removes DELETE or WRITE_DAC from an elevated administrator.",
    source = "issue 13 (inherited deny ACEs for Everyone on a vendor's objects)",
    params = { rights = DELETE | WRITE_DAC, token = M.ADMIN } },
  { id = "null-or-empty-dacl", run = null_or_empty,
    description = "An engine object or container has a NULL (or absent) DACL, or an empty one.",
    source = "[MS-DTYP] 2.5.3.2: a NULL DACL grants everything, an empty one nothing", params = {} },
  { id = "wfp-nonadmin-open", run = nonadmin_open,
    description = "A standard user (Everyone, Authenticated Users, Users, INTERACTIVE) cannot open the engine.",
    source = "issue 13 (non-admin callers failing FwpmEngineOpen0); wfp_ks_errors.md 3.2",
    params = { token = M.USER, principal = "S-1-5-21-0-0-0-1001" } },
  { id = "wfp-ale-permit-above-block", run = ale_rule,
    description = "At an ALE layer, a PERMIT filter that applies to Everyone is above a BLOCK filter"
      .. " that applies to Everyone and matches every flow the block matches (the block never decides).",
    source = "issue 13; arbitration wfp_classify.md 3.4, 3.5; docs/check.md \"Permit above a block\"",
    params = { token = "everyone", principal = false, layers = false } },
  { id = "ks-create-item-without-sd", run = ks_without_sd, needs = "device",
    description = "A KS create item (filter factory, pin, clock) has no security descriptor.",
    source = "wfp_ks_errors.md 4.3 (KsDispatchSetSecurity without a descriptor); docs/ks.md",
    params = {} },
}

M.BY_ID = {}
for _, r in ipairs(M.RULES) do M.BY_ID[r.id] = r end

return M
