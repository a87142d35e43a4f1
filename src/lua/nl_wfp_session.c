/*
** nl_wfp_session.c: the session handle "ntsec.wfp.session" and its methods
** that are not per kind (wfp_ks_errors.md 2.1, 2.2, 2.5). Per-kind methods
** (add_callout, get_connection, enum_filters, ...) are generated from the
** kind table (nl_wfp_object.c). Methods return the value or true, or nil,
** err (docs/design.md); close() is idempotent and returns true; other use
** after close raises, as do bad arguments and unknown option keys.
*/
#include <string.h>

#include "nl_wfp.h"
#include "wfp_ale.h"
#include "status.h"

static void describe_session(lua_State *L, nl_handle *h, int idx)
{
    const ud_session *s = (ud_session *)h;
    lua_pushfstring(L, "%p, %s%s", (const void *)s, s->kernel ? "kernel" : "user", s->dynamic ? ", dynamic" : "");
}

const nl_handle_class nlw_session_class = {NL_WFP_SESSION, "session", describe_session};

ud_session *nlw_check_session(lua_State *L, int idx)
{
    return (ud_session *)nl_handle_check(L, idx, &nlw_session_class);
}

ud_session *nlw_open_session(lua_State *L, int idx)
{
    return (ud_session *)nl_handle_open(L, idx, &nlw_session_class);
}

/* FwpmEngineClose0 (nl_handle close function). */
static void close_session(lua_State *L, nl_handle *h, int idx)
{
    ud_session *s = (ud_session *)h;
    if (s->e) ntsec_wfp_engine_close(s->e, s->h);
    s->e = NULL;
    if (lua_getiuservalue(L, idx, NLW_UV_SUBS) == LUA_TTABLE) {   /* its enums and subscriptions */
        lua_pushnil(L);
        while (lua_next(L, -2)) {
            lua_pop(L, 1);
            if (nl_handle_test(L, lua_gettop(L))) nl_handle_close(L, lua_gettop(L));
        }
    }
    lua_pop(L, 1);
}

void nlw_adopt_child(lua_State *L, int sess_idx)
{
    if (lua_getiuservalue(L, sess_idx, NLW_UV_SUBS) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_setiuservalue(L, sess_idx, NLW_UV_SUBS);
    }
    lua_pushvalue(L, -2);
    lua_pushboolean(L, 1);
    lua_rawset(L, -3);
    lua_pop(L, 1);
}

void nlw_close_sessions(lua_State *L, int idx)
{
    lua_getiuservalue(L, idx, NLW_UV_SESSIONS);
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        lua_pop(L, 1);
        if (luaL_testudata(L, -1, NL_WFP_SESSION)) nl_handle_close(L, -1);
    }
    lua_pop(L, 1);
}

/* ---- open ---- */

static const char *const session_keys[] = {
    "token", "dynamic", "kernel_mode", "txn_timeout_ms", "key", "name", "description", NULL
};

static void read_session_opts(lua_State *L, int t, ntsec_wfp_session_opts *o, ntsec_guid *key)
{
    int r;
    const char *text;
    nl_check_keys(L, t, "open", session_keys);
    lua_getfield(L, t, "token");
    if (!lua_isnil(L, -1)) o->token = nl_check_token(L, -1);
    lua_pop(L, 1);   /* the option table keeps the token alive */
    o->dynamic = nl_field_bool(L, t, "open", "dynamic", 0);
    o->kernel_mode = nl_field_bool(L, t, "open", "kernel_mode", 0);
    o->txn_timeout_ms = (uint32_t)nl_field_int(L, t, "open", "txn_timeout_ms", 0, 0xFFFFFFFF, 0);
    o->name = nl_field_str(L, t, "open", "name", NULL);
    o->description = nl_field_str(L, t, "open", "description", NULL);
    r = nlw_field_key(L, t, "key", key, &text);
    if (r < 0) luaL_error(L, "open: option 'key': '%s' is not a GUID", text);
    o->key = r > 0 ? key : NULL;
}

/* Register the session userdata on top in the engine's weak set. */
static void adopt(lua_State *L, int eng_idx)
{
    lua_pushvalue(L, eng_idx);
    lua_setiuservalue(L, -2, NLW_UV_ENGINE);
    lua_getiuservalue(L, eng_idx, NLW_UV_SESSIONS);
    lua_pushvalue(L, -2);
    lua_pushboolean(L, 1);
    lua_rawset(L, -3);
    lua_pop(L, 1);
}

NTSTATUS nlw_session_open(lua_State *L, int eng_idx, int opts_idx, int *kernel)
{
    ntsec_wfp_engine *e = nlw_open_engine(L, eng_idx);
    ntsec_wfp_session_opts o;
    ntsec_guid key;
    ntsec_wfp_handle h;
    ud_session *s;
    NTSTATUS st;
    memset(&o, 0, sizeof o);
    read_session_opts(L, opts_idx, &o, &key);
    *kernel = o.kernel_mode;
    s = (ud_session *)nl_handle_new(L, sizeof *s, 2, &nlw_session_class);
    s->e = NULL;
    s->eu = nlw_check_engine(L, eng_idx);
    st = ntsec_wfp_engine_open(e, &o, &h);
    if (!NT_SUCCESS(st)) {
        lua_pop(L, 1);
        return st;
    }
    s->e = e;
    s->h = h;
    s->kernel = o.kernel_mode;
    s->dynamic = o.dynamic;
    s->hd.close = close_session;
    adopt(L, eng_idx);
    return STATUS_SUCCESS;
}

/* ---- transactions ---- */

/* The flags argument of begin_transaction: nil (read/write), the Windows
** flag value (an integer, passed on as FwpmTransactionBegin0 takes it), or
** {read_only = boolean}. Booleans and other types raise: 0 is a valid flag
** value, so truthiness cannot mean read-only. */
static uint32_t txn_flags(lua_State *L, int idx)
{
    static const char *const keys[] = {"read_only", NULL};
    switch (lua_type(L, idx)) {
    case LUA_TNONE:
    case LUA_TNIL: return 0;
    case LUA_TNUMBER: return nlw_check_u32(L, idx);
    case LUA_TTABLE:
        nl_check_keys(L, idx, "begin_transaction", keys);
        return nl_field_bool(L, idx, "begin_transaction", "read_only", 0) ? NTSEC_FWPM_TXN_READ_ONLY : 0;
    default:
        return (uint32_t)luaL_typeerror(L, idx, "FWPM_TXN_* flags or {read_only = boolean}");
    }
}

/* session:begin_transaction([flags | {read_only = bool}]) -> true | nil, err */
static int session_begin(lua_State *L)
{
    ud_session *s = nlw_open_session(L, 1);
    uint32_t flags = txn_flags(L, 2);
    return nlw_result_op(L, s, "FwpmTransactionBegin0", ntsec_wfp_txn_begin(s->e, s->h, flags), 0);
}

/* session:commit() -> true | nil, err (FwpmTransactionCommit0) */
static int session_commit(lua_State *L)
{
    ud_session *s = nlw_open_session(L, 1);
    return nlw_result_op(L, s, "FwpmTransactionCommit0", ntsec_wfp_txn_commit(s->e, s->h), 0);
}

/* session:abort() -> true | nil, err (FwpmTransactionAbort0) */
static int session_abort(lua_State *L)
{
    ud_session *s = nlw_open_session(L, 1);
    return nlw_result_op(L, s, "FwpmTransactionAbort0", ntsec_wfp_txn_abort(s->e, s->h), 0);
}

/* ---- facts ---- */

/* session:is_kernel() -> boolean */
static int session_is_kernel(lua_State *L)
{
    lua_pushboolean(L, nlw_open_session(L, 1)->kernel);
    return 1;
}

/* session:is_dynamic() -> boolean */
static int session_is_dynamic(lua_State *L)
{
    lua_pushboolean(L, nlw_open_session(L, 1)->dynamic);
    return 1;
}

/* session:key() -> "{guid}" */
static int session_key(lua_State *L)
{
    ud_session *s = nlw_open_session(L, 1);
    ntsec_wfp_session_info info;
    ntsec_wfp_session_get_info(s->e, s->h, &info);
    nl_push_guid(L, &info.key);
    return 1;
}

/* ---- connections (test helpers: IKE would make them) ---- */

/* Address field: text, parsed for the IP version; raises when malformed. */
static void read_addr(lua_State *L, int t, const char *k, uint32_t ipv, ntsec_wfp_addr *a)
{
    const char *text = nlw_field_string(L, t, k);
    if (!NT_SUCCESS(ntsec_wfp_addr_parse(text, ipv, a)))
        luaL_error(L, "add_connection: option '%s': malformed address '%s'", k, text);
}

/* Run a connection change with the engine marked as calling back into L. */
static NTSTATUS with_callbacks(lua_State *L, ud_session *s, const ntsec_wfp_connection *c, uint64_t id)
{
    lua_State *prev = s->eu->cur_L;
    NTSTATUS st;
    s->eu->cur_L = L;
    st = c ? ntsec_wfp_connection_add(s->e, s->h, c) : ntsec_wfp_connection_delete(s->e, s->h, id);
    s->eu->cur_L = prev;
    return st;
}

/* session:add_connection{id=, ip_version=, local_address=, remote_address=,
** provider=} -> true | nil, err (the connection appears as if IKE made it;
** subscribers get FWPM_CONNECTION_EVENT_ADD). Errors: FWP_E_ALREADY_EXISTS. */
static int session_add_connection(lua_State *L)
{
    static const char *const keys[] = {"id", "ip_version", "local_address", "remote_address", "provider", NULL};
    ud_session *s = nlw_open_session(L, 1);
    ntsec_wfp_connection c;
    memset(&c, 0, sizeof c);
    luaL_checktype(L, 2, LUA_TTABLE);
    nl_check_keys(L, 2, "add_connection", keys);
    c.id = (uint64_t)nl_field_int(L, 2, "add_connection", "id", 0, LUA_MAXINTEGER, 0);
    c.ip_version = (uint32_t)nl_field_int(L, 2, "add_connection", "ip_version", 0, 2, 0);
    read_addr(L, 2, "local_address", c.ip_version, &c.local);
    read_addr(L, 2, "remote_address", c.ip_version, &c.remote);
    lua_getfield(L, 2, "provider");
    c.has_provider = nlw_check_key(L, lua_gettop(L), &c.provider) > 0;
    lua_pop(L, 1);
    return nlw_result_op(L, s, "add_connection", with_callbacks(L, s, &c, 0), 0);
}

/* session:delete_connection(id) -> true | nil, err (subscribers get
** FWPM_CONNECTION_EVENT_DELETE). Errors: FWP_E_NOT_FOUND. */
static int session_delete_connection(lua_State *L)
{
    ud_session *s = nlw_open_session(L, 1);
    uint64_t id = (uint64_t)luaL_checkinteger(L, 2);
    return nlw_result_op(L, s, "delete_connection", with_callbacks(L, s, NULL, id), 0);
}

static const luaL_Reg session_methods[] = {
    {"close", nl_handle_close_method}, {"begin_transaction", session_begin},
    {"commit", session_commit}, {"abort", session_abort},
    {"is_kernel", session_is_kernel}, {"is_dynamic", session_is_dynamic},
    {"key", session_key}, {"add_connection", session_add_connection},
    {"delete_connection", session_delete_connection},
    {"subscribe_connections", nlw_session_subscribe}, {"unsubscribe_connections", nlw_session_unsubscribe},
    {NULL, NULL}
};

void nlw_open_session_kind(lua_State *L)
{
    nl_handle_register(L, &nlw_session_class, NULL, session_methods, NULL);
    luaL_getmetatable(L, NL_WFP_SESSION);
    lua_getfield(L, -1, "methods");
    nlw_add_session_objects(L);
    lua_pop(L, 2);
}
