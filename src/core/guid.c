/*
** guid.c: GUID text form <-> wire order (Data1..3 little-endian, Data4 as is).
*/
#include <string.h>

#include "guid.h"

/* Hex digit value + 1 by character, 0 for anything else: one load per digit
** (this sits on the SDDL parse hot path). */
static const uint8_t hex_plus1[256] = {
    ['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7, ['7'] = 8,
    ['8'] = 9, ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15,
    ['f'] = 16, ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

/* Digit value, or a value > 15 for a non-digit. */
static unsigned hexval(char c)
{
    return (unsigned)hex_plus1[(unsigned char)c] - 1u;
}

/* Text position of each wire byte: Data1 and Data2/3 are byte-reversed. */
static const unsigned char text_pos[16] = {6, 4, 2, 0, 11, 9, 16, 14, 19, 21, 24, 26, 28, 30, 32, 34};

int ntsec_guid_parse36(const char *s, ntsec_guid *g)
{
    int i;
    if (s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-') return 0;
    for (i = 0; i < 16; i++) {
        unsigned hi = hexval(s[text_pos[i]]), lo = hexval(s[text_pos[i] + 1]);
        if ((hi | lo) > 15) return 0;
        g->b[i] = (uint8_t)(hi << 4 | lo);
    }
    return 1;
}

int ntsec_guid_parse(const char *s, size_t len, ntsec_guid *g)
{
    if (len == 38 && s[0] == '{' && s[37] == '}') return ntsec_guid_parse36(s + 1, g);
    return len == 36 && ntsec_guid_parse36(s, g);
}

void ntsec_guid_format(const ntsec_guid *g, char out[37])
{
    static const char digits[] = "0123456789abcdef";
    int i;
    memset(out, '-', 36);
    for (i = 0; i < 16; i++) {
        out[text_pos[i]] = digits[g->b[i] >> 4];
        out[text_pos[i] + 1] = digits[g->b[i] & 15];
    }
    out[36] = '\0';
}

int ntsec_guid_is_null(const ntsec_guid *g)
{
    static const ntsec_guid zero;
    return memcmp(g->b, zero.b, 16) == 0;
}
