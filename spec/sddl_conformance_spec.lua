-- spec/sddl_conformance_spec.lua: the three conformance files of
-- shared/data/conformance through the Lua API, every set at 100% (docs/sddl.md
-- "Conformance"), with the checker of spec/support/sddl_conformance.lua.
-- Expected values are Windows' results in the files; context SIDs are the
-- data README's constants; the 17 slack rows are checked bytes -> SDDL only,
-- and the slack rule on its own inputs. Then the same through `bin/ntsec sddl`
-- (issue 9's done-when) and the checker's own failure reporting.
local helper = require("spec.helper")
local checker = require("spec.support.sddl_conformance")
local ntsec = require("ntsec")

local WINDOWS = "conformance/windows_sddl_to_binary.tsv"

-- Rows per set as the data README lists them, split as the checker reports
-- them: the 17 slack rows (8 short_ordinary, 9 oversize_acls) in their own
-- "/slack-decode" sets.
local FILES = {
  [WINDOWS] = {
    short_ordinary = 7132, ["short_ordinary/slack-decode"] = 8, short_ordinary_v2 = 117,
    conditional_resource_ok = 368, resource_tx_int_undocumented = 11,
    ["oversize_acls/slack-decode"] = 9, registry_rights = 11, conditional_aces = 60,
  },
  ["conformance/samba_windows_sddl_pairs.tsv"] = {
    canonical = 19, non_canonical = 50, windows_is_weird = 10, windows_is_less_fussy = 23,
    windows_is_fussy = 1, should_fail = 47, conditional_aces = 73,
    conditional_aces_case_insensitive = 1, conditional_aces_windows_only = 11,
    conditional_aces_should_fail = 11,
  },
  ["conformance/wine_advapi32_tests_cssd.tsv"] = { wine = 29 },
}

local function by_set(results)
  local t = {}
  for _, r in ipairs(results) do t[r.set] = r end
  return t
end

local function tmpfile(text)
  local path = os.tmpname()
  local f = assert(io.open(path, "w"))
  f:write(text)
  f:close()
  return path
end

local function rows(file)
  local out = {}
  local f = assert(io.open(helper.data(file)))
  f:read("l")
  local no = 1
  for line in f:lines() do
    no = no + 1
    local set, key, hex = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)$")
    out[#out + 1] = { no = no, set = set, key = key, hex = hex }
  end
  f:close()
  return out
end

local cache = {}
local function results_of(file)
  cache[file] = cache[file] or assert(checker.check(helper.data(file)))
  return cache[file]
end

describe("SDDL conformance (Lua API)", function()
  for file, sets in pairs(FILES) do
    describe(file, function()
      local results = results_of(file)
      local got = by_set(results)

      for set, count in pairs(sets) do
        it(set .. ": all " .. count .. " rows match Windows", function()
          local r = assert(got[set], "set " .. set .. " missing")
          assert.equal(count, r.total)
          assert.equal(r.total, r.matched, "\n" .. checker.describe(r))
        end)
      end

      it("every reported set (incl. /format and /reparse) is at 100%", function()
        for _, r in ipairs(results) do
          assert.equal(r.total, r.matched, "\n" .. checker.describe(r))
        end
      end)
    end)
  end

  it("the binary file's second checks cover every other row", function()
    local got = by_set(results_of(WINDOWS))
    assert.equal(7132, got["short_ordinary/format"].total)
    assert.equal(368, got["conditional_resource_ok/reparse"].total)
    assert.equal(60, got["conditional_aces/reparse"].total)
  end)

  it("the slack rows are the ones sd_semantics.md 2.10 counts, in the sets it names", function()
    local n, per_set = 0, {}
    for _, row in ipairs(rows(WINDOWS)) do
      local set = checker.SLACK_ROWS[row.no]
      if set then
        n = n + 1
        assert.equal(set, row.set, "line " .. row.no)
        per_set[set] = (per_set[set] or 0) + 1
      end
    end
    assert.equal(17, n)
    assert.same({ short_ordinary = 8, oversize_acls = 9 }, per_set)
  end)
end)

-- The rule of sd_semantics.md 2.10 on its own documented inputs: a GUID-less
-- OA/OD is written as A/D, sized as an object ACE (4 bytes of slack per ACE
-- in AclSize) in a revision-4 ACL. Bytes hand-assembled from 1.2, 1.4, 1.7.
describe("GUID-less OA/OD (sd_semantics.md 2.10)", function()
  local function hex(s)
    return (s:gsub(".", function(c) return ("%02x"):format(c:byte()) end))
  end

  it("D:P(OD;;;;;MP)(OD;;;;;MP): revision 4, AclSize 0x38 for 0x30 of ACEs", function()
    local sd = assert(ntsec.sd("D:P(OD;;;;;MP)(OD;;;;;MP)"))
    local ace = "01001400" .. "00000000" .. "010100000000001000210000"   -- deny, ML medium plus S-1-16-8448
    assert.equal("0100" .. "0490" .. ("00"):rep(12) .. "14000000"       -- control: SR | DP | DACL present
      .. "04003800" .. "02000000" .. ace .. ace .. ("00"):rep(8), hex(sd:bytes()))
    assert.equal("D:P(D;;;;;MP)(D;;;;;MP)", sd:sddl(0xFFFF))
  end)

  it("D:(OA;;GA;;;WD): one ACE, 4 bytes of slack", function()
    local sd = assert(ntsec.sd("D:(OA;;GA;;;WD)"))
    assert.equal("01000480" .. ("00"):rep(12) .. "14000000"
      .. "04002000" .. "01000000" .. "00001400" .. "00000010" .. "010100000000000100000000"
      .. "00000000", hex(sd:bytes()))
    assert.equal("D:(A;;GA;;;WD)", sd:sddl(0xFFFF))
  end)

  it("a plain A/D ACE gets neither", function()
    local sd = assert(ntsec.sd("D:(A;;GA;;;WD)"))
    assert.equal("01000480" .. ("00"):rep(12) .. "14000000"
      .. "02001c00" .. "01000000" .. "00001400" .. "00000010" .. "010100000000000100000000", hex(sd:bytes()))
  end)
end)

-- Issue 9's done-when, through the command line.
describe("bin/ntsec sddl on windows_sddl_to_binary.tsv", function()
  local D = checker.WINDOWS_DOMAIN

  local function run_lines(cmd, lines)
    local input = tmpfile(table.concat(lines, "\n") .. "\n")
    local p = assert(io.popen(cmd .. " < " .. input))
    local out = {}
    for line in p:lines() do out[#out + 1] = line end
    local _, _, code = p:close()
    os.remove(input)
    return out, code
  end

  it("gives Windows' bytes for every row but the 17 slack rows", function()
    local keys, want = {}, {}
    for _, row in ipairs(rows(WINDOWS)) do
      if not checker.SLACK_ROWS[row.no] then
        keys[#keys + 1], want[#want + 1] = row.key, row.hex
      end
    end
    assert.equal(7716 - 17, #keys)
    local out, code = run_lines(("bin/ntsec sddl --domain-sid %s --machine-sid %s"):format(D, D), keys)
    assert.equal(#keys, #out)
    local bad = {}
    for i, line in ipairs(out) do
      local input, _, bytes = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)$")
      if input ~= keys[i] or bytes ~= want[i] then bad[#bad + 1] = keys[i] .. " -> " .. line end
    end
    assert.same({}, { table.unpack(bad, 1, 3) })
    assert.equal(0, code)
  end)

  it("--decode gives back the string of the 17 slack rows from their bytes", function()
    local hexes, want = {}, {}
    for _, row in ipairs(rows(WINDOWS)) do
      if checker.SLACK_ROWS[row.no] then hexes[#hexes + 1], want[#want + 1] = row.hex, row.key end
    end
    assert.equal(17, #hexes)
    local out, code = run_lines(("bin/ntsec sddl --decode --domain-sid %s --machine-sid %s"):format(D, D), hexes)
    assert.same(want, out)
    assert.equal(0, code)
  end)

  it("without --machine-sid, LA/LG fail with STATUS_INVALID_SID", function()
    local out, code = run_lines("bin/ntsec sddl --domain-sid " .. D, { "O:LAG:LG", "O:DA" })
    assert.matches("^O:LAG:LG\t!ERR\tSTATUS_INVALID_SID\t", out[1])
    assert.matches("^O:DA\tO:DA\t", out[2])
    assert.equal(1, code)
  end)
end)

describe("the conformance checker reports mismatches", function()
  it("counts a wrong expected descriptor as a mismatch and shows the hex diff", function()
    -- "D:" is 28 bytes (sd_semantics.md 1.7); the row claims a different last byte.
    local path = tmpfile("set\tsddl\twindows_self_relative_hex\n"
      .. "mine\tD:\t01000480000000000000000000000000140000000200080000000001\n")
    local r = by_set(assert(checker.check(path)))
    os.remove(path)
    assert.equal(1, r.mine.total)
    assert.equal(0, r.mine.matched)
    local text = checker.describe(r.mine)
    assert.matches("want:  01000480000000000000000000000000140000000200080000000001", text, 1, true)
    assert.matches("got:   01000480000000000000000000000000140000000200080000000000", text, 1, true)
    assert.matches("first difference at byte 27", text, 1, true)
  end)

  it("a Samba row Windows rejects fails when ntsec accepts it", function()
    local path = tmpfile("set\texpectation\tinput\texpected_output\n"
      .. "x\tboth_reject\tD:(A;;GA;;;WD)\t\n")
    local r = by_set(assert(checker.check(path)))
    os.remove(path)
    assert.equal(0, r.x.matched)
  end)

  it("the Wine revision argument: anything but 1 is ERROR_UNKNOWN_REVISION", function()
    assert.same({ nil, 1305 }, { checker.convert("D:(A;;GA;;;WD)", 0xdeadbeef) })
    assert.is_truthy(checker.convert("D:(A;;GA;;;WD)", 1))
    -- ROB is no rights token: STATUS_INVALID_ACL -> ERROR_INVALID_ACL (A.1).
    assert.same({ nil, 1336 }, { checker.convert("D:(A;;ROB;;;WD)", 1) })
  end)

  it("rejects a file with an unknown header", function()
    local path = tmpfile("a\tb\n")
    local r, err = checker.check(path)
    os.remove(path)
    assert.is_nil(r)
    assert.matches("unknown header", err)
  end)
end)
