/*
** nl_ks_irp.c: IRPs and the faithful dispatch entry points of the
** kernel-streaming binding (wfp_ks_errors.md 4.2-4.5; docs/ks.md "Lua
** binding"): ks.irp{...}, irp fields and methods, ks.KsDispatchSetSecurity,
** ks.KsDispatchQuerySecurity, ks.KsDispatchInvalidDeviceRequest, ks.dispatch.
*/
#include <string.h>

#include "nl_ks.h"
#include "status.h"

static uint8_t check_major(lua_State *L, int t)
{
    static const char *const names[] = {"SET_SECURITY", "QUERY_SECURITY", NULL};
    static const uint8_t codes[] = {IRP_MJ_SET_SECURITY, IRP_MJ_QUERY_SECURITY};
    lua_Integer m;
    uint8_t major;
    lua_getfield(L, t, "major");
    if (lua_type(L, -1) == LUA_TSTRING) {
        major = codes[luaL_checkoption(L, -1, NULL, names)];
    } else {
        m = luaL_checkinteger(L, -1);
        if (m != IRP_MJ_SET_SECURITY && m != IRP_MJ_QUERY_SECURITY)
            luaL_error(L, "irp: major must be SET_SECURITY or QUERY_SECURITY");
        major = (uint8_t)m;
    }
    lua_pop(L, 1);
    return major;
}

/* Build the C IRP described by the table at t for the file at file_idx. */
static ntsec_ks_irp *build_irp(lua_State *L, int t, ntsec_ks_file *file, uint8_t major)
{
    SECURITY_INFORMATION si = (SECURITY_INFORMATION)nl_field_int(L, t, "ks.irp", "security_information", 0,
                                                                 0xFFFFFFFF, 0);
    lua_Integer length = nl_field_int(L, t, "ks.irp", "length", 0, 0x7FFFFFFF, 0);
    if (major == IRP_MJ_SET_SECURITY) {
        /* SD or SDDL (a literal: raises when it does not parse); the
        ** parsed descriptor stays on the stack, the IRP holds a reference */
        nl_field_typed(L, t, "ks.irp", "security_descriptor", (1u << LUA_TSTRING) | (1u << LUA_TUSERDATA));
        return ntsec_ks_irp_new_set_security(file, si, nl_opt_sd(L, lua_gettop(L)));
    }
    return ntsec_ks_irp_new_query_security(file, si, (uint32_t)length);
}

/* Frees the C IRP (never its file). */
static void close_irp(lua_State *L, nl_handle *h, int idx)
{
    ud_irp *u = (ud_irp *)h;
    ntsec_ks_irp_free(u->irp);
    u->irp = NULL;
}

static const char *major_name(uint8_t major)
{
    return major == IRP_MJ_SET_SECURITY ? "SET_SECURITY" : "QUERY_SECURITY";
}

static void describe_irp(lua_State *L, nl_handle *h, int idx)
{
    char buf[11];
    const ntsec_ks_irp *irp = ((ud_irp *)h)->irp;
    lua_pushfstring(L, "%s, status %s, completed %d", major_name(irp->major_function),
                    nlk_hex32(buf, irp->io_status.status), (int)irp->completion_count);
}

const nl_handle_class nlk_irp_class = {NL_KS_IRP, "irp", describe_irp};

/* Store the optional token field as the requestor (kept alive in UV_TOKEN). */
static const ntsec_token *opt_requestor(lua_State *L, int t, int irp_idx)
{
    const ntsec_token *token;
    lua_getfield(L, t, "token");
    token = lua_isnil(L, -1) ? NULL : nl_check_token(L, -1);
    lua_setiuservalue(L, irp_idx, UV_TOKEN);
    return token;
}

/* ks.irp{major=, file=, security_information=, security_descriptor=,
**        length=, token=, information=} -> irp */
static int m_irp(lua_State *L)
{
    ud_irp *u;
    ntsec_ks_file *file;
    uint8_t major;
    static const char *const keys[] = {"major", "file", "security_information", "security_descriptor",
                                       "length", "token", "information", NULL};
    lua_settop(L, 1);
    nl_check_keys(L, 1, "ks.irp", keys);
    major = check_major(L, 1);
    lua_getfield(L, 1, "file");                 /* 2: file */
    file = nlk_open_file(L, 2);
    lua_getiuservalue(L, 2, UV_DEVICE);         /* 3: device */
    u = (ud_irp *)nl_handle_new(L, sizeof *u, 3, &nlk_irp_class);
    u->irp = NULL;
    nlk_adopt(L, 3, 1);
    lua_pushvalue(L, 2);
    lua_setiuservalue(L, -2, UV_FILE);
    u->irp = build_irp(L, 1, file, major);
    if (!u->irp) return luaL_error(L, "ks.irp: out of memory");
    u->h.close = close_irp;
    u->irp->requestor = opt_requestor(L, 1, 4);
    u->irp->io_status.information = (uint64_t)nl_field_int(L, 1, "ks.irp", "information", 0, LUA_MAXINTEGER, 0);
    lua_settop(L, 4);
    return 1;
}

/* The completion helper on the irp at 1 with the boost at 2. */
static NTSTATUS complete(lua_State *L)
{
    ntsec_ks_irp *irp = nlk_open_irp(L, 1);
    lua_Integer boost = luaL_optinteger(L, 2, IO_NO_INCREMENT);
    luaL_argcheck(L, boost >= 0 && boost <= 0xFF, 2, "boost out of range");
    return ntsec_ks_irp_complete(irp, (uint8_t)boost);
}

/* irp:complete([boost]) -> true | nil, err (a second completion fails with
** NTSEC_KS_STATUS_DOUBLE_COMPLETION, docs/ks.md) */
static int irp_complete(lua_State *L)
{
    return nl_result_nt(L, "complete", complete(L), 0);
}

/* ks.IoCompleteRequest(irp[, boost]): VOID, as in Windows; a double
** completion shows in irp.double_completed. */
static int m_complete_request(lua_State *L)
{
    complete(L);
    return 0;
}

/* The query answer: the first Information bytes once a query succeeded. */
static void push_buffer(lua_State *L, const ntsec_ks_irp *irp)
{
    if (irp->major_function == IRP_MJ_QUERY_SECURITY && irp->completion_count &&
        irp->io_status.status == STATUS_SUCCESS &&
        irp->io_status.information <= irp->query_security.length)
        lua_pushlstring(L, (const char *)irp->user_buffer, (size_t)irp->io_status.information);
    else
        lua_pushnil(L);
}

static SECURITY_INFORMATION irp_si(const ntsec_ks_irp *irp)
{
    return irp->major_function == IRP_MJ_SET_SECURITY ? irp->set_security.security_information
                                                      : irp->query_security.security_information;
}

static int irp_index(lua_State *L)
{
    const char *k = luaL_checkstring(L, 2);
    ntsec_ks_irp *irp;
    if (nl_handle_push_method(L, 1, k)) return 1;
    irp = nlk_open_irp(L, 1);
    if (!strcmp(k, "status")) nl_push_code(L, irp->io_status.status);
    else if (!strcmp(k, "information")) lua_pushinteger(L, (lua_Integer)irp->io_status.information);
    else if (!strcmp(k, "completed")) lua_pushinteger(L, irp->completion_count);
    else if (!strcmp(k, "double_completed")) lua_pushboolean(L, irp->double_completed);
    else if (!strcmp(k, "buffer")) push_buffer(L, irp);
    else if (!strcmp(k, "major")) lua_pushstring(L, major_name(irp->major_function));
    else if (!strcmp(k, "security_information")) lua_pushinteger(L, irp_si(irp));
    else if (!strcmp(k, "length")) lua_pushinteger(L, irp->query_security.length);
    else if (!strcmp(k, "file")) lua_getiuservalue(L, 1, UV_FILE);
    else lua_pushnil(L);
    return 1;
}

/* ---- faithful dispatch entry points ---- */

/* Check (device, irp) for a dispatch: both open, same device, file open.
** want_major 0 accepts any major function. */
static ntsec_ks_irp *dispatch_args(lua_State *L, ntsec_ks_device **dev, uint8_t want_major)
{
    ntsec_ks_irp *irp;
    int same;
    *dev = nlk_open_device(L, 1);
    irp = nlk_open_irp(L, 2);
    lua_getiuservalue(L, 2, UV_DEVICE);
    same = lua_rawequal(L, 1, -1);
    lua_getiuservalue(L, 2, UV_FILE);
    nlk_open_file(L, lua_gettop(L));
    lua_pop(L, 2);
    luaL_argcheck(L, same, 2, "irp of another device");
    luaL_argcheck(L, !want_major || irp->major_function == want_major, 2,
                  want_major == IRP_MJ_SET_SECURITY ? "not a SET_SECURITY irp"
                                                    : "not a QUERY_SECURITY irp");
    return irp;
}

/* ks.KsDispatchSetSecurity(device, irp) -> NTSTATUS */
static int m_set_security(lua_State *L)
{
    ntsec_ks_device *dev;
    ntsec_ks_irp *irp = dispatch_args(L, &dev, IRP_MJ_SET_SECURITY);
    nl_push_code(L, ntsec_ks_dispatch_set_security(dev, irp));
    return 1;
}

/* ks.KsDispatchQuerySecurity(device, irp) -> NTSTATUS */
static int m_query_security(lua_State *L)
{
    ntsec_ks_device *dev;
    ntsec_ks_irp *irp = dispatch_args(L, &dev, IRP_MJ_QUERY_SECURITY);
    nl_push_code(L, ntsec_ks_dispatch_query_security(dev, irp));
    return 1;
}

/* ks.KsDispatchInvalidDeviceRequest(device, irp) -> NTSTATUS */
static int m_invalid_device_request(lua_State *L)
{
    ntsec_ks_device *dev;
    ntsec_ks_irp *irp = dispatch_args(L, &dev, 0);
    nl_push_code(L, ntsec_ks_dispatch_invalid_device_request(dev, irp));
    return 1;
}

/* ks.dispatch(device, irp) -> NTSTATUS (through the header's table) */
static int m_dispatch(lua_State *L)
{
    ntsec_ks_device *dev;
    ntsec_ks_irp *irp = dispatch_args(L, &dev, 0);
    nl_push_code(L, ntsec_ks_dispatch_irp(dev, irp));
    return 1;
}

void nlk_register_irp_kind(lua_State *L)
{
    static const luaL_Reg irp_methods[] = {{"complete", irp_complete}, {"close", nl_handle_close_method},
                                           {NULL, NULL}};
    nl_handle_register(L, &nlk_irp_class, NULL, irp_methods, irp_index);
}

void nlk_set_irp_functions(lua_State *L)
{
    static const luaL_Reg funcs[] = {
        {"irp", m_irp}, {"dispatch", m_dispatch}, {"IoCompleteRequest", m_complete_request},
        {"KsDispatchSetSecurity", m_set_security}, {"KsDispatchQuerySecurity", m_query_security},
        {"KsDispatchInvalidDeviceRequest", m_invalid_device_request}, {NULL, NULL}};
    luaL_setfuncs(L, funcs, 0);
}
