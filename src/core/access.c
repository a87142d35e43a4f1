/*
** access.c: generic mapping and the access check (sd_semantics.md 3.2-3.7;
** [MS-DTYP] 2.5.3.2). Choices on UNCONFIRMED points: docs/access.md.
**
** Order of a check:
**   1. call checks (generic bits, token type with NTSEC_ACCESS_NT_API,
**      owner/group present, object-type list well formed);
**   2. mandatory integrity (access_integrity.c): wanted bits outside the
**      label's allowed set deny at once;
**   3. privileges: SeBackup/SeRestore (backup intent), SeSecurity for
**      ACCESS_SYSTEM_SECURITY (else STATUS_PRIVILEGE_NOT_HELD), SeTake-
**      Ownership for WRITE_OWNER - granted before the DACL, no deny ACE can
**      take them back;
**   4. one pass over the DACL with the token's SIDs and, for a restricted
**      token, a second with its restricting SIDs; each pass gives the
**      owner READ_CONTROL|WRITE_DAC unless OWNER RIGHTS ACEs speak for the
**      owner; the passes' grants are intersected;
**   5. result: the request (normal mode) or the maximum (MAXIMUM_ALLOWED),
**      masked by the integrity set.
** The check never allocates; the trace costs nothing when absent. A call
** without options whose steps 2-3 and second pass would be idle (plain
** token, no privilege that acts on the request) takes quick_check: the
** same owner rule and DACL walks without the run state (fuzz/access_fuzz.c
** compares it with the general path on every input).
*/
#include <string.h>

#include "access_internal.h"
#include "token_internal.h"
#include "acl.h"
#include "secdefs.h"
#include "sid.h"
#include "status.h"

const ntsec_generic_mapping ntsec_fwpm_mapping = {
    FWPM_GENERIC_READ, FWPM_GENERIC_WRITE, FWPM_GENERIC_EXECUTE, FWPM_GENERIC_ALL
};

const ntsec_generic_mapping ntsec_file_mapping = {
    FILE_GENERIC_READ, FILE_GENERIC_WRITE, FILE_GENERIC_EXECUTE, FILE_ALL_ACCESS
};

ACCESS_MASK ntsec_map_generic(ACCESS_MASK mask, const ntsec_generic_mapping *m)
{
    ACCESS_MASK out = mask & ~GENERIC_MASK;
    if (!m) return out;
    if (mask & GENERIC_READ) out |= m->read;
    if (mask & GENERIC_WRITE) out |= m->write;
    if (mask & GENERIC_EXECUTE) out |= m->execute;
    if (mask & GENERIC_ALL) out |= m->all;
    return out;
}

/* Everything one check carries between its steps. */
typedef struct run {
    ac_ctx c;                            /* pass context (c.pass switches) */
    const ntsec_access_opts *opts;
    const uint8_t *dacl;                 /* NULL when absent or NULL */
    int dacl_state;                      /* NTSEC_WHY_DACL_* */
    ACCESS_MASK want;                    /* desired without MAXIMUM_ALLOWED */
    int max_mode;
    ACCESS_MASK pre;                     /* granted by privileges */
    ACCESS_MASK mic;                     /* allowed by the integrity label */
    ACCESS_MASK by_priv[5];              /* bits each NTSEC_USED_* privilege gave */
    uint32_t relabel;                    /* NTSEC_USED_RELABEL when it widened mic */
} run;

/* ---- trace helpers ---- */

static void trace_simple(const run *r, ntsec_trace_kind kind, int reason, ACCESS_MASK mask,
                         ACCESS_MASK granted, NTSTATUS status)
{
    ntsec_trace_event ev;
    if (!r->c.trace) return;
    ac_event_init(&ev, kind, r->c.pass);
    ev.reason = (ntsec_trace_reason)reason;
    ev.mask = mask;
    ev.granted = granted;
    ev.status = status;
    ac_emit(&r->c, &ev);
}

static void trace_privilege(const run *r, uint32_t luid, ACCESS_MASK granted, int missing)
{
    ntsec_trace_event ev;
    if (!r->c.trace) return;
    ac_event_init(&ev, NTSEC_TRACE_PRIVILEGE, 0);
    ev.privilege = luid;
    ev.granted = granted;
    ev.reason = missing ? NTSEC_WHY_MISSING : NTSEC_WHY_APPLIED;
    ac_emit(&r->c, &ev);
}

/* ---- step 3: privileges (3.5) ---- */

/* One privilege granting the part of rights that is wanted (all of it in
** MAXIMUM_ALLOWED mode) and not granted yet; slot indexes by_priv. */
static void grant_by(run *r, uint32_t luid, ACCESS_MASK rights, int slot)
{
    ACCESS_MASK g = (r->max_mode ? rights : r->want & rights) & ~r->pre;
    if (!g || !token_privilege_on(r->c.token, luid)) return;
    r->pre |= g;
    r->by_priv[slot] |= g;
    trace_privilege(r, luid, g, 0);
}

/* Returns 0 when ACCESS_SYSTEM_SECURITY is wanted and no privilege gives it
** (STATUS_PRIVILEGE_NOT_HELD, checked before the DACL as Wine does). */
static int apply_privileges(run *r)
{
    if (r->opts && (r->opts->flags & NTSEC_ACCESS_BACKUP_INTENT)) {
        grant_by(r, SE_BACKUP_PRIVILEGE, NTSEC_BACKUP_RIGHTS & ~ACCESS_SYSTEM_SECURITY, 2);
        grant_by(r, SE_RESTORE_PRIVILEGE, NTSEC_RESTORE_RIGHTS & ~ACCESS_SYSTEM_SECURITY, 3);
        if (r->want & ACCESS_SYSTEM_SECURITY) {
            grant_by(r, SE_BACKUP_PRIVILEGE, ACCESS_SYSTEM_SECURITY, 2);
            grant_by(r, SE_RESTORE_PRIVILEGE, ACCESS_SYSTEM_SECURITY, 3);
        }
    }
    if ((r->want & ACCESS_SYSTEM_SECURITY) && !(r->pre & ACCESS_SYSTEM_SECURITY)) {
        if (!token_privilege_on(r->c.token, SE_SECURITY_PRIVILEGE)) {
            trace_privilege(r, SE_SECURITY_PRIVILEGE, 0, 1);
            return 0;
        }
        r->pre |= ACCESS_SYSTEM_SECURITY;
        r->by_priv[0] |= ACCESS_SYSTEM_SECURITY;
        trace_privilege(r, SE_SECURITY_PRIVILEGE, ACCESS_SYSTEM_SECURITY, 0);
    }
    grant_by(r, SE_TAKE_OWNERSHIP_PRIVILEGE, WRITE_OWNER, 1);
    return 1;
}

/* ---- step 4: one pass ---- */

/* Whether the owner's implicit READ_CONTROL | WRITE_DAC (3.3 step 4) hold:
** NTSEC_WHY_APPLIED, or why not (the owner matched like an allow ACE with
** the pass's SIDs; OWNER RIGHTS ACEs in the DACL speak for the owner). */
static int owner_implicit(const ac_ctx *c, const uint8_t *dacl)
{
    if (!ac_sid_applies(c, c->owner, 0)) return NTSEC_WHY_NOT_OWNER;
    if (dacl && ac_has_owner_rights(c, dacl)) return NTSEC_WHY_OWNER_RIGHTS_ACE;
    return NTSEC_WHY_APPLIED;
}

static ACCESS_MASK owner_rights(const run *r)
{
    const ACCESS_MASK rights = READ_CONTROL | WRITE_DAC;
    int why;
    if (!r->max_mode && !(r->want & rights & ~r->pre)) return 0;
    why = owner_implicit(&r->c, r->dacl);
    trace_simple(r, NTSEC_TRACE_OWNER, why, rights, why == NTSEC_WHY_APPLIED ? rights : 0, 0);
    return why == NTSEC_WHY_APPLIED ? rights : 0;
}

/* What a NULL or absent DACL gives in MAXIMUM_ALLOWED mode: GenericAll and
** whatever was asked (ReactOS RULE 1); ACCESS_SYSTEM_SECURITY stays with
** the privilege. */
static ACCESS_MASK everything(const run *r)
{
    return (r->c.map ? r->c.map->all : 0) | (r->want & ~ACCESS_SYSTEM_SECURITY);
}

/* Normal mode, no object types: 1 when the pass covers everything wanted. */
static int pass_normal(run *r, int *bad)
{
    ACCESS_MASK remaining = r->want & ~r->pre;
    int ok = 1;
    trace_simple(r, NTSEC_TRACE_PASS, r->dacl_state, remaining, 0, 0);
    if (remaining) remaining &= ~owner_rights(r);
    if (r->dacl && remaining) ok = ac_walk_normal(&r->c, r->dacl, &remaining);
    else if (r->c.trace && r->dacl) ac_walk_normal(&r->c, r->dacl, &remaining);
    if (ok < 0) *bad = 1;
    trace_simple(r, NTSEC_TRACE_PASS_END, 0, remaining, 0, ok > 0 ? STATUS_SUCCESS : STATUS_ACCESS_DENIED);
    return ok > 0;
}

/* MAXIMUM_ALLOWED, no object types: the pass's grant. */
static ACCESS_MASK pass_max(run *r, int *bad)
{
    ACCESS_MASK g;
    trace_simple(r, NTSEC_TRACE_PASS, r->dacl_state, 0, 0, 0);
    g = owner_rights(r);
    if (!r->dacl) g |= everything(r);
    else if (ac_walk_max(&r->c, r->dacl, &g) < 0) *bad = 1;
    trace_simple(r, NTSEC_TRACE_PASS_END, 0, 0, g, STATUS_SUCCESS);
    return g;
}

/* ---- object-type passes ---- */

static void nodes_init(ac_nodes *s, size_t n, ACCESS_MASK value)
{
    size_t i;
    s->n = n;
    for (i = 0; i < n; i++) {
        s->want[i] = value;
        s->denied[i] = 0;
        s->refused[i] = 0;
    }
}

/* Normal mode: s->want[i] == 0 && !refused[i] means node i is satisfied. */
static void pass_tree_normal(run *r, ac_nodes *s, int *bad)
{
    ACCESS_MASK remaining = r->want & ~r->pre;
    trace_simple(r, NTSEC_TRACE_PASS, r->dacl_state, remaining, 0, 0);
    if (remaining) remaining &= ~owner_rights(r);
    if (!r->dacl) remaining = 0;     /* absent/NULL DACL: every node granted, as in max mode (ros-011) */
    nodes_init(s, r->c.ntypes, remaining);
    if (r->dacl && ac_walk_tree_normal(&r->c, r->dacl, s) < 0) *bad = 1;
    trace_simple(r, NTSEC_TRACE_PASS_END, 0, s->want[0], 0,
                 (!s->want[0] && !s->refused[0]) ? STATUS_SUCCESS : STATUS_ACCESS_DENIED);
}

static void pass_tree_max(run *r, ac_nodes *s, int *bad)
{
    trace_simple(r, NTSEC_TRACE_PASS, r->dacl_state, 0, 0, 0);
    nodes_init(s, r->c.ntypes, owner_rights(r));
    if (!r->dacl) nodes_init(s, r->c.ntypes, s->want[0] | everything(r));
    else if (ac_walk_tree_max(&r->c, r->dacl, s) < 0) *bad = 1;
    trace_simple(r, NTSEC_TRACE_PASS_END, 0, 0, s->want[0], STATUS_SUCCESS);
}

/* ---- step 5: results ---- */

static uint32_t used_in(const run *r, ACCESS_MASK granted)
{
    static const uint32_t bit[5] = { NTSEC_USED_SECURITY, NTSEC_USED_TAKE_OWNERSHIP,
                                     NTSEC_USED_BACKUP, NTSEC_USED_RESTORE, 0 };
    uint32_t used = 0;
    int i;
    for (i = 0; i < 4; i++)
        if (r->by_priv[i] & granted) used |= bit[i];
    if (r->relabel && (granted & WRITE_OWNER)) used |= r->relabel;
    return used;
}

static void result_set(const run *r, ntsec_access_result *res, ACCESS_MASK granted, NTSTATUS st)
{
    res->granted = st == STATUS_SUCCESS ? granted : 0;
    res->access_status = st;
    res->privileges_used = st == STATUS_SUCCESS ? used_in(r, granted) : 0;
    trace_simple(r, NTSEC_TRACE_RESULT, 0, res->privileges_used, res->granted, st);
}

/* A maximum-mode grant as a status: it must cover what was asked and not
** be empty (3.4). */
static NTSTATUS max_status(const run *r, ACCESS_MASK g)
{
    return (g && !(r->want & ~g)) ? STATUS_SUCCESS : STATUS_ACCESS_DENIED;
}

/* granted[i]: what node i got; a denied node reports it only where the
** entry point gives partial grants (ResultList: ros-029/030), else 0. */
static void fill_node_results(const run *r, const ACCESS_MASK *granted, const int *ok)
{
    size_t i;
    ntsec_object_result *out = r->opts->results;
    int partial = ac_partial_grants(r->opts);
    if (!out) return;
    for (i = 0; i < r->c.ntypes; i++) {
        out[i].status = ok[i] ? STATUS_SUCCESS : STATUS_ACCESS_DENIED;
        out[i].granted = (ok[i] || partial) ? granted[i] : 0;
    }
}

/* ---- the passes together ---- */

static int run_flat(run *r, ntsec_access_result *res)
{
    int bad = 0, ok;
    ACCESS_MASK g;
    r->c.pass = 0;
    if (!r->max_mode) {
        ok = pass_normal(r, &bad);
        if (ok && !bad && r->c.token->restricted.n) {
            r->c.pass = 1;
            ok = pass_normal(r, &bad);
        }
        if (!bad) result_set(r, res, r->want, ok ? STATUS_SUCCESS : STATUS_ACCESS_DENIED);
        return !bad;
    }
    g = pass_max(r, &bad);
    if (r->c.token->restricted.n) {
        r->c.pass = 1;
        g &= pass_max(r, &bad);
    }
    g = (g | r->pre) & r->mic;
    if (!bad) result_set(r, res, g, max_status(r, g));
    return !bad;
}

/* Normal mode with object types: node i is granted when every pass
** satisfied it; node 0 additionally needs no refusal anywhere. */
static void tree_normal_result(run *r, const ac_nodes *a, const ac_nodes *b, ntsec_access_result *res)
{
    ACCESS_MASK granted[NTSEC_MAX_OBJECT_TYPES];
    int ok[NTSEC_MAX_OBJECT_TYPES], refused = 0;
    size_t i;
    for (i = 0; i < a->n; i++) {
        ok[i] = !a->want[i] && !a->refused[i] && (!b || (!b->want[i] && !b->refused[i]));
        refused |= a->refused[i] || (b && b->refused[i]);
        granted[i] = r->want & ~a->want[i] & ~(b ? b->want[i] : 0);
    }
    fill_node_results(r, granted, ok);
    result_set(r, res, r->want, (ok[0] && !refused) ? STATUS_SUCCESS : STATUS_ACCESS_DENIED);
}

static void tree_max_result(run *r, const ac_nodes *a, const ac_nodes *b, ntsec_access_result *res)
{
    ACCESS_MASK granted[NTSEC_MAX_OBJECT_TYPES];
    int ok[NTSEC_MAX_OBJECT_TYPES];
    size_t i;
    for (i = 0; i < a->n; i++) {
        granted[i] = ((b ? a->want[i] & b->want[i] : a->want[i]) | r->pre) & r->mic;
        ok[i] = max_status(r, granted[i]) == STATUS_SUCCESS;
    }
    fill_node_results(r, granted, ok);
    result_set(r, res, granted[0], ok[0] ? STATUS_SUCCESS : STATUS_ACCESS_DENIED);
}

static int run_tree(run *r, ntsec_access_result *res)
{
    ac_nodes a, b;
    int bad = 0, restricted = r->c.token->restricted.n != 0;
    r->c.pass = 0;
    if (r->max_mode) pass_tree_max(r, &a, &bad);
    else pass_tree_normal(r, &a, &bad);
    if (restricted && !bad) {
        r->c.pass = 1;
        if (r->max_mode) pass_tree_max(r, &b, &bad);
        else pass_tree_normal(r, &b, &bad);
    }
    if (bad) return 0;
    if (r->max_mode) tree_max_result(r, &a, restricted ? &b : NULL, res);
    else tree_normal_result(r, &a, restricted ? &b : NULL, res);
    return 1;
}

/* ---- entry ---- */

static void run_init(run *r, const ntsec_token *t, ACCESS_MASK desired, const ntsec_sd_parts *p,
                     const ntsec_generic_mapping *map, const ntsec_access_opts *o)
{
    /* field by field: a memset of the whole struct costs more than the
    ** check of a short DACL */
    r->c.token = t;
    r->c.owner = p->owner;
    r->c.self = o ? o->principal_self : NULL;
    r->c.sacl = (p->control & SE_SACL_PRESENT) ? p->sacl : NULL;
    r->c.map = map;
    r->c.trace = o ? o->trace : NULL;
    r->c.types = (o && o->object_types) ? o->object_types : NULL;
    r->c.ntypes = r->c.types ? o->object_type_count : 0;
    r->c.pass = 0;
    r->opts = o;
    r->want = desired & ~MAXIMUM_ALLOWED;
    r->max_mode = (desired & MAXIMUM_ALLOWED) != 0;
    r->pre = 0;
    r->mic = ~(ACCESS_MASK)0;
    memset(r->by_priv, 0, sizeof r->by_priv);
    r->relabel = 0;
    r->dacl = (p->control & SE_DACL_PRESENT) ? p->dacl : NULL;
    if (!(p->control & SE_DACL_PRESENT)) r->dacl_state = NTSEC_WHY_DACL_ABSENT;
    else if (!p->dacl) r->dacl_state = NTSEC_WHY_DACL_NULL;
    else r->dacl_state = ntsec_acl_count(p->dacl) ? NTSEC_WHY_DACL_PRESENT : NTSEC_WHY_DACL_EMPTY;
}

/* An outcome decided before the DACL: every node gets it too. */
static void decided(run *r, ntsec_access_result *res, NTSTATUS st)
{
    size_t i;
    if (r->c.types && r->opts->results) {
        for (i = 0; i < r->c.ntypes; i++) {
            r->opts->results[i].granted = 0;
            r->opts->results[i].status = st;
        }
    }
    result_set(r, res, 0, st);
}

/* Steps 2-3; 0 when the outcome is already decided (res filled). */
static int before_dacl(run *r, ntsec_access_result *res)
{
    const ntsec_token *t = r->c.token;
    /* a token without an integrity SID or NO_WRITE_UP is never restricted
    ** (access_integrity.c); only the trace wants to hear it */
    if (r->c.trace || (t->integrity_index >= 0 && (t->mandatory_policy & TOKEN_MANDATORY_POLICY_NO_WRITE_UP)))
        r->mic = ac_integrity_allowed(t, r->c.sacl, r->c.map, &r->relabel, r->c.trace);
    if (!r->max_mode && (r->want == 0 || (r->want & ~r->mic))) {
        decided(r, res, STATUS_ACCESS_DENIED);     /* nothing asked (docs) or label refuses */
        return 0;
    }
    if (!apply_privileges(r)) {
        decided(r, res, STATUS_PRIVILEGE_NOT_HELD);
        return 0;
    }
    return 1;
}

/* ---- the common call ---- */

/* A call the general path would run with every step but the owner's rights
** and the DACL walk idle: no options (no trace, list or privilege flags),
** a token with no restricting SIDs and no integrity restriction (the
** condition before_dacl tests), and no privilege that could act on the
** request (SeSecurity needs ACCESS_SYSTEM_SECURITY, SeTakeOwnership an
** enabled privilege and WRITE_OWNER wanted or MAXIMUM_ALLOWED). */
static int quick_eligible(const ntsec_token *t, ACCESS_MASK desired)
{
    if (t->restricted.n || (desired & ACCESS_SYSTEM_SECURITY)) return 0;
    if (t->integrity_index >= 0 && (t->mandatory_policy & TOKEN_MANDATORY_POLICY_NO_WRITE_UP)) return 0;
    return !(desired & (MAXIMUM_ALLOWED | WRITE_OWNER)) || !token_privilege_on(t, SE_TAKE_OWNERSHIP_PRIVILEGE);
}

/* That call: the same steps as run_flat with one pass and nothing granted
** before the DACL (pass_normal / pass_max, max_status, result_set with no
** privilege used), without the run state. 0 for a bad ACL. */
static int quick_check(const ntsec_sd *sd, const ntsec_sd_parts *p, const ntsec_token *t, ACCESS_MASK desired,
                       const ntsec_generic_mapping *map, ntsec_access_result *res)
{
    const ACCESS_MASK rights = READ_CONTROL | WRITE_DAC, want = desired & ~MAXIMUM_ALLOWED;
    const uint8_t *dacl = (p->control & SE_DACL_PRESENT) ? p->dacl : NULL;
    ACCESS_MASK g = 0;
    int ok = 1;
    ac_ctx c = { t, p->owner, NULL, (p->control & SE_SACL_PRESENT) ? p->sacl : NULL, map, NULL, NULL, 0, 0,
                 dacl ? ac_index_of(sd, dacl) : NULL };
    if (!(desired & MAXIMUM_ALLOWED)) {
        ACCESS_MASK remaining = want;
        if (!want) ok = 0;                                   /* nothing asked (docs) */
        else if ((want & rights) && owner_implicit(&c, dacl) == NTSEC_WHY_APPLIED) remaining &= ~rights;
        if (ok && dacl && remaining && (ok = ac_walk_normal(&c, dacl, &remaining)) < 0) return 0;
        g = ok ? want : 0;
    } else {
        if (owner_implicit(&c, dacl) == NTSEC_WHY_APPLIED) g = rights;
        if (!dacl) g |= (map ? map->all : 0) | want;        /* everything(): no ACCESS_SYSTEM_SECURITY here */
        else if (ac_walk_max(&c, dacl, &g) < 0) return 0;
        ok = g && !(want & ~g);
    }
    res->granted = ok ? g : 0;
    res->access_status = ok ? STATUS_SUCCESS : STATUS_ACCESS_DENIED;
    res->privileges_used = 0;
    return 1;
}

NTSTATUS ntsec_access_check(const ntsec_sd *sd, const ntsec_token *token,
                            ACCESS_MASK desired, const ntsec_generic_mapping *mapping,
                            const ntsec_access_opts *opts, ntsec_access_result *res)
{
    ntsec_sd_parts parts;
    run r;
    NTSTATUS st;
    if (sd) ntsec_sd_get_parts(sd, &parts);
    if (opts || !sd || (desired & GENERIC_MASK) || !parts.owner || !parts.group) {
        /* the entry point's checks (access_entry.c); without opts a valid
        ** call skips them: the hot path */
        if ((st = ac_call_checks(token, desired, sd ? &parts : NULL, opts)) != STATUS_SUCCESS) return st;
    } else if (quick_eligible(token, desired)) {
        return quick_check(sd, &parts, token, desired, mapping, res) ? STATUS_SUCCESS : STATUS_INVALID_ACL;
    }
    run_init(&r, token, desired, &parts, mapping, opts);
    r.c.ix = (sd && r.dacl && !r.c.trace) ? ac_index_of(sd, r.dacl) : NULL;
    trace_simple(&r, NTSEC_TRACE_START, 0, desired, 0, r.max_mode);
    /* res is written only with a final result (result_set), never on
    ** STATUS_INVALID_ACL: no copy through a local (a stalled load) */
    if (before_dacl(&r, res) && !(r.c.types ? run_tree(&r, res) : run_flat(&r, res)))
        return STATUS_INVALID_ACL;
    return STATUS_SUCCESS;
}
