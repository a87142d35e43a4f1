--- ntsec.classify: offline WFP classification over an engine's filters
-- (issue 12; behaviour: ../shared/spec/wfp_classify.md, choices:
-- docs/classify.md). Adds to every engine:
--   engine:classify{layer=, token=, app=, remote=, ["local"]=, protocol=,
--     port=, local_port=, profile=, fields=, boot=} -> result | nil, err
--   engine:filters_for(token[, layer]) -> {{key=, name=, id=, action=, layer=}, ...}
--   engine:filter_matches(key, flow) -> {match=, condition=, failed=, why=} | nil, err
-- and keeps the AppContainer part of tokens made by ntsec.token{package=,
-- capabilities=, lpac=, app=, sysappid=} (token_appcontainer.h: the package
-- SID and capabilities are not groups, so they live beside the token).

local core = require("ntsec.core")
local errors = require("ntsec.errors")
local options = require("ntsec.options")

local C = core.wfp_classify
local M = {}

-- token -> {package=, capabilities=, lpac=, app=}; weak keys: a token's
-- AppContainer identity lives as long as the token.
local identities = setmetatable({}, { __mode = "k" })
C.identities(identities)   -- engine:classify reads a token's identity in C
M.identities = identities

M.TOKEN_OPTS = {
  package = "string|sid", capabilities = "table", lpac = "boolean", app = "string",
  sysappid = "string|table",
}

local function sid_text(x) return type(x) == "string" and x or tostring(x) end

--- with_sysappid(spec) -> spec, or a copy whose claims add the local
-- WIN://SYSAPPID claim (wfp_classify.md 2.7, EMULATOR CHOICE: a
-- case-insensitive STRING claim) from spec.sysappid = "name" or {values}.
function M.with_sysappid(spec)
  if spec.sysappid == nil then return spec end
  local values = type(spec.sysappid) == "table" and spec.sysappid or { spec.sysappid }
  local copy = {}
  for k, v in pairs(spec) do copy[k] = v end
  local claims = {}
  for src, set in pairs(spec.claims or {}) do claims[src] = set end
  local loc = {}
  for k, v in pairs(claims["local"] or {}) do loc[k] = v end
  loc["WIN://SYSAPPID"] = { type = "string", values = values, case_sensitive = false }
  claims["local"] = loc
  copy.claims = claims
  return copy
end

--- attach(token, spec): record spec's AppContainer part for token (no-op
-- when it has none). capabilities: SIDs ("S-1-15-3-1") or the names in
-- M.CAPABILITIES ("internetClient").
function M.attach(token, spec)
  if not (spec.package or spec.capabilities or spec.app or spec.lpac) then return token end
  if spec.capabilities and not spec.package then
    error("token: capabilities need a package SID (an AppContainer token)", 3)
  end
  local caps = {}
  for i, c in ipairs(spec.capabilities or {}) do caps[i] = M.CAPABILITIES[c] or sid_text(c) end
  identities[token] = { package = spec.package and sid_text(spec.package), capabilities = caps,
                        lpac = spec.lpac or false, app = spec.app }
  core.token_mark_appcontainer(token)   -- ntsec.access_check's C path leaves it to Lua
  return token
end

--- The well-known capability SIDs (S-1-15-3-N, MS-DTYP / W32-LAC).
M.CAPABILITIES = {
  internetClient = "S-1-15-3-1", internetClientServer = "S-1-15-3-2",
  privateNetworkClientServer = "S-1-15-3-3", picturesLibrary = "S-1-15-3-4",
  videosLibrary = "S-1-15-3-5", musicLibrary = "S-1-15-3-6", documentsLibrary = "S-1-15-3-7",
  enterpriseAuthentication = "S-1-15-3-8", sharedUserCertificates = "S-1-15-3-9",
  removableStorage = "S-1-15-3-10", appointments = "S-1-15-3-11", contacts = "S-1-15-3-12",
}

--- appcontainer(token) -> {package=, capabilities=, lpac=, app=} or nil:
-- a copy (the binding parses a token's identity once and keeps it).
function M.appcontainer(token)
  local id = identities[token]
  if not id then return nil end
  local caps = {}
  for i, c in ipairs(id.capabilities) do caps[i] = c end
  return { package = id.package, capabilities = caps, lpac = id.lpac, app = id.app }
end

-- The principal table of the binding (nl_wfp_classify.c).
local function principal(token, app)
  local id = token and identities[token] or {}
  return { token = token, package = id.package, capabilities = id.capabilities, lpac = id.lpac,
           app = app or id.app }
end

local PROTOCOLS = { icmp = 1, igmp = 2, tcp = 6, udp = 17, icmpv6 = 58 }
local PROFILES = { public = 1, private = 2, domain = 3 }

-- FWP data types of the fields a flow can name by SDK name without a type
-- (FWPM_CONDITION_* field types, fwpmu.h / wfp_classify.md 4). engine:classify
-- reads its options in C with the same table (nl_wfp_classify_flow.c).
local FIELD_TYPES = {
  FWPM_CONDITION_IP_PROTOCOL = "FWP_UINT8",
  FWPM_CONDITION_IP_LOCAL_PORT = "FWP_UINT16", FWPM_CONDITION_IP_REMOTE_PORT = "FWP_UINT16",
  FWPM_CONDITION_ORIGINAL_ICMP_TYPE = "FWP_UINT16",
  FWPM_CONDITION_FLAGS = "FWP_UINT32", FWPM_CONDITION_ALE_SIO_FIREWALL_SYSTEM_PORT = "FWP_UINT32",
  FWPM_CONDITION_ORIGINAL_PROFILE_ID = "FWP_UINT32", FWPM_CONDITION_CURRENT_PROFILE_ID = "FWP_UINT32",
  FWPM_CONDITION_ARRIVAL_INTERFACE_PROFILE_ID = "FWP_UINT32",
  FWPM_CONDITION_NEXTHOP_INTERFACE_PROFILE_ID = "FWP_UINT32",
  FWPM_CONDITION_ARRIVAL_INTERFACE_TYPE = "FWP_UINT32", FWPM_CONDITION_NEXTHOP_INTERFACE_TYPE = "FWP_UINT32",
  FWPM_CONDITION_ARRIVAL_TUNNEL_TYPE = "FWP_UINT32", FWPM_CONDITION_NEXTHOP_TUNNEL_TYPE = "FWP_UINT32",
  FWPM_CONDITION_IP_LOCAL_ADDRESS_TYPE = "FWP_UINT8", FWPM_CONDITION_DIRECTION = "FWP_UINT32",
  FWPM_CONDITION_IP_ARRIVAL_INTERFACE = "FWP_UINT64", FWPM_CONDITION_IP_NEXTHOP_INTERFACE = "FWP_UINT64",
  FWPM_CONDITION_INTERFACE_QUARANTINE_EPOCH = "FWP_UINT64",
}

-- One field of the flow: {name, type, text}. value: a number, text, or
-- {type=, value=}; typ: the type when value carries none.
local function field(name, value, typ)
  if type(value) == "table" then
    options.check(value, "classify field " .. name, { type = "string", value = "any" }, 5)
    return { name, value.type, tostring(value.value or "") }
  end
  typ = typ or FIELD_TYPES[name]
  if not typ then
    error(("classify: field '%s' needs {type=, value=}"):format(name), 5)
  end
  return { name, typ, tostring(value) }
end

local FLOW_OPTS = {
  token = "token", app = "string", remote = "string", ["local"] = "string",
  protocol = "string|integer", port = "integer", remote_port = "integer", local_port = "integer",
  profile = "string|integer", fields = "table",
}
local MATCH_OPTS = { layer = "string" }
for k, v in pairs(FLOW_OPTS) do MATCH_OPTS[k] = v end

-- The binding's field list from a flow table at a layer (nil: any).
local function flow_fields(flow, layer)
  local v6 = layer and layer:match("_V6$")
  local addr_type = v6 and "FWP_BYTE_ARRAY16_TYPE" or "FWP_UINT32"
  local out = {}
  local function add(name, value, typ) if value ~= nil then out[#out + 1] = field(name, value, typ) end end
  add("FWPM_CONDITION_IP_REMOTE_ADDRESS", flow.remote, addr_type)
  add("FWPM_CONDITION_IP_LOCAL_ADDRESS", flow["local"], addr_type)
  local proto = flow.protocol
  if type(proto) == "string" then
    proto = PROTOCOLS[proto:lower()] or error(("classify: unknown protocol '%s'"):format(proto), 4)
  end
  add("FWPM_CONDITION_IP_PROTOCOL", proto)
  add("FWPM_CONDITION_IP_REMOTE_PORT", flow.port or flow.remote_port)
  add("FWPM_CONDITION_IP_LOCAL_PORT", flow.local_port)
  local profile = flow.profile
  if type(profile) == "string" then
    profile = PROFILES[profile] or error(("classify: unknown profile '%s'"):format(profile), 4)
  end
  add("FWPM_CONDITION_ORIGINAL_PROFILE_ID", profile)
  add("FWPM_CONDITION_CURRENT_PROFILE_ID", profile)
  local names = {}
  for name in pairs(flow.fields or {}) do names[#names + 1] = name end
  table.sort(names)
  for _, name in ipairs(names) do add(name, flow.fields[name]) end
  return out
end

-- nil, err for a message the binding raised (a user's flow with a bad
-- address or an unknown layer is bad input, not a crash).
local function invalid(op, msg)
  local err = errors.new(core.STATUS_INVALID_PARAMETER, op)
  err.detail = tostring(msg):gsub("^[^:]*:%d+: ", "")
  return nil, err
end

-- Runs a binding call; a raised message becomes nil, err.
local function call(op, fn, ...)
  local ok, res = pcall(fn, ...)
  if ok then return res end
  return invalid(op, res)
end

--- engine:classify(opts) -> result, or nil, err.
-- opts (strict): layer = FWPM_LAYER_* name or key (required); token (an
-- ntsec.token, with its AppContainer part); app = NT path of the program
-- ("\\device\\harddiskvolume1\\windows\\system32\\svchost.exe"; default:
-- the token's app); remote / local = addresses (IPv4 dotted quad, IPv6 text
-- at *_V6 layers); protocol = "tcp" | "udp" | "icmp" | number; port (=
-- remote_port), local_port; profile = "public" | "private" | "domain" | id
-- (ORIGINAL and CURRENT_PROFILE_ID); fields = {FWPM_CONDITION_X = value or
-- {type=, value=}}; boot = true for boot-time filters only; trace = false
-- leaves the trace out (the decision and outcomes only: the fast form).
-- result = {decision = "permit"|"block"|"depends"|"ambiguous", reason =
-- "filter"|"no_match"|"varies", filter = {key=, name=, id=, action=} (the
-- deciding filter when all outcomes agree on it), verdict =, assumptions =
-- {"zero_flags", "null_package"}, outcomes = {{final=, choices=, steps=}},
-- trace = {sublayers = {{key=, name=, weight=, total=, filters = {{key=,
-- name=, id=, action=, match=, condition=, failed=, why=, roles=}}}}}}.
-- A `failed` condition table is shared between results (built once per
-- filter set): read it, do not modify it. `outcomes` and `trace` are built
-- on first use (reading either, or pairs over the result, builds both and
-- leaves a plain table); until then the result has a metatable and
-- next/rawget do not see them.
-- Errors: STATUS_INVALID_PARAMETER (unknown layer or field, a value not of
-- its type) with err.detail. Option mistakes raise.
-- Source: wfp_classify.md 2 (condition matching), 3 (arbitration), 4; docs/classify.md
-- "Lua API" and the EMULATOR CHOICES there.
-- @function engine:classify
local classify = C.classify
function M.classify(engine, opts)
  local ok, res = pcall(classify, engine, opts)
  if ok then return res end
  -- an option mistake comes as {message}: raised at the caller
  if type(res) == "table" then error(res[1], 2) end
  return invalid("classify", res)
end

--- engine:filters_for(token[, layer]) -> list of {key=, name=, id=,
-- action=, layer=}: the filters that apply to the token's principal
-- (wfp_classify.md 4: every principal condition holds, no condition known
-- false; network fields left open), in the engine's order.
-- Errors: nil, err: STATUS_INVALID_PARAMETER (unknown layer); raises when
-- token is not an ntsec.token.
-- Source: wfp_classify.md 4; docs/classify.md "Lua API".
-- @function engine:filters_for
function M.filters_for(engine, token, layer)
  if core.type(token) ~= "token" then error("filters_for: token expected", 2) end
  return call("filters_for", C.filters_for, engine, principal(token), layer)
end

--- engine:filter_matches(key, flow) -> {match = "true"|"false"|"unknown",
-- condition = N, failed = {condition}, why =, assumed =}, or nil, err
-- (STATUS_FWP_FILTER_NOT_FOUND). flow: the flow options of classify; its
-- layer only picks the address type (IPv6 at *_V6, default IPv4); the
-- filter's own conditions decide, no arbitration.
-- Errors: nil, err: STATUS_FWP_FILTER_NOT_FOUND for an unknown key,
-- STATUS_INVALID_PARAMETER (err.detail) for a bad field value; option
-- mistakes raise.
-- Source: wfp_classify.md 2.1-2.9 (condition matching); docs/classify.md "Lua API".
-- @function engine:filter_matches
function M.filter_matches(engine, key, flow)
  options.check(flow, "filter_matches", MATCH_OPTS)
  flow = flow or {}
  local res, err = call("filter_matches", C.matches, engine, key, principal(flow.token, flow.app),
                        flow_fields(flow, flow.layer))
  if res == nil and err == nil then
    return nil, errors.new(core.STATUS_FWP_FILTER_NOT_FOUND, "filter_matches")
  end
  return res, err
end

local methods = core.wfp.engine_methods
methods.classify = M.classify
methods.filters_for = M.filters_for
methods.filter_matches = M.filter_matches

return M
