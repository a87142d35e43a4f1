/*
** ks_object.c: object headers and file objects (wfp_ks_errors.md 4.2, 4.3).
*/
#include <stdlib.h>

#include "ks_object.h"
#include "ks_device.h"
#include "ks_item.h"
#include "ks_security.h"
#include "status.h"

const ntsec_ks_dispatch_table ntsec_ks_default_dispatch_table = {
    ntsec_ks_dispatch_query_security,
    ntsec_ks_dispatch_set_security,
};

NTSTATUS ntsec_ks_allocate_object_header(ntsec_ks_device *dev, ntsec_ks_object_header **out,
                                         ntsec_ks_create_item *item, ACCESS_MASK granted,
                                         const ntsec_ks_dispatch_table *table,
                                         ntsec_ks_create_item *const *children, size_t count)
{
    ntsec_ks_object_header *h;
    NTSTATUS st;
    if (!children && count) return STATUS_INVALID_PARAMETER;
    if (ntsec_ks_device_pool_fails(dev)) return STATUS_INSUFFICIENT_RESOURCES;
    h = calloc(1, sizeof *h);
    if (!h) return STATUS_INSUFFICIENT_RESOURCES;
    st = ntsec_ks_list_copy(children, count, &h->child_items);
    if (st != STATUS_SUCCESS) {
        free(h);
        return st == STATUS_NO_MEMORY ? STATUS_INSUFFICIENT_RESOURCES : st;
    }
    h->dispatch = table ? *table : ntsec_ks_default_dispatch_table;
    h->original_create_item = item;
    h->granted_access = granted;
    *out = h;
    return STATUS_SUCCESS;
}

void ntsec_ks_free_object_header(ntsec_ks_object_header *header)
{
    if (!header) return;
    ntsec_ks_list_clear(&header->child_items);
    free(header);
}

ntsec_ks_create_item *ntsec_ks_query_object_create_item(const ntsec_ks_object_header *header)
{
    return header ? header->original_create_item : NULL;
}

NTSTATUS ntsec_ks_file_new(ntsec_ks_device *dev, ACCESS_MASK granted, ntsec_ks_file **out)
{
    ntsec_ks_file *f;
    if (ntsec_ks_device_pool_fails(dev)) return STATUS_INSUFFICIENT_RESOURCES;
    f = calloc(1, sizeof *f);
    if (!f) return STATUS_INSUFFICIENT_RESOURCES;
    f->device = dev;
    f->granted_access = granted;
    *out = f;
    return STATUS_SUCCESS;
}

NTSTATUS ntsec_ks_file_attach_header(ntsec_ks_file *file, ntsec_ks_create_item *item,
                                     const ntsec_ks_dispatch_table *table,
                                     ntsec_ks_create_item *const *children, size_t count)
{
    if (file->fs_context) return STATUS_INVALID_PARAMETER;
    return ntsec_ks_allocate_object_header(file->device, &file->fs_context, item,
                                           file->granted_access, table, children, count);
}

void ntsec_ks_file_detach_header(ntsec_ks_file *file)
{
    ntsec_ks_free_object_header(file->fs_context);
    file->fs_context = NULL;
}

void ntsec_ks_file_free(ntsec_ks_file *file)
{
    if (!file) return;
    ntsec_ks_free_object_header(file->fs_context);
    free(file);
}
