/*
** access.h: generic mappings and the access check (sd_semantics.md 3).
*/
#ifndef NTSEC_ACCESS_H
#define NTSEC_ACCESS_H

#include "ntsec_types.h"
#include "sd.h"
#include "token.h"

/* GENERIC_MAPPING (winnt.h). */
typedef struct ntsec_generic_mapping {
    ACCESS_MASK read, write, execute, all;
} ntsec_generic_mapping;

/* FWPM_GENERIC_* (wfp_ks_errors.md 3.1). */
extern const ntsec_generic_mapping ntsec_fwpm_mapping;
/* IoGetFileObjectGenericMapping (wfp_ks_errors.md 4.2). */
extern const ntsec_generic_mapping ntsec_file_mapping;

/* RtlMapGenericMask: replace GENERIC_* bits of mask by their mapping. */
ACCESS_MASK ntsec_map_generic(ACCESS_MASK mask, const ntsec_generic_mapping *m);

/* Options of one check; zero-initialise for the plain NtAccessCheck case. */
typedef struct ntsec_access_opts {
    const uint8_t *principal_self;  /* replaces S-1-5-10 in ACEs, or NULL */
} ntsec_access_opts;

/* Result of one check (NtAccessCheck's outputs). */
typedef struct ntsec_access_result {
    ACCESS_MASK granted;       /* 0 unless access_status is STATUS_SUCCESS */
    NTSTATUS access_status;    /* STATUS_SUCCESS, STATUS_ACCESS_DENIED or
                                  STATUS_PRIVILEGE_NOT_HELD */
    uint32_t privileges_used;  /* bit 0 SeSecurity, bit 1 SeTakeOwnership */
} ntsec_access_result;

/* NtAccessCheck over a descriptor (3.2-3.5): desired must be generic-free
** (map it first); MAXIMUM_ALLOWED is honoured.
** Returns the call status: STATUS_GENERIC_NOT_MAPPED when desired carries
** GENERIC_* bits, STATUS_INVALID_SECURITY_DESCR when the descriptor lacks an
** owner or group (3.2 row 6), STATUS_NOT_SUPPORTED when the token carries an
** integrity SID (mandatory integrity, 3.6, is not implemented yet),
** STATUS_INVALID_ACL when a DACL ACE the walk needs cannot be decoded,
** else STATUS_SUCCESS with *res filled (res is untouched on failure).
** mapping maps generic bits found in ACE masks and gives MAXIMUM_ALLOWED its
** GenericAll for a NULL DACL; NULL acts as an all-zero mapping. opts may be
** NULL. Never allocates. Choices on UNCONFIRMED points: docs/access.md. */
NTSTATUS ntsec_access_check(const ntsec_sd *sd, const ntsec_token *token,
                            ACCESS_MASK desired, const ntsec_generic_mapping *mapping,
                            const ntsec_access_opts *opts, ntsec_access_result *res);

#endif
