/*
** cond_test.c: conditional ACE evaluation ([MS-DTYP] 2.4.4.17.6-7,
** 2.5.3.1.5-7; sd_semantics.md 2.11, 3.7). Expressions are written in SDDL
** (several are the Windows-accepted ones of the conformance data) and the
** expected three-valued results are worked out from DTYP's rules:
**   - a missing attribute is UNKNOWN and flows through && || ! as in
**     2.4.4.17.7 (F && U = F, T || U = T);
**   - a type error (different types, a literal where a boolean is needed)
**     makes the whole expression UNKNOWN (reported as ERROR);
**   - strings compare case-insensitively unless CASE_SENSITIVE;
**   - ==, !=, Contains, Any_of (and Exists) take multi-valued operands;
**     others give UNKNOWN.
** The test_rule_* functions check the rules Windows' own answers showed
** (issue 10, docs/access.md "Conditional ACEs as Windows evaluates them") on
** values of our own: case folding beyond Latin-1, != on sets, empty
** composites, Any_of with one literal, multi-valued claims as conditions,
** boolean vs integer, and `!` on a bare attribute.
*/
#include <string.h>

#include "ctest.h"
#include "acl.h"
#include "cond.h"
#include "sd.h"
#include "sddl.h"
#include "secdefs.h"
#include "sid.h"
#include "status.h"
#include "token.h"

#define T NTSEC_COND_TRUE
#define F NTSEC_COND_FALSE
#define U NTSEC_COND_UNKNOWN
#define E NTSEC_COND_ERROR
#define ENABLED (SE_GROUP_ENABLED | SE_GROUP_ENABLED_BY_DEFAULT | SE_GROUP_MANDATORY)

static const ntsec_sid_ctx no_ctx;

/* Evaluate the condition of "D:(XA;;FR;;;WD;(expr))" + sacl against t. */
static int eval_full(const char *expr, const char *sacl, const ntsec_token *t, int for_deny)
{
    char text[1024];
    ntsec_sd *sd = NULL;
    ntsec_sd_parts p;
    ntsec_acl_iter it;
    ntsec_ace a;
    ntsec_cond_env env;
    int r = -99;
    snprintf(text, sizeof text, "O:SYG:SYD:(XA;;FR;;;WD;%s)%s", expr, sacl ? sacl : "");
    if (ntsec_sddl_parse(text, strlen(text), &no_ctx, &sd, NULL) != STATUS_SUCCESS) {
        printf("setup: cannot parse %s\n", text);
        return r;
    }
    ntsec_sd_get_parts(sd, &p);
    ntsec_acl_iter_init(&it, p.dacl);
    if (ntsec_acl_next(&it, &a)) {
        memset(&env, 0, sizeof env);
        env.token = t;
        env.sacl = (p.control & SE_SACL_PRESENT) ? p.sacl : NULL;
        env.for_deny = for_deny;
        r = ntsec_cond_evaluate(a.data, a.data_len, &env);
    }
    ntsec_sd_unref(sd);
    return r;
}

static int eval(const char *expr, const ntsec_token *t)
{
    return eval_full(expr, NULL, t, 0);
}

static const uint8_t *sid_of(const char *s, uint8_t out[68])
{
    ntsec_sid_from_string(s, strlen(s), &no_ctx, out);
    return out;
}

static ntsec_token *base_token(void)
{
    uint8_t b[68];
    ntsec_token *t = ntsec_token_new(sid_of("S-1-5-21-1-2-3-1001", b), 0);
    ntsec_token_add_group(t, sid_of("WD", b), ENABLED);
    ntsec_token_add_group(t, sid_of("BU", b), ENABLED);
    ntsec_token_add_group(t, sid_of("BA", b), SE_GROUP_USE_FOR_DENY_ONLY);
    return t;
}

static void add_str(ntsec_token *t, ntsec_claim_source src, const char *name, uint32_t flags,
                    const char *v1, const char *v2)
{
    ntsec_claim_value v[2];
    memset(v, 0, sizeof v);
    v[0].s = v1;
    v[1].s = v2;
    CHECK_EQ_U(ntsec_token_add_claim(t, src, name, CLAIM_SECURITY_ATTRIBUTE_TYPE_STRING, flags, v,
                                     v2 ? 2 : 1), STATUS_SUCCESS);
}

static void add_int(ntsec_token *t, ntsec_claim_source src, const char *name, uint16_t type,
                    int64_t a, int64_t b, size_t n)
{
    ntsec_claim_value v[2];
    memset(v, 0, sizeof v);
    v[0].i = a;
    v[0].u = (uint64_t)a;
    v[1].i = b;
    v[1].u = (uint64_t)b;
    CHECK_EQ_U(ntsec_token_add_claim(t, src, name, type, 0, v, n), STATUS_SUCCESS);
}

/* ---- equality, strings, case ---- */

static void test_string_equality(void)
{
    ntsec_token *t = base_token(), *none = base_token(), *cs = base_token(), *multi = base_token();
    add_str(t, NTSEC_CLAIM_USER, "Title", 0, "PM", NULL);
    add_str(cs, NTSEC_CLAIM_USER, "Title", CLAIM_SECURITY_ATTRIBUTE_VALUE_CASE_SENSITIVE, "pm", NULL);
    add_str(multi, NTSEC_CLAIM_USER, "Title", 0, "PM", "VP");
    CHECK_EQ_U(eval("(@User.Title == \"PM\")", t), T);
    CHECK_EQ_U(eval("(@User.Title == \"pm\")", t), T);          /* case-insensitive */
    CHECK_EQ_U(eval("(@USER.title == \"Pm\")", t), T);          /* names too */
    CHECK_EQ_U(eval("(@User.Title == \"PM\")", cs), F);         /* CASE_SENSITIVE claim */
    CHECK_EQ_U(eval("(@User.Title == \"pm\")", cs), T);
    CHECK_EQ_U(eval("(@User.Title == \"PM\")", none), U);       /* missing */
    CHECK_EQ_U(eval("(@User.Title != \"PM\")", none), U);
    CHECK_EQ_U(eval("(@User.Title != \"VP\")", t), T);
    CHECK_EQ_U(eval("(@User.Title == \"\")", t), F);
    /* == on sets: the exact value set; != its negation (issue 10, samba-0089);
    ** < on a set: UNKNOWN */
    CHECK_EQ_U(eval("(@User.Title == {\"VP\", \"pm\"})", multi), T);
    CHECK_EQ_U(eval("(@User.Title == \"PM\")", multi), F);
    CHECK_EQ_U(eval("(@User.Title == {\"PM\", \"CEO\"})", multi), F);
    CHECK_EQ_U(eval("(@User.Title != \"PM\")", multi), T);
    CHECK_EQ_U(eval("(@User.Title < \"PM\")", multi), U);
    /* ordering of strings by code unit after folding: "PM" < "VP" */
    CHECK_EQ_U(eval("(@User.Title < \"vp\")", t), T);
    CHECK_EQ_U(eval("(@User.Title >= \"PMA\")", t), F);           /* a prefix is smaller */
    /* a string against an integer: type error */
    CHECK_EQ_U(eval("(@User.Title == 1)", t), E);
    /* the Windows example of 2.11 / conformance set conditional_aces */
    CHECK_EQ_U(eval("(@User.Title==\"PM\" && (@User.Division==\"Finance\" || @User.Division ==\"Sales\"))", t), U);
    add_str(t, NTSEC_CLAIM_USER, "Division", 0, "Sales", NULL);
    CHECK_EQ_U(eval("(@User.Title==\"PM\" && (@User.Division==\"Finance\" || @User.Division ==\"Sales\"))", t), T);
    CHECK_EQ_U(eval("(@User.Title==\"VP\" && (@User.Division==\"Finance\" || @User.Division ==\"Sales\"))", t), F);
    ntsec_token_free(t);
    ntsec_token_free(none);
    ntsec_token_free(cs);
    ntsec_token_free(multi);
}

/* ---- integers, booleans, signs ---- */

static void test_numbers(void)
{
    ntsec_token *t = base_token();
    add_int(t, NTSEC_CLAIM_DEVICE, "legs", CLAIM_SECURITY_ATTRIBUTE_TYPE_INT64, 2, 0, 1);
    add_int(t, NTSEC_CLAIM_DEVICE, "neg", CLAIM_SECURITY_ATTRIBUTE_TYPE_INT64, -10, 0, 1);
    add_int(t, NTSEC_CLAIM_DEVICE, "bb", CLAIM_SECURITY_ATTRIBUTE_TYPE_UINT64, 0xffffffffLL, 0, 1);
    add_int(t, NTSEC_CLAIM_DEVICE, "big", CLAIM_SECURITY_ATTRIBUTE_TYPE_UINT64, -1, 0, 1);  /* 2^64-1 */
    add_int(t, NTSEC_CLAIM_DEVICE, "Bitlocker", CLAIM_SECURITY_ATTRIBUTE_TYPE_BOOLEAN, 1, 0, 1);
    add_int(t, NTSEC_CLAIM_DEVICE, "zero", CLAIM_SECURITY_ATTRIBUTE_TYPE_INT64, 0, 0, 1);
    add_int(t, NTSEC_CLAIM_LOCAL, "a", CLAIM_SECURITY_ATTRIBUTE_TYPE_INT64, 1, 0, 1);
    CHECK_EQ_U(eval("(@Device.legs >= 1)", t), T);
    CHECK_EQ_U(eval("(@Device.legs == 1)", t), F);
    CHECK_EQ_U(eval("(@Device.legs > 0x1)", t), T);
    CHECK_EQ_U(eval("(@Device.legs <= 02)", t), T);               /* octal literal */
    CHECK_EQ_U(eval("(@Device.neg < -5)", t), T);
    CHECK_EQ_U(eval("(@Device.neg > -11)", t), T);
    CHECK_EQ_U(eval("(@Device.neg == -10)", t), T);
    CHECK_EQ_U(eval("(@Device.bb == 0xffffffff)", t), T);         /* conformance set */
    CHECK_EQ_U(eval("(@Device.bb == 0xfffffffff)", t), F);
    /* an unsigned 2^64-1 is not -1: the sign byte decides (2.4.4.17.5) */
    CHECK_EQ_U(eval("(@Device.big == 0xffffffffffffffff)", t), T);
    CHECK_EQ_U(eval("(@Device.big > 0)", t), T);
    CHECK_EQ_U(eval("(@Device.big == -1)", t), F);
    /* a boolean claim against an integer is a type mismatch (issue 10,
    ** samba-0252); ordering too */
    CHECK_EQ_U(eval("(@Device.Bitlocker == 1)", t), E);
    CHECK_EQ_U(eval("(@Device.Bitlocker != 0)", t), E);
    CHECK_EQ_U(eval("(@Device.Bitlocker >= 1)", t), E);
    /* attributes as booleans (2.4.4.17.7): non-zero integers are TRUE */
    CHECK_EQ_U(eval("(@Device.Bitlocker && @Device.Bitlocker)", t), T);
    CHECK_EQ_U(eval("(@Device.zero || @Device.zero)", t), F);
    CHECK_EQ_U(eval("(@Device.missing || @Device.Bitlocker)", t), T);     /* U || T */
    CHECK_EQ_U(eval("(@Device.missing && @Device.zero)", t), F);          /* U && F */
    CHECK_EQ_U(eval("(@Device.missing && @Device.Bitlocker)", t), U);
    CHECK_EQ_U(eval("(!(@Device.missing))", t), U);
    CHECK_EQ_U(eval("(!(@Device.zero))", t), T);
    /* local (simple) names */
    CHECK_EQ_U(eval("(a == 1)", t), T);
    CHECK_EQ_U(eval("(a == @User.a)", t), U);                              /* @User.a missing */
    ntsec_token_free(t);
}

/* ---- sets: Contains, Any_of ---- */

static void test_sets(void)
{
    ntsec_token *t = base_token();
    add_str(t, NTSEC_CLAIM_DEVICE, "colour", 0, "blue", "red");
    add_int(t, NTSEC_CLAIM_USER, "Project", CLAIM_SECURITY_ATTRIBUTE_TYPE_INT64, 1, 2, 2);
    CHECK_EQ_U(eval("(@Device.colour Contains \"BLUE\")", t), T);
    CHECK_EQ_U(eval("(@Device.colour Contains {\"blue\", \"red\"})", t), T);
    CHECK_EQ_U(eval("(@Device.colour Contains {\"blue\", \"green\"})", t), F);
    CHECK_EQ_U(eval("(@Device.colour Not_Contains {\"blue\", \"green\"})", t), T);
    CHECK_EQ_U(eval("(@Device.colour Any_of {\"green\", \"red\"})", t), T);
    CHECK_EQ_U(eval("(@Device.colour Any_of \"green\")", t), U);    /* single literal */
    CHECK_EQ_U(eval("(@Device.colour Not_Any_of {\"green\"})", t), T);
    /* conformance set: (XD;;FX;;;WD;(@USER.Project Any_of 1)) and friends:
    ** Any_of / Not_Any_of with one literal (no composite) on the right is
    ** UNKNOWN (issue 10, samba-0171..0174), whatever its type */
    CHECK_EQ_U(eval("(@USER.Project Any_of 1)", t), U);
    CHECK_EQ_U(eval("(!(@USER.Project Not_Any_of 1))", t), U);
    CHECK_EQ_U(eval("(@USER.Project Any_of \"pink\")", t), U);
    CHECK_EQ_U(eval("(@USER.Project Any_of {\"pink\"})", t), E);        /* int vs string */
    CHECK_EQ_U(eval("(@USER.Project Any_of {3, 4})", t), F);
    CHECK_EQ_U(eval("(@USER.Nothing Any_of {3, 4})", t), U);
    ntsec_token_free(t);
}

/* ---- resource attributes (@Resource. from RA ACEs in the SACL) ---- */

static void test_resource(void)
{
    ntsec_token *t = base_token(), *u = base_token();
    add_str(t, NTSEC_CLAIM_DEVICE, "colour", 0, "Blue", NULL);
    add_str(u, NTSEC_CLAIM_DEVICE, "colour", 0, "blue", "green");
    /* conformance set: (@Device.colour == @Resource.colour) with ("colour",TS,0,"blue") */
    CHECK_EQ_U(eval_full("(@Device.colour == @Resource.colour)", "S:(RA;;;;;WD;(\"colour\",TS,0,\"blue\"))", t, 0), T);
    CHECK_EQ_U(eval_full("(@Device.colour == @Resource.colour)", "S:(RA;;;;;WD;(\"colour\",TS,0,\"red\"))", t, 0), F);
    CHECK_EQ_U(eval_full("(@Device.colour == @Resource.colour)", NULL, t, 0), U);
    /* (@Device.colour Contains @Resource.colour) with one and two values */
    CHECK_EQ_U(eval_full("(@Device.colour Contains @Resource.colour)",
                         "S:(RA;;;;;WD;(\"colour\",TS,0,\"blue\"))", u, 0), T);
    CHECK_EQ_U(eval_full("(@Device.colour Contains @Resource.colour)",
                         "S:(RA;;;;;WD;(\"colour\",TS,0,\"blue\",\"red\"))", u, 0), F);
    /* integer resource attribute against a literal; TU vs an int literal */
    CHECK_EQ_U(eval_full("(@Resource.level >= 3)", "S:(RA;;;;;WD;(\"level\",TU,0,5))", t, 0), T);
    CHECK_EQ_U(eval_full("(@Resource.level >= 3)", "S:(RA;;;;;WD;(\"level\",TI,0,-5))", t, 0), F);
    /* Exists reads any attribute (docs/access.md) */
    CHECK_EQ_U(eval_full("(Exists @Resource.level)", "S:(RA;;;;;WD;(\"level\",TU,0,5))", t, 0), T);
    CHECK_EQ_U(eval_full("(Not_Exists @Resource.level)", "S:(RA;;;;;WD;(\"level\",TU,0,5))", t, 0), F);
    CHECK_EQ_U(eval("(Exists @Device.colour)", t), T);
    CHECK_EQ_U(eval("(Exists @Device.shape)", t), F);
    ntsec_token_free(t);
    ntsec_token_free(u);
}

/* ---- membership ---- */

static void test_membership(void)
{
    uint8_t b[68];
    ntsec_token *t = base_token();
    CHECK_EQ_U(eval("(Member_of {SID(WD)})", t), T);
    CHECK_EQ_U(eval("(Member_of {SID(WD), SID(BU)})", t), T);
    CHECK_EQ_U(eval("(Member_of {SID(WD), SID(S-1-77-88-99)})", t), F);
    CHECK_EQ_U(eval("(Member_of_Any {SID(S-1-1-0), SID(S-1-222-333)})", t), T);
    CHECK_EQ_U(eval("(Member_of_Any {SID(S-1-1-334), SID(S-1-222-333)})", t), F);
    CHECK_EQ_U(eval("(Not_Member_of {SID(S-1-77-88-99)})", t), T);
    CHECK_EQ_U(eval("(!(! (Member_of{SID(WD)})))", t), T);
    /* a deny-only group counts for deny ACEs only (docs/access.md) */
    CHECK_EQ_U(eval_full("(Member_of {SID(BA)})", NULL, t, 0), F);
    CHECK_EQ_U(eval_full("(Member_of {SID(BA)})", NULL, t, 1), T);
    /* device groups */
    CHECK_EQ_U(eval("(Device_Member_of{SID(BA)} && Member_of{SID(WD)})", t), F);
    ntsec_token_add_device_group(t, sid_of("BA", b), ENABLED);
    CHECK_EQ_U(eval("(Device_Member_of{SID(BA)} && Member_of{SID(WD)})", t), T);
    CHECK_EQ_U(eval("(Device_Member_of_Any{SID(BG), SID(BA)})", t), T);
    CHECK_EQ_U(eval("(Not_Device_Member_of_Any{SID(BG)})", t), T);
    ntsec_token_free(t);
}

/* ---- SIDs and octet strings as claim values ---- */

static void test_sid_and_octets(void)
{
    uint8_t b[68];
    ntsec_token *t = base_token();
    ntsec_claim_value v;
    memset(&v, 0, sizeof v);
    v.p = sid_of("BA", b);
    ntsec_token_add_claim(t, NTSEC_CLAIM_USER, "owner", CLAIM_SECURITY_ATTRIBUTE_TYPE_SID, 0, &v, 1);
    v.p = (const uint8_t *)"\x01\x02\x03\x00";
    v.len = 4;
    ntsec_token_add_claim(t, NTSEC_CLAIM_LOCAL, "OctetStringType", CLAIM_SECURITY_ATTRIBUTE_TYPE_OCTET_STRING, 0, &v, 1);
    CHECK_EQ_U(eval("(@User.owner == SID(BA))", t), T);
    CHECK_EQ_U(eval("(@User.owner == SID(BU))", t), F);
    CHECK_EQ_U(eval("(@User.owner < SID(BU))", t), E);               /* SIDs do not order */
    /* conformance set: (OctetStringType==#01020300) and ##1#2#3## (the same bytes) */
    CHECK_EQ_U(eval("(OctetStringType==#01020300)", t), T);
    CHECK_EQ_U(eval("(OctetStringType==##1#2#3##)", t), T);
    CHECK_EQ_U(eval("(OctetStringType==#0102)", t), F);
    ntsec_token_free(t);
}

/* ---- malformed programs ---- */

static int eval_bytes(const char *hex, const ntsec_token *t)
{
    uint8_t data[64];
    long n = ctest_unhex(hex, data, sizeof data);
    ntsec_cond_env env;
    memset(&env, 0, sizeof env);
    env.token = t;
    return ntsec_cond_evaluate(data, (size_t)n, &env);
}

static void test_malformed(void)
{
    ntsec_token *t = base_token();
    /* well formed: @User.Title == "PM" (the Windows bytes of 2.11), no claim */
    CHECK_EQ_U(eval_bytes("61727478" "f90a000000540069007400" "6c006500" "100400000050004d00" "80" "000000", t), U);
    CHECK_EQ_U(eval_bytes("7878787880", t), E);                       /* no "artx" */
    CHECK_EQ_U(eval_bytes("6172747880000000", t), E);                 /* == with an empty stack */
    CHECK_EQ_U(eval_bytes("61727478" "0401000000000000000303" "0401000000000000000303", t), E);  /* two operands left */
    CHECK_EQ_U(eval_bytes("61727478" "0401000000000000000303", t), E);  /* a literal as the result */
    CHECK_EQ_U(eval_bytes("61727478" "0401000000000000000303" "a2", t), E);  /* ! of a literal */
    CHECK_EQ_U(eval_bytes("61727478" "ff", t), E);                    /* unknown token */
    CHECK_EQ_U(eval_bytes("61727478" "f9ff000000", t), E);            /* runs past the end */
    CHECK_EQ_U(eval_bytes("61727478" "87" "00" "01", t), E);          /* padding not zero */
    /* Exists of a literal is an error; of a missing attribute FALSE */
    CHECK_EQ_U(eval_bytes("61727478" "0401000000000000000303" "87", t), E);
    CHECK_EQ_U(eval_bytes("61727478" "f802000000" "6100" "87" "000000", t), F);
    /* Member_of of a non-SID literal */
    CHECK_EQ_U(eval_bytes("61727478" "0401000000000000000303" "89", t), E);
    ntsec_token_free(t);
}

/* ---- Windows' own rules (issue 10; docs/access.md "Conditional ACEs"),
** each checked on values of our own choosing, worked out from the rule ---- */

/* Case folding beyond Latin-1: Windows' upper-case table (Unicode <= 6.0). */
static void test_rule_case_folding(void)
{
    ntsec_token *t = base_token();
    add_str(t, NTSEC_CLAIM_USER, "greek_l", 0, "\xce\xb1\xce\xb2", NULL);          /* U+03B1 U+03B2 */
    add_str(t, NTSEC_CLAIM_USER, "greek_u", 0, "\xce\x91\xce\x92", NULL);          /* U+0391 U+0392 */
    add_str(t, NTSEC_CLAIM_USER, "cyr_lower", 0, "\xd0\xb1", NULL);              /* U+0431 */
    add_str(t, NTSEC_CLAIM_USER, "cyr_upper", 0, "\xd0\x92", NULL);              /* U+0412 */
    add_str(t, NTSEC_CLAIM_USER, "armenian_l", 0, "\xd5\xa1", NULL);               /* U+0561 */
    add_str(t, NTSEC_CLAIM_USER, "armenian_u", 0, "\xd4\xb1", NULL);               /* U+0531 */
    add_str(t, NTSEC_CLAIM_USER, "wide_l", 0, "\xef\xbd\x81", NULL);               /* U+FF41 */
    add_str(t, NTSEC_CLAIM_USER, "wide_u", 0, "\xef\xbc\xa1", NULL);               /* U+FF21 */
    add_str(t, NTSEC_CLAIM_USER, "cherokee_l", 0, "\xea\xad\xb0", NULL);           /* U+AB70 (Unicode 8.0) */
    add_str(t, NTSEC_CLAIM_USER, "cherokee_u", 0, "\xe1\x8e\xa0", NULL);           /* U+13A0 */
    add_str(t, NTSEC_CLAIM_USER, "sharp", 0, "\xc3\x9f", NULL);                  /* U+00DF, no one-unit upper */
    add_str(t, NTSEC_CLAIM_USER, "ss", 0, "SS", NULL);
    add_str(t, NTSEC_CLAIM_USER, "cs_greek", CLAIM_SECURITY_ATTRIBUTE_VALUE_CASE_SENSITIVE,
            "\xce\xb1\xce\xb2", NULL);
    CHECK_EQ_U(eval("(@User.greek_l == @User.greek_u)", t), T);
    CHECK_EQ_U(eval("(@User.armenian_l == @User.armenian_u)", t), T);
    CHECK_EQ_U(eval("(@User.wide_l == @User.wide_u)", t), T);
    CHECK_EQ_U(eval("(@User.wide_l == \"A\")", t), F);             /* full-width is not ASCII */
    /* ordering after folding: U+0431 -> U+0411 < U+0412 (unfolded it is greater) */
    CHECK_EQ_U(eval("(@User.cyr_lower < @User.cyr_upper)", t), T);
    /* letters of Unicode 7.0 and later keep their code units */
    CHECK_EQ_U(eval("(@User.cherokee_l == @User.cherokee_u)", t), F);
    CHECK_EQ_U(eval("(@User.sharp == @User.ss)", t), F);
    CHECK_EQ_U(eval("(@User.cs_greek == @User.greek_u)", t), F);  /* CASE_SENSITIVE: no folding */
    ntsec_token_free(t);
}

/* != between multi-valued operands is the negation of set equality. */
static void test_rule_not_equal_sets(void)
{
    ntsec_token *t = base_token();
    add_int(t, NTSEC_CLAIM_USER, "n", CLAIM_SECURITY_ATTRIBUTE_TYPE_INT64, 7, 9, 2);
    add_int(t, NTSEC_CLAIM_USER, "m", CLAIM_SECURITY_ATTRIBUTE_TYPE_INT64, 9, 7, 2);
    CHECK_EQ_U(eval("(@User.n != {9, 7})", t), F);               /* same set, other order */
    CHECK_EQ_U(eval("(@User.n != {7, 9, 11})", t), T);
    CHECK_EQ_U(eval("(@User.n != 7)", t), T);                    /* two values vs one */
    CHECK_EQ_U(eval("(@User.n != @User.m)", t), F);
    CHECK_EQ_U(eval("(@User.n == {7, 9})", t), T);
    CHECK_EQ_U(eval("(@User.n > {1, 2})", t), U);                /* ordering stays UNKNOWN */
    CHECK_EQ_U(eval("(@User.none != {1, 2})", t), U);            /* absent attribute */
    ntsec_token_free(t);
}

/* An empty composite on the right. */
static void test_rule_empty_composite(void)
{
    ntsec_token *t = base_token();
    add_int(t, NTSEC_CLAIM_DEVICE, "n", CLAIM_SECURITY_ATTRIBUTE_TYPE_INT64, 3, 0, 1);
    /* present attribute */
    CHECK_EQ_U(eval("(@Device.n != {})", t), T);
    CHECK_EQ_U(eval("(@Device.n == {})", t), F);
    CHECK_EQ_U(eval("(@Device.n Contains {})", t), F);
    CHECK_EQ_U(eval("(@Device.n Any_of {})", t), F);
    CHECK_EQ_U(eval("(@Device.n Not_Contains {})", t), T);
    CHECK_EQ_U(eval("(@Device.n Not_Any_of {})", t), T);
    CHECK_EQ_U(eval("(@Device.n < {})", t), U);
    /* absent attribute: Contains / Any_of still FALSE, Not_Contains TRUE */
    CHECK_EQ_U(eval("(@Device.gone Contains {})", t), F);
    CHECK_EQ_U(eval("(@Device.gone Any_of {})", t), F);
    CHECK_EQ_U(eval("(@Device.gone Not_Contains {})", t), T);
    CHECK_EQ_U(eval("(@Device.gone Not_Any_of {})", t), U);
    CHECK_EQ_U(eval("(@Device.gone == {})", t), U);
    /* the results take part in the logic like any other */
    CHECK_EQ_U(eval("((@Device.gone Contains {}) || (@Device.n == 3))", t), T);
    CHECK_EQ_U(eval("(!(@Device.gone Any_of {}))", t), T);
    ntsec_token_free(t);
}

/* Any_of / Not_Any_of with one literal, not a composite, on the right. */
static void test_rule_any_of_single(void)
{
    ntsec_token *t = base_token();
    add_str(t, NTSEC_CLAIM_USER, "dept", 0, "sales", "hr");
    add_str(t, NTSEC_CLAIM_USER, "one", 0, "hr", NULL);
    CHECK_EQ_U(eval("(@User.dept Any_of \"hr\")", t), U);
    CHECK_EQ_U(eval("(@User.dept Not_Any_of \"it\")", t), U);
    CHECK_EQ_U(eval("(@User.dept Any_of {\"hr\"})", t), T);      /* a one-element composite is a set */
    CHECK_EQ_U(eval("(@User.dept Not_Any_of {\"it\"})", t), T);
    CHECK_EQ_U(eval("(@User.dept Any_of @User.one)", t), T);     /* a single-valued attribute too */
    CHECK_EQ_U(eval("(@User.dept Contains \"hr\")", t), T);      /* Contains takes one literal */
    ntsec_token_free(t);
}

/* Integer and boolean claims as a bare condition: TRUE when any value is
** non-zero, also with several values. */
static void test_rule_multi_valued_truth(void)
{
    ntsec_token *t = base_token();
    add_int(t, NTSEC_CLAIM_USER, "u", CLAIM_SECURITY_ATTRIBUTE_TYPE_UINT64, 0, 5, 2);
    add_int(t, NTSEC_CLAIM_USER, "zeros", CLAIM_SECURITY_ATTRIBUTE_TYPE_INT64, 0, 0, 2);
    add_int(t, NTSEC_CLAIM_USER, "b", CLAIM_SECURITY_ATTRIBUTE_TYPE_BOOLEAN, 0, 1, 2);
    add_int(t, NTSEC_CLAIM_USER, "neg", CLAIM_SECURITY_ATTRIBUTE_TYPE_INT64, -4, 0, 2);
    add_str(t, NTSEC_CLAIM_USER, "words", 0, "a", "b");
    CHECK_EQ_U(eval("(@User.u)", t), T);
    CHECK_EQ_U(eval("(@User.zeros)", t), F);
    CHECK_EQ_U(eval("(@User.b)", t), T);
    CHECK_EQ_U(eval("(@User.neg)", t), T);
    CHECK_EQ_U(eval("(!(@User.zeros))", t), T);
    CHECK_EQ_U(eval("(@User.u && @User.b)", t), T);
    CHECK_EQ_U(eval("(@User.words)", t), U);                      /* several strings: no rule */
    ntsec_token_free(t);
}

/* A boolean claim compared with an integer is a type mismatch. */
static void test_rule_boolean_vs_integer(void)
{
    ntsec_token *t = base_token();
    add_int(t, NTSEC_CLAIM_USER, "flag", CLAIM_SECURITY_ATTRIBUTE_TYPE_BOOLEAN, 1, 0, 1);
    add_int(t, NTSEC_CLAIM_USER, "flag2", CLAIM_SECURITY_ATTRIBUTE_TYPE_BOOLEAN, 1, 0, 1);
    add_int(t, NTSEC_CLAIM_USER, "off", CLAIM_SECURITY_ATTRIBUTE_TYPE_BOOLEAN, 0, 0, 1);
    CHECK_EQ_U(eval("(@User.flag == 1)", t), E);
    CHECK_EQ_U(eval("(@User.flag != 7)", t), E);
    CHECK_EQ_U(eval("(@User.flag == @User.flag2)", t), T);        /* boolean with boolean */
    CHECK_EQ_U(eval("(@User.flag == @User.off)", t), F);
    /* a mismatch spoils the whole expression, not only its operand */
    CHECK_EQ_U(eval("((@User.flag == 1) || (@User.flag == @User.flag2))", t), E);
    ntsec_token_free(t);
}

/* `!` on a bare attribute with operands below it on the stack fails the
** whole expression; as the first operand it works. */
static void test_rule_not_on_attribute(void)
{
    ntsec_token *t = base_token();
    add_int(t, NTSEC_CLAIM_USER, "yes", CLAIM_SECURITY_ATTRIBUTE_TYPE_BOOLEAN, 1, 0, 1);
    add_int(t, NTSEC_CLAIM_USER, "no", CLAIM_SECURITY_ATTRIBUTE_TYPE_BOOLEAN, 0, 0, 1);
    CHECK_EQ_U(eval("(!(@User.no))", t), T);
    CHECK_EQ_U(eval("(!(@User.no) && @User.yes)", t), T);
    CHECK_EQ_U(eval("(@User.yes && !(@User.no))", t), E);
    CHECK_EQ_U(eval("(@User.no || !(@User.no))", t), E);
    CHECK_EQ_U(eval("(@User.yes && !(@User.no || @User.no))", t), T);   /* ! of a result */
    CHECK_EQ_U(eval("(!(!(@User.yes)))", t), T);
    ntsec_token_free(t);
}

int main(void)
{
    test_string_equality();
    test_numbers();
    test_sets();
    test_resource();
    test_membership();
    test_sid_and_octets();
    test_malformed();
    test_rule_case_folding();
    test_rule_not_equal_sets();
    test_rule_empty_composite();
    test_rule_any_of_single();
    test_rule_multi_valued_truth();
    test_rule_boolean_vs_integer();
    test_rule_not_on_attribute();
    return ctest_summary();
}
