-- ntsec.wfp.security_bytes (src/lua/nl_wfp_snapshot.c, the audit's bulk
-- snapshot read): per key the code and the descriptor bytes the faithful
-- Fwpm*GetSecurityInfoByKey0 gives the same session, the not-found code of
-- wfp_ks_errors.md for a missing key (FWP_E_CALLOUT_NOT_FOUND 0x80320001 in
-- user mode, STATUS_FWP_CALLOUT_NOT_FOUND 0xC0220001 in kernel mode), every
-- read seen by the engine's observer, and programmer errors raising.
local ntsec = require("ntsec")
local netsh = require("ntsec.netsh")
local wfp = ntsec.wfp

local MISSING = "{00000000-1111-2222-3333-444444444444}"
local ALL = ntsec.OWNER_SECURITY_INFORMATION | ntsec.GROUP_SECURITY_INFORMATION | ntsec.DACL_SECURITY_INFORMATION

describe("ntsec.wfp.security_bytes", function()
  local engine, keys
  setup(function()
    engine = wfp.engine()
    keys = {}
    assert(netsh.import_file(engine, "../shared/data/wfpstate/netsh-wfpstate-1.xml", {
      on_record = function(kind, rec) if kind == "callouts" then keys[#keys + 1] = rec.key end end }))
    keys[#keys + 1] = MISSING
  end)
  teardown(function() engine:close() end)

  for _, mode in ipairs({ { kernel = false, missing = 0x80320001 }, { kernel = true, missing = 0xC0220001 } }) do
    it("matches FwpmCalloutGetSecurityInfoByKey0 key by key (kernel_mode = " .. tostring(mode.kernel) .. ")", function()
      local s = assert(engine:open { kernel_mode = mode.kernel, token = ntsec.token { user = "SY", groups = { "BA" } } })
      local codes, bytes = wfp.security_bytes(s, "callout", keys, ALL)
      assert.equal(83, #keys)
      assert.equal(#keys, #codes)
      for i, key in ipairs(keys) do
        local code, sd = wfp.FwpmCalloutGetSecurityInfoByKey0(s, key, ALL)
        assert.equal(code, codes[i])
        if code == 0 then assert.equal(sd:bytes(), bytes[i]) else assert.is_false(bytes[i]) end
      end
      assert.equal(0, codes[1])
      assert.equal(mode.missing, codes[#keys])
      s:close()
    end)
  end

  it("is seen by the engine's observer, one Get event per key", function()
    local s = assert(engine:open { token = ntsec.token { user = "SY", groups = { "BA" } } })
    local seen = 0
    engine:observe(function(ev) if ev.name == "FwpmCalloutGetSecurityInfoByKey0" then seen = seen + 1 end end)
    wfp.security_bytes(s, "callout", { keys[1], keys[2], MISSING }, ALL)
    engine:observe(nil)
    assert.equal(3, seen)
    s:close()
  end)

  it("raises for a keyless or unknown kind, a bad key and a closed session", function()
    local s = assert(engine:open { token = ntsec.token { user = "SY", groups = { "BA" } } })
    assert.has_error(function() wfp.security_bytes(s, "connection", { keys[1] }, ALL) end)
    assert.has_error(function() wfp.security_bytes(s, "nonsense", { keys[1] }, ALL) end)
    assert.has_error(function() wfp.security_bytes(s, "callout", { "not a guid" }, ALL) end)
    s:close()
    assert.has_error(function() wfp.security_bytes(s, "callout", { keys[1] }, ALL) end)
  end)
end)
