--- ntsec.ks: the emulated kernel-streaming object model (wfp_ks_errors.md 4).
-- The C binding's functions (device, irp, KsDispatchSetSecurity,
-- KsDispatchQuerySecurity, ...) are exposed unchanged: they return NTSTATUS
-- integers exactly as the Windows routines do.

local core = require("ntsec.core")

local M = {}
for name, value in pairs(core.ks) do M[name] = value end

return M
