/*
** guid.c: GUID text form <-> wire order (Data1..3 little-endian, Data4 as is).
*/
#include <string.h>

#include "guid.h"

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Text position of each wire byte: Data1 and Data2/3 are byte-reversed. */
static const unsigned char text_pos[16] = {6, 4, 2, 0, 11, 9, 16, 14, 19, 21, 24, 26, 28, 30, 32, 34};

int ntsec_guid_parse36(const char *s, ntsec_guid *g)
{
    int i;
    if (s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-') return 0;
    for (i = 0; i < 16; i++) {
        int hi = hexval(s[text_pos[i]]), lo = hexval(s[text_pos[i] + 1]);
        if (hi < 0 || lo < 0) return 0;
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
