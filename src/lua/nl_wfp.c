/*
** nl_wfp.c: module.wfp and the engine kind "ntsec.wfp.engine"
** (wfp_ks_errors.md 2, 3; docs/wfp.md).
**
** wfp.engine([opts]) -> engine | nil, err. opts.sd: root
** descriptor (SD userdata); opts.not_running: start with BFE stopped;
** opts.max_callouts: FwpmCalloutAdd0 limit (0 = documented 100000, -1 =
** none); opts.clock = "virtual" | "real" (default); opts.path: SQLite store
** of the persistent part (docs/wfp.md); opts.sync = "full" (default) |
** "normal"; opts.seed: key generator seed; opts.on_callback_error: function
** receiving the message of a failing subscription callback (default warn).
** Only a store can make creation fail operationally (nil, err; err.detail);
** out of memory raises. Listings are engine-level (no access checks):
** callouts(), providers(), sublayers(), layers(), filters(), endpoints(),
** connections(), sessions() (imported records), counts().
*/
#include <stdint.h>
#include <string.h>

#include "nl_wfp.h"
#include "wfp_import.h"
#include "wfp_security.h"
#include "sid.h"
#include "status.h"

/* ---- accessors ---- */

const nl_handle_class nlw_engine_class = {NL_WFP_ENGINE, "engine", NULL};

ud_engine *nlw_check_engine(lua_State *L, int idx)
{
    return (ud_engine *)nl_handle_check(L, idx, &nlw_engine_class);
}

ntsec_wfp_engine *nlw_open_engine(lua_State *L, int idx)
{
    return ((ud_engine *)nl_handle_open(L, idx, &nlw_engine_class))->e;
}

/* ---- lifetime ---- */

static const char *const engine_keys[] = {
    "sd", "not_running", "max_callouts", "seed", "clock", "path", "sync", "on_callback_error", NULL
};

/* opts.clock / opts.sync: one of two names (nil: the first). */
static int field_choice(lua_State *L, int t, const char *k, const char *const names[])
{
    const char *v = nl_field_str(L, t, "engine", k, NULL);
    int i;
    if (!v) return 0;
    for (i = 0; names[i]; i++)
        if (strcmp(v, names[i]) == 0) return i;
    return nl_option_error(L, "engine", k, lua_pushfstring(L, "invalid value '%s'", v));
}

static void read_engine_opts(lua_State *L, int t, ntsec_wfp_engine_opts *o)
{
    static const char *const clocks[] = {"real", "virtual", NULL};
    static const char *const syncs[] = {"full", "normal", NULL};
    lua_Integer max;
    if (lua_isnoneornil(L, t)) return;
    luaL_checktype(L, t, LUA_TTABLE);
    nl_check_keys(L, t, "engine", engine_keys);
    lua_getfield(L, t, "sd");   /* stays on the stack: a parsed SDDL string lives there */
    o->root_sd = nl_opt_sd(L, lua_gettop(L));
    o->not_running = nl_field_bool(L, t, "engine", "not_running", 0);
    max = nl_field_int(L, t, "engine", "max_callouts", -1, 0xFFFFFFFF, 0);
    o->max_callouts = max < 0 ? UINT32_MAX : (uint32_t)max;
    o->seed = (uint64_t)nl_field_int(L, t, "engine", "seed", 0, LUA_MAXINTEGER, 0);
    o->virtual_clock = field_choice(L, t, "clock", clocks);
    o->path = nl_field_str(L, t, "engine", "path", NULL);
    o->sync_normal = field_choice(L, t, "sync", syncs);
    nl_field_typed(L, t, "engine", "on_callback_error", 1u << LUA_TFUNCTION);
    lua_pop(L, 1);
}

/* Registry key of the weak table ud_engine address -> engine userdata (the
** observer finds its engine's user values through it). */
static const char engines_key = 'e';

static void push_engines(lua_State *L)
{
    nlw_push_weak_registry(L, &engines_key);
}

/* Frees the engine after closing its sessions (nl_handle close function). */
static void close_engine(lua_State *L, nl_handle *h, int idx)
{
    ud_engine *u = (ud_engine *)h;
    nlw_close_sessions(L, idx);
    ntsec_wfp_engine_free(u->e);
    u->e = NULL;
}

/* New engine userdata (closed) with its weak session set and error handler. */
static ud_engine *new_engine_ud(lua_State *L, int opts)
{
    ud_engine *u = (ud_engine *)nl_handle_new(L, sizeof *u, 3, &nlw_engine_class);
    u->e = NULL;
    u->cur_L = NULL;
    lua_newtable(L);
    lua_createtable(L, 0, 1);
    lua_pushliteral(L, "k");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    lua_setiuservalue(L, -2, NLW_UV_SESSIONS);
    if (lua_istable(L, opts)) {
        lua_getfield(L, opts, "on_callback_error");
        lua_setiuservalue(L, -2, NLW_UV_ON_ERROR);
    }
    push_engines(L);
    lua_pushvalue(L, -2);
    lua_rawsetp(L, -2, u);
    lua_pop(L, 1);
    return u;
}

/* wfp.engine([opts]) -> engine | nil, err. opts (strict): sd (descriptor or
** SDDL), not_running, max_callouts (0 = the documented 100000, -1 = none),
** seed, clock ("real" | "virtual"), path (SQLite store), sync ("full" |
** "normal"), on_callback_error (function). Only a store can make creation
** fail operationally: nil, err (STATUS_OBJECT_TYPE_MISMATCH for a file that
** is not an ntsec store, STATUS_UNSUCCESSFUL; err.detail says why); out of
** memory and bad options raise. */
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
    if (NT_SUCCESS(st)) {
        u->hd.close = close_engine;
        return 1;
    }
    if (st == STATUS_NO_MEMORY || !o.path) return luaL_error(L, "wfp.engine: %s", ntsec_status_name(st));
    nl_fail_nt(L, "wfp.engine", st);
    lua_pushstring(L, msg);
    lua_setfield(L, -2, "detail");
    return 2;
}

/* engine:close() -> true; closes the engine's sessions first. Raises when
** called from one of the engine's callbacks. */
static int engine_close(lua_State *L)
{
    ud_engine *u = nlw_check_engine(L, 1);
    if (u->hd.close && u->cur_L) return luaL_error(L, "cannot close an engine from one of its callbacks");
    return nl_handle_close_method(L);
}

/* engine:open{token=, dynamic=, kernel_mode=, txn_timeout_ms=, key=, name=,
** description=} -> session | nil, err (FwpmEngineOpen0: EPT_S_NOT_REGISTERED
** when BFE is not running, ERROR_ACCESS_DENIED, FWP_E_ALREADY_EXISTS for a
** session key in use; NTSTATUS values for a kernel-mode open). Options are
** strict. */
static int engine_open(lua_State *L)
{
    int kernel;
    NTSTATUS st;
    nlw_open_engine(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    st = nlw_session_open(L, 1, 2, &kernel);
    if (NT_SUCCESS(st)) return 1;
    return kernel ? nl_fail_nt(L, "FwpmEngineOpen0", st) : nl_fail_user(L, "FwpmEngineOpen0", ntsec_nt_to_win32(st));
}

/* engine:set_running(bool) -> engine */
static int engine_set_running(lua_State *L)
{
    ntsec_wfp_engine *e = nlw_open_engine(L, 1);
    luaL_checktype(L, 2, LUA_TBOOLEAN);
    ntsec_wfp_engine_set_running(e, lua_toboolean(L, 2));
    lua_settop(L, 1);
    return 1;
}

/* engine:running() -> boolean */
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

/* engine:refresh() -> true | nil, err: apply what other processes
** committed to the store (every session call does this too). Errors:
** STATUS_UNSUCCESSFUL (the store cannot be read). */
static int engine_refresh(lua_State *L)
{
    NTSTATUS st = ntsec_wfp_engine_refresh(nlw_open_engine(L, 1));
    if (!NT_SUCCESS(st)) return nl_fail_nt(L, "engine:refresh", st);
    lua_pushboolean(L, 1);
    return 1;
}

/* engine:sd_bytes() -> bytes held by the distinct descriptors (shared once) */
static int engine_sd_bytes(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)ntsec_wfp_engine_sd_bytes(nlw_open_engine(L, 1)));
    return 1;
}

/* ---- the security observer ---- */

/* {name=, set=, kind=, key=, si=, status=, kernel=, before=, after=} */
static void push_event(lua_State *L, const ntsec_wfp_security_event *ev)
{
    const ntsec_wfp_kind_info *row = ntsec_wfp_kind_row(ev->kind);
    int keyed = (row->ops & NTSEC_WFP_OP_SECURITY_KEY) != 0;
    lua_createtable(L, 0, 9);
    lua_pushfstring(L, "%s%s%sSecurityInfo%s0", row->prefix, row->stem, ev->set ? "Set" : "Get",
                    keyed ? "ByKey" : "");
    lua_setfield(L, -2, "name");
    lua_pushboolean(L, ev->set);
    lua_setfield(L, -2, "set");
    lua_pushstring(L, row->name);
    lua_setfield(L, -2, "kind");
    if (keyed && ev->key) {
        nl_push_guid(L, ev->key);
        lua_setfield(L, -2, "key");
    }
    lua_pushinteger(L, (lua_Integer)ev->si);
    lua_setfield(L, -2, "si");
    nl_push_code(L, nlw_code_for(ev->kernel_mode, ev->status));
    lua_setfield(L, -2, "status");
    lua_pushboolean(L, ev->kernel_mode);
    lua_setfield(L, -2, "kernel");
    if (ev->before) nl_push_sd(L, ntsec_sd_ref((ntsec_sd *)(uintptr_t)ev->before));
    else lua_pushnil(L);
    lua_setfield(L, -2, "before");
    if (ev->after) nl_push_sd(L, ntsec_sd_ref((ntsec_sd *)(uintptr_t)ev->after));
    else lua_pushnil(L);
    lua_setfield(L, -2, "after");
}

void nlw_observer(void *ctx, const ntsec_wfp_security_event *ev)
{
    ud_engine *u = ctx;
    lua_State *L = u->cur_L;
    int top;
    if (!L) return;
    top = lua_gettop(L);
    luaL_checkstack(L, 8, "security observer");
    push_engines(L);
    if (lua_rawgetp(L, -1, u) != LUA_TNIL && lua_getiuservalue(L, -1, NLW_UV_OBSERVER) == LUA_TFUNCTION) {
        push_event(L, ev);
        if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
            lua_warning(L, "ntsec.wfp: security observer failed: ", 1);
            lua_warning(L, lua_tostring(L, -1) ? lua_tostring(L, -1) : "?", 0);
        }
    }
    lua_settop(L, top);
}

/* engine:observe(fn | nil) -> true: fn(event) runs after every Set/Get
** security call on this engine, whichever function made it (faithful or
** idiomatic): event = {name = "FwpmCalloutSetSecurityInfoByKey0", set =,
** kind = "callout", key =, si =, status = the caller's code, kernel =,
** before = sd | nil, after = sd | nil}. Errors in fn are warned about, never
** raised into the call. nil removes the observer. */
static int engine_observe(lua_State *L)
{
    ud_engine *u = (ud_engine *)nl_handle_open(L, 1, &nlw_engine_class);
    int on = !lua_isnoneornil(L, 2);
    if (on) luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_settop(L, 2);
    lua_setiuservalue(L, 1, NLW_UV_OBSERVER);
    ntsec_wfp_engine_set_observer(u->e, on ? nlw_observer : NULL, on ? u : NULL);
    lua_pushboolean(L, 1);
    return 1;
}

/* ---- listings ---- */

/* engine:counts() -> {<plural> = n, ...} for every kind with stored objects
** (providers, sublayers, layers, callouts, filters, endpoints, connections,
** sessions = imported session records, open_sessions). */
static int engine_counts(lua_State *L)
{
    ntsec_wfp_engine *e = nlw_open_engine(L, 1);
    size_t k;
    lua_newtable(L);
    for (k = 0; k < ntsec_wfp_kind_count(); k++) {
        const ntsec_wfp_kind_info *r = ntsec_wfp_kind_row((ntsec_wfp_kind)k);
        if (!(r->ops & (NTSEC_WFP_OP_INDEX_KEY | NTSEC_WFP_OP_INDEX_ID))) continue;
        lua_pushinteger(L, (lua_Integer)ntsec_wfp_count(e, r->kind));
        lua_setfield(L, -2, r->plural);
    }
    return 1;
}

/* engine:<plural>() for keyed kinds (callouts(), providers(), ...) -> array
** of object tables, engine-level (no access checks). */
static int list_kind(lua_State *L)
{
    ntsec_wfp_kind kind = nlw_up_row(L)->kind;
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

static const luaL_Reg engine_methods[] = {
    {"open", engine_open}, {"close", engine_close}, {"observe", engine_observe},
    {"clock", engine_clock}, {"advance", engine_advance}, {"refresh", engine_refresh},
    {"sd_bytes", engine_sd_bytes},
    {"set_running", engine_set_running}, {"running", engine_running},
    {"counts", engine_counts}, {"endpoints", engine_endpoints}, {"connections", engine_connections},
    {"sessions", engine_sessions}, {NULL, NULL}
};

/* The methods table of a handle class's metatable, pushed. */
static void push_methods(lua_State *L, const char *tname)
{
    luaL_getmetatable(L, tname);
    lua_getfield(L, -1, "methods");
    lua_remove(L, -2);
}

static void open_engine_kind(lua_State *L)
{
    size_t k;
    nl_handle_register(L, &nlw_engine_class, NULL, engine_methods, NULL);
    push_methods(L, NL_WFP_ENGINE);
    nlw_add_import_methods(L);
    for (k = 0; k < ntsec_wfp_kind_count(); k++) {
        const ntsec_wfp_kind_info *r = ntsec_wfp_kind_row((ntsec_wfp_kind)k);
        if (r->ops & NTSEC_WFP_OP_GET_BY_KEY) nlw_set_kind_fn(L, r->plural, list_kind, r);
    }
    lua_pop(L, 1);
}

static void set_string_field(lua_State *L, const char *k, const char *v)
{
    if (!v) return;
    lua_pushstring(L, v);
    lua_setfield(L, -2, k);
}

/* wfp.kinds: the kind table, one row per kind in kind order: {kind=,
** name=, plural=, prefix=, stem=, key_field=, target=, label=, container=,
** not_found=, add_flags=, persistent_flag=, id_counter=, builtin_prefix=,
** ops = {add=, delete_by_key=, ...}} (wfp_kinds.h). */
static void push_kinds(lua_State *L)
{
    static const struct { uint32_t bit; const char *name; } ops[] = {
        {NTSEC_WFP_OP_ADD, "add"}, {NTSEC_WFP_OP_DELETE_BY_KEY, "delete_by_key"},
        {NTSEC_WFP_OP_DELETE_BY_ID, "delete_by_id"}, {NTSEC_WFP_OP_GET_BY_KEY, "get_by_key"},
        {NTSEC_WFP_OP_GET_BY_ID, "get_by_id"}, {NTSEC_WFP_OP_SECURITY_KEY, "security_by_key"},
        {NTSEC_WFP_OP_SECURITY, "security"}, {NTSEC_WFP_OP_ENUM, "enum"}, {0, NULL}
    };
    size_t k;
    int i;
    lua_createtable(L, (int)ntsec_wfp_kind_count(), 0);
    for (k = 0; k < ntsec_wfp_kind_count(); k++) {
        const ntsec_wfp_kind_info *r = ntsec_wfp_kind_row((ntsec_wfp_kind)k);
        lua_createtable(L, 0, 16);
        lua_pushinteger(L, r->kind);
        lua_setfield(L, -2, "kind");
        set_string_field(L, "name", r->name);
        set_string_field(L, "plural", r->plural);
        set_string_field(L, "prefix", r->prefix);
        set_string_field(L, "stem", r->stem);
        set_string_field(L, "key_field", r->key_field);
        set_string_field(L, "target", r->target);
        set_string_field(L, "label", r->label);
        set_string_field(L, "id_counter", r->id_counter);
        set_string_field(L, "builtin_prefix", r->builtin_prefix);
        lua_pushinteger(L, r->container);
        lua_setfield(L, -2, "container");
        nl_push_code(L, (uint32_t)r->not_found);
        lua_setfield(L, -2, "not_found");
        lua_pushinteger(L, r->add_flags);
        lua_setfield(L, -2, "add_flags");
        lua_pushinteger(L, r->persistent_flag);
        lua_setfield(L, -2, "persistent_flag");
        lua_newtable(L);
        for (i = 0; ops[i].name; i++) {
            lua_pushboolean(L, (r->ops & ops[i].bit) != 0);
            lua_setfield(L, -2, ops[i].name);
        }
        lua_setfield(L, -2, "ops");
        lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
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
    nlw_add_snapshot(L);
    nlw_add_groups(L);
    push_kinds(L);
    lua_setfield(L, -2, "kinds");
    push_methods(L, NL_WFP_ENGINE);
    lua_setfield(L, -2, "engine_methods");
    push_methods(L, NL_WFP_SESSION);
    lua_setfield(L, -2, "session_methods");
    lua_setfield(L, -2, "wfp");
}
