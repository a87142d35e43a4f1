--- ntsec.cli.token_args: the command-line options that describe a token,
-- shared by `ntsec classify` and `ntsec explain` (docs/cli.md).
--
--   --token SIDS        the user SID then its enabled groups, comma-separated
--   --package SID       an AppContainer package SID (S-1-15-2-...)
--   --capability X      an AppContainer capability, SID or name (repeatable)
--   --lpac              a less-privileged AppContainer
--   --sysappid NAME     a WIN://SYSAPPID claim value (repeatable)
--
-- `extra` options of a command (privileges, integrity) go through `token`.

local M = {}

--- define(cmd): adds the token options to an argparse command.
function M.define(cmd)
  cmd:option("--token", "The principal: comma-separated SIDs or aliases, the user first, then its"
    .. " enabled groups (e.g. S-1-5-21-1-2-3-1001,WD,S-1-5-11).")
    :args(1):count(1)
  cmd:option("--package", "AppContainer package SID (S-1-15-2-...): the token is an AppContainer."):args(1)
  cmd:option("--capability", "An AppContainer capability: a SID (S-1-15-3-...) or a name"
    .. " (internetClient, privateNetworkClientServer, ...). Repeatable."):args(1):count("*")
  cmd:flag("--lpac", "Less-privileged AppContainer (S-1-15-2-2 instead of S-1-15-2-1).")
  cmd:option("--sysappid", "A WIN://SYSAPPID claim value (package full name). Repeatable."):args(1):count("*")
end

--- split(s, sep) -> the non-empty parts of s between separators.
function M.split(s, sep)
  local out = {}
  for part in (s .. sep):gmatch("(.-)" .. sep) do
    if part ~= "" then out[#out + 1] = part end
  end
  return out
end

--- token(args[, extra]) -> token, or nil, message (one line naming the
-- option: "--token: token: groups[1]: invalid SID 'S-1-x': ...").
-- `extra`: more fields of the ntsec.token spec (privileges=, integrity=).
function M.token(args, extra)
  local ntsec = require("ntsec")
  local sids = M.split(args.token, ",")
  if #sids == 0 then return nil, "--token: no SID given" end
  local groups = {}
  for i = 2, #sids do groups[#groups + 1] = sids[i] end
  local spec = { user = sids[1], groups = groups, package = args.package,
    capabilities = #args.capability > 0 and args.capability or nil, lpac = args.lpac or nil,
    sysappid = #args.sysappid > 0 and args.sysappid or nil }
  for k, v in pairs(extra or {}) do spec[k] = v end
  local ok, token = pcall(ntsec.token, spec)
  if not ok then
    local msg = tostring(token):gsub("^[^:]*:%d+: ", "")
    return nil, M.option_of(msg) .. ": " .. msg
  end
  return token
end

-- The option a token error comes from, by the spec key ntsec.token names.
local OPTION_OF_KEY = { integrity = "--integrity", package = "--package", capabilities = "--capability" }

--- option_of(message) -> the command-line option an ntsec.token error names
-- ("token: capabilities[2]: ..." -> "--capability"; an unknown privilege ->
-- "--privilege"; anything else -> "--token").
function M.option_of(message)
  if message:match("^unknown privilege") then return "--privilege" end
  local key = message:match("^token: ([%a_]+)")
  return OPTION_OF_KEY[key] or "--token"
end

return M
