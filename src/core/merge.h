/*
** merge.h: the set-security merge and creation-time inheritance
** (sd_semantics.md 4; SeSetSecurityDescriptorInfoEx / RtlSetSecurityObjectEx,
** RtlNewSecurityObjectEx per DTYP 2.5.3.4).
*/
#ifndef NTSEC_MERGE_H
#define NTSEC_MERGE_H

#include "ntsec_types.h"
#include "sd.h"
#include "token.h"
#include "access.h"

/* Access a caller needs to set the parts named by si (4.2):
** OWNER/GROUP/LABEL -> WRITE_OWNER, DACL/ATTRIBUTE/(UN)PROTECTED_DACL ->
** WRITE_DAC, SACL/SCOPE/(UN)PROTECTED_SACL -> ACCESS_SYSTEM_SECURITY,
** BACKUP -> all three. */
ACCESS_MASK ntsec_required_access_for_set(SECURITY_INFORMATION si);

/* Access a caller needs to query the parts named by si (wfp_ks_errors.md 3.4). */
ACCESS_MASK ntsec_required_access_for_query(SECURITY_INFORMATION si);

/* Merge mod into old per si (4.3, 4.4, 4.6, 4.8) and return a new descriptor
** in *out (old is never modified; *out untouched on failure).
**   sef:   SEF_* flags (SEF_DACL_AUTO_INHERIT keeps old's inherited ACEs
**          after mod's explicit ones unless either side is protected).
**   token: when non-NULL and sef lacks SEF_AVOID_OWNER_CHECK /
**          SEF_AVOID_PRIVILEGE_CHECK, a new owner must pass the 4.6 check.
** Errors: STATUS_NO_SECURITY_ON_OBJECT (old NULL), STATUS_BAD_DESCRIPTOR_FORMAT
** (old not self-relative), STATUS_INVALID_PARAMETER (mod NULL, unknown si
** bits, both PROTECTED_ and UNPROTECTED_ for one ACL), STATUS_NOT_SUPPORTED
** (PROCESS_TRUST_LABEL_ / ACCESS_FILTER_SECURITY_INFORMATION), STATUS_INVALID_SECURITY_DESCR
** (OWNER/GROUP bit but mod lacks that SID), STATUS_INVALID_SID,
** STATUS_INVALID_ACL (mod parts malformed), STATUS_INVALID_OWNER,
** STATUS_NO_MEMORY. */
NTSTATUS ntsec_set_security(const ntsec_sd *old, SECURITY_INFORMATION si,
                            const ntsec_sd_parts *mod, uint32_t sef,
                            const ntsec_generic_mapping *mapping,
                            const ntsec_token *token, ntsec_sd **out);

/* Create a child's descriptor (RtlNewSecurityObjectEx, DTYP 2.5.3.4):
** inheritable ACEs of parent's DACL (and SACL) flow to the child per
** CI/OI/NP/IO and is_container, with INHERITED_ACE set, generic bits mapped
** and CREATOR OWNER/GROUP substituted in the effective copies; creator's
** explicit ACEs come first; a protected creator DACL blocks inheritance.
** Owner/group come from creator, else from default_owner/default_group
** (the group may end up absent). parent and creator may be NULL; with no
** creator ACL and nothing inheritable the ACL is absent (no token default).
** Errors: STATUS_INVALID_OWNER (no valid owner), STATUS_INVALID_PRIMARY_GROUP
** (malformed default_group), STATUS_NO_MEMORY, STATUS_INVALID_ACL (result
** > 64 KiB). Choices on UNCONFIRMED points: docs/access.md. */
NTSTATUS ntsec_new_security(const ntsec_sd *parent, const ntsec_sd *creator,
                            int is_container, const uint8_t *default_owner,
                            const uint8_t *default_group,
                            const ntsec_generic_mapping *mapping, ntsec_sd **out);

#endif
