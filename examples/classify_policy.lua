-- classify_policy.lua: an audit policy that uses offline classification
-- (bin/ntsec audit STATE.xml --policy THIS; docs/audit.md "Filters and flows
-- per principal"). It changes nothing on the engine; it declares the flows
-- whose fate the report shows for chosen principals:
--   * an AppContainer app with the internetClient capability (the
--     "appcontainer" profile, docs/principals.md) connecting out over TCP 443,
--     and the same app without any capability ("AppContainer (no
--     capability)", the principal the dump's ALL APPLICATION PACKAGES
--     conditions name);
--   * the Dhcp service (svchost.exe, NT SERVICE\Dhcp) sending UDP 68 -> 67;
--   * a plain interactive user (the "user" profile) running the same app
--     over TCP 443.
-- The report's section also lists, for every principal (the audit's and the
-- services, users and capabilities the dump's conditions name), how many
-- filters apply at each ALE layer.
--
-- Runs with globals `ntsec`, `engine` and `import` (lua/ntsec/audit.lua).

-- NT paths as the engine compares them (wfp_classify.md 2.3): the volume of
-- netsh-wfpstate-2.xml's Windows installation.
local APP = "\\device\\harddiskvolume6\\program files\\contoso\\app.exe"
local SVCHOST = "\\device\\harddiskvolume6\\windows\\system32\\svchost.exe"
local CONNECT = "FWPM_LAYER_ALE_AUTH_CONNECT_V4"

return {
  flows = {
    { name = "app to https", layer = CONNECT, app = APP, remote = "8.8.8.8", protocol = "tcp", port = 443,
      profile = "public", principals = { "appcontainer", "AppContainer (no capability)", "user" } },
    { name = "dhcp client", layer = CONNECT, app = SVCHOST, remote = "255.255.255.255", protocol = "udp",
      port = 67, local_port = 68, profile = "public", principals = { "NT SERVICE\\Dhcp", "user" } },
  },
}
