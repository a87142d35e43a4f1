/*
** wfp_classify_internal.h: the filter set's representation, shared by
** wfp_classify_set.c (building) and wfp_classify.c (evaluation). Not public.
*/
#ifndef NTSEC_WFP_CLASSIFY_INTERNAL_H
#define NTSEC_WFP_CLASSIFY_INTERNAL_H

#include "wfp_classify.h"

typedef struct set_chunk {
    struct set_chunk *next;
    size_t used, cap;
    uint8_t data[];
} set_chunk;

typedef struct set_sublayer {
    ntsec_guid key;
    uint16_t weight;
    const char *name;
} set_sublayer;

typedef struct set_callout {
    ntsec_guid key;
    int registered;
    const char *name;
} set_callout;

/* A layer's candidate filters in arbitration order (3.2, 3.3); sub[i] is the
** set_sublayer index of order[i] (UINT32_MAX: unknown sublayer). */
typedef struct set_layer {
    ntsec_guid key;
    uint32_t *order;
    uint32_t *sub;
    uint64_t *ew;              /* effective weight of order[i] */
    uint32_t *flags;           /* filter flags of order[i] */
    uint32_t *group_end;       /* end of the sublayer group holding position i */
    size_t n;
} set_layer;

/* Quick rejection (wfp_classify.c): a filter whose IP_PROTOCOL or
** ALE_APP_ID run is one EQUAL condition is rejected by comparing that value
** first; cond index -1 when there is none. */
typedef struct set_quick {
    int32_t proto_cond, app_cond;
    uint8_t proto;
} set_quick;

struct ntsec_wfp_filter_set {
    set_chunk *arena;
    ntsec_wfp_filter_def *filters;
    size_t nfilters, cap_filters;
    set_sublayer *subs;
    size_t nsubs, cap_subs;
    set_callout *callouts;
    size_t ncallouts, cap_callouts;
    ntsec_sd **sds;            /* distinct condition descriptors (referenced) */
    ntsec_sd **check_sds;      /* their check descriptors (referenced) */
    size_t nsds, cap_sds;
    set_layer *layers;
    size_t nlayers;
    set_quick *quick;          /* per filter, built with the index */
    int indexed;               /* layers are current */
    int unique_keys;           /* filled from an engine: keys are unique, no duplicate scan */
    uint64_t version;          /* bumped by every change */
};

/* Build the per-layer index when a change made it stale. STATUS_NO_MEMORY. */
NTSTATUS wfp_set_index(ntsec_wfp_filter_set *s);
const set_layer *wfp_set_layer(const ntsec_wfp_filter_set *s, const ntsec_guid *layer);
const set_callout *wfp_set_callout(const ntsec_wfp_filter_set *s, const ntsec_guid *key);

#endif
