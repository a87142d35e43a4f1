/*
** fuzz_common.h: checks shared by the descriptor fuzz harnesses (issue #3).
** Every check aborts on a broken invariant so libFuzzer records the input.
*/
#ifndef NTSEC_FUZZ_COMMON_H
#define NTSEC_FUZZ_COMMON_H

#include <stdlib.h>
#include <string.h>

#include "acl.h"
#include "sd.h"
#include "sddl.h"
#include "secdefs.h"
#include "sid.h"
#include "status.h"

#define FUZZ_CHECK(cond) do { if (!(cond)) abort(); } while (0)

/* S-1-5-21-1-2-3: domain, machine and forest SID of every harness, so
** that all context-relative aliases resolve and print back. */
static const uint8_t fuzz_domain_sid[] = {1, 4, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 1, 0, 0, 0,
                                          2, 0, 0, 0, 3, 0, 0, 0};

static inline ntsec_sid_ctx fuzz_ctx(void)
{
    ntsec_sid_ctx ctx = {fuzz_domain_sid, fuzz_domain_sid, fuzz_domain_sid};
    return ctx;
}

/* Encode one decoded ACE alone and compare with its stored bytes. The
** object flags word is recomputed on encode (docs/binary.md choice 9), so
** only its two defined bits are compared. */
static inline void fuzz_check_ace_reencodes(const ntsec_ace *a, const uint8_t *stored)
{
    ntsec_buf b;
    ntsec_acl_builder ab;
    const uint8_t *got;
    ntsec_buf_init(&b);
    ntsec_acl_begin(&ab, &b);
    ntsec_acl_add(&ab, a);
    FUZZ_CHECK(ntsec_acl_end(&ab, 0) == STATUS_SUCCESS);
    FUZZ_CHECK(b.len == (size_t)NTSEC_ACL_HEADER_SIZE + a->size);
    got = b.data + NTSEC_ACL_HEADER_SIZE;
    if (ntsec_ace_is_object_type(a->type)) {
        FUZZ_CHECK(memcmp(got, stored, 8) == 0);
        FUZZ_CHECK(ntsec_rd32(got + 8) == (ntsec_rd32(stored + 8) & 3u));
        FUZZ_CHECK(memcmp(got + 12, stored + 12, a->size - 12u) == 0);
    } else {
        FUZZ_CHECK(memcmp(got, stored, a->size) == 0);
    }
    ntsec_buf_free(&b);
}

/* A valid ACL: iteration visits exactly AceCount ACEs, each re-encodes to
** its own bytes, and the sizes add up within AclSize. */
static inline void fuzz_check_acl(const uint8_t *acl)
{
    ntsec_acl_iter it;
    ntsec_ace a;
    size_t off = NTSEC_ACL_HEADER_SIZE;
    if (!acl) return;
    ntsec_acl_iter_init(&it, acl);
    while (ntsec_acl_next(&it, &a)) {
        fuzz_check_ace_reencodes(&a, acl + off);
        off += a.size;
    }
    FUZZ_CHECK(it.index == ntsec_acl_count(acl));
    FUZZ_CHECK(off <= ntsec_acl_size(acl));
}

/* The ACL rebuilt from its ACEs with no slack and the builder's revision:
** what parsing its canonical SDDL yields (sd_semantics.md 2.10). */
static inline void fuzz_put_plain_acl(ntsec_buf *b, const uint8_t *acl)
{
    ntsec_acl_iter it;
    ntsec_acl_builder ab;
    ntsec_ace a;
    ntsec_acl_begin(&ab, b);
    ntsec_acl_iter_init(&it, acl);
    while (ntsec_acl_next(&it, &a)) ntsec_acl_add(&ab, &a);
    FUZZ_CHECK(ntsec_acl_end(&ab, 0) == STATUS_SUCCESS);
}

/* sd with every ACL replaced by its plain rebuild (slack and forced
** revision 4 dropped); caller unrefs. */
static inline ntsec_sd *fuzz_without_slack(const ntsec_sd *sd)
{
    ntsec_sd_parts parts;
    ntsec_buf b;
    ntsec_sd *out = NULL;
    size_t dacl_at = 0;
    ntsec_sd_get_parts(sd, &parts);
    ntsec_buf_init(&b);
    if (parts.sacl) fuzz_put_plain_acl(&b, parts.sacl);
    dacl_at = b.len;
    if (parts.dacl) fuzz_put_plain_acl(&b, parts.dacl);
    FUZZ_CHECK(b.oom == 0);
    if (parts.sacl) parts.sacl = b.data;
    if (parts.dacl) parts.dacl = b.data + dacl_at;
    FUZZ_CHECK(ntsec_sd_build(&parts, &out) == STATUS_SUCCESS);
    ntsec_buf_free(&b);
    return out;
}

#endif
