/*
** ks_tree_test.c: the KS object hierarchy (filter factories, child create
** items, relative creates), KsAllocateObjectHeader's item list, the device
** object's own descriptor with FILE_DEVICE_SECURE_OPEN, and the I/O
** manager's query path (wfp_ks_errors.md 4.1-4.6; docs/ks.md).
**
** Expected values: the statuses of 4.2-4.6 and 5.6, the file mapping of 4.2
** (FILE_ALL_ACCESS 0x001F01FF, GR|GW|GX = 0x001201BF), and descriptor bytes
** assembled by hand from sd_semantics.md 1.2-1.7. The device descriptor is
** the HKR,,Security line of Microsoft's driver samples (docs/ks.md
** "Sources": microsoft/Windows-driver-samples thermal/simsensor/simsensor.inf,
** thermal/thermalclient/simtc.inf, powerlimit/plclient/plclient.inf,
** powerlimit/plpolicy/plpolicy.inf), which also set DeviceCharacteristics
** 0x0100 = FILE_DEVICE_SECURE_OPEN.
*/
#include <stdlib.h>
#include <string.h>

#include "ctest.h"
#include "ks.h"
#include "sddl.h"
#include "sid.h"
#include "status.h"

#define INF_SECURITY "D:P(A;;GA;;;BA)(A;;GA;;;SY)"
#define SDDL_DEVOBJ_SYS_ALL_ADM_ALL "D:P(A;;GA;;;SY)(A;;GA;;;BA)"
#define SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_R "D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GR;;;WD)"
/* ks.h (SDK): the object class of pins. */
#define KSSTRING_Pin "{146F1A80-4791-11D0-A5D6-28DB04C10000}"
#define PIN_CREATE KSSTRING_Pin "\\connect"   /* class, '\', KSPIN_CONNECT bytes */

/* Header: revision 1, control 0x9004 (SELF_RELATIVE|DACL_PROTECTED|
** DACL_PRESENT), DACL at 0x14. ACEs: ACCESS_ALLOWED, no flags, size, mask
** GENERIC_ALL 0x10000000, SID. */
#define HDR_DACL_ONLY "0100049000000000000000000000000014000000"
#define ACE_GA_SY "0000140000000010" "010100000000000512000000"
#define ACE_GA_BA "0000180000000010" "01020000000000052000000020020000"
#define HEX_INF_SECURITY HDR_DACL_ONLY "0200340002000000" ACE_GA_BA ACE_GA_SY
#define HEX_SYS_ALL HDR_DACL_ONLY "02001C0001000000" ACE_GA_SY
/* The I/O manager's "World" answer (ROS-SD SeSetWorldSecurityDescriptor):
** control 0x8004 (SELF_RELATIVE|DACL_PRESENT); DACL {rev 2, size 0x1C, one
** ACE GENERIC_ALL for S-1-1-0}; parts in the order DACL, owner, group. */
#define WORLD_SID "010100000000000100000000"
#define WORLD_DACL "02001C0001000000" "0000140000000010" WORLD_SID
#define HEX_WORLD_OGD "01000480" "30000000" "3C000000" "00000000" "14000000" \
    WORLD_DACL WORLD_SID WORLD_SID
#define HEX_WORLD_D "01000480" "00000000" "00000000" "00000000" "14000000" WORLD_DACL
#define HEX_WORLD_O "01000080" "14000000" "00000000" "00000000" "00000000" WORLD_SID

#define GROUP_ON (SE_GROUP_MANDATORY | SE_GROUP_ENABLED_BY_DEFAULT | SE_GROUP_ENABLED)

static ntsec_sd *sd_of(const char *sddl)
{
    ntsec_sd *sd = NULL;
    CHECK_EQ_U(ntsec_sddl_parse(sddl, strlen(sddl), NULL, &sd, NULL), STATUS_SUCCESS);
    return sd;
}

static int bytes_are_hex(const uint8_t *p, size_t n, const char *hex)
{
    unsigned char want[512];
    long m = ctest_unhex(hex, want, sizeof want);
    return p && m == (long)n && memcmp(p, want, n) == 0;
}

static void add_group(ntsec_token *t, const char *s, uint32_t attrs)
{
    uint8_t sid[68];
    CHECK_EQ_U(ntsec_sid_from_string(s, strlen(s), NULL, sid), STATUS_SUCCESS);
    CHECK_EQ_U(ntsec_token_add_group(t, sid, attrs), STATUS_SUCCESS);
}

static ntsec_token *token_of(const char *user, int admin)
{
    uint8_t sid[68];
    ntsec_token *t;
    CHECK_EQ_U(ntsec_sid_from_string(user, strlen(user), NULL, sid), STATUS_SUCCESS);
    t = ntsec_token_new(sid, 0);
    add_group(t, "S-1-1-0", GROUP_ON);
    add_group(t, "S-1-5-11", GROUP_ON);
    add_group(t, "S-1-5-32-545", GROUP_ON);
    if (admin) add_group(t, "S-1-5-32-544", GROUP_ON | SE_GROUP_OWNER);
    return t;
}

/* A device with filter factory GLOBAL (descriptor filter_sddl or none) whose
** objects get two child items: the pin (descriptor INF_SECURITY) and a
** descriptor-less clock. */
typedef struct tree {
    ntsec_ks_device *dev;
    ntsec_ks_create_item *factory, *pin, *clock;
    ntsec_sd *pin_sd;
    ntsec_token *user, *admin;
} tree;

static void tree_init(tree *t, const char *filter_sddl)
{
    ntsec_sd *fsd = filter_sddl ? sd_of(filter_sddl) : NULL;
    memset(t, 0, sizeof *t);
    t->dev = ntsec_ks_device_new();
    t->pin_sd = sd_of(INF_SECURITY);
    CHECK_EQ_U(ntsec_ks_device_add_create_item(t->dev, "GLOBAL", 6, fsd, 0, &t->factory),
               STATUS_SUCCESS);
    CHECK_EQ_U(ntsec_ks_create_item_add_child(t->factory, KSSTRING_Pin, strlen(KSSTRING_Pin),
                                              t->pin_sd, 0, &t->pin), STATUS_SUCCESS);
    CHECK_EQ_U(ntsec_ks_create_item_add_child(t->factory, "clock", 5, NULL, 0, &t->clock),
               STATUS_SUCCESS);
    ntsec_sd_unref(fsd);
    t->user = token_of("S-1-5-21-1-2-3-1001", 0);
    t->admin = token_of("S-1-5-21-1-2-3-500", 1);
}

static void tree_done(tree *t)
{
    ntsec_ks_device_free(t->dev);
    ntsec_sd_unref(t->pin_sd);
    ntsec_token_free(t->user);
    ntsec_token_free(t->admin);
}

static NTSTATUS pin_of(ntsec_ks_file *filter, const ntsec_token *tok, ACCESS_MASK want,
                       ntsec_ks_file **out)
{
    *out = NULL;
    return ntsec_ks_create_related(filter, PIN_CREATE, strlen(PIN_CREATE), tok, want, out);
}

/* Filter header carries the factory's children; pins resolve through it. */
static void test_children_and_relative_create(void)
{
    tree t;
    ntsec_ks_file *filter = NULL, *pin = NULL, *clock = NULL, *bare = NULL, *none = NULL;
    tree_init(&t, NULL);
    CHECK(t.pin->parent == t.factory && t.factory->parent == NULL);
    CHECK_EQ_U(ntsec_ks_create(t.dev, "\\GLOBAL", 7, NULL, MAXIMUM_ALLOWED, &filter),
               STATUS_SUCCESS);
    CHECK_EQ_U(filter->fs_context->child_items.count, 2);
    CHECK(filter->fs_context->child_items.items[0] == t.pin);
    CHECK(filter->fs_context->child_items.items[1] == t.clock);
    CHECK_EQ_U(pin_of(filter, NULL, MAXIMUM_ALLOWED, &pin), STATUS_SUCCESS);
    CHECK(ntsec_ks_query_object_create_item(pin->fs_context) == t.pin);
    CHECK_EQ_U(pin->granted_access, FILE_ALL_ACCESS);
    CHECK_EQ_U(pin->fs_context->child_items.count, 0);
    CHECK_EQ_U(ntsec_ks_create_related(filter, "CLOCK", 5, NULL, GENERIC_READ, &clock),
               STATUS_SUCCESS);
    CHECK(clock->fs_context->original_create_item == t.clock);
    CHECK_EQ_U(clock->granted_access, FILE_GENERIC_READ);
    /* pins are not filter factories, and filters have no "GLOBAL" child */
    CHECK_EQ_U(ntsec_ks_create(t.dev, PIN_CREATE, strlen(PIN_CREATE), NULL, 0, &bare),
               STATUS_OBJECT_NAME_NOT_FOUND);
    CHECK_EQ_U(ntsec_ks_create_related(filter, "GLOBAL", 6, NULL, 0, &bare),
               STATUS_OBJECT_NAME_NOT_FOUND);
    /* a pin has no children of its own, a header-less object none at all */
    CHECK_EQ_U(pin_of(pin, NULL, 0, &bare), STATUS_OBJECT_NAME_NOT_FOUND);
    CHECK_EQ_U(ntsec_ks_file_new(t.dev, FILE_ALL_ACCESS, &bare), STATUS_SUCCESS);
    CHECK_EQ_U(pin_of(bare, NULL, 0, &none), STATUS_OBJECT_NAME_NOT_FOUND);
    CHECK(none == NULL);
    CHECK(clock->fs_context->original_create_item == t.clock);
    ntsec_ks_file_free(bare);
    ntsec_ks_file_free(clock);
    ntsec_ks_file_free(filter);   /* the pin outlives its filter's file object */
    CHECK(ntsec_ks_query_object_create_item(pin->fs_context) == t.pin);
    ntsec_ks_file_free(pin);
    tree_done(&t);
}

/* Child lists follow the same rules as the device's (DDI-KSOCI). */
static void test_child_rules(void)
{
    tree t;
    tree_init(&t, NULL);
    CHECK_EQ_U(ntsec_ks_create_item_add_child(t.factory, "Clock", 5, NULL, 0, NULL),
               STATUS_OBJECT_NAME_COLLISION);
    CHECK_EQ_U(ntsec_ks_create_item_add_child(t.factory, "", 0, NULL, KSCREATE_ITEM_WILDCARD,
                                              NULL), STATUS_SUCCESS);
    CHECK_EQ_U(ntsec_ks_create_item_add_child(t.factory, "w", 1, NULL, KSCREATE_ITEM_WILDCARD,
                                              NULL), STATUS_INVALID_PARAMETER);
    CHECK_EQ_U(ntsec_ks_create_item_add_child(t.factory, "n", 1, NULL,
                                              KSCREATE_ITEM_WILDCARD | KSCREATE_ITEM_NOPARAMETERS,
                                              NULL), STATUS_INVALID_PARAMETER);
    CHECK_EQ_U(ntsec_ks_create_item_add_child(t.pin, "allocator", 9, NULL,
                                              KSCREATE_ITEM_NOPARAMETERS, NULL), STATUS_SUCCESS);
    CHECK_EQ_U(t.factory->children.count, 3);
    CHECK_EQ_U(t.pin->children.count, 1);
    CHECK(t.pin->children.items[0]->parent == t.pin);
    CHECK_EQ_U(t.dev->create_items.count, 1);
    tree_done(&t);
}

/* Pins are access-checked against their own item's descriptor. */
static void test_pin_access_and_security(void)
{
    tree t;
    ntsec_ks_file *filter, *pin;
    ntsec_ks_irp *irp;
    ntsec_sd *sys_all = sd_of("D:P(A;;GA;;;SY)");
    tree_init(&t, SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_R);
    CHECK_EQ_U(ntsec_ks_create(t.dev, "\\GLOBAL", 7, t.user, GENERIC_READ, &filter),
               STATUS_SUCCESS);
    CHECK_EQ_U(pin_of(filter, t.user, GENERIC_READ, &pin), STATUS_ACCESS_DENIED);
    CHECK(pin == NULL);
    CHECK_EQ_U(pin_of(filter, t.admin, MAXIMUM_ALLOWED, &pin), STATUS_SUCCESS);
    CHECK_EQ_U(pin->granted_access, FILE_ALL_ACCESS);
    irp = ntsec_ks_irp_new_set_security(pin, DACL_SECURITY_INFORMATION, sys_all);
    irp->requestor = t.admin;
    CHECK_EQ_U(ntsec_ks_dispatch_irp(t.dev, irp), STATUS_SUCCESS);
    CHECK_EQ_U(irp->completion_count, 1);
    CHECK(irp->create_item_storage == t.pin);
    CHECK(t.pin->security_descriptor != t.pin_sd && t.pin->security_descriptor != sys_all);
    CHECK(bytes_are_hex(t.pin->security_descriptor->bytes, t.pin->security_descriptor->len,
                        HEX_SYS_ALL));
    CHECK_EQ_U(t.pin->flags, KSCREATE_ITEM_SECURITYCHANGED);
    CHECK_EQ_U(t.factory->flags, 0);
    CHECK(bytes_are_hex(t.pin_sd->bytes, t.pin_sd->len, HEX_INF_SECURITY));
    ntsec_ks_irp_free(irp);
    /* the next pin create sees the new descriptor: administrators lost access */
    ntsec_ks_file_free(pin);
    CHECK_EQ_U(pin_of(filter, t.admin, GENERIC_READ, &pin), STATUS_ACCESS_DENIED);
    ntsec_ks_file_free(filter);
    ntsec_sd_unref(sys_all);
    tree_done(&t);
}

/* KsAllocateObjectHeader(Header, ItemsCount, ItemsList, ...) (DDI-KSAOH). */
static void test_allocate_object_header(void)
{
    tree t;
    ntsec_ks_object_header *h = NULL;
    ntsec_ks_create_item *dup[2], *list[2], *nul[1] = {NULL}, *wild2[2];
    tree_init(&t, NULL);
    list[0] = t.clock;
    list[1] = t.pin;
    dup[0] = dup[1] = t.pin;
    CHECK_EQ_U(ntsec_ks_allocate_object_header(t.dev, &h, t.factory, 0, NULL, NULL, 2),
               STATUS_INVALID_PARAMETER);
    CHECK_EQ_U(ntsec_ks_allocate_object_header(t.dev, &h, t.factory, 0, NULL, dup, 2),
               STATUS_OBJECT_NAME_COLLISION);
    CHECK_EQ_U(ntsec_ks_allocate_object_header(t.dev, &h, t.factory, 0, NULL, nul, 1),
               STATUS_INVALID_PARAMETER);
    ntsec_ks_create_item_add_child(t.factory, "w1", 2, NULL, KSCREATE_ITEM_WILDCARD, &wild2[0]);
    ntsec_ks_create_item_add_child(t.pin, "w2", 2, NULL, KSCREATE_ITEM_WILDCARD, &wild2[1]);
    CHECK_EQ_U(ntsec_ks_allocate_object_header(t.dev, &h, t.factory, 0, NULL, wild2, 2),
               STATUS_INVALID_PARAMETER);
    ntsec_ks_device_fail_pool_allocations(t.dev, 1);
    CHECK_EQ_U(ntsec_ks_allocate_object_header(t.dev, &h, t.factory, 0, NULL, list, 2),
               STATUS_INSUFFICIENT_RESOURCES);
    CHECK(h == NULL);
    CHECK_EQ_U(ntsec_ks_allocate_object_header(t.dev, &h, t.factory, 0x1F01FF, NULL, list, 2),
               STATUS_SUCCESS);
    CHECK(h != NULL && h->child_items.count == 2 && h->child_items.items[0] == t.clock);
    CHECK(h->child_items.items != list);
    CHECK_EQ_U(h->granted_access, FILE_ALL_ACCESS);
    CHECK(h->dispatch.set_security == ntsec_ks_dispatch_set_security);
    ntsec_ks_free_object_header(h);
    ntsec_ks_free_object_header(NULL);
    tree_done(&t);
}

/* The device object's descriptor and FILE_DEVICE_SECURE_OPEN (docs/ks.md
** "Device security"; windows-driver-docs controlling-device-namespace-access). */
static void test_device_security(void)
{
    tree t;
    ntsec_sd *inf = sd_of(INF_SECURITY);
    ntsec_ks_file *f = NULL, *admin_filter = NULL, *pin = NULL;
    tree_init(&t, NULL);
    ntsec_ks_device_set_security(t.dev, inf, 0);
    /* without SECURE_OPEN only the device itself is checked */
    CHECK_EQ_U(ntsec_ks_create(t.dev, "\\GLOBAL", 7, t.user, GENERIC_READ, &f), STATUS_SUCCESS);
    CHECK_EQ_U(f->granted_access, FILE_GENERIC_READ);
    CHECK_EQ_U(pin_of(f, t.user, 0, &pin), STATUS_ACCESS_DENIED);   /* pin item's own SD */
    ntsec_ks_file_free(f);
    f = NULL;
    CHECK_EQ_U(ntsec_ks_create(t.dev, "", 0, t.user, GENERIC_READ, &f), STATUS_ACCESS_DENIED);
    CHECK_EQ_U(ntsec_ks_create(t.dev, "", 0, t.admin, GENERIC_READ, &f),
               STATUS_OBJECT_NAME_NOT_FOUND);
    /* with it (the INF's DeviceCharacteristics 0x0100) every open is checked,
    ** before the name is even looked up */
    ntsec_ks_device_set_security(t.dev, inf, FILE_DEVICE_SECURE_OPEN);
    CHECK_EQ_U(t.dev->characteristics, 0x100);
    CHECK_EQ_U(ntsec_ks_create(t.dev, "\\GLOBAL", 7, t.user, GENERIC_READ, &f),
               STATUS_ACCESS_DENIED);
    CHECK_EQ_U(ntsec_ks_create(t.dev, "\\nothing", 8, t.user, GENERIC_READ, &f),
               STATUS_ACCESS_DENIED);
    CHECK_EQ_U(ntsec_ks_create(t.dev, "\\nothing", 8, t.admin, GENERIC_READ, &f),
               STATUS_OBJECT_NAME_NOT_FOUND);
    CHECK(f == NULL);
    CHECK_EQ_U(ntsec_ks_create(t.dev, "\\GLOBAL", 7, t.admin, MAXIMUM_ALLOWED, &admin_filter),
               STATUS_SUCCESS);
    CHECK_EQ_U(admin_filter->granted_access, FILE_ALL_ACCESS);
    /* relative opens too ("use same security checks on relative opens") */
    CHECK_EQ_U(ntsec_ks_create_related(admin_filter, "clock", 5, t.user, GENERIC_READ, &f),
               STATUS_ACCESS_DENIED);
    ntsec_ks_device_set_security(t.dev, inf, 0);
    CHECK_EQ_U(ntsec_ks_create_related(admin_filter, "clock", 5, t.user, GENERIC_READ, &f),
               STATUS_SUCCESS);
    ntsec_ks_file_free(f);
    /* kernel callers are not checked at all */
    ntsec_ks_device_set_security(t.dev, inf, FILE_DEVICE_SECURE_OPEN);
    CHECK_EQ_U(ntsec_ks_create(t.dev, "\\GLOBAL", 7, NULL, GENERIC_READ, &f), STATUS_SUCCESS);
    ntsec_ks_file_free(f);
    ntsec_ks_file_free(admin_filter);
    ntsec_sd_unref(inf);
    tree_done(&t);
}

/* Both checks apply: the handle gets what both grant. */
static void test_device_and_item_intersect(void)
{
    tree t;
    ntsec_sd *rwx = sd_of(SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_R);
    ntsec_ks_file *f = NULL;
    tree_init(&t, SDDL_DEVOBJ_SYS_ALL_ADM_ALL);
    ntsec_ks_device_set_security(t.dev, rwx, FILE_DEVICE_SECURE_OPEN);
    CHECK_EQ_U(ntsec_ks_create(t.dev, "\\GLOBAL", 7, t.admin, MAXIMUM_ALLOWED, &f),
               STATUS_SUCCESS);
    CHECK_EQ_U(f->granted_access, 0x001201BFu);
    ntsec_ks_file_free(f);
    CHECK_EQ_U(ntsec_ks_create(t.dev, "\\GLOBAL", 7, t.admin, WRITE_DAC, &f),
               STATUS_ACCESS_DENIED);
    CHECK_EQ_U(ntsec_ks_create(t.dev, "\\GLOBAL", 7, t.user, GENERIC_READ, &f),
               STATUS_ACCESS_DENIED);   /* device grants WD read, the item does not */
    ntsec_sd_unref(rwx);
    tree_done(&t);
}

/* NtQuerySecurityObject on KS handles (4.5; ROS-IOFILE / ROS-SD). */
static void test_io_query(void)
{
    static const ntsec_ks_dispatch_table set_only = {NULL, ntsec_ks_dispatch_set_security};
    tree t;
    ntsec_ks_file *filter, *pin, *weak, *bare;
    uint8_t buf[256];
    uint32_t needed = 7;
    tree_init(&t, NULL);
    ntsec_ks_create(t.dev, "\\GLOBAL", 7, NULL, MAXIMUM_ALLOWED, &filter);
    pin_of(filter, t.admin, MAXIMUM_ALLOWED, &pin);
    CHECK_EQ_U(ntsec_ks_io_query_security(pin, t.admin, DACL_SECURITY_INFORMATION, buf,
                                          sizeof buf, &needed), STATUS_SUCCESS);
    CHECK_EQ_U(needed, 72);
    CHECK(bytes_are_hex(buf, needed, HEX_INF_SECURITY));
    CHECK_EQ_U(ntsec_ks_io_query_security(pin, t.admin, DACL_SECURITY_INFORMATION, buf, 71,
                                          &needed), STATUS_BUFFER_TOO_SMALL);
    CHECK_EQ_U(needed, 72);
    /* the handle must carry READ_CONTROL (ACCESS_SYSTEM_SECURITY for a SACL) */
    CHECK_EQ_U(pin_of(filter, t.admin, 0x0001u /* FILE_READ_DATA */, &weak), STATUS_SUCCESS);
    CHECK_EQ_U(ntsec_ks_io_query_security(weak, t.admin, DACL_SECURITY_INFORMATION, buf,
                                          sizeof buf, &needed), STATUS_ACCESS_DENIED);
    CHECK_EQ_U(needed, 0);
    CHECK_EQ_U(ntsec_ks_io_query_security(weak, NULL, DACL_SECURITY_INFORMATION, buf,
                                          sizeof buf, &needed), STATUS_SUCCESS);
    CHECK_EQ_U(ntsec_ks_io_query_security(pin, t.admin, SACL_SECURITY_INFORMATION, buf,
                                          sizeof buf, &needed), STATUS_ACCESS_DENIED);
    /* the filter's item has no descriptor */
    CHECK_EQ_U(ntsec_ks_io_query_security(filter, NULL, DACL_SECURITY_INFORMATION, buf,
                                          sizeof buf, &needed), STATUS_NO_SECURITY_ON_OBJECT);
    /* no QuerySecurity slot: the World descriptor */
    ntsec_ks_file_detach_header(weak);
    ntsec_ks_file_attach_header(weak, t.pin, &set_only, NULL, 0);
    CHECK_EQ_U(ntsec_ks_io_query_security(weak, NULL, OWNER_SECURITY_INFORMATION |
                                          GROUP_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION,
                                          buf, sizeof buf, &needed), STATUS_SUCCESS);
    CHECK_EQ_U(needed, 72);
    CHECK(bytes_are_hex(buf, needed, HEX_WORLD_OGD));
    CHECK_EQ_U(ntsec_ks_io_query_security(weak, NULL, DACL_SECURITY_INFORMATION, buf, sizeof buf,
                                          &needed), STATUS_SUCCESS);
    CHECK(bytes_are_hex(buf, needed, HEX_WORLD_D));
    CHECK_EQ_U(ntsec_ks_io_query_security(weak, NULL, OWNER_SECURITY_INFORMATION, buf, 31,
                                          &needed), STATUS_BUFFER_TOO_SMALL);
    CHECK_EQ_U(needed, 32);
    CHECK_EQ_U(ntsec_ks_io_query_security(weak, NULL, OWNER_SECURITY_INFORMATION, buf, 32,
                                          &needed), STATUS_SUCCESS);
    CHECK(bytes_are_hex(buf, needed, HEX_WORLD_O));
    CHECK_EQ_U(ntsec_ks_io_query_security(weak, NULL, 0, buf, sizeof buf, &needed),
               STATUS_ACCESS_DENIED);
    /* a file without a header: KspDispatchIrp answers success, no bytes */
    ntsec_ks_file_new(t.dev, FILE_ALL_ACCESS, &bare);
    CHECK_EQ_U(ntsec_ks_io_query_security(bare, NULL, DACL_SECURITY_INFORMATION, buf,
                                          sizeof buf, &needed), STATUS_SUCCESS);
    CHECK_EQ_U(needed, 0);
    ntsec_ks_file_free(bare);
    ntsec_ks_file_free(weak);
    ntsec_ks_file_free(pin);
    ntsec_ks_file_free(filter);
    tree_done(&t);
}

int main(void)
{
    test_children_and_relative_create();
    test_child_rules();
    test_pin_access_and_security();
    test_allocate_object_header();
    test_device_security();
    test_device_and_item_intersect();
    test_io_query();
    return ctest_summary();
}
