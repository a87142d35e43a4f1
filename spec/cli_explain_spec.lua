-- bin/ntsec explain (docs/cli.md): one access check from the shell, exit 0
-- when granted, 1 when denied, 2 for a user mistake (one line). Masks are
-- worked out by hand: FR = FILE_GENERIC_READ 0x120089, FW =
-- FILE_GENERIC_WRITE 0x120116 (winnt.h); ACCESS_SYSTEM_SECURITY
-- 0x01000000 (no SDDL letters), which needs SeSecurityPrivilege (sd_semantics.md 3.3).
local json = require("dkjson")
local support = require("spec.support.cmd")
local run = support.run

local USER = "S-1-5-21-1-2-3-1001"
local SD = "'O:BAG:SYD:(A;;FA;;;BA)(A;;FR;;;WD)'"

local function explain(args)
  return run("bin/ntsec explain " .. SD .. " --token " .. USER .. ",WD " .. args)
end

local function assert_one_line(stderr)
  assert.matches("^ntsec: [^\n]+\n$", stderr)
  assert.not_matches("traceback", stderr)
end

describe("bin/ntsec explain", function()
  it("grants what the DACL gives the token (MAXIMUM_ALLOWED by default): exit 0", function()
    local out, _, code = explain("")
    assert.equal(0, code)
    assert.matches("granted 0x00120089", out, 1, true)
    assert.matches("#2%s+%(A;;FR;;;WD%)%s+yes%s+0x00120089", out)
    assert.matches("result: ALLOWED (STATUS_SUCCESS)", out, 1, true)
  end)

  it("exits 1 when the access asked for is denied", function()
    local out, _, code = explain("--desired FW")
    assert.equal(1, code)
    assert.matches("desired 0x00120116 -> STATUS_ACCESS_DENIED, granted 0x00000000", out, 1, true)
  end)

  it("uses the token's privileges: ACCESS_SYSTEM_SECURITY with and without SeSecurityPrivilege", function()
    local out, _, code = explain("--desired 0x01000000 --privilege SeSecurityPrivilege")
    assert.equal(0, code)
    assert.matches("granted 0x01000000", out, 1, true)
    assert.matches("privileges used: SeSecurityPrivilege", out, 1, true)
    out, _, code = explain("--desired 0x01000000")
    assert.equal(1, code)
    assert.matches("STATUS_PRIVILEGE_NOT_HELD", out, 1, true)
  end)

  it("checks an AppContainer token in two passes", function()
    local pkg = " --package S-1-15-2-1-2-3-4-5-6-7 --desired FR"
    local _, _, code = explain(pkg)            -- Everyone alone grants an AppContainer nothing
    assert.equal(1, code)
    local out
    out, _, code = run("bin/ntsec explain 'O:BAG:SYD:(A;;FR;;;WD)(A;;FR;;;AC)' --token " .. USER .. ",WD" .. pkg)
    assert.equal(0, code)
    assert.matches("[AppContainer] SID AC matches", out, 1, true)
  end)

  it("writes the explanation as JSON", function()
    local out, _, code = explain("--format json")
    assert.equal(0, code)
    local doc = assert(json.decode(out))
    assert.is_true(doc.allowed)
    assert.equal(0x120089, doc.granted)
    assert.equal("STATUS_SUCCESS", doc.status_name)
    assert.equal("ace", doc.steps[5].kind)
    assert.equal("sid_absent", doc.steps[5].reason)     -- #1 BA: not in the token
  end)

  it("reports user mistakes as one line naming the option, exit 2", function()
    local cases = {
      { "bin/ntsec explain 'O:BAG:SYD:(A;;FA;;;BA' --token WD", "STATUS_INVALID_ACL at offset 21" },
      { "bin/ntsec explain 'O:BAG:SYD:' --token S-1-x", "--token: token: user: invalid SID 'S-1-x'" },
      { "bin/ntsec explain 'O:BAG:SYD:' --token WD --privilege SeBogus", "--privilege: unknown privilege 'SeBogus'" },
      { "bin/ntsec explain 'O:BAG:SYD:' --token WD --desired XYZ", "--desired: 'XYZ' is not SDDL rights" },
      { "bin/ntsec explain 'O:BAG:SYD:' --token WD --integrity QQ", "--integrity: token: integrity: invalid SID" },
      { "bin/ntsec explain 'O:BAG:SYD:' --token WD --package S-1-15-2-1 --capability S-1-z",
        "--capability: token: capabilities[1]: invalid SID 'S-1-z'" },
      { "bin/ntsec explain 'O:BAG:SYD:'", "missing option '--token'" },
    }
    for _, c in ipairs(cases) do
      local _, err, code = run(c[1])
      assert.equal(2, code, c[1])
      assert_one_line(err)
      assert.matches(c[2], err, 1, true)
    end
  end)
end)
