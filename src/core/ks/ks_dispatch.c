/*
** ks_dispatch.c: KspDispatchIrp, KsDispatchInvalidDeviceRequest and the
** I/O-manager set-security path (wfp_ks_errors.md 4.3, 4.5).
*/
#include "ks_dispatch.h"
#include "ks_irp.h"
#include "merge.h"
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

/* The object manager's handle check for a user-mode caller (4.6 row
** "caller lacks WRITE_DAC etc."). */
static int handle_allows(const ntsec_ks_file *file, SECURITY_INFORMATION si)
{
    ACCESS_MASK need = ntsec_required_access_for_set(si);
    return (file->granted_access & need) == need;
}

/* Build, dispatch and free the IRP; no SetSecurity slot counts as success. */
static NTSTATUS send_set_irp(ntsec_ks_file *file, const ntsec_token *token,
                             SECURITY_INFORMATION si, ntsec_sd *sd)
{
    NTSTATUS st;
    ntsec_ks_irp *irp = ntsec_ks_irp_new_set_security(file, si, sd);
    if (!irp) return STATUS_INSUFFICIENT_RESOURCES;
    irp->requestor = token;
    st = ntsec_ks_dispatch_irp(file->device, irp);
    ntsec_ks_irp_free(irp);
    return st == STATUS_INVALID_DEVICE_REQUEST ? STATUS_SUCCESS : st;
}

NTSTATUS ntsec_ks_io_set_security(ntsec_ks_file *file, const ntsec_token *token,
                                  SECURITY_INFORMATION si, ntsec_sd *sd)
{
    if (!sd) return STATUS_INVALID_PARAMETER;
    if (token && !handle_allows(file, si)) return STATUS_ACCESS_DENIED;
    return send_set_irp(file, token, si, sd);
}

NTSTATUS ntsec_ks_io_set_security_bytes(ntsec_ks_file *file, const ntsec_token *token,
                                        SECURITY_INFORMATION si, const uint8_t *bytes,
                                        size_t len)
{
    ntsec_sd *captured;
    NTSTATUS st;
    if (!bytes) return STATUS_INVALID_PARAMETER;
    if (token && !handle_allows(file, si)) return STATUS_ACCESS_DENIED;
    st = ntsec_sd_from_bytes(bytes, len, &captured);
    if (st != STATUS_SUCCESS) return st;
    st = send_set_irp(file, token, si, captured);
    ntsec_sd_unref(captured);
    return st;
}
