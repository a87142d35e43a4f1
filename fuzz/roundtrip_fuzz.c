/*
** roundtrip_fuzz.c: binary -> SDDL -> binary consistency (issue #3).
**
** A valid descriptor that formats must re-parse from its canonical text,
** with the same owner, group, ACL presence and P/AR/AI flags, and ACE for
** ACE the same type, flags, mask, GUIDs and SID; the re-parsed descriptor
** must print the same text again (after a GUID-less OA/OD turned into A/D,
** the new text must be a fixed point instead). What SDDL cannot carry is not compared
** (docs/sddl.md "Round trips"): Sbz1 and the other control bits, ACL
** revision, Sbz fields and slack, bytes after the SID of a plain or object
** ACE, object-flag bits above 0x3, the byte layout of callback and
** resource-attribute data (compared through the re-printed text), and a
** GUID-less OA/OD, which reads back as A/D (2.3). Three things print but
** cannot be read back, and such descriptors must fail to re-parse: a SID
** without sub-authorities ("S-1-5", 2.7), a SACL-only ACE type in a DACL
** (2.4), a callback ACE without a condition.
*/
#include "fuzz_common.h"
#include "sddl_tables.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Control bits SDDL expresses for each present ACL. */
#define DACL_TEXT_BITS (SE_DACL_PRESENT | SE_DACL_PROTECTED | SE_DACL_AUTO_INHERIT_REQ \
                        | SE_DACL_AUTO_INHERITED)
#define SACL_TEXT_BITS (SE_SACL_PRESENT | SE_SACL_PROTECTED | SE_SACL_AUTO_INHERIT_REQ \
                        | SE_SACL_AUTO_INHERITED)

static int has_empty_sid(const uint8_t *sid) { return sid && sid[1] == 0; }

static int needs_condition(uint8_t type)
{
    return type == ACCESS_ALLOWED_CALLBACK_ACE_TYPE || type == ACCESS_DENIED_CALLBACK_ACE_TYPE
           || type == ACCESS_ALLOWED_CALLBACK_OBJECT_ACE_TYPE
           || type == SYSTEM_AUDIT_CALLBACK_ACE_TYPE;
}

/* A GUID-less OA/OD prints as "OA" but reads back as A/D (2.3, 2.10). */
static int guidless_object(const ntsec_ace *a)
{
    return (a->type == ACCESS_ALLOWED_OBJECT_ACE_TYPE || a->type == ACCESS_DENIED_OBJECT_ACE_TYPE)
           && !a->object_type && !a->inherited_object_type;
}

static int acl_has_guidless_object(const uint8_t *acl)
{
    ntsec_acl_iter it;
    ntsec_ace a;
    if (!acl) return 0;
    ntsec_acl_iter_init(&it, acl);
    while (ntsec_acl_next(&it, &a))
        if (guidless_object(&a)) return 1;
    return 0;
}

/* An ACE whose printed text the parser rejects (see the header). */
static int acl_unreadable(const uint8_t *acl, int dacl)
{
    ntsec_acl_iter it;
    ntsec_ace a;
    if (!acl) return 0;
    ntsec_acl_iter_init(&it, acl);
    while (ntsec_acl_next(&it, &a))
        if (has_empty_sid(a.sid) || (dacl && sddl_ace_type_sacl_only(a.type))
            || (needs_condition(a.type) && a.data_len == 0))
            return 1;
    return 0;
}

static int sid_same(const uint8_t *a, const uint8_t *b)
{
    if (!a || !b) return a == b;
    return ntsec_sid_equal(a, b);
}

static int guid_same(const uint8_t *a, const uint8_t *b)
{
    if (!a || !b) return a == b;
    return memcmp(a, b, 16) == 0;
}

/* The type a GUID-less OA/OD reads back as. */
static uint8_t text_type(const ntsec_ace *a)
{
    if (a->object_type || a->inherited_object_type) return a->type;
    if (a->type == ACCESS_ALLOWED_OBJECT_ACE_TYPE) return ACCESS_ALLOWED_ACE_TYPE;
    if (a->type == ACCESS_DENIED_OBJECT_ACE_TYPE) return ACCESS_DENIED_ACE_TYPE;
    return a->type;
}

static void check_same_aces(const uint8_t *x, const uint8_t *y)
{
    ntsec_acl_iter ix, iy;
    ntsec_ace a, b;
    FUZZ_CHECK((x == NULL) == (y == NULL));
    if (!x) return;
    FUZZ_CHECK(ntsec_acl_count(x) == ntsec_acl_count(y));
    ntsec_acl_iter_init(&ix, x);
    ntsec_acl_iter_init(&iy, y);
    while (ntsec_acl_next(&ix, &a)) {
        FUZZ_CHECK(ntsec_acl_next(&iy, &b));
        FUZZ_CHECK(text_type(&a) == b.type && a.flags == b.flags && a.mask == b.mask);
        FUZZ_CHECK(guid_same(a.object_type, b.object_type));
        FUZZ_CHECK(guid_same(a.inherited_object_type, b.inherited_object_type));
        FUZZ_CHECK(sid_same(a.sid, b.sid));
    }
}

static void check_same_meaning(const ntsec_sd *sd, const ntsec_sd *again)
{
    ntsec_sd_parts a, b;
    uint16_t bits = 0;
    ntsec_sd_get_parts(sd, &a);
    ntsec_sd_get_parts(again, &b);
    if (a.control & SE_DACL_PRESENT) bits |= DACL_TEXT_BITS;
    if (a.control & SE_SACL_PRESENT) bits |= SACL_TEXT_BITS;
    FUZZ_CHECK((a.control & bits) == (b.control & (DACL_TEXT_BITS | SACL_TEXT_BITS)));
    FUZZ_CHECK(sid_same(a.owner, b.owner) && sid_same(a.group, b.group));
    check_same_aces(a.sacl, b.sacl);
    check_same_aces(a.dacl, b.dacl);
}

static int unreadable(const ntsec_sd *sd)
{
    ntsec_sd_parts p;
    ntsec_sd_get_parts(sd, &p);
    return has_empty_sid(p.owner) || has_empty_sid(p.group) || acl_unreadable(p.sacl, 0)
           || acl_unreadable(p.dacl, 1);
}

static int has_guidless_object(const ntsec_sd *sd)
{
    ntsec_sd_parts p;
    ntsec_sd_get_parts(sd, &p);
    return acl_has_guidless_object(p.sacl) || acl_has_guidless_object(p.dacl);
}

static int same_text(const ntsec_buf *a, const ntsec_buf *b)
{
    return a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

/* The text of the re-parsed descriptor: the same text, or after an OA/OD
** became A/D, a text that is itself a fixed point. */
static void check_text_again(const ntsec_sd *sd, const ntsec_sd *again, const ntsec_buf *text,
                             const ntsec_sid_ctx *ctx)
{
    ntsec_buf text2, text3;
    ntsec_sd *third = NULL;
    ntsec_buf_init(&text2);
    ntsec_buf_init(&text3);
    FUZZ_CHECK(ntsec_sddl_format(again, 0xFFFF, ctx, &text2) == STATUS_SUCCESS);
    if (!has_guidless_object(sd)) {
        FUZZ_CHECK(same_text(text, &text2));
    } else {
        FUZZ_CHECK(ntsec_sddl_parse((const char *)text2.data, text2.len, ctx, &third, NULL)
                   == STATUS_SUCCESS);
        FUZZ_CHECK(ntsec_sddl_format(third, 0xFFFF, ctx, &text3) == STATUS_SUCCESS);
        FUZZ_CHECK(same_text(&text2, &text3));
    }
    ntsec_sd_unref(third);
    ntsec_buf_free(&text2);
    ntsec_buf_free(&text3);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ntsec_sid_ctx ctx = fuzz_ctx();
    ntsec_sd *sd = NULL, *again = NULL;
    ntsec_buf text;
    NTSTATUS st;
    if (ntsec_sd_from_bytes(data, size, &sd) != STATUS_SUCCESS) return 0;
    ntsec_buf_init(&text);
    if (ntsec_sddl_format(sd, 0xFFFF, &ctx, &text) == STATUS_SUCCESS) {
        st = ntsec_sddl_parse((const char *)text.data, text.len, &ctx, &again, NULL);
        FUZZ_CHECK((st == STATUS_SUCCESS) == !unreadable(sd));
        if (again) {
            check_same_meaning(sd, again);
            check_text_again(sd, again, &text, &ctx);
        }
    }
    ntsec_sd_unref(again);
    ntsec_sd_unref(sd);
    ntsec_buf_free(&text);
    return 0;
}
