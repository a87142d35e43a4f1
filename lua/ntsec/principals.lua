--- ntsec.principals: tokens for the well-known Windows principals, built
-- from their documented contents (docs/principals.md gives every fact and
-- its source: Microsoft Learn's service-account pages, the well-known SID
-- list, the UAC split-token description and published `whoami /all`
-- outputs). The audit checks access with these tokens (ntsec.audit).
--
--   local principals = require("ntsec.principals")
--   local token = principals.profile("SYSTEM")       -- or nil, err
--   for _, name in ipairs(principals.names()) do ... end
--   local label, token = principals.resolve("BA")   -- name | SID | token

local ntsec = require("ntsec")
local errors = require("ntsec.errors")

local M = {}

-- The one ntsec.errors object for a bad argument (docs/design.md "Result
-- convention"): err.detail says what is wrong; tostring(err) is that same
-- one-line text (err.text), as the message strings were before.
local function bad(code, op, text)
  local err = errors.new(code, op)
  err.detail, err.text = text, text
  return err
end

-- An interactive account of a workgroup machine: the RIDs are arbitrary
-- (user accounts start at 1000); the machine part is the one the examples use.
local MACHINE = "S-1-5-21-1004336348-1177238915-682003330"
M.INTERACTIVE_USER = MACHINE .. "-1001"

-- Service SID of BFE (the Base Filtering Engine): S-1-5-80- followed by the
-- SHA-1 of the upper-case service name in UTF-16LE read as five
-- little-endian 32-bit words (docs/principals.md; checked in
-- spec/principals_spec.lua against an independent SHA-1).
M.BFE_SERVICE_SID = "S-1-5-80-1383147646-27650227-2710666058-1662982300-1023958487"

local SYSTEM_LEVEL, HIGH_LEVEL, MEDIUM_LEVEL, LOW_LEVEL = "S-1-16-16384", "S-1-16-12288", "S-1-16-8192", "S-1-16-4096"

-- The package SID of the AppContainer profile: S-1-15-2 and seven
-- sub-authorities, as every package SID has; the values are illustrative (a
-- real one is derived from the package family name, docs/principals.md).
M.APPCONTAINER_PACKAGE_SID = "S-1-15-2-1-2-3-4-5-6-7"

-- Privileges as {name, enabled}; a bare name is disabled.
local function privileges(enabled, disabled)
  local out = {}
  for _, n in ipairs(enabled) do out[#out + 1] = { name = n, enabled = true } end
  for _, n in ipairs(disabled or {}) do out[#out + 1] = { name = n, enabled = false } end
  return out
end

-- Microsoft Learn, "LocalSystem Account" (services).
local SYSTEM_PRIVILEGES = privileges(
  { "SeAuditPrivilege", "SeChangeNotifyPrivilege", "SeCreateGlobalPrivilege", "SeCreatePagefilePrivilege",
    "SeCreatePermanentPrivilege", "SeDebugPrivilege", "SeImpersonatePrivilege",
    "SeIncreaseBasePriorityPrivilege", "SeLockMemoryPrivilege", "SeProfileSingleProcessPrivilege",
    "SeTcbPrivilege" },
  { "SeAssignPrimaryTokenPrivilege", "SeBackupPrivilege", "SeCreateTokenPrivilege",
    "SeIncreaseQuotaPrivilege", "SeLoadDriverPrivilege", "SeManageVolumePrivilege", "SeRestorePrivilege",
    "SeSecurityPrivilege", "SeShutdownPrivilege", "SeSystemEnvironmentPrivilege", "SeSystemtimePrivilege",
    "SeTakeOwnershipPrivilege", "SeUndockPrivilege" })

-- Microsoft Learn, "LocalService Account" and "NetworkService Account" (the same list).
local SERVICE_PRIVILEGES = privileges(
  { "SeChangeNotifyPrivilege", "SeCreateGlobalPrivilege", "SeImpersonatePrivilege" },
  { "SeAssignPrimaryTokenPrivilege", "SeAuditPrivilege", "SeIncreaseQuotaPrivilege", "SeShutdownPrivilege",
    "SeUndockPrivilege" })

-- whoami /priv of an elevated administrator (Windows 10/11, docs/principals.md).
local ADMIN_PRIVILEGES = privileges(
  { "SeChangeNotifyPrivilege", "SeImpersonatePrivilege", "SeCreateGlobalPrivilege" },
  { "SeIncreaseQuotaPrivilege", "SeSecurityPrivilege", "SeTakeOwnershipPrivilege", "SeLoadDriverPrivilege",
    "SeSystemProfilePrivilege", "SeSystemtimePrivilege", "SeProfileSingleProcessPrivilege",
    "SeIncreaseBasePriorityPrivilege", "SeCreatePagefilePrivilege", "SeBackupPrivilege",
    "SeRestorePrivilege", "SeShutdownPrivilege", "SeDebugPrivilege", "SeSystemEnvironmentPrivilege",
    "SeRemoteShutdownPrivilege", "SeUndockPrivilege", "SeManageVolumePrivilege",
    "SeIncreaseWorkingSetPrivilege", "SeTimeZonePrivilege", "SeCreateSymbolicLinkPrivilege",
    "SeDelegateSessionUserImpersonatePrivilege" })

-- whoami /priv of a standard user, and of an administrator's filtered token.
local USER_PRIVILEGES = privileges({ "SeChangeNotifyPrivilege" },
  { "SeShutdownPrivilege", "SeUndockPrivilege", "SeIncreaseWorkingSetPrivilege", "SeTimeZonePrivilege" })

-- Groups of an interactive logon (whoami /groups), before the account's own:
-- Everyone, INTERACTIVE, CONSOLE LOGON, Authenticated Users, This Organization, LOCAL.
local LOGON_GROUPS = { "WD", "S-1-5-4", "S-1-2-1", "AU", "S-1-5-15", "S-1-2-0" }

local function concat(...)
  local out = {}
  for _, list in ipairs({ ... }) do
    for _, x in ipairs(list) do out[#out + 1] = x end
  end
  return out
end

-- Groups of a service logon (LocalService, NetworkService): Everyone, Users,
-- SERVICE, CONSOLE LOGON, Authenticated Users, This Organization, LOCAL.
local function service_groups(extra)
  return concat({ "WD", "BU", "S-1-5-6", "S-1-2-1", "AU", "S-1-5-15", "S-1-2-0" }, extra or {})
end

-- The profiles, in report order: name, what it is, and the token spec.
local PROFILES = {
  { name = "SYSTEM", what = "LocalSystem (NT AUTHORITY\\SYSTEM): a service or the kernel's own identity",
    spec = { user = "SY", groups = { { sid = "BA", owner = true }, "WD", "AU" }, integrity = SYSTEM_LEVEL,
             privileges = SYSTEM_PRIVILEGES } },
  { name = "LocalService", what = "NT AUTHORITY\\LocalService",
    spec = { user = "LS", groups = service_groups(), integrity = SYSTEM_LEVEL, privileges = SERVICE_PRIVILEGES } },
  { name = "NetworkService", what = "NT AUTHORITY\\NetworkService",
    spec = { user = "NS", groups = service_groups(), integrity = SYSTEM_LEVEL, privileges = SERVICE_PRIVILEGES } },
  { name = "service:BFE", what = "the BFE service: LocalService with its service SID NT SERVICE\\BFE",
    spec = { user = "LS", groups = service_groups({ { sid = M.BFE_SERVICE_SID, owner = true } }),
             integrity = SYSTEM_LEVEL, privileges = SERVICE_PRIVILEGES } },
  { name = "admin-elevated", what = "an interactive administrator, elevated (UAC full token)",
    spec = { user = M.INTERACTIVE_USER,
             groups = concat({ "WD", "S-1-5-114", { sid = "BA", owner = true }, "BU" }, LOGON_GROUPS, { "S-1-5-113" }),
             integrity = HIGH_LEVEL, privileges = ADMIN_PRIVILEGES } },
  { name = "admin-filtered", what = "the same administrator, not elevated (UAC filtered token)",
    spec = { user = M.INTERACTIVE_USER,
             groups = concat({ "WD", { sid = "S-1-5-114", deny_only = true }, { sid = "BA", deny_only = true }, "BU" },
                             LOGON_GROUPS, { "S-1-5-113" }),
             integrity = MEDIUM_LEVEL, privileges = USER_PRIVILEGES } },
  { name = "user", what = "an interactive standard user (a local account, member of Users only)",
    spec = { user = MACHINE .. "-1002", groups = concat({ "BU" }, LOGON_GROUPS, { "S-1-5-113" }),
             integrity = MEDIUM_LEVEL, privileges = USER_PRIVILEGES } },
  { name = "everyone", what = "a token whose only SID is Everyone (S-1-1-0): what any caller holds",
    spec = { user = "WD", groups = {} } },
  { name = "appcontainer", what = "an AppContainer app of the standard user (lowbox token, Low integrity) "
      .. "with the internetClient capability",
    spec = { user = MACHINE .. "-1002", groups = concat({ "BU" }, LOGON_GROUPS, { "S-1-5-113" }),
             integrity = LOW_LEVEL, privileges = USER_PRIVILEGES,
             package = M.APPCONTAINER_PACKAGE_SID, capabilities = { "internetClient" } } },
}

local BY_NAME = {}
for _, p in ipairs(PROFILES) do BY_NAME[p.name:lower()] = p end

-- SIDs that stand for a profile when a policy names them: the account SIDs
-- and the groups whose typical member the profile is (docs/principals.md).
local SID_PROFILE = {
  ["S-1-5-18"] = "SYSTEM", ["S-1-5-19"] = "LocalService", ["S-1-5-20"] = "NetworkService",
  ["S-1-5-32-544"] = "admin-elevated", ["S-1-5-32-545"] = "user", ["S-1-1-0"] = "everyone",
  [M.BFE_SERVICE_SID] = "service:BFE",
}

--- names() -> the profile names, in the order the audit reports them.
function M.names()
  local out = {}
  for i, p in ipairs(PROFILES) do out[i] = p.name end
  return out
end

--- describe(name) -> {name=, what=, spec=} (the ntsec.token spec), or nil.
-- Names are case-insensitive.
function M.describe(name)
  return type(name) == "string" and BY_NAME[name:lower()] or nil
end

--- profile(name) -> token, or nil, err. A new token on each call.
-- Errors: STATUS_NOT_FOUND for an unknown name (err.detail, also
-- tostring(err): "unknown principal profile X (known: ...)").
-- Source: docs/principals.md.
function M.profile(name)
  local p = M.describe(name)
  if not p then
    return nil, bad(0xC0000225, "principals.profile",
      ("unknown principal profile %s (known: %s)"):format(tostring(name), table.concat(M.names(), ", ")))
  end
  return ntsec.token(p.spec)
end

--- token_for_sid(sid) -> token for a SID that has no profile: the SID as
-- user plus Everyone, Authenticated Users and Users (Authenticated Users is
-- a default member of BUILTIN\Users): the groups every authenticated logon
-- carries, nothing the dump does not say (docs/principals.md, a choice).
function M.token_for_sid(sid)
  return ntsec.token { user = sid, groups = { "WD", "AU", "BU" } }
end

--- resolve(x) -> label, token, or nil, err. x is a profile name, a
-- token object (label: its user SID), or a SID / SID string / alias: a SID
-- with a profile (SY, LS, NS, BA, BU, WD, the BFE service SID) gets that
-- profile's token, any other SID token_for_sid's; the label is x as given.
-- Errors (err.detail, also tostring(err)): STATUS_INVALID_PARAMETER for a
-- value that is no string, SID or token; STATUS_INVALID_SID for a string
-- that is neither a profile name nor a SID.
-- Source: docs/principals.md.
function M.resolve(x)
  if M.describe(x) then return M.describe(x).name, M.profile(x) end
  if ntsec.type(x) == "token" then return tostring(x:user()), x end
  if type(x) ~= "string" and ntsec.type(x) ~= "sid" then
    return nil, bad(0xC000000D, "principals.resolve",
      ("a principal is a profile name, a SID or a token, not a %s"):format(type(x)))
  end
  local sid, err = ntsec.sid(x)
  if not sid then
    return nil, bad(0xC0000078, "principals.resolve", ("%s is not a profile name (%s) nor a SID (%s)"):format(
      ("%q"):format(tostring(x)), table.concat(M.names(), ", "), tostring(err)))
  end
  local label = tostring(x)
  local profile = SID_PROFILE[tostring(sid)]
  if profile then return label, M.profile(profile) end
  return label, M.token_for_sid(sid)
end

--- defaults(session_sids) -> list of principals for the audit: every
-- profile, then each SID of the list (the dump's sessions) that is not the
-- user of a profile already listed, in order, without repeats.
function M.defaults(session_sids)
  local list, seen = M.names(), {}
  for sid in pairs(SID_PROFILE) do seen[sid] = true end
  for _, s in ipairs(session_sids or {}) do
    local sid = ntsec.sid(s)
    if sid and not seen[tostring(sid)] then
      seen[tostring(sid)] = true
      list[#list + 1] = s
    end
  end
  return list
end

return M
