/*
** nl_values.c: strings wherever objects are accepted (docs/design.md
** "Strings for objects"): a SID string or alias, an ACL string
** "(A;;GA;;;SY)...", an SDDL descriptor, parsed with no domain context
** exactly as ntsec.sid, ntsec.acl and ntsec.sd parse them, with the same
** errors (for an ACL, the offset counts from the start of the given string).
*/
#include <string.h>

#include "nl.h"
#include "sddl.h"
#include "status.h"

/* 1 when the value at idx has the metatable named tname. */
static int has_mt(lua_State *L, int idx, const char *tname)
{
    return luaL_testudata(L, idx, tname) != NULL;
}

/* Parse the string at idx (prefixed by prefix, 0 or 2 bytes) as SDDL;
** pushes the SD userdata or the error object (op; offset into the string
** at idx). Returns the descriptor or NULL. */
static ntsec_sd *parse_sddl(lua_State *L, int idx, const char *prefix, const char *op)
{
    size_t len, plen = strlen(prefix), off = 0;
    const char *s = lua_tolstring(L, idx, &len);
    ntsec_sd *sd;
    NTSTATUS st;
    if (plen) {
        lua_pushstring(L, prefix);
        lua_pushvalue(L, idx);
        lua_concat(L, 2);
        s = lua_tolstring(L, -1, &len);
    }
    st = ntsec_sddl_parse(s, len, NULL, &sd, &off);
    if (plen) lua_pop(L, 1);
    if (st != STATUS_SUCCESS) {
        nl_fail_parse(L, op, st, off >= plen ? off - plen : 0);
        lua_remove(L, -2);   /* the nil */
        return NULL;
    }
    nl_push_sd(L, sd);
    return sd;
}

ntsec_sd *nl_to_sd(lua_State *L, int idx, const char *op)
{
    ntsec_sd *sd;
    idx = lua_absindex(L, idx);
    if (lua_type(L, idx) != LUA_TSTRING) return nl_check_sd(L, idx);
    if ((sd = parse_sddl(L, idx, "", op)) != NULL) lua_replace(L, idx);
    return sd;
}

const uint8_t *nl_to_acl(lua_State *L, int idx, int sacl, const char *op)
{
    ntsec_sd *sd;
    ntsec_sd_parts p;
    const uint8_t *acl;
    idx = lua_absindex(L, idx);
    if (lua_type(L, idx) != LUA_TSTRING) {
        if (!has_mt(L, idx, NL_ACL)) luaL_typeerror(L, idx, "ACL or ACL string");
        return nl_opt_acl(L, idx);
    }
    if ((sd = parse_sddl(L, idx, sacl ? "S:" : "D:", op)) == NULL) return NULL;
    ntsec_sd_get_parts(sd, &p);
    acl = sacl ? p.sacl : p.dacl;
    if (acl == NULL) {   /* "S:NO_ACCESS_CONTROL"-like forms: no ACL to give */
        lua_pop(L, 1);
        nl_fail_parse(L, op, STATUS_INVALID_ACL, 0);
        lua_remove(L, -2);
        return NULL;
    }
    nl_push_acl(L, acl, ntsec_acl_size(acl));
    lua_replace(L, idx);
    lua_pop(L, 1);   /* the descriptor */
    return nl_opt_acl(L, idx);
}

const uint8_t *nl_to_sid(lua_State *L, int idx, const char *op)
{
    uint8_t out[68];
    size_t len;
    const char *s;
    idx = lua_absindex(L, idx);
    if (lua_type(L, idx) != LUA_TSTRING) return nl_check_sid(L, idx, out);   /* userdata: no copy */
    s = lua_tolstring(L, idx, &len);
    if (ntsec_sid_from_string(s, len, NULL, out) != STATUS_SUCCESS) {
        nl_push_error(L, STATUS_INVALID_SID, NTSEC_CODE_NTSTATUS, op);
        return NULL;
    }
    nl_push_sid(L, out);
    lua_replace(L, idx);
    return ((nl_sid *)lua_touserdata(L, idx))->b;
}
