/*
** nl_wfp_import.c: engine:import_* (used by the netsh importer,
** lua/ntsec/netsh.lua). Each takes one record table and returns true, or
** nil, err (docs/design.md): err is an ntsec.errors object, the engine's
** status or STATUS_INVALID_PARAMETER for a malformed record, and err.detail
** names the record and the problem. Keys are GUID strings
** (braces optional) or FWPM_* symbolic names; "" means absent. No access
** checks: the records describe what exists on the dumped machine.
*/
#include <string.h>

#include "nl_wfp.h"
#include "nl_xml.h"
#include "wfp_import.h"
#include "wfp_flags.h"
#include "sid.h"
#include "status.h"
#include "wfp_classify.h"

/* Where a filter's conditions come from when the record is read from an
** XML item (engine:import_filter_item): its <filterCondition> element (-1:
** none) and the value-element table at stack index elements. */
typedef struct item_conditions {
    const struct xml_state *st;
    int list, elements, cursor;
} item_conditions;

/* References of a record, keyed by field name. */
typedef struct import_keys {
    ntsec_guid key, provider, layer, sublayer, callout;
} import_keys;

/* Numeric fields of each record kind: a dump value that is not a number is
** a malformed record (nil, err), not a programmer error. */
static const char *const OBJECT_NUMBERS[] = {"id", "weight", "effective_weight", NULL};
static const char *const SESSION_NUMBERS[] = {"pid", "txn_timeout_ms", NULL};
static const char *const ENDPOINT_NUMBERS[] = {"id", "protocol", "local_port", "remote_port",
    "local_token_modified_id", "mm_sa_id", "qm_sa_id", "ipsec_status", NULL};

/* The first of keys whose value in the record at 2 is not a number, or NULL. */
static const char *bad_number(lua_State *L, const char *const *keys)
{
    for (; *keys; keys++)
        if (!nlw_field_u64_ok(L, 2, *keys)) return *keys;
    return NULL;
}

/* nil, err with err.detail = the message on top of the stack ("<op>: ..."). */
static int fail_detail(lua_State *L, const char *op, NTSTATUS st)
{
    int msg = lua_gettop(L);
    nl_fail_nt(L, op, st);                   /* nil, err */
    lua_pushvalue(L, msg);
    lua_setfield(L, -2, "detail");
    lua_remove(L, msg);
    return 2;
}

static int fail(lua_State *L, const char *op, const char *fmt, const char *what)
{
    lua_pushfstring(L, "%s: ", op);
    lua_pushfstring(L, fmt, what);
    lua_concat(L, 2);
    return fail_detail(L, op, STATUS_INVALID_PARAMETER);
}

static int fail_status(lua_State *L, const char *op, NTSTATUS st)
{
    lua_pushfstring(L, "%s: %s", op, ntsec_status_name(st));
    return fail_detail(L, op, st);
}

/* Optional reference field k into *g; sets *ptr. Returns 0 and pushes the
** failure when the key is unknown. */
static int read_ref(lua_State *L, const char *op, const char *k, ntsec_guid *g,
                    const ntsec_guid **ptr, int *failed)
{
    const char *text;
    int r = nlw_field_key(L, 2, k, g, &text);
    *ptr = r > 0 ? g : NULL;
    if (r >= 0) return 1;
    *failed = fail(L, op, "unknown symbolic name or malformed key '%s'", text);
    return 0;
}

static int read_common(lua_State *L, const char *op, ntsec_wfp_object_spec *s, import_keys *k,
                       int *failed)
{
    const char *bad = NULL, *text;
    int present, r;
    memset(s, 0, sizeof *s);
    r = nlw_field_key(L, 2, "key", &k->key, &text);
    if (r == 0) return (*failed = fail(L, op, "%s", "record has no key")), 0;
    if (r < 0) return (*failed = fail(L, op, "unknown symbolic name or malformed key '%s'", text)), 0;
    s->key = k->key;
    s->id = nlw_field_u64(L, 2, "id", &present);
    s->has_id = present;
    s->name = nlw_field_string(L, 2, "name");
    s->description = nlw_field_string(L, 2, "description");
    if (!nlw_field_flags(L, 2, "flags", 1, &s->flags, &bad))
        return (*failed = fail(L, op, "unknown flag '%s'", bad)), 0;
    lua_getfield(L, 2, "sd");
    s->sd = nl_opt_sd(L, -1);
    lua_pop(L, 1);   /* the record keeps it alive */
    return read_ref(L, op, "provider", &k->provider, &s->provider, failed)
        && read_ref(L, op, "layer", &k->layer, &s->layer, failed)
        && read_ref(L, op, "sublayer", &k->sublayer, &s->sublayer, failed)
        && read_ref(L, op, "callout", &k->callout, &s->callout, failed);
}

static const char *const lifetime_names[] = {"auto", "dynamic", "static", "persistent", "builtin", NULL};

static void read_lifetime(lua_State *L, ntsec_wfp_object_spec *s)
{
    lua_getfield(L, 2, "lifetime");
    s->lifetime = (ntsec_wfp_lifetime)luaL_checkoption(L, -1, "auto", lifetime_names);
    lua_pop(L, 1);
}

/* action: an FWP_ACTION_* name or an integer. */
static int read_action(lua_State *L, const char *op, ntsec_wfp_object_spec *s, int *failed)
{
    size_t len;
    const char *name;
    lua_getfield(L, 2, "action");
    if (lua_type(L, -1) == LUA_TSTRING) {
        name = lua_tolstring(L, -1, &len);
        if (!ntsec_wfp_action_parse(name, len, &s->action)) {
            *failed = fail(L, op, "unknown action '%s'", name);
            return 0;
        }
    } else if (!lua_isnil(L, -1)) {
        s->action = (uint32_t)luaL_checkinteger(L, -1);
    }
    lua_pop(L, 1);
    return 1;
}

/* The texts of the next condition <item> of the item (nlw_cond_reader). */
static int item_condition(lua_State *L, void *ctx, size_t i, ntsec_wfp_condition_text *t)
{
    item_conditions *ic = ctx;
    (void)i;                                   /* read in order */
    ic->cursor = nl_xml_next_child(ic->st, ic->list, ic->cursor, "item");
    return nl_xml_condition_text(L, ic->st, ic->cursor, ic->elements, t);
}

/* The conditions' box, pushed: from the record's `conditions` list, or
** from the item (ic). NULL (nothing pushed) when there are none. */
static nlw_cond_box *read_conditions(lua_State *L, item_conditions *ic, char *err, size_t errcap, NTSTATUS *st)
{
    size_t n = 0;
    int c;
    if (!ic) {
        lua_getfield(L, 2, "conditions");
        if (lua_isnil(L, -1)) return NULL;
        return nlw_read_conditions(L, -1, err, errcap, st, 1);
    }
    if (ic->list < 0) return NULL;
    for (c = nl_xml_next_child(ic->st, ic->list, -1, "item"); c >= 0; c = nl_xml_next_child(ic->st, ic->list, c, "item"))
        n++;
    ic->cursor = -1;
    return nlw_parse_conditions(L, n, item_condition, ic, err, errcap, st, 1);
}

/* A filter's conditions ({field=, match=, type=, value=, ...}, the shape of
** nl_wfp_cond.c), effective_weight and provider_context. The conditions'
** box is left on the stack until the import returns. ic: read the
** conditions from the XML item instead of the record's list. */
static int read_filter(lua_State *L, const char *op, ntsec_wfp_object_spec *s, item_conditions *ic, int *failed)
{
    ntsec_wfp_filter_fields *f = &s->filter;
    const char *text;
    char err[256];
    NTSTATUS st;
    int present, r;
    f->effective_weight = nlw_field_u64(L, 2, "effective_weight", &present);
    f->has_effective_weight = present;
    r = nlw_field_key(L, 2, "provider_context", &f->provider_context, &text);
    if (r < 0) return (*failed = fail(L, op, "malformed provider context key '%s'", text)), 0;
    f->has_provider_context = r > 0;
    {
        nlw_cond_box *b = read_conditions(L, ic, err, sizeof err, &st);
        if (!b) return 1;
        if (st != STATUS_SUCCESS) return (*failed = fail(L, op, "%s", err)), 0;
        f->conditions = b->conds;
        f->condition_count = b->n;
    }
    return 1;
}

static int read_context(lua_State *L, const char *op, ntsec_wfp_object_spec *s, int *failed);

/* Flag names the flag table does not have (kept by name, docs/wfp.md):
** joined with " | " and left on the stack (NULL when there are none). */
static const char *push_flag_names(lua_State *L)
{
    luaL_Buffer b;
    lua_Integer i, n;
    size_t len;
    int any = 0, t;
    uint32_t v;
    lua_getfield(L, 2, "flags");
    t = lua_gettop(L);
    if (!lua_istable(L, -1)) {
        lua_pop(L, 1);
        return NULL;
    }
    n = (lua_Integer)lua_rawlen(L, -1);
    luaL_buffinit(L, &b);
    for (i = 1; i <= n; i++) {
        const char *name;
        lua_rawgeti(L, t, i);
        name = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, &len) : NULL;
        lua_pop(L, 1);
        if (!name || ntsec_wfp_flag_parse(name, len, &v)) continue;
        if (any) luaL_addstring(&b, " | ");
        luaL_addlstring(&b, name, len);
        any = 1;
    }
    luaL_pushresult(&b);
    lua_remove(L, -2);
    if (any) return lua_tostring(L, -1);
    lua_pop(L, 1);
    return NULL;
}

static int import_kind(lua_State *L, ntsec_wfp_kind kind, const char *op, item_conditions *ic)
{
    ntsec_wfp_engine *e = nlw_open_engine(L, 1);
    ntsec_wfp_object_spec s;
    import_keys k;
    int failed = 0, present;
    const char *bad;
    NTSTATUS st;
    luaL_checktype(L, 2, LUA_TTABLE);
    if ((bad = bad_number(L, OBJECT_NUMBERS)) != NULL) return fail(L, op, "field '%s' is not a number", bad);
    if (!read_common(L, op, &s, &k, &failed)) return failed;
    read_lifetime(L, &s);
    s.service = nlw_field_string(L, 2, "service");
    s.weight = nlw_field_u64(L, 2, "weight", &present);
    s.has_weight = present;
    if (kind == NTSEC_WFP_FILTER && !read_action(L, op, &s, &failed)) return failed;
    if (kind == NTSEC_WFP_FILTER && !read_filter(L, op, &s, ic, &failed)) return failed;
    if (kind == NTSEC_WFP_PROVIDER_CONTEXT && !read_context(L, op, &s, &failed)) return failed;
    s.flag_names = push_flag_names(L);
    st = ntsec_wfp_import_object(e, kind, &s);
    if (!NT_SUCCESS(st)) return fail_status(L, op, st);
    lua_pushboolean(L, 1);
    return 1;
}

static int e_import_provider(lua_State *L) { return import_kind(L, NTSEC_WFP_PROVIDER, "import_provider", NULL); }
static int e_import_sublayer(lua_State *L) { return import_kind(L, NTSEC_WFP_SUBLAYER, "import_sublayer", NULL); }
static int e_import_layer(lua_State *L) { return import_kind(L, NTSEC_WFP_LAYER, "import_layer", NULL); }
static int e_import_callout(lua_State *L) { return import_kind(L, NTSEC_WFP_CALLOUT, "import_callout", NULL); }
static int e_import_filter(lua_State *L) { return import_kind(L, NTSEC_WFP_FILTER, "import_filter", NULL); }
static int e_import_provider_context(lua_State *L)
{
    return import_kind(L, NTSEC_WFP_PROVIDER_CONTEXT, "import_provider_context", NULL);
}

/* The reusable record table of the item imports (created on first use;
** taken out of the registry while in use, so a nested call makes its own). */
static const char scratch_key = 0;

/* engine:import_<kind>_item(item, fields): the record item:record(1,
** fields) would build is read into the scratch table (no table per
** object), the conditions straight from the item, then imported as
** engine:import_<kind>(record) imports it: same checks, same results. */
static int import_item(lua_State *L, ntsec_wfp_kind kind, const char *op)
{
    item_conditions ic;
    lua_Integer i, n;
    int nres;
    nlw_open_engine(L, 1);
    ic.st = nl_xml_check_view(L, 2);
    luaL_checktype(L, 3, LUA_TTABLE);
    lua_settop(L, 3);
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &scratch_key) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_createtable(L, 0, 16);
    }
    lua_insert(L, 2);                          /* 1 engine, 2 record, 3 item, 4 fields */
    lua_pushnil(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &scratch_key);
    ic.list = -1;
    lua_pushnil(L);                            /* 5: the conditions' value elements */
    n = (lua_Integer)lua_rawlen(L, 4);
    for (i = 1; i <= n; i++) {
        int list = -2;
        if (lua_rawgeti(L, 4, i) != LUA_TTABLE) luaL_error(L, "%s: fields[%d] is not a list", op, (int)i);
        if (nl_xml_push_field(L, ic.st, 0, 6, &list)) {
            lua_rawgeti(L, 6, 1);
            lua_insert(L, -2);
            lua_rawset(L, 2);
        } else if (list >= 0) {               /* <filterCondition>: read at the import */
            ic.list = list;
            lua_getfield(L, 6, "elements");
            luaL_checktype(L, -1, LUA_TTABLE);
            lua_replace(L, 5);
        }
        lua_settop(L, 5);
    }
    ic.elements = 5;
    nres = import_kind(L, kind, op, &ic);
    for (i = 1; i <= n; i++) {                 /* empty the record for the next item */
        lua_rawgeti(L, 4, i);
        lua_rawgeti(L, -1, 1);
        lua_pushnil(L);
        lua_rawset(L, 2);
        lua_pop(L, 1);
    }
    lua_pushvalue(L, 2);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &scratch_key);
    return nres;
}

static int e_import_filter_item(lua_State *L) { return import_item(L, NTSEC_WFP_FILTER, "import_filter"); }
static int e_import_callout_item(lua_State *L) { return import_item(L, NTSEC_WFP_CALLOUT, "import_callout"); }

/* sid field: SID userdata or S-... / alias string. 0 = absent, 1 = ok, -1 bad. */
static int read_sid(lua_State *L, uint8_t out[68], const char **text)
{
    static const ntsec_sid_ctx no_context;
    int r = 0;
    size_t len;
    lua_getfield(L, 2, "sid");
    if (lua_type(L, -1) == LUA_TSTRING) {
        *text = lua_tolstring(L, -1, &len);
        r = (len && NT_SUCCESS(ntsec_sid_from_string(*text, len, &no_context, out))) ? 1 : (len ? -1 : 0);
    } else if (!lua_isnil(L, -1)) {
        uint8_t scratch[68];
        const uint8_t *sid = nl_check_sid(L, -1, scratch);
        memcpy(out, sid, ntsec_sid_len(sid));
        r = 1;
    }
    lua_pop(L, 1);
    return r;
}

/* engine:import_session{key=, name=, description=, dynamic=, kernel_mode=,
** pid=, sid=, username=, txn_timeout_ms=} -> true | nil, err */
static int e_import_session(lua_State *L)
{
    ntsec_wfp_engine *e = nlw_open_engine(L, 1);
    ntsec_wfp_session_record r;
    uint8_t sid[68];
    const char *text = "";
    int present, rs;
    NTSTATUS st;
    luaL_checktype(L, 2, LUA_TTABLE);
    if ((text = bad_number(L, SESSION_NUMBERS)) != NULL)
        return fail(L, "import_session", "field '%s' is not a number", text);
    memset(&r, 0, sizeof r);
    rs = nlw_field_key(L, 2, "key", &r.key, &text);
    if (rs <= 0) return fail(L, "import_session", "malformed or missing session key '%s'", text);
    rs = read_sid(L, sid, &text);
    if (rs < 0) return fail(L, "import_session", "malformed sid '%s'", text);
    r.sid = rs > 0 ? sid : NULL;
    r.name = nlw_field_string(L, 2, "name");
    r.description = nlw_field_string(L, 2, "description");
    r.username = nlw_field_string(L, 2, "username");
    r.dynamic = nlw_field_bool(L, 2, "dynamic");
    r.kernel_mode = nlw_field_bool(L, 2, "kernel_mode");
    r.pid = (uint32_t)nlw_field_u64(L, 2, "pid", &present);
    r.txn_timeout_ms = (uint32_t)nlw_field_u64(L, 2, "txn_timeout_ms", &present);
    st = ntsec_wfp_import_session(e, &r);
    if (!NT_SUCCESS(st)) return fail_status(L, "import_session", st);
    lua_pushboolean(L, 1);
    return 1;
}

/* ip_version: FWP_IP_VERSION_* name or integer; default V4. */
static int read_ip_version(lua_State *L, uint32_t *v)
{
    size_t len;
    int ok = 1;
    *v = NTSEC_FWP_IP_VERSION_V4;
    lua_getfield(L, 2, "ip_version");
    if (lua_type(L, -1) == LUA_TSTRING) {
        const char *name = lua_tolstring(L, -1, &len);
        ok = ntsec_wfp_ip_version_parse(name, len, v);
    }
    else if (!lua_isnil(L, -1)) *v = (uint32_t)luaL_checkinteger(L, -1);
    lua_pop(L, 1);
    return ok;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Field k: hex text as netsh prints <appId><data> or <dataBuffer><data>;
** pushes the bytes (or ""). Returns 0 when the text is not hex. */
static int push_hex(lua_State *L, const char *k)
{
    size_t len, i;
    const char *s;
    luaL_Buffer b;
    lua_getfield(L, 2, k);
    s = lua_isnil(L, -1) ? "" : luaL_checklstring(L, -1, &len);
    if (lua_isnil(L, -1)) len = 0;
    if (len % 2) return 0;
    luaL_buffinit(L, &b);
    for (i = 0; i < len; i += 2) {
        int hi = hexval(s[i]), lo = hexval(s[i + 1]);
        if (hi < 0 || lo < 0) return 0;
        luaL_addchar(&b, (char)(hi << 4 | lo));
    }
    luaL_pushresult(&b);
    lua_remove(L, -2);
    return 1;
}

/* A provider context's type (an FWPM_*_CONTEXT name or an integer) and its
** data: `data` = a general context's dataBuffer as hex, or `data_text` = the
** dump's element for the other types as text (kept, not modelled). The
** bytes are left on the stack until the import returns. */
static int read_context(lua_State *L, const char *op, ntsec_wfp_object_spec *s, int *failed)
{
    size_t len;
    lua_getfield(L, 2, "type");
    /* a dump record without <type> is malformed input, not a caller's mistake */
    if (lua_isnil(L, -1)) return (*failed = fail(L, op, "%s", "provider context without a type")), 0;
    if (lua_type(L, -1) == LUA_TSTRING) {
        const char *name = lua_tolstring(L, -1, &len);
        if (!ntsec_wfp_context_type_parse(name, len, &s->context_type))
            return (*failed = fail(L, op, "unknown provider context type '%s'", name)), 0;
    } else {
        s->context_type = nlw_field_u32_value(L, -1, "type");
    }
    lua_pop(L, 1);
    lua_getfield(L, 2, "data_text");
    if (!lua_isnil(L, -1)) {
        s->data = (const uint8_t *)luaL_checklstring(L, -1, &s->data_len);
        s->data_is_text = 1;
        return 1;
    }
    lua_pop(L, 1);
    if (!push_hex(L, "data")) return (*failed = fail(L, op, "%s", "data is not hex")), 0;
    s->data = (const uint8_t *)lua_tolstring(L, -1, &s->data_len);
    return 1;
}

static uint64_t u64(lua_State *L, const char *k)
{
    int present;
    return nlw_field_u64(L, 2, k, &present);
}

/* Numeric fields of an endpoint ("0 (ERROR_SUCCESS)" reads as 0). */
static void read_endpoint_numbers(lua_State *L, ntsec_wfp_endpoint *ep)
{
    ep->protocol = (uint8_t)u64(L, "protocol");
    ep->local_port = (uint16_t)u64(L, "local_port");
    ep->remote_port = (uint16_t)u64(L, "remote_port");
    ep->local_token_modified_id = u64(L, "local_token_modified_id");
    ep->mm_sa_id = u64(L, "mm_sa_id");
    ep->qm_sa_id = u64(L, "qm_sa_id");
    ep->ipsec_status = (uint32_t)u64(L, "ipsec_status");
}

static int read_addresses(lua_State *L, ntsec_wfp_endpoint *ep, const char **bad)
{
    *bad = nlw_field_string(L, 2, "local_address");
    if (!NT_SUCCESS(ntsec_wfp_addr_parse(*bad, ep->ip_version, &ep->local))) return 0;
    *bad = nlw_field_string(L, 2, "remote_address");
    return NT_SUCCESS(ntsec_wfp_addr_parse(*bad, ep->ip_version, &ep->remote));
}

/* engine:import_endpoint{id=, ip_version=, local_address=, remote_address=,
** protocol=, local_port=, remote_port=, local_token_modified_id=, mm_sa_id=,
** qm_sa_id=, ipsec_status=, flags=, app_id=} -> true | nil, err */
static int e_import_endpoint(lua_State *L)
{
    ntsec_wfp_engine *e = nlw_open_engine(L, 1);
    ntsec_wfp_endpoint ep;
    const char *bad = NULL;
    int present;
    NTSTATUS st;
    luaL_checktype(L, 2, LUA_TTABLE);
    if ((bad = bad_number(L, ENDPOINT_NUMBERS)) != NULL)
        return fail(L, "import_endpoint", "field '%s' is not a number", bad);
    memset(&ep, 0, sizeof ep);
    ep.id = nlw_field_u64(L, 2, "id", &present);
    if (!present) return fail(L, "import_endpoint", "%s", "record has no id");
    if (!read_ip_version(L, &ep.ip_version)) return fail(L, "import_endpoint", "%s", "unknown ip_version");
    if (!read_addresses(L, &ep, &bad)) return fail(L, "import_endpoint", "malformed address '%s'", bad);
    read_endpoint_numbers(L, &ep);
    if (!nlw_field_flags(L, 2, "flags", 1, &ep.flags, &bad)) return fail(L, "import_endpoint", "unknown flag '%s'", bad);
    if (!push_hex(L, "app_id")) return fail(L, "import_endpoint", "%s", "app_id is not hex");
    ep.app_id = (const uint8_t *)lua_tolstring(L, -1, &ep.app_id_len);
    st = ntsec_wfp_import_endpoint(e, &ep);
    if (!NT_SUCCESS(st)) return fail_status(L, "import_endpoint", st);
    lua_pushboolean(L, 1);
    return 1;
}

/* engine:import_batch(fn, ...) -> what fn returns. Runs fn(...) as one
** atomic import (ntsec_wfp_import_begin/end): kept when fn's first result
** is true, removed entirely when it is false or nil or when fn raises (the
** error is raised again after the abort). Only import_* calls belong in fn.
** Errors: nil, "import_batch: STATUS_FWP_TXN_IN_PROGRESS" (a batch or a
** session's explicit transaction is open), a failed store commit. */
static int e_import_batch(lua_State *L)
{
    ntsec_wfp_engine *e = nlw_open_engine(L, 1);
    ntsec_wfp_import_batch b;
    int status, nres;
    NTSTATUS st;
    luaL_checktype(L, 2, LUA_TFUNCTION);
    st = ntsec_wfp_import_begin(e, &b);
    if (!NT_SUCCESS(st)) return fail_status(L, "import_batch", st);
    status = lua_pcall(L, lua_gettop(L) - 2, LUA_MULTRET, 0);
    nres = lua_gettop(L) - 1;
    if (nlw_check_engine(L, 1)->e != e) {     /* fn closed the engine: nothing left to end */
        if (status != LUA_OK) return lua_error(L);
        return nres;
    }
    if (status != LUA_OK) {
        ntsec_wfp_import_end(e, &b, 0);
        return lua_error(L);
    }
    st = ntsec_wfp_import_end(e, &b, nres > 0 && lua_toboolean(L, 2));
    if (!NT_SUCCESS(st)) return fail_status(L, "import_batch", st);
    return nres;
}

/* engine:import_xml(read, spec, on_item) -> true | nil, err (err.detail, err.line): the
** streaming item reader of nl_xml.h run as one import batch, so a dump that
** fails anywhere (XML error, truncation, on_item's nil, msg or error)
** leaves nothing imported. */
static int e_import_xml(lua_State *L)
{
    nlw_open_engine(L, 1);
    lua_settop(L, 4);
    lua_pushcfunction(L, nl_xml_items);
    lua_insert(L, 2);
    return e_import_batch(L);
}

static const luaL_Reg import_methods[] = {
    {"import_batch", e_import_batch}, {"import_xml", e_import_xml},
    {"import_provider", e_import_provider}, {"import_sublayer", e_import_sublayer},
    {"import_layer", e_import_layer}, {"import_callout", e_import_callout},
    {"import_filter", e_import_filter}, {"import_session", e_import_session},
    {"import_filter_item", e_import_filter_item}, {"import_callout_item", e_import_callout_item},
    {"import_provider_context", e_import_provider_context},
    {"import_endpoint", e_import_endpoint}, {NULL, NULL}
};

void nlw_add_import_methods(lua_State *L)
{
    luaL_setfuncs(L, import_methods, 0);
}
