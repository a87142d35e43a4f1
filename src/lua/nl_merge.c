/*
** nl_merge.c: the set-security merge and creation-time inheritance from Lua
** (sd_semantics.md 4; merge.h). The idiomatic wrappers are in
** lua/ntsec/merge.lua.
*/
#include <string.h>

#include "nl.h"
#include "merge.h"
#include "status.h"

/* Optional mapping argument: nil -> *out = NULL, else read into m. */
static void aux_mapping_opt(lua_State *L, int idx, ntsec_generic_mapping *m, const ntsec_generic_mapping **out)
{
    *out = NULL;
    if (lua_isnoneornil(L, idx)) return;
    nl_check_mapping(L, idx, m);
    *out = m;
}

/* ntsec.core.set_security(old, si, mod, sef[, mapping[, token[, parent[,
** is_container]]]]) -> sd | nil, msg, code (RtlSetSecurityObjectEx;
** merge.h ntsec_set_security_ex: with a parent the inherited ACEs are
** recomputed from it). */
static int m_set_security(lua_State *L)
{
    ntsec_sd *old = nl_opt_sd(L, 1), *mod = nl_opt_sd(L, 3), *parent = nl_opt_sd(L, 7), *out = NULL;
    SECURITY_INFORMATION si = (SECURITY_INFORMATION)luaL_checkinteger(L, 2);
    uint32_t sef = (uint32_t)luaL_optinteger(L, 4, 0);
    ntsec_generic_mapping mb;
    const ntsec_generic_mapping *map;
    const ntsec_token *t = lua_isnoneornil(L, 6) ? NULL : nl_check_token(L, 6);
    ntsec_sd_parts parts;
    NTSTATUS st;
    aux_mapping_opt(L, 5, &mb, &map);
    if (mod) ntsec_sd_get_parts(mod, &parts);
    st = ntsec_set_security_ex(old, si, mod ? &parts : NULL, sef, map, t, parent, lua_toboolean(L, 8), &out);
    if (st != STATUS_SUCCESS) return nl_fail_nt(L, "set_security", st);
    nl_push_sd(L, out);
    return 1;
}

/* object_types = { "guid", ... } into at most 64 GUIDs. */
static size_t aux_guids(lua_State *L, int idx, ntsec_guid *g, size_t cap)
{
    lua_Integer i, n = luaL_len(L, idx);
    if ((size_t)n > cap) luaL_error(L, "object_types: at most %d", (int)cap);
    for (i = 1; i <= n; i++) {
        lua_geti(L, idx, i);
        memset(&g[i - 1], 0, sizeof g[i - 1]);
        nl_opt_guid(L, lua_gettop(L), &g[i - 1]);
        lua_pop(L, 1);
    }
    return (size_t)n;
}

typedef struct aux_new {
    ntsec_new_security_opts o;
    uint8_t owner[68], group[68];
    ntsec_guid types[64];
} aux_new;

/* {sef=, token=, default_owner=, default_group=, object_types=} at idx. */
static void aux_new_opts(lua_State *L, int idx, aux_new *a)
{
    memset(&a->o, 0, sizeof a->o);
    a->o.sef = SEF_DACL_AUTO_INHERIT | SEF_SACL_AUTO_INHERIT;
    if (lua_isnoneornil(L, idx)) return;
    luaL_checktype(L, idx, LUA_TTABLE);
    if (lua_getfield(L, idx, "sef") != LUA_TNIL) a->o.sef = (uint32_t)luaL_checkinteger(L, -1);
    if (lua_getfield(L, idx, "token") != LUA_TNIL) a->o.token = nl_check_token(L, lua_gettop(L));
    if (lua_getfield(L, idx, "default_owner") != LUA_TNIL)
        a->o.default_owner = memcpy(a->owner, nl_check_sid(L, lua_gettop(L), a->owner), 68);
    if (lua_getfield(L, idx, "default_group") != LUA_TNIL)
        a->o.default_group = memcpy(a->group, nl_check_sid(L, lua_gettop(L), a->group), 68);
    if (lua_getfield(L, idx, "object_types") != LUA_TNIL) {
        a->o.object_type_count = aux_guids(L, lua_gettop(L), a->types, 64);
        a->o.object_types = a->types;
    }
    lua_pop(L, 5);
}

/* ntsec.core.new_security(parent, creator, is_container[, opts[, mapping]])
** -> sd | nil, msg, code (RtlNewSecurityObjectEx; ntsec_new_security_ex).
** The token (opts.token) must stay alive during the call only. */
static int m_new_security(lua_State *L)
{
    ntsec_sd *parent = nl_opt_sd(L, 1), *creator = nl_opt_sd(L, 2), *out = NULL;
    int container = lua_toboolean(L, 3);
    aux_new *a;
    ntsec_generic_mapping mb;
    const ntsec_generic_mapping *map;
    NTSTATUS st;
    lua_settop(L, 5);
    a = lua_newuserdatauv(L, sizeof *a, 0);     /* scratch, too big for the C stack */
    aux_new_opts(L, 4, a);
    aux_mapping_opt(L, 5, &mb, &map);
    st = ntsec_new_security_ex(parent, creator, container, &a->o, map, &out);
    if (st != STATUS_SUCCESS) return nl_fail_nt(L, "new_security", st);
    nl_push_sd(L, out);
    return 1;
}

void nl_open_merge(lua_State *L)
{
    static const luaL_Reg funcs[] = {{"set_security", m_set_security}, {"new_security", m_new_security},
                                     {NULL, NULL}};
    static const nl_const consts[] = {
        {"SEF_MACL_NO_WRITE_UP", SEF_MACL_NO_WRITE_UP}, {"SEF_MACL_NO_READ_UP", SEF_MACL_NO_READ_UP},
        {"SEF_MACL_NO_EXECUTE_UP", SEF_MACL_NO_EXECUTE_UP}, {NULL, 0}};
    luaL_setfuncs(L, funcs, 0);
    nl_set_consts(L, consts);
}
