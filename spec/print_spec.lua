-- Every value type prints exactly (issue 9: tostring of a token with a real
-- account SID printed garbage after the SID). Long SIDs (every
-- subauthority 0xFFFFFFFF) exercise the longest text. Expected strings are
-- written by hand from the formats in docs/design.md, sd_semantics.md 1.1
-- and 2.8 (canonical SDDL) and docs/ks.md; the explanation's numbers are
-- worked out below.

local ntsec = require("ntsec")
local ks = ntsec.ks

local LONG = "S-1-5-21-4294967295-4294967295-4294967295-4294967295"
local LONG500 = "S-1-5-21-4294967295-4294967295-4294967295-500"

describe("printing values with long SIDs", function()
  it("sid", function()
    assert.equal(LONG, tostring(assert(ntsec.sid(LONG))))
    assert.equal(LONG, assert(ntsec.sid(LONG)):string())
  end)

  it("acl", function()
    local acl = assert(ntsec.acl("(A;;GA;;;" .. LONG .. ")(D;OICI;0x1200a9;;;" .. LONG500 .. ")"))
    assert.equal("(A;;GA;;;S-1-5-21-4294967295-4294967295-4294967295-4294967295)"
      .. "(D;OICI;0x1200a9;;;S-1-5-21-4294967295-4294967295-4294967295-500)", tostring(acl))
  end)

  it("sd", function()
    local sd = assert(ntsec.sd("O:" .. LONG .. "G:" .. LONG500 .. "D:P(A;;FA;;;" .. LONG .. ")"))
    assert.equal("O:S-1-5-21-4294967295-4294967295-4294967295-4294967295"
      .. "G:S-1-5-21-4294967295-4294967295-4294967295-500"
      .. "D:P(A;;FA;;;S-1-5-21-4294967295-4294967295-4294967295-4294967295)", tostring(sd))
  end)

  it("token", function()
    local t = ntsec.token { user = LONG, groups = { "WD", LONG500 }, privileges = { "SeSecurityPrivilege" } }
    assert.equal("ntsec.token (S-1-5-21-4294967295-4294967295-4294967295-4294967295, 2 groups, 1 privileges)",
      tostring(t))
    -- the short SID of the issue's report
    assert.equal("ntsec.token (S-1-5-21-1-2-3-4, 0 groups, 0 privileges)",
      tostring(ntsec.token { user = "S-1-5-21-1-2-3-4" }))
  end)

  it("error", function()
    local _, err = ntsec.sid("S-1-5-21-4294967295-x")
    assert.equal("STATUS_INVALID_SID (0xC0000078): The security identifier is malformed.", tostring(err))
    assert.equal("ERROR_ACCESS_DENIED (0x00000005): " .. ntsec.errors.lookup(5).message,
      tostring(ntsec.errors.new(5, "open", "USER")))
  end)

  it("explanation", function()
    -- FILE_GENERIC_READ (0x00120089) | FILE_WRITE_DATA (0x2) = 0x0012008B.
    -- The owner gets READ_CONTROL | WRITE_DAC (0x00060000, sd_semantics.md
    -- 3.3); the FR ACE adds SYNCHRONIZE | 0x89 = 0x00100089 (READ_CONTROL is
    -- already granted); FILE_WRITE_DATA stays missing: denied.
    local t = ntsec.token { user = LONG, groups = { "WD" } }
    local e = assert(ntsec.explain("O:" .. LONG .. "G:" .. LONG .. "D:(A;;FR;;;" .. LONG .. ")", t, 0x0012008B))
    assert.equal(table.concat({
      "ntsec.explain: desired 0x0012008b -> STATUS_ACCESS_DENIED, granted 0x00000000",
      "step      ACE                                     applies granted    denied     why",
      "integrity                                                                       "
        .. "no integrity level or policy: no restriction",
      "pass                                                                            DACL walked in order",
      "owner                                                     0x00060000            "
        .. "caller is the owner: READ_CONTROL | WRITE_DAC",
      "#1        (A;;FR;;;S-1-5-21-4294967295-4294967295~yes     0x00100089            "
        .. "SID S-1-5-21-4294967295-4294967295-4294967295-4294967295 matches",
      "result: DENIED (STATUS_ACCESS_DENIED)",
    }, "\n"), tostring(e))
  end)

  it("KS objects, open and closed", function()
    local dev = ks.device { sd = "D:P(A;;GA;;;" .. LONG .. ")" }
    local item = assert(dev:add_create_item { name = "filter", sd = "D:P(A;;GA;;;" .. LONG .. ")" })
    local f = assert(dev:create("\\filter", ntsec.token { user = LONG }, ntsec.GENERIC_READ))
    local irp = ks.irp { major = "QUERY_SECURITY", file = f, security_information = 4, length = 8 }
    assert.equal("ntsec.ks.device (1 items)", tostring(dev))
    assert.equal('ntsec.ks.item ("filter", flags 0x00000000, sd)', tostring(item))
    assert.equal("ntsec.ks.file (access 0x00120089)", tostring(f))      -- GENERIC_READ -> FILE_GENERIC_READ
    assert.equal("ntsec.ks.irp (QUERY_SECURITY, status 0x00000103, completed 0)", tostring(irp))  -- STATUS_PENDING
    assert.is_true(dev:close())
    for _, x in ipairs({ dev, item, f, irp }) do
      assert.equal(getmetatable(x).__name .. " (closed)", tostring(x))
    end
  end)
end)
