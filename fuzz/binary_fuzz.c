/*
** binary_fuzz.c: libFuzzer harness for the self-relative descriptor reader.
** Whatever validates must rebuild (parts -> Windows layout) into a descriptor
** that validates again with equal parts, and select/format must not fail
** on memory (issue #3).
*/
#include <stdlib.h>
#include <string.h>

#include "sd.h"
#include "sddl.h"
#include "status.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ntsec_sd *sd = NULL, *built = NULL, *again = NULL;
    ntsec_sd_parts parts;
    ntsec_buf text;
    if (ntsec_sd_from_bytes(data, size, &sd) != STATUS_SUCCESS) return 0;
    if (sd->len != size || memcmp(sd->bytes, data, size) != 0) abort();
    ntsec_sd_get_parts(sd, &parts);
    if (ntsec_sd_build(&parts, &built) != STATUS_SUCCESS) abort();
    if (ntsec_sd_from_bytes(built->bytes, built->len, &again) != STATUS_SUCCESS) abort();
    if (!ntsec_sd_equal(built, again)) abort();
    ntsec_buf_init(&text);
    (void)ntsec_sddl_format(sd, 0xFFFF, NULL, &text);
    ntsec_buf_free(&text);
    ntsec_sd_unref(again);
    ntsec_sd_unref(built);
    ntsec_sd_unref(sd);
    return 0;
}
