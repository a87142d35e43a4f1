/*
** nl_wfp_classify.c: offline classification over an engine's filters
** (wfp_classify.h), as core.wfp_classify = {run, filters_for, matches}.
** lua/ntsec/classify.lua checks the options and adds engine:classify,
** engine:filters_for and engine:filter_matches; these functions take the
** normalised arguments:
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

#include "nl.h"
#include "nl_wfp.h"
#include "wfp_classify.h"
#include "token_appcontainer.h"
#include "sid.h"
#include "status.h"

#define STATE_MT "ntsec.wfp.classify_state"

typedef struct cl_state {
    ntsec_wfp_filter_set *set;
    ntsec_wfp_classifier *c;
    uint64_t generation;
} cl_state;

static int state_gc(lua_State *L)
{
    cl_state *s = luaL_checkudata(L, 1, STATE_MT);
    ntsec_wfp_filter_set_free(s->set);
    ntsec_wfp_classifier_free(s->c);
    s->set = NULL;
    s->c = NULL;
    return 0;
}

static void fail_status(lua_State *L, NTSTATUS st)
{
    luaL_error(L, "classify: %s", ntsec_status_name(st));
}

/* The engine's state (engine userdata at idx), rebuilt when stale. Pushes
** the state's condition cache (a table: filter * 65536 + condition -> the
** condition's Lua table, built once per filter set: formatting descriptors
** as SDDL on every trace is the expensive part of a result). */
static cl_state *engine_state(lua_State *L, int idx)
{
    ntsec_wfp_engine *e = nlw_open_engine(L, idx);
    cl_state *s;
    idx = lua_absindex(L, idx);
    lua_rawgetp(L, LUA_REGISTRYINDEX, (const void *)&state_gc);
    lua_pushvalue(L, idx);
    lua_rawget(L, -2);
    s = lua_touserdata(L, -1);
    lua_pop(L, 1);
    if (!s) {
        s = lua_newuserdatauv(L, sizeof *s, 1);
        memset(s, 0, sizeof *s);
        luaL_setmetatable(L, STATE_MT);
        lua_pushvalue(L, idx);
        lua_pushvalue(L, -2);
        lua_rawset(L, -4);
        lua_pop(L, 1);
        s->c = ntsec_wfp_classifier_new();
        if (!s->c) fail_status(L, STATUS_NO_MEMORY);
        s->generation = UINT64_MAX;
    }
    lua_pushvalue(L, idx);
    lua_rawget(L, -2);               /* the state userdata */
    lua_remove(L, -2);
    if (!s->set || s->generation != ntsec_wfp_engine_generation(e)) {
        NTSTATUS st;
        ntsec_wfp_filter_set_free(s->set);
        s->set = NULL;
        st = ntsec_wfp_engine_filter_set(e, &s->set);
        if (st != STATUS_SUCCESS) fail_status(L, st);
        s->generation = ntsec_wfp_engine_generation(e);
        lua_newtable(L);
        lua_setiuservalue(L, -2, 1);
    }
    lua_getiuservalue(L, -1, 1);
    lua_remove(L, -2);
    return s;
}

/* ---- principal ---- */

typedef struct cl_principal {
    ntsec_wfp_principal p;
    ntsec_appcontainer *ac;       /* owned: free with principal_free */
    uint8_t app_id[1024];
} cl_principal;

static void sid_field(lua_State *L, const char *text, uint8_t out[SECURITY_MAX_SID_SIZE], const char *what)
{
    if (ntsec_sid_from_string(text, strlen(text), NULL, out) != STATUS_SUCCESS)
        luaL_error(L, "%s: not a SID '%s'", what, text);
}

/* Reads every Lua value first, then allocates (no raise while ac is owned). */
static void read_principal(lua_State *L, int t, cl_principal *cp)
{
    uint8_t package[SECURITY_MAX_SID_SIZE], caps[32][SECURITY_MAX_SID_SIZE];
    size_t ncaps = 0, i;
    int has_package = 0, lpac;
    const char *app;
    memset(&cp->p, 0, sizeof cp->p);
    cp->ac = NULL;
    luaL_checktype(L, t, LUA_TTABLE);
    lua_getfield(L, t, "token");
    if (!lua_isnil(L, -1)) cp->p.token = nl_check_token(L, -1);
    lua_pop(L, 1);
    lua_getfield(L, t, "package");
    if (!lua_isnil(L, -1)) {
        sid_field(L, luaL_checkstring(L, -1), package, "package");
        has_package = 1;
    }
    lua_pop(L, 1);
    lua_getfield(L, t, "capabilities");
    if (lua_istable(L, -1)) {
        ncaps = lua_rawlen(L, -1);
        if (ncaps > 32) luaL_error(L, "capabilities: at most 32");
        for (i = 0; i < ncaps; i++) {
            lua_rawgeti(L, -1, (lua_Integer)i + 1);
            sid_field(L, luaL_checkstring(L, -1), caps[i], "capability");
            lua_pop(L, 1);
        }
    }
    lua_pop(L, 1);
    lua_getfield(L, t, "lpac");
    lpac = lua_toboolean(L, -1);
    lua_pop(L, 1);
    lua_getfield(L, t, "app");
    app = lua_isnil(L, -1) ? NULL : luaL_checkstring(L, -1);
    if (app) {
        cp->p.app_id_len = ntsec_wfp_app_id(app, strlen(app), cp->app_id, sizeof cp->app_id);
        if (!cp->p.app_id_len) luaL_error(L, "app: not UTF-8 or too long");
        cp->p.app_id = cp->app_id;
    }
    lua_pop(L, 1);
    if (!has_package) return;
    cp->ac = ntsec_appcontainer_new(package, lpac);
    if (!cp->ac) luaL_error(L, "package: not an AppContainer SID");
    for (i = 0; i < ncaps; i++) {
        if (ntsec_appcontainer_add_capability(cp->ac, caps[i], SE_GROUP_ENABLED) != STATUS_SUCCESS) {
            ntsec_appcontainer_free(cp->ac);
            luaL_error(L, "capability %d refused", (int)i + 1);
        }
    }
    cp->p.appcontainer = cp->ac;
}

/* ---- flow ---- */

#define FLOW_SCRATCH 4096

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
                                   scratch + off, FLOW_SCRATCH - off, &used, &v, &why);
        if (st != STATUS_SUCCESS)
            luaL_error(L, "%s: %s value '%s': %s", name, type, text, why ? why : ntsec_status_name(st));
        off += used;
        st = ntsec_wfp_flow_set(flow, slot, v);
        if (st != STATUS_SUCCESS) luaL_error(L, "%s: %s", name, ntsec_status_name(st));
        lua_pop(L, 4);
    }
}

/* ---- results ---- */

static const char *action_name(uint32_t a)
{
    switch (a) {
    case NTSEC_WFP_ACTION_PERMIT: return "permit";
    case NTSEC_WFP_ACTION_BLOCK: return "block";
    case NTSEC_WFP_ACTION_CONTINUE: return "continue";
    case NTSEC_WFP_ACTION_CALLOUT_TERMINATING: return "callout_terminating";
    case NTSEC_WFP_ACTION_CALLOUT_INSPECTION: return "callout_inspection";
    case NTSEC_WFP_ACTION_CALLOUT_UNKNOWN: return "callout_unknown";
    default: return NULL;
    }
}

static void set_str(lua_State *L, const char *k, const char *v)
{
    if (!v) return;
    lua_pushstring(L, v);
    lua_setfield(L, -2, k);
}

static void set_bool(lua_State *L, const char *k, int v)
{
    if (!v) return;
    lua_pushboolean(L, 1);
    lua_setfield(L, -2, k);
}

/* {key=, name=, id=, action=, callout=} of filter i. */
static void push_filter_ref(lua_State *L, const ntsec_wfp_filter_set *s, uint32_t i)
{
    const ntsec_wfp_filter_def *f = ntsec_wfp_set_filter(s, i);
    lua_createtable(L, 0, 5);
    if (!f) return;
    nl_push_guid(L, &f->key);
    lua_setfield(L, -2, "key");
    set_str(L, "name", f->name);
    lua_pushinteger(L, (lua_Integer)f->id);
    lua_setfield(L, -2, "id");
    set_str(L, "action", action_name(f->action));
    if (f->action & NTSEC_WFP_ACTION_FLAG_CALLOUT) {
        nl_push_guid(L, &f->callout);
        lua_setfield(L, -2, "callout");
    }
}

static void push_verdict(lua_State *L, const ntsec_wfp_filter_set *s, const ntsec_wfp_verdict *v)
{
    lua_createtable(L, 0, 6);
    set_str(L, "action", action_name(v->action));
    if (v->filter != UINT32_MAX) {
        push_filter_ref(L, s, v->filter);
        lua_setfield(L, -2, "filter");
    }
    set_bool(L, "hard", v->hard);
    set_bool(L, "from_callout", v->from_callout);
    set_bool(L, "veto", v->veto);
    set_bool(L, "unregistered", v->unregistered);
}

static void push_assumed(lua_State *L, unsigned assumed)
{
    int n = 0;
    lua_createtable(L, 2, 0);
    if (assumed & NTSEC_WFP_ASSUMED_ZERO_FLAGS) {
        lua_pushliteral(L, "zero_flags");
        lua_rawseti(L, -2, ++n);
    }
    if (assumed & NTSEC_WFP_ASSUMED_NULL_PACKAGE) {
        lua_pushliteral(L, "null_package");
        lua_rawseti(L, -2, ++n);
    }
}

static const char *tri_name(int r)
{
    return r == NTSEC_WFP_TRUE ? "true" : r == NTSEC_WFP_FALSE ? "false" : "unknown";
}

/* {match = "true"|"false"|"unknown", condition = N (1-based), field =, why =,
** assumed = {...}} of a match of filter i. */
/* The Lua table of condition c of filter i, from the cache at index cache
** (shared between results: read-only by convention). */
static void push_cached_condition(lua_State *L, int cache, const ntsec_wfp_filter_def *f, uint32_t i,
                                  uint32_t c)
{
    lua_Integer k = (lua_Integer)i * 65536 + (lua_Integer)c;
    if (lua_rawgeti(L, cache, k) != LUA_TNIL) return;
    lua_pop(L, 1);
    nlw_push_condition(L, &f->conditions[c]);
    lua_pushvalue(L, -1);
    lua_rawseti(L, cache, k);
}

static void push_match(lua_State *L, int cache, const ntsec_wfp_filter_set *s, uint32_t i,
                       const ntsec_wfp_match_info *m)
{
    const ntsec_wfp_filter_def *f = ntsec_wfp_set_filter(s, i);
    lua_pushstring(L, tri_name(m->result));
    lua_setfield(L, -2, "match");
    if (m->cond != UINT32_MAX && f && m->cond < f->condition_count) {
        lua_pushinteger(L, (lua_Integer)m->cond + 1);
        lua_setfield(L, -2, "condition");
        push_cached_condition(L, cache, f, i, m->cond);
        lua_setfield(L, -2, "failed");
        set_str(L, "why", ntsec_wfp_cond_why_name(m->why));
    }
    if (m->assumed) {
        push_assumed(L, m->assumed);
        lua_setfield(L, -2, "assumed");
    }
}

static const struct { unsigned bit; const char *name; } ROLES[] = {
    {NTSEC_WFP_ROLE_DECIDED, "decided"}, {NTSEC_WFP_ROLE_INSPECTED, "inspected"},
    {NTSEC_WFP_ROLE_BRANCHED, "branched"}, {NTSEC_WFP_ROLE_TIE, "tie"},
    {NTSEC_WFP_ROLE_SKIPPED, "skipped"}, {NTSEC_WFP_ROLE_TIE_SPLIT, "tie_split"},
};

static void push_roles(lua_State *L, unsigned roles)
{
    size_t k;
    int n = 0;
    lua_createtable(L, 2, 0);
    for (k = 0; k < sizeof ROLES / sizeof ROLES[0]; k++) {
        if (!(roles & ROLES[k].bit)) continue;
        lua_pushstring(L, ROLES[k].name);
        lua_rawseti(L, -2, ++n);
    }
}

static void push_sublayer_ref(lua_State *L, const ntsec_wfp_trace_sublayer *sl)
{
    lua_createtable(L, 0, 5);
    nl_push_guid(L, &sl->key);
    lua_setfield(L, -2, "key");
    set_str(L, "name", sl->name);
    lua_pushinteger(L, sl->weight);
    lua_setfield(L, -2, "weight");
    set_bool(L, "unknown", !sl->known);
}

static void push_trace(lua_State *L, int cache, const ntsec_wfp_filter_set *s, const ntsec_wfp_result *r)
{
    size_t i, k;
    lua_createtable(L, 0, 1);
    lua_createtable(L, (int)r->sublayer_count, 0);
    for (i = 0; i < r->sublayer_count; i++) {
        const ntsec_wfp_trace_sublayer *sl = &r->sublayers[i];
        push_sublayer_ref(L, sl);
        lua_pushinteger(L, (lua_Integer)sl->total);
        lua_setfield(L, -2, "total");
        lua_createtable(L, (int)sl->count, 0);
        for (k = 0; k < sl->count; k++) {
            const ntsec_wfp_trace_filter *tf = &r->filters[sl->first + k];
            push_filter_ref(L, s, tf->filter);
            push_match(L, cache, s, tf->filter, &tf->match);
            push_roles(L, tf->roles);
            lua_setfield(L, -2, "roles");
            lua_rawseti(L, -2, (lua_Integer)k + 1);
        }
        lua_setfield(L, -2, "filters");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "sublayers");
}

static const char *const CHOICE_NAMES[] = {"?", "callout", "match", "tie"};

static void push_outcome(lua_State *L, const ntsec_wfp_filter_set *s, const ntsec_wfp_result *r,
                         const ntsec_wfp_outcome *o)
{
    ntsec_wfp_choice choices[64];
    ntsec_wfp_step steps[64];
    size_t nc = ntsec_wfp_outcome_choices(r, o, choices, 64), ns = ntsec_wfp_outcome_steps(r, o, steps, 64), i;
    lua_createtable(L, 0, 3);
    push_verdict(L, s, &o->final);
    lua_setfield(L, -2, "final");
    lua_createtable(L, (int)nc, 0);
    for (i = 0; i < nc && i < 64; i++) {
        const ntsec_wfp_choice *c = &choices[i];
        lua_createtable(L, 0, 3);
        set_str(L, "kind", CHOICE_NAMES[c->kind <= 3 ? c->kind : 0]);
        if (c->kind == NTSEC_WFP_CHOICE_CALLOUT) set_str(L, "verdict", action_name(c->value));
        else {
            lua_pushboolean(L, c->value != 0);
            lua_setfield(L, -2, c->kind == NTSEC_WFP_CHOICE_MATCH ? "matches" : "first");
        }
        push_filter_ref(L, s, c->filter);
        lua_setfield(L, -2, "filter");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "choices");
    lua_createtable(L, (int)ns, 0);
    for (i = 0; i < ns && i < 64; i++) {
        lua_createtable(L, 0, 4);
        push_sublayer_ref(L, &r->sublayers[steps[i].sublayer]);
        lua_setfield(L, -2, "sublayer");
        push_verdict(L, s, &steps[i].verdict);
        lua_setfield(L, -2, "verdict");
        set_str(L, "rule", ntsec_wfp_rule_name(steps[i].rule));
        push_verdict(L, s, &steps[i].state);
        lua_setfield(L, -2, "state");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "steps");
}

static void push_result(lua_State *L, int cache, const ntsec_wfp_filter_set *s, const ntsec_wfp_result *r,
                        int trace)
{
    size_t i;
    lua_createtable(L, 0, 10);
    set_str(L, "decision", ntsec_wfp_decision_name(r->decision));
    set_str(L, "reason", ntsec_wfp_reason_name(r->reason));
    if (r->verdict.filter != UINT32_MAX) {
        push_filter_ref(L, s, r->verdict.filter);
        lua_setfield(L, -2, "filter");
    }
    push_verdict(L, s, &r->verdict);
    lua_setfield(L, -2, "verdict");
    push_assumed(L, r->assumed);
    lua_setfield(L, -2, "assumptions");
    set_bool(L, "truncated", r->truncated);
    lua_pushinteger(L, (lua_Integer)r->layer_filters);
    lua_setfield(L, -2, "layer_filters");
    lua_createtable(L, (int)r->outcome_count, 0);
    for (i = 0; i < r->outcome_count; i++) {
        push_outcome(L, s, r, &r->outcomes[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "outcomes");
    if (!trace) return;
    push_trace(L, cache, s, r);
    lua_setfield(L, -2, "trace");
}

static void check_layer(lua_State *L, int idx, ntsec_guid *layer)
{
    if (nlw_parse_key(L, idx, layer) > 0) return;
    luaL_error(L, "unknown layer '%s'", lua_isstring(L, idx) ? lua_tostring(L, idx) : "?");
}

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
    read_principal(L, idx, cp);
    return cp;
}

static void done_principal(cl_principal *cp)
{
    ntsec_appcontainer_free(cp->ac);
    cp->ac = NULL;
}

/* Memoised descriptor checks belong to one principal: the principal is
** rebuilt on every call, so they are forgotten on every call. */
static void flow_of(lua_State *L, int fields, cl_principal *cp, ntsec_wfp_flow *flow)
{
    uint8_t *scratch = lua_newuserdatauv(L, FLOW_SCRATCH, 0);   /* stays on the stack */
    ntsec_wfp_flow_init(flow, &cp->p);
    read_flow(L, fields, flow, scratch);
}

/* run(engine, layer, principal, fields, boot, no_trace) -> result table. */
static int cl_run(lua_State *L)
{
    cl_state *s = engine_state(L, 1);
    int cache = lua_gettop(L);
    ntsec_guid layer;
    ntsec_wfp_flow flow;
    ntsec_wfp_classify_opts opts;
    const ntsec_wfp_result *r;
    cl_principal *cp;
    NTSTATUS st;
    check_layer(L, 2, &layer);
    memset(&opts, 0, sizeof opts);
    opts.boot_mode = lua_toboolean(L, 5);
    cp = new_principal(L, 3);
    flow_of(L, 4, cp, &flow);
    ntsec_wfp_classifier_forget(s->c);
    st = ntsec_wfp_classify(s->c, s->set, &layer, &flow, &opts, &r);
    if (st != STATUS_SUCCESS) {
        done_principal(cp);
        fail_status(L, st);
    }
    push_result(L, cache, s->set, r, !lua_toboolean(L, 6));
    done_principal(cp);
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
    cl_state *s = engine_state(L, 1);
    ntsec_guid layer;
    const ntsec_guid *lp = NULL;
    cl_principal *cp;
    size_t i, n = ntsec_wfp_set_filter_count(s->set);
    lua_Integer k = 0;
    if (!lua_isnoneornil(L, 3)) {
        check_layer(L, 3, &layer);
        lp = &layer;
    }
    cp = new_principal(L, 2);
    lua_newtable(L);
    for (i = 0; i < n; i++) {
        const ntsec_wfp_filter_def *f = ntsec_wfp_set_filter(s->set, i);
        if (!same_layer(f, lp) || ntsec_wfp_filter_applies(s->set, i, &cp->p, NULL) != NTSEC_WFP_TRUE) continue;
        push_filter_ref(L, s->set, (uint32_t)i);
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
    int cache = lua_gettop(L);
    ntsec_guid key;
    ntsec_wfp_flow flow;
    ntsec_wfp_match_info m;
    cl_principal *cp;
    size_t i, n = ntsec_wfp_set_filter_count(s->set);
    if (nlw_parse_key(L, 2, &key) <= 0) luaL_error(L, "filter key expected");
    for (i = 0; i < n; i++)
        if (memcmp(ntsec_wfp_set_filter(s->set, i)->key.b, key.b, 16) == 0) break;
    if (i == n) {
        lua_pushnil(L);
        return 1;
    }
    cp = new_principal(L, 3);
    flow_of(L, 4, cp, &flow);
    ntsec_wfp_classifier_forget(s->c);
    ntsec_wfp_filter_matches(s->set, i, &flow, &m);
    lua_createtable(L, 0, 5);
    push_match(L, cache, s->set, (uint32_t)i, &m);
    done_principal(cp);
    return 1;
}

/* core.wfp_classify.access_check(principal, sd, desired, mapping) ->
**   call_status, granted: the two-pass check of an AppContainer token
** (ntsec_appcontainer_access_check; wfp_classify.md 2.5; docs/access.md):
** pass 1 over the token, pass 2 where only the package SID, the enabled
** capabilities and ALL (RESTRICTED) APPLICATION PACKAGES match; granted is
** their intersection. desired is generic-free (MAXIMUM_ALLOWED allowed). */
static int cl_access_check(lua_State *L)
{
    cl_principal *cp;
    ntsec_sd *sd = nl_check_sd(L, 2);
    ACCESS_MASK desired = (ACCESS_MASK)luaL_checkinteger(L, 3), granted = 0;
    ntsec_generic_mapping m;
    NTSTATUS st;
    nl_check_mapping(L, 4, &m);
    cp = new_principal(L, 1);
    if (!cp->p.token) luaL_error(L, "access_check: the principal has no token");
    st = ntsec_appcontainer_access_check(sd, cp->p.token, cp->ac, desired, &m, &granted);
    done_principal(cp);
    nl_push_code(L, st);
    lua_pushinteger(L, granted);
    return 2;
}

static const luaL_Reg classify_fns[] = {
    {"run", cl_run}, {"filters_for", cl_filters_for}, {"matches", cl_matches},
    {"access_check", cl_access_check}, {NULL, NULL}
};

void nl_open_wfp_classify(lua_State *L)
{
    luaL_newmetatable(L, STATE_MT);
    lua_pushcfunction(L, state_gc);
    lua_setfield(L, -2, "__gc");
    lua_pop(L, 1);
    luaL_newmetatable(L, PRINCIPAL_MT);
    lua_pushcfunction(L, principal_gc);
    lua_setfield(L, -2, "__gc");
    lua_pop(L, 1);
    /* the per-engine cache: weak keys (engines), states as values */
    lua_newtable(L);
    lua_createtable(L, 0, 1);
    lua_pushliteral(L, "k");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    lua_rawsetp(L, LUA_REGISTRYINDEX, (const void *)&state_gc);
    luaL_newlib(L, classify_fns);
    lua_setfield(L, -2, "wfp_classify");
}
