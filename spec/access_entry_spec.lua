-- The access-check entry points from Lua (lua/ntsec/access.lua; issue 10,
-- docs/access.md "Entry points"): the Windows-named functions return what
-- Windows returns, ntsec.access.check is the idiomatic form. Expected values
-- are worked out from the entry points' rules (sd_semantics.md 3.2, 3.7).
local ntsec = require("ntsec")

local FILE_MAP = { read = 0x120089, write = 0x120116, execute = 0x1200A0, all = 0x1F01FF }
local OBJ = "11111111-2222-3333-4444-555555555555"
local CHILD = "66666666-7777-8888-9999-aaaaaaaaaaaa"
local USER = "S-1-5-21-9-9-9-1000"

local function token(spec)
  spec = spec or {}
  spec.user = spec.user or USER
  spec.groups = spec.groups or { "WD", "BU" }
  return ntsec.token(spec)
end

describe("access-check entry points", function()
  describe("NtAccessCheck", function()
    it("returns the call status alone when the call fails, in Windows' order", function()
      local primary = token { type = "primary" }
      assert.are.same({ ntsec.STATUS_GENERIC_NOT_MAPPED },
        { ntsec.NtAccessCheck(nil, primary, ntsec.GENERIC_READ, FILE_MAP) })
      assert.are.same({ ntsec.STATUS_NO_IMPERSONATION_TOKEN }, { ntsec.NtAccessCheck(nil, primary, 1, FILE_MAP) })
      local anon = token { type = "impersonation", level = "anonymous" }
      assert.are.same({ ntsec.STATUS_BAD_IMPERSONATION_LEVEL }, { ntsec.NtAccessCheck(nil, anon, 1, FILE_MAP) })
      assert.are.same({ ntsec.STATUS_INVALID_SECURITY_DESCR },
        { ntsec.NtAccessCheck("O:BAD:(A;;FA;;;WD)", token(), 1, FILE_MAP) })
    end)

    it("returns status, granted access and access status for a completed check", function()
      local sd = ntsec.sd("O:BAG:BAD:(A;;0x3;;;WD)(D;;0x4;;;BU)")
      assert.are.same({ ntsec.STATUS_SUCCESS, 0x3, ntsec.STATUS_SUCCESS },
        { ntsec.NtAccessCheck(sd, token(), 0x3, FILE_MAP) })
      assert.are.same({ ntsec.STATUS_SUCCESS, 0, ntsec.STATUS_ACCESS_DENIED },
        { ntsec.NtAccessCheck(sd, token(), 0x5, FILE_MAP) })
    end)

    it("raises on programmer errors", function()
      assert.has_error(function() ntsec.NtAccessCheck("O:BAG:BAD:", token(), "FR", FILE_MAP) end)
      assert.has_error(function() ntsec.NtAccessCheck("O:BAG:BAD:", token(), 1) end)
    end)
  end)

  describe("AccessCheck", function()
    it("returns BOOL, GrantedAccess, AccessStatus and the last error", function()
      local sd = ntsec.sd("O:BAG:BAD:(A;;0x3;;;WD)")
      assert.are.same({ true, 0x1, true, 0 }, { ntsec.AccessCheck(sd, token(), 0x1, FILE_MAP) })
      assert.are.same({ true, 0, false, 5 }, { ntsec.AccessCheck(sd, token(), 0x4, FILE_MAP) })   -- ERROR_ACCESS_DENIED
      assert.are.same({ true, 0, false, 1314 },                                                 -- ERROR_PRIVILEGE_NOT_HELD
        { ntsec.AccessCheck(sd, token(), ntsec.ACCESS_SYSTEM_SECURITY, FILE_MAP) })
      assert.are.same({ false, nil, nil, 1360 },                                                -- ERROR_GENERIC_NOT_MAPPED
        { ntsec.AccessCheck(sd, token(), ntsec.GENERIC_ALL, FILE_MAP) })
      assert.are.same({ false, nil, nil, 1309 },                                                -- ERROR_NO_IMPERSONATION_TOKEN
        { ntsec.AccessCheck(sd, token { type = "primary" }, 1, FILE_MAP) })
    end)
  end)

  describe("NtAccessCheckByType and ResultList", function()
    local list = { { level = 0, guid = OBJ }, { level = 1, guid = CHILD } }
    local sd = ntsec.sd("O:" .. USER .. "G:BUD:(A;;0x1;;;WD)(OD;;0x2;" .. CHILD .. ";;WD)(A;;0x2;;;WD)")

    it("validates the list before the descriptor", function()
      local bad = { { level = 1, guid = OBJ } }
      assert.are.same({ ntsec.STATUS_INVALID_PARAMETER },
        { ntsec.NtAccessCheckByType(nil, nil, token(), 1, bad, FILE_MAP) })
      assert.are.same({ ntsec.STATUS_INVALID_SECURITY_DESCR },
        { ntsec.NtAccessCheckByType(nil, nil, token(), 1, list, FILE_MAP) })
      assert.are.same({ ntsec.STATUS_INVALID_PARAMETER },
        { ntsec.NtAccessCheckByTypeResultList(sd, nil, token(), 1, nil, FILE_MAP) })
    end)

    it("gives one result for ByType and one per entry, with partial grants, for the list", function()
      local want = ntsec.READ_CONTROL | 0x3
      assert.are.same({ ntsec.STATUS_SUCCESS, 0, ntsec.STATUS_ACCESS_DENIED },
        { ntsec.NtAccessCheckByType(sd, nil, token(), want, list, FILE_MAP) })
      local status, granted, statuses = ntsec.NtAccessCheckByTypeResultList(sd, nil, token(), want, list, FILE_MAP)
      assert.equal(ntsec.STATUS_SUCCESS, status)
      assert.are.same({ want, ntsec.READ_CONTROL | 0x1 }, granted)
      assert.are.same({ ntsec.STATUS_SUCCESS, ntsec.STATUS_ACCESS_DENIED }, statuses)
    end)

    it("substitutes PRINCIPAL SELF", function()
      local ps = ntsec.sd("O:BAG:BAD:(A;;0x1;;;PS)")
      assert.are.same({ ntsec.STATUS_SUCCESS, 0x1, ntsec.STATUS_SUCCESS },
        { ntsec.NtAccessCheckByType(ps, USER, token(), 1, nil, FILE_MAP) })
      assert.are.same({ ntsec.STATUS_SUCCESS, 0, ntsec.STATUS_ACCESS_DENIED },
        { ntsec.NtAccessCheckByType(ps, "S-1-5-21-9-9-9-2000", token(), 1, nil, FILE_MAP) })
    end)
  end)

  describe("ntsec.access.check", function()
    it("keeps the default entry point: owner and group required, token type not checked", function()
      local granted, err = ntsec.access.check("O:BAD:(A;;FA;;;WD)", token(), "FR")
      assert.is_nil(granted)
      assert.equal("STATUS_INVALID_SECURITY_DESCR", err.name)
      assert.are.same({ ntsec.FILE_GENERIC_READ, ntsec.STATUS_SUCCESS },
        { ntsec.access.check("O:BAG:BAD:(A;;FA;;;WD)", token { type = "primary" }, "FR") })
    end)

    it("evaluates a descriptor without a group at the kernel entry point, not one without owner", function()
      assert.are.same({ ntsec.FILE_GENERIC_READ, ntsec.STATUS_SUCCESS },
        { ntsec.access.check("O:BAD:(A;;FA;;;WD)", token(), "FR", { entry_point = "kernel" }) })
      local granted, err = ntsec.access.check("D:(A;;FA;;;WD)", token(), "FR", { entry_point = "kernel" })
      assert.is_nil(granted)
      assert.equal("STATUS_INVALID_SECURITY_DESCR", err.name)
    end)

    it("maps generic bits of the request and takes every option", function()
      local sd = "O:BAG:BAD:(A;;GR;;;WD)"
      assert.are.same({ 0x1, ntsec.STATUS_SUCCESS },
        { ntsec.access.check(sd, token(), ntsec.GENERIC_READ, { mapping = { read = 1, write = 2, execute = 4, all = 7 },
          entry_point = "NtAccessCheck" }) })
      local granted, status, entries = ntsec.access.check(sd, token(), "FR",
        { entry_point = "NtAccessCheckByTypeResultList", object_types = { { level = 0, guid = OBJ } } })
      assert.equal(ntsec.FILE_GENERIC_READ, granted)
      assert.equal(ntsec.STATUS_SUCCESS, status)
      assert.are.same({ { granted = ntsec.FILE_GENERIC_READ, status = ntsec.STATUS_SUCCESS } }, entries)
    end)

    it("returns nil, err for bad SDDL text", function()
      local granted, err = ntsec.access.check("O:BAG:BAD:(A;;FA;;;XX)", token(), "FR")
      assert.is_nil(granted)
      assert.is_truthy(err.name:match("^STATUS_INVALID_"))
      assert.is_number(err.offset)
    end)

    it("is strict about options", function()
      assert.has_error(function() ntsec.access.check("O:BAG:BAD:", token(), 1, { entrypoint = "kernel" }) end)
      assert.has_error(function() ntsec.access.check("O:BAG:BAD:", token(), 1, { entry_point = "SeAccessCheck" }) end)
      assert.has_error(function() ntsec.access.check("O:BAG:BAD:", token(), {}) end)
    end)
  end)
end)
