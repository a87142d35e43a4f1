/*
** wfp_cond_codec.c: conditions <-> bytes (wfp_cond_codec.h; the format is
** in docs/wfp.md, "Persistence"). All integers little-endian.
**
**   u8 format (1), u32 count, then per condition:
**     16 field GUID, u16 match, u32 condition type,
**     str field_text, str match_text, value, and for FWP_RANGE_TYPE a second
**     value (valueHigh);
**   value: u32 type, str name, then by type: nothing (EMPTY), u64 (integers,
**     FLOAT/DOUBLE as double bits), 16 bytes (BYTE_ARRAY16), 6 (BYTE_ARRAY6),
**     u32 addr u32 mask (V4_ADDR_MASK), 16 bytes u8 prefix (V6_ADDR_MASK),
**     else u32 length and the bytes (blob, SID, string, descriptor,
**     TOKEN_*, unknown type's text);
**   str: u32 length + 1 and the bytes (0 = no string).
*/
#include <stdlib.h>
#include <string.h>

#include "wfp_cond_codec.h"
#include "sid.h"
#include "status.h"

/* How a value type's payload is laid out. */
enum { P_NONE, P_U64, P_A16, P_A6, P_V4, P_V6, P_BYTES };

static int payload_of(uint32_t type)
{
    if (type == NTSEC_FWP_EMPTY) return P_NONE;
    if (type >= NTSEC_FWP_UINT8 && type <= NTSEC_FWP_DOUBLE) return P_U64;
    if (type == NTSEC_FWP_BYTE_ARRAY16_TYPE) return P_A16;
    if (type == NTSEC_FWP_BYTE_ARRAY6_TYPE) return P_A6;
    if (type == NTSEC_FWP_V4_ADDR_MASK) return P_V4;
    if (type == NTSEC_FWP_V6_ADDR_MASK) return P_V6;
    return P_BYTES;
}

/* ---- encoding ---- */

static void put_u64(ntsec_buf *b, uint64_t v)
{
    ntsec_buf_put_u32(b, (uint32_t)v);
    ntsec_buf_put_u32(b, (uint32_t)(v >> 32));
}

static void put_str(ntsec_buf *b, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    ntsec_buf_put_u32(b, s ? (uint32_t)n + 1 : 0);
    ntsec_buf_put(b, s, n);
}

static NTSTATUS put_value(ntsec_buf *b, const ntsec_fwp_value *v)
{
    uint64_t bits;
    const uint8_t *p = v->p;
    uint32_t len = v->len;
    ntsec_buf_put_u32(b, v->type);
    put_str(b, v->name);
    switch (payload_of(v->type)) {
    case P_NONE: return STATUS_SUCCESS;
    case P_U64:
        if (v->type == NTSEC_FWP_FLOAT || v->type == NTSEC_FWP_DOUBLE) memcpy(&bits, &v->n.d, 8);
        else bits = v->n.u;
        put_u64(b, bits);
        return STATUS_SUCCESS;
    case P_A16: ntsec_buf_put(b, v->n.a16, 16); return STATUS_SUCCESS;
    case P_A6: ntsec_buf_put(b, v->n.a16, 6); return STATUS_SUCCESS;
    case P_V4:
        ntsec_buf_put_u32(b, v->n.v4.addr);
        ntsec_buf_put_u32(b, v->n.v4.mask);
        return STATUS_SUCCESS;
    case P_V6:
        ntsec_buf_put(b, v->n.v6.addr, 16);
        ntsec_buf_putc(b, v->n.v6.prefix);
        return STATUS_SUCCESS;
    default: break;
    }
    if (v->type == NTSEC_FWP_SECURITY_DESCRIPTOR_TYPE) {
        const ntsec_sd *sd = v->obj;
        if (!sd) return STATUS_INVALID_PARAMETER;
        p = sd->bytes;
        len = (uint32_t)sd->len;
    }
    if (len && !p) return STATUS_INVALID_PARAMETER;
    ntsec_buf_put_u32(b, len);
    ntsec_buf_put(b, p, len);
    return STATUS_SUCCESS;
}

NTSTATUS wfp_conds_encode(const ntsec_wfp_condition *c, uint32_t n, ntsec_buf *out)
{
    uint32_t i;
    NTSTATUS st = STATUS_SUCCESS;
    ntsec_buf_putc(out, WFP_CONDS_FORMAT);
    ntsec_buf_put_u32(out, n);
    for (i = 0; st == STATUS_SUCCESS && i < n; i++) {
        ntsec_buf_put(out, c[i].field.b, 16);
        ntsec_buf_put_u16(out, c[i].match);
        ntsec_buf_put_u32(out, c[i].type);
        put_str(out, c[i].field_text);
        put_str(out, c[i].match_text);
        st = put_value(out, &c[i].value);
        if (st == STATUS_SUCCESS && c[i].type == NTSEC_FWP_RANGE_TYPE) st = put_value(out, &c[i].high);
    }
    return st;
}

/* ---- decoding ---- */

typedef struct reader {
    const uint8_t *p;
    size_t len, pos;
    const char *why;              /* set by the first failure */
} reader;

static const uint8_t *take(reader *r, size_t n, const char *what)
{
    const uint8_t *at;
    if (r->why) return NULL;
    if (n > r->len - r->pos) {
        r->why = what;
        return NULL;
    }
    at = r->p + r->pos;
    r->pos += n;
    return at;
}

static uint32_t get_u32(reader *r, const char *what)
{
    const uint8_t *at = take(r, 4, what);
    return at ? ntsec_rd32(at) : 0;
}

static uint64_t get_u64(reader *r, const char *what)
{
    uint64_t lo = get_u32(r, what);
    return lo | (uint64_t)get_u32(r, what) << 32;
}

/* A stored string: copied NUL-terminated into the decoded block's strings. */
static const char *get_str(reader *r, char **pool, const char *what)
{
    uint32_t n = get_u32(r, what);
    const uint8_t *at;
    char *s;
    if (!n || r->why) return NULL;
    at = take(r, n - 1, what);
    if (!at) return NULL;
    if (memchr(at, 0, n - 1)) {
        r->why = "a NUL inside a stored name";
        return NULL;
    }
    s = *pool;
    memcpy(s, at, n - 1);
    s[n - 1] = 0;
    *pool += n;
    return s;
}

/* Variable bytes of a value, checked against the type's rules. */
static void get_bytes(reader *r, ntsec_fwp_value *v, wfp_conds_decoded *d)
{
    uint32_t n = get_u32(r, "the length of a value's bytes");
    const uint8_t *at = take(r, n, "a value's bytes");
    ntsec_sd *sd;
    if (!at) return;
    v->p = n ? at : NULL;
    v->len = n;
    if (v->type == NTSEC_FWP_SID && (!ntsec_sid_valid(at, n) || ntsec_sid_len(at) != n)) {
        r->why = "a SID value that is not one valid SID";
    } else if (v->type == NTSEC_FWP_SECURITY_DESCRIPTOR_TYPE) {
        if (ntsec_sd_from_bytes(at, n, &sd) != STATUS_SUCCESS) {
            r->why = "a descriptor value that does not parse";
            return;
        }
        d->sds[d->n_sds++] = sd;
        v->obj = sd;
        v->p = sd->bytes;
    }
}

static void get_value(reader *r, ntsec_fwp_value *v, char **pool, wfp_conds_decoded *d)
{
    const uint8_t *at;
    uint64_t bits;
    memset(v, 0, sizeof *v);
    v->type = get_u32(r, "a value type");
    v->name = get_str(r, pool, "a value type name");
    switch (payload_of(v->type)) {
    case P_NONE: break;
    case P_U64:
        bits = get_u64(r, "an integer value");
        if (v->type == NTSEC_FWP_FLOAT || v->type == NTSEC_FWP_DOUBLE) memcpy(&v->n.d, &bits, 8);
        else v->n.u = bits;
        break;
    case P_A16:
    case P_A6:
        at = take(r, v->type == NTSEC_FWP_BYTE_ARRAY6_TYPE ? 6 : 16, "a byte array value");
        if (at) memcpy(v->n.a16, at, v->type == NTSEC_FWP_BYTE_ARRAY6_TYPE ? 6 : 16);
        break;
    case P_V4:
        v->n.v4.addr = get_u32(r, "an IPv4 address");
        v->n.v4.mask = get_u32(r, "an IPv4 mask");
        break;
    case P_V6:
        at = take(r, 17, "an IPv6 address and prefix");
        if (!at) break;
        memcpy(v->n.v6.addr, at, 16);
        v->n.v6.prefix = at[16];
        if (v->n.v6.prefix > 128) r->why = "an IPv6 prefix length above 128";
        break;
    default: get_bytes(r, v, d);
    }
}

static void get_condition(reader *r, ntsec_wfp_condition *c, char **pool, wfp_conds_decoded *d)
{
    const uint8_t *at = take(r, 22, "a condition's field, match and type");
    memset(c, 0, sizeof *c);
    c->sd_slot = UINT32_MAX;
    if (!at) return;
    memcpy(c->field.b, at, 16);
    c->slot = ntsec_wfp_field_slot(&c->field);
    c->match = ntsec_rd16(at + 16);
    c->type = ntsec_rd32(at + 18);
    c->field_text = get_str(r, pool, "a field name");
    c->match_text = get_str(r, pool, "a match type name");
    get_value(r, &c->value, pool, d);
    if (c->type == NTSEC_FWP_RANGE_TYPE) get_value(r, &c->high, pool, d);
}

void wfp_conds_decoded_free(wfp_conds_decoded *d)
{
    uint32_t i;
    for (i = 0; i < d->n_sds; i++) ntsec_sd_unref(d->sds[i]);
    free(d->conds);
    memset(d, 0, sizeof *d);
}

/* One allocation: conditions, descriptor slots (at most two per condition)
** and room for the strings (never more than the input's length). */
static NTSTATUS alloc_decoded(wfp_conds_decoded *d, uint32_t n, size_t len, char **pool)
{
    size_t conds = (size_t)n * sizeof *d->conds, sds = (size_t)n * 2 * sizeof *d->sds;
    uint8_t *block = malloc(conds + sds + len + 1);
    if (!block) return STATUS_NO_MEMORY;
    d->conds = (ntsec_wfp_condition *)(void *)block;
    d->sds = (ntsec_sd **)(void *)(block + conds);
    *pool = (char *)(block + conds + sds);
    return STATUS_SUCCESS;
}

NTSTATUS wfp_conds_decode(const uint8_t *p, size_t len, wfp_conds_decoded *out, size_t *offset,
                          const char **why)
{
    reader r = { p, len, 0, NULL };
    const uint8_t *fmt = take(&r, 1, "the format byte");
    uint32_t n = 0, i;
    char *pool = NULL;
    NTSTATUS st;
    memset(out, 0, sizeof *out);
    if (fmt && *fmt != WFP_CONDS_FORMAT) r.why = "an unknown conditions format";
    n = get_u32(&r, "the condition count");
    /* every condition takes at least 22 + 8 + 4 + 4 bytes: a count beyond
    ** that cannot be right (and must not size an allocation) */
    if (!r.why && n > (len - r.pos) / 38) r.why = "a condition count larger than the data";
    if (r.why) {
        r.pos = r.pos > len ? len : r.pos;
        goto fail;
    }
    st = alloc_decoded(out, n, len, &pool);
    if (st != STATUS_SUCCESS) return st;
    out->count = n;
    for (i = 0; i < n && !r.why; i++) get_condition(&r, &out->conds[i], &pool, out);
    if (!r.why && r.pos != len) r.why = "bytes after the last condition";
    if (!r.why) return STATUS_SUCCESS;
    wfp_conds_decoded_free(out);
fail:
    if (offset) *offset = r.pos;
    if (why) *why = r.why;
    return STATUS_FILE_CORRUPT_ERROR;
}
