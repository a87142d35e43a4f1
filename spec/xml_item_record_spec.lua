-- The item view's record and conditions readers (src/lua/nl_xml_items.c,
-- used by lua/ntsec/netsh.lua; issue 11): each field kind on a hand-written
-- item, the expected values read off the XML below by hand.
local ntsec = require("ntsec")

local XML = [[<wfpstate><items><item>
  <key>{11111111-2222-3333-4444-555555555555}</key>
  <empty/>
  <nested><name>inner</name></nested>
  <id>  42 (ERROR_SUCCESS)</id><big>99999999999999999999</big><noid>x1</noid>
  <flags><item>F_A</item><other>no</other><item>F_B</item></flags>
  <weight><type>FWP_UINT64</type><uint64>18446744073709551615</uint64></weight>
  <emptyWeight><type>FWP_EMPTY</type></emptyWeight>
  <filterCondition>
    <item><fieldKey>FWPM_CONDITION_IP_PROTOCOL</fieldKey><matchType>FWP_MATCH_EQUAL</matchType>
      <conditionValue><type>FWP_UINT8</type><uint8>6</uint8></conditionValue></item>
    <item><fieldKey>FWPM_CONDITION_IP_REMOTE_ADDRESS</fieldKey><matchType>FWP_MATCH_EQUAL</matchType>
      <conditionValue><type>FWP_V4_ADDR_MASK</type>
        <v4AddrMask><addr>10.0.0.0</addr><mask>255.0.0.0</mask></v4AddrMask></conditionValue></item>
    <item><fieldKey>FWPM_CONDITION_IP_LOCAL_PORT</fieldKey><matchType>FWP_MATCH_RANGE</matchType>
      <conditionValue><type>FWP_RANGE_TYPE</type><rangeValue>
        <valueLow><type>FWP_UINT16</type><uint16>80</uint16></valueLow>
        <valueHigh><type>FWP_UINT16</type><uint16>90</uint16></valueHigh></rangeValue></conditionValue></item>
    <item><fieldKey>FWPM_CONDITION_ALE_APP_ID</fieldKey><matchType>FWP_MATCH_EQUAL</matchType>
      <conditionValue><type>FWP_BYTE_BLOB_TYPE</type>
        <byteBlob><data>4100</data><asString>A</asString></byteBlob></conditionValue></item>
  </filterCondition>
</item></items></wfpstate>]]

local ELEMENT = { FWP_UINT8 = "uint8", FWP_UINT16 = "uint16", FWP_UINT64 = "uint64" }

-- Runs fn(item) on the one item of XML and returns what it returns.
local function with_item(fn)
  local e, out = ntsec.wfp.engine(), nil
  local sent = false
  assert(e:import_xml(function()
    if sent then return nil end
    sent = true
    return XML
  end, { root = "wfpstate", items = { ["items/item"] = "things" } }, function(_, item)
    out = fn(item)
    return true
  end))
  e:close()
  return out
end

describe("xml item:record", function()
  it("reads text, number, list and value fields; leaves absent and empty ones out", function()
    local rec = with_item(function(it)
      return it:record(1, {
        { "key", "key" }, { "empty", "empty" }, { "inner", "nested", "name" }, { "nested", "nested" },
        { "missing", "nope" }, { "id", "id", as = "number" }, { "big", "big", as = "number" },
        { "noid", "noid", as = "number" }, { "flags", "flags", as = "list" }, { "noflags", "nope", as = "list" },
        { "weight", "weight", as = "value", elements = ELEMENT },
        { "empty_weight", "emptyWeight", as = "value", elements = ELEMENT },
      })
    end)
    assert.are.same({
      key = "{11111111-2222-3333-4444-555555555555}", inner = "inner", id = 42, big = 1e20,
      flags = { "F_A", "F_B" }, noflags = {}, weight = "18446744073709551615",
    }, rec)
    assert.are.equal("integer", math.type(rec.id))
    assert.are.equal("float", math.type(rec.big))   -- as tonumber reads 20 digits
  end)

  it("reads conditions as netsh.lua's shape: common types, masks, ranges, blobs", function()
    local rec = with_item(function(it)
      return it:record(1, { { "conditions", "filterCondition", as = "conditions", elements = ELEMENT } })
    end)
    assert.are.same({
      { field = "FWPM_CONDITION_IP_PROTOCOL", match = "FWP_MATCH_EQUAL", type = "FWP_UINT8", value = "6" },
      { field = "FWPM_CONDITION_IP_REMOTE_ADDRESS", match = "FWP_MATCH_EQUAL", type = "FWP_V4_ADDR_MASK",
        value = "10.0.0.0", value2 = "255.0.0.0" },
      { field = "FWPM_CONDITION_IP_LOCAL_PORT", match = "FWP_MATCH_RANGE", type = "FWP_RANGE_TYPE",
        low = { type = "FWP_UINT16", value = "80" }, high = { type = "FWP_UINT16", value = "90" } },
      { field = "FWPM_CONDITION_ALE_APP_ID", match = "FWP_MATCH_EQUAL", type = "FWP_BYTE_BLOB_TYPE", value = "4100" },
    }, rec.conditions)
  end)

  it("raises for a malformed field list or an unknown kind", function()
    with_item(function(it)
      assert.has_error(function() it:record(1, { "key" }) end)
      assert.has_error(function() it:record(1, { { "key", "key", as = "date" } }) end)
      assert.has_error(function() it:record(1, { { "w", "weight", as = "value" } }) end)
    end)
  end)
end)
