-- Every public non-WFP function and method has one success and one failure
-- case here, with its result shape (docs/design.md "Result convention"):
--   idiomatic  success: the value (or true); failure: nil + ntsec.errors
--              object with the expected name
--   faithful   Windows names: the Windows code (wfp_ks_errors.md 4.6), and
--              the out-values after it; VOID functions return nothing
--   query      lookups that answer a value or nil ("not found" is an
--              answer, not an error); bad arguments raise
--   raises     no operational failure: the failure case is a programmer
--              error (wrong type, strict option table) and raises
--   total      no failure mode at all (answers for every argument)
-- The lists of functions and methods are enumerated from the module tables
-- and metatables, so a new public function without a case fails here.
-- The WFP part is spec/api_shape_wfp_spec.lua.

local ntsec = require("ntsec")
local errors = require("ntsec.errors")
local ks = ntsec.ks

local ADMIN = { user = "S-1-5-21-1-2-3-500", groups = { "WD", { sid = "BA", owner = true } } }
local SD_TEXT = "O:BAG:SYD:P(A;;GA;;;SY)(A;;GA;;;BA)"
local admin = ntsec.token(ADMIN)

-- A KS device with an item "filter" (descriptor SD_TEXT) and "bare" (none),
-- an administrator's handle f on filter, a read-only handle r and a
-- headerless file object h.
local function ks_fixture()
  local dev = ks.device()
  local item = assert(dev:add_create_item { name = "filter", sd = SD_TEXT })
  local bare = assert(dev:add_create_item { name = "bare" })
  local f = assert(dev:create("\\filter", admin, ntsec.MAXIMUM_ALLOWED))
  local r = assert(dev:create("\\filter", admin, ntsec.GENERIC_READ))
  local h = assert(dev:file_object())
  return { dev = dev, item = item, bare = bare, f = f, r = r, h = h }
end

local function set_irp(x, file)
  return ks.irp { major = "SET_SECURITY", file = file or x.f, security_information = ntsec.DACL_SECURITY_INFORMATION,
                  security_descriptor = "D:P(A;;GA;;;SY)" }
end

local function query_irp(x, length, file)
  return ks.irp { major = "QUERY_SECURITY", file = file or x.f, security_information = ntsec.DACL_SECURITY_INFORMATION,
                  length = length }
end

local function bare_file(x)
  local b = assert(x.dev:create("\\bare", admin, ntsec.MAXIMUM_ALLOWED))
  return b
end

-- kind, success (returns the results), its check, failure, the expected error
-- name (idiomatic) or code (faithful).
local C = {}

C["ntsec.sid"] = { "idiomatic", function() return ntsec.sid("SY") end, "sid",
  function() return ntsec.sid("S-1-x") end, "STATUS_INVALID_SID" }
-- SDDL errors: sd_semantics.md 2.12 (bad ACE -> INVALID_ACL, bad SID in O:/G:
-- -> INVALID_SID, structural garbage -> INVALID_PARAMETER).
C["ntsec.sd"] = { "idiomatic", function() return ntsec.sd(SD_TEXT) end, "sd",
  function() return ntsec.sd("D:(A;;GA;;;SY") end, "STATUS_INVALID_ACL" }
C["ntsec.sd.from_bytes"] = { "idiomatic", function() return ntsec.sd.from_bytes(ntsec.sd(SD_TEXT):bytes()) end, "sd",
  function() return ntsec.sd.from_bytes("\2\0\4\128" .. ("\0"):rep(16)) end, "STATUS_UNKNOWN_REVISION" }
C["ntsec.sd.build"] = { "idiomatic", function() return ntsec.sd.build { owner = "BA", dacl = "(A;;GA;;;SY)" } end, "sd",
  function() return ntsec.sd.build { owner = "S-1-x" } end, "STATUS_INVALID_SID" }
C["ntsec.acl"] = { "idiomatic", function() return ntsec.acl("(A;;GA;;;SY)") end, "acl",
  function() return ntsec.acl("(X;;GA;;;SY)") end, "STATUS_INVALID_ACL" }
C["ntsec.token"] = { "raises", function() return ntsec.token(ADMIN) end, "token",
  function() return ntsec.token { user = "SY", bogus = 1 } end, "token: unknown option 'bogus'" }
C["ntsec.access_check"] = { "idiomatic",
  function() return ntsec.access_check(SD_TEXT, admin, ntsec.GENERIC_READ) end,
  function(g, st) return g == 0x00120089 and st == ntsec.STATUS_SUCCESS end,
  function() return ntsec.access_check("D:(A;;GA;;;SY)", admin, ntsec.GENERIC_READ) end,
  "STATUS_INVALID_SECURITY_DESCR" }
C["ntsec.access_check_many"] = { "idiomatic",
  function() return ntsec.access_check_many({ SD_TEXT, ntsec.sd(SD_TEXT) }, admin, ntsec.GENERIC_READ) end,
  function(g, st) return g[1] == 0x00120089 and g[2] == 0x00120089 and st[2] == ntsec.STATUS_SUCCESS end,
  function() return ntsec.access_check_many({ SD_TEXT, "D:(A;;GA;;;SY)" }, admin, ntsec.GENERIC_READ) end,
  "STATUS_INVALID_SECURITY_DESCR" }
C["ntsec.explain"] = { "idiomatic", function() return ntsec.explain(SD_TEXT, admin, "FR") end,
  function(e) return e.allowed == true end,
  function() return ntsec.explain("D:(A;;GA;;;SY)", admin, "FR") end, "STATUS_INVALID_SECURITY_DESCR" }
C["ntsec.set_security"] = { "idiomatic",
  function() return ntsec.set_security(SD_TEXT, ntsec.DACL_SECURITY_INFORMATION, "D:(A;;GR;;;WD)") end, "sd",
  function() return ntsec.set_security(nil, ntsec.DACL_SECURITY_INFORMATION, "D:(A;;GR;;;WD)") end,
  "STATUS_NO_SECURITY_ON_OBJECT" }
C["ntsec.new_security"] = { "idiomatic",
  function() return ntsec.new_security(SD_TEXT, nil, false, { token = admin }) end, "sd",
  function() return ntsec.new_security(nil, "D:(A;;GA;;;SY)", false) end, "STATUS_INVALID_OWNER" }
C["ntsec.type"] = { "query", function() return ntsec.type(admin) end, function(k) return k == "token" end,
  function() return ntsec.type({}) end }

C["errors.lookup"] = { "query", function() return errors.lookup(5) end, function(e) return e.name == "ERROR_ACCESS_DENIED" end,
  function() return errors.lookup("NO_SUCH_NAME") end }
C["errors.name"] = { "query", function() return errors.name(0xC0000022) end, function(n) return n == "STATUS_ACCESS_DENIED" end,
  function() return errors.name(0xC0001234) end }
C["errors.list"] = { "total", function() return errors.list() end, function(l) return #l > 300 end }
C["errors.new"] = { "raises", function() return errors.new("STATUS_ACCESS_DENIED") end, errors.is_error,
  function() return errors.new("NOT_A_CODE") end, "unknown code name 'NOT_A_CODE'" }
C["errors.is_error"] = { "total", function() return errors.is_error(errors.new(5)) end, function(b) return b == true end }
for _, f in ipairs({ "to_win32", "nt_to_win32", "hresult_from_nt", "hresult_from_win32", "to_hresult", "from_hresult" }) do
  C["errors." .. f] = { "raises", function() return errors[f](5) end, function(v) return math.type(v) == "integer" end,
    function() return errors[f]("x") end, "" }
end

C["ks.device"] = { "idiomatic", function() return ks.device { sd = SD_TEXT } end, "device",
  function() return ks.device { sd = "O:S-1-xD:" } end, "STATUS_INVALID_SID" }
C["ks.irp"] = { "raises", function() return query_irp(ks_fixture(), 8) end, "irp",
  function() local x = ks_fixture() return ks.irp { major = "QUERY_SECURITY", file = x.f, lenght = 8 } end,
  "ks.irp: unknown option 'lenght'" }
C["ks.type"] = { "query", function() return ks.type(ks.device()) end, function(k) return k == "device" end,
  function() return ks.type(admin) end }
C["ks.dispatch"] = { "faithful", function() local x = ks_fixture() return ks.dispatch(x.dev, set_irp(x)) end, 0,
  function() local x = ks_fixture() local b = bare_file(x) return ks.dispatch(x.dev, set_irp(x, b)) end,
  ntsec.STATUS_NO_SECURITY_ON_OBJECT }
C["ks.KsDispatchSetSecurity"] = { "faithful",
  function() local x = ks_fixture() return ks.KsDispatchSetSecurity(x.dev, set_irp(x)) end, 0,
  function() local x = ks_fixture() return ks.KsDispatchSetSecurity(x.dev, set_irp(x, bare_file(x))) end,
  ntsec.STATUS_NO_SECURITY_ON_OBJECT }
C["ks.KsDispatchQuerySecurity"] = { "faithful",
  function() local x = ks_fixture() return ks.KsDispatchQuerySecurity(x.dev, query_irp(x, 4096)) end, 0,
  function() local x = ks_fixture() return ks.KsDispatchQuerySecurity(x.dev, query_irp(x, 8)) end,
  ntsec.STATUS_BUFFER_TOO_SMALL }
C["ks.KsDispatchInvalidDeviceRequest"] = { "faithful",   -- never succeeds: both cases are its one answer
  function() local x = ks_fixture() return ks.KsDispatchInvalidDeviceRequest(x.dev, set_irp(x)) end,
  ntsec.STATUS_INVALID_DEVICE_REQUEST,
  function() local x = ks_fixture() return ks.KsDispatchInvalidDeviceRequest(x.dev, query_irp(x, 8)) end,
  ntsec.STATUS_INVALID_DEVICE_REQUEST }
C["ks.NtSetSecurityObject"] = { "faithful",
  function() local x = ks_fixture()
    return ks.NtSetSecurityObject(x.f, admin, ntsec.DACL_SECURITY_INFORMATION, ntsec.sd(SD_TEXT)) end, 0,
  function() local x = ks_fixture() return ks.NtSetSecurityObject(x.r, admin, ntsec.DACL_SECURITY_INFORMATION,
    ntsec.sd(SD_TEXT)) end, ntsec.STATUS_ACCESS_DENIED }
C["ks.NtQuerySecurityObject"] = { "faithful",
  function() local x = ks_fixture() return ks.NtQuerySecurityObject(x.f, admin, ntsec.DACL_SECURITY_INFORMATION, 4096) end, 0,
  function() local x = ks_fixture() return ks.NtQuerySecurityObject(x.f, admin, ntsec.DACL_SECURITY_INFORMATION, 8) end,
  ntsec.STATUS_BUFFER_TOO_SMALL }
C["ks.KsAllocateObjectHeader"] = { "faithful",
  function() local x = ks_fixture() return ks.KsAllocateObjectHeader(x.h, x.item) end, 0,
  function() local x = ks_fixture() return ks.KsAllocateObjectHeader(x.f, x.item) end,   -- already has one
  ntsec.STATUS_INVALID_PARAMETER }
C["ks.KsFreeObjectHeader"] = { "faithful", function() return ks.KsFreeObjectHeader(ks_fixture().f) end, nil,
  function() return ks.KsFreeObjectHeader(ks_fixture().h) end, nil }
-- no operational failure (only an allocation could fail): the failure case
-- is a programmer error
C["ks.KsCreateDefaultSecurity"] = { "raises",
  function() return ks.KsCreateDefaultSecurity(SD_TEXT, admin) end,
  function(status, sd) return status == 0 and ntsec.type(sd) == "sd" end,
  function() return ks.KsCreateDefaultSecurity(SD_TEXT, nil) end, "ntsec.token expected" }
C["ks.IoCompleteRequest"] = { "faithful", function() return ks.IoCompleteRequest(query_irp(ks_fixture(), 8)) end, nil,
  function() local irp = query_irp(ks_fixture(), 8) ks.IoCompleteRequest(irp) return ks.IoCompleteRequest(irp) end, nil }

-- methods: "kind:method"
local M = {}
M["sid:string"] = { "raises", function() return ntsec.sid("SY"):string() end, function(s) return s == "S-1-5-18" end,
  function() return ntsec.sid("SY").string({}) end, "" }
M["sid:sddl"] = { "raises", function() return ntsec.sid("S-1-5-18"):sddl() end, function(s) return s == "SY" end,
  function() return ntsec.sid("SY"):sddl(5) end, "" }
M["sid:bytes"] = { "raises", function() return ntsec.sid("SY"):bytes() end, function(b) return #b == 12 end,
  function() return ntsec.sid("SY").bytes(5) end, "" }
M["acl:sddl"] = { "raises", function() return ntsec.acl("(A;;GA;;;SY)"):sddl() end,
  function(s) return s == "(A;;GA;;;SY)" end, function() return ntsec.acl("(A;;GA;;;SY)"):sddl(5) end, "" }
M["acl:bytes"] = { "raises", function() return ntsec.acl("(A;;GA;;;SY)"):bytes() end, function(b) return #b == 28 end,
  function() return ntsec.acl("(A;;GA;;;SY)").bytes(5) end, "" }
M["acl:revision"] = { "raises", function() return ntsec.acl("(A;;GA;;;SY)"):revision() end, function(r) return r == 2 end,
  function() return ntsec.acl("(A;;GA;;;SY)").revision(5) end, "" }
M["sd:sddl"] = { "raises", function() return ntsec.sd(SD_TEXT):sddl() end, function(s) return s == SD_TEXT end,
  function() return ntsec.sd(SD_TEXT):sddl("x") end, "number expected" }
M["sd:bytes"] = { "raises", function() return ntsec.sd(SD_TEXT):bytes() end, function(b) return #b > 20 end,
  function() return ntsec.sd(SD_TEXT).bytes(5) end, "" }
M["sd:select"] = { "raises", function() return ntsec.sd(SD_TEXT):select(ntsec.DACL_SECURITY_INFORMATION) end, "sd",
  function() return ntsec.sd(SD_TEXT):select("x") end, "number expected" }
M["token:user"] = { "raises", function() return admin:user() end, function(s) return tostring(s) == ADMIN.user end,
  function() return admin.user({}) end, "" }
M["token:groups"] = { "raises", function() return admin:groups() end, function(g) return #g == 2 end,
  function() return admin.groups({}) end, "" }
M["token:privileges"] = { "raises", function() return admin:privileges() end, function(p) return #p == 0 end,
  function() return admin.privileges({}) end, "" }

M["device:add_create_item"] = { "idiomatic", function() return ks.device():add_create_item { name = "x" } end, "item",
  function() local d = ks.device() d:add_create_item { name = "x" } return d:add_create_item { name = "X" } end,
  "STATUS_OBJECT_NAME_COLLISION" }
M["device:create"] = { "idiomatic", function() return ks_fixture().dev:create("\\filter", admin) end, "file",
  function() return ks_fixture().dev:create("\\nothing", admin) end, "STATUS_OBJECT_NAME_NOT_FOUND" }
M["device:file_object"] = { "idiomatic", function() return ks.device():file_object() end, "file",
  function() local d = ks.device() d:fail_pool_allocations(1) return d:file_object() end, "STATUS_INSUFFICIENT_RESOURCES" }
M["device:items"] = { "raises", function() return ks_fixture().dev:items() end, function(l) return #l == 2 end,
  function() local d = ks.device() d:close() return d:items() end, "attempt to use a closed device" }
M["device:set_security"] = { "idiomatic", function() return ks.device():set_security(SD_TEXT) end, true,
  function() return ks.device():set_security("O:S-1-xD:") end, "STATUS_INVALID_SID" }
M["device:fail_pool_allocations"] = { "raises", function() return ks.device():fail_pool_allocations(1) end, true,
  function() return ks.device():fail_pool_allocations(-1) end, "count out of range" }
M["device:close"] = { "raises", function() local d = ks.device() d:close() return d:close() end, true,
  function() return ks.device().close({}) end, "" }
M["item:add_child"] = { "idiomatic", function() return ks_fixture().item:add_child { name = "pin" } end, "item",
  function() local x = ks_fixture() x.item:add_child { name = "pin" } return x.item:add_child { name = "PIN" } end,
  "STATUS_OBJECT_NAME_COLLISION" }
M["file:set_security"] = { "idiomatic",
  function() return ks_fixture().f:set_security(admin, ntsec.DACL_SECURITY_INFORMATION, "D:P(A;;GA;;;SY)") end, true,
  function() return ks_fixture().r:set_security(admin, ntsec.DACL_SECURITY_INFORMATION, "D:P(A;;GA;;;SY)") end,
  "STATUS_ACCESS_DENIED" }
M["file:query_security"] = { "idiomatic",
  function() return ks_fixture().f:query_security(admin, ntsec.DACL_SECURITY_INFORMATION) end,
  function(sd) return ntsec.type(sd) == "sd" and sd:sddl() == "D:P(A;;GA;;;SY)(A;;GA;;;BA)" end,
  function() local x = ks_fixture() return bare_file(x):query_security(admin, ntsec.DACL_SECURITY_INFORMATION) end,
  "STATUS_NO_SECURITY_ON_OBJECT" }
M["file:create"] = { "idiomatic",
  function() local x = ks_fixture() x.item:add_child { name = "pin" }   -- the header takes the children at create
    return assert(x.dev:create("\\filter", admin, ntsec.MAXIMUM_ALLOWED)):create("pin", admin) end, "file",
  function() return ks_fixture().f:create("pin", admin) end, "STATUS_OBJECT_NAME_NOT_FOUND" }
M["file:allocate_header"] = { "idiomatic", function() local x = ks_fixture() return x.h:allocate_header(x.item) end, true,
  function() local x = ks_fixture() return x.f:allocate_header(x.item) end, "STATUS_INVALID_PARAMETER" }
M["file:free_header"] = { "raises", function() return ks_fixture().f:free_header() end, true,
  function() local x = ks_fixture() x.f:close() return x.f:free_header() end, "attempt to use a closed file" }
M["file:close"] = { "raises", function() local f = ks_fixture().f f:close() return f:close() end, true,
  function() return ks_fixture().f.close({}) end, "" }
M["irp:complete"] = { "idiomatic", function() return query_irp(ks_fixture(), 8):complete() end, true,
  function() local irp = query_irp(ks_fixture(), 8) irp:complete() return irp:complete() end,
  "STATUS_INVALID_PARAMETER_1" }   -- NTSEC_KS_STATUS_DOUBLE_COMPLETION (docs/ks.md)
M["irp:close"] = { "raises", function() local irp = query_irp(ks_fixture(), 8) irp:close() return irp:close() end, true,
  function() return query_irp(ks_fixture(), 8).close({}) end, "" }

-- Access-check entry points (lua/ntsec/access.lua; docs/access.md): the
-- faithful functions return the call status first (sd_semantics.md 3.2:
-- generic bits in the request -> STATUS_GENERIC_NOT_MAPPED), AccessCheck the
-- BOOL; ntsec.access.check is idiomatic.
local ACCESS_SD = "O:BAG:BAD:(A;;FA;;;WD)"
C["ntsec.NtAccessCheck"] = { "faithful", function() return ntsec.NtAccessCheck(ACCESS_SD, admin, 1, "file") end, 0,
  function() return ntsec.NtAccessCheck(ACCESS_SD, admin, ntsec.GENERIC_READ, "file") end,
  ntsec.STATUS_GENERIC_NOT_MAPPED }
C["ntsec.AccessCheck"] = { "faithful", function() return ntsec.AccessCheck(ACCESS_SD, admin, 1, "file") end, true,
  function() return ntsec.AccessCheck(ACCESS_SD, admin, ntsec.GENERIC_READ, "file") end, false }
C["ntsec.NtAccessCheckByType"] = { "faithful",
  function() return ntsec.NtAccessCheckByType(ACCESS_SD, nil, admin, 1, nil, "file") end, 0,
  function() return ntsec.NtAccessCheckByType(ACCESS_SD, nil, admin, ntsec.GENERIC_READ, nil, "file") end,
  ntsec.STATUS_GENERIC_NOT_MAPPED }
C["ntsec.NtAccessCheckByTypeResultList"] = { "faithful",
  function() return ntsec.NtAccessCheckByTypeResultList(ACCESS_SD, nil, admin, 1,
    { { level = 0, guid = "bf967aba-0de6-11d0-a285-00aa003049e2" } }, "file") end, 0,
  function() return ntsec.NtAccessCheckByTypeResultList(ACCESS_SD, nil, admin, ntsec.GENERIC_READ, nil, "file") end,
  ntsec.STATUS_GENERIC_NOT_MAPPED }
C["access.check"] = { "idiomatic", function() return ntsec.access.check(ACCESS_SD, admin, "FR") end,
  function(granted) return granted == 0x120089 end,
  function() return ntsec.access.check("O:BAG:BAD:(A;;FA;;;XX)", admin, "FR") end, "STATUS_INVALID_ACL" }
C["access.pac_claims"] = { "idiomatic",
  function() return ntsec.access.pac_claims({ { source_type = 1, claims = { { id = "a", type = "STRING", values = { "x" } } } } }) end,
  function(c) return c.a ~= nil end,
  function() return ntsec.access.pac_claims({ { source_type = 1, claims = {
    { id = "a", type = "STRING", values = { "x" } }, { id = "a", type = "STRING", values = { "y" } } } } }) end,
  "STATUS_INVALID_PARAMETER" }
C["access.pac_token"] = { "idiomatic", function() return ntsec.access.pac_token({ user = "SY" }) end, "token",
  function() return ntsec.access.pac_token({ user = "SY", user_pac_claims_set = { { source_type = 1, claims = {
    { id = "a", type = "STRING", values = { "x" } }, { id = "a", type = "STRING", values = { "y" } } } } } }) end,
  "STATUS_INVALID_PARAMETER" }
C["access.register"] = { "total", function() return ntsec.access.register(ntsec) end, function(m) return m == ntsec end }

-- Checks of a success result.
local function check_success(kind, check, ...)
  local first = ...
  if kind == "faithful" then
    if check == nil then return assert.equal(0, select("#", ...)) end   -- VOID
    return assert.equal(check, first)
  end
  if type(check) == "string" then return assert.equal(check, ntsec.type(first)) end
  if check == true then return assert.is_true(first) end
  assert.is_true(check(...) and true or false)
end

local function check_failure(case, fail)
  local kind, expect = case[1], case[5]
  if kind == "total" then
    return
  elseif kind == "idiomatic" then
    local v, err = fail()
    assert.is_nil(v)
    assert.is_true(errors.is_error(err), "an ntsec.errors object")
    if expect then assert.equal(expect, err.name) end
  elseif kind == "faithful" then
    if expect == nil then return assert.equal(0, select("#", fail())) end
    assert.equal(expect, (fail()))
  elseif kind == "query" then
    assert.is_nil((fail()))
  else
    local ok, msg = pcall(fail)
    assert.is_false(ok)
    assert.matches(expect, tostring(msg), 1, true)
  end
end

local function run(name, case)
  it(("%s (%s)"):format(name, case[1]), function()
    check_success(case[1], case[3], case[2]())
    if case[1] ~= "total" then assert.is_function(case[4], "a failure case") end
    check_failure(case, case[4])
  end)
end

-- The public functions of a table (callable tables count; sub-tables of
-- callables are walked: ntsec.sd.from_bytes).
local function functions_of(t, prefix, out)
  for k, v in pairs(t) do
    local callable = type(v) == "function" or (type(v) == "table" and getmetatable(v) and getmetatable(v).__call)
    if type(k) == "string" and callable and k:sub(1, 1) ~= "_" then
      out[#out + 1] = prefix .. k
      if type(v) == "table" then functions_of(v, prefix .. k .. ".", out) end
    end
  end
  return out
end

local function methods_of(obj, kind, out)
  local mt = getmetatable(obj)
  local methods = rawget(mt, "methods") or (type(rawget(mt, "__index")) == "table" and mt.__index) or {}
  for k in pairs(methods) do out[#out + 1] = kind .. ":" .. k end
  return out
end

describe("API result shapes", function()
  local skip = { wfp = true, ks = true, errors = true, core = true, access = true }
  local names = {}
  for _, n in ipairs(functions_of(ntsec, "ntsec.", {})) do
    if not skip[n:match("^ntsec%.([%w_]+)")] then names[#names + 1] = n end
  end
  for _, n in ipairs(functions_of(ks, "ks.", {})) do names[#names + 1] = n end
  for _, n in ipairs(functions_of(errors, "errors.", {})) do names[#names + 1] = n end
  for _, n in ipairs(functions_of(ntsec.access, "access.", {})) do
    local f = n:match("^access%.(.*)$")
    if ntsec[f] ~= ntsec.access[f] then names[#names + 1] = n end   -- the Windows names are ntsec.*'s
  end
  local x = ks_fixture()
  local objects = { sid = ntsec.sid("SY"), acl = ntsec.acl("(A;;GA;;;SY)"), sd = ntsec.sd(SD_TEXT), token = admin,
    device = x.dev, item = x.item, file = x.f, irp = query_irp(x, 8) }
  local methods = {}
  for kind, obj in pairs(objects) do methods_of(obj, kind, methods) end
  table.sort(names)
  table.sort(methods)

  it("has a case for every public function and method", function()
    local missing = {}
    for _, n in ipairs(names) do if not C[n] then missing[#missing + 1] = n end end
    for _, n in ipairs(methods) do if not M[n] then missing[#missing + 1] = n end end
    assert.same({}, missing)
  end)

  for _, n in ipairs(names) do if C[n] then run(n, C[n]) end end
  for _, n in ipairs(methods) do if M[n] then run(n, M[n]) end end
end)
