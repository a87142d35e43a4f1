-- netsh_filters_spec.lua: issue 12 "Both dumps import every filter with its
-- conditions". The expected counts come from an independent reader in this
-- file (LuaExpat callbacks over the raw file, not ntsec's importer or its
-- item views): filters per layer, conditions per field and per value type,
-- and the text of every <sd> condition value, which must come back from the
-- engine as the same SDDL (wfp_classify.md 1.3, 1.4).

local reader = require("spec.support.dump_reader")
local ntsec = require("ntsec")
local netsh = require("ntsec.netsh")
local helper = require("spec.helper")

local DUMPS = { "netsh-wfpstate-1.xml", "netsh-wfpstate-2.xml" }

-- The independent count (spec/support/dump_reader.lua): element paths below
-- <wfpstate> with their text.
local function xml_counts(path)
  local want = {
    filters = 0, per_layer = {}, per_field = {}, per_type = {}, sds = {}, conditions = 0,
  }
  local cur = {}   -- the filter being read: layer, field of the current condition
  local FILTER = "wfpstate/layers/item/filters/item"
  local COND = FILTER .. "/filterCondition/item"
  local function bump(t, k) t[k] = (t[k] or 0) + 1 end
  reader.read(path, function(p, s)
    if p == FILTER .. "/layerKey" then cur.layer = s:lower()
    elseif p == FILTER then
      want.filters = want.filters + 1
      bump(want.per_layer, cur.layer)
      cur = {}
    elseif p == COND .. "/fieldKey" then cur.field = s
    elseif p == COND .. "/conditionValue/type" then
      want.conditions = want.conditions + 1
      bump(want.per_field, cur.field)
      bump(want.per_type, s)
    elseif p == COND .. "/conditionValue/sd" then want.sds[#want.sds + 1] = s
    end
  end)
  return want
end

local function engine_counts(e)
  local got = { filters = 0, per_layer = {}, per_field = {}, per_type = {}, sds = {}, conditions = 0 }
  local layer_name = {}
  for _, l in ipairs(e:layers()) do layer_name[l.key] = (l.key_name or l.key):lower() end
  local function bump(t, k) t[k] = (t[k] or 0) + 1 end
  local filters = e:filters()
  -- dump order (filterId ascending is the dump's order within a layer; the
  -- sd list is compared as a multiset below)
  for _, f in ipairs(filters) do
    got.filters = got.filters + 1
    bump(got.per_layer, layer_name[f.layer] or f.layer:lower())
    for _, c in ipairs(f.conditions) do
      got.conditions = got.conditions + 1
      bump(got.per_field, c.field)
      bump(got.per_type, c.type)
      if c.type == "FWP_SECURITY_DESCRIPTOR_TYPE" then got.sds[#got.sds + 1] = c.value end
      assert.is_nil(c.unknown, "condition kept as unknown: " .. tostring(c.field))
    end
  end
  return got
end

local function multiset(list)
  local m = {}
  for _, s in ipairs(list) do m[s] = (m[s] or 0) + 1 end
  return m
end

describe("netsh import: every filter with its conditions (issue 12)", function()
  for _, name in ipairs(DUMPS) do
    describe(name, function()
      local path = helper.data("wfpstate/" .. name)
      local want = xml_counts(path)
      local e = ntsec.wfp.engine()
      local summary = assert(netsh.import_file(e, path))
      local got = engine_counts(e)
      e:close()

      it("imports every filter, none skipped", function()
        assert.are.same({}, summary.skipped)
        assert.are.equal(want.filters, summary.counts.filters)
        assert.are.equal(want.filters, got.filters)
      end)

      it("has the dump's count of filters per layer", function()
        assert.are.same(want.per_layer, got.per_layer)
      end)

      it("has the dump's count of conditions per field and per value type", function()
        assert.is_true(want.conditions > 0)
        assert.are.equal(want.conditions, got.conditions)
        assert.are.same(want.per_field, got.per_field)
        assert.are.same(want.per_type, got.per_type)
      end)

      it("gives back every <sd> condition value as the same SDDL", function()
        assert.is_true(#want.sds > 0)
        assert.are.equal(#want.sds, #got.sds)
        assert.are.same(multiset(want.sds), multiset(got.sds))
      end)
    end)
  end

  it("keeps effectiveWeight above 2^63 and the provider context key", function()
    -- filter 68129 of netsh-wfpstate-2.xml (read by hand): effectiveWeight
    -- 9223372586040164364, providerContextKey {999ba50e-...}, 4 conditions,
    -- the last a RANGE of UINT16 0..3 on IP_REMOTE_PORT
    local e = ntsec.wfp.engine()
    assert(netsh.import_file(e, helper.data("wfpstate/netsh-wfpstate-2.xml")))
    local f
    for _, x in ipairs(e:filters()) do if x.id == 68129 then f = x end end
    e:close()
    assert.is_table(f)
    -- UINT64 values come back as Lua integers with the same 64 bits:
    -- 9223372586040164364 - 2^64
    assert.are.equal(-9223371487669387252, f.effective_weight)
    assert.are.equal("{999ba50e-b870-4b5c-84e6-33a0e61cc8d1}", f.provider_context)
    assert.are.equal(8, f.weight)
    assert.are.equal(4, #f.conditions)
    assert.are.same({ field = "FWPM_CONDITION_IP_REMOTE_PORT", match = "FWP_MATCH_RANGE", type = "FWP_RANGE_TYPE",
                      low = { type = "FWP_UINT16", value = "0" }, high = { type = "FWP_UINT16", value = "3" } },
                    f.conditions[4])
  end)
end)
