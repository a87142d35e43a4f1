/*
** ks_test.c: the kernel-streaming model (wfp_ks_errors.md 4.1-4.6).
**
** Expected values come from the spec: statuses of 4.3/4.5/4.6, the file
** mapping of 4.2, and descriptor bytes hand-assembled from the layout of
** sd_semantics.md 1.2-1.7 for the WDK device SDDLs (docs/ks.md "Sources").
*/
#include <stdlib.h>
#include <string.h>

#include "ctest.h"
#include "ks.h"
#include "sddl.h"
#include "sid.h"
#include "status.h"

/* wdmsec.h defaults (windows-driver-docs kernel/sddl-for-device-objects.md). */
#define SDDL_DEVOBJ_KERNEL_ONLY "D:P"
#define SDDL_DEVOBJ_SYS_ALL "D:P(A;;GA;;;SY)"
#define SDDL_DEVOBJ_SYS_ALL_ADM_ALL "D:P(A;;GA;;;SY)(A;;GA;;;BA)"
#define SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_R_RES_R \
    "D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GR;;;WD)(A;;GR;;;RC)"

/* Hand-assembled self-relative bytes. Header: revision 1, control 0x9004
** (SELF_RELATIVE|DACL_PROTECTED|DACL_PRESENT), DACL at 0x14. ACEs: type 0,
** flags 0, size, mask GENERIC_ALL 0x10000000, SID. */
#define HDR_DACL_ONLY "0100049000000000000000000000000014000000"
#define ACE_GA_SY "0000140000000010" "010100000000000512000000"
#define ACE_GA_BA "0000180000000010" "01020000000000052000000020020000"
#define HEX_SYS_ALL HDR_DACL_ONLY "02001C0001000000" ACE_GA_SY
#define DACL_ADM_ALL "0200340002000000" ACE_GA_SY ACE_GA_BA
#define HEX_SYS_ALL_ADM_ALL HDR_DACL_ONLY DACL_ADM_ALL
/* O:BA G:SY added to ADM_ALL: owner at 0x48, group at 0x58, parts in the
** Windows order SACL, DACL, owner, group (sd_semantics.md 1.7). */
#define HEX_ADM_ALL_O_BA_G_SY "01000490" "48000000" "58000000" "00000000" "14000000" \
    DACL_ADM_ALL "01020000000000052000000020020000" "010100000000000512000000"
/* What SeQuerySecurityDescriptorInfo returns for OWNER of a DACL-only SD. */
#define HEX_EMPTY_SELF_RELATIVE "0100008000000000000000000000000000000000"

#define INFO_SENTINEL 0x5A5A5A5Au

static ntsec_sd *sd_of(const char *sddl)
{
    ntsec_sd *sd = NULL;
    NTSTATUS st = ntsec_sddl_parse(sddl, strlen(sddl), NULL, &sd, NULL);
    CHECK_EQ_U(st, STATUS_SUCCESS);
    return sd;
}

static int sd_is_hex(const ntsec_sd *sd, const char *hex)
{
    unsigned char want[512];
    long n = ctest_unhex(hex, want, sizeof want);
    return sd && n == (long)sd->len && memcmp(sd->bytes, want, (size_t)n) == 0;
}

static void sid_of(const char *s, uint8_t out[68])
{
    CHECK_EQ_U(ntsec_sid_from_string(s, strlen(s), NULL, out), STATUS_SUCCESS);
}

#define GROUP_ON (SE_GROUP_MANDATORY | SE_GROUP_ENABLED_BY_DEFAULT | SE_GROUP_ENABLED)

static void add_group(ntsec_token *t, const char *s, uint32_t attrs)
{
    uint8_t sid[68];
    sid_of(s, sid);
    CHECK_EQ_U(ntsec_token_add_group(t, sid, attrs), STATUS_SUCCESS);
}

static ntsec_token *token_of(const char *user, int admin)
{
    uint8_t sid[68];
    ntsec_token *t;
    sid_of(user, sid);
    t = ntsec_token_new(sid, 0);
    CHECK(t != NULL);
    add_group(t, "S-1-1-0", GROUP_ON);
    add_group(t, "S-1-5-11", GROUP_ON);
    add_group(t, "S-1-5-32-545", GROUP_ON);
    if (admin) add_group(t, "S-1-5-32-544", GROUP_ON | SE_GROUP_OWNER);
    return t;
}

typedef struct fixture {
    ntsec_ks_device *dev;
    ntsec_ks_create_item *item;
    ntsec_sd *original;   /* the test's own reference to the item's first SD */
    ntsec_ks_file *file;
} fixture;

static void fixture_init(fixture *f, const char *sddl, uint32_t flags)
{
    memset(f, 0, sizeof *f);
    f->dev = ntsec_ks_device_new();
    f->original = sddl ? sd_of(sddl) : NULL;
    CHECK_EQ_U(ntsec_ks_device_add_create_item(f->dev, "filter", 6, f->original, flags, &f->item),
               STATUS_SUCCESS);
    CHECK_EQ_U(ntsec_ks_create(f->dev, "\\filter", 7, NULL, MAXIMUM_ALLOWED, &f->file),
               STATUS_SUCCESS);
}

static void fixture_done(fixture *f)
{
    ntsec_ks_file_free(f->file);
    ntsec_ks_device_free(f->dev);
    ntsec_sd_unref(f->original);
}

static ntsec_ks_irp *set_irp(ntsec_ks_file *file, SECURITY_INFORMATION si, const char *sddl)
{
    ntsec_sd *mod = sd_of(sddl);
    ntsec_ks_irp *irp = ntsec_ks_irp_new_set_security(file, si, mod);
    ntsec_sd_unref(mod);
    irp->io_status.information = INFO_SENTINEL;
    return irp;
}

/* Item keeps its first descriptor, byte for byte, and the flag stays clear. */
static void check_untouched(const fixture *f, const char *hex)
{
    CHECK(f->item->security_descriptor == f->original);
    CHECK(sd_is_hex(f->item->security_descriptor, hex));
    CHECK_EQ_U(f->item->flags & KSCREATE_ITEM_SECURITYCHANGED, 0);
}

static void check_completed_once(const ntsec_ks_irp *irp, NTSTATUS st)
{
    CHECK_EQ_U(irp->io_status.status, st);
    CHECK_EQ_U(irp->completion_count, 1);
    CHECK_EQ_U(irp->double_completed, 0);
}

/* 4.3 steps 4-7 and 4.6 "success". */
static void test_set_success_replaces_descriptor(void)
{
    fixture f;
    ntsec_ks_irp *irp;
    fixture_init(&f, SDDL_DEVOBJ_SYS_ALL_ADM_ALL, 0);
    CHECK(sd_is_hex(f.original, HEX_SYS_ALL_ADM_ALL));
    irp = set_irp(f.file, DACL_SECURITY_INFORMATION, SDDL_DEVOBJ_SYS_ALL);
    CHECK_EQ_U(ntsec_ks_dispatch_set_security(f.dev, irp), STATUS_SUCCESS);
    check_completed_once(irp, STATUS_SUCCESS);
    CHECK_EQ_U(irp->io_status.information, INFO_SENTINEL);
    CHECK(irp->create_item_storage == f.item);
    CHECK(f.item->security_descriptor != f.original);
    CHECK(f.item->security_descriptor != irp->set_security.security_descriptor);
    CHECK(sd_is_hex(f.item->security_descriptor, HEX_SYS_ALL));
    CHECK(sd_is_hex(f.original, HEX_SYS_ALL_ADM_ALL));
    CHECK_EQ_U(f.original->refs, 1);
    CHECK_EQ_U(f.item->flags, KSCREATE_ITEM_SECURITYCHANGED);
    ntsec_ks_irp_free(irp);
    fixture_done(&f);
}

static void test_set_owner_and_group(void)
{
    fixture f;
    ntsec_ks_irp *irp;
    fixture_init(&f, SDDL_DEVOBJ_SYS_ALL_ADM_ALL, KSCREATE_ITEM_FREEONSTOP);
    irp = set_irp(f.file, OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION, "O:BAG:SY");
    CHECK_EQ_U(ntsec_ks_dispatch_set_security(f.dev, irp), STATUS_SUCCESS);
    CHECK(sd_is_hex(f.item->security_descriptor, HEX_ADM_ALL_O_BA_G_SY));
    CHECK_EQ_U(f.item->flags, KSCREATE_ITEM_FREEONSTOP | KSCREATE_ITEM_SECURITYCHANGED);
    ntsec_ks_irp_free(irp);
    fixture_done(&f);
}

/* 4.6 "owner not assignable": the requestor's token takes part. */
static void test_set_invalid_owner(void)
{
    fixture f;
    ntsec_token *user = token_of("S-1-5-21-1-2-3-1001", 0);
    ntsec_token *admin = token_of("S-1-5-21-1-2-3-500", 1);
    ntsec_ks_irp *irp;
    fixture_init(&f, SDDL_DEVOBJ_SYS_ALL_ADM_ALL, 0);
    irp = set_irp(f.file, OWNER_SECURITY_INFORMATION, "O:BA");
    irp->requestor = user;
    CHECK_EQ_U(ntsec_ks_dispatch_set_security(f.dev, irp), STATUS_INVALID_OWNER);
    check_completed_once(irp, STATUS_INVALID_OWNER);
    CHECK_EQ_U(irp->io_status.information, INFO_SENTINEL);
    check_untouched(&f, HEX_SYS_ALL_ADM_ALL);
    ntsec_ks_irp_free(irp);
    irp = set_irp(f.file, OWNER_SECURITY_INFORMATION, "O:BA");
    irp->requestor = admin;
    CHECK_EQ_U(ntsec_ks_dispatch_set_security(f.dev, irp), STATUS_SUCCESS);
    CHECK(f.item->flags & KSCREATE_ITEM_SECURITYCHANGED);
    ntsec_ks_irp_free(irp);
    ntsec_token_free(user);
    ntsec_token_free(admin);
    fixture_done(&f);
}

/* A failing merge leaves the item alone (4.3 step 6, sd_semantics.md 4.3). */
static void test_set_failure_leaves_item(void)
{
    fixture f;
    ntsec_ks_irp *irp;
    fixture_init(&f, SDDL_DEVOBJ_SYS_ALL_ADM_ALL, 0);
    irp = set_irp(f.file, DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION |
                              UNPROTECTED_DACL_SECURITY_INFORMATION, SDDL_DEVOBJ_SYS_ALL);
    CHECK_EQ_U(ntsec_ks_dispatch_set_security(f.dev, irp), STATUS_INVALID_PARAMETER);
    check_completed_once(irp, STATUS_INVALID_PARAMETER);
    check_untouched(&f, HEX_SYS_ALL_ADM_ALL);
    ntsec_ks_irp_free(irp);
    fixture_done(&f);
}

/* 4.3 step 3: no descriptor, no create item, no header. */
static void test_set_no_security(void)
{
    fixture f;
    ntsec_ks_file *bare, *itemless;
    ntsec_ks_irp *irp;
    fixture_init(&f, NULL, 0);
    irp = set_irp(f.file, DACL_SECURITY_INFORMATION, SDDL_DEVOBJ_SYS_ALL);
    CHECK_EQ_U(ntsec_ks_dispatch_set_security(f.dev, irp), STATUS_NO_SECURITY_ON_OBJECT);
    check_completed_once(irp, STATUS_NO_SECURITY_ON_OBJECT);
    CHECK_EQ_U(irp->io_status.information, INFO_SENTINEL);
    CHECK(f.item->security_descriptor == NULL);
    CHECK_EQ_U(f.item->flags, 0);
    ntsec_ks_irp_free(irp);

    CHECK_EQ_U(ntsec_ks_file_new(f.dev, FILE_ALL_ACCESS, &bare), STATUS_SUCCESS);
    irp = set_irp(bare, DACL_SECURITY_INFORMATION, SDDL_DEVOBJ_SYS_ALL);
    CHECK_EQ_U(ntsec_ks_dispatch_set_security(f.dev, irp), STATUS_NO_SECURITY_ON_OBJECT);
    check_completed_once(irp, STATUS_NO_SECURITY_ON_OBJECT);
    CHECK_EQ_U(irp->io_status.information, INFO_SENTINEL);
    ntsec_ks_irp_free(irp);

    CHECK_EQ_U(ntsec_ks_file_new(f.dev, FILE_ALL_ACCESS, &itemless), STATUS_SUCCESS);
    CHECK_EQ_U(ntsec_ks_file_attach_header(itemless, NULL, NULL, NULL, 0), STATUS_SUCCESS);
    irp = set_irp(itemless, DACL_SECURITY_INFORMATION, SDDL_DEVOBJ_SYS_ALL);
    CHECK_EQ_U(ntsec_ks_dispatch_set_security(f.dev, irp), STATUS_NO_SECURITY_ON_OBJECT);
    CHECK_EQ_U(irp->io_status.information, INFO_SENTINEL);
    CHECK(irp->create_item_storage == NULL);
    ntsec_ks_irp_free(irp);
    ntsec_ks_file_free(bare);
    ntsec_ks_file_free(itemless);
    fixture_done(&f);
}

/* 4.6 "stored SD not self-relative": a descriptor without SE_SELF_RELATIVE
** cannot be built through the codec, so it is assembled by hand here. */
static void test_set_bad_descriptor_format(void)
{
    fixture f;
    ntsec_ks_irp *irp;
    ntsec_sd *good = sd_of(SDDL_DEVOBJ_SYS_ALL_ADM_ALL);
    ntsec_sd *bad = malloc(sizeof *bad + good->len);
    memcpy(bad->bytes, good->bytes, good->len);
    bad->len = good->len;
    bad->refs = 1;
    bad->walk_index = NULL;
    bad->bytes[3] &= 0x7F;   /* clear SE_SELF_RELATIVE (0x8000) */
    memset(&f, 0, sizeof f);
    f.dev = ntsec_ks_device_new();
    ntsec_ks_device_add_create_item(f.dev, "filter", 6, bad, 0, &f.item);
    ntsec_ks_create(f.dev, "filter", 6, NULL, 0, &f.file);
    irp = set_irp(f.file, DACL_SECURITY_INFORMATION, SDDL_DEVOBJ_SYS_ALL);
    CHECK_EQ_U(ntsec_ks_dispatch_set_security(f.dev, irp), STATUS_BAD_DESCRIPTOR_FORMAT);
    check_completed_once(irp, STATUS_BAD_DESCRIPTOR_FORMAT);
    CHECK(f.item->security_descriptor == bad);
    CHECK_EQ_U(f.item->flags, 0);
    ntsec_ks_irp_free(irp);
    ntsec_ks_file_free(f.file);
    ntsec_ks_device_free(f.dev);
    ntsec_sd_unref(bad);
    ntsec_sd_unref(good);
}

/* 4.6 "pool allocation failed". */
static void test_set_pool_failure(void)
{
    fixture f;
    ntsec_ks_irp *irp;
    fixture_init(&f, SDDL_DEVOBJ_SYS_ALL_ADM_ALL, 0);
    ntsec_ks_device_fail_pool_allocations(f.dev, 1);
    irp = set_irp(f.file, DACL_SECURITY_INFORMATION, SDDL_DEVOBJ_SYS_ALL);
    CHECK_EQ_U(ntsec_ks_dispatch_set_security(f.dev, irp), STATUS_INSUFFICIENT_RESOURCES);
    check_completed_once(irp, STATUS_INSUFFICIENT_RESOURCES);
    check_untouched(&f, HEX_SYS_ALL_ADM_ALL);
    ntsec_ks_irp_free(irp);
    irp = set_irp(f.file, DACL_SECURITY_INFORMATION, SDDL_DEVOBJ_SYS_ALL);
    CHECK_EQ_U(ntsec_ks_dispatch_set_security(f.dev, irp), STATUS_SUCCESS);
    ntsec_ks_irp_free(irp);
    fixture_done(&f);
}

static void test_double_completion(void)
{
    fixture f;
    ntsec_ks_irp *irp;
    ntsec_sd *after;
    fixture_init(&f, SDDL_DEVOBJ_SYS_ALL_ADM_ALL, 0);
    irp = set_irp(f.file, DACL_SECURITY_INFORMATION, SDDL_DEVOBJ_SYS_ALL);
    CHECK_EQ_U(ntsec_ks_dispatch_set_security(f.dev, irp), STATUS_SUCCESS);
    after = f.item->security_descriptor;
    CHECK_EQ_U(ntsec_ks_irp_complete(irp, IO_NO_INCREMENT), NTSEC_KS_STATUS_DOUBLE_COMPLETION);
    CHECK_EQ_U(NTSEC_KS_STATUS_DOUBLE_COMPLETION, 0xC00000EFu);
    CHECK_EQ_U(irp->completion_count, 2);
    CHECK_EQ_U(irp->double_completed, 1);
    CHECK_EQ_U(irp->io_status.status, STATUS_SUCCESS);
    CHECK_EQ_U(ntsec_ks_dispatch_set_security(f.dev, irp), NTSEC_KS_STATUS_DOUBLE_COMPLETION);
    CHECK_EQ_U(irp->completion_count, 3);
    CHECK(f.item->security_descriptor == after);
    ntsec_ks_irp_free(irp);
    fixture_done(&f);
}

static ntsec_ks_irp *query_irp(ntsec_ks_file *file, SECURITY_INFORMATION si, uint32_t len)
{
    ntsec_ks_irp *irp = ntsec_ks_irp_new_query_security(file, si, len);
    irp->io_status.information = INFO_SENTINEL;
    return irp;
}

static int all_zero(const uint8_t *p, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (p[i]) return 0;
    return 1;
}

static int buffer_is_hex(const ntsec_ks_irp *irp, const char *hex)
{
    unsigned char want[512];
    long n = ctest_unhex(hex, want, sizeof want);
    return n == (long)irp->io_status.information && memcmp(irp->user_buffer, want, (size_t)n) == 0;
}

/* 4.3 query steps and 4.5. */
static void test_query(void)
{
    fixture f;
    ntsec_ks_irp *irp;
    fixture_init(&f, SDDL_DEVOBJ_SYS_ALL_ADM_ALL, 0);
    irp = query_irp(f.file, DACL_SECURITY_INFORMATION, 71);
    CHECK_EQ_U(ntsec_ks_dispatch_query_security(f.dev, irp), STATUS_BUFFER_TOO_SMALL);
    check_completed_once(irp, STATUS_BUFFER_TOO_SMALL);
    CHECK_EQ_U(irp->io_status.information, 72);
    CHECK(all_zero(irp->user_buffer, 71));
    ntsec_ks_irp_free(irp);

    irp = query_irp(f.file, DACL_SECURITY_INFORMATION, 72);
    CHECK_EQ_U(ntsec_ks_dispatch_query_security(f.dev, irp), STATUS_SUCCESS);
    check_completed_once(irp, STATUS_SUCCESS);
    CHECK(buffer_is_hex(irp, HEX_SYS_ALL_ADM_ALL));
    ntsec_ks_irp_free(irp);

    irp = query_irp(f.file, OWNER_SECURITY_INFORMATION, 19);
    CHECK_EQ_U(ntsec_ks_dispatch_query_security(f.dev, irp), STATUS_BUFFER_TOO_SMALL);
    CHECK_EQ_U(irp->io_status.information, 20);
    ntsec_ks_irp_free(irp);

    irp = query_irp(f.file, OWNER_SECURITY_INFORMATION, 256);
    CHECK_EQ_U(ntsec_ks_dispatch_query_security(f.dev, irp), STATUS_SUCCESS);
    CHECK(buffer_is_hex(irp, HEX_EMPTY_SELF_RELATIVE));
    CHECK_EQ_U(f.item->flags, 0);
    ntsec_ks_irp_free(irp);
    fixture_done(&f);
}

static void test_query_no_security(void)
{
    fixture f;
    ntsec_ks_irp *irp;
    fixture_init(&f, NULL, 0);
    irp = query_irp(f.file, DACL_SECURITY_INFORMATION, 256);
    CHECK_EQ_U(ntsec_ks_dispatch_query_security(f.dev, irp), STATUS_NO_SECURITY_ON_OBJECT);
    check_completed_once(irp, STATUS_NO_SECURITY_ON_OBJECT);
    CHECK_EQ_U(irp->io_status.information, INFO_SENTINEL);
    ntsec_ks_irp_free(irp);
    fixture_done(&f);
}

/* Dispatch through the header's table (4.3 "Dispatch path"). */
static void test_dispatch_table(void)
{
    static const ntsec_ks_dispatch_table query_only = {ntsec_ks_dispatch_query_security, NULL};
    fixture f;
    ntsec_ks_file *custom, *bare;
    ntsec_ks_irp *irp;
    fixture_init(&f, SDDL_DEVOBJ_SYS_ALL_ADM_ALL, 0);
    irp = set_irp(f.file, DACL_SECURITY_INFORMATION, SDDL_DEVOBJ_SYS_ALL);
    CHECK_EQ_U(ntsec_ks_dispatch_irp(f.dev, irp), STATUS_SUCCESS);
    CHECK(sd_is_hex(f.item->security_descriptor, HEX_SYS_ALL));
    ntsec_ks_irp_free(irp);

    ntsec_ks_file_new(f.dev, FILE_ALL_ACCESS, &custom);
    CHECK_EQ_U(ntsec_ks_file_attach_header(custom, f.item, &query_only, NULL, 0), STATUS_SUCCESS);
    CHECK_EQ_U(ntsec_ks_file_attach_header(custom, f.item, &query_only, NULL, 0), STATUS_INVALID_PARAMETER);
    irp = set_irp(custom, DACL_SECURITY_INFORMATION, SDDL_DEVOBJ_SYS_ALL_ADM_ALL);
    CHECK_EQ_U(ntsec_ks_dispatch_irp(f.dev, irp), STATUS_INVALID_DEVICE_REQUEST);
    check_completed_once(irp, STATUS_INVALID_DEVICE_REQUEST);
    CHECK(sd_is_hex(f.item->security_descriptor, HEX_SYS_ALL));
    ntsec_ks_irp_free(irp);
    irp = query_irp(custom, DACL_SECURITY_INFORMATION, 48);
    CHECK_EQ_U(ntsec_ks_dispatch_irp(f.dev, irp), STATUS_SUCCESS);
    CHECK(buffer_is_hex(irp, HEX_SYS_ALL));
    ntsec_ks_irp_free(irp);

    ntsec_ks_file_new(f.dev, FILE_ALL_ACCESS, &bare);
    irp = set_irp(bare, DACL_SECURITY_INFORMATION, SDDL_DEVOBJ_SYS_ALL);
    CHECK_EQ_U(ntsec_ks_dispatch_irp(f.dev, irp), STATUS_SUCCESS);
    check_completed_once(irp, STATUS_SUCCESS);
    CHECK_EQ_U(irp->io_status.information, 0);
    ntsec_ks_irp_free(irp);
    ntsec_ks_file_free(custom);
    ntsec_ks_file_free(bare);
    fixture_done(&f);
}

static NTSTATUS create_as(ntsec_ks_device *dev, const ntsec_token *t, ACCESS_MASK desired,
                          ntsec_ks_file **out)
{
    *out = NULL;
    return ntsec_ks_create(dev, "\\filter", 7, t, desired, out);
}

/* Creates under the WDK defaults (docs: "administrator can access the entire
** device, but cannot change the ACL"). */
static void test_create_access(void)
{
    ntsec_token *user = token_of("S-1-5-21-1-2-3-1001", 0);
    ntsec_token *admin = token_of("S-1-5-21-1-2-3-500", 1);
    ntsec_ks_device *dev = ntsec_ks_device_new();
    ntsec_sd *sd = sd_of(SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_R_RES_R);
    ntsec_ks_create_item *item;
    ntsec_ks_file *file;
    ntsec_ks_device_add_create_item(dev, "filter", 6, sd, 0, &item);
    CHECK_EQ_U(create_as(dev, user, NTSEC_KS_DEFAULT_DESIRED_ACCESS, &file), STATUS_ACCESS_DENIED);
    CHECK(file == NULL);
    CHECK_EQ_U(create_as(dev, user, GENERIC_READ, &file), STATUS_SUCCESS);
    CHECK_EQ_U(file->granted_access, FILE_GENERIC_READ);
    CHECK_EQ_U(file->granted_access, 0x00120089u);
    ntsec_ks_file_free(file);
    CHECK_EQ_U(create_as(dev, admin, MAXIMUM_ALLOWED, &file), STATUS_SUCCESS);
    CHECK_EQ_U(file->granted_access, 0x001201BFu);
    CHECK(file->fs_context->original_create_item == item);
    CHECK_EQ_U(file->fs_context->granted_access, 0x001201BFu);
    CHECK_EQ_U(ntsec_ks_io_set_security(file, admin, DACL_SECURITY_INFORMATION, sd),
               STATUS_ACCESS_DENIED);
    CHECK(item->security_descriptor == sd);
    CHECK_EQ_U(item->flags, 0);
    ntsec_ks_file_free(file);
    CHECK_EQ_U(create_as(dev, admin, NTSEC_KS_DEFAULT_DESIRED_ACCESS, &file), STATUS_SUCCESS);
    CHECK_EQ_U(file->granted_access, 0x0012019Fu);
    ntsec_ks_file_free(file);
    CHECK_EQ_U(create_as(dev, admin, WRITE_DAC, &file), STATUS_ACCESS_DENIED);
    ntsec_ks_device_free(dev);
    ntsec_sd_unref(sd);
    ntsec_token_free(user);
    ntsec_token_free(admin);
}

static void test_create_system(void)
{
    uint8_t sy[68];
    ntsec_token *system;
    ntsec_ks_device *dev = ntsec_ks_device_new();
    ntsec_sd *sys_all = sd_of(SDDL_DEVOBJ_SYS_ALL), *kernel = sd_of(SDDL_DEVOBJ_KERNEL_ONLY);
    ntsec_ks_file *file;
    sid_of("S-1-5-18", sy);
    system = ntsec_token_new(sy, 0);
    ntsec_ks_device_add_create_item(dev, "filter", 6, sys_all, 0, NULL);
    ntsec_ks_device_add_create_item(dev, "kernel", 6, kernel, 0, NULL);
    CHECK_EQ_U(create_as(dev, system, MAXIMUM_ALLOWED, &file), STATUS_SUCCESS);
    CHECK_EQ_U(file->granted_access, FILE_ALL_ACCESS);
    ntsec_ks_file_free(file);
    CHECK_EQ_U(create_as(dev, system, ACCESS_SYSTEM_SECURITY, &file), STATUS_PRIVILEGE_NOT_HELD);
    ntsec_token_add_privilege(system, SE_SECURITY_PRIVILEGE, SE_PRIVILEGE_ENABLED);
    CHECK_EQ_U(create_as(dev, system, ACCESS_SYSTEM_SECURITY | READ_CONTROL, &file), STATUS_SUCCESS);
    CHECK_EQ_U(file->granted_access, ACCESS_SYSTEM_SECURITY | READ_CONTROL);
    ntsec_ks_file_free(file);
    CHECK_EQ_U(ntsec_ks_create(dev, "kernel", 6, system, GENERIC_READ, &file), STATUS_ACCESS_DENIED);
    CHECK_EQ_U(ntsec_ks_create(dev, "kernel", 6, NULL, GENERIC_READ, &file), STATUS_SUCCESS);
    CHECK_EQ_U(file->granted_access, FILE_GENERIC_READ);
    ntsec_ks_file_free(file);
    ntsec_ks_device_free(dev);
    ntsec_sd_unref(sys_all);
    ntsec_sd_unref(kernel);
    ntsec_token_free(system);
}

static ntsec_ks_create_item *matched(ntsec_ks_device *dev, const char *name, NTSTATUS *st)
{
    ntsec_ks_file *file = NULL;
    ntsec_ks_create_item *item;
    *st = ntsec_ks_create(dev, name, strlen(name), NULL, 0, &file);
    item = file ? file->fs_context->original_create_item : NULL;
    ntsec_ks_file_free(file);
    return item;
}

static void test_create_items(void)
{
    ntsec_ks_device *dev = ntsec_ks_device_new();
    ntsec_ks_create_item *wild, *filter, *clock;
    NTSTATUS st;
    CHECK(matched(dev, "\\filter", &st) == NULL);
    CHECK_EQ_U(st, STATUS_OBJECT_NAME_NOT_FOUND);
    CHECK_EQ_U(ntsec_ks_device_add_create_item(dev, "", 0, NULL, KSCREATE_ITEM_WILDCARD, &wild),
               STATUS_SUCCESS);
    CHECK_EQ_U(ntsec_ks_device_add_create_item(dev, "filter", 6, NULL, 0, &filter), STATUS_SUCCESS);
    CHECK_EQ_U(ntsec_ks_device_add_create_item(dev, "clock", 5, NULL, KSCREATE_ITEM_NOPARAMETERS,
                                               &clock), STATUS_SUCCESS);
    CHECK(matched(dev, "\\filter", &st) == filter);
    CHECK(matched(dev, "\\FILTER\\params", &st) == filter);
    CHECK(matched(dev, "filter", &st) == filter);
    CHECK(matched(dev, "\\other", &st) == wild);
    CHECK(matched(dev, "\\clock", &st) == clock);
    CHECK(matched(dev, "\\clock\\x", &st) == NULL);
    CHECK_EQ_U(st, STATUS_INVALID_PARAMETER);
    CHECK_EQ_U(ntsec_ks_device_add_create_item(dev, "w2", 2, NULL, KSCREATE_ITEM_WILDCARD, NULL),
               STATUS_INVALID_PARAMETER);
    CHECK_EQ_U(ntsec_ks_device_add_create_item(dev, "x", 1, NULL,
                                               KSCREATE_ITEM_WILDCARD | KSCREATE_ITEM_NOPARAMETERS,
                                               NULL), STATUS_INVALID_PARAMETER);
    CHECK_EQ_U(ntsec_ks_device_add_create_item(dev, "Filter", 6, NULL, 0, NULL),
               STATUS_OBJECT_NAME_COLLISION);
    CHECK_EQ_U(ntsec_ks_device_add_create_item(dev, "y", 1, NULL, 0x10, NULL),
               STATUS_INVALID_PARAMETER);
    CHECK_EQ_U(dev->create_items.count, 3);
    ntsec_ks_device_fail_pool_allocations(dev, 1);
    CHECK(matched(dev, "\\filter", &st) == NULL);
    CHECK_EQ_U(st, STATUS_INSUFFICIENT_RESOURCES);
    CHECK(matched(dev, "\\filter", &st) == filter);
    ntsec_ks_device_free(dev);
}

/* NtSetSecurityObject path (4.5, 4.6 "caller lacks WRITE_DAC", "slot not handled"). */
static void test_io_set_security(void)
{
    static const ntsec_ks_dispatch_table no_set = {ntsec_ks_dispatch_query_security, NULL};
    ntsec_token *admin = token_of("S-1-5-21-1-2-3-500", 1);
    ntsec_ks_device *dev = ntsec_ks_device_new();
    ntsec_sd *adm_all = sd_of(SDDL_DEVOBJ_SYS_ALL_ADM_ALL), *sys_all = sd_of(SDDL_DEVOBJ_SYS_ALL);
    ntsec_ks_create_item *item;
    ntsec_ks_file *file, *plain;
    ntsec_ks_device_add_create_item(dev, "filter", 6, adm_all, 0, &item);
    CHECK_EQ_U(create_as(dev, admin, NTSEC_KS_DEFAULT_DESIRED_ACCESS, &plain), STATUS_SUCCESS);
    CHECK_EQ_U(ntsec_ks_io_set_security(plain, admin, DACL_SECURITY_INFORMATION, sys_all),
               STATUS_ACCESS_DENIED);
    CHECK(item->security_descriptor == adm_all);
    CHECK_EQ_U(ntsec_ks_io_set_security(plain, admin, DACL_SECURITY_INFORMATION, NULL),
               STATUS_INVALID_PARAMETER);
    CHECK_EQ_U(create_as(dev, admin, GENERIC_ALL, &file), STATUS_SUCCESS);
    CHECK_EQ_U(file->granted_access, FILE_ALL_ACCESS);
    ntsec_ks_file_detach_header(file);
    CHECK_EQ_U(ntsec_ks_file_attach_header(file, item, &no_set, NULL, 0), STATUS_SUCCESS);
    CHECK_EQ_U(ntsec_ks_io_set_security(file, admin, DACL_SECURITY_INFORMATION, sys_all),
               STATUS_SUCCESS);
    CHECK(item->security_descriptor == adm_all);
    CHECK_EQ_U(item->flags, 0);
    ntsec_ks_file_detach_header(file);
    ntsec_ks_file_attach_header(file, item, NULL, NULL, 0);
    CHECK_EQ_U(ntsec_ks_io_set_security(file, admin, SACL_SECURITY_INFORMATION, sys_all),
               STATUS_ACCESS_DENIED);
    CHECK_EQ_U(ntsec_ks_io_set_security(file, admin, DACL_SECURITY_INFORMATION, sys_all),
               STATUS_SUCCESS);
    CHECK(sd_is_hex(item->security_descriptor, HEX_SYS_ALL));
    CHECK_EQ_U(item->flags, KSCREATE_ITEM_SECURITYCHANGED);
    CHECK_EQ_U(ntsec_ks_io_set_security(plain, NULL, DACL_SECURITY_INFORMATION, adm_all),
               STATUS_SUCCESS);
    CHECK(sd_is_hex(item->security_descriptor, HEX_SYS_ALL_ADM_ALL));
    CHECK(item->security_descriptor != adm_all);
    ntsec_ks_file_free(file);
    ntsec_ks_file_free(plain);
    ntsec_ks_device_free(dev);
    ntsec_sd_unref(adm_all);
    ntsec_sd_unref(sys_all);
    ntsec_token_free(admin);
}

/* 4.6 "bad SID / ACL / SD in input (capture)": captured after the handle check. */
static void test_io_capture(void)
{
    ntsec_token *admin = token_of("S-1-5-21-1-2-3-500", 1);
    ntsec_ks_device *dev = ntsec_ks_device_new();
    ntsec_sd *adm_all = sd_of(SDDL_DEVOBJ_SYS_ALL_ADM_ALL);
    ntsec_ks_create_item *item;
    ntsec_ks_file *file, *reader;
    unsigned char b[128];
    long n;
    ntsec_ks_device_add_create_item(dev, "filter", 6, adm_all, 0, &item);
    create_as(dev, admin, MAXIMUM_ALLOWED, &file);
    create_as(dev, admin, GENERIC_READ, &reader);
    n = ctest_unhex(HEX_SYS_ALL, b, sizeof b);
    b[0] = 2;   /* revision 2 */
    CHECK_EQ_U(ntsec_ks_io_set_security_bytes(file, admin, DACL_SECURITY_INFORMATION, b,
                                              (size_t)n), STATUS_UNKNOWN_REVISION);
    CHECK_EQ_U(ntsec_ks_io_set_security_bytes(reader, admin, DACL_SECURITY_INFORMATION, b,
                                              (size_t)n), STATUS_ACCESS_DENIED);
    b[0] = 1;
    b[20 + 8 + 8] = 2;   /* SID revision 2 inside the ACE: the ACL is invalid */
    CHECK_EQ_U(ntsec_ks_io_set_security_bytes(file, admin, DACL_SECURITY_INFORMATION, b,
                                              (size_t)n), STATUS_INVALID_ACL);
    b[20 + 8 + 8] = 1;
    {
        unsigned char o[128];
        long m = ctest_unhex(HEX_ADM_ALL_O_BA_G_SY, o, sizeof o);
        o[0x48] = 2;   /* owner SID revision 2 */
        CHECK_EQ_U(ntsec_ks_io_set_security_bytes(file, admin, DACL_SECURITY_INFORMATION, o,
                                                  (size_t)m), STATUS_INVALID_SID);
    }
    CHECK(item->security_descriptor == adm_all);
    CHECK_EQ_U(ntsec_ks_io_set_security_bytes(file, admin, DACL_SECURITY_INFORMATION, b,
                                              (size_t)n), STATUS_SUCCESS);
    CHECK(sd_is_hex(item->security_descriptor, HEX_SYS_ALL));
    ntsec_ks_file_free(file);
    ntsec_ks_file_free(reader);
    ntsec_ks_device_free(dev);
    ntsec_sd_unref(adm_all);
    ntsec_token_free(admin);
}

/* KsCreateDefaultSecurity (ks_security.h): SeAssignSecurity with no creator
** descriptor, a leaf, AutoInheritFlags 0, the file mapping and the token as
** subject context. Bytes worked out from docs/access.md "Creation-time
** inheritance": the parent's OICI GA for BA reaches a leaf as one effective
** ACE, ID set, GA mapped to FILE_ALL_ACCESS 0x1F01FF; its CI-only ACE does
** not reach a leaf; no SE_DACL_AUTO_INHERITED without the auto-inherit flag
** (control 0x8004); owner = the token's user, group = its primary group;
** layout DACL, owner, group (sd_semantics.md 1.7). */
static void test_create_default_security(void)
{
    uint8_t bu[68];
    ntsec_token *t = token_of("S-1-5-21-9-9-9-1000", 0);
    ntsec_sd *parent = sd_of("O:BAG:SYD:(A;OICI;GA;;;BA)(A;CI;FR;;;WD)");
    ntsec_sd *out = NULL;
    sid_of("S-1-5-32-545", bu);
    CHECK_EQ_U(ntsec_token_set_primary_group(t, bu), STATUS_SUCCESS);
    CHECK_EQ_U(ntsec_ks_create_default_security(parent, t, &out), STATUS_SUCCESS);
    CHECK(sd_is_hex(out, "01000480" "34000000" "50000000" "00000000" "14000000"
                         "02002000" "01000000"
                         "00101800" "ff011f00" "01020000000000052000000020020000"
                         "010500000000000515000000090000000900000009000000e8030000"
                         "01020000000000052000000021020000"));
    ntsec_sd_unref(out);
    /* no parent and no default DACL: owner and group only, DACL absent */
    out = NULL;
    CHECK_EQ_U(ntsec_ks_create_default_security(NULL, t, &out), STATUS_SUCCESS);
    CHECK(sd_is_hex(out, "01000080" "14000000" "30000000" "00000000" "00000000"
                         "010500000000000515000000090000000900000009000000e8030000"
                         "01020000000000052000000021020000"));
    ntsec_sd_unref(out);
    /* no subject context: refused, nothing written */
    out = NULL;
    CHECK_EQ_U(ntsec_ks_create_default_security(parent, NULL, &out), STATUS_INVALID_PARAMETER);
    CHECK(out == NULL);
    ntsec_sd_unref(parent);
    ntsec_token_free(t);
}

int main(void)
{
    test_set_success_replaces_descriptor();
    test_set_owner_and_group();
    test_set_invalid_owner();
    test_set_failure_leaves_item();
    test_set_no_security();
    test_set_bad_descriptor_format();
    test_set_pool_failure();
    test_double_completion();
    test_query();
    test_query_no_security();
    test_dispatch_table();
    test_create_access();
    test_create_system();
    test_create_items();
    test_io_set_security();
    test_io_capture();
    test_create_default_security();
    return ctest_summary();
}
