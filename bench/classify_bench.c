/*
** classify_bench.c: offline classification against a real dump (`make
** bench`; issue 12 target: >= 50,000 flows/s from C on one core).
** Prints name=value lines.
**
** Loads the filters, sublayers and callouts of netsh-wfpstate-2.xml with
** the test-only reader (tests/wfp_dump_load.h), then classifies a mix of
** flows: three principals (a plain user, a service whose SID the dump's
** WSH rules name, an AppContainer app with internetClient), two apps,
** several remote addresses, ports and protocols, at ALE_AUTH_CONNECT_V4,
** ALE_AUTH_RECV_ACCEPT_V4 and ALE_AUTH_CONNECT_V6, principals taken in
** turn (descriptor memos are rebuilt for every flow). First with the
** machine context a caller supplies (profiles, interface and tunnel types),
** then with only addresses, ports and protocol (more DEPENDS outcomes).
** Rates per wall second and per CPU second of this process (the one-core
** figure when the machine is shared). NTSEC_CLASSIFY_DUMP overrides the
** dump path.
*/
#include <time.h>

#include "../tests/wfp_dump_load.h"
#include "secdefs.h"
#include "sid.h"
#include "token.h"
#include "token_appcontainer.h"

#define ON (SE_GROUP_ENABLED | SE_GROUP_ENABLED_BY_DEFAULT | SE_GROUP_MANDATORY)

static double clock_of(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double now(void) { return clock_of(CLOCK_MONOTONIC); }
/* CPU seconds this process used: the one-core rate on a shared machine. */
static double cpu(void) { return clock_of(CLOCK_PROCESS_CPUTIME_ID); }

static const uint8_t *sid(const char *s)
{
    static uint8_t pool[16][68];
    static int next;
    uint8_t *out = pool[next++ % 16];
    if (ntsec_sid_from_string(s, strlen(s), NULL, out) != STATUS_SUCCESS) abort();
    return out;
}

static ntsec_token *token(const char *user, const char *extra)
{
    ntsec_token *t = ntsec_token_new(sid(user), 0);
    ntsec_token_add_group(t, sid("S-1-1-0"), ON);
    ntsec_token_add_group(t, sid("S-1-5-11"), ON);
    ntsec_token_add_group(t, sid("S-1-5-32-545"), ON);
    if (extra) ntsec_token_add_group(t, sid(extra), ON | SE_GROUP_OWNER);
    return t;
}

#define NFLOWS 48

/* What a caller knows about the machine side of a flow (wfp_classify.md 4):
** public profile, Ethernet interfaces, no tunnel, unicast local address. */
static void set_context(ntsec_wfp_flow *f)
{
    static const char *const profile[] = {
        "FWPM_CONDITION_CURRENT_PROFILE_ID", "FWPM_CONDITION_ORIGINAL_PROFILE_ID",
        "FWPM_CONDITION_ARRIVAL_INTERFACE_PROFILE_ID", "FWPM_CONDITION_NEXTHOP_INTERFACE_PROFILE_ID" };
    static const char *const iftype[] = { "FWPM_CONDITION_ARRIVAL_INTERFACE_TYPE",
                                          "FWPM_CONDITION_NEXTHOP_INTERFACE_TYPE" };
    static const char *const tunnel[] = { "FWPM_CONDITION_ARRIVAL_TUNNEL_TYPE",
                                          "FWPM_CONDITION_NEXTHOP_TUNNEL_TYPE" };
    size_t i;
    for (i = 0; i < 4; i++) ntsec_wfp_flow_set_name(f, profile[i], ntsec_fwp_uint(NTSEC_FWP_UINT32, 1));
    for (i = 0; i < 2; i++) {
        ntsec_wfp_flow_set_name(f, iftype[i], ntsec_fwp_uint(NTSEC_FWP_UINT32, 6));
        ntsec_wfp_flow_set_name(f, tunnel[i], ntsec_fwp_uint(NTSEC_FWP_UINT32, 0));
    }
    ntsec_wfp_flow_set_name(f, "FWPM_CONDITION_IP_LOCAL_ADDRESS_TYPE", ntsec_fwp_uint(NTSEC_FWP_UINT8, 0));
    ntsec_wfp_flow_set_name(f, "FWPM_CONDITION_ORIGINAL_ICMP_TYPE", ntsec_fwp_uint(NTSEC_FWP_UINT16, 0));
    ntsec_wfp_flow_set_name(f, "FWPM_CONDITION_INTERFACE_QUARANTINE_EPOCH", ntsec_fwp_uint(NTSEC_FWP_UINT64, 0));
    ntsec_wfp_flow_set_name(f, "FWPM_CONDITION_IP_ARRIVAL_INTERFACE", ntsec_fwp_uint(NTSEC_FWP_UINT64, 7));
    ntsec_wfp_flow_set_name(f, "FWPM_CONDITION_IP_NEXTHOP_INTERFACE", ntsec_fwp_uint(NTSEC_FWP_UINT64, 7));
}

int main(void)
{
    const char *path = getenv("NTSEC_CLASSIFY_DUMP");
    static const char *const apps[2] = {
        "\\device\\harddiskvolume6\\windows\\system32\\svchost.exe",
        "\\device\\harddiskvolume6\\program files\\contoso\\app.exe" };
    static const uint32_t v4[4] = { 0x08080808u, 0xC0A80101u, 0x7F000001u, 0xE00000FBu };
    static const uint16_t ports[4] = { 443, 80, 53, 137 };
    static const char *const layers[3] = { "FWPM_LAYER_ALE_AUTH_CONNECT_V4",
                                           "FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4",
                                           "FWPM_LAYER_ALE_AUTH_CONNECT_V6" };
    uint8_t app_id[2][256], v6[16];
    size_t app_len[2];
    ntsec_wfp_filter_set *s = ntsec_wfp_filter_set_new();
    ntsec_wfp_classifier *c = ntsec_wfp_classifier_new();
    ntsec_token *tu, *ts, *ta;
    ntsec_appcontainer *ac;
    ntsec_wfp_principal p[3];
    ntsec_wfp_flow *flows = calloc(NFLOWS, sizeof *flows), *partial = calloc(NFLOWS, sizeof *partial);
    ntsec_guid lk[NFLOWS];
    dump_counts cnt;
    const ntsec_wfp_result *r;
    double t0, t1, c0, c1;
    size_t i, n, decided[2][5] = { { 0 } };
    int round;
    if (!path) path = "../shared/data/wfpstate/netsh-wfpstate-2.xml";
    t0 = now();
    if (!wfp_dump_load(path, s, &cnt)) {
        fprintf(stderr, "classify_bench: cannot load %s\n", path);
        return 1;
    }
    t1 = now();
    printf("classify_load_filters=%zu\nclassify_load_conditions=%zu\nclassify_load_errors=%zu\n",
           cnt.filters, cnt.conditions, cnt.errors);
    printf("classify_load_ms=%.1f\n", (t1 - t0) * 1e3);

    tu = token("S-1-5-21-1-2-3-1001", "S-1-5-4");
    ts = token("S-1-5-19", "S-1-5-80-3915894004-2104103821-3047269622-1811662266-774708259");
    ta = token("S-1-5-21-1-2-3-1001", "S-1-5-4");
    ac = ntsec_appcontainer_new(sid("S-1-15-2-1-2-3-4-5-6-7"), 0);
    ntsec_appcontainer_add_capability(ac, sid("S-1-15-3-1"), ON);
    for (i = 0; i < 2; i++) app_len[i] = ntsec_wfp_app_id(apps[i], strlen(apps[i]), app_id[i], sizeof app_id[i]);
    p[0].token = tu; p[0].appcontainer = NULL;
    p[1].token = ts; p[1].appcontainer = NULL;
    p[2].token = ta; p[2].appcontainer = ac;
    for (i = 0; i < 3; i++) {
        p[i].app_id = app_id[i == 1 ? 0 : 1];
        p[i].app_id_len = app_len[i == 1 ? 0 : 1];
    }
    ntsec_fwp_parse_ipv6("2620:1ec:c11::200", 17, v6);
    for (i = 0; i < NFLOWS; i++) {
        ntsec_wfp_flow *f = &flows[i];
        size_t layer = i % 3;
        ntsec_wfp_name_to_guid(layers[layer], strlen(layers[layer]), &lk[i]);
        ntsec_wfp_flow_init(f, &p[i % 3 == 0 ? (i / 3) % 3 : i % 3]);
        ntsec_wfp_flow_set_name(f, "FWPM_CONDITION_IP_PROTOCOL", ntsec_fwp_uint(NTSEC_FWP_UINT8, i % 4 == 3 ? 17 : 6));
        ntsec_wfp_flow_set_name(f, "FWPM_CONDITION_IP_REMOTE_PORT", ntsec_fwp_uint(NTSEC_FWP_UINT16, ports[i % 4]));
        ntsec_wfp_flow_set_name(f, "FWPM_CONDITION_IP_LOCAL_PORT", ntsec_fwp_uint(NTSEC_FWP_UINT16, (uint16_t)(50000 + i)));
        ntsec_wfp_flow_set_name(f, "FWPM_CONDITION_IP_REMOTE_ADDRESS",
                                layer == 2 ? ntsec_fwp_v6(v6) : ntsec_fwp_v4(v4[(i / 4) % 4]));
        partial[i] = *f;
        set_context(f);
    }
    for (round = 0; round < 2; round++) {
        const ntsec_wfp_flow *set_of = round == 0 ? flows : partial;
        size_t *d = decided[round];
        n = 0;
        c0 = cpu();
        t0 = now();
        do {
            for (i = 0; i < NFLOWS; i++, n++) {
                if (ntsec_wfp_classify(c, s, &lk[i], &set_of[i], NULL, &r) != STATUS_SUCCESS) return 1;
                if (n < NFLOWS) d[r->decision]++;
            }
            t1 = now();
        } while (t1 - t0 < 1.0);
        c1 = cpu();
        printf("%s=%.0f\n", round == 0 ? "classify_flows_per_s" : "classify_flows_per_s_partial_context",
               (double)n / (t1 - t0));
        printf("%s=%.0f\n", round == 0 ? "classify_flows_per_cpu_s" : "classify_flows_per_cpu_s_partial_context",
               (double)n / (c1 - c0));
        printf("classify_%s_permit=%zu\nclassify_%s_block=%zu\nclassify_%s_depends=%zu\nclassify_%s_ambiguous=%zu\n",
               round ? "partial" : "mix", d[1], round ? "partial" : "mix", d[2],
               round ? "partial" : "mix", d[3], round ? "partial" : "mix", d[4]);
    }
    ntsec_wfp_classifier_free(c);
    ntsec_wfp_filter_set_free(s);
    ntsec_appcontainer_free(ac);
    ntsec_token_free(tu);
    ntsec_token_free(ts);
    ntsec_token_free(ta);
    free(flows);
    free(partial);
    return 0;
}
