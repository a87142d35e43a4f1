-- ntsec.html: the self-contained HTML report, unit-tested and loaded in a
-- real browser (Debian's chromium, headless; .ci/install). Expectations are
-- hand-derived: FWPM_ACTRL_CLASSIFY = 0x10, FWPM_ACTRL_OPEN = 0x40
-- (fwpmu.h), WRITE_DAC = 0x40000, READ_CONTROL = 0x20000 ([MS-DTYP] 2.4.3);
-- the lockdown example gives BA FWPM_GENERIC_ALL (0xf07ff) on the callouts
-- container; netsh-wfpstate-2.xml holds 89 callouts (shared/data/README.md),
-- and the audit reports them and three containers.
local html = require("ntsec.html")
local helper = require("spec.helper")

local DUMP = helper.data("wfpstate/netsh-wfpstate-2.xml")
local POLICY = "examples/lockdown_callouts.lua"

local function read(path)
  local f <close> = assert(io.open(path, "rb"))
  return f:read("a")
end

local function sh(cmd)
  local ok, _, code = os.execute(cmd)
  return ok and 0 or code
end

-- Headless chromium on the page (file URL plus query): chromium.load(url,
-- { no_js =, screenshot = }) -> the DOM after the page's scripts ran.
local chromium = dofile("spec/support/chromium.lua")

local function count(s, pattern)
  local n = 0
  for _ in s:gmatch(pattern) do n = n + 1 end
  return n
end

describe("ntsec.html", function()
  it("escapes every markup character", function()
    assert.equal("&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;", html.escape("<a href=\"x\">&'</a>"))
  end)

  it("names rights: FWPM_ACTRL_* first, then standard rights, unnamed bits in hex", function()
    assert.equal("0x50: FWPM_ACTRL_CLASSIFY | FWPM_ACTRL_OPEN", html.rights_text(0x50))
    assert.equal("0x60000: READ_CONTROL | WRITE_DAC", html.rights_text(0x60000))
    assert.equal("0x8000040: FWPM_ACTRL_OPEN | 0x8000000", html.rights_text(0x8000040))
    assert.equal("0x0: no access", html.rights_text(0))
  end)

  it("colours by the strongest right", function()
    assert.equal("control", html.level(0x60000))
    assert.equal("write", html.level(0x401))
    assert.equal("read", html.level(0x50))
    assert.equal("none", html.level(0))
    assert.equal("absent", html.level(nil))
  end)

  it("shows a finding of ntsec.check's shape part by part", function()
    local page = html.findings({ { rule = "wfp-everyone-write", message = "Everyone may add",
      object = { kind = "callout", key = "{k}", name = "N" }, principal = { sid = "S-1-1-0", alias = "WD" },
      rights = { mask = 0x41 }, aces = { { sddl = "(A;;0x41;;;WD)", index = 2 } } } }, { title = "t" })
    assert.truthy(page:find("<b>wfp-everyone-write</b> &middot; Everyone may add &middot; object: callout {k} N"
      .. " &middot; principal: WD &middot; rights: <span title=\"0x41: FWPM_ACTRL_ADD | FWPM_ACTRL_OPEN\">0x41</span>", 1, true))
    assert.truthy(page:find("<pre>#2 (A;;0x41;;;WD)</pre>", 1, true))
  end)

  it("shows a failed descriptor read as the failure, never as a mask", function()
    local page = html.audit({ imported = {}, calls = {}, principals = { "SY" },
      access = { { principal = "SY", object = "callouts container",
                   failed = { status = 0xC0000022, status_name = "STATUS_ACCESS_DENIED" } } } })
    assert.truthy(page:find("<td class=\"m failed\" title=\"descriptor read failed: STATUS_ACCESS_DENIED\">read failed</td>",
      1, true))
  end)

  it("escapes input text in the page and puts findings first", function()
    local page = html.audit({
      imported = {}, calls = {}, principals = { "<b>P</b>" },
      access = { { principal = "<b>P</b>", object = "callout {x}<script>alert(1)</script>", granted = 0x50 } },
      findings = { { rule = "planted", message = "a <finding>" } },
    }, { state = "s&.xml", policy = "p.lua" })
    assert.is_nil(page:find("<script>alert", 1, true))
    assert.is_nil(page:find("<b>P</b>", 1, true))
    assert.truthy(page:find("&lt;script&gt;alert(1)&lt;/script&gt;", 1, true))
    assert.truthy(page:find("a &lt;finding&gt;", 1, true))
    assert.truthy(page:find("s&amp;.xml", 1, true))
    assert.truthy(page:find("id=\"findings\"", 1, true) < page:find("id=\"access\"", 1, true))
  end)
end)

describe("the HTML report in headless chromium", function()
  local report = "build/report.html"
  local url = "file://" .. os.getenv("PWD") .. "/" .. report

  setup(function()
    assert(sh("mkdir -p build") == 0)
    assert.equal(0, sh(("bin/ntsec audit %s --policy %s --format html > %s"):format(DUMP, POLICY, report)))
  end)

  it("is self-contained: no network address, no external asset", function()
    local page = read(report)
    assert.is_nil(page:find("https?://"))
    assert.is_nil(page:find("<link", 1, true))
    assert.is_nil(page:find(" src=", 1, true))
  end)

  it("renders the grid, named rights on hover and the explain traces", function()
    local dom = chromium.load(url)
    assert.equal(92, count(dom, "<tr data%-search=\"\">"))
    -- The callouts container row: SYSTEM and admin-elevated (both in BA) hold
    -- FWPM_GENERIC_ALL after the lockdown (docs/principals.md).
    local row = assert(dom:match("<tr data%-search=\"\"><td><a href=\"#sd%-%d+\">callouts container</a>.-</tr>"))
    assert.truthy(row:find("title=\"0xf07ff: FWPM_ACTRL_ADD | [^\"]*WRITE_DAC | WRITE_OWNER\"", 1))
    -- its provenance badge: set by the policy's call #7 (the container is set last)
    assert.truthy(row:find(">policy #7</span>", 1, true))
    assert.truthy(dom:find("<summary>Why admin-elevated gets what it gets</summary><pre>ntsec.explain:", 1, true))
    -- a callout re-inherited after call #7: SYSTEM's cell shows before -> after
    -- (0xf07ff -> 0x60000, the owner's READ_CONTROL | WRITE_DAC), and the
    -- changed section holds 1 container + 6 NDU callouts + 89 - 6 = 83
    -- propagated callouts = 90 objects
    local changed_row = assert(dom:match("<tr data%-search=\"\"><td><a href=\"#sd%-%d+\">callout [^<]*</a>.-propagated #7.-</tr>"))
    assert.truthy(changed_row:find("0xf07ff&nbsp;\226\134\146&nbsp;0x60000", 1, true))   -- "&nbsp;→&nbsp;"
    assert.truthy(dom:find("<section id=\"changed\"><h2>Changed by the policy (90 objects)</h2>", 1, true))
    -- JavaScript ran: the search box is shown.
    assert.truthy(dom:find("<input id=\"search\" type=\"search\" placeholder=\"[^\"]*\">"))
  end)

  it("filters rows with the search box (?q= pre-fills it)", function()
    local dom = chromium.load(url .. "?q=WinDivert2.2_CalloutInboundNetworkIPv4")
    assert.equal(1, count(dom, "<tr data%-search=\"\">"))
    assert.equal(91, count(dom, "<tr data%-search=\"\" class=\"hidden\">"))
  end)

  it("keeps the grid and details with JavaScript disabled (search stays hidden)", function()
    local dom = chromium.load(url .. "?q=WinDivert2.2_CalloutInboundNetworkIPv4", { no_js = true })
    assert.equal(92, count(dom, "<tr data%-search=\"\">"))
    assert.truthy(dom:find("<details id=\"sd-1\" data-search=\"\">", 1, true))
    assert.truthy(dom:find("<input id=\"search\" type=\"search\" placeholder=\"[^\"]*\" hidden=\"\">"))
  end)

  it("saves screenshots under build/ (with and without JavaScript)", function()
    for _, shot in ipairs({ { "build/report.png", false }, { "build/report-nojs.png", true } }) do
      os.remove(shot[1])
      chromium.load(url, { screenshot = shot[1], no_js = shot[2] })
      assert.equal("\137PNG\r\n\26\n", read(shot[1]):sub(1, 8))
    end
  end)

  it("renders a diff: the removed callout and the access it took", function()
    local copy = os.tmpname()
    local text = read(DUMP):gsub("(<filterKey>{9570dc19%-80ff%-11f1%-a533%-8284cb8743e6}</filterKey>.-<uint64>)1966080001",
      "%11966080002", 1)
    local f = assert(io.open(copy, "wb"))
    f:write(text)
    f:close()
    assert.equal(1, sh(("bin/ntsec diff %s %s --format html > build/diff.html"):format(DUMP, copy)))
    os.remove(copy)
    local dom = chromium.load("file://" .. os.getenv("PWD") .. "/build/diff.html")
    assert.truthy(dom:find("<td>weight.uint64</td><td class=\"sddl\">1966080001</td><td class=\"sddl\">1966080002</td>",
      1, true))
    assert.truthy(dom:find("<b>1</b> changed", 1, true))
  end)
end)
