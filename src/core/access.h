/*
** access.h: generic mappings and the access check (sd_semantics.md 3;
** [MS-DTYP] 2.5.3.2 and 2.5.3.3).
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

/* Mandatory label ACE mask bits ([MS-DTYP] 2.4.4.13). */
#define SYSTEM_MANDATORY_LABEL_NO_WRITE_UP    0x1u
#define SYSTEM_MANDATORY_LABEL_NO_READ_UP     0x2u
#define SYSTEM_MANDATORY_LABEL_NO_EXECUTE_UP  0x4u

/* Rights SeBackupPrivilege / SeRestorePrivilege grant with backup intent
** (3.5; Samba SEC_RIGHTS_PRIV_BACKUP / _RESTORE): READ_CONTROL,
** ACCESS_SYSTEM_SECURITY, FILE_GENERIC_READ, FILE_TRAVERSE; WRITE_DAC,
** WRITE_OWNER, ACCESS_SYSTEM_SECURITY, FILE_GENERIC_WRITE, FILE_ADD_FILE,
** FILE_ADD_SUBDIRECTORY, DELETE. */
#define NTSEC_BACKUP_RIGHTS   0x011200A9u
#define NTSEC_RESTORE_RIGHTS  0x011D0116u

/* ntsec_access_opts.flags */
#define NTSEC_ACCESS_BACKUP_INTENT 0x1u  /* apply SeBackup/SeRestore (FILE_OPEN_FOR_BACKUP_INTENT) */
#define NTSEC_ACCESS_NT_API        0x2u  /* NtAccessCheck call checks on token type and level (3.2 rows 2-3) */

/* OBJECT_TYPE_LIST ([MS-DTYP] 2.3.9): levels 0 (the object) .. 4. */
#define ACCESS_OBJECT_GUID       0
#define ACCESS_PROPERTY_SET_GUID 1
#define ACCESS_PROPERTY_GUID     2
#define ACCESS_MAX_LEVEL         4
/* Longest object-type list the check takes (its state lives on the stack). */
#define NTSEC_MAX_OBJECT_TYPES   256

typedef struct ntsec_object_type {
    uint16_t level;
    ntsec_guid guid;
} ntsec_object_type;

/* One node's outcome (AccessCheckByTypeResultList). */
typedef struct ntsec_object_result {
    ACCESS_MASK granted;
    NTSTATUS status;
} ntsec_object_result;

/* ---- explanation trace (ntsec.explain) ---- */

typedef enum ntsec_trace_kind {
    NTSEC_TRACE_START = 1,     /* mask = desired, status = 1 in MAXIMUM_ALLOWED mode */
    NTSEC_TRACE_INTEGRITY,     /* mask = rights the label allows (0xFFFFFFFF: all), sid = the
                                  label's SID, index = its policy (NW 1, NR 2, NX 4) */
    NTSEC_TRACE_PRIVILEGE,     /* privilege = LUID; granted bits, or reason MISSING */
    NTSEC_TRACE_PASS,          /* a DACL pass begins; reason DACL_ABSENT/NULL/EMPTY/PRESENT */
    NTSEC_TRACE_OWNER,         /* owner's READ_CONTROL|WRITE_DAC: granted, or why not */
    NTSEC_TRACE_ACE,           /* one DACL ACE: reason, condition, granted/denied bits */
    NTSEC_TRACE_PASS_END,      /* status, granted (max) or remaining (normal) */
    NTSEC_TRACE_RESULT         /* status, granted, privileges used in mask */
} ntsec_trace_kind;

typedef enum ntsec_trace_reason {
    NTSEC_WHY_APPLIED = 0,         /* the ACE applied; see granted/denied */
    NTSEC_WHY_NO_EFFECT,           /* it matched but every bit was already decided */
    NTSEC_WHY_INHERIT_ONLY,        /* INHERIT_ONLY_ACE: describes children only */
    NTSEC_WHY_IGNORED_TYPE,        /* audit, label, ... ACEs play no part in a DACL */
    NTSEC_WHY_SID_ABSENT,          /* the SID is not in the token */
    NTSEC_WHY_SID_DENY_ONLY,       /* allow ACE, SID present only for deny */
    NTSEC_WHY_SID_DISABLED,        /* the SID is present but disabled */
    NTSEC_WHY_NOT_OWNER,           /* OWNER RIGHTS ACE, caller is not the owner */
    NTSEC_WHY_CONDITION,           /* the condition was not TRUE (allow) / was FALSE (deny) */
    NTSEC_WHY_OBJECT_TYPE,         /* its object type is not in the list */
    NTSEC_WHY_ZERO_MASK,           /* deny ACE with an empty mask */
    NTSEC_WHY_NOT_REACHED,         /* the decision was made before this ACE */
    NTSEC_WHY_MISSING,             /* privilege: wanted but not enabled */
    NTSEC_WHY_OWNER_RIGHTS_ACE,    /* owner: suppressed by an OWNER RIGHTS ACE */
    NTSEC_WHY_DACL_ABSENT,         /* pass: no DACL, everything granted */
    NTSEC_WHY_DACL_NULL,           /* pass: NULL DACL, everything granted */
    NTSEC_WHY_DACL_EMPTY,          /* pass: empty DACL */
    NTSEC_WHY_DACL_PRESENT,        /* pass: DACL walked */
    NTSEC_WHY_NOTHING_LEFT,        /* pass skipped: privileges/owner covered the request */
    NTSEC_WHY_LABEL_DEFAULT,       /* integrity: unlabeled, medium NO_WRITE_UP assumed */
    NTSEC_WHY_LABEL,               /* integrity: the SACL's label was used */
    NTSEC_WHY_POLICY_OFF           /* integrity: no integrity SID or policy without NO_WRITE_UP */
} ntsec_trace_reason;

/* Condition outcomes of a callback ACE (NTSEC_COND_ERROR: malformed or a
** type error; it counts as UNKNOWN, [MS-DTYP] 2.4.4.17.6/2.5.3.1.5). */
#define NTSEC_COND_NONE    (-2)
#define NTSEC_COND_UNKNOWN (-1)
#define NTSEC_COND_FALSE   0
#define NTSEC_COND_TRUE    1
#define NTSEC_COND_ERROR   2

typedef struct ntsec_trace_event {
    ntsec_trace_kind kind;
    ntsec_trace_reason reason;
    uint8_t pass;               /* 0: the token's SIDs, 1: its restricting SIDs */
    int condition;              /* NTSEC_COND_* */
    unsigned index;             /* ACE position in the DACL (TRACE_ACE); label policy (INTEGRITY) */
    int node;                   /* object-type node an object ACE hit, -1 all / none */
    const uint8_t *ace;         /* the ACE's bytes (TRACE_ACE), valid during emit */
    const uint8_t *sid;         /* SID tested (after OWNER RIGHTS / PS substitution) */
    ACCESS_MASK mask;           /* ACE mask as evaluated (generic bits mapped) */
    ACCESS_MASK granted;        /* bits this step granted */
    ACCESS_MASK denied;         /* bits this step denied */
    ACCESS_MASK remaining;      /* normal mode: bits still wanted after the step */
    uint32_t privilege;         /* LUID (TRACE_PRIVILEGE) */
    NTSTATUS status;            /* PASS_END, RESULT */
} ntsec_trace_event;

/* A trace receiver: emit is called for every step, in order. */
typedef struct ntsec_trace_sink {
    void (*emit)(void *ctx, const ntsec_trace_event *ev);
    void *ctx;
} ntsec_trace_sink;

/* Access-check entry points: they differ before any ACE is read
** (docs/access.md "Entry points"; the rules are the table in
** access_entry.c). */
typedef enum ntsec_access_entry {
    NTSEC_ENTRY_DEFAULT = 0,            /* ntsec_access_check's own: owner and group required,
                                           token type and level not checked */
    NTSEC_ENTRY_NT_ACCESS_CHECK,        /* NtAccessCheck and advapi32 AccessCheck */
    NTSEC_ENTRY_BY_TYPE,                /* NtAccessCheckByType (AccessCheckByType) */
    NTSEC_ENTRY_BY_TYPE_RESULT_LIST,    /* NtAccessCheckByTypeResultList: a list is required,
                                           per-entry partial grants */
    NTSEC_ENTRY_KERNEL,                 /* SeAccessCheck / AuthzAccessCheck (object manager,
                                           KDC, filter engine): owner required, no group */
    NTSEC_ENTRY_COUNT
} ntsec_access_entry;

/* Name of an entry point ("NtAccessCheck", ...; "default", "kernel"), or
** NULL when out of range; and back (NTSEC_ENTRY_COUNT when unknown). */
const char *ntsec_access_entry_name(ntsec_access_entry e);
ntsec_access_entry ntsec_access_entry_by_name(const char *name);

/* Options of one check; zero-initialise for the default entry point. */
typedef struct ntsec_access_opts {
    const uint8_t *principal_self;            /* replaces S-1-5-10 in ACEs, or NULL */
    uint32_t flags;                           /* NTSEC_ACCESS_* */
    const ntsec_object_type *object_types;    /* AccessCheckByType list, or NULL */
    size_t object_type_count;                 /* <= NTSEC_MAX_OBJECT_TYPES */
    ntsec_object_result *results;             /* per node (ResultList), or NULL */
    const ntsec_trace_sink *trace;            /* explanation, or NULL (no cost) */
    ntsec_access_entry entry;                 /* NTSEC_ENTRY_* (0: default) */
} ntsec_access_opts;

/* privileges_used bits. */
#define NTSEC_USED_SECURITY        0x01u
#define NTSEC_USED_TAKE_OWNERSHIP  0x02u
#define NTSEC_USED_BACKUP          0x04u
#define NTSEC_USED_RESTORE         0x08u
#define NTSEC_USED_RELABEL         0x10u

/* Result of one check (NtAccessCheck's outputs). */
typedef struct ntsec_access_result {
    ACCESS_MASK granted;       /* 0 unless access_status is STATUS_SUCCESS */
    NTSTATUS access_status;    /* STATUS_SUCCESS, STATUS_ACCESS_DENIED or
                                  STATUS_PRIVILEGE_NOT_HELD */
    uint32_t privileges_used;  /* NTSEC_USED_* of the privileges that granted
                                  rights of the result */
} ntsec_access_result;

/* NtAccessCheck / AccessCheckByType(ResultList) over a descriptor
** (3.2-3.7; DTYP 2.5.3.2, 2.5.3.3): desired must be generic-free (map it
** first); MAXIMUM_ALLOWED is honoured. Order: mandatory integrity (3.6),
** privileges (3.5: SeSecurity for ACCESS_SYSTEM_SECURITY, SeTakeOwnership
** for WRITE_OWNER, SeBackup/SeRestore with NTSEC_ACCESS_BACKUP_INTENT), then
** per pass (the token's SIDs, and for a restricted token its restricting
** SIDs; the passes' grants are intersected) the owner's implicit rights and
** the DACL walk, with conditional ACEs evaluated against the token's claims
** and the SACL's resource attributes, and object ACEs against
** opts->object_types.
** opts->entry picks the entry point (ntsec_access_entry; access_entry.c
** holds its rules). Returns the call status, checked in this order:
** STATUS_GENERIC_NOT_MAPPED when desired carries GENERIC_* bits; for the
** NtAccessCheck* entry points (or NTSEC_ACCESS_NT_API with the default)
** STATUS_NO_IMPERSONATION_TOKEN for a primary token and
** STATUS_BAD_IMPERSONATION_LEVEL below SecurityIdentification;
** STATUS_INVALID_PARAMETER for a malformed object-type list, or none at the
** ResultList entry point; STATUS_NOT_SUPPORTED for a list longer than
** NTSEC_MAX_OBJECT_TYPES; STATUS_INVALID_SECURITY_DESCR when sd is NULL or
** lacks an owner, or a group except at NTSEC_ENTRY_KERNEL (3.2 row 6);
** STATUS_INVALID_PARAMETER for an unknown entry; STATUS_INVALID_ACL when a
** DACL ACE the walk needs cannot be decoded; else STATUS_SUCCESS with *res
** filled (res untouched on failure). With an object-type list *res is node
** 0's outcome (denied when a deny ACE hit any node, as DTYP's whole-request
** denial) and opts->results, when given, receives every node's; at the
** ResultList entry point a denied node reports the bits it was granted.
** mapping maps generic bits found in ACE masks and gives MAXIMUM_ALLOWED its
** GenericAll for a NULL DACL; NULL acts as an all-zero mapping. opts may be
** NULL. Never allocates. Choices on UNCONFIRMED points: docs/access.md. */
NTSTATUS ntsec_access_check(const ntsec_sd *sd, const ntsec_token *token,
                            ACCESS_MASK desired, const ntsec_generic_mapping *mapping,
                            const ntsec_access_opts *opts, ntsec_access_result *res);

/* ---- explanations (explain.c) ---- */

/* A recorded check: the result and every trace event, with each ACE event's
** bytes copied (events[i].ace points into the explanation). */
typedef struct ntsec_explanation {
    NTSTATUS call_status;
    ntsec_access_result result;
    ntsec_trace_event *events;
    size_t count;
    uint8_t *aces_storage_;     /* private: what events[i].ace / .sid point into */
} ntsec_explanation;

/* Run ntsec_access_check with a recording trace (opts->trace is replaced)
** and store everything in *out (free with ntsec_explanation_free).
** Returns STATUS_NO_MEMORY when recording failed, else STATUS_SUCCESS (the
** check's own call status is out->call_status). */
NTSTATUS ntsec_explain(const ntsec_sd *sd, const ntsec_token *token, ACCESS_MASK desired,
                       const ntsec_generic_mapping *mapping, const ntsec_access_opts *opts,
                       ntsec_explanation *out);
void ntsec_explanation_free(ntsec_explanation *e);

/* Names for trace kinds and reasons ("ace", "sid_deny_only", ...); "?" when
** unknown. */
const char *ntsec_trace_kind_name(ntsec_trace_kind k);
const char *ntsec_trace_reason_name(ntsec_trace_reason r);

#endif
