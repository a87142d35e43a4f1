/*
** nl_wfp_snapshot.c: many descriptor reads in one call, for the audit's
** before/after snapshots (issue 11: 71,000 objects per snapshot on a large
** dump: one C call per kind instead of a Lua call, a descriptor userdata
** and a bytes() call per object).
**
**   ntsec.core.wfp.security_bytes(session, kind, keys, si) -> codes, bytes
**     session: an open session (ntsec.wfp engine:open); kind: a keyed kind
**     name of the kind table ("callout", "filter", ...); keys: a list of
**     GUID strings; si: SECURITY_INFORMATION (integer).
**     codes[i]: what <api>GetSecurityInfoByKey0 returns for keys[i] (the
**     session's status space, as the faithful function); bytes[i]: the
**     self-relative descriptor bytes it returns, or false when it fails.
**     Each read goes through ntsec_wfp_get_security like the faithful
**     function, so an engine observer sees every one.
**     Raises for a closed session, an unknown or keyless kind, a key that is
**     not a GUID string.
** Source: the faithful GetSecurityInfoByKey0 (nl_wfp_object.c); docs/audit.md.
*/
#include <string.h>
#include "nl_wfp.h"
#include "wfp_security.h"

static const ntsec_wfp_kind_info *keyed_kind(lua_State *L, int idx)
{
    const char *name = luaL_checkstring(L, idx);
    size_t k;
    for (k = 0; k < ntsec_wfp_kind_count(); k++) {
        const ntsec_wfp_kind_info *row = ntsec_wfp_kind_row((ntsec_wfp_kind)k);
        if (strcmp(row->name, name) == 0 && (row->ops & NTSEC_WFP_OP_SECURITY_KEY)) return row;
    }
    luaL_error(L, "security_bytes: '%s' is no keyed kind of the kind table", name);
    return NULL;
}

static int f_security_bytes(lua_State *L)
{
    ud_session *s = nlw_open_session(L, 1);
    const ntsec_wfp_kind_info *row = keyed_kind(L, 2);
    uint32_t si;
    lua_Integer n, i;
    lua_State *prev;
    luaL_checktype(L, 3, LUA_TTABLE);
    si = nlw_check_u32(L, 4);
    n = luaL_len(L, 3);
    lua_createtable(L, (int)n, 0);   /* 5: codes */
    lua_createtable(L, (int)n, 0);   /* 6: bytes */
    prev = s->eu->cur_L;
    for (i = 1; i <= n; i++) {
        ntsec_guid g;
        ntsec_sd *sd = NULL;
        NTSTATUS st;
        int have;
        lua_rawgeti(L, 3, i);
        have = nlw_check_key(L, lua_gettop(L), &g);
        lua_pop(L, 1);
        s->eu->cur_L = L;   /* the engine's observer may run */
        st = ntsec_wfp_get_security(s->e, s->h, row->kind, have ? &g : NULL, si, &sd);
        s->eu->cur_L = prev;
        nl_push_code(L, nlw_code(s, st));
        lua_rawseti(L, 5, i);
        if (NT_SUCCESS(st) && sd) {
            lua_pushlstring(L, (const char *)sd->bytes, sd->len);
            ntsec_sd_unref(sd);
        } else {
            if (sd) ntsec_sd_unref(sd);
            lua_pushboolean(L, 0);
        }
        lua_rawseti(L, 6, i);
    }
    return 2;
}

void nlw_add_snapshot(lua_State *L)
{
    lua_pushcfunction(L, f_security_bytes);
    lua_setfield(L, -2, "security_bytes");
}
