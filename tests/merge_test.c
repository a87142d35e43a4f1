/*
** merge_test.c: the set-security merge (sd_semantics.md 4.2-4.8) and
** creation-time inheritance (4.4, [MS-DTYP] 2.5.3.4, the Windows-run
** smbtorture inheritance table and WINE-TEST test_CreateDirectoryA).
** Inputs are written in SDDL; results are rendered by a dumper local to
** this file ("c:<control> o:<owner> g:<group> d:<dacl> s:<sacl>", ACEs as
** (type,flags,mask,sid) in hex) and compared with strings worked out by
** hand from the spec, never copied from our output.
*/
#include <stdlib.h>
#include <string.h>

#include "ctest.h"
#include "access.h"
#include "acl.h"
#include "buf.h"
#include "merge.h"
#include "sd.h"
#include "sddl.h"
#include "secdefs.h"
#include "sid.h"
#include "status.h"
#include "token.h"

#define KEY_READ       0x00020019u
#define KEY_WRITE      0x00020006u
#define KEY_ALL_ACCESS 0x000F003Fu

static const ntsec_generic_mapping key_mapping = { KEY_READ, KEY_WRITE, KEY_READ, KEY_ALL_ACCESS };

static const uint8_t SID_SY[] = {1, 1, 0, 0, 0, 0, 0, 5, 0x12, 0, 0, 0};                /* S-1-5-18 */
static const uint8_t SID_BA[] = {1, 2, 0, 0, 0, 0, 0, 5, 0x20, 0, 0, 0, 0x20, 2, 0, 0}; /* S-1-5-32-544 */
static const uint8_t SID_BU[] = {1, 2, 0, 0, 0, 0, 0, 5, 0x20, 0, 0, 0, 0x21, 2, 0, 0}; /* S-1-5-32-545 */
static const uint8_t SID_AU[] = {1, 1, 0, 0, 0, 0, 0, 5, 11, 0, 0, 0};                  /* S-1-5-11 */
static const uint8_t SID_ME[] = {1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 1, 0, 0, 0,
                                 2, 0, 0, 0, 3, 0, 0, 0, 0xE9, 3, 0, 0};               /* S-1-5-21-1-2-3-1001 */
static const uint8_t SID_BAD[] = {2, 1, 0, 0, 0, 0, 0, 5, 0x12, 0, 0, 0};               /* revision 2 */

#define ME "S-1-5-21-1-2-3-1001"
#define WD "S-1-1-0"
#define SY "S-1-5-18"
#define BA "S-1-5-32-544"
#define BU "S-1-5-32-545"
#define CO "S-1-3-0"
#define CG "S-1-3-1"

/* ---- helpers ---- */

static ntsec_sd *sd_of(const char *sddl)
{
    static const ntsec_sid_ctx ctx;
    ntsec_sd *sd = NULL;
    NTSTATUS st = ntsec_sddl_parse(sddl, strlen(sddl), &ctx, &sd, NULL);
    if (st != STATUS_SUCCESS) printf("setup: cannot parse %s (0x%08x)\n", sddl, (unsigned)st);
    return sd;
}

static const char *type_name(uint8_t t)
{
    static char hex[8];
    switch (t) {
    case ACCESS_ALLOWED_ACE_TYPE: return "A";
    case ACCESS_DENIED_ACE_TYPE: return "D";
    case SYSTEM_AUDIT_ACE_TYPE: return "AU";
    case ACCESS_ALLOWED_OBJECT_ACE_TYPE: return "OA";
    case SYSTEM_MANDATORY_LABEL_ACE_TYPE: return "ML";
    case SYSTEM_SCOPED_POLICY_ID_ACE_TYPE: return "SP";
    default: snprintf(hex, sizeof hex, "%x", t); return hex;
    }
}

static void dump_sid(ntsec_buf *b, const uint8_t *sid)
{
    if (sid) ntsec_sid_format(b, sid);
    else ntsec_buf_puts(b, "-");
}

static void dump_acl(ntsec_buf *b, const uint8_t *acl, int present)
{
    ntsec_acl_iter it;
    ntsec_ace a;
    char tmp[64];
    if (!present) { ntsec_buf_puts(b, "-"); return; }
    if (!acl) { ntsec_buf_puts(b, "null"); return; }
    ntsec_buf_putc(b, '[');
    ntsec_acl_iter_init(&it, acl);
    while (ntsec_acl_next(&it, &a)) {
        snprintf(tmp, sizeof tmp, "(%s,%x,%x,", type_name(a.type), a.flags, (unsigned)a.mask);
        ntsec_buf_puts(b, tmp);
        dump_sid(b, a.sid);
        ntsec_buf_putc(b, ')');
    }
    ntsec_buf_putc(b, ']');
}

/* "c:8404 o:S-1-5-32-544 g:S-1-5-18 d:[(A,10,f003f,S-1-1-0)] s:-" */
static const char *dump(const ntsec_sd *sd)
{
    static char out[4096];
    ntsec_sd_parts p;
    ntsec_buf b;
    char tmp[32];
    if (!sd) return "(no descriptor)";
    ntsec_sd_get_parts(sd, &p);
    ntsec_buf_init(&b);
    snprintf(tmp, sizeof tmp, "c:%04x o:", p.control);
    ntsec_buf_puts(&b, tmp);
    dump_sid(&b, p.owner);
    ntsec_buf_puts(&b, " g:");
    dump_sid(&b, p.group);
    ntsec_buf_puts(&b, " d:");
    dump_acl(&b, p.dacl, (p.control & SE_DACL_PRESENT) != 0);
    ntsec_buf_puts(&b, " s:");
    dump_acl(&b, p.sacl, (p.control & SE_SACL_PRESENT) != 0);
    snprintf(out, sizeof out, "%.*s", (int)b.len, b.data ? (const char *)b.data : "");
    ntsec_buf_free(&b);
    return out;
}

/* A merge whose OLD and MOD are SDDL; MOD's control can be widened by
** extra_control (the DEFAULTED bits have no SDDL spelling). Checks that OLD
** is byte-for-byte unchanged afterwards and *out only set on success. */
typedef struct merged {
    NTSTATUS st;
    char text[4096];
} merged;

static merged merge_ex(const char *old_sddl, SECURITY_INFORMATION si, const char *mod_sddl,
                       uint16_t extra_control, uint32_t sef, const ntsec_token *token)
{
    merged m;
    ntsec_sd *old = sd_of(old_sddl), *mod = sd_of(mod_sddl), *sentinel = (ntsec_sd *)&m, *out = sentinel;
    ntsec_sd_parts parts;
    uint8_t before[1024];
    size_t len = old ? old->len : 0;
    m.st = 0xFFFFFFFF;
    strcpy(m.text, "(setup failed)");
    if (!old || !mod || len > sizeof before) goto done;
    memcpy(before, old->bytes, len);
    ntsec_sd_get_parts(mod, &parts);
    parts.control = (uint16_t)(parts.control | extra_control);
    m.st = ntsec_set_security(old, si, &parts, sef, &key_mapping, token, &out);
    CHECK(old->len == len && memcmp(before, old->bytes, len) == 0);   /* 4.7: OLD untouched */
    if (m.st == STATUS_SUCCESS) {
        snprintf(m.text, sizeof m.text, "%s", dump(out));
        CHECK(out != sentinel && out != old);
        ntsec_sd_unref(out);
    } else {
        strcpy(m.text, "(failed)");
        CHECK(out == sentinel);                                      /* *out untouched */
    }
done:
    ntsec_sd_unref(old);
    ntsec_sd_unref(mod);
    return m;
}

static merged merge(const char *old_sddl, SECURITY_INFORMATION si, const char *mod_sddl)
{
    return merge_ex(old_sddl, si, mod_sddl, 0, 0, NULL);
}

#define EXPECT_MERGE(m, want) do { merged m_ = (m); CHECK_EQ_U(m_.st, STATUS_SUCCESS); \
    CHECK_STR(m_.text, (want)); } while (0)

#define OWNER_SI OWNER_SECURITY_INFORMATION
#define GROUP_SI GROUP_SECURITY_INFORMATION
#define DACL_SI DACL_SECURITY_INFORMATION
#define SACL_SI SACL_SECURITY_INFORMATION
#define LABEL_SI LABEL_SECURITY_INFORMATION

/* The OLD most tests start from. */
#define OLD "O:BAG:SYD:(A;;KA;;;SY)(A;ID;KR;;;BU)S:(AU;SA;KA;;;WD)(ML;;NW;;;LW)"
#define OLD_D "d:[(A,0,f003f," SY ")(A,10,20019," BU ")]"
#define OLD_S "s:[(AU,40,f003f," WD ")(ML,0,1,S-1-16-4096)]"

/* ---- 4.2 rights ---- */

static void test_required_access(void)
{
    CHECK_EQ_U(ntsec_required_access_for_set(OWNER_SI), WRITE_OWNER);
    CHECK_EQ_U(ntsec_required_access_for_set(GROUP_SI), WRITE_OWNER);
    CHECK_EQ_U(ntsec_required_access_for_set(LABEL_SI), WRITE_OWNER);
    CHECK_EQ_U(ntsec_required_access_for_set(DACL_SI), WRITE_DAC);
    CHECK_EQ_U(ntsec_required_access_for_set(ATTRIBUTE_SECURITY_INFORMATION), WRITE_DAC);
    CHECK_EQ_U(ntsec_required_access_for_set(PROTECTED_DACL_SECURITY_INFORMATION), WRITE_DAC);
    CHECK_EQ_U(ntsec_required_access_for_set(UNPROTECTED_DACL_SECURITY_INFORMATION), WRITE_DAC);
    CHECK_EQ_U(ntsec_required_access_for_set(SACL_SI), ACCESS_SYSTEM_SECURITY);
    CHECK_EQ_U(ntsec_required_access_for_set(SCOPE_SECURITY_INFORMATION), ACCESS_SYSTEM_SECURITY);
    CHECK_EQ_U(ntsec_required_access_for_set(PROTECTED_SACL_SECURITY_INFORMATION), ACCESS_SYSTEM_SECURITY);
    CHECK_EQ_U(ntsec_required_access_for_set(UNPROTECTED_SACL_SECURITY_INFORMATION), ACCESS_SYSTEM_SECURITY);
    CHECK_EQ_U(ntsec_required_access_for_set(BACKUP_SECURITY_INFORMATION),
               WRITE_DAC | WRITE_OWNER | ACCESS_SYSTEM_SECURITY);
    CHECK_EQ_U(ntsec_required_access_for_set(OWNER_SI | DACL_SI), WRITE_OWNER | WRITE_DAC);
    CHECK_EQ_U(ntsec_required_access_for_set(0), 0);
    /* query side (wfp_ks_errors.md 3.4) */
    CHECK_EQ_U(ntsec_required_access_for_query(OWNER_SI | GROUP_SI | DACL_SI), READ_CONTROL);
    CHECK_EQ_U(ntsec_required_access_for_query(LABEL_SI), READ_CONTROL);
    CHECK_EQ_U(ntsec_required_access_for_query(SCOPE_SECURITY_INFORMATION), READ_CONTROL);
    CHECK_EQ_U(ntsec_required_access_for_query(SACL_SI), ACCESS_SYSTEM_SECURITY);
    CHECK_EQ_U(ntsec_required_access_for_query(BACKUP_SECURITY_INFORMATION), READ_CONTROL | ACCESS_SYSTEM_SECURITY);
    CHECK_EQ_U(ntsec_required_access_for_query(PROTECTED_DACL_SECURITY_INFORMATION), 0);
}

/* ---- 4.3 components ---- */

static void test_owner_group_rows(void)
{
    /* OWNER from MOD with its DEFAULTED bit; the rest from OLD */
    EXPECT_MERGE(merge_ex(OLD, OWNER_SI, "O:BU", SE_OWNER_DEFAULTED, 0, NULL),
                 "c:8015 o:" BU " g:" SY " " OLD_D " " OLD_S);
    EXPECT_MERGE(merge(OLD, OWNER_SI, "O:BUG:BA"), "c:8014 o:" BU " g:" SY " " OLD_D " " OLD_S);
    /* GROUP likewise */
    EXPECT_MERGE(merge_ex(OLD, GROUP_SI, "O:BUG:AU", SE_GROUP_DEFAULTED, 0, NULL),
                 "c:8016 o:" BA " g:S-1-5-11 " OLD_D " " OLD_S);
    /* MOD without the part named: STATUS_INVALID_SECURITY_DESCR (4.3, Wine) */
    CHECK_EQ_U(merge(OLD, OWNER_SI, "G:BU").st, STATUS_INVALID_SECURITY_DESCR);
    CHECK_EQ_U(merge(OLD, GROUP_SI, "O:BU").st, STATUS_INVALID_SECURITY_DESCR);
    /* bits not set: nothing of MOD is used */
    EXPECT_MERGE(merge(OLD, 0, "O:BUG:BUD:S:"), "c:8014 o:" BA " g:" SY " " OLD_D " " OLD_S);
}

/* OLD's DEFAULTED bits survive when their part is not replaced. */
static void test_old_defaulted_bits(void)
{
    ntsec_sd *old = sd_of("O:BAG:SYD:(A;;KA;;;SY)"), *old2 = NULL, *out = NULL;
    ntsec_sd_parts p, mod;
    ntsec_sd_get_parts(old, &p);
    p.control |= SE_OWNER_DEFAULTED | SE_GROUP_DEFAULTED | SE_DACL_DEFAULTED
                 | SE_DACL_UNTRUSTED | SE_SERVER_SECURITY | SE_RM_CONTROL_VALID;
    p.sbz1 = 0x5A;
    CHECK_EQ_U(ntsec_sd_build(&p, &old2), STATUS_SUCCESS);
    memset(&mod, 0, sizeof mod);
    mod.group = SID_AU;
    CHECK_EQ_U(ntsec_set_security(old2, GROUP_SI, &mod, 0, &key_mapping, NULL, &out), STATUS_SUCCESS);
    /* OWNER/DACL_DEFAULTED kept, GROUP_DEFAULTED now MOD's (clear); UNTRUSTED and
    ** SERVER_SECURITY dropped; RM control byte and bit kept (4.3) */
    CHECK_STR(dump(out), "c:c00d o:" BA " g:S-1-5-11 d:[(A,0,f003f," SY ")] s:-");
    CHECK_EQ_U(out ? out->bytes[1] : 0, 0x5A);
    ntsec_sd_unref(out);
    ntsec_sd_unref(old2);
    ntsec_sd_unref(old);
}

static void test_dacl_rows(void)
{
    EXPECT_MERGE(merge(OLD, DACL_SI, "D:(A;;KR;;;WD)"),
                 "c:8014 o:" BA " g:" SY " d:[(A,0,20019," WD ")] " OLD_S);
    /* MOD without a DACL: a NULL DACL, present */
    EXPECT_MERGE(merge(OLD, DACL_SI, "O:BU"), "c:8014 o:" BA " g:" SY " d:null " OLD_S);
    EXPECT_MERGE(merge(OLD, DACL_SI, "D:NO_ACCESS_CONTROL"), "c:8014 o:" BA " g:" SY " d:null " OLD_S);
    /* the DACL's control bits come from MOD (recommendation of 4.3) */
    EXPECT_MERGE(merge_ex(OLD, DACL_SI, "D:PAI(A;;KR;;;WD)", SE_DACL_DEFAULTED, 0, NULL),
                 "c:941c o:" BA " g:" SY " d:[(A,0,20019," WD ")] " OLD_S);
    EXPECT_MERGE(merge("O:BAG:SYD:PAI(A;;KR;;;WD)", DACL_SI, "D:(A;;KA;;;WD)"),
                 "c:8004 o:" BA " g:" SY " d:[(A,0,f003f," WD ")] s:-");
    /* and stay OLD's when the DACL is not replaced */
    EXPECT_MERGE(merge("O:BAG:SYD:PAI(A;;KR;;;WD)", OWNER_SI, "O:BU"),
                 "c:9404 o:" BU " g:" SY " d:[(A,0,20019," WD ")] s:-");
    /* absent stays absent */
    EXPECT_MERGE(merge("O:BAG:SY", OWNER_SI, "O:BU"), "c:8000 o:" BU " g:" SY " d:- s:-");
}

static void test_sacl_rows(void)
{
    /* SACL_SECURITY_INFORMATION replaces the whole SACL, labels included */
    EXPECT_MERGE(merge(OLD, SACL_SI, "S:(AU;FA;KR;;;BA)"),
                 "c:8014 o:" BA " g:" SY " " OLD_D " s:[(AU,80,20019," BA ")]");
    EXPECT_MERGE(merge(OLD, SACL_SI, "O:BU"), "c:8014 o:" BA " g:" SY " " OLD_D " s:null");
    EXPECT_MERGE(merge(OLD, SACL_SI, "S:P(AU;FA;KR;;;BA)"),
                 "c:a014 o:" BA " g:" SY " " OLD_D " s:[(AU,80,20019," BA ")]");
}

/* LABEL/ATTRIBUTE/SCOPE without SACL: only ACEs of that type change (4.3). */
static void test_partial_sacl(void)
{
    /* OLD's other ACEs in order, then MOD's label ACEs */
    EXPECT_MERGE(merge(OLD, LABEL_SI, "S:(ML;;NWNR;;;HI)"),
                 "c:8014 o:" BA " g:" SY " " OLD_D " s:[(AU,40,f003f," WD ")(ML,0,3,S-1-16-12288)]");
    EXPECT_MERGE(merge(OLD, LABEL_SI, "S:(AU;FA;KR;;;BA)(ML;;NW;;;ME)"),
                 "c:8014 o:" BA " g:" SY " " OLD_D " s:[(AU,40,f003f," WD ")(ML,0,1,S-1-16-8192)]");
    EXPECT_MERGE(merge("O:BAG:SYS:(ML;;NW;;;LW)(AU;SA;KA;;;WD)", LABEL_SI, "S:(ML;;NW;;;HI)"),
                 "c:8010 o:" BA " g:" SY " d:- s:[(AU,40,f003f," WD ")(ML,0,1,S-1-16-12288)]");
    /* MOD without labels removes OLD's */
    EXPECT_MERGE(merge(OLD, LABEL_SI, "O:BU"), "c:8014 o:" BA " g:" SY " " OLD_D " s:[(AU,40,f003f," WD ")]");
    /* OLD without a SACL gains one; OLD's SACL bits are kept otherwise */
    EXPECT_MERGE(merge("O:BAG:SYD:(A;;KA;;;SY)", LABEL_SI, "S:(ML;;NW;;;HI)"),
                 "c:8014 o:" BA " g:" SY " d:[(A,0,f003f," SY ")] s:[(ML,0,1,S-1-16-12288)]");
    EXPECT_MERGE(merge("O:BAG:SYD:(A;;KA;;;SY)", LABEL_SI, "O:BU"),
                 "c:8004 o:" BA " g:" SY " d:[(A,0,f003f," SY ")] s:-");
    EXPECT_MERGE(merge("O:BAG:SYS:PAI(AU;SA;KA;;;WD)", LABEL_SI, "S:(ML;;NW;;;HI)"),
                 "c:a810 o:" BA " g:" SY " d:- s:[(AU,40,f003f," WD ")(ML,0,1,S-1-16-12288)]");
    /* SCOPE replaces SP ACEs only */
    EXPECT_MERGE(merge("O:BAG:SYS:(SP;;;;;S-1-17-1)(ML;;NW;;;LW)", SCOPE_SECURITY_INFORMATION,
                       "S:(SP;;;;;S-1-17-2)(ML;;NW;;;HI)"),
                 "c:8010 o:" BA " g:" SY " d:- s:[(ML,0,1,S-1-16-4096)(SP,0,0,S-1-17-2)]");
    /* LABEL and SCOPE together */
    EXPECT_MERGE(merge("O:BAG:SYS:(SP;;;;;S-1-17-1)(AU;SA;KA;;;WD)(ML;;NW;;;LW)",
                       LABEL_SI | SCOPE_SECURITY_INFORMATION, "S:(ML;;NW;;;HI)"),
                 "c:8010 o:" BA " g:" SY " d:- s:[(AU,40,f003f," WD ")(ML,0,1,S-1-16-12288)]");
}

static void test_backup(void)
{
    /* BACKUP_SECURITY_INFORMATION = every part */
    EXPECT_MERGE(merge(OLD, BACKUP_SECURITY_INFORMATION, "O:BUG:AUD:(A;;KR;;;WD)S:(AU;FA;KR;;;BA)"),
                 "c:8014 o:" BU " g:S-1-5-11 d:[(A,0,20019," WD ")] s:[(AU,80,20019," BA ")]");
}

/* ---- 4.3 protection bits ---- */

static void test_protection(void)
{
    const SECURITY_INFORMATION pd = PROTECTED_DACL_SECURITY_INFORMATION;
    const SECURITY_INFORMATION ud = UNPROTECTED_DACL_SECURITY_INFORMATION;
    const SECURITY_INFORMATION ps = PROTECTED_SACL_SECURITY_INFORMATION;
    const SECURITY_INFORMATION us = UNPROTECTED_SACL_SECURITY_INFORMATION;
    /* with the part replaced: the flag wins over MOD's bit */
    EXPECT_MERGE(merge(OLD, DACL_SI | pd, "D:(A;;KR;;;WD)"),
                 "c:9014 o:" BA " g:" SY " d:[(A,0,20019," WD ")] " OLD_S);
    EXPECT_MERGE(merge(OLD, DACL_SI | ud, "D:P(A;;KR;;;WD)"),
                 "c:8014 o:" BA " g:" SY " d:[(A,0,20019," WD ")] " OLD_S);
    EXPECT_MERGE(merge(OLD, SACL_SI | ps, "S:(AU;FA;KR;;;BA)"),
                 "c:a014 o:" BA " g:" SY " " OLD_D " s:[(AU,80,20019," BA ")]");
    /* alone: the bit changes on OLD's ACL */
    EXPECT_MERGE(merge(OLD, pd, "O:BU"), "c:9014 o:" BA " g:" SY " " OLD_D " " OLD_S);
    EXPECT_MERGE(merge("O:BAG:SYD:PAI(A;;KR;;;WD)S:P(AU;SA;KA;;;WD)", ud | us, "O:BU"),
                 "c:8414 o:" BA " g:" SY " d:[(A,0,20019," WD ")] s:[(AU,40,f003f," WD ")]");
    /* both for one ACL: STATUS_INVALID_PARAMETER (recommendation) */
    CHECK_EQ_U(merge(OLD, DACL_SI | pd | ud, "D:").st, STATUS_INVALID_PARAMETER);
    CHECK_EQ_U(merge(OLD, ps | us, "S:").st, STATUS_INVALID_PARAMETER);
    EXPECT_MERGE(merge(OLD, pd | us, "O:BU"), "c:9014 o:" BA " g:" SY " " OLD_D " " OLD_S);
}

/* ---- 4.4 auto-inheritance ---- */

#define OLD_AI "O:BAG:SYD:AI(A;;KR;;;BA)(A;ID;KA;;;SY)(A;OICIIOID;GA;;;CO)"

static void test_auto_inherit(void)
{
    /* case 1: MOD's explicit ACEs, then OLD's inherited ones; AI set */
    EXPECT_MERGE(merge_ex(OLD_AI, DACL_SI, "D:(A;;KA;;;WD)(A;ID;KR;;;BU)", 0, SEF_DACL_AUTO_INHERIT, NULL),
                 "c:8404 o:" BA " g:" SY " d:[(A,0,f003f," WD ")(A,10,f003f," SY ")(A,1b,10000000," CO ")] s:-");
    /* case 2: MOD protected: MOD alone, INHERITED_ACE cleared */
    EXPECT_MERGE(merge_ex(OLD_AI, DACL_SI, "D:P(A;ID;KA;;;WD)(A;;KR;;;BU)", 0, SEF_DACL_AUTO_INHERIT, NULL),
                 "c:9404 o:" BA " g:" SY " d:[(A,0,f003f," WD ")(A,0,20019," BU ")] s:-");
    EXPECT_MERGE(merge_ex(OLD_AI, DACL_SI | PROTECTED_DACL_SECURITY_INFORMATION, "D:(A;ID;KA;;;WD)", 0,
                          SEF_DACL_AUTO_INHERIT, NULL),
                 "c:9404 o:" BA " g:" SY " d:[(A,0,f003f," WD ")] s:-");
    /* case 3: OLD protected, MOD not: MOD as given */
    EXPECT_MERGE(merge_ex("O:BAG:SYD:PAI(A;;KR;;;BA)", DACL_SI, "D:(A;ID;KA;;;WD)", 0,
                          SEF_DACL_AUTO_INHERIT, NULL),
                 "c:8404 o:" BA " g:" SY " d:[(A,10,f003f," WD ")] s:-");
    EXPECT_MERGE(merge_ex("O:BAG:SYD:PAI(A;;KR;;;BA)", DACL_SI | UNPROTECTED_DACL_SECURITY_INFORMATION,
                          "D:P(A;ID;KA;;;WD)", 0, SEF_DACL_AUTO_INHERIT, NULL),
                 "c:8404 o:" BA " g:" SY " d:[(A,10,f003f," WD ")] s:-");
    /* AR in MOD asks for the same processing; AR is not stored */
    EXPECT_MERGE(merge(OLD_AI, DACL_SI, "D:AR(A;;KA;;;WD)"),
                 "c:8404 o:" BA " g:" SY " d:[(A,0,f003f," WD ")(A,10,f003f," SY ")(A,1b,10000000," CO ")] s:-");
    /* without it: MOD copied as given, bits from MOD */
    EXPECT_MERGE(merge(OLD_AI, DACL_SI, "D:(A;;KA;;;WD)(A;ID;KR;;;BU)"),
                 "c:8004 o:" BA " g:" SY " d:[(A,0,f003f," WD ")(A,10,20019," BU ")] s:-");
    /* the flag does nothing when the DACL is not being set */
    EXPECT_MERGE(merge_ex(OLD_AI, OWNER_SI, "O:BUD:(A;;KA;;;WD)", 0, SEF_DACL_AUTO_INHERIT, NULL),
                 "c:8404 o:" BU " g:" SY " d:[(A,0,20019," BA ")(A,10,f003f," SY ")(A,1b,10000000," CO ")] s:-");
    /* SEF_SACL_AUTO_INHERIT does not touch the DACL */
    EXPECT_MERGE(merge_ex(OLD_AI, DACL_SI, "D:(A;;KA;;;WD)(A;ID;KR;;;BU)", 0, SEF_SACL_AUTO_INHERIT, NULL),
                 "c:8004 o:" BA " g:" SY " d:[(A,0,f003f," WD ")(A,10,20019," BU ")] s:-");
    /* SACL: same rules */
    EXPECT_MERGE(merge_ex("O:BAG:SYS:AI(AU;SA;KA;;;WD)(AU;IDFA;KR;;;BA)", SACL_SI,
                          "S:(AU;FA;KA;;;BU)(AU;IDSA;KA;;;SY)", 0, SEF_SACL_AUTO_INHERIT, NULL),
                 "c:8810 o:" BA " g:" SY " d:- s:[(AU,80,f003f," BU ")(AU,90,20019," BA ")]");
}

/* ---- 4.6 owner validation ---- */

static ntsec_token *owner_token(void)
{
    ntsec_token *t = ntsec_token_new(SID_ME, 0);
    ntsec_token_add_group(t, SID_BA, SE_GROUP_ENABLED | SE_GROUP_OWNER);
    ntsec_token_add_group(t, SID_BU, SE_GROUP_ENABLED);
    ntsec_token_add_group(t, SID_AU, SE_GROUP_USE_FOR_DENY_ONLY | SE_GROUP_OWNER);
    return t;
}

static NTSTATUS set_owner(const uint8_t *owner, uint32_t sef, const ntsec_token *t)
{
    ntsec_sd *old = sd_of("O:SYG:SYD:"), *out = NULL;
    ntsec_sd_parts mod;
    NTSTATUS st;
    memset(&mod, 0, sizeof mod);
    mod.owner = owner;
    st = ntsec_set_security(old, OWNER_SI, &mod, sef, &key_mapping, t, &out);
    if (st == STATUS_SUCCESS) {
        ntsec_sd_parts p;
        ntsec_sd_get_parts(out, &p);
        CHECK(p.owner && ntsec_sid_equal(p.owner, owner));
    }
    ntsec_sd_unref(out);
    ntsec_sd_unref(old);
    return st;
}

static void test_owner_validation(void)
{
    ntsec_token *t = owner_token();
    CHECK_EQ_U(set_owner(SID_ME, 0, t), STATUS_SUCCESS);               /* the user */
    CHECK_EQ_U(set_owner(SID_BA, 0, t), STATUS_SUCCESS);               /* SE_GROUP_OWNER */
    CHECK_EQ_U(set_owner(SID_AU, 0, t), STATUS_INVALID_OWNER);         /* owner but deny-only */
    CHECK_EQ_U(set_owner(SID_BU, 0, t), STATUS_INVALID_OWNER);         /* member, not owner */
    CHECK_EQ_U(set_owner(SID_SY, 0, t), STATUS_INVALID_OWNER);         /* not in the token */
    CHECK_EQ_U(set_owner(SID_SY, SEF_AVOID_OWNER_CHECK, t), STATUS_SUCCESS);
    CHECK_EQ_U(set_owner(SID_SY, SEF_AVOID_PRIVILEGE_CHECK, t), STATUS_SUCCESS);
    CHECK_EQ_U(set_owner(SID_SY, 0, NULL), STATUS_SUCCESS);            /* no token: no check */
    CHECK_EQ_U(set_owner(SID_BAD, SEF_AVOID_OWNER_CHECK, t), STATUS_INVALID_SID);
    CHECK_EQ_U(set_owner(SID_BAD, 0, NULL), STATUS_INVALID_SID);
    /* SeTakeOwnershipPrivilege: only the caller itself */
    ntsec_token_add_privilege(t, SE_TAKE_OWNERSHIP_PRIVILEGE, SE_PRIVILEGE_ENABLED);
    CHECK_EQ_U(set_owner(SID_SY, 0, t), STATUS_INVALID_OWNER);
    CHECK_EQ_U(set_owner(SID_ME, 0, t), STATUS_SUCCESS);
    /* SeRestorePrivilege: any valid SID, when enabled */
    ntsec_token_add_privilege(t, SE_RESTORE_PRIVILEGE, SE_PRIVILEGE_ENABLED_BY_DEFAULT);
    CHECK_EQ_U(set_owner(SID_SY, 0, t), STATUS_INVALID_OWNER);
    ntsec_token_add_privilege(t, SE_RESTORE_PRIVILEGE, SE_PRIVILEGE_ENABLED);
    CHECK_EQ_U(set_owner(SID_SY, 0, t), STATUS_SUCCESS);
    CHECK_EQ_U(set_owner(SID_BAD, 0, t), STATUS_INVALID_SID);
    ntsec_token_free(t);
    /* the group is not checked against the token (4.6 recommendation) */
    t = owner_token();
    EXPECT_MERGE(merge_ex("O:SYG:SY", GROUP_SI, "G:LS", 0, 0, t), "c:8000 o:" SY " g:S-1-5-19 d:- s:-");
    CHECK_EQ_U(merge_ex("O:SYG:SY", OWNER_SI | GROUP_SI, "O:LSG:LS", 0, 0, t).st, STATUS_INVALID_OWNER);
    ntsec_token_free(t);
}

/* ---- errors and atomicity (4.6-4.8) ---- */

static void test_errors(void)
{
    ntsec_sd *old = sd_of(OLD), *out = NULL, *fake;
    ntsec_sd_parts mod;
    uint8_t bad_acl[8] = {9, 0, 8, 0, 0, 0, 0, 0};
    memset(&mod, 0, sizeof mod);
    CHECK_EQ_U(ntsec_set_security(NULL, DACL_SI, &mod, 0, &key_mapping, NULL, &out), STATUS_NO_SECURITY_ON_OBJECT);
    CHECK_EQ_U(ntsec_set_security(old, DACL_SI, NULL, 0, &key_mapping, NULL, &out), STATUS_INVALID_PARAMETER);
    CHECK_EQ_U(ntsec_set_security(old, 0x200, &mod, 0, &key_mapping, NULL, &out), STATUS_INVALID_PARAMETER);
    CHECK_EQ_U(ntsec_set_security(old, 0x01000000, &mod, 0, &key_mapping, NULL, &out), STATUS_INVALID_PARAMETER);
    CHECK_EQ_U(ntsec_set_security(old, PROCESS_TRUST_LABEL_SECURITY_INFORMATION, &mod, 0, &key_mapping, NULL, &out),
               STATUS_NOT_SUPPORTED);
    CHECK_EQ_U(ntsec_set_security(old, ACCESS_FILTER_SECURITY_INFORMATION, &mod, 0, &key_mapping, NULL, &out),
               STATUS_NOT_SUPPORTED);
    /* malformed MOD parts: only those named are looked at */
    mod.control = SE_DACL_PRESENT | SE_SACL_PRESENT;
    mod.dacl = bad_acl;
    mod.sacl = bad_acl;
    CHECK_EQ_U(ntsec_set_security(old, DACL_SI, &mod, 0, &key_mapping, NULL, &out), STATUS_INVALID_ACL);
    CHECK_EQ_U(ntsec_set_security(old, LABEL_SI, &mod, 0, &key_mapping, NULL, &out), STATUS_INVALID_ACL);
    CHECK_EQ_U(ntsec_set_security(old, SACL_SI, &mod, 0, &key_mapping, NULL, &out), STATUS_INVALID_ACL);
    mod.group = SID_BAD;
    CHECK_EQ_U(ntsec_set_security(old, GROUP_SI, &mod, 0, &key_mapping, NULL, &out), STATUS_INVALID_SID);
    CHECK(out == NULL);
    mod.group = SID_BU;
    CHECK_EQ_U(ntsec_set_security(old, GROUP_SI, &mod, 0, &key_mapping, NULL, &out), STATUS_SUCCESS);
    CHECK(out != NULL);
    ntsec_sd_unref(out);
    /* OLD not self-relative: STATUS_BAD_DESCRIPTOR_FORMAT (WDK-SSDI) */
    fake = malloc(sizeof *fake + 20);
    memset(fake->bytes, 0, 20);
    fake->refs = 1;
    fake->walk_index = NULL;
    fake->len = 20;
    fake->bytes[0] = 1;
    out = NULL;
    CHECK_EQ_U(ntsec_set_security(fake, OWNER_SI, &mod, 0, &key_mapping, NULL, &out), STATUS_BAD_DESCRIPTOR_FORMAT);
    CHECK(out == NULL);
    free(fake);
    ntsec_sd_unref(old);
}

/* A 2000-ACE ACL of allow ACEs for Everyone (20 bytes each: 40,008 bytes). */
static void big_acl(ntsec_buf *b, uint8_t flags)
{
    static const uint8_t wd[] = {1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0};
    ntsec_acl_builder ab;
    ntsec_ace a;
    int i;
    memset(&a, 0, sizeof a);
    a.type = ACCESS_ALLOWED_ACE_TYPE;
    a.flags = flags;
    a.sid = wd;
    ntsec_acl_begin(&ab, b);
    for (i = 0; i < 2000; i++) {
        a.mask = (uint32_t)i + 1;
        ntsec_acl_add(&ab, &a);
    }
    ntsec_acl_end(&ab, 0);
}

/* Result over 64 KiB: STATUS_INVALID_ACL; OLD untouched. */
static void test_too_big(void)
{
    ntsec_buf ob, mb;
    ntsec_sd_parts p;
    ntsec_sd *old = NULL, *out = NULL;
    uint8_t *before;
    ntsec_buf_init(&ob);
    ntsec_buf_init(&mb);
    big_acl(&ob, INHERITED_ACE);
    big_acl(&mb, 0);
    memset(&p, 0, sizeof p);
    p.control = SE_DACL_PRESENT;
    p.owner = SID_SY;
    p.group = SID_SY;
    p.dacl = ob.data;
    CHECK_EQ_U(ntsec_sd_build(&p, &old), STATUS_SUCCESS);
    before = malloc(old->len);
    memcpy(before, old->bytes, old->len);
    p.dacl = mb.data;
    CHECK_EQ_U(ntsec_set_security(old, DACL_SI, &p, SEF_DACL_AUTO_INHERIT, &key_mapping, NULL, &out),
               STATUS_INVALID_ACL);
    CHECK(out == NULL);
    CHECK(memcmp(before, old->bytes, old->len) == 0);
    /* each half alone fits */
    CHECK_EQ_U(ntsec_set_security(old, DACL_SI, &p, 0, &key_mapping, NULL, &out), STATUS_SUCCESS);
    CHECK(out != NULL && out->len == 20 + 40008 + 24);
    ntsec_sd_unref(out);
    free(before);
    ntsec_sd_unref(old);
    ntsec_buf_free(&ob);
    ntsec_buf_free(&mb);
}

/* Output in Windows order: SACL, DACL, owner, group from offset 20 (1.7). */
static void test_layout(void)
{
    ntsec_sd *old = sd_of("O:BAG:SYD:(A;;KA;;;SY)S:(AU;SA;KA;;;WD)"), *mod = sd_of("O:S-1-5-21-1-2-3-1001"), *out = NULL;
    ntsec_sd_parts p;
    ntsec_sd_get_parts(mod, &p);
    CHECK_EQ_U(ntsec_set_security(old, OWNER_SI, &p, 0, &key_mapping, NULL, &out), STATUS_SUCCESS);
    if (out) {
        /* SACL 8+20, DACL 8+20, owner 28, group 12 */
        CHECK_EQ_U(ntsec_rd32(out->bytes + 12), 20);
        CHECK_EQ_U(ntsec_rd32(out->bytes + 16), 48);
        CHECK_EQ_U(ntsec_rd32(out->bytes + 4), 76);
        CHECK_EQ_U(ntsec_rd32(out->bytes + 8), 104);
        CHECK_EQ_U(out->len, 116);
    }
    ntsec_sd_unref(out);
    ntsec_sd_unref(mod);
    ntsec_sd_unref(old);
}

/* ---- creation-time inheritance (4.4) ---- */

static const char *child_of(const char *parent_sddl, const char *creator_sddl, int container,
                            const ntsec_generic_mapping *map)
{
    static char text[4096];
    ntsec_sd *parent = parent_sddl ? sd_of(parent_sddl) : NULL;
    ntsec_sd *creator = creator_sddl ? sd_of(creator_sddl) : NULL;
    ntsec_sd *out = NULL;
    NTSTATUS st = ntsec_new_security(parent, creator, container, SID_ME, SID_SY, map, &out);
    if (st != STATUS_SUCCESS) snprintf(text, sizeof text, "(failed 0x%08x)", (unsigned)st);
    else snprintf(text, sizeof text, "%s", dump(out));
    ntsec_sd_unref(out);
    ntsec_sd_unref(parent);
    ntsec_sd_unref(creator);
    return text;
}

#define KID(d) "c:8404 o:" ME " g:" SY " d:" d " s:-"
#define NO_DACL "c:8000 o:" ME " g:" SY " d:- s:-"

/* The DTYP 2.5.3.4.4 table (4.4) with a mask that needs no mapping: where
** the ACE is both effective and inheritable, one ACE (4.4's note; Windows
** shows (A;OICIID;...)); IO on the parent does not stop the effective copy
** (the smbtorture inheritance test run against Windows). */
static void test_inherit_table(void)
{
    static const struct { const char *flags, *container, *leaf; } rows[] = {
        { "",       NO_DACL,                            NO_DACL },
        { "IO",     NO_DACL,                            NO_DACL },
        { "NP",     NO_DACL,                            NO_DACL },
        { "OI",     KID("[(A,19,20019," WD ")]"),       KID("[(A,10,20019," WD ")]") },
        { "OINP",   KID("[]"),                          KID("[(A,10,20019," WD ")]") },
        { "CI",     KID("[(A,12,20019," WD ")]"),       KID("[]") },
        { "CINP",   KID("[(A,10,20019," WD ")]"),       KID("[]") },
        { "OICI",   KID("[(A,13,20019," WD ")]"),       KID("[(A,10,20019," WD ")]") },
        { "OICINP", KID("[(A,10,20019," WD ")]"),       KID("[(A,10,20019," WD ")]") },
        { "OIIO",   KID("[(A,19,20019," WD ")]"),       KID("[(A,10,20019," WD ")]") },
        { "CIIO",   KID("[(A,12,20019," WD ")]"),       KID("[]") },
        { "OICIIO", KID("[(A,13,20019," WD ")]"),       KID("[(A,10,20019," WD ")]") },
        { "OINPIO", KID("[]"),                          KID("[(A,10,20019," WD ")]") },
        { "CINPIO", KID("[(A,10,20019," WD ")]"),       KID("[]") },
        { "OICINPIO", KID("[(A,10,20019," WD ")]"),     KID("[(A,10,20019," WD ")]") },
    };
    char sddl[128];
    size_t i;
    for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        snprintf(sddl, sizeof sddl, "O:BAG:BAD:(A;%s;KR;;;WD)", rows[i].flags);
        CHECK_STR(child_of(sddl, NULL, 1, &key_mapping), rows[i].container);
        CHECK_STR(child_of(sddl, NULL, 0, &key_mapping), rows[i].leaf);
    }
}

/* Generic rights: two ACEs where the ACE is effective and inheritable
** (DTYP's note under the table); effective copies mapped, flags ID only. */
static void test_inherit_generic(void)
{
    CHECK_STR(child_of("O:BAG:BAD:(A;OICI;GA;;;WD)", NULL, 1, &key_mapping),
              KID("[(A,10,f003f," WD ")(A,1b,10000000," WD ")]"));
    CHECK_STR(child_of("O:BAG:BAD:(A;OICI;GA;;;WD)", NULL, 0, &key_mapping), KID("[(A,10,f003f," WD ")]"));
    CHECK_STR(child_of("O:BAG:BAD:(A;CI;GA;;;WD)", NULL, 1, &key_mapping),
              KID("[(A,10,f003f," WD ")(A,1a,10000000," WD ")]"));
    CHECK_STR(child_of("O:BAG:BAD:(A;OI;GA;;;WD)", NULL, 1, &key_mapping), KID("[(A,19,10000000," WD ")]"));
    CHECK_STR(child_of("O:BAG:BAD:(A;CINP;GA;;;WD)", NULL, 1, &key_mapping), KID("[(A,10,f003f," WD ")]"));
    CHECK_STR(child_of("O:BAG:BAD:(A;OICIIO;GRGW;;;WD)", NULL, 1, &key_mapping),
              KID("[(A,10,2001f," WD ")(A,1b,c0000000," WD ")]"));
    /* several ACEs: each parent ACE's copies stay together, in parent order */
    CHECK_STR(child_of("O:BAG:BAD:(A;OICI;GA;;;BA)(A;OICI;KR;;;BU)(A;;KA;;;SY)", NULL, 1, &key_mapping),
              KID("[(A,10,f003f," BA ")(A,1b,10000000," BA ")(A,13,20019," BU ")]"));
}

/* CREATOR OWNER / GROUP: the smbtorture table (parent ACE for CREATOR OWNER,
** mask FILE_WRITE_DATA 0x2): the effective copy names the new owner. */
static void test_inherit_creator_sids(void)
{
    CHECK_STR(child_of("O:BAG:BAD:(A;CI;0x2;;;CO)", NULL, 1, &key_mapping),
              KID("[(A,10,2," ME ")(A,1a,2," CO ")]"));
    CHECK_STR(child_of("O:BAG:BAD:(A;CI;0x2;;;CO)", NULL, 0, &key_mapping), KID("[]"));
    CHECK_STR(child_of("O:BAG:BAD:(A;OI;0x2;;;CO)", NULL, 1, &key_mapping), KID("[(A,19,2," CO ")]"));
    CHECK_STR(child_of("O:BAG:BAD:(A;OI;0x2;;;CO)", NULL, 0, &key_mapping), KID("[(A,10,2," ME ")]"));
    CHECK_STR(child_of("O:BAG:BAD:(A;OICI;0x2;;;CO)", NULL, 1, &key_mapping),
              KID("[(A,10,2," ME ")(A,1b,2," CO ")]"));
    CHECK_STR(child_of("O:BAG:BAD:(A;CINP;0x2;;;CO)", NULL, 1, &key_mapping), KID("[(A,10,2," ME ")]"));
    CHECK_STR(child_of("O:BAG:BAD:(A;OIIO;0x2;;;CO)", NULL, 0, &key_mapping), KID("[(A,10,2," ME ")]"));
    CHECK_STR(child_of("O:BAG:BAD:(A;CIIO;0x2;;;CO)", NULL, 1, &key_mapping),
              KID("[(A,10,2," ME ")(A,1a,2," CO ")]"));
    CHECK_STR(child_of("O:BAG:BAD:(A;CI;0x2;;;CG)", NULL, 1, &key_mapping),
              KID("[(A,10,2," SY ")(A,1a,2," CG ")]"));
}

static void test_inherit_creator(void)
{
    /* creator's explicit ACEs first, generic bits mapped in place with the
    ** flags kept (WINE-TEST test_CreateDirectoryA), its inherited ACEs dropped */
    CHECK_STR(child_of("O:BAG:BAD:(A;OICI;KR;;;WD)", "D:(A;OICI;GA;;;BU)(A;ID;KA;;;SY)", 1, &key_mapping),
              KID("[(A,3,f003f," BU ")(A,13,20019," WD ")]"));
    CHECK_STR(child_of("O:BAG:BAD:(A;OICI;KR;;;WD)", "D:(A;OICI;GA;;;BU)", 1, &ntsec_file_mapping),
              KID("[(A,3,1f01ff," BU ")(A,13,20019," WD ")]"));
    /* effective CREATOR OWNER ACEs name the owner; inherit-only ones stay */
    CHECK_STR(child_of(NULL, "D:(A;;GR;;;CO)(A;OICIIO;GA;;;CO)", 1, &key_mapping),
              "c:8004 o:" ME " g:" SY " d:[(A,0,20019," ME ")(A,b,10000000," CO ")] s:-");
    /* a protected creator DACL: parent ignored, ID cleared */
    CHECK_STR(child_of("O:BAG:BAD:(A;OICI;KR;;;WD)", "D:P(A;ID;KR;;;BU)", 1, &key_mapping),
              "c:9004 o:" ME " g:" SY " d:[(A,0,20019," BU ")] s:-");
    /* an empty creator DACL still receives the parent's ACEs */
    CHECK_STR(child_of("O:BAG:BAD:(A;OICI;KR;;;WD)", "D:", 0, &key_mapping), KID("[(A,10,20019," WD ")]"));
    /* a NULL creator DACL stays NULL */
    CHECK_STR(child_of("O:BAG:BAD:(A;OICI;KR;;;WD)", "D:NO_ACCESS_CONTROL", 0, &key_mapping),
              "c:8004 o:" ME " g:" SY " d:null s:-");
    /* no parent ACEs to inherit: the creator's ACL, no AI */
    CHECK_STR(child_of("O:BAG:BAD:(A;;KR;;;WD)", "D:(A;;KR;;;BU)", 0, &key_mapping),
              "c:8004 o:" ME " g:" SY " d:[(A,0,20019," BU ")] s:-");
    /* nothing at all: no DACL */
    CHECK_STR(child_of(NULL, NULL, 0, &key_mapping), NO_DACL);
    /* owner and group from the creator when it names them */
    CHECK_STR(child_of(NULL, "O:BUG:AU", 0, &key_mapping), "c:8000 o:" BU " g:S-1-5-11 d:- s:-");
}

static void test_inherit_sacl_and_objects(void)
{
    /* SACL ACEs inherit the same way; audit flags survive in effective copies */
    CHECK_STR(child_of("O:BAG:BAS:(AU;OICISA;KA;;;WD)", NULL, 1, &key_mapping),
              "c:8810 o:" ME " g:" SY " d:- s:[(AU,53,f003f," WD ")]");
    CHECK_STR(child_of("O:BAG:BAS:(AU;CISA;GA;;;WD)", NULL, 1, &key_mapping),
              "c:8810 o:" ME " g:" SY " d:- s:[(AU,50,f003f," WD ")(AU,5a,10000000," WD ")]");
    /* object ACEs limited to an inherited object type: only the inheritable copy */
    CHECK_STR(child_of("O:BAG:BAD:(OA;OICI;KR;;bf967a0e-0de6-11d0-a285-00aa003049e2;WD)", NULL, 1, &key_mapping),
              KID("[(OA,1b,20019," WD ")]"));
    CHECK_STR(child_of("O:BAG:BAD:(OA;OICI;KR;;bf967a0e-0de6-11d0-a285-00aa003049e2;WD)", NULL, 0, &key_mapping),
              KID("[]"));
    /* an object type alone does not limit inheritance */
    CHECK_STR(child_of("O:BAG:BAD:(OA;OICI;KR;bf967a0e-0de6-11d0-a285-00aa003049e2;;WD)", NULL, 0, &key_mapping),
              KID("[(OA,10,20019," WD ")]"));
}

/* The WFP engine's 1909 default (wfp_ks_errors.md 3.3) handed to a container
** and to an object, with the FWPM mapping. */
static void test_inherit_wfp(void)
{
    const char *root = "O:BAG:LSD:AI(A;;0xf07ff;;;BA)(A;OICIIO;GA;;;BA)(A;OICI;RPDT;;;WD)";
    CHECK_STR(child_of(root, NULL, 1, &ntsec_fwpm_mapping),
              KID("[(A,10,f07ff," BA ")(A,1b,10000000," BA ")(A,13,50," WD ")]"));
    CHECK_STR(child_of(root, NULL, 0, &ntsec_fwpm_mapping), KID("[(A,10,f07ff," BA ")(A,10,50," WD ")]"));
}

static void test_inherit_errors(void)
{
    ntsec_sd *out = NULL;
    CHECK_EQ_U(ntsec_new_security(NULL, NULL, 0, NULL, SID_SY, &key_mapping, &out), STATUS_INVALID_OWNER);
    CHECK_EQ_U(ntsec_new_security(NULL, NULL, 0, SID_BAD, SID_SY, &key_mapping, &out), STATUS_INVALID_OWNER);
    CHECK_EQ_U(ntsec_new_security(NULL, NULL, 0, SID_ME, SID_BAD, &key_mapping, &out),
               STATUS_INVALID_PRIMARY_GROUP);
    CHECK(out == NULL);
    /* no group anywhere: the descriptor has none */
    CHECK_EQ_U(ntsec_new_security(NULL, NULL, 0, SID_ME, NULL, &key_mapping, &out), STATUS_SUCCESS);
    CHECK_STR(dump(out), "c:8000 o:" ME " g:- d:- s:-");
    ntsec_sd_unref(out);
}

int main(void)
{
    test_required_access();
    test_owner_group_rows();
    test_old_defaulted_bits();
    test_dacl_rows();
    test_sacl_rows();
    test_partial_sacl();
    test_backup();
    test_protection();
    test_auto_inherit();
    test_owner_validation();
    test_errors();
    test_too_big();
    test_layout();
    test_inherit_table();
    test_inherit_generic();
    test_inherit_creator_sids();
    test_inherit_creator();
    test_inherit_sacl_and_objects();
    test_inherit_wfp();
    test_inherit_errors();
    return ctest_summary();
}
