-- ntsec.diff and `ntsec diff` (docs/diff.md). Expectations are derived by
-- hand: the edits the tests make to a copy of netsh-wfpstate-2.xml, and the
-- masks from the descriptors' SDDL (FWPM_ACTRL_OPEN 0x40 | CLASSIFY 0x10 =
-- 0x50 from (A;ID;RPDT;;;WD); Administrators 0xf07ff). Default principals are
-- the audit's: the profiles of ntsec.principals (docs/principals.md gives
-- each token's SIDs) and the session SIDs no profile stands for.
local diff = require("ntsec.diff")
local ntsec = require("ntsec")
local json = require("dkjson")
local helper = require("spec.helper")

local DUMP = helper.data("wfpstate/netsh-wfpstate-2.xml")
-- A callout no filter of the dump references (so removing it removes
-- nothing else), and a filter whose weight is an FWP_UINT64.
local CALLOUT = "{c3dbed20-0bb6-4bf3-828d-96732e1e011d}"
local FILTER = "{9570dc19-80ff-11f1-a533-8284cb8743e6}"
local SESSION_SIDS = { "S-1-5-19", "S-1-5-20", "S-1-5-21-532203913-890497175-2785894647-1001" }

local function read(path)
  local f <close> = assert(io.open(path, "rb"))
  return f:read("a")
end

local function write_temp(text)
  local path = os.tmpname()
  local f = assert(io.open(path, "wb"))
  f:write(text)
  f:close()
  return path
end

-- The <item> element holding `needle`, removed (items nest: flags lists).
local function remove_item(text, needle)
  local at = assert(text:find(needle, 1, true), needle)
  local start = 1
  for s in text:sub(1, at):gmatch("()<item>") do start = s end
  local depth, pos = 0, start
  repeat
    local open_at = text:find("<item>", pos, true)
    local close_at = text:find("</item>", pos, true)
    if open_at and open_at < close_at then depth, pos = depth + 1, open_at + 6
    else depth, pos = depth - 1, close_at + 7 end
  until depth == 0
  return text:sub(1, start - 1) .. text:sub(pos)
end

local function edited_copy()
  local text = remove_item(read(DUMP), "<calloutKey>" .. CALLOUT .. "</calloutKey>")
  local n
  text, n = text:gsub("(<filterKey>" .. FILTER:gsub("%-", "%%-") .. "</filterKey>.-<uint64>)1966080001(</uint64>)",
    "%11966080002%2", 1)
  assert(n == 1)
  return write_temp(text)
end

local function run_cli(...)
  local out = os.tmpname()
  local args = {}
  for i, a in ipairs({ ... }) do args[i] = "'" .. a .. "'" end
  local ok, _, code = os.execute("bin/ntsec " .. table.concat(args, " ") .. " >" .. out .. " 2>" .. out .. ".err")
  local stdout, stderr = read(out), read(out .. ".err")
  os.remove(out)
  os.remove(out .. ".err")
  return ok and 0 or code, stdout, stderr
end

describe("ntsec.diff", function()
  it("reports nothing for a dump against itself", function()
    local r = assert(diff.files(DUMP, DUMP))
    assert.is_true(r.identical)
    assert.same({}, r.added)
    assert.same({}, r.removed)
    assert.same({}, r.changed)
    assert.same({}, r.access)
  end)

  it("uses the audit's principals by default: the profiles, then the session SIDs no profile stands for", function()
    local r = assert(diff.files(DUMP, DUMP))
    -- S-1-5-19 and S-1-5-20 are the LocalService and NetworkService profiles.
    local want = { "SYSTEM", "LocalService", "NetworkService", "service:BFE", "admin-elevated", "admin-filtered",
                   "user", "everyone", "appcontainer", SESSION_SIDS[3] }
    assert.same(want, r.principals)
    -- the same list as the audit's default (ntsec.principals.defaults)
    assert.same(require("ntsec.principals").defaults(SESSION_SIDS), r.principals)
  end)

  it("the issue's case: one callout removed, one filter weight and one container DACL changed, with access", function()
    local copy = edited_copy()
    local a, da = assert(diff.import_file(DUMP))
    local b, db = assert(diff.import_file(copy))
    os.remove(copy)
    local session = assert(b:open { kernel_mode = true, token = ntsec.token { user = "SY", groups = { "BA" } } })
    assert(session:connections():set_security { dacl = "(D;;0x10;;;WD)(A;;0xf07ff;;;BA)" })
    session:close()
    local r = diff.compare(diff.snapshot(a, da), diff.snapshot(b, db))
    assert.same({ { kind = "callout", key = CALLOUT, name = "Windows Firewall: callout" } }, r.removed)
    assert.same({}, r.added)
    assert.equal(2, #r.changed)
    assert.same({ FILTER, "connections container" }, { r.changed[1].key, r.changed[2].key })
    -- Hand-computed per profile. The removed callout's descriptor grants BA
    -- 0xf07ff, NO and six service SIDs (none of them the BFE service SID or a
    -- SID of a profile) and WD RPDT (0x50): SYSTEM and the elevated admin (BA
    -- enabled) 0xf07ff; the filtered admin (BA deny-only), LocalService,
    -- NetworkService, service:BFE, user, everyone and the session user
    -- (token_for_sid: WD, AU, BU) 0x50; the AppContainer 0 (pass 2 finds
    -- neither its package SID, internetClient nor ALL APPLICATION PACKAGES).
    -- The connections container gains (D;;RP;;;WD) first: every token with WD
    -- loses CLASSIFY 0x10; the AppContainer had 0 and keeps it (not listed).
    local removed = { SYSTEM = 0xf07ff, LocalService = 0x50, NetworkService = 0x50, ["service:BFE"] = 0x50,
      ["admin-elevated"] = 0xf07ff, ["admin-filtered"] = 0x50, user = 0x50, everyone = 0x50, appcontainer = 0,
      [SESSION_SIDS[3]] = 0x50 }
    local container = { SYSTEM = { 0xf07ff, 0xf07ef }, LocalService = { 0x50, 0x40 }, NetworkService = { 0x50, 0x40 },
      ["service:BFE"] = { 0x50, 0x40 }, ["admin-elevated"] = { 0xf07ff, 0xf07ef }, ["admin-filtered"] = { 0x50, 0x40 },
      user = { 0x50, 0x40 }, everyone = { 0x50, 0x40 }, [SESSION_SIDS[3]] = { 0x50, 0x40 } }
    local got_removed, got_container = {}, {}
    for _, x in ipairs(r.access) do
      if x.key == CALLOUT then
        assert.is_nil(x.after)
        got_removed[x.principal] = x.before
      else
        assert.equal("connections container", x.key)
        got_container[x.principal] = { x.before, x.after }
      end
    end
    assert.same(removed, got_removed)
    assert.same(container, got_container)
    assert.equal(19, #r.access)
  end)

  it("reports exactly one removed callout and one changed filter weight", function()
    local copy = edited_copy()
    local r = assert(diff.files(DUMP, copy, { principals = { "SY", "BA", "BU", "WD", "S-1-5-20" } }))
    os.remove(copy)
    assert.is_false(r.identical)
    assert.same({}, r.added)
    assert.same({ { kind = "callout", key = CALLOUT, name = "Windows Firewall: callout" } }, r.removed)
    assert.same({ { kind = "filter", key = FILTER, name = "WinDivert2.2_FilterInboundNetworkIPv4",
      fields = { { field = "weight.uint64", before = "1966080001", after = "1966080002" } } } }, r.changed)
    -- The removed callout's access disappears; the weight changes no access.
    -- "SY" is the SYSTEM profile (docs/principals.md), a member of BA: BA's
    -- FWPM_GENERIC_ALL; the others get the default descriptor's 0x50.
    local want = { SY = 0xf07ff, BA = 0xf07ff, BU = 0x50, WD = 0x50, ["S-1-5-20"] = 0x50 }
    assert.equal(5, #r.access)
    for _, a in ipairs(r.access) do
      assert.equal(CALLOUT, a.key)
      assert.equal(want[a.principal], a.before, a.principal)
      assert.is_nil(a.after)
    end
  end)

  it("reports a changed filter condition by its path in the dump", function()
    -- Boot Time Filter: one condition, FWPM_CONDITION_FLAGS FLAGS_NONE_SET 786432.
    local text, n = read(DUMP):gsub("(<filterKey>{935b7f48%-0ede%-44dd%-9bc2%-e00bb635cda3}</filterKey>.-<uint32>)786432",
      "%1786433", 1)
    assert(n == 1)
    local copy = write_temp(text)
    local r = assert(diff.files(DUMP, copy))
    os.remove(copy)
    assert.same({ { kind = "filter", key = "{935b7f48-0ede-44dd-9bc2-e00bb635cda3}", name = "Boot Time Filter",
      fields = { { field = "filterCondition[1].conditionValue.uint32", before = "786432", after = "786433" } } } },
      r.changed)
    assert.same({}, r.added)
    assert.same({}, r.removed)
    assert.same({}, r.access)
  end)

  it("diffs two engines: a container DACL set through the API and its access changes", function()
    local a, b = ntsec.wfp.engine(), ntsec.wfp.engine()
    local session = assert(b:open { kernel_mode = true, token = ntsec.token { user = "SY", groups = { "BA" } } })
    -- A policy-like step: deny CLASSIFY (0x10) to Everyone on the connections container.
    assert(session:connections():set_security { dacl = "(D;;0x10;;;WD)(A;;0xf07ff;;;BA)" })
    session:close()
    local r = diff.engines(a, b, { principals = { "SY", "BA", "BU", "WD" } })
    assert.is_false(r.identical)
    assert.same({}, r.added)
    assert.same({}, r.removed)
    assert.equal(1, #r.changed)
    local c = r.changed[1]
    assert.equal("container", c.kind)
    assert.equal("connections container", c.key)
    assert.same({}, c.fields)
    assert.is_nil(c.descriptor.before:find("(D;;", 1, true))
    -- SDDL spells 0x10 "RP" (ADS_RIGHT_DS_READ_PROP, MS-DTYP 2.5.1.1).
    assert.truthy(c.descriptor.after:find("^O:BAG:LSD:AI%(D;;RP;;;WD%)%(A;;0xf07ff;;;BA%)"))
    -- Deny CLASSIFY comes first: every token (all carry WD) loses 0x10. "SY" is
    -- the SYSTEM profile, a member of BA (docs/principals.md): BA's masks.
    local want = { SY = { 0xf07ff, 0xf07ef }, BA = { 0xf07ff, 0xf07ef }, BU = { 0x50, 0x40 }, WD = { 0x50, 0x40 } }
    assert.equal(4, #r.access)
    for _, x in ipairs(r.access) do
      assert.equal("connections container", x.key)
      assert.same(want[x.principal], { x.before, x.after }, x.principal)
    end
  end)

  it("shows every callout a container change rewrites by inheritance", function()
    local a = assert(diff.import_file(DUMP))
    local b = assert(diff.import_file(DUMP))
    local session = assert(b:open { kernel_mode = true, token = ntsec.token { user = "SY", groups = { "BA" } } })
    -- Users get FWPM_ACTRL_READ (0x80), inheritable: every callout of the
    -- dump (89, all with the container's inherited default) follows.
    assert(session:callouts_container():set_security { dacl = "(A;OICI;0x80;;;BU)" })
    session:close()
    local r = diff.engines(a, b, { principals = { "SY", "BA", "BU", "WD" } })
    local kinds = {}
    for _, c in ipairs(r.changed) do kinds[c.kind] = (kinds[c.kind] or 0) + 1 end
    assert.same({ container = 1, callout = 89 }, kinds)
    assert.equal(90, #r.access)
    for _, x in ipairs(r.access) do
      assert.same({ "BU", 0x50, 0xd0 }, { x.principal, x.before, x.after })
    end
  end)

  it("refuses unknown options", function()
    local e = ntsec.wfp.engine()
    assert.has_error(function() diff.engines(e, e, { principal = { "SY" } }) end,
      "diff.engines: unknown option 'principal'")
  end)

  it("reports an unreadable dump as an error naming it", function()
    local bad = write_temp("<wfpstate><sessions>")
    local r, err = diff.files(DUMP, bad)
    os.remove(bad)
    assert.is_nil(r)
    assert.truthy(tostring(err):find(bad, 1, true))
  end)
end)

describe("ntsec diff (CLI)", function()
  it("exits 0 and says so for identical dumps", function()
    local code, out = run_cli("diff", DUMP, DUMP)
    assert.equal(0, code)
    assert.truthy(out:find("No differences.", 1, true))
  end)

  it("exits 1 and lists the differences as text and JSON", function()
    local copy = edited_copy()
    local code, out = run_cli("diff", DUMP, copy)
    assert.equal(1, code)
    assert.truthy(out:find("Objects added: 0, removed: 1, changed: 1", 1, true))
    assert.truthy(out:find("removed callout " .. CALLOUT, 1, true))
    assert.truthy(out:find("weight.uint64: 1966080001 -> 1966080002", 1, true))
    local jcode, jout = run_cli("diff", DUMP, copy, "--format", "json")
    os.remove(copy)
    assert.equal(1, jcode)
    local doc = assert(json.decode(jout))
    assert.is_false(doc.identical)
    assert.equal(CALLOUT, doc.removed[1].key)
    assert.equal(FILTER, doc.changed[1].key)
  end)

  it("exits 2 with one line for a missing or malformed dump", function()
    local code, out, err = run_cli("diff", DUMP, "/nonexistent/b.xml")
    assert.equal(2, code)
    assert.equal("", out)
    assert.truthy(err:match("^ntsec: /nonexistent/b.xml: [^\n]*\n$"))
    local bad = write_temp("<wfpstate><sessions>")
    code, out, err = run_cli("diff", bad, DUMP)
    os.remove(bad)
    assert.equal(2, code)
    assert.equal("", out)
    assert.truthy(err:match("^ntsec: [^\n]*\n$"))
  end)
end)
