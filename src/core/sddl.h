/*
** sddl.h: Security Descriptor Definition Language, both ways
** (sd_semantics.md 2: ConvertStringSecurityDescriptorToSecurityDescriptorW
** and ConvertSecurityDescriptorToStringSecurityDescriptorW, revision 1).
*/
#ifndef NTSEC_SDDL_H
#define NTSEC_SDDL_H

#include "ntsec_types.h"
#include "buf.h"
#include "sd.h"
#include "sid.h"

/* Parse SDDL s[0..len) (UTF-8; not NUL-terminated) into a new self-relative
** descriptor laid out as Windows' parser writes it (2.10).
** On failure *err_offset (if non-NULL) receives the byte offset where parsing
** stopped. Errors (2.12, as NTSTATUS): STATUS_INVALID_PARAMETER (structure,
** unknown section), STATUS_INVALID_ACL (bad ACE, rights token, field count),
** STATUS_INVALID_SID (bad O:/G: SID or unresolvable alias),
** STATUS_NOT_SUPPORTED (a construct ntsec does not implement yet; listed in
** docs/), STATUS_NO_MEMORY. */
NTSTATUS ntsec_sddl_parse(const char *s, size_t len, const ntsec_sid_ctx *ctx,
                          ntsec_sd **out, size_t *err_offset);

/* Append the canonical SDDL of the parts selected by si (2.8) to out.
** si = 0xFFFF selects everything (what the Windows vectors used).
** Errors: STATUS_NOT_SUPPORTED for ACE bodies it cannot print, STATUS_NO_MEMORY. */
NTSTATUS ntsec_sddl_format(const ntsec_sd *sd, SECURITY_INFORMATION si,
                           const ntsec_sid_ctx *ctx, ntsec_buf *out);

/* Parse a rights field (2.6) s[0..len): named tokens or a number.
** Errors: STATUS_INVALID_ACL. */
NTSTATUS ntsec_sddl_parse_rights(const char *s, size_t len, uint32_t *mask);

/* Append the canonical rights string of mask (2.8.5). */
void ntsec_sddl_format_rights(ntsec_buf *out, uint32_t mask);

#endif
