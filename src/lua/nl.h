/*
** nl.h: shared helpers of the Lua binding (module ntsec.core).
**
** Conventions (shared/spec/lua_conventions.md 7): one metatable per kind
** named "ntsec.<kind>"; check_<kind> only type-checks, open_<kind> also
** rejects closed objects ("attempt to use a closed <kind>"); programmer errors
** raise; faithful Windows-named functions return the integer code exactly as
** the Windows entry point would.
*/
#ifndef NTSEC_NL_H
#define NTSEC_NL_H

#include <lua.h>
#include <lauxlib.h>

#include "ntsec_types.h"
#include "secdefs.h"
#include "acl.h"
#include "sd.h"
#include "sid.h"
#include "token.h"

#if LUA_VERSION_NUM != 504
#error "ntsec needs Lua 5.4"
#endif

#define NTSEC_API __attribute__((visibility("default")))

/* Metatable names. */
#define NL_SID   "ntsec.sid"
#define NL_ACL   "ntsec.acl"
#define NL_SD    "ntsec.sd"
#define NL_TOKEN "ntsec.token"

/* ---- value types (nl_values.c) ---- */

/* SID userdata: the binary SID inline. */
typedef struct nl_sid { uint8_t b[68]; } nl_sid;
/* ACL userdata: its own copy of the ACL bytes. */
typedef struct nl_acl { size_t len; uint8_t b[]; } nl_acl;
/* SD userdata: one reference to an immutable descriptor. */
typedef struct nl_sd { ntsec_sd *sd; } nl_sd;
/* Token userdata. */
typedef struct nl_token { ntsec_token *t; } nl_token;

/* Push a new SID userdata copied from binary sid. */
void nl_push_sid(lua_State *L, const uint8_t *sid);
/* Binary SID at idx: a SID userdata, or a string (S-... or alias, parsed
** with no domain context); raises on anything else. */
const uint8_t *nl_check_sid(lua_State *L, int idx, uint8_t scratch[68]);
/* As nl_check_sid, but nil/none gives NULL. */
const uint8_t *nl_opt_sid(lua_State *L, int idx, uint8_t scratch[68]);

/* Push a new ACL userdata copying len bytes. */
void nl_push_acl(lua_State *L, const uint8_t *acl, size_t len);
/* ACL bytes at idx (ACL userdata) or NULL for nil/none; raises otherwise. */
const uint8_t *nl_opt_acl(lua_State *L, int idx);

/* Push an SD userdata taking over one reference of sd (the caller's). */
void nl_push_sd(lua_State *L, ntsec_sd *sd);
/* Descriptor at idx (SD userdata); raises otherwise. */
ntsec_sd *nl_check_sd(lua_State *L, int idx);
/* SD userdata, or nil/none -> NULL. */
ntsec_sd *nl_opt_sd(lua_State *L, int idx);

/* Token at idx; raises otherwise. */
ntsec_token *nl_check_token(lua_State *L, int idx);

/* Generic-mapping argument at idx: "fwpm" (wfp_ks_errors.md 3.1), "file"
** (4.2) or a {read=, write=, execute=, all=} table; raises otherwise. */
struct ntsec_generic_mapping;
void nl_check_mapping(lua_State *L, int idx, struct ntsec_generic_mapping *m);

/* Parse a GUID string "xxxxxxxx-xxxx-..." with or without braces; raises on
** malformed input. nil/none or the all-zero GUID -> returns 0 (no key);
** otherwise fills *g and returns 1. */
int nl_opt_guid(lua_State *L, int idx, ntsec_guid *g);
/* Push a GUID as lower-case "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}". */
void nl_push_guid(lua_State *L, const ntsec_guid *g);

/* ---- status ---- */

/* Push an integer code. */
void nl_push_code(lua_State *L, uint32_t code);
/* Fail tuple for an operational failure: nil, "<op>: NAME (0x...): message",
** code. Returns 3 (the number of values pushed). */
int nl_fail(lua_State *L, const char *op, NTSTATUS s);

/* ---- registration: each binding file exposes one opener that adds its
** functions/constants to the module table at the top of the stack. ---- */
void nl_open_values(lua_State *L);   /* sid, acl, sd, token, access_check */
void nl_open_status(lua_State *L);   /* errors table, constants */
void nl_open_wfp(lua_State *L);      /* wfp engine, session, faithful Fwpm* */
void nl_open_ks(lua_State *L);       /* ks device, file, irp, KsDispatch* */
void nl_open_explain(lua_State *L);  /* access_check_ex, explain, token_configure, merge */
void nl_open_access(lua_State *L);   /* access_check_at: entry points (nl_access.c) */
void nl_open_token_ext(lua_State *L);
void nl_open_merge(lua_State *L);

/* Parts of nl_open_values, one per value kind (nl_sid.c, nl_acl.c, nl_sd.c,
** nl_token.c, nl_consts.c). */
void nl_open_sid(lua_State *L);
void nl_open_acl(lua_State *L);
void nl_open_sd(lua_State *L);
void nl_open_token(lua_State *L);
void nl_open_consts(lua_State *L);

/* Read an optional SID-context table {domain_sid=, machine_sid=, forest_sid=}
** at idx into ctx, storing the binary SIDs in store (3 x 68 bytes). */
void nl_opt_sid_ctx(lua_State *L, int idx, ntsec_sid_ctx *ctx, uint8_t store[3][68]);

/* Set t[name] = integer value for each entry of a {name, value} list. */
typedef struct nl_const { const char *name; lua_Integer value; } nl_const;
void nl_set_consts(lua_State *L, const nl_const *c);

#endif
