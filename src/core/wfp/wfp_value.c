/*
** wfp_value.c: FWP_VALUE0 types, names, comparisons and text forms
** (wfp_value.h; wfp_classify.md 1.4, 2.2).
*/
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "wfp_value.h"
#include "secdefs.h"
#include "sid.h"
#include "status.h"

/* ---- the type table: one row per FWP_DATA_TYPE ---- */

enum { T_UNSIGNED = 1, T_SIGNED = 2, T_SORTABLE = 4 };

typedef struct type_row {
    uint32_t type;
    const char *name;       /* as netsh prints <type> */
    const char *element;    /* the value element (UNCONFIRMED where the dumps never show it) */
    unsigned traits;
} type_row;

static const type_row type_rows[] = {
    { NTSEC_FWP_EMPTY, "FWP_EMPTY", NULL, 0 },
    { NTSEC_FWP_UINT8, "FWP_UINT8", "uint8", T_UNSIGNED | T_SORTABLE },
    { NTSEC_FWP_UINT16, "FWP_UINT16", "uint16", T_UNSIGNED | T_SORTABLE },
    { NTSEC_FWP_UINT32, "FWP_UINT32", "uint32", T_UNSIGNED | T_SORTABLE },
    { NTSEC_FWP_UINT64, "FWP_UINT64", "uint64", T_UNSIGNED | T_SORTABLE },
    { NTSEC_FWP_INT8, "FWP_INT8", "int8", T_SIGNED | T_SORTABLE },
    { NTSEC_FWP_INT16, "FWP_INT16", "int16", T_SIGNED | T_SORTABLE },
    { NTSEC_FWP_INT32, "FWP_INT32", "int32", T_SIGNED | T_SORTABLE },
    { NTSEC_FWP_INT64, "FWP_INT64", "int64", T_SIGNED | T_SORTABLE },
    { NTSEC_FWP_FLOAT, "FWP_FLOAT", "float32", T_SORTABLE },
    { NTSEC_FWP_DOUBLE, "FWP_DOUBLE", "double64", T_SORTABLE },
    { NTSEC_FWP_BYTE_ARRAY16_TYPE, "FWP_BYTE_ARRAY16_TYPE", "byteArray16", T_SORTABLE },
    { NTSEC_FWP_BYTE_BLOB_TYPE, "FWP_BYTE_BLOB_TYPE", "byteBlob", T_SORTABLE },
    { NTSEC_FWP_SID, "FWP_SID", "sid", 0 },
    { NTSEC_FWP_SECURITY_DESCRIPTOR_TYPE, "FWP_SECURITY_DESCRIPTOR_TYPE", "sd", 0 },
    { NTSEC_FWP_TOKEN_INFORMATION_TYPE, "FWP_TOKEN_INFORMATION_TYPE", "tokenInformation", 0 },
    { NTSEC_FWP_TOKEN_ACCESS_INFORMATION_TYPE, "FWP_TOKEN_ACCESS_INFORMATION_TYPE",
      "tokenAccessInformation", 0 },
    { NTSEC_FWP_UNICODE_STRING_TYPE, "FWP_UNICODE_STRING_TYPE", "unicodeString", T_SORTABLE },
    { NTSEC_FWP_BYTE_ARRAY6_TYPE, "FWP_BYTE_ARRAY6_TYPE", "byteArray6", 0 },
    { NTSEC_FWP_V4_ADDR_MASK, "FWP_V4_ADDR_MASK", "v4AddrMask", 0 },
    { NTSEC_FWP_V6_ADDR_MASK, "FWP_V6_ADDR_MASK", "v6AddrMask", 0 },
    { NTSEC_FWP_RANGE_TYPE, "FWP_RANGE_TYPE", "rangeValue", 0 },
};

#define NROWS (sizeof type_rows / sizeof type_rows[0])

static const type_row *row_of(uint32_t type)
{
    size_t i;
    for (i = 0; i < NROWS; i++)
        if (type_rows[i].type == type) return &type_rows[i];
    return NULL;
}

const char *ntsec_fwp_type_name(uint32_t type)
{
    const type_row *r = row_of(type);
    return r ? r->name : NULL;
}

uint32_t ntsec_fwp_type_from_name(const char *name, size_t len)
{
    size_t i;
    if (!name) return NTSEC_FWP_TYPE_UNKNOWN;
    for (i = 0; i < NROWS; i++)
        if (strlen(type_rows[i].name) == len && memcmp(type_rows[i].name, name, len) == 0)
            return type_rows[i].type;
    return NTSEC_FWP_TYPE_UNKNOWN;
}

const char *ntsec_fwp_type_element(uint32_t type)
{
    const type_row *r = row_of(type);
    return r ? r->element : NULL;
}

static unsigned traits_of(uint32_t type)
{
    const type_row *r = type < 0x100 && type < NROWS ? &type_rows[type] : row_of(type);
    return r ? r->traits : 0;
}

int ntsec_fwp_type_is_unsigned(uint32_t type) { return (traits_of(type) & T_UNSIGNED) != 0; }
int ntsec_fwp_type_is_sortable(uint32_t type) { return (traits_of(type) & T_SORTABLE) != 0; }

/* ---- comparisons ---- */

static int cmp_bytes(const uint8_t *a, size_t na, const uint8_t *b, size_t nb)
{
    size_t n = na < nb ? na : nb;
    int c = n ? memcmp(a, b, n) : 0;
    if (c) return c;
    return na < nb ? -1 : na > nb;
}

int ntsec_fwp_value_compare(const ntsec_fwp_value *a, const ntsec_fwp_value *b)
{
    unsigned t = traits_of(a->type);
    if (t & T_UNSIGNED) return a->n.u < b->n.u ? -1 : a->n.u > b->n.u;
    if (t & T_SIGNED) return a->n.i < b->n.i ? -1 : a->n.i > b->n.i;
    switch (a->type) {
    case NTSEC_FWP_FLOAT:
    case NTSEC_FWP_DOUBLE: return a->n.d < b->n.d ? -1 : a->n.d > b->n.d;
    case NTSEC_FWP_BYTE_ARRAY16_TYPE: return memcmp(a->n.a16, b->n.a16, 16);
    case NTSEC_FWP_BYTE_BLOB_TYPE:
    case NTSEC_FWP_UNICODE_STRING_TYPE: return cmp_bytes(a->p, a->len, b->p, b->len);
    default: return 0;
    }
}

int ntsec_fwp_value_equal(const ntsec_fwp_value *a, const ntsec_fwp_value *b)
{
    if (a->type != b->type) return 0;
    switch (a->type) {
    case NTSEC_FWP_EMPTY: return 1;
    case NTSEC_FWP_BYTE_ARRAY6_TYPE: return memcmp(a->n.a16, b->n.a16, 6) == 0;
    case NTSEC_FWP_V4_ADDR_MASK: return a->n.v4.addr == b->n.v4.addr && a->n.v4.mask == b->n.v4.mask;
    case NTSEC_FWP_V6_ADDR_MASK:
        return a->n.v6.prefix == b->n.v6.prefix && memcmp(a->n.v6.addr, b->n.v6.addr, 16) == 0;
    case NTSEC_FWP_SID: return a->len == b->len && ntsec_sid_equal(a->p, b->p);
    case NTSEC_FWP_SECURITY_DESCRIPTOR_TYPE:
    case NTSEC_FWP_TOKEN_INFORMATION_TYPE:
    case NTSEC_FWP_TOKEN_ACCESS_INFORMATION_TYPE:
    case NTSEC_FWP_TYPE_UNKNOWN:
        return a->len == b->len && a->obj == b->obj && (!a->len || memcmp(a->p, b->p, a->len) == 0);
    case NTSEC_FWP_BYTE_BLOB_TYPE:
    case NTSEC_FWP_UNICODE_STRING_TYPE:
        return a->len == b->len && (!a->len || memcmp(a->p, b->p, a->len) == 0);
    default:
        return ntsec_fwp_type_is_sortable(a->type) && ntsec_fwp_value_compare(a, b) == 0;
    }
}

/* ---- constructors ---- */

ntsec_fwp_value ntsec_fwp_uint(uint32_t type, uint64_t u)
{
    ntsec_fwp_value v;
    memset(&v, 0, sizeof v);
    v.type = type;
    v.n.u = u;
    return v;
}

ntsec_fwp_value ntsec_fwp_bytes(uint32_t type, const void *p, size_t len)
{
    ntsec_fwp_value v;
    memset(&v, 0, sizeof v);
    v.type = type;
    v.p = p;
    v.len = (uint32_t)len;
    return v;
}

ntsec_fwp_value ntsec_fwp_v4(uint32_t host_order_addr)
{
    return ntsec_fwp_uint(NTSEC_FWP_UINT32, host_order_addr);
}

ntsec_fwp_value ntsec_fwp_v6(const uint8_t addr[16])
{
    ntsec_fwp_value v;
    memset(&v, 0, sizeof v);
    v.type = NTSEC_FWP_BYTE_ARRAY16_TYPE;
    memcpy(v.n.a16, addr, 16);
    return v;
}

/* ---- text forms ---- */

int ntsec_fwp_parse_ipv4(const char *s, size_t len, uint32_t *out)
{
    char buf[16];
    struct in_addr a;
    if (len == 0 || len >= sizeof buf) return 0;
    memcpy(buf, s, len);
    buf[len] = 0;
    if (inet_pton(AF_INET, buf, &a) != 1) return 0;
    *out = ntohl(a.s_addr);
    return 1;
}

int ntsec_fwp_parse_ipv6(const char *s, size_t len, uint8_t out[16])
{
    char buf[64];
    if (len == 0 || len >= sizeof buf) return 0;
    memcpy(buf, s, len);
    buf[len] = 0;
    return inet_pton(AF_INET6, buf, out) == 1;
}

/* Decimal digits only (netsh prints integers in decimal), with overflow
** and range checks against max. */
static int parse_udec(const char *s, size_t len, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    size_t i;
    if (len == 0 || len > 20) return 0;
    for (i = 0; i < len; i++) {
        unsigned d = (unsigned)(s[i] - '0');
        if (d > 9 || v > (UINT64_MAX - d) / 10) return 0;
        v = v * 10 + d;
    }
    if (v > max) return 0;
    *out = v;
    return 1;
}

static int parse_sdec(const char *s, size_t len, int64_t lo, int64_t hi, int64_t *out)
{
    uint64_t m;
    int neg = len > 0 && s[0] == '-';
    if (!parse_udec(s + neg, len - (size_t)neg, (uint64_t)INT64_MAX + (uint64_t)neg, &m)) return 0;
    if (neg) {
        if (m > (uint64_t)INT64_MAX) *out = INT64_MIN;
        else *out = -(int64_t)m;
    } else {
        *out = (int64_t)m;
    }
    return *out >= lo && *out <= hi;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Hex digits, optionally separated by '-' or ':' between bytes. */
static int parse_hex(const char *s, size_t len, uint8_t *out, size_t cap, size_t *n)
{
    size_t i = 0, k = 0;
    while (i < len) {
        int hi, lo;
        if (k && (s[i] == '-' || s[i] == ':')) i++;
        if (i + 2 > len) return 0;
        hi = hexval(s[i]);
        lo = hexval(s[i + 1]);
        if (hi < 0 || lo < 0 || k == cap) return 0;
        out[k++] = (uint8_t)(hi << 4 | lo);
        i += 2;
    }
    *n = k;
    return 1;
}

uint16_t ntsec_fwp_fold16(uint16_t u)
{
    if ((u >= 'A' && u <= 'Z') || (u >= 0xC0 && u <= 0xDE && u != 0xD7)) return (uint16_t)(u + 0x20);
    return u;
}

long ntsec_fwp_utf16le(const char *s, size_t len, int lower, uint8_t *out, size_t cap)
{
    size_t i = 0, k = 0;
    while (i < len) {
        uint32_t c = (uint8_t)s[i];
        size_t extra = c < 0x80 ? 0 : c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 9;
        if (extra == 9 || i + extra >= len + (extra ? 0 : 1)) return -1;
        if (extra) c &= 0x3Fu >> extra;
        for (i++; extra; extra--, i++) {
            if (((uint8_t)s[i] & 0xC0) != 0x80) return -1;
            c = c << 6 | ((uint8_t)s[i] & 0x3F);
        }
        if (c >= 0x10000) {
            if (k + 4 > cap || c > 0x10FFFF) return -1;
            c -= 0x10000;
            ntsec_wr16(out + k, (uint16_t)(0xD800 | (c >> 10)));
            ntsec_wr16(out + k + 2, (uint16_t)(0xDC00 | (c & 0x3FF)));
            k += 4;
        } else {
            if (k + 2 > cap) return -1;
            ntsec_wr16(out + k, lower ? ntsec_fwp_fold16((uint16_t)c) : (uint16_t)c);
            k += 2;
        }
    }
    return (long)k;
}

static const uint64_t umax[5] = { 0, 0xFFu, 0xFFFFu, 0xFFFFFFFFu, UINT64_MAX };

static NTSTATUS parse_int(uint32_t type, const char *text, size_t len, int as_address,
                          ntsec_fwp_value *v, const char **err)
{
    static const int64_t smax[4] = { 127, 32767, 2147483647, INT64_MAX };
    if (type <= NTSEC_FWP_UINT64) {
        uint32_t a;
        if (type == NTSEC_FWP_UINT32 && as_address && memchr(text, '.', len)) {
            if (!ntsec_fwp_parse_ipv4(text, len, &a)) { *err = "not a dotted-quad IPv4 address"; return STATUS_INVALID_PARAMETER; }
            v->n.u = a;
            return STATUS_SUCCESS;
        }
        if (!parse_udec(text, len, umax[type], &v->n.u)) { *err = "not an unsigned decimal of the type's width"; return STATUS_INVALID_PARAMETER; }
        return STATUS_SUCCESS;
    }
    {
        int64_t hi = smax[type - NTSEC_FWP_INT8];
        if (!parse_sdec(text, len, -hi - 1, hi, &v->n.i)) { *err = "not a signed decimal of the type's width"; return STATUS_INVALID_PARAMETER; }
    }
    return STATUS_SUCCESS;
}

static NTSTATUS parse_var(uint32_t type, const char *text, size_t len, uint8_t *scratch,
                          size_t cap, size_t *used, ntsec_fwp_value *v, const char **err)
{
    size_t n = 0;
    long w;
    switch (type) {
    case NTSEC_FWP_BYTE_BLOB_TYPE:
        if (len / 2 > cap) return STATUS_BUFFER_TOO_SMALL;
        if (!parse_hex(text, len, scratch, cap, &n)) { *err = "byte blob data is not hex"; return STATUS_INVALID_PARAMETER; }
        break;
    case NTSEC_FWP_SID:
        if (cap < SECURITY_MAX_SID_SIZE) return STATUS_BUFFER_TOO_SMALL;
        if (ntsec_sid_from_string(text, len, NULL, scratch) != STATUS_SUCCESS) { *err = "not a SID string"; return STATUS_INVALID_PARAMETER; }
        n = ntsec_sid_len(scratch);
        break;
    case NTSEC_FWP_UNICODE_STRING_TYPE:
        w = ntsec_fwp_utf16le(text, len, 0, scratch, cap);
        if (w < 0) { *err = "string is not UTF-8 or does not fit"; return STATUS_INVALID_PARAMETER; }
        n = (size_t)w;
        break;
    default:
        return STATUS_NOT_SUPPORTED;
    }
    v->p = scratch;
    v->len = (uint32_t)n;
    *used = n;
    return STATUS_SUCCESS;
}

NTSTATUS ntsec_fwp_value_parse(uint32_t type, const char *text, size_t len, int as_address,
                               uint8_t *scratch, size_t cap, size_t *used,
                               ntsec_fwp_value *value, const char **err)
{
    ntsec_fwp_value v;
    size_t n = 0;
    NTSTATUS st = STATUS_SUCCESS;
    const char *why = NULL;
    memset(&v, 0, sizeof v);
    v.type = type;
    *used = 0;
    if (type >= NTSEC_FWP_UINT8 && type <= NTSEC_FWP_INT64) {
        st = parse_int(type, text, len, as_address, &v, &why);
    } else if (type == NTSEC_FWP_BYTE_ARRAY16_TYPE) {
        if (!ntsec_fwp_parse_ipv6(text, len, v.n.a16) && !(parse_hex(text, len, v.n.a16, 16, &n) && n == 16)) {
            why = "not an IPv6 address or 16 hex bytes";
            st = STATUS_INVALID_PARAMETER;
        }
    } else if (type == NTSEC_FWP_BYTE_ARRAY6_TYPE) {
        if (!parse_hex(text, len, v.n.a16, 6, &n) || n != 6) {
            why = "not 6 hex bytes";
            st = STATUS_INVALID_PARAMETER;
        }
    } else if (type == NTSEC_FWP_EMPTY) {
        if (len) { why = "FWP_EMPTY carries no value"; st = STATUS_INVALID_PARAMETER; }
    } else {
        st = parse_var(type, text, len, scratch, cap, used, &v, &why);
    }
    if (st == STATUS_SUCCESS) *value = v;
    else if (err) *err = why ? why : "no text form for this type";
    return st;
}
