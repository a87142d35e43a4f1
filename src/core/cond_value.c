/*
** cond_value.c: the values a condition compares ([MS-DTYP] 2.4.4.17.5-6,
** 2.4.10.1): literals of the byte code, claims of the token and resource
** attributes of the SACL, all read in place.
**
** Integers are (sign, magnitude) pairs so that INT64 and UINT64 claims and
** literals whose sign byte overrides the two's complement value (2.4.4.17.5)
** compare as numbers. Strings compare by UTF-16 code unit, case folded with
** Windows' upper-case table (cond_fold.c) unless a claim has
** VALUE_CASE_SENSITIVE.
*/
#include <string.h>

#include "cond_internal.h"
#include "acl.h"
#include "buf.h"
#include "secdefs.h"
#include "sid.h"

uint32_t cond_token_size(const uint8_t *p, size_t avail)
{
    uint8_t t = p[0];
    uint32_t n;
    if (t >= CT_INT8 && t <= CT_INT64) return avail >= 11 ? 11 : 0;
    if ((t >= 0x80 && t <= 0x93) || (t >= 0xA0 && t <= 0xA2)) return 1;
    switch (t) {
    case CT_STRING: case CT_OCTETS: case CT_COMPOSITE: case CT_SID:
    case CT_LOCAL: case CT_USER: case CT_RESOURCE: case CT_DEVICE:
        if (avail < 5) return 0;
        n = ntsec_rd32(p + 1);
        return n <= avail - 5 ? n + 5 : 0;
    default:
        return 0;
    }
}

static uint64_t rd64(const uint8_t *p)
{
    return (uint64_t)ntsec_rd32(p) | ((uint64_t)ntsec_rd32(p + 4) << 32);
}

/* Signed 64-bit value -> sign and magnitude. */
static void set_signed(cond_value *v, uint64_t raw)
{
    v->neg = (raw >> 63) != 0;
    v->mag = v->neg ? (uint64_t)0 - raw : raw;
}

/* ---- literals ---- */

static int literal_value(const uint8_t *t, uint32_t size, cond_value *v)
{
    memset(v, 0, sizeof *v);
    if (t[0] >= CT_INT8 && t[0] <= CT_INT64) {
        uint64_t raw = rd64(t + 1);
        v->cls = VC_INT;
        if (t[9] == 2) set_signed(v, raw);     /* '-': the value is negative */
        else v->mag = raw;                     /* '+' or none: positive */
        if (v->mag == 0) v->neg = 0;
        return 1;
    }
    v->p = t + 5;
    v->n = size - 5;
    switch (t[0]) {
    case CT_STRING: v->cls = VC_STRING; return (v->n & 1) == 0;
    case CT_OCTETS: v->cls = VC_OCTETS; return 1;
    case CT_SID:
        v->cls = VC_SID;
        return v->n >= 8 && ntsec_sid_valid(v->p, v->n) && ntsec_sid_len(v->p) == v->n;
    default: return 0;                         /* nested composite */
    }
}

/* The i-th element of a composite; 0 when malformed. */
static int composite_at(const uint8_t *t, uint32_t size, long i, const uint8_t **el, uint32_t *el_size)
{
    uint32_t off = 5, n;
    for (;;) {
        if (off >= size || !(n = cond_token_size(t + off, size - off))) return 0;
        if (i-- == 0) break;
        off += n;
    }
    *el = t + off;
    *el_size = n;
    return 1;
}

static long composite_count(const uint8_t *t, uint32_t size)
{
    uint32_t off = 5, n;
    long count = 0;
    while (off < size) {
        if (!(n = cond_token_size(t + off, size - off))) return -1;
        off += n;
        count++;
    }
    return count;
}

/* ---- claims (CLAIM_SECURITY_ATTRIBUTE_RELATIVE_V1) ---- */

static int claim_header_ok(const uint8_t *c, size_t len)
{
    uint32_t count;
    if (len < 16) return 0;
    count = ntsec_rd32(c + 12);
    return count <= (len - 16) / 4 && ntsec_rd32(c) < len;
}

/* Bytes of a NUL-terminated UTF-16LE string at off, or -1. */
static long utf16z_bytes(const uint8_t *c, size_t len, uint32_t off)
{
    size_t i;
    for (i = off; i + 1 < len; i += 2)
        if (c[i] == 0 && c[i + 1] == 0) return (long)(i - off);
    return -1;
}

static int claim_value(const uint8_t *c, size_t len, long i, cond_value *v)
{
    uint32_t off = ntsec_rd32(c + 16 + 4 * (size_t)i);
    uint16_t type = ntsec_rd16(c + 4);
    long n;
    memset(v, 0, sizeof *v);
    if (off >= len) return 0;
    switch (type) {
    case CLAIM_SECURITY_ATTRIBUTE_TYPE_INT64:
    case CLAIM_SECURITY_ATTRIBUTE_TYPE_UINT64:
    case CLAIM_SECURITY_ATTRIBUTE_TYPE_BOOLEAN:
        if (len - off < 8) return 0;
        v->cls = type == CLAIM_SECURITY_ATTRIBUTE_TYPE_BOOLEAN ? VC_BOOL : VC_INT;
        if (type == CLAIM_SECURITY_ATTRIBUTE_TYPE_INT64) set_signed(v, rd64(c + off));
        else v->mag = rd64(c + off);
        return 1;
    case CLAIM_SECURITY_ATTRIBUTE_TYPE_STRING:
        if ((n = utf16z_bytes(c, len, off)) < 0) return 0;
        v->cls = VC_STRING;
        v->p = c + off;
        v->n = (size_t)n;
        return 1;
    case CLAIM_SECURITY_ATTRIBUTE_TYPE_SID:
    case CLAIM_SECURITY_ATTRIBUTE_TYPE_OCTET_STRING:
        if (len - off < 4 || ntsec_rd32(c + off) > len - off - 4) return 0;
        v->cls = type == CLAIM_SECURITY_ATTRIBUTE_TYPE_SID ? VC_SID : VC_OCTETS;
        v->p = c + off + 4;
        v->n = ntsec_rd32(c + off);
        return v->cls == VC_OCTETS || (v->n >= 8 && ntsec_sid_valid(v->p, v->n));
    default:
        return 0;                              /* FQBN and unknown types */
    }
}

/* ---- operands ---- */

long cond_count(const cond_operand *o)
{
    if (o->kind == OP_LITERAL) return o->tok[0] == CT_COMPOSITE ? composite_count(o->tok, o->size) : 1;
    if (o->kind != OP_ATTR || !o->claim) return -1;
    if (!claim_header_ok(o->claim, o->claim_len)) return -1;
    return (long)ntsec_rd32(o->claim + 12);
}

int cond_value_at(const cond_operand *o, long i, cond_value *v)
{
    const uint8_t *el;
    uint32_t n;
    if (o->kind == OP_ATTR) return claim_value(o->claim, o->claim_len, i, v);
    if (o->tok[0] != CT_COMPOSITE) return literal_value(o->tok, o->size, v);
    return composite_at(o->tok, o->size, i, &el, &n) && literal_value(el, n, v);
}

int cond_case_sensitive(const cond_operand *o)
{
    return o->kind == OP_ATTR && o->claim
           && (ntsec_rd32(o->claim + 8) & CLAIM_SECURITY_ATTRIBUTE_VALUE_CASE_SENSITIVE);
}

/* ---- comparison ---- */

static int cmp_utf16(const cond_value *a, const cond_value *b, int ci)
{
    size_t i, n = a->n < b->n ? a->n : b->n;
    for (i = 0; i + 1 < n; i += 2) {
        unsigned x = ntsec_rd16(a->p + i), y = ntsec_rd16(b->p + i);
        if (ci) x = cond_upcase(x), y = cond_upcase(y);
        if (x != y) return x < y ? -1 : 1;
    }
    return a->n == b->n ? 0 : (a->n < b->n ? -1 : 1);
}

static int cmp_bytes(const cond_value *a, const cond_value *b)
{
    size_t n = a->n < b->n ? a->n : b->n;
    int r = n ? memcmp(a->p, b->p, n) : 0;
    if (r) return r < 0 ? -1 : 1;
    return a->n == b->n ? 0 : (a->n < b->n ? -1 : 1);
}

static int cmp_numbers(const cond_value *a, const cond_value *b)
{
    if (a->neg != b->neg) return a->neg ? -1 : 1;
    if (a->mag == b->mag) return 0;
    return ((a->mag < b->mag) != (a->neg != 0)) ? -1 : 1;
}

/* A boolean claim against an integer is a type mismatch, as Windows
** evaluates it (samba-0252: `@User.a == 42` with a boolean a is UNKNOWN);
** booleans and SIDs compare for equality only. */
int cond_compare(const cond_value *a, const cond_value *b, int ci, int equality_only, int *order)
{
    if (a->cls != b->cls) return 0;
    if ((a->cls == VC_SID || a->cls == VC_BOOL) && !equality_only) return 0;
    if (a->cls == VC_INT || a->cls == VC_BOOL) *order = cmp_numbers(a, b);
    else *order = a->cls == VC_STRING ? cmp_utf16(a, b, ci) : cmp_bytes(a, b);
    return 1;
}

/* ---- attribute lookup ([MS-DTYP] 2.5.3.1.6-7) ---- */

static int name_equal(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
    cond_value x, y;
    memset(&x, 0, sizeof x);
    memset(&y, 0, sizeof y);
    x.p = a, x.n = an, y.p = b, y.n = bn;
    return an == bn && cmp_utf16(&x, &y, 1) == 0;
}

/* 1 when the claim blob's name is name (case-insensitive). */
static int claim_named(const uint8_t *c, size_t len, const uint8_t *name, size_t nbytes)
{
    long n;
    if (!claim_header_ok(c, len)) return 0;
    n = utf16z_bytes(c, len, ntsec_rd32(c));
    return n >= 0 && name_equal(c + ntsec_rd32(c), (size_t)n, name, nbytes);
}

/* LookupAttributeInSacl: the first RA ACE with that name. */
static const uint8_t *sacl_lookup(const uint8_t *sacl, const uint8_t *name, size_t nbytes,
                                  size_t *len, int *bad)
{
    ntsec_acl_iter it;
    ntsec_ace a;
    if (!sacl) return NULL;
    ntsec_acl_iter_init(&it, sacl);
    while (ntsec_acl_next(&it, &a)) {
        if (a.type != SYSTEM_RESOURCE_ATTRIBUTE_ACE_TYPE) continue;
        if (!a.data || !claim_header_ok(a.data, a.data_len)) {
            *bad = 1;
            return NULL;
        }
        if (claim_named(a.data, a.data_len, name, nbytes)) {
            *len = a.data_len;
            return a.data;
        }
    }
    return NULL;
}

const uint8_t *cond_lookup(const ntsec_cond_env *env, uint8_t source, const uint8_t *name,
                           size_t nbytes, size_t *len, int *bad)
{
    ntsec_claim_source src;
    size_t i, n;
    if (source == CT_RESOURCE) return sacl_lookup(env->sacl, name, nbytes, len, bad);
    src = source == CT_LOCAL ? NTSEC_CLAIM_LOCAL : source == CT_USER ? NTSEC_CLAIM_USER : NTSEC_CLAIM_DEVICE;
    n = ntsec_token_claim_count(env->token, src);
    for (i = 0; i < n; i++) {
        const uint8_t *c = ntsec_token_claim(env->token, src, i, len);
        if (claim_named(c, *len, name, nbytes)) return c;
    }
    return NULL;
}
