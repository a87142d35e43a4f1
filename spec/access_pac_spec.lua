-- Tokens from raw PAC claims (ntsec.access.pac_token; the optional part of
-- issue 10). Two halves:
--  * every Samba row whose token the source gives as PAC CLAIMS_SET arrays
--    (../shared/data/access/samba_krb5_conditional_ace.jsonl, `token` field
--    `claims={"user_pac_claims_set": ...}`), run through the conversion and
--    the KDC's kernel-path check; expected values only from the file, "N/A
--    (KDC_ERR_GENERIC)" meaning the KDC refused the PAC;
--  * the conversion rules on claims of our own (worked out from the rules).
local json = require("dkjson")
local ntsec = require("ntsec")
local helper = require("spec.helper")

local FILE = helper.data("access/samba_krb5_conditional_ace.jsonl")
local NO_MAPPING = { read = 0, write = 0, execute = 0, all = 0 }

-- The row's `token` text: "user=SID; groups=SID:enabled,...; claims={json}; ...".
local function parse_token(text)
  local spec = { groups = {} }
  spec.user = text:match("user=([^;]+)")
  for sid, attr in (text:match("groups=([^;]+)") or ""):gmatch("([^,:]+):([%w_]+)") do
    spec.groups[#spec.groups + 1] = { sid = sid, enabled = attr == "enabled", deny_only = attr == "deny_only" }
  end
  local claims = text:match("claims=(%b{})")
  return spec, claims and json.decode(claims)
end

local function pac_rows()
  local out = {}
  for line in io.lines(FILE) do
    local row = json.decode(line)
    local spec, claims = parse_token(row.token)
    if claims and claims.user_pac_claims_set then
      spec.user_pac_claims_set = claims.user_pac_claims_set
      out[#out + 1] = { row = row, spec = spec }
    end
  end
  return out
end

-- The KDC's answer: the PAC refused, else 0 / KDC_ERR_POLICY as STATUS_*.
local function kdc(case)
  local token, err = ntsec.access.pac_token(case.spec)
  if not token then return "N/A (KDC_ERR_GENERIC)", err end
  local granted, status = ntsec.access.check(case.row.sddl, token, tonumber(case.row.desired),
    { entry_point = "kernel", mapping = NO_MAPPING })
  if granted and status == ntsec.STATUS_SUCCESS then return "STATUS_SUCCESS" end
  return "STATUS_ACCESS_DENIED"
end

describe("tokens from PAC claims", function()
  describe("Samba rows with raw CLAIMS_SET arrays", function()
    local cases = pac_rows()
    local pass = 0

    it("has rows", function()
      assert.is_true(#cases >= 16)
    end)

    for _, case in ipairs(cases) do
      it(case.row.id .. ": " .. case.row.expected_status, function()
        local got, err = kdc(case)
        assert.are.equal(case.row.expected_status, got, err and tostring(err))
        pass = pass + 1
      end)
    end

    it("reports", function()
      print(("access_pac rows pass %d of %d"):format(pass, #cases))
    end)
  end)

  describe("conversion rules", function()
    local AD, CERT = 1, 2

    it("keeps AD and certificate arrays, drops other source types", function()
      local claims = assert(ntsec.access.pac_claims {
        { source_type = AD, claims = { { id = "dept", type = "STRING", values = { "hr" } } } },
        { source_type = CERT, claims = { { id = "level", type = "INT64", values = { 3 } } } },
        { source_type = 3, claims = { { id = "other", type = "STRING", values = { "x" } } } },
        { source_type = 0, claims = { { id = "zero", type = "BOOLEAN", values = { 1 } } } },
      })
      assert.are.same({ dept = { type = "string", values = { "hr" } }, level = { type = "int64", values = { 3 } } },
        claims)
    end)

    it("drops a claim without values", function()
      assert.are.same({}, assert(ntsec.access.pac_claims {
        { source_type = AD, claims = { { id = "none", type = "UINT64", values = {} } } } }))
    end)

    it("refuses repeated values, strings case-insensitively", function()
      for _, c in ipairs({
        { id = "n", type = "UINT64", values = { 5, 7, 5 } },
        { id = "s", type = "STRING", values = { "Straße", "STRAßE" } },
        { id = "g", type = "STRING", values = { "\u{3b1}", "\u{391}" } },    -- Greek alpha, both cases
        { id = "b", type = "BOOLEAN", values = { 1, 1 } },
      }) do
        local claims, err = ntsec.access.pac_claims { { source_type = AD, claims = { c } } }
        assert.is_nil(claims, c.id)
        assert.equal("STATUS_INVALID_PARAMETER", err.name)
      end
      assert.is_truthy(ntsec.access.pac_claims { { source_type = AD, claims = {
        { id = "s", type = "STRING", values = { "ss", "\u{df}" } } } } })          -- U+00DF is not "SS"
    end)

    it("refuses an id given twice (case-insensitively), also across arrays", function()
      local claims, err = ntsec.access.pac_claims {
        { source_type = AD, claims = { { id = "Dept", type = "STRING", values = { "hr" } } } },
        { source_type = CERT, claims = { { id = "dept", type = "STRING", values = { "it" } } } } }
      assert.is_nil(claims)
      assert.equal("STATUS_INVALID_PARAMETER", err.name)
    end)

    it("builds a token whose claims the conditions read", function()
      local t = assert(ntsec.access.pac_token { user = "S-1-5-21-9-9-9-1000", groups = { "WD" },
        user_pac_claims_set = { { source_type = AD, claims = { { id = "dept", type = "STRING", values = { "HR" } } } } } })
      local sd = "O:SYD:(XA;;CR;;;WD;(@User.dept == \"hr\"))"
      assert.are.same({ 0x100, ntsec.STATUS_SUCCESS }, { ntsec.access.check(sd, t, 0x100, { entry_point = "kernel" }) })
    end)
  end)
end)
