/*
** nl_ks.h: what the two halves of the kernel-streaming binding share
** (nl_ks.c: devices, items, files, registration; nl_ks_irp.c: IRPs and the
** dispatch entry points). Private to src/lua; docs/ks.md "Lua binding".
**
** Lifetime (lua_conventions.md 7): every child (item, file, irp) holds its
** device in user value UV_DEVICE; an irp also holds its file (UV_FILE) and
** requestor token (UV_TOKEN). The device keeps a weak-keyed set of its files
** and irps (UV_CHILDREN) and a map from C items to their userdata (UV_ITEMS).
*/
#ifndef NL_KS_H
#define NL_KS_H

#include "nl.h"
#include "ks.h"

#define NL_KS_DEVICE "ntsec.ks.device"
#define NL_KS_ITEM   "ntsec.ks.item"
#define NL_KS_FILE   "ntsec.ks.file"
#define NL_KS_IRP    "ntsec.ks.irp"

/* Handles (nl.h handle header first). An item is closed with its device. */
typedef struct ud_device { nl_handle h; ntsec_ks_device *dev; } ud_device;
typedef struct ud_item { nl_handle h; ntsec_ks_create_item *item; } ud_item;
typedef struct ud_file { nl_handle h; ntsec_ks_file *file; } ud_file;
typedef struct ud_irp { nl_handle h; ntsec_ks_irp *irp; } ud_irp;

extern const nl_handle_class nlk_device_class, nlk_item_class, nlk_file_class, nlk_irp_class;

enum { UV_DEVICE = 1, UV_FILE = 2, UV_TOKEN = 3 };      /* children */
enum { UV_CHILDREN = 1, UV_ITEMS = 2 };                  /* device */

/* The userdata at i of that kind; the open_ variants raise "attempt to use
** a closed <kind>" when it is closed (nl_handle_open). */
ud_device *nlk_check_device(lua_State *L, int i);
ntsec_ks_device *nlk_open_device(lua_State *L, int i);
ntsec_ks_file *nlk_open_file(lua_State *L, int i);
ud_irp *nlk_check_irp(lua_State *L, int i);
ntsec_ks_irp *nlk_open_irp(lua_State *L, int i);

/* Set user value UV_DEVICE of the userdata on top to the device at dev_idx;
** with register_child, also add it to the device's child set. */
void nlk_adopt(lua_State *L, int dev_idx, int register_child);

/* "0x%08X" of v in buf (lua_pushfstring has no %X). */
const char *nlk_hex32(char buf[11], uint32_t v);

/* nl_ks_irp.c: register the irp kind, and set ks.irp, ks.dispatch and the
** KsDispatch* functions on the table on top of the stack. */
void nlk_register_irp_kind(lua_State *L);
void nlk_set_irp_functions(lua_State *L);

#endif
