/*
** token.h: an access token as the access check sees it (sd_semantics.md 3.1).
**
** User SID, groups with attributes, privileges by LUID with attributes.
** Group lookup is by a sorted index built once, not a linear scan per ACE.
*/
#ifndef NTSEC_TOKEN_H
#define NTSEC_TOKEN_H

#include "ntsec_types.h"

typedef struct ntsec_token ntsec_token;

/* New token for user (binary SID, copied). Returns NULL on allocation
** failure or an invalid SID. The user SID matches allow ACEs unless
** user_attributes has SE_GROUP_USE_FOR_DENY_ONLY. */
ntsec_token *ntsec_token_new(const uint8_t *user_sid, uint32_t user_attributes);

/* Add a group (binary SID copied) with SE_GROUP_* attributes.
** Errors: STATUS_INVALID_SID, STATUS_NO_MEMORY. */
NTSTATUS ntsec_token_add_group(ntsec_token *t, const uint8_t *sid, uint32_t attributes);

/* Add or update a privilege by LUID with SE_PRIVILEGE_* attributes.
** Errors: STATUS_NO_MEMORY. */
NTSTATUS ntsec_token_add_privilege(ntsec_token *t, uint32_t luid, uint32_t attributes);

/* Deep copy; NULL on allocation failure. */
ntsec_token *ntsec_token_clone(const ntsec_token *t);
void ntsec_token_free(ntsec_token *t);

const uint8_t *ntsec_token_user(const ntsec_token *t);
size_t ntsec_token_group_count(const ntsec_token *t);
/* i-th group in insertion order; attributes through *attributes. */
const uint8_t *ntsec_token_group(const ntsec_token *t, size_t i, uint32_t *attributes);
size_t ntsec_token_privilege_count(const ntsec_token *t);
uint32_t ntsec_token_privilege(const ntsec_token *t, size_t i, uint32_t *attributes);

/* 1 when the privilege is present and SE_PRIVILEGE_ENABLED. */
int ntsec_token_privilege_enabled(const ntsec_token *t, uint32_t luid);

/* SidInToken (3.1): for_deny = 0 matches the user (unless deny-only) and
** enabled, non-deny-only groups; for_deny = 1 also matches deny-only ones. */
int ntsec_token_has_sid(const ntsec_token *t, const uint8_t *sid, int for_deny);

/* 1 when sid may be assigned as owner (4.6): the user, or a group with
** SE_GROUP_OWNER and without SE_GROUP_USE_FOR_DENY_ONLY. */
int ntsec_token_can_own(const ntsec_token *t, const uint8_t *sid);

/* The token's integrity SID (S-1-16-x): the first group whose attributes
** carry SE_GROUP_INTEGRITY_ENABLED, or NULL (3.1, 3.6). */
const uint8_t *ntsec_token_integrity_sid(const ntsec_token *t);

/* Privilege names ("SeSecurityPrivilege") <-> LUIDs; 0 / NULL when unknown.
** Name lookup ignores ASCII case, like LookupPrivilegeValue. LUIDs 2..36
** (SeCreateTokenPrivilege .. SeDelegateSessionUserImpersonatePrivilege). */
uint32_t ntsec_privilege_luid(const char *name);
const char *ntsec_privilege_name(uint32_t luid);

#endif
