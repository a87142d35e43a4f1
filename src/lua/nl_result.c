/*
** nl_result.c: the one result helper of the binding (docs/design.md "Result
** convention"). Idiomatic functions end with nl_result_* or nl_fail_*:
** the value or true on success, nil plus the one error object on failure.
** The error object is built here from the core's status semantics
** (src/core/status.c: ntsec_code_describe); ntsec.errors.new uses the same
** builder, so there is one error type whichever layer creates it.
*/
#include <stdio.h>

#include "nl.h"
#include "status.h"

static const char *const KIND_NAMES[] = { "NTSTATUS", "WIN32", "HRESULT" };

void nl_push_code(lua_State *L, uint32_t code)
{
    lua_pushinteger(L, (lua_Integer)code);
}

static void set_code(lua_State *L, const char *k, uint32_t v)
{
    nl_push_code(L, v);
    lua_setfield(L, -2, k);
}

/* error.__tostring: "NAME (0x%08X): message", or the object's own `text`
** when its creator set one (the Lua helpers whose one-line messages callers
** print: ntsec.netsh, ntsec.principals). */
static int error_tostring(lua_State *L)
{
    char hex[11];
    lua_Integer code;
    luaL_checktype(L, 1, LUA_TTABLE);
    if (lua_getfield(L, 1, "text") == LUA_TSTRING) return 1;
    lua_pop(L, 1);
    lua_getfield(L, 1, "code");
    code = lua_tointeger(L, -1);
    snprintf(hex, sizeof hex, "0x%08X", (unsigned)(code & 0xFFFFFFFF));
    lua_getfield(L, 1, "name");
    lua_getfield(L, 1, "message");
    lua_pushfstring(L, "%s (%s): %s", luaL_optstring(L, -2, "?"), hex, luaL_optstring(L, -1, "?"));
    return 1;
}

/* error.__eq: two error objects are equal when their codes are. */
static int error_eq(lua_State *L)
{
    lua_getfield(L, 1, "code");
    lua_getfield(L, 2, "code");
    lua_pushboolean(L, lua_rawequal(L, -1, -2));
    return 1;
}

/* The error metatable, created on first use (also by nl_open_status). */
static void push_error_mt(lua_State *L)
{
    if (luaL_newmetatable(L, NL_ERROR)) {
        static const luaL_Reg meta[] = {{"__tostring", error_tostring}, {"__eq", error_eq}, {NULL, NULL}};
        luaL_setfuncs(L, meta, 0);
        nl_register_type(L, lua_gettop(L), "error");
    }
}

void nl_push_error(lua_State *L, uint32_t code, int kind, const char *op)
{
    ntsec_code_views v;
    ntsec_code_describe(code, (ntsec_code_kind)kind, &v);
    lua_createtable(L, 0, 9);
    set_code(L, "code", v.code);
    lua_pushstring(L, KIND_NAMES[v.kind - 1]);
    lua_setfield(L, -2, "kind");
    lua_pushstring(L, v.name);
    lua_setfield(L, -2, "name");
    lua_pushstring(L, v.message);
    lua_setfield(L, -2, "message");
    if (v.has_ntstatus) set_code(L, "ntstatus", v.ntstatus);
    if (v.has_win32) set_code(L, "win32", v.win32);
    set_code(L, "hresult", v.hresult);
    if (op) {
        lua_pushstring(L, op);
        lua_setfield(L, -2, "op");
    }
    push_error_mt(L);
    lua_setmetatable(L, -2);
}

int nl_fail_top(lua_State *L)
{
    lua_pushnil(L);
    lua_insert(L, -2);
    return 2;
}

int nl_fail_nt(lua_State *L, const char *op, NTSTATUS s)
{
    lua_pushnil(L);
    nl_push_error(L, s, NTSEC_CODE_NTSTATUS, op);
    return 2;
}

int nl_fail_user(lua_State *L, const char *op, uint32_t code)
{
    lua_pushnil(L);
    nl_push_error(L, code, NTSEC_CODE_USER, op);
    return 2;
}

int nl_fail_parse(lua_State *L, const char *op, NTSTATUS s, size_t offset)
{
    nl_fail_nt(L, op, s);
    lua_pushinteger(L, (lua_Integer)offset);
    lua_setfield(L, -2, "offset");
    return 2;
}

/* Common end of nl_result_nt / nl_result_user. */
static int finish(lua_State *L, int ok, int nvalues)
{
    if (!ok) {
        lua_pop(L, nvalues);
        return 0;
    }
    if (nvalues == 0) {
        lua_pushboolean(L, 1);
        return 1;
    }
    return nvalues;
}

int nl_result_nt(lua_State *L, const char *op, NTSTATUS s, int nvalues)
{
    int n = finish(L, NT_SUCCESS(s), nvalues);
    return n ? n : nl_fail_nt(L, op, s);
}

int nl_result_user(lua_State *L, const char *op, uint32_t code, int nvalues)
{
    int n = finish(L, code == 0, nvalues);
    return n ? n : nl_fail_user(L, op, code);
}

int nl_is_error(lua_State *L, int idx)
{
    int same = 0;
    if (lua_type(L, idx) == LUA_TTABLE && lua_getmetatable(L, idx)) {
        luaL_getmetatable(L, NL_ERROR);
        same = lua_rawequal(L, -1, -2);
        lua_pop(L, 2);
    }
    return same;
}

const char *nl_error_text(lua_State *L, int idx)
{
    lua_Integer offset;
    int has_offset;
    idx = lua_absindex(L, idx);
    has_offset = lua_getfield(L, idx, "offset") == LUA_TNUMBER;
    offset = lua_tointeger(L, -1);
    lua_pop(L, 1);
    luaL_tolstring(L, idx, NULL);
    if (!has_offset) return lua_tostring(L, -1);
    lua_pushfstring(L, "%s at offset %I", lua_tostring(L, -1), offset);
    lua_remove(L, -2);
    return lua_tostring(L, -1);
}
