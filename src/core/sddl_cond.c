/* temporary */
#include "sddl_internal.h"
#include "status.h"
NTSTATUS sddl_cond_parse(const char *s, size_t len, const ntsec_sid_ctx *ctx,
                         ntsec_buf *out, size_t *consumed)
{ *consumed = 0; return STATUS_NOT_SUPPORTED; }
NTSTATUS sddl_cond_format(ntsec_buf *out, const uint8_t *data, size_t len,
                          const ntsec_sid_ctx *ctx)
{ return STATUS_NOT_SUPPORTED; }
NTSTATUS sddl_ra_parse(const char *s, size_t len, const ntsec_sid_ctx *ctx,
                       ntsec_buf *out, size_t *consumed)
{ *consumed = 0; return STATUS_NOT_SUPPORTED; }
NTSTATUS sddl_ra_format(ntsec_buf *out, const uint8_t *data, size_t len,
                        const ntsec_sid_ctx *ctx)
{ return STATUS_NOT_SUPPORTED; }
