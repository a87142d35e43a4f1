/*
** nl_wfp_enum.c: enum handles "ntsec.wfp.enum" (Fwpm*CreateEnumHandle0,
** Enum0, DestroyEnumHandle0; wfp_enum.h) and the iterator form
** `for x in session:enum_callouts{layer = ...} do ... end`, whose fourth
** value is the enum handle, closed when the loop ends or breaks
** (lua_conventions.md 7.14). A handle holds its session in user value 1;
** closing the session destroys it (the userdata then reads as closed).
**
** Templates: keyed kinds {provider|providerKey, layer|layerKey,
** callout|calloutKey}; connections {connection_id|connectionId}; endpoints
** {local_subnet, remote_subnet ("10.0.0.0/8", "fe80::/64"), protocol,
** local_port, remote_port}.
*/
#include <stdlib.h>
#include <string.h>

#include "nl_wfp.h"
#include "wfp_enum.h"
#include "status.h"

typedef struct ud_enum {
    nl_handle hd;                 /* close: DestroyEnumHandle0 */
    ntsec_wfp_engine *e;          /* NULL: closed */
    ntsec_wfp_handle h;           /* the owning session */
    uint64_t handle;
    ntsec_wfp_kind kind;
} ud_enum;

const nl_handle_class nlw_enum_class = {NL_WFP_ENUM, "enum", NULL};

static ud_enum *check_enum(lua_State *L, int idx)
{
    return (ud_enum *)nl_handle_check(L, idx, &nlw_enum_class);
}

/* 1 when the handle's session is still open (its engine alive). */
static int session_alive(lua_State *L, int idx)
{
    ud_session *s;
    lua_getiuservalue(L, idx, 1);
    s = (ud_session *)luaL_testudata(L, -1, NL_WFP_SESSION);
    lua_pop(L, 1);
    return s && s->e;
}

/* DestroyEnumHandle0 when the session still lives (nl_handle close function). */
static void close_enum(lua_State *L, nl_handle *h, int idx)
{
    ud_enum *u = (ud_enum *)h;
    if (u->e && session_alive(L, idx)) ntsec_wfp_enum_destroy(u->e, u->h, u->kind, u->handle);
    u->e = NULL;
    lua_getiuservalue(L, idx, 1);   /* leave the session's set of children */
    if (lua_getiuservalue(L, -1, NLW_UV_SUBS) == LUA_TTABLE) {
        lua_pushvalue(L, idx);
        lua_pushnil(L);
        lua_rawset(L, -3);
    }
    lua_pop(L, 2);
}

/* ---- templates ---- */

static void template_key(lua_State *L, int t, const char *k1, const char *k2, ntsec_guid *g)
{
    nlw_get_alias(L, t, k1, k2);
    nlw_check_key(L, lua_gettop(L), g);
    lua_pop(L, 1);
}

/* "addr/bits" (bits default: the whole address); the IP version follows the text. */
static int read_subnet(lua_State *L, int t, const char *k1, const char *k2, ntsec_wfp_enum_template *tp,
                       uint8_t net[16], uint8_t *bits)
{
    char text[NTSEC_WFP_ADDR_TEXT];
    ntsec_wfp_addr a;
    const char *s, *slash;
    size_t n;
    nlw_get_alias(L, t, k1, k2);
    s = lua_isnil(L, -1) ? NULL : luaL_checkstring(L, -1);
    lua_pop(L, 1);   /* the template keeps the string */
    if (!s) return 0;
    slash = strchr(s, '/');
    n = slash ? (size_t)(slash - s) : strlen(s);
    if (n >= sizeof text) luaL_error(L, "malformed subnet '%s'", s);
    memcpy(text, s, n);
    text[n] = 0;
    tp->ip_version = strchr(text, ':') ? NTSEC_FWP_IP_VERSION_V6 : NTSEC_FWP_IP_VERSION_V4;
    if (!NT_SUCCESS(ntsec_wfp_addr_parse(text, tp->ip_version, &a))) luaL_error(L, "malformed subnet '%s'", s);
    memcpy(net, a.bin, 16);
    *bits = (uint8_t)(slash ? strtoul(slash + 1, NULL, 10) : (tp->ip_version ? 128 : 32));
    return 1;
}

static void read_endpoint_template(lua_State *L, int t, ntsec_wfp_enum_template *tp)
{
    int present;
    tp->has_local_subnet = read_subnet(L, t, "local_subnet", "localSubNet", tp, tp->local_subnet, &tp->local_prefix);
    tp->has_remote_subnet = read_subnet(L, t, "remote_subnet", "remoteSubNet", tp, tp->remote_subnet, &tp->remote_prefix);
    tp->protocol = (uint8_t)nlw_field_u64(L, t, "protocol", &present);
    tp->has_protocol = present;
    tp->local_port = (uint16_t)nlw_field_u64(L, t, "local_port", &present);
    tp->has_local_port = present;
    tp->remote_port = (uint16_t)nlw_field_u64(L, t, "remote_port", &present);
    tp->has_remote_port = present;
}

/* Read the template at t (nil: none); returns tp or NULL. */
static const ntsec_wfp_enum_template *read_template(lua_State *L, int t, ntsec_wfp_kind kind,
                                                   ntsec_wfp_enum_template *tp, ntsec_guid *provider)
{
    static const char *const keys[] = {
        "provider", "providerKey", "layer", "layerKey", "callout", "calloutKey", "connection_id",
        "connectionId", "local_subnet", "localSubNet", "remote_subnet", "remoteSubNet", "protocol",
        "local_port", "remote_port", NULL
    };
    int present;
    if (lua_isnoneornil(L, t)) return NULL;
    luaL_checktype(L, t, LUA_TTABLE);
    nl_check_keys(L, t, "template", keys);
    memset(tp, 0, sizeof *tp);
    if (kind == NTSEC_WFP_ENDPOINT) read_endpoint_template(L, t, tp);
    if (kind == NTSEC_WFP_CONNECTION) {
        tp->connection_id = nlw_field_u64(L, t, "connection_id", &present);
        if (!present) tp->connection_id = nlw_field_u64(L, t, "connectionId", &present);
    }
    nlw_get_alias(L, t, "provider", "providerKey");
    if (nlw_check_key(L, lua_gettop(L), provider) > 0) tp->provider = provider;
    lua_pop(L, 1);
    template_key(L, t, "layer", "layerKey", &tp->layer);
    template_key(L, t, "callout", "calloutKey", &tp->callout);
    return tp;
}

/* ---- faithful pieces ---- */

static void push_entry(lua_State *L, ntsec_wfp_kind kind, const void *items, size_t i)
{
    if (kind == NTSEC_WFP_CONNECTION) nlw_push_connection(L, (const ntsec_wfp_connection *)items + i);
    else if (kind == NTSEC_WFP_ENDPOINT) nlw_push_endpoint(L, (const ntsec_wfp_endpoint *)items + i);
    else nlw_push_object(L, (const ntsec_wfp_object_info *)items + i);
}

/* Create a handle; on success the userdata is pushed. */
static NTSTATUS create(lua_State *L, int sess_idx, ntsec_wfp_kind kind, int t)
{
    ud_session *s = nlw_open_session(L, sess_idx);
    ntsec_wfp_enum_template tp;
    ntsec_guid provider;
    const ntsec_wfp_enum_template *tpp = read_template(L, t, kind, &tp, &provider);
    uint64_t handle;
    NTSTATUS st;
    ud_enum *u = (ud_enum *)nl_handle_new(L, sizeof *u, 1, &nlw_enum_class);
    u->e = NULL;
    st = ntsec_wfp_enum_create(s->e, s->h, kind, tpp, &handle);
    if (!NT_SUCCESS(st)) {
        lua_pop(L, 1);
        return st;
    }
    u->e = s->e;
    u->h = s->h;
    u->handle = handle;
    u->kind = kind;
    u->hd.close = close_enum;
    lua_pushvalue(L, sess_idx);
    lua_setiuservalue(L, -2, 1);
    nlw_adopt_child(L, sess_idx);
    return STATUS_SUCCESS;
}

int nlw_enum_create(lua_State *L, int sess_idx, ntsec_wfp_kind kind, int t)
{
    ud_session *s = nlw_open_session(L, sess_idx);
    NTSTATUS st = create(L, sess_idx, kind, t);
    nl_push_code(L, nlw_code(s, st));
    if (NT_SUCCESS(st)) lua_insert(L, -2);   /* code, enum */
    else lua_pushnil(L);
    return 2;
}

static ud_enum *open_enum(lua_State *L, int idx)
{
    ud_enum *u = check_enum(L, idx);
    if (!u->hd.close || !session_alive(L, idx)) luaL_error(L, "attempt to use a closed enum");
    return u;
}

/* The one-call form Enum0(s): CreateEnumHandle0 + Enum0 of everything +
** DestroyEnumHandle0 (the older FwpsAleEndpointEnum0 shape). */
static int fetch_all(lua_State *L, int sess_idx, ntsec_wfp_kind kind)
{
    ud_session *s = nlw_open_session(L, sess_idx);
    NTSTATUS st = create(L, sess_idx, kind, lua_gettop(L) + 1);   /* no template */
    int e_idx;
    if (!NT_SUCCESS(st)) {
        nl_push_code(L, nlw_code(s, st));
        lua_pushnil(L);
        lua_pushinteger(L, 0);
        return 3;
    }
    e_idx = lua_gettop(L);
    lua_pushnil(L);   /* n: everything */
    nlw_enum_fetch(L, sess_idx, kind, e_idx, e_idx + 1);
    nl_handle_close(L, e_idx);
    return 3;
}

int nlw_enum_fetch(lua_State *L, int sess_idx, ntsec_wfp_kind kind, int enum_idx, int n_idx)
{
    ud_session *s = nlw_open_session(L, sess_idx);
    ud_enum *u;
    lua_Integer want;
    if (lua_isnoneornil(L, enum_idx)) return fetch_all(L, sess_idx, kind);
    u = open_enum(L, enum_idx);
    want = luaL_optinteger(L, n_idx, LUA_MAXINTEGER);
    const void *items;
    size_t n = 0, i;
    NTSTATUS st = ntsec_wfp_enum_next(s->e, s->h, kind, u->handle, want < 0 ? 0 : (size_t)want, &items, &n);
    nl_push_code(L, nlw_code(s, st));
    if (!NT_SUCCESS(st)) {
        lua_pushnil(L);
        lua_pushinteger(L, 0);
        return 3;
    }
    lua_createtable(L, (int)n, 0);
    for (i = 0; i < n; i++) {
        push_entry(L, kind, items, i);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_pushinteger(L, (lua_Integer)n);
    return 3;
}

int nlw_enum_destroy(lua_State *L, int sess_idx, ntsec_wfp_kind kind, int enum_idx)
{
    ud_session *s = nlw_open_session(L, sess_idx);
    ud_enum *u = open_enum(L, enum_idx);
    NTSTATUS st = ntsec_wfp_enum_destroy(s->e, s->h, kind, u->handle);
    if (NT_SUCCESS(st)) {
        u->e = NULL;
        u->hd.close = NULL;
    }
    nl_push_code(L, nlw_code(s, st));
    return 1;
}

/* ---- iterator form ---- */

static int iter_step(lua_State *L)
{
    ud_enum *u = check_enum(L, 1);
    const void *items;
    size_t n = 0;
    NTSTATUS st;
    if (!u->hd.close) return 0;
    if (!session_alive(L, 1)) return luaL_error(L, "attempt to use a closed session");
    st = ntsec_wfp_enum_next(u->e, u->h, u->kind, u->handle, 1, &items, &n);
    if (!NT_SUCCESS(st)) return luaL_error(L, "enumeration failed: %s", ntsec_status_name(st));
    if (n == 0) return 0;
    push_entry(L, u->kind, items, 0);
    return 1;
}

/* The error an iterator constructor raises (lua_conventions.md 2.1: a fail
** tuple cannot flow into a for): "<api>CreateEnumHandle0: NAME (0x...): message"
** with the code the session's mode sees, through the one error object. */
static int raise_create_error(lua_State *L, const ud_session *s, ntsec_wfp_kind kind, NTSTATUS st)
{
    const ntsec_wfp_kind_info *row = ntsec_wfp_kind_row(kind);
    nlw_result(L, s, row, "CreateEnumHandle0", st, 0);
    lua_pushfstring(L, "%s%sCreateEnumHandle0: %s", row->prefix, row->stem, luaL_tolstring(L, -1, NULL));
    return lua_error(L);
}

int nlw_enum_iterate(lua_State *L, ntsec_wfp_kind kind)
{
    ud_session *s = nlw_open_session(L, 1);
    NTSTATUS st = create(L, 1, kind, 2);
    if (!NT_SUCCESS(st)) return raise_create_error(L, s, kind, st);
    lua_pushcfunction(L, iter_step);
    lua_insert(L, -2);        /* iter, enum */
    lua_pushnil(L);           /* control */
    lua_pushvalue(L, -2);     /* closing value: the enum handle */
    return 4;
}

/* ---- the kind ---- */

static const luaL_Reg enum_methods[] = {{"close", nl_handle_close_method}, {NULL, NULL}};

void nlw_open_enum_kind(lua_State *L)
{
    nl_handle_register(L, &nlw_enum_class, NULL, enum_methods, NULL);
}
