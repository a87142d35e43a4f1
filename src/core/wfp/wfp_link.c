/*
** wfp_link.c: references between objects (W32-OM "Object Associations",
** wfp_ks_errors.md 2.3) and BFE's built-in layers and sublayers.
*/
#include <string.h>

#include "wfp_internal.h"
#include "wfp_kinds.h"
#include "wfp_names.h"
#include "guid.h"
#include "status.h"

ntsec_wfp_kind wfp_ref_kind(int ref)
{
    static const ntsec_wfp_kind kinds[WFP_REF_COUNT] = {
        NTSEC_WFP_PROVIDER, NTSEC_WFP_LAYER, NTSEC_WFP_SUBLAYER, NTSEC_WFP_CALLOUT,
        NTSEC_WFP_PROVIDER_CONTEXT
    };
    return kinds[ref];
}

/* "A persistent object cannot refer to ... a persistent object owned by a
** different provider" (W32-OM): target has a provider other than ours. */
static int other_provider(const wfp_obj *target, const ntsec_guid *provider)
{
    const wfp_ref *r;
    if (!wfp_kind_is_keyed((ntsec_wfp_kind)target->kind) || target->kind == NTSEC_WFP_PROVIDER) return 0;
    r = &((const wfp_keyed *)target)->refs[WFP_REF_PROVIDER];
    if (!r->present) return 0;
    return !provider || memcmp(r->key.b, provider->b, 16) != 0;
}

/* Objects may not refer to objects that may live shorter (W32-OM): dynamic
** -> only the same session's dynamic objects; static -> no dynamic ones;
** persistent -> no dynamic or static ones, nor another provider's
** persistent ones. Built-in targets are always fine. */
int wfp_lifetime_ok(int life, ntsec_wfp_handle owner, const ntsec_guid *provider,
                    const wfp_obj *target)
{
    switch (target->lifetime) {
    case NTSEC_WFP_LIFE_DYNAMIC:
        return life == NTSEC_WFP_LIFE_DYNAMIC && owner == target->owner;
    case NTSEC_WFP_LIFE_STATIC:
        return life != NTSEC_WFP_LIFE_PERSISTENT;
    case NTSEC_WFP_LIFE_PERSISTENT:
        return life != NTSEC_WFP_LIFE_PERSISTENT || !other_provider(target, provider);
    default:
        return 1;
    }
}

/* The next id of kind no object holds (built-ins take ids locally). */
static uint64_t free_id(ntsec_wfp_engine *e, ntsec_wfp_kind kind, uint64_t *next)
{
    const wfp_table *t = &e->tables[kind];
    while (wfp_table_by_id(t, *next)) (*next)++;
    return (*next)++;
}

/* EMULATOR CHOICE (docs/wfp.md): BFE always has its built-in layers and
** sublayers. One named in the SDK (FWPM_LAYER_* / FWPM_SUBLAYER_*) that the
** engine does not hold yet is created on first use: built-in lifetime, the
** SDK name as display name, descriptor inherited from its container with
** owner BA and group LS (like the containers). Not logged: it always existed. */
static wfp_obj *make_builtin(ntsec_wfp_engine *e, ntsec_wfp_kind kind, const ntsec_guid *key,
                             const char *name, NTSTATUS *st)
{
    wfp_obj *o = wfp_obj_alloc(kind);
    int ok = 1;
    if (!o) return (*st = STATUS_NO_MEMORY), NULL;
    o->key = *key;
    o->lifetime = NTSEC_WFP_LIFE_BUILTIN;
    o->flags = kind == NTSEC_WFP_LAYER ? NTSEC_FWPM_LAYER_FLAG_BUILTIN : 0;
    o->name = wfp_strdup(name, &ok);
    *st = ok ? wfp_child_sd(e, wfp_container_of(kind), 0, wfp_sid_admins, wfp_sid_local_service, &o->sd)
             : STATUS_NO_MEMORY;
    if (NT_SUCCESS(*st) && wfp_id_counter(e, kind)) o->id = free_id(e, kind, wfp_id_counter(e, kind));
    if (NT_SUCCESS(*st)) *st = wfp_obj_insert(e, o);
    if (NT_SUCCESS(*st)) return o;
    wfp_obj_free(o);
    return NULL;
}

wfp_obj *wfp_find_or_builtin(ntsec_wfp_engine *e, ntsec_wfp_kind kind, const ntsec_guid *key,
                             NTSTATUS *st)
{
    wfp_obj *o = wfp_table_by_key(&e->tables[kind], key);
    const char *prefix = ntsec_wfp_kind_row(kind)->builtin_prefix, *name;
    *st = STATUS_SUCCESS;
    if (o || !prefix || ntsec_guid_is_null(key)) return o;
    name = ntsec_wfp_guid_to_name(key);
    if (!name || strncmp(name, prefix, strlen(prefix)) != 0) return NULL;
    return make_builtin(e, kind, key, name, st);
}
