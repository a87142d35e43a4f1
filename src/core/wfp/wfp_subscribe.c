/*
** wfp_subscribe.c: FwpmConnectionSubscribe0 / Unsubscribe0 and the delivery
** of connection events (wfp_ks_errors.md 2.5, 3.2; SDKAPI-CNSUB).
**
** Events are delivered synchronously after the change, to each subscription
** that existed when the event happened and still exists when its turn
** comes (a callback may unsubscribe, close sessions or change connections).
** A subscriber sees an event only while it may READ the connections
** container (3.2: "notifications only for objects with READ").
*/
#include <stdlib.h>
#include <string.h>

#include "wfp_internal.h"
#include "secdefs.h"
#include "status.h"

#define SUB_FLAGS (NTSEC_FWPM_SUBSCRIPTION_FLAG_NOTIFY_ON_ADD | NTSEC_FWPM_SUBSCRIPTION_FLAG_NOTIFY_ON_DELETE)

static size_t find_sub(const ntsec_wfp_engine *e, uint64_t handle)
{
    size_t i;
    for (i = 0; i < e->n_subs; i++)
        if (e->subs[i]->handle == handle) return i;
    return (size_t)-1;
}

static void remove_at(ntsec_wfp_engine *e, size_t i)
{
    free(e->subs[i]);
    memmove(&e->subs[i], &e->subs[i + 1], (e->n_subs - i - 1) * sizeof *e->subs);
    e->n_subs--;
}

static NTSTATUS append(ntsec_wfp_engine *e, wfp_sub *sub)
{
    if (e->n_subs == e->subs_cap) {
        size_t cap = e->subs_cap ? e->subs_cap * 2 : 4;
        wfp_sub **p = realloc(e->subs, cap * sizeof *p);
        if (!p) return STATUS_NO_MEMORY;
        e->subs = p;
        e->subs_cap = cap;
    }
    e->subs[e->n_subs++] = sub;
    return STATUS_SUCCESS;
}

static NTSTATUS check_subscribe(const ntsec_wfp_engine *e, const wfp_session *s, uint32_t flags)
{
    NTSTATUS st;
    if (s->txn != WFP_TXN_NONE) return STATUS_FWP_TXN_IN_PROGRESS;
    st = wfp_session_access(s, e->containers[NTSEC_WFP_CONNECTIONS], FWPM_ACTRL_SUBSCRIBE);
    if (NT_SUCCESS(st) && (flags & ~SUB_FLAGS)) st = STATUS_FWP_INVALID_FLAGS;
    return st;
}

NTSTATUS ntsec_wfp_connection_subscribe(ntsec_wfp_engine *e, ntsec_wfp_handle h,
                                        uint64_t connection_id, uint32_t flags,
                                        ntsec_wfp_connection_cb cb, void *ctx, uint64_t *out)
{
    wfp_session *s;
    wfp_sub *sub;
    NTSTATUS st = wfp_session_enter(e, h, &s);
    if (NT_SUCCESS(st)) st = check_subscribe(e, s, flags);
    if (!NT_SUCCESS(st)) return st;
    sub = calloc(1, sizeof *sub);
    if (!sub) return STATUS_NO_MEMORY;
    sub->handle = e->next_handle;
    sub->session = h;
    sub->connection_id = connection_id;
    sub->flags = flags ? flags : SUB_FLAGS;
    sub->cb = cb;
    sub->ctx = ctx;
    st = append(e, sub);
    if (!NT_SUCCESS(st)) {
        free(sub);
        return st;
    }
    e->next_handle++;
    *out = sub->handle;
    return STATUS_SUCCESS;
}

NTSTATUS ntsec_wfp_connection_unsubscribe(ntsec_wfp_engine *e, ntsec_wfp_handle h, uint64_t handle)
{
    wfp_session *s;
    size_t i;
    NTSTATUS st = wfp_session_enter(e, h, &s);
    if (!NT_SUCCESS(st)) return st;
    i = find_sub(e, handle);
    if (i == (size_t)-1 || e->subs[i]->session != h) return STATUS_INVALID_HANDLE;
    remove_at(e, i);
    return STATUS_SUCCESS;
}

static int wants(const ntsec_wfp_engine *e, const wfp_sub *sub, int event, const ntsec_wfp_connection *c)
{
    uint32_t bit = event == NTSEC_FWPM_CONNECTION_EVENT_ADD ? NTSEC_FWPM_SUBSCRIPTION_FLAG_NOTIFY_ON_ADD
                                                           : NTSEC_FWPM_SUBSCRIPTION_FLAG_NOTIFY_ON_DELETE;
    const wfp_session *s = wfp_session_get(e, sub->session);
    if (!s || !(sub->flags & bit)) return 0;
    if (sub->connection_id && sub->connection_id != c->id) return 0;
    return NT_SUCCESS(wfp_session_access(s, e->containers[NTSEC_WFP_CONNECTIONS], FWPM_ACTRL_READ));
}

void wfp_sub_notify(ntsec_wfp_engine *e, int event, const ntsec_wfp_connection *c)
{
    uint64_t *handles;
    size_t n = e->n_subs, i, at;
    if (!n) return;
    handles = malloc(n * sizeof *handles);
    if (!handles) return;   /* out of memory: the event is dropped (FWP_E_NOTIFICATION_DROPPED) */
    for (i = 0; i < n; i++) handles[i] = e->subs[i]->handle;
    for (i = 0; i < n; i++) {
        ntsec_wfp_connection copy = *c;
        at = find_sub(e, handles[i]);
        if (at == (size_t)-1 || !wants(e, e->subs[at], event, c)) continue;
        e->subs[at]->cb(e->subs[at]->ctx, (uint32_t)event, &copy);
    }
    free(handles);
}

void wfp_sub_drop_session(ntsec_wfp_engine *e, ntsec_wfp_handle h)
{
    size_t i = 0;
    while (i < e->n_subs) {
        if (e->subs[i]->session == h) remove_at(e, i);
        else i++;
    }
}

void wfp_sub_free_all(ntsec_wfp_engine *e)
{
    while (e->n_subs) remove_at(e, e->n_subs - 1);
    free(e->subs);
    e->subs = NULL;
    e->subs_cap = 0;
}
