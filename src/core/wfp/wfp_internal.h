/*
** wfp_internal.h: the engine's data structures, shared by the .c files of
** src/core/wfp only (not a public header). Model: docs/wfp.md.
*/
#ifndef NTSEC_WFP_INTERNAL_H
#define NTSEC_WFP_INTERNAL_H

#include "wfp.h"
#include "wfp_ale.h"
#include "wfp_enum.h"
#include "wfp_map.h"
#include "wfp_security.h"
#include "access.h"
#include "wfp_classify.h"

/* Common head of every stored object. key and id are at fixed offsets so
** the tables' indexes can read them (wfp_map). */
typedef struct wfp_obj {
    ntsec_guid key;               /* GUID key (zero for id-only kinds) */
    uint64_t id;                  /* id index key */
    ntsec_sd *sd;                 /* own descriptor (interned), NULL for endpoints/connections */
    char *name, *description;
    size_t slot;                  /* index in the table's vector */
    uint32_t flags;
    uint32_t refs_in;             /* links from other objects (FWP_E_IN_USE) */
    ntsec_wfp_handle owner;       /* owning dynamic session, 0 if none */
    uint8_t kind;                 /* ntsec_wfp_kind */
    uint8_t lifetime;             /* ntsec_wfp_lifetime */
    uint8_t mark;                 /* scratch for the store refresh (wfp_persist.c) */
} wfp_obj;

/* References of a keyed object: the key always, the target when resolved. */
enum { WFP_REF_PROVIDER, WFP_REF_LAYER, WFP_REF_SUBLAYER, WFP_REF_CALLOUT, WFP_REF_CONTEXT,
       WFP_REF_COUNT };
typedef struct wfp_ref {
    wfp_obj *target;              /* NULL when absent or unresolved */
    ntsec_guid key;
    int present;
} wfp_ref;

/* Providers, sublayers, layers, callouts, filters, provider contexts. */
typedef struct wfp_keyed {
    wfp_obj h;
    wfp_ref refs[WFP_REF_COUNT];
    char *service;                /* provider */
    uint32_t action;              /* filter */
    int has_weight;
    uint64_t weight;              /* sublayer / filter weight */
    ntsec_wfp_filter_fields f;    /* filter; conditions live in e->conditions (freed
                                     with the engine) */
    uint32_t context_type;        /* provider context */
    uint8_t *data;                /* provider context data (owned), data_len bytes */
    size_t data_len;
    int data_is_text;
    char *flag_names;             /* flag names without known bits, kept (owned) */
} wfp_keyed;

typedef struct wfp_endpoint_obj {
    wfp_obj h;                    /* h.id = endpointId */
    ntsec_wfp_endpoint ep;        /* ep.app_id points at app_id_mem */
    uint8_t *app_id_mem;
} wfp_endpoint_obj;

typedef struct wfp_connection_obj {
    wfp_obj h;                    /* h.id = connectionId */
    ntsec_wfp_connection c;
} wfp_connection_obj;

typedef struct wfp_session_rec {
    wfp_obj h;                    /* h.key = sessionKey, h.name / description */
    uint8_t sid[68];
    int has_sid, dynamic, kernel_mode;
    uint32_t pid, txn_timeout_ms;
    char *username;
} wfp_session_rec;

/* Undo log entry of a transaction (explicit, or the implicit one of a call). */
enum { WFP_UNDO_ADDED, WFP_UNDO_DELETED, WFP_UNDO_SD, WFP_UNDO_CONTAINER_SD };
typedef struct wfp_undo {
    uint8_t type;                 /* WFP_UNDO_* */
    uint8_t container;            /* CONTAINER_SD: which container */
    wfp_obj *obj;                 /* ADDED / DELETED / SD */
    ntsec_sd *old_sd;             /* SD / CONTAINER_SD: the descriptor before (owned) */
} wfp_undo;

enum { WFP_TXN_NONE = 0, WFP_TXN_READ = 1, WFP_TXN_WRITE = 2 };

typedef struct wfp_session {
    wfp_obj h;                    /* h.key = session key, h.id = handle */
    ntsec_token *token;           /* NULL for a kernel session opened without one */
    int dynamic, kernel_mode;
    uint32_t txn_timeout_ms;      /* as given; 0 = the 15 s default */
    int txn;                      /* explicit transaction: WFP_TXN_* */
    int implicit;                 /* inside the implicit write transaction of a call */
    int txn_aborted;              /* forcibly aborted; the next call reports it */
    uint64_t txn_started;         /* engine clock (ms) when the lock was taken */
    wfp_undo *undo;
    size_t undo_len, undo_cap;
} wfp_session;

/* Vector (insertion order, NULL holes) plus hash indexes. */
typedef struct wfp_table {
    wfp_obj **items;
    size_t len, cap, live;
    wfp_map by_key, by_id;
    int keyed, ided;
    int pinned;                   /* > 0 while transactions are open: slots stay put */
} wfp_table;

/* Last child descriptor computed from a container (shared by refcount). */
typedef struct wfp_sd_cache {
    ntsec_sd *parent;             /* referenced: identity stays valid */
    uint8_t owner[68], group[68];
    int is_container;
    ntsec_sd *result;
} wfp_sd_cache;

/* Descriptor interning: one shared copy per distinct descriptor (wfp_intern.c). */
typedef struct wfp_intern_entry {
    ntsec_sd *sd;                 /* one reference held by the table */
    uint64_t hash;
} wfp_intern_entry;
typedef struct wfp_intern {
    wfp_intern_entry *slots;
    size_t cap, count, sweep_at;
} wfp_intern_table;

/* The engine-wide transaction lock (wfp_lock.c): one writer or many readers. */
typedef struct wfp_lock {
    ntsec_wfp_handle writer;      /* session holding the write lock, 0 = none */
    uint32_t readers;             /* explicit read-only transactions */
} wfp_lock;

/* An enumeration snapshot (wfp_enum.c). */
typedef struct wfp_enum {
    uint64_t handle;
    ntsec_wfp_handle session;
    ntsec_wfp_kind kind;
    size_t count, pos;
    void *items;                  /* count entries of the kind's public struct */
    ntsec_sd **sds;               /* keyed kinds: the entries' descriptors (referenced) */
    char **strings;               /* owned copies the entries point into */
    size_t n_strings;
} wfp_enum;

/* A connection subscription (wfp_subscribe.c). */
typedef struct wfp_sub {
    uint64_t handle;
    ntsec_wfp_handle session;
    uint64_t connection_id;       /* template: 0 = every connection */
    uint32_t flags;               /* FWPM_SUBSCRIPTION_FLAG_NOTIFY_ON_ADD/DELETE, 0 = both */
    ntsec_wfp_connection_cb cb;
    void *ctx;
} wfp_sub;

typedef struct wfp_store wfp_store;   /* SQLite persistence (wfp_store.h) */

/* Recent Set results (wfp_setmemo.c): the same change applied to objects that
** share a descriptor is computed once. */
#define WFP_SETMEMO_SLOTS 8
#define WFP_SETMEMO_BYTES 1024
typedef struct wfp_setmemo_key {
    ntsec_sd *old, *parent;       /* the descriptor changed and the one it inherits from */
    uint32_t flags;               /* SECURITY_INFORMATION */
    int is_container;
    uint64_t hash;
    size_t len;
    uint8_t bytes[WFP_SETMEMO_BYTES];   /* the owner, group, DACL and SACL given */
} wfp_setmemo_key;
typedef struct wfp_setmemo_entry {
    ntsec_sd *old, *parent, *result;    /* referenced */
    uint32_t flags;
    int is_container;
    uint64_t hash;
    size_t len;
    uint8_t *bytes;
} wfp_setmemo_entry;

struct ntsec_wfp_engine {
    int running;
    int virtual_clock;
    uint64_t clock_ms;            /* virtual clock */
    uint64_t clock_base;          /* real clock: monotonic ms at creation */
    uint32_t max_callouts;
    uint64_t rng;                 /* key generator state */
    uint64_t next_handle;         /* sessions, enum handles, subscriptions */
    uint64_t next_callout_id;     /* id counters, found through the kind table (id_field) */
    uint64_t next_filter_id;
    uint64_t next_layer_id;
    uint64_t next_provider_context_id;
    int explicit_txns;            /* explicit transactions open in this engine */
    ntsec_sd *containers[NTSEC_WFP_CONTAINER_COUNT];
    wfp_sd_cache cache[NTSEC_WFP_CONTAINER_COUNT];
    wfp_table tables[NTSEC_WFP_KIND_COUNT];
    wfp_intern_table intern;
    wfp_setmemo_entry setmemo[WFP_SETMEMO_SLOTS];
    unsigned setmemo_next;
    wfp_lock lock;
    wfp_session *system;          /* engine-level writes (imports, refresh) */
    wfp_enum **enums;
    size_t n_enums, enums_cap;
    wfp_sub **subs;
    size_t n_subs, subs_cap;
    ntsec_wfp_security_observer observer;   /* NULL: none (ntsec_wfp_engine_set_observer) */
    void *observer_ctx;
    ntsec_wfp_filter_set *conditions;   /* storage of filter conditions (lazy) */
    uint64_t generation;          /* bumped by every insert / unlink (classify caches) */
    wfp_store *db;                /* NULL: in memory only */
    uint64_t db_seq;              /* last store change applied to memory */
    uint64_t db_conflicts;        /* store rows skipped: key or id taken by a local object */
    char db_error[160];           /* the last corrupt stored row, for messages ("" = none) */
};

/* Well-known SIDs (binary). */
extern const uint8_t wfp_sid_admins[16];       /* S-1-5-32-544 */
extern const uint8_t wfp_sid_local_service[12]; /* S-1-5-19 */
extern const uint8_t wfp_sid_system[12];       /* S-1-5-18 */

/* ---- kinds (wfp_kinds.c) ---- */
/* The engine's next-id counter of kind, NULL when the kind has no ids. */
uint64_t *wfp_id_counter(ntsec_wfp_engine *e, ntsec_wfp_kind kind);

/* ---- tables (wfp_table.c) ---- */
void wfp_table_init(wfp_table *st, int keyed, int ided);
void wfp_table_free(wfp_table *st);
NTSTATUS wfp_table_add(wfp_table *st, wfp_obj *o);
void wfp_table_remove(wfp_table *st, wfp_obj *o);
/* Put a removed object back at its old slot when that is still free (abort
** of a delete), else append. Errors: STATUS_NO_MEMORY. */
NTSTATUS wfp_table_restore(wfp_table *st, wfp_obj *o);
wfp_obj *wfp_table_by_key(const wfp_table *st, const ntsec_guid *key);
wfp_obj *wfp_table_by_id(const wfp_table *st, uint64_t id);
/* Next live object at or after *cursor (advances it), or NULL. */
wfp_obj *wfp_table_next(const wfp_table *st, size_t *cursor);

/* ---- objects (wfp_object.c) ---- */
/* Zeroed object of the kind's size, or NULL. */
wfp_obj *wfp_obj_alloc(ntsec_wfp_kind kind);
/* Free an object and everything it owns (its descriptor reference too). */
void wfp_obj_free(wfp_obj *o);
/* Copy a filter's conditions into the engine's storage and onto k.
** Errors: STATUS_INVALID_PARAMETER, STATUS_NO_MEMORY. */
NTSTATUS wfp_filter_set_conditions(ntsec_wfp_engine *e, wfp_keyed *k,
                                   const ntsec_wfp_condition *c, uint32_t n);
/* A provider context's type and a copy of its data (k->data owned).
** Errors: STATUS_FWP_INVALID_ENUMERATOR (type out of range), STATUS_NO_MEMORY. */
NTSTATUS wfp_context_set_data(wfp_keyed *k, uint32_t type, const uint8_t *data, size_t len, int is_text);
/* The keyed kinds in reference order: a kind refers only to kinds before it
** (providers <- provider contexts <- sublayers <- layers <- callouts <- filters). */
extern const ntsec_wfp_kind wfp_keyed_order[6];
#define WFP_KEYED_KINDS 6
/* strdup that accepts NULL; *ok cleared on allocation failure. */
char *wfp_strdup(const char *s, int *ok);
/* 1 for providers, sublayers, layers, callouts, filters. */
int wfp_kind_is_keyed(ntsec_wfp_kind kind);
/* Add o to its table and take its references (refs_in of targets). */
NTSTATUS wfp_obj_insert(ntsec_wfp_engine *e, wfp_obj *o);
/* Remove o from its table and drop its references; o stays allocated. */
void wfp_obj_unlink(ntsec_wfp_engine *e, wfp_obj *o);
/* Undo wfp_obj_unlink (transaction abort). Errors: STATUS_NO_MEMORY. */
NTSTATUS wfp_obj_restore(ntsec_wfp_engine *e, wfp_obj *o);
/* Fill the public view of a keyed object. */
void wfp_obj_info(const ntsec_wfp_engine *e, const wfp_obj *o, ntsec_wfp_object_info *out);
wfp_table *wfp_table_of(ntsec_wfp_engine *e, ntsec_wfp_kind kind);
/* Point every reference to o (from objects of other kinds) at nothing; used
** when o disappears behind the engine's back (another process deleted it). */
void wfp_obj_orphan_referrers(ntsec_wfp_engine *e, wfp_obj *o);

/* ---- descriptors (wfp_sd.c, wfp_intern.c, wfp_propagate.c) ---- */
/* The container whose descriptor children of this kind inherit from. */
ntsec_wfp_container wfp_container_of(ntsec_wfp_kind kind);
/* Default descriptor of a new child of container c (shared, new reference):
** inheritance from c's descriptor with owner/group as given (3.3). */
NTSTATUS wfp_child_sd(ntsec_wfp_engine *e, ntsec_wfp_container c, int is_container,
                      const uint8_t *owner, const uint8_t *group, ntsec_sd **out);
/* Owner and group a session's new objects get (docs/wfp.md). */
void wfp_session_owner_group(const wfp_session *s, const uint8_t **owner, const uint8_t **group);
/* Build the engine's root and container descriptors. */
NTSTATUS wfp_sd_setup(ntsec_wfp_engine *e, ntsec_sd *root);
void wfp_sd_teardown(ntsec_wfp_engine *e);
/* Replace the inherited part of sd's DACL by what parent passes on now. */
NTSTATUS wfp_reinherit(ntsec_wfp_engine *e, ntsec_wfp_container parent, int is_container,
                       ntsec_sd *sd, ntsec_sd **out);
/* Take over one reference of sd and return a reference to the engine's
** shared copy of an equal descriptor (sd itself when it is the first). */
ntsec_sd *wfp_intern(ntsec_wfp_engine *e, ntsec_sd *sd);
void wfp_intern_free(wfp_intern_table *t);
/* 64-bit hash of n bytes (not cryptographic). */
uint64_t wfp_hash_bytes(const uint8_t *p, size_t n);
/* Bytes held by the intern table's distinct descriptors (benchmarks). */
size_t wfp_intern_bytes(const wfp_intern_table *t);
/* Swap in a new descriptor for a container (logging the old one in s's
** transaction) and re-inherit the children and, for the root, the other
** containers (issue 4: inheritance is recomputed after a DACL change).
** Takes over new_sd. Errors: STATUS_NO_MEMORY (nothing is kept then: the
** caller's transaction rolls back). */
NTSTATUS wfp_container_replace(ntsec_wfp_engine *e, wfp_session *s, ntsec_wfp_container c,
                               ntsec_sd *new_sd);
/* Swap in a new descriptor for object o, logged in s's transaction. */
NTSTATUS wfp_obj_replace_sd(wfp_session *s, wfp_obj *o, ntsec_sd *new_sd);

/* Memo of Set results: 1 and a new reference in *out when k was computed. */
int wfp_setmemo_get(ntsec_wfp_engine *e, const wfp_setmemo_key *k, ntsec_sd **out);
/* Remember k -> result (references taken). */
void wfp_setmemo_put(ntsec_wfp_engine *e, const wfp_setmemo_key *k, ntsec_sd *result);
void wfp_setmemo_free(ntsec_wfp_engine *e);

/* ---- sessions (wfp_session.c) ---- */
/* The open session behind h, or NULL. */
wfp_session *wfp_session_get(const ntsec_wfp_engine *e, ntsec_wfp_handle h);
/* Session lookup, the running check and a pending forced abort: the first
** steps of every call. */
NTSTATUS wfp_session_enter(ntsec_wfp_engine *e, ntsec_wfp_handle h, wfp_session **out);
/* Access check of want against sd for the session (kernel mode: success).
** Returns STATUS_SUCCESS, STATUS_ACCESS_DENIED, STATUS_PRIVILEGE_NOT_HELD or
** the check's call status. */
NTSTATUS wfp_session_access(const wfp_session *s, const ntsec_sd *sd, ACCESS_MASK want);
/* New random version-4 GUID from the engine's generator. */
void wfp_new_guid(ntsec_wfp_engine *e, ntsec_guid *g);

/* ---- the transaction lock and the clock (wfp_lock.c) ---- */
typedef enum wfp_op { WFP_OP_READ, WFP_OP_WRITE } wfp_op;
/* Engine clock in ms (virtual, or monotonic since the engine was created). */
uint64_t wfp_now(const ntsec_wfp_engine *e);
/* Wait until s may take the lock: for a write (an explicit read/write
** transaction or a call changing something) no other session may hold a
** transaction; for a read no other session a read/write one. Waits up to
** the session's timeout. Errors: STATUS_FWP_TIMEOUT. */
NTSTATUS wfp_lock_wait(ntsec_wfp_engine *e, wfp_session *s, int write);
/* Record that s now holds an explicit transaction (mode WFP_TXN_READ/WRITE). */
void wfp_lock_take(ntsec_wfp_engine *e, wfp_session *s, int mode);
/* Release s's explicit transaction lock (s->txn becomes WFP_TXN_NONE). */
void wfp_lock_release(ntsec_wfp_engine *e, wfp_session *s);
/* Take the store's write lock (another process may hold it) with the
** session's timeout. No-op without a store. Errors: STATUS_FWP_TIMEOUT,
** STATUS_UNSUCCESSFUL. */
NTSTATUS wfp_lock_store(ntsec_wfp_engine *e, const wfp_session *s);
/* Force-abort user-mode transactions held longer than one hour (W32-OM). */
void wfp_lock_expire(ntsec_wfp_engine *e);

/* ---- calls and transactions (wfp_txn.c) ---- */
/* One session call: lock, implicit transaction, store writes. */
typedef struct wfp_call {
    wfp_session *s;
    size_t mark;                  /* undo log length at the start */
    int implicit;                 /* this call opened an implicit transaction */
    wfp_op op;
} wfp_call;
/* Start a read or write call of session s (after wfp_session_enter and the
** call's own early checks). A write inside a read-only transaction gives
** STATUS_FWP_INCOMPATIBLE_TXN. Errors: STATUS_FWP_TIMEOUT, store errors. */
NTSTATUS wfp_call_begin(ntsec_wfp_engine *e, wfp_session *s, wfp_op op, wfp_call *c);
/* End the call with its status: on success the changes are written to the
** store (and committed when implicit); on failure they are rolled back.
** Returns st, or the store's failure. */
NTSTATUS wfp_call_end(ntsec_wfp_engine *e, wfp_call *c, NTSTATUS st);
/* Make room for one log entry (always call before mutating).
** Errors: STATUS_NO_MEMORY. */
NTSTATUS wfp_txn_reserve(wfp_session *s);
/* Log an add or a delete of o after wfp_txn_reserve. A deleted o then
** belongs to the log until the transaction ends. */
void wfp_txn_record(wfp_session *s, int type, wfp_obj *o);
/* Log a descriptor change (old is taken over) after wfp_txn_reserve. */
void wfp_txn_record_sd(wfp_session *s, int type, int container, wfp_obj *o, ntsec_sd *old);
/* Keep the changes logged from `from` on: release what those entries own. */
void wfp_txn_forget(wfp_session *s, size_t from);
/* Roll the log back to length mark. */
void wfp_txn_rollback_to(ntsec_wfp_engine *e, wfp_session *s, size_t mark);
/* Roll back the open explicit transaction, if any (abort, close, forced abort). */
void wfp_txn_rollback(ntsec_wfp_engine *e, wfp_session *s);
/* Engine-level write (imports): a call of the engine's system session. */
NTSTATUS wfp_system_begin(ntsec_wfp_engine *e, wfp_call *c);

/* ---- dynamic-session rule (wfp_security.c) ---- */
/* 2.7/2.8 step 5 for an operation on object o (NULL = a container or the
** engine); always_refuse for the connection functions. */
NTSTATUS wfp_dynamic_rule(const wfp_session *s, const wfp_obj *o, int always_refuse);

/* ---- references (wfp_link.c) ---- */
/* The table kind a reference slot points at. */
ntsec_wfp_kind wfp_ref_kind(int ref);
/* W32-OM association rule (2.3) for an object of lifetime life owned by
** session owner and provider key provider (NULL: none) referencing target. */
int wfp_lifetime_ok(int life, ntsec_wfp_handle owner, const ntsec_guid *provider,
                    const wfp_obj *target);
/* The object of kind with key; a built-in layer or sublayer (SDK name) that
** is not there yet is created (EMULATOR CHOICE, docs/wfp.md). NULL if none.
** Errors (*st): STATUS_NO_MEMORY. */
wfp_obj *wfp_find_or_builtin(ntsec_wfp_engine *e, ntsec_wfp_kind kind, const ntsec_guid *key,
                             NTSTATUS *st);

/* ---- persistence glue (wfp_persist.c) ---- */
/* 1 when o's row belongs in the store (persistent and built-in objects). */
int wfp_persistable(const wfp_obj *o);
/* Write the log entries [mark, len) of s to the store (inside its transaction). */
NTSTATUS wfp_persist_log(ntsec_wfp_engine *e, const wfp_session *s, size_t mark);
/* Load the store's content into a fresh engine (restart). */
NTSTATUS wfp_persist_load(ntsec_wfp_engine *e, char *msg, size_t cap);
/* Apply changes other processes committed since the last look (no-op while
** an explicit transaction is open here). Errors: store errors. */
NTSTATUS wfp_persist_refresh(ntsec_wfp_engine *e);
/* Next calloutId / filterId / layerId, shared with other processes through
** the store when there is one. */
NTSTATUS wfp_next_id(ntsec_wfp_engine *e, ntsec_wfp_kind kind, uint64_t *id);

/* ---- subscriptions and enumerations ---- */
/* Deliver a connection event to the subscribers (after the change). */
void wfp_sub_notify(ntsec_wfp_engine *e, int event, const ntsec_wfp_connection *c);
/* Drop a session's subscriptions and enum handles (session close). */
void wfp_sub_drop_session(ntsec_wfp_engine *e, ntsec_wfp_handle h);
void wfp_enum_drop_session(ntsec_wfp_engine *e, ntsec_wfp_handle h);
void wfp_sub_free_all(ntsec_wfp_engine *e);
void wfp_enum_free_all(ntsec_wfp_engine *e);

#endif
