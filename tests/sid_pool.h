/*
** sid_pool.h: SIDs from their string form for tests that build tokens and
** conditions (wfp_classify_test.c, wfp_cond_test.c).
*/
#ifndef NTSEC_TEST_SID_POOL_H
#define NTSEC_TEST_SID_POOL_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sid.h"
#include "status.h"

/* The binary SID of s (string form, "S-1-5-32-544"), in one of a ring
** of 32 static buffers: valid until 32 more calls. Aborts on a bad string
** (a mistake in the test itself). */
static inline const uint8_t *sid(const char *s)
{
    static uint8_t pool[32][68];
    static int next;
    uint8_t *out = pool[next++ % 32];
    if (ntsec_sid_from_string(s, strlen(s), NULL, out) != STATUS_SUCCESS) abort();
    return out;
}

#endif
