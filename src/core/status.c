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
