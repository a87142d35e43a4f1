-- ntsec.explain: the decision and the trace of an access check
-- (sd_semantics.md 3). Each expectation restates what the algorithm must
-- do at that ACE; the trace must agree with the plain check.
local ntsec = require("ntsec")
local explain = require("ntsec.explain")

local FR, FW, FA = 0x120089, 0x120116, 0x1F01FF

local function sd(s) return assert(ntsec.sd(s)) end

local function aces(e)
  local out = {}
  for _, s in ipairs(e.steps) do
    if s.kind == "ace" then out[#out + 1] = s end
  end
  return out
end

local function step(e, kind)
  for _, s in ipairs(e.steps) do
    if s.kind == kind then return s end
  end
end

describe("ntsec.explain", function()
  local t = ntsec.token { user = "S-1-5-21-1-2-3-1001",
    groups = { "WD", { sid = "BA", deny_only = true }, { sid = "BU", enabled = false } },
    claims = { user = { Title = "PM" } } }

  it("says why each ACE applied or not", function()
    local d = sd("O:SYG:SYD:(A;IO;FA;;;WD)(A;;FA;;;BA)(A;;FA;;;BU)(A;;FA;;;AU)"
      .. "(XA;;FW;;;WD;(@User.Title == \"VP\"))(XA;;FW;;;WD;(@User.Missing == 1))(A;;FR;;;WD)(D;;FA;;;WD)")
    local e = assert(ntsec.explain(d, t, FR))
    local why = {}
    for i, s in ipairs(aces(e)) do why[i] = s.reason end
    -- FW shares READ_CONTROL|SYNCHRONIZE with FR, so the two callback ACEs
    -- are evaluated: FALSE and UNKNOWN, and an allow needs TRUE
    assert.same({ "inherit_only", "sid_deny_only", "sid_disabled", "sid_absent",
      "condition", "condition", "applied", "not_reached" }, why)
    assert.is_true(e.allowed)
    assert.equal(FR, e.granted)
    assert.equal(FR, aces(e)[7].granted)
    assert.equal(7, aces(e)[7].index)
    assert.equal("(A;;FR;;;WD)", aces(e)[7].ace)
  end)

  it("reports condition outcomes: true, false, unknown", function()
    local d = sd("O:SYG:SYD:(XA;;FR;;;WD;(@User.Title == \"PM\"))(XA;;FW;;;WD;(@User.Title == \"VP\"))"
      .. "(XA;;0x10000;;;WD;(@User.Missing == 1))")
    local e = assert(ntsec.explain(d, t, ntsec.MAXIMUM_ALLOWED))
    local a = aces(e)
    assert.same({ "true", "false", "unknown" }, { a[1].condition, a[2].condition, a[3].condition })
    assert.same({ "applied", "condition", "condition" }, { a[1].reason, a[2].reason, a[3].reason })
    assert.equal(FR, e.granted)
  end)

  it("a deny callback applies on UNKNOWN and the table says so", function()
    local d = sd("O:SYG:SYD:(XD;;FW;;;WD;(@User.Missing == 1))(A;;FA;;;WD)")
    local e = assert(ntsec.explain(d, t, FW))
    assert.is_false(e.allowed)
    local a = aces(e)
    assert.same({ "applied", "unknown", FW }, { a[1].reason, a[1].condition, a[1].denied })
    assert.matches("condition unknown", tostring(e), 1, true)
    assert.matches("DENIED", tostring(e), 1, true)
  end)

  it("shows owner rights, their suppression and privileges", function()
    local owner = ntsec.token { user = "S-1-5-21-1-2-3-1001", groups = { "WD" },
      privileges = { "SeTakeOwnershipPrivilege" } }
    local e = assert(ntsec.explain(sd("O:S-1-5-21-1-2-3-1001G:SYD:"), owner, 0x000C0000))   -- WRITE_DAC|WRITE_OWNER
    assert.is_true(e.allowed)
    assert.equal("applied", step(e, "owner").reason)
    assert.equal("SeTakeOwnershipPrivilege", step(e, "privilege").privilege)
    assert.same({ "SeTakeOwnershipPrivilege" }, e.privileges_used)
    e = assert(ntsec.explain(sd("O:S-1-5-21-1-2-3-1001G:SYD:(A;;FR;;;OW)"), owner, 0x00040000))
    assert.is_false(e.allowed)
    assert.equal("owner_rights_ace", step(e, "owner").reason)
    local missing = assert(ntsec.explain(sd("O:SYG:SYD:"), owner, 0x01000000))
    assert.equal("missing", step(missing, "privilege").reason)
    assert.equal(ntsec.STATUS_PRIVILEGE_NOT_HELD, missing.status)
  end)

  it("shows the integrity decision", function()
    local low = ntsec.token { user = "S-1-5-21-1-2-3-1001", groups = { "WD" }, integrity = "LW" }
    local e = assert(ntsec.explain(sd("O:SYG:SYD:(A;;FA;;;WD)S:(ML;;NW;;;ME)"), low, FW))
    local mic = step(e, "integrity")
    assert.equal("label", mic.reason)
    assert.equal(1, mic.policy)
    assert.equal(FR | 0x1200A0, mic.mask)
    assert.matches("refuses", tostring(e), 1, true)
    assert.is_false(e.allowed)
  end)

  it("marks the restricted pass and object-type nodes", function()
    local r = ntsec.token { user = "S-1-5-21-1-2-3-1001", groups = { "WD", "BU" }, restricted_sids = { "WD" } }
    local e = assert(ntsec.explain(sd("O:SYG:SYD:(A;;FA;;;WD)"), r, FR))
    local passes = {}
    for _, s in ipairs(e.steps) do if s.kind == "pass" then passes[#passes + 1] = s.pass end end
    assert.same({ 0, 1 }, passes)
    assert.matches("[restricted SIDs]", tostring(e), 1, true)
    local G1 = "e1000000-0000-0000-0000-000000000000"
    local types = { { level = 0, guid = "e0000000-0000-0000-0000-000000000000" }, { level = 1, guid = G1 } }
    e = assert(ntsec.explain(sd("O:SYG:SYD:(OA;;RP;" .. G1 .. ";;WD)(OA;;WP;e9000000-0000-0000-0000-000000000000;;WD)"),
      r, 0x10, { object_types = types }))
    local a = aces(e)
    assert.equal(2, a[1].node)
    assert.equal("object_type", a[2].reason)
    assert.same({ granted = 0x10, status = 0 }, e.nodes[2])
  end)

  it("agrees with the plain check", function()
    local cases = { "O:SYG:SYD:(A;;FR;;;WD)(D;;FW;;;WD)", "O:SYG:SYD:(D;;FA;;;BA)(A;;FA;;;WD)",
      "O:BAG:SYD:", "O:SYG:SY", "O:SYG:SYD:(XD;;FR;;;WD;(@User.Title == \"PM\"))(A;;FA;;;WD)" }
    for _, c in ipairs(cases) do
      for _, want in ipairs { FR, FW, FA, ntsec.MAXIMUM_ALLOWED, 0x00020000 } do
        local e = assert(ntsec.explain(sd(c), t, want))
        local g, st = explain.check(sd(c), t, want)
        assert.same({ g, st }, { e.granted, e.status }, c)
      end
    end
  end)

  it("prints a readable table", function()
    -- (D;;DC;;;BA): bit 0x2 is not wanted, so the matching deny is idle
    local text = tostring(assert(ntsec.explain(sd("O:SYG:SYD:(D;;0x2;;;BA)(A;;FA;;;WD)"), t, FR)))
    assert.matches("^ntsec.explain: desired 0x00120089", text)
    assert.matches("#1%s+%(D;;DC;;;BA%)%s+idle", text)
    assert.matches("#2%s+%(A;;FA;;;WD%)%s+yes%s+0x00120089", text)
    assert.matches("SID WD matches", text, 1, true)
    assert.matches("result: ALLOWED %(STATUS_SUCCESS%)$", text)
  end)

  it("takes SDDL rights strings and maps generic bits", function()
    local e = assert(ntsec.explain(sd("O:SYG:SYD:(A;;FA;;;WD)"), t, "GR"))
    assert.equal(FR, e.desired)
    e = assert(ntsec.explain(sd("O:SYG:SYD:(A;;FA;;;WD)"), t, "FR"))
    assert.equal(FR, e.granted)
  end)

  it("returns nil and an error for a failed call", function()
    local e, err = ntsec.explain(sd("D:(A;;FA;;;WD)"), t, FR)
    assert.is_nil(e)
    assert.equal("STATUS_INVALID_SECURITY_DESCR", err.name)
  end)
end)
