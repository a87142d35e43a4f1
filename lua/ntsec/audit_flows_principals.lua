--- ntsec.audit_flows_principals: the principals a dump's filter conditions
-- name, with the token Windows would build for each (issue 12; choices in
-- docs/principals.md "Principals taken from the dump"), and the merge with
-- the audit's own principals. Used by ntsec.audit_flows.

local ntsec = require("ntsec")
local principals_mod = require("ntsec.principals")
local service_sids = require("ntsec.service_sids")
local classify = require("ntsec.classify")

local M = {}

-- Condition fields whose descriptor names the flow's principal (2.4, 2.7).
local SD_FIELDS = {
  FWPM_CONDITION_ALE_USER_ID = true, FWPM_CONDITION_ALE_PACKAGE_FAMILY_NAME = true,
}
local PACKAGE_FIELD = "FWPM_CONDITION_ALE_PACKAGE_ID"

local ALL_APP_PACKAGES = "S-1-15-2-1"
local CAPABILITY_NAMES = {}
for name, sid in pairs(classify.CAPABILITIES) do CAPABILITY_NAMES[sid] = name end

-- A copy of a profile's token spec with some fields replaced.
local function spec_from(profile, changes)
  local spec = {}
  for k, v in pairs(principals_mod.describe(profile).spec) do spec[k] = v end
  for k, v in pairs(changes) do spec[k] = v end
  return spec
end

local function with_group(groups, entry)
  local out = {}
  for i, g in ipairs(groups) do out[i] = g end
  out[#out + 1] = entry
  return out
end

-- The kind of principal a SID of a condition stands for, or nil (groups such
-- as Everyone, SYSTEM, ALL SERVICES: not principals of their own).
local function sid_kind(sid)
  if sid:match("^S%-1%-5%-80%-%d+%-%d+%-%d+%-%d+%-%d+$") then return "service" end
  if sid:match("^S%-1%-5%-21%-") then return "user" end
  if sid:match("^S%-1%-15%-3%-") then return "capability" end
  if sid == ALL_APP_PACKAGES then return "appcontainer" end
  if sid:match("^S%-1%-15%-2%-") and sid ~= "S-1-15-2-2" then return "package" end
  return nil
end

-- label and token spec per kind (docs/principals.md "Principals taken from
-- the dump"): a service runs as LocalService with its service SID as an
-- enabled owner group (SERVICE_SID_TYPE_UNRESTRICTED, 2.8); a user SID gets
-- the interactive standard user's token; a capability, the AppContainer
-- profile's token with that one capability; ALL APPLICATION PACKAGES, that
-- token with no capability; a package SID, that token with that package.
local MAKERS = {
  service = function(sid)
    local name = service_sids.name_of(sid)
    local spec = spec_from("LocalService", {})
    spec.groups = with_group(spec.groups, { sid = sid, owner = true })
    return name and ("NT SERVICE\\" .. name) or ("service " .. sid), spec, name
  end,
  user = function(sid)
    return sid, spec_from("user", { user = sid }), nil
  end,
  capability = function(sid)
    local name = CAPABILITY_NAMES[sid]
    return "AppContainer+" .. (name or sid), spec_from("appcontainer", { capabilities = { sid } }), name
  end,
  appcontainer = function()
    return "AppContainer (no capability)", spec_from("appcontainer", { capabilities = {} }), nil
  end,
  package = function(sid)
    return "AppContainer " .. sid, spec_from("appcontainer", { package = sid, capabilities = {} }), nil
  end,
}
local KIND_ORDER = { service = 1, user = 2, capability = 3, appcontainer = 4, package = 5 }

-- SIDs of the descriptor in SDDL text (parsed once per distinct text).
local function descriptor_sids(cache, sddl)
  local sids = cache[sddl]
  if sids then return sids end
  sids = {}
  local sd = ntsec.sd(sddl)
  local dacl = sd and sd.dacl
  for i = 1, dacl and #dacl or 0 do sids[#sids + 1] = tostring(dacl[i].sid) end
  cache[sddl] = sids
  return sids
end

--- dump_principals(engine) -> list of {label=, kind=, sid=, name=, token=}:
-- one per distinct service, user, capability or package SID named by a
-- filter condition (ALE_USER_ID / ALE_PACKAGE_FAMILY_NAME descriptors,
-- ALE_PACKAGE_ID SIDs; "AppContainer (no capability)" for ALL APPLICATION
-- PACKAGES), ordered by kind (services, users, capabilities, AppContainer,
-- packages) then label. name: the service or capability name when known
-- (ntsec.service_sids, ntsec.classify.CAPABILITIES), else nil.
-- Source: wfp_classify.md 2.4-2.8; choices in docs/principals.md.
-- A collector of dump principals: add(filter) for each filter, done() ->
-- the sorted list.
--- collector() -> add, done: add(filter) for each filter (a table with
-- `conditions`, as engine:filters() gives), done() -> the list of
-- dump_principals.
function M.collector()
  local seen, list, cache = {}, {}, {}
  local function add_sid(sid)
    local kind = sid_kind(sid)
    if not kind or seen[sid] then return end
    seen[sid] = true
    local label, spec, name = MAKERS[kind](sid)
    list[#list + 1] = { label = label, kind = kind, sid = sid, name = name, token = ntsec.token(spec) }
  end
  local function add(f)
    for _, c in ipairs(f.conditions or {}) do
      if SD_FIELDS[c.field] and c.type == "FWP_SECURITY_DESCRIPTOR_TYPE" then
        for _, sid in ipairs(descriptor_sids(cache, c.value)) do add_sid(sid) end
      elseif c.field == PACKAGE_FIELD and c.type == "FWP_SID" then
        add_sid(tostring(ntsec.sid(c.value) or c.value))
      end
    end
  end
  local function done()
    table.sort(list, function(a, b)
      if a.kind ~= b.kind then return KIND_ORDER[a.kind] < KIND_ORDER[b.kind] end
      return a.label < b.label
    end)
    return list
  end
  return add, done
end

function M.dump_principals(engine)
  local add, done = M.collector()
  for _, f in ipairs(engine:filters()) do add(f) end
  return done()
end

-- What a token stands for among the dump principals: its identity key
-- ("user:SID", "service:SID", "capability:SID", "appcontainer",
-- "package:SID"); two principals with one key are one principal here.
local function identity_keys(token)
  local keys = {}
  local ac = classify.appcontainer(token)
  if ac then
    if #ac.capabilities == 1 and ac.package == principals_mod.APPCONTAINER_PACKAGE_SID then
      keys[#keys + 1] = "capability:" .. ac.capabilities[1]
    elseif #ac.capabilities == 0 then
      keys[#keys + 1] = ac.package == principals_mod.APPCONTAINER_PACKAGE_SID and "appcontainer"
        or ("package:" .. ac.package)
    end
    return keys
  end
  keys[#keys + 1] = "user:" .. tostring(token:user())
  for _, g in ipairs(token:groups()) do
    local sid = tostring(g.sid)
    if sid_kind(sid) == "service" then keys[#keys + 1] = "service:" .. sid end
  end
  return keys
end

local function dump_key(p)
  if p.kind == "appcontainer" then return "appcontainer" end
  return p.kind .. ":" .. p.sid
end

-- The section's principals: the audit's (source "audit"), then the dump's
-- that none of them already stands for (source "dump").
--- section(dump, labels, tokens) -> list, merged: the audit's principals
-- ({label=, source="audit", token=}) then the dump's (a dump_principals
-- list) that none of them stands for ({label=, source="dump", kind=, sid=,
-- name=, token=}); merged = {{sid=, kind=, principal=}} for the others.
function M.section(dump, labels, tokens)
  local list, taken = {}, {}
  for i, label in ipairs(labels) do
    list[#list + 1] = { label = label, source = "audit", token = tokens[i] }
    for _, k in ipairs(identity_keys(tokens[i])) do taken[k] = label end
  end
  local merged = {}
  for _, p in ipairs(dump) do
    local same = taken[dump_key(p)]
    if same then
      merged[#merged + 1] = { sid = p.sid, kind = p.kind, principal = same }
    else
      list[#list + 1] = { label = p.label, source = "dump", kind = p.kind, sid = p.sid, name = p.name,
                          token = p.token }
      taken[dump_key(p)] = p.label
    end
  end
  return list, merged
end

--- service(sid) -> label, token: the principal of a service SID
-- ("NT SERVICE\\<name>" when ntsec.service_sids knows it).
function M.service(sid)
  local label, spec = MAKERS.service(sid)
  return label, ntsec.token(spec)
end

return M
