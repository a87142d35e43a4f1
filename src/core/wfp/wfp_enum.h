/*
** wfp_enum.h: enumeration handles (Fwpm*CreateEnumHandle0 / Enum0 /
** DestroyEnumHandle0, FwpsAleEndpoint*; wfp_ks_errors.md 2.4-2.6, 3.2).
**
** CreateEnumHandle takes a snapshot (SDKAPI-CNENUM): later changes do not
** show, and the entries stay valid while the handle lives. It needs
** FWPM_ACTRL_ENUM on the kind's container; objects the caller cannot READ
** are silently left out (3.2). Endpoints and connections have no descriptor
** of their own: READ is checked on their container (EMULATOR CHOICE, 2.6).
** An enum handle belongs to the session that created it; the session's
** close destroys it. Another session's handle, an unknown handle or a
** handle of another kind gives STATUS_INVALID_HANDLE.
*/
#ifndef NTSEC_WFP_ENUM_H
#define NTSEC_WFP_ENUM_H

#include "wfp.h"
#include "wfp_ale.h"

/* Template fields; zero values do not restrict. */
typedef struct ntsec_wfp_enum_template {
    const ntsec_guid *provider;  /* callouts, sublayers, filters: providerKey */
    ntsec_guid layer;            /* callouts: applicable layer; filters: layerKey */
    ntsec_guid callout;          /* filters: action.calloutKey */
    uint64_t connection_id;      /* connections: FWPM_CONNECTION_ENUM_TEMPLATE0.connectionId */
    /* endpoints: FWPS_ALE_ENDPOINT_ENUM_TEMPLATE0 */
    int has_local_subnet, has_remote_subnet;
    uint32_t ip_version;         /* of the subnets */
    uint8_t local_subnet[16], remote_subnet[16];
    uint8_t local_prefix, remote_prefix;     /* bits */
    int has_protocol, has_local_port, has_remote_port;
    uint8_t protocol;
    uint16_t local_port, remote_port;
} ntsec_wfp_enum_template;

/* Create an enum handle for kind (a keyed kind, NTSEC_WFP_CONNECTION or
** NTSEC_WFP_ENDPOINT); t may be NULL. Errors: STATUS_INVALID_HANDLE,
** EPT_NT_NOT_REGISTERED, STATUS_FWP_TXN_ABORTED, STATUS_FWP_TIMEOUT,
** STATUS_ACCESS_DENIED (ENUM), STATUS_INVALID_PARAMETER (kind), STATUS_NO_MEMORY. */
NTSTATUS ntsec_wfp_enum_create(ntsec_wfp_engine *e, ntsec_wfp_handle h, ntsec_wfp_kind kind,
                               const ntsec_wfp_enum_template *t, uint64_t *enum_handle);

/* The next at most `requested` entries of the snapshot: *items points at
** *returned consecutive entries of the kind's type (ntsec_wfp_object_info,
** ntsec_wfp_connection or ntsec_wfp_endpoint), valid until the handle is
** destroyed. Fewer than requested means the snapshot is exhausted. */
NTSTATUS ntsec_wfp_enum_next(ntsec_wfp_engine *e, ntsec_wfp_handle h, ntsec_wfp_kind kind,
                             uint64_t enum_handle, size_t requested, const void **items,
                             size_t *returned);

/* Destroy an enum handle. Errors: STATUS_INVALID_HANDLE. */
NTSTATUS ntsec_wfp_enum_destroy(ntsec_wfp_engine *e, ntsec_wfp_handle h, ntsec_wfp_kind kind,
                                uint64_t enum_handle);

#endif
