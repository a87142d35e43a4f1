/*
** acl.h: ACEs and ACLs in binary form (sd_semantics.md 1.2-1.5, 1.8).
**
** An ACL is handled as a pointer to its wire bytes; ACEs are decoded into a
** view that points back into those bytes (no copies). Unknown ACE types keep
** their body as opaque data so that read-then-write is byte-identical.
*/
#ifndef NTSEC_ACL_H
#define NTSEC_ACL_H

#include "ntsec_types.h"
#include "buf.h"
#include "secdefs.h"

/* A decoded ACE. Pointers alias the ACL bytes (or, when building, the
** caller's memory). Fields not carried by the type are 0/NULL. */
typedef struct ntsec_ace {
    uint8_t type;                         /* *_ACE_TYPE */
    uint8_t flags;                        /* AceFlags */
    uint16_t size;                        /* AceSize as stored (decode) */
    uint32_t mask;                        /* access mask */
    uint32_t object_flags;                /* object types: ACE_*_PRESENT */
    const uint8_t *object_type;           /* 16-byte GUID or NULL */
    const uint8_t *inherited_object_type; /* 16-byte GUID or NULL */
    const uint8_t *sid;                   /* binary SID or NULL (opaque types) */
    const uint8_t *data;                  /* bytes after the SID up to AceSize:
                                             callback/RA data incl. padding;
                                             whole body for opaque types */
    uint32_t data_len;
} ntsec_ace;

/* 1 if the type's body has the object layout (mask, flags, GUIDs, SID). */
int ntsec_ace_is_object_type(uint8_t type);

/* Decode the ACE at p with avail bytes left in the ACL.
** Errors: STATUS_INVALID_ACL when the header or body does not fit or the SID
** is invalid. */
NTSTATUS ntsec_ace_decode(const uint8_t *p, size_t avail, ntsec_ace *ace);

/* RtlValidAcl over avail bytes (1.8). Returns 1 when valid. */
int ntsec_acl_valid(const uint8_t *acl, size_t avail);

/* The one size limit of an ACL, whichever code writes it (SDDL parser,
** builder, set-security merge, inheritance): AclSize and AceCount are u16
** fields, and RtlValidAcl wants AclSize even, so size <= 0xFFFE (1.2, 1.8,
** docs/binary.md "Size limits"). An ACE lies inside its ACL, so it is
** limited by the same rule (its own u16 AceSize is never the tighter one). */
static inline int ntsec_acl_size_ok(size_t size, size_t count)
{
    return size <= NTSEC_ACL_MAX_SIZE && !(size & 1) && count <= 0xFFFFu;
}

static inline uint8_t ntsec_acl_revision(const uint8_t *acl) { return acl[0]; }
static inline uint16_t ntsec_acl_size(const uint8_t *acl) { return ntsec_rd16(acl + 2); }
static inline uint16_t ntsec_acl_count(const uint8_t *acl) { return ntsec_rd16(acl + 4); }

/* Iterate the ACEs of a valid ACL:
**   ntsec_acl_iter it; ntsec_ace a;
**   ntsec_acl_iter_init(&it, acl);
**   while (ntsec_acl_next(&it, &a)) ...
** ntsec_acl_next returns 0 at the end (or on a malformed ACE). */
typedef struct ntsec_acl_iter {
    const uint8_t *acl;
    size_t off;
    unsigned index, count;
} ntsec_acl_iter;
void ntsec_acl_iter_init(ntsec_acl_iter *it, const uint8_t *acl);
int ntsec_acl_next(ntsec_acl_iter *it, ntsec_ace *ace);

/* Encoded size of an ACE (header + body, data padded as given). */
size_t ntsec_ace_encoded_size(const ntsec_ace *ace);

/* ACL builder. Usage:
**   ntsec_acl_builder ab; ntsec_acl_begin(&ab, &buf);
**   ntsec_acl_add(&ab, &ace) ...; status = ntsec_acl_end(&ab, extra_slack);
** The ACL is appended to buf starting where buf ended at begin. Its revision
** is ACL_REVISION, or ACL_REVISION_DS when an object ACE (types 5-8, 0x0B,
** 0x0C, 0x0F, 0x10) was added or ntsec_acl_force_ds was called (1.2, 2.10).
** Errors from end: STATUS_INVALID_ACL when the ACL fails ntsec_acl_size_ok
** (the partial ACL is then removed from buf), STATUS_NO_MEMORY. */
typedef struct ntsec_acl_builder {
    ntsec_buf *buf;
    size_t start;
    unsigned count;
    int ds;
} ntsec_acl_builder;
void ntsec_acl_begin(ntsec_acl_builder *ab, ntsec_buf *buf);
void ntsec_acl_add(ntsec_acl_builder *ab, const ntsec_ace *ace);
void ntsec_acl_force_ds(ntsec_acl_builder *ab);
NTSTATUS ntsec_acl_end(ntsec_acl_builder *ab, size_t slack);

#endif
