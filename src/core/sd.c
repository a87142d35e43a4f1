/*
** sd.c: self-relative security descriptors (sd_semantics.md 1.6-1.9).
**
** Reading follows the offsets wherever they point (1.7) and validates like
** RtlValidRelativeSecurityDescriptor + RtlValidSid/RtlValidAcl (1.8), with
** one documented leniency: DACL/SACL_PRESENT with offset 0 is a NULL ACL.
** Writing always uses Windows' layout: SACL, DACL, owner, group from 20.
** Each descriptor is one allocation: header (refs, len) + bytes.
*/
#include <stdlib.h>
#include <string.h>

#include "sd.h"
#include "acl.h"
#include "secdefs.h"
#include "sid.h"
#include "status.h"

/* Field offsets inside the 20-byte self-relative header (1.6). */
enum { OFF_OWNER = 4, OFF_GROUP = 8, OFF_SACL = 12, OFF_DACL = 16 };

/* Control bits Get* echoes for each returned part (sd.h ntsec_sd_select). */
#define DACL_ECHO_BITS (SE_DACL_PRESENT | SE_DACL_DEFAULTED | SE_DACL_PROTECTED | SE_DACL_AUTO_INHERITED)
#define SACL_ECHO_BITS (SE_SACL_PRESENT | SE_SACL_DEFAULTED | SE_SACL_PROTECTED | SE_SACL_AUTO_INHERITED)

static ntsec_sd *sd_alloc(size_t len)
{
    ntsec_sd *sd = malloc(sizeof *sd + len);
    if (!sd) return NULL;
    sd->refs = 1;
    sd->len = (uint32_t)len;
    sd->walk_index = NULL;
    return sd;
}

/* ---- validation (1.8) ---- */

/* A part's offset: at least the header, 4-aligned, min bytes inside len. */
static int offset_ok(size_t len, uint32_t off, size_t min)
{
    return off >= NTSEC_SD_HEADER_SIZE && (off & 3) == 0 && off <= len && len - off >= min;
}

/* Owner/group SID at off (0 = absent). Out-of-bounds is a descriptor
** error; a readable header with a bad revision/count is a SID error. */
static NTSTATUS check_sid_part(const uint8_t *p, size_t len, uint32_t off)
{
    const uint8_t *sid = p + off;
    if (off == 0) return STATUS_SUCCESS;
    if (!offset_ok(len, off, 8)) return STATUS_INVALID_SECURITY_DESCR;
    if (sid[0] != SID_REVISION || sid[1] > SID_MAX_SUB_AUTHORITIES) return STATUS_INVALID_SID;
    if (ntsec_sid_len(sid) > len - off) return STATUS_INVALID_SECURITY_DESCR;
    return STATUS_SUCCESS;
}

/* DACL/SACL at off, looked at only when its PRESENT bit is set (readers
** ignore the offset otherwise); offset 0 with the bit set = NULL ACL. */
static NTSTATUS check_acl_part(const uint8_t *p, size_t len, int present, uint32_t off)
{
    if (!present || off == 0) return STATUS_SUCCESS;
    if (!offset_ok(len, off, NTSEC_ACL_HEADER_SIZE)) return STATUS_INVALID_SECURITY_DESCR;
    if (ntsec_acl_size(p + off) > len - off) return STATUS_INVALID_SECURITY_DESCR;
    return ntsec_acl_valid(p + off, ntsec_acl_size(p + off)) ? STATUS_SUCCESS : STATUS_INVALID_ACL;
}

static NTSTATUS check_header(const uint8_t *p, size_t len)
{
    if (!p || len < NTSEC_SD_HEADER_SIZE || len > UINT32_MAX) return STATUS_INVALID_SECURITY_DESCR;
    if (p[0] != SECURITY_DESCRIPTOR_REVISION) return STATUS_UNKNOWN_REVISION;
    if (!(ntsec_rd16(p + 2) & SE_SELF_RELATIVE)) return STATUS_INVALID_SECURITY_DESCR;
    return STATUS_SUCCESS;
}

static NTSTATUS check_descriptor(const uint8_t *p, size_t len)
{
    uint16_t control;
    NTSTATUS st = check_header(p, len);
    if (st != STATUS_SUCCESS) return st;
    control = ntsec_rd16(p + 2);
    st = check_sid_part(p, len, ntsec_rd32(p + OFF_OWNER));
    if (st == STATUS_SUCCESS) st = check_sid_part(p, len, ntsec_rd32(p + OFF_GROUP));
    if (st == STATUS_SUCCESS)
        st = check_acl_part(p, len, (control & SE_SACL_PRESENT) != 0, ntsec_rd32(p + OFF_SACL));
    if (st == STATUS_SUCCESS)
        st = check_acl_part(p, len, (control & SE_DACL_PRESENT) != 0, ntsec_rd32(p + OFF_DACL));
    return st;
}

NTSTATUS ntsec_sd_from_bytes(const uint8_t *p, size_t len, ntsec_sd **out)
{
    ntsec_sd *sd;
    NTSTATUS st = check_descriptor(p, len);
    if (st != STATUS_SUCCESS) return st;
    sd = sd_alloc(len);
    if (!sd) return STATUS_NO_MEMORY;
    memcpy(sd->bytes, p, len);
    *out = sd;
    return STATUS_SUCCESS;
}

/* ---- building (1.7) ---- */

static size_t sid_part_len(const uint8_t *sid) { return sid ? ntsec_sid_len(sid) : 0; }
/* Parts take a multiple of 4 bytes so every offset stays 4-aligned, as
** RtlMakeSelfRelativeSD does (1.7); a no-op for the ACLs Windows writes, but
** a valid ACL may have an AclSize that is only even (1.8). */
static size_t round4(size_t n) { return (n + 3u) & ~(size_t)3u; }

static size_t acl_part_len(const uint8_t *acl) { return acl ? ntsec_acl_size(acl) : 0; }

/* Copy one part of n bytes to b+at (if present) with zero padding up to a
** multiple of 4, record its offset; returns the next free offset. */
static size_t place_part(uint8_t *b, int field, size_t at, const uint8_t *part, size_t n)
{
    ntsec_wr32(b + field, part ? (uint32_t)at : 0);
    if (!part) return at;
    memcpy(b + at, part, n);
    memset(b + at + n, 0, round4(n) - n);
    return at + round4(n);
}

NTSTATUS ntsec_sd_build(const ntsec_sd_parts *parts, ntsec_sd **out)
{
    const uint8_t *sacl = (parts->control & SE_SACL_PRESENT) ? parts->sacl : NULL;
    const uint8_t *dacl = (parts->control & SE_DACL_PRESENT) ? parts->dacl : NULL;
    size_t at = NTSEC_SD_HEADER_SIZE;
    size_t len = at + round4(acl_part_len(sacl)) + round4(acl_part_len(dacl))
                 + sid_part_len(parts->owner) + sid_part_len(parts->group);
    ntsec_sd *sd = sd_alloc(len);
    uint8_t *b;
    if (!sd) return STATUS_NO_MEMORY;
    b = sd->bytes;
    b[0] = SECURITY_DESCRIPTOR_REVISION;
    b[1] = parts->sbz1;
    ntsec_wr16(b + 2, (uint16_t)(parts->control | SE_SELF_RELATIVE));
    at = place_part(b, OFF_SACL, at, sacl, acl_part_len(sacl));
    at = place_part(b, OFF_DACL, at, dacl, acl_part_len(dacl));
    at = place_part(b, OFF_OWNER, at, parts->owner, sid_part_len(parts->owner));
    place_part(b, OFF_GROUP, at, parts->group, sid_part_len(parts->group));
    *out = sd;
    return STATUS_SUCCESS;
}

/* ---- access ---- */

static const uint8_t *part_at(const ntsec_sd *sd, int field)
{
    uint32_t off = ntsec_rd32(sd->bytes + field);
    return off ? sd->bytes + off : NULL;
}

void ntsec_sd_get_parts(const ntsec_sd *sd, ntsec_sd_parts *parts)
{
    uint16_t control = ntsec_sd_control(sd);
    parts->control = control;
    parts->sbz1 = sd->bytes[1];
    parts->owner = part_at(sd, OFF_OWNER);
    parts->group = part_at(sd, OFF_GROUP);
    parts->sacl = (control & SE_SACL_PRESENT) ? part_at(sd, OFF_SACL) : NULL;
    parts->dacl = (control & SE_DACL_PRESENT) ? part_at(sd, OFF_DACL) : NULL;
}

ntsec_sd *ntsec_sd_ref(ntsec_sd *sd)
{
    if (sd) sd->refs++;
    return sd;
}

void ntsec_sd_unref(ntsec_sd *sd)
{
    if (sd && --sd->refs == 0) {
        free(sd->walk_index);
        free(sd);
    }
}

int ntsec_sd_equal(const ntsec_sd *a, const ntsec_sd *b)
{
    if (a == b) return 1;
    if (!a || !b) return 0;
    return a->len == b->len && memcmp(a->bytes, b->bytes, a->len) == 0;
}

NTSTATUS ntsec_sd_select(const ntsec_sd *sd, SECURITY_INFORMATION si, ntsec_sd **out)
{
    ntsec_sd_parts all, sel;
    int backup = (si & BACKUP_SECURITY_INFORMATION) != 0;
    ntsec_sd_get_parts(sd, &all);
    memset(&sel, 0, sizeof sel);
    if (backup || (si & OWNER_SECURITY_INFORMATION)) {
        sel.owner = all.owner;
        sel.control |= all.control & SE_OWNER_DEFAULTED;
    }
    if (backup || (si & GROUP_SECURITY_INFORMATION)) {
        sel.group = all.group;
        sel.control |= all.control & SE_GROUP_DEFAULTED;
    }
    if (backup || (si & DACL_SECURITY_INFORMATION)) {
        sel.dacl = all.dacl;
        sel.control |= all.control & DACL_ECHO_BITS;
    }
    if (backup || (si & SACL_SECURITY_INFORMATION)) {
        sel.sacl = all.sacl;
        sel.control |= all.control & SACL_ECHO_BITS;
    }
    return ntsec_sd_build(&sel, out);
}
