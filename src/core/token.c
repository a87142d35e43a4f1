/*
** token.c: the access token as the check sees it (sd_semantics.md 3.1, 4.6;
** [MS-DTYP] 2.5.2). SIDs are copied into the token; the SID lists and their
** hash index live in token_sids.c, claims in token_claims.c.
*/
#include <stdlib.h>
#include <string.h>

#include "token_internal.h"
#include "acl.h"
#include "sid.h"
#include "buf.h"
#include "status.h"

/* ---- what each entry may match (3.1, 4.6) ---- */

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

/* Entry 0 of the main list is the user: it matches deny ACEs always and
** allow ACEs unless deny-only, and may always be the owner. */
static unsigned main_match(size_t index, uint32_t a)
{
    unsigned m;
    if (index > 0) return group_match(a);
    m = MATCH_DENY | MATCH_OWNER;
    if (!(a & SE_GROUP_USE_FOR_DENY_ONLY)) m |= MATCH_ALLOW;
    return m;
}

/* Restricting SIDs and device groups follow the group rules but are never
** owners. */
static unsigned other_match(size_t index, uint32_t a)
{
    (void)index;
    return group_match(a) & ~(unsigned)MATCH_OWNER;
}

/* ---- construction ---- */

static int sid_ok(const uint8_t *sid)
{
    return sid && ntsec_sid_valid(sid, SECURITY_MAX_SID_SIZE);
}

ntsec_token *ntsec_token_new(const uint8_t *user_sid, uint32_t user_attributes)
{
    ntsec_token *t;
    if (!sid_ok(user_sid)) return NULL;
    t = calloc(1, sizeof *t);
    if (!t) return NULL;
    sid_list_init(&t->main, main_match);
    sid_list_init(&t->restricted, other_match);
    sid_list_init(&t->device, other_match);
    t->integrity_index = -1;
    t->mandatory_policy = TOKEN_MANDATORY_POLICY_NO_WRITE_UP | TOKEN_MANDATORY_POLICY_NEW_PROCESS_MIN;
    t->type = NTSEC_TOKEN_IMPERSONATION;
    t->level = SECURITY_IMPERSONATION;
    if (sid_list_add(&t->main, user_sid, user_attributes) != STATUS_SUCCESS) {
        free(t);
        return NULL;
    }
    return t;
}

NTSTATUS ntsec_token_add_group(ntsec_token *t, const uint8_t *sid, uint32_t attributes)
{
    NTSTATUS st;
    if (!sid_ok(sid)) return STATUS_INVALID_SID;
    st = sid_list_add(&t->main, sid, attributes);
    if (st == STATUS_SUCCESS && (attributes & SE_GROUP_INTEGRITY_ENABLED) && t->integrity_index < 0)
        t->integrity_index = (long)(t->main.n - 1);
    return st;
}

NTSTATUS ntsec_token_add_restricted_sid(ntsec_token *t, const uint8_t *sid, uint32_t attributes)
{
    if (!sid_ok(sid)) return STATUS_INVALID_SID;
    return sid_list_add(&t->restricted, sid, attributes);
}

NTSTATUS ntsec_token_add_device_group(ntsec_token *t, const uint8_t *sid, uint32_t attributes)
{
    if (!sid_ok(sid)) return STATUS_INVALID_SID;
    return sid_list_add(&t->device, sid, attributes);
}

static void refresh_enabled_bit(ntsec_token *t, uint32_t luid, uint32_t attributes)
{
    uint64_t bit;
    if (luid >= 64) return;
    bit = (uint64_t)1 << luid;
    if (attributes & SE_PRIVILEGE_ENABLED) t->enabled_privs |= bit;
    else t->enabled_privs &= ~bit;
}

static int grow_privs(ntsec_token *t)
{
    size_t ncap;
    tok_priv *p;
    if (t->nprivs < t->cap_privs) return 1;
    ncap = t->cap_privs ? t->cap_privs * 2 : 8;
    p = realloc(t->privs, ncap * sizeof *p);
    if (!p) return 0;
    t->privs = p;
    t->cap_privs = ncap;
    return 1;
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
    if (!grow_privs(t)) return STATUS_NO_MEMORY;
    t->privs[t->nprivs].luid = luid;
    t->privs[t->nprivs].attributes = attributes;
    t->nprivs++;
    refresh_enabled_bit(t, luid, attributes);
    return STATUS_SUCCESS;
}

/* ---- policy, type, defaults ---- */

void ntsec_token_set_mandatory_policy(ntsec_token *t, uint32_t policy)
{
    t->mandatory_policy = policy & TOKEN_MANDATORY_POLICY_VALID_MASK;
}

uint32_t ntsec_token_mandatory_policy(const ntsec_token *t)
{
    return t->mandatory_policy;
}

NTSTATUS ntsec_token_set_type(ntsec_token *t, int type, int level)
{
    if (type != NTSEC_TOKEN_PRIMARY && type != NTSEC_TOKEN_IMPERSONATION) return STATUS_INVALID_PARAMETER;
    if (level < SECURITY_ANONYMOUS || level > SECURITY_DELEGATION) return STATUS_INVALID_PARAMETER;
    t->type = type;
    t->level = level;
    return STATUS_SUCCESS;
}

int ntsec_token_type(const ntsec_token *t)
{
    return t->type;
}

int ntsec_token_level(const ntsec_token *t)
{
    return t->level;
}

NTSTATUS ntsec_token_set_owner(ntsec_token *t, const uint8_t *sid)
{
    if (!sid_ok(sid)) return STATUS_INVALID_SID;
    if (!ntsec_token_can_own(t, sid)) return STATUS_INVALID_OWNER;
    memcpy(t->owner, sid, ntsec_sid_len(sid));
    return STATUS_SUCCESS;
}

NTSTATUS ntsec_token_set_primary_group(ntsec_token *t, const uint8_t *sid)
{
    if (!sid_ok(sid)) return STATUS_INVALID_SID;
    if (!(ntsec_token_sid_state(t, sid, 0) & NTSEC_SID_PRESENT)) return STATUS_INVALID_PRIMARY_GROUP;
    memcpy(t->primary_group, sid, ntsec_sid_len(sid));
    return STATUS_SUCCESS;
}

NTSTATUS ntsec_token_set_default_dacl(ntsec_token *t, const uint8_t *acl)
{
    uint8_t *copy = NULL;
    if (acl) {
        size_t n = ntsec_acl_size(acl);
        if (n < NTSEC_ACL_HEADER_SIZE || !ntsec_acl_valid(acl, n)) return STATUS_INVALID_ACL;
        copy = malloc(n);
        if (!copy) return STATUS_NO_MEMORY;
        memcpy(copy, acl, n);
    }
    free(t->default_dacl);
    t->default_dacl = copy;
    return STATUS_SUCCESS;
}

const uint8_t *ntsec_token_owner(const ntsec_token *t)
{
    return t->owner[0] ? t->owner : t->main.items[0].sid;
}

const uint8_t *ntsec_token_primary_group(const ntsec_token *t)
{
    return t->primary_group[0] ? t->primary_group : NULL;
}

const uint8_t *ntsec_token_default_dacl(const ntsec_token *t)
{
    return t->default_dacl;
}

/* ---- copies ---- */

static void *dup_bytes(const void *src, size_t n)
{
    void *p;
    if (!src || n == 0) return NULL;
    p = malloc(n);
    if (p) memcpy(p, src, n);
    return p;
}

/* Copy everything owned by pointer; 0 on allocation failure. */
static int copy_owned(ntsec_token *c, const ntsec_token *t)
{
    int i, ok = 1;
    c->privs = dup_bytes(t->privs, t->nprivs * sizeof *t->privs);
    c->cap_privs = t->nprivs;
    c->default_dacl = t->default_dacl ? dup_bytes(t->default_dacl, ntsec_acl_size(t->default_dacl)) : NULL;
    if ((t->nprivs && !c->privs) || (t->default_dacl && !c->default_dacl)) ok = 0;
    if (sid_list_copy(&c->main, &t->main) != STATUS_SUCCESS) ok = 0;
    if (sid_list_copy(&c->restricted, &t->restricted) != STATUS_SUCCESS) ok = 0;
    if (sid_list_copy(&c->device, &t->device) != STATUS_SUCCESS) ok = 0;
    for (i = 0; i < 3; i++)
        if (claim_set_copy(&c->claims[i], &t->claims[i]) != STATUS_SUCCESS) ok = 0;
    return ok;
}

ntsec_token *ntsec_token_clone(const ntsec_token *t)
{
    ntsec_token *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    *c = *t;
    /* pointers are replaced one by one; clear them first so free is safe */
    c->privs = NULL;
    c->default_dacl = NULL;
    sid_list_init(&c->main, t->main.match_of);
    sid_list_init(&c->restricted, t->restricted.match_of);
    sid_list_init(&c->device, t->device.match_of);
    memset(c->claims, 0, sizeof c->claims);
    if (!copy_owned(c, t)) {
        ntsec_token_free(c);
        return NULL;
    }
    return c;
}

void ntsec_token_free(ntsec_token *t)
{
    int i;
    if (!t) return;
    sid_list_free(&t->main);
    sid_list_free(&t->restricted);
    sid_list_free(&t->device);
    for (i = 0; i < 3; i++) claim_set_free(&t->claims[i]);
    free(t->privs);
    free(t->default_dacl);
    free(t);
}

/* ---- queries ---- */

const uint8_t *ntsec_token_user(const ntsec_token *t)
{
    return t->main.items[0].sid;
}

size_t ntsec_token_group_count(const ntsec_token *t)
{
    return t->main.n - 1;
}

static const uint8_t *entry_at(const sid_list *l, size_t i, uint32_t *attributes)
{
    if (i >= l->n) return NULL;
    if (attributes) *attributes = l->items[i].attributes;
    return l->items[i].sid;
}

const uint8_t *ntsec_token_group(const ntsec_token *t, size_t i, uint32_t *attributes)
{
    return i + 1 < t->main.n ? entry_at(&t->main, i + 1, attributes) : NULL;
}

size_t ntsec_token_restricted_count(const ntsec_token *t)
{
    return t->restricted.n;
}

const uint8_t *ntsec_token_restricted_sid(const ntsec_token *t, size_t i, uint32_t *attributes)
{
    return entry_at(&t->restricted, i, attributes);
}

size_t ntsec_token_device_group_count(const ntsec_token *t)
{
    return t->device.n;
}

const uint8_t *ntsec_token_device_group(const ntsec_token *t, size_t i, uint32_t *attributes)
{
    return entry_at(&t->device, i, attributes);
}

int ntsec_token_is_restricted(const ntsec_token *t)
{
    return t->restricted.n != 0;
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
    return t->integrity_index < 0 ? NULL : t->main.items[t->integrity_index].sid;
}

int ntsec_token_privilege_enabled(const ntsec_token *t, uint32_t luid)
{
    size_t i;
    if (luid < 64) return (int)((t->enabled_privs >> luid) & 1);
    for (i = 0; i < t->nprivs; i++)
        if (t->privs[i].luid == luid) return (t->privs[i].attributes & SE_PRIVILEGE_ENABLED) != 0;
    return 0;
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
