-- wfp_provider_context_spec.lua: provider contexts as engine objects
-- (issue 12; docs/wfp.md "Provider contexts"). FwpmProviderContextAdd0 /
-- GetByKey0 / DeleteByKey0 / Enum / Get+SetSecurityInfoByKey0 as in fwpmu.h,
-- the default descriptor inherited from the provider contexts container as
-- for the other kinds (wfp_ks_errors.md 3.3), filters that reference one
-- (FWPM_FILTER_FLAG_HAS_PROVIDER_CONTEXT, wfp_classify.md 1.3), the dumps'
-- provider contexts imported (counts from an independent LuaExpat reader in
-- this file), unknown filter flags kept by name, and persistence.

local reader = require("spec.support.dump_reader")
local ntsec = require("ntsec")
local netsh = require("ntsec.netsh")
local helper = require("spec.helper")
local rcode = require("spec.support.wfp_result").code
local wfp = ntsec.wfp

local LAYER = "FWPM_LAYER_ALE_AUTH_CONNECT_V4"
local ADMIN = ntsec.token { user = "S-1-5-21-1-2-3-500", groups = { "BA", "WD" } }
local HAS_PROVIDER_CONTEXT = "FWPM_FILTER_FLAG_HAS_PROVIDER_CONTEXT"

-- The independent count (LuaExpat over the raw file, up to </wfpstate>):
-- provider contexts and their types, the keys filters name in
-- providerContextKey, and filters flagged HAS_FILTER_ORIGIN.
local function xml_counts(path)
  local want = { contexts = 0, types = {}, filter_contexts = 0, origin = 0, general_data = {} }
  local CTX = "wfpstate/providerContexts/item"
  local FILTER = "wfpstate/layers/item/filters/item"
  local key
  reader.read(path, function(p, s)
    if p == CTX then want.contexts = want.contexts + 1
    elseif p == CTX .. "/providerContextKey" then key = s
    elseif p == CTX .. "/type" then want.types[s] = (want.types[s] or 0) + 1
    elseif p == CTX .. "/dataBuffer/data" then want.general_data[key] = s
    elseif p == FILTER .. "/providerContextKey" then want.filter_contexts = want.filter_contexts + 1
    elseif p == FILTER .. "/flags/item" and s == "FWPM_FILTER_FLAG_HAS_FILTER_ORIGIN" then
      want.origin = want.origin + 1
    end
  end)
  return want
end

describe("provider contexts imported from the dumps", function()
  for _, name in ipairs { "netsh-wfpstate-1.xml", "netsh-wfpstate-2.xml" } do
    it(name .. ": every provider context, its type and data; filters linked; unknown flags kept", function()
      local path = helper.data("wfpstate/" .. name)
      local want = xml_counts(path)
      local e = wfp.engine()
      local summary = assert(netsh.import_file(e, path))
      assert.are.equal(want.contexts, summary.provider_contexts)
      assert.are.equal(want.contexts, e:counts().provider_contexts)
      local types, by_key = {}, {}
      for _, c in ipairs(e:provider_contexts()) do
        types[c.type] = (types[c.type] or 0) + 1
        by_key[c.key] = c
        if c.type == "FWPM_GENERAL_CONTEXT" then
          assert.are.equal(want.general_data[c.key_name or c.key], c.data)
        else
          assert.is_string(c.data_text)
        end
      end
      assert.are.same(want.types, types)
      local linked, origin = 0, 0
      for _, f in ipairs(e:filters()) do
        if f.provider_context then
          linked = linked + 1
          assert.is_table(by_key[f.provider_context], "a filter names a context the dump lacks")
        end
        for _, u in ipairs(f.unknown_flags or {}) do
          if u == "FWPM_FILTER_FLAG_HAS_FILTER_ORIGIN" then origin = origin + 1 end
        end
      end
      assert.are.equal(want.filter_contexts, linked)
      assert.are.equal(want.origin, origin)
      assert.is_true(want.origin > 0)
      e:close()
    end)
  end

  it("netsh-wfpstate-2.xml: a context named by filters cannot be deleted (FWP_E_IN_USE)", function()
    -- filter 68129 names {999ba50e-b870-4b5c-84e6-33a0e61cc8d1} (read by hand)
    local e = wfp.engine()
    assert(netsh.import_file(e, helper.data("wfpstate/netsh-wfpstate-2.xml")))
    local k = assert(e:open { kernel_mode = true })
    local _, err = k:delete_provider_context("{999ba50e-b870-4b5c-84e6-33a0e61cc8d1}")
    assert.are.equal("STATUS_FWP_IN_USE", err.name)
    e:close()
  end)
end)

describe("FwpmProviderContext*0", function()
  local e, s
  before_each(function()
    e = wfp.engine { clock = "virtual" }
    s = assert(e:open { token = ADMIN })
  end)
  after_each(function() e:close() end)

  it("adds, gets, enumerates and deletes a general context with its data", function()
    local p = assert(s:add_provider { name = "p" })
    local key, id = assert(s:add_provider_context { name = "ctx", description = "d", provider = p,
                                                      type = "FWPM_GENERAL_CONTEXT", data = "\1\2\255" })
    -- the first id is 2^63, as the dumps' first providerContextId
    -- (9223372036854775808) shows; Lua sees the same 64 bits
    assert.are.equal(math.mininteger, id)
    local c = assert(s:get_provider_context(key))
    assert.are.same({ "ctx", "d", p, "FWPM_GENERAL_CONTEXT", "0102ff", "static" },
                    { c.name, c.description, c.provider, c.type, c.data, c.lifetime })
    local code, got = wfp.FwpmProviderContextGetById0(s, id)
    assert.are.equal(0, code)
    assert.are.equal(key, got.key)
    local n = 0
    for x in s:enum_provider_contexts() do n = n + 1; assert.are.equal(key, x.key) end
    assert.are.equal(1, n)
    assert(s:delete_provider_context(key))
    assert.are.equal(0x80320006, rcode(s:get_provider_context(key)))   -- FWP_E_PROVIDER_CONTEXT_NOT_FOUND
  end)

  it("refuses a type out of FWPM_PROVIDER_CONTEXT_TYPE and unknown flags", function()
    assert.are.equal(0x8032001D, rcode(s:add_provider_context { name = "x", type = 13 }))   -- INVALID_ENUMERATOR
    assert.are.equal(0x8032001E, wfp.FwpmProviderContextAdd0(s, { name = "x", flags = 0x4 }))   -- INVALID_FLAGS
  end)

  it("inherits its descriptor from the provider contexts container (owner: the session's user)", function()
    local key = assert(s:add_provider_context { name = "ctx" })
    local code, sd = wfp.FwpmProviderContextGetSecurityInfoByKey0(s, key, 0x7)
    assert.are.equal(0, code)
    local _, container = wfp.FwpmProviderContextGetSecurityInfoByKey0(s, nil, 0x7)
    assert.matches("^O:S%-1%-5%-21%-1%-2%-3%-500G:BAD:AI", sd:sddl())
    -- every inheritable ACE of the container comes down as an inherited one
    local _, callout_container = wfp.FwpmCalloutGetSecurityInfoByKey0(s, nil, 0x7)
    assert.are.equal(callout_container:sddl(), container:sddl())
    -- and a DACL set by key sticks
    assert.are.equal(0, wfp.FwpmProviderContextSetSecurityInfoByKey0(s, key, 0x4, nil, nil,
      assert(ntsec.sd("D:(D;;SD;;;WD)(A;;GA;;;BA)")).dacl, nil))
    assert.are.equal(5, rcode(s:delete_provider_context(key)))   -- ERROR_ACCESS_DENIED
  end)

  it("a filter references one through HAS_PROVIDER_CONTEXT; a missing one is not found", function()
    local ctx = assert(s:add_provider_context { name = "ctx" })
    local f = assert(s:add_filter { name = "f", layer = LAYER, action = "FWP_ACTION_BLOCK",
                                    flags = HAS_PROVIDER_CONTEXT, providerContextKey = ctx })
    assert.are.equal(ctx, s:get_filter(f).provider_context)
    assert.are.equal(0x8032000A, rcode(s:delete_provider_context(ctx)))   -- FWP_E_IN_USE
    assert(s:delete_filter(f))
    assert(s:delete_provider_context(ctx))
    assert.are.equal(0x80320006, rcode(s:add_filter { name = "f", layer = LAYER, action = "FWP_ACTION_BLOCK",
                                                      flags = HAS_PROVIDER_CONTEXT, provider_context = ctx }))
    assert.are.equal(0x80320006, rcode(s:add_filter { name = "f", layer = LAYER, action = "FWP_ACTION_BLOCK",
                                                      flags = HAS_PROVIDER_CONTEXT }))
    -- security realm contexts are not modelled
    assert.are.equal(50, rcode(s:add_filter { name = "f", layer = LAYER, action = "FWP_ACTION_BLOCK",
      flags = "FWPM_FILTER_FLAG_HAS_SECURITY_REALM_PROVIDER_CONTEXT" }))
  end)
end)

describe("provider contexts in the store", function()
  it("a persistent context and the persistent filter naming it come back after a restart", function()
    local path = os.tmpname()
    os.remove(path)
    local e = assert(wfp.engine { path = path, clock = "virtual" })
    local s = assert(e:open { token = ADMIN })
    local ctx, id = assert(s:add_provider_context { name = "ctx", type = "FWPM_GENERAL_CONTEXT", data = "abc",
                                                      flags = "FWPM_PROVIDER_CONTEXT_FLAG_PERSISTENT" })
    local f = assert(s:add_filter { name = "f", layer = LAYER, action = "FWP_ACTION_BLOCK",
                                    flags = { "FWPM_FILTER_FLAG_PERSISTENT", HAS_PROVIDER_CONTEXT },
                                    provider_context = ctx })
    e:close()
    local e2 = assert(wfp.engine { path = path, clock = "virtual" })
    local s2 = assert(e2:open { token = ADMIN })
    local c = assert(s2:get_provider_context(ctx))
    assert.are.same({ id, "persistent", "FWPM_GENERAL_CONTEXT", "616263" }, { c.id, c.lifetime, c.type, c.data })
    assert.are.equal(ctx, assert(s2:get_filter(f)).provider_context)
    assert.are.equal(0x8032000A, rcode(s2:delete_provider_context(ctx)))   -- the link came back too
    local _, id2 = assert(s2:add_provider_context { name = "next" })
    assert.is_true(math.ult(id, id2))                                        -- ids keep counting
    e2:close()
    for _, x in ipairs { "", "-wal", "-shm" } do os.remove(path .. x) end
  end)

  it("imported contexts with their XML text and filters with unknown flags and contexts survive a restart", function()
    local path = os.tmpname()
    os.remove(path)
    local e = assert(wfp.engine { path = path, clock = "virtual", sync = "normal" })
    -- netsh-wfpstate-2.xml: 4 persistent or built-in contexts (2 built-in by
    -- name, 2 flagged PERSISTENT) and 30 persistent filters flagged
    -- HAS_FILTER_ORIGIN that name a context
    assert(netsh.import_file(e, helper.data("wfpstate/netsh-wfpstate-2.xml")))
    local before, flagged = {}, {}
    for _, c in ipairs(e:provider_contexts()) do
      if c.lifetime == "persistent" or c.lifetime == "builtin" then before[c.key] = c end
    end
    for _, f in ipairs(e:filters()) do
      if f.unknown_flags and (f.lifetime == "persistent" or f.lifetime == "builtin") then flagged[f.key] = f end
    end
    e:close()
    local n_flagged = 0
    for _ in pairs(flagged) do n_flagged = n_flagged + 1 end
    assert.are.equal(30, n_flagged)
    local e2 = assert(wfp.engine { path = path, clock = "virtual" })
    local n = 0
    for _, c in ipairs(e2:provider_contexts()) do
      if before[c.key] then
        n = n + 1
        assert.are.same(before[c.key], c)
      end
    end
    assert.are.equal(4, n)
    local back = 0
    for _, f in ipairs(e2:filters()) do
      if flagged[f.key] then
        back = back + 1
        assert.are.same({ flagged[f.key].unknown_flags, flagged[f.key].provider_context },
                        { f.unknown_flags, f.provider_context })
      end
    end
    assert.are.equal(30, back)
    e2:close()
    for _, x in ipairs { "", "-wal", "-shm" } do os.remove(path .. x) end
  end)
end)
