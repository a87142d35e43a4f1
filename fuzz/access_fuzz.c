/*
** access_fuzz.c: libFuzzer harness for the access check, its explanation,
** the set-security merge and creation-time inheritance (issue #4).
**
** Input: a 12-byte header that builds the token and the request, then a
** self-relative descriptor.
**   h[0]  bit 0 user deny-only, bits 1-3 integrity level (0 none, 1..5 =
**         untrusted, low, medium, high, system), bit 4 restricted, bit 5
**         backup intent, bits 6-7 mandatory policy
**   h[1..2] groups present (16-SID pool), h[3..4] deny-only ones,
**   h[5]  privileges (SeSecurity, SeTakeOwnership, SeBackup, SeRestore,
**         SeRelabel), h[6] restricting SIDs (first 8 of the pool),
**   h[7]  PRINCIPAL_SELF substitute (pool index, 0xFF none) and SEF bits,
**   h[8..11] desired access (generic bits are mapped first).
** Invariants (abort on violation):
**   1. for every right of the object type (the bits of FILE_ALL_ACCESS), a
**      request for that right alone succeeds exactly when the
**      MAXIMUM_ALLOWED grant contains it;
**   2. a successful normal request grants exactly what was asked; a
**      MAXIMUM_ALLOWED grant never holds generic bits, MAXIMUM_ALLOWED, or
**      ACCESS_SYSTEM_SECURITY unless it was asked for;
**   3. ntsec_explain decides exactly as ntsec_access_check, and a call
**      without options (access.c's quick path for plain tokens) exactly as
**      the same call with zeroed options (the general path); the traced
**      walk of ntsec_explain reads the DACL bytes while the untraced check
**      uses the descriptor's DACL index (access_index.c), so this also
**      checks the index against the byte walk;
**   4. merge and inheritance output are valid self-relative descriptors
**      and the old descriptor is never modified.
** Findings live in fuzz/regress/access/, replayed by
** tests/access_regress_test.c.
*/
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "acl.h"
#include "merge.h"
#include "sd.h"
#include "secdefs.h"
#include "sid.h"
#include "status.h"
#include "token.h"

#ifndef FUZZ_CHECK
#define FUZZ_CHECK(cond) do { if (!(cond)) abort(); } while (0)
#endif
#define HEADER 12

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const pool[16] = {
    "S-1-1-0", "S-1-5-32-544", "S-1-5-32-545", "S-1-5-11", "S-1-5-18", "S-1-5-19", "S-1-5-20", "S-1-5-4",
    "S-1-5-2", "S-1-5-21-2457507606-2709100691-398136650-512", "S-1-5-21-2457507606-2709100691-398136650-513",
    "S-1-5-21-2457507606-2709100691-398136650-500", "S-1-5-21-2457507606-2709100691-398136650-1000",
    "S-1-5-32-551", "S-1-5-32-548", "S-1-5-80-0"
};

static const uint32_t privs[5] = {SE_SECURITY_PRIVILEGE, SE_TAKE_OWNERSHIP_PRIVILEGE, SE_BACKUP_PRIVILEGE,
                                  SE_RESTORE_PRIVILEGE, SE_RELABEL_PRIVILEGE};

static void sid_at(int i, uint8_t out[68])
{
    FUZZ_CHECK(ntsec_sid_from_string(pool[i], strlen(pool[i]), NULL, out) == STATUS_SUCCESS);
}

static void add_integrity(ntsec_token *t, unsigned level)
{
    static const uint32_t rids[5] = {0, 0x1000, 0x2000, 0x3000, 0x4000};
    uint8_t il[12] = {1, 1, 0, 0, 0, 0, 0, 16, 0, 0, 0, 0};
    if (level == 0 || level > 5) return;
    ntsec_wr32(il + 8, rids[level - 1]);
    ntsec_token_add_group(t, il, SE_GROUP_INTEGRITY | SE_GROUP_INTEGRITY_ENABLED);
}

static void add_claims(ntsec_token *t)
{
    ntsec_claim_value v[2];
    memset(v, 0, sizeof v);
    v[0].s = "PM";
    ntsec_token_add_claim(t, NTSEC_CLAIM_USER, "Title", CLAIM_SECURITY_ATTRIBUTE_TYPE_STRING, 0, v, 1);
    v[0].s = "blue";
    v[1].s = "red";
    ntsec_token_add_claim(t, NTSEC_CLAIM_DEVICE, "colour", CLAIM_SECURITY_ATTRIBUTE_TYPE_STRING, 0, v, 2);
    v[0].i = 1;
    ntsec_token_add_claim(t, NTSEC_CLAIM_LOCAL, "a", CLAIM_SECURITY_ATTRIBUTE_TYPE_INT64, 0, v, 1);
}

static void add_groups(ntsec_token *t, const uint8_t *h)
{
    unsigned present = h[1] | (h[2] << 8), deny_only = h[3] | (h[4] << 8);
    uint8_t sid[68];
    int i;
    for (i = 0; i < 16; i++) {
        if (!(present & (1u << i))) continue;
        sid_at(i, sid);
        ntsec_token_add_group(t, sid, (deny_only & (1u << i)) ? SE_GROUP_USE_FOR_DENY_ONLY
                                                               : SE_GROUP_ENABLED | SE_GROUP_OWNER);
        if (i < 2) ntsec_token_add_device_group(t, sid, SE_GROUP_ENABLED);
    }
    for (i = 0; i < 8 && (h[0] & 0x10); i++) {
        if (!(h[6] & (1u << i))) continue;
        sid_at(i, sid);
        ntsec_token_add_restricted_sid(t, sid, SE_GROUP_ENABLED);
    }
}

static ntsec_token *make_token(const uint8_t *h)
{
    uint8_t user[68];
    ntsec_token *t;
    int i;
    sid_at(12, user);
    t = ntsec_token_new(user, (h[0] & 1) ? SE_GROUP_USE_FOR_DENY_ONLY : 0);
    FUZZ_CHECK(t != NULL);
    add_groups(t, h);
    for (i = 0; i < 5; i++)
        if (h[5] & (1u << i)) ntsec_token_add_privilege(t, privs[i], SE_PRIVILEGE_ENABLED);
    add_integrity(t, (h[0] >> 1) & 7);
    ntsec_token_set_mandatory_policy(t, h[0] >> 6);
    add_claims(t);
    return t;
}

/* ---- invariants 1-3 ---- */

static void check_once(const ntsec_sd *sd, const ntsec_token *t, ACCESS_MASK want,
                       const ntsec_access_opts *o, NTSTATUS *call, ntsec_access_result *r)
{
    ntsec_explanation e;
    ntsec_access_opts zero;
    ntsec_access_result quick, general;
    NTSTATUS quick_call;
    *call = ntsec_access_check(sd, t, want, &ntsec_file_mapping, o, r);
    memset(&zero, 0, sizeof zero);
    memset(&quick, 0xAB, sizeof quick);
    memset(&general, 0xAB, sizeof general);
    quick_call = ntsec_access_check(sd, t, want, &ntsec_file_mapping, NULL, &quick);
    FUZZ_CHECK(quick_call == ntsec_access_check(sd, t, want, &ntsec_file_mapping, &zero, &general));
    FUZZ_CHECK(memcmp(&quick, &general, sizeof quick) == 0);
    if (ntsec_explain(sd, t, want, &ntsec_file_mapping, o, &e) != STATUS_SUCCESS) return;
    FUZZ_CHECK(e.call_status == *call);
    if (*call == STATUS_SUCCESS) {
        FUZZ_CHECK(e.result.granted == r->granted && e.result.access_status == r->access_status);
        FUZZ_CHECK(e.result.privileges_used == r->privileges_used);
        FUZZ_CHECK(e.count >= 2 && e.events[e.count - 1].kind == NTSEC_TRACE_RESULT);
    }
    ntsec_explanation_free(&e);
}

static void check_request(const ntsec_sd *sd, const ntsec_token *t, ACCESS_MASK want, const ntsec_access_opts *o)
{
    ntsec_access_result r;
    NTSTATUS call;
    check_once(sd, t, want, o, &call, &r);
    if (call != STATUS_SUCCESS) return;
    if (r.access_status != STATUS_SUCCESS) {
        FUZZ_CHECK(r.granted == 0);
    } else if (want & MAXIMUM_ALLOWED) {
        FUZZ_CHECK(!(r.granted & (GENERIC_MASK | MAXIMUM_ALLOWED)));
        FUZZ_CHECK((want & ACCESS_SYSTEM_SECURITY) || !(r.granted & ACCESS_SYSTEM_SECURITY));
        FUZZ_CHECK(!(want & ~MAXIMUM_ALLOWED & ~r.granted));
    } else {
        FUZZ_CHECK(r.granted == want);
    }
}

/* Invariant 1 over the rights of the object type. */
static void check_single_rights(const ntsec_sd *sd, const ntsec_token *t, const ntsec_access_opts *o)
{
    ntsec_access_result max, one;
    NTSTATUS call;
    ACCESS_MASK bit;
    check_once(sd, t, MAXIMUM_ALLOWED, o, &call, &max);
    if (call != STATUS_SUCCESS) return;
    for (bit = 1; bit; bit <<= 1) {
        if (!(bit & FILE_ALL_ACCESS)) continue;
        check_once(sd, t, bit, o, &call, &one);
        FUZZ_CHECK(call == STATUS_SUCCESS);
        FUZZ_CHECK((one.access_status == STATUS_SUCCESS) == ((max.granted & bit) != 0));
    }
}

/* ---- invariant 4 ---- */

static void check_valid(const ntsec_sd *out)
{
    ntsec_sd *again = NULL;
    FUZZ_CHECK(ntsec_sd_control(out) & SE_SELF_RELATIVE);
    FUZZ_CHECK(ntsec_sd_from_bytes(out->bytes, out->len, &again) == STATUS_SUCCESS);
    FUZZ_CHECK(ntsec_sd_equal(out, again));
    ntsec_sd_unref(again);
}

static void check_merge(const ntsec_sd *sd, const ntsec_token *t, const uint8_t *h)
{
    static const uint8_t old_bytes[] = {1, 0, 0x04, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    ntsec_sd *old = NULL, *out = NULL, *copy = NULL;
    ntsec_sd_parts mod;
    SECURITY_INFORMATION si = (h[8] | (h[9] << 8)) & 0xFF;
    uint32_t sef = (h[7] >> 3) & 0x1F;
    ntsec_new_security_opts no;
    FUZZ_CHECK(ntsec_sd_from_bytes(old_bytes, sizeof old_bytes, &old) == STATUS_SUCCESS);
    ntsec_sd_get_parts(sd, &mod);
    FUZZ_CHECK(ntsec_sd_from_bytes(sd->bytes, sd->len, &copy) == STATUS_SUCCESS);
    /* sd as the old descriptor, then as the modification */
    if (ntsec_set_security(sd, si | DACL_SECURITY_INFORMATION, &mod, sef, &ntsec_file_mapping, t, &out)
        == STATUS_SUCCESS) check_valid(out);
    ntsec_sd_unref(out);
    out = NULL;
    if (ntsec_set_security(old, si, &mod, sef, &ntsec_file_mapping, t, &out) == STATUS_SUCCESS) check_valid(out);
    ntsec_sd_unref(out);
    out = NULL;
    /* sd as its own parent (re-inheritance under auto-inheritance) */
    if (ntsec_set_security_ex(old, si | DACL_SECURITY_INFORMATION, &mod, sef | SEF_DACL_AUTO_INHERIT,
                              &ntsec_file_mapping, t, sd, h[10] & 1, &out) == STATUS_SUCCESS)
        check_valid(out);
    ntsec_sd_unref(out);
    out = NULL;
    FUZZ_CHECK(ntsec_sd_equal(sd, copy));                   /* inputs untouched */
    memset(&no, 0, sizeof no);
    no.sef = h[7] & 0x7F;
    no.token = t;
    if (ntsec_new_security_ex(sd, NULL, h[10] & 1, &no, &ntsec_file_mapping, &out) == STATUS_SUCCESS)
        check_valid(out);
    ntsec_sd_unref(out);
    out = NULL;
    if (ntsec_new_security_ex(old, sd, h[10] & 2, &no, &ntsec_file_mapping, &out) == STATUS_SUCCESS)
        check_valid(out);
    ntsec_sd_unref(out);
    ntsec_sd_unref(copy);
    ntsec_sd_unref(old);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ntsec_sd *sd = NULL;
    ntsec_token *t;
    ntsec_access_opts o;
    uint8_t self[68];
    ACCESS_MASK want;
    if (size < HEADER || ntsec_sd_from_bytes(data + HEADER, size - HEADER, &sd) != STATUS_SUCCESS) return 0;
    t = make_token(data);
    memset(&o, 0, sizeof o);
    if ((data[7] & 0x7) != 0x7) {
        sid_at(data[7] & 0x7, self);
        o.principal_self = self;
    }
    if (data[0] & 0x20) o.flags |= NTSEC_ACCESS_BACKUP_INTENT;
    want = ntsec_map_generic(ntsec_rd32(data + 8), &ntsec_file_mapping);
    check_request(sd, t, want, &o);
    check_request(sd, t, want | MAXIMUM_ALLOWED, &o);
    check_single_rights(sd, t, &o);
    check_merge(sd, t, data);
    ntsec_token_free(t);
    ntsec_sd_unref(sd);
    return 0;
}
