/*
** wfp_setmemo.c: a small memo of Set results. A Set's outcome depends only
** on the object's current descriptor, the parent descriptor it re-inherits
** from, the SECURITY_INFORMATION bits and the parts given (the caller's
** token only for an owner change in user mode, which the caller keeps out
** of the memo). Descriptors are interned and immutable, so equal inputs
** are recognised by pointer plus the given bytes, and a policy applying one
** DACL to many objects that share a descriptor computes the merge once.
*/
#include <stdlib.h>
#include <string.h>

#include "wfp_internal.h"

static int same_key(const wfp_setmemo_entry *m, const wfp_setmemo_key *k)
{
    return m->result && m->hash == k->hash && m->old == k->old && m->parent == k->parent
        && m->flags == k->flags && m->is_container == k->is_container && m->len == k->len
        && memcmp(m->bytes, k->bytes, k->len) == 0;
}

int wfp_setmemo_get(ntsec_wfp_engine *e, const wfp_setmemo_key *k, ntsec_sd **out)
{
    unsigned i;
    for (i = 0; i < WFP_SETMEMO_SLOTS; i++) {
        if (!same_key(&e->setmemo[i], k)) continue;
        *out = ntsec_sd_ref(e->setmemo[i].result);
        return 1;
    }
    return 0;
}

static void clear(wfp_setmemo_entry *m)
{
    ntsec_sd_unref(m->old);
    ntsec_sd_unref(m->parent);
    ntsec_sd_unref(m->result);
    free(m->bytes);
    memset(m, 0, sizeof *m);
}

void wfp_setmemo_put(ntsec_wfp_engine *e, const wfp_setmemo_key *k, ntsec_sd *result)
{
    wfp_setmemo_entry *m = &e->setmemo[e->setmemo_next++ % WFP_SETMEMO_SLOTS];
    uint8_t *bytes = malloc(k->len ? k->len : 1);
    clear(m);
    if (!bytes) return;
    memcpy(bytes, k->bytes, k->len);
    m->old = ntsec_sd_ref(k->old);
    m->parent = ntsec_sd_ref(k->parent);
    m->result = ntsec_sd_ref(result);
    m->flags = k->flags;
    m->is_container = k->is_container;
    m->hash = k->hash;
    m->len = k->len;
    m->bytes = bytes;
}

void wfp_setmemo_free(ntsec_wfp_engine *e)
{
    unsigned i;
    for (i = 0; i < WFP_SETMEMO_SLOTS; i++) clear(&e->setmemo[i]);
}
