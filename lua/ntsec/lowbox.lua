--- ntsec.lowbox: the access check of an AppContainer (lowbox) token at any
-- entry point and in `ntsec.explain` (docs/access.md "AppContainer tokens").
--
-- Windows checks a lowbox token twice: pass 1 over its user, groups,
-- restricted SIDs and claims; pass 2 where only its package SID, its enabled
-- capabilities and ALL APPLICATION PACKAGES (S-1-15-2-1; ALL RESTRICTED
-- APPLICATION PACKAGES, S-1-15-2-2, for an LPAC) match. What is granted is
-- what both passes grant (wfp_classify.md 2.5, W32-LAC). The C check of
-- `ntsec.access_check` and of the filter engine (token_appcontainer.c) and
-- this module build the same pass-2 token: user = the package SID, those SIDs
-- as enabled groups, no integrity SID; here it also carries the token's
-- privileges, so that what a privilege grants is granted outside both
-- passes, as for restricted tokens (docs/access.md; UNCONFIRMED for
-- AppContainers), and the token type and impersonation level of the token,
-- so that pass 2 runs at the same entry point. (The filter engine's C check
-- asks for FWPM_ACTRL_MATCH_FILTER only, which no privilege grants.)
-- @module ntsec.lowbox

local core = require("ntsec.core")
local classify = require("ntsec.classify")

local M = {}

local SUCCESS, DENIED = core.STATUS_SUCCESS, core.STATUS_ACCESS_DENIED
local MAXIMUM_ALLOWED = 0x02000000
local ALL_APP_PACKAGES, ALL_RESTRICTED_APP_PACKAGES = "S-1-15-2-1", "S-1-15-2-2"
local GROUP_ON = 0x7   -- SE_GROUP_MANDATORY | SE_GROUP_ENABLED_BY_DEFAULT | SE_GROUP_ENABLED

-- token -> its pass-2 token; weak keys: it lives as long as the token.
local pass2_of = setmetatable({}, { __mode = "k" })

--- pass2(token) -> the pass-2 token of an AppContainer token, or nil for a
-- token without a package SID (checked in one pass). Built once per token.
-- Errors: none; raises when the AppContainer part holds a bad SID (the
-- token was built from it, so that cannot happen through ntsec.token).
-- Source: wfp_classify.md 2.5 (W32-LAC), as token_appcontainer.c builds it.
function M.pass2(token)
  local t = pass2_of[token]
  if t then return t end
  local id = classify.identities[token]
  if not (id and id.package) then return nil end
  local groups = { { id.lpac and ALL_RESTRICTED_APP_PACKAGES or ALL_APP_PACKAGES, GROUP_ON } }
  for _, cap in ipairs(id.capabilities) do groups[#groups + 1] = { cap, GROUP_ON } end
  local privileges = {}
  for i, p in ipairs(token:privileges()) do privileges[i] = { p.luid, p.attributes } end
  t = core.token(id.package, 0, groups, privileges)
  core.token_copy_type(t, token)
  pass2_of[token] = t
  return t
end

--- combine(desired, granted1, status1, granted2, status2) -> granted, status.
-- One check's result from its two passes. `desired`: the mask asked for
-- (generic bits mapped; MAXIMUM_ALLOWED allowed). A pass-1 refusal stands
-- (STATUS_ACCESS_DENIED or STATUS_PRIVILEGE_NOT_HELD with its mask);
-- otherwise granted = what both grant, STATUS_SUCCESS when it holds every
-- desired bit (with MAXIMUM_ALLOWED: and is not 0), else 0 and
-- STATUS_ACCESS_DENIED (as ntsec.access_check's C path decides).
-- Errors: none (integers in, integers out).
-- Source: wfp_classify.md 2.5; docs/access.md "AppContainer tokens".
function M.combine(desired, granted1, status1, granted2, status2)
  if status1 ~= SUCCESS then return granted1, status1 end
  local granted = granted1 & (status2 == SUCCESS and granted2 or 0)
  local want = desired & ~MAXIMUM_ALLOWED
  if granted & want == want and (desired & MAXIMUM_ALLOWED == 0 or granted ~= 0) then return granted, SUCCESS end
  return 0, DENIED
end

--- check_at(entry, sd, token, desired, mapping, opts) -> what
-- `ntsec.core.access_check_at` returns (call status, granted, status,
-- privileges used[, granted list, status list]), for an AppContainer token
-- from both passes: the call status and privileges used of pass 1 (pass 2
-- runs only when pass 1's call succeeded), granted and status combined, and
-- each object-type entry combined the same way.
-- Errors: as ntsec.core.access_check_at (its call status; raises on bad
-- arguments).
-- Source: sd_semantics.md 3.2-3.7 (entry points), wfp_classify.md 2.5.
function M.check_at(entry, sd, token, desired, mapping, opts)
  local t2 = M.pass2(token)
  local call, granted, status, used, glist, slist = core.access_check_at(entry, sd, token, desired, mapping, opts)
  if not t2 or call ~= SUCCESS then return call, granted, status, used, glist, slist end
  local call2, granted2, status2, _, glist2, slist2 = core.access_check_at(entry, sd, t2, desired, mapping, opts)
  if call2 ~= SUCCESS then return call2, 0, DENIED, used end
  granted, status = M.combine(desired, granted, status, granted2, status2)
  if glist then
    for i = 1, #glist do glist[i], slist[i] = M.combine(desired, glist[i], slist[i], glist2[i], slist2[i]) end
  end
  return call, granted, status, used, glist, slist
end

return M
