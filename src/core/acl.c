/*
** acl.c: ACE decode/encode, RtlValidAcl and the ACL builder
** (sd_semantics.md 1.2-1.4, 1.8, 2.10).
**
** Every ACE type has one of three body layouts (1.4), given by its row in
** the ACE type table (ace_types.h):
**   SID     mask, SID, data
**   OBJECT  mask, flags, [GUID], [GUID], SID, data
**   OPAQUE  body kept as bytes (compound 4 and unknown types > 0x15)
** "data" is whatever follows the SID up to AceSize, so decode then encode
** reproduces the ACE byte for byte. Nothing here allocates except the
** builder's one output buffer.
*/
#include <string.h>

#include "acl.h"
#include "ace_types.h"
#include "secdefs.h"
#include "sid.h"
#include "status.h"

/* Body layout of a type: its row in the ACE type table (ace_types.h). */
static unsigned layout_of(uint8_t type)
{
    return ntsec_ace_body(type);
}

int ntsec_ace_is_object_type(uint8_t type)
{
    return layout_of(type) == NTSEC_ACE_BODY_OBJECT;
}

/* ---- decode ---- */

static void ace_clear(ntsec_ace *a, const uint8_t *p, uint16_t size)
{
    a->type = p[0];
    a->flags = p[1];
    a->size = size;
    a->mask = 0;
    a->object_flags = 0;
    a->object_type = NULL;
    a->inherited_object_type = NULL;
    a->sid = NULL;
    a->data = NULL;
    a->data_len = 0;
}

/* The SID at p+off and the data after it, all inside the ACE's size bytes. */
static NTSTATUS decode_sid_tail(const uint8_t *p, size_t size, size_t off, ntsec_ace *a)
{
    if (off > size || !ntsec_sid_valid(p + off, size - off)) return STATUS_INVALID_ACL;
    a->sid = p + off;
    off += ntsec_sid_len(p + off);
    a->data_len = (uint32_t)(size - off);
    a->data = a->data_len ? p + off : NULL;
    return STATUS_SUCCESS;
}

/* Take a 16-byte GUID at *off if the ACE has room for it. */
static int take_guid(const uint8_t *p, size_t size, size_t *off, const uint8_t **guid)
{
    if (size - *off < 16) return 0;
    *guid = p + *off;
    *off += 16;
    return 1;
}

static NTSTATUS decode_object(const uint8_t *p, size_t size, ntsec_ace *a)
{
    size_t off = 12;
    if (size < off) return STATUS_INVALID_ACL;
    a->mask = ntsec_rd32(p + 4);
    a->object_flags = ntsec_rd32(p + 8);
    if ((a->object_flags & ACE_OBJECT_TYPE_PRESENT) && !take_guid(p, size, &off, &a->object_type))
        return STATUS_INVALID_ACL;
    if ((a->object_flags & ACE_INHERITED_OBJECT_TYPE_PRESENT)
        && !take_guid(p, size, &off, &a->inherited_object_type))
        return STATUS_INVALID_ACL;
    return decode_sid_tail(p, size, off, a);
}

static NTSTATUS decode_body(const uint8_t *p, size_t size, ntsec_ace *a)
{
    switch (layout_of(p[0])) {
    case NTSEC_ACE_BODY_SID:
        if (size < 8) return STATUS_INVALID_ACL;
        a->mask = ntsec_rd32(p + 4);
        return decode_sid_tail(p, size, 8, a);
    case NTSEC_ACE_BODY_OBJECT:
        return decode_object(p, size, a);
    default:
        a->data_len = (uint32_t)(size - 4);
        a->data = a->data_len ? p + 4 : NULL;
        return STATUS_SUCCESS;
    }
}

NTSTATUS ntsec_ace_decode(const uint8_t *p, size_t avail, ntsec_ace *ace)
{
    ntsec_ace a;
    uint16_t size;
    NTSTATUS st;
    if (avail < 4) return STATUS_INVALID_ACL;
    size = ntsec_rd16(p + 2);
    if (size < 4 || size > avail) return STATUS_INVALID_ACL;
    ace_clear(&a, p, size);
    st = decode_body(p, size, &a);
    if (st == STATUS_SUCCESS) *ace = a;
    return st;
}

/* ---- validation (1.8) ---- */

/* One ACE with left bytes remaining in the ACL. ReactOS' rules, plus: every
** ACE of a known type must decode (its SID and GUIDs fit), so iterating a
** valid ACL always visits all AceCount ACEs (docs/binary.md). */
static int ace_valid(const uint8_t *p, size_t left)
{
    ntsec_ace a;
    uint16_t size;
    if (left <= 4) return 0;              /* header must end before AclSize */
    size = ntsec_rd16(p + 2);
    if (size < 4 || (size & 1) || size > left) return 0;
    if ((size & 3) && ntsec_ace_type_has(p[0], NTSEC_ACE_K_SIZE4)) return 0;
    return ntsec_ace_decode(p, size, &a) == STATUS_SUCCESS;
}

int ntsec_acl_valid(const uint8_t *acl, size_t avail)
{
    size_t size, off = NTSEC_ACL_HEADER_SIZE;
    unsigned i, count;
    if (!acl || avail < NTSEC_ACL_HEADER_SIZE) return 0;
    if (acl[0] < MIN_ACL_REVISION || acl[0] > MAX_ACL_REVISION) return 0;
    size = ntsec_acl_size(acl);
    if (size < NTSEC_ACL_HEADER_SIZE || !ntsec_acl_size_ok(size, 0) || size > avail) return 0;
    count = ntsec_acl_count(acl);
    for (i = 0; i < count; i++) {
        if (!ace_valid(acl + off, size - off)) return 0;
        off += ntsec_rd16(acl + off + 2);
    }
    return 1;
}

/* ---- iteration ---- */

void ntsec_acl_iter_init(ntsec_acl_iter *it, const uint8_t *acl)
{
    it->acl = acl;
    it->off = NTSEC_ACL_HEADER_SIZE;
    it->index = 0;
    it->count = ntsec_acl_count(acl);
}

int ntsec_acl_next(ntsec_acl_iter *it, ntsec_ace *ace)
{
    size_t size = ntsec_acl_size(it->acl);
    if (it->index >= it->count || it->off >= size) return 0;
    if (ntsec_ace_decode(it->acl + it->off, size - it->off, ace) != STATUS_SUCCESS) {
        it->index = it->count;            /* malformed: stop for good */
        return 0;
    }
    it->off += ace->size;
    it->index++;
    return 1;
}

/* ---- encoding ---- */

static size_t sid_bytes(const uint8_t *sid)
{
    return sid ? ntsec_sid_len(sid) : 0;
}

size_t ntsec_ace_encoded_size(const ntsec_ace *ace)
{
    size_t n = 4 + (size_t)ace->data_len;
    switch (layout_of(ace->type)) {
    case NTSEC_ACE_BODY_SID:
        return n + 4 + sid_bytes(ace->sid);
    case NTSEC_ACE_BODY_OBJECT:
        return n + 8 + (ace->object_type ? 16 : 0) + (ace->inherited_object_type ? 16 : 0)
               + sid_bytes(ace->sid);
    default:
        return n;
    }
}

/* Object part after the mask: flags recomputed from the GUID pointers. */
static size_t write_object_part(uint8_t *p, size_t off, const ntsec_ace *ace)
{
    uint32_t flags = 0;
    size_t at = off + 4;
    if (ace->object_type) {
        flags |= ACE_OBJECT_TYPE_PRESENT;
        memcpy(p + at, ace->object_type, 16);
        at += 16;
    }
    if (ace->inherited_object_type) {
        flags |= ACE_INHERITED_OBJECT_TYPE_PRESENT;
        memcpy(p + at, ace->inherited_object_type, 16);
        at += 16;
    }
    ntsec_wr32(p + off, flags);
    return at;
}

/* Copy a SID (8 + 4*count bytes) in 4-byte steps: SIDs are short, and a
** variable-length memcpy here compiles to "rep movsq", which costs more than
** the copy itself (measured, docs/sddl.md "Performance"). */
static void copy_sid(uint8_t *dst, const uint8_t *sid)
{
    size_t i, n = ntsec_sid_len(sid);
    for (i = 0; i < n; i += 4) memcpy(dst + i, sid + i, 4);
}

static void write_ace(uint8_t *p, size_t n, const ntsec_ace *ace)
{
    unsigned layout = layout_of(ace->type);
    size_t off = 4;
    p[0] = ace->type;
    p[1] = ace->flags;
    ntsec_wr16(p + 2, (uint16_t)n);       /* n > 0xFFFF makes the ACL fail at end */
    if (layout != NTSEC_ACE_BODY_OPAQUE) {
        ntsec_wr32(p + 4, ace->mask);
        off = 8;
        if (layout == NTSEC_ACE_BODY_OBJECT) off = write_object_part(p, off, ace);
        if (ace->sid) copy_sid(p + off, ace->sid);
        off += sid_bytes(ace->sid);
    }
    if (ace->data_len) memcpy(p + off, ace->data, ace->data_len);
}

void ntsec_acl_begin(ntsec_acl_builder *ab, ntsec_buf *buf)
{
    ab->buf = buf;
    ab->start = buf->len;
    ab->count = 0;
    ab->ds = 0;
    ntsec_buf_reserve(buf, NTSEC_ACL_HEADER_SIZE);  /* header written by end */
}

void ntsec_acl_add(ntsec_acl_builder *ab, const ntsec_ace *ace)
{
    size_t n = ntsec_ace_encoded_size(ace);
    uint8_t *p = ntsec_buf_reserve(ab->buf, n);
    ab->count++;
    if (ntsec_ace_is_object_type(ace->type)) ab->ds = 1;
    if (p) write_ace(p, n, ace);
}

void ntsec_acl_force_ds(ntsec_acl_builder *ab)
{
    ab->ds = 1;
}

NTSTATUS ntsec_acl_end(ntsec_acl_builder *ab, size_t slack)
{
    ntsec_buf *b = ab->buf;
    size_t used;
    uint8_t *h;
    if (b->oom) return STATUS_NO_MEMORY;
    used = b->len - ab->start;
    if (slack > NTSEC_ACL_MAX_SIZE || !ntsec_acl_size_ok(used + slack, ab->count)) {
        b->len = ab->start;               /* drop the partial ACL */
        return STATUS_INVALID_ACL;
    }
    if (slack) {
        uint8_t *z = ntsec_buf_reserve(b, slack);
        if (!z) return STATUS_NO_MEMORY;
        memset(z, 0, slack);
    }
    h = b->data + ab->start;
    h[0] = (uint8_t)(ab->ds ? ACL_REVISION_DS : ACL_REVISION);
    h[1] = 0;
    ntsec_wr16(h + 2, (uint16_t)(used + slack));
    ntsec_wr16(h + 4, (uint16_t)ab->count);
    ntsec_wr16(h + 6, 0);
    return STATUS_SUCCESS;
}
