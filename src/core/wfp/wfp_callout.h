/*
** wfp_callout.h: FwpmCalloutAdd0 / DeleteByKey0 / GetByKey0
** (wfp_ks_errors.md 2.4, rights 3.2). Check order: docs/wfp.md.
*/
#ifndef NTSEC_WFP_CALLOUT_H
#define NTSEC_WFP_CALLOUT_H

#include "wfp.h"

/* FWPM_CALLOUT0 as given to FwpmCalloutAdd0. */
typedef struct ntsec_wfp_callout_spec {
    ntsec_guid key;              /* GUID_NULL: generated */
    const char *name;            /* displayData.name; NULL -> STATUS_FWP_NULL_DISPLAY_NAME */
    const char *description;
    uint32_t flags;              /* PERSISTENT | USES_PROVIDER_CONTEXT only */
    const ntsec_guid *provider;  /* providerKey, NULL = none */
    ntsec_guid layer;            /* applicableLayer; GUID_NULL = not checked */
} ntsec_wfp_callout_spec;

/* FwpmCalloutAdd0 (SDKAPI-CA, DDI-CA). sd NULL: inherit from the callouts
** container; otherwise the descriptor is used as given (referenced).
** *id (may be NULL) receives the calloutId.
** Errors: STATUS_INVALID_HANDLE, EPT_NT_NOT_REGISTERED,
** STATUS_FWP_INCOMPATIBLE_TXN (read-only txn), STATUS_FWP_NULL_DISPLAY_NAME,
** STATUS_FWP_INVALID_FLAGS, STATUS_ACCESS_DENIED (ADD on the container,
** ADD_LINK on provider/layer), STATUS_FWP_ALREADY_EXISTS,
** STATUS_FWP_PROVIDER_NOT_FOUND, STATUS_FWP_LAYER_NOT_FOUND,
** STATUS_FWP_LIFETIME_MISMATCH, STATUS_FWP_TOO_MANY_CALLOUTS, STATUS_NO_MEMORY. */
NTSTATUS ntsec_wfp_callout_add(ntsec_wfp_engine *e, ntsec_wfp_handle h,
                               const ntsec_wfp_callout_spec *spec, ntsec_sd *sd,
                               uint32_t *id);

/* FwpmCalloutDeleteByKey0 (DDI-CDK, SDKAPI-CDK).
** Errors: STATUS_INVALID_HANDLE, EPT_NT_NOT_REGISTERED,
** STATUS_FWP_INCOMPATIBLE_TXN, STATUS_FWP_CALLOUT_NOT_FOUND,
** STATUS_FWP_WRONG_SESSION / STATUS_FWP_DYNAMIC_SESSION_IN_PROGRESS (dynamic
** session rules of 2.7), STATUS_ACCESS_DENIED (DELETE),
** STATUS_FWP_BUILTIN_OBJECT, STATUS_FWP_IN_USE, STATUS_NO_MEMORY. */
NTSTATUS ntsec_wfp_callout_delete_by_key(ntsec_wfp_engine *e, ntsec_wfp_handle h,
                                         const ntsec_guid *key);

/* FwpmCalloutGetByKey0 (DDI-CGK): needs FWPM_ACTRL_READ on the callout.
** Errors: STATUS_INVALID_HANDLE, EPT_NT_NOT_REGISTERED,
** STATUS_FWP_CALLOUT_NOT_FOUND, STATUS_ACCESS_DENIED. */
NTSTATUS ntsec_wfp_callout_get_by_key(ntsec_wfp_engine *e, ntsec_wfp_handle h,
                                      const ntsec_guid *key, ntsec_wfp_object_info *out);

#endif
