-- wfp_classify_spec.lua: filter conditions on engine objects (issue 12:
-- FwpmFilterAdd0 takes filterCondition, FwpmFilterGetByKey0 and the
-- enumerations return them; wfp_classify.md 1.3, 1.4 for the shapes and
-- text forms), and the Lua classification API built on them.

local ntsec = require("ntsec")
local wfp = ntsec.wfp
local rcode = require("spec.support.wfp_result").code

local LAYER = "FWPM_LAYER_ALE_AUTH_CONNECT_V4"
local ADMIN = ntsec.token { user = "S-1-5-21-1-2-3-500", groups = { "BA", "WD" } }
local NOT_SUPPORTED = 50   -- ERROR_NOT_SUPPORTED (STATUS_NOT_SUPPORTED as Win32)

-- A condition of every value shape the dumps use (1.4) and the two mask
-- types whose element names are an EMULATOR CHOICE (docs/classify.md).
local CONDITIONS = {
  { field = "FWPM_CONDITION_IP_PROTOCOL", match = "FWP_MATCH_EQUAL", type = "FWP_UINT8", value = "6" },
  { field = "FWPM_CONDITION_IP_REMOTE_PORT", match = "FWP_MATCH_EQUAL", type = "FWP_UINT16", value = "443" },
  { field = "FWPM_CONDITION_IP_REMOTE_ADDRESS", match = "FWP_MATCH_RANGE", type = "FWP_RANGE_TYPE",
    low = { type = "FWP_UINT32", value = "10.0.0.0" }, high = { type = "FWP_UINT32", value = "10.255.255.255" } },
  { field = "FWPM_CONDITION_IP_LOCAL_ADDRESS", match = "FWP_MATCH_EQUAL", type = "FWP_V4_ADDR_MASK",
    value = "192.168.0.0", value2 = "255.255.0.0" },
  { field = "FWPM_CONDITION_ALE_APP_ID", match = "FWP_MATCH_EQUAL", type = "FWP_BYTE_BLOB_TYPE",
    -- "a.exe" as UTF-16LE with its NUL (2.3)
    value = "61002e00650078006500" .. "0000" },
  { field = "FWPM_CONDITION_ALE_PACKAGE_ID", match = "FWP_MATCH_NOT_EQUAL", type = "FWP_SID", value = "S-1-0-0" },
  { field = "FWPM_CONDITION_ALE_USER_ID", match = "FWP_MATCH_EQUAL", type = "FWP_SECURITY_DESCRIPTOR_TYPE",
    value = "O:LSD:(A;;CC;;;S-1-15-3-1)" },
}

describe("filter conditions on engine objects (FwpmFilterAdd0 / GetByKey0)", function()
  local e, s
  before_each(function()
    e = wfp.engine { clock = "virtual" }
    s = assert(e:open { token = ADMIN })
  end)
  after_each(function() e:close() end)

  it("keeps every condition with its field, match type and typed value, and returns it in the same shape", function()
    local key = assert(s:add_filter { name = "f", layer = LAYER, action = "FWP_ACTION_PERMIT",
                                      conditions = CONDITIONS })
    local f = assert(s:get_filter(key))
    assert.are.equal(#CONDITIONS, #f.conditions)
    for i, want in ipairs(CONDITIONS) do
      local got = f.conditions[i]
      assert.are.equal(want.field, got.field)
      assert.are.equal(want.match, got.match)
      assert.are.equal(want.type, got.type)
      assert.are.equal(want.value, got.value)
      assert.are.equal(want.value2, got.value2)
      assert.are.same(want.low, got.low)
      assert.are.same(want.high, got.high)
      assert.is_nil(got.unknown)
    end
    assert.are.equal("a.exe", f.conditions[5].as_string)
    -- what get returns is accepted back by add (one shape both ways)
    local key2 = assert(s:add_filter { name = "copy", layer = LAYER, action = "FWP_ACTION_PERMIT",
                                       conditions = f.conditions })
    assert.are.same(f.conditions, assert(s:get_filter(key2)).conditions)
  end)

  it("enumeration returns the conditions too", function()
    assert(s:add_filter { name = "f", layer = LAYER, action = "FWP_ACTION_BLOCK", conditions = { CONDITIONS[1] } })
    local n = 0
    for f in s:enum_filters() do
      n = n + 1
      assert.are.equal("FWPM_CONDITION_IP_PROTOCOL", f.conditions[1].field)
    end
    assert.are.equal(1, n)
  end)

  it("keeps an unknown field, match type and value type by name (issue 12: never dropped)", function()
    local unknown = {
      { field = "{01234567-89ab-4cde-8f01-23456789abcd}", match = "FWP_MATCH_EQUAL", type = "FWP_UINT8", value = "1" },
      { field = "FWPM_CONDITION_IP_PROTOCOL", match = "FWP_MATCH_SOMETHING_NEW", type = "FWP_UINT8", value = "1" },
      { field = "FWPM_CONDITION_IP_PROTOCOL", match = "FWP_MATCH_EQUAL", type = "FWP_NEW_TYPE", value = "xyz" },
    }
    local key = assert(s:add_filter { name = "f", layer = LAYER, action = "FWP_ACTION_BLOCK", conditions = unknown })
    local got = assert(s:get_filter(key)).conditions
    assert.are.equal("{01234567-89ab-4cde-8f01-23456789abcd}", got[1].field)
    assert.are.equal("FWP_MATCH_SOMETHING_NEW", got[2].match)
    assert.are.equal("FWP_NEW_TYPE", got[3].type)
    assert.are.equal("xyz", got[3].value)
    for i = 1, 3 do assert.is_true(got[i].unknown) end
  end)

  it("a value that is not of its type raises with the condition's number; nothing is added", function()
    assert.has_error(function()
      s:add_filter { name = "f", layer = LAYER, action = "FWP_ACTION_BLOCK", conditions = {
        CONDITIONS[1], { field = "FWPM_CONDITION_IP_PROTOCOL", match = "FWP_MATCH_EQUAL", type = "FWP_UINT8", value = "300" } } }
    end, nil)
    local ok, err = pcall(s.add_filter, s, { name = "f", layer = LAYER, action = "FWP_ACTION_BLOCK", conditions = {
      { field = "FWPM_CONDITION_ALE_USER_ID", match = "FWP_MATCH_EQUAL", type = "FWP_SECURITY_DESCRIPTOR_TYPE", value = "D:(Z;;;)" } } })
    assert.is_false(ok)
    assert.matches("condition 1: sd:", err)
    local n = 0
    for _ in s:enum_filters() do n = n + 1 end
    assert.are.equal(0, n)
  end)

  it("conditions are not persisted yet: a persistent filter with conditions in a stored engine is NOT_SUPPORTED", function()
    local path = os.tmpname()
    os.remove(path)
    local pe = wfp.engine { clock = "virtual", path = path }
    local ps = assert(pe:open { token = ADMIN })
    local _, err = ps:add_filter { name = "p", layer = LAYER, action = "FWP_ACTION_BLOCK",
                                   flags = { "FWPM_FILTER_FLAG_PERSISTENT" }, conditions = { CONDITIONS[1] } }
    assert.are.equal(NOT_SUPPORTED, rcode(nil, err))
    -- without conditions, or not persistent: accepted
    assert(ps:add_filter { name = "p", layer = LAYER, action = "FWP_ACTION_BLOCK", flags = { "FWPM_FILTER_FLAG_PERSISTENT" } })
    assert(ps:add_filter { name = "s", layer = LAYER, action = "FWP_ACTION_BLOCK", conditions = { CONDITIONS[1] } })
    pe:close()
    os.remove(path)
    os.remove(path .. "-wal")
    os.remove(path .. "-shm")
  end)
end)
