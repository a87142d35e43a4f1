-- ntsec.json: every JSON document ntsec writes has its keys in a fixed
-- order (named keys first, the rest sorted), so that two runs over the same
-- input give the same bytes. Expected texts are written out by hand.
local json = require("ntsec.json")

describe("ntsec.json.encode", function()
  it("sorts keys at every depth, numbers before strings", function()
    local t = { zeta = 1, alpha = { b = 2, a = 1 }, [10] = "ten", [2] = "two", list = { { y = 1, x = 2 } } }
    assert.equal('{"2":"two","10":"ten","alpha":{"a":1,"b":2},"list":[{"x":2,"y":1}],"zeta":1}', json.encode(t))
  end)

  it("writes the keyorder keys first, in that order, wherever they occur", function()
    local t = { a = 1, mid = json.null, z = { x = 1, mid = 2, b = 3 } }
    assert.equal('{"z":{"z":null,"mid":2,"b":3,"x":1},"mid":null,"a":1}',
      json.encode({ z = { z = json.null, x = 1, mid = 2, b = 3 }, mid = json.null, a = 1 },
        { keyorder = { "z", "mid" } }))
    assert.equal('{"mid":null,"a":1,"z":{"mid":2,"b":3,"x":1}}', json.encode(t, { keyorder = { "mid" } }))
  end)

  it("gives the same text however the table was filled", function()
    local keys = {}
    for i = 1, 200 do keys[i] = ("k%03d"):format(i) end
    local forward, backward = {}, {}
    for i = 1, #keys do forward[keys[i]] = i end
    for i = #keys, 1, -1 do backward[keys[i]] = i end
    local text = json.encode(forward)
    assert.equal(text, json.encode(backward))
    assert.equal('{"k001":1,"k002":2,', text:sub(1, 19))
  end)

  it("leaves arrays, empty tables and the caller's metatables as they were", function()
    local marked = setmetatable({}, { __jsontype = "array" })
    local obj_mt = { __jsontype = "object" }
    local obj = setmetatable({ b = 1, a = 2 }, obj_mt)
    local plain = { y = { 3, 2, 1 }, x = {} }
    assert.equal('{"a":[],"b":{"a":2,"b":1},"c":{"x":[],"y":[3,2,1]}}',
      json.encode({ a = marked, b = obj, c = plain }))
    assert.equal(obj_mt, getmetatable(obj))
    assert.is_nil(getmetatable(plain))
    assert.equal("array", getmetatable(marked).__jsontype)
    assert.equal('{"x":1}', json.encode({ x = 1 }, { indent = false }))
  end)

  it("writes a table shared at two places twice", function()
    local shared = { b = 1, a = 2 }
    assert.equal('{"p":{"a":2,"b":1},"q":{"a":2,"b":1}}', json.encode({ q = shared, p = shared }))
  end)

  it("raises on programmer errors: a function, a cycle, an unknown option", function()
    assert.has_error(function() json.encode({ f = print }) end)
    local cycle = {}
    cycle.self = cycle
    assert.has_error(function() json.encode(cycle) end)
    assert.has_error(function() json.encode({}, { sorted = true }) end)
    assert.is_nil(getmetatable(cycle))          -- restored after the failure too
  end)
end)

describe("bin/ntsec audit --format json", function()
  -- Lua seeds its string hashes per process: before ntsec.json, two runs
  -- wrote the same report with keys in different places.
  it("writes the same bytes in two runs", function()
    local function run()
      local p = assert(io.popen("bin/ntsec audit ../shared/data/wfpstate/netsh-wfpstate-1.xml "
        .. "--policy examples/lockdown_callouts.lua --format json"))
      local out = p:read("a")
      p:close()
      return out
    end
    local first, second = run(), run()
    assert.is_true(#first > 100000)
    assert.is_true(first == second, "the two reports differ")
  end)
end)
