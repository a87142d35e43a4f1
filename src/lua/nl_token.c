/*
** nl_token.c: the access-token value type ("ntsec.token") and the access
** check (sd_semantics.md 3). The idiomatic constructor ntsec.token{...}
** lives in lua/ntsec/init.lua; this is the faithful part.
*/
#include <string.h>

#include "nl.h"
#include "access.h"
#include "status.h"

/* The token userdata at idx; raises for any other value. */
static nl_token *check_token_ud(lua_State *L, int idx)
{
    nl_token *u = nl_token_at(L, idx);
    if (!u) luaL_typeerror(L, idx, NL_TOKEN);
    return u;
}

ntsec_token *nl_check_token(lua_State *L, int idx)
{
    return check_token_ud(L, idx)->t;
}

/* Read {sid, attributes} pairs from the array at idx into the token. */
static void add_groups(lua_State *L, int idx, ntsec_token *t)
{
    lua_Integer i, n = luaL_len(L, idx);
    for (i = 1; i <= n; i++) {
        uint8_t scratch[68];
        const uint8_t *sid;
        uint32_t attrs;
        lua_geti(L, idx, i);
        luaL_checktype(L, -1, LUA_TTABLE);
        lua_geti(L, -1, 1);
        sid = nl_check_sid(L, lua_gettop(L), scratch);
        lua_geti(L, -2, 2);
        attrs = (uint32_t)luaL_checkinteger(L, -1);
        if (ntsec_token_add_group(t, sid, attrs) != STATUS_SUCCESS)
            luaL_error(L, "token: cannot add group %d", (int)i);
        lua_pop(L, 3);
    }
}

/* Read {luid, attributes} pairs from the array at idx into the token. */
static void add_privileges(lua_State *L, int idx, ntsec_token *t)
{
    lua_Integer i, n = luaL_len(L, idx);
    for (i = 1; i <= n; i++) {
        lua_geti(L, idx, i);
        luaL_checktype(L, -1, LUA_TTABLE);
        lua_geti(L, -1, 1);
        lua_geti(L, -2, 2);
        if (ntsec_token_add_privilege(t, (uint32_t)luaL_checkinteger(L, -2),
                                      (uint32_t)luaL_checkinteger(L, -1)) != STATUS_SUCCESS)
            luaL_error(L, "token: cannot add privilege %d", (int)i);
        lua_pop(L, 3);
    }
}

/* ntsec.core.token(user, user_attributes, groups, privileges) -> token.
** groups: array of {sid, SE_GROUP_* attributes}; privileges: array of
** {luid, SE_PRIVILEGE_* attributes}. Raises on malformed arguments. */
static int m_token(lua_State *L)
{
    uint8_t scratch[68];
    const uint8_t *user = nl_check_sid(L, 1, scratch);
    uint32_t uattrs = (uint32_t)luaL_optinteger(L, 2, 0);
    nl_token *u;
    luaL_checktype(L, 3, LUA_TTABLE);
    luaL_checktype(L, 4, LUA_TTABLE);
    u = (nl_token *)lua_newuserdatauv(L, sizeof(nl_token), 0);
    u->tag = NL_TOKEN_TAG;
    u->t = NULL;  /* consistent before the metatable (and __gc) is set */
    u->appcontainer = 0;
    luaL_setmetatable(L, NL_TOKEN);
    u->t = ntsec_token_new(user, uattrs);
    if (!u->t) return luaL_error(L, "token: out of memory");
    add_groups(L, 3, u->t);
    add_privileges(L, 4, u->t);
    return 1;
}

/* token:user() -> sid */
static int token_user(lua_State *L)
{
    nl_push_sid(L, ntsec_token_user(nl_check_token(L, 1)));
    return 1;
}

/* token:groups() -> array of {sid=, attributes=} */
static int token_groups(lua_State *L)
{
    ntsec_token *t = nl_check_token(L, 1);
    size_t i, n = ntsec_token_group_count(t);
    lua_createtable(L, (int)n, 0);
    for (i = 0; i < n; i++) {
        uint32_t attrs;
        const uint8_t *sid = ntsec_token_group(t, i, &attrs);
        lua_createtable(L, 0, 2);
        nl_push_sid(L, sid);
        lua_setfield(L, -2, "sid");
        lua_pushinteger(L, attrs);
        lua_setfield(L, -2, "attributes");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* token:privileges() -> array of {luid=, name=, attributes=} */
static int token_privileges(lua_State *L)
{
    ntsec_token *t = nl_check_token(L, 1);
    size_t i, n = ntsec_token_privilege_count(t);
    lua_createtable(L, (int)n, 0);
    for (i = 0; i < n; i++) {
        uint32_t attrs, luid = ntsec_token_privilege(t, i, &attrs);
        const char *name = ntsec_privilege_name(luid);
        lua_createtable(L, 0, 3);
        lua_pushinteger(L, luid);
        lua_setfield(L, -2, "luid");
        if (name) {
            lua_pushstring(L, name);
            lua_setfield(L, -2, "name");
        }
        lua_pushinteger(L, attrs);
        lua_setfield(L, -2, "attributes");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

static int token_tostring(lua_State *L)
{
    ntsec_token *t = nl_check_token(L, 1);
    /* the SID text as a Lua string: ntsec_sid_format's output is not
    ** NUL-terminated, so it never goes to %s directly */
    const char *user = nl_push_sid_text(L, ntsec_token_user(t));
    lua_pushfstring(L, NL_TOKEN " (%s, %d groups, %d privileges)", user,
                    (int)ntsec_token_group_count(t), (int)ntsec_token_privilege_count(t));
    return 1;
}

static int token_gc(lua_State *L)
{
    nl_token *u = (nl_token *)luaL_checkudata(L, 1, NL_TOKEN);
    ntsec_token_free(u->t);
    u->t = NULL;
    return 0;
}

/* Mapping argument: "fwpm", "file", a {read=,write=,execute=,all=} table. */
void nl_check_mapping(lua_State *L, int idx, ntsec_generic_mapping *m)
{
    static const char *const names[] = {"fwpm", "file", NULL};
    if (lua_type(L, idx) == LUA_TSTRING) {
        *m = luaL_checkoption(L, idx, NULL, names) == 0 ? ntsec_fwpm_mapping : ntsec_file_mapping;
        return;
    }
    luaL_checktype(L, idx, LUA_TTABLE);
    lua_getfield(L, idx, "read");
    lua_getfield(L, idx, "write");
    lua_getfield(L, idx, "execute");
    lua_getfield(L, idx, "all");
    m->read = (ACCESS_MASK)luaL_checkinteger(L, -4);
    m->write = (ACCESS_MASK)luaL_checkinteger(L, -3);
    m->execute = (ACCESS_MASK)luaL_checkinteger(L, -2);
    m->all = (ACCESS_MASK)luaL_checkinteger(L, -1);
    lua_pop(L, 4);
}

/* ntsec.core.access_check(sd, token, desired, mapping) ->
**   call_status, granted, access_status, privileges_used
** (NtAccessCheck; desired must already be generic-free); sd may be SDDL:
** nil, err when it does not parse. */
static int m_access_check(lua_State *L)
{
    ntsec_sd *sd = nl_to_sd(L, 1, "access_check");
    ntsec_token *t = nl_check_token(L, 2);
    ACCESS_MASK desired = (ACCESS_MASK)luaL_checkinteger(L, 3);
    ntsec_generic_mapping m;
    ntsec_access_result r;
    NTSTATUS st;
    if (!sd) return nl_fail_top(L);
    nl_check_mapping(L, 4, &m);
    memset(&r, 0, sizeof r);
    st = ntsec_access_check(sd, t, desired, &m, NULL, &r);
    nl_push_code(L, st);
    lua_pushinteger(L, r.granted);
    nl_push_code(L, r.access_status);
    lua_pushinteger(L, r.privileges_used);
    return 4;
}

/* ntsec.core.map_generic(mask, mapping) -> mask */
static int m_map_generic(lua_State *L)
{
    ntsec_generic_mapping m;
    ACCESS_MASK mask = (ACCESS_MASK)luaL_checkinteger(L, 1);
    nl_check_mapping(L, 2, &m);
    lua_pushinteger(L, ntsec_map_generic(mask, &m));
    return 1;
}

/* ntsec.core.token_mark_appcontainer(token): records that the token has an
** AppContainer part (lua/ntsec/classify.lua attach), so that
** ntsec.access_check's C path hands it to the two-pass Lua check. */
static int m_token_mark_appcontainer(lua_State *L)
{
    check_token_ud(L, 1)->appcontainer = 1;
    return 0;
}

/* ntsec.core.token_copy_type(dst, src): gives dst src's token type and
** impersonation level (the second pass of an AppContainer check runs at the
** same entry point as the first: lua/ntsec/lowbox.lua). */
static int m_token_copy_type(lua_State *L)
{
    ntsec_token *dst = nl_check_token(L, 1), *src = nl_check_token(L, 2);
    NTSTATUS st = ntsec_token_set_type(dst, ntsec_token_type(src), ntsec_token_level(src));
    if (st != STATUS_SUCCESS) return luaL_error(L, "token_copy_type: %s", ntsec_status_name(st));
    return 0;
}

/* ntsec.core.privilege_luid(name) -> luid | nil */
static int m_privilege_luid(lua_State *L)
{
    uint32_t luid = ntsec_privilege_luid(luaL_checkstring(L, 1));
    if (!luid) return 0;
    lua_pushinteger(L, luid);
    return 1;
}

void nl_open_token(lua_State *L)
{
    static const luaL_Reg methods[] = {{"user", token_user}, {"groups", token_groups},
                                       {"privileges", token_privileges}, {NULL, NULL}};
    static const luaL_Reg meta[] = {{"__tostring", token_tostring}, {"__gc", token_gc}, {NULL, NULL}};
    static const luaL_Reg funcs[] = {{"token", m_token}, {"access_check", m_access_check},
                                     {"map_generic", m_map_generic},
                                     {"privilege_luid", m_privilege_luid},
                                     {"token_mark_appcontainer", m_token_mark_appcontainer},
                                     {"token_copy_type", m_token_copy_type}, {NULL, NULL}};
    luaL_newmetatable(L, NL_TOKEN);
    nl_register_type(L, -1, "token");
    luaL_setfuncs(L, meta, 0);
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
    luaL_setfuncs(L, funcs, 0);
}
