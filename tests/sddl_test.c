/*
** sddl_test.c: SDDL and SID strings against the text of sd_semantics.md
** (1.1, 1.7, 2.1-2.12) and the Windows facts it quotes (DTYP-2514, WINE-TEST,
** SAMBA-WIN, WIM-A). Every expected value is worked out by hand from the
** spec; the bulk Windows vectors live in sddl_conformance_test.c.
*/
#include <stdlib.h>
#include <string.h>

#include "ctest.h"
#include "ace_types.h"
#include "acl.h"
#include "sd.h"
#include "sddl.h"
#include "sddl_tables.h"
#include "secdefs.h"
#include "sid.h"
#include "status.h"

static uint8_t machine[68], domain[68], forest[68];
static ntsec_sid_ctx full_ctx;

static void sid_of(const char *text, uint8_t out[68])
{
    if (ntsec_sid_from_string(text, strlen(text), NULL, out) != STATUS_SUCCESS) {
        printf("bad SID in test: %s\n", text);
        memset(out, 0, 68);
    }
}

/* Parse sddl and compare the descriptor with hex. */
static int parses_to(const char *sddl, const ntsec_sid_ctx *ctx, const char *hex)
{
    static unsigned char want[70000];
    ntsec_sd *sd = NULL;
    long n = ctest_unhex(hex, want, sizeof want);
    NTSTATUS st = ntsec_sddl_parse(sddl, strlen(sddl), ctx, &sd, NULL);
    int ok = st == STATUS_SUCCESS && n >= 0 && sd->len == (uint32_t)n && memcmp(sd->bytes, want, (size_t)n) == 0;
    if (!ok) printf("  parse \"%s\": status %s\n", sddl, ntsec_status_name(st));
    ntsec_sd_unref(sd);
    return ok;
}

/* Status and error offset of a failing parse. */
static int fails_with(const char *sddl, const ntsec_sid_ctx *ctx, NTSTATUS want, size_t want_at)
{
    ntsec_sd *sd = NULL;
    size_t at = 12345;
    NTSTATUS st = ntsec_sddl_parse(sddl, strlen(sddl), ctx, &sd, &at);
    int ok = st == want && at == want_at && sd == NULL;
    if (!ok) printf("  \"%s\": got %s at %zu, want %s at %zu\n", sddl, ntsec_status_name(st), at,
                    ntsec_status_name(want), want_at);
    ntsec_sd_unref(sd);
    return ok;
}

/* format(parse(in), si) == want. */
static int prints_as(const char *in, SECURITY_INFORMATION si, const ntsec_sid_ctx *ctx, const char *want)
{
    ntsec_sd *sd = NULL;
    ntsec_buf out;
    NTSTATUS st = ntsec_sddl_parse(in, strlen(in), ctx, &sd, NULL);
    int ok = 0;
    ntsec_buf_init(&out);
    if (st == STATUS_SUCCESS) st = ntsec_sddl_format(sd, si, ctx, &out);
    ntsec_buf_putc(&out, 0);
    if (st == STATUS_SUCCESS) ok = strcmp((const char *)out.data, want) == 0;
    if (!ok) printf("  \"%s\" printed \"%s\" (%s), want \"%s\"\n", in, st == STATUS_SUCCESS ? (char *)out.data : "",
                    ntsec_status_name(st), want);
    ntsec_buf_free(&out);
    ntsec_sd_unref(sd);
    return ok;
}

static int rights_are(const char *s, uint32_t want)
{
    uint32_t m = 0xdeadbeef;
    NTSTATUS st = ntsec_sddl_parse_rights(s, strlen(s), &m);
    if (st != STATUS_SUCCESS || m != want) printf("  rights \"%s\": %s 0x%x\n", s, ntsec_status_name(st), m);
    return st == STATUS_SUCCESS && m == want;
}

static int rights_fail(const char *s)
{
    uint32_t m = 0;
    return ntsec_sddl_parse_rights(s, strlen(s), &m) == STATUS_INVALID_ACL;
}

static int rights_print(uint32_t mask, const char *want)
{
    ntsec_buf out;
    int ok;
    ntsec_buf_init(&out);
    ntsec_sddl_format_rights(&out, mask);
    ntsec_buf_putc(&out, 0);
    ok = strcmp((const char *)out.data, want) == 0;
    if (!ok) printf("  rights 0x%x printed \"%s\", want \"%s\"\n", mask, (char *)out.data, want);
    ntsec_buf_free(&out);
    return ok;
}

/* ntsec_sid_from_string then ntsec_sid_format. */
static int sid_reads_as(const char *in, const char *want)
{
    uint8_t sid[68];
    ntsec_buf out;
    int ok = 0;
    NTSTATUS st = ntsec_sid_from_string(in, strlen(in), NULL, sid);
    ntsec_buf_init(&out);
    if (st == STATUS_SUCCESS) {
        ntsec_sid_format(&out, sid);
        ntsec_buf_putc(&out, 0);
        ok = strcmp((const char *)out.data, want) == 0;
    }
    if (!ok) printf("  SID \"%s\": %s \"%s\", want \"%s\"\n", in, ntsec_status_name(st),
                    out.data ? (char *)out.data : "", want);
    ntsec_buf_free(&out);
    return ok;
}

static int sid_rejected(const char *in)
{
    uint8_t sid[68];
    return ntsec_sid_from_string(in, strlen(in), NULL, sid) == STATUS_INVALID_SID;
}

/* ---- 1.7 layout and the minimal cases ---- */

static void test_layout(void)
{
    /* DTYP-2514 (1.7): 176 bytes, SACL DACL owner group. */
    CHECK(parses_to("O:BAG:BAD:P(A;CIOI;GRGX;;;BU)(A;CIOI;GA;;;BA)(A;CIOI;GA;;;SY)(A;CIOI;GA;;;CO)"
                    "S:P(AU;FA;GR;;;WD)", NULL,
                    "010014b090000000a00000001400000030000000"
                    "02001c0001000000" "0280140000000080" "010100000000000100000000"
                    "0200600004000000"
                    "00031800000000a0" "01020000000000052000000021020000"
                    "0003180000000010" "01020000000000052000000020020000"
                    "0003140000000010" "010100000000000512000000"
                    "0003140000000010" "010100000000000300000000"
                    "01020000000000052000000020020000"
                    "01020000000000052000000020020000"));
    CHECK(prints_as("O:BAG:BAD:P(A;CIOI;GRGX;;;BU)(A;CIOI;GA;;;BA)S:P(AU;FA;GR;;;WD)", 0xFFFF, NULL,
                    "O:BAG:BAD:P(A;OICI;GXGR;;;BU)(A;OICI;GA;;;BA)S:P(AU;FA;GR;;;WD)"));
    /* Minimal cases (1.7). */
    CHECK(parses_to("", NULL, "0100008000000000000000000000000000000000"));
    CHECK(parses_to("D:", NULL, "01000480000000000000000000000000140000000200080000000000"));
    CHECK(parses_to("O:SY", NULL, "0100008014000000000000000000000000000000010100000000000512000000"));
    CHECK(parses_to("G:SY", NULL, "0100008000000000140000000000000000000000010100000000000512000000"));
    CHECK(prints_as("", 0xFFFF, NULL, ""));
    CHECK(prints_as("D:", 0xFFFF, NULL, "D:"));
}

/* ---- 2.1, 2.2 structure and ACL flags ---- */

static void test_structure(void)
{
    /* Control words from SAMBA-DATA quoted in 2.2. */
    CHECK(parses_to("O:ISD:ARAIS:PAR", NULL,
                    "010014a7" "24000000" "00000000" "14000000" "1c000000"
                    "0200080000000000" "0200080000000000" "01020000000000052000000038020000"));
    CHECK(parses_to("D:S:P", NULL,
                    "010014a0000000000000000014000000" "1c000000" "0200080000000000" "0200080000000000"));
    /* Sections reordered, flags collapsed (2.1, 2.2). */
    CHECK(prints_as("S:D:P", 0xFFFF, NULL, "D:PS:"));
    CHECK(prints_as("D:ARPAI(A;;GA;;;SY)", 0xFFFF, NULL, "D:PARAI(A;;GA;;;SY)"));
    CHECK(prints_as("D:PPPPPPPPPPPP(A;;GA;;;SY)", 0xFFFF, NULL, "D:P(A;;GA;;;SY)"));
    /* O:/G: end at the letter before the next ':' (2.1). */
    CHECK(prints_as("O:S-1-2-0x2D:", 0xFFFF, NULL, "O:S-1-2-2D:"));
    CHECK(prints_as("O:S-1-2-0x200D:", 0xFFFF, NULL, "O:S-1-2-512D:"));
    /* NO_ACCESS_CONTROL: present, NULL (2.1, 1.8); WINE-TEST's Vista+ string. */
    CHECK(parses_to("D:NO_ACCESS_CONTROL", NULL, "0100048000000000000000000000000000000000"));
    CHECK(prints_as("D:NO_ACCESS_CONTROLS:(AU;OICINPIOIDSAFA;CCDCLCSWRPRC;;;SU)(AU;NPSA;0x12019f;;;SU)",
                    0xFFFF, NULL,
                    "D:NO_ACCESS_CONTROLS:(AU;OICINPIOIDSAFA;CCDCLCSWRPRC;;;SU)(AU;NPSA;0x12019f;;;SU)"));
    CHECK(prints_as("D:PNO_ACCESS_CONTROL", 0xFFFF, NULL, "D:PNO_ACCESS_CONTROL"));
    /* Whitespace leniency (2.9). */
    CHECK(prints_as("  O:AA G:WD ", 0xFFFF, NULL, "O:AAG:WD"));
    CHECK(prints_as("D: S:", 0xFFFF, NULL, "D:S:"));
    CHECK(prints_as("D:P (A;;GA;;;SY) (A;;GX;;;AA)", 0xFFFF, NULL, "D:P(A;;GA;;;SY)(A;;GX;;;AA)"));
    CHECK(prints_as("D:( D; ;GA; ; ; WD )", 0xFFFF, NULL, "D:(D;;GA;;;WD)"));
    CHECK(prints_as("O:S- 1- 2-3", 0xFFFF, NULL, "O:S-1-2-3"));
    /* Structural errors: STATUS_INVALID_PARAMETER with the offset (2.12). */
    CHECK(fails_with("Z:(A;;GA;;;SY)", NULL, STATUS_INVALID_PARAMETER, 0));
    CHECK(fails_with("d:(A;;GA;;;SY)", NULL, STATUS_INVALID_PARAMETER, 0));
    CHECK(fails_with("D :S:", NULL, STATUS_INVALID_PARAMETER, 0));
    CHECK(fails_with("D:P:S:", NULL, STATUS_INVALID_PARAMETER, 3));
    CHECK(fails_with("D:(A;;GA;;;WD)x", NULL, STATUS_INVALID_PARAMETER, 14));
    CHECK(fails_with("O:SYD:(A;;GA;;;SY)D:", NULL, STATUS_INVALID_PARAMETER, 18));
}

/* ---- 2.3-2.5 ACE fields ---- */

static void test_ace_fields(void)
{
    /* Empty rights, lower-case type and rights (2.3, 2.4, 2.6). */
    CHECK(prints_as("D:(A;;;;;BO)", 0xFFFF, NULL, "D:(A;;;;;BO)"));
    CHECK(prints_as("D:(a;;ga;;;sy)", 0xFFFF, NULL, "D:(A;;GA;;;SY)"));
    /* Flag order OI CI NP IO ID SA FA (2.5, WINE-TEST). */
    CHECK(prints_as("S:(AU;FASAIDIONPCIOI;CC;;;SU)", 0xFFFF, NULL, "S:(AU;OICINPIOIDSAFA;CC;;;SU)"));
    /* Six fields exactly; malformed ACEs are STATUS_INVALID_ACL (2.3, 2.12). */
    CHECK(fails_with("D:(A;;GA;;)", NULL, STATUS_INVALID_ACL, 10));
    CHECK(fails_with("D:(A;;GA;;;WD;)", NULL, STATUS_INVALID_ACL, 13));
    CHECK(fails_with("D:(A;;GA;;;WD", NULL, STATUS_INVALID_ACL, 13));
    CHECK(fails_with("D:((A;;GA;;;WD))", NULL, STATUS_INVALID_ACL, 3));
    CHECK(fails_with("D:(D ;;GA;;;WD)", NULL, STATUS_INVALID_ACL, 3));
    CHECK(fails_with("D:(A;;ROB;;;WD)", NULL, STATUS_INVALID_ACL, 6));
    CHECK(fails_with("D:(A;;GA ;;;WD)", NULL, STATUS_INVALID_ACL, 9));     /* no token at the ";" */
    CHECK(fails_with("D:(A;;GA;;;S-1-3-4 )", NULL, STATUS_INVALID_ACL, 18));
    CHECK(fails_with("D:(A;;GA;;;Nonexistent account)", NULL, STATUS_INVALID_ACL, 13));  /* "No" is the NO alias */
    /* AU in a DACL is rejected (2.4, SAMBA-WIN windows_is_fussy). */
    CHECK(fails_with("D:(AU;SA;CR;;;BA)", NULL, STATUS_INVALID_ACL, 3));
    /* GUIDs: exactly 36 characters; a space-only field is empty (2.3, 2.9). */
    CHECK(fails_with("D:(OA;;CR; f30e3bbf-9ff0-11d1-b603-0000f80367c1;;WD)", NULL, STATUS_INVALID_ACL, 10));
    CHECK(fails_with("D:(OA;;CR;{f30e3bbf-9ff0-11d1-b603-0000f80367c1};;WD)", NULL, STATUS_INVALID_ACL, 10));
    CHECK(prints_as("D:(A;;GA; ;;S-1-3-4)", 0xFFFF, NULL, "D:(A;;GA;;;OW)"));
    CHECK(fails_with("D:(A;;GA;bf967a0e-0de6-11d0-a285-00aa003049e2;;WD)", NULL, STATUS_INVALID_ACL, 9));
    /* GUID-less OU keeps its object layout with flags 0 (docs/sddl.md). */
    CHECK(parses_to("S:(OU;;CR;;;WD)", NULL,
                    "0100108000000000000000001400000000000000" "0400200001000000"
                    "07001800" "00010000" "00000000" "010100000000000100000000"));
    /* Object ACE: flags word 1 = object type, GUID in wire order (1.4). */
    CHECK(parses_to("D:(OA;;CR;bf967a0e-0de6-11d0-a285-00aa003049e2;;WD)", NULL,
                    "0100048000000000000000000000000014000000" "0400300001000000"
                    "05002800" "00010000" "01000000" "0e7a96bfe60dd011a28500aa003049e2"
                    "010100000000000100000000"));
    CHECK(prints_as("D:(OA;;CR;BF967A0E-0DE6-11D0-A285-00AA003049E2;;WD)", 0xFFFF, NULL,
                    "D:(OA;;CR;bf967a0e-0de6-11d0-a285-00aa003049e2;;WD)"));
    /* Only the inherited-object GUID: flags word 2 (1.4). */
    CHECK(parses_to("D:(OA;;CR;;bf967a0e-0de6-11d0-a285-00aa003049e2;WD)", NULL,
                    "0100048000000000000000000000000014000000" "0400300001000000"
                    "05002800" "00010000" "02000000" "0e7a96bfe60dd011a28500aa003049e2"
                    "010100000000000100000000"));
    /* GUID-less OA/OD: plain A/D, ACL revision 4, 4 bytes slack each (2.10). */
    CHECK(parses_to("D:(OA;;CC;;;WD)", NULL,
                    "0100048000000000000000000000000014000000" "0400200001000000"
                    "00001400" "01000000" "010100000000000100000000" "00000000"));
    CHECK(parses_to("D:P(OD;;;;;MP)(OD;;;;;MP)", NULL,
                    "01000490000000000000000000000000140000000400380002000000"
                    "01001400000000000101000000000010002100000100140000000000"
                    "010100000000001000210000" "0000000000000000"));
}

/* ---- 2.6 rights ---- */

static void test_rights(void)
{
    CHECK(rights_are("", 0));
    CHECK(rights_are("123456789", 0x75bcd15));
    CHECK(rights_are("01234567", 0x53977));
    CHECK(rights_are("0xff", 0xff));
    CHECK(rights_are("0xFFFFFFFF", 0xffffffff));
    CHECK(rights_are("0x123456789", 0xffffffff));
    CHECK(rights_are("100000000000000000000000", 0xffffffff));
    CHECK(rights_are("-99", 0xffffff9d));
    CHECK(rights_are("-0xffffff55", 0xab));
    CHECK(rights_are("-9876543210", 1));
    CHECK(rights_are(" 0x75bcd15", 0x75bcd15));
    CHECK(rights_are(" GA", GENERIC_ALL));
    CHECK(rights_are("ga", GENERIC_ALL));
    CHECK(rights_are("RP LCLO  RC", 0x10 | 0x4 | 0x80 | READ_CONTROL));
    CHECK(rights_are("FAGX", 0x201f01ff));
    CHECK(rights_are("FAFRFWFX", 0x001f01ff));
    CHECK(rights_are("KAKRKWKX", 0x000f003f));
    CHECK(rights_are("NWNRNX", 7));
    CHECK(rights_fail("GA "));
    CHECK(rights_fail("123456789 "));
    CHECK(rights_fail("0x75bcd15\t"));
    CHECK(rights_fail("0x 75bcd15"));
    CHECK(rights_fail("LOR C"));
    CHECK(rights_fail("RP LC\tLORC"));
    CHECK(rights_fail("ROB"));
    CHECK(rights_fail("CROOO"));
    /* Printing, 2.8.5 a-d and its examples. */
    CHECK(rights_print(0, ""));
    CHECK(rights_print(0x1f01ff, "FA"));
    CHECK(rights_print(0x20019, "KR"));
    CHECK(rights_print(0x20006, "KW"));
    CHECK(rights_print(0x1200a9, "0x1200a9"));
    CHECK(rights_print(0x201f01ff, "0x201f01ff"));
    CHECK(rights_print(0xffffffff, "0xffffffff"));
    CHECK(rights_print(0xe00f0000, "SDRCWDWOGXGWGR"));
    CHECK(rights_print(0x1ff, "CCDCLCSWRPWPDTLOCR"));
    CHECK(rights_print(0xf01ff, "CCDCLCSWRPWPDTLOCRSDRCWDWO"));
    CHECK(rights_print(0xab, "CCDCSWWPLO"));
    CHECK(rights_print(0x10 | 0x4 | 0x80 | READ_CONTROL, "LCRPLORC"));
    CHECK(rights_print(0xF0000000, "GAGXGWGR"));
    CHECK(prints_as("D:(A;;-9876543210;;;WD)", 0xFFFF, NULL, "D:(A;;CC;;;WD)"));
}

/* ---- 1.1, 2.7 SIDs ---- */

static void test_sids(void)
{
    static const struct { uint8_t auth[6]; const char *text; } wine[] = {
        { { 0, 0, 0x33, 0x44, 0x55, 0x66 }, "S-1-860116326-1" },
        { { 0, 0, 0x01, 0x02, 0x03, 0x04 }, "S-1-16909060-1" },
        { { 0, 0, 0, 0x01, 0x02, 0x03 }, "S-1-66051-1" },
        { { 0, 0, 0, 0, 0x01, 0x02 }, "S-1-258-1" },
        { { 0, 0, 0, 0, 0, 0x02 }, "S-1-2-1" },
        { { 0, 0, 0, 0, 0, 0x0c }, "S-1-12-1" },
    };
    unsigned i;
    for (i = 0; i < sizeof wine / sizeof wine[0]; i++) {
        uint8_t sid[12] = { 1, 1 };
        ntsec_buf out;
        memcpy(sid + 2, wine[i].auth, 6);
        sid[8] = 1;
        ntsec_buf_init(&out);
        ntsec_sid_format(&out, sid);
        ntsec_buf_putc(&out, 0);
        CHECK_STR((const char *)out.data, wine[i].text);
        ntsec_buf_free(&out);
    }
    /* Numeric quirks (2.7, SAMBA-WIN non_canonical / windows_is_weird). */
    CHECK(sid_reads_as("S-1-0x2-3-4", "S-1-2-3-4"));
    CHECK(sid_reads_as("S-1-0x20-3-4", "S-1-32-3-4"));
    CHECK(sid_reads_as("S-1-3-0x00000002-3-4", "S-1-3-2-3-4"));
    CHECK(sid_reads_as("S-1-5-21-0x1-0x2-0x3-513", "S-1-5-21-1-2-3-513"));
    CHECK(sid_reads_as("S-0x1-0-0-579", "S-1-0-0-1401"));
    CHECK(sid_reads_as("S-0x1-20-0-579", "S-1-32-0-1401"));
    CHECK(sid_reads_as("S-1-3-4294967296-3-4", "S-1-3-4294967295-3-4"));
    CHECK(sid_reads_as("S-1-3-0x100000000-3-4", "S-1-3-4294967295-3-4"));
    CHECK(sid_reads_as("S-1-5-21-0x1313131313131-513", "S-1-5-21-4294967295-513"));
    CHECK(sid_reads_as("S-1-21474836480-32-579", "S-1-0x500000000-32-579"));
    CHECK(sid_reads_as("S-1-5000000000-30-40", "S-1-0x12A05F200-30-40"));
    CHECK(sid_reads_as("S- 1- 2-3", "S-1-2-3"));
    CHECK(sid_reads_as("s-1-1-0", "S-1-1-0"));
    CHECK(sid_reads_as("S-1-5-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15", "S-1-5-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15"));
    CHECK(sid_rejected("S-1-5-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15-16"));
    CHECK(sid_rejected("S-1-0x1313131313131-513"));
    CHECK(sid_rejected("S-1-5"));
    CHECK(sid_rejected("S-1-5-"));
    CHECK(sid_rejected("S-1-5- 2"));
    CHECK(sid_rejected("S-1-5-32-544 "));
    CHECK(sid_rejected("S"));
    CHECK(sid_rejected("S-"));
    CHECK(sid_rejected("S-1"));
    CHECK(sid_rejected("S-1-"));
    CHECK(sid_rejected("S-0"));
    CHECK(sid_rejected("S-10"));
    CHECK(sid_rejected("S-0x1"));
    CHECK(sid_rejected("S-0x1-"));
    CHECK(sid_rejected("XX"));
    CHECK(sid_rejected(""));
    /* Aliases: case-insensitive, fixed values (2.7). */
    CHECK(sid_reads_as("wd", "S-1-1-0"));
    CHECK(sid_reads_as("BA", "S-1-5-32-544"));
    CHECK(sid_reads_as("UD", "S-1-5-84-0-0-0-0-0"));
    CHECK(sid_reads_as("AC", "S-1-15-2-1"));
    CHECK(sid_reads_as("ME", "S-1-16-8192"));
    CHECK(prints_as("O:S-1-3-4", 0xFFFF, NULL, "O:OW"));
    CHECK(prints_as("O:S-1-2-0", 0xFFFF, NULL, "O:S-1-2-0"));     /* LOCAL has no alias (WINE-TEST) */
    CHECK(prints_as("O:S-1-5-32-560", 0xFFFF, NULL, "O:S-1-5-32-560"));
}

/* Every alias reads to a SID that prints back as the same alias. */
static void test_alias_round_trip(void)
{
    size_t i;
    for (i = 0; i < sddl_alias_count(); i++) {
        const char *code = sddl_alias_code(i);
        uint8_t sid[68];
        ntsec_buf out;
        int ok = 0;
        ntsec_buf_init(&out);
        if (ntsec_sid_from_string(code, 2, &full_ctx, sid) == STATUS_SUCCESS) {
            ntsec_sid_format_sddl(&out, sid, &full_ctx);
            ok = out.len == 2 && memcmp(out.data, code, 2) == 0;
        }
        if (!ok) printf("  alias %s does not round-trip\n", code);
        CHECK(ok);
        ntsec_buf_free(&out);
    }
}

static void test_context_aliases(void)
{
    ntsec_sid_ctx domain_only = { NULL, domain, NULL };
    uint8_t sid[68];
    /* Relative aliases need their context SID (2.7). */
    CHECK(fails_with("D:(A;;GA;;;DU)", NULL, STATUS_INVALID_SID, 11));
    CHECK(fails_with("O:LA", NULL, STATUS_INVALID_SID, 2));
    CHECK(fails_with("O:LA", &domain_only, STATUS_INVALID_SID, 2));
    CHECK(ntsec_sid_from_string("DA", 2, NULL, sid) == STATUS_INVALID_SID);
    CHECK(sid_reads_as("S-1-5-21-4-5-6-513", "S-1-5-21-4-5-6-513"));
    CHECK(prints_as("D:(A;;GA;;;DU)", 0xFFFF, &full_ctx, "D:(A;;GA;;;DU)"));
    CHECK(parses_to("O:DU", &full_ctx,
                    "0100008014000000000000000000000000000000" "010500000000000515000000040000000500000006000000"
                    "01020000"));
    CHECK(parses_to("O:LG", &full_ctx,
                    "0100008014000000000000000000000000000000" "010500000000000515000000010000000200000003000000"
                    "f5010000"));
    CHECK(parses_to("O:EA", &full_ctx,
                    "0100008014000000000000000000000000000000" "010500000000000515000000070000000800000009000000"
                    "07020000"));
    /* The forest aliases fall back to the domain SID. */
    CHECK(parses_to("O:EA", &domain_only,
                    "0100008014000000000000000000000000000000" "010500000000000515000000040000000500000006000000"
                    "07020000"));
    /* Without the context such SIDs print numerically. */
    CHECK(prints_as("O:S-1-5-21-4-5-6-513", 0xFFFF, NULL, "O:S-1-5-21-4-5-6-513"));
    CHECK(prints_as("O:S-1-5-21-4-5-6-513", 0xFFFF, &full_ctx, "O:DU"));
}

/* ---- 2.8.3 label selection, 2.8.6 ML rights ---- */

static void test_labels(void)
{
    /* WIM-A: S:(ML;;NW;;;LW) is a type 0x11 ACE, mask 1, S-1-16-4096. */
    CHECK(parses_to("S:(ML;;NW;;;LW)", NULL,
                    "0100108000000000000000001400000000000000" "02001c0001000000"
                    "11001400010000000101000000000010" "00100000"));
    CHECK(prints_as("S:(ML;;NW;;;LW)(AU;SA;GA;;;WD)", 0xFFFF, NULL, "S:(ML;;NW;;;LW)(AU;SA;GA;;;WD)"));
    CHECK(prints_as("S:(ML;;NW;;;LW)(AU;SA;GA;;;WD)", SACL_SECURITY_INFORMATION, NULL, "S:(AU;SA;GA;;;WD)"));
    CHECK(prints_as("S:(ML;;NW;;;LW)(AU;SA;GA;;;WD)", LABEL_SECURITY_INFORMATION, NULL, "S:(ML;;NW;;;LW)"));
    CHECK(prints_as("S:(ML;;NWNR;;;S-1-16-12288)", 0xFFFF, NULL, "S:(ML;;NWNR;;;HI)"));
    CHECK(prints_as("O:SYD:(A;;GA;;;WD)S:(AU;SA;GA;;;WD)", DACL_SECURITY_INFORMATION, NULL, "D:(A;;GA;;;WD)"));
    CHECK(prints_as("O:SYG:BAD:(A;;GA;;;WD)", OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION,
                    NULL, "O:SYG:BA"));
}

/* ---- 2.10 size limit ---- */

static void test_acl_limit(void)
{
    /* 3276 ACEs of 20 bytes + 8 = 65528 fits; 3277 makes 65548 > 0xFFFF. */
    static const char ace[] = "(A;;GA;;;WD)";
    size_t n = 3277, i, len = 2 + n * (sizeof ace - 1);
    char *s = malloc(len + 1);
    ntsec_sd *sd = NULL;
    size_t at = 0;
    memcpy(s, "D:", 2);
    for (i = 0; i < n; i++) memcpy(s + 2 + i * (sizeof ace - 1), ace, sizeof ace - 1);
    CHECK_EQ_U(ntsec_sddl_parse(s, len, NULL, &sd, &at), STATUS_INVALID_ACL);
    CHECK_EQ_U(at, len - (sizeof ace - 1));   /* at the ACE that does not fit (docs/sddl.md) */
    CHECK(ntsec_sddl_parse(s, len - (sizeof ace - 1), NULL, &sd, &at) == STATUS_SUCCESS);
    if (sd) CHECK_EQ_U(ntsec_acl_size(sd->bytes + 20), 65528);
    ntsec_sd_unref(sd);
    free(s);
}

/* ---- 2.11 conditional ACEs and resource attributes ---- */

static void test_conditional(void)
{
    /* The worked example of 2.11 (Windows bytes). */
    CHECK(parses_to("D:(XA;;FX;;;S-1-1-0;(@User.Title == \"PM\"))", NULL,
                    "0100048000000000000000000000000014000000" "02003c0001000000"
                    "09003400a0001200010100000000000100000000" "61727478"
                    "f90a000000540069007400" "6c006500" "10040000005000" "4d00" "80" "000000"));
    CHECK(prints_as("D:(XA;;FX;;;S-1-1-0;(@User.Title==\"PM\" && (@User.Division==\"Finance\" || "
                    "@User.Division ==\"Sales\")))", 0xFFFF, NULL,
                    "D:(XA;;FX;;;WD;((@USER.Title == \"PM\") && ((@USER.Division == \"Finance\") || "
                    "(@USER.Division == \"Sales\"))))"));
    CHECK(prints_as("D:(XA;;FR;;;WD;(Member_of {SID(S-1-1-0), SID(BO)} && @Device.Bitlocker))", 0xFFFF, NULL,
                    "D:(XA;;FR;;;WD;((Member_of {SID(WD), SID(BO)}) && (@DEVICE.Bitlocker)))"));
    CHECK(prints_as("D:(XA;;;;;WD;(member_of((sid(s-1-1-0)))))", 0xFFFF, NULL,
                    "D:(XA;;;;;WD;(Member_of SID(WD)))"));
    CHECK(prints_as("D:(XA;;FA;;;WD;(OctetStringType==#1#2#3##))", 0xFFFF, NULL,
                    "D:(XA;;FA;;;WD;(OctetStringType == #01020300))"));
    CHECK(prints_as("D:(XA;;;;;WD;(x < -010))", 0xFFFF, NULL, "D:(XA;;;;;WD;(x < -010))"));
    /* An unsigned decimal above 2^63-1 (sign byte 03 = none, base 02 = decimal;
    ** 14255084913276245838 = 0xc5d43c33b2dc574e) compares as that positive
    ** number (cond_value.c) and prints as it, not as the negative int64 of
    ** its bits, whose "-" would read back with sign byte 02 (sddl_fuzz, CI). */
    CHECK(parses_to("D:(XA;;;;;WD;(@Device.bb == 14255084913276245838))", NULL,
                    "0100048000000000000000000000000014000000" "0200380001000000"
                    "09003000" "00000000" "010100000000000100000000" "61727478"
                    "fb04000000" "62006200" "04" "4e57dcb2333cd4c5" "03" "02" "80" "000000"));
    CHECK(prints_as("D:(XA;;;;;WD;(@Device.bb == 14255084913276245838))", 0xFFFF, NULL,
                    "D:(XA;;;;;WD;(@DEVICE.bb == 14255084913276245838))"));
    CHECK(prints_as("D:(XA;;;;;WD;(x == +18446744073709551615))", 0xFFFF, NULL,
                    "D:(XA;;;;;WD;(x == +18446744073709551615))"));
    CHECK(prints_as("D:(XA;;;;;WD;(x == -9223372036854775808))", 0xFFFF, NULL,
                    "D:(XA;;;;;WD;(x == -9223372036854775808))"));
    /* Rejected expressions: STATUS_INVALID_ACL at the offending character. */
    CHECK(fails_with("D:(XA;;FX;;;WD;(a == a))", NULL, STATUS_INVALID_ACL, 21));
    CHECK(fails_with("D:(XA;;FX;;;WD;(! Member_of{SID(BA)}))", NULL, STATUS_INVALID_ACL, 18));
    CHECK(fails_with("D:(XA;;FX;;;WD;(@Device.bb == 0x10000000000000000))", NULL, STATUS_INVALID_ACL, 30));
    CHECK(fails_with("D:(XA;;FX;;;WD)", NULL, STATUS_INVALID_ACL, 14));
    /* Resource attribute: the blob of 2.11 for ("colour",TS,0,"blue"). */
    CHECK(parses_to("S:(RA;;;;;WD;(\"colour\",TS,0,\"blue\"))", NULL,
                    "0100108000000000000000001400000000000000" "0200480001000000"
                    "12004000" "00000000" "010100000000000100000000"
                    "14000000" "0300" "0000" "00000000" "01000000" "22000000"
                    "63006f006c006f00750072000000" "62006c00750065000000"));
    CHECK(prints_as("S:(RA;;;;;WD;(\"colour\",TS,0,\"blue\", \"red\"))", 0xFFFF, NULL,
                    "S:(RA;;;;;WD;(\"colour\",TS,0x0,\"blue\",\"red\"))"));
    CHECK(prints_as("S:(RA;;;;;WD;(\"n\",TI,0xa,-8,7774))", 0xFFFF, NULL, "S:(RA;;;;;WD;(\"n\",TI,0xa,-8,7774))"));
    CHECK(fails_with("D:(RA;;;;;WD;(\"colour\",TS,0,\"blue\"))", NULL, STATUS_INVALID_ACL, 3));
}

/* Printing what SDDL cannot express fails and leaves the buffer alone. */
static void test_format_failure(void)
{
    /* A compound ACE (type 4) has no SDDL type string (1.4). */
    static const char hex[] = "0100048000000000000000000000000014000000" "0200200001000000"
                              "04001800" "01000000" "01000000" "010100000000000100000000";
    unsigned char b[64];
    long n = ctest_unhex(hex, b, sizeof b);
    ntsec_sd *sd = NULL;
    ntsec_buf out;
    ntsec_buf_init(&out);
    ntsec_buf_puts(&out, "keep");
    CHECK(n > 0 && ntsec_sd_from_bytes(b, (size_t)n, &sd) == STATUS_SUCCESS);
    if (sd) CHECK_EQ_U(ntsec_sddl_format(sd, 0xFFFF, NULL, &out), STATUS_NOT_SUPPORTED);
    CHECK_EQ_U(out.len, 4);
    ntsec_buf_free(&out);
    ntsec_sd_unref(sd);
}

/* The ACE type table (ace_types.h) against the spec's own lists, written
** out by hand from sd_semantics.md: 1.4 (object layout: 5-8, B, C, F, 10;
** opaque: compound 4), 2.4 (SDDL codes, SACL-only codes), 2.8.3 (selectors),
** 1.8 (size multiple of 4 for 0-3). */
static void test_ace_type_table(void)
{
    static const char *const codes[NTSEC_ACE_TYPE_COUNT] = {
        "A", "D", "AU", "AL", NULL, "OA", "OD", "OU", "OL", "XA", "XD",
        "ZA", NULL, "XU", NULL, NULL, NULL, "ML", "RA", "SP", "TL", "FL" };
    static const uint32_t object_types = 0x1E0u | 1u << 0xB | 1u << 0xC | 1u << 0xF | 1u << 0x10;
    static const uint32_t sacl_only = 0xCu | 0x180u | 1u << 0xD | 1u << 0xE | 1u << 0xF | 1u << 0x10
                                      | 0x3E0000u;
    unsigned t;
    for (t = 0; t < NTSEC_ACE_TYPE_COUNT; t++) {
        const ntsec_ace_type_info *row = ntsec_ace_type((uint8_t)t);
        const char *code = sddl_ace_type_code((uint8_t)t);
        CHECK((code == NULL) == (codes[t] == NULL));
        if (code && codes[t]) {
            CHECK_STR(code, codes[t]);
            CHECK_EQ_U(sddl_ace_type_from_code(code, strlen(code)), t);
        }
        CHECK_EQ_U(row->body == NTSEC_ACE_BODY_OBJECT, (object_types >> t) & 1);
        CHECK_EQ_U(row->body == NTSEC_ACE_BODY_OPAQUE, t == 4);
        CHECK_EQ_U(sddl_ace_type_sacl_only((uint8_t)t), (sacl_only >> t) & 1);
        CHECK_EQ_U(ntsec_ace_type_has((uint8_t)t, NTSEC_ACE_K_SIZE4), t <= 3);
    }
    CHECK_EQ_U(sddl_ace_type_from_code("xa", 2), 9);       /* case-insensitive (2.4) */
    CHECK_EQ_U(sddl_ace_type_from_code("d", 1), 1);
    CHECK_EQ_U((unsigned)sddl_ace_type_from_code("B", 1), (unsigned)-1);
    CHECK_EQ_U((unsigned)sddl_ace_type_from_code("AX", 2), (unsigned)-1);
    CHECK_EQ_U(ntsec_ace_type(0x16)->body, NTSEC_ACE_BODY_OPAQUE);   /* unknown types */
    CHECK(sddl_ace_type_code(0x16) == NULL);
    CHECK(sddl_ace_type_code(0xFF) == NULL);
    /* 2.8.3 selectors and the partial SACL types of 4.3 */
    CHECK_EQ_U(ntsec_ace_type(0x11)->selector, LABEL_SECURITY_INFORMATION);
    CHECK_EQ_U(ntsec_ace_type(0x12)->selector, ATTRIBUTE_SECURITY_INFORMATION);
    CHECK_EQ_U(ntsec_ace_type(0x13)->selector, SCOPE_SECURITY_INFORMATION);
    CHECK_EQ_U(ntsec_ace_type(0x14)->selector, PROCESS_TRUST_LABEL_SECURITY_INFORMATION);
    CHECK_EQ_U(ntsec_ace_type(0x15)->selector, ACCESS_FILTER_SECURITY_INFORMATION);
    CHECK_EQ_U(ntsec_ace_type(0x02)->selector, SACL_SECURITY_INFORMATION);
    CHECK_EQ_U(ntsec_ace_types_selected(LABEL_SECURITY_INFORMATION | SCOPE_SECURITY_INFORMATION),
               1u << 0x11 | 1u << 0x13);
    /* 2.10: GUID-less OA/OD become A/D; OU/OL stay */
    CHECK_EQ_U(ntsec_ace_type(5)->guidless, 0);
    CHECK_EQ_U(ntsec_ace_type(6)->guidless, 1);
    CHECK_EQ_U(ntsec_ace_type(7)->guidless, NTSEC_ACE_SAME);
}

int main(void)
{
    test_ace_type_table();
    sid_of("S-1-5-21-1-2-3", machine);
    sid_of("S-1-5-21-4-5-6", domain);
    sid_of("S-1-5-21-7-8-9", forest);
    full_ctx.machine_sid = machine;
    full_ctx.domain_sid = domain;
    full_ctx.forest_sid = forest;
    test_layout();
    test_structure();
    test_ace_fields();
    test_rights();
    test_sids();
    test_alias_round_trip();
    test_context_aliases();
    test_labels();
    test_acl_limit();
    test_conditional();
    test_format_failure();
    return ctest_summary();
}
