/*
** ks_irp.c: IRP construction and completion accounting (wfp_ks_errors.md 4.2).
*/
#include <stdlib.h>

#include "ks_irp.h"

static ntsec_ks_irp *irp_new(uint8_t major, ntsec_ks_file *file)
{
    ntsec_ks_irp *irp = calloc(1, sizeof *irp);
    if (!irp) return NULL;
    irp->major_function = major;
    irp->file_object = file;
    irp->io_status.status = STATUS_PENDING;
    return irp;
}

ntsec_ks_irp *ntsec_ks_irp_new_set_security(ntsec_ks_file *file, SECURITY_INFORMATION si,
                                            ntsec_sd *sd)
{
    ntsec_ks_irp *irp = irp_new(IRP_MJ_SET_SECURITY, file);
    if (!irp) return NULL;
    irp->set_security.security_information = si;
    irp->set_security.security_descriptor = sd ? ntsec_sd_ref(sd) : NULL;
    return irp;
}

ntsec_ks_irp *ntsec_ks_irp_new_query_security(ntsec_ks_file *file, SECURITY_INFORMATION si,
                                              uint32_t length)
{
    ntsec_ks_irp *irp = irp_new(IRP_MJ_QUERY_SECURITY, file);
    if (!irp) return NULL;
    irp->user_buffer = calloc(1, length ? length : 1);
    if (!irp->user_buffer) {
        free(irp);
        return NULL;
    }
    irp->query_security.security_information = si;
    irp->query_security.length = length;
    return irp;
}

void ntsec_ks_irp_free(ntsec_ks_irp *irp)
{
    if (!irp) return;
    ntsec_sd_unref(irp->set_security.security_descriptor);
    free(irp->user_buffer);
    free(irp);
}

NTSTATUS ntsec_ks_irp_complete(ntsec_ks_irp *irp, uint8_t priority_boost)
{
    if (irp->completion_count++) {
        irp->double_completed = 1;
        return NTSEC_KS_STATUS_DOUBLE_COMPLETION;
    }
    irp->priority_boost = priority_boost;
    return STATUS_SUCCESS;
}

NTSTATUS ntsec_ks_irp_finish(ntsec_ks_irp *irp, NTSTATUS status)
{
    if (irp->completion_count) return ntsec_ks_irp_complete(irp, IO_NO_INCREMENT);
    irp->io_status.status = status;
    ntsec_ks_irp_complete(irp, IO_NO_INCREMENT);
    return status;
}
