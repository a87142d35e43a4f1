/*
** nl_wfp.c: module.wfp and the engine kind "ntsec.wfp.engine"
** (wfp_ks_errors.md 2, 3; docs/wfp.md).
**
** wfp.engine([opts]) -> engine | nil, message, code. opts.sd: root
** descriptor (SD userdata); opts.not_running: start with BFE stopped;
** opts.max_callouts: FwpmCalloutAdd0 limit (0 = documented 100000, -1 =
** none); opts.clock = "virtual" | "real" (default); opts.path: SQLite store
** of the persistent part (docs/wfp.md); opts.sync = "full" (default) |
** "normal"; opts.seed: key generator seed; opts.on_callback_error: function
** receiving the message of a failing subscription callback (default warn).
** Only a store can make creation fail operationally (nil, message, code);
** out of memory raises. Listings are engine-level (no access checks):
** callouts(), providers(), sublayers(), layers(), filters(), endpoints(),
** connections(), sessions() (imported records), counts().
*/
#include <stdint.h>

#include "nl_wfp.h"
#include "wfp_import.h"
#include "sid.h"
#include "status.h"

/* ---- accessors ---- */

ud_engine *nlw_check_engine(lua_State *L, int idx)
{
    return (ud_engine *)luaL_checkudata(L, idx, NL_WFP_ENGINE);
}

ntsec_wfp_engine *nlw_open_engine(lua_State *L, int idx)
{
    ud_engine *u = nlw_check_engine(L, idx);
    if (!u->e) luaL_error(L, "attempt to use a closed engine");
    return u->e;
}

/* ---- lifetime ---- */

static void read_clock(lua_State *L, int t, ntsec_wfp_engine_opts *o)
{
    static const char *const clocks[] = {"real", "virtual", NULL};
    lua_getfield(L, t, "clock");
    o->virtual_clock = luaL_checkoption(L, -1, "real", clocks);
    lua_pop(L, 1);
}

static void read_store_opts(lua_State *L, int t, ntsec_wfp_engine_opts *o)
{
    static const char *const syncs[] = {"full", "normal", NULL};
    o->path = nlw_field_string(L, t, "path");
    lua_getfield(L, t, "sync");
    o->sync_normal = luaL_checkoption(L, -1, "full", syncs);
    lua_pop(L, 1);
}

static void read_engine_opts(lua_State *L, int t, ntsec_wfp_engine_opts *o)
{
    int present;
    uint64_t max;
    if (lua_isnoneornil(L, t)) return;
    luaL_checktype(L, t, LUA_TTABLE);
    lua_getfield(L, t, "sd");
    o->root_sd = nl_opt_sd(L, -1);
    lua_pop(L, 1);   /* the table keeps the SD alive during the call */
    o->not_running = nlw_field_bool(L, t, "not_running");
    max = nlw_field_u64(L, t, "max_callouts", &present);
    if (present) o->max_callouts = (int64_t)max < 0 ? UINT32_MAX : (uint32_t)max;
    o->seed = nlw_field_u64(L, t, "seed", &present);
    read_clock(L, t, o);
    read_store_opts(L, t, o);
}

/* New engine userdata (closed) with its weak session set and error handler. */
static ud_engine *new_engine_ud(lua_State *L, int opts)
{
    ud_engine *u = (ud_engine *)lua_newuserdatauv(L, sizeof *u, 2);
    u->e = NULL;
    u->cur_L = NULL;
    luaL_setmetatable(L, NL_WFP_ENGINE);
    lua_newtable(L);
    lua_createtable(L, 0, 1);
    lua_pushliteral(L, "k");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    lua_setiuservalue(L, -2, NLW_UV_SESSIONS);
    if (lua_istable(L, opts)) {
        lua_getfield(L, opts, "on_callback_error");
        if (!lua_isnil(L, -1)) luaL_checktype(L, -1, LUA_TFUNCTION);
        lua_setiuservalue(L, -2, NLW_UV_ON_ERROR);
    }
    return u;
}

/* wfp.engine([opts]) -> engine | nil, message, code (store failures) */
static int m_engine(lua_State *L)
{
    ntsec_wfp_engine_opts o = {0};
    char msg[600] = "";
    ud_engine *u;
    NTSTATUS st;
    read_engine_opts(L, 1, &o);
    o.error = msg;
    o.error_cap = sizeof msg;
    u = new_engine_ud(L, 1);
    st = ntsec_wfp_engine_new(&o, &u->e);
    if (NT_SUCCESS(st)) return 1;
    if (st == STATUS_NO_MEMORY || !o.path) return luaL_error(L, "wfp.engine: %s", ntsec_status_name(st));
    lua_pushnil(L);
    lua_pushfstring(L, "wfp.engine: %s (%s)", msg, ntsec_status_name(st));
    nl_push_code(L, st);
    return 3;
}

/* engine:close() -> true; closes the engine's sessions first. */
static int engine_close(lua_State *L)
{
    ud_engine *u = nlw_check_engine(L, 1);
    if (u->e && u->cur_L) return luaL_error(L, "cannot close an engine from one of its callbacks");
    if (u->e) {
        nlw_close_sessions(L, 1);
        ntsec_wfp_engine_free(u->e);
        u->e = NULL;
    }
    lua_pushboolean(L, 1);
    return 1;
}

static int engine_gc(lua_State *L)
{
    engine_close(L);
    return 0;
}

static int engine_tostring(lua_State *L)
{
    ud_engine *u = nlw_check_engine(L, 1);
    if (!u->e) lua_pushliteral(L, NL_WFP_ENGINE " (closed)");
    else lua_pushfstring(L, NL_WFP_ENGINE " (%p)", (void *)u->e);
    return 1;
}

/* engine:open{token=, dynamic=, kernel_mode=, txn_timeout_ms=, key=, name=,
** description=} -> session | nil, code */
static int engine_open(lua_State *L)
{
    int kernel;
    NTSTATUS st;
    nlw_open_engine(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    st = nlw_session_open(L, 1, 2, &kernel);
    if (NT_SUCCESS(st)) return 1;
    lua_pushnil(L);
    nl_push_code(L, nlw_code_for(kernel, st));
    return 2;
}

/* engine:set_running(bool) -> engine */
static int engine_set_running(lua_State *L)
{
    ntsec_wfp_engine_set_running(nlw_open_engine(L, 1), lua_toboolean(L, 2));
    lua_settop(L, 1);
    return 1;
}

static int engine_running(lua_State *L)
{
    lua_pushboolean(L, ntsec_wfp_engine_running(nlw_open_engine(L, 1)));
    return 1;
}

/* engine:clock() -> ms (virtual, or real time since creation) */
static int engine_clock(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)ntsec_wfp_engine_clock(nlw_open_engine(L, 1)));
    return 1;
}

/* engine:advance(ms) -> engine; raises on a real clock. Forced aborts of
** user-mode transactions held over an hour happen here (2.2). */
static int engine_advance(lua_State *L)
{
    ntsec_wfp_engine *e = nlw_open_engine(L, 1);
    lua_Integer ms = luaL_checkinteger(L, 2);
    luaL_argcheck(L, ms >= 0, 2, "time does not run backwards");
    if (!NT_SUCCESS(ntsec_wfp_engine_advance(e, (uint64_t)ms)))
        return luaL_error(L, "engine:advance needs an engine created with clock = \"virtual\"");
    lua_settop(L, 1);
    return 1;
}

/* engine:refresh() -> true | nil, message, code: apply what other processes
** committed to the store (every session call does this too). */
static int engine_refresh(lua_State *L)
{
    NTSTATUS st = ntsec_wfp_engine_refresh(nlw_open_engine(L, 1));
    if (!NT_SUCCESS(st)) return nl_fail(L, "engine:refresh", st);
    lua_pushboolean(L, 1);
    return 1;
}

/* engine:sd_bytes() -> bytes held by the distinct descriptors (shared once) */
static int engine_sd_bytes(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)ntsec_wfp_engine_sd_bytes(nlw_open_engine(L, 1)));
    return 1;
}

/* ---- listings ---- */

static const struct { const char *name; ntsec_wfp_kind kind; } count_names[] = {
    {"sessions", NTSEC_WFP_SESSION_RECORD}, {"open_sessions", NTSEC_WFP_OPEN_SESSION},
    {"providers", NTSEC_WFP_PROVIDER}, {"sublayers", NTSEC_WFP_SUBLAYER},
    {"layers", NTSEC_WFP_LAYER}, {"callouts", NTSEC_WFP_CALLOUT},
    {"filters", NTSEC_WFP_FILTER}, {"endpoints", NTSEC_WFP_ENDPOINT},
    {"connections", NTSEC_WFP_CONNECTION}, {NULL, NTSEC_WFP_PROVIDER}
};

/* engine:counts() -> {sessions=, open_sessions=, providers=, ...} */
static int engine_counts(lua_State *L)
{
    ntsec_wfp_engine *e = nlw_open_engine(L, 1);
    int i;
    lua_newtable(L);
    for (i = 0; count_names[i].name; i++) {
        lua_pushinteger(L, (lua_Integer)ntsec_wfp_count(e, count_names[i].kind));
        lua_setfield(L, -2, count_names[i].name);
    }
    return 1;
}

static int list_kind(lua_State *L, ntsec_wfp_kind kind)
{
    ntsec_wfp_engine *e = nlw_open_engine(L, 1);
    ntsec_wfp_object_info info;
    size_t cur = 0;
    lua_Integer n = 0;
    lua_createtable(L, (int)ntsec_wfp_count(e, kind), 0);
    while (ntsec_wfp_object_next(e, kind, &cur, &info)) {
        nlw_push_object(L, &info);
        lua_rawseti(L, -2, ++n);
    }
    return 1;
}

static int engine_callouts(lua_State *L) { return list_kind(L, NTSEC_WFP_CALLOUT); }
static int engine_providers(lua_State *L) { return list_kind(L, NTSEC_WFP_PROVIDER); }
static int engine_sublayers(lua_State *L) { return list_kind(L, NTSEC_WFP_SUBLAYER); }
static int engine_layers(lua_State *L) { return list_kind(L, NTSEC_WFP_LAYER); }
static int engine_filters(lua_State *L) { return list_kind(L, NTSEC_WFP_FILTER); }

static int engine_endpoints(lua_State *L)
{
    ntsec_wfp_engine *e = nlw_open_engine(L, 1);
    const ntsec_wfp_endpoint *ep;
    size_t cur = 0;
    lua_Integer n = 0;
    lua_createtable(L, (int)ntsec_wfp_count(e, NTSEC_WFP_ENDPOINT), 0);
    while (ntsec_wfp_endpoint_next(e, &cur, &ep)) {
        nlw_push_endpoint(L, ep);
        lua_rawseti(L, -2, ++n);
    }
    return 1;
}

static int engine_connections(lua_State *L)
{
    ntsec_wfp_engine *e = nlw_open_engine(L, 1);
    const ntsec_wfp_connection *c;
    size_t cur = 0;
    lua_Integer n = 0;
    lua_createtable(L, (int)ntsec_wfp_count(e, NTSEC_WFP_CONNECTION), 0);
    while (ntsec_wfp_connection_next(e, &cur, &c)) {
        nlw_push_connection(L, c);
        lua_rawseti(L, -2, ++n);
    }
    return 1;
}

static void push_record(lua_State *L, const ntsec_wfp_session_record *r)
{
    lua_createtable(L, 0, 9);
    nl_push_guid(L, &r->key);
    lua_setfield(L, -2, "key");
    if (r->name) { lua_pushstring(L, r->name); lua_setfield(L, -2, "name"); }
    if (r->description) { lua_pushstring(L, r->description); lua_setfield(L, -2, "description"); }
    if (r->sid) { nl_push_sid(L, r->sid); lua_setfield(L, -2, "sid"); }
    if (r->username) { lua_pushstring(L, r->username); lua_setfield(L, -2, "username"); }
    lua_pushboolean(L, r->dynamic);
    lua_setfield(L, -2, "dynamic");
    lua_pushboolean(L, r->kernel_mode);
    lua_setfield(L, -2, "kernel_mode");
    lua_pushinteger(L, (lua_Integer)r->pid);
    lua_setfield(L, -2, "pid");
    lua_pushinteger(L, (lua_Integer)r->txn_timeout_ms);
    lua_setfield(L, -2, "txn_timeout_ms");
}

/* engine:sessions() -> array of imported session records */
static int engine_sessions(lua_State *L)
{
    ntsec_wfp_engine *e = nlw_open_engine(L, 1);
    ntsec_wfp_session_record r;
    size_t cur = 0;
    lua_Integer n = 0;
    lua_createtable(L, (int)ntsec_wfp_count(e, NTSEC_WFP_SESSION_RECORD), 0);
    while (ntsec_wfp_session_record_next(e, &cur, &r)) {
        push_record(L, &r);
        lua_rawseti(L, -2, ++n);
    }
    return 1;
}

/* ---- registration ---- */

static const luaL_Reg engine_meta[] = {
    {"__gc", engine_gc}, {"__close", engine_gc}, {"__tostring", engine_tostring},
    {"__index", NULL}, {NULL, NULL}
};

static const luaL_Reg engine_methods[] = {
    {"open", engine_open}, {"close", engine_close},
    {"clock", engine_clock}, {"advance", engine_advance}, {"refresh", engine_refresh},
    {"sd_bytes", engine_sd_bytes},
    {"set_running", engine_set_running}, {"running", engine_running},
    {"counts", engine_counts}, {"callouts", engine_callouts},
    {"providers", engine_providers}, {"sublayers", engine_sublayers},
    {"layers", engine_layers}, {"filters", engine_filters},
    {"endpoints", engine_endpoints}, {"connections", engine_connections},
    {"sessions", engine_sessions}, {NULL, NULL}
};

static void open_engine_kind(lua_State *L)
{
    if (luaL_newmetatable(L, NL_WFP_ENGINE)) {
        luaL_setfuncs(L, engine_meta, 0);
        luaL_newlib(L, engine_methods);
        nlw_add_import_methods(L);
        lua_setfield(L, -2, "__index");
    }
    lua_pop(L, 1);
}

static const nl_const wfp_consts[] = {
    {"FWPM_SESSION_FLAG_DYNAMIC", NTSEC_FWPM_SESSION_FLAG_DYNAMIC},
    {"FWPM_TXN_READ_ONLY", NTSEC_FWPM_TXN_READ_ONLY},
    {"FWPM_CALLOUT_FLAG_PERSISTENT", NTSEC_FWPM_CALLOUT_FLAG_PERSISTENT},
    {"FWPM_CALLOUT_FLAG_USES_PROVIDER_CONTEXT", NTSEC_FWPM_CALLOUT_FLAG_USES_PROVIDER_CONTEXT},
    {"FWPM_CALLOUT_FLAG_REGISTERED", NTSEC_FWPM_CALLOUT_FLAG_REGISTERED},
    {"FWPM_PROVIDER_FLAG_PERSISTENT", NTSEC_FWPM_PROVIDER_FLAG_PERSISTENT},
    {"FWPM_SUBLAYER_FLAG_PERSISTENT", NTSEC_FWPM_SUBLAYER_FLAG_PERSISTENT},
    {"FWPM_FILTER_FLAG_PERSISTENT", NTSEC_FWPM_FILTER_FLAG_PERSISTENT},
    {"FWPM_LAYER_FLAG_BUILTIN", NTSEC_FWPM_LAYER_FLAG_BUILTIN},
    {"FWP_ACTION_BLOCK", NTSEC_FWP_ACTION_BLOCK},
    {"FWP_ACTION_PERMIT", NTSEC_FWP_ACTION_PERMIT},
    {"FWP_ACTION_CALLOUT_TERMINATING", NTSEC_FWP_ACTION_CALLOUT_TERMINATING},
    {"FWP_ACTION_CALLOUT_INSPECTION", NTSEC_FWP_ACTION_CALLOUT_INSPECTION},
    {"FWP_ACTION_CALLOUT_UNKNOWN", NTSEC_FWP_ACTION_CALLOUT_UNKNOWN},
    {"FWPM_CONNECTION_EVENT_ADD", NTSEC_FWPM_CONNECTION_EVENT_ADD},
    {"FWPM_CONNECTION_EVENT_DELETE", NTSEC_FWPM_CONNECTION_EVENT_DELETE},
    {"FWPM_SUBSCRIPTION_FLAG_NOTIFY_ON_ADD", NTSEC_FWPM_SUBSCRIPTION_FLAG_NOTIFY_ON_ADD},
    {"FWPM_SUBSCRIPTION_FLAG_NOTIFY_ON_DELETE", NTSEC_FWPM_SUBSCRIPTION_FLAG_NOTIFY_ON_DELETE},
    {"DEFAULT_TXN_WAIT_MS", NTSEC_WFP_DEFAULT_TXN_WAIT_MS},
    {"USER_TXN_HOLD_MS", NTSEC_WFP_USER_TXN_HOLD_MS},
    {NULL, 0}
};

void nl_open_wfp(lua_State *L)
{
    open_engine_kind(L);
    nlw_open_session_kind(L);
    nlw_open_enum_kind(L);
    nlw_open_sub_kind(L);
    lua_newtable(L);
    lua_pushcfunction(L, m_engine);
    lua_setfield(L, -2, "engine");
    lua_pushstring(L, ntsec_wfp_default_engine_sddl);
    lua_setfield(L, -2, "DEFAULT_ENGINE_SDDL");
    nl_set_consts(L, wfp_consts);
    nlw_add_faithful(L);
    nlw_add_faithful_objects(L);
    lua_setfield(L, -2, "wfp");
}
