/*
** nl_wfp.h: shared pieces of the WFP binding (nl_wfp*.c only).
**
** Kinds: "ntsec.wfp.engine", "ntsec.wfp.session", "ntsec.wfp.enum" and
** "ntsec.wfp.subscription" (lua_conventions.md 7). A session holds its engine
** in user value 1 and its subscriptions in user value 2; the engine keeps a
** weak-keyed set of its sessions in user value 1 (and closes them before
** itself) and its callback error handler in user value 2. Enum handles and
** subscriptions hold their session in user value 1.
** Codes: a kernel-mode session gets the NTSTATUS, a user-mode one the
** user-mode DWORD (ntsec_nt_to_win32: FWP_E_*, Win32 codes; 5.4, 5.7).
*/
#ifndef NTSEC_NL_WFP_H
#define NTSEC_NL_WFP_H

#include "nl.h"
#include "wfp.h"

#define NL_WFP_ENGINE  "ntsec.wfp.engine"
#define NL_WFP_SESSION "ntsec.wfp.session"
#define NL_WFP_ENUM    "ntsec.wfp.enum"
#define NL_WFP_SUB     "ntsec.wfp.subscription"

typedef struct ud_engine {
    ntsec_wfp_engine *e;          /* NULL: closed */
    lua_State *cur_L;             /* the thread inside a call that may fire callbacks */
} ud_engine;
typedef struct ud_session {
    ntsec_wfp_engine *e;          /* NULL: closed */
    ud_engine *eu;                /* its engine's userdata (kept alive by user value 1) */
    ntsec_wfp_handle h;
    int kernel, dynamic;
} ud_session;

enum { NLW_UV_ENGINE = 1, NLW_UV_SUBS = 2 };        /* session -> engine, strong set of subscriptions */
enum { NLW_UV_SESSIONS = 1, NLW_UV_ON_ERROR = 2 };  /* engine -> weak set of sessions, error handler */

/* ---- accessors (nl_wfp.c, nl_wfp_session.c) ---- */
ud_engine *nlw_check_engine(lua_State *L, int idx);
/* Open engine at idx; raises "attempt to use a closed engine". */
ntsec_wfp_engine *nlw_open_engine(lua_State *L, int idx);
ud_session *nlw_check_session(lua_State *L, int idx);
/* Open session at idx; raises "attempt to use a closed session". */
ud_session *nlw_open_session(lua_State *L, int idx);
/* Close every session of the engine at idx (marks them closed). */
void nlw_close_sessions(lua_State *L, int idx);

/* The code a caller in this session's mode sees for st. */
uint32_t nlw_code(const ud_session *s, NTSTATUS st);
uint32_t nlw_code_for(int kernel, NTSTATUS st);

/* engine:open / FwpmEngineOpen0 core: opens a session from the option table
** at opts_idx for the engine at eng_idx. Pushes the session userdata (or
** nothing) and returns the NTSTATUS. */
NTSTATUS nlw_session_open(lua_State *L, int eng_idx, int opts_idx, int *kernel);

/* Shared by session:add_callout / FwpmCalloutAdd0 (callout table at t):
** pushes code, id|nil; returns 2. */
int nlw_callout_add(lua_State *L, ud_session *s, int t, ntsec_sd *sd);
/* Shared by session:get_callout / FwpmCalloutGetByKey0: pushes code,
** table|nil; returns 2. */
int nlw_callout_get(lua_State *L, ud_session *s, int key_idx);

/* ---- arguments and fields (nl_wfp_util.c) ---- */

/* Key at idx: nil/none -> 0; a GUID string (braces optional) or an FWPM_*
** symbolic name -> 1 with *g set; anything else -> -1 (nothing raised). */
int nlw_parse_key(lua_State *L, int idx, ntsec_guid *g);
/* As nlw_parse_key but raises on -1 (faithful functions: programmer error). */
int nlw_check_key(lua_State *L, int idx, ntsec_guid *g);
/* SECURITY_INFORMATION / 32-bit mask argument (0..0xFFFFFFFF or a negative
** int32). */
uint32_t nlw_check_u32(lua_State *L, int idx);
/* ACL bytes at idx (ACL userdata) or NULL for nil. */
const uint8_t *nlw_opt_acl(lua_State *L, int idx);

/* Fields of the table at t. Each pushes nothing and leaves the stack as is. */
const char *nlw_field_string(lua_State *L, int t, const char *k);   /* nil -> NULL */
int nlw_field_bool(lua_State *L, int t, const char *k);
/* Integer field (numbers or numeric strings); *present cleared when nil.
** Raises on other types. */
uint64_t nlw_field_u64(lua_State *L, int t, const char *k, int *present);
/* Flags: nil, an integer, or a list of names/hex tokens/integers. Returns 1,
** or 0 with *bad naming the unknown token (a string inside the table).
** lenient (imports): an unknown name shaped like a flag name (FWP..._FLAG_...)
** is accepted and contributes no bits (docs/wfp.md). */
int nlw_field_flags(lua_State *L, int t, const char *k, int lenient, uint32_t *flags, const char **bad);
/* Key field: 0 absent (nil or ""), 1 ok, -1 unknown/malformed (*text set). */
int nlw_field_key(lua_State *L, int t, const char *k, ntsec_guid *g, const char **text);
/* The first non-nil of two field names (alias support); pushes it. */
void nlw_get_alias(lua_State *L, int t, const char *k1, const char *k2);

/* Security arguments si, owner, group, dacl, sacl at first..first+4 (SID
** userdata or strings, ACL userdata, nil). */
typedef struct nlw_set_args {
    uint32_t si;
    const uint8_t *owner, *group, *dacl, *sacl;
    uint8_t owner_buf[68], group_buf[68];
} nlw_set_args;
void nlw_read_set_args(lua_State *L, int first, nlw_set_args *a);
/* code, sd|nil (takes over the reference in sd); returns 2. */
int nlw_push_sd_result(lua_State *L, const ud_session *s, NTSTATUS st, ntsec_sd *sd);

/* ---- result tables (nl_wfp_util.c) ---- */
void nlw_push_object(lua_State *L, const ntsec_wfp_object_info *o);
void nlw_push_endpoint(lua_State *L, const void *ep);   /* const ntsec_wfp_endpoint * */
void nlw_push_connection(lua_State *L, const void *c);  /* const ntsec_wfp_connection * */
const char *nlw_lifetime_name(ntsec_wfp_lifetime l);

/* The keyed kind of an "FwpmX" name part: Provider, SubLayer, Layer, Callout,
** Filter (nlw_kind_names[kind]). */
extern const char *const nlw_kind_names[5];

/* ---- objects (nl_wfp_object.c) ---- */
/* Read an FWPM_{PROVIDER,SUBLAYER,CALLOUT,FILTER}0-like table at t into a
** (strings stay reachable from the table; keys are written to keys[4]).
** Raises on malformed keys, unknown flags or wrong types. */
struct ntsec_wfp_add_spec;
void nlw_read_add_spec(lua_State *L, int t, ntsec_wfp_kind kind, struct ntsec_wfp_add_spec *a,
                       ntsec_guid keys[4]);
/* Shared by session:add_* and Fwpm*Add0: pushes code, id|nil, key|nil; returns 3. */
int nlw_object_add(lua_State *L, ud_session *s, ntsec_wfp_kind kind, int t, ntsec_sd *sd);
/* Shared by get methods: pushes code, table|nil; returns 2. by_id: the
** argument at idx is an integer id, else a key. */
int nlw_object_get(lua_State *L, ud_session *s, ntsec_wfp_kind kind, int idx, int by_id);
/* Pushes the code of a delete by key / id. */
int nlw_object_delete(lua_State *L, ud_session *s, ntsec_wfp_kind kind, int idx, int by_id);

/* ---- enumerations (nl_wfp_enum.c) ---- */
/* CreateEnumHandle: template table (or nil) at t; pushes code, enum|nil. */
int nlw_enum_create(lua_State *L, int sess_idx, ntsec_wfp_kind kind, int t);
/* Enum0(s, enum, n): pushes code, entries|nil, count. */
int nlw_enum_fetch(lua_State *L, int sess_idx, ntsec_wfp_kind kind, int enum_idx, int n_idx);
/* DestroyEnumHandle0(s, enum): pushes code. */
int nlw_enum_destroy(lua_State *L, int sess_idx, ntsec_wfp_kind kind, int enum_idx);
/* session:enum_X(template): the 4-value generic-for form (raises on failure). */
int nlw_enum_iterate(lua_State *L, ntsec_wfp_kind kind);
void nlw_open_enum_kind(lua_State *L);

/* ---- subscriptions (nl_wfp_sub.c) ---- */
/* FwpmConnectionSubscribe0(s, subscription, callback, context) -> code, handle|nil */
int nlw_connection_subscribe(lua_State *L);
/* FwpmConnectionUnsubscribe0(s, handle) -> code */
int nlw_connection_unsubscribe(lua_State *L);
void nlw_open_sub_kind(lua_State *L);

/* ---- registration ---- */
void nlw_open_session_kind(lua_State *L);          /* session metatable */
void nlw_add_faithful(lua_State *L);               /* Fwpm* into the table on top */
void nlw_add_faithful_objects(lua_State *L);       /* per-kind Fwpm* (nl_wfp_faithful_obj.c) */
void nlw_add_import_methods(lua_State *L);         /* import_* into the table on top */
void nlw_add_session_objects(lua_State *L);        /* per-kind session methods into the table on top */

#endif
