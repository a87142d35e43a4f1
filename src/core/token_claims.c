/*
** token_claims.c: the token's user, device and local claims ([MS-DTYP]
** 2.5.2, 2.4.10.1). Each claim is stored in the same relative form a
** resource attribute ACE carries (CLAIM_SECURITY_ATTRIBUTE_RELATIVE_V1), so
** the condition evaluator reads token claims and resource attributes alike:
**   u32 name offset, u16 type, u16 reserved, u32 flags, u32 value count,
**   count x u32 value offsets, then the UTF-16LE name (NUL-terminated) and
**   the values: 8-byte integers; UTF-16LE strings with a NUL; SIDs and
**   octet strings as u32 length + bytes. Offsets are relative to the blob.
*/
#include <stdlib.h>
#include <string.h>

#include "token_internal.h"
#include "buf.h"
#include "sddl_internal.h"
#include "sid.h"
#include "status.h"

void claim_set_free(claim_set *c)
{
    free(c->bytes);
    free(c->refs);
    memset(c, 0, sizeof *c);
}

NTSTATUS claim_set_copy(claim_set *dst, const claim_set *src)
{
    memset(dst, 0, sizeof *dst);
    if (src->n == 0) return STATUS_SUCCESS;
    dst->bytes = malloc(src->len);
    dst->refs = malloc(src->n * sizeof *src->refs);
    if (!dst->bytes || !dst->refs) {
        claim_set_free(dst);
        return STATUS_NO_MEMORY;
    }
    memcpy(dst->bytes, src->bytes, src->len);
    memcpy(dst->refs, src->refs, src->n * sizeof *src->refs);
    dst->len = dst->cap = src->len;
    dst->n = dst->cap_refs = src->n;
    return STATUS_SUCCESS;
}

static int known_type(uint16_t type)
{
    switch (type) {
    case CLAIM_SECURITY_ATTRIBUTE_TYPE_INT64:
    case CLAIM_SECURITY_ATTRIBUTE_TYPE_UINT64:
    case CLAIM_SECURITY_ATTRIBUTE_TYPE_STRING:
    case CLAIM_SECURITY_ATTRIBUTE_TYPE_SID:
    case CLAIM_SECURITY_ATTRIBUTE_TYPE_BOOLEAN:
    case CLAIM_SECURITY_ATTRIBUTE_TYPE_OCTET_STRING:
        return 1;
    default:
        return 0;
    }
}

static void put_u64(ntsec_buf *b, uint64_t v)
{
    ntsec_buf_put_u32(b, (uint32_t)v);
    ntsec_buf_put_u32(b, (uint32_t)(v >> 32));
}

/* Append one value of the given type; STATUS_* on a bad value. */
static NTSTATUS put_value(ntsec_buf *b, uint16_t type, const ntsec_claim_value *v)
{
    switch (type) {
    case CLAIM_SECURITY_ATTRIBUTE_TYPE_INT64:
        put_u64(b, (uint64_t)v->i);
        return STATUS_SUCCESS;
    case CLAIM_SECURITY_ATTRIBUTE_TYPE_BOOLEAN:
        if (v->u > 1) return STATUS_INVALID_PARAMETER;
        /* fall through */
    case CLAIM_SECURITY_ATTRIBUTE_TYPE_UINT64:
        put_u64(b, v->u);
        return STATUS_SUCCESS;
    case CLAIM_SECURITY_ATTRIBUTE_TYPE_STRING:
        if (!v->s || !sddl_utf8_to_utf16(b, v->s, strlen(v->s))) return STATUS_INVALID_PARAMETER;
        ntsec_buf_put_u16(b, 0);
        return STATUS_SUCCESS;
    case CLAIM_SECURITY_ATTRIBUTE_TYPE_SID:
        if (!v->p || !ntsec_sid_valid(v->p, SECURITY_MAX_SID_SIZE)) return STATUS_INVALID_SID;
        ntsec_buf_put_u32(b, (uint32_t)ntsec_sid_len(v->p));
        ntsec_buf_put(b, v->p, ntsec_sid_len(v->p));
        return STATUS_SUCCESS;
    default:                               /* OCTET_STRING */
        if (!v->p && v->len) return STATUS_INVALID_PARAMETER;
        ntsec_buf_put_u32(b, (uint32_t)v->len);
        ntsec_buf_put(b, v->p, v->len);
        return STATUS_SUCCESS;
    }
}

/* The whole relative blob of one claim into b (empty on entry). */
static NTSTATUS build_blob(ntsec_buf *b, const char *name, uint16_t type, uint32_t flags,
                           const ntsec_claim_value *values, size_t count)
{
    size_t head = 16 + 4 * count, i;
    NTSTATUS st;
    uint8_t *h = ntsec_buf_reserve(b, head);
    if (!h) return STATUS_NO_MEMORY;
    memset(h, 0, head);
    ntsec_wr32(h, (uint32_t)head);
    ntsec_wr16(h + 4, type);
    ntsec_wr32(h + 8, flags);
    ntsec_wr32(h + 12, (uint32_t)count);
    if (!sddl_utf8_to_utf16(b, name, strlen(name))) return STATUS_INVALID_PARAMETER;
    ntsec_buf_put_u16(b, 0);
    for (i = 0; i < count; i++) {
        size_t at = b->len;
        if ((st = put_value(b, type, &values[i])) != STATUS_SUCCESS) return st;
        if (!b->oom) ntsec_wr32(b->data + 16 + 4 * i, (uint32_t)at);
    }
    return ntsec_buf_status(b);
}

/* Append blob to the set, 4-aligned; the set is unchanged on failure. */
static NTSTATUS set_append(claim_set *c, const uint8_t *blob, size_t len)
{
    size_t at = (c->len + 3) & ~(size_t)3;
    if (at + len > c->cap) {
        size_t ncap = c->cap ? c->cap : 64;
        uint8_t *p;
        while (ncap < at + len) ncap *= 2;
        if (!(p = realloc(c->bytes, ncap))) return STATUS_NO_MEMORY;
        c->bytes = p;
        c->cap = ncap;
    }
    if (c->n == c->cap_refs) {
        size_t ncap = c->cap_refs ? c->cap_refs * 2 : 4;
        claim_ref *r = realloc(c->refs, ncap * sizeof *r);
        if (!r) return STATUS_NO_MEMORY;
        c->refs = r;
        c->cap_refs = ncap;
    }
    memset(c->bytes + c->len, 0, at - c->len);
    memcpy(c->bytes + at, blob, len);
    c->refs[c->n].off = (uint32_t)at;
    c->refs[c->n].len = (uint32_t)len;
    c->n++;
    c->len = at + len;
    return STATUS_SUCCESS;
}

NTSTATUS ntsec_token_add_claim(ntsec_token *t, ntsec_claim_source source, const char *name,
                               uint16_t type, uint32_t flags, const ntsec_claim_value *values,
                               size_t count)
{
    ntsec_buf b;
    NTSTATUS st;
    if ((unsigned)source > NTSEC_CLAIM_DEVICE || !name || !*name) return STATUS_INVALID_PARAMETER;
    if (count && !values) return STATUS_INVALID_PARAMETER;
    if (!known_type(type)) return STATUS_NOT_SUPPORTED;
    if (count > 0xFFFFu) return STATUS_INVALID_PARAMETER;
    ntsec_buf_init(&b);
    st = build_blob(&b, name, type, flags, values, count);
    if (st == STATUS_SUCCESS) st = set_append(&t->claims[source], b.data, b.len);
    ntsec_buf_free(&b);
    return st;
}

size_t ntsec_token_claim_count(const ntsec_token *t, ntsec_claim_source source)
{
    return (unsigned)source <= NTSEC_CLAIM_DEVICE ? t->claims[source].n : 0;
}

const uint8_t *ntsec_token_claim(const ntsec_token *t, ntsec_claim_source source, size_t i,
                                 size_t *len)
{
    const claim_set *c;
    if ((unsigned)source > NTSEC_CLAIM_DEVICE) return NULL;
    c = &t->claims[source];
    if (i >= c->n) return NULL;
    if (len) *len = c->refs[i].len;
    return c->bytes + c->refs[i].off;
}
