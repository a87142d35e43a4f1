/*
** nl_handle.c: the one handle header of the binding and the ntsec type set
** (docs/design.md "Shared binding core"; lua_conventions.md 7).
**
** Every handle userdata (WFP engine, session, enumerator, subscription; KS
** device, item, file, IRP) starts with an nl_handle: its class and the close
** function, NULL once closed. The shared __gc, __close, __tostring, close()
** and the check/open accessors live here, so a new handle kind writes only
** its close function and its methods.
**
** The type set (a registry table: metatable -> short kind) holds every
** ntsec metatable, values and handles alike; ntsec.type answers from it and
** from the handle's close pointer, never from tostring.
*/
#include "nl.h"

/* Registry keys (addresses; never written). */
static const char types_key = 0;     /* metatable -> kind string */
static const char handles_key = 0;   /* metatable -> true for handle kinds */

/* Push the registry table at key, creating it on first use. */
static void push_registry_table(lua_State *L, const void *key)
{
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, key) == LUA_TTABLE) return;
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, key);
}

void nl_register_type(lua_State *L, int mt_idx, const char *kind)
{
    mt_idx = lua_absindex(L, mt_idx);
    push_registry_table(L, &types_key);
    lua_pushvalue(L, mt_idx);
    lua_pushstring(L, kind);
    lua_rawset(L, -3);
    lua_pop(L, 1);
}

/* Push the kind of the value at idx ("sid", "session", ...) or nil; returns
** whether its metatable is a handle metatable. */
static int push_kind(lua_State *L, int idx)
{
    int is_handle;
    if (!lua_getmetatable(L, idx)) {
        lua_pushnil(L);
        return 0;
    }
    push_registry_table(L, &handles_key);
    lua_pushvalue(L, -2);
    is_handle = lua_rawget(L, -2) != LUA_TNIL;
    lua_pop(L, 2);
    push_registry_table(L, &types_key);
    lua_insert(L, -2);
    lua_rawget(L, -2);
    lua_remove(L, -2);
    return is_handle && lua_type(L, idx) == LUA_TUSERDATA;
}

nl_handle *nl_handle_test(lua_State *L, int idx)
{
    int is_handle = push_kind(L, idx);
    lua_pop(L, 1);
    return is_handle ? (nl_handle *)lua_touserdata(L, idx) : NULL;
}

int nl_type(lua_State *L)
{
    int is_handle;
    luaL_checkany(L, 1);
    is_handle = push_kind(L, 1);
    if (is_handle && ((nl_handle *)lua_touserdata(L, 1))->close == NULL)
        lua_pushfstring(L, "closed %s", lua_tostring(L, -1));
    return 1;
}

void *nl_handle_new(lua_State *L, size_t size, int nuv, const nl_handle_class *cls)
{
    nl_handle *h = (nl_handle *)lua_newuserdatauv(L, size, nuv);
    h->cls = cls;
    h->close = NULL;
    luaL_setmetatable(L, cls->tname);
    return h;
}

void *nl_handle_check(lua_State *L, int idx, const nl_handle_class *cls)
{
    nl_handle *h = (nl_handle *)luaL_checkudata(L, idx, cls->tname);
    return h;
}

void *nl_handle_open(lua_State *L, int idx, const nl_handle_class *cls)
{
    nl_handle *h = (nl_handle *)nl_handle_check(L, idx, cls);
    if (h->close == NULL) luaL_error(L, "attempt to use a closed %s", cls->kind);
    return h;
}

void nl_handle_close(lua_State *L, int idx)
{
    nl_handle *h = (nl_handle *)lua_touserdata(L, idx);
    nl_close_fn close = h ? h->close : NULL;
    if (close == NULL) return;
    h->close = NULL;   /* first, so a close function that re-enters sees it closed */
    close(L, h, lua_absindex(L, idx));
}

/* The handle at 1, of any ntsec handle kind; raises otherwise. */
static nl_handle *check_any(lua_State *L)
{
    nl_handle *h = nl_handle_test(L, 1);
    if (h == NULL) luaL_typeerror(L, 1, "ntsec handle");
    return h;
}

int nl_handle_close_method(lua_State *L)
{
    check_any(L);
    nl_handle_close(L, 1);
    lua_pushboolean(L, 1);
    return 1;
}

static int handle_gc(lua_State *L)
{
    if (nl_handle_test(L, 1)) nl_handle_close(L, 1);
    return 0;
}

/* "ntsec.<kind> (<describe or address>)" or "ntsec.<kind> (closed)" */
static int handle_tostring(lua_State *L)
{
    nl_handle *h = check_any(L);
    if (h->close == NULL) {
        lua_pushfstring(L, "%s (closed)", h->cls->tname);
    } else if (h->cls->describe) {
        h->cls->describe(L, h, 1);
        lua_pushfstring(L, "%s (%s)", h->cls->tname, lua_tostring(L, -1));
    } else {
        lua_pushfstring(L, "%s (%p)", h->cls->tname, (void *)h);
    }
    return 1;
}

int nl_handle_push_method(lua_State *L, int idx, const char *k)
{
    idx = lua_absindex(L, idx);
    if (luaL_getmetafield(L, idx, "methods") == LUA_TNIL) return 0;
    if (lua_getfield(L, -1, k) != LUA_TNIL) {
        lua_remove(L, -2);
        return 1;
    }
    lua_pop(L, 2);
    return 0;
}

void nl_handle_register(lua_State *L, const nl_handle_class *cls, const luaL_Reg *meta,
                        const luaL_Reg *methods, lua_CFunction index)
{
    static const luaL_Reg shared[] = {
        {"__gc", handle_gc}, {"__close", handle_gc}, {"__tostring", handle_tostring}, {NULL, NULL}};
    luaL_newmetatable(L, cls->tname);
    luaL_setfuncs(L, shared, 0);
    if (meta) luaL_setfuncs(L, meta, 0);
    lua_newtable(L);
    if (methods) luaL_setfuncs(L, methods, 0);
    lua_pushvalue(L, -1);
    lua_setfield(L, -3, "methods");
    if (index) {
        lua_pop(L, 1);
        lua_pushcfunction(L, index);
    }
    lua_setfield(L, -2, "__index");
    nl_register_type(L, -1, cls->kind);
    push_registry_table(L, &handles_key);
    lua_pushvalue(L, -2);
    lua_pushboolean(L, 1);
    lua_rawset(L, -3);
    lua_pop(L, 2);
}
