/*
** wfp_ale.h: ALE endpoints (FWPS_ALE_ENDPOINT_PROPERTIES0, wfp_ks_errors.md
** 2.6) and IPsec connection objects (FWPM_CONNECTION0 basics, 2.5).
**
** Neither kind has a per-object descriptor: access is checked against the
** container (ALE endpoint container / connections container). EMULATOR
** CHOICE (2.6 UNCONFIRMED): enumeration needs FWPM_ACTRL_ENUM on the
** container and FWPM_ACTRL_READ for each object (objects without it are
** skipped, 3.2); get-by-id needs FWPM_ACTRL_READ; kernel mode skips checks.
*/
#ifndef NTSEC_WFP_ALE_H
#define NTSEC_WFP_ALE_H

#include "wfp.h"

/* FWP_IP_VERSION. */
#define NTSEC_FWP_IP_VERSION_V4   0u
#define NTSEC_FWP_IP_VERSION_V6   1u
#define NTSEC_FWP_IP_VERSION_NONE 2u

/* Longest address text kept (INET6_ADDRSTRLEN). */
#define NTSEC_WFP_ADDR_TEXT 46

/* One address: the text as given and its binary form (network order;
** IPv4 in the first 4 bytes). */
typedef struct ntsec_wfp_addr {
    uint8_t bin[16];
    char text[NTSEC_WFP_ADDR_TEXT];
} ntsec_wfp_addr;

typedef struct ntsec_wfp_endpoint {
    uint64_t id;                       /* endpointId */
    uint32_t ip_version;               /* NTSEC_FWP_IP_VERSION_* */
    ntsec_wfp_addr local, remote;
    uint8_t protocol;                  /* ipProtocol */
    uint16_t local_port, remote_port;
    uint64_t local_token_modified_id, mm_sa_id, qm_sa_id;
    uint32_t ipsec_status, flags;
    const uint8_t *app_id;             /* appId bytes (owned by the engine copy) */
    size_t app_id_len;
} ntsec_wfp_endpoint;

typedef struct ntsec_wfp_connection {
    uint64_t id;                       /* connectionId */
    uint32_t ip_version;
    ntsec_wfp_addr local, remote;
    int has_provider;
    ntsec_guid provider;               /* providerKey */
} ntsec_wfp_connection;

/* Parse an address text for ip_version into a (text kept as given).
** Empty/NULL text gives zeros. Errors: STATUS_INVALID_PARAMETER. */
NTSTATUS ntsec_wfp_addr_parse(const char *text, uint32_t ip_version, ntsec_wfp_addr *a);

/* FwpsAleEndpointGetById0. *out points into the engine (valid until the next
** change). Errors: STATUS_INVALID_HANDLE, EPT_NT_NOT_REGISTERED,
** STATUS_ACCESS_DENIED, STATUS_FWP_NOT_FOUND (no such endpoint). */
NTSTATUS ntsec_wfp_ale_get_by_id(ntsec_wfp_engine *e, ntsec_wfp_handle h, uint64_t id,
                                 const ntsec_wfp_endpoint **out);

/* FwpsAleEndpointCreateEnumHandle0 + Enum0 as one snapshot: *out receives a
** malloc'd array of *count pointers (free() it; the pointees stay the
** engine's). Errors: STATUS_INVALID_HANDLE, EPT_NT_NOT_REGISTERED,
** STATUS_ACCESS_DENIED (ENUM), STATUS_NO_MEMORY. */
NTSTATUS ntsec_wfp_ale_enum(ntsec_wfp_engine *e, ntsec_wfp_handle h,
                            const ntsec_wfp_endpoint ***out, size_t *count);

/* Test helper: a connection appears (as IKE/BFE would create it). No access
** check; the session must be valid. Subscribers are notified (ADD).
** Errors: STATUS_INVALID_HANDLE, EPT_NT_NOT_REGISTERED,
** STATUS_FWP_ALREADY_EXISTS (id), STATUS_NO_MEMORY. */
NTSTATUS ntsec_wfp_connection_add(ntsec_wfp_engine *e, ntsec_wfp_handle h,
                                  const ntsec_wfp_connection *c);

/* Test helper: the connection goes away (subscribers get DELETE).
** Errors: STATUS_INVALID_HANDLE, EPT_NT_NOT_REGISTERED, STATUS_FWP_NOT_FOUND. */
NTSTATUS ntsec_wfp_connection_delete(ntsec_wfp_engine *e, ntsec_wfp_handle h, uint64_t id);

/* FwpmConnectionGetById0: READ on the connections container (SDKAPI-CNGBI).
** Errors: as ntsec_wfp_ale_get_by_id. */
NTSTATUS ntsec_wfp_connection_get_by_id(ntsec_wfp_engine *e, ntsec_wfp_handle h, uint64_t id,
                                        const ntsec_wfp_connection **out);

/* FwpmConnectionCreateEnumHandle0 + Enum0 as one snapshot (as ntsec_wfp_ale_enum). */
NTSTATUS ntsec_wfp_connection_enum(ntsec_wfp_engine *e, ntsec_wfp_handle h,
                                   const ntsec_wfp_connection ***out, size_t *count);

/* FWPM_CONNECTION_CALLBACK0: ctx, event type (NTSEC_FWPM_CONNECTION_EVENT_*),
** the connection (a copy, valid during the call). Callbacks run after the
** change, synchronously; they may call into the engine. */
typedef void (*ntsec_wfp_connection_cb)(void *ctx, uint32_t event, const ntsec_wfp_connection *c);

/* FwpmConnectionSubscribe0 (SDKAPI-CNSUB). connection_id: the template's
** connectionId (0 = all); flags: NTSEC_FWPM_SUBSCRIPTION_FLAG_NOTIFY_ON_ADD /
** _DELETE (0 = both). Events are delivered only while the subscriber may READ
** the connections container (3.2). The subscription ends with the session.
** Order: handle, running, explicit transaction (STATUS_FWP_TXN_IN_PROGRESS),
** SUBSCRIBE on the connections container (STATUS_ACCESS_DENIED), flags
** (STATUS_FWP_INVALID_FLAGS). *out receives the events handle. */
NTSTATUS ntsec_wfp_connection_subscribe(ntsec_wfp_engine *e, ntsec_wfp_handle h,
                                        uint64_t connection_id, uint32_t flags,
                                        ntsec_wfp_connection_cb cb, void *ctx, uint64_t *out);

/* FwpmConnectionUnsubscribe0. Errors: STATUS_INVALID_HANDLE (unknown events
** handle or another session's), EPT_NT_NOT_REGISTERED. */
NTSTATUS ntsec_wfp_connection_unsubscribe(ntsec_wfp_engine *e, ntsec_wfp_handle h, uint64_t sub);

#endif
