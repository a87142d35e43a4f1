/*
** wfp_store.h: the engine's persistent part in SQLite (internal; the only
** file that includes sqlite3.h is wfp_store.c). docs/wfp.md, "Persistence".
**
** One file holds: the root and container descriptors, every persistent and
** built-in object (one row per kind and key), the distinct descriptors they
** use (shared by id), and counters (change sequence, next ids). Each write
** transaction that changes something takes the next change sequence number
** and stamps it on the rows it writes, so another process finds what changed
** since it last looked. The SQLite write lock is the cross-process
** transaction lock. All calls return an NTSTATUS; SQLite failures give
** STATUS_UNSUCCESSFUL, a busy lock STATUS_FWP_TIMEOUT.
*/
#ifndef NTSEC_WFP_STORE_H
#define NTSEC_WFP_STORE_H

#include "ntsec_types.h"
#include "sd.h"

typedef struct wfp_store wfp_store;

/* One object row. On write sd_id names the descriptor (wfp_store_sd_id);
** on read sd / sd_len hold its bytes. Strings may be NULL. */
typedef struct wfp_store_row {
    uint8_t kind, lifetime;
    ntsec_guid key;
    uint64_t id;
    uint32_t flags;
    const char *name, *description, *service;
    int has_ref[5];
    ntsec_guid ref[5];              /* provider, layer, sublayer, callout, provider context */
    uint32_t action;
    int has_weight;
    uint64_t weight;
    int64_t sd_id;
    const uint8_t *sd;
    size_t sd_len;
    const uint8_t *payload;         /* filter: conditions (wfp_cond_codec.h); provider
                                       context: form byte (0 bytes, 1 text) and its data;
                                       NULL: none */
    size_t payload_len;
    int has_effective_weight;       /* filter: effectiveWeight from a dump */
    uint64_t effective_weight;
    const char *flag_names;         /* flag names kept without bits, NULL: none */
} wfp_store_row;

/* Open (or initialise) the store at path. A missing or empty file becomes a
** new store; a file that is not an ntsec store, is another SQLite database,
** has another format version or fails SQLite's quick_check is refused and
** never written: STATUS_OBJECT_TYPE_MISMATCH. Other failures:
** STATUS_UNSUCCESSFUL. msg (cap bytes) receives the reason. */
NTSTATUS wfp_store_open(const char *path, int sync_normal, wfp_store **out, char *msg, size_t cap);
void wfp_store_close(wfp_store *st);

/* Write transaction: BEGIN IMMEDIATE, waiting up to timeout_ms for another
** connection's write lock (STATUS_FWP_TIMEOUT). */
NTSTATUS wfp_store_begin(wfp_store *st, uint32_t timeout_ms);
/* Commit (durable per the sync mode) / roll back. */
NTSTATUS wfp_store_commit(wfp_store *st);
void wfp_store_rollback(wfp_store *st);
/* Nested savepoint inside the open transaction (one failed call inside an
** explicit transaction). */
NTSTATUS wfp_store_savepoint(wfp_store *st);
NTSTATUS wfp_store_release(wfp_store *st);
void wfp_store_rollback_savepoint(wfp_store *st);
/* The change sequence number this transaction's rows carry (0 when the
** transaction has written nothing). */
uint64_t wfp_store_txn_seq(const wfp_store *st);

/* Row id of a descriptor's bytes (added when new). Inside a transaction. */
NTSTATUS wfp_store_sd_id(wfp_store *st, ntsec_sd *sd, int64_t *id);
/* Insert or replace an object row / delete one / set a container's
** descriptor (container 0 = the engine root). Inside a transaction. */
NTSTATUS wfp_store_put(wfp_store *st, const wfp_store_row *r);
NTSTATUS wfp_store_delete(wfp_store *st, uint8_t kind, const ntsec_guid *key);
NTSTATUS wfp_store_put_container(wfp_store *st, int container, int64_t sd_id);
/* Next id of a counter ("callout", "filter", "layer"), at least floor. */
NTSTATUS wfp_store_next_id(wfp_store *st, const char *counter, uint64_t floor, uint64_t *id);

/* 1 when another connection committed since the last call (cheap). */
int wfp_store_changed(wfp_store *st);
/* Current change sequence and the sequence of the last delete. */
NTSTATUS wfp_store_seq(wfp_store *st, uint64_t *seq, uint64_t *del_seq);
/* Call fn for each container row changed after since (bytes of its descriptor). */
NTSTATUS wfp_store_each_container(wfp_store *st, uint64_t since,
                                  NTSTATUS (*fn)(void *ctx, int container, const uint8_t *sd,
                                                 size_t len),
                                  void *ctx);
/* Call fn for each object row changed after since, providers first, then
** provider contexts, sublayers, layers, callouts, filters (reference
** order), each in insertion order. */
NTSTATUS wfp_store_each_object(wfp_store *st, uint64_t since,
                               NTSTATUS (*fn)(void *ctx, const wfp_store_row *r), void *ctx);
/* Call fn for the kind and key of every object row. */
NTSTATUS wfp_store_each_key(wfp_store *st, void (*fn)(void *ctx, uint8_t kind, const ntsec_guid *key),
                            void *ctx);

#endif
