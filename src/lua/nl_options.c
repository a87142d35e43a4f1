/*
** nl_options.c: strict option tables (docs/design.md "Option tables").
** An unknown key, a value of the wrong type or out of range raises, naming
** the key; nil means absent. Option readers call nl_check_keys once, then
** the typed field readers.
*/
#include <string.h>

#include "nl.h"

int nl_option_error(lua_State *L, const char *what, const char *k, const char *msg)
{
    return luaL_error(L, "%s: option '%s' %s", what, k, msg);
}

void nl_check_keys(lua_State *L, int t, const char *what, const char *const keys[])
{
    t = lua_absindex(L, t);
    luaL_checktype(L, t, LUA_TTABLE);
    lua_pushnil(L);
    while (lua_next(L, t)) {
        const char *const *k = keys;
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING)
            luaL_error(L, "%s: unexpected %s key in option table", what, luaL_typename(L, -1));
        for (; *k; k++)
            if (strcmp(*k, lua_tostring(L, -1)) == 0) break;
        if (*k == NULL) luaL_error(L, "%s: unknown option '%s'", what, lua_tostring(L, -1));
    }
}

/* "<type> expected, got <type>" for field k (value on top). */
static int type_error(lua_State *L, const char *what, const char *k, const char *want)
{
    const char *msg = lua_pushfstring(L, "(%s expected, got %s)", want, luaL_typename(L, -2));
    return nl_option_error(L, what, k, msg);
}

lua_Integer nl_field_int(lua_State *L, int t, const char *what, const char *k,
                         lua_Integer min, lua_Integer max, lua_Integer def)
{
    lua_Integer v;
    int isint;
    if (lua_getfield(L, t, k) == LUA_TNIL) {
        lua_pop(L, 1);
        return def;
    }
    if (lua_type(L, -1) != LUA_TNUMBER) type_error(L, what, k, "integer");
    v = lua_tointegerx(L, -1, &isint);
    if (!isint) nl_option_error(L, what, k, "must be an integer");
    if (v < min || v > max)
        nl_option_error(L, what, k, lua_pushfstring(L, "out of range (%I..%I)", min, max));
    lua_pop(L, 1);
    return v;
}

int nl_field_bool(lua_State *L, int t, const char *what, const char *k, int def)
{
    int v;
    if (lua_getfield(L, t, k) == LUA_TNIL) {
        lua_pop(L, 1);
        return def;
    }
    if (!lua_isboolean(L, -1)) type_error(L, what, k, "boolean");
    v = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return v;
}

const char *nl_field_str(lua_State *L, int t, const char *what, const char *k, size_t *len)
{
    const char *s = NULL;
    if (len) *len = 0;
    if (lua_getfield(L, t, k) != LUA_TNIL) {
        if (lua_type(L, -1) != LUA_TSTRING) type_error(L, what, k, "string");
        s = lua_tolstring(L, -1, len);
    }
    lua_pop(L, 1);   /* the string stays reachable from the table */
    return s;
}

int nl_field_typed(lua_State *L, int t, const char *what, const char *k, unsigned mask)
{
    int ty = lua_getfield(L, t, k);
    if (ty != LUA_TNIL && !(mask & (1u << ty))) {
        luaL_Buffer b;
        int i, first = 1;
        luaL_buffinit(L, &b);
        for (i = 0; i < LUA_NUMTYPES; i++) {
            if (!(mask & (1u << i))) continue;
            if (!first) luaL_addstring(&b, " or ");
            luaL_addstring(&b, lua_typename(L, i));
            first = 0;
        }
        luaL_pushresult(&b);
        type_error(L, what, k, lua_tostring(L, -1));
    }
    return ty;
}
