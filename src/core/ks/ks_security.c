/*
** ks_security.c: the two KS security dispatch routines (wfp_ks_errors.md 4.3).
*/
#include <string.h>

#include "ks_security.h"
#include "ks_device.h"
#include "ks_irp.h"
#include "ks_object.h"
#include "merge.h"
#include "secdefs.h"
#include "status.h"

/* Steps 2-3: the object's create item via the header at FsContext
** (EMULATOR CHOICE, 4.3); remembered in KSCREATE_ITEM_IRP_STORAGE. */
static ntsec_ks_create_item *irp_create_item(ntsec_ks_irp *irp)
{
    ntsec_ks_file *file = irp->file_object;
    ntsec_ks_create_item *item =
        file ? ntsec_ks_query_object_create_item(file->fs_context) : NULL;
    irp->create_item_storage = item;
    return item;
}

/* Pool status of the Se routines: allocation failures surface as
** STATUS_INSUFFICIENT_RESOURCES (4.4 step 3, 4.6). */
static NTSTATUS pool_status(NTSTATUS st)
{
    return st == STATUS_NO_MEMORY ? STATUS_INSUFFICIENT_RESOURCES : st;
}

/* The merge result must be an allocation of its own; ntsec_set_security
** always builds a new one, this only guards the invariant. */
static NTSTATUS own_allocation(ntsec_sd **sd, const ntsec_sd *old, const ntsec_sd *input)
{
    ntsec_sd *copy;
    NTSTATUS st;
    if (*sd != old && *sd != input) return STATUS_SUCCESS;
    st = ntsec_sd_from_bytes((*sd)->bytes, (*sd)->len, &copy);
    ntsec_sd_unref(*sd);
    *sd = st == STATUS_SUCCESS ? copy : NULL;
    return st;
}

/* SeSetSecurityDescriptorInfo into a new descriptor (4.4); old untouched. */
static NTSTATUS merge_new(ntsec_ks_device *dev, const ntsec_sd *old, const ntsec_ks_irp *irp,
                          ntsec_sd **out)
{
    const ntsec_sd *input = irp->set_security.security_descriptor;
    ntsec_sd_parts parts;
    ntsec_sd *merged = NULL;
    NTSTATUS st;
    if (!(ntsec_sd_control(old) & SE_SELF_RELATIVE)) return STATUS_BAD_DESCRIPTOR_FORMAT;
    if (ntsec_ks_device_pool_fails(dev)) return STATUS_INSUFFICIENT_RESOURCES;
    memset(&parts, 0, sizeof parts);
    if (input) ntsec_sd_get_parts(input, &parts);
    st = ntsec_set_security(old, irp->set_security.security_information, &parts, 0,
                            &ntsec_file_mapping, irp->requestor, &merged);
    if (st == STATUS_SUCCESS) st = own_allocation(&merged, old, input);
    if (st != STATUS_SUCCESS) return pool_status(st);
    *out = merged;
    return STATUS_SUCCESS;
}

/* Steps 4-6: swap in the new descriptor only once it exists. */
static NTSTATUS replace_security(ntsec_ks_device *dev, ntsec_ks_create_item *item,
                                 const ntsec_ks_irp *irp)
{
    ntsec_sd *merged = NULL;
    NTSTATUS st = merge_new(dev, item->security_descriptor, irp, &merged);
    if (st != STATUS_SUCCESS) return st;
    ntsec_sd_unref(item->security_descriptor);
    item->security_descriptor = merged;
    item->flags |= KSCREATE_ITEM_SECURITYCHANGED;
    return STATUS_SUCCESS;
}

NTSTATUS ntsec_ks_dispatch_set_security(ntsec_ks_device *dev, ntsec_ks_irp *irp)
{
    ntsec_ks_create_item *item;
    if (irp->completion_count) return ntsec_ks_irp_complete(irp, IO_NO_INCREMENT);
    item = irp_create_item(irp);
    if (!item || !item->security_descriptor)
        return ntsec_ks_irp_finish(irp, STATUS_NO_SECURITY_ON_OBJECT);
    return ntsec_ks_irp_finish(irp, replace_security(dev, item, irp));
}

/* SeQuerySecurityDescriptorInfo into UserBuffer (4.5); Information is the
** required length on success and on STATUS_BUFFER_TOO_SMALL. */
static NTSTATUS query_into_buffer(const ntsec_sd *sd, ntsec_ks_irp *irp)
{
    ntsec_sd *selected;
    NTSTATUS st = ntsec_sd_select(sd, irp->query_security.security_information, &selected);
    if (st != STATUS_SUCCESS) return pool_status(st);
    if (irp->query_security.length < selected->len) {
        st = STATUS_BUFFER_TOO_SMALL;
    } else {
        memcpy(irp->user_buffer, selected->bytes, selected->len);
    }
    irp->io_status.information = selected->len;
    ntsec_sd_unref(selected);
    return st;
}

NTSTATUS ntsec_ks_dispatch_query_security(ntsec_ks_device *dev, ntsec_ks_irp *irp)
{
    ntsec_ks_create_item *item;
    (void)dev;
    if (irp->completion_count) return ntsec_ks_irp_complete(irp, IO_NO_INCREMENT);
    item = irp_create_item(irp);
    if (!item || !item->security_descriptor)
        return ntsec_ks_irp_finish(irp, STATUS_NO_SECURITY_ON_OBJECT);
    return ntsec_ks_irp_finish(irp, query_into_buffer(item->security_descriptor, irp));
}

NTSTATUS ntsec_ks_create_default_security(const ntsec_sd *parent, const ntsec_token *token, ntsec_sd **out)
{
    ntsec_new_security_opts o;
    if (!token || !out) return STATUS_INVALID_PARAMETER;
    memset(&o, 0, sizeof o);
    o.token = token;                  /* SeAssignSecurity: AutoInheritFlags 0 */
    return pool_status(ntsec_new_security_ex(parent, NULL, 0, &o, &ntsec_file_mapping, out));
}
