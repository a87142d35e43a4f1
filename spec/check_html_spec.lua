-- spec/check_html_spec.lua: `ntsec check --format html` (issue 13 "A report
-- people would rather look at"; docs/check.md "HTML"): one self-contained
-- page, findings first, each with rule, object, principal, rights and its
-- explain trace one click away, a search box; loaded in headless chromium
-- with and without JavaScript, screenshots under build/. The findings are
-- the planted ones of spec/check_cli_spec.lua (broad_grant_policy.lua on
-- netsh-wfpstate-2.xml: 3) and the dump's own two ALE findings.
local shell = dofile("spec/support/cmd.lua")
local chromium = dofile("spec/support/chromium.lua")

local D1 = "../shared/data/wfpstate/netsh-wfpstate-1.xml"
local D2 = "../shared/data/wfpstate/netsh-wfpstate-2.xml"
local POLICY = "spec/fixtures/check/broad_grant_policy.lua"
local PAGE = "build/check.html"
local FLEET_PAGE = "build/check-fleet.html"

local function read(path)
  local f <close> = assert(io.open(path, "rb"))
  return f:read("a")
end

-- occurrences of a plain string
local function count(s, needle)
  return select(2, s:gsub(needle:gsub("%p", "%%%0"), ""))
end

-- findings not hidden by the search, in a DOM dump
local function visible_findings(dom)
  local n = 0
  for class in dom:gmatch('<div class="([^"]*)" data%-search=""') do
    if class:find("finding", 1, true) and not class:find("hidden", 1, true) then n = n + 1 end
  end
  return n
end

describe("ntsec check --format html", function()
  local page
  setup(function()
    local _, stderr, code = shell.run(("bin/ntsec check %s --rules builtin --policy %s --format html --output %s")
      :format(D2, POLICY, PAGE))
    assert(code == 1, stderr)
    page = read(PAGE)
  end)

  it("is one self-contained page: no external URL, no linked asset", function()
    assert.truthy(page:find("^<!DOCTYPE html>"))
    assert.is_nil(page:find("https?://"))
    assert.is_nil(page:find("<link", 1, true))
    assert.is_nil(page:find("<script src", 1, true))
    assert.is_nil(page:find("<img", 1, true))
  end)

  it("puts the findings first, each with rule, object, principal, rights and the trace in <details>", function()
    local findings_at, rules_at = page:find('<section id="findings">', 1, true), page:find('<section id="rules">', 1, true)
    assert.truthy(findings_at < rules_at)
    assert.equal(5, count(page, '<div class="finding" data-search'))
    assert.equal(5, count(page, '<details class="trace"><summary>Explain trace</summary><pre>'))
    -- the write-rights finding: engine, Users, 0xd0000 by name, ACE #19 and the explain table
    assert.truthy(page:find('<b>wfp-write-rights</b>', 1, true))
    assert.truthy(page:find('<tr><th>principal</th><td>BU (S-1-5-32-545)</td></tr>', 1, true))
    assert.truthy(page:find('0x000d0000</span> DELETE | WRITE_DAC | WRITE_OWNER', 1, true))
    assert.truthy(page:find('#19 (A;;0xf07ff;;;BU)', 1, true))
    assert.truthy(page:find('#19       (A;;0xf07ff;;;BU)', 1, true))        -- the explain trace row
    -- the ALE finding's trace is the classification
    assert.truthy(page:find('classification at FWPM_LAYER_ALE_AUTH_CONNECT_V4: ', 1, true))
    assert.truthy(page:find('<td class="control">FAIL</td><td>1</td>', 1, true))   -- wfp-write-rights
    assert.truthy(page:find('<td class="read">PASS</td><td>0</td>', 1, true))      -- wfp-admin-deny
  end)

  it("loads in headless chromium: the DOM holds every finding and trace", function()
    local dom = chromium.load("file://" .. os.getenv("PWD") .. "/" .. PAGE)
    assert.equal(5, visible_findings(dom))
    assert.equal(5, count(dom, "<summary>Explain trace</summary>"))
    assert.truthy(dom:find('<input id="search" type="search"', 1, true))
    assert.is_nil(dom:match('<input id="search"[^>]*hidden'))           -- the script showed it
  end)

  it("search filters the findings (?q= pre-fills it)", function()
    local dom = chromium.load("file://" .. os.getenv("PWD") .. "/" .. PAGE .. "?q=S-1-5-32-545")
    assert.equal(2, visible_findings(dom))    -- Users: write rights and broad access
  end)

  it("works without JavaScript except search: the findings and traces are there, the search box stays hidden", function()
    local dom = chromium.load("file://" .. os.getenv("PWD") .. "/" .. PAGE .. "?q=S-1-5-32-545", { no_js = true })
    assert.equal(5, visible_findings(dom))
    assert.equal(5, count(dom, "<summary>Explain trace</summary>"))
    assert.truthy(dom:match('<input id="search"[^>]*hidden'))
  end)

  it("many dumps: the summary table first, then each machine; a screenshot of both pages under build/", function()
    local bad = shell.tmpfile("<wfpstate><oops>", ".xml")
    local _, _, code = shell.run(("bin/ntsec check %s %s %s --rules builtin -j 2 --format html --output %s")
      :format(D1, D2, bad, FLEET_PAGE))
    assert.equal(2, code)
    local fleet = read(FLEET_PAGE)
    assert.truthy(fleet:find('<section id="summary">', 1, true) < fleet:find('<section id="m1">', 1, true))
    assert.equal(4, count(fleet, '<div class="finding" data-search'))
    assert.truthy(fleet:find('<td class="control">BAD INPUT</td>', 1, true))
    assert.truthy(fleet:find("3 machines: 0 pass, 2 with findings (4 findings), 1 bad input", 1, true))
    os.remove(bad)
    local dom = chromium.load("file://" .. os.getenv("PWD") .. "/" .. FLEET_PAGE)
    assert.equal(4, visible_findings(dom))
    for _, shot in ipairs({ { PAGE, "build/check.png" }, { FLEET_PAGE, "build/check-fleet.png" } }) do
      os.remove(shot[2])
      chromium.load("file://" .. os.getenv("PWD") .. "/" .. shot[1], { screenshot = shot[2] })
      local png = read(shot[2])
      assert.equal("\137PNG", png:sub(1, 4))
      assert.truthy(#png > 20000)
    end
  end)
end)
