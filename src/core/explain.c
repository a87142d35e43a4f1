/*
** explain.c: recording an access check's trace (ntsec.explain) and the
** names of trace kinds and reasons.
**
** The check itself emits events through ntsec_trace_sink (access.h); this
** file only collects them, copying each ACE's bytes so the explanation
** outlives the descriptor.
*/
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "buf.h"
#include "status.h"

typedef struct recorder {
    ntsec_trace_event *events;
    size_t count, cap;
    ntsec_buf aces;           /* copied ACE bytes; offsets kept in events[i].ace */
    int oom;
} recorder;

static int grow(recorder *r)
{
    size_t ncap;
    ntsec_trace_event *p;
    if (r->count < r->cap) return 1;
    ncap = r->cap ? r->cap * 2 : 32;
    p = realloc(r->events, ncap * sizeof *p);
    if (!p) return 0;
    r->events = p;
    r->cap = ncap;
    return 1;
}

/* ACE bytes go into one buffer; until the end, events hold offset + 1 in
** the ace pointer's place (0 = none) and the SID as an offset too. */
static void record(void *ctx, const ntsec_trace_event *ev)
{
    recorder *r = ctx;
    ntsec_trace_event *e;
    if (r->oom || !grow(r)) {
        r->oom = 1;
        return;
    }
    e = &r->events[r->count++];
    *e = *ev;
    e->ace = NULL;
    e->sid = NULL;
    if (ev->ace) {
        size_t at = r->aces.len;
        ntsec_buf_put(&r->aces, ev->ace, ntsec_rd16(ev->ace + 2));
        e->ace = (const uint8_t *)(uintptr_t)(at + 1);
    }
    if (ev->sid) {
        size_t at = r->aces.len;
        ntsec_buf_put(&r->aces, ev->sid, 8u + 4u * ev->sid[1]);
        e->sid = (const uint8_t *)(uintptr_t)(at + 1);
    }
}

/* Turn the stored offsets into pointers into the final buffer. */
static void fix_pointers(recorder *r)
{
    size_t i;
    for (i = 0; i < r->count; i++) {
        ntsec_trace_event *e = &r->events[i];
        if (e->ace) e->ace = r->aces.data + ((uintptr_t)e->ace - 1);
        if (e->sid) e->sid = r->aces.data + ((uintptr_t)e->sid - 1);
    }
}

NTSTATUS ntsec_explain(const ntsec_sd *sd, const ntsec_token *token, ACCESS_MASK desired,
                       const ntsec_generic_mapping *mapping, const ntsec_access_opts *opts,
                       ntsec_explanation *out)
{
    recorder r;
    ntsec_trace_sink sink;
    ntsec_access_opts o;
    memset(&r, 0, sizeof r);
    ntsec_buf_init(&r.aces);
    if (opts) o = *opts;
    else memset(&o, 0, sizeof o);
    sink.emit = record;
    sink.ctx = &r;
    o.trace = &sink;
    memset(out, 0, sizeof *out);
    out->call_status = ntsec_access_check(sd, token, desired, mapping, &o, &out->result);
    if (r.oom || r.aces.oom) {
        free(r.events);
        ntsec_buf_free(&r.aces);
        memset(out, 0, sizeof *out);
        return STATUS_NO_MEMORY;
    }
    fix_pointers(&r);
    out->events = r.events;
    out->count = r.count;
    out->aces_storage_ = r.aces.data;
    return STATUS_SUCCESS;
}

void ntsec_explanation_free(ntsec_explanation *e)
{
    if (!e) return;
    free(e->events);
    free(e->aces_storage_);
    memset(e, 0, sizeof *e);
}

const char *ntsec_trace_kind_name(ntsec_trace_kind k)
{
    static const char *const names[] = {
        "?", "start", "integrity", "privilege", "pass", "owner", "ace", "pass_end", "result"
    };
    return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "?";
}

const char *ntsec_trace_reason_name(ntsec_trace_reason r)
{
    static const char *const names[] = {
        "applied", "no_effect", "inherit_only", "ignored_type", "sid_absent", "sid_deny_only",
        "sid_disabled", "not_owner", "condition", "object_type", "zero_mask", "not_reached",
        "missing", "owner_rights_ace", "dacl_absent", "dacl_null", "dacl_empty", "dacl_present",
        "nothing_left", "label_default", "label", "policy_off"
    };
    return (unsigned)r < sizeof names / sizeof names[0] ? names[r] : "?";
}
