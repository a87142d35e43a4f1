/*
** wfp_objects.c: Fwpm*Add0 / DeleteByKey0 / DeleteById0 / GetByKey0 /
** GetById0 for providers, sublayers, layers, callouts and filters
** (wfp_ks_errors.md 2.3, 2.4, 3.2; check order in wfp_objects.h).
*/
#include <stdint.h>
#include <string.h>

#include "wfp_internal.h"
#include "wfp_kinds.h"
#include "wfp_objects.h"
#include "wfp_names.h"
#include "guid.h"
#include "secdefs.h"
#include "status.h"

NTSTATUS ntsec_wfp_not_found_status(ntsec_wfp_kind kind)
{
    const ntsec_wfp_kind_info *r = ntsec_wfp_kind_row(kind);
    return r ? r->not_found : STATUS_FWP_NOT_FOUND;
}

/* ---- add: argument checks ---- */

/* The flags Fwpm*Add0 accepts are the kind table's add_flags (SDK
** fwpmtypes.h). EMULATOR CHOICE: the query-only bits
** (FWPM_CALLOUT_FLAG_REGISTERED, FWPM_PROVIDER_FLAG_DISABLED) and unknown
** bits are refused with STATUS_FWP_INVALID_FLAGS. */

/* FWPM_ACTION0.type: the five filter actions (fwpmtypes.h). */
static int valid_action(uint32_t a)
{
    return a == NTSEC_FWP_ACTION_BLOCK || a == NTSEC_FWP_ACTION_PERMIT
        || a == NTSEC_FWP_ACTION_CALLOUT_TERMINATING || a == NTSEC_FWP_ACTION_CALLOUT_INSPECTION
        || a == NTSEC_FWP_ACTION_CALLOUT_UNKNOWN;
}

/* FWPM_FILTER0.weight: FWP_EMPTY (BFE picks), FWP_UINT8 0..15, FWP_UINT64. */
static int valid_weight(const ntsec_wfp_add_spec *spec)
{
    if (spec->weight_type == 1) return spec->weight <= 15;
    return spec->weight_type == 0 || spec->weight_type == 2;
}

static NTSTATUS check_filter(const ntsec_wfp_add_spec *spec)
{
    /* security realm provider contexts: not modelled (docs/wfp.md) */
    if (spec->flags & NTSEC_FWPM_FILTER_FLAG_HAS_SECURITY_REALM_PROVIDER_CONTEXT) return STATUS_NOT_SUPPORTED;
    if (!valid_action(spec->action)) return STATUS_FWP_INVALID_ACTION_TYPE;
    if (!valid_weight(spec)) return STATUS_FWP_INVALID_WEIGHT;
    return spec->condition_count && !spec->conditions ? STATUS_FWP_NULL_POINTER : STATUS_SUCCESS;
}

static NTSTATUS check_spec(const wfp_session *s, ntsec_wfp_kind kind, const ntsec_wfp_add_spec *spec)
{
    if (s->txn == WFP_TXN_READ) return STATUS_FWP_INCOMPATIBLE_TXN;
    if (!spec->name) return STATUS_FWP_NULL_DISPLAY_NAME;
    if (spec->flags & ~ntsec_wfp_kind_row(kind)->add_flags) return STATUS_FWP_INVALID_FLAGS;
    if (kind == NTSEC_WFP_PROVIDER_CONTEXT && spec->context_type >= NTSEC_FWPM_PROVIDER_CONTEXT_TYPE_MAX)
        return STATUS_FWP_INVALID_ENUMERATOR;
    if (kind == NTSEC_WFP_PROVIDER_CONTEXT && spec->data_len && !spec->data) return STATUS_FWP_NULL_POINTER;
    return kind == NTSEC_WFP_FILTER ? check_filter(spec) : STATUS_SUCCESS;
}


/* EMULATOR CHOICE (2.3 UNCONFIRMED): a dynamic session makes every object it
** adds dynamic, PERSISTENT flag or not. */
static int new_lifetime(const wfp_session *s, ntsec_wfp_kind kind, uint32_t flags)
{
    if (s->dynamic) return NTSEC_WFP_LIFE_DYNAMIC;
    return (flags & ntsec_wfp_kind_row(kind)->persistent_flag) ? NTSEC_WFP_LIFE_PERSISTENT
                                                             : NTSEC_WFP_LIFE_STATIC;
}

/* ---- add: references ---- */

/* One reference of a new object: exists, ADD_LINK granted (3.2), lifetimes
** compatible (W32-OM). key NULL or GUID_NULL: no reference. */
static NTSTATUS link_ref(ntsec_wfp_engine *e, const wfp_session *s, wfp_keyed *o, int ref,
                         const ntsec_guid *key)
{
    const wfp_ref *prov = &o->refs[WFP_REF_PROVIDER];
    NTSTATUS st;
    wfp_obj *t;
    if (!key || ntsec_guid_is_null(key)) return STATUS_SUCCESS;
    t = wfp_find_or_builtin(e, wfp_ref_kind(ref), key, &st);
    if (!t) return NT_SUCCESS(st) ? ntsec_wfp_not_found_status(wfp_ref_kind(ref)) : st;
    st = wfp_session_access(s, t->sd, FWPM_ACTRL_ADD_LINK);
    if (!NT_SUCCESS(st)) return st;
    if (!wfp_lifetime_ok(o->h.lifetime, o->h.owner, prov->present ? &prov->key : NULL, t))
        return STATUS_FWP_LIFETIME_MISMATCH;
    o->refs[ref].key = *key;
    o->refs[ref].target = t;
    o->refs[ref].present = 1;
    return STATUS_SUCCESS;
}

/* The sublayer of a filter: subLayerKey, or the universal sublayer when zero
** (FWPM_FILTER0 docs). */
static void filter_sublayer(const ntsec_wfp_add_spec *spec, ntsec_guid *out)
{
    *out = spec->sublayer;
    if (ntsec_guid_is_null(out)) ntsec_wfp_name_to_guid("FWPM_SUBLAYER_UNIVERSAL", 23, out);
}

/* A filter's callout must apply to the filter's layer (FWPM_ACTION0:
** "a valid callout in the layer"). EMULATOR CHOICE: otherwise
** STATUS_FWP_INCOMPATIBLE_LAYER; a callout with no applicable layer fits. */
static NTSTATUS callout_fits(const wfp_keyed *f)
{
    const wfp_keyed *c = (const wfp_keyed *)f->refs[WFP_REF_CALLOUT].target;
    const wfp_ref *cl;
    if (!c) return STATUS_SUCCESS;
    cl = &c->refs[WFP_REF_LAYER];
    if (!cl->present || memcmp(cl->key.b, f->refs[WFP_REF_LAYER].key.b, 16) == 0) return STATUS_SUCCESS;
    return STATUS_FWP_INCOMPATIBLE_LAYER;
}

/* providerContextKey of a filter flagged HAS_PROVIDER_CONTEXT (FWPM_FILTER0:
** the union member the flag selects); a zero or missing key is not found. */
static NTSTATUS link_context(ntsec_wfp_engine *e, const wfp_session *s, const ntsec_wfp_add_spec *spec,
                             wfp_keyed *o)
{
    NTSTATUS st;
    if (!(spec->flags & NTSEC_FWPM_FILTER_FLAG_HAS_PROVIDER_CONTEXT)) return STATUS_SUCCESS;
    if (!spec->provider_context || ntsec_guid_is_null(spec->provider_context))
        return STATUS_FWP_PROVIDER_CONTEXT_NOT_FOUND;
    st = link_ref(e, s, o, WFP_REF_CONTEXT, spec->provider_context);
    if (NT_SUCCESS(st)) {
        o->f.has_provider_context = 1;
        o->f.provider_context = *spec->provider_context;
    }
    return st;
}

static NTSTATUS link_filter(ntsec_wfp_engine *e, const wfp_session *s, const ntsec_wfp_add_spec *spec,
                            wfp_keyed *o)
{
    ntsec_guid sublayer;
    NTSTATUS st;
    if (ntsec_guid_is_null(&spec->layer)) return STATUS_FWP_LAYER_NOT_FOUND;
    st = link_ref(e, s, o, WFP_REF_LAYER, &spec->layer);
    filter_sublayer(spec, &sublayer);
    if (NT_SUCCESS(st)) st = link_ref(e, s, o, WFP_REF_SUBLAYER, &sublayer);
    if (NT_SUCCESS(st) && (spec->action & NTSEC_FWP_ACTION_FLAG_CALLOUT)) {
        if (ntsec_guid_is_null(&spec->callout)) return STATUS_FWP_CALLOUT_NOT_FOUND;
        st = link_ref(e, s, o, WFP_REF_CALLOUT, &spec->callout);
        if (NT_SUCCESS(st)) st = callout_fits(o);
    }
    return NT_SUCCESS(st) ? link_context(e, s, spec, o) : st;
}

/* References in the order provider, layer, sublayer, callout. The provider
** key is recorded first so the W32-OM provider rule can see it. */
static NTSTATUS link_refs(ntsec_wfp_engine *e, const wfp_session *s, ntsec_wfp_kind kind,
                          const ntsec_wfp_add_spec *spec, wfp_keyed *o)
{
    NTSTATUS st = STATUS_SUCCESS;
    if (kind != NTSEC_WFP_PROVIDER) st = link_ref(e, s, o, WFP_REF_PROVIDER, spec->provider);
    if (!NT_SUCCESS(st)) return st;
    if (kind == NTSEC_WFP_CALLOUT) return link_ref(e, s, o, WFP_REF_LAYER, &spec->layer);
    return kind == NTSEC_WFP_FILTER ? link_filter(e, s, spec, o) : STATUS_SUCCESS;
}

/* ---- add: the new object ---- */

static NTSTATUS admit(ntsec_wfp_engine *e, const wfp_session *s, ntsec_wfp_kind kind,
                      const ntsec_wfp_add_spec *spec, wfp_keyed *o)
{
    NTSTATUS st = wfp_session_access(s, e->containers[wfp_container_of(kind)], FWPM_ACTRL_ADD);
    if (!NT_SUCCESS(st)) return st;
    if (!ntsec_guid_is_null(&spec->key) && wfp_table_by_key(&e->tables[kind], &spec->key))
        return STATUS_FWP_ALREADY_EXISTS;
    st = link_refs(e, s, kind, spec, o);
    if (NT_SUCCESS(st) && kind == NTSEC_WFP_CALLOUT && e->max_callouts != UINT32_MAX
        && e->tables[NTSEC_WFP_CALLOUT].live >= e->max_callouts)
        st = STATUS_FWP_TOO_MANY_CALLOUTS;
    return st;
}

static void fill_fields(ntsec_wfp_kind kind, const ntsec_wfp_add_spec *spec, wfp_keyed *o, int *ok)
{
    o->h.flags = spec->flags;
    o->h.name = wfp_strdup(spec->name, ok);
    o->h.description = wfp_strdup(spec->description, ok);
    if (kind == NTSEC_WFP_PROVIDER) o->service = wfp_strdup(spec->service, ok);
    if (kind == NTSEC_WFP_FILTER) o->action = spec->action;
    if (kind == NTSEC_WFP_PROVIDER_CONTEXT
        && wfp_context_set_data(o, spec->context_type, spec->data, spec->data_len, 0) != STATUS_SUCCESS)
        *ok = 0;
    if (kind == NTSEC_WFP_SUBLAYER || kind == NTSEC_WFP_FILTER) {
        o->has_weight = spec->weight_type != 0;
        o->weight = spec->weight;
    }
}

/* Key (generated when zero), fields, id, descriptor. */
static NTSTATUS fill(ntsec_wfp_engine *e, const wfp_session *s, ntsec_wfp_kind kind,
                     const ntsec_wfp_add_spec *spec, ntsec_sd *sd, wfp_keyed *o)
{
    const uint8_t *owner, *group;
    int ok = 1;
    NTSTATUS st = STATUS_SUCCESS;
    o->h.key = spec->key;
    while (ntsec_guid_is_null(&o->h.key) || wfp_table_by_key(&e->tables[kind], &o->h.key))
        wfp_new_guid(e, &o->h.key);
    fill_fields(kind, spec, o, &ok);
    if (!ok) return STATUS_NO_MEMORY;
    if (ntsec_wfp_kind_row(kind)->id_counter) st = wfp_next_id(e, kind, &o->h.id);
    if (!NT_SUCCESS(st)) return st;
    if (sd) {
        o->h.sd = wfp_intern(e, ntsec_sd_ref(sd));
        return STATUS_SUCCESS;
    }
    wfp_session_owner_group(s, &owner, &group);
    return wfp_child_sd(e, wfp_container_of(kind), 0, owner, group, &o->h.sd);
}

/* Inside the write call: build, check, insert, log. */
static NTSTATUS add_in_call(ntsec_wfp_engine *e, wfp_session *s, ntsec_wfp_kind kind,
                            const ntsec_wfp_add_spec *spec, ntsec_sd *sd, wfp_keyed **out)
{
    wfp_keyed *o = (wfp_keyed *)wfp_obj_alloc(kind);
    NTSTATUS st;
    if (!o) return STATUS_NO_MEMORY;
    o->h.lifetime = (uint8_t)new_lifetime(s, kind, spec->flags);
    o->h.owner = s->dynamic ? s->h.id : 0;
    st = admit(e, s, kind, spec, o);
    if (NT_SUCCESS(st)) st = fill(e, s, kind, spec, sd, o);
    if (NT_SUCCESS(st) && kind == NTSEC_WFP_FILTER)
        st = wfp_filter_set_conditions(e, o, spec->conditions, spec->condition_count);
    if (NT_SUCCESS(st)) st = wfp_txn_reserve(s);
    if (NT_SUCCESS(st)) st = wfp_obj_insert(e, &o->h);
    if (!NT_SUCCESS(st)) {
        wfp_obj_free(&o->h);
        return st;
    }
    wfp_txn_record(s, WFP_UNDO_ADDED, &o->h);
    *out = o;
    return STATUS_SUCCESS;
}

NTSTATUS ntsec_wfp_object_add(ntsec_wfp_engine *e, ntsec_wfp_handle h, ntsec_wfp_kind kind,
                              const ntsec_wfp_add_spec *spec, ntsec_sd *sd,
                              ntsec_guid *key_out, uint64_t *id_out)
{
    wfp_session *s;
    wfp_keyed *o = NULL;
    wfp_call call;
    NTSTATUS st = wfp_session_enter(e, h, &s);
    if (NT_SUCCESS(st) && !ntsec_wfp_kind_has(kind, NTSEC_WFP_OP_ADD)) st = STATUS_INVALID_PARAMETER;
    if (NT_SUCCESS(st)) st = check_spec(s, kind, spec);
    if (NT_SUCCESS(st)) st = wfp_call_begin(e, s, WFP_OP_WRITE, &call);
    if (!NT_SUCCESS(st)) return st;
    st = wfp_call_end(e, &call, add_in_call(e, s, kind, spec, sd, &o));
    if (!NT_SUCCESS(st)) return st;
    if (key_out) *key_out = o->h.key;
    if (id_out) *id_out = o->h.id;
    return STATUS_SUCCESS;
}

/* ---- delete ---- */

static NTSTATUS may_delete(const wfp_session *s, const wfp_obj *o)
{
    NTSTATUS st = wfp_dynamic_rule(s, o, 0);
    if (NT_SUCCESS(st)) st = wfp_session_access(s, o->sd, DELETE);
    if (!NT_SUCCESS(st)) return st;
    if (o->lifetime == NTSEC_WFP_LIFE_BUILTIN) return STATUS_FWP_BUILTIN_OBJECT;
    return o->refs_in ? STATUS_FWP_IN_USE : STATUS_SUCCESS;
}

/* The object a delete/get names: by key (built-ins appear on demand) or id. */
static wfp_obj *lookup(ntsec_wfp_engine *e, ntsec_wfp_kind kind, const ntsec_guid *key, uint64_t id,
                       NTSTATUS *st)
{
    wfp_obj *o = key ? wfp_find_or_builtin(e, kind, key, st)
                     : (*st = STATUS_SUCCESS, wfp_table_by_id(&e->tables[kind], id));
    if (!o && NT_SUCCESS(*st)) *st = ntsec_wfp_not_found_status(kind);
    return o;
}

static NTSTATUS delete_in_call(ntsec_wfp_engine *e, wfp_session *s, ntsec_wfp_kind kind,
                               const ntsec_guid *key, uint64_t id)
{
    NTSTATUS st;
    wfp_obj *o = lookup(e, kind, key, id, &st);
    if (o) st = may_delete(s, o);
    if (NT_SUCCESS(st)) st = wfp_txn_reserve(s);
    if (!NT_SUCCESS(st)) return st;
    wfp_obj_unlink(e, o);
    wfp_txn_record(s, WFP_UNDO_DELETED, o);
    return STATUS_SUCCESS;
}

static NTSTATUS delete_object(ntsec_wfp_engine *e, ntsec_wfp_handle h, ntsec_wfp_kind kind,
                              const ntsec_guid *key, uint64_t id, int by_key)
{
    wfp_session *s;
    wfp_call call;
    NTSTATUS st = wfp_session_enter(e, h, &s);
    if (NT_SUCCESS(st) && !wfp_kind_is_keyed(kind)) st = STATUS_INVALID_PARAMETER;
    if (NT_SUCCESS(st) && s->txn == WFP_TXN_READ) st = STATUS_FWP_INCOMPATIBLE_TXN;
    if (NT_SUCCESS(st) && by_key && !key) st = STATUS_FWP_NULL_POINTER;
    if (NT_SUCCESS(st)) st = wfp_call_begin(e, s, WFP_OP_WRITE, &call);
    if (!NT_SUCCESS(st)) return st;
    return wfp_call_end(e, &call, delete_in_call(e, s, kind, key, id));
}

NTSTATUS ntsec_wfp_object_delete(ntsec_wfp_engine *e, ntsec_wfp_handle h, ntsec_wfp_kind kind,
                                 const ntsec_guid *key)
{
    return delete_object(e, h, kind, key, 0, 1);
}

NTSTATUS ntsec_wfp_object_delete_by_id(ntsec_wfp_engine *e, ntsec_wfp_handle h,
                                       ntsec_wfp_kind kind, uint64_t id)
{
    if (!ntsec_wfp_kind_has(kind, NTSEC_WFP_OP_DELETE_BY_ID)) kind = NTSEC_WFP_KIND_COUNT;
    return delete_object(e, h, kind, NULL, id, 0);
}

/* ---- get ---- */

static NTSTATUS get_object(ntsec_wfp_engine *e, ntsec_wfp_handle h, ntsec_wfp_kind kind,
                           const ntsec_guid *key, uint64_t id, int by_key, ntsec_wfp_object_info *out)
{
    wfp_session *s;
    wfp_call call;
    wfp_obj *o;
    NTSTATUS st = wfp_session_enter(e, h, &s);
    if (NT_SUCCESS(st) && !wfp_kind_is_keyed(kind)) st = STATUS_INVALID_PARAMETER;
    if (NT_SUCCESS(st) && by_key && !key) st = STATUS_FWP_NULL_POINTER;
    if (NT_SUCCESS(st)) st = wfp_call_begin(e, s, WFP_OP_READ, &call);
    if (!NT_SUCCESS(st)) return st;
    o = lookup(e, kind, key, id, &st);
    if (o) st = wfp_session_access(s, o->sd, FWPM_ACTRL_READ);
    if (NT_SUCCESS(st)) wfp_obj_info(e, o, out);
    return st;
}

NTSTATUS ntsec_wfp_object_get(ntsec_wfp_engine *e, ntsec_wfp_handle h, ntsec_wfp_kind kind,
                              const ntsec_guid *key, ntsec_wfp_object_info *out)
{
    return get_object(e, h, kind, key, 0, 1, out);
}

NTSTATUS ntsec_wfp_object_get_by_id(ntsec_wfp_engine *e, ntsec_wfp_handle h,
                                    ntsec_wfp_kind kind, uint64_t id, ntsec_wfp_object_info *out)
{
    if (!ntsec_wfp_kind_has(kind, NTSEC_WFP_OP_GET_BY_ID | NTSEC_WFP_OP_GET_BY_KEY)) kind = NTSEC_WFP_KIND_COUNT;
    return get_object(e, h, kind, NULL, id, 0, out);
}
