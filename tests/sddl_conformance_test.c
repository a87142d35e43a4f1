/*
** sddl_conformance_test.c: ntsec's SDDL against Windows ground truth
** (shared/data/conformance, README there and sd_semantics.md 5.1-5.4).
**
**   build/tests/sddl_conformance_test [data-dir] [--bench]
**
** data-dir defaults to ../shared/data/conformance. Prints one line per set,
** "set<TAB>total<TAB>matched", and the first mismatches of each set; fails
** when a claimed set is below 100%. --bench also times decode and round
** trip over the windows_sddl_to_binary corpus.
**
** Expected values all come from the data files (Windows output). Context
** SIDs are inputs: the domain SID the data README names, and for LA/LG the
** machine SID read out of the Windows bytes (5.2 note).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctest.h"
#include "sddl.h"
#include "acl.h"
#include "sd.h"
#include "secdefs.h"
#include "status.h"

#define MAX_SHOW 3

/* Sets that must match 100% (the rest are reported only). */
static const char *const claimed[] = {
    "short_ordinary", "short_ordinary_v2", "oversize_acls", "registry_rights",
    "short_ordinary/format", "short_ordinary_v2/format", "oversize_acls/format",
    "registry_rights/format",
    "samba:canonical", "samba:non_canonical", "samba:windows_is_weird",
    "samba:windows_is_less_fussy", "samba:windows_is_fussy", "samba:should_fail", "wine",
    "conditional_resource_ok", "resource_tx_int_undocumented", "conditional_aces",
    "conditional_resource_ok/reparse", "resource_tx_int_undocumented/reparse",
    "conditional_aces/reparse", "samba:conditional_aces",
    "samba:conditional_aces_case_insensitive", "samba:conditional_aces_windows_only",
    "samba:conditional_aces_should_fail",
    NULL,
};

typedef struct tally {
    char name[64];
    unsigned total, matched, shown;
} tally;

static tally tallies[64];
static unsigned ntallies;

static tally *tally_of(const char *name)
{
    unsigned i;
    for (i = 0; i < ntallies; i++)
        if (strcmp(tallies[i].name, name) == 0) return &tallies[i];
    snprintf(tallies[ntallies].name, sizeof tallies[ntallies].name, "%s", name);
    return &tallies[ntallies++];
}

/* Record one case; show the first mismatches. */
static void record(const char *set, int ok, const char *input, const char *want, const char *got)
{
    tally *t = tally_of(set);
    t->total++;
    if (ok) { t->matched++; return; }
    if (t->shown++ >= MAX_SHOW) return;
    printf("  mismatch [%s]\n    input: %.400s\n    want:  %.400s\n    got:   %.400s\n",
           set, input, want, got);
}

/* ---- files ---- */

static char *read_file(const char *dir, const char *name)
{
    char path[1024];
    FILE *f;
    long n;
    char *data;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "rb");
    if (!f) { printf("cannot open %s\n", path); return NULL; }
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    data = malloc((size_t)n + 1);
    if (data && fread(data, 1, (size_t)n, f) != (size_t)n) { free(data); data = NULL; }
    if (data) data[n] = 0;
    fclose(f);
    return data;
}

/* Split one line (in place) into up to max tab-separated fields. */
static int split_fields(char *line, char **fields, int max)
{
    int n = 0;
    fields[n++] = line;
    while (*line && n < max) {
        if (*line == '\t') { *line = 0; fields[n++] = line + 1; }
        line++;
    }
    return n;
}

/* Next line of *cursor (in place), NULL at the end. */
static char *next_line(char **cursor)
{
    char *s = *cursor, *e;
    if (!s || !*s) return NULL;
    e = strchr(s, '\n');
    if (e) { *e = 0; *cursor = e + 1; } else { *cursor = s + strlen(s); }
    if (e && e > s && e[-1] == '\r') e[-1] = 0;
    return s;
}

/* ---- helpers ---- */

static void to_hex(const uint8_t *p, size_t n, char *out)
{
    size_t i;
    for (i = 0; i < n; i++) sprintf(out + 2 * i, "%02x", p[i]);
    out[2 * n] = 0;
}

static size_t sid_from_text(const char *text, uint8_t out[68])
{
    return ntsec_sid_from_string(text, strlen(text), NULL, out) == STATUS_SUCCESS ? ntsec_sid_len(out) : 0;
}

/* LA/LG used as a SID token in the string. */
static int uses_machine_alias(const char *s)
{
    const char *p;
    for (p = s + 1; p[0] && p[1]; p++) {
        if (p[0] != 'L' || (p[1] != 'A' && p[1] != 'G')) continue;
        if (strchr(";:(", p[-1]) && strchr(")GDS ", p[2] ? p[2] : ' ')) return 1;
    }
    return 0;
}

/* Machine SID = the S-1-5-21-a-b-c prefix of an RID 500/501 SID in the
** Windows bytes (5.2 note). Returns 1 when found. */
static int machine_sid_from_bytes(const uint8_t *b, size_t n, uint8_t out[68])
{
    static const uint8_t head[12] = { 1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0 };
    size_t i;
    for (i = 0; i + 28 <= n; i++) {
        uint32_t rid;
        if (memcmp(b + i, head, 12) != 0) continue;
        rid = ntsec_rd32(b + i + 24);
        if (rid != 500 && rid != 501) continue;
        memcpy(out, b + i, 24);
        out[1] = 4;
        return 1;
    }
    return 0;
}

/* ---- windows_sddl_to_binary.tsv ---- */

static int is_canonical_set(const char *set)
{
    return !strcmp(set, "short_ordinary") || !strcmp(set, "short_ordinary_v2")
           || !strcmp(set, "oversize_acls") || !strcmp(set, "registry_rights");
}

/* 1 when an ACL of the Windows bytes shows the 2.10 quirk (AclSize larger
** than its ACEs, or revision 4 without an object ACE). */
static int has_slack_quirk(const uint8_t *b, size_t n)
{
    static const int fields[2] = { 12, 16 };
    int k;
    for (k = 0; k < 2; k++) {
        uint32_t off = ntsec_rd32(b + fields[k]);
        ntsec_acl_iter it;
        ntsec_ace a;
        int object = 0;
        if (!off || off + 8 > n) continue;
        ntsec_acl_iter_init(&it, b + off);
        while (ntsec_acl_next(&it, &a)) object |= ntsec_ace_is_object_type(a.type);
        if (it.off != ntsec_acl_size(b + off) || (b[off] == 4 && !object)) return 1;
    }
    return 0;
}

/* The input 2.10 implies for a quirk row: every zero-mask plain A/D ACE
** written as GUID-less OA/OD. */
static char *rewrite_as_object(const char *key)
{
    char *out = malloc(strlen(key) * 2 + 1), *o = out;
    const char *p = key;
    while (*p) {
        if (p[0] == '(' && (p[1] == 'A' || p[1] == 'D') && p[2] == ';') {
            const char *q = strchr(p + 3, ';');
            if (q && q[1] == ';') { *o++ = '('; *o++ = 'O'; p++; continue; }
        }
        *o++ = *p++;
    }
    *o = 0;
    return out;
}

static int parse_matches(const char *s, const ntsec_sid_ctx *ctx, const uint8_t *want,
                         size_t wn, char *got_hex)
{
    ntsec_sd *sd = NULL;
    size_t err = 0;
    NTSTATUS st = ntsec_sddl_parse(s, strlen(s), ctx, &sd, &err);
    int ok;
    if (st != STATUS_SUCCESS) {
        sprintf(got_hex, "error %s at %zu", ntsec_status_name(st), err);
        return 0;
    }
    ok = sd->len == wn && memcmp(sd->bytes, want, wn) == 0;
    to_hex(sd->bytes, sd->len, got_hex);
    ntsec_sd_unref(sd);
    return ok;
}

static void format_check(const char *set, const char *key, const uint8_t *b, size_t n,
                         const ntsec_sid_ctx *ctx)
{
    char name[80];
    ntsec_sd *sd = NULL;
    ntsec_buf out;
    NTSTATUS st = ntsec_sd_from_bytes(b, n, &sd);
    int ok = 0;
    ntsec_buf_init(&out);
    if (st == STATUS_SUCCESS) st = ntsec_sddl_format(sd, 0xFFFF, ctx, &out);
    if (st == STATUS_SUCCESS) {
        ntsec_buf_putc(&out, 0);
        ok = strcmp((const char *)out.data, key) == 0;
    }
    snprintf(name, sizeof name, "%s/format", set);
    record(name, ok, key, key, st == STATUS_SUCCESS ? (const char *)out.data : ntsec_status_name(st));
    ntsec_buf_free(&out);
    ntsec_sd_unref(sd);
}

/* parse(format(Windows bytes)) must give the Windows bytes back: checks the
** printed conditional expressions and resource attributes of the
** input-keyed sets against Windows' own encoding. */
static void reparse_check(const char *set, const uint8_t *b, size_t n, const ntsec_sid_ctx *ctx)
{
    static char got[140010];
    char name[80];
    ntsec_sd *sd = NULL;
    ntsec_buf out;
    NTSTATUS st = ntsec_sd_from_bytes(b, n, &sd);
    int ok = 0;
    ntsec_buf_init(&out);
    if (st == STATUS_SUCCESS) st = ntsec_sddl_format(sd, 0xFFFF, ctx, &out);
    ntsec_buf_putc(&out, 0);
    if (st == STATUS_SUCCESS) ok = parse_matches((const char *)out.data, ctx, b, n, got);
    else snprintf(got, sizeof got, "format: %s", ntsec_status_name(st));
    snprintf(name, sizeof name, "%s/reparse", set);
    record(name, ok, st == STATUS_SUCCESS ? (const char *)out.data : "(format failed)", "(Windows bytes)", got);
    ntsec_buf_free(&out);
    ntsec_sd_unref(sd);
}

static void binary_row(char **f, const uint8_t *domain, unsigned *quirk_rows)
{
    static uint8_t b[70000];
    static char got[140010];
    uint8_t machine[68];
    ntsec_sid_ctx ctx = { NULL, domain, NULL };
    long n = ctest_unhex(f[2], b, sizeof b);
    int ok;
    if (n < 0) { record(f[0], 0, f[1], f[2], "bad hex in data"); return; }
    if (uses_machine_alias(f[1]) && machine_sid_from_bytes(b, (size_t)n, machine))
        ctx.machine_sid = machine;
    if (is_canonical_set(f[0]) && has_slack_quirk(b, (size_t)n)) {
        char *input = rewrite_as_object(f[1]);
        ok = parse_matches(input, &ctx, b, (size_t)n, got);
        (*quirk_rows)++;
        record(f[0], ok, input, f[2], got);
        free(input);
    } else {
        ok = parse_matches(f[1], &ctx, b, (size_t)n, got);
        record(f[0], ok, f[1], f[2], got);
    }
    if (is_canonical_set(f[0])) format_check(f[0], f[1], b, (size_t)n, &ctx);
    else reparse_check(f[0], b, (size_t)n, &ctx);
}

static int run_binary(const char *dir)
{
    char *data = read_file(dir, "windows_sddl_to_binary.tsv"), *cur = data, *line;
    uint8_t domain[68];
    unsigned quirk_rows = 0;
    if (!data) return 0;
    sid_from_text("S-1-5-21-2457507606-2709100691-398136650", domain);
    next_line(&cur);                          /* header */
    while ((line = next_line(&cur)) != NULL) {
        char *f[3];
        if (split_fields(line, f, 3) == 3) binary_row(f, domain, &quirk_rows);
    }
    printf("note: %u canonical rows carry the 2.10 AclSize/revision quirk; parsed from the key with "
           "zero-mask A/D written as GUID-less OA/OD\n", quirk_rows);
    free(data);
    return 1;
}

/* ---- samba_windows_sddl_pairs.tsv ---- */

static int expects_success(const char *expectation)
{
    return strncmp(expectation, "windows_ok", 10) == 0;
}

static void pair_row(char **f, const ntsec_sid_ctx *ctx)
{
    char set[80];
    ntsec_sd *sd = NULL;
    ntsec_buf out;
    size_t err = 0;
    NTSTATUS st = ntsec_sddl_parse(f[2], strlen(f[2]), ctx, &sd, &err);
    char got[256];
    ntsec_buf_init(&out);
    snprintf(set, sizeof set, "samba:%s", f[0]);
    if (!expects_success(f[1])) {
        snprintf(got, sizeof got, "accepted");
        record(set, st != STATUS_SUCCESS, f[2], "rejected", got);
    } else if (st != STATUS_SUCCESS) {
        snprintf(got, sizeof got, "error %s at %zu", ntsec_status_name(st), err);
        record(set, 0, f[2], f[3], got);
    } else {
        st = ntsec_sddl_format(sd, 0xFFFF, ctx, &out);
        ntsec_buf_putc(&out, 0);
        record(set, st == STATUS_SUCCESS && strcmp((const char *)out.data, f[3]) == 0, f[2], f[3],
               st == STATUS_SUCCESS ? (const char *)out.data : ntsec_status_name(st));
    }
    ntsec_buf_free(&out);
    ntsec_sd_unref(sd);
}

static int run_pairs(const char *dir)
{
    char *data = read_file(dir, "samba_windows_sddl_pairs.tsv"), *cur = data, *line;
    uint8_t domain[68], machine[68];
    ntsec_sid_ctx ctx = { machine, domain, NULL };
    if (!data) return 0;
    sid_from_text("S-1-2-3-4", domain);
    sid_from_text("S-1-5-21-1000-2000-3000", machine);   /* any: LA/LG print back as LA/LG */
    next_line(&cur);
    while ((line = next_line(&cur)) != NULL) {
        char *f[4];
        if (split_fields(line, f, 4) == 4) pair_row(f, &ctx);
    }
    free(data);
    return 1;
}

/* ---- wine_advapi32_tests_cssd.tsv ---- */

/* RtlNtStatusToDosError for the statuses the parser returns (A.1). */
static unsigned long win32_of(NTSTATUS st)
{
    switch (st) {
    case STATUS_SUCCESS: return 0;
    case STATUS_INVALID_PARAMETER: return 87;
    case STATUS_NO_MEMORY: return 8;
    case STATUS_UNKNOWN_REVISION: return 1305;
    case STATUS_INVALID_ACL: return 1336;
    case STATUS_INVALID_SID: return 1337;
    case STATUS_NOT_SUPPORTED: return 50;
    default: return 0xFFFFFFFFul;
    }
}

static void wine_row(char **f, unsigned *skipped)
{
    ntsec_sd *sd = NULL;
    size_t err = 0;
    NTSTATUS st;
    char want[64], got[64];
    unsigned long w;
    if (strcmp(f[1], "1") != 0) { (*skipped)++; return; }   /* no revision argument in C */
    st = ntsec_sddl_parse(f[0], strlen(f[0]), NULL, &sd, &err);
    ntsec_sd_unref(sd);
    w = win32_of(st);
    snprintf(want, sizeof want, "%s %s/%s", f[2][0] == '1' ? "accept" : "reject", f[3], f[4]);
    snprintf(got, sizeof got, "%lu (%s)", w, ntsec_status_name(st));
    if (f[2][0] == '1') record("wine", st == STATUS_SUCCESS, f[0], want, got);
    else record("wine", w == strtoul(f[3], NULL, 10) || (f[4][0] && w == strtoul(f[4], NULL, 10)),
                f[0], want, got);
}

static int run_wine(const char *dir)
{
    char *data = read_file(dir, "wine_advapi32_tests_cssd.tsv"), *cur = data, *line;
    unsigned skipped = 0;
    if (!data) return 0;
    next_line(&cur);
    while ((line = next_line(&cur)) != NULL) {
        char *f[5] = { "", "", "", "", "" };
        if (split_fields(line, f, 5) >= 3) wine_row(f, &skipped);
    }
    printf("note: %u wine rows test the revision argument, which the C API does not have\n", skipped);
    free(data);
    return 1;
}

/* ---- benchmark ---- */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void bench(const char *dir)
{
    char *data = read_file(dir, "windows_sddl_to_binary.tsv"), *cur = data, *line;
    char **keys = malloc(8000 * sizeof *keys);
    size_t n = 0, i, rounds = 0, ok = 0;
    uint8_t domain[68];
    ntsec_sid_ctx ctx = { domain, domain, NULL };
    ntsec_buf out;
    double t0, t;
    if (!data || !keys) return;
    sid_from_text("S-1-5-21-2457507606-2709100691-398136650", domain);
    next_line(&cur);
    while ((line = next_line(&cur)) != NULL && n < 8000) {
        char *f[3];
        if (split_fields(line, f, 3) == 3) keys[n++] = f[1];
    }
    ntsec_buf_init(&out);
    for (t0 = now(); (t = now()) - t0 < 2.0; rounds++)
        for (i = 0; i < n; i++) {
            ntsec_sd *sd = NULL;
            if (ntsec_sddl_parse(keys[i], strlen(keys[i]), &ctx, &sd, NULL) == STATUS_SUCCESS) ok++;
            ntsec_sd_unref(sd);
        }
    printf("bench\tsddl_decode_per_s=%.0f\t(ok %zu of %zu)\n", (double)(rounds * n) / (t - t0), ok, rounds * n);
    for (rounds = 0, t0 = now(); (t = now()) - t0 < 2.0; rounds++)
        for (i = 0; i < n; i++) {
            ntsec_sd *sd = NULL;
            out.len = 0;
            if (ntsec_sddl_parse(keys[i], strlen(keys[i]), &ctx, &sd, NULL) == STATUS_SUCCESS)
                ntsec_sddl_format(sd, 0xFFFF, &ctx, &out);
            ntsec_sd_unref(sd);
        }
    printf("bench\tsddl_round_trip_per_s=%.0f\n", (double)(rounds * n) / (t - t0));
    ntsec_buf_free(&out);
    free(keys);
    free(data);
}

/* ---- main ---- */

static int is_claimed(const char *name)
{
    int i;
    for (i = 0; claimed[i]; i++)
        if (strcmp(claimed[i], name) == 0) return 1;
    return 0;
}

int main(int argc, char **argv)
{
    const char *dir = "../shared/data/conformance";
    int i, do_bench = 0;
    unsigned k;
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--bench") == 0) do_bench = 1;
        else dir = argv[i];
    }
    CHECK(run_binary(dir));
    CHECK(run_pairs(dir));
    CHECK(run_wine(dir));
    printf("set\ttotal\tmatched\n");
    for (k = 0; k < ntallies; k++) {
        tally *t = &tallies[k];
        printf("%s\t%u\t%u%s\n", t->name, t->total, t->matched, is_claimed(t->name) ? "" : "\t(not claimed)");
        if (is_claimed(t->name)) CHECK_EQ_U(t->matched, t->total);
    }
    if (do_bench) bench(dir);
    return ctest_summary();
}
