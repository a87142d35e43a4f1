/*
** wfp_object.c: allocation, linking and views of stored objects.
*/
#include <stdlib.h>
#include <string.h>

#include "wfp_internal.h"
#include "wfp_kinds.h"
#include "status.h"

static size_t kind_size(ntsec_wfp_kind kind)
{
    switch (kind) {
    case NTSEC_WFP_ENDPOINT: return sizeof(wfp_endpoint_obj);
    case NTSEC_WFP_CONNECTION: return sizeof(wfp_connection_obj);
    case NTSEC_WFP_SESSION_RECORD: return sizeof(wfp_session_rec);
    case NTSEC_WFP_OPEN_SESSION: return sizeof(wfp_session);
    default: return sizeof(wfp_keyed);
    }
}

int wfp_kind_is_keyed(ntsec_wfp_kind kind)
{
    return ntsec_wfp_kind_has(kind, NTSEC_WFP_OP_GET_BY_KEY);
}

wfp_obj *wfp_obj_alloc(ntsec_wfp_kind kind)
{
    wfp_obj *o = calloc(1, kind_size(kind));
    if (o) o->kind = (uint8_t)kind;
    return o;
}

char *wfp_strdup(const char *s, int *ok)
{
    size_t n;
    char *p;
    if (!s) return NULL;
    n = strlen(s) + 1;
    p = malloc(n);
    if (!p) {
        *ok = 0;
        return NULL;
    }
    return memcpy(p, s, n);
}

/* What each kind owns beyond the common head. */
static void free_extras(wfp_obj *o)
{
    switch ((ntsec_wfp_kind)o->kind) {
    case NTSEC_WFP_ENDPOINT: free(((wfp_endpoint_obj *)o)->app_id_mem); break;
    case NTSEC_WFP_SESSION_RECORD: free(((wfp_session_rec *)o)->username); break;
    case NTSEC_WFP_OPEN_SESSION:
        ntsec_token_free(((wfp_session *)o)->token);
        free(((wfp_session *)o)->undo);
        break;
    case NTSEC_WFP_CONNECTION: break;
    default:
        free(((wfp_keyed *)o)->service);
        free(((wfp_keyed *)o)->data);
        free(((wfp_keyed *)o)->flag_names);
        break;
    }
}

void wfp_obj_free(wfp_obj *o)
{
    if (!o) return;
    free_extras(o);
    ntsec_sd_unref(o->sd);
    free(o->name);
    free(o->description);
    free(o);
}

wfp_table *wfp_table_of(ntsec_wfp_engine *e, ntsec_wfp_kind kind)
{
    return &e->tables[kind];
}

static void adjust_refs(wfp_obj *o, int delta)
{
    wfp_keyed *k = (wfp_keyed *)o;
    int i;
    if (!wfp_kind_is_keyed((ntsec_wfp_kind)o->kind)) return;
    for (i = 0; i < WFP_REF_COUNT; i++)
        if (k->refs[i].target) k->refs[i].target->refs_in += (uint32_t)delta;
}

NTSTATUS wfp_obj_insert(ntsec_wfp_engine *e, wfp_obj *o)
{
    NTSTATUS s = wfp_table_add(wfp_table_of(e, (ntsec_wfp_kind)o->kind), o);
    e->generation++;
    if (NT_SUCCESS(s)) adjust_refs(o, 1);
    return s;
}

NTSTATUS wfp_obj_restore(ntsec_wfp_engine *e, wfp_obj *o)
{
    NTSTATUS s = wfp_table_restore(wfp_table_of(e, (ntsec_wfp_kind)o->kind), o);
    e->generation++;
    if (NT_SUCCESS(s)) adjust_refs(o, 1);
    return s;
}

void wfp_obj_unlink(ntsec_wfp_engine *e, wfp_obj *o)
{
    e->generation++;
    wfp_table_remove(wfp_table_of(e, (ntsec_wfp_kind)o->kind), o);
    adjust_refs(o, -1);
}

const ntsec_wfp_kind wfp_keyed_order[WFP_KEYED_KINDS] = {
    NTSEC_WFP_PROVIDER, NTSEC_WFP_PROVIDER_CONTEXT, NTSEC_WFP_SUBLAYER, NTSEC_WFP_LAYER,
    NTSEC_WFP_CALLOUT, NTSEC_WFP_FILTER
};

/* Referrers of o are of the keyed kinds (wfp_keyed_order) after o's. */
void wfp_obj_orphan_referrers(ntsec_wfp_engine *e, wfp_obj *o)
{
    int i, r;
    for (i = 0; o->refs_in && i < WFP_KEYED_KINDS; i++) {
        size_t cur = 0;
        wfp_obj *x;
        if (wfp_keyed_order[i] == o->kind) continue;
        while ((x = wfp_table_next(&e->tables[wfp_keyed_order[i]], &cur)) != NULL) {
            wfp_keyed *kx = (wfp_keyed *)x;
            for (r = 0; r < WFP_REF_COUNT; r++) {
                if (kx->refs[r].target != o) continue;
                kx->refs[r].target = NULL;
                o->refs_in--;
            }
        }
    }
}

/* Owner session key of a dynamic object (zero otherwise). */
static void owner_key(const ntsec_wfp_engine *e, const wfp_obj *o, ntsec_guid *out)
{
    const wfp_session *s = o->owner ? wfp_session_get(e, o->owner) : NULL;
    if (s) *out = s->h.key;
    else memset(out, 0, sizeof *out);
}

static void copy_ref(const wfp_ref *r, int *has, ntsec_guid *key)
{
    *has = r->present;
    if (r->present) *key = r->key;
    else memset(key, 0, sizeof *key);
}

void wfp_obj_info(const ntsec_wfp_engine *e, const wfp_obj *o, ntsec_wfp_object_info *out)
{
    const wfp_keyed *k = (const wfp_keyed *)o;
    memset(out, 0, sizeof *out);
    out->kind = (ntsec_wfp_kind)o->kind;
    out->key = o->key;
    out->id = o->id;
    out->flags = o->flags;
    out->name = o->name;
    out->description = o->description;
    out->lifetime = (ntsec_wfp_lifetime)o->lifetime;
    out->sd = o->sd;
    owner_key(e, o, &out->owner_session);
    copy_ref(&k->refs[WFP_REF_PROVIDER], &out->has_provider, &out->provider);
    copy_ref(&k->refs[WFP_REF_LAYER], &out->has_layer, &out->layer);
    copy_ref(&k->refs[WFP_REF_SUBLAYER], &out->has_sublayer, &out->sublayer);
    copy_ref(&k->refs[WFP_REF_CALLOUT], &out->has_callout, &out->callout);
    out->service = k->service;
    out->action = k->action;
    out->has_weight = k->has_weight;
    out->weight = k->weight;
    out->filter = k->f;
    out->context_type = k->context_type;
    out->data = k->data;
    out->data_len = k->data_len;
    out->data_is_text = k->data_is_text;
    out->flag_names = k->flag_names;
}

NTSTATUS wfp_context_set_data(wfp_keyed *k, uint32_t type, const uint8_t *data, size_t len, int is_text)
{
    if (type >= NTSEC_FWPM_PROVIDER_CONTEXT_TYPE_MAX) return STATUS_FWP_INVALID_ENUMERATOR;
    k->context_type = type;
    k->data_is_text = is_text != 0;
    if (!len) return STATUS_SUCCESS;
    if (!data) return STATUS_FWP_NULL_POINTER;
    k->data = malloc(len);
    if (!k->data) return STATUS_NO_MEMORY;
    memcpy(k->data, data, len);
    k->data_len = len;
    return STATUS_SUCCESS;
}

NTSTATUS wfp_filter_set_conditions(ntsec_wfp_engine *e, wfp_keyed *k,
                                   const ntsec_wfp_condition *c, uint32_t n)
{
    NTSTATUS st;
    if (!n) return STATUS_SUCCESS;
    if (!c) return STATUS_INVALID_PARAMETER;
    if (!e->conditions && !(e->conditions = ntsec_wfp_filter_set_new())) return STATUS_NO_MEMORY;
    st = ntsec_wfp_set_copy_conditions(e->conditions, c, n, &k->f.conditions);
    if (st == STATUS_SUCCESS) k->f.condition_count = n;
    return st;
}
