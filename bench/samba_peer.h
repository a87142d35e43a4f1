/*
** samba_peer.h: Samba's C security library as the benchmarks' peer (issue
** 11: ntsec and Samba timed in the same process run). Bench-only; never
** linked into ntsec. Loaded with dlopen from the private unpack of
** ../shared/tools/setup_samba_bpo.sh (SAMBA_BPO_PREFIX, default
** /opt/samba-4.22); its dependencies resolve through LD_LIBRARY_PATH, which
** bench/run.lua sets (samba_peer_libdirs).
**
** ABI: Samba ships no development headers in that unpack, so the few
** prototypes called are declared here, from Samba 4.22's sources
** (libcli/security/sddl.h, security_token.h, access_check.h, dom_sid.h,
** lib/talloc/talloc.h) and the structures pidl generates from
** librpc/idl/security.idl:
**   struct dom_sid { uint8 sid_rev_num; int8 num_auths; uint8 id_auth[6];
**                    uint32 sub_auths[15]; }                (68 bytes)
**   struct security_token { uint32 num_sids; struct dom_sid *sids; ... }
** Only those two leading token fields are written, on a token that
** security_token_initialise allocated zeroed at its real size; the
** descriptors are Samba's own (sddl_decode), never built by us.
*/
#ifndef NTSEC_SAMBA_PEER_H
#define NTSEC_SAMBA_PEER_H

#include <stddef.h>
#include <stdint.h>

typedef struct samba_dom_sid {
    uint8_t sid_rev_num;
    int8_t num_auths;
    uint8_t id_auth[6];
    uint32_t sub_auths[15];
} samba_dom_sid;

/* The leading fields of struct security_token (security.idl, 4.22). */
typedef struct samba_token_head {
    uint32_t num_sids;
    samba_dom_sid *sids;
} samba_token_head;

/* enum claims_evaluation_control (security.idl): INVALID_STATE, NEVER, ALWAYS. */
enum { SAMBA_CLAIMS_EVALUATION_NEVER = 1 };

typedef struct samba_peer {
    void *talloc_lib, *security_lib;
    void *(*talloc_named_const)(const void *ctx, size_t size, const char *name);
    int (*talloc_free)(void *ptr, const char *location);          /* _talloc_free */
    void *(*sddl_decode)(void *mem_ctx, const char *sddl, const samba_dom_sid *domain_sid);
    char *(*sddl_encode)(void *mem_ctx, const void *sd, const samba_dom_sid *domain_sid);
    uint32_t (*se_access_check)(const void *sd, const void *token, uint32_t access_desired,
                                uint32_t *access_granted);          /* NTSTATUS */
    void *(*security_token_initialise)(void *mem_ctx, int evaluate_claims);
    int (*dom_sid_parse)(const char *sidstr, samba_dom_sid *ret);  /* bool */
    char version[64];
} samba_peer;

/* The unpack's library directories, ':'-separated (for LD_LIBRARY_PATH). */
const char *samba_peer_libdirs(void);

/* Load Samba; 1 on success, else 0 with the reason in why. */
int samba_peer_open(samba_peer *p, char *why, size_t why_len);

/* A Samba token holding sids[0..n-1] (the caller's array stays owned by
** the caller and must outlive the token); NULL on failure. Free with
** p->talloc_free(token, ...). */
void *samba_peer_token(const samba_peer *p, samba_dom_sid *sids, uint32_t n);

#endif
