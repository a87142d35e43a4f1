/*
** wfp_lock.c: the engine clock and the transaction lock (wfp_ks_errors.md
** 2.2, W32-OM).
**
** One read/write transaction at a time per engine; read-only transactions
** share the lock with each other. A call made outside an explicit
** transaction runs in an implicit one and needs the lock too: a write waits
** while any other session holds a transaction, a read while another session
** holds a read/write one (isolation: aborted changes are never seen).
** Waiting lasts up to the session's txnWaitTimeoutInMSec (0 = 15 s) and
** then fails with STATUS_FWP_TIMEOUT. A user-mode transaction that holds
** the lock longer than one hour is forcibly aborted; its next call gets
** STATUS_FWP_TXN_ABORTED (kernel mode: no limit).
**
** Clock: real (monotonic, ms since the engine was created; waits sleep) or
** virtual (moves only by ntsec_wfp_engine_advance and by waits). Inside one
** process nothing can release the lock while a call waits (calls are
** synchronous), so a virtual wait jumps straight to the next event: the
** holder's forced abort or the caller's deadline.
*/
#include <stdint.h>
#include <time.h>

#include "wfp_internal.h"
#include "wfp_store.h"
#include "status.h"

static uint64_t monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

uint64_t wfp_now(const ntsec_wfp_engine *e)
{
    return e->virtual_clock ? e->clock_ms : monotonic_ms() - e->clock_base;
}

static void sleep_ms(uint64_t ms)
{
    struct timespec ts;
    ts.tv_sec = (time_t)(ms / 1000u);
    ts.tv_nsec = (long)(ms % 1000u) * 1000000L;
    while (nanosleep(&ts, &ts) != 0) {}
}

/* Move the clock to t (virtual: jump; real: sleep until then). */
static void advance_to(ntsec_wfp_engine *e, uint64_t t)
{
    uint64_t now = wfp_now(e);
    if (t <= now) return;
    if (e->virtual_clock) e->clock_ms = t;
    else sleep_ms(t - now);
}

uint64_t ntsec_wfp_engine_clock(const ntsec_wfp_engine *e)
{
    return wfp_now(e);
}

int ntsec_wfp_engine_virtual_clock(const ntsec_wfp_engine *e)
{
    return e->virtual_clock;
}

NTSTATUS ntsec_wfp_engine_advance(ntsec_wfp_engine *e, uint64_t ms)
{
    if (!e->virtual_clock) return STATUS_INVALID_DEVICE_REQUEST;
    e->clock_ms += ms;
    wfp_lock_expire(e);
    return STATUS_SUCCESS;
}

/* When s's transaction will be forcibly aborted (UINT64_MAX: never). */
static uint64_t expiry_of(const wfp_session *s)
{
    if (s->kernel_mode || s->txn == WFP_TXN_NONE) return UINT64_MAX;
    return s->txn_started + NTSEC_WFP_USER_TXN_HOLD_MS;
}

void wfp_lock_expire(ntsec_wfp_engine *e)
{
    wfp_table *t = &e->tables[NTSEC_WFP_OPEN_SESSION];
    uint64_t now = wfp_now(e);
    size_t cur = 0;
    wfp_obj *o;
    if (!e->explicit_txns) return;
    while ((o = wfp_table_next(t, &cur)) != NULL) {
        wfp_session *s = (wfp_session *)o;
        if (expiry_of(s) > now) continue;
        wfp_txn_rollback(e, s);
        s->txn_aborted = 1;
    }
}

/* Does another session's transaction keep s from running (write: any
** holder; read: a writer)? */
static int blocked_by(const wfp_session *s, const wfp_session *other, int write)
{
    if (other == s || other->txn == WFP_TXN_NONE) return 0;
    return write || other->txn == WFP_TXN_WRITE;
}

/* Earliest forced abort among the blockers, or UINT64_MAX; *blocked tells
** whether anything blocks at all. */
static uint64_t next_release(const ntsec_wfp_engine *e, const wfp_session *s, int write, int *blocked)
{
    const wfp_table *t = &e->tables[NTSEC_WFP_OPEN_SESSION];
    uint64_t first = UINT64_MAX;
    size_t cur = 0;
    const wfp_obj *o;
    *blocked = 0;
    if (!e->explicit_txns) return first;
    while ((o = wfp_table_next(t, &cur)) != NULL) {
        const wfp_session *other = (const wfp_session *)o;
        if (!blocked_by(s, other, write)) continue;
        *blocked = 1;
        if (expiry_of(other) < first) first = expiry_of(other);
    }
    return first;
}

static uint32_t wait_limit(const wfp_session *s)
{
    return s->txn_timeout_ms ? s->txn_timeout_ms : NTSEC_WFP_DEFAULT_TXN_WAIT_MS;
}

/* Wait until nothing blocks s, or its timeout passes. */
static NTSTATUS wait_for(ntsec_wfp_engine *e, wfp_session *s, int write)
{
    uint64_t deadline = wfp_now(e) + wait_limit(s);
    int blocked;
    for (;;) {
        uint64_t release = next_release(e, s, write, &blocked);
        if (!blocked) return STATUS_SUCCESS;
        if (release > deadline) {
            advance_to(e, deadline);
            return STATUS_FWP_TIMEOUT;
        }
        advance_to(e, release);
        wfp_lock_expire(e);
    }
}

NTSTATUS wfp_lock_wait(ntsec_wfp_engine *e, wfp_session *s, int write)
{
    return wait_for(e, s, write);
}

void wfp_lock_take(ntsec_wfp_engine *e, wfp_session *s, int mode)
{
    if (mode == WFP_TXN_WRITE) e->lock.writer = s->h.id;
    else e->lock.readers++;
    s->txn = mode;
    s->txn_started = wfp_now(e);
    e->explicit_txns++;
}

void wfp_lock_release(ntsec_wfp_engine *e, wfp_session *s)
{
    if (s->txn == WFP_TXN_NONE) return;
    if (s->txn == WFP_TXN_WRITE && e->lock.writer == s->h.id) e->lock.writer = 0;
    if (s->txn == WFP_TXN_READ && e->lock.readers) e->lock.readers--;
    if (e->explicit_txns) e->explicit_txns--;
    s->txn = WFP_TXN_NONE;
}

/* The store's write lock (held by another process): SQLite's busy wait
** with the session's timeout; on a virtual clock one try, then the clock
** moves by the timeout. */
NTSTATUS wfp_lock_store(ntsec_wfp_engine *e, const wfp_session *s)
{
    uint32_t limit = wait_limit(s);
    NTSTATUS st;
    if (!e->db) return STATUS_SUCCESS;
    st = wfp_store_begin(e->db, e->virtual_clock ? 0 : limit);
    if (st == STATUS_FWP_TIMEOUT && e->virtual_clock) e->clock_ms += limit;
    return st;
}
