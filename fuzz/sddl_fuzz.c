/*
** sddl_fuzz.c: libFuzzer harness for the SDDL parser. Whatever parses must
** format, and the canonical text must re-parse and print back to itself
** (parse -> format -> parse consistency, issue #3). Bytes may differ once:
** a GUID-less OA/OD is written as A/D with revision 4 and slack
** (sd_semantics.md 2.10), which its canonical text no longer carries.
*/
#include <stdlib.h>
#include <string.h>

#include "sddl.h"
#include "status.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t domain[] = {1, 4, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0};
    ntsec_sid_ctx ctx = {domain, domain, domain};
    ntsec_sd *sd = NULL, *again = NULL;
    ntsec_buf text, text2;
    size_t off = 0;
    if (ntsec_sddl_parse((const char *)data, size, &ctx, &sd, &off) != STATUS_SUCCESS) {
        if (off > size) abort();
        return 0;
    }
    ntsec_buf_init(&text);
    ntsec_buf_init(&text2);
    if (ntsec_sddl_format(sd, 0xFFFF, &ctx, &text) == STATUS_SUCCESS) {
        if (ntsec_sddl_parse((const char *)text.data, text.len, &ctx, &again, NULL) != STATUS_SUCCESS) abort();
        if (ntsec_sddl_format(again, 0xFFFF, &ctx, &text2) != STATUS_SUCCESS) abort();
        if (text.len != text2.len || (text.len && memcmp(text.data, text2.data, text.len) != 0)) abort();
    }
    ntsec_sd_unref(again);
    ntsec_sd_unref(sd);
    ntsec_buf_free(&text);
    ntsec_buf_free(&text2);
    return 0;
}
