/*
** wfp.h: the emulated Windows Filtering Platform engine (wfp_ks_errors.md 2, 3).
**
** One ntsec_wfp_engine owns everything: sessions, transactions and their
** lock, objects (providers, sublayers, layers, callouts, filters, ALE
** endpoints, connections, imported session records), the container
** descriptors, enum handles, subscriptions, the clock and optionally the
** SQLite store of its persistent part. There are no globals; engines are
** independent (several processes may share one store).
**
** Every entry point returns an NTSTATUS (STATUS_FWP_* for WFP failures), the
** kernel-mode value of wfp_ks_errors.md 1.4. User-mode callers convert it with
** ntsec_nt_to_win32 (5.4, 5.7). Failed calls change nothing (build, then swap).
**
** Sessions are addressed by handle (like Windows' HANDLE): an unknown or
** closed handle gives STATUS_INVALID_HANDLE (2.7, 2.8 step 1).
** Model and every EMULATOR CHOICE: docs/wfp.md.
*/
#ifndef NTSEC_WFP_H
#define NTSEC_WFP_H

#include "ntsec_types.h"
#include "sd.h"
#include "token.h"

typedef struct ntsec_wfp_engine ntsec_wfp_engine;

/* A session handle; 0 is never a valid handle. */
typedef uint64_t ntsec_wfp_handle;

/* FWPM flag values (SDK fwpmtypes.h / fwpmu.h; wfp_ks_errors.md 2.1, 2.2, 2.4). */
#define NTSEC_FWPM_SESSION_FLAG_DYNAMIC          0x00000001u
#define NTSEC_FWPM_SESSION_FLAG_RESERVED         0x10000000u
#define NTSEC_FWPM_TXN_READ_ONLY                 0x00000001u
#define NTSEC_FWPM_PROVIDER_FLAG_PERSISTENT      0x00000001u
#define NTSEC_FWPM_PROVIDER_FLAG_DISABLED        0x00000010u
#define NTSEC_FWPM_PROVIDER_CONTEXT_FLAG_PERSISTENT 0x00000001u
#define NTSEC_FWPM_PROVIDER_CONTEXT_FLAG_DOWNLEVEL  0x00000002u
/* FWPM_PROVIDER_CONTEXT_TYPE (fwpmtypes.h): FWPM_IPSEC_KEYING_CONTEXT 0 ..
** FWPM_IPSEC_IKEV2_QM_TRANSPORT_CONTEXT 12; FWPM_GENERAL_CONTEXT is 8. */
#define NTSEC_FWPM_GENERAL_CONTEXT               8u
#define NTSEC_FWPM_PROVIDER_CONTEXT_TYPE_MAX     13u
#define NTSEC_FWPM_SUBLAYER_FLAG_PERSISTENT      0x00000001u
#define NTSEC_FWPM_LAYER_FLAG_KERNEL             0x00000001u
#define NTSEC_FWPM_LAYER_FLAG_BUILTIN            0x00000002u
#define NTSEC_FWPM_CALLOUT_FLAG_PERSISTENT       0x00010000u
#define NTSEC_FWPM_CALLOUT_FLAG_USES_PROVIDER_CONTEXT 0x00020000u
#define NTSEC_FWPM_CALLOUT_FLAG_REGISTERED       0x00040000u
#define NTSEC_FWPM_FILTER_FLAG_PERSISTENT        0x00000001u
#define NTSEC_FWPM_FILTER_FLAG_HAS_PROVIDER_CONTEXT 0x00000004u
#define NTSEC_FWPM_FILTER_FLAG_HAS_SECURITY_REALM_PROVIDER_CONTEXT 0x00000080u
#define NTSEC_FWPM_FILTER_FLAGS_KNOWN            0x00000FFFu   /* NONE .. IPSEC_NO_ACQUIRE_INITIATE */

/* FWP_ACTION_TYPE (fwptypes.h; FWPM_ACTION0). */
#define NTSEC_FWP_ACTION_FLAG_CALLOUT            0x00004000u
#define NTSEC_FWP_ACTION_BLOCK                   0x00001001u
#define NTSEC_FWP_ACTION_PERMIT                  0x00001002u
#define NTSEC_FWP_ACTION_CALLOUT_TERMINATING     0x00005003u
#define NTSEC_FWP_ACTION_CALLOUT_INSPECTION      0x00006004u
#define NTSEC_FWP_ACTION_CALLOUT_UNKNOWN         0x00004005u

/* FWPM_CONNECTION_EVENT_TYPE and subscription flags (fwpmtypes.h, 2.5). */
#define NTSEC_FWPM_CONNECTION_EVENT_ADD          0u
#define NTSEC_FWPM_CONNECTION_EVENT_DELETE       1u
#define NTSEC_FWPM_SUBSCRIPTION_FLAG_NOTIFY_ON_ADD    0x00000001u
#define NTSEC_FWPM_SUBSCRIPTION_FLAG_NOTIFY_ON_DELETE 0x00000002u

/* Object lifetimes (wfp_ks_errors.md 2.3). */
typedef enum ntsec_wfp_lifetime {
    NTSEC_WFP_LIFE_AUTO = 0,        /* import only: derive from flags and key */
    NTSEC_WFP_LIFE_DYNAMIC = 1,
    NTSEC_WFP_LIFE_STATIC = 2,
    NTSEC_WFP_LIFE_PERSISTENT = 3,
    NTSEC_WFP_LIFE_BUILTIN = 4
} ntsec_wfp_lifetime;

/* Containers, each with its own descriptor (2.7, 3.3). ENGINE is the root. */
typedef enum ntsec_wfp_container {
    NTSEC_WFP_ENGINE = 0,
    NTSEC_WFP_PROVIDERS,
    NTSEC_WFP_SUBLAYERS,
    NTSEC_WFP_LAYERS,
    NTSEC_WFP_CALLOUTS,
    NTSEC_WFP_FILTERS,
    NTSEC_WFP_CONNECTIONS,
    NTSEC_WFP_ALE_ENDPOINTS,
    NTSEC_WFP_PROVIDER_CONTEXTS,   /* appended: stored container numbers stay */
    NTSEC_WFP_CONTAINER_COUNT
} ntsec_wfp_container;

/* Object kinds held by an engine. The first five and PROVIDER_CONTEXT are
** keyed by GUID (PROVIDER_CONTEXT comes after FILTER so that the kind numbers
** a store holds stay what they were). Every per-kind fact is a row of the
** kind table (wfp_kinds.h). */
typedef enum ntsec_wfp_kind {
    NTSEC_WFP_PROVIDER = 0,
    NTSEC_WFP_SUBLAYER,
    NTSEC_WFP_LAYER,
    NTSEC_WFP_CALLOUT,
    NTSEC_WFP_FILTER,
    NTSEC_WFP_PROVIDER_CONTEXT, /* FWPM_PROVIDER_CONTEXT0 (issue 12) */
    NTSEC_WFP_ENDPOINT,
    NTSEC_WFP_CONNECTION,
    NTSEC_WFP_SESSION_RECORD,   /* imported FWPM_SESSION0 records */
    NTSEC_WFP_OPEN_SESSION,     /* sessions opened on this engine */
    NTSEC_WFP_ROOT,             /* the engine root object (security only; no stored objects) */
    NTSEC_WFP_KIND_COUNT
} ntsec_wfp_kind;

/* A keyed object (provider, sublayer, layer, callout, filter) as the getters
** and enumerations report it. Strings are borrowed from the engine and valid
** until the next change; absent strings are NULL. */
/* What a filter has beyond the common fields: its conditions (wfp_cond.h;
** borrowed from the engine in views, copied by adds and imports) and the
** fields only a dump carries (effectiveWeight, providerContextKey). */
typedef struct ntsec_wfp_filter_fields {
    const struct ntsec_wfp_condition *conditions;
    uint32_t condition_count;
    int has_effective_weight;
    uint64_t effective_weight;
    int has_provider_context;
    ntsec_guid provider_context;
} ntsec_wfp_filter_fields;

typedef struct ntsec_wfp_object_info {
    ntsec_wfp_kind kind;
    ntsec_guid key;
    uint64_t id;                  /* layerId / calloutId / filterId, 0 if none */
    uint32_t flags;
    const char *name, *description;
    ntsec_wfp_lifetime lifetime;
    ntsec_guid owner_session;     /* key of the owning dynamic session, else zero */
    int has_provider, has_layer, has_sublayer, has_callout;
    ntsec_guid provider, layer, sublayer, callout;   /* references by key */
    const char *service;          /* provider serviceName */
    uint32_t action;              /* filter action type */
    int has_weight;
    uint64_t weight;              /* sublayer / filter weight */
    const ntsec_sd *sd;           /* the object's descriptor (borrowed) */
    ntsec_wfp_filter_fields filter;   /* filters only */
    uint32_t context_type;        /* provider context: FWPM_PROVIDER_CONTEXT_TYPE */
    const uint8_t *data;          /* provider context: its data as kept (data_len bytes): a
                                     general context's dataBuffer, else (data_is_text) the
                                     dump's element as text (docs/wfp.md) */
    size_t data_len;
    int data_is_text;
    const char *flag_names;       /* flag names kept without bits ("A | B"), NULL if none */
} ntsec_wfp_object_info;

/* The engine root descriptor used when none is given: Windows 10 1909 as
** observed (wfp_ks_errors.md 3.3, GH-SW680). */
extern const char ntsec_wfp_default_engine_sddl[];

/* ---- engine ---- */

typedef struct ntsec_wfp_engine_opts {
    ntsec_sd *root_sd;         /* engine root descriptor (referenced, never modified), NULL = default;
                                  with a path whose store already holds a root, the stored one wins */
    int not_running;           /* start with BFE "not running" (5.5) */
    uint32_t max_callouts;     /* FwpmCalloutAdd0 limit; 0 = the documented 100000 (W32-EC);
                                  UINT32_MAX = unlimited */
    uint64_t seed;             /* key generator seed; 0 = derived from time and address */
    int virtual_clock;         /* 1: the engine clock only moves through ntsec_wfp_engine_advance
                                  and lock waits (a wait that cannot succeed in-process advances
                                  it by the timeout at once); 0: real time (waits sleep) */
    const char *path;          /* SQLite file keeping the persistent part (docs/wfp.md), NULL =
                                  in memory only */
    int sync_normal;           /* store: synchronous=NORMAL (durable against process crashes,
                                  not power loss) instead of FULL */
    char *error;               /* optional buffer for a message when creation fails */
    size_t error_cap;
} ntsec_wfp_engine_opts;

/* The default txnWaitTimeoutInMSec (0 means this, W32-OM) and the lock hold
** limit of user-mode transactions (one hour, W32-OM; kernel mode: none). */
#define NTSEC_WFP_DEFAULT_TXN_WAIT_MS 15000u
#define NTSEC_WFP_USER_TXN_HOLD_MS    3600000u

/* Create an engine with its container descriptors (3.3): containers inherit
** from the root (owner BA, group LS). opts may be NULL. With opts->path the
** persistent part lives in that SQLite file: an existing ntsec store is
** loaded (a filter-engine restart: persistent and built-in objects come
** back), a missing or empty file is initialised, anything else is refused
** and left untouched.
** Errors: STATUS_NO_MEMORY, STATUS_INVALID_SECURITY_DESCR (root lacks owner),
** STATUS_OBJECT_TYPE_MISMATCH (the file is not an ntsec engine store, or is
** corrupt), STATUS_UNSUCCESSFUL (the file cannot be opened or read); the
** reason is written to opts->error when given. */
NTSTATUS ntsec_wfp_engine_new(const ntsec_wfp_engine_opts *opts, ntsec_wfp_engine **out);

/* Free the engine and everything it owns (open sessions included). NULL ok. */
void ntsec_wfp_engine_free(ntsec_wfp_engine *e);

/* BFE running toggle. While not running every session-level call fails with
** EPT_NT_NOT_REGISTERED (0xC0020036; user mode sees 1753, wfp_ks_errors.md 5.5). */
void ntsec_wfp_engine_set_running(ntsec_wfp_engine *e, int running);
int ntsec_wfp_engine_running(const ntsec_wfp_engine *e);

/* The engine clock in milliseconds (virtual, or real time since creation). */
uint64_t ntsec_wfp_engine_clock(const ntsec_wfp_engine *e);
/* Advance a virtual clock by ms; user-mode transactions that now exceed the
** one-hour hold limit are forcibly aborted (2.2). Errors:
** STATUS_INVALID_DEVICE_REQUEST (the engine runs on real time). */
NTSTATUS ntsec_wfp_engine_advance(ntsec_wfp_engine *e, uint64_t ms);
int ntsec_wfp_engine_virtual_clock(const ntsec_wfp_engine *e);
/* Apply persistent changes other processes committed to the engine's store
** (done by every session call as well). No-op without a store. */
NTSTATUS ntsec_wfp_engine_refresh(ntsec_wfp_engine *e);
/* Bytes of distinct descriptors the engine holds (shared descriptors count
** once); for benchmarks. */
size_t ntsec_wfp_engine_sd_bytes(const ntsec_wfp_engine *e);

/* Current descriptor of a container (borrowed; valid until the next change). */
const ntsec_sd *ntsec_wfp_container_sd(const ntsec_wfp_engine *e, ntsec_wfp_container c);

/* ---- sessions (FwpmEngineOpen0 / FwpmEngineClose0, 2.1) ---- */

typedef struct ntsec_wfp_session_opts {
    const ntsec_token *token;  /* cloned; required for user mode */
    int dynamic;               /* FWPM_SESSION_FLAG_DYNAMIC */
    int kernel_mode;           /* kernel caller: no access checks (3.2) */
    uint32_t txn_timeout_ms;   /* txnWaitTimeoutInMSec: how long FwpmTransactionBegin0 (and
                                  any call needing the lock) waits; 0 = 15 s (W32-OM) */
    const ntsec_guid *key;     /* NULL or GUID_NULL: generated */
    const char *name;          /* displayData.name, may be NULL */
    const char *description;
} ntsec_wfp_session_opts;

/* FwpmEngineOpen0. Errors: EPT_NT_NOT_REGISTERED (not running), STATUS_NO_TOKEN
** (user mode without token), STATUS_ACCESS_DENIED (no FWPM_ACTRL_OPEN on the
** engine; members of BUILTIN\Administrators always pass, 3.3),
** STATUS_FWP_ALREADY_EXISTS (session key in use), STATUS_NO_MEMORY. */
NTSTATUS ntsec_wfp_engine_open(ntsec_wfp_engine *e, const ntsec_wfp_session_opts *opts,
                               ntsec_wfp_handle *out);

/* FwpmEngineClose0: aborts an open transaction, deletes the session's dynamic
** objects, releases the handle. Handle 0 succeeds (W32-FFD); unknown handles
** give STATUS_INVALID_HANDLE. */
NTSTATUS ntsec_wfp_engine_close(ntsec_wfp_engine *e, ntsec_wfp_handle h);

/* Facts about an open session; STATUS_INVALID_HANDLE when unknown. */
typedef struct ntsec_wfp_session_info {
    ntsec_guid key;
    int dynamic, kernel_mode;
    int txn;                   /* 0 none, 1 read-only, 2 read/write */
    int txn_aborted;           /* a forced abort is waiting to be reported */
    uint32_t txn_timeout_ms;
} ntsec_wfp_session_info;
NTSTATUS ntsec_wfp_session_get_info(const ntsec_wfp_engine *e, ntsec_wfp_handle h,
                                    ntsec_wfp_session_info *out);

/* ---- transactions (2.2) ---- */

/* FwpmTransactionBegin0. flags: 0 or NTSEC_FWPM_TXN_READ_ONLY. One
** read/write transaction at a time per engine (and per store file across
** processes); read-only transactions share the lock with each other. Begin
** waits up to the session's timeout for the lock.
** Errors: STATUS_INVALID_HANDLE, EPT_NT_NOT_REGISTERED, STATUS_FWP_TXN_ABORTED
** (reported once after a forced abort), STATUS_FWP_INVALID_FLAGS (other bits),
** STATUS_FWP_TXN_IN_PROGRESS, STATUS_ACCESS_DENIED (BEGIN_READ_TXN /
** BEGIN_WRITE_TXN on the engine), STATUS_FWP_TIMEOUT. */
NTSTATUS ntsec_wfp_txn_begin(ntsec_wfp_engine *e, ntsec_wfp_handle h, uint32_t flags);
/* FwpmTransactionCommit0 / Abort0. Commit makes a read/write transaction
** durable in the store; abort restores every object, reference and
** descriptor exactly. Errors: STATUS_INVALID_HANDLE, EPT_NT_NOT_REGISTERED,
** STATUS_FWP_TXN_ABORTED, STATUS_FWP_NO_TXN_IN_PROGRESS, STATUS_UNSUCCESSFUL
** (the store failed to commit; the transaction is rolled back). */
NTSTATUS ntsec_wfp_txn_commit(ntsec_wfp_engine *e, ntsec_wfp_handle h);
NTSTATUS ntsec_wfp_txn_abort(ntsec_wfp_engine *e, ntsec_wfp_handle h);

#endif
