/*
** nl_acl.c: the ACL value type ("ntsec.acl"), an immutable copy of the ACL
** bytes (sd_semantics.md 1.2-1.4). #acl is the ACE count and acl[i] decodes
** the i-th ACE into a table, so ipairs works.
*/
#include <string.h>

#include "nl.h"
#include "acl.h"
#include "guid.h"
#include "sddl.h"
#include "status.h"

void nl_push_acl(lua_State *L, const uint8_t *acl, size_t len)
{
    nl_acl *u = (nl_acl *)lua_newuserdatauv(L, sizeof(nl_acl) + len, 0);
    u->len = len;
    memcpy(u->b, acl, len);
    luaL_setmetatable(L, NL_ACL);
}

/* ACL userdata or string (sacl: the SACL form) at idx; raises otherwise. */
static const uint8_t *check_acl_arg(lua_State *L, int idx, int sacl)
{
    const uint8_t *acl;
    if (lua_isnoneornil(L, idx)) return NULL;
    if (lua_type(L, idx) != LUA_TSTRING) return ((nl_acl *)luaL_checkudata(L, idx, NL_ACL))->b;
    acl = nl_to_acl(L, idx, sacl, "acl");
    if (!acl) luaL_argerror(L, idx, nl_error_text(L, -1));
    return acl;
}

const uint8_t *nl_opt_acl(lua_State *L, int idx)
{
    return check_acl_arg(L, idx, 0);
}

const uint8_t *nl_opt_sacl(lua_State *L, int idx)
{
    return check_acl_arg(L, idx, 1);
}

static nl_acl *check_acl(lua_State *L, int idx) { return (nl_acl *)luaL_checkudata(L, idx, NL_ACL); }

/* ntsec.core.acl_from_bytes(b) -> acl | nil, msg, code */
static int m_acl_from_bytes(lua_State *L)
{
    size_t len;
    const uint8_t *b = (const uint8_t *)luaL_checklstring(L, 1, &len);
    if (len < 8 || !ntsec_acl_valid(b, len) || ntsec_acl_size(b) != len)
        return nl_fail_nt(L, "acl_from_bytes", STATUS_INVALID_ACL);
    nl_push_acl(L, b, len);
    return 1;
}

static void set_guid_field(lua_State *L, const char *name, const uint8_t *g)
{
    if (!g) return;
    nl_push_guid(L, (const ntsec_guid *)g);
    lua_setfield(L, -2, name);
}

/* Push the table form of a decoded ACE. */
static void push_ace(lua_State *L, const ntsec_ace *a)
{
    lua_createtable(L, 0, 8);
    lua_pushinteger(L, a->type);
    lua_setfield(L, -2, "type");
    lua_pushinteger(L, a->flags);
    lua_setfield(L, -2, "flags");
    lua_pushinteger(L, a->mask);
    lua_setfield(L, -2, "mask");
    if (a->sid) {
        nl_push_sid(L, a->sid);
        lua_setfield(L, -2, "sid");
    }
    set_guid_field(L, "object_type", a->object_type);
    set_guid_field(L, "inherited_object_type", a->inherited_object_type);
    if (a->data_len) {
        lua_pushlstring(L, (const char *)a->data, a->data_len);
        lua_setfield(L, -2, "data");
    }
}

/* acl[i] -> ACE table (1-based), or a method by name */
static int acl_index(lua_State *L)
{
    nl_acl *u = check_acl(L, 1);
    ntsec_acl_iter it;
    ntsec_ace a;
    lua_Integer i;
    if (!lua_isinteger(L, 2)) {
        luaL_getmetafield(L, 1, "methods");
        lua_pushvalue(L, 2);
        lua_gettable(L, -2);
        return 1;
    }
    i = lua_tointeger(L, 2);
    if (i < 1 || i > ntsec_acl_count(u->b)) return 0;
    ntsec_acl_iter_init(&it, u->b);
    while (ntsec_acl_next(&it, &a))
        if (--i == 0) {
            push_ace(L, &a);
            return 1;
        }
    return 0;
}

static int acl_len(lua_State *L)
{
    lua_pushinteger(L, ntsec_acl_count(check_acl(L, 1)->b));
    return 1;
}

static int acl_bytes(lua_State *L)
{
    nl_acl *u = check_acl(L, 1);
    lua_pushlstring(L, (const char *)u->b, u->len);
    return 1;
}

static int acl_revision(lua_State *L)
{
    lua_pushinteger(L, ntsec_acl_revision(check_acl(L, 1)->b));
    return 1;
}

static int acl_eq(lua_State *L)
{
    nl_acl *a = check_acl(L, 1), *b = check_acl(L, 2);
    lua_pushboolean(L, a->len == b->len && memcmp(a->b, b->b, a->len) == 0);
    return 1;
}

/* tostring(acl) / acl:sddl([ctx]): the ACE strings, e.g. "(A;;GA;;;SY)",
** formatted through a DACL-only descriptor with its "D:" prefix removed. */
static int acl_sddl(lua_State *L)
{
    nl_acl *u = check_acl(L, 1);
    uint8_t store[3][68];
    ntsec_sid_ctx ctx;
    ntsec_sd_parts parts = {SE_DACL_PRESENT, 0, NULL, NULL, NULL, u->b};
    ntsec_sd *sd;
    ntsec_buf b;
    NTSTATUS st;
    nl_opt_sid_ctx(L, 2, &ctx, store);
    if ((st = ntsec_sd_build(&parts, &sd)) != STATUS_SUCCESS) return nl_fail_nt(L, "acl:sddl", st);
    ntsec_buf_init(&b);
    st = ntsec_sddl_format(sd, DACL_SECURITY_INFORMATION, &ctx, &b);
    ntsec_sd_unref(sd);
    if (st != STATUS_SUCCESS || b.len < 2) {
        ntsec_buf_free(&b);
        return nl_fail_nt(L, "acl:sddl", st ? st : STATUS_INVALID_ACL);
    }
    lua_pushlstring(L, (const char *)b.data + 2, b.len - 2);
    ntsec_buf_free(&b);
    return 1;
}

void nl_open_acl(lua_State *L)
{
    static const luaL_Reg methods[] = {
        {"bytes", acl_bytes}, {"revision", acl_revision}, {"sddl", acl_sddl}, {NULL, NULL}};
    static const luaL_Reg meta[] = {{"__index", acl_index}, {"__len", acl_len},
                                    {"__eq", acl_eq}, {"__tostring", acl_sddl}, {NULL, NULL}};
    static const luaL_Reg funcs[] = {{"acl_from_bytes", m_acl_from_bytes}, {NULL, NULL}};
    luaL_newmetatable(L, NL_ACL);
    nl_register_type(L, -1, "acl");
    luaL_setfuncs(L, meta, 0);
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "methods");
    lua_pop(L, 1);
    luaL_setfuncs(L, funcs, 0);
}
