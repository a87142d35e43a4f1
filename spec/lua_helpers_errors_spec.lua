-- spec/lua_helpers_errors_spec.lua: ntsec.principals.profile/resolve and
-- ntsec.netsh.import* return the one ntsec.errors object on bad input
-- (docs/design.md "Result convention"): a status, err.detail saying what is
-- wrong, and tostring(err) the one line these functions returned before (the
-- audit and other callers print it unchanged).
local ntsec = require("ntsec")
local errors = require("ntsec.errors")
local principals = require("ntsec.principals")
local netsh = require("ntsec.netsh")
local shell = dofile("spec/support/cmd.lua")

local function is_error(err, name)
  assert.is_true(errors.is_error(err))
  assert.equal(name, err.name)
  assert.equal(err.detail, tostring(err))
end

describe("ntsec.principals errors", function()
  it("profile: an unknown name is STATUS_NOT_FOUND listing the known profiles", function()
    local token, err = principals.profile("bogus")
    assert.is_nil(token)
    is_error(err, "STATUS_NOT_FOUND")
    assert.equal("principals.profile", err.op)
    assert.equal("unknown principal profile bogus (known: " .. table.concat(principals.names(), ", ") .. ")", tostring(err))
  end)

  it("resolve: a string that is no name nor SID is STATUS_INVALID_SID; a number STATUS_INVALID_PARAMETER", function()
    local label, err = principals.resolve("S-1-x")
    assert.is_nil(label)
    is_error(err, "STATUS_INVALID_SID")
    assert.matches('^"S%-1%-x" is not a profile name %(SYSTEM, .*%) nor a SID %(STATUS_INVALID_SID', tostring(err))
    label, err = principals.resolve(42)
    assert.is_nil(label)
    is_error(err, "STATUS_INVALID_PARAMETER")
    assert.equal("a principal is a profile name, a SID or a token, not a number", tostring(err))
  end)
end)

describe("ntsec.netsh errors", function()
  it("import_file: a missing file is STATUS_OBJECT_NAME_NOT_FOUND, its text io.open's", function()
    local e = ntsec.wfp.engine()
    local summary, err = netsh.import_file(e, "/nonexistent/state.xml")
    e:close()
    assert.is_nil(summary)
    is_error(err, "STATUS_OBJECT_NAME_NOT_FOUND")
    assert.equal("/nonexistent/state.xml: No such file or directory", tostring(err))
    assert.equal("/nonexistent/state.xml", err.file)
  end)

  it("import: an XML error keeps the import's error object, named FILE:LINE", function()
    local e = ntsec.wfp.engine()
    local summary, err = netsh.import(e, "<wfpstate>\n<sessions>\n<item>\n</sessions>", { name = "S.xml" })
    e:close()
    assert.is_nil(summary)
    assert.is_true(errors.is_error(err))
    assert.matches("^S%.xml:4: XML error: ", tostring(err))
    assert.equal(4, err.line)
    assert.equal("S.xml", err.file)
    assert.matches("^XML error: ", err.detail)
  end)
end)

describe("the CLI prints one clean line for them", function()
  it("check and diff with a missing dump: exit 2, 'ntsec: PATH: No such file or directory'", function()
    for _, cmd in ipairs({ "bin/ntsec check /nonexistent.xml --rules builtin",
                           "bin/ntsec diff /nonexistent.xml ../shared/data/wfpstate/netsh-wfpstate-1.xml" }) do
      local out, stderr, code = shell.run(cmd)
      assert.equal(2, code)
      assert.equal("", out)
      assert.equal("ntsec: /nonexistent.xml: No such file or directory\n", stderr)
    end
  end)
end)
