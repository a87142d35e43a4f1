/*
** wfp_callout.c: FwpmCalloutAdd0, FwpmCalloutDeleteByKey0,
** FwpmCalloutGetByKey0 (wfp_ks_errors.md 2.3, 2.4, 3.2).
*/
#include <stdint.h>
#include <string.h>

#include "wfp_internal.h"
#include "wfp_callout.h"
#include "wfp_names.h"
#include "guid.h"
#include "secdefs.h"
#include "status.h"

#define WFP_CALLOUT_ADD_FLAGS (NTSEC_FWPM_CALLOUT_FLAG_PERSISTENT \
                               | NTSEC_FWPM_CALLOUT_FLAG_USES_PROVIDER_CONTEXT)

/* W32-OM association rules (2.3): nothing may reference an object that can
** die earlier. Built-in targets are always fine. */
static int lifetime_ok(int life, ntsec_wfp_handle owner, const wfp_obj *target)
{
    switch (target->lifetime) {
    case NTSEC_WFP_LIFE_DYNAMIC:
        return life == NTSEC_WFP_LIFE_DYNAMIC && owner == target->owner;
    case NTSEC_WFP_LIFE_STATIC: return life != NTSEC_WFP_LIFE_PERSISTENT;
    default: return 1;
    }
}

/* EMULATOR CHOICE: BFE always has its built-in layers. A layer key with an
** SDK name (FWPM_LAYER_*) that was not imported is treated as such a layer:
** ADD_LINK is checked against the descriptor it would have (inherited from
** the layers container, owner BA, group LS, like imported objects). */
static NTSTATUS link_builtin_layer(ntsec_wfp_engine *e, const wfp_session *s, const ntsec_guid *key,
                                   wfp_ref *ref)
{
    const char *name = ntsec_wfp_guid_to_name(key);
    ntsec_sd *sd;
    NTSTATUS st;
    if (!name || strncmp(name, "FWPM_LAYER_", 11) != 0) return STATUS_FWP_LAYER_NOT_FOUND;
    st = wfp_child_sd(e, NTSEC_WFP_LAYERS, 0, wfp_sid_admins, wfp_sid_local_service, &sd);
    if (!NT_SUCCESS(st)) return st;
    st = wfp_session_access(s, sd, FWPM_ACTRL_ADD_LINK);
    ntsec_sd_unref(sd);
    if (!NT_SUCCESS(st)) return st;
    ref->key = *key;
    ref->present = 1;
    return STATUS_SUCCESS;
}

/* Resolve one optional reference of a new callout: exists, ADD_LINK granted,
** lifetimes compatible. */
static NTSTATUS link_ref(ntsec_wfp_engine *e, const wfp_session *s, ntsec_wfp_kind kind,
                         const ntsec_guid *key, NTSTATUS not_found, int life, wfp_ref *ref)
{
    wfp_obj *t;
    NTSTATUS st;
    if (!key || ntsec_guid_is_null(key)) return STATUS_SUCCESS;
    t = wfp_store_by_key(&e->stores[kind], key);
    if (!t && kind == NTSEC_WFP_LAYER) return link_builtin_layer(e, s, key, ref);
    if (!t) return not_found;
    st = wfp_session_access(s, t->sd, FWPM_ACTRL_ADD_LINK);
    if (!NT_SUCCESS(st)) return st;
    if (!lifetime_ok(life, s->h.id, t)) return STATUS_FWP_LIFETIME_MISMATCH;
    ref->key = *key;
    ref->target = t;
    ref->present = 1;
    return STATUS_SUCCESS;
}

/* EMULATOR CHOICE (2.3 UNCONFIRMED): a dynamic session makes every object it
** adds dynamic, PERSISTENT flag or not. */
static int new_lifetime(const wfp_session *s, uint32_t flags)
{
    if (s->dynamic) return NTSEC_WFP_LIFE_DYNAMIC;
    return (flags & NTSEC_FWPM_CALLOUT_FLAG_PERSISTENT) ? NTSEC_WFP_LIFE_PERSISTENT
                                                       : NTSEC_WFP_LIFE_STATIC;
}

static NTSTATUS check_spec(const wfp_session *s, const ntsec_wfp_callout_spec *spec)
{
    if (s->txn == WFP_TXN_READ) return STATUS_FWP_INCOMPATIBLE_TXN;
    if (!spec->name) return STATUS_FWP_NULL_DISPLAY_NAME;
    if (spec->flags & ~WFP_CALLOUT_ADD_FLAGS) return STATUS_FWP_INVALID_FLAGS;
    return STATUS_SUCCESS;
}

static uint32_t next_free_id(ntsec_wfp_engine *e)
{
    const wfp_store *st = &e->stores[NTSEC_WFP_CALLOUT];
    while (e->next_callout_id == 0 || wfp_store_by_id(st, e->next_callout_id)) e->next_callout_id++;
    return e->next_callout_id++;
}

/* Key, id, strings, descriptor of the new callout. */
static NTSTATUS fill_callout(ntsec_wfp_engine *e, const wfp_session *s,
                             const ntsec_wfp_callout_spec *spec, ntsec_sd *sd, wfp_keyed *c)
{
    const uint8_t *owner, *group;
    int ok = 1;
    c->h.key = spec->key;
    if (ntsec_guid_is_null(&c->h.key))
        do wfp_new_guid(e, &c->h.key); while (wfp_store_by_key(&e->stores[NTSEC_WFP_CALLOUT], &c->h.key));
    c->h.flags = spec->flags;
    c->h.owner = s->dynamic ? s->h.id : 0;
    c->h.name = wfp_strdup(spec->name, &ok);
    c->h.description = wfp_strdup(spec->description, &ok);
    if (!ok) return STATUS_NO_MEMORY;
    if (sd) {
        c->h.sd = ntsec_sd_ref(sd);
        return STATUS_SUCCESS;
    }
    wfp_session_owner_group(s, &owner, &group);
    return wfp_child_sd(e, NTSEC_WFP_CALLOUTS, 0, owner, group, &c->h.sd);
}

/* Access to the container, uniqueness, references, limit (docs/wfp.md order). */
static NTSTATUS admit_callout(ntsec_wfp_engine *e, const wfp_session *s,
                              const ntsec_wfp_callout_spec *spec, wfp_keyed *c)
{
    int life = c->h.lifetime;
    NTSTATUS st = wfp_session_access(s, e->containers[NTSEC_WFP_CALLOUTS], FWPM_ACTRL_ADD);
    if (!NT_SUCCESS(st)) return st;
    if (!ntsec_guid_is_null(&spec->key) && wfp_store_by_key(&e->stores[NTSEC_WFP_CALLOUT], &spec->key))
        return STATUS_FWP_ALREADY_EXISTS;
    st = link_ref(e, s, NTSEC_WFP_PROVIDER, spec->provider, STATUS_FWP_PROVIDER_NOT_FOUND, life,
                  &c->refs[WFP_REF_PROVIDER]);
    if (NT_SUCCESS(st))
        st = link_ref(e, s, NTSEC_WFP_LAYER, &spec->layer, STATUS_FWP_LAYER_NOT_FOUND, life,
                      &c->refs[WFP_REF_LAYER]);
    if (NT_SUCCESS(st) && e->max_callouts != UINT32_MAX
        && e->stores[NTSEC_WFP_CALLOUT].live >= e->max_callouts)
        st = STATUS_FWP_TOO_MANY_CALLOUTS;
    return st;
}

NTSTATUS ntsec_wfp_callout_add(ntsec_wfp_engine *e, ntsec_wfp_handle h,
                               const ntsec_wfp_callout_spec *spec, ntsec_sd *sd, uint32_t *id)
{
    wfp_session *s;
    wfp_keyed *c;
    NTSTATUS st = wfp_session_enter(e, h, &s);
    if (NT_SUCCESS(st)) st = check_spec(s, spec);
    if (!NT_SUCCESS(st)) return st;
    c = (wfp_keyed *)wfp_obj_alloc(NTSEC_WFP_CALLOUT);
    if (!c) return STATUS_NO_MEMORY;
    c->h.lifetime = (uint8_t)new_lifetime(s, spec->flags);
    st = admit_callout(e, s, spec, c);
    if (NT_SUCCESS(st)) st = fill_callout(e, s, spec, sd, c);
    if (NT_SUCCESS(st)) st = wfp_txn_reserve(s);
    if (NT_SUCCESS(st)) {
        c->h.id = next_free_id(e);
        st = wfp_obj_insert(e, &c->h);
    }
    if (!NT_SUCCESS(st)) {
        wfp_obj_free(&c->h);
        return st;
    }
    wfp_txn_record(s, 1, &c->h);
    if (id) *id = (uint32_t)c->h.id;
    return STATUS_SUCCESS;
}

/* The callout behind key for a session call; the first checks of Delete/Get. */
static NTSTATUS find_callout(ntsec_wfp_engine *e, const ntsec_guid *key, wfp_obj **out)
{
    if (!key) return STATUS_FWP_NULL_POINTER;
    *out = wfp_store_by_key(&e->stores[NTSEC_WFP_CALLOUT], key);
    return *out ? STATUS_SUCCESS : STATUS_FWP_CALLOUT_NOT_FOUND;
}

static NTSTATUS may_delete(const wfp_session *s, const wfp_obj *o)
{
    NTSTATUS st = wfp_dynamic_rule(s, o, 0);
    if (NT_SUCCESS(st)) st = wfp_session_access(s, o->sd, DELETE);
    if (!NT_SUCCESS(st)) return st;
    if (o->lifetime == NTSEC_WFP_LIFE_BUILTIN) return STATUS_FWP_BUILTIN_OBJECT;
    return o->refs_in ? STATUS_FWP_IN_USE : STATUS_SUCCESS;
}

NTSTATUS ntsec_wfp_callout_delete_by_key(ntsec_wfp_engine *e, ntsec_wfp_handle h,
                                         const ntsec_guid *key)
{
    wfp_session *s;
    wfp_obj *o = NULL;
    NTSTATUS st = wfp_session_enter(e, h, &s);
    if (NT_SUCCESS(st) && s->txn == WFP_TXN_READ) st = STATUS_FWP_INCOMPATIBLE_TXN;
    if (NT_SUCCESS(st)) st = find_callout(e, key, &o);
    if (NT_SUCCESS(st)) st = may_delete(s, o);
    if (NT_SUCCESS(st)) st = wfp_txn_reserve(s);
    if (!NT_SUCCESS(st)) return st;
    wfp_obj_unlink(e, o);
    if (!wfp_txn_record(s, 0, o)) wfp_obj_free(o);
    return STATUS_SUCCESS;
}

NTSTATUS ntsec_wfp_callout_get_by_key(ntsec_wfp_engine *e, ntsec_wfp_handle h,
                                      const ntsec_guid *key, ntsec_wfp_object_info *out)
{
    wfp_session *s;
    wfp_obj *o = NULL;
    NTSTATUS st = wfp_session_enter(e, h, &s);
    if (NT_SUCCESS(st)) st = find_callout(e, key, &o);
    if (NT_SUCCESS(st)) st = wfp_session_access(s, o->sd, FWPM_ACTRL_READ);
    if (NT_SUCCESS(st)) wfp_obj_info(e, o, out);
    return st;
}
