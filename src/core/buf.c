/*
** buf.c: the growable output buffer of buf.h.
**
** Growth doubles the capacity so a whole descriptor or SDDL string costs a
** handful of allocations. After the first failed allocation the buffer is
** poisoned (oom) and every later write is a no-op, so callers check
** ntsec_buf_status once at the end instead of after every write.
*/
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "status.h"

#define NTSEC_BUF_MIN_CAP 64u

void ntsec_buf_init(ntsec_buf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->oom = 0;
    b->borrowed = 0;
}

void ntsec_buf_init_on(ntsec_buf *b, uint8_t *storage, size_t cap)
{
    ntsec_buf_init(b);
    b->data = storage;
    b->cap = cap;
    b->borrowed = 1;
}

void ntsec_buf_free(ntsec_buf *b)
{
    if (!b->borrowed) free(b->data);
    ntsec_buf_init(b);
}

/* New storage of cap bytes holding the current content. */
static uint8_t *regrow(ntsec_buf *b, size_t cap)
{
    uint8_t *p;
    if (!b->borrowed) return realloc(b->data, cap);
    p = malloc(cap);
    if (p && b->len) memcpy(p, b->data, b->len);
    if (p) b->borrowed = 0;
    return p;
}

/* Smallest doubling of the current capacity that holds need bytes, or 0 on
** size_t overflow. */
static size_t grown_capacity(size_t cap, size_t need)
{
    size_t c = cap ? cap : NTSEC_BUF_MIN_CAP;
    while (c < need) {
        if (c > ((size_t)-1) / 2) return need;
        c *= 2;
    }
    return c;
}

uint8_t *ntsec_buf_reserve(ntsec_buf *b, size_t n)
{
    if (b->oom) return NULL;
    if (n > ((size_t)-1) - b->len) { b->oom = 1; return NULL; }
    if (b->len + n > b->cap) {
        size_t cap = grown_capacity(b->cap, b->len + n);
        uint8_t *p = regrow(b, cap);
        if (!p) { b->oom = 1; return NULL; }
        b->data = p;
        b->cap = cap;
    }
    {
        uint8_t *at = b->data + b->len;
        b->len += n;
        return at;
    }
}

void ntsec_buf_put(ntsec_buf *b, const void *p, size_t n)
{
    uint8_t *dst;
    if (n == 0) return;
    dst = ntsec_buf_reserve(b, n);
    if (dst) memcpy(dst, p, n);
}

void ntsec_buf_puts(ntsec_buf *b, const char *s)
{
    ntsec_buf_put(b, s, strlen(s));
}

void ntsec_buf_putc(ntsec_buf *b, uint8_t c)
{
    if (!b->oom && b->len < b->cap) { b->data[b->len++] = c; return; }
    ntsec_buf_put(b, &c, 1);
}

void ntsec_buf_put_u16(ntsec_buf *b, uint16_t v)
{
    uint8_t *dst = ntsec_buf_reserve(b, 2);
    if (dst) ntsec_wr16(dst, v);
}

void ntsec_buf_put_u32(ntsec_buf *b, uint32_t v)
{
    uint8_t *dst = ntsec_buf_reserve(b, 4);
    if (dst) ntsec_wr32(dst, v);
}

NTSTATUS ntsec_buf_status(const ntsec_buf *b)
{
    return b->oom ? STATUS_NO_MEMORY : STATUS_SUCCESS;
}
