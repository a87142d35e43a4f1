/*
** wfp_objects.h: Fwpm{Provider,SubLayer,Layer,Callout,Filter}{Add0,
** DeleteByKey0, DeleteById0, GetByKey0, GetById0} for the keyed object
** kinds (wfp_ks_errors.md 2.3, 2.4, 3.2; W32-OM). Check order and every
** EMULATOR CHOICE: docs/wfp.md.
**
** Every call takes the session handle first and returns an NTSTATUS (the
** kernel-mode value; user-mode callers convert with ntsec_nt_to_win32).
** Common errors: STATUS_INVALID_HANDLE, EPT_NT_NOT_REGISTERED (BFE not
** running), STATUS_FWP_TXN_ABORTED (a forced abort reported once),
** STATUS_FWP_TIMEOUT (another session holds the transaction lock),
** STATUS_INVALID_PARAMETER (kind not keyed / not addable), STATUS_NO_MEMORY.
*/
#ifndef NTSEC_WFP_OBJECTS_H
#define NTSEC_WFP_OBJECTS_H

#include "wfp.h"

/* What Fwpm*Add0 takes, for every kind (fields a kind does not have are
** ignored). Layers are built-in and cannot be added. */
typedef struct ntsec_wfp_add_spec {
    ntsec_guid key;                 /* GUID_NULL: generated (W32-OM) */
    const char *name;               /* displayData.name; NULL -> STATUS_FWP_NULL_DISPLAY_NAME */
    const char *description;
    uint32_t flags;                 /* provider/sublayer: PERSISTENT; callout: PERSISTENT |
                                       USES_PROVIDER_CONTEXT; filter: FWPM_FILTER_FLAG_* */
    const ntsec_guid *provider;     /* providerKey (sublayer, callout, filter), NULL = none */
    ntsec_guid layer;               /* callout: applicableLayer (GUID_NULL: unchecked);
                                       filter: layerKey (required) */
    ntsec_guid sublayer;            /* filter: subLayerKey (GUID_NULL: FWPM_SUBLAYER_UNIVERSAL) */
    uint32_t action;                /* filter: action.type (FWP_ACTION_*) */
    ntsec_guid callout;             /* filter: action.calloutKey (callout actions) */
    int weight_type;                /* sublayer: 1 = weight given (UINT16);
                                       filter: 0 FWP_EMPTY, 1 FWP_UINT8, 2 FWP_UINT64 */
    uint64_t weight;
    const char *service;            /* provider: serviceName */
    const struct ntsec_wfp_condition *conditions;   /* filter: filterCondition (copied) */
    uint32_t condition_count;       /* numFilterConditions */
    const ntsec_guid *provider_context;   /* filter: providerContextKey (with the flag
                                       FWPM_FILTER_FLAG_HAS_PROVIDER_CONTEXT), NULL = none */
    uint32_t context_type;          /* provider context: type (FWPM_PROVIDER_CONTEXT_TYPE) */
    const uint8_t *data;            /* provider context: the data (copied): a general
                                       context's dataBuffer bytes */
    size_t data_len;
} ntsec_wfp_add_spec;

/* Fwpm{Provider,SubLayer,Callout,Filter,ProviderContext}Add0. sd NULL: inherit from the
** kind's container (owner = the session's user); otherwise the descriptor is
** used as given. key_out / id_out (either may be NULL) receive the key and
** the id (calloutId / filterId; 0 for providers and sublayers).
** Order: handle, running, read-only transaction (STATUS_FWP_INCOMPATIBLE_TXN),
** NULL name (STATUS_FWP_NULL_DISPLAY_NAME), flags (STATUS_FWP_INVALID_FLAGS;
** provider-context flags STATUS_NOT_SUPPORTED), filter action type
** (STATUS_FWP_INVALID_ACTION_TYPE) and weight (STATUS_FWP_INVALID_WEIGHT),
** HAS_SECURITY_REALM_PROVIDER_CONTEXT (STATUS_NOT_SUPPORTED: security realms
** are not modelled), a provider context's type (STATUS_FWP_INVALID_ENUMERATOR),
** lock, ADD on the container
** (STATUS_ACCESS_DENIED), key in use (STATUS_FWP_ALREADY_EXISTS), each
** reference in the order provider, layer, sublayer, callout, provider context
** (a filter with HAS_PROVIDER_CONTEXT; a zero key is not found): exists
** (STATUS_FWP_{PROVIDER,LAYER,SUBLAYER,CALLOUT,PROVIDER_CONTEXT}_NOT_FOUND), ADD_LINK
** (STATUS_ACCESS_DENIED), lifetimes (STATUS_FWP_LIFETIME_MISMATCH), a filter's
** callout applicable to its layer (STATUS_FWP_INCOMPATIBLE_LAYER), then the
** callout limit (STATUS_FWP_TOO_MANY_CALLOUTS). */
NTSTATUS ntsec_wfp_object_add(ntsec_wfp_engine *e, ntsec_wfp_handle h, ntsec_wfp_kind kind,
                              const ntsec_wfp_add_spec *spec, ntsec_sd *sd,
                              ntsec_guid *key_out, uint64_t *id_out);

/* Fwpm*DeleteByKey0 / DeleteById0 (by id: callouts and filters).
** Order: handle, running, read-only transaction, NULL key
** (STATUS_FWP_NULL_POINTER), lock, not found (STATUS_FWP_*_NOT_FOUND),
** dynamic-session rule (STATUS_FWP_WRONG_SESSION /
** STATUS_FWP_DYNAMIC_SESSION_IN_PROGRESS), DELETE (STATUS_ACCESS_DENIED),
** built-in (STATUS_FWP_BUILTIN_OBJECT), referenced (STATUS_FWP_IN_USE). */
NTSTATUS ntsec_wfp_object_delete(ntsec_wfp_engine *e, ntsec_wfp_handle h, ntsec_wfp_kind kind,
                                 const ntsec_guid *key);
NTSTATUS ntsec_wfp_object_delete_by_id(ntsec_wfp_engine *e, ntsec_wfp_handle h,
                                       ntsec_wfp_kind kind, uint64_t id);

/* Fwpm*GetByKey0 / GetById0 (by id: layers, callouts, filters): READ on the
** object. *out borrows from the engine until the next change.
** Errors: STATUS_FWP_NULL_POINTER, STATUS_FWP_*_NOT_FOUND, STATUS_ACCESS_DENIED. */
NTSTATUS ntsec_wfp_object_get(ntsec_wfp_engine *e, ntsec_wfp_handle h, ntsec_wfp_kind kind,
                              const ntsec_guid *key, ntsec_wfp_object_info *out);
NTSTATUS ntsec_wfp_object_get_by_id(ntsec_wfp_engine *e, ntsec_wfp_handle h,
                                    ntsec_wfp_kind kind, uint64_t id, ntsec_wfp_object_info *out);

/* The not-found status of a keyed kind (STATUS_FWP_PROVIDER_NOT_FOUND, ...). */
NTSTATUS ntsec_wfp_not_found_status(ntsec_wfp_kind kind);

#endif
