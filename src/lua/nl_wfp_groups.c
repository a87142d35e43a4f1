/*
** nl_wfp_groups.c: the audit's filter groups in one C call (issue 11: the
** per-principal section walked 66,500 filter tables with their conditions
** in Lua; lua/ntsec/audit_flows.lua).
**
**   ntsec.core.wfp.filter_groups(source, layer_keys, layer_names, sublayers,
**                                actions) -> groups, named, rows
**   ntsec.core.wfp.filter_groups(session, ...) -> nil, code
**     source: an open session (its FwpmFilterEnum0 view: filters it cannot
**     READ are left out, wfp_enum.h) or an engine (every filter, no access
**     check, as engine:filters()). layer_keys, layer_names: the layers whose
**     filters are grouped (key strings and the names rows carry; the audit
**     passes its ALE layers). sublayers: {[key string] = {name=, weight=}}
**     (engine:sublayers() by key). actions: {[FWP_ACTION_* value] = name}.
**     groups: one per distinct (layer, principal signature), in enumeration
**     order of their first filter: {layer_key=, layer= (name), conditions =
**     the first filter's conditions (the shape of engine:filters()), rows,
**     permit=, block=, callout= (counts by action name: "permit", "block",
**     any other)}; rows in enumeration order, each {key=, name= ("" when
**     none), id=, action= (actions' name, else the value as text), callout=,
**     weight= (effective weight, else weight, as unsigned decimal text),
**     sublayer=, sublayer_name=, layer=, group=, rank=}. named: the
**     conditions of one filter per distinct principal signature among the
**     filters at other layers (what those filters name, for the dump's
**     principals). rows: {[layer name] = the layer's rows in arbitration
**     order (ntsec_wfp_rank_cmp, the classifier's: wfp_classify.md 3.2,
**     3.3), row.rank = the position}.
**     With a session whose enumeration fails: nil and the code
**     FwpmFilterCreateEnumHandle0 / FwpmFilterEnum0 return (the caller then
**     asks the engine).
**
** The principal signature (GROUP_FIELDS below, the one list of the condition
** fields a filter's principals depend on; wfp_classify.md 4): the filter's
** conditions on those fields with their match, type and value, each with the
** number of other conditions before it (which keeps which principal
** conditions are adjacent, 2.1), and the number after the last. Filters of one
** layer with equal signatures apply to the same principals. Values compare
** as their text in the condition tables (a descriptor by its SDDL; a range by
** its type only).
** Raises for a closed session or engine, a malformed layer key, more layer
** keys than names, more than 256 layers.
** Source: wfp_classify.md 2.1, 4; docs/audit.md "Filters and flows per principal".
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nl_wfp.h"
#include "wfp_enum.h"
#include "wfp_classify.h"
#include "wfp_cond.h"
#include "wfp_import.h"
#include "buf.h"
#include "guid.h"
#include "sddl.h"
#include "status.h"

/* The condition fields whose values decide whom a filter applies to when a
** flow carries only a principal (wfp_classify.md 4). */
static const char *const GROUP_FIELDS[] = {
    "FWPM_CONDITION_ALE_APP_ID", "FWPM_CONDITION_ALE_PACKAGE_FAMILY_NAME",
    "FWPM_CONDITION_ALE_PACKAGE_ID", "FWPM_CONDITION_ALE_USER_ID", NULL
};

#define MAX_LAYERS 256

struct order;

typedef struct groups_ctx {
    lua_State *L;
    ntsec_guid layers[MAX_LAYERS];
    size_t n_layers;
    uint16_t slots[8];
    size_t n_slots;
    ntsec_buf *sig;               /* owned by a userdata on the stack */
    int groups, named, by_sig;    /* stack indexes of the results being built */
    int keys, names, sublayers, actions, all;   /* arguments; all: every row */
    lua_Integer n_groups, n_named;
    struct order *order;          /* one per row (arbitration order); owned by a userdata */
    ntsec_guid *sublayer_keys;    /* one per row, in the same block: the ranks point here */
    size_t n_rows, cap_rows;
} groups_ctx;

/* What orders a row: its layer, then its rank there (ntsec_wfp_rank_cmp,
** the classifier's order); row: its index in the list of all rows. */
typedef struct order {
    size_t layer;
    ntsec_wfp_rank rank;
    lua_Integer row;
} order;

static int group_field(const groups_ctx *g, uint16_t slot)
{
    size_t i;
    for (i = 0; i < g->n_slots; i++)
        if (g->slots[i] == slot) return 1;
    return 0;
}

static void put_text(ntsec_buf *b, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    ntsec_buf_put_u32(b, s ? (uint32_t)n : UINT32_MAX);
    if (n) ntsec_buf_put(b, s, n);
}

static void put_bytes(ntsec_buf *b, const void *p, size_t n)
{
    ntsec_buf_put_u32(b, (uint32_t)n);
    if (n) ntsec_buf_put(b, p, n);
}

/* What the condition table's `value` shows (nl_wfp_cond.c set_value), as
** bytes that are equal exactly when that text is. */
static void put_value(ntsec_buf *b, const ntsec_fwp_value *v)
{
    switch (v->type) {
    case NTSEC_FWP_EMPTY: ntsec_buf_putc(b, 0); return;
    case NTSEC_FWP_UINT8: case NTSEC_FWP_UINT16: case NTSEC_FWP_UINT32: case NTSEC_FWP_UINT64:
    case NTSEC_FWP_INT8: case NTSEC_FWP_INT16: case NTSEC_FWP_INT32: case NTSEC_FWP_INT64:
        put_bytes(b, &v->n.u, sizeof v->n.u);
        return;
    case NTSEC_FWP_BYTE_ARRAY16_TYPE: put_bytes(b, v->n.a16, 16); return;
    case NTSEC_FWP_BYTE_ARRAY6_TYPE: put_bytes(b, v->n.a16, 6); return;
    case NTSEC_FWP_V4_ADDR_MASK: put_bytes(b, &v->n.v4.addr, sizeof v->n.v4.addr); return;
    case NTSEC_FWP_V6_ADDR_MASK: put_bytes(b, v->n.v6.addr, 16); return;
    case NTSEC_FWP_SECURITY_DESCRIPTOR_TYPE: {
        ntsec_buf t;
        ntsec_buf_init(&t);
        if (ntsec_sddl_format(v->obj, 0xFFFF, NULL, &t) != STATUS_SUCCESS) t.len = 0;
        put_bytes(b, t.data, t.oom ? 0 : t.len);
        ntsec_buf_free(&t);
        return;
    }
    default:   /* blob, SID, UTF-16 string, the dump's text of other types */
        put_bytes(b, v->p, v->p ? v->len : 0);
        return;
    }
}

/* The filter's principal signature into g->sig, after its layer index. */
static void signature(groups_ctx *g, size_t layer, const ntsec_wfp_filter_fields *f)
{
    uint32_t i, gap = 0;
    ntsec_buf *b = g->sig;
    b->len = 0;
    ntsec_buf_put_u32(b, (uint32_t)layer);
    for (i = 0; i < f->condition_count; i++) {
        const ntsec_wfp_condition *c = &f->conditions[i];
        if (c->slot == NTSEC_WFP_FIELD_UNKNOWN || !group_field(g, c->slot)) {
            gap++;
            continue;
        }
        ntsec_buf_put_u32(b, gap);
        ntsec_buf_put_u16(b, c->slot);
        ntsec_buf_put_u32(b, c->match);
        if (c->match == NTSEC_FWP_MATCH_UNKNOWN) put_text(b, c->match_text);
        if (c->type == NTSEC_FWP_RANGE_TYPE) {
            ntsec_buf_put_u32(b, NTSEC_FWP_RANGE_TYPE);     /* its `value` is nil */
        } else {
            ntsec_buf_put_u32(b, c->value.type);
            if (c->value.type == NTSEC_FWP_TYPE_UNKNOWN) put_text(b, c->value.name);
            put_value(b, &c->value);
        }
        gap = 0;
    }
    ntsec_buf_put_u32(b, gap);
    ntsec_buf_put_u32(b, UINT32_MAX);
    if (b->oom) luaL_error(g->L, "not enough memory");
}

static void set_guid(lua_State *L, const char *k, int present, const ntsec_guid *id)
{
    if (!present) return;
    nl_push_guid(L, id);
    lua_setfield(L, -2, k);
}

/* The sublayer's name into the row on top; whether the engine has it and
** its weight (0 when unknown) into rank. */
static void set_sublayer(groups_ctx *g, const ntsec_wfp_object_info *o, ntsec_wfp_rank *rank)
{
    lua_State *L = g->L;
    lua_Integer w = 0;
    rank->sublayer_known = 0;
    rank->sublayer_weight = 0;
    if (!o->has_sublayer) return;
    nl_push_guid(L, &o->sublayer);
    lua_pushvalue(L, -1);
    lua_setfield(L, -3, "sublayer");
    if (lua_rawget(L, g->sublayers) == LUA_TTABLE) {
        lua_getfield(L, -1, "name");
        lua_setfield(L, -3, "sublayer_name");
        lua_getfield(L, -1, "weight");
        w = lua_isinteger(L, -1) ? lua_tointeger(L, -1) : 0;
        lua_pop(L, 1);
        rank->sublayer_known = 1;
        rank->sublayer_weight = (uint16_t)(w & 0xFFFF);
    }
    lua_pop(L, 1);
}

/* action: its name in the actions table, else its value as decimal text. */
static const char *set_action(groups_ctx *g, const ntsec_wfp_object_info *o)
{
    lua_State *L = g->L;
    if (lua_rawgeti(L, g->actions, (lua_Integer)o->action) != LUA_TSTRING) {
        lua_pop(L, 1);
        lua_pushfstring(L, "%I", (lua_Integer)o->action);
    }
    lua_pushvalue(L, -1);
    lua_setfield(L, -3, "action");
    lua_pop(L, 1);   /* the row holds the string */
    lua_getfield(L, -1, "action");
    {
        const char *a = lua_tostring(L, -1);
        lua_pop(L, 1);
        return strcmp(a, "permit") == 0 ? "permit" : strcmp(a, "block") == 0 ? "block" : "callout";
    }
}

static void add_count(lua_State *L, int group, const char *counter)
{
    lua_getfield(L, group, counter);
    lua_pushinteger(L, lua_tointeger(L, -1) + 1);
    lua_setfield(L, group, counter);
    lua_pop(L, 1);
}

/* The row of a filter (see the header) appended to the group at index
** group, and to every row with its arbitration order. */
static void add_row(groups_ctx *g, int group, size_t layer, const ntsec_wfp_object_info *o)
{
    lua_State *L = g->L;
    int has_weight = o->filter.has_effective_weight || o->has_weight;
    uint64_t weight = o->filter.has_effective_weight ? o->filter.effective_weight : o->has_weight ? o->weight : 0;
    order *ord;
    if (g->n_rows == g->cap_rows) luaL_error(L, "filter_groups: the engine changed during the walk");
    ord = &g->order[g->n_rows];
    lua_createtable(L, 0, 12);
    set_guid(L, "key", 1, &o->key);
    lua_pushstring(L, o->name ? o->name : "");
    lua_setfield(L, -2, "name");
    lua_pushinteger(L, (lua_Integer)o->id);
    lua_setfield(L, -2, "id");
    add_count(L, group, set_action(g, o));
    set_guid(L, "callout", o->has_callout, &o->callout);
    if (has_weight) {
        char text[24];
        snprintf(text, sizeof text, "%llu", (unsigned long long)weight);
        lua_pushstring(L, text);
        lua_setfield(L, -2, "weight");
    }
    set_sublayer(g, o, &ord->rank);
    lua_rawgeti(L, g->names, (lua_Integer)layer);
    lua_setfield(L, -2, "layer");
    lua_pushvalue(L, group);
    lua_setfield(L, -2, "group");
    ord->layer = layer;
    memset(&g->sublayer_keys[g->n_rows], 0, sizeof *g->sublayer_keys);
    if (o->has_sublayer) g->sublayer_keys[g->n_rows] = o->sublayer;
    ord->rank.sublayer = &g->sublayer_keys[g->n_rows];
    ord->rank.effective_weight = ntsec_wfp_effective_weight(o);
    ord->rank.filter_id = o->id;
    ord->row = (lua_Integer)++g->n_rows;
    lua_pushvalue(L, -1);
    lua_rawseti(L, g->all, ord->row);
    lua_getfield(L, group, "rows");
    lua_insert(L, -2);
    lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
    lua_pop(L, 1);
}

static size_t layer_index(const groups_ctx *g, const ntsec_wfp_object_info *o)
{
    size_t i;
    if (!o->has_layer) return 0;
    for (i = 0; i < g->n_layers; i++)
        if (memcmp(&g->layers[i], &o->layer, sizeof o->layer) == 0) return i + 1;
    return 0;
}

/* A new group for the filter's layer and signature on top of the stack. */
static void push_group(groups_ctx *g, size_t layer, const ntsec_wfp_object_info *o)
{
    lua_State *L = g->L;
    lua_createtable(L, 0, 7);
    lua_rawgeti(L, g->keys, (lua_Integer)layer);
    lua_setfield(L, -2, "layer_key");
    lua_rawgeti(L, g->names, (lua_Integer)layer);
    lua_setfield(L, -2, "layer");
    nlw_push_conditions(L, o->filter.conditions, o->filter.condition_count);
    lua_setfield(L, -2, "conditions");
    lua_newtable(L);
    lua_setfield(L, -2, "rows");
    lua_pushinteger(L, 0);
    lua_setfield(L, -2, "permit");
    lua_pushinteger(L, 0);
    lua_setfield(L, -2, "block");
    lua_pushinteger(L, 0);
    lua_setfield(L, -2, "callout");
    lua_pushvalue(L, -1);
    lua_rawseti(L, g->groups, ++g->n_groups);
    lua_pushlstring(L, (const char *)g->sig->data, g->sig->len);
    lua_pushvalue(L, -2);
    lua_rawset(L, g->by_sig);
}

static void add_filter(groups_ctx *g, const ntsec_wfp_object_info *o)
{
    lua_State *L = g->L;
    size_t layer = layer_index(g, o);
    int t;
    signature(g, layer, &o->filter);
    lua_pushlstring(L, (const char *)g->sig->data, g->sig->len);
    t = lua_rawget(L, g->by_sig);
    if (layer == 0) {                        /* another layer: only what it names */
        lua_pop(L, 1);
        if (t != LUA_TNIL) return;
        lua_pushlstring(L, (const char *)g->sig->data, g->sig->len);
        lua_pushboolean(L, 1);
        lua_rawset(L, g->by_sig);
        nlw_push_conditions(L, o->filter.conditions, o->filter.condition_count);
        lua_rawseti(L, g->named, ++g->n_named);
        return;
    }
    if (t == LUA_TNIL) {
        lua_pop(L, 1);
        push_group(g, layer, o);
    }
    add_row(g, lua_gettop(L), layer, o);
    lua_pop(L, 1);
}

/* By layer, then in the classifier's arbitration order. */
static int by_order(const void *pa, const void *pb)
{
    const order *a = pa, *b = pb;
    if (a->layer != b->layer) return a->layer < b->layer ? -1 : 1;
    return ntsec_wfp_rank_cmp(&a->rank, &b->rank);
}

/* The rows per layer name in arbitration order, each with its rank there,
** into the table at index out. */
static void push_ordered(groups_ctx *g, int out)
{
    lua_State *L = g->L;
    size_t i = 0;
    if (g->n_rows) qsort(g->order, g->n_rows, sizeof *g->order, by_order);   /* order is NULL without filters */
    while (i < g->n_rows) {
        size_t layer = g->order[i].layer;
        lua_Integer rank = 0;
        lua_newtable(L);
        for (; i < g->n_rows && g->order[i].layer == layer; i++) {
            lua_rawgeti(L, g->all, g->order[i].row);
            lua_pushinteger(L, ++rank);
            lua_setfield(L, -2, "rank");
            lua_rawseti(L, -2, rank);
        }
        lua_rawgeti(L, g->names, (lua_Integer)layer);
        lua_insert(L, -2);
        lua_rawset(L, out);
    }
}

/* Every filter the session may enumerate; STATUS_SUCCESS or what failed. */
static NTSTATUS walk_session(groups_ctx *g, ud_session *s)
{
    uint64_t handle;
    const void *items;
    size_t n = 0, i;
    NTSTATUS st = ntsec_wfp_enum_create(s->e, s->h, NTSEC_WFP_FILTER, NULL, &handle);
    if (!NT_SUCCESS(st)) return st;
    st = ntsec_wfp_enum_next(s->e, s->h, NTSEC_WFP_FILTER, handle, (size_t)-1, &items, &n);
    for (i = 0; NT_SUCCESS(st) && i < n; i++) add_filter(g, (const ntsec_wfp_object_info *)items + i);
    ntsec_wfp_enum_destroy(s->e, s->h, NTSEC_WFP_FILTER, handle);
    return st;
}

static void walk_engine(groups_ctx *g, ntsec_wfp_engine *e)
{
    ntsec_wfp_object_info info;
    size_t cur = 0;
    while (ntsec_wfp_object_next(e, NTSEC_WFP_FILTER, &cur, &info)) add_filter(g, &info);
}

static int buf_gc(lua_State *L)
{
    ntsec_buf_free((ntsec_buf *)lua_touserdata(L, 1));
    return 0;
}

static int order_gc(lua_State *L)
{
    order **p = lua_touserdata(L, 1);
    free(*p);
    *p = NULL;
    return 0;
}

/* A userdata freeing its pointer or buffer when collected (a raise on the
** way leaks nothing). */
static void *push_owner(lua_State *L, size_t size, lua_CFunction gc)
{
    void *p = lua_newuserdatauv(L, size, 0);
    memset(p, 0, size);
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, gc);
    lua_setfield(L, -2, "__gc");
    lua_setmetatable(L, -2);
    return p;
}

static void read_layers(lua_State *L, groups_ctx *g)
{
    lua_Integer i, n = luaL_len(L, 2);
    luaL_argcheck(L, n <= MAX_LAYERS, 2, "too many layers");
    luaL_argcheck(L, luaL_len(L, 3) == n, 3, "one name per layer key");
    for (i = 1; i <= n; i++) {
        lua_rawgeti(L, 2, i);
        if (nlw_check_key(L, lua_gettop(L), &g->layers[g->n_layers]) <= 0) luaL_argerror(L, 2, "a layer key is empty");
        g->n_layers++;
        lua_pop(L, 1);
    }
}

static int f_filter_groups(lua_State *L)
{
    ud_session *s = luaL_testudata(L, 1, NL_WFP_SESSION) ? nlw_open_session(L, 1) : NULL;
    ntsec_wfp_engine *e = s ? s->e : nlw_open_engine(L, 1);
    groups_ctx g;
    size_t i;
    NTSTATUS st = STATUS_SUCCESS;
    order **ord;
    for (i = 2; i <= 5; i++) luaL_checktype(L, (int)i, LUA_TTABLE);
    lua_settop(L, 5);
    memset(&g, 0, sizeof g);
    g.L = L;
    g.keys = 2, g.names = 3, g.sublayers = 4, g.actions = 5;
    read_layers(L, &g);
    for (i = 0; GROUP_FIELDS[i]; i++)
        g.slots[g.n_slots++] = ntsec_wfp_field_slot_by_name(GROUP_FIELDS[i], strlen(GROUP_FIELDS[i]));
    g.sig = push_owner(L, sizeof *g.sig, buf_gc);                 /* 6 */
    ntsec_buf_init(g.sig);
    ord = push_owner(L, sizeof *ord, order_gc);                    /* 7 */
    g.cap_rows = ntsec_wfp_count(e, NTSEC_WFP_FILTER);
    /* the rows' order entries, then their sublayer keys (which do not move in the sort) */
    *ord = g.cap_rows ? malloc(g.cap_rows * (sizeof **ord + sizeof *g.sublayer_keys)) : NULL;
    if (g.cap_rows && !*ord) return luaL_error(L, "not enough memory");
    g.order = *ord;
    g.sublayer_keys = g.cap_rows ? (ntsec_guid *)(void *)(*ord + g.cap_rows) : NULL;
    lua_newtable(L);                                               /* 8: every row */
    lua_newtable(L);                                               /* 9: groups */
    lua_newtable(L);                                               /* 10: named */
    lua_newtable(L);                                               /* 11: signature -> group | true */
    g.all = 8, g.groups = 9, g.named = 10, g.by_sig = 11;
    if (s) st = walk_session(&g, s);
    else walk_engine(&g, e);
    if (!NT_SUCCESS(st)) {
        lua_pushnil(L);
        nl_push_code(L, nlw_code(s, st));
        return 2;
    }
    lua_settop(L, 10);
    lua_newtable(L);                                               /* 11: rows by layer name */
    push_ordered(&g, 11);
    return 3;
}

/* A list of GROUP_FIELDS (the fields of the principal signature). */
static void push_group_fields(lua_State *L)
{
    int i;
    lua_newtable(L);
    for (i = 0; GROUP_FIELDS[i]; i++) {
        lua_pushstring(L, GROUP_FIELDS[i]);
        lua_rawseti(L, -2, i + 1);
    }
}

void nlw_add_groups(lua_State *L)
{
    lua_pushcfunction(L, f_filter_groups);
    lua_setfield(L, -2, "filter_groups");
    push_group_fields(L);
    lua_setfield(L, -2, "FILTER_GROUP_FIELDS");
}
