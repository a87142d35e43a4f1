/*
** wfp_ale.c: ALE endpoints and connection objects (wfp_ks_errors.md 2.5,
** 2.6): get-by-id, snapshot enumerations, the connection test helper.
*/
#include <arpa/inet.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "wfp_internal.h"
#include "secdefs.h"
#include "status.h"

NTSTATUS ntsec_wfp_addr_parse(const char *text, uint32_t ip_version, ntsec_wfp_addr *a)
{
    size_t n = text ? strlen(text) : 0;
    memset(a, 0, sizeof *a);
    if (n == 0) return STATUS_SUCCESS;
    if (n >= sizeof a->text) return STATUS_INVALID_PARAMETER;
    memcpy(a->text, text, n + 1);
    if (ip_version == NTSEC_FWP_IP_VERSION_V6)
        return inet_pton(AF_INET6, text, a->bin) == 1 ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
    return inet_pton(AF_INET, text, a->bin) == 1 ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
}

/* EMULATOR CHOICE: objects without descriptors are checked against their
** container (ENUM to enumerate, READ per object, wfp_ale.h). */
static NTSTATUS container_access(const ntsec_wfp_engine *e, const wfp_session *s,
                                 ntsec_wfp_container c, ACCESS_MASK want)
{
    return wfp_session_access(s, e->containers[c], want);
}

/* Session, the read lock, READ on the container, then the object by id. */
static NTSTATUS get_by_id(ntsec_wfp_engine *e, ntsec_wfp_handle h, ntsec_wfp_kind kind, uint64_t id,
                          wfp_obj **out)
{
    wfp_session *s;
    wfp_call call;
    NTSTATUS st = wfp_session_enter(e, h, &s);
    if (NT_SUCCESS(st)) st = wfp_call_begin(e, s, WFP_OP_READ, &call);
    if (NT_SUCCESS(st)) st = container_access(e, s, wfp_container_of(kind), FWPM_ACTRL_READ);
    if (!NT_SUCCESS(st)) return st;
    *out = wfp_table_by_id(&e->tables[kind], id);
    return *out ? STATUS_SUCCESS : STATUS_FWP_NOT_FOUND;
}

NTSTATUS ntsec_wfp_ale_get_by_id(ntsec_wfp_engine *e, ntsec_wfp_handle h, uint64_t id,
                                 const ntsec_wfp_endpoint **out)
{
    wfp_obj *o;
    NTSTATUS st = get_by_id(e, h, NTSEC_WFP_ENDPOINT, id, &o);
    if (NT_SUCCESS(st)) *out = &((wfp_endpoint_obj *)o)->ep;
    return st;
}

NTSTATUS ntsec_wfp_connection_get_by_id(ntsec_wfp_engine *e, ntsec_wfp_handle h, uint64_t id,
                                        const ntsec_wfp_connection **out)
{
    wfp_obj *o;
    NTSTATUS st = get_by_id(e, h, NTSEC_WFP_CONNECTION, id, &o);
    if (NT_SUCCESS(st)) *out = &((wfp_connection_obj *)o)->c;
    return st;
}

/* Enumeration preamble: session, read lock, ENUM on the container; *readable
** tells whether the objects (checked against the container) may be listed,
** and *arr has room for all of them. */
static NTSTATUS enum_begin(ntsec_wfp_engine *e, ntsec_wfp_handle h, ntsec_wfp_kind kind,
                           size_t elem, void **arr, int *readable)
{
    ntsec_wfp_container c = wfp_container_of(kind);
    wfp_session *s;
    wfp_call call;
    NTSTATUS st = wfp_session_enter(e, h, &s);
    if (NT_SUCCESS(st)) st = wfp_call_begin(e, s, WFP_OP_READ, &call);
    if (NT_SUCCESS(st)) st = container_access(e, s, c, FWPM_ACTRL_ENUM);
    if (!NT_SUCCESS(st)) return st;
    *readable = NT_SUCCESS(container_access(e, s, c, FWPM_ACTRL_READ));
    *arr = malloc((e->tables[kind].live ? e->tables[kind].live : 1) * elem);
    return *arr ? STATUS_SUCCESS : STATUS_NO_MEMORY;
}

/* One-call snapshot of kind: pointers to the public struct at offset field
** of each stored object. */
static NTSTATUS snapshot(ntsec_wfp_engine *e, ntsec_wfp_handle h, ntsec_wfp_kind kind, size_t field,
                         const void ***out, size_t *count)
{
    const void **arr;
    void *mem;
    size_t cur = 0, n = 0;
    wfp_obj *o;
    int readable;
    NTSTATUS st = enum_begin(e, h, kind, sizeof *arr, &mem, &readable);
    if (!NT_SUCCESS(st)) return st;
    arr = mem;
    while (readable && (o = wfp_table_next(&e->tables[kind], &cur)) != NULL)
        arr[n++] = (const char *)o + field;
    *out = arr;
    *count = n;
    return STATUS_SUCCESS;
}

NTSTATUS ntsec_wfp_ale_enum(ntsec_wfp_engine *e, ntsec_wfp_handle h,
                            const ntsec_wfp_endpoint ***out, size_t *count)
{
    return snapshot(e, h, NTSEC_WFP_ENDPOINT, offsetof(wfp_endpoint_obj, ep), (const void ***)out, count);
}

NTSTATUS ntsec_wfp_connection_enum(ntsec_wfp_engine *e, ntsec_wfp_handle h,
                                   const ntsec_wfp_connection ***out, size_t *count)
{
    return snapshot(e, h, NTSEC_WFP_CONNECTION, offsetof(wfp_connection_obj, c), (const void ***)out, count);
}

NTSTATUS ntsec_wfp_connection_add(ntsec_wfp_engine *e, ntsec_wfp_handle h,
                                  const ntsec_wfp_connection *c)
{
    wfp_connection_obj *o;
    wfp_session *s;
    NTSTATUS st = wfp_session_enter(e, h, &s);
    if (!NT_SUCCESS(st)) return st;
    if (wfp_table_by_id(&e->tables[NTSEC_WFP_CONNECTION], c->id)) return STATUS_FWP_ALREADY_EXISTS;
    o = (wfp_connection_obj *)wfp_obj_alloc(NTSEC_WFP_CONNECTION);
    if (!o) return STATUS_NO_MEMORY;
    o->c = *c;
    o->h.id = c->id;
    o->h.lifetime = NTSEC_WFP_LIFE_STATIC;
    st = wfp_obj_insert(e, &o->h);
    if (!NT_SUCCESS(st)) {
        wfp_obj_free(&o->h);
        return st;
    }
    wfp_sub_notify(e, NTSEC_FWPM_CONNECTION_EVENT_ADD, c);
    return STATUS_SUCCESS;
}

NTSTATUS ntsec_wfp_connection_delete(ntsec_wfp_engine *e, ntsec_wfp_handle h, uint64_t id)
{
    ntsec_wfp_connection copy;
    wfp_session *s;
    wfp_obj *o;
    NTSTATUS st = wfp_session_enter(e, h, &s);
    if (!NT_SUCCESS(st)) return st;
    o = wfp_table_by_id(&e->tables[NTSEC_WFP_CONNECTION], id);
    if (!o) return STATUS_FWP_NOT_FOUND;
    copy = ((wfp_connection_obj *)o)->c;
    wfp_obj_unlink(e, o);
    wfp_obj_free(o);
    wfp_sub_notify(e, NTSEC_FWPM_CONNECTION_EVENT_DELETE, &copy);
    return STATUS_SUCCESS;
}
