/*
** wfp_store_test.c: a persistent filter's conditions in the store
** (docs/wfp.md, "Persistence"; wfp_cond_codec.h). A filter with a
** condition of every value type wfp_value.h represents is added to an
** engine with a store, the engine is closed and a new one opened on the
** file (a filter-engine restart, W32-OM: persistent objects live until
** deleted), and every condition read back is compared with hand-built
** expected values, not with what the engine said before the restart.
** Then stored rows are damaged with SQLite directly: the reopen fails with
** STATUS_FILE_CORRUPT_ERROR and a message naming the filter and the byte.
*/
#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include "ctest.h"
#include "guid.h"
#include "sddl.h"
#include "sid.h"
#include "status.h"
#include "wfp.h"
#include "wfp_cond.h"
#include "wfp_names.h"
#include "wfp_objects.h"
#include "wfp_value.h"
#include "wfp_cond_codec.h"

static char path[256];

static void remove_store(void)
{
    static const char *const suffix[] = { "", "-wal", "-shm" };
    char p[300];
    size_t i;
    for (i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s%s", path, suffix[i]);
        unlink(p);
    }
}

static ntsec_wfp_engine *open_engine(NTSTATUS *st, char *err, size_t cap)
{
    ntsec_wfp_engine_opts o;
    ntsec_wfp_engine *e = NULL;
    memset(&o, 0, sizeof o);
    o.path = path;
    o.virtual_clock = 1;
    o.seed = 7;
    o.sync_normal = 1;
    o.error = err;
    o.error_cap = cap;
    *st = ntsec_wfp_engine_new(&o, &e);
    return NT_SUCCESS(*st) ? e : NULL;
}

static ntsec_wfp_handle kernel_session(ntsec_wfp_engine *e)
{
    ntsec_wfp_session_opts so;
    ntsec_wfp_handle h = 0;
    memset(&so, 0, sizeof so);
    so.kernel_mode = 1;
    if (!NT_SUCCESS(ntsec_wfp_engine_open(e, &so, &h))) exit(2);
    return h;
}

static ntsec_guid guid(const char *s)
{
    ntsec_guid g;
    if (!ntsec_guid_parse(s, strlen(s), &g) && !ntsec_wfp_name_to_guid(s, strlen(s), &g)) abort();
    return g;
}

/* ---- the conditions: one per value type, values chosen by hand ---- */

static const uint8_t blob[] = { 0x5c, 0, 0x64, 0, 0, 0 };                     /* "\d" + NUL */
static const uint8_t utf16[] = { 0x41, 0, 0xE9, 0, 0x3D, 0xD8, 0x00, 0xDE };  /* "Aé😀" */
static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
static const uint8_t mac[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
static const char unknown_text[] = "some text";
static const uint8_t token_bytes[] = { 1, 2, 3 };
static uint8_t package_sid[68];
static ntsec_sd *user_sd;

#define NCOND 23

static ntsec_wfp_condition make(const char *field, uint16_t match, uint32_t type)
{
    ntsec_wfp_condition c;
    memset(&c, 0, sizeof c);
    c.field = guid(field);
    c.slot = ntsec_wfp_field_slot(&c.field);
    c.match = match;
    c.type = type;
    c.value.type = type;
    c.sd_slot = UINT32_MAX;
    return c;
}

static void build(ntsec_wfp_condition *c)
{
    int i = 0;
    size_t off;
    if (ntsec_sid_from_string("S-1-15-2-1-2-3-4-5-6-7", 22, NULL, package_sid) != STATUS_SUCCESS) abort();
    if (ntsec_sddl_parse("O:LSD:(A;;CC;;;S-1-15-3-1)(A;;CC;;;WD)", 38, NULL, &user_sd, &off) != STATUS_SUCCESS)
        abort();
    c[i] = make("FWPM_CONDITION_IP_PROTOCOL", NTSEC_FWP_MATCH_EQUAL, NTSEC_FWP_UINT8);
    c[i++].value.n.u = 6;
    c[i] = make("FWPM_CONDITION_IP_REMOTE_PORT", NTSEC_FWP_MATCH_GREATER, NTSEC_FWP_UINT16);
    c[i++].value.n.u = 65535;
    c[i] = make("FWPM_CONDITION_IP_REMOTE_ADDRESS", NTSEC_FWP_MATCH_EQUAL, NTSEC_FWP_UINT32);
    c[i++].value.n.u = 0x0A010203u;
    c[i] = make("FWPM_CONDITION_IP_LOCAL_INTERFACE", NTSEC_FWP_MATCH_EQUAL, NTSEC_FWP_UINT64);
    c[i++].value.n.u = UINT64_MAX;
    c[i] = make("{01234567-89ab-4cde-8f01-23456789ab01}", NTSEC_FWP_MATCH_LESS, NTSEC_FWP_INT8);
    c[i++].value.n.i = -128;
    c[i] = make("{01234567-89ab-4cde-8f01-23456789ab02}", NTSEC_FWP_MATCH_LESS, NTSEC_FWP_INT16);
    c[i++].value.n.i = -32768;
    c[i] = make("{01234567-89ab-4cde-8f01-23456789ab03}", NTSEC_FWP_MATCH_LESS, NTSEC_FWP_INT32);
    c[i++].value.n.i = -7;
    c[i] = make("{01234567-89ab-4cde-8f01-23456789ab04}", NTSEC_FWP_MATCH_LESS, NTSEC_FWP_INT64);
    c[i++].value.n.i = INT64_MIN;
    c[i] = make("{01234567-89ab-4cde-8f01-23456789ab05}", NTSEC_FWP_MATCH_EQUAL, NTSEC_FWP_FLOAT);
    c[i++].value.n.d = 1.5;
    c[i] = make("{01234567-89ab-4cde-8f01-23456789ab06}", NTSEC_FWP_MATCH_EQUAL, NTSEC_FWP_DOUBLE);
    c[i++].value.n.d = -0.1;
    c[i] = make("FWPM_CONDITION_IP_REMOTE_ADDRESS", NTSEC_FWP_MATCH_EQUAL, NTSEC_FWP_BYTE_ARRAY16_TYPE);
    memcpy(c[i++].value.n.a16, v6, 16);
    c[i] = make("FWPM_CONDITION_ALE_APP_ID", NTSEC_FWP_MATCH_EQUAL, NTSEC_FWP_BYTE_BLOB_TYPE);
    c[i].value.p = blob;
    c[i++].value.len = sizeof blob;
    c[i] = make("FWPM_CONDITION_ALE_PACKAGE_ID", NTSEC_FWP_MATCH_EQUAL, NTSEC_FWP_SID);
    c[i].value.p = package_sid;
    c[i++].value.len = (uint32_t)ntsec_sid_len(package_sid);
    c[i] = make("FWPM_CONDITION_ALE_USER_ID", NTSEC_FWP_MATCH_EQUAL, NTSEC_FWP_SECURITY_DESCRIPTOR_TYPE);
    c[i++].value.obj = user_sd;
    c[i] = make("FWPM_CONDITION_ALE_PACKAGE_FAMILY_NAME", NTSEC_FWP_MATCH_PREFIX, NTSEC_FWP_UNICODE_STRING_TYPE);
    c[i].value.p = utf16;
    c[i++].value.len = sizeof utf16;
    c[i] = make("FWPM_CONDITION_MAC_REMOTE_ADDRESS", NTSEC_FWP_MATCH_EQUAL, NTSEC_FWP_BYTE_ARRAY6_TYPE);
    memcpy(c[i++].value.n.a16, mac, 6);
    c[i] = make("FWPM_CONDITION_IP_REMOTE_ADDRESS", NTSEC_FWP_MATCH_EQUAL, NTSEC_FWP_V4_ADDR_MASK);
    c[i].value.n.v4.addr = 0xC0A80000u;
    c[i++].value.n.v4.mask = 0xFFFF0000u;
    c[i] = make("FWPM_CONDITION_IP_REMOTE_ADDRESS", NTSEC_FWP_MATCH_EQUAL, NTSEC_FWP_V6_ADDR_MASK);
    memcpy(c[i].value.n.v6.addr, v6, 16);
    c[i++].value.n.v6.prefix = 128;
    c[i] = make("FWPM_CONDITION_IP_REMOTE_PORT", NTSEC_FWP_MATCH_RANGE, NTSEC_FWP_RANGE_TYPE);
    c[i].value = ntsec_fwp_uint(NTSEC_FWP_UINT16, 1000);
    c[i++].high = ntsec_fwp_uint(NTSEC_FWP_UINT16, 2000);
    c[i] = make("{01234567-89ab-4cde-8f01-23456789ab07}", NTSEC_FWP_MATCH_EQUAL, NTSEC_FWP_TOKEN_INFORMATION_TYPE);
    c[i].value.p = token_bytes;
    c[i++].value.len = sizeof token_bytes;
    c[i] = make("{01234567-89ab-4cde-8f01-23456789ab08}", NTSEC_FWP_MATCH_EQUAL, NTSEC_FWP_EMPTY);
    i++;
    /* an unknown field, match type and value type, kept by name */
    c[i] = make("{01234567-89ab-4cde-8f01-23456789ab09}", NTSEC_FWP_MATCH_UNKNOWN, NTSEC_FWP_TYPE_UNKNOWN);
    memset(&c[i].field, 0, sizeof c[i].field);
    c[i].slot = NTSEC_WFP_FIELD_UNKNOWN;
    c[i].field_text = "FWPM_CONDITION_FROM_THE_FUTURE";
    c[i].match_text = "FWP_MATCH_SOMETHING_NEW";
    c[i].value.name = "FWP_NEW_TYPE";
    c[i].value.p = (const uint8_t *)unknown_text;
    c[i++].value.len = sizeof unknown_text - 1;
    /* a range of UINT32 addresses: the bounds keep their own type */
    c[i] = make("FWPM_CONDITION_IP_LOCAL_ADDRESS", NTSEC_FWP_MATCH_RANGE, NTSEC_FWP_RANGE_TYPE);
    c[i].value = ntsec_fwp_uint(NTSEC_FWP_UINT32, 0x0A000000u);
    c[i++].high = ntsec_fwp_uint(NTSEC_FWP_UINT32, 0x0AFFFFFFu);
    if (i != NCOND) abort();
}

/* ---- comparison with the hand-built values ---- */

static int same_value(const ntsec_fwp_value *a, const ntsec_fwp_value *b)
{
    if (a->type != b->type || a->len != b->len) return 0;
    if ((a->name == NULL) != (b->name == NULL) || (a->name && strcmp(a->name, b->name))) return 0;
    if (a->len && memcmp(a->p, b->p, a->len)) return 0;
    switch (a->type) {
    case NTSEC_FWP_FLOAT:
    case NTSEC_FWP_DOUBLE: return memcmp(&a->n.d, &b->n.d, sizeof a->n.d) == 0;
    case NTSEC_FWP_BYTE_ARRAY16_TYPE: return memcmp(a->n.a16, b->n.a16, 16) == 0;
    case NTSEC_FWP_BYTE_ARRAY6_TYPE: return memcmp(a->n.a16, b->n.a16, 6) == 0;
    case NTSEC_FWP_V4_ADDR_MASK: return a->n.v4.addr == b->n.v4.addr && a->n.v4.mask == b->n.v4.mask;
    case NTSEC_FWP_V6_ADDR_MASK:
        return a->n.v6.prefix == b->n.v6.prefix && memcmp(a->n.v6.addr, b->n.v6.addr, 16) == 0;
    default: return a->n.u == b->n.u;
    }
}

static int same_text(const char *a, const char *b)
{
    return (a == NULL) == (b == NULL) && (!a || strcmp(a, b) == 0);
}

static void check_condition(const ntsec_wfp_condition *got, const ntsec_wfp_condition *want, int i)
{
    ntsec_fwp_value w = want->value;
    int ok;
    if (want->type == NTSEC_FWP_SECURITY_DESCRIPTOR_TYPE) {
        const ntsec_sd *sd = got->value.obj;
        ok = sd && sd->len == user_sd->len && memcmp(sd->bytes, user_sd->bytes, sd->len) == 0
          && got->check_sd != NULL && got->sd_slot != UINT32_MAX;
        w.p = user_sd->bytes;
        w.len = (uint32_t)user_sd->len;
        w.obj = NULL;
    } else {
        ok = 1;
    }
    ok = ok && memcmp(got->field.b, want->field.b, 16) == 0 && got->slot == want->slot
      && got->match == want->match && got->type == want->type && same_value(&got->value, &w)
      && same_text(got->field_text, want->field_text) && same_text(got->match_text, want->match_text);
    if (want->type == NTSEC_FWP_RANGE_TYPE) ok = ok && same_value(&got->high, &want->high);
    if (!ok) printf("condition %d differs after the restart\n", i + 1);
    CHECK(ok);
}

/* ---- tests ---- */

/* A persistent blocking filter at ALE_AUTH_CONNECT_V4 with n conditions. */
static void persistent_filter(ntsec_wfp_add_spec *spec, const ntsec_guid *key, const ntsec_wfp_condition *c,
                              uint32_t n)
{
    memset(spec, 0, sizeof *spec);
    spec->key = *key;
    spec->name = "stored conditions";
    spec->flags = NTSEC_FWPM_FILTER_FLAG_PERSISTENT;
    spec->layer = guid("FWPM_LAYER_ALE_AUTH_CONNECT_V4");
    spec->action = NTSEC_FWP_ACTION_BLOCK;
    spec->conditions = c;
    spec->condition_count = n;
}

static const char *const FILTER_KEY = "{5a7e0000-0000-4000-8000-00000000f001}";

static void test_round_trip(ntsec_wfp_condition *conds)
{
    ntsec_wfp_add_spec spec;
    ntsec_wfp_object_info info;
    ntsec_guid key = guid(FILTER_KEY), got_key;
    uint64_t id = 0;
    char err[512] = "";
    NTSTATUS st;
    ntsec_wfp_engine *e = open_engine(&st, err, sizeof err);
    ntsec_wfp_handle h;
    int i;
    CHECK_EQ_U(st, STATUS_SUCCESS);
    if (!e) return;
    h = kernel_session(e);
    persistent_filter(&spec, &key, conds, NCOND);
    /* issue 12: no STATUS_NOT_SUPPORTED for conditions on a persistent filter */
    CHECK_EQ_U(ntsec_wfp_object_add(e, h, NTSEC_WFP_FILTER, &spec, NULL, &got_key, &id), STATUS_SUCCESS);
    ntsec_wfp_engine_free(e);

    e = open_engine(&st, err, sizeof err);
    CHECK_EQ_U(st, STATUS_SUCCESS);
    if (!e) return;
    h = kernel_session(e);
    CHECK_EQ_U(ntsec_wfp_object_get(e, h, NTSEC_WFP_FILTER, &key, &info), STATUS_SUCCESS);
    CHECK_EQ_U(info.id, id);
    CHECK_EQ_U(info.filter.condition_count, NCOND);
    if (info.filter.condition_count == NCOND)
        for (i = 0; i < NCOND; i++) check_condition(&info.filter.conditions[i], &conds[i], i);
    ntsec_wfp_engine_free(e);
}

/* Replace the stored conditions of the filter with bytes (SQLite directly). */
static void damage(const uint8_t *bytes, int len)
{
    sqlite3 *db;
    sqlite3_stmt *q;
    ntsec_guid key = guid(FILTER_KEY);
    if (sqlite3_open(path, &db) != SQLITE_OK) abort();
    if (sqlite3_prepare_v2(db, "UPDATE objects SET payload = ?1 WHERE key = ?2", -1, &q, NULL) != SQLITE_OK)
        abort();
    sqlite3_bind_blob(q, 1, bytes, len, SQLITE_STATIC);
    sqlite3_bind_blob(q, 2, key.b, 16, SQLITE_STATIC);
    CHECK_EQ_U(sqlite3_step(q), SQLITE_DONE);
    CHECK_EQ_U(sqlite3_changes(db), 1);
    sqlite3_finalize(q);
    sqlite3_close(db);
}

static void expect_corrupt(const uint8_t *bytes, int len, const char *where)
{
    char err[512] = "";
    NTSTATUS st;
    ntsec_wfp_engine *e;
    damage(bytes, len);
    e = open_engine(&st, err, sizeof err);
    CHECK(e == NULL);
    CHECK_EQ_U(st, STATUS_FILE_CORRUPT_ERROR);
    CHECK(strstr(err, path) != NULL);
    CHECK(strstr(err, "stored filter 5a7e0000-0000-4000-8000-00000000f001: conditions corrupt") != NULL);
    if (!strstr(err, where)) printf("message: %s (wanted %s)\n", err, where);
    CHECK(strstr(err, where) != NULL);
    ntsec_wfp_engine_free(e);
}

static void test_corrupt_rows(void)
{
    /* format 1, count 1, zero field GUID, EQUAL, FWP_UINT8, then a field
    ** name of 1000 bytes (length + 1 = 1001) where only 20 follow: the
    ** name starts at byte 1 + 4 + 22 + 4 = 31 */
    static const uint8_t cut[51] = { 1, 1, 0, 0, 0, [21] = 0, 0, 1, 0, 0, 0, 0xE9, 3, 0, 0 };
    /* an unknown format */
    static const uint8_t fmt[] = { 9, 0, 0, 0, 0 };
    /* count 0 and a stray byte */
    static const uint8_t tail[] = { 1, 0, 0, 0, 0, 0xAA };
    /* one FWP_SID condition whose 8 bytes are not a SID (revision 7) */
    uint8_t sid_bad[64];
    size_t n = 0;
    memset(sid_bad, 0, sizeof sid_bad);
    sid_bad[n++] = 1;
    ntsec_wr32(sid_bad + n, 1); n += 4;
    n += 16;                                         /* field GUID (zero) */
    ntsec_wr16(sid_bad + n, 0); n += 2;              /* EQUAL */
    ntsec_wr32(sid_bad + n, NTSEC_FWP_SID); n += 4;
    n += 8;                                          /* no field / match text */
    ntsec_wr32(sid_bad + n, NTSEC_FWP_SID); n += 4;  /* value type */
    n += 4;                                          /* no name */
    ntsec_wr32(sid_bad + n, 8); n += 4;
    sid_bad[n] = 7; n += 8;
    expect_corrupt(cut, sizeof cut, "at byte 31 (a field name)");
    expect_corrupt(fmt, sizeof fmt, "an unknown conditions format");
    expect_corrupt(tail, sizeof tail, "at byte 5 (bytes after the last condition)");
    expect_corrupt(sid_bad, (int)n, "a SID value that is not one valid SID");
}

/* The codec alone: a count that promises more than the bytes hold never
** sizes an allocation; an empty list round-trips. */
static void test_codec_limits(void)
{
    static const uint8_t huge[] = { 1, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0 };
    wfp_conds_decoded d;
    size_t off = 0;
    const char *why = NULL;
    ntsec_buf b;
    CHECK_EQ_U(wfp_conds_decode(huge, sizeof huge, &d, &off, &why), STATUS_FILE_CORRUPT_ERROR);
    CHECK_STR(why, "a condition count larger than the data");
    ntsec_buf_init(&b);
    CHECK_EQ_U(wfp_conds_encode(NULL, 0, &b), STATUS_SUCCESS);
    CHECK_EQ_U(b.len, 5);
    CHECK_EQ_U(wfp_conds_decode(b.data, b.len, &d, &off, &why), STATUS_SUCCESS);
    CHECK_EQ_U(d.count, 0);
    wfp_conds_decoded_free(&d);
    ntsec_buf_free(&b);
    CHECK_EQ_U(wfp_conds_decode(NULL, 0, &d, &off, &why), STATUS_FILE_CORRUPT_ERROR);
    CHECK_STR(why, "the format byte");
}

/* A format-1 store (before conditions were kept): made from a format-2
** one by dropping the four new columns and setting user_version 1. It opens
** (migrated in place, user_version 2 again), its filter comes back without
** conditions (format 1 never had them), and conditions added now are kept. */
static int64_t user_version(void)
{
    sqlite3 *db;
    sqlite3_stmt *q;
    int64_t v = -1;
    if (sqlite3_open(path, &db) != SQLITE_OK) abort();
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
        v = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    sqlite3_close(db);
    return v;
}

static void test_migration(ntsec_wfp_condition *conds)
{
    sqlite3 *db;
    ntsec_wfp_object_info info;
    ntsec_wfp_add_spec spec;
    ntsec_guid key = guid(FILTER_KEY), key2 = guid("{5a7e0000-0000-4000-8000-00000000f002}");
    char err[512] = "";
    NTSTATUS st;
    ntsec_wfp_engine *e;
    ntsec_wfp_handle h;
    if (sqlite3_open(path, &db) != SQLITE_OK) abort();
    CHECK_EQ_U(sqlite3_exec(db, "ALTER TABLE objects DROP COLUMN payload; ALTER TABLE objects DROP COLUMN"
                                " effective_weight; ALTER TABLE objects DROP COLUMN context; ALTER TABLE objects DROP COLUMN flag_names;"
                                " PRAGMA user_version = 1;", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    CHECK_EQ_U(user_version(), 1);
    e = open_engine(&st, err, sizeof err);
    CHECK_EQ_U(st, STATUS_SUCCESS);
    if (!e) return;
    CHECK_EQ_U(user_version(), 2);
    h = kernel_session(e);
    CHECK_EQ_U(ntsec_wfp_object_get(e, h, NTSEC_WFP_FILTER, &key, &info), STATUS_SUCCESS);
    CHECK_EQ_U(info.filter.condition_count, 0);
    persistent_filter(&spec, &key2, conds, 2);
    CHECK_EQ_U(ntsec_wfp_object_add(e, h, NTSEC_WFP_FILTER, &spec, NULL, NULL, NULL), STATUS_SUCCESS);
    ntsec_wfp_engine_free(e);
    e = open_engine(&st, err, sizeof err);
    if (!e) return;
    h = kernel_session(e);
    CHECK_EQ_U(ntsec_wfp_object_get(e, h, NTSEC_WFP_FILTER, &key2, &info), STATUS_SUCCESS);
    CHECK_EQ_U(info.filter.condition_count, 2);
    if (info.filter.condition_count == 2) {
        check_condition(&info.filter.conditions[0], &conds[0], 0);
        check_condition(&info.filter.conditions[1], &conds[1], 1);
    }
    ntsec_wfp_engine_free(e);
}

int main(void)
{
    ntsec_wfp_condition conds[NCOND];
    snprintf(path, sizeof path, "/tmp/ntsec-wfp-store-test-%d.db", (int)getpid());
    remove_store();
    build(conds);
    test_round_trip(conds);
    test_migration(conds);
    remove_store();
    test_round_trip(conds);
    test_corrupt_rows();
    test_codec_limits();
    remove_store();
    ntsec_sd_unref(user_sd);
    return ctest_summary();
}
