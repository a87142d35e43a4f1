/*
** sddl_cond.c: conditional-ACE expressions, text -> byte code
** (sd_semantics.md 2.11; the accepted grammar is in docs/sddl.md).
**
** A recursive-descent parser that writes the postfix program straight into
** the output buffer: an operand is emitted when it is read, an operator
** after its operands. Precedence, loosest first: ||, &&, !, then the
** attribute/member/exists forms. Composite and attribute tokens reserve
** their length word and patch it once their content is written.
*/
#include <string.h>

#include "sddl_internal.h"
#include "sddl_tables.h"
#include "secdefs.h"
#include "status.h"


typedef struct cond_parser {
    const char *s;
    size_t len;
    size_t pos;
    const ntsec_sid_ctx *ctx;
    ntsec_buf *out;
    NTSTATUS err;
    size_t err_pos;
    unsigned depth;
    size_t start;         /* out->len when the expression began */
} cond_parser;

/* Application data longer than an ACL can hold fails at once, so a huge
** expression never builds more than about 64 KiB (docs/sddl.md "Linear
** time"). n = bytes a token is about to add. */
static int too_long(const cond_parser *c, size_t n)
{
    return n > NTSEC_ACL_MAX_SIZE || c->out->len - c->start > NTSEC_ACL_MAX_SIZE - n;
}

/* Bytes the expression may still add; text is converted against this, so
** the limit is on the byte code, never on the length of the text. */
static size_t room(const cond_parser *c)
{
    size_t used = c->out->len - c->start;
    return used > NTSEC_ACL_MAX_SIZE ? 0 : NTSEC_ACL_MAX_SIZE - used;
}

static int fail_at(cond_parser *c, NTSTATUS st, size_t at)
{
    if (c->err == STATUS_SUCCESS) {
        c->err = st;
        c->err_pos = at;
    }
    return 0;
}

static int fail(cond_parser *c)
{
    return fail_at(c, STATUS_INVALID_ACL, c->pos);
}

static int is_ws(char ch)
{
    return ch == ' ' || (ch >= '\t' && ch <= '\r');
}

/* attr-char1: the characters of local attribute names and operator words. */
static int is_word_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')
           || ch == ':' || ch == '.' || ch == '/' || ch == '_';
}

/* Characters that end an @class.name attribute name. */
static int ends_name(char ch)
{
    return is_ws(ch) || (ch && strchr("!&()><=|\"", ch) != NULL);
}

static void skip_ws(cond_parser *c)
{
    while (c->pos < c->len && is_ws(c->s[c->pos])) c->pos++;
}

static char peek(const cond_parser *c, size_t ahead)
{
    return c->pos + ahead < c->len ? c->s[c->pos + ahead] : '\0';
}

static size_t word_length(const cond_parser *c)
{
    size_t n = 0;
    while (c->pos + n < c->len && is_word_char(c->s[c->pos + n])) n++;
    return n;
}

/* ---- emitting ---- */

static void emit(cond_parser *c, uint8_t byte)
{
    ntsec_buf_putc(c->out, byte);
}

/* Start a token with a u32 length; returns where the length goes. */
static size_t open_sized(cond_parser *c, uint8_t type)
{
    emit(c, type);
    ntsec_buf_put_u32(c->out, 0);
    return c->out->len;
}

static void close_sized(cond_parser *c, size_t body)
{
    if (!c->out->oom) ntsec_wr32(c->out->data + body - 4, (uint32_t)(c->out->len - body));
}

/* ---- literals ---- */

static int parse_string(cond_parser *c)
{
    const char *start = c->s + c->pos + 1;
    const char *end = memchr(start, '"', c->len - c->pos - 1);
    size_t body;
    if (!end) return fail(c);
    body = open_sized(c, 0x10);
    if (!sddl_utf8_to_utf16_max(c->out, start, (size_t)(end - start), room(c))) return fail(c);
    close_sized(c, body);
    c->pos = (size_t)(end - c->s) + 1;
    return 1;
}

/* '#' then hex digits where '#' also means '0'; an odd count gets a
** leading zero nibble (Windows: "#1#2#3##" -> 01 02 03 00). */
static int parse_octets(cond_parser *c)
{
    size_t start = c->pos + 1, n = 0, i, body;
    unsigned nibble = 0, have = 0;
    while (start + n < c->len && (c->s[start + n] == '#' || strchr("0123456789abcdefABCDEF", c->s[start + n])))
        n++;
    if (too_long(c, n / 2)) return fail(c);
    body = open_sized(c, 0x18);
    have = (unsigned)(n & 1);                   /* implicit leading zero nibble */
    for (i = 0; i < n; i++) {
        char ch = c->s[start + i];
        unsigned d = ch == '#' ? 0 : (unsigned)(ch <= '9' ? ch - '0' : (ch | 0x20) - 'a' + 10);
        nibble = (nibble << 4) | d;
        if (++have == 2) {
            emit(c, (uint8_t)nibble);
            nibble = 0;
            have = 0;
        }
    }
    close_sized(c, body);
    c->pos = start + n;
    return 1;
}

/* "SID(" alias-or-numeric ")", keyword case-insensitive. */
static int parse_sid_literal(cond_parser *c)
{
    uint8_t sid[68];
    size_t used, at = c->pos + 4, body;
    const char *t = c->s + at;
    if (ntsec_sid_parse(t, c->len - at, c->ctx, sid, &used) != STATUS_SUCCESS) {
        uint8_t probe[68];
        size_t n;
        int missing = c->len - at >= 2 && t[1] != '-'
                      && sddl_alias_to_sid(sddl_key(t[0], t[1]), c->ctx, probe, &n) < 0;
        return fail_at(c, missing ? STATUS_INVALID_SID : STATUS_INVALID_ACL, at);
    }
    if (at + used >= c->len || c->s[at + used] != ')') return fail_at(c, STATUS_INVALID_ACL, at + used);
    body = open_sized(c, 0x51);
    ntsec_buf_put(c->out, sid, ntsec_sid_len(sid));
    close_sized(c, body);
    c->pos = at + used + 1;
    return 1;
}

static int parse_int(cond_parser *c)
{
    sddl_int v;
    size_t n = sddl_int_literal(c->s + c->pos, c->len - c->pos, &v);
    if (n == 0 || is_word_char(peek(c, n))) return fail(c);
    emit(c, 0x04);
    ntsec_buf_put_u32(c->out, (uint32_t)v.value);
    ntsec_buf_put_u32(c->out, (uint32_t)(v.value >> 32));
    emit(c, v.sign);
    emit(c, v.base);
    c->pos += n;
    return 1;
}

static int is_sid_keyword(const cond_parser *c)
{
    return (peek(c, 0) | 0x20) == 's' && (peek(c, 1) | 0x20) == 'i' && (peek(c, 2) | 0x20) == 'd'
           && peek(c, 3) == '(';
}

static int parse_composite(cond_parser *c);

static int parse_literal(cond_parser *c, int in_composite)
{
    char ch = peek(c, 0);
    if (ch == '"') return parse_string(c);
    if (ch == '#') return parse_octets(c);
    if (ch == '{' && !in_composite) return parse_composite(c);
    if (is_sid_keyword(c)) return parse_sid_literal(c);
    if ((ch >= '0' && ch <= '9') || ch == '-' || ch == '+') return parse_int(c);
    return fail(c);
}

/* "{" [literal ("," literal)*] "}", no nesting. */
static int parse_composite(cond_parser *c)
{
    size_t body = open_sized(c, 0x50);
    int first = 1;
    c->pos++;
    for (;;) {
        skip_ws(c);
        if (peek(c, 0) == '}') break;
        if (!first) {
            if (peek(c, 0) != ',') return fail(c);
            c->pos++;
            skip_ws(c);
        }
        if (!parse_literal(c, 1)) return 0;
        if (too_long(c, 0)) return fail(c);
        first = 0;
    }
    c->pos++;
    close_sized(c, body);
    return 1;
}

/* A literal, possibly inside any number of parentheses. */
static int parse_operand(cond_parser *c)
{
    skip_ws(c);
    if (peek(c, 0) != '(') return parse_literal(c, 0);
    if (++c->depth > SDDL_COND_MAX_DEPTH) return fail(c);
    c->pos++;
    if (!parse_operand(c)) return 0;
    skip_ws(c);
    if (peek(c, 0) != ')') return fail(c);
    c->pos++;
    c->depth--;
    return 1;
}

/* ---- attributes ---- */

/* "@User." / "@Device." / "@Resource." (any case) + name with %xxxx. */
static int parse_class_attr(cond_parser *c)
{
    static const struct { const char *prefix; size_t n; uint8_t type; } classes[] = {
        { "user.", 5, 0xF9 }, { "resource.", 9, 0xFA }, { "device.", 7, 0xFB },
    };
    size_t i, k, start, body;
    for (i = 0; i < 3; i++) {
        const char *t = c->s + c->pos + 1;
        if (c->len - c->pos - 1 <= classes[i].n) continue;
        for (k = 0; k < classes[i].n && (t[k] | 0x20) == classes[i].prefix[k]; k++) {}
        if (k == classes[i].n) break;
    }
    if (i == 3) return fail(c);
    start = c->pos + 1 + classes[i].n;
    for (k = start; k < c->len && !ends_name(c->s[k]); k++) {}
    if (k == start) return fail_at(c, STATUS_INVALID_ACL, start);
    body = open_sized(c, classes[i].type);
    if (!sddl_attr_name_to_utf16(c->out, c->s + start, k - start, room(c)))
        return fail_at(c, STATUS_INVALID_ACL, start);
    close_sized(c, body);
    c->pos = k;
    return 1;
}

static int parse_local_attr(cond_parser *c, size_t n)
{
    size_t body;
    if (n == 0) return fail(c);
    body = open_sized(c, 0xF8);
    if (!sddl_utf8_to_utf16_max(c->out, c->s + c->pos, n, room(c))) return fail(c);
    close_sized(c, body);
    c->pos += n;
    return 1;
}

static int parse_any_attr(cond_parser *c)
{
    skip_ws(c);
    if (peek(c, 0) == '@') return parse_class_attr(c);
    return parse_local_attr(c, word_length(c));
}

/* Right side of a relational or contains operator: literal or @attr. */
static int parse_value(cond_parser *c)
{
    skip_ws(c);
    if (peek(c, 0) == '@') return parse_class_attr(c);
    return parse_operand(c);
}

/* Relational operator at pos: its byte and length, or 0. */
static int relational_op(const cond_parser *c, size_t *n)
{
    char a = peek(c, 0), b = peek(c, 1);
    *n = 2;
    if (a == '=' && b == '=') return 0x80;
    if (a == '!' && b == '=') return 0x81;
    if (a == '<' && b == '=') return 0x83;
    if (a == '>' && b == '=') return 0x85;
    *n = 1;
    if (a == '<') return 0x82;
    if (a == '>') return 0x84;
    return 0;
}

/* After an attribute: "op value", or nothing (the attribute is a
** boolean term). */
static int parse_attr_tail(cond_parser *c)
{
    size_t n, w;
    int op;
    skip_ws(c);
    op = relational_op(c, &n);
    if (!op) {
        w = word_length(c);
        op = w ? sddl_cond_op_from_word(c->s + c->pos, w) : -1;
        if (op < 0 || sddl_cond_op_kind((uint8_t)op) != SDDL_OP_CONTAINS) return 1;
        n = w;
    }
    c->pos += n;
    if (!parse_value(c)) return 0;
    emit(c, (uint8_t)op);
    return 1;
}

/* ---- expressions ---- */

static int parse_or(cond_parser *c);

static int parse_group(cond_parser *c)
{
    if (++c->depth > SDDL_COND_MAX_DEPTH) return fail(c);
    c->pos++;
    if (!parse_or(c)) return 0;
    skip_ws(c);
    if (peek(c, 0) != ')') return fail(c);
    c->pos++;
    c->depth--;
    return 1;
}

/* A word at the start of a term: member/exists operator or local attribute. */
static int parse_word_term(cond_parser *c)
{
    size_t n = word_length(c);
    int op = n ? sddl_cond_op_from_word(c->s + c->pos, n) : -1;
    int kind = op < 0 ? 0 : sddl_cond_op_kind((uint8_t)op);
    if (kind == SDDL_OP_CONTAINS) return fail(c);
    if (kind == 0) return parse_local_attr(c, n) && parse_attr_tail(c);
    c->pos += n;
    if (!(kind == SDDL_OP_MEMBER ? parse_operand(c) : parse_any_attr(c))) return 0;
    emit(c, (uint8_t)op);
    return 1;
}

static int parse_term(cond_parser *c)
{
    skip_ws(c);
    switch (peek(c, 0)) {
    case '(':
        return parse_group(c);
    case '@':
        return parse_class_attr(c) && parse_attr_tail(c);
    case '!':
        c->pos++;
        skip_ws(c);
        if (peek(c, 0) != '(' || !parse_group(c)) return fail(c);
        emit(c, 0xA2);
        return 1;
    default:
        return parse_word_term(c);
    }
}

/* term ("&&" term)* */
static int parse_and(cond_parser *c)
{
    if (!parse_term(c)) return 0;
    for (;;) {
        skip_ws(c);
        if (peek(c, 0) != '&' || peek(c, 1) != '&') return 1;
        c->pos += 2;
        if (!parse_term(c)) return 0;
        if (too_long(c, 1)) return fail(c);
        emit(c, 0xA0);
    }
}

/* and ("||" and)* */
static int parse_or(cond_parser *c)
{
    if (!parse_and(c)) return 0;
    for (;;) {
        skip_ws(c);
        if (peek(c, 0) != '|' || peek(c, 1) != '|') return 1;
        c->pos += 2;
        if (!parse_and(c)) return 0;
        if (too_long(c, 1)) return fail(c);
        emit(c, 0xA1);
    }
}

NTSTATUS sddl_cond_parse(const char *s, size_t len, const ntsec_sid_ctx *ctx,
                         ntsec_buf *out, size_t *consumed)
{
    cond_parser c;
    size_t start = out->len;
    c.s = s;
    c.len = len;
    c.pos = 0;
    c.ctx = ctx;
    c.out = out;
    c.err = STATUS_SUCCESS;
    c.err_pos = 0;
    c.depth = 0;
    c.start = start;
    ntsec_buf_put(out, "artx", 4);
    if (len == 0 || s[0] != '(' || !parse_group(&c)) {
        fail(&c);
        *consumed = c.err_pos;
        return c.err;
    }
    while ((out->len - start) & 3) emit(&c, 0);
    *consumed = c.pos;
    return ntsec_buf_status(out);
}
