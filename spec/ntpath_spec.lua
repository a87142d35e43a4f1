-- ntpath_spec.lua: DOS -> NT paths for the app of a classification
-- (lua/ntsec/ntpath.lua; wfp_classify.md 2.3: ALE_APP_ID is the lower-cased
-- NT path; docs/classify.md "App paths"). Expected paths written by hand.

local ntpath = require("ntsec.ntpath")
local ntsec = require("ntsec")
local netsh = require("ntsec.netsh")
local helper = require("spec.helper")
local shell = require("spec.support.cmd")

describe("ntsec.ntpath", function()
  it("maps C: through the default map to harddiskvolume3, lower-cased", function()
    assert.are.equal("\\device\\harddiskvolume3\\windows\\system32\\svchost.exe",
                     ntpath.to_nt("C:\\Windows\\System32\\svchost.exe"))
    assert.are.equal("\\device\\harddiskvolume3\\program files\\app.exe", ntpath.to_nt("c:/Program Files/App.exe"))
    assert.are.equal("\\device\\harddiskvolume3\\x\\é.exe", ntpath.to_nt("\\\\?\\C:\\X\\É.exe"))
  end)

  it("takes the caller's map (letters as C, c or C:)", function()
    local map = { ["D:"] = "\\Device\\HarddiskVolume4\\", c = "\\device\\harddiskvolume6" }
    assert.are.equal("\\device\\harddiskvolume4\\clash verge\\verge-mihomo.exe",
                     ntpath.to_nt("D:\\Clash Verge\\verge-mihomo.exe", map))
    assert.are.equal("\\device\\harddiskvolume6\\windows\\explorer.exe", ntpath.to_nt("C:\\Windows\\explorer.exe", map))
  end)

  it("keeps NT paths and System, maps UNC paths to the MUP device", function()
    assert.are.equal("\\device\\harddiskvolume1\\a.exe", ntpath.to_nt("\\Device\\HarddiskVolume1\\A.exe"))
    assert.are.equal("System", ntpath.to_nt("System"))
    assert.are.equal("\\device\\mup\\server\\share\\tool.exe", ntpath.to_nt("\\\\Server\\Share\\Tool.exe"))
    assert.is_true(ntpath.is_nt("\\device\\x"))
    assert.is_false(ntpath.is_nt("C:\\x"))
  end)

  it("gives nil, err for a relative path or an unmapped drive; raises for programmer errors", function()
    local v, err = ntpath.to_nt("svchost.exe")
    assert.is_nil(v)
    assert.are.equal("STATUS_OBJECT_PATH_NOT_FOUND", err.name)
    assert.matches("not an absolute DOS path", err.detail)
    v, err = ntpath.to_nt("E:\\x.exe")
    assert.is_nil(v)
    assert.matches("no NT volume known for drive E:", err.detail)
    assert.has_error(function() ntpath.to_nt(42) end)
    assert.has_error(function() ntpath.to_nt("C:\\x", "map") end)
    assert.has_error(function() ntpath.to_nt("C:\\x", { C = 3 }) end)
  end)

  it("reads a dump's Windows volume off its app ids", function()
    -- hand count (grep of <asString> in the dumps): \windows\ paths are on
    -- harddiskvolume3 in dump 1 (5 + 4) and harddiskvolume6 in dump 2 (4 + 2)
    for name, want in pairs { ["netsh-wfpstate-1.xml"] = "\\device\\harddiskvolume3",
                              ["netsh-wfpstate-2.xml"] = "\\device\\harddiskvolume6" } do
      local e = ntsec.wfp.engine()
      assert(netsh.import_file(e, helper.data("wfpstate/" .. name)))
      assert.are.same({ C = want }, ntpath.volume_map(e))
      e:close()
    end
    local empty = ntsec.wfp.engine()
    assert.is_nil(ntpath.volume_map(empty))
    empty:close()
  end)
end)

describe("bin/ntsec classify --app in DOS form", function()
  -- the Dhcp flow of wfp_classify_spec.lua: filter 67987 DhcpFirewallPolicy
  -- names \device\harddiskvolume6\windows\system32\svchost.exe (dump 2)
  local BASE = "bin/ntsec classify ../shared/data/wfpstate/netsh-wfpstate-2.xml --layer FWPM_LAYER_ALE_AUTH_CONNECT_V4"
    .. " --token S-1-5-19,WD,S-1-5-11,S-1-5-80-2940520708-3855866260-481812779-327648279-1710889582"
    .. " --remote 255.255.255.255 --protocol udp --port 67 --local-port 68 --profile public --app "

  it("C:\\Windows\\System32\\svchost.exe is the dump's svchost: DhcpFirewallPolicy decides", function()
    local out, stderr, code = shell.run(BASE .. [['C:\Windows\System32\svchost.exe']])
    assert.are.equal("", stderr)
    assert.are.equal(0, code)
    assert.is_truthy(out:find('deciding filter: {45837aaa-81e0-4954-bb6f-f607d00b2eec} 67987 "DhcpFirewallPolicy"', 1, true))
  end)

  it("another program on C: is not svchost: 67987 does not decide", function()
    local out, _, code = shell.run(BASE .. [['C:\Windows\System32\notepad.exe']])
    assert.are.equal(0, code)
    assert.is_falsy(out:find("67987", 1, true) and out:find('deciding filter: {45837aaa', 1, true))
  end)

  it("an unmapped drive is one clean line", function()
    local out, stderr, code = shell.run(BASE .. [['D:\tools\x.exe']])
    assert.are.equal("", out)
    assert.are_not.equal(0, code)
    assert.are.equal("ntsec: --app: no NT volume known for drive D: (give a map, e.g. {D = \"\\device\\harddiskvolume4\"})\n",
                     stderr)
  end)
end)
