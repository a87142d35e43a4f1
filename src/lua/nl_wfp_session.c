/*
** nl_wfp_session.c: the session kind "ntsec.wfp.session" and its idiomatic
** methods (wfp_ks_errors.md 2.1, 2.2, 2.4). Methods return the integer code
** of the session's mode (0 = success) plus a value where there is one;
** close() is idempotent and returns true; other use after close raises.
*/
#include <string.h>

#include "nl_wfp.h"
#include "wfp_ale.h"
#include "wfp_callout.h"
#include "wfp_flags.h"
#include "status.h"

ud_session *nlw_check_session(lua_State *L, int idx)
{
    return (ud_session *)luaL_checkudata(L, idx, NL_WFP_SESSION);
}

ud_session *nlw_open_session(lua_State *L, int idx)
{
    ud_session *s = nlw_check_session(L, idx);
    if (!s->e) luaL_error(L, "attempt to use a closed session");
    return s;
}

static void release(ud_session *s)
{
    if (!s->e) return;
    ntsec_wfp_engine_close(s->e, s->h);
    s->e = NULL;
}

void nlw_close_sessions(lua_State *L, int idx)
{
    lua_getiuservalue(L, idx, NLW_UV_SESSIONS);
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        ud_session *s;
        lua_pop(L, 1);
        s = (ud_session *)luaL_testudata(L, -1, NL_WFP_SESSION);
        if (s) release(s);
    }
    lua_pop(L, 1);
}

/* ---- open ---- */

static void read_session_opts(lua_State *L, int t, ntsec_wfp_session_opts *o, ntsec_guid *key)
{
    int present, r;
    const char *text;
    lua_getfield(L, t, "token");
    if (!lua_isnil(L, -1)) o->token = nl_check_token(L, -1);
    lua_pop(L, 1);   /* the option table keeps the token alive */
    o->dynamic = nlw_field_bool(L, t, "dynamic");
    o->kernel_mode = nlw_field_bool(L, t, "kernel_mode");
    o->txn_timeout_ms = (uint32_t)nlw_field_u64(L, t, "txn_timeout_ms", &present);
    o->name = nlw_field_string(L, t, "name");
    o->description = nlw_field_string(L, t, "description");
    r = nlw_field_key(L, t, "key", key, &text);
    if (r < 0) luaL_error(L, "session key '%s' is not a GUID", text);
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
    s = (ud_session *)lua_newuserdatauv(L, sizeof *s, 2);
    s->e = NULL;
    s->eu = nlw_check_engine(L, eng_idx);
    luaL_setmetatable(L, NL_WFP_SESSION);
    st = ntsec_wfp_engine_open(e, &o, &h);
    if (!NT_SUCCESS(st)) {
        lua_pop(L, 1);
        return st;
    }
    s->e = e;
    s->h = h;
    s->kernel = o.kernel_mode;
    s->dynamic = o.dynamic;
    adopt(L, eng_idx);
    return STATUS_SUCCESS;
}

/* ---- methods ---- */

static int push_code(lua_State *L, const ud_session *s, NTSTATUS st)
{
    nl_push_code(L, nlw_code(s, st));
    return 1;
}

/* session:close() -> true */
static int session_close(lua_State *L)
{
    release(nlw_check_session(L, 1));
    lua_pushboolean(L, 1);
    return 1;
}

static int session_gc(lua_State *L)
{
    release(nlw_check_session(L, 1));
    return 0;
}

static int session_tostring(lua_State *L)
{
    ud_session *s = nlw_check_session(L, 1);
    if (!s->e) lua_pushliteral(L, NL_WFP_SESSION " (closed)");
    else lua_pushfstring(L, NL_WFP_SESSION " (%p, %s%s)", (void *)s, s->kernel ? "kernel" : "user",
                         s->dynamic ? ", dynamic" : "");
    return 1;
}

/* session:begin_transaction([read_only]) -> code */
static int session_begin(lua_State *L)
{
    ud_session *s = nlw_open_session(L, 1);
    uint32_t flags = lua_toboolean(L, 2) ? NTSEC_FWPM_TXN_READ_ONLY : 0;
    return push_code(L, s, ntsec_wfp_txn_begin(s->e, s->h, flags));
}

static int session_commit(lua_State *L)
{
    ud_session *s = nlw_open_session(L, 1);
    return push_code(L, s, ntsec_wfp_txn_commit(s->e, s->h));
}

static int session_abort(lua_State *L)
{
    ud_session *s = nlw_open_session(L, 1);
    return push_code(L, s, ntsec_wfp_txn_abort(s->e, s->h));
}

static int session_is_kernel(lua_State *L)
{
    lua_pushboolean(L, nlw_open_session(L, 1)->kernel);
    return 1;
}

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

int nlw_callout_add(lua_State *L, ud_session *s, int t, ntsec_sd *sd)
{
    nlw_object_add(L, s, NTSEC_WFP_CALLOUT, t, sd);
    lua_pop(L, 1);   /* FwpmCalloutAdd0 returns code, id */
    return 2;
}

int nlw_callout_get(lua_State *L, ud_session *s, int key_idx)
{
    return nlw_object_get(L, s, NTSEC_WFP_CALLOUT, key_idx, 0);
}

/* Address field: text, parsed for the IP version; raises when malformed. */
static void read_addr(lua_State *L, int t, const char *k, uint32_t ipv, ntsec_wfp_addr *a)
{
    const char *text = nlw_field_string(L, t, k);
    if (!NT_SUCCESS(ntsec_wfp_addr_parse(text, ipv, a)))
        luaL_error(L, "field '%s': malformed address '%s'", k, text);
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
** provider=} -> code (test helper: the connection appears as if IKE made it;
** subscribers get FWPM_CONNECTION_EVENT_ADD) */
static int session_add_connection(lua_State *L)
{
    ud_session *s = nlw_open_session(L, 1);
    ntsec_wfp_connection c;
    int present;
    memset(&c, 0, sizeof c);
    luaL_checktype(L, 2, LUA_TTABLE);
    c.id = nlw_field_u64(L, 2, "id", &present);
    c.ip_version = (uint32_t)nlw_field_u64(L, 2, "ip_version", &present);
    read_addr(L, 2, "local_address", c.ip_version, &c.local);
    read_addr(L, 2, "remote_address", c.ip_version, &c.remote);
    lua_getfield(L, 2, "provider");
    c.has_provider = nlw_check_key(L, lua_gettop(L), &c.provider) > 0;
    lua_pop(L, 1);
    return push_code(L, s, with_callbacks(L, s, &c, 0));
}

/* session:delete_connection(id) -> code (test helper; subscribers get
** FWPM_CONNECTION_EVENT_DELETE) */
static int session_delete_connection(lua_State *L)
{
    ud_session *s = nlw_open_session(L, 1);
    uint64_t id = (uint64_t)luaL_checkinteger(L, 2);
    return push_code(L, s, with_callbacks(L, s, NULL, id));
}

/* session:get_connection(id) -> code, table|nil (FwpmConnectionGetById0) */
static int session_get_connection(lua_State *L)
{
    ud_session *s = nlw_open_session(L, 1);
    const ntsec_wfp_connection *c;
    NTSTATUS st = ntsec_wfp_connection_get_by_id(s->e, s->h, (uint64_t)luaL_checkinteger(L, 2), &c);
    nl_push_code(L, nlw_code(s, st));
    if (NT_SUCCESS(st)) nlw_push_connection(L, c);
    else lua_pushnil(L);
    return 2;
}

static int session_enum_connections(lua_State *L) { return nlw_enum_iterate(L, NTSEC_WFP_CONNECTION); }
static int session_enum_endpoints(lua_State *L) { return nlw_enum_iterate(L, NTSEC_WFP_ENDPOINT); }

/* session:subscribe_connections(callback[, context[, subscription]]) -> code, handle|nil */
static int session_subscribe(lua_State *L)
{
    lua_settop(L, 4);
    lua_rotate(L, 2, 1);   /* s, subscription, callback, context */
    return nlw_connection_subscribe(L);
}

static int session_unsubscribe(lua_State *L)
{
    return nlw_connection_unsubscribe(L);
}

static const luaL_Reg session_meta[] = {
    {"__gc", session_gc}, {"__close", session_gc}, {"__tostring", session_tostring},
    {"__index", NULL}, {NULL, NULL}
};

static const luaL_Reg session_methods[] = {
    {"close", session_close}, {"begin_transaction", session_begin},
    {"commit", session_commit}, {"abort", session_abort},
    {"is_kernel", session_is_kernel}, {"is_dynamic", session_is_dynamic},
    {"key", session_key}, {"add_connection", session_add_connection},
    {"delete_connection", session_delete_connection}, {"get_connection", session_get_connection},
    {"enum_connections", session_enum_connections}, {"enum_endpoints", session_enum_endpoints},
    {"subscribe_connections", session_subscribe}, {"unsubscribe_connections", session_unsubscribe},
    {NULL, NULL}
};

void nlw_open_session_kind(lua_State *L)
{
    if (luaL_newmetatable(L, NL_WFP_SESSION)) {
        luaL_setfuncs(L, session_meta, 0);
        luaL_newlib(L, session_methods);
        nlw_add_session_objects(L);
        lua_setfield(L, -2, "__index");
    }
    lua_pop(L, 1);
}
