-- errors_catalogue_spec.lua: the catalogue is complete for the code that
-- uses it, and its numbers are the ones wfp_ks_errors.md section 5 lists
-- (docs/errors.md).
--
-- 1. Every status identifier the sources name (STATUS_*, FWP_E_*, ERROR_*,
--    RPC_S_* / RPC_X_* / RPC_E_* / RPC_NT_*, EPT_S_* / EPT_NT_*) in
--    src/core/**/*.{c,h}, src/lua/*.c, lua/**/*.lua and bin/ntsec is a
--    catalogue name of the right kind, and every NTSTATUS among them has an
--    explicit RtlNtStatusToDosError row (not the 317 fallback).
-- 2. The tables of 5.2, 5.3, 5.5 and 5.6, read from the document
--    (spec/support/wfp_ks_errors_tables.lua), and the worked examples of 5.1
--    are the expected values: value, NT -> Win32 mapping, HRESULT views,
--    facility and severity of each listed code. No formula of the code under
--    test is re-implemented here.
-- 3. Every entry is self-consistent (names, messages, from_hresult inverting
--    to_hresult) and error objects expose the same views.

local errors = require("ntsec.errors")
local core = require("ntsec.core")

-- Identifiers matched by the scan that are not status codes.
local NOT_CODES = {
  -- ntsec.ks constant: the status reported for a second IRP completion
  -- (docs/ks.md choice 6); checked below to equal STATUS_INVALID_PARAMETER_1.
  STATUS_DOUBLE_COMPLETION = true,
  -- placeholder in the usage text of bin/ntsec sddl
  STATUS_NAME = true,
}

-- Kind each name prefix must have. RPC_S_CALLPENDING / RPC_S_WAITONTIMER are
-- the two HRESULT spellings of 5.5.
local function expected_kind(name)
  if name == "RPC_S_CALLPENDING" or name == "RPC_S_WAITONTIMER" then return "HRESULT" end
  if name:match("^STATUS_") or name:match("^RPC_NT_") or name:match("^EPT_NT_") then
    return "NTSTATUS"
  end
  if name:match("^FWP_E_") or name:match("^RPC_E_") then return "HRESULT" end
  return "WIN32"
end

local PREFIXES = { "STATUS_", "FWP_E_", "ERROR_", "RPC_S_", "RPC_X_", "RPC_E_", "RPC_NT_",
                   "EPT_S_", "EPT_NT_" }

local function is_code_name(id)
  if id:sub(-1) == "_" then return false end          -- "STATUS_FWP_*" in prose
  for _, p in ipairs(PREFIXES) do
    if id:sub(1, #p) == p and id:sub(#p + 1, #p + 1):match("[A-Z]") then return true end
  end
  return false
end

local function source_files()
  local cmd = "find src/core src/lua lua -type f \\( -name '*.c' -o -name '*.h' -o -name '*.lua' \\)"
    .. " ! -name status_codes.h; echo bin/ntsec"
  local p = assert(io.popen(cmd))
  local files = {}
  for f in p:lines() do files[#files + 1] = f end
  p:close()
  table.sort(files)
  return files
end

-- name -> first file naming it
local function scan()
  local used = {}
  for _, f in ipairs(source_files()) do
    local fh = assert(io.open(f, "rb"))
    local text = fh:read("a")
    fh:close()
    for id in text:gmatch("%f[%w_]([A-Z][A-Z0-9_]*)") do
      if is_code_name(id) and not NOT_CODES[id] and not used[id] then used[id] = f end
    end
  end
  return used
end

local hex = function(v) return ("0x%08X"):format(v) end

describe("the catalogue covers the sources", function()
  local used = scan()

  it("finds the codes the core is known to use", function()
    -- a sanity check on the scanner itself: names from ks, wfp and sddl code
    for _, n in ipairs({ "STATUS_NO_SECURITY_ON_OBJECT", "EPT_NT_NOT_REGISTERED",
                         "STATUS_FWP_WRONG_SESSION", "STATUS_INVALID_SID" }) do
      assert.is_truthy(used[n], n)
    end
    assert.is_nil(used["STATUS_FWP_"])
  end)

  it("has every status identifier the sources name, with the right kind", function()
    local missing = {}
    for name, file in pairs(used) do
      local e = errors.lookup(name)
      if not e then
        missing[#missing + 1] = name .. " (" .. file .. ")"
      elseif e.kind ~= expected_kind(name) then
        missing[#missing + 1] = name .. " is " .. e.kind .. " (" .. file .. ")"
      end
    end
    table.sort(missing)
    assert.are.same({}, missing)
  end)

  it("maps every NTSTATUS the sources name through an explicit table row", function()
    local fallback = {}
    for name in pairs(used) do
      local e = errors.lookup(name)
      if e and e.kind == "NTSTATUS" and e.win32 == 317 then fallback[#fallback + 1] = name end
    end
    table.sort(fallback)
    assert.are.same({}, fallback)
  end)

  it("documents its non-code matches", function()
    assert.are.equal(core.STATUS_INVALID_PARAMETER_1, core.ks.STATUS_DOUBLE_COMPLETION)
    assert.are.equal(0xC00000EF, core.STATUS_INVALID_PARAMETER_1)
    assert.is_nil(errors.lookup("STATUS_NAME"))
  end)
end)

local TABLES = require("spec.support.wfp_ks_errors_tables").tables("../shared/spec/wfp_ks_errors.md")

local function entry(name)
  return assert(errors.lookup(name), name .. " is not in the catalogue")
end

describe("the catalogue against wfp_ks_errors.md 5.2-5.6", function()
  it("read the tables whole", function()
    -- 5.2: 0x001-0x044 and 0x104; 5.5: 53 RPC_E_* and 17 Win32 RPC rows.
    assert.equal(69, #TABLES.fwp)
    assert.equal(4, #TABLES.fwp_no_twin)
    assert.equal(53, #TABLES.rpc_e)
    assert.equal(17, #TABLES.rpc_win32)
    assert.equal(29, #TABLES.nt_win32)
  end)

  it("5.2: every FWP_E_* HRESULT and its STATUS_FWP_* twin (5.4: NT -> user = the twin)", function()
    for _, row in ipairs(TABLES.fwp) do
      local hr, nt = entry(row.fwp_e), entry(row.status)
      assert.equal(hex(row.hresult), hex(hr.value), row.fwp_e)
      assert.equal("HRESULT", hr.kind, row.fwp_e)
      assert.equal(50, hr.facility, row.fwp_e)          -- FACILITY_FWP (5.1)
      assert.equal("ERROR", hr.severity, row.fwp_e)
      assert.equal(hex(row.ntstatus), hex(nt.value), row.status)
      assert.equal("NTSTATUS", nt.kind, row.status)
      assert.equal(0x22, nt.facility, row.status)       -- FACILITY_FWP_ERROR_CODE (5.1)
      assert.equal("ERROR", nt.severity, row.status)
      assert.equal(hex(row.hresult), hex(nt.win32), row.status)
      assert.equal(hex(row.hresult), hex(errors.to_win32(row.ntstatus)), row.status)
    end
  end)

  it("5.3: STATUS_FWP_* without a twin map to ordinary Win32 errors", function()
    for _, row in ipairs(TABLES.fwp_no_twin) do
      local nt = entry(row.name)
      assert.equal(hex(row.ntstatus), hex(nt.value), row.name)
      assert.equal(row.win32, nt.win32, row.name)
      assert.equal(row.win32, entry(row.win32_name).value, row.win32_name)
    end
  end)

  it("5.5: the RPC_E_* HRESULTs", function()
    for _, row in ipairs(TABLES.rpc_e) do
      local e = entry(row.name)
      assert.equal(hex(row.hresult), hex(e.value), row.name)
      assert.equal("HRESULT", e.kind, row.name)
      assert.equal(1, e.facility, row.name)             -- FACILITY_RPC (5.1)
    end
  end)

  it("5.5: the Win32 RPC codes, their NTSTATUS twins and the mappings Wine's table confirms", function()
    for _, row in ipairs(TABLES.rpc_win32) do
      local e = entry(row.name)
      assert.equal(row.win32, e.value, row.name)
      assert.equal("WIN32", e.kind, row.name)
      if row.twin then assert.equal(hex(row.twin_value), hex(entry(row.twin).value), row.twin) end
      if row.twin_value and row.twin_win32 then
        assert.equal(row.twin_win32, errors.to_win32(row.twin_value), hex(row.twin_value))
      end
    end
  end)

  it("5.6: NTSTATUS -> Win32 -> HRESULT_FROM_WIN32", function()
    for _, row in ipairs(TABLES.nt_win32) do
      local nt, w = entry(row.status), entry(row.win32_name)
      assert.equal(hex(row.ntstatus), hex(nt.value), row.status)
      assert.equal(row.win32, nt.win32, row.status)
      assert.equal(row.win32, errors.to_win32(row.ntstatus), row.status)
      assert.equal(row.win32, w.value, row.win32_name)
      assert.equal(hex(row.hresult), hex(w.hresult), row.win32_name)
      assert.equal(hex(row.hresult), hex(errors.to_hresult(row.win32, "WIN32")), row.win32_name)
    end
  end)

  it("5.1: the worked examples of HRESULT_FROM_WIN32 and HRESULT_FROM_NT", function()
    assert.equal(hex(0x80070005), hex(errors.to_hresult(5, "WIN32")))
    assert.equal(hex(0x800706D9), hex(errors.to_hresult(1753, "WIN32")))
    assert.equal(hex(0x800706BA), hex(errors.to_hresult(1722, "WIN32")))
    assert.equal(hex(0), hex(errors.to_hresult(0, "WIN32")))
    assert.equal(hex(0xD0000022), hex(errors.hresult_from_nt(0xC0000022)))
    assert.equal(hex(0xD022000E), hex(errors.hresult_from_nt(0xC022000E)))
    -- 5.1: RtlNtStatusToDosError has no row -> ERROR_MR_MID_NOT_FOUND (317)
    -- for an undefined 0xC022xxxx (5.4).
    assert.equal(317, errors.to_win32(0xC0220045))
  end)

  it("5.1: severities of the NTSTATUS layout on listed codes", function()
    -- bits 30-31: 0 success (STATUS_SUCCESS, STATUS_PENDING 0x103), 2 warning
    -- (STATUS_BUFFER_OVERFLOW 0x80000005), 3 error (0xC...).
    assert.equal("SUCCESS", entry("STATUS_SUCCESS").severity)
    assert.equal("SUCCESS", entry("STATUS_PENDING").severity)
    assert.equal("WARNING", entry("STATUS_BUFFER_OVERFLOW").severity)
    assert.equal("ERROR", entry("STATUS_ACCESS_DENIED").severity)
    assert.equal("ERROR", entry("RPC_NT_INVALID_BINDING").severity)
    assert.equal(0x2, entry("RPC_NT_INVALID_BINDING").facility)   -- FACILITY_RPC_RUNTIME
    assert.equal(0x3, entry("RPC_NT_SS_IN_NULL_CONTEXT").facility) -- FACILITY_RPC_STUBS
    assert.equal(7, entry("ERROR_ACCESS_DENIED").facility)         -- FACILITY_WIN32
  end)
end)

describe("every catalogue entry", function()
  local list = errors.list()

  it("is there at all", function()
    assert.is_true(#list > 300)
  end)

  for _, e in ipairs(list) do
    local label = e.kind .. " " .. hex(e.value) .. " " .. e.name
    it(label .. " is complete and consistent", function()
      assert.are.equal(e.name, e.names[1])
      for _, n in ipairs(e.names) do
        local again = errors.lookup(n)
        assert.are.equal(e.value, again.value)
        assert.are.equal(e.kind, again.kind)
        assert.are.equal(e.value, core[n])
      end
      assert.is_number(e.facility)
      assert.is_string(e.facility_name)
      assert.are_not.equal("UNKNOWN", e.facility_name)
      assert.is_string(e.severity)
      assert.matches("^[^\n]+$", e.message)
      assert.are.equal(hex(e.hresult), hex(errors.to_hresult(e.value, e.kind)))
      if e.kind == "NTSTATUS" then
        assert.are.equal(errors.to_win32(e.value), e.win32)
      elseif e.kind == "WIN32" then
        assert.are.equal(e.value, e.win32)
      end
      if e.value ~= 0 and e.kind ~= "HRESULT" then
        local back, kind = errors.from_hresult(e.hresult)
        assert.are.equal(hex(e.value), hex(back))
        assert.are.equal(e.kind, kind)
      end
    end)

    it(label .. " makes an error object with every view", function()
      local err = errors.new(e.value, "op", e.kind)
      assert.is_true(errors.is_error(err))
      assert.are.equal(e.name, err.name)
      assert.are.equal(e.message, err.message)
      assert.are.equal(hex(e.hresult), hex(err.hresult))
      if e.kind == "NTSTATUS" then
        assert.are.equal(e.value, err.ntstatus)
        assert.are.equal(e.win32, err.win32)
      elseif e.kind == "WIN32" then
        assert.is_nil(err.ntstatus)
        assert.are.equal(e.value, err.win32)
      end
      assert.are.equal(("%s (%s): %s"):format(e.name, hex(e.value), e.message), tostring(err))
    end)
  end
end)
