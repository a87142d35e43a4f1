/*
** cond_fuzz.c: libFuzzer harness for the conditional-ACE evaluator (issue
** 15; [MS-DTYP] 2.4.4.17, sd_semantics.md 2.11, 3.7; docs/fuzzing.md).
**
** The input is a program (fuzz_input.h): a claim set (local, @User. and
** @Device. claims of every CLAIM_SECURITY_ATTRIBUTE_TYPE, unknown ones
** included, with 0 to 300 values), resource attributes (RA ACEs in the SACL),
** groups, device groups and deny-only groups, then either an expression tree
** built from a grammar (relational leaves, Exists, Contains / Any_of,
** Member_of, bare attributes; &&, ||, !) written as SDDL, or raw bytes taken
** as the callback data.
** Invariants (abort on violation):
**   1. no crash, no leak, and every result is TRUE, FALSE, UNKNOWN or ERROR;
**   2. three-valued logic at every inner node of a tree whose leaves are not
**      bare attributes (those carry Windows' `!` quirk, issue 10) and whose
**      subexpressions are not errors: (A && B), (A || B) and !(A) evaluate
**      as Kleene's AND, OR and NOT of A and B evaluated alone; this gives
**      commutativity, De Morgan and double negation for those expressions;
**   3. allow/deny agreement for any expression: with the condition C
**      evaluated as an allow ACE (for_deny 0) to r and as a deny ACE to r',
**      D:(XA;;FR;;;WD;(C)) grants 0x1u exactly when r is TRUE, and
**      D:(XD;;FR;;;WD;(C))(A;;FR;;;WD) grants it exactly when r' is FALSE
**      (deny on UNKNOWN; an ERROR is UNKNOWN).
** Findings: fuzz/regress/cond/, replayed by tests/fuzz_regress_test.c.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "acl.h"
#include "cond.h"
#include "fuzz_input.h"
#include "sd.h"
#include "sddl.h"
#include "secdefs.h"
#include "sid.h"
#include "status.h"
#include "token.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CF_MAX_NODES 24
#define CF_TEXT 4096
#define CF_SACL 2048

static const char *const cf_names[] = {"a", "b", "Title", "c"};
static const char *const cf_sids[] = {"WD", "BA", "BU", "S-1-5-21-1-2-3-1000", "AU"};

/* ---- the claim set ---- */

static void cf_value(fuzz_in *in, uint16_t type, ntsec_claim_value *v, uint8_t *store)
{
    static const char *const strings[] = {"a", "PM", "pm", "x", "", "\xc3\xa9t\xc3\xa9"};
    memset(v, 0, sizeof *v);
    v->i = (int64_t)(int8_t)fuzz_u8(in);
    v->u = type == CLAIM_SECURITY_ATTRIBUTE_TYPE_BOOLEAN ? (fuzz_u8(in) & 1) : fuzz_u8(in);
    v->s = strings[fuzz_pick(in, 6)];
    if (type == CLAIM_SECURITY_ATTRIBUTE_TYPE_SID) {
        const char *s = cf_sids[fuzz_pick(in, 5)];
        if (ntsec_sid_from_string(s, strlen(s), NULL, store) == STATUS_SUCCESS) v->p = store;
    } else {
        v->p = store;
        v->len = fuzz_pick(in, 5);
        memset(store, fuzz_u8(in), v->len);
    }
}

static void cf_add_claim(ntsec_token *t, fuzz_in *in)
{
    static const uint16_t types[] = {CLAIM_SECURITY_ATTRIBUTE_TYPE_INT64, CLAIM_SECURITY_ATTRIBUTE_TYPE_UINT64,
                                     CLAIM_SECURITY_ATTRIBUTE_TYPE_STRING, CLAIM_SECURITY_ATTRIBUTE_TYPE_SID,
                                     CLAIM_SECURITY_ATTRIBUTE_TYPE_BOOLEAN, CLAIM_SECURITY_ATTRIBUTE_TYPE_OCTET_STRING,
                                     CLAIM_SECURITY_ATTRIBUTE_TYPE_FQBN};
    static ntsec_claim_value values[300];
    static uint8_t store[300][68];
    unsigned source = fuzz_pick(in, 3), c = fuzz_pick(in, 8), i;
    uint16_t type = c < 7 ? types[c] : fuzz_u16(in);
    uint32_t flags = fuzz_u8(in) & 3;
    size_t count = fuzz_pick(in, 5);
    if (count == 4) count = fuzz_u16(in) % 301;
    for (i = 0; i < count; i++) cf_value(in, type, &values[i], store[i]);
    (void)ntsec_token_add_claim(t, (ntsec_claim_source)source, cf_names[fuzz_pick(in, 4)], type, flags,
                                values, count);
}

static void cf_add_sid(ntsec_token *t, const char *s, int how)
{
    uint8_t sid[68];
    FUZZ_CHECK(ntsec_sid_from_string(s, strlen(s), NULL, sid) == STATUS_SUCCESS);
    if (how == 0) ntsec_token_add_group(t, sid, SE_GROUP_ENABLED);
    else if (how == 1) ntsec_token_add_group(t, sid, SE_GROUP_USE_FOR_DENY_ONLY);
    else ntsec_token_add_device_group(t, sid, SE_GROUP_ENABLED);
}

static ntsec_token *cf_token(fuzz_in *in)
{
    static const char *const groups[] = {"S-1-5-32-544", "S-1-5-32-545", "S-1-5-11"};
    uint8_t user[68];
    ntsec_token *t;
    unsigned bits = fuzz_u8(in), n, i;
    FUZZ_CHECK(ntsec_sid_from_string("S-1-5-21-1-2-3-1000", 19, NULL, user) == STATUS_SUCCESS);
    t = ntsec_token_new(user, 0);
    FUZZ_CHECK(t != NULL);
    cf_add_sid(t, "S-1-1-0", 0);                           /* WD: the ACEs' trustee */
    for (i = 0; i < 3; i++) {
        if (bits & (1u << i)) cf_add_sid(t, groups[i], (bits & (8u << i)) ? 1 : 0);
        if (bits & (0x40u << (i & 1))) cf_add_sid(t, groups[i], 2);
    }
    n = fuzz_pick(in, 7);
    for (i = 0; i < n; i++) cf_add_claim(t, in);
    return t;
}

/* SACL text: up to two resource attributes, "S:(RA;;;;;WD;(...))...". */
static void cf_sacl_text(fuzz_in *in, char *out, size_t cap)
{
    static const char *const ra[] = {
        "(\"a\",TI,0x0,1,2)", "(\"b\",TS,0x0,\"PM\",\"x\")", "(\"a\",TU,0x0,7)", "(\"Title\",TB,0x0,1)",
        "(\"c\",TD,0x0,SID(BA),SID(WD))", "(\"b\",TX,0x0,01ab)", "(\"a\",TS,0x2,\"pm\")", "(\"c\",TI,0x0)",
    };
    size_t at = 0;
    unsigned n = fuzz_pick(in, 3), i;
    out[0] = 0;
    if (n == 0) return;
    at += (size_t)snprintf(out, cap, "S:");
    for (i = 0; i < n && at < cap; i++)
        at += (size_t)snprintf(out + at, cap - at, "(RA;;;;;WD;%s)", ra[fuzz_pick(in, 8)]);
}

/* ---- expression trees ---- */

enum { CF_LEAF, CF_BARE, CF_AND, CF_OR, CF_NOT };

typedef struct cf_node {
    int op;
    int a, b;               /* children */
    char leaf[160];
    int bare_below;         /* a bare attribute somewhere in the subtree */
} cf_node;

typedef struct cf_tree {
    cf_node n[CF_MAX_NODES];
    int count;
} cf_tree;

static const char *cf_attr(fuzz_in *in)
{
    static const char *const attrs[] = {"@User.a", "@User.b", "@Device.a", "@Resource.a", "@Resource.b",
                                        "a", "Title", "@User.Title", "@Device.c", "@Resource.c"};
    return attrs[fuzz_pick(in, 10)];
}

static const char *cf_literal(fuzz_in *in)
{
    static const char *const lits[] = {"1", "2", "0", "-1", "7", "300", "0x7fffffffffffffff", "\"PM\"", "\"pm\"",
                                       "\"a\"", "\"x\"", "{1, 2}", "{\"a\", \"b\"}", "{}", "{\"PM\"}",
                                       "SID(BA)", "{SID(WD), SID(BU)}", "#01ab", "#", "{1}"};
    return lits[fuzz_pick(in, 20)];
}

static void cf_leaf(fuzz_in *in, cf_node *nd)
{
    static const char *const rel[] = {"==", "!=", "<", "<=", ">", ">="};
    static const char *const set[] = {"Contains", "Not_Contains", "Any_of", "Not_Any_of"};
    static const char *const mem[] = {"Member_of", "Not_Member_of", "Member_of_Any", "Not_Member_of_Any",
                                      "Device_Member_of", "Device_Member_of_Any", "Not_Device_Member_of",
                                      "Not_Device_Member_of_Any"};
    char *s = nd->leaf;
    size_t cap = sizeof nd->leaf;
    nd->op = CF_LEAF;
    switch (fuzz_pick(in, 6)) {
    case 0: snprintf(s, cap, "(%s %s %s)", cf_attr(in), rel[fuzz_pick(in, 6)], cf_literal(in)); break;
    case 1: snprintf(s, cap, "(%s %s)", fuzz_u8(in) & 1 ? "Exists" : "Not_Exists", cf_attr(in)); break;
    case 2: snprintf(s, cap, "(%s %s %s)", cf_attr(in), set[fuzz_pick(in, 4)], cf_literal(in)); break;
    case 3: snprintf(s, cap, "(%s {SID(%s), SID(%s)})", mem[fuzz_pick(in, 8)], cf_sids[fuzz_pick(in, 5)],
                     cf_sids[fuzz_pick(in, 5)]); break;
    case 4: snprintf(s, cap, "(%s %s %s)", cf_attr(in), rel[fuzz_pick(in, 6)], cf_attr(in)); break;
    default:
        snprintf(s, cap, "(%s)", cf_attr(in));
        nd->op = CF_BARE;
        break;
    }
    nd->bare_below = nd->op == CF_BARE;
}

/* Build a subtree of at most depth levels; returns its index or -1. */
static int cf_build(cf_tree *t, fuzz_in *in, int depth)
{
    int i, op;
    if (t->count >= CF_MAX_NODES) return -1;
    i = t->count++;
    op = depth > 0 ? (int)fuzz_pick(in, 5) : 0;
    if (op <= 1) {
        cf_leaf(in, &t->n[i]);
        return i;
    }
    t->n[i].op = op == 2 ? CF_AND : op == 3 ? CF_OR : CF_NOT;
    t->n[i].a = cf_build(t, in, depth - 1);
    t->n[i].b = t->n[i].op == CF_NOT ? -1 : cf_build(t, in, depth - 1);
    if (t->n[i].a < 0 || (t->n[i].op != CF_NOT && t->n[i].b < 0)) {
        cf_leaf(in, &t->n[i]);
        return i;
    }
    t->n[i].bare_below = t->n[t->n[i].a].bare_below || (t->n[i].b >= 0 && t->n[t->n[i].b].bare_below);
    return i;
}

static size_t cf_render(const cf_tree *t, int i, char *out, size_t cap, size_t at)
{
    const cf_node *nd = &t->n[i];
    if (at >= cap) return at;
    if (nd->op == CF_LEAF || nd->op == CF_BARE)
        return at + (size_t)snprintf(out + at, cap - at, "%s", nd->leaf);
    if (nd->op == CF_NOT) {
        at += (size_t)snprintf(out + at, cap - at, "(!");
        at = cf_render(t, nd->a, out, cap, at);
        return at < cap ? at + (size_t)snprintf(out + at, cap - at, ")") : at;
    }
    at += (size_t)snprintf(out + at, cap - at, "(");
    at = cf_render(t, nd->a, out, cap, at);
    if (at < cap) at += (size_t)snprintf(out + at, cap - at, nd->op == CF_AND ? " && " : " || ");
    at = cf_render(t, nd->b, out, cap, at);
    return at < cap ? at + (size_t)snprintf(out + at, cap - at, ")") : at;
}

/* ---- evaluation ---- */

typedef struct cf_ctx {
    ntsec_token *token;
    const char *sacl_text;
    uint8_t wd[12];
} cf_ctx;

/* Parse "O:SYG:SYD:(XA;;0x1;;;WD;cond)S:..." ; NULL when the text is refused. */
static ntsec_sd *cf_parse(const cf_ctx *c, const char *cond)
{
    static char text[CF_TEXT + CF_SACL + 64];
    ntsec_sd *sd = NULL;
    int n = snprintf(text, sizeof text, "O:SYG:SYD:(XA;;0x1;;;WD;%s)%s", cond, c->sacl_text);
    if (n < 0 || (size_t)n >= sizeof text) return NULL;
    if (ntsec_sddl_parse(text, (size_t)n, NULL, &sd, NULL) != STATUS_SUCCESS) return NULL;
    return sd;
}

/* The callback data of the DACL's first ACE. */
static int cf_callback_data(const ntsec_sd *sd, ntsec_ace *ace)
{
    ntsec_sd_parts p;
    ntsec_acl_iter it;
    ntsec_sd_get_parts(sd, &p);
    if (!p.dacl) return 0;
    ntsec_acl_iter_init(&it, p.dacl);
    return ntsec_acl_next(&it, ace) && ace->type == ACCESS_ALLOWED_CALLBACK_ACE_TYPE;
}

static int cf_eval(const cf_ctx *c, const uint8_t *sacl, const uint8_t *data, size_t len, int for_deny)
{
    ntsec_cond_env env;
    int r;
    memset(&env, 0, sizeof env);
    env.token = c->token;
    env.sacl = sacl;
    env.for_deny = for_deny;
    r = ntsec_cond_evaluate(data, len, &env);
    FUZZ_CHECK(r == NTSEC_COND_TRUE || r == NTSEC_COND_FALSE || r == NTSEC_COND_UNKNOWN || r == NTSEC_COND_ERROR);
    return r == NTSEC_COND_ERROR ? NTSEC_COND_UNKNOWN : r;
}

/* Evaluate a condition text; -3 when refused, NTSEC_COND_ERROR kept apart. */
static int cf_eval_text(const cf_ctx *c, const char *cond)
{
    ntsec_sd *sd = cf_parse(c, cond);
    ntsec_sd_parts p;
    ntsec_ace ace;
    ntsec_cond_env env;
    int r = -3;
    if (!sd) return r;
    ntsec_sd_get_parts(sd, &p);
    if (cf_callback_data(sd, &ace)) {
        memset(&env, 0, sizeof env);
        env.token = c->token;
        env.sacl = p.sacl;
        r = ntsec_cond_evaluate(ace.data, ace.data_len, &env);
    }
    ntsec_sd_unref(sd);
    return r;
}

static int cf_kleene(int op, int a, int b)
{
    const int T = NTSEC_COND_TRUE, F = NTSEC_COND_FALSE, U = NTSEC_COND_UNKNOWN;
    if (op == CF_NOT) return a == T ? F : a == F ? T : U;
    if (op == CF_AND) return (a == F || b == F) ? F : (a == T && b == T) ? T : U;
    return (a == T || b == T) ? T : (a == F && b == F) ? F : U;
}

/* Invariant 2: returns the node's result, or -3 when the laws do not apply below. */
static int cf_check_laws(const cf_ctx *c, const cf_tree *t, int i)
{
    static char text[CF_TEXT];
    const cf_node *nd = &t->n[i];
    int ra, rb = NTSEC_COND_UNKNOWN, r;
    if (nd->bare_below) return -3;
    if (cf_render(t, i, text, sizeof text, 0) >= sizeof text) return -3;
    r = cf_eval_text(c, text);
    if (r == -3 || r == NTSEC_COND_ERROR || nd->op == CF_LEAF) return r == NTSEC_COND_ERROR ? -3 : r;
    ra = cf_check_laws(c, t, nd->a);
    if (nd->op != CF_NOT) rb = cf_check_laws(c, t, nd->b);
    if (ra == -3 || rb == -3) return -3;
    FUZZ_CHECK(r == cf_kleene(nd->op, ra, rb));
    return r;
}

/* ---- invariant 3 ---- */

static ntsec_sd *cf_with_dacl(const ntsec_sd *base, const uint8_t *data, size_t len, int deny)
{
    ntsec_sd_parts p;
    ntsec_buf b;
    ntsec_acl_builder ab;
    ntsec_ace ace;
    ntsec_sd *out = NULL;
    ntsec_sd_get_parts(base, &p);
    ntsec_buf_init(&b);
    ntsec_acl_begin(&ab, &b);
    memset(&ace, 0, sizeof ace);
    ace.type = deny ? ACCESS_DENIED_CALLBACK_ACE_TYPE : ACCESS_ALLOWED_CALLBACK_ACE_TYPE;
    ace.mask = 0x1u;
    ace.data = data;
    ace.data_len = (uint32_t)len;
    ace.size = (uint16_t)(8 + 12 + len);
    ace.sid = (const uint8_t *)"\x01\x01\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00";
    ntsec_acl_add(&ab, &ace);
    if (deny) {
        ace.type = ACCESS_ALLOWED_ACE_TYPE;
        ace.data = NULL;
        ace.data_len = 0;
        ace.size = 20;
        ntsec_acl_add(&ab, &ace);
    }
    if (ntsec_acl_end(&ab, 0) == STATUS_SUCCESS) {
        p.dacl = b.data;
        if (ntsec_sd_build(&p, &out) != STATUS_SUCCESS) out = NULL;
    }
    ntsec_buf_free(&b);
    return out;
}

static void cf_check_forms(const cf_ctx *c, const ntsec_sd *base, const uint8_t *data, size_t len)
{
    ntsec_sd_parts p;
    int deny;
    ntsec_sd_get_parts(base, &p);
    for (deny = 0; deny < 2; deny++) {
        ntsec_sd *sd = cf_with_dacl(base, data, len, deny);
        ntsec_access_result res;
        int r;
        if (!sd) continue;   /* callback data too long for an ACE */
        r = cf_eval(c, p.sacl, data, len, deny);
        FUZZ_CHECK(ntsec_access_check(sd, c->token, 0x1u, &ntsec_file_mapping, NULL, &res)
                   == STATUS_SUCCESS);
        if (deny) FUZZ_CHECK((res.access_status == STATUS_SUCCESS) == (r == NTSEC_COND_FALSE));
        else FUZZ_CHECK((res.access_status == STATUS_SUCCESS) == (r == NTSEC_COND_TRUE));
        ntsec_sd_unref(sd);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char sacl[CF_SACL], text[CF_TEXT];
    fuzz_in in = {data, size, 0};
    cf_ctx c;
    cf_tree t;
    ntsec_sd *base;
    ntsec_ace ace;
    int raw = fuzz_u8(&in) & 1;
    c.token = cf_token(&in);
    cf_sacl_text(&in, sacl, sizeof sacl);
    c.sacl_text = sacl;
    if (raw) {
        size_t n = in.len - in.at;
        base = cf_parse(&c, "(Exists a)");
        if (base) cf_check_forms(&c, base, in.p + in.at, n);
    } else {
        t.count = 0;
        cf_build(&t, &in, 1 + (int)fuzz_pick(&in, 5));
        base = NULL;
        if (cf_render(&t, 0, text, sizeof text, 0) < sizeof text) base = cf_parse(&c, text);
        if (base) {
            (void)cf_check_laws(&c, &t, 0);
            if (cf_callback_data(base, &ace)) cf_check_forms(&c, base, ace.data, ace.data_len);
        }
    }
    ntsec_sd_unref(base);
    ntsec_token_free(c.token);
    return 0;
}
