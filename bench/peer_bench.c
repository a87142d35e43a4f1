/*
** peer_bench.c: ntsec against Samba's C library in the same process run
** (issue 11 anchors; `make bench`, or build/bench/peer_bench [data-dir]).
**
**   sddl_decode     ntsec_sddl_parse + unref        | Samba sddl_decode + talloc_free
**   sddl_roundtrip  parse + ntsec_sddl_format       | sddl_decode + sddl_encode + frees
**                   on the 7,716 Windows strings of windows_sddl_to_binary.tsv
**                   (domain SID of the data README as domain and machine SID)
**   access_check    ntsec_access_check              | se_access_check
**                   on the same descriptors (one SDDL string each side decodes)
**                   and the same SIDs: a DACL of N-1 allow ACEs for SIDs the
**                   token lacks and one for a group it holds (every ACE
**                   looked at), a user with 30 enabled groups; desired
**                   FILE_GENERIC_READ or MAXIMUM_ALLOWED (mapped rights:
**                   Samba's se_access_check does no generic mapping).
** Each side runs ROUNDS times alternately (ntsec, Samba, ntsec, ...), each
** round at least NTSEC_BENCH_SECONDS/ROUNDS (default 1 s in all) of
** process CPU time; <op>_<side>_per_s is all operations over all that time,
** <op>_ratio = ntsec / Samba. The granted masks of both sides are compared
** once per access case (<case>_agree). Without Samba the ntsec figures are
** printed alone with samba=unavailable and the reason.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "samba_peer.c"

#include "access.h"
#include "sd.h"
#include "sddl.h"
#include "secdefs.h"
#include "sid.h"
#include "status.h"
#include "token.h"

#define ROUNDS 3
#define MAX_ROWS 8192
#define DOMAIN_SID "S-1-5-21-2457507606-2709100691-398136650"

static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- inputs ---- */

typedef struct corpus {
    char *text;
    const char *sddl[MAX_ROWS];
    size_t len[MAX_ROWS];
    size_t n;
} corpus;

static int load(corpus *c, const char *dir)
{
    char path[1024], *line, *next;
    FILE *f;
    long size;
    snprintf(path, sizeof path, "%s/windows_sddl_to_binary.tsv", dir);
    f = fopen(path, "rb");
    if (!f) return 0;
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    fseek(f, 0, SEEK_SET);
    c->text = malloc((size_t)size + 1);
    if (!c->text || fread(c->text, 1, (size_t)size, f) != (size_t)size) {
        fclose(f);
        return 0;
    }
    fclose(f);
    c->text[size] = 0;
    line = strchr(c->text, '\n');                 /* header */
    for (line = line ? line + 1 : NULL; line && *line && c->n < MAX_ROWS; line = next) {
        char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        next = strchr(line, '\n');
        if (next) *next++ = 0;
        if (!t2) continue;
        *t2 = 0;
        c->sddl[c->n] = t1 + 1;
        c->len[c->n] = (size_t)(t2 - t1 - 1);
        c->n++;
    }
    return c->n > 0;
}

/* "O:BAG:SYD:" + n-1 ACEs for S-1-5-21-7-8-9-(2000+i) + one for the token's last group. */
static void dacl_sddl(char *buf, size_t cap, int n)
{
    size_t len = (size_t)snprintf(buf, cap, "O:BAG:SYD:");
    int i;
    for (i = 0; i < n - 1; i++)
        len += (size_t)snprintf(buf + len, cap - len, "(A;;0x%x;;;S-1-5-21-7-8-9-%d)", 1u << (i % 16), 2000 + i);
    snprintf(buf + len, cap - len, "(A;;0x1f01ff;;;S-1-5-21-1-2-3-1029)");
}

/* The token's SIDs as text: the user S-1-5-21-1-2-3-999, groups ...-1000..1029. */
static void token_sid(char *buf, size_t cap, int i)
{
    snprintf(buf, cap, "S-1-5-21-1-2-3-%d", i == 0 ? 999 : 999 + i);
}

#define TOKEN_SIDS 31

/* ---- the two sides ---- */

typedef struct bench {
    corpus c;
    ntsec_sid_ctx sids;
    uint8_t domain[68];
    ntsec_buf out;
    int have_samba;
    samba_peer sp;
    samba_dom_sid sdomain;
    void *mem;                                    /* Samba talloc context */
    /* access case */
    ntsec_sd *sd;
    ntsec_token *token;
    void *ssd, *stoken;
    uint32_t desired;
    samba_dom_sid ssids[TOKEN_SIDS];
} bench;

typedef size_t (*pass_fn)(bench *b, size_t *ops);

static size_t ntsec_decode(bench *b, size_t *ops)
{
    size_t i, bad = 0;
    for (i = 0; i < b->c.n; i++) {
        ntsec_sd *sd = NULL;
        if (ntsec_sddl_parse(b->c.sddl[i], b->c.len[i], &b->sids, &sd, NULL) != STATUS_SUCCESS) bad++;
        ntsec_sd_unref(sd);
    }
    *ops += b->c.n;
    return bad;
}

static size_t ntsec_roundtrip(bench *b, size_t *ops)
{
    size_t i, bad = 0;
    for (i = 0; i < b->c.n; i++) {
        ntsec_sd *sd = NULL;
        b->out.len = 0;
        if (ntsec_sddl_parse(b->c.sddl[i], b->c.len[i], &b->sids, &sd, NULL) != STATUS_SUCCESS
            || ntsec_sddl_format(sd, 0xFFFF, &b->sids, &b->out) != STATUS_SUCCESS)
            bad++;
        ntsec_sd_unref(sd);
    }
    *ops += b->c.n;
    return bad;
}

static size_t samba_decode(bench *b, size_t *ops)
{
    size_t i, bad = 0;
    for (i = 0; i < b->c.n; i++) {
        void *sd = b->sp.sddl_decode(b->mem, b->c.sddl[i], &b->sdomain);
        if (!sd) bad++;
        else b->sp.talloc_free(sd, "peer_bench");
    }
    *ops += b->c.n;
    return bad;
}

static size_t samba_roundtrip(bench *b, size_t *ops)
{
    size_t i, bad = 0;
    for (i = 0; i < b->c.n; i++) {
        void *sd = b->sp.sddl_decode(b->mem, b->c.sddl[i], &b->sdomain);
        char *text = sd ? b->sp.sddl_encode(b->mem, sd, &b->sdomain) : NULL;
        if (!text) bad++;
        else b->sp.talloc_free(text, "peer_bench");
        if (sd) b->sp.talloc_free(sd, "peer_bench");
    }
    *ops += b->c.n;
    return bad;
}

#define CHECKS 20000

static size_t ntsec_check(bench *b, size_t *ops)
{
    ntsec_access_result r;
    unsigned sink = 0;
    int i;
    for (i = 0; i < CHECKS; i++) {
        ntsec_access_check(b->sd, b->token, b->desired, &ntsec_file_mapping, NULL, &r);
        sink += r.granted;
    }
    *ops += CHECKS;
    return sink == 1;
}

static size_t samba_check(bench *b, size_t *ops)
{
    uint32_t granted = 0;
    unsigned sink = 0;
    int i;
    for (i = 0; i < CHECKS; i++) {
        b->sp.se_access_check(b->ssd, b->stoken, b->desired, &granted);
        sink += granted;
    }
    *ops += CHECKS;
    return sink == 1;
}

/* ---- timing ---- */

typedef struct side {
    double ops, secs;
    size_t bad;
} side;

static void one_round(bench *b, pass_fn f, double min_s, side *s)
{
    double t0 = cpu_seconds(), t;
    size_t ops = 0;
    do {
        s->bad += f(b, &ops);
    } while ((t = cpu_seconds() - t0) < min_s);
    s->ops += (double)ops;
    s->secs += t;
}

/* Times both sides alternately and prints <name>_{ntsec,samba}_per_s and the ratio. */
static void compare(bench *b, const char *name, pass_fn ours, pass_fn theirs, double min_s, double target)
{
    side us = {0, 0, 0}, them = {0, 0, 0};
    size_t warm = 0;
    int r;
    ours(b, &warm);
    if (b->have_samba) theirs(b, &warm);
    for (r = 0; r < ROUNDS; r++) {
        one_round(b, ours, min_s / ROUNDS, &us);
        if (b->have_samba) one_round(b, theirs, min_s / ROUNDS, &them);
    }
    printf("%s_ntsec_per_s=%.0f\n", name, us.ops / us.secs);
    if (!b->have_samba) return;
    printf("%s_samba_per_s=%.0f\n", name, them.ops / them.secs);
    printf("%s_ratio=%.1f (target >= %.0f)\n", name, (us.ops / us.secs) / (them.ops / them.secs), target);
    if (us.bad && theirs != samba_check) printf("%s_ntsec_failures_per_pass=%.0f\n", name, (double)us.bad / (us.ops / (double)b->c.n));
    if (them.bad && theirs != samba_check) printf("%s_samba_failures_per_pass=%.0f\n", name, (double)them.bad / (them.ops / (double)b->c.n));
}

static ntsec_sd *parse(const char *s)
{
    static const ntsec_sid_ctx ctx;
    ntsec_sd *sd = NULL;
    return ntsec_sddl_parse(s, strlen(s), &ctx, &sd, NULL) == STATUS_SUCCESS ? sd : NULL;
}

static int setup_tokens(bench *b)
{
    uint8_t sid[68];
    char text[64];
    int i;
    for (i = 0; i < TOKEN_SIDS; i++) {
        token_sid(text, sizeof text, i);
        if (ntsec_sid_from_string(text, strlen(text), NULL, sid) != STATUS_SUCCESS) return 0;
        if (i == 0) b->token = ntsec_token_new(sid, 0);
        else ntsec_token_add_group(b->token, sid, SE_GROUP_ENABLED | SE_GROUP_MANDATORY);
        if (b->have_samba && !b->sp.dom_sid_parse(text, &b->ssids[i])) return 0;
    }
    if (b->have_samba) b->stoken = samba_peer_token(&b->sp, b->ssids, TOKEN_SIDS);
    return b->token && (!b->have_samba || b->stoken);
}

static void access_case(bench *b, int aces, uint32_t desired, const char *name, double min_s)
{
    static char text[16384];
    ntsec_access_result r;
    uint32_t granted = 0;
    dacl_sddl(text, sizeof text, aces);
    b->sd = parse(text);
    b->ssd = b->have_samba ? b->sp.sddl_decode(b->mem, text, &b->sdomain) : NULL;
    b->desired = desired;
    if (!b->sd || (b->have_samba && !b->ssd)) {
        printf("%s_setup_failed=1\n", name);
        return;
    }
    compare(b, name, ntsec_check, samba_check, min_s, 25);
    ntsec_access_check(b->sd, b->token, desired, &ntsec_file_mapping, NULL, &r);
    if (b->have_samba) {
        b->sp.se_access_check(b->ssd, b->stoken, desired, &granted);
        printf("%s_agree=%s (granted 0x%x / 0x%x)\n", name, granted == r.granted ? "yes" : "NO", r.granted, granted);
        b->sp.talloc_free(b->ssd, "peer_bench");
    }
    ntsec_sd_unref(b->sd);
}

int main(int argc, char **argv)
{
    static bench b;
    char why[512] = "";
    const char *env = getenv("NTSEC_BENCH_SECONDS");
    double min_s = env ? atof(env) : 1.0;
    if (!load(&b.c, argc > 1 ? argv[1] : "../shared/data/conformance")) {
        fprintf(stderr, "peer_bench: cannot read windows_sddl_to_binary.tsv\n");
        return 1;
    }
    if (ntsec_sid_from_string(DOMAIN_SID, strlen(DOMAIN_SID), NULL, b.domain) != STATUS_SUCCESS) return 1;
    b.sids.machine_sid = b.sids.domain_sid = b.domain;
    ntsec_buf_init(&b.out);
    b.have_samba = samba_peer_open(&b.sp, why, sizeof why);
    if (b.have_samba) {
        b.mem = b.sp.talloc_named_const(NULL, 0, "peer_bench");
        b.have_samba = b.mem && b.sp.dom_sid_parse(DOMAIN_SID, &b.sdomain);
        printf("samba=%s (C, dlopen, same process)\n", b.sp.version);
    } else {
        printf("samba=unavailable (%s; run ../shared/tools/setup_samba_bpo.sh)\n", why);
    }
    printf("corpus_strings=%zu\n", b.c.n);
    compare(&b, "sddl_decode", ntsec_decode, samba_decode, min_s, 5);
    compare(&b, "sddl_roundtrip", ntsec_roundtrip, samba_roundtrip, min_s, 10);
    if (!setup_tokens(&b)) {
        printf("access_setup_failed=1\n");
        return 1;
    }
    access_case(&b, 10, FILE_GENERIC_READ, "access_check_10ace_30groups", min_s);
    access_case(&b, 10, MAXIMUM_ALLOWED, "access_check_10ace_30groups_max_allowed", min_s);
    access_case(&b, 100, FILE_GENERIC_READ, "access_check_100ace_30groups", min_s);
    ntsec_token_free(b.token);
    if (b.have_samba) {
        b.sp.talloc_free(b.stoken, "peer_bench");
        b.sp.talloc_free(b.mem, "peer_bench");
    }
    ntsec_buf_free(&b.out);
    free(b.c.text);
    return 0;
}
