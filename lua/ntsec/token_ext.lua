--- ntsec.token_ext: the optional parts of ntsec.token{...} (sd_semantics.md
-- 3.1; [MS-DTYP] 2.5.2). Fields of the spec table it reads:
--   integrity = "S-1-16-8192" | "ME" | "LW" | ... | RID number: the token's
--       integrity level (a group with SE_GROUP_INTEGRITY(_ENABLED));
--   mandatory_policy = TOKEN_MANDATORY_POLICY_* (default NO_WRITE_UP |
--       NEW_PROCESS_MIN);
--   restricted_sids = { sid | {sid=, attributes=|enabled=,deny_only=} ... };
--   device_groups = { ... same ... };
--   claims = { user = {...}, device = {...}, ["local"] = {...} }, each a map
--       name -> value: an integer (INT64), a string (STRING), a boolean
--       (BOOLEAN), a list of those, or {type = "int64"|"uint64"|"string"|
--       "sid"|"boolean"|"octets", values = {...}, case_sensitive = bool};
--   type = "primary" | "impersonation", level = "anonymous" |
--       "identification" | "impersonation" | "delegation";
--   owner, primary_group (SIDs), default_dacl (ACL or "(A;;GA;;;SY)...").
-- extra_groups(spec, groups) appends the integrity group; configure(token,
-- spec, group_entry) applies the rest and returns the token.
-- @module ntsec

local core = require("ntsec.core")

local M = {}

local INTEGRITY_ATTRS = core.SE_GROUP_INTEGRITY | core.SE_GROUP_INTEGRITY_ENABLED

local TYPES = {
  int64 = core.CLAIM_SECURITY_ATTRIBUTE_TYPE_INT64, uint64 = core.CLAIM_SECURITY_ATTRIBUTE_TYPE_UINT64,
  string = core.CLAIM_SECURITY_ATTRIBUTE_TYPE_STRING, sid = core.CLAIM_SECURITY_ATTRIBUTE_TYPE_SID,
  boolean = core.CLAIM_SECURITY_ATTRIBUTE_TYPE_BOOLEAN,
  octets = core.CLAIM_SECURITY_ATTRIBUTE_TYPE_OCTET_STRING,
}
local SOURCES = { ["local"] = 0, user = 1, device = 2 }
local TOKEN_TYPES = { primary = core.TokenPrimary, impersonation = core.TokenImpersonation }
local LEVELS = {
  anonymous = core.SecurityAnonymous, identification = core.SecurityIdentification,
  impersonation = core.SecurityImpersonation, delegation = core.SecurityDelegation,
}

local function integrity_sid(x)
  if math.type(x) == "integer" then return ("S-1-16-%d"):format(x) end
  return x
end

-- The claim type of a plain Lua value.
local function type_of(v)
  if math.type(v) == "integer" then return "int64" end
  if type(v) == "boolean" then return "boolean" end
  if type(v) == "string" then return "string" end
  error(("claim value of unsupported type %s"):format(type(v)), 4)
end

local function claim_entry(source, name, v)
  local spec = v
  if type(v) ~= "table" or not v.values then
    local values = type(v) == "table" and v or { v }
    spec = { type = type_of(values[1]), values = values }
  end
  local t = TYPES[spec.type] or error(("unknown claim type '%s'"):format(tostring(spec.type)), 3)
  local flags = spec.case_sensitive and core.CLAIM_SECURITY_ATTRIBUTE_VALUE_CASE_SENSITIVE or 0
  return { source = source, name = name, type = t, flags = flags, values = spec.values }
end

local function claims_of(spec)
  local out = {}
  for src, set in pairs(spec or {}) do
    local source = SOURCES[src] or error(("unknown claim source '%s'"):format(tostring(src)), 3)
    local names = {}
    for name in pairs(set) do names[#names + 1] = name end
    table.sort(names)
    for _, name in ipairs(names) do out[#out + 1] = claim_entry(source, name, set[name]) end
  end
  return out
end

local function sid_list(list, group_entry)
  if not list then return nil end
  local out = {}
  for i, g in ipairs(list) do out[i] = group_entry(g) end
  return out
end

-- The SIDs and the ACL string of a token spec, checked before anything is
-- built, so that a malformed one raises naming its key ("token: groups[2]:
-- invalid SID ...") rather than the binding's argument number.
local SID_KEYS = { "user", "owner", "primary_group", "package" }
local SID_LIST_KEYS = { "groups", "restricted_sids", "device_groups", "capabilities" }

local function check_sid(x, where, capabilities)
  if type(x) ~= "string" or (capabilities and capabilities[x]) then return end
  local sid, err = core.sid(x)
  if not sid then error(("token: %s: invalid SID '%s': %s"):format(where, x, tostring(err)), 4) end
end

local function check_acl_text(x)
  if type(x) ~= "string" then return end
  local sd, err = core.sd_from_sddl("D:" .. x)
  if sd then return end
  local hint = x:match("^%s*[DS]:") and " (an ACL string has no 'D:' prefix: \"(A;;GA;;;SY)...\")" or ""
  error(("token: default_dacl: %s (offset %d)%s"):format(tostring(err), math.max((err.offset or 2) - 2, 0), hint), 4)
end

--- check_strings(spec, capabilities): raises "token: KEY: ..." for a
-- malformed SID string under user, owner, primary_group, package, integrity,
-- groups[i], restricted_sids[i], device_groups[i], capabilities[i] (names in
-- `capabilities` are not SIDs) or a malformed default_dacl ACL string.
-- @local
function M.check_strings(spec, capabilities)
  for _, k in ipairs(SID_KEYS) do check_sid(spec[k], k) end
  if spec.integrity ~= nil then check_sid(integrity_sid(spec.integrity), "integrity") end
  for _, k in ipairs(SID_LIST_KEYS) do
    for i, g in ipairs(spec[k] or {}) do
      check_sid(type(g) == "table" and g.sid or g, ("%s[%d]"):format(k, i), k == "capabilities" and capabilities)
    end
  end
  check_acl_text(spec.default_dacl)
end

local function default_dacl(x)
  if type(x) ~= "string" then return x end
  local sd = assert(core.sd_from_sddl("D:" .. x))
  return sd.dacl
end

--- Group entries the spec adds to the token's groups: its integrity SID.
-- @local
function M.extra_groups(spec, groups)
  if spec.integrity then groups[#groups + 1] = { integrity_sid(spec.integrity), INTEGRITY_ATTRS } end
  return groups
end

function M.configure(token, spec, group_entry)
  core.token_configure(token, {
    restricted_sids = sid_list(spec.restricted_sids, group_entry),
    device_groups = sid_list(spec.device_groups, group_entry),
    claims = claims_of(spec.claims),
    mandatory_policy = spec.mandatory_policy,
    type = spec.type and (TOKEN_TYPES[spec.type] or error("unknown token type", 3)),
    level = spec.level and (LEVELS[spec.level] or error("unknown impersonation level", 3)),
    owner = spec.owner, primary_group = spec.primary_group,
    default_dacl = spec.default_dacl and default_dacl(spec.default_dacl),
  })
  return token
end

return M
