-- The streaming netsh importer (issue 11): counts against an independent
-- reader, netsh's quirks, errors with file, line and what was expected, and
-- atomicity (a failed import leaves nothing imported).
local lxp = require("lxp")
local ntsec = require("ntsec")
local netsh = require("ntsec.netsh")
local helper = require("spec.helper")

local function read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

local function total_objects(engine)
  local n = 0
  for _, v in pairs(engine:counts()) do n = n + v end
  return n
end

-- Independent count (LuaExpat, not the importer): <item> children of each
-- list the data README's table counts.
local LISTS = {
  ["wfpstate/sessions"] = "sessions", ["wfpstate/providers"] = "providers",
  ["wfpstate/subLayers"] = "sublayers", ["wfpstate/layers/item/callouts"] = "callouts",
  ["wfpstate/layers/item/filters"] = "filters", ["wfpstate/aleConnectedEndpoints"] = "endpoints",
  ["wfpstate/providerContexts"] = "provider_contexts",
}
local function independent_counts(xml)
  local path, counts, closed = {}, {}, false
  local p = lxp.new {
    StartElement = function(_, tag)
      if closed then return end
      local parent = table.concat(path, "/")
      if tag == "item" and LISTS[parent] then counts[LISTS[parent]] = (counts[LISTS[parent]] or 0) + 1 end
      path[#path + 1] = tag
    end,
    EndElement = function()
      path[#path] = nil
      if #path == 0 then closed = true end
    end,
  }
  p:parse(xml) -- stops with "junk after document element" at netsh's <firewallState>
  pcall(p.close, p)
  return counts
end

local README = {
  ["netsh-wfpstate-1.xml"] = { sessions = 14, providers = 12, sublayers = 20, callouts = 82, filters = 200,
                               endpoints = 98, provider_contexts = 354 },
  ["netsh-wfpstate-2.xml"] = { sessions = 13, providers = 14, sublayers = 41, callouts = 89, filters = 665,
                               endpoints = 92, provider_contexts = 357 },
}

describe("netsh importer", function()
  for file, expected in pairs(README) do
    it("imports exactly the README's counts of " .. file .. ", as an independent reader counts them", function()
      local path = helper.data("wfpstate/" .. file)
      local counted = independent_counts(read(path))
      assert.same(expected, counted)
      local engine = ntsec.wfp.engine()
      local summary = assert(netsh.import_file(engine, path))
      for kind, n in pairs(expected) do
        if kind == "provider_contexts" then assert.equal(n, summary.provider_contexts)
        else assert.equal(n, summary.counts[kind], kind) end
      end
      assert.same({}, summary.skipped)
      assert.equal(expected.callouts, #engine:callouts())
      assert.equal(expected.filters, #engine:filters())
    end)
  end

  it("accepts a byte-order mark and ignores what follows </wfpstate>", function()
    local engine = ntsec.wfp.engine()
    local xml = "\239\187\191<?xml version=\"1.0\"?>\n<wfpstate><providers numItems=\"1\"><item>"
      .. "<providerKey>{11111111-2222-3333-4444-555555555555}</providerKey><displayData><name>P</name>"
      .. "</displayData><flags/></item></providers></wfpstate>\n<firewallState><<not xml"
    local summary = assert(netsh.import(engine, xml))
    assert.equal(1, summary.counts.providers)
    assert.equal("P", engine:providers()[1].name)
  end)

  it("lists an object the engine refuses, with its line, and goes on", function()
    local engine = ntsec.wfp.engine()
    local key = "{11111111-2222-3333-4444-555555555555}"
    local summary = assert(netsh.import(engine, ("<wfpstate><providers>\n<item><providerKey>%s</providerKey></item>"
      .. "\n<item><providerKey>%s</providerKey></item>\n<item><providerKey>{2%s</providerKey></item>"
      .. "</providers></wfpstate>"):format(key, key, key:sub(3))))
    assert.equal(2, summary.counts.providers)
    -- a second object with a key in use: FWP_E_ALREADY_EXISTS (wfp_ks_errors.md 5.2)
    assert.same({ { kind = "providers", key = key, line = 3, error = "import_provider: STATUS_FWP_ALREADY_EXISTS" } },
                summary.skipped)
  end)

  it("reads a dump saved as UTF-16 (byte-order mark FF FE), as LuaExpat did", function()
    local xml = "<wfpstate><providers><item><providerKey>{11111111-2222-3333-4444-555555555555}</providerKey>"
      .. "<displayData><name>P\195\169</name></displayData></item></providers></wfpstate>"
    local utf16 = "\255\254" .. xml:gsub("\195\169", "\233"):gsub(".", "%0\0")
    local engine = ntsec.wfp.engine()
    local summary = assert(netsh.import(engine, utf16))
    assert.equal(1, summary.counts.providers)
    assert.equal("P\195\169", engine:providers()[1].name)   -- U+00E9 back in UTF-8
  end)

  it("links references to objects printed later in the dump (providers after filters)", function()
    -- netsh prints <layers> (with callouts and filters) before <providers> and
    -- <subLayers>; a provider in use must still be refused deletion
    -- (STATUS_FWP_IN_USE, wfp_ks_errors.md 5.2 / W32-OM object associations).
    local engine = ntsec.wfp.engine()
    local provider = "{11111111-2222-3333-4444-555555555555}"
    assert(netsh.import(engine, ([[<wfpstate><layers><item><layer><layerKey>FWPM_LAYER_ALE_AUTH_CONNECT_V4</layerKey>
<layerId>48</layerId></layer><callouts/><filters><item><filterKey>{aaaaaaaa-2222-3333-4444-555555555555}</filterKey>
<providerKey>%s</providerKey><layerKey>FWPM_LAYER_ALE_AUTH_CONNECT_V4</layerKey>
<action><type>FWP_ACTION_PERMIT</type><filterType/></action><filterId>7</filterId></item></filters></item></layers>
<providers><item><providerKey>%s</providerKey><flags/></item></providers></wfpstate>]]):format(provider, provider)))
    local kernel = assert(engine:open { kernel_mode = true, token = ntsec.token { user = "SY" } })
    assert.equal(0xC022000A, ntsec.wfp.FwpmProviderDeleteByKey0(kernel, provider))
  end)

  describe("on a broken dump", function()
    local whole = read(helper.data("wfpstate/netsh-wfpstate-2.xml"))
    local function lines_in(s) return select(2, s:gsub("\n", "")) + 1 end

    -- Each case: the text, the line the error must name, what it must say.
    local cut_at = whole:find("<filterKey>", 200000, true) + 5
    local half = whole:sub(1, #whole // 2)
    local cases = {
      truncated = { half, lines_in(half), "the input ends inside <[%w]+> %(expected </[%w]+>%)" },
      ["cut inside a start tag"] = { whole:sub(1, cut_at), lines_in(whole:sub(1, cut_at)),
                                     "unclosed token: the input ends inside <item> %(expected </item>%)" },
      ["not XML"] = { "Windows IP Configuration\n\n   Host Name . . . : x\n", 1,
                      "expected an XML document with root <wfpstate>" },
      ["another root"] = { "<?xml version=\"1.0\"?>\n\n<firewallState/>", 3,
                           "expected <wfpstate> as the root element, found <firewallState>" },
    }
    for name, case in pairs(cases) do
      it("reports " .. name .. " with file and line, and imports nothing", function()
        local engine = ntsec.wfp.engine()
        local summary, err = netsh.import(engine, case[1], { name = "STATE.xml" })
        assert.is_nil(summary)
        assert.matches("^STATE%.xml:" .. case[2] .. ": ", err)
        assert.matches(case[3], err)
        assert.equal(0, total_objects(engine))
      end)
    end

    it("fails cleanly wherever the dump is cut or damaged (20 places, fixed seed)", function()
      local rng = 12345
      local function next_pos(n)                   -- LCG: the same places every run
        rng = (rng * 1103515245 + 12345) % 2147483648
        return 1 + rng % n
      end
      local root_end = whole:find("</wfpstate>", 1, true)
      for i = 1, 20 do
        local at = next_pos(root_end - 1)
        local doc = i % 2 == 0 and whole:sub(1, at) or (whole:sub(1, at) .. "<\1" .. whole:sub(at + 1))
        local engine = ntsec.wfp.engine()
        local summary, err = netsh.import(engine, doc, { name = "S" })
        assert.is_nil(summary, "accepted a damaged dump at byte " .. at)
        assert.matches("^S:%d+: ", err)
        assert.equal(0, total_objects(engine))
      end
    end)

    it("keeps what the engine held before a failed import, and only that", function()
      local engine = ntsec.wfp.engine()
      assert(engine:import_provider { key = "{11111111-2222-3333-4444-555555555555}" })
      local before = engine:counts()
      assert.is_nil(netsh.import(engine, half))
      assert.same(before, engine:counts())
      -- the engine still imports afterwards (the batch ended)
      assert(netsh.import(engine, whole))
      assert.equal(89, #engine:callouts())
    end)

    it("makes bin/ntsec audit exit non-zero with one clean line", function()
      local path = os.tmpname()
      local f = assert(io.open(path, "wb"))
      f:write(half)
      f:close()
      local p = assert(io.popen("bin/ntsec audit " .. path .. " --policy examples/lockdown_callouts.lua 2>&1"))
      local out = p:read("a")
      local ok, _, code = p:close()
      os.remove(path)
      assert.is_falsy(ok)
      assert.equal(2, code)   -- bad input (docs/cli.md exit codes)
      assert.matches("^ntsec: " .. path:gsub("%p", "%%%0") .. ":" .. lines_in(half) .. ": XML error: [^\n]+\n$", out)
    end)
  end)
end)

describe("netsh importer on a malformed number", function()
  it("skips the record with the field named, instead of raising (fuzz/regress/import)", function()
    -- a filter whose weight and effectiveWeight read "/966080001" (found by import_fuzz)
    local xml = assert(io.open("fuzz/regress/import/filter_weight_not_a_number")):read("a")
    local engine = ntsec.wfp.engine()
    local summary = assert(netsh.import(engine, xml, { name = "X" }))
    assert.same({ { kind = "filters", key = "{33333333-1111-1111-1111-111111111111}", line = 4,
                    error = "import_filter: field 'weight' is not a number" } }, summary.skipped)
    assert.equal(0, summary.counts.filters)
  end)
end)

describe("netsh importer on a provider context without <type>", function()
  it("skips the record with the reason, instead of raising (fuzz/regress/import/provider_context_without_type)", function()
    local xml = table.concat({
      "<wfpstate>", "<providerContexts numItems=\"1\">", "<item>",
      "<providerContextKey>{44444444-1111-1111-1111-111111111111}</providerContextKey>",
      "<displayData><name>c</name><description/></displayData>", "<flags/>",
      "<providerContextId>1</providerContextId>", "</item>", "</providerContexts>", "</wfpstate>" }, "\n")
    local engine = ntsec.wfp.engine()
    local summary = assert(netsh.import(engine, xml, { name = "X" }))
    assert.equal(1, #summary.skipped)
    local s = summary.skipped[1]
    assert.same({ "provider_contexts", "{44444444-1111-1111-1111-111111111111}",
                  "import_provider_context: provider context without a type" }, { s.kind, s.key, s.error })
    assert.equal(3, s.line)    -- the <item> line
    assert.equal(0, engine:counts().provider_contexts)
  end)
end)

describe("netsh importer on a filter condition without <conditionValue>", function()
  it("skips the filter with the reason and its line, and imports the rest", function()
    local function filter(key, id, value)
      return table.concat({
        "<item>", "<filterKey>" .. key .. "</filterKey>", "<layerKey>FWPM_LAYER_ALE_AUTH_CONNECT_V4</layerKey>",
        "<action><type>FWP_ACTION_PERMIT</type><filterType/></action>", "<filterId>" .. id .. "</filterId>",
        "<filterCondition numItems=\"1\"><item><fieldKey>FWPM_CONDITION_IP_REMOTE_PORT</fieldKey>",
        "<matchType>FWP_MATCH_EQUAL</matchType>", value, "</item></filterCondition>", "</item>" }, "\n")
    end
    local broken, good = "{aaaaaaaa-2222-3333-4444-000000000001}", "{aaaaaaaa-2222-3333-4444-000000000002}"
    local xml = table.concat({
      "<wfpstate><layers><item><layer><layerKey>FWPM_LAYER_ALE_AUTH_CONNECT_V4</layerKey>",
      "<layerId>48</layerId></layer><callouts/><filters>",
      filter(broken, 7, ""),                                                     -- line 3
      filter(good, 8, "<conditionValue><type>FWP_UINT16</type><uint16>443</uint16></conditionValue>"),
      "</filters></item></layers></wfpstate>" }, "\n")
    local engine = ntsec.wfp.engine()
    local summary = assert(netsh.import(engine, xml, { name = "X" }))
    assert.equal(1, summary.counts.filters)
    assert.equal(1, #summary.skipped)
    local s = summary.skipped[1]
    assert.same({ "filters", broken, "import_filter: condition 1 needs field, match and type", 3 },
                { s.kind, s.key, s.error, s.line })
    local keys = {}
    for _, f in ipairs(engine:filters()) do keys[#keys + 1] = f.key end
    assert.same({ good }, keys)
  end)

  it("still raises for engine:add_filter, where a condition without a type is a programmer error", function()
    local engine = ntsec.wfp.engine()
    local s = assert(engine:open { kernel_mode = true, token = ntsec.token { user = "SY" } })
    assert.has_error(function()
      s:add_filter { layer = "FWPM_LAYER_ALE_AUTH_CONNECT_V4", action = "FWP_ACTION_PERMIT",
                     conditions = { { field = "FWPM_CONDITION_IP_REMOTE_PORT", match = "FWP_MATCH_EQUAL" } } }
    end, "condition needs field, match and type")
  end)
end)

describe("engine:import_batch", function()
  it("removes everything when the function raises, and raises again", function()
    local engine = ntsec.wfp.engine()
    assert.has_error(function()
      engine:import_batch(function()
        assert(engine:import_provider { key = "{11111111-2222-3333-4444-555555555555}" })
        assert(engine:import_session { key = "{21111111-2222-3333-4444-555555555555}", sid = "S-1-5-19" })
        error("stop")
      end)
    end, "stop")
    assert.equal(0, total_objects(engine))
  end)

  it("keeps the objects when the function returns true, removes them on nil, msg", function()
    local engine = ntsec.wfp.engine()
    local function add(key) return function() return engine:import_provider { key = key } end end
    assert.same({ nil, "no" }, { engine:import_batch(function() add("{31111111-2222-3333-4444-555555555555}")()
      return nil, "no" end) })
    assert.equal(0, #engine:providers())
    assert.is_true(engine:import_batch(add("{41111111-2222-3333-4444-555555555555}")))
    assert.equal(1, #engine:providers())
  end)

  it("does not nest", function()
    local engine = ntsec.wfp.engine()
    local inner
    assert(engine:import_batch(function()
      inner = { engine:import_batch(function() return true end) }
      return true
    end))
    assert.is_nil(inner[1])
    assert.equal("STATUS_FWP_TXN_IN_PROGRESS", inner[2].name)
    assert.equal("import_batch: STATUS_FWP_TXN_IN_PROGRESS", inner[2].detail)
  end)
end)

describe("engine:import_xml item views", function()
  it("read paths, children and trees, and refuse use after the handler", function()
    local engine = ntsec.wfp.engine()
    local seen, kept = {}, nil
    assert(engine:import_xml(function() local s = seen.sent; seen.sent = true
      return not s and "<r><a><item><k>x</k><f><item>1</item><item>2</item></f><e/></item></a></r>" or nil end,
      { root = "r", items = { ["a/item"] = "thing" } },
      function(kind, item, line)
        seen.kind, seen.line = kind, line
        seen.k, seen.e, seen.missing = item:text(1, "k"), item:text(1, "e"), item:text(1, "nope")
        local f = item:find(1, "f")
        seen.flags = {}
        for _, c in ipairs(item:children(f, "item")) do seen.flags[#seen.flags + 1] = item:text(c) end
        seen.tree = item:tree()
        kept = item
      end))
    assert.equal("thing", seen.kind)
    assert.equal(1, seen.line)
    assert.equal("x", seen.k)
    assert.equal("", seen.e)
    assert.is_nil(seen.missing)
    assert.same({ "1", "2" }, seen.flags)
    assert.same({ k = "x", f = { "1", "2" }, e = "" }, seen.tree)
    assert.has_error(function() kept:text(1) end, "xml item used after its handler returned")
  end)
end)
