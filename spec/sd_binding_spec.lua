-- spec/sd_binding_spec.lua: the fast paths of the descriptor binding
-- (src/lua/nl_sd.c, issue #3 "Speed"): context tables, the stack format
-- buffer, method and field lookup, and the collector debt for descriptor
-- memory. Expected values are hand-derived from sd_semantics.md.
local ntsec = require("ntsec")

local DOMAIN = "S-1-5-21-1-2-3"

describe("descriptor binding", function()
  it("reads context SIDs given as objects, as strings, and through __index", function()
    -- DA = domain RID 512 (2.7); LA = machine RID 500.
    local want = "O:S-1-5-21-1-2-3-512G:S-1-5-21-1-2-3-500"
    local as_object = { domain_sid = ntsec.sid(DOMAIN), machine_sid = ntsec.sid(DOMAIN) }
    local as_string = { domain_sid = DOMAIN, machine_sid = DOMAIN }
    local inherited = setmetatable({}, { __index = as_object })
    for _, ctx in ipairs { as_object, as_string, inherited } do
      local sd = assert(ntsec.sd("O:DAG:LA", ctx))
      assert.equal(want, sd:sddl(0xFFFF))           -- no context: numeric
      assert.equal("O:DAG:LA", sd:sddl(0xFFFF, ctx))
    end
  end)

  it("raises on a context SID of the wrong type and fails on an unresolvable alias", function()
    assert.has_error(function() ntsec.sd("O:DA", { domain_sid = 42 }) end)
    local sd, err = ntsec.sd("O:DA", {})
    assert.is_nil(sd)
    assert.equal("STATUS_INVALID_SID", err.name)
  end)

  it("formats text longer than the 4 KiB stack buffer", function()
    -- 3276 ACEs of 20 bytes: the largest DACL of them (65528 bytes, 2.10).
    local text = "D:" .. ("(A;;GA;;;WD)"):rep(3276)
    local sd = assert(ntsec.sd(text))
    assert.equal(#text, #sd:sddl())
    assert.equal(text, sd:sddl())
    assert.equal(text, tostring(sd))
  end)

  it("finds methods and fields, nil for anything else", function()
    local sd = assert(ntsec.sd("O:SYD:P(A;;GA;;;WD)"))
    assert.is_function(sd.sddl)
    assert.equal("S-1-5-18", tostring(sd.owner))
    assert.is_nil(sd.group)
    assert.is_true(sd.dacl_present)
    assert.is_false(sd.sacl_present)
    assert.is_nil(sd.no_such_field)
    -- SE_SELF_RELATIVE | SE_DACL_PROTECTED | SE_DACL_PRESENT (1.6)
    assert.equal(0x8000 | 0x1000 | 0x4, sd.control)
  end)

  it("checks self in methods", function()
    local sd = assert(ntsec.sd("D:"))
    assert.has_error(function() sd.sddl({}) end)
    assert.has_error(function() sd.bytes(ntsec.sid("SY")) end)
  end)

  it("leaves a stopped collector stopped while descriptors are created", function()
    collectgarbage("collect")
    collectgarbage("stop")
    local before = collectgarbage("count")
    local keep = 0
    for _ = 1, 20000 do
      if ntsec.sd("D:(A;;GA;;;WD)") then keep = keep + 1 end
    end
    local running = collectgarbage("isrunning")
    local grown = (collectgarbage("count") - before) * 1024
    collectgarbage("restart")
    assert.equal(20000, keep)
    assert.is_false(running)
    -- every userdata is still there: at least its 8-byte payload each
    assert.is_true(grown >= 20000 * 8, tostring(grown))
  end)

  it("charges the collector for descriptor memory it cannot see", function()
    -- 2,000 descriptors of 65,548 bytes each: ~130 MB of C memory behind
    -- 2,000 small userdata (~100 KB of Lua heap). Charged to the collector,
    -- they force several cycles, so most are gone by the end of the loop;
    -- uncharged, Lua would see only the userdata and rarely finish a cycle.
    local big = assert(ntsec.sd("D:" .. ("(A;;GA;;;WD)"):rep(3276))):bytes()
    assert.equal(20 + 65528, #big)
    collectgarbage("collect")
    local seen = setmetatable({}, { __mode = "v" })
    for i = 1, 2000 do seen[i] = assert(ntsec.sd.from_bytes(big)) end
    local alive = 0
    for i = 1, 2000 do if seen[i] then alive = alive + 1 end end
    assert.is_true(alive < 1000, alive .. " of 2000 still alive")
  end)
end)
