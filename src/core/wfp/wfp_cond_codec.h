/*
** wfp_cond_codec.h: a filter's conditions as bytes, for the store
** (docs/wfp.md, "Persistence": the format). Internal to src/core/wfp.
**
** Every value type wfp_value.h represents is kept: integers, FLOAT/DOUBLE
** (their bits), byte arrays, blobs, SIDs, UTF-16 strings, address masks,
** ranges (low and high each with its own type), descriptors (their
** self-relative bytes), TOKEN_* values (their bytes; a flow principal is
** never part of a stored filter) and the text of an unknown type with its
** name. Names of unknown fields and match types are kept too.
*/
#ifndef NTSEC_WFP_COND_CODEC_H
#define NTSEC_WFP_COND_CODEC_H

#include "ntsec_types.h"
#include "buf.h"
#include "wfp_cond.h"

/* Format version written as the first byte. */
#define WFP_CONDS_FORMAT 1

/* Append the encoding of n conditions to out (check ntsec_buf_status).
** Errors: STATUS_INVALID_PARAMETER (a descriptor value without its
** descriptor, a variable-size value without bytes). */
NTSTATUS wfp_conds_encode(const ntsec_wfp_condition *c, uint32_t n, ntsec_buf *out);

/* Decoded conditions: variable-size values borrow from the input bytes;
** descriptor values hold a new reference each (released by _free). */
typedef struct wfp_conds_decoded {
    ntsec_wfp_condition *conds;
    uint32_t count;
    ntsec_sd **sds;
    uint32_t n_sds;
} wfp_conds_decoded;

/* Decode len bytes. On failure *offset is where the input went wrong and
** *why says what was expected there; nothing is allocated then.
** Errors: STATUS_FILE_CORRUPT_ERROR (malformed, truncated, trailing bytes,
** unknown format version, a SID or descriptor that does not parse),
** STATUS_NO_MEMORY. */
NTSTATUS wfp_conds_decode(const uint8_t *p, size_t len, wfp_conds_decoded *out, size_t *offset,
                          const char **why);
void wfp_conds_decoded_free(wfp_conds_decoded *d);

#endif
