/*
** wfp_cond_test.c: typed values, match types, condition runs, app ids and
** the user-id descriptor rule with AppContainer tokens (wfp_cond.h,
** token_appcontainer.h). Every expected value is worked out by hand from
** shared/spec/wfp_classify.md; the section is cited at each test.
*/
#include <stdlib.h>

#include "ctest.h"
#include "secdefs.h"
#include "sddl.h"
#include "sid_pool.h"
#include "status.h"
#include "token.h"
#include "token_appcontainer.h"
#include "wfp_classify.h"
#include "wfp_cond.h"
#include "wfp_value.h"

enum { T = NTSEC_WFP_TRUE, F = NTSEC_WFP_FALSE, U = NTSEC_WFP_UNKNOWN };
#define ON (SE_GROUP_ENABLED | SE_GROUP_ENABLED_BY_DEFAULT | SE_GROUP_MANDATORY)

static ntsec_wfp_filter_set *set;

static uint16_t slot(const char *field)
{
    return ntsec_wfp_field_slot_by_name(field, strlen(field));
}

/* A condition from the dump's text form (1.4), built through the set. */
static ntsec_wfp_condition cond_text(const char *field, const char *match, const char *type,
                                     const char *value)
{
    ntsec_wfp_condition_text t;
    ntsec_wfp_condition c;
    char err[128] = "";
    memset(&t, 0, sizeof t);
    t.field = field;
    t.match = match;
    t.type = type;
    t.value = value;
    if (ntsec_wfp_set_condition_from_text(set, &t, &c, err, sizeof err) != STATUS_SUCCESS) {
        printf("condition %s %s: %s\n", field, value, err);
        abort();
    }
    return c;
}

static ntsec_wfp_condition cond_range(const char *field, const char *type, const char *lo,
                                      const char *hi)
{
    ntsec_wfp_condition_text t;
    ntsec_wfp_condition c;
    char err[128] = "";
    memset(&t, 0, sizeof t);
    t.field = field;
    t.match = "FWP_MATCH_RANGE";
    t.type = "FWP_RANGE_TYPE";
    t.low_type = t.high_type = type;
    t.low = lo;
    t.high = hi;
    if (ntsec_wfp_set_condition_from_text(set, &t, &c, err, sizeof err) != STATUS_SUCCESS) abort();
    return c;
}

/* A condition built directly (types the dumps never use). */
static ntsec_wfp_condition cond_val(const char *field, uint32_t match, ntsec_fwp_value v)
{
    ntsec_wfp_condition c;
    memset(&c, 0, sizeof c);
    c.slot = slot(field);
    ntsec_wfp_field_guid(c.slot, &c.field);
    c.match = (uint16_t)match;
    c.type = v.type;
    c.value = v;
    c.sd_slot = UINT32_MAX;
    return c;
}

static int eval1(const ntsec_wfp_condition *c, const ntsec_wfp_flow *f, ntsec_wfp_cond_why *why)
{
    return ntsec_wfp_condition_eval(c, f, NULL, why, NULL);
}

static int eval_u(const ntsec_wfp_condition *c, const char *field, uint32_t type, uint64_t v)
{
    ntsec_wfp_flow f;
    ntsec_wfp_flow_init(&f, NULL);
    ntsec_wfp_flow_set_name(&f, field, ntsec_fwp_uint(type, v));
    return eval1(c, &f, NULL);
}

/* ---- 1.4: values as netsh prints them ---- */

static void test_value_text(void)
{
    ntsec_wfp_condition c;
    static const uint8_t fe80[16] = { 0xfe, 0x80 };
    /* 1.4: UINT32 of an address field is a dotted quad, host order */
    c = cond_range("FWPM_CONDITION_IP_REMOTE_ADDRESS", "FWP_UINT32", "192.168.0.0", "192.168.0.255");
    CHECK_EQ_U(c.value.n.u, 0xC0A80000u);
    CHECK_EQ_U(c.high.n.u, 0xC0A800FFu);
    c = cond_range("FWPM_CONDITION_IP_REMOTE_ADDRESS", "FWP_BYTE_ARRAY16_TYPE", "fe80::",
                   "fe80:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
    CHECK(memcmp(c.value.n.a16, fe80, 16) == 0);
    CHECK_EQ_U(c.high.n.a16[15], 0xff);
    c = cond_text("FWPM_CONDITION_IP_PROTOCOL", "FWP_MATCH_EQUAL", "FWP_UINT8", "17");
    CHECK_EQ_U(c.type, NTSEC_FWP_UINT8);
    CHECK_EQ_U(c.value.n.u, 17);
    c = cond_text("FWPM_CONDITION_ALE_PACKAGE_ID", "FWP_MATCH_NOT_EQUAL", "FWP_SID", "S-1-0-0");
    CHECK_EQ_U(c.value.len, 12);
    CHECK_EQ_U(c.match, NTSEC_FWP_MATCH_NOT_EQUAL);
    c = cond_text("FWPM_CONDITION_ALE_APP_ID", "FWP_MATCH_EQUAL", "FWP_BYTE_BLOB_TYPE",
                  "530079007300740065006d000000");
    CHECK_EQ_U(c.value.len, 14);
    c = cond_text("FWPM_CONDITION_ALE_USER_ID", "FWP_MATCH_EQUAL", "FWP_SECURITY_DESCRIPTOR_TYPE",
                  "O:SYG:SYD:(A;;CCRC;;;S-1-5-80-3915894004-2104103821-3047269622-1811662266-774708259)");
    CHECK(c.value.obj != NULL);
    CHECK(c.check_sd == c.value.obj);           /* owner and group present: used as is */
    /* 1.5 / 2.2: the table names round-trip */
    CHECK_STR(ntsec_fwp_type_name(NTSEC_FWP_BYTE_ARRAY16_TYPE), "FWP_BYTE_ARRAY16_TYPE");
    CHECK_EQ_U(ntsec_fwp_type_from_name("FWP_RANGE_TYPE", 14), 0x102);
    CHECK_EQ_U(ntsec_fwp_match_from_name("FWP_MATCH_NOT_PREFIX", 20), 12);
    CHECK_STR(ntsec_fwp_match_name(NTSEC_FWP_MATCH_FLAGS_NONE_SET), "FWP_MATCH_FLAGS_NONE_SET");
}

static void test_value_text_errors(void)
{
    ntsec_wfp_condition_text t;
    ntsec_wfp_condition c;
    char err[128] = "";
    memset(&t, 0, sizeof t);
    t.field = "FWPM_CONDITION_IP_PROTOCOL";
    t.match = "FWP_MATCH_EQUAL";
    t.type = "FWP_UINT8";
    t.value = "256";                  /* does not fit a UINT8 */
    CHECK_EQ_U(ntsec_wfp_set_condition_from_text(set, &t, &c, err, sizeof err), STATUS_INVALID_PARAMETER);
    CHECK(strstr(err, "FWP_UINT8") != NULL);
    t.type = "FWP_SECURITY_DESCRIPTOR_TYPE";
    t.value = "O:SYD:(A;;CC;;;";
    CHECK(ntsec_wfp_set_condition_from_text(set, &t, &c, err, sizeof err) != STATUS_SUCCESS);
    CHECK(strstr(err, "offset") != NULL);
}

/* Unknown names are kept and evaluate UNKNOWN (issue: never dropped). */
static void test_unknown_kept(void)
{
    ntsec_wfp_condition c;
    ntsec_wfp_flow f;
    ntsec_wfp_cond_why why;
    ntsec_wfp_flow_init(&f, NULL);
    c = cond_text("{01234567-89ab-cdef-0123-456789abcdef}", "FWP_MATCH_EQUAL", "FWP_UINT8", "1");
    CHECK_EQ_U(c.slot, NTSEC_WFP_FIELD_UNKNOWN);
    CHECK_STR(c.field_text, "{01234567-89ab-cdef-0123-456789abcdef}");
    CHECK_EQ_U(eval1(&c, &f, &why), U);
    CHECK_EQ_U(why, NTSEC_WFP_WHY_UNKNOWN_FIELD);
    c = cond_text("FWPM_CONDITION_IP_PROTOCOL", "FWP_MATCH_SOMETHING_NEW", "FWP_UINT8", "6");
    CHECK_STR(c.match_text, "FWP_MATCH_SOMETHING_NEW");
    CHECK_EQ_U(eval_u(&c, "FWPM_CONDITION_IP_PROTOCOL", NTSEC_FWP_UINT8, 6), U);
    c = cond_text("FWPM_CONDITION_IP_PROTOCOL", "FWP_MATCH_EQUAL", "FWP_TOKEN_INFORMATION_TYPE", "x");
    CHECK_EQ_U(c.value.type, NTSEC_FWP_TYPE_UNKNOWN);
    CHECK_STR(c.value.name, "FWP_TOKEN_INFORMATION_TYPE");
    CHECK_EQ_U(c.value.len, 1);
    CHECK_EQ_U(eval_u(&c, "FWPM_CONDITION_IP_PROTOCOL", NTSEC_FWP_UINT8, 6), U);
}

/* ---- 2.2: each match type ---- */

static void test_match_integers(void)
{
    const char *P = "FWPM_CONDITION_IP_LOCAL_PORT";
    ntsec_wfp_condition c;
    c = cond_val(P, NTSEC_FWP_MATCH_EQUAL, ntsec_fwp_uint(NTSEC_FWP_UINT16, 80));
    CHECK_EQ_U(eval_u(&c, P, NTSEC_FWP_UINT16, 80), T);
    CHECK_EQ_U(eval_u(&c, P, NTSEC_FWP_UINT16, 81), F);
    c.match = NTSEC_FWP_MATCH_NOT_EQUAL;
    CHECK_EQ_U(eval_u(&c, P, NTSEC_FWP_UINT16, 80), F);
    CHECK_EQ_U(eval_u(&c, P, NTSEC_FWP_UINT16, 81), T);
    c.match = NTSEC_FWP_MATCH_GREATER;
    CHECK_EQ_U(eval_u(&c, P, NTSEC_FWP_UINT16, 81), T);
    CHECK_EQ_U(eval_u(&c, P, NTSEC_FWP_UINT16, 80), F);
    c.match = NTSEC_FWP_MATCH_GREATER_OR_EQUAL;
    CHECK_EQ_U(eval_u(&c, P, NTSEC_FWP_UINT16, 80), T);
    CHECK_EQ_U(eval_u(&c, P, NTSEC_FWP_UINT16, 79), F);
    c.match = NTSEC_FWP_MATCH_LESS;
    CHECK_EQ_U(eval_u(&c, P, NTSEC_FWP_UINT16, 79), T);
    CHECK_EQ_U(eval_u(&c, P, NTSEC_FWP_UINT16, 80), F);
    c.match = NTSEC_FWP_MATCH_LESS_OR_EQUAL;
    CHECK_EQ_U(eval_u(&c, P, NTSEC_FWP_UINT16, 80), T);
    CHECK_EQ_U(eval_u(&c, P, NTSEC_FWP_UINT16, 81), F);
    /* 2.1 type rule: no conversion, UINT32 80 is not UINT16 80 */
    c.match = NTSEC_FWP_MATCH_EQUAL;
    CHECK_EQ_U(eval_u(&c, P, NTSEC_FWP_UINT32, 80), F);
    /* 2.2: integers compare unsigned */
    c = cond_val(P, NTSEC_FWP_MATCH_GREATER, ntsec_fwp_uint(NTSEC_FWP_UINT64, 1));
    CHECK_EQ_U(eval_u(&c, P, NTSEC_FWP_UINT64, 0x8000000000000000ull), T);
    /* INT types compare signed */
    c = cond_val(P, NTSEC_FWP_MATCH_GREATER, ntsec_fwp_uint(NTSEC_FWP_INT32, 1));
    CHECK_EQ_U(eval_u(&c, P, NTSEC_FWP_INT32, (uint64_t)-5), F);
}

static void test_match_range(void)
{
    const char *A = "FWPM_CONDITION_IP_REMOTE_ADDRESS";
    ntsec_wfp_condition c = cond_range(A, "FWP_UINT32", "172.16.0.0", "172.31.255.255");
    ntsec_wfp_flow f;
    uint8_t v6[16];
    /* 2.2: bounds inclusive (ITPRO-UWP private ranges) */
    CHECK_EQ_U(eval_u(&c, A, NTSEC_FWP_UINT32, 0xAC100000u), T);
    CHECK_EQ_U(eval_u(&c, A, NTSEC_FWP_UINT32, 0xAC1FFFFFu), T);
    CHECK_EQ_U(eval_u(&c, A, NTSEC_FWP_UINT32, 0xAC200000u), F);
    CHECK_EQ_U(eval_u(&c, A, NTSEC_FWP_UINT32, 0x0A010101u), F);    /* 10.1.1.1, UWP case 5 */
    /* BYTE_ARRAY16 as big-endian bytes: fe80::1 in fe80::-fe80:ffff:... (link-local) */
    c = cond_range(A, "FWP_BYTE_ARRAY16_TYPE", "fe80::", "fe80:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
    ntsec_wfp_flow_init(&f, NULL);
    CHECK(ntsec_fwp_parse_ipv6("fe80::1", 7, v6));
    ntsec_wfp_flow_set_name(&f, A, ntsec_fwp_v6(v6));
    CHECK_EQ_U(eval1(&c, &f, NULL), T);
    CHECK(ntsec_fwp_parse_ipv6("2620:1ec:c11::200", 17, v6));
    ntsec_wfp_flow_set_name(&f, A, ntsec_fwp_v6(v6));
    CHECK_EQ_U(eval1(&c, &f, NULL), F);
    /* a V4 value against a V6 range: type mismatch, false */
    ntsec_wfp_flow_set_name(&f, A, ntsec_fwp_v4(0xFE800001u));
    CHECK_EQ_U(eval1(&c, &f, NULL), F);
    /* port ranges (1.7: RANGE of UINT16) */
    c = cond_range("FWPM_CONDITION_IP_LOCAL_PORT", "FWP_UINT16", "5000", "5020");
    CHECK_EQ_U(eval_u(&c, "FWPM_CONDITION_IP_LOCAL_PORT", NTSEC_FWP_UINT16, 5004), T);
    CHECK_EQ_U(eval_u(&c, "FWPM_CONDITION_IP_LOCAL_PORT", NTSEC_FWP_UINT16, 5021), F);
}

/* T13 and 2.2 FLAGS wording: ALL (v & c) == c, ANY != 0, NONE == 0. */
static void test_match_flags(void)
{
    const char *FL = "FWPM_CONDITION_FLAGS";
    ntsec_wfp_condition c = cond_val(FL, NTSEC_FWP_MATCH_FLAGS_ALL_SET, ntsec_fwp_uint(NTSEC_FWP_UINT32, 0x1));
    CHECK_EQ_U(eval_u(&c, FL, NTSEC_FWP_UINT32, 0x1), T);       /* IS_LOOPBACK */
    CHECK_EQ_U(eval_u(&c, FL, NTSEC_FWP_UINT32, 0x0), F);
    c.match = NTSEC_FWP_MATCH_FLAGS_NONE_SET;
    CHECK_EQ_U(eval_u(&c, FL, NTSEC_FWP_UINT32, 0x1), F);
    CHECK_EQ_U(eval_u(&c, FL, NTSEC_FWP_UINT32, 0x0), T);
    c = cond_val(FL, NTSEC_FWP_MATCH_FLAGS_ALL_SET, ntsec_fwp_uint(NTSEC_FWP_UINT32, 0x3));
    CHECK_EQ_U(eval_u(&c, FL, NTSEC_FWP_UINT32, 0x1), F);
    CHECK_EQ_U(eval_u(&c, FL, NTSEC_FWP_UINT32, 0x7), T);
    c.match = NTSEC_FWP_MATCH_FLAGS_ANY_SET;
    CHECK_EQ_U(eval_u(&c, FL, NTSEC_FWP_UINT32, 0x1), T);
    CHECK_EQ_U(eval_u(&c, FL, NTSEC_FWP_UINT32, 0x4), F);
    c.match = NTSEC_FWP_MATCH_FLAGS_NONE_SET;        /* NONE_SET 0x3 (DUMP) */
    CHECK_EQ_U(eval_u(&c, FL, NTSEC_FWP_UINT32, 0x4), T);
    CHECK_EQ_U(eval_u(&c, FL, NTSEC_FWP_UINT32, 0x2), F);
}

static ntsec_fwp_value ustr(const char *s, uint8_t *buf, size_t cap)
{
    long n = ntsec_fwp_utf16le(s, strlen(s), 0, buf, cap);
    return ntsec_fwp_bytes(NTSEC_FWP_UNICODE_STRING_TYPE, buf, (size_t)n);
}

static int eval_v(const ntsec_wfp_condition *c, const char *field, ntsec_fwp_value v)
{
    ntsec_wfp_flow f;
    ntsec_wfp_flow_init(&f, NULL);
    ntsec_wfp_flow_set_name(&f, field, v);
    return eval1(c, &f, NULL);
}

/* 2.2: EQUAL_CASE_INSENSITIVE on UNICODE_STRING; PREFIX / NOT_PREFIX as
** "ends with" (SA-MATCH @103ab33b, UNCONFIRMED); FLAGS on a string is not
** allowed (false). */
static void test_match_strings(void)
{
    const char *N = "FWPM_CONDITION_ALE_EFFECTIVE_NAME";
    uint8_t a[64], b[64], d[64];
    ntsec_wfp_condition c = cond_val(N, NTSEC_FWP_MATCH_EQUAL_CASE_INSENSITIVE, ustr("Example.COM", a, sizeof a));
    CHECK_EQ_U(eval_v(&c, N, ustr("example.com", b, sizeof b)), T);
    CHECK_EQ_U(eval_v(&c, N, ustr("example.org", b, sizeof b)), F);
    c.match = NTSEC_FWP_MATCH_EQUAL;
    CHECK_EQ_U(eval_v(&c, N, ustr("example.com", b, sizeof b)), F);
    c = cond_val(N, NTSEC_FWP_MATCH_PREFIX, ustr(".com", a, sizeof a));
    CHECK_EQ_U(eval_v(&c, N, ustr("www.example.com", b, sizeof b)), T);
    CHECK_EQ_U(eval_v(&c, N, ustr(".community", d, sizeof d)), F);   /* a prefix, not a suffix */
    c.match = NTSEC_FWP_MATCH_NOT_PREFIX;
    CHECK_EQ_U(eval_v(&c, N, ustr("www.example.com", b, sizeof b)), F);
    CHECK_EQ_U(eval_v(&c, N, ustr(".community", d, sizeof d)), T);
    c.match = NTSEC_FWP_MATCH_FLAGS_ALL_SET;
    CHECK_EQ_U(eval_v(&c, N, ustr(".com", b, sizeof b)), F);
    /* case-insensitive compare is for UNICODE_STRING only */
    c = cond_val(N, NTSEC_FWP_MATCH_EQUAL_CASE_INSENSITIVE, ntsec_fwp_bytes(NTSEC_FWP_BYTE_BLOB_TYPE, "A", 1));
    CHECK_EQ_U(eval_v(&c, N, ntsec_fwp_bytes(NTSEC_FWP_BYTE_BLOB_TYPE, "A", 1)), F);
}

/* 2.1 exceptions to the type rule and 2.2 derived mask semantics. */
static void test_match_masks(void)
{
    const char *A = "FWPM_CONDITION_IP_REMOTE_ADDRESS";
    ntsec_fwp_value m;
    ntsec_wfp_condition c;
    uint8_t v6[16];
    memset(&m, 0, sizeof m);
    m.type = NTSEC_FWP_V4_ADDR_MASK;
    m.n.v4.addr = 0x0A000000u;          /* 10.0.0.0/255.0.0.0 */
    m.n.v4.mask = 0xFF000000u;
    c = cond_val(A, NTSEC_FWP_MATCH_EQUAL, m);
    CHECK_EQ_U(eval_u(&c, A, NTSEC_FWP_UINT32, 0x0A323232u), T);   /* 10.50.50.50 */
    CHECK_EQ_U(eval_u(&c, A, NTSEC_FWP_UINT32, 0x0B000001u), F);
    c.match = NTSEC_FWP_MATCH_NOT_EQUAL;
    CHECK_EQ_U(eval_u(&c, A, NTSEC_FWP_UINT32, 0x0B000001u), T);
    memset(&m, 0, sizeof m);
    m.type = NTSEC_FWP_V6_ADDR_MASK;
    CHECK(ntsec_fwp_parse_ipv6("fe80::", 6, m.n.v6.addr));
    m.n.v6.prefix = 10;                 /* fe80::/10 */
    c = cond_val(A, NTSEC_FWP_MATCH_EQUAL, m);
    CHECK(ntsec_fwp_parse_ipv6("febf::1", 7, v6));
    CHECK_EQ_U(eval_v(&c, A, ntsec_fwp_v6(v6)), T);
    CHECK(ntsec_fwp_parse_ipv6("fec0::1", 7, v6));
    CHECK_EQ_U(eval_v(&c, A, ntsec_fwp_v6(v6)), F);
}

/* T16 / 2.1: an EMPTY incoming value matches only EQUAL FWP_EMPTY. */
static void test_empty(void)
{
    const char *I = "FWPM_CONDITION_IP_ARRIVAL_INTERFACE";
    ntsec_wfp_condition c = cond_val(I, NTSEC_FWP_MATCH_EQUAL, ntsec_fwp_uint(NTSEC_FWP_EMPTY, 0));
    ntsec_fwp_value empty = ntsec_fwp_uint(NTSEC_FWP_EMPTY, 0);
    ntsec_wfp_cond_why why;
    ntsec_wfp_flow f;
    CHECK_EQ_U(eval_v(&c, I, empty), T);
    c = cond_val(I, NTSEC_FWP_MATCH_EQUAL, ntsec_fwp_uint(NTSEC_FWP_UINT64, 4));
    CHECK_EQ_U(eval_v(&c, I, empty), F);
    /* an absent field is unknown, not false (4) */
    ntsec_wfp_flow_init(&f, NULL);
    CHECK_EQ_U(eval1(&c, &f, &why), U);
    CHECK_EQ_U(why, NTSEC_WFP_WHY_ABSENT);
}

/* T12 / 2.1: consecutive conditions on one field are OR-ed, fields AND-ed. */
static void test_runs(void)
{
    const char *A = "FWPM_CONDITION_IP_REMOTE_ADDRESS", *P = "FWPM_CONDITION_IP_PROTOCOL";
    ntsec_wfp_condition c[3];
    ntsec_wfp_match_info mi;
    ntsec_wfp_flow f;
    c[0] = cond_range(A, "FWP_UINT32", "192.168.0.0", "192.168.0.255");
    c[1] = cond_range(A, "FWP_UINT32", "224.0.0.0", "239.255.255.255");
    c[2] = cond_text(P, "FWP_MATCH_EQUAL", "FWP_UINT8", "17");
    ntsec_wfp_flow_init(&f, NULL);
    ntsec_wfp_flow_set_name(&f, A, ntsec_fwp_v4(0xE00000FBu));   /* 224.0.0.251 */
    ntsec_wfp_flow_set_name(&f, P, ntsec_fwp_uint(NTSEC_FWP_UINT8, 17));
    ntsec_wfp_conditions_match(c, 3, &f, NULL, &mi);
    CHECK_EQ_U(mi.result, T);
    ntsec_wfp_flow_set_name(&f, P, ntsec_fwp_uint(NTSEC_FWP_UINT8, 6));
    ntsec_wfp_conditions_match(c, 3, &f, NULL, &mi);
    CHECK_EQ_U(mi.result, F);
    CHECK_EQ_U(mi.cond, 2);                     /* the protocol condition failed */
    ntsec_wfp_flow_set_name(&f, P, ntsec_fwp_uint(NTSEC_FWP_UINT8, 17));
    ntsec_wfp_flow_set_name(&f, A, ntsec_fwp_v4(0x0A000001u));   /* 10.0.0.1 */
    ntsec_wfp_conditions_match(c, 3, &f, NULL, &mi);
    CHECK_EQ_U(mi.result, F);
    CHECK_EQ_U(mi.cond, 0);                     /* the address run (conditions 0-1) failed */
    /* 2.1: no conditions: always */
    ntsec_wfp_conditions_match(c, 0, &f, NULL, &mi);
    CHECK_EQ_U(mi.result, T);
    /* 2.1 Defender flow_established: DIRECTION 0 or 1, PROTOCOL 6 or 17 */
    c[0] = cond_text("FWPM_CONDITION_DIRECTION", "FWP_MATCH_EQUAL", "FWP_UINT32", "0");
    c[1] = cond_text("FWPM_CONDITION_DIRECTION", "FWP_MATCH_EQUAL", "FWP_UINT32", "1");
    c[2] = cond_text(P, "FWP_MATCH_EQUAL", "FWP_UINT8", "6");
    ntsec_wfp_flow_set_name(&f, "FWPM_CONDITION_DIRECTION", ntsec_fwp_uint(NTSEC_FWP_UINT32, 1));
    ntsec_wfp_flow_set_name(&f, P, ntsec_fwp_uint(NTSEC_FWP_UINT8, 6));
    ntsec_wfp_conditions_match(c, 3, &f, NULL, &mi);
    CHECK_EQ_U(mi.result, T);
    /* 4: FALSE beats UNKNOWN; UNKNOWN when nothing is FALSE */
    c[0] = cond_text("FWPM_CONDITION_CURRENT_PROFILE_ID", "FWP_MATCH_EQUAL", "FWP_UINT32", "1");
    c[1] = cond_text(P, "FWP_MATCH_EQUAL", "FWP_UINT8", "17");
    ntsec_wfp_conditions_match(c, 2, &f, NULL, &mi);
    CHECK_EQ_U(mi.result, F);
    CHECK_EQ_U(mi.cond, 1);
    ntsec_wfp_flow_set_name(&f, P, ntsec_fwp_uint(NTSEC_FWP_UINT8, 17));
    ntsec_wfp_conditions_match(c, 2, &f, NULL, &mi);
    CHECK_EQ_U(mi.result, U);
    CHECK_EQ_U(mi.cond, 0);
    CHECK_EQ_U(mi.why, NTSEC_WFP_WHY_ABSENT);
}

/* 4: FLAGS the caller does not give are taken as 0 and reported. */
static void test_flag_default(void)
{
    ntsec_wfp_condition c = cond_text("FWPM_CONDITION_FLAGS", "FWP_MATCH_FLAGS_NONE_SET", "FWP_UINT32", "1");
    ntsec_wfp_flow f;
    unsigned assumed = 0;
    ntsec_wfp_flow_init(&f, NULL);
    CHECK_EQ_U(ntsec_wfp_condition_eval(&c, &f, NULL, NULL, &assumed), T);
    CHECK_EQ_U(assumed, NTSEC_WFP_ASSUMED_ZERO_FLAGS);
    f.options = NTSEC_WFP_FLOW_NO_DEFAULTS;
    CHECK_EQ_U(eval1(&c, &f, NULL), U);
}

/* 2.3: app ids are the lower-case NT path, UTF-16LE, NUL included;
** "System" is kept as is. Expected bytes: the dump's svchost blob. */
static void test_app_id(void)
{
    static const char dumped[] =
        "5c006400650076006900630065005c0068006100720064006400690073006b0076006f006c0075006d0065"
        "0036005c00770069006e0064006f00770073005c00730079007300740065006d00330032005c0073007600"
        "630068006f00730074002e006500780065000000";
    const char *path = "\\Device\\HarddiskVolume6\\Windows\\System32\\svchost.exe";
    unsigned char want[256];
    uint8_t got[256];
    long n = ctest_unhex(dumped, want, sizeof want);
    size_t k = ntsec_wfp_app_id(path, strlen(path), got, sizeof got);
    CHECK_EQ_U(k, (size_t)n);
    CHECK(memcmp(got, want, (size_t)n) == 0);
    k = ntsec_wfp_app_id("System", 6, got, sizeof got);
    CHECK_EQ_U(k, 14);
    CHECK_EQ_U(got[0], 'S');
    CHECK_EQ_U(ntsec_wfp_app_id(path, strlen(path), got, 10), 0);   /* too small: 0 */
}

/* ---- 2.4 / 2.5 / 2.6 / 2.7: principals ---- */

static ntsec_token *user_token(const char *user)
{
    ntsec_token *t = ntsec_token_new(sid(user), 0);
    ntsec_token_add_group(t, sid("S-1-1-0"), ON);        /* Everyone */
    ntsec_token_add_group(t, sid("S-1-5-11"), ON);       /* Authenticated Users */
    ntsec_token_add_group(t, sid("S-1-16-4096"), SE_GROUP_INTEGRITY | SE_GROUP_INTEGRITY_ENABLED);
    return t;
}

static int user_id(const char *sddl, const ntsec_wfp_principal *p)
{
    ntsec_wfp_condition c = cond_text("FWPM_CONDITION_ALE_USER_ID", "FWP_MATCH_EQUAL",
                                      "FWP_SECURITY_DESCRIPTOR_TYPE", sddl);
    ntsec_wfp_flow f;
    ntsec_wfp_flow_init(&f, p);
    return eval1(&c, &f, NULL);
}

/* T11: ALE_USER_ID grants FWP_ACTRL_MATCH_FILTER (CC) to U. */
static void test_user_id_rule(void)
{
    const char *U1 = "S-1-5-21-1-2-3-1001", *U2 = "S-1-5-21-1-2-3-1002";
    ntsec_token *t1 = user_token(U1), *t2 = user_token(U2);
    ntsec_wfp_principal p1 = { t1, NULL, NULL, 0 }, p2 = { t2, NULL, NULL, 0 };
    ntsec_wfp_condition c;
    ntsec_wfp_flow f;
    CHECK_EQ_U(user_id("O:SYG:SYD:(A;;CC;;;S-1-5-21-1-2-3-1001)", &p1), T);
    CHECK_EQ_U(user_id("O:SYG:SYD:(A;;CC;;;S-1-5-21-1-2-3-1001)", &p2), F);
    CHECK_EQ_U(user_id("O:SYG:SYD:(D;;CC;;;S-1-5-21-1-2-3-1001)(A;;CC;;;S-1-5-21-1-2-3-1001)", &p1), F);
    /* the right checked is 0x1: RC alone does not match */
    CHECK_EQ_U(user_id("O:SYG:SYD:(A;;RC;;;S-1-5-21-1-2-3-1001)", &p1), F);
    /* 2.4 EMULATOR CHOICE: descriptors without owner/group are not rejected */
    CHECK_EQ_U(user_id("D:(A;NP;CC;;;S-1-5-21-1-2-3-1001)", &p1), T);
    CHECK_EQ_U(user_id("D:(A;;CC;;;WD)(A;;CC;;;AN)S:NO_ACCESS_CONTROL", &p2), T);
    /* 2.4: NOT_EQUAL = not granted */
    c = cond_text("FWPM_CONDITION_ALE_USER_ID", "FWP_MATCH_NOT_EQUAL", "FWP_SECURITY_DESCRIPTOR_TYPE",
                  "O:SYG:SYD:(A;;CC;;;S-1-5-21-1-2-3-1001)");
    ntsec_wfp_flow_init(&f, &p2);
    CHECK_EQ_U(eval1(&c, &f, NULL), T);
    /* no principal: unknown */
    ntsec_wfp_flow_init(&f, NULL);
    CHECK_EQ_U(eval1(&c, &f, NULL), U);
    ntsec_token_free(t1);
    ntsec_token_free(t2);
}

/* 2.5: AppContainer tokens, with and without the capability a filter names. */
static void test_appcontainer(void)
{
    const char *PKG = "S-1-15-2-4163697451-3176919390-1155390458-2883473650-3020241727-522149888-4067122936";
    const char *IC = "O:LSD:(A;;CC;;;S-1-15-3-1)(A;;CC;;;WD)(A;;CC;;;AN)";   /* InternetClient Default Rule */
    const char *PKGRULE = "O:SYG:SYD:(A;;CCRC;;;S-1-5-21-1-2-3-1001)(A;;CCRC;;;AC)(A;;CCRC;;;S-1-15-3-1)"
                          "(A;;CCRC;;;S-1-15-3-2)(A;;CCRC;;;S-1-15-3-3)";
    ntsec_token *t = user_token("S-1-5-21-1-2-3-1001");
    ntsec_appcontainer *with = ntsec_appcontainer_new(sid(PKG), 0);
    ntsec_appcontainer *without = ntsec_appcontainer_new(sid(PKG), 0);
    ntsec_appcontainer *lpac = ntsec_appcontainer_new(sid(PKG), 1);
    ntsec_wfp_principal pw = { t, with, NULL, 0 }, po = { t, without, NULL, 0 };
    ntsec_wfp_principal pl = { t, lpac, NULL, 0 }, plain = { t, NULL, NULL, 0 };
    CHECK_EQ_U(ntsec_appcontainer_add_capability(with, sid("S-1-15-3-1"), ON), STATUS_SUCCESS);
    /* ITPRO-UWP case 1 / case 2: WD alone does not satisfy pass 2 */
    CHECK_EQ_U(user_id(IC, &pw), T);
    CHECK_EQ_U(user_id(IC, &po), F);
    CHECK_EQ_U(user_id(IC, &plain), T);          /* not an AppContainer: pass 1 via WD */
    /* a disabled capability does not count */
    CHECK_EQ_U(ntsec_appcontainer_add_capability(without, sid("S-1-15-3-1"), 0), STATUS_SUCCESS);
    CHECK_EQ_U(user_id(IC, &po), F);
    /* packaged-app rule: pass 1 by the user, pass 2 by AC; LPAC needs a listed capability */
    CHECK_EQ_U(user_id(PKGRULE, &po), T);
    CHECK_EQ_U(user_id(PKGRULE, &pl), F);
    CHECK_EQ_U(ntsec_appcontainer_add_capability(lpac, sid("S-1-15-3-3"), ON), STATUS_SUCCESS);
    CHECK_EQ_U(user_id(PKGRULE, &pl), T);
    /* pass 1 still needed: another user's rule does not match */
    CHECK_EQ_U(user_id("O:SYG:SYD:(A;;CCRC;;;S-1-5-21-1-2-3-1002)(A;;CCRC;;;AC)", &pw), F);
    ntsec_appcontainer_free(with);
    ntsec_appcontainer_free(without);
    ntsec_appcontainer_free(lpac);
    ntsec_token_free(t);
}

/* 2.6: ALE_PACKAGE_ID is the package SID, or S-1-0-0 for other flows
** (UNCONFIRMED, assumption reported). ITPRO-UWP "Block Outbound Default
** Rule": ALE_PACKAGE_ID != S-1-0-0. */
static void test_package_id(void)
{
    ntsec_token *t = user_token("S-1-5-21-1-2-3-1001");
    ntsec_appcontainer *ac = ntsec_appcontainer_new(sid("S-1-15-2-1-2-3-4-5-6-7"), 0);
    ntsec_wfp_principal pac = { t, ac, NULL, 0 }, plain = { t, NULL, NULL, 0 };
    ntsec_wfp_condition c = cond_text("FWPM_CONDITION_ALE_PACKAGE_ID", "FWP_MATCH_NOT_EQUAL", "FWP_SID", "S-1-0-0");
    ntsec_wfp_flow f;
    unsigned assumed = 0;
    ntsec_wfp_flow_init(&f, &pac);
    CHECK_EQ_U(ntsec_wfp_condition_eval(&c, &f, NULL, NULL, &assumed), T);
    CHECK_EQ_U(assumed, 0);
    ntsec_wfp_flow_init(&f, &plain);
    CHECK_EQ_U(ntsec_wfp_condition_eval(&c, &f, NULL, NULL, &assumed), F);
    CHECK_EQ_U(assumed, NTSEC_WFP_ASSUMED_NULL_PACKAGE);
    ntsec_appcontainer_free(ac);
    ntsec_token_free(t);
}

/* 2.7: PFN condition = pass 1 by the XA ACE (SYSAPPID contains the PFN) and
** pass 2 by capability 1, 2 or 3. */
static void test_package_family_name(void)
{
    const char *SD = "O:SYG:SYD:(XA;;CC;;;WD;(WIN://SYSAPPID Contains \"Microsoft.Win32WebViewHost_cw5n1h2txyewy\"))"
                     "(A;;CC;;;S-1-15-3-1)(A;;CC;;;S-1-15-3-2)(A;;CC;;;S-1-15-3-3)";
    const char *mine[3] = { "Microsoft.Win32WebViewHost_10.0.1_neutral__cw5n1h2txyewy", "App",
                            "microsoft.win32webviewhost_cw5n1h2txyewy" };
    const char *other[3] = { "Contoso.App_1.0_x64__abc", "App", "Contoso.App_abc" };
    ntsec_token *tm = user_token("S-1-5-21-1-2-3-1001"), *to = user_token("S-1-5-21-1-2-3-1001");
    ntsec_appcontainer *caps = ntsec_appcontainer_new(sid("S-1-15-2-1-2-3-4-5-6-7"), 0);
    ntsec_appcontainer *nocaps = ntsec_appcontainer_new(sid("S-1-15-2-1-2-3-4-5-6-7"), 0);
    ntsec_wfp_principal p_ok = { tm, caps, NULL, 0 }, p_nocap = { tm, nocaps, NULL, 0 };
    ntsec_wfp_principal p_other = { to, caps, NULL, 0 };
    ntsec_wfp_condition c = cond_text("FWPM_CONDITION_ALE_PACKAGE_FAMILY_NAME", "FWP_MATCH_EQUAL",
                                      "FWP_SECURITY_DESCRIPTOR_TYPE", SD);
    ntsec_wfp_flow f;
    CHECK_EQ_U(ntsec_token_add_sysappid(tm, mine, 3), STATUS_SUCCESS);
    CHECK_EQ_U(ntsec_token_add_sysappid(to, other, 3), STATUS_SUCCESS);
    CHECK_EQ_U(ntsec_appcontainer_add_capability(caps, sid("S-1-15-3-2"), ON), STATUS_SUCCESS);
    ntsec_wfp_flow_init(&f, &p_ok);
    CHECK_EQ_U(eval1(&c, &f, NULL), T);          /* case-insensitive Contains (EMULATOR CHOICE) */
    ntsec_wfp_flow_init(&f, &p_nocap);
    CHECK_EQ_U(eval1(&c, &f, NULL), F);
    ntsec_wfp_flow_init(&f, &p_other);
    CHECK_EQ_U(eval1(&c, &f, NULL), F);
    ntsec_appcontainer_free(caps);
    ntsec_appcontainer_free(nocaps);
    ntsec_token_free(tm);
    ntsec_token_free(to);
}

int main(void)
{
    set = ntsec_wfp_filter_set_new();
    test_value_text();
    test_value_text_errors();
    test_unknown_kept();
    test_match_integers();
    test_match_range();
    test_match_flags();
    test_match_strings();
    test_match_masks();
    test_empty();
    test_runs();
    test_flag_default();
    test_app_id();
    test_user_id_rule();
    test_appcontainer();
    test_package_id();
    test_package_family_name();
    ntsec_wfp_filter_set_free(set);
    return ctest_summary();
}
