/*
** access_entry_test.c: the access-check entry points (issue 10;
** docs/access.md "Entry points"; sd_semantics.md 3.2, 3.7). Each rule is
** checked on cases of our own, with the expected value worked out from the
** rule next to it:
**   - order: generic bits, token type, impersonation level, object-type
**     list, descriptor;
**   - NtAccessCheck* need owner and group, the kernel path only an owner;
**   - the result list needs a list and reports partial grants;
**   - an absent DACL grants every object-type node in normal mode.
*/
#include <string.h>

#include "ctest.h"
#include "access.h"
#include "guid.h"
#include "sd.h"
#include "sddl.h"
#include "secdefs.h"
#include "sid.h"
#include "status.h"
#include "token.h"

#define ENABLED (SE_GROUP_ENABLED | SE_GROUP_ENABLED_BY_DEFAULT | SE_GROUP_MANDATORY)

static const ntsec_sid_ctx no_ctx;
static const ntsec_generic_mapping map = { 0x120089, 0x120116, 0x1200A0, 0x1F01FF };

static ntsec_sd *sd_of(const char *sddl)
{
    ntsec_sd *sd = NULL;
    if (ntsec_sddl_parse(sddl, strlen(sddl), &no_ctx, &sd, NULL) != STATUS_SUCCESS)
        printf("setup: cannot parse %s\n", sddl);
    return sd;
}

/* User S-1-5-21-9-9-9-1000 in Everyone and Users, of the given type/level. */
static ntsec_token *token_of(int type, int level)
{
    uint8_t b[68];
    ntsec_token *t;
    ntsec_sid_from_string("S-1-5-21-9-9-9-1000", 19, &no_ctx, b);
    t = ntsec_token_new(b, 0);
    ntsec_sid_from_string("WD", 2, &no_ctx, b);
    ntsec_token_add_group(t, b, ENABLED);
    ntsec_sid_from_string("BU", 2, &no_ctx, b);
    ntsec_token_add_group(t, b, ENABLED);
    ntsec_token_set_type(t, type, level);
    return t;
}

static NTSTATUS call(const char *sddl, const ntsec_token *t, ACCESS_MASK want, ntsec_access_opts *o,
                     ntsec_access_result *r)
{
    ntsec_sd *sd = sddl ? sd_of(sddl) : NULL;
    NTSTATUS st;
    memset(r, 0, sizeof *r);
    st = ntsec_access_check(sd, t, want, &map, o, r);
    ntsec_sd_unref(sd);
    return st;
}

static ntsec_access_opts at(ntsec_access_entry e)
{
    ntsec_access_opts o;
    memset(&o, 0, sizeof o);
    o.entry = e;
    return o;
}

static void test_names(void)
{
    int e;
    for (e = 0; e < NTSEC_ENTRY_COUNT; e++)
        CHECK_EQ_U(ntsec_access_entry_by_name(ntsec_access_entry_name((ntsec_access_entry)e)), e);
    CHECK_STR(ntsec_access_entry_name(NTSEC_ENTRY_BY_TYPE_RESULT_LIST), "NtAccessCheckByTypeResultList");
    CHECK_EQ_U(ntsec_access_entry_by_name("AccessCheckByTypeAndAuditAlarm"), NTSEC_ENTRY_COUNT);
    CHECK(ntsec_access_entry_name(NTSEC_ENTRY_COUNT) == NULL);
}

/* Generic bits first, then token type, then level, then the descriptor. */
static void test_order(void)
{
    ntsec_token *primary = token_of(NTSEC_TOKEN_PRIMARY, SECURITY_ANONYMOUS);
    ntsec_token *anon = token_of(NTSEC_TOKEN_IMPERSONATION, SECURITY_ANONYMOUS);
    ntsec_token *ident = token_of(NTSEC_TOKEN_IMPERSONATION, SECURITY_IDENTIFICATION);
    ntsec_access_opts o = at(NTSEC_ENTRY_NT_ACCESS_CHECK);
    ntsec_access_result r;
    /* a primary token with a generic request and no descriptor: the generic bit wins */
    CHECK_EQ_U(call(NULL, primary, GENERIC_WRITE, &o, &r), STATUS_GENERIC_NOT_MAPPED);
    CHECK_EQ_U(call(NULL, primary, 0x1, &o, &r), STATUS_NO_IMPERSONATION_TOKEN);
    CHECK_EQ_U(call(NULL, anon, 0x1, &o, &r), STATUS_BAD_IMPERSONATION_LEVEL);
    CHECK_EQ_U(call(NULL, ident, 0x1, &o, &r), STATUS_INVALID_SECURITY_DESCR);
    /* identification is enough for a check */
    CHECK_EQ_U(call("O:BAG:BAD:(A;;0x3;;;WD)", ident, 0x3, &o, &r), STATUS_SUCCESS);
    CHECK_EQ_U(r.access_status, STATUS_SUCCESS);
    CHECK_EQ_U(r.granted, 0x3);
    /* the kernel path and the default never look at the token type */
    o = at(NTSEC_ENTRY_KERNEL);
    CHECK_EQ_U(call("O:BAG:BAD:(A;;0x3;;;WD)", primary, 0x1, &o, &r), STATUS_SUCCESS);
    CHECK_EQ_U(r.access_status, STATUS_SUCCESS);
    CHECK_EQ_U(call("O:BAG:BAD:(A;;0x3;;;WD)", primary, 0x1, NULL, &r), STATUS_SUCCESS);
    ntsec_token_free(primary);
    ntsec_token_free(anon);
    ntsec_token_free(ident);
}

/* Owner and group: NtAccessCheck* need both, the kernel path the owner. */
static void test_owner_group(void)
{
    ntsec_token *t = token_of(NTSEC_TOKEN_IMPERSONATION, SECURITY_IMPERSONATION);
    ntsec_access_opts nt = at(NTSEC_ENTRY_NT_ACCESS_CHECK), k = at(NTSEC_ENTRY_KERNEL);
    ntsec_access_result r;
    CHECK_EQ_U(call("O:BAD:(A;;0x3;;;WD)", t, 0x1, &nt, &r), STATUS_INVALID_SECURITY_DESCR);
    CHECK_EQ_U(call("O:BAD:(A;;0x3;;;WD)", t, 0x1, NULL, &r), STATUS_INVALID_SECURITY_DESCR);
    CHECK_EQ_U(call("O:BAD:(A;;0x3;;;WD)", t, 0x1, &k, &r), STATUS_SUCCESS);
    CHECK_EQ_U(r.access_status, STATUS_SUCCESS);
    CHECK_EQ_U(call("O:BAD:(A;;0x3;;;BA)", t, 0x1, &k, &r), STATUS_SUCCESS);     /* evaluated: denied */
    CHECK_EQ_U(r.access_status, STATUS_ACCESS_DENIED);
    CHECK_EQ_U(call("G:BAD:(A;;0x3;;;WD)", t, 0x1, &k, &r), STATUS_INVALID_SECURITY_DESCR);
    CHECK_EQ_U(call(NULL, t, 0x1, &k, &r), STATUS_INVALID_SECURITY_DESCR);
    /* the owner's implicit rights need the owner, not the group */
    CHECK_EQ_U(call("O:S-1-5-21-9-9-9-1000D:", t, READ_CONTROL, &k, &r), STATUS_SUCCESS);
    CHECK_EQ_U(r.access_status, STATUS_SUCCESS);
    ntsec_token_free(t);
}

static const char *const g_obj = "11111111-2222-3333-4444-555555555555";
static const char *const g_child = "66666666-7777-8888-9999-aaaaaaaaaaaa";

static void two_types(ntsec_object_type types[2])
{
    memset(types, 0, 2 * sizeof types[0]);
    types[0].level = ACCESS_OBJECT_GUID;
    ntsec_guid_parse(g_obj, 36, &types[0].guid);
    types[1].level = ACCESS_PROPERTY_SET_GUID;
    ntsec_guid_parse(g_child, 36, &types[1].guid);
}

/* A result-list call over two_types' list, results in res. */
static ntsec_access_opts list_call(ntsec_object_type types[2], ntsec_object_result res[2])
{
    ntsec_access_opts o = at(NTSEC_ENTRY_BY_TYPE_RESULT_LIST);
    two_types(types);
    o.object_types = types;
    o.object_type_count = 2;
    o.results = res;
    return o;
}

/* The list before the descriptor; ResultList needs a list. */
static void test_lists(void)
{
    ntsec_token *t = token_of(NTSEC_TOKEN_IMPERSONATION, SECURITY_IMPERSONATION);
    ntsec_object_type types[2];
    ntsec_object_result res[2];
    ntsec_access_opts o = at(NTSEC_ENTRY_BY_TYPE);
    ntsec_access_result r;
    two_types(types);
    types[1].level = 3;                                 /* jumps from 0 to 3 */
    o.object_types = types;
    o.object_type_count = 2;
    CHECK_EQ_U(call(NULL, t, 0x1, &o, &r), STATUS_INVALID_PARAMETER);
    CHECK_EQ_U(call("D:", t, 0x1, &o, &r), STATUS_INVALID_PARAMETER);
    types[1].level = 1;
    CHECK_EQ_U(call(NULL, t, 0x1, &o, &r), STATUS_INVALID_SECURITY_DESCR);
    /* ByType without a list is a plain check; ResultList refuses it */
    o.object_types = NULL;
    o.object_type_count = 0;
    CHECK_EQ_U(call("O:BAG:BAD:(A;;0x1;;;WD)", t, 0x1, &o, &r), STATUS_SUCCESS);
    o = at(NTSEC_ENTRY_BY_TYPE_RESULT_LIST);
    CHECK_EQ_U(call("O:BAG:BAD:(A;;0x1;;;WD)", t, 0x1, &o, &r), STATUS_INVALID_PARAMETER);
    o.object_types = types;
    o.object_type_count = 2;
    o.results = res;
    CHECK_EQ_U(call("O:BAG:BAD:(A;;0x1;;;WD)", t, 0x1, &o, &r), STATUS_SUCCESS);
    CHECK_EQ_U(res[0].status, STATUS_SUCCESS);
    CHECK_EQ_U(res[1].granted, 0x1);
    ntsec_token_free(t);
}

/* A denied result-list entry reports the bits it got; ByType's single
** result and a plain denial report 0. The caller owns the object. */
static void test_partial_grants(void)
{
    ntsec_token *t = token_of(NTSEC_TOKEN_IMPERSONATION, SECURITY_IMPERSONATION);
    ntsec_object_type types[2];
    ntsec_object_result res[2];
    ntsec_access_opts o = list_call(types, res);
    ntsec_access_result r;
    /* want READ_CONTROL|0x3: the owner gets READ_CONTROL, the first ACE 0x1 on
    ** both nodes, the deny on the child refuses 0x2 there; the last ACE gives
    ** the object 0x2 */
    const char *sddl = "O:S-1-5-21-9-9-9-1000G:BUD:(A;;0x1;;;WD)"
                       "(OD;;0x2;66666666-7777-8888-9999-aaaaaaaaaaaa;;WD)(A;;0x2;;;WD)";
    CHECK_EQ_U(call(sddl, t, READ_CONTROL | 0x3, &o, &r), STATUS_SUCCESS);
    CHECK_EQ_U(res[0].status, STATUS_SUCCESS);
    CHECK_EQ_U(res[0].granted, READ_CONTROL | 0x3);
    CHECK_EQ_U(res[1].status, STATUS_ACCESS_DENIED);
    CHECK_EQ_U(res[1].granted, READ_CONTROL | 0x1);
    /* the same request through NtAccessCheckByType: one result, denied, 0 */
    o.entry = NTSEC_ENTRY_BY_TYPE;
    CHECK_EQ_U(call(sddl, t, READ_CONTROL | 0x3, &o, &r), STATUS_SUCCESS);
    CHECK_EQ_U(r.access_status, STATUS_ACCESS_DENIED);
    CHECK_EQ_U(r.granted, 0);
    CHECK_EQ_U(res[1].granted, 0);                       /* no partial grants there */
    ntsec_token_free(t);
}

/* No DACL: every node is granted, in normal as in MAXIMUM_ALLOWED mode. */
static void test_absent_dacl_with_list(void)
{
    ntsec_token *t = token_of(NTSEC_TOKEN_IMPERSONATION, SECURITY_IMPERSONATION);
    ntsec_object_type types[2];
    ntsec_object_result res[2];
    ntsec_access_opts o = list_call(types, res);
    ntsec_access_result r;
    CHECK_EQ_U(call("O:BAG:BA", t, 0x7, &o, &r), STATUS_SUCCESS);
    CHECK_EQ_U(res[0].status, STATUS_SUCCESS);
    CHECK_EQ_U(res[0].granted, 0x7);
    CHECK_EQ_U(res[1].status, STATUS_SUCCESS);
    CHECK_EQ_U(res[1].granted, 0x7);
    CHECK_EQ_U(call("O:BAG:BAD:NO_ACCESS_CONTROL", t, 0x7, &o, &r), STATUS_SUCCESS);
    CHECK_EQ_U(res[1].status, STATUS_SUCCESS);
    CHECK_EQ_U(call("O:BAG:BA", t, MAXIMUM_ALLOWED, &o, &r), STATUS_SUCCESS);
    CHECK_EQ_U(res[1].granted, map.all);
    ntsec_token_free(t);
}

int main(void)
{
    test_names();
    test_order();
    test_owner_group();
    test_lists();
    test_partial_grants();
    test_absent_dacl_with_list();
    return ctest_summary();
}
