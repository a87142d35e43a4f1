/*
** wfp_flags.h: the symbolic values a netsh dump prints for flags, action
** types and IP versions (SDK fwpmtypes.h / fwptypes.h / fwpstypes.h values).
*/
#ifndef NTSEC_WFP_FLAGS_H
#define NTSEC_WFP_FLAGS_H

#include "ntsec_types.h"

/* One flag token s[0..len): a known FWPM_*_FLAG_* / FWPS_*_FLAG_* name, or
** 1-8 hex digits as netsh prints unnamed bits ("00000020").
** Returns 1 and sets *value, or 0 when the token is unknown. */
int ntsec_wfp_flag_parse(const char *s, size_t len, uint32_t *value);

/* FWP_ACTION_* name (e.g. "FWP_ACTION_CALLOUT_INSPECTION" -> 0x6004).
** Returns 1 and sets *value, or 0. */
int ntsec_wfp_action_parse(const char *s, size_t len, uint32_t *value);

/* FWPM_PROVIDER_CONTEXT_TYPE name ("FWPM_GENERAL_CONTEXT" -> 8) and back
** (NULL for a value out of range). Returns 1 and sets *value, or 0. */
int ntsec_wfp_context_type_parse(const char *s, size_t len, uint32_t *value);
const char *ntsec_wfp_context_type_name(uint32_t type);

/* FWP_IP_VERSION_V4 / _V6 / _NONE -> 0 / 1 / 2. Returns 1 or 0. */
int ntsec_wfp_ip_version_parse(const char *s, size_t len, uint32_t *value);

#endif
