-- spec/principals_spec.lua: ntsec.principals, the tokens of the well-known
-- principals (docs/principals.md gives each fact with its source), and the
-- audit using them (issue 14 "Principals as Windows builds them"; the old
-- failure: each principal was checked as {principal, Everyone}, so SYSTEM
-- was not an Administrator).
local ntsec = require("ntsec")
local principals = require("ntsec.principals")
local audit = require("ntsec.audit")
local cmd = require("spec.support.cmd")

local function groups_of(token)
  local out = {}
  for _, g in ipairs(token:groups()) do out[tostring(g.sid)] = g.attributes end
  return out
end

local function privileges_of(token)
  local out = {}
  for _, p in ipairs(token:privileges()) do out[p.name] = p.attributes end
  return out
end

-- winnt.h: SE_GROUP_MANDATORY 1, ENABLED_BY_DEFAULT 2, ENABLED 4, OWNER 8,
-- USE_FOR_DENY_ONLY 0x10, INTEGRITY 0x20, INTEGRITY_ENABLED 0x40;
-- SE_PRIVILEGE_ENABLED 2.
local ENABLED_GROUP, OWNER, DENY_ONLY, INTEGRITY = 7, 8, 0x10, 0x60

describe("ntsec.principals", function()
  it("names the profiles in report order", function()
    assert.same({ "SYSTEM", "LocalService", "NetworkService", "service:BFE", "admin-elevated", "admin-filtered",
                  "user", "everyone", "appcontainer" }, principals.names())
  end)

  it("builds SYSTEM with Administrators and LocalSystem's privileges (Microsoft Learn, LocalSystem Account)", function()
    local t = assert(principals.profile("SYSTEM"))
    assert.equal("S-1-5-18", tostring(t:user()))
    local g = groups_of(t)
    assert.equal(ENABLED_GROUP | OWNER, g["S-1-5-32-544"])
    assert.equal(ENABLED_GROUP, g["S-1-1-0"])
    assert.equal(ENABLED_GROUP, g["S-1-5-11"])
    assert.equal(INTEGRITY, g["S-1-16-16384"])
    local p = privileges_of(t)
    assert.equal(2, p.SeTcbPrivilege)
    assert.equal(2, p.SeDebugPrivilege)
    assert.equal(0, p.SeTakeOwnershipPrivilege)
    assert.equal(0, p.SeSecurityPrivilege)
    local n = 0
    for _ in pairs(p) do n = n + 1 end
    assert.equal(24, n)
  end)

  for name, sid in pairs({ LocalService = "S-1-5-19", NetworkService = "S-1-5-20" }) do
    it("builds " .. name .. " with the service privileges of its Microsoft Learn page", function()
      local t = assert(principals.profile(name))
      assert.equal(sid, tostring(t:user()))
      local g = groups_of(t)
      assert.is_nil(g["S-1-5-32-544"])
      assert.equal(ENABLED_GROUP, g["S-1-5-6"])     -- NT AUTHORITY\SERVICE
      assert.equal(ENABLED_GROUP, g["S-1-5-32-545"])
      local p = privileges_of(t)
      assert.same({ SeChangeNotifyPrivilege = 2, SeCreateGlobalPrivilege = 2, SeImpersonatePrivilege = 2,
                    SeAssignPrimaryTokenPrivilege = 0, SeAuditPrivilege = 0, SeIncreaseQuotaPrivilege = 0,
                    SeShutdownPrivilege = 0, SeUndockPrivilege = 0 }, p)
    end)
  end

  it("gives the BFE service its service SID, the SHA-1 of the upper-case name (checked by Python's hashlib)", function()
    local script = "import hashlib,struct\n"
      .. "for n in ('TrustedInstaller','BFE'):\n"
      .. "  h=hashlib.sha1(n.upper().encode('utf-16-le')).digest()\n"
      .. "  print('S-1-5-80-'+'-'.join(str(x) for x in struct.unpack('<5I',h)))\n"
    local out = cmd.run(("%s -c \"%s\""):format(cmd.PYTHON, script))
    local trusted, bfe = out:match("^(%S+)\n(%S+)\n$")
    -- The algorithm gives TrustedInstaller's published SID ...
    assert.equal("S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464", trusted)
    -- ... and the BFE profile carries the SID it gives for BFE.
    assert.equal(bfe, principals.BFE_SERVICE_SID)
    local t = principals.profile("service:BFE")
    assert.equal("S-1-5-19", tostring(t:user()))
    assert.equal(ENABLED_GROUP | OWNER, groups_of(t)[bfe])
  end)

  it("splits the interactive administrator as UAC does: elevated and filtered", function()
    local up, down = principals.profile("admin-elevated"), principals.profile("admin-filtered")
    assert.equal(tostring(up:user()), tostring(down:user()))
    assert.equal(ENABLED_GROUP | OWNER, groups_of(up)["S-1-5-32-544"])
    -- whoami /groups of a filtered token: "Group used for deny only", nothing else.
    assert.equal(DENY_ONLY, groups_of(down)["S-1-5-32-544"])
    assert.equal(INTEGRITY, groups_of(up)["S-1-16-12288"])
    assert.equal(INTEGRITY, groups_of(down)["S-1-16-8192"])
    assert.equal(0, privileges_of(up).SeDebugPrivilege)
    assert.is_nil(privileges_of(down).SeDebugPrivilege)
    -- A deny-only group matches deny ACEs only ([MS-DTYP] 2.5.3.2).
    local allow_ba = assert(ntsec.sd("O:SYG:SYD:(A;;GA;;;BA)"))
    assert.equal(0x1F01FF, (ntsec.access_check(allow_ba, up, ntsec.MAXIMUM_ALLOWED)))
    assert.equal(0, (ntsec.access_check(allow_ba, down, ntsec.MAXIMUM_ALLOWED)))
    local deny_ba = assert(ntsec.sd("O:SYG:SYD:(D;;GA;;;BA)(A;;GA;;;WD)"))
    assert.equal(0, (ntsec.access_check(deny_ba, down, ntsec.MAXIMUM_ALLOWED)))
    assert.equal(0x1F01FF, (ntsec.access_check(deny_ba, principals.profile("user"), ntsec.MAXIMUM_ALLOWED)))
  end)

  it("builds an Everyone-only token", function()
    local t = principals.profile("everyone")
    assert.equal("S-1-1-0", tostring(t:user()))
    assert.same({}, t:groups())
    assert.same({}, t:privileges())
  end)

  it("refuses an unknown profile with the known names", function()
    local t, err = principals.profile("root")
    assert.is_nil(t)
    assert.matches("unknown principal profile root %(known: SYSTEM, LocalService", err)
  end)

  it("resolves names, SIDs and tokens, and labels them as given", function()
    local label, t = principals.resolve("system")
    assert.same({ "SYSTEM", "S-1-5-18" }, { label, tostring(t:user()) })
    label, t = principals.resolve("SY")
    assert.equal("SY", label)
    assert.equal(ENABLED_GROUP | OWNER, groups_of(t)["S-1-5-32-544"])
    label, t = principals.resolve("S-1-5-21-1-2-3-1001")
    assert.equal("S-1-5-21-1-2-3-1001", label)
    assert.same({ ["S-1-1-0"] = ENABLED_GROUP, ["S-1-5-11"] = ENABLED_GROUP, ["S-1-5-32-545"] = ENABLED_GROUP },
                groups_of(t))
    local mine = ntsec.token { user = "S-1-5-21-9-9-9-1000", groups = { "BA" } }
    label, t = principals.resolve(mine)
    assert.equal("S-1-5-21-9-9-9-1000", label)
    assert.equal(mine, t)
    local none, err = principals.resolve("XX")
    assert.is_nil(none)
    assert.matches('"XX" is not a profile name', err)
    assert.is_nil((principals.resolve(42)))
  end)
end)

describe("the audit with ntsec.principals", function()
  local STATE = "../shared/data/wfpstate/netsh-wfpstate-1.xml"

  local function run(policy_text)
    local policy = cmd.tmpfile(policy_text, ".lua")
    local result = assert(audit.run { state = STATE, policy = policy })
    os.remove(policy)
    local by = {}
    for _, a in ipairs(result.access) do by[a.principal .. "|" .. a.object] = a.granted end
    return result, by
  end

  -- The callouts container handed to Administrators only (owner SY so
  -- that owner rights do not blur the answer).
  local ADMINS_ONLY = [[
local k = assert(engine:open { kernel_mode = true, token = ntsec.token { user = "SY" } })
assert(k:callouts_container():set_security { owner = "SY", dacl = assert(ntsec.acl("(A;;GA;;;BA)")), protected = true })
]]

  it("checks SYSTEM as a member of Administrators (the old {principal, Everyone} token was not)", function()
    local _, by = run(ADMINS_ONLY .. 'return { principals = { "SY", "SYSTEM", "admin-filtered", "everyone" } }\n')
    -- FWPM_GENERIC_ALL = 0xF07FF (wfp_ks_errors.md 3.1).
    assert.equal(0xF07FF, by["SY|callouts container"])
    assert.equal(0xF07FF, by["SYSTEM|callouts container"])
    assert.equal(0, by["admin-filtered|callouts container"])
    assert.equal(0, by["everyone|callouts container"])
  end)

  it("accepts the policy's own tokens beside names and SIDs", function()
    local result, by = run(ADMINS_ONLY .. [[
local mine = ntsec.token { user = "S-1-5-21-9-9-9-1000", groups = { "BA" } }
return { principals = { mine, "S-1-5-21-9-9-9-1001", "admin-elevated" } }
]])
    assert.same({ "S-1-5-21-9-9-9-1000", "S-1-5-21-9-9-9-1001", "admin-elevated" }, result.principals)
    assert.equal(0xF07FF, by["S-1-5-21-9-9-9-1000|callouts container"])
    assert.equal(0, by["S-1-5-21-9-9-9-1001|callouts container"])
    assert.equal(0xF07FF, by["admin-elevated|callouts container"])
  end)

  it("names a principal that is none of these in one line (bin/ntsec audit, exit 2)", function()
    local policy = cmd.tmpfile('return { principals = { "SYSTEM", {} } }\n', ".lua")
    local out, stderr, code = cmd.run(("bin/ntsec audit %s --policy %s"):format(STATE, policy))
    os.remove(policy)
    assert.equal(2, code)
    assert.equal("", out)
    assert.matches("^ntsec: [^\n]*principals%[2%] = table: [^\n]* is not a SID or SID alias, a profile name or a token", stderr)
  end)
end)
