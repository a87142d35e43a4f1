-- spec/support/chromium.lua: Debian's chromium, headless, on a local page
-- (.ci/install installs it). load(url, opts) -> the DOM after the page's
-- scripts ran (opts.no_js: the profile blocks JavaScript; the switch
-- --blink-settings=scriptEnabled=false also stops --dump-dom and
-- --screenshot of chromium 156 from producing anything, the profile's
-- content setting leaves the browser's own DOM dump working);
-- opts.screenshot = PATH saves a 1400x1100 PNG instead.
local M = {}

M.FLAGS = "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
  .. " --disable-background-networking --disable-component-update --disable-sync"

local function sh(cmd)
  local ok, _, code = os.execute(cmd)
  return ok and 0 or code
end

function M.load(url, opts)
  opts = opts or {}
  local profile = os.tmpname()
  os.remove(profile)
  assert(sh("mkdir -p " .. profile .. "/Default") == 0)
  if opts.no_js then
    local f = assert(io.open(profile .. "/Default/Preferences", "w"))
    f:write('{"profile":{"default_content_setting_values":{"javascript":2}}}')
    f:close()
  end
  local out = os.tmpname()
  local what = opts.screenshot and ("--window-size=1400,1100 --screenshot=" .. opts.screenshot) or "--dump-dom"
  -- the sanitizer runtime of `make asan` is for our module, not the browser
  local code = sh(("env -u LD_PRELOAD -u ASAN_OPTIONS -u UBSAN_OPTIONS timeout 120 chromium %s --user-data-dir=%s %s '%s'"
    .. " >%s 2>/dev/null"):format(M.FLAGS, profile, what, url, out))
  sh("rm -rf " .. profile)
  local f = assert(io.open(out, "rb"))
  local dom = f:read("a")
  f:close()
  os.remove(out)
  assert(code == 0, "chromium failed (exit " .. tostring(code) .. "); .ci/install installs it")
  return dom
end

return M
