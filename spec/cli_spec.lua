-- spec/cli_spec.lua: bin/ntsec (issue 9 "The CLI", issue 14 "The command
-- line"; docs/cli.md): the sddl line formats, help and version, usage errors,
-- one clean line for user mistakes, symlinks, the audit still working.
local json = require("dkjson")

local STATE = "../shared/data/wfpstate/netsh-wfpstate-2.xml"
local ROOT = io.popen("pwd"):read("l")

-- run(cmd) -> stdout, stderr, exit code; write(path, text) -> path.
local support = require("spec.support.cmd")
local run, write = support.run, support.write

local function tmpdir()
  local d = os.tmpname()
  os.remove(d)
  assert(os.execute("mkdir -p " .. d))
  return d
end


-- One line on stderr, "ntsec: ...", without a traceback.
local function assert_one_line(stderr)
  assert.matches("^ntsec: [^\n]+\n$", stderr)
  assert.not_matches("traceback", stderr)
end

describe("bin/ntsec sddl", function()
  it("prints canonical form and Windows bytes, and exits 1 when a line failed", function()
    local out, _, code = run("printf 'D:\\nD:(A;;ROB;;;WD)\\n' | bin/ntsec sddl")
    -- "D:" -> 28 bytes (sd_semantics.md 1.7).
    assert.matches("^D:\tD:\t01000480000000000000000000000000140000000200080000000000\n", out)
    assert.matches("\nD:%(A;;ROB;;;WD%)\t!ERR\tSTATUS_INVALID_ACL\t%d+\n$", out)
    assert.equal(1, code)
  end)

  it("exits 0 when every line converted, and accepts CRLF lines", function()
    local out, _, code = run("printf 'D:\\r\\nO:SY\\r\\n' | bin/ntsec sddl")
    assert.equal(0, code)
    assert.matches("^D:\tD:\t%x+\nO:SY\tO:SY\t%x+\n$", out)
  end)

  it("resolves domain aliases with --domain-sid, as --opt value and --opt=value", function()
    -- S-1-2-3-4-512: authority 2, sub-authorities 3, 4, 512 (1.1); printed back as DA (2.7).
    local want = "^O:DA\tO:DA\t01000080140000000000000000000000000000000103000000000002030000000400000000020000\n$"
    assert.matches(want, (run("printf 'O:DA\\n' | bin/ntsec sddl --domain-sid S-1-2-3-4")))
    assert.matches(want, (run("printf 'O:DA\\n' | bin/ntsec sddl --domain-sid=S-1-2-3-4")))
  end)

  it("resolves LA/LG with --machine-sid only", function()
    local out, _, code = run("printf 'O:LAG:LG\\n' | bin/ntsec sddl --machine-sid S-1-5-21-1-2-3")
    assert.equal(0, code)
    -- O:LA is S-1-5-21-1-2-3-500 (0x1f4), G:LG -501 (0x1f5): 2.7.
    assert.matches("^O:LAG:LG\tO:LAG:LG\t%x+\n$", out)
    assert.matches("f4010000", out)
    assert.matches("f5010000", out)
    out, _, code = run("printf 'O:LA\\n' | bin/ntsec sddl --domain-sid S-1-5-21-1-2-3")
    assert.matches("^O:LA\t!ERR\tSTATUS_INVALID_SID\t", out)
    assert.equal(1, code)
  end)

  it("--decode reads self-relative hex and prints canonical SDDL", function()
    local out, _, code = run("printf '01000480000000000000000000000000140000000200080000000000\\r\\nzz\\n' "
      .. "| bin/ntsec sddl --decode")
    assert.equal("D:\n!ERR\tSTATUS_INVALID_PARAMETER\t0\n", out)
    assert.equal(1, code)
  end)

  it("a bad SID option is one clean line and exit 2", function()
    local out, stderr, code = run("bin/ntsec sddl --domain-sid garbage < /dev/null")
    assert.equal("", out)
    assert.equal(2, code)
    assert_one_line(stderr)
    assert.matches("--domain-sid: 'garbage' is not a SID", stderr, 1, true)
  end)
end)

describe("bin/ntsec help, version and usage errors", function()
  it("--help and -h print usage and exit 0, for the tool and every command", function()
    for _, cmd in ipairs({ "", "audit ", "sddl ", "repl ", "test " }) do
      for _, flag in ipairs({ "--help", "-h" }) do
        local out, stderr, code = run("bin/ntsec " .. cmd .. flag)
        assert.equal(0, code, cmd .. flag)
        assert.equal("", stderr)
        assert.matches("^Usage: ntsec " .. cmd, out)
      end
    end
    local out = run("bin/ntsec --help")
    for _, c in ipairs({ "audit", "sddl", "test", "repl" }) do assert.matches("\n   " .. c .. " ", out) end
  end)

  it("--version prints the version", function()
    local out, _, code = run("bin/ntsec --version")
    assert.equal(0, code)
    assert.equal(require("ntsec")._VERSION .. "\n", out)
  end)

  it("usage errors exit 2 with one line", function()
    for _, args in ipairs({ "audit", "audit " .. STATE, "bogus", "sddl --nope", "audit " .. STATE
        .. " --policy p.lua --format xml", "--domain-sid" }) do
      local out, stderr, code = run("bin/ntsec " .. args)
      assert.equal(2, code, args)
      assert.equal("", out)
      assert_one_line(stderr)
    end
    local _, stderr = run("bin/ntsec audit")
    assert.matches("missing argument 'state' (see 'ntsec audit --help')", stderr, 1, true)
  end)
end)

describe("bin/ntsec audit", function()
  local dir
  setup(function() dir = tmpdir() end)
  teardown(function() os.execute("rm -rf '" .. dir .. "'") end)

  local function audit(policy_text, extra)
    local policy = write(dir .. "/policy.lua", policy_text)
    return run(("bin/ntsec audit %s --policy %s %s"):format(STATE, policy, extra or ""))
  end

  it("--format json is one JSON document (--policy=FILE form)", function()
    local out, _, code = run("bin/ntsec audit " .. STATE .. " --policy=examples/lockdown_callouts.lua --format=json")
    assert.equal(0, code)
    local doc = assert(json.decode(out))
    assert.equal(89, doc.imported.callouts)
    assert.is_table(doc.writes)
    assert.is_table(doc.access)
  end)

  -- Each user mistake: exit 2, one line naming the policy and what is wrong.
  local MISTAKES = {
    { "return 42", "policy.lua: the policy returned a number (42)" },
    { 'return {principals = {"SY", "XX"}}', 'policy.lua: principals[2] = "XX" is not a SID or SID alias' },
    { "local x = 1\nerror({})", "policy.lua:2: the policy raised an error value of type table" },
    { "engine:close()", "policy.lua: the policy left the engine unusable for the audit" },
    { "\nerror(ntsec.errors.new(ntsec.STATUS_ACCESS_DENIED))", "policy.lua:2: STATUS_ACCESS_DENIED (0xC0000022)" },
    { 'error("no such rule")', "policy.lua:1: no such rule" },
    { "local = 1", "policy.lua:1: <name> expected" },
  }
  for _, m in ipairs(MISTAKES) do
    it("names the mistake in one line: " .. m[1]:gsub("\n", "; "), function()
      local out, stderr, code = audit(m[1])
      assert.equal(2, code)
      assert.equal("", out)
      assert_one_line(stderr)
      assert.matches(m[2], stderr, 1, true)
    end)
  end

  it("shows the traceback with --debug", function()
    local _, stderr, code = audit('error("no such rule")', "--debug")
    assert.equal(2, code)
    assert.matches("stack traceback", stderr)
  end)

  it("names the file in XML errors and missing files", function()
    local bad = write(dir .. "/bad.xml", "<wfpstate><sessions>\n")
    local _, stderr, code = run("bin/ntsec audit " .. bad .. " --policy examples/lockdown_callouts.lua")
    assert.equal(2, code)
    assert_one_line(stderr)
    assert.matches(bad .. ":2: XML error", stderr, 1, true)
    _, stderr, code = run("bin/ntsec audit " .. dir .. "/none.xml --policy examples/lockdown_callouts.lua")
    assert.equal(2, code)
    assert.matches(dir .. "/none.xml: No such file", stderr, 1, true)
  end)
end)

describe("bin/ntsec from elsewhere", function()
  it("runs from another directory", function()
    local out, _, code = run("cd /tmp && printf 'D:\\n' | " .. ROOT .. "/bin/ntsec sddl")
    assert.equal(0, code)
    assert.matches("^D:\tD:\t", out)
  end)

  it("finds its modules through a symlink in another directory", function()
    local dir = tmpdir()
    assert(os.execute(("ln -s '%s/bin/ntsec' '%s/ntsec' && ln -s '%s/ntsec' '%s/again'"):format(ROOT, dir, dir, dir)))
    local out, stderr, code = run("cd / && printf 'O:SY\\n' | " .. dir .. "/again sddl")
    os.execute("rm -rf '" .. dir .. "'")
    assert.equal("", stderr)
    assert.equal(0, code)
    assert.matches("^O:SY\tO:SY\t", out)
  end)

  it("starts a REPL with ntsec loaded when given no command", function()
    local out, _, code = run("printf 'ntsec.sid(\"BA\")\\n' | bin/ntsec")
    assert.equal(0, code)
    assert.matches("S%-1%-5%-32%-544", out)
  end)
end)
