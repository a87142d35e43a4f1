/*
** nl_wfp.h: shared pieces of the WFP binding (nl_wfp*.c only).
**
** Kinds: "ntsec.wfp.engine" and "ntsec.wfp.session" (lua_conventions.md 7).
** A session holds its engine in user value 1; the engine keeps a weak-keyed
** set of its sessions in user value 1 and closes them before itself.
** Codes: a kernel-mode session gets the NTSTATUS, a user-mode one the
** user-mode DWORD (ntsec_nt_to_win32: FWP_E_*, Win32 codes; 5.4, 5.7).
*/
#ifndef NTSEC_NL_WFP_H
#define NTSEC_NL_WFP_H

#include "nl.h"
#include "wfp.h"

#define NL_WFP_ENGINE  "ntsec.wfp.engine"
#define NL_WFP_SESSION "ntsec.wfp.session"

typedef struct ud_engine { ntsec_wfp_engine *e; } ud_engine;       /* e NULL: closed */
typedef struct ud_session {
    ntsec_wfp_engine *e;                                            /* NULL: closed */
    ntsec_wfp_handle h;
    int kernel, dynamic;
} ud_session;

enum { NLW_UV_ENGINE = 1 };     /* session -> engine */
enum { NLW_UV_SESSIONS = 1 };   /* engine -> weak set of sessions */

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

/* ---- result tables (nl_wfp_util.c) ---- */
void nlw_push_object(lua_State *L, const ntsec_wfp_object_info *o);
void nlw_push_endpoint(lua_State *L, const void *ep);   /* const ntsec_wfp_endpoint * */
void nlw_push_connection(lua_State *L, const void *c);  /* const ntsec_wfp_connection * */
const char *nlw_lifetime_name(ntsec_wfp_lifetime l);

/* ---- registration ---- */
void nlw_open_session_kind(lua_State *L);          /* session metatable */
void nlw_add_faithful(lua_State *L);               /* Fwpm* into the table on top */
void nlw_add_import_methods(lua_State *L);         /* import_* into the table on top */

#endif
