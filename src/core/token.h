/*
** token.h: an access token as the access check sees it (sd_semantics.md 3.1;
** [MS-DTYP] 2.5.2 Token/Authorization Context).
**
** User SID, groups with attributes, privileges by LUID with attributes, and
** the optional parts: restricting SIDs (restricted tokens), device groups
** and user/device/local claims (conditional ACEs), the integrity level and
** mandatory policy, token type and impersonation level, and the defaults a
** new object takes (owner, primary group, default DACL).
** Group lookup is by a hash index built once, not a linear scan per ACE.
*/
#ifndef NTSEC_TOKEN_H
#define NTSEC_TOKEN_H

#include "ntsec_types.h"

typedef struct ntsec_token ntsec_token;

/* TOKEN_MANDATORY_POLICY (winnt.h; sd_semantics.md 3.1). */
#define TOKEN_MANDATORY_POLICY_OFF             0x0u
#define TOKEN_MANDATORY_POLICY_NO_WRITE_UP     0x1u
#define TOKEN_MANDATORY_POLICY_NEW_PROCESS_MIN 0x2u
#define TOKEN_MANDATORY_POLICY_VALID_MASK      0x3u

/* TOKEN_TYPE and SECURITY_IMPERSONATION_LEVEL (winnt.h). */
#define NTSEC_TOKEN_PRIMARY        1
#define NTSEC_TOKEN_IMPERSONATION  2
#define SECURITY_ANONYMOUS         0
#define SECURITY_IDENTIFICATION    1
#define SECURITY_IMPERSONATION     2
#define SECURITY_DELEGATION        3

/* CLAIM_SECURITY_ATTRIBUTE_TYPE_* and flags ([MS-DTYP] 2.4.10.1). */
#define CLAIM_SECURITY_ATTRIBUTE_TYPE_INT64         0x0001u
#define CLAIM_SECURITY_ATTRIBUTE_TYPE_UINT64        0x0002u
#define CLAIM_SECURITY_ATTRIBUTE_TYPE_STRING        0x0003u
#define CLAIM_SECURITY_ATTRIBUTE_TYPE_FQBN          0x0004u
#define CLAIM_SECURITY_ATTRIBUTE_TYPE_SID           0x0005u
#define CLAIM_SECURITY_ATTRIBUTE_TYPE_BOOLEAN       0x0006u
#define CLAIM_SECURITY_ATTRIBUTE_TYPE_OCTET_STRING  0x0010u
#define CLAIM_SECURITY_ATTRIBUTE_NON_INHERITABLE      0x0001u
#define CLAIM_SECURITY_ATTRIBUTE_VALUE_CASE_SENSITIVE 0x0002u

/* Which claims of the token an attribute token reads ([MS-DTYP] 2.5.3.1.6):
** local (simple names, 0xF8), @User. (0xF9), @Device. (0xFB). */
typedef enum ntsec_claim_source {
    NTSEC_CLAIM_LOCAL = 0,
    NTSEC_CLAIM_USER = 1,
    NTSEC_CLAIM_DEVICE = 2
} ntsec_claim_source;

/* One claim value; which field is read depends on the claim's type:
** INT64 -> i; UINT64 and BOOLEAN (0/1) -> u; STRING -> s (UTF-8, NUL-
** terminated); SID -> p (a binary SID); OCTET_STRING -> p, len. */
typedef struct ntsec_claim_value {
    int64_t i;
    uint64_t u;
    const char *s;
    const uint8_t *p;
    size_t len;
} ntsec_claim_value;

/* New token for user (binary SID, copied). Returns NULL on allocation
** failure or an invalid SID. The user SID matches allow ACEs unless
** user_attributes has SE_GROUP_USE_FOR_DENY_ONLY. Defaults: impersonation
** token at SecurityImpersonation level, mandatory policy NO_WRITE_UP |
** NEW_PROCESS_MIN (Windows' default), no integrity SID, owner = the user. */
ntsec_token *ntsec_token_new(const uint8_t *user_sid, uint32_t user_attributes);

/* Add a group (binary SID copied) with SE_GROUP_* attributes. A group with
** SE_GROUP_INTEGRITY_ENABLED becomes the token's integrity level if it is
** the first such group (3.6). Errors: STATUS_INVALID_SID, STATUS_NO_MEMORY. */
NTSTATUS ntsec_token_add_group(ntsec_token *t, const uint8_t *sid, uint32_t attributes);

/* Add or update a privilege by LUID with SE_PRIVILEGE_* attributes.
** Errors: STATUS_NO_MEMORY. */
NTSTATUS ntsec_token_add_privilege(ntsec_token *t, uint32_t luid, uint32_t attributes);

/* Add a restricting SID (CreateRestrictedToken's SidsToRestrict). A token
** with at least one is restricted: the access check runs a second pass with
** only these SIDs and grants what both passes grant (3.1). Attributes follow
** the group rules (enabled: allow and deny ACEs; deny-only: deny ACEs).
** Errors: STATUS_INVALID_SID, STATUS_NO_MEMORY. */
NTSTATUS ntsec_token_add_restricted_sid(ntsec_token *t, const uint8_t *sid, uint32_t attributes);

/* Add a device group (DeviceSids[] of [MS-DTYP] 2.5.2), read only by the
** Device_Member_of* operators of conditional ACEs.
** Errors: STATUS_INVALID_SID, STATUS_NO_MEMORY. */
NTSTATUS ntsec_token_add_device_group(ntsec_token *t, const uint8_t *sid, uint32_t attributes);

/* Add a claim (CLAIM_SECURITY_ATTRIBUTE_V1) to the local, user or device
** claims: name (UTF-8, non-empty), type CLAIM_SECURITY_ATTRIBUTE_TYPE_*,
** flags CLAIM_SECURITY_ATTRIBUTE_*, count values (count may be 0).
** Names compare case-insensitively; a second claim of the same name is kept
** but never found (the first wins, as LookupAttributeInToken's scan).
** Errors: STATUS_INVALID_PARAMETER (empty name, bad UTF-8, unknown source,
** BOOLEAN value other than 0/1), STATUS_NOT_SUPPORTED (FQBN or an unknown
** type), STATUS_INVALID_SID, STATUS_NO_MEMORY. */
NTSTATUS ntsec_token_add_claim(ntsec_token *t, ntsec_claim_source source, const char *name,
                               uint16_t type, uint32_t flags, const ntsec_claim_value *values,
                               size_t count);

/* TOKEN_MANDATORY_POLICY (only bits of the valid mask are kept). */
void ntsec_token_set_mandatory_policy(ntsec_token *t, uint32_t policy);
uint32_t ntsec_token_mandatory_policy(const ntsec_token *t);

/* Token type (NTSEC_TOKEN_*) and impersonation level (SECURITY_*), used by
** the NtAccessCheck-style call checks (access.h NTSEC_ACCESS_NT_API).
** Errors: STATUS_INVALID_PARAMETER for values out of range. */
NTSTATUS ntsec_token_set_type(ntsec_token *t, int type, int level);
int ntsec_token_type(const ntsec_token *t);
int ntsec_token_level(const ntsec_token *t);

/* Defaults for new objects ([MS-DTYP] 2.5.2 OwnerIndex, PrimaryGroup,
** DefaultDACL). The owner must be assignable (ntsec_token_can_own):
** else STATUS_INVALID_OWNER; the primary group must be the user or a group
** of the token: else STATUS_INVALID_PRIMARY_GROUP (sd_semantics.md 4.6);
** the DACL must be valid (NULL removes it): else STATUS_INVALID_ACL.
** STATUS_NO_MEMORY. The getters return NULL when unset (owner: the user). */
NTSTATUS ntsec_token_set_owner(ntsec_token *t, const uint8_t *sid);
NTSTATUS ntsec_token_set_primary_group(ntsec_token *t, const uint8_t *sid);
NTSTATUS ntsec_token_set_default_dacl(ntsec_token *t, const uint8_t *acl);
const uint8_t *ntsec_token_owner(const ntsec_token *t);
const uint8_t *ntsec_token_primary_group(const ntsec_token *t);
const uint8_t *ntsec_token_default_dacl(const ntsec_token *t);

/* Deep copy; NULL on allocation failure. */
ntsec_token *ntsec_token_clone(const ntsec_token *t);
void ntsec_token_free(ntsec_token *t);

const uint8_t *ntsec_token_user(const ntsec_token *t);
size_t ntsec_token_group_count(const ntsec_token *t);
/* i-th group in insertion order; attributes through *attributes. */
const uint8_t *ntsec_token_group(const ntsec_token *t, size_t i, uint32_t *attributes);
size_t ntsec_token_privilege_count(const ntsec_token *t);
uint32_t ntsec_token_privilege(const ntsec_token *t, size_t i, uint32_t *attributes);
size_t ntsec_token_restricted_count(const ntsec_token *t);
const uint8_t *ntsec_token_restricted_sid(const ntsec_token *t, size_t i, uint32_t *attributes);
size_t ntsec_token_device_group_count(const ntsec_token *t);
const uint8_t *ntsec_token_device_group(const ntsec_token *t, size_t i, uint32_t *attributes);
/* Number of claims of a source and the i-th one as its
** CLAIM_SECURITY_ATTRIBUTE_RELATIVE_V1 bytes (*len set), or NULL. */
size_t ntsec_token_claim_count(const ntsec_token *t, ntsec_claim_source source);
const uint8_t *ntsec_token_claim(const ntsec_token *t, ntsec_claim_source source, size_t i,
                                 size_t *len);

/* 1 when the token has restricting SIDs. */
int ntsec_token_is_restricted(const ntsec_token *t);

/* 1 when the privilege is present and SE_PRIVILEGE_ENABLED. */
int ntsec_token_privilege_enabled(const ntsec_token *t, uint32_t luid);

/* SidInToken (3.1): for_deny = 0 matches the user (unless deny-only) and
** enabled, non-deny-only groups; for_deny = 1 also matches deny-only ones. */
int ntsec_token_has_sid(const ntsec_token *t, const uint8_t *sid, int for_deny);
/* The same over the restricting SIDs, and over the device groups. */
int ntsec_token_has_restricted_sid(const ntsec_token *t, const uint8_t *sid, int for_deny);
int ntsec_token_has_device_sid(const ntsec_token *t, const uint8_t *sid, int for_deny);

/* Why a SID does or does not match (for explanations): NTSEC_SID_* bits.
** list 0 = user and groups, 1 = restricting SIDs, 2 = device groups. */
#define NTSEC_SID_PRESENT 1u   /* in the list at all (possibly disabled) */
#define NTSEC_SID_ALLOW   2u   /* matches allow ACEs */
#define NTSEC_SID_DENY    4u   /* matches deny ACEs */
unsigned ntsec_token_sid_state(const ntsec_token *t, const uint8_t *sid, int list);

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
