-- bin/ntsec: sddl mode line format, audit json, usage errors.
local json = require("dkjson")

local function run(cmd)
  local p = assert(io.popen(cmd .. " 2>&1"))
  local out = p:read("a")
  local ok, _, code = p:close()
  return ok, out, code
end

describe("bin/ntsec", function()
  it("sddl prints canonical form and Windows bytes", function()
    local ok, out = run("printf 'D:\\nD:(A;;ROB;;;WD)\\n' | bin/ntsec sddl")
    assert.is_true(ok, out)
    -- "D:" -> 28 bytes (sd_semantics.md 1.7).
    assert.matches("^D:\tD:\t01000480000000000000000000000000140000000200080000000000\n", out)
    assert.matches("\nD:%(A;;ROB;;;WD%)\t!ERR\tSTATUS_INVALID_ACL\t%d+\n$", out)
  end)

  it("sddl resolves domain aliases with --domain-sid", function()
    local _, out = run("printf 'O:DA\\n' | bin/ntsec sddl --domain-sid S-1-2-3-4")
    -- S-1-2-3-4-512: authority 2, sub-authorities 3, 4, 512 (1.1); printed back as DA (2.7).
    assert.matches("^O:DA\tO:DA\t01000080140000000000000000000000000000000103000000000002030000000400000000020000\n$", out)
  end)

  it("audit --format json is one JSON document", function()
    local ok, out = run("bin/ntsec audit ../shared/data/wfpstate/netsh-wfpstate-2.xml "
      .. "--policy examples/lockdown_callouts.lua --format json")
    assert.is_true(ok, out)
    local doc = assert(json.decode(out))
    assert.equal(89, doc.imported.callouts)
    assert.is_table(doc.calls)
    assert.is_table(doc.access)
  end)

  it("runs from another directory", function()
    local ok, out = run("cd /tmp && printf 'D:\\n' | " .. io.popen("pwd"):read("l") .. "/bin/ntsec sddl")
    assert.is_true(ok, out)
  end)

  it("fails with usage on bad arguments", function()
    local ok, out, code = run("bin/ntsec audit")
    assert.is_falsy(ok)
    assert.equal(2, code)
    assert.matches("usage", out)
  end)

  it("starts a REPL with ntsec loaded", function()
    local ok, out = run("printf 'ntsec.sid(\"BA\")\\n' | bin/ntsec")
    assert.is_true(ok, out)
    assert.matches("S%-1%-5%-32%-544", out)
  end)
end)
