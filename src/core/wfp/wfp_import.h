/*
** wfp_import.h: loading engine state from a dump (netsh wfp show state) and
** listing it. Imports bypass sessions and access checks: they describe what
** already exists on the dumped machine. Listings are engine-level (for the
** audit report), not the access-checked Fwpm enumerations.
*/
#ifndef NTSEC_WFP_IMPORT_H
#define NTSEC_WFP_IMPORT_H

#include "wfp.h"
#include "wfp_ale.h"

/* One keyed object to import. Fields a kind does not use are ignored. */
typedef struct ntsec_wfp_object_spec {
    ntsec_guid key;               /* required, not GUID_NULL */
    uint64_t id;                  /* layerId / calloutId / filterId when has_id */
    int has_id;                   /* 0: the engine assigns an id (layer ids start at 0) */
    const char *name, *description;
    uint32_t flags;
    ntsec_wfp_lifetime lifetime;  /* AUTO: PERSISTENT flag -> persistent; a built-in
                                     key (FWPM_* name known) or LAYER_FLAG_BUILTIN ->
                                     built-in; else static */
    ntsec_sd *sd;                 /* referenced; NULL: inherit from the kind's container */
    const ntsec_guid *provider, *layer, *sublayer, *callout;   /* references */
    const char *service;          /* provider serviceName */
    uint32_t action;              /* filter action type (FWP_ACTION_*) */
    int has_weight;
    uint64_t weight;
    ntsec_wfp_filter_fields filter;   /* filters: conditions (copied), dump-only fields; a
                                         provider_context key is also linked (FWP_E_IN_USE) */
    uint32_t context_type;        /* provider context: FWPM_PROVIDER_CONTEXT_TYPE */
    const uint8_t *data;          /* provider context: data as kept (copied), data_len bytes */
    size_t data_len;
    int data_is_text;             /* data is the dump's element as text (not a dataBuffer) */
    const char *flag_names;       /* flag names without known bits ("A | B"), kept; NULL */
} ntsec_wfp_object_spec;

/* Import a provider, sublayer, layer, callout, filter or provider context. References resolve
** by key; an unknown key is kept as a key without a link (docs/wfp.md).
** Errors: STATUS_INVALID_PARAMETER (kind not keyed, GUID_NULL key),
** STATUS_FWP_ALREADY_EXISTS (key or id in use), STATUS_FWP_LIFETIME_MISMATCH
** (a reference to a dynamic object), STATUS_NO_MEMORY. */
NTSTATUS ntsec_wfp_import_object(ntsec_wfp_engine *e, ntsec_wfp_kind kind,
                                 const ntsec_wfp_object_spec *spec);

/* An FWPM_SESSION0 record from the dump (2.1). */
typedef struct ntsec_wfp_session_record {
    ntsec_guid key;
    const char *name, *description;
    int dynamic, kernel_mode;
    uint32_t pid, txn_timeout_ms;
    const uint8_t *sid;           /* binary SID or NULL */
    const char *username;
} ntsec_wfp_session_record;

/* Errors: STATUS_FWP_ALREADY_EXISTS (key), STATUS_INVALID_SID, STATUS_NO_MEMORY. */
NTSTATUS ntsec_wfp_import_session(ntsec_wfp_engine *e, const ntsec_wfp_session_record *r);

/* Import an ALE endpoint (app_id bytes copied). Endpoint ids are not unique
** in real dumps (netsh-wfpstate-2.xml lists 60 endpoints with id 170), so
** duplicates are kept; FwpsAleEndpointGetById0 then finds one of them.
** Errors: STATUS_NO_MEMORY. */
NTSTATUS ntsec_wfp_import_endpoint(ntsec_wfp_engine *e, const ntsec_wfp_endpoint *ep);

/* An atomic import (a batch): between begin and end every import_* call
** is logged in the engine's system transaction; end with commit = 0 (or a
** failed store commit) removes everything the batch imported and restores
** the id counters, so a dump that fails half way leaves the engine as it
** was. References to objects that come later in the batch are linked at
** commit (netsh prints callouts and filters before providers and
** sublayers). Single-threaded: nothing but imports may run in a batch.
** begin errors: STATUS_FWP_TXN_IN_PROGRESS (a batch or a session's explicit
** transaction is open), the store's errors; end errors:
** STATUS_FWP_NO_TXN_IN_PROGRESS, STATUS_UNSUCCESSFUL (store commit failed:
** rolled back). */
typedef struct ntsec_wfp_import_batch {
    uint32_t next_callout_id;     /* id counters at begin */
    uint64_t next_filter_id;
    uint16_t next_layer_id;
    uint64_t next_provider_context_id;
} ntsec_wfp_import_batch;

NTSTATUS ntsec_wfp_import_begin(ntsec_wfp_engine *e, ntsec_wfp_import_batch *b);
NTSTATUS ntsec_wfp_import_end(ntsec_wfp_engine *e, const ntsec_wfp_import_batch *b, int commit);

/* Number of live objects of a kind. */
size_t ntsec_wfp_count(const ntsec_wfp_engine *e, ntsec_wfp_kind kind);

/* Iterate a keyed kind in insertion order: set *cursor = 0, then call until
** it returns 0. The engine must not change during the iteration. */
int ntsec_wfp_object_next(const ntsec_wfp_engine *e, ntsec_wfp_kind kind, size_t *cursor,
                          ntsec_wfp_object_info *out);
int ntsec_wfp_endpoint_next(const ntsec_wfp_engine *e, size_t *cursor,
                            const ntsec_wfp_endpoint **out);
int ntsec_wfp_connection_next(const ntsec_wfp_engine *e, size_t *cursor,
                              const ntsec_wfp_connection **out);
int ntsec_wfp_session_record_next(const ntsec_wfp_engine *e, size_t *cursor,
                                  ntsec_wfp_session_record *out);

#endif
