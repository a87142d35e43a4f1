/*
** nl_wfp_object.c: provider, sublayer, layer, callout and filter tables
** (FWPM_*0 field names or short names) and the session methods
** add_X / delete_X / delete_X_by_id / get_X / get_X_by_id / enum_X
** (wfp_ks_errors.md 2.3, 2.4; docs/wfp.md).
**
** Methods return the integer code of the session's mode (0 = success) and
** the value where there is one: add_X -> code, id|nil, key|nil;
** get_X -> code, table|nil; delete_X -> code. enum_X(template) is the
** 4-value generic for (lua_conventions.md 7.14) and raises on failure.
*/
#include <string.h>

#include "nl_wfp.h"
#include "wfp_objects.h"
#include "wfp_flags.h"
#include "status.h"

const char *const nlw_kind_names[5] = {"Provider", "SubLayer", "Layer", "Callout", "Filter"};

/* Field aliases of the key of each kind (FWPM_*0 member names). */
static const char *const key_alias[5] = {"providerKey", "subLayerKey", "layerKey", "calloutKey", "filterKey"};

/* Key field k1 (or alias k2) into *g; returns 1 when given. Raises when malformed. */
static int read_key(lua_State *L, int t, const char *k1, const char *k2, ntsec_guid *g)
{
    int r;
    nlw_get_alias(L, t, k1, k2);
    r = nlw_check_key(L, lua_gettop(L), g);
    lua_pop(L, 1);
    return r > 0;
}

static void read_names(lua_State *L, int t, ntsec_wfp_add_spec *a)
{
    a->name = nlw_field_string(L, t, "name");
    a->description = nlw_field_string(L, t, "description");
    lua_getfield(L, t, "displayData");
    if (lua_istable(L, -1)) {
        int d = lua_gettop(L);
        if (!a->name) a->name = nlw_field_string(L, d, "name");
        if (!a->description) a->description = nlw_field_string(L, d, "description");
    }
    lua_pop(L, 1);   /* strings stay reachable from the argument table */
}

/* action: an FWP_ACTION_* name, an integer, or {type=, calloutKey=}. */
static void read_action(lua_State *L, int t, ntsec_wfp_add_spec *a, ntsec_guid *callout)
{
    size_t len;
    lua_getfield(L, t, "action");
    if (lua_istable(L, -1)) {
        int at = lua_gettop(L);
        if (read_key(L, at, "calloutKey", "callout", callout)) a->callout = *callout;
        lua_getfield(L, at, "type");
        lua_replace(L, at);
    }
    if (lua_type(L, -1) == LUA_TSTRING) {
        const char *name = lua_tolstring(L, -1, &len);
        if (!ntsec_wfp_action_parse(name, len, &a->action)) luaL_error(L, "unknown action '%s'", name);
    } else if (!lua_isnil(L, -1)) {
        a->action = (uint32_t)luaL_checkinteger(L, -1);
    }
    lua_pop(L, 1);
}

/* weight: an integer (FWP_UINT64; sublayers: UINT16) or {type="FWP_UINT8"|
** "FWP_UINT64", value=} / {uint8=} (filters). */
static void read_weight(lua_State *L, int t, ntsec_wfp_kind kind, ntsec_wfp_add_spec *a)
{
    int present;
    lua_getfield(L, t, "weight");
    if (lua_istable(L, -1)) {
        int w = lua_gettop(L);
        const char *type = nlw_field_string(L, w, "type");
        a->weight = nlw_field_u64(L, w, "uint8", &present);
        a->weight_type = present || (type && strcmp(type, "FWP_UINT8") == 0) ? 1 : 2;
        if (!present) a->weight = nlw_field_u64(L, w, "value", &present);
    } else if (!lua_isnil(L, -1)) {
        a->weight = (uint64_t)luaL_checkinteger(L, -1);
        a->weight_type = kind == NTSEC_WFP_SUBLAYER ? 1 : 2;
        if (kind == NTSEC_WFP_SUBLAYER && a->weight > 0xFFFF) luaL_error(L, "sublayer weight must be a UINT16");
    }
    lua_pop(L, 1);
}

static int has_conditions(lua_State *L, int t)
{
    int n;
    nlw_get_alias(L, t, "conditions", "filterCondition");
    n = lua_istable(L, -1) ? (int)lua_rawlen(L, -1) : 0;
    lua_pop(L, 1);
    return n > 0;
}

void nlw_read_add_spec(lua_State *L, int t, ntsec_wfp_kind kind, ntsec_wfp_add_spec *a,
                       ntsec_guid keys[4])
{
    const char *bad = NULL;
    luaL_checktype(L, t, LUA_TTABLE);
    memset(a, 0, sizeof *a);
    read_key(L, t, "key", key_alias[kind], &a->key);
    read_names(L, t, a);
    if (read_key(L, t, "provider", "providerKey", &keys[0])) a->provider = &keys[0];
    read_key(L, t, "layer", kind == NTSEC_WFP_CALLOUT ? "applicableLayer" : "layerKey", &a->layer);
    read_key(L, t, "sublayer", "subLayerKey", &a->sublayer);
    if (read_key(L, t, "callout", NULL, &keys[1])) a->callout = keys[1];
    if (kind == NTSEC_WFP_FILTER) read_action(L, t, a, &keys[2]);
    read_weight(L, t, kind, a);
    nlw_get_alias(L, t, "service", "serviceName");
    a->service = lua_isnil(L, -1) ? NULL : luaL_checkstring(L, -1);
    lua_pop(L, 1);
    a->has_conditions = has_conditions(L, t);
    if (!nlw_field_flags(L, t, "flags", 0, &a->flags, &bad)) luaL_error(L, "unknown flag '%s'", bad);
}

int nlw_object_add(lua_State *L, ud_session *s, ntsec_wfp_kind kind, int t, ntsec_sd *sd)
{
    ntsec_wfp_add_spec a;
    ntsec_guid keys[4], key;
    uint64_t id = 0;
    NTSTATUS st;
    nlw_read_add_spec(L, t, kind, &a, keys);
    st = ntsec_wfp_object_add(s->e, s->h, kind, &a, sd, &key, &id);
    nl_push_code(L, nlw_code(s, st));
    if (!NT_SUCCESS(st)) {
        lua_pushnil(L);
        lua_pushnil(L);
        return 3;
    }
    if (kind == NTSEC_WFP_CALLOUT || kind == NTSEC_WFP_FILTER) lua_pushinteger(L, (lua_Integer)id);
    else lua_pushnil(L);
    nl_push_guid(L, &key);
    return 3;
}

int nlw_object_get(lua_State *L, ud_session *s, ntsec_wfp_kind kind, int idx, int by_id)
{
    ntsec_wfp_object_info info;
    ntsec_guid key;
    NTSTATUS st;
    if (by_id) {
        st = ntsec_wfp_object_get_by_id(s->e, s->h, kind, (uint64_t)luaL_checkinteger(L, idx), &info);
    } else {
        int have = nlw_check_key(L, idx, &key);
        st = ntsec_wfp_object_get(s->e, s->h, kind, have ? &key : NULL, &info);
    }
    nl_push_code(L, nlw_code(s, st));
    if (NT_SUCCESS(st)) nlw_push_object(L, &info);
    else lua_pushnil(L);
    return 2;
}

int nlw_object_delete(lua_State *L, ud_session *s, ntsec_wfp_kind kind, int idx, int by_id)
{
    ntsec_guid key;
    NTSTATUS st;
    if (by_id) {
        st = ntsec_wfp_object_delete_by_id(s->e, s->h, kind, (uint64_t)luaL_checkinteger(L, idx));
    } else {
        int have = nlw_check_key(L, idx, &key);
        st = ntsec_wfp_object_delete(s->e, s->h, kind, have ? &key : NULL);
    }
    nl_push_code(L, nlw_code(s, st));
    return 1;
}

/* ---- session methods, one closure per kind (upvalue 1 = kind) ---- */

static ntsec_wfp_kind up_kind(lua_State *L)
{
    return (ntsec_wfp_kind)lua_tointeger(L, lua_upvalueindex(1));
}

/* session:add_X{..., sd=} -> code, id|nil, key|nil */
static int m_add(lua_State *L)
{
    ud_session *s = nlw_open_session(L, 1);
    ntsec_sd *sd;
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_getfield(L, 2, "sd");
    sd = nl_opt_sd(L, -1);
    lua_pop(L, 1);   /* the table keeps it alive */
    return nlw_object_add(L, s, up_kind(L), 2, sd);
}

static int m_get(lua_State *L) { return nlw_object_get(L, nlw_open_session(L, 1), up_kind(L), 2, 0); }
static int m_get_by_id(lua_State *L) { return nlw_object_get(L, nlw_open_session(L, 1), up_kind(L), 2, 1); }
static int m_delete(lua_State *L) { return nlw_object_delete(L, nlw_open_session(L, 1), up_kind(L), 2, 0); }
static int m_delete_by_id(lua_State *L) { return nlw_object_delete(L, nlw_open_session(L, 1), up_kind(L), 2, 1); }
static int m_enum(lua_State *L) { return nlw_enum_iterate(L, up_kind(L)); }

static const char *const method_kind[5] = {"provider", "sublayer", "layer", "callout", "filter"};

/* table[fmt % kind_name] = closure(f, kind) for the table on top. */
static void set_method(lua_State *L, const char *fmt, const char *kind_name, ntsec_wfp_kind kind,
                       lua_CFunction f)
{
    const char *name = lua_pushfstring(L, fmt, kind_name);
    lua_pushinteger(L, kind);
    lua_pushcclosure(L, f, 1);
    lua_setfield(L, -3, name);
    lua_pop(L, 1);   /* the name */
}

void nlw_add_session_objects(lua_State *L)
{
    int k;
    for (k = 0; k <= NTSEC_WFP_FILTER; k++) {
        const char *n = method_kind[k];
        if (k != NTSEC_WFP_LAYER) {
            set_method(L, "add_%s", n, (ntsec_wfp_kind)k, m_add);
            set_method(L, "delete_%s", n, (ntsec_wfp_kind)k, m_delete);
        }
        set_method(L, "get_%s", n, (ntsec_wfp_kind)k, m_get);
        set_method(L, "enum_%ss", n, (ntsec_wfp_kind)k, m_enum);
        if (k >= NTSEC_WFP_LAYER) set_method(L, "get_%s_by_id", n, (ntsec_wfp_kind)k, m_get_by_id);
        if (k >= NTSEC_WFP_CALLOUT) set_method(L, "delete_%s_by_id", n, (ntsec_wfp_kind)k, m_delete_by_id);
    }
}
