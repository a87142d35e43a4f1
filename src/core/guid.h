/*
** guid.h: GUIDs in text form (UuidToString layout, sd_semantics.md 1.4, 2.3).
*/
#ifndef NTSEC_GUID_H
#define NTSEC_GUID_H

#include "ntsec_types.h"

/* Parse exactly 36 characters "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (hex
** digits of either case) into wire order. Returns 1 on success, 0 otherwise. */
int ntsec_guid_parse36(const char *s, ntsec_guid *g);

/* Parse the 36-character form, optionally wrapped in braces ("{...}", 38).
** Returns 1 on success, 0 otherwise. */
int ntsec_guid_parse(const char *s, size_t len, ntsec_guid *g);

/* Write the lower-case 36-character form plus NUL into out[37]. */
void ntsec_guid_format(const ntsec_guid *g, char out[37]);

/* 1 when all 16 bytes are zero (GUID_NULL). */
int ntsec_guid_is_null(const ntsec_guid *g);

#endif
