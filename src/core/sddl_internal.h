/*
** sddl_internal.h: interfaces between the SDDL source files (not public).
*/
#ifndef NTSEC_SDDL_INTERNAL_H
#define NTSEC_SDDL_INTERNAL_H

#include "ntsec_types.h"
#include "buf.h"
#include "sid.h"

/* wcstoul(s, &end, 0) on s[0..len) as Windows' C runtime does it: leading
** whitespace, optional sign, 0x hex / 0 octal / decimal, saturation at
** 0xFFFFFFFF, '-' negates modulo 2^32 (sd_semantics.md 2.6).
** Returns the characters consumed (0 when no digit) and the value in *out. */
size_t sddl_wcstoul(const char *s, size_t len, uint32_t *out);

/* The rights field at s (2.6), up to the first ';' or len: named tokens
** with spaces before each, or one number (sddl_wcstoul). *end = where it
** stopped (the ';' or len on success, the offending character on error).
** Errors: STATUS_INVALID_ACL. */
NTSTATUS sddl_rights_scan(const char *s, size_t len, size_t *end, uint32_t *mask);

/* Longest text of a numeric SID: "S-1-0x" + 12 hex + 15 * "-4294967295". */
#define SDDL_SID_TEXT_MAX (6 + 12 + 15 * 11)

/* Numeric SID text (1.1) written at p (SDDL_SID_TEXT_MAX room, no NUL);
** returns the end. */
char *sddl_sid_text(char *p, const uint8_t *sid);

/* The alias when one applies under ctx (2.7), else the numeric text. */
char *sddl_sid_text_sddl(char *p, const uint8_t *sid, const ntsec_sid_ctx *ctx);

/* Longest rights text: "CCDCLCSWRPWPDTLOCRSDRCWDWOGAGXGWGR". */
#define SDDL_RIGHTS_TEXT_MAX 34

/* Rights text of mask (2.8.5) at p, no NUL; returns the end. label != 0
** prints bits 0-2 as NW NR NX (mandatory-label ACEs, docs/sddl.md). */
char *sddl_rights_text(char *p, uint32_t mask, int label);

/* Deepest nesting of parenthesised groups in a conditional expression;
** the formatter prints only what the parser can read back. */
#define SDDL_COND_MAX_DEPTH 256

/* Conditional expression (2.11): s[0] must be '('. Parses up to and
** including the matching ')' and appends "artx", the byte code and zero
** padding to a multiple of 4 to out. *consumed = characters used.
** Errors: STATUS_INVALID_ACL (syntax; *consumed = offset of the error),
** STATUS_INVALID_SID (unresolvable alias in SID()), STATUS_NOT_SUPPORTED. */
NTSTATUS sddl_cond_parse(const char *s, size_t len, const ntsec_sid_ctx *ctx,
                         ntsec_buf *out, size_t *consumed);

/* Append "(expression)" for callback application data (starting with
** "artx"). Errors: STATUS_NOT_SUPPORTED for data it cannot print. */
NTSTATUS sddl_cond_format(ntsec_buf *out, const uint8_t *data, size_t len,
                          const ntsec_sid_ctx *ctx);

/* Resource attribute "(name,TYPE,flags,values...)" (2.11), s[0] == '('.
** Appends the CLAIM_SECURITY_ATTRIBUTE_RELATIVE_V1 blob padded to 4.
** Errors as sddl_cond_parse. */
NTSTATUS sddl_ra_parse(const char *s, size_t len, const ntsec_sid_ctx *ctx,
                       ntsec_buf *out, size_t *consumed);

/* Append "(name,TYPE,flags,values)" for an RA ACE body after the SID.
** Errors: STATUS_NOT_SUPPORTED for blobs it cannot print. */
NTSTATUS sddl_ra_format(ntsec_buf *out, const uint8_t *data, size_t len,
                        const ntsec_sid_ctx *ctx);

/* ---- text helpers (sddl_text.c) ---- */

/* Append s[0..len) (UTF-8) as UTF-16LE code units, at most room bytes.
** Returns 0 on invalid UTF-8 or when the UTF-16 text would pass room (the
** buffer may then hold part of the text). Limits are on the bytes written,
** never on the characters read: text and binary input meet the same limit
** (docs/sddl.md "Size limits"). */
int sddl_utf8_to_utf16_max(ntsec_buf *out, const char *s, size_t len, size_t room);

/* sddl_utf8_to_utf16_max without a limit (token claims). */
int sddl_utf8_to_utf16(ntsec_buf *out, const char *s, size_t len);

/* Same for an attribute name, where "%xxxx" (4 hex digits) stands for one
** UTF-16 code unit (2.11). Returns 0 on a bad escape, invalid UTF-8 or
** more than room bytes. */
int sddl_attr_name_to_utf16(ntsec_buf *out, const char *s, size_t len, size_t room);

/* Append UTF-16LE p[0..nbytes) as UTF-8. as_name != 0 escapes what would
** end an attribute name as %xxxx; otherwise a '"' or an unpaired surrogate
** cannot be printed. Returns 0 when it cannot print the text. */
int sddl_put_utf16(ntsec_buf *out, const uint8_t *p, size_t nbytes, int as_name);

/* Sign and base bytes of a conditional-ACE integer (2.11). */
enum { SDDL_SIGN_PLUS = 1, SDDL_SIGN_MINUS = 2, SDDL_SIGN_NONE = 3 };
enum { SDDL_BASE_OCTAL = 1, SDDL_BASE_DECIMAL = 2, SDDL_BASE_HEX = 3 };

typedef struct sddl_int {
    uint64_t value;   /* two's complement; a '-' literal holds 0 - magnitude */
    uint8_t sign;     /* SDDL_SIGN_* */
    uint8_t base;     /* SDDL_BASE_* */
} sddl_int;

/* Integer literal at s (strtoll(..., 0) syntax: sign, 0x hex, 0 octal,
** decimal) whose magnitude fits 64 bits. Returns characters used, 0 when
** there is no number or it is out of range. */
size_t sddl_int_literal(const char *s, size_t len, sddl_int *v);

/* Print an integer in the sign and base it was written with. */
void sddl_put_int(ntsec_buf *out, const sddl_int *v);

#endif
