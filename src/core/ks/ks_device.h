/*
** ks_device.h: a KS device: its own security descriptor and characteristics
** (what an INF's HKR,,Security and HKR,,DeviceCharacteristics lines set) and
** its create-item list (wfp_ks_errors.md 4.1, 4.2; KSDEVICE_HEADER,
** KSOBJECT_CREATE_ITEM; docs/ks.md "Create items", "Device security").
*/
#ifndef NTSEC_KS_DEVICE_H
#define NTSEC_KS_DEVICE_H

#include "ks_types.h"

/* DEVICE_OBJECT + KSDEVICE_HEADER. */
struct ntsec_ks_device {
    ntsec_ks_item_list create_items;  /* the filter factories, owned */
    ntsec_sd *security_descriptor;    /* DEVICE_OBJECT.SecurityDescriptor reference, or NULL */
    uint32_t characteristics;         /* DEVICE_OBJECT.Characteristics (FILE_DEVICE_SECURE_OPEN) */
    unsigned pool_failures;           /* fault injection: fail this many pool allocations */
};

/* New empty device (no descriptor, no characteristics); NULL when out of
** memory. */
ntsec_ks_device *ntsec_ks_device_new(void);

/* Free the device, its items and their children (dropping their descriptor
** references) and its own descriptor reference. Files and IRPs of the device
** must not be used afterwards (they may still be freed). NULL is a no-op. */
void ntsec_ks_device_free(ntsec_ks_device *dev);

/* Set the device object's descriptor (the device takes a reference; NULL:
** none, so the I/O manager checks nothing) and its Characteristics. Only
** FILE_DEVICE_SECURE_OPEN changes behaviour; other bits are kept as given. */
void ntsec_ks_device_set_security(ntsec_ks_device *dev, ntsec_sd *sd, uint32_t characteristics);

/* Append a filter factory: ntsec_ks_list_add on the device's list (see
** ks_item.h for the rules and errors: STATUS_INVALID_PARAMETER,
** STATUS_OBJECT_NAME_COLLISION, STATUS_NO_MEMORY). The item lives as long as
** the device; *out (may be NULL) receives it. */
NTSTATUS ntsec_ks_device_add_create_item(ntsec_ks_device *dev, const char *name, size_t len,
                                         ntsec_sd *sd, uint32_t flags,
                                         ntsec_ks_create_item **out);

/* ntsec_ks_list_match on the device's list (a create without a related
** file object). */
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
