/*
** codec_test.c: the binary codec (buf, SID checks, ACE/ACL, descriptors)
** against sd_semantics.md 1.1-1.9 and the 7,716 Windows-produced
** descriptors of shared/data/conformance/windows_sddl_to_binary.tsv.
** Expected bytes are written by hand from the spec, never from our output.
*/
#include <stdlib.h>

#include "ctest.h"
#include "acl.h"
#include "buf.h"
#include "sd.h"
#include "secdefs.h"
#include "sid.h"
#include "status.h"

#define VECTORS "../shared/data/conformance/windows_sddl_to_binary.tsv"

/* SIDs as wire bytes (1.1). */
static const uint8_t SID_WD[] = {1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0};                   /* S-1-1-0 */
static const uint8_t SID_SY[] = {1, 1, 0, 0, 0, 0, 0, 5, 0x12, 0, 0, 0};                /* S-1-5-18 */
static const uint8_t SID_CO[] = {1, 1, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0};                   /* S-1-3-0 */
static const uint8_t SID_BA[] = {1, 2, 0, 0, 0, 0, 0, 5, 0x20, 0, 0, 0, 0x20, 2, 0, 0}; /* S-1-5-32-544 */
static const uint8_t SID_BU[] = {1, 2, 0, 0, 0, 0, 0, 5, 0x20, 0, 0, 0, 0x21, 2, 0, 0}; /* S-1-5-32-545 */

/* DTYP-2514 (1.7): O:BAG:BAD:P(A;CIOI;GRGX;;;BU)(A;CIOI;GA;;;BA)(A;CIOI;GA;;;SY)
** (A;CIOI;GA;;;CO)S:P(AU;FA;GR;;;WD), assembled from the spec's pieces. */
static const char DTYP_HEX[] =
    "010014b0" "90000000" "a0000000" "14000000" "30000000"
    "02001c0001000000" "02801400" "00000080" "010100000000000100000000"
    "0200600004000000"
    "00031800" "000000a0" "01020000000000052000000021020000"
    "00031800" "00000010" "01020000000000052000000020020000"
    "00031400" "00000010" "010100000000000512000000"
    "00031400" "00000010" "010100000000000300000000"
    "01020000000000052000000020020000"
    "01020000000000052000000020020000";

static ntsec_ace plain_ace(uint8_t type, uint8_t flags, uint32_t mask, const uint8_t *sid)
{
    ntsec_ace a;
    memset(&a, 0, sizeof a);
    a.type = type;
    a.flags = flags;
    a.mask = mask;
    a.sid = sid;
    return a;
}

static int bytes_equal(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    return alen == blen && memcmp(a, b, alen) == 0;
}

static int sd_is_hex(const ntsec_sd *sd, const char *hex)
{
    uint8_t want[512];
    long n = ctest_unhex(hex, want, sizeof want);
    return sd && n >= 0 && bytes_equal(sd->bytes, sd->len, want, (size_t)n);
}

/* ---- worked example and minimal cases (1.7) ---- */

static void test_dtyp_example(void)
{
    ntsec_buf sacl, dacl;
    ntsec_acl_builder ab;
    ntsec_ace a;
    ntsec_sd_parts parts;
    ntsec_sd *sd = NULL;
    ntsec_buf_init(&sacl);
    ntsec_buf_init(&dacl);
    ntsec_acl_begin(&ab, &sacl);
    a = plain_ace(SYSTEM_AUDIT_ACE_TYPE, FAILED_ACCESS_ACE_FLAG, GENERIC_READ, SID_WD);
    ntsec_acl_add(&ab, &a);
    CHECK_EQ_U(ntsec_acl_end(&ab, 0), STATUS_SUCCESS);
    ntsec_acl_begin(&ab, &dacl);
    a = plain_ace(0, 3, GENERIC_READ | GENERIC_EXECUTE, SID_BU); ntsec_acl_add(&ab, &a);
    a = plain_ace(0, 3, GENERIC_ALL, SID_BA); ntsec_acl_add(&ab, &a);
    a = plain_ace(0, 3, GENERIC_ALL, SID_SY); ntsec_acl_add(&ab, &a);
    a = plain_ace(0, 3, GENERIC_ALL, SID_CO); ntsec_acl_add(&ab, &a);
    CHECK_EQ_U(ntsec_acl_end(&ab, 0), STATUS_SUCCESS);
    memset(&parts, 0, sizeof parts);
    parts.control = SE_SACL_PROTECTED | SE_DACL_PROTECTED | SE_SACL_PRESENT | SE_DACL_PRESENT;
    parts.owner = SID_BA;
    parts.group = SID_BA;
    parts.sacl = sacl.data;
    parts.dacl = dacl.data;
    CHECK_EQ_U(ntsec_sd_build(&parts, &sd), STATUS_SUCCESS);
    CHECK_EQ_U(sd ? sd->len : 0, 176);
    CHECK(sd_is_hex(sd, DTYP_HEX));
    ntsec_sd_unref(sd);
    ntsec_buf_free(&sacl);
    ntsec_buf_free(&dacl);
}

static void test_minimal_cases(void)
{
    static const uint8_t empty_acl[] = {2, 0, 8, 0, 0, 0, 0, 0};
    ntsec_sd_parts parts;
    ntsec_sd *sd = NULL;
    ntsec_buf b;
    ntsec_acl_builder ab;

    memset(&parts, 0, sizeof parts);
    CHECK_EQ_U(ntsec_sd_build(&parts, &sd), STATUS_SUCCESS);
    CHECK(sd_is_hex(sd, "01000080" "00000000000000000000000000000000"));
    ntsec_sd_unref(sd);

    ntsec_buf_init(&b);                   /* "D:" with the builder's empty ACL */
    ntsec_acl_begin(&ab, &b);
    CHECK_EQ_U(ntsec_acl_end(&ab, 0), STATUS_SUCCESS);
    CHECK(bytes_equal(b.data, b.len, empty_acl, sizeof empty_acl));
    parts.control = SE_DACL_PRESENT;
    parts.dacl = b.data;
    CHECK_EQ_U(ntsec_sd_build(&parts, &sd), STATUS_SUCCESS);
    CHECK(sd_is_hex(sd, "01000480" "00000000" "00000000" "00000000" "14000000" "0200080000000000"));
    CHECK_EQ_U(sd ? sd->len : 0, 28);
    ntsec_sd_unref(sd);
    ntsec_buf_free(&b);

    memset(&parts, 0, sizeof parts);
    parts.owner = SID_SY;
    CHECK_EQ_U(ntsec_sd_build(&parts, &sd), STATUS_SUCCESS);
    CHECK(sd_is_hex(sd, "01000080" "14000000" "00000000" "00000000" "00000000" "010100000000000512000000"));
    ntsec_sd_unref(sd);
    parts.owner = NULL;
    parts.group = SID_SY;
    CHECK_EQ_U(ntsec_sd_build(&parts, &sd), STATUS_SUCCESS);
    CHECK(sd_is_hex(sd, "01000080" "00000000" "14000000" "00000000" "00000000" "010100000000000512000000"));
    ntsec_sd_unref(sd);
}

/* ---- Windows vectors ---- */

typedef struct set_stats {
    char name[64];
    unsigned rows, accepted, rebuilt, acls, acls_ok, aces;
} set_stats;

#define MAX_SETS 16
#define MAX_ACES 16384

static ntsec_ace g_aces[MAX_ACES];

/* Decode every ACE of acl, re-encode with the builder (same revision, same
** slack) and compare. Returns 1 when identical. */
static int acl_roundtrip(const uint8_t *acl, unsigned *ace_total)
{
    ntsec_acl_iter it;
    ntsec_acl_builder ab;
    ntsec_buf b;
    unsigned n = 0, i;
    int ok;
    ntsec_acl_iter_init(&it, acl);
    while (n < MAX_ACES && ntsec_acl_next(&it, &g_aces[n])) n++;
    *ace_total += n;
    if (n != ntsec_acl_count(acl)) return 0;
    ntsec_buf_init(&b);
    ntsec_acl_begin(&ab, &b);
    for (i = 0; i < n; i++) ntsec_acl_add(&ab, &g_aces[i]);
    if (ntsec_acl_revision(acl) == ACL_REVISION_DS) ntsec_acl_force_ds(&ab);
    ok = ntsec_acl_end(&ab, ntsec_acl_size(acl) - it.off) == STATUS_SUCCESS
         && bytes_equal(b.data, b.len, acl, ntsec_acl_size(acl));
    ntsec_buf_free(&b);
    return ok;
}

static void check_vector(set_stats *st, const uint8_t *bytes, size_t len, unsigned line)
{
    ntsec_sd *sd = NULL, *rebuilt = NULL;
    ntsec_sd_parts parts;
    NTSTATUS s = ntsec_sd_from_bytes(bytes, len, &sd);
    st->rows++;
    if (s != STATUS_SUCCESS) { printf("line %u: from_bytes 0x%08X\n", line, (unsigned)s); return; }
    st->accepted++;
    ntsec_sd_get_parts(sd, &parts);
    if (ntsec_sd_build(&parts, &rebuilt) == STATUS_SUCCESS && ntsec_sd_equal(sd, rebuilt)
        && bytes_equal(rebuilt->bytes, rebuilt->len, bytes, len))
        st->rebuilt++;
    else
        printf("line %u: rebuild differs\n", line);
    if (parts.sacl) { st->acls++; st->acls_ok += (unsigned)acl_roundtrip(parts.sacl, &st->aces); }
    if (parts.dacl) { st->acls++; st->acls_ok += (unsigned)acl_roundtrip(parts.dacl, &st->aces); }
    ntsec_sd_unref(rebuilt);
    ntsec_sd_unref(sd);
}

static set_stats *stats_for(set_stats *sets, unsigned *nsets, const char *name, size_t nlen)
{
    unsigned i;
    for (i = 0; i < *nsets; i++)
        if (strlen(sets[i].name) == nlen && memcmp(sets[i].name, name, nlen) == 0) return &sets[i];
    if (*nsets == MAX_SETS || nlen >= sizeof sets[0].name) return NULL;
    memset(&sets[*nsets], 0, sizeof sets[0]);
    memcpy(sets[*nsets].name, name, nlen);
    return &sets[(*nsets)++];
}

/* One TSV row "set \t sddl \t hex"; returns 0 on a malformed row. */
static int run_row(set_stats *sets, unsigned *nsets, char *row, unsigned line, uint8_t *bytes, size_t cap)
{
    char *tab1 = strchr(row, '\t'), *tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL, *end;
    set_stats *st;
    long n;
    if (!tab2) return 0;
    end = tab2 + 1 + strcspn(tab2 + 1, "\r\n");
    *end = 0;
    st = stats_for(sets, nsets, row, (size_t)(tab1 - row));
    n = ctest_unhex(tab2 + 1, bytes, cap);
    if (!st || n < 0) return 0;
    check_vector(st, bytes, (size_t)n, line);
    return 1;
}

static void test_windows_vectors(void)
{
    static uint8_t bytes[65536 * 2];
    set_stats sets[MAX_SETS];
    unsigned nsets = 0, line = 0, bad = 0, total = 0, i;
    char *row = NULL;
    size_t cap = 0;
    FILE *f = fopen(VECTORS, "r");
    CHECK(f != NULL);
    if (!f) return;
    while (getline(&row, &cap, f) > 0) {
        if (++line == 1) continue;        /* header */
        if (!run_row(sets, &nsets, row, line, bytes, sizeof bytes)) bad++;
    }
    free(row);
    fclose(f);
    CHECK_EQ_U(bad, 0);
    for (i = 0; i < nsets; i++) {
        set_stats *s = &sets[i];
        printf("%-30s rows %5u accepted %5u rebuilt %5u acls %5u/%5u aces %6u\n", s->name,
               s->rows, s->accepted, s->rebuilt, s->acls_ok, s->acls, s->aces);
        CHECK_EQ_U(s->accepted, s->rows);
        CHECK_EQ_U(s->rebuilt, s->rows);
        CHECK_EQ_U(s->acls_ok, s->acls);
        total += s->rows;
    }
    CHECK_EQ_U(nsets, 7);
    CHECK_STR(nsets ? sets[0].name : NULL, "short_ordinary");
    CHECK_EQ_U(total, 7716);
}

/* ---- ACE decode per layout (1.4) ---- */

static long hex_into(const char *hex, uint8_t *out, size_t cap)
{
    long n = ctest_unhex(hex, out, cap);
    CHECK(n > 0);
    return n;
}

static void test_decode_layouts(void)
{
    uint8_t b[256];
    ntsec_ace a;
    long n;
    /* plain allowed: 00 03 1400 mask SY */
    n = hex_into("00031400" "ff011f00" "010100000000000512000000", b, sizeof b);
    CHECK_EQ_U(ntsec_ace_decode(b, (size_t)n, &a), STATUS_SUCCESS);
    CHECK_EQ_U(a.mask, 0x001F01FFu);
    CHECK(a.sid == b + 8 && a.data == NULL && a.data_len == 0 && a.object_type == NULL);
    /* object ACE with only the inherited GUID: that GUID sits at offset 12 (1.4) */
    n = hex_into("05022800" "10000000" "02000000" "0e7a96bfe60dd011a28500aa003049e2"
                 "010100000000000512000000", b, sizeof b);
    CHECK_EQ_U(ntsec_ace_decode(b, (size_t)n, &a), STATUS_SUCCESS);
    CHECK(a.object_type == NULL && a.inherited_object_type == b + 12 && a.sid == b + 28);
    CHECK_EQ_U(a.object_flags, 2);
    /* object ACE with both GUIDs: ObjectType first */
    n = hex_into("07403800" "20000000" "03000000" "11111111111111111111111111111111"
                 "22222222222222222222222222222222" "010100000000000100000000", b, sizeof b);
    CHECK_EQ_U(ntsec_ace_decode(b, (size_t)n, &a), STATUS_SUCCESS);
    CHECK(a.object_type == b + 12 && a.inherited_object_type == b + 28 && a.sid == b + 44);
    /* callback: application data runs to AceSize */
    n = hex_into("09001c00" "01000000" "010100000000000100000000" "61727478" "01000000", b, sizeof b);
    CHECK_EQ_U(ntsec_ace_decode(b, (size_t)n, &a), STATUS_SUCCESS);
    CHECK(a.sid == b + 8 && a.data == b + 20);
    CHECK_EQ_U(a.data_len, 8);
    /* callback object, no GUIDs: mask, flags, SID, data */
    n = hex_into("0b001800" "01000000" "00000000" "010100000000000100000000", b, sizeof b);
    CHECK_EQ_U(ntsec_ace_decode(b, (size_t)n, &a), STATUS_SUCCESS);
    CHECK(a.sid == b + 12 && a.data_len == 0);
    /* compound: opaque body */
    n = hex_into("04001000" "01000000" "01000000" "aabbccdd", b, sizeof b);
    CHECK_EQ_U(ntsec_ace_decode(b, (size_t)n, &a), STATUS_SUCCESS);
    CHECK(a.sid == NULL && a.data == b + 4 && a.data_len == 12 && a.mask == 0);
    /* mandatory label with trailing data kept as data */
    n = hex_into("11001800" "01000000" "010100000000001000300000" "00000000", b, sizeof b);
    CHECK_EQ_U(ntsec_ace_decode(b, (size_t)n, &a), STATUS_SUCCESS);
    CHECK(a.sid == b + 8 && a.data_len == 4 && a.mask == 1);
    /* types 0x12-0x15 share the mask+SID layout */
    b[0] = 0x15;
    CHECK_EQ_U(ntsec_ace_decode(b, (size_t)n, &a), STATUS_SUCCESS);
    CHECK(a.type == 0x15 && a.sid == b + 8);
    /* unknown type 0x16: opaque even though a SID would parse */
    b[0] = 0x16;
    CHECK_EQ_U(ntsec_ace_decode(b, (size_t)n, &a), STATUS_SUCCESS);
    CHECK(a.sid == NULL && a.data == b + 4 && a.data_len == 20);
}

static void test_decode_bounds(void)
{
    uint8_t b[64];
    ntsec_ace a;
    long n;
    /* AceSize 0x10 but the SID needs 12 bytes after the mask: the valid SID
    ** bytes beyond AceSize must not be read */
    n = hex_into("00001000" "01000000" "010100000000000512000000", b, sizeof b);
    CHECK_EQ_U(ntsec_ace_decode(b, (size_t)n, &a), STATUS_INVALID_ACL);
    /* AceSize beyond the bytes available */
    n = hex_into("00001800" "01000000" "010100000000000512000000", b, sizeof b);
    CHECK_EQ_U(ntsec_ace_decode(b, (size_t)n, &a), STATUS_INVALID_ACL);
    CHECK_EQ_U(ntsec_ace_decode(b, 3, &a), STATUS_INVALID_ACL);
    /* object flags announce a GUID that does not fit */
    n = hex_into("05001c00" "01000000" "01000000" "010100000000000512000000", b, sizeof b);
    CHECK_EQ_U(ntsec_ace_decode(b, (size_t)n, &a), STATUS_INVALID_ACL);
    /* AceSize below the header */
    n = hex_into("16000200", b, sizeof b);
    CHECK_EQ_U(ntsec_ace_decode(b, (size_t)n, &a), STATUS_INVALID_ACL);
    /* SID with 16 sub-authorities */
    n = hex_into("00001400" "01000000" "011000000000000512000000", b, sizeof b);
    CHECK_EQ_U(ntsec_ace_decode(b, (size_t)n, &a), STATUS_INVALID_ACL);
}

/* ---- builder (acl.h) ---- */

static void test_builder_object_and_revision(void)
{
    static const uint8_t guid[16] = {0x0e, 0x7a, 0x96, 0xbf, 0xe6, 0x0d, 0xd0, 0x11,
                                     0xa2, 0x85, 0x00, 0xaa, 0x00, 0x30, 0x49, 0xe2};
    uint8_t want[128];
    long n;
    ntsec_buf b;
    ntsec_acl_builder ab;
    ntsec_ace a = plain_ace(ACCESS_ALLOWED_OBJECT_ACE_TYPE, 0, 0x10, SID_SY);
    a.object_flags = 0xFF;                /* recomputed from the pointers */
    a.inherited_object_type = guid;
    CHECK_EQ_U(ntsec_ace_encoded_size(&a), 40);
    ntsec_buf_init(&b);
    ntsec_acl_begin(&ab, &b);
    ntsec_acl_add(&ab, &a);
    CHECK_EQ_U(ntsec_acl_end(&ab, 0), STATUS_SUCCESS);
    n = ctest_unhex("0400300001000000" "05002800" "10000000" "02000000"
                    "0e7a96bfe60dd011a28500aa003049e2" "010100000000000512000000", want, sizeof want);
    CHECK(bytes_equal(b.data, b.len, want, (size_t)n));
    CHECK(ntsec_acl_valid(b.data, b.len));
    ntsec_buf_free(&b);
    /* plain ACE + force_ds + 4 bytes slack (the 2.10 quirk shape) */
    ntsec_buf_init(&b);
    ntsec_buf_put(&b, "xy", 2);           /* builder appends after existing bytes */
    ntsec_acl_begin(&ab, &b);
    a = plain_ace(ACCESS_DENIED_ACE_TYPE, 0, 0, SID_WD);
    ntsec_acl_add(&ab, &a);
    ntsec_acl_force_ds(&ab);
    CHECK_EQ_U(ntsec_acl_end(&ab, 4), STATUS_SUCCESS);
    n = ctest_unhex("7879" "0400200001000000" "01001400" "00000000" "010100000000000100000000" "00000000",
                    want, sizeof want);
    CHECK(bytes_equal(b.data, b.len, want, (size_t)n));
    CHECK(ntsec_acl_valid(b.data + 2, b.len - 2));
    ntsec_buf_free(&b);
}

static void test_builder_too_large(void)
{
    static uint8_t blob[0x10000];
    ntsec_buf b;
    ntsec_acl_builder ab;
    ntsec_ace a = plain_ace(ACCESS_ALLOWED_CALLBACK_ACE_TYPE, 0, 1, SID_WD);
    size_t before;
    a.data = blob;
    a.data_len = 0xFFFF - 8 - 20 + 4;     /* ACL = 8 + 20 + data = 0x10003 */
    ntsec_buf_init(&b);
    ntsec_buf_put(&b, "ab", 2);
    before = b.len;
    ntsec_acl_begin(&ab, &b);
    ntsec_acl_add(&ab, &a);
    CHECK_EQ_U(ntsec_acl_end(&ab, 0), STATUS_INVALID_ACL);
    CHECK_EQ_U(b.len, before);
    /* 0xFFFE bytes via slack is fine; 0xFFFF fits the u16 AclSize but is
    ** odd, which RtlValidAcl rejects (1.8), so the builder refuses it as it
    ** refuses 0x10000 (docs/binary.md "Size limits") */
    ntsec_acl_begin(&ab, &b);
    CHECK_EQ_U(ntsec_acl_end(&ab, 0xFFFE - 8), STATUS_SUCCESS);
    CHECK_EQ_U(ntsec_acl_size(b.data + before), 0xFFFE);
    CHECK(ntsec_acl_valid(b.data + before, 0xFFFE));
    b.len = before;
    ntsec_acl_begin(&ab, &b);
    CHECK_EQ_U(ntsec_acl_end(&ab, 0xFFFF - 8), STATUS_INVALID_ACL);
    CHECK_EQ_U(b.len, before);
    ntsec_acl_begin(&ab, &b);
    CHECK_EQ_U(ntsec_acl_end(&ab, 0xFFFF - 7), STATUS_INVALID_ACL);
    CHECK_EQ_U(b.len, before);
    ntsec_buf_free(&b);
}

/* ---- validation failures (1.8) ---- */

static NTSTATUS parse_mutated(const uint8_t *base, size_t len, size_t at, uint8_t value)
{
    uint8_t copy[256];
    ntsec_sd *sd = (ntsec_sd *)&copy;     /* sentinel: must stay untouched on failure */
    ntsec_sd *out = sd;
    NTSTATUS s;
    memcpy(copy, base, len);
    if (at < len) copy[at] = value;
    s = ntsec_sd_from_bytes(copy, len, &out);
    if (s == STATUS_SUCCESS) ntsec_sd_unref(out);
    else CHECK(out == sd);
    return s;
}

static void test_validation_failures(void)
{
    uint8_t d[256];
    size_t n = (size_t)ctest_unhex(DTYP_HEX, d, sizeof d);
    CHECK_EQ_U(n, 176);
    CHECK_EQ_U(parse_mutated(d, n, n, 0), STATUS_SUCCESS);
    /* truncated */
    CHECK_EQ_U(parse_mutated(d, 19, n, 0), STATUS_INVALID_SECURITY_DESCR);
    CHECK_EQ_U(parse_mutated(d, 0, n, 0), STATUS_INVALID_SECURITY_DESCR);
    CHECK_EQ_U(parse_mutated(d, 175, n, 0), STATUS_INVALID_SECURITY_DESCR);   /* group cut */
    CHECK_EQ_U(parse_mutated(d, 0xA0 + 4, n, 0), STATUS_INVALID_SECURITY_DESCR); /* group header cut */
    /* revision, self-relative bit */
    CHECK_EQ_U(parse_mutated(d, n, 0, 2), STATUS_UNKNOWN_REVISION);
    CHECK_EQ_U(parse_mutated(d, n, 0, 0), STATUS_UNKNOWN_REVISION);
    CHECK_EQ_U(parse_mutated(d, n, 3, 0x30), STATUS_INVALID_SECURITY_DESCR);
    /* offsets: unaligned, inside the header, at/after the end */
    CHECK_EQ_U(parse_mutated(d, n, 4, 0x91), STATUS_INVALID_SECURITY_DESCR);
    CHECK_EQ_U(parse_mutated(d, n, 4, 0x10), STATUS_INVALID_SECURITY_DESCR);
    CHECK_EQ_U(parse_mutated(d, n, 8, 0xB0), STATUS_INVALID_SECURITY_DESCR);
    CHECK_EQ_U(parse_mutated(d, n, 7, 0xFF), STATUS_INVALID_SECURITY_DESCR);
    CHECK_EQ_U(parse_mutated(d, n, 16, 0x32), STATUS_INVALID_SECURITY_DESCR);
    CHECK_EQ_U(parse_mutated(d, n, 14 + 0, 0xB0), STATUS_INVALID_SECURITY_DESCR); /* SACL 0xB014 */
    /* SIDs: 16 sub-authorities, revision 2 */
    CHECK_EQ_U(parse_mutated(d, n, 0x90 + 1, 16), STATUS_INVALID_SID);
    CHECK_EQ_U(parse_mutated(d, n, 0xA0 + 0, 2), STATUS_INVALID_SID);
    /* ACLs */
    CHECK_EQ_U(parse_mutated(d, n, 0x30 + 8 + 2, 0x68), STATUS_INVALID_ACL);   /* ACE > ACL */
    CHECK_EQ_U(parse_mutated(d, n, 0x30 + 8 + 2, 0x1a), STATUS_INVALID_ACL);   /* ACE misaligned */
    CHECK_EQ_U(parse_mutated(d, n, 0x30 + 0, 1), STATUS_INVALID_ACL);          /* revision 1 */
    CHECK_EQ_U(parse_mutated(d, n, 0x30 + 0, 5), STATUS_INVALID_ACL);          /* revision 5 */
    CHECK_EQ_U(parse_mutated(d, n, 0x30 + 4, 5), STATUS_INVALID_ACL);          /* AceCount 5 of 4 */
    CHECK_EQ_U(parse_mutated(d, n, 0x30 + 2, 0x5f), STATUS_INVALID_ACL);       /* AclSize odd */
    CHECK_EQ_U(parse_mutated(d, n, 0x30 + 2, 0x04), STATUS_INVALID_ACL);       /* AclSize < 8 */
    CHECK_EQ_U(parse_mutated(d, n, 0x30 + 3, 0x01), STATUS_INVALID_SECURITY_DESCR); /* AclSize > buffer */
    CHECK_EQ_U(parse_mutated(d, n, 0x14 + 8 + 9, 16), STATUS_INVALID_ACL);     /* SACL ACE SID count 16 */
    CHECK_EQ_U(parse_mutated(d, n, 0x30 + 4, 3), STATUS_SUCCESS);              /* fewer ACEs: slack */
    /* the SY ACE sized 0x10: below 8 + SID length (1.8 recommendation) */
    CHECK_EQ_U(parse_mutated(d, n, 0x30 + 8 + 24 + 24 + 2, 0x10), STATUS_INVALID_ACL);
}

static void test_null_acls(void)
{
    uint8_t d[64];
    long n = ctest_unhex("01001480" "00000000" "00000000" "00000000" "00000000", d, sizeof d);
    ntsec_sd *sd = NULL;
    ntsec_sd_parts p;
    CHECK_EQ_U(ntsec_sd_from_bytes(d, (size_t)n, &sd), STATUS_SUCCESS);
    if (!sd) return;
    ntsec_sd_get_parts(sd, &p);
    CHECK(p.dacl == NULL && p.sacl == NULL && p.owner == NULL && p.group == NULL);
    CHECK_EQ_U(p.control, 0x8014);
    ntsec_sd_unref(sd);
    /* present bit clear: the SACL offset is not followed (readers ignore it) */
    n = ctest_unhex("01000480" "00000000" "00000000" "ffff0000" "00000000", d, sizeof d);
    CHECK_EQ_U(ntsec_sd_from_bytes(d, (size_t)n, &sd), STATUS_SUCCESS);
    ntsec_sd_get_parts(sd, &p);
    CHECK(p.sacl == NULL);
    ntsec_sd_unref(sd);
}

static void test_sid_checks(void)
{
    static const uint8_t sy_other[] = {1, 1, 0, 0, 0, 0, 0, 5, 0x13, 0, 0, 0};
    CHECK(ntsec_sid_valid(SID_BA, sizeof SID_BA));
    CHECK(!ntsec_sid_valid(SID_BA, sizeof SID_BA - 1));
    CHECK(!ntsec_sid_valid(SID_BA, 7));
    CHECK(ntsec_sid_equal(SID_SY, SID_SY));
    CHECK(!ntsec_sid_equal(SID_SY, sy_other));
    CHECK(!ntsec_sid_equal(SID_BA, SID_BU));
    CHECK(!ntsec_sid_equal(SID_SY, SID_BA));
}

/* ---- select, refs, equality ---- */

static void test_select(void)
{
    uint8_t d[256];
    size_t n = (size_t)ctest_unhex(DTYP_HEX, d, sizeof d);
    ntsec_sd *sd = NULL, *g = NULL, *gd = NULL, *all = NULL;
    CHECK_EQ_U(ntsec_sd_from_bytes(d, n, &sd), STATUS_SUCCESS);
    if (!sd) return;
    CHECK_EQ_U(ntsec_sd_select(sd, GROUP_SECURITY_INFORMATION, &g), STATUS_SUCCESS);
    CHECK(sd_is_hex(g, "01000080" "00000000" "14000000" "00000000" "00000000"
                       "01020000000000052000000020020000"));
    CHECK_EQ_U(ntsec_sd_select(sd, GROUP_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION, &gd),
               STATUS_SUCCESS);
    CHECK(sd_is_hex(gd, "01000490" "00000000" "74000000" "00000000" "14000000"
                        "0200600004000000"
                        "00031800" "000000a0" "01020000000000052000000021020000"
                        "00031800" "00000010" "01020000000000052000000020020000"
                        "00031400" "00000010" "010100000000000512000000"
                        "00031400" "00000010" "010100000000000300000000"
                        "01020000000000052000000020020000"));
    CHECK_EQ_U(ntsec_sd_select(sd, BACKUP_SECURITY_INFORMATION, &all), STATUS_SUCCESS);
    CHECK(ntsec_sd_equal(sd, all));
    CHECK(!ntsec_sd_equal(sd, g));
    ntsec_sd_unref(all);
    ntsec_sd_unref(gd);
    ntsec_sd_unref(g);
    ntsec_sd_unref(sd);
}

static void test_refs(void)
{
    ntsec_sd_parts parts;
    ntsec_sd *sd = NULL;
    memset(&parts, 0, sizeof parts);
    CHECK_EQ_U(ntsec_sd_build(&parts, &sd), STATUS_SUCCESS);
    if (!sd) return;
    CHECK_EQ_U(sd->refs, 1);
    CHECK(ntsec_sd_ref(sd) == sd);
    CHECK_EQ_U(sd->refs, 2);
    ntsec_sd_unref(sd);
    CHECK_EQ_U(sd->refs, 1);
    ntsec_sd_unref(sd);
    ntsec_sd_unref(NULL);
}

static void test_buf(void)
{
    ntsec_buf b;
    unsigned i;
    ntsec_buf_init(&b);
    CHECK(b.data == NULL && b.len == 0);
    for (i = 0; i < 1000; i++) ntsec_buf_putc(&b, (uint8_t)i);
    ntsec_buf_put_u16(&b, 0x1234);
    ntsec_buf_put_u32(&b, 0xA1B2C3D4u);
    ntsec_buf_puts(&b, "ok");
    CHECK_EQ_U(b.len, 1008);
    CHECK(b.data[999] == (uint8_t)999 && b.data[1000] == 0x34 && b.data[1001] == 0x12);
    CHECK(b.data[1002] == 0xD4 && b.data[1005] == 0xA1 && b.data[1006] == 'o');
    CHECK_EQ_U(ntsec_buf_status(&b), STATUS_SUCCESS);
    CHECK(ntsec_buf_reserve(&b, (size_t)-1) == NULL);
    CHECK_EQ_U(ntsec_buf_status(&b), STATUS_NO_MEMORY);
    ntsec_buf_free(&b);
    CHECK(b.data == NULL && b.oom == 0);
}

int main(void)
{
    test_buf();
    test_sid_checks();
    test_dtyp_example();
    test_minimal_cases();
    test_decode_layouts();
    test_decode_bounds();
    test_builder_object_and_revision();
    test_builder_too_large();
    test_validation_failures();
    test_null_acls();
    test_select();
    test_refs();
    test_windows_vectors();
    return ctest_summary();
}
