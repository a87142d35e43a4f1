/*
** nl_wfp_object.c: every per-kind WFP function, generated from the core's
** kind table (wfp_kinds.h; wfp_ks_errors.md 2.3-2.7, 3.2; docs/wfp.md).
**
** Faithful (Windows names, session first, the code of the session's mode
** first, then the out-values; nil where Windows leaves an out-value unset),
** for each kind with the operation in its row, <api> = prefix .. stem:
**   <api>Add0(s, object[, sd])        -> code   (kinds with ids: code, id|nil)
**   <api>DeleteByKey0(s, key)         -> code
**   <api>DeleteById0(s, id)           -> code
**   <api>GetByKey0(s, key)            -> code, object|nil
**   <api>GetById0(s, id)              -> code, object|nil
**   <api>SetSecurityInfoByKey0(s, key, si, owner, group, dacl, sacl) -> code
**   <api>GetSecurityInfoByKey0(s, key, si) -> code, sd|nil
**   <api>SetSecurityInfo0(s, si, owner, group, dacl, sacl) -> code   (keyless kinds)
**   <api>GetSecurityInfo0(s, si)      -> code, sd|nil
**   <api>CreateEnumHandle0(s, template) -> code, enum|nil
**   <api>Enum0(s, enum, n)            -> code, entries|nil, count
**   <api>DestroyEnumHandle0(s, enum)  -> code
** each also under its version-less name (wfp_ks_errors.md 1.3).
**
** Idiomatic session methods (value or true, or nil, err; docs/design.md):
**   s:add_<name>{...}          -> key, id|nil        (FWPM_*0 fields, strict)
**   s:delete_<name>(key)       -> true
**   s:delete_<name>_by_id(id)  -> true
**   s:get_<name>(key)          -> object             (keyless kinds: by id)
**   s:get_<name>_by_id(id)     -> object
**   s:enum_<plural>([template]) -> the generic-for iterator (raises on failure)
** Keys are GUID strings or FWPM_* names; descriptors, ACLs and SIDs may be
** given as SDDL strings. Programmer errors (types, unknown option keys,
** malformed keys or strings, closed sessions) raise.
*/
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "nl_wfp.h"
#include "wfp_ale.h"
#include "wfp_objects.h"
#include "wfp_security.h"
#include "wfp_flags.h"
#include "status.h"

/* ---- add: the FWPM_*0 table ---- */

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
    static const char *const display_keys[] = {"name", "description", NULL};
    a->name = nlw_field_string(L, t, "name");
    a->description = nlw_field_string(L, t, "description");
    lua_getfield(L, t, "displayData");
    if (!lua_isnil(L, -1)) {
        int d = lua_gettop(L);
        luaL_checktype(L, d, LUA_TTABLE);
        nl_check_keys(L, d, "displayData", display_keys);
        if (!a->name) a->name = nlw_field_string(L, d, "name");
        if (!a->description) a->description = nlw_field_string(L, d, "description");
    }
    lua_pop(L, 1);   /* strings stay reachable from the argument table */
}

/* action: an FWP_ACTION_* name, an integer, or {type=, calloutKey=}. */
static void read_action(lua_State *L, int t, ntsec_wfp_add_spec *a, ntsec_guid *callout)
{
    static const char *const action_keys[] = {"type", "calloutKey", "callout", NULL};
    size_t len;
    lua_getfield(L, t, "action");
    if (lua_istable(L, -1)) {
        int at = lua_gettop(L);
        nl_check_keys(L, at, "action", action_keys);
        if (read_key(L, at, "calloutKey", "callout", callout)) a->callout = *callout;
        lua_getfield(L, at, "type");
        lua_replace(L, at);
    }
    if (lua_type(L, -1) == LUA_TSTRING) {
        const char *name = lua_tolstring(L, -1, &len);
        if (!ntsec_wfp_action_parse(name, len, &a->action)) luaL_error(L, "unknown action '%s'", name);
    } else if (!lua_isnil(L, -1)) {
        a->action = nlw_field_u32_value(L, -1, "action");
    }
    lua_pop(L, 1);
}

/* weight: an integer (FWP_UINT64; sublayers: UINT16) or {type="FWP_UINT8"|
** "FWP_UINT64", value=} / {uint8=} (filters). */
static void read_weight(lua_State *L, int t, ntsec_wfp_kind kind, ntsec_wfp_add_spec *a)
{
    static const char *const weight_keys[] = {"type", "value", "uint8", NULL};
    int present;
    lua_getfield(L, t, "weight");
    if (lua_istable(L, -1)) {
        int w = lua_gettop(L);
        const char *type;
        nl_check_keys(L, w, "weight", weight_keys);
        type = nlw_field_string(L, w, "type");
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

/* conditions / filterCondition: parsed into a box left on the stack (it
** owns them until the add returns). A condition that does not parse
** raises: it is the caller's table (nl_wfp_cond.c). */
static void read_conditions(lua_State *L, int t, ntsec_wfp_add_spec *a)
{
    char err[256];
    NTSTATUS st;
    nlw_cond_box *b;
    nlw_get_alias(L, t, "conditions", "filterCondition");
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        return;
    }
    b = nlw_read_conditions(L, -1, err, sizeof err, &st, 0);
    if (st != STATUS_SUCCESS) luaL_error(L, "%s", err);
    lua_remove(L, -2);
    a->conditions = b->conds;
    a->condition_count = b->n;
}

/* The keys an add table may hold: every FWPM_*0 member the reader knows
** (short and SDK names) plus sd. A key a kind does not use is ignored as
** Windows ignores members of another struct; unknown keys raise. */
static const char *const add_keys[] = {
    "key", "providerKey", "subLayerKey", "layerKey", "calloutKey", "filterKey",
    "name", "description", "displayData", "flags", "provider", "layer", "applicableLayer",
    "sublayer", "callout", "action", "weight", "service", "serviceName", "conditions",
    "filterCondition", "sd", "providerContextKey", "provider_context", "type", "data", NULL
};

/* A provider context's type (an FWPM_*_CONTEXT name or an integer) and data
** (a general context's dataBuffer: bytes as a Lua string). */
static void read_context(lua_State *L, int t, ntsec_wfp_add_spec *a)
{
    size_t len;
    lua_getfield(L, t, "type");
    if (lua_type(L, -1) == LUA_TSTRING) {
        const char *name = lua_tolstring(L, -1, &len);
        if (!ntsec_wfp_context_type_parse(name, len, &a->context_type))
            luaL_error(L, "unknown provider context type '%s'", name);
    } else if (!lua_isnil(L, -1)) {
        a->context_type = nlw_field_u32_value(L, -1, "type");
    } else {
        a->context_type = NTSEC_FWPM_GENERAL_CONTEXT;
    }
    lua_pop(L, 1);
    lua_getfield(L, t, "data");
    if (!lua_isnil(L, -1)) a->data = (const uint8_t *)luaL_checklstring(L, -1, &a->data_len);
    lua_pop(L, 1);   /* the argument table keeps the string */
}

void nlw_read_add_spec(lua_State *L, int t, ntsec_wfp_kind kind, ntsec_wfp_add_spec *a,
                       ntsec_guid keys[4])
{
    const ntsec_wfp_kind_info *row = ntsec_wfp_kind_row(kind);
    const char *bad = NULL;
    luaL_checktype(L, t, LUA_TTABLE);
    nl_check_keys(L, t, row->name, add_keys);
    memset(a, 0, sizeof *a);
    read_key(L, t, "key", row->key_field, &a->key);
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
    if (!nlw_field_flags(L, t, "flags", 0, &a->flags, &bad)) luaL_error(L, "unknown flag '%s'", bad);
    if (kind == NTSEC_WFP_PROVIDER_CONTEXT) read_context(L, t, a);
    if (kind == NTSEC_WFP_FILTER && read_key(L, t, "provider_context", "providerContextKey", &keys[3]))
        a->provider_context = &keys[3];
    if (kind == NTSEC_WFP_FILTER) read_conditions(L, t, a);
}

/* ---- operations: push the out-values on success, return the status ---- */

/* Add: pushes key, id|nil. */
static NTSTATUS do_add(lua_State *L, const ud_session *s, const ntsec_wfp_kind_info *row, int t, ntsec_sd *sd)
{
    ntsec_wfp_add_spec a;
    ntsec_guid keys[4], key;
    uint64_t id = 0;
    NTSTATUS st;
    int top = lua_gettop(L);
    nlw_read_add_spec(L, t, row->kind, &a, keys);
    st = ntsec_wfp_object_add(s->e, s->h, row->kind, &a, sd, &key, &id);
    lua_settop(L, top);   /* the conditions' box: the engine has copied them */
    if (!NT_SUCCESS(st)) return st;
    nl_push_guid(L, &key);
    if (row->id_counter) lua_pushinteger(L, (lua_Integer)id);
    else lua_pushnil(L);
    return st;
}

/* Get by key or id: pushes the object table. Endpoints and connections have
** their own getters (their own structs). */
static NTSTATUS do_get(lua_State *L, const ud_session *s, const ntsec_wfp_kind_info *row, int idx, int by_id)
{
    ntsec_wfp_object_info info;
    const ntsec_wfp_endpoint *ep;
    const ntsec_wfp_connection *c;
    ntsec_guid key;
    NTSTATUS st;
    if (!by_id) {
        int have = nlw_check_key(L, idx, &key);
        st = ntsec_wfp_object_get(s->e, s->h, row->kind, have ? &key : NULL, &info);
    } else if (row->kind == NTSEC_WFP_ENDPOINT) {
        st = ntsec_wfp_ale_get_by_id(s->e, s->h, (uint64_t)luaL_checkinteger(L, idx), &ep);
        if (NT_SUCCESS(st)) nlw_push_endpoint(L, ep);
        return st;
    } else if (row->kind == NTSEC_WFP_CONNECTION) {
        st = ntsec_wfp_connection_get_by_id(s->e, s->h, (uint64_t)luaL_checkinteger(L, idx), &c);
        if (NT_SUCCESS(st)) nlw_push_connection(L, c);
        return st;
    } else {
        st = ntsec_wfp_object_get_by_id(s->e, s->h, row->kind, (uint64_t)luaL_checkinteger(L, idx), &info);
    }
    if (NT_SUCCESS(st)) nlw_push_object(L, &info);
    return st;
}

static NTSTATUS do_delete(lua_State *L, const ud_session *s, const ntsec_wfp_kind_info *row, int idx, int by_id)
{
    ntsec_guid key;
    int have;
    if (by_id) return ntsec_wfp_object_delete_by_id(s->e, s->h, row->kind, (uint64_t)luaL_checkinteger(L, idx));
    have = nlw_check_key(L, idx, &key);
    return ntsec_wfp_object_delete(s->e, s->h, row->kind, have ? &key : NULL);
}

/* The key argument of a security call at idx (keyed kinds only): *first is
** moved past it. Returns the key or NULL. */
static const ntsec_guid *security_key(lua_State *L, const ntsec_wfp_kind_info *row, int *first, ntsec_guid *g)
{
    int have;
    if (!(row->ops & NTSEC_WFP_OP_SECURITY_KEY)) return NULL;
    have = nlw_check_key(L, *first, g);
    (*first)++;
    return have ? g : NULL;
}

/* ---- faithful functions (closures over the kind row and the session
** metatable: upvalues 1 and 2) ---- */

/* The open session at 1. The hot path compares the metatable with upvalue 2
** instead of looking its name up in the registry; anything else (another
** type, a closed session) takes the checking path, which raises. */
static ud_session *hot_session(lua_State *L)
{
    ud_session *s = (ud_session *)lua_touserdata(L, 1);
    if (s && lua_getmetatable(L, 1)) {
        int same = lua_rawequal(L, -1, lua_upvalueindex(2));
        lua_pop(L, 1);
        if (same && s->hd.close) return s;
    }
    return nlw_open_session(L, 1);
}

static int f_add(lua_State *L)
{
    const ntsec_wfp_kind_info *row = nlw_up_row(L);
    ud_session *s = hot_session(L);
    NTSTATUS st = do_add(L, s, row, 2, nl_opt_sd(L, 3));
    nl_push_code(L, nlw_code(s, st));
    if (!row->id_counter) return 1;
    if (!NT_SUCCESS(st)) {
        lua_pushnil(L);
        return 2;
    }
    lua_rotate(L, -3, 1);   /* code, key, id */
    lua_remove(L, -2);
    return 2;
}

static int faithful_get(lua_State *L, int by_id)
{
    ud_session *s = hot_session(L);
    NTSTATUS st = do_get(L, s, nlw_up_row(L), 2, by_id);
    nl_push_code(L, nlw_code(s, st));
    if (NT_SUCCESS(st)) lua_insert(L, -2);
    else lua_pushnil(L);
    return 2;
}

static int f_get(lua_State *L) { return faithful_get(L, 0); }
static int f_get_id(lua_State *L) { return faithful_get(L, 1); }

static int f_delete(lua_State *L)
{
    ud_session *s = hot_session(L);
    return nlw_push_code(L, s, do_delete(L, s, nlw_up_row(L), 2, 0));
}

static int f_delete_id(lua_State *L)
{
    ud_session *s = hot_session(L);
    return nlw_push_code(L, s, do_delete(L, s, nlw_up_row(L), 2, 1));
}

/* The hot path of FwpmCalloutSetSecurityInfoByKey0: no table, no string
** built on success. */
static int f_set_security(lua_State *L)
{
    const ntsec_wfp_kind_info *row = nlw_up_row(L);
    ud_session *s = hot_session(L);
    ntsec_guid g;
    int first = 2;
    const ntsec_guid *key = security_key(L, row, &first, &g);
    nlw_set_args a;
    lua_State *prev = s->eu->cur_L;
    NTSTATUS st;
    nlw_read_set_args(L, first, &a);
    s->eu->cur_L = L;   /* the engine's observer may run */
    st = ntsec_wfp_set_security(s->e, s->h, row->kind, key, a.si, a.owner, a.group, a.dacl, a.sacl);
    s->eu->cur_L = prev;
    return nlw_push_code(L, s, st);
}

static int f_get_security(lua_State *L)
{
    const ntsec_wfp_kind_info *row = nlw_up_row(L);
    ud_session *s = hot_session(L);
    ntsec_guid g;
    int first = 2;
    const ntsec_guid *key = security_key(L, row, &first, &g);
    uint32_t si = nlw_check_u32(L, first);
    lua_State *prev = s->eu->cur_L;
    ntsec_sd *sd;
    NTSTATUS st;
    s->eu->cur_L = L;
    st = ntsec_wfp_get_security(s->e, s->h, row->kind, key, si, &sd);
    s->eu->cur_L = prev;
    return nlw_push_sd_result(L, s, st, sd);
}

static int f_create(lua_State *L) { return nlw_enum_create(L, 1, nlw_up_row(L)->kind, 2); }
static int f_enum(lua_State *L) { return nlw_enum_fetch(L, 1, nlw_up_row(L)->kind, 2, 3); }
static int f_destroy(lua_State *L) { return nlw_enum_destroy(L, 1, nlw_up_row(L)->kind, 2); }

static const struct {
    uint32_t op;
    const char *suffix;
    lua_CFunction fn;
} faithful_ops[] = {
    {NTSEC_WFP_OP_ADD, "Add0", f_add},
    {NTSEC_WFP_OP_DELETE_BY_KEY, "DeleteByKey0", f_delete},
    {NTSEC_WFP_OP_DELETE_BY_ID, "DeleteById0", f_delete_id},
    {NTSEC_WFP_OP_GET_BY_KEY, "GetByKey0", f_get},
    {NTSEC_WFP_OP_GET_BY_ID, "GetById0", f_get_id},
    {NTSEC_WFP_OP_SECURITY_KEY, "SetSecurityInfoByKey0", f_set_security},
    {NTSEC_WFP_OP_SECURITY_KEY, "GetSecurityInfoByKey0", f_get_security},
    {NTSEC_WFP_OP_SECURITY, "SetSecurityInfo0", f_set_security},
    {NTSEC_WFP_OP_SECURITY, "GetSecurityInfo0", f_get_security},
    {NTSEC_WFP_OP_ENUM, "CreateEnumHandle0", f_create},
    {NTSEC_WFP_OP_ENUM, "Enum0", f_enum},
    {NTSEC_WFP_OP_ENUM, "DestroyEnumHandle0", f_destroy},
    {0, NULL, NULL}
};

/* t[name] = t[name without the trailing 0] = closure, t on top. */
static void register_faithful(lua_State *L, const ntsec_wfp_kind_info *row, const char *suffix, lua_CFunction fn)
{
    char name[96];
    size_t n = (size_t)snprintf(name, sizeof name, "%s%s%s", row->prefix, row->stem, suffix);
    lua_pushlightuserdata(L, (void *)(uintptr_t)row);
    luaL_getmetatable(L, NL_WFP_SESSION);
    lua_pushcclosure(L, fn, 2);
    lua_setfield(L, -2, name);
    lua_pushlstring(L, name, n - 1);
    lua_getfield(L, -2, name);
    lua_settable(L, -3);
}

void nlw_add_faithful_objects(lua_State *L)
{
    size_t k;
    int i;
    for (k = 0; k < ntsec_wfp_kind_count(); k++) {
        const ntsec_wfp_kind_info *row = ntsec_wfp_kind_row((ntsec_wfp_kind)k);
        for (i = 0; faithful_ops[i].suffix; i++)
            if (row->ops & faithful_ops[i].op) register_faithful(L, row, faithful_ops[i].suffix, faithful_ops[i].fn);
    }
}

/* ---- idiomatic session methods ---- */

/* s:add_<name>{..., sd=} -> key, id|nil; sd: descriptor or SDDL string
** (a malformed string: nil, err with the parse error). */
static int m_add(lua_State *L)
{
    const ntsec_wfp_kind_info *row = nlw_up_row(L);
    ud_session *s = nlw_open_session(L, 1);
    ntsec_sd *sd = NULL;
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_settop(L, 2);
    if (lua_getfield(L, 2, "sd") != LUA_TNIL && !(sd = nl_to_sd(L, 3, "sd"))) return nl_fail_top(L);
    return nlw_result(L, s, row, "Add0", do_add(L, s, row, 2, sd), 2);
}

static int m_get(lua_State *L)
{
    const ntsec_wfp_kind_info *row = nlw_up_row(L);
    ud_session *s = nlw_open_session(L, 1);
    int by_id = !(row->ops & NTSEC_WFP_OP_GET_BY_KEY);
    return nlw_result(L, s, row, by_id ? "GetById0" : "GetByKey0", do_get(L, s, row, 2, by_id), 1);
}

static int m_get_by_id(lua_State *L)
{
    const ntsec_wfp_kind_info *row = nlw_up_row(L);
    ud_session *s = nlw_open_session(L, 1);
    return nlw_result(L, s, row, "GetById0", do_get(L, s, row, 2, 1), 1);
}

static int m_delete(lua_State *L)
{
    const ntsec_wfp_kind_info *row = nlw_up_row(L);
    ud_session *s = nlw_open_session(L, 1);
    return nlw_result(L, s, row, "DeleteByKey0", do_delete(L, s, row, 2, 0), 0);
}

static int m_delete_by_id(lua_State *L)
{
    const ntsec_wfp_kind_info *row = nlw_up_row(L);
    ud_session *s = nlw_open_session(L, 1);
    return nlw_result(L, s, row, "DeleteById0", do_delete(L, s, row, 2, 1), 0);
}

static int m_enum(lua_State *L) { return nlw_enum_iterate(L, nlw_up_row(L)->kind); }

/* Method name from fmt and the row's name or plural, then the closure. */
static void set_method(lua_State *L, const char *fmt, const char *word, lua_CFunction f,
                       const ntsec_wfp_kind_info *row)
{
    char name[64];
    snprintf(name, sizeof name, fmt, word);
    nlw_set_kind_fn(L, name, f, row);
}

void nlw_add_session_objects(lua_State *L)
{
    size_t k;
    for (k = 0; k < ntsec_wfp_kind_count(); k++) {
        const ntsec_wfp_kind_info *r = ntsec_wfp_kind_row((ntsec_wfp_kind)k);
        int keyed = (r->ops & NTSEC_WFP_OP_GET_BY_KEY) != 0;
        if (r->ops & NTSEC_WFP_OP_ADD) set_method(L, "add_%s", r->name, m_add, r);
        if (r->ops & NTSEC_WFP_OP_DELETE_BY_KEY) set_method(L, "delete_%s", r->name, m_delete, r);
        if (r->ops & NTSEC_WFP_OP_DELETE_BY_ID) set_method(L, "delete_%s_by_id", r->name, m_delete_by_id, r);
        if (keyed || (r->ops & NTSEC_WFP_OP_GET_BY_ID)) set_method(L, "get_%s", r->name, m_get, r);
        if (keyed && (r->ops & NTSEC_WFP_OP_GET_BY_ID)) set_method(L, "get_%s_by_id", r->name, m_get_by_id, r);
        if (r->ops & NTSEC_WFP_OP_ENUM) set_method(L, "enum_%s", r->plural, m_enum, r);
    }
}
