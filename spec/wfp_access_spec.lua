local rcode = require("spec.support.wfp_result").code
-- wfp_access_spec.lua: every engine operation is access-checked
-- (wfp_ks_errors.md 3.2) against the right descriptor with the FWPM generic
-- mapping (3.1); kernel-mode sessions skip the checks; descriptors inherit
-- from the containers and the engine root, DACL only (3.3); a DACL write
-- that is not PROTECTED keeps the inherited ACEs after the caller's; a
-- container's DACL change re-inherits its objects.
--
-- Expected rights come from 3.3's default engine descriptor (Windows 10
-- 1909): BA 0xF07FF, Network Configuration Operators GR|GW|GX = 0x307FF,
-- NlaSvc GR|GX = 0x203F4, Everyone CLASSIFY|OPEN = 0x50; codes from 5.2/5.6
-- (user mode: ERROR_ACCESS_DENIED = 5, FWP_E_* = 0x8032xxxx).

local ntsec = require("ntsec")
local wfp = ntsec.wfp

local DENIED = 5
local OWNER, GROUP, DACL, SACL = 0x1, 0x2, 0x4, 0x8
local PROTECTED_DACL = 0x80000000
local NLA_SVC = "S-1-5-80-3141615172-2057878085-1754447212-2405740020-3916490453"

local PKEY = "{a0000000-0000-4000-8000-000000000001}"
local SKEY = "{a0000000-0000-4000-8000-000000000002}"
local CKEY = "{a0000000-0000-4000-8000-000000000003}"
local FKEY = "{a0000000-0000-4000-8000-000000000004}"
local LAYER = "FWPM_LAYER_ALE_AUTH_CONNECT_V4"

local function token(user, groups, privileges)
  return ntsec.token { user = user, groups = groups, privileges = privileges }
end
local ADMIN = token("S-1-5-21-1-2-3-500", { "BA", "WD" })
local PLAIN = token("S-1-5-21-1-2-3-1001", { "WD" })
local NETOPS = token("S-1-5-21-1-2-3-1002", { "NO", "WD" })
local NLA = token(NLA_SVC, { "WD" })

local function acl(text) return assert(ntsec.sd("D:" .. text)).dacl end

-- An engine with one object of each kind (added by a kernel session, so no
-- owner of ours) and sessions for the four principals.
local function world(opts)
  opts = opts or {}
  opts.clock = "virtual"
  local e = wfp.engine(opts)
  local w = { e = e, k = assert(e:open { kernel_mode = true }) }
  for name, t in pairs { admin = ADMIN, plain = PLAIN, netops = NETOPS, nla = NLA } do
    w[name] = assert(e:open { token = t })
  end
  assert(w.k:add_provider { key = PKEY, name = "p" })
  assert(w.k:add_sublayer { key = SKEY, name = "s", provider = PKEY })
  assert(w.k:add_callout { key = CKEY, name = "c", layer = LAYER })
  assert(w.k:add_filter { key = FKEY, name = "f", layer = LAYER, sublayer = SKEY,
                          action = { type = "FWP_ACTION_CALLOUT_TERMINATING", calloutKey = CKEY } })
  return w
end

local function count(iter, ...)
  local n = 0
  for _ in iter, ... do n = n + 1 end
  return n
end

describe("WFP access control on every operation (3.2)", function()
  local w
  before_each(function() w = world() end)
  after_each(function() w.e:close() end)

  it("add needs ADD on the kind's container (NetOps yes, NlaSvc and Everyone no)", function()
    for _, kind in ipairs { "provider", "sublayer", "callout" } do
      local add = w.netops["add_" .. kind]
      assert.are.equal(0, rcode(add(w.netops, { name = "n" })))
      assert.are.equal(DENIED, rcode(w.nla["add_" .. kind](w.nla, { name = "n" })))
      assert.are.equal(DENIED, rcode(w.plain["add_" .. kind](w.plain, { name = "n" })))
    end
    assert.are.equal(0, rcode(w.netops:add_filter { name = "n", layer = LAYER, action = "FWP_ACTION_BLOCK" }))
    assert.are.equal(DENIED, rcode(w.nla:add_filter { name = "n", layer = LAYER, action = "FWP_ACTION_BLOCK" }))
  end)

  it("add needs ADD_LINK on each referenced provider, layer, sublayer and callout", function()
    -- deny ADD_LINK (DC, 0x2) to NetOps on one object at a time
    local deny = acl("(D;;DC;;;NO)")
    local function with_denied(kind, key, f)
      assert.are.equal(0, rcode(w.admin["get_" .. kind](w.admin, key)))
      local _, before = wfp["Fwpm" .. ({ provider = "Provider", sublayer = "SubLayer", layer = "Layer",
        callout = "Callout" })[kind] .. "GetSecurityInfoByKey0"](w.k, key, DACL)
      local set = wfp["Fwpm" .. ({ provider = "Provider", sublayer = "SubLayer", layer = "Layer",
        callout = "Callout" })[kind] .. "SetSecurityInfoByKey0"]
      assert.are.equal(0, set(w.k, key, DACL, nil, nil, deny, nil))
      f()
      assert.are.equal(0, set(w.k, key, DACL | PROTECTED_DACL, nil, nil, before.dacl, nil))
    end
    with_denied("provider", PKEY, function()
      assert.are.equal(DENIED, rcode(w.netops:add_sublayer { name = "x", provider = PKEY }))
      assert.are.equal(0, rcode(w.netops:add_sublayer { name = "x" }))
    end)
    with_denied("layer", LAYER, function()
      assert.are.equal(DENIED, rcode(w.netops:add_callout { name = "x", layer = LAYER }))
      assert.are.equal(DENIED, rcode(w.netops:add_filter { name = "x", layer = LAYER, action = "FWP_ACTION_BLOCK" }))
    end)
    with_denied("sublayer", SKEY, function()
      assert.are.equal(DENIED, rcode(w.netops:add_filter { name = "x", layer = LAYER, sublayer = SKEY,
                                                      action = "FWP_ACTION_BLOCK" }))
    end)
    with_denied("callout", CKEY, function()
      assert.are.equal(DENIED, rcode(w.netops:add_filter { name = "x", layer = LAYER,
        action = { type = "FWP_ACTION_CALLOUT_INSPECTION", calloutKey = CKEY } }))
    end)
    assert.are.equal(0, rcode(w.netops:add_filter { name = "x", layer = LAYER, sublayer = SKEY,
      action = { type = "FWP_ACTION_CALLOUT_INSPECTION", calloutKey = CKEY } }))
  end)

  it("delete needs DELETE on the object (NetOps 0x307FF has it, NlaSvc 0x203F4 not)", function()
    local key = w.k:add_provider { name = "victim" }
    assert.are.equal(DENIED, rcode(w.nla:delete_provider(key)))
    assert.are.equal(DENIED, rcode(w.plain:delete_provider(key)))
    assert.are.equal(0, rcode(w.netops:delete_provider(key)))
    assert.are.equal(0x80320005, rcode(w.netops:delete_provider(key)))   -- FWP_E_PROVIDER_NOT_FOUND
  end)

  it("get needs READ on the object (NlaSvc has it, Everyone not)", function()
    for kind, key in pairs { provider = PKEY, sublayer = SKEY, layer = LAYER, callout = CKEY, filter = FKEY } do
      assert.are.equal(0, rcode(w.nla["get_" .. kind](w.nla, key)))
      assert.are.equal(DENIED, rcode(w.plain["get_" .. kind](w.plain, key)))
    end
    local f = w.nla:get_filter(FKEY)
    assert.are.equal(DENIED, rcode(w.plain:get_filter_by_id(f.id)))
    assert.are.equal(0, rcode(w.nla:get_filter_by_id(f.id)))
  end)

  it("enumeration needs ENUM on the container; objects without READ are silently skipped", function()
    assert.has_error(function() w.plain:enum_callouts() end)   -- Everyone: no ENUM
    local code = wfp.FwpmCalloutCreateEnumHandle0(w.plain, nil)
    assert.are.equal(DENIED, code)
    assert.are.equal(1, count(w.nla:enum_callouts()))
    -- hide the callout from NlaSvc: a protected DACL without it
    assert.are.equal(0, wfp.FwpmCalloutSetSecurityInfoByKey0(w.k, CKEY, DACL | PROTECTED_DACL, nil, nil,
                                                             acl("(A;;GA;;;BA)"), nil))
    assert.are.equal(0, count(w.nla:enum_callouts()))
    assert.are.equal(1, count(w.admin:enum_callouts()))
  end)

  it("subscribe needs SUBSCRIBE on the connections container", function()
    assert.are.equal(DENIED, (wfp.FwpmConnectionSubscribe0(w.plain, nil, function() end)))
    assert.are.equal(0, (wfp.FwpmConnectionSubscribe0(w.nla, nil, function() end)))   -- GX has SUBSCRIBE
  end)

  it("begin needs BEGIN_READ_TXN / BEGIN_WRITE_TXN on the engine", function()
    assert.are.equal(DENIED, wfp.FwpmTransactionBegin0(w.nla, 0))
    assert.are.equal(0, wfp.FwpmTransactionBegin0(w.nla, wfp.FWPM_TXN_READ_ONLY))
    assert.are.equal(0, wfp.FwpmTransactionCommit0(w.nla))
    assert.are.equal(DENIED, wfp.FwpmTransactionBegin0(w.plain, wfp.FWPM_TXN_READ_ONLY))
    assert.are.equal(0, wfp.FwpmTransactionBegin0(w.netops, 0))
    assert.are.equal(0, wfp.FwpmTransactionAbort0(w.netops))
  end)

  it("get/set security need READ_CONTROL / WRITE_DAC / WRITE_OWNER / ACCESS_SYSTEM_SECURITY (3.4)", function()
    for _, f in ipairs { "FwpmProviderSetSecurityInfoByKey0", "FwpmSubLayerSetSecurityInfoByKey0",
                         "FwpmFilterSetSecurityInfoByKey0", "FwpmLayerSetSecurityInfoByKey0" } do
      local key = ({ FwpmProviderSetSecurityInfoByKey0 = PKEY, FwpmSubLayerSetSecurityInfoByKey0 = SKEY,
                     FwpmFilterSetSecurityInfoByKey0 = FKEY, FwpmLayerSetSecurityInfoByKey0 = LAYER })[f]
      local get = wfp[f:gsub("Set", "Get")]
      assert.are.equal(0, (get(w.nla, key, DACL)))          -- READ_CONTROL via GR
      assert.are.equal(DENIED, (get(w.plain, key, DACL)))
      assert.are.equal(1314, (get(w.admin, key, SACL)))     -- ACCESS_SYSTEM_SECURITY: SeSecurityPrivilege
      assert.are.equal(DENIED, wfp[f](w.netops, key, DACL, nil, nil, acl("(A;;GA;;;WD)"), nil))   -- no WRITE_DAC
      assert.are.equal(DENIED, wfp[f](w.netops, key, OWNER, "NO", nil, nil, nil))                 -- no WRITE_OWNER
      assert.are.equal(1314, wfp[f](w.admin, key, SACL, nil, nil, nil, acl("(A;;GA;;;WD)")))
      assert.are.equal(0, wfp[f](w.admin, key, DACL, nil, nil, acl("(A;;GA;;;WD)"), nil))
      assert.are.equal(0, (get(w.plain, key, DACL)))        -- now granted to Everyone
    end
  end)

  it("the owner of an object may rewrite its DACL (implicit WRITE_DAC)", function()
    local key = w.netops:add_provider { name = "mine" }
    local _, sd = wfp.FwpmProviderGetSecurityInfoByKey0(w.k, key, OWNER)
    assert.are.equal("S-1-5-21-1-2-3-1002", tostring(sd.owner))
    assert.are.equal(0, wfp.FwpmProviderSetSecurityInfoByKey0(w.netops, key, DACL, nil, nil, acl("(A;;GA;;;NO)"), nil))
    assert.are.equal(DENIED, wfp.FwpmProviderSetSecurityInfoByKey0(w.netops, PKEY, DACL, nil, nil, acl("(A;;GA;;;NO)"), nil))
  end)

  it("kernel-mode sessions are never checked, even against a root that grants nothing", function()
    local e = wfp.engine { sd = assert(ntsec.sd("O:BAG:LSD:P")), clock = "virtual" }
    local k = assert(e:open { token = PLAIN, kernel_mode = true })
    local key = k:add_provider { name = "p" }
    assert.are.equal(0, rcode(k:get_provider(key)))
    assert.are.equal(0, wfp.FwpmTransactionBegin0(k, 0))
    assert.are.equal(0, wfp.FwpmTransactionCommit0(k))
    assert.are.equal(0, (wfp.FwpmEngineGetSecurityInfo0(k, DACL | SACL)))
    assert.are.equal(0, rcode(k:delete_provider(key)))
    -- the same user in user mode cannot even open (no OPEN; not an administrator)
    local s, err = e:open { token = PLAIN }
    assert.is_nil(s)
    assert.are.equal(DENIED, err.code)
    e:close()
  end)
end)

describe("WFP descriptors: root, inheritance, re-inheritance (3.3)", function()
  it("containers and objects inherit from a configurable root, DACL ACEs only", function()
    local root = assert(ntsec.sd("O:BAG:LSD:(A;OICI;GA;;;WD)S:(AU;OICISA;GA;;;WD)"))
    local e = wfp.engine { sd = root, clock = "virtual" }
    local k = assert(e:open { kernel_mode = true })
    local _, container = wfp.FwpmCalloutGetSecurityInfoByKey0(k, nil, OWNER | GROUP | DACL | SACL)
    -- a container splits the generic ACE into a mapped effective one and an
    -- inherit-only one (sd_semantics.md 4, DTYP-MD table: two ACEs when generic); no SACL flows
    assert.are.equal("O:BAG:LSD:AI(A;ID;0xf07ff;;;WD)(A;OICIIOID;GA;;;WD)", container:sddl())
    local key = k:add_callout { name = "c" }
    local _, sd = wfp.FwpmCalloutGetSecurityInfoByKey0(k, key, DACL | SACL)
    assert.are.equal("D:AI(A;ID;0xf07ff;;;WD)", sd:sddl())   -- GA mapped for a leaf (3.1)
    local _, engine = wfp.FwpmEngineGetSecurityInfo0(k, OWNER | GROUP | DACL | SACL)
    assert.are.equal(root:sddl(), engine:sddl())
    e:close()
  end)

  it("a DACL write without PROTECTED keeps the inherited ACEs after the caller's (W32-HFD)", function()
    local w = world()
    local deny = acl("(D;;SDWDWO;;;WD)")
    assert.are.equal(0, wfp.FwpmFilterSetSecurityInfoByKey0(w.admin, FKEY, DACL, nil, nil, deny, nil))
    local _, sd = wfp.FwpmFilterGetSecurityInfoByKey0(w.k, FKEY, DACL)
    local aces = sd.dacl:sddl()
    assert.matches("^D:AI%(D;;SDWDWO;;;WD%)%(A;ID;0xf07ff;;;BA%)", "D:" .. sd:sddl():match("AI.*"))
    assert.is_truthy(aces:find("(A;ID;0x307ff;;;NO)", 1, true))
    -- the deny ACE now stops even an administrator's delete
    assert.are.equal(DENIED, rcode(w.admin:delete_filter(FKEY)))
    w.e:close()
  end)

  it("a container's DACL change re-inherits its objects; protected ones keep theirs", function()
    local w = world()
    local open_all = acl("(A;OICI;GA;;;WD)")
    assert.are.equal(0, wfp.FwpmProviderSetSecurityInfoByKey0(w.k, PKEY, DACL | PROTECTED_DACL, nil, nil,
                                                              acl("(A;;GA;;;BA)"), nil))
    local other = w.k:add_provider { name = "other" }
    assert.are.equal(DENIED, rcode(w.plain:get_provider(other)))
    assert.are.equal(0, wfp.FwpmProviderSetSecurityInfoByKey0(w.admin, nil, DACL, nil, nil, open_all, nil))
    assert.are.equal(0, rcode(w.plain:get_provider(other)))          -- re-inherited: Everyone GA
    assert.are.equal(DENIED, rcode(w.plain:get_provider(PKEY)))      -- protected: unchanged
    -- the root: a change flows to every container and on to the objects
    assert.are.equal(DENIED, rcode(w.plain:get_callout(CKEY)))
    assert.are.equal(0, wfp.FwpmEngineSetSecurityInfo0(w.admin, DACL, nil, nil, open_all, nil))
    assert.are.equal(0, rcode(w.plain:get_callout(CKEY)))
    assert.are.equal(1, count(w.plain:enum_filters()))
    w.e:close()
  end)

  it("FwpmEngineSetSecurityInfo0 / GetSecurityInfo0 follow 2.7", function()
    local w = world()
    assert.are.equal(0, wfp.FwpmTransactionBegin0(w.admin, 0))
    assert.are.equal(0x8032000E, wfp.FwpmEngineSetSecurityInfo0(w.admin, DACL, nil, nil, acl("(A;;GA;;;BA)"), nil))
    assert.are.equal(0, (wfp.FwpmEngineGetSecurityInfo0(w.admin, DACL)))    -- getters: no txn rule
    assert.are.equal(0, wfp.FwpmTransactionAbort0(w.admin))
    local dyn = assert(w.e:open { token = ADMIN, dynamic = true })
    assert.are.equal(0x8032000B, wfp.FwpmEngineSetSecurityInfo0(dyn, DACL, nil, nil, acl("(A;;GA;;;BA)"), nil))
    assert.are.equal(DENIED, wfp.FwpmEngineSetSecurityInfo0(w.netops, DACL, nil, nil, acl("(A;;GA;;;BA)"), nil))
    assert.are.equal(DENIED, (wfp.FwpmEngineGetSecurityInfo0(w.plain, DACL)))
    assert.are.equal(1314, (wfp.FwpmEngineGetSecurityInfo0(w.admin, SACL)))
    w.e:close()
  end)
end)
