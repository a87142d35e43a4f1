/*
** wfp_import.c: loading dumped state into an engine (no session, no access
** checks) and the engine-level listings (wfp_import.h).
*/
#include <stdlib.h>
#include <string.h>

#include "wfp_internal.h"
#include "wfp_import.h"
#include "wfp_names.h"
#include "wfp_store.h"
#include "guid.h"
#include "sid.h"
#include "status.h"

/* The PERSISTENT flag bit of each keyed kind (SDK fwpmtypes.h). */
static uint32_t persistent_bit(ntsec_wfp_kind kind)
{
    switch (kind) {
    case NTSEC_WFP_CALLOUT: return NTSEC_FWPM_CALLOUT_FLAG_PERSISTENT;
    case NTSEC_WFP_LAYER: return 0;
    default: return 0x00000001u;   /* provider, sublayer, filter */
    }
}

/* EMULATOR CHOICE (docs/wfp.md): the dump does not print lifetimes. */
static ntsec_wfp_lifetime auto_lifetime(ntsec_wfp_kind kind, const ntsec_wfp_object_spec *s)
{
    if (s->lifetime != NTSEC_WFP_LIFE_AUTO) return s->lifetime;
    if (s->flags & persistent_bit(kind)) return NTSEC_WFP_LIFE_PERSISTENT;
    if (kind == NTSEC_WFP_LAYER && (s->flags & NTSEC_FWPM_LAYER_FLAG_BUILTIN)) return NTSEC_WFP_LIFE_BUILTIN;
    if (ntsec_wfp_guid_to_name(&s->key)) return NTSEC_WFP_LIFE_BUILTIN;
    return NTSEC_WFP_LIFE_STATIC;
}

/* A reference by key; resolved when the target exists (never to a dynamic one). */
static NTSTATUS import_ref(ntsec_wfp_engine *e, ntsec_wfp_kind target_kind,
                           const ntsec_guid *key, wfp_ref *ref)
{
    if (!key || ntsec_guid_is_null(key)) return STATUS_SUCCESS;
    ref->present = 1;
    ref->key = *key;
    ref->target = wfp_table_by_key(&e->tables[target_kind], key);
    if (ref->target && ref->target->lifetime == NTSEC_WFP_LIFE_DYNAMIC) return STATUS_FWP_LIFETIME_MISMATCH;
    return STATUS_SUCCESS;
}

static NTSTATUS import_refs(ntsec_wfp_engine *e, const ntsec_wfp_object_spec *s, wfp_keyed *k)
{
    NTSTATUS st = import_ref(e, NTSEC_WFP_PROVIDER, s->provider, &k->refs[WFP_REF_PROVIDER]);
    if (NT_SUCCESS(st)) st = import_ref(e, NTSEC_WFP_LAYER, s->layer, &k->refs[WFP_REF_LAYER]);
    if (NT_SUCCESS(st)) st = import_ref(e, NTSEC_WFP_SUBLAYER, s->sublayer, &k->refs[WFP_REF_SUBLAYER]);
    if (NT_SUCCESS(st)) st = import_ref(e, NTSEC_WFP_CALLOUT, s->callout, &k->refs[WFP_REF_CALLOUT]);
    if (NT_SUCCESS(st) && s->filter.has_provider_context)
        st = import_ref(e, NTSEC_WFP_PROVIDER_CONTEXT, &s->filter.provider_context, &k->refs[WFP_REF_CONTEXT]);
    return st;
}

/* The id counter of an id-carrying kind, kept above every imported id. */
static uint64_t take_id(ntsec_wfp_engine *e, ntsec_wfp_kind kind, int given, uint64_t wanted)
{
    const wfp_table *st = &e->tables[kind];
    uint64_t *counter = wfp_id_counter(e, kind);
    uint64_t id = wanted;
    if (!given) {
        id = *counter;
        while (!id || wfp_table_by_id(st, id)) id++;
    }
    if (id >= *counter) *counter = id + 1;
    if (kind == NTSEC_WFP_CALLOUT) *counter = (uint32_t)*counter;   /* calloutId is a UINT32 */
    if (kind == NTSEC_WFP_LAYER) *counter = (uint16_t)*counter;     /* layerId a UINT16 */
    return id;
}

static NTSTATUS check_unique(const ntsec_wfp_engine *e, ntsec_wfp_kind kind,
                             const ntsec_wfp_object_spec *s)
{
    const wfp_table *st = &e->tables[kind];
    if (!wfp_kind_is_keyed(kind) || ntsec_guid_is_null(&s->key)) return STATUS_INVALID_PARAMETER;
    if (wfp_table_by_key(st, &s->key)) return STATUS_FWP_ALREADY_EXISTS;
    if (s->has_id && st->ided && wfp_table_by_id(st, s->id)) return STATUS_FWP_ALREADY_EXISTS;
    return STATUS_SUCCESS;
}

/* EMULATOR CHOICE: dumped objects were created by BFE/services, so an
** inherited descriptor gets owner BA, group LS like the containers. */
static NTSTATUS fill_imported(ntsec_wfp_engine *e, ntsec_wfp_kind kind,
                              const ntsec_wfp_object_spec *s, wfp_keyed *k)
{
    int ok = 1;
    k->h.key = s->key;
    k->h.flags = s->flags;
    k->h.lifetime = (uint8_t)auto_lifetime(kind, s);
    k->h.name = wfp_strdup(s->name, &ok);
    k->h.description = wfp_strdup(s->description, &ok);
    k->service = wfp_strdup(s->service, &ok);
    k->flag_names = wfp_strdup(s->flag_names, &ok);
    k->action = s->action;
    k->has_weight = s->has_weight;
    k->weight = s->weight;
    if (!ok) return STATUS_NO_MEMORY;
    if (kind == NTSEC_WFP_PROVIDER_CONTEXT) {
        NTSTATUS st = wfp_context_set_data(k, s->context_type, s->data, s->data_len, s->data_is_text);
        if (!NT_SUCCESS(st)) return st;
    }
    if (kind == NTSEC_WFP_FILTER) {
        NTSTATUS st;
        k->f = s->filter;
        k->f.conditions = NULL;
        k->f.condition_count = 0;
        st = wfp_filter_set_conditions(e, k, s->filter.conditions, s->filter.condition_count);
        if (!NT_SUCCESS(st)) return st;
    }
    if (s->sd) {
        k->h.sd = wfp_intern(e, ntsec_sd_ref(s->sd));
        return STATUS_SUCCESS;
    }
    return wfp_child_sd(e, wfp_container_of(kind), 0, wfp_sid_admins, wfp_sid_local_service, &k->h.sd);
}

static NTSTATUS import_in_call(ntsec_wfp_engine *e, ntsec_wfp_kind kind,
                               const ntsec_wfp_object_spec *spec)
{
    wfp_keyed *k;
    NTSTATUS st = check_unique(e, kind, spec);
    if (!NT_SUCCESS(st)) return st;
    k = (wfp_keyed *)wfp_obj_alloc(kind);
    if (!k) return STATUS_NO_MEMORY;
    st = import_refs(e, spec, k);
    if (NT_SUCCESS(st)) st = fill_imported(e, kind, spec, k);
    if (NT_SUCCESS(st)) st = wfp_txn_reserve(e->system);
    if (NT_SUCCESS(st)) {
        if (e->tables[kind].ided) k->h.id = take_id(e, kind, spec->has_id, spec->id);
        st = wfp_obj_insert(e, &k->h);
    }
    if (!NT_SUCCESS(st)) {
        wfp_obj_free(&k->h);
        return st;
    }
    wfp_txn_record(e->system, WFP_UNDO_ADDED, &k->h);
    return STATUS_SUCCESS;
}

static int batch_open(const ntsec_wfp_engine *e)
{
    return e->system->txn == WFP_TXN_WRITE;
}

/* An engine-level write (no session): persisted like a session's when the
** engine has a store (docs/wfp.md). Inside a batch the call is one step of
** the batch's transaction (a savepoint with a store). */
NTSTATUS ntsec_wfp_import_object(ntsec_wfp_engine *e, ntsec_wfp_kind kind,
                                 const ntsec_wfp_object_spec *spec)
{
    wfp_call call;
    NTSTATUS st = batch_open(e) ? wfp_call_begin(e, e->system, WFP_OP_WRITE, &call)
                                : wfp_system_begin(e, &call);
    if (!NT_SUCCESS(st)) return st;
    return wfp_call_end(e, &call, import_in_call(e, kind, spec));
}

/* ---- batches (atomic imports) ---- */

static void pin_all(ntsec_wfp_engine *e, int delta)
{
    int k;
    for (k = 0; k < NTSEC_WFP_KIND_COUNT; k++) e->tables[k].pinned += delta;
}

NTSTATUS ntsec_wfp_import_begin(ntsec_wfp_engine *e, ntsec_wfp_import_batch *b)
{
    NTSTATUS st;
    if (e->explicit_txns || batch_open(e)) return STATUS_FWP_TXN_IN_PROGRESS;
    st = wfp_lock_store(e, e->system);
    if (NT_SUCCESS(st)) st = wfp_persist_refresh(e);
    if (!NT_SUCCESS(st)) {
        if (e->db) wfp_store_rollback(e->db);
        return st;
    }
    b->next_callout_id = e->next_callout_id;
    b->next_filter_id = e->next_filter_id;
    b->next_layer_id = e->next_layer_id;
    b->next_provider_context_id = e->next_provider_context_id;
    e->system->txn = WFP_TXN_WRITE;
    pin_all(e, 1);
    return STATUS_SUCCESS;
}

/* A reference left unresolved because its target came later in the dump
** (netsh prints layers, with their callouts and filters, before providers
** and sublayers): link it now, as an import in reference order would have.
** A dynamic target stays unlinked (import_ref refuses those up front). */
static void link_late(ntsec_wfp_engine *e, wfp_keyed *k)
{
    int r;
    for (r = 0; r < WFP_REF_COUNT; r++) {
        wfp_ref *ref = &k->refs[r];
        wfp_obj *t;
        if (!ref->present || ref->target) continue;
        t = wfp_table_by_key(&e->tables[wfp_ref_kind(r)], &ref->key);
        if (!t || t->lifetime == NTSEC_WFP_LIFE_DYNAMIC) continue;
        ref->target = t;
        t->refs_in++;
    }
}

static void link_batch(ntsec_wfp_engine *e)
{
    size_t i;
    wfp_session *s = e->system;
    for (i = 0; i < s->undo_len; i++) {
        wfp_obj *o = s->undo[i].obj;
        if (s->undo[i].type == WFP_UNDO_ADDED && wfp_kind_is_keyed((ntsec_wfp_kind)o->kind))
            link_late(e, (wfp_keyed *)o);
    }
}

static void batch_rollback(ntsec_wfp_engine *e, const ntsec_wfp_import_batch *b)
{
    if (e->db) wfp_store_rollback(e->db);
    wfp_txn_rollback_to(e, e->system, 0);
    e->next_callout_id = b->next_callout_id;
    e->next_filter_id = b->next_filter_id;
    e->next_layer_id = b->next_layer_id;
    e->next_provider_context_id = b->next_provider_context_id;
}

/* Commit links the late references only once the store has committed: a
** rollback then never meets a link to an object added after its referrer. */
NTSTATUS ntsec_wfp_import_end(ntsec_wfp_engine *e, const ntsec_wfp_import_batch *b, int commit)
{
    NTSTATUS st = STATUS_SUCCESS;
    uint64_t seq = e->db ? wfp_store_txn_seq(e->db) : 0;
    if (!batch_open(e)) return STATUS_FWP_NO_TXN_IN_PROGRESS;
    if (commit && e->db) st = wfp_store_commit(e->db);
    if (!commit || !NT_SUCCESS(st)) {
        batch_rollback(e, b);
    } else {
        if (seq > e->db_seq) e->db_seq = seq;
        link_batch(e);
        wfp_txn_forget(e->system, 0);
    }
    e->system->txn = WFP_TXN_NONE;
    pin_all(e, -1);
    return st;
}

/* Sessions records and endpoints are not store objects: inside a batch
** they are only logged, so that an abort removes them too. */
static NTSTATUS insert_logged(ntsec_wfp_engine *e, wfp_obj *o)
{
    NTSTATUS st = batch_open(e) ? wfp_txn_reserve(e->system) : STATUS_SUCCESS;
    if (NT_SUCCESS(st)) st = wfp_obj_insert(e, o);
    if (NT_SUCCESS(st) && batch_open(e)) wfp_txn_record(e->system, WFP_UNDO_ADDED, o);
    return st;
}

static NTSTATUS fill_record(wfp_session_rec *r, const ntsec_wfp_session_record *in)
{
    int ok = 1;
    r->h.key = in->key;
    r->h.name = wfp_strdup(in->name, &ok);
    r->h.description = wfp_strdup(in->description, &ok);
    r->username = wfp_strdup(in->username, &ok);
    r->dynamic = in->dynamic != 0;
    r->kernel_mode = in->kernel_mode != 0;
    r->pid = in->pid;
    r->txn_timeout_ms = in->txn_timeout_ms;
    r->has_sid = in->sid != NULL;
    if (in->sid) memcpy(r->sid, in->sid, ntsec_sid_len(in->sid));
    return ok ? STATUS_SUCCESS : STATUS_NO_MEMORY;
}

NTSTATUS ntsec_wfp_import_session(ntsec_wfp_engine *e, const ntsec_wfp_session_record *in)
{
    wfp_session_rec *r;
    NTSTATUS st;
    if (ntsec_guid_is_null(&in->key)) return STATUS_INVALID_PARAMETER;
    if (in->sid && !ntsec_sid_valid(in->sid, 68)) return STATUS_INVALID_SID;
    if (wfp_table_by_key(&e->tables[NTSEC_WFP_SESSION_RECORD], &in->key)
        || wfp_table_by_key(&e->tables[NTSEC_WFP_OPEN_SESSION], &in->key))
        return STATUS_FWP_ALREADY_EXISTS;
    r = (wfp_session_rec *)wfp_obj_alloc(NTSEC_WFP_SESSION_RECORD);
    if (!r) return STATUS_NO_MEMORY;
    st = fill_record(r, in);
    if (NT_SUCCESS(st)) st = insert_logged(e, &r->h);
    if (!NT_SUCCESS(st)) wfp_obj_free(&r->h);
    return st;
}

NTSTATUS ntsec_wfp_import_endpoint(ntsec_wfp_engine *e, const ntsec_wfp_endpoint *ep)
{
    wfp_endpoint_obj *o;
    NTSTATUS st;
    o = (wfp_endpoint_obj *)wfp_obj_alloc(NTSEC_WFP_ENDPOINT);
    if (!o) return STATUS_NO_MEMORY;
    o->ep = *ep;
    o->ep.app_id = NULL;
    o->h.id = ep->id;
    o->h.lifetime = NTSEC_WFP_LIFE_STATIC;
    if (ep->app_id_len) {
        o->app_id_mem = malloc(ep->app_id_len);
        if (!o->app_id_mem) {
            wfp_obj_free(&o->h);
            return STATUS_NO_MEMORY;
        }
        memcpy(o->app_id_mem, ep->app_id, ep->app_id_len);
        o->ep.app_id = o->app_id_mem;
    }
    st = insert_logged(e, &o->h);
    if (!NT_SUCCESS(st)) wfp_obj_free(&o->h);
    return st;
}

size_t ntsec_wfp_count(const ntsec_wfp_engine *e, ntsec_wfp_kind kind)
{
    return (unsigned)kind < NTSEC_WFP_KIND_COUNT ? e->tables[kind].live : 0;
}

int ntsec_wfp_object_next(const ntsec_wfp_engine *e, ntsec_wfp_kind kind, size_t *cursor,
                          ntsec_wfp_object_info *out)
{
    const wfp_obj *o;
    if (!wfp_kind_is_keyed(kind)) return 0;
    o = wfp_table_next(&e->tables[kind], cursor);
    if (!o) return 0;
    wfp_obj_info(e, o, out);
    return 1;
}

int ntsec_wfp_endpoint_next(const ntsec_wfp_engine *e, size_t *cursor,
                            const ntsec_wfp_endpoint **out)
{
    const wfp_obj *o = wfp_table_next(&e->tables[NTSEC_WFP_ENDPOINT], cursor);
    if (!o) return 0;
    *out = &((const wfp_endpoint_obj *)o)->ep;
    return 1;
}

int ntsec_wfp_connection_next(const ntsec_wfp_engine *e, size_t *cursor,
                              const ntsec_wfp_connection **out)
{
    const wfp_obj *o = wfp_table_next(&e->tables[NTSEC_WFP_CONNECTION], cursor);
    if (!o) return 0;
    *out = &((const wfp_connection_obj *)o)->c;
    return 1;
}

int ntsec_wfp_session_record_next(const ntsec_wfp_engine *e, size_t *cursor,
                                  ntsec_wfp_session_record *out)
{
    const wfp_session_rec *r = (const wfp_session_rec *)wfp_table_next(&e->tables[NTSEC_WFP_SESSION_RECORD], cursor);
    if (!r) return 0;
    out->key = r->h.key;
    out->name = r->h.name;
    out->description = r->h.description;
    out->dynamic = r->dynamic;
    out->kernel_mode = r->kernel_mode;
    out->pid = r->pid;
    out->txn_timeout_ms = r->txn_timeout_ms;
    out->sid = r->has_sid ? r->sid : NULL;
    out->username = r->username;
    return 1;
}
