/*
** ntsec_types.h: the few types every part of the C core shares.
**
** NTSTATUS is the one internal error currency: every fallible core function
** returns one and leaves its inputs untouched on failure (shared/DESIGN.md).
** Status values are defined in status_codes.h (generated from status.tsv).
*/
#ifndef NTSEC_TYPES_H
#define NTSEC_TYPES_H

#include <stddef.h>
#include <stdint.h>

/* NTSTATUS as a bit pattern; severity is in the top two bits ([MS-ERREF] 2.3). */
typedef uint32_t NTSTATUS;

/* Windows' NT_SUCCESS: success and informational codes (severity 0 or 1). */
#define NT_SUCCESS(s) ((uint32_t)(s) < 0x80000000u)

/* SECURITY_INFORMATION (winnt.h; shared/spec/sd_semantics.md 4.2). */
typedef uint32_t SECURITY_INFORMATION;

/* A GUID in its 16-byte wire order (Data1..3 little-endian, Data4 as is). */
typedef struct ntsec_guid {
    uint8_t b[16];
} ntsec_guid;

/* ACCESS_MASK (winnt.h). */
typedef uint32_t ACCESS_MASK;

#endif
