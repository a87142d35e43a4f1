-- spec/audit_json_spec.lua: output integrity of `bin/ntsec audit` (issue 14,
-- docs/audit.md "Output integrity", docs/audit.schema.json).
-- * --format json writes one JSON document on stdout that validates against
--   the schema, for every example policy, including ones that print;
-- * a descriptor read that fails is reported with its status, never as a
--   mask, and the audit exits 1 (the old failure: every cell 0x0, exit 0);
-- * a skipped record is in the JSON with its reason and the audit exits 1.
-- Expected statuses come from docs/wfp.md (shared/spec/wfp_ks_errors.md):
-- a read while another session holds a read/write transaction waits for the
-- lock and fails with STATUS_FWP_TIMEOUT (0xC0220012) once the observer's
-- 1 ms wait is over; every session-level call of a stopped engine returns
-- EPT_NT_NOT_REGISTERED (0xC0020036) to a kernel caller.
local json = require("dkjson")
local cmd = require("spec.support.cmd")

local STATE = "../shared/data/wfpstate/netsh-wfpstate-1.xml"
local SCHEMA = "docs/audit.schema.json"
-- netsh-wfpstate-1.xml: 82 callouts + the callouts, connections and ALE-endpoint containers
-- form the matrix; every securable object is read after the policy: those 85,
-- the engine, 4 more keyed containers, 12 providers, 20 sublayers, 99 layers
-- and 200 filters (shared/data/README.md counts) = 421, plus the 354 provider
-- contexts and their container (engine objects since issue 12) = 776.
local OBJECTS, SECURABLE = 85, 776

local function audit(policy, format, state)
  return cmd.run(("bin/ntsec audit %s --policy %s --format %s"):format(state or STATE, policy, format))
end

local function assert_valid(text)
  local ok, why = cmd.validate(SCHEMA, text)
  assert(ok, why)
end

describe("bin/ntsec audit --format json", function()
  local examples = {}
  -- Every example policy: rule files (check_*.lua, docs/check.md) and busted
  -- specs (*_spec.lua) are examples of other commands.
  for name in io.popen("ls examples/*.lua"):lines() do
    if not name:match("_spec%.lua$") and not name:match("/check_[^/]*%.lua$") then examples[#examples + 1] = name end
  end

  it("finds the example policies", function()
    assert.is_true(#examples >= 4)
  end)

  for _, policy in ipairs(examples) do
    it("is one valid JSON document for " .. policy, function()
      local out, _, code = audit(policy, "json")
      assert.equal(0, code)
      local doc, _, err = json.decode(out)
      assert(doc, err)
      assert_valid(out)
      assert.is_true(doc.complete)
      assert.equal(82, doc.imported.callouts)
      assert.equal(0, #doc.failed_reads)
    end)
  end

  it("sends the policy's print and io.write to stderr (dynamic_session_rules.lua prints)", function()
    local out, stderr = audit("examples/dynamic_session_rules.lua", "json")
    assert.matches("^{", out)
    assert.matches("}\n$", out)
    assert.matches("callouts container from session A: +FWP_E_DYNAMIC_SESSION_IN_PROGRESS", stderr)
    local policy = cmd.tmpfile('print("from print", 1)\nio.write("from io.write\\n")\n', ".lua")
    out, stderr = audit(policy, "json")
    os.remove(policy)
    assert(json.decode(out))
    assert.equal("from print\t1\nfrom io.write\n", stderr)
  end)

  it("pipes into python3 -m json.tool (the command of the issue, which failed)", function()
    local _, stderr, code = cmd.run(("bash -o pipefail -c 'bin/ntsec audit %s --policy examples/dynamic_session_rules.lua"
      .. " --format json | %s -m json.tool > /dev/null'"):format(STATE, cmd.PYTHON))
    assert(code == 0, stderr)
  end)

  it("carries the provider contexts and each principal's token", function()
    local out = audit("examples/lockdown_callouts.lua", "json")
    local doc = json.decode(out)
    -- netsh-wfpstate-1.xml holds 354 provider contexts (shared/data/README.md table).
    assert.equal(354, doc.provider_contexts)
    assert.equal("SYSTEM", doc.principals[1].name)
    assert.equal("S-1-5-18", doc.principals[1].user)
    assert.equal("S-1-5-32-544", doc.principals[1].groups[1].sid)
  end)
end)

describe("a descriptor read that fails", function()
  local CASES = {
    { what = "a read/write transaction the policy left open",
      policy = 'S = assert(engine:open{token = ntsec.token{user = "SY", groups = {"BA"}}})\n'
        .. "local r = S:begin_transaction()\nassert(r == true or r == 0)\n",
      status = 0xC0220012, name = "STATUS_FWP_TIMEOUT" },
    { what = "an engine the policy stopped", policy = "engine:set_running(false)\n",
      status = 0xC0020036, name = "EPT_NT_NOT_REGISTERED" },
  }
  for _, case in ipairs(CASES) do
    describe("(" .. case.what .. ")", function()
      local policy
      setup(function() policy = cmd.tmpfile(case.policy, ".lua") end)
      teardown(function() os.remove(policy) end)

      it("is reported with its status in JSON, every cell null, and the audit exits 1", function()
        local out, _, code = audit(policy, "json")
        assert.equal(1, code)
        assert_valid(out)
        local doc = json.decode(out, 1, json.null)
        assert.is_false(doc.complete)
        assert.equal(SECURABLE, #doc.failed_reads)
        local during = {}
        for _, f in ipairs(doc.failed_reads) do
          assert.same({ case.status, case.name }, { f.status, f.status_name })
          during[f.during] = (during[f.during] or 0) + 1
        end
        assert.same({ ["access check"] = OBJECTS, ["after the policy"] = SECURABLE - OBJECTS }, during)
        assert.is_true(#doc.access > 0)
        for _, a in ipairs(doc.access) do
          assert.equal(json.null, a.granted)
          assert.same({ case.status, case.name }, { a.status, a.status_name })
        end
      end)

      it("is reported in the text report, which shows no mask and exits 1", function()
        local out, _, code = audit(policy, "text")
        assert.equal(1, code)
        -- Before the policy every read succeeded (that matrix shows masks); after it none did.
        local after = assert(out:match("\nAccess after the policy.-\n\n"))
        assert.not_matches("0x", after)
        assert.matches("\n +FAILED +FAILED .- +FAILED unreadable +82 callouts with this access\n", out)
        assert.matches("%(" .. SECURABLE .. " objects unreadable after the policy could not be compared", out)
        assert.matches("Descriptor reads that failed: " .. SECURABLE, out)
        assert.matches(("82 callouts %%(access check%%): %s 0x%08X"):format(case.name, case.status), out)
        assert.matches("INCOMPLETE REPORT: " .. SECURABLE .. " failed descriptor read%(s%), 0 skipped record%(s%)", out)
      end)
    end)
  end
end)

describe("a recorded call on a locked engine", function()
  it("shows the call's status and the descriptors the engine itself read around it", function()
    -- One session holds a read/write transaction while another (waiting at
    -- most 1 ms) sets the callouts container: the call times out on the lock
    -- (docs/wfp.md, Set path step 3), before the object is looked up, so the
    -- engine's observer (the recorder, docs/audit.md) has no descriptor to
    -- show: before and after are null, and no read failed.
    local policy = cmd.tmpfile([[
local tok = ntsec.token { user = "SY", groups = { { sid = "BA", owner = true } } }
Holder = assert(engine:open { token = tok })
local other = assert(engine:open { token = tok, txn_timeout_ms = 1 })
Holder:begin_transaction()
other:callouts_container():set_security { owner = "BA" }
local r = Holder:commit()
assert(r == true or r == 0)
]], ".lua")
    local out, _, code = audit(policy, "json")
    os.remove(policy)
    assert.equal(0, code)
    assert_valid(out)
    local doc = json.decode(out, 1, json.null)
    local call = doc.writes[1]
    assert.equal("FWP_E_TIMEOUT", call.status_name)
    assert.same({ json.null, json.null }, { call.before, call.after })
    assert.equal(0, #doc.failed_reads)
  end)
end)

describe("a dump with a skipped record", function()
  it("lists it with its reason in text and JSON and exits 1", function()
    -- A second provider with a key in use: STATUS_FWP_ALREADY_EXISTS (wfp_ks_errors.md 5.2).
    local key = "{11111111-2222-3333-4444-555555555555}"
    local dump = cmd.tmpfile(("<wfpstate><providers>\n<item><providerKey>%s</providerKey></item>\n"
      .. "<item><providerKey>%s</providerKey></item>\n</providers></wfpstate>\n"):format(key, key), ".xml")
    local policy = cmd.tmpfile("-- no calls\n", ".lua")
    local out, _, code = audit(policy, "json", dump)
    local text, _, tcode = audit(policy, "text", dump)
    os.remove(dump)
    os.remove(policy)
    assert.equal(1, code)
    assert.equal(1, tcode)
    assert.matches("skipped providers " .. key:gsub("%p", "%%%0") .. " %(line 3%): import_provider: "
      .. "STATUS_FWP_ALREADY_EXISTS", text)
    assert.matches("INCOMPLETE REPORT: 0 failed descriptor read%(s%), 1 skipped record%(s%)", text)
    assert_valid(out)
    local doc = json.decode(out)
    assert.is_false(doc.complete)
    assert.same({ { kind = "providers", key = key, line = 3,
                    reason = "import_provider: STATUS_FWP_ALREADY_EXISTS" } }, doc.skipped)
  end)
end)
