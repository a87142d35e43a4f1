/*
** cond_internal.h: operands and values of the condition evaluator
** (cond_value.c, cond_eval.c; not public).
*/
#ifndef NTSEC_COND_INTERNAL_H
#define NTSEC_COND_INTERNAL_H

#include "cond.h"

/* Byte codes ([MS-DTYP] 2.4.4.17.5-8; sd_semantics.md 2.11). */
enum {
    CT_INT8 = 0x01, CT_INT64 = 0x04, CT_STRING = 0x10, CT_OCTETS = 0x18,
    CT_COMPOSITE = 0x50, CT_SID = 0x51,
    CT_LOCAL = 0xF8, CT_USER = 0xF9, CT_RESOURCE = 0xFA, CT_DEVICE = 0xFB
};

/* What a stack entry holds. */
enum { OP_RESULT = 1, OP_LITERAL, OP_ATTR };

typedef struct cond_operand {
    int kind;                 /* OP_* */
    int result;               /* OP_RESULT: NTSEC_COND_TRUE/FALSE/UNKNOWN */
    const uint8_t *tok;       /* OP_LITERAL: the token (type byte first) */
    uint32_t size;            /* its size */
    uint8_t source;           /* OP_ATTR: CT_LOCAL .. CT_DEVICE */
    const uint8_t *claim;     /* OP_ATTR: CLAIM_SECURITY_ATTRIBUTE_RELATIVE_V1, NULL = absent */
    size_t claim_len;
} cond_operand;

/* A single value, normalised for comparison. */
enum { VC_INT = 1, VC_BOOL, VC_STRING, VC_OCTETS, VC_SID };

typedef struct cond_value {
    int cls;                  /* VC_* */
    int neg;                  /* VC_INT/VC_BOOL: negative */
    uint64_t mag;             /* magnitude */
    const uint8_t *p;         /* string (UTF-16LE, no NUL), octets, SID */
    size_t n;                 /* bytes */
} cond_value;

/* Size of the token at p (avail bytes), 0 when malformed. */
uint32_t cond_token_size(const uint8_t *p, size_t avail);

/* Number of values of a literal or attribute operand; -1 when malformed. */
long cond_count(const cond_operand *o);
/* The i-th value; 0 when malformed. */
int cond_value_at(const cond_operand *o, long i, cond_value *v);
/* 1 when string comparisons with this operand are case-sensitive. */
int cond_case_sensitive(const cond_operand *o);

/* Windows' upper case of one UTF-16 code unit (cond_fold.c). */
unsigned cond_upcase(unsigned u);

/* Compare two values: *order <0, 0, >0. Returns 0 for a type error
** (different classes - a boolean and an integer too; booleans and SIDs
** only compare for equality, when equality_only is set). */
int cond_compare(const cond_value *a, const cond_value *b, int ci, int equality_only, int *order);

/* The claim named by an attribute token (UTF-16LE name, nbytes) from the
** token or the SACL; NULL when absent. *bad = 1 for a malformed RA blob. */
const uint8_t *cond_lookup(const ntsec_cond_env *env, uint8_t source, const uint8_t *name,
                           size_t nbytes, size_t *len, int *bad);

#endif
