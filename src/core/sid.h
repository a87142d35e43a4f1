/*
** sid.h: security identifiers in binary form (sd_semantics.md 1.1) and their
** string forms (S-1-... and the SDDL two-letter aliases of 2.7).
**
** A SID is handled as a pointer to its wire bytes: revision, count,
** 6-byte big-endian authority, count little-endian u32 sub-authorities.
*/
#ifndef NTSEC_SID_H
#define NTSEC_SID_H

#include "ntsec_types.h"
#include "buf.h"

/* Context SIDs for the machine/domain/forest-relative aliases (2.7).
** Each is a binary SID or NULL; an alias whose context is NULL fails to parse
** with STATUS_INVALID_SID and such SIDs print numerically. */
typedef struct ntsec_sid_ctx {
    const uint8_t *machine_sid;  /* LA, LG */
    const uint8_t *domain_sid;   /* DA DU DG DC DD CA PA CN AP KA RS */
    const uint8_t *forest_sid;   /* SA EA EK RO; falls back to domain_sid */
} ntsec_sid_ctx;

/* Byte length of a SID whose header is readable: 8 + 4*count. */
static inline size_t ntsec_sid_len(const uint8_t *sid) { return 8u + 4u * sid[1]; }

/* RtlValidSid over at most avail bytes: revision 1, count <= 15, fits.
** Returns 1 when valid, 0 otherwise. */
int ntsec_sid_valid(const uint8_t *sid, size_t avail);

/* Byte-wise equality of two valid SIDs. */
int ntsec_sid_equal(const uint8_t *a, const uint8_t *b);

/* Parse one SID token (numeric S-... with Windows' wcstoul quirks of 2.7, or
** a case-insensitive alias resolved through ctx) from s[0..len).
** On success writes the binary SID to out (68 bytes room) and sets *consumed
** to the characters used; the caller decides what may follow. On failure
** the content of out is unspecified.
** Errors: STATUS_INVALID_SID (also for an alias whose context SID is absent). */
NTSTATUS ntsec_sid_parse(const char *s, size_t len, const ntsec_sid_ctx *ctx,
                         uint8_t out[68], size_t *consumed);

/* ConvertStringSidToSid: the whole string must be one SID (aliases allowed).
** Errors: STATUS_INVALID_SID. */
NTSTATUS ntsec_sid_from_string(const char *s, size_t len, const ntsec_sid_ctx *ctx,
                               uint8_t out[68]);

/* Append the canonical numeric form "S-1-5-32-544" (1.1: authority >= 2^32 as
** upper-case hex without padding). Never an alias. */
void ntsec_sid_format(ntsec_buf *out, const uint8_t *sid);

/* Append the SDDL form: the alias when one applies under ctx (2.7, 2.8.7),
** otherwise the numeric form. */
void ntsec_sid_format_sddl(ntsec_buf *out, const uint8_t *sid, const ntsec_sid_ctx *ctx);

#endif
