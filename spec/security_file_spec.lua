-- ntsec.security_file and `--security FILE.json` (issue 12, docs/security-file.md):
-- real object descriptors overlaid on an engine loaded from a dump.
-- Fixtures are hand-written files in the documented shape
-- (spec/fixtures/security/). Expected descriptors are derived by hand:
-- a protected DACL written through SetSecurityInfo reads back as D:PAI
-- (docs/audit.md; SEF_DACL_AUTO_INHERIT); an object that inherits gets its
-- container's OI/CI ACEs with ID set and generic bits mapped with
-- FWPM_GENERIC_ALL = 0xF07FF (wfp_ks_errors.md 3.1, 3.3); an inherit-only
-- BA GA ACE of the container comes first, then the BU one, in ACL order.
local ntsec = require("ntsec")
local netsh = require("ntsec.netsh")
local security_file = require("ntsec.security_file")
local json = require("dkjson")
local helper = require("spec.helper")
local cmd = require("spec.support.cmd")

local STATE = helper.data("wfpstate/netsh-wfpstate-1.xml")
local FIX = "spec/fixtures/security/"
local CALLOUT = "{28829633-c4f0-4e66-873f-844db2a899c7}"   -- first callout of the dump
local OTHER = "{fb532136-15cb-440b-937c-1717ca320c40}"     -- second callout
local FILTER = "{c5ff0d42-1664-4d2f-98dd-a31c42eecea7}"    -- STREAM_FILTER
local ALL = ntsec.OWNER_SECURITY_INFORMATION | ntsec.GROUP_SECURITY_INFORMATION | ntsec.DACL_SECURITY_INFORMATION

local function loaded()
  local engine = ntsec.wfp.engine()
  assert(netsh.import_file(engine, STATE))
  return engine
end

-- Every securable object's descriptor bytes, read with the faithful Get
-- functions of a kernel session (independent of ntsec.audit).
local function all_descriptors(engine)
  local k = assert(engine:open { kernel_mode = true, token = ntsec.token { user = "SY" } })
  local wfp, out = ntsec.wfp, {}
  local function put(name, code, sd)
    assert.equal(0, code, name)
    out[name] = sd:bytes()
  end
  put("engine", wfp.FwpmEngineGetSecurityInfo0(k, ALL))
  put("connections", wfp.FwpmConnectionGetSecurityInfo0(k, ALL))
  put("endpoints", wfp.FwpsAleEndpointGetSecurityInfo0(k, ALL))
  for _, kind in ipairs({ { "Provider", "providers" }, { "SubLayer", "sublayers" }, { "Layer", "layers" },
                          { "Callout", "callouts" }, { "Filter", "filters" } }) do
    local get = wfp["Fwpm" .. kind[1] .. "GetSecurityInfoByKey0"]
    put(kind[2], get(k, nil, ALL))
    for _, o in ipairs(engine[kind[2]](engine)) do put(o.key, get(k, o.key, ALL)) end
  end
  k:close()
  return out
end

local function sd_bytes(sddl) return assert(ntsec.sd(sddl)):bytes() end

describe("ntsec.security_file", function()
  it("reads the documented shape: engine, containers, objects (keys in any case)", function()
    local overlay = assert(security_file.load(FIX .. "machine1.json"))
    assert.is_table(overlay.engine)
    assert.equal(1, #overlay.containers)
    assert.equal("callouts", overlay.containers[1].container)
    assert.equal(2, #overlay.objects)
    assert.equal(FILTER, overlay.objects[2].key)   -- written in upper case in the file
  end)

  it("overlays the descriptors, parents first, inheritance recomputed", function()
    local engine = loaded()
    local summary = assert(security_file.apply_file(engine, FIX .. "machine1.json"))
    assert.same({ "engine", "callouts container", "callout " .. CALLOUT, "filter " .. FILTER },
      { summary.applied[1].label, summary.applied[2].label, summary.applied[3].label, summary.applied[4].label })
    local got = all_descriptors(engine)
    assert.equal(sd_bytes("O:SYG:SYD:PAI(A;;0xf07ff;;;SY)"), got[CALLOUT])
    assert.equal(sd_bytes("O:BAG:SYD:PAI(D;;SD;;;WD)(A;;0xf07ff;;;BA)"), got[FILTER])
    assert.equal(sd_bytes("O:BAG:LSD:PAI(A;;0xf07ff;;;BA)(A;OICIIO;GA;;;BA)(A;OICI;0x201d4;;;BU)"), got.callouts)
    -- not in the file: inherits from the overlaid callouts container
    assert.equal(sd_bytes("O:BAG:LSD:AI(A;ID;0xf07ff;;;BA)(A;ID;0x201d4;;;BU)"), got[OTHER])
    -- a container not in the file inherits from the overlaid engine
    assert.equal(sd_bytes("O:BAG:LSD:AI(A;ID;0xf07ff;;;BA)(A;OICIIOID;GA;;;BA)(A;OICIID;RPDT;;;WD)"), got.connections)
    engine:close()
  end)

  local BAD = {
    { file = "bad-sddl.json",
      detail = "bad-sddl.json: objects[2] (callout " .. OTHER .. "): SDDL does not parse at offset 27" },
    { file = "unknown-object.json",
      detail = "unknown-object.json: objects[2] (filter {00000000-1111-2222-3333-444444444444}): no such filter"
        .. " in the engine (STATUS_FWP_FILTER_NOT_FOUND)" },
    { file = "unknown-kind.json", detail = "unknown-kind.json: objects[1]: unknown kind calout" },
    { file = "truncated.json", detail = "truncated.json: not JSON" },
    { file = "missing.json", detail = "missing.json: No such file" },
  }
  for _, case in ipairs(BAD) do
    it("refuses " .. case.file .. " naming what failed, and changes nothing", function()
      local engine = loaded()
      local before = all_descriptors(engine)
      local ok, err = security_file.apply_file(engine, FIX .. case.file)
      assert.is_nil(ok)
      assert.is_true(ntsec.errors.is_error(err))
      assert.equal("STATUS_INVALID_PARAMETER", err.name)
      assert.equal("security_file", err.op)
      assert.matches(case.detail, err.detail, 1, true)
      assert.not_matches("\n", err.detail)
      assert.same(before, all_descriptors(engine))
      engine:close()
    end)
  end

  it("refuses unknown fields and the null GUID as an object key", function()
    local _, err = security_file.decode('{"engine":{"sddl":"O:BA","owner":"x"}}', "f.json")
    assert.equal("f.json: engine: unknown field 'owner'", err.detail)
    _, err = security_file.decode('{"objects":[{"kind":"callout","key":"{00000000-0000-0000-0000-000000000000}",'
      .. '"sddl":"O:BA"}]}', "f.json")
    assert.matches("the null GUID names the container; use containers.callouts", err.detail, 1, true)
    _, err = security_file.decode('{"containers":{"calouts":{"sddl":"O:BA"}}}', "f.json")
    assert.matches("f.json: containers.calouts: unknown container", err.detail, 1, true)
  end)
end)

describe("--security on the command line", function()
  local noop
  setup(function() noop = cmd.tmpfile("-- no calls\n", ".lua") end)
  teardown(function() os.remove(noop) end)

  it("audit: the overlay's access and provenance", function()
    local out, _, code = cmd.run(("bin/ntsec audit %s --policy %s --security %smachine1.json --format json")
      :format(STATE, noop, FIX))
    assert.equal(0, code)
    assert(cmd.validate("docs/audit.schema.json", out))
    local doc = json.decode(out, 1, json.null)
    assert.same({ file = FIX .. "machine1.json", applied = 4 }, doc.security)
    local granted, prov = {}, {}
    for _, a in ipairs(doc.access) do granted[a.principal .. "|" .. a.object] = a.granted end
    for _, o in ipairs(doc.objects) do prov[o.object] = o.provenance end
    -- the callout protected for SYSTEM alone: SYSTEM FWPM_GENERIC_ALL, the
    -- elevated administrator (not the owner, SY is) nothing
    assert.equal(0xF07FF, granted["SYSTEM|callout " .. CALLOUT])
    assert.equal(0, granted["admin-elevated|callout " .. CALLOUT])
    -- Users hold 0x201d4 through the container's inheritable ACE; Everyone nothing
    assert.equal(0x201D4, granted["user|callout " .. OTHER])
    assert.equal(0, granted["everyone|callout " .. OTHER])
    assert.same({ source = "security-file", call = json.null,
                  detail = FIX .. "machine1.json: objects[1] (callout " .. CALLOUT .. ")" }, prov["callout " .. CALLOUT])
    assert.same({ source = "security-file", call = json.null,
                  detail = FIX .. "machine1.json: inherited from the callouts container descriptor it sets" },
      prov["callout " .. OTHER])
    assert.equal("security-file", prov["connections container"].source)
  end)

  it("audit, check and diff: a malformed file is one line and exit 2", function()
    local bad = " --security " .. FIX .. "bad-sddl.json"
    for _, line in ipairs({ "bin/ntsec audit " .. STATE .. " --policy " .. noop .. bad,
                            "bin/ntsec check " .. STATE .. " --rules builtin" .. bad,
                            "bin/ntsec diff " .. STATE .. " " .. STATE .. bad }) do
      local out, stderr, code = cmd.run(line)
      assert.equal(2, code, line)
      assert.equal("", out)
      assert.equal("ntsec: " .. FIX .. "bad-sddl.json: objects[2] (callout " .. OTHER .. "): SDDL does not parse"
        .. " at offset 27: O:SYG:SYD:P(A;;0xf07ff;;;SY\n", stderr)
    end
  end)

  it("check: exactly the findings the planted descriptors cause", function()
    -- Without the file the only findings are the two shadowed AppContainer
    -- loopback blocks (filters 66883 and 66884 under 66877 and 66878 in the
    -- XML; spec/check_cli_spec.lua), which no descriptor changes.
    local _, _, code = cmd.run(("bin/ntsec check %s --rules builtin"):format(STATE))
    assert.equal(1, code)
    local out
    out, _, code = cmd.run(("bin/ntsec check %s --rules builtin --security %smachine1.json --format json")
      :format(STATE, FIX))
    assert.equal(1, code)
    local doc = json.decode(out, 1, json.null)
    local got = {}
    for _, f in ipairs(doc.findings) do got[#got + 1] = f.rule .. " " .. (f.object.key or f.object.name) end
    table.sort(got)
    -- BU holds READ etc. beyond OPEN|CLASSIFY on the callouts container; the
    -- deny-DELETE-for-Everyone ACE on STREAM_FILTER removes BA's DELETE.
    assert.same({ "wfp-admin-deny " .. FILTER,
                  "wfp-ale-permit-above-block {0dbb778e-d7fd-4d29-9f2c-8e2ce313407b}",
                  "wfp-ale-permit-above-block {f084353a-741c-487c-a624-f7e99a327a4f}",
                  "wfp-broad-access callouts" }, got)
  end)

  it("diff: one file for both states, or one per state", function()
    local _, _, code = cmd.run(("bin/ntsec diff %s %s --security %smachine1.json"):format(STATE, STATE, FIX))
    assert.equal(0, code)
    local out
    out, _, code = cmd.run(("bin/ntsec diff %s %s --security %sempty.json --security %smachine1.json --format json")
      :format(STATE, STATE, FIX, FIX))
    assert.equal(1, code)
    local doc = json.decode(out, 1, json.null)
    -- The overlaid engine DACL drops the default's NO and service-SID ACEs,
    -- so every descriptor changes: 12 providers, 20 sublayers, 99 layers,
    -- 82 callouts, 200 filters and the 8 containers (engine included) = 421,
    -- and the 354 provider contexts with their container = 776.
    assert.equal(776, #doc.changed)
    assert.equal(0, #doc.added + #doc.removed)
  end)
end)
