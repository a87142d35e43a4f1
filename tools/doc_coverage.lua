-- doc_coverage.lua: fails when a public function or method has no complete
-- docstring in the LDoc reference (issue 9; in the spirit of luv's docscov).
--
--   lua5.4 tools/doc_coverage.lua ITEMS.tsv
--
-- ITEMS.tsv is what `ldoc --filter ldoc_items.dump .` printed (one line per
-- documented item: module, name, and whether it gives the argument shape,
-- the result shape, the errors and the source). The public surface is taken
-- from the live modules: every function field of ntsec, ntsec.wfp, ntsec.ks
-- and ntsec.errors, and every method of the objects a user gets back (built
-- here through the public API). Names bound to the same function (the
-- Windows names with and without the version suffix) share one docstring.
-- Prints each gap and exits 1 when there is any.

package.path = "./lua/?.lua;./lua/?/init.lua;" .. package.path
package.cpath = ("./%s/?.so;"):format(os.getenv("NTSEC_BUILD") or "build") .. package.cpath

local ntsec = require("ntsec")

local REQUIRED = { "args", "result", "errors", "source" }

-- Documented items by name (module-qualified and bare).
local function read_items(path)
  local items = {}
  for line in assert(io.open(path)):lines() do
    local mod, name, args, result, errors, source = line:match("^(.-)\t(.-)\t(%d)\t(%d)\t(%d)\t(%d)$")
    if mod then
      local rec = { args = args == "1", result = result == "1", errors = errors == "1", source = source == "1" }
      -- Method kinds are matched case-insensitively ("Target:x" documents target:x).
      local kind, method = name:match("^(.-):(.*)$")
      if kind then name = kind:lower() .. ":" .. method end
      items[mod .. "." .. name] = rec
      items[name] = items[name] or rec
    end
  end
  return items
end

-- The objects a user gets from the public API, by kind name.
local function sample_objects()
  local objs = {}
  local function add(x) if x ~= nil then objs[ntsec.type(x) or tostring(getmetatable(x).__name)] = x end end
  local sd = ntsec.sd("O:SYG:SYD:(A;;GA;;;SY)")
  add(sd); add(sd.dacl); add(ntsec.sid("SY"))
  local token = ntsec.token{ user = "SY", groups = { "BA" } }
  add(token)
  add(ntsec.explain(sd, token, 1))
  add(ntsec.errors.new(0xC0000022))
  local engine = ntsec.wfp.engine()
  add(engine)
  local session = engine:open{ token = token }
  add(session)
  if session then
    add(session:callouts_container())
    for _, x in ipairs({ session:connections(), session:endpoints(), session:engine_object() }) do add(x) end
  end
  if session then
    local _, _, _, enum = session:enum_callouts()
    add(enum)
    add(session:subscribe_connections(function() end))
  end
  local device = ntsec.ks.device()
  add(device)
  add(device:add_create_item { name = "filter", sd = "O:BAG:SYD:(A;;GA;;;WD)" })
  local file = device:create("\\filter", token, ntsec.MAXIMUM_ALLOWED)
  add(file)
  add(ntsec.ks.irp { major = "QUERY_SECURITY", file = file, security_information = ntsec.DACL_SECURITY_INFORMATION,
                     length = 8 })
  return objs
end

local function methods_of(x)
  local mt = getmetatable(x)
  if type(mt) ~= "table" then return {} end
  local index = rawget(mt, "__index")
  if type(index) == "table" then return index end
  return rawget(mt, "methods") or {}
end

local surface = {}     -- { {table_name, names = {...}} } groups of names sharing a function
local function collect(label, t, sep)
  local by_fn = {}
  for name, v in pairs(t) do
    if type(v) == "function" and type(name) == "string" and not name:match("^_") then
      by_fn[v] = by_fn[v] or {}
      table.insert(by_fn[v], label .. sep .. name)
    end
  end
  for _, names in pairs(by_fn) do
    table.sort(names)
    surface[#surface + 1] = names
  end
end

collect("ntsec", ntsec, ".")
collect("ntsec.wfp", ntsec.wfp, ".")
collect("ntsec.ks", ntsec.ks, ".")
collect("ntsec.errors", ntsec.errors, ".")
for kind, obj in pairs(sample_objects()) do collect(kind, methods_of(obj), ":") end

local items = read_items(assert(arg[1], "usage: doc_coverage.lua ITEMS.tsv"))

-- A name is documented as "ntsec.wfp.FwpmEngineOpen0" (module + name) or
-- as a bare method "session:add_callout".
local function lookup(qualified)
  local mod, name = qualified:match("^(.*)%.([^.:]+)$")
  if mod and items[mod .. "." .. name] then return items[mod .. "." .. name] end
  return items[qualified]
end

local gaps = {}
for _, names in ipairs(surface) do
  local rec
  for _, n in ipairs(names) do rec = rec or lookup(n) end
  if not rec then
    gaps[#gaps + 1] = ("%s: no docstring"):format(table.concat(names, " = "))
  else
    local missing = {}
    for _, f in ipairs(REQUIRED) do if not rec[f] then missing[#missing + 1] = f end end
    if #missing > 0 then
      gaps[#gaps + 1] = ("%s: docstring lacks %s"):format(names[1], table.concat(missing, ", "))
    end
  end
end
table.sort(gaps)
for _, g in ipairs(gaps) do print(g) end
print(("%d public functions and methods, %d documented in full, %d gaps"):format(#surface, #surface - #gaps, #gaps))
os.exit(#gaps == 0 and 0 or 1)
