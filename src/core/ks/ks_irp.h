/*
** ks_irp.h: security IRPs and their completion (wfp_ks_errors.md 4.2, 4.3;
** WDD-IRPQ / WDD-IRPS for the Parameters layout).
**
** Completing an IRP twice is a driver bug (Windows bugchecks with
** MULTIPLE_IRP_COMPLETE_REQUESTS). The model never accepts it silently: the
** IRP records double_completed and the completion helper returns
** NTSEC_KS_STATUS_DOUBLE_COMPLETION (docs/ks.md).
*/
#ifndef NTSEC_KS_IRP_H
#define NTSEC_KS_IRP_H

#include "ks_types.h"
#include "status.h"

/* EMULATOR CHOICE: the status reported for a second completion (and by the
** dispatch routines when handed an already completed IRP). It is never
** produced otherwise on these paths. */
#define NTSEC_KS_STATUS_DOUBLE_COMPLETION STATUS_INVALID_PARAMETER_1

/* IRP_MJ_SET_SECURITY on file with Parameters.SetSecurity = {si, sd}. The IRP
** takes its own reference to sd (NULL allowed: a descriptor with no parts).
** IoStatus starts as {STATUS_PENDING, 0}. NULL when out of memory. */
ntsec_ks_irp *ntsec_ks_irp_new_set_security(ntsec_ks_file *file, SECURITY_INFORMATION si,
                                            ntsec_sd *sd);

/* IRP_MJ_QUERY_SECURITY on file with Parameters.QuerySecurity = {si, length}
** and a zeroed UserBuffer of length bytes. NULL when out of memory. */
ntsec_ks_irp *ntsec_ks_irp_new_query_security(ntsec_ks_file *file, SECURITY_INFORMATION si,
                                              uint32_t length);

/* Free an IRP, its buffer and its descriptor reference (never touches the
** file). NULL is a no-op. */
void ntsec_ks_irp_free(ntsec_ks_irp *irp);

/* IoCompleteRequest(irp, boost): counts the completion. The first returns
** STATUS_SUCCESS; any later one sets double_completed and returns
** NTSEC_KS_STATUS_DOUBLE_COMPLETION (IoStatus is left as it was). */
NTSTATUS ntsec_ks_irp_complete(ntsec_ks_irp *irp, uint8_t priority_boost);

/* Set IoStatus.Status = status, complete once, return status: the common
** tail of a dispatch routine. If the IRP was already completed, IoStatus is
** left alone and NTSEC_KS_STATUS_DOUBLE_COMPLETION is returned instead. */
NTSTATUS ntsec_ks_irp_finish(ntsec_ks_irp *irp, NTSTATUS status);

#endif
