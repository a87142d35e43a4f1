-- spec/support/dump_reader.lua: an independent reader of a netsh dump for
-- specs that count what the XML holds (LuaExpat callbacks over the raw
-- file, not ntsec's importer or its item views).
local lxp = require("lxp")

local M = {}

--- read(path, on_end): calls on_end(path_below_root, text) at the end of
-- every element up to </wfpstate> (path "wfpstate/layers/item/...", text
-- the element's own character data). netsh writes a second top-level
-- element after </wfpstate> (shared/data/README.md): it is not read.
function M.read(path, on_end)
  local stack, text, done = {}, {}, false
  local parser = lxp.new({
    StartElement = function(_, name)
      if done then return end
      stack[#stack + 1] = name
      text[#stack] = {}
    end,
    CharacterData = function(_, s)
      if not done and #stack > 0 then local t = text[#stack]; t[#t + 1] = s end
    end,
    EndElement = function(_, name)
      if done then return end
      on_end(table.concat(stack, "/"), table.concat(text[#stack]))
      stack[#stack], text[#stack] = nil, nil
      if name == "wfpstate" and #stack == 0 then done = true end
    end,
  })
  local f = assert(io.open(path, "rb"))
  local data = f:read("a")
  f:close()
  local _, stop = data:find("</wfpstate>", 1, true)
  assert(parser:parse(data:sub(1, stop)))
  assert(parser:close())
  assert(done, "the reader did not reach </wfpstate>")
end

return M
