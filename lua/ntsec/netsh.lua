--- ntsec.netsh: imports a `netsh wfp show state` dump into an emulated engine,
-- streaming: each object goes into the engine when its element closes, and
-- no document tree is kept (issue 11). Expat runs in C (engine:import_xml);
-- this file says which elements are objects and how their subtree maps to an
-- engine record. netsh writes a byte-order mark (expat accepts it) and a
-- second top-level element, <firewallState>, after </wfpstate>: parsing ends
-- when the <wfpstate> root closes, so it is never read (shared/data/README.md).
-- The import is atomic: a dump that fails anywhere leaves nothing imported.
--
-- An item arrives as a view of its subtree (src/lua/nl_xml.h): elements
-- numbered from 1 (the item), read by path of child tags; valid only while
-- its handler runs, so the handlers copy what they need into a record.

local errors = require("ntsec.errors")

local M = {}

-- Text at a path of child tags below the item ("displayData", "name"); nil
-- when absent or empty.
local function text(it, ...)
  local s = it:text(1, ...)
  if s == "" then return nil end
  return s
end

-- Flag names listed as <flags><item>NAME</item>...</flags>.
local function flags(it)
  local out, list = {}, it:find(1, "flags")
  if not list then return out end
  for i, e in ipairs(it:children(list, "item")) do out[i] = it:text(e) end
  return out
end

local function has_flag(it, name)
  for _, f in ipairs(flags(it)) do
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

local function layer_record(it)
  return {
    key = text(it, "layerKey"), name = text(it, "displayData", "name"),
    id = number(text(it, "layerId")), flags = flags(it),
  }
end

-- Records read in one C call (item:record: {field, tag, ...} paths; as =
-- nil: text() of the path, "number": number(text()), "list": flags(), and
-- below "value" and "conditions"): the kinds a large dump has many of
-- (issue 11: one call per record instead of one per field).
local CALLOUT_FIELDS = {
  { "key", "calloutKey" }, { "name", "displayData", "name" }, { "description", "displayData", "description" },
  { "flags", "flags", as = "list" }, { "provider", "providerKey" }, { "layer", "applicableLayer" },
  { "id", "calloutId", as = "number" },
}

local function callout_record(it)
  return it:record(1, CALLOUT_FIELDS)
end

-- The value element of an FWP_VALUE0 / FWP_CONDITION_VALUE0 at element v
-- (wfp_classify.md 1.4): <type> and one element beside it, read into out as
-- the condition shape of engine:import_filter ({type=, value=, value2=,
-- low=, high=}): byteBlob -> its hex <data>, rangeValue -> low/high
-- (nested values), v4AddrMask -> addr/mask, v6AddrMask -> addr/prefixLength,
-- any other element -> its text. Types without an element (FWP_EMPTY) have
-- no value.
local ELEMENT = {
  FWP_UINT8 = "uint8", FWP_UINT16 = "uint16", FWP_UINT32 = "uint32", FWP_UINT64 = "uint64",
  FWP_SID = "sid", FWP_SECURITY_DESCRIPTOR_TYPE = "sd", FWP_BYTE_ARRAY16_TYPE = "byteArray16",
}

-- A filter (1.3) in one C call: the text fields as text(); flags as
-- flags(); weight and effectiveWeight as the text of the value element their
-- <type> names (UINT8 or UINT64, decimal; may exceed Lua's integers, so kept
-- as text; nil for FWP_EMPTY); filterCondition as its conditions
-- (item:conditions: <item><fieldKey/><matchType/><conditionValue/></item>,
-- the value mapping above with the ELEMENT table; nil when the filter has
-- none). netsh prints the callout key of a callout action under
-- <filterType> (the FWPM_ACTION0 union member it shares storage with);
-- providerContextKey is present iff FWPM_FILTER_FLAG_HAS_PROVIDER_CONTEXT.
-- (when_type_has: <filterType> is the callout key only when the action
-- <type> beside it names a callout action.)
local FILTER_FIELDS = {
  { "key", "filterKey" }, { "name", "displayData", "name" }, { "flags", "flags", as = "list" },
  { "description", "displayData", "description" }, { "provider", "providerKey" }, { "layer", "layerKey" },
  { "sublayer", "subLayerKey" }, { "id", "filterId", as = "number" }, { "action", "action", "type" },
  { "callout", "action", "filterType", when_type_has = "CALLOUT" }, { "weight", "weight", as = "value", elements = ELEMENT },
  { "effective_weight", "effectiveWeight", as = "value", elements = ELEMENT },
  { "provider_context", "providerContextKey" },
  { "conditions", "filterCondition", as = "conditions", elements = ELEMENT },
}

local function filter_record(it)
  return it:record(1, FILTER_FIELDS)
end

local FILTER_PATH = {}   -- field name -> its path of tags (from FILTER_FIELDS)
for _, f in ipairs(FILTER_FIELDS) do FILTER_PATH[f[1]] = { table.unpack(f, 2) } end

--- netsh.filter_descriptors(item) -> key, name, conditions: from a
-- filter's item view (opts.on_view of import_reader, kind "filters"),
-- without its record: key and name as its record has them (text, nil when
-- absent or empty) and its FWP_SECURITY_DESCRIPTOR_TYPE conditions as a
-- list {{condition = position in the record's conditions, field = fieldKey
-- text, value = SDDL text}}, nil when it has none (what ntsec.audit reads
-- of each filter; issue 11).
function M.filter_descriptors(it)
  local list = it:find(1, table.unpack(FILTER_PATH.conditions))
  return text(it, table.unpack(FILTER_PATH.key)), text(it, table.unpack(FILTER_PATH.name)),
    list and it:conditions_of_type(list, "FWP_SECURITY_DESCRIPTOR_TYPE", ELEMENT.FWP_SECURITY_DESCRIPTOR_TYPE)
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

-- An element and its subtree as compact XML text (tags and texts in document
-- order, texts escaped): how a provider context's IKE/IPsec policy or
-- classify options are kept (not modelled; docs/wfp.md).
local function escape(s)
  return (s:gsub("[<>&]", { ["<"] = "&lt;", [">"] = "&gt;", ["&"] = "&amp;" }))
end

local function xml_text(it, e, out)
  local tag = it:tag(e)
  local kids = it:children(e)
  if #kids == 0 then
    local t = it:text(e)
    out[#out + 1] = t == "" and ("<%s/>"):format(tag) or ("<%s>%s</%s>"):format(tag, escape(t), tag)
    return out
  end
  out[#out + 1] = "<" .. tag .. ">"
  for _, k in ipairs(kids) do xml_text(it, k, out) end
  out[#out + 1] = "</" .. tag .. ">"
  return out
end

-- The elements of FWPM_PROVIDER_CONTEXT0 that are not its data.
local CONTEXT_FIELDS = { providerContextKey = true, displayData = true, flags = true, providerKey = true,
                         providerData = true, type = true, providerContextId = true }

-- FWPM_PROVIDER_CONTEXT0: a general context keeps its dataBuffer bytes
-- (hex, as <data> prints them); any other type keeps the element beside
-- <type> as XML text (data_text).
local function provider_context_record(it)
  local rec = {
    key = text(it, "providerContextKey"), name = text(it, "displayData", "name"),
    description = text(it, "displayData", "description"), flags = flags(it),
    provider = text(it, "providerKey"), type = text(it, "type"),
    id = text(it, "providerContextId"),
  }
  for _, e in ipairs(it:children(1)) do
    local tag = it:tag(e)
    if tag == "dataBuffer" and rec.type == "FWPM_GENERAL_CONTEXT" then rec.data = it:text(e, "data") or ""
    elseif not CONTEXT_FIELDS[tag] then rec.data_text = table.concat(xml_text(it, e, {})) end
  end
  return rec
end

--- The element handlers: one per element (path below <wfpstate>) whose
-- close imports an object. kind: the summary's name; record(item) -> engine
-- record; method: the engine's import method (nil: counted, not modelled).
-- fields: the record's field list (item:record), which the engine's
-- item_method (engine:import_filter_item) reads straight from the item:
-- the kinds a large dump has many of go into the engine without a Lua
-- record (issue 11), unless a caller asks for records (opts.on_record).
-- Extending the importer means reading more of the item in record() or
-- fields, or adding a row here.
M.HANDLERS = {
  { path = "sessions/item", kind = "sessions", record = session_record, method = "import_session" },
  { path = "layers/item/layer", kind = "layers", record = layer_record, method = "import_layer" },
  { path = "layers/item/callouts/item", kind = "callouts", record = callout_record, method = "import_callout",
    fields = CALLOUT_FIELDS, item_method = "import_callout_item" },
  { path = "layers/item/filters/item", kind = "filters", record = filter_record, method = "import_filter",
    fields = FILTER_FIELDS, item_method = "import_filter_item" },
  { path = "providers/item", kind = "providers", record = provider_record, method = "import_provider" },
  { path = "providerContexts/item", kind = "provider_contexts", record = provider_context_record,
    method = "import_provider_context" },
  { path = "subLayers/item", kind = "sublayers", record = sublayer_record, method = "import_sublayer" },
  { path = "aleConnectedEndpoints/item", kind = "endpoints", record = endpoint_record, method = "import_endpoint" },
}

local SPEC = { root = "wfpstate", items = {} }
local BY_KIND = {}
for _, h in ipairs(M.HANDLERS) do
  SPEC.items[h.path] = h.kind
  BY_KIND[h.kind] = h
end

-- The one place the importer calls the engine (the lead adapts it when the
-- binding's results change): true, or nil and the engine's message.
local function import_record(engine, method, ...)
  return engine[method](engine, ...)
end

--- netsh.import_reader(engine, read, opts) -> summary, or nil, err.
-- read() returns the dump chunk by chunk (nil at the end). opts.name names
-- the input in messages ("FILE:LINE: ..."); opts.on_item(kind, count) is
-- called after each object (progress); opts.on_record(kind, rec, item) sees
-- each record with its item view while the view is valid (ntsec.diff keeps
-- the dump's own fields: weights, conditions); without it, filters and
-- callouts are imported from the item in C (engine:import_filter_item: the
-- same objects, skipped entries and errors, no Lua record; issue 11).
-- opts.on_view(kind, item) sees each object's item view before its import
-- (the audit reads a filter's key, name and descriptor conditions from
-- it). summary = {counts = {kind = N
-- imported}, skipped = {{kind=, key=, error=, line=}}, provider_contexts = N,
-- records = {sessions = {...}}}. An object the engine refuses is listed in
-- `skipped` with the engine's message and the import goes on; any XML error
-- (not well-formed, truncated, another root) fails the whole import and
-- nothing stays imported: nil, err (the ntsec.errors object of the import,
-- err.detail the XML error, err.line, err.file = opts.name; tostring(err) =
-- "FILE:LINE: XML error: ...").
function M.import_reader(engine, read, opts)
  opts = opts or {}
  local counts, skipped, sessions = {}, {}, {}
  for _, h in ipairs(M.HANDLERS) do counts[h.kind] = 0 end
  local on_item, on_record, on_view = opts.on_item, opts.on_record, opts.on_view
  local ok, xerr = engine:import_xml(read, SPEC, function(kind, item, at)
    local h = BY_KIND[kind]
    if on_view then on_view(kind, item) end
    local rec, done, err
    if h.item_method and not on_record then
      done, err = import_record(engine, h.item_method, item, h.fields)
      if not done then rec = h.record(item) end    -- the skipped entry's key
    else
      rec = h.record(item)
      if kind == "sessions" then sessions[#sessions + 1] = rec end
      if on_record then on_record(kind, rec, item) end
      done = true
      if h.method then done, err = import_record(engine, h.method, rec) end
    end
    if done then counts[kind] = counts[kind] + 1
    else skipped[#skipped + 1] = { kind = kind, key = rec.key or rec.id, error = err.detail or tostring(err), line = at } end
    if on_item then on_item(kind, counts[kind]) end
  end)
  if not ok then
    -- the import's own error object, named after the input: tostring(err)
    -- is the one line "FILE:LINE: XML error: ..." (err.text), err.detail the
    -- XML error, err.line its line, err.file the input.
    local line = ("%s:%s: %s"):format(opts.name or "input", tostring(xerr.line), xerr.detail or tostring(xerr))
    if not errors.is_error(xerr) then xerr = errors.new(0xC000000D, "netsh.import") end
    xerr.detail = xerr.detail or line
    xerr.file, xerr.text = opts.name or "input", line
    return nil, xerr
  end
  local provider_contexts = counts.provider_contexts
  counts.provider_contexts = nil
  return { counts = counts, skipped = skipped, provider_contexts = provider_contexts,
           records = { sessions = sessions } }
end

--- netsh.import(engine, xml) -> summary, or nil, err (a dump held in a
-- string; errors as import_reader).
function M.import(engine, xml, opts)
  local sent = false
  return M.import_reader(engine, function()
    if sent then return nil end
    sent = true
    return xml
  end, opts)
end

local CHUNK = 1 << 16

-- errno of io.open -> the status of a file that cannot be opened.
local OPEN_STATUS = { [2] = 0xC0000034, [13] = 0xC0000022 }   -- OBJECT_NAME_NOT_FOUND, ACCESS_DENIED

--- netsh.import_file(engine, path[, opts]) -> summary, or nil, err.
-- Reads the file in 64 KiB chunks. opts.on_bytes(done, total) is called
-- after each chunk (progress); opts.on_item, on_record and on_view as for
-- import_reader.
-- Errors (ntsec.errors objects; tostring(err) is the one line callers print,
-- err.detail the same text, err.file the path): a file that cannot be opened:
-- STATUS_OBJECT_NAME_NOT_FOUND (missing), STATUS_ACCESS_DENIED, else
-- STATUS_UNSUCCESSFUL, text "PATH: reason"; XML errors as import_reader.
function M.import_file(engine, path, opts)
  opts = opts or {}
  local f, oerr, errno = io.open(path, "rb")
  if not f then
    local err = errors.new(OPEN_STATUS[errno] or 0xC0000001, "netsh.import_file")
    err.detail, err.text, err.file = oerr, oerr, path
    return nil, err
  end
  local total, done = f:seek("end"), 0
  f:seek("set")
  local on_bytes = opts.on_bytes
  local summary, ierr = M.import_reader(engine, function()
    local chunk = f:read(CHUNK)
    if chunk then
      done = done + #chunk
      if on_bytes then on_bytes(done, total) end
    end
    return chunk
  end, { name = path, on_item = opts.on_item, on_record = opts.on_record, on_view = opts.on_view })
  f:close()
  return summary, ierr
end

return M
