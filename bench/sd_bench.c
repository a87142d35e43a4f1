/*
** sd_bench.c: speed of the descriptor codecs on the 7,716 Windows vectors
** (issue #3; `make bench`, or build/bench/sd_bench [data-dir]).
**
** Inputs: every SDDL string of windows_sddl_to_binary.tsv and the Windows
** bytes next to it (domain SID as the data README says; it is also the
** machine SID, so the LA/LG rows parse). Operations, each over the whole
** corpus:
**   sddl_decode     ntsec_sddl_parse + unref             SDDL -> descriptor
**   sddl_format     ntsec_sddl_format into one reused buffer   descriptor -> SDDL
**   sddl_roundtrip  parse + format (reused buffer) + unref     SDDL -> SDDL
**   binary_parse    ntsec_sd_from_bytes + unref          validate + copy
**   binary_write    ntsec_sd_get_parts + ntsec_sd_build + unref
** Each runs ROUNDS rounds, together at least NTSEC_BENCH_SECONDS (default
** 1) of CPU time; <op>_per_s is all operations over all that time (as
** sd_lua_bench.lua computes it), <op>_per_s_best the fastest round (the VM
** is shared: the spread is load).
** Allocation: one extra pass per operation with this file's malloc
** wrappers counting (they forward to glibc's __libc_* entry points and
** count calls and requested bytes only while `counting` is set; realloc
** counts its new size). Prints <op>_allocs_per_op and <op>_bytes_per_op.
** NTSEC_BENCH_ONLY=<op> runs one operation (for perf/callgrind).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sd.h"
#include "sddl.h"
#include "sid.h"
#include "status.h"

#define ROUNDS 5
#define MAX_ROWS 8192

/* ---- counting allocator (glibc) ---- */

void *__libc_malloc(size_t n);
void *__libc_calloc(size_t n, size_t m);
void *__libc_realloc(void *p, size_t n);
void __libc_free(void *p);

static int counting;
static unsigned long long alloc_calls, alloc_bytes;

static void count(size_t n)
{
    if (!counting) return;
    alloc_calls++;
    alloc_bytes += n;
}

void *malloc(size_t n)
{
    count(n);
    return __libc_malloc(n);
}

void *calloc(size_t n, size_t m)
{
    count(n * m);
    return __libc_calloc(n, m);
}

void *realloc(void *p, size_t n)
{
    count(n);
    return __libc_realloc(p, n);
}

void free(void *p)
{
    __libc_free(p);
}

/* ---- corpus ---- */

typedef struct corpus {
    char *text;                  /* the file, split in place */
    const char *sddl[MAX_ROWS];
    size_t sddl_len[MAX_ROWS];
    uint8_t *bin[MAX_ROWS];
    size_t bin_len[MAX_ROWS];
    ntsec_sd *sd[MAX_ROWS];      /* parsed from the Windows bytes */
    size_t n, total_sddl, total_bin;
} corpus;

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    long n;
    char *data;
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    data = malloc((size_t)n + 1);
    if (data && fread(data, 1, (size_t)n, f) != (size_t)n) { free(data); data = NULL; }
    if (data) data[n] = 0;
    fclose(f);
    return data;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static uint8_t *unhex(const char *h, size_t n, size_t *out_len)
{
    uint8_t *b = malloc(n / 2 + 1);
    size_t i;
    for (i = 0; b && i + 1 < n; i += 2) b[i / 2] = (uint8_t)(hexval(h[i]) << 4 | hexval(h[i + 1]));
    *out_len = n / 2;
    return b;
}

/* One "set<TAB>sddl<TAB>hex" line (NUL-terminated in place). */
static void add_row(corpus *c, char *line)
{
    char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
    size_t i = c->n;
    if (!t2 || i >= MAX_ROWS) return;
    *t2 = 0;
    c->sddl[i] = t1 + 1;
    c->sddl_len[i] = (size_t)(t2 - t1 - 1);
    c->bin[i] = unhex(t2 + 1, strlen(t2 + 1), &c->bin_len[i]);
    if (!c->bin[i] || ntsec_sd_from_bytes(c->bin[i], c->bin_len[i], &c->sd[i]) != STATUS_SUCCESS) return;
    c->total_sddl += c->sddl_len[i];
    c->total_bin += c->bin_len[i];
    c->n++;
}

static int load(corpus *c, const char *dir)
{
    char path[1024], *line, *next;
    snprintf(path, sizeof path, "%s/windows_sddl_to_binary.tsv", dir);
    c->text = read_all(path);
    c->n = c->total_sddl = c->total_bin = 0;
    if (!c->text) return 0;
    line = strchr(c->text, '\n');               /* skip the header */
    for (line = line ? line + 1 : NULL; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next) *next++ = 0;
        if (*line && line[strlen(line) - 1] == '\r') line[strlen(line) - 1] = 0;
        add_row(c, line);
    }
    return 1;
}

/* ---- operations (one pass over the corpus each; return failures) ---- */

typedef struct bench_ctx {
    corpus *c;
    ntsec_sid_ctx sids;
    ntsec_buf out;
} bench_ctx;

typedef size_t (*pass_fn)(bench_ctx *b);

static size_t pass_decode(bench_ctx *b)
{
    size_t i, bad = 0;
    for (i = 0; i < b->c->n; i++) {
        ntsec_sd *sd = NULL;
        if (ntsec_sddl_parse(b->c->sddl[i], b->c->sddl_len[i], &b->sids, &sd, NULL) != STATUS_SUCCESS) bad++;
        ntsec_sd_unref(sd);
    }
    return bad;
}

static size_t pass_format(bench_ctx *b)
{
    size_t i, bad = 0;
    for (i = 0; i < b->c->n; i++) {
        b->out.len = 0;
        if (ntsec_sddl_format(b->c->sd[i], 0xFFFF, &b->sids, &b->out) != STATUS_SUCCESS) bad++;
    }
    return bad;
}

static size_t pass_roundtrip(bench_ctx *b)
{
    size_t i, bad = 0;
    for (i = 0; i < b->c->n; i++) {
        ntsec_sd *sd = NULL;
        b->out.len = 0;
        if (ntsec_sddl_parse(b->c->sddl[i], b->c->sddl_len[i], &b->sids, &sd, NULL) != STATUS_SUCCESS
            || ntsec_sddl_format(sd, 0xFFFF, &b->sids, &b->out) != STATUS_SUCCESS)
            bad++;
        ntsec_sd_unref(sd);
    }
    return bad;
}

static size_t pass_binary_parse(bench_ctx *b)
{
    size_t i, bad = 0;
    for (i = 0; i < b->c->n; i++) {
        ntsec_sd *sd = NULL;
        if (ntsec_sd_from_bytes(b->c->bin[i], b->c->bin_len[i], &sd) != STATUS_SUCCESS) bad++;
        ntsec_sd_unref(sd);
    }
    return bad;
}

static size_t pass_binary_write(bench_ctx *b)
{
    size_t i, bad = 0;
    for (i = 0; i < b->c->n; i++) {
        ntsec_sd_parts parts;
        ntsec_sd *sd = NULL;
        ntsec_sd_get_parts(b->c->sd[i], &parts);
        if (ntsec_sd_build(&parts, &sd) != STATUS_SUCCESS) bad++;
        ntsec_sd_unref(sd);
    }
    return bad;
}

/* ---- timing ---- */

static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* One round of at least min_s seconds: adds its operations and seconds. */
static double one_round(bench_ctx *b, pass_fn f, double min_s, size_t *bad, double *ops, double *secs)
{
    double t0 = cpu_seconds(), t;
    size_t n = 0;
    do {
        *bad += f(b);
        n += b->c->n;
    } while ((t = cpu_seconds() - t0) < min_s);
    *ops += (double)n;
    *secs += t;
    return (double)n / t;
}

static void run(bench_ctx *b, const char *name, pass_fn f, double min_s)
{
    double rates[ROUNDS], ops = 0, secs = 0;
    size_t bad = 0, r;
    const char *only = getenv("NTSEC_BENCH_ONLY");      /* one operation, for profiling */
    if (only && strcmp(only, name) != 0) return;
    f(b);                                        /* warm up */
    for (r = 0; r < ROUNDS; r++) rates[r] = one_round(b, f, min_s / ROUNDS, &bad, &ops, &secs);
    qsort(rates, ROUNDS, sizeof rates[0], cmp_double);
    alloc_calls = alloc_bytes = 0;
    counting = 1;
    f(b);
    counting = 0;
    printf("%s_per_s=%.0f\n", name, ops / secs);
    printf("%s_per_s_best=%.0f\n", name, rates[ROUNDS - 1]);
    printf("%s_allocs_per_op=%.2f\n", name, (double)alloc_calls / (double)b->c->n);
    printf("%s_bytes_per_op=%.1f\n", name, (double)alloc_bytes / (double)b->c->n);
    if (bad) printf("%s_failures=%zu\n", name, bad);
}

int main(int argc, char **argv)
{
    static corpus c;
    static const char domain_text[] = "S-1-5-21-2457507606-2709100691-398136650";
    uint8_t domain[68];
    const char *env = getenv("NTSEC_BENCH_SECONDS");
    double min_s = env ? atof(env) : 1.0;
    bench_ctx b;
    if (!load(&c, argc > 1 ? argv[1] : "../shared/data/conformance") || c.n == 0) {
        fprintf(stderr, "sd_bench: cannot read windows_sddl_to_binary.tsv\n");
        return 1;
    }
    if (ntsec_sid_from_string(domain_text, sizeof domain_text - 1, NULL, domain) != STATUS_SUCCESS) return 1;
    b.c = &c;
    b.sids.machine_sid = domain;
    b.sids.domain_sid = domain;
    b.sids.forest_sid = NULL;
    ntsec_buf_init(&b.out);
    printf("corpus_strings=%zu\n", c.n);
    printf("corpus_mean_sddl_chars=%.1f\n", (double)c.total_sddl / (double)c.n);
    printf("corpus_mean_descriptor_bytes=%.1f\n", (double)c.total_bin / (double)c.n);
    run(&b, "sddl_decode", pass_decode, min_s);
    run(&b, "sddl_format", pass_format, min_s);
    run(&b, "sddl_roundtrip", pass_roundtrip, min_s);
    run(&b, "binary_parse", pass_binary_parse, min_s);
    run(&b, "binary_write", pass_binary_write, min_s);
    ntsec_buf_free(&b.out);
    return 0;
}
