--- ntsec.json: JSON output with a deterministic key order.
--
-- dkjson (Debian lua-dkjson) writes the keys of an object in the order a
-- `keyorder` list gives and every other key in `pairs` order, which follows
-- Lua's per-process hash seed: two runs over the same input wrote the same
-- report with its keys in different places, so reports could not be diffed
-- or compared byte for byte. Every JSON document ntsec writes goes through
-- `encode`: the keys a caller names come first, in its order; the others
-- follow sorted (numbers before strings, each in ascending order).
-- @module ntsec.json

local dkjson = require("dkjson")
local options = require("ntsec.options")

local OPTIONS = { keyorder = "table", indent = "boolean" }

local M = { null = dkjson.null }

-- Keys of different Lua types sort by type name first, so the order is total.
local function key_less(a, b)
  local ta, tb = type(a), type(b)
  if ta ~= tb then return ta < tb end
  if ta == "number" or ta == "string" then return a < b end
  return tostring(a) < tostring(b)
end

-- The order of t's keys: those ranked in `rank` present in t, then the rest sorted.
local function order_of(t, rank)
  local named, rest = {}, {}
  for k in pairs(t) do
    if rank[k] then named[#named + 1] = k else rest[#rest + 1] = k end
  end
  table.sort(named, function(a, b) return rank[a] < rank[b] end)
  table.sort(rest, key_less)
  table.move(rest, 1, #rest, #named + 1, named)
  return named
end

-- Whether dkjson 2.6 writes t as an array (its `isarray`): keys 1..max plus
-- an optional numeric `n`, not too sparse; its metatable's __jsontype wins.
local function is_array(t, mt)
  if mt and mt.__jsontype then return mt.__jsontype == "array" end
  local max, n, declared = 0, 0, 0
  for k, x in pairs(t) do
    if k == "n" and type(x) == "number" then
      declared = x
      if x > max then max = x end
    elseif math.type(k) ~= "integer" or k < 1 then
      return false
    else
      if k > max then max = k end
      n = n + 1
    end
  end
  return not (max > 10 and max > declared and max > n * 2)
end

local WRITABLE = { ["nil"] = true, boolean = true, number = true, string = true, table = true }

-- Give every object under v a metatable carrying __jsonorder, remembering
-- each table's own metatable in `saved` so that `restore` puts it back.
-- `path` holds the tables being walked: meeting one again is a cycle.
local function mark(v, rank, saved, path)
  local tv = type(v)
  if not WRITABLE[tv] and v ~= M.null then error("ntsec.json.encode: a " .. tv .. " cannot be written as JSON", 0) end
  if tv ~= "table" then return end
  if path[v] then error("ntsec.json.encode: the value holds a reference cycle", 0) end
  if saved[v] ~= nil then return end
  local mt = getmetatable(v)
  saved[v] = mt or false
  if not is_array(v, mt) then
    local ordered = {}
    if mt then for k, x in pairs(mt) do ordered[k] = x end end
    ordered.__jsonorder = order_of(v, rank)
    setmetatable(v, ordered)
  end
  path[v] = true
  for _, x in pairs(v) do mark(x, rank, saved, path) end
  path[v] = nil
end

local function restore(saved)
  for t, mt in pairs(saved) do setmetatable(t, mt or nil) end
end

--- encode(value [, opts]) -> JSON text.
-- `value`: tables, strings, numbers, booleans and `ntsec.json.null`, as
-- dkjson takes them (`__jsontype = "array"` marks an empty array).
-- `opts` (strict): `keyorder` = list of keys written first wherever they
-- occur, in that order; `indent` = true for dkjson's indented layout. Keys
-- not in `keyorder` follow sorted. The tables are left as they were, their
-- metatables included. Raises on a value JSON cannot hold (a function, a
-- cycle), as dkjson does: that is a programmer error.
-- Source: dkjson 2.6 `encode` (keyorder, __jsonorder, __jsontype).
function M.encode(value, opts)
  opts = options.check(opts, "ntsec.json.encode", OPTIONS)
  local first, rank = opts.keyorder or {}, {}
  for i, k in ipairs(first) do rank[k] = rank[k] or i end
  local saved = {}
  local ok, text, err = pcall(function()
    mark(value, rank, saved, {})
    return dkjson.encode(value, { indent = opts.indent })
  end)
  restore(saved)
  if not ok then error(text, 2) end
  if not text then error("ntsec.json.encode: " .. tostring(err), 2) end
  return text
end

return M
