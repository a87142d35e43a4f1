-- wfp_not_running_spec.lua: the "filter engine not running" state
-- (wfp_ks_errors.md 5.5, 5.7; 1.4). With BFE stopped a user-mode client
-- gets EPT_S_NOT_REGISTERED = 1753 from FwpmEngineOpen0 and everything built
-- on it (GH-WD367, GH-FN66). Kernel mode is undocumented; the spec's
-- EMULATOR CHOICE is EPT_NT_NOT_REGISTERED = 0xC0020036.
--
-- Every faithful function the binding exports (every Fwpm*0 / Fwps*0 name)
-- is called once per mode on a session opened while the engine ran; it must
-- fail with that code, return no value, and change nothing. The arguments
-- come from the function's name (Add0, GetByKey0, SetSecurityInfo0, ...);
-- each argument shape is first shown to work while the engine runs, so a
-- failure here is the engine's, not the probe's. A function whose shape no
-- rule knows is reported as pending, by name.

local ntsec = require("ntsec")
local wfp = ntsec.wfp

local EPT_S_NOT_REGISTERED = 1753
local EPT_NT_NOT_REGISTERED = 0xC0020036
local LAYER = "FWPM_LAYER_ALE_AUTH_CONNECT_V4"
local DACL = 0x4

local function admin() return ntsec.token { user = "S-1-5-21-1-2-3-500", groups = { "BA", "WD" } } end
local function acl() return assert(ntsec.sd("D:(A;;GA;;;WD)")).dacl end

-- Keys of the objects the world holds (K) and of objects Add0 creates (N).
local K = {
  FwpmProvider = "{cccccccc-0000-4000-8000-000000000001}",
  FwpmSubLayer = "{cccccccc-0000-4000-8000-000000000002}",
  FwpmCallout = "{cccccccc-0000-4000-8000-000000000003}",
  FwpmFilter = "{cccccccc-0000-4000-8000-000000000004}",
  FwpmProviderContext = "{cccccccc-0000-4000-8000-000000000005}",
  FwpmLayer = LAYER,
}
local function fresh(family, n)
  return ("{dddddddd-%04x-4000-8000-%012x}"):format(#family, n)
end

-- FWPM_*0 field names of the smallest object each Add0 accepts.
local function new_object(family, key)
  local name = { name = family }
  if family == "FwpmProvider" then return { providerKey = key, displayData = name } end
  if family == "FwpmSubLayer" then return { subLayerKey = key, displayData = name } end
  if family == "FwpmCallout" then
    return { calloutKey = key, displayData = name, applicableLayer = LAYER }
  end
  if family == "FwpmFilter" then
    return { filterKey = key, displayData = name, layerKey = LAYER,
             action = { type = "FWP_ACTION_BLOCK" } }
  end
  if family == "FwpmProviderContext" then
    return { providerContextKey = key, displayData = name, type = "FWPM_GENERAL_CONTEXT" }
  end
  return nil
end

-- Operations by name suffix, most specific first: op -> args(family, world, counter).
local OPS = {
  { "SetSecurityInfoByKey", function(f) return K[f], DACL, nil, nil, acl(), nil end },
  { "GetSecurityInfoByKey", function(f) return K[f], DACL end },
  { "SetSecurityInfo", function() return DACL, nil, nil, acl(), nil end },
  { "GetSecurityInfo", function() return DACL end },
  { "CreateEnumHandle", function() return nil end },
  { "DestroyEnumHandle", function(f, w) return w.enum[f] end },
  { "DeleteByKey", function(f) return K[f] end },
  { "DeleteById", function() return 1 end },
  { "GetByKey", function(f) return K[f] end },
  { "GetById", function() return 1 end },
  { "Enum", function(f, w) if w.enum[f] then return w.enum[f], 10 end end },
  { "Add", function(f, _, n) return new_object(f, fresh(f, n)), nil end },
  { "Unsubscribe", function(f, w) return w.subscription[f] end },
  { "Subscribe", function() return nil, function() end end },
  { "Begin", function() return 0 end },
  { "Commit", function() end },
  { "Abort", function() end },
}

local function split(name)
  for _, op in ipairs(OPS) do
    local family = name:match("^(.-)" .. op[1] .. "0$")
    if family then return family, op[1], op[2] end
  end
end

local function faithful_names()
  local names = {}
  for name, f in pairs(wfp) do
    if type(f) == "function" and name:match("^Fw[pm][ms]%u%a+0$")
       and name ~= "FwpmEngineOpen0" and name ~= "FwpmEngineClose0" then
      names[#names + 1] = name
    end
  end
  table.sort(names)
  return names
end

-- An engine with one object of every kind, an endpoint, enum handles and
-- subscriptions made while it ran, and a user and a kernel session.
local function world()
  local e = wfp.engine()
  local w = { engine = e, enum = {}, subscription = {}, counter = 0 }
  w.user = assert(e:open { token = admin() })
  w.kernel = assert(e:open { kernel_mode = true })
  for _, family in ipairs({ "FwpmProvider", "FwpmSubLayer", "FwpmCallout", "FwpmFilter", "FwpmProviderContext" }) do
    local add = wfp[family .. "Add0"]
    if add then add(w.kernel, new_object(family, K[family]), nil) end
  end
  assert(e:import_endpoint { id = 7, ip_version = "FWP_IP_VERSION_V4", local_address = "10.0.0.1",
                             remote_address = "10.0.0.2", ip_protocol = 6, local_port = 1,
                             remote_port = 2 })
  for _, name in ipairs(faithful_names()) do
    local family, op = split(name)
    if op == "CreateEnumHandle" then
      local code, h = pcall(wfp[name], w.kernel, nil)
      if code then w.enum[family] = select(2, wfp[name](w.kernel, nil)) or h end
    elseif op == "Subscribe" then
      local ok, code, h = pcall(wfp[name], w.kernel, nil, function() end)
      if ok and code == 0 then w.subscription[family] = h end
    end
  end
  return w
end

-- Call name on session s; returns ok (no raise), code, value.
local function call(w, name, s)
  local family, _, args = split(name)
  if not family then return false, "no rule for this name" end
  w.counter = w.counter + 1
  local packed = table.pack(args(family, w, w.counter))
  local ok, code, value = pcall(wfp[name], s, table.unpack(packed, 1, packed.n))
  return ok, code, value
end

describe("BFE not running (5.5)", function()
  it("FwpmEngineOpen0 fails: 1753 in user mode, 0xC0020036 in kernel mode", function()
    local e = wfp.engine { not_running = true }
    assert.is_false(e:running())
    local code, s = wfp.FwpmEngineOpen0(e, { token = admin() })
    assert.are.equal(EPT_S_NOT_REGISTERED, code)
    assert.is_nil(s)
    code, s = wfp.FwpmEngineOpen0(e, { kernel_mode = true })
    assert.are.equal(EPT_NT_NOT_REGISTERED, code)
    assert.is_nil(s)
    e:set_running(true)
    code, s = wfp.FwpmEngineOpen0(e, { token = admin() })
    assert.are.equal(0, code)
    assert.is_truthy(s)
    e:close()
  end)

  it("the idiomatic open returns an error object with every view", function()
    local e = wfp.engine { not_running = true }
    local s, err = e:open { token = admin() }
    assert.is_nil(s)
    assert.are.equal(EPT_S_NOT_REGISTERED, err.win32)
    assert.are.equal("EPT_S_NOT_REGISTERED", err.name)
    assert.are.equal(0x800706D9, err.hresult)
    s, err = e:open { kernel_mode = true }
    assert.is_nil(s)
    assert.are.equal(EPT_NT_NOT_REGISTERED, err.ntstatus)
    assert.are.equal("EPT_NT_NOT_REGISTERED", err.name)
    e:close()
  end)

  it("finds the faithful functions", function()
    local names = faithful_names()
    assert.is_true(#names >= 17)
    for _, n in ipairs({ "FwpmCalloutSetSecurityInfoByKey0", "FwpmConnectionSetSecurityInfo0",
                         "FwpsAleEndpointSetSecurityInfo0", "FwpmTransactionBegin0" }) do
      assert.is_truthy(wfp[n], n)
    end
  end)

  for _, name in ipairs(faithful_names()) do
    it(name .. " fails with 1753 (user) and 0xC0020036 (kernel)", function()
      -- the probe's arguments work while the engine runs (no raise)
      local running = world()
      local ok, why = call(running, name, running.kernel)
      running.engine:close()
      if not ok then
        pending(name .. ": no argument rule for it (" .. tostring(why) .. ")")
        return
      end
      local w = world()
      w.engine:set_running(false)
      local okk, code, value = call(w, name, w.user)
      assert.is_true(okk, tostring(code))
      assert.are.equal(EPT_S_NOT_REGISTERED, code)
      assert.is_nil(value)
      okk, code, value = call(w, name, w.kernel)
      assert.is_true(okk, tostring(code))
      assert.are.equal(EPT_NT_NOT_REGISTERED, code)
      assert.is_nil(value)
      w.engine:close()
    end)
  end

  it("changes nothing, and the sessions work again once BFE runs", function()
    local w = world()
    w.engine:set_running(false)
    for _, name in ipairs(faithful_names()) do
      call(w, name, w.user)
      call(w, name, w.kernel)
    end
    w.engine:set_running(true)
    assert.is_true(w.engine:running())
    local code, callout = wfp.FwpmCalloutGetByKey0(w.kernel, K.FwpmCallout)
    assert.are.equal(0, code)                    -- DeleteByKey0 had no effect
    assert.is_truthy(callout)
    for n = 1, w.counter do                      -- nor had any Add0
      assert.are.equal(0x80320001, (wfp.FwpmCalloutGetByKey0(w.user, fresh("FwpmCallout", n))))
    end
    assert.are.equal(0, (wfp.FwpmTransactionBegin0(w.user, 0)))   -- Begin0 opened none
    assert.are.equal(0, (wfp.FwpmTransactionCommit0(w.user)))
    local ep
    code, ep = wfp.FwpsAleEndpointGetById0(w.kernel, 7)
    assert.are.equal(0, code)
    assert.is_truthy(ep)
    w.engine:close()
  end)

  it("FwpmEngineClose0 still releases the session (EMULATOR CHOICE, docs/errors.md)", function()
    local w = world()
    w.engine:set_running(false)
    assert.are.equal(0, wfp.FwpmEngineClose0(w.user))
    assert.are.equal("closed session", ntsec.type(w.user))
    w.engine:close()
  end)
end)
