/*
** access_more_test.c: the parts of the access check beyond the core walk
** (sd_semantics.md 3.1, 3.2, 3.5-3.7; [MS-DTYP] 2.5.3.2, 2.5.3.3):
** mandatory integrity, restricted tokens, backup/restore intent,
** object-type lists (AccessCheckByType / ResultList), token type checks,
** conditional ACEs inside the check, and the trace (explanations).
** Every expected value is worked out by hand from the spec and DTYP, with
** the reasoning next to it; none is copied from our output.
*/
#include <stdlib.h>
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
#define IL_ATTRS (SE_GROUP_INTEGRITY | SE_GROUP_INTEGRITY_ENABLED)

/* FILE_* rights (sd_semantics.md 1.5; winnt.h). */
#define FILE_READ_DATA   0x0001u
#define FILE_WRITE_DATA  0x0002u
#define FILE_EXECUTE     0x0020u
#define FR FILE_GENERIC_READ       /* 0x120089 */
#define FW FILE_GENERIC_WRITE      /* 0x120116 */
#define FX FILE_GENERIC_EXECUTE    /* 0x1200A0 */
#define FA FILE_ALL_ACCESS         /* 0x1F01FF */
/* ADS rights used with object ACEs (1.5). */
#define RP 0x10u
#define WP 0x20u

static const ntsec_sid_ctx no_ctx;

static ntsec_sd *sd_of(const char *sddl)
{
    ntsec_sd *sd = NULL;
    if (ntsec_sddl_parse(sddl, strlen(sddl), &no_ctx, &sd, NULL) != STATUS_SUCCESS)
        printf("setup: cannot parse %s\n", sddl);
    return sd;
}

static const uint8_t *sid_of(const char *s, uint8_t out[68])
{
    if (ntsec_sid_from_string(s, strlen(s), &no_ctx, out) != STATUS_SUCCESS) printf("setup: bad SID %s\n", s);
    return out;
}

/* User S-1-5-21-1-2-3-1001 with Everyone and Users, plus an optional
** integrity level (RID, or -1 for none). */
static ntsec_token *token_il(long rid)
{
    uint8_t b[68];
    ntsec_token *t = ntsec_token_new(sid_of("S-1-5-21-1-2-3-1001", b), 0);
    ntsec_token_add_group(t, sid_of("WD", b), ENABLED);
    ntsec_token_add_group(t, sid_of("BU", b), ENABLED);
    if (rid >= 0) {
        char text[32];
        snprintf(text, sizeof text, "S-1-16-%ld", rid);
        ntsec_token_add_group(t, sid_of(text, b), IL_ATTRS);
    }
    return t;
}

typedef struct outcome {
    NTSTATUS call, access;
    ACCESS_MASK granted;
    uint32_t used;
} outcome;

static outcome run_opts(const char *sddl, const ntsec_token *t, ACCESS_MASK want,
                        const ntsec_access_opts *opts)
{
    outcome o;
    ntsec_access_result r;
    ntsec_sd *sd = sd_of(sddl);
    memset(&r, 0xEE, sizeof r);
    o.call = sd ? ntsec_access_check(sd, t, want, &ntsec_file_mapping, opts, &r) : 0xFFFFFFFF;
    o.access = r.access_status;
    o.granted = r.granted;
    o.used = r.privileges_used;
    ntsec_sd_unref(sd);
    return o;
}

static outcome run(const char *sddl, const ntsec_token *t, ACCESS_MASK want)
{
    return run_opts(sddl, t, want, NULL);
}

#define EXPECT_GRANTED(o, mask) do { outcome o_ = (o); CHECK_EQ_U(o_.call, STATUS_SUCCESS); \
    CHECK_EQ_U(o_.access, STATUS_SUCCESS); CHECK_EQ_U(o_.granted, (mask)); } while (0)
#define EXPECT_DENIED(o) do { outcome o_ = (o); CHECK_EQ_U(o_.call, STATUS_SUCCESS); \
    CHECK_EQ_U(o_.access, STATUS_ACCESS_DENIED); CHECK_EQ_U(o_.granted, 0); } while (0)

/* ---- 3.6 mandatory integrity ---- */

static void test_integrity(void)
{
    ntsec_token *low = token_il(0x1000), *med = token_il(0x2000), *high = token_il(0x3000);
    ntsec_token *medplus = token_il(0x2100), *sys = token_il(0x4000);
    /* unlabeled object = Medium + NO_WRITE_UP (3.6): the medium token
    ** dominates (equal SIDs) and keeps everything the DACL gives */
    EXPECT_GRANTED(run("O:SYG:SYD:(A;;FA;;;WD)", med, FW), FW);
    EXPECT_GRANTED(run("O:SYG:SYD:(A;;FA;;;WD)", med, DELETE), DELETE);
    /* the low token does not dominate Medium: allowed = mapped GR | GX =
    ** FR | FX = 0x1200A9; no write, no DELETE */
    EXPECT_GRANTED(run("O:SYG:SYD:(A;;FA;;;WD)", low, FR), FR);
    EXPECT_DENIED(run("O:SYG:SYD:(A;;FA;;;WD)", low, FILE_WRITE_DATA));
    EXPECT_DENIED(run("O:SYG:SYD:(A;;FA;;;WD)", low, DELETE));
    /* MAXIMUM_ALLOWED is masked: FA & 0x1200A9 */
    EXPECT_GRANTED(run("O:SYG:SYD:(A;;FA;;;WD)", low, MAXIMUM_ALLOWED), 0x1200A9u);
    /* a High label with NR: the medium token keeps only mapped GX */
    EXPECT_GRANTED(run("O:SYG:SYD:(A;;FA;;;WD)S:(ML;;NR;;;HI)", med, FILE_EXECUTE), FILE_EXECUTE);
    EXPECT_DENIED(run("O:SYG:SYD:(A;;FA;;;WD)S:(ML;;NR;;;HI)", med, FILE_READ_DATA));
    EXPECT_GRANTED(run("O:SYG:SYD:(A;;FA;;;WD)S:(ML;;NR;;;HI)", med, MAXIMUM_ALLOWED), FX);
    /* NX: only mapped GR */
    EXPECT_GRANTED(run("O:SYG:SYD:(A;;FA;;;WD)S:(ML;;NX;;;HI)", med, MAXIMUM_ALLOWED), FR);
    /* NW|NR|NX against an equal level: dominates, nothing taken */
    EXPECT_GRANTED(run("O:SYG:SYD:(A;;FA;;;WD)S:(ML;;NWNRNX;;;HI)", high, MAXIMUM_ALLOWED), FA);
    /* SidDominates compares the RID: Medium Plus dominates Medium, System Low */
    EXPECT_GRANTED(run("O:SYG:SYD:(A;;FA;;;WD)S:(ML;;NW;;;ME)", medplus, FW), FW);
    EXPECT_GRANTED(run("O:SYG:SYD:(A;;FA;;;WD)S:(ML;;NWNRNX;;;LW)", sys, FA), FA);
    /* an inherit-only label is ignored: the default Medium applies */
    EXPECT_DENIED(run("O:SYG:SYD:(A;;FA;;;WD)S:(ML;OICIIO;NW;;;LW)", low, FILE_WRITE_DATA));
    /* the first label ACE counts (FindAceByType) */
    EXPECT_GRANTED(run("O:SYG:SYD:(A;;FA;;;WD)S:(ML;;NW;;;LW)(ML;;NW;;;SI)", low, FILE_WRITE_DATA), FILE_WRITE_DATA);
    /* MIC comes before the privilege check: ACCESS_SYSTEM_SECURITY is outside
    ** FR|FX, so the low token is denied, not PRIVILEGE_NOT_HELD */
    EXPECT_DENIED(run("O:SYG:SYD:(A;;FA;;;WD)", low, ACCESS_SYSTEM_SECURITY));
    /* the DACL still decides within the allowed set */
    EXPECT_DENIED(run("O:SYG:SYD:(A;;FX;;;WD)", low, FR));
    ntsec_token_free(low);
    ntsec_token_free(med);
    ntsec_token_free(high);
    ntsec_token_free(medplus);
    ntsec_token_free(sys);
}

static void test_integrity_policy_and_relabel(void)
{
    ntsec_token *low = token_il(0x1000);
    outcome o;
    /* policy OFF / NEW_PROCESS_MIN only: no restriction (DTYP 2.5.3.3) */
    ntsec_token_set_mandatory_policy(low, TOKEN_MANDATORY_POLICY_OFF);
    EXPECT_GRANTED(run("O:SYG:SYD:(A;;FA;;;WD)S:(ML;;NWNRNX;;;SI)", low, FA), FA);
    ntsec_token_set_mandatory_policy(low, TOKEN_MANDATORY_POLICY_NEW_PROCESS_MIN);
    EXPECT_GRANTED(run("O:SYG:SYD:(A;;FA;;;WD)S:(ML;;NWNRNX;;;SI)", low, FA), FA);
    CHECK_EQ_U(ntsec_token_mandatory_policy(low), TOKEN_MANDATORY_POLICY_NEW_PROCESS_MIN);
    ntsec_token_set_mandatory_policy(low, TOKEN_MANDATORY_POLICY_NO_WRITE_UP);
    EXPECT_DENIED(run("O:SYG:SYD:(A;;FA;;;WD)S:(ML;;NW;;;HI)", low, WRITE_OWNER));
    /* SeRelabelPrivilege adds WRITE_OWNER to the allowed set; the DACL must
    ** still grant it; privileges_used reports it */
    ntsec_token_add_privilege(low, SE_RELABEL_PRIVILEGE, SE_PRIVILEGE_ENABLED);
    o = run("O:SYG:SYD:(A;;FA;;;WD)S:(ML;;NW;;;HI)", low, WRITE_OWNER);
    EXPECT_GRANTED(o, WRITE_OWNER);
    CHECK_EQ_U(o.used, NTSEC_USED_RELABEL);
    EXPECT_DENIED(run("O:SYG:SYD:(A;;FR;;;WD)S:(ML;;NW;;;HI)", low, WRITE_OWNER));
    /* not reported when WRITE_OWNER is not part of the result */
    o = run("O:SYG:SYD:(A;;FA;;;WD)S:(ML;;NW;;;HI)", low, FR);
    CHECK_EQ_U(o.used, 0);
    ntsec_token_free(low);
}

/* ---- 3.1 restricted tokens: a second pass with the restricting SIDs ---- */

static void test_restricted(void)
{
    uint8_t b[68];
    ntsec_token *t = token_il(-1);
    ntsec_token_add_restricted_sid(t, sid_of("WD", b), ENABLED);
    CHECK(ntsec_token_is_restricted(t));
    /* normal pass: FR|FW; restricted pass (WD only): FR */
    EXPECT_GRANTED(run("O:SYG:SYD:(A;;FR;;;WD)(A;;FW;;;BU)", t, FR), FR);
    EXPECT_DENIED(run("O:SYG:SYD:(A;;FR;;;WD)(A;;FW;;;BU)", t, FILE_WRITE_DATA));
    EXPECT_GRANTED(run("O:SYG:SYD:(A;;FR;;;WD)(A;;FW;;;BU)", t, MAXIMUM_ALLOWED), FR);
    /* a restricting SID that the normal SIDs lack: the normal pass refuses */
    EXPECT_DENIED(run("O:SYG:SYD:(A;;FR;;;RC)", t, FR));
    /* owner rights need the owner in both passes: BU is only a normal SID */
    EXPECT_DENIED(run("O:BUG:SYD:", t, READ_CONTROL | WRITE_DAC));
    ntsec_token_add_restricted_sid(t, sid_of("BU", b), ENABLED);
    EXPECT_GRANTED(run("O:BUG:SYD:", t, READ_CONTROL | WRITE_DAC), READ_CONTROL | WRITE_DAC);
    ntsec_token_free(t);
    /* a deny ACE for a restricting SID (RESTRICTED CODE S-1-5-12) */
    t = token_il(-1);
    ntsec_token_add_restricted_sid(t, sid_of("WD", b), ENABLED);
    ntsec_token_add_restricted_sid(t, sid_of("RC", b), ENABLED);
    EXPECT_DENIED(run("O:SYG:SYD:(D;;FW;;;RC)(A;;FA;;;WD)", t, FILE_WRITE_DATA));
    EXPECT_GRANTED(run("O:SYG:SYD:(D;;FW;;;RC)(A;;FA;;;WD)", t, FILE_READ_DATA), FILE_READ_DATA);
    /* MAXIMUM_ALLOWED: normal pass FA, restricted pass FA & ~FW (order-sensitive:
    ** the deny comes first) -> the intersection */
    EXPECT_GRANTED(run("O:SYG:SYD:(D;;FW;;;RC)(A;;FA;;;WD)", t, MAXIMUM_ALLOWED), FA & ~FW);
    /* privileges bypass both passes */
    ntsec_token_add_privilege(t, SE_TAKE_OWNERSHIP_PRIVILEGE, SE_PRIVILEGE_ENABLED);
    EXPECT_GRANTED(run("O:SYG:SYD:", t, WRITE_OWNER), WRITE_OWNER);
    ntsec_token_free(t);
}

/* ---- 3.5 backup/restore intent ---- */

static void test_backup_intent(void)
{
    ntsec_token *t = token_il(-1);
    ntsec_access_opts opts;
    outcome o;
    memset(&opts, 0, sizeof opts);
    opts.flags = NTSEC_ACCESS_BACKUP_INTENT;
    ntsec_token_add_privilege(t, SE_BACKUP_PRIVILEGE, SE_PRIVILEGE_ENABLED);
    /* without intent the privilege does nothing */
    EXPECT_DENIED(run("O:SYG:SYD:", t, FR));
    /* with intent: FR is inside READ_CONTROL|AS|FILE_GENERIC_READ|TRAVERSE */
    o = run_opts("O:SYG:SYD:", t, FR, &opts);
    EXPECT_GRANTED(o, FR);
    CHECK_EQ_U(o.used, NTSEC_USED_BACKUP);
    /* a deny ACE cannot take a privilege grant back */
    EXPECT_GRANTED(run_opts("O:SYG:SYD:(D;;FA;;;WD)", t, FR, &opts), FR);
    /* writing needs SeRestorePrivilege */
    EXPECT_DENIED(run_opts("O:SYG:SYD:", t, FILE_WRITE_DATA, &opts));
    ntsec_token_add_privilege(t, SE_RESTORE_PRIVILEGE, SE_PRIVILEGE_ENABLED);
    o = run_opts("O:SYG:SYD:", t, FILE_WRITE_DATA | DELETE | WRITE_DAC, &opts);
    EXPECT_GRANTED(o, FILE_WRITE_DATA | DELETE | WRITE_DAC);
    CHECK_EQ_U(o.used, NTSEC_USED_RESTORE);
    /* ACCESS_SYSTEM_SECURITY through SeBackupPrivilege, without SeSecurityPrivilege */
    o = run_opts("O:SYG:SYD:", t, ACCESS_SYSTEM_SECURITY, &opts);
    EXPECT_GRANTED(o, ACCESS_SYSTEM_SECURITY);
    CHECK_EQ_U(o.used, NTSEC_USED_BACKUP);
    /* MAXIMUM_ALLOWED: both sets without AS = 0x1200A9 | 0x1D0116 = 0x1F01BF */
    EXPECT_GRANTED(run_opts("O:SYG:SYD:", t, MAXIMUM_ALLOWED, &opts), 0x001F01BFu);
    /* a disabled privilege does nothing */
    ntsec_token_add_privilege(t, SE_RESTORE_PRIVILEGE, 0);
    EXPECT_DENIED(run_opts("O:SYG:SYD:", t, FILE_WRITE_DATA, &opts));
    ntsec_token_free(t);
}

/* ---- 3.7 object-type lists ---- */

#define G0 "e0000000-0000-0000-0000-000000000000"
#define G1 "e1000000-0000-0000-0000-000000000000"
#define G2 "e2000000-0000-0000-0000-000000000000"
#define G3 "e3000000-0000-0000-0000-000000000000"
#define G9 "e9000000-0000-0000-0000-000000000000"

typedef struct typed {
    ntsec_object_type types[4];
    ntsec_object_result results[4];
    ntsec_access_opts opts;
} typed;

/* The tree G0 (object) > G1 > G2, and G0 > G3. */
static void typed_init(typed *t)
{
    static const char *const g[4] = {G0, G1, G2, G3};
    static const uint16_t level[4] = {0, 1, 2, 1};
    int i;
    memset(t, 0, sizeof *t);
    for (i = 0; i < 4; i++) {
        t->types[i].level = level[i];
        ntsec_guid_parse(g[i], 36, &t->types[i].guid);
    }
    t->opts.object_types = t->types;
    t->opts.object_type_count = 4;
    t->opts.results = t->results;
}

#define NODE(t, i, st, g) do { CHECK_EQ_U((t).results[i].status, (st)); \
    CHECK_EQ_U((t).results[i].granted, (g)); } while (0)

static void test_object_types(void)
{
    ntsec_token *tok = token_il(-1);
    typed t;
    typed_init(&t);
    /* RP allowed on G1 reaches G1 and G2; G3 still wants it, so G0 (whose
    ** children are G1 and G3) is not satisfied: denied */
    EXPECT_DENIED(run_opts("O:SYG:SYD:(OA;;RP;" G1 ";;WD)", tok, RP, &t.opts));
    NODE(t, 0, STATUS_ACCESS_DENIED, 0);
    NODE(t, 1, STATUS_SUCCESS, RP);
    NODE(t, 2, STATUS_SUCCESS, RP);
    NODE(t, 3, STATUS_ACCESS_DENIED, 0);
    /* RP on G3 too: every child of G0 has it, so G0 has it */
    EXPECT_GRANTED(run_opts("O:SYG:SYD:(OA;;RP;" G1 ";;WD)(OA;;RP;" G3 ";;WD)", tok, RP, &t.opts), RP);
    NODE(t, 0, STATUS_SUCCESS, RP);
    NODE(t, 3, STATUS_SUCCESS, RP);
    /* an object ACE whose type is not listed is ignored */
    EXPECT_DENIED(run_opts("O:SYG:SYD:(OA;;RP;" G9 ";;WD)", tok, RP, &t.opts));
    /* a plain ACE, or an object ACE without ObjectType, covers every node */
    EXPECT_GRANTED(run_opts("O:SYG:SYD:(A;;RP;;;WD)", tok, RP, &t.opts), RP);
    EXPECT_GRANTED(run_opts("O:SYG:SYD:(OA;;RP;;;WD)", tok, RP, &t.opts), RP);
    NODE(t, 2, STATUS_SUCCESS, RP);
    /* an object deny on G2 refuses G2; the whole request is denied (DTYP),
    ** the plain allow still satisfies the other nodes */
    EXPECT_DENIED(run_opts("O:SYG:SYD:(OD;;RP;" G2 ";;WD)(A;;RP;;;WD)", tok, RP, &t.opts));
    NODE(t, 2, STATUS_ACCESS_DENIED, 0);
    NODE(t, 1, STATUS_SUCCESS, RP);
    /* an allow before the object deny wins (first match per bit) */
    EXPECT_GRANTED(run_opts("O:SYG:SYD:(A;;RP;;;WD)(OD;;RP;" G2 ";;WD)", tok, RP, &t.opts), RP);
    ntsec_token_free(tok);
}

static void test_object_types_max_and_self(void)
{
    uint8_t me[68];
    ntsec_token *tok = token_il(-1);
    typed t;
    typed_init(&t);
    /* MAX: RP on G1 (G1, G2), WP on G2 (then G1, whose only child is G2,
    ** gets WP), RC everywhere. G0's children G1 and G3 share only RC. */
    EXPECT_GRANTED(run_opts("O:SYG:SYD:(OA;;RP;" G1 ";;WD)(OA;;WP;" G2 ";;WD)(A;;RC;;;WD)", tok,
                            MAXIMUM_ALLOWED, &t.opts), READ_CONTROL);
    NODE(t, 1, STATUS_SUCCESS, RP | WP | READ_CONTROL);
    NODE(t, 2, STATUS_SUCCESS, RP | WP | READ_CONTROL);
    NODE(t, 3, STATUS_SUCCESS, READ_CONTROL);
    /* PRINCIPAL_SELF in an object ACE */
    t.opts.principal_self = sid_of("S-1-5-21-1-2-3-1001", me);
    run_opts("O:SYG:SYD:(OA;;RP;" G1 ";;PS)", tok, RP, &t.opts);
    NODE(t, 1, STATUS_SUCCESS, RP);
    t.opts.principal_self = sid_of("SY", me);
    run_opts("O:SYG:SYD:(OA;;RP;" G1 ";;PS)", tok, RP, &t.opts);
    NODE(t, 1, STATUS_ACCESS_DENIED, 0);
    /* malformed lists (levels) */
    t.types[0].level = 1;
    CHECK_EQ_U(run_opts("O:SYG:SYD:", tok, RP, &t.opts).call, STATUS_INVALID_PARAMETER);
    t.types[0].level = 0;
    t.types[1].level = 2;                       /* jumps from 0 to 2 */
    CHECK_EQ_U(run_opts("O:SYG:SYD:", tok, RP, &t.opts).call, STATUS_INVALID_PARAMETER);
    t.types[1].level = 5;
    CHECK_EQ_U(run_opts("O:SYG:SYD:", tok, RP, &t.opts).call, STATUS_INVALID_PARAMETER);
    t.types[1].level = 1;
    t.opts.object_type_count = NTSEC_MAX_OBJECT_TYPES + 1;
    CHECK_EQ_U(run_opts("O:SYG:SYD:", tok, RP, &t.opts).call, STATUS_NOT_SUPPORTED);
    ntsec_token_free(tok);
}

/* ---- 3.2 rows 2-3: token type and level with NTSEC_ACCESS_NT_API ---- */

static void test_token_type(void)
{
    ntsec_token *t = token_il(-1);
    ntsec_access_opts opts;
    memset(&opts, 0, sizeof opts);
    opts.flags = NTSEC_ACCESS_NT_API;
    EXPECT_GRANTED(run_opts("O:SYG:SYD:(A;;FA;;;WD)", t, FR, &opts), FR);
    CHECK_EQ_U(ntsec_token_set_type(t, NTSEC_TOKEN_PRIMARY, SECURITY_IMPERSONATION), STATUS_SUCCESS);
    CHECK_EQ_U(run_opts("O:SYG:SYD:(A;;FA;;;WD)", t, FR, &opts).call, STATUS_NO_IMPERSONATION_TOKEN);
    EXPECT_GRANTED(run("O:SYG:SYD:(A;;FA;;;WD)", t, FR), FR);        /* SeAccessCheck style */
    ntsec_token_set_type(t, NTSEC_TOKEN_IMPERSONATION, SECURITY_ANONYMOUS);
    CHECK_EQ_U(run_opts("O:SYG:SYD:(A;;FA;;;WD)", t, FR, &opts).call, STATUS_BAD_IMPERSONATION_LEVEL);
    ntsec_token_set_type(t, NTSEC_TOKEN_IMPERSONATION, SECURITY_IDENTIFICATION);
    EXPECT_GRANTED(run_opts("O:SYG:SYD:(A;;FA;;;WD)", t, FR, &opts), FR);
    CHECK_EQ_U(ntsec_token_set_type(t, 3, SECURITY_IDENTIFICATION), STATUS_INVALID_PARAMETER);
    CHECK_EQ_U(ntsec_token_set_type(t, NTSEC_TOKEN_PRIMARY, 4), STATUS_INVALID_PARAMETER);
    ntsec_token_free(t);
}

/* ---- conditional ACEs in the check (2.4.4.17.3) ---- */

static void test_conditions_in_check(void)
{
    ntsec_token *t = token_il(-1);
    ntsec_claim_value v;
    memset(&v, 0, sizeof v);
    v.s = "Finance";
    ntsec_token_add_claim(t, NTSEC_CLAIM_USER, "Division", CLAIM_SECURITY_ATTRIBUTE_TYPE_STRING, 0, &v, 1);
    /* allow applies on TRUE only */
    EXPECT_GRANTED(run("O:SYG:SYD:(XA;;FR;;;WD;(@User.Division == \"finance\"))", t, FR), FR);
    EXPECT_DENIED(run("O:SYG:SYD:(XA;;FR;;;WD;(@User.Division == \"Sales\"))", t, FR));
    EXPECT_DENIED(run("O:SYG:SYD:(XA;;FR;;;WD;(@User.Title == \"PM\"))", t, FR));     /* UNKNOWN */
    /* deny applies on TRUE or UNKNOWN, not on FALSE */
    EXPECT_DENIED(run("O:SYG:SYD:(XD;;FR;;;WD;(@User.Division == \"Finance\"))(A;;FA;;;WD)", t, FR));
    EXPECT_DENIED(run("O:SYG:SYD:(XD;;FR;;;WD;(@User.Title == \"PM\"))(A;;FA;;;WD)", t, FR));
    EXPECT_GRANTED(run("O:SYG:SYD:(XD;;FR;;;WD;(@User.Division == \"Sales\"))(A;;FA;;;WD)", t, FR), FR);
    /* the ACE's SID must match as well */
    EXPECT_DENIED(run("O:SYG:SYD:(XA;;FR;;;BA;(@User.Division == \"Finance\"))", t, FR));
    /* MAXIMUM_ALLOWED */
    EXPECT_GRANTED(run("O:SYG:SYD:(XA;;FR;;;WD;(Member_of {SID(BU)}))(XA;;FW;;;WD;(Member_of {SID(BA)}))",
                       t, MAXIMUM_ALLOWED), FR);
    /* resource attributes come from the SACL */
    EXPECT_GRANTED(run("O:SYG:SYD:(XA;;FR;;;WD;(@User.Division == @Resource.Dept))"
                       "S:(RA;;;;;WD;(\"Dept\",TS,0x0,\"Finance\"))", t, FR), FR);
    EXPECT_DENIED(run("O:SYG:SYD:(XA;;FR;;;WD;(@User.Division == @Resource.Dept))"
                      "S:(RA;;;;;WD;(\"Dept\",TS,0x0,\"HR\"))", t, FR));
    ntsec_token_free(t);
}

/* ---- NULL DACL with MAXIMUM_ALLOWED and extra asked bits (ReactOS RULE 1) ---- */

static void test_null_dacl_extra_bits(void)
{
    ntsec_token *t = token_il(-1);
    EXPECT_GRANTED(run("O:SYG:SYD:NO_ACCESS_CONTROL", t, MAXIMUM_ALLOWED | 0x00800000u), FA | 0x00800000u);
    EXPECT_GRANTED(run("O:SYG:SY", t, MAXIMUM_ALLOWED), FA);
    ntsec_token_free(t);
}

/* ---- the trace ---- */

typedef struct collected {
    ntsec_trace_event ev[64];
    int n;
} collected;

static void collect(void *ctx, const ntsec_trace_event *ev)
{
    collected *c = ctx;
    if (c->n < 64) c->ev[c->n++] = *ev;
}

static int find_kind(const collected *c, ntsec_trace_kind k, int from)
{
    int i;
    for (i = from; i < c->n; i++)
        if (c->ev[i].kind == k) return i;
    return -1;
}

static void test_trace_events(void)
{
    uint8_t b[68];
    ntsec_token *t = ntsec_token_new(sid_of("S-1-5-21-1-2-3-1001", b), 0);
    ntsec_trace_sink sink;
    ntsec_access_opts opts;
    collected c;
    int i;
    ntsec_token_add_group(t, sid_of("WD", b), ENABLED);
    ntsec_token_add_group(t, sid_of("BA", b), SE_GROUP_USE_FOR_DENY_ONLY);
    ntsec_token_add_group(t, sid_of("BU", b), SE_GROUP_MANDATORY);   /* disabled */
    memset(&c, 0, sizeof c);
    memset(&opts, 0, sizeof opts);
    sink.emit = collect;
    sink.ctx = &c;
    opts.trace = &sink;
    /* ACE 1 IO, 2 allow for a deny-only SID, 3 allow for a disabled SID,
    ** 4 absent SID, 5 grants FR, 6 not reached */
    EXPECT_GRANTED(run_opts("O:SYG:SYD:(A;IO;FA;;;WD)(A;;FA;;;BA)(A;;FA;;;BU)(A;;FA;;;AU)(A;;FR;;;WD)(D;;FA;;;WD)",
                            t, FR, &opts), FR);
    CHECK(c.n > 0 && c.ev[0].kind == NTSEC_TRACE_START);
    i = find_kind(&c, NTSEC_TRACE_ACE, 0);
    CHECK(i > 0);
    if (i > 0 && i + 5 < c.n) {
        CHECK_EQ_U(c.ev[i].reason, NTSEC_WHY_INHERIT_ONLY);
        CHECK_EQ_U(c.ev[i + 1].reason, NTSEC_WHY_SID_DENY_ONLY);
        CHECK_EQ_U(c.ev[i + 2].reason, NTSEC_WHY_SID_DISABLED);
        CHECK_EQ_U(c.ev[i + 3].reason, NTSEC_WHY_SID_ABSENT);
        CHECK_EQ_U(c.ev[i + 4].reason, NTSEC_WHY_APPLIED);
        CHECK_EQ_U(c.ev[i + 4].granted, FR);
        CHECK_EQ_U(c.ev[i + 4].index, 4);
        CHECK_EQ_U(c.ev[i + 5].reason, NTSEC_WHY_NOT_REACHED);
    }
    i = find_kind(&c, NTSEC_TRACE_RESULT, 0);
    CHECK(i == c.n - 1);
    if (i >= 0) CHECK_EQ_U(c.ev[i].status, STATUS_SUCCESS);
    /* a deny in MAXIMUM_ALLOWED mode records the bits it denied */
    c.n = 0;
    EXPECT_GRANTED(run_opts("O:SYG:SYD:(D;;0x2;;;BA)(A;;FA;;;WD)", t, MAXIMUM_ALLOWED, &opts), FA & ~0x2u);
    i = find_kind(&c, NTSEC_TRACE_ACE, 0);
    if (i >= 0 && i + 1 < c.n) {
        CHECK_EQ_U(c.ev[i].denied, 0x2);
        CHECK_EQ_U(c.ev[i + 1].granted, FA & ~0x2u);
    }
    /* the missing privilege is a step of its own */
    c.n = 0;
    run_opts("O:SYG:SYD:", t, ACCESS_SYSTEM_SECURITY, &opts);
    i = find_kind(&c, NTSEC_TRACE_PRIVILEGE, 0);
    CHECK(i >= 0);
    if (i >= 0) {
        CHECK_EQ_U(c.ev[i].reason, NTSEC_WHY_MISSING);
        CHECK_EQ_U(c.ev[i].privilege, SE_SECURITY_PRIVILEGE);
    }
    ntsec_token_free(t);
}

/* ntsec_explain records the same decision as the plain check. */
static void test_explain_matches_check(void)
{
    static const char *const cases[] = {
        "O:SYG:SYD:(A;;FR;;;WD)(D;;FW;;;WD)", "O:BUG:SYD:(A;;FX;;;S-1-3-4)", "O:SYG:SYD:",
        "O:SYG:SY", "O:SYG:SYD:(XD;;FR;;;WD;(@User.x == 1))(A;;FA;;;WD)",
    };
    static const ACCESS_MASK wants[] = {FR, FW, READ_CONTROL, MAXIMUM_ALLOWED, WRITE_DAC};
    ntsec_token *t = token_il(0x2000);
    size_t i, j;
    int same = 1;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ntsec_sd *sd = sd_of(cases[i]);
        for (j = 0; j < sizeof wants / sizeof wants[0]; j++) {
            ntsec_access_result r;
            ntsec_explanation e;
            NTSTATUS st = ntsec_access_check(sd, t, wants[j], &ntsec_file_mapping, NULL, &r);
            if (ntsec_explain(sd, t, wants[j], &ntsec_file_mapping, NULL, &e) != STATUS_SUCCESS) same = 0;
            if (e.call_status != st || e.result.granted != r.granted || e.result.access_status != r.access_status)
                same = 0;
            if (e.count < 2 || e.events[e.count - 1].kind != NTSEC_TRACE_RESULT) same = 0;
            ntsec_explanation_free(&e);
        }
        ntsec_sd_unref(sd);
    }
    CHECK(same);
    CHECK_STR(ntsec_trace_reason_name(NTSEC_WHY_SID_DENY_ONLY), "sid_deny_only");
    CHECK_STR(ntsec_trace_kind_name(NTSEC_TRACE_ACE), "ace");
    CHECK_STR(ntsec_trace_reason_name((ntsec_trace_reason)999), "?");
    ntsec_token_free(t);
}

/* ---- token extras: defaults, device groups, clone ---- */

static void test_token_extras(void)
{
    uint8_t b[68], acl[8 + 20];
    ntsec_token *t = token_il(0x2000), *c;
    ntsec_claim_value v;
    CHECK(ntsec_sid_equal(ntsec_token_owner(t), sid_of("S-1-5-21-1-2-3-1001", b)));
    CHECK_EQ_U(ntsec_token_set_owner(t, sid_of("BA", b)), STATUS_INVALID_OWNER);
    CHECK_EQ_U(ntsec_token_set_primary_group(t, sid_of("BU", b)), STATUS_SUCCESS);
    CHECK_EQ_U(ntsec_token_set_primary_group(t, sid_of("BA", b)), STATUS_INVALID_PRIMARY_GROUP);
    CHECK(ntsec_sid_equal(ntsec_token_primary_group(t), sid_of("BU", b)));
    /* a one-ACE default DACL (A;;GA;;;SY) */
    CHECK_EQ_U(ctest_unhex("02001c0001000000" "00001400" "00000010" "010100000000000512000000", acl,
                           sizeof acl), 28);
    CHECK_EQ_U(ntsec_token_set_default_dacl(t, acl), STATUS_SUCCESS);
    CHECK(ntsec_token_default_dacl(t) != NULL);
    CHECK_EQ_U(ntsec_token_add_device_group(t, sid_of("BA", b), ENABLED), STATUS_SUCCESS);
    CHECK(ntsec_token_has_device_sid(t, sid_of("BA", b), 0));
    CHECK(!ntsec_token_has_sid(t, sid_of("BA", b), 1));
    memset(&v, 0, sizeof v);
    v.u = 2;
    CHECK_EQ_U(ntsec_token_add_claim(t, NTSEC_CLAIM_USER, "b", CLAIM_SECURITY_ATTRIBUTE_TYPE_BOOLEAN, 0, &v, 1),
               STATUS_INVALID_PARAMETER);
    CHECK_EQ_U(ntsec_token_add_claim(t, NTSEC_CLAIM_USER, "", CLAIM_SECURITY_ATTRIBUTE_TYPE_INT64, 0, &v, 1),
               STATUS_INVALID_PARAMETER);
    CHECK_EQ_U(ntsec_token_add_claim(t, NTSEC_CLAIM_USER, "f", CLAIM_SECURITY_ATTRIBUTE_TYPE_FQBN, 0, &v, 1),
               STATUS_NOT_SUPPORTED);
    v.i = 7;
    CHECK_EQ_U(ntsec_token_add_claim(t, NTSEC_CLAIM_DEVICE, "n", CLAIM_SECURITY_ATTRIBUTE_TYPE_INT64, 0, &v, 1),
               STATUS_SUCCESS);
    CHECK_EQ_U(ntsec_token_claim_count(t, NTSEC_CLAIM_DEVICE), 1);
    ntsec_token_add_restricted_sid(t, sid_of("WD", b), ENABLED);
    c = ntsec_token_clone(t);
    CHECK(c != NULL);
    ntsec_token_free(t);
    /* the clone keeps everything */
    CHECK(ntsec_token_is_restricted(c));
    CHECK(ntsec_token_has_device_sid(c, sid_of("BA", b), 0));
    CHECK_EQ_U(ntsec_token_claim_count(c, NTSEC_CLAIM_DEVICE), 1);
    CHECK(ntsec_token_integrity_sid(c) != NULL);
    CHECK(ntsec_sid_equal(ntsec_token_primary_group(c), sid_of("BU", b)));
    CHECK(ntsec_token_default_dacl(c) != NULL);
    ntsec_token_free(c);
}

int main(void)
{
    test_integrity();
    test_integrity_policy_and_relabel();
    test_restricted();
    test_backup_intent();
    test_object_types();
    test_object_types_max_and_self();
    test_token_type();
    test_conditions_in_check();
    test_null_dacl_extra_bits();
    test_trace_events();
    test_explain_matches_check();
    test_token_extras();
    return ctest_summary();
}
