/*
** access_walk.c: the DACL walk of one access-check pass (sd_semantics.md
** 3.3 step 6, 3.4; [MS-DTYP] 2.5.3.2), without an object-type list.
**
** The walk reads the DACL bytes in place: plain allow/deny ACEs directly,
** the rarer types through ntsec_ace_decode. A trace, when asked for, is
** emitted from the branches that already exist (skips, misses, effects), so
** the fast path pays one predictable test per ACE at most.
*/
#include <string.h>

#include "access_internal.h"
#include "token_internal.h"
#include "acl.h"
#include "secdefs.h"
#include "sid.h"
#include "status.h"

const uint8_t ac_sid_owner_rights[12] = { 1, 1, 0, 0, 0, 0, 0, 3, 4, 0, 0, 0 };
const uint8_t ac_sid_principal_self[12] = { 1, 1, 0, 0, 0, 0, 0, 5, 10, 0, 0, 0 };

/* ACE type -> AC_* class (3.3 step 6, 3.7); other types are ignored. */
static const uint8_t ace_class[0x16] = {
    [ACCESS_ALLOWED_ACE_TYPE] = AC_ALLOW,
    [ACCESS_DENIED_ACE_TYPE] = AC_DENY,
    [ACCESS_ALLOWED_OBJECT_ACE_TYPE] = AC_ALLOW | AC_OBJECT,
    [ACCESS_DENIED_OBJECT_ACE_TYPE] = AC_DENY | AC_OBJECT,
    [ACCESS_ALLOWED_CALLBACK_ACE_TYPE] = AC_ALLOW | AC_CALLBACK,
    [ACCESS_DENIED_CALLBACK_ACE_TYPE] = AC_DENY | AC_CALLBACK,
    [ACCESS_ALLOWED_CALLBACK_OBJECT_ACE_TYPE] = AC_ALLOW | AC_OBJECT | AC_CALLBACK,
    [ACCESS_DENIED_CALLBACK_OBJECT_ACE_TYPE] = AC_DENY | AC_OBJECT | AC_CALLBACK,
};

unsigned ac_class_of(uint8_t type)
{
    return type < sizeof ace_class ? ace_class[type] : AC_SKIP;
}

/* ---- trace helpers ---- */

void ac_event_init(ntsec_trace_event *ev, ntsec_trace_kind kind, uint8_t pass)
{
    memset(ev, 0, sizeof *ev);
    ev->kind = kind;
    ev->pass = pass;
    ev->condition = NTSEC_COND_NONE;
    ev->node = -1;
}

void ac_emit(const ac_ctx *c, const ntsec_trace_event *ev)
{
    c->trace->emit(c->trace->ctx, ev);
}

void ac_trace_ace(const ac_ctx *c, const ac_ace *w, int reason, int cond, int node,
                  ACCESS_MASK granted, ACCESS_MASK denied, ACCESS_MASK remaining)
{
    ntsec_trace_event ev;
    ac_event_init(&ev, NTSEC_TRACE_ACE, c->pass);
    ev.reason = (ntsec_trace_reason)reason;
    ev.condition = cond;
    ev.index = w->index;
    ev.node = node;
    ev.ace = w->raw;
    ev.sid = w->sid ? ac_effective_sid(c, w->sid) : NULL;
    ev.mask = w->mask;
    ev.granted = granted;
    ev.denied = denied;
    ev.remaining = remaining;
    ac_emit(c, &ev);
}

/* A skipped ACE (inherit-only, ignored type) in trace mode. */
static void trace_skip(const ac_ctx *c, const uint8_t *p, unsigned index, int reason)
{
    ac_ace w;
    memset(&w, 0, sizeof w);
    w.raw = p;
    w.index = index;
    w.mask = ntsec_rd32(p + 4);
    ac_trace_ace(c, &w, reason, NTSEC_COND_NONE, -1, 0, 0, 0);
}

/* ---- cursor ---- */

void ac_cursor_init(ac_cursor *cur, const uint8_t *acl)
{
    cur->acl = acl;
    cur->off = NTSEC_ACL_HEADER_SIZE;
    cur->size = ntsec_acl_size(acl);
    cur->left = ntsec_acl_count(acl);
    cur->index = 0;
}

/* Next ACE header inside the ACL: 1 with *p and *size set, 0 at the end,
** -1 when the ACE runs past AclSize. */
static inline int cursor_step(ac_cursor *cur, const uint8_t **p, uint16_t *size)
{
    size_t avail = cur->size - cur->off;
    if (cur->left == 0) return 0;
    if (avail < 4) return -1;
    *p = cur->acl + cur->off;
    *size = ntsec_rd16(*p + 2);
    if ((size_t)*size - 4 > avail - 4) return -1;      /* size < 4 wraps: one test for both bounds */
    cur->off += *size;
    cur->left--;
    cur->index++;
    return 1;
}

/* Mask, SID and the rest of an ACE: plain types read in place (the hot
** path), others decoded. 0 when malformed. */
static inline int read_ace(const uint8_t *p, uint16_t size, ac_ace *w)
{
    ntsec_ace a;
    if (p[0] <= ACCESS_DENIED_ACE_TYPE) {
        /* inline RtlValidSid */
        if (size < 16 || p[8] != SID_REVISION || p[9] > SID_MAX_SUB_AUTHORITIES
            || 16u + 4u * p[9] > size)
            return 0;
        w->mask = ntsec_rd32(p + 4);
        w->sid = p + 8;
        w->object_type = NULL;
        w->cond = NULL;
        return 1;
    }
    if (ntsec_ace_decode(p, size, &a) != STATUS_SUCCESS || !a.sid) return 0;
    w->mask = a.mask;
    w->sid = a.sid;
    w->object_type = a.object_type;
    w->cond = (w->cls & AC_CALLBACK) ? a.data : NULL;
    w->cond_len = a.data_len;
    if ((w->cls & AC_CALLBACK) && !w->cond) w->cond = (const uint8_t *)"";  /* empty: not "artx" */
    return 1;
}

/* Fill w from the ACE at p of class cls; 0 when malformed. */
static int general_ace(const uint8_t *p, uint16_t size, const ac_ctx *c, unsigned cls, unsigned index,
                       ac_ace *w)
{
    w->raw = p;
    w->index = index;
    w->cls = cls;
    if (!read_ace(p, size, w)) return 0;
    if (w->mask & GENERIC_MASK) w->mask = ntsec_map_generic(w->mask, c->map);
    w->mask &= ~AC_NOT_FROM_DACL;
    if (!c->types) w->object_type = NULL;   /* no list: object ACEs act as plain (3.7) */
    return 1;
}

static inline int next_ace(ac_cursor *cur, const ac_ctx *c, ac_ace *w)
{
    const uint8_t *p;
    uint16_t size;
    int r;
    while ((r = cursor_step(cur, &p, &size)) > 0) {
        unsigned cls = p[0] < sizeof ace_class ? ace_class[p[0]] : AC_SKIP;
        if ((p[1] & INHERIT_ONLY_ACE) || cls == AC_SKIP) {
            if (c->trace && size >= 8)
                trace_skip(c, p, cur->index - 1,
                           (p[1] & INHERIT_ONLY_ACE) ? NTSEC_WHY_INHERIT_ONLY : NTSEC_WHY_IGNORED_TYPE);
            continue;
        }
        return general_ace(p, size, c, cls, cur->index - 1, w) ? 1 : -1;
    }
    return r;
}

int ac_cursor_step(ac_cursor *cur, const uint8_t **p, uint16_t *size)
{
    return cursor_step(cur, p, size);
}

int ac_next(ac_cursor *cur, const ac_ctx *c, ac_ace *w)
{
    return next_ace(cur, c, w);
}

/* ---- matching ---- */

/* Why the ACE's SID does not match (trace mode only). */
static int sid_miss_reason(const ac_ctx *c, const uint8_t *sid, int for_deny)
{
    unsigned st;
    if (ac_is_sid12(sid, ac_sid_owner_rights)) return NTSEC_WHY_NOT_OWNER;
    st = ntsec_token_sid_state(c->token, ac_effective_sid(c, sid), c->pass);
    if (!(st & NTSEC_SID_PRESENT)) return NTSEC_WHY_SID_ABSENT;
    if (!for_deny && (st & NTSEC_SID_DENY)) return NTSEC_WHY_SID_DENY_ONLY;
    return NTSEC_WHY_SID_DISABLED;
}

static int condition_of(const ac_ctx *c, const ac_ace *w, int for_deny)
{
    ntsec_cond_env env;
    env.token = c->token;
    env.sacl = c->sacl;
    env.for_deny = for_deny;
    env.restricted = c->pass;
    return ntsec_cond_evaluate(w->cond, w->cond_len, &env);
}

static inline int applies(const ac_ctx *c, const ac_ace *w, int *cond)
{
    int for_deny = (w->cls & AC_DENY) != 0;
    *cond = NTSEC_COND_NONE;
    if (!ac_sid_applies(c, w->sid, for_deny))
        return c->trace ? sid_miss_reason(c, w->sid, for_deny) : NTSEC_WHY_SID_ABSENT;
    if (!w->cond) return NTSEC_WHY_APPLIED;
    /* 2.4.4.17.3: allow applies on TRUE only, deny on TRUE or UNKNOWN */
    *cond = condition_of(c, w, for_deny);
    if (*cond == NTSEC_COND_TRUE) return NTSEC_WHY_APPLIED;
    if (for_deny && *cond != NTSEC_COND_FALSE) return NTSEC_WHY_APPLIED;
    return NTSEC_WHY_CONDITION;
}

int ac_applies(const ac_ctx *c, const ac_ace *w, int *cond)
{
    return applies(c, w, cond);
}

/* 3.3 step 4: any non-inherit-only ACE naming OWNER RIGHTS, of any type. */
int ac_dacl_has_owner_rights(const uint8_t *dacl)
{
    ac_cursor cur;
    const uint8_t *p;
    uint16_t size;
    ac_cursor_init(&cur, dacl);
    while (cursor_step(&cur, &p, &size) > 0) {
        ntsec_ace a;
        const uint8_t *sid = NULL;
        if (p[1] & INHERIT_ONLY_ACE) continue;
        if (p[0] <= ACCESS_DENIED_ACE_TYPE) {
            /* read in place: this runs on every check by the owner */
            if (size >= 20) sid = p + 8;
        } else if (ntsec_ace_decode(p, size, &a) == STATUS_SUCCESS) {
            sid = a.sid;
        }
        if (sid && ac_is_sid12(sid, ac_sid_owner_rights)) return 1;
    }
    return 0;
}

/* ---- flat walks ---- */

/* Trace the ACEs after the decision (normal mode stops early). */
static void trace_rest(ac_cursor *cur, const ac_ctx *c, ACCESS_MASK remaining)
{
    ac_ace w;
    while (next_ace(cur, c, &w) > 0)
        ac_trace_ace(c, &w, NTSEC_WHY_NOT_REACHED, NTSEC_COND_NONE, -1, 0, 0, remaining);
}

/* An ACE that has nothing to decide: zero-mask deny or no wanted bit. */
static void trace_idle(const ac_ctx *c, const ac_ace *w, ACCESS_MASK remaining)
{
    int cond, why = applies(c, w, &cond);
    if (why == NTSEC_WHY_APPLIED)
        why = (w->mask == 0 && (w->cls & AC_DENY)) ? NTSEC_WHY_ZERO_MASK : NTSEC_WHY_NO_EFFECT;
    ac_trace_ace(c, w, why, cond, -1, 0, 0, remaining);
}

/* Traced normal walk: every ACE is reported, also after the decision. */
static int walk_normal_traced(const ac_ctx *c, const uint8_t *dacl, ACCESS_MASK *remaining)
{
    ac_cursor cur;
    ac_ace w;
    int r, why, cond;
    ac_cursor_init(&cur, dacl);
    while (*remaining && (r = next_ace(&cur, c, &w)) != 0) {
        if (r < 0) return -1;
        if (!(*remaining & w.mask)) {
            trace_idle(c, &w, *remaining);
            continue;
        }
        if ((why = applies(c, &w, &cond)) != NTSEC_WHY_APPLIED) {
            ac_trace_ace(c, &w, why, cond, -1, 0, 0, *remaining);
            continue;
        }
        if (w.cls & AC_DENY) {
            ac_trace_ace(c, &w, why, cond, -1, 0, *remaining & w.mask, *remaining);
            trace_rest(&cur, c, *remaining);
            return 0;
        }
        ac_trace_ace(c, &w, why, cond, -1, *remaining & w.mask, 0, *remaining & ~w.mask);
        *remaining &= ~w.mask;
    }
    trace_rest(&cur, c, *remaining);
    return *remaining == 0;
}

/* Mask and SID of a plain allow/deny ACE read in place: the hot path.
** 0 when the SID does not fit (malformed). */
static inline int plain_ace(const uint8_t *p, uint16_t size, const ac_ctx *c, ACCESS_MASK *mask)
{
    if (!ac_plain_sid_ok(p, size)) return 0;
    *mask = ntsec_rd32(p + 4);
    if (*mask & GENERIC_MASK) *mask = ntsec_map_generic(*mask, c->map);
    *mask &= ~AC_NOT_FROM_DACL;
    return 1;
}

/* A non-plain ACE of the untraced walks (object, callback and ignored
** types), kept out of line so that the plain-ACE loops keep their state in
** registers. live: the bits the ACE can still decide. Returns AC_SKIP when
** it has no effect (ignored type, no live bit, does not apply), -1 when
** malformed, else AC_ALLOW or AC_DENY with *mask its evaluated mask. */
static __attribute__((noinline)) int other_ace(const ac_ctx *c, const uint8_t *p, uint16_t size,
                                                unsigned index, ACCESS_MASK live, ACCESS_MASK *mask)
{
    ac_ace w;
    int cond;
    unsigned cls = p[0] < sizeof ace_class ? ace_class[p[0]] : AC_SKIP;
    if (cls == AC_SKIP) return AC_SKIP;
    if (!general_ace(p, size, c, cls, index, &w)) return -1;
    if (!(live & w.mask) || applies(c, &w, &cond) != NTSEC_WHY_APPLIED) return AC_SKIP;
    *mask = w.mask;
    return (cls & AC_DENY) ? AC_DENY : AC_ALLOW;
}

/* Whether the plain entry e of the index applies: its SID is in the pass's
** list with the attribute its type needs (hash pre-read). */
static inline int ix_applies(const ac_ctx *c, const ac_index *ix, const ac_ix_entry *e)
{
    return token_sid_in_hashed(c->token, ix->dacl + e->off + 8, e->hash, c->pass, e->kind == AC_IX_DENY);
}

/* An OTHER entry of the index: other_ace on its bytes. */
static int ix_other(const ac_ctx *c, const ac_index *ix, const ac_ix_entry *e, ACCESS_MASK live,
                    ACCESS_MASK *mask)
{
    const uint8_t *p = ix->dacl + e->off;
    return other_ace(c, p, ntsec_rd16(p + 2), e->index, live, mask);
}

/* ac_walk_normal over the index: the same decisions as the byte walk. */
static int walk_normal_indexed(const ac_ctx *c, const ac_index *ix, ACCESS_MASK *remaining)
{
    const ac_ix_entry *e = ix->e, *end = ix->e + ix->n;
    ACCESS_MASK want = *remaining, mask;
    int r;
    for (; want && e < end; e++) {
        if (e->kind != AC_IX_OTHER) {
            if (!(want & e->mask) || !ix_applies(c, ix, e)) continue;
            if (e->kind == AC_IX_DENY) return 0;
            want &= ~e->mask;
        } else if ((r = ix_other(c, ix, e, want, &mask)) != AC_SKIP) {
            if (r < 0) return -1;
            if (r == AC_DENY) return 0;
            want &= ~mask;
        }
    }
    *remaining = want;
    return want == 0;
}

/* Normal mode (3.3 step 6): first match per bit wins; a matching deny on a
** still-wanted bit ends the check. Plain ACEs are handled inline, the
** other classes through the general decoder. */
int ac_walk_normal(const ac_ctx *c, const uint8_t *dacl, ACCESS_MASK *remaining)
{
    ac_cursor cur;
    ACCESS_MASK want = *remaining, mask;
    const uint8_t *p;
    uint16_t size;
    int r;
    if (c->trace) return walk_normal_traced(c, dacl, remaining);
    if (c->ix && c->ix->dacl == dacl) return walk_normal_indexed(c, c->ix, remaining);
    ac_cursor_init(&cur, dacl);
    while (want && (r = cursor_step(&cur, &p, &size)) != 0) {
        if (r < 0) return -1;
        if (p[1] & INHERIT_ONLY_ACE) continue;
        if (p[0] <= ACCESS_DENIED_ACE_TYPE) {
            if (!plain_ace(p, size, c, &mask)) return -1;
            if (!(want & mask) || !ac_sid_applies(c, p + 8, p[0])) continue;
            r = p[0] ? AC_DENY : AC_ALLOW;
        } else if ((r = other_ace(c, p, size, cur.index - 1, want, &mask)) <= 0) {
            if (r < 0) return -1;
            continue;
        }
        if (r == AC_DENY) return 0;
        want &= ~mask;
    }
    *remaining = want;
    return want == 0;
}

/* Traced MAXIMUM_ALLOWED walk. */
static int walk_max_traced(const ac_ctx *c, const uint8_t *dacl, ACCESS_MASK *granted)
{
    ac_cursor cur;
    ac_ace w;
    ACCESS_MASK denied = 0, fresh;
    int r, why, cond, deny;
    ac_cursor_init(&cur, dacl);
    while ((r = next_ace(&cur, c, &w)) != 0) {
        if (r < 0) return -1;
        fresh = w.mask & ~(*granted | denied);
        if (!fresh) {
            trace_idle(c, &w, 0);
            continue;
        }
        if ((why = applies(c, &w, &cond)) != NTSEC_WHY_APPLIED) {
            ac_trace_ace(c, &w, why, cond, -1, 0, 0, 0);
            continue;
        }
        deny = (w.cls & AC_DENY) != 0;
        if (deny) denied |= fresh;
        else *granted |= fresh;
        ac_trace_ace(c, &w, why, cond, -1, deny ? 0 : fresh, deny ? fresh : 0, 0);
    }
    return 1;
}

/* ac_walk_max over the index: the same grants as the byte walk. */
static int walk_max_indexed(const ac_ctx *c, const ac_index *ix, ACCESS_MASK *granted)
{
    const ac_ix_entry *e = ix->e, *end = ix->e + ix->n;
    ACCESS_MASK g = *granted, denied = 0, mask, fresh;
    int r;
    for (; e < end; e++) {
        if (e->kind != AC_IX_OTHER) {
            if (!(fresh = e->mask & ~(g | denied)) || !ix_applies(c, ix, e)) continue;
            r = e->kind == AC_IX_DENY ? AC_DENY : AC_ALLOW;
        } else if ((r = ix_other(c, ix, e, ~(g | denied), &mask)) == AC_SKIP) {
            continue;
        } else if (r < 0) {
            return -1;
        } else {
            fresh = mask & ~(g | denied);
        }
        if (r == AC_DENY) denied |= fresh;
        else g |= fresh;
    }
    *granted = g;
    return 1;
}

/* MAXIMUM_ALLOWED, order-sensitive as recommended in 3.4: an allow adds
** bits not yet denied, a deny blocks bits not yet granted. */
int ac_walk_max(const ac_ctx *c, const uint8_t *dacl, ACCESS_MASK *granted)
{
    ac_cursor cur;
    ACCESS_MASK g = *granted, denied = 0, mask, fresh;
    const uint8_t *p;
    uint16_t size;
    int r;
    if (c->trace) return walk_max_traced(c, dacl, granted);
    if (c->ix && c->ix->dacl == dacl) return walk_max_indexed(c, c->ix, granted);
    ac_cursor_init(&cur, dacl);
    while ((r = cursor_step(&cur, &p, &size)) != 0) {
        if (r < 0) return -1;
        if (p[1] & INHERIT_ONLY_ACE) continue;
        if (p[0] <= ACCESS_DENIED_ACE_TYPE) {
            if (!plain_ace(p, size, c, &mask)) return -1;
            if (!(fresh = mask & ~(g | denied)) || !ac_sid_applies(c, p + 8, p[0])) continue;
            r = p[0] ? AC_DENY : AC_ALLOW;
        } else if ((r = other_ace(c, p, size, cur.index - 1, ~(g | denied), &mask)) <= 0) {
            if (r < 0) return -1;
            continue;
        } else {
            fresh = mask & ~(g | denied);
        }
        if (r == AC_DENY) denied |= fresh;
        else g |= fresh;
    }
    *granted = g;
    return 1;
}
