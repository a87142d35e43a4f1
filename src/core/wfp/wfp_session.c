/*
** wfp_session.c: FwpmEngineOpen0 / FwpmEngineClose0 (wfp_ks_errors.md 2.1)
** and the per-call session preamble (handle, BFE running, access check).
*/
#include <string.h>

#include "wfp_internal.h"
#include "guid.h"
#include "secdefs.h"
#include "status.h"

wfp_session *wfp_session_get(const ntsec_wfp_engine *e, ntsec_wfp_handle h)
{
    return h ? (wfp_session *)wfp_table_by_id(&e->tables[NTSEC_WFP_OPEN_SESSION], h) : NULL;
}

/* Handle, BFE running, then a forced abort to report (W32-OM: "the next
** call made within that transaction will fail with FWP_E_TXN_ABORTED"). */
NTSTATUS wfp_session_enter(ntsec_wfp_engine *e, ntsec_wfp_handle h, wfp_session **out)
{
    wfp_session *s = wfp_session_get(e, h);
    if (!s) return STATUS_INVALID_HANDLE;
    if (!e->running) return EPT_NT_NOT_REGISTERED;
    wfp_lock_expire(e);
    if (s->txn_aborted) {
        s->txn_aborted = 0;
        return STATUS_FWP_TXN_ABORTED;
    }
    *out = s;
    return STATUS_SUCCESS;
}

/* One access check with the FWPM generic mapping (3.1), at the kernel/authz
** entry point BFE uses: a descriptor without a group is evaluated
** (docs/access.md "Entry points"). */
static NTSTATUS token_access(const ntsec_token *t, const ntsec_sd *sd, ACCESS_MASK want)
{
    ntsec_access_opts o;
    ntsec_access_result r;
    NTSTATUS st;
    if (!want) return STATUS_SUCCESS;
    if (!t) return STATUS_NO_TOKEN;
    memset(&o, 0, sizeof o);
    o.entry = NTSEC_ENTRY_KERNEL;
    st = ntsec_access_check(sd, t, want, &ntsec_fwpm_mapping, &o, &r);
    return NT_SUCCESS(st) ? r.access_status : st;
}

/* BFE skips all access checks for kernel-mode callers (3.2, W32-AC). */
NTSTATUS wfp_session_access(const wfp_session *s, const ntsec_sd *sd, ACCESS_MASK want)
{
    return s->kernel_mode ? STATUS_SUCCESS : token_access(s->token, sd, want);
}

/* A session key is taken when an open session or an imported session record
** (a session open on the dumped machine) uses it. */
static int key_taken(const ntsec_wfp_engine *e, const ntsec_guid *key)
{
    return wfp_table_by_key(&e->tables[NTSEC_WFP_OPEN_SESSION], key)
        || wfp_table_by_key(&e->tables[NTSEC_WFP_SESSION_RECORD], key);
}

static NTSTATUS choose_key(ntsec_wfp_engine *e, const ntsec_guid *wanted, ntsec_guid *key)
{
    if (wanted && !ntsec_guid_is_null(wanted)) {
        if (key_taken(e, wanted)) return STATUS_FWP_ALREADY_EXISTS;
        *key = *wanted;
        return STATUS_SUCCESS;
    }
    do wfp_new_guid(e, key); while (key_taken(e, key));
    return STATUS_SUCCESS;
}

/* FWPM_ACTRL_OPEN on the engine; Administrators always get it (3.3). */
static NTSTATUS check_open(const ntsec_wfp_engine *e, const ntsec_wfp_session_opts *o)
{
    if (o->kernel_mode) return STATUS_SUCCESS;
    if (!o->token) return STATUS_NO_TOKEN;
    if (ntsec_token_has_sid(o->token, wfp_sid_admins, 0)) return STATUS_SUCCESS;
    return token_access(o->token, e->containers[NTSEC_WFP_ENGINE], FWPM_ACTRL_OPEN);
}

static NTSTATUS fill_session(wfp_session *s, const ntsec_wfp_session_opts *o)
{
    int ok = 1;
    s->dynamic = o->dynamic != 0;
    s->kernel_mode = o->kernel_mode != 0;
    s->txn_timeout_ms = o->txn_timeout_ms;
    s->h.name = wfp_strdup(o->name, &ok);
    s->h.description = wfp_strdup(o->description, &ok);
    if (o->token && !(s->token = ntsec_token_clone(o->token))) ok = 0;
    return ok ? STATUS_SUCCESS : STATUS_NO_MEMORY;
}

NTSTATUS ntsec_wfp_engine_open(ntsec_wfp_engine *e, const ntsec_wfp_session_opts *opts,
                               ntsec_wfp_handle *out)
{
    static const ntsec_wfp_session_opts defaults;
    const ntsec_wfp_session_opts *o = opts ? opts : &defaults;
    wfp_session *s;
    NTSTATUS st;
    if (!e->running) return EPT_NT_NOT_REGISTERED;
    st = check_open(e, o);
    if (!NT_SUCCESS(st)) return st;
    s = (wfp_session *)wfp_obj_alloc(NTSEC_WFP_OPEN_SESSION);
    if (!s) return STATUS_NO_MEMORY;
    st = choose_key(e, o->key, &s->h.key);
    if (NT_SUCCESS(st)) st = fill_session(s, o);
    s->h.id = e->next_handle;
    if (NT_SUCCESS(st)) st = wfp_obj_insert(e, &s->h);
    if (!NT_SUCCESS(st)) {
        wfp_obj_free(&s->h);
        return st;
    }
    e->next_handle++;
    *out = s->h.id;
    return STATUS_SUCCESS;
}

/* Dynamic objects die with their session (2.1, 2.3). Referrers come after
** their targets in reference order (wfp_keyed_order), and a
** dynamic object is referenced only by its own session's dynamic objects, so
** deleting kinds from the last to the first never frees a referenced target. */
static void delete_dynamic_objects(ntsec_wfp_engine *e, ntsec_wfp_handle h)
{
    int i;
    for (i = WFP_KEYED_KINDS - 1; i >= 0; i--) {
        wfp_table *st = &e->tables[wfp_keyed_order[i]];
        size_t cur = 0;
        wfp_obj *o;
        st->pinned++;
        while ((o = wfp_table_next(st, &cur)) != NULL) {
            if (o->lifetime != NTSEC_WFP_LIFE_DYNAMIC || o->owner != h) continue;
            wfp_obj_unlink(e, o);
            wfp_obj_free(o);
        }
        st->pinned--;
    }
}

NTSTATUS ntsec_wfp_engine_close(ntsec_wfp_engine *e, ntsec_wfp_handle h)
{
    wfp_session *s;
    if (h == 0) return STATUS_SUCCESS;
    s = wfp_session_get(e, h);
    if (!s) return STATUS_INVALID_HANDLE;
    wfp_txn_rollback(e, s);
    wfp_sub_drop_session(e, h);
    wfp_enum_drop_session(e, h);
    delete_dynamic_objects(e, h);
    wfp_obj_unlink(e, &s->h);
    wfp_obj_free(&s->h);
    return STATUS_SUCCESS;
}

NTSTATUS ntsec_wfp_session_get_info(const ntsec_wfp_engine *e, ntsec_wfp_handle h,
                                    ntsec_wfp_session_info *out)
{
    const wfp_session *s = wfp_session_get(e, h);
    if (!s) return STATUS_INVALID_HANDLE;
    out->key = s->h.key;
    out->dynamic = s->dynamic;
    out->kernel_mode = s->kernel_mode;
    out->txn = s->txn;
    out->txn_aborted = s->txn_aborted;
    out->txn_timeout_ms = s->txn_timeout_ms;
    return STATUS_SUCCESS;
}
