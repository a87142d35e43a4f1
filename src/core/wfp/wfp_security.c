/*
** wfp_security.c: the WFP Get/Set security functions, following
** wfp_ks_errors.md 2.8 in its check order (see wfp_security.h).
*/
#include <string.h>

#include "wfp_internal.h"
#include "wfp_security.h"
#include "wfp_kinds.h"
#include "wfp_objects.h"
#include "acl.h"
#include "guid.h"
#include "merge.h"
#include "secdefs.h"
#include "sid.h"
#include "status.h"

/* What a Get/Set call operates on: an object, or a container (obj NULL). */
typedef struct wfp_target {
    wfp_obj *obj;
    ntsec_wfp_container container;  /* the container, or the object's container */
    int always_refuse;              /* dynamic sessions always refused (connections) */
    int resolved;                   /* step 4 succeeded (the observer may read it) */
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

static ntsec_sd *target_sd(const ntsec_wfp_engine *e, const wfp_target *t)
{
    return t->obj ? t->obj->sd : e->containers[t->container];
}

static void container_target(ntsec_wfp_container c, wfp_target *t)
{
    t->obj = NULL;
    t->container = c;
    t->always_refuse = c == NTSEC_WFP_CONNECTIONS;
    t->resolved = 0;
}

/* NULL key or GUID_NULL: the kind's container (DDI-CSSI remarks, SDKAPI-LSSI). */
static NTSTATUS keyed_target(ntsec_wfp_engine *e, ntsec_wfp_kind kind, const ntsec_guid *key,
                             wfp_target *t)
{
    NTSTATUS st;
    container_target(wfp_container_of(kind), t);
    if (!key || ntsec_guid_is_null(key)) return STATUS_SUCCESS;
    t->obj = wfp_find_or_builtin(e, kind, key, &st);
    if (!t->obj && NT_SUCCESS(st)) st = ntsec_wfp_not_found_status(kind);
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

/* The new descriptor re-inherits from the target's parent when a DACL bit
** was given (3.3, W32-HFD): explicit ACEs first, then the parent's. */
static NTSTATUS reinherit_result(ntsec_wfp_engine *e, const wfp_target *t, SECURITY_INFORMATION si,
                                 ntsec_sd *merged, ntsec_sd **out)
{
    int is_root = !t->obj && t->container == NTSEC_WFP_ENGINE;
    if (is_root || !(si & WFP_SI_DACL_BITS)) {
        *out = ntsec_sd_ref(merged);
        return STATUS_SUCCESS;
    }
    if (t->obj) return wfp_reinherit(e, t->container, 0, merged, out);
    return wfp_reinherit(e, NTSEC_WFP_ENGINE, 1, merged, out);
}

/* Append a part given to Set as length + bytes (0xFFFF: a NULL ACL). */
static int memo_part(wfp_setmemo_key *k, int given, const uint8_t *p, size_t n)
{
    if (!given) return 1;
    if (k->len + 2 + n > sizeof k->bytes) return 0;
    k->bytes[k->len++] = (uint8_t)(p ? n : 0xFF);
    k->bytes[k->len++] = (uint8_t)(p ? n >> 8 : 0xFF);
    if (p) memcpy(k->bytes + k->len, p, n);
    k->len += n;
    return 1;
}

/* The memo key of a Set, or 0 when the result may depend on the caller's
** token (an owner or group change in user mode: the owner check, 4.6). */
static int memo_key(ntsec_wfp_engine *e, const wfp_session *s, const wfp_target *t, const wfp_set_args *a,
                    wfp_setmemo_key *k)
{
    const SECURITY_INFORMATION si = a->si;
    if (!s->kernel_mode && (si & (OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION))) return 0;
    k->old = target_sd(e, t);
    k->parent = t->obj ? e->containers[t->container]
              : t->container == NTSEC_WFP_ENGINE ? NULL : e->containers[NTSEC_WFP_ENGINE];
    k->flags = si;
    k->is_container = t->obj == NULL;
    k->len = 0;
    if (!memo_part(k, si & OWNER_SECURITY_INFORMATION, a->owner, a->owner ? ntsec_sid_len(a->owner) : 0)
        || !memo_part(k, si & GROUP_SECURITY_INFORMATION, a->group, a->group ? ntsec_sid_len(a->group) : 0)
        || !memo_part(k, si & DACL_SECURITY_INFORMATION, a->dacl, a->dacl ? ntsec_acl_size(a->dacl) : 0)
        || !memo_part(k, si & SACL_SECURITY_INFORMATION, a->sacl, a->sacl ? ntsec_acl_size(a->sacl) : 0))
        return 0;
    k->hash = wfp_hash_bytes(k->bytes, k->len) ^ ((uint64_t)si * 0x9e3779b97f4a7c15ull);
    return 1;
}

/* Merge, then re-inherit: the new descriptor (interned, new reference). */
static NTSTATUS compute(ntsec_wfp_engine *e, const wfp_session *s, const wfp_target *t,
                        const wfp_set_args *a, ntsec_sd **out)
{
    ntsec_sd_parts mod;
    ntsec_sd *merged, *final;
    NTSTATUS st;
    mod_parts(a, &mod);
    st = ntsec_set_security(target_sd(e, t), a->si, &mod, SEF_DACL_AUTO_INHERIT, &ntsec_fwpm_mapping,
                            s->kernel_mode ? NULL : s->token, &merged);
    if (!NT_SUCCESS(st)) return st;
    st = reinherit_result(e, t, a->si, merged, &final);
    ntsec_sd_unref(merged);
    if (NT_SUCCESS(st)) *out = wfp_intern(e, final);
    return st;
}

/* Step 8: merge, re-inherit, then swap (logged: nothing changes on failure). */
static NTSTATUS merge_and_swap(ntsec_wfp_engine *e, wfp_session *s, const wfp_target *t,
                               const wfp_set_args *a)
{
    wfp_setmemo_key key;
    ntsec_sd *final;
    int memo = memo_key(e, s, t, a, &key);
    NTSTATUS st = STATUS_SUCCESS;
    if (!memo || !wfp_setmemo_get(e, &key, &final)) {
        st = compute(e, s, t, a, &final);
        if (NT_SUCCESS(st) && memo) wfp_setmemo_put(e, &key, final);
    }
    if (!NT_SUCCESS(st)) return st;
    if (t->obj) return wfp_obj_replace_sd(s, t->obj, final);
    return wfp_container_replace(e, s, t->container, final);
}

/* Steps 5-8 on a resolved target. */
static NTSTATUS apply_set(ntsec_wfp_engine *e, wfp_session *s, const wfp_target *t,
                          const wfp_set_args *a)
{
    NTSTATUS st = wfp_dynamic_rule(s, t->obj, t->always_refuse);
    if (NT_SUCCESS(st)) st = wfp_session_access(s, target_sd(e, t), ntsec_required_access_for_set(a->si));
    if (NT_SUCCESS(st)) st = validate_args(a);
    if (!NT_SUCCESS(st) || a->si == 0) return st;   /* si == 0: no-op (docs/wfp.md) */
    return merge_and_swap(e, s, t, a);
}

/* Getters: READ_CONTROL / ACCESS_SYSTEM_SECURITY per 3.4, then select. */
static NTSTATUS apply_get(const ntsec_wfp_engine *e, const wfp_session *s, const wfp_target *t,
                          SECURITY_INFORMATION si, ntsec_sd **out)
{
    NTSTATUS st = wfp_session_access(s, target_sd(e, t), ntsec_required_access_for_query(si));
    if (NT_SUCCESS(st) && (si & ~NTSEC_WFP_SI_SUPPORTED)) st = STATUS_INVALID_PARAMETER;
    if (NT_SUCCESS(st)) st = ntsec_sd_select(target_sd(e, t), si, out);
    return st;
}

/* Step 4 by the kind table: keyed security (a NULL key or GUID_NULL is the
** kind's container), keyless security (the kind's container), or none. */
static NTSTATUS resolve_target(ntsec_wfp_engine *e, const ntsec_wfp_kind_info *r, const ntsec_guid *key,
                               wfp_target *t)
{
    NTSTATUS st = STATUS_SUCCESS;
    if (r->ops & NTSEC_WFP_OP_SECURITY_KEY) st = keyed_target(e, r->kind, key, t);
    else container_target(r->container, t);
    t->resolved = NT_SUCCESS(st);
    return st;
}

/* The row of kind when it has a Set/Get security function, else NULL. */
static const ntsec_wfp_kind_info *security_row(ntsec_wfp_kind kind)
{
    const ntsec_wfp_kind_info *r = ntsec_wfp_kind_row(kind);
    return r && (r->ops & (NTSEC_WFP_OP_SECURITY_KEY | NTSEC_WFP_OP_SECURITY)) ? r : NULL;
}

/* Tell the engine's observer about a finished Set/Get (audit recorders). */
static void observe(const ntsec_wfp_engine *e, const wfp_session *s, ntsec_wfp_kind kind,
                    const ntsec_guid *key, int set, SECURITY_INFORMATION si, NTSTATUS st,
                    const ntsec_sd *before, const wfp_target *t)
{
    ntsec_wfp_security_event ev;
    ev.set = set;
    ev.kind = kind;
    ev.key = key;
    ev.si = si;
    ev.session = s ? s->h.id : 0;
    ev.kernel_mode = s ? s->kernel_mode : 0;
    ev.status = st;
    ev.before = t->resolved ? before : NULL;
    ev.after = t->resolved ? target_sd(e, t) : NULL;
    e->observer(e->observer_ctx, &ev);
}

/* Steps 1-3, the lock, then step 4 (target) and the rest in one write call;
** the observer (if any) hears of the call after it ended. One function: this
** is the hot path of FwpmCalloutSetSecurityInfoByKey0. */
static NTSTATUS set_security(ntsec_wfp_engine *e, ntsec_wfp_handle h, ntsec_wfp_kind kind,
                             const ntsec_guid *key, const wfp_set_args *a)
{
    const ntsec_wfp_kind_info *r = security_row(kind);
    wfp_session *s = NULL;
    wfp_target t;
    wfp_call call;
    ntsec_sd *before = NULL;
    NTSTATUS st = wfp_session_enter(e, h, &s);
    t.resolved = 0;
    if (NT_SUCCESS(st) && s->txn != WFP_TXN_NONE) st = STATUS_FWP_TXN_IN_PROGRESS;
    if (NT_SUCCESS(st) && !r) st = STATUS_INVALID_PARAMETER;
    if (NT_SUCCESS(st)) st = wfp_call_begin(e, s, WFP_OP_WRITE, &call);
    if (NT_SUCCESS(st)) {
        st = resolve_target(e, r, key, &t);
        if (NT_SUCCESS(st) && e->observer) before = ntsec_sd_ref(target_sd(e, &t));
        if (NT_SUCCESS(st)) st = apply_set(e, s, &t, a);
        st = wfp_call_end(e, &call, st);
    }
    if (!e->observer) return st;
    observe(e, s, kind, key, 1, a->si, st, before, &t);
    ntsec_sd_unref(before);
    return st;
}

static NTSTATUS get_in_call(ntsec_wfp_engine *e, wfp_session *s, const ntsec_wfp_kind_info *r,
                            const ntsec_guid *key, SECURITY_INFORMATION si, wfp_target *t,
                            ntsec_sd **out)
{
    wfp_call call;
    NTSTATUS st = wfp_call_begin(e, s, WFP_OP_READ, &call);
    if (!NT_SUCCESS(st)) return st;
    st = resolve_target(e, r, key, t);
    return NT_SUCCESS(st) ? apply_get(e, s, t, si, out) : st;
}

static NTSTATUS get_security(ntsec_wfp_engine *e, ntsec_wfp_handle h, ntsec_wfp_kind kind,
                             const ntsec_guid *key, SECURITY_INFORMATION si, ntsec_sd **out)
{
    wfp_session *s = NULL;
    wfp_target t = {NULL, NTSEC_WFP_ENGINE, 0, 0};
    const ntsec_wfp_kind_info *r = security_row(kind);
    NTSTATUS st;
    *out = NULL;
    st = wfp_session_enter(e, h, &s);
    if (NT_SUCCESS(st) && !r) st = STATUS_INVALID_PARAMETER;
    if (NT_SUCCESS(st)) st = get_in_call(e, s, r, key, si, &t, out);
    if (e->observer) observe(e, s, kind, key, 0, si, st, t.resolved ? target_sd(e, &t) : NULL, &t);
    return st;
}

NTSTATUS ntsec_wfp_set_security(ntsec_wfp_engine *e, ntsec_wfp_handle h, ntsec_wfp_kind kind,
                                const ntsec_guid *key, SECURITY_INFORMATION si,
                                const uint8_t *owner, const uint8_t *group,
                                const uint8_t *dacl, const uint8_t *sacl)
{
    wfp_set_args a = {si, owner, group, dacl, sacl};
    return set_security(e, h, kind, key, &a);
}

NTSTATUS ntsec_wfp_get_security(ntsec_wfp_engine *e, ntsec_wfp_handle h, ntsec_wfp_kind kind,
                                const ntsec_guid *key, SECURITY_INFORMATION si, ntsec_sd **out)
{
    return get_security(e, h, kind, key, si, out);
}

void ntsec_wfp_engine_set_observer(ntsec_wfp_engine *e, ntsec_wfp_security_observer cb, void *ctx)
{
    e->observer = cb;
    e->observer_ctx = ctx;
}

/* The Windows-named entry points: one row of the kind table each. */

NTSTATUS ntsec_wfp_object_set_security(ntsec_wfp_engine *e, ntsec_wfp_handle h, ntsec_wfp_kind kind,
                                       const ntsec_guid *key, SECURITY_INFORMATION si,
                                       const uint8_t *owner, const uint8_t *group,
                                       const uint8_t *dacl, const uint8_t *sacl)
{
    if (!ntsec_wfp_kind_has(kind, NTSEC_WFP_OP_SECURITY_KEY)) kind = NTSEC_WFP_SESSION_RECORD;
    return ntsec_wfp_set_security(e, h, kind, key, si, owner, group, dacl, sacl);
}

NTSTATUS ntsec_wfp_object_get_security(ntsec_wfp_engine *e, ntsec_wfp_handle h, ntsec_wfp_kind kind,
                                       const ntsec_guid *key, SECURITY_INFORMATION si, ntsec_sd **out)
{
    if (!ntsec_wfp_kind_has(kind, NTSEC_WFP_OP_SECURITY_KEY)) kind = NTSEC_WFP_SESSION_RECORD;
    return get_security(e, h, kind, key, si, out);
}

NTSTATUS ntsec_wfp_callout_set_security(ntsec_wfp_engine *e, ntsec_wfp_handle h,
                                        const ntsec_guid *key, SECURITY_INFORMATION si,
                                        const uint8_t *owner, const uint8_t *group,
                                        const uint8_t *dacl, const uint8_t *sacl)
{
    return ntsec_wfp_set_security(e, h, NTSEC_WFP_CALLOUT, key, si, owner, group, dacl, sacl);
}

NTSTATUS ntsec_wfp_callout_get_security(ntsec_wfp_engine *e, ntsec_wfp_handle h,
                                        const ntsec_guid *key, SECURITY_INFORMATION si,
                                        ntsec_sd **out)
{
    return get_security(e, h, NTSEC_WFP_CALLOUT, key, si, out);
}

NTSTATUS ntsec_wfp_connection_set_security(ntsec_wfp_engine *e, ntsec_wfp_handle h,
                                           SECURITY_INFORMATION si,
                                           const uint8_t *owner, const uint8_t *group,
                                           const uint8_t *dacl, const uint8_t *sacl)
{
    return ntsec_wfp_set_security(e, h, NTSEC_WFP_CONNECTION, NULL, si, owner, group, dacl, sacl);
}

NTSTATUS ntsec_wfp_connection_get_security(ntsec_wfp_engine *e, ntsec_wfp_handle h,
                                           SECURITY_INFORMATION si, ntsec_sd **out)
{
    return get_security(e, h, NTSEC_WFP_CONNECTION, NULL, si, out);
}

NTSTATUS ntsec_wfp_ale_set_security(ntsec_wfp_engine *e, ntsec_wfp_handle h,
                                    SECURITY_INFORMATION si,
                                    const uint8_t *owner, const uint8_t *group,
                                    const uint8_t *dacl, const uint8_t *sacl)
{
    return ntsec_wfp_set_security(e, h, NTSEC_WFP_ENDPOINT, NULL, si, owner, group, dacl, sacl);
}

NTSTATUS ntsec_wfp_ale_get_security(ntsec_wfp_engine *e, ntsec_wfp_handle h,
                                    SECURITY_INFORMATION si, ntsec_sd **out)
{
    return get_security(e, h, NTSEC_WFP_ENDPOINT, NULL, si, out);
}

NTSTATUS ntsec_wfp_engine_set_security(ntsec_wfp_engine *e, ntsec_wfp_handle h,
                                       SECURITY_INFORMATION si,
                                       const uint8_t *owner, const uint8_t *group,
                                       const uint8_t *dacl, const uint8_t *sacl)
{
    return ntsec_wfp_set_security(e, h, NTSEC_WFP_ROOT, NULL, si, owner, group, dacl, sacl);
}

NTSTATUS ntsec_wfp_engine_get_security(ntsec_wfp_engine *e, ntsec_wfp_handle h,
                                       SECURITY_INFORMATION si, ntsec_sd **out)
{
    return get_security(e, h, NTSEC_WFP_ROOT, NULL, si, out);
}
