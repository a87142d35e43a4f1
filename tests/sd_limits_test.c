/*
** sd_limits_test.c: the size limits of ACLs and ACEs at their boundary,
** whichever way a descriptor arrives: SDDL text, binary bytes, the
** set-security merge and inheritance (issue 15; docs/binary.md "Size
** limits").
**
** The limits are those of the binary structure (sd_semantics.md 1.2,
** 2.10, 4.6): AclSize and AceSize are u16 fields, so an ACL holds at most
** 0xFFFF bytes; RtlValidAcl wants AclSize even, so a valid ACL ends at
** 0xFFFE, and ACEs built from SDDL are multiples of 4, so an ACL from text
** ends at 0xFFFC. Every expected size below is computed by hand in the
** comment above it; nothing is taken from ntsec's own output.
**
** Resource-attribute ACE "(RA;;;;;WD;("name",TI,0x0,1))" with a name of L
** UTF-16 units: ACE = header 4 + mask 4 + SID S-1-1-0 12 + blob padded to
** 4; blob = 16 (header) + 4 (one value offset) + 2L + 2 (NUL) + 8 (TI) =
** 30 + 2L.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctest.h"
#include "acl.h"
#include "merge.h"
#include "sd.h"
#include "sddl.h"
#include "secdefs.h"
#include "status.h"

static size_t pad4(size_t n)
{
    return (n + 3) & ~(size_t)3;
}

/* Bytes of the RA ACE above for a name of units UTF-16 units. */
static size_t ra_ace_size(size_t units)
{
    return 4 + 4 + 12 + pad4(30 + 2 * units);
}

/* prefix + "(RA;;;;;WD;(\"" + units times unit + "\",TI,0x0,1))"; free it. */
static char *ra_text(const char *prefix, size_t units, const char *unit, size_t *len)
{
    static const char head[] = "(RA;;;;;WD;(\"", tail[] = "\",TI,0x0,1))";
    size_t np = strlen(prefix), nu = strlen(unit), i;
    char *s = malloc(np + sizeof head + units * nu + sizeof tail);
    char *p = s;
    if (!s) return NULL;
    memcpy(p, prefix, np);
    p += np;
    memcpy(p, head, sizeof head - 1);
    p += sizeof head - 1;
    for (i = 0; i < units; i++, p += nu) memcpy(p, unit, nu);
    memcpy(p, tail, sizeof tail - 1);
    p += sizeof tail - 1;
    *p = 0;
    *len = (size_t)(p - s);
    return s;
}

static NTSTATUS parse(const char *s, size_t len, ntsec_sd **sd, size_t *off)
{
    *sd = NULL;
    return ntsec_sddl_parse(s, len, NULL, sd, off);
}

static uint16_t sacl_size(const ntsec_sd *sd)
{
    ntsec_sd_parts parts;
    ntsec_sd_get_parts(sd, &parts);
    return parts.sacl ? ntsec_acl_size(parts.sacl) : 0;
}

/* ---- SDDL ---- */

/* SACL = 8 + ra_ace_size(L). pad4(30 + 2L) = 65504 at L = 32737: SACL
** 65532 = 0xFFFC, the largest. L = 32738: pad4(65506) = 65508, SACL 65536:
** one byte more than 0xFFFF (and the first size a text ACL can take past
** 0xFFFC). The same name written as %0061 escapes is 5 times as long
** (163,685 characters) and must meet exactly the same limit: before issue
** 15 the text length was limited instead (the saved fuzz finding). */
static void test_sddl_boundary(void)
{
    static const char *units[] = { "a", "%0061" };
    size_t k;
    CHECK_EQ_U(8 + ra_ace_size(32737), 0xFFFC);
    CHECK_EQ_U(8 + ra_ace_size(32738), 0x10000);
    for (k = 0; k < 2; k++) {
        size_t len, plain_len, off = 99;
        char *fits = ra_text("S:", 32737, units[k], &len);
        char *plain = ra_text("S:", 32737, "a", &plain_len);
        char *over;
        ntsec_sd *sd = NULL, *again = NULL;
        ntsec_buf text;
        ntsec_buf_init(&text);
        CHECK_EQ_U(parse(fits, len, &sd, &off), STATUS_SUCCESS);
        if (sd) {
            CHECK_EQ_U(sacl_size(sd), 0xFFFC);
            CHECK_EQ_U(sd->len, 20 + 0xFFFC);
            CHECK_EQ_U(ntsec_sddl_format(sd, 0xFFFF, NULL, &text), STATUS_SUCCESS);
            /* canonical text: the escapes of printable letters print as letters */
            CHECK(text.len == plain_len && memcmp(text.data, plain, plain_len) == 0);
            CHECK_EQ_U(parse((const char *)text.data, text.len, &again, &off), STATUS_SUCCESS);
            CHECK(again && ntsec_sd_equal(sd, again));
        }
        ntsec_sd_unref(again);
        ntsec_sd_unref(sd);
        ntsec_buf_free(&text);
        free(fits);
        free(plain);
        over = ra_text("S:", 32738, units[k], &len);
        CHECK_EQ_U(parse(over, len, &sd, &off), STATUS_INVALID_ACL);
        CHECK(sd == NULL);
        free(over);
    }
}

/* Conditional data: "(XA;;FA;;;WD;(@User.<name>))" of L units gives
** artx (4) + attribute token 0xF9 (1) + u32 length (4) + 2L, padded to 4.
** DACL = 8 + 4 + 4 + 12 + pad4(9 + 2L). L = 32747: 9 + 65494 = 65503 ->
** 65504, DACL 65532 = 0xFFFC; L = 32748: 9 + 65496 = 65505 -> 65508, DACL
** 65536 (one byte over 0xFFFF). A name of 3-byte UTF-8 characters (U+4E00,
** one unit each) or of %4e00 escapes must meet the same limit. */
static void test_condition_boundary(void)
{
    static const char *units[] = { "a", "\xE4\xB8\x80", "%4e00" };
    static const size_t fits_units = 32747, over_units = 32748;
    size_t k, n;
    CHECK_EQ_U(8 + 20 + pad4(9 + 2 * fits_units), 0xFFFC);
    CHECK_EQ_U(8 + 20 + pad4(9 + 2 * over_units), 0x10000);
    for (k = 0; k < 3; k++) {
        for (n = fits_units; n <= over_units; n++) {
            size_t nu = strlen(units[k]), len, i, off = 0;
            char *s = malloc(32 + n * nu);
            ntsec_sd *sd = NULL;
            NTSTATUS st;
            if (!s) continue;
            len = (size_t)sprintf(s, "D:(XA;;FA;;;WD;(@User.");
            for (i = 0; i < n; i++, len += nu) memcpy(s + len, units[k], nu);
            memcpy(s + len, "))", 2);
            len += 2;
            st = parse(s, len, &sd, &off);
            CHECK_EQ_U(st, n == fits_units ? STATUS_SUCCESS : STATUS_INVALID_ACL);
            if (sd) {
                ntsec_sd_parts parts;
                ntsec_sd_get_parts(sd, &parts);
                CHECK_EQ_U(ntsec_acl_size(parts.dacl), 0xFFFC);
            }
            ntsec_sd_unref(sd);
            free(s);
        }
    }
}

/* ---- binary bytes ---- */

/* The 0xFFFC SACL as bytes: valid as it is; 2 bytes of slack make AclSize
** 0xFFFE, still valid (even); AclSize 0xFFFF is odd, which RtlValidAcl
** rejects (1.8), and no larger AclSize can be written in 16 bits; an ACE
** reaching past AclSize (AceSize + 4) is invalid. */
static void test_bytes_boundary(void)
{
    size_t len, off;
    char *s = ra_text("S:", 32737, "a", &len);
    ntsec_sd *sd = NULL, *got = NULL;
    uint8_t *b;
    CHECK_EQ_U(parse(s, len, &sd, &off), STATUS_SUCCESS);
    free(s);
    if (!sd) return;
    b = malloc(sd->len + 4);
    if (!b) return;
    memset(b, 0, sd->len + 4);
    memcpy(b, sd->bytes, sd->len);
    /* header (20), SACL at offset 20: AclSize at 22, the ACE's size at 30 */
    CHECK_EQ_U(ntsec_rd32(b + 12), 20);
    CHECK_EQ_U(ntsec_sd_from_bytes(b, sd->len, &got), STATUS_SUCCESS);
    ntsec_sd_unref(got);
    got = NULL;
    ntsec_wr16(b + 22, 0xFFFE);
    CHECK_EQ_U(ntsec_sd_from_bytes(b, 20 + 0xFFFE, &got), STATUS_SUCCESS);
    if (got) CHECK_EQ_U(sacl_size(got), 0xFFFE);
    ntsec_sd_unref(got);
    got = NULL;
    ntsec_wr16(b + 22, 0xFFFF);
    CHECK_EQ_U(ntsec_sd_from_bytes(b, 20 + 0xFFFF, &got), STATUS_INVALID_ACL);
    CHECK(got == NULL);
    ntsec_wr16(b + 22, 0xFFFE);
    ntsec_wr16(b + 30, (uint16_t)(ntsec_rd16(b + 30) + 4));    /* 0xFFF8 > 0xFFFE - 8 */
    CHECK_EQ_U(ntsec_rd16(b + 30), 0xFFF8);
    CHECK_EQ_U(ntsec_sd_from_bytes(b, 20 + 0xFFFE, &got), STATUS_INVALID_ACL);
    free(b);
    ntsec_sd_unref(sd);
}

/* The ACL builder (what SDDL, the merge and inheritance write through):
** 0xFFFF bytes is the last size its 16-bit AclSize holds, but an odd size
** is not a valid ACL; 0xFFFE is built, 0xFFFF and 0x10000 are refused. One
** callback ACE (type 9): 4 + 4 + SID 12 + data. */
static void test_builder_boundary(void)
{
    static const uint8_t world[12] = { 1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0 };
    static uint8_t data[0x10000];
    static const uint32_t sizes[] = { 0xFFFE, 0xFFFF, 0x10000 };
    size_t i;
    for (i = 0; i < 3; i++) {
        ntsec_buf b;
        ntsec_acl_builder ab;
        ntsec_ace a;
        NTSTATUS st;
        memset(&a, 0, sizeof a);
        a.type = ACCESS_ALLOWED_CALLBACK_ACE_TYPE;
        a.sid = world;
        a.data = data;
        a.data_len = sizes[i] - 8 - 20;
        ntsec_buf_init(&b);
        ntsec_acl_begin(&ab, &b);
        ntsec_acl_add(&ab, &a);
        st = ntsec_acl_end(&ab, 0);
        CHECK_EQ_U(st, i == 0 ? STATUS_SUCCESS : STATUS_INVALID_ACL);
        if (st == STATUS_SUCCESS) {
            CHECK_EQ_U(ntsec_acl_size(b.data), 0xFFFE);
            CHECK(ntsec_acl_valid(b.data, b.len));
        } else {
            CHECK_EQ_U(b.len, 0);                 /* nothing left behind */
        }
        ntsec_buf_free(&b);
    }
}

/* ---- set-security merge ---- */

/* OLD SACL: one audit ACE (AU;SA;GA;;;WD) of 4 + 4 + 12 = 20 bytes.
** ATTRIBUTE_SECURITY_INFORMATION keeps it and adds MOD's RA ACE: result
** 8 + 20 + ra_ace_size(L). L = 32727: pad4(65484) = 65484, result 65532 =
** 0xFFFC. L = 32728: pad4(65486) = 65488, result 65536: STATUS_INVALID_ACL,
** OLD untouched and no result. */
static void test_merge_boundary(void)
{
    static const char old_text[] = "O:SYG:SYD:(A;;GA;;;WD)S:(AU;SA;GA;;;WD)";
    ntsec_sd *old = NULL;
    size_t n, off;
    uint8_t *before;
    CHECK_EQ_U(8 + 20 + ra_ace_size(32727), 0xFFFC);
    CHECK_EQ_U(8 + 20 + ra_ace_size(32728), 0x10000);
    CHECK_EQ_U(parse(old_text, sizeof old_text - 1, &old, &off), STATUS_SUCCESS);
    if (!old) return;
    before = malloc(old->len);
    if (!before) return;
    memcpy(before, old->bytes, old->len);
    for (n = 32727; n <= 32728; n++) {
        size_t len;
        char *s = ra_text("S:", n, "a", &len);
        ntsec_sd *mod = NULL, *out = NULL;
        ntsec_sd_parts parts;
        NTSTATUS st;
        CHECK_EQ_U(parse(s, len, &mod, &off), STATUS_SUCCESS);
        free(s);
        if (!mod) continue;
        ntsec_sd_get_parts(mod, &parts);
        st = ntsec_set_security(old, ATTRIBUTE_SECURITY_INFORMATION, &parts, 0, NULL, NULL, &out);
        if (n == 32727) {
            CHECK_EQ_U(st, STATUS_SUCCESS);
            if (out) CHECK_EQ_U(sacl_size(out), 0xFFFC);
        } else {
            CHECK_EQ_U(st, STATUS_INVALID_ACL);
            CHECK(out == NULL);
        }
        CHECK(memcmp(before, old->bytes, old->len) == 0);
        ntsec_sd_unref(out);
        ntsec_sd_unref(mod);
    }
    free(before);
    ntsec_sd_unref(old);
}

/* ---- inheritance ---- */

/* Parent DACL: one (XA;OICI;GA;;;WD;(@User.<L units>)) ACE of
** A = 20 + pad4(9 + 2L) bytes. A container child gets it twice (4.4 item
** 4: the mapped effective copy and the inherit-only original), DACL
** 8 + 2A. L = 16365: pad4(32739) = 32740, A = 32760, child 65528 fits;
** L = 16366: pad4(32741) = 32744, A = 32764, child 65536: STATUS_INVALID_ACL
** though the parent (8 + A = 32772) is far from the limit. */
static void test_inherit_boundary(void)
{
    static const ntsec_generic_mapping map = { FILE_GENERIC_READ, FILE_GENERIC_WRITE,
                                               FILE_GENERIC_EXECUTE, FILE_ALL_ACCESS };
    static const uint8_t system_sid[12] = { 1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0 };
    size_t n;
    CHECK_EQ_U(8 + 2 * (20 + pad4(9 + 2 * 16365)), 65528);
    CHECK_EQ_U(8 + 2 * (20 + pad4(9 + 2 * 16366)), 0x10000);
    for (n = 16365; n <= 16366; n++) {
        size_t len, i, off;
        char *s = malloc(64 + n);
        ntsec_sd *parent = NULL, *child = NULL;
        NTSTATUS st;
        if (!s) continue;
        len = (size_t)sprintf(s, "O:SYG:SYD:(XA;OICI;GA;;;WD;(@User.");
        for (i = 0; i < n; i++) s[len++] = 'a';
        memcpy(s + len, "))", 2);
        len += 2;
        CHECK_EQ_U(parse(s, len, &parent, &off), STATUS_SUCCESS);
        free(s);
        if (!parent) continue;
        st = ntsec_new_security(parent, NULL, 1, system_sid, NULL, &map, &child);
        if (n == 16365) {
            ntsec_sd_parts parts;
            CHECK_EQ_U(st, STATUS_SUCCESS);
            if (child) {
                ntsec_sd_get_parts(child, &parts);
                CHECK_EQ_U(parts.dacl ? ntsec_acl_size(parts.dacl) : 0, 65528);
                CHECK_EQ_U(parts.dacl ? ntsec_acl_count(parts.dacl) : 0, 2);
            }
        } else {
            CHECK_EQ_U(st, STATUS_INVALID_ACL);
            CHECK(child == NULL);
        }
        ntsec_sd_unref(child);
        ntsec_sd_unref(parent);
    }
}

int main(void)
{
    test_sddl_boundary();
    test_condition_boundary();
    test_bytes_boundary();
    test_builder_boundary();
    test_merge_boundary();
    test_inherit_boundary();
    return ctest_summary();
}
