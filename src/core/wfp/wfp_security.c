/*
** wfp_security.c: the WFP Get/Set security functions, following
** wfp_ks_errors.md 2.8 in its check order (see wfp_security.h).
*/
#include "wfp_internal.h"
#include "wfp_security.h"
#include "acl.h"
#include "guid.h"
#include "merge.h"
#include "secdefs.h"
#include "sid.h"
#include "status.h"

/* What a Get/Set call operates on. */
typedef struct wfp_target {
    ntsec_sd **slot;              /* where the descriptor lives */
    const wfp_obj *obj;           /* the object, NULL for containers / the engine */
    int has_parent;               /* inherits from parent (all but the engine) */
    ntsec_wfp_container parent;
    int is_container;
    int always_refuse;            /* dynamic sessions always refused (connections) */
} wfp_target;

typedef struct wfp_set_args {
    SECURITY_INFORMATION si;
    const uint8_t *owner, *group, *dacl, *sacl;
} wfp_set_args;

NTSTATUS wfp_dynamic_rule(const wfp_session *s, const wfp_obj *o, int always_refuse)
{
    if (!s->dynamic) return STATUS_SUCCESS;
    if (always_refuse) return STATUS_FWP_DYNAMIC_SESSION_IN_PROGRESS;
    if (o && o->lifetime == NTSEC_WFP_LIFE_DYNAMIC)
        return o->owner == s->h.id ? STATUS_SUCCESS : STATUS_FWP_WRONG_SESSION;
    return STATUS_FWP_DYNAMIC_SESSION_IN_PROGRESS;
}

static void container_target(ntsec_wfp_engine *e, ntsec_wfp_container c, wfp_target *t)
{
    t->slot = &e->containers[c];
    t->obj = NULL;
    t->has_parent = c != NTSEC_WFP_ENGINE;
    t->parent = NTSEC_WFP_ENGINE;
    t->is_container = 1;
    t->always_refuse = c == NTSEC_WFP_CONNECTIONS;
}

/* NULL key or GUID_NULL: the callouts container (DDI-CSSI remarks). */
static NTSTATUS callout_target(ntsec_wfp_engine *e, const ntsec_guid *key, wfp_target *t)
{
    wfp_obj *o;
    container_target(e, NTSEC_WFP_CALLOUTS, t);
    if (!key || ntsec_guid_is_null(key)) return STATUS_SUCCESS;
    o = wfp_store_by_key(&e->stores[NTSEC_WFP_CALLOUT], key);
    if (!o) return STATUS_FWP_CALLOUT_NOT_FOUND;
    t->slot = &o->sd;
    t->obj = o;
    t->parent = NTSEC_WFP_CALLOUTS;
    t->is_container = 0;
    return STATUS_SUCCESS;
}

/* Steps 1-3: handle, BFE running, no explicit transaction. */
static NTSTATUS set_preamble(const ntsec_wfp_engine *e, ntsec_wfp_handle h, wfp_session **s)
{
    NTSTATUS st = wfp_session_enter(e, h, s);
    if (NT_SUCCESS(st) && (*s)->txn != WFP_TXN_NONE) st = STATUS_FWP_TXN_IN_PROGRESS;
    return st;
}

static NTSTATUS check_sid(SECURITY_INFORMATION si, SECURITY_INFORMATION bit, const uint8_t *sid)
{
    if (!(si & bit)) return STATUS_SUCCESS;
    if (!sid) return STATUS_INVALID_PARAMETER;
    return ntsec_sid_valid(sid, SECURITY_MAX_SID_SIZE) ? STATUS_SUCCESS : STATUS_INVALID_SID;
}

/* NULL is legal for an ACL: it installs a NULL ACL (SetSecurityInfo, 2.7). */
static NTSTATUS check_acl(SECURITY_INFORMATION si, SECURITY_INFORMATION bit, const uint8_t *acl)
{
    if (!(si & bit) || !acl) return STATUS_SUCCESS;
    return ntsec_acl_valid(acl, ntsec_acl_size(acl)) ? STATUS_SUCCESS : STATUS_INVALID_ACL;
}

/* Step 7. */
static NTSTATUS validate_args(const wfp_set_args *a)
{
    NTSTATUS st;
    if (a->si & ~NTSEC_WFP_SI_SUPPORTED) return STATUS_INVALID_PARAMETER;
    if ((a->si & OWNER_SECURITY_INFORMATION) && !a->owner) return STATUS_INVALID_PARAMETER;
    if ((a->si & GROUP_SECURITY_INFORMATION) && !a->group) return STATUS_INVALID_PARAMETER;
    st = check_sid(a->si, OWNER_SECURITY_INFORMATION, a->owner);
    if (NT_SUCCESS(st)) st = check_sid(a->si, GROUP_SECURITY_INFORMATION, a->group);
    if (NT_SUCCESS(st)) st = check_acl(a->si, DACL_SECURITY_INFORMATION, a->dacl);
    if (NT_SUCCESS(st)) st = check_acl(a->si, SACL_SECURITY_INFORMATION, a->sacl);
    return st;
}

/* The modification descriptor: only the parts whose bit is set (SetSecurityInfo). */
static void mod_parts(const wfp_set_args *a, ntsec_sd_parts *m)
{
    m->control = 0;
    m->sbz1 = 0;
    m->owner = (a->si & OWNER_SECURITY_INFORMATION) ? a->owner : NULL;
    m->group = (a->si & GROUP_SECURITY_INFORMATION) ? a->group : NULL;
    m->dacl = (a->si & DACL_SECURITY_INFORMATION) ? a->dacl : NULL;
    m->sacl = (a->si & SACL_SECURITY_INFORMATION) ? a->sacl : NULL;
    if (a->si & DACL_SECURITY_INFORMATION) m->control |= SE_DACL_PRESENT;
    if (a->si & SACL_SECURITY_INFORMATION) m->control |= SE_SACL_PRESENT;
}

#define WFP_SI_DACL_BITS (DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION \
                          | UNPROTECTED_DACL_SECURITY_INFORMATION)

/* Step 8: merge, re-inherit, then swap (nothing changes on failure). */
static NTSTATUS merge_and_swap(ntsec_wfp_engine *e, const wfp_session *s, const wfp_target *t,
                               const wfp_set_args *a)
{
    ntsec_sd_parts mod;
    ntsec_sd *merged, *final;
    NTSTATUS st;
    mod_parts(a, &mod);
    st = ntsec_set_security(*t->slot, a->si, &mod, SEF_DACL_AUTO_INHERIT, &ntsec_fwpm_mapping,
                            s->kernel_mode ? NULL : s->token, &merged);
    if (!NT_SUCCESS(st)) return st;
    if (t->has_parent && (a->si & WFP_SI_DACL_BITS)) {
        st = wfp_reinherit(e, t->parent, t->is_container, merged, &final);
        ntsec_sd_unref(merged);
        if (!NT_SUCCESS(st)) return st;
    } else {
        final = merged;
    }
    ntsec_sd_unref(*t->slot);
    *t->slot = final;
    return STATUS_SUCCESS;
}

/* Steps 5-8 on a resolved target. */
static NTSTATUS apply_set(ntsec_wfp_engine *e, const wfp_session *s, const wfp_target *t,
                          const wfp_set_args *a)
{
    NTSTATUS st = wfp_dynamic_rule(s, t->obj, t->always_refuse);
    if (NT_SUCCESS(st)) st = wfp_session_access(s, *t->slot, ntsec_required_access_for_set(a->si));
    if (NT_SUCCESS(st)) st = validate_args(a);
    if (!NT_SUCCESS(st) || a->si == 0) return st;   /* si == 0: no-op (docs/wfp.md) */
    return merge_and_swap(e, s, t, a);
}

/* Getters: READ_CONTROL / ACCESS_SYSTEM_SECURITY per 3.4, then select. */
static NTSTATUS apply_get(const wfp_session *s, const wfp_target *t, SECURITY_INFORMATION si,
                          ntsec_sd **out)
{
    NTSTATUS st = wfp_session_access(s, *t->slot, ntsec_required_access_for_query(si));
    if (NT_SUCCESS(st) && (si & ~NTSEC_WFP_SI_SUPPORTED)) st = STATUS_INVALID_PARAMETER;
    if (NT_SUCCESS(st)) st = ntsec_sd_select(*t->slot, si, out);
    return st;
}

static NTSTATUS set_container(ntsec_wfp_engine *e, ntsec_wfp_handle h, ntsec_wfp_container c,
                              const wfp_set_args *a)
{
    wfp_session *s;
    wfp_target t;
    NTSTATUS st = set_preamble(e, h, &s);
    if (!NT_SUCCESS(st)) return st;
    container_target(e, c, &t);
    return apply_set(e, s, &t, a);
}

static NTSTATUS get_container(ntsec_wfp_engine *e, ntsec_wfp_handle h, ntsec_wfp_container c,
                              SECURITY_INFORMATION si, ntsec_sd **out)
{
    wfp_session *s;
    wfp_target t;
    NTSTATUS st;
    *out = NULL;
    st = wfp_session_enter(e, h, &s);
    if (!NT_SUCCESS(st)) return st;
    container_target(e, c, &t);
    return apply_get(s, &t, si, out);
}

NTSTATUS ntsec_wfp_callout_set_security(ntsec_wfp_engine *e, ntsec_wfp_handle h,
                                        const ntsec_guid *key, SECURITY_INFORMATION si,
                                        const uint8_t *owner, const uint8_t *group,
                                        const uint8_t *dacl, const uint8_t *sacl)
{
    wfp_set_args a = {si, owner, group, dacl, sacl};
    wfp_session *s;
    wfp_target t;
    NTSTATUS st = set_preamble(e, h, &s);
    if (NT_SUCCESS(st)) st = callout_target(e, key, &t);
    if (NT_SUCCESS(st)) st = apply_set(e, s, &t, &a);
    return st;
}

NTSTATUS ntsec_wfp_callout_get_security(ntsec_wfp_engine *e, ntsec_wfp_handle h,
                                        const ntsec_guid *key, SECURITY_INFORMATION si,
                                        ntsec_sd **out)
{
    wfp_session *s;
    wfp_target t;
    NTSTATUS st;
    *out = NULL;
    st = wfp_session_enter(e, h, &s);
    if (NT_SUCCESS(st)) st = callout_target(e, key, &t);
    if (NT_SUCCESS(st)) st = apply_get(s, &t, si, out);
    return st;
}

NTSTATUS ntsec_wfp_connection_set_security(ntsec_wfp_engine *e, ntsec_wfp_handle h,
                                           SECURITY_INFORMATION si,
                                           const uint8_t *owner, const uint8_t *group,
                                           const uint8_t *dacl, const uint8_t *sacl)
{
    wfp_set_args a = {si, owner, group, dacl, sacl};
    return set_container(e, h, NTSEC_WFP_CONNECTIONS, &a);
}

NTSTATUS ntsec_wfp_connection_get_security(ntsec_wfp_engine *e, ntsec_wfp_handle h,
                                           SECURITY_INFORMATION si, ntsec_sd **out)
{
    return get_container(e, h, NTSEC_WFP_CONNECTIONS, si, out);
}

NTSTATUS ntsec_wfp_ale_set_security(ntsec_wfp_engine *e, ntsec_wfp_handle h,
                                    SECURITY_INFORMATION si,
                                    const uint8_t *owner, const uint8_t *group,
                                    const uint8_t *dacl, const uint8_t *sacl)
{
    wfp_set_args a = {si, owner, group, dacl, sacl};
    return set_container(e, h, NTSEC_WFP_ALE_ENDPOINTS, &a);
}

NTSTATUS ntsec_wfp_ale_get_security(ntsec_wfp_engine *e, ntsec_wfp_handle h,
                                    SECURITY_INFORMATION si, ntsec_sd **out)
{
    return get_container(e, h, NTSEC_WFP_ALE_ENDPOINTS, si, out);
}

NTSTATUS ntsec_wfp_engine_set_security(ntsec_wfp_engine *e, ntsec_wfp_handle h,
                                       SECURITY_INFORMATION si,
                                       const uint8_t *owner, const uint8_t *group,
                                       const uint8_t *dacl, const uint8_t *sacl)
{
    wfp_set_args a = {si, owner, group, dacl, sacl};
    return set_container(e, h, NTSEC_WFP_ENGINE, &a);
}

NTSTATUS ntsec_wfp_engine_get_security(ntsec_wfp_engine *e, ntsec_wfp_handle h,
                                       SECURITY_INFORMATION si, ntsec_sd **out)
{
    return get_container(e, h, NTSEC_WFP_ENGINE, si, out);
}
