/*
** token_appcontainer.h: the AppContainer part of a token (wfp_classify.md
** 2.5, 2.7; W32-LAC): package SID, capability SIDs, the LPAC opt-out of ALL
** APPLICATION PACKAGES, and the second access-check pass that WFP's
** user-id conditions run for AppContainer flows.
**
** Kept beside ntsec_token rather than inside it: in Windows the package SID
** and capabilities are separate token fields (TOKEN_ACCESS_INFORMATION
** PackageSid, CapabilitiesHash), not groups, so they never satisfy pass 1.
** The WIN://SYSAPPID claim lives on the token itself (a local claim,
** ntsec_token_add_sysappid).
*/
#ifndef NTSEC_TOKEN_APPCONTAINER_H
#define NTSEC_TOKEN_APPCONTAINER_H

#include "ntsec_types.h"
#include "access.h"
#include "token.h"

typedef struct ntsec_appcontainer ntsec_appcontainer;

/* New AppContainer identity for package_sid (binary S-1-15-2-..., copied).
** lpac = 1 for a less-privileged AppContainer (pass 2 offers S-1-15-2-2,
** ALL RESTRICTED APPLICATION PACKAGES, instead of S-1-15-2-1).
** Returns NULL for an invalid SID or on allocation failure. */
ntsec_appcontainer *ntsec_appcontainer_new(const uint8_t *package_sid, int lpac);

/* Add a capability SID (S-1-15-3-...) with SE_GROUP_* attributes; only
** SE_GROUP_ENABLED capabilities take part in pass 2.
** Errors: STATUS_INVALID_SID, STATUS_NO_MEMORY (ac unchanged). */
NTSTATUS ntsec_appcontainer_add_capability(ntsec_appcontainer *ac, const uint8_t *sid,
                                           uint32_t attributes);

void ntsec_appcontainer_free(ntsec_appcontainer *ac);

const uint8_t *ntsec_appcontainer_package_sid(const ntsec_appcontainer *ac);
int ntsec_appcontainer_is_lpac(const ntsec_appcontainer *ac);
size_t ntsec_appcontainer_capability_count(const ntsec_appcontainer *ac);
const uint8_t *ntsec_appcontainer_capability(const ntsec_appcontainer *ac, size_t i,
                                             uint32_t *attributes);
/* 1 when sid is an enabled capability of ac. */
int ntsec_appcontainer_has_capability(const ntsec_appcontainer *ac, const uint8_t *sid);

/* Access check of an AppContainer flow (wfp_classify.md 2.5, EMULATOR
** CHOICE): pass 1 = ntsec_access_check over token (user, groups, restricted
** SIDs, claims); pass 2, when ac is not NULL = the same check where only the
** package SID, the enabled capabilities and S-1-15-2-1 (LPAC: S-1-15-2-2)
** can match; *granted = pass 1 & pass 2 (0 when either is denied).
** sd must have an owner and a group (the caller substitutes them, see
** wfp_cond.h). Errors: those of ntsec_access_check, STATUS_NO_MEMORY. */
NTSTATUS ntsec_appcontainer_access_check(const ntsec_sd *sd, const ntsec_token *token,
                                         const ntsec_appcontainer *ac, ACCESS_MASK desired,
                                         const ntsec_generic_mapping *mapping,
                                         ACCESS_MASK *granted);

/* Add the WIN://SYSAPPID local claim (wfp_classify.md 2.7, EMULATOR CHOICE:
** a multi-valued STRING claim, case-insensitive) with count UTF-8 values,
** e.g. {package full name, "", package family name}.
** Errors: those of ntsec_token_add_claim. */
NTSTATUS ntsec_token_add_sysappid(ntsec_token *t, const char *const *values, size_t count);

#endif
