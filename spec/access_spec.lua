-- The access check through the Lua API (sd_semantics.md 3; [MS-DTYP]
-- 2.5.3.2-2.5.3.3): Windows ground truth of 3.8, Microsoft's "How DACLs
-- control access to an object" example, and the parts issue 4 added
-- (integrity, restricted tokens, backup intent, object-type lists,
-- conditional ACEs, token options). Expected values are worked out by hand.
local ntsec = require("ntsec")
local explain = require("ntsec.explain")
local helper = require("spec.helper")

local FR, FW, FX, FA = 0x120089, 0x120116, 0x1200A0, 0x1F01FF
local KEY = { read = 0x20019, write = 0x20006, execute = 0x20019, all = 0xF003F }
local MAX = ntsec.MAXIMUM_ALLOWED
local DENIED, OK = ntsec.STATUS_ACCESS_DENIED, ntsec.STATUS_SUCCESS

local function sd(s) return assert(ntsec.sd(s)) end

local function user(extra)
  local spec = { user = "S-1-5-21-1-2-3-1001", groups = { "WD", "BU", "AU" } }
  for k, v in pairs(extra or {}) do spec[k] = v end
  return ntsec.token(spec)
end

describe("access check", function()
  describe("Windows outcomes (3.8, WINE-TEST test_AccessCheck)", function()
    local admin = ntsec.token { user = "S-1-5-21-1-2-3-500", groups = { "WD", { sid = "BA", owner = true }, "BU" } }

    it("a descriptor without owner or group fails the call", function()
      -- the call fails (not a denial): nil, err (docs/design.md)
      local g, err = ntsec.access_check(sd("D:(A;;KR;;;WD)"), admin, 0x20019, KEY)
      assert.is_nil(g)
      assert.equal(ntsec.STATUS_INVALID_SECURITY_DESCR, err.code)
      assert.equal("STATUS_INVALID_SECURITY_DESCR", err.name)
      assert.equal("access_check", err.op)
      g, err = explain.check(sd("D:(A;;KR;;;WD)"), admin, 0x20019, KEY)
      assert.is_nil(g)
      assert.equal(ntsec.STATUS_INVALID_SECURITY_DESCR, err.code)
    end)

    it("absent DACL grants, NULL DACL + MAXIMUM_ALLOWED gives GenericAll, empty DACL denies", function()
      assert.same({ 0x20019, OK }, { explain.check(sd("O:SYG:SY"), admin, 0x20019, KEY) })
      assert.same({ 0xF003F, OK }, { explain.check(sd("O:SYG:SYD:NO_ACCESS_CONTROL"), admin, MAX, KEY) })
      assert.same({ 0, DENIED }, { explain.check(sd("O:SYG:SYD:"), admin, 0x20019, KEY) })
    end)

    it("(A;;KR;;;WD)(D;;KW-bit;;;BA): KEY_READ granted, KEY_WRITE denied", function()
      local d = sd("O:SYG:SYD:(A;;KR;;;WD)(D;;0x2;;;BA)")
      assert.same({ 0x20019, OK }, { explain.check(d, admin, 0x20019, KEY) })
      assert.same({ 0, DENIED }, { explain.check(d, admin, 0x20006, KEY) })
    end)

    it("ACCESS_SYSTEM_SECURITY needs SeSecurityPrivilege", function()
      local d = sd("O:SYG:SYD:(A;;KA;;;WD)")
      assert.same({ 0, ntsec.STATUS_PRIVILEGE_NOT_HELD }, { explain.check(d, admin, 0x01000000, KEY) })
      local priv = ntsec.token { user = "S-1-5-21-1-2-3-500", groups = { "WD" }, privileges = { "SeSecurityPrivilege" } }
      assert.same({ 0x01000000, OK }, { explain.check(d, priv, 0x01000000, KEY) })
    end)

    it("an inherit-only allow ACE does not grant", function()
      assert.same({ 0, DENIED }, { explain.check(sd("O:SYG:SYD:(A;IO;KR;;;WD)"), admin, 0x20019, KEY) })
    end)

    it("token type and level with nt_api (3.2 rows 2-3)", function()
      local primary = user { type = "primary" }
      local g, err = explain.check(sd("O:SYG:SYD:(A;;FA;;;WD)"), primary, FR, { nt_api = true })
      assert.same({ nil, "STATUS_NO_IMPERSONATION_TOKEN" }, { g, err.name })
      assert.same({ FR, OK }, { explain.check(sd("O:SYG:SYD:(A;;FA;;;WD)"), primary, FR) })
      local anon = user { level = "anonymous" }
      g, err = explain.check(sd("O:SYG:SYD:(A;;FA;;;WD)"), anon, FR, { nt_api = true })
      assert.same({ nil, "STATUS_BAD_IMPERSONATION_LEVEL" }, { g, err.name })
    end)
  end)

  describe("MSDOC how-dacls-control-access-to-an-object", function()
    -- ACE 1: deny Andrew read/write/execute; ACE 2: allow Group A write;
    -- ACE 3: allow Everyone read and execute.
    local dacl = "O:SYG:SYD:(D;;GRGWGX;;;S-1-5-21-9-9-9-1100)(A;;GW;;;S-1-5-21-9-9-9-2000)(A;;GRGX;;;WD)"
    local andrew = ntsec.token { user = "S-1-5-21-9-9-9-1100", groups = { "WD", "S-1-5-21-9-9-9-2000" } }
    local jane = ntsec.token { user = "S-1-5-21-9-9-9-1200", groups = { "WD", "S-1-5-21-9-9-9-2000" } }

    it("thread A (Andrew) is denied by ACE 1; ACEs 2 and 3 are not checked", function()
      local e = ntsec.explain(sd(dacl), andrew, FR | FW)
      assert.is_false(e.allowed)
      local aces = {}
      for _, s in ipairs(e.steps) do if s.kind == "ace" then aces[#aces + 1] = s.reason end end
      assert.same({ "applied", "not_reached", "not_reached" }, aces)
    end)

    it("thread B (Jane): write from ACE 2, read and execute from ACE 3", function()
      local e = ntsec.explain(sd(dacl), jane, FR | FW | FX)
      assert.is_true(e.allowed)
      assert.equal(FR | FW | FX, e.granted)
    end)

    it("with the deny ACE last, Andrew would have been granted (order matters)", function()
      local reordered = "O:SYG:SYD:(A;;GW;;;S-1-5-21-9-9-9-2000)(A;;GRGX;;;WD)(D;;GRGWGX;;;S-1-5-21-9-9-9-1100)"
      assert.same({ FR | FW, OK }, { explain.check(sd(reordered), andrew, FR | FW) })
    end)
  end)

  describe("MAXIMUM_ALLOWED (3.4, recommendation: order-sensitive)", function()
    it("allow then deny keeps the allow; deny then allow denies", function()
      assert.same({ FA, OK }, { explain.check(sd("O:SYG:SYD:(A;;GA;;;WD)(D;;GA;;;WD)"), user(), MAX) })
      assert.same({ 0, DENIED }, { explain.check(sd("O:SYG:SYD:(D;;GA;;;WD)(A;;GA;;;WD)"), user(), MAX) })
    end)
  end)

  describe("mandatory integrity (3.6)", function()
    it("a low token cannot write to an unlabeled (medium) object", function()
      local low = user { integrity = "LW" }
      local d = sd("O:SYG:SYD:(A;;FA;;;WD)")
      assert.same({ 0, DENIED }, { explain.check(d, low, FW) })
      assert.same({ FR | FX, OK }, { explain.check(d, low, MAX) })
      assert.same({ FW, OK }, { explain.check(d, user { integrity = 0x2000 }, FW) })
    end)

    it("no-read-up labels and the token's policy", function()
      local d = sd("O:SYG:SYD:(A;;FA;;;WD)S:(ML;;NWNR;;;HI)")
      assert.same({ FX, OK }, { explain.check(d, user { integrity = "ME" }, MAX) })
      local off = user { integrity = "ME", mandatory_policy = ntsec.TOKEN_MANDATORY_POLICY_OFF }
      assert.same({ FA, OK }, { explain.check(d, off, MAX) })
      assert.equal("S-1-16-8192", tostring(ntsec.core.token_integrity(user { integrity = "ME" })))
    end)
  end)

  describe("restricted tokens (3.1)", function()
    it("grants what both the normal and the restricted pass grant", function()
      local t = user { restricted_sids = { "WD" } }
      local d = sd("O:SYG:SYD:(A;;FR;;;WD)(A;;FW;;;BU)")
      assert.same({ FR, OK }, { explain.check(d, t, MAX) })
      assert.same({ 0, DENIED }, { explain.check(d, t, FW) })
      assert.equal(1, #ntsec.core.token_restricted_sids(t))
    end)
  end)

  describe("backup intent (3.5)", function()
    it("SeBackupPrivilege reads anything only with backup intent", function()
      local t = user { privileges = { "SeBackupPrivilege" } }
      local d = sd("O:SYG:SYD:")
      assert.same({ 0, DENIED }, { explain.check(d, t, FR) })
      assert.same({ FR, OK }, { explain.check(d, t, FR, { backup_intent = true }) })
      local e = ntsec.explain(d, t, FR, { backup_intent = true })
      assert.same({ "SeBackupPrivilege" }, e.privileges_used)
    end)
  end)

  describe("object-type lists (3.7)", function()
    local G0, G1, G2 = "e0000000-0000-0000-0000-000000000000", "e1000000-0000-0000-0000-000000000000",
      "e2000000-0000-0000-0000-000000000000"
    local types = { { level = 0, guid = G0 }, { level = 1, guid = G1 }, { level = 1, guid = G2 } }

    it("an object ACE grants its node; the object needs every child", function()
      local d = sd("O:SYG:SYD:(OA;;RP;" .. G1 .. ";;WD)")
      local g, st, nodes = explain.check(d, user(), 0x10, { object_types = types })
      assert.same({ 0, DENIED }, { g, st })
      assert.same({ granted = 0x10, status = OK }, nodes[2])
      assert.same({ granted = 0, status = DENIED }, nodes[3])
      d = sd("O:SYG:SYD:(OA;;RP;" .. G1 .. ";;WD)(OA;;RP;" .. G2 .. ";;WD)")
      g, st = explain.check(d, user(), 0x10, { object_types = types })
      assert.same({ 0x10, OK }, { g, st })
    end)

    it("without a list object ACEs act as plain ACEs (3.7)", function()
      assert.same({ 0x10, OK }, { explain.check(sd("O:SYG:SYD:(OA;;RP;" .. G1 .. ";;WD)"), user(), 0x10) })
    end)

    it("PRINCIPAL_SELF is replaced by principal_self", function()
      local d = sd("O:SYG:SYD:(A;;FR;;;PS)")
      assert.same({ 0, DENIED }, { explain.check(d, user(), FR) })
      assert.same({ FR, OK }, { explain.check(d, user(), FR, { principal_self = "S-1-5-21-1-2-3-1001" }) })
    end)
  end)

  describe("conditional ACEs (2.11, 3.7)", function()
    it("allow on TRUE only, deny on TRUE or UNKNOWN", function()
      local pm = user { claims = { user = { Title = "PM" } } }
      local nobody = user()
      local allow = sd('O:SYG:SYD:(XA;;FR;;;WD;(@User.Title == "PM"))')
      local deny = sd('O:SYG:SYD:(XD;;FR;;;WD;(@User.Title != "PM"))(A;;FA;;;WD)')
      assert.same({ FR, OK }, { explain.check(allow, pm, FR) })
      assert.same({ 0, DENIED }, { explain.check(allow, nobody, FR) })
      assert.same({ FR, OK }, { explain.check(deny, pm, FR) })
      assert.same({ 0, DENIED }, { explain.check(deny, nobody, FR) })
    end)

    it("device claims, device groups and resource attributes", function()
      local t = user { claims = { device = { colour = "blue", legs = 4 } }, device_groups = { "BA" } }
      local d = sd('O:SYG:SYD:(XA;;FR;;;WD;((@Device.colour == @Resource.colour) && (Device_Member_of {SID(BA)})))'
        .. 'S:(RA;;;;;WD;("colour",TS,0x0,"BLUE"))')
      assert.same({ FR, OK }, { explain.check(d, t, FR) })
      assert.same({ FR, OK }, { explain.check(sd("O:SYG:SYD:(XA;;FR;;;WD;(@Device.legs > 3))"), t, FR) })
    end)

    it("typed claims: uint64, case-sensitive strings, SIDs, octets", function()
      local t = user { claims = { user = {
        big = { type = "uint64", values = { -1 } },
        name = { type = "string", values = { "Ann" }, case_sensitive = true },
        boss = { type = "sid", values = { "BA" } },
        blob = { type = "octets", values = { "\1\2" } },
      } } }
      local function cond(expr) return explain.check(sd("O:SYG:SYD:(XA;;FR;;;WD;" .. expr .. ")"), t, FR) end
      assert.equal(FR, cond("(@User.big == 0xffffffffffffffff)"))
      assert.equal(0, cond('(@User.name == "ann")'))
      assert.equal(FR, cond("(@User.boss == SID(BA))"))
      assert.equal(FR, cond("(@User.blob == #0102)"))
    end)
  end)

  describe("Windows-produced conditional descriptors (conformance, set conditional_aces)", function()
    -- The descriptors are built from Windows' own bytes; the results follow
    -- DTYP's three-valued rules for the token each case names.
    local bytes = {}
    for _, row in ipairs(helper.tsv(helper.data("conformance/windows_sddl_to_binary.tsv"))) do
      if row[1] == "conditional_aces" then bytes[row[2]] = row[3] end
    end
    local function windows_sd(s)
      local hex = assert(bytes[s], "not in the data: " .. s)
      return assert(ntsec.sd.from_bytes(helper.unhex(hex)))
    end

    local cases = {
      -- { SDDL key, token spec, desired, expected granted }
      { "D:(XA;;FX;;;S-1-1-0;(@User.Title == \"PM\"))", { claims = { user = { Title = "pm" } } }, FX, FX },
      { "D:(XA;;FX;;;S-1-1-0;(@User.Title == \"PM\"))", {}, FX, 0 },
      { "D:(XA;;FX;;;S-1-1-0;(@User.Title==\"PM\" && (@User.Division==\"Finance\" || @User.Division ==\"Sales\")))",
        { claims = { user = { Title = "PM", Division = "Sales" } } }, FX, FX },
      { "D:(XA;;FX;;;S-1-1-0;(@User.Title==\"PM\" && (@User.Division==\"Finance\" || @User.Division ==\"Sales\")))",
        { claims = { user = { Title = "PM", Division = "HR" } } }, FX, 0 },
      { "D:(XA;;0x1f;;;AA;(@Device.legs >= 1))", { groups = { "WD", "AA" }, claims = { device = { legs = 1 } } }, 0x1f, 0x1f },
      { "D:(XA;;0x1f;;;AA;(@Device.legs >= 1))", { groups = { "WD", "AA" }, claims = { device = { legs = 0 } } }, 0x1f, 0 },
      { "D:(XA;;0x1f;;;AA;(Device_Member_of{SID(AA)} || Member_of{SID(WD)}))", { groups = { "WD", "AA" } }, 0x1f, 0x1f },
      { "D:(XA;;0x1f;;;AA;(Device_Member_of{SID(BA)} && Member_of{SID(WD)}))", { groups = { "WD", "AA" } }, 0x1f, 0 },
      { "D:(XA;;0x1f;;;AA;(Device_Member_of{SID(BA)} && Member_of{SID(WD)}))",
        { groups = { "WD", "AA" }, device_groups = { "BA" } }, 0x1f, 0x1f },
      { "D:(XA;;0x1f;;;AA;(@Device.colour == {\"orange\", \"blue\"}))",
        { groups = { "WD", "AA" }, claims = { device = { colour = { "blue", "orange" } } } }, 0x1f, 0x1f },
      { "D:(XA;;0x1f;;;AA;(@Device.colour == {\"orange\", \"blue\"}))",
        { groups = { "WD", "AA" }, claims = { device = { colour = "blue" } } }, 0x1f, 0 },
      { "D:(XA;;0x1f;;;AA;(!(! (Member_of{SID(AA)}))))", { groups = { "WD", "AA" } }, 0x1f, 0x1f },
      { "D:(XA;;0x1ff;;;WD;(Member_of_Any{SID(S-1-222-333)}))", { groups = { "WD", "S-1-222-333" } }, 0x1ff, 0x1ff },
      { "D:(XA;;0x1ff;;;WD;(Member_of_Any{SID(S-1-222-333)}))", {}, 0x1ff, 0 },
      { "D:(XA;;FR;;;S-1-1-0;(@Device.Bitlocker && @Device.Bitlocker))",
        { claims = { device = { Bitlocker = true } } }, FR, FR },
      { "D:(XA;;FR;;;S-1-1-0;(@USER.A || @Device.B && @USER.C))",
        { claims = { device = { B = true }, user = { C = false } } }, FR, 0 },       -- U || (T && F) = U
      { "D:(XA;;FR;;;S-1-1-0;(@USER.A || @Device.B && @USER.C))",
        { claims = { user = { A = 1 } } }, FR, FR },                               -- T || ... = T
      { "D:AI(XA;OICI;FA;;;WD;(OctetStringType==#01020300))",
        { claims = { ["local"] = { OctetStringType = { type = "octets", values = { "\1\2\3\0" } } } } }, FA, FA },
      { "D:AI(XA;OICI;FA;;;WD;(OctetStringType==##1#2#3##))",
        { claims = { ["local"] = { OctetStringType = { type = "octets", values = { "\1\2\3\0" } } } } }, FA, FA },
      { "D:(XA;;CC;;;AA;(a == @User.a))", { groups = { "WD", "AA" }, claims = { ["local"] = { a = 3 }, user = { a = 3 } } },
        0x1, 0x1 },
      { "D:(XA;;CC;;;S-1-2-3;(@User.Title != @User.Title))", { groups = { "WD", "S-1-2-3" },
        claims = { user = { Title = "x" } } }, 0x1, 0 },
    }

    for i, c in ipairs(cases) do
      it(("case %d: %s"):format(i, c[1]), function()
        local d = windows_sd(c[1])
        local spec = { user = "S-1-5-21-1-2-3-1001", groups = { "WD" } }
        for k, v in pairs(c[2]) do spec[k] = v end
        local t = ntsec.token(spec)
        -- owner/group are absent in these strings: rebuild with O:SY G:SY
        local full = assert(ntsec.sd.build { owner = "SY", group = "SY", dacl = d.dacl })
        local granted = explain.check(full, t, c[3] ~= 0 and c[3] or MAX)
        assert.equal(c[4], c[3] ~= 0 and granted or granted & c[3])
      end)
    end

    it("condition results of mask-less ACEs: (@Device.bb == 0xffffffff) and 0x7fffffffffffffff", function()
      local t = user { claims = { device = { bb = { type = "uint64", values = { 0xffffffff } } } } }
      local d1 = windows_sd("D:(XA;;;;;WD;(@Device.bb == 0xffffffff))")
      local d2 = windows_sd("D:(XA;;;;;WD;(@Device.bb == 0x7fffffffffffffff))")
      assert.equal("true", ntsec.core.evaluate_condition(d1.dacl[1].data, t))
      assert.equal("false", ntsec.core.evaluate_condition(d2.dacl[1].data, t))
      assert.equal("unknown", ntsec.core.evaluate_condition(d1.dacl[1].data, user()))
    end)

    it("deny callback ACEs from the data: (XD;;FX;;;WD;(@USER.Project Any_of 1))", function()
      local d = assert(ntsec.sd.build { owner = "SY", group = "SY",
        dacl = windows_sd("D:(XD;;FX;;;WD;(@USER.Project Any_of 1))").dacl })
      local plus = assert(ntsec.sd.build { owner = "SY", group = "SY",
        dacl = assert(ntsec.acl(tostring(d.dacl) .. "(A;;FA;;;WD)")) })
      assert.equal(0, (explain.check(plus, user { claims = { user = { Project = { 1, 2 } } } }, FX)))  -- TRUE
      assert.equal(0, (explain.check(plus, user(), FX)))                                               -- UNKNOWN
      -- Any_of with one literal on the right is UNKNOWN, as Windows has it (issue 10, samba-0171)
      assert.equal(0, (explain.check(plus, user { claims = { user = { Project = 3 } } }, FX)))       -- UNKNOWN
    end)
  end)

  describe("token options", function()
    it("keep the plain constructor working and reject bad input", function()
      local t = ntsec.token { user = "SY", groups = { "BA" } }
      assert.equal(1, #t:groups())
      assert.has_error(function() ntsec.token { user = "SY", claims = { user = { x = {} } } } end)
      assert.has_error(function() ntsec.token { user = "SY", claims = { nowhere = { x = 1 } } } end)
      assert.has_error(function() ntsec.token { user = "SY", type = "odd" } end)
      assert.has_error(function() ntsec.token { user = "SY", owner = "BA" } end)    -- not assignable
    end)

    it("owner, primary group and default DACL feed new_security", function()
      local t = ntsec.token { user = "S-1-5-21-1-2-3-1001", groups = { { sid = "BU", owner = true } },
        owner = "BU", primary_group = "BU", default_dacl = "(A;;GA;;;SY)" }
      local child = assert(ntsec.new_security(nil, nil, false, { token = t, mapping = "file" }))
      assert.equal("O:BUG:BUD:(A;;FA;;;SY)", child:sddl())
    end)
  end)
end)
