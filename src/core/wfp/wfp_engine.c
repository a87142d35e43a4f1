/*
** wfp_engine.c: engine lifetime, the BFE running toggle, container access.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wfp_internal.h"
#include "wfp_kinds.h"
#include "wfp_store.h"
#include "status.h"

/* The documented callout limit (W32-EC: FWP_E_TOO_MANY_CALLOUTS). */
#define WFP_DEFAULT_MAX_CALLOUTS 100000u

static void init_tables(ntsec_wfp_engine *e)
{
    int k;
    for (k = 0; k < NTSEC_WFP_KIND_COUNT; k++) {
        wfp_table_init(&e->tables[k], ntsec_wfp_kind_has((ntsec_wfp_kind)k, NTSEC_WFP_OP_INDEX_KEY),
                       ntsec_wfp_kind_has((ntsec_wfp_kind)k, NTSEC_WFP_OP_INDEX_ID));
    }
}

static uint64_t default_seed(const ntsec_wfp_engine *e)
{
    return (uint64_t)time(NULL) ^ ((uint64_t)(uintptr_t)e << 16) ^ 0x6a09e667f3bcc909ull;
}

static void apply_opts(ntsec_wfp_engine *e, const ntsec_wfp_engine_opts *o)
{
    e->running = !(o && o->not_running);
    e->max_callouts = (o && o->max_callouts) ? o->max_callouts : WFP_DEFAULT_MAX_CALLOUTS;
    e->rng = (o && o->seed) ? o->seed : default_seed(e);
    e->virtual_clock = o && o->virtual_clock;
    e->next_handle = 1;
    e->next_callout_id = 1;
    e->next_filter_id = 1;
    e->next_layer_id = 1;
    e->next_provider_context_id = UINT64_C(1) << 63;   /* the dumps' first providerContextId */
    e->clock_base = 0;
    e->clock_base = wfp_now(e);
}

/* The hidden kernel-mode session that carries engine-level writes. */
static NTSTATUS make_system_session(ntsec_wfp_engine *e)
{
    e->system = (wfp_session *)wfp_obj_alloc(NTSEC_WFP_OPEN_SESSION);
    if (!e->system) return STATUS_NO_MEMORY;
    e->system->kernel_mode = 1;
    return STATUS_SUCCESS;
}

static void report(const ntsec_wfp_engine_opts *o, const char *msg)
{
    if (o && o->error && o->error_cap) snprintf(o->error, o->error_cap, "%s", msg);
}

static NTSTATUS open_store(ntsec_wfp_engine *e, const ntsec_wfp_engine_opts *o)
{
    char msg[512] = "";
    char why[400] = "";
    NTSTATUS s = wfp_store_open(o->path, o->sync_normal, &e->db, msg, sizeof msg);
    if (NT_SUCCESS(s)) {
        s = wfp_persist_load(e, why, sizeof why);
        if (!NT_SUCCESS(s)) snprintf(msg, sizeof msg, "%s: %s", o->path, why);
    }
    if (!NT_SUCCESS(s)) report(o, msg);
    return s;
}

NTSTATUS ntsec_wfp_engine_new(const ntsec_wfp_engine_opts *opts, ntsec_wfp_engine **out)
{
    ntsec_wfp_engine *e = calloc(1, sizeof *e);
    NTSTATUS s;
    if (!e) return STATUS_NO_MEMORY;
    apply_opts(e, opts);
    init_tables(e);
    s = make_system_session(e);
    if (NT_SUCCESS(s)) s = wfp_sd_setup(e, opts ? opts->root_sd : NULL);
    if (NT_SUCCESS(s) && opts && opts->path) s = open_store(e, opts);
    if (!NT_SUCCESS(s)) {
        if (s == STATUS_NO_MEMORY) report(opts, "out of memory");
        ntsec_wfp_engine_free(e);
        return s;
    }
    *out = e;
    return STATUS_SUCCESS;
}

/* Sessions first: closing them rolls back transactions into the tables. */
void ntsec_wfp_engine_free(ntsec_wfp_engine *e)
{
    wfp_table *sessions;
    int k;
    if (!e) return;
    sessions = &e->tables[NTSEC_WFP_OPEN_SESSION];
    while (sessions->live) {
        size_t cur = 0;
        ntsec_wfp_engine_close(e, wfp_table_next(sessions, &cur)->id);
    }
    wfp_sub_free_all(e);
    wfp_enum_free_all(e);
    for (k = NTSEC_WFP_KIND_COUNT - 1; k >= 0; k--) wfp_table_free(&e->tables[k]);
    if (e->system) wfp_obj_free(&e->system->h);
    wfp_sd_teardown(e);
    wfp_setmemo_free(e);
    wfp_intern_free(&e->intern);
    wfp_store_close(e->db);
    ntsec_wfp_filter_set_free(e->conditions);
    free(e);
}

void ntsec_wfp_engine_set_running(ntsec_wfp_engine *e, int running)
{
    e->running = running != 0;
}

int ntsec_wfp_engine_running(const ntsec_wfp_engine *e)
{
    return e->running;
}

const ntsec_sd *ntsec_wfp_container_sd(const ntsec_wfp_engine *e, ntsec_wfp_container c)
{
    return (unsigned)c < NTSEC_WFP_CONTAINER_COUNT ? e->containers[c] : NULL;
}

NTSTATUS ntsec_wfp_engine_refresh(ntsec_wfp_engine *e)
{
    return wfp_persist_refresh(e);
}

size_t ntsec_wfp_engine_sd_bytes(const ntsec_wfp_engine *e)
{
    return wfp_intern_bytes(&e->intern);
}

/* xorshift64* step; the output becomes a version-4 GUID. */
static uint64_t next_random(ntsec_wfp_engine *e)
{
    e->rng ^= e->rng >> 12;
    e->rng ^= e->rng << 25;
    e->rng ^= e->rng >> 27;
    return e->rng * 0x2545f4914f6cdd1dull;
}

void wfp_new_guid(ntsec_wfp_engine *e, ntsec_guid *g)
{
    uint64_t a = next_random(e), b = next_random(e);
    memcpy(g->b, &a, 8);
    memcpy(g->b + 8, &b, 8);
    g->b[7] = (uint8_t)((g->b[7] & 0x0F) | 0x40);   /* Data3 high nibble: version 4 */
    g->b[8] = (uint8_t)((g->b[8] & 0x3F) | 0x80);   /* variant 10xx */
}
