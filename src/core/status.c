/*
** status.c: the error catalogue and the NTSTATUS/Win32/HRESULT mappings
** (wfp_ks_errors.md 5.1-5.6; sd_semantics.md A.1).
**
** The rows come from status.tsv through the generated status_codes.h; they
** are sorted by (kind, value) and the name index bytewise, so every lookup
** is a binary search over constant data.
*/
#include <string.h>

#include "status.h"

#define NTSEC_STATUS_TABLE
#include "status_codes.h"

/* Bits of the two layouts (wfp_ks_errors.md 5.1). */
#define NT_CUSTOMER_BIT      0x20000000u
#define NT_FACILITY_NT_BIT   0x10000000u
#define HR_FACILITY_WIN32    0x80070000u
#define HR_FACILITY_FWP      0x80320000u
#define NT_FACILITY_FWP      0xC0220000u

static int row_cmp(const ntsec_status_row *r, ntsec_code_kind kind, uint32_t value)
{
    if (r->info.kind != kind) return r->info.kind < kind ? -1 : 1;
    if (r->info.value != value) return r->info.value < value ? -1 : 1;
    return 0;
}

const ntsec_code_info *ntsec_code_lookup(ntsec_code_kind kind, uint32_t value)
{
    size_t lo = 0, hi = NTSEC_STATUS_COUNT;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = row_cmp(&ntsec_status_rows[mid], kind, value);
        if (c == 0) return &ntsec_status_rows[mid].info;
        if (c < 0) lo = mid + 1; else hi = mid;
    }
    return NULL;
}

const ntsec_code_info *ntsec_code_by_name(const char *name)
{
    size_t lo = 0, hi = NTSEC_STATUS_NAME_COUNT;
    if (name == NULL) return NULL;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(ntsec_status_names[mid].name, name);
        if (c == 0) return &ntsec_status_rows[ntsec_status_names[mid].row].info;
        if (c < 0) lo = mid + 1; else hi = mid;
    }
    return NULL;
}

size_t ntsec_code_count(void)
{
    return NTSEC_STATUS_COUNT;
}

const ntsec_code_info *ntsec_code_at(size_t i)
{
    return i < NTSEC_STATUS_COUNT ? &ntsec_status_rows[i].info : NULL;
}

const char *ntsec_status_name(NTSTATUS s)
{
    const ntsec_code_info *c = ntsec_code_lookup(NTSEC_CODE_NTSTATUS, s);
    return c ? c->name : "UNKNOWN_STATUS";
}

/* The STATUS_FWP_* codes that have an FWP_E_* twin (5.2, 5.4). */
static int is_fwp_twinned(NTSTATUS s)
{
    uint32_t code = s & 0xFFFFu;
    if ((s & 0xFFFF0000u) != NT_FACILITY_FWP) return 0;
    return (code >= 0x001u && code <= 0x044u) || code == 0x104u;
}

/* Facilities whose low word is already a Win32 error (5.1, Wine's rule). */
static int wraps_win32(NTSTATUS s)
{
    uint32_t hi = s & 0xFFFF0000u;
    return hi == 0xC0010000u || hi == 0x80070000u || hi == 0xC0070000u;
}

/* Row mapping of an NTSTATUS (the generated table); the row pointer is
** the info member, the first member of its ntsec_status_row. */
static uint32_t table_win32(NTSTATUS s)
{
    const ntsec_code_info *c = ntsec_code_lookup(NTSEC_CODE_NTSTATUS, s);
    if (c == NULL) return ERROR_MR_MID_NOT_FOUND;
    return ((const ntsec_status_row *)(const void *)c)->win32;
}

uint32_t ntsec_nt_to_win32(NTSTATUS s)
{
    if (s == 0 || (s & NT_CUSTOMER_BIT)) return s;
    if ((s & 0xF0000000u) == 0xD0000000u) s &= ~NT_FACILITY_NT_BIT;
    if (wraps_win32(s)) return s & 0xFFFFu;
    if (is_fwp_twinned(s)) return HR_FACILITY_FWP | (s & 0xFFFFu);
    return table_win32(s);
}

uint32_t ntsec_hresult_from_win32(uint32_t w)
{
    /* (HRESULT)w <= 0: zero, or already a failure HRESULT. */
    if (w == 0 || (w & 0x80000000u)) return w;
    return HR_FACILITY_WIN32 | (w & 0xFFFFu);
}

uint32_t ntsec_hresult_from_nt(NTSTATUS s)
{
    return s | NT_FACILITY_NT_BIT;
}

/* ---- semantics of a code: facility, severity, views (docs/errors.md) ---- */

uint32_t ntsec_nt_to_hresult(NTSTATUS s)
{
    uint32_t w = ntsec_nt_to_win32(s);
    if (s == 0) return 0;
    if ((s & 0xFFFF0000u) == NT_FACILITY_FWP && (w & 0xFFFF0000u) == HR_FACILITY_FWP) return w;
    return ntsec_hresult_from_nt(s);
}

ntsec_code_kind ntsec_from_hresult(uint32_t hr, uint32_t *code)
{
    uint32_t hi = hr & 0xFFFF0000u;
    *code = hr;
    if (hr == 0) return NTSEC_CODE_WIN32;
    if (hi == HR_FACILITY_WIN32) { *code = hr & 0xFFFFu; return NTSEC_CODE_WIN32; }
    if (hi == HR_FACILITY_FWP) { *code = NT_FACILITY_FWP | (hr & 0xFFFFu); return NTSEC_CODE_NTSTATUS; }
    if (hr & NT_FACILITY_NT_BIT) { *code = hr & ~NT_FACILITY_NT_BIT; return NTSEC_CODE_NTSTATUS; }
    return NTSEC_CODE_HRESULT;
}

ntsec_code_kind ntsec_code_guess_kind(uint32_t v)
{
    uint32_t top = v >> 28;
    if (v <= 0xFFFFu) return NTSEC_CODE_WIN32;
    if (top >= 0x8u && top <= 0xBu) return NTSEC_CODE_HRESULT;
    return NTSEC_CODE_NTSTATUS;
}

const ntsec_code_info *ntsec_code_find(ntsec_code_kind kind, uint32_t v)
{
    const ntsec_code_info *c;
    if (kind) return ntsec_code_lookup(kind, v);
    if ((c = ntsec_code_lookup(NTSEC_CODE_NTSTATUS, v))) return c;
    if ((c = ntsec_code_lookup(NTSEC_CODE_HRESULT, v))) return c;
    return ntsec_code_lookup(NTSEC_CODE_WIN32, v);
}

ntsec_code_kind ntsec_code_kind_of(uint32_t v, ntsec_code_kind kind)
{
    const ntsec_code_info *c;
    if (kind == NTSEC_CODE_USER) return v <= 0xFFFFu ? NTSEC_CODE_WIN32 : NTSEC_CODE_HRESULT;
    if (kind) return kind;
    c = ntsec_code_find((ntsec_code_kind)0, v);
    return c ? c->kind : ntsec_code_guess_kind(v);
}

/* The facility names of status.tsv, by kind and facility number. */
typedef struct facility_name { ntsec_code_kind kind; uint32_t number; const char *name; } facility_name;

static const facility_name FACILITIES[] = {
    { NTSEC_CODE_NTSTATUS, 0x0, "NULL" },
    { NTSEC_CODE_NTSTATUS, 0x2, "RPC_RUNTIME" },
    { NTSEC_CODE_NTSTATUS, 0x3, "RPC_STUBS" },
    { NTSEC_CODE_NTSTATUS, 0x7, "NTWIN32" },
    { NTSEC_CODE_NTSTATUS, 0x22, "FWP_ERROR_CODE" },
    { NTSEC_CODE_HRESULT, 0x0, "NULL" },
    { NTSEC_CODE_HRESULT, 0x1, "RPC" },
    { NTSEC_CODE_HRESULT, 0x7, "WIN32" },
    { NTSEC_CODE_HRESULT, 0x32, "FWP" },
};

uint32_t ntsec_code_facility(const ntsec_code_info *c)
{
    if (c->kind == NTSEC_CODE_NTSTATUS) return (c->value >> 16) & 0xFFFu;
    if (c->kind == NTSEC_CODE_HRESULT) return (c->value >> 16) & 0x7FFu;
    return 7; /* Win32 codes live in FACILITY_WIN32 once wrapped */
}

const char *ntsec_code_facility_name(const ntsec_code_info *c)
{
    size_t i;
    uint32_t f = ntsec_code_facility(c);
    if (c->kind == NTSEC_CODE_WIN32) return "WIN32";
    for (i = 0; i < sizeof FACILITIES / sizeof FACILITIES[0]; i++)
        if (FACILITIES[i].kind == c->kind && FACILITIES[i].number == f) return FACILITIES[i].name;
    return "UNKNOWN";
}

const char *ntsec_code_severity(const ntsec_code_info *c)
{
    static const char *const nt[] = { "SUCCESS", "INFORMATIONAL", "WARNING", "ERROR" };
    if (c->kind == NTSEC_CODE_NTSTATUS) return nt[c->value >> 30];
    if (c->kind == NTSEC_CODE_HRESULT) return (c->value & 0x80000000u) ? "ERROR" : "SUCCESS";
    return c->value == 0 ? "SUCCESS" : "ERROR";
}

int ntsec_code_win32(const ntsec_code_info *c, uint32_t *out)
{
    uint32_t v = c->value;
    if (c->kind == NTSEC_CODE_NTSTATUS) v = ntsec_nt_to_win32(v);
    else if (c->kind == NTSEC_CODE_HRESULT) {
        if ((v & 0xFFFF0000u) == HR_FACILITY_WIN32) v &= 0xFFFFu;
        else if (v != 0 && (v & 0xFFFF0000u) != HR_FACILITY_FWP) return 0;
    }
    *out = v;
    return 1;
}

uint32_t ntsec_code_hresult(const ntsec_code_info *c)
{
    if (c->kind == NTSEC_CODE_NTSTATUS) return ntsec_nt_to_hresult(c->value);
    if (c->kind == NTSEC_CODE_WIN32) return ntsec_hresult_from_win32(c->value);
    return c->value;
}

/* The views of an HRESULT: its NTSTATUS and Win32 readings, when any. */
static void hresult_views(uint32_t v, ntsec_code_views *o)
{
    uint32_t code;
    ntsec_code_kind k = ntsec_from_hresult(v, &code);
    o->hresult = v;
    if (k == NTSEC_CODE_NTSTATUS) {
        o->has_ntstatus = o->has_win32 = 1;
        o->ntstatus = code;
        o->win32 = (v & 0xFFFF0000u) == HR_FACILITY_FWP ? v : ntsec_nt_to_win32(code);
    } else if (k == NTSEC_CODE_WIN32) {
        o->has_win32 = 1;
        o->win32 = code;
    }
}

void ntsec_code_describe(uint32_t v, ntsec_code_kind kind, ntsec_code_views *o)
{
    static const char *const unknown[] = { "UNKNOWN_STATUS", "UNKNOWN_ERROR", "UNKNOWN_HRESULT" };
    const ntsec_code_info *c;
    memset(o, 0, sizeof *o);
    o->code = v;
    o->kind = ntsec_code_kind_of(v, kind);
    c = ntsec_code_lookup(o->kind, v);
    o->name = c ? c->name : unknown[o->kind - 1];
    o->message = c ? c->message : "no catalogue entry for this code";
    if (o->kind == NTSEC_CODE_NTSTATUS) {
        o->has_ntstatus = o->has_win32 = 1;
        o->ntstatus = v;
        o->win32 = ntsec_nt_to_win32(v);
        o->hresult = ntsec_nt_to_hresult(v);
    } else if (o->kind == NTSEC_CODE_WIN32) {
        o->has_win32 = 1;
        o->win32 = v;
        o->hresult = ntsec_hresult_from_win32(v);
    } else {
        hresult_views(v, o);
    }
}
