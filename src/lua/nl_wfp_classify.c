/*
** nl_wfp_classify.c: offline classification over an engine's filters
** (wfp_classify.h), as core.wfp_classify = {classify, filters_for, matches,
** access_check, identities}. lua/ntsec/classify.lua adds engine:classify,
** engine:filters_for and engine:filter_matches.
**   classify(engine, opts) reads engine:classify's option table itself
**     (nl_wfp_classify_flow.c) and returns the result table
**     (nl_wfp_classify_result.c: trace and outcomes built on first use);
**   filters_for / matches take the normalised arguments:
**   principal = {token = token|nil, package = "S-1-15-2-..."|nil,
**                capabilities = {"S-1-15-3-...", ...}|nil, lpac = bool,
**                app = NT path|nil}
**   fields = {{"FWPM_CONDITION_...", "FWP_UINT16", "443"}, ...} (text forms
**            of wfp_classify.md 1.4)
** Each engine's filter set is built once and rebuilt when the engine has
** changed (ntsec_wfp_engine_generation); the cache is a weak table keyed by
** the engine userdata.
*/
#include <stdlib.h>
#include <string.h>

#include "nl_wfp_classify.h"
#include "nl_wfp.h"
#include "sid.h"
#include "status.h"

#define STATE_MT "ntsec.wfp.classify_state"

/* Per engine: the classifier (its descriptor memo belongs to the last
** principal) and, as user values, 1 = the current set userdata, 2 = the
** token of the last classify (the memo is kept while the same token and
** set come back: tokens do not change after ntsec.token made them). */
typedef struct cl_state {
    ntsec_wfp_classifier *c;
    uint64_t generation;
    int has_set;
    ntsec_wfp_principal principal;   /* engine:classify's, at a stable address */
    uint8_t app_id[1024];
} cl_state;

static int state_gc(lua_State *L)
{
    cl_state *s = luaL_checkudata(L, 1, STATE_MT);
    ntsec_wfp_classifier_free(s->c);
    s->c = NULL;
    return 0;
}

static int set_gc(lua_State *L)
{
    clb_set *h = luaL_checkudata(L, 1, CLB_SET_MT);
    ntsec_wfp_filter_set_free(h->set);
    h->set = NULL;
    return 0;
}

static void fail_status(lua_State *L, NTSTATUS st)
{
    luaL_error(L, "classify: %s", ntsec_status_name(st));
}

/* A set userdata for engine e's current filters (pushed). */
static void new_set(lua_State *L, ntsec_wfp_engine *e)
{
    clb_set *h = lua_newuserdatauv(L, sizeof *h, 2);
    NTSTATUS st;
    h->set = NULL;
    luaL_setmetatable(L, CLB_SET_MT);
    st = ntsec_wfp_engine_filter_set(e, &h->set);
    if (st != STATUS_SUCCESS) fail_status(L, st);
    lua_newtable(L);
    lua_setiuservalue(L, -2, 1);
    lua_newtable(L);
    lua_setiuservalue(L, -2, 2);
}

/* The engine's state (engine userdata at idx), its set rebuilt when stale
** (the classifier then forgets its memo). Pushes the state and its set;
** returns the state. */
static cl_state *engine_state(lua_State *L, int idx)
{
    ntsec_wfp_engine *e = nlw_open_engine(L, idx);
    cl_state *s;
    idx = lua_absindex(L, idx);
    lua_rawgetp(L, LUA_REGISTRYINDEX, (const void *)&state_gc);
    lua_pushvalue(L, idx);
    if (lua_rawget(L, -2) == LUA_TNIL) {
        lua_pop(L, 1);
        s = lua_newuserdatauv(L, sizeof *s, 2);
        memset(s, 0, sizeof *s);
        luaL_setmetatable(L, STATE_MT);
        s->c = ntsec_wfp_classifier_new();
        if (!s->c) fail_status(L, STATUS_NO_MEMORY);
        lua_pushvalue(L, idx);
        lua_pushvalue(L, -2);
        lua_rawset(L, -4);
    }
    lua_remove(L, -2);
    s = lua_touserdata(L, -1);
    if (!s->has_set || s->generation != ntsec_wfp_engine_generation(e)) {
        new_set(L, e);
        lua_setiuservalue(L, -2, 1);
        s->generation = ntsec_wfp_engine_generation(e);
        s->has_set = 1;
        ntsec_wfp_classifier_forget(s->c);
    }
    lua_getiuservalue(L, -1, 1);
    return s;
}

static ntsec_wfp_filter_set *set_at(lua_State *L, int idx)
{
    return ((clb_set *)lua_touserdata(L, idx))->set;
}

/* ---- principal tables ---- */

#define PRINCIPAL_MT "ntsec.wfp.classify_principal"

static int principal_gc(lua_State *L)
{
    cl_principal *cp = luaL_checkudata(L, 1, PRINCIPAL_MT);
    ntsec_appcontainer_free(cp->ac);
    cp->ac = NULL;
    return 0;
}

/* The principal at idx, held by a userdata pushed on the stack (its __gc
** frees the AppContainer object if a later step raises). */
static cl_principal *new_principal(lua_State *L, int idx)
{
    cl_principal *cp;
    idx = lua_absindex(L, idx);
    cp = lua_newuserdatauv(L, sizeof *cp, 0);
    cp->ac = NULL;
    luaL_setmetatable(L, PRINCIPAL_MT);
    clb_read_principal(L, idx, cp);
    return cp;
}

static void done_principal(cl_principal *cp)
{
    ntsec_appcontainer_free(cp->ac);
    cp->ac = NULL;
}

/* ---- flows given as field lists ---- */

/* fields at t: {{name, type, text}, ...} into flow; variable bytes in scratch.
** Raises on an unknown field or type, or a value not of its type. */
static void read_flow(lua_State *L, int t, ntsec_wfp_flow *flow, uint8_t *scratch)
{
    size_t n, i, off = 0;
    luaL_checktype(L, t, LUA_TTABLE);
    n = lua_rawlen(L, t);
    for (i = 0; i < n; i++) {
        size_t nl, tl, vl, used = 0;
        const char *name, *type, *text, *why = NULL;
        uint16_t slot;
        uint32_t ty;
        ntsec_fwp_value v;
        NTSTATUS st;
        lua_rawgeti(L, t, (lua_Integer)i + 1);
        lua_rawgeti(L, -1, 1);
        lua_rawgeti(L, -2, 2);
        lua_rawgeti(L, -3, 3);
        name = luaL_checklstring(L, -3, &nl);
        type = luaL_checklstring(L, -2, &tl);
        text = luaL_checklstring(L, -1, &vl);
        slot = ntsec_wfp_field_slot_by_name(name, nl);
        if (slot == NTSEC_WFP_FIELD_UNKNOWN) luaL_error(L, "unknown condition field '%s'", name);
        ty = ntsec_fwp_type_from_name(type, tl);
        st = ntsec_fwp_value_parse(ty, text, vl,
                                   (ntsec_wfp_field_roles(slot) & NTSEC_WFP_FIELD_ROLE_ADDRESS) != 0,
                                   scratch + off, CLB_FLOW_SCRATCH - off, &used, &v, &why);
        if (st != STATUS_SUCCESS)
            luaL_error(L, "%s: %s value '%s': %s", name, type, text, why ? why : ntsec_status_name(st));
        off += used;
        st = ntsec_wfp_flow_set(flow, slot, v);
        if (st != STATUS_SUCCESS) luaL_error(L, "%s: %s", name, ntsec_status_name(st));
        lua_pop(L, 4);
    }
}

static void check_layer(lua_State *L, int idx, ntsec_guid *layer)
{
    if (nlw_parse_key(L, idx, layer) > 0) return;
    luaL_error(L, "unknown layer '%s'", lua_isstring(L, idx) ? lua_tostring(L, idx) : "?");
}

/* The memo stays when this call's token is the last call's (and the set
** has not changed); otherwise it is forgotten and the token remembered. */
static void keep_or_forget(lua_State *L, cl_state *s, int state, int token)
{
    lua_getiuservalue(L, state, 2);
    if (!lua_rawequal(L, -1, token) || lua_isnil(L, token)) {
        ntsec_wfp_classifier_forget(s->c);
        lua_pushvalue(L, token);
        lua_setiuservalue(L, state, 2);
    }
    lua_pop(L, 1);
}

/* engine:classify's principal: the token, its AppContainer part (kept per
** token) and the app (the option, else the token's). */
static void classify_principal(lua_State *L, cl_state *s, const clb_call *c)
{
    const char *app = NULL;
    size_t len = 0;
    ntsec_wfp_principal *p = &s->principal;
    memset(p, 0, sizeof *p);
    if (c->token) {
        p->token = nl_check_token(L, c->token);
        p->appcontainer = clb_token_appcontainer(L, c->token, &app, &len);
    }
    if (c->app) app = lua_tolstring(L, c->app, &len);
    if (!app) return;
    p->app_id_len = ntsec_wfp_app_id(app, len, s->app_id, sizeof s->app_id);
    if (!p->app_id_len) luaL_error(L, "app: not UTF-8 or too long");
    p->app_id = s->app_id;
}

/* classify(engine, opts) -> result table. Option mistakes raise {message};
** bad input (unknown layer or field, a value not of its type) raises a
** string (classify.lua turns it into nil, err). */
static int cl_classify(lua_State *L)
{
    clb_call call;
    cl_state *s;
    int state, set, token;
    ntsec_guid layer;
    ntsec_wfp_flow flow;
    ntsec_wfp_classify_opts opts;
    const ntsec_wfp_result *r;
    uint8_t *scratch;
    NTSTATUS st;
    lua_settop(L, 2);
    clb_read_call(L, 2, &call);
    s = engine_state(L, 1);
    set = lua_gettop(L);
    state = set - 1;
    check_layer(L, call.layer, &layer);
    classify_principal(L, s, &call);
    scratch = lua_newuserdatauv(L, CLB_FLOW_SCRATCH, 0);
    ntsec_wfp_flow_init(&flow, &s->principal);
    clb_fill_flow(L, &call, &flow, scratch);
    if (call.token) token = call.token;
    else {
        lua_pushnil(L);
        token = lua_gettop(L);
    }
    keep_or_forget(L, s, state, token);
    memset(&opts, 0, sizeof opts);
    opts.boot_mode = call.boot;
    st = ntsec_wfp_classify(s->c, set_at(L, set), &layer, &flow, &opts, &r);
    if (st != STATUS_SUCCESS) fail_status(L, st);
    clb_push_result(L, set, r, call.trace, call.layer);
    return 1;
}

static int same_layer(const ntsec_wfp_filter_def *f, const ntsec_guid *layer)
{
    return !layer || memcmp(f->layer.b, layer->b, 16) == 0;
}

/* filters_for(engine, principal[, layer]) -> {{key=, name=, id=, action=,
** layer=}, ...}: filters whose principal conditions hold and none is known
** false (ntsec_wfp_filter_applies), in the set's order. */
static int cl_filters_for(lua_State *L)
{
    ntsec_guid layer;
    const ntsec_guid *lp = NULL;
    const ntsec_wfp_filter_set *fs;
    cl_principal *cp;
    clb_ctx ctx;
    size_t i, n;
    lua_Integer k = 0;
    engine_state(L, 1);
    fs = set_at(L, -1);
    clb_ctx_of(L, lua_gettop(L), &ctx);
    n = ntsec_wfp_set_filter_count(fs);
    if (!lua_isnoneornil(L, 3)) {
        check_layer(L, 3, &layer);
        lp = &layer;
    }
    cp = new_principal(L, 2);
    lua_newtable(L);
    for (i = 0; i < n; i++) {
        const ntsec_wfp_filter_def *f = ntsec_wfp_set_filter(fs, i);
        if (!same_layer(f, lp) || ntsec_wfp_filter_applies(fs, i, &cp->p, NULL) != NTSEC_WFP_TRUE) continue;
        clb_push_filter_ref(L, &ctx, (uint32_t)i);
        nl_push_guid(L, &f->layer);
        lua_setfield(L, -2, "layer");
        lua_rawseti(L, -2, ++k);
    }
    done_principal(cp);
    return 1;
}

/* matches(engine, key, principal, fields) -> {match=, condition=, failed=,
** why=, assumed=} or nil when no such filter. */
static int cl_matches(lua_State *L)
{
    cl_state *s = engine_state(L, 1);
    const ntsec_wfp_filter_set *fs = set_at(L, -1);
    ntsec_guid key;
    ntsec_wfp_flow flow;
    ntsec_wfp_match_info m;
    cl_principal *cp;
    clb_ctx ctx;
    uint8_t *scratch;
    size_t i, n = ntsec_wfp_set_filter_count(fs);
    clb_ctx_of(L, lua_gettop(L), &ctx);
    if (nlw_parse_key(L, 2, &key) <= 0) luaL_error(L, "filter key expected");
    for (i = 0; i < n; i++)
        if (memcmp(ntsec_wfp_set_filter(fs, i)->key.b, key.b, 16) == 0) break;
    if (i == n) {
        lua_pushnil(L);
        return 1;
    }
    cp = new_principal(L, 3);
    scratch = lua_newuserdatauv(L, CLB_FLOW_SCRATCH, 0);   /* stays on the stack */
    ntsec_wfp_flow_init(&flow, &cp->p);
    read_flow(L, 4, &flow, scratch);
    ntsec_wfp_classifier_forget(s->c);
    ntsec_wfp_filter_matches(fs, i, &flow, &m);
    lua_createtable(L, 0, 5);
    clb_set_match(L, &ctx, (uint32_t)i, &m);
    done_principal(cp);
    return 1;
}

static const luaL_Reg classify_fns[] = {
    {"classify", cl_classify}, {"filters_for", cl_filters_for}, {"matches", cl_matches},
    {"identities", clb_set_identities}, {NULL, NULL}
};

static void new_gc_metatable(lua_State *L, const char *name, lua_CFunction gc)
{
    luaL_newmetatable(L, name);
    lua_pushcfunction(L, gc);
    lua_setfield(L, -2, "__gc");
    lua_pop(L, 1);
}

void nl_open_wfp_classify(lua_State *L)
{
    new_gc_metatable(L, STATE_MT, state_gc);
    new_gc_metatable(L, CLB_SET_MT, set_gc);
    new_gc_metatable(L, PRINCIPAL_MT, principal_gc);
    clb_open_flow(L);
    clb_open_result(L);
    clb_new_weak_keys(L, (const void *)&state_gc);   /* engine -> state */
    luaL_newlib(L, classify_fns);
    lua_setfield(L, -2, "wfp_classify");
}
