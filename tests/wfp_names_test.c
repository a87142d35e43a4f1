/*
** wfp_names_test.c: the built-in WFP name <-> GUID table (wfp_names.h).
**
** Expected GUIDs are typed from the DEFINE_GUID lines of the SDK fwpmu.h
** (docs/wfp_names.md); the wire bytes of the first one are worked out by hand.
** The coverage check reads the two netsh dumps from ../shared/data/wfpstate/
** (run from /work/main) and requires every symbolic key in them to resolve.
*/
#include <stdlib.h>

#include "ctest.h"
#include "guid.h"
#include "wfp_names.h"

/* name -> guid must give the GUID typed from the header, and back. */
static void check_known(const char *name, const char *text)
{
    ntsec_guid want, got;
    memset(&got, 0, sizeof got);
    CHECK(ntsec_guid_parse36(text, &want));
    CHECK(ntsec_wfp_name_to_guid(name, strlen(name), &got));
    CHECK(memcmp(got.b, want.b, 16) == 0);
    CHECK_STR(ntsec_wfp_guid_to_name(&want), name);
}

static void test_known_values(void)
{
    check_known("FWPM_LAYER_ALE_AUTH_CONNECT_V4", "c38d57d1-05a7-4c33-904f-7fbceee60e82");
    check_known("FWPM_LAYER_IPFORWARD_V4", "a82acc24-4ee1-4ee1-b465-fd1d25cb10a4");
    check_known("FWPM_SUBLAYER_INSPECTION", "877519e1-e6a9-41a5-81b4-8c4f118e4a60");
    check_known("FWPM_SUBLAYER_MPSSVC_WF", "b3cdd441-af90-41ba-a745-7c6008ff2301");
    check_known("FWPM_SUBLAYER_MPSSVC_APP_ISOLATION", "ffe221c3-92a8-4564-a59f-dafb70756020");
    check_known("FWPM_PROVIDER_IKEEXT", "10ad9216-ccde-456c-8b16-e9f04e60a90b");
    check_known("FWPM_PROVIDER_MPSSVC_WF", "decc16ca-3f33-4346-be1e-8fb4ae0f3d62");
    check_known("FWPM_CALLOUT_IPSEC_FORWARD_INBOUND_TUNNEL_V4", "28829633-c4f0-4e66-873f-844db2a899c7");
    check_known("FWPM_CALLOUT_BUILT_IN_RESERVED_4", "6c3fb801-daff-40e9-91e6-f7ff7e52f7d9");
    check_known("FWPM_CONDITION_ALE_APP_ID", "d78e1e87-8644-4ea5-9437-d809ecefc971");
    check_known("FWPM_CONDITION_ALE_PACKAGE_FAMILY_NAME", "81bc78fb-f28d-4886-a604-6acc261f261b");
    check_known("FWPM_PROVIDER_CONTEXT_SECURE_SOCKET_IPSEC", "8c2d4144-f8e0-42c0-94ce-7ccfc63b2f9b");
    /* DEFINE_GUID fields written without leading zeros in the header. */
    check_known("FWPM_CONDITION_COMPARTMENT_ID", "35a791ab-04ac-4ff2-a6bb-da6cfac71806");
    check_known("FWPM_CALLOUT_RESERVED_AUTH_CONNECT_LAYER_V6", "00b84b92-2b5e-4b71-ab0e-aaca43e387e6");
    /* The header comment disagrees with DEFINE_GUID here; the value wins. */
    check_known("FWPM_LAYER_INBOUND_MAC_FRAME_ETHERNET", "effb7edb-0055-4f9a-a231-4ff8131ad191");
    check_known("FWPM_CONDITION_MAC_LOCAL_ADDRESS", "d999e981-7948-4c83-b742-c84e3b678f8f");
}

/* Wire order worked out by hand: Data1..3 byte-reversed, Data4 as is. */
static void test_wire_order(void)
{
    unsigned char want[16];
    ntsec_guid got;
    CHECK_EQ_U(ctest_unhex("d1578dc3a705334c904f7fbceee60e82", want, sizeof want), 16);
    CHECK(ntsec_wfp_name_to_guid("FWPM_LAYER_ALE_AUTH_CONNECT_V4", 30, &got));
    CHECK(memcmp(got.b, want, 16) == 0);
}

static void expect_unknown(const char *name, size_t len)
{
    ntsec_guid out;
    memset(out.b, 0xAA, 16);
    CHECK(ntsec_wfp_name_to_guid(name, len, &out) == 0);
    CHECK(out.b[0] == 0xAA && out.b[7] == 0xAA && out.b[15] == 0xAA);
}

static void test_misses(void)
{
    static const char *const prefix = "FWPM_LAYER_ALE_AUTH_CONNECT_V4";
    ntsec_guid g;
    expect_unknown("FWPM_LAYER_ALE_AUTH_CONNECT", 27);      /* strict prefix */
    expect_unknown(prefix, strlen(prefix) - 1);             /* ..._V */
    expect_unknown("FWPM_LAYER_ALE_AUTH_CONNECT_V4X", 31);
    expect_unknown("fwpm_layer_ale_auth_connect_v4", 30);   /* case matters */
    expect_unknown("FWPM_SUBLAYER_EDGE_TRAVERSAL", 28);     /* SDK #define alias */
    expect_unknown("AAAA", 4);                              /* before first entry */
    expect_unknown("ZZZZ", 4);                              /* after last entry */
    expect_unknown("", 0);
    expect_unknown(NULL, 5);
    /* Only len bytes count: a longer buffer still finds the name. */
    CHECK(ntsec_wfp_name_to_guid("FWPM_SUBLAYER_MPSSVC_WF_and_more", 23, &g));
    CHECK_STR(ntsec_wfp_guid_to_name(&g), "FWPM_SUBLAYER_MPSSVC_WF");
    CHECK(ntsec_guid_parse36("00000000-0000-0000-0000-000000000000", &g));
    CHECK(ntsec_wfp_guid_to_name(&g) == NULL);
    /* MPSSVC_WF with its last byte changed is not built in. */
    CHECK(ntsec_guid_parse36("b3cdd441-af90-41ba-a745-7c6008ff2309", &g));
    CHECK(ntsec_wfp_guid_to_name(&g) == NULL);
    CHECK(ntsec_wfp_guid_to_name(NULL) == NULL);
    CHECK(ntsec_wfp_name_at(ntsec_wfp_name_count(), &g) == NULL);
}

/* Every entry: strictly sorted by name, and name -> guid -> same name (which
** also proves no two entries share a GUID). */
static void test_round_trip(void)
{
    size_t i, n = ntsec_wfp_name_count(), bad_order = 0, bad_trip = 0;
    const char *prev = NULL;
    CHECK(n >= 310);
    for (i = 0; i < n; i++) {
        ntsec_guid at, looked;
        const char *name = ntsec_wfp_name_at(i, &at);
        if (prev != NULL && strcmp(prev, name) >= 0) bad_order++;
        if (!ntsec_wfp_name_to_guid(name, strlen(name), &looked) ||
            memcmp(at.b, looked.b, 16) != 0 || ntsec_wfp_guid_to_name(&looked) != name)
            bad_trip++;
        prev = name;
    }
    CHECK_EQ_U(bad_order, 0);
    CHECK_EQ_U(bad_trip, 0);
}

/* ---- coverage of the two netsh dumps ---- */

typedef struct dump_stats {
    size_t symbolic, resolved, braced, braced_ok;
    unsigned char *seen;   /* per table entry */
} dump_stats;

/* netsh prints a filter action's callout key (the filterType/calloutKey
** union of FWPM_ACTION0) as <filterType>. */
static const char *const key_tags[] = {
    "providerKey", "subLayerKey", "layerKey", "calloutKey", "applicableLayer",
    "defaultSubLayerKey", "filterKey", "fieldKey", "providerContextKey", "filterType"
};

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;
    if (f == NULL) return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    if (buf != NULL && fread(buf, 1, (size_t)n, f) != (size_t)n) { free(buf); buf = NULL; }
    fclose(f);
    if (buf != NULL) { buf[n] = '\0'; *len = (size_t)n; }
    return buf;
}

static int is_key_tag(const char *tag, size_t len)
{
    size_t i;
    for (i = 0; i < sizeof key_tags / sizeof key_tags[0]; i++)
        if (strlen(key_tags[i]) == len && memcmp(key_tags[i], tag, len) == 0) return 1;
    return 0;
}

static size_t table_index(const char *name)
{
    size_t i;
    for (i = 0; i < ntsec_wfp_name_count(); i++)
        if (strcmp(ntsec_wfp_name_at(i, NULL), name) == 0) return i;
    return (size_t)-1;
}

static void count_value(const char *v, size_t len, dump_stats *st)
{
    ntsec_guid g;
    if (len == 0) return;
    if (v[0] == '{') {
        st->braced++;
        st->braced_ok += (size_t)ntsec_guid_parse(v, len, &g);
        return;
    }
    st->symbolic++;
    if (ntsec_wfp_name_to_guid(v, len, &g)) {
        st->resolved++;
        st->seen[table_index(ntsec_wfp_guid_to_name(&g))] = 1;
    } else {
        printf("unresolved: %.*s\n", (int)len, v);
    }
}

/* Visit the text of every <tag>text</tag> whose tag is a key tag. */
static void scan_dump(const char *xml, dump_stats *st)
{
    const char *p = xml;
    while ((p = strchr(p, '<')) != NULL) {
        const char *tag = p + 1, *end = strchr(tag, '>'), *text;
        if (end == NULL) return;
        p = end + 1;
        if (end[-1] == '/' || !is_key_tag(tag, (size_t)(end - tag))) continue;
        text = p;
        while (*p != '\0' && *p != '<') p++;
        count_value(text, (size_t)(p - text), st);
    }
}

static void test_dump(const char *path, dump_stats *st)
{
    size_t len = 0, before_sym = st->symbolic, before_res = st->resolved;
    char *xml = read_file(path, &len);
    CHECK(xml != NULL);
    if (xml == NULL) { printf("cannot read %s\n", path); return; }
    scan_dump(xml, st);
    free(xml);
    printf("%s: %lu symbolic keys, %lu resolved\n", path,
           (unsigned long)(st->symbolic - before_sym), (unsigned long)(st->resolved - before_res));
    CHECK(st->symbolic > before_sym);
}

static void test_dump_coverage(void)
{
    dump_stats st;
    size_t i, distinct = 0;
    memset(&st, 0, sizeof st);
    st.seen = calloc(ntsec_wfp_name_count(), 1);
    CHECK(st.seen != NULL);
    if (st.seen == NULL) return;
    test_dump("../shared/data/wfpstate/netsh-wfpstate-1.xml", &st);
    test_dump("../shared/data/wfpstate/netsh-wfpstate-2.xml", &st);
    for (i = 0; i < ntsec_wfp_name_count(); i++) distinct += st.seen[i];
    printf("both dumps: %lu symbolic keys (%lu distinct names), %lu resolved; "
           "%lu {guid} keys, %lu parse\n", (unsigned long)st.symbolic, (unsigned long)distinct,
           (unsigned long)st.resolved, (unsigned long)st.braced, (unsigned long)st.braced_ok);
    CHECK_EQ_U(st.resolved, st.symbolic);
    /* 310 distinct names: counted with grep over both files (docs/wfp_names.md). */
    CHECK_EQ_U(distinct, 310);
    CHECK_EQ_U(st.braced_ok, st.braced);
    free(st.seen);
}

int main(void)
{
    test_known_values();
    test_wire_order();
    test_misses();
    test_round_trip();
    test_dump_coverage();
    return ctest_summary();
}
