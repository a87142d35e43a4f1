/*
** ks_security.h: KsDispatchSetSecurity and KsDispatchQuerySecurity
** (wfp_ks_errors.md 4.1, 4.3-4.6; seed 003 = DDI-KSSET).
**
** EMULATOR CHOICE (4.3): the create item is found through the object header at
** FileObject->FsContext (OriginalCreateItem, the documented "CreateItem points
** to a valid item"), not through the IRP's DriverContext[0] as in ReactOS. The
** item found is also stored in irp->create_item_storage
** (KSCREATE_ITEM_IRP_STORAGE) for inspection.
*/
#ifndef NTSEC_KS_SECURITY_H
#define NTSEC_KS_SECURITY_H

#include "ks_types.h"

/* KsDispatchSetSecurity(dev, irp) for an IRP_MJ_SET_SECURITY IRP.
**  - no header / no create item / item without descriptor:
**    STATUS_NO_SECURITY_ON_OBJECT (IoStatus.Information untouched);
**  - stored descriptor lacks SE_SELF_RELATIVE: STATUS_BAD_DESCRIPTOR_FORMAT;
**  - else merge Parameters.SetSecurity into the stored descriptor with
**    ntsec_set_security(old, si, parts, 0, &ntsec_file_mapping,
**    irp->requestor, &new) (sd_semantics.md 4). On success the item holds
**    the new descriptor (a new allocation, shared with neither the old one nor
**    the IRP's), the old reference is dropped and KSCREATE_ITEM_SECURITYCHANGED
**    is set. On failure the item is untouched. STATUS_NO_MEMORY and injected
**    pool failures become STATUS_INSUFFICIENT_RESOURCES.
** IoStatus.Status = the status; the IRP is completed exactly once; returns the
** status. An already completed IRP is not processed:
** NTSEC_KS_STATUS_DOUBLE_COMPLETION (see ks_irp.h). */
NTSTATUS ntsec_ks_dispatch_set_security(ntsec_ks_device *dev, ntsec_ks_irp *irp);

/* KsDispatchQuerySecurity(dev, irp) for an IRP_MJ_QUERY_SECURITY IRP.
** Same lookup and STATUS_NO_SECURITY_ON_OBJECT exit. Otherwise the answer is
** ntsec_sd_select(stored, si) (SeQuerySecurityDescriptorInfo, 4.5): if
** Parameters.QuerySecurity.Length is smaller than its length,
** STATUS_BUFFER_TOO_SMALL with IoStatus.Information = the required length and
** nothing copied; else the self-relative bytes go to UserBuffer and
** Information = their length. Completion and the return value as for set. */
NTSTATUS ntsec_ks_dispatch_query_security(ntsec_ks_device *dev, ntsec_ks_irp *irp);

struct ntsec_token;
/* KsCreateDefaultSecurity(ParentSecurity, &DefaultSecurity) with `token` as
** the captured subject context (wfp_ks_errors.md 4: DDI-KSCDS; ROS-KSAPI
** builds it with SeAssignSecurity(Parent, NULL, &Out, FALSE, &SubjectContext,
** IoGetFileObjectGenericMapping(), NonPagedPool), and SeAssignSecurity is
** SeAssignSecurityEx with no object type and AutoInheritFlags 0). So:
** ntsec_new_security_ex(parent, NULL creator, leaf, {sef = 0, token},
** ntsec_file_mapping): the parent's ACEs that a leaf inherits (OI), else
** the token's default DACL; owner and group from the token; no
** SE_*_AUTO_INHERITED (docs/ks.md). parent may be NULL.
** Errors: STATUS_INVALID_PARAMETER (no token or no out),
** STATUS_INSUFFICIENT_RESOURCES (allocation failure, as every KS pool
** allocation), those of ntsec_new_security_ex. *out is set only on
** success. */
NTSTATUS ntsec_ks_create_default_security(const ntsec_sd *parent, const struct ntsec_token *token,
                                          ntsec_sd **out);

#endif
