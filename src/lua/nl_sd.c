/*
** nl_sd.c: the security-descriptor value type ("ntsec.sd"): one reference to
** an immutable self-relative descriptor (src/core/sd.h). Fields owner, group,
** dacl, sacl and control read the parts; :sddl() and :bytes() give the two
** wire forms (sd_semantics.md 1.7, 2.8).
*/
#include <string.h>

#include "nl.h"
#include "sddl.h"
#include "status.h"

/* Its address keys the descriptor metatable in the registry: a pointer
** lookup is cheaper than luaL_setmetatable/luaL_checkudata's string key
** on the hot paths (every parse and format). Never written. */
static const char sd_mt_key = 0;

/* Bytes of descriptors created since the collector was last told, kept
** per Lua state in a registry userdata (below 1 KiB between calls). */
typedef struct gc_pending { size_t bytes; } gc_pending;
static const char gc_pending_key = 0;   /* address = registry key; never written */

/* The descriptor bytes live in malloc memory the collector does not see
** (the userdata is one pointer). Without telling it, a loop creating
** descriptors makes Lua collect as if each cost ~40 bytes, and megabytes
** of dead descriptors pile up between cycles (measured: half the decode
** rate, docs/sddl.md "Performance"). So every KiB created becomes
** collector debt, as if Lua had allocated it. */
static void charge_collector(lua_State *L, size_t n)
{
    gc_pending *p;
    lua_rawgetp(L, LUA_REGISTRYINDEX, &gc_pending_key);
    p = (gc_pending *)lua_touserdata(L, -1);
    lua_pop(L, 1);
    if (!p) return;
    p->bytes += n;
    if (p->bytes < 1024) return;
    n = p->bytes >> 10;
    p->bytes &= 1023;
    /* LUA_GCSTEP runs even when the program stopped the collector: respect that */
    if (lua_gc(L, LUA_GCISRUNNING)) lua_gc(L, LUA_GCSTEP, (int)(n < 0x7FFFFFFF ? n : 0x7FFFFFFF));
}

void nl_push_sd(lua_State *L, ntsec_sd *sd)
{
    nl_sd *u = (nl_sd *)lua_newuserdatauv(L, sizeof(nl_sd), 0);
    u->tag = NL_SD_TAG;
    u->sd = sd;
    lua_rawgetp(L, LUA_REGISTRYINDEX, &sd_mt_key);
    lua_setmetatable(L, -2);
    charge_collector(L, sizeof *sd + sd->len);
}

ntsec_sd *nl_check_sd(lua_State *L, int idx)
{
    nl_sd *u = nl_sd_at(L, idx);
    if (u) return u->sd;
    if (lua_type(L, idx) == LUA_TSTRING) {   /* SDDL: parsed, replaces the string */
        ntsec_sd *sd = nl_to_sd(L, idx, "sddl");
        if (!sd) luaL_argerror(L, idx, nl_error_text(L, -1));
        return sd;
    }
    luaL_typeerror(L, idx, "security descriptor or SDDL string");
    return NULL;
}

ntsec_sd *nl_opt_sd(lua_State *L, int idx)
{
    return lua_isnoneornil(L, idx) ? NULL : nl_check_sd(L, idx);
}

/* Upvalues of the SDDL functions (nl_open_sd): the three context field
** names and the SID metatable, so that reading a context costs no string
** interning and no registry lookups. */
enum { UP_MACHINE = 1, UP_DOMAIN, UP_FOREST, UP_SID_MT, UP_COUNT = UP_SID_MT };

/* The SID at idx: a SID userdata's own bytes (no copy), or a SID string
** parsed into scratch (raises on a bad one, as nl_check_sid). */
static const uint8_t *ctx_sid(lua_State *L, int idx, uint8_t scratch[68])
{
    nl_sid *u = (nl_sid *)lua_touserdata(L, idx);
    int same = 0;
    if (u && lua_getmetatable(L, idx)) {
        same = lua_rawequal(L, -1, lua_upvalueindex(UP_SID_MT));
        lua_pop(L, 1);
    }
    return same ? u->b : nl_check_sid(L, idx, scratch);
}

/* nl_opt_sid_ctx for the functions holding the upvalues above. The three
** values stay on the stack until the call returns, which keeps userdata
** SIDs alive without copying them. */
static void read_ctx(lua_State *L, int idx, ntsec_sid_ctx *ctx, uint8_t store[3][68])
{
    const uint8_t *got[3] = {NULL, NULL, NULL};
    int i;
    memset(ctx, 0, sizeof *ctx);
    if (lua_isnoneornil(L, idx)) return;
    luaL_checktype(L, idx, LUA_TTABLE);
    for (i = 0; i < 3; i++) {
        lua_pushvalue(L, lua_upvalueindex(UP_MACHINE + i));
        if (lua_gettable(L, idx) != LUA_TNIL) got[i] = ctx_sid(L, lua_gettop(L), store[i]);
    }
    ctx->machine_sid = got[0];
    ctx->domain_sid = got[1];
    ctx->forest_sid = got[2];
}

/* ntsec.core.sd_from_sddl(s[, ctx]) -> sd | nil, msg, code, offset */
static int m_sd_from_sddl(lua_State *L)
{
    size_t len, off = 0;
    const char *s = luaL_checklstring(L, 1, &len);
    uint8_t store[3][68];
    ntsec_sid_ctx ctx;
    ntsec_sd *sd;
    NTSTATUS st;
    read_ctx(L, 2, &ctx, store);
    st = ntsec_sddl_parse(s, len, &ctx, &sd, &off);
    if (st != STATUS_SUCCESS) return nl_fail_parse(L, "sd", st, off);
    nl_push_sd(L, sd);
    return 1;
}

/* ntsec.core.sd_from_bytes(b) -> sd | nil, msg, code */
static int m_sd_from_bytes(lua_State *L)
{
    size_t len;
    const char *b = luaL_checklstring(L, 1, &len);
    ntsec_sd *sd;
    NTSTATUS st = ntsec_sd_from_bytes((const uint8_t *)b, len, &sd);
    if (st != STATUS_SUCCESS) return nl_fail_nt(L, "sd_from_bytes", st);
    nl_push_sd(L, sd);
    return 1;
}

/* Field k of the parts table: a SID (or SID string), an ACL (or ACL string;
** sacl: the SACL form) or nil. The value stays on the stack until the call
** returns. *failed is set, with the error object on top, when a string does
** not parse. */
static const uint8_t *opt_field_part(lua_State *L, int t, const char *k, int acl, int sacl, int *failed)
{
    const uint8_t *p;
    if (*failed || lua_getfield(L, t, k) == LUA_TNIL) return NULL;
    p = acl ? nl_to_acl(L, -1, sacl, "sd.build") : nl_to_sid(L, -1, "sd.build");
    if (!p) *failed = 1;
    return p;
}

/* ntsec.core.sd_build{owner=, group=, dacl=, sacl=, control=} -> sd | nil, err
** (strict option table; string parts are parsed, nil, err when they do not).
** control supplies the flag bits (PROTECTED, AUTO_INHERITED, ..., and
** SE_DACL_PRESENT with dacl = nil for a NULL DACL); a given dacl/sacl sets
** its PRESENT bit. */
static int m_sd_build(lua_State *L)
{
    static const char *const keys[] = {"owner", "group", "dacl", "sacl", "control", NULL};
    ntsec_sd_parts p;
    ntsec_sd *sd;
    NTSTATUS st;
    int failed = 0;
    lua_settop(L, 1);
    nl_check_keys(L, 1, "sd.build", keys);
    memset(&p, 0, sizeof p);
    p.control = (uint16_t)nl_field_int(L, 1, "sd.build", "control", 0, 0xFFFF, 0);
    p.owner = opt_field_part(L, 1, "owner", 0, 0, &failed);
    p.group = opt_field_part(L, 1, "group", 0, 0, &failed);
    p.dacl = opt_field_part(L, 1, "dacl", 1, 0, &failed);
    p.sacl = opt_field_part(L, 1, "sacl", 1, 1, &failed);
    if (failed) return nl_fail_top(L);
    if (p.dacl) p.control |= SE_DACL_PRESENT;
    if (p.sacl) p.control |= SE_SACL_PRESENT;
    if ((st = ntsec_sd_build(&p, &sd)) != STATUS_SUCCESS) return nl_fail_nt(L, "sd.build", st);
    nl_push_sd(L, sd);
    return 1;
}

/* sd:sddl([si[, ctx]]) -> string | nil, msg, code. si defaults to 0xFFFF.
** The text is built in a stack buffer (heap only for long descriptors),
** so a call allocates nothing but the Lua string. */
static int sd_sddl(lua_State *L)
{
    ntsec_sd *sd = nl_check_sd(L, 1);
    SECURITY_INFORMATION si = (SECURITY_INFORMATION)luaL_optinteger(L, 2, 0xFFFF);
    uint8_t store[3][68], text[4096];
    ntsec_sid_ctx ctx;
    ntsec_buf b;
    NTSTATUS st;
    read_ctx(L, 3, &ctx, store);
    ntsec_buf_init_on(&b, text, sizeof text);
    st = ntsec_sddl_format(sd, si, &ctx, &b);
    if (st != STATUS_SUCCESS) {
        ntsec_buf_free(&b);
        return nl_fail_nt(L, "sd:sddl", st);
    }
    lua_pushlstring(L, b.data ? (const char *)b.data : "", b.len);
    ntsec_buf_free(&b);
    return 1;
}

static int sd_bytes(lua_State *L)
{
    ntsec_sd *sd = nl_check_sd(L, 1);
    lua_pushlstring(L, (const char *)sd->bytes, sd->len);
    return 1;
}

/* sd:select(si) -> the descriptor a Get with si returns */
static int sd_select(lua_State *L)
{
    ntsec_sd *out;
    NTSTATUS st = ntsec_sd_select(nl_check_sd(L, 1), (SECURITY_INFORMATION)luaL_checkinteger(L, 2), &out);
    if (st != STATUS_SUCCESS) return nl_fail_nt(L, "sd:select", st);
    nl_push_sd(L, out);
    return 1;
}

static void push_opt_sid(lua_State *L, const uint8_t *sid)
{
    if (sid) nl_push_sid(L, sid);
    else lua_pushnil(L);
}

static void push_opt_acl(lua_State *L, const uint8_t *acl)
{
    if (acl) nl_push_acl(L, acl, ntsec_acl_size(acl));
    else lua_pushnil(L);
}

/* Field access: owner, group, dacl, sacl, control, dacl_present,
** sacl_present; methods first, from the methods table held as upvalue 1
** (one table lookup for sd:sddl() and friends, no string compares). */
static int sd_index(lua_State *L)
{
    ntsec_sd_parts p;
    const char *k;
    lua_pushvalue(L, 2);
    if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL) return 1;   /* methods check self */
    k = luaL_checkstring(L, 2);
    ntsec_sd_get_parts(nl_check_sd(L, 1), &p);
    if (!strcmp(k, "owner")) push_opt_sid(L, p.owner);
    else if (!strcmp(k, "group")) push_opt_sid(L, p.group);
    else if (!strcmp(k, "dacl")) push_opt_acl(L, p.dacl);
    else if (!strcmp(k, "sacl")) push_opt_acl(L, p.sacl);
    else if (!strcmp(k, "control")) lua_pushinteger(L, p.control);
    else if (!strcmp(k, "dacl_present")) lua_pushboolean(L, (p.control & SE_DACL_PRESENT) != 0);
    else if (!strcmp(k, "sacl_present")) lua_pushboolean(L, (p.control & SE_SACL_PRESENT) != 0);
    else lua_pushnil(L);
    return 1;
}

static int sd_eq(lua_State *L)
{
    lua_pushboolean(L, ntsec_sd_equal(nl_check_sd(L, 1), nl_check_sd(L, 2)));
    return 1;
}

/* tostring(sd): its SDDL, or "ntsec.sd (N bytes)" when it cannot print. */
static int sd_tostring(lua_State *L)
{
    ntsec_sd *sd = nl_check_sd(L, 1);
    uint8_t text[4096];
    ntsec_buf b;
    ntsec_buf_init_on(&b, text, sizeof text);
    if (ntsec_sddl_format(sd, 0xFFFF, NULL, &b) == STATUS_SUCCESS)
        lua_pushlstring(L, b.data ? (const char *)b.data : "", b.len);
    else
        lua_pushfstring(L, NL_SD " (%d bytes)", (int)sd->len);
    ntsec_buf_free(&b);
    return 1;
}

static int sd_gc(lua_State *L)
{
    nl_sd *u = (nl_sd *)lua_touserdata(L, 1);   /* only ever our own userdata */
    ntsec_sd_unref(u->sd);
    u->sd = NULL;
    return 0;
}

/* Push the UP_* upvalues. */
static void push_ctx_upvalues(lua_State *L)
{
    lua_pushliteral(L, "machine_sid");
    lua_pushliteral(L, "domain_sid");
    lua_pushliteral(L, "forest_sid");
    luaL_getmetatable(L, NL_SID);
}

void nl_open_sd(lua_State *L)
{
    static const luaL_Reg methods[] = {
        {"sddl", sd_sddl}, {"bytes", sd_bytes}, {"select", sd_select}, {NULL, NULL}};
    static const luaL_Reg meta[] = {{"__eq", sd_eq}, {"__tostring", sd_tostring}, {"__gc", sd_gc},
                                    {NULL, NULL}};
    static const luaL_Reg funcs[] = {{"sd_from_sddl", m_sd_from_sddl},
                                     {"sd_from_bytes", m_sd_from_bytes},
                                     {"sd_build", m_sd_build}, {NULL, NULL}};
    ((gc_pending *)lua_newuserdatauv(L, sizeof(gc_pending), 0))->bytes = 0;
    lua_rawsetp(L, LUA_REGISTRYINDEX, &gc_pending_key);
    luaL_newmetatable(L, NL_SD);
    nl_register_type(L, -1, "sd");
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &sd_mt_key);
    luaL_setfuncs(L, meta, 0);
    lua_createtable(L, 0, 3);
    push_ctx_upvalues(L);
    luaL_setfuncs(L, methods, UP_COUNT);
    lua_pushvalue(L, -1);
    lua_setfield(L, -3, "methods");
    lua_pushcclosure(L, sd_index, 1);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
    push_ctx_upvalues(L);
    luaL_setfuncs(L, funcs, UP_COUNT);
}
