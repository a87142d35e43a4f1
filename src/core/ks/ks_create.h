/*
** ks_create.h: opening KS objects: the I/O manager's check against the
** device object's descriptor, the create-item match (device list, or the
** object header of a related file object for pins), the check against the
** item's descriptor, and a file object with an object header at FsContext
** (wfp_ks_errors.md 4.1-4.3; the access rules are EMULATOR CHOICES recorded
** in docs/ks.md "Create").
*/
#ifndef NTSEC_KS_CREATE_H
#define NTSEC_KS_CREATE_H

#include "ks_types.h"
#include "secdefs.h"

/* Desired access when a caller gives none: what a CreateFile for
** GENERIC_READ | GENERIC_WRITE asks for (KS clients open filters that way);
** it maps to FILE_GENERIC_READ | FILE_GENERIC_WRITE = 0x0012019F. */
#define NTSEC_KS_DEFAULT_DESIRED_ACCESS (GENERIC_READ | GENERIC_WRITE)

/* Create a file object for the name name[0..len) that follows the device's
** name (e.g. "\GLOBAL"; "" opens the device itself), as IRP_MJ_CREATE through
** IopParseDevice, KsDispatchIrp/KspCreate, the item's Create routine and
** KsAllocateObjectHeader.
**   token:   the caller; NULL = kernel-mode caller (no access check at all).
**   desired: ACCESS_MASK, GENERIC_* bits allowed (mapped with the file
**            mapping), MAXIMUM_ALLOWED honoured.
** Steps (docs/ks.md "Create"):
**  1. I/O manager: with a token and a device descriptor, when the name is
**     empty (an open of the device object) or the device has
**     FILE_DEVICE_SECURE_OPEN, NtAccessCheck of the device descriptor with
**     the file mapping; failure returns its status (STATUS_ACCESS_DENIED,
**     STATUS_PRIVILEGE_NOT_HELD).
**  2. Match in the device's create-item list (ks_item.h):
**     STATUS_OBJECT_NAME_NOT_FOUND when nothing matches,
**     STATUS_INVALID_PARAMETER when a NOPARAMETERS item gets parameters.
**  3. With a token and an item descriptor, NtAccessCheck of the item's
**     descriptor likewise. A descriptor without owner or group (device SDDLs
**     are DACL-only) is checked as if the missing SID were the NULL SID
**     S-1-0-0, i.e. no owner rights. Without a descriptor the desired access
**     is granted, MAXIMUM_ALLOWED as FILE_ALL_ACCESS, except that a token
**     must hold SeSecurityPrivilege for ACCESS_SYSTEM_SECURITY.
**  4. The handle's access is what every check performed grants (their
**     intersection for MAXIMUM_ALLOWED).
**  5. A new file with FsContext = a header recording the item, that access,
**     the default dispatch table and the item's child items.
** Errors: as above, the call statuses of ntsec_access_check,
** STATUS_INSUFFICIENT_RESOURCES. *out untouched on failure. */
NTSTATUS ntsec_ks_create(ntsec_ks_device *dev, const char *name, size_t len,
                         const ntsec_token *token, ACCESS_MASK desired, ntsec_ks_file **out);

/* A create relative to the file object parent (RelatedFileObject: a pin,
** clock, ... of a filter), e.g. name = KSSTRING_Pin "\" parameters. As
** ntsec_ks_create on parent's device, except that step 1 applies only with
** FILE_DEVICE_SECURE_OPEN (an open in the device's namespace) and step 2
** looks the name up in the child create-item list of parent's object header
** (KspCreate with a RelatedFileObject). A parent without a header has no
** child list: STATUS_OBJECT_NAME_NOT_FOUND. No access to parent's handle is
** required (EMULATOR CHOICE). Errors and *out as ntsec_ks_create. */
NTSTATUS ntsec_ks_create_related(ntsec_ks_file *parent, const char *name, size_t len,
                                 const ntsec_token *token, ACCESS_MASK desired,
                                 ntsec_ks_file **out);

#endif
