/*
** binary_fuzz.c: libFuzzer harness for the self-relative descriptor reader
** (issue #3).
**
** Whatever validates is kept byte for byte; every ACE of its ACLs decodes
** and re-encodes to identical bytes; rebuilding it from its parts in
** Windows' layout gives a valid descriptor with the same parts, and
** rebuilding that one again gives identical bytes; select and format do
** not fail on memory.
*/
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same_part(const uint8_t *a, const uint8_t *b, size_t n)
{
    if (!a || !b) return a == b;
    return memcmp(a, b, n) == 0;
}

static size_t sid_n(const uint8_t *sid) { return sid ? ntsec_sid_len(sid) : 0; }
static size_t acl_n(const uint8_t *acl) { return acl ? ntsec_acl_size(acl) : 0; }

/* built has the same control, owner, group and ACL bytes as sd. */
static void check_same_parts(const ntsec_sd *sd, const ntsec_sd *built)
{
    ntsec_sd_parts a, b;
    ntsec_sd_get_parts(sd, &a);
    ntsec_sd_get_parts(built, &b);
    FUZZ_CHECK(a.control == b.control && a.sbz1 == b.sbz1);
    FUZZ_CHECK(same_part(a.owner, b.owner, sid_n(a.owner)));
    FUZZ_CHECK(same_part(a.group, b.group, sid_n(a.group)));
    FUZZ_CHECK(same_part(a.sacl, b.sacl, acl_n(a.sacl)));
    FUZZ_CHECK(same_part(a.dacl, b.dacl, acl_n(a.dacl)));
}

/* parts -> Windows layout, twice: valid, same parts, then a fixed point. */
static void check_rebuild(const ntsec_sd *sd)
{
    ntsec_sd *built = NULL, *again = NULL, *checked = NULL;
    ntsec_sd_parts parts;
    ntsec_sd_get_parts(sd, &parts);
    FUZZ_CHECK(ntsec_sd_build(&parts, &built) == STATUS_SUCCESS);
    FUZZ_CHECK(ntsec_sd_from_bytes(built->bytes, built->len, &checked) == STATUS_SUCCESS);
    check_same_parts(sd, built);
    ntsec_sd_get_parts(built, &parts);
    FUZZ_CHECK(ntsec_sd_build(&parts, &again) == STATUS_SUCCESS);
    FUZZ_CHECK(ntsec_sd_equal(built, again));
    ntsec_sd_unref(checked);
    ntsec_sd_unref(again);
    ntsec_sd_unref(built);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ntsec_sid_ctx ctx = fuzz_ctx();
    ntsec_sd *sd = NULL, *sel = NULL;
    ntsec_sd_parts parts;
    ntsec_buf text;
    if (ntsec_sd_from_bytes(data, size, &sd) != STATUS_SUCCESS) return 0;
    FUZZ_CHECK(sd->len == size && memcmp(sd->bytes, data, size) == 0);
    ntsec_sd_get_parts(sd, &parts);
    fuzz_check_acl(parts.sacl);
    fuzz_check_acl(parts.dacl);
    check_rebuild(sd);
    FUZZ_CHECK(ntsec_sd_select(sd, 0xFFFFFFFFu, &sel) == STATUS_SUCCESS);
    ntsec_buf_init(&text);
    FUZZ_CHECK(ntsec_sddl_format(sd, 0xFFFF, &ctx, &text) != STATUS_NO_MEMORY);
    ntsec_buf_free(&text);
    ntsec_sd_unref(sel);
    ntsec_sd_unref(sd);
    return 0;
}
