/*
** wfp_kinds.c: the WFP kind table (wfp_kinds.h). Facts per kind come from
** the SDK (fwpmtypes.h flag values, fwpmu.h function names) and
** wfp_ks_errors.md 2.3-2.7 (not-found statuses, containers).
*/
#include <stddef.h>

#include "wfp_internal.h"
#include "wfp_kinds.h"
#include "status.h"

#define OBJ_OPS  (NTSEC_WFP_OP_GET_BY_KEY | NTSEC_WFP_OP_SECURITY_KEY | NTSEC_WFP_OP_ENUM \
                  | NTSEC_WFP_OP_INDEX_KEY)
#define ADDABLE  (NTSEC_WFP_OP_ADD | NTSEC_WFP_OP_DELETE_BY_KEY)
#define BY_ID    (NTSEC_WFP_OP_GET_BY_ID | NTSEC_WFP_OP_INDEX_ID)
#define COUNTER(f) offsetof(struct ntsec_wfp_engine, f)

const ntsec_wfp_kind_info ntsec_wfp_kind_rows[NTSEC_WFP_KIND_COUNT] = {
    {NTSEC_WFP_PROVIDER, "provider", "providers", "Fwpm", "Provider", "providerKey", "provider", "provider",
     NTSEC_WFP_PROVIDERS, STATUS_FWP_PROVIDER_NOT_FOUND,
     NTSEC_FWPM_PROVIDER_FLAG_PERSISTENT, NTSEC_FWPM_PROVIDER_FLAG_PERSISTENT, NULL, NULL,
     OBJ_OPS | ADDABLE, 0},
    {NTSEC_WFP_SUBLAYER, "sublayer", "sublayers", "Fwpm", "SubLayer", "subLayerKey", "sublayer", "sublayer",
     NTSEC_WFP_SUBLAYERS, STATUS_FWP_SUBLAYER_NOT_FOUND,
     NTSEC_FWPM_SUBLAYER_FLAG_PERSISTENT, NTSEC_FWPM_SUBLAYER_FLAG_PERSISTENT, NULL, "FWPM_SUBLAYER_",
     OBJ_OPS | ADDABLE, 0},
    {NTSEC_WFP_LAYER, "layer", "layers", "Fwpm", "Layer", "layerKey", "layer", "layer",
     NTSEC_WFP_LAYERS, STATUS_FWP_LAYER_NOT_FOUND, 0, 0, "layer", "FWPM_LAYER_",
     OBJ_OPS | BY_ID, COUNTER(next_layer_id)},
    {NTSEC_WFP_CALLOUT, "callout", "callouts", "Fwpm", "Callout", "calloutKey", "callout", "callout",
     NTSEC_WFP_CALLOUTS, STATUS_FWP_CALLOUT_NOT_FOUND,
     NTSEC_FWPM_CALLOUT_FLAG_PERSISTENT | NTSEC_FWPM_CALLOUT_FLAG_USES_PROVIDER_CONTEXT,
     NTSEC_FWPM_CALLOUT_FLAG_PERSISTENT, "callout", NULL,
     OBJ_OPS | ADDABLE | BY_ID | NTSEC_WFP_OP_DELETE_BY_ID, COUNTER(next_callout_id)},
    {NTSEC_WFP_FILTER, "filter", "filters", "Fwpm", "Filter", "filterKey", "filter", "filter",
     NTSEC_WFP_FILTERS, STATUS_FWP_FILTER_NOT_FOUND,
     NTSEC_FWPM_FILTER_FLAGS_KNOWN, NTSEC_FWPM_FILTER_FLAG_PERSISTENT, "filter", NULL,
     OBJ_OPS | ADDABLE | BY_ID | NTSEC_WFP_OP_DELETE_BY_ID, COUNTER(next_filter_id)},
    {NTSEC_WFP_PROVIDER_CONTEXT, "provider_context", "provider_contexts", "Fwpm", "ProviderContext",
     "providerContextKey", "provider_context", "provider context",
     NTSEC_WFP_PROVIDER_CONTEXTS, STATUS_FWP_PROVIDER_CONTEXT_NOT_FOUND,
     NTSEC_FWPM_PROVIDER_CONTEXT_FLAG_PERSISTENT | NTSEC_FWPM_PROVIDER_CONTEXT_FLAG_DOWNLEVEL,
     NTSEC_FWPM_PROVIDER_CONTEXT_FLAG_PERSISTENT, "provider_context", NULL,
     OBJ_OPS | ADDABLE | BY_ID | NTSEC_WFP_OP_DELETE_BY_ID, COUNTER(next_provider_context_id)},
    {NTSEC_WFP_ENDPOINT, "endpoint", "endpoints", "Fwps", "AleEndpoint", NULL, "endpoints", "ALE endpoint container",
     NTSEC_WFP_ALE_ENDPOINTS, STATUS_FWP_NOT_FOUND, 0, 0, NULL, NULL,
     BY_ID | NTSEC_WFP_OP_SECURITY | NTSEC_WFP_OP_ENUM, 0},
    {NTSEC_WFP_CONNECTION, "connection", "connections", "Fwpm", "Connection", NULL, "connections", "connections container",
     NTSEC_WFP_CONNECTIONS, STATUS_FWP_NOT_FOUND, 0, 0, NULL, NULL,
     BY_ID | NTSEC_WFP_OP_SECURITY | NTSEC_WFP_OP_ENUM, 0},
    {NTSEC_WFP_SESSION_RECORD, "session_record", "sessions", "Fwpm", "Session", "sessionKey", NULL, "session record",
     NTSEC_WFP_ENGINE, STATUS_FWP_NOT_FOUND, 0, 0, NULL, NULL, NTSEC_WFP_OP_INDEX_KEY, 0},
    {NTSEC_WFP_OPEN_SESSION, "session", "open_sessions", "Fwpm", "Engine", NULL, NULL, "session",
     NTSEC_WFP_ENGINE, STATUS_INVALID_HANDLE, 0, 0, NULL, NULL,
     NTSEC_WFP_OP_INDEX_KEY | NTSEC_WFP_OP_INDEX_ID, 0},
    {NTSEC_WFP_ROOT, "engine", "engines", "Fwpm", "Engine", NULL, "engine_object", "engine",
     NTSEC_WFP_ENGINE, STATUS_FWP_NOT_FOUND, 0, 0, NULL, NULL, NTSEC_WFP_OP_SECURITY, 0},
};

size_t ntsec_wfp_kind_count(void)
{
    return NTSEC_WFP_KIND_COUNT;
}

int ntsec_wfp_kind_has(ntsec_wfp_kind kind, uint32_t ops)
{
    const ntsec_wfp_kind_info *r = ntsec_wfp_kind_row(kind);
    return r && (r->ops & ops) == ops;
}

uint64_t *wfp_id_counter(ntsec_wfp_engine *e, ntsec_wfp_kind kind)
{
    const ntsec_wfp_kind_info *r = ntsec_wfp_kind_row(kind);
    return r && r->id_field ? (uint64_t *)(void *)((char *)e + r->id_field) : NULL;
}
