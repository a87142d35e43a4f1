local rcode = require("spec.support.wfp_result").code
-- wfp_objects_spec.lua: object lifetimes and references (wfp_ks_errors.md
-- 2.3, 2.4; W32-OM "Object Lifetimes", "Object Associations"), the
-- provider / sublayer / layer / callout / filter functions, enumerations
-- with templates (2.4-2.6) and connection objects with their subscription
-- (2.5). Codes from 5.2: FWP_E_IN_USE 0x8032000A, FWP_E_LIFETIME_MISMATCH
-- 0x80320016, FWP_E_ALREADY_EXISTS 0x80320009, FWP_E_BUILTIN_OBJECT
-- 0x80320017, FWP_E_TOO_MANY_CALLOUTS 0x80320018.

local ntsec = require("ntsec")
local wfp = ntsec.wfp

local IN_USE, LIFETIME, EXISTS, BUILTIN = 0x8032000A, 0x80320016, 0x80320009, 0x80320017
local TOO_MANY = 0x80320018
local LAYER, LAYER6 = "FWPM_LAYER_ALE_AUTH_CONNECT_V4", "FWPM_LAYER_ALE_AUTH_CONNECT_V6"
local ADMIN = ntsec.token { user = "S-1-5-21-1-2-3-500", groups = { "BA", "WD" } }

local function engine(opts)
  opts = opts or {}
  opts.clock = "virtual"
  return wfp.engine(opts)
end

local function collect(iter, state, ctl, closing)
  local out = {}
  for x in iter, state, ctl, closing do out[#out + 1] = x end
  return out
end

describe("WFP objects and their references (2.3, 2.4)", function()
  local e, s
  before_each(function()
    e = engine()
    s = assert(e:open { token = ADMIN })
  end)
  after_each(function() e:close() end)

  it("adds, reads and deletes each kind; zero keys are generated; duplicates refused", function()
    local pkey, id = s:add_provider { name = "p", description = "d", service = "svc" }
    assert.is_string(pkey)
    assert.is_nil(id)
    assert.matches("^{%x+%-%x+%-4%x+%-[89ab]%x+%-%x+}$", pkey)
    local p = s:get_provider(pkey)
    assert.are.same({ "p", "d", "svc", "static" }, { p.name, p.description, p.service, p.lifetime })
    assert.are.equal(EXISTS, rcode(s:add_provider { key = pkey, name = "again" }))
    local skey = s:add_sublayer { name = "s", provider = pkey, weight = 7 }
    local sl = s:get_sublayer(skey)
    assert.are.same({ 7, pkey }, { sl.weight, sl.provider })
    local ckey, cid = s:add_callout { name = "c", layer = LAYER, provider = pkey }
    local fkey, fid = s:add_filter { name = "f", layer = LAYER, sublayer = skey, provider = pkey,
                                        weight = { type = "FWP_UINT8", value = 3 },
                                        action = { type = "FWP_ACTION_CALLOUT_INSPECTION", calloutKey = ckey } }
    local c = s:get_callout_by_id(cid)
    local f = s:get_filter_by_id(fid)
    assert.are.equal(ckey, c.key)
    local layer = s:get_layer(LAYER)
    assert.are.equal(LAYER, layer.key_name)
    assert.are.same({ fkey, layer.key, skey, ckey, pkey, 0x6004, 3 },
      { f.key, f.layer, f.sublayer, f.callout, f.provider, f.action, f.weight })
    assert.are.equal(0, rcode(s:delete_filter_by_id(fid)))
    assert.are.equal(0x80320003, rcode(s:get_filter(fkey)))   -- FWP_E_FILTER_NOT_FOUND
    assert.are.equal(0, rcode(s:delete_callout_by_id(cid)))
    assert.are.equal(0, rcode(s:delete_sublayer(skey)))
    assert.are.equal(0, rcode(s:delete_provider(pkey)))
  end)

  it("checks filter arguments: action type, weight, layer, callout (FWPM_FILTER0)", function()
    local function add(t) t.name = t.name or "f"; t.layer = t.layer or LAYER; return rcode(s:add_filter(t)) end
    assert.are.equal(0x80320024, add { action = "FWP_ACTION_CONTINUE" })        -- FWP_E_INVALID_ACTION_TYPE
    assert.are.equal(0x80320025, add { action = "FWP_ACTION_BLOCK", weight = { uint8 = 16 } })   -- INVALID_WEIGHT
    assert.are.equal(0, add { action = "FWP_ACTION_BLOCK", weight = { uint8 = 15 } })
    assert.are.equal(0x80320004, add { layer = "{12345678-0000-4000-8000-000000000000}", action = "FWP_ACTION_PERMIT" })
    assert.are.equal(0x80320001, add { action = "FWP_ACTION_CALLOUT_TERMINATING" })   -- no callout key
    assert.are.equal(0x80320007, add { action = "FWP_ACTION_BLOCK", sublayer = "{12345678-0000-4000-8000-000000000000}" })
    assert.are.equal(0x80320023, rcode(s:add_filter { layer = LAYER, action = "FWP_ACTION_BLOCK" }))   -- NULL_DISPLAY_NAME
    assert.has_error(function() add { action = "FWP_ACTION_BLOCK", conditions = { {} } } end)   -- field, match, type required
    local v6 = s:add_callout { name = "v6 only", layer = LAYER6 }
    assert.are.equal(0x80320014, add { action = { type = "FWP_ACTION_CALLOUT_UNKNOWN", calloutKey = v6 } })
    local _, id = s:add_filter { name = "default sublayer", layer = LAYER, action = "FWP_ACTION_PERMIT" }
    local f = s:get_filter_by_id(id)
    assert.are.equal("{eebecc03-ced4-4380-819a-2734397b2b74}", f.sublayer)   -- FWPM_SUBLAYER_UNIVERSAL
  end)

  it("refuses to delete a referenced object (FWP_E_IN_USE) until its referrers are gone", function()
    local p = s:add_provider { name = "p" }
    local sl = s:add_sublayer { name = "s", provider = p }
    local c = s:add_callout { name = "c", layer = LAYER }
    local _, fid = s:add_filter { name = "f", layer = LAYER, sublayer = sl,
                                  action = { type = "FWP_ACTION_CALLOUT_TERMINATING", calloutKey = c } }
    assert.are.equal(IN_USE, rcode(s:delete_callout(c)))
    assert.are.equal(IN_USE, rcode(s:delete_sublayer(sl)))
    assert.are.equal(IN_USE, rcode(s:delete_provider(p)))
    assert.are.equal(0, rcode(s:delete_filter_by_id(fid)))
    assert.are.equal(0, rcode(s:delete_callout(c)))
    assert.are.equal(IN_USE, rcode(s:delete_provider(p)))   -- the sublayer still names it
    assert.are.equal(0, rcode(s:delete_sublayer(sl)))
    assert.are.equal(0, rcode(s:delete_provider(p)))
  end)

  it("keeps built-in objects (FWP_E_BUILTIN_OBJECT); layers have no delete", function()
    local sl = assert(s:get_sublayer("FWPM_SUBLAYER_UNIVERSAL"))
    assert.are.same("builtin", sl.lifetime)
    assert.are.equal(BUILTIN, rcode(s:delete_sublayer("FWPM_SUBLAYER_UNIVERSAL")))
    local layer = s:get_layer(LAYER)
    assert.are.equal("builtin", layer.lifetime)
    assert.are.equal(0, rcode(s:get_layer_by_id(layer.id)))
    assert.is_nil(wfp.FwpmLayerDeleteByKey0)
    assert.is_nil(wfp.FwpmLayerAdd0)
  end)

  it("applies the association rules of W32-OM (FWP_E_LIFETIME_MISMATCH)", function()
    local dyn = assert(e:open { token = ADMIN, dynamic = true })
    local dyn2 = assert(e:open { token = ADMIN, dynamic = true })
    local dc = dyn:add_callout { name = "dynamic", layer = LAYER }
    -- a static object may not refer to a dynamic one
    assert.are.equal(LIFETIME, rcode(s:add_filter { name = "f", layer = LAYER,
      action = { type = "FWP_ACTION_CALLOUT_TERMINATING", calloutKey = dc } }))
    -- a dynamic object may not refer to another session's dynamic object
    assert.are.equal(LIFETIME, rcode(dyn2:add_filter { name = "f", layer = LAYER,
      action = { type = "FWP_ACTION_CALLOUT_TERMINATING", calloutKey = dc } }))
    assert.are.equal(0, rcode(dyn:add_filter { name = "f", layer = LAYER,
      action = { type = "FWP_ACTION_CALLOUT_TERMINATING", calloutKey = dc } }))
    -- a persistent object may not refer to a static one ...
    local sp = s:add_provider { name = "static provider" }
    assert.are.equal(LIFETIME, rcode(s:add_callout { name = "c", flags = "FWPM_CALLOUT_FLAG_PERSISTENT", provider = sp }))
    -- ... nor to a persistent object of another provider
    local p1 = s:add_provider { name = "p1", flags = "FWPM_PROVIDER_FLAG_PERSISTENT" }
    local p2 = s:add_provider { name = "p2", flags = "FWPM_PROVIDER_FLAG_PERSISTENT" }
    local pc = s:add_callout { name = "pc", layer = LAYER, flags = "FWPM_CALLOUT_FLAG_PERSISTENT", provider = p1 }
    local block = { type = "FWP_ACTION_CALLOUT_TERMINATING", calloutKey = pc }
    assert.are.equal(LIFETIME, rcode(s:add_filter { name = "f", layer = LAYER, provider = p2, flags = 1, action = block }))
    assert.are.equal(LIFETIME, rcode(s:add_filter { name = "f", layer = LAYER, flags = 1, action = block }))
    assert.are.equal(0, rcode(s:add_filter { name = "f", layer = LAYER, provider = p1, flags = 1, action = block }))
    -- static -> persistent and dynamic -> anything longer-lived are fine
    assert.are.equal(0, rcode(s:add_filter { name = "f", layer = LAYER, provider = p2, action = block }))
    assert.are.equal(0, rcode(dyn:add_callout { name = "c", provider = p1 }))
  end)

  it("deletes a dynamic session's objects when it closes or its Lua object is collected", function()
    local function dynamic_world()
      local d = assert(e:open { token = ADMIN, dynamic = true })
      local p = d:add_provider { name = "p" }
      local c = d:add_callout { name = "c", provider = p, layer = LAYER }
      d:add_filter { name = "f", layer = LAYER, provider = p,
                     action = { type = "FWP_ACTION_CALLOUT_TERMINATING", calloutKey = c } }
      return d, p
    end
    local d, p = dynamic_world()
    assert.are.equal(0, rcode(s:get_provider(p)))
    d:close()
    assert.are.equal(0x80320005, rcode(s:get_provider(p)))
    local p2 = select(2, dynamic_world())   -- the session is dropped at once
    assert.are.equal(0, rcode(s:get_provider(p2)))
    collectgarbage()
    collectgarbage()
    assert.are.equal(0x80320005, rcode(s:get_provider(p2)))
    assert.are.same({ 0, 0, 0 }, { #e:providers(), #e:callouts(), #e:filters() })
  end)

  it("limits callouts to 100,000 (W32-EC)", function()
    local k = assert(e:open { kernel_mode = true })
    for i = 1, 100000 do k:add_callout { name = "c" .. i } end
    assert.are.equal(100000, e:counts().callouts)
    assert.are.equal(TOO_MANY, rcode(s:add_callout { name = "one more" }))
  end)
end)

describe("WFP enumerations (2.4-2.6)", function()
  local e, s
  before_each(function()
    e = engine()
    s = assert(e:open { token = ADMIN })
  end)
  after_each(function() e:close() end)

  it("filters callouts by provider and layer (FWPM_CALLOUT_ENUM_TEMPLATE0)", function()
    local p = s:add_provider { name = "p" }
    s:add_callout { name = "a", layer = LAYER, provider = p }
    s:add_callout { name = "b", layer = LAYER6, provider = p }
    s:add_callout { name = "c", layer = LAYER }
    local function names(t)
      local out = {}
      for c in s:enum_callouts(t) do out[#out + 1] = c.name end
      return table.concat(out, ",")
    end
    assert.are.equal("a,b,c", names())
    assert.are.equal("a,c", names { layerKey = LAYER })
    assert.are.equal("a,b", names { providerKey = p })
    assert.are.equal("a", names { provider = p, layer = LAYER })
  end)

  it("works on a snapshot and in batches (Create / Enum / Destroy)", function()
    for i = 1, 5 do s:add_provider { name = "p" .. i } end
    local code, en = wfp.FwpmProviderCreateEnumHandle0(s, nil)
    assert.are.equal(0, code)
    s:add_provider { name = "later" }                 -- not in the snapshot
    local c1, first, n1 = wfp.FwpmProviderEnum0(s, en, 3)
    local c2, rest, n2 = wfp.FwpmProviderEnum0(s, en, 10)
    assert.are.same({ 0, 3, 0, 2 }, { c1, n1, c2, n2 })   -- fewer than asked: exhausted
    assert.are.same({ "p1", "p4", "p5" }, { first[1].name, rest[1].name, rest[2].name })
    assert.are.equal(0, wfp.FwpmProviderDestroyEnumHandle0(s, en))
    assert.are.equal("closed enum", ntsec.type(en))
  end)

  it("belongs to its session: another session's handle is invalid (6 / STATUS_INVALID_HANDLE)", function()
    local other = assert(e:open { token = ADMIN })
    local _, en = wfp.FwpmCalloutCreateEnumHandle0(s, nil)
    assert.are.equal(6, (wfp.FwpmCalloutEnum0(other, en, 1)))
    assert.are.equal(6, wfp.FwpmCalloutDestroyEnumHandle0(other, en))
    assert.are.equal(6, (wfp.FwpmFilterEnum0(s, en, 1)))   -- a handle of another kind
    s:close()
    assert.are.equal("closed enum", ntsec.type(en))
  end)

  it("closes the enum handle when a generic for ends or breaks (4th value)", function()
    for i = 1, 3 do s:add_sublayer { name = "s" .. i } end
    local iter, state, ctl, closing = s:enum_sublayers()
    assert.are.equal("enum", ntsec.type(closing))
    for _ in iter, state, ctl, closing do break end  -- luacheck: ignore 512 (breaking at once is the point)
    assert.are.equal("closed enum", ntsec.type(closing))
    local all = collect(s:enum_sublayers())
    assert.are.equal(3, #all)
  end)

  it("filters connections and ALE endpoints by their templates", function()
    local k = assert(e:open { kernel_mode = true })
    for id = 1, 3 do k:add_connection { id = id, ip_version = 0, local_address = "10.0.0." .. id } end
    assert.are.equal(3, #collect(s:enum_connections()))
    local only = collect(s:enum_connections { connectionId = 2 })
    assert.are.same({ 1, 2, "10.0.0.2" }, { #only, only[1].id, only[1].local_address })
    e:import_endpoint { id = 1, ip_version = "FWP_IP_VERSION_V4", local_address = "10.1.2.3",
                        remote_address = "192.168.0.9", protocol = 6, local_port = 80, remote_port = 5000 }
    e:import_endpoint { id = 2, ip_version = "FWP_IP_VERSION_V4", local_address = "10.9.9.9",
                        remote_address = "8.8.8.8", protocol = 17, local_port = 53, remote_port = 53 }
    e:import_endpoint { id = 3, ip_version = "FWP_IP_VERSION_V6", local_address = "fe80::1",
                        remote_address = "fe80::2", protocol = 6, local_port = 80, remote_port = 1 }
    local function ids(t)
      local out = {}
      for ep in s:enum_endpoints(t) do out[#out + 1] = ep.id end
      return table.concat(out, ",")
    end
    assert.are.equal("1,2,3", ids())
    assert.are.equal("1,2", ids { local_subnet = "10.0.0.0/8" })
    assert.are.equal("1", ids { local_subnet = "10.1.0.0/16", protocol = 6 })
    assert.are.equal("1,3", ids { local_port = 80 })
    assert.are.equal("3", ids { remote_subnet = "fe80::/64" })
    assert.are.equal("2", ids { remote_port = 53 })
    local code, en = wfp.FwpsAleEndpointCreateEnumHandle0(s, { protocol = 6 })
    local _, list, n = wfp.FwpsAleEndpointEnum0(s, en, 10)
    assert.are.same({ 0, 2, 1, 3 }, { code, n, list[1].id, list[2].id })
    assert.are.equal(0, wfp.FwpsAleEndpointDestroyEnumHandle0(s, en))
  end)
end)

describe("WFP connection objects and FwpmConnectionSubscribe0 (2.5)", function()
  local e, s, k
  before_each(function()
    e = engine()
    s = assert(e:open { token = ADMIN })
    k = assert(e:open { kernel_mode = true })
  end)
  after_each(function() e:close() end)

  it("delivers add and delete events to the callback with its context", function()
    local seen = {}
    local status, events = wfp.FwpmConnectionSubscribe0(s, nil, function(ctx, ev, c)
      seen[#seen + 1] = ("%s:%d:%d"):format(ctx, ev, c.id)
    end, "ctx")
    assert.are.equal(0, status)
    assert.are.equal("subscription", ntsec.type(events))
    assert.are.equal(0, rcode(k:add_connection { id = 7 }))
    assert.are.equal(0, rcode(k:delete_connection(7)))
    assert.are.same({ "ctx:0:7", "ctx:1:7" }, seen)   -- FWPM_CONNECTION_EVENT_ADD = 0, DELETE = 1
    assert.are.equal(0, wfp.FwpmConnectionUnsubscribe0(s, events))
    k:add_connection { id = 8 }
    assert.are.equal(2, #seen)
    assert.are.equal(6, wfp.FwpmConnectionUnsubscribe0(s, events))   -- already gone
  end)

  it("honours the template's connectionId and the NOTIFY_ON_* flags", function()
    local seen = {}
    wfp.FwpmConnectionSubscribe0(s, { enumTemplate = { connectionId = 2 } },
      function(_, ev, c) seen[#seen + 1] = ev .. "/" .. c.id end)
    s:subscribe_connections(function(_, ev, c) seen[#seen + 1] = "del-only " .. ev .. "/" .. c.id end, nil,
      { flags = "FWPM_SUBSCRIPTION_FLAG_NOTIFY_ON_DELETE" })
    for id = 1, 3 do k:add_connection { id = id } end
    k:delete_connection(2)
    assert.are.same({ "0/2", "1/2", "del-only 1/2" }, seen)
  end)

  it("reports a failing callback and goes on (lua_conventions.md 7.8)", function()
    local reports, after = {}, {}
    local e2 = wfp.engine { on_callback_error = function(msg) reports[#reports + 1] = msg end }
    local s2 = assert(e2:open { token = ADMIN })
    wfp.FwpmConnectionSubscribe0(s2, nil, function() error("boom") end)
    wfp.FwpmConnectionSubscribe0(s2, nil, function(_, _, c) after[#after + 1] = c.id end)
    assert.are.equal(0, rcode(s2:add_connection { id = 1 }))
    assert.are.equal(1, #reports)
    assert.matches("boom", reports[1])
    assert.matches("traceback", reports[1])
    assert.are.same({ 1 }, after)                 -- the other subscriber still got it
    e2:close()
  end)

  it("needs SUBSCRIBE, refuses an explicit transaction, and filters by READ", function()
    assert.are.equal(0, wfp.FwpmTransactionBegin0(s, 0))
    assert.are.equal(0x8032000E, (wfp.FwpmConnectionSubscribe0(s, nil, function() end)))
    assert.are.equal(0, wfp.FwpmTransactionAbort0(s))
    -- a root granting Everyone OPEN and SUBSCRIBE (0x240) but not READ
    local e3 = wfp.engine { sd = assert(ntsec.sd("O:BAG:LSD:(A;OICI;0x240;;;WD)")), clock = "virtual" }
    local plain = assert(e3:open { token = ntsec.token { user = "S-1-5-21-1-2-3-1001", groups = { "WD" } } })
    local got = 0
    assert.are.equal(0, (wfp.FwpmConnectionSubscribe0(plain, nil, function() got = got + 1 end)))
    local k3 = assert(e3:open { kernel_mode = true })
    k3:add_connection { id = 1 }
    assert.are.equal(0, got)                      -- no READ: no notification (3.2)
    e3:close()
  end)

  it("lets a callback call back into the engine", function()
    local ids = {}
    wfp.FwpmConnectionSubscribe0(s, nil, function(_, ev, c)
      ids[#ids + 1] = c.id
      if ev == 0 and c.id < 3 then k:add_connection { id = c.id + 1 } end
    end)
    k:add_connection { id = 1 }
    assert.are.same({ 1, 2, 3 }, ids)
  end)

  it("refuses to close the engine from a callback (reported, engine intact)", function()
    local reports = {}
    local e2 = wfp.engine { on_callback_error = function(msg) reports[#reports + 1] = msg end }
    local s2 = assert(e2:open { token = ADMIN })
    wfp.FwpmConnectionSubscribe0(s2, nil, function() e2:close() end)
    assert.are.equal(0, rcode(s2:add_connection { id = 9 }))
    assert.matches("cannot close an engine from one of its callbacks", reports[1])
    assert.are.equal("engine", ntsec.type(e2))
    e2:close()
    assert.are.equal("closed engine", ntsec.type(e2))
  end)

  it("connection get-by-id needs READ on the container", function()
    k:add_connection { id = 4, ip_version = 0, local_address = "10.0.0.4" }
    local code, c = wfp.FwpmConnectionGetById0(s, 4)
    assert.are.same({ 0, "10.0.0.4" }, { code, c.local_address })
    assert.are.equal(0x80320008, (wfp.FwpmConnectionGetById0(s, 5)))    -- FWP_E_NOT_FOUND
    local plain = assert(e:open { token = ntsec.token { user = "S-1-5-21-1-2-3-1001", groups = { "WD" } } })
    assert.are.equal(5, (wfp.FwpmConnectionGetById0(plain, 4)))
  end)
end)
