/*
** nl_explain.c: the access check with every option and its explanation
** (sd_semantics.md 3), and the token's optional parts (restricting SIDs,
** device groups, claims, integrity policy, type, defaults). The idiomatic
** ntsec.explain lives in lua/ntsec/explain.lua.
*/
#include <string.h>

#include "nl.h"
#include "access.h"
#include "cond.h"
#include "guid.h"
#include "sddl.h"
#include "status.h"

/* ---- options ---- */

typedef struct aux_opts {
    ntsec_access_opts o;
    uint8_t self[68];
    ntsec_object_type types[NTSEC_MAX_OBJECT_TYPES];
    ntsec_object_result results[NTSEC_MAX_OBJECT_TYPES];
} aux_opts;

static int aux_flag(lua_State *L, int idx, const char *name)
{
    int on;
    lua_getfield(L, idx, name);
    on = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return on;
}

/* object_types = { {level=, guid=}, ... } (or {level, guid}). */
static void aux_types(lua_State *L, int idx, aux_opts *a)
{
    lua_Integer i, n = luaL_len(L, idx);
    if (n < 1 || n > NTSEC_MAX_OBJECT_TYPES) luaL_error(L, "object_types: 1 to %d entries", NTSEC_MAX_OBJECT_TYPES);
    for (i = 1; i <= n; i++) {
        lua_geti(L, idx, i);
        luaL_checktype(L, -1, LUA_TTABLE);
        if (lua_getfield(L, -1, "level") == LUA_TNIL) { lua_pop(L, 1); lua_geti(L, -1, 1); }
        if (lua_getfield(L, -2, "guid") == LUA_TNIL) { lua_pop(L, 1); lua_geti(L, -2, 2); }
        a->types[i - 1].level = (uint16_t)luaL_checkinteger(L, -2);
        memset(&a->types[i - 1].guid, 0, sizeof a->types[i - 1].guid);
        nl_opt_guid(L, lua_gettop(L), &a->types[i - 1].guid);
        lua_pop(L, 3);
    }
    a->o.object_types = a->types;
    a->o.object_type_count = (size_t)n;
    a->o.results = a->results;
}

/* {principal_self=, backup_intent=, nt_api=, object_types=} or nil. */
static void aux_opts_read(lua_State *L, int idx, aux_opts *a)
{
    memset(&a->o, 0, sizeof a->o);
    if (lua_isnoneornil(L, idx)) return;
    luaL_checktype(L, idx, LUA_TTABLE);
    lua_getfield(L, idx, "principal_self");
    if (!lua_isnil(L, -1)) {
        memcpy(a->self, nl_check_sid(L, lua_gettop(L), a->self), 68);
        a->o.principal_self = a->self;
    }
    lua_pop(L, 1);
    if (aux_flag(L, idx, "backup_intent")) a->o.flags |= NTSEC_ACCESS_BACKUP_INTENT;
    if (aux_flag(L, idx, "nt_api")) a->o.flags |= NTSEC_ACCESS_NT_API;
    if (lua_getfield(L, idx, "object_types") != LUA_TNIL) aux_types(L, lua_gettop(L), a);
    lua_pop(L, 1);
}

/* Push {{granted=, status=}, ...} for the object-type nodes. */
static void aux_push_nodes(lua_State *L, const aux_opts *a)
{
    size_t i;
    lua_createtable(L, (int)a->o.object_type_count, 0);
    for (i = 0; i < a->o.object_type_count; i++) {
        lua_createtable(L, 0, 2);
        lua_pushinteger(L, a->results[i].granted);
        lua_setfield(L, -2, "granted");
        nl_push_code(L, a->results[i].status);
        lua_setfield(L, -2, "status");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
}

/* The arguments both entry points share: sd, token, desired (generic-free),
** mapping and the options table at 1..5; the options go into a scratch
** userdata (too big for the C stack) left on the stack at 6. */
typedef struct check_args {
    ntsec_sd *sd;
    ntsec_token *token;
    ACCESS_MASK desired;
    ntsec_generic_mapping mapping;
    aux_opts *a;
} check_args;

static void read_check_args(lua_State *L, check_args *c)
{
    c->sd = nl_check_sd(L, 1);
    c->token = nl_check_token(L, 2);
    c->desired = (ACCESS_MASK)luaL_checkinteger(L, 3);
    lua_settop(L, 5);
    c->a = lua_newuserdatauv(L, sizeof *c->a, 0);
    nl_check_mapping(L, 4, &c->mapping);
    aux_opts_read(L, 5, c->a);
}

/* ntsec.core.access_check_ex(sd, token, desired, mapping, opts) ->
**   call_status, granted, access_status, privileges_used[, nodes]
** (AccessCheckByTypeResultList with every option; desired generic-free). */
static int m_access_check_ex(lua_State *L)
{
    check_args c;
    ntsec_access_result r;
    NTSTATUS st;
    read_check_args(L, &c);
    memset(&r, 0, sizeof r);
    st = ntsec_access_check(c.sd, c.token, c.desired, &c.mapping, &c.a->o, &r);
    nl_push_code(L, st);
    lua_pushinteger(L, r.granted);
    nl_push_code(L, r.access_status);
    lua_pushinteger(L, r.privileges_used);
    if (!c.a->o.object_types) return 4;
    aux_push_nodes(L, c.a);
    return 5;
}

/* ---- explanation ---- */

/* SDDL text of one ACE ("(A;;FA;;;WD)"), or its hex when it cannot print. */
static void aux_push_ace(lua_State *L, const uint8_t *ace)
{
    static const ntsec_sid_ctx ctx;
    uint16_t size = ntsec_rd16(ace + 2);
    luaL_Buffer hex;
    ntsec_buf acl, text;
    ntsec_sd_parts p;
    ntsec_sd *sd = NULL;
    uint16_t i;
    ntsec_buf_init(&acl);
    ntsec_buf_init(&text);
    ntsec_buf_put_u16(&acl, ACL_REVISION_DS);
    ntsec_buf_put_u16(&acl, (uint16_t)(size + 8));
    ntsec_buf_put_u16(&acl, 1);
    ntsec_buf_put_u16(&acl, 0);
    ntsec_buf_put(&acl, ace, size);
    memset(&p, 0, sizeof p);
    p.control = SE_DACL_PRESENT;
    p.dacl = acl.data;
    if (!acl.oom && ntsec_sd_build(&p, &sd) == STATUS_SUCCESS
        && ntsec_sddl_format(sd, DACL_SECURITY_INFORMATION, &ctx, &text) == STATUS_SUCCESS && text.len > 2) {
        lua_pushlstring(L, (const char *)text.data + 2, text.len - 2);
    } else {
        luaL_buffinit(L, &hex);
        for (i = 0; i < size; i++) {
            char two[3];
            two[0] = "0123456789abcdef"[ace[i] >> 4];
            two[1] = "0123456789abcdef"[ace[i] & 15];
            luaL_addlstring(&hex, two, 2);
        }
        luaL_pushresult(&hex);
    }
    ntsec_sd_unref(sd);
    ntsec_buf_free(&acl);
    ntsec_buf_free(&text);
}

static void aux_set_int(lua_State *L, const char *name, lua_Integer v)
{
    lua_pushinteger(L, v);
    lua_setfield(L, -2, name);
}

static const char *aux_condition_name(int c)
{
    switch (c) {
    case NTSEC_COND_TRUE: return "true";
    case NTSEC_COND_FALSE: return "false";
    case NTSEC_COND_UNKNOWN: return "unknown";
    case NTSEC_COND_ERROR: return "error";
    default: return NULL;
    }
}


/* One trace event as a table. */
static void aux_push_event(lua_State *L, const ntsec_trace_event *e)
{
    const char *cond = aux_condition_name(e->condition);
    lua_createtable(L, 0, 12);
    lua_pushstring(L, ntsec_trace_kind_name(e->kind));
    lua_setfield(L, -2, "kind");
    lua_pushstring(L, ntsec_trace_reason_name(e->reason));
    lua_setfield(L, -2, "reason");
    aux_set_int(L, "pass", e->pass);
    aux_set_int(L, "mask", e->mask);
    aux_set_int(L, "granted", e->granted);
    aux_set_int(L, "denied", e->denied);
    aux_set_int(L, "remaining", e->remaining);
    if (cond) {
        lua_pushstring(L, cond);
        lua_setfield(L, -2, "condition");
    }
    if (e->node >= 0) aux_set_int(L, "node", e->node + 1);
    if (e->kind == NTSEC_TRACE_ACE) aux_set_int(L, "index", (lua_Integer)e->index + 1);
    if (e->kind == NTSEC_TRACE_INTEGRITY) aux_set_int(L, "policy", e->index);
    if (e->ace) {
        aux_push_ace(L, e->ace);
        lua_setfield(L, -2, "ace");
        aux_set_int(L, "ace_type", e->ace[0]);
        aux_set_int(L, "ace_flags", e->ace[1]);
    }
    if (e->sid) {
        nl_push_sid_text(L, e->sid);
        lua_setfield(L, -2, "sid");
    }
    if (e->kind == NTSEC_TRACE_PRIVILEGE) {
        aux_set_int(L, "luid", e->privilege);
        lua_pushstring(L, ntsec_privilege_name(e->privilege));
        lua_setfield(L, -2, "privilege");
    }
    if (e->kind == NTSEC_TRACE_PASS_END || e->kind == NTSEC_TRACE_RESULT) {
        nl_push_code(L, e->status);
        lua_setfield(L, -2, "status");
    }
}

/* ntsec.core.explain(sd, token, desired, mapping, opts) -> table
** {call_status=, status=, granted=, privileges_used=, steps={...}[, nodes]}
** | nil, msg, code (out of memory). */
static int m_explain(lua_State *L)
{
    check_args c;
    ntsec_explanation e;
    size_t i;
    read_check_args(L, &c);
    if (ntsec_explain(c.sd, c.token, c.desired, &c.mapping, &c.a->o, &e) != STATUS_SUCCESS)
        return nl_fail_nt(L, "explain", STATUS_NO_MEMORY);
    lua_createtable(L, 0, 6);
    nl_push_code(L, e.call_status);
    lua_setfield(L, -2, "call_status");
    nl_push_code(L, e.result.access_status);
    lua_setfield(L, -2, "status");
    aux_set_int(L, "granted", e.result.granted);
    aux_set_int(L, "privileges_used", e.result.privileges_used);
    lua_createtable(L, (int)e.count, 0);
    for (i = 0; i < e.count; i++) {
        aux_push_event(L, &e.events[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "steps");
    if (c.a->o.object_types && e.call_status == STATUS_SUCCESS) {
        aux_push_nodes(L, c.a);
        lua_setfield(L, -2, "nodes");
    }
    ntsec_explanation_free(&e);
    return 1;
}

/* ntsec.core.evaluate_condition(data, token[, sd[, for_deny]]) ->
** "true" | "false" | "unknown" | "error": a callback ACE's application
** data against the token and the descriptor's SACL (resource attributes). */
static int m_evaluate_condition(lua_State *L)
{
    size_t len;
    const uint8_t *data = (const uint8_t *)luaL_checklstring(L, 1, &len);
    ntsec_cond_env env;
    ntsec_sd *sd;
    ntsec_sd_parts p;
    memset(&env, 0, sizeof env);
    env.token = nl_check_token(L, 2);
    sd = nl_opt_sd(L, 3);
    env.for_deny = lua_toboolean(L, 4);
    if (sd) {
        ntsec_sd_get_parts(sd, &p);
        env.sacl = (p.control & SE_SACL_PRESENT) ? p.sacl : NULL;
    }
    lua_pushstring(L, aux_condition_name(ntsec_cond_evaluate(data, len, &env)));
    return 1;
}

void nl_open_explain(lua_State *L)
{
    static const luaL_Reg funcs[] = {
        {"access_check_ex", m_access_check_ex}, {"explain", m_explain},
        {"evaluate_condition", m_evaluate_condition}, {NULL, NULL}};
    static const nl_const consts[] = {
        {"NTSEC_ACCESS_BACKUP_INTENT", NTSEC_ACCESS_BACKUP_INTENT},
        {"NTSEC_ACCESS_NT_API", NTSEC_ACCESS_NT_API},
        {"NTSEC_USED_SECURITY", NTSEC_USED_SECURITY},
        {"NTSEC_USED_TAKE_OWNERSHIP", NTSEC_USED_TAKE_OWNERSHIP},
        {"NTSEC_USED_BACKUP", NTSEC_USED_BACKUP}, {"NTSEC_USED_RESTORE", NTSEC_USED_RESTORE},
        {"NTSEC_USED_RELABEL", NTSEC_USED_RELABEL},
        {"SYSTEM_MANDATORY_LABEL_NO_WRITE_UP", SYSTEM_MANDATORY_LABEL_NO_WRITE_UP},
        {"SYSTEM_MANDATORY_LABEL_NO_READ_UP", SYSTEM_MANDATORY_LABEL_NO_READ_UP},
        {"SYSTEM_MANDATORY_LABEL_NO_EXECUTE_UP", SYSTEM_MANDATORY_LABEL_NO_EXECUTE_UP},
        {NULL, 0}};
    luaL_setfuncs(L, funcs, 0);
    nl_set_consts(L, consts);
}
