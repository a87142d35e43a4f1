/*
** sddl_rights.c: the rights field of an ACE string (sd_semantics.md 2.6,
** 2.8.5).
**
** Parsing: either one number read like Windows' wcstoul(..., 0) (decimal,
** 0 octal, 0x hex; overflow saturates at 0xFFFFFFFF; a leading '-' negates
** the saturated value modulo 2^32) or two-letter tokens. Spaces may come
** before each token but not after the last one; a number must fill the
** field.
** Printing: algorithm 2.8.5 a-d, verified by Samba on 38,938 Windows ACEs.
*/
#include "sddl.h"
#include "sddl_internal.h"
#include "sddl_tables.h"
#include "secdefs.h"
#include "status.h"

static int is_digit(char c) { return c >= '0' && c <= '9'; }

static int hex_value(char c)
{
    if (is_digit(c)) return c - '0';
    c = (char)(c | 0x20);
    return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : 99;
}

size_t sddl_wcstoul(const char *s, size_t len, uint32_t *out)
{
    size_t p = 0, start;
    uint64_t v = 0;
    int neg = 0, base = 10, d;
    while (p < len && (s[p] == ' ' || (s[p] >= '\t' && s[p] <= '\r'))) p++;
    if (p < len && (s[p] == '-' || s[p] == '+')) neg = s[p++] == '-';
    if (p + 2 < len && s[p] == '0' && (s[p + 1] | 0x20) == 'x' && hex_value(s[p + 2]) < 16) {
        base = 16;
        p += 2;
    } else if (p < len && s[p] == '0') {
        base = 8;
    }
    start = p;
    for (; p < len && (d = hex_value(s[p])) < base; p++)
        if (v <= 0xFFFFFFFFu) v = v * (uint64_t)base + (uint64_t)d;
    if (p == start) return 0;
    if (v > 0xFFFFFFFFu) v = 0xFFFFFFFFu;
    *out = neg ? (uint32_t)(0u - (uint32_t)v) : (uint32_t)v;
    return p;
}

static int starts_number(const char *s, size_t len)
{
    size_t p = 0;
    while (p < len && s[p] == ' ') p++;
    return p < len && (is_digit(s[p]) || s[p] == '-' || s[p] == '+');
}

/* A number filling the field (up to ';' or len). */
static NTSTATUS scan_number(const char *s, size_t len, size_t *end, uint32_t *mask)
{
    uint32_t v;
    size_t p = sddl_wcstoul(s, len, &v);
    *end = p;
    if (p == 0 || (p < len && s[p] != ';')) return STATUS_INVALID_ACL;
    *mask = v;
    return STATUS_SUCCESS;
}

NTSTATUS sddl_rights_scan(const char *s, size_t len, size_t *end, uint32_t *mask)
{
    size_t p = 0;
    uint32_t m = 0, v;
    if (starts_number(s, len)) return scan_number(s, len, end, mask);
    while (p < len && s[p] != ';') {
        while (p < len && s[p] == ' ') p++;
        v = p + 1 < len ? sddl_rights_token(sddl_key(s[p], s[p + 1])) : 0;
        if (!v) {
            *end = p;
            return STATUS_INVALID_ACL;
        }
        m |= v;
        p += 2;
    }
    *end = p;
    *mask = m;
    return STATUS_SUCCESS;
}

NTSTATUS ntsec_sddl_parse_rights(const char *s, size_t len, uint32_t *mask)
{
    size_t end;
    uint32_t m;
    if (sddl_rights_scan(s, len, &end, &m) != STATUS_SUCCESS || end != len) return STATUS_INVALID_ACL;
    *mask = m;
    return STATUS_SUCCESS;
}

/* ---- printing (2.8.5) ---- */

#define NAMED_BITS 0xF00F01FFu

/* Composite names in Windows' test order (2.8.5 b). */
static const struct { uint32_t mask; char name[3]; } composites[] = {
    { FILE_ALL_ACCESS, "FA" }, { FILE_GENERIC_READ, "FR" }, { FILE_GENERIC_WRITE, "FW" },
    { FILE_GENERIC_EXECUTE, "FX" }, { 0x000F003Fu, "KA" }, { 0x00020019u, "KR" },
    { 0x00020006u, "KW" },
};

/* Names of the bits in ascending order (2.8.5 d). */
static const char bit_names[32][3] = {
    "CC", "DC", "LC", "SW", "RP", "WP", "DT", "LO", "CR", "", "", "", "", "", "", "",
    "SD", "RC", "WD", "WO", "", "", "", "", "", "", "", "", "GA", "GX", "GW", "GR",
};

static const char label_names[3][3] = { "NW", "NR", "NX" };

/* Index of the lowest set bit of m != 0 (de Bruijn multiply). */
static unsigned lowest_bit(uint32_t m)
{
    static const uint8_t index[32] = {
        0, 1, 28, 2, 29, 14, 24, 3, 30, 22, 20, 15, 25, 17, 4, 8,
        31, 27, 13, 23, 21, 19, 16, 7, 26, 12, 18, 6, 11, 5, 10, 9,
    };
    return index[((m & (0u - m)) * 0x077CB531u) >> 27];
}

static char *put_hex(char *p, uint32_t v)
{
    unsigned n = 1, i;
    while (n < 8 && (v >> (4 * n))) n++;
    *p++ = '0';
    *p++ = 'x';
    for (i = n; i-- > 0;) *p++ = "0123456789abcdef"[(v >> (4 * i)) & 15];
    return p;
}

char *sddl_rights_text(char *p, uint32_t mask, int label)
{
    unsigned i;
    uint32_t m;
    if (mask == 0) return p;
    for (i = 0; i < sizeof composites / sizeof composites[0]; i++)
        if (mask == composites[i].mask) {
            p[0] = composites[i].name[0];
            p[1] = composites[i].name[1];
            return p + 2;
        }
    if (mask & ~NAMED_BITS) return put_hex(p, mask);
    for (m = mask; m; m &= m - 1) {
        unsigned bit = lowest_bit(m);
        const char *name = (label && bit < 3) ? label_names[bit] : bit_names[bit];
        *p++ = name[0];
        *p++ = name[1];
    }
    return p;
}

void ntsec_sddl_format_rights(ntsec_buf *out, uint32_t mask)
{
    char tmp[SDDL_RIGHTS_TEXT_MAX];
    ntsec_buf_put(out, tmp, (size_t)(sddl_rights_text(tmp, mask, 0) - tmp));
}
