/*
** access_test.c: tokens and the access check against sd_semantics.md 3
** (3.1 matching, 3.2 statuses, 3.3 algorithm, 3.4 MAXIMUM_ALLOWED, 3.5
** privileges, the Windows outcomes of 3.8) and [MS-DTYP] 2.5.3.2.
** Descriptors are written in SDDL; every expected value is worked out by
** hand from the spec, never copied from our output.
*/
#include <stdlib.h>
#include <string.h>

#include "ctest.h"
#include "access.h"
#include "sd.h"
#include "sddl.h"
#include "secdefs.h"
#include "sid.h"
#include "status.h"
#include "token.h"

/* Registry rights used by WINE-TEST test_AccessCheck (3.8; 1.5). */
#define KEY_QUERY_VALUE 0x00000001u
#define KEY_SET_VALUE   0x00000002u
#define KEY_READ        0x00020019u
#define KEY_WRITE       0x00020006u
#define KEY_ALL_ACCESS  0x000F003Fu

static const ntsec_generic_mapping key_mapping = { KEY_READ, KEY_WRITE, KEY_READ, KEY_ALL_ACCESS };

static const uint8_t SID_WD[] = {1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0};                   /* S-1-1-0 */
static const uint8_t SID_BA[] = {1, 2, 0, 0, 0, 0, 0, 5, 0x20, 0, 0, 0, 0x20, 2, 0, 0}; /* S-1-5-32-544 */
static const uint8_t SID_BU[] = {1, 2, 0, 0, 0, 0, 0, 5, 0x20, 0, 0, 0, 0x21, 2, 0, 0}; /* S-1-5-32-545 */
static const uint8_t SID_AU[] = {1, 1, 0, 0, 0, 0, 0, 5, 11, 0, 0, 0};                  /* S-1-5-11 */
static const uint8_t SID_SY[] = {1, 1, 0, 0, 0, 0, 0, 5, 0x12, 0, 0, 0};                /* S-1-5-18 */
static const uint8_t SID_ME[] = {1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 1, 0, 0, 0,
                                 2, 0, 0, 0, 3, 0, 0, 0, 0xE9, 3, 0, 0};               /* S-1-5-21-1-2-3-1001 */
static const uint8_t SID_ML[] = {1, 1, 0, 0, 0, 0, 0, 16, 0, 0x20, 0, 0};              /* S-1-16-8192 */

#define ENABLED (SE_GROUP_ENABLED | SE_GROUP_ENABLED_BY_DEFAULT | SE_GROUP_MANDATORY)

static ntsec_sd *sd_of(const char *sddl)
{
    static const ntsec_sid_ctx ctx;
    ntsec_sd *sd = NULL;
    NTSTATUS st = ntsec_sddl_parse(sddl, strlen(sddl), &ctx, &sd, NULL);
    if (st != STATUS_SUCCESS) printf("setup: cannot parse %s (0x%08x)\n", sddl, (unsigned)st);
    return sd;
}

/* O:SY G:SY with a DACL of count ACEs given as hex (for ACEs the SDDL parser
** does not take: conditions, audit ACEs in a DACL). */
static ntsec_sd *sd_with_dacl_hex(unsigned count, const char *aces_hex)
{
    uint8_t acl[512];
    long n = ctest_unhex(aces_hex, acl + 8, sizeof acl - 8);
    ntsec_sd_parts p;
    ntsec_sd *sd = NULL;
    if (n < 0) return NULL;
    acl[0] = ACL_REVISION;
    acl[1] = 0;
    ntsec_wr16(acl + 2, (uint16_t)(n + 8));
    ntsec_wr16(acl + 4, (uint16_t)count);
    ntsec_wr16(acl + 6, 0);
    memset(&p, 0, sizeof p);
    p.control = SE_DACL_PRESENT;
    p.owner = SID_SY;
    p.group = SID_SY;
    p.dacl = acl;
    if (ntsec_sd_build(&p, &sd) != STATUS_SUCCESS) return NULL;
    return sd;
}

/* The "test process token" of 3.8: a member of Administrators. */
static ntsec_token *admin_token(void)
{
    ntsec_token *t = ntsec_token_new(SID_ME, 0);
    ntsec_token_add_group(t, SID_WD, ENABLED);
    ntsec_token_add_group(t, SID_BA, ENABLED | SE_GROUP_OWNER);
    ntsec_token_add_group(t, SID_BU, ENABLED);
    ntsec_token_add_group(t, SID_AU, ENABLED);
    return t;
}

/* Everyone + Users only. */
static ntsec_token *user_token(void)
{
    ntsec_token *t = ntsec_token_new(SID_ME, 0);
    ntsec_token_add_group(t, SID_WD, ENABLED);
    ntsec_token_add_group(t, SID_BU, ENABLED);
    return t;
}

typedef struct outcome {
    NTSTATUS call;
    NTSTATUS access;
    ACCESS_MASK granted;
    uint32_t used;
} outcome;

static outcome check_opts(const char *sddl, const ntsec_token *t, ACCESS_MASK want,
                          const ntsec_access_opts *opts)
{
    outcome o;
    ntsec_access_result r;
    ntsec_sd *sd = sd_of(sddl);
    memset(&o, 0xEE, sizeof o);
    r.granted = 0xDEADBEEF;
    r.access_status = 0xDEADBEEF;
    r.privileges_used = 0xDEADBEEF;
    o.call = sd ? ntsec_access_check(sd, t, want, &key_mapping, opts, &r) : 0xFFFFFFFF;
    o.access = r.access_status;
    o.granted = r.granted;
    o.used = r.privileges_used;
    ntsec_sd_unref(sd);
    return o;
}

static outcome check(const char *sddl, const ntsec_token *t, ACCESS_MASK want)
{
    return check_opts(sddl, t, want, NULL);
}

static outcome check_hex(unsigned count, const char *aces_hex, const ntsec_token *t, ACCESS_MASK want)
{
    outcome o;
    ntsec_access_result r;
    ntsec_sd *sd = sd_with_dacl_hex(count, aces_hex);
    memset(&o, 0xEE, sizeof o);
    if (!sd) printf("setup: cannot build a DACL from %s\n", aces_hex);
    o.call = sd ? ntsec_access_check(sd, t, want, &key_mapping, NULL, &r) : 0xFFFFFFFF;
    o.access = r.access_status;
    o.granted = r.granted;
    ntsec_sd_unref(sd);
    return o;
}

#define EXPECT_GRANTED(o, mask) do { outcome o_ = (o); CHECK_EQ_U(o_.call, STATUS_SUCCESS); \
    CHECK_EQ_U(o_.access, STATUS_SUCCESS); CHECK_EQ_U(o_.granted, (mask)); } while (0)
#define EXPECT_DENIED(o) do { outcome o_ = (o); CHECK_EQ_U(o_.call, STATUS_SUCCESS); \
    CHECK_EQ_U(o_.access, STATUS_ACCESS_DENIED); CHECK_EQ_U(o_.granted, 0); } while (0)

/* ---- tokens (3.1, 4.6) ---- */

static void test_token_matching(void)
{
    ntsec_token *t = ntsec_token_new(SID_ME, 0);
    CHECK(t != NULL);
    CHECK_EQ_U(ntsec_token_add_group(t, SID_WD, ENABLED), STATUS_SUCCESS);
    CHECK_EQ_U(ntsec_token_add_group(t, SID_BA, SE_GROUP_USE_FOR_DENY_ONLY | SE_GROUP_OWNER), STATUS_SUCCESS);
    CHECK_EQ_U(ntsec_token_add_group(t, SID_BU, 0), STATUS_SUCCESS);            /* disabled */
    CHECK_EQ_U(ntsec_token_add_group(t, SID_AU, ENABLED | SE_GROUP_OWNER), STATUS_SUCCESS);
    /* user: allow and deny */
    CHECK(ntsec_token_has_sid(t, SID_ME, 0));
    CHECK(ntsec_token_has_sid(t, SID_ME, 1));
    /* enabled group: both */
    CHECK(ntsec_token_has_sid(t, SID_WD, 0));
    CHECK(ntsec_token_has_sid(t, SID_WD, 1));
    /* deny-only: deny ACEs only */
    CHECK(!ntsec_token_has_sid(t, SID_BA, 0));
    CHECK(ntsec_token_has_sid(t, SID_BA, 1));
    /* disabled: never */
    CHECK(!ntsec_token_has_sid(t, SID_BU, 0));
    CHECK(!ntsec_token_has_sid(t, SID_BU, 1));
    /* absent */
    CHECK(!ntsec_token_has_sid(t, SID_SY, 0));
    CHECK(!ntsec_token_has_sid(t, SID_SY, 1));
    /* 4.6 owners: user; SE_GROUP_OWNER groups that are not deny-only */
    CHECK(ntsec_token_can_own(t, SID_ME));
    CHECK(ntsec_token_can_own(t, SID_AU));
    CHECK(!ntsec_token_can_own(t, SID_BA));
    CHECK(!ntsec_token_can_own(t, SID_WD));
    CHECK(!ntsec_token_can_own(t, SID_SY));
    /* insertion order and attributes are kept */
    {
        uint32_t attr = 0;
        CHECK_EQ_U(ntsec_token_group_count(t), 4);
        CHECK(ntsec_sid_equal(ntsec_token_group(t, 1, &attr), SID_BA));
        CHECK_EQ_U(attr, SE_GROUP_USE_FOR_DENY_ONLY | SE_GROUP_OWNER);
        CHECK(ntsec_token_group(t, 4, &attr) == NULL);
        CHECK(ntsec_sid_equal(ntsec_token_user(t), SID_ME));
    }
    ntsec_token_free(t);
}

static void test_token_deny_only_user_and_dup(void)
{
    ntsec_token *t = ntsec_token_new(SID_ME, SE_GROUP_USE_FOR_DENY_ONLY);
    CHECK(!ntsec_token_has_sid(t, SID_ME, 0));
    CHECK(ntsec_token_has_sid(t, SID_ME, 1));
    /* the same SID listed twice: the union of what each entry allows */
    ntsec_token_add_group(t, SID_WD, SE_GROUP_USE_FOR_DENY_ONLY);
    CHECK(!ntsec_token_has_sid(t, SID_WD, 0));
    ntsec_token_add_group(t, SID_WD, ENABLED);
    CHECK(ntsec_token_has_sid(t, SID_WD, 0));
    ntsec_token_free(t);
}

static void test_token_bad_input(void)
{
    static const uint8_t bad_rev[] = {2, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0};
    static const uint8_t too_many[] = {1, 16, 0, 0, 0, 0, 0, 1};
    ntsec_token *t = ntsec_token_new(bad_rev, 0);
    CHECK(t == NULL);
    CHECK(ntsec_token_new(NULL, 0) == NULL);
    t = ntsec_token_new(SID_ME, 0);
    CHECK_EQ_U(ntsec_token_add_group(t, bad_rev, ENABLED), STATUS_INVALID_SID);
    CHECK_EQ_U(ntsec_token_add_group(t, too_many, ENABLED), STATUS_INVALID_SID);
    CHECK_EQ_U(ntsec_token_group_count(t), 0);
    ntsec_token_free(t);
}

/* Many groups force the index to grow; each must still be found. */
static void test_token_many_groups(void)
{
    uint8_t sid[28];
    uint32_t i;
    int all = 1;
    ntsec_token *t = ntsec_token_new(SID_ME, 0);
    memcpy(sid, SID_ME, sizeof sid);
    for (i = 0; i < 300; i++) {
        ntsec_wr32(sid + 24, 5000 + i);
        if (ntsec_token_add_group(t, sid, (i & 1) ? ENABLED : SE_GROUP_USE_FOR_DENY_ONLY) != STATUS_SUCCESS)
            all = 0;
    }
    CHECK(all);
    for (i = 0; i < 300; i++) {
        ntsec_wr32(sid + 24, 5000 + i);
        if (ntsec_token_has_sid(t, sid, 0) != (int)(i & 1) || !ntsec_token_has_sid(t, sid, 1)) all = 0;
    }
    CHECK(all);
    ntsec_wr32(sid + 24, 4999);
    CHECK(!ntsec_token_has_sid(t, sid, 1));
    CHECK(ntsec_token_has_sid(t, SID_ME, 0));
    ntsec_token_free(t);
}

static void test_token_privileges(void)
{
    ntsec_token *t = ntsec_token_new(SID_ME, 0), *c;
    uint32_t attr = 0;
    CHECK(!ntsec_token_privilege_enabled(t, SE_SECURITY_PRIVILEGE));
    ntsec_token_add_privilege(t, SE_SECURITY_PRIVILEGE, 0);
    CHECK(!ntsec_token_privilege_enabled(t, SE_SECURITY_PRIVILEGE));      /* present, disabled */
    ntsec_token_add_privilege(t, SE_SECURITY_PRIVILEGE, SE_PRIVILEGE_ENABLED);
    CHECK(ntsec_token_privilege_enabled(t, SE_SECURITY_PRIVILEGE));       /* updated in place */
    CHECK_EQ_U(ntsec_token_privilege_count(t), 1);
    ntsec_token_add_privilege(t, 1000, SE_PRIVILEGE_ENABLED_BY_DEFAULT | SE_PRIVILEGE_ENABLED);
    CHECK(ntsec_token_privilege_enabled(t, 1000));
    CHECK_EQ_U(ntsec_token_privilege(t, 1, &attr), 1000);
    CHECK_EQ_U(attr, SE_PRIVILEGE_ENABLED_BY_DEFAULT | SE_PRIVILEGE_ENABLED);
    /* a clone is independent */
    ntsec_token_add_group(t, SID_WD, ENABLED);
    c = ntsec_token_clone(t);
    CHECK(c != NULL);
    ntsec_token_add_privilege(t, SE_SECURITY_PRIVILEGE, 0);
    ntsec_token_add_group(t, SID_BA, ENABLED);
    CHECK(ntsec_token_privilege_enabled(c, SE_SECURITY_PRIVILEGE));
    CHECK(!ntsec_token_has_sid(c, SID_BA, 1));
    CHECK(ntsec_token_has_sid(c, SID_WD, 0));
    CHECK_EQ_U(ntsec_token_group_count(c), 1);
    ntsec_token_add_group(c, SID_SY, ENABLED);        /* the clone can grow on its own */
    CHECK(ntsec_token_has_sid(c, SID_SY, 0));
    CHECK(!ntsec_token_has_sid(t, SID_SY, 0));
    ntsec_token_free(c);
    ntsec_token_free(t);
}

/* Names from Microsoft's privilege-constants list, LUIDs from winnt.h. */
static void test_privilege_names(void)
{
    CHECK_EQ_U(ntsec_privilege_luid("SeCreateTokenPrivilege"), 2);
    CHECK_EQ_U(ntsec_privilege_luid("SeTcbPrivilege"), 7);
    CHECK_EQ_U(ntsec_privilege_luid("SeSecurityPrivilege"), 8);
    CHECK_EQ_U(ntsec_privilege_luid("SeTakeOwnershipPrivilege"), 9);
    CHECK_EQ_U(ntsec_privilege_luid("SeBackupPrivilege"), 17);
    CHECK_EQ_U(ntsec_privilege_luid("SeRestorePrivilege"), 18);
    CHECK_EQ_U(ntsec_privilege_luid("SeChangeNotifyPrivilege"), 23);
    CHECK_EQ_U(ntsec_privilege_luid("SeImpersonatePrivilege"), 29);
    CHECK_EQ_U(ntsec_privilege_luid("SeRelabelPrivilege"), 32);
    CHECK_EQ_U(ntsec_privilege_luid("SeDelegateSessionUserImpersonatePrivilege"), 36);
    CHECK_EQ_U(ntsec_privilege_luid("sesecurityprivilege"), 8);   /* case-insensitive */
    CHECK_EQ_U(ntsec_privilege_luid("SeNoSuchPrivilege"), 0);
    CHECK_EQ_U(ntsec_privilege_luid(""), 0);
    CHECK_STR(ntsec_privilege_name(20), "SeDebugPrivilege");
    CHECK_STR(ntsec_privilege_name(35), "SeCreateSymbolicLinkPrivilege");
    CHECK(ntsec_privilege_name(0) == NULL);
    CHECK(ntsec_privilege_name(1) == NULL);
    CHECK(ntsec_privilege_name(37) == NULL);
}

/* ---- generic mapping ---- */

static void test_map_generic(void)
{
    CHECK_EQ_U(ntsec_map_generic(GENERIC_READ, &key_mapping), KEY_READ);
    CHECK_EQ_U(ntsec_map_generic(GENERIC_ALL | DELETE, &key_mapping), KEY_ALL_ACCESS);
    CHECK_EQ_U(ntsec_map_generic(GENERIC_WRITE | GENERIC_EXECUTE, &key_mapping), KEY_WRITE | KEY_READ);
    CHECK_EQ_U(ntsec_map_generic(0x80000001u, NULL), 1);
    CHECK_EQ_U(ntsec_map_generic(GENERIC_ALL, &ntsec_fwpm_mapping), 0x000F07FFu);
    CHECK_EQ_U(ntsec_map_generic(GENERIC_READ | GENERIC_EXECUTE, &ntsec_fwpm_mapping), 0x000203F4u);
    CHECK_EQ_U(ntsec_map_generic(GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE, &ntsec_fwpm_mapping),
               0x000307FFu);                          /* wfp_ks_errors.md 3.1 cross-check */
    CHECK_EQ_U(ntsec_map_generic(GENERIC_ALL, &ntsec_file_mapping), 0x001F01FFu);
}

/* ---- 3.8: WINE-TEST test_AccessCheck ---- */

static void test_wine_rows(void)
{
    ntsec_token *t = admin_token();
    outcome o;
    /* SD without owner/group: call fails */
    o = check("D:(A;;KR;;;WD)", t, KEY_READ);
    CHECK_EQ_U(o.call, STATUS_INVALID_SECURITY_DESCR);
    CHECK_EQ_U(o.access, 0xDEADBEEF);                 /* result untouched */
    CHECK_EQ_U(check("O:BAD:(A;;KR;;;WD)", t, KEY_READ).call, STATUS_INVALID_SECURITY_DESCR);
    CHECK_EQ_U(check("G:BAD:(A;;KR;;;WD)", t, KEY_READ).call, STATUS_INVALID_SECURITY_DESCR);
    /* unmapped generic request */
    CHECK_EQ_U(check("O:SYG:SYD:(A;;KR;;;WD)", t, GENERIC_READ).call, STATUS_GENERIC_NOT_MAPPED);
    CHECK_EQ_U(check("O:SYG:SY", t, GENERIC_ALL | KEY_READ).call, STATUS_GENERIC_NOT_MAPPED);
    /* DACL absent: granted */
    EXPECT_GRANTED(check("O:SYG:SY", t, KEY_READ), KEY_READ);
    /* NULL DACL + MAXIMUM_ALLOWED: GenericAll of the mapping */
    EXPECT_GRANTED(check("O:SYG:SYD:NO_ACCESS_CONTROL", t, MAXIMUM_ALLOWED), KEY_ALL_ACCESS);
    EXPECT_GRANTED(check("O:SYG:SY", t, MAXIMUM_ALLOWED), KEY_ALL_ACCESS);
    EXPECT_GRANTED(check("O:SYG:SYD:NO_ACCESS_CONTROL", t, KEY_WRITE), KEY_WRITE);
    /* empty DACL, not the owner: denied */
    EXPECT_DENIED(check("O:SYG:SYD:", t, KEY_READ));
    /* (A Everyone KEY_READ)(D Administrators KEY_SET_VALUE) */
    EXPECT_GRANTED(check("O:SYG:SYD:(A;;KR;;;WD)(D;;0x2;;;BA)", t, KEY_READ), KEY_READ);
    EXPECT_DENIED(check("O:SYG:SYD:(A;;KR;;;WD)(D;;0x2;;;BA)", t, KEY_WRITE));
    /* inherit-only allow ACE */
    EXPECT_DENIED(check("O:SYG:SYD:(A;IO;KR;;;WD)", t, KEY_READ));
    EXPECT_DENIED(check("O:SYG:SYD:(A;OICIIO;KR;;;WD)", t, KEY_READ));
    ntsec_token_free(t);
}

static void test_system_security(void)
{
    ntsec_token *t = admin_token();
    outcome o;
    /* without SeSecurityPrivilege: call succeeds, access PRIVILEGE_NOT_HELD */
    o = check("O:SYG:SYD:(A;;KA;;;WD)", t, ACCESS_SYSTEM_SECURITY);
    CHECK_EQ_U(o.call, STATUS_SUCCESS);
    CHECK_EQ_U(o.access, STATUS_PRIVILEGE_NOT_HELD);
    CHECK_EQ_U(o.granted, 0);
    /* even with a NULL DACL, and before the DACL denies (Wine order, 3.3 step 2) */
    CHECK_EQ_U(check("O:SYG:SYD:NO_ACCESS_CONTROL", t, ACCESS_SYSTEM_SECURITY).access,
               STATUS_PRIVILEGE_NOT_HELD);
    CHECK_EQ_U(check("O:SYG:SYD:", t, ACCESS_SYSTEM_SECURITY | KEY_READ).access, STATUS_PRIVILEGE_NOT_HELD);
    /* a disabled privilege does not count */
    ntsec_token_add_privilege(t, SE_SECURITY_PRIVILEGE, SE_PRIVILEGE_ENABLED_BY_DEFAULT);
    CHECK_EQ_U(check("O:SYG:SYD:", t, ACCESS_SYSTEM_SECURITY).access, STATUS_PRIVILEGE_NOT_HELD);
    /* enabled: granted from the privilege alone, recorded as used */
    ntsec_token_add_privilege(t, SE_SECURITY_PRIVILEGE, SE_PRIVILEGE_ENABLED);
    o = check("O:SYG:SYD:", t, ACCESS_SYSTEM_SECURITY);
    EXPECT_GRANTED(o, ACCESS_SYSTEM_SECURITY);
    CHECK_EQ_U(o.used, 1);
    EXPECT_GRANTED(check("O:SYG:SYD:(A;;KR;;;WD)", t, ACCESS_SYSTEM_SECURITY | KEY_READ),
                   ACCESS_SYSTEM_SECURITY | KEY_READ);
    EXPECT_DENIED(check("O:SYG:SYD:(A;;KR;;;WD)", t, ACCESS_SYSTEM_SECURITY | KEY_WRITE));
    /* a DACL cannot grant it: 0xFFFFFFFF for Everyone, MAXIMUM_ALLOWED alone */
    o = check("O:SYG:SYD:(A;;0xffffffff;;;WD)", t, MAXIMUM_ALLOWED);
    CHECK_EQ_U(o.granted & ACCESS_SYSTEM_SECURITY, 0);
    EXPECT_GRANTED(check("O:SYG:SYD:", t, MAXIMUM_ALLOWED | ACCESS_SYSTEM_SECURITY), ACCESS_SYSTEM_SECURITY);
    ntsec_token_free(t);
}

static void test_take_ownership(void)
{
    ntsec_token *t = user_token();
    outcome o;
    EXPECT_DENIED(check("O:SYG:SYD:", t, WRITE_OWNER));
    ntsec_token_add_privilege(t, SE_TAKE_OWNERSHIP_PRIVILEGE, 0);
    EXPECT_DENIED(check("O:SYG:SYD:", t, WRITE_OWNER));
    ntsec_token_add_privilege(t, SE_TAKE_OWNERSHIP_PRIVILEGE, SE_PRIVILEGE_ENABLED);
    o = check("O:SYG:SYD:", t, WRITE_OWNER);
    EXPECT_GRANTED(o, WRITE_OWNER);
    CHECK_EQ_U(o.used, 2);
    /* a deny ACE cannot take it back: the privilege is applied before the walk */
    EXPECT_GRANTED(check("O:SYG:SYD:(D;;WO;;;WD)", t, WRITE_OWNER), WRITE_OWNER);
    /* only WRITE_OWNER: other bits still need the DACL */
    EXPECT_DENIED(check("O:SYG:SYD:", t, WRITE_OWNER | READ_CONTROL));
    EXPECT_GRANTED(check("O:SYG:SYD:(A;;RC;;;WD)", t, WRITE_OWNER | READ_CONTROL), WRITE_OWNER | READ_CONTROL);
    /* MAXIMUM_ALLOWED on an empty DACL: just WRITE_OWNER (3.4) */
    o = check("O:SYG:SYD:", t, MAXIMUM_ALLOWED);
    EXPECT_GRANTED(o, WRITE_OWNER);
    CHECK_EQ_U(o.used, 2);
    ntsec_token_free(t);
}

/* ---- 3.3 step 4: owner and OWNER RIGHTS ---- */

static void test_owner_rights(void)
{
    ntsec_token *t = user_token();
    /* the owner (the token user) gets READ_CONTROL|WRITE_DAC on an empty DACL */
    EXPECT_GRANTED(check("O:S-1-5-21-1-2-3-1001G:SYD:", t, READ_CONTROL | WRITE_DAC), READ_CONTROL | WRITE_DAC);
    EXPECT_GRANTED(check("O:S-1-5-21-1-2-3-1001G:SYD:", t, WRITE_DAC), WRITE_DAC);
    EXPECT_DENIED(check("O:S-1-5-21-1-2-3-1001G:SYD:", t, READ_CONTROL | KEY_QUERY_VALUE));
    EXPECT_GRANTED(check("O:S-1-5-21-1-2-3-1001G:SYD:", t, MAXIMUM_ALLOWED), READ_CONTROL | WRITE_DAC);
    /* owner through an enabled group; a deny ACE cannot remove the implicit rights */
    EXPECT_GRANTED(check("O:BUG:SYD:(D;;RCWD;;;WD)", t, READ_CONTROL | WRITE_DAC), READ_CONTROL | WRITE_DAC);
    /* not the owner */
    EXPECT_DENIED(check("O:BAG:SYD:", t, READ_CONTROL));
    /* OWNER RIGHTS ACE present: implicit rights gone; S-1-3-4 ACEs apply to the owner */
    EXPECT_DENIED(check("O:BUG:SYD:(A;;KR;;;S-1-3-4)", t, WRITE_DAC));
    EXPECT_GRANTED(check("O:BUG:SYD:(A;;KR;;;S-1-3-4)", t, READ_CONTROL), READ_CONTROL);
    EXPECT_GRANTED(check("O:BUG:SYD:(A;;KR;;;S-1-3-4)", t, MAXIMUM_ALLOWED), KEY_READ);
    /* ... and not to anyone else */
    EXPECT_DENIED(check("O:BAG:SYD:(A;;KR;;;S-1-3-4)", t, READ_CONTROL));
    /* a deny ACE for OWNER RIGHTS denies the owner */
    EXPECT_DENIED(check("O:BUG:SYD:(D;;RC;;;S-1-3-4)(A;;KR;;;WD)", t, READ_CONTROL));
    EXPECT_GRANTED(check("O:BAG:SYD:(D;;RC;;;S-1-3-4)(A;;KR;;;WD)", t, READ_CONTROL), READ_CONTROL);
    /* an inherit-only OWNER RIGHTS ACE does not suppress them */
    EXPECT_GRANTED(check("O:BUG:SYD:(A;OICIIO;KR;;;S-1-3-4)", t, WRITE_DAC), WRITE_DAC);
    ntsec_token_free(t);
}

/* ---- 3.1 matching inside the walk ---- */

static void test_group_states(void)
{
    ntsec_token *t = ntsec_token_new(SID_ME, 0);
    ntsec_token_add_group(t, SID_WD, ENABLED);
    ntsec_token_add_group(t, SID_BA, SE_GROUP_USE_FOR_DENY_ONLY);
    ntsec_token_add_group(t, SID_BU, SE_GROUP_MANDATORY);                     /* disabled */
    /* deny-only: no allow, but deny applies */
    EXPECT_DENIED(check("O:SYG:SYD:(A;;KR;;;BA)", t, KEY_READ));
    EXPECT_DENIED(check("O:SYG:SYD:(D;;0x2;;;BA)(A;;KA;;;WD)", t, KEY_SET_VALUE));
    EXPECT_GRANTED(check("O:SYG:SYD:(D;;0x2;;;BA)(A;;KA;;;WD)", t, KEY_READ), KEY_READ);
    /* disabled: neither */
    EXPECT_DENIED(check("O:SYG:SYD:(A;;KR;;;BU)", t, KEY_READ));
    EXPECT_GRANTED(check("O:SYG:SYD:(D;;KR;;;BU)(A;;KR;;;WD)", t, KEY_READ), KEY_READ);
    /* the user SID */
    EXPECT_GRANTED(check("O:SYG:SYD:(A;;KR;;;S-1-5-21-1-2-3-1001)", t, KEY_READ), KEY_READ);
    ntsec_token_free(t);
    t = ntsec_token_new(SID_ME, SE_GROUP_USE_FOR_DENY_ONLY);
    EXPECT_DENIED(check("O:SYG:SYD:(A;;KR;;;S-1-5-21-1-2-3-1001)", t, KEY_READ));
    ntsec_token_free(t);
}

/* ---- 3.3 step 6 ---- */

static void test_walk_rules(void)
{
    ntsec_token *t = user_token();
    /* rights split over several ACEs add up */
    EXPECT_GRANTED(check("O:SYG:SYD:(A;;0x1;;;WD)(A;;0x20018;;;BU)", t, KEY_READ), KEY_READ);
    EXPECT_DENIED(check("O:SYG:SYD:(A;;0x1;;;WD)(A;;0x18;;;BU)", t, KEY_READ));
    /* first match per bit: an earlier allow beats a later deny, not the reverse */
    EXPECT_GRANTED(check("O:SYG:SYD:(A;;KR;;;WD)(D;;KR;;;WD)", t, KEY_READ), KEY_READ);
    EXPECT_DENIED(check("O:SYG:SYD:(D;;KR;;;WD)(A;;KR;;;WD)", t, KEY_READ));
    /* a deny only matters for bits still wanted */
    EXPECT_GRANTED(check("O:SYG:SYD:(D;;0x2;;;WD)(A;;KA;;;WD)", t, KEY_READ), KEY_READ);
    /* generic bits in ACE masks are mapped (3.3, open question 8) */
    EXPECT_GRANTED(check("O:SYG:SYD:(A;;GR;;;WD)", t, KEY_READ), KEY_READ);
    EXPECT_DENIED(check("O:SYG:SYD:(D;;GW;;;WD)(A;;KA;;;WD)", t, KEY_SET_VALUE));
    EXPECT_GRANTED(check("O:SYG:SYD:(A;;GA;;;WD)", t, MAXIMUM_ALLOWED), KEY_ALL_ACCESS);
    /* object ACEs without an object-type list act as plain ones (3.7) */
    EXPECT_GRANTED(check("O:SYG:SYD:(OA;;KR;bf967a0e-0de6-11d0-a285-00aa003049e2;;WD)", t, KEY_READ),
                   KEY_READ);
    EXPECT_DENIED(check("O:SYG:SYD:(OD;;0x1;bf967a0e-0de6-11d0-a285-00aa003049e2;;WD)(A;;KR;;;WD)", t,
                        KEY_READ));
    /* audit ACEs are not evaluated in a DACL: (AU;SA;KR;;;WD) */
    EXPECT_DENIED(check_hex(1, "02401400" "19000200" "010100000000000100000000", t, KEY_READ));
    /* desired access 0 without MAXIMUM_ALLOWED: nothing to grant */
    EXPECT_DENIED(check("O:SYG:SYD:(A;;KA;;;WD)", t, 0));
    ntsec_token_free(t);
}

/* Conditions are not evaluated yet: allow-callback never applies, deny-callback
** always does (UNKNOWN result, 2.11 / 3.7). The callback body is the Windows
** example of 2.11, (@User.Title == "PM"), with mask KR. */
#define COND_BODY "61727478" "f90a000000540069007400" "6c006500" "100400000050004d00" "80" "000000"
#define XA_KR_WD "09003400" "19000200" "010100000000000100000000" COND_BODY
#define XD_KR_WD "0a003400" "19000200" "010100000000000100000000" COND_BODY
#define XD_KR_BA "0a003800" "19000200" "01020000000000052000000020020000" COND_BODY
#define A_KR_WD "00001400" "19000200" "010100000000000100000000"

static void test_callback_aces(void)
{
    ntsec_token *t = user_token();
    EXPECT_DENIED(check_hex(1, XA_KR_WD, t, KEY_READ));
    EXPECT_GRANTED(check_hex(2, XA_KR_WD A_KR_WD, t, KEY_READ), KEY_READ);
    EXPECT_DENIED(check_hex(2, XD_KR_WD A_KR_WD, t, KEY_READ));
    EXPECT_GRANTED(check_hex(2, XD_KR_BA A_KR_WD, t, KEY_READ), KEY_READ);
    EXPECT_GRANTED(check_hex(2, XA_KR_WD A_KR_WD, t, MAXIMUM_ALLOWED), KEY_READ);
    EXPECT_DENIED(check_hex(2, XD_KR_WD A_KR_WD, t, MAXIMUM_ALLOWED));
    ntsec_token_free(t);
}

static void test_principal_self(void)
{
    ntsec_token *t = user_token();
    ntsec_access_opts opts;
    memset(&opts, 0, sizeof opts);
    EXPECT_DENIED(check_opts("O:SYG:SYD:(A;;KR;;;PS)", t, KEY_READ, &opts));
    opts.principal_self = SID_ME;
    EXPECT_GRANTED(check_opts("O:SYG:SYD:(A;;KR;;;PS)", t, KEY_READ, &opts), KEY_READ);
    opts.principal_self = SID_SY;
    EXPECT_DENIED(check_opts("O:SYG:SYD:(A;;KR;;;PS)", t, KEY_READ, &opts));
    ntsec_token_free(t);
}

/* ---- 3.4 MAXIMUM_ALLOWED ---- */

static void test_maximum_allowed(void)
{
    ntsec_token *t = user_token();
    /* order-sensitive (recommendation of 3.4): allow then deny keeps the allow */
    EXPECT_GRANTED(check("O:SYG:SYD:(A;;GA;;;WD)(D;;GA;;;WD)", t, MAXIMUM_ALLOWED), KEY_ALL_ACCESS);
    EXPECT_DENIED(check("O:SYG:SYD:(D;;GA;;;WD)(A;;GA;;;WD)", t, MAXIMUM_ALLOWED));
    EXPECT_GRANTED(check("O:SYG:SYD:(D;;0x2;;;WD)(A;;KA;;;WD)", t, MAXIMUM_ALLOWED), KEY_ALL_ACCESS & ~0x2u);
    /* union of allows, not inherit-only ones */
    EXPECT_GRANTED(check("O:SYG:SYD:(A;;0x1;;;WD)(A;;RC;;;BU)(A;IO;0x2;;;WD)(A;;0x4;;;BA)", t, MAXIMUM_ALLOWED),
                   0x1u | READ_CONTROL);
    /* explicitly requested bits must be covered */
    EXPECT_GRANTED(check("O:SYG:SYD:(A;;KR;;;WD)", t, MAXIMUM_ALLOWED | KEY_QUERY_VALUE), KEY_READ);
    EXPECT_DENIED(check("O:SYG:SYD:(A;;KR;;;WD)", t, MAXIMUM_ALLOWED | KEY_SET_VALUE));
    /* nothing at all: denied */
    EXPECT_DENIED(check("O:SYG:SYD:", t, MAXIMUM_ALLOWED));
    EXPECT_DENIED(check("O:SYG:SYD:(A;;KA;;;BA)", t, MAXIMUM_ALLOWED));
    ntsec_token_free(t);
}

/* ---- the integrity SID is recorded (the check itself: access_more_test.c) ---- */

static void test_integrity_sid(void)
{
    ntsec_token *t = user_token();
    ntsec_token_add_group(t, SID_ML, SE_GROUP_INTEGRITY | SE_GROUP_INTEGRITY_ENABLED);
    CHECK(ntsec_sid_equal(ntsec_token_integrity_sid(t), SID_ML));
    /* an integrity SID is not a group for ACE matching (not SE_GROUP_ENABLED) */
    CHECK(!ntsec_token_has_sid(t, SID_ML, 0));
    CHECK(!ntsec_token_has_sid(t, SID_ML, 1));
    /* medium token, unlabeled object: it dominates the default Medium label */
    EXPECT_GRANTED(check("O:SYG:SYD:(A;;KA;;;WD)", t, KEY_WRITE), KEY_WRITE);
    ntsec_token_free(t);
    t = user_token();
    CHECK(ntsec_token_integrity_sid(t) == NULL);
    ntsec_token_free(t);
}

/* ---- the DACL index (access_index.c) ---- */

/* One check of a descriptor kept across calls (its index is built by the
** first check and reused by the later ones), and ntsec_explain's answer,
** whose traced walk reads the DACL bytes: both must be the expected one. */
static outcome check_kept(const ntsec_sd *sd, const ntsec_token *t, ACCESS_MASK want)
{
    outcome o;
    ntsec_access_result r;
    ntsec_explanation e;
    memset(&o, 0xEE, sizeof o);
    o.call = ntsec_access_check(sd, t, want, &key_mapping, NULL, &r);
    o.access = r.access_status;
    o.granted = r.granted;
    CHECK_EQ_U(ntsec_explain(sd, t, want, &key_mapping, NULL, &e), STATUS_SUCCESS);
    CHECK_EQ_U(e.call_status, o.call);
    if (o.call == STATUS_SUCCESS) {                  /* a failed call writes no result */
        CHECK_EQ_U(e.result.granted, o.granted);
        CHECK_EQ_U(e.result.access_status, o.access);
    }
    ntsec_explanation_free(&e);
    return o;
}

/* A self-relative descriptor O:SY G:SY whose DACL header claims count ACEs
** over the ACE bytes given: a malformed DACL the codec would refuse, put
** together by hand as the access check may still meet one. */
static ntsec_sd *sd_raw_dacl(unsigned count, const char *aces_hex)
{
    uint8_t aces[256];
    long n = ctest_unhex(aces_hex, aces, sizeof aces);
    size_t len = 20 + 8 + (size_t)n + 2 * sizeof SID_SY;
    ntsec_sd *sd = malloc(sizeof *sd + len);
    uint8_t *b = sd->bytes, *acl = b + 20;
    memset(b, 0, 20);
    sd->refs = 1;
    sd->len = (uint32_t)len;
    sd->walk_index = NULL;
    b[0] = SECURITY_DESCRIPTOR_REVISION;
    ntsec_wr16(b + 2, SE_SELF_RELATIVE | SE_DACL_PRESENT);
    ntsec_wr32(b + 16, 20);                                         /* DACL */
    acl[0] = ACL_REVISION;
    acl[1] = 0;
    ntsec_wr16(acl + 2, (uint16_t)(8 + n));
    ntsec_wr16(acl + 4, (uint16_t)count);
    ntsec_wr16(acl + 6, 0);
    memcpy(acl + 8, aces, (size_t)n);
    ntsec_wr32(b + 4, (uint32_t)(28 + n));                          /* owner */
    memcpy(b + 28 + n, SID_SY, sizeof SID_SY);
    ntsec_wr32(b + 8, (uint32_t)(28 + n + sizeof SID_SY));          /* group */
    memcpy(b + 28 + n + sizeof SID_SY, SID_SY, sizeof SID_SY);
    return sd;
}

static void test_dacl_index(void)
{
    ntsec_token *user = user_token(), *admin = admin_token();
    /* every kind of index entry in one DACL: inherit-only (left out), an
    ** OWNER RIGHTS allow and a generic-mask allow (read from the bytes), an
    ** object deny (bytes), plain deny and allows (pre-read) */
    ntsec_sd *sd = sd_of("O:BAG:SYD:(A;IO;KA;;;WD)(A;;RC;;;S-1-3-4)(A;;GR;;;BU)"
                         "(OD;;0x2;bf967a0e-0de6-11d0-a285-00aa003049e2;;BU)(D;;0x4;;;BA)(A;;KA;;;AU)");
    int round;
    for (round = 0; round < 2; round++) {            /* round 1 runs on the kept index */
        /* user: WD, BU. GR -> KEY_READ; the object deny takes 0x2 (no list: plain) */
        EXPECT_GRANTED(check_kept(sd, user, KEY_READ), KEY_READ);
        EXPECT_DENIED(check_kept(sd, user, KEY_SET_VALUE));
        EXPECT_GRANTED(check_kept(sd, user, MAXIMUM_ALLOWED), KEY_READ);
        /* not the owner: the OWNER RIGHTS ACE gives it nothing, WRITE_DAC nowhere */
        EXPECT_DENIED(check_kept(sd, user, WRITE_DAC));
        /* admin: owner through BA, so S-1-3-4 speaks for the owner (RC only,
        ** no implicit WRITE_DAC); BU's GR, the deny of 0x2 (BU) and of 0x4
        ** (BA), then AU's KA gives the rest */
        EXPECT_GRANTED(check_kept(sd, admin, READ_CONTROL), READ_CONTROL);
        EXPECT_GRANTED(check_kept(sd, admin, WRITE_DAC), WRITE_DAC);      /* from AU's KA */
        EXPECT_DENIED(check_kept(sd, admin, 0x4));
        EXPECT_GRANTED(check_kept(sd, admin, MAXIMUM_ALLOWED), KEY_ALL_ACCESS & ~0x6u);
    }
    CHECK(sd->walk_index != NULL);
    ntsec_sd_unref(sd);
    /* AceCount 2 over one ACE (A;;KR;;;WD): the walk decides before it reaches
    ** the missing ACE, else the DACL is bad, with or without an index */
    sd = sd_raw_dacl(2, A_KR_WD);
    for (round = 0; round < 2; round++) {
        EXPECT_GRANTED(check_kept(sd, user, KEY_QUERY_VALUE), KEY_QUERY_VALUE);
        CHECK_EQ_U(check_kept(sd, user, KEY_SET_VALUE).call, STATUS_INVALID_ACL);
        CHECK_EQ_U(check_kept(sd, user, MAXIMUM_ALLOWED).call, STATUS_INVALID_ACL);
    }
    ntsec_sd_unref(sd);
    ntsec_token_free(user);
    ntsec_token_free(admin);
}

int main(void)
{
    test_token_matching();
    test_token_deny_only_user_and_dup();
    test_token_bad_input();
    test_token_many_groups();
    test_token_privileges();
    test_privilege_names();
    test_map_generic();
    test_wine_rows();
    test_system_security();
    test_take_ownership();
    test_owner_rights();
    test_group_states();
    test_walk_rules();
    test_callback_aces();
    test_principal_self();
    test_maximum_allowed();
    test_integrity_sid();
    test_dacl_index();
    return ctest_summary();
}
