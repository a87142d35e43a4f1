/*
** wfp_propagate.c: descriptor replacement and automatic re-inheritance
** (wfp_ks_errors.md 3.3; issue 4: "recomputing inheritance after a
** container's DACL changes").
**
** When a container's descriptor changes, every child whose DACL is not
** protected gets its inherited ACEs recomputed from the container (its
** explicit ACEs stay first, wfp_reinherit); when the engine root changes, the
** containers do, and then their children. Children sharing a descriptor
** share the result (a memo from old to new descriptor), so a million
** callouts cost one computation per distinct descriptor. Every replacement
** is logged in the caller's transaction, so a failure rolls all back.
*/
#include <stdint.h>
#include <stdlib.h>

#include "wfp_internal.h"
#include "status.h"

/* old descriptor -> new descriptor (both referenced elsewhere meanwhile:
** the old one by the undo log, the new one by the memo). */
typedef struct memo_slot {
    const ntsec_sd *old;
    ntsec_sd *fresh;
} memo_slot;

typedef struct memo {
    memo_slot *slots;
    size_t cap, count;
} memo;

static size_t memo_home(const memo *m, const ntsec_sd *sd)
{
    return (size_t)(((uintptr_t)sd >> 4) * 0x9e3779b97f4a7c15ull) & (m->cap - 1);
}

static memo_slot *memo_find(const memo *m, const ntsec_sd *sd)
{
    size_t i = memo_home(m, sd), mask = m->cap - 1;
    while (m->slots[i].old && m->slots[i].old != sd) i = (i + 1) & mask;
    return &m->slots[i];
}

static int memo_grow(memo *m)
{
    memo_slot *old = m->slots;
    size_t old_cap = m->cap, i;
    size_t cap = old_cap ? old_cap * 2 : 16;
    memo_slot *fresh = calloc(cap, sizeof *fresh);
    if (!fresh) return 0;
    m->slots = fresh;
    m->cap = cap;
    for (i = 0; i < old_cap; i++)
        if (old[i].old) *memo_find(m, old[i].old) = old[i];
    free(old);
    return 1;
}

static void memo_free(memo *m)
{
    size_t i;
    for (i = 0; i < m->cap; i++) ntsec_sd_unref(m->slots[i].fresh);
    free(m->slots);
}

NTSTATUS wfp_obj_replace_sd(wfp_session *s, wfp_obj *o, ntsec_sd *new_sd)
{
    NTSTATUS st;
    if (new_sd == o->sd) {
        ntsec_sd_unref(new_sd);
        return STATUS_SUCCESS;
    }
    st = wfp_txn_reserve(s);
    if (!NT_SUCCESS(st)) {
        ntsec_sd_unref(new_sd);
        return st;
    }
    wfp_txn_record_sd(s, WFP_UNDO_SD, 0, o, o->sd);
    o->sd = new_sd;
    return STATUS_SUCCESS;
}

/* The re-inherited descriptor of a child of c, through the memo (new ref). */
static NTSTATUS child_result(ntsec_wfp_engine *e, ntsec_wfp_container c, memo *m,
                             ntsec_sd *sd, ntsec_sd **out)
{
    memo_slot *slot;
    ntsec_sd *r;
    NTSTATUS st;
    if ((m->count + 1) * 4 > m->cap * 3 && !memo_grow(m)) return STATUS_NO_MEMORY;
    slot = memo_find(m, sd);
    if (slot->old) {
        *out = ntsec_sd_ref(slot->fresh);
        return STATUS_SUCCESS;
    }
    st = wfp_reinherit(e, c, 0, sd, &r);
    if (!NT_SUCCESS(st)) return st;
    r = wfp_intern(e, r);
    slot->old = sd;
    slot->fresh = ntsec_sd_ref(r);
    m->count++;
    *out = r;
    return STATUS_SUCCESS;
}

/* Re-inherit every object of kind k from container c. */
static NTSTATUS reinherit_kind(ntsec_wfp_engine *e, wfp_session *s, ntsec_wfp_container c,
                               ntsec_wfp_kind k, memo *m)
{
    wfp_table *t = &e->tables[k];
    size_t cur = 0;
    wfp_obj *o;
    NTSTATUS st = STATUS_SUCCESS;
    while (NT_SUCCESS(st) && (o = wfp_table_next(t, &cur)) != NULL) {
        ntsec_sd *r;
        if (!o->sd) continue;
        st = child_result(e, c, m, o->sd, &r);
        if (NT_SUCCESS(st)) st = wfp_obj_replace_sd(s, o, r);
    }
    return st;
}

static NTSTATUS reinherit_children(ntsec_wfp_engine *e, wfp_session *s, ntsec_wfp_container c)
{
    memo m = {NULL, 0, 0};
    NTSTATUS st = STATUS_SUCCESS;
    int k;
    for (k = 0; NT_SUCCESS(st) && k < WFP_KEYED_KINDS; k++)
        if (wfp_container_of(wfp_keyed_order[k]) == c) st = reinherit_kind(e, s, c, wfp_keyed_order[k], &m);
    memo_free(&m);
    return st;
}

/* The root changed: each container re-inherits from it (as a container). */
static NTSTATUS reinherit_containers(ntsec_wfp_engine *e, wfp_session *s)
{
    NTSTATUS st = STATUS_SUCCESS;
    int c;
    for (c = NTSEC_WFP_ENGINE + 1; NT_SUCCESS(st) && c < NTSEC_WFP_CONTAINER_COUNT; c++) {
        ntsec_sd *r;
        st = wfp_reinherit(e, NTSEC_WFP_ENGINE, 1, e->containers[c], &r);
        if (NT_SUCCESS(st)) st = wfp_container_replace(e, s, (ntsec_wfp_container)c, wfp_intern(e, r));
    }
    return st;
}

NTSTATUS wfp_container_replace(ntsec_wfp_engine *e, wfp_session *s, ntsec_wfp_container c,
                               ntsec_sd *new_sd)
{
    NTSTATUS st;
    if (new_sd == e->containers[c]) {
        ntsec_sd_unref(new_sd);
        return STATUS_SUCCESS;
    }
    st = wfp_txn_reserve(s);
    if (!NT_SUCCESS(st)) {
        ntsec_sd_unref(new_sd);
        return st;
    }
    wfp_txn_record_sd(s, WFP_UNDO_CONTAINER_SD, (int)c, NULL, e->containers[c]);
    e->containers[c] = new_sd;
    return c == NTSEC_WFP_ENGINE ? reinherit_containers(e, s) : reinherit_children(e, s, c);
}
