--- ntsec.options: strict option tables for the Lua layer (docs/design.md
-- "Option tables"; the C side is src/lua/nl_options.c with the same texts).
-- `check(t, what, spec[, level])` raises when t has a key that spec does not
-- list ("<what>: unknown option 'k'") or a value whose type spec does not
-- allow ("<what>: option 'k' (T expected, got U)"). spec maps each key to a
-- type name ("number", "integer", "string", "boolean", "table", "function"),
-- several joined by "|", "any", or a function(v) -> ok, msg for ranges and
-- enumerations. nil values are absent options. Returns t (or {} for nil).

local M = {}

local function type_ok(v, want)
  for w in want:gmatch("[^|]+") do
    if w == "any" or type(v) == w or (w == "integer" and math.type(v) == "integer")
      or (w == "sid" or w == "sd" or w == "acl" or w == "token") and require("ntsec.core").type(v) == w then
      return true
    end
  end
  return false
end

function M.check(t, what, spec, level)
  level = (level or 2) + 1
  if t == nil then return {} end
  if type(t) ~= "table" then
    error(("%s: option table expected, got %s"):format(what, type(t)), level)
  end
  for k, v in pairs(t) do
    local want = spec[k]
    if type(k) ~= "string" or want == nil then
      error(("%s: unknown option '%s'"):format(what, tostring(k)), level)
    end
    if type(want) == "function" then
      local ok, msg = want(v)
      if not ok then error(("%s: option '%s' %s"):format(what, k, msg), level) end
    elseif not type_ok(v, want) then
      error(("%s: option '%s' (%s expected, got %s)"):format(what, k, want:gsub("|", " or "), type(v)), level)
    end
  end
  return t
end

--- range(lo, hi) -> a spec entry for an integer in [lo, hi].
function M.range(lo, hi)
  return function(v)
    if math.type(v) ~= "integer" then return false, ("(integer expected, got %s)"):format(type(v)) end
    if v < lo or v > hi then return false, ("out of range (%d..%d)"):format(lo, hi) end
    return true
  end
end

--- one_of(list) -> a spec entry for one of the given strings.
function M.one_of(list)
  local set = {}
  for _, s in ipairs(list) do set[s] = true end
  return function(v)
    if set[v] then return true end
    return false, ("must be one of %s, got %s"):format(table.concat(list, ", "), tostring(v))
  end
end

return M
