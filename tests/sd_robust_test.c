/*
** sd_robust_test.c: inputs of any size (issue #3, docs/sddl.md "Linear
** time") and the fuzzers' findings as regression tests.
**
** Not timed: the parser and formatter are linear by construction (each
** character is looked at a bounded number of times; ACLs and callback data
** stop growing past 0xFFFF bytes). These tests feed the largest and most
** adversarial shapes (a 50,000-ACE string, 10 MB strings that keep every
** scanner busy to the end) and check the outcome: the status, the offset,
** and that a huge input never yields a descriptor larger than an ACL
** allows. Under `make valgrind` they also show that nothing leaks.
**
** Regression: every file in fuzz/regress/<harness>/ is run through that
** harness's checks (the harness sources are included here); a broken
** invariant aborts, which fails the test.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctest.h"
#include "fuzz_replay.h"
#include "sddl.h"
#include "acl.h"
#include "sd.h"
#include "secdefs.h"
#include "status.h"

#define LLVMFuzzerTestOneInput sddl_fuzz_one
#include "../fuzz/sddl_fuzz.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput binary_fuzz_one
#include "../fuzz/binary_fuzz.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput roundtrip_fuzz_one
#include "../fuzz/roundtrip_fuzz.c"
#undef LLVMFuzzerTestOneInput

#define TEN_MB (10u * 1024u * 1024u)

/* prefix, then unit repeated up to total characters, then suffix. */
static char *repeat(const char *prefix, const char *unit, size_t total, const char *suffix,
                    size_t *len)
{
    size_t np = strlen(prefix), nu = strlen(unit), ns = strlen(suffix), at = np;
    char *s = malloc(total + ns + 1);
    if (!s) return NULL;
    memcpy(s, prefix, np);
    while (at + nu <= total) {
        memcpy(s + at, unit, nu);
        at += nu;
    }
    memcpy(s + at, suffix, ns);
    *len = at + ns;
    s[*len] = 0;
    return s;
}

static NTSTATUS parse_status(const char *s, size_t len, size_t *off)
{
    static const uint8_t domain[] = {1, 4, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0};
    ntsec_sid_ctx ctx = {domain, domain, domain};
    ntsec_sd *sd = NULL;
    NTSTATUS st = ntsec_sddl_parse(s, len, &ctx, &sd, off);
    ntsec_sd_unref(sd);
    return st;
}

/* ---- SDDL of any size ---- */

static void test_50000_aces(void)
{
    /* (A;;GA;;;WD) is 20 bytes in binary (8 + SID 12): 3276 ACEs + the
    ** 8-byte header = 65528 fit, the 3277th makes 65548 > 0xFFFF (2.10). */
    static const char ace[] = "(A;;GA;;;WD)";
    size_t len, off = 0, n = 12;
    char *s = repeat("D:", ace, 2 + 50000 * n, "", &len);
    CHECK(s != NULL && len == 2 + 50000 * n);
    CHECK_EQ_U(parse_status(s, len, &off), STATUS_INVALID_ACL);
    CHECK_EQ_U(off, 2 + 3276 * n);            /* at the first ACE that does not fit */
    /* the same ACEs spread over the DACL and SACL still overflow each */
    memcpy(s + 2 + 25000 * n, "S:", 2);
    CHECK_EQ_U(parse_status(s, len, &off), STATUS_INVALID_ACL);
    free(s);
}

static void test_largest_acl_formats(void)
{
    /* 3276 ACEs is the largest such DACL: it parses, prints and re-parses
    ** to the same bytes. */
    static const char ace[] = "(A;;GA;;;WD)";
    size_t len;
    char *s = repeat("D:", ace, 2 + 3276 * 12, "", &len);
    ntsec_sd *sd = NULL, *again = NULL;
    ntsec_buf out;
    ntsec_buf_init(&out);
    CHECK_EQ_U(ntsec_sddl_parse(s, len, NULL, &sd, NULL), STATUS_SUCCESS);
    if (sd) {
        CHECK_EQ_U(ntsec_acl_size(sd->bytes + 20), 65528);
        CHECK_EQ_U(ntsec_sddl_format(sd, 0xFFFF, NULL, &out), STATUS_SUCCESS);
        CHECK(out.len == len && memcmp(out.data, s, len) == 0);
        CHECK_EQ_U(ntsec_sddl_parse((const char *)out.data, out.len, NULL, &again, NULL), STATUS_SUCCESS);
        CHECK(ntsec_sd_equal(sd, again));
    }
    ntsec_sd_unref(again);
    ntsec_sd_unref(sd);
    ntsec_buf_free(&out);
    free(s);
}

/* A deterministic 10 MB of bytes 1..255 (xorshift). */
static char *garbage(size_t n)
{
    char *s = malloc(n);
    uint32_t x = 2463534242u;
    size_t i;
    for (i = 0; s && i < n; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        s[i] = (char)(1 + x % 255);
    }
    return s;
}

static void test_10mb_garbage(void)
{
    size_t off = 0;
    char *s = garbage(TEN_MB);
    CHECK(s != NULL);
    if (!s) return;
    s[0] = 'Q';                               /* no section letter: rejected at 0 */
    CHECK_EQ_U(parse_status(s, TEN_MB, &off), STATUS_INVALID_PARAMETER);
    CHECK_EQ_U(off, 0);
    memcpy(s, "D:(", 3);                       /* garbage inside an ACE */
    CHECK(parse_status(s, TEN_MB, &off) != STATUS_SUCCESS);
    CHECK(off < TEN_MB);
    free(s);
}

/* 10 MB shapes that keep one scanner going to the end of the input. */
static void test_10mb_scanners(void)
{
    static const struct {
        const char *prefix, *unit, *suffix;
        NTSTATUS want;
    } cases[] = {
        { "O:", "x", "", STATUS_INVALID_SID },                        /* SID section, no ':' */
        { "O:S-1-5-21-", "9", "", STATUS_SUCCESS },                   /* saturating number */
        { "D:(A;", " ", "", STATUS_INVALID_ACL },                     /* flags: spaces, no ';' */
        { "D:(A;;", "GA", "", STATUS_INVALID_ACL },                   /* rights, no ';' */
        { "D:(A;;0x", "f", ";;;WD)", STATUS_SUCCESS },                /* numeric rights saturate */
        { "D:(OA;;GA;", " ", ";;WD)", STATUS_SUCCESS },               /* blank GUID field */
        { "D:", "P", "", STATUS_SUCCESS },                            /* ACL flags */
        { "D:", "(A;;GA;;;WD)", "", STATUS_INVALID_ACL },             /* ~870,000 ACEs */
        { "D:(XA;;GA;;;WD;(", "(", "", STATUS_INVALID_ACL },          /* nesting > 256 */
        { "D:(XA;;GA;;;WD;(a == \"", "x", "", STATUS_INVALID_ACL },   /* open string */
        { "D:(XA;;GA;;;WD;(a == \"", "x", "\"))", STATUS_INVALID_ACL },   /* 20 MB as UTF-16 */
        { "D:(XA;;GA;;;WD;(@User.", "x", " == 1))", STATUS_INVALID_ACL },
        { "D:(XA;;GA;;;WD;(a == {", "1, ", "1}))", STATUS_INVALID_ACL },  /* huge composite */
        { "D:(XA;;GA;;;WD;(a == 1", " || a == 1", "))", STATUS_INVALID_ACL },
        { "D:(XA;;GA;;;WD;(a == #", "0", "))", STATUS_INVALID_ACL },  /* octets */
        { "S:(RA;;;;;WD;(\"a\",TI,0,", "1,", "1))", STATUS_INVALID_ACL },  /* values */
        { "S:(RA;;;;;WD;(\"a\",TS,0,\"", "x", "\"))", STATUS_INVALID_ACL },
        { "S:(RA;;;;;WD;(\"", "x", "\",TI,0,1))", STATUS_INVALID_ACL },   /* name */
        { "", " ", "", STATUS_SUCCESS },                              /* spaces: empty descriptor */
    };
    size_t i;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len, off = 0;
        char *s = repeat(cases[i].prefix, cases[i].unit, TEN_MB, cases[i].suffix, &len);
        NTSTATUS st;
        CHECK(s != NULL);
        if (!s) continue;
        st = parse_status(s, len, &off);
        if (st != cases[i].want) printf("  case %zu (%s%s...): 0x%08x\n", i, cases[i].prefix, cases[i].unit, st);
        CHECK_EQ_U(st, cases[i].want);
        CHECK(st == STATUS_SUCCESS || off <= len);
        free(s);
    }
}

/* ---- binary of any size ---- */

static void test_10mb_binary(void)
{
    uint8_t *b = calloc(TEN_MB, 1);
    ntsec_sd *sd = NULL;
    CHECK(b != NULL);
    if (!b) return;
    CHECK_EQ_U(ntsec_sd_from_bytes(b, TEN_MB, &sd), STATUS_UNKNOWN_REVISION);
    /* "D:" header + an empty DACL at 20, then 10 MB of trailing bytes:
    ** valid, kept as given (1.7). */
    b[0] = 1;
    ntsec_wr16(b + 2, SE_SELF_RELATIVE | SE_DACL_PRESENT);
    ntsec_wr32(b + 16, 20);
    b[20] = 2;
    ntsec_wr16(b + 22, 8);
    CHECK_EQ_U(ntsec_sd_from_bytes(b, TEN_MB, &sd), STATUS_SUCCESS);
    if (sd) CHECK_EQ_U(sd->len, TEN_MB);
    ntsec_sd_unref(sd);
    free(b);
}

/* An RA blob whose 8,000 values all point at one 8,000-character string
** would print 64 million characters from 48 KB; values must follow each
** other (docs/sddl.md "Linear time"). */
static void test_ra_shared_values(void)
{
    enum { COUNT = 8000, NAME = 16 + 4 * COUNT };
    static uint8_t sdb[20 + 8 + 16 + 65000];
    uint8_t *acl = sdb + 20, *ace = acl + 8, *blob = ace + 8 + 8;
    size_t blob_len = 16 + 4 * COUNT + 4 + 2 * 8000 + 2, ace_len = 8 + 8 + ((blob_len + 3) & ~3u);
    size_t i;
    ntsec_sd *sd = NULL;
    ntsec_buf out;
    memset(sdb, 0, sizeof sdb);
    sdb[0] = 1;
    ntsec_wr16(sdb + 2, SE_SELF_RELATIVE | SE_SACL_PRESENT);
    ntsec_wr32(sdb + 12, 20);
    acl[0] = 2;
    ntsec_wr16(acl + 2, (uint16_t)(8 + ace_len));
    ntsec_wr16(acl + 4, 1);
    ace[0] = SYSTEM_RESOURCE_ATTRIBUTE_ACE_TYPE;
    ntsec_wr16(ace + 2, (uint16_t)ace_len);
    ace[8] = 1;                                   /* SID S-1-1-0 (8 bytes + 4) */
    ace[9] = 0;
    ace[15] = 1;
    blob = ace + 16;
    ntsec_wr32(blob, NAME);                       /* name "a" */
    ntsec_wr16(blob + 4, 3);                      /* TS */
    ntsec_wr32(blob + 12, COUNT);
    for (i = 0; i < COUNT; i++) ntsec_wr32(blob + 16 + 4 * i, NAME + 4);
    blob[NAME] = 'a';
    for (i = 0; i < 8000; i++) blob[NAME + 4 + 2 * i] = 'x';
    CHECK_EQ_U(ntsec_sd_from_bytes(sdb, 20 + 8 + ace_len, &sd), STATUS_SUCCESS);
    ntsec_buf_init(&out);
    if (sd) CHECK_EQ_U(ntsec_sddl_format(sd, 0xFFFF, NULL, &out), STATUS_NOT_SUPPORTED);
    CHECK_EQ_U(out.len, 0);
    ntsec_buf_free(&out);
    ntsec_sd_unref(sd);
}

/* ---- fuzz regressions ---- */

/* Run every file of dir whose name starts with prefix through one (a
** broken invariant aborts); the directory and at least one input must be
** there. */
static void run_files(const char *dir, const char *prefix, harness_fn one)
{
    long n = fuzz_replay_dir(dir, prefix, one);
    CHECK(n >= 0);                            /* the directory is there */
    if (n < 0) return;
    CHECK(n > 0);
    printf("  %s/%s*: %ld inputs\n", dir, prefix, n);
}

static void run_dir(const char *dir, harness_fn one)
{
    run_files(dir, "", one);
}

/* The findings saved in ../shared/data/fuzz-findings/ (read there, never
** copied into the repo), named <harness>-...: replayed through their
** harness. sddl-roundtrip-1.txt (issue 15): a 28,513-character string whose
** SACL holds one RA ACE with a 26,000-unit name; its canonical text was
** longer than the old text-length limit, so ntsec could not read back its
** own output. The harness checks parse(format(x)) == x and that the text
** prints back to itself. */
static void test_shared_findings(void)
{
    run_files("../shared/data/fuzz-findings", "sddl-", sddl_fuzz_one);
}

static void test_fuzz_regressions(void)
{
    run_dir("fuzz/regress/sddl", sddl_fuzz_one);
    run_dir("fuzz/regress/binary", binary_fuzz_one);
    run_dir("fuzz/regress/roundtrip", roundtrip_fuzz_one);
    /* and every regression input through every harness */
    run_dir("fuzz/regress/sddl", binary_fuzz_one);
    run_dir("fuzz/regress/binary", roundtrip_fuzz_one);
    run_dir("fuzz/regress/roundtrip", binary_fuzz_one);
}

int main(void)
{
    test_50000_aces();
    test_largest_acl_formats();
    test_10mb_garbage();
    test_10mb_scanners();
    test_10mb_binary();
    test_ra_shared_values();
    test_fuzz_regressions();
    test_shared_findings();
    return ctest_summary();
}
