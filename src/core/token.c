/*
** token.c: the access token as the check sees it (sd_semantics.md 3.1, 4.6).
**
** SIDs are copied into the token. Every distinct SID (user and groups) has
** one slot in an open-addressing hash table holding what it may match:
** allow ACEs, deny ACEs, or be assigned as owner. The table is rebuilt on
** insertion (tokens are built once, checked many times), so SidInToken is
** one hash and usually one compare, with no allocation.
*/
#include <stdlib.h>
#include <string.h>

#include "token.h"
#include "secdefs.h"
#include "sid.h"
#include "buf.h"
#include "status.h"

/* What a SID may match, OR-ed over every occurrence in the token. */
enum { MATCH_ALLOW = 1, MATCH_DENY = 2, MATCH_OWNER = 4 };

typedef struct tok_group {
    uint8_t sid[SECURITY_MAX_SID_SIZE];
    uint32_t attributes;
} tok_group;

typedef struct tok_priv {
    uint32_t luid, attributes;
} tok_priv;

/* ref: 0 = empty slot, 1 = the user, k + 2 = group k. */
typedef struct tok_slot {
    uint32_t hash;
    uint16_t ref;
    uint16_t match;
} tok_slot;

struct ntsec_token {
    uint8_t user[SECURITY_MAX_SID_SIZE];
    uint32_t user_attributes;
    tok_group *groups;
    size_t ngroups, cap_groups;
    tok_priv *privs;
    size_t nprivs, cap_privs;
    uint64_t enabled_privs;    /* bit n = LUID n enabled, for LUIDs < 64 */
    long integrity_group;      /* index of the integrity group, or -1 */
    tok_slot *slots;
    size_t nslots;             /* power of two, > 4 * distinct SIDs */
    uint64_t bloom[4];         /* hash bits of every indexed SID: quick misses */
};

/* ---- SID hashing ---- */

/* Cheap mix of count, authority and the first and last sub-authority:
** SIDs in one token nearly always differ in one of them. */
static inline uint32_t sid_hash(const uint8_t *sid)
{
    uint32_t n = sid[1];
    uint32_t h = n * 0x9E3779B1u ^ ntsec_rd32(sid + 4);
    if (n) {
        h ^= ntsec_rd32(sid + 8) * 0x85EBCA77u;
        h ^= ntsec_rd32(sid + 4 + 4 * n) * 0xC2B2AE3Du;
    }
    h ^= h >> 15;
    return h * 0x27D4EB2Fu;
}

/* Byte-wise SID equality, local so the lookup loop stays in this file. */
static int same_sid(const uint8_t *a, const uint8_t *b)
{
    return a[1] == b[1] && memcmp(a, b, ntsec_sid_len(a)) == 0;
}

static const uint8_t *slot_sid(const ntsec_token *t, const tok_slot *s)
{
    return s->ref == 1 ? t->user : t->groups[s->ref - 2].sid;
}

/* The slot holding sid, or the empty slot where it would go. */
static inline tok_slot *find_slot(const ntsec_token *t, const uint8_t *sid, uint32_t h)
{
    size_t mask = t->nslots - 1, i = h & mask;
    for (;; i = (i + 1) & mask) {
        tok_slot *s = &t->slots[i];
        if (s->ref == 0) return s;
        if (s->hash == h && same_sid(slot_sid(t, s), sid)) return s;
    }
}

static unsigned user_match(uint32_t attributes)
{
    unsigned m = MATCH_DENY | MATCH_OWNER;
    if (!(attributes & SE_GROUP_USE_FOR_DENY_ONLY)) m |= MATCH_ALLOW;
    return m;
}

/* 3.1: enabled groups match allow and deny ACEs, deny-only groups only
** deny ACEs, disabled groups nothing. 4.6: SE_GROUP_OWNER and not deny-only. */
static unsigned group_match(uint32_t a)
{
    unsigned m = 0;
    if (a & SE_GROUP_USE_FOR_DENY_ONLY) m = MATCH_DENY;
    else if (a & SE_GROUP_ENABLED) m = MATCH_ALLOW | MATCH_DENY;
    if ((a & SE_GROUP_OWNER) && !(a & SE_GROUP_USE_FOR_DENY_ONLY)) m |= MATCH_OWNER;
    return m;
}

/* Bloom bit of a hash: its top 8 bits (slots use the low ones). */
static int bloom_has(const ntsec_token *t, uint32_t h)
{
    return (int)((t->bloom[h >> 30] >> ((h >> 24) & 63)) & 1);
}

static void index_sid(ntsec_token *t, const uint8_t *sid, uint16_t ref, unsigned match)
{
    uint32_t h = sid_hash(sid);
    tok_slot *s = find_slot(t, sid, h);
    t->bloom[h >> 30] |= (uint64_t)1 << ((h >> 24) & 63);
    if (s->ref == 0) {
        s->hash = h;
        s->ref = ref;
    }
    s->match = (uint16_t)(s->match | match);
}

/* Rebuild the table with room for n SIDs; the old one survives on failure. */
static NTSTATUS reindex(ntsec_token *t, size_t n)
{
    size_t want = 16, i;
    tok_slot *slots;
    while (want <= 4 * n) want *= 2;
    slots = calloc(want, sizeof *slots);
    if (!slots) return STATUS_NO_MEMORY;
    free(t->slots);
    t->slots = slots;
    t->nslots = want;
    memset(t->bloom, 0, sizeof t->bloom);
    index_sid(t, t->user, 1, user_match(t->user_attributes));
    for (i = 0; i < t->ngroups; i++)
        index_sid(t, t->groups[i].sid, (uint16_t)(i + 2), group_match(t->groups[i].attributes));
    return STATUS_SUCCESS;
}

/* ---- construction ---- */

ntsec_token *ntsec_token_new(const uint8_t *user_sid, uint32_t user_attributes)
{
    ntsec_token *t;
    if (!user_sid || !ntsec_sid_valid(user_sid, SECURITY_MAX_SID_SIZE)) return NULL;
    t = calloc(1, sizeof *t);
    if (!t) return NULL;
    memcpy(t->user, user_sid, ntsec_sid_len(user_sid));
    t->user_attributes = user_attributes;
    t->integrity_group = -1;
    if (reindex(t, 1) != STATUS_SUCCESS) {
        free(t);
        return NULL;
    }
    return t;
}

/* Grow an array of elem-sized items to hold one more; 0 on failure. */
static int grow(void **items, size_t *cap, size_t count, size_t elem)
{
    size_t ncap;
    void *p;
    if (count < *cap) return 1;
    if (count >= 0xFFFDu) return 0;        /* slot refs are 16-bit */
    ncap = *cap ? *cap * 2 : 8;
    p = realloc(*items, ncap * elem);
    if (!p) return 0;
    *items = p;
    *cap = ncap;
    return 1;
}

NTSTATUS ntsec_token_add_group(ntsec_token *t, const uint8_t *sid, uint32_t attributes)
{
    tok_group *g;
    NTSTATUS st;
    if (!sid || !ntsec_sid_valid(sid, SECURITY_MAX_SID_SIZE)) return STATUS_INVALID_SID;
    if (!grow((void **)&t->groups, &t->cap_groups, t->ngroups, sizeof *t->groups))
        return STATUS_NO_MEMORY;
    g = &t->groups[t->ngroups];
    memcpy(g->sid, sid, ntsec_sid_len(sid));
    g->attributes = attributes;
    t->ngroups++;
    if (4 * (t->ngroups + 1) < t->nslots) {
        index_sid(t, g->sid, (uint16_t)(t->ngroups + 1), group_match(attributes));
    } else {
        st = reindex(t, t->ngroups + 1);
        if (st != STATUS_SUCCESS) {
            t->ngroups--;                 /* old table still describes the old groups */
            return st;
        }
    }
    if ((attributes & SE_GROUP_INTEGRITY_ENABLED) && t->integrity_group < 0)
        t->integrity_group = (long)(t->ngroups - 1);
    return STATUS_SUCCESS;
}

static void refresh_enabled_bit(ntsec_token *t, uint32_t luid, uint32_t attributes)
{
    uint64_t bit;
    if (luid >= 64) return;
    bit = (uint64_t)1 << luid;
    if (attributes & SE_PRIVILEGE_ENABLED) t->enabled_privs |= bit;
    else t->enabled_privs &= ~bit;
}

NTSTATUS ntsec_token_add_privilege(ntsec_token *t, uint32_t luid, uint32_t attributes)
{
    size_t i;
    for (i = 0; i < t->nprivs; i++) {
        if (t->privs[i].luid == luid) {
            t->privs[i].attributes = attributes;
            refresh_enabled_bit(t, luid, attributes);
            return STATUS_SUCCESS;
        }
    }
    if (!grow((void **)&t->privs, &t->cap_privs, t->nprivs, sizeof *t->privs))
        return STATUS_NO_MEMORY;
    t->privs[t->nprivs].luid = luid;
    t->privs[t->nprivs].attributes = attributes;
    t->nprivs++;
    refresh_enabled_bit(t, luid, attributes);
    return STATUS_SUCCESS;
}

static void *dup_array(const void *src, size_t count, size_t elem)
{
    void *p;
    if (count == 0) return NULL;
    p = malloc(count * elem);
    if (p) memcpy(p, src, count * elem);
    return p;
}

ntsec_token *ntsec_token_clone(const ntsec_token *t)
{
    ntsec_token *c = malloc(sizeof *c);
    if (!c) return NULL;
    *c = *t;
    c->groups = dup_array(t->groups, t->ngroups, sizeof *t->groups);
    c->privs = dup_array(t->privs, t->nprivs, sizeof *t->privs);
    c->slots = dup_array(t->slots, t->nslots, sizeof *t->slots);
    c->cap_groups = t->ngroups;
    c->cap_privs = t->nprivs;
    if ((t->ngroups && !c->groups) || (t->nprivs && !c->privs) || !c->slots) {
        ntsec_token_free(c);
        return NULL;
    }
    return c;
}

void ntsec_token_free(ntsec_token *t)
{
    if (!t) return;
    free(t->groups);
    free(t->privs);
    free(t->slots);
    free(t);
}

/* ---- queries ---- */

const uint8_t *ntsec_token_user(const ntsec_token *t)
{
    return t->user;
}

size_t ntsec_token_group_count(const ntsec_token *t)
{
    return t->ngroups;
}

const uint8_t *ntsec_token_group(const ntsec_token *t, size_t i, uint32_t *attributes)
{
    if (i >= t->ngroups) return NULL;
    if (attributes) *attributes = t->groups[i].attributes;
    return t->groups[i].sid;
}

size_t ntsec_token_privilege_count(const ntsec_token *t)
{
    return t->nprivs;
}

uint32_t ntsec_token_privilege(const ntsec_token *t, size_t i, uint32_t *attributes)
{
    if (i >= t->nprivs) return 0;
    if (attributes) *attributes = t->privs[i].attributes;
    return t->privs[i].luid;
}

const uint8_t *ntsec_token_integrity_sid(const ntsec_token *t)
{
    return t->integrity_group < 0 ? NULL : t->groups[t->integrity_group].sid;
}

int ntsec_token_privilege_enabled(const ntsec_token *t, uint32_t luid)
{
    size_t i;
    if (luid < 64) return (int)((t->enabled_privs >> luid) & 1);
    for (i = 0; i < t->nprivs; i++)
        if (t->privs[i].luid == luid) return (t->privs[i].attributes & SE_PRIVILEGE_ENABLED) != 0;
    return 0;
}

static unsigned sid_match(const ntsec_token *t, const uint8_t *sid)
{
    uint32_t h = sid_hash(sid);
    if (!bloom_has(t, h)) return 0;
    return find_slot(t, sid, h)->match;
}

int ntsec_token_has_sid(const ntsec_token *t, const uint8_t *sid, int for_deny)
{
    return (sid_match(t, sid) & (for_deny ? MATCH_DENY : MATCH_ALLOW)) != 0;
}

int ntsec_token_can_own(const ntsec_token *t, const uint8_t *sid)
{
    return (sid_match(t, sid) & MATCH_OWNER) != 0;
}

/* ---- privilege names (MSDOC-privilege-constants; LUIDs as in winnt.h) ---- */

static const char *const privilege_names[] = {
    NULL, NULL,
    "SeCreateTokenPrivilege",            /* 2 */
    "SeAssignPrimaryTokenPrivilege",
    "SeLockMemoryPrivilege",
    "SeIncreaseQuotaPrivilege",
    "SeMachineAccountPrivilege",
    "SeTcbPrivilege",
    "SeSecurityPrivilege",               /* 8 */
    "SeTakeOwnershipPrivilege",          /* 9 */
    "SeLoadDriverPrivilege",
    "SeSystemProfilePrivilege",
    "SeSystemtimePrivilege",
    "SeProfileSingleProcessPrivilege",
    "SeIncreaseBasePriorityPrivilege",
    "SeCreatePagefilePrivilege",
    "SeCreatePermanentPrivilege",
    "SeBackupPrivilege",                 /* 17 */
    "SeRestorePrivilege",                /* 18 */
    "SeShutdownPrivilege",
    "SeDebugPrivilege",
    "SeAuditPrivilege",
    "SeSystemEnvironmentPrivilege",
    "SeChangeNotifyPrivilege",
    "SeRemoteShutdownPrivilege",
    "SeUndockPrivilege",
    "SeSyncAgentPrivilege",
    "SeEnableDelegationPrivilege",
    "SeManageVolumePrivilege",
    "SeImpersonatePrivilege",
    "SeCreateGlobalPrivilege",
    "SeTrustedCredManAccessPrivilege",
    "SeRelabelPrivilege",                /* 32 */
    "SeIncreaseWorkingSetPrivilege",
    "SeTimeZonePrivilege",
    "SeCreateSymbolicLinkPrivilege",
    "SeDelegateSessionUserImpersonatePrivilege"   /* 36 */
};

#define PRIVILEGE_NAME_COUNT (sizeof privilege_names / sizeof privilege_names[0])

/* ASCII case-insensitive equality (LookupPrivilegeValue ignores case). */
static int name_equal(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        int ca = (*a >= 'A' && *a <= 'Z') ? *a + 32 : *a;
        int cb = (*b >= 'A' && *b <= 'Z') ? *b + 32 : *b;
        if (ca != cb) return 0;
    }
    return *a == *b;
}

uint32_t ntsec_privilege_luid(const char *name)
{
    uint32_t i;
    if (!name) return 0;
    for (i = 2; i < PRIVILEGE_NAME_COUNT; i++)
        if (name_equal(name, privilege_names[i])) return i;
    return 0;
}

const char *ntsec_privilege_name(uint32_t luid)
{
    return luid < PRIVILEGE_NAME_COUNT ? privilege_names[luid] : NULL;
}
