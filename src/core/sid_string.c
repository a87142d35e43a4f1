/*
** sid_string.c: SID strings both ways (sd_semantics.md 1.1, 2.7).
**
** Numeric components follow Windows' wcstoul(..., 0)-like reading, with the
** quirks seen in Windows output (2.7): a "0x" revision switches every later
** component to hex, sub-authorities saturate at 0xFFFFFFFF, the authority
** takes up to 48 bits, and whitespace may precede the revision and the
** authority (as wcstoul skips it) but not a sub-authority.
*/
#include <string.h>

#include "sid.h"
#include "sddl_internal.h"
#include "sddl_tables.h"
#include "secdefs.h"
#include "status.h"

#define AUTHORITY_MAX 0xFFFFFFFFFFFFull

/* One number of a SID string. */
typedef struct sid_number {
    uint64_t value;   /* saturated at UINT64_MAX */
    int hex_prefix;   /* written as 0x... */
} sid_number;

static int is_space(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Digit value + 1 by character (0 = not a hex digit). */
static const uint8_t digit_plus1[256] = {
    ['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7, ['7'] = 8,
    ['8'] = 9, ['9'] = 10, ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15,
    ['F'] = 16, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
};

/* Value of a hex digit, or a value >= 16 for any other character. */
static unsigned digit_value(char c)
{
    return (unsigned)digit_plus1[(unsigned char)c] - 1u;
}

/* Base of a number at s[*pos] (0 = C rules: 0x hex, 0 octal, else decimal);
** skips a "0x" prefix that is followed by a hex digit. */
static int take_base(const char *s, size_t len, size_t *pos, int base, int *hex_prefix)
{
    size_t p = *pos;
    *hex_prefix = 0;
    if (p < len && s[p] != '0') return base ? base : 10;
    if ((base == 0 || base == 16) && p + 2 < len && (s[p + 1] | 0x20) == 'x'
        && digit_value(s[p + 2]) < 16) {
        *pos = p + 2;
        *hex_prefix = 1;
        return 16;
    }
    return base ? base : 8;
}

static uint64_t saturating_step(uint64_t v, unsigned b, unsigned d)
{
    if (v < UINT64_MAX / 16) return v * b + d;      /* cannot overflow */
    return v > (UINT64_MAX - d) / b ? UINT64_MAX : v * b + d;
}

/* Read one unsigned number at s[*pos] in base (0 = C rules). Fails when no
** digit follows. Overflow saturates. */
static int read_number(const char *s, size_t len, size_t *pos, int base, sid_number *n)
{
    size_t p = *pos, start;
    uint64_t v = 0;
    unsigned b = (unsigned)take_base(s, len, &p, base, &n->hex_prefix), d;
    start = p;
    if (b == 10) {                     /* fast path: 19 decimal digits cannot overflow */
        size_t stop = len - p > 19 ? p + 19 : len;
        for (; p < stop && (d = (unsigned)(unsigned char)s[p] - '0') < 10; p++) v = v * 10 + d;
    }
    for (; p < len && (d = digit_value(s[p])) < b; p++) v = saturating_step(v, b, d);
    if (p == start) return 0;
    n->value = v;
    *pos = p;
    return 1;
}

static void skip_spaces(const char *s, size_t len, size_t *pos)
{
    while (*pos < len && is_space(s[*pos])) (*pos)++;
}

static int take_dash(const char *s, size_t len, size_t *pos)
{
    if (*pos >= len || s[*pos] != '-') return 0;
    (*pos)++;
    return 1;
}

/* "S-rev-auth" header: returns the base for the sub-authorities, or 0. */
static int parse_header(const char *s, size_t len, size_t *pos, uint8_t out[68])
{
    sid_number rev, auth;
    int base, i;
    size_t p = 1;
    if (!take_dash(s, len, &p)) return 0;
    skip_spaces(s, len, &p);
    if (!read_number(s, len, &p, 0, &rev) || rev.value != SID_REVISION) return 0;
    base = rev.hex_prefix ? 16 : 0;
    if (!take_dash(s, len, &p)) return 0;
    skip_spaces(s, len, &p);
    if (!read_number(s, len, &p, base, &auth) || auth.value > AUTHORITY_MAX) return 0;
    out[0] = SID_REVISION;
    for (i = 0; i < 6; i++) out[2 + i] = (uint8_t)(auth.value >> (40 - 8 * i));
    *pos = p;
    return base ? base : -1;
}

static uint32_t read_plain_decimal(const char *s, size_t len, size_t p, size_t *end)
{
    uint64_t v = 0;
    unsigned d1, d2;
    for (; p + 1 < len; p += 2) {
        d1 = (unsigned)(unsigned char)s[p] - '0';
        d2 = (unsigned)(unsigned char)s[p + 1] - '0';
        if (d1 > 9 || d2 > 9) break;
        v = v * 100 + d1 * 10 + d2;
        if (v > 0xFFFFFFFFu) v = 0x100000000u;
    }
    if (p < len && (d1 = (unsigned)(unsigned char)s[p] - '0') <= 9) {
        v = v * 10 + d1;
        p++;
    }
    *end = p;
    return v > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)v;
}

/* One "-number" sub-authority at s[p]; returns 0 when malformed. */
static int read_sub(const char *s, size_t len, size_t *p, int base, uint32_t *value)
{
    size_t q = *p + 1;
    sid_number sub;
    if (base == 0 && q < len && s[q] >= '1' && s[q] <= '9') {
        *value = read_plain_decimal(s, len, q, p);
        return 1;
    }
    if (!read_number(s, len, &q, base, &sub)) return 0;
    *value = sub.value > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)sub.value;
    *p = q;
    return 1;
}

static NTSTATUS parse_numeric(const char *s, size_t len, uint8_t out[68], size_t *consumed)
{
    size_t p = 0;
    unsigned count = 0;
    uint32_t value;
    int base = parse_header(s, len, &p, out);
    if (!base) return STATUS_INVALID_SID;
    if (base < 0) base = 0;
    while (p < len && s[p] == '-') {
        if (count == SID_MAX_SUB_AUTHORITIES || !read_sub(s, len, &p, base, &value))
            return STATUS_INVALID_SID;
        ntsec_wr32(out + 8 + 4 * count, value);
        count++;
    }
    if (count == 0) return STATUS_INVALID_SID;
    out[1] = (uint8_t)count;
    *consumed = p;
    return STATUS_SUCCESS;
}

NTSTATUS ntsec_sid_parse(const char *s, size_t len, const ntsec_sid_ctx *ctx,
                         uint8_t out[68], size_t *consumed)
{
    size_t n;
    if (len >= 2 && (s[0] | 0x20) == 's' && s[1] == '-') return parse_numeric(s, len, out, consumed);
    if (len < 2 || sddl_alias_to_sid(sddl_key(s[0], s[1]), ctx, out, &n) != 1)
        return STATUS_INVALID_SID;
    *consumed = 2;
    return STATUS_SUCCESS;
}

NTSTATUS ntsec_sid_from_string(const char *s, size_t len, const ntsec_sid_ctx *ctx,
                               uint8_t out[68])
{
    uint8_t tmp[68];
    size_t used;
    NTSTATUS st = ntsec_sid_parse(s, len, ctx, tmp, &used);
    if (st != STATUS_SUCCESS) return st;
    if (used != len) return STATUS_INVALID_SID;
    memcpy(out, tmp, ntsec_sid_len(tmp));
    return STATUS_SUCCESS;
}

/* ---- formatting ---- */

static const char digit_pairs[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

static void put_pair(char *p, uint32_t v)
{
    p[0] = digit_pairs[2 * v];
    p[1] = digit_pairs[2 * v + 1];
}

/* Number of decimal digits of v. */
static unsigned decimal_width(uint32_t v)
{
    return 1u + (v >= 10u) + (v >= 100u) + (v >= 1000u) + (v >= 10000u) + (v >= 100000u)
           + (v >= 1000000u) + (v >= 10000000u) + (v >= 100000000u) + (v >= 1000000000u);
}

/* Decimal text of v at p; returns the end. Needs 10 bytes of room at p
** whatever the width: all ten digits are built at once in tmp from three
** independent divisions (a short dependency chain, unlike digit-by-digit),
** and the significant ones are moved with one fixed-size copy. */
static char *put_decimal(char *p, uint32_t v)
{
    char tmp[20];
    uint32_t lo, a, b;
    unsigned n;
    if (v < 100) {
        if (v < 10) { *p = (char)('0' + v); return p + 1; }
        put_pair(p, v);
        return p + 2;
    }
    lo = v % 100000000u;
    a = lo / 10000u;
    b = lo % 10000u;
    put_pair(tmp, v / 100000000u);          /* 0..42 */
    put_pair(tmp + 2, a / 100u);
    put_pair(tmp + 4, a % 100u);
    put_pair(tmp + 6, b / 100u);
    put_pair(tmp + 8, b % 100u);
    n = decimal_width(v);
    memcpy(p, tmp + 10 - n, 10);             /* bytes after the digits are scratch */
    return p + n;
}

/* "0x" + upper-case hex without padding (1.1). */
static char *put_upper_hex(char *p, uint64_t v)
{
    unsigned n = 1, i;
    while (n < 16 && (v >> (4 * n))) n++;
    *p++ = '0';
    *p++ = 'x';
    for (i = n; i-- > 0;) *p++ = "0123456789ABCDEF"[(v >> (4 * i)) & 15];
    return p;
}

char *sddl_sid_text(char *p, const uint8_t *sid)
{
    uint64_t auth = 0;
    unsigned i, count = sid[1] > SID_MAX_SUB_AUTHORITIES ? SID_MAX_SUB_AUTHORITIES : sid[1];
    for (i = 0; i < 6; i++) auth = (auth << 8) | sid[2 + i];
    *p++ = 'S';
    *p++ = '-';
    p = put_decimal(p, sid[0]);
    *p++ = '-';
    p = (auth >> 32) ? put_upper_hex(p, auth) : put_decimal(p, (uint32_t)auth);
    for (i = 0; i < count; i++) {
        *p++ = '-';
        p = put_decimal(p, ntsec_rd32(sid + 8 + 4 * i));
    }
    return p;
}

char *sddl_sid_text_sddl(char *p, const uint8_t *sid, const ntsec_sid_ctx *ctx)
{
    const char *alias = sddl_alias_of_sid(sid, ctx);
    if (!alias) return sddl_sid_text(p, sid);
    p[0] = alias[0];
    p[1] = alias[1];
    return p + 2;
}

void ntsec_sid_format(ntsec_buf *out, const uint8_t *sid)
{
    char tmp[SDDL_SID_TEXT_MAX];
    ntsec_buf_put(out, tmp, (size_t)(sddl_sid_text(tmp, sid) - tmp));
}

void ntsec_sid_format_sddl(ntsec_buf *out, const uint8_t *sid, const ntsec_sid_ctx *ctx)
{
    char tmp[SDDL_SID_TEXT_MAX];
    ntsec_buf_put(out, tmp, (size_t)(sddl_sid_text_sddl(tmp, sid, ctx) - tmp));
}
