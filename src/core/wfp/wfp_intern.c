/*
** wfp_intern.c: one shared copy per distinct descriptor. Every descriptor an
** object or container holds goes through wfp_intern, so a million callouts
** given the same DACL (by Set or by inheritance) share one ntsec_sd.
**
** Open addressing keyed by a hash of the bytes; the table holds one
** reference per entry. Entries only the table still references are swept
** when the table doubles since the last sweep.
*/
#include <stdlib.h>
#include <string.h>

#include "wfp_internal.h"
#include "status.h"

uint64_t wfp_hash_bytes(const uint8_t *p, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ull ^ n, w;
    while (n >= 8) {
        memcpy(&w, p, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdull;
        h ^= h >> 32;
        p += 8;
        n -= 8;
    }
    w = 0;
    memcpy(&w, p, n);
    h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
    return h ^ (h >> 29);
}

static uint64_t sd_hash(const ntsec_sd *sd)
{
    return wfp_hash_bytes(sd->bytes, sd->len);
}

static int same_bytes(const ntsec_sd *a, const ntsec_sd *b)
{
    return a == b || (a->len == b->len && memcmp(a->bytes, b->bytes, a->len) == 0);
}

/* Slot holding a descriptor equal to sd, or the empty slot where it goes. */
static wfp_intern_entry *find(const wfp_intern_table *t, const ntsec_sd *sd, uint64_t h)
{
    size_t mask = t->cap - 1, i = (size_t)h & mask;
    for (; t->slots[i].sd; i = (i + 1) & mask)
        if (t->slots[i].hash == h && same_bytes(t->slots[i].sd, sd)) break;
    return &t->slots[i];
}

static NTSTATUS rehash(wfp_intern_table *t, size_t cap)
{
    wfp_intern_entry *old = t->slots;
    size_t old_cap = t->cap, i;
    wfp_intern_entry *fresh = calloc(cap, sizeof *fresh);
    if (!fresh) return STATUS_NO_MEMORY;
    t->slots = fresh;
    t->cap = cap;
    for (i = 0; i < old_cap; i++)
        if (old[i].sd) *find(t, old[i].sd, old[i].hash) = old[i];
    free(old);
    return STATUS_SUCCESS;
}

/* 1 when slot j's entry (home k) may move back into hole i. */
static int may_fill(size_t i, size_t j, size_t k)
{
    if (i <= j) return k <= i || k > j;
    return k <= i && k > j;
}

/* Remove slot i, shifting the rest of its probe chain back (no tombstones). */
static void delete_at(wfp_intern_table *t, size_t i)
{
    size_t j, mask = t->cap - 1;
    ntsec_sd_unref(t->slots[i].sd);
    for (j = (i + 1) & mask; t->slots[j].sd; j = (j + 1) & mask) {
        if (may_fill(i, j, (size_t)t->slots[j].hash & mask)) {
            t->slots[i] = t->slots[j];
            i = j;
        }
    }
    memset(&t->slots[i], 0, sizeof t->slots[i]);
    t->count--;
}

/* Drop entries nobody else references (slot i is re-examined after a shift). */
static void sweep(wfp_intern_table *t)
{
    size_t i = 0;
    while (i < t->cap) {
        if (t->slots[i].sd && t->slots[i].sd->refs == 1) delete_at(t, i);
        else i++;
    }
    t->sweep_at = t->count * 2 > 1024 ? t->count * 2 : 1024;
}

static NTSTATUS make_room(wfp_intern_table *t)
{
    if (t->count >= t->sweep_at && t->cap) sweep(t);
    if ((t->count + 1) * 4 <= t->cap * 3) return STATUS_SUCCESS;
    return rehash(t, t->cap ? t->cap * 2 : 64);
}

ntsec_sd *wfp_intern(ntsec_wfp_engine *e, ntsec_sd *sd)
{
    wfp_intern_table *t = &e->intern;
    wfp_intern_entry *slot;
    uint64_t h;
    if (!sd) return NULL;
    if (!NT_SUCCESS(make_room(t))) return sd;   /* out of memory: stay unshared */
    h = sd_hash(sd);
    slot = find(t, sd, h);
    if (slot->sd) {
        ntsec_sd *shared = ntsec_sd_ref(slot->sd);
        ntsec_sd_unref(sd);
        return shared;
    }
    slot->sd = ntsec_sd_ref(sd);
    slot->hash = h;
    t->count++;
    return sd;
}

void wfp_intern_free(wfp_intern_table *t)
{
    size_t i;
    for (i = 0; i < t->cap; i++) ntsec_sd_unref(t->slots[i].sd);
    free(t->slots);
    memset(t, 0, sizeof *t);
}

size_t wfp_intern_bytes(const wfp_intern_table *t)
{
    size_t i, n = 0;
    for (i = 0; i < t->cap; i++)
        if (t->slots[i].sd) n += sizeof(ntsec_sd) + t->slots[i].sd->len;
    return n;
}
