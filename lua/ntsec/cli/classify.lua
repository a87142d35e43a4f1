--- ntsec.cli.classify: `ntsec classify STATE.xml --layer NAME --token SIDS
-- [flow options] [--format text|json]` (issue 12; docs/classify.md).
--
-- Imports the dump into an in-memory engine and classifies one flow with
-- engine:classify (lua/ntsec/classify.lua): prints the decision, the
-- deciding filter by key and name, the outcomes (one per runtime choice:
-- callout verdicts, fields the flow does not give) and the trace (sublayers
-- in weight order, each filter considered, why it did not match). User
-- mistakes (unreadable dump, bad SID, bad address, unknown layer or field)
-- are one line and exit 2.

local M = {}

--- define(cmd): the classify arguments.
function M.define(cmd)
  cmd:description("Classify one flow offline against the filters of a `netsh wfp show state` dump:"
    .. " permit or block, by which filter, and why (wfp_classify.md).")
  cmd:argument("state", "The netsh wfp show state XML file.")
  cmd:option("--layer", "The layer: FWPM_LAYER_* name or key (e.g. FWPM_LAYER_ALE_AUTH_CONNECT_V4).")
    :args(1):count(1)
  require("ntsec.cli.token_args").define(cmd)
  cmd:option("--app", "The program: an NT path (\\device\\harddiskvolume3\\windows\\system32\\svchost.exe) or"
    .. " a DOS path (C:\\Windows\\System32\\svchost.exe; C: is the dump's Windows volume, ntsec.ntpath).")
    :args(1)
  cmd:option("--remote", "Remote address (IPv4 dotted quad; IPv6 at *_V6 layers)."):args(1)
  cmd:option("--local", "Local address."):args(1)
  cmd:option("--protocol", "tcp, udp, icmp, icmpv6 or a number."):args(1)
  cmd:option("--port", "Remote port."):args(1)
  cmd:option("--local-port", "Local port."):args(1)
  cmd:option("--profile", "Network profile: public, private, domain or a number (ORIGINAL and"
    .. " CURRENT_PROFILE_ID)."):args(1)
  cmd:option("--field", "Another incoming value, FWPM_CONDITION_NAME=VALUE or"
    .. " FWPM_CONDITION_NAME=FWP_TYPE:VALUE. Repeatable."):args(1):count("*")
  cmd:flag("--boot", "Boot-time filters only (BFE not running).")
  cmd:option("--format", "Output format."):choices({ "text", "json" }):default("text")
end

local function integer(text, what)
  local n = math.tointeger(tonumber(text))
  if not n then error(("%s: '%s' is not an integer"):format(what, text), 0) end
  return n
end

-- The classify option table of the command line.
local function flow_of(args, token)
  local fields
  for _, f in ipairs(args.field) do
    local name, value = f:match("^([%w_]+)=(.*)$")
    if not name then error(("--field: '%s' is not NAME=VALUE"):format(f), 0) end
    local typ, v = value:match("^(FWP_[%w_]+):(.*)$")
    fields = fields or {}
    fields[name] = typ and { type = typ, value = v } or (math.tointeger(tonumber(value)) or value)
  end
  local protocol = args.protocol and (math.tointeger(tonumber(args.protocol)) or args.protocol)
  local profile = args.profile and (math.tointeger(tonumber(args.profile)) or args.profile)
  return {
    layer = args.layer, token = token, app = args.app, remote = args.remote, ["local"] = args["local"],
    protocol = protocol, port = args.port and integer(args.port, "--port"),
    local_port = args.local_port and integer(args.local_port, "--local-port"),
    profile = profile, fields = fields, boot = args.boot or nil,
  }
end

-- ---- text output ----

local function filter_line(f)
  return ("%s %s \"%s\" (%s)"):format(f.key, tostring(f.id), f.name or "", f.action or "?")
end

-- A condition value for a line: the blob as text (app ids), ranges as
-- low..high, long values (descriptors) cut at 96 characters.
local function short_value(c)
  local v = c.as_string or c.value or (c.low and (c.low.value .. ".." .. c.high.value)) or ""
  if #v > 96 then v = ("%s... (%d characters)"):format(v:sub(1, 96), #v) end
  return v
end

local function why_line(f)
  if f.match == "true" then return "matches" end
  local what = f.match == "false" and "does not match" or "may match (unknown)"
  if not f.failed then return what end
  local c = f.failed
  return ("%s: condition %d %s %s %s (%s)"):format(what, f.condition, c.field, c.match, short_value(c), f.why or "")
end

local function step_line(s)
  local v = s.verdict
  return ("%s (weight %d): %s%s by %s [%s]"):format(s.sublayer.name or s.sublayer.key, s.sublayer.weight,
    v.action or "none", v.hard and " (hard)" or "", v.filter and filter_line(v.filter) or "-", s.rule)
end

local function choice_line(c)
  local what = c.kind == "callout" and ("callout verdict %s"):format(c.verdict)
    or c.kind == "match" and (c.matches and "its unknown conditions hold" or "its unknown conditions fail")
    or "evaluated first among tied filters"
  return ("%s at %s"):format(what, filter_line(c.filter))
end

local function text(r, args)
  local out = {}
  local function w(fmt, ...) out[#out + 1] = fmt:format(...) end
  w("%s: layer %s", args.state, args.layer)
  w("decision: %s (%s)", r.decision:upper(), r.reason)
  if r.filter then w("deciding filter: %s", filter_line(r.filter)) end
  if #r.assumptions > 0 then w("assumed: %s", table.concat(r.assumptions, ", ")) end
  if r.truncated then w("outcomes truncated at %d", #r.outcomes) end
  for i, o in ipairs(r.outcomes) do
    w("outcome %d: %s%s", i, (o.final.action or "permit (no match)"):upper(),
      o.final.filter and (" by " .. filter_line(o.final.filter)) or "")
    for _, c in ipairs(o.choices) do w("  if %s", choice_line(c)) end
    for _, s in ipairs(o.steps) do w("  %s", step_line(s)) end
  end
  w("trace:")
  for _, sl in ipairs(r.trace.sublayers) do
    w("  sublayer %s \"%s\" weight %d: %d of %d filters considered", sl.key, sl.name or "?", sl.weight,
      #sl.filters, sl.total)
    for _, f in ipairs(sl.filters) do
      local roles = #f.roles > 0 and (" [" .. table.concat(f.roles, ",") .. "]") or ""
      w("    %s: %s%s", filter_line(f), why_line(f), roles)
    end
  end
  return table.concat(out, "\n") .. "\n"
end

--- run(args) -> 0 after printing, or nil, message (one line).
function M.run(args)
  local ntsec, netsh = require("ntsec"), require("ntsec.netsh")
  local token, terr = require("ntsec.cli.token_args").token(args)
  if not token then return nil, terr end
  local flow_ok, flow = pcall(flow_of, args, token)
  if not flow_ok then return nil, tostring(flow) end
  local engine = ntsec.wfp.engine()
  local summary, ierr = netsh.import_file(engine, args.state)
  if not summary then
    engine:close()
    return nil, tostring(ierr)
  end
  if flow.app then
    local ntpath = require("ntsec.ntpath")
    local app, perr = ntpath.to_nt(flow.app, ntpath.volume_map(engine))
    if not app then
      engine:close()
      return nil, "--app: " .. perr.detail
    end
    flow.app = app
  end
  local called, res, err = pcall(engine.classify, engine, flow)
  engine:close()
  if not called then return nil, (tostring(res):gsub("^[^\n]-:%d+: ", "")) end
  if not res then return nil, ("classify: %s"):format(err.detail or tostring(err)) end
  if args.format == "json" then
    local json = require("ntsec.json")
    io.write(json.encode(res, { indent = true }), "\n")
  else
    io.write(text(res, args))
  end
  return 0
end

return M
