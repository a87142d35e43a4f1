/*
** sddl_cond_format.c: conditional-ACE byte code -> canonical text
** (sd_semantics.md 2.11, Windows output in the Samba pairs data).
**
** The postfix program is rebuilt into a tree (one node per token, kept in
** a local array or one allocation for long programs), then printed fully
** parenthesised: "(a op b)" for binary operators, "(Op x)" for the unary
** word operators, "(!x)" for not, and a bare attribute used as a boolean
** is wrapped as "(@USER.x)".
**
** Only programs whose text the parser reads back to the same tree are
** printed (anything else is STATUS_NOT_SUPPORTED): each operand must have
** the kind its position takes in the grammar of docs/sddl.md, a local
** attribute name must be a local-name that is not an operator word, and
** nesting stays within the parser's SDDL_COND_MAX_DEPTH.
*/
#include <stdlib.h>
#include <string.h>

#include "sddl_internal.h"
#include "sddl_tables.h"
#include "status.h"

#define LOCAL_NODES 64

typedef struct node {
    const uint8_t *tok;   /* the token's first byte */
    uint32_t size;        /* bytes of the whole token */
    int a, b;             /* operand nodes, -1 when none */
} node;

typedef struct printer {
    ntsec_buf *out;
    const ntsec_sid_ctx *ctx;
    const node *nodes;
    unsigned depth;
} printer;

/* Size of the token at p (avail bytes left), 0 when malformed. */
static uint32_t token_size(const uint8_t *p, size_t avail)
{
    uint8_t t = p[0];
    uint32_t n;
    if (t >= 0x01 && t <= 0x04) return avail >= 11 ? 11 : 0;
    if (sddl_cond_op_kind(t)) return 1;
    switch (t) {
    case 0x10: case 0x18: case 0x50: case 0x51: case 0xF8: case 0xF9: case 0xFA: case 0xFB:
        if (avail < 5) return 0;
        n = ntsec_rd32(p + 1);
        return n <= avail - 5 ? n + 5 : 0;
    default:
        return 0;
    }
}

static int operands_of(uint8_t t)
{
    int kind = sddl_cond_op_kind(t);
    if (kind == SDDL_OP_RELATIONAL || kind == SDDL_OP_CONTAINS || kind == SDDL_OP_LOGICAL) return 2;
    return kind ? 1 : 0;
}

/* Count the tokens of the program p[0..len) up to the zero padding;
** returns -1 when a token is malformed or the padding is not zero. */
static long count_tokens(const uint8_t *p, size_t len)
{
    size_t off = 0;
    long n = 0;
    while (off < len && p[off]) {
        uint32_t sz = token_size(p + off, len - off);
        if (!sz) return -1;
        off += sz;
        n++;
    }
    for (; off < len; off++)
        if (p[off]) return -1;
    return n;
}

/* Rebuild the tree; returns the root index or -1. stack has n slots. */
static int build_tree(const uint8_t *p, size_t len, node *nodes, int *stack)
{
    size_t off = 0;
    int depth = 0, i = 0;
    while (off < len && p[off]) {
        node *nd = &nodes[i];
        int k = operands_of(p[off]);
        nd->tok = p + off;
        nd->size = token_size(p + off, len - off);
        nd->a = nd->b = -1;
        if (depth < k) return -1;
        if (k == 2) { nd->b = stack[--depth]; nd->a = stack[--depth]; }
        else if (k == 1) nd->a = stack[--depth];
        stack[depth++] = i++;
        off += nd->size;
    }
    return depth == 1 ? stack[0] : -1;
}

/* ---- operands ---- */

static int put_literal(printer *pr, const uint8_t *t, uint32_t size);

/* "{a, b}": elements are literals other than composites (no nesting). */
static int put_composite(printer *pr, const uint8_t *t, uint32_t size)
{
    uint32_t off = 5, n;
    ntsec_buf_putc(pr->out, '{');
    while (off < size) {
        if (!(n = token_size(t + off, size - off)) || t[off] == 0x50
            || !put_literal(pr, t + off, n))
            return 0;
        off += n;
        if (off < size) ntsec_buf_put(pr->out, ", ", 2);
    }
    ntsec_buf_putc(pr->out, '}');
    return 1;
}

static int put_octets(printer *pr, const uint8_t *t, uint32_t size)
{
    static const char digits[] = "0123456789abcdef";
    uint32_t i;
    ntsec_buf_putc(pr->out, '#');
    for (i = 5; i < size; i++) {
        ntsec_buf_putc(pr->out, (uint8_t)digits[t[i] >> 4]);
        ntsec_buf_putc(pr->out, (uint8_t)digits[t[i] & 15]);
    }
    return 1;
}

static int put_sid(printer *pr, const uint8_t *t, uint32_t size)
{
    /* at least one sub-authority: "SID(S-1-5)" would not read back */
    if (size < 17 || !ntsec_sid_valid(t + 5, size - 5) || ntsec_sid_len(t + 5) != size - 5) return 0;
    ntsec_buf_put(pr->out, "SID(", 4);
    ntsec_sid_format_sddl(pr->out, t + 5, pr->ctx);
    ntsec_buf_putc(pr->out, ')');
    return 1;
}

static int put_int(printer *pr, const uint8_t *t)
{
    sddl_int v;
    v.value = (uint64_t)ntsec_rd32(t + 1) | ((uint64_t)ntsec_rd32(t + 5) << 32);
    v.sign = t[9];
    v.base = t[10];
    if (v.sign < SDDL_SIGN_PLUS || v.sign > SDDL_SIGN_NONE || v.base < SDDL_BASE_OCTAL
        || v.base > SDDL_BASE_HEX)
        return 0;
    sddl_put_int(pr->out, &v);
    return 1;
}

static int put_literal(printer *pr, const uint8_t *t, uint32_t size)
{
    switch (t[0]) {
    case 0x01: case 0x02: case 0x03: case 0x04:
        return put_int(pr, t);
    case 0x10:
        ntsec_buf_putc(pr->out, '"');
        if (!sddl_put_utf16(pr->out, t + 5, size - 5, 0)) return 0;
        ntsec_buf_putc(pr->out, '"');
        return 1;
    case 0x18:
        return put_octets(pr, t, size);
    case 0x50:
        return put_composite(pr, t, size);
    case 0x51:
        return put_sid(pr, t, size);
    default:
        return 0;
    }
}

/* A local attribute name (0xF8) reads back only as a non-empty
** [A-Za-z0-9:./_]+ word that is not an operator word. */
static int local_name_ok(const uint8_t *p, uint32_t nbytes)
{
    char word[64];
    uint32_t i;
    if (nbytes == 0 || (nbytes & 1)) return 0;
    for (i = 0; i < nbytes; i += 2) {
        unsigned u = ntsec_rd16(p + i);
        int ok = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9')
                 || u == ':' || u == '.' || u == '/' || u == '_';
        if (!ok) return 0;
        if (i / 2 < sizeof word) word[i / 2] = (char)u;
    }
    return nbytes / 2 > sizeof word || sddl_cond_op_from_word(word, nbytes / 2) < 0;
}

/* An attribute token; local ones only where allow_local (the left side
** of an operator, Exists, boolean position). */
static int put_attribute(printer *pr, const uint8_t *t, uint32_t size, int allow_local)
{
    static const char *const prefix[4] = { "", "@USER.", "@RESOURCE.", "@DEVICE." };
    if (t[0] < 0xF8 || size <= 5) return 0;   /* "@USER." with no name does not read back */
    if (t[0] == 0xF8 && (!allow_local || !local_name_ok(t + 5, size - 5))) return 0;
    ntsec_buf_puts(pr->out, prefix[t[0] - 0xF8]);
    return sddl_put_utf16(pr->out, t + 5, size - 5, t[0] != 0xF8);
}

/* Right side of a relational or contains operator: a literal or an
** @class attribute. */
static int put_value(printer *pr, int i)
{
    const node *nd = &pr->nodes[i];
    if (nd->tok[0] >= 0xF8) return put_attribute(pr, nd->tok, nd->size, 0);
    if (sddl_cond_op_kind(nd->tok[0])) return 0;
    return put_literal(pr, nd->tok, nd->size);
}

/* Operand of Member_of and friends: a literal. */
static int put_member_operand(printer *pr, int i)
{
    const node *nd = &pr->nodes[i];
    if (nd->tok[0] >= 0xF8 || sddl_cond_op_kind(nd->tok[0])) return 0;
    return put_literal(pr, nd->tok, nd->size);
}

/* Left side of an operator, operand of Exists, or a boolean term: any
** attribute. */
static int put_attr_node(printer *pr, int i)
{
    const node *nd = &pr->nodes[i];
    return put_attribute(pr, nd->tok, nd->size, 1);
}

/* ---- expressions ---- */

static int put_bool(printer *pr, int i);

static int put_operator(printer *pr, const node *nd)
{
    uint8_t t = nd->tok[0];
    int kind = sddl_cond_op_kind(t);
    const char *name = sddl_cond_op_name(t);
    ntsec_buf_putc(pr->out, '(');
    if (kind == SDDL_OP_NOT) {
        ntsec_buf_putc(pr->out, '!');
        if (!put_bool(pr, nd->a)) return 0;
    } else if (kind == SDDL_OP_LOGICAL) {
        if (!put_bool(pr, nd->a)) return 0;
        ntsec_buf_putc(pr->out, ' ');
        ntsec_buf_puts(pr->out, name);
        ntsec_buf_putc(pr->out, ' ');
        if (!put_bool(pr, nd->b)) return 0;
    } else if (nd->b >= 0) {
        if (!put_attr_node(pr, nd->a)) return 0;
        ntsec_buf_putc(pr->out, ' ');
        ntsec_buf_puts(pr->out, name);
        ntsec_buf_putc(pr->out, ' ');
        if (!put_value(pr, nd->b)) return 0;
    } else {
        ntsec_buf_puts(pr->out, name);
        ntsec_buf_putc(pr->out, ' ');
        if (!(kind == SDDL_OP_MEMBER ? put_member_operand(pr, nd->a) : put_attr_node(pr, nd->a)))
            return 0;
    }
    ntsec_buf_putc(pr->out, ')');
    return 1;
}

/* A term in boolean position: operators print themselves in parentheses,
** a bare attribute is wrapped. Each level is one parenthesised group for
** the parser, so the depth limit is the parser's. */
static int put_bool(printer *pr, int i)
{
    const node *nd = &pr->nodes[i];
    int ok;
    if (++pr->depth > SDDL_COND_MAX_DEPTH) return 0;
    if (sddl_cond_op_kind(nd->tok[0])) {
        ok = put_operator(pr, nd);
    } else {
        ntsec_buf_putc(pr->out, '(');
        ok = put_attr_node(pr, i);
        ntsec_buf_putc(pr->out, ')');
    }
    pr->depth--;
    return ok;
}

NTSTATUS sddl_cond_format(ntsec_buf *out, const uint8_t *data, size_t len,
                          const ntsec_sid_ctx *ctx)
{
    node local_nodes[LOCAL_NODES], *nodes = local_nodes;
    int local_stack[LOCAL_NODES], *stack = local_stack, root, ok = 0;
    long n;
    printer pr;
    if (len < 4 || memcmp(data, "artx", 4) != 0) return STATUS_NOT_SUPPORTED;
    n = count_tokens(data + 4, len - 4);
    if (n <= 0) return STATUS_NOT_SUPPORTED;
    if (n > LOCAL_NODES) {
        nodes = malloc((size_t)n * sizeof *nodes);
        stack = malloc((size_t)n * sizeof *stack);
    }
    if (nodes && stack) {
        root = build_tree(data + 4, len - 4, nodes, stack);
        pr.out = out;
        pr.ctx = ctx;
        pr.nodes = nodes;
        pr.depth = 0;
        ok = root >= 0 && put_bool(&pr, root);
    }
    if (nodes != local_nodes) free(nodes);
    if (stack != local_stack) free(stack);
    if (!nodes || !stack) return STATUS_NO_MEMORY;
    return ok ? STATUS_SUCCESS : STATUS_NOT_SUPPORTED;
}
