/*
** merge_more_test.c: the SEF_* details of the set path and of creation
** (sd_semantics.md 4.4 item 4, 4.6; [MS-DTYP] 2.5.3.4.1-2; SDKAPI-SPOSEX):
** generic-element splitting, SACL auto-inheritance, the owner check flags,
** and ntsec_new_security_ex (auto-inherit flags, DEFAULT_DESCRIPTOR_FOR_
** OBJECT, owner/group defaults, the token's default DACL, labels, inherited
** object types). Expected descriptors are written by hand in SDDL.
*/
#include <string.h>

#include "ctest.h"
#include "guid.h"
#include "merge.h"
#include "sd.h"
#include "sddl.h"
#include "secdefs.h"
#include "sid.h"
#include "status.h"
#include "token.h"

#define ENABLED (SE_GROUP_ENABLED | SE_GROUP_ENABLED_BY_DEFAULT | SE_GROUP_MANDATORY)

static const ntsec_sid_ctx no_ctx;
static char text[2048];

static ntsec_sd *sd_of(const char *s)
{
    ntsec_sd *sd = NULL;
    if (s && ntsec_sddl_parse(s, strlen(s), &no_ctx, &sd, NULL) != STATUS_SUCCESS) printf("setup: cannot parse %s\n", s);
    return sd;
}

static const char *sddl_of(const ntsec_sd *sd)
{
    ntsec_buf b;
    ntsec_buf_init(&b);
    text[0] = 0;
    if (sd && ntsec_sddl_format(sd, 0xFFFF, &no_ctx, &b) == STATUS_SUCCESS) {
        size_t n = b.len < sizeof text - 1 ? b.len : sizeof text - 1;
        memcpy(text, b.data, n);
        text[n] = 0;
    }
    ntsec_buf_free(&b);
    return text;
}

static const uint8_t *sid_of(const char *s, uint8_t out[68])
{
    ntsec_sid_from_string(s, strlen(s), &no_ctx, out);
    return out;
}

/* set_security(old, si, mod) with sef and the file mapping; the result as
** SDDL, or "ERR 0x..." */
static const char *set(const char *old, SECURITY_INFORMATION si, const char *mod, uint32_t sef,
                       const ntsec_token *t)
{
    ntsec_sd *o = sd_of(old), *m = sd_of(mod), *out = NULL;
    ntsec_sd_parts parts;
    NTSTATUS st;
    ntsec_sd_get_parts(m, &parts);
    st = ntsec_set_security(o, si, &parts, sef, &ntsec_file_mapping, t, &out);
    if (st != STATUS_SUCCESS) snprintf(text, sizeof text, "ERR 0x%08x", (unsigned)st);
    else sddl_of(out);
    ntsec_sd_unref(o);
    ntsec_sd_unref(m);
    ntsec_sd_unref(out);
    return text;
}

/* ---- 4.4 item 4: generic-element splitting ---- */

static void test_splitting(void)
{
    /* an explicit inheritable GA ACE: effective FA copy, then the IO original;
    ** OLD's inherited ACE kept after MOD's explicit ones (case 1) */
    CHECK_STR(set("O:BAG:SYD:AI(A;ID;FR;;;BU)", DACL_SECURITY_INFORMATION,
                  "D:(A;OICI;GA;;;BA)(A;;FR;;;WD)", SEF_DACL_AUTO_INHERIT, NULL),
              "O:BAG:SYD:AI(A;;FA;;;BA)(A;OICIIO;GA;;;BA)(A;;FR;;;WD)(A;ID;FR;;;BU)");
    /* CREATOR OWNER / CREATOR GROUP become NEW's owner / group */
    CHECK_STR(set("O:BAG:SYD:", DACL_SECURITY_INFORMATION, "D:(A;OICI;FA;;;CO)(A;CI;FR;;;CG)",
                  SEF_DACL_AUTO_INHERIT, NULL),
              "O:BAG:SYD:AI(A;;FA;;;BA)(A;OICIIO;FA;;;CO)(A;;FR;;;SY)(A;CIIO;FR;;;CG)");
    /* NP is cleared from the effective copy only */
    CHECK_STR(set("O:BAG:SYD:", DACL_SECURITY_INFORMATION, "D:(A;OICINP;GR;;;WD)", SEF_DACL_AUTO_INHERIT, NULL),
              "O:BAG:SYD:AI(A;;FR;;;WD)(A;OICINPIO;GR;;;WD)");
    /* not split: inherit-only, not inheritable, nothing to map */
    CHECK_STR(set("O:BAG:SYD:", DACL_SECURITY_INFORMATION, "D:(A;OICIIO;GA;;;BA)(A;;GA;;;SY)(A;OICI;FR;;;WD)",
                  SEF_DACL_AUTO_INHERIT, NULL),
              "O:BAG:SYD:AI(A;OICIIO;GA;;;BA)(A;;GA;;;SY)(A;OICI;FR;;;WD)");
    /* without auto-inheritance the ACL is copied as given */
    CHECK_STR(set("O:BAG:SYD:", DACL_SECURITY_INFORMATION, "D:(A;OICI;GA;;;BA)", 0, NULL),
              "O:BAG:SYD:(A;OICI;GA;;;BA)");
    /* case 2 (MOD protected): INHERITED_ACE cleared, then split */
    CHECK_STR(set("O:BAG:SYD:AI(A;ID;FR;;;BU)", DACL_SECURITY_INFORMATION, "D:P(A;OICIID;GA;;;BA)",
                  SEF_DACL_AUTO_INHERIT, NULL),
              "O:BAG:SYD:PAI(A;;FA;;;BA)(A;OICIIO;GA;;;BA)");
    /* idempotent: setting the split result again changes nothing */
    CHECK_STR(set("O:BAG:SYD:AI", DACL_SECURITY_INFORMATION, "D:(A;;FA;;;BA)(A;OICIIO;GA;;;BA)",
                  SEF_DACL_AUTO_INHERIT, NULL),
              "O:BAG:SYD:AI(A;;FA;;;BA)(A;OICIIO;GA;;;BA)");
}

/* ---- 4.4 item 5: the SACL under SEF_SACL_AUTO_INHERIT ---- */

static void test_sacl_auto_inherit(void)
{
    CHECK_STR(set("O:BAG:SYS:AI(AU;IDSA;FR;;;WD)", SACL_SECURITY_INFORMATION, "S:(AU;SA;FW;;;BA)",
                  SEF_SACL_AUTO_INHERIT, NULL),
              "O:BAG:SYS:AI(AU;SA;FW;;;BA)(AU;IDSA;FR;;;WD)");
    /* the DACL flag does not touch the SACL */
    CHECK_STR(set("O:BAG:SYS:AI(AU;IDSA;FR;;;WD)", SACL_SECURITY_INFORMATION, "S:(AU;SA;FW;;;BA)",
                  SEF_DACL_AUTO_INHERIT, NULL),
              "O:BAG:SYS:(AU;SA;FW;;;BA)");
}

/* ---- 4.6: owner check flags ---- */

static void test_owner_flags(void)
{
    uint8_t b[68];
    ntsec_token *t = ntsec_token_new(sid_of("S-1-5-21-1-2-3-1001", b), 0);
    ntsec_token_add_group(t, sid_of("BU", b), ENABLED);
    CHECK_STR(set("O:SYG:SY", OWNER_SECURITY_INFORMATION, "O:BA", 0, t), "ERR 0xc000005a");
    CHECK_STR(set("O:SYG:SY", OWNER_SECURITY_INFORMATION, "O:BA", SEF_AVOID_OWNER_CHECK, t), "O:BAG:SY");
    CHECK_STR(set("O:SYG:SY", OWNER_SECURITY_INFORMATION, "O:BA", SEF_AVOID_PRIVILEGE_CHECK, t), "O:BAG:SY");
    ntsec_token_add_privilege(t, SE_RESTORE_PRIVILEGE, SE_PRIVILEGE_ENABLED);
    CHECK_STR(set("O:SYG:SY", OWNER_SECURITY_INFORMATION, "O:BA", 0, t), "O:BAG:SY");
    ntsec_token_free(t);
}

/* ---- SetSecurityInfo's re-inheritance: ntsec_set_security_ex with a parent ---- */

static const char *set_with_parent(const char *old, SECURITY_INFORMATION si, const char *mod,
                                   const char *parent, int container)
{
    ntsec_sd *o = sd_of(old), *m = sd_of(mod), *p = sd_of(parent), *out = NULL;
    ntsec_sd_parts parts;
    NTSTATUS st;
    ntsec_sd_get_parts(m, &parts);
    st = ntsec_set_security_ex(o, si, &parts, SEF_DACL_AUTO_INHERIT, &ntsec_file_mapping, NULL, p, container, &out);
    if (st != STATUS_SUCCESS) snprintf(text, sizeof text, "ERR 0x%08x", (unsigned)st);
    else sddl_of(out);
    ntsec_sd_unref(o);
    ntsec_sd_unref(m);
    ntsec_sd_unref(p);
    ntsec_sd_unref(out);
    return text;
}

static void test_reinheritance(void)
{
    const char *parent = "O:SYG:SYD:(A;OICI;FR;;;WD)(A;CI;GA;;;CO)";
    /* UNPROTECTED_DACL on a protected object brings the parent's ACEs back
    ** (SDKAPI-SSI): explicit first, then what a container inherits now:
    ** one combined OI|CI ACE, and for CO an effective mapped copy for the
    ** owner plus the inherit-only original */
    CHECK_STR(set_with_parent("O:BAG:SYD:P(A;;FA;;;BA)", DACL_SECURITY_INFORMATION | UNPROTECTED_DACL_SECURITY_INFORMATION,
                              "D:(A;;FA;;;BA)(A;ID;FW;;;BU)", parent, 1),
              "O:BAG:SYD:AI(A;;FA;;;BA)(A;OICIID;FR;;;WD)(A;ID;FA;;;BA)(A;CIIOID;GA;;;CO)");
    /* a leaf gets only the OI ACE */
    CHECK_STR(set_with_parent("O:BAG:SYD:AI(A;ID;FW;;;BU)", DACL_SECURITY_INFORMATION, "D:(A;;FA;;;BA)", parent, 0),
              "O:BAG:SYD:AI(A;;FA;;;BA)(A;ID;FR;;;WD)");
    /* without a parent the same call copies MOD as given (case 3: OLD protected) */
    CHECK_STR(set("O:BAG:SYD:P(A;;FA;;;BA)", DACL_SECURITY_INFORMATION | UNPROTECTED_DACL_SECURITY_INFORMATION,
                  "D:(A;;FA;;;BA)", SEF_DACL_AUTO_INHERIT, NULL),
              "O:BAG:SYD:AI(A;;FA;;;BA)");
    /* a result without an owner keeps CREATOR OWNER in the effective copy
    ** (fuzz finding: it used to lose its SID) */
    CHECK_STR(set_with_parent("G:SY", DACL_SECURITY_INFORMATION, "D:", "O:SYG:SYD:(A;OI;0x2;;;CO)", 0),
              "G:SYD:AI(A;ID;DC;;;CO)");
    /* PROTECTED_DACL keeps the parent out */
    CHECK_STR(set_with_parent("O:BAG:SYD:AI(A;ID;FW;;;BU)", DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION,
                              "D:(A;;FA;;;BA)", parent, 1),
              "O:BAG:SYD:PAI(A;;FA;;;BA)");
}

/* ---- ntsec_new_security_ex ---- */

static const char *create(const char *parent, const char *creator, int container,
                          const ntsec_new_security_opts *o)
{
    ntsec_sd *p = sd_of(parent), *c = sd_of(creator), *out = NULL;
    NTSTATUS st = ntsec_new_security_ex(p, c, container, o, &ntsec_file_mapping, &out);
    if (st != STATUS_SUCCESS) snprintf(text, sizeof text, "ERR 0x%08x", (unsigned)st);
    else sddl_of(out);
    ntsec_sd_unref(p);
    ntsec_sd_unref(c);
    ntsec_sd_unref(out);
    return text;
}

static void test_new_auto_inherit_flags(void)
{
    uint8_t b[68];
    ntsec_new_security_opts o;
    memset(&o, 0, sizeof o);
    o.default_owner = sid_of("BA", b);
    /* no auto-inherit: a creator DACL is used alone (DTYP ComputeACL) */
    CHECK_STR(create("O:SYG:SYD:(A;OICI;FR;;;WD)", "D:(A;;FA;;;BA)", 1, &o), "O:BAD:(A;;FA;;;BA)");
    /* DACL auto-inherit: explicit first, then the inherited ACE; AI set */
    o.sef = SEF_DACL_AUTO_INHERIT;
    CHECK_STR(create("O:SYG:SYD:(A;OICI;FR;;;WD)", "D:(A;;FA;;;BA)", 1, &o),
              "O:BAD:AI(A;;FA;;;BA)(A;OICIID;FR;;;WD)");
    /* no creator DACL: the parent's inheritable ACEs, without the flag too,
    ** but AI only with it */
    o.sef = 0;
    CHECK_STR(create("O:SYG:SYD:(A;OICI;FR;;;WD)", NULL, 0, &o), "O:BAD:(A;ID;FR;;;WD)");
    /* DEFAULT_DESCRIPTOR_FOR_OBJECT: the creator's DACL gives way to the parent's */
    o.sef = SEF_DEFAULT_DESCRIPTOR_FOR_OBJECT | SEF_DACL_AUTO_INHERIT;
    CHECK_STR(create("O:SYG:SYD:(A;OICI;FR;;;WD)", "D:(A;;FA;;;BA)", 0, &o), "O:BAD:AI(A;ID;FR;;;WD)");
    /* ... but only when the parent has something to inherit */
    CHECK_STR(create("O:SYG:SYD:(A;;FR;;;WD)", "D:(A;;FA;;;BA)", 0, &o), "O:BAD:(A;;FA;;;BA)");
    /* SACL auto-inherit is separate */
    o.sef = SEF_DACL_AUTO_INHERIT;
    CHECK_STR(create("O:SYG:SYS:(AU;OICISA;FR;;;WD)", "S:(AU;SA;FW;;;BA)", 0, &o), "O:BAS:(AU;SA;FW;;;BA)");
    o.sef = SEF_SACL_AUTO_INHERIT;
    CHECK_STR(create("O:SYG:SYS:(AU;OICISA;FR;;;WD)", "S:(AU;SA;FW;;;BA)", 0, &o),
              "O:BAS:AI(AU;SA;FW;;;BA)(AU;IDSA;FR;;;WD)");
}

static void test_new_owner_group(void)
{
    uint8_t b[68], acl[28];
    ntsec_token *t = ntsec_token_new(sid_of("S-1-5-21-1-2-3-1001", b), 0);
    ntsec_new_security_opts o;
    ntsec_token_add_group(t, sid_of("BU", b), ENABLED | SE_GROUP_OWNER);
    memset(&o, 0, sizeof o);
    o.token = t;
    /* owner: the token's user; group: none until a primary group is set */
    CHECK_STR(create(NULL, NULL, 0, &o), "O:S-1-5-21-1-2-3-1001");
    CHECK_EQ_U(ntsec_token_set_primary_group(t, sid_of("BU", b)), STATUS_SUCCESS);
    CHECK_EQ_U(ntsec_token_set_owner(t, sid_of("BU", b)), STATUS_SUCCESS);
    CHECK_STR(create(NULL, NULL, 0, &o), "O:BUG:BU");
    /* from the parent with SEF_DEFAULT_*_FROM_PARENT (the owner check then
    ** applies: SY is not assignable by this token) */
    o.sef = SEF_DEFAULT_GROUP_FROM_PARENT;
    CHECK_STR(create("O:SYG:SY", NULL, 0, &o), "O:BUG:SY");
    o.sef = SEF_DEFAULT_OWNER_FROM_PARENT;
    CHECK_STR(create("O:SYG:SY", NULL, 0, &o), "ERR 0xc000005a");
    o.sef = SEF_DEFAULT_OWNER_FROM_PARENT | SEF_AVOID_OWNER_CHECK;
    CHECK_STR(create("O:SYG:SY", NULL, 0, &o), "O:SYG:BU");
    /* the creator's owner is checked too */
    o.sef = 0;
    CHECK_STR(create(NULL, "O:BA", 0, &o), "ERR 0xc000005a");
    ntsec_token_add_privilege(t, SE_RESTORE_PRIVILEGE, SE_PRIVILEGE_ENABLED);
    CHECK_STR(create(NULL, "O:BA", 0, &o), "O:BAG:BU");
    /* the token's default DACL when nothing else gives one: (A;;GA;;;SY),
    ** mapped like a creator ACE */
    CHECK_EQ_U(ctest_unhex("02001c0001000000" "00001400" "00000010" "010100000000000512000000", acl, sizeof acl), 28);
    ntsec_token_set_default_dacl(t, acl);
    CHECK_STR(create(NULL, NULL, 0, &o), "O:BUG:BUD:(A;;FA;;;SY)");
    CHECK_STR(create("O:SYG:SYD:(A;OICI;FR;;;WD)", NULL, 0, &o), "O:BUG:BUD:(A;ID;FR;;;WD)");
    ntsec_token_free(t);
}

static void test_new_label(void)
{
    uint8_t b[68];
    ntsec_token *t = ntsec_token_new(sid_of("S-1-5-21-1-2-3-1001", b), 0);
    ntsec_new_security_opts o;
    ntsec_token_add_group(t, sid_of("LW", b), SE_GROUP_INTEGRITY | SE_GROUP_INTEGRITY_ENABLED);
    memset(&o, 0, sizeof o);
    o.token = t;
    /* a low creator labels the object with its level, NO_WRITE_UP by default */
    CHECK_STR(create(NULL, NULL, 0, &o), "O:S-1-5-21-1-2-3-1001S:(ML;;NW;;;LW)");
    o.sef = SEF_MACL_NO_WRITE_UP | SEF_MACL_NO_READ_UP;
    CHECK_STR(create(NULL, NULL, 0, &o), "O:S-1-5-21-1-2-3-1001S:(ML;;NWNR;;;LW)");
    /* a label from the creator stays the only one */
    CHECK_STR(create(NULL, "S:(ML;;NW;;;ME)", 0, &o), "O:S-1-5-21-1-2-3-1001S:(ML;;NW;;;ME)");
    ntsec_token_free(t);
    /* a medium creator adds none */
    t = ntsec_token_new(sid_of("S-1-5-21-1-2-3-1001", b), 0);
    ntsec_token_add_group(t, sid_of("ME", b), SE_GROUP_INTEGRITY | SE_GROUP_INTEGRITY_ENABLED);
    o.token = t;
    CHECK_STR(create(NULL, NULL, 0, &o), "O:S-1-5-21-1-2-3-1001");
    ntsec_token_free(t);
}

#define G1 "e1000000-0000-0000-0000-000000000000"

static void test_new_object_types(void)
{
    uint8_t b[68];
    ntsec_guid g;
    ntsec_new_security_opts o;
    memset(&o, 0, sizeof o);
    o.default_owner = sid_of("BA", b);
    o.sef = SEF_DACL_AUTO_INHERIT;
    /* an ACE for children of type G1 is effective only on a child listing
    ** G1; another container still passes it on, inherit-only (DTYP
    ** 2.5.3.4.4: the inheritable copies are not filtered by type) */
    CHECK_STR(create("O:SYG:SYD:(OA;CI;RP;;" G1 ";WD)", NULL, 1, &o), "O:BAD:AI(OA;CIIOID;RP;;" G1 ";WD)");
    /* a leaf gets nothing from a CI-only ACE, but the DACL exists (empty) */
    CHECK_STR(create("O:SYG:SYD:(OA;CI;RP;;" G1 ";WD)", NULL, 0, &o), "O:BAD:AI");
    ntsec_guid_parse(G1, 36, &g);
    o.object_types = &g;
    o.object_type_count = 1;
    CHECK_STR(create("O:SYG:SYD:(OA;CI;RP;;" G1 ";WD)", NULL, 1, &o), "O:BAD:AI(OA;CIID;RP;;" G1 ";WD)");
}

int main(void)
{
    test_splitting();
    test_sacl_auto_inherit();
    test_owner_flags();
    test_reinheritance();
    test_new_auto_inherit_flags();
    test_new_owner_group();
    test_new_label();
    test_new_object_types();
    return ctest_summary();
}
