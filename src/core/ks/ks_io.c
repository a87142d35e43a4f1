/*
** ks_io.c: NtSetSecurityObject / NtQuerySecurityObject on KS handles
** (wfp_ks_errors.md 4.5, 4.6; docs/ks.md "Dispatch and the I/O manager").
*/
#include <string.h>

#include "ks_io.h"
#include "ks_dispatch.h"
#include "ks_irp.h"
#include "merge.h"
#include "secdefs.h"
#include "status.h"

/* The object manager's handle check for a user-mode caller (4.6 row
** "caller lacks WRITE_DAC etc."). */
static int handle_allows(const ntsec_ks_file *file, ACCESS_MASK need)
{
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
    if (token && !handle_allows(file, ntsec_required_access_for_set(si)))
        return STATUS_ACCESS_DENIED;
    return send_set_irp(file, token, si, sd);
}

NTSTATUS ntsec_ks_io_set_security_bytes(ntsec_ks_file *file, const ntsec_token *token,
                                        SECURITY_INFORMATION si, const uint8_t *bytes,
                                        size_t len)
{
    ntsec_sd *captured;
    NTSTATUS st;
    if (!bytes) return STATUS_INVALID_PARAMETER;
    if (token && !handle_allows(file, ntsec_required_access_for_set(si)))
        return STATUS_ACCESS_DENIED;
    st = ntsec_sd_from_bytes(bytes, len, &captured);
    if (st != STATUS_SUCCESS) return st;
    st = send_set_irp(file, token, si, captured);
    ntsec_sd_unref(captured);
    return st;
}

/* S-1-1-0 and an ACL {revision 2, size 0x1C, one ACE: ACCESS_ALLOWED, no
** flags, size 0x14, GENERIC_ALL, S-1-1-0} (ROS-SD SeSetWorldSecurityDescriptor). */
static const uint8_t world_sid[12] = {1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0};
static const uint8_t world_dacl[28] = {
    2, 0, 0x1C, 0, 1, 0, 0, 0,
    0, 0, 0x14, 0, 0, 0, 0, 0x10,
    1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0};

/* The answer of the I/O manager when the driver does not handle queries. */
static NTSTATUS world_descriptor(SECURITY_INFORMATION si, ntsec_sd **out)
{
    ntsec_sd_parts p;
    if (si == 0) return STATUS_ACCESS_DENIED;
    memset(&p, 0, sizeof p);
    if (si & OWNER_SECURITY_INFORMATION) p.owner = world_sid;
    if (si & GROUP_SECURITY_INFORMATION) p.group = world_sid;
    if (si & DACL_SECURITY_INFORMATION) {
        p.control = SE_DACL_PRESENT;
        p.dacl = world_dacl;
    }
    return ntsec_sd_build(&p, out);
}

/* Copy sd into buffer when it fits; *needed = its length either way. */
static NTSTATUS answer_with(const ntsec_sd *sd, uint8_t *buffer, uint32_t length,
                            uint32_t *needed)
{
    *needed = (uint32_t)sd->len;
    if (length < sd->len) return STATUS_BUFFER_TOO_SMALL;
    memcpy(buffer, sd->bytes, sd->len);
    return STATUS_SUCCESS;
}

static NTSTATUS world_answer(SECURITY_INFORMATION si, uint8_t *buffer, uint32_t length,
                             uint32_t *needed)
{
    ntsec_sd *world;
    NTSTATUS st = world_descriptor(si, &world);
    if (st != STATUS_SUCCESS)
        return st == STATUS_NO_MEMORY ? STATUS_INSUFFICIENT_RESOURCES : st;
    st = answer_with(world, buffer, length, needed);
    ntsec_sd_unref(world);
    return st;
}

/* Steps 2-3: the driver's answer, normalised. */
static NTSTATUS driver_answer(ntsec_ks_irp *irp, uint8_t *buffer, uint32_t *needed)
{
    NTSTATUS st = ntsec_ks_dispatch_irp(irp->file_object->device, irp);
    uint64_t info = irp->io_status.information;
    *needed = info > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)info;
    if (st == STATUS_BUFFER_OVERFLOW) st = STATUS_BUFFER_TOO_SMALL;
    if (st == STATUS_SUCCESS && info <= irp->query_security.length && info)
        memcpy(buffer, irp->user_buffer, (size_t)info);
    return st;
}

NTSTATUS ntsec_ks_io_query_security(ntsec_ks_file *file, const ntsec_token *token,
                                    SECURITY_INFORMATION si, uint8_t *buffer,
                                    uint32_t length, uint32_t *needed)
{
    uint32_t dummy;
    ntsec_ks_irp *irp;
    NTSTATUS st;
    if (!needed) needed = &dummy;
    *needed = 0;
    if (token && !handle_allows(file, ntsec_required_access_for_query(si)))
        return STATUS_ACCESS_DENIED;
    irp = ntsec_ks_irp_new_query_security(file, si, length);
    if (!irp) return STATUS_INSUFFICIENT_RESOURCES;
    irp->requestor = token;
    st = driver_answer(irp, buffer, needed);
    ntsec_ks_irp_free(irp);
    if (st == STATUS_INVALID_DEVICE_REQUEST) return world_answer(si, buffer, length, needed);
    return st;
}
