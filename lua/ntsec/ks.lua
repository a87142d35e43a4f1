--- ntsec.ks: the emulated kernel-streaming object model (wfp_ks_errors.md 4).
-- The C binding's functions (device, irp, KsDispatchSetSecurity,
-- KsDispatchQuerySecurity, ...) are exposed unchanged: they return NTSTATUS
-- integers exactly as the Windows routines do; the idiomatic ones (device,
-- irp, methods) return the value or true, or nil, err. Their docstrings are
-- in doc/api/ks.luadoc (the functions are implemented in C).
-- @module ntsec.ks

local core = require("ntsec.core")

local M = {}
for name, value in pairs(core.ks) do M[name] = value end

return M
