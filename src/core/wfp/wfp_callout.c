/*
** wfp_callout.c: FwpmCalloutAdd0, FwpmCalloutDeleteByKey0,
** FwpmCalloutGetByKey0 (wfp_ks_errors.md 2.4) on top of the generic object
** operations (wfp_objects.c).
*/
#include <string.h>

#include "wfp_callout.h"
#include "wfp_objects.h"

NTSTATUS ntsec_wfp_callout_add(ntsec_wfp_engine *e, ntsec_wfp_handle h,
                               const ntsec_wfp_callout_spec *spec, ntsec_sd *sd, uint32_t *id)
{
    ntsec_wfp_add_spec a;
    uint64_t id64 = 0;
    NTSTATUS st;
    memset(&a, 0, sizeof a);
    a.key = spec->key;
    a.name = spec->name;
    a.description = spec->description;
    a.flags = spec->flags;
    a.provider = spec->provider;
    a.layer = spec->layer;
    st = ntsec_wfp_object_add(e, h, NTSEC_WFP_CALLOUT, &a, sd, NULL, &id64);
    if (NT_SUCCESS(st) && id) *id = (uint32_t)id64;
    return st;
}

NTSTATUS ntsec_wfp_callout_delete_by_key(ntsec_wfp_engine *e, ntsec_wfp_handle h,
                                         const ntsec_guid *key)
{
    return ntsec_wfp_object_delete(e, h, NTSEC_WFP_CALLOUT, key);
}

NTSTATUS ntsec_wfp_callout_get_by_key(ntsec_wfp_engine *e, ntsec_wfp_handle h,
                                      const ntsec_guid *key, ntsec_wfp_object_info *out)
{
    return ntsec_wfp_object_get(e, h, NTSEC_WFP_CALLOUT, key, out);
}
