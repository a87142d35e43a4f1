/*
** wfp_classify_set.c: filter sets for classification (wfp_classify.h):
** copying filters and conditions in, interning condition descriptors,
** conditions from the dump's text, and the per-layer arbitration order.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wfp_classify_internal.h"
#include "guid.h"
#include "sddl.h"
#include "status.h"
#include "wfp_names.h"

/* ---- arena: everything a set copies lives here until the set is freed ---- */

static void *arena_alloc(ntsec_wfp_filter_set *s, size_t n)
{
    set_chunk *c = s->arena;
    n = (n + 7) & ~(size_t)7;
    if (!c || c->cap - c->used < n) {
        size_t cap = n > 65536 ? n : 65536;
        c = malloc(sizeof *c + cap);
        if (!c) return NULL;
        c->next = s->arena;
        c->used = 0;
        c->cap = cap;
        s->arena = c;
    }
    c->used += n;
    return c->data + c->used - n;
}

static const char *arena_str(ntsec_wfp_filter_set *s, const char *str, int *oom)
{
    size_t n;
    char *p;
    if (!str) return NULL;
    n = strlen(str) + 1;
    p = arena_alloc(s, n);
    if (!p) { *oom = 1; return NULL; }
    memcpy(p, str, n);
    return p;
}

static const uint8_t *arena_bytes(ntsec_wfp_filter_set *s, const uint8_t *b, size_t n, int *oom)
{
    uint8_t *p;
    if (!n) return b;
    p = arena_alloc(s, n);
    if (!p) { *oom = 1; return NULL; }
    memcpy(p, b, n);
    return p;
}

/* Grow an array of elem-sized items to hold one more. */
static int grow(void **items, size_t *cap, size_t n, size_t elem)
{
    void *p;
    size_t c;
    if (n < *cap) return 1;
    c = *cap ? *cap * 2 : 16;
    p = realloc(*items, c * elem);
    if (!p) return 0;
    *items = p;
    *cap = c;
    return 1;
}

ntsec_wfp_filter_set *ntsec_wfp_filter_set_new(void)
{
    return calloc(1, sizeof(ntsec_wfp_filter_set));
}

static void free_layers(ntsec_wfp_filter_set *s)
{
    size_t i;
    for (i = 0; i < s->nlayers; i++) {
        free(s->layers[i].order);
        free(s->layers[i].sub);
        free(s->layers[i].ew);
        free(s->layers[i].flags);
        free(s->layers[i].group_end);
    }
    free(s->layers);
    s->layers = NULL;
    s->nlayers = 0;
}

void ntsec_wfp_filter_set_free(ntsec_wfp_filter_set *s)
{
    size_t i;
    if (!s) return;
    while (s->arena) {
        set_chunk *next = s->arena->next;
        free(s->arena);
        s->arena = next;
    }
    for (i = 0; i < s->nsds; i++) {
        ntsec_sd_unref(s->sds[i]);
        ntsec_sd_unref(s->check_sds[i]);
    }
    free_layers(s);
    free(s->quick);
    free(s->sds);
    free(s->check_sds);
    free(s->filters);
    free(s->subs);
    free(s->callouts);
    free(s);
}

static void changed(ntsec_wfp_filter_set *s)
{
    s->indexed = 0;
    s->version++;
}

/* ---- sublayers and callouts ---- */

static const set_sublayer *find_sublayer(const ntsec_wfp_filter_set *s, const ntsec_guid *key, size_t *at)
{
    size_t i;
    for (i = 0; i < s->nsubs; i++)
        if (memcmp(s->subs[i].key.b, key->b, 16) == 0) {
            if (at) *at = i;
            return &s->subs[i];
        }
    return NULL;
}

const set_callout *wfp_set_callout(const ntsec_wfp_filter_set *s, const ntsec_guid *key)
{
    size_t i;
    for (i = 0; i < s->ncallouts; i++)
        if (memcmp(s->callouts[i].key.b, key->b, 16) == 0) return &s->callouts[i];
    return NULL;
}

NTSTATUS ntsec_wfp_set_add_sublayer(ntsec_wfp_filter_set *s, const ntsec_guid *key,
                                    uint16_t weight, const char *name)
{
    int oom = 0;
    set_sublayer *sl;
    if (find_sublayer(s, key, NULL)) return STATUS_FWP_ALREADY_EXISTS;
    if (!grow((void **)&s->subs, &s->cap_subs, s->nsubs, sizeof *s->subs)) return STATUS_NO_MEMORY;
    sl = &s->subs[s->nsubs];
    sl->key = *key;
    sl->weight = weight;
    sl->name = arena_str(s, name, &oom);
    if (oom) return STATUS_NO_MEMORY;
    s->nsubs++;
    changed(s);
    return STATUS_SUCCESS;
}

NTSTATUS ntsec_wfp_set_add_callout(ntsec_wfp_filter_set *s, const ntsec_guid *key,
                                   int registered, const char *name)
{
    int oom = 0;
    set_callout *co;
    if (wfp_set_callout(s, key)) return STATUS_FWP_ALREADY_EXISTS;
    if (!grow((void **)&s->callouts, &s->cap_callouts, s->ncallouts, sizeof *s->callouts))
        return STATUS_NO_MEMORY;
    co = &s->callouts[s->ncallouts];
    co->key = *key;
    co->registered = registered != 0;
    co->name = arena_str(s, name, &oom);
    if (oom) return STATUS_NO_MEMORY;
    s->ncallouts++;
    changed(s);
    return STATUS_SUCCESS;
}

/* ---- descriptors: one memo slot per distinct descriptor ---- */

static NTSTATUS intern_sd(ntsec_wfp_filter_set *s, const ntsec_sd *sd, uint32_t *slot)
{
    size_t i;
    ntsec_sd *check;
    NTSTATUS st;
    for (i = 0; i < s->nsds; i++)
        if (s->sds[i] == sd || ntsec_sd_equal(s->sds[i], sd)) {
            *slot = (uint32_t)i;
            return STATUS_SUCCESS;
        }
    if (s->nsds == s->cap_sds) {
        size_t c = s->cap_sds ? s->cap_sds * 2 : 16;
        ntsec_sd **a = realloc(s->sds, c * sizeof *a), **b;
        if (!a) return STATUS_NO_MEMORY;
        s->sds = a;
        b = realloc(s->check_sds, c * sizeof *b);
        if (!b) return STATUS_NO_MEMORY;
        s->check_sds = b;
        s->cap_sds = c;
    }
    st = ntsec_wfp_check_sd(sd, &check);
    if (st != STATUS_SUCCESS) return st;
    s->sds[s->nsds] = ntsec_sd_ref((ntsec_sd *)(uintptr_t)sd);
    s->check_sds[s->nsds] = check;
    *slot = (uint32_t)s->nsds++;
    return STATUS_SUCCESS;
}

size_t ntsec_wfp_set_sd_count(const ntsec_wfp_filter_set *s) { return s->nsds; }

/* ---- filters ---- */

/* Types whose bytes (p, len) a stored condition owns a copy of (TOKEN_*:
** the bytes a stored filter was given; a flow's principal is never kept). */
static int value_needs_bytes(uint32_t type)
{
    return type == NTSEC_FWP_BYTE_BLOB_TYPE || type == NTSEC_FWP_SID
        || type == NTSEC_FWP_UNICODE_STRING_TYPE || type == NTSEC_FWP_TYPE_UNKNOWN
        || type == NTSEC_FWP_TOKEN_INFORMATION_TYPE || type == NTSEC_FWP_TOKEN_ACCESS_INFORMATION_TYPE;
}

static NTSTATUS copy_value(ntsec_wfp_filter_set *s, ntsec_fwp_value *v, int *oom)
{
    if (value_needs_bytes(v->type)) {
        if (v->len && !v->p) return STATUS_INVALID_PARAMETER;
        v->p = arena_bytes(s, v->p, v->len, oom);
    }
    v->name = arena_str(s, v->name, oom);
    return STATUS_SUCCESS;
}

static NTSTATUS copy_condition(ntsec_wfp_filter_set *s, ntsec_wfp_condition *c, int *oom)
{
    NTSTATUS st;
    c->check_sd = NULL;
    c->sd_slot = UINT32_MAX;
    if (c->type == NTSEC_FWP_SECURITY_DESCRIPTOR_TYPE) {
        if (!c->value.obj) return STATUS_INVALID_PARAMETER;
        st = intern_sd(s, c->value.obj, &c->sd_slot);
        if (st != STATUS_SUCCESS) return st;
        c->value.obj = s->sds[c->sd_slot];
        c->check_sd = s->check_sds[c->sd_slot];
        c->value.p = s->sds[c->sd_slot]->bytes;
        c->value.len = s->sds[c->sd_slot]->len;
    } else {
        st = copy_value(s, &c->value, oom);
        if (st == STATUS_SUCCESS) st = copy_value(s, &c->high, oom);
        if (st != STATUS_SUCCESS) return st;
    }
    c->field_text = arena_str(s, c->field_text, oom);
    c->match_text = arena_str(s, c->match_text, oom);
    return STATUS_SUCCESS;
}

NTSTATUS ntsec_wfp_set_copy_conditions(ntsec_wfp_filter_set *s, const ntsec_wfp_condition *c,
                                       size_t n, const ntsec_wfp_condition **out)
{
    ntsec_wfp_condition *conds = NULL;
    int oom = 0;
    size_t i;
    NTSTATUS st = STATUS_SUCCESS;
    *out = NULL;
    if (!n) return STATUS_SUCCESS;
    conds = arena_alloc(s, n * sizeof *conds);
    if (!conds) return STATUS_NO_MEMORY;
    memcpy(conds, c, n * sizeof *conds);
    for (i = 0; st == STATUS_SUCCESS && i < n; i++) st = copy_condition(s, &conds[i], &oom);
    if (st != STATUS_SUCCESS) return st;
    if (oom) return STATUS_NO_MEMORY;
    *out = conds;
    return STATUS_SUCCESS;
}

NTSTATUS ntsec_wfp_set_add_filter(ntsec_wfp_filter_set *s, const ntsec_wfp_filter_def *def)
{
    ntsec_wfp_filter_def f = *def;
    const ntsec_wfp_condition *conds = NULL;
    int oom = 0;
    size_t i;
    NTSTATUS st;
    for (i = 0; !s->unique_keys && i < s->nfilters; i++)
        if (memcmp(s->filters[i].key.b, def->key.b, 16) == 0) return STATUS_FWP_ALREADY_EXISTS;
    if (!grow((void **)&s->filters, &s->cap_filters, s->nfilters, sizeof *s->filters))
        return STATUS_NO_MEMORY;
    st = ntsec_wfp_set_copy_conditions(s, def->conditions, def->condition_count, &conds);
    if (st != STATUS_SUCCESS) return st;
    f.conditions = conds;
    f.name = arena_str(s, def->name, &oom);
    if (oom) return STATUS_NO_MEMORY;
    s->filters[s->nfilters++] = f;
    changed(s);
    return STATUS_SUCCESS;
}

size_t ntsec_wfp_set_filter_count(const ntsec_wfp_filter_set *s) { return s->nfilters; }

const ntsec_wfp_filter_def *ntsec_wfp_set_filter(const ntsec_wfp_filter_set *s, size_t i)
{
    return i < s->nfilters ? &s->filters[i] : NULL;
}

/* ---- conditions from the dump's text (1.3, 1.4) ---- */

static void set_err(char *err, size_t cap, const char *what, const char *why)
{
    if (err && cap) snprintf(err, cap, "%s: %s", what, why);
}

/* A "{guid}" or a built-in name. */
static int parse_key(const char *text, ntsec_guid *out)
{
    size_t n = strlen(text);
    if (n && text[0] == '{') return ntsec_guid_parse(text, n, out);
    return ntsec_wfp_name_to_guid(text, n, out);
}

static NTSTATUS scalar_from_text(ntsec_wfp_filter_set *s, const char *type_name, const char *text,
                                 int as_address, ntsec_fwp_value *v, char *err, size_t errcap)
{
    uint8_t scratch[1024];
    size_t used = 0, len = text ? strlen(text) : 0;
    const char *why = NULL;
    int oom = 0;
    uint32_t type = ntsec_fwp_type_from_name(type_name, type_name ? strlen(type_name) : 0);
    NTSTATUS st;
    uint8_t *big = NULL;
    memset(v, 0, sizeof *v);
    if (type == NTSEC_FWP_TYPE_UNKNOWN || type >= NTSEC_FWP_TOKEN_INFORMATION_TYPE) {
        if (type != NTSEC_FWP_UNICODE_STRING_TYPE && type != NTSEC_FWP_BYTE_ARRAY6_TYPE) {
            /* kept by name with its text: evaluates UNKNOWN (wfp_cond.h) */
            v->type = NTSEC_FWP_TYPE_UNKNOWN;
            v->name = arena_str(s, type_name ? type_name : "", &oom);
            v->p = arena_bytes(s, (const uint8_t *)text, len, &oom);
            v->len = (uint32_t)len;
            return oom ? STATUS_NO_MEMORY : STATUS_SUCCESS;
        }
    }
    if (len > sizeof scratch / 2 - 8) {
        big = malloc(len + 8);
        if (!big) return STATUS_NO_MEMORY;
    }
    st = ntsec_fwp_value_parse(type, text ? text : "", len, as_address, big ? big : scratch,
                               big ? len + 8 : sizeof scratch, &used, v, &why);
    if (st == STATUS_NOT_SUPPORTED) {
        /* FLOAT/DOUBLE, TOKEN_*: no documented text form; kept */
        v->type = NTSEC_FWP_TYPE_UNKNOWN;
        v->name = arena_str(s, type_name, &oom);
        v->p = arena_bytes(s, (const uint8_t *)text, len, &oom);
        v->len = (uint32_t)len;
        st = STATUS_SUCCESS;
    } else if (st == STATUS_SUCCESS && used) {
        v->p = arena_bytes(s, v->p, used, &oom);
    } else if (st != STATUS_SUCCESS) {
        set_err(err, errcap, type_name, why ? why : "value does not fit");
    }
    free(big);
    return oom ? STATUS_NO_MEMORY : st;
}

static NTSTATUS sd_from_text(ntsec_wfp_filter_set *s, const char *text, ntsec_fwp_value *v,
                             uint32_t *slot, char *err, size_t errcap)
{
    ntsec_sd *sd = NULL;
    size_t off = 0;
    NTSTATUS st = ntsec_sddl_parse(text, strlen(text), NULL, &sd, &off);
    if (st != STATUS_SUCCESS) {
        if (err && errcap) snprintf(err, errcap, "sd: %s at offset %zu", ntsec_status_name(st), off);
        return st;
    }
    st = intern_sd(s, sd, slot);
    ntsec_sd_unref(sd);
    if (st != STATUS_SUCCESS) return st;
    memset(v, 0, sizeof *v);
    v->type = NTSEC_FWP_SECURITY_DESCRIPTOR_TYPE;
    v->obj = s->sds[*slot];
    v->p = s->sds[*slot]->bytes;
    v->len = s->sds[*slot]->len;
    return STATUS_SUCCESS;
}

static NTSTATUS mask_from_text(uint32_t type, const char *addr, const char *mask, ntsec_fwp_value *v,
                               char *err, size_t errcap)
{
    size_t n = addr ? strlen(addr) : 0, m = mask ? strlen(mask) : 0;
    uint64_t prefix;
    memset(v, 0, sizeof *v);
    v->type = type;
    if (type == NTSEC_FWP_V4_ADDR_MASK) {
        if (ntsec_fwp_parse_ipv4(addr, n, &v->n.v4.addr) && ntsec_fwp_parse_ipv4(mask, m, &v->n.v4.mask))
            return STATUS_SUCCESS;
    } else if (ntsec_fwp_parse_ipv6(addr, n, v->n.v6.addr) && m && m <= 3) {
        char *end;
        char buf[4];
        memcpy(buf, mask, m);
        buf[m] = 0;
        prefix = strtoull(buf, &end, 10);
        if (*end == 0 && prefix <= 128) {
            v->n.v6.prefix = (uint8_t)prefix;
            return STATUS_SUCCESS;
        }
    }
    set_err(err, errcap, ntsec_fwp_type_name(type), "address or mask not understood");
    return STATUS_INVALID_PARAMETER;
}

NTSTATUS ntsec_wfp_set_condition_from_text(ntsec_wfp_filter_set *s,
                                           const ntsec_wfp_condition_text *t,
                                           ntsec_wfp_condition *out, char *err, size_t errcap)
{
    ntsec_wfp_condition c;
    int oom = 0, as_address;
    NTSTATUS st;
    memset(&c, 0, sizeof c);
    c.sd_slot = UINT32_MAX;
    if (t->field && parse_key(t->field, &c.field)) c.slot = ntsec_wfp_field_slot(&c.field);
    else c.slot = NTSEC_WFP_FIELD_UNKNOWN;
    if (c.slot == NTSEC_WFP_FIELD_UNKNOWN) c.field_text = arena_str(s, t->field ? t->field : "", &oom);
    c.match = (uint16_t)ntsec_fwp_match_from_name(t->match, t->match ? strlen(t->match) : 0);
    if (c.match == NTSEC_FWP_MATCH_UNKNOWN) c.match_text = arena_str(s, t->match ? t->match : "", &oom);
    c.type = ntsec_fwp_type_from_name(t->type, t->type ? strlen(t->type) : 0);
    as_address = (ntsec_wfp_field_roles(c.slot) & NTSEC_WFP_FIELD_ROLE_ADDRESS) != 0;
    if (c.type == NTSEC_FWP_RANGE_TYPE) {
        st = scalar_from_text(s, t->low_type, t->low, as_address, &c.value, err, errcap);
        if (st == STATUS_SUCCESS)
            st = scalar_from_text(s, t->high_type, t->high, as_address, &c.high, err, errcap);
    } else if (c.type == NTSEC_FWP_SECURITY_DESCRIPTOR_TYPE) {
        st = sd_from_text(s, t->value ? t->value : "", &c.value, &c.sd_slot, err, errcap);
        if (st == STATUS_SUCCESS) c.check_sd = s->check_sds[c.sd_slot];
    } else if (c.type == NTSEC_FWP_V4_ADDR_MASK || c.type == NTSEC_FWP_V6_ADDR_MASK) {
        st = mask_from_text(c.type, t->value, t->value2, &c.value, err, errcap);
    } else {
        st = scalar_from_text(s, t->type, t->value, as_address, &c.value, err, errcap);
    }
    if (st != STATUS_SUCCESS) return st;
    if (oom) return STATUS_NO_MEMORY;
    *out = c;
    return STATUS_SUCCESS;
}

/* ---- the per-layer index (3.2, 3.3) ---- */

typedef struct sort_item {
    ntsec_wfp_rank rank;
    uint32_t filter, sub;
    const ntsec_wfp_filter_def *f;
} sort_item;

int ntsec_wfp_rank_cmp(const ntsec_wfp_rank *a, const ntsec_wfp_rank *b)
{
    int c;
    if (a->sublayer_known != b->sublayer_known) return b->sublayer_known - a->sublayer_known;
    if (a->sublayer_weight != b->sublayer_weight) return a->sublayer_weight > b->sublayer_weight ? -1 : 1;
    c = memcmp(a->sublayer->b, b->sublayer->b, 16);
    if (c) return c;
    if (a->effective_weight != b->effective_weight) return a->effective_weight > b->effective_weight ? -1 : 1;
    if (a->filter_id != b->filter_id) return a->filter_id < b->filter_id ? -1 : 1;
    return 0;
}

/* The shared order; filters tied in it stay in insertion order. */
static int cmp_items(const void *pa, const void *pb)
{
    const sort_item *a = pa, *b = pb;
    int c = ntsec_wfp_rank_cmp(&a->rank, &b->rank);
    if (c) return c;
    return a->filter < b->filter ? -1 : a->filter > b->filter;
}

static set_layer *layer_slot(ntsec_wfp_filter_set *s, const ntsec_guid *key, size_t *cap)
{
    size_t i;
    for (i = 0; i < s->nlayers; i++)
        if (memcmp(s->layers[i].key.b, key->b, 16) == 0) return &s->layers[i];
    if (!grow((void **)&s->layers, cap, s->nlayers, sizeof *s->layers)) return NULL;
    memset(&s->layers[s->nlayers], 0, sizeof s->layers[0]);
    s->layers[s->nlayers].key = *key;
    return &s->layers[s->nlayers++];
}

static NTSTATUS fill_layer(ntsec_wfp_filter_set *s, set_layer *l, sort_item *items)
{
    size_t i, n = 0;
    for (i = 0; i < s->nfilters; i++) {
        const ntsec_wfp_filter_def *f = &s->filters[i];
        size_t at = 0;
        const set_sublayer *sl;
        if (memcmp(f->layer.b, l->key.b, 16) != 0) continue;
        sl = find_sublayer(s, &f->sublayer, &at);
        items[n].filter = (uint32_t)i;
        items[n].f = f;
        items[n].sub = sl ? (uint32_t)at : UINT32_MAX;
        items[n].rank.sublayer_known = sl != NULL;
        items[n].rank.sublayer_weight = sl ? sl->weight : 0;
        items[n].rank.sublayer = &f->sublayer;
        items[n].rank.effective_weight = f->effective_weight;
        items[n].rank.filter_id = f->id;
        n++;
    }
    qsort(items, n, sizeof *items, cmp_items);
    l->order = malloc((n ? n : 1) * sizeof *l->order);
    l->sub = malloc((n ? n : 1) * sizeof *l->sub);
    l->ew = malloc((n ? n : 1) * sizeof *l->ew);
    l->flags = malloc((n ? n : 1) * sizeof *l->flags);
    l->group_end = malloc((n ? n : 1) * sizeof *l->group_end);
    if (!l->order || !l->sub || !l->ew || !l->flags || !l->group_end) return STATUS_NO_MEMORY;
    for (i = 0; i < n; i++) {
        l->order[i] = items[i].filter;
        l->sub[i] = items[i].sub;
        l->ew[i] = items[i].f->effective_weight;
        l->flags[i] = items[i].f->flags;
    }
    for (i = n; i-- > 0;) {
        int same = i + 1 < n && l->sub[i + 1] == l->sub[i]
                && memcmp(items[i + 1].rank.sublayer->b, items[i].rank.sublayer->b, 16) == 0;
        l->group_end[i] = same ? l->group_end[i + 1] : (uint32_t)(i + 1);
    }
    l->n = n;
    return STATUS_SUCCESS;
}

/* Index of the condition when field slot has exactly one condition, an
** EQUAL of type, in a run of its own; else -1. */
static int32_t single_equal(const ntsec_wfp_filter_def *f, uint16_t slot, uint32_t type)
{
    uint32_t i, found = UINT32_MAX;
    for (i = 0; i < f->condition_count; i++) {
        const ntsec_wfp_condition *c = &f->conditions[i];
        if (c->slot != slot) continue;
        if (found != UINT32_MAX || c->match != NTSEC_FWP_MATCH_EQUAL || c->type != type) return -1;
        found = i;
    }
    return found == UINT32_MAX ? -1 : (int32_t)found;
}

static NTSTATUS build_quick(ntsec_wfp_filter_set *s)
{
    static const char proto[] = "FWPM_CONDITION_IP_PROTOCOL", app[] = "FWPM_CONDITION_ALE_APP_ID";
    uint16_t ps = ntsec_wfp_field_slot_by_name(proto, sizeof proto - 1);
    uint16_t as = ntsec_wfp_field_slot_by_name(app, sizeof app - 1);
    size_t i;
    free(s->quick);
    s->quick = malloc((s->nfilters ? s->nfilters : 1) * sizeof *s->quick);
    if (!s->quick) return STATUS_NO_MEMORY;
    for (i = 0; i < s->nfilters; i++) {
        const ntsec_wfp_filter_def *f = &s->filters[i];
        set_quick *q = &s->quick[i];
        q->proto_cond = single_equal(f, ps, NTSEC_FWP_UINT8);
        q->proto = q->proto_cond >= 0 ? (uint8_t)f->conditions[q->proto_cond].value.n.u : 0;
        q->app_cond = single_equal(f, as, NTSEC_FWP_BYTE_BLOB_TYPE);
    }
    return STATUS_SUCCESS;
}

NTSTATUS wfp_set_index(ntsec_wfp_filter_set *s)
{
    size_t i, cap = 0;
    sort_item *items;
    NTSTATUS st = STATUS_SUCCESS;
    if (s->indexed) return STATUS_SUCCESS;
    free_layers(s);
    items = malloc((s->nfilters ? s->nfilters : 1) * sizeof *items);
    if (!items) return STATUS_NO_MEMORY;
    for (i = 0; i < s->nfilters && st == STATUS_SUCCESS; i++) {
        set_layer *l = layer_slot(s, &s->filters[i].layer, &cap);
        if (!l) st = STATUS_NO_MEMORY;
        else if (!l->order) st = fill_layer(s, l, items);
    }
    free(items);
    if (st == STATUS_SUCCESS) st = build_quick(s);
    if (st != STATUS_SUCCESS) {
        free_layers(s);
        return st;
    }
    s->indexed = 1;
    return STATUS_SUCCESS;
}

const set_layer *wfp_set_layer(const ntsec_wfp_filter_set *s, const ntsec_guid *layer)
{
    size_t i;
    for (i = 0; i < s->nlayers; i++)
        if (memcmp(s->layers[i].key.b, layer->b, 16) == 0) return &s->layers[i];
    return NULL;
}
