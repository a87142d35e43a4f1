/*
** wfp_internal.h: the engine's data structures, shared by the .c files of src/core/wfp
** only (not a public header).
*/
#ifndef NTSEC_WFP_INTERNAL_H
#define NTSEC_WFP_INTERNAL_H

#include "wfp.h"
#include "wfp_ale.h"
#include "wfp_map.h"
#include "access.h"

/* Common head of every stored object. key and id are at fixed offsets so
** the store's indexes can read them (wfp_map). */
typedef struct wfp_obj {
    ntsec_guid key;               /* GUID key (zero for id-only kinds) */
    uint64_t id;                  /* id index key */
    ntsec_sd *sd;                 /* own descriptor, NULL for endpoints/connections */
    char *name, *description;
    size_t slot;                  /* index in the store's vector */
    uint32_t flags;
    uint32_t refs_in;             /* links from other objects (FWP_E_IN_USE) */
    ntsec_wfp_handle owner;       /* owning dynamic session, 0 if none */
    uint8_t kind;                 /* ntsec_wfp_kind */
    uint8_t lifetime;             /* ntsec_wfp_lifetime */
} wfp_obj;

/* References of a keyed object: the key always, the target when resolved. */
enum { WFP_REF_PROVIDER, WFP_REF_LAYER, WFP_REF_SUBLAYER, WFP_REF_CALLOUT, WFP_REF_COUNT };
typedef struct wfp_ref {
    ntsec_guid key;
    wfp_obj *target;              /* NULL when absent or unresolved */
    int present;
} wfp_ref;

/* Providers, sublayers, layers, callouts, filters. */
typedef struct wfp_keyed {
    wfp_obj h;
    wfp_ref refs[WFP_REF_COUNT];
    char *service;                /* provider */
    uint32_t action;              /* filter */
    int has_weight;
    uint64_t weight;
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

/* Undo log entry of an explicit transaction. */
typedef struct wfp_undo {
    int added;                    /* 1: obj was added (abort removes it);
                                     0: obj was deleted (abort reinserts it) */
    wfp_obj *obj;
} wfp_undo;

enum { WFP_TXN_NONE = 0, WFP_TXN_READ = 1, WFP_TXN_WRITE = 2 };

typedef struct wfp_session {
    wfp_obj h;                    /* h.key = session key, h.id = handle */
    ntsec_token *token;           /* NULL for a kernel session opened without one */
    int dynamic, kernel_mode;
    uint32_t txn_timeout_ms;
    int txn;                      /* WFP_TXN_* */
    wfp_undo *undo;
    size_t undo_len, undo_cap;
} wfp_session;

/* Vector (insertion order, NULL holes) plus hash indexes. */
typedef struct wfp_store {
    wfp_obj **items;
    size_t len, cap, live;
    wfp_map by_key, by_id;
    int keyed, ided;
    int pinned;                   /* > 0 while transactions are open: slots stay put */
} wfp_store;

/* Last child descriptor computed from a container (shared by refcount). */
typedef struct wfp_sd_cache {
    ntsec_sd *parent;             /* referenced: identity stays valid */
    uint8_t owner[68], group[68];
    int is_container;
    ntsec_sd *result;
} wfp_sd_cache;

struct ntsec_wfp_engine {
    int running;
    uint32_t max_callouts;
    uint64_t rng;                 /* key generator state */
    uint64_t next_handle;
    uint32_t next_callout_id;
    uint64_t next_filter_id;
    uint16_t next_layer_id;
    ntsec_sd *containers[NTSEC_WFP_CONTAINER_COUNT];
    wfp_sd_cache cache[NTSEC_WFP_CONTAINER_COUNT];
    wfp_store stores[NTSEC_WFP_KIND_COUNT];
};

/* Well-known SIDs (binary). */
extern const uint8_t wfp_sid_admins[16];       /* S-1-5-32-544 */
extern const uint8_t wfp_sid_local_service[12]; /* S-1-5-19 */
extern const uint8_t wfp_sid_system[12];       /* S-1-5-18 */

/* ---- store (wfp_store.c) ---- */
void wfp_store_init(wfp_store *st, int keyed, int ided);
void wfp_store_free(wfp_store *st);
NTSTATUS wfp_store_add(wfp_store *st, wfp_obj *o);
void wfp_store_remove(wfp_store *st, wfp_obj *o);
/* Put a removed object back at its old slot when that is still free (abort
** of a delete), else append. Errors: STATUS_NO_MEMORY. */
NTSTATUS wfp_store_restore(wfp_store *st, wfp_obj *o);
wfp_obj *wfp_store_by_key(const wfp_store *st, const ntsec_guid *key);
wfp_obj *wfp_store_by_id(const wfp_store *st, uint64_t id);
/* Next live object at or after *cursor (advances it), or NULL. */
wfp_obj *wfp_store_next(const wfp_store *st, size_t *cursor);

/* ---- objects (wfp_object.c) ---- */
/* Zeroed object of the kind's size, or NULL. */
wfp_obj *wfp_obj_alloc(ntsec_wfp_kind kind);
/* Free an object and everything it owns (its descriptor reference too). */
void wfp_obj_free(wfp_obj *o);
/* strdup that accepts NULL; *ok cleared on allocation failure. */
char *wfp_strdup(const char *s, int *ok);
/* Add o to its store and take its references (refs_in of targets). */
NTSTATUS wfp_obj_insert(ntsec_wfp_engine *e, wfp_obj *o);
/* Remove o from its store and drop its references; o stays allocated. */
void wfp_obj_unlink(ntsec_wfp_engine *e, wfp_obj *o);
/* Undo wfp_obj_unlink (transaction abort). Errors: STATUS_NO_MEMORY. */
NTSTATUS wfp_obj_restore(ntsec_wfp_engine *e, wfp_obj *o);
/* Fill the public view of a keyed object. */
void wfp_obj_info(const ntsec_wfp_engine *e, const wfp_obj *o, ntsec_wfp_object_info *out);
wfp_store *wfp_store_of(ntsec_wfp_engine *e, ntsec_wfp_kind kind);

/* ---- descriptors (wfp_sd.c) ---- */
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

/* ---- sessions (wfp_session.c) ---- */
/* The open session behind h, or NULL. */
wfp_session *wfp_session_get(const ntsec_wfp_engine *e, ntsec_wfp_handle h);
/* Session lookup plus the running check: the first two steps of every call. */
NTSTATUS wfp_session_enter(const ntsec_wfp_engine *e, ntsec_wfp_handle h, wfp_session **out);
/* Access check of want against sd for the session (kernel mode: success).
** Returns STATUS_SUCCESS, STATUS_ACCESS_DENIED, STATUS_PRIVILEGE_NOT_HELD or
** the check's call status. */
NTSTATUS wfp_session_access(const wfp_session *s, const ntsec_sd *sd, ACCESS_MASK want);
/* New random version-4 GUID from the engine's generator. */
void wfp_new_guid(ntsec_wfp_engine *e, ntsec_guid *g);

/* ---- transactions (wfp_txn.c) ---- */
/* Make room for one log entry in the session's open transaction (no-op
** without one); call before mutating. Errors: STATUS_NO_MEMORY. */
NTSTATUS wfp_txn_reserve(wfp_session *s);
/* Log an add (added = 1) or a delete of o after wfp_txn_reserve. Returns 1
** when logged (a deleted o then belongs to the log), 0 without a transaction. */
int wfp_txn_record(wfp_session *s, int added, wfp_obj *o);
/* Roll back the open transaction, if any. */
void wfp_txn_rollback(ntsec_wfp_engine *e, wfp_session *s);

/* ---- dynamic-session rule (wfp_security.c) ---- */
/* 2.7/2.8 step 5 for an operation on object o (NULL = a container or the
** engine); always_refuse for the connection functions. */
NTSTATUS wfp_dynamic_rule(const wfp_session *s, const wfp_obj *o, int always_refuse);

#endif
