/*
** ks_fuzz.c: libFuzzer harness for the kernel-streaming model (issue 15;
** wfp_ks_errors.md 4; docs/ks.md, docs/fuzzing.md).
**
** The input is a program (fuzz_input.h): a device with a descriptor and
** FILE_DEVICE_SECURE_OPEN or not, two filter factories and a wildcard, a pin
** and a clock under the first, then steps: opens of the device, filters and
** pins (kernel caller or one of three tokens, any desired access), IRPs with
** any major function, SECURITY_INFORMATION, modification descriptor (a fixed
** one, fuzzed bytes or none) and buffer length sent through the dispatch
** table, NtSetSecurityObject / NtQuerySecurityObject through the I/O
** manager, pool-allocation failures, header detach and close.
** Invariants after every step (abort on violation):
**   1. a dispatched IRP is completed exactly once (never double-completed);
**   2. every create item's descriptor is byte-identical to before the step,
**      except the target item of a set that succeeded, whose new descriptor
**      is valid (re-reads to itself) and which is marked SECURITYCHANGED;
**   3. the query length rule (4.5): success means Information = the length
**      of the selected descriptor <= Length and those bytes in UserBuffer;
**      STATUS_BUFFER_TOO_SMALL means Information = that length > Length and
**      nothing copied; the I/O manager's answer follows the same rule;
**   4. an IRP of another major function is answered
**      STATUS_INVALID_DEVICE_REQUEST and changes nothing.
** Findings: fuzz/regress/ks/, replayed by tests/fuzz_regress_test.c.
*/
#include <stdlib.h>
#include <string.h>

#include "fuzz_input.h"
#include "ks.h"
#include "sddl.h"
#include "secdefs.h"
#include "sid.h"
#include "status.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define KS_ITEMS 5
#define KS_FILES 8
#define KS_TOKENS 4     /* 0 = kernel caller */
#define KS_STEPS 64

static const char *const ks_sddl_pool[] = {
    "D:P(A;;GA;;;SY)(A;;GA;;;BA)",
    "D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GR;;;WD)(A;;GR;;;RC)",
    "O:BAG:SYD:(A;;GA;;;WD)S:(AU;SA;GA;;;WD)",
    "O:SYG:SYD:(D;;WD;;;WD)(A;;GA;;;WD)",
    "D:P",
    "O:S-1-5-21-1-2-3-1000G:BUD:AI(A;ID;FA;;;S-1-5-21-1-2-3-1000)(A;CIOI;GR;;;AU)",
    "O:BAD:(XA;;FA;;;WD;(@User.Title == \"PM\"))S:(ML;;NW;;;LW)",
};
#define KS_SDDL_COUNT (sizeof ks_sddl_pool / sizeof ks_sddl_pool[0])

typedef struct ks_world {
    ntsec_ks_device *dev;
    ntsec_ks_create_item *items[KS_ITEMS];
    ntsec_ks_file *files[KS_FILES];
    ntsec_token *tokens[KS_TOKENS];
    ntsec_sd *pool[KS_SDDL_COUNT];
    /* the item descriptors before the step */
    uint8_t *snap[KS_ITEMS];
    size_t snap_len[KS_ITEMS];
    uint32_t snap_flags[KS_ITEMS];
} ks_world;

static ntsec_sd *ks_sd_of(const char *sddl)
{
    ntsec_sd *sd = NULL;
    FUZZ_CHECK(ntsec_sddl_parse(sddl, strlen(sddl), NULL, &sd, NULL) == STATUS_SUCCESS);
    return sd;
}

static void ks_add_group(ntsec_token *t, const char *s, uint32_t attrs)
{
    uint8_t sid[68];
    FUZZ_CHECK(ntsec_sid_from_string(s, strlen(s), NULL, sid) == STATUS_SUCCESS);
    FUZZ_CHECK(ntsec_token_add_group(t, sid, attrs) == STATUS_SUCCESS);
}

/* An administrator with SeSecurityPrivilege, a user, a low-integrity user. */
static ntsec_token *ks_token(int which)
{
    static const char *const users[] = {"S-1-5-21-1-2-3-500", "S-1-5-21-1-2-3-1000", "S-1-5-21-1-2-3-1001"};
    uint8_t sid[68];
    ntsec_token *t;
    FUZZ_CHECK(ntsec_sid_from_string(users[which], strlen(users[which]), NULL, sid) == STATUS_SUCCESS);
    t = ntsec_token_new(sid, 0);
    FUZZ_CHECK(t != NULL);
    ks_add_group(t, "S-1-1-0", SE_GROUP_ENABLED);
    ks_add_group(t, "S-1-5-11", SE_GROUP_ENABLED);
    ks_add_group(t, "S-1-5-32-545", SE_GROUP_ENABLED);
    if (which == 0) {
        ks_add_group(t, "S-1-5-32-544", SE_GROUP_ENABLED | SE_GROUP_OWNER);
        ntsec_token_add_privilege(t, SE_SECURITY_PRIVILEGE, SE_PRIVILEGE_ENABLED);
    }
    if (which == 2) ks_add_group(t, "S-1-16-4096", SE_GROUP_INTEGRITY | SE_GROUP_INTEGRITY_ENABLED);
    ntsec_claim_value v;
    memset(&v, 0, sizeof v);
    v.s = "PM";
    if (which == 1) ntsec_token_add_claim(t, NTSEC_CLAIM_USER, "Title", CLAIM_SECURITY_ATTRIBUTE_TYPE_STRING, 0, &v, 1);
    return t;
}

static ntsec_sd *ks_pick_sd(ks_world *w, fuzz_in *in)
{
    unsigned c = fuzz_pick(in, KS_SDDL_COUNT + 1);
    return c < KS_SDDL_COUNT ? w->pool[c] : NULL;
}

/* The device and its create items, from the first bytes of the input. */
static void ks_setup(ks_world *w, fuzz_in *in)
{
    ntsec_ks_create_item **it = w->items;
    unsigned i;
    memset(w, 0, sizeof *w);
    for (i = 0; i < KS_SDDL_COUNT; i++) w->pool[i] = ks_sd_of(ks_sddl_pool[i]);
    for (i = 1; i < KS_TOKENS; i++) w->tokens[i] = ks_token((int)i - 1);
    w->dev = ntsec_ks_device_new();
    FUZZ_CHECK(w->dev != NULL);
    ntsec_ks_device_set_security(w->dev, ks_pick_sd(w, in), (fuzz_u8(in) & 1) ? FILE_DEVICE_SECURE_OPEN : 0);
    FUZZ_CHECK(ntsec_ks_device_add_create_item(w->dev, "filter", 6, ks_pick_sd(w, in), 0, &it[0]) == STATUS_SUCCESS);
    FUZZ_CHECK(ntsec_ks_device_add_create_item(w->dev, "GLOBAL", 6, ks_pick_sd(w, in), KSCREATE_ITEM_NOPARAMETERS,
                                               &it[1]) == STATUS_SUCCESS);
    FUZZ_CHECK(ntsec_ks_device_add_create_item(w->dev, "any", 3, ks_pick_sd(w, in), KSCREATE_ITEM_WILDCARD, &it[2])
               == STATUS_SUCCESS);
    FUZZ_CHECK(ntsec_ks_create_item_add_child(it[0], "{146F1A80-4791-11D0-A5D6-28DB04C10000}", 38,
                                              ks_pick_sd(w, in), 0, &it[3]) == STATUS_SUCCESS);
    FUZZ_CHECK(ntsec_ks_create_item_add_child(it[0], "{53172480-4791-11D0-A5D6-28DB04C10000}", 38,
                                              ks_pick_sd(w, in), KSCREATE_ITEM_WILDCARD, &it[4]) == STATUS_SUCCESS);
}

static void ks_teardown(ks_world *w)
{
    unsigned i;
    for (i = 0; i < KS_FILES; i++) ntsec_ks_file_free(w->files[i]);
    ntsec_ks_device_free(w->dev);
    for (i = 0; i < KS_TOKENS; i++) ntsec_token_free(w->tokens[i]);
    for (i = 0; i < KS_SDDL_COUNT; i++) ntsec_sd_unref(w->pool[i]);
    for (i = 0; i < KS_ITEMS; i++) free(w->snap[i]);
}

/* ---- invariant 2 ---- */

static void ks_snapshot(ks_world *w)
{
    unsigned i;
    for (i = 0; i < KS_ITEMS; i++) {
        const ntsec_sd *sd = w->items[i]->security_descriptor;
        free(w->snap[i]);
        w->snap[i] = NULL;
        w->snap_len[i] = sd ? sd->len : 0;
        w->snap_flags[i] = w->items[i]->flags;
        if (!sd) continue;
        w->snap[i] = malloc(sd->len);
        FUZZ_CHECK(w->snap[i] != NULL);
        memcpy(w->snap[i], sd->bytes, sd->len);
    }
}

static int ks_item_unchanged(const ks_world *w, unsigned i)
{
    const ntsec_sd *sd = w->items[i]->security_descriptor;
    if (w->items[i]->flags != w->snap_flags[i]) return 0;
    if (!sd) return w->snap[i] == NULL;
    return w->snap[i] && sd->len == w->snap_len[i] && memcmp(sd->bytes, w->snap[i], sd->len) == 0;
}

static void ks_check_valid_sd(const ntsec_sd *sd)
{
    ntsec_sd *again = NULL;
    FUZZ_CHECK(sd != NULL && (ntsec_sd_control(sd) & SE_SELF_RELATIVE));
    FUZZ_CHECK(ntsec_sd_from_bytes(sd->bytes, sd->len, &again) == STATUS_SUCCESS);
    FUZZ_CHECK(ntsec_sd_equal(sd, again));
    ntsec_sd_unref(again);
}

/* Every item unchanged, except `changed` (NULL: none) which must hold a new
** valid descriptor and SECURITYCHANGED. */
static void ks_check_items(const ks_world *w, const ntsec_ks_create_item *changed)
{
    unsigned i;
    for (i = 0; i < KS_ITEMS; i++) {
        if (w->items[i] != changed) {
            FUZZ_CHECK(ks_item_unchanged(w, i));
            continue;
        }
        ks_check_valid_sd(changed->security_descriptor);
        FUZZ_CHECK(changed->flags & KSCREATE_ITEM_SECURITYCHANGED);
    }
}

static int ks_item_index(const ks_world *w, const ntsec_ks_create_item *item)
{
    int i;
    for (i = 0; i < KS_ITEMS; i++)
        if (w->items[i] == item) return i;
    return -1;
}

/* ---- invariant 3 ---- */

/* The selected descriptor of snapshot i for si, or NULL when the item had none. */
static ntsec_sd *ks_expected_answer(const ks_world *w, int i, SECURITY_INFORMATION si)
{
    ntsec_sd *stored = NULL, *sel = NULL;
    if (i < 0 || !w->snap[i]) return NULL;
    FUZZ_CHECK(ntsec_sd_from_bytes(w->snap[i], w->snap_len[i], &stored) == STATUS_SUCCESS);
    FUZZ_CHECK(ntsec_sd_select(stored, si, &sel) == STATUS_SUCCESS);
    ntsec_sd_unref(stored);
    return sel;
}

static int ks_all_bytes(const uint8_t *p, size_t n, uint8_t v)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (p[i] != v) return 0;
    return 1;
}

static void ks_check_query_irp(const ks_world *w, const ntsec_ks_irp *irp, NTSTATUS st)
{
    int i = ks_item_index(w, irp->create_item_storage);
    uint32_t length = irp->query_security.length;
    ntsec_sd *want;
    if (st != STATUS_SUCCESS && st != STATUS_BUFFER_TOO_SMALL) {
        FUZZ_CHECK(ks_all_bytes(irp->user_buffer, length, 0));
        return;
    }
    want = ks_expected_answer(w, i, irp->query_security.security_information);
    if (!want) {   /* a file without a header answers success, Information 0 */
        FUZZ_CHECK(st == STATUS_SUCCESS && irp->io_status.information == 0);
        return;
    }
    FUZZ_CHECK(irp->io_status.information == want->len);
    if (st == STATUS_SUCCESS) {
        FUZZ_CHECK(want->len <= length && memcmp(irp->user_buffer, want->bytes, want->len) == 0);
    } else {
        FUZZ_CHECK(want->len > length && ks_all_bytes(irp->user_buffer, length, 0));
    }
    ntsec_sd_unref(want);
}

/* ---- steps ---- */

static ntsec_ks_file **ks_free_slot(ks_world *w)
{
    unsigned i;
    for (i = 0; i < KS_FILES; i++)
        if (!w->files[i]) return &w->files[i];
    return NULL;
}

static ntsec_ks_file *ks_pick_file(ks_world *w, fuzz_in *in)
{
    return w->files[fuzz_pick(in, KS_FILES)];
}

static ACCESS_MASK ks_desired(fuzz_in *in)
{
    static const ACCESS_MASK common[] = {MAXIMUM_ALLOWED, GENERIC_READ | GENERIC_WRITE,
                                         READ_CONTROL | WRITE_DAC, WRITE_OWNER | READ_CONTROL,
                                         ACCESS_SYSTEM_SECURITY | READ_CONTROL, MAXIMUM_ALLOWED | ACCESS_SYSTEM_SECURITY,
                                         GENERIC_ALL};
    unsigned c = fuzz_pick(in, 8);
    return c < 7 ? common[c] : fuzz_u32(in);
}

static void ks_step_create(ks_world *w, fuzz_in *in)
{
    static const char *const names[] = {"", "\\filter", "\\GLOBAL", "\\GLOBAL\\x", "\\FILTER\\p", "\\other"};
    static const char *const pins[] = {"\\{146F1A80-4791-11D0-A5D6-28DB04C10000}\\p",
                                       "\\{53172480-4791-11D0-A5D6-28DB04C10000}", "\\nothing", ""};
    ntsec_ks_file **slot = ks_free_slot(w), *parent, *f = NULL;
    const ntsec_token *t = w->tokens[fuzz_pick(in, KS_TOKENS)];
    int related = fuzz_u8(in) & 1;
    const char *name = related ? pins[fuzz_pick(in, 4)] : names[fuzz_pick(in, 6)];
    ACCESS_MASK desired = ks_desired(in);
    NTSTATUS st;
    if (!slot) return;
    parent = ks_pick_file(w, in);
    if (related && !parent) return;
    st = related ? ntsec_ks_create_related(parent, name, strlen(name), t, desired, &f)
                 : ntsec_ks_create(w->dev, name, strlen(name), t, desired, &f);
    FUZZ_CHECK((st == STATUS_SUCCESS) == (f != NULL));
    *slot = f;
    ks_check_items(w, NULL);
}

/* The modification descriptor of a set: fixed, fuzzed bytes, or none. */
static ntsec_sd *ks_modification(ks_world *w, fuzz_in *in)
{
    size_t n;
    const uint8_t *b;
    ntsec_sd *sd = NULL;
    if (fuzz_u8(in) & 1) return ntsec_sd_ref(ks_pick_sd(w, in));
    b = fuzz_bytes(in, 512, &n);
    if (ntsec_sd_from_bytes(b, n, &sd) != STATUS_SUCCESS) return NULL;
    return sd;
}

static SECURITY_INFORMATION ks_si(fuzz_in *in)
{
    SECURITY_INFORMATION si = fuzz_u8(in);
    if (si & 0x80) si = fuzz_u32(in);
    return si & 0x8F ? si : si | 0xF000000Fu;
}

static void ks_step_irp(ks_world *w, fuzz_in *in)
{
    ntsec_ks_file *f = ks_pick_file(w, in);
    int is_set = fuzz_u8(in) & 1;
    uint8_t major = fuzz_u8(in);
    SECURITY_INFORMATION si = ks_si(in);
    ntsec_ks_irp *irp;
    ntsec_sd *mod = NULL;
    NTSTATUS st;
    if (!f) return;
    if (is_set) mod = ks_modification(w, in);
    irp = is_set ? ntsec_ks_irp_new_set_security(f, si, mod) : ntsec_ks_irp_new_query_security(f, si, fuzz_u16(in) % 1024);
    ntsec_sd_unref(mod);
    FUZZ_CHECK(irp != NULL);
    if (major & 1) irp->major_function = major >> 1;   /* any major function */
    irp->requestor = w->tokens[fuzz_pick(in, KS_TOKENS)];
    st = ntsec_ks_dispatch_irp(w->dev, irp);
    /* invariant 1 */
    FUZZ_CHECK(irp->completion_count == 1 && !irp->double_completed);
    FUZZ_CHECK(irp->io_status.status == st);
    if (irp->major_function == IRP_MJ_SET_SECURITY) {
        ks_check_items(w, st == STATUS_SUCCESS && f->fs_context ? irp->create_item_storage : NULL);
    } else {
        ks_check_items(w, NULL);
        if (irp->major_function == IRP_MJ_QUERY_SECURITY) ks_check_query_irp(w, irp, st);
        else FUZZ_CHECK(st == STATUS_INVALID_DEVICE_REQUEST || !f->fs_context);
    }
    /* a second dispatch never completes again */
    if (irp->major_function == IRP_MJ_SET_SECURITY || irp->major_function == IRP_MJ_QUERY_SECURITY) {
        ks_snapshot(w);
        st = ntsec_ks_dispatch_irp(w->dev, irp);
        FUZZ_CHECK(irp->completion_count >= 1);
        ks_check_items(w, NULL);
    }
    ntsec_ks_irp_free(irp);
}

static void ks_step_io_set(ks_world *w, fuzz_in *in)
{
    ntsec_ks_file *f = ks_pick_file(w, in);
    const ntsec_token *t = w->tokens[fuzz_pick(in, KS_TOKENS)];
    SECURITY_INFORMATION si = ks_si(in);
    ntsec_ks_create_item *target;
    NTSTATUS st;
    if (!f) return;
    target = f->fs_context ? f->fs_context->original_create_item : NULL;
    if (fuzz_u8(in) & 1) {
        size_t n;
        const uint8_t *b = fuzz_bytes(in, 512, &n);
        st = ntsec_ks_io_set_security_bytes(f, t, si, b, n);
    } else {
        st = ntsec_ks_io_set_security(f, t, si, ks_pick_sd(w, in));
    }
    /* a success may be a set without effect (no SetSecurity slot) */
    if (st != STATUS_SUCCESS || !target || ks_item_unchanged(w, (unsigned)ks_item_index(w, target)))
        ks_check_items(w, NULL);
    else
        ks_check_items(w, target);
}

static void ks_step_io_query(ks_world *w, fuzz_in *in)
{
    ntsec_ks_file *f = ks_pick_file(w, in);
    const ntsec_token *t = w->tokens[fuzz_pick(in, KS_TOKENS)];
    SECURITY_INFORMATION si = ks_si(in);
    uint32_t length = fuzz_u16(in) % 1024, needed = 0xA5A5A5A5u;
    uint8_t buf[1024];
    NTSTATUS st;
    if (!f) return;
    memset(buf, 0xA5, sizeof buf);
    st = ntsec_ks_io_query_security(f, t, si, length ? buf : NULL, length, &needed);
    ks_check_items(w, NULL);
    if (st == STATUS_SUCCESS) {
        ntsec_sd *got = NULL;
        FUZZ_CHECK(needed <= length);
        FUZZ_CHECK(needed == 0 || ntsec_sd_from_bytes(buf, needed, &got) == STATUS_SUCCESS);
        ntsec_sd_unref(got);
    } else if (st == STATUS_BUFFER_TOO_SMALL) {
        FUZZ_CHECK(needed > length && ks_all_bytes(buf, sizeof buf, 0xA5));
    } else {
        FUZZ_CHECK(ks_all_bytes(buf, sizeof buf, 0xA5));
    }
}

static void ks_step_misc(ks_world *w, fuzz_in *in)
{
    unsigned slot = fuzz_pick(in, KS_FILES);
    switch (fuzz_pick(in, 3)) {
    case 0:
        ntsec_ks_file_free(w->files[slot]);
        w->files[slot] = NULL;
        break;
    case 1:
        if (w->files[slot]) ntsec_ks_file_detach_header(w->files[slot]);
        break;
    default:
        ntsec_ks_device_fail_pool_allocations(w->dev, fuzz_pick(in, 3));
        break;
    }
    ks_check_items(w, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_in in = {data, size, 0};
    ks_world w;
    int steps = 0;
    ks_setup(&w, &in);
    while (fuzz_more(&in) && steps++ < KS_STEPS) {
        ks_snapshot(&w);
        switch (fuzz_pick(&in, 5)) {
        case 0: ks_step_create(&w, &in); break;
        case 1: ks_step_irp(&w, &in); break;
        case 2: ks_step_io_set(&w, &in); break;
        case 3: ks_step_io_query(&w, &in); break;
        default: ks_step_misc(&w, &in); break;
        }
    }
    ks_teardown(&w);
    return 0;
}
