/*
** buf.h: a growable byte buffer, the one output buffer of the codecs.
** Used by the SDDL formatter and the ACL/descriptor builders so that a
** whole operation does at most a handful of allocations.
*/
#ifndef NTSEC_BUF_H
#define NTSEC_BUF_H

#include "ntsec_types.h"

typedef struct ntsec_buf {
    uint8_t *data;   /* owned (or the caller's storage while borrowed); NULL until the first write */
    size_t len;      /* bytes in use */
    size_t cap;      /* bytes allocated */
    int oom;         /* set once an allocation failed; later writes are ignored */
    int borrowed;    /* data is the caller's storage (ntsec_buf_init_on), not freed */
} ntsec_buf;

/* Initialise an empty buffer (no allocation). */
void ntsec_buf_init(ntsec_buf *b);
/* Initialise an empty buffer that writes into the caller's storage[0..cap)
** first and moves to the heap only when that is full: a hot path with
** small output then allocates nothing. storage must outlive the buffer's
** use; ntsec_buf_free never frees it. */
void ntsec_buf_init_on(ntsec_buf *b, uint8_t *storage, size_t cap);
/* Release the storage; the buffer is empty and reusable afterwards. */
void ntsec_buf_free(ntsec_buf *b);
/* Make room for n more bytes; returns a pointer to them or NULL (oom set). */
uint8_t *ntsec_buf_reserve(ntsec_buf *b, size_t n);
/* Append n bytes. */
void ntsec_buf_put(ntsec_buf *b, const void *p, size_t n);
/* Append a NUL-terminated string (without its NUL). */
void ntsec_buf_puts(ntsec_buf *b, const char *s);
/* Append one byte. */
void ntsec_buf_putc(ntsec_buf *b, uint8_t c);
/* Append little-endian integers. */
void ntsec_buf_put_u16(ntsec_buf *b, uint16_t v);
void ntsec_buf_put_u32(ntsec_buf *b, uint32_t v);
/* STATUS_NO_MEMORY if any write failed, else STATUS_SUCCESS. */
NTSTATUS ntsec_buf_status(const ntsec_buf *b);

/* Little-endian readers for unaligned wire data. */
static inline uint16_t ntsec_rd16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static inline uint32_t ntsec_rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static inline void ntsec_wr16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static inline void ntsec_wr32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

#endif
