/*
** sddl_ra.c: resource-attribute ACE bodies both ways (sd_semantics.md
** 2.11): ("name",TYPE,flags,value,...) <-> CLAIM_SECURITY_ATTRIBUTE_
** RELATIVE_V1.
**
** Blob layout as Windows writes it: u32 name offset, u16 value type,
** u16 reserved, u32 flags, u32 value count, one u32 offset per value, the
** NUL-terminated UTF-16 name, then the values packed without alignment;
** the ACE pads the blob with zeros to a multiple of 4. Parsing runs the
** value list twice (count, then write) so the offsets come first without
** a temporary array.
*/
#include <string.h>

#include "sddl_internal.h"
#include "sddl_tables.h"
#include "secdefs.h"
#include "status.h"

enum claim_type {
    CLAIM_INT64 = 1, CLAIM_UINT64 = 2, CLAIM_STRING = 3, CLAIM_SID = 5, CLAIM_BOOLEAN = 6,
    CLAIM_OCTETS = 0x10
};

static const struct { char code[3]; uint16_t type; } claim_codes[] = {
    { "TI", CLAIM_INT64 }, { "TU", CLAIM_UINT64 }, { "TS", CLAIM_STRING },
    { "TD", CLAIM_SID }, { "TB", CLAIM_BOOLEAN }, { "TX", CLAIM_OCTETS },
};

typedef struct ra_parser {
    const char *s;
    size_t len;
    size_t pos;
    const ntsec_sid_ctx *ctx;
    ntsec_buf *out;       /* NULL while counting */
    size_t blob;          /* blob start in out */
    uint32_t count;       /* values seen */
    NTSTATUS err;
} ra_parser;

static int fail(ra_parser *r, NTSTATUS st)
{
    if (r->err == STATUS_SUCCESS) r->err = st;
    return 0;
}

static void skip_ws(ra_parser *r)
{
    while (r->pos < r->len && (r->s[r->pos] == ' ' || (r->s[r->pos] >= '\t' && r->s[r->pos] <= '\r')))
        r->pos++;
}

static int expect(ra_parser *r, char ch)
{
    skip_ws(r);
    if (r->pos >= r->len || r->s[r->pos] != ch) return fail(r, STATUS_INVALID_ACL);
    r->pos++;
    skip_ws(r);
    return 1;
}

/* The quoted text at pos: sets [*from, *to) and moves past the quotes. */
static int quoted(ra_parser *r, size_t *from, size_t *to)
{
    const char *end;
    if (r->pos >= r->len || r->s[r->pos] != '"') return fail(r, STATUS_INVALID_ACL);
    end = memchr(r->s + r->pos + 1, '"', r->len - r->pos - 1);
    if (!end) return fail(r, STATUS_INVALID_ACL);
    *from = r->pos + 1;
    *to = (size_t)(end - r->s);
    r->pos = *to + 1;
    return 1;
}

/* ---- values ---- */

/* 1 when the UTF-16 units appended to out since start include U+0000: the
** blob stores names and strings NUL-terminated, so such text could not be
** read back (raw NUL bytes or a %0000 escape are rejected). */
static int has_nul_unit(const ntsec_buf *out, size_t start)
{
    size_t i;
    if (out->oom) return 0;
    for (i = start; i + 1 < out->len; i += 2)
        if (!out->data[i] && !out->data[i + 1]) return 1;
    return 0;
}

/* Bytes the blob may still take: names and strings are converted against
** this, so the limit is on the blob (an ACE must fit an ACL of 0xFFFF
** bytes), never on the length of the text (docs/sddl.md "Size limits"). */
static size_t room(const ra_parser *r)
{
    size_t used = r->out->len - r->blob;
    return used > NTSEC_ACL_MAX_SIZE ? 0 : NTSEC_ACL_MAX_SIZE - used;
}

static int value_int(ra_parser *r, uint16_t type)
{
    sddl_int v;
    size_t n = sddl_int_literal(r->s + r->pos, r->len - r->pos, &v);
    if (!n || (type != CLAIM_INT64 && v.sign == SDDL_SIGN_MINUS)
        || (type == CLAIM_BOOLEAN && v.value > 1))
        return fail(r, STATUS_INVALID_ACL);
    r->pos += n;
    if (r->out) {
        ntsec_buf_put_u32(r->out, (uint32_t)v.value);
        ntsec_buf_put_u32(r->out, (uint32_t)(v.value >> 32));
    }
    return 1;
}

static int value_string(ra_parser *r)
{
    size_t from, to, at;
    if (!quoted(r, &from, &to)) return 0;
    if (!r->out) return 1;
    at = r->out->len;
    if (!sddl_utf8_to_utf16_max(r->out, r->s + from, to - from, room(r)) || has_nul_unit(r->out, at))
        return fail(r, STATUS_INVALID_ACL);
    ntsec_buf_put_u16(r->out, 0);
    return 1;
}

/* A SID, bare or as SID(...). */
static int value_sid(ra_parser *r)
{
    uint8_t sid[68];
    size_t used;
    int wrapped = r->len - r->pos > 4 && (r->s[r->pos] | 0x20) == 's' && (r->s[r->pos + 1] | 0x20) == 'i'
                  && (r->s[r->pos + 2] | 0x20) == 'd' && r->s[r->pos + 3] == '(';
    if (wrapped) r->pos += 4;
    if (ntsec_sid_parse(r->s + r->pos, r->len - r->pos, r->ctx, sid, &used) != STATUS_SUCCESS)
        return fail(r, STATUS_INVALID_ACL);
    r->pos += used;
    if (wrapped && (r->pos >= r->len || r->s[r->pos++] != ')')) return fail(r, STATUS_INVALID_ACL);
    if (r->out) {
        ntsec_buf_put_u32(r->out, (uint32_t)ntsec_sid_len(sid));
        ntsec_buf_put(r->out, sid, ntsec_sid_len(sid));
    }
    return 1;
}

static unsigned hex_value(char c)
{
    if (c >= '0' && c <= '9') return (unsigned)(c - '0');
    c = (char)(c | 0x20);
    return (c >= 'a' && c <= 'f') ? (unsigned)(c - 'a' + 10) : 16u;
}

/* Hex digit pairs (Windows reads TX values such as 0077 as bytes). */
static int value_octets(ra_parser *r)
{
    size_t n = 0, i;
    while (r->pos + n < r->len && hex_value(r->s[r->pos + n]) < 16) n++;
    if (n == 0 || (n & 1) || n / 2 > NTSEC_ACL_MAX_SIZE) return fail(r, STATUS_INVALID_ACL);
    if (r->out) {
        ntsec_buf_put_u32(r->out, (uint32_t)(n / 2));
        for (i = 0; i < n; i += 2)
            ntsec_buf_putc(r->out, (uint8_t)(hex_value(r->s[r->pos + i]) << 4 | hex_value(r->s[r->pos + i + 1])));
    }
    r->pos += n;
    return 1;
}

static int parse_value(ra_parser *r, uint16_t type)
{
    /* each value takes at least 4 bytes of offsets: more cannot fit an ACL
    ** (stops a huge list before anything is built, docs/sddl.md) */
    if (r->count >= NTSEC_ACL_MAX_SIZE / 4) return fail(r, STATUS_INVALID_ACL);
    if (r->out) ntsec_wr32(r->out->data + r->blob + 16 + 4 * r->count, (uint32_t)(r->out->len - r->blob));
    r->count++;
    switch (type) {
    case CLAIM_STRING: return value_string(r);
    case CLAIM_SID: return value_sid(r);
    case CLAIM_OCTETS: return value_octets(r);
    default: return value_int(r, type);
    }
}

/* value ("," value)* ")" */
static int parse_values(ra_parser *r, uint16_t type)
{
    r->count = 0;
    for (;;) {
        if (r->out && r->out->oom) return fail(r, STATUS_NO_MEMORY);
        if (r->out && !room(r)) return fail(r, STATUS_INVALID_ACL);   /* bounds memory */
        if (!parse_value(r, type)) return 0;
        skip_ws(r);
        if (r->pos < r->len && r->s[r->pos] == ')') {
            r->pos++;
            return 1;
        }
        if (!expect(r, ',')) return 0;
    }
}

/* ---- header ---- */

static int parse_type(ra_parser *r, uint16_t *type)
{
    size_t i;
    if (r->len - r->pos >= 2)
        for (i = 0; i < sizeof claim_codes / sizeof claim_codes[0]; i++)
            if ((r->s[r->pos] & ~0x20) == claim_codes[i].code[0]
                && (r->s[r->pos + 1] & ~0x20) == claim_codes[i].code[1]) {
                *type = claim_codes[i].type;
                r->pos += 2;
                return 1;
            }
    return fail(r, STATUS_INVALID_ACL);
}

static int parse_flags(ra_parser *r, uint32_t *flags)
{
    sddl_int v;
    size_t n = sddl_int_literal(r->s + r->pos, r->len - r->pos, &v);
    if (!n || v.sign != SDDL_SIGN_NONE || v.value > 0xFFFFFFFFu) return fail(r, STATUS_INVALID_ACL);
    *flags = (uint32_t)v.value;
    r->pos += n;
    return 1;
}

/* "(" "name" "," TYPE "," flags "," ; leaves pos at the first value. */
static int parse_head(ra_parser *r, size_t *name_from, size_t *name_to, uint16_t *type, uint32_t *flags)
{
    r->pos = 0;
    return expect(r, '(') && quoted(r, name_from, name_to) && expect(r, ',') && parse_type(r, type)
           && expect(r, ',') && parse_flags(r, flags) && expect(r, ',');
}

static void write_header(ra_parser *r, uint16_t type, uint32_t flags, uint32_t count)
{
    uint8_t *h = ntsec_buf_reserve(r->out, 16 + 4 * (size_t)count);
    if (!h) return;
    memset(h, 0, 16 + 4 * (size_t)count);
    ntsec_wr32(h, 16 + 4 * count);
    ntsec_wr16(h + 4, type);
    ntsec_wr32(h + 8, flags);
    ntsec_wr32(h + 12, count);
}

NTSTATUS sddl_ra_parse(const char *s, size_t len, const ntsec_sid_ctx *ctx,
                       ntsec_buf *out, size_t *consumed)
{
    ra_parser r;
    size_t name_from, name_to;
    uint16_t type;
    uint32_t flags;
    memset(&r, 0, sizeof r);
    r.s = s;
    r.len = len;
    r.ctx = ctx;
    r.err = STATUS_SUCCESS;
    if (!parse_head(&r, &name_from, &name_to, &type, &flags) || !parse_values(&r, type)) {
        if (r.err == STATUS_SUCCESS) r.err = STATUS_INVALID_ACL;
        *consumed = r.pos;
        return r.err;
    }
    r.out = out;
    r.blob = out->len;
    write_header(&r, type, flags, r.count);
    if (!sddl_attr_name_to_utf16(out, s + name_from, name_to - name_from, room(&r))
        || has_nul_unit(out, r.blob + 16 + 4 * (size_t)r.count)) {
        *consumed = name_from;
        return STATUS_INVALID_ACL;
    }
    ntsec_buf_put_u16(out, 0);
    parse_head(&r, &name_from, &name_to, &type, &flags);
    if (!parse_values(&r, type)) {
        *consumed = r.pos;
        return r.err;
    }
    while ((out->len - r.blob) & 3) ntsec_buf_putc(out, 0);
    *consumed = r.pos;
    return ntsec_buf_status(out);
}

/* ---- printing ---- */

typedef struct ra_blob {
    const uint8_t *p;
    size_t len;
    uint16_t type;
    uint32_t flags, count;
} ra_blob;

/* The NUL-terminated UTF-16 text at off: byte length without the NUL. */
static int utf16z_length(const ra_blob *b, size_t off, size_t *n)
{
    size_t i;
    for (i = off; i + 1 < b->len; i += 2)
        if (!b->p[i] && !b->p[i + 1]) {
            *n = i - off;
            return 1;
        }
    return 0;
}

/* The value printers return the offset just past the value, 0 when it
** cannot be printed. */

static size_t put_sized_value(ntsec_buf *out, const ra_blob *b, size_t off, const ntsec_sid_ctx *ctx)
{
    static const char digits[] = "0123456789abcdef";
    uint32_t n, i;
    if (off > b->len || b->len - off < 4 || (n = ntsec_rd32(b->p + off)) > b->len - off - 4)
        return 0;
    if (b->type == CLAIM_SID) {
        /* a SID without sub-authorities would print as unreadable "S-1-5" */
        if (!ntsec_sid_valid(b->p + off + 4, n) || ntsec_sid_len(b->p + off + 4) != n
            || b->p[off + 5] == 0)
            return 0;
        ntsec_sid_format_sddl(out, b->p + off + 4, ctx);
        return off + 4 + n;
    }
    if (n == 0) return 0;                /* an empty TX value cannot be written */
    for (i = 0; i < n; i++) {
        ntsec_buf_putc(out, (uint8_t)digits[b->p[off + 4 + i] >> 4]);
        ntsec_buf_putc(out, (uint8_t)digits[b->p[off + 4 + i] & 15]);
    }
    return off + 4 + n;
}

/* TI prints signed, TU and TB unsigned, all in decimal. */
static size_t put_integer(ntsec_buf *out, const ra_blob *b, size_t off)
{
    char tmp[24], *p = tmp + sizeof tmp;
    uint64_t v, mag;
    int negative;
    if (off > b->len || b->len - off < 8) return 0;
    v = (uint64_t)ntsec_rd32(b->p + off) | ((uint64_t)ntsec_rd32(b->p + off + 4) << 32);
    if (b->type == CLAIM_BOOLEAN && v > 1) return 0;   /* TB reads only 0 and 1 */
    negative = b->type == CLAIM_INT64 && (v >> 63);
    mag = negative ? 0u - v : v;
    do {
        *--p = (char)('0' + mag % 10);
        mag /= 10;
    } while (mag);
    if (negative) *--p = '-';
    ntsec_buf_put(out, p, (size_t)(tmp + sizeof tmp - p));
    return off + 8;
}

static size_t put_value(ntsec_buf *out, const ra_blob *b, size_t off, const ntsec_sid_ctx *ctx)
{
    size_t n;
    switch (b->type) {
    case CLAIM_INT64: case CLAIM_UINT64: case CLAIM_BOOLEAN:
        return put_integer(out, b, off);
    case CLAIM_STRING:
        if (!utf16z_length(b, off, &n)) return 0;
        ntsec_buf_putc(out, '"');
        if (!sddl_put_utf16(out, b->p + off, n, 0)) return 0;
        ntsec_buf_putc(out, '"');
        return off + n + 2;
    case CLAIM_SID: case CLAIM_OCTETS:
        return put_sized_value(out, b, off, ctx);
    default:
        return 0;
    }
}

static const char *type_code(uint16_t type)
{
    size_t i;
    for (i = 0; i < sizeof claim_codes / sizeof claim_codes[0]; i++)
        if (claim_codes[i].type == type) return claim_codes[i].code;
    return NULL;
}

static int put_head(ntsec_buf *out, const ra_blob *b)
{
    static const char digits[] = "0123456789abcdef";
    uint32_t name_off = ntsec_rd32(b->p);
    const char *code = type_code(b->type);
    char hex[8];
    size_t n, k = 0;
    uint32_t f = b->flags;
    if (!code || !utf16z_length(b, name_off, &n)) return 0;
    ntsec_buf_put(out, "(\"", 2);
    if (!sddl_put_utf16(out, b->p + name_off, n, 1)) return 0;
    ntsec_buf_put(out, "\",", 2);
    ntsec_buf_put(out, code, 2);
    ntsec_buf_put(out, ",0x", 3);
    do { hex[k++] = digits[f & 15]; f >>= 4; } while (f);
    while (k) ntsec_buf_putc(out, (uint8_t)hex[--k]);
    return 1;
}

NTSTATUS sddl_ra_format(ntsec_buf *out, const uint8_t *data, size_t len,
                        const ntsec_sid_ctx *ctx)
{
    ra_blob b;
    uint32_t i;
    size_t next;
    if (len < 16) return STATUS_NOT_SUPPORTED;
    b.p = data;
    b.len = len;
    b.type = ntsec_rd16(data + 4);
    b.flags = ntsec_rd32(data + 8);
    b.count = ntsec_rd32(data + 12);
    /* the text needs at least one value */
    if (b.count == 0 || b.count > (len - 16) / 4 || !put_head(out, &b)) return STATUS_NOT_SUPPORTED;
    next = 16 + 4 * (size_t)b.count;
    for (i = 0; i < b.count; i++) {
        size_t off = ntsec_rd32(data + 16 + 4 * i);
        /* Values must follow each other without overlap, as Windows packs
        ** them: otherwise offsets that share one long value would print
        ** text quadratic in the blob size (docs/sddl.md "Linear time"). */
        if (off < next) return STATUS_NOT_SUPPORTED;
        ntsec_buf_putc(out, ',');
        next = put_value(out, &b, off, ctx);
        if (!next) return STATUS_NOT_SUPPORTED;
    }
    ntsec_buf_putc(out, ')');
    return STATUS_SUCCESS;
}
