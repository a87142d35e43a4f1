/*
** ks_create.c: create-time lookup and access checks of KS objects
** (wfp_ks_errors.md 4.2-4.3; docs/ks.md "Create").
*/
#include <string.h>

#include "ks_create.h"
#include "ks_device.h"
#include "ks_item.h"
#include "ks_object.h"
#include "access.h"
#include "status.h"

/* S-1-0-0 (NULL SID, "no security principal"): stands in for a missing
** owner/group so that the check grants no owner rights. */
static const uint8_t null_sid[12] = {1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};

/* What one create asks for and is granted so far. */
typedef struct create_request {
    const ntsec_token *token;   /* NULL: kernel-mode caller */
    ACCESS_MASK want;           /* desired access, generic bits mapped */
    ACCESS_MASK granted;        /* intersection of the checks so far */
    int checked;                /* a descriptor was checked: granted is its answer */
} create_request;

static NTSTATUS pool_status(NTSTATUS st)
{
    return st == STATUS_NO_MEMORY ? STATUS_INSUFFICIENT_RESOURCES : st;
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

/* NtAccessCheck of sd for the request; narrows req->granted. */
static NTSTATUS check_descriptor(const ntsec_sd *sd, create_request *req)
{
    ntsec_access_result r;
    ntsec_sd *complete;
    NTSTATUS st = with_subjects(sd, &complete);
    if (st != STATUS_SUCCESS) return pool_status(st);
    memset(&r, 0, sizeof r);
    st = ntsec_access_check(complete ? complete : sd, req->token, req->want,
                            &ntsec_file_mapping, NULL, &r);
    ntsec_sd_unref(complete);
    if (st != STATUS_SUCCESS) return pool_status(st);
    if (r.access_status != STATUS_SUCCESS) return r.access_status;
    req->granted = req->checked ? (req->granted & r.granted) : r.granted;
    req->checked = 1;
    return STATUS_SUCCESS;
}

/* Step 1: the I/O manager's check against the device object's descriptor. */
static NTSTATUS device_check(const ntsec_ks_device *dev, int whole_namespace,
                             create_request *req)
{
    int applies = whole_namespace || (dev->characteristics & FILE_DEVICE_SECURE_OPEN);
    if (!req->token || !dev->security_descriptor || !applies) return STATUS_SUCCESS;
    return check_descriptor(dev->security_descriptor, req);
}

/* Step 3: the check against the matched item's descriptor. */
static NTSTATUS item_check(const ntsec_ks_create_item *item, create_request *req)
{
    if (req->token && item->security_descriptor)
        return check_descriptor(item->security_descriptor, req);
    if (req->token && (req->want & ACCESS_SYSTEM_SECURITY) &&
        !ntsec_token_privilege_enabled(req->token, SE_SECURITY_PRIVILEGE))
        return STATUS_PRIVILEGE_NOT_HELD;
    return STATUS_SUCCESS;
}

static void request_init(create_request *req, const ntsec_token *token, ACCESS_MASK desired)
{
    ACCESS_MASK want = ntsec_map_generic(desired, &ntsec_file_mapping);
    req->token = token;
    req->want = want;
    req->checked = 0;
    /* unchecked: the request as asked, MAXIMUM_ALLOWED as FILE_ALL_ACCESS */
    req->granted = (want & ~MAXIMUM_ALLOWED) | ((want & MAXIMUM_ALLOWED) ? FILE_ALL_ACCESS : 0);
}

static NTSTATUS open_file(ntsec_ks_device *dev, ntsec_ks_create_item *item, ACCESS_MASK granted,
                          ntsec_ks_file **out)
{
    ntsec_ks_file *file;
    NTSTATUS st = ntsec_ks_file_new(dev, granted, &file);
    if (st != STATUS_SUCCESS) return st;
    st = ntsec_ks_file_attach_header(file, item, NULL, item->children.items,
                                     item->children.count);
    if (st != STATUS_SUCCESS) {
        ntsec_ks_file_free(file);
        return st;
    }
    *out = file;
    return STATUS_SUCCESS;
}

/* Steps 2-5 on the create-item list l. */
static NTSTATUS create_in(ntsec_ks_device *dev, const ntsec_ks_item_list *l, const char *name,
                          size_t len, create_request *req, ntsec_ks_file **out)
{
    int has_params = 0;
    ntsec_ks_create_item *item = ntsec_ks_list_match(l, name, len, &has_params);
    NTSTATUS st;
    if (!item) return STATUS_OBJECT_NAME_NOT_FOUND;
    if (has_params && (item->flags & KSCREATE_ITEM_NOPARAMETERS)) return STATUS_INVALID_PARAMETER;
    st = item_check(item, req);
    if (st != STATUS_SUCCESS) return st;
    return open_file(dev, item, req->granted, out);
}

NTSTATUS ntsec_ks_create(ntsec_ks_device *dev, const char *name, size_t len,
                         const ntsec_token *token, ACCESS_MASK desired, ntsec_ks_file **out)
{
    create_request req;
    NTSTATUS st;
    request_init(&req, token, desired);
    st = device_check(dev, len == 0, &req);
    if (st != STATUS_SUCCESS) return st;
    return create_in(dev, &dev->create_items, name, len, &req, out);
}

NTSTATUS ntsec_ks_create_related(ntsec_ks_file *parent, const char *name, size_t len,
                                 const ntsec_token *token, ACCESS_MASK desired,
                                 ntsec_ks_file **out)
{
    static const ntsec_ks_item_list no_children = {NULL, 0, 0};
    const ntsec_ks_object_header *h = parent->fs_context;
    create_request req;
    NTSTATUS st;
    request_init(&req, token, desired);
    st = device_check(parent->device, 0, &req);
    if (st != STATUS_SUCCESS) return st;
    return create_in(parent->device, h ? &h->child_items : &no_children, name, len, &req, out);
}
