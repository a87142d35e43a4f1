/*
** sid.c: binary SID checks (sd_semantics.md 1.1, 1.8). The string forms of
** sid.h live in sid_string.c.
*/
#include <string.h>

#include "sid.h"
#include "secdefs.h"

int ntsec_sid_valid(const uint8_t *sid, size_t avail)
{
    if (!sid || avail < 8) return 0;
    if (sid[0] != SID_REVISION || sid[1] > SID_MAX_SUB_AUTHORITIES) return 0;
    return ntsec_sid_len(sid) <= avail;
}

int ntsec_sid_equal(const uint8_t *a, const uint8_t *b)
{
    return a[1] == b[1] && memcmp(a, b, ntsec_sid_len(a)) == 0;
}
