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

/* ---- ntsec.access_check: the common call in one C function ---- */

/* Upvalue of the lean closures: the Lua implementation. */
enum { UP_FALLBACK = 1 };

/* Mapping at idx when it is absent, "file" or "fwpm" (1), else 0. */
static int named_mapping(lua_State *L, int idx, ntsec_generic_mapping *m)
{
    const char *name;
    if (lua_isnoneornil(L, idx)) {
        *m = ntsec_file_mapping;
        return 1;
    }
    if (lua_type(L, idx) != LUA_TSTRING) return 0;
    name = lua_tostring(L, idx);
    if (strcmp(name, "file") == 0) *m = ntsec_file_mapping;
    else if (strcmp(name, "fwpm") == 0) *m = ntsec_fwpm_mapping;
    else return 0;
    return 1;
}

/* The token the C path can check alone: a token object without an
** AppContainer part (the Lua path runs its two passes), else NULL. */
static const ntsec_token *plain_token(lua_State *L, int idx)
{
    nl_token *t = nl_token_at(L, idx);
    return t && !t->appcontainer ? t->t : NULL;
}

/* The check of (sd, token, desired[, mapping]) of n arguments when every
** argument is of the common kind (SD and token objects, an integer, no or
** a named mapping), the token has no AppContainer part and the call
** succeeds: 1 with *r filled. Pushes nothing. Each argument is read with
** as few API calls as possible: this is the per-call cost of the binding. */
static int lean_try(lua_State *L, int n, ntsec_access_result *r)
{
    nl_sd *s = nl_sd_at(L, 1);
    const ntsec_token *t = plain_token(L, 2);
    ntsec_generic_mapping m = ntsec_file_mapping;
    lua_Integer desired;
    int isint;
    if (!s || !s->sd || !t) return 0;
    desired = lua_tointegerx(L, 3, &isint);
    if (!isint || (n == 4 && !named_mapping(L, 4, &m))) return 0;
    return ntsec_access_check(s->sd, t, ntsec_map_generic((ACCESS_MASK)desired, &m), &m, NULL, r)
        == STATUS_SUCCESS;
}

/* The closure ntsec.access_check is: lean_try, else the Lua function (its
** upvalue) with the same arguments, which handles SDDL text, mapping
** tables, AppContainer tokens, failures and argument errors. */
static int lean_access_check(lua_State *L)
{
    ntsec_access_result r;
    int n = lua_gettop(L);
    if (n >= 3 && n <= 4 && lean_try(L, n, &r)) {
        lua_pushinteger(L, r.granted);
        lua_pushinteger(L, (lua_Integer)r.access_status);   /* nl_push_code, inline */
        return 2;
    }
    lua_pushvalue(L, lua_upvalueindex(UP_FALLBACK));
    lua_insert(L, 1);
    lua_call(L, n, LUA_MULTRET);
    return lua_gettop(L);
}

/* One entry of a batch through the Lua function (upvalue): the item at
** item with arguments 2-4. 1 with granted and status pushed; 0 with nil,
** err pushed (err.index = i). */
static int many_fallback(lua_State *L, int item, lua_Integer i)
{
    lua_pushvalue(L, lua_upvalueindex(UP_FALLBACK));
    lua_pushvalue(L, item);
    lua_pushvalue(L, 2);
    lua_pushvalue(L, 3);
    lua_pushvalue(L, 4);
    lua_call(L, 4, 2);
    if (!lua_isnil(L, -2)) return 1;
    if (lua_istable(L, -1)) {
        lua_pushinteger(L, i);
        lua_setfield(L, -2, "index");
    }
    return 0;
}

/* Entries per chunk of a batch: their descriptors are collected first,
** then checked in one tight loop (no Lua API call between two checks keeps
** the check as fast as from C), then stored. */
#define MANY_CHUNK 64

/* One chunk of a batch, entries first .. first + n - 1 (t NULL: none
** qualifies for the C path). Returns 0 with nil, err pushed on a failure. */
static int many_chunk(lua_State *L, const ntsec_token *t, ACCESS_MASK want, const ntsec_generic_mapping *m,
                      lua_Integer first, int n)
{
    const ntsec_sd *sd[MANY_CHUNK];
    ntsec_access_result r[MANY_CHUNK];
    int j, done[MANY_CHUNK];
    for (j = 0; j < n; j++) {
        nl_sd *s;
        lua_rawgeti(L, 1, first + j);
        s = t ? nl_sd_at(L, -1) : NULL;
        lua_pop(L, 1);
        sd[j] = s ? s->sd : NULL;
    }
    for (j = 0; j < n; j++)
        done[j] = sd[j] && ntsec_access_check(sd[j], t, want, m, NULL, &r[j]) == STATUS_SUCCESS;
    for (j = 0; j < n; j++) {
        if (done[j]) {
            lua_pushinteger(L, r[j].granted);
            lua_pushinteger(L, (lua_Integer)r[j].access_status);   /* nl_push_code, inline */
        } else {
            lua_rawgeti(L, 1, first + j);
            if (!many_fallback(L, lua_gettop(L), first + j)) return 0;
            lua_remove(L, -3);
        }
        lua_rawseti(L, 6, first + j);
        lua_rawseti(L, 5, first + j);
    }
    return 1;
}

/* ntsec.access_check_many(sds, token, desired[, mapping]) -> granted_list,
** status_list | nil, err: lean_access_check over each sds[i]; entries
** that are not SD objects, an AppContainer token or a failed call go
** through the Lua function one by one. */
static int lean_access_check_many(lua_State *L)
{
    ntsec_generic_mapping m;
    const ntsec_token *t;
    lua_Integer i, n;
    ACCESS_MASK want;
    luaL_checktype(L, 1, LUA_TTABLE);
    want = (ACCESS_MASK)luaL_checkinteger(L, 3);
    lua_settop(L, 4);
    if (!named_mapping(L, 4, &m)) nl_check_mapping(L, 4, &m);
    t = plain_token(L, 2);
    want = ntsec_map_generic(want, &m);
    n = (lua_Integer)lua_rawlen(L, 1);
    lua_createtable(L, (int)n, 0);                 /* 5: granted */
    lua_createtable(L, (int)n, 0);                 /* 6: status */
    for (i = 1; i <= n; i += MANY_CHUNK) {
        int k = n - i + 1 < MANY_CHUNK ? (int)(n - i + 1) : MANY_CHUNK;
        if (!many_chunk(L, t, want, &m, i, k)) return 2;
    }
    return 2;
}

/* A lean closure f over the fallback at 1. */
static int make_lean(lua_State *L, lua_CFunction f)
{
    luaL_checktype(L, 1, LUA_TFUNCTION);
    lua_settop(L, 1);
    lua_pushcclosure(L, f, 1);
    return 1;
}

/* ntsec.core.lean_access_check(fallback) -> function: builds
** ntsec.access_check (lua/ntsec/init.lua) over the general Lua
** implementation, which it calls for everything but the common call. */
static int m_lean_access_check(lua_State *L)
{
    return make_lean(L, lean_access_check);
}

/* ntsec.core.lean_access_check_many(fallback) -> function:
** ntsec.access_check_many over the same fallback. */
static int m_lean_access_check_many(lua_State *L)
{
    return make_lean(L, lean_access_check_many);
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
        {"access_check_at", m_access_check_at}, {"upcase", m_upcase},
        {"lean_access_check", m_lean_access_check},
        {"lean_access_check_many", m_lean_access_check_many}, {NULL, NULL}};
    luaL_setfuncs(L, funcs, 0);
}
