/*
** wfp.h: the emulated Windows Filtering Platform engine (wfp_ks_errors.md 2, 3).
**
** One ntsec_wfp_engine owns everything: sessions, transactions, objects
** (providers, sublayers, layers, callouts, filters, ALE endpoints,
** connections, imported session records) and the container descriptors.
** There are no globals; engines are independent.
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
#define NTSEC_FWPM_SUBLAYER_FLAG_PERSISTENT      0x00000001u
#define NTSEC_FWPM_LAYER_FLAG_KERNEL             0x00000001u
#define NTSEC_FWPM_LAYER_FLAG_BUILTIN            0x00000002u
#define NTSEC_FWPM_CALLOUT_FLAG_PERSISTENT       0x00010000u
#define NTSEC_FWPM_CALLOUT_FLAG_USES_PROVIDER_CONTEXT 0x00020000u
#define NTSEC_FWPM_CALLOUT_FLAG_REGISTERED       0x00040000u
#define NTSEC_FWPM_FILTER_FLAG_PERSISTENT        0x00000001u

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
    NTSEC_WFP_CONTAINER_COUNT
} ntsec_wfp_container;

/* Object kinds held by an engine. The first five are keyed by GUID. */
typedef enum ntsec_wfp_kind {
    NTSEC_WFP_PROVIDER = 0,
    NTSEC_WFP_SUBLAYER,
    NTSEC_WFP_LAYER,
    NTSEC_WFP_CALLOUT,
    NTSEC_WFP_FILTER,
    NTSEC_WFP_ENDPOINT,
    NTSEC_WFP_CONNECTION,
    NTSEC_WFP_SESSION_RECORD,   /* imported FWPM_SESSION0 records */
    NTSEC_WFP_OPEN_SESSION,     /* sessions opened on this engine */
    NTSEC_WFP_KIND_COUNT
} ntsec_wfp_kind;

/* A keyed object (provider, sublayer, layer, callout, filter) as the getters
** and enumerations report it. Strings are borrowed from the engine and valid
** until the next change; absent strings are NULL. */
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
} ntsec_wfp_object_info;

/* The engine root descriptor used when none is given: Windows 10 1909 as
** observed (wfp_ks_errors.md 3.3, GH-SW680). */
extern const char ntsec_wfp_default_engine_sddl[];

/* ---- engine ---- */

typedef struct ntsec_wfp_engine_opts {
    ntsec_sd *root_sd;         /* engine root descriptor (referenced, never modified), NULL = default */
    int not_running;           /* start with BFE "not running" (5.5) */
    uint32_t max_callouts;     /* FwpmCalloutAdd0 limit; 0 = the documented 100000 (W32-EC);
                                  UINT32_MAX = unlimited */
    uint64_t seed;             /* key generator seed; 0 = derived from time and address */
} ntsec_wfp_engine_opts;

/* Create an engine with its container descriptors (3.3): containers inherit
** from the root (owner BA, group LS). opts may be NULL.
** Errors: STATUS_NO_MEMORY, STATUS_INVALID_SECURITY_DESCR (root lacks owner). */
NTSTATUS ntsec_wfp_engine_new(const ntsec_wfp_engine_opts *opts, ntsec_wfp_engine **out);

/* Free the engine and everything it owns (open sessions included). NULL ok. */
void ntsec_wfp_engine_free(ntsec_wfp_engine *e);

/* BFE running toggle. While not running every session-level call fails with
** EPT_NT_NOT_REGISTERED (0xC0020036; user mode sees 1753, wfp_ks_errors.md 5.5). */
void ntsec_wfp_engine_set_running(ntsec_wfp_engine *e, int running);
int ntsec_wfp_engine_running(const ntsec_wfp_engine *e);

/* Current descriptor of a container (borrowed; valid until the next change). */
const ntsec_sd *ntsec_wfp_container_sd(const ntsec_wfp_engine *e, ntsec_wfp_container c);

/* ---- sessions (FwpmEngineOpen0 / FwpmEngineClose0, 2.1) ---- */

typedef struct ntsec_wfp_session_opts {
    const ntsec_token *token;  /* cloned; required for user mode */
    int dynamic;               /* FWPM_SESSION_FLAG_DYNAMIC */
    int kernel_mode;           /* kernel caller: no access checks (3.2) */
    uint32_t txn_timeout_ms;   /* txnWaitTimeoutInMSec; stored only */
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
    uint32_t txn_timeout_ms;
} ntsec_wfp_session_info;
NTSTATUS ntsec_wfp_session_get_info(const ntsec_wfp_engine *e, ntsec_wfp_handle h,
                                    ntsec_wfp_session_info *out);

/* ---- transactions (2.2) ---- */

/* FwpmTransactionBegin0. flags: 0 or NTSEC_FWPM_TXN_READ_ONLY.
** Errors: STATUS_INVALID_HANDLE, EPT_NT_NOT_REGISTERED,
** STATUS_FWP_INVALID_FLAGS (other bits), STATUS_FWP_TXN_IN_PROGRESS,
** STATUS_ACCESS_DENIED (BEGIN_READ_TXN / BEGIN_WRITE_TXN on the engine). */
NTSTATUS ntsec_wfp_txn_begin(ntsec_wfp_engine *e, ntsec_wfp_handle h, uint32_t flags);
/* FwpmTransactionCommit0 / Abort0. Abort restores every object and descriptor
** exactly. Errors: STATUS_INVALID_HANDLE, EPT_NT_NOT_REGISTERED,
** STATUS_FWP_NO_TXN_IN_PROGRESS. */
NTSTATUS ntsec_wfp_txn_commit(ntsec_wfp_engine *e, ntsec_wfp_handle h);
NTSTATUS ntsec_wfp_txn_abort(ntsec_wfp_engine *e, ntsec_wfp_handle h);

#endif
