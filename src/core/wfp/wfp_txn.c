/*
** wfp_txn.c: explicit transactions (wfp_ks_errors.md 2.2).
**
** Every mutation is applied at once (so later calls in the transaction see
** it) and logged: abort replays the log backwards, re-inserting deleted
** objects at their old slots and dropping added ones, so the engine is
** exactly as before. While any transaction is open the stores keep their
** slots (no compaction). Descriptor changes need no log entry: the Set
** functions refuse to run inside a transaction.
*/
#include <stdlib.h>

#include "wfp_internal.h"
#include "secdefs.h"
#include "status.h"

static void pin_stores(ntsec_wfp_engine *e, int delta)
{
    int k;
    for (k = 0; k < NTSEC_WFP_KIND_COUNT; k++) e->stores[k].pinned += delta;
}

NTSTATUS wfp_txn_reserve(wfp_session *s)
{
    wfp_undo *p;
    size_t cap;
    if (s->txn == WFP_TXN_NONE || s->undo_len < s->undo_cap) return STATUS_SUCCESS;
    cap = s->undo_cap ? s->undo_cap * 2 : 8;
    p = realloc(s->undo, cap * sizeof *p);
    if (!p) return STATUS_NO_MEMORY;
    s->undo = p;
    s->undo_cap = cap;
    return STATUS_SUCCESS;
}

int wfp_txn_record(wfp_session *s, int added, wfp_obj *o)
{
    if (s->txn == WFP_TXN_NONE) return 0;
    s->undo[s->undo_len].added = added;
    s->undo[s->undo_len].obj = o;
    s->undo_len++;
    return 1;
}

/* End the transaction; deleted objects are released when committing. */
static void finish(ntsec_wfp_engine *e, wfp_session *s, int commit)
{
    size_t i;
    if (commit)
        for (i = 0; i < s->undo_len; i++)
            if (!s->undo[i].added) wfp_obj_free(s->undo[i].obj);
    s->undo_len = 0;
    s->txn = WFP_TXN_NONE;
    pin_stores(e, -1);
}

void wfp_txn_rollback(ntsec_wfp_engine *e, wfp_session *s)
{
    size_t i;
    if (s->txn == WFP_TXN_NONE) return;
    for (i = s->undo_len; i-- > 0;) {
        wfp_obj *o = s->undo[i].obj;
        if (s->undo[i].added) {
            wfp_obj_unlink(e, o);
            wfp_obj_free(o);
        } else if (!NT_SUCCESS(wfp_obj_restore(e, o))) {
            wfp_obj_free(o);   /* out of memory while aborting: the object is lost */
        }
    }
    finish(e, s, 0);
}

NTSTATUS ntsec_wfp_txn_begin(ntsec_wfp_engine *e, ntsec_wfp_handle h, uint32_t flags)
{
    wfp_session *s;
    ACCESS_MASK want = (flags & NTSEC_FWPM_TXN_READ_ONLY) ? FWPM_ACTRL_BEGIN_READ_TXN
                                                         : FWPM_ACTRL_BEGIN_WRITE_TXN;
    NTSTATUS st = wfp_session_enter(e, h, &s);
    if (!NT_SUCCESS(st)) return st;
    if (flags & ~NTSEC_FWPM_TXN_READ_ONLY) return STATUS_FWP_INVALID_FLAGS;
    if (s->txn != WFP_TXN_NONE) return STATUS_FWP_TXN_IN_PROGRESS;
    st = wfp_session_access(s, e->containers[NTSEC_WFP_ENGINE], want);
    if (!NT_SUCCESS(st)) return st;
    s->txn = (flags & NTSEC_FWPM_TXN_READ_ONLY) ? WFP_TXN_READ : WFP_TXN_WRITE;
    pin_stores(e, 1);
    return STATUS_SUCCESS;
}

static NTSTATUS end_txn(ntsec_wfp_engine *e, ntsec_wfp_handle h, int commit)
{
    wfp_session *s;
    NTSTATUS st = wfp_session_enter(e, h, &s);
    if (!NT_SUCCESS(st)) return st;
    if (s->txn == WFP_TXN_NONE) return STATUS_FWP_NO_TXN_IN_PROGRESS;
    if (commit) finish(e, s, 1);
    else wfp_txn_rollback(e, s);
    return STATUS_SUCCESS;
}

NTSTATUS ntsec_wfp_txn_commit(ntsec_wfp_engine *e, ntsec_wfp_handle h)
{
    return end_txn(e, h, 1);
}

NTSTATUS ntsec_wfp_txn_abort(ntsec_wfp_engine *e, ntsec_wfp_handle h)
{
    return end_txn(e, h, 0);
}
