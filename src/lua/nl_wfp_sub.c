/*
** nl_wfp_sub.c: FwpmConnectionSubscribe0 / FwpmConnectionUnsubscribe0 and
** the kind "ntsec.wfp.subscription" (wfp_ks_errors.md 2.5;
** lua_conventions.md 7.8).
**
** The events handle holds its session, callback and context in user values
** 1-3; the session holds its subscriptions in a strong set (user value 2),
** so a subscription lives as long as its session (as in Windows: the
** session's end removes it). The C side finds the userdata again through a
** weak-valued registry table keyed by its address.
**
** Callbacks run synchronously, on the thread that made the change, under
** pcall with a traceback: callback(context, event_type, connection). A
** failing callback never propagates: the error goes to the engine's
** on_callback_error handler (engine{on_callback_error = f}), or to warn().
*/
#include <string.h>

#include "nl_wfp.h"
#include "wfp_ale.h"
#include "wfp_flags.h"
#include "status.h"

typedef struct ud_sub {
    nl_handle hd;                 /* close: FwpmConnectionUnsubscribe0 (while the session lives) */
    ud_engine *eu;
    ntsec_wfp_engine *e;          /* NULL: not subscribed (anymore) */
    ntsec_wfp_handle h;
    uint64_t handle;
} ud_sub;

/* Registry key of the weak address -> userdata table (address of a constant). */
static const char subs_key = 's';

enum { SUB_UV_SESSION = 1, SUB_UV_CALLBACK = 2, SUB_UV_CONTEXT = 3 };

const nl_handle_class nlw_sub_class = {NL_WFP_SUB, "subscription", NULL};

static ud_sub *check_sub(lua_State *L, int idx)
{
    return (ud_sub *)nl_handle_check(L, idx, &nlw_sub_class);
}

/* Pushes the weak table (created on first use). */
static void push_registry(lua_State *L)
{
    nlw_push_weak_registry(L, &subs_key);
}

static int session_open(lua_State *L, int sub_idx)
{
    ud_session *s;
    lua_getiuservalue(L, sub_idx, SUB_UV_SESSION);
    s = (ud_session *)luaL_testudata(L, -1, NL_WFP_SESSION);
    lua_pop(L, 1);
    return s && s->e;
}

/* ---- delivery ---- */

static int traceback(lua_State *L)
{
    const char *msg = lua_tostring(L, 1);
    luaL_traceback(L, L, msg ? msg : "(error object is not a string)", 1);
    return 1;
}

/* Engine handler (user value 2 of the engine) or warn(); never raises. */
static void report(lua_State *L, int sub_idx, int err_idx)
{
    lua_getiuservalue(L, sub_idx, SUB_UV_SESSION);
    lua_getiuservalue(L, -1, NLW_UV_ENGINE);
    lua_getiuservalue(L, -1, NLW_UV_ON_ERROR);
    if (lua_isfunction(L, -1)) {
        lua_pushvalue(L, err_idx);
        if (lua_pcall(L, 1, 0, 0) == LUA_OK) {
            lua_pop(L, 2);
            return;
        }
        err_idx = lua_gettop(L);   /* the handler failed: warn about that instead */
    }
    lua_warning(L, "ntsec.wfp: connection callback failed: ", 1);
    lua_warning(L, lua_tostring(L, err_idx) ? lua_tostring(L, err_idx) : "?", 0);
    lua_pop(L, 3);
}

static void deliver(void *ctx, uint32_t event, const ntsec_wfp_connection *c)
{
    ud_sub *u = ctx;
    lua_State *L = u->eu->cur_L;
    int top, sub_idx;
    if (!L) return;
    top = lua_gettop(L);
    luaL_checkstack(L, 10, "connection callback");
    push_registry(L);
    if (lua_rawgetp(L, -1, u) == LUA_TNIL) {
        lua_settop(L, top);
        return;
    }
    sub_idx = lua_gettop(L);
    lua_pushcfunction(L, traceback);
    lua_getiuservalue(L, sub_idx, SUB_UV_CALLBACK);
    lua_getiuservalue(L, sub_idx, SUB_UV_CONTEXT);
    lua_pushinteger(L, event);
    nlw_push_connection(L, c);
    if (lua_pcall(L, 3, 0, sub_idx + 1) != LUA_OK) report(L, sub_idx, lua_gettop(L));
    lua_settop(L, top);
}

/* ---- subscribe / unsubscribe ---- */

/* {enumTemplate|template = {connectionId|connection_id=}, flags=} or nil. */
static void read_subscription(lua_State *L, int t, uint64_t *id, uint32_t *flags)
{
    static const char *const keys[] = {"enumTemplate", "template", "flags", NULL};
    static const char *const template_keys[] = {"connectionId", "connection_id", NULL};
    const char *bad = NULL;
    int present;
    *id = 0;
    *flags = 0;
    if (lua_isnoneornil(L, t)) return;
    luaL_checktype(L, t, LUA_TTABLE);
    nl_check_keys(L, t, "subscription", keys);
    if (!nlw_field_flags(L, t, "flags", 0, flags, &bad)) luaL_error(L, "unknown flag '%s'", bad);
    nlw_get_alias(L, t, "enumTemplate", "template");
    if (lua_istable(L, -1)) {
        int tt = lua_gettop(L);
        nl_check_keys(L, tt, "template", template_keys);
        *id = nlw_field_u64(L, tt, "connectionId", &present);
        if (!present) *id = nlw_field_u64(L, tt, "connection_id", &present);
    }
    lua_pop(L, 1);
}

/* Anchor the subscription on top in its session's children (strong) and the
** registry (weak). */
static void anchor(lua_State *L, int sess_idx, ud_sub *u)
{
    nlw_adopt_child(L, sess_idx);
    push_registry(L);
    lua_pushvalue(L, -2);
    lua_rawsetp(L, -2, u);
    lua_pop(L, 1);
}

/* FwpmConnectionUnsubscribe0 while the session lives (nl_handle close function). */
static void close_sub(lua_State *L, nl_handle *h, int idx)
{
    ud_sub *u = (ud_sub *)h;
    if (u->e && session_open(L, idx)) ntsec_wfp_connection_unsubscribe(u->e, u->h, u->handle);
    u->e = NULL;
}

/* Subscribe the session at 1 (subscription 2, callback 3, context 4);
** pushes the handle on success. */
static NTSTATUS subscribe(lua_State *L, ud_session *s)
{
    uint64_t id, handle;
    uint32_t flags;
    ud_sub *u;
    NTSTATUS st;
    read_subscription(L, 2, &id, &flags);
    luaL_checktype(L, 3, LUA_TFUNCTION);
    u = (ud_sub *)nl_handle_new(L, sizeof *u, 3, &nlw_sub_class);
    u->e = NULL;
    lua_pushvalue(L, 1);
    lua_setiuservalue(L, -2, SUB_UV_SESSION);
    lua_pushvalue(L, 3);
    lua_setiuservalue(L, -2, SUB_UV_CALLBACK);
    lua_pushvalue(L, 4);
    lua_setiuservalue(L, -2, SUB_UV_CONTEXT);
    st = ntsec_wfp_connection_subscribe(s->e, s->h, id, flags, deliver, u, &handle);
    if (!NT_SUCCESS(st)) {
        lua_pop(L, 1);
        return st;
    }
    u->eu = s->eu;
    u->e = s->e;
    u->h = s->h;
    u->handle = handle;
    u->hd.close = close_sub;
    anchor(L, 1, u);
    return st;
}

/* Unsubscribe the handle at 2 from the session at 1. */
static NTSTATUS unsubscribe(lua_State *L, ud_session *s)
{
    ud_sub *u = check_sub(L, 2);
    NTSTATUS st = ntsec_wfp_connection_unsubscribe(s->e, s->h, u->e ? u->handle : 0);
    if (!NT_SUCCESS(st)) return st;
    u->e = NULL;
    u->hd.close = NULL;
    if (lua_getiuservalue(L, 1, NLW_UV_SUBS) == LUA_TTABLE) {
        lua_pushvalue(L, 2);
        lua_pushnil(L);
        lua_rawset(L, -3);
    }
    lua_pop(L, 1);
    return st;
}

/* FwpmConnectionSubscribe0(s, subscription, callback, context) -> code, handle|nil */
int nlw_connection_subscribe(lua_State *L)
{
    ud_session *s = nlw_open_session(L, 1);
    NTSTATUS st;
    lua_settop(L, 4);
    st = subscribe(L, s);
    nlw_push_code(L, s, st);
    if (NT_SUCCESS(st)) lua_insert(L, -2);   /* code, handle */
    else lua_pushnil(L);
    return 2;
}

/* FwpmConnectionUnsubscribe0(s, handle) -> code */
int nlw_connection_unsubscribe(lua_State *L)
{
    ud_session *s = nlw_open_session(L, 1);
    return nlw_push_code(L, s, unsubscribe(L, s));
}

/* session:subscribe_connections(callback[, context[, subscription]]) ->
** handle | nil, err (FwpmConnectionSubscribe0: FWP_E_TXN_IN_PROGRESS,
** access denied, FWP_E_INVALID_FLAGS) */
int nlw_session_subscribe(lua_State *L)
{
    ud_session *s = nlw_open_session(L, 1);
    lua_settop(L, 4);
    lua_rotate(L, 2, 1);   /* s, subscription, callback, context */
    return nlw_result_op(L, s, "FwpmConnectionSubscribe0", subscribe(L, s), 1);
}

/* session:unsubscribe_connections(handle) -> true | nil, err (FwpmConnectionUnsubscribe0) */
int nlw_session_unsubscribe(lua_State *L)
{
    ud_session *s = nlw_open_session(L, 1);
    return nlw_result_op(L, s, "FwpmConnectionUnsubscribe0", unsubscribe(L, s), 0);
}

/* ---- the kind ---- */

void nlw_open_sub_kind(lua_State *L)
{
    nl_handle_register(L, &nlw_sub_class, NULL, NULL, NULL);
}
