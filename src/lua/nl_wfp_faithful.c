/*
** nl_wfp_faithful.c: the Windows-named WFP functions that are not per kind
** (wfp_ks_errors.md 1, 2.1, 2.2, 2.5): engine open/close, transactions and
** connection subscriptions. The per-kind ones (Fwpm<Kind>Add0, ...,
** Fwpm<Kind>SetSecurityInfoByKey0, FwpmConnectionSetSecurityInfo0, ...) are
** generated from the kind table in nl_wfp_object.c.
**
** Windows names and argument order, session first. Each returns the integer
** code the Windows entry point returns to a caller of the session's mode
** (user: 0 / FWP_E_* / Win32; kernel: NTSTATUS), then the out-values (nil
** on failure). Every function is also registered under its version-less
** name (1.3).
*/
#include <string.h>

#include "nl_wfp.h"
#include "wfp_ale.h"
#include "status.h"

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
    if (!lua_isnoneornil(L, 1)) {
        nlw_open_session(L, 1);
        nl_handle_close(L, 1);
    }
    lua_pushinteger(L, 0);
    return 1;
}

/* FwpmTransactionBegin0(s, flags) -> code; flags as Windows takes them
** (0 or FWPM_TXN_READ_ONLY; other bits give FWP_E_INVALID_FLAGS). */
static int f_txn_begin(lua_State *L)
{
    ud_session *s = nlw_open_session(L, 1);
    uint32_t flags = lua_isnoneornil(L, 2) ? 0 : nlw_check_u32(L, 2);
    return nlw_push_code(L, s, ntsec_wfp_txn_begin(s->e, s->h, flags));
}

/* FwpmTransactionCommit0(s) -> code */
static int f_txn_commit(lua_State *L)
{
    ud_session *s = nlw_open_session(L, 1);
    return nlw_push_code(L, s, ntsec_wfp_txn_commit(s->e, s->h));
}

/* FwpmTransactionAbort0(s) -> code */
static int f_txn_abort(lua_State *L)
{
    ud_session *s = nlw_open_session(L, 1);
    return nlw_push_code(L, s, ntsec_wfp_txn_abort(s->e, s->h));
}

static const luaL_Reg faithful[] = {
    {"FwpmEngineOpen0", f_engine_open},
    {"FwpmEngineClose0", f_engine_close},
    {"FwpmTransactionBegin0", f_txn_begin},
    {"FwpmTransactionCommit0", f_txn_commit},
    {"FwpmTransactionAbort0", f_txn_abort},
    {"FwpmConnectionSubscribe0", nlw_connection_subscribe},
    {"FwpmConnectionUnsubscribe0", nlw_connection_unsubscribe},
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
