/*
** ks_create.c: create-time lookup and access check of KS objects
** (wfp_ks_errors.md 4.2-4.3; docs/ks.md "Create").
*/
#include <string.h>

#include "ks_create.h"
#include "ks_device.h"
#include "ks_object.h"
#include "access.h"
#include "status.h"

/* S-1-0-0 (NULL SID, "no security principal"): stands in for a missing
** owner/group so that the check grants no owner rights. */
static const uint8_t null_sid[12] = {1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};

static NTSTATUS pool_status(NTSTATUS st)
{
    return st == STATUS_NO_MEMORY ? STATUS_INSUFFICIENT_RESOURCES : st;
}

/* Access given without a DACL to evaluate (kernel caller or no descriptor). */
static ACCESS_MASK unchecked_grant(ACCESS_MASK want)
{
    ACCESS_MASK granted = want & ~MAXIMUM_ALLOWED;
    return (want & MAXIMUM_ALLOWED) ? granted | FILE_ALL_ACCESS : granted;
}

/* *out = sd with the NULL SID for a missing owner/group, or NULL when sd
** already has both. */
static NTSTATUS with_subjects(const ntsec_sd *sd, ntsec_sd **out)
{
    ntsec_sd_parts p;
    ntsec_sd_get_parts(sd, &p);
    *out = NULL;
    if (p.owner && p.group) return STATUS_SUCCESS;
    if (!p.owner) p.owner = null_sid;
    if (!p.group) p.group = null_sid;
    return ntsec_sd_build(&p, out);
}

static NTSTATUS check_descriptor(const ntsec_sd *sd, const ntsec_token *token,
                                 ACCESS_MASK want, ACCESS_MASK *granted)
{
    ntsec_access_result r;
    ntsec_sd *complete;
    NTSTATUS st = with_subjects(sd, &complete);
    if (st != STATUS_SUCCESS) return pool_status(st);
    memset(&r, 0, sizeof r);
    st = ntsec_access_check(complete ? complete : sd, token, want, &ntsec_file_mapping, NULL, &r);
    ntsec_sd_unref(complete);
    if (st != STATUS_SUCCESS) return pool_status(st);
    if (r.access_status != STATUS_SUCCESS) return r.access_status;
    *granted = r.granted;
    return STATUS_SUCCESS;
}

static NTSTATUS create_access(const ntsec_ks_create_item *item, const ntsec_token *token,
                              ACCESS_MASK desired, ACCESS_MASK *granted)
{
    ACCESS_MASK want = ntsec_map_generic(desired, &ntsec_file_mapping);
    if (token && item->security_descriptor)
        return check_descriptor(item->security_descriptor, token, want, granted);
    if (token && (want & ACCESS_SYSTEM_SECURITY) &&
        !ntsec_token_privilege_enabled(token, SE_SECURITY_PRIVILEGE))
        return STATUS_PRIVILEGE_NOT_HELD;
    *granted = unchecked_grant(want);
    return STATUS_SUCCESS;
}

static NTSTATUS open_file(ntsec_ks_device *dev, ntsec_ks_create_item *item, ACCESS_MASK granted,
                          ntsec_ks_file **out)
{
    ntsec_ks_file *file;
    NTSTATUS st = ntsec_ks_file_new(dev, granted, &file);
    if (st != STATUS_SUCCESS) return st;
    st = ntsec_ks_file_attach_header(file, item, NULL);
    if (st != STATUS_SUCCESS) {
        ntsec_ks_file_free(file);
        return st;
    }
    *out = file;
    return STATUS_SUCCESS;
}

NTSTATUS ntsec_ks_create(ntsec_ks_device *dev, const char *name, size_t len,
                         const ntsec_token *token, ACCESS_MASK desired, ntsec_ks_file **out)
{
    int has_params = 0;
    ACCESS_MASK granted = 0;
    ntsec_ks_create_item *item = ntsec_ks_device_match(dev, name, len, &has_params);
    NTSTATUS st;
    if (!item) return STATUS_OBJECT_NAME_NOT_FOUND;
    if (has_params && (item->flags & KSCREATE_ITEM_NOPARAMETERS)) return STATUS_INVALID_PARAMETER;
    st = create_access(item, token, desired, &granted);
    if (st != STATUS_SUCCESS) return st;
    return open_file(dev, item, granted, out);
}
