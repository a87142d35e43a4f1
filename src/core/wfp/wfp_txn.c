/*
** wfp_txn.c: transactions (wfp_ks_errors.md 2.2, W32-OM).
**
** Every session call that changes something runs in a transaction: the
** session's explicit one, or an implicit one around the call. Mutations are
** applied at once (later calls in the transaction see them) and logged;
** rolling back replays the log backwards: added objects are dropped,
** deleted ones go back to their old slots, replaced descriptors come back.
** While a log may hold deleted objects the tables keep their slots (pinned).
**
** With a store (docs/wfp.md, "Persistence") a write call writes its log
** entries for persistent and built-in objects and containers into the
** store's transaction when it ends: an implicit call commits it; inside an
** explicit transaction each call is a savepoint (a failed call does not
** poison the transaction) and FwpmTransactionCommit0 commits.
*/
#include <stdlib.h>

#include "wfp_internal.h"
#include "wfp_store.h"
#include "secdefs.h"
#include "status.h"

static void pin_tables(ntsec_wfp_engine *e, int delta)
{
    int k;
    for (k = 0; k < NTSEC_WFP_KIND_COUNT; k++) e->tables[k].pinned += delta;
}

NTSTATUS wfp_txn_reserve(wfp_session *s)
{
    wfp_undo *p;
    size_t cap;
    if (s->undo_len < s->undo_cap) return STATUS_SUCCESS;
    cap = s->undo_cap ? s->undo_cap * 2 : 8;
    p = realloc(s->undo, cap * sizeof *p);
    if (!p) return STATUS_NO_MEMORY;
    s->undo = p;
    s->undo_cap = cap;
    return STATUS_SUCCESS;
}

void wfp_txn_record(wfp_session *s, int type, wfp_obj *o)
{
    wfp_txn_record_sd(s, type, 0, o, NULL);
}

void wfp_txn_record_sd(wfp_session *s, int type, int container, wfp_obj *o, ntsec_sd *old)
{
    wfp_undo *u = &s->undo[s->undo_len++];
    u->type = (uint8_t)type;
    u->container = (uint8_t)container;
    u->obj = o;
    u->old_sd = old;
}

/* A deleted dynamic object whose session has closed meanwhile stays gone. */
static void restore_deleted(ntsec_wfp_engine *e, wfp_obj *o)
{
    int orphan = o->lifetime == NTSEC_WFP_LIFE_DYNAMIC && !wfp_session_get(e, o->owner);
    if (orphan || !NT_SUCCESS(wfp_obj_restore(e, o)))
        wfp_obj_free(o);   /* out of memory while aborting: the object is lost */
}

static void undo_one(ntsec_wfp_engine *e, wfp_undo *u)
{
    switch (u->type) {
    case WFP_UNDO_ADDED:
        wfp_obj_unlink(e, u->obj);
        wfp_obj_free(u->obj);
        break;
    case WFP_UNDO_DELETED:
        restore_deleted(e, u->obj);
        break;
    case WFP_UNDO_SD:
        ntsec_sd_unref(u->obj->sd);
        u->obj->sd = u->old_sd;
        break;
    default:
        ntsec_sd_unref(e->containers[u->container]);
        e->containers[u->container] = u->old_sd;
        break;
    }
}

void wfp_txn_rollback_to(ntsec_wfp_engine *e, wfp_session *s, size_t mark)
{
    while (s->undo_len > mark) undo_one(e, &s->undo[--s->undo_len]);
}

/* Keep the changes: release what the log entries from `from` on own. */
void wfp_txn_forget(wfp_session *s, size_t from)
{
    size_t i;
    for (i = from; i < s->undo_len; i++) {
        if (s->undo[i].type == WFP_UNDO_DELETED) wfp_obj_free(s->undo[i].obj);
        else ntsec_sd_unref(s->undo[i].old_sd);
    }
    s->undo_len = from;
}

/* ---- explicit transactions ---- */

static void end_explicit(ntsec_wfp_engine *e, wfp_session *s)
{
    wfp_lock_release(e, s);
    pin_tables(e, -1);
}

void wfp_txn_rollback(ntsec_wfp_engine *e, wfp_session *s)
{
    if (s->txn == WFP_TXN_NONE) return;
    if (s->txn == WFP_TXN_WRITE && e->db) wfp_store_rollback(e->db);
    wfp_txn_rollback_to(e, s, 0);
    end_explicit(e, s);
}

/* Lock, then (read/write) the store's lock, then catch up with the store. */
static NTSTATUS take_lock(ntsec_wfp_engine *e, wfp_session *s, int write)
{
    NTSTATUS st = wfp_lock_wait(e, s, write);
    if (NT_SUCCESS(st) && write) st = wfp_lock_store(e, s);
    if (!NT_SUCCESS(st)) return st;
    st = wfp_persist_refresh(e);
    if (!NT_SUCCESS(st)) {
        if (write && e->db) wfp_store_rollback(e->db);
        return st;
    }
    wfp_lock_take(e, s, write ? WFP_TXN_WRITE : WFP_TXN_READ);
    return STATUS_SUCCESS;
}

NTSTATUS ntsec_wfp_txn_begin(ntsec_wfp_engine *e, ntsec_wfp_handle h, uint32_t flags)
{
    wfp_session *s;
    int write = !(flags & NTSEC_FWPM_TXN_READ_ONLY);
    NTSTATUS st = wfp_session_enter(e, h, &s);
    if (!NT_SUCCESS(st)) return st;
    if (flags & ~NTSEC_FWPM_TXN_READ_ONLY) return STATUS_FWP_INVALID_FLAGS;
    if (s->txn != WFP_TXN_NONE) return STATUS_FWP_TXN_IN_PROGRESS;
    st = wfp_session_access(s, e->containers[NTSEC_WFP_ENGINE],
                            write ? FWPM_ACTRL_BEGIN_WRITE_TXN : FWPM_ACTRL_BEGIN_READ_TXN);
    if (NT_SUCCESS(st)) st = take_lock(e, s, write);
    if (!NT_SUCCESS(st)) return st;
    pin_tables(e, 1);
    return STATUS_SUCCESS;
}

static NTSTATUS commit_explicit(ntsec_wfp_engine *e, wfp_session *s)
{
    uint64_t seq = e->db ? wfp_store_txn_seq(e->db) : 0;
    if (s->txn == WFP_TXN_WRITE && e->db && !NT_SUCCESS(wfp_store_commit(e->db))) {
        wfp_txn_rollback_to(e, s, 0);
        end_explicit(e, s);
        return STATUS_UNSUCCESSFUL;
    }
    if (seq > e->db_seq) e->db_seq = seq;
    wfp_txn_forget(s, 0);
    end_explicit(e, s);
    return STATUS_SUCCESS;
}

static NTSTATUS end_txn(ntsec_wfp_engine *e, ntsec_wfp_handle h, int commit)
{
    wfp_session *s;
    NTSTATUS st = wfp_session_enter(e, h, &s);
    if (!NT_SUCCESS(st)) return st;
    if (s->txn == WFP_TXN_NONE) return STATUS_FWP_NO_TXN_IN_PROGRESS;
    if (commit) return commit_explicit(e, s);
    wfp_txn_rollback(e, s);
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

/* ---- calls ---- */

/* A call outside an explicit transaction: wait for the lock; a write also
** takes the store's lock and opens the implicit transaction. */
static NTSTATUS begin_implicit(ntsec_wfp_engine *e, wfp_session *s, wfp_call *c)
{
    NTSTATUS st = wfp_lock_wait(e, s, c->op == WFP_OP_WRITE);
    if (!NT_SUCCESS(st)) return st;
    if (c->op == WFP_OP_READ) return wfp_persist_refresh(e);
    st = wfp_lock_store(e, s);
    if (!NT_SUCCESS(st)) return st;
    st = wfp_persist_refresh(e);
    if (!NT_SUCCESS(st)) {
        if (e->db) wfp_store_rollback(e->db);
        return st;
    }
    c->implicit = 1;
    s->implicit = 1;
    pin_tables(e, 1);
    return STATUS_SUCCESS;
}

NTSTATUS wfp_call_begin(ntsec_wfp_engine *e, wfp_session *s, wfp_op op, wfp_call *c)
{
    c->s = s;
    c->op = op;
    c->implicit = 0;
    c->mark = s->undo_len;
    if (op == WFP_OP_WRITE && s->txn == WFP_TXN_READ) return STATUS_FWP_INCOMPATIBLE_TXN;
    /* an import batch (wfp_import.h) is open: sessions may not write meanwhile */
    if (op == WFP_OP_WRITE && s != e->system && e->system->txn == WFP_TXN_WRITE)
        return STATUS_FWP_TXN_IN_PROGRESS;
    if (s->txn == WFP_TXN_NONE) return begin_implicit(e, s, c);
    if (op == WFP_OP_WRITE && e->db) return wfp_store_savepoint(e->db);
    return STATUS_SUCCESS;
}

/* End of a write call inside an explicit transaction. */
static NTSTATUS end_in_explicit(ntsec_wfp_engine *e, wfp_call *c, NTSTATUS st)
{
    if (!e->db) return st;
    if (NT_SUCCESS(st)) st = wfp_store_release(e->db);
    else wfp_store_rollback_savepoint(e->db);
    if (!NT_SUCCESS(st)) wfp_txn_rollback_to(e, c->s, c->mark);
    return st;
}

/* End of an implicit write call: commit or roll back everything. */
static NTSTATUS end_implicit(ntsec_wfp_engine *e, wfp_call *c, NTSTATUS st)
{
    uint64_t seq = e->db ? wfp_store_txn_seq(e->db) : 0;
    if (e->db && NT_SUCCESS(st)) st = wfp_store_commit(e->db);
    else if (e->db) wfp_store_rollback(e->db);
    if (!NT_SUCCESS(st)) wfp_txn_rollback_to(e, c->s, c->mark);
    else if (seq > e->db_seq) e->db_seq = seq;
    wfp_txn_forget(c->s, c->mark);
    c->s->implicit = 0;
    pin_tables(e, -1);
    return st;
}

NTSTATUS wfp_call_end(ntsec_wfp_engine *e, wfp_call *c, NTSTATUS st)
{
    if (c->op == WFP_OP_READ) return st;
    if (NT_SUCCESS(st) && e->db) st = wfp_persist_log(e, c->s, c->mark);
    if (!NT_SUCCESS(st)) wfp_txn_rollback_to(e, c->s, c->mark);
    return c->implicit ? end_implicit(e, c, st) : end_in_explicit(e, c, st);
}

/* Engine-level writes (imports) use the system session; they may not mix
** with a session's explicit transaction (docs/wfp.md). */
NTSTATUS wfp_system_begin(ntsec_wfp_engine *e, wfp_call *c)
{
    if (e->explicit_txns) return STATUS_FWP_TXN_IN_PROGRESS;
    return wfp_call_begin(e, e->system, WFP_OP_WRITE, c);
}
