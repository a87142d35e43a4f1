/*
** wfp_map.c: open-addressing index of object pointers keyed through the
** objects themselves (see wfp_map.h).
*/
#include <stdlib.h>
#include <string.h>

#include "wfp_map.h"
#include "status.h"

/* splitmix64 finaliser: spreads GUID and id bits over the table. */
static uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

static uint64_t hash_key(const uint8_t *k, size_t len)
{
    uint64_t a, b = 0;
    memcpy(&a, k, 8);
    if (len > 8) memcpy(&b, k + 8, 8);
    return mix64(a ^ mix64(b + 0x9e3779b97f4a7c15ull));
}

static const uint8_t *key_of(const wfp_map *m, const void *obj)
{
    return (const uint8_t *)obj + m->key_off;
}

void wfp_map_init(wfp_map *m, size_t key_off, size_t key_len)
{
    m->slots = NULL;
    m->cap = m->count = 0;
    m->key_off = key_off;
    m->key_len = key_len;
}

void wfp_map_free(wfp_map *m)
{
    free(m->slots);
    m->slots = NULL;
    m->cap = m->count = 0;
}

void *wfp_map_get(const wfp_map *m, const void *key)
{
    size_t i, mask = m->cap - 1;
    uint64_t h;
    if (!m->cap) return NULL;
    h = hash_key(key, m->key_len);
    for (i = (size_t)h & mask; m->slots[i].obj; i = (i + 1) & mask)
        if (m->slots[i].hash == h && memcmp(key_of(m, m->slots[i].obj), key, m->key_len) == 0)
            return m->slots[i].obj;
    return NULL;
}

static void insert_slot(wfp_map *m, void *obj, uint64_t h)
{
    size_t i = (size_t)h & (m->cap - 1), mask = m->cap - 1;
    while (m->slots[i].obj) i = (i + 1) & mask;
    m->slots[i].obj = obj;
    m->slots[i].hash = h;
}

/* Rehash into a table of new_cap slots; the old table stays on failure. */
static NTSTATUS grow(wfp_map *m, size_t new_cap)
{
    wfp_map_slot *old = m->slots;
    size_t old_cap = m->cap, i;
    wfp_map_slot *fresh = calloc(new_cap, sizeof *fresh);
    if (!fresh) return STATUS_NO_MEMORY;
    m->slots = fresh;
    m->cap = new_cap;
    for (i = 0; i < old_cap; i++)
        if (old[i].obj) insert_slot(m, old[i].obj, old[i].hash);
    free(old);
    return STATUS_SUCCESS;
}

NTSTATUS wfp_map_put(wfp_map *m, void *obj)
{
    if ((m->count + 1) * 4 > m->cap * 3) {
        NTSTATUS st = grow(m, m->cap ? m->cap * 2 : 16);
        if (!NT_SUCCESS(st)) return st;
    }
    insert_slot(m, obj, hash_key(key_of(m, obj), m->key_len));
    m->count++;
    return STATUS_SUCCESS;
}

/* 1 when slot j's entry (home k) may move back into hole i. */
static int may_fill(size_t i, size_t j, size_t k)
{
    if (i <= j) return k <= i || k > j;
    return k <= i && k > j;
}

void wfp_map_del(wfp_map *m, const void *obj)
{
    size_t i, j, mask = m->cap - 1;
    if (!m->cap) return;
    i = (size_t)hash_key(key_of(m, obj), m->key_len) & mask;
    for (; m->slots[i].obj != obj; i = (i + 1) & mask)
        if (!m->slots[i].obj) return;
    for (j = (i + 1) & mask; m->slots[j].obj; j = (j + 1) & mask) {
        if (may_fill(i, j, (size_t)m->slots[j].hash & mask)) {
            m->slots[i] = m->slots[j];
            i = j;
        }
    }
    m->slots[i].obj = NULL;
    m->count--;
}
