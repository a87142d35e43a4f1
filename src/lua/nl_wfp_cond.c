/*
** nl_wfp_cond.c: filter conditions between Lua tables and ntsec_wfp_condition
** (wfp_cond.h). One shape both ways, so a condition read from the engine can
** be given back to add_filter:
**   { field = "FWPM_CONDITION_IP_PROTOCOL" | "{guid}",
**     match = "FWP_MATCH_EQUAL", type = "FWP_UINT8", value = "6",
**     value2 = mask (V4_ADDR_MASK) / prefix length (V6_ADDR_MASK),
**     low = {type=, value=}, high = {type=, value=} (FWP_RANGE_TYPE) }
** Values are text as netsh prints them (wfp_classify.md 1.4): decimals,
** dotted quads for IPv4 address fields, IPv6 text, hex for blobs (with
** as_string, the blob read as UTF-16LE), SID strings, SDDL for descriptors.
** Unknown fields, match and value types are kept and returned by name
** (unknown = true on the condition).
*/
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nl.h"
#include "nl_wfp.h"
#include "wfp_classify.h"
#include "buf.h"
#include "sddl.h"
#include "sid.h"
#include "status.h"

#define BOX_MT "ntsec.wfp.conditions"

static int box_gc(lua_State *L)
{
    nlw_cond_box *b = luaL_checkudata(L, 1, BOX_MT);
    free(b->conds);
    ntsec_wfp_filter_set_free(b->set);
    b->conds = NULL;
    b->set = NULL;
    return 0;
}

static nlw_cond_box *push_box(lua_State *L, size_t n)
{
    nlw_cond_box *b = lua_newuserdatauv(L, sizeof *b, 0);
    memset(b, 0, sizeof *b);
    if (luaL_newmetatable(L, BOX_MT)) {
        lua_pushcfunction(L, box_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_setmetatable(L, -2);
    b->set = ntsec_wfp_filter_set_new();
    b->conds = n ? calloc(n, sizeof *b->conds) : NULL;
    if (!b->set || (n && !b->conds)) luaL_error(L, "not enough memory");
    return b;
}

/* A text field of the table at t: strings as they are, numbers and objects
** (descriptors, SIDs) through tostring. NULL when absent. */
static const char *text_field(lua_State *L, int t, const char *k)
{
    const char *s;
    lua_getfield(L, t, k);            /* left on the stack: keeps the string alive */
    if (lua_isnil(L, -1)) return NULL;
    s = luaL_tolstring(L, -1, NULL);
    lua_replace(L, -2);
    return s;
}

static const char *const bound_keys[] = {"type", "value", NULL};
static const char *const cond_keys[] = {"field", "match", "type", "value", "value2", "low", "high",
                                        "as_string", "unknown", NULL};

/* Whether the table at b has a key besides type and value. */
static int has_other_key(lua_State *L, int b)
{
    lua_pushnil(L);
    while (lua_next(L, b)) {
        const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
        lua_pop(L, 1);
        if (!k || (strcmp(k, "type") != 0 && strcmp(k, "value") != 0)) {
            lua_pop(L, 1);
            return 1;
        }
    }
    return 0;
}

/* low / high of a range: {type=, value=}. A bound with other keys (an
** address mask's value2, a nested range) raises as a strict option table,
** or, when data (a dump's record), returns 0. */
static int read_bound(lua_State *L, int t, const char *k, const char **type, const char **value, int data)
{
    lua_getfield(L, t, k);
    if (lua_istable(L, -1)) {
        int b = lua_gettop(L);
        if (data && has_other_key(L, b)) return 0;
        nl_check_keys(L, b, k, bound_keys);
        *type = text_field(L, b, "type");
        *value = text_field(L, b, "value");
    } else if (!lua_isnil(L, -1)) {
        luaL_error(L, "condition %s must be a table {type=, value=}", k);
    }
    return 1;
}

/* The texts of the condition table at t (an nlw_cond_reader result). */
static int read_text(lua_State *L, int t, ntsec_wfp_condition_text *c, int data)
{
    memset(c, 0, sizeof *c);
    nl_check_keys(L, t, "condition", cond_keys);
    c->field = text_field(L, t, "field");
    c->match = text_field(L, t, "match");
    c->type = text_field(L, t, "type");
    c->value = text_field(L, t, "value");
    c->value2 = text_field(L, t, "value2");
    if (!read_bound(L, t, "low", &c->low_type, &c->low, data)
        || !read_bound(L, t, "high", &c->high_type, &c->high, data))
        return NLW_COND_BAD_BOUND;
    return c->field && c->match && c->type;
}

/* The condition list being read and whether its shape errors are data. */
typedef struct table_list { int idx, data; } table_list;

/* The texts of condition i (0-based) of the list in *(table_list *)ctx. */
static int read_table_condition(lua_State *L, void *ctx, size_t i, ntsec_wfp_condition_text *t)
{
    const table_list *l = ctx;
    lua_rawgeti(L, l->idx, (lua_Integer)i + 1);
    if (!lua_istable(L, -1)) luaL_error(L, "condition %d must be a table", (int)i + 1);
    luaL_checkstack(L, 16, "conditions");
    return read_text(L, lua_gettop(L), t, l->data);
}

nlw_cond_box *nlw_read_conditions(lua_State *L, int list, char *err, size_t errcap, NTSTATUS *st,
                                  int incomplete_is_data)
{
    table_list l;
    l.idx = lua_absindex(L, list);
    l.data = incomplete_is_data;
    luaL_checktype(L, l.idx, LUA_TTABLE);
    return nlw_parse_conditions(L, lua_rawlen(L, l.idx), read_table_condition, &l, err, errcap, st,
                                incomplete_is_data);
}

/* Each condition is parsed right after its texts are read (the strings
** stay on the stack until then). */
nlw_cond_box *nlw_parse_conditions(lua_State *L, size_t n, nlw_cond_reader read, void *ctx, char *err,
                                   size_t errcap, NTSTATUS *st, int incomplete_is_data)
{
    size_t i;
    nlw_cond_box *b = push_box(L, n);
    *st = STATUS_SUCCESS;
    for (i = 0; i < n; i++) {
        ntsec_wfp_condition_text t;
        char why[200] = "";
        int top = lua_gettop(L), r = read(L, ctx, i, &t);
        if (r <= 0) {
            if (!incomplete_is_data) luaL_error(L, "condition needs field, match and type");
            *st = STATUS_INVALID_PARAMETER;
            if (r == NLW_COND_BAD_BOUND)
                snprintf(err, errcap, "condition %d: a range bound holds more than a type and a value"
                         " (an address mask or a range; FWP_VALUE0 holds neither)", (int)i + 1);
            else
                snprintf(err, errcap, "condition %d needs field, match and type", (int)i + 1);
            lua_settop(L, top);
            return b;
        }
        *st = ntsec_wfp_set_condition_from_text(b->set, &t, &b->conds[i], why, sizeof why);
        lua_settop(L, top);
        if (*st != STATUS_SUCCESS) {
            snprintf(err, errcap, "condition %d: %s", (int)i + 1, why[0] ? why : ntsec_status_name(*st));
            return b;
        }
        b->n = (uint32_t)i + 1;
    }
    return b;
}

/* ---- engine -> Lua ---- */

static void push_utf16(lua_State *L, const uint8_t *p, size_t n)
{
    luaL_Buffer b;
    size_t i;
    luaL_buffinit(L, &b);
    for (i = 0; i + 1 < n; i += 2) {
        uint32_t u = (uint32_t)p[i] | ((uint32_t)p[i + 1] << 8);
        if (u >= 0xD800 && u < 0xDC00 && i + 3 < n) {
            uint32_t lo = (uint32_t)p[i + 2] | ((uint32_t)p[i + 3] << 8);
            if (lo >= 0xDC00 && lo < 0xE000) {
                u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                i += 2;
            }
        }
        if (u == 0 && i + 2 >= n) break;     /* the app id's terminating NUL */
        if (u < 0x80) {
            luaL_addchar(&b, (char)u);
        } else if (u < 0x800) {
            luaL_addchar(&b, (char)(0xC0 | (u >> 6)));
            luaL_addchar(&b, (char)(0x80 | (u & 0x3F)));
        } else if (u < 0x10000) {
            luaL_addchar(&b, (char)(0xE0 | (u >> 12)));
            luaL_addchar(&b, (char)(0x80 | ((u >> 6) & 0x3F)));
            luaL_addchar(&b, (char)(0x80 | (u & 0x3F)));
        } else {
            luaL_addchar(&b, (char)(0xF0 | (u >> 18)));
            luaL_addchar(&b, (char)(0x80 | ((u >> 12) & 0x3F)));
            luaL_addchar(&b, (char)(0x80 | ((u >> 6) & 0x3F)));
            luaL_addchar(&b, (char)(0x80 | (u & 0x3F)));
        }
    }
    luaL_pushresult(&b);
}

static void push_v4(lua_State *L, uint32_t host)
{
    lua_pushfstring(L, "%d.%d.%d.%d", (int)(host >> 24), (int)((host >> 16) & 255),
                    (int)((host >> 8) & 255), (int)(host & 255));
}

static void push_v6(lua_State *L, const uint8_t a[16])
{
    char s[INET6_ADDRSTRLEN];
    if (inet_ntop(AF_INET6, a, s, sizeof s)) lua_pushstring(L, s);
    else nlw_push_hex(L, a, 16);
}

static void push_buf(lua_State *L, ntsec_buf *b)
{
    if (b->oom) {
        ntsec_buf_free(b);
        luaL_error(L, "not enough memory");
    }
    lua_pushlstring(L, b->data ? (const char *)b->data : "", b->len);
    ntsec_buf_free(b);
}

/* value (and value2 / as_string) of v into the table on top. */
static void set_value(lua_State *L, const ntsec_fwp_value *v, int address)
{
    ntsec_buf b;
    ntsec_buf_init(&b);
    switch (v->type) {
    case NTSEC_FWP_EMPTY: return;
    case NTSEC_FWP_UINT32:
        if (address) push_v4(L, (uint32_t)v->n.u);
        else lua_pushfstring(L, "%I", (lua_Integer)v->n.u);
        break;
    case NTSEC_FWP_UINT8: case NTSEC_FWP_UINT16:
        lua_pushfstring(L, "%I", (lua_Integer)v->n.u);
        break;
    case NTSEC_FWP_UINT64: {
        char s[24];
        snprintf(s, sizeof s, "%llu", (unsigned long long)v->n.u);
        lua_pushstring(L, s);
        break;
    }
    case NTSEC_FWP_INT8: case NTSEC_FWP_INT16: case NTSEC_FWP_INT32: case NTSEC_FWP_INT64:
        lua_pushfstring(L, "%I", (lua_Integer)v->n.i);
        break;
    case NTSEC_FWP_BYTE_ARRAY16_TYPE: push_v6(L, v->n.a16); break;
    case NTSEC_FWP_BYTE_ARRAY6_TYPE: nlw_push_hex(L, v->n.a16, 6); break;
    case NTSEC_FWP_BYTE_BLOB_TYPE:
        push_utf16(L, v->p, v->len);
        lua_setfield(L, -2, "as_string");
        nlw_push_hex(L, v->p, v->len);
        break;
    case NTSEC_FWP_SID: ntsec_sid_format(&b, v->p); push_buf(L, &b); break;
    case NTSEC_FWP_SECURITY_DESCRIPTOR_TYPE:
        if (ntsec_sddl_format(v->obj, 0xFFFF, NULL, &b) != STATUS_SUCCESS) b.len = 0;
        push_buf(L, &b);
        break;
    case NTSEC_FWP_UNICODE_STRING_TYPE: push_utf16(L, v->p, v->len); break;
    case NTSEC_FWP_V4_ADDR_MASK:
        push_v4(L, v->n.v4.mask);
        lua_setfield(L, -2, "value2");
        push_v4(L, v->n.v4.addr);
        break;
    case NTSEC_FWP_V6_ADDR_MASK:
        lua_pushinteger(L, v->n.v6.prefix);
        lua_setfield(L, -2, "value2");
        push_v6(L, v->n.v6.addr);
        break;
    default:   /* TYPE_UNKNOWN: the dump's text */
        lua_pushlstring(L, v->p ? (const char *)v->p : "", v->len);
        break;
    }
    lua_setfield(L, -2, "value");
}

static const char *type_name(const ntsec_fwp_value *v)
{
    return v->type == NTSEC_FWP_TYPE_UNKNOWN ? v->name : ntsec_fwp_type_name(v->type);
}

static void set_bound(lua_State *L, const char *k, const ntsec_fwp_value *v, int address)
{
    lua_createtable(L, 0, 2);
    lua_pushstring(L, type_name(v));
    lua_setfield(L, -2, "type");
    set_value(L, v, address);
    lua_setfield(L, -2, k);
}

void nlw_push_condition(lua_State *L, const ntsec_wfp_condition *c)
{
    int address = (ntsec_wfp_field_roles(c->slot) & NTSEC_WFP_FIELD_ROLE_ADDRESS) != 0;
    const char *field = c->slot == NTSEC_WFP_FIELD_UNKNOWN ? c->field_text : ntsec_wfp_field_name(c->slot);
    const char *match = c->match == NTSEC_FWP_MATCH_UNKNOWN ? c->match_text : ntsec_fwp_match_name(c->match);
    int unknown = c->slot == NTSEC_WFP_FIELD_UNKNOWN || c->match == NTSEC_FWP_MATCH_UNKNOWN
               || c->value.type == NTSEC_FWP_TYPE_UNKNOWN || c->type == NTSEC_FWP_TYPE_UNKNOWN;
    lua_createtable(L, 0, 5);
    lua_pushstring(L, field);
    lua_setfield(L, -2, "field");
    lua_pushstring(L, match);
    lua_setfield(L, -2, "match");
    if (c->type == NTSEC_FWP_RANGE_TYPE) {
        lua_pushstring(L, "FWP_RANGE_TYPE");
        lua_setfield(L, -2, "type");
        set_bound(L, "low", &c->value, address);
        set_bound(L, "high", &c->high, address);
    } else {
        lua_pushstring(L, type_name(&c->value));
        lua_setfield(L, -2, "type");
        set_value(L, &c->value, address);
    }
    if (unknown) {
        lua_pushboolean(L, 1);
        lua_setfield(L, -2, "unknown");
    }
}

void nlw_push_conditions(lua_State *L, const ntsec_wfp_condition *c, uint32_t n)
{
    uint32_t i;
    lua_createtable(L, (int)n, 0);
    for (i = 0; i < n; i++) {
        nlw_push_condition(L, &c[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
}
