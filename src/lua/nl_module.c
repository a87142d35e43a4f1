/*
** nl_module.c: luaopen_ntsec_core, the entry of the C module "ntsec.core".
** It assembles the module table from one flat table of openers (one per
** binding file) and holds the one constants setter. It keeps no C globals,
** so re-running it in one state (busted insulation) is harmless.
*/
#include "nl.h"

#define NTSEC_VERSION "ntsec 0.1.0"

void nl_set_consts(lua_State *L, const nl_const *c)
{
    for (; c->name; c++) {
        lua_pushinteger(L, c->value);
        lua_setfield(L, -2, c->name);
    }
}

typedef void (*nl_opener)(lua_State *L);

/* Registration order: the value kinds first (later openers use their
** metatables), then status, then the object models. */
static const nl_opener OPENERS[] = {
    nl_open_sid, nl_open_acl, nl_open_sd, nl_open_token, nl_open_consts,
    nl_open_explain, nl_open_token_ext, nl_open_merge,
    nl_open_status, nl_open_wfp, nl_open_wfp_classify, nl_open_ks, nl_open_access,
    NULL
};

NTSEC_API int luaopen_ntsec_core(lua_State *L);

/*
** Returns the module table: value types, constants, status catalogue,
** type(), the wfp and ks sub-tables.
*/
NTSEC_API int luaopen_ntsec_core(lua_State *L)
{
    const nl_opener *o;
    lua_newtable(L);
    lua_pushliteral(L, NTSEC_VERSION);
    lua_setfield(L, -2, "_VERSION");
    lua_pushcfunction(L, nl_type);
    lua_setfield(L, -2, "type");
    for (o = OPENERS; *o; o++) (*o)(L);
    return 1;
}
