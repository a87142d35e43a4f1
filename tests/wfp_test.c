/*
** wfp_test.c: C-level tests of the emulated WFP engine.
**
** Expected codes are typed from shared/spec/wfp_ks_errors.md (5.2, 5.6):
** kernel-mode results are the NTSTATUS, user-mode results the DWORD a
** fwpuclnt caller sees (FWP_E_* for WFP codes, Win32 numbers otherwise).
** Expected rights come from 3.1/3.3 (mapped masks 0xF07FF, 0x307FF,
** 0x203F4, Everyone RP|DT = 0x50).
*/
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include "ctest.h"
#include "wfp.h"
#include "wfp_ale.h"
#include "wfp_callout.h"
#include "wfp_import.h"
#include "wfp_security.h"
#include "wfp_kinds.h"
#include "wfp_names.h"
#include "wfp_objects.h"
#include "access.h"
#include "acl.h"
#include "guid.h"
#include "sddl.h"
#include "secdefs.h"
#include "sid.h"
#include "status.h"

/* ---- values typed from the spec ---- */

#define K_INVALID_HANDLE     0xC0000008u
#define U_INVALID_HANDLE     6u
#define K_NOT_REGISTERED     0xC0020036u   /* EPT_NT_NOT_REGISTERED, 5.5 */
#define U_NOT_REGISTERED     1753u         /* EPT_S_NOT_REGISTERED */
#define K_TXN_IN_PROGRESS    0xC022000Eu
#define U_TXN_IN_PROGRESS    0x8032000Eu
#define K_NO_TXN             0xC022000Du
#define U_NO_TXN             0x8032000Du
#define K_CALLOUT_NOT_FOUND  0xC0220001u
#define U_CALLOUT_NOT_FOUND  0x80320001u
#define K_DYNAMIC_IN_PROG    0xC022000Bu
#define U_DYNAMIC_IN_PROG    0x8032000Bu
#define K_WRONG_SESSION      0xC022000Cu
#define U_WRONG_SESSION      0x8032000Cu
#define K_ACCESS_DENIED      0xC0000022u
#define U_ACCESS_DENIED      5u
#define K_PRIV_NOT_HELD      0xC0000061u
#define U_PRIV_NOT_HELD      1314u
#define K_INVALID_PARAMETER  0xC000000Du
#define U_INVALID_PARAMETER  87u
#define K_INVALID_SID        0xC0000078u
#define U_INVALID_SID        1337u
#define K_INVALID_ACL        0xC0000077u
#define U_INVALID_ACL        1336u
#define K_ALREADY_EXISTS     0xC0220009u
#define U_ALREADY_EXISTS     0x80320009u
#define K_IN_USE             0xC022000Au
#define U_IN_USE             0x8032000Au
#define K_INCOMPATIBLE_TXN   0xC0220011u
#define U_INCOMPATIBLE_TXN   0x80320011u
#define K_BUILTIN_OBJECT     0xC0220017u
#define K_NULL_DISPLAY_NAME  0xC0220023u
#define K_INVALID_FLAGS      0xC022001Eu
#define K_PROVIDER_NOT_FOUND 0xC0220005u
#define K_LAYER_NOT_FOUND    0xC0220004u
#define K_LIFETIME_MISMATCH  0xC0220016u
#define K_TOO_MANY_CALLOUTS  0xC0220018u
#define K_FWP_NOT_FOUND      0xC0220008u
#define K_NO_TOKEN           0xC000007Cu

/* ---- helpers ---- */

static const ntsec_sid_ctx noctx;

static const uint8_t *sid(const char *s, uint8_t out[68])
{
    if (!NT_SUCCESS(ntsec_sid_from_string(s, strlen(s), &noctx, out))) {
        printf("bad test SID %s\n", s);
        exit(2);
    }
    return out;
}

static ntsec_sd *sddl(const char *s)
{
    ntsec_sd *sd = NULL;
    if (!NT_SUCCESS(ntsec_sddl_parse(s, strlen(s), &noctx, &sd, NULL))) {
        printf("bad test SDDL %s\n", s);
        exit(2);
    }
    return sd;
}

/* Token: user plus enabled groups, privileges enabled. */
static ntsec_token *token(const char *user, const char *const *groups, const uint32_t *privs)
{
    uint8_t b[68];
    ntsec_token *t = ntsec_token_new(sid(user, b), 0);
    for (; groups && *groups; groups++)
        ntsec_token_add_group(t, sid(*groups, b), SE_GROUP_MANDATORY | SE_GROUP_ENABLED | SE_GROUP_ENABLED_BY_DEFAULT);
    for (; privs && *privs; privs++) ntsec_token_add_privilege(t, *privs, SE_PRIVILEGE_ENABLED);
    return t;
}

static ACCESS_MASK max_allowed(const ntsec_sd *sd, const ntsec_token *t)
{
    ntsec_access_result r;
    NTSTATUS st = ntsec_access_check(sd, t, MAXIMUM_ALLOWED, &ntsec_fwpm_mapping, NULL, &r);
    return NT_SUCCESS(st) && r.access_status == STATUS_SUCCESS ? r.granted : 0;
}

static uint32_t user(NTSTATUS st) { return ntsec_nt_to_win32(st); }

static ntsec_guid guid(const char *s)
{
    ntsec_guid g;
    if (!ntsec_guid_parse(s, strlen(s), &g)) {
        printf("bad test GUID %s\n", s);
        exit(2);
    }
    return g;
}

/* The DACL of an SDDL string as raw ACL bytes (kept alive by *holder). */
static const uint8_t *dacl_of(const char *s, ntsec_sd **holder)
{
    ntsec_sd_parts p;
    *holder = sddl(s);
    ntsec_sd_get_parts(*holder, &p);
    return p.dacl;
}

/* Byte snapshot of a descriptor. */
typedef struct snap { uint8_t b[4096]; uint32_t len; } snap;
static void take(const ntsec_sd *sd, snap *s)
{
    s->len = sd ? sd->len : 0;
    if (sd) memcpy(s->b, sd->bytes, sd->len);
}
/* Byte-identical to the snapshot (an absent descriptor matches an empty one). */
static int same(const ntsec_sd *sd, const snap *s)
{
    if (!sd) return s->len == 0;
    return sd->len == s->len && memcmp(sd->bytes, s->b, s->len) == 0;
}

/* The stored descriptor of a callout (engine view, no checks). */
static const ntsec_sd *callout_sd(const ntsec_wfp_engine *e, const ntsec_guid *key)
{
    ntsec_wfp_object_info info;
    size_t cur = 0;
    while (ntsec_wfp_object_next(e, NTSEC_WFP_CALLOUT, &cur, &info))
        if (memcmp(info.key.b, key->b, 16) == 0) return info.sd;
    return NULL;
}

/* ---- SHA-1 (FIPS 180-4), only to derive service SIDs independently ---- */

static uint32_t rol(uint32_t x, int n) { return x << n | x >> (32 - n); }

static void sha1_block(uint32_t h[5], const uint8_t *p)
{
    uint32_t w[80], a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f, k, t;
    int i;
    for (i = 0; i < 16; i++) w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (i = 16; i < 80; i++) w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    for (i = 0; i < 80; i++) {
        if (i < 20) { f = (b & c) | (~b & d); k = 0x5A827999; }
        else if (i < 40) { f = b ^ c ^ d; k = 0x6ED9EBA1; }
        else if (i < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8F1BBCDC; }
        else { f = b ^ c ^ d; k = 0xCA62C1D6; }
        t = rol(a, 5) + f + e + k + w[i];
        e = d; d = c; c = rol(b, 30); b = a; a = t;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e;
}

static void sha1(const uint8_t *msg, size_t n, uint8_t out[20])
{
    uint32_t h[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
    uint8_t block[128];
    size_t i, full = n / 64 * 64, rest = n - full, blocks;
    for (i = 0; i < full; i += 64) sha1_block(h, msg + i);
    memset(block, 0, sizeof block);
    memcpy(block, msg + full, rest);
    block[rest] = 0x80;
    blocks = rest + 9 > 64 ? 2 : 1;
    for (i = 0; i < 8; i++) block[blocks * 64 - 1 - i] = (uint8_t)((uint64_t)n * 8 >> (8 * i));
    for (i = 0; i < blocks; i++) sha1_block(h, block + 64 * i);
    for (i = 0; i < 20; i++) out[i] = (uint8_t)(h[i / 4] >> (24 - 8 * (i % 4)));
}

/* S-1-5-80-<SHA-1 of UTF-16LE(upper(name)) as five little-endian u32> (3.3). */
static void service_sid(const char *upper_name, char *out, size_t cap)
{
    uint8_t utf16[128], d[20];
    size_t n = strlen(upper_name), i;
    uint32_t v[5];
    for (i = 0; i < n; i++) { utf16[2 * i] = (uint8_t)upper_name[i]; utf16[2 * i + 1] = 0; }
    sha1(utf16, 2 * n, d);
    for (i = 0; i < 5; i++) v[i] = ntsec_rd32(d + 4 * i);
    snprintf(out, cap, "S-1-5-80-%u-%u-%u-%u-%u", v[0], v[1], v[2], v[3], v[4]);
}

/* ---- fixture ---- */

#define P_KEY     "aaaaaaaa-0000-4000-8000-000000000001"
#define S_KEY     "bbbbbbbb-0000-4000-8000-000000000001"   /* static callout */
#define D1_KEY    "cccccccc-0000-4000-8000-000000000001"   /* added by dynamic d1 */
#define D2_KEY    "cccccccc-0000-4000-8000-000000000002"   /* added by dynamic d2 */
#define NO_KEY    "dddddddd-0000-4000-8000-00000000dead"   /* never added */
#define USER_SID  "S-1-5-21-1111-2222-3333-1001"
#define OTHER_SID "S-1-5-21-1111-2222-3333-1002"

static const char *const admin_groups[] = {"S-1-5-32-544", "S-1-1-0", NULL};
static const char *const plain_groups[] = {"S-1-1-0", NULL};
static const char *const netops_groups[] = {"S-1-5-32-556", "S-1-1-0", NULL};

typedef struct fixture {
    ntsec_wfp_engine *e;
    ntsec_token *admin, *plain, *netops;
    ntsec_wfp_handle ua, up, un, k, kd, d1, d2;   /* user admin/plain/netops, kernel, kernel dyn, dyn */
} fixture;

static ntsec_wfp_handle open_session(fixture *f, ntsec_token *t, int dynamic, int kernel)
{
    ntsec_wfp_session_opts o;
    ntsec_wfp_handle h = 0;
    memset(&o, 0, sizeof o);
    o.token = t;
    o.dynamic = dynamic;
    o.kernel_mode = kernel;
    if (!NT_SUCCESS(ntsec_wfp_engine_open(f->e, &o, &h))) {
        printf("fixture: open failed\n");
        exit(2);
    }
    return h;
}

static NTSTATUS add_callout(ntsec_wfp_engine *e, ntsec_wfp_handle h, const char *key, const char *name)
{
    ntsec_wfp_callout_spec c;
    memset(&c, 0, sizeof c);
    c.key = guid(key);
    c.name = name;
    return ntsec_wfp_callout_add(e, h, &c, NULL, NULL);
}

static void setup(fixture *f)
{
    ntsec_wfp_object_spec p;
    ntsec_wfp_engine_opts eo;
    memset(f, 0, sizeof *f);
    memset(&eo, 0, sizeof eo);
    eo.virtual_clock = 1;   /* a lock wait never sleeps */
    ntsec_wfp_engine_new(&eo, &f->e);
    f->admin = token(USER_SID, admin_groups, NULL);
    f->plain = token(OTHER_SID, plain_groups, NULL);
    f->netops = token("S-1-5-21-1111-2222-3333-1003", netops_groups, NULL);
    f->ua = open_session(f, f->admin, 0, 0);
    f->up = open_session(f, f->plain, 0, 0);
    f->un = open_session(f, f->netops, 0, 0);
    f->k = open_session(f, f->plain, 0, 1);
    f->kd = open_session(f, f->plain, 1, 1);
    f->d1 = open_session(f, f->admin, 1, 0);
    f->d2 = open_session(f, f->admin, 1, 0);
    memset(&p, 0, sizeof p);
    p.key = guid(P_KEY);
    p.name = "test provider";
    ntsec_wfp_import_object(f->e, NTSEC_WFP_PROVIDER, &p);
    if (add_callout(f->e, f->ua, S_KEY, "static") || add_callout(f->e, f->d1, D1_KEY, "dyn1")
        || add_callout(f->e, f->d2, D2_KEY, "dyn2")) {
        printf("fixture: callout add failed\n");
        exit(2);
    }
}

static void teardown(fixture *f)
{
    ntsec_wfp_engine_free(f->e);
    ntsec_token_free(f->admin);
    ntsec_token_free(f->plain);
    ntsec_token_free(f->netops);
}

/* ---- the three Set functions through one dispatcher ---- */

enum { SET_CALLOUT, SET_CONNECTION, SET_ALE };

static NTSTATUS set_sec(fixture *f, int which, ntsec_wfp_handle h, const char *key,
                        SECURITY_INFORMATION si, const uint8_t *owner, const uint8_t *group,
                        const uint8_t *dacl, const uint8_t *sacl)
{
    ntsec_guid g;
    if (which == SET_CONNECTION) return ntsec_wfp_connection_set_security(f->e, h, si, owner, group, dacl, sacl);
    if (which == SET_ALE) return ntsec_wfp_ale_set_security(f->e, h, si, owner, group, dacl, sacl);
    if (key) g = guid(key);
    return ntsec_wfp_callout_set_security(f->e, h, key ? &g : NULL, si, owner, group, dacl, sacl);
}

/* The descriptor a Set call would change. */
static const ntsec_sd *target_sd(fixture *f, int which, const char *key)
{
    ntsec_guid g;
    if (which == SET_CONNECTION) return ntsec_wfp_container_sd(f->e, NTSEC_WFP_CONNECTIONS);
    if (which == SET_ALE) return ntsec_wfp_container_sd(f->e, NTSEC_WFP_ALE_ENDPOINTS);
    if (!key) return ntsec_wfp_container_sd(f->e, NTSEC_WFP_CALLOUTS);
    g = guid(key);
    return callout_sd(f->e, &g);
}

/* Run one failing Set and check: kernel/user code as typed, and the target
** descriptor byte-identical afterwards. */
static void expect_set_fails(fixture *f, int which, ntsec_wfp_handle h, int kernel, const char *key,
                             SECURITY_INFORMATION si, const uint8_t *owner, const uint8_t *dacl,
                             const uint8_t *sacl, uint32_t want)
{
    snap before;
    NTSTATUS st;
    take(target_sd(f, which, key), &before);
    st = set_sec(f, which, h, key, si, owner, NULL, dacl, sacl);
    CHECK_EQ_U(kernel ? st : user(st), want);
    CHECK(same(target_sd(f, which, key), &before));
}

static const char *const key_of_which[] = {S_KEY, NULL, NULL};

static void test_rule_handle_running_txn(void)
{
    fixture f;
    ntsec_sd *hold;
    const uint8_t *acl;
    int w;
    setup(&f);
    acl = dacl_of("D:(A;;GA;;;BA)", &hold);
    for (w = SET_CALLOUT; w <= SET_ALE; w++) {
        /* 1: invalid handle */
        expect_set_fails(&f, w, 0x7777, 1, key_of_which[w], DACL_SECURITY_INFORMATION, NULL, acl, NULL, K_INVALID_HANDLE);
        expect_set_fails(&f, w, 0x7777, 0, key_of_which[w], DACL_SECURITY_INFORMATION, NULL, acl, NULL, U_INVALID_HANDLE);
        /* 3: explicit transaction open (one read/write transaction at a time) */
        CHECK_EQ_U(ntsec_wfp_txn_begin(f.e, f.ua, 0), 0);
        expect_set_fails(&f, w, f.ua, 0, key_of_which[w], DACL_SECURITY_INFORMATION, NULL, acl, NULL, U_TXN_IN_PROGRESS);
        ntsec_wfp_txn_abort(f.e, f.ua);
        CHECK_EQ_U(ntsec_wfp_txn_begin(f.e, f.k, 0), 0);
        expect_set_fails(&f, w, f.k, 1, key_of_which[w], DACL_SECURITY_INFORMATION, NULL, acl, NULL, K_TXN_IN_PROGRESS);
        ntsec_wfp_txn_abort(f.e, f.k);
        /* a read-only transaction counts too */
        CHECK_EQ_U(ntsec_wfp_txn_begin(f.e, f.k, NTSEC_FWPM_TXN_READ_ONLY), 0);
        CHECK_EQ_U(ntsec_wfp_txn_begin(f.e, f.ua, NTSEC_FWPM_TXN_READ_ONLY), 0);   /* readers share */
        expect_set_fails(&f, w, f.k, 1, key_of_which[w], DACL_SECURITY_INFORMATION, NULL, acl, NULL, K_TXN_IN_PROGRESS);
        expect_set_fails(&f, w, f.ua, 0, key_of_which[w], DACL_SECURITY_INFORMATION, NULL, acl, NULL, U_TXN_IN_PROGRESS);
        ntsec_wfp_txn_abort(f.e, f.ua);
        ntsec_wfp_txn_abort(f.e, f.k);
        /* 1b: BFE not running */
        ntsec_wfp_engine_set_running(f.e, 0);
        expect_set_fails(&f, w, f.ua, 0, key_of_which[w], DACL_SECURITY_INFORMATION, NULL, acl, NULL, U_NOT_REGISTERED);
        expect_set_fails(&f, w, f.k, 1, key_of_which[w], DACL_SECURITY_INFORMATION, NULL, acl, NULL, K_NOT_REGISTERED);
        ntsec_wfp_engine_set_running(f.e, 1);
    }
    /* order: a transaction is reported before an unknown key (3 before 4) */
    ntsec_wfp_txn_begin(f.e, f.k, 0);
    expect_set_fails(&f, SET_CALLOUT, f.k, 1, NO_KEY, DACL_SECURITY_INFORMATION, NULL, acl, NULL, K_TXN_IN_PROGRESS);
    ntsec_wfp_txn_abort(f.e, f.k);
    ntsec_sd_unref(hold);
    teardown(&f);
}

static void test_rule_lookup(void)
{
    fixture f;
    ntsec_sd *hold;
    const uint8_t *acl;
    ntsec_guid zero;
    setup(&f);
    acl = dacl_of("D:(A;;GA;;;BA)", &hold);
    /* 4: unknown key */
    expect_set_fails(&f, SET_CALLOUT, f.ua, 0, NO_KEY, DACL_SECURITY_INFORMATION, NULL, acl, NULL, U_CALLOUT_NOT_FOUND);
    expect_set_fails(&f, SET_CALLOUT, f.k, 1, NO_KEY, DACL_SECURITY_INFORMATION, NULL, acl, NULL, K_CALLOUT_NOT_FOUND);
    /* order: unknown key before the dynamic-session rule (4 before 5) */
    expect_set_fails(&f, SET_CALLOUT, f.d1, 0, NO_KEY, DACL_SECURITY_INFORMATION, NULL, acl, NULL, U_CALLOUT_NOT_FOUND);
    /* NULL key and GUID_NULL both address the callouts container (DDI-CSSI) */
    memset(&zero, 0, sizeof zero);
    CHECK_EQ_U(ntsec_wfp_callout_set_security(f.e, f.ua, &zero, DACL_SECURITY_INFORMATION, NULL, NULL, acl, NULL), 0);
    CHECK_EQ_U(ntsec_acl_count(acl), 1);
    {
        ntsec_sd_parts p;
        ntsec_sd_get_parts(ntsec_wfp_container_sd(f.e, NTSEC_WFP_CALLOUTS), &p);
        CHECK(p.dacl && ntsec_acl_count(p.dacl) >= 1);
    }
    ntsec_sd_unref(hold);
    teardown(&f);
}

static void test_rule_dynamic(void)
{
    fixture f;
    ntsec_sd *hold;
    const uint8_t *acl;
    setup(&f);
    acl = dacl_of("D:(A;;GA;;;BA)", &hold);
    /* connection: always refused in a dynamic session (seed 001) */
    expect_set_fails(&f, SET_CONNECTION, f.d1, 0, NULL, DACL_SECURITY_INFORMATION, NULL, acl, NULL, U_DYNAMIC_IN_PROG);
    expect_set_fails(&f, SET_CONNECTION, f.kd, 1, NULL, DACL_SECURITY_INFORMATION, NULL, acl, NULL, K_DYNAMIC_IN_PROG);
    /* callout added by another dynamic session (seed 000) */
    expect_set_fails(&f, SET_CALLOUT, f.d1, 0, D2_KEY, DACL_SECURITY_INFORMATION, NULL, acl, NULL, U_WRONG_SESSION);
    expect_set_fails(&f, SET_CALLOUT, f.kd, 1, D2_KEY, DACL_SECURITY_INFORMATION, NULL, acl, NULL, K_WRONG_SESSION);
    /* callout not added during a dynamic session (seed 000) */
    expect_set_fails(&f, SET_CALLOUT, f.d1, 0, S_KEY, DACL_SECURITY_INFORMATION, NULL, acl, NULL, U_DYNAMIC_IN_PROG);
    expect_set_fails(&f, SET_CALLOUT, f.kd, 1, S_KEY, DACL_SECURITY_INFORMATION, NULL, acl, NULL, K_DYNAMIC_IN_PROG);
    /* the callouts container and the ALE container were not added by it (2.7) */
    expect_set_fails(&f, SET_CALLOUT, f.d1, 0, NULL, DACL_SECURITY_INFORMATION, NULL, acl, NULL, U_DYNAMIC_IN_PROG);
    expect_set_fails(&f, SET_ALE, f.d1, 0, NULL, DACL_SECURITY_INFORMATION, NULL, acl, NULL, U_DYNAMIC_IN_PROG);
    expect_set_fails(&f, SET_ALE, f.kd, 1, NULL, DACL_SECURITY_INFORMATION, NULL, acl, NULL, K_DYNAMIC_IN_PROG);
    /* order: the dynamic rule comes before the access check (5 before 6):
    ** the plain user's dynamic session is refused, not denied */
    {
        ntsec_wfp_handle pd = open_session(&f, f.plain, 1, 0);
        expect_set_fails(&f, SET_CONNECTION, pd, 0, NULL, DACL_SECURITY_INFORMATION, NULL, acl, NULL, U_DYNAMIC_IN_PROG);
        expect_set_fails(&f, SET_CALLOUT, pd, 0, D1_KEY, DACL_SECURITY_INFORMATION, NULL, acl, NULL, U_WRONG_SESSION);
    }
    /* allowed: the callout this dynamic session added */
    CHECK_EQ_U(set_sec(&f, SET_CALLOUT, f.d1, D1_KEY, DACL_SECURITY_INFORMATION, NULL, NULL, acl, NULL), 0);
    ntsec_sd_unref(hold);
    teardown(&f);
}

static void test_rule_access(void)
{
    fixture f;
    ntsec_sd *hold, *shold;
    const uint8_t *acl, *sacl;
    static const uint32_t secpriv[] = {SE_SECURITY_PRIVILEGE, 0};
    ntsec_token *auditor;
    ntsec_wfp_handle ha;
    int w;
    setup(&f);
    acl = dacl_of("D:(A;;GA;;;BA)", &hold);
    {
        ntsec_sd_parts p;
        shold = sddl("S:(AU;SA;GA;;;WD)");
        ntsec_sd_get_parts(shold, &p);
        sacl = p.sacl;
    }
    auditor = token(USER_SID, admin_groups, secpriv);
    ha = open_session(&f, auditor, 0, 0);
    for (w = SET_CALLOUT; w <= SET_ALE; w++) {
        const char *key = key_of_which[w];
        /* 6: Everyone has only RP|DT: no WRITE_DAC */
        expect_set_fails(&f, w, f.up, 0, key, DACL_SECURITY_INFORMATION, NULL, acl, NULL, U_ACCESS_DENIED);
        /* Network Configuration Operators: GR|GW|GX has no WRITE_DAC/WRITE_OWNER */
        expect_set_fails(&f, w, f.un, 0, key, DACL_SECURITY_INFORMATION, NULL, acl, NULL, U_ACCESS_DENIED);
        /* SACL needs SeSecurityPrivilege (3.4) */
        expect_set_fails(&f, w, f.ua, 0, key, SACL_SECURITY_INFORMATION, NULL, NULL, sacl, U_PRIV_NOT_HELD);
        /* order: access (6) is checked before the SI bits / arguments (7) */
        expect_set_fails(&f, w, f.up, 0, key, DACL_SECURITY_INFORMATION | LABEL_SECURITY_INFORMATION, NULL, acl, NULL, U_ACCESS_DENIED);
        /* kernel mode is never access-checked: the same plain token succeeds */
        CHECK_EQ_U(set_sec(&f, w, f.k, key, DACL_SECURITY_INFORMATION, NULL, NULL, acl, NULL), 0);
        CHECK_EQ_U(set_sec(&f, w, f.k, key, SACL_SECURITY_INFORMATION, NULL, NULL, NULL, sacl), 0);
        /* with the privilege the SACL write succeeds in user mode */
        CHECK_EQ_U(set_sec(&f, w, ha, key, SACL_SECURITY_INFORMATION, NULL, NULL, NULL, sacl), 0);
    }
    ntsec_token_free(auditor);
    ntsec_sd_unref(shold);
    ntsec_sd_unref(hold);
    teardown(&f);
}

static void test_rule_arguments(void)
{
    fixture f;
    ntsec_sd *hold;
    const uint8_t *acl;
    uint8_t bad_sid[68], bad_acl[16];
    int w;
    setup(&f);
    acl = dacl_of("D:(A;;GA;;;BA)", &hold);
    memcpy(bad_sid, "\x02\x01\x00\x00\x00\x00\x00\x05\x12\x00\x00\x00", 12);   /* revision 2 */
    memcpy(bad_acl, "\x02\x00\x10\x00\x01\x00\x00\x00\x00\x00\x40\x00\x00\x00\x00\x00", 16);   /* ACE overruns */
    for (w = SET_CALLOUT; w <= SET_ALE; w++) {
        const char *key = key_of_which[w];
        int mode;
        for (mode = 0; mode < 2; mode++) {
            ntsec_wfp_handle h = mode ? f.k : f.ua;
            /* 7: LABEL_SECURITY_INFORMATION is not accepted (3.4 choice) */
            expect_set_fails(&f, w, h, mode, key, LABEL_SECURITY_INFORMATION, NULL, NULL, NULL,
                             mode ? K_INVALID_PARAMETER : U_INVALID_PARAMETER);
            /* BACKUP needs ACCESS_SYSTEM_SECURITY: in user mode the access
            ** check (6) fails first; kernel mode reaches the SI check (7) */
            expect_set_fails(&f, w, h, mode, key, BACKUP_SECURITY_INFORMATION, NULL, NULL, NULL,
                             mode ? K_INVALID_PARAMETER : U_PRIV_NOT_HELD);
            /* OWNER bit with a NULL owner */
            expect_set_fails(&f, w, h, mode, key, OWNER_SECURITY_INFORMATION, NULL, NULL, NULL,
                             mode ? K_INVALID_PARAMETER : U_INVALID_PARAMETER);
            /* malformed SID / ACL */
            expect_set_fails(&f, w, h, mode, key, OWNER_SECURITY_INFORMATION, bad_sid, NULL, NULL,
                             mode ? K_INVALID_SID : U_INVALID_SID);
            expect_set_fails(&f, w, h, mode, key, DACL_SECURITY_INFORMATION, NULL, bad_acl, NULL,
                             mode ? K_INVALID_ACL : U_INVALID_ACL);
            /* PROTECTED_ and UNPROTECTED_ together (sd_semantics.md 4.3) */
            expect_set_fails(&f, w, h, mode, key, DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION
                             | UNPROTECTED_DACL_SECURITY_INFORMATION, NULL, acl, NULL,
                             mode ? K_INVALID_PARAMETER : U_INVALID_PARAMETER);
        }
    }
    ntsec_sd_unref(hold);
    teardown(&f);
}

/* ---- default descriptors (3.3) ---- */

static void test_service_sids(void)
{
    static const char *const names[] = {"MPSSVC", "NLASVC", "POLICYAGENT", "RPCSS", "WDISERVICEHOST"};
    char s[96];
    size_t i;
    for (i = 0; i < sizeof names / sizeof *names; i++) {
        service_sid(names[i], s, sizeof s);
        CHECK(strstr(ntsec_wfp_default_engine_sddl, s) != NULL);
    }
    service_sid("MPSSVC", s, sizeof s);
    CHECK_STR(s, "S-1-5-80-3088073201-1464728630-1879813800-1107566885-823218052");
}

static void check_principals(const ntsec_sd *sd, const fixture *f)
{
    char nla[96];
    uint8_t b[68];
    ntsec_token *svc;
    service_sid("NLASVC", nla, sizeof nla);
    svc = ntsec_token_new(sid(nla, b), 0);
    CHECK_EQ_U(max_allowed(sd, f->plain), 0x50);            /* Everyone: RP|DT */
    CHECK_EQ_U(max_allowed(sd, f->admin) & 0x000F07FF, 0x000F07FF);
    CHECK_EQ_U(max_allowed(sd, f->netops), 0x000307FF);
    CHECK_EQ_U(max_allowed(sd, svc), 0x000203F4);
    ntsec_token_free(svc);
}

static void test_default_descriptors(void)
{
    fixture f;
    ntsec_sd_parts p;
    uint8_t ba[68], ls[68], u[68];
    ntsec_guid key;
    int c;
    setup(&f);
    sid("S-1-5-32-544", ba);
    sid("S-1-5-19", ls);
    check_principals(ntsec_wfp_container_sd(f.e, NTSEC_WFP_ENGINE), &f);
    for (c = NTSEC_WFP_PROVIDERS; c < NTSEC_WFP_CONTAINER_COUNT; c++) {
        const ntsec_sd *sd = ntsec_wfp_container_sd(f.e, (ntsec_wfp_container)c);
        ntsec_sd_get_parts(sd, &p);
        CHECK(p.owner && ntsec_sid_equal(p.owner, ba));
        CHECK(p.group && ntsec_sid_equal(p.group, ls));
        CHECK(!(p.control & SE_DACL_PROTECTED));
        check_principals(sd, &f);
    }
    /* a callout added by a session: owner = the session's user */
    key = guid(S_KEY);
    ntsec_sd_get_parts(callout_sd(f.e, &key), &p);
    CHECK(p.owner && ntsec_sid_equal(p.owner, sid(USER_SID, u)));
    check_principals(callout_sd(f.e, &key), &f);
    /* a configurable root: the engine option replaces the default */
    {
        ntsec_wfp_engine_opts o;
        ntsec_wfp_engine *e2;
        memset(&o, 0, sizeof o);
        o.root_sd = sddl("O:BAG:LSD:(A;OICI;GA;;;WD)");
        CHECK_EQ_U(ntsec_wfp_engine_new(&o, &e2), 0);
        CHECK_EQ_U(max_allowed(ntsec_wfp_container_sd(e2, NTSEC_WFP_CALLOUTS), f.plain), 0x000F07FF);
        ntsec_wfp_engine_free(e2);
        ntsec_sd_unref(o.root_sd);
    }
    teardown(&f);
}

/* ---- merge semantics of a successful Set ---- */

static void get_dacl(const ntsec_sd *sd, ntsec_sd_parts *p) { ntsec_sd_get_parts(sd, p); }

/* W32-HFD: a non-protected DACL write keeps the inherited ACEs after the
** caller's explicit ones; PROTECTED drops them; UNPROTECTED brings them back. */
static void test_merge_inheritance(void)
{
    fixture f;
    ntsec_sd *hold, *hold2;
    const uint8_t *deny = dacl_of("D:(D;;SDWDWO;;;WD)", &hold);
    const uint8_t *allow = dacl_of("D:(A;;GA;;;BA)", &hold2);
    ntsec_guid key = guid(S_KEY);
    ntsec_sd_parts old_p, p;
    snap old;
    ntsec_acl_iter it, oit;
    ntsec_ace a, oa;
    int ok = 1;
    setup(&f);
    take(callout_sd(f.e, &key), &old);
    get_dacl(callout_sd(f.e, &key), &old_p);
    CHECK_EQ_U(ntsec_wfp_callout_set_security(f.e, f.ua, &key, DACL_SECURITY_INFORMATION, NULL, NULL, deny, NULL), 0);
    get_dacl(callout_sd(f.e, &key), &p);
    CHECK_EQ_U(ntsec_acl_count(p.dacl), ntsec_acl_count(old_p.dacl) + 1);
    ntsec_acl_iter_init(&it, p.dacl);
    CHECK(ntsec_acl_next(&it, &a));
    CHECK_EQ_U(a.type, ACCESS_DENIED_ACE_TYPE);
    CHECK_EQ_U(a.mask, DELETE | WRITE_DAC | WRITE_OWNER);
    CHECK_EQ_U(a.flags, 0);
    ntsec_acl_iter_init(&oit, old_p.dacl);
    while (ntsec_acl_next(&oit, &oa)) {
        ok &= ntsec_acl_next(&it, &a) && a.size == oa.size && a.flags == oa.flags && a.mask == oa.mask;
        ok &= (oa.flags & INHERITED_ACE) != 0;
    }
    CHECK(ok);
    CHECK(!(p.control & SE_DACL_PROTECTED));
    /* W32-HFD consequence: even an admin cannot delete now (DELETE denied first) */
    CHECK_EQ_U(user(ntsec_wfp_callout_delete_by_key(f.e, f.ua, &key)), U_ACCESS_DENIED);
    /* PROTECTED: exactly the caller's ACEs */
    CHECK_EQ_U(ntsec_wfp_callout_set_security(f.e, f.ua, &key, DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION,
                                              NULL, NULL, allow, NULL), 0);
    get_dacl(callout_sd(f.e, &key), &p);
    CHECK_EQ_U(ntsec_acl_count(p.dacl), 1);
    CHECK(p.control & SE_DACL_PROTECTED);
    /* UNPROTECTED: the container's inheritable ACEs flow in again */
    CHECK_EQ_U(ntsec_wfp_callout_set_security(f.e, f.ua, &key, DACL_SECURITY_INFORMATION | UNPROTECTED_DACL_SECURITY_INFORMATION,
                                              NULL, NULL, deny, NULL), 0);
    get_dacl(callout_sd(f.e, &key), &p);
    CHECK_EQ_U(ntsec_acl_count(p.dacl), ntsec_acl_count(old_p.dacl) + 1);
    CHECK(!(p.control & SE_DACL_PROTECTED));
    /* a NULL DACL with the DACL bit installs a NULL DACL (SetSecurityInfo) */
    CHECK_EQ_U(ntsec_wfp_callout_set_security(f.e, f.k, &key, DACL_SECURITY_INFORMATION, NULL, NULL, NULL, NULL), 0);
    get_dacl(callout_sd(f.e, &key), &p);
    CHECK((p.control & SE_DACL_PRESENT) && p.dacl == NULL);
    CHECK_EQ_U(max_allowed(callout_sd(f.e, &key), f.plain), 0x000F07FF);
    ntsec_sd_unref(hold);
    ntsec_sd_unref(hold2);
    teardown(&f);
}

/* New objects inherit from the container's current descriptor. */
static void test_container_change_flows_to_new_objects(void)
{
    fixture f;
    ntsec_sd *hold;
    const uint8_t *open_all = dacl_of("D:(A;OICI;GA;;;WD)", &hold);
    ntsec_guid key = guid(NO_KEY), skey = guid(S_KEY);
    setup(&f);
    CHECK_EQ_U(ntsec_wfp_callout_set_security(f.e, f.ua, NULL, DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION,
                                              NULL, NULL, open_all, NULL), 0);
    CHECK_EQ_U(add_callout(f.e, f.up, NO_KEY, "by everyone"), 0);   /* ADD now granted to Everyone */
    CHECK_EQ_U(max_allowed(callout_sd(f.e, &key), f.plain), 0x000F07FF);
    /* existing children re-inherit too (issue 4: inheritance is recomputed
    ** after a container's DACL changes) */
    CHECK_EQ_U(max_allowed(callout_sd(f.e, &skey), f.plain), 0x000F07FF);
    ntsec_sd_unref(hold);
    teardown(&f);
}

/* W32-FFD: take ownership with SeTakeOwnershipPrivilege, then the owner's
** implicit WRITE_DAC allows a new DACL, then delete succeeds. */
static void test_force_delete(void)
{
    fixture f;
    static const uint32_t takeown[] = {SE_TAKE_OWNERSHIP_PRIVILEGE, 0};
    ntsec_sd *h1, *h2;
    const uint8_t *lockout = dacl_of("D:(D;;SDWDWO;;;WD)", &h1);
    const uint8_t *grant = dacl_of("D:(A;;SD;;;S-1-5-21-1111-2222-3333-1002)", &h2);
    ntsec_guid key = guid(S_KEY);
    uint8_t other[68];
    ntsec_token *owner_tok;
    ntsec_wfp_handle ho;
    setup(&f);
    CHECK_EQ_U(ntsec_wfp_callout_set_security(f.e, f.ua, &key, DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION,
                                              NULL, NULL, lockout, NULL), 0);
    owner_tok = token(OTHER_SID, plain_groups, takeown);
    ho = open_session(&f, owner_tok, 0, 0);
    /* without the privilege the plain user cannot take ownership */
    CHECK_EQ_U(user(ntsec_wfp_callout_set_security(f.e, f.up, &key, OWNER_SECURITY_INFORMATION, sid(OTHER_SID, other), NULL, NULL, NULL)),
               U_ACCESS_DENIED);
    CHECK_EQ_U(ntsec_wfp_callout_set_security(f.e, ho, &key, OWNER_SECURITY_INFORMATION, other, NULL, NULL, NULL), 0);
    CHECK_EQ_U(ntsec_wfp_callout_set_security(f.e, ho, &key, DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION,
                                              NULL, NULL, grant, NULL), 0);
    CHECK_EQ_U(ntsec_wfp_callout_delete_by_key(f.e, ho, &key), 0);
    CHECK_EQ_U(ntsec_wfp_callout_delete_by_key(f.e, ho, &key), K_CALLOUT_NOT_FOUND);
    ntsec_token_free(owner_tok);
    ntsec_sd_unref(h1);
    ntsec_sd_unref(h2);
    teardown(&f);
}

/* ---- getters ---- */

static void test_getters(void)
{
    fixture f;
    ntsec_guid key = guid(S_KEY);
    ntsec_sd *out = NULL;
    ntsec_sd_parts p;
    static const uint32_t secpriv[] = {SE_SECURITY_PRIVILEGE, 0};
    ntsec_token *auditor;
    setup(&f);
    /* Everyone lacks READ_CONTROL */
    CHECK_EQ_U(user(ntsec_wfp_callout_get_security(f.e, f.up, &key, DACL_SECURITY_INFORMATION, &out)), U_ACCESS_DENIED);
    CHECK(out == NULL);
    CHECK_EQ_U(user(ntsec_wfp_connection_get_security(f.e, f.up, DACL_SECURITY_INFORMATION, &out)), U_ACCESS_DENIED);
    CHECK_EQ_U(user(ntsec_wfp_ale_get_security(f.e, f.up, DACL_SECURITY_INFORMATION, &out)), U_ACCESS_DENIED);
    /* Network Configuration Operators have READ_CONTROL (0x307FF) */
    CHECK_EQ_U(ntsec_wfp_callout_get_security(f.e, f.un, &key, DACL_SECURITY_INFORMATION, &out), 0);
    ntsec_sd_get_parts(out, &p);
    CHECK(p.owner == NULL && p.group == NULL && (p.control & SE_DACL_PRESENT) && p.dacl);
    ntsec_sd_unref(out);
    /* SACL needs ACCESS_SYSTEM_SECURITY, i.e. SeSecurityPrivilege */
    CHECK_EQ_U(user(ntsec_wfp_callout_get_security(f.e, f.ua, &key, SACL_SECURITY_INFORMATION, &out)), U_PRIV_NOT_HELD);
    auditor = token(USER_SID, admin_groups, secpriv);
    {
        ntsec_wfp_handle ha = open_session(&f, auditor, 0, 0);
        CHECK_EQ_U(ntsec_wfp_ale_get_security(f.e, ha, SACL_SECURITY_INFORMATION | OWNER_SECURITY_INFORMATION, &out), 0);
        ntsec_sd_unref(out);
    }
    /* kernel: no checks; no transaction restriction on getters (2.7) */
    ntsec_wfp_txn_begin(f.e, f.k, 0);
    CHECK_EQ_U(ntsec_wfp_callout_get_security(f.e, f.k, NULL, OWNER_SECURITY_INFORMATION | SACL_SECURITY_INFORMATION, &out), 0);
    ntsec_sd_unref(out);
    CHECK_EQ_U(ntsec_wfp_engine_get_security(f.e, f.k, DACL_SECURITY_INFORMATION, &out), 0);
    ntsec_sd_unref(out);
    ntsec_wfp_txn_abort(f.e, f.k);
    /* dynamic sessions may read anything they can access */
    CHECK_EQ_U(ntsec_wfp_callout_get_security(f.e, f.d1, &key, DACL_SECURITY_INFORMATION, &out), 0);
    ntsec_sd_unref(out);
    CHECK_EQ_U(ntsec_wfp_callout_get_security(f.e, f.k, (ntsec_guid[]){guid(NO_KEY)}, DACL_SECURITY_INFORMATION, &out),
               K_CALLOUT_NOT_FOUND);
    ntsec_token_free(auditor);
    teardown(&f);
}

/* ---- transactions ---- */

static size_t callout_count(fixture *f) { return ntsec_wfp_count(f->e, NTSEC_WFP_CALLOUT); }

static void test_transactions(void)
{
    fixture f;
    ntsec_guid skey = guid(S_KEY), nkey = guid(NO_KEY);
    ntsec_wfp_object_info first;
    size_t cur = 0, n;
    snap before;
    setup(&f);
    n = callout_count(&f);
    CHECK_EQ_U(user(ntsec_wfp_txn_commit(f.e, f.ua)), U_NO_TXN);
    CHECK_EQ_U(ntsec_wfp_txn_abort(f.e, f.k), K_NO_TXN);
    CHECK_EQ_U(ntsec_wfp_txn_begin(f.e, f.k, 2), K_INVALID_FLAGS);
    /* Everyone has no BEGIN_*_TXN right */
    CHECK_EQ_U(user(ntsec_wfp_txn_begin(f.e, f.up, 0)), U_ACCESS_DENIED);
    CHECK_EQ_U(user(ntsec_wfp_txn_begin(f.e, f.up, NTSEC_FWPM_TXN_READ_ONLY)), U_ACCESS_DENIED);
    /* read-only: no writes */
    CHECK_EQ_U(ntsec_wfp_txn_begin(f.e, f.ua, NTSEC_FWPM_TXN_READ_ONLY), 0);
    CHECK_EQ_U(user(ntsec_wfp_txn_begin(f.e, f.ua, 0)), U_TXN_IN_PROGRESS);
    CHECK_EQ_U(user(add_callout(f.e, f.ua, NO_KEY, "x")), U_INCOMPATIBLE_TXN);
    CHECK_EQ_U(user(ntsec_wfp_callout_delete_by_key(f.e, f.ua, &skey)), U_INCOMPATIBLE_TXN);
    CHECK_EQ_U(ntsec_wfp_txn_commit(f.e, f.ua), 0);
    /* abort restores: an add disappears, a delete comes back at its place */
    take(callout_sd(f.e, &skey), &before);
    CHECK_EQ_U(ntsec_wfp_txn_begin(f.e, f.ua, 0), 0);
    CHECK_EQ_U(add_callout(f.e, f.ua, NO_KEY, "added in txn"), 0);
    CHECK_EQ_U(user(add_callout(f.e, f.ua, NO_KEY, "dup")), U_ALREADY_EXISTS);   /* does not poison */
    CHECK_EQ_U(ntsec_wfp_callout_delete_by_key(f.e, f.ua, &skey), 0);
    CHECK(callout_sd(f.e, &skey) == NULL);
    CHECK_EQ_U(callout_count(&f), n);
    CHECK_EQ_U(ntsec_wfp_txn_abort(f.e, f.ua), 0);
    CHECK_EQ_U(callout_count(&f), n);
    CHECK(callout_sd(f.e, &nkey) == NULL);
    CHECK(same(callout_sd(f.e, &skey), &before));
    CHECK(ntsec_wfp_object_next(f.e, NTSEC_WFP_CALLOUT, &cur, &first));
    CHECK(memcmp(first.key.b, skey.b, 16) == 0);   /* first in insertion order again */
    /* commit keeps both */
    CHECK_EQ_U(ntsec_wfp_txn_begin(f.e, f.ua, 0), 0);
    CHECK_EQ_U(add_callout(f.e, f.ua, NO_KEY, "added in txn"), 0);
    CHECK_EQ_U(ntsec_wfp_callout_delete_by_key(f.e, f.ua, &skey), 0);
    CHECK_EQ_U(ntsec_wfp_txn_commit(f.e, f.ua), 0);
    CHECK(callout_sd(f.e, &nkey) != NULL && callout_sd(f.e, &skey) == NULL);
    /* closing with an open transaction aborts it */
    CHECK_EQ_U(ntsec_wfp_txn_begin(f.e, f.ua, 0), 0);
    CHECK_EQ_U(ntsec_wfp_callout_delete_by_key(f.e, f.ua, &nkey), 0);
    CHECK_EQ_U(ntsec_wfp_engine_close(f.e, f.ua), 0);
    CHECK(callout_sd(f.e, &nkey) != NULL);
    teardown(&f);
}

/* ---- sessions and dynamic objects ---- */

static void test_sessions(void)
{
    fixture f;
    ntsec_guid d1 = guid(D1_KEY), d2 = guid(D2_KEY), key = guid(NO_KEY);
    ntsec_wfp_session_opts o;
    ntsec_wfp_handle h;
    ntsec_wfp_session_record rec;
    setup(&f);
    /* dynamic objects die with their session; the other session's survive */
    CHECK_EQ_U(ntsec_wfp_engine_close(f.e, f.d1), 0);
    CHECK(callout_sd(f.e, &d1) == NULL);
    CHECK(callout_sd(f.e, &d2) != NULL);
    CHECK_EQ_U(ntsec_wfp_engine_close(f.e, f.d1), K_INVALID_HANDLE);
    CHECK_EQ_U(ntsec_wfp_engine_close(f.e, 0), 0);
    /* a dynamic session's object may be deleted by a static session */
    CHECK_EQ_U(ntsec_wfp_callout_delete_by_key(f.e, f.ua, &d2), 0);
    /* duplicate session keys (open sessions and imported records) */
    memset(&o, 0, sizeof o);
    o.token = f.admin;
    o.key = &key;
    CHECK_EQ_U(ntsec_wfp_engine_open(f.e, &o, &h), 0);
    CHECK_EQ_U(ntsec_wfp_engine_open(f.e, &o, &h), K_ALREADY_EXISTS);
    memset(&rec, 0, sizeof rec);
    rec.key = guid("eeeeeeee-0000-4000-8000-000000000001");
    CHECK_EQ_U(ntsec_wfp_import_session(f.e, &rec), 0);
    o.key = &rec.key;
    CHECK_EQ_U(user(ntsec_wfp_engine_open(f.e, &o, &h)), U_ALREADY_EXISTS);
    /* user mode needs a token; kernel mode does not */
    o.key = NULL;
    o.token = NULL;
    CHECK_EQ_U(ntsec_wfp_engine_open(f.e, &o, &h), K_NO_TOKEN);
    o.kernel_mode = 1;
    CHECK_EQ_U(ntsec_wfp_engine_open(f.e, &o, &h), 0);
    /* not running */
    ntsec_wfp_engine_set_running(f.e, 0);
    CHECK_EQ_U(ntsec_wfp_engine_open(f.e, &o, &h), K_NOT_REGISTERED);
    CHECK_EQ_U(user(ntsec_wfp_engine_open(f.e, &o, &h)), U_NOT_REGISTERED);
    ntsec_wfp_engine_set_running(f.e, 1);
    teardown(&f);
}

static void test_open_access(void)
{
    ntsec_wfp_engine_opts eo;
    ntsec_wfp_engine *e;
    ntsec_wfp_session_opts o;
    ntsec_wfp_handle h;
    ntsec_token *plain = token(OTHER_SID, plain_groups, NULL), *admin = token(USER_SID, admin_groups, NULL);
    memset(&eo, 0, sizeof eo);
    memset(&o, 0, sizeof o);
    /* default root: Everyone has OPEN (DT) */
    ntsec_wfp_engine_new(NULL, &e);
    o.token = plain;
    CHECK_EQ_U(ntsec_wfp_engine_open(e, &o, &h), 0);
    ntsec_wfp_engine_free(e);
    /* a root without Everyone: denied; a root denying OPEN to BA: admins still open (3.3) */
    eo.root_sd = sddl("O:BAG:LSD:(A;;GA;;;SY)(D;;DT;;;BA)");
    ntsec_wfp_engine_new(&eo, &e);
    CHECK_EQ_U(user(ntsec_wfp_engine_open(e, &o, &h)), U_ACCESS_DENIED);
    o.token = admin;
    CHECK_EQ_U(ntsec_wfp_engine_open(e, &o, &h), 0);
    ntsec_wfp_engine_free(e);
    ntsec_sd_unref(eo.root_sd);
    ntsec_token_free(plain);
    ntsec_token_free(admin);
}

/* ---- callout add / delete / get ---- */

static void test_callouts(void)
{
    fixture f;
    ntsec_wfp_callout_spec c;
    ntsec_wfp_object_spec imp;
    ntsec_wfp_object_info info;
    ntsec_guid pkey = guid(P_KEY), skey = guid(S_KEY), bkey, lkey, nkey = guid(NO_KEY);
    uint32_t id = 0;
    setup(&f);
    memset(&c, 0, sizeof c);
    c.key = nkey;
    c.name = "c";
    CHECK_EQ_U(user(ntsec_wfp_callout_add(f.e, f.up, &c, NULL, &id)), U_ACCESS_DENIED);
    c.name = NULL;
    CHECK_EQ_U(ntsec_wfp_callout_add(f.e, f.k, &c, NULL, &id), K_NULL_DISPLAY_NAME);
    c.name = "c";
    c.flags = NTSEC_FWPM_CALLOUT_FLAG_REGISTERED;
    CHECK_EQ_U(ntsec_wfp_callout_add(f.e, f.k, &c, NULL, &id), K_INVALID_FLAGS);
    c.flags = 0;
    c.key = skey;
    CHECK_EQ_U(user(ntsec_wfp_callout_add(f.e, f.ua, &c, NULL, &id)), U_ALREADY_EXISTS);
    CHECK_EQ_U(ntsec_wfp_callout_add(f.e, f.k, &c, NULL, &id), K_ALREADY_EXISTS);
    c.key = nkey;
    c.provider = &nkey;
    CHECK_EQ_U(ntsec_wfp_callout_add(f.e, f.k, &c, NULL, &id), K_PROVIDER_NOT_FOUND);
    c.provider = NULL;
    c.layer = nkey;   /* a GUID that is no layer */
    CHECK_EQ_U(ntsec_wfp_callout_add(f.e, f.k, &c, NULL, &id), K_LAYER_NOT_FOUND);
    /* a built-in layer (SDK name) is known before any import */
    ntsec_wfp_name_to_guid("FWPM_LAYER_ALE_AUTH_CONNECT_V4", 30, &lkey);
    c.layer = lkey;
    c.key = guid("12121212-0000-4000-8000-000000000001");
    CHECK_EQ_U(ntsec_wfp_callout_add(f.e, f.ua, &c, NULL, &id), 0);
    c.key = nkey;
    /* ... and exists from then on as a built-in object */
    CHECK_EQ_U(ntsec_wfp_object_get(f.e, f.k, NTSEC_WFP_LAYER, &lkey, &info), 0);
    CHECK_EQ_U(info.lifetime, NTSEC_WFP_LIFE_BUILTIN);
    CHECK_STR(info.name, "FWPM_LAYER_ALE_AUTH_CONNECT_V4");
    /* a persistent callout may not reference a static provider (2.3) */
    c.provider = &pkey;
    c.flags = NTSEC_FWPM_CALLOUT_FLAG_PERSISTENT;
    CHECK_EQ_U(ntsec_wfp_callout_add(f.e, f.k, &c, NULL, &id), K_LIFETIME_MISMATCH);
    c.flags = 0;
    CHECK_EQ_U(ntsec_wfp_callout_add(f.e, f.k, &c, NULL, &id), 0);
    CHECK(id != 0);
    CHECK_EQ_U(ntsec_wfp_callout_get_by_key(f.e, f.ua, &nkey, &info), 0);
    CHECK_EQ_U(info.id, id);
    CHECK(info.has_provider && memcmp(info.provider.b, pkey.b, 16) == 0);
    CHECK(info.has_layer && memcmp(info.layer.b, lkey.b, 16) == 0);
    CHECK_STR(info.name, "c");
    CHECK_EQ_U(info.lifetime, NTSEC_WFP_LIFE_STATIC);
    CHECK_EQ_U(user(ntsec_wfp_callout_get_by_key(f.e, f.up, &nkey, &info)), U_ACCESS_DENIED);
    /* a filter referencing the callout keeps it in use */
    memset(&imp, 0, sizeof imp);
    imp.key = guid("ffffffff-0000-4000-8000-000000000001");
    imp.callout = &nkey;
    imp.layer = &lkey;
    CHECK_EQ_U(ntsec_wfp_import_object(f.e, NTSEC_WFP_FILTER, &imp), 0);
    CHECK_EQ_U(user(ntsec_wfp_callout_delete_by_key(f.e, f.ua, &nkey)), U_IN_USE);
    CHECK_EQ_U(ntsec_wfp_callout_delete_by_key(f.e, f.k, &nkey), K_IN_USE);
    /* a filter may not reference a dynamic callout (static -> dynamic, 2.3) */
    imp.key = guid("ffffffff-0000-4000-8000-000000000002");
    imp.callout = (ntsec_guid[]){guid(D1_KEY)};
    CHECK_EQ_U(ntsec_wfp_import_object(f.e, NTSEC_WFP_FILTER, &imp), K_LIFETIME_MISMATCH);
    /* built-in callouts cannot be deleted */
    ntsec_wfp_name_to_guid("FWPM_CALLOUT_IPSEC_FORWARD_INBOUND_TUNNEL_V4", 44, &bkey);
    memset(&imp, 0, sizeof imp);
    imp.key = bkey;
    imp.id = 9;
    imp.has_id = 1;
    imp.name = "builtin";
    CHECK_EQ_U(ntsec_wfp_import_object(f.e, NTSEC_WFP_CALLOUT, &imp), 0);
    CHECK_EQ_U(ntsec_wfp_callout_delete_by_key(f.e, f.k, &bkey), K_BUILTIN_OBJECT);
    CHECK_EQ_U(ntsec_wfp_callout_get_by_key(f.e, f.k, &bkey, &info), 0);
    CHECK_EQ_U(info.lifetime, NTSEC_WFP_LIFE_BUILTIN);
    CHECK_EQ_U(info.id, 9);
    /* duplicate imported id */
    imp.key = guid("bbbbbbbb-0000-4000-8000-000000000099");
    CHECK_EQ_U(ntsec_wfp_import_object(f.e, NTSEC_WFP_CALLOUT, &imp), K_ALREADY_EXISTS);
    /* deleting a missing callout */
    CHECK_EQ_U(ntsec_wfp_callout_delete_by_key(f.e, f.k, (ntsec_guid[]){guid("12345678-0000-4000-8000-000000000000")}),
               K_CALLOUT_NOT_FOUND);
    teardown(&f);
}

static void test_callout_limit(void)
{
    ntsec_wfp_engine_opts eo;
    ntsec_wfp_engine *e;
    ntsec_wfp_session_opts o;
    ntsec_wfp_callout_spec c;
    ntsec_wfp_handle h;
    memset(&eo, 0, sizeof eo);
    eo.max_callouts = 2;
    ntsec_wfp_engine_new(&eo, &e);
    memset(&o, 0, sizeof o);
    o.kernel_mode = 1;
    ntsec_wfp_engine_open(e, &o, &h);
    memset(&c, 0, sizeof c);
    c.name = "n";
    CHECK_EQ_U(ntsec_wfp_callout_add(e, h, &c, NULL, NULL), 0);
    CHECK_EQ_U(ntsec_wfp_callout_add(e, h, &c, NULL, NULL), 0);   /* zero key: generated */
    CHECK_EQ_U(ntsec_wfp_callout_add(e, h, &c, NULL, NULL), K_TOO_MANY_CALLOUTS);
    CHECK_EQ_U(ntsec_wfp_count(e, NTSEC_WFP_CALLOUT), 2);
    ntsec_wfp_engine_free(e);
}

/* ---- ALE endpoints and connections ---- */

static void test_ale_and_connections(void)
{
    fixture f;
    ntsec_wfp_endpoint ep;
    ntsec_wfp_connection cn;
    const ntsec_wfp_endpoint *got, **list;
    const ntsec_wfp_connection **clist;
    size_t n;
    static const uint8_t app[] = {0x5c, 0x00, 0x64, 0x00};
    setup(&f);
    memset(&ep, 0, sizeof ep);
    ep.id = 100032;
    ep.ip_version = NTSEC_FWP_IP_VERSION_V4;
    CHECK_EQ_U(ntsec_wfp_addr_parse("28.0.0.1", 0, &ep.local), 0);
    CHECK_EQ_U(ntsec_wfp_addr_parse("162.243.97.106", 0, &ep.remote), 0);
    CHECK(memcmp(ep.remote.bin, "\xa2\xf3\x61\x6a", 4) == 0);
    CHECK_EQ_U(ntsec_wfp_addr_parse("not-an-address", 0, &ep.remote), K_INVALID_PARAMETER);
    ntsec_wfp_addr_parse("162.243.97.106", 0, &ep.remote);
    ep.protocol = 6;
    ep.local_port = 52592;
    ep.app_id = app;
    ep.app_id_len = sizeof app;
    CHECK_EQ_U(ntsec_wfp_import_endpoint(f.e, &ep), 0);
    /* real dumps repeat endpoint ids (netsh-wfpstate-2.xml: 60 x id 170) */
    ep.local_port = 1;
    CHECK_EQ_U(ntsec_wfp_import_endpoint(f.e, &ep), 0);
    ep.local_port = 52592;
    CHECK_EQ_U(ntsec_wfp_count(f.e, NTSEC_WFP_ENDPOINT), 2);
    CHECK_EQ_U(ntsec_wfp_ale_get_by_id(f.e, f.k, 100032, &got), 0);
    CHECK(got->id == 100032 && got->app_id_len == 4 && memcmp(got->app_id, app, 4) == 0);
    CHECK_EQ_U(ntsec_wfp_ale_get_by_id(f.e, f.k, 1, &got), K_FWP_NOT_FOUND);
    /* Everyone: no READ / ENUM on the ALE container */
    CHECK_EQ_U(user(ntsec_wfp_ale_get_by_id(f.e, f.up, 100032, &got)), U_ACCESS_DENIED);
    CHECK_EQ_U(user(ntsec_wfp_ale_enum(f.e, f.up, &list, &n)), U_ACCESS_DENIED);
    CHECK_EQ_U(ntsec_wfp_ale_enum(f.e, f.un, &list, &n), 0);
    CHECK_EQ_U(n, 2);
    CHECK(n == 2 && list[0]->local_port == 52592 && list[1]->local_port == 1);
    free(list);
    /* connections */
    memset(&cn, 0, sizeof cn);
    cn.id = 7;
    CHECK_EQ_U(ntsec_wfp_connection_add(f.e, f.k, &cn), 0);
    CHECK_EQ_U(ntsec_wfp_connection_add(f.e, f.k, &cn), K_ALREADY_EXISTS);
    CHECK_EQ_U(user(ntsec_wfp_connection_enum(f.e, f.up, &clist, &n)), U_ACCESS_DENIED);
    CHECK_EQ_U(ntsec_wfp_connection_enum(f.e, f.ua, &clist, &n), 0);
    CHECK(n == 1 && clist[0]->id == 7);
    free(clist);
    teardown(&f);
}

/* ---- the hash indexes under load ---- */

static void test_many_callouts(void)
{
    ntsec_wfp_engine_opts eo;
    ntsec_wfp_engine *e;
    ntsec_wfp_session_opts o;
    ntsec_wfp_handle h;
    ntsec_wfp_object_spec s;
    ntsec_wfp_object_info info;
    const int n = 20000;
    int i, ok = 1;
    memset(&eo, 0, sizeof eo);
    eo.max_callouts = UINT32_MAX;
    ntsec_wfp_engine_new(&eo, &e);
    memset(&o, 0, sizeof o);
    o.kernel_mode = 1;
    ntsec_wfp_engine_open(e, &o, &h);
    memset(&s, 0, sizeof s);
    for (i = 0; i < n; i++) {
        memset(&s.key, 0, 16);
        ntsec_wr32(s.key.b, (uint32_t)i * 2654435761u);
        ntsec_wr32(s.key.b + 12, (uint32_t)i + 1);
        s.id = (uint64_t)i + 1000;
        s.has_id = 1;
        ok &= ntsec_wfp_import_object(e, NTSEC_WFP_CALLOUT, &s) == 0;
    }
    CHECK(ok);
    for (i = 0; i < n; i += 2) {
        memset(&s.key, 0, 16);
        ntsec_wr32(s.key.b, (uint32_t)i * 2654435761u);
        ntsec_wr32(s.key.b + 12, (uint32_t)i + 1);
        ok &= ntsec_wfp_callout_delete_by_key(e, h, &s.key) == 0;
    }
    CHECK(ok);
    CHECK_EQ_U(ntsec_wfp_count(e, NTSEC_WFP_CALLOUT), (unsigned)n / 2);
    for (i = 0; i < n; i++) {
        NTSTATUS st;
        memset(&s.key, 0, 16);
        ntsec_wr32(s.key.b, (uint32_t)i * 2654435761u);
        ntsec_wr32(s.key.b + 12, (uint32_t)i + 1);
        st = ntsec_wfp_callout_get_by_key(e, h, &s.key, &info);
        ok &= (i % 2) ? (st == 0 && info.id == (uint64_t)i + 1000) : st == K_CALLOUT_NOT_FOUND;
    }
    CHECK(ok);
    /* imported callouts share one descriptor (reference counted) */
    {
        size_t cur = 0;
        const ntsec_sd *first = NULL;
        while (ntsec_wfp_object_next(e, NTSEC_WFP_CALLOUT, &cur, &info)) {
            if (!first) first = info.sd;
            ok &= info.sd == first;
        }
        CHECK(ok);
    }
    ntsec_wfp_engine_free(e);
}


/* ---- issue 5: shared descriptors, the Set memo, persistence corners ---- */

/* Objects given equal descriptors share one copy (interning), and a Set
** memo hit on one parent is not reused for a different parent. */
static void test_shared_descriptors(void)
{
    fixture f;
    ntsec_sd *hold;
    const uint8_t *acl = dacl_of("D:(A;;GA;;;BA)", &hold);
    ntsec_guid a = guid("eeeeeeee-0000-4000-8000-000000000001"), b = guid("eeeeeeee-0000-4000-8000-000000000002");
    ntsec_guid p = guid(P_KEY);
    setup(&f);
    CHECK_EQ_U(add_callout(f.e, f.k, "eeeeeeee-0000-4000-8000-000000000001", "a"), 0);
    CHECK_EQ_U(add_callout(f.e, f.k, "eeeeeeee-0000-4000-8000-000000000002", "b"), 0);
    CHECK(callout_sd(f.e, &a) == callout_sd(f.e, &b));
    CHECK_EQ_U(ntsec_wfp_callout_set_security(f.e, f.k, &a, DACL_SECURITY_INFORMATION, NULL, NULL, acl, NULL), 0);
    CHECK(callout_sd(f.e, &a) != callout_sd(f.e, &b));
    CHECK_EQ_U(ntsec_wfp_callout_set_security(f.e, f.k, &b, DACL_SECURITY_INFORMATION, NULL, NULL, acl, NULL), 0);
    CHECK(callout_sd(f.e, &a) == callout_sd(f.e, &b));   /* the same result, one copy */
    /* the same DACL on a provider (another container, same default parent
    ** descriptor): computed against the providers container, not memo'd from
    ** the callout; both containers are equal here, so the results are too */
    CHECK_EQ_U(ntsec_wfp_object_set_security(f.e, f.k, NTSEC_WFP_PROVIDER, &p, DACL_SECURITY_INFORMATION, NULL, NULL,
                                             acl, NULL), 0);
    ntsec_sd_unref(hold);
    teardown(&f);
}

static void store_path(char *buf, size_t cap)
{
    snprintf(buf, cap, "/tmp/ntsec-wfp-test-%ld.db", (long)getpid());
}

static void remove_store(const char *path)
{
    char extra[96];
    unlink(path);
    snprintf(extra, sizeof extra, "%s-wal", path);
    unlink(extra);
    snprintf(extra, sizeof extra, "%s-shm", path);
    unlink(extra);
}

static ntsec_wfp_engine *open_store(const char *path, ntsec_wfp_handle *k)
{
    ntsec_wfp_engine_opts eo;
    ntsec_wfp_session_opts o;
    ntsec_wfp_engine *e = NULL;
    memset(&eo, 0, sizeof eo);
    eo.path = path;
    eo.virtual_clock = 1;
    eo.sync_normal = 1;
    if (ntsec_wfp_engine_new(&eo, &e) != 0) return NULL;
    memset(&o, 0, sizeof o);
    o.kernel_mode = 1;
    ntsec_wfp_engine_open(e, &o, k);
    return e;
}

/* A descriptor first stored inside an aborted transaction must be stored
** again by the next one (the store forgets the row ids it learnt). */
static void test_store_abort_forgets(void)
{
    char path[64];
    ntsec_wfp_engine *e;
    ntsec_wfp_handle k;
    ntsec_wfp_callout_spec c;
    ntsec_sd *sd = sddl("O:SYG:SYD:(A;;GA;;;SY)(A;;GR;;;BU)");
    ntsec_guid a = guid("dddddddd-0000-4000-8000-000000000001"), b = guid("dddddddd-0000-4000-8000-000000000002");
    store_path(path, sizeof path);
    remove_store(path);
    e = open_store(path, &k);
    CHECK(e != NULL);
    if (!e) return;
    memset(&c, 0, sizeof c);
    c.name = "p";
    c.flags = NTSEC_FWPM_CALLOUT_FLAG_PERSISTENT;
    c.key = a;
    CHECK_EQ_U(ntsec_wfp_txn_begin(e, k, 0), 0);
    CHECK_EQ_U(ntsec_wfp_callout_add(e, k, &c, sd, NULL), 0);
    CHECK_EQ_U(ntsec_wfp_txn_abort(e, k), 0);
    c.key = b;
    CHECK_EQ_U(ntsec_wfp_callout_add(e, k, &c, sd, NULL), 0);   /* implicit transaction, committed */
    ntsec_wfp_engine_free(e);
    e = open_store(path, &k);
    CHECK(e != NULL);
    if (e) {
        CHECK(callout_sd(e, &a) == NULL);
        CHECK(callout_sd(e, &b) != NULL && ntsec_sd_equal(callout_sd(e, &b), sd));
        /* a failed call inside an explicit transaction rolls back only itself */
        CHECK_EQ_U(ntsec_wfp_txn_begin(e, k, 0), 0);
        c.key = a;
        CHECK_EQ_U(ntsec_wfp_callout_add(e, k, &c, NULL, NULL), 0);
        CHECK_EQ_U(ntsec_wfp_callout_add(e, k, &c, NULL, NULL), K_ALREADY_EXISTS);
        CHECK_EQ_U(ntsec_wfp_txn_commit(e, k), 0);
        ntsec_wfp_engine_free(e);
        e = open_store(path, &k);
        CHECK(e && callout_sd(e, &a) != NULL);
        ntsec_wfp_engine_free(e);
    }
    ntsec_sd_unref(sd);
    remove_store(path);
}

/* One transaction lock per engine; a wait on the virtual clock moves the
** clock by the session's timeout (0: 15 s). */
static void test_lock_wait(void)
{
    fixture f;
    ntsec_wfp_session_opts o;
    ntsec_wfp_handle h;
    uint64_t t0;
    setup(&f);
    memset(&o, 0, sizeof o);
    o.kernel_mode = 1;
    o.txn_timeout_ms = 40;
    CHECK_EQ_U(ntsec_wfp_engine_open(f.e, &o, &h), 0);
    CHECK_EQ_U(ntsec_wfp_txn_begin(f.e, f.k, 0), 0);
    t0 = ntsec_wfp_engine_clock(f.e);
    CHECK_EQ_U(ntsec_wfp_txn_begin(f.e, h, 0), 0xC0220012u);   /* STATUS_FWP_TIMEOUT */
    CHECK_EQ_U(ntsec_wfp_engine_clock(f.e) - t0, 40);
    t0 = ntsec_wfp_engine_clock(f.e);
    CHECK_EQ_U(user(add_callout(f.e, f.ua, NO_KEY, "x")), 0x80320012u);
    CHECK_EQ_U(ntsec_wfp_engine_clock(f.e) - t0, NTSEC_WFP_DEFAULT_TXN_WAIT_MS);
    CHECK_EQ_U(ntsec_wfp_txn_commit(f.e, f.k), 0);
    CHECK_EQ_U(add_callout(f.e, f.ua, NO_KEY, "x"), 0);
    teardown(&f);
}

/* ---- the kind table and the security observer ---- */

/* Rows as transcribed from the SDK (fwpmu.h names, fwpmtypes.h flags) and
** wfp_ks_errors.md 5.3 (not-found statuses). */
static void test_kind_table(void)
{
    static const struct { ntsec_wfp_kind kind; const char *api; uint32_t not_found, persistent; } want[] = {
        {NTSEC_WFP_PROVIDER, "FwpmProvider", 0xC0220005u, 0x1u},
        {NTSEC_WFP_SUBLAYER, "FwpmSubLayer", 0xC0220007u, 0x1u},
        {NTSEC_WFP_LAYER, "FwpmLayer", 0xC0220004u, 0},
        {NTSEC_WFP_CALLOUT, "FwpmCallout", 0xC0220001u, 0x10000u},
        {NTSEC_WFP_FILTER, "FwpmFilter", 0xC0220003u, 0x1u},
        {NTSEC_WFP_ENDPOINT, "FwpsAleEndpoint", 0xC0220008u, 0},
        {NTSEC_WFP_CONNECTION, "FwpmConnection", 0xC0220008u, 0},
    };
    char api[64];
    size_t i;
    CHECK_EQ_U(ntsec_wfp_kind_count(), NTSEC_WFP_KIND_COUNT);
    for (i = 0; i < sizeof want / sizeof want[0]; i++) {
        const ntsec_wfp_kind_info *r = ntsec_wfp_kind_row(want[i].kind);
        CHECK(r != NULL && r->kind == want[i].kind);
        if (!r) continue;
        snprintf(api, sizeof api, "%s%s", r->prefix, r->stem);
        CHECK_STR(api, want[i].api);
        CHECK_EQ_U(r->not_found, want[i].not_found);
        CHECK_EQ_U(ntsec_wfp_not_found_status(want[i].kind), want[i].not_found);
        CHECK_EQ_U(r->persistent_flag, want[i].persistent);
    }
    CHECK(ntsec_wfp_kind_row(NTSEC_WFP_KIND_COUNT) == NULL);
    /* layers are built-in: no Add0 / DeleteByKey0 in Windows */
    CHECK(!ntsec_wfp_kind_has(NTSEC_WFP_LAYER, NTSEC_WFP_OP_ADD));
    CHECK(!ntsec_wfp_kind_has(NTSEC_WFP_LAYER, NTSEC_WFP_OP_DELETE_BY_KEY));
    CHECK(ntsec_wfp_kind_has(NTSEC_WFP_CALLOUT, NTSEC_WFP_OP_DELETE_BY_ID));
    CHECK(!ntsec_wfp_kind_has(NTSEC_WFP_PROVIDER, NTSEC_WFP_OP_GET_BY_ID));
    CHECK(ntsec_wfp_kind_has(NTSEC_WFP_ROOT, NTSEC_WFP_OP_SECURITY));
}

typedef struct observed {
    int calls, set;
    ntsec_wfp_kind kind;
    NTSTATUS status;
    int had_before, had_after, changed;
} observed;

static void observer(void *ctx, const ntsec_wfp_security_event *ev)
{
    observed *o = ctx;
    o->calls++;
    o->set = ev->set;
    o->kind = ev->kind;
    o->status = ev->status;
    o->had_before = ev->before != NULL;
    o->had_after = ev->after != NULL;
    o->changed = ev->before && ev->after && ev->before != ev->after;
}

static void test_security_observer(void)
{
    fixture f;
    observed o;
    ntsec_guid key;
    ntsec_sd *sd = sddl("D:(A;;GA;;;BA)"), *got = NULL;
    ntsec_sd_parts p;
    setup(&f);
    ntsec_sd_get_parts(sd, &p);
    memset(&o, 0, sizeof o);
    ntsec_wfp_engine_set_observer(f.e, observer, &o);
    key = guid(S_KEY);
    /* every path: the Windows-named functions and the generic ones */
    CHECK_EQ_U(ntsec_wfp_callout_set_security(f.e, f.k, &key, DACL_SECURITY_INFORMATION, NULL, NULL, p.dacl, NULL), 0);
    CHECK_EQ_U(o.calls, 1);
    CHECK(o.set && o.kind == NTSEC_WFP_CALLOUT && o.status == 0 && o.changed);
    CHECK_EQ_U(ntsec_wfp_connection_set_security(f.e, f.d1, DACL_SECURITY_INFORMATION, NULL, NULL, p.dacl, NULL),
               STATUS_FWP_DYNAMIC_SESSION_IN_PROGRESS);
    CHECK_EQ_U(o.calls, 2);
    CHECK(o.kind == NTSEC_WFP_CONNECTION && o.status == STATUS_FWP_DYNAMIC_SESSION_IN_PROGRESS && !o.changed);
    CHECK(o.had_before && o.had_after);
    key = guid(NO_KEY);
    CHECK_EQ_U(ntsec_wfp_get_security(f.e, f.k, NTSEC_WFP_CALLOUT, &key, DACL_SECURITY_INFORMATION, &got),
               STATUS_FWP_CALLOUT_NOT_FOUND);
    CHECK(o.calls == 3 && !o.set && !o.had_before && !o.had_after);
    CHECK_EQ_U(ntsec_wfp_engine_get_security(f.e, f.k, DACL_SECURITY_INFORMATION, &got), 0);
    CHECK(o.calls == 4 && o.kind == NTSEC_WFP_ROOT);
    ntsec_sd_unref(got);
    ntsec_wfp_engine_set_observer(f.e, NULL, NULL);
    CHECK_EQ_U(ntsec_wfp_ale_get_security(f.e, f.k, DACL_SECURITY_INFORMATION, &got), 0);
    CHECK_EQ_U(o.calls, 4);
    ntsec_sd_unref(got);
    ntsec_sd_unref(sd);
    teardown(&f);
}

int main(void)
{
    test_service_sids();
    test_default_descriptors();
    test_rule_handle_running_txn();
    test_rule_lookup();
    test_rule_dynamic();
    test_rule_access();
    test_rule_arguments();
    test_merge_inheritance();
    test_force_delete();
    test_container_change_flows_to_new_objects();
    test_getters();
    test_transactions();
    test_sessions();
    test_open_access();
    test_callouts();
    test_callout_limit();
    test_ale_and_connections();
    test_many_callouts();
    test_shared_descriptors();
    test_store_abort_forgets();
    test_lock_wait();
    test_kind_table();
    test_security_observer();
    return ctest_summary();
}
