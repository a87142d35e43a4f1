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
/* SD and token userdata start with a tag, so that the hot paths
** (nl_check_sd, ntsec.access_check) tell them from any other value with
** two API calls (lua_touserdata, lua_rawlen: a full userdata of exactly
** this size) and one compare, instead of fetching and comparing
** metatables. No Lua code can write a userdata's bytes. */
#define NL_SD_TAG    UINT64_C(0x216473636573746e)   /* "ntsecsd!" */
#define NL_TOKEN_TAG UINT64_C(0x216b746365737480)
/* SD userdata: one reference to an immutable descriptor. */
typedef struct nl_sd { uint64_t tag; ntsec_sd *sd; } nl_sd;
/* Token userdata; appcontainer: it has an AppContainer part
** (lua/ntsec/classify.lua attach), which the lean access check leaves
** to the Lua implementation. */
typedef struct nl_token { uint64_t tag; ntsec_token *t; int appcontainer; } nl_token;

/* The SD userdata at idx, or NULL for any other value. */
static inline nl_sd *nl_sd_at(lua_State *L, int idx)
{
    nl_sd *u = (nl_sd *)lua_touserdata(L, idx);
    return u && lua_rawlen(L, idx) == sizeof *u && u->tag == NL_SD_TAG ? u : NULL;
}

/* The token userdata at idx, or NULL for any other value. */
static inline nl_token *nl_token_at(lua_State *L, int idx)
{
    nl_token *u = (nl_token *)lua_touserdata(L, idx);
    return u && lua_rawlen(L, idx) == sizeof *u && u->tag == NL_TOKEN_TAG ? u : NULL;
}

/* Push the canonical text of a binary SID ("S-1-5-18") as a Lua string and
** return it (NUL-terminated, unlike ntsec_sid_format's buffer). */
const char *nl_push_sid_text(lua_State *L, const uint8_t *sid);
/* Push a new SID userdata copied from binary sid. */
void nl_push_sid(lua_State *L, const uint8_t *sid);
/* Binary SID at idx: a SID userdata, or a string (S-... or alias, parsed
** with no domain context); raises on anything else. */
const uint8_t *nl_check_sid(lua_State *L, int idx, uint8_t scratch[68]);
/* As nl_check_sid, but nil/none gives NULL. */
const uint8_t *nl_opt_sid(lua_State *L, int idx, uint8_t scratch[68]);

/* Push a new ACL userdata copying len bytes. */
void nl_push_acl(lua_State *L, const uint8_t *acl, size_t len);
/* ACL bytes at idx (ACL userdata, or an ACL string parsed in the DACL form
** for nl_opt_acl, the SACL form for nl_opt_sacl) or NULL for nil/none;
** raises otherwise, and on a string that does not parse. */
const uint8_t *nl_opt_acl(lua_State *L, int idx);
const uint8_t *nl_opt_sacl(lua_State *L, int idx);

/* Push an SD userdata taking over one reference of sd (the caller's). */
void nl_push_sd(lua_State *L, ntsec_sd *sd);
/* Descriptor at idx (SD userdata or SDDL string); raises otherwise, and on a
** string that does not parse. */
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

/* ---- strings wherever objects are accepted (nl_values.c; docs/design.md) ----
**
** A string in place of a SID, an ACL or a descriptor is parsed as ntsec.sid,
** ntsec.acl or ntsec.sd would, with no domain context: a SID string or alias;
** an ACL as "(A;;GA;;;SY)..." (the DACL form, or the SACL form for a SACL
** argument); SDDL. The parsed userdata replaces the string at idx, so it lives
** as long as the call.
** nl_to_* (arguments of idiomatic functions): the object, or NULL with the
** parse error object (op, offset into the given string) pushed on top; the
** caller then returns nl_fail_top(L). nl_check_sd / nl_check_sid / nl_opt_*
** (programmer-facing arguments that must be valid, faithful functions):
** raise "bad argument" with the error's text. Other types raise.
*/
ntsec_sd *nl_to_sd(lua_State *L, int idx, const char *op);
const uint8_t *nl_to_acl(lua_State *L, int idx, int sacl, const char *op);
const uint8_t *nl_to_sid(lua_State *L, int idx, const char *op);
/* nil, err where err is the error object on top; returns 2. */
int nl_fail_top(lua_State *L);

/* ---- strict option tables (nl_options.c; docs/design.md) ----
**
** Every option table is checked: an unknown key, a value of the wrong type
** or out of range raises "<what>: ..." naming the key. nil means absent.
*/
/* Raise unless every key of the table at t is one of keys (NULL-ended). */
void nl_check_keys(lua_State *L, int t, const char *what, const char *const keys[]);
/* Integer field in [min, max] (a float with an exact integer value is
** accepted), def when absent. */
lua_Integer nl_field_int(lua_State *L, int t, const char *what, const char *k,
                         lua_Integer min, lua_Integer max, lua_Integer def);
/* Boolean field (true/false only), def when absent. */
int nl_field_bool(lua_State *L, int t, const char *what, const char *k, int def);
/* String field, NULL when absent (the string stays reachable from t). */
const char *nl_field_str(lua_State *L, int t, const char *what, const char *k, size_t *len);
/* Push field k (any type) after checking it is absent or of one of the
** types in mask (bits 1 << LUA_Txxx); returns its type. */
int nl_field_typed(lua_State *L, int t, const char *what, const char *k, unsigned mask);
/* Raise "<what>: option '<k>' <msg>". */
int nl_option_error(lua_State *L, const char *what, const char *k, const char *msg);

/* ---- results (nl_result.c): the one result convention, docs/design.md ----
**
** Idiomatic functions return the value (or true), or nil, err where err is
** the one ntsec.errors object: a table with code, kind ("NTSTATUS", "WIN32",
** "HRESULT"), name, message, ntstatus, win32, hresult (nil where a view does
** not exist), op, and offset for parse errors; metatable NL_ERROR with
** __tostring "NAME (0x%08X): message" and __eq comparing code. ntsec.errors.new
** builds the same object (through nl_push_error). Faithful Windows-named
** functions push the integer code (nl_push_code) and never an error object.
*/
#define NL_ERROR "ntsec.error"

/* Push an integer code (0 .. 0xFFFFFFFF). */
void nl_push_code(lua_State *L, uint32_t code);
/* Push the error object of code in kind (an ntsec_code_kind of status.h:
** NTSTATUS, WIN32, HRESULT, USER for a user-mode DWORD, or 0 to take the
** catalogue's kind); op names the failing operation (NULL: none). */
void nl_push_error(lua_State *L, uint32_t code, int kind, const char *op);
/* nil, err for an NTSTATUS failure; returns 2. */
int nl_fail_nt(lua_State *L, const char *op, NTSTATUS s);
/* nil, err for a user-mode failure code (Win32 code or FWP_E_* HRESULT, as a
** WFP user-mode session returns it); returns 2. */
int nl_fail_user(lua_State *L, const char *op, uint32_t code);
/* nil, err for a parse failure at byte offset (0-based; err.offset); returns 2. */
int nl_fail_parse(lua_State *L, const char *op, NTSTATUS s, size_t offset);
/* End of an idiomatic call whose nvalues results are on top of the stack:
** success (NT_SUCCESS(s) / code 0) returns them (true when nvalues is 0);
** failure drops them and returns nil, err. */
int nl_result_nt(lua_State *L, const char *op, NTSTATUS s, int nvalues);
int nl_result_user(lua_State *L, const char *op, uint32_t code, int nvalues);
/* 1 when the value at idx is an ntsec.errors object. */
int nl_is_error(lua_State *L, int idx);
/* Push the text of the error object at idx, "NAME (0x...): message" plus
** " at offset N" for parse errors, and return it (for raising it). */
const char *nl_error_text(lua_State *L, int idx);


/* ---- handles (nl_handle.c): engine, session, enumerator, subscription, KS
** device, item, file, IRP ----
**
** Every handle userdata starts with an nl_handle. close is the function that
** releases the C object; it is NULL once the handle is closed (or before
** the C object exists: create the userdata with nl_handle_new, build the
** object, then set close). nl_handle_close runs it exactly once, so close()
** is idempotent and __gc/__close are the shared ones. A close function may
** use the userdata at idx (its user values), e.g. to close its children.
*/
typedef struct nl_handle nl_handle;
typedef void (*nl_close_fn)(lua_State *L, nl_handle *h, int idx);

typedef struct nl_handle_class {
    const char *tname;   /* metatable name, "ntsec.<kind>", e.g. "ntsec.ks.device" */
    const char *kind;    /* short kind, "device": ntsec.type, "attempt to use a closed device" */
    /* Optional: push the text inside the parentheses of tostring for an open
    ** handle (default: the userdata's address, "0x..."). */
    void (*describe)(lua_State *L, nl_handle *h, int idx);
} nl_handle_class;

struct nl_handle {
    const nl_handle_class *cls;
    nl_close_fn close;   /* NULL: closed */
};

/* New userdata of size bytes (starting with an nl_handle) and nuv user
** values, closed, with cls's metatable; left on the stack. */
void *nl_handle_new(lua_State *L, size_t size, int nuv, const nl_handle_class *cls);
/* The handle at idx if it is of cls (open or closed); raises otherwise. */
void *nl_handle_check(lua_State *L, int idx, const nl_handle_class *cls);
/* The handle at idx if it is of cls and open; raises "bad argument" for
** another type and "attempt to use a closed <kind>" when closed. */
void *nl_handle_open(lua_State *L, int idx, const nl_handle_class *cls);
/* Any ntsec handle at idx (NULL when idx is not one). */
nl_handle *nl_handle_test(lua_State *L, int idx);
/* Close the handle at idx (no-op when closed). */
void nl_handle_close(lua_State *L, int idx);
/* h:close() -> true, for every kind (idempotent). */
int nl_handle_close_method(lua_State *L);
/* Register cls: its metatable with __name, the shared __gc, __close and
** __tostring, then meta's entries (which may override them); __index is the
** methods table when index is NULL, else index (an __index C function that
** may use nl_handle_push_method). The metatable joins the ntsec type set. */
void nl_handle_register(lua_State *L, const nl_handle_class *cls, const luaL_Reg *meta,
                        const luaL_Reg *methods, lua_CFunction index);
/* Push methods[k] of the userdata at idx (found on closed handles too, so
** close() stays callable); returns 1, or 0 with nothing pushed. */
int nl_handle_push_method(lua_State *L, int idx, const char *k);

/* Value types: register metatable tname (on top of the stack) under kind in
** the ntsec type set that ntsec.type answers from. */
void nl_register_type(lua_State *L, int mt_idx, const char *kind);
/* ntsec.type(x) -> "sid", "sd", ..., "session", "closed session", ... | nil */
int nl_type(lua_State *L);

/* ---- registration: each binding file exposes one opener that adds its
** functions, kinds and constants to the module table on top of the stack;
** nl_module.c lists them in one flat table, in registration order. ---- */
void nl_open_sid(lua_State *L);
void nl_open_acl(lua_State *L);
void nl_open_sd(lua_State *L);
void nl_open_token(lua_State *L);
void nl_open_consts(lua_State *L);
void nl_open_explain(lua_State *L);  /* access_check_ex, explain */
void nl_open_token_ext(lua_State *L);
void nl_open_merge(lua_State *L);
void nl_open_status(lua_State *L);   /* errors table, catalogue constants */
void nl_open_wfp(lua_State *L);
void nl_open_wfp_classify(lua_State *L);   /* core.wfp_classify (nl_wfp_classify.c) */      /* wfp engine, session, faithful Fwpm* */
void nl_open_ks(lua_State *L);       /* ks device, file, irp, KsDispatch* */
void nl_open_access(lua_State *L);   /* access-check entry points (nl_access.c) */

/* Read an optional SID-context table {domain_sid=, machine_sid=, forest_sid=}
** at idx into ctx, storing the binary SIDs in store (3 x 68 bytes). */
void nl_opt_sid_ctx(lua_State *L, int idx, ntsec_sid_ctx *ctx, uint8_t store[3][68]);

/* ---- module entry (nl_module.c) ---- */

/* The one constants setter: t[name] = value for each entry of a {name,
** value} list, t the table on top of the stack. */
typedef struct nl_const { const char *name; lua_Integer value; } nl_const;
void nl_set_consts(lua_State *L, const nl_const *c);

#endif
