/*
** access_internal.h: what the parts of the access check share (not public):
** access.c (call checks, privileges, passes, result), access_walk.c (the
** DACL walk), access_objtype.c (object-type lists), access_integrity.c
** (mandatory integrity) and cond_eval.c (conditional ACEs).
*/
#ifndef NTSEC_ACCESS_INTERNAL_H
#define NTSEC_ACCESS_INTERNAL_H

#include <string.h>

#include "access.h"
#include "cond.h"
#include "token_internal.h"
#include "sd.h"
#include "secdefs.h"

/* One DACL evaluation (a "pass": the token's SIDs, or its restricting SIDs). */
typedef struct ac_ctx {
    const ntsec_token *token;
    const uint8_t *owner;                /* SD owner: what S-1-3-4 stands for */
    const uint8_t *self;                 /* PrincipalSelfSubst or NULL */
    const uint8_t *sacl;                 /* resource attributes, or NULL */
    const ntsec_generic_mapping *map;
    const ntsec_trace_sink *trace;       /* NULL on the fast path */
    const ntsec_object_type *types;      /* object-type list or NULL */
    size_t ntypes;
    uint8_t pass;                        /* 0 token SIDs, 1 restricting SIDs */
    const struct ac_index *ix;           /* the DACL's index (access_index.c) or NULL */
} ac_ctx;

/* Bits that only privileges or the request itself can carry (3.3 step 2,
** 3.4): a DACL never grants or denies them. */
#define AC_NOT_FROM_DACL (ACCESS_SYSTEM_SECURITY | MAXIMUM_ALLOWED)

/* ACE classes of the walk (3.3 step 6, 3.7). */
enum { AC_SKIP = 0, AC_ALLOW = 1, AC_DENY = 2, AC_OBJECT = 4, AC_CALLBACK = 8 };

/* The AC_* class of an ACE type (AC_SKIP: ignored by the walk). */
unsigned ac_class_of(uint8_t type);

/* An ACE the walk evaluates. */
typedef struct ac_ace {
    const uint8_t *raw;
    unsigned index;                      /* position in the DACL */
    unsigned cls;                        /* AC_* bits */
    ACCESS_MASK mask;                    /* generic bits mapped, AC_NOT_FROM_DACL removed */
    const uint8_t *sid;
    const uint8_t *object_type;          /* GUID when an object-type list is in use */
    const uint8_t *cond;                 /* callback application data, or NULL */
    size_t cond_len;
} ac_ace;

typedef struct ac_cursor {
    const uint8_t *acl;
    size_t off, size;
    unsigned left, index;
} ac_cursor;

void ac_cursor_init(ac_cursor *cur, const uint8_t *acl);
/* Next ACE header inside the ACL: 1 with *p and *size set, 0 at the end,
** -1 when the ACE runs past AclSize. */
int ac_cursor_step(ac_cursor *cur, const uint8_t **p, uint16_t *size);
/* Next ACE the walk evaluates (not inherit-only, allow or deny class):
** 1 found, 0 end, -1 malformed. Skipped ACEs are traced. */
int ac_next(ac_cursor *cur, const ac_ctx *c, ac_ace *w);

/* Whether an ACE applies to the pass's SIDs (and its condition): 0 when it
** applies, else the NTSEC_TRACE_* reason it does not. *cond gets the
** condition outcome (NTSEC_COND_NONE without one). */
int ac_applies(const ac_ctx *c, const ac_ace *w, int *cond);

/* Emit an ACE event (c->trace must be set). */
void ac_trace_ace(const ac_ctx *c, const ac_ace *w, int reason, int cond, int node,
                  ACCESS_MASK granted, ACCESS_MASK denied, ACCESS_MASK remaining);
void ac_emit(const ac_ctx *c, const ntsec_trace_event *ev);
void ac_event_init(ntsec_trace_event *ev, ntsec_trace_kind kind, uint8_t pass);

/* 3.3 step 4: the DACL has a non-inherit-only ACE naming OWNER RIGHTS. */
int ac_dacl_has_owner_rights(const uint8_t *dacl);
/* S-1-3-4 OWNER RIGHTS and S-1-5-10 PRINCIPAL SELF (access_walk.c). */
extern const uint8_t ac_sid_owner_rights[12];
extern const uint8_t ac_sid_principal_self[12];

static inline int ac_is_sid12(const uint8_t *sid, const uint8_t well_known[12])
{
    return sid[1] == 1 && sid[7] == well_known[7] && memcmp(sid, well_known, 12) == 0;
}

/* The SID an ACE is tested with, after the 3.1 / 3.3 step 4 substitutions. */
static inline const uint8_t *ac_effective_sid(const ac_ctx *c, const uint8_t *sid)
{
    if (sid[1] != 1) return sid;             /* both well-known SIDs have one sub-authority */
    if (ac_is_sid12(sid, ac_sid_owner_rights)) return c->owner;
    if (c->self && ac_is_sid12(sid, ac_sid_principal_self)) return c->self;
    return sid;
}

/* SidInToken for the pass with the OWNER RIGHTS / PRINCIPAL SELF
** substitutions (3.1, 3.3 step 4); inline, so that the common miss (the
** token's Bloom filter, token_internal.h) costs no call. */
static inline int ac_sid_applies(const ac_ctx *c, const uint8_t *sid, int for_deny)
{
    return token_sid_in(c->token, ac_effective_sid(c, sid), c->pass, for_deny);
}

/* ---- the DACL index (access_index.c) ----
** What the untraced flat walks need of a descriptor's DACL, read once and
** kept with the descriptor (ntsec_sd.walk_index): the ACEs the walk looks
** at, in order, with plain allow/deny ACEs pre-read (mask, SID hash), so a
** check does not parse, validate or hash them again. Inherit-only ACEs and
** ignored types are left out (the untraced walks skip them). */
enum { AC_IX_ALLOW = 0, AC_IX_DENY = 1, AC_IX_OTHER = 2 };

typedef struct ac_ix_entry {
    ACCESS_MASK mask;       /* plain: the mask, no generic bit, AC_NOT_FROM_DACL removed */
    uint32_t hash;          /* plain: sid_key_hash of its SID */
    uint16_t off;           /* ACE offset in the DACL */
    uint16_t index;         /* ACE position in the DACL */
    uint8_t kind;           /* AC_IX_*: OTHER = evaluated from its bytes (object,
                               callback, generic bits, OWNER RIGHTS, PRINCIPAL SELF) */
} ac_ix_entry;

typedef struct ac_index {
    const uint8_t *dacl;    /* the DACL it describes */
    uint32_t n;
    uint8_t usable;         /* 0: malformed DACL, the walks read the bytes */
    uint8_t owner_rights;   /* ac_dacl_has_owner_rights(dacl) */
    ac_ix_entry e[];
} ac_index;

/* The index of sd's DACL dacl, built on first use; NULL when it cannot
** serve (malformed DACL, no memory): the walks then read the bytes. */
const ac_index *ac_index_of(const ntsec_sd *sd, const uint8_t *dacl);

/* The plain allow/deny ACE at p (size bytes) carries a valid SID: a SID
** header inside the ACE, revision 1 and at most 15 sub-authorities (one
** 16-bit read), the sub-authorities inside the ACE (RtlValidSid). */
static inline int ac_plain_sid_ok(const uint8_t *p, uint16_t size)
{
    return size >= 16 && (ntsec_rd16(p + 8) & 0xF0FFu) == SID_REVISION && 16u + 4u * p[9] <= size;
}

/* 3.3 step 4's OWNER RIGHTS test of dacl, from the index when it has one. */
static inline int ac_has_owner_rights(const ac_ctx *c, const uint8_t *dacl)
{
    return c->ix && c->ix->dacl == dacl ? c->ix->owner_rights : ac_dacl_has_owner_rights(dacl);
}

/* Flat walks (no object-type list). Normal: 1 when every bit of
** *remaining was allowed before a deny hit it (*remaining keeps what is
** left), 0 denied, -1 bad ACL. Max: granted |= allowed bits (order-
** sensitive), -1 bad ACL. */
int ac_walk_normal(const ac_ctx *c, const uint8_t *dacl, ACCESS_MASK *remaining);
int ac_walk_max(const ac_ctx *c, const uint8_t *dacl, ACCESS_MASK *granted);

/* Per-node state of an object-type evaluation (access_objtype.c). */
typedef struct ac_nodes {
    size_t n;
    ACCESS_MASK want[NTSEC_MAX_OBJECT_TYPES];     /* normal: still wanted; max: granted */
    ACCESS_MASK denied[NTSEC_MAX_OBJECT_TYPES];   /* max: denied bits */
    uint8_t refused[NTSEC_MAX_OBJECT_TYPES];      /* normal: a deny hit this node */
} ac_nodes;

/* Entry-point checks before any ACE is read (access_entry.c): the call
** status. p is NULL for a missing descriptor. */
NTSTATUS ac_call_checks(const ntsec_token *t, ACCESS_MASK desired, const ntsec_sd_parts *p,
                        const ntsec_access_opts *o);
/* 1 when denied result-list entries report the bits they were granted. */
int ac_partial_grants(const ntsec_access_opts *o);

/* STATUS_INVALID_PARAMETER for a malformed list (levels), else SUCCESS. */
NTSTATUS ac_types_validate(const ntsec_object_type *types, size_t n);
/* Tree walks: nodes->want holds each node's wanted bits (normal) or the
** bits granted so far (max) on entry. Returns 0 or -1 (bad ACL). */
int ac_walk_tree_normal(const ac_ctx *c, const uint8_t *dacl, ac_nodes *nodes);
int ac_walk_tree_max(const ac_ctx *c, const uint8_t *dacl, ac_nodes *nodes);

/* Mandatory integrity (3.6): the rights the label lets the token have;
** *used |= NTSEC_USED_RELABEL when SeRelabelPrivilege added WRITE_OWNER.
** ~0 when no restriction applies. */
ACCESS_MASK ac_integrity_allowed(const ntsec_token *t, const uint8_t *sacl,
                                 const ntsec_generic_mapping *map, uint32_t *used,
                                 const ntsec_trace_sink *trace);

#endif
