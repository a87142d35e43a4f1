/*
** ks_create.h: opening a KS object: create-item match, access check against
** the item's descriptor, file object with an object header at FsContext
** (wfp_ks_errors.md 4.1-4.3; the access rules are EMULATOR CHOICES recorded
** in docs/ks.md).
*/
#ifndef NTSEC_KS_CREATE_H
#define NTSEC_KS_CREATE_H

#include "ks_types.h"
#include "secdefs.h"

/* Desired access when a caller gives none: what a CreateFile for
** GENERIC_READ | GENERIC_WRITE asks for (KS clients open filters that way);
** it maps to FILE_GENERIC_READ | FILE_GENERIC_WRITE = 0x0012019F. */
#define NTSEC_KS_DEFAULT_DESIRED_ACCESS (GENERIC_READ | GENERIC_WRITE)

/* Create a file object for name[0..len) on dev (IRP_MJ_CREATE through
** KsDispatchIrp/KspCreate, then KsAllocateObjectHeader with the default
** dispatch table).
**   token:   the caller; NULL = kernel-mode caller (no access check).
**   desired: ACCESS_MASK, GENERIC_* bits allowed (mapped with the file
**            mapping), MAXIMUM_ALLOWED honoured.
** Access: with a token and an item descriptor, NtAccessCheck semantics with
** ntsec_file_mapping (sd_semantics.md 3); a descriptor without owner or group
** (device SDDLs are DACL-only) is checked as if the missing SID were the NULL
** SID S-1-0-0, i.e. no owner rights. Without a descriptor (or token) the
** desired access is granted, MAXIMUM_ALLOWED as FILE_ALL_ACCESS, except that a
** token must hold SeSecurityPrivilege for ACCESS_SYSTEM_SECURITY.
** On success *out is the new file: granted_access = the granted mask, FsContext
** = a header recording the matched item and that access.
** Errors: STATUS_OBJECT_NAME_NOT_FOUND (no item and no wildcard),
** STATUS_INVALID_PARAMETER (parameters given to a NOPARAMETERS item),
** STATUS_ACCESS_DENIED, STATUS_PRIVILEGE_NOT_HELD, the call statuses of
** ntsec_access_check, STATUS_INSUFFICIENT_RESOURCES. *out untouched on failure. */
NTSTATUS ntsec_ks_create(ntsec_ks_device *dev, const char *name, size_t len,
                         const ntsec_token *token, ACCESS_MASK desired, ntsec_ks_file **out);

#endif
