/*
** ks_dispatch.h: routing an IRP through the object header's dispatch table
** and the I/O-manager side of NtSetSecurityObject on a KS file
** (wfp_ks_errors.md 4.2, 4.3 "Dispatch path", 4.5, 4.6; docs/ks.md).
*/
#ifndef NTSEC_KS_DISPATCH_H
#define NTSEC_KS_DISPATCH_H

#include "ks_types.h"

/* KsDispatchInvalidDeviceRequest: IoStatus.Status =
** STATUS_INVALID_DEVICE_REQUEST, complete, return it (4.2). */
NTSTATUS ntsec_ks_dispatch_invalid_device_request(ntsec_ks_device *dev, ntsec_ks_irp *irp);

/* KspDispatchIrp: look up the header at irp->file_object->fs_context and call
** its SetSecurity / QuerySecurity slot for the IRP's major function; a NULL
** slot (or another major function) goes to KsDispatchInvalidDeviceRequest.
** A file without a header completes with {STATUS_SUCCESS, 0} as ReactOS does
** (4.3, "FIXME Pnp-Issue"). Returns the handler's status. */
NTSTATUS ntsec_ks_dispatch_irp(ntsec_ks_device *dev, ntsec_ks_irp *irp);

/* NtSetSecurityObject on a KS file handle (4.5, sd_semantics.md 4.1-4.2).
**   token: the calling thread's token; NULL = a kernel-mode caller, for which
**          the handle-access check is skipped (ObReferenceObjectByHandle with
**          KernelMode). Also passed to the merge as the requestor (owner check).
** Steps: sd NULL -> STATUS_INVALID_PARAMETER (EMULATOR CHOICE); user caller
** whose handle lacks ntsec_required_access_for_set(si) -> STATUS_ACCESS_DENIED;
** build an IRP_MJ_SET_SECURITY IRP, dispatch it with ntsec_ks_dispatch_irp,
** free it; STATUS_INVALID_DEVICE_REQUEST (no SetSecurity slot) is reported
** as STATUS_SUCCESS (4.5). Other statuses pass through; an IRP allocation
** failure is STATUS_INSUFFICIENT_RESOURCES. */
NTSTATUS ntsec_ks_io_set_security(ntsec_ks_file *file, const ntsec_token *token,
                                  SECURITY_INFORMATION si, ntsec_sd *sd);

/* The same with the caller's descriptor as self-relative bytes, captured
** after the handle check (SeCaptureSecurityDescriptor, 4.6 "capture" row):
** capture errors are those of ntsec_sd_from_bytes (STATUS_INVALID_SECURITY_DESCR,
** STATUS_UNKNOWN_REVISION, STATUS_INVALID_SID, STATUS_INVALID_ACL,
** STATUS_NO_MEMORY). bytes NULL -> STATUS_INVALID_PARAMETER. */
NTSTATUS ntsec_ks_io_set_security_bytes(ntsec_ks_file *file, const ntsec_token *token,
                                        SECURITY_INFORMATION si, const uint8_t *bytes,
                                        size_t len);

#endif
