/*
** token_internal.h: the token's representation, shared by token.c,
** token_sids.c and token_claims.c (not public; see token.h).
*/
#ifndef NTSEC_TOKEN_INTERNAL_H
#define NTSEC_TOKEN_INTERNAL_H

#include "token.h"
#include "secdefs.h"

/* What a SID may match, OR-ed over every occurrence in one list. */
enum { MATCH_ALLOW = 1, MATCH_DENY = 2, MATCH_OWNER = 4 };

typedef struct sid_entry {
    uint8_t sid[SECURITY_MAX_SID_SIZE];
    uint32_t attributes;
} sid_entry;

/* ref: 0 = empty slot, k + 1 = entry k. */
typedef struct tok_slot {
    uint32_t hash;
    uint16_t ref;
    uint16_t match;
} tok_slot;

/* A list of SIDs with attributes and an open-addressing hash index over
** them (load under 1/4) plus a 256-bit Bloom filter for quick misses.
** Every SID gets a slot, disabled ones too (match 0), so "present but
** disabled" can be told apart from "absent". */
typedef struct sid_list {
    sid_entry *items;
    size_t n, cap;
    tok_slot *slots;
    size_t nslots;                 /* power of two, > 4 * n */
    uint64_t bloom[4];
    unsigned (*match_of)(size_t index, uint32_t attributes);
} sid_list;

typedef struct tok_priv {
    uint32_t luid, attributes;
} tok_priv;

/* One claim: a CLAIM_SECURITY_ATTRIBUTE_RELATIVE_V1 blob in a set's bytes. */
typedef struct claim_ref {
    uint32_t off, len;
} claim_ref;

typedef struct claim_set {
    uint8_t *bytes;
    size_t len, cap;
    claim_ref *refs;
    size_t n, cap_refs;
} claim_set;

struct ntsec_token {
    sid_list main;                 /* entry 0 = the user, then the groups */
    sid_list restricted;           /* restricting SIDs (3.1), may be empty */
    sid_list device;               /* device groups (conditional ACEs) */
    tok_priv *privs;
    size_t nprivs, cap_privs;
    uint64_t enabled_privs;        /* bit n = LUID n enabled, for LUIDs < 64 */
    long integrity_index;          /* main entry holding the integrity SID, or -1 */
    uint32_t mandatory_policy;
    int type, level;               /* TokenPrimary/TokenImpersonation, SECURITY_* level */
    claim_set claims[3];           /* NTSEC_CLAIM_LOCAL, _USER, _DEVICE */
    uint8_t owner[SECURITY_MAX_SID_SIZE];          /* default owner; [0] == 0: the user */
    uint8_t primary_group[SECURITY_MAX_SID_SIZE];  /* [0] == 0: none */
    uint8_t *default_dacl;                         /* NULL: none */
};

/* ---- the Bloom filter, inline for callers on the hot path ---- */

/* Bloom index of a SID: a few shifts over its last sub-authority, count and
** last authority byte - cheaper than the hash, so most misses never hash. */
static inline unsigned sid_bloom_key(const uint8_t *sid)
{
    uint32_t n = sid[1], last = 0;
    if (n) last = (uint32_t)sid[4 + 4 * n] | ((uint32_t)sid[5 + 4 * n] << 8)
                  | ((uint32_t)sid[6 + 4 * n] << 16) | ((uint32_t)sid[7 + 4 * n] << 24);
    return (last ^ (last >> 8) ^ (last >> 16) ^ (n << 5) ^ sid[7]) & 255u;
}

/* 0 when sid is certainly not in the list; 1 when it may be. */
static inline int sid_list_maybe(const sid_list *l, const uint8_t *sid)
{
    unsigned k = sid_bloom_key(sid);
    return (int)((l->bloom[k >> 6] >> (k & 63)) & 1);
}

/* ---- sid lists (token_sids.c) ---- */

void sid_list_init(sid_list *l, unsigned (*match_of)(size_t, uint32_t));
void sid_list_free(sid_list *l);
/* Append sid (valid) with attributes; STATUS_NO_MEMORY leaves l unchanged. */
NTSTATUS sid_list_add(sid_list *l, const uint8_t *sid, uint32_t attributes);
/* Deep copy into dst (initialised by the caller with the same match_of). */
NTSTATUS sid_list_copy(sid_list *dst, const sid_list *src);
/* MATCH_* bits for sid, 0 when absent; *present (may be NULL) = 1 when the
** SID is in the list at all. */
unsigned sid_list_match(const sid_list *l, const uint8_t *sid, int *present);

/* ---- claims (token_claims.c) ---- */

void claim_set_free(claim_set *c);
NTSTATUS claim_set_copy(claim_set *dst, const claim_set *src);

#endif
