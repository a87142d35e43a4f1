/*
** nl_module.c: luaopen_ntsec_core, the entry of the C module "ntsec.core".
** It only assembles the module table from the per-kind openers; it keeps no
** C globals, so re-running it in one state (busted insulation) is harmless.
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

NTSEC_API int luaopen_ntsec_core(lua_State *L);

/*
** Returns the module table: value types, constants, status catalogue, the
** wfp and ks sub-tables.
*/
NTSEC_API int luaopen_ntsec_core(lua_State *L)
{
    lua_newtable(L);
    lua_pushliteral(L, NTSEC_VERSION);
    lua_setfield(L, -2, "_VERSION");
    nl_open_values(L);
    nl_open_status(L);
    nl_open_wfp(L);
    nl_open_ks(L);
    nl_open_access(L);
    return 1;
}
