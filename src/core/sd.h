/*
** sd.h: security descriptors (sd_semantics.md 1.6-1.8).
**
** ntsec_sd is an immutable, reference-counted self-relative descriptor: the
** bytes are the value. Descriptors built by ntsec are laid out as Windows
** writes them (SACL, DACL, owner, group from offset 20); descriptors read
** with ntsec_sd_from_bytes keep their bytes as given, so read-then-write is
** byte-identical. A present NULL ACL is SE_*_PRESENT with offset 0 (1.8).
**
** The "absolute" form is ntsec_sd_parts: pointers to binary parts.
*/
#ifndef NTSEC_SD_H
#define NTSEC_SD_H

#include "ntsec_types.h"
#include "buf.h"

typedef struct ntsec_sd {
    uint32_t refs;    /* reference count; freed when it drops to 0 */
    uint32_t len;     /* byte length of bytes[] */
    void *walk_index; /* the access check's DACL index (access_index.c), built
                         on the first check, freed with the descriptor */
    uint8_t bytes[];  /* self-relative descriptor */
} ntsec_sd;

/* Absolute view: each part NULL when absent. A DACL/SACL is present when its
** SE_*_PRESENT bit is in control; present with a NULL pointer = NULL ACL. */
typedef struct ntsec_sd_parts {
    uint16_t control;       /* SE_* bits; SE_SELF_RELATIVE is ignored on input */
    uint8_t sbz1;           /* RM control byte */
    const uint8_t *owner;   /* binary SID */
    const uint8_t *group;
    const uint8_t *sacl;    /* binary ACL */
    const uint8_t *dacl;
} ntsec_sd_parts;

/* Validate bytes as RtlValidRelativeSecurityDescriptor + RtlValidSid/Acl on
** every part (1.8) and copy them into a new descriptor (refs = 1).
** Errors: STATUS_INVALID_SECURITY_DESCR (header, offsets, bounds),
** STATUS_UNKNOWN_REVISION (revision != 1), STATUS_INVALID_SID,
** STATUS_INVALID_ACL, STATUS_NO_MEMORY. */
NTSTATUS ntsec_sd_from_bytes(const uint8_t *p, size_t len, ntsec_sd **out);

/* Build a self-relative descriptor in Windows order from parts (1.7).
** Parts must already be valid. Errors: STATUS_NO_MEMORY. */
NTSTATUS ntsec_sd_build(const ntsec_sd_parts *parts, ntsec_sd **out);

/* Fill parts with pointers into sd (valid while sd lives). */
void ntsec_sd_get_parts(const ntsec_sd *sd, ntsec_sd_parts *parts);

/* Reference counting (single-threaded). unref(NULL) is a no-op. */
ntsec_sd *ntsec_sd_ref(ntsec_sd *sd);
void ntsec_sd_unref(ntsec_sd *sd);

/* Byte-wise equality. */
int ntsec_sd_equal(const ntsec_sd *a, const ntsec_sd *b);

static inline uint16_t ntsec_sd_control(const ntsec_sd *sd) { return ntsec_rd16(sd->bytes + 2); }

/* Descriptor containing only the parts selected by si (as GetSecurityInfo and
** SeQuerySecurityDescriptorInfo return it: SACL only for SACL_/BACKUP_; control
** keeps PRESENT/DEFAULTED/PROTECTED/AUTO_INHERITED bits of the returned ACLs).
** Errors: STATUS_NO_MEMORY. */
NTSTATUS ntsec_sd_select(const ntsec_sd *sd, SECURITY_INFORMATION si, ntsec_sd **out);

#endif
