/*
** nl_access.c: the access check at a chosen entry point (sd_semantics.md
** 3.2-3.7; docs/access.md "Entry points"). The Windows-named functions
** (ntsec.AccessCheck, ntsec.NtAccessCheck, ...) and ntsec.access.check are
** built on it in lua/ntsec/access.lua.
*/
#include <string.h>

#include "nl.h"
#include "access.h"
#include "cond.h"
#include "status.h"

/* Scratch of one call: too big for the C stack, so a userdata. */
typedef struct entry_call {
    ntsec_access_opts o;
    uint8_t self[68];
    ntsec_object_type types[NTSEC_MAX_OBJECT_TYPES];
    ntsec_object_result results[NTSEC_MAX_OBJECT_TYPES];
} entry_call;

/* One {level=, guid=} entry of the object-type list at the top. */
static void read_object_type(lua_State *L, ntsec_object_type *t)
{
    int entry = lua_gettop(L);
    luaL_argexpected(L, lua_istable(L, entry), entry, "object type {level=, guid=}");
    lua_getfield(L, entry, "level");
    t->level = (uint16_t)luaL_checkinteger(L, -1);
    memset(&t->guid, 0, sizeof t->guid);
    lua_getfield(L, entry, "guid");
    nl_opt_guid(L, lua_gettop(L), &t->guid);
    lua_pop(L, 2);
}

/* opts.object_types: the list as given (the check validates it). */
static void read_object_types(lua_State *L, int idx, entry_call *c)
{
    lua_Integer i, n = luaL_len(L, idx);
    if (n > NTSEC_MAX_OBJECT_TYPES) luaL_error(L, "object_types: at most %d entries", NTSEC_MAX_OBJECT_TYPES);
    for (i = 0; i < n; i++) {
        lua_geti(L, idx, i + 1);
        read_object_type(L, &c->types[i]);
        lua_pop(L, 1);
    }
    c->o.object_types = c->types;
    c->o.object_type_count = (size_t)n;
    c->o.results = c->results;
}

/* {principal_self=, backup_intent=, object_types=} (checked in Lua). */
static void read_opts(lua_State *L, int idx, entry_call *c)
{
    if (lua_isnoneornil(L, idx)) return;
    luaL_checktype(L, idx, LUA_TTABLE);
    if (lua_getfield(L, idx, "principal_self") != LUA_TNIL) {
        memcpy(c->self, nl_check_sid(L, lua_gettop(L), c->self), sizeof c->self);
        c->o.principal_self = c->self;
    }
    if (lua_getfield(L, idx, "backup_intent") != LUA_TNIL && lua_toboolean(L, -1))
        c->o.flags |= NTSEC_ACCESS_BACKUP_INTENT;
    if (lua_getfield(L, idx, "object_types") != LUA_TNIL) read_object_types(L, lua_gettop(L), c);
    lua_pop(L, 3);
}

/* Two arrays in list order: every entry's GrantedAccess, then its
** AccessStatus (AccessCheckByTypeResultList's outputs). */
static void push_entries(lua_State *L, const entry_call *c)
{
    size_t i, n = c->o.object_type_count;
    lua_createtable(L, (int)n, 0);
    lua_createtable(L, (int)n, 0);
    for (i = 0; i < n; i++) {
        lua_pushinteger(L, c->results[i].granted);
        lua_rawseti(L, -3, (lua_Integer)i + 1);
        nl_push_code(L, c->results[i].status);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
}

/* ntsec.core.access_check_at(entry, sd|nil, token, desired, mapping[, opts])
** -> call_status, granted, access_status, privileges_used[, granted_list, status_list]
** entry: "default", "NtAccessCheck", "NtAccessCheckByType",
** "NtAccessCheckByTypeResultList" or "kernel"; desired as given (generic
** bits give STATUS_GENERIC_NOT_MAPPED); the two per-entry arrays only when
** the call succeeded with an object-type list. */
static int m_access_check_at(lua_State *L)
{
    ntsec_access_entry entry = ntsec_access_entry_by_name(luaL_checkstring(L, 1));
    ntsec_sd *sd = nl_opt_sd(L, 2);
    ntsec_token *t = nl_check_token(L, 3);
    ACCESS_MASK desired = (ACCESS_MASK)luaL_checkinteger(L, 4);
    ntsec_generic_mapping m;
    ntsec_access_result r;
    entry_call *c;
    NTSTATUS st;
    luaL_argcheck(L, entry != NTSEC_ENTRY_COUNT, 1, "unknown entry point");
    lua_settop(L, 6);
    nl_check_mapping(L, 5, &m);
    c = lua_newuserdatauv(L, sizeof *c, 0);
    memset(&c->o, 0, sizeof c->o);
    c->o.entry = entry;
    read_opts(L, 6, c);
    memset(&r, 0, sizeof r);
    st = ntsec_access_check(sd, t, desired, &m, &c->o, &r);
    nl_push_code(L, st);
    lua_pushinteger(L, r.granted);
    nl_push_code(L, r.access_status);
    lua_pushinteger(L, r.privileges_used);
    if (st != STATUS_SUCCESS || !c->o.object_types) return 4;
    push_entries(L, c);
    return 6;
}

/* ntsec.core.upcase(code_point) -> code point: the case folding of
** condition strings (ntsec_cond_upcase); outside the BMP unchanged. */
static int m_upcase(lua_State *L)
{
    lua_Integer u = luaL_checkinteger(L, 1);
    lua_pushinteger(L, (u >= 0 && u <= 0xFFFF) ? (lua_Integer)ntsec_cond_upcase((unsigned)u) : u);
    return 1;
}

void nl_open_access(lua_State *L)
{
    static const luaL_Reg funcs[] = {
        {"access_check_at", m_access_check_at}, {"upcase", m_upcase}, {NULL, NULL}};
    luaL_setfuncs(L, funcs, 0);
}
