/*
** ace_types.h: the ACE types 0x00-0x15 as one X-macro table
** (sd_semantics.md 1.4, 2.4, 2.8.3, 2.10, 3.3, 4.3; issue 9).
**
** One row per type code says everything the core needs to know about the
** type: its SDDL letters, its body layout, what its application data means,
** its access-check class, where it may stand and which SECURITY_INFORMATION
** bit selects it in a SACL. The binary codec (acl.c), the SDDL parser and
** formatter (sddl_*.c) and the set-security merge (merge.c) look the row up
** instead of switching on the type; docs/design.md "Adding an ACE type".
*/
#ifndef NTSEC_ACE_TYPES_H
#define NTSEC_ACE_TYPES_H

#include "ntsec_types.h"
#include "secdefs.h"

/* Body layouts (1.4). Every layout keeps the bytes after the SID up to
** AceSize as "data", so decode then encode is byte-identical. */
enum {
    NTSEC_ACE_BODY_OPAQUE,   /* body kept as bytes (compound, unknown types) */
    NTSEC_ACE_BODY_SID,      /* mask, SID, data */
    NTSEC_ACE_BODY_OBJECT    /* mask, flags, [GUID], [GUID], SID, data */
};

/* What the data after the SID is, and how SDDL writes it (2.11). */
enum {
    NTSEC_ACE_TAIL_NONE,     /* nothing in SDDL (data kept in binary only) */
    NTSEC_ACE_TAIL_COND,     /* conditional expression "artx..." */
    NTSEC_ACE_TAIL_CLAIM     /* CLAIM_SECURITY_ATTRIBUTE_RELATIVE_V1 blob */
};

/* Kind flags. */
#define NTSEC_ACE_K_ALLOW     0x01u  /* grants in the access check (3.3) */
#define NTSEC_ACE_K_DENY      0x02u  /* denies in the access check (3.3) */
#define NTSEC_ACE_K_CALLBACK  0x04u  /* carries a condition (3.7) */
#define NTSEC_ACE_K_SACL      0x08u  /* SACL only: refused in an SDDL DACL (2.4) */
#define NTSEC_ACE_K_SIZE4     0x10u  /* AceSize a multiple of 4 (RtlValidAcl, 1.8) */
#define NTSEC_ACE_K_LABEL     0x20u  /* rights bits 0-2 print as NW NR NX (2.8.5) */
#define NTSEC_ACE_K_TP        0x40u  /* flag 0x40 prints TP, not SA (2.5) */

/* No type: the GUID-less column of rows that keep their type. */
#define NTSEC_ACE_SAME 0xFFu

/* X(code, NAME, sddl1, sddl2, BODY, TAIL, kinds, guidless, SELECTOR)
**   code      type byte; NAME: winnt.h name without _ACE_TYPE
**   sddl1/2   SDDL code letters (0 0 = none: format gives NOT_SUPPORTED)
**   BODY      NTSEC_ACE_BODY_*; TAIL: NTSEC_ACE_TAIL_*
**   kinds     NTSEC_ACE_K_* without the prefix, or NONE (ace_types.c
**             spells them out while it expands the table)
**   guidless  type an SDDL ACE of this type becomes without GUIDs, with
**             4 bytes of ACL slack (2.10); NTSEC_ACE_SAME: stays
**   SELECTOR  *_SECURITY_INFORMATION that selects it in a SACL (2.8.3, 4.3) */
#define NTSEC_ACE_TYPE_TABLE(X) \
    X(0x00, ACCESS_ALLOWED,                 'A', 0,   SID,    NONE,  ALLOW | SIZE4,         SAME, SACL) \
    X(0x01, ACCESS_DENIED,                  'D', 0,   SID,    NONE,  DENY | SIZE4,          SAME, SACL) \
    X(0x02, SYSTEM_AUDIT,                   'A', 'U', SID,    NONE,  SACL | SIZE4,          SAME, SACL) \
    X(0x03, SYSTEM_ALARM,                   'A', 'L', SID,    NONE,  SACL | SIZE4,          SAME, SACL) \
    X(0x04, ACCESS_ALLOWED_COMPOUND,        0,   0,   OPAQUE, NONE,  NONE,                  SAME, SACL) \
    X(0x05, ACCESS_ALLOWED_OBJECT,          'O', 'A', OBJECT, NONE,  ALLOW,                 0x00, SACL) \
    X(0x06, ACCESS_DENIED_OBJECT,           'O', 'D', OBJECT, NONE,  DENY,                  0x01, SACL) \
    X(0x07, SYSTEM_AUDIT_OBJECT,            'O', 'U', OBJECT, NONE,  SACL,                  SAME, SACL) \
    X(0x08, SYSTEM_ALARM_OBJECT,            'O', 'L', OBJECT, NONE,  SACL,                  SAME, SACL) \
    X(0x09, ACCESS_ALLOWED_CALLBACK,        'X', 'A', SID,    COND,  ALLOW | CALLBACK,      SAME, SACL) \
    X(0x0A, ACCESS_DENIED_CALLBACK,         'X', 'D', SID,    COND,  DENY | CALLBACK,       SAME, SACL) \
    X(0x0B, ACCESS_ALLOWED_CALLBACK_OBJECT, 'Z', 'A', OBJECT, COND,  ALLOW | CALLBACK,      SAME, SACL) \
    X(0x0C, ACCESS_DENIED_CALLBACK_OBJECT,  0,   0,   OBJECT, COND,  DENY | CALLBACK,       SAME, SACL) \
    X(0x0D, SYSTEM_AUDIT_CALLBACK,          'X', 'U', SID,    COND,  SACL | CALLBACK,       SAME, SACL) \
    X(0x0E, SYSTEM_ALARM_CALLBACK,          0,   0,   SID,    COND,  SACL | CALLBACK,       SAME, SACL) \
    X(0x0F, SYSTEM_AUDIT_CALLBACK_OBJECT,   0,   0,   OBJECT, COND,  SACL | CALLBACK,       SAME, SACL) \
    X(0x10, SYSTEM_ALARM_CALLBACK_OBJECT,   0,   0,   OBJECT, COND,  SACL | CALLBACK,       SAME, SACL) \
    X(0x11, SYSTEM_MANDATORY_LABEL,         'M', 'L', SID,    NONE,  SACL | LABEL,          SAME, LABEL) \
    X(0x12, SYSTEM_RESOURCE_ATTRIBUTE,      'R', 'A', SID,    CLAIM, SACL,                  SAME, ATTRIBUTE) \
    X(0x13, SYSTEM_SCOPED_POLICY_ID,        'S', 'P', SID,    NONE,  SACL,                  SAME, SCOPE) \
    X(0x14, SYSTEM_PROCESS_TRUST_LABEL,     'T', 'L', SID,    NONE,  SACL,                  SAME, PROCESS_TRUST_LABEL) \
    X(0x15, SYSTEM_ACCESS_FILTER,           'F', 'L', SID,    NONE,  SACL | TP,             SAME, ACCESS_FILTER)

/* Number of known types; codes 0..NTSEC_ACE_TYPE_COUNT-1. */
#define NTSEC_ACE_TYPE_COUNT 0x16

typedef struct ntsec_ace_type_info {
    const char *name;        /* "ACCESS_ALLOWED", ...; "UNKNOWN" above 0x15 */
    char sddl[3];            /* SDDL code, "" when SDDL has none */
    uint8_t body;            /* NTSEC_ACE_BODY_* */
    uint8_t tail;            /* NTSEC_ACE_TAIL_* */
    uint8_t kinds;           /* NTSEC_ACE_K_* */
    uint8_t guidless;        /* 2.10 plain type, or NTSEC_ACE_SAME */
    uint32_t selector;       /* SECURITY_INFORMATION bit in a SACL */
} ntsec_ace_type_info;

/* Rows 0x00-0x15, then one row for every unknown type (opaque body, no
** SDDL code, no kind). */
extern const ntsec_ace_type_info ntsec_ace_type_rows[NTSEC_ACE_TYPE_COUNT + 1];

/* The row of a type byte (unknown types share the last row). */
static inline const ntsec_ace_type_info *ntsec_ace_type(uint8_t type)
{
    return &ntsec_ace_type_rows[type < NTSEC_ACE_TYPE_COUNT ? type : NTSEC_ACE_TYPE_COUNT];
}

/* Body layout by type byte, all 256 (NTSEC_ACE_BODY_OPAQUE = 0 for unknown
** types): the same column as the rows, as one byte per type for the codec's
** hot path. */
extern const uint8_t ntsec_ace_body_by_type[256];

static inline unsigned ntsec_ace_body(uint8_t type)
{
    return ntsec_ace_body_by_type[type];
}

static inline int ntsec_ace_type_has(uint8_t type, unsigned kind)
{
    return (ntsec_ace_type(type)->kinds & kind) != 0;
}

/* Bit (1 << type) of every type whose SACL selector is in si: the ACEs a
** partial SACL set replaces (4.3). */
uint32_t ntsec_ace_types_selected(SECURITY_INFORMATION si);

#endif
