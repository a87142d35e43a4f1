/*
** token_internal.h: the token's representation, shared by token.c,
** token_sids.c and token_claims.c (not public; see token.h).
*/
#ifndef NTSEC_TOKEN_INTERNAL_H
#define NTSEC_TOKEN_INTERNAL_H

#include "token.h"
#include "secdefs.h"
#include "buf.h"

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

/* Bloom filter size: 2048 bits (256 bytes) keep the false-positive rate
** near 1.5% for a 30-group token with one probe per SID. */
#define SID_BLOOM_WORDS 32

/* A list of SIDs with attributes and an open-addressing hash index over
** them (load under 1/4) plus a 2048-bit Bloom filter for quick misses.
** Every SID gets a slot, disabled ones too (match 0), so "present but
** disabled" can be told apart from "absent". */
typedef struct sid_list {
    sid_entry *items;
    size_t n, cap;
    tok_slot *slots;
    size_t nslots;                 /* power of two, > 4 * n */
    uint64_t bloom[SID_BLOOM_WORDS];
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

/* ---- the Bloom filter and lookups, inline for the access check ---- */

/* Hash of a SID for the Bloom filter and the table: one multiplication over
** its last sub-authority (for a SID without one, bytes 4-7 of the
** authority), count and last authority byte. SIDs of one token nearly
** always differ there; SIDs that do not are told apart by the compare. */
static inline uint32_t sid_key_hash(const uint8_t *sid)
{
    uint32_t n = sid[1], last = ntsec_rd32(sid + 4 + 4 * n);
    return (last ^ (n << 27) ^ ((uint32_t)sid[7] << 20)) * 0x9E3779B1u;
}

/* Bloom bit of a hash: its top 11 bits (2048 bits). */
static inline unsigned sid_bloom_bit(uint32_t h)
{
    return h >> 21;
}

/* 0 when a SID of hash h is certainly not in the list; 1 when it may be. */
static inline int sid_list_maybe(const sid_list *l, uint32_t h)
{
    unsigned k = sid_bloom_bit(h);
    return (int)((l->bloom[k >> 6] >> (k & 63)) & 1);
}

/* The table probe after a Bloom hit (token_sids.c), h = sid_key_hash(sid):
** MATCH_* bits, 0 when absent; *present (may be NULL) = 1 when the SID is
** in the list. */
unsigned sid_list_probe(const sid_list *l, const uint8_t *sid, uint32_t h, int *present);

/* MATCH_* bits of sid (hash h = sid_key_hash(sid)) in l, with no call on a
** Bloom miss. */
static inline unsigned sid_list_lookup_hashed(const sid_list *l, const uint8_t *sid, uint32_t h)
{
    return sid_list_maybe(l, h) ? sid_list_probe(l, sid, h, NULL) : 0;
}

static inline unsigned sid_list_lookup(const sid_list *l, const uint8_t *sid)
{
    return sid_list_lookup_hashed(l, sid, sid_key_hash(sid));
}

/* SidInToken over the user and groups (pass 0) or the restricting SIDs
** (pass 1) for a SID whose hash h is known (the access check's DACL index). */
static inline int token_sid_in_hashed(const ntsec_token *t, const uint8_t *sid, uint32_t h, int restricted,
                                      int for_deny)
{
    return (sid_list_lookup_hashed(restricted ? &t->restricted : &t->main, sid, h)
            & (for_deny ? MATCH_DENY : MATCH_ALLOW)) != 0;
}

/* The same with the hash computed: ntsec_token_has_sid / _has_restricted_sid, inline. */
static inline int token_sid_in(const ntsec_token *t, const uint8_t *sid, int restricted, int for_deny)
{
    return token_sid_in_hashed(t, sid, sid_key_hash(sid), restricted, for_deny);
}

/* ntsec_token_privilege_enabled with the LUID < 64 case inline. */
static inline int token_privilege_on(const ntsec_token *t, uint32_t luid)
{
    if (luid < 64) return (int)((t->enabled_privs >> luid) & 1);
    return ntsec_token_privilege_enabled(t, luid);
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
