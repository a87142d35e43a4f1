/*
** ks_device.c: the KS device, its create-item list and create-item lookup
** (wfp_ks_errors.md 4.2; docs/ks.md for the choices).
*/
#include <stdlib.h>
#include <string.h>

#include "ks_device.h"
#include "status.h"

ntsec_ks_device *ntsec_ks_device_new(void)
{
    return calloc(1, sizeof(ntsec_ks_device));
}

static void item_free(ntsec_ks_create_item *item)
{
    ntsec_sd_unref(item->security_descriptor);
    free(item->object_class);
    free(item);
}

void ntsec_ks_device_free(ntsec_ks_device *dev)
{
    size_t i;
    if (!dev) return;
    for (i = 0; i < dev->item_count; i++) item_free(dev->items[i]);
    free(dev->items);
    free(dev);
}

static int ascii_lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

/* ObjectClass comparison: RtlCompareUnicodeString(..., CaseInSensitive=TRUE)
** restricted to ASCII folding. */
static int class_equal(const ntsec_ks_create_item *item, const char *s, size_t len)
{
    size_t i;
    if (item->object_class_len != len) return 0;
    for (i = 0; i < len; i++)
        if (ascii_lower((unsigned char)item->object_class[i]) != ascii_lower((unsigned char)s[i]))
            return 0;
    return 1;
}

static ntsec_ks_create_item *find_wildcard(const ntsec_ks_device *dev)
{
    size_t i;
    for (i = 0; i < dev->item_count; i++)
        if (dev->items[i]->flags & KSCREATE_ITEM_WILDCARD) return dev->items[i];
    return NULL;
}

static ntsec_ks_create_item *find_named(const ntsec_ks_device *dev, const char *s, size_t len)
{
    size_t i;
    for (i = 0; i < dev->item_count; i++) {
        ntsec_ks_create_item *item = dev->items[i];
        if (!(item->flags & KSCREATE_ITEM_WILDCARD) && class_equal(item, s, len)) return item;
    }
    return NULL;
}

static NTSTATUS check_new_item(const ntsec_ks_device *dev, const char *name, size_t len,
                               uint32_t flags)
{
    const uint32_t both = KSCREATE_ITEM_WILDCARD | KSCREATE_ITEM_NOPARAMETERS;
    if (flags & ~NTSEC_KS_CREATE_ITEM_FLAGS) return STATUS_INVALID_PARAMETER;
    if ((flags & both) == both) return STATUS_INVALID_PARAMETER;
    if (flags & KSCREATE_ITEM_WILDCARD)
        return find_wildcard(dev) ? STATUS_INVALID_PARAMETER : STATUS_SUCCESS;
    return find_named(dev, name, len) ? STATUS_OBJECT_NAME_COLLISION : STATUS_SUCCESS;
}

static ntsec_ks_create_item *item_new(const char *name, size_t len, ntsec_sd *sd, uint32_t flags)
{
    ntsec_ks_create_item *item = calloc(1, sizeof *item);
    char *copy = malloc(len + 1);
    if (!item || !copy) {
        free(item);
        free(copy);
        return NULL;
    }
    if (len) memcpy(copy, name, len);
    copy[len] = '\0';
    item->object_class = copy;
    item->object_class_len = len;
    item->security_descriptor = sd ? ntsec_sd_ref(sd) : NULL;
    item->flags = flags;
    return item;
}

static int reserve_slot(ntsec_ks_device *dev)
{
    ntsec_ks_create_item **grown;
    size_t cap;
    if (dev->item_count < dev->item_cap) return 1;
    cap = dev->item_cap ? 2 * dev->item_cap : 4;
    grown = realloc(dev->items, cap * sizeof *grown);
    if (!grown) return 0;
    dev->items = grown;
    dev->item_cap = cap;
    return 1;
}

NTSTATUS ntsec_ks_device_add_create_item(ntsec_ks_device *dev, const char *name, size_t len,
                                         ntsec_sd *sd, uint32_t flags,
                                         ntsec_ks_create_item **out)
{
    ntsec_ks_create_item *item;
    NTSTATUS st = check_new_item(dev, name, len, flags);
    if (st != STATUS_SUCCESS) return st;
    if (!reserve_slot(dev)) return STATUS_NO_MEMORY;
    item = item_new(name, len, sd, flags);
    if (!item) return STATUS_NO_MEMORY;
    dev->items[dev->item_count++] = item;
    if (out) *out = item;
    return STATUS_SUCCESS;
}

ntsec_ks_create_item *ntsec_ks_device_match(const ntsec_ks_device *dev, const char *name,
                                            size_t len, int *has_params)
{
    const char *sep;
    ntsec_ks_create_item *item;
    size_t class_len;
    if (len && name[0] == '\\') {
        name++;
        len--;
    }
    sep = len ? memchr(name, '\\', len) : NULL;
    class_len = sep ? (size_t)(sep - name) : len;
    if (has_params) *has_params = class_len < len;
    item = find_named(dev, name, class_len);
    return item ? item : find_wildcard(dev);
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
