-- audit.run's timings option (bench/scale_child.lua prints the phases of the
-- big-dump figure, docs/performance.md): the run fills the table with the
-- CPU seconds of each phase, the result does not change, and the option is
-- strict like the others.
local audit = require("ntsec.audit")
local report = require("ntsec.report")
local helper = require("spec.helper")

local PHASES = { "import", "snapshot_before", "policy", "snapshot_after", "compare", "flows" }

describe("audit.run timings", function()
  local state, noop = helper.data("wfpstate/netsh-wfpstate-1.xml"), os.tmpname()
  setup(function()
    local f = assert(io.open(noop, "w"))
    f:write("-- no calls\n")
    f:close()
  end)
  teardown(function() os.remove(noop) end)

  it("fills one non-negative CPU time per phase, within the run's own time", function()
    local timings = {}
    local t0 = os.clock()
    assert(audit.run { state = state, policy = noop, timings = timings })
    local total = os.clock() - t0
    local sum, keys = 0, {}
    for k, v in pairs(timings) do
      keys[#keys + 1] = k
      assert.is_number(v)
      assert.is_true(v >= 0, k)
      sum = sum + v
    end
    table.sort(keys)
    local want = { table.unpack(PHASES) }
    table.sort(want)
    assert.are.same(want, keys)
    assert.is_true(sum <= total + 1e-6)
  end)

  it("leaves the report as it is without timings", function()
    local a = assert(audit.run { state = state, policy = noop, timings = {} })
    local b = assert(audit.run { state = state, policy = noop })
    assert.are.equal(report.text(b, { state = state, policy = noop }), report.text(a, { state = state, policy = noop }))
  end)

  it("raises for timings that is not a table", function()
    assert.has_error(function() audit.run { state = state, policy = noop, timings = true } end)
  end)
end)
