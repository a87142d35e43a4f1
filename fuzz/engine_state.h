/*
** engine_state.h: the model the engine harness keeps (fuzz/engine_fuzz.c):
** a snapshot of everything an engine shows through its public C API, as a
** set of records, and the set operations the invariants are stated with.
**
** One record per keyed object (kind, key, id, flags, lifetime, owning
** session, references, names, action, weight, descriptor bytes), per
** connection (id, addresses, provider) and per container descriptor. Two
** records are equal when all their bytes are.
*/
#ifndef NTSEC_FUZZ_ENGINE_STATE_H
#define NTSEC_FUZZ_ENGINE_STATE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fuzz_input.h"
#include "wfp.h"
#include "status.h"
#include "wfp_ale.h"
#include "wfp_cond_codec.h"
#include "wfp_import.h"

#define ES_CONTAINER_KIND 100     /* container records: kind 100 + container */

typedef struct es_rec {
    int kind;
    ntsec_guid key;               /* containers: zero; connections: the id in the first 8 bytes */
    ntsec_wfp_lifetime lifetime;
    ntsec_guid owner;
    uint8_t *blob;                /* every field, descriptor bytes last */
    size_t len, sd_at;            /* sd_at: where the descriptor bytes start */
} es_rec;

typedef struct es_state {
    es_rec *r;
    size_t n, cap;
} es_state;

static void es_free(es_state *s)
{
    size_t i;
    for (i = 0; i < s->n; i++) free(s->r[i].blob);
    free(s->r);
    memset(s, 0, sizeof *s);
}

static es_rec *es_push(es_state *s)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 32;
        s->r = realloc(s->r, s->cap * sizeof *s->r);
        FUZZ_CHECK(s->r != NULL);
    }
    memset(&s->r[s->n], 0, sizeof s->r[0]);
    return &s->r[s->n++];
}

static void es_put_str(ntsec_buf *b, const char *s)
{
    size_t n = s ? strlen(s) + 1 : 0;
    ntsec_buf_put(b, &n, sizeof n);
    if (n) ntsec_buf_put(b, s, n);
}

static void es_take(es_rec *r, ntsec_buf *b, const ntsec_sd *sd)
{
    r->sd_at = b->len;
    if (sd) ntsec_buf_put(b, sd->bytes, sd->len);
    FUZZ_CHECK(!b->oom);
    r->len = b->len;
    r->blob = malloc(b->len ? b->len : 1);
    FUZZ_CHECK(r->blob != NULL);
    if (b->len) memcpy(r->blob, b->data, b->len);
    ntsec_buf_free(b);
}

/* What a filter and a provider context carry beyond the common fields:
** the conditions (their stored form, wfp_cond_codec.h: a reopen must give
** them back byte for byte), the provider context link, a context's type and
** data, kept flag names. */
static void es_object_extra(ntsec_buf *b, const ntsec_wfp_object_info *o)
{
    ntsec_buf_put(b, &o->filter.condition_count, sizeof o->filter.condition_count);
    if (o->filter.condition_count)
        FUZZ_CHECK(wfp_conds_encode(o->filter.conditions, o->filter.condition_count, b) == STATUS_SUCCESS);
    ntsec_buf_put(b, &o->filter.has_provider_context, sizeof(int));
    if (o->filter.has_provider_context) ntsec_buf_put(b, &o->filter.provider_context, sizeof(ntsec_guid));
    ntsec_buf_put(b, &o->context_type, sizeof o->context_type);
    ntsec_buf_put(b, &o->data_is_text, sizeof o->data_is_text);
    ntsec_buf_put(b, &o->data_len, sizeof o->data_len);
    if (o->data_len) ntsec_buf_put(b, o->data, o->data_len);
    es_put_str(b, o->flag_names);
}

static void es_object(es_state *s, const ntsec_wfp_object_info *o)
{
    es_rec *r = es_push(s);
    ntsec_buf b;
    ntsec_buf_init(&b);
    r->kind = (int)o->kind;
    r->key = o->key;
    r->lifetime = o->lifetime;
    r->owner = o->owner_session;
    ntsec_buf_put(&b, &o->kind, sizeof o->kind);
    ntsec_buf_put(&b, &o->key, sizeof o->key);
    ntsec_buf_put(&b, &o->id, sizeof o->id);
    ntsec_buf_put(&b, &o->flags, sizeof o->flags);
    ntsec_buf_put(&b, &o->lifetime, sizeof o->lifetime);
    ntsec_buf_put(&b, &o->owner_session, sizeof o->owner_session);
    es_put_str(&b, o->name);
    es_put_str(&b, o->description);
    es_put_str(&b, o->service);
    ntsec_buf_put(&b, &o->has_provider, sizeof(int));
    ntsec_buf_put(&b, &o->has_layer, sizeof(int));
    ntsec_buf_put(&b, &o->has_sublayer, sizeof(int));
    ntsec_buf_put(&b, &o->has_callout, sizeof(int));
    if (o->has_provider) ntsec_buf_put(&b, &o->provider, sizeof(ntsec_guid));
    if (o->has_layer) ntsec_buf_put(&b, &o->layer, sizeof(ntsec_guid));
    if (o->has_sublayer) ntsec_buf_put(&b, &o->sublayer, sizeof(ntsec_guid));
    if (o->has_callout) ntsec_buf_put(&b, &o->callout, sizeof(ntsec_guid));
    ntsec_buf_put(&b, &o->action, sizeof o->action);
    ntsec_buf_put(&b, &o->has_weight, sizeof o->has_weight);
    if (o->has_weight) ntsec_buf_put(&b, &o->weight, sizeof o->weight);
    es_object_extra(&b, o);
    es_take(r, &b, o->sd);
}

static void es_connection(es_state *s, const ntsec_wfp_connection *c)
{
    es_rec *r = es_push(s);
    ntsec_buf b;
    ntsec_buf_init(&b);
    r->kind = NTSEC_WFP_CONNECTION;
    memcpy(&r->key, &c->id, sizeof c->id);
    ntsec_buf_put(&b, &c->id, sizeof c->id);
    ntsec_buf_put(&b, &c->ip_version, sizeof c->ip_version);
    ntsec_buf_put(&b, c->local.bin, 16);
    ntsec_buf_put(&b, c->remote.bin, 16);
    ntsec_buf_put(&b, &c->has_provider, sizeof c->has_provider);
    if (c->has_provider) ntsec_buf_put(&b, &c->provider, sizeof c->provider);
    es_take(r, &b, NULL);
}

/* Everything the engine shows. */
static void es_capture(const ntsec_wfp_engine *e, es_state *s)
{
    ntsec_wfp_object_info o;
    const ntsec_wfp_connection *c;
    size_t cur;
    int k;
    memset(s, 0, sizeof *s);
    for (k = 0; k < NTSEC_WFP_CONTAINER_COUNT; k++) {
        es_rec *r = es_push(s);
        ntsec_buf b;
        ntsec_buf_init(&b);
        r->kind = ES_CONTAINER_KIND + k;
        ntsec_buf_put(&b, &k, sizeof k);
        es_take(r, &b, ntsec_wfp_container_sd(e, (ntsec_wfp_container)k));
    }
    for (k = NTSEC_WFP_PROVIDER; k <= NTSEC_WFP_PROVIDER_CONTEXT; k++) {   /* the keyed kinds */
        size_t n = 0;
        cur = 0;
        while (ntsec_wfp_object_next(e, (ntsec_wfp_kind)k, &cur, &o)) {
            FUZZ_CHECK(o.kind == (ntsec_wfp_kind)k);
            es_object(s, &o);
            n++;
        }
        FUZZ_CHECK(n == ntsec_wfp_count(e, (ntsec_wfp_kind)k));
    }
    cur = 0;
    while (ntsec_wfp_connection_next(e, &cur, &c)) es_connection(s, c);
}

static int es_same_id(const es_rec *a, const es_rec *b)
{
    return a->kind == b->kind && memcmp(&a->key, &b->key, sizeof a->key) == 0;
}

static const es_rec *es_find(const es_state *s, const es_rec *like)
{
    size_t i;
    for (i = 0; i < s->n; i++)
        if (es_same_id(&s->r[i], like)) return &s->r[i];
    return NULL;
}

static int es_rec_equal(const es_rec *a, const es_rec *b, int ignore_sd)
{
    if (!b || !es_same_id(a, b)) return 0;
    if (ignore_sd) return a->sd_at == b->sd_at && memcmp(a->blob, b->blob, a->sd_at) == 0;
    return a->len == b->len && memcmp(a->blob, b->blob, a->len) == 0;
}

/* Built-in layers and sublayers always exist in Windows; the engine creates
** their records on first use (docs/wfp.md, EMULATOR CHOICE), so a built-in
** record present on one side only is no difference. */
static int es_always_there(const es_rec *r) { return r->lifetime == NTSEC_WFP_LIFE_BUILTIN; }

typedef struct es_diff {
    size_t missing, extra, changed;   /* records of a not in b, of b not in a, different */
    const es_rec *last_extra;
} es_diff;

static void es_compare(const es_state *a, const es_state *b, int ignore_sd, es_diff *d)
{
    size_t i;
    memset(d, 0, sizeof *d);
    for (i = 0; i < a->n; i++) {
        const es_rec *other = es_find(b, &a->r[i]);
        if (!other) d->missing += !es_always_there(&a->r[i]);
        else if (!es_rec_equal(&a->r[i], other, ignore_sd)) d->changed++;
    }
    for (i = 0; i < b->n; i++) {
        if (es_find(a, &b->r[i]) || es_always_there(&b->r[i])) continue;
        d->extra++;
        d->last_extra = &b->r[i];
    }
}

/* a and b show the same objects; descriptors are compared unless ignore_sd. */
static int es_equal_ex(const es_state *a, const es_state *b, int ignore_sd)
{
    es_diff d;
    es_compare(a, b, ignore_sd, &d);
    return d.missing == 0 && d.extra == 0 && d.changed == 0;
}

static int es_equal(const es_state *a, const es_state *b) { return es_equal_ex(a, b, 0); }

/* b is a plus exactly one record, of kind with that key. */
static int es_plus_one(const es_state *a, const es_state *b, int kind, const ntsec_guid *key)
{
    es_diff d;
    es_compare(a, b, 0, &d);
    return d.missing == 0 && d.changed == 0 && d.extra == 1 && d.last_extra->kind == kind
           && memcmp(&d.last_extra->key, key, sizeof *key) == 0;
}

/* Append to out the records of s that keep() accepts. */
static void es_append(const es_state *s, es_state *out, int (*keep)(const es_rec *, const void *), const void *ctx)
{
    size_t i;
    for (i = 0; i < s->n; i++) {
        es_rec *r;
        if (!keep(&s->r[i], ctx)) continue;
        r = es_push(out);
        *r = s->r[i];
        r->blob = malloc(r->len ? r->len : 1);
        FUZZ_CHECK(r->blob != NULL);
        memcpy(r->blob, s->r[i].blob, r->len);
    }
}

/* A copy of s keeping the records keep() accepts. */
static void es_filter(const es_state *s, es_state *out, int (*keep)(const es_rec *, const void *),
                      const void *ctx)
{
    memset(out, 0, sizeof *out);
    es_append(s, out, keep, ctx);
}

static int es_keep_all(const es_rec *r, const void *ctx) { (void)r; (void)ctx; return 1; }
static void es_copy(const es_state *s, es_state *out) { es_filter(s, out, es_keep_all, NULL); }

/* For NTSEC_FUZZ_TRACE: one line per record. */
static void es_dump(const char *title, const es_state *s)
{
    size_t i, j;
    fprintf(stderr, "  %s: %zu records\n", title, s->n);
    for (i = 0; i < s->n; i++) {
        const es_rec *r = &s->r[i];
        fprintf(stderr, "    kind %3d key ", r->kind);
        for (j = 0; j < 4; j++) fprintf(stderr, "%02x", r->key.b[j]);
        fprintf(stderr, " life %d owner %02x%02x len %zu sd %zu\n", (int)r->lifetime, r->owner.b[0], r->owner.b[1],
                r->len, r->len - r->sd_at);
    }
}

#endif
