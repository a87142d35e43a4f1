/*
** wfp_table.c: per-kind object storage. A vector keeps insertion order for
** listings (removed entries leave NULL holes, compacted when half the vector
** is holes); two hash indexes give O(1) lookup by GUID key and by id.
*/
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "wfp_internal.h"
#include "status.h"

void wfp_table_init(wfp_table *st, int keyed, int ided)
{
    memset(st, 0, sizeof *st);
    st->keyed = keyed;
    st->ided = ided;
    wfp_map_init(&st->by_key, offsetof(wfp_obj, key), 16);
    wfp_map_init(&st->by_id, offsetof(wfp_obj, id), 8);
}

void wfp_table_free(wfp_table *st)
{
    size_t i;
    for (i = 0; i < st->len; i++)
        if (st->items[i]) wfp_obj_free(st->items[i]);
    free(st->items);
    wfp_map_free(&st->by_key);
    wfp_map_free(&st->by_id);
    memset(st, 0, sizeof *st);
}

static NTSTATUS reserve_item(wfp_table *st)
{
    wfp_obj **p;
    size_t cap;
    if (st->len < st->cap) return STATUS_SUCCESS;
    cap = st->cap ? st->cap * 2 : 16;
    p = realloc(st->items, cap * sizeof *p);
    if (!p) return STATUS_NO_MEMORY;
    st->items = p;
    st->cap = cap;
    return STATUS_SUCCESS;
}

NTSTATUS wfp_table_add(wfp_table *st, wfp_obj *o)
{
    NTSTATUS s = reserve_item(st);
    if (NT_SUCCESS(s) && st->keyed) s = wfp_map_put(&st->by_key, o);
    if (NT_SUCCESS(s) && st->ided) {
        s = wfp_map_put(&st->by_id, o);
        if (!NT_SUCCESS(s) && st->keyed) wfp_map_del(&st->by_key, o);
    }
    if (!NT_SUCCESS(s)) return s;
    o->slot = st->len;
    st->items[st->len++] = o;
    st->live++;
    return STATUS_SUCCESS;
}

/* Squeeze the holes out, keeping order and fixing each object's slot. */
static void compact(wfp_table *st)
{
    size_t i, n = 0;
    for (i = 0; i < st->len; i++) {
        if (!st->items[i]) continue;
        st->items[n] = st->items[i];
        st->items[n]->slot = n;
        n++;
    }
    st->len = n;
}

void wfp_table_remove(wfp_table *st, wfp_obj *o)
{
    if (st->keyed) wfp_map_del(&st->by_key, o);
    if (st->ided) wfp_map_del(&st->by_id, o);
    st->items[o->slot] = NULL;
    st->live--;
    if (st->pinned) return;
    while (st->len && !st->items[st->len - 1]) st->len--;
    if (st->len > 64 && st->live < st->len / 2) compact(st);
}

NTSTATUS wfp_table_restore(wfp_table *st, wfp_obj *o)
{
    NTSTATUS s = STATUS_SUCCESS;
    if (o->slot >= st->len || st->items[o->slot]) return wfp_table_add(st, o);
    if (st->keyed) s = wfp_map_put(&st->by_key, o);
    if (NT_SUCCESS(s) && st->ided) {
        s = wfp_map_put(&st->by_id, o);
        if (!NT_SUCCESS(s) && st->keyed) wfp_map_del(&st->by_key, o);
    }
    if (!NT_SUCCESS(s)) return s;
    st->items[o->slot] = o;
    st->live++;
    return STATUS_SUCCESS;
}

wfp_obj *wfp_table_by_key(const wfp_table *st, const ntsec_guid *key)
{
    return st->keyed ? wfp_map_get(&st->by_key, key->b) : NULL;
}

wfp_obj *wfp_table_by_id(const wfp_table *st, uint64_t id)
{
    return st->ided ? wfp_map_get(&st->by_id, &id) : NULL;
}

wfp_obj *wfp_table_next(const wfp_table *st, size_t *cursor)
{
    while (*cursor < st->len) {
        wfp_obj *o = st->items[(*cursor)++];
        if (o) return o;
    }
    return NULL;
}
