/*
** ks_device.c: the KS device (wfp_ks_errors.md 4.2; docs/ks.md).
*/
#include <stdlib.h>

#include "ks_device.h"
#include "ks_item.h"
#include "status.h"

ntsec_ks_device *ntsec_ks_device_new(void)
{
    return calloc(1, sizeof(ntsec_ks_device));
}

void ntsec_ks_device_free(ntsec_ks_device *dev)
{
    if (!dev) return;
    ntsec_ks_list_free_items(&dev->create_items);
    ntsec_sd_unref(dev->security_descriptor);
    free(dev);
}

void ntsec_ks_device_set_security(ntsec_ks_device *dev, ntsec_sd *sd, uint32_t characteristics)
{
    ntsec_sd *old = dev->security_descriptor;
    dev->security_descriptor = sd ? ntsec_sd_ref(sd) : NULL;
    ntsec_sd_unref(old);
    dev->characteristics = characteristics;
}

NTSTATUS ntsec_ks_device_add_create_item(ntsec_ks_device *dev, const char *name, size_t len,
                                         ntsec_sd *sd, uint32_t flags,
                                         ntsec_ks_create_item **out)
{
    return ntsec_ks_list_add(&dev->create_items, NULL, name, len, sd, flags, out);
}

ntsec_ks_create_item *ntsec_ks_device_match(const ntsec_ks_device *dev, const char *name,
                                            size_t len, int *has_params)
{
    return ntsec_ks_list_match(&dev->create_items, name, len, has_params);
}

void ntsec_ks_device_fail_pool_allocations(ntsec_ks_device *dev, unsigned n)
{
    dev->pool_failures = n;
}

int ntsec_ks_device_pool_fails(ntsec_ks_device *dev)
{
    if (!dev->pool_failures) return 0;
    dev->pool_failures--;
    return 1;
}
