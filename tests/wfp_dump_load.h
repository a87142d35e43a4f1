/*
** wfp_dump_load.h: a small, test-only reader of `netsh wfp show state`
** dumps (wfp_classify.md 1) that fills a classification filter set with the
** dump's sublayers, callouts and filters. For the classify tests and
** bench/classify_bench.c only: the product's importer is lua/ntsec/netsh.lua
** (LuaExpat). It reads the subset of XML netsh writes: elements, text, no
** entities; it stops at </wfpstate> (1.1).
*/
#ifndef NTSEC_WFP_DUMP_LOAD_H
#define NTSEC_WFP_DUMP_LOAD_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guid.h"
#include "status.h"
#include "wfp_classify.h"
#include "wfp_flags.h"
#include "wfp_names.h"

typedef struct xnode {
    char *tag, *text;           /* NUL-terminated after parsing; text NULL for inner nodes */
    struct xnode *child, *next;
} xnode;

typedef struct xdoc {
    char *buf;
    xnode *nodes;
    size_t n, cap;
    xnode *root;
} xdoc;

typedef struct dump_counts {
    size_t sublayers, callouts, filters, conditions, errors;
} dump_counts;

static void xdoc_free(xdoc *d)
{
    free(d->buf);
    free(d->nodes);
}

/* Parse p[0..len) into d; 0 on malformed input. */
static int xdoc_parse(xdoc *d, char *p, size_t len)
{
    xnode *stack[64];
    char *ends[4096];
    size_t depth = 0, nends = 0, i = 0, k;
    memset(stack, 0, sizeof stack);
    for (k = 0; k < len; k++) d->cap += p[k] == '<';
    d->nodes = calloc(d->cap + 1, sizeof *d->nodes);
    if (!d->nodes) return 0;
    while (i < len) {
        if (p[i] != '<') {
            size_t j = i;
            while (j < len && p[j] != '<') j++;
            if (depth && !stack[depth - 1]->child) stack[depth - 1]->text = p + i;
            i = j;
            continue;
        }
        if (p[i + 1] == '?' || p[i + 1] == '!') {
            while (i < len && p[i] != '>') i++;
            i++;
            continue;
        }
        if (p[i + 1] == '/') {
            if (!depth) return 0;
            p[i] = 0;                  /* ends the text of the element being closed */
            if (stack[depth - 1]->child) stack[depth - 1]->text = NULL;
            depth--;
            while (i < len && p[i] != '>') i++;
            i++;
            if (!depth) break;         /* </wfpstate>: the rest is not part of it */
            continue;
        }
        {
            xnode *x = &d->nodes[d->n++];
            size_t j = i + 1;
            int self;
            x->tag = p + j;
            while (j < len && p[j] != ' ' && p[j] != '>' && p[j] != '/') j++;
            if (nends < sizeof ends / sizeof ends[0]) ends[nends++] = p + j;
            else return 0;
            while (j < len && p[j] != '>') j++;
            self = p[j - 1] == '/';
            if (depth) {
                xnode *parent = stack[depth - 1], **tail = &parent->child;
                while (*tail) tail = &(*tail)->next;
                *tail = x;
            } else {
                d->root = x;
            }
            if (!self) {
                if (depth == 64) return 0;
                stack[depth++] = x;
            }
            i = j + 1;
            /* tag names are terminated after the scan; flush in batches */
            if (nends == sizeof ends / sizeof ends[0]) {
                for (k = 0; k < nends; k++) *ends[k] = 0;
                nends = 0;
            }
        }
    }
    for (k = 0; k < nends; k++) *ends[k] = 0;
    return d->root != NULL;
}

static xnode *xchild(const xnode *n, const char *tag)
{
    xnode *c;
    for (c = n ? n->child : NULL; c; c = c->next)
        if (strcmp(c->tag, tag) == 0) return c;
    return NULL;
}

static const char *xtext(const xnode *n, const char *tag)
{
    xnode *c = xchild(n, tag);
    return c && c->text ? c->text : "";
}

static int key_of_text(const char *s, ntsec_guid *g)
{
    size_t n = strlen(s);
    memset(g, 0, sizeof *g);
    if (n && s[0] == '{') return ntsec_guid_parse(s, n, g);
    return n && ntsec_wfp_name_to_guid(s, n, g);
}

static uint32_t flags_of(const xnode *n)
{
    uint32_t f = 0, v;
    xnode *c;
    for (c = n ? n->child : NULL; c; c = c->next)
        if (c->text && ntsec_wfp_flag_parse(c->text, strlen(c->text), &v)) f |= v;
    return f;
}

static void load_condition(ntsec_wfp_filter_set *s, const xnode *it, ntsec_wfp_condition *out,
                           dump_counts *cnt)
{
    ntsec_wfp_condition_text t;
    const xnode *cv = xchild(it, "conditionValue"), *v;
    char err[160];
    memset(&t, 0, sizeof t);
    t.field = xtext(it, "fieldKey");
    t.match = xtext(it, "matchType");
    t.type = xtext(cv, "type");
    for (v = cv ? cv->child : NULL; v; v = v->next) {
        if (strcmp(v->tag, "type") == 0) continue;
        if (strcmp(v->tag, "byteBlob") == 0) t.value = xtext(v, "data");
        else if (strcmp(v->tag, "rangeValue") == 0) {
            const xnode *lo = xchild(v, "valueLow"), *hi = xchild(v, "valueHigh");
            t.low_type = xtext(lo, "type");
            t.high_type = xtext(hi, "type");
            t.low = lo && lo->child && lo->child->next ? lo->child->next->text : "";
            t.high = hi && hi->child && hi->child->next ? hi->child->next->text : "";
        } else t.value = v->text ? v->text : "";
    }
    if (ntsec_wfp_set_condition_from_text(s, &t, out, err, sizeof err) != STATUS_SUCCESS) {
        fprintf(stderr, "condition %s: %s\n", t.field, err);
        cnt->errors++;
    }
}

static void load_filter(ntsec_wfp_filter_set *s, const xnode *it, dump_counts *cnt)
{
    ntsec_wfp_condition conds[64];
    ntsec_wfp_filter_def d;
    const xnode *fc = xchild(it, "filterCondition"), *c, *w = xchild(it, "weight"), *a = xchild(it, "action");
    const char *wt = xtext(w, "type"), *at = xtext(a, "type");
    uint32_t n = 0;
    memset(&d, 0, sizeof d);
    key_of_text(xtext(it, "filterKey"), &d.key);
    d.name = xtext(xchild(it, "displayData"), "name");
    d.flags = flags_of(xchild(it, "flags"));
    key_of_text(xtext(it, "layerKey"), &d.layer);
    key_of_text(xtext(it, "subLayerKey"), &d.sublayer);
    d.weight_type = ntsec_fwp_type_from_name(wt, strlen(wt));
    d.weight = strtoull(w && w->child && w->child->next ? w->child->next->text : "0", NULL, 10);
    d.effective_weight = strtoull(xtext(xchild(it, "effectiveWeight"), "uint64"), NULL, 10);
    ntsec_wfp_action_parse(at, strlen(at), &d.action);
    if (d.action & NTSEC_WFP_ACTION_FLAG_CALLOUT) key_of_text(xtext(a, "filterType"), &d.callout);
    d.has_provider_context = xchild(it, "providerContextKey") != NULL;
    if (d.has_provider_context) key_of_text(xtext(it, "providerContextKey"), &d.provider_context);
    d.id = strtoull(xtext(it, "filterId"), NULL, 10);
    for (c = fc ? fc->child : NULL; c && n < 64; c = c->next) load_condition(s, c, &conds[n++], cnt);
    d.conditions = conds;
    d.condition_count = n;
    cnt->conditions += n;
    if (ntsec_wfp_set_add_filter(s, &d) == STATUS_SUCCESS) cnt->filters++;
    else cnt->errors++;
}

/* Load path into s. Returns 1 on success (counts in *cnt). */
static int wfp_dump_load(const char *path, ntsec_wfp_filter_set *s, dump_counts *cnt)
{
    FILE *fp = fopen(path, "rb");
    xdoc d;
    long len;
    const xnode *l, *it;
    memset(&d, 0, sizeof d);
    memset(cnt, 0, sizeof *cnt);
    if (!fp) return 0;
    fseek(fp, 0, SEEK_END);
    len = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    d.buf = malloc((size_t)len + 1);
    if (!d.buf || fread(d.buf, 1, (size_t)len, fp) != (size_t)len) {
        fclose(fp);
        xdoc_free(&d);
        return 0;
    }
    fclose(fp);
    d.buf[len] = 0;
    if (!xdoc_parse(&d, d.buf, (size_t)len)) {
        xdoc_free(&d);
        return 0;
    }
    for (it = xchild(xchild(d.root, "subLayers"), "item"); it; it = it->next) {
        ntsec_guid k;
        key_of_text(xtext(it, "subLayerKey"), &k);
        if (ntsec_wfp_set_add_sublayer(s, &k, (uint16_t)strtoul(xtext(it, "weight"), NULL, 10),
                                       xtext(xchild(it, "displayData"), "name")) == STATUS_SUCCESS)
            cnt->sublayers++;
    }
    for (l = xchild(xchild(d.root, "layers"), "item"); l; l = l->next) {
        for (it = xchild(xchild(l, "callouts"), "item"); it; it = it->next) {
            ntsec_guid k;
            key_of_text(xtext(it, "calloutKey"), &k);
            if (ntsec_wfp_set_add_callout(s, &k, (flags_of(xchild(it, "flags")) & 0x00040000u) != 0,
                                          xtext(xchild(it, "displayData"), "name")) == STATUS_SUCCESS)
                cnt->callouts++;
        }
        for (it = xchild(xchild(l, "filters"), "item"); it; it = it->next) load_filter(s, it, cnt);
    }
    xdoc_free(&d);
    return 1;
}

#endif
