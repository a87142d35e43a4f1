/*
** wfp_enum.c: enumeration handles (see wfp_enum.h). A snapshot is a deep
** copy: entries, their strings and app ids are owned by the handle, object
** descriptors are referenced, so later changes cannot disturb it.
*/
#include <stdlib.h>
#include <string.h>

#include "wfp_internal.h"
#include "wfp_enum.h"
#include "guid.h"
#include "secdefs.h"
#include "status.h"

static size_t item_size(ntsec_wfp_kind kind)
{
    if (kind == NTSEC_WFP_CONNECTION) return sizeof(ntsec_wfp_connection);
    if (kind == NTSEC_WFP_ENDPOINT) return sizeof(ntsec_wfp_endpoint);
    return sizeof(ntsec_wfp_object_info);
}

static int enumerable(ntsec_wfp_kind kind)
{
    return wfp_kind_is_keyed(kind) || kind == NTSEC_WFP_CONNECTION || kind == NTSEC_WFP_ENDPOINT;
}

/* ---- owned copies ---- */

static int keep(wfp_enum *en, void *p, size_t cap)
{
    if (en->n_strings == cap) return 0;
    en->strings[en->n_strings++] = p;
    return 1;
}

/* Copy n bytes into memory the handle owns; NULL stays NULL. */
static const void *own(wfp_enum *en, const void *p, size_t n, size_t cap, int *ok)
{
    void *q;
    if (!p) return NULL;
    q = malloc(n ? n : 1);
    if (!q || !keep(en, q, cap)) {
        free(q);
        *ok = 0;
        return NULL;
    }
    return memcpy(q, p, n);
}

static const char *own_str(wfp_enum *en, const char *s, size_t cap, int *ok)
{
    return s ? own(en, s, strlen(s) + 1, cap, ok) : NULL;
}

static void free_enum(wfp_enum *en)
{
    size_t i;
    for (i = 0; en->sds && i < en->count; i++) ntsec_sd_unref(en->sds[i]);
    free(en->sds);
    for (i = 0; i < en->n_strings; i++) free(en->strings[i]);
    free(en->strings);
    free(en->items);
    free(en);
}

/* ---- template matches ---- */

static int key_matches(const ntsec_guid *want, int has, const ntsec_guid *got)
{
    if (!want || ntsec_guid_is_null(want)) return 1;
    return has && memcmp(want->b, got->b, 16) == 0;
}

static int object_matches(const ntsec_wfp_enum_template *t, const ntsec_wfp_object_info *o)
{
    if (!t) return 1;
    if (o->kind != NTSEC_WFP_PROVIDER && !key_matches(t->provider, o->has_provider, &o->provider)) return 0;
    if ((o->kind == NTSEC_WFP_CALLOUT || o->kind == NTSEC_WFP_FILTER)
        && !key_matches(&t->layer, o->has_layer, &o->layer)) return 0;
    return o->kind != NTSEC_WFP_FILTER || key_matches(&t->callout, o->has_callout, &o->callout);
}

static int prefix_matches(const uint8_t *a, const uint8_t *b, unsigned bits)
{
    unsigned whole = bits / 8, rest = bits % 8;
    if (memcmp(a, b, whole) != 0) return 0;
    return !rest || ((a[whole] ^ b[whole]) & (0xFFu << (8 - rest)) & 0xFFu) == 0;
}

static int subnet_matches(const ntsec_wfp_enum_template *t, int has, const uint8_t *net, unsigned bits,
                          const ntsec_wfp_endpoint *ep, const ntsec_wfp_addr *a)
{
    if (!has) return 1;
    return ep->ip_version == t->ip_version && prefix_matches(net, a->bin, bits);
}

static int endpoint_matches(const ntsec_wfp_enum_template *t, const ntsec_wfp_endpoint *ep)
{
    if (!t) return 1;
    if (!subnet_matches(t, t->has_local_subnet, t->local_subnet, t->local_prefix, ep, &ep->local)) return 0;
    if (!subnet_matches(t, t->has_remote_subnet, t->remote_subnet, t->remote_prefix, ep, &ep->remote)) return 0;
    if (t->has_protocol && ep->protocol != t->protocol) return 0;
    if (t->has_local_port && ep->local_port != t->local_port) return 0;
    return !t->has_remote_port || ep->remote_port == t->remote_port;
}

/* ---- snapshots ---- */

static NTSTATUS alloc_snapshot(wfp_enum *en, size_t n, size_t strings_per_item)
{
    en->items = calloc(n ? n : 1, item_size(en->kind));
    en->strings = calloc(n * strings_per_item + 1, sizeof *en->strings);
    return en->items && en->strings ? STATUS_SUCCESS : STATUS_NO_MEMORY;
}

static NTSTATUS snap_objects(ntsec_wfp_engine *e, const wfp_session *s, const ntsec_wfp_enum_template *t,
                             wfp_enum *en)
{
    const wfp_table *tab = &e->tables[en->kind];
    size_t cur = 0, cap = tab->live * 3 + 1;
    ntsec_wfp_object_info *items;
    const wfp_obj *o;
    int ok = 1;
    NTSTATUS st = alloc_snapshot(en, tab->live, 3);
    items = en->items;
    en->sds = calloc(tab->live + 1, sizeof *en->sds);
    if (!en->sds) st = STATUS_NO_MEMORY;
    while (NT_SUCCESS(st) && ok && (o = wfp_table_next(tab, &cur)) != NULL) {
        ntsec_wfp_object_info *it = &items[en->count];
        wfp_obj_info(e, o, it);
        if (!object_matches(t, it) || !NT_SUCCESS(wfp_session_access(s, o->sd, FWPM_ACTRL_READ))) continue;
        it->name = own_str(en, it->name, cap, &ok);
        it->description = own_str(en, it->description, cap, &ok);
        it->service = own_str(en, it->service, cap, &ok);
        en->sds[en->count] = ntsec_sd_ref(o->sd);
        en->count++;
    }
    return ok ? st : STATUS_NO_MEMORY;
}

static NTSTATUS snap_connections(ntsec_wfp_engine *e, const ntsec_wfp_enum_template *t, int readable,
                                 wfp_enum *en)
{
    const wfp_table *tab = &e->tables[NTSEC_WFP_CONNECTION];
    ntsec_wfp_connection *items;
    size_t cur = 0;
    const wfp_obj *o;
    NTSTATUS st = alloc_snapshot(en, tab->live, 0);
    items = en->items;
    while (NT_SUCCESS(st) && readable && (o = wfp_table_next(tab, &cur)) != NULL) {
        const ntsec_wfp_connection *c = &((const wfp_connection_obj *)o)->c;
        if (t && t->connection_id && t->connection_id != c->id) continue;
        items[en->count++] = *c;
    }
    return st;
}

static NTSTATUS snap_endpoints(ntsec_wfp_engine *e, const ntsec_wfp_enum_template *t, int readable,
                               wfp_enum *en)
{
    const wfp_table *tab = &e->tables[NTSEC_WFP_ENDPOINT];
    size_t cur = 0, cap = tab->live + 1;
    ntsec_wfp_endpoint *items;
    const wfp_obj *o;
    int ok = 1;
    NTSTATUS st = alloc_snapshot(en, tab->live, 1);
    items = en->items;
    while (NT_SUCCESS(st) && ok && readable && (o = wfp_table_next(tab, &cur)) != NULL) {
        const ntsec_wfp_endpoint *ep = &((const wfp_endpoint_obj *)o)->ep;
        if (!endpoint_matches(t, ep)) continue;
        items[en->count] = *ep;
        items[en->count].app_id = own(en, ep->app_id, ep->app_id_len, cap, &ok);
        en->count++;
    }
    return ok ? st : STATUS_NO_MEMORY;
}

/* READ is checked per object for keyed kinds, on the container otherwise. */
static NTSTATUS snapshot(ntsec_wfp_engine *e, const wfp_session *s, const ntsec_wfp_enum_template *t,
                         wfp_enum *en)
{
    int readable = NT_SUCCESS(wfp_session_access(s, e->containers[wfp_container_of(en->kind)], FWPM_ACTRL_READ));
    if (wfp_kind_is_keyed(en->kind)) return snap_objects(e, s, t, en);
    if (en->kind == NTSEC_WFP_CONNECTION) return snap_connections(e, t, readable, en);
    return snap_endpoints(e, t, readable, en);
}

/* ---- handles ---- */

static NTSTATUS register_enum(ntsec_wfp_engine *e, wfp_enum *en)
{
    if (e->n_enums == e->enums_cap) {
        size_t cap = e->enums_cap ? e->enums_cap * 2 : 4;
        wfp_enum **p = realloc(e->enums, cap * sizeof *p);
        if (!p) return STATUS_NO_MEMORY;
        e->enums = p;
        e->enums_cap = cap;
    }
    en->handle = e->next_handle++;
    e->enums[e->n_enums++] = en;
    return STATUS_SUCCESS;
}

static NTSTATUS create_in_call(ntsec_wfp_engine *e, const wfp_session *s, ntsec_wfp_kind kind,
                               const ntsec_wfp_enum_template *t, uint64_t *out)
{
    wfp_enum *en;
    NTSTATUS st = wfp_session_access(s, e->containers[wfp_container_of(kind)], FWPM_ACTRL_ENUM);
    if (!NT_SUCCESS(st)) return st;
    en = calloc(1, sizeof *en);
    if (!en) return STATUS_NO_MEMORY;
    en->kind = kind;
    en->session = s->h.id;
    st = snapshot(e, s, t, en);
    if (NT_SUCCESS(st)) st = register_enum(e, en);
    if (!NT_SUCCESS(st)) {
        free_enum(en);
        return st;
    }
    *out = en->handle;
    return STATUS_SUCCESS;
}

NTSTATUS ntsec_wfp_enum_create(ntsec_wfp_engine *e, ntsec_wfp_handle h, ntsec_wfp_kind kind,
                               const ntsec_wfp_enum_template *t, uint64_t *enum_handle)
{
    wfp_session *s;
    wfp_call call;
    NTSTATUS st = wfp_session_enter(e, h, &s);
    if (NT_SUCCESS(st) && !enumerable(kind)) st = STATUS_INVALID_PARAMETER;
    if (NT_SUCCESS(st)) st = wfp_call_begin(e, s, WFP_OP_READ, &call);
    if (!NT_SUCCESS(st)) return st;
    return create_in_call(e, s, kind, t, enum_handle);
}

/* The handle's index when it belongs to session h and is of kind. */
static NTSTATUS find_enum(ntsec_wfp_engine *e, ntsec_wfp_handle h, ntsec_wfp_kind kind, uint64_t handle,
                          size_t *at)
{
    wfp_session *s;
    size_t i;
    NTSTATUS st = wfp_session_enter(e, h, &s);
    if (!NT_SUCCESS(st)) return st;
    for (i = 0; i < e->n_enums; i++) {
        const wfp_enum *en = e->enums[i];
        if (en->handle != handle) continue;
        if (en->session != h || en->kind != kind) break;
        *at = i;
        return STATUS_SUCCESS;
    }
    return STATUS_INVALID_HANDLE;
}

NTSTATUS ntsec_wfp_enum_next(ntsec_wfp_engine *e, ntsec_wfp_handle h, ntsec_wfp_kind kind,
                             uint64_t enum_handle, size_t requested, const void **items,
                             size_t *returned)
{
    wfp_enum *en;
    size_t at, n;
    NTSTATUS st = find_enum(e, h, kind, enum_handle, &at);
    if (!NT_SUCCESS(st)) return st;
    en = e->enums[at];
    n = en->count - en->pos;
    if (requested < n) n = requested;
    *items = (const char *)en->items + en->pos * item_size(kind);
    *returned = n;
    en->pos += n;
    return STATUS_SUCCESS;
}

static void drop_at(ntsec_wfp_engine *e, size_t i)
{
    free_enum(e->enums[i]);
    memmove(&e->enums[i], &e->enums[i + 1], (e->n_enums - i - 1) * sizeof *e->enums);
    e->n_enums--;
}

NTSTATUS ntsec_wfp_enum_destroy(ntsec_wfp_engine *e, ntsec_wfp_handle h, ntsec_wfp_kind kind,
                                uint64_t enum_handle)
{
    size_t at;
    NTSTATUS st = find_enum(e, h, kind, enum_handle, &at);
    if (NT_SUCCESS(st)) drop_at(e, at);
    return st;
}

void wfp_enum_drop_session(ntsec_wfp_engine *e, ntsec_wfp_handle h)
{
    size_t i = 0;
    while (i < e->n_enums) {
        if (e->enums[i]->session == h) drop_at(e, i);
        else i++;
    }
}

void wfp_enum_free_all(ntsec_wfp_engine *e)
{
    while (e->n_enums) drop_at(e, e->n_enums - 1);
    free(e->enums);
    e->enums = NULL;
    e->enums_cap = 0;
}
