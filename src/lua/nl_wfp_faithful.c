/*
** nl_wfp_faithful.c: the Windows-named WFP functions (wfp_ks_errors.md 1, 2.7).
**
** Windows names and argument order, session first. Each returns the integer
** code the Windows entry point returns to a caller of the session's mode
** (user: 0 / FWP_E_* / Win32; kernel: NTSTATUS), then for getters the value
** (nil on failure). key is a GUID string, an FWPM_* name or nil; owner/group
** are SID userdata or strings or nil; dacl/sacl are ACL userdata or nil.
** Every function is also registered under its version-less name (1.3).
*/
#include <stdlib.h>
#include <string.h>

#include "nl_wfp.h"
#include "wfp_ale.h"
#include "wfp_callout.h"
#include "wfp_security.h"
#include "status.h"

static int push_code(lua_State *L, const ud_session *s, NTSTATUS st)
{
    nl_push_code(L, nlw_code(s, st));
    return 1;
}

/* ---- sessions and transactions ---- */

/* FwpmEngineOpen0(engine, opts) -> code, session|nil */
static int f_engine_open(lua_State *L)
{
    int kernel;
    NTSTATUS st;
    luaL_checktype(L, 2, LUA_TTABLE);
    st = nlw_session_open(L, 1, 2, &kernel);
    nl_push_code(L, nlw_code_for(kernel, st));
    if (NT_SUCCESS(st)) lua_insert(L, -2);   /* code, session */
    else lua_pushnil(L);
    return 2;
}

/* FwpmEngineClose0(session|nil) -> code (nil: success, W32-FFD) */
static int f_engine_close(lua_State *L)
{
    ud_session *s;
    if (lua_isnoneornil(L, 1)) {
        lua_pushinteger(L, 0);
        return 1;
    }
    s = nlw_open_session(L, 1);
    ntsec_wfp_engine_close(s->e, s->h);
    s->e = NULL;
    lua_pushinteger(L, 0);
    return 1;
}

/* FwpmTransactionBegin0(s, flags) -> code */
static int f_txn_begin(lua_State *L)
{
    ud_session *s = nlw_open_session(L, 1);
    uint32_t flags = lua_isnoneornil(L, 2) ? 0 : nlw_check_u32(L, 2);
    return push_code(L, s, ntsec_wfp_txn_begin(s->e, s->h, flags));
}

static int f_txn_commit(lua_State *L)
{
    ud_session *s = nlw_open_session(L, 1);
    return push_code(L, s, ntsec_wfp_txn_commit(s->e, s->h));
}

static int f_txn_abort(lua_State *L)
{
    ud_session *s = nlw_open_session(L, 1);
    return push_code(L, s, ntsec_wfp_txn_abort(s->e, s->h));
}

/* ---- keyless containers ---- */

typedef NTSTATUS (*set_fn)(ntsec_wfp_engine *, ntsec_wfp_handle, SECURITY_INFORMATION,
                           const uint8_t *, const uint8_t *, const uint8_t *, const uint8_t *);
typedef NTSTATUS (*get_fn)(ntsec_wfp_engine *, ntsec_wfp_handle, SECURITY_INFORMATION, ntsec_sd **);

static int keyless_set(lua_State *L, set_fn fn)
{
    ud_session *s = nlw_open_session(L, 1);
    nlw_set_args a;
    nlw_read_set_args(L, 2, &a);
    return push_code(L, s, fn(s->e, s->h, a.si, a.owner, a.group, a.dacl, a.sacl));
}

static int keyless_get(lua_State *L, get_fn fn)
{
    ud_session *s = nlw_open_session(L, 1);
    uint32_t si = nlw_check_u32(L, 2);
    ntsec_sd *sd;
    NTSTATUS st = fn(s->e, s->h, si, &sd);
    return nlw_push_sd_result(L, s, st, sd);
}

static int f_conn_set(lua_State *L) { return keyless_set(L, ntsec_wfp_connection_set_security); }
static int f_conn_get(lua_State *L) { return keyless_get(L, ntsec_wfp_connection_get_security); }
static int f_ale_set(lua_State *L) { return keyless_set(L, ntsec_wfp_ale_set_security); }
static int f_ale_get(lua_State *L) { return keyless_get(L, ntsec_wfp_ale_get_security); }
static int f_engine_set(lua_State *L) { return keyless_set(L, ntsec_wfp_engine_set_security); }
static int f_engine_get(lua_State *L) { return keyless_get(L, ntsec_wfp_engine_get_security); }

/* ---- endpoints and connections ---- */

/* FwpsAleEndpointGetById0(s, id) -> code, endpoint|nil */
static int f_ale_get_by_id(lua_State *L)
{
    ud_session *s = nlw_open_session(L, 1);
    uint64_t id = (uint64_t)luaL_checkinteger(L, 2);
    const ntsec_wfp_endpoint *ep;
    NTSTATUS st = ntsec_wfp_ale_get_by_id(s->e, s->h, id, &ep);
    nl_push_code(L, nlw_code(s, st));
    if (NT_SUCCESS(st)) nlw_push_endpoint(L, ep);
    else lua_pushnil(L);
    return 2;
}

/* code, then nil on failure or a new table to fill (returns 0 on failure). */
static int begin_list(lua_State *L, const ud_session *s, NTSTATUS st, size_t n)
{
    nl_push_code(L, nlw_code(s, st));
    if (!NT_SUCCESS(st)) {
        lua_pushnil(L);
        return 0;
    }
    lua_createtable(L, (int)n, 0);
    return 1;
}

/* FwpsAleEndpointEnum0(s, enum, n) -> code, entries|nil, count; the older
** one-call form FwpsAleEndpointEnum0(s) -> code, array|nil takes a snapshot
** of everything (CreateEnumHandle + Enum + Destroy). */
static int f_ale_enum(lua_State *L)
{
    ud_session *s = nlw_open_session(L, 1);
    const ntsec_wfp_endpoint **arr = NULL;
    size_t n = 0, i;
    NTSTATUS st;
    if (!lua_isnoneornil(L, 2)) return nlw_enum_fetch(L, 1, NTSEC_WFP_ENDPOINT, 2, 3);
    st = ntsec_wfp_ale_enum(s->e, s->h, &arr, &n);
    if (begin_list(L, s, st, n)) {
        for (i = 0; i < n; i++) {
            nlw_push_endpoint(L, arr[i]);
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
        free(arr);
    }
    return 2;
}

/* FwpmConnectionEnum0(s, enum, n) -> code, entries|nil, count; or the
** one-call form FwpmConnectionEnum0(s) -> code, array|nil. */
static int f_conn_enum(lua_State *L)
{
    ud_session *s = nlw_open_session(L, 1);
    const ntsec_wfp_connection **arr = NULL;
    size_t n = 0, i;
    NTSTATUS st;
    if (!lua_isnoneornil(L, 2)) return nlw_enum_fetch(L, 1, NTSEC_WFP_CONNECTION, 2, 3);
    st = ntsec_wfp_connection_enum(s->e, s->h, &arr, &n);
    if (begin_list(L, s, st, n)) {
        for (i = 0; i < n; i++) {
            nlw_push_connection(L, arr[i]);
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
        free(arr);
    }
    return 2;
}

static int f_conn_create(lua_State *L) { return nlw_enum_create(L, 1, NTSEC_WFP_CONNECTION, 2); }
static int f_conn_destroy(lua_State *L) { return nlw_enum_destroy(L, 1, NTSEC_WFP_CONNECTION, 2); }
static int f_ale_create(lua_State *L) { return nlw_enum_create(L, 1, NTSEC_WFP_ENDPOINT, 2); }
static int f_ale_destroy(lua_State *L) { return nlw_enum_destroy(L, 1, NTSEC_WFP_ENDPOINT, 2); }

/* FwpmConnectionGetById0(s, id) -> code, connection|nil */
static int f_conn_get_by_id(lua_State *L)
{
    ud_session *s = nlw_open_session(L, 1);
    const ntsec_wfp_connection *c;
    NTSTATUS st = ntsec_wfp_connection_get_by_id(s->e, s->h, (uint64_t)luaL_checkinteger(L, 2), &c);
    nl_push_code(L, nlw_code(s, st));
    if (NT_SUCCESS(st)) nlw_push_connection(L, c);
    else lua_pushnil(L);
    return 2;
}

static const luaL_Reg faithful[] = {
    {"FwpmEngineOpen0", f_engine_open},
    {"FwpmEngineClose0", f_engine_close},
    {"FwpmTransactionBegin0", f_txn_begin},
    {"FwpmTransactionCommit0", f_txn_commit},
    {"FwpmTransactionAbort0", f_txn_abort},
    {"FwpmConnectionSetSecurityInfo0", f_conn_set},
    {"FwpmConnectionGetSecurityInfo0", f_conn_get},
    {"FwpmConnectionEnum0", f_conn_enum},
    {"FwpmConnectionCreateEnumHandle0", f_conn_create},
    {"FwpmConnectionDestroyEnumHandle0", f_conn_destroy},
    {"FwpmConnectionGetById0", f_conn_get_by_id},
    {"FwpmConnectionSubscribe0", nlw_connection_subscribe},
    {"FwpmConnectionUnsubscribe0", nlw_connection_unsubscribe},
    {"FwpsAleEndpointSetSecurityInfo0", f_ale_set},
    {"FwpsAleEndpointGetSecurityInfo0", f_ale_get},
    {"FwpsAleEndpointGetById0", f_ale_get_by_id},
    {"FwpsAleEndpointEnum0", f_ale_enum},
    {"FwpsAleEndpointCreateEnumHandle0", f_ale_create},
    {"FwpsAleEndpointDestroyEnumHandle0", f_ale_destroy},
    {"FwpmEngineSetSecurityInfo0", f_engine_set},
    {"FwpmEngineGetSecurityInfo0", f_engine_get},
    {NULL, NULL}
};

/* Registers every function under its name and its version-less alias. */
void nlw_add_faithful(lua_State *L)
{
    const luaL_Reg *r;
    for (r = faithful; r->name; r++) {
        lua_pushcfunction(L, r->func);
        lua_setfield(L, -2, r->name);
        lua_pushlstring(L, r->name, strlen(r->name) - 1);   /* drop the trailing 0 */
        lua_pushcfunction(L, r->func);
        lua_settable(L, -3);
    }
}
