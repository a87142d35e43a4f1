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

/* The facility names of status.tsv, by kind and facility number. */
typedef struct facility_name { ntsec_code_kind kind; uint32_t number; const char *name; } facility_name;

static const facility_name FACILITIES[] = {
    { NTSEC_CODE_NTSTATUS, 0x0, "NULL" },
    { NTSEC_CODE_NTSTATUS, 0x2, "RPC_RUNTIME" },
    { NTSEC_CODE_NTSTATUS, 0x3, "RPC_STUBS" },
    { NTSEC_CODE_NTSTATUS, 0x7, "NTWIN32" },
    { NTSEC_CODE_NTSTATUS, 0x22, "FWP_ERROR_CODE" },
    { NTSEC_CODE_HRESULT, 0x0, "NULL" },
    { NTSEC_CODE_HRESULT, 0x1, "RPC" },
    { NTSEC_CODE_HRESULT, 0x7, "WIN32" },
    { NTSEC_CODE_HRESULT, 0x32, "FWP" },
};

void nl_push_code(lua_State *L, uint32_t code)
{
    lua_pushinteger(L, (lua_Integer)code);
}

int nl_fail(lua_State *L, const char *op, NTSTATUS s)
{
    const ntsec_code_info *c = ntsec_code_lookup(NTSEC_CODE_NTSTATUS, s);
    char hex[12];
    /* lua_pushfstring has no %X: format the value first */
    snprintf(hex, sizeof hex, "0x%08X", (unsigned)s);
    lua_pushnil(L);
    lua_pushfstring(L, "%s: %s (%s): %s", op, c ? c->name : "UNKNOWN_STATUS", hex,
                    c ? c->message : "no catalogue entry for this status");
    nl_push_code(L, s);
    return 3;
}

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

/* Catalogue entry for a value: in kind, or (kind 0) NTSTATUS, HRESULT, WIN32. */
static const ntsec_code_info *find_value(ntsec_code_kind kind, uint32_t v)
{
    const ntsec_code_info *c;
    if (kind) return ntsec_code_lookup(kind, v);
    if ((c = ntsec_code_lookup(NTSEC_CODE_NTSTATUS, v))) return c;
    if ((c = ntsec_code_lookup(NTSEC_CODE_HRESULT, v))) return c;
    return ntsec_code_lookup(NTSEC_CODE_WIN32, v);
}

/* Entry for the argument at idx: a name (string) or a number; NULL if none. */
static const ntsec_code_info *find_arg(lua_State *L, int idx, ntsec_code_kind kind)
{
    const ntsec_code_info *c;
    if (lua_type(L, idx) == LUA_TSTRING) {
        c = ntsec_code_by_name(lua_tostring(L, idx));
        return (c && kind && c->kind != kind) ? NULL : c;
    }
    return find_value(kind, check_code(L, idx));
}

static uint32_t facility_of(const ntsec_code_info *c)
{
    if (c->kind == NTSEC_CODE_NTSTATUS) return (c->value >> 16) & 0xFFFu;
    if (c->kind == NTSEC_CODE_HRESULT) return (c->value >> 16) & 0x7FFu;
    return 7; /* Win32 codes live in FACILITY_WIN32 once wrapped */
}

static const char *facility_name_of(const ntsec_code_info *c)
{
    size_t i;
    uint32_t f = facility_of(c);
    if (c->kind == NTSEC_CODE_WIN32) return "WIN32";
    for (i = 0; i < sizeof FACILITIES / sizeof FACILITIES[0]; i++)
        if (FACILITIES[i].kind == c->kind && FACILITIES[i].number == f) return FACILITIES[i].name;
    return "UNKNOWN";
}

static const char *severity_of(const ntsec_code_info *c)
{
    static const char *const nt[] = { "SUCCESS", "INFORMATIONAL", "WARNING", "ERROR" };
    if (c->kind == NTSEC_CODE_NTSTATUS) return nt[c->value >> 30];
    if (c->kind == NTSEC_CODE_HRESULT) return (c->value & 0x80000000u) ? "ERROR" : "SUCCESS";
    return c->value == 0 ? "SUCCESS" : "ERROR";
}

/* HRESULT view of an NTSTATUS (docs/errors.md): success -> S_OK, a
** STATUS_FWP_* with an FWP_E_* twin -> the twin, else HRESULT_FROM_NT. */
static uint32_t nt_hresult(NTSTATUS s)
{
    uint32_t w = ntsec_nt_to_win32(s);
    if (s == 0) return 0;
    if ((s & 0xFFFF0000u) == 0xC0220000u && (w & 0xFFFF0000u) == 0x80320000u) return w;
    return ntsec_hresult_from_nt(s);
}

/* Push entry.win32 (the user-mode DWORD a caller would see) or nothing. */
static int push_win32(lua_State *L, const ntsec_code_info *c)
{
    uint32_t v = c->value;
    if (c->kind == NTSEC_CODE_NTSTATUS) v = ntsec_nt_to_win32(v);
    else if (c->kind == NTSEC_CODE_HRESULT) {
        if ((v & 0xFFFF0000u) == 0x80070000u) v &= 0xFFFFu;
        else if (v != 0 && (v & 0xFFFF0000u) != 0x80320000u) return 0;
    }
    nl_push_code(L, v);
    return 1;
}

static uint32_t hresult_of(const ntsec_code_info *c)
{
    if (c->kind == NTSEC_CODE_NTSTATUS) return nt_hresult(c->value);
    if (c->kind == NTSEC_CODE_WIN32) return ntsec_hresult_from_win32(c->value);
    return c->value;
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
    lua_createtable(L, 0, 11);
    set_code(L, "value", c->value);
    set_str(L, "kind", KIND_NAMES[c->kind - 1]);
    set_str(L, "name", c->name);
    push_names(L, c);
    lua_setfield(L, -2, "names");
    set_code(L, "facility", facility_of(c));
    set_str(L, "facility_name", facility_name_of(c));
    set_str(L, "severity", severity_of(c));
    set_str(L, "message", c->message);
    if (push_win32(L, c)) lua_setfield(L, -2, "win32");
    set_code(L, "hresult", hresult_of(c));
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
    const ntsec_code_info *c = find_value(opt_kind(L, 2), check_code(L, 1));
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
    nl_push_code(L, nt_hresult(check_code(L, 1)));
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
        { NULL, NULL },
    };
    set_catalogue_consts(L);
    luaL_newlib(L, fns);
    lua_setfield(L, -2, "_errors");
}
