-- gen_status.lua SRC.tsv OUT.h
--
-- Generates src/core/status_codes.h from the error catalogue status.tsv
-- (format in the header of that file). Plain Lua 5.4, no dependencies.
-- The output is deterministic: rows are emitted sorted by (kind, value) and
-- the name index sorted bytewise, so `make check-gen` can compare it.
--
-- The header has two parts:
--   * under its include guard: one #define per name (primary and aliases);
--     NTSTATUS names are typed ((NTSTATUS)0x...u), WIN32/HRESULT plain 0x...u;
--   * under NTSEC_STATUS_TABLE (defined only by status.c): the static rows
--     table with the RtlNtStatusToDosError mapping, and a name index.

local KIND_ORDER = { NTSTATUS = 1, WIN32 = 2, HRESULT = 3 }
local KIND_ENUM = {
  NTSTATUS = "NTSEC_CODE_NTSTATUS", WIN32 = "NTSEC_CODE_WIN32", HRESULT = "NTSEC_CODE_HRESULT",
}
local ERROR_MR_MID_NOT_FOUND = 317

-- Facility name -> number, per kind ([MS-ERREF] 2.1/2.3; wfp_ks_errors.md 5.1).
local FACILITIES = {
  NTSTATUS = { NULL = 0x0, RPC_RUNTIME = 0x2, RPC_STUBS = 0x3, NTWIN32 = 0x7,
               FWP_ERROR_CODE = 0x22 },
  HRESULT = { NULL = 0, RPC = 1, WIN32 = 7, FWP = 0x32 },
}

local function fail(lineno, msg)
  io.stderr:write(("gen_status: line %d: %s\n"):format(lineno, msg))
  os.exit(1)
end

local function split(s, sep)
  local out, start = {}, 1
  while true do
    local i = s:find(sep, start, true)
    if not i then out[#out + 1] = s:sub(start); return out end
    out[#out + 1] = s:sub(start, i - 1)
    start = i + #sep
  end
end

local function facility_bits(kind, value)
  if kind == "NTSTATUS" then return (value >> 16) & 0xFFF end
  if kind == "HRESULT" then return (value >> 16) & 0x7FF end
  return nil
end

local function check_facility(lineno, kind, value, fac)
  if kind == "WIN32" then
    if fac ~= "WIN32" then fail(lineno, "WIN32 rows use facility WIN32") end
    if value > 0xFFFF then fail(lineno, "Win32 code above 0xFFFF") end
    return
  end
  local want = FACILITIES[kind][fac]
  if want == nil then fail(lineno, "unknown facility " .. fac) end
  if want ~= facility_bits(kind, value) then
    fail(lineno, ("facility %s does not match value 0x%08X"):format(fac, value))
  end
end

local function parse_win32(lineno, kind, text)
  if text == "" then return kind == "NTSTATUS" and ERROR_MR_MID_NOT_FOUND or nil end
  if kind ~= "NTSTATUS" then fail(lineno, "win32 mapping only allowed on NTSTATUS rows") end
  local n = math.tointeger(tonumber(text))
  if not n or n < 0 or n > 0xFFFFFFFF then fail(lineno, "bad win32 mapping " .. text) end
  return n
end

local function check_name(lineno, name)
  if not name:match("^[A-Z][A-Z0-9_]*$") then fail(lineno, "bad name '" .. name .. "'") end
end

local function parse_row(lineno, line)
  local f = split(line, "\t")
  if #f ~= 7 then fail(lineno, "expected 7 tab-separated columns, got " .. #f) end
  local kind, hex, name, aliases, win32, fac, msg = table.unpack(f)
  if not KIND_ORDER[kind] then fail(lineno, "bad kind " .. kind) end
  if not hex:match("^0x%x%x%x%x%x%x%x%x$") then fail(lineno, "value must be 0x%08X") end
  local value = tonumber(hex:sub(3), 16)
  check_facility(lineno, kind, value, fac)
  check_name(lineno, name)
  local alias_list = aliases == "" and {} or split(aliases, ",")
  for _, a in ipairs(alias_list) do check_name(lineno, a) end
  if msg == "" or msg:find('["\\]') or msg:find("*/", 1, true) then
    fail(lineno, "message empty or contains \", \\ or */")
  end
  return { kind = kind, value = value, name = name, aliases = alias_list,
           win32 = parse_win32(lineno, kind, win32), message = msg, line = lineno }
end

local function read_rows(path)
  local fh = assert(io.open(path, "r"))
  local rows, lineno = {}, 0
  for line in fh:lines() do
    lineno = lineno + 1
    line = line:gsub("\r$", "")
    if line ~= "" and not line:match("^#") then rows[#rows + 1] = parse_row(lineno, line) end
  end
  fh:close()
  return rows
end

local function check_unique(rows)
  local names, keys = {}, {}
  for _, r in ipairs(rows) do
    local key = r.kind .. ":" .. r.value
    if keys[key] then fail(r.line, ("duplicate %s 0x%08X"):format(r.kind, r.value)) end
    keys[key] = true
    for _, n in ipairs({ r.name, table.unpack(r.aliases) }) do
      if names[n] then fail(r.line, "duplicate name " .. n) end
      names[n] = true
    end
  end
end

-- Bytewise string order (independent of the C library's locale).
local function bytes_less(a, b)
  local n = math.min(#a, #b)
  for i = 1, n do
    local x, y = a:byte(i), b:byte(i)
    if x ~= y then return x < y end
  end
  return #a < #b
end

local function sort_rows(rows)
  table.sort(rows, function(a, b)
    if a.kind ~= b.kind then return KIND_ORDER[a.kind] < KIND_ORDER[b.kind] end
    return a.value < b.value
  end)
end

local function define_line(kind, name, value, message)
  local v = kind == "NTSTATUS" and ("((NTSTATUS)0x%08Xu)"):format(value)
                                or ("0x%08Xu"):format(value)
  return ("#define %-52s %s /* %s */"):format(name, v, message)
end

local function emit_defines(out, rows)
  local titles = { NTSTATUS = "NTSTATUS values", WIN32 = "Win32 error codes",
                   HRESULT = "HRESULT values" }
  local last
  for _, r in ipairs(rows) do
    if r.kind ~= last then
      out[#out + 1] = ""
      out[#out + 1] = "/* ---- " .. titles[r.kind] .. " ---- */"
      last = r.kind
    end
    out[#out + 1] = define_line(r.kind, r.name, r.value, r.message)
    for _, a in ipairs(r.aliases) do
      out[#out + 1] = define_line(r.kind, a, r.value, "alias of " .. r.name)
    end
  end
end

local function emit_rows(out, rows)
  out[#out + 1] = "/* Rows sorted by (kind, value); win32 = RtlNtStatusToDosError"
  out[#out + 1] = "** result for NTSTATUS rows, 0 for the others. */"
  out[#out + 1] = "static const ntsec_status_row ntsec_status_rows[NTSEC_STATUS_COUNT] = {"
  for _, r in ipairs(rows) do
    out[#out + 1] = ('    { { %s, 0x%08Xu, "%s", "%s",\n        "%s" }, 0x%08Xu },'):format(
      KIND_ENUM[r.kind], r.value, r.name, table.concat(r.aliases, ","), r.message,
      r.win32 or 0)
  end
  out[#out + 1] = "};"
end

local function emit_names(out, rows)
  local idx = {}
  for i, r in ipairs(rows) do
    idx[#idx + 1] = { r.name, i - 1 }
    for _, a in ipairs(r.aliases) do idx[#idx + 1] = { a, i - 1 } end
  end
  table.sort(idx, function(a, b) return bytes_less(a[1], b[1]) end)
  out[#out + 1] = ""
  out[#out + 1] = "/* Every name (primary and alias), sorted bytewise, with its row. */"
  out[#out + 1] = ("static const ntsec_status_name_ix ntsec_status_names[%d] = {"):format(#idx)
  for _, e in ipairs(idx) do
    out[#out + 1] = ('    { "%s", %d },'):format(e[1], e[2])
  end
  out[#out + 1] = "};"
  return #idx
end

local function render(rows)
  local out = {
    "/*",
    "** status_codes.h: GENERATED by tools/gen_status.lua from src/core/status.tsv.",
    "** Do not edit; change status.tsv and run `make gen`.",
    "**",
    "** Every catalogue name as a constant: NTSTATUS names typed NTSTATUS,",
    "** Win32 and HRESULT names as uint32 literals. The row table is compiled",
    "** only into status.c (which defines NTSEC_STATUS_TABLE).",
    "*/",
    "#ifndef NTSEC_STATUS_CODES_H",
    "#define NTSEC_STATUS_CODES_H",
    "",
    '#include "ntsec_types.h"',
    "",
    ("#define NTSEC_STATUS_COUNT %d"):format(#rows),
  }
  emit_defines(out, rows)
  out[#out + 1] = ""
  out[#out + 1] = "#endif /* NTSEC_STATUS_CODES_H */"
  out[#out + 1] = ""
  out[#out + 1] = "#if defined(NTSEC_STATUS_TABLE) && !defined(NTSEC_STATUS_TABLE_DEFINED)"
  out[#out + 1] = "#define NTSEC_STATUS_TABLE_DEFINED"
  out[#out + 1] = ""
  out[#out + 1] = "typedef struct ntsec_status_row { ntsec_code_info info; uint32_t win32; } ntsec_status_row;"
  out[#out + 1] = "typedef struct ntsec_status_name_ix { const char *name; uint16_t row; } ntsec_status_name_ix;"
  out[#out + 1] = ""
  emit_rows(out, rows)
  local n = emit_names(out, rows)
  out[#out + 1] = ("#define NTSEC_STATUS_NAME_COUNT %d"):format(n)
  out[#out + 1] = ""
  out[#out + 1] = "#endif /* NTSEC_STATUS_TABLE */"
  return table.concat(out, "\n") .. "\n"
end

local function main(src, dst)
  if not src or not dst then
    io.stderr:write("usage: lua5.4 tools/gen_status.lua SRC.tsv OUT.h\n")
    os.exit(2)
  end
  local rows = read_rows(src)
  check_unique(rows)
  sort_rows(rows)
  local fh = assert(io.open(dst, "wb"))
  fh:write(render(rows))
  fh:close()
end

main(...)
