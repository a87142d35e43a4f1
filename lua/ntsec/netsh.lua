--- ntsec.netsh: imports a `netsh wfp show state` dump into an emulated engine.
-- XML is read with LuaExpat. netsh writes a second top-level element
-- (<firewallState>) after </wfpstate> and sometimes a byte-order mark
-- (shared/data/README.md); both are tolerated: parsing stops being strict once
-- the <wfpstate> root has closed.

local lxp = require("lxp")

local M = {}

-- Builds an element tree {tag=, attr=, text=, [1..n] = children}.
local function tree_builder()
  local root = { tag = "#document" }
  local stack, texts = { root }, { {} }
  local closed_roots = 0
  local callbacks = {
    StartElement = function(_, tag, attr)
      local node = { tag = tag, attr = attr }
      local parent = stack[#stack]
      parent[#parent + 1] = node
      stack[#stack + 1] = node
      texts[#texts + 1] = {}
    end,
    EndElement = function()
      local node = table.remove(stack)
      node.text = table.concat(table.remove(texts))
      if #stack == 1 then closed_roots = closed_roots + 1 end
    end,
    CharacterData = function(_, s)
      local t = texts[#texts]
      t[#t + 1] = s
    end,
  }
  return root, callbacks, function() return closed_roots end
end

--- netsh.parse(xml) -> root element, or nil, message.
-- Errors after the first top-level element has closed are ignored (netsh's
-- trailing <firewallState>); any earlier error is reported with its line.
function M.parse(xml)
  local root, callbacks, roots_closed = tree_builder()
  local parser = lxp.new(callbacks)
  local ok, msg, line = parser:parse(xml)
  if ok then ok, msg, line = parser:parse() end
  pcall(parser.close, parser)  -- close raises when the parser is in an error state
  if not ok and roots_closed() == 0 then
    return nil, ("XML error at line %s: %s"):format(tostring(line), tostring(msg))
  end
  for _, node in ipairs(root) do
    if node.tag == "wfpstate" then return node end
  end
  return nil, "no <wfpstate> element"
end

local function child(node, tag)
  if not node then return nil end
  for _, c in ipairs(node) do
    if c.tag == tag then return c end
  end
  return nil
end

-- Text of a path of child tags ("displayData", "name"); nil when absent/empty.
local function text(node, ...)
  for i = 1, select("#", ...) do node = child(node, (select(i, ...))) end
  if not node or node.text == "" then return nil end
  return node.text
end

-- The <item> children of node.
local function items(node)
  local out = {}
  for _, c in ipairs(node or {}) do
    if c.tag == "item" then out[#out + 1] = c end
  end
  return out
end

-- Flag names listed as <flags><item>NAME</item>...</flags>.
local function flags(node)
  local out = {}
  for _, it in ipairs(items(child(node, "flags"))) do out[#out + 1] = it.text end
  return out
end

local function has_flag(node, name)
  for _, f in ipairs(flags(node)) do
    if f == name then return true end
  end
  return false
end

local function number(s)
  return s and tonumber((s:match("^%s*(%d+)"))) or nil
end

local function session_record(it)
  return {
    key = text(it, "sessionKey"), name = text(it, "displayData", "name"),
    dynamic = has_flag(it, "FWPM_SESSION_FLAG_DYNAMIC"),
    kernel_mode = text(it, "kernelMode") == "true",
    pid = number(text(it, "processId")), sid = text(it, "sid"),
    username = text(it, "username"), txn_timeout_ms = number(text(it, "txnWaitTimeoutInMSec")),
  }
end

local function provider_record(it)
  return {
    key = text(it, "providerKey"), name = text(it, "displayData", "name"),
    description = text(it, "displayData", "description"), flags = flags(it),
    service = text(it, "serviceName"),
  }
end

local function sublayer_record(it)
  return {
    key = text(it, "subLayerKey"), name = text(it, "displayData", "name"), flags = flags(it),
    provider = text(it, "providerKey"), weight = number(text(it, "weight")),
  }
end

local function layer_record(layer)
  return {
    key = text(layer, "layerKey"), name = text(layer, "displayData", "name"),
    id = number(text(layer, "layerId")), flags = flags(layer),
  }
end

local function callout_record(it)
  return {
    key = text(it, "calloutKey"), name = text(it, "displayData", "name"),
    description = text(it, "displayData", "description"), flags = flags(it),
    provider = text(it, "providerKey"), layer = text(it, "applicableLayer"),
    id = number(text(it, "calloutId")),
  }
end

-- netsh prints the callout key of a callout action under <filterType>
-- (the FWPM_ACTION0 union member it shares storage with).
local function filter_record(it)
  local action = child(it, "action")
  local action_type = text(action, "type")
  local callout = action_type and action_type:match("CALLOUT") and text(action, "filterType") or nil
  return {
    key = text(it, "filterKey"), name = text(it, "displayData", "name"), flags = flags(it),
    provider = text(it, "providerKey"), layer = text(it, "layerKey"),
    sublayer = text(it, "subLayerKey"), id = number(text(it, "filterId")),
    action = action_type, callout = callout,
  }
end

local function endpoint_record(it)
  return {
    id = number(text(it, "endpointId")), ip_version = text(it, "ipVersion"),
    local_address = text(it, "localV4Address") or text(it, "localV6Address"),
    remote_address = text(it, "remoteV4Address") or text(it, "remoteV6Address"),
    protocol = number(text(it, "ipProtocol")), local_port = number(text(it, "localPort")),
    remote_port = number(text(it, "remotePort")),
    local_token_modified_id = number(text(it, "localTokenModifiedId")),
    mm_sa_id = number(text(it, "mmSaId")), qm_sa_id = number(text(it, "qmSaId")),
    ipsec_status = number(text(it, "ipsecStatus")), flags = flags(it),
    app_id = text(it, "appId", "data"),
  }
end

--- netsh.records(root) -> table of record arrays by kind:
-- sessions, providers, sublayers, layers, callouts, filters, endpoints, and
-- provider_contexts (counted only; the engine does not model them yet).
function M.records(root)
  local r = { sessions = {}, providers = {}, sublayers = {}, layers = {}, callouts = {},
              filters = {}, endpoints = {}, provider_contexts = {} }
  local function collect(list, node, make)
    for _, it in ipairs(items(node)) do list[#list + 1] = make(it) end
  end
  collect(r.sessions, child(root, "sessions"), session_record)
  collect(r.providers, child(root, "providers"), provider_record)
  collect(r.sublayers, child(root, "subLayers"), sublayer_record)
  collect(r.endpoints, child(root, "aleConnectedEndpoints"), endpoint_record)
  collect(r.provider_contexts, child(root, "providerContexts"), function(it) return { key = text(it, "providerContextKey") } end)
  for _, it in ipairs(items(child(root, "layers"))) do
    r.layers[#r.layers + 1] = layer_record(child(it, "layer"))
    collect(r.callouts, child(it, "callouts"), callout_record)
    collect(r.filters, child(it, "filters"), filter_record)
  end
  return r
end

-- Import order: referenced objects before the objects that reference them.
local ORDER = {
  { "sessions", "import_session" }, { "providers", "import_provider" },
  { "layers", "import_layer" }, { "sublayers", "import_sublayer" },
  { "callouts", "import_callout" }, { "filters", "import_filter" },
  { "endpoints", "import_endpoint" },
}

--- netsh.import(engine, xml) -> summary, or nil, message.
-- summary = {counts = {kind = N imported}, skipped = {{kind=, key=, error=}},
-- provider_contexts = N, sessions = records}. An object the engine refuses
-- is listed in `skipped` with the engine's message; the import goes on.
function M.import(engine, xml)
  local root, err = M.parse(xml)
  if not root then return nil, err end
  local recs = M.records(root)
  local summary = { counts = {}, skipped = {}, provider_contexts = #recs.provider_contexts,
                    records = recs }
  for _, step in ipairs(ORDER) do
    local kind, method = step[1], step[2]
    local n = 0
    for _, rec in ipairs(recs[kind]) do
      local ok, msg = engine[method](engine, rec)
      if ok then n = n + 1
      else summary.skipped[#summary.skipped + 1] = { kind = kind, key = rec.key or rec.id, error = msg } end
    end
    summary.counts[kind] = n
  end
  return summary
end

--- netsh.import_file(engine, path) -> summary, or nil, message.
function M.import_file(engine, path)
  local f, err = io.open(path, "rb")
  if not f then return nil, err end
  local xml = f:read("a")
  f:close()
  return M.import(engine, xml)
end

return M
