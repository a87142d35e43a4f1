-- LDoc filter (runs inside ldoc, Lua 5.1+): prints one line per documented
-- item so that tools/doc_coverage.lua can compare the reference with the
-- live API. Line: module TAB name TAB args TAB result TAB errors TAB source,
-- each flag 1 or 0. Used as `ldoc --filter ldoc_items.dump .`.
local M = {}

local function has_text(item, pattern)
  local text = (item.summary or "") .. "\n" .. (item.description or "")
  return text:find(pattern) ~= nil
end

local function flag(b) return b and "1" or "0" end

function M.dump(modules)
  for _, mod in ipairs(modules) do
    for _, item in ipairs(mod.items) do
      local tags = item.tags or {}
      local summary = item.summary or ""
      -- Argument shape: @param tags, or a call signature in the summary.
      local args = (item.params and #item.params > 0) or summary:find("[%({]") ~= nil
      -- Result shape: @return tags, or "-> ..." in the summary.
      local result = tags["return"] ~= nil or has_text(item, "%->")
      local errors = tags.errors ~= nil or tags.raise ~= nil or has_text(item, "Errors?:")
        or has_text(item, "Raises")
      local source = tags.source ~= nil or has_text(item, "Source:")
      print(table.concat({ mod.name, item.name, flag(args), flag(result), flag(errors), flag(source) }, "\t"))
    end
  end
end

return M
