/*
** ks_dispatch.c: KspDispatchIrp and KsDispatchInvalidDeviceRequest
** (wfp_ks_errors.md 4.2, 4.3).
*/
#include "ks_dispatch.h"
#include "ks_irp.h"
#include "status.h"

NTSTATUS ntsec_ks_dispatch_invalid_device_request(ntsec_ks_device *dev, ntsec_ks_irp *irp)
{
    (void)dev;
    return ntsec_ks_irp_finish(irp, STATUS_INVALID_DEVICE_REQUEST);
}

static ntsec_ks_dispatch_fn slot_for(const ntsec_ks_object_header *h, uint8_t major)
{
    if (major == IRP_MJ_SET_SECURITY) return h->dispatch.set_security;
    if (major == IRP_MJ_QUERY_SECURITY) return h->dispatch.query_security;
    return NULL;
}

/* ReactOS completes IRPs on header-less files with success and Information 0. */
static NTSTATUS complete_headerless(ntsec_ks_irp *irp)
{
    if (irp->completion_count) return ntsec_ks_irp_complete(irp, IO_NO_INCREMENT);
    irp->io_status.information = 0;
    return ntsec_ks_irp_finish(irp, STATUS_SUCCESS);
}

NTSTATUS ntsec_ks_dispatch_irp(ntsec_ks_device *dev, ntsec_ks_irp *irp)
{
    const ntsec_ks_object_header *h = irp->file_object ? irp->file_object->fs_context : NULL;
    ntsec_ks_dispatch_fn fn;
    if (!h) return complete_headerless(irp);
    fn = slot_for(h, irp->major_function);
    if (!fn) fn = ntsec_ks_dispatch_invalid_device_request;
    return fn(dev, irp);
}
