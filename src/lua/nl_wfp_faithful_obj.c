/*
** nl_wfp_faithful_obj.c: the per-kind Windows-named functions
** Fwpm{Provider,SubLayer,Layer,Callout,Filter}{Add0, DeleteByKey0,
** DeleteById0, GetByKey0, GetById0, SetSecurityInfoByKey0,
** GetSecurityInfoByKey0, CreateEnumHandle0, Enum0, DestroyEnumHandle0}
** (wfp_ks_errors.md 2.3, 2.4, 2.7, 3.2), each also under its version-less
** name (1.3). Every function is a closure over its kind (upvalue 1).
**
** Returns (the code is the session mode's, as everywhere):
**   Add0(s, object, sd)          -> code   (callouts and filters: code, id|nil)
**   DeleteByKey0(s, key) / DeleteById0(s, id) -> code
**   GetByKey0(s, key) / GetById0(s, id)       -> code, object|nil
**   SetSecurityInfoByKey0(s, key, si, owner, group, dacl, sacl) -> code
**   GetSecurityInfoByKey0(s, key, si)         -> code, sd|nil
**   CreateEnumHandle0(s, template) -> code, enum|nil
**   Enum0(s, enum, n)             -> code, entries|nil, count
**   DestroyEnumHandle0(s, enum)   -> code
** Layers are built-in: no Add0 / DeleteByKey0 (Windows has none).
*/
#include <string.h>

#include "nl_wfp.h"
#include "wfp_security.h"
#include "status.h"

static ntsec_wfp_kind up_kind(lua_State *L)
{
    return (ntsec_wfp_kind)lua_tointeger(L, lua_upvalueindex(1));
}

static int f_add(lua_State *L)
{
    ud_session *s = nlw_open_session(L, 1);
    ntsec_wfp_kind kind = up_kind(L);
    ntsec_sd *sd = nl_opt_sd(L, 3);
    nlw_object_add(L, s, kind, 2, sd);
    if (kind == NTSEC_WFP_CALLOUT || kind == NTSEC_WFP_FILTER) {
        lua_pop(L, 1);   /* code, id */
        return 2;
    }
    lua_pop(L, 2);       /* code */
    return 1;
}

static int f_delete(lua_State *L) { return nlw_object_delete(L, nlw_open_session(L, 1), up_kind(L), 2, 0); }
static int f_delete_id(lua_State *L) { return nlw_object_delete(L, nlw_open_session(L, 1), up_kind(L), 2, 1); }
static int f_get(lua_State *L) { return nlw_object_get(L, nlw_open_session(L, 1), up_kind(L), 2, 0); }
static int f_get_id(lua_State *L) { return nlw_object_get(L, nlw_open_session(L, 1), up_kind(L), 2, 1); }
static int f_create(lua_State *L) { return nlw_enum_create(L, 1, up_kind(L), 2); }
static int f_enum(lua_State *L) { return nlw_enum_fetch(L, 1, up_kind(L), 2, 3); }
static int f_destroy(lua_State *L) { return nlw_enum_destroy(L, 1, up_kind(L), 2); }

/* The hot path of FwpmCalloutSetSecurityInfoByKey0: no table, no string
** built on success. */
static int f_set_security(lua_State *L)
{
    ud_session *s = nlw_open_session(L, 1);
    ntsec_guid key;
    int have = nlw_check_key(L, 2, &key);
    nlw_set_args a;
    NTSTATUS st;
    nlw_read_set_args(L, 3, &a);
    st = ntsec_wfp_object_set_security(s->e, s->h, up_kind(L), have ? &key : NULL, a.si, a.owner, a.group,
                                       a.dacl, a.sacl);
    nl_push_code(L, nlw_code(s, st));
    return 1;
}

static int f_get_security(lua_State *L)
{
    ud_session *s = nlw_open_session(L, 1);
    ntsec_guid key;
    int have = nlw_check_key(L, 2, &key);
    uint32_t si = nlw_check_u32(L, 3);
    ntsec_sd *sd;
    NTSTATUS st = ntsec_wfp_object_get_security(s->e, s->h, up_kind(L), have ? &key : NULL, si, &sd);
    return nlw_push_sd_result(L, s, st, sd);
}

/* Which kinds have an operation (bit k = kind k). */
#define ALL_KINDS 0x1Fu
#define NO_LAYER  0x1Bu
#define BY_ID     0x1Cu   /* layers, callouts, filters */
#define DEL_BY_ID 0x18u   /* callouts, filters */

static const struct {
    const char *suffix;
    lua_CFunction fn;
    unsigned kinds;
} ops[] = {
    {"Add0", f_add, NO_LAYER},
    {"DeleteByKey0", f_delete, NO_LAYER},
    {"DeleteById0", f_delete_id, DEL_BY_ID},
    {"GetByKey0", f_get, ALL_KINDS},
    {"GetById0", f_get_id, BY_ID},
    {"SetSecurityInfoByKey0", f_set_security, ALL_KINDS},
    {"GetSecurityInfoByKey0", f_get_security, ALL_KINDS},
    {"CreateEnumHandle0", f_create, ALL_KINDS},
    {"Enum0", f_enum, ALL_KINDS},
    {"DestroyEnumHandle0", f_destroy, ALL_KINDS},
    {NULL, NULL, 0}
};

/* t[name] = t[name without the trailing 0] = closure(fn, kind), t on top. */
static void register_fn(lua_State *L, const char *kind_name, const char *suffix, lua_CFunction fn, int kind)
{
    const char *name = lua_pushfstring(L, "Fwpm%s%s", kind_name, suffix);
    lua_pushinteger(L, kind);
    lua_pushcclosure(L, fn, 1);
    lua_pushvalue(L, -1);
    lua_setfield(L, -4, name);
    lua_pushlstring(L, name, strlen(name) - 1);
    lua_insert(L, -2);
    lua_settable(L, -4);
    lua_pop(L, 1);   /* the name */
}

void nlw_add_faithful_objects(lua_State *L)
{
    int k, i;
    for (k = 0; k <= NTSEC_WFP_FILTER; k++)
        for (i = 0; ops[i].suffix; i++)
            if (ops[i].kinds & (1u << k)) register_fn(L, nlw_kind_names[k], ops[i].suffix, ops[i].fn, k);
}
