-- tools/sddl_scores.lua: prints the SDDL conformance scores of
-- ../shared/data/conformance files, `set<TAB>total<TAB>matched` per set, with
-- the first mismatches of a failing set on stderr; exits 1 below 100%
-- (docs/sddl.md "Conformance"). The checker is spec/support/sddl_conformance.lua.
--   lua5.4 tools/sddl_scores.lua ../shared/data/conformance/*.tsv
package.path = "./lua/?.lua;./lua/?/init.lua;./?.lua;" .. package.path
package.cpath = ("./%s/?.so;"):format(os.getenv("NTSEC_BUILD") or "build") .. package.cpath
local checker = require("spec.support.sddl_conformance")

local all = true
for _, path in ipairs(arg) do
  local results, err = checker.check(path)
  if not results then
    io.stderr:write(err, "\n")
    os.exit(2)
  end
  print("# " .. path)
  for _, r in ipairs(results) do
    print(("%s\t%d\t%d"):format(r.set, r.total, r.matched))
    if r.matched < r.total then
      all = false
      io.stderr:write(checker.describe(r), "\n")
    end
  end
end
os.exit(all and 0 or 1)
