/*
** nl_wfp_classify_result.c: engine:classify's result tables (shape:
** docs/classify.md "Lua API"). A full trace is ~90 filter entries and over
** a thousand table slots, ten times the cost of the classification, so the
** result is built in two parts: the decision, the deciding filter, the
** verdict and the assumptions at once; the outcomes and the trace from a
** copy of the classifier's arrays (a snapshot userdata) the first time
** either is read, by index or by pairs (so `pairs` and a JSON writer see
** the same content as before). Building stores both fields and drops the
** result's metatable: from then on it is a plain table.
*/
#include <stddef.h>
#include <string.h>

#include "nl_wfp_classify.h"
#include "nl_wfp.h"

void clb_ctx_of(lua_State *L, int set_idx, clb_ctx *ctx)
{
    clb_set *h = luaL_checkudata(L, set_idx, CLB_SET_MT);
    ctx->s = h->set;
    lua_getiuservalue(L, set_idx, 1);
    ctx->conds = lua_gettop(L);
    lua_getiuservalue(L, set_idx, 2);
    ctx->keys = lua_gettop(L);
}

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

/* "{guid}" (at i + 1) and name (at -(i + 1)) of filter i, made into Lua
** strings once per set (names are often long strings: one copy each). */
static void push_filter_key(lua_State *L, const clb_ctx *ctx, uint32_t i, const ntsec_wfp_filter_def *f)
{
    if (lua_rawgeti(L, ctx->keys, (lua_Integer)i + 1) == LUA_TSTRING) return;
    lua_pop(L, 1);
    nl_push_guid(L, &f->key);
    lua_pushvalue(L, -1);
    lua_rawseti(L, ctx->keys, (lua_Integer)i + 1);
}

static void set_filter_name(lua_State *L, const clb_ctx *ctx, uint32_t i, const ntsec_wfp_filter_def *f)
{
    if (!f->name) return;
    if (lua_rawgeti(L, ctx->keys, -(lua_Integer)i - 1) != LUA_TSTRING) {
        lua_pop(L, 1);
        lua_pushstring(L, f->name);
        lua_pushvalue(L, -1);
        lua_rawseti(L, ctx->keys, -(lua_Integer)i - 1);
    }
    lua_setfield(L, -2, "name");
}

void clb_push_filter_ref(lua_State *L, const clb_ctx *ctx, uint32_t i)
{
    const ntsec_wfp_filter_def *f = ntsec_wfp_set_filter(ctx->s, i);
    lua_createtable(L, 0, 5);
    if (!f) return;
    push_filter_key(L, ctx, i, f);
    lua_setfield(L, -2, "key");
    set_filter_name(L, ctx, i, f);
    lua_pushinteger(L, (lua_Integer)f->id);
    lua_setfield(L, -2, "id");
    set_str(L, "action", action_name(f->action));
    if (f->action & NTSEC_WFP_ACTION_FLAG_CALLOUT) {
        nl_push_guid(L, &f->callout);
        lua_setfield(L, -2, "callout");
    }
}

static void push_verdict(lua_State *L, const clb_ctx *ctx, const ntsec_wfp_verdict *v)
{
    lua_createtable(L, 0, 6);
    set_str(L, "action", action_name(v->action));
    if (v->filter != UINT32_MAX) {
        clb_push_filter_ref(L, ctx, v->filter);
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

/* The Lua table of condition c of filter i, from the condition cache. */
static void push_cached_condition(lua_State *L, const clb_ctx *ctx, const ntsec_wfp_filter_def *f,
                                  uint32_t i, uint32_t c)
{
    lua_Integer k = (lua_Integer)i * 65536 + (lua_Integer)c;
    if (lua_rawgeti(L, ctx->conds, k) != LUA_TNIL) return;
    lua_pop(L, 1);
    nlw_push_condition(L, &f->conditions[c]);
    lua_pushvalue(L, -1);
    lua_rawseti(L, ctx->conds, k);
}

void clb_set_match(lua_State *L, const clb_ctx *ctx, uint32_t i, const ntsec_wfp_match_info *m)
{
    const ntsec_wfp_filter_def *f = ntsec_wfp_set_filter(ctx->s, i);
    lua_pushstring(L, tri_name(m->result));
    lua_setfield(L, -2, "match");
    if (m->cond != UINT32_MAX && f && m->cond < f->condition_count) {
        lua_pushinteger(L, (lua_Integer)m->cond + 1);
        lua_setfield(L, -2, "condition");
        push_cached_condition(L, ctx, f, i, m->cond);
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

static void push_trace(lua_State *L, const clb_ctx *ctx, const ntsec_wfp_result *r)
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
            clb_push_filter_ref(L, ctx, tf->filter);
            clb_set_match(L, ctx, tf->filter, &tf->match);
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

static void push_choices(lua_State *L, const clb_ctx *ctx, const ntsec_wfp_choice *choices, size_t nc)
{
    size_t i;
    lua_createtable(L, (int)nc, 0);
    for (i = 0; i < nc; i++) {
        const ntsec_wfp_choice *c = &choices[i];
        lua_createtable(L, 0, 3);
        set_str(L, "kind", CHOICE_NAMES[c->kind <= 3 ? c->kind : 0]);
        if (c->kind == NTSEC_WFP_CHOICE_CALLOUT) set_str(L, "verdict", action_name(c->value));
        else {
            lua_pushboolean(L, c->value != 0);
            lua_setfield(L, -2, c->kind == NTSEC_WFP_CHOICE_MATCH ? "matches" : "first");
        }
        clb_push_filter_ref(L, ctx, c->filter);
        lua_setfield(L, -2, "filter");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
}

static void push_outcome(lua_State *L, const clb_ctx *ctx, const ntsec_wfp_result *r,
                         const ntsec_wfp_outcome *o)
{
    ntsec_wfp_choice choices[64];
    ntsec_wfp_step steps[64];
    size_t nc = ntsec_wfp_outcome_choices(r, o, choices, 64), ns = ntsec_wfp_outcome_steps(r, o, steps, 64), i;
    lua_createtable(L, 0, 3);
    push_verdict(L, ctx, &o->final);
    lua_setfield(L, -2, "final");
    push_choices(L, ctx, choices, nc < 64 ? nc : 64);
    lua_setfield(L, -2, "choices");
    lua_createtable(L, (int)ns, 0);
    for (i = 0; i < ns && i < 64; i++) {
        lua_createtable(L, 0, 4);
        push_sublayer_ref(L, &r->sublayers[steps[i].sublayer]);
        lua_setfield(L, -2, "sublayer");
        push_verdict(L, ctx, &steps[i].verdict);
        lua_setfield(L, -2, "verdict");
        set_str(L, "rule", ntsec_wfp_rule_name(steps[i].rule));
        push_verdict(L, ctx, &steps[i].state);
        lua_setfield(L, -2, "state");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "steps");
}

static void push_outcomes(lua_State *L, const clb_ctx *ctx, const ntsec_wfp_result *r)
{
    size_t i;
    lua_createtable(L, (int)r->outcome_count, 0);
    for (i = 0; i < r->outcome_count; i++) {
        push_outcome(L, ctx, r, &r->outcomes[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
}

/* ---- the snapshot: the classifier's arrays, copied for later ---- */

#define SNAPSHOT_MT "ntsec.wfp.classify_snapshot"

typedef struct snapshot {
    ntsec_wfp_result r;           /* its arrays point into this userdata */
    int trace;
} snapshot;

#define ALIGN16(n) (((n) + 15u) & ~(size_t)15u)

static size_t snapshot_size(const ntsec_wfp_result *r, int trace)
{
    return ALIGN16(sizeof(snapshot)) + ALIGN16(r->sublayer_count * sizeof *r->sublayers)
         + (trace ? ALIGN16(r->filter_count * sizeof *r->filters) : 0)
         + ALIGN16(r->outcome_count * sizeof *r->outcomes) + ALIGN16(r->choice_count * sizeof *r->choices)
         + ALIGN16(r->step_count * sizeof *r->steps);
}

/* Copies n bytes of src to *at and advances it; returns the copy. */
static const void *take(uint8_t **at, const void *src, size_t n)
{
    void *dst = *at;
    if (n) memcpy(dst, src, n);
    *at += ALIGN16(n);
    return dst;
}

/* Pushes a snapshot of r whose user value is the set at set_idx. */
static void push_snapshot(lua_State *L, int set_idx, const ntsec_wfp_result *r, int trace)
{
    snapshot *sn = lua_newuserdatauv(L, snapshot_size(r, trace), 1);
    uint8_t *at = (uint8_t *)sn + ALIGN16(sizeof(snapshot));
    sn->r = *r;
    sn->trace = trace;
    sn->r.sublayers = take(&at, r->sublayers, r->sublayer_count * sizeof *r->sublayers);
    sn->r.filters = trace ? take(&at, r->filters, r->filter_count * sizeof *r->filters) : NULL;
    if (!trace) sn->r.filter_count = 0;
    sn->r.outcomes = take(&at, r->outcomes, r->outcome_count * sizeof *r->outcomes);
    sn->r.choices = take(&at, r->choices, r->choice_count * sizeof *r->choices);
    sn->r.steps = take(&at, r->steps, r->step_count * sizeof *r->steps);
    luaL_setmetatable(L, SNAPSHOT_MT);
    lua_pushvalue(L, set_idx);
    lua_setiuservalue(L, -2, 1);
}

/* Builds outcomes (and trace) of the lazy result at t from its snapshot,
** stores them and drops the metatable. A no-op for a plain table. */
static void materialise(lua_State *L, int t)
{
    snapshot *sn;
    clb_ctx ctx;
    int top = lua_gettop(L), set_idx;
    if (!lua_getmetatable(L, t)) return;
    lua_rawgeti(L, -1, 1);
    sn = luaL_testudata(L, -1, SNAPSHOT_MT);
    if (!sn) {
        lua_settop(L, top);
        return;
    }
    lua_getiuservalue(L, -1, 1);
    set_idx = lua_gettop(L);
    clb_ctx_of(L, set_idx, &ctx);
    push_outcomes(L, &ctx, &sn->r);
    lua_setfield(L, t, "outcomes");
    if (sn->trace) {
        push_trace(L, &ctx, &sn->r);
        lua_setfield(L, t, "trace");
    }
    lua_pushnil(L);
    lua_setmetatable(L, t);
    lua_settop(L, top);
}

/* __index(t, k): outcomes and trace are built on first use. */
static int lazy_index(lua_State *L)
{
    const char *k = lua_tostring(L, 2);
    if (lua_type(L, 2) != LUA_TSTRING || (strcmp(k, "outcomes") != 0 && strcmp(k, "trace") != 0)) return 0;
    materialise(L, 1);
    lua_settop(L, 2);
    lua_rawget(L, 1);
    return 1;
}

static int raw_next(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 2);
    if (lua_next(L, 1)) return 2;
    lua_pushnil(L);
    return 1;
}

/* __pairs(t): builds everything, then iterates the plain table. */
static int lazy_pairs(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    materialise(L, 1);
    lua_pushcfunction(L, raw_next);
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

/* The per-result metatable {__index, __pairs, [1] = snapshot} (snapshot on
** top; popped). */
static void set_lazy(lua_State *L, int t)
{
    lua_createtable(L, 1, 2);
    lua_pushcfunction(L, lazy_index);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, lazy_pairs);
    lua_setfield(L, -2, "__pairs");
    lua_rotate(L, -2, 1);
    lua_rawseti(L, -2, 1);
    lua_setmetatable(L, t);
}

void clb_push_result(lua_State *L, int set_idx, const ntsec_wfp_result *r, int trace, int layer_idx)
{
    clb_ctx ctx;
    int t;
    set_idx = lua_absindex(L, set_idx);
    layer_idx = lua_absindex(L, layer_idx);
    clb_ctx_of(L, set_idx, &ctx);
    lua_createtable(L, 0, 10);
    t = lua_gettop(L);
    set_str(L, "decision", ntsec_wfp_decision_name(r->decision));
    set_str(L, "reason", ntsec_wfp_reason_name(r->reason));
    if (r->verdict.filter != UINT32_MAX) {
        clb_push_filter_ref(L, &ctx, r->verdict.filter);
        lua_setfield(L, -2, "filter");
    }
    push_verdict(L, &ctx, &r->verdict);
    lua_setfield(L, -2, "verdict");
    push_assumed(L, r->assumed);
    lua_setfield(L, -2, "assumptions");
    set_bool(L, "truncated", r->truncated);
    lua_pushinteger(L, (lua_Integer)r->layer_filters);
    lua_setfield(L, -2, "layer_filters");
    lua_pushvalue(L, layer_idx);
    lua_setfield(L, -2, "layer");
    push_snapshot(L, set_idx, r, trace);
    set_lazy(L, t);
    lua_replace(L, t - 2);        /* over the two caches */
    lua_settop(L, t - 2);
}

void clb_open_result(lua_State *L)
{
    luaL_newmetatable(L, SNAPSHOT_MT);
    lua_pop(L, 1);
}
