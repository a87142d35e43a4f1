/*
** nl_wfp_util.c: argument readers and result tables of the WFP binding.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nl_wfp.h"
#include "wfp_ale.h"
#include "wfp_flags.h"
#include "wfp_names.h"
#include "guid.h"
#include "status.h"

/* ---- codes ---- */

uint32_t nlw_code_for(int kernel, NTSTATUS st)
{
    return kernel ? st : ntsec_nt_to_win32(st);
}

uint32_t nlw_code(const ud_session *s, NTSTATUS st)
{
    return nlw_code_for(s->kernel, st);
}

int nlw_push_code(lua_State *L, const ud_session *s, NTSTATUS st)
{
    nl_push_code(L, nlw_code(s, st));
    return 1;
}

int nlw_result(lua_State *L, const ud_session *s, const ntsec_wfp_kind_info *row, const char *suffix,
               NTSTATUS st, int nvalues)
{
    char op[96];
    if (NT_SUCCESS(st)) return nlw_result_op(L, s, NULL, st, nvalues);
    snprintf(op, sizeof op, "%s%s%s", row->prefix, row->stem, suffix);
    return nlw_result_op(L, s, op, st, nvalues);
}

int nlw_result_op(lua_State *L, const ud_session *s, const char *op, NTSTATUS st, int nvalues)
{
    if (NT_SUCCESS(st)) {
        if (nvalues) return nvalues;
        lua_pushboolean(L, 1);
        return 1;
    }
    return s->kernel ? nl_fail_nt(L, op, st) : nl_fail_user(L, op, ntsec_nt_to_win32(st));
}

const ntsec_wfp_kind_info *nlw_up_row(lua_State *L)
{
    return (const ntsec_wfp_kind_info *)lua_touserdata(L, lua_upvalueindex(1));
}

void nlw_set_kind_fn(lua_State *L, const char *name, lua_CFunction fn, const ntsec_wfp_kind_info *row)
{
    lua_pushlightuserdata(L, (void *)(uintptr_t)row);
    lua_pushcclosure(L, fn, 1);
    lua_setfield(L, -2, name);
}

void nlw_push_weak_registry(lua_State *L, const void *key)
{
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, key) != LUA_TNIL) return;
    lua_pop(L, 1);
    lua_newtable(L);
    lua_createtable(L, 0, 1);
    lua_pushliteral(L, "v");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, key);
}

/* ---- keys ---- */

static int key_from_string(const char *s, size_t len, ntsec_guid *g)
{
    if (ntsec_guid_parse(s, len, g)) return 1;
    return ntsec_wfp_name_to_guid(s, len, g) ? 1 : -1;
}

int nlw_parse_key(lua_State *L, int idx, ntsec_guid *g)
{
    size_t len;
    const char *s;
    if (lua_isnoneornil(L, idx)) return 0;
    if (lua_type(L, idx) != LUA_TSTRING) return -1;
    s = lua_tolstring(L, idx, &len);
    return key_from_string(s, len, g);
}

int nlw_check_key(lua_State *L, int idx, ntsec_guid *g)
{
    int r = nlw_parse_key(L, idx, g);
    if (r < 0) luaL_argerror(L, idx, "GUID string or FWPM_* name expected");
    return r;
}

uint32_t nlw_check_u32(lua_State *L, int idx)
{
    lua_Integer v = luaL_checkinteger(L, idx);
    luaL_argcheck(L, v >= -(lua_Integer)0x80000000 && v <= (lua_Integer)0xFFFFFFFF, idx,
                  "value out of 32-bit range");
    return (uint32_t)(v & 0xFFFFFFFF);
}

uint32_t nlw_field_u32_value(lua_State *L, int idx, const char *k)
{
    int isint;
    lua_Integer v = lua_tointegerx(L, idx, &isint);
    if (!isint) luaL_error(L, "option '%s': integer expected, got %s", k, luaL_typename(L, idx));
    if (v < -(lua_Integer)0x80000000 || v > (lua_Integer)0xFFFFFFFF)
        luaL_error(L, "option '%s': value out of 32-bit range", k);
    return (uint32_t)(v & 0xFFFFFFFF);
}

const uint8_t *nlw_opt_acl(lua_State *L, int idx)
{
    return nl_opt_acl(L, idx);
}

/* The hot path (FwpmCalloutSetSecurityInfoByKey0) passes nil SIDs and ACL
** userdata: those are read here without the general readers' calls. */
static const uint8_t *acl_arg(lua_State *L, int idx, int sacl)
{
    int t = lua_type(L, idx);
    if (t == LUA_TNONE || t == LUA_TNIL) return NULL;
    if (t == LUA_TUSERDATA) {
        const nl_acl *u = (const nl_acl *)luaL_testudata(L, idx, NL_ACL);
        if (u) return u->b;
    }
    return sacl ? nl_opt_sacl(L, idx) : nl_opt_acl(L, idx);
}

static const uint8_t *sid_arg(lua_State *L, int idx, uint8_t *buf)
{
    return lua_isnoneornil(L, idx) ? NULL : nl_opt_sid(L, idx, buf);
}

void nlw_read_set_args(lua_State *L, int first, nlw_set_args *a)
{
    a->si = nlw_check_u32(L, first);
    a->owner = sid_arg(L, first + 1, a->owner_buf);
    a->group = sid_arg(L, first + 2, a->group_buf);
    a->dacl = acl_arg(L, first + 3, 0);
    a->sacl = acl_arg(L, first + 4, 1);
}

int nlw_push_sd_result(lua_State *L, const ud_session *s, NTSTATUS st, ntsec_sd *sd)
{
    nl_push_code(L, nlw_code(s, st));
    if (NT_SUCCESS(st)) nl_push_sd(L, sd);
    else lua_pushnil(L);
    return 2;
}

/* ---- fields ---- */

const char *nlw_field_string(lua_State *L, int t, const char *k)
{
    const char *s = NULL;
    lua_getfield(L, t, k);
    if (!lua_isnil(L, -1)) {
        if (lua_type(L, -1) != LUA_TSTRING) luaL_error(L, "field '%s' must be a string", k);
        s = lua_tostring(L, -1);   /* stays reachable from the table */
    }
    lua_pop(L, 1);
    return s;
}

int nlw_field_bool(lua_State *L, int t, const char *k)
{
    int b;
    lua_getfield(L, t, k);
    b = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return b;
}

/* Integer value on top: a number or a numeric string; *ok 0 otherwise. */
static uint64_t top_u64(lua_State *L, int *ok)
{
    int isnum;
    lua_Integer v = lua_tointegerx(L, -1, &isnum);
    if (!isnum && lua_type(L, -1) == LUA_TSTRING) {
        char *end;
        const char *s = lua_tostring(L, -1);
        unsigned long long u = strtoull(s, &end, 0);
        *ok = end != s;
        return (uint64_t)u;
    }
    *ok = isnum;
    return (uint64_t)v;
}

int nlw_field_u64_ok(lua_State *L, int t, const char *k)
{
    int ok = 1;
    if (lua_getfield(L, t, k) != LUA_TNIL) (void)top_u64(L, &ok);
    lua_pop(L, 1);
    return ok;
}

uint64_t nlw_field_u64(lua_State *L, int t, const char *k, int *present)
{
    uint64_t v = 0;
    int ok = 1;
    lua_getfield(L, t, k);
    *present = !lua_isnil(L, -1);
    if (*present) v = top_u64(L, &ok);
    lua_pop(L, 1);
    if (!ok) luaL_error(L, "field '%s' must be an integer", k);
    return v;
}

/* "FWP..._FLAG_..." with upper-case letters, digits and '_' only. */
static int looks_like_flag_name(const char *s)
{
    if (strncmp(s, "FWP", 3) != 0 || !strstr(s, "_FLAG_")) return 0;
    for (; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_')) return 0;
    return 1;
}

/* One flag token on top of the stack. */
static int flag_token(lua_State *L, int lenient, uint32_t *acc, const char **bad)
{
    size_t len;
    uint32_t v;
    if (lua_type(L, -1) == LUA_TNUMBER) {
        *acc |= nlw_field_u32_value(L, -1, "flags");
        return 1;
    }
    if (lua_type(L, -1) != LUA_TSTRING) luaL_error(L, "flags must be names or integers");
    *bad = lua_tolstring(L, -1, &len);
    if (ntsec_wfp_flag_parse(*bad, len, &v)) {
        *acc |= v;
        return 1;
    }
    return lenient && looks_like_flag_name(*bad);
}

int nlw_field_flags(lua_State *L, int t, const char *k, int lenient, uint32_t *flags, const char **bad)
{
    int ok = 1;
    lua_Integer i, n;
    *flags = 0;
    lua_getfield(L, t, k);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        return 1;
    }
    if (!lua_istable(L, -1)) ok = flag_token(L, lenient, flags, bad);
    else {
        n = (lua_Integer)lua_rawlen(L, -1);
        for (i = 1; ok && i <= n; i++) {
            lua_rawgeti(L, -1, i);
            ok = flag_token(L, lenient, flags, bad);
            lua_pop(L, 1);
        }
    }
    lua_pop(L, 1);
    return ok;
}

int nlw_field_key(lua_State *L, int t, const char *k, ntsec_guid *g, const char **text)
{
    int r;
    lua_getfield(L, t, k);
    *text = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "(not a string)";
    if (lua_type(L, -1) == LUA_TSTRING && lua_rawlen(L, -1) == 0) r = 0;
    else r = nlw_parse_key(L, -1, g);
    lua_pop(L, 1);
    return r;
}

void nlw_get_alias(lua_State *L, int t, const char *k1, const char *k2)
{
    lua_getfield(L, t, k1);
    if (!lua_isnil(L, -1) || !k2) return;
    lua_pop(L, 1);
    lua_getfield(L, t, k2);
}

/* ---- result tables ---- */

const char *nlw_lifetime_name(ntsec_wfp_lifetime l)
{
    switch (l) {
    case NTSEC_WFP_LIFE_DYNAMIC: return "dynamic";
    case NTSEC_WFP_LIFE_STATIC: return "static";
    case NTSEC_WFP_LIFE_PERSISTENT: return "persistent";
    case NTSEC_WFP_LIFE_BUILTIN: return "builtin";
    default: return "unknown";
    }
}

static void set_string(lua_State *L, const char *k, const char *v)
{
    if (!v) return;
    lua_pushstring(L, v);
    lua_setfield(L, -2, k);
}

static void set_int(lua_State *L, const char *k, uint64_t v)
{
    lua_pushinteger(L, (lua_Integer)v);
    lua_setfield(L, -2, k);
}

static void set_key(lua_State *L, const char *k, int present, const ntsec_guid *g)
{
    if (!present) return;
    nl_push_guid(L, g);
    lua_setfield(L, -2, k);
}

/* Flag names kept without bits ("A | B") as unknown_flags = {"A", "B"}. */
static void set_flag_names(lua_State *L, const char *names)
{
    const char *p = names, *bar;
    lua_Integer n = 0;
    if (!names) return;
    lua_newtable(L);
    for (;;) {
        bar = strstr(p, " | ");
        lua_pushlstring(L, p, bar ? (size_t)(bar - p) : strlen(p));
        lua_rawseti(L, -2, ++n);
        if (!bar) break;
        p = bar + 3;
    }
    lua_setfield(L, -2, "unknown_flags");
}

/* A provider context's type (its FWPM_*_CONTEXT name) and data: data = hex
** of a general context's dataBuffer, data_text = the dump's element. */
static void set_context(lua_State *L, const ntsec_wfp_object_info *o)
{
    const char *name = ntsec_wfp_context_type_name(o->context_type);
    if (name) lua_pushstring(L, name);
    else lua_pushinteger(L, (lua_Integer)o->context_type);
    lua_setfield(L, -2, "type");
    if (o->data_is_text) lua_pushlstring(L, (const char *)o->data, o->data_len);
    else nlw_push_hex(L, o->data, o->data_len);
    lua_setfield(L, -2, o->data_is_text ? "data_text" : "data");
}

/* {key=, key_name=, name=, description=, id=, flags=, unknown_flags=,
**  lifetime=, provider=, layer=, sublayer=, callout=, service=, action=,
**  weight=, owner_session=}; filters also conditions=, effective_weight=,
**  provider_context=; provider contexts type=, data= | data_text=. */
void nlw_push_object(lua_State *L, const ntsec_wfp_object_info *o)
{
    lua_createtable(L, 0, 12);
    set_key(L, "key", 1, &o->key);
    set_string(L, "key_name", ntsec_wfp_guid_to_name(&o->key));
    set_string(L, "name", o->name);
    set_string(L, "description", o->description);
    if (ntsec_wfp_kind_has(o->kind, NTSEC_WFP_OP_GET_BY_ID)) set_int(L, "id", o->id);
    set_int(L, "flags", o->flags);
    set_string(L, "lifetime", nlw_lifetime_name(o->lifetime));
    set_key(L, "provider", o->has_provider, &o->provider);
    set_key(L, "layer", o->has_layer, &o->layer);
    set_key(L, "sublayer", o->has_sublayer, &o->sublayer);
    set_key(L, "callout", o->has_callout, &o->callout);
    set_string(L, "service", o->service);
    if (o->kind == NTSEC_WFP_FILTER) set_int(L, "action", o->action);
    if (o->has_weight) set_int(L, "weight", o->weight);
    if (o->kind == NTSEC_WFP_FILTER) {
        nlw_push_conditions(L, o->filter.conditions, o->filter.condition_count);
        lua_setfield(L, -2, "conditions");
        if (o->filter.has_effective_weight) set_int(L, "effective_weight", o->filter.effective_weight);
        set_key(L, "provider_context", o->filter.has_provider_context, &o->filter.provider_context);
    }
    if (o->kind == NTSEC_WFP_PROVIDER_CONTEXT) set_context(L, o);
    set_flag_names(L, o->flag_names);
    set_key(L, "owner_session", !ntsec_guid_is_null(&o->owner_session), &o->owner_session);
}

static void set_addr(lua_State *L, const char *k, const ntsec_wfp_addr *a, uint32_t ipv)
{
    char bytes_key[40];
    set_string(L, k, a->text);
    snprintf(bytes_key, sizeof bytes_key, "%s_bytes", k);
    lua_pushlstring(L, (const char *)a->bin, ipv == NTSEC_FWP_IP_VERSION_V6 ? 16 : 4);
    lua_setfield(L, -2, bytes_key);
}

void nlw_push_hex(lua_State *L, const uint8_t *p, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    luaL_Buffer b;
    size_t i;
    luaL_buffinit(L, &b);
    for (i = 0; i < n; i++) {
        luaL_addchar(&b, digits[p[i] >> 4]);
        luaL_addchar(&b, digits[p[i] & 15]);
    }
    luaL_pushresult(&b);
}

static void set_hex(lua_State *L, const char *k, const uint8_t *p, size_t n)
{
    nlw_push_hex(L, p, n);
    lua_setfield(L, -2, k);
}

void nlw_push_endpoint(lua_State *L, const void *p)
{
    const ntsec_wfp_endpoint *ep = p;
    lua_createtable(L, 0, 16);
    set_int(L, "id", ep->id);
    set_int(L, "ip_version", ep->ip_version);
    set_addr(L, "local_address", &ep->local, ep->ip_version);
    set_addr(L, "remote_address", &ep->remote, ep->ip_version);
    set_int(L, "protocol", ep->protocol);
    set_int(L, "local_port", ep->local_port);
    set_int(L, "remote_port", ep->remote_port);
    set_int(L, "local_token_modified_id", ep->local_token_modified_id);
    set_int(L, "mm_sa_id", ep->mm_sa_id);
    set_int(L, "qm_sa_id", ep->qm_sa_id);
    set_int(L, "ipsec_status", ep->ipsec_status);
    set_int(L, "flags", ep->flags);
    set_hex(L, "app_id", ep->app_id, ep->app_id_len);
}

void nlw_push_connection(lua_State *L, const void *p)
{
    const ntsec_wfp_connection *c = p;
    lua_createtable(L, 0, 6);
    set_int(L, "id", c->id);
    set_int(L, "ip_version", c->ip_version);
    set_addr(L, "local_address", &c->local, c->ip_version);
    set_addr(L, "remote_address", &c->remote, c->ip_version);
    set_key(L, "provider", c->has_provider, &c->provider);
}
