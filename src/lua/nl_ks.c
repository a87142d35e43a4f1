/*
** nl_ks.c: the kernel-streaming binding, module.ks (wfp_ks_errors.md 4;
** docs/ks.md): devices, create items (filter factories and their child
** items), file objects, ks.type and the registration. IRPs and the dispatch
** entry points are in nl_ks_irp.c. Kinds: "ntsec.ks.device", "ntsec.ks.item",
** "ntsec.ks.file", "ntsec.ks.irp".
**
** Lifetime (lua_conventions.md 7): every child (item, file, irp) holds its
** device in user value 1; an irp also holds its file (2) and requestor token
** (3). The device keeps a weak-keyed set of files and irps (user value 1) and
** closes them before itself; its items live exactly as long as it does (user
** value 2 maps each C item to its userdata). close() on a closed object is a
** no-op returning true; any other use of a closed object raises.
*/
#include <stdio.h>
#include <string.h>

#include "nl_ks.h"
#include "status.h"

/* ---- handle classes (nl.h handle header) ---- */

static void describe_device(lua_State *L, nl_handle *h, int idx)
{
    lua_pushfstring(L, "%d items", (int)((ud_device *)h)->dev->create_items.count);
}

static void describe_item(lua_State *L, nl_handle *h, int idx)
{
    char buf[11];
    const ntsec_ks_create_item *item = ((ud_item *)h)->item;
    lua_pushfstring(L, "\"%s\", flags %s%s", item->object_class, nlk_hex32(buf, item->flags),
                    item->security_descriptor ? ", sd" : "");
}

static void describe_file(lua_State *L, nl_handle *h, int idx)
{
    char buf[11];
    const ntsec_ks_file *file = ((ud_file *)h)->file;
    lua_pushfstring(L, "access %s%s", nlk_hex32(buf, file->granted_access),
                    file->fs_context ? "" : ", no header");
}

const nl_handle_class nlk_device_class = {NL_KS_DEVICE, "device", describe_device};
const nl_handle_class nlk_item_class = {NL_KS_ITEM, "item", describe_item};
const nl_handle_class nlk_file_class = {NL_KS_FILE, "file", describe_file};

/* ---- accessors ---- */

ud_device *nlk_check_device(lua_State *L, int i)
{
    return (ud_device *)nl_handle_check(L, i, &nlk_device_class);
}

ntsec_ks_device *nlk_open_device(lua_State *L, int i)
{
    return ((ud_device *)nl_handle_open(L, i, &nlk_device_class))->dev;
}

static ntsec_ks_create_item *open_item(lua_State *L, int i)
{
    return ((ud_item *)nl_handle_open(L, i, &nlk_item_class))->item;
}

ntsec_ks_file *nlk_open_file(lua_State *L, int i)
{
    return ((ud_file *)nl_handle_open(L, i, &nlk_file_class))->file;
}

ud_irp *nlk_check_irp(lua_State *L, int i)
{
    return (ud_irp *)nl_handle_check(L, i, &nlk_irp_class);
}

ntsec_ks_irp *nlk_open_irp(lua_State *L, int i)
{
    return ((ud_irp *)nl_handle_open(L, i, &nlk_irp_class))->irp;
}

/* ---- children bookkeeping ---- */

/* Set user value 1 of the userdata on top to the device at dev_idx and add
** it to the device's child set when register_child is set. */
void nlk_adopt(lua_State *L, int dev_idx, int register_child)
{
    lua_pushvalue(L, dev_idx);
    lua_setiuservalue(L, -2, UV_DEVICE);
    if (!register_child) return;
    lua_getiuservalue(L, dev_idx, UV_CHILDREN);
    lua_pushvalue(L, -2);
    lua_pushboolean(L, 1);
    lua_rawset(L, -3);
    lua_pop(L, 1);
}

/* Push the item userdata of a C item of the device at dev_idx (or nil). */
static void push_item(lua_State *L, int dev_idx, const ntsec_ks_create_item *item)
{
    if (!item) {
        lua_pushnil(L);
        return;
    }
    lua_getiuservalue(L, dev_idx, UV_ITEMS);
    lua_rawgetp(L, -1, item);
    lua_remove(L, -2);
}

static void close_file(lua_State *L, nl_handle *h, int idx)
{
    ud_file *u = (ud_file *)h;
    ntsec_ks_file_free(u->file);
    u->file = NULL;
}

/* An item lives as long as its device: closing marks it closed. */
static void close_item(lua_State *L, nl_handle *h, int idx)
{
    ((ud_item *)h)->item = NULL;
}

/* Close every handle stored as a key (keys) or value of the user value uv
** of the device at dev_idx. */
static void close_all(lua_State *L, int dev_idx, int uv, int keys)
{
    lua_getiuservalue(L, dev_idx, uv);
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        nl_handle_close(L, keys ? -2 : -1);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

/* Closes the device's files and irps, and its items, before itself. */
static void close_device(lua_State *L, nl_handle *h, int idx)
{
    ud_device *u = (ud_device *)h;
    close_all(L, idx, UV_CHILDREN, 1);
    close_all(L, idx, UV_ITEMS, 0);
    ntsec_ks_device_free(u->dev);
    u->dev = NULL;
}

/* ---- device ---- */

/* Device security from an options table at t (or none): {sd=, characteristics=}. */
static int apply_device_options(lua_State *L, int t, ntsec_ks_device *dev)
{
    static const char *const keys[] = {"sd", "characteristics", NULL};
    ntsec_sd *sd = NULL;
    lua_Integer ch;
    if (lua_isnoneornil(L, t)) return 1;
    nl_check_keys(L, t, "ks.device", keys);
    ch = nl_field_int(L, t, "ks.device", "characteristics", 0, 0xFFFFFFFF, 0);
    if (nl_field_typed(L, t, "ks.device", "sd", (1u << LUA_TSTRING) | (1u << LUA_TUSERDATA)) != LUA_TNIL &&
        !(sd = nl_to_sd(L, -1, "ks.device")))
        return 0;
    ntsec_ks_device_set_security(dev, sd, (uint32_t)ch);
    return 1;
}

/* ks.device([{sd=, characteristics=}]) -> device */
static int m_device(lua_State *L)
{
    ud_device *u;
    lua_settop(L, 1);   /* 1: options or nil; 2: the device */
    u = (ud_device *)nl_handle_new(L, sizeof *u, 2, &nlk_device_class);
    u->dev = NULL;
    lua_newtable(L);
    lua_createtable(L, 0, 1);
    lua_pushliteral(L, "k");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    lua_setiuservalue(L, -2, UV_CHILDREN);
    lua_newtable(L);
    lua_setiuservalue(L, -2, UV_ITEMS);
    u->dev = ntsec_ks_device_new();
    if (!u->dev) return luaL_error(L, "ks.device: out of memory");
    u->h.close = close_device;
    if (!apply_device_options(L, 1, u->dev)) {
        nl_handle_close(L, 2);
        return nl_fail_top(L);
    }
    lua_settop(L, 2);
    return 1;
}

/* A new item on the device at dev_idx from the options table at t: a
** filter factory (parent NULL) or a child of parent. Pushes the item or the
** fail tuple. */
static int push_new_item(lua_State *L, int dev_idx, int t, ntsec_ks_create_item *parent)
{
    ntsec_ks_device *dev = nlk_open_device(L, dev_idx);
    ntsec_ks_create_item *item;
    size_t len;
    const char *name;
    ntsec_sd *sd;
    uint32_t flags;
    NTSTATUS st;
    static const char *const keys[] = {"name", "sd", "flags", NULL};
    const char *what = parent ? "add_child" : "add_create_item";
    nl_check_keys(L, t, what, keys);
    name = nl_field_str(L, t, what, "name", &len);
    if (!name) name = "";
    flags = (uint32_t)nl_field_int(L, t, what, "flags", 0, 0xFFFFFFFF, 0);
    sd = NULL;
    if (nl_field_typed(L, t, what, "sd", (1u << LUA_TSTRING) | (1u << LUA_TUSERDATA)) != LUA_TNIL &&
        !(sd = nl_to_sd(L, -1, what)))
        return nl_fail_top(L);
    lua_getiuservalue(L, dev_idx, UV_ITEMS);
    ((ud_item *)nl_handle_new(L, sizeof(ud_item), 1, &nlk_item_class))->item = NULL;
    nlk_adopt(L, dev_idx, 0);
    st = parent ? ntsec_ks_create_item_add_child(parent, name, len, sd, flags, &item)
                : ntsec_ks_device_add_create_item(dev, name, len, sd, flags, &item);
    if (st != STATUS_SUCCESS) return nl_fail_nt(L, parent ? "add_child" : "add_create_item", st);
    ((ud_item *)lua_touserdata(L, -1))->item = item;
    ((ud_item *)lua_touserdata(L, -1))->h.close = close_item;
    lua_pushvalue(L, -1);
    lua_rawsetp(L, -3, item);
    return 1;
}

/* device:add_create_item{name=, sd=, flags=} -> item | nil, msg, code */
static int device_add_create_item(lua_State *L)
{
    return push_new_item(L, 1, 2, NULL);
}

/* device:set_security(sd|nil[, characteristics]) -> true | nil, err (the
** device object's descriptor, an SD or SDDL, and Characteristics, e.g.
** FILE_DEVICE_SECURE_OPEN) */
static int device_set_security(lua_State *L)
{
    ntsec_ks_device *dev = nlk_open_device(L, 1);
    ntsec_sd *sd = NULL;
    lua_Integer ch = luaL_optinteger(L, 3, 0);
    luaL_argcheck(L, ch >= 0 && ch <= 0xFFFFFFFF, 3, "characteristics out of range");
    if (!lua_isnoneornil(L, 2) && !(sd = nl_to_sd(L, 2, "set_security"))) return nl_fail_top(L);
    ntsec_ks_device_set_security(dev, sd, (uint32_t)ch);
    lua_pushboolean(L, 1);
    return 1;
}

/* Push an array of the item userdata of list l (items of the device at dev_idx). */
static void push_item_list(lua_State *L, int dev_idx, const ntsec_ks_item_list *l)
{
    size_t i;
    lua_createtable(L, (int)l->count, 0);
    for (i = 0; i < l->count; i++) {
        push_item(L, dev_idx, l->items[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
}

/* device:items() -> array of the filter factories in list order */
static int device_items(lua_State *L)
{
    push_item_list(L, 1, &nlk_open_device(L, 1)->create_items);
    return 1;
}

/* Device fields: sd (the device object's descriptor, a new SD userdata, or
** nil) and characteristics; methods otherwise. */
static int device_index(lua_State *L)
{
    const char *k = luaL_checkstring(L, 2);
    ntsec_ks_device *dev;
    if (nl_handle_push_method(L, 1, k)) return 1;
    dev = nlk_open_device(L, 1);
    if (!strcmp(k, "sd") && dev->security_descriptor)
        nl_push_sd(L, ntsec_sd_ref(dev->security_descriptor));
    else if (!strcmp(k, "characteristics")) lua_pushinteger(L, dev->characteristics);
    else lua_pushnil(L);
    return 1;
}

/* New closed file userdata, child of the device at dev_idx. */
static ud_file *new_file(lua_State *L, int dev_idx)
{
    ud_file *u = (ud_file *)nl_handle_new(L, sizeof *u, 1, &nlk_file_class);
    u->file = NULL;
    nlk_adopt(L, dev_idx, 1);
    return u;
}

/* device:create(name[, token[, desired]]) -> file | nil, msg, code */
static int device_create(lua_State *L)
{
    ntsec_ks_device *dev = nlk_open_device(L, 1);
    size_t len;
    const char *name = luaL_checklstring(L, 2, &len);
    const ntsec_token *token = lua_isnoneornil(L, 3) ? NULL : nl_check_token(L, 3);
    ACCESS_MASK desired = (ACCESS_MASK)luaL_optinteger(L, 4, NTSEC_KS_DEFAULT_DESIRED_ACCESS);
    ud_file *u = new_file(L, 1);
    NTSTATUS st = ntsec_ks_create(dev, name, len, token, desired, &u->file);
    if (st != STATUS_SUCCESS) return nl_fail_nt(L, "create", st);
    u->h.close = close_file;
    return 1;
}

/* device:file_object([granted]) -> a file with no FsContext | nil, msg, code */
static int device_file_object(lua_State *L)
{
    ntsec_ks_device *dev = nlk_open_device(L, 1);
    ACCESS_MASK granted = (ACCESS_MASK)luaL_optinteger(L, 2, FILE_ALL_ACCESS);
    ud_file *u = new_file(L, 1);
    NTSTATUS st = ntsec_ks_file_new(dev, granted, &u->file);
    if (st != STATUS_SUCCESS) return nl_fail_nt(L, "file_object", st);
    u->h.close = close_file;
    return 1;
}

/* device:fail_pool_allocations(n) -> true: fault injection, see ks_device.h. */
static int device_fail_pool_allocations(lua_State *L)
{
    ntsec_ks_device *dev = nlk_open_device(L, 1);
    lua_Integer n = luaL_checkinteger(L, 2);
    luaL_argcheck(L, n >= 0 && n <= 0xFFFF, 2, "count out of range");
    ntsec_ks_device_fail_pool_allocations(dev, (unsigned)n);
    lua_pushboolean(L, 1);
    return 1;
}

/* ---- item ---- */

/* item:add_child{name=, sd=, flags=} -> item | nil, msg, code: a child
** create item (pin, clock, ...) of the objects this item creates. */
static int item_add_child(lua_State *L)
{
    ntsec_ks_create_item *parent = open_item(L, 1);
    lua_getiuservalue(L, 1, UV_DEVICE);
    return push_new_item(L, lua_gettop(L), 2, parent);
}

/* Item fields: name, flags, sd, device, parent, children; method add_child. */
static int item_index(lua_State *L)
{
    const char *k = luaL_checkstring(L, 2);
    ntsec_ks_create_item *item;
    if (nl_handle_push_method(L, 1, k)) return 1;
    item = open_item(L, 1);
    if (!strcmp(k, "flags")) lua_pushinteger(L, item->flags);
    else if (!strcmp(k, "name")) lua_pushlstring(L, item->object_class, item->object_class_len);
    else if (!strcmp(k, "sd") && item->security_descriptor)
        nl_push_sd(L, ntsec_sd_ref(item->security_descriptor));
    else if (!strcmp(k, "device")) lua_getiuservalue(L, 1, UV_DEVICE);
    else if (!strcmp(k, "parent") || !strcmp(k, "children")) {
        lua_getiuservalue(L, 1, UV_DEVICE);
        if (k[0] == 'p') push_item(L, lua_gettop(L), item->parent);
        else push_item_list(L, lua_gettop(L), &item->children);
    } else {
        lua_pushnil(L);
    }
    return 1;
}

/* ---- file ---- */

/* "0x%08X" of v in buf (lua_pushfstring has no %X). */
const char *nlk_hex32(char buf[11], uint32_t v)
{
    snprintf(buf, 11, "0x%08X", (unsigned)v);
    return buf;
}


/* Dispatch table argument: nil = default, or {set_security=bool,
** query_security=bool} where a false/absent slot is NULL. */
static const ntsec_ks_dispatch_table *check_table(lua_State *L, int i, ntsec_ks_dispatch_table *t)
{
    if (lua_isnoneornil(L, i)) return NULL;
    luaL_checktype(L, i, LUA_TTABLE);
    lua_getfield(L, i, "set_security");
    lua_getfield(L, i, "query_security");
    t->set_security = lua_toboolean(L, -2) ? ntsec_ks_dispatch_set_security : NULL;
    t->query_security = lua_toboolean(L, -1) ? ntsec_ks_dispatch_query_security : NULL;
    lua_pop(L, 2);
    return t;
}

/* Item argument that must belong to the file's device (or nil). */
static ntsec_ks_create_item *opt_own_item(lua_State *L, int i, int file_idx)
{
    ntsec_ks_create_item *item;
    int same;
    if (lua_isnoneornil(L, i)) return NULL;
    item = open_item(L, i);
    lua_getiuservalue(L, i, UV_DEVICE);
    lua_getiuservalue(L, file_idx, UV_DEVICE);
    same = lua_rawequal(L, -1, -2);
    lua_pop(L, 2);
    luaL_argcheck(L, same, i, "create item of another device");
    return item;
}

/* The array of items at i (or nil) as a new C array in *out (a userdata
** left on the stack keeps it alive); returns the count. Every entry must be
** an open item of the file's device. */
static size_t opt_item_array(lua_State *L, int i, int file_idx, ntsec_ks_create_item ***out)
{
    lua_Integer n, k;
    *out = NULL;
    if (lua_isnoneornil(L, i)) return 0;
    luaL_checktype(L, i, LUA_TTABLE);
    n = luaL_len(L, i);
    luaL_argcheck(L, n >= 0 && n <= 0xFFFF, i, "too many items");
    *out = (ntsec_ks_create_item **)lua_newuserdatauv(L, (size_t)n * sizeof **out + 1, 0);
    for (k = 1; k <= n; k++) {
        lua_geti(L, i, k);
        (*out)[k - 1] = opt_own_item(L, lua_gettop(L), file_idx);
        lua_pop(L, 1);
    }
    return (size_t)n;
}

/* KsAllocateObjectHeader for the file at 1 with (item, table, children)
** at 2..4; children = the ItemsList, an array of items. */
static NTSTATUS allocate_header(lua_State *L)
{
    ntsec_ks_file *file = nlk_open_file(L, 1);
    ntsec_ks_create_item *item = opt_own_item(L, 2, 1);
    ntsec_ks_create_item **children;
    size_t n = opt_item_array(L, 4, 1, &children);
    ntsec_ks_dispatch_table t;
    return ntsec_ks_file_attach_header(file, item, check_table(L, 3, &t), children, n);
}

/* ks.KsAllocateObjectHeader(file, item|nil, table|nil, children|nil) -> NTSTATUS */
static int m_allocate_header(lua_State *L)
{
    nl_push_code(L, allocate_header(L));
    return 1;
}

/* file:allocate_header([item[, table[, children]]]) -> true | nil, err */
static int file_allocate_header(lua_State *L)
{
    return nl_result_nt(L, "allocate_header", allocate_header(L), 0);
}

/* ks.KsFreeObjectHeader(file): VOID, as in Windows (FsContext becomes NULL) */
static int m_free_header(lua_State *L)
{
    ntsec_ks_file_detach_header(nlk_open_file(L, 1));
    return 0;
}

/* file:free_header() -> true */
static int file_free_header(lua_State *L)
{
    m_free_header(L);
    lua_pushboolean(L, 1);
    return 1;
}

/* The optional leading token of ([token, ]si, ...): *token (NULL = kernel
** caller); returns the index of si. */
static int token_then_si(lua_State *L, const ntsec_token **token)
{
    int a = lua_type(L, 2) == LUA_TNUMBER ? 2 : 3;
    *token = (a == 3 && !lua_isnil(L, 2)) ? nl_check_token(L, 2) : NULL;
    return a;
}

/* A SECURITY_INFORMATION / 32-bit argument. */
static uint32_t check_u32(lua_State *L, int i)
{
    lua_Integer v = luaL_checkinteger(L, i);
    luaL_argcheck(L, v >= 0 && v <= 0xFFFFFFFF, i, "32-bit value expected");
    return (uint32_t)v;
}

/* file:set_security([token, ]si, sd) -> true | nil, err (NtSetSecurityObject
** through the I/O manager's handle check; token nil = kernel caller; sd an
** SD or SDDL, a parse failure is nil, err). */
static int file_set_security(lua_State *L)
{
    ntsec_ks_file *file = nlk_open_file(L, 1);
    const ntsec_token *token;
    int a = token_then_si(L, &token);
    SECURITY_INFORMATION si = check_u32(L, a);
    ntsec_sd *sd = nl_to_sd(L, a + 1, "set_security");
    if (!sd) return nl_fail_top(L);
    return nl_result_nt(L, "set_security", ntsec_ks_io_set_security(file, token, si, sd), 0);
}

/* ks.NtSetSecurityObject(file, token|nil, si, sd|bytes) -> NTSTATUS: the
** faithful call; a string is the self-relative descriptor buffer (captured
** and validated after the handle check, 4.6 capture row). */
static int m_nt_set_security(lua_State *L)
{
    ntsec_ks_file *file = nlk_open_file(L, 1);
    const ntsec_token *token = lua_isnil(L, 2) ? NULL : nl_check_token(L, 2);
    SECURITY_INFORMATION si = check_u32(L, 3);
    NTSTATUS st;
    if (lua_type(L, 4) == LUA_TSTRING) {
        size_t len;
        const char *b = lua_tolstring(L, 4, &len);
        st = ntsec_ks_io_set_security_bytes(file, token, si, (const uint8_t *)b, len);
    } else {
        st = ntsec_ks_io_set_security(file, token, si, nl_check_sd(L, 4));
    }
    nl_push_code(L, st);
    return 1;
}

/* ks.KsCreateDefaultSecurity(parent|nil, token) -> NTSTATUS[, sd]: the
** faithful call with token as the caller's subject context (ks_security.h).
** parent: a descriptor or its SDDL (text that does not parse raises, as the
** Windows routine takes a descriptor). */
static int m_create_default_security(lua_State *L)
{
    ntsec_sd *parent = NULL, *out = NULL;
    const ntsec_token *token;
    NTSTATUS st;
    lua_settop(L, 2);
    if (!lua_isnil(L, 1) && !(parent = nl_to_sd(L, 1, "KsCreateDefaultSecurity")))
        return luaL_error(L, "KsCreateDefaultSecurity: ParentSecurity: %s", luaL_tolstring(L, -1, NULL));
    token = nl_check_token(L, 2);
    st = ntsec_ks_create_default_security(parent, token, &out);
    nl_push_code(L, st);
    if (st != STATUS_SUCCESS) return 1;
    nl_push_sd(L, out);
    return 2;
}

/* NtQuerySecurityObject of file at 1 into a buffer of length bytes: returns
** the status; on success the bytes are pushed, else nothing; *needed set. */
static NTSTATUS query_into(lua_State *L, ntsec_ks_file *file, const ntsec_token *token,
                           SECURITY_INFORMATION si, lua_Integer length, uint32_t *needed)
{
    uint8_t *buf;
    NTSTATUS st;
    luaL_argcheck(L, length >= 0 && length <= 0x100000, 4, "length out of range");
    buf = (uint8_t *)lua_newuserdatauv(L, (size_t)length + 1, 0);
    st = ntsec_ks_io_query_security(file, token, si, buf, (uint32_t)length, needed);
    if (st == STATUS_SUCCESS) lua_pushlstring(L, (const char *)buf, *needed);
    lua_remove(L, st == STATUS_SUCCESS ? -2 : -1);
    return st;
}

/* ks.NtQuerySecurityObject(file, token|nil, si, length) -> NTSTATUS,
** bytes|nil, needed (the faithful call; STATUS_BUFFER_TOO_SMALL with the
** length needed, 4.5). */
static int m_nt_query_security(lua_State *L)
{
    ntsec_ks_file *file = nlk_open_file(L, 1);
    const ntsec_token *token = lua_isnil(L, 2) ? NULL : nl_check_token(L, 2);
    SECURITY_INFORMATION si = check_u32(L, 3);
    uint32_t needed = 0;
    NTSTATUS st = query_into(L, file, token, si, luaL_checkinteger(L, 4), &needed);
    if (st != STATUS_SUCCESS) lua_pushnil(L);
    nl_push_code(L, st);
    lua_insert(L, -2);
    lua_pushinteger(L, needed);
    return 3;
}

/* file:query_security([token, ]si) -> sd | nil, err: the descriptor parts
** selected by si, as NtQuerySecurityObject returns them (the buffer is
** sized from the first answer). */
static int file_query_security(lua_State *L)
{
    ntsec_ks_file *file = nlk_open_file(L, 1);
    const ntsec_token *token;
    int a = token_then_si(L, &token);
    SECURITY_INFORMATION si = check_u32(L, a);
    uint32_t needed = 0;
    ntsec_sd *sd;
    size_t len;
    const char *b;
    NTSTATUS st = query_into(L, file, token, si, 4096, &needed);
    if (st == STATUS_BUFFER_TOO_SMALL) st = query_into(L, file, token, si, needed, &needed);
    if (st != STATUS_SUCCESS) return nl_fail_nt(L, "query_security", st);
    b = lua_tolstring(L, -1, &len);
    if ((st = ntsec_sd_from_bytes((const uint8_t *)b, len, &sd)) != STATUS_SUCCESS)
        return nl_fail_nt(L, "query_security", st);
    nl_push_sd(L, sd);
    return 1;
}

/* file:create(name[, token[, desired]]) -> file | nil, msg, code: a create
** relative to this file object (a pin of a filter, ...). */
static int file_create(lua_State *L)
{
    ntsec_ks_file *parent = nlk_open_file(L, 1);
    size_t len;
    const char *name = luaL_checklstring(L, 2, &len);
    const ntsec_token *token = lua_isnoneornil(L, 3) ? NULL : nl_check_token(L, 3);
    ACCESS_MASK desired = (ACCESS_MASK)luaL_optinteger(L, 4, NTSEC_KS_DEFAULT_DESIRED_ACCESS);
    int dev_idx;
    ud_file *u;
    NTSTATUS st;
    lua_getiuservalue(L, 1, UV_DEVICE);
    dev_idx = lua_gettop(L);
    nlk_open_device(L, dev_idx);
    u = new_file(L, dev_idx);
    st = ntsec_ks_create_related(parent, name, len, token, desired, &u->file);
    if (st != STATUS_SUCCESS) return nl_fail_nt(L, "create", st);
    u->h.close = close_file;
    return 1;
}

static int file_index(lua_State *L)
{
    const char *k = luaL_checkstring(L, 2);
    ntsec_ks_file *file;
    if (nl_handle_push_method(L, 1, k)) return 1;
    file = nlk_open_file(L, 1);
    if (!strcmp(k, "granted_access")) lua_pushinteger(L, file->granted_access);
    else if (!strcmp(k, "has_header")) lua_pushboolean(L, file->fs_context != NULL);
    else if (!strcmp(k, "device")) lua_getiuservalue(L, 1, UV_DEVICE);
    else if (!strcmp(k, "item")) {
        lua_getiuservalue(L, 1, UV_DEVICE);
        push_item(L, lua_gettop(L), ntsec_ks_query_object_create_item(file->fs_context));
    } else if (!strcmp(k, "children") && file->fs_context) {
        lua_getiuservalue(L, 1, UV_DEVICE);
        push_item_list(L, lua_gettop(L), &file->fs_context->child_items);
    } else {
        lua_pushnil(L);
    }
    return 1;
}

/* ks.type(x) -> "device" | "closed device" | "item" | ... | nil (for
** anything but a KS handle); ntsec.type answers the same. */
static int m_type(lua_State *L)
{
    nl_handle *h = nl_handle_test(L, 1);
    if (h == NULL || strncmp(h->cls->tname, "ntsec.ks.", 9) != 0) return 0;
    return nl_type(L);
}

/* ---- registration ---- */

static void open_kinds(lua_State *L)
{
    static const luaL_Reg dev_methods[] = {
        {"add_create_item", device_add_create_item}, {"create", device_create},
        {"file_object", device_file_object}, {"items", device_items},
        {"set_security", device_set_security},
        {"fail_pool_allocations", device_fail_pool_allocations}, {"close", nl_handle_close_method},
        {NULL, NULL}};
    static const luaL_Reg item_methods[] = {{"add_child", item_add_child}, {NULL, NULL}};
    static const luaL_Reg file_methods[] = {
        {"set_security", file_set_security}, {"query_security", file_query_security},
        {"create", file_create}, {"allocate_header", file_allocate_header},
        {"free_header", file_free_header}, {"close", nl_handle_close_method}, {NULL, NULL}};
    nl_handle_register(L, &nlk_device_class, NULL, dev_methods, device_index);
    nl_handle_register(L, &nlk_item_class, NULL, item_methods, item_index);
    nl_handle_register(L, &nlk_file_class, NULL, file_methods, file_index);
    nlk_register_irp_kind(L);
}

void nl_open_ks(lua_State *L)
{
    static const luaL_Reg funcs[] = {
        {"device", m_device}, {"type", m_type},
        {"NtSetSecurityObject", m_nt_set_security}, {"NtQuerySecurityObject", m_nt_query_security},
        {"KsAllocateObjectHeader", m_allocate_header}, {"KsFreeObjectHeader", m_free_header},
        {"KsCreateDefaultSecurity", m_create_default_security}, {NULL, NULL}};
    static const nl_const consts[] = {
        {"KSCREATE_ITEM_SECURITYCHANGED", KSCREATE_ITEM_SECURITYCHANGED},
        {"KSCREATE_ITEM_WILDCARD", KSCREATE_ITEM_WILDCARD},
        {"KSCREATE_ITEM_NOPARAMETERS", KSCREATE_ITEM_NOPARAMETERS},
        {"KSCREATE_ITEM_FREEONSTOP", KSCREATE_ITEM_FREEONSTOP},
        {"IRP_MJ_QUERY_SECURITY", IRP_MJ_QUERY_SECURITY},
        {"IRP_MJ_SET_SECURITY", IRP_MJ_SET_SECURITY},
        {"IO_NO_INCREMENT", IO_NO_INCREMENT},
        {"DEFAULT_DESIRED_ACCESS", NTSEC_KS_DEFAULT_DESIRED_ACCESS},
        {"FILE_DEVICE_SECURE_OPEN", FILE_DEVICE_SECURE_OPEN},
        {"STATUS_DOUBLE_COMPLETION", NTSEC_KS_STATUS_DOUBLE_COMPLETION},
        {NULL, 0}};
    open_kinds(L);
    luaL_newlib(L, funcs);
    nlk_set_irp_functions(L);
    nl_set_consts(L, consts);
    /* object classes of ks.h (SDK): KSSTRING_Filter, _Pin, _Clock */
    lua_pushliteral(L, "{9B365890-165F-11D0-A195-0020AFD156E4}");
    lua_setfield(L, -2, "KSSTRING_Filter");
    lua_pushliteral(L, "{146F1A80-4791-11D0-A5D6-28DB04C10000}");
    lua_setfield(L, -2, "KSSTRING_Pin");
    lua_pushliteral(L, "{53172480-4791-11D0-A5D6-28DB04C10000}");
    lua_setfield(L, -2, "KSSTRING_Clock");
    lua_setfield(L, -2, "ks");
}
