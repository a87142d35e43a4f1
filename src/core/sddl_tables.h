/*
** sddl_tables.h: the fixed vocabularies of SDDL (sd_semantics.md 1.3-1.5,
** 2.4-2.7) as constant lookup tables. Internal to the SDDL code.
**
** Two-letter codes are looked up through a 26x26 table indexed by the
** upper-cased letters (sddl_key), so every lookup is one array access.
*/
#ifndef NTSEC_SDDL_TABLES_H
#define NTSEC_SDDL_TABLES_H

#include "ntsec_types.h"
#include "sid.h"

/* Index 0..675 of a two-letter code, case-insensitive; -1 when either
** character is not an ASCII letter. */
static inline int sddl_key(char a, char b)
{
    unsigned x = (unsigned)((unsigned char)a | 0x20) - 'a';
    unsigned y = (unsigned)((unsigned char)b | 0x20) - 'a';
    return (x < 26 && y < 26) ? (int)(x * 26 + y) : -1;
}

/* Rights token values by key (2.6; FA FR ... NX included), 0 = none. */
extern const uint32_t sddl_rights_table[26 * 26];

/* ACE flag token values by key (2.5: OI CI NP IO ID SA FA, CR, TP). */
extern const uint8_t sddl_flag_table[26 * 26];

/* Rights token value of a key, 0 when not a token. */
static inline uint32_t sddl_rights_token(int key)
{
    return key < 0 ? 0 : sddl_rights_table[key];
}

/* ACE flag token value of a key, 0 when not a token. */
static inline uint8_t sddl_ace_flag_token(int key)
{
    return key < 0 ? 0 : sddl_flag_table[key];
}

/* ACE type from its code s[0..len) (2.4, case-insensitive).
** Returns the type or -1. */
int sddl_ace_type_from_code(const char *s, size_t len);

/* Upper-case code of an ACE type, or NULL when SDDL has none. */
const char *sddl_ace_type_code(uint8_t type);

/* 1 when the type may only appear in a SACL (audit, alarm, label,
** resource attribute, scoped policy, trust label, access filter; 2.4). */
int sddl_ace_type_sacl_only(uint8_t type);

/* Resolve a SID alias (2.7) into out (68 bytes). Returns 1 and the SID
** length in *len on success; 0 when key is not an alias; -1 when it is a
** context-relative alias whose context SID is absent in ctx. */
int sddl_alias_to_sid(int key, const ntsec_sid_ctx *ctx, uint8_t out[68], size_t *len);

/* The alias under which sid prints (2.7, 2.8.7), or NULL. */
const char *sddl_alias_of_sid(const uint8_t *sid, const ntsec_sid_ctx *ctx);

/* Number of aliases and the code of the i-th one (for tests). */
size_t sddl_alias_count(void);
const char *sddl_alias_code(size_t i);

/* Conditional-expression operators (2.11): kinds, printed names, and the
** word operators read case-insensitively. */
enum {
    SDDL_OP_RELATIONAL = 1,   /* attr op value: == != < <= > >= */
    SDDL_OP_CONTAINS,         /* attr op value: Contains Any_of and Not_ forms */
    SDDL_OP_MEMBER,           /* op literal: Member_of and friends */
    SDDL_OP_EXISTS,           /* op attr: Exists Not_Exists */
    SDDL_OP_LOGICAL,          /* && || */
    SDDL_OP_NOT               /* ! */
};

/* SDDL_OP_* of an operator byte, 0 when the byte is not an operator. */
int sddl_cond_op_kind(uint8_t code);

/* Printed name of an operator byte, or NULL. */
const char *sddl_cond_op_name(uint8_t code);

/* Operator byte of a word operator (Contains ... Not_Exists) s[0..n),
** case-insensitive; -1 when the word is not one. */
int sddl_cond_op_from_word(const char *s, size_t n);

#endif
