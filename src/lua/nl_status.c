/*
** nl_status.c: the error catalogue in Lua (wfp_ks_errors.md 5.7).
**
** Puts every catalogue name on the module table as an integer constant
** (NTSTATUS names -> NTSTATUS value, FWP_E_* and RPC_E_* -> HRESULT, ERROR_* and
** RPC_S_* -> Win32) and a `_errors` table of plain functions that the pure
** Lua module ntsec.errors builds on. Also the fail-tuple helpers of nl.h.
**
** A bare number given to lookup()/name() without a kind is looked up as an
** NTSTATUS first, then as an HRESULT, then as a Win32 code (docs/errors.md).
*/
#include <stdio.h>
#include <string.h>

#include "nl.h"
#include "status.h"

static const char *const KIND_NAMES[] = { "NTSTATUS", "WIN32", "HRESULT", NULL };

/* A 32-bit code argument: 0..0xFFFFFFFF, or a negative int32 (the signed
** reading of the same bits). Raises otherwise. */
static uint32_t check_code(lua_State *L, int idx)
{
    lua_Integer v = luaL_checkinteger(L, idx);
    luaL_argcheck(L, v >= -(lua_Integer)0x80000000 && v <= (lua_Integer)0xFFFFFFFF, idx,
                  "code out of 32-bit range");
    return (uint32_t)(v & 0xFFFFFFFF);
}

/* Optional kind argument: nil/none -> 0 (any). */
static ntsec_code_kind opt_kind(lua_State *L, int idx)
{
    if (lua_isnoneornil(L, idx)) return (ntsec_code_kind)0;
    return (ntsec_code_kind)(luaL_checkoption(L, idx, NULL, KIND_NAMES) + 1);
}

/* Entry for the argument at idx: a name (string) or a number; NULL if none. */
static const ntsec_code_info *find_arg(lua_State *L, int idx, ntsec_code_kind kind)
{
    const ntsec_code_info *c;
    if (lua_type(L, idx) == LUA_TSTRING) {
        c = ntsec_code_by_name(lua_tostring(L, idx));
        return (c && kind && c->kind != kind) ? NULL : c;
    }
    return ntsec_code_find(kind, check_code(L, idx));
}

/* Next name of a ',' separated alias list: start and *len, or NULL at the
** end; advances *cursor. */
static const char *next_alias(const char **cursor, size_t *len)
{
    const char *p = *cursor, *comma;
    if (*p == '\0') return NULL;
    comma = strchr(p, ',');
    *len = comma ? (size_t)(comma - p) : strlen(p);
    *cursor = comma ? comma + 1 : p + *len;
    return p;
}

/* names = { primary, alias1, ... } */
static void push_names(lua_State *L, const ntsec_code_info *c)
{
    const char *cursor = c->aliases, *a;
    size_t len;
    lua_Integer i = 1;
    lua_createtable(L, 2, 0);
    lua_pushstring(L, c->name);
    lua_rawseti(L, -2, i++);
    while ((a = next_alias(&cursor, &len))) {
        lua_pushlstring(L, a, len);
        lua_rawseti(L, -2, i++);
    }
}

static void set_str(lua_State *L, const char *k, const char *v)
{
    lua_pushstring(L, v);
    lua_setfield(L, -2, k);
}

static void set_code(lua_State *L, const char *k, uint32_t v)
{
    nl_push_code(L, v);
    lua_setfield(L, -2, k);
}

/* The entry table of lookup()/list(). */
static void push_entry(lua_State *L, const ntsec_code_info *c)
{
    uint32_t w;
    lua_createtable(L, 0, 11);
    set_code(L, "value", c->value);
    set_str(L, "kind", KIND_NAMES[c->kind - 1]);
    set_str(L, "name", c->name);
    push_names(L, c);
    lua_setfield(L, -2, "names");
    set_code(L, "facility", ntsec_code_facility(c));
    set_str(L, "facility_name", ntsec_code_facility_name(c));
    set_str(L, "severity", ntsec_code_severity(c));
    set_str(L, "message", c->message);
    if (ntsec_code_win32(c, &w)) set_code(L, "win32", w);
    set_code(L, "hresult", ntsec_code_hresult(c));
}

/* _errors.lookup(code_or_name[, kind]) -> entry | nil */
static int l_lookup(lua_State *L)
{
    const ntsec_code_info *c = find_arg(L, 1, opt_kind(L, 2));
    if (c == NULL) { luaL_pushfail(L); return 1; }
    push_entry(L, c);
    return 1;
}

/* _errors.name(code[, kind]) -> primary name | nil */
static int l_name(lua_State *L)
{
    const ntsec_code_info *c = ntsec_code_find(opt_kind(L, 2), check_code(L, 1));
    if (c == NULL) luaL_pushfail(L); else lua_pushstring(L, c->name);
    return 1;
}

/* _errors.list() -> { entry, ... } sorted by (kind, value) */
static int l_list(lua_State *L)
{
    size_t i, n = ntsec_code_count();
    lua_createtable(L, (int)n, 0);
    for (i = 0; i < n; i++) {
        push_entry(L, ntsec_code_at(i));
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* _errors.nt_to_win32(ntstatus) -> RtlNtStatusToDosError result (5.1, 5.4) */
static int l_nt_to_win32(lua_State *L)
{
    nl_push_code(L, ntsec_nt_to_win32(check_code(L, 1)));
    return 1;
}

/* _errors.hresult_from_win32(w) -> HRESULT_FROM_WIN32(w) (5.1) */
static int l_hresult_from_win32(lua_State *L)
{
    nl_push_code(L, ntsec_hresult_from_win32(check_code(L, 1)));
    return 1;
}

/* _errors.hresult_from_nt(s) -> HRESULT_FROM_NT(s) = s | 0x10000000 (5.1) */
static int l_hresult_from_nt(lua_State *L)
{
    nl_push_code(L, ntsec_hresult_from_nt(check_code(L, 1)));
    return 1;
}

/* _errors.nt_to_hresult(s) -> the HRESULT view of an NTSTATUS (nt_hresult) */
static int l_nt_to_hresult(lua_State *L)
{
    nl_push_code(L, ntsec_nt_to_hresult(check_code(L, 1)));
    return 1;
}

/* _errors.from_hresult(hr) -> code, kind (ntsec_from_hresult) */
static int l_from_hresult(lua_State *L)
{
    uint32_t code;
    ntsec_code_kind k = ntsec_from_hresult(check_code(L, 1), &code);
    nl_push_code(L, code);
    lua_pushstring(L, KIND_NAMES[k - 1]);
    return 2;
}

/* Kind argument of new()/to_hresult(): a catalogue kind, "USER", or nil. */
static ntsec_code_kind opt_kind_user(lua_State *L, int idx)
{
    static const char *const names[] = { "NTSTATUS", "WIN32", "HRESULT", "USER", NULL };
    if (lua_isnoneornil(L, idx)) return (ntsec_code_kind)0;
    return (ntsec_code_kind)(luaL_checkoption(L, idx, NULL, names) + 1);
}

/* A code argument: a catalogue name (its value and kind) or an integer. */
static uint32_t resolve(lua_State *L, int idx, ntsec_code_kind *kind)
{
    const ntsec_code_info *c;
    if (lua_type(L, idx) != LUA_TSTRING) return check_code(L, idx);
    c = ntsec_code_by_name(lua_tostring(L, idx));
    if (c == NULL) luaL_argerror(L, idx, lua_pushfstring(L, "unknown code name '%s'", lua_tostring(L, idx)));
    *kind = c->kind;
    return c->value;
}

/* _errors.new(code_or_name[, op[, kind]]) -> the error object (nl_push_error) */
static int l_new(lua_State *L)
{
    ntsec_code_kind kind = opt_kind_user(L, 3);
    uint32_t v = resolve(L, 1, &kind);
    nl_push_error(L, v, kind, luaL_optstring(L, 2, NULL));
    return 1;
}

/* _errors.to_hresult(code_or_name[, kind]) -> the HRESULT view */
static int l_to_hresult(lua_State *L)
{
    ntsec_code_kind kind = opt_kind_user(L, 2);
    ntsec_code_views v;
    uint32_t code = resolve(L, 1, &kind);
    ntsec_code_describe(code, kind, &v);
    nl_push_code(L, v.hresult);
    return 1;
}

/* _errors.is_error(x) -> boolean */
static int l_is_error(lua_State *L)
{
    lua_pushboolean(L, nl_is_error(L, 1));
    return 1;
}

/* t[name] = value for the primary name and every alias of each entry. */
static void set_catalogue_consts(lua_State *L)
{
    size_t i, n = ntsec_code_count();
    for (i = 0; i < n; i++) {
        const ntsec_code_info *c = ntsec_code_at(i);
        const char *cursor = c->aliases, *a;
        size_t len;
        nl_push_code(L, c->value);
        lua_setfield(L, -2, c->name);
        while ((a = next_alias(&cursor, &len))) {
            lua_pushlstring(L, a, len);
            nl_push_code(L, c->value);
            lua_rawset(L, -3);
        }
    }
}

void nl_open_status(lua_State *L)
{
    static const luaL_Reg fns[] = {
        { "lookup", l_lookup },
        { "name", l_name },
        { "list", l_list },
        { "nt_to_win32", l_nt_to_win32 },
        { "hresult_from_win32", l_hresult_from_win32 },
        { "hresult_from_nt", l_hresult_from_nt },
        { "nt_to_hresult", l_nt_to_hresult },
        { "from_hresult", l_from_hresult },
        { "new", l_new },
        { "to_hresult", l_to_hresult },
        { "is_error", l_is_error },
        { NULL, NULL },
    };
    set_catalogue_consts(L);
    luaL_newlib(L, fns);
    lua_setfield(L, -2, "_errors");
}
