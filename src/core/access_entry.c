/*
** access_entry.c: what each access-check entry point checks before any ACE
** is read (sd_semantics.md 3.2; docs/access.md "Entry points"). One table
** row per entry point; ac_call_checks applies a row in Windows' order:
**
**   1. GENERIC_* bits in the request -> STATUS_GENERIC_NOT_MAPPED (before the
**      token: ReactOS ros-004 asks with an anonymous token and gets this);
**   2. token type, then impersonation level (NtAccessCheck* only: a primary
**      token -> STATUS_NO_IMPERSONATION_TOKEN, below SecurityIdentification
**      -> STATUS_BAD_IMPERSONATION_LEVEL; wine-014/015, ros-002/003);
**   3. the object-type list (ResultList needs one; levels well formed) ->
**      STATUS_INVALID_PARAMETER, before the descriptor (ros-007..010, 025);
**   4. the descriptor: none, no owner, or (except in the kernel path) no
**      group -> STATUS_INVALID_SECURITY_DESCR (wine-001, ros-005/006; the
**      KDC refuses a descriptor without an owner, samba-0370, and evaluates
**      one without a group, every Samba conditional row).
*/
#include <string.h>

#include "access_internal.h"
#include "secdefs.h"
#include "status.h"

typedef struct entry_rules {
    const char *name;
    uint8_t token_checks;     /* step 2 */
    uint8_t needs_list;       /* step 3: an object-type list is required */
    uint8_t needs_group;      /* step 4 */
    uint8_t partial_grants;   /* result list: a denied entry reports the bits it got */
} entry_rules;

static const entry_rules rules[NTSEC_ENTRY_COUNT] = {
    [NTSEC_ENTRY_DEFAULT]             = { "default", 0, 0, 1, 0 },
    [NTSEC_ENTRY_NT_ACCESS_CHECK]     = { "NtAccessCheck", 1, 0, 1, 0 },
    [NTSEC_ENTRY_BY_TYPE]             = { "NtAccessCheckByType", 1, 0, 1, 0 },
    [NTSEC_ENTRY_BY_TYPE_RESULT_LIST] = { "NtAccessCheckByTypeResultList", 1, 1, 1, 1 },
    [NTSEC_ENTRY_KERNEL]              = { "kernel", 0, 0, 0, 0 },
};

const char *ntsec_access_entry_name(ntsec_access_entry e)
{
    return (unsigned)e < NTSEC_ENTRY_COUNT ? rules[e].name : NULL;
}

ntsec_access_entry ntsec_access_entry_by_name(const char *name)
{
    unsigned i;
    for (i = 0; name && i < NTSEC_ENTRY_COUNT; i++)
        if (strcmp(rules[i].name, name) == 0) return (ntsec_access_entry)i;
    return NTSEC_ENTRY_COUNT;
}

/* The entry point of a call: opts->entry, or NtAccessCheck for the older
** NTSEC_ACCESS_NT_API flag. */
static ntsec_access_entry entry_of(const ntsec_access_opts *o)
{
    if (!o) return NTSEC_ENTRY_DEFAULT;
    if ((unsigned)o->entry >= NTSEC_ENTRY_COUNT) return NTSEC_ENTRY_COUNT;
    if (o->entry == NTSEC_ENTRY_DEFAULT && (o->flags & NTSEC_ACCESS_NT_API)) return NTSEC_ENTRY_NT_ACCESS_CHECK;
    return o->entry;
}

int ac_partial_grants(const ntsec_access_opts *o)
{
    ntsec_access_entry e = entry_of(o);
    return e < NTSEC_ENTRY_COUNT && rules[e].partial_grants;
}

static NTSTATUS list_checks(const entry_rules *r, const ntsec_access_opts *o)
{
    if (!o || !o->object_types) return r->needs_list ? STATUS_INVALID_PARAMETER : STATUS_SUCCESS;
    if (o->object_type_count > NTSEC_MAX_OBJECT_TYPES) return STATUS_NOT_SUPPORTED;
    return ac_types_validate(o->object_types, o->object_type_count);
}

NTSTATUS ac_call_checks(const ntsec_token *t, ACCESS_MASK desired, const ntsec_sd_parts *p,
                        const ntsec_access_opts *o)
{
    ntsec_access_entry e = entry_of(o);
    const entry_rules *r;
    NTSTATUS st;
    if (e == NTSEC_ENTRY_COUNT) return STATUS_INVALID_PARAMETER;
    r = &rules[e];
    if (desired & GENERIC_MASK) return STATUS_GENERIC_NOT_MAPPED;
    if (r->token_checks) {
        if (ntsec_token_type(t) != NTSEC_TOKEN_IMPERSONATION) return STATUS_NO_IMPERSONATION_TOKEN;
        if (ntsec_token_level(t) < SECURITY_IDENTIFICATION) return STATUS_BAD_IMPERSONATION_LEVEL;
    }
    if ((st = list_checks(r, o)) != STATUS_SUCCESS) return st;
    if (!p || !p->owner || (r->needs_group && !p->group)) return STATUS_INVALID_SECURITY_DESCR;
    return STATUS_SUCCESS;
}
