/*
** ks_object.h: KS object headers and file objects (wfp_ks_errors.md 4.1-4.3:
** KsAllocateObjectHeader, KsFreeObjectHeader, KsQueryObjectCreateItem).
**
** EMULATOR CHOICE (4.3, docs/ks.md): the header hangs off FileObject->FsContext
** as Microsoft documents; ReactOS keeps it in FsContext2.
*/
#ifndef NTSEC_KS_OBJECT_H
#define NTSEC_KS_OBJECT_H

#include "ks_types.h"

/* The table KS objects get by default: QuerySecurity = KsDispatchQuerySecurity,
** SetSecurity = KsDispatchSetSecurity (read-only). */
extern const ntsec_ks_dispatch_table ntsec_ks_default_dispatch_table;

/* KsAllocateObjectHeader(Header, ItemsCount, ItemsList, Irp, Table): a new
** header recording the create item the create matched (item, may be NULL:
** "no create item"; KSCREATE_ITEM_IRP_STORAGE of the create IRP), the granted
** access of the create, a copy of *table (NULL = the default table) and a
** copy of the child create-item list children[0..count) (ItemsList; the
** items themselves stay owned by whoever owns them). dev is the device the
** header is allocated for (its pool).
** Errors: STATUS_INVALID_PARAMETER when children is NULL but count is not 0
** (DDI-KSAOH: "ItemsCount must be 0 when ItemsList is NULL"), a NULL entry,
** or a second wildcard; STATUS_OBJECT_NAME_COLLISION for a repeated class
** (the list rules of ks_item.h, EMULATOR CHOICE); STATUS_INSUFFICIENT_RESOURCES
** (DDI-KSAOH; also injected failures). *out is untouched on failure. */
NTSTATUS ntsec_ks_allocate_object_header(ntsec_ks_device *dev, ntsec_ks_object_header **out,
                                         ntsec_ks_create_item *item, ACCESS_MASK granted,
                                         const ntsec_ks_dispatch_table *table,
                                         ntsec_ks_create_item *const *children, size_t count);

/* KsFreeObjectHeader: the header and its child-list copy. NULL is a no-op. */
void ntsec_ks_free_object_header(ntsec_ks_object_header *header);

/* KsQueryObjectCreateItem: the header's OriginalCreateItem (or NULL). */
ntsec_ks_create_item *ntsec_ks_query_object_create_item(const ntsec_ks_object_header *header);

/* A bare file object on dev with no FsContext (what the I/O manager hands a
** create routine before KsAllocateObjectHeader). granted is the handle's
** granted access. Errors: STATUS_INSUFFICIENT_RESOURCES. */
NTSTATUS ntsec_ks_file_new(ntsec_ks_device *dev, ACCESS_MASK granted, ntsec_ks_file **out);

/* Allocate a header (as ntsec_ks_allocate_object_header, with the file's
** granted access) and store it in file->fs_context.
** Errors: STATUS_INVALID_PARAMETER when the file already has a header
** (EMULATOR CHOICE: free it first), those of ntsec_ks_allocate_object_header. */
NTSTATUS ntsec_ks_file_attach_header(ntsec_ks_file *file, ntsec_ks_create_item *item,
                                     const ntsec_ks_dispatch_table *table,
                                     ntsec_ks_create_item *const *children, size_t count);

/* KsFreeObjectHeader on file->fs_context, then FsContext = NULL. */
void ntsec_ks_file_detach_header(ntsec_ks_file *file);

/* Free a file object and its header (never touches its device). NULL is a no-op. */
void ntsec_ks_file_free(ntsec_ks_file *file);

#endif
