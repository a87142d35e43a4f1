/*
** wfp_classify_test.c: arbitration at one layer (wfp_classify.h), built
** from the worked examples and rules of shared/spec/wfp_classify.md 3-5
** (test ids T1-T19 of 5). Expected decisions, deciding filters and
** combination rules are worked out by hand from the spec.
*/
#include <stdlib.h>

#include "ctest.h"
#include "guid.h"
#include "secdefs.h"
#include "sid_pool.h"
#include "status.h"
#include "token.h"
#include "token_appcontainer.h"
#include "wfp_classify.h"
#include "wfp_names.h"
#include "wfp_dump_load.h"

#define ON (SE_GROUP_ENABLED | SE_GROUP_ENABLED_BY_DEFAULT | SE_GROUP_MANDATORY)
enum { PERMIT = NTSEC_WFP_ACTION_PERMIT, BLOCK = NTSEC_WFP_ACTION_BLOCK };

static ntsec_wfp_filter_set *set;
static ntsec_wfp_classifier *clf;
static ntsec_guid LAYER;

static ntsec_guid guid_n(unsigned n)
{
    ntsec_guid g;
    memset(&g, 0, sizeof g);
    g.b[0] = (uint8_t)n;
    g.b[1] = (uint8_t)(n >> 8);
    g.b[15] = 0x5a;
    return g;
}

static void fresh(void)
{
    ntsec_wfp_filter_set_free(set);
    set = ntsec_wfp_filter_set_new();
    ntsec_wfp_name_to_guid("FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4", 34, &LAYER);
}

static ntsec_guid sublayer(unsigned n, uint16_t weight)
{
    ntsec_guid g = guid_n(1000 + n);
    char name[16];
    snprintf(name, sizeof name, "S%u", n);
    CHECK_EQ_U(ntsec_wfp_set_add_sublayer(set, &g, weight, name), STATUS_SUCCESS);
    return g;
}

static ntsec_guid callout(unsigned n, int registered)
{
    ntsec_guid g = guid_n(2000 + n);
    CHECK_EQ_U(ntsec_wfp_set_add_callout(set, &g, registered, "callout"), STATUS_SUCCESS);
    return g;
}

/* Conditions from text, up to 6, terminated by a NULL field. */
typedef struct ct {
    const char *field, *match, *type, *value, *lo, *hi;
} ct;

static size_t filter_index;

/* Add filter id with the given sublayer, effective weight, action. */
static uint32_t add(unsigned id, const ntsec_guid *sub, uint64_t ew, uint32_t action,
                    const ntsec_guid *co, uint32_t flags, const ct *conds)
{
    ntsec_wfp_condition c[8];
    ntsec_wfp_filter_def d;
    size_t n = 0;
    char name[16];
    memset(&d, 0, sizeof d);
    for (; conds && conds[n].field; n++) {
        ntsec_wfp_condition_text t;
        char err[128] = "";
        memset(&t, 0, sizeof t);
        t.field = conds[n].field;
        t.match = conds[n].match;
        t.type = conds[n].type;
        t.value = conds[n].value;
        if (conds[n].lo) {
            t.low_type = t.high_type = conds[n].value;
            t.low = conds[n].lo;
            t.high = conds[n].hi;
        }
        if (ntsec_wfp_set_condition_from_text(set, &t, &c[n], err, sizeof err) != STATUS_SUCCESS) {
            printf("condition: %s\n", err);
            abort();
        }
    }
    snprintf(name, sizeof name, "F%u", id);
    d.key = guid_n(id);
    d.id = id;
    d.name = name;
    d.layer = LAYER;
    d.sublayer = *sub;
    d.weight_type = NTSEC_FWP_UINT64;
    d.weight = d.effective_weight = ew;
    d.action = action;
    if (co) d.callout = *co;
    d.flags = flags;
    d.conditions = c;
    d.condition_count = (uint32_t)n;
    CHECK_EQ_U(ntsec_wfp_set_add_filter(set, &d), STATUS_SUCCESS);
    return (uint32_t)filter_index++;
}

static uint64_t fid(uint32_t filter)
{
    return filter == UINT32_MAX ? 0 : ntsec_wfp_set_filter(set, filter)->id;
}

static const ntsec_wfp_result *classify(const ntsec_wfp_flow *f, int boot)
{
    const ntsec_wfp_result *r = NULL;
    ntsec_wfp_classify_opts o;
    memset(&o, 0, sizeof o);
    o.boot_mode = boot;
    CHECK_EQ_U(ntsec_wfp_classify(clf, set, &LAYER, f, &o, &r), STATUS_SUCCESS);
    return r;
}

/* The outcome whose first choice has the given value. */
static const ntsec_wfp_outcome *outcome_with(const ntsec_wfp_result *r, size_t depth, uint32_t value)
{
    size_t i;
    for (i = 0; i < r->outcome_count; i++) {
        ntsec_wfp_choice ch[8];
        size_t n = ntsec_wfp_outcome_choices(r, &r->outcomes[i], ch, 8);
        if (n > depth && ch[depth].value == value) return &r->outcomes[i];
    }
    return NULL;
}

static const char *IIS_ID = "5c006900690073002e006500780065000000";   /* "\iis.exe" + NUL */
static uint8_t iis_blob[32];
static size_t iis_len;

static void flow_app_port(ntsec_wfp_flow *f, const ntsec_wfp_principal *p, const char *app, uint16_t port)
{
    static uint8_t blob[64];
    size_t n = ntsec_wfp_app_id(app, strlen(app), blob, sizeof blob);
    ntsec_wfp_flow_init(f, p);
    ntsec_wfp_flow_set_name(f, "FWPM_CONDITION_ALE_APP_ID", ntsec_fwp_bytes(NTSEC_FWP_BYTE_BLOB_TYPE, blob, n));
    ntsec_wfp_flow_set_name(f, "FWPM_CONDITION_IP_LOCAL_PORT", ntsec_fwp_uint(NTSEC_FWP_UINT16, port));
}

/* T1 (W32-FA within a sublayer; SA-FILTER no conditions = always). */
static void test_t1(void)
{
    ntsec_guid s;
    ntsec_wfp_flow f;
    const ntsec_wfp_result *r;
    uint32_t a;
    fresh();
    filter_index = 0;
    s = sublayer(1, 10);
    add(2, &s, 5, BLOCK, NULL, 0, NULL);
    a = add(1, &s, 10, PERMIT, NULL, 0, NULL);
    ntsec_wfp_flow_init(&f, NULL);
    r = classify(&f, 0);
    CHECK_EQ_U(r->decision, NTSEC_WFP_DECISION_PERMIT);
    CHECK_EQ_U(r->reason, NTSEC_WFP_REASON_FILTER);
    CHECK_EQ_U(r->verdict.filter, a);
    CHECK_EQ_U(r->sublayer_count, 1);
    CHECK_EQ_U(r->sublayers[0].count, 1);        /* B was not evaluated */
    CHECK_EQ_U(r->sublayers[0].total, 2);
    CHECK_EQ_U(r->filters[0].filter, a);
    CHECK(r->filters[0].roles & NTSEC_WFP_ROLE_DECIDED);
}

/* The Filter Arbitration diagram at ALE recv/accept (3.8 ex. 1, T2-T5):
** FW1 {APP_ID = iis.exe -> PERMIT} > FW2 {LOCAL_PORT = 80 -> X} > S3
** {* -> inspection callout}. */
static uint32_t fw1, fw2, s3f;
static void diagram(uint32_t fw1_flags, uint32_t fw2_action, int callout_registered)
{
    ct c1[] = { { "FWPM_CONDITION_ALE_APP_ID", "FWP_MATCH_EQUAL", "FWP_BYTE_BLOB_TYPE", IIS_ID, 0, 0 }, { 0 } };
    ct c2[] = { { "FWPM_CONDITION_IP_LOCAL_PORT", "FWP_MATCH_EQUAL", "FWP_UINT16", "80", 0, 0 }, { 0 } };
    ntsec_guid s1, s2, s3, log = guid_n(2999), ids;
    fresh();
    filter_index = 0;
    s3 = sublayer(3, 100);              /* added first: order comes from weights */
    s1 = sublayer(1, 300);
    s2 = sublayer(2, 200);
    ids = callout(1, callout_registered);
    CHECK_EQ_U(ntsec_wfp_set_add_callout(set, &log, 1, "log_callout"), STATUS_SUCCESS);
    fw1 = add(1, &s1, 10, PERMIT, NULL, fw1_flags, c1);
    fw2 = add(2, &s2, 10, fw2_action, &ids, 0, c2);
    s3f = add(3, &s3, 10, NTSEC_WFP_ACTION_CALLOUT_INSPECTION, &log, 0, NULL);
}

static void test_t2_t3(void)
{
    ntsec_wfp_flow f;
    const ntsec_wfp_result *r;
    ntsec_wfp_step st[4];
    diagram(0, BLOCK, 1);
    flow_app_port(&f, NULL, "\\IIS.exe", 80);
    r = classify(&f, 0);
    CHECK_EQ_U(r->decision, NTSEC_WFP_DECISION_BLOCK);          /* T2 */
    CHECK_EQ_U(r->verdict.filter, fw2);
    CHECK_EQ_U(r->sublayer_count, 3);
    CHECK_EQ_U(r->sublayers[0].weight, 300);
    CHECK_EQ_U(r->sublayers[1].weight, 200);
    CHECK_EQ_U(r->sublayers[2].weight, 100);
    CHECK_EQ_U(ntsec_wfp_outcome_steps(r, &r->outcomes[0], st, 4), 2);
    CHECK_EQ_U(st[0].rule, NTSEC_WFP_RULE_FIRST);
    CHECK_EQ_U(st[0].verdict.hard, 0);                           /* filter permit: soft */
    CHECK_EQ_U(st[1].rule, NTSEC_WFP_RULE_BLOCK_OVERRIDES);
    CHECK_EQ_U(st[1].verdict.hard, 1);                           /* filter block: hard */
    CHECK(r->filters[2].roles & NTSEC_WFP_ROLE_INSPECTED);      /* log_callout consulted */
    CHECK_EQ_U(r->filters[2].filter, s3f);
    flow_app_port(&f, NULL, "\\iis.exe", 443);
    r = classify(&f, 0);
    CHECK_EQ_U(r->decision, NTSEC_WFP_DECISION_PERMIT);         /* T3 */
    CHECK_EQ_U(r->verdict.filter, fw1);
    CHECK_EQ_U(r->filters[1].match.result, NTSEC_WFP_FALSE);    /* FW2: port condition failed */
    CHECK_EQ_U(r->filters[1].match.cond, 0);
    flow_app_port(&f, NULL, "\\other.exe", 443);
    r = classify(&f, 0);
    CHECK_EQ_U(r->decision, NTSEC_WFP_DECISION_PERMIT);         /* 3.6: nothing decided */
    CHECK_EQ_U(r->reason, NTSEC_WFP_REASON_NO_MATCH);
    CHECK_EQ_U(r->verdict.filter, UINT32_MAX);
}

/* T4: FW1 with CLEAR_ACTION_RIGHT is a hard permit; FW2's static block is
** not a veto. T5: FW2 a CALLOUT_TERMINATING: its BLOCK would veto. */
static void test_t4_t5(void)
{
    ntsec_wfp_flow f;
    const ntsec_wfp_result *r;
    const ntsec_wfp_outcome *o;
    ntsec_wfp_step st[4];
    diagram(NTSEC_WFP_FILTER_FLAG_CLEAR_ACTION_RIGHT, BLOCK, 1);
    flow_app_port(&f, NULL, "\\iis.exe", 80);
    r = classify(&f, 0);
    CHECK_EQ_U(r->decision, NTSEC_WFP_DECISION_PERMIT);
    CHECK_EQ_U(r->verdict.filter, fw1);
    CHECK_EQ_U(ntsec_wfp_outcome_steps(r, &r->outcomes[0], st, 4), 2);
    CHECK_EQ_U(st[1].rule, NTSEC_WFP_RULE_HARD_PERMIT_KEPT);
    diagram(NTSEC_WFP_FILTER_FLAG_CLEAR_ACTION_RIGHT, NTSEC_WFP_ACTION_CALLOUT_TERMINATING, 1);
    r = classify(&f, 0);
    CHECK_EQ_U(r->decision, NTSEC_WFP_DECISION_DEPENDS);        /* T5 without an oracle (T19) */
    CHECK_EQ_U(r->outcome_count, 2);
    o = outcome_with(r, 0, BLOCK);
    CHECK(o != NULL);
    if (o) {
        CHECK_EQ_U(o->final.action, BLOCK);
        CHECK_EQ_U(o->final.filter, fw2);
        CHECK_EQ_U(o->final.veto, 1);
        CHECK_EQ_U(ntsec_wfp_outcome_steps(r, o, st, 4), 2);
        CHECK_EQ_U(st[1].rule, NTSEC_WFP_RULE_VETO);
    }
    o = outcome_with(r, 0, PERMIT);
    CHECK(o != NULL);
    if (o) {
        CHECK_EQ_U(o->final.action, PERMIT);
        CHECK_EQ_U(o->final.filter, fw1);
    }
}

/* T6: inbound transport of the diagram: S1 {* -> PERMIT}, S2 {* ->
** inspection callout; * -> PERMIT}: PERMIT, the inspection consulted. */
static void test_t6(void)
{
    ntsec_guid s1, s2, co;
    ntsec_wfp_flow f;
    const ntsec_wfp_result *r;
    ntsec_wfp_step st[4];
    uint32_t a, insp, b;
    fresh();
    filter_index = 0;
    s1 = sublayer(1, 2);
    s2 = sublayer(2, 1);
    co = callout(7, 1);
    a = add(1, &s1, 1, PERMIT, NULL, 0, NULL);
    insp = add(2, &s2, 9, NTSEC_WFP_ACTION_CALLOUT_INSPECTION, &co, 0, NULL);
    b = add(3, &s2, 1, PERMIT, NULL, 0, NULL);
    ntsec_wfp_flow_init(&f, NULL);
    r = classify(&f, 0);
    CHECK_EQ_U(r->decision, NTSEC_WFP_DECISION_PERMIT);
    CHECK_EQ_U(r->verdict.filter, a);
    CHECK_EQ_U(r->sublayers[1].count, 2);
    CHECK_EQ_U(r->filters[1].filter, insp);
    CHECK(r->filters[1].roles & NTSEC_WFP_ROLE_INSPECTED);
    CHECK_EQ_U(r->filters[2].filter, b);
    CHECK_EQ_U(ntsec_wfp_outcome_steps(r, &r->outcomes[0], st, 4), 2);
    CHECK_EQ_U(st[1].rule, NTSEC_WFP_RULE_PERMIT_KEPT);
}

/* ITPRO-UWP cases (3.8 ex. 2; T7-T10) at ALE_AUTH_CONNECT: WSH (weight 3)
** {InternetClient Default Rule, PrivateNetwork rule, Block Outbound
** Default Rule}, WF (2) {Default Outbound PERMIT}. */
static uint32_t ic_rule, pn_rule, block_rule, wf_rule;
static void uwp_filters(void)
{
    ct ic[] = {
        { "FWPM_CONDITION_ALE_PACKAGE_ID", "FWP_MATCH_NOT_EQUAL", "FWP_SID", "S-1-0-0", 0, 0 },
        { "FWPM_CONDITION_ALE_USER_ID", "FWP_MATCH_EQUAL", "FWP_SECURITY_DESCRIPTOR_TYPE",
          "O:LSD:(A;;CC;;;S-1-15-3-1)(A;;CC;;;WD)(A;;CC;;;AN)", 0, 0 },
        { "FWPM_CONDITION_IP_REMOTE_ADDRESS", "FWP_MATCH_RANGE", "FWP_RANGE_TYPE", "FWP_UINT32", "0.0.0.0", "255.255.255.255" },
        { 0 } };
    ct pn[] = {
        { "FWPM_CONDITION_ALE_PACKAGE_ID", "FWP_MATCH_NOT_EQUAL", "FWP_SID", "S-1-0-0", 0, 0 },
        { "FWPM_CONDITION_ALE_USER_ID", "FWP_MATCH_EQUAL", "FWP_SECURITY_DESCRIPTOR_TYPE",
          "O:LSD:(A;;CC;;;S-1-15-3-3)(A;;CC;;;WD)(A;;CC;;;AN)", 0, 0 },
        { "FWPM_CONDITION_IP_REMOTE_ADDRESS", "FWP_MATCH_RANGE", "FWP_RANGE_TYPE", "FWP_UINT32", "172.16.0.0", "172.31.255.255" },
        { "FWPM_CONDITION_IP_REMOTE_ADDRESS", "FWP_MATCH_RANGE", "FWP_RANGE_TYPE", "FWP_UINT32", "192.168.0.0", "192.168.255.255" },
        { 0 } };
    ct blk[] = { { "FWPM_CONDITION_ALE_PACKAGE_ID", "FWP_MATCH_NOT_EQUAL", "FWP_SID", "S-1-0-0", 0, 0 }, { 0 } };
    ntsec_guid wsh, wf;
    fresh();
    filter_index = 0;
    ntsec_wfp_name_to_guid("FWPM_LAYER_ALE_AUTH_CONNECT_V4", 30, &LAYER);
    wsh = sublayer(1, 3);
    wf = sublayer(2, 2);
    ic_rule = add(125918, &wsh, 0x1800000FC0ull, PERMIT, NULL, 0, ic);
    pn_rule = add(125919, &wsh, 0x80006000001FC0ull, PERMIT, NULL, 0, pn);
    block_rule = add(68893, &wsh, 0x1000000000ull, BLOCK, NULL, 0, blk);
    wf_rule = add(121167, &wf, 0x8000000000000000ull, PERMIT, NULL, 0, NULL);
}

static void test_uwp(void)
{
    const char *PKG = "S-1-15-2-4163697451-3176919390-1155390458-2883473650-3020241727-522149888-4067122936";
    ntsec_token *t = ntsec_token_new(sid("S-1-5-21-1-2-3-1001"), 0);
    ntsec_appcontainer *ic = ntsec_appcontainer_new(sid(PKG), 0), *none = ntsec_appcontainer_new(sid(PKG), 0);
    ntsec_appcontainer *pn = ntsec_appcontainer_new(sid(PKG), 0);
    ntsec_wfp_principal p_ic = { t, ic, NULL, 0 }, p_none = { t, none, NULL, 0 }, p_pn = { t, pn, NULL, 0 };
    ntsec_wfp_principal p_plain = { t, NULL, NULL, 0 };
    ntsec_wfp_flow f;
    const ntsec_wfp_result *r;
    ntsec_wfp_step st[4];
    ntsec_token_add_group(t, sid("S-1-1-0"), ON);
    ntsec_appcontainer_add_capability(ic, sid("S-1-15-3-1"), ON);
    ntsec_appcontainer_add_capability(pn, sid("S-1-15-3-3"), ON);
    uwp_filters();
    /* T7, case 1: internetClient -> PERMIT; per sublayer {WSH: InternetClient, WF: PERMIT} */
    ntsec_wfp_flow_init(&f, &p_ic);
    ntsec_wfp_flow_set_name(&f, "FWPM_CONDITION_IP_REMOTE_ADDRESS", ntsec_fwp_v4(0x0D6B0415u));
    r = classify(&f, 0);
    CHECK_EQ_U(r->decision, NTSEC_WFP_DECISION_PERMIT);
    CHECK_EQ_U(r->verdict.filter, ic_rule);
    CHECK_EQ_U(ntsec_wfp_outcome_steps(r, &r->outcomes[0], st, 4), 2);
    CHECK_EQ_U(fid(st[0].verdict.filter), 125918);
    CHECK_EQ_U(fid(st[1].verdict.filter), 121167);
    /* T8, case 2: no capabilities -> BLOCK by Block Outbound Default Rule; WF still PERMIT */
    ntsec_wfp_flow_init(&f, &p_none);
    ntsec_wfp_flow_set_name(&f, "FWPM_CONDITION_IP_REMOTE_ADDRESS", ntsec_fwp_v4(0x0D6B0415u));
    r = classify(&f, 0);
    CHECK_EQ_U(r->decision, NTSEC_WFP_DECISION_BLOCK);
    CHECK_EQ_U(fid(r->verdict.filter), 68893);
    CHECK_EQ_U(ntsec_wfp_outcome_steps(r, &r->outcomes[0], st, 4), 2);
    CHECK_EQ_U(st[1].verdict.action, PERMIT);
    CHECK_EQ_U(st[1].rule, NTSEC_WFP_RULE_BLOCK_FINAL);
    /* weight order: the PrivateNetwork rule (0x80006000001FC0) failed on its
    ** address run (index 2), the InternetClient rule on its user id (index 1) */
    CHECK_EQ_U(r->filters[0].filter, pn_rule);
    CHECK_EQ_U(r->filters[0].match.cond, 2);
    CHECK_EQ_U(r->filters[1].filter, ic_rule);
    CHECK_EQ_U(r->filters[1].match.cond, 1);
    CHECK_EQ_U(r->filters[1].match.why, NTSEC_WFP_WHY_ACCESS_CHECK);
    /* T9, case 5: privateNetwork only, 10.1.1.1 outside the private ranges -> BLOCK */
    ntsec_wfp_flow_init(&f, &p_pn);
    ntsec_wfp_flow_set_name(&f, "FWPM_CONDITION_IP_REMOTE_ADDRESS", ntsec_fwp_v4(0x0A010101u));
    r = classify(&f, 0);
    CHECK_EQ_U(r->decision, NTSEC_WFP_DECISION_BLOCK);
    CHECK_EQ_U(fid(r->verdict.filter), 68893);
    /* ... and inside one (192.168.1.1) the PrivateNetwork rule permits */
    ntsec_wfp_flow_set_name(&f, "FWPM_CONDITION_IP_REMOTE_ADDRESS", ntsec_fwp_v4(0xC0A80101u));
    r = classify(&f, 0);
    CHECK_EQ_U(r->decision, NTSEC_WFP_DECISION_PERMIT);
    CHECK_EQ_U(r->verdict.filter, pn_rule);
    /* T10: a non-AppContainer flow: none of the WSH rules match; WF permits */
    ntsec_wfp_flow_init(&f, &p_plain);
    ntsec_wfp_flow_set_name(&f, "FWPM_CONDITION_IP_REMOTE_ADDRESS", ntsec_fwp_v4(0x0D6B0415u));
    r = classify(&f, 0);
    CHECK_EQ_U(r->decision, NTSEC_WFP_DECISION_PERMIT);
    CHECK_EQ_U(r->verdict.filter, wf_rule);
    CHECK(r->assumed & NTSEC_WFP_ASSUMED_NULL_PACKAGE);
    ntsec_appcontainer_free(ic);
    ntsec_appcontainer_free(none);
    ntsec_appcontainer_free(pn);
    ntsec_token_free(t);
}

/* T14: unregistered callouts (3.4). */
static void test_t14(void)
{
    ntsec_guid s, co;
    ntsec_wfp_flow f;
    const ntsec_wfp_result *r;
    uint32_t a;
    ntsec_wfp_flow_init(&f, NULL);
    fresh();
    filter_index = 0;
    s = sublayer(1, 5);
    co = callout(1, 0);
    a = add(1, &s, 5, NTSEC_WFP_ACTION_CALLOUT_TERMINATING, &co, 0, NULL);
    r = classify(&f, 0);
    CHECK_EQ_U(r->decision, NTSEC_WFP_DECISION_BLOCK);
    CHECK_EQ_U(r->verdict.filter, a);
    CHECK_EQ_U(r->verdict.unregistered, 1);
    fresh();
    filter_index = 0;
    s = sublayer(1, 5);
    co = callout(1, 0);
    a = add(1, &s, 5, NTSEC_WFP_ACTION_CALLOUT_UNKNOWN, &co,
            NTSEC_WFP_FILTER_FLAG_PERMIT_IF_CALLOUT_UNREGISTERED, NULL);
    add(2, &s, 4, BLOCK, NULL, 0, NULL);
    r = classify(&f, 0);
    CHECK_EQ_U(r->decision, NTSEC_WFP_DECISION_PERMIT);
    CHECK_EQ_U(r->verdict.filter, a);
    fresh();
    filter_index = 0;
    s = sublayer(1, 5);
    co = callout(1, 0);
    a = add(1, &s, 5, NTSEC_WFP_ACTION_CALLOUT_INSPECTION, &co, 0, NULL);
    r = classify(&f, 0);
    CHECK_EQ_U(r->decision, NTSEC_WFP_DECISION_PERMIT);
    CHECK_EQ_U(r->reason, NTSEC_WFP_REASON_NO_MATCH);
    CHECK_EQ_U(r->filters[0].roles & NTSEC_WFP_ROLE_INSPECTED, 0);   /* ignored */
}

/* T15 (3.7): BOOTTIME BLOCK + PERSISTENT PERMIT twin; DISABLED ignored (3.1). */
static void test_t15(void)
{
    ct loop[] = { { "FWPM_CONDITION_FLAGS", "FWP_MATCH_FLAGS_ALL_SET", "FWP_UINT32", "4194304", 0, 0 }, { 0 } };
    ntsec_guid s;
    ntsec_wfp_flow f;
    const ntsec_wfp_result *r;
    uint32_t boot, pers;
    fresh();
    filter_index = 0;
    s = sublayer(1, 5);
    boot = add(1, &s, 9, BLOCK, NULL, NTSEC_WFP_FILTER_FLAG_BOOTTIME, loop);
    pers = add(2, &s, 8, PERMIT, NULL, 0x1, loop);
    add(3, &s, 10, BLOCK, NULL, NTSEC_WFP_FILTER_FLAG_DISABLED, NULL);
    ntsec_wfp_flow_init(&f, NULL);
    ntsec_wfp_flow_set_name(&f, "FWPM_CONDITION_FLAGS", ntsec_fwp_uint(NTSEC_FWP_UINT32, 0x400000));
    r = classify(&f, 0);
    CHECK_EQ_U(r->decision, NTSEC_WFP_DECISION_PERMIT);
    CHECK_EQ_U(r->verdict.filter, pers);
    CHECK(r->filters[0].roles & NTSEC_WFP_ROLE_SKIPPED);        /* the disabled one */
    CHECK(r->filters[1].roles & NTSEC_WFP_ROLE_SKIPPED);        /* the boot-time one */
    r = classify(&f, 1);
    CHECK_EQ_U(r->decision, NTSEC_WFP_DECISION_BLOCK);
    CHECK_EQ_U(r->verdict.filter, boot);
}

/* T18 (W32-RIA): X {TCP, 5555, remote machine SD1, remote user SD2 ->
** CALLOUT_TERMINATING} above Y {TCP, 5555 -> BLOCK}. */
static void test_t18(void)
{
    ct x[] = {
        { "FWPM_CONDITION_IP_PROTOCOL", "FWP_MATCH_EQUAL", "FWP_UINT8", "6", 0, 0 },
        { "FWPM_CONDITION_IP_LOCAL_PORT", "FWP_MATCH_EQUAL", "FWP_UINT16", "5555", 0, 0 },
        { "FWPM_CONDITION_ALE_REMOTE_MACHINE_ID", "FWP_MATCH_EQUAL", "FWP_SECURITY_DESCRIPTOR_TYPE",
          "O:SYG:SYD:(A;;CC;;;S-1-5-21-9-9-9-2001)", 0, 0 },
        { "FWPM_CONDITION_ALE_REMOTE_USER_ID", "FWP_MATCH_EQUAL", "FWP_SECURITY_DESCRIPTOR_TYPE",
          "O:SYG:SYD:(A;;CC;;;S-1-5-21-9-9-9-1001)", 0, 0 },
        { 0 } };
    ct y[] = {
        { "FWPM_CONDITION_IP_PROTOCOL", "FWP_MATCH_EQUAL", "FWP_UINT8", "6", 0, 0 },
        { "FWPM_CONDITION_IP_LOCAL_PORT", "FWP_MATCH_EQUAL", "FWP_UINT16", "5555", 0, 0 },
        { 0 } };
    ntsec_token *machine = ntsec_token_new(sid("S-1-5-21-9-9-9-2001"), 0);
    ntsec_token *stranger = ntsec_token_new(sid("S-1-5-21-9-9-9-1777"), 0);
    ntsec_wfp_principal pm = { machine, NULL, NULL, 0 }, ps = { stranger, NULL, NULL, 0 };
    ntsec_guid s, co;
    ntsec_wfp_flow f;
    ntsec_fwp_value v;
    const ntsec_wfp_result *r;
    uint32_t xf, yf;
    fresh();
    filter_index = 0;
    s = sublayer(1, 5);
    co = callout(1, 1);
    xf = add(1, &s, 20, NTSEC_WFP_ACTION_CALLOUT_TERMINATING, &co, 0, x);
    yf = add(2, &s, 10, BLOCK, NULL, 0, y);
    ntsec_wfp_flow_init(&f, NULL);
    ntsec_wfp_flow_set_name(&f, "FWPM_CONDITION_IP_PROTOCOL", ntsec_fwp_uint(NTSEC_FWP_UINT8, 6));
    ntsec_wfp_flow_set_name(&f, "FWPM_CONDITION_IP_LOCAL_PORT", ntsec_fwp_uint(NTSEC_FWP_UINT16, 5555));
    memset(&v, 0, sizeof v);
    v.type = NTSEC_FWP_TOKEN_ACCESS_INFORMATION_TYPE;
    v.obj = &pm;
    ntsec_wfp_flow_set_name(&f, "FWPM_CONDITION_ALE_REMOTE_MACHINE_ID", v);
    v.obj = &ps;
    ntsec_wfp_flow_set_name(&f, "FWPM_CONDITION_ALE_REMOTE_USER_ID", v);
    r = classify(&f, 0);
    CHECK_EQ_U(r->decision, NTSEC_WFP_DECISION_BLOCK);           /* SD2 does not grant: Y */
    CHECK_EQ_U(r->verdict.filter, yf);
    CHECK_EQ_U(r->filters[0].filter, xf);
    CHECK_EQ_U(r->filters[0].match.cond, 3);
    /* remote identities unknown (4): X's match is a choice */
    ntsec_wfp_flow_init(&f, NULL);
    ntsec_wfp_flow_set_name(&f, "FWPM_CONDITION_IP_PROTOCOL", ntsec_fwp_uint(NTSEC_FWP_UINT8, 6));
    ntsec_wfp_flow_set_name(&f, "FWPM_CONDITION_IP_LOCAL_PORT", ntsec_fwp_uint(NTSEC_FWP_UINT16, 5555));
    r = classify(&f, 0);
    CHECK_EQ_U(r->decision, NTSEC_WFP_DECISION_DEPENDS);
    CHECK_EQ_U(r->outcome_count, 3);         /* match+PERMIT, match+BLOCK, no match -> Y */
    CHECK(r->filters[0].roles & NTSEC_WFP_ROLE_BRANCHED);
    CHECK_EQ_U(r->filters[0].match.result, NTSEC_WFP_UNKNOWN);
    CHECK_EQ_U(r->filters[0].match.why, NTSEC_WFP_WHY_ABSENT);
    ntsec_token_free(machine);
    ntsec_token_free(stranger);
}

/* T19 and 3.4 CALLOUT_UNKNOWN: PERMIT, BLOCK or CONTINUE to the next filter. */
static void test_t19(void)
{
    ntsec_guid s, co;
    ntsec_wfp_flow f;
    const ntsec_wfp_result *r;
    const ntsec_wfp_outcome *o;
    uint32_t a, b;
    fresh();
    filter_index = 0;
    s = sublayer(1, 5);
    co = callout(1, 1);
    a = add(1, &s, 9, NTSEC_WFP_ACTION_CALLOUT_UNKNOWN, &co, 0, NULL);
    b = add(2, &s, 5, PERMIT, NULL, 0, NULL);
    ntsec_wfp_flow_init(&f, NULL);
    r = classify(&f, 0);
    CHECK_EQ_U(r->decision, NTSEC_WFP_DECISION_DEPENDS);
    CHECK_EQ_U(r->outcome_count, 3);
    o = outcome_with(r, 0, NTSEC_WFP_ACTION_CONTINUE);
    CHECK(o && o->final.filter == b && o->final.action == PERMIT);
    o = outcome_with(r, 0, BLOCK);
    CHECK(o && o->final.filter == a && o->final.action == BLOCK && o->final.from_callout && !o->final.hard);
}

/* 3.5 soft block: a callout block in a higher sublayer can be permitted by
** a lower one (UNCONFIRMED, the spec's algorithm): both outcomes PERMIT. */
static void test_soft_block(void)
{
    ntsec_guid s1, s2, co;
    ntsec_wfp_flow f;
    const ntsec_wfp_result *r;
    const ntsec_wfp_outcome *o;
    ntsec_wfp_step st[4];
    fresh();
    filter_index = 0;
    s1 = sublayer(1, 9);
    s2 = sublayer(2, 8);
    co = callout(1, 1);
    add(1, &s1, 1, NTSEC_WFP_ACTION_CALLOUT_TERMINATING, &co, 0, NULL);
    add(2, &s2, 1, PERMIT, NULL, 0, NULL);
    ntsec_wfp_flow_init(&f, NULL);
    r = classify(&f, 0);
    CHECK_EQ_U(r->decision, NTSEC_WFP_DECISION_PERMIT);
    CHECK_EQ_U(r->reason, NTSEC_WFP_REASON_VARIES);     /* decided by different filters */
    o = outcome_with(r, 0, BLOCK);
    CHECK(o != NULL);
    if (o) {
        CHECK_EQ_U(ntsec_wfp_outcome_steps(r, o, st, 4), 2);
        CHECK_EQ_U(st[1].rule, NTSEC_WFP_RULE_SOFT_BLOCK_PERMITTED);
    }
}

/* 3.3 ties: AppContainerLoopback PERMIT {FLAGS ALL_SET 1} and BLOCK {FLAGS
** ALL_SET 1, REMOTE_PORT 137} at the same effective weight. */
static void test_ties(void)
{
    ct p[] = { { "FWPM_CONDITION_FLAGS", "FWP_MATCH_FLAGS_ALL_SET", "FWP_UINT32", "1", 0, 0 }, { 0 } };
    ct b[] = { { "FWPM_CONDITION_FLAGS", "FWP_MATCH_FLAGS_ALL_SET", "FWP_UINT32", "1", 0, 0 },
               { "FWPM_CONDITION_IP_REMOTE_PORT", "FWP_MATCH_EQUAL", "FWP_UINT16", "137", 0, 0 }, { 0 } };
    ntsec_guid s;
    ntsec_wfp_flow f;
    const ntsec_wfp_result *r;
    uint32_t pf, bf, p2;
    fresh();
    filter_index = 0;
    s = sublayer(1, 7);
    bf = add(20, &s, UINT64_MAX, BLOCK, NULL, 0, b);
    pf = add(10, &s, UINT64_MAX, PERMIT, NULL, 0, p);
    ntsec_wfp_flow_init(&f, NULL);
    ntsec_wfp_flow_set_name(&f, "FWPM_CONDITION_FLAGS", ntsec_fwp_uint(NTSEC_FWP_UINT32, 1));
    ntsec_wfp_flow_set_name(&f, "FWPM_CONDITION_IP_REMOTE_PORT", ntsec_fwp_uint(NTSEC_FWP_UINT16, 137));
    r = classify(&f, 0);
    CHECK_EQ_U(r->decision, NTSEC_WFP_DECISION_AMBIGUOUS);
    CHECK_EQ_U(r->outcome_count, 2);
    CHECK(r->filters[0].roles & NTSEC_WFP_ROLE_TIE_SPLIT);
    CHECK_EQ_U(r->filters[0].filter, pf);                     /* filterId order: 10 before 20 */
    ntsec_wfp_flow_set_name(&f, "FWPM_CONDITION_IP_REMOTE_PORT", ntsec_fwp_uint(NTSEC_FWP_UINT16, 138));
    r = classify(&f, 0);
    CHECK_EQ_U(r->decision, NTSEC_WFP_DECISION_PERMIT);       /* only one tied filter matches */
    CHECK_EQ_U(r->verdict.filter, pf);
    (void)bf;
    /* tied filters that agree: no ambiguity, the lower filterId is named */
    p2 = add(5, &s, UINT64_MAX, PERMIT, NULL, 0, p);
    ntsec_wfp_flow_set_name(&f, "FWPM_CONDITION_IP_REMOTE_PORT", ntsec_fwp_uint(NTSEC_FWP_UINT16, 138));
    r = classify(&f, 0);
    CHECK_EQ_U(r->decision, NTSEC_WFP_DECISION_PERMIT);
    CHECK_EQ_U(r->reason, NTSEC_WFP_REASON_FILTER);
    CHECK_EQ_U(r->verdict.filter, p2);
    CHECK(r->filters[0].roles & NTSEC_WFP_ROLE_TIE);
}

/* 4: which filters apply to a principal (service SID rules, 2.8). */
static void test_applies(void)
{
    ct svc[] = {
        { "FWPM_CONDITION_ALE_USER_ID", "FWP_MATCH_EQUAL", "FWP_SECURITY_DESCRIPTOR_TYPE",
          "O:SYG:SYD:(A;;CCRC;;;S-1-5-80-3915894004-2104103821-3047269622-1811662266-774708259)", 0, 0 },
        { "FWPM_CONDITION_IP_LOCAL_PORT", "FWP_MATCH_EQUAL", "FWP_UINT16", "5353", 0, 0 },
        { "FWPM_CONDITION_FLAGS", "FWP_MATCH_FLAGS_NONE_SET", "FWP_UINT32", "1", 0, 0 },
        { 0 } };
    ntsec_token *service = ntsec_token_new(sid("S-1-5-19"), 0);
    ntsec_token *user = ntsec_token_new(sid("S-1-5-21-1-2-3-1001"), 0);
    ntsec_wfp_principal ps = { service, NULL, NULL, 0 }, pu = { user, NULL, NULL, 0 };
    ntsec_wfp_match_info mi;
    ntsec_guid s;
    uint32_t fi;
    ntsec_token_add_group(service, sid("S-1-5-80-3915894004-2104103821-3047269622-1811662266-774708259"),
                          ON | SE_GROUP_OWNER);
    fresh();
    filter_index = 0;
    s = sublayer(1, 3);
    fi = add(1, &s, 1, PERMIT, NULL, 0, svc);
    CHECK_EQ_U(ntsec_wfp_filter_applies(set, fi, &ps, &mi), NTSEC_WFP_TRUE);
    CHECK_EQ_U(mi.result, NTSEC_WFP_UNKNOWN);         /* the port and flags stay open */
    CHECK_EQ_U(ntsec_wfp_filter_applies(set, fi, &pu, &mi), NTSEC_WFP_FALSE);
    CHECK_EQ_U(mi.cond, 0);
    ntsec_token_free(service);
    ntsec_token_free(user);
}

/* 1.7: both dumps load whole (counts of filters, conditions and distinct
** condition SDDL strings as the spec lists them), with nothing unknown. */
static void test_dumps(void)
{
    static const struct { const char *path; size_t filters, conditions, sds, sublayers, callouts; } d[2] = {
        { "../shared/data/wfpstate/netsh-wfpstate-1.xml", 200, 664, 33, 20, 82 },
        { "../shared/data/wfpstate/netsh-wfpstate-2.xml", 665, 2369, 43, 41, 89 },
    };
    size_t i, k, j, unknown;
    for (i = 0; i < 2; i++) {
        ntsec_wfp_filter_set *s = ntsec_wfp_filter_set_new();
        dump_counts cnt;
        CHECK(wfp_dump_load(d[i].path, s, &cnt));
        CHECK_EQ_U(cnt.errors, 0);
        CHECK_EQ_U(cnt.filters, d[i].filters);
        CHECK_EQ_U(cnt.conditions, d[i].conditions);
        CHECK_EQ_U(cnt.sublayers, d[i].sublayers);
        CHECK_EQ_U(cnt.callouts, d[i].callouts);
        CHECK_EQ_U(ntsec_wfp_set_sd_count(s), d[i].sds);
        unknown = 0;
        for (k = 0; k < ntsec_wfp_set_filter_count(s); k++) {
            const ntsec_wfp_filter_def *f = ntsec_wfp_set_filter(s, k);
            for (j = 0; j < f->condition_count; j++)
                unknown += f->conditions[j].slot == NTSEC_WFP_FIELD_UNKNOWN
                         || f->conditions[j].match == NTSEC_FWP_MATCH_UNKNOWN
                         || f->conditions[j].value.type == NTSEC_FWP_TYPE_UNKNOWN;
        }
        CHECK_EQ_U(unknown, 0);
        ntsec_wfp_filter_set_free(s);
    }
}

/* The Done-when flows of issue 12 against netsh-wfpstate-2.xml at
** ALE_AUTH_CONNECT_V4, public profile (1/1), TCP to 8.8.8.8:443. Expected
** deciding filters read by hand from the dump: App Isolation sublayer
** (weight 7) "InternetClient Default Rule" 68201 {ALE_PACKAGE_ID != S-1-0-0,
** remote 0.0.0.0-255.255.255.255, profiles 1/1, ALE_USER_ID
** O:LSD:(A;;CC;;;S-1-15-3-1)(A;;CC;;;WD)(A;;CC;;;AN)} PERMIT; "UWP Default
** Outbound Block Rule" 67654 {ALE_PACKAGE_ID != S-1-0-0} BLOCK; Windows
** Firewall sublayer (weight 2) "Default Outbound" 67639 {profiles 1/1}
** PERMIT. The pattern is ITPRO-UWP cases 1 and 2 (3.8 ex. 2, T7, T8). */
static void test_dump_flows(void)
{
    ntsec_wfp_filter_set *s = ntsec_wfp_filter_set_new();
    ntsec_token *t = ntsec_token_new(sid("S-1-5-21-1-2-3-1001"), 0);
    ntsec_appcontainer *ic = ntsec_appcontainer_new(sid("S-1-15-2-1-2-3-4-5-6-7"), 0);
    ntsec_appcontainer *none = ntsec_appcontainer_new(sid("S-1-15-2-1-2-3-4-5-6-7"), 0);
    const char *app = "\\device\\harddiskvolume6\\program files\\contoso\\app.exe";
    uint8_t blob[128];
    ntsec_wfp_principal p[3] = { { t, ic, blob, 0 }, { t, none, blob, 0 }, { t, NULL, blob, 0 } };
    static const uint64_t want_id[3] = { 68201, 67654, 67639 };
    static const char *const want_key[3] = { "9ddfec61-82b6-4485-b818-2b5d0e624348",
                                             "bcb1ada3-40e1-4654-961e-9fcf8bc88677",
                                             "59c9fdc0-f0eb-4299-bf41-b5dfcee38201" };
    static const ntsec_wfp_decision want[3] = { NTSEC_WFP_DECISION_PERMIT, NTSEC_WFP_DECISION_BLOCK,
                                                NTSEC_WFP_DECISION_PERMIT };
    ntsec_guid layer;
    dump_counts cnt;
    size_t i, len = ntsec_wfp_app_id(app, strlen(app), blob, sizeof blob);
    ntsec_token_add_group(t, sid("S-1-1-0"), ON);
    ntsec_token_add_group(t, sid("S-1-5-11"), ON);
    ntsec_appcontainer_add_capability(ic, sid("S-1-15-3-1"), ON);
    CHECK(wfp_dump_load("../shared/data/wfpstate/netsh-wfpstate-2.xml", s, &cnt));
    ntsec_wfp_name_to_guid("FWPM_LAYER_ALE_AUTH_CONNECT_V4", 30, &layer);
    for (i = 0; i < 3; i++) {
        const ntsec_wfp_result *r = NULL;
        ntsec_wfp_flow f;
        ntsec_guid key;
        p[i].app_id_len = len;
        ntsec_wfp_flow_init(&f, &p[i]);
        ntsec_wfp_flow_set_name(&f, "FWPM_CONDITION_IP_PROTOCOL", ntsec_fwp_uint(NTSEC_FWP_UINT8, 6));
        ntsec_wfp_flow_set_name(&f, "FWPM_CONDITION_IP_REMOTE_PORT", ntsec_fwp_uint(NTSEC_FWP_UINT16, 443));
        ntsec_wfp_flow_set_name(&f, "FWPM_CONDITION_IP_REMOTE_ADDRESS", ntsec_fwp_v4(0x08080808u));
        ntsec_wfp_flow_set_name(&f, "FWPM_CONDITION_ORIGINAL_PROFILE_ID", ntsec_fwp_uint(NTSEC_FWP_UINT32, 1));
        ntsec_wfp_flow_set_name(&f, "FWPM_CONDITION_CURRENT_PROFILE_ID", ntsec_fwp_uint(NTSEC_FWP_UINT32, 1));
        CHECK_EQ_U(ntsec_wfp_classify(clf, s, &layer, &f, NULL, &r), STATUS_SUCCESS);
        if (!r) continue;
        CHECK_EQ_U(r->decision, want[i]);
        CHECK(r->verdict.filter != UINT32_MAX);
        if (r->verdict.filter == UINT32_MAX) continue;
        CHECK_EQ_U(ntsec_wfp_set_filter(s, r->verdict.filter)->id, want_id[i]);
        ntsec_guid_parse36(want_key[i], &key);
        CHECK(memcmp(ntsec_wfp_set_filter(s, r->verdict.filter)->key.b, key.b, 16) == 0);
    }
    ntsec_appcontainer_free(ic);
    ntsec_appcontainer_free(none);
    ntsec_token_free(t);
    ntsec_wfp_filter_set_free(s);
}

int main(void)
{
    iis_len = (size_t)ctest_unhex(IIS_ID, iis_blob, sizeof iis_blob);
    clf = ntsec_wfp_classifier_new();
    test_t1();
    test_t2_t3();
    test_t4_t5();
    test_t6();
    test_uwp();
    test_t14();
    test_t15();
    test_t18();
    test_t19();
    test_soft_block();
    test_ties();
    test_applies();
    test_dumps();
    test_dump_flows();
    ntsec_wfp_classifier_free(clf);
    ntsec_wfp_filter_set_free(set);
    return ctest_summary();
}
