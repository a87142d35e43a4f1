/*
** wfp_classify_engine.c: the filter set of an engine (issue 12): its
** sublayers (weights), callouts (registration) and filters (conditions,
** effective weights) copied into an ntsec_wfp_filter_set for
** ntsec_wfp_classify. Engine-level, no access checks (like the listings of
** wfp_import.h).
*/
#include <stdint.h>
#include <string.h>

#include "wfp_internal.h"
#include "wfp_import.h"
#include "wfp_classify.h"
#include "wfp_classify_internal.h"
#include "status.h"

uint64_t ntsec_wfp_engine_generation(const ntsec_wfp_engine *e)
{
    return e->generation;
}

uint64_t ntsec_wfp_effective_weight(const ntsec_wfp_object_info *o)
{
    if (o->filter.has_effective_weight) return o->filter.effective_weight;
    if (!o->has_weight) return 0;
    return o->weight <= 15 ? o->weight << 60 : o->weight;
}

static NTSTATUS add_filter(ntsec_wfp_filter_set *s, const ntsec_wfp_object_info *o)
{
    ntsec_wfp_filter_def d;
    memset(&d, 0, sizeof d);
    d.key = o->key;
    d.id = o->id;
    d.name = o->name;
    d.layer = o->layer;
    d.sublayer = o->sublayer;
    d.weight_type = !o->has_weight ? 0u : o->weight <= 15 ? 1u : 4u;
    d.weight = o->weight;
    d.effective_weight = ntsec_wfp_effective_weight(o);
    d.action = o->action;
    d.callout = o->callout;
    d.flags = o->flags;
    d.has_provider_context = o->filter.has_provider_context;
    d.provider_context = o->filter.provider_context;
    d.conditions = o->filter.conditions;
    d.condition_count = o->filter.condition_count;
    return ntsec_wfp_set_add_filter(s, &d);
}

static NTSTATUS fill(const ntsec_wfp_engine *e, ntsec_wfp_filter_set *s)
{
    ntsec_wfp_object_info o;
    size_t cur = 0;
    NTSTATUS st = STATUS_SUCCESS;
    while (st == STATUS_SUCCESS && ntsec_wfp_object_next(e, NTSEC_WFP_SUBLAYER, &cur, &o))
        st = ntsec_wfp_set_add_sublayer(s, &o.key, (uint16_t)o.weight, o.name);
    cur = 0;
    while (st == STATUS_SUCCESS && ntsec_wfp_object_next(e, NTSEC_WFP_CALLOUT, &cur, &o))
        st = ntsec_wfp_set_add_callout(s, &o.key, (o.flags & NTSEC_FWPM_CALLOUT_FLAG_REGISTERED) != 0, o.name);
    cur = 0;
    s->unique_keys = 1;   /* an engine's filter keys are unique: the set skips its O(n) scan per add */
    while (st == STATUS_SUCCESS && ntsec_wfp_object_next(e, NTSEC_WFP_FILTER, &cur, &o))
        st = add_filter(s, &o);
    return st;
}

NTSTATUS ntsec_wfp_engine_filter_set(const ntsec_wfp_engine *e, ntsec_wfp_filter_set **out)
{
    ntsec_wfp_filter_set *s = ntsec_wfp_filter_set_new();
    NTSTATUS st;
    *out = NULL;
    if (!s) return STATUS_NO_MEMORY;
    st = fill(e, s);
    if (st != STATUS_SUCCESS) {
        ntsec_wfp_filter_set_free(s);
        return st;
    }
    *out = s;
    return STATUS_SUCCESS;
}
