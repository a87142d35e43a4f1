/*
** sddl_text.c: text pieces shared by conditional expressions and resource
** attributes (sd_semantics.md 2.11): UTF-8 <-> UTF-16LE, attribute names
** with %xxxx escapes, and 64-bit integer literals with their sign and base.
*/
#include <stdint.h>

#include "sddl_internal.h"
#include "status.h"

static unsigned hex_digit(char c)
{
    if (c >= '0' && c <= '9') return (unsigned)(c - '0');
    c = (char)(c | 0x20);
    return (c >= 'a' && c <= 'f') ? (unsigned)(c - 'a' + 10) : 16u;
}

/* ---- UTF-8 -> UTF-16LE ---- */

/* Length of the UTF-8 sequence led by byte c, 0 when c cannot lead one. */
static unsigned utf8_length(unsigned char c)
{
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) return 2;
    if (c >= 0xE0 && c <= 0xEF) return 3;
    if (c >= 0xF0 && c <= 0xF4) return 4;
    return 0;
}

/* Decode one scalar value at s[*i]; returns it or -1 (and leaves *i). */
static long utf8_next(const char *s, size_t len, size_t *i)
{
    const unsigned char *p = (const unsigned char *)s + *i;
    unsigned n = utf8_length(p[0]), k;
    unsigned long v;
    static const unsigned long min_of[5] = { 0, 0, 0x80, 0x800, 0x10000 };
    if (n == 0 || n > len - *i) return -1;
    v = n == 1 ? p[0] : (unsigned long)(p[0] & (0x7F >> n));
    for (k = 1; k < n; k++) {
        if ((p[k] & 0xC0) != 0x80) return -1;
        v = (v << 6) | (p[k] & 0x3F);
    }
    if (v < min_of[n] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return -1;
    *i += n;
    return (long)v;
}

static void put_unit(ntsec_buf *out, unsigned long u)
{
    ntsec_buf_put_u16(out, (uint16_t)u);
}

static void put_scalar(ntsec_buf *out, unsigned long v)
{
    if (v < 0x10000) {
        put_unit(out, v);
        return;
    }
    v -= 0x10000;
    put_unit(out, 0xD800 | (v >> 10));
    put_unit(out, 0xDC00 | (v & 0x3FF));
}

/* 1 when n more bytes of UTF-16 would exceed room counted from start. */
static int over_room(const ntsec_buf *out, size_t start, size_t n, size_t room)
{
    return out->len - start > room || n > room - (out->len - start);
}

int sddl_utf8_to_utf16_max(ntsec_buf *out, const char *s, size_t len, size_t room)
{
    size_t i = 0, start = out->len;
    while (i < len) {
        long v = utf8_next(s, len, &i);
        if (v < 0 || over_room(out, start, v < 0x10000 ? 2 : 4, room)) return 0;
        put_scalar(out, (unsigned long)v);
    }
    return 1;
}

int sddl_utf8_to_utf16(ntsec_buf *out, const char *s, size_t len)
{
    return sddl_utf8_to_utf16_max(out, s, len, SIZE_MAX);
}

int sddl_attr_name_to_utf16(ntsec_buf *out, const char *s, size_t len, size_t room)
{
    size_t i = 0, start = out->len;
    while (i < len) {
        if (s[i] == '%') {
            unsigned long u = 0;
            unsigned k, d;
            if (len - i < 5 || over_room(out, start, 2, room)) return 0;
            for (k = 1; k <= 4; k++) {
                if ((d = hex_digit(s[i + k])) > 15) return 0;
                u = (u << 4) | d;
            }
            put_unit(out, u);
            i += 5;
        } else {
            long v = utf8_next(s, len, &i);
            if (v < 0 || over_room(out, start, v < 0x10000 ? 2 : 4, room)) return 0;
            put_scalar(out, (unsigned long)v);
        }
    }
    return 1;
}

/* ---- UTF-16LE -> UTF-8 ---- */

static void put_utf8(ntsec_buf *out, unsigned long v)
{
    uint8_t b[4];
    size_t n;
    if (v < 0x80) { b[0] = (uint8_t)v; n = 1; }
    else if (v < 0x800) { b[0] = (uint8_t)(0xC0 | (v >> 6)); b[1] = (uint8_t)(0x80 | (v & 0x3F)); n = 2; }
    else if (v < 0x10000) {
        b[0] = (uint8_t)(0xE0 | (v >> 12));
        b[1] = (uint8_t)(0x80 | ((v >> 6) & 0x3F));
        b[2] = (uint8_t)(0x80 | (v & 0x3F));
        n = 3;
    } else {
        b[0] = (uint8_t)(0xF0 | (v >> 18));
        b[1] = (uint8_t)(0x80 | ((v >> 12) & 0x3F));
        b[2] = (uint8_t)(0x80 | ((v >> 6) & 0x3F));
        b[3] = (uint8_t)(0x80 | (v & 0x3F));
        n = 4;
    }
    ntsec_buf_put(out, b, n);
}

/* Characters a printed attribute name must escape so that it reads back
** the same (they end a name, or are '%' itself, or are not printable). */
static int name_needs_escape(unsigned long v)
{
    if (v <= 0x20 || v == 0x7F) return 1;
    switch (v) {
    case '!': case '&': case '(': case ')': case '<': case '>': case '=': case '|':
    case '"': case '%':
        return 1;
    default:
        return 0;
    }
}

static void put_escape(ntsec_buf *out, unsigned long u)
{
    static const char digits[] = "0123456789abcdef";
    char e[5];
    e[0] = '%';
    e[1] = digits[(u >> 12) & 15];
    e[2] = digits[(u >> 8) & 15];
    e[3] = digits[(u >> 4) & 15];
    e[4] = digits[u & 15];
    ntsec_buf_put(out, e, 5);
}

int sddl_put_utf16(ntsec_buf *out, const uint8_t *p, size_t nbytes, int as_name)
{
    size_t i;
    if (nbytes & 1) return 0;
    for (i = 0; i < nbytes; i += 2) {
        unsigned long u = ntsec_rd16(p + i), lo;
        if (u >= 0xD800 && u <= 0xDBFF && i + 3 < nbytes
            && (lo = ntsec_rd16(p + i + 2)) >= 0xDC00 && lo <= 0xDFFF) {
            put_utf8(out, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
            i += 2;
        } else if (as_name && (name_needs_escape(u) || (u >= 0xD800 && u <= 0xDFFF))) {
            put_escape(out, u);
        } else if (u == '"' || (u >= 0xD800 && u <= 0xDFFF)) {
            return 0;                   /* a string literal cannot hold these */
        } else {
            put_utf8(out, u);
        }
    }
    return 1;
}

/* ---- integers ---- */

size_t sddl_int_literal(const char *s, size_t len, sddl_int *v)
{
    size_t p = 0, start;
    uint64_t mag = 0;
    unsigned base = 10, d;
    v->sign = SDDL_SIGN_NONE;
    if (p < len && (s[p] == '-' || s[p] == '+')) v->sign = s[p++] == '-' ? SDDL_SIGN_MINUS : SDDL_SIGN_PLUS;
    if (p + 2 < len && s[p] == '0' && (s[p + 1] | 0x20) == 'x' && hex_digit(s[p + 2]) < 16) {
        base = 16;
        p += 2;
    } else if (p + 1 < len && s[p] == '0' && s[p + 1] >= '0' && s[p + 1] <= '9') {
        base = 8;
        p += 1;
    }
    start = p;
    for (; p < len && (d = hex_digit(s[p])) < base; p++) {
        if (mag > (UINT64_MAX - d) / base) return 0;      /* out of range */
        mag = mag * base + d;
    }
    if (p == start && base != 8) return 0;
    v->base = base == 8 ? SDDL_BASE_OCTAL : base == 10 ? SDDL_BASE_DECIMAL : SDDL_BASE_HEX;
    v->value = v->sign == SDDL_SIGN_MINUS ? 0u - mag : mag;
    return p;
}

void sddl_put_int(ntsec_buf *out, const sddl_int *v)
{
    static const char digits[] = "0123456789abcdef";
    char tmp[32], *p = tmp + sizeof tmp;
    /* Only the sign byte makes a value negative, as when it is compared
    ** (cond_value.c): an unsigned 2^63..2^64-1 prints unsigned and reads back. */
    int negative = v->sign == SDDL_SIGN_MINUS;
    uint64_t mag = negative ? 0u - v->value : v->value;
    unsigned base = v->base == SDDL_BASE_OCTAL ? 8 : v->base == SDDL_BASE_HEX ? 16 : 10;
    do {
        *--p = digits[mag % base];
        mag /= base;
    } while (mag);
    if (base == 16) { *--p = 'x'; *--p = '0'; }
    if (base == 8) *--p = '0';         /* octal zero prints "00": "0" reads as decimal */
    if (negative) *--p = '-';
    else if (v->sign == SDDL_SIGN_PLUS) *--p = '+';
    ntsec_buf_put(out, p, (size_t)(tmp + sizeof tmp - p));
}
