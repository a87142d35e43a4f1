/*
** engine_fuzz.c: stateful libFuzzer harness for the emulated WFP engine
** (issue 15; wfp_ks_errors.md 2, 3; docs/wfp.md, docs/fuzzing.md).
**
** The input is a program (fuzz_input.h) run against one engine, persistent
** (an SQLite file on tmpfs) when the first byte says so:
** open/close of sessions (user or kernel mode, dynamic or not, one of three
** tokens), transaction begin (read-only or not) / commit / abort, add and
** delete (by key and by id) of providers, sublayers, layers, callouts,
** filters (with conditions, stored in persistent engines, and provider
** context links) and provider contexts, get/set security on objects and containers (every container's
** own functions included), object gets and enumerations, connection
** add/delete with subscriptions, clock advances past the one-hour hold
** limit, and (persistent engines) a reopen of the store.
**
** The harness keeps a model (engine_state.h): everything the engine shows,
** captured before and after each step, and for each session the snapshot
** taken when its read/write transaction began. Invariants (abort on
** violation):
**   1. a failed call changes no descriptor and no object; neither does a
**      read (get, enumerate, get security), open, begin, commit or
**      subscribe;
**   2. a successful add adds exactly one object, of its kind and key; a
**      successful delete removes exactly that object; a set security on an
**      object changes only that object's descriptor, on a container only
**      descriptors;
**   3. abort, a forced abort (hold limit) and close with an open
**      transaction restore the snapshot exactly (less, for close, the
**      session's dynamic objects); connections are not transactional (the
**      test helpers stand for IKE/BFE), they stay as they are;
**   4. reopen shows exactly the persistent and built-in objects and the
**      container descriptors of the engine before it closed;
**   5. a kernel-mode subscriber sees exactly one event per connection added
**      or deleted that it subscribed to, nobody sees events after
**      unsubscribing or closing;
**   6. kernel-mode enumeration lists exactly the objects of the kind;
**   7. no crash, no leak, no sanitizer report.
** Findings: fuzz/regress/engine/, replayed by tests/fuzz_regress_test.c.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine_state.h"
#include "wfp_cond.h"
#include "fuzz_input.h"
#include "guid.h"
#include "sddl.h"
#include "secdefs.h"
#include "sid.h"
#include "status.h"
#include "wfp.h"
#include "wfp_ale.h"
#include "wfp_enum.h"
#include "wfp_import.h"
#include "wfp_names.h"
#include "wfp_objects.h"
#include "wfp_security.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define EF_SESSIONS 4
#define EF_SUBS 4
#define EF_TOKENS 3
#define EF_STEPS 48

static const char *const ef_sddl_pool[] = {
    "O:BAG:SYD:(A;;GA;;;BA)(A;;GA;;;SY)",
    "O:S-1-5-21-1-2-3-1000G:BUD:(A;;GA;;;S-1-5-21-1-2-3-1000)(A;;GR;;;WD)",
    "O:BAG:BAD:P(A;CI;GA;;;BA)(A;CI;GRGX;;;BU)S:(AU;SA;GA;;;WD)",
    "O:SYG:SYD:(D;;WD;;;WD)(A;;GA;;;WD)",
    "O:BAG:SYD:AI(A;CIID;0xF07FF;;;BA)(A;;RC;;;AU)",
    "D:(A;;GA;;;WD)",
};
#define EF_SD_COUNT (sizeof ef_sddl_pool / sizeof ef_sddl_pool[0])

typedef struct ef_session {
    ntsec_wfp_handle h;
    int kernel;
    ntsec_guid key;
    int has_snap;                 /* a read/write transaction is open */
    es_state snap;
} ef_session;

typedef struct ef_sub {
    int active, kernel;
    ntsec_wfp_handle session;
    uint64_t handle, conn_id;
    uint32_t flags;
    unsigned adds, dels;
} ef_sub;

typedef struct ef_world {
    ntsec_wfp_engine *e;
    char path[128];
    int persistent;
    ntsec_token *tokens[EF_TOKENS];
    ntsec_sd *pool[EF_SD_COUNT];
    ef_session s[EF_SESSIONS];
    ef_sub subs[EF_SUBS];
    es_state before;
    es_state rolled;              /* the baseline after a forced abort */
    uint64_t next_conn;
} ef_world;

/* ---- setup ---- */

static ntsec_token *ef_token(const char *user, int admin)
{
    static const char *const groups[] = {"S-1-1-0", "S-1-5-11", "S-1-5-32-545"};
    uint8_t sid[68];
    ntsec_token *t;
    size_t i;
    FUZZ_CHECK(ntsec_sid_from_string(user, strlen(user), NULL, sid) == STATUS_SUCCESS);
    t = ntsec_token_new(sid, 0);
    FUZZ_CHECK(t != NULL);
    for (i = 0; i < 3; i++) {
        FUZZ_CHECK(ntsec_sid_from_string(groups[i], strlen(groups[i]), NULL, sid) == STATUS_SUCCESS);
        ntsec_token_add_group(t, sid, SE_GROUP_ENABLED);
    }
    if (admin) {
        FUZZ_CHECK(ntsec_sid_from_string("S-1-5-32-544", 12, NULL, sid) == STATUS_SUCCESS);
        ntsec_token_add_group(t, sid, SE_GROUP_ENABLED | SE_GROUP_OWNER);
        ntsec_token_add_privilege(t, SE_SECURITY_PRIVILEGE, SE_PRIVILEGE_ENABLED);
    }
    return t;
}

/* The store: one file per process, on tmpfs (/dev/shm) when there is one,
** as SQLite's fsyncs on a disk cost seconds per input; removed after each
** input. */
static void ef_store_path(char *out, size_t cap)
{
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(out, cap, "%s/ntsec-engine-fuzz-%ld.db", base, (long)getpid());
}

static void ef_remove_store(const ef_world *w)
{
    static const char *const suffix[] = {"", "-journal", "-wal", "-shm"};
    char p[160];
    size_t i;
    for (i = 0; i < 4; i++) {
        snprintf(p, sizeof p, "%s%s", w->path, suffix[i]);
        unlink(p);
    }
}

static void ef_engine_new(ef_world *w)
{
    ntsec_wfp_engine_opts o;
    char msg[256];
    memset(&o, 0, sizeof o);
    o.virtual_clock = 1;
    o.seed = 1;
    o.sync_normal = 1;
    o.path = w->persistent ? w->path : NULL;
    o.error = msg;
    o.error_cap = sizeof msg;
    FUZZ_CHECK(ntsec_wfp_engine_new(&o, &w->e) == STATUS_SUCCESS);
}

static void ef_setup(ef_world *w, fuzz_in *in)
{
    size_t i;
    memset(w, 0, sizeof *w);
    for (i = 0; i < EF_SD_COUNT; i++)
        FUZZ_CHECK(ntsec_sddl_parse(ef_sddl_pool[i], strlen(ef_sddl_pool[i]), NULL, &w->pool[i], NULL)
                   == STATUS_SUCCESS);
    w->tokens[0] = ef_token("S-1-5-21-1-2-3-500", 1);
    w->tokens[1] = ef_token("S-1-5-21-1-2-3-1000", 0);
    w->tokens[2] = ef_token("S-1-5-21-1-2-3-1001", 0);
    w->persistent = (fuzz_u8(in) & 3) == 1;   /* a quarter of the inputs: the store costs ~2 ms */
    ef_store_path(w->path, sizeof w->path);
    ef_remove_store(w);
    ef_engine_new(w);
    w->next_conn = 1;
}

static void ef_teardown(ef_world *w)
{
    size_t i;
    ntsec_wfp_engine_free(w->e);
    for (i = 0; i < EF_SESSIONS; i++) es_free(&w->s[i].snap);
    for (i = 0; i < EF_TOKENS; i++) ntsec_token_free(w->tokens[i]);
    for (i = 0; i < EF_SD_COUNT; i++) ntsec_sd_unref(w->pool[i]);
    es_free(&w->before);
    es_free(&w->rolled);
    if (w->persistent) ef_remove_store(w);
}

/* ---- choices ---- */

static ef_session *ef_pick_session(ef_world *w, fuzz_in *in)
{
    return &w->s[fuzz_pick(in, EF_SESSIONS)];
}

/* A live session handle, or now and then a stale or invalid one. */
static ntsec_wfp_handle ef_handle(ef_world *w, fuzz_in *in, ef_session **out)
{
    ef_session *s = ef_pick_session(w, in);
    *out = s;
    return s->h ? s->h : (fuzz_u8(in) & 1 ? 0 : 999);
}

/* A key: an existing object's of any kind, a built-in layer or sublayer, or random. */
static ntsec_guid ef_key(ef_world *w, fuzz_in *in)
{
    static const char *const names[] = {"FWPM_LAYER_ALE_AUTH_CONNECT_V4", "FWPM_SUBLAYER_UNIVERSAL",
                                        "FWPM_LAYER_INBOUND_TRANSPORT_V4"};
    ntsec_guid g;
    unsigned c = fuzz_pick(in, 4);
    memset(&g, 0, sizeof g);
    if (c == 0 && w->before.n) {
        const es_rec *r = &w->before.r[fuzz_u8(in) % w->before.n];
        if (r->kind < ES_CONTAINER_KIND && r->kind != NTSEC_WFP_CONNECTION) return r->key;
    }
    if (c == 1) {
        const char *n = names[fuzz_pick(in, 3)];
        ntsec_wfp_name_to_guid(n, strlen(n), &g);
        return g;
    }
    if (c == 2) g.b[0] = fuzz_u8(in);
    return g;
}

static uint64_t ef_id_of(const ef_world *w, int kind, fuzz_in *in)
{
    size_t i, n = w->before.n ? fuzz_u8(in) % w->before.n : 0;
    for (i = 0; i < w->before.n; i++) {
        const es_rec *r = &w->before.r[(i + n) % w->before.n];
        if (r->kind == kind) {
            uint64_t id;
            memcpy(&id, r->blob + sizeof(ntsec_wfp_kind) + sizeof(ntsec_guid), sizeof id);
            return id;
        }
    }
    return fuzz_u8(in);
}

static ntsec_sd *ef_sd(ef_world *w, fuzz_in *in)
{
    unsigned c = fuzz_pick(in, EF_SD_COUNT + 2);
    return c < EF_SD_COUNT ? w->pool[c] : NULL;
}

/* ---- the model's checks ---- */

static int ef_is_connection(const es_rec *r, const void *ctx)
{
    (void)ctx;
    return r->kind == NTSEC_WFP_CONNECTION;
}

static int ef_not_connection(const es_rec *r, const void *ctx) { return !ef_is_connection(r, ctx); }

/* The state a rollback of s's transaction gives: the snapshot, except that
** connections are not transactional (IKE/BFE create and delete them, the
** test helpers stand for that; docs/fuzzing.md), so they are as now. */
static void ef_rolled_back(const ef_world *w, const ef_session *s, es_state *out)
{
    es_filter(&s->snap, out, ef_not_connection, NULL);
    es_append(&w->before, out, ef_is_connection, NULL);
}

/* Reconcile forced aborts: a session whose read/write transaction ended
** without our commit or abort went back to its snapshot. Returns the
** baseline the step's effect is judged against. */
static const es_state *ef_baseline(ef_world *w)
{
    const es_state *base = &w->before;
    size_t i;
    for (i = 0; i < EF_SESSIONS; i++) {
        ntsec_wfp_session_info info;
        ef_session *s = &w->s[i];
        if (!s->has_snap) continue;
        if (ntsec_wfp_session_get_info(w->e, s->h, &info) == STATUS_SUCCESS && info.txn == 2) continue;
        es_free(&w->rolled);
        ef_rolled_back(w, s, &w->rolled);   /* forced abort: the snapshot is the state now */
        base = &w->rolled;
    }
    return base;
}

static void ef_drop_snap(ef_session *s)
{
    es_free(&s->snap);
    s->has_snap = 0;
}

static void ef_forget_forced(ef_world *w)
{
    size_t i;
    for (i = 0; i < EF_SESSIONS; i++) {
        ntsec_wfp_session_info info;
        ef_session *s = &w->s[i];
        if (!s->has_snap) continue;
        if (ntsec_wfp_session_get_info(w->e, s->h, &info) != STATUS_SUCCESS || info.txn != 2) ef_drop_snap(s);
    }
}

static int ef_not_owned(const es_rec *r, const void *key)
{
    return memcmp(&r->owner, key, sizeof r->owner) != 0 || ntsec_guid_is_null(&r->owner);
}

static int ef_survives_restart(const es_rec *r, const void *ctx)
{
    (void)ctx;
    if (r->kind >= ES_CONTAINER_KIND) return 1;
    return r->kind != NTSEC_WFP_CONNECTION
           && (r->lifetime == NTSEC_WFP_LIFE_PERSISTENT || r->lifetime == NTSEC_WFP_LIFE_BUILTIN);
}

/* ---- steps ---- */

typedef enum { EF_READ, EF_ADD, EF_DELETE, EF_SET_OBJECT, EF_SET_CONTAINER, EF_CONN_ADD, EF_CONN_DELETE,
               EF_ABORT, EF_CLOSE } ef_effect;

typedef struct ef_result {
    ef_effect effect;
    NTSTATUS st;
    int kind;
    ntsec_guid key;
    ef_session *s;
} ef_result;

static void ef_step_open(ef_world *w, fuzz_in *in, ef_result *r)
{
    ef_session *s = ef_pick_session(w, in);
    ntsec_wfp_session_opts o;
    ntsec_wfp_handle h = 0;
    ntsec_wfp_session_info info;
    memset(&o, 0, sizeof o);
    o.kernel_mode = fuzz_u8(in) & 1;
    o.dynamic = fuzz_u8(in) & 1;
    o.token = w->tokens[fuzz_pick(in, EF_TOKENS)];
    if (!o.kernel_mode && (fuzz_u8(in) & 7) == 0) o.token = NULL;
    o.txn_timeout_ms = fuzz_u8(in) & 1 ? 10 : 0;
    o.name = "fuzz";
    r->effect = EF_READ;
    if (s->h) return;
    r->st = ntsec_wfp_engine_open(w->e, &o, &h);
    if (r->st != STATUS_SUCCESS) return;
    FUZZ_CHECK(h != 0 && ntsec_wfp_session_get_info(w->e, h, &info) == STATUS_SUCCESS);
    FUZZ_CHECK(info.kernel_mode == o.kernel_mode && info.dynamic == o.dynamic && info.txn == 0);
    s->h = h;
    s->kernel = o.kernel_mode;
    s->key = info.key;
}

static void ef_step_close(ef_world *w, fuzz_in *in, ef_result *r)
{
    ef_session *s;
    ntsec_wfp_handle h = ef_handle(w, in, &s);
    size_t i;
    r->effect = EF_CLOSE;
    r->s = s;
    r->st = ntsec_wfp_engine_close(w->e, h);
    if (r->st != STATUS_SUCCESS || !h || h != s->h) {
        r->effect = EF_READ;
        return;
    }
    for (i = 0; i < EF_SUBS; i++)
        if (w->subs[i].session == h) w->subs[i].active = 0;
}

static void ef_step_txn(ef_world *w, fuzz_in *in, ef_result *r)
{
    ef_session *s;
    ntsec_wfp_handle h = ef_handle(w, in, &s);
    ntsec_wfp_session_info info;
    unsigned c = fuzz_pick(in, 3);
    r->effect = EF_READ;
    r->s = s;
    if (c == 0) {
        uint32_t flags = fuzz_u8(in) & 1 ? NTSEC_FWPM_TXN_READ_ONLY : 0;
        if (fuzz_u8(in) == 0xFF) flags = fuzz_u32(in);
        r->st = ntsec_wfp_txn_begin(w->e, h, flags);
        if (r->st == STATUS_SUCCESS && h == s->h && ntsec_wfp_session_get_info(w->e, h, &info) == STATUS_SUCCESS
            && info.txn == 2) {
            es_free(&s->snap);
            es_copy(ef_baseline(w), &s->snap);
            s->has_snap = 1;
        }
    } else if (c == 1) {
        r->st = ntsec_wfp_txn_commit(w->e, h);
        if (r->st == STATUS_SUCCESS && h == s->h) ef_drop_snap(s);
    } else {
        r->st = ntsec_wfp_txn_abort(w->e, h);
        if (r->st == STATUS_SUCCESS && h == s->h) r->effect = EF_ABORT;
    }
}

static void ef_add_spec(ef_world *w, fuzz_in *in, int kind, ntsec_wfp_add_spec *a, ntsec_guid *prov)
{
    static const uint32_t actions[] = {NTSEC_FWP_ACTION_BLOCK, NTSEC_FWP_ACTION_PERMIT,
                                       NTSEC_FWP_ACTION_CALLOUT_TERMINATING, NTSEC_FWP_ACTION_CALLOUT_INSPECTION,
                                       NTSEC_FWP_ACTION_CALLOUT_UNKNOWN, 0x1234};
    static const uint32_t persist[] = {NTSEC_FWPM_PROVIDER_FLAG_PERSISTENT, NTSEC_FWPM_SUBLAYER_FLAG_PERSISTENT, 0,
                                       NTSEC_FWPM_CALLOUT_FLAG_PERSISTENT, NTSEC_FWPM_FILTER_FLAG_PERSISTENT,
                                       NTSEC_FWPM_PROVIDER_CONTEXT_FLAG_PERSISTENT};
    static const uint8_t data[4] = {1, 2, 3, 4};
    static ntsec_guid context;
    unsigned f = fuzz_pick(in, 4);
    memset(a, 0, sizeof *a);
    if (fuzz_u8(in) & 1) a->key = ef_key(w, in);
    a->name = (fuzz_u8(in) & 15) ? "object" : NULL;
    a->description = "d";
    a->flags = f == 0 ? 0 : f == 1 ? persist[kind] : f == 2 ? fuzz_u32(in) : NTSEC_FWPM_PROVIDER_FLAG_DISABLED;
    if (fuzz_u8(in) & 1) {
        *prov = ef_key(w, in);
        a->provider = prov;
    }
    a->layer = ef_key(w, in);
    a->sublayer = fuzz_u8(in) & 1 ? ef_key(w, in) : a->sublayer;
    a->action = actions[fuzz_pick(in, 6)];
    a->callout = ef_key(w, in);
    a->weight_type = fuzz_pick(in, 4);
    a->weight = fuzz_u8(in) & 1 ? fuzz_u32(in) : fuzz_u8(in);
    a->service = fuzz_u8(in) & 1 ? "svc" : NULL;
    a->context_type = fuzz_pick(in, 15);          /* 13 and 14: out of range */
    a->data = data;
    a->data_len = fuzz_pick(in, 5);
    if (kind == NTSEC_WFP_FILTER && (fuzz_u8(in) & 3) == 0) {
        a->flags |= NTSEC_FWPM_FILTER_FLAG_HAS_PROVIDER_CONTEXT;
        context = ef_key(w, in);
        a->provider_context = &context;
    }
    if ((fuzz_u8(in) & 7) == 0) {
        static ntsec_wfp_condition proto;   /* IP_PROTOCOL EQUAL UINT8 6 */
        proto.slot = ntsec_wfp_field_slot_by_name("FWPM_CONDITION_IP_PROTOCOL", 26);
        ntsec_wfp_field_guid(proto.slot, &proto.field);
        proto.type = NTSEC_FWP_UINT8;
        proto.value = ntsec_fwp_uint(NTSEC_FWP_UINT8, 6);
        proto.sd_slot = UINT32_MAX;
        a->conditions = &proto;
        a->condition_count = 1;
    }
}

static void ef_step_add(ef_world *w, fuzz_in *in, ef_result *r)
{
    ef_session *s;
    ntsec_wfp_handle h = ef_handle(w, in, &s);
    int kind = (int)fuzz_pick(in, 6);   /* the keyed kinds, provider contexts included */
    ntsec_wfp_add_spec a;
    ntsec_guid prov, key_out;
    uint64_t id = 0;
    ef_add_spec(w, in, kind, &a, &prov);
    memset(&key_out, 0, sizeof key_out);
    r->st = ntsec_wfp_object_add(w->e, h, (ntsec_wfp_kind)kind, &a, ef_sd(w, in), &key_out, &id);
    r->effect = EF_ADD;
    r->kind = kind;
    r->key = key_out;
    if (r->st == STATUS_SUCCESS && !ntsec_guid_is_null(&a.key))
        FUZZ_CHECK(memcmp(&a.key, &key_out, sizeof key_out) == 0);
}

static void ef_step_delete(ef_world *w, fuzz_in *in, ef_result *r)
{
    ef_session *s;
    ntsec_wfp_handle h = ef_handle(w, in, &s);
    int kind = (int)fuzz_pick(in, 6);   /* the keyed kinds, provider contexts included */
    ntsec_wfp_object_info o;
    r->effect = EF_DELETE;
    r->kind = kind;
    if (fuzz_u8(in) & 1) {
        uint64_t id = ef_id_of(w, kind, in);
        /* the key of the object with that id, to check the effect */
        memset(&r->key, 0, sizeof r->key);
        {
            size_t cur = 0;
            while (ntsec_wfp_object_next(w->e, (ntsec_wfp_kind)kind, &cur, &o))
                if (o.id == id) r->key = o.key;
        }
        r->st = ntsec_wfp_object_delete_by_id(w->e, h, (ntsec_wfp_kind)kind, id);
    } else {
        r->key = ef_key(w, in);
        r->st = ntsec_wfp_object_delete(w->e, h, (ntsec_wfp_kind)kind, fuzz_u8(in) == 0 ? NULL : &r->key);
    }
}

/* Owner, group, DACL and SACL taken from a pool descriptor (each may be absent). */
static void ef_parts(ef_world *w, fuzz_in *in, ntsec_sd_parts *p, SECURITY_INFORMATION *si)
{
    ntsec_sd *sd = ef_sd(w, in);
    memset(p, 0, sizeof *p);
    if (sd) ntsec_sd_get_parts(sd, p);
    *si = fuzz_u8(in);
    if (*si & 0x80) *si = fuzz_u32(in);
    if (fuzz_u8(in) & 1) *si &= 0xF000000Fu;
}

static void ef_step_set(ef_world *w, fuzz_in *in, ef_result *r)
{
    ef_session *s;
    ntsec_wfp_handle h = ef_handle(w, in, &s);
    ntsec_sd_parts p;
    SECURITY_INFORMATION si;
    unsigned target = fuzz_pick(in, 6);
    int kind = (int)fuzz_pick(in, 6);
    ef_parts(w, in, &p, &si);
    r->key = ef_key(w, in);
    r->kind = kind;
    r->effect = ntsec_guid_is_null(&r->key) ? EF_SET_CONTAINER : EF_SET_OBJECT;
    switch (target) {
    case 0:
        r->st = ntsec_wfp_object_set_security(w->e, h, (ntsec_wfp_kind)kind, &r->key, si, p.owner, p.group, p.dacl,
                                              p.sacl);
        break;
    case 1:
        r->kind = NTSEC_WFP_CALLOUT;
        r->st = ntsec_wfp_callout_set_security(w->e, h, &r->key, si, p.owner, p.group, p.dacl, p.sacl);
        break;
    case 2:
        r->effect = EF_SET_CONTAINER;
        r->st = ntsec_wfp_connection_set_security(w->e, h, si, p.owner, p.group, p.dacl, p.sacl);
        break;
    case 3:
        r->effect = EF_SET_CONTAINER;
        r->st = ntsec_wfp_ale_set_security(w->e, h, si, p.owner, p.group, p.dacl, p.sacl);
        break;
    default:
        r->effect = EF_SET_CONTAINER;
        r->st = ntsec_wfp_engine_set_security(w->e, h, si, p.owner, p.group, p.dacl, p.sacl);
        break;
    }
}

/* FwpmConnection / FwpsAleEndpoint gets and one-shot enumerations: a
** kernel-mode session sees every connection. */
static void ef_read_connections(ef_world *w, ntsec_wfp_handle h, const ef_session *s, unsigned which,
                                ef_result *r)
{
    const ntsec_wfp_connection **conns = NULL, *conn = NULL;
    const ntsec_wfp_endpoint **eps = NULL, *ep = NULL;
    size_t n = 0;
    switch (which) {
    case 0:
        r->st = ntsec_wfp_connection_enum(w->e, h, &conns, &n);
        if (r->st == STATUS_SUCCESS && s->h == h && s->kernel)
            FUZZ_CHECK(n == ntsec_wfp_count(w->e, NTSEC_WFP_CONNECTION));
        break;
    case 1: r->st = ntsec_wfp_connection_get_by_id(w->e, h, 1, &conn); break;
    case 2: r->st = ntsec_wfp_ale_enum(w->e, h, &eps, &n); break;
    default: r->st = ntsec_wfp_ale_get_by_id(w->e, h, 1, &ep); break;
    }
    free((void *)conns);
    free((void *)eps);
}

static void ef_step_read(ef_world *w, fuzz_in *in, ef_result *r)
{
    ef_session *s;
    ntsec_wfp_handle h = ef_handle(w, in, &s);
    int kind = (int)fuzz_pick(in, 6);   /* the keyed kinds, provider contexts included */
    ntsec_guid key = ef_key(w, in);
    ntsec_sd *out = NULL;
    ntsec_wfp_object_info o;
    SECURITY_INFORMATION si = fuzz_u8(in) & 1 ? fuzz_u32(in) : 0xF000000Fu;
    r->effect = EF_READ;
    switch (fuzz_pick(in, 7)) {
    case 0: r->st = ntsec_wfp_object_get_security(w->e, h, (ntsec_wfp_kind)kind, &key, si, &out); break;
    case 1: r->st = ntsec_wfp_engine_get_security(w->e, h, si, &out); break;
    case 2: r->st = ntsec_wfp_connection_get_security(w->e, h, si, &out); break;
    case 3: r->st = ntsec_wfp_ale_get_security(w->e, h, si, &out); break;
    case 4: r->st = ntsec_wfp_object_get(w->e, h, (ntsec_wfp_kind)kind, &key, &o); break;
    case 5: r->st = ntsec_wfp_object_get_by_id(w->e, h, (ntsec_wfp_kind)kind, ef_id_of(w, kind, in), &o); break;
    default: ef_read_connections(w, h, s, fuzz_pick(in, 4), r); break;
    }
    FUZZ_CHECK(r->st == STATUS_SUCCESS || out == NULL);
    ntsec_sd_unref(out);
}

/* Invariant 6. */
static void ef_step_enum(ef_world *w, fuzz_in *in, ef_result *r)
{
    ef_session *s;
    ntsec_wfp_handle h = ef_handle(w, in, &s);
    int kind = (int)fuzz_pick(in, 6);   /* the keyed kinds, provider contexts included */
    uint64_t eh = 0;
    size_t total = 0, got;
    const void *items;
    size_t chunk = 1 + fuzz_pick(in, 8);
    r->effect = EF_READ;
    r->st = ntsec_wfp_enum_create(w->e, h, (ntsec_wfp_kind)kind, NULL, &eh);
    if (r->st != STATUS_SUCCESS) return;
    do {
        FUZZ_CHECK(ntsec_wfp_enum_next(w->e, h, (ntsec_wfp_kind)kind, eh, chunk, &items, &got) == STATUS_SUCCESS);
        total += got;
    } while (got == chunk);
    if (s->h == h && s->kernel) FUZZ_CHECK(total == ntsec_wfp_count(w->e, (ntsec_wfp_kind)kind));
    FUZZ_CHECK(ntsec_wfp_enum_destroy(w->e, h, (ntsec_wfp_kind)kind, eh) == STATUS_SUCCESS);
}

static void ef_on_event(void *ctx, uint32_t event, const ntsec_wfp_connection *c)
{
    ef_sub *sub = ctx;
    (void)c;
    FUZZ_CHECK(sub->active);                  /* invariant 5: nothing after unsubscribe/close */
    if (event == NTSEC_FWPM_CONNECTION_EVENT_ADD) sub->adds++;
    else if (event == NTSEC_FWPM_CONNECTION_EVENT_DELETE) sub->dels++;
    else FUZZ_CHECK(0);
}

static void ef_step_subscribe(ef_world *w, fuzz_in *in, ef_result *r)
{
    ef_session *s;
    ntsec_wfp_handle h = ef_handle(w, in, &s);
    ef_sub *sub = &w->subs[fuzz_pick(in, EF_SUBS)];
    r->effect = EF_READ;
    if (sub->active) {
        r->st = ntsec_wfp_connection_unsubscribe(w->e, sub->session, sub->handle);
        /* the first call of a session whose transaction was forcibly aborted
        ** reports that abort (wfp_session_enter); the subscription stays */
        FUZZ_CHECK(r->st == STATUS_SUCCESS || r->st == EPT_NT_NOT_REGISTERED || r->st == STATUS_FWP_TXN_ABORTED);
        if (r->st == STATUS_SUCCESS) sub->active = 0;
        return;
    }
    memset(sub, 0, sizeof *sub);
    sub->conn_id = fuzz_u8(in) & 1 ? fuzz_pick(in, 4) : 0;
    sub->flags = fuzz_pick(in, 4);
    sub->active = 1;                          /* events may arrive from now on */
    r->st = ntsec_wfp_connection_subscribe(w->e, h, sub->conn_id, sub->flags, ef_on_event, sub, &sub->handle);
    sub->active = r->st == STATUS_SUCCESS;
    sub->session = h;
    sub->kernel = s->h == h && s->kernel;
}

/* Invariant 5 after a connection event of type ev for id. */
static void ef_check_events(ef_world *w, const unsigned *adds, const unsigned *dels, int ev, uint64_t id, int happened)
{
    size_t i;
    for (i = 0; i < EF_SUBS; i++) {
        const ef_sub *sub = &w->subs[i];
        unsigned delta = ev ? sub->dels - dels[i] : sub->adds - adds[i];
        unsigned other = ev ? sub->adds - adds[i] : sub->dels - dels[i];
        uint32_t bit = ev ? NTSEC_FWPM_SUBSCRIPTION_FLAG_NOTIFY_ON_DELETE : NTSEC_FWPM_SUBSCRIPTION_FLAG_NOTIFY_ON_ADD;
        int wanted = happened && sub->active && (sub->flags == 0 || (sub->flags & bit))
                     && (sub->conn_id == 0 || sub->conn_id == id);
        FUZZ_CHECK(other == 0 && delta <= 1);
        if (!wanted) FUZZ_CHECK(delta == 0);
        else if (sub->kernel) FUZZ_CHECK(delta == 1);
    }
}

static void ef_step_connection(ef_world *w, fuzz_in *in, ef_result *r)
{
    ef_session *s;
    ntsec_wfp_handle h = ef_handle(w, in, &s);
    unsigned adds[EF_SUBS], dels[EF_SUBS];
    int del = fuzz_u8(in) & 1;
    uint64_t id = fuzz_pick(in, 4);
    size_t i;
    for (i = 0; i < EF_SUBS; i++) {
        adds[i] = w->subs[i].adds;
        dels[i] = w->subs[i].dels;
    }
    memset(&r->key, 0, sizeof r->key);
    memcpy(&r->key, &id, sizeof id);
    r->kind = NTSEC_WFP_CONNECTION;
    if (del) {
        r->effect = EF_CONN_DELETE;
        r->st = ntsec_wfp_connection_delete(w->e, h, id);
    } else {
        ntsec_wfp_connection c;
        memset(&c, 0, sizeof c);
        c.id = id;
        c.ip_version = NTSEC_FWP_IP_VERSION_V4;
        r->effect = EF_CONN_ADD;
        r->st = ntsec_wfp_connection_add(w->e, h, &c);
    }
    ef_check_events(w, adds, dels, del, id, r->st == STATUS_SUCCESS);
}

static void ef_step_advance(ef_world *w, fuzz_in *in, ef_result *r)
{
    static const uint64_t ms[] = {1, 15000, NTSEC_WFP_USER_TXN_HOLD_MS, NTSEC_WFP_USER_TXN_HOLD_MS + 1};
    r->effect = EF_READ;
    r->st = ntsec_wfp_engine_advance(w->e, ms[fuzz_pick(in, 4)]);
    FUZZ_CHECK(r->st == STATUS_SUCCESS);
    if (fuzz_u8(in) == 0) ntsec_wfp_engine_set_running(w->e, !ntsec_wfp_engine_running(w->e));
}

/* Invariant 4: close everything, free the engine, load the store again. */
static void ef_step_reopen(ef_world *w)
{
    es_state kept, now;
    size_t i;
    if (!w->persistent) return;
    ntsec_wfp_engine_set_running(w->e, 1);
    for (i = 0; i < EF_SESSIONS; i++) {
        if (w->s[i].h) FUZZ_CHECK(ntsec_wfp_engine_close(w->e, w->s[i].h) == STATUS_SUCCESS);
        ef_drop_snap(&w->s[i]);
        memset(&w->s[i], 0, sizeof w->s[i]);
    }
    for (i = 0; i < EF_SUBS; i++) w->subs[i].active = 0;
    es_free(&w->before);
    es_capture(w->e, &w->before);
    es_filter(&w->before, &kept, ef_survives_restart, NULL);
    ntsec_wfp_engine_free(w->e);
    ef_engine_new(w);
    es_capture(w->e, &now);
    FUZZ_CHECK(es_equal(&kept, &now));
    es_free(&kept);
    es_free(&w->before);
    w->before = now;        /* the step is judged against the reopened engine */
}

/* ---- invariants 1-3 on the step's effect ---- */

/* A set on one object: every other record is unchanged. */
static void ef_check_only_sd_of(const es_state *base, const es_state *after, const ef_result *r)
{
    size_t i;
    for (i = 0; i < base->n; i++) {
        const es_rec *b = &base->r[i];
        const es_rec *a = es_find(after, b);
        if (b->kind == r->kind && memcmp(&b->key, &r->key, sizeof b->key) == 0) continue;
        FUZZ_CHECK(a ? es_rec_equal(b, a, 0) : es_always_there(b));
    }
}

/* A closed session's dynamic objects are gone for good: an abort of another
** session's transaction does not bring back one it deleted (wfp_txn.c
** restore_deleted), so they leave the other sessions' snapshots too. */
static void ef_forget_owned(ef_world *w, const ef_session *closed)
{
    size_t i;
    for (i = 0; i < EF_SESSIONS; i++) {
        ef_session *o = &w->s[i];
        es_state kept;
        if (o == closed || !o->has_snap) continue;
        es_filter(&o->snap, &kept, ef_not_owned, &closed->key);
        es_free(&o->snap);
        o->snap = kept;
    }
}

static void ef_check_effect(ef_world *w, const ef_result *r, const es_state *base, const es_state *after)
{
    es_state want, rolled;
    if (r->st != STATUS_SUCCESS || r->effect == EF_READ) {
        FUZZ_CHECK(es_equal(base, after));
        return;
    }
    switch (r->effect) {
    case EF_ADD:
    case EF_CONN_ADD:
        FUZZ_CHECK(es_plus_one(base, after, r->kind, &r->key));
        break;
    case EF_DELETE:
    case EF_CONN_DELETE:
        FUZZ_CHECK(es_plus_one(after, base, r->kind, &r->key));
        break;
    case EF_SET_OBJECT:
        FUZZ_CHECK(es_equal_ex(base, after, 1));
        ef_check_only_sd_of(base, after, r);
        break;
    case EF_SET_CONTAINER:
        FUZZ_CHECK(es_equal_ex(base, after, 1));
        break;
    case EF_ABORT:
        if (r->s->has_snap) ef_rolled_back(w, r->s, &want);
        else es_copy(base, &want);
        FUZZ_CHECK(es_equal(&want, after));
        es_free(&want);
        ef_drop_snap(r->s);
        break;
    case EF_CLOSE:
        if (r->s->has_snap) ef_rolled_back(w, r->s, &rolled);
        else es_copy(base, &rolled);
        es_filter(&rolled, &want, ef_not_owned, &r->s->key);
        FUZZ_CHECK(es_equal(&want, after));
        es_free(&want);
        es_free(&rolled);
        ef_forget_owned(w, r->s);
        ef_drop_snap(r->s);
        memset(r->s, 0, sizeof *r->s);
        break;
    default:
        break;
    }
}

/* NTSEC_FUZZ_TRACE=1: print every step and the model (to read a finding). */
static int ef_tracing(void)
{
    static int on = -1;
    if (on < 0) on = getenv("NTSEC_FUZZ_TRACE") != NULL;
    return on;
}

static void ef_step(ef_world *w, fuzz_in *in)
{
    ef_result r;
    es_state after;
    const es_state *base;
    memset(&r, 0, sizeof r);
    switch (fuzz_pick(in, 12)) {
    case 0: ef_step_open(w, in, &r); break;
    case 1: ef_step_close(w, in, &r); break;
    case 2: ef_step_txn(w, in, &r); break;
    case 3: case 4: ef_step_add(w, in, &r); break;
    case 5: ef_step_delete(w, in, &r); break;
    case 6: ef_step_set(w, in, &r); break;
    case 7: ef_step_read(w, in, &r); break;
    case 8: ef_step_enum(w, in, &r); break;
    case 9: ef_step_subscribe(w, in, &r); break;
    case 10: ef_step_connection(w, in, &r); break;
    default:
        if (fuzz_u8(in) & 1) ef_step_advance(w, in, &r);
        else ef_step_reopen(w);
        break;
    }
    base = ef_baseline(w);
    es_capture(w->e, &after);
    if (ef_tracing()) {
        fprintf(stderr, "step: effect %d status 0x%08x kind %d key %02x%02x%02x%02x\n", (int)r.effect,
                (unsigned)r.st, r.kind, r.key.b[0], r.key.b[1], r.key.b[2], r.key.b[3]);
        es_dump("before", base);
        es_dump("after", &after);
    }
    ef_check_effect(w, &r, base, &after);
    ef_forget_forced(w);
    es_free(&w->before);
    w->before = after;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_in in = {data, size, 0};
    static ef_world w;
    int steps = 0;
    ef_setup(&w, &in);
    es_capture(w.e, &w.before);
    while (fuzz_more(&in) && steps++ < EF_STEPS) ef_step(&w, &in);
    ef_teardown(&w);
    return 0;
}
