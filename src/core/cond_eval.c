/*
** cond_eval.c: EvaluateAceCondition ([MS-DTYP] 2.5.3.1.5) over the "artx"
** byte code, read in place with a fixed operand stack.
**
** Three values: TRUE, FALSE, UNKNOWN. An attribute the token or SACL does
** not have is UNKNOWN and flows through the logic (UNKNOWN || TRUE is TRUE);
** a processing error - a literal where a boolean is needed, operands of
** different types, a malformed program - makes the whole expression
** UNKNOWN (2.4.4.17.6/7), reported as NTSEC_COND_ERROR. Choices on what the
** documents leave open: docs/access.md.
*/
#include <string.h>

#include "cond_internal.h"
#include "buf.h"
#include "sid.h"

#define STACK_MAX 64
#define T NTSEC_COND_TRUE
#define F NTSEC_COND_FALSE
#define U NTSEC_COND_UNKNOWN
#define E NTSEC_COND_ERROR        /* internal: abort, the whole result is UNKNOWN */

typedef struct machine {
    const ntsec_cond_env *env;
    cond_operand stack[STACK_MAX];
    int depth;
} machine;

static int negate(int r)
{
    return r == T ? F : r == F ? T : r;
}

/* ---- logical value of an operand (2.4.4.17.7) ---- */

/* An integer or boolean claim, also multi-valued, is TRUE when any value is
** non-zero (samba-0193/0205/0213/0215: {0, 1} and {1, 0} are TRUE); a
** single string or octet string when non-empty; anything else UNKNOWN. */
static int truth(const cond_operand *o)
{
    cond_value v;
    long i, n;
    int r = F;
    if (o->kind == OP_RESULT) return o->result;
    if (o->kind == OP_LITERAL) return E;
    if (!o->claim || (n = cond_count(o)) < 1 || !cond_value_at(o, 0, &v)) return U;
    if (v.cls == VC_STRING || v.cls == VC_OCTETS) return n == 1 ? (v.n ? T : F) : U;
    if (v.cls != VC_INT && v.cls != VC_BOOL) return U;
    for (i = 0; i < n; i++) {
        if (!cond_value_at(o, i, &v)) return U;
        if (v.mag) r = T;
    }
    return r;
}

static int logic_and(int a, int b)
{
    if (a == F || b == F) return F;
    return (a == U || b == U) ? U : T;
}

static int logic_or(int a, int b)
{
    if (a == T || b == T) return T;
    return (a == U || b == U) ? U : F;
}

/* ---- membership (2.4.4.17.6, unary relational) ---- */

static int sid_in_token(const ntsec_cond_env *env, const uint8_t *sid, int device)
{
    if (device) return ntsec_token_has_device_sid(env->token, sid, env->for_deny);
    if (env->restricted) return ntsec_token_has_restricted_sid(env->token, sid, env->for_deny);
    return ntsec_token_has_sid(env->token, sid, env->for_deny);
}

/* Member_of (all) / Member_of_Any (any), user or device SIDs. */
static int membership(const machine *m, const cond_operand *o, int device, int any)
{
    long i, n;
    cond_value v;
    int hits = 0;
    if (o->kind != OP_LITERAL || (n = cond_count(o)) < 0) return E;
    for (i = 0; i < n; i++) {
        if (!cond_value_at(o, i, &v) || v.cls != VC_SID) return E;
        hits += sid_in_token(m->env, v.p, device);
    }
    return (any ? hits > 0 : hits == n) ? T : F;
}

static int unary_relational(const machine *m, uint8_t op, const cond_operand *o)
{
    switch (op) {
    case 0x89: return membership(m, o, 0, 0);
    case 0x8A: return membership(m, o, 1, 0);
    case 0x8B: return membership(m, o, 0, 1);
    case 0x8C: return membership(m, o, 1, 1);
    case 0x90: return negate(membership(m, o, 0, 0));
    case 0x91: return negate(membership(m, o, 1, 0));
    case 0x92: return negate(membership(m, o, 0, 1));
    default:   return negate(membership(m, o, 1, 1));   /* 0x93 */
    }
}

/* Exists / Not_Exists: any attribute; a literal or result is an error. */
static int exists(const cond_operand *o, int invert)
{
    int r;
    if (o->kind != OP_ATTR) return E;
    r = o->claim ? T : F;
    return invert ? negate(r) : r;
}

/* ---- binary relational (2.4.4.17.6) ---- */

/* Is value v among the values of o? E on a type error. */
static int contains_value(const cond_operand *o, long n, const cond_value *v, int ci)
{
    long i;
    cond_value w;
    int order;
    for (i = 0; i < n; i++) {
        if (!cond_value_at(o, i, &w) || !cond_compare(&w, v, ci, 1, &order)) return E;
        if (order == 0) return T;
    }
    return F;
}

/* Every value of sub is among the values of set (Contains). */
static int subset(const cond_operand *set, long nset, const cond_operand *sub, long nsub, int ci)
{
    long i;
    cond_value v;
    int r;
    for (i = 0; i < nsub; i++) {
        if (!cond_value_at(sub, i, &v)) return E;
        if ((r = contains_value(set, nset, &v, ci)) != T) return r;
    }
    return T;
}

/* Some value of a is among the values of b (Any_of). */
static int overlap(const cond_operand *a, long na, const cond_operand *b, long nb, int ci)
{
    long i;
    cond_value v;
    int r, found = F;
    for (i = 0; i < na; i++) {
        if (!cond_value_at(a, i, &v)) return E;
        if ((r = contains_value(b, nb, &v, ci)) == E) return E;
        if (r == T) found = T;
    }
    return found;
}

/* One-value comparison for == != < <= > >=. */
static int compare_one(uint8_t op, const cond_operand *l, const cond_operand *r, int ci)
{
    cond_value a, b;
    int order;
    if (!cond_value_at(l, 0, &a) || !cond_value_at(r, 0, &b)) return E;
    if (!cond_compare(&a, &b, ci, op <= 0x81, &order)) return E;
    switch (op) {
    case 0x80: return order == 0 ? T : F;
    case 0x81: return order != 0 ? T : F;
    case 0x82: return order < 0 ? T : F;
    case 0x83: return order <= 0 ? T : F;
    case 0x84: return order > 0 ? T : F;
    default:   return order >= 0 ? T : F;       /* 0x85 */
    }
}

/* An empty composite `{}` on the right, as Windows answers it whatever the
** values on the left: per operator 0x80..0x8F {LHS absent, LHS present}.
** Contains/Any_of {} are FALSE and Not_Contains {} TRUE even for an absent
** attribute (samba-0135..0138, 0143/0144, 0161/0162); Not_Any_of {} is TRUE
** for a present one but UNKNOWN for an absent one (samba-0159/0160); x == {}
** is UNKNOWN for an absent attribute (samba-0123/0124), x != {} TRUE for a
** present one (issue 10); the ordering operators stay UNKNOWN. */
static const int8_t empty_rhs[16][2] = {
    [0x00] = { U, F }, [0x01] = { U, T }, [0x02] = { U, U }, [0x03] = { U, U },
    [0x04] = { U, U }, [0x05] = { U, U }, [0x06] = { F, F }, [0x08] = { F, F },
    [0x0E] = { T, T }, [0x0F] = { U, T },
};

static int is_empty_composite(const cond_operand *o)
{
    return o->kind == OP_LITERAL && o->tok[0] == CT_COMPOSITE && o->size == 5;
}

/* Operand checks: LHS an attribute, RHS a literal or a prefixed attribute;
** absent attributes are UNKNOWN, and so is Any_of / Not_Any_of with a single
** literal (not a composite) on the right (samba-0171..0174; a single-valued
** attribute there is a set: samba-0113). Returns 1 with *res set when the
** operands decide the result, 0 to go on with the value counts. */
static int binary_operands(uint8_t op, const cond_operand *l, const cond_operand *r, long *nl, long *nr,
                           int *res)
{
    *res = U;
    if (l->kind != OP_ATTR || r->kind == OP_RESULT) *res = E;
    else if (r->kind == OP_ATTR && r->source == CT_LOCAL) *res = E;
    else if (is_empty_composite(r)) *res = empty_rhs[op & 0x0F][l->claim != NULL];
    else if ((op == 0x88 || op == 0x8F) && r->kind == OP_LITERAL && r->tok[0] != CT_COMPOSITE) *res = U;
    else if (!l->claim || (r->kind == OP_ATTR && !r->claim)) *res = U;
    else if ((*nl = cond_count(l)) < 0 || (*nr = cond_count(r)) < 0) *res = E;
    else if (*nl > 0 && *nr > 0) return 0;
    return 1;
}

/* Set equality: the same number of values, each in the other. */
static int set_equal(const cond_operand *l, long nl, const cond_operand *r, long nr, int ci)
{
    int res;
    if (nl != nr) return F;
    res = subset(l, nl, r, nr, ci);
    return res == T ? subset(r, nr, l, nl, ci) : res;
}

static int binary_relational(uint8_t op, const cond_operand *l, const cond_operand *r)
{
    long nl = 0, nr = 0;
    int ci = !cond_case_sensitive(l) && !cond_case_sensitive(r);
    int res;
    if (binary_operands(op, l, r, &nl, &nr, &res)) return res;
    if (nl == 1 && nr == 1 && op <= 0x85) return compare_one(op, l, r, ci);
    switch (op) {
    case 0x86: return subset(l, nl, r, nr, ci);
    case 0x8E: return negate(subset(l, nl, r, nr, ci));
    case 0x88: return overlap(l, nl, r, nr, ci);
    case 0x8F: return negate(overlap(l, nl, r, nr, ci));
    case 0x80: return set_equal(l, nl, r, nr, ci);
    /* != is the negation of set equality (samba-0089/0090) */
    case 0x81: return negate(set_equal(l, nl, r, nr, ci));
    default:   return U;      /* < <= > >= on several values */
    }
}

/* ---- the machine ---- */

static int push(machine *m, const cond_operand *o)
{
    if (m->depth == STACK_MAX) return 0;
    m->stack[m->depth++] = *o;
    return 1;
}

static int push_result(machine *m, int r)
{
    cond_operand o;
    memset(&o, 0, sizeof o);
    o.kind = OP_RESULT;
    o.result = r;
    return push(m, &o);
}

/* An operand token: literal or attribute (looked up now). 0 on error. */
static int push_operand(machine *m, const uint8_t *p, uint32_t size)
{
    cond_operand o;
    int bad = 0;
    memset(&o, 0, sizeof o);
    o.tok = p;
    o.size = size;
    if (p[0] >= CT_LOCAL) {
        o.kind = OP_ATTR;
        o.source = p[0];
        if (size == 5 || ((size - 5) & 1)) return 0;
        o.claim = cond_lookup(m->env, p[0], p + 5, size - 5, &o.claim_len, &bad);
        if (bad) return 0;
    } else {
        o.kind = OP_LITERAL;
    }
    return push(m, &o);
}

/* Apply operator op; returns its result or E. */
static int apply(machine *m, uint8_t op)
{
    int unary = op == 0x87 || op == 0x8D || op == 0xA2 || (op >= 0x89 && op <= 0x8C)
                || (op >= 0x90 && op <= 0x93);
    cond_operand *a, *b;
    if (m->depth < (unary ? 1 : 2)) return E;
    b = &m->stack[--m->depth];
    if (unary) {
        /* Windows' `!` on a bare attribute with operands below it fails
        ** the whole expression: `a || !(a)` is UNKNOWN, `!(a) || a` TRUE
        ** (samba-0277..0280; the Samba suite documents the oddity). */
        if (op == 0xA2 && b->kind == OP_ATTR && m->depth > 0) return E;
        if (op == 0xA2) return truth(b) == E ? E : negate(truth(b));
        if (op == 0x87 || op == 0x8D) return exists(b, op == 0x8D);
        return unary_relational(m, op, b);
    }
    a = &m->stack[--m->depth];
    if (op == 0xA0 || op == 0xA1) {
        int x = truth(a), y = truth(b);
        if (x == E || y == E) return E;
        return op == 0xA0 ? logic_and(x, y) : logic_or(x, y);
    }
    return binary_relational(op, a, b);
}

/* Run the program; E on any error. */
static int run(machine *m, const uint8_t *p, size_t len)
{
    size_t off = 0;
    while (off < len && p[off]) {
        uint32_t size = cond_token_size(p + off, len - off);
        if (!size) return E;
        if (size == 1) {
            int r = apply(m, p[off]);
            if (r == E || !push_result(m, r)) return E;
        } else if (!push_operand(m, p + off, size)) {
            return E;
        }
        off += size;
    }
    for (; off < len; off++)
        if (p[off]) return E;                   /* padding must be zero */
    return m->depth == 1 ? truth(&m->stack[0]) : E;
}

int ntsec_cond_evaluate(const uint8_t *data, size_t len, const ntsec_cond_env *env)
{
    machine m;
    int r;
    if (!data || len < 4 || memcmp(data, "artx", 4) != 0) return NTSEC_COND_ERROR;
    m.env = env;
    m.depth = 0;
    r = run(&m, data + 4, len - 4);
    return r == E ? NTSEC_COND_ERROR : r;
}
