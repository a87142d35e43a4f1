/*
** ks_item.c: create items and their lists (wfp_ks_errors.md 4.2; docs/ks.md
** "Create items").
*/
#include <stdlib.h>
#include <string.h>

#include "ks_item.h"
#include "status.h"

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

static ntsec_ks_create_item *find_wildcard(const ntsec_ks_item_list *l)
{
    size_t i;
    for (i = 0; i < l->count; i++)
        if (l->items[i]->flags & KSCREATE_ITEM_WILDCARD) return l->items[i];
    return NULL;
}

static ntsec_ks_create_item *find_named(const ntsec_ks_item_list *l, const char *s, size_t len)
{
    size_t i;
    for (i = 0; i < l->count; i++) {
        ntsec_ks_create_item *item = l->items[i];
        if (!(item->flags & KSCREATE_ITEM_WILDCARD) && class_equal(item, s, len)) return item;
    }
    return NULL;
}

NTSTATUS ntsec_ks_list_check_new(const ntsec_ks_item_list *l, const char *name, size_t len,
                                 uint32_t flags)
{
    const uint32_t both = KSCREATE_ITEM_WILDCARD | KSCREATE_ITEM_NOPARAMETERS;
    if (flags & ~NTSEC_KS_CREATE_ITEM_FLAGS) return STATUS_INVALID_PARAMETER;
    if ((flags & both) == both) return STATUS_INVALID_PARAMETER;
    if (flags & KSCREATE_ITEM_WILDCARD)
        return find_wildcard(l) ? STATUS_INVALID_PARAMETER : STATUS_SUCCESS;
    return find_named(l, name, len) ? STATUS_OBJECT_NAME_COLLISION : STATUS_SUCCESS;
}

static ntsec_ks_create_item *item_new(const char *name, size_t len, ntsec_sd *sd,
                                      uint32_t flags, ntsec_ks_create_item *parent)
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
    item->parent = parent;
    return item;
}

static void item_free(ntsec_ks_create_item *item)
{
    ntsec_ks_list_free_items(&item->children);
    ntsec_sd_unref(item->security_descriptor);
    free(item->object_class);
    free(item);
}

/* Room for one more pointer; 0 when out of memory (l unchanged). */
static int reserve_slot(ntsec_ks_item_list *l)
{
    ntsec_ks_create_item **grown;
    size_t cap;
    if (l->count < l->cap) return 1;
    cap = l->cap ? 2 * l->cap : 4;
    grown = realloc(l->items, cap * sizeof *grown);
    if (!grown) return 0;
    l->items = grown;
    l->cap = cap;
    return 1;
}

NTSTATUS ntsec_ks_list_add(ntsec_ks_item_list *l, ntsec_ks_create_item *parent,
                           const char *name, size_t len, ntsec_sd *sd, uint32_t flags,
                           ntsec_ks_create_item **out)
{
    ntsec_ks_create_item *item;
    NTSTATUS st = ntsec_ks_list_check_new(l, name, len, flags);
    if (st != STATUS_SUCCESS) return st;
    if (!reserve_slot(l)) return STATUS_NO_MEMORY;
    item = item_new(name, len, sd, flags, parent);
    if (!item) return STATUS_NO_MEMORY;
    l->items[l->count++] = item;
    if (out) *out = item;
    return STATUS_SUCCESS;
}

NTSTATUS ntsec_ks_create_item_add_child(ntsec_ks_create_item *parent, const char *name,
                                        size_t len, ntsec_sd *sd, uint32_t flags,
                                        ntsec_ks_create_item **out)
{
    return ntsec_ks_list_add(&parent->children, parent, name, len, sd, flags, out);
}

ntsec_ks_create_item *ntsec_ks_list_match(const ntsec_ks_item_list *l, const char *name,
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
    item = find_named(l, name, class_len);
    return item ? item : find_wildcard(l);
}

NTSTATUS ntsec_ks_list_copy(ntsec_ks_create_item *const *items, size_t n,
                            ntsec_ks_item_list *out)
{
    ntsec_ks_item_list l = {NULL, 0, 0};
    NTSTATUS st = STATUS_SUCCESS;
    size_t i;
    for (i = 0; i < n && st == STATUS_SUCCESS; i++) {
        const ntsec_ks_create_item *item = items[i];
        st = item ? ntsec_ks_list_check_new(&l, item->object_class, item->object_class_len,
                                            item->flags)
                  : STATUS_INVALID_PARAMETER;
        if (st == STATUS_SUCCESS && !reserve_slot(&l)) st = STATUS_NO_MEMORY;
        if (st == STATUS_SUCCESS) l.items[l.count++] = items[i];
    }
    if (st != STATUS_SUCCESS) {
        ntsec_ks_list_clear(&l);
        return st;
    }
    *out = l;
    return STATUS_SUCCESS;
}

void ntsec_ks_list_clear(ntsec_ks_item_list *l)
{
    free(l->items);
    l->items = NULL;
    l->count = l->cap = 0;
}

void ntsec_ks_list_free_items(ntsec_ks_item_list *l)
{
    size_t i;
    for (i = 0; i < l->count; i++) item_free(l->items[i]);
    ntsec_ks_list_clear(l);
}
