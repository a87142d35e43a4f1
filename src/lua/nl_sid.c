/*
** nl_sid.c: the SID value type ("ntsec.sid") and GUID argument helpers.
**
** A SID userdata is immutable and holds the binary SID inline; tostring
** gives the canonical numeric form (sd_semantics.md 1.1), :sddl() the alias
** form (2.7).
*/
#include <string.h>

#include "nl.h"
#include "guid.h"
#include "status.h"

/* Its address keys the SID metatable in the registry: a pointer lookup
** (lua_rawgetp) is cheaper than luaL_setmetatable/luaL_testudata's string
** key on the hot paths (SDDL contexts, SID results). Never written. */
static const char sid_mt_key = 0;

void nl_push_sid(lua_State *L, const uint8_t *sid)
{
    nl_sid *u = (nl_sid *)lua_newuserdatauv(L, sizeof(nl_sid), 0);
    memcpy(u->b, sid, ntsec_sid_len(sid));
    lua_rawgetp(L, LUA_REGISTRYINDEX, &sid_mt_key);
    lua_setmetatable(L, -2);
}

/* The SID userdata at idx, or NULL when idx holds something else. */
static nl_sid *test_sid_ud(lua_State *L, int idx)
{
    void *u = lua_touserdata(L, idx);
    int same;
    if (!u || !lua_getmetatable(L, idx)) return NULL;
    lua_rawgetp(L, LUA_REGISTRYINDEX, &sid_mt_key);
    same = lua_rawequal(L, -1, -2);
    lua_pop(L, 2);
    return same ? (nl_sid *)u : NULL;
}

/* Parse a SID string (alias or S-...) with no domain context; raises. */
static const uint8_t *sid_from_arg_string(lua_State *L, int idx, uint8_t scratch[68])
{
    size_t len;
    const char *s = lua_tolstring(L, idx, &len);
    NTSTATUS st = ntsec_sid_from_string(s, len, NULL, scratch);
    if (st != STATUS_SUCCESS) {   /* the parse error's text, as ntsec.sid reports it */
        nl_push_error(L, st, NTSEC_CODE_NTSTATUS, "sid");
        luaL_argerror(L, idx, lua_pushfstring(L, "invalid SID '%s': %s", s, nl_error_text(L, -1)));
    }
    return scratch;
}

const uint8_t *nl_check_sid(lua_State *L, int idx, uint8_t scratch[68])
{
    nl_sid *u = test_sid_ud(L, idx);
    if (u) return u->b;
    if (lua_type(L, idx) == LUA_TSTRING) return sid_from_arg_string(L, idx, scratch);
    luaL_typeerror(L, idx, "SID or SID string");
    return NULL;
}

const uint8_t *nl_opt_sid(lua_State *L, int idx, uint8_t scratch[68])
{
    return lua_isnoneornil(L, idx) ? NULL : nl_check_sid(L, idx, scratch);
}

void nl_opt_sid_ctx(lua_State *L, int idx, ntsec_sid_ctx *ctx, uint8_t store[3][68])
{
    static const char *const fields[3] = {"machine_sid", "domain_sid", "forest_sid"};
    const uint8_t *got[3] = {NULL, NULL, NULL};
    int i;
    memset(ctx, 0, sizeof *ctx);
    if (lua_isnoneornil(L, idx)) return;
    luaL_checktype(L, idx, LUA_TTABLE);
    for (i = 0; i < 3; i++) {
        if (lua_getfield(L, idx, fields[i]) != LUA_TNIL) got[i] = nl_check_sid(L, lua_gettop(L), store[i]);
        if (got[i] && got[i] != store[i]) memcpy(store[i], got[i], ntsec_sid_len(got[i]));
        lua_pop(L, 1);
    }
    ctx->machine_sid = got[0] ? store[0] : NULL;
    ctx->domain_sid = got[1] ? store[1] : NULL;
    ctx->forest_sid = got[2] ? store[2] : NULL;
}

/* Push a ntsec_buf's text and free it. */
static void push_buf(lua_State *L, ntsec_buf *b)
{
    lua_pushlstring(L, (const char *)b->data, b->len);
    ntsec_buf_free(b);
}

/* ntsec.core.sid(s[, ctx]) -> sid | nil, code */
static int m_sid(lua_State *L)
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    uint8_t store[3][68], out[68];
    ntsec_sid_ctx ctx;
    NTSTATUS st;
    nl_opt_sid_ctx(L, 2, &ctx, store);
    st = ntsec_sid_from_string(s, len, &ctx, out);
    if (st != STATUS_SUCCESS) return nl_fail_nt(L, "sid", st);
    nl_push_sid(L, out);
    return 1;
}

/* ntsec.core.sid_from_bytes(b) -> sid | nil, code */
static int m_sid_from_bytes(lua_State *L)
{
    size_t len;
    const char *b = luaL_checklstring(L, 1, &len);
    if (len > 68 || !ntsec_sid_valid((const uint8_t *)b, len) ||
        ntsec_sid_len((const uint8_t *)b) != len)
        return nl_fail_nt(L, "sid_from_bytes", STATUS_INVALID_SID);
    nl_push_sid(L, (const uint8_t *)b);
    return 1;
}

static nl_sid *check_sid_ud(lua_State *L, int idx) { return (nl_sid *)luaL_checkudata(L, idx, NL_SID); }

const char *nl_push_sid_text(lua_State *L, const uint8_t *sid)
{
    uint8_t text[200];   /* "S-1-" + 48-bit authority + 15 subauthorities fit */
    ntsec_buf b;
    ntsec_buf_init_on(&b, text, sizeof text);
    ntsec_sid_format(&b, sid);
    lua_pushlstring(L, b.data ? (const char *)b.data : "", b.len);
    ntsec_buf_free(&b);
    return lua_tostring(L, -1);
}

/* tostring(sid) and sid:string() -> "S-1-5-18" */
static int sid_tostring(lua_State *L)
{
    nl_push_sid_text(L, check_sid_ud(L, 1)->b);
    return 1;
}

/* sid:sddl([ctx]) -> alias or numeric form */
static int sid_sddl(lua_State *L)
{
    uint8_t store[3][68];
    ntsec_sid_ctx ctx;
    ntsec_buf b;
    nl_sid *u = check_sid_ud(L, 1);
    nl_opt_sid_ctx(L, 2, &ctx, store);
    ntsec_buf_init(&b);
    ntsec_sid_format_sddl(&b, u->b, &ctx);
    push_buf(L, &b);
    return 1;
}

/* sid:bytes() -> binary string */
static int sid_bytes(lua_State *L)
{
    nl_sid *u = check_sid_ud(L, 1);
    lua_pushlstring(L, (const char *)u->b, ntsec_sid_len(u->b));
    return 1;
}

/* sid == other (by value; a string operand is parsed) */
static int sid_eq(lua_State *L)
{
    uint8_t s1[68], s2[68];
    const uint8_t *a = nl_check_sid(L, 1, s1), *b = nl_check_sid(L, 2, s2);
    lua_pushboolean(L, ntsec_sid_equal(a, b));
    return 1;
}

int nl_opt_guid(lua_State *L, int idx, ntsec_guid *g)
{
    size_t len;
    const char *s;
    if (lua_isnoneornil(L, idx)) return 0;
    s = luaL_checklstring(L, idx, &len);
    if (!ntsec_guid_parse(s, len, g)) luaL_argerror(L, idx, lua_pushfstring(L, "invalid GUID '%s'", s));
    return !ntsec_guid_is_null(g);
}

void nl_push_guid(lua_State *L, const ntsec_guid *g)
{
    char text[39];               /* '{', 36 characters and NUL, '}': no format string per key */
    text[0] = '{';
    ntsec_guid_format(g, text + 1);
    text[37] = '}';
    lua_pushlstring(L, text, 38);
}

void nl_open_sid(lua_State *L)
{
    static const luaL_Reg methods[] = {
        {"string", sid_tostring}, {"sddl", sid_sddl}, {"bytes", sid_bytes}, {NULL, NULL}};
    static const luaL_Reg meta[] = {{"__tostring", sid_tostring}, {"__eq", sid_eq}, {NULL, NULL}};
    static const luaL_Reg funcs[] = {{"sid", m_sid}, {"sid_from_bytes", m_sid_from_bytes}, {NULL, NULL}};
    luaL_newmetatable(L, NL_SID);
    nl_register_type(L, -1, "sid");
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &sid_mt_key);
    luaL_setfuncs(L, meta, 0);
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
    luaL_setfuncs(L, funcs, 0);
}
