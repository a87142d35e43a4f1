/*
** nl_token_ext.c: the token's optional parts from Lua (sd_semantics.md 3.1;
** [MS-DTYP] 2.5.2): restricting SIDs, device groups, claims, mandatory
** policy, token type and impersonation level, and the defaults for new
** objects. Used by ntsec.token{...} in lua/ntsec/init.lua.
*/
#include <string.h>

#include "nl.h"
#include "status.h"

/* Raise unless st is STATUS_SUCCESS. */
static void aux_check(lua_State *L, NTSTATUS st, const char *what)
{
    if (st != STATUS_SUCCESS) luaL_error(L, "token: %s: %s", what, ntsec_status_name(st));
}

/* Read {sid, attributes} pairs of the array at idx through add(). */
static void aux_sid_list(lua_State *L, int idx, ntsec_token *t, const char *what,
                         NTSTATUS (*add)(ntsec_token *, const uint8_t *, uint32_t))
{
    lua_Integer i, n = luaL_len(L, idx);
    for (i = 1; i <= n; i++) {
        uint8_t scratch[68];
        const uint8_t *sid;
        lua_geti(L, idx, i);
        luaL_checktype(L, -1, LUA_TTABLE);
        lua_geti(L, -1, 1);
        sid = nl_check_sid(L, lua_gettop(L), scratch);
        lua_geti(L, -2, 2);
        aux_check(L, add(t, sid, (uint32_t)luaL_checkinteger(L, -1)), what);
        lua_pop(L, 3);
    }
}

/* The value at idx as a claim value of type; SID scratch in sid_store. */
static void aux_claim_value(lua_State *L, int idx, uint16_t type, ntsec_claim_value *v, uint8_t *sid_store)
{
    memset(v, 0, sizeof *v);
    switch (type) {
    case CLAIM_SECURITY_ATTRIBUTE_TYPE_INT64:
        v->i = (int64_t)luaL_checkinteger(L, idx);
        break;
    case CLAIM_SECURITY_ATTRIBUTE_TYPE_BOOLEAN:
        v->u = lua_isboolean(L, idx) ? (uint64_t)lua_toboolean(L, idx) : (uint64_t)luaL_checkinteger(L, idx);
        break;
    case CLAIM_SECURITY_ATTRIBUTE_TYPE_UINT64:
        v->u = (uint64_t)luaL_checkinteger(L, idx);
        break;
    case CLAIM_SECURITY_ATTRIBUTE_TYPE_SID:
        memcpy(sid_store, nl_check_sid(L, idx, sid_store), 68);
        v->p = sid_store;
        break;
    case CLAIM_SECURITY_ATTRIBUTE_TYPE_OCTET_STRING:
        v->p = (const uint8_t *)luaL_checklstring(L, idx, &v->len);
        break;
    default:
        v->s = luaL_checkstring(L, idx);
        break;
    }
}

/* One claim table {source=, name=, type=, flags=, values={...}} at idx. */
static void aux_claim(lua_State *L, int idx, ntsec_token *t)
{
    ntsec_claim_value *values;
    uint8_t *sids;
    lua_Integer i, n;
    int top = lua_gettop(L);
    lua_getfield(L, idx, "source");
    lua_getfield(L, idx, "name");
    lua_getfield(L, idx, "type");
    lua_getfield(L, idx, "flags");
    lua_getfield(L, idx, "values");
    luaL_checktype(L, top + 5, LUA_TTABLE);
    n = luaL_len(L, top + 5);
    luaL_checkstack(L, (int)n + 8, "too many claim values");
    values = lua_newuserdatauv(L, (size_t)(n ? n : 1) * sizeof *values, 0);
    sids = lua_newuserdatauv(L, (size_t)(n ? n : 1) * 68, 0);
    for (i = 1; i <= n; i++) {
        lua_geti(L, top + 5, i);          /* the value stays on the stack: strings are borrowed */
        aux_claim_value(L, lua_gettop(L), (uint16_t)luaL_checkinteger(L, top + 3), &values[i - 1],
                        sids + 68 * (i - 1));
    }
    aux_check(L, ntsec_token_add_claim(t, (ntsec_claim_source)luaL_checkinteger(L, top + 1),
                                       luaL_checkstring(L, top + 2), (uint16_t)luaL_checkinteger(L, top + 3),
                                       (uint32_t)luaL_optinteger(L, top + 4, 0), values, (size_t)n),
              "claim");
    lua_settop(L, top);
}

static void aux_claims(lua_State *L, int idx, ntsec_token *t)
{
    lua_Integer i, n = luaL_len(L, idx);
    for (i = 1; i <= n; i++) {
        lua_geti(L, idx, i);
        luaL_checktype(L, -1, LUA_TTABLE);
        aux_claim(L, lua_gettop(L), t);
        lua_pop(L, 1);
    }
}

/* A field of spec, pushed; returns its type. */
static int aux_field(lua_State *L, const char *name)
{
    return lua_getfield(L, 2, name);
}

static void aux_defaults(lua_State *L, ntsec_token *t)
{
    uint8_t scratch[68];
    if (aux_field(L, "owner") != LUA_TNIL)
        aux_check(L, ntsec_token_set_owner(t, nl_check_sid(L, lua_gettop(L), scratch)), "owner");
    if (aux_field(L, "primary_group") != LUA_TNIL)
        aux_check(L, ntsec_token_set_primary_group(t, nl_check_sid(L, lua_gettop(L), scratch)), "primary_group");
    if (aux_field(L, "default_dacl") != LUA_TNIL)
        aux_check(L, ntsec_token_set_default_dacl(t, nl_opt_acl(L, lua_gettop(L))), "default_dacl");
    lua_pop(L, 3);
}

static void aux_policy_and_type(lua_State *L, ntsec_token *t)
{
    if (aux_field(L, "mandatory_policy") != LUA_TNIL)
        ntsec_token_set_mandatory_policy(t, (uint32_t)luaL_checkinteger(L, -1));
    aux_field(L, "type");
    aux_field(L, "level");
    if (!lua_isnil(L, -2) || !lua_isnil(L, -1))
        aux_check(L, ntsec_token_set_type(t, (int)luaL_optinteger(L, -2, ntsec_token_type(t)),
                                          (int)luaL_optinteger(L, -1, ntsec_token_level(t))), "type");
    lua_pop(L, 3);
}

/* ntsec.core.token_configure(token, spec) -> token. spec fields (all
** optional): restricted_sids, device_groups = array of {sid, attributes};
** claims = array of {source = 0 local | 1 user | 2 device, name=, type=
** CLAIM_SECURITY_ATTRIBUTE_TYPE_*, flags=, values={...}}; mandatory_policy;
** type, level; owner, primary_group (SIDs); default_dacl (ACL). Raises on
** malformed input or a value the token rejects. */
static int m_token_configure(lua_State *L)
{
    ntsec_token *t = nl_check_token(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    if (aux_field(L, "restricted_sids") != LUA_TNIL)
        aux_sid_list(L, lua_gettop(L), t, "restricted_sids", ntsec_token_add_restricted_sid);
    if (aux_field(L, "device_groups") != LUA_TNIL)
        aux_sid_list(L, lua_gettop(L), t, "device_groups", ntsec_token_add_device_group);
    if (aux_field(L, "claims") != LUA_TNIL) aux_claims(L, lua_gettop(L), t);
    lua_pop(L, 3);
    aux_policy_and_type(L, t);
    aux_defaults(L, t);
    lua_settop(L, 1);
    return 1;
}

/* token:integrity() -> SID | nil; token:restricted() -> array of SIDs. */
static int m_token_integrity(lua_State *L)
{
    const uint8_t *il = ntsec_token_integrity_sid(nl_check_token(L, 1));
    if (!il) return 0;
    nl_push_sid(L, il);
    return 1;
}

static int m_token_restricted(lua_State *L)
{
    ntsec_token *t = nl_check_token(L, 1);
    size_t i, n = ntsec_token_restricted_count(t);
    lua_createtable(L, (int)n, 0);
    for (i = 0; i < n; i++) {
        nl_push_sid(L, ntsec_token_restricted_sid(t, i, NULL));
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

void nl_open_token_ext(lua_State *L)
{
    static const luaL_Reg funcs[] = {{"token_configure", m_token_configure},
                                     {"token_integrity", m_token_integrity},
                                     {"token_restricted_sids", m_token_restricted}, {NULL, NULL}};
    static const nl_const consts[] = {
        {"TOKEN_MANDATORY_POLICY_OFF", TOKEN_MANDATORY_POLICY_OFF},
        {"TOKEN_MANDATORY_POLICY_NO_WRITE_UP", TOKEN_MANDATORY_POLICY_NO_WRITE_UP},
        {"TOKEN_MANDATORY_POLICY_NEW_PROCESS_MIN", TOKEN_MANDATORY_POLICY_NEW_PROCESS_MIN},
        {"TokenPrimary", NTSEC_TOKEN_PRIMARY}, {"TokenImpersonation", NTSEC_TOKEN_IMPERSONATION},
        {"SecurityAnonymous", SECURITY_ANONYMOUS}, {"SecurityIdentification", SECURITY_IDENTIFICATION},
        {"SecurityImpersonation", SECURITY_IMPERSONATION}, {"SecurityDelegation", SECURITY_DELEGATION},
        {"CLAIM_SECURITY_ATTRIBUTE_TYPE_INT64", CLAIM_SECURITY_ATTRIBUTE_TYPE_INT64},
        {"CLAIM_SECURITY_ATTRIBUTE_TYPE_UINT64", CLAIM_SECURITY_ATTRIBUTE_TYPE_UINT64},
        {"CLAIM_SECURITY_ATTRIBUTE_TYPE_STRING", CLAIM_SECURITY_ATTRIBUTE_TYPE_STRING},
        {"CLAIM_SECURITY_ATTRIBUTE_TYPE_SID", CLAIM_SECURITY_ATTRIBUTE_TYPE_SID},
        {"CLAIM_SECURITY_ATTRIBUTE_TYPE_BOOLEAN", CLAIM_SECURITY_ATTRIBUTE_TYPE_BOOLEAN},
        {"CLAIM_SECURITY_ATTRIBUTE_TYPE_OCTET_STRING", CLAIM_SECURITY_ATTRIBUTE_TYPE_OCTET_STRING},
        {"CLAIM_SECURITY_ATTRIBUTE_VALUE_CASE_SENSITIVE", CLAIM_SECURITY_ATTRIBUTE_VALUE_CASE_SENSITIVE},
        {NULL, 0}};
    luaL_setfuncs(L, funcs, 0);
    nl_set_consts(L, consts);
}
