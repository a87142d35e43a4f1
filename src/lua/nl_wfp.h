/*
** nl_wfp.h: shared pieces of the WFP binding (nl_wfp*.c only).
**
** Handles (nl_handle, nl.h): "ntsec.wfp.engine", "ntsec.wfp.session",
** "ntsec.wfp.enum" and "ntsec.wfp.subscription" (lua_conventions.md 7). A
** session holds its engine in user value 1 and its subscriptions in user
** value 2; the engine keeps a weak-keyed set of its sessions in user value 1
** (and closes them before itself), its callback error handler in user value
** 2 and its security observer function in user value 3. Enum handles and
** subscriptions hold their session in user value 1.
**
** Everything per kind comes from the core's kind table (wfp_kinds.h): the
** faithful names (prefix .. stem .. operation), the session methods
** (add_<name>, enum_<plural>), the enumerators and security targets.
**
** Result convention (docs/design.md): faithful functions push the code a
** caller of the session's mode gets (kernel: the NTSTATUS; user: the
** user-mode DWORD, ntsec_nt_to_win32: FWP_E_*, Win32; 5.4, 5.7) and their
** out-values; idiomatic methods return the value or true, or nil, err with
** the one error object (nlw_result).
*/
#ifndef NTSEC_NL_WFP_H
#define NTSEC_NL_WFP_H

#include "nl.h"
#include "wfp.h"
#include "wfp_kinds.h"
#include "wfp_security.h"

#define NL_WFP_ENGINE  "ntsec.wfp.engine"
#define NL_WFP_SESSION "ntsec.wfp.session"
#define NL_WFP_ENUM    "ntsec.wfp.enum"
#define NL_WFP_SUB     "ntsec.wfp.subscription"

typedef struct ud_engine {
    nl_handle hd;                 /* close: frees the engine (its sessions first) */
    ntsec_wfp_engine *e;          /* NULL: closed */
    lua_State *cur_L;             /* the thread inside a call that may fire callbacks */
} ud_engine;
typedef struct ud_session {
    nl_handle hd;                 /* close: FwpmEngineClose0 */
    ntsec_wfp_engine *e;          /* NULL: closed */
    ud_engine *eu;                /* its engine's userdata (kept alive by user value 1) */
    ntsec_wfp_handle h;
    int kernel, dynamic;
} ud_session;

extern const nl_handle_class nlw_engine_class, nlw_session_class, nlw_enum_class, nlw_sub_class;

enum { NLW_UV_ENGINE = 1, NLW_UV_SUBS = 2 };        /* session -> engine, strong set of subscriptions */
enum { NLW_UV_SESSIONS = 1, NLW_UV_ON_ERROR = 2, NLW_UV_OBSERVER = 3 };  /* engine user values */

/* ---- accessors (nl_wfp.c, nl_wfp_session.c) ---- */
ud_engine *nlw_check_engine(lua_State *L, int idx);
/* Open engine at idx; raises "attempt to use a closed engine". */
ntsec_wfp_engine *nlw_open_engine(lua_State *L, int idx);
ud_session *nlw_check_session(lua_State *L, int idx);
/* Open session at idx; raises "attempt to use a closed session". */
ud_session *nlw_open_session(lua_State *L, int idx);
/* Anchor the handle on top (an enum) in the session at sess_idx's set of
** children (user value 2): the session's close closes it. */
void nlw_adopt_child(lua_State *L, int sess_idx);
/* Close every session of the engine at idx (marks them closed). */
void nlw_close_sessions(lua_State *L, int idx);

/* The code a caller in this session's mode sees for st. */
uint32_t nlw_code(const ud_session *s, NTSTATUS st);
uint32_t nlw_code_for(int kernel, NTSTATUS st);
/* Faithful end: push the code of st for the session's mode; returns 1. */
int nlw_push_code(lua_State *L, const ud_session *s, NTSTATUS st);
/* Idiomatic end of a session call with nvalues results on top: them (true
** when 0) on success, else nil, err (the error object of the code the
** session's mode sees; op: the faithful name, built only on failure from
** the kind row and suffix, e.g. "FwpmCallout" .. "Add0"). */
int nlw_result(lua_State *L, const ud_session *s, const ntsec_wfp_kind_info *row, const char *suffix,
               NTSTATUS st, int nvalues);
/* Push the weak-valued registry table at key (created on first use): C
** addresses -> their userdata, for callbacks that must find them again. */
void nlw_push_weak_registry(lua_State *L, const void *key);
/* As nlw_result with the operation's name given. */
int nlw_result_op(lua_State *L, const ud_session *s, const char *op, NTSTATUS st, int nvalues);
/* The kind row in upvalue 1 of a generated closure (a light userdata). */
const ntsec_wfp_kind_info *nlw_up_row(lua_State *L);
/* t[name] = closure(fn, row) for the table on top. */
void nlw_set_kind_fn(lua_State *L, const char *name, lua_CFunction fn, const ntsec_wfp_kind_info *row);

/* engine:open / FwpmEngineOpen0 core: opens a session from the option table
** at opts_idx (strict: token, dynamic, kernel_mode, txn_timeout_ms, key,
** name, description) for the engine at eng_idx. Pushes the session
** userdata (or nothing) and returns the NTSTATUS. */
NTSTATUS nlw_session_open(lua_State *L, int eng_idx, int opts_idx, int *kernel);

/* ---- arguments and fields (nl_wfp_util.c) ---- */

/* Key at idx: nil/none -> 0; a GUID string (braces optional) or an FWPM_*
** symbolic name -> 1 with *g set; anything else -> -1 (nothing raised). */
int nlw_parse_key(lua_State *L, int idx, ntsec_guid *g);
/* As nlw_parse_key but raises on -1 (faithful functions: programmer error). */
int nlw_check_key(lua_State *L, int idx, ntsec_guid *g);
/* SECURITY_INFORMATION / 32-bit mask argument (0..0xFFFFFFFF or a negative
** int32). */
uint32_t nlw_check_u32(lua_State *L, int idx);
/* The 32-bit integer at idx (an option's value); raises "option '<k>': ..."
** for a non-integer or a value outside 0..0xFFFFFFFF (negative int32 ok). */
uint32_t nlw_field_u32_value(lua_State *L, int idx, const char *k);
/* ACL bytes at idx (ACL userdata) or NULL for nil. */
const uint8_t *nlw_opt_acl(lua_State *L, int idx);

/* Fields of the table at t. Each pushes nothing and leaves the stack as is. */
const char *nlw_field_string(lua_State *L, int t, const char *k);   /* nil -> NULL */
int nlw_field_bool(lua_State *L, int t, const char *k);
/* Integer field (numbers or numeric strings); *present cleared when nil.
** Raises on other types. */
uint64_t nlw_field_u64(lua_State *L, int t, const char *k, int *present);
/* 1 when field k is absent or reads as nlw_field_u64 reads it (never raises):
** data-facing readers (imports) check their fields with it first. */
int nlw_field_u64_ok(lua_State *L, int t, const char *k);
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
** userdata or SID strings/aliases, ACL userdata or ACL strings "(A;;GA;;;SY)",
** nil); raises on malformed strings (faithful: programmer error). */
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

/* ---- objects (nl_wfp_object.c) ---- */
/* Read an FWPM_{PROVIDER,SUBLAYER,CALLOUT,FILTER}0-like table at t into a
** (strings stay reachable from the table; keys are written to keys[4]).
** A filter's conditions are parsed into a box pushed on the stack (the
** caller pops it after the add). Raises on unknown option keys, malformed
** keys, unknown flags, wrong types or a condition that does not parse. */
struct ntsec_wfp_add_spec;
void nlw_read_add_spec(lua_State *L, int t, ntsec_wfp_kind kind, struct ntsec_wfp_add_spec *a,
                       ntsec_guid keys[4]);

/* ---- enumerations (nl_wfp_enum.c) ---- */
/* CreateEnumHandle: template table (or nil) at t; pushes code, enum|nil. */
int nlw_enum_create(lua_State *L, int sess_idx, ntsec_wfp_kind kind, int t);
/* Enum0(s, enum, n): pushes code, entries|nil, count; enum nil: the
** one-call form (a snapshot of everything: code, entries|nil, count). */
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
/* session:subscribe_connections(callback[, context[, subscription]]) -> handle | nil, err */
int nlw_session_subscribe(lua_State *L);
/* session:unsubscribe_connections(handle) -> true | nil, err */
int nlw_session_unsubscribe(lua_State *L);
void nlw_open_sub_kind(lua_State *L);

/* ---- the engine's security observer (nl_wfp.c) ---- */
/* The C observer installed by engine:observe: calls the engine's observer
** function on eu->cur_L (set by every security entry point). */
void nlw_observer(void *ctx, const ntsec_wfp_security_event *ev);

/* ---- filter conditions (nl_wfp_cond.c) ---- */
/* Parsed conditions, owned by a userdata (freed by __gc). */
typedef struct nlw_cond_box {
    struct ntsec_wfp_filter_set *set;   /* holds the conditions' bytes */
    struct ntsec_wfp_condition *conds;
    uint32_t n;                         /* parsed so far */
} nlw_cond_box;
/* Read the condition list at idx ({field=, match=, type=, value=, value2=,
** low=, high=}; nl_wfp_cond.c) and push the box holding them. *st gets the
** status of the first condition that failed to parse (err: "condition N:
** why"), STATUS_SUCCESS otherwise. Shape errors raise, except a condition
** without field, match or type, or with a range bound holding more than a
** type and a value (an address mask or another range: FWP_VALUE0 holds
** neither), when incomplete_is_data (the importer: a dump's malformed record
** is refused, STATUS_INVALID_PARAMETER, "condition N needs field, match and
** type" / "condition N: ..."). */
nlw_cond_box *nlw_read_conditions(lua_State *L, int idx, char *err, size_t errcap, NTSTATUS *st,
                                  int incomplete_is_data);
/* The texts of condition i (0-based) of a list: pushes its strings (popped
** by nlw_parse_conditions); 1, or 0 when field, match or type is missing, or
** NLW_COND_BAD_BOUND when a range bound holds more than a type and a value. */
#define NLW_COND_BAD_BOUND (-1)
struct ntsec_wfp_condition_text;
typedef int (*nlw_cond_reader)(lua_State *L, void *ctx, size_t i, struct ntsec_wfp_condition_text *t);
/* As nlw_read_conditions for n conditions whose texts read() gives (the
** engine's item import reads them from the XML item view). */
nlw_cond_box *nlw_parse_conditions(lua_State *L, size_t n, nlw_cond_reader read, void *ctx, char *err,
                                   size_t errcap, NTSTATUS *st, int incomplete_is_data);
/* Push n bytes as lower-case hex (nl_wfp_util.c). */
void nlw_push_hex(lua_State *L, const uint8_t *p, size_t n);
/* Push one condition / a list of them as tables of the same shape. */
void nlw_push_condition(lua_State *L, const struct ntsec_wfp_condition *c);
void nlw_push_conditions(lua_State *L, const struct ntsec_wfp_condition *c, uint32_t n);

/* ---- registration ---- */
void nlw_open_session_kind(lua_State *L);          /* session metatable */
void nlw_add_faithful(lua_State *L);               /* engine, transaction, subscription Fwpm* */
void nlw_add_faithful_objects(lua_State *L);       /* per-kind Fwpm* from the kind table */
void nlw_add_snapshot(lua_State *L);               /* security_bytes (nl_wfp_snapshot.c) */
void nlw_add_groups(lua_State *L);                 /* filter_groups (nl_wfp_groups.c) */
void nlw_add_import_methods(lua_State *L);         /* import_* into the table on top */
void nlw_add_session_objects(lua_State *L);        /* per-kind session methods into the table on top */

#endif
