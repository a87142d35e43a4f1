-- bench/bigdump.lua: a large `netsh wfp show state` dump for the scale
-- benchmarks (issue 11), made from a real one by repeating its items under
-- fresh keys and ids:
--   lua5.4 bench/bigdump.lua IN OUT [FILTER_COPIES [CALLOUT_COPIES]]
-- `make bigdump` runs it on ../shared/data/wfpstate/netsh-wfpstate-2.xml with
-- 100 and 50: 66,500 filters and 4,450 callouts, about 157 MB, in
-- build/bigdump.xml (never committed).
-- Each <item> of a layer's <filters> (<callouts>) is written COPIES times: the
-- first copy is the original, every other one gets a fresh key
-- {b16d0000-000K-4000-8000-NNNNNNNNNNNN} (K = 1 callouts, 2 filters; N a
-- serial number) and a fresh id (callouts from 100,000, filters from
-- 1,000,000); everything else (names, layer, sublayer, provider, the callout
-- a filter's action names, conditions) is kept, so every copy refers to real
-- objects. The numItems attributes are scaled to match. The script refuses to
-- write a key or id that the input already holds. Works line by line on
-- netsh's layout (one element per line, items indented one level below
-- their list).

local IN, OUT = arg[1], arg[2]
local FILTER_COPIES, CALLOUT_COPIES = tonumber(arg[3] or "100"), tonumber(arg[4] or "50")
if not IN or not OUT then
  io.stderr:write("usage: lua5.4 bench/bigdump.lua IN OUT [FILTER_COPIES [CALLOUT_COPIES]]\n")
  os.exit(2)
end

-- What is repeated: list tag -> copies, the key and id elements, key kind code, first id.
local LISTS = {
  filters = { copies = FILTER_COPIES, key = "filterKey", id = "filterId", code = 2, first_id = 1000000 },
  callouts = { copies = CALLOUT_COPIES, key = "calloutKey", id = "calloutId", code = 1, first_id = 100000 },
}

local source = assert(io.open(IN, "rb")):read("a")
local taken = {}
for key in source:gmatch("<%a+Key>(%b{})</%a+Key>") do taken[key:lower()] = true end
for tag, id in source:gmatch("<(%a+Id)>(%d+)</%a+Id>") do taken[tag .. id] = true end

local serial = { filters = 0, callouts = 0 }

-- Copy n of one item's lines (n = 1: the original).
local function copy(lines, list, spec, n)
  local text = table.concat(lines, "\n")
  if n == 1 then return text end
  serial[list] = serial[list] + 1
  local key = ("{b16d0000-%04x-4000-8000-%012x}"):format(spec.code, serial[list])
  local id = tostring(spec.first_id + serial[list])
  assert(not taken[key] and not taken[spec.id .. id], "fresh key or id already in the input")
  local k, i
  text, k = text:gsub("<" .. spec.key .. ">[^<]*</", "<" .. spec.key .. ">" .. key .. "</", 1)
  text, i = text:gsub("<" .. spec.id .. ">[^<]*</", "<" .. spec.id .. ">" .. id .. "</", 1)
  assert(k == 1 and i == 1, "item without " .. spec.key .. " or " .. spec.id)
  return text
end

local out = assert(io.open(OUT, "wb"))
local list, list_indent, item, item_indent = nil, nil, nil, nil
for line in (source:gsub("\r?\n$", "") .. "\n"):gmatch("([^\n]*)\n") do
  local indent, tag = line:match("^(\t*)<(%a+)[ >]")
  if item then
    item[#item + 1] = line
    if line == item_indent .. "</item>" then
      local spec = LISTS[list]
      for n = 1, spec.copies do out:write(copy(item, list, spec, n), "\n") end
      item = nil
    end
  elseif list and line == list_indent .. "\t<item>" then
    item, item_indent = { line }, list_indent .. "\t"
  elseif list and line == list_indent .. "</" .. list .. ">" then
    list = nil
    out:write(line, "\n")
  elseif tag and LISTS[tag] and line:match('numItems="%d+"') then
    list, list_indent = tag, indent
    out:write((line:gsub('numItems="(%d+)"', function(n)
      return ('numItems="%d"'):format(tonumber(n) * LISTS[tag].copies)
    end)), "\n")
  else
    out:write(line, "\n")
  end
end
out:close()
io.stderr:write(("bigdump: %s: %d filter and %d callout copies added\n"):format(OUT, serial.filters, serial.callouts))
