/*
** access.c: generic mapping and the access check (sd_semantics.md 3.2-3.5;
** [MS-DTYP] 2.5.3.2). Choices on UNCONFIRMED points: docs/access.md.
**
** The check never allocates: it walks the DACL bytes in place, reading
** plain allow/deny ACEs directly and decoding the rarer types on demand,
** and asks the token's hash index whether an ACE's SID applies.
*/
#include <string.h>

#include "access.h"
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

/* S-1-3-4 OWNER RIGHTS and S-1-5-10 PRINCIPAL SELF. */
static const uint8_t sid_owner_rights[12] = { 1, 1, 0, 0, 0, 0, 0, 3, 4, 0, 0, 0 };
static const uint8_t sid_principal_self[12] = { 1, 1, 0, 0, 0, 0, 0, 5, 10, 0, 0, 0 };

/* Bits that only privileges or the request itself can carry (3.3 step 2,
** 3.4): a DACL never grants or denies them. */
#define NOT_FROM_DACL (ACCESS_SYSTEM_SECURITY | MAXIMUM_ALLOWED)

/* Privileges_used bits of ntsec_access_result. */
enum { USED_SECURITY = 1, USED_TAKE_OWNERSHIP = 2 };

typedef struct check_ctx {
    const ntsec_token *token;
    const uint8_t *owner;                /* SD owner: what S-1-3-4 stands for */
    const uint8_t *self;                 /* PrincipalSelfSubst or NULL */
    const ntsec_generic_mapping *map;
} check_ctx;

static int is_sid12(const uint8_t *sid, const uint8_t well_known[12])
{
    return sid[1] == 1 && memcmp(sid, well_known, 12) == 0;
}

/* SidInToken with the two substitutions of 3.1 / 3.3 step 4. */
static int ace_sid_applies(const check_ctx *c, const uint8_t *sid, int for_deny)
{
    if (is_sid12(sid, sid_owner_rights)) sid = c->owner;
    else if (c->self && is_sid12(sid, sid_principal_self)) sid = c->self;
    return ntsec_token_has_sid(c->token, sid, for_deny);
}

/* ---- DACL walk ---- */

/* How the walk treats an ACE type (3.3 step 6). Allow-callback ACEs need a
** condition that is not evaluated yet, so they never apply; deny-callback
** ACEs apply, as for an UNKNOWN result (2.11, 3.7). Object ACEs behave as
** plain ones because no object-type list is passed (3.7). */
typedef enum ace_kind { KIND_SKIP, KIND_ALLOW, KIND_DENY } ace_kind;

static ace_kind kind_of(uint8_t type)
{
    switch (type) {
    case ACCESS_ALLOWED_ACE_TYPE:
    case ACCESS_ALLOWED_OBJECT_ACE_TYPE:
        return KIND_ALLOW;
    case ACCESS_DENIED_ACE_TYPE:
    case ACCESS_DENIED_OBJECT_ACE_TYPE:
    case ACCESS_DENIED_CALLBACK_ACE_TYPE:
    case ACCESS_DENIED_CALLBACK_OBJECT_ACE_TYPE:
        return KIND_DENY;
    default:
        return KIND_SKIP;
    }
}

typedef struct acl_cursor {
    const uint8_t *acl;
    size_t off, size;
    unsigned left;
} acl_cursor;

typedef struct walk_ace {
    ace_kind kind;
    ACCESS_MASK mask;                    /* generic bits mapped, NOT_FROM_DACL removed */
    const uint8_t *sid;
} walk_ace;

static void cursor_init(acl_cursor *cur, const uint8_t *acl)
{
    cur->acl = acl;
    cur->off = NTSEC_ACL_HEADER_SIZE;
    cur->size = ntsec_acl_size(acl);
    cur->left = ntsec_acl_count(acl);
}

/* Next ACE header inside the ACL: 1 with *p and *size set, 0 at the end,
** -1 when the ACE runs past AclSize. */
static int cursor_step(acl_cursor *cur, const uint8_t **p, uint16_t *size)
{
    if (cur->left == 0) return 0;
    if (cur->size - cur->off < 4) return -1;
    *p = cur->acl + cur->off;
    *size = ntsec_rd16(*p + 2);
    if (*size < 4 || *size > cur->size - cur->off) return -1;
    cur->off += *size;
    cur->left--;
    return 1;
}

/* Mask and SID of an ACE: plain types read in place, others decoded. */
static inline int ace_mask_sid(const uint8_t *p, uint16_t size, ACCESS_MASK *mask, const uint8_t **sid)
{
    ntsec_ace a;
    if (p[0] <= ACCESS_DENIED_ACE_TYPE) {
        /* inline RtlValidSid: this is the hot path */
        if (size < 16 || p[8] != SID_REVISION || p[9] > SID_MAX_SUB_AUTHORITIES
            || 16u + 4u * p[9] > size)
            return 0;
        *mask = ntsec_rd32(p + 4);
        *sid = p + 8;
        return 1;
    }
    if (ntsec_ace_decode(p, size, &a) != STATUS_SUCCESS || !a.sid) return 0;
    *mask = a.mask;
    *sid = a.sid;
    return 1;
}

/* Next ACE the walk evaluates (not inherit-only, allow or deny kind):
** 1 found, 0 end, -1 malformed. */
static inline int next_walk_ace(acl_cursor *cur, const check_ctx *c, walk_ace *w)
{
    const uint8_t *p;
    uint16_t size;
    int r;
    while ((r = cursor_step(cur, &p, &size)) > 0) {
        if (p[1] & INHERIT_ONLY_ACE) continue;
        w->kind = kind_of(p[0]);
        if (w->kind == KIND_SKIP) continue;
        if (!ace_mask_sid(p, size, &w->mask, &w->sid)) return -1;
        if (w->mask & GENERIC_MASK) w->mask = ntsec_map_generic(w->mask, c->map);
        w->mask &= ~NOT_FROM_DACL;
        return 1;
    }
    return r;
}

/* 3.3 step 4: any non-inherit-only ACE naming OWNER RIGHTS. */
static int dacl_has_owner_rights(const uint8_t *dacl)
{
    acl_cursor cur;
    const uint8_t *p, *sid;
    uint16_t size;
    ACCESS_MASK mask;
    cursor_init(&cur, dacl);
    while (cursor_step(&cur, &p, &size) > 0) {
        if (p[1] & INHERIT_ONLY_ACE) continue;
        if (ace_mask_sid(p, size, &mask, &sid) && is_sid12(sid, sid_owner_rights)) return 1;
    }
    return 0;
}

/* Normal mode (3.3 step 6): first match per bit wins; a matching deny on a
** still-wanted bit ends the check. Returns 1 granted, 0 denied, -1 bad ACL. */
static int walk_normal(const check_ctx *c, const uint8_t *dacl, ACCESS_MASK remaining)
{
    acl_cursor cur;
    walk_ace w;
    int r;
    cursor_init(&cur, dacl);
    while (remaining && (r = next_walk_ace(&cur, c, &w)) != 0) {
        if (r < 0) return -1;
        if (!(remaining & w.mask)) continue;   /* also skips zero-mask denies */
        if (!ace_sid_applies(c, w.sid, w.kind == KIND_DENY)) continue;
        if (w.kind == KIND_DENY) return 0;
        remaining &= ~w.mask;
    }
    return remaining == 0;
}

/* MAXIMUM_ALLOWED mode, order-sensitive as recommended in 3.4: an allow adds
** bits not yet denied, a deny blocks bits not yet granted. */
static int walk_max(const check_ctx *c, const uint8_t *dacl, ACCESS_MASK *granted)
{
    acl_cursor cur;
    walk_ace w;
    ACCESS_MASK denied = 0, fresh;
    int r;
    cursor_init(&cur, dacl);
    while ((r = next_walk_ace(&cur, c, &w)) != 0) {
        if (r < 0) return -1;
        fresh = w.mask & ~(*granted | denied);
        if (!fresh || !ace_sid_applies(c, w.sid, w.kind == KIND_DENY)) continue;
        if (w.kind == KIND_DENY) denied |= fresh;
        else *granted |= fresh;
    }
    return 1;
}

/* ---- the check ---- */

typedef struct check_state {
    ACCESS_MASK want;                    /* desired without MAXIMUM_ALLOWED */
    int max_mode;
    ACCESS_MASK pre;                     /* granted before the DACL walk */
    uint32_t used;                       /* privileges_used bits */
} check_state;

/* Steps 2-3 of 3.3: returns 0 when ACCESS_SYSTEM_SECURITY is wanted without
** SeSecurityPrivilege (STATUS_PRIVILEGE_NOT_HELD). */
static int apply_privileges(const ntsec_token *t, check_state *s)
{
    if (s->want & ACCESS_SYSTEM_SECURITY) {
        if (!ntsec_token_privilege_enabled(t, SE_SECURITY_PRIVILEGE)) return 0;
        s->pre |= ACCESS_SYSTEM_SECURITY;
        s->used |= USED_SECURITY;
    }
    if ((s->max_mode || (s->want & WRITE_OWNER))
        && ntsec_token_privilege_enabled(t, SE_TAKE_OWNERSHIP_PRIVILEGE)) {
        s->pre |= WRITE_OWNER;
        s->used |= USED_TAKE_OWNERSHIP;
    }
    return 1;
}

/* Step 4: the owner's implicit READ_CONTROL | WRITE_DAC, unless the DACL
** speaks for the owner through OWNER RIGHTS ACEs. */
static void apply_owner_rights(const check_ctx *c, const uint8_t *dacl, check_state *s)
{
    const uint8_t *owner = c->owner;
    if (!s->max_mode && !(s->want & (READ_CONTROL | WRITE_DAC))) return;
    if (c->self && is_sid12(owner, sid_principal_self)) owner = c->self;
    if (!ntsec_token_has_sid(c->token, owner, 0)) return;
    if (dacl && dacl_has_owner_rights(dacl)) return;
    s->pre |= READ_CONTROL | WRITE_DAC;
}

/* Evaluate the DACL; returns the granted mask (0 = denied) or sets *bad. */
static ACCESS_MASK evaluate(const check_ctx *c, const ntsec_sd_parts *parts, const check_state *s,
                            int *bad)
{
    const uint8_t *dacl = (parts->control & SE_DACL_PRESENT) ? parts->dacl : NULL;
    ACCESS_MASK g = s->pre;
    int r;
    if (!s->max_mode) {
        if (s->want == 0) return 0;    /* nothing asked, nothing granted (docs/access.md) */
        r = dacl ? walk_normal(c, dacl, s->want & ~s->pre) : 1;
        *bad = r < 0;
        return r > 0 ? s->want : 0;
    }
    if (!dacl) g |= c->map ? c->map->all : 0;
    else if (walk_max(c, dacl, &g) < 0) *bad = 1;
    if (*bad || (s->want & ~g)) return 0;
    return g;
}

static void result_set(ntsec_access_result *res, ACCESS_MASK granted, NTSTATUS st, uint32_t used)
{
    res->granted = granted;
    res->access_status = st;
    res->privileges_used = used;
}

/* Drop privilege bits for rights the result does not carry. */
static uint32_t used_in(ACCESS_MASK granted, uint32_t used)
{
    if (!(granted & ACCESS_SYSTEM_SECURITY)) used &= ~(uint32_t)USED_SECURITY;
    if (!(granted & WRITE_OWNER)) used &= ~(uint32_t)USED_TAKE_OWNERSHIP;
    return used;
}

NTSTATUS ntsec_access_check(const ntsec_sd *sd, const ntsec_token *token,
                            ACCESS_MASK desired, const ntsec_generic_mapping *mapping,
                            const ntsec_access_opts *opts, ntsec_access_result *res)
{
    ntsec_sd_parts parts;
    check_ctx c;
    check_state s;
    ACCESS_MASK granted;
    int bad = 0;
    if (desired & GENERIC_MASK) return STATUS_GENERIC_NOT_MAPPED;
    ntsec_sd_get_parts(sd, &parts);
    if (!parts.owner || !parts.group) return STATUS_INVALID_SECURITY_DESCR;
    if (ntsec_token_integrity_sid(token)) return STATUS_NOT_SUPPORTED;  /* MIC: docs/access.md */
    c.token = token;
    c.owner = parts.owner;
    c.self = opts ? opts->principal_self : NULL;
    c.map = mapping;
    s.want = desired & ~MAXIMUM_ALLOWED;
    s.max_mode = (desired & MAXIMUM_ALLOWED) != 0;
    s.pre = 0;
    s.used = 0;
    if (!apply_privileges(token, &s)) {
        result_set(res, 0, STATUS_PRIVILEGE_NOT_HELD, 0);
        return STATUS_SUCCESS;
    }
    apply_owner_rights(&c, (parts.control & SE_DACL_PRESENT) ? parts.dacl : NULL, &s);
    granted = evaluate(&c, &parts, &s, &bad);
    if (bad) return STATUS_INVALID_ACL;
    if (!granted) result_set(res, 0, STATUS_ACCESS_DENIED, 0);
    else result_set(res, granted, STATUS_SUCCESS, used_in(granted, s.used));
    return STATUS_SUCCESS;
}
