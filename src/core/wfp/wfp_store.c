/*
** wfp_store.c: the SQLite side of persistence (see wfp_store.h).
**
** WAL journal, synchronous FULL by default (a commit survives a process
** kill and a power cut; NORMAL survives the kill only). Statements are
** prepared once. Descriptor row ids are cached per descriptor pointer; ids
** learnt inside a transaction that is rolled back are forgotten again.
*/
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wfp_store.h"
#include "status.h"

#define STORE_APP_ID  0x4E545746   /* "NTWF" */
#define STORE_VERSION 2   /* 1: before payload, effective_weight, context (migrated) */

enum {
    Q_BEGIN, Q_COMMIT, Q_ROLLBACK, Q_SAVEPOINT, Q_RELEASE, Q_ROLLBACK_TO,
    Q_BUMP_SEQ, Q_SET_DEL_SEQ, Q_SEQ, Q_SD_FIND, Q_SD_ADD, Q_PUT, Q_DELETE, Q_PUT_CONTAINER,
    Q_GET_COUNTER, Q_SET_COUNTER, Q_EACH_OBJECT, Q_EACH_CONTAINER, Q_EACH_KEY, Q_DATA_VERSION,
    Q_COUNT
};

static const char *const query_text[Q_COUNT] = {
    "BEGIN IMMEDIATE", "COMMIT", "ROLLBACK", "SAVEPOINT op", "RELEASE op", "ROLLBACK TO op",
    "UPDATE meta SET value = value + 1 WHERE name = 'seq' RETURNING value",
    "UPDATE meta SET value = ?1 WHERE name = 'del_seq'",
    "SELECT (SELECT value FROM meta WHERE name = 'seq'), (SELECT value FROM meta WHERE name = 'del_seq')",
    "SELECT id FROM sds WHERE bytes = ?1",
    "INSERT INTO sds(bytes) VALUES (?1)",
    "INSERT INTO objects(kind, key, id, lifetime, flags, name, description, service, provider,"
    " layer, sublayer, callout, action, weight, sd_id, ver, payload, effective_weight, context, flag_names)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)"
    " ON CONFLICT(kind, key) DO UPDATE SET id = excluded.id, lifetime = excluded.lifetime,"
    " flags = excluded.flags, name = excluded.name, description = excluded.description,"
    " service = excluded.service, provider = excluded.provider, layer = excluded.layer,"
    " sublayer = excluded.sublayer, callout = excluded.callout, action = excluded.action,"
    " weight = excluded.weight, sd_id = excluded.sd_id, ver = excluded.ver, payload = excluded.payload,"
    " effective_weight = excluded.effective_weight, context = excluded.context,"
    " flag_names = excluded.flag_names",
    "DELETE FROM objects WHERE kind = ?1 AND key = ?2",
    "INSERT INTO containers(id, sd_id, ver) VALUES (?1, ?2, ?3)"
    " ON CONFLICT(id) DO UPDATE SET sd_id = excluded.sd_id, ver = excluded.ver",
    "SELECT value FROM meta WHERE name = ?1",
    "INSERT INTO meta(name, value) VALUES (?1, ?2) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
    "SELECT o.kind, o.key, o.id, o.lifetime, o.flags, o.name, o.description, o.service,"
    " o.provider, o.layer, o.sublayer, o.callout, o.action, o.weight, s.bytes, o.payload,"
    " o.effective_weight, o.context, o.flag_names"
    " FROM objects o JOIN sds s ON s.id = o.sd_id WHERE o.ver > ?1"
    " ORDER BY CASE o.kind WHEN 5 THEN 0.5 ELSE o.kind END, o.rowid",
    "SELECT c.id, s.bytes FROM containers c JOIN sds s ON s.id = c.sd_id WHERE c.ver > ?1 ORDER BY c.id",
    "SELECT kind, key FROM objects",
    "PRAGMA data_version",
};

static const char schema[] =
    "CREATE TABLE meta(name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE sds(id INTEGER PRIMARY KEY, bytes BLOB NOT NULL UNIQUE);"
    "CREATE TABLE containers(id INTEGER PRIMARY KEY, sd_id INTEGER NOT NULL, ver INTEGER NOT NULL);"
    "CREATE TABLE objects(kind INTEGER NOT NULL, key BLOB NOT NULL, id INTEGER NOT NULL,"
    " lifetime INTEGER NOT NULL, flags INTEGER NOT NULL, name TEXT, description TEXT, service TEXT,"
    " provider BLOB, layer BLOB, sublayer BLOB, callout BLOB, action INTEGER NOT NULL, weight INTEGER,"
    " sd_id INTEGER NOT NULL, ver INTEGER NOT NULL, payload BLOB, effective_weight INTEGER, context BLOB,"
    " flag_names TEXT,"
    " UNIQUE(kind, key));"
    "CREATE INDEX objects_ver ON objects(ver);"
    "INSERT INTO meta(name, value) VALUES ('seq', 0), ('del_seq', 0), ('callout', 1), ('filter', 1),"
    " ('layer', 1);"
    "PRAGMA application_id = 1314150214;"   /* STORE_APP_ID */
    "PRAGMA user_version = 2;";

/* Format 1 -> 2: the kind-specific bytes (a filter's conditions, a provider
** context's data), a filter's effective weight and provider context key, and
** flag names kept without bits. */
static const char migrate_1_2[] =
    "ALTER TABLE objects ADD COLUMN payload BLOB;"
    "ALTER TABLE objects ADD COLUMN effective_weight INTEGER;"
    "ALTER TABLE objects ADD COLUMN context BLOB;"
    "ALTER TABLE objects ADD COLUMN flag_names TEXT;"
    "PRAGMA user_version = 2;";

/* Descriptor -> row id cache entry (holds one reference to sd). */
typedef struct sd_slot {
    ntsec_sd *sd;
    int64_t id;
} sd_slot;

struct wfp_store {
    sqlite3 *db;
    sqlite3_stmt *q[Q_COUNT];
    int64_t data_version;
    uint64_t txn_seq;             /* 0 until the open transaction writes */
    int savepoint;                /* a savepoint is open */
    uint64_t seq_at_savepoint;
    sd_slot *cache;               /* open addressing by pointer */
    size_t cache_cap, cache_count;
    ntsec_sd **fresh;             /* cache entries learnt in the open transaction */
    size_t n_fresh, fresh_cap, fresh_at_savepoint;
};

/* ---- descriptor id cache ---- */

static size_t slot_of(const wfp_store *st, const ntsec_sd *sd)
{
    size_t mask = st->cache_cap - 1, i = (size_t)(((uintptr_t)sd >> 4) * 0x9e3779b97f4a7c15ull) & mask;
    while (st->cache[i].sd && st->cache[i].sd != sd) i = (i + 1) & mask;
    return i;
}

static int cache_grow(wfp_store *st)
{
    sd_slot *old = st->cache;
    size_t old_cap = st->cache_cap, i;
    size_t cap = old_cap ? old_cap * 2 : 64;
    sd_slot *fresh = calloc(cap, sizeof *fresh);
    if (!fresh) return 0;
    st->cache = fresh;
    st->cache_cap = cap;
    for (i = 0; i < old_cap; i++)
        if (old[i].sd) st->cache[slot_of(st, old[i].sd)] = old[i];
    free(old);
    return 1;
}

static void cache_put(wfp_store *st, ntsec_sd *sd, int64_t id)
{
    ntsec_sd **f;
    if ((st->cache_count + 1) * 4 > st->cache_cap * 3 && !cache_grow(st)) return;
    if (st->n_fresh == st->fresh_cap) {
        size_t cap = st->fresh_cap ? st->fresh_cap * 2 : 16;
        f = realloc(st->fresh, cap * sizeof *f);
        if (!f) return;   /* not cached: looked up again next time */
        st->fresh = f;
        st->fresh_cap = cap;
    }
    st->cache[slot_of(st, sd)] = (sd_slot){ntsec_sd_ref(sd), id};
    st->cache_count++;
    st->fresh[st->n_fresh++] = sd;
}

/* Forget the fresh entries from index `from` on (their rows were rolled
** back): mark them, then rebuild the table without the marked ones. */
static void cache_forget(wfp_store *st, size_t from)
{
    sd_slot *old = st->cache;
    size_t cap = st->cache_cap, i, j;
    if (st->n_fresh <= from) return;
    for (j = from; j < st->n_fresh; j++) old[slot_of(st, st->fresh[j])].id = -1;
    st->n_fresh = from;
    st->cache = calloc(cap, sizeof *st->cache);
    st->cache_count = 0;
    for (i = 0; i < cap; i++) {
        if (!old[i].sd) continue;
        if (old[i].id < 0 || !st->cache) {
            ntsec_sd_unref(old[i].sd);
            continue;
        }
        st->cache[slot_of(st, old[i].sd)] = old[i];
        st->cache_count++;
    }
    if (st->cache) {
        free(old);
        return;
    }
    memset(old, 0, cap * sizeof *old);   /* out of memory: start empty */
    st->cache = old;
}

static void cache_free(wfp_store *st)
{
    size_t i;
    for (i = 0; i < st->cache_cap; i++) ntsec_sd_unref(st->cache[i].sd);
    free(st->cache);
    free(st->fresh);
}

/* ---- helpers ---- */

static void set_msg(char *msg, size_t cap, const char *path, const char *what, const char *detail)
{
    if (msg && cap) snprintf(msg, cap, "%s: %s%s%s", path, what, detail ? ": " : "", detail ? detail : "");
}

/* Run a statement to completion (rows ignored). */
static int run(sqlite3_stmt *q)
{
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {}
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static NTSTATUS status_of(int rc)
{
    if (rc == SQLITE_OK || rc == SQLITE_DONE) return STATUS_SUCCESS;
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) return STATUS_FWP_TIMEOUT;
    return STATUS_UNSUCCESSFUL;
}

static int64_t single_int(sqlite3 *db, const char *sql, int *rc)
{
    sqlite3_stmt *q;
    int64_t v = -1;
    *rc = sqlite3_prepare_v2(db, sql, -1, &q, NULL);
    if (*rc != SQLITE_OK) return v;
    *rc = sqlite3_step(q);
    if (*rc == SQLITE_ROW) {
        v = sqlite3_column_int64(q, 0);
        *rc = SQLITE_OK;
    }
    sqlite3_finalize(q);
    return v;
}

/* ---- open ---- */

/* Run sql inside one write transaction when the single value of check is
** still want (another process may have done it meanwhile): initialising an
** empty file (no schema), migrating a format-1 store (its new columns). */
static int exec_when(sqlite3 *db, const char *check, int64_t want, const char *sql)
{
    int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), rc2;
    if (rc != SQLITE_OK) return rc;
    if (single_int(db, check, &rc2) == want && rc2 == SQLITE_OK) rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    rc2 = sqlite3_exec(db, rc == SQLITE_OK ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
    return rc != SQLITE_OK ? rc : rc2;
}

/* Identify the file without writing to it. Returns a refusal reason or NULL;
** *old is set for a format-1 store (migrated after the integrity check). */
static const char *identify(sqlite3 *db, int *empty, int *old, int *rc)
{
    int64_t app = single_int(db, "PRAGMA application_id", rc), n, ver;
    if (*rc != SQLITE_OK) return sqlite3_errstr(*rc);
    n = single_int(db, "SELECT count(*) FROM sqlite_master", rc);
    if (*rc != SQLITE_OK) return sqlite3_errstr(*rc);
    *empty = app == 0 && n == 0;
    if (*empty) return NULL;
    if (app != STORE_APP_ID) return "not an ntsec engine store (foreign SQLite database)";
    ver = single_int(db, "PRAGMA user_version", rc);
    *old = ver == 1;
    if (ver != STORE_VERSION && !*old) return "unsupported ntsec store format version";
    return NULL;
}

static const char *check_integrity(sqlite3 *db)
{
    sqlite3_stmt *q;
    const char *verdict = "quick_check failed";
    if (sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &q, NULL) != SQLITE_OK) return verdict;
    if (sqlite3_step(q) == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(q, 0), "ok") == 0)
        verdict = NULL;
    sqlite3_finalize(q);
    return verdict;
}

static int prepare_all(wfp_store *st)
{
    int i, rc;
    for (i = 0; i < Q_COUNT; i++) {
        rc = sqlite3_prepare_v3(st->db, query_text[i], -1, SQLITE_PREPARE_PERSISTENT, &st->q[i], NULL);
        if (rc != SQLITE_OK) return rc;
    }
    return SQLITE_OK;
}

/* Validate (read only), initialise if empty, then switch to WAL. */
static NTSTATUS setup(wfp_store *st, const char *path, int sync_normal, char *msg, size_t cap)
{
    int empty = 0, old = 0, rc;
    const char *why;
    sqlite3_busy_timeout(st->db, 15000);
    why = identify(st->db, &empty, &old, &rc);
    if (!why && !empty) why = check_integrity(st->db);
    if (why) {
        set_msg(msg, cap, path, "refused", why);
        return rc == SQLITE_OK || rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT ? STATUS_OBJECT_TYPE_MISMATCH
                                                                             : STATUS_UNSUCCESSFUL;
    }
    if (empty && (rc = exec_when(st->db, "SELECT count(*) FROM sqlite_master", 0, schema)) != SQLITE_OK) {
        set_msg(msg, cap, path, "cannot initialise the store", sqlite3_errstr(rc));
        return STATUS_UNSUCCESSFUL;
    }
    if (old && (rc = exec_when(st->db, "PRAGMA user_version", 1, migrate_1_2)) != SQLITE_OK) {
        set_msg(msg, cap, path, "cannot migrate the store from format 1", sqlite3_errstr(rc));
        return STATUS_UNSUCCESSFUL;
    }
    rc = sqlite3_exec(st->db, sync_normal ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL"
                                          : "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL", NULL, NULL, NULL);
    if (rc == SQLITE_OK) rc = prepare_all(st);
    if (rc != SQLITE_OK) {
        set_msg(msg, cap, path, "cannot use the store", sqlite3_errmsg(st->db));
        return STATUS_UNSUCCESSFUL;
    }
    wfp_store_changed(st);
    return STATUS_SUCCESS;
}

NTSTATUS wfp_store_open(const char *path, int sync_normal, wfp_store **out, char *msg, size_t cap)
{
    wfp_store *st = calloc(1, sizeof *st);
    NTSTATUS s;
    if (!st) return STATUS_NO_MEMORY;
    if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        set_msg(msg, cap, path, "cannot open", st->db ? sqlite3_errmsg(st->db) : "out of memory");
        wfp_store_close(st);
        return STATUS_UNSUCCESSFUL;
    }
    s = setup(st, path, sync_normal, msg, cap);
    if (!NT_SUCCESS(s)) {
        wfp_store_close(st);
        return s;
    }
    *out = st;
    return STATUS_SUCCESS;
}

void wfp_store_close(wfp_store *st)
{
    int i;
    if (!st) return;
    for (i = 0; i < Q_COUNT; i++) sqlite3_finalize(st->q[i]);
    sqlite3_close(st->db);
    cache_free(st);
    free(st);
}

/* ---- transactions ---- */

NTSTATUS wfp_store_begin(wfp_store *st, uint32_t timeout_ms)
{
    int rc;
    sqlite3_busy_timeout(st->db, (int)(timeout_ms > 0x7FFFFFFF ? 0x7FFFFFFF : timeout_ms));
    rc = run(st->q[Q_BEGIN]);
    sqlite3_busy_timeout(st->db, 15000);
    st->txn_seq = 0;
    st->n_fresh = 0;
    return status_of(rc);
}

NTSTATUS wfp_store_commit(wfp_store *st)
{
    int rc = run(st->q[Q_COMMIT]);
    if (rc != SQLITE_OK) {
        wfp_store_rollback(st);
        return STATUS_UNSUCCESSFUL;
    }
    st->n_fresh = 0;
    return STATUS_SUCCESS;
}

void wfp_store_rollback(wfp_store *st)
{
    if (!sqlite3_get_autocommit(st->db)) run(st->q[Q_ROLLBACK]);
    cache_forget(st, 0);
    st->txn_seq = 0;
    st->savepoint = 0;
}

NTSTATUS wfp_store_savepoint(wfp_store *st)
{
    st->savepoint = 1;
    st->seq_at_savepoint = st->txn_seq;
    st->fresh_at_savepoint = st->n_fresh;
    return status_of(run(st->q[Q_SAVEPOINT]));
}

NTSTATUS wfp_store_release(wfp_store *st)
{
    st->savepoint = 0;
    return status_of(run(st->q[Q_RELEASE]));
}

void wfp_store_rollback_savepoint(wfp_store *st)
{
    run(st->q[Q_ROLLBACK_TO]);
    run(st->q[Q_RELEASE]);
    cache_forget(st, st->fresh_at_savepoint);
    st->txn_seq = st->seq_at_savepoint;
    st->savepoint = 0;
}

uint64_t wfp_store_txn_seq(const wfp_store *st)
{
    return st->txn_seq;
}

/* The first write of a transaction takes the next change number. */
static int stamp(wfp_store *st)
{
    sqlite3_stmt *q = st->q[Q_BUMP_SEQ];
    int rc;
    if (st->txn_seq) return SQLITE_OK;
    rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) st->txn_seq = (uint64_t)sqlite3_column_int64(q, 0);
    sqlite3_reset(q);
    return rc == SQLITE_ROW ? SQLITE_OK : rc;
}

/* ---- writes ---- */

static int find_sd(wfp_store *st, const ntsec_sd *sd, int64_t *id)
{
    sqlite3_stmt *q = st->q[Q_SD_FIND];
    int rc;
    sqlite3_bind_blob(q, 1, sd->bytes, (int)sd->len, SQLITE_STATIC);
    rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) *id = sqlite3_column_int64(q, 0);
    sqlite3_reset(q);
    return rc;
}

NTSTATUS wfp_store_sd_id(wfp_store *st, ntsec_sd *sd, int64_t *id)
{
    int rc;
    if (st->cache_cap) {
        size_t i = slot_of(st, sd);
        if (st->cache[i].sd) {
            *id = st->cache[i].id;
            return STATUS_SUCCESS;
        }
    }
    rc = find_sd(st, sd, id);
    if (rc == SQLITE_DONE) {
        sqlite3_bind_blob(st->q[Q_SD_ADD], 1, sd->bytes, (int)sd->len, SQLITE_STATIC);
        rc = run(st->q[Q_SD_ADD]);
        *id = sqlite3_last_insert_rowid(st->db);
    } else if (rc == SQLITE_ROW) {
        rc = SQLITE_OK;
    }
    if (rc != SQLITE_OK) return status_of(rc);
    cache_put(st, sd, *id);
    return STATUS_SUCCESS;
}

static void bind_key(sqlite3_stmt *q, int i, int present, const ntsec_guid *g)
{
    if (present) sqlite3_bind_blob(q, i, g->b, 16, SQLITE_STATIC);
    else sqlite3_bind_null(q, i);
}

static void bind_text(sqlite3_stmt *q, int i, const char *s)
{
    if (s) sqlite3_bind_text(q, i, s, -1, SQLITE_STATIC);
    else sqlite3_bind_null(q, i);
}

NTSTATUS wfp_store_put(wfp_store *st, const wfp_store_row *r)
{
    sqlite3_stmt *q = st->q[Q_PUT];
    int rc = stamp(st), i;
    if (rc != SQLITE_OK) return status_of(rc);
    sqlite3_bind_int(q, 1, r->kind);
    sqlite3_bind_blob(q, 2, r->key.b, 16, SQLITE_STATIC);
    sqlite3_bind_int64(q, 3, (sqlite3_int64)r->id);
    sqlite3_bind_int(q, 4, r->lifetime);
    sqlite3_bind_int64(q, 5, r->flags);
    bind_text(q, 6, r->name);
    bind_text(q, 7, r->description);
    bind_text(q, 8, r->service);
    for (i = 0; i < 4; i++) bind_key(q, 9 + i, r->has_ref[i], &r->ref[i]);
    sqlite3_bind_int64(q, 13, r->action);
    if (r->has_weight) sqlite3_bind_int64(q, 14, (sqlite3_int64)r->weight);
    else sqlite3_bind_null(q, 14);
    sqlite3_bind_int64(q, 15, r->sd_id);
    sqlite3_bind_int64(q, 16, (sqlite3_int64)st->txn_seq);
    if (r->payload) sqlite3_bind_blob64(q, 17, r->payload, r->payload_len, SQLITE_STATIC);
    else sqlite3_bind_null(q, 17);
    if (r->has_effective_weight) sqlite3_bind_int64(q, 18, (sqlite3_int64)r->effective_weight);
    else sqlite3_bind_null(q, 18);
    bind_key(q, 19, r->has_ref[4], &r->ref[4]);
    bind_text(q, 20, r->flag_names);
    rc = run(q);
    sqlite3_clear_bindings(q);
    return status_of(rc);
}

NTSTATUS wfp_store_delete(wfp_store *st, uint8_t kind, const ntsec_guid *key)
{
    sqlite3_stmt *q = st->q[Q_DELETE];
    int rc = stamp(st);
    if (rc != SQLITE_OK) return status_of(rc);
    sqlite3_bind_int(q, 1, kind);
    sqlite3_bind_blob(q, 2, key->b, 16, SQLITE_STATIC);
    rc = run(q);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(st->q[Q_SET_DEL_SEQ], 1, (sqlite3_int64)st->txn_seq);
        rc = run(st->q[Q_SET_DEL_SEQ]);
    }
    return status_of(rc);
}

NTSTATUS wfp_store_put_container(wfp_store *st, int container, int64_t sd_id)
{
    sqlite3_stmt *q = st->q[Q_PUT_CONTAINER];
    int rc = stamp(st);
    if (rc != SQLITE_OK) return status_of(rc);
    sqlite3_bind_int(q, 1, container);
    sqlite3_bind_int64(q, 2, sd_id);
    sqlite3_bind_int64(q, 3, (sqlite3_int64)st->txn_seq);
    return status_of(run(q));
}

NTSTATUS wfp_store_next_id(wfp_store *st, const char *counter, uint64_t floor, uint64_t *id)
{
    sqlite3_stmt *get = st->q[Q_GET_COUNTER], *set = st->q[Q_SET_COUNTER];
    uint64_t v = floor;
    int rc;
    sqlite3_bind_text(get, 1, counter, -1, SQLITE_STATIC);
    if (sqlite3_step(get) == SQLITE_ROW && (uint64_t)sqlite3_column_int64(get, 0) > v)
        v = (uint64_t)sqlite3_column_int64(get, 0);
    sqlite3_reset(get);
    sqlite3_bind_text(set, 1, counter, -1, SQLITE_STATIC);
    sqlite3_bind_int64(set, 2, (sqlite3_int64)(v + 1));
    rc = run(set);
    if (rc != SQLITE_OK) return status_of(rc);
    *id = v;
    return STATUS_SUCCESS;
}

/* ---- reads ---- */

int wfp_store_changed(wfp_store *st)
{
    sqlite3_stmt *q = st->q[Q_DATA_VERSION];
    int64_t v = st->data_version;
    if (sqlite3_step(q) == SQLITE_ROW) v = sqlite3_column_int64(q, 0);
    sqlite3_reset(q);
    if (v == st->data_version) return 0;
    st->data_version = v;
    return 1;
}

NTSTATUS wfp_store_seq(wfp_store *st, uint64_t *seq, uint64_t *del_seq)
{
    sqlite3_stmt *q = st->q[Q_SEQ];
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        *seq = (uint64_t)sqlite3_column_int64(q, 0);
        *del_seq = (uint64_t)sqlite3_column_int64(q, 1);
    }
    sqlite3_reset(q);
    return rc == SQLITE_ROW ? STATUS_SUCCESS : STATUS_UNSUCCESSFUL;
}

NTSTATUS wfp_store_each_container(wfp_store *st, uint64_t since,
                                  NTSTATUS (*fn)(void *ctx, int container, const uint8_t *sd,
                                                 size_t len),
                                  void *ctx)
{
    sqlite3_stmt *q = st->q[Q_EACH_CONTAINER];
    NTSTATUS s = STATUS_SUCCESS;
    int rc;
    sqlite3_bind_int64(q, 1, (sqlite3_int64)since);
    while (NT_SUCCESS(s) && (rc = sqlite3_step(q)) == SQLITE_ROW)
        s = fn(ctx, sqlite3_column_int(q, 0), sqlite3_column_blob(q, 1), (size_t)sqlite3_column_bytes(q, 1));
    if (NT_SUCCESS(s) && rc != SQLITE_DONE) s = STATUS_UNSUCCESSFUL;
    sqlite3_reset(q);
    return s;
}

static void column_key(sqlite3_stmt *q, int i, int *present, ntsec_guid *g)
{
    *present = sqlite3_column_type(q, i) == SQLITE_BLOB && sqlite3_column_bytes(q, i) == 16;
    if (*present) memcpy(g->b, sqlite3_column_blob(q, i), 16);
}

static void read_row(sqlite3_stmt *q, wfp_store_row *r)
{
    int i, has_key;
    memset(r, 0, sizeof *r);
    r->kind = (uint8_t)sqlite3_column_int(q, 0);
    column_key(q, 1, &has_key, &r->key);
    r->id = (uint64_t)sqlite3_column_int64(q, 2);
    r->lifetime = (uint8_t)sqlite3_column_int(q, 3);
    r->flags = (uint32_t)sqlite3_column_int64(q, 4);
    r->name = (const char *)sqlite3_column_text(q, 5);
    r->description = (const char *)sqlite3_column_text(q, 6);
    r->service = (const char *)sqlite3_column_text(q, 7);
    for (i = 0; i < 4; i++) column_key(q, 8 + i, &r->has_ref[i], &r->ref[i]);
    r->action = (uint32_t)sqlite3_column_int64(q, 12);
    r->has_weight = sqlite3_column_type(q, 13) != SQLITE_NULL;
    r->weight = (uint64_t)sqlite3_column_int64(q, 13);
    r->sd = sqlite3_column_blob(q, 14);
    r->sd_len = (size_t)sqlite3_column_bytes(q, 14);
    if (sqlite3_column_type(q, 15) != SQLITE_NULL) {
        r->payload = sqlite3_column_blob(q, 15);
        r->payload_len = (size_t)sqlite3_column_bytes(q, 15);
        if (!r->payload) r->payload = (const uint8_t *)"";   /* an empty blob */
    }
    r->has_effective_weight = sqlite3_column_type(q, 16) != SQLITE_NULL;
    r->effective_weight = (uint64_t)sqlite3_column_int64(q, 16);
    column_key(q, 17, &r->has_ref[4], &r->ref[4]);
    r->flag_names = (const char *)sqlite3_column_text(q, 18);
}

NTSTATUS wfp_store_each_object(wfp_store *st, uint64_t since,
                               NTSTATUS (*fn)(void *ctx, const wfp_store_row *r), void *ctx)
{
    sqlite3_stmt *q = st->q[Q_EACH_OBJECT];
    NTSTATUS s = STATUS_SUCCESS;
    wfp_store_row r;
    int rc;
    sqlite3_bind_int64(q, 1, (sqlite3_int64)since);
    while (NT_SUCCESS(s) && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        read_row(q, &r);
        s = fn(ctx, &r);
    }
    if (NT_SUCCESS(s) && rc != SQLITE_DONE) s = STATUS_UNSUCCESSFUL;
    sqlite3_reset(q);
    return s;
}

NTSTATUS wfp_store_each_key(wfp_store *st, void (*fn)(void *ctx, uint8_t kind, const ntsec_guid *key),
                            void *ctx)
{
    sqlite3_stmt *q = st->q[Q_EACH_KEY];
    ntsec_guid key;
    int rc, present;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        column_key(q, 1, &present, &key);
        if (present) fn(ctx, (uint8_t)sqlite3_column_int(q, 0), &key);
    }
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? STATUS_SUCCESS : STATUS_UNSUCCESSFUL;
}
