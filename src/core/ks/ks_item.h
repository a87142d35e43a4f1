/*
** ks_item.h: create items and create-item lists (wfp_ks_errors.md 4.1, 4.2:
** KSOBJECT_CREATE_ITEM, the KSCREATE_ITEM_* rules of DDI-KSOCI; lookup as
** ROS-KSIRP FindMatchingCreateItem with the choices of docs/ks.md).
**
** The same rules hold for every list: the device's filter factories, an
** item's child items (pins) and the copy a KS object header keeps.
*/
#ifndef NTSEC_KS_ITEM_H
#define NTSEC_KS_ITEM_H

#include "ks_types.h"

/* Whether an item (name[0..len), flags) may join list l (EMULATOR CHOICES,
** docs/ks.md): STATUS_INVALID_PARAMETER for unknown flag bits,
** WILDCARD|NOPARAMETERS ("cannot be used with a wild card flag") or a second
** wildcard ("only a single wild card entry is valid");
** STATUS_OBJECT_NAME_COLLISION when a non-wildcard item of the same class
** (ASCII case-insensitive) is already there; else STATUS_SUCCESS. */
NTSTATUS ntsec_ks_list_check_new(const ntsec_ks_item_list *l, const char *name, size_t len,
                                 uint32_t flags);

/* Create a new item and append it to l (which then owns it): object class
** name[0..len) copied, optional descriptor sd (the item takes one reference
** of its own), flags, parent (the item whose child list l is, or NULL).
** *out (may be NULL) receives the item. Errors: those of
** ntsec_ks_list_check_new, STATUS_NO_MEMORY; l is unchanged on failure. */
NTSTATUS ntsec_ks_list_add(ntsec_ks_item_list *l, ntsec_ks_create_item *parent,
                           const char *name, size_t len, ntsec_sd *sd, uint32_t flags,
                           ntsec_ks_create_item **out);

/* Child create item of parent (a pin, clock, ... of the objects parent
** creates): ntsec_ks_list_add on parent->children. The child lives as long
** as parent. Errors as ntsec_ks_list_add. */
NTSTATUS ntsec_ks_create_item_add_child(ntsec_ks_create_item *parent, const char *name,
                                        size_t len, ntsec_sd *sd, uint32_t flags,
                                        ntsec_ks_create_item **out);

/* The item a create for name[0..len) selects in l: one leading '\' is
** skipped, the object class runs to the next '\', the rest are create
** parameters (*has_params, may be NULL, says whether there are any). A
** non-wildcard item of that class (ASCII case-insensitive) wins whatever the
** list order, else the wildcard item, else NULL. */
ntsec_ks_create_item *ntsec_ks_list_match(const ntsec_ks_item_list *l, const char *name,
                                          size_t len, int *has_params);

/* Fill *out (an empty list) with the n pointers of items, checking the list
** rules between them (the copy KsAllocateObjectHeader keeps of ItemsList):
** STATUS_INVALID_PARAMETER for a NULL entry or a second wildcard,
** STATUS_OBJECT_NAME_COLLISION for a repeated class, STATUS_NO_MEMORY. On
** failure *out stays empty. The items are not owned by *out. */
NTSTATUS ntsec_ks_list_copy(ntsec_ks_create_item *const *items, size_t n,
                            ntsec_ks_item_list *out);

/* Free the pointer array of l (not the items) and empty it. */
void ntsec_ks_list_clear(ntsec_ks_item_list *l);

/* Free every item of l (recursively with their children), then the array. */
void ntsec_ks_list_free_items(ntsec_ks_item_list *l);

#endif
