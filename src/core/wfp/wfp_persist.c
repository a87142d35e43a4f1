/*
** wfp_persist.c: between the engine's memory and its store (wfp_store.h;
** docs/wfp.md, "Persistence").
**
** What is stored: the root and container descriptors, and every persistent
** and built-in object with its descriptor. Opening a store is a filter-engine
** restart: those come back; static and dynamic objects are process-local.
** Several processes may share one store: writes serialize on the store's
** write lock, and each process applies what the others committed
** (wfp_persist_refresh) before every call.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wfp_internal.h"
#include "wfp_kinds.h"
#include "wfp_store.h"
#include "wfp_cond_codec.h"
#include "buf.h"
#include "guid.h"
#include "status.h"

int wfp_persistable(const wfp_obj *o)
{
    return wfp_kind_is_keyed((ntsec_wfp_kind)o->kind)
        && (o->lifetime == NTSEC_WFP_LIFE_PERSISTENT || o->lifetime == NTSEC_WFP_LIFE_BUILTIN);
}

/* ---- writing ---- */

static void row_of(const wfp_obj *o, wfp_store_row *r)
{
    const wfp_keyed *k = (const wfp_keyed *)o;
    int i;
    memset(r, 0, sizeof *r);
    r->kind = o->kind;
    r->lifetime = o->lifetime;
    r->key = o->key;
    r->id = o->id;
    r->flags = o->flags;
    r->name = o->name;
    r->description = o->description;
    r->service = k->service;
    for (i = 0; i < WFP_REF_COUNT; i++) {
        r->has_ref[i] = k->refs[i].present;
        r->ref[i] = k->refs[i].key;
    }
    r->action = o->kind == NTSEC_WFP_PROVIDER_CONTEXT ? k->context_type : k->action;
    r->has_weight = k->has_weight;
    r->weight = k->weight;
    r->flag_names = k->flag_names;
}

/* A filter's dump-only fields and its conditions (encoded into buf). */
static NTSTATUS filter_row(const wfp_keyed *k, wfp_store_row *r, ntsec_buf *buf)
{
    NTSTATUS st;
    r->has_effective_weight = k->f.has_effective_weight;
    r->effective_weight = k->f.effective_weight;
    if (!k->f.condition_count) return STATUS_SUCCESS;
    st = wfp_conds_encode(k->f.conditions, k->f.condition_count, buf);
    if (NT_SUCCESS(st)) st = ntsec_buf_status(buf);
    r->payload = buf->data;
    r->payload_len = buf->len;
    return st;
}

/* A provider context's data: one form byte (0 bytes, 1 the dump's text),
** then the data. */
static NTSTATUS context_row(const wfp_keyed *k, wfp_store_row *r, ntsec_buf *buf)
{
    ntsec_buf_putc(buf, (uint8_t)k->data_is_text);
    ntsec_buf_put(buf, k->data, k->data_len);
    r->payload = buf->data;
    r->payload_len = buf->len;
    return ntsec_buf_status(buf);
}

static NTSTATUS put_object(ntsec_wfp_engine *e, const wfp_obj *o)
{
    wfp_store_row r;
    uint8_t local[512];
    ntsec_buf buf;
    NTSTATUS st = STATUS_SUCCESS;
    ntsec_buf_init_on(&buf, local, sizeof local);
    row_of(o, &r);
    if (o->kind == NTSEC_WFP_FILTER) st = filter_row((const wfp_keyed *)o, &r, &buf);
    if (o->kind == NTSEC_WFP_PROVIDER_CONTEXT) st = context_row((const wfp_keyed *)o, &r, &buf);
    if (NT_SUCCESS(st)) st = wfp_store_sd_id(e->db, o->sd, &r.sd_id);
    if (NT_SUCCESS(st)) st = wfp_store_put(e->db, &r);
    ntsec_buf_free(&buf);
    return st;
}

static NTSTATUS put_container(ntsec_wfp_engine *e, int c)
{
    int64_t id;
    NTSTATUS st = wfp_store_sd_id(e->db, e->containers[c], &id);
    return NT_SUCCESS(st) ? wfp_store_put_container(e->db, c, id) : st;
}

static NTSTATUS persist_entry(ntsec_wfp_engine *e, const wfp_undo *u)
{
    if (u->type == WFP_UNDO_CONTAINER_SD) return put_container(e, u->container);
    if (!wfp_persistable(u->obj)) return STATUS_SUCCESS;
    if (u->type == WFP_UNDO_DELETED) return wfp_store_delete(e->db, u->obj->kind, &u->obj->key);
    return put_object(e, u->obj);
}

NTSTATUS wfp_persist_log(ntsec_wfp_engine *e, const wfp_session *s, size_t mark)
{
    NTSTATUS st = STATUS_SUCCESS;
    size_t i;
    for (i = mark; NT_SUCCESS(st) && i < s->undo_len; i++) st = persist_entry(e, &s->undo[i]);
    return st;
}

/* ---- ids ---- */

/* Keep the memory counter of kind above id. */
static void raise_counter(ntsec_wfp_engine *e, ntsec_wfp_kind kind, uint64_t id)
{
    uint64_t *counter = wfp_id_counter(e, kind);
    if (counter && id >= *counter) *counter = id + 1;
}

NTSTATUS wfp_next_id(ntsec_wfp_engine *e, ntsec_wfp_kind kind, uint64_t *id)
{
    uint64_t *counter = wfp_id_counter(e, kind), v;
    const char *name = ntsec_wfp_kind_row(kind)->id_counter;
    NTSTATUS st = STATUS_SUCCESS;
    if (!counter || !name) return STATUS_INVALID_PARAMETER;
    v = *counter;
    for (;;) {
        if (e->db) st = wfp_store_next_id(e->db, name, v, &v);
        if (!NT_SUCCESS(st)) return st;
        if (v && !wfp_table_by_id(&e->tables[kind], v)) break;
        v++;
    }
    raise_counter(e, kind, v);
    *id = v;
    return STATUS_SUCCESS;
}

/* ---- reading rows into memory ---- */

static void resolve_ref(ntsec_wfp_engine *e, int ref, const wfp_store_row *r, wfp_ref *out)
{
    NTSTATUS st;
    if (!r->has_ref[ref]) return;
    out->present = 1;
    out->key = r->ref[ref];
    out->target = wfp_find_or_builtin(e, wfp_ref_kind(ref), &r->ref[ref], &st);
}

/* Say which stored row failed and why (kept for wfp_persist_load's message). */
static void row_error(ntsec_wfp_engine *e, const wfp_store_row *r, const char *what, size_t off,
                      const char *why)
{
    char key[40];
    ntsec_guid_format(&r->key, key);
    snprintf(e->db_error, sizeof e->db_error, "stored %s %s: %s corrupt at byte %zu (%s)",
             ntsec_wfp_kind_row((ntsec_wfp_kind)r->kind)->name, key, what, off, why);
}

/* A stored filter's conditions and dump-only fields. */
static NTSTATUS filter_from_row(ntsec_wfp_engine *e, const wfp_store_row *r, wfp_keyed *k)
{
    wfp_conds_decoded d;
    size_t off = 0;
    const char *why = NULL;
    NTSTATUS st;
    k->f.has_effective_weight = r->has_effective_weight;
    k->f.effective_weight = r->effective_weight;
    k->f.has_provider_context = r->has_ref[WFP_REF_CONTEXT];
    k->f.provider_context = r->ref[WFP_REF_CONTEXT];
    if (!r->payload) return STATUS_SUCCESS;
    st = wfp_conds_decode(r->payload, r->payload_len, &d, &off, &why);
    if (st == STATUS_FILE_CORRUPT_ERROR) row_error(e, r, "conditions", off, why);
    if (!NT_SUCCESS(st)) return st;
    st = wfp_filter_set_conditions(e, k, d.conds, d.count);
    wfp_conds_decoded_free(&d);
    return st;
}

/* A stored provider context's type (the action column) and data. */
static NTSTATUS context_from_row(ntsec_wfp_engine *e, const wfp_store_row *r, wfp_keyed *k)
{
    NTSTATUS st;
    if (!r->payload || !r->payload_len || r->payload[0] > 1) {
        row_error(e, r, "data", 0, "a form byte of 0 or 1");
        return STATUS_FILE_CORRUPT_ERROR;
    }
    st = wfp_context_set_data(k, r->action, r->payload + 1, r->payload_len - 1, r->payload[0]);
    if (st == STATUS_FWP_INVALID_ENUMERATOR) {
        row_error(e, r, "type", 0, "a FWPM_PROVIDER_CONTEXT_TYPE");
        return STATUS_FILE_CORRUPT_ERROR;
    }
    return st;
}

static NTSTATUS fill_from_row(ntsec_wfp_engine *e, const wfp_store_row *r, wfp_keyed *k)
{
    ntsec_sd *sd;
    int ok = 1, i;
    NTSTATUS st = ntsec_sd_from_bytes(r->sd, r->sd_len, &sd);
    if (!NT_SUCCESS(st)) return st;
    k->h.sd = wfp_intern(e, sd);
    k->h.key = r->key;
    k->h.id = r->id;
    k->h.flags = r->flags;
    k->h.lifetime = r->lifetime;
    k->h.name = wfp_strdup(r->name, &ok);
    k->h.description = wfp_strdup(r->description, &ok);
    k->service = wfp_strdup(r->service, &ok);
    /* a provider context's action column holds its type (context_from_row) */
    k->action = r->kind == NTSEC_WFP_PROVIDER_CONTEXT ? 0 : r->action;
    k->has_weight = r->has_weight;
    k->weight = r->weight;
    for (i = 0; i < WFP_REF_COUNT; i++) resolve_ref(e, i, r, &k->refs[i]);
    k->flag_names = wfp_strdup(r->flag_names, &ok);
    if (!ok) return STATUS_NO_MEMORY;
    if (r->kind == NTSEC_WFP_PROVIDER_CONTEXT) return context_from_row(e, r, k);
    return r->kind == NTSEC_WFP_FILTER ? filter_from_row(e, r, k) : STATUS_SUCCESS;
}

/* A stored object's descriptor changed (the only change an object gets). */
static NTSTATUS update_sd(ntsec_wfp_engine *e, wfp_obj *o, const wfp_store_row *r)
{
    ntsec_sd *sd;
    NTSTATUS st = ntsec_sd_from_bytes(r->sd, r->sd_len, &sd);
    if (!NT_SUCCESS(st)) return st;
    ntsec_sd_unref(o->sd);
    o->sd = wfp_intern(e, sd);
    return STATUS_SUCCESS;
}

/* EMULATOR CHOICE: a row whose key or id a process-local (static or
** dynamic) object already uses is skipped and counted (db_conflicts). */
static NTSTATUS apply_row(void *ctx, const wfp_store_row *r)
{
    ntsec_wfp_engine *e = ctx;
    wfp_table *t;
    wfp_keyed *k;
    wfp_obj *old;
    NTSTATUS st;
    if (!wfp_kind_is_keyed((ntsec_wfp_kind)r->kind)) return STATUS_SUCCESS;
    t = &e->tables[r->kind];
    old = wfp_table_by_key(t, &r->key);
    if (old && wfp_persistable(old)) return update_sd(e, old, r);
    if (old || (t->ided && wfp_table_by_id(t, r->id))) return (e->db_conflicts++, STATUS_SUCCESS);
    k = (wfp_keyed *)wfp_obj_alloc((ntsec_wfp_kind)r->kind);
    if (!k) return STATUS_NO_MEMORY;
    st = fill_from_row(e, r, k);
    if (NT_SUCCESS(st)) st = wfp_obj_insert(e, &k->h);
    if (!NT_SUCCESS(st)) {
        wfp_obj_free(&k->h);
        return st;
    }
    if (t->ided) raise_counter(e, (ntsec_wfp_kind)r->kind, r->id);
    return STATUS_SUCCESS;
}

/* A container's stored descriptor: swapped in, children re-inherit. The
** change is already committed, so nothing is kept in the log. */
static NTSTATUS apply_container(void *ctx, int c, const uint8_t *bytes, size_t len)
{
    ntsec_wfp_engine *e = ctx;
    ntsec_sd *sd;
    size_t mark = e->system->undo_len;
    NTSTATUS st;
    if (c < 0 || c >= NTSEC_WFP_CONTAINER_COUNT) return STATUS_SUCCESS;
    st = ntsec_sd_from_bytes(bytes, len, &sd);
    if (NT_SUCCESS(st)) st = wfp_container_replace(e, e->system, (ntsec_wfp_container)c, wfp_intern(e, sd));
    if (NT_SUCCESS(st)) wfp_txn_forget(e->system, mark);
    else wfp_txn_rollback_to(e, e->system, mark);
    return st;
}

/* ---- deletions by other processes ---- */

static void mark_key(void *ctx, uint8_t kind, const ntsec_guid *key)
{
    ntsec_wfp_engine *e = ctx;
    wfp_obj *o;
    if (!wfp_kind_is_keyed((ntsec_wfp_kind)kind)) return;
    o = wfp_table_by_key(&e->tables[kind], key);
    if (o) o->mark = 1;
}

/* Persistent objects no longer stored were deleted elsewhere: drop them
** (their referrers keep the key without a target). */
static void sweep_unmarked(ntsec_wfp_engine *e)
{
    int i;
    for (i = WFP_KEYED_KINDS - 1; i >= 0; i--) {
        wfp_table *t = &e->tables[wfp_keyed_order[i]];
        size_t cur = 0;
        wfp_obj *o;
        t->pinned++;
        while ((o = wfp_table_next(t, &cur)) != NULL) {
            if (o->lifetime != NTSEC_WFP_LIFE_PERSISTENT || o->mark) continue;
            wfp_obj_orphan_referrers(e, o);
            wfp_obj_unlink(e, o);
            wfp_obj_free(o);
        }
        t->pinned--;
    }
}

static NTSTATUS apply_deletions(ntsec_wfp_engine *e)
{
    int i;
    NTSTATUS st;
    for (i = 0; i < WFP_KEYED_KINDS; i++) {
        size_t cur = 0;
        wfp_obj *o;
        while ((o = wfp_table_next(&e->tables[wfp_keyed_order[i]], &cur)) != NULL) o->mark = 0;
    }
    st = wfp_store_each_key(e->db, mark_key, e);
    if (NT_SUCCESS(st)) sweep_unmarked(e);
    return st;
}

/* ---- restart and refresh ---- */

static NTSTATUS catch_up(ntsec_wfp_engine *e, uint64_t since, uint64_t seq, uint64_t del_seq)
{
    NTSTATUS st = wfp_store_each_container(e->db, since, apply_container, e);
    if (NT_SUCCESS(st)) st = wfp_store_each_object(e->db, since, apply_row, e);
    if (NT_SUCCESS(st) && since && del_seq > since) st = apply_deletions(e);
    if (NT_SUCCESS(st)) e->db_seq = seq;
    return st;
}

NTSTATUS wfp_persist_refresh(ntsec_wfp_engine *e)
{
    uint64_t seq, del_seq;
    NTSTATUS st;
    if (!e->db || e->explicit_txns || !wfp_store_changed(e->db)) return STATUS_SUCCESS;
    st = wfp_store_seq(e->db, &seq, &del_seq);
    if (!NT_SUCCESS(st) || seq == e->db_seq) return st;
    return catch_up(e, e->db_seq, seq, del_seq);
}

static NTSTATUS count_container(void *ctx, int c, const uint8_t *sd, size_t len)
{
    (*(int *)ctx)++;
    return STATUS_SUCCESS;
}

/* A new store gets this engine's root and container descriptors (unless
** another process was quicker: then those are loaded instead). */
static NTSTATUS seed_containers(ntsec_wfp_engine *e)
{
    int n = 0, c;
    NTSTATUS st = wfp_store_begin(e->db, NTSEC_WFP_DEFAULT_TXN_WAIT_MS);
    if (!NT_SUCCESS(st)) return st;
    st = wfp_store_each_container(e->db, 0, count_container, &n);
    for (c = 0; NT_SUCCESS(st) && n == 0 && c < NTSEC_WFP_CONTAINER_COUNT; c++) st = put_container(e, c);
    if (!NT_SUCCESS(st)) {
        wfp_store_rollback(e->db);
        return st;
    }
    return wfp_store_commit(e->db);
}

NTSTATUS wfp_persist_load(ntsec_wfp_engine *e, char *msg, size_t cap)
{
    uint64_t seq, del_seq;
    NTSTATUS st = seed_containers(e);
    if (NT_SUCCESS(st)) st = wfp_store_seq(e->db, &seq, &del_seq);
    if (NT_SUCCESS(st)) st = catch_up(e, 0, seq, del_seq);
    if (!NT_SUCCESS(st) && msg && cap) {
        strncpy(msg, e->db_error[0] ? e->db_error
                                    : "the store could not be read (locked too long, corrupt rows or out of memory)",
                cap - 1);
        msg[cap - 1] = 0;
    }
    wfp_store_changed(e->db);
    return st;
}
