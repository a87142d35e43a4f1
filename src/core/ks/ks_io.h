/*
** ks_io.h: the I/O manager's side of NtSetSecurityObject and
** NtQuerySecurityObject on a KS file handle (wfp_ks_errors.md 4.5, 4.6,
** sd_semantics.md 4.1-4.2; ROS-IOFILE IopGetSetSecurityObject and ROS-SD
** SeSetWorldSecurityDescriptor as behaviour references; docs/ks.md).
**
** token is the calling thread's token; NULL = a kernel-mode caller, for which
** the handle-access check is skipped (ObReferenceObjectByHandle with
** KernelMode). It also becomes the IRP's requestor (owner check of the merge).
*/
#ifndef NTSEC_KS_IO_H
#define NTSEC_KS_IO_H

#include "ks_types.h"

/* NtSetSecurityObject: sd NULL -> STATUS_INVALID_PARAMETER (EMULATOR
** CHOICE); a user caller whose handle lacks ntsec_required_access_for_set(si)
** (WRITE_DAC / WRITE_OWNER / ACCESS_SYSTEM_SECURITY) -> STATUS_ACCESS_DENIED
** before any IRP exists; else build an IRP_MJ_SET_SECURITY IRP, dispatch it
** with ntsec_ks_dispatch_irp, free it; STATUS_INVALID_DEVICE_REQUEST (no
** SetSecurity slot) is reported as STATUS_SUCCESS (4.5). Other statuses pass
** through; an IRP allocation failure is STATUS_INSUFFICIENT_RESOURCES. */
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

/* NtQuerySecurityObject into buffer[0..length) (buffer may be NULL when
** length is 0); *needed (may be NULL) receives IoStatus.Information: the
** bytes written on success, the bytes required on STATUS_BUFFER_TOO_SMALL.
**  1. A user caller whose handle lacks ntsec_required_access_for_query(si)
**     (READ_CONTROL; ACCESS_SYSTEM_SECURITY for the SACL) gets
**     STATUS_ACCESS_DENIED, *needed = 0.
**  2. An IRP_MJ_QUERY_SECURITY IRP of that length is dispatched
**     (ntsec_ks_dispatch_irp); its answer is copied to buffer on success.
**  3. STATUS_BUFFER_OVERFLOW from the driver becomes STATUS_BUFFER_TOO_SMALL.
**  4. STATUS_INVALID_DEVICE_REQUEST (no QuerySecurity slot) is answered with
**     the "World" descriptor: owner WD and group WD when asked for, a DACL
**     with one ACCESS_ALLOWED ACE GENERIC_ALL for WD when asked for, nothing
**     for the SACL; si == 0 -> STATUS_ACCESS_DENIED; too short a buffer ->
**     STATUS_BUFFER_TOO_SMALL with the size needed.
** Errors: as above, STATUS_INSUFFICIENT_RESOURCES, the statuses of
** KsDispatchQuerySecurity (STATUS_NO_SECURITY_ON_OBJECT, ...). */
NTSTATUS ntsec_ks_io_query_security(ntsec_ks_file *file, const ntsec_token *token,
                                    SECURITY_INFORMATION si, uint8_t *buffer,
                                    uint32_t length, uint32_t *needed);

#endif
