-- luacheck: read globals builtin rule report objects rules
-- check_rules.lua: a rule file for `ntsec check` (docs/check.md).
--   bin/ntsec check ../shared/data/wfpstate/netsh-wfpstate-2.xml --rules examples/check_rules.lua
--
-- Globals: ntsec, engine (the engine loaded from the dump, after --policy),
-- objects (every securable object: {kind=, key=, name=, provider=, sd=}),
-- rules (ntsec.rules.builtin), builtin(id[, params]), rule{...} and report
-- (report:finding{...} adds a finding of the file itself).

-- Built-in rules by name; parameters replace the defaults.
builtin "wfp-write-rights"
builtin "wfp-broad-access" { principals = { "WD", "AN", "BU", "AU" } }   -- add Authenticated Users
builtin "wfp-admin-deny"
builtin "null-or-empty-dacl"
builtin "wfp-nonadmin-open"

-- A custom rule over the engine: a provider that is not Microsoft's must be
-- owned by Administrators, so that an administrator can always repair it.
local BA = tostring(ntsec.sid("BA"))
rule {
  id = "vendor-provider-owner",
  description = "A third-party provider is owned by someone other than Administrators.",
  check = function(ctx)
    for _, o in ipairs(ctx.objects) do
      if o.kind == "provider" and o.sd and o.name ~= "Microsoft Corporation" and not tostring(o.name):match("^@")
          and tostring(o.sd.owner) ~= BA then
        ctx:finding { object = o, principal = o.sd.owner, message = "third-party provider not owned by Administrators" }
      end
    end
  end,
}

-- A finding of the file itself: the dump should show at least one session.
if #engine:sessions() == 0 then
  report:finding { rule = "dump-has-sessions", message = "the dump lists no sessions" }
end
