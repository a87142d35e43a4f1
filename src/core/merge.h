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
**   sef:   SEF_* flags (SEF_DACL_AUTO_INHERIT / SEF_SACL_AUTO_INHERIT, or
**          SE_*_AUTO_INHERIT_REQ in mod: old's inherited ACEs follow mod's
**          explicit ones unless either side is protected, and inheritable
**          ACEs with generic rights or CREATOR OWNER/GROUP are split into an
**          effective mapped copy plus an inherit-only original, 4.4 item 4;
**          SEF_AVOID_OWNER_CHECK / SEF_AVOID_PRIVILEGE_CHECK skip 4.6).
**   mapping: maps the effective copies of split ACEs (NULL: generic bits
**          dropped).
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

/* ntsec_set_security with SetSecurityInfo's re-inheritance (4.1, 4.4): when
** parent is given and the ACL is merged under auto-inheritance and not
** protected (after PROTECTED_/UNPROTECTED_), its inherited part is what
** parent's ACL gives the object now (as ntsec_new_security_ex computes it
** for a container or leaf, is_container) after mod's explicit ACEs, whether
** or not old was protected (UNPROTECTED_DACL_SECURITY_INFORMATION brings the
** parent's ACEs back). parent NULL: exactly ntsec_set_security.
** Errors: as ntsec_set_security. */
NTSTATUS ntsec_set_security_ex(const ntsec_sd *old, SECURITY_INFORMATION si,
                               const ntsec_sd_parts *mod, uint32_t sef,
                               const ntsec_generic_mapping *mapping, const ntsec_token *token,
                               const ntsec_sd *parent, int is_container, ntsec_sd **out);

/* SEF_MACL_* (sd_semantics.md A.2): the policy of a label given to a new
** object by ntsec_new_security_ex. */
#define SEF_MACL_NO_WRITE_UP     0x100u
#define SEF_MACL_NO_READ_UP      0x200u
#define SEF_MACL_NO_EXECUTE_UP   0x400u
#define SEF_MACL_VALID_FLAGS     0x700u

/* Options of ntsec_new_security_ex; zero-initialise. */
typedef struct ntsec_new_security_opts {
    uint32_t sef;                         /* SEF_* (A.2) */
    const ntsec_token *token;             /* defaults, owner check, default DACL, label */
    const uint8_t *default_owner;         /* overrides the token's owner */
    const uint8_t *default_group;         /* overrides the token's primary group */
    const ntsec_guid *object_types;       /* the child's object types (InheritedObjectType) */
    size_t object_type_count;
} ntsec_new_security_opts;

/* RtlNewSecurityObjectEx / CreatePrivateObjectSecurityEx semantics (DTYP
** 2.5.3.4; 4.4): per ACL (DTYP ComputeACL) - a protected creator ACL is
** kept (INHERITED_ACE cleared) without the parent; otherwise the creator's
** explicit ACEs, followed by the parent's inheritable ones when
** SEF_*_AUTO_INHERIT is set (SE_*_AUTO_INHERITED then set) or when there is
** no creator ACL; SEF_DEFAULT_DESCRIPTOR_FOR_OBJECT ignores the creator ACL
** when the parent has inheritable ACEs; with no creator ACL and nothing
** inheritable the DACL is the token's default DACL (else absent). Owner:
** creator's, else the parent's with SEF_DEFAULT_OWNER_FROM_PARENT, else
** opts->default_owner, else the token's owner; group likewise with
** SEF_DEFAULT_GROUP_FROM_PARENT and the token's primary group (may end up
** absent). With a token and without SEF_AVOID_OWNER_CHECK the owner must be
** assignable (4.6; SeRestorePrivilege allows any). A token below medium
** integrity gets its level as the new object's label, policy SEF_MACL_*
** (NO_WRITE_UP by default), unless the SACL already has a label. Object
** ACEs with an InheritedObjectType reach only children listing that type.
** Errors: STATUS_INVALID_OWNER, STATUS_INVALID_PRIMARY_GROUP (malformed
** group), STATUS_NO_MEMORY, STATUS_INVALID_ACL (result > 64 KiB).
** Choices on UNCONFIRMED points: docs/access.md. */
NTSTATUS ntsec_new_security_ex(const ntsec_sd *parent, const ntsec_sd *creator, int is_container,
                               const ntsec_new_security_opts *opts,
                               const ntsec_generic_mapping *mapping, ntsec_sd **out);

/* Create a child's descriptor (RtlNewSecurityObjectEx, DTYP 2.5.3.4):
** inheritable ACEs of parent's DACL (and SACL) flow to the child per
** CI/OI/NP/IO and is_container, with INHERITED_ACE set, generic bits mapped
** and CREATOR OWNER/GROUP substituted in the effective copies; creator's
** explicit ACEs come first; a protected creator DACL blocks inheritance.
** Owner/group come from creator, else from default_owner/default_group
** (the group may end up absent). parent and creator may be NULL; with no
** creator ACL and nothing inheritable the ACL is absent (no token default).
** Same as ntsec_new_security_ex with SEF_DACL_AUTO_INHERIT |
** SEF_SACL_AUTO_INHERIT and no token.
** Errors: STATUS_INVALID_OWNER (no valid owner), STATUS_INVALID_PRIMARY_GROUP
** (malformed default_group), STATUS_NO_MEMORY, STATUS_INVALID_ACL (result
** > 64 KiB). Choices on UNCONFIRMED points: docs/access.md. */
NTSTATUS ntsec_new_security(const ntsec_sd *parent, const ntsec_sd *creator,
                            int is_container, const uint8_t *default_owner,
                            const uint8_t *default_group,
                            const ntsec_generic_mapping *mapping, ntsec_sd **out);

#endif
