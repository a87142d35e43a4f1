-- spec/sd_limits_spec.lua: ACL size limits at their boundary, by SDDL, by
-- bytes and by the set-security merge, and the saved fuzz finding of issue 15
-- (docs/binary.md "Size limits"). Sizes are computed by hand in the
-- comments (sd_semantics.md 1.2, 1.8, 2.10, 2.11); the finding is read from
-- ../shared/data, never copied into the repo.
local ntsec = require("ntsec")
local helper = require("spec.helper")

local function pad4(n) return (n + 3) // 4 * 4 end

-- "(RA;;;;;WD;("name",TI,0x0,1))" with a name of units UTF-16 units: ACE =
-- 4 + mask 4 + SID S-1-1-0 12 + blob padded to 4, blob = 16 + 4 (one value
-- offset) + 2*units + 2 (NUL) + 8 (TI).
local function ra_ace_size(units) return 20 + pad4(30 + 2 * units) end
local function ra(units, unit) return '(RA;;;;;WD;("' .. (unit or "a"):rep(units) .. '",TI,0x0,1))' end

local function read_all(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

describe("the saved fuzz finding sddl-roundtrip-1 (issue 15)", function()
  -- The harness context: S-1-5-21-1-2-3 as domain and machine SID.
  local ctx = { domain_sid = "S-1-5-21-1-2-3", machine_sid = "S-1-5-21-1-2-3" }
  local input = read_all(helper.data("fuzz-findings/sddl-roundtrip-1.txt"))

  it("round-trips: parse(format(x)) == x and the canonical text prints back to itself", function()
    assert.equal(28513, #input)
    local sd = assert(ntsec.sd(input, ctx))
    local text = sd:sddl(0xFFFF, ctx)
    local again = assert(ntsec.sd(text, ctx))
    assert.equal(sd:bytes(), again:bytes())
    assert.equal(text, again:sddl(0xFFFF, ctx))
    -- the bytes read back as the same descriptor too
    assert.equal(sd:bytes(), assert(ntsec.sd.from_bytes(sd:bytes())):bytes())
  end)
end)

describe("ACL size limit (0xFFFF u16 AclSize, even for RtlValidAcl)", function()
  it("by SDDL: 0xFFFC fits, 0x10000 does not, however long the text", function()
    assert.equal(0xFFFC, 8 + ra_ace_size(32737))
    assert.equal(0x10000, 8 + ra_ace_size(32738))
    for _, unit in ipairs { "a", "%0061" } do
      local sd = assert(ntsec.sd("S:" .. ra(32737, unit)))
      assert.equal(20 + 0xFFFC, #sd:bytes())
      assert.equal("S:" .. ra(32737), sd:sddl())
      local none, err = ntsec.sd("S:" .. ra(32738, unit))
      assert.is_nil(none)
      assert.equal("STATUS_INVALID_ACL", err.name)
    end
  end)

  it("by bytes: AclSize 0xFFFE is valid, 0xFFFF (odd) is not", function()
    local b = assert(ntsec.sd("S:" .. ra(32737))):bytes()
    -- SACL at offset 20: AclSize is bytes 23-24 (1-based), little-endian
    local function with_size(size, extra)
      return b:sub(1, 22) .. string.pack("<I2", size) .. b:sub(25) .. ("\0"):rep(extra)
    end
    local sd = assert(ntsec.sd.from_bytes(with_size(0xFFFE, 2)))
    assert.equal(20 + 0xFFFE, #sd:bytes())
    local none, err = ntsec.sd.from_bytes(with_size(0xFFFF, 3))
    assert.is_nil(none)
    assert.equal("STATUS_INVALID_ACL", err.name)
  end)

  it("by merge: OLD's audit ACE (20 bytes) plus MOD's RA ACE, 0xFFFC fits, 0x10000 does not", function()
    local old = assert(ntsec.sd("O:SYG:SYD:(A;;GA;;;WD)S:(AU;SA;GA;;;WD)"))
    local before = old:bytes()
    local ATTR = ntsec.ATTRIBUTE_SECURITY_INFORMATION
    assert.equal(0xFFFC, 8 + 20 + ra_ace_size(32727))
    assert.equal(0x10000, 8 + 20 + ra_ace_size(32728))
    local new = assert(ntsec.set_security(old, ATTR, assert(ntsec.sd("S:" .. ra(32727)))))
    -- header 20, SACL 0xFFFC, DACL 8 + 20, owner and group SY 12 each
    assert.equal(20 + 0xFFFC + 28 + 12 + 12, #new:bytes())
    local none, err = ntsec.set_security(old, ATTR, assert(ntsec.sd("S:" .. ra(32728))))
    assert.is_nil(none)
    assert.equal("STATUS_INVALID_ACL", err.name)
    assert.equal(before, old:bytes())
  end)
end)
