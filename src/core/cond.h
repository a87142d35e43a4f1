/*
** cond.h: evaluation of conditional ACE expressions ([MS-DTYP] 2.4.4.17,
** 2.5.3.1.5-2.5.3.1.7; sd_semantics.md 2.11, 3.7): the "artx" byte code of
** a callback ACE, read in place, against a token's claims and groups and a
** SACL's resource attributes, with three-valued logic.
*/
#ifndef NTSEC_COND_H
#define NTSEC_COND_H

#include "ntsec_types.h"
#include "access.h"
#include "token.h"

typedef struct ntsec_cond_env {
    const ntsec_token *token;   /* claims, groups, device groups */
    const uint8_t *sacl;        /* SACL with RA ACEs (@Resource.), or NULL */
    int for_deny;               /* a deny ACE: Member_of also matches deny-only SIDs */
    int restricted;             /* restricted pass: Member_of reads the restricting SIDs */
} ntsec_cond_env;

/* Evaluate callback application data (len bytes, "artx" first).
** Returns NTSEC_COND_TRUE, NTSEC_COND_FALSE, NTSEC_COND_UNKNOWN (an
** attribute missing, UNKNOWN operands) or NTSEC_COND_ERROR (no "artx",
** malformed byte code, a type error: the whole expression is UNKNOWN,
** [MS-DTYP] 2.4.4.17.6). Never allocates; nesting deeper than 64 operands
** on the stack is an error. */
int ntsec_cond_evaluate(const uint8_t *data, size_t len, const ntsec_cond_env *env);

/* The upper case conditions compare strings with (Windows' table, Unicode
** <= 6.0 simple mappings of the BMP; cond_fold.c): one UTF-16 code unit in,
** one out. */
unsigned ntsec_cond_upcase(unsigned u);

#endif
