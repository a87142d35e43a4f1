/*
** sddl_fuzz.c: libFuzzer harness for the SDDL parser (issue #3).
**
** Any input: the parse succeeds or fails with an offset inside the input.
** Whatever parses is a valid descriptor whose ACEs re-encode to their own
** bytes; it formats, and its canonical text re-parses to the same
** descriptor and prints back to itself. The one documented difference
** (sd_semantics.md 2.10): a GUID-less OA/OD is written as A/D in an ACL of
** revision 4 with 4 bytes of slack, which its canonical text "(A;...)" no
** longer carries; the re-parse must then equal the descriptor with its
** ACLs rebuilt without slack.
*/
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_valid(const ntsec_sd *sd)
{
    ntsec_sd *copy = NULL;
    ntsec_sd_parts parts;
    FUZZ_CHECK(ntsec_sd_from_bytes(sd->bytes, sd->len, &copy) == STATUS_SUCCESS);
    ntsec_sd_unref(copy);
    ntsec_sd_get_parts(sd, &parts);
    fuzz_check_acl(parts.sacl);
    fuzz_check_acl(parts.dacl);
}

/* parse(format(sd)) == sd, up to the 2.10 slack. */
static void check_reparse(const ntsec_sd *sd, const ntsec_buf *text, const ntsec_sid_ctx *ctx)
{
    ntsec_sd *again = NULL, *plain = NULL;
    ntsec_buf text2;
    FUZZ_CHECK(ntsec_sddl_parse((const char *)text->data, text->len, ctx, &again, NULL)
               == STATUS_SUCCESS);
    if (!ntsec_sd_equal(sd, again)) {
        plain = fuzz_without_slack(sd);
        FUZZ_CHECK(ntsec_sd_equal(plain, again));
    }
    ntsec_buf_init(&text2);
    FUZZ_CHECK(ntsec_sddl_format(again, 0xFFFF, ctx, &text2) == STATUS_SUCCESS);
    FUZZ_CHECK(text->len == text2.len
               && (text->len == 0 || memcmp(text->data, text2.data, text->len) == 0));
    ntsec_buf_free(&text2);
    ntsec_sd_unref(plain);
    ntsec_sd_unref(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ntsec_sid_ctx ctx = fuzz_ctx();
    ntsec_sd *sd = NULL;
    ntsec_buf text;
    size_t off = 0;
    NTSTATUS st = ntsec_sddl_parse((const char *)data, size, &ctx, &sd, &off);
    if (st != STATUS_SUCCESS) {
        FUZZ_CHECK(off <= size && sd == NULL);
        return 0;
    }
    check_valid(sd);
    ntsec_buf_init(&text);
    st = ntsec_sddl_format(sd, 0xFFFF, &ctx, &text);
    FUZZ_CHECK(st == STATUS_SUCCESS);   /* everything the parser builds prints */
    check_reparse(sd, &text, &ctx);
    ntsec_sd_unref(sd);
    ntsec_buf_free(&text);
    return 0;
}
