-- spec/corpus_spec.lua: the Microsoft-authored SDDL of shared/data/corpus
-- (issue #3): every string parses, and round-trips to itself in binary:
-- parse -> bytes -> from_bytes -> sddl -> parse gives identical bytes.
-- Domain-relative aliases (DA, EA, ...) need a domain SID: any works; the
-- Windows vectors' one is used.
local helper = require("spec.helper")
local ntsec = require("ntsec")

local CTX = { domain_sid = ntsec.sid("S-1-5-21-2457507606-2709100691-398136650") }

-- The SDDL strings of one corpus file: every line of a .txt; the
-- sddl_assembled_from_listed_aces column of the .tsv.
local function strings_of(file)
  local out = {}
  if file:match("%.tsv$") then
    for _, row in ipairs(helper.tsv(helper.data("corpus/" .. file))) do out[#out + 1] = row[2] end
  else
    for line in io.lines(helper.data("corpus/" .. file)) do out[#out + 1] = line end
  end
  return out
end

-- Rows per file (shared/data/README.md).
local FILES = {
  ["ad_schema_sddl.txt"] = 59,
  ["adprep_schema_updates_sddl.txt"] = 54,
  ["adprep_forest_updates_sddl.tsv"] = 47,
}

local OBJECT_TYPES = { [5] = true, [6] = true, [7] = true, [8] = true, [0x0B] = true,
                       [0x0C] = true, [0x0F] = true, [0x10] = true }

-- The ACL as its canonical text reads back: no slack after the ACEs and
-- revision 4 only with an object ACE (sd_semantics.md 1.2, 2.10).
local function without_slack(acl)
  if not acl then return nil end
  local b = acl:bytes()
  local count = string.unpack("<I2", b, 5)
  local at, object = 8, false
  for _ = 1, count do
    object = object or OBJECT_TYPES[b:byte(at + 1)] ~= nil
    at = at + string.unpack("<I2", b, at + 3)
  end
  local header = string.pack("<I1I1I2I2I2", object and 4 or 2, 0, at, count, 0)
  return assert(ntsec.core.acl_from_bytes(header .. b:sub(9, at)))
end

-- The documented exception (2.10): a GUID-less OA/OD is stored as A/D with
-- 4 bytes of slack in a revision-4 ACL; its text "(A;...)" reads back
-- without them. Identity for every other descriptor.
local function expected_after_text(sd)
  return assert(ntsec.sd.build { owner = sd.owner, group = sd.group, control = sd.control,
                                 dacl = without_slack(sd.dacl), sacl = without_slack(sd.sacl) })
end

-- nil when s round-trips, else a description of the first failure; the
-- second result tells whether the 2.10 exception applied.
local function round_trip_failure(s)
  local sd, err = ntsec.sd(s, CTX)
  if not sd then return "parse: " .. tostring(err) .. " at " .. tostring(err.offset) end
  local bytes = sd:bytes()
  local back, berr = ntsec.sd.from_bytes(bytes)
  if not back then return "from_bytes: " .. tostring(berr) end
  local text, ferr = back:sddl(0xFFFF, CTX)
  if not text then return "sddl: " .. tostring(ferr) end
  local again, aerr = ntsec.sd(text, CTX)
  if not again then return "reparse of " .. text .. ": " .. tostring(aerr) end
  local want = expected_after_text(sd):bytes()
  if again:bytes() ~= want then
    return ("bytes differ after %s\n want %s\n got  %s"):format(text, helper.hex(want), helper.hex(again:bytes()))
  end
  if again:sddl(0xFFFF, CTX) ~= text then return "text is not a fixed point: " .. text end
  return nil, want ~= bytes
end

describe("SDDL corpus (Microsoft documents)", function()
  local slack_rows = 0
  for file, rows in pairs(FILES) do
    it(file .. ": all " .. rows .. " strings parse and round-trip in binary", function()
      local list = strings_of(file)
      assert.equal(rows, #list)
      for i, s in ipairs(list) do
        local failure, slack = round_trip_failure(s)
        assert.is_nil(failure, ("%s line %d: %s\n%s"):format(file, i, s, tostring(failure)))
        if slack then slack_rows = slack_rows + 1 end
      end
    end)
  end

  it("only strings with a GUID-less OA/OD needed the 2.10 exception", function()
    local expected = 0
    for file in pairs(FILES) do
      for _, s in ipairs(strings_of(file)) do
        if s:find("%(O[AD];[^;]*;[^;]*;%s*;%s*;") then expected = expected + 1 end
      end
    end
    assert.is_true(expected > 0)
    assert.equal(expected, slack_rows)
  end)

  it("detects a string that does not parse", function()
    assert.matches("^parse", round_trip_failure("D:(A;;ROB;;;WD)"))
  end)

  it("the 2.10 exception strips exactly the slack of a GUID-less OA", function()
    -- (OA;;CC;;;WD) is A/CC/WD in a revision-4 ACL with 4 bytes of slack (2.10).
    local quirk = assert(ntsec.sd("D:(OA;;CC;;;WD)"))
    local plain = assert(ntsec.sd("D:(A;;CC;;;WD)"))
    assert.are_not.equal(plain:bytes(), quirk:bytes())
    assert.equal(#plain:bytes() + 4, #quirk:bytes())
    assert.equal(plain:bytes(), expected_after_text(quirk):bytes())
    assert.equal(plain:bytes(), expected_after_text(plain):bytes())
  end)
end)
