/*
** wfp_bench.c: the filter engine at scale (`make bench`). Prints name=value
** lines: operations per second, bytes.
**
** An engine holding N callouts (1,000 and 1,000,000): add rate, lookup by
** key and by id, FwpmCalloutSetSecurityInfoByKey0 rate (kernel and user
** mode), heap bytes per callout (glibc mallinfo2) and the bytes of distinct
** descriptors (identical ones are shared), and the commit rate of a
** persistent engine (SQLite store, synchronous FULL and NORMAL).
** NTSEC_WFP_BENCH_N overrides the large N.
*/
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "wfp.h"
#include "wfp_callout.h"
#include "wfp_objects.h"
#include "wfp_security.h"
#include "sddl.h"
#include "secdefs.h"
#include "status.h"
#include "token.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static size_t heap_used(void)
{
    struct mallinfo2 m = mallinfo2();
    return m.uordblks + m.hblkhd;
}

/* Callout i's key: distinct, spread over the GUID. */
static void key_of(size_t i, ntsec_guid *g)
{
    uint64_t a = (uint64_t)i * 0x9e3779b97f4a7c15ull + 1, b = (uint64_t)i + 0x1234;
    memcpy(g->b, &a, 8);
    memcpy(g->b + 8, &b, 8);
}

static ntsec_sd *parse(const char *s)
{
    static const ntsec_sid_ctx no_context;
    ntsec_sd *sd = NULL;
    ntsec_sddl_parse(s, strlen(s), &no_context, &sd, NULL);
    return sd;
}

static ntsec_token *admin_token(void)
{
    static const uint8_t user[28] = {1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0,
                                     0xf4, 1, 0, 0};
    static const uint8_t admins[16] = {1, 2, 0, 0, 0, 0, 0, 5, 32, 0, 0, 0, 0x20, 2, 0, 0};
    ntsec_token *t = ntsec_token_new(user, 0);
    if (t) ntsec_token_add_group(t, admins, SE_GROUP_ENABLED | SE_GROUP_ENABLED_BY_DEFAULT | SE_GROUP_MANDATORY);
    return t;
}

static ntsec_wfp_handle open_session(ntsec_wfp_engine *e, const ntsec_token *t, int kernel)
{
    ntsec_wfp_session_opts o;
    ntsec_wfp_handle h = 0;
    memset(&o, 0, sizeof o);
    o.token = t;
    o.kernel_mode = kernel;
    ntsec_wfp_engine_open(e, &o, &h);
    return h;
}

static ntsec_wfp_engine *new_engine(const char *path, int sync_normal)
{
    ntsec_wfp_engine_opts eo;
    ntsec_wfp_engine *e = NULL;
    memset(&eo, 0, sizeof eo);
    eo.max_callouts = UINT32_MAX;
    eo.virtual_clock = 1;
    eo.path = path;
    eo.sync_normal = sync_normal;
    ntsec_wfp_engine_new(&eo, &e);
    return e;
}

static void add_callouts(ntsec_wfp_engine *e, ntsec_wfp_handle h, size_t n, const char *tag)
{
    ntsec_wfp_callout_spec c;
    size_t i, heap0 = heap_used(), fails = 0;
    double t0 = now();
    memset(&c, 0, sizeof c);
    c.name = "bench callout";
    for (i = 0; i < n; i++) {
        key_of(i, &c.key);
        fails += ntsec_wfp_callout_add(e, h, &c, NULL, NULL) != 0;
    }
    printf("wfp_add_callout_%s_per_s=%.0f\n", tag, (double)n / (now() - t0));
    printf("wfp_heap_bytes_per_callout_%s=%.0f\n", tag, (double)(heap_used() - heap0) / (double)n);
    if (fails) printf("wfp_add_failures_%s=%zu\n", tag, fails);
}

/* Random lookups among the first `hot` callouts only: with the same cache
** footprint as a small engine, the per-lookup work shows (it does not grow
** with the number of objects; the full random figure is memory latency). */
static void hot_lookups(ntsec_wfp_engine *e, ntsec_wfp_handle h, size_t hot, const char *tag)
{
    const size_t rounds = 1000000;
    ntsec_wfp_object_info info;
    ntsec_guid key;
    size_t i, misses = 0;
    uint64_t x = 88172645463325252ull;
    double t0 = now();
    for (i = 0; i < rounds; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        key_of((size_t)(x % hot), &key);
        misses += ntsec_wfp_callout_get_by_key(e, h, &key, &info) != 0;
    }
    printf("wfp_get_by_key_%s_hot1k_per_s=%.0f\n", tag, (double)rounds / (now() - t0));
    if (misses) printf("wfp_lookup_misses_%s_hot=%zu\n", tag, misses);
}

/* Random lookups by key and by id. */
static void lookups(ntsec_wfp_engine *e, ntsec_wfp_handle h, size_t n, const char *tag)
{
    const size_t rounds = 1000000;
    ntsec_wfp_object_info info;
    ntsec_guid key;
    size_t i, misses = 0;
    uint64_t x = 88172645463325252ull;
    double t0 = now();
    for (i = 0; i < rounds; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        key_of((size_t)(x % n), &key);
        misses += ntsec_wfp_callout_get_by_key(e, h, &key, &info) != 0;
    }
    printf("wfp_get_by_key_%s_per_s=%.0f\n", tag, (double)rounds / (now() - t0));
    t0 = now();
    for (i = 0; i < rounds; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        misses += ntsec_wfp_object_get_by_id(e, h, NTSEC_WFP_CALLOUT, 1 + x % n, &info) != 0;
    }
    printf("wfp_get_by_id_%s_per_s=%.0f\n", tag, (double)rounds / (now() - t0));
    if (misses) printf("wfp_lookup_misses_%s=%zu\n", tag, misses);
}

/* Alternate two DACLs over random callouts (every call changes something). */
static void set_security(ntsec_wfp_engine *e, ntsec_wfp_handle h, size_t n, const char *tag)
{
    ntsec_sd *a = parse("D:(A;;GA;;;BA)(A;;GR;;;BU)"), *b = parse("D:(D;;SD;;;WD)(A;;GA;;;BA)");
    ntsec_sd_parts pa, pb;
    const size_t rounds = 1000000;
    ntsec_guid key;
    size_t i, fails = 0;
    double t0;
    ntsec_sd_get_parts(a, &pa);
    ntsec_sd_get_parts(b, &pb);
    t0 = now();
    for (i = 0; i < rounds; i++) {
        key_of((i * 7919u) % n, &key);
        fails += ntsec_wfp_callout_set_security(e, h, &key, DACL_SECURITY_INFORMATION, NULL, NULL,
                                                (i & 1) ? pa.dacl : pb.dacl, NULL) != 0;
    }
    printf("wfp_set_security_%s_per_s=%.0f\n", tag, (double)rounds / (now() - t0));
    if (fails) printf("wfp_set_failures_%s=%zu\n", tag, fails);
    ntsec_sd_unref(a);
    ntsec_sd_unref(b);
}

static void scale(size_t n, const char *tag)
{
    ntsec_token *admin = admin_token();
    ntsec_wfp_engine *e = new_engine(NULL, 0);
    ntsec_wfp_handle k = open_session(e, admin, 1), u = open_session(e, admin, 0);
    char utag[64];
    add_callouts(e, k, n, tag);
    lookups(e, k, n, tag);
    if (n > 1000) hot_lookups(e, k, 1000, tag);
    set_security(e, k, n, tag);
    snprintf(utag, sizeof utag, "%s_user", tag);
    set_security(e, u, n, utag);
    printf("wfp_distinct_sd_bytes_%s=%zu\n", tag, ntsec_wfp_engine_sd_bytes(e));
    printf("wfp_heap_bytes_per_callout_after_sets_%s=%.0f\n", tag, (double)heap_used() / (double)n);
    ntsec_wfp_engine_free(e);
    ntsec_token_free(admin);
}

/* Transactions of one persistent callout each, committed to the store. */
static void commits(int sync_normal, const char *tag)
{
    char path[64];
    ntsec_wfp_engine *e;
    ntsec_wfp_handle h;
    ntsec_wfp_callout_spec c;
    const size_t n = sync_normal ? 2000 : 200;
    size_t i, fails = 0;
    double t0;
    snprintf(path, sizeof path, "/tmp/ntsec-wfp-bench-%ld.db", (long)getpid());
    unlink(path);
    e = new_engine(path, sync_normal);
    if (!e) return;
    h = open_session(e, NULL, 1);
    memset(&c, 0, sizeof c);
    c.name = "persistent";
    c.flags = NTSEC_FWPM_CALLOUT_FLAG_PERSISTENT;
    t0 = now();
    for (i = 0; i < n; i++) {
        key_of(i, &c.key);
        fails += ntsec_wfp_txn_begin(e, h, 0) != 0;
        fails += ntsec_wfp_callout_add(e, h, &c, NULL, NULL) != 0;
        fails += ntsec_wfp_txn_commit(e, h) != 0;
    }
    printf("wfp_persistent_commit_%s_per_s=%.0f\n", tag, (double)n / (now() - t0));
    if (fails) printf("wfp_commit_failures_%s=%zu\n", tag, fails);
    ntsec_wfp_engine_free(e);
    unlink(path);
    strcat(path, "-wal");
    unlink(path);
    path[strlen(path) - 4] = 0;
    strcat(path, "-shm");
    unlink(path);
}

int main(void)
{
    const char *env = getenv("NTSEC_WFP_BENCH_N");
    size_t big = env ? (size_t)strtoull(env, NULL, 10) : 1000000;
    scale(1000, "1k");
    scale(big, big == 1000000 ? "1M" : "N");
    commits(0, "sync_full");
    commits(1, "sync_normal");
    return 0;
}
