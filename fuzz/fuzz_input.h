/*
** fuzz_input.h: reading a fuzz input as a stream of choices (the stateful
** harnesses: engine, ks, cond). Past the end every read gives 0, so any
** prefix of an input is itself a valid, shorter program.
*/
#ifndef NTSEC_FUZZ_INPUT_H
#define NTSEC_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifndef FUZZ_CHECK
#define FUZZ_CHECK(cond) do { if (!(cond)) abort(); } while (0)
#endif

typedef struct fuzz_in {
    const uint8_t *p;
    size_t len, at;
} fuzz_in;

static inline int fuzz_more(const fuzz_in *in) { return in->at < in->len; }

static inline uint8_t fuzz_u8(fuzz_in *in)
{
    return in->at < in->len ? in->p[in->at++] : 0;
}

static inline uint16_t fuzz_u16(fuzz_in *in)
{
    uint16_t lo = fuzz_u8(in);
    return (uint16_t)(lo | (uint16_t)fuzz_u8(in) << 8);
}

static inline uint32_t fuzz_u32(fuzz_in *in)
{
    uint32_t lo = fuzz_u16(in);
    return lo | (uint32_t)fuzz_u16(in) << 16;
}

/* A choice among n (n > 0). */
static inline unsigned fuzz_pick(fuzz_in *in, unsigned n) { return fuzz_u8(in) % n; }

/* Up to max bytes, their count read first; *n receives how many are left. */
static inline const uint8_t *fuzz_bytes(fuzz_in *in, size_t max, size_t *n)
{
    size_t want = fuzz_u16(in) % (max + 1), left = in->len - in->at;
    const uint8_t *p = in->p + in->at;
    *n = want < left ? want : left;
    in->at += *n;
    return p;
}

#endif
