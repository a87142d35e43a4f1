/*
** nl_wfp_classify_flow.c: engine:classify's arguments read in C (the Lua
** layer did this per call, at several times the cost of the classification
** itself): the strict option check with the texts of lua/ntsec/options.lua,
** the flow's fields with the types of the FWPM_CONDITION_* fields
** (fwpmu.h / wfp_classify.md 4), and the principal, whose AppContainer part
** is parsed once per token and kept beside it (a weak table).
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "nl_wfp_classify.h"
#include "nl_wfp.h"
#include "sid.h"
#include "status.h"

/* ---- principal tables (filters_for, filter_matches, access_check) ---- */

static void sid_field(lua_State *L, const char *text, uint8_t out[SECURITY_MAX_SID_SIZE], const char *what)
{
    if (ntsec_sid_from_string(text, strlen(text), NULL, out) != STATUS_SUCCESS)
        luaL_error(L, "%s: not a SID '%s'", what, text);
}

/* package / capabilities / lpac of the table at t into a new AppContainer
** object (NULL without a package). Reads every Lua value first, then
** allocates (no raise while the object is owned). */
static ntsec_appcontainer *read_appcontainer(lua_State *L, int t)
{
    uint8_t package[SECURITY_MAX_SID_SIZE], caps[32][SECURITY_MAX_SID_SIZE];
    size_t ncaps = 0, i;
    int has_package = 0, lpac;
    ntsec_appcontainer *ac;
    lua_getfield(L, t, "package");
    if (!lua_isnil(L, -1)) {
        sid_field(L, luaL_checkstring(L, -1), package, "package");
        has_package = 1;
    }
    lua_pop(L, 1);
    lua_getfield(L, t, "capabilities");
    if (lua_istable(L, -1)) {
        ncaps = lua_rawlen(L, -1);
        if (ncaps > 32) luaL_error(L, "capabilities: at most 32");
        for (i = 0; i < ncaps; i++) {
            lua_rawgeti(L, -1, (lua_Integer)i + 1);
            sid_field(L, luaL_checkstring(L, -1), caps[i], "capability");
            lua_pop(L, 1);
        }
    }
    lua_pop(L, 1);
    lua_getfield(L, t, "lpac");
    lpac = lua_toboolean(L, -1);
    lua_pop(L, 1);
    if (!has_package) return NULL;
    ac = ntsec_appcontainer_new(package, lpac);
    if (!ac) luaL_error(L, "package: not an AppContainer SID");
    for (i = 0; i < ncaps; i++) {
        if (ntsec_appcontainer_add_capability(ac, caps[i], SE_GROUP_ENABLED) != STATUS_SUCCESS) {
            ntsec_appcontainer_free(ac);
            luaL_error(L, "capability %d refused", (int)i + 1);
        }
    }
    return ac;
}

static void set_app(lua_State *L, cl_principal *cp, const char *app, size_t len)
{
    cp->p.app_id_len = ntsec_wfp_app_id(app, len, cp->app_id, sizeof cp->app_id);
    if (!cp->p.app_id_len) luaL_error(L, "app: not UTF-8 or too long");
    cp->p.app_id = cp->app_id;
}

void clb_read_principal(lua_State *L, int t, cl_principal *cp)
{
    const char *app;
    size_t len;
    memset(&cp->p, 0, sizeof cp->p);
    cp->ac = NULL;
    luaL_checktype(L, t, LUA_TTABLE);
    lua_getfield(L, t, "token");
    if (!lua_isnil(L, -1)) cp->p.token = nl_check_token(L, -1);
    lua_pop(L, 1);
    lua_getfield(L, t, "app");
    app = lua_isnil(L, -1) ? NULL : luaL_checklstring(L, -1, &len);
    if (app) set_app(L, cp, app, len);
    lua_pop(L, 1);
    cp->ac = read_appcontainer(L, t);
    cp->p.appcontainer = cp->ac;
}

/* ---- the AppContainer part of a token, once per token ---- */

#define AC_MT "ntsec.wfp.classify_appcontainer"

typedef struct ac_holder {
    ntsec_appcontainer *ac;
} ac_holder;

static int ac_gc(lua_State *L)
{
    ac_holder *h = luaL_checkudata(L, 1, AC_MT);
    ntsec_appcontainer *ac = h->ac;
    h->ac = NULL;
    ntsec_appcontainer_free(ac);
    return 0;
}

static const char IDENTITIES = 'I', HOLDERS = 'H';

int clb_set_identities(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_pushvalue(L, 1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &IDENTITIES);
    return 0;
}

/* A holder for the identity table on top (popped): the AppContainer object
** and, as its user value, the identity's app. */
static void new_holder(lua_State *L)
{
    int id = lua_gettop(L);
    ac_holder *h = lua_newuserdatauv(L, sizeof *h, 1);
    h->ac = NULL;
    luaL_setmetatable(L, AC_MT);
    h->ac = read_appcontainer(L, id);
    lua_getfield(L, id, "app");
    lua_setiuservalue(L, -2, 1);
    lua_remove(L, id);
}

ntsec_appcontainer *clb_token_appcontainer(lua_State *L, int idx, const char **app, size_t *app_len)
{
    ac_holder *h;
    idx = lua_absindex(L, idx);
    *app = NULL;
    lua_rawgetp(L, LUA_REGISTRYINDEX, &HOLDERS);
    lua_pushvalue(L, idx);
    if (lua_rawget(L, -2) == LUA_TNIL) {
        lua_pop(L, 1);
        lua_rawgetp(L, LUA_REGISTRYINDEX, &IDENTITIES);
        lua_pushvalue(L, idx);
        if (!lua_istable(L, -2) || lua_rawget(L, -2) != LUA_TTABLE) {
            lua_pop(L, 3);
            lua_pushnil(L);
            return NULL;
        }
        lua_remove(L, -2);
        new_holder(L);
        lua_pushvalue(L, idx);
        lua_pushvalue(L, -2);
        lua_rawset(L, -4);
    }
    lua_remove(L, -2);
    h = lua_touserdata(L, -1);
    if (lua_getiuservalue(L, -1, 1) == LUA_TSTRING) *app = lua_tolstring(L, -1, app_len);
    lua_pop(L, 1);                /* the string stays reachable from the holder */
    return h->ac;
}

/* ---- options ---- */

enum { T_STRING, T_BOOLEAN, T_TOKEN, T_TABLE, T_INTEGER, T_STRING_OR_INTEGER };
static const char *const TYPE_TEXT[] = {"string", "boolean", "token", "table", "integer", "string or integer"};

static const struct { const char *name; int type; } CLASSIFY_OPTS[] = {
    {"layer", T_STRING}, {"boot", T_BOOLEAN}, {"trace", T_BOOLEAN}, {"token", T_TOKEN},
    {"app", T_STRING}, {"remote", T_STRING}, {"local", T_STRING}, {"protocol", T_STRING_OR_INTEGER},
    {"port", T_INTEGER}, {"remote_port", T_INTEGER}, {"local_port", T_INTEGER},
    {"profile", T_STRING_OR_INTEGER}, {"fields", T_TABLE},
};

/* Raises {message} (an option mistake: classify.lua raises it at the caller). */
static int hard_error(lua_State *L, const char *fmt, ...)
{
    va_list ap;
    lua_createtable(L, 1, 0);
    va_start(ap, fmt);
    lua_pushvfstring(L, fmt, ap);
    va_end(ap);
    lua_rawseti(L, -2, 1);
    return lua_error(L);
}

static int type_ok(lua_State *L, int idx, int type)
{
    switch (type) {
    case T_STRING: return lua_type(L, idx) == LUA_TSTRING;
    case T_BOOLEAN: return lua_type(L, idx) == LUA_TBOOLEAN;
    case T_TOKEN: return luaL_testudata(L, idx, NL_TOKEN) != NULL;
    case T_TABLE: return lua_type(L, idx) == LUA_TTABLE;
    case T_INTEGER: return lua_isinteger(L, idx);
    default: return lua_type(L, idx) == LUA_TSTRING || lua_isinteger(L, idx);
    }
}

static const char OPTION_TYPES = 'O', FIELD_TYPE_NAMES = 'F';

/* options.check(opts, what, spec) with CLASSIFY_OPTS (looked up through a
** name -> type table in the registry). */
static void check_options(lua_State *L, int t, const char *what)
{
    int types;
    lua_rawgetp(L, LUA_REGISTRYINDEX, &OPTION_TYPES);
    types = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, t)) {
        int type;
        lua_pushvalue(L, -2);
        type = lua_rawget(L, types) == LUA_TNUMBER ? (int)lua_tointeger(L, -1) : -1;
        lua_pop(L, 1);
        if (type < 0) hard_error(L, "%s: unknown option '%s'", what, luaL_tolstring(L, -2, NULL));
        if (!type_ok(L, -1, type))
            hard_error(L, "%s: option '%s' (%s expected, got %s)", what, lua_tostring(L, -2), TYPE_TEXT[type],
                       luaL_typename(L, -1));
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

/* ---- fields ---- */

/* FWP data types of the fields a flow may name without a type. */
static const struct { const char *name, *type; } FIELD_TYPES[] = {
    {"FWPM_CONDITION_IP_PROTOCOL", "FWP_UINT8"},
    {"FWPM_CONDITION_IP_LOCAL_PORT", "FWP_UINT16"}, {"FWPM_CONDITION_IP_REMOTE_PORT", "FWP_UINT16"},
    {"FWPM_CONDITION_ORIGINAL_ICMP_TYPE", "FWP_UINT16"},
    {"FWPM_CONDITION_FLAGS", "FWP_UINT32"}, {"FWPM_CONDITION_ALE_SIO_FIREWALL_SYSTEM_PORT", "FWP_UINT32"},
    {"FWPM_CONDITION_ORIGINAL_PROFILE_ID", "FWP_UINT32"}, {"FWPM_CONDITION_CURRENT_PROFILE_ID", "FWP_UINT32"},
    {"FWPM_CONDITION_ARRIVAL_INTERFACE_PROFILE_ID", "FWP_UINT32"},
    {"FWPM_CONDITION_NEXTHOP_INTERFACE_PROFILE_ID", "FWP_UINT32"},
    {"FWPM_CONDITION_ARRIVAL_INTERFACE_TYPE", "FWP_UINT32"}, {"FWPM_CONDITION_NEXTHOP_INTERFACE_TYPE", "FWP_UINT32"},
    {"FWPM_CONDITION_ARRIVAL_TUNNEL_TYPE", "FWP_UINT32"}, {"FWPM_CONDITION_NEXTHOP_TUNNEL_TYPE", "FWP_UINT32"},
    {"FWPM_CONDITION_IP_LOCAL_ADDRESS_TYPE", "FWP_UINT8"}, {"FWPM_CONDITION_DIRECTION", "FWP_UINT32"},
    {"FWPM_CONDITION_IP_ARRIVAL_INTERFACE", "FWP_UINT64"}, {"FWPM_CONDITION_IP_NEXTHOP_INTERFACE", "FWP_UINT64"},
    {"FWPM_CONDITION_INTERFACE_QUARANTINE_EPOCH", "FWP_UINT64"},
};

/* The type of the field whose name is at idx, NULL when it needs one. */
static const char *field_type(lua_State *L, int idx)
{
    const char *type;
    idx = lua_absindex(L, idx);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &FIELD_TYPE_NAMES);
    lua_pushvalue(L, idx);
    type = lua_rawget(L, -2) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
    lua_pop(L, 2);                /* a literal's copy, kept by the registry table */
    return type;
}

static clb_field *next_field(lua_State *L, clb_call *c, const char *name, const char *type)
{
    clb_field *f;
    if (c->nfields == CLB_MAX_FIELDS) hard_error(L, "classify: at most %d fields", CLB_MAX_FIELDS);
    f = &c->fields[c->nfields];
    f->name = name;
    f->name_len = strlen(name);
    f->type = type;
    f->type_len = type ? strlen(type) : 0;
    f->text = NULL;
    f->text_len = 0;
    return f;
}

/* A named option's field: the option at idx (a string, or an integer
** written as tostring would). */
static void add_value(lua_State *L, clb_call *c, const char *name, const char *type, int idx)
{
    clb_field *f = next_field(L, c, name, type);
    if (lua_type(L, idx) == LUA_TSTRING) f->text = lua_tolstring(L, idx, &f->text_len);
    else f->ival = lua_tointeger(L, idx);
    c->nfields++;
}

/* Pushes opts[k] and returns its slot (0 when nil, popped). */
static int opt(lua_State *L, int t, const char *k)
{
    if (lua_getfield(L, t, k) == LUA_TNIL) {
        lua_pop(L, 1);
        return 0;
    }
    return lua_gettop(L);
}

typedef struct named_number { const char *name; int value; } named_number;
static const named_number PROTOCOLS[] = {{"icmp", 1}, {"igmp", 2}, {"tcp", 6}, {"udp", 17}, {"icmpv6", 58}, {NULL, 0}};
static const named_number PROFILES[] = {{"public", 1}, {"private", 2}, {"domain", 3}, {NULL, 0}};

/* Replaces the name at idx by its number in list (fold: ignoring ASCII
** case); an unknown name raises "classify: unknown <what> '<name>'". */
static void to_number(lua_State *L, int idx, const named_number *list, int fold, const char *what)
{
    const char *s = lua_tostring(L, idx);
    for (; list->name; list++)
        if ((fold ? strcasecmp(s, list->name) : strcmp(s, list->name)) == 0) {
            lua_pushinteger(L, list->value);
            lua_replace(L, idx);
            return;
        }
    hard_error(L, "classify: unknown %s '%s'", what, s);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The value of fields[name] (on top; the name at name_idx) as a field of c;
** pushes what it reads. */
static void add_extra(lua_State *L, clb_call *c, const char *name, int name_idx)
{
    clb_field *f;
    if (lua_type(L, -1) != LUA_TTABLE) {
        const char *type = field_type(L, name_idx);
        if (!type) hard_error(L, "classify: field '%s' needs {type=, value=}", name);
        f = next_field(L, c, name, type);
        if (lua_isinteger(L, -1)) f->ival = lua_tointeger(L, -1);
        else f->text = luaL_tolstring(L, -1, &f->text_len);
    } else {
        int v = lua_gettop(L);
        lua_pushnil(L);
        while (lua_next(L, v)) {
            const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
            if (!k || (strcmp(k, "type") != 0 && strcmp(k, "value") != 0))
                hard_error(L, "classify field %s: unknown option '%s'", name, luaL_tolstring(L, -2, NULL));
            if (strcmp(k, "type") == 0 && lua_type(L, -1) != LUA_TSTRING)
                hard_error(L, "classify field %s: option 'type' (string expected, got %s)", name,
                           luaL_typename(L, -1));
            lua_pop(L, 1);
        }
        if (lua_getfield(L, v, "type") != LUA_TSTRING)
            hard_error(L, "classify field %s: option 'type' is required", name);
        f = next_field(L, c, name, lua_tostring(L, -1));
        lua_getfield(L, v, "value");
        if (!lua_toboolean(L, -1)) {   /* tostring(value.value or "") */
            lua_pop(L, 1);
            lua_pushliteral(L, "");
        }
        f->text = luaL_tolstring(L, -1, &f->text_len);
    }
    c->nfields++;
}

/* `fields` at t, in name order (the order classify.lua gave them). The
** names are the table's keys; what is read stays on the stack. */
static void add_extras(lua_State *L, clb_call *c, int t)
{
    const char *names[CLB_MAX_FIELDS];
    size_t n = 0, i;
    lua_pushnil(L);
    while (lua_next(L, t)) {
        if (lua_type(L, -2) != LUA_TSTRING)
            hard_error(L, "classify: field names are strings (got %s)", luaL_typename(L, -2));
        if (n == CLB_MAX_FIELDS) hard_error(L, "classify: at most %d fields", CLB_MAX_FIELDS);
        names[n++] = lua_tostring(L, -2);
        lua_pop(L, 1);
    }
    qsort(names, n, sizeof names[0], by_name);
    for (i = 0; i < n; i++) {
        luaL_checkstack(L, 8, "classify fields");
        lua_pushstring(L, names[i]);
        lua_pushvalue(L, -1);
        lua_rawget(L, t);
        add_extra(L, c, names[i], -2);
    }
}

static int ends_with_v6(const char *s, size_t len)
{
    return len >= 3 && memcmp(s + len - 3, "_V6", 3) == 0;
}

void clb_read_call(lua_State *L, int t, clb_call *c)
{
    int idx;
    size_t len;
    const char *addr;
    memset(c, 0, offsetof(clb_call, fields));
    if (lua_isnil(L, t)) hard_error(L, "classify: option 'layer' is required");
    if (!lua_istable(L, t)) hard_error(L, "classify: option table expected, got %s", luaL_typename(L, t));
    check_options(L, t, "classify");
    c->layer = opt(L, t, "layer");
    if (!c->layer) hard_error(L, "classify: option 'layer' is required");
    lua_tolstring(L, c->layer, &len);
    addr = ends_with_v6(lua_tostring(L, c->layer), len) ? "FWP_BYTE_ARRAY16_TYPE" : "FWP_UINT32";
    c->token = opt(L, t, "token");
    c->app = opt(L, t, "app");
    if ((idx = opt(L, t, "boot"))) c->boot = lua_toboolean(L, idx);
    c->trace = 1;
    if ((idx = opt(L, t, "trace"))) c->trace = lua_toboolean(L, idx);
    if ((idx = opt(L, t, "remote"))) add_value(L, c, "FWPM_CONDITION_IP_REMOTE_ADDRESS", addr, idx);
    if ((idx = opt(L, t, "local"))) add_value(L, c, "FWPM_CONDITION_IP_LOCAL_ADDRESS", addr, idx);
    if ((idx = opt(L, t, "protocol"))) {
        if (lua_type(L, idx) == LUA_TSTRING) to_number(L, idx, PROTOCOLS, 1, "protocol");
        add_value(L, c, "FWPM_CONDITION_IP_PROTOCOL", "FWP_UINT8", idx);
    }
    if ((idx = opt(L, t, "port")) || (idx = opt(L, t, "remote_port")))
        add_value(L, c, "FWPM_CONDITION_IP_REMOTE_PORT", "FWP_UINT16", idx);
    if ((idx = opt(L, t, "local_port"))) add_value(L, c, "FWPM_CONDITION_IP_LOCAL_PORT", "FWP_UINT16", idx);
    if ((idx = opt(L, t, "profile"))) {
        if (lua_type(L, idx) == LUA_TSTRING) to_number(L, idx, PROFILES, 0, "profile");
        add_value(L, c, "FWPM_CONDITION_ORIGINAL_PROFILE_ID", "FWP_UINT32", idx);
        add_value(L, c, "FWPM_CONDITION_CURRENT_PROFILE_ID", "FWP_UINT32", idx);
    }
    if ((idx = opt(L, t, "fields"))) add_extras(L, c, idx);
}

/* An integer of an unsigned type within its width, outside address fields:
** the value ntsec_fwp_value_parse makes of its decimal text, without the
** text. 0 when the text path must decide (and word any error). */
static int direct_uint(uint32_t ty, int address, lua_Integer n, ntsec_fwp_value *v)
{
    static const uint64_t MAX[] = {0, 0xFFu, 0xFFFFu, 0xFFFFFFFFu, UINT64_MAX};
    if (address || ty < NTSEC_FWP_UINT8 || ty > NTSEC_FWP_UINT64 || n < 0 || (uint64_t)n > MAX[ty]) return 0;
    *v = ntsec_fwp_uint(ty, (uint64_t)n);
    return 1;
}

void clb_fill_flow(lua_State *L, const clb_call *c, ntsec_wfp_flow *flow, uint8_t *scratch)
{
    size_t i, off = 0;
    for (i = 0; i < c->nfields; i++) {
        const clb_field *f = &c->fields[i];
        size_t used = 0, len = f->text_len;
        const char *why = NULL, *text = f->text;
        char number[24];
        uint16_t slot = ntsec_wfp_field_slot_by_name(f->name, f->name_len);
        uint32_t ty;
        int address;
        ntsec_fwp_value v;
        NTSTATUS st = STATUS_SUCCESS;
        if (slot == NTSEC_WFP_FIELD_UNKNOWN) luaL_error(L, "unknown condition field '%s'", f->name);
        ty = ntsec_fwp_type_from_name(f->type, f->type_len);
        address = (ntsec_wfp_field_roles(slot) & NTSEC_WFP_FIELD_ROLE_ADDRESS) != 0;
        if (!text && !direct_uint(ty, address, f->ival, &v)) {
            len = (size_t)snprintf(number, sizeof number, LUA_INTEGER_FMT, f->ival);
            text = number;
        }
        if (text)
            st = ntsec_fwp_value_parse(ty, text, len, address, scratch + off, CLB_FLOW_SCRATCH - off, &used, &v,
                                       &why);
        if (st != STATUS_SUCCESS)
            luaL_error(L, "%s: %s value '%s': %s", f->name, f->type, text, why ? why : ntsec_status_name(st));
        off += used;
        st = ntsec_wfp_flow_set(flow, slot, v);
        if (st != STATUS_SUCCESS) luaL_error(L, "%s: %s", f->name, ntsec_status_name(st));
    }
}

void clb_open_flow(lua_State *L)
{
    size_t k;
    lua_createtable(L, 0, (int)(sizeof CLASSIFY_OPTS / sizeof CLASSIFY_OPTS[0]));
    for (k = 0; k < sizeof CLASSIFY_OPTS / sizeof CLASSIFY_OPTS[0]; k++) {
        lua_pushinteger(L, CLASSIFY_OPTS[k].type);
        lua_setfield(L, -2, CLASSIFY_OPTS[k].name);
    }
    lua_rawsetp(L, LUA_REGISTRYINDEX, &OPTION_TYPES);
    lua_createtable(L, 0, (int)(sizeof FIELD_TYPES / sizeof FIELD_TYPES[0]));
    for (k = 0; k < sizeof FIELD_TYPES / sizeof FIELD_TYPES[0]; k++) {
        lua_pushstring(L, FIELD_TYPES[k].type);
        lua_setfield(L, -2, FIELD_TYPES[k].name);
    }
    lua_rawsetp(L, LUA_REGISTRYINDEX, &FIELD_TYPE_NAMES);
    luaL_newmetatable(L, AC_MT);
    lua_pushcfunction(L, ac_gc);
    lua_setfield(L, -2, "__gc");
    lua_pop(L, 1);
    clb_new_weak_keys(L, &HOLDERS);   /* token -> AppContainer holder */
}

void clb_new_weak_keys(lua_State *L, const void *key)
{
    lua_newtable(L);
    lua_createtable(L, 0, 1);
    lua_pushliteral(L, "k");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    lua_rawsetp(L, LUA_REGISTRYINDEX, key);
}
