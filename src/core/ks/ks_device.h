/*
** ks_device.h: a KS device and its create-item list (wfp_ks_errors.md 4.1,
** 4.2; KSDEVICE_HEADER, KSOBJECT_CREATE_ITEM, docs/ks.md "Create items").
*/
#ifndef NTSEC_KS_DEVICE_H
#define NTSEC_KS_DEVICE_H

#include "ks_types.h"

/* DEVICE_OBJECT + KSDEVICE_HEADER. */
struct ntsec_ks_device {
    ntsec_ks_create_item **items;   /* create-item list in insertion order; items owned */
    size_t item_count, item_cap;
    unsigned pool_failures;         /* fault injection: fail this many pool allocations */
};

/* New empty device; NULL when out of memory. */
ntsec_ks_device *ntsec_ks_device_new(void);

/* Free the device and its items (dropping their descriptor references).
** Files and IRPs of the device must not be used afterwards (they may still be
** freed). NULL is a no-op. */
void ntsec_ks_device_free(ntsec_ks_device *dev);

/* Append a create item: object class name[0..len) (copied), optional
** descriptor sd (the item takes one reference of its own; descriptors are
** immutable, so the item never shares writable storage with anyone) and
** KSCREATE_ITEM_* flags. *out (may be NULL) receives the item, which lives
** as long as the device.
** Errors (EMULATOR CHOICES, docs/ks.md): STATUS_INVALID_PARAMETER for unknown
** flag bits, WILDCARD|NOPARAMETERS, or a second wildcard item;
** STATUS_OBJECT_NAME_COLLISION when a non-wildcard item with the same name
** (ASCII case-insensitive) exists; STATUS_NO_MEMORY. The device is unchanged
** on failure. */
NTSTATUS ntsec_ks_device_add_create_item(ntsec_ks_device *dev, const char *name, size_t len,
                                         ntsec_sd *sd, uint32_t flags,
                                         ntsec_ks_create_item **out);

/* Find the create item for a create on file name name[0..len): one leading
** '\' is skipped, the object class runs to the next '\', the rest are create
** parameters. A non-wildcard item whose class equals it (ASCII
** case-insensitive) wins, else the wildcard item (4.2: "any otherwise
** unmatched create"). *has_params is set when bytes follow the class.
** Returns the item or NULL. */
ntsec_ks_create_item *ntsec_ks_device_match(const ntsec_ks_device *dev, const char *name,
                                            size_t len, int *has_params);

/* Fault injection (a test hook, not Windows): make the next n pool
** allocations of this device fail with STATUS_INSUFFICIENT_RESOURCES (4.6
** "pool allocation failed"). Counts: object headers, file objects and the new
** descriptor of KsDispatchSetSecurity. */
void ntsec_ks_device_fail_pool_allocations(ntsec_ks_device *dev, unsigned n);

/* Consume one injected failure: 1 when this pool allocation must fail. */
int ntsec_ks_device_pool_fails(ntsec_ks_device *dev);

#endif
