/*
** nl_values.c: registers the value types (SID, ACL, SD, token) and the
** security constants on the module table.
*/
#include "nl.h"

void nl_open_values(lua_State *L)
{
    nl_open_sid(L);
    nl_open_acl(L);
    nl_open_sd(L);
    nl_open_token(L);
    nl_open_consts(L);
    nl_open_explain(L);
}
