-- spec/api_shape_wfp_spec.lua: the result convention of every public WFP
-- function and method (docs/design.md, docs/wfp.md), one success and one
-- failure each.
--   faithful (ntsec.wfp.Fwp*0): the Windows code first (0 on success), the
--     codes transcribed below from ../shared/spec/wfp_ks_errors.md (5.3 table,
--     2.1, 2.2, 5.5; user-mode DWORDs: FWP_E_* HRESULTs and Win32 codes);
--   idiomatic (engine and session methods, targets): the value or true on
--     success, nil plus an ntsec.errors object with the expected name on failure.
-- The functions are enumerated from the module and method tables, so a new
-- function or method without a case here fails this spec.
local ntsec = require("ntsec")
local errors = require("ntsec.errors")
local wfp = ntsec.wfp

-- User-mode codes (wfp_ks_errors.md 5.3 table, 2.2, 5.5, 2.8 step 1).
local FWP_E = {
  CALLOUT_NOT_FOUND = 0x80320001, FILTER_NOT_FOUND = 0x80320003, LAYER_NOT_FOUND = 0x80320004,
  PROVIDER_NOT_FOUND = 0x80320005, SUBLAYER_NOT_FOUND = 0x80320007, NOT_FOUND = 0x80320008,
  ALREADY_EXISTS = 0x80320009, NO_TXN_IN_PROGRESS = 0x8032000D, TXN_IN_PROGRESS = 0x8032000E,
  INVALID_FLAGS = 0x8032001E,
}
local ERROR_INVALID_HANDLE, EPT_S_NOT_REGISTERED = 6, 1753

-- Per kind (the row name of core.wfp.kinds): the not-found code and name.
local NOT_FOUND = {
  provider = { FWP_E.PROVIDER_NOT_FOUND, "FWP_E_PROVIDER_NOT_FOUND" },
  sublayer = { FWP_E.SUBLAYER_NOT_FOUND, "FWP_E_SUBLAYER_NOT_FOUND" },
  layer = { FWP_E.LAYER_NOT_FOUND, "FWP_E_LAYER_NOT_FOUND" },
  callout = { FWP_E.CALLOUT_NOT_FOUND, "FWP_E_CALLOUT_NOT_FOUND" },
  filter = { FWP_E.FILTER_NOT_FOUND, "FWP_E_FILTER_NOT_FOUND" },
  provider_context = { 0x80320006, "FWP_E_PROVIDER_CONTEXT_NOT_FOUND" },
  endpoint = { FWP_E.NOT_FOUND, "FWP_E_NOT_FOUND" },
  connection = { FWP_E.NOT_FOUND, "FWP_E_NOT_FOUND" },
}

local ADMIN = ntsec.token { user = "S-1-5-21-1-2-3-500", groups = { "BA", "WD" } }
local LAYER = "FWPM_LAYER_ALE_AUTH_CONNECT_V4"
local UNKNOWN = "{0badbad0-0000-4000-8000-000000000000}"
local n = 0
local function new_key()
  n = n + 1
  return ("{5a5a0000-0000-4000-8000-%012x}"):format(n)
end

local w   -- the world of one test: engine, kernel and user sessions, one object of each kind

-- An FWPM_*0 table for a new object of kind.
local function object(kind, key)
  local t = { key = key, name = kind .. " " .. key }
  if kind == "callout" then t.layer = LAYER end
  if kind == "filter" then t.layer, t.action = LAYER, "FWP_ACTION_BLOCK" end
  return t
end

local function world()
  local e = wfp.engine { clock = "virtual" }
  local t = { e = e, k = assert(e:open { kernel_mode = true }), u = assert(e:open { token = ADMIN }),
              keys = {}, ids = {} }
  for _, kind in ipairs { "provider", "sublayer", "callout", "filter", "provider_context" } do
    t.keys[kind] = new_key()
    local key, id = assert(t.k["add_" .. kind](t.k, object(kind, t.keys[kind])))
    assert.are.equal(t.keys[kind], key)
    t.ids[kind] = id
  end
  t.keys.layer = LAYER
  t.ids.layer = assert(t.k:get_layer(LAYER)).id
  assert(e:import_endpoint { id = 5, ip_version = "FWP_IP_VERSION_V4", local_address = "10.0.0.1",
    remote_address = "10.0.0.2" })
  t.ids.endpoint = 5
  assert(t.k:add_connection { id = 7, local_address = "10.0.0.1", remote_address = "10.0.0.2" })
  t.ids.connection = 7
  return t
end

local function is_fail(err_name, v, err)
  assert.is_nil(v)
  assert.is_true(errors.is_error(err), "expected an ntsec.errors object, got " .. tostring(err))
  assert.are.equal(err_name, err.name)
end

-- ---- faithful cases, per kind row and operation ----

local DACL = ntsec.DACL_SECURITY_INFORMATION
local function stop(f) return function(...) w.e:set_running(false); return f(...) end end

-- op suffix -> function(row, api) returning {success = f, failure = f, code = expected}
local FAITHFUL_OPS = {
  ["Add0"] = function(row, api) return {
    success = function() return wfp[api .. "Add0"](w.u, object(row.name, new_key())) end,
    failure = function() return wfp[api .. "Add0"](w.u, object(row.name, w.keys[row.name])) end,
    code = FWP_E.ALREADY_EXISTS } end,
  ["DeleteByKey0"] = function(row, api) return {
    success = function() local key = assert(w.k["add_" .. row.name](w.k, object(row.name, new_key())))
      return wfp[api .. "DeleteByKey0"](w.u, key) end,
    failure = function() return wfp[api .. "DeleteByKey0"](w.u, UNKNOWN) end,
    code = NOT_FOUND[row.name][1] } end,
  ["DeleteById0"] = function(row, api) return {
    success = function() local _, id = assert(w.k["add_" .. row.name](w.k, object(row.name, new_key())))
      return wfp[api .. "DeleteById0"](w.u, id) end,
    failure = function() return wfp[api .. "DeleteById0"](w.u, 999999) end,
    code = NOT_FOUND[row.name][1] } end,
  ["GetByKey0"] = function(row, api) return {
    success = function() return wfp[api .. "GetByKey0"](w.u, w.keys[row.name]) end,
    failure = function() return wfp[api .. "GetByKey0"](w.u, UNKNOWN) end,
    code = NOT_FOUND[row.name][1], value = "table" } end,
  ["GetById0"] = function(row, api) return {
    success = function() return wfp[api .. "GetById0"](w.k, w.ids[row.name]) end,
    failure = function() return wfp[api .. "GetById0"](w.u, 999999) end,
    code = NOT_FOUND[row.name][1], value = "table" } end,
  ["SetSecurityInfoByKey0"] = function(row, api) return {
    success = function() return wfp[api .. "SetSecurityInfoByKey0"](w.k, w.keys[row.name], DACL, nil, nil,
      "(A;;GA;;;BA)", nil) end,
    failure = function() return wfp[api .. "SetSecurityInfoByKey0"](w.u, UNKNOWN, DACL, nil, nil, "(A;;GA;;;BA)", nil) end,
    code = NOT_FOUND[row.name][1] } end,
  ["GetSecurityInfoByKey0"] = function(row, api) return {
    success = function() return wfp[api .. "GetSecurityInfoByKey0"](w.k, w.keys[row.name], DACL) end,
    failure = function() return wfp[api .. "GetSecurityInfoByKey0"](w.u, UNKNOWN, DACL) end,
    code = NOT_FOUND[row.name][1], value = "userdata" } end,
  ["SetSecurityInfo0"] = function(_, api) return {
    success = function() return wfp[api .. "SetSecurityInfo0"](w.k, DACL, nil, nil, "(A;;GA;;;BA)", nil) end,
    failure = function()
      assert.are.equal(0, wfp.FwpmTransactionBegin0(w.u, 0))
      return wfp[api .. "SetSecurityInfo0"](w.u, DACL, nil, nil, "(A;;GA;;;BA)", nil)
    end,
    code = FWP_E.TXN_IN_PROGRESS } end,
  ["GetSecurityInfo0"] = function(_, api) return {
    success = function() return wfp[api .. "GetSecurityInfo0"](w.k, DACL) end,
    failure = stop(function() return wfp[api .. "GetSecurityInfo0"](w.u, DACL) end),
    code = EPT_S_NOT_REGISTERED, value = "userdata" } end,
  ["CreateEnumHandle0"] = function(_, api) return {
    success = function() return wfp[api .. "CreateEnumHandle0"](w.u, nil) end,
    failure = stop(function() return wfp[api .. "CreateEnumHandle0"](w.u, nil) end),
    code = EPT_S_NOT_REGISTERED, value = "userdata" } end,
  ["Enum0"] = function(_, api) return {
    success = function() local _, en = wfp[api .. "CreateEnumHandle0"](w.u, nil)
      return wfp[api .. "Enum0"](w.u, en, 10) end,
    failure = function() local _, en = wfp[api .. "CreateEnumHandle0"](w.k, nil)
      return wfp[api .. "Enum0"](w.u, en, 10) end,   -- another session's handle
    code = ERROR_INVALID_HANDLE, value = "table" } end,
  ["DestroyEnumHandle0"] = function(_, api) return {
    success = function() local _, en = wfp[api .. "CreateEnumHandle0"](w.u, nil)
      return wfp[api .. "DestroyEnumHandle0"](w.u, en) end,
    failure = function() local _, en = wfp[api .. "CreateEnumHandle0"](w.k, nil)
      return wfp[api .. "DestroyEnumHandle0"](w.u, en) end,
    code = ERROR_INVALID_HANDLE } end,
}

-- The functions that are not per kind.
local FAITHFUL = {
  FwpmEngineOpen0 = { success = function() return wfp.FwpmEngineOpen0(w.e, { token = ADMIN }) end,
    failure = stop(function() return wfp.FwpmEngineOpen0(w.e, { token = ADMIN }) end),
    code = EPT_S_NOT_REGISTERED, value = "userdata" },
  FwpmEngineClose0 = { success = function() return wfp.FwpmEngineClose0(w.u) end,
    raises = function() w.u:close(); return wfp.FwpmEngineClose0(w.u) end },   -- use after close
  FwpmTransactionBegin0 = { success = function() return wfp.FwpmTransactionBegin0(w.u, wfp.FWPM_TXN_READ_ONLY) end,
    failure = function() return wfp.FwpmTransactionBegin0(w.u, 0xFFFF) end, code = FWP_E.INVALID_FLAGS },
  FwpmTransactionCommit0 = { success = function() wfp.FwpmTransactionBegin0(w.u, 0); return wfp.FwpmTransactionCommit0(w.u) end,
    failure = function() return wfp.FwpmTransactionCommit0(w.u) end, code = FWP_E.NO_TXN_IN_PROGRESS },
  FwpmTransactionAbort0 = { success = function() wfp.FwpmTransactionBegin0(w.u, 0); return wfp.FwpmTransactionAbort0(w.u) end,
    failure = function() return wfp.FwpmTransactionAbort0(w.u) end, code = FWP_E.NO_TXN_IN_PROGRESS },
  FwpmConnectionSubscribe0 = { success = function() return wfp.FwpmConnectionSubscribe0(w.u, nil, function() end) end,
    failure = function() wfp.FwpmTransactionBegin0(w.u, 0)
      return wfp.FwpmConnectionSubscribe0(w.u, nil, function() end) end,
    code = FWP_E.TXN_IN_PROGRESS, value = "userdata" },
  FwpmConnectionUnsubscribe0 = {
    success = function() local _, h = wfp.FwpmConnectionSubscribe0(w.u, nil, function() end)
      return wfp.FwpmConnectionUnsubscribe0(w.u, h) end,
    failure = function() local _, h = wfp.FwpmConnectionSubscribe0(w.u, nil, function() end)
      wfp.FwpmConnectionUnsubscribe0(w.u, h)
      return wfp.FwpmConnectionUnsubscribe0(w.u, h) end,   -- no longer subscribed
    code = ERROR_INVALID_HANDLE },
}

for _, row in ipairs(wfp.kinds) do
  local api = row.prefix .. row.stem
  for suffix, make in pairs(FAITHFUL_OPS) do
    if wfp[api .. suffix] and not FAITHFUL[api .. suffix] then FAITHFUL[api .. suffix] = make(row, api) end
  end
end

describe("result shape of every faithful WFP function", function()
  before_each(function() w = world() end)
  after_each(function() w.e:close() end)

  it("has a case for every Fwp*0 function of ntsec.wfp, and each has its version-less alias", function()
    local missing = {}
    for name, f in pairs(wfp) do
      if type(f) == "function" and name:match("^Fwp[ms]%u") and name:match("0$") then
        if not FAITHFUL[name] then missing[#missing + 1] = name end
        assert.are.equal(f, wfp[name:sub(1, -2)], name)
      end
    end
    table.sort(missing)
    assert.are.same({}, missing)
  end)

  for name, case in pairs(FAITHFUL) do
    it(name .. ": code 0 then the value; the Windows code on failure", function()
      local code, value = case.success()
      assert.are.equal(0, code)
      if case.value then assert.are.equal(case.value, type(value)) end
      if case.raises then
        assert.has_error(case.raises)
        return
      end
      local fcode, fvalue = case.failure()
      assert.are.equal(case.code, fcode)
      if case.value then assert.is_nil(fvalue) end
    end)
  end
end)

-- ---- idiomatic cases ----

-- Session methods per kind row: method name pattern -> case maker.
local function kind_cases(row)
  local cases, name = {}, row.name
  local nf = NOT_FOUND[name] and NOT_FOUND[name][2]
  if row.ops.add then
    cases["add_" .. name] = { success = function() return w.u["add_" .. name](w.u, object(name, new_key())) end,
      failure = function() return w.u["add_" .. name](w.u, object(name, w.keys[name])) end,
      err = "FWP_E_ALREADY_EXISTS", value = "string" }
  end
  if row.ops.delete_by_key then
    cases["delete_" .. name] = {
      success = function() local key = assert(w.k["add_" .. name](w.k, object(name, new_key())))
        return w.u["delete_" .. name](w.u, key) end,
      failure = function() return w.u["delete_" .. name](w.u, UNKNOWN) end, err = nf, value = "boolean" }
  end
  if row.ops.delete_by_id then
    cases["delete_" .. name .. "_by_id"] = {
      success = function() local _, id = assert(w.k["add_" .. name](w.k, object(name, new_key())))
        return w.u["delete_" .. name .. "_by_id"](w.u, id) end,
      failure = function() return w.u["delete_" .. name .. "_by_id"](w.u, 999999) end, err = nf, value = "boolean" }
  end
  if row.ops.get_by_key then
    cases["get_" .. name] = { success = function() return w.u["get_" .. name](w.u, w.keys[name]) end,
      failure = function() return w.u["get_" .. name](w.u, UNKNOWN) end, err = nf, value = "table" }
  end
  if row.ops.get_by_id then
    local m = row.ops.get_by_key and "get_" .. name .. "_by_id" or "get_" .. name
    cases[m] = { success = function() return w.k[m](w.k, w.ids[name]) end,
      failure = function() return w.u[m](w.u, 999999) end, err = nf, value = "table" }
  end
  if row.ops.enum then
    local m = "enum_" .. row.plural
    cases[m] = { iterator = true,
      success = function() local c = 0; for _ in w.u[m](w.u) do c = c + 1 end; return c end,
      failure = stop(function() for _ in w.u[m](w.u) do end end),
      message = row.prefix .. row.stem .. "CreateEnumHandle0: EPT_S_NOT_REGISTERED" }
  end
  if row.ops.security_by_key then
    cases[row.target] = { target = function() return w.u[row.target](w.u, w.keys[name]) end,
      missing = function() return w.u[row.target](w.u, UNKNOWN) end, err = nf }
    cases[row.plural .. "_container"] = { target = function() return w.u[row.plural .. "_container"](w.u) end }
  elseif row.ops.security then
    cases[row.target] = { target = function() return w.u[row.target](w.u) end }
  end
  return cases
end

local SESSION = {
  close = { success = function() return w.u:close() end, value = "boolean", no_failure = "idempotent" },
  is_kernel = { success = function() return w.u:is_kernel() end, value = "boolean", no_failure = "a fact" },
  is_dynamic = { success = function() return w.u:is_dynamic() end, value = "boolean", no_failure = "a fact" },
  key = { success = function() return w.u:key() end, value = "string", no_failure = "a fact" },
  begin_transaction = { success = function() return w.u:begin_transaction { read_only = true } end,
    failure = function() return w.u:begin_transaction(0xFFFF) end, err = "FWP_E_INVALID_FLAGS", value = "boolean" },
  commit = { success = function() w.u:begin_transaction(); return w.u:commit() end,
    failure = function() return w.u:commit() end, err = "FWP_E_NO_TXN_IN_PROGRESS", value = "boolean" },
  abort = { success = function() w.u:begin_transaction(); return w.u:abort() end,
    failure = function() return w.u:abort() end, err = "FWP_E_NO_TXN_IN_PROGRESS", value = "boolean" },
  add_connection = { success = function() return w.u:add_connection { id = 8 } end,
    failure = function() return w.u:add_connection { id = 7 } end, err = "FWP_E_ALREADY_EXISTS", value = "boolean" },
  delete_connection = { success = function() return w.u:delete_connection(7) end,
    failure = function() return w.u:delete_connection(99) end, err = "FWP_E_NOT_FOUND", value = "boolean" },
  subscribe_connections = { success = function() return w.u:subscribe_connections(function() end) end,
    failure = function() w.u:begin_transaction(); return w.u:subscribe_connections(function() end) end,
    err = "FWP_E_TXN_IN_PROGRESS", value = "userdata" },
  unsubscribe_connections = {
    success = function() return w.u:unsubscribe_connections(assert(w.u:subscribe_connections(function() end))) end,
    failure = function() local h = assert(w.u:subscribe_connections(function() end))
      w.u:unsubscribe_connections(h)
      return w.u:unsubscribe_connections(h) end,
    err = "ERROR_INVALID_HANDLE", value = "boolean" },
}
for _, row in ipairs(wfp.kinds) do
  for m, case in pairs(kind_cases(row)) do SESSION[m] = case end
end

local ENGINE = {
  open = { success = function() return w.e:open { token = ADMIN } end,
    failure = stop(function() return w.e:open { token = ADMIN } end), err = "EPT_S_NOT_REGISTERED", value = "userdata" },
  close = { success = function() return w.e:close() end, value = "boolean", no_failure = "idempotent" },
  observe = { success = function() return w.e:observe(function() end) end, value = "boolean", no_failure = "no operation" },
  clock = { success = function() return w.e:clock() end, value = "number", no_failure = "a fact" },
  advance = { success = function() return w.e:advance(5) end, value = "userdata",
    raises = function() return wfp.engine():advance(5) end },   -- a real clock: programmer error
  refresh = { success = function() return w.e:refresh() end, value = "boolean", no_failure = "no store" },
  sd_bytes = { success = function() return w.e:sd_bytes() end, value = "number", no_failure = "a fact" },
  set_running = { success = function() return w.e:set_running(true) end, value = "userdata",
    raises = function() return w.e:set_running("yes") end },
  running = { success = function() return w.e:running() end, value = "boolean", no_failure = "a fact" },
  counts = { success = function() return w.e:counts() end, value = "table", no_failure = "a listing" },
  sessions = { success = function() return w.e:sessions() end, value = "table", no_failure = "a listing" },
  -- issue 12 classification (lua/ntsec/classify.lua)
  classify = { success = function() return w.e:classify { layer = LAYER, token = ADMIN } end, value = "table",
    failure = function() return w.e:classify { layer = "FWPM_LAYER_NONE_SUCH" } end, err = "STATUS_INVALID_PARAMETER" },
  filters_for = { success = function() return w.e:filters_for(ADMIN, LAYER) end, value = "table",
    failure = function() return w.e:filters_for(ADMIN, "FWPM_LAYER_NONE_SUCH") end, err = "STATUS_INVALID_PARAMETER" },
  filter_matches = { success = function() return w.e:filter_matches(w.keys.filter, { token = ADMIN }) end,
    value = "table", failure = function() return w.e:filter_matches(new_key(), {}) end,
    err = "STATUS_FWP_FILTER_NOT_FOUND" },
}
for _, row in ipairs(wfp.kinds) do
  if row.ops.get_by_key or row.ops.get_by_id then
    ENGINE[row.plural] = { success = function() return w.e[row.plural](w.e) end, value = "table",
      no_failure = "an engine-level listing" }
  end
end
-- The import methods of the netsh importer (lua/ntsec/netsh.lua): true or
-- nil, err; a malformed record is STATUS_INVALID_PARAMETER with err.detail.
local function fresh_key(i) return ("{1234abcd-0000-4000-8000-%012d}"):format(i) end
local IMPORTS = {
  import_provider = function(key) return { key = key, name = "p" } end,
  import_sublayer = function(key) return { key = key, name = "s", weight = 0 } end,
  import_callout = function(key) return { key = key, name = "c", layer = "FWPM_LAYER_ALE_AUTH_CONNECT_V4" } end,
  import_filter = function(key) return { key = key, name = "f", layer = "FWPM_LAYER_ALE_AUTH_CONNECT_V4",
    action = "FWP_ACTION_PERMIT" } end,
  import_layer = function() return { key = "FWPM_LAYER_ALE_AUTH_LISTEN_V4", name = "l" } end,
  import_session = function(key) return { key = key, sid = "S-1-5-19" } end,
  import_provider_context = function(key) return { key = key, name = "pc", type = "FWPM_GENERAL_CONTEXT",
    data = "00" } end,
}
for i, m in ipairs({ "import_provider", "import_sublayer", "import_callout", "import_filter", "import_layer",
                     "import_session", "import_provider_context" }) do
  ENGINE[m] = { success = function() return w.e[m](w.e, IMPORTS[m](fresh_key(i))) end, value = "boolean",
    failure = function() return w.e[m](w.e, { key = "FWPM_NO_SUCH_KEY", name = "x" }) end,
    err = "STATUS_INVALID_PARAMETER" }
end
ENGINE.import_endpoint = { success = function() return w.e:import_endpoint { id = 99, ip_version = "FWP_IP_VERSION_V4",
    local_address = "10.0.0.3", remote_address = "10.0.0.4" } end, value = "boolean",
  failure = function() return w.e:import_endpoint { id = 98, ip_version = "FWP_IP_VERSION_V9" } end,
  err = "STATUS_INVALID_PARAMETER" }
ENGINE.import_batch = { success = function() return w.e:import_batch(function() return true end) end, value = "boolean",
  failure = function()
    local _, inner_err
    w.e:import_batch(function() _, inner_err = w.e:import_batch(function() return true end) return true end)
    return nil, inner_err
  end, err = "STATUS_FWP_TXN_IN_PROGRESS" }
local function xml_reader(text) local sent = false return function() if sent then return nil end sent = true return text end end
ENGINE.import_xml = { success = function() return w.e:import_xml(xml_reader("<r><a><item/></a></r>"),
    { root = "r", items = { ["a/item"] = "thing" } }, function() end) end, value = "boolean",
  failure = function() return w.e:import_xml(xml_reader("<r><a>"), { root = "r", items = { ["a/item"] = "thing" } },
    function() end) end, err = "STATUS_INVALID_PARAMETER" }
-- The item imports (engine:import_filter_item / import_callout_item): an
-- XML item view and its field list, inside import_xml's handler.
local function item_import(m, xml, fields)
  local r1, r2
  assert(w.e:import_xml(xml_reader("<r><a>" .. xml .. "</a></r>"), { root = "r", items = { ["a/item"] = "x" } },
    function(_, item) r1, r2 = w.e[m](w.e, item, fields) end))
  return r1, r2
end
local ITEM_FIELDS = { { "key", "k" }, { "name", "n" }, { "layer", "l" }, { "action", "a" } }
for _, m in ipairs({ "import_filter_item", "import_callout_item" }) do
  ENGINE[m] = { success = function() return item_import(m, "<item><k>" .. fresh_key(40) .. "</k><n>x</n>"
      .. "<l>FWPM_LAYER_ALE_AUTH_CONNECT_V4</l><a>FWP_ACTION_PERMIT</a></item>", ITEM_FIELDS) end,
    value = "boolean", failure = function() return item_import(m, "<item><k>FWPM_NO_SUCH_KEY</k></item>", ITEM_FIELDS) end,
    err = "STATUS_INVALID_PARAMETER" }
end

local function check_idiomatic(case)
  if case.target then
    local t = case.target()
    assert.are.equal("table", type(t))
    assert.is_true(t:set_security { dacl = "(A;;GA;;;BA)(A;;GA;;;SY)" })
    assert.are.equal("userdata", type(assert(t:security())))
    assert.has_error(function() t:set_security { dac = "(A;;GA;;;SY)" } end, "set_security: unknown option 'dac'")
    if case.missing then
      is_fail(case.err, case.missing():security())
      is_fail(case.err, case.missing():set_security { dacl = "(A;;GA;;;BA)" })
    else
      w.e:set_running(false)
      is_fail("EPT_S_NOT_REGISTERED", t:security())
      w.e:set_running(true)
    end
    return
  end
  if case.iterator then
    assert.are.equal("number", type(case.success()))
    local ok, msg = pcall(case.failure)
    assert.is_false(ok)
    assert.matches(case.message, msg, 1, true)
    return
  end
  local v = case.success()
  assert.are.equal(case.value, type(v))
  if case.raises then assert.has_error(case.raises)
  elseif case.failure then is_fail(case.err, case.failure())
  else assert.is_string(case.no_failure) end
end

describe("result shape of every idiomatic WFP method", function()
  before_each(function() w = world() end)
  after_each(function() w.e:close() end)

  it("has a case for every session and engine method", function()
    local missing = {}
    for name in pairs(wfp.session_methods) do
      if not SESSION[name] then missing[#missing + 1] = "session:" .. name end
    end
    for name in pairs(wfp.engine_methods) do
      if not ENGINE[name] then missing[#missing + 1] = "engine:" .. name end
    end
    table.sort(missing)
    assert.are.same({}, missing)
  end)

  for name, case in pairs(SESSION) do
    it("session:" .. name, function() check_idiomatic(case) end)
  end
  for name, case in pairs(ENGINE) do
    it("engine:" .. name, function() check_idiomatic(case) end)
  end

  it("wfp.engine: the engine, or nil, err for a store that is not one; bad options raise", function()
    assert.are.equal("engine", ntsec.type(wfp.engine()))
    local path = os.tmpname()
    local f = assert(io.open(path, "w"))
    f:write("not a database\n")
    f:close()
    local e, err = wfp.engine { path = path }
    os.remove(path)
    assert.is_nil(e)
    assert.is_true(errors.is_error(err))
    assert.has_error(function() wfp.engine { bogus = 1 } end, "engine: unknown option 'bogus'")
  end)

  it("assert(s:add_callout{...}) raises on a duplicate key", function()
    assert.has_error(function() assert(w.u:add_callout { key = w.keys.callout, name = "dup" }) end)
  end)

  it("strict options: unknown keys, wrong types and out-of-range values raise naming the key", function()
    assert.has_error(function() w.u:add_callout { name = "x", bogus = 1 } end, "callout: unknown option 'bogus'")
    assert.has_error(function() w.u:add_callout { name = "x", flags = 1 << 32 } end,
      "option 'flags': value out of 32-bit range")
    assert.has_error(function() w.u:callout(w.keys.callout):set_security { protected = "yes" } end)
    assert.has_error(function() w.u:begin_transaction(true) end)
    assert.has_error(function() w.e:open { token = ADMIN, bogus = true } end, "open: unknown option 'bogus'")
  end)

  it("accepts SDDL strings where descriptors, ACLs and SIDs are accepted, with the parse errors", function()
    local key = assert(w.u:add_callout { name = "s", sd = "O:SYG:SYD:P(A;;GA;;;SY)" })
    local sd = assert(w.k:callout(key):security())
    assert.are.equal("O:SYG:SYD:P(A;;GA;;;SY)", sd:sddl())
    local v, err = w.u:add_callout { name = "bad", sd = "O:SYG:SYD:(A;;GA;;;" }
    assert.is_nil(v)
    assert.is_true(errors.is_error(err))
    assert.are.equal(0, wfp.FwpmCalloutSetSecurityInfoByKey0(w.k, key, ntsec.OWNER_SECURITY_INFORMATION, "BA"))
    assert.has_error(function() wfp.FwpmCalloutSetSecurityInfoByKey0(w.k, key, DACL, nil, nil, "(A;;GA;;") end)
  end)

  it("begin_transaction takes the Windows flags, never truthiness", function()
    assert.is_true(w.u:begin_transaction(0))                       -- 0: read/write, as FwpmTransactionBegin0
    assert.is_true(assert(w.u:add_provider { name = "written" }) ~= nil)
    assert.is_true(w.u:abort())
    assert.is_true(w.u:begin_transaction(wfp.FWPM_TXN_READ_ONLY))
    is_fail("FWP_E_INCOMPATIBLE_TXN", w.u:add_provider { name = "x" })
  end)
end)
