/*
** ks_dispatch.h: routing an IRP through the object header's dispatch table
** (wfp_ks_errors.md 4.2, 4.3 "Dispatch path"; docs/ks.md). The I/O-manager
** side (NtSetSecurityObject / NtQuerySecurityObject) is in ks_io.h.
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
** (4.3: ReactOS notes it as an open Plug-and-Play question). Returns the
** handler's status. */
NTSTATUS ntsec_ks_dispatch_irp(ntsec_ks_device *dev, ntsec_ks_irp *irp);

#endif
