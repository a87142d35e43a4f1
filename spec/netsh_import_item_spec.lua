-- Filters and callouts imported straight from the XML item in C
-- (engine:import_filter_item / import_callout_item, issue 11: no Lua record
-- per object): the objects, skipped entries and errors the record path
-- (engine:import_filter of item:record's table, taken when a caller asks for
-- records with opts.on_record) gives. Expectations are worked out by hand
-- from the dump texts (wfp_classify.md 1.4 value shapes; FWPM_* GUIDs and
-- FWP_ACTION_* values from Microsoft's fwpmu.h / fwptypes.h).
local ntsec = require("ntsec")
local netsh = require("ntsec.netsh")
local helper = require("spec.helper")

-- Both paths on the same text: item path (no hooks), record path (on_record).
local function both(xml)
  local out = {}
  for _, path in ipairs({ "item", "record" }) do
    local engine = ntsec.wfp.engine()
    local opts = { name = "X" }
    if path == "record" then opts.on_record = function() end end
    local summary, err = netsh.import(engine, xml, opts)
    out[path] = { engine = engine, summary = summary, err = err and tostring(err) }
  end
  return out.item, out.record
end

local LAYER = "{c38d57d1-05a7-4c33-904f-7fbceee60e82}"      -- FWPM_LAYER_ALE_AUTH_CONNECT_V4
local SUBLAYER = "{eebecc03-ced4-4380-819a-2734397b2b74}"   -- FWPM_SUBLAYER_UNIVERSAL

local function dump(filters, callouts)
  return table.concat({
    "<wfpstate><layers><item><layer><layerKey>FWPM_LAYER_ALE_AUTH_CONNECT_V4</layerKey>",
    "<layerId>48</layerId></layer><callouts>", callouts or "", "</callouts><filters>",
    filters, "</filters></item></layers></wfpstate>" }, "\n")
end

local function cond(field, match, value)
  return ("<item><fieldKey>%s</fieldKey><matchType>%s</matchType><conditionValue>%s</conditionValue></item>")
    :format(field, match, value)
end

local EVERY = table.concat({
  "<item>",
  "<filterKey>{aaaaaaaa-0000-0000-0000-000000000001}</filterKey>",
  "<displayData><name>every field</name><description>all shapes</description></displayData>",
  "<flags numItems=\"3\"><item>FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT</item>",
  "<item>FWPM_FILTER_FLAG_HAS_PROVIDER_CONTEXT</item><item>FWPM_FILTER_FLAG_NOT_YET_KNOWN</item></flags>",
  "<providerKey>{bbbbbbbb-0000-0000-0000-000000000001}</providerKey>",
  "<providerData/>",
  "<layerKey>FWPM_LAYER_ALE_AUTH_CONNECT_V4</layerKey>",
  "<subLayerKey>FWPM_SUBLAYER_UNIVERSAL</subLayerKey>",
  "<weight><type>FWP_UINT64</type><uint64>1234</uint64></weight>",
  "<filterCondition numItems=\"11\">",
  cond("FWPM_CONDITION_IP_PROTOCOL", "FWP_MATCH_EQUAL", "<type>FWP_UINT8</type><uint8>17</uint8>"),
  cond("FWPM_CONDITION_IP_LOCAL_PORT", "FWP_MATCH_EQUAL", "<type>FWP_UINT16</type><uint16>443</uint16>"),
  cond("FWPM_CONDITION_FLAGS", "FWP_MATCH_FLAGS_NONE_SET", "<type>FWP_UINT32</type><uint32>786432</uint32>"),
  cond("FWPM_CONDITION_INTERFACE_QUARANTINE_EPOCH", "FWP_MATCH_EQUAL",
       "<type>FWP_UINT64</type><uint64>18446744073709551615</uint64>"),
  cond("FWPM_CONDITION_ALE_PACKAGE_ID", "FWP_MATCH_EQUAL", "<type>FWP_SID</type><sid>S-1-5-18</sid>"),
  cond("FWPM_CONDITION_ALE_USER_ID", "FWP_MATCH_EQUAL",
       "<type>FWP_SECURITY_DESCRIPTOR_TYPE</type><sd>O:SYG:SYD:(A;;CCRC;;;SY)</sd>"),
  cond("FWPM_CONDITION_ALE_APP_ID", "FWP_MATCH_EQUAL",
       "<type>FWP_BYTE_BLOB_TYPE</type><byteBlob><data>41004200</data><asString>AB</asString></byteBlob>"),
  cond("FWPM_CONDITION_IP_REMOTE_PORT", "FWP_MATCH_RANGE", "<type>FWP_RANGE_TYPE</type><rangeValue>"
       .. "<valueLow><type>FWP_UINT16</type><uint16>0</uint16></valueLow>"
       .. "<valueHigh><type>FWP_UINT16</type><uint16>3</uint16></valueHigh></rangeValue>"),
  cond("FWPM_CONDITION_IP_REMOTE_ADDRESS", "FWP_MATCH_EQUAL",
       "<type>FWP_V4_ADDR_MASK</type><v4AddrMask><addr>10.0.0.0</addr><mask>255.0.0.0</mask></v4AddrMask>"),
  cond("FWPM_CONDITION_IP_REMOTE_ADDRESS", "FWP_MATCH_EQUAL",
       "<type>FWP_V6_ADDR_MASK</type><v6AddrMask><addr>fe80::</addr><prefixLength>64</prefixLength></v6AddrMask>"),
  cond("FWPM_CONDITION_IP_REMOTE_ADDRESS", "FWP_MATCH_EQUAL",
       "<type>FWP_BYTE_ARRAY16_TYPE</type><byteArray16>fe80::1</byteArray16>"),
  "</filterCondition>",
  "<action><type>FWP_ACTION_CALLOUT_TERMINATING</type>",
  "<filterType>{cccccccc-0000-0000-0000-000000000001}</filterType></action>",
  "<providerContextKey>{dddddddd-0000-0000-0000-000000000001}</providerContextKey>",
  "<reserved/>",
  "<filterId>77</filterId>",
  "<effectiveWeight><type>FWP_UINT64</type><uint64>99999</uint64></effectiveWeight>",
  "</item>" }, "\n")

-- A permit filter: <filterType> holds the other member of the action's
-- union, not a callout key.
local PERMIT = table.concat({
  "<item><filterKey>{aaaaaaaa-0000-0000-0000-000000000002}</filterKey>",
  "<layerKey>FWPM_LAYER_ALE_AUTH_CONNECT_V4</layerKey>",
  "<action><type>FWP_ACTION_PERMIT</type><filterType>{cccccccc-0000-0000-0000-000000000002}</filterType></action>",
  "<filterId>78</filterId></item>" }, "\n")

local CALLOUT = table.concat({
  "<item><calloutKey>{cccccccc-0000-0000-0000-000000000001}</calloutKey>",
  "<displayData><name>co</name><description>a callout</description></displayData>",
  "<flags numItems=\"1\"><item>FWP_CALLOUT_FLAG_CONDITIONAL_ON_FLOW</item></flags>",
  "<providerKey>{bbbbbbbb-0000-0000-0000-000000000001}</providerKey><providerData/>",
  "<applicableLayer>FWPM_LAYER_ALE_AUTH_CONNECT_V4</applicableLayer><calloutId>301</calloutId></item>" }, "\n")

local function by_key(list)
  local out = {}
  for _, o in ipairs(list) do out[o.key] = o end
  return out
end

describe("netsh importer, filters and callouts from the item (no Lua record)", function()
  it("reads every field and each condition value shape as worked out by hand, as the record path does", function()
    local item, record = both(dump(EVERY .. "\n" .. PERMIT, CALLOUT))
    for _, r in ipairs({ item, record }) do
      assert.is_nil(r.err)
      assert.same({}, r.summary.skipped)
      assert.equal(2, r.summary.counts.filters)
      assert.equal(1, r.summary.counts.callouts)
      local f = by_key(r.engine:filters())
      local every, permit = f["{aaaaaaaa-0000-0000-0000-000000000001}"], f["{aaaaaaaa-0000-0000-0000-000000000002}"]
      assert.same({ "every field", "all shapes", 77, 8 | 4, { "FWPM_FILTER_FLAG_NOT_YET_KNOWN" } },
                  { every.name, every.description, every.id, every.flags, every.unknown_flags })
      assert.same({ "{bbbbbbbb-0000-0000-0000-000000000001}", LAYER, SUBLAYER, "{cccccccc-0000-0000-0000-000000000001}",
                    "{dddddddd-0000-0000-0000-000000000001}" },
                  { every.provider, every.layer, every.sublayer, every.callout, every.provider_context })
      -- FWP_ACTION_CALLOUT_TERMINATING = 0x3 | FWP_ACTION_FLAG_CALLOUT 0x4000 | FWP_ACTION_FLAG_TERMINATING 0x1000
      assert.same({ 0x5003, 1234, 99999 }, { every.action, every.weight, every.effective_weight })
      local function c(field, match, type, value, extra)
        local t = { field = field, match = match, type = type, value = value }
        for k, v in pairs(extra or {}) do t[k] = v end
        return t
      end
      assert.same({
        c("FWPM_CONDITION_IP_PROTOCOL", "FWP_MATCH_EQUAL", "FWP_UINT8", "17"),
        c("FWPM_CONDITION_IP_LOCAL_PORT", "FWP_MATCH_EQUAL", "FWP_UINT16", "443"),
        c("FWPM_CONDITION_FLAGS", "FWP_MATCH_FLAGS_NONE_SET", "FWP_UINT32", "786432"),
        c("FWPM_CONDITION_INTERFACE_QUARANTINE_EPOCH", "FWP_MATCH_EQUAL", "FWP_UINT64", "18446744073709551615"),
        c("FWPM_CONDITION_ALE_PACKAGE_ID", "FWP_MATCH_EQUAL", "FWP_SID", "S-1-5-18"),
        c("FWPM_CONDITION_ALE_USER_ID", "FWP_MATCH_EQUAL", "FWP_SECURITY_DESCRIPTOR_TYPE", "O:SYG:SYD:(A;;CCRC;;;SY)"),
        c("FWPM_CONDITION_ALE_APP_ID", "FWP_MATCH_EQUAL", "FWP_BYTE_BLOB_TYPE", "41004200", { as_string = "AB" }),
        { field = "FWPM_CONDITION_IP_REMOTE_PORT", match = "FWP_MATCH_RANGE", type = "FWP_RANGE_TYPE",
          low = { type = "FWP_UINT16", value = "0" }, high = { type = "FWP_UINT16", value = "3" } },
        c("FWPM_CONDITION_IP_REMOTE_ADDRESS", "FWP_MATCH_EQUAL", "FWP_V4_ADDR_MASK", "10.0.0.0", { value2 = "255.0.0.0" }),
        c("FWPM_CONDITION_IP_REMOTE_ADDRESS", "FWP_MATCH_EQUAL", "FWP_V6_ADDR_MASK", "fe80::", { value2 = 64 }),
        c("FWPM_CONDITION_IP_REMOTE_ADDRESS", "FWP_MATCH_EQUAL", "FWP_BYTE_ARRAY16_TYPE", "fe80::1"),
      }, every.conditions)
      -- FWP_ACTION_PERMIT = 0x2 | FWP_ACTION_FLAG_TERMINATING; no callout key
      assert.same({ 78, 0x1002 }, { permit.id, permit.action })
      assert.is_nil(permit.callout)
      local co = r.engine:callouts()[1]
      -- FWP_CALLOUT_FLAG_CONDITIONAL_ON_FLOW = 0x1
      assert.same({ "{cccccccc-0000-0000-0000-000000000001}", "co", "a callout", 301, LAYER,
                    "{bbbbbbbb-0000-0000-0000-000000000001}", 1 },
                  { co.key, co.name, co.description, co.id, co.layer, co.provider, co.flags })
    end
    assert.same(record.engine:filters(), item.engine:filters())
    assert.same(record.engine:callouts(), item.engine:callouts())
  end)
end)

describe("netsh.filter_descriptors (the audit's view of a filter, opts.on_view)", function()
  it("gives the key, the name and the descriptor conditions with their position and field", function()
    local seen = {}
    assert(netsh.import(ntsec.wfp.engine(), dump(EVERY .. "\n" .. PERMIT), {
      on_view = function(kind, it)
        if kind == "filters" then seen[#seen + 1] = { netsh.filter_descriptors(it) } end
      end }))
    assert.same({
      { "{aaaaaaaa-0000-0000-0000-000000000001}", "every field",
        { { condition = 6, field = "FWPM_CONDITION_ALE_USER_ID", value = "O:SYG:SYD:(A;;CCRC;;;SY)" } } },
      { "{aaaaaaaa-0000-0000-0000-000000000002}" },   -- no name, no conditions
    }, seen)
  end)
end)

describe("netsh importer, filters and callouts the engine refuses, from the item", function()
  local function key(n) return ("{aaaaaaaa-0000-0000-0000-%012d}"):format(n) end
  local function filter(n, parts)
    local out = { "<item>" }
    if n then out[#out + 1] = "<filterKey>" .. (parts.key or key(n)) .. "</filterKey>" end
    out[#out + 1] = parts.layer or "<layerKey>FWPM_LAYER_ALE_AUTH_CONNECT_V4</layerKey>"
    out[#out + 1] = parts.extra or ""
    out[#out + 1] = ("<action><type>%s</type><filterType>%s</filterType></action>")
      :format(parts.action or "FWP_ACTION_PERMIT", parts.callout or "")
    out[#out + 1] = "<filterId>" .. (parts.id or 1000 + (n or 0)) .. "</filterId></item>"
    return table.concat(out)
  end
  local function value(type, elem, text)
    return ("<type>%s</type><%s>%s</%s>"):format(type, elem, text, elem)
  end
  local P = "import_filter: "
  -- one filter a line from line 5 (dump(): four lines before the first filter)
  local cases = {
    { filter(1, { extra = "<weight>" .. value("FWP_UINT64", "uint64", "/1") .. "</weight>" }),
      key(1), P .. "field 'weight' is not a number" },
    { filter(2, { extra = "<effectiveWeight>" .. value("FWP_UINT64", "uint64", "x") .. "</effectiveWeight>" }),
      key(2), P .. "field 'effective_weight' is not a number" },
    { filter(nil, { id = 33 }), 33, P .. "record has no key" },
    { filter(4, { key = "{nope}" }), "{nope}", P .. "unknown symbolic name or malformed key '{nope}'" },
    { filter(5, { extra = "<flags><item>NOT_A_FLAG</item></flags>" }), key(5), P .. "unknown flag 'NOT_A_FLAG'" },
    { filter(6, { extra = "<providerKey>FWPM_NOT_A_NAME</providerKey>" }), key(6),
      P .. "unknown symbolic name or malformed key 'FWPM_NOT_A_NAME'" },
    { filter(7, { layer = "<layerKey>{layer}</layerKey>" }), key(7), P .. "unknown symbolic name or malformed key '{layer}'" },
    { filter(8, { extra = "<subLayerKey>sub</subLayerKey>" }), key(8), P .. "unknown symbolic name or malformed key 'sub'" },
    { filter(9, { action = "FWP_ACTION_CALLOUT_TERMINATING", callout = "co" }), key(9),
      P .. "unknown symbolic name or malformed key 'co'" },
    { filter(10, { action = "FWP_ACTION_NOPE" }), key(10), P .. "unknown action 'FWP_ACTION_NOPE'" },
    { filter(11, { extra = "<providerContextKey>zz</providerContextKey>" }), key(11),
      P .. "malformed provider context key 'zz'" },
    { filter(12, { extra = "<filterCondition>" .. cond("FWPM_CONDITION_IP_LOCAL_PORT", "FWP_MATCH_EQUAL", "")
                   .. "</filterCondition>" }), key(12), P .. "condition 1 needs field, match and type" },
    { filter(13, { extra = "<filterCondition>" .. cond("FWPM_CONDITION_IP_LOCAL_PORT", "FWP_MATCH_EQUAL",
                   value("FWP_UINT16", "uint16", "1")) .. cond("FWPM_CONDITION_IP_LOCAL_PORT", "FWP_MATCH_EQUAL",
                   value("FWP_UINT16", "uint16", "port")) .. "</filterCondition>" }), key(13), "^" .. P .. "condition 2: " },
    { filter(14, {}), nil },                                    -- imported
    { filter(14, { id = 15 }), key(14), P .. "STATUS_FWP_ALREADY_EXISTS" },
  }
  local callouts = "<item><calloutId>5</calloutId><applicableLayer>FWPM_LAYER_ALE_AUTH_CONNECT_V4</applicableLayer></item>"

  it("lists each with the record path's kind, key, message and line, and imports the rest", function()
    local texts = {}
    for i, c in ipairs(cases) do texts[i] = c[1] end
    local item, record = both(dump(table.concat(texts, "\n"), callouts))
    for _, r in ipairs({ item, record }) do
      assert.is_nil(r.err)
      -- the callout comes first in the dump (line 3)
      assert.same({ kind = "callouts", key = 5, error = "import_callout: record has no key", line = 3 },
                  r.summary.skipped[1])
      local n = 1
      for i, c in ipairs(cases) do
        if c[2] then
          n = n + 1
          local s = r.summary.skipped[n]
          assert.same({ "filters", c[2], 4 + i }, { s.kind, s.key, s.line })
          if c[3]:sub(1, 1) == "^" then assert.matches(c[3], s.error) else assert.equal(c[3], s.error) end
        end
      end
      assert.equal(n, #r.summary.skipped)
      assert.equal(1, r.summary.counts.filters)
      assert.equal(0, r.summary.counts.callouts)
      assert.same({ key(14) }, { r.engine:filters()[1].key })
    end
    assert.same(record.summary, item.summary)
  end)

  -- FWP_RANGE0's bounds are FWP_VALUE0 (wfp_classify.md 1.4), which holds
  -- neither an address mask nor a range: such a filter is a malformed record,
  -- skipped with the reason on both paths (it used to raise and abort the
  -- whole import with "low: unknown option 'value2'").
  it("skips a filter whose range bound holds an address mask or a range, on both paths", function()
    local function range(low)
      return cond("FWPM_CONDITION_IP_REMOTE_ADDRESS", "FWP_MATCH_RANGE", "<type>FWP_RANGE_TYPE</type><rangeValue>"
        .. "<valueLow>" .. low .. "</valueLow><valueHigh>" .. value("FWP_UINT32", "uint32", "2.0.0.0")
        .. "</valueHigh></rangeValue>")
    end
    local mask = range("<type>FWP_V4_ADDR_MASK</type><v4AddrMask><addr>1.0.0.0</addr><mask>255.0.0.0</mask></v4AddrMask>")
    local nested = range("<type>FWP_RANGE_TYPE</type><rangeValue><valueLow>" .. value("FWP_UINT32", "uint32", "1")
      .. "</valueLow><valueHigh>" .. value("FWP_UINT32", "uint32", "2") .. "</valueHigh></rangeValue>")
    local text = filter(1, { extra = "<filterCondition>" .. mask .. "</filterCondition>" }) .. "\n"
      .. filter(2, { extra = "<filterCondition>" .. cond("FWPM_CONDITION_IP_LOCAL_PORT", "FWP_MATCH_EQUAL",
                                                         value("FWP_UINT16", "uint16", "80"))
                             .. nested .. "</filterCondition>" }) .. "\n"
      .. filter(3, {})
    local item, record = both(dump(text, ""))
    local why = " a range bound holds more than a type and a value (an address mask or a range; FWP_VALUE0 holds neither)"
    for _, r in ipairs({ item, record }) do
      assert.is_nil(r.err)
      assert.same({ P .. "condition 1:" .. why, P .. "condition 2:" .. why },
                  { r.summary.skipped[1].error, r.summary.skipped[2].error })
      assert.same({ key(1), key(2) }, { r.summary.skipped[1].key, r.summary.skipped[2].key })
      assert.equal(1, r.summary.counts.filters)
    end
    assert.same(record.summary, item.summary)
  end)
end)

describe("netsh importer, both paths on the real dumps", function()
  for _, file in ipairs({ "netsh-wfpstate-1.xml", "netsh-wfpstate-2.xml" }) do
    it("gives the same engine objects, summary and audit descriptors for " .. file, function()
      local path = helper.data("wfpstate/" .. file)
      local runs = {}
      for _, rec in ipairs({ false, true }) do
        local engine, seen = ntsec.wfp.engine(), {}
        local opts = {}
        if rec then
          opts.on_record = function(kind, r)
            if kind ~= "filters" then return end
            local sds
            for i, c in ipairs(r.conditions or {}) do
              if c.type == "FWP_SECURITY_DESCRIPTOR_TYPE" then
                sds = sds or {}
                sds[#sds + 1] = { condition = i, field = c.field, value = c.value }
              end
            end
            seen[#seen + 1] = { r.key, r.name, sds }
          end
        else
          opts.on_view = function(kind, it)
            if kind == "filters" then seen[#seen + 1] = { netsh.filter_descriptors(it) } end
          end
        end
        local summary = assert(netsh.import_file(engine, path, opts))
        runs[#runs + 1] = { summary = summary, filters = engine:filters(), callouts = engine:callouts(), seen = seen }
      end
      assert.same(runs[2].summary, runs[1].summary)
      assert.same(runs[2].filters, runs[1].filters)
      assert.same(runs[2].callouts, runs[1].callouts)
      assert.same(runs[2].seen, runs[1].seen)
      local any = 0
      for _, s in ipairs(runs[1].seen) do any = any + (s[3] and #s[3] or 0) end
      assert.is_true(any > 0)
    end)
  end
end)

describe("item:record's when_type_has (the callout key under <action><filterType>)", function()
  local function read(action)
    local got
    local sent = false
    assert(ntsec.wfp.engine():import_xml(function()
      if sent then return nil end
      sent = true
      return "<r><a><item><action>" .. action .. "<filterType>{x}</filterType></action></item></a></r>"
    end, { root = "r", items = { ["a/item"] = "x" } }, function(_, it)
      got = it:record(1, { { "callout", "action", "filterType", when_type_has = "CALLOUT" } }).callout
    end))
    return got
  end
  it("reads the field only when the <type> beside it contains the text", function()
    assert.equal("{x}", read("<type>FWP_ACTION_CALLOUT_INSPECTION</type>"))
    assert.is_nil(read("<type>FWP_ACTION_BLOCK</type>"))
    assert.is_nil(read(""))                                   -- no <type>
    assert.is_nil(read("<type><x>CALLOUT</x></type>"))        -- a <type> with children reads as ""
  end)
end)
