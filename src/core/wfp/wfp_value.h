/*
** wfp_value.h: FWP_VALUE0 / FWP_CONDITION_VALUE0 typed values
** (wfp_classify.md 1.4, 2.2; SDK fwptypes.h) and the comparisons the match
** types are built from.
**
** A value is a tagged union that borrows its variable-size bytes (blob,
** SID, UTF-16 string, the dump's text of an unsupported type) from its
** owner (a filter set's arena, or the caller for flows). Descriptor values
** point at a parsed ntsec_sd. Types the dumps never use as condition values
** are still representable; text of a type ntsec does not know is kept with
** its name (NTSEC_FWP_TYPE_UNKNOWN) so nothing is dropped.
*/
#ifndef NTSEC_WFP_VALUE_H
#define NTSEC_WFP_VALUE_H

#include "ntsec_types.h"
#include "sd.h"

/* FWP_DATA_TYPE (fwptypes.h), values as in the SDK. */
typedef enum ntsec_fwp_type {
    NTSEC_FWP_EMPTY = 0,
    NTSEC_FWP_UINT8 = 1,
    NTSEC_FWP_UINT16 = 2,
    NTSEC_FWP_UINT32 = 3,
    NTSEC_FWP_UINT64 = 4,
    NTSEC_FWP_INT8 = 5,
    NTSEC_FWP_INT16 = 6,
    NTSEC_FWP_INT32 = 7,
    NTSEC_FWP_INT64 = 8,
    NTSEC_FWP_FLOAT = 9,
    NTSEC_FWP_DOUBLE = 10,
    NTSEC_FWP_BYTE_ARRAY16_TYPE = 11,
    NTSEC_FWP_BYTE_BLOB_TYPE = 12,
    NTSEC_FWP_SID = 13,
    NTSEC_FWP_SECURITY_DESCRIPTOR_TYPE = 14,
    NTSEC_FWP_TOKEN_INFORMATION_TYPE = 15,
    NTSEC_FWP_TOKEN_ACCESS_INFORMATION_TYPE = 16,
    NTSEC_FWP_UNICODE_STRING_TYPE = 17,
    NTSEC_FWP_BYTE_ARRAY6_TYPE = 18,
    NTSEC_FWP_V4_ADDR_MASK = 0x100,
    NTSEC_FWP_V6_ADDR_MASK = 0x101,
    NTSEC_FWP_RANGE_TYPE = 0x102,
    NTSEC_FWP_TYPE_UNKNOWN = 0xFFFF    /* ntsec: a type name it does not know; text kept */
} ntsec_fwp_type;

/* One typed value. Which member is read depends on type:
**   UINT8..UINT64: u (zero-extended); INT8..INT64: i; FLOAT/DOUBLE: d;
**   BYTE_ARRAY16: a16 (network order for IPv6); BYTE_ARRAY6: a16[0..6);
**   V4_ADDR_MASK: v4 (host order); V6_ADDR_MASK: v6;
**   BYTE_BLOB, SID, UNICODE_STRING (UTF-16LE, no NUL): p, len;
**   SECURITY_DESCRIPTOR: obj = const ntsec_sd * (and p, len = its bytes);
**   TOKEN_*: obj = the flow's const ntsec_wfp_principal * (wfp_cond.h);
**   TYPE_UNKNOWN: p, len = the dump's text, name = its type name. */
typedef struct ntsec_fwp_value {
    uint32_t type;
    uint32_t len;
    union {
        uint64_t u;
        int64_t i;
        double d;
        uint8_t a16[16];
        struct { uint32_t addr, mask; } v4;
        struct { uint8_t addr[16]; uint8_t prefix; } v6;
    } n;
    const uint8_t *p;
    const void *obj;
    const char *name;
} ntsec_fwp_value;

/* FWP_DATA_TYPE name <-> value ("FWP_UINT8", "FWP_BYTE_BLOB_TYPE", ...),
** the names netsh prints. Unknown: NULL / NTSEC_FWP_TYPE_UNKNOWN. */
const char *ntsec_fwp_type_name(uint32_t type);
uint32_t ntsec_fwp_type_from_name(const char *name, size_t len);

/* Element name netsh uses for a value of the type ("uint8", "byteBlob",
** "sd", "rangeValue", ...; wfp_classify.md 1.4), or NULL. */
const char *ntsec_fwp_type_element(uint32_t type);

/* Unsigned integer type (FLAGS_* match types accept only these). */
int ntsec_fwp_type_is_unsigned(uint32_t type);
/* "Sortable" (GREATER..LESS_OR_EQUAL, RANGE, NOT_EQUAL; SA-MATCH): the
** integers, FLOAT, DOUBLE, BYTE_ARRAY16, BYTE_BLOB, UNICODE_STRING. */
int ntsec_fwp_type_is_sortable(uint32_t type);

/* Three-way comparison of two values of the same sortable type (unsigned
** integers unsigned, INT* signed, BYTE_ARRAY16 as 16 big-endian bytes,
** blobs and strings bytewise then by length; wfp_classify.md 2.2).
** Returns <0, 0, >0; 0 for types that do not sort. */
int ntsec_fwp_value_compare(const ntsec_fwp_value *a, const ntsec_fwp_value *b);

/* EQUAL of two values of the same type (SID: EqualSid; SD: same bytes;
** blobs: same size and bytes). Different types: 0. */
int ntsec_fwp_value_equal(const ntsec_fwp_value *a, const ntsec_fwp_value *b);

/* Constructors for flows and tests (no allocation; p borrowed). */
ntsec_fwp_value ntsec_fwp_uint(uint32_t type, uint64_t u);
ntsec_fwp_value ntsec_fwp_bytes(uint32_t type, const void *p, size_t len);
ntsec_fwp_value ntsec_fwp_v4(uint32_t host_order_addr);
ntsec_fwp_value ntsec_fwp_v6(const uint8_t addr[16]);

/* Text of one value as netsh prints it (wfp_classify.md 1.4) -> value.
** as_address: the field is an IP address (UINT32 then takes a dotted quad as
** well as a decimal). Variable-size results (blob bytes, SID, UTF-16) are
** written to scratch[0..cap) and value->p points there; *used = bytes used.
** SECURITY_DESCRIPTOR and RANGE are not handled here (wfp_cond.h).
** Errors: STATUS_INVALID_PARAMETER (text not of the type; *err names why),
** STATUS_BUFFER_TOO_SMALL (scratch), STATUS_NOT_SUPPORTED (a type with no
** documented text form: TOKEN_*, FLOAT/DOUBLE; the caller keeps it as
** TYPE_UNKNOWN). */
NTSTATUS ntsec_fwp_value_parse(uint32_t type, const char *text, size_t len, int as_address,
                               uint8_t *scratch, size_t cap, size_t *used,
                               ntsec_fwp_value *value, const char **err);

/* UTF-8 -> UTF-16LE (no NUL added) into out[0..cap), lower-casing ASCII and
** Latin-1 letters when lower is set (ntsec_fwp_fold16). Returns the byte
** count, or -1 for invalid UTF-8 or when out is too small. */
long ntsec_fwp_utf16le(const char *s, size_t len, int lower, uint8_t *out, size_t cap);
/* Case folding of one UTF-16 unit as used by EQUAL_CASE_INSENSITIVE and
** app ids: ASCII A-Z and Latin-1 U+00C0-U+00DE (not U+00D7) -> lower case. */
uint16_t ntsec_fwp_fold16(uint16_t u);

/* Dotted quad "a.b.c.d" -> host-order UINT32. Returns 1 on success. */
int ntsec_fwp_parse_ipv4(const char *s, size_t len, uint32_t *out);
/* IPv6 text -> 16 network-order bytes. Returns 1 on success. */
int ntsec_fwp_parse_ipv6(const char *s, size_t len, uint8_t out[16]);

#endif
