/*
** wfp_security.h: the Get/Set security functions (wfp_ks_errors.md 2.7, 2.8,
** 3.2-3.4; seeds 000-002).
**
** Set check order (2.8, EMULATOR CHOICE, docs/wfp.md):
**   1 handle -> STATUS_INVALID_HANDLE; BFE not running -> EPT_NT_NOT_REGISTERED
**   3 explicit transaction open -> STATUS_FWP_TXN_IN_PROGRESS
**     then the transaction lock (implicit transaction) -> STATUS_FWP_TIMEOUT
**   4 resolve target (callout: NULL key / GUID_NULL = callouts container,
**     unknown key -> STATUS_FWP_CALLOUT_NOT_FOUND)
**   5 dynamic-session rule -> STATUS_FWP_DYNAMIC_SESSION_IN_PROGRESS /
**     STATUS_FWP_WRONG_SESSION
**   6 access check (user mode only) -> STATUS_ACCESS_DENIED /
**     STATUS_PRIVILEGE_NOT_HELD
**   7 unsupported SECURITY_INFORMATION bits, NULL owner/group with their bit
**     -> STATUS_INVALID_PARAMETER; malformed SID/ACL -> STATUS_INVALID_SID /
**     STATUS_INVALID_ACL
**   8 merge (ntsec_set_security, SEF_DACL_AUTO_INHERIT, FWPM mapping, owner
**     check against the token in user mode), re-inherit the container's
**     inheritable ACEs into a non-protected DACL, swap atomically; a
**     container's change re-inherits its objects (the root's: every
**     container and then their objects), logged so a failure undoes all.
** Merge errors (STATUS_INVALID_OWNER, STATUS_INVALID_PARAMETER for both
** PROTECTED_ and UNPROTECTED_, STATUS_NO_MEMORY) are returned as they come.
**
** SID and ACL arguments are raw wire structures as in Windows: a SID must
** hold 8 + 4 * SubAuthorityCount bytes, an ACL its AclSize bytes.
** Getters return ntsec_sd_select(sd, si) (a new reference in *out, NULL on
** failure) after READ_CONTROL (+ ACCESS_SYSTEM_SECURITY for the SACL) in
** user mode; they have no transaction or dynamic-session restriction (but
** wait, as every read, while another session holds a read/write transaction).
*/
#ifndef NTSEC_WFP_SECURITY_H
#define NTSEC_WFP_SECURITY_H

#include "wfp.h"

/* The SECURITY_INFORMATION bits the WFP Set/Get functions accept (3.4
** EMULATOR CHOICE): OWNER, GROUP, DACL, SACL and the four (UN)PROTECTED. */
#define NTSEC_WFP_SI_SUPPORTED 0xF000000Fu

/* Every Set/Get security function, by the kind table (wfp_kinds.h): a kind
** with NTSEC_WFP_OP_SECURITY_KEY (<api>SetSecurityInfoByKey0) targets the
** object with key, or its container when key is NULL or GUID_NULL; a kind
** with NTSEC_WFP_OP_SECURITY (<api>SetSecurityInfo0: connections, ALE
** endpoints, the engine root NTSEC_WFP_ROOT) targets its container and
** ignores key. Other kinds: STATUS_INVALID_PARAMETER. Errors and order:
** above. The Windows-named functions below are these with the kind fixed. */
NTSTATUS ntsec_wfp_set_security(ntsec_wfp_engine *e, ntsec_wfp_handle h, ntsec_wfp_kind kind,
                                const ntsec_guid *key, SECURITY_INFORMATION si,
                                const uint8_t *owner, const uint8_t *group,
                                const uint8_t *dacl, const uint8_t *sacl);
NTSTATUS ntsec_wfp_get_security(ntsec_wfp_engine *e, ntsec_wfp_handle h, ntsec_wfp_kind kind,
                                const ntsec_guid *key, SECURITY_INFORMATION si, ntsec_sd **out);

/* What an engine observer sees of every finished Set/Get security call
** (every path goes through ntsec_wfp_set_security / ntsec_wfp_get_security,
** so none escapes it). Pointers are valid during the callback only. */
typedef struct ntsec_wfp_security_event {
    int set;                      /* 1: a Set call, 0: a Get call */
    ntsec_wfp_kind kind;          /* the kind table row of the function called */
    const ntsec_guid *key;        /* the key given (NULL: none; keyed kinds: the container) */
    SECURITY_INFORMATION si;
    ntsec_wfp_handle session;     /* the caller's session (0: the handle was invalid) */
    int kernel_mode;              /* the caller's mode */
    NTSTATUS status;              /* what the call returns */
    const ntsec_sd *before;       /* the target's descriptor before the call, NULL when the
                                     call failed before the target was resolved */
    const ntsec_sd *after;        /* and after it (NULL likewise) */
} ntsec_wfp_security_event;
typedef void (*ntsec_wfp_security_observer)(void *ctx, const ntsec_wfp_security_event *ev);

/* Install (cb non-NULL) or remove (NULL) the engine's one security observer.
** It runs after each Set/Get, synchronously; it may call into the engine. */
void ntsec_wfp_engine_set_observer(ntsec_wfp_engine *e, ntsec_wfp_security_observer cb, void *ctx);

/* Fwpm{Provider,SubLayer,Layer,Callout,Filter}SetSecurityInfoByKey0 /
** GetSecurityInfoByKey0 (2.7 table): key NULL or GUID_NULL: the kind's
** container; unknown key: the kind's not-found status
** (STATUS_FWP_PROVIDER_NOT_FOUND, ...). A built-in layer or sublayer named
** in the SDK is found even before it was imported (docs/wfp.md).
** Other kinds: STATUS_INVALID_PARAMETER. A DACL change on a container
** re-inherits its objects' DACLs (the root's: every container's). */
NTSTATUS ntsec_wfp_object_set_security(ntsec_wfp_engine *e, ntsec_wfp_handle h, ntsec_wfp_kind kind,
                                       const ntsec_guid *key, SECURITY_INFORMATION si,
                                       const uint8_t *owner, const uint8_t *group,
                                       const uint8_t *dacl, const uint8_t *sacl);
NTSTATUS ntsec_wfp_object_get_security(ntsec_wfp_engine *e, ntsec_wfp_handle h, ntsec_wfp_kind kind,
                                       const ntsec_guid *key, SECURITY_INFORMATION si, ntsec_sd **out);

/* FwpmCalloutSetSecurityInfoByKey0 (seed 000). key NULL or GUID_NULL: the
** callouts container. */
NTSTATUS ntsec_wfp_callout_set_security(ntsec_wfp_engine *e, ntsec_wfp_handle h,
                                        const ntsec_guid *key, SECURITY_INFORMATION si,
                                        const uint8_t *owner, const uint8_t *group,
                                        const uint8_t *dacl, const uint8_t *sacl);
/* FwpmCalloutGetSecurityInfoByKey0. */
NTSTATUS ntsec_wfp_callout_get_security(ntsec_wfp_engine *e, ntsec_wfp_handle h,
                                        const ntsec_guid *key, SECURITY_INFORMATION si,
                                        ntsec_sd **out);

/* FwpmConnectionSetSecurityInfo0 (seed 001): the connections container. A
** dynamic session always gets STATUS_FWP_DYNAMIC_SESSION_IN_PROGRESS. */
NTSTATUS ntsec_wfp_connection_set_security(ntsec_wfp_engine *e, ntsec_wfp_handle h,
                                           SECURITY_INFORMATION si,
                                           const uint8_t *owner, const uint8_t *group,
                                           const uint8_t *dacl, const uint8_t *sacl);
NTSTATUS ntsec_wfp_connection_get_security(ntsec_wfp_engine *e, ntsec_wfp_handle h,
                                           SECURITY_INFORMATION si, ntsec_sd **out);

/* FwpsAleEndpointSetSecurityInfo0 (seed 002): the ALE endpoint container. The
** transaction and dynamic-session rules are applied as for the Fwpm functions
** (UNCONFIRMED, 2.6/2.7; docs/wfp.md). */
NTSTATUS ntsec_wfp_ale_set_security(ntsec_wfp_engine *e, ntsec_wfp_handle h,
                                    SECURITY_INFORMATION si,
                                    const uint8_t *owner, const uint8_t *group,
                                    const uint8_t *dacl, const uint8_t *sacl);
NTSTATUS ntsec_wfp_ale_get_security(ntsec_wfp_engine *e, ntsec_wfp_handle h,
                                    SECURITY_INFORMATION si, ntsec_sd **out);

/* FwpmEngineSetSecurityInfo0 / FwpmEngineGetSecurityInfo0: the engine root
** (SDKAPI-ESSI: not inside a transaction; dynamic sessions refused as for
** every object not added by them). */
NTSTATUS ntsec_wfp_engine_set_security(ntsec_wfp_engine *e, ntsec_wfp_handle h,
                                       SECURITY_INFORMATION si,
                                       const uint8_t *owner, const uint8_t *group,
                                       const uint8_t *dacl, const uint8_t *sacl);
NTSTATUS ntsec_wfp_engine_get_security(ntsec_wfp_engine *e, ntsec_wfp_handle h,
                                       SECURITY_INFORMATION si, ntsec_sd **out);

#endif
