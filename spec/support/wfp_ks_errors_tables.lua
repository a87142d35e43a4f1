--- spec/support/wfp_ks_errors_tables.lua: the code tables of
-- ../shared/spec/wfp_ks_errors.md section 5, read from the document itself
-- (the ground truth: SDK header values and Wine's NT -> Win32 table), for
-- spec/errors_catalogue_spec.lua. Nothing here computes a code: each row is
-- the text of a table cell turned into numbers.
--
-- tables(path) -> {
--   fwp = { {code=, fwp_e=, hresult=, status=, ntstatus=} } (5.2),
--   fwp_no_twin = { {name=, ntstatus=, win32_name=, win32=} } (5.3),
--   rpc_e = { {name=, hresult=} } (5.5, first table),
--   rpc_win32 = { {name=, win32=, twin=, twin_value=, twin_win32=} } (5.5, second
--     table; twin_win32 only where the row marks Wine's mapping with a check mark),
--   nt_win32 = { {status=, ntstatus=, win32_name=, win32=, hresult=} } (5.6),
-- }

local M = {}

local function section(text, from, to)
  local a = assert(text:find(from, 1, true), from)
  local b = to and assert(text:find(to, a, true), to) or #text
  return text:sub(a, b)
end

local function cells(line)
  local out = {}
  for cell in line:gmatch("|([^|]*)") do
    out[#out + 1] = (cell:gsub("^%s+", ""):gsub("%s+$", ""):gsub("`", ""))
  end
  out[#out] = nil -- after the closing bar
  return out
end

local function rows(block)
  local out = {}
  for line in block:gmatch("[^\n]+") do
    if line:match("^|") and not line:match("^|%s*%-%-%-") then out[#out + 1] = cells(line) end
  end
  table.remove(out, 1) -- header
  return out
end

local function num(s)
  return math.tointeger(tonumber(s))
end

local function fwp(text)
  local out = {}
  for _, c in ipairs(rows(section(text, "### 5.2", "Naming drift"))) do
    out[#out + 1] = { code = num(c[1]), fwp_e = c[2], hresult = num(c[3]), status = c[4], ntstatus = num(c[5]) }
  end
  return out
end

local function fwp_no_twin(text)
  local out = {}
  for _, c in ipairs(rows(section(text, "### 5.3", "### 5.4"))) do
    local name, dec = c[4]:match("^([%u_]+) = (%d+)")
    out[#out + 1] = { ntstatus = num(c[1]), name = c[2], win32_name = name, win32 = num(dec) }
  end
  return out
end

local function rpc_e(text)
  local out = {}
  local block = section(text, "### 5.5", "What a real user-mode")
  for _, c in ipairs(rows(block)) do
    for i = 1, #c - 1, 2 do
      if c[i] ~= "" then out[#out + 1] = { hresult = num(c[i]), name = c[i + 1] } end
    end
  end
  return out
end

local function rpc_win32(text)
  local out = {}
  local block = section(text, "| Win32 name | dec / hex |", "Which of these a client")
  for _, c in ipairs(rows(block)) do
    local row = { name = c[1], win32 = num(c[2]:match("^(%d+)")) }
    local twin, value = c[3]:match("^([%u_]+) (0x%x+)")
    row.twin, row.twin_value = twin, num(value or c[3]:match("^(0x%x+)"))
    if c[3]:find("✓", 1, true) then
      row.twin_win32 = num(c[3]:match("maps to [%u_]+ (%d+)")) or row.win32
    end
    out[#out + 1] = row
  end
  return out
end

local function nt_win32(text)
  local out = {}
  for _, c in ipairs(rows(section(text, "### 5.6", "### 5.7"))) do
    out[#out + 1] = { status = c[1], ntstatus = num(c[2]), win32_name = c[3],
                      win32 = num(c[4]:match("^(%d+)")), hresult = num(c[5]) }
  end
  return out
end

function M.tables(path)
  local f = assert(io.open(path, "r"))
  local text = f:read("a")
  f:close()
  return { fwp = fwp(text), fwp_no_twin = fwp_no_twin(text), rpc_e = rpc_e(text),
           rpc_win32 = rpc_win32(text), nt_win32 = nt_win32(text) }
end

return M
