/*
** token_sids.c: the token's SID lists and their hash index
** (sd_semantics.md 3.1): user and groups, restricting SIDs, device groups.
**
** Every distinct SID of a list has one slot in an open-addressing table that
** records what it may match (allow ACEs, deny ACEs, assignment as owner),
** OR-ed over every entry with that SID. A 2048-bit Bloom filter answers most
** misses without touching the table. The table is rebuilt when it would get
** fuller than 1/4 (tokens are built once and checked many times), so
** SidInToken is one hash and usually one compare, with no allocation.
*/
#include <stdlib.h>
#include <string.h>

#include "token_internal.h"
#include "sid.h"
#include "buf.h"
#include "status.h"

static inline uint64_t rd64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* Equal SIDs without a library call: the count, the last 8 bytes (where a
** token's SIDs differ), then the rest 8 bytes at a time. */
static inline int same_sid(const uint8_t *a, const uint8_t *b)
{
    size_t len = 8 + 4 * (size_t)a[1], i;
    if (a[1] != b[1] || rd64(a + len - 8) != rd64(b + len - 8)) return 0;
    for (i = 0; i < len - 8; i += 8)
        if (rd64(a + i) != rd64(b + i)) return 0;
    return 1;
}

/* The slot holding sid, or the empty slot where it would go. */
static inline tok_slot *find_slot(const sid_list *l, const uint8_t *sid, uint32_t h)
{
    size_t mask = l->nslots - 1, i = (h ^ (h >> 16)) & mask;   /* fold the good top bits in */
    for (;; i = (i + 1) & mask) {
        tok_slot *s = &l->slots[i];
        if (s->ref == 0) return s;
        if (s->hash == h && same_sid(l->items[s->ref - 1].sid, sid)) return s;
    }
}

static void index_entry(sid_list *l, size_t k)
{
    const sid_entry *e = &l->items[k];
    uint32_t h = sid_key_hash(e->sid);
    tok_slot *s = find_slot(l, e->sid, h);
    unsigned b = sid_bloom_bit(h);
    l->bloom[b >> 6] |= (uint64_t)1 << (b & 63);
    if (s->ref == 0) {
        s->hash = h;
        s->ref = (uint16_t)(k + 1);
    }
    s->match = (uint16_t)(s->match | l->match_of(k, e->attributes));
}

/* Rebuild the table with room for n SIDs; the old one survives on failure. */
static NTSTATUS reindex(sid_list *l, size_t n)
{
    size_t want = 16, k;
    tok_slot *slots;
    while (want <= 4 * n) want *= 2;
    slots = calloc(want, sizeof *slots);
    if (!slots) return STATUS_NO_MEMORY;
    free(l->slots);
    l->slots = slots;
    l->nslots = want;
    memset(l->bloom, 0, sizeof l->bloom);
    for (k = 0; k < l->n; k++) index_entry(l, k);
    return STATUS_SUCCESS;
}

void sid_list_init(sid_list *l, unsigned (*match_of)(size_t, uint32_t))
{
    memset(l, 0, sizeof *l);
    l->match_of = match_of;
}

void sid_list_free(sid_list *l)
{
    free(l->items);
    free(l->slots);
    l->items = NULL;
    l->slots = NULL;
    l->n = l->cap = l->nslots = 0;
}

static int grow_items(sid_list *l)
{
    size_t ncap;
    sid_entry *p;
    if (l->n < l->cap) return 1;
    if (l->n >= 0xFFFEu) return 0;          /* slot refs are 16-bit */
    ncap = l->cap ? l->cap * 2 : 8;
    p = realloc(l->items, ncap * sizeof *p);
    if (!p) return 0;
    l->items = p;
    l->cap = ncap;
    return 1;
}

NTSTATUS sid_list_add(sid_list *l, const uint8_t *sid, uint32_t attributes)
{
    sid_entry *e;
    NTSTATUS st;
    if (!grow_items(l)) return STATUS_NO_MEMORY;
    e = &l->items[l->n];
    memcpy(e->sid, sid, ntsec_sid_len(sid));
    e->attributes = attributes;
    l->n++;
    if (l->nslots && 4 * l->n < l->nslots) {
        index_entry(l, l->n - 1);
        return STATUS_SUCCESS;
    }
    st = reindex(l, l->n);
    if (st != STATUS_SUCCESS) l->n--;       /* the old table still describes the old entries */
    return st;
}

static void *dup_array(const void *src, size_t count, size_t elem)
{
    void *p;
    if (count == 0) return NULL;
    p = malloc(count * elem);
    if (p) memcpy(p, src, count * elem);
    return p;
}

NTSTATUS sid_list_copy(sid_list *dst, const sid_list *src)
{
    *dst = *src;
    dst->items = dup_array(src->items, src->n, sizeof *src->items);
    dst->slots = dup_array(src->slots, src->nslots, sizeof *src->slots);
    dst->cap = src->n;
    if ((src->n && !dst->items) || (src->nslots && !dst->slots)) {
        sid_list_free(dst);
        return STATUS_NO_MEMORY;
    }
    return STATUS_SUCCESS;
}

/* The probe after a Bloom hit (kept out of line: most lookups miss). */
unsigned sid_list_probe(const sid_list *l, const uint8_t *sid, uint32_t h, int *present)
{
    const tok_slot *s = find_slot(l, sid, h);
    if (present) *present = s->ref != 0;
    return s->match;
}

static inline unsigned list_match(const sid_list *l, const uint8_t *sid, int *present)
{
    uint32_t h = sid_key_hash(sid);
    if (present) *present = 0;
    if (!l->nslots || !sid_list_maybe(l, h)) return 0;
    return sid_list_probe(l, sid, h, present);
}

unsigned sid_list_match(const sid_list *l, const uint8_t *sid, int *present)
{
    return list_match(l, sid, present);
}

/* ---- public lookups (here so that the probe loop inlines) ---- */

static inline unsigned want_bit(int for_deny)
{
    return for_deny ? MATCH_DENY : MATCH_ALLOW;
}

int ntsec_token_has_sid(const ntsec_token *t, const uint8_t *sid, int for_deny)
{
    return (list_match(&t->main, sid, NULL) & want_bit(for_deny)) != 0;
}

int ntsec_token_has_restricted_sid(const ntsec_token *t, const uint8_t *sid, int for_deny)
{
    return (list_match(&t->restricted, sid, NULL) & want_bit(for_deny)) != 0;
}

int ntsec_token_has_device_sid(const ntsec_token *t, const uint8_t *sid, int for_deny)
{
    return (list_match(&t->device, sid, NULL) & want_bit(for_deny)) != 0;
}

int ntsec_token_can_own(const ntsec_token *t, const uint8_t *sid)
{
    return (list_match(&t->main, sid, NULL) & MATCH_OWNER) != 0;
}

unsigned ntsec_token_sid_state(const ntsec_token *t, const uint8_t *sid, int list)
{
    const sid_list *l = list == 1 ? &t->restricted : list == 2 ? &t->device : &t->main;
    int present;
    unsigned m = list_match(l, sid, &present), out = 0;
    if (present) out |= NTSEC_SID_PRESENT;
    if (m & MATCH_ALLOW) out |= NTSEC_SID_ALLOW;
    if (m & MATCH_DENY) out |= NTSEC_SID_DENY;
    return out;
}
