/*
** wfp_classify.c: classification at one layer (wfp_classify.h;
** wfp_classify.md 3, 4).
**
**   1. each sublayer in order is walked (3.4): filters in weight order, the
**      first matching one ends it; a callout's verdict, a filter whose match
**      depends on an absent field, and tied filters that disagree are
**      choices: the walk branches and yields one alternative per choice;
**   2. the sublayers' alternatives are combined in order (3.5), every
**      combination an outcome with its own chain of steps and choices;
**   3. the decision is read off the outcomes.
** Matches are memoised per filter for the call, descriptor checks per
** principal across calls; nothing allocates once the scratch is big enough.
*/
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "wfp_classify_internal.h"
#include "status.h"

#define NONE32 UINT32_MAX
#define MAX_DEPTH 32      /* choices on one path through a sublayer */
#define MAX_EXCLUDE 32

typedef struct alt {
    ntsec_wfp_verdict verdict;
    uint32_t first, count;          /* its choices in c->alt_choices */
} alt;

struct ntsec_wfp_classifier {
    ntsec_wfp_result result;
    /* result storage */
    ntsec_wfp_trace_sublayer *subs;
    size_t cap_subs;
    ntsec_wfp_trace_filter *tf;
    size_t cap_tf;
    ntsec_wfp_outcome *outs, *next_outs;
    ntsec_wfp_choice *choices;
    size_t nchoices, cap_choices;
    ntsec_wfp_step *steps;
    size_t nsteps, cap_steps;
    /* per-call scratch, indexed by position in the layer order */
    ntsec_wfp_match_info *mi;
    uint8_t *mi_done;
    unsigned *roles;
    size_t cap_pos;
    /* the sublayer walk */
    const ntsec_wfp_filter_set *set;
    const set_layer *layer;
    const ntsec_wfp_flow *flow;
    ntsec_wfp_flow resolved;         /* the caller's flow with derived values */
    const ntsec_fwp_value *proto, *app;   /* its IP_PROTOCOL and ALE_APP_ID, or NULL */
    const ntsec_wfp_classify_opts *opts;
    size_t begin, end, reach;       /* sublayer range; furthest position considered */
    ntsec_wfp_choice stack[MAX_DEPTH];
    size_t depth;
    uint32_t exclude[MAX_EXCLUDE];
    size_t nexclude;
    alt *alts;
    size_t nalts, cap_alts;
    ntsec_wfp_choice *alt_choices;
    size_t nalt_choices, cap_alt_choices;
    int overflow;
    /* descriptor memo */
    ntsec_wfp_sd_memo memo;
    size_t cap_memo;
    const void *memo_principal, *memo_set, *memo_token, *memo_ac;
    uint64_t memo_version;
};

static const ntsec_wfp_classify_opts default_opts;

/* ---- names ---- */

static const char *name_at(const char *const *names, size_t n, unsigned i)
{
    return i < n && names[i] ? names[i] : "?";
}

const char *ntsec_wfp_decision_name(ntsec_wfp_decision d)
{
    static const char *const n[] = { NULL, "permit", "block", "depends", "ambiguous" };
    return name_at(n, sizeof n / sizeof n[0], (unsigned)d);
}

const char *ntsec_wfp_reason_name(ntsec_wfp_reason r)
{
    static const char *const n[] = { NULL, "filter", "no_match", "varies" };
    return name_at(n, sizeof n / sizeof n[0], (unsigned)r);
}

const char *ntsec_wfp_rule_name(ntsec_wfp_rule r)
{
    static const char *const n[] = { NULL, "first", "block_final", "hard_permit_kept", "veto",
                                     "block_overrides", "soft_block_permitted", "permit_kept" };
    return name_at(n, sizeof n / sizeof n[0], (unsigned)r);
}

/* ---- storage ---- */

static int reserve(void **p, size_t *cap, size_t need, size_t elem)
{
    size_t c = *cap ? *cap : 16;
    void *q;
    if (need <= *cap) return 1;
    while (c < need) c *= 2;
    q = realloc(*p, c * elem);
    if (!q) return 0;
    *p = q;
    *cap = c;
    return 1;
}

ntsec_wfp_classifier *ntsec_wfp_classifier_new(void)
{
    return calloc(1, sizeof(ntsec_wfp_classifier));
}

void ntsec_wfp_classifier_free(ntsec_wfp_classifier *c)
{
    if (!c) return;
    free(c->subs);
    free(c->tf);
    free(c->outs);
    free(c->next_outs);
    free(c->choices);
    free(c->steps);
    free(c->mi);
    free(c->mi_done);
    free(c->roles);
    free(c->alts);
    free(c->alt_choices);
    free(c->memo.results);
    free(c);
}

void ntsec_wfp_classifier_forget(ntsec_wfp_classifier *c)
{
    c->memo_principal = NULL;
    c->memo_set = NULL;
}

static int prepare_memo(ntsec_wfp_classifier *c, const ntsec_wfp_filter_set *s, const ntsec_wfp_flow *f)
{
    const void *tok = f->principal ? (const void *)f->principal->token : NULL;
    const void *ac = f->principal ? (const void *)f->principal->appcontainer : NULL;
    if (c->memo_set == s && c->memo_principal == f->principal && c->memo_version == s->version
        && c->memo.count == s->nsds && c->memo_token == tok && c->memo_ac == ac)
        return 1;
    c->memo_token = tok;
    c->memo_ac = ac;
    if (!reserve((void **)&c->memo.results, &c->cap_memo, s->nsds ? s->nsds : 1, 1)) return 0;
    memset(c->memo.results, 0, s->nsds);
    c->memo.count = s->nsds;
    c->memo_set = s;
    c->memo_principal = f->principal;
    c->memo_version = s->version;
    return 1;
}

/* ---- one sublayer (3.4) ---- */

static const ntsec_wfp_filter_def *filter_at(const ntsec_wfp_classifier *c, size_t k)
{
    return &c->set->filters[c->layer->order[k]];
}

static int skipped(const ntsec_wfp_classifier *c, size_t k)
{
    uint32_t flags = c->layer->flags[k];
    int boot = (flags & NTSEC_WFP_FILTER_FLAG_BOOTTIME) != 0;
    if (flags & NTSEC_WFP_FILTER_FLAG_DISABLED) return 1;
    return c->opts->boot_mode ? !boot : boot;
}

static int excluded(const ntsec_wfp_classifier *c, uint32_t fi)
{
    size_t i;
    for (i = 0; i < c->nexclude; i++)
        if (c->exclude[i] == fi) return 1;
    return 0;
}

/* A FALSE single-EQUAL protocol or app-id condition decides at once; the
** result is the one the full evaluation would give for that run. */
static int quick_reject(ntsec_wfp_classifier *c, uint32_t fi, ntsec_wfp_match_info *mi)
{
    const set_quick *q = &c->set->quick[fi];
    const ntsec_wfp_filter_def *f = &c->set->filters[fi];
    int32_t at = -1;
    if (q->proto_cond >= 0 && c->proto && c->proto->type == NTSEC_FWP_UINT8 && c->proto->n.u != q->proto)
        at = q->proto_cond;
    else if (q->app_cond >= 0 && c->app && c->app->type == NTSEC_FWP_BYTE_BLOB_TYPE
             && !ntsec_fwp_value_equal(c->app, &f->conditions[q->app_cond].value))
        at = q->app_cond;
    if (at < 0) return 0;
    mi->result = NTSEC_WFP_FALSE;
    mi->cond = (uint32_t)at;
    mi->why = NTSEC_WFP_WHY_VALUE;
    mi->assumed = 0;
    return 1;
}

static const ntsec_wfp_match_info *match_at(ntsec_wfp_classifier *c, size_t k)
{
    if (!c->mi_done[k]) {
        uint32_t fi = c->layer->order[k];
        const ntsec_wfp_filter_def *f = &c->set->filters[fi];
        if (!quick_reject(c, fi, &c->mi[k]))
            ntsec_wfp_conditions_match(f->conditions, f->condition_count, c->flow, &c->memo, &c->mi[k]);
        c->mi_done[k] = 1;
    }
    if (k + 1 > c->reach) c->reach = k + 1;
    return &c->mi[k];
}

static void push(ntsec_wfp_classifier *c, ntsec_wfp_choice_kind kind, uint32_t value, uint32_t filter)
{
    if (c->depth == MAX_DEPTH) {
        c->overflow = 1;
        c->depth++;
        return;
    }
    c->stack[c->depth].kind = kind;
    c->stack[c->depth].value = value;
    c->stack[c->depth].filter = filter;
    c->stack[c->depth].parent = NONE32;
    c->depth++;
}

static void pop(ntsec_wfp_classifier *c) { c->depth--; }

static void emit(ntsec_wfp_classifier *c, const ntsec_wfp_verdict *v)
{
    size_t n = c->depth > MAX_DEPTH ? MAX_DEPTH : c->depth;
    alt *a;
    if (c->nalts >= NTSEC_WFP_MAX_OUTCOMES
        || !reserve((void **)&c->alts, &c->cap_alts, c->nalts + 1, sizeof *c->alts)
        || !reserve((void **)&c->alt_choices, &c->cap_alt_choices, c->nalt_choices + n,
                    sizeof *c->alt_choices)) {
        c->overflow = 1;
        return;
    }
    a = &c->alts[c->nalts++];
    a->verdict = *v;
    a->first = (uint32_t)c->nalt_choices;
    a->count = (uint32_t)n;
    if (n) memcpy(c->alt_choices + c->nalt_choices, c->stack, n * sizeof *c->stack);
    c->nalt_choices += n;
}

static ntsec_wfp_verdict verdict_of(uint32_t fi, uint32_t action, const ntsec_wfp_filter_def *f,
                                    int from_callout, int unregistered)
{
    ntsec_wfp_verdict v;
    memset(&v, 0, sizeof v);
    v.action = action;
    v.filter = fi;
    v.from_callout = (uint8_t)from_callout;
    v.unregistered = (uint8_t)unregistered;
    /* 3.5 defaults: filter block hard, everything else soft;
    ** CLEAR_ACTION_RIGHT makes any action hard */
    v.hard = (uint8_t)((f->flags & NTSEC_WFP_FILTER_FLAG_CLEAR_ACTION_RIGHT)
                       || (action == NTSEC_WFP_ACTION_BLOCK && !from_callout));
    return v;
}

static void walk(ntsec_wfp_classifier *c, size_t k);

/* Apply filter at position k, which matches. Returns 1 when the walk goes
** on with the next filter (inspection, continue), 0 when this call has
** emitted every alternative itself. */
static int act(ntsec_wfp_classifier *c, size_t k)
{
    static const uint32_t verdicts[3] = { NTSEC_WFP_ACTION_PERMIT, NTSEC_WFP_ACTION_BLOCK,
                                          NTSEC_WFP_ACTION_CONTINUE };
    const ntsec_wfp_filter_def *f = filter_at(c, k);
    uint32_t fi = c->layer->order[k], i, n;
    const set_callout *co;
    ntsec_wfp_verdict v;
    if (f->action == NTSEC_WFP_ACTION_PERMIT || f->action == NTSEC_WFP_ACTION_BLOCK) {
        v = verdict_of(fi, f->action, f, 0, 0);
        c->roles[k] |= NTSEC_WFP_ROLE_DECIDED;
        emit(c, &v);
        return 0;
    }
    if (f->action != NTSEC_WFP_ACTION_CALLOUT_TERMINATING && f->action != NTSEC_WFP_ACTION_CALLOUT_UNKNOWN) {
        /* inspection callouts never decide (SA-SACT); other types continue */
        if (f->action == NTSEC_WFP_ACTION_CALLOUT_INSPECTION) {
            co = wfp_set_callout(c->set, &f->callout);
            if (!co || co->registered) c->roles[k] |= NTSEC_WFP_ROLE_INSPECTED;
        }
        return 1;
    }
    co = wfp_set_callout(c->set, &f->callout);
    if (co && !co->registered) {
        /* 3.4: unregistered -> block, or permit with PERMIT_IF_CALLOUT_UNREGISTERED */
        uint32_t a = (f->flags & NTSEC_WFP_FILTER_FLAG_PERMIT_IF_CALLOUT_UNREGISTERED)
                   ? NTSEC_WFP_ACTION_PERMIT : NTSEC_WFP_ACTION_BLOCK;
        v = verdict_of(fi, a, f, 0, 1);
        c->roles[k] |= NTSEC_WFP_ROLE_DECIDED;
        emit(c, &v);
        return 0;
    }
    /* the verdict is runtime state: one alternative per possible verdict
    ** (TERMINATING: anything but PERMIT counts as BLOCK, SA-SACT) */
    c->roles[k] |= NTSEC_WFP_ROLE_BRANCHED | NTSEC_WFP_ROLE_DECIDED;
    n = f->action == NTSEC_WFP_ACTION_CALLOUT_UNKNOWN ? 3 : 2;
    for (i = 0; i < n; i++) {
        push(c, NTSEC_WFP_CHOICE_CALLOUT, verdicts[i], fi);
        if (verdicts[i] == NTSEC_WFP_ACTION_CONTINUE) {
            walk(c, k + 1);
        } else {
            v = verdict_of(fi, verdicts[i], f, 1, 0);
            emit(c, &v);
        }
        pop(c);
    }
    return 0;
}

/* Same behaviour: two filters in a tie lead to the same verdicts. */
static int same_behaviour(const ntsec_wfp_filter_def *a, const ntsec_wfp_filter_def *b)
{
    const uint32_t keep = NTSEC_WFP_FILTER_FLAG_CLEAR_ACTION_RIGHT
                        | NTSEC_WFP_FILTER_FLAG_PERMIT_IF_CALLOUT_UNREGISTERED;
    if (a->action != b->action || (a->flags & keep) != (b->flags & keep)) return 0;
    return !(a->action & NTSEC_WFP_ACTION_FLAG_CALLOUT) || memcmp(a->callout.b, b->callout.b, 16) == 0;
}

/* Candidates tied with position k (same effective weight, not excluded,
** skipped or non-matching) into out; returns their count. */
static size_t tie_group(ntsec_wfp_classifier *c, size_t k, size_t *out, size_t cap)
{
    uint64_t w = c->layer->ew[k];
    size_t j, n = 0;
    for (j = k; j < c->end && c->layer->ew[j] == w; j++) {
        if (excluded(c, c->layer->order[j]) || skipped(c, j)) continue;
        if (match_at(c, j)->result == NTSEC_WFP_FALSE) continue;
        if (n < cap) out[n++] = j;
    }
    return n;
}

static void run_filter(ntsec_wfp_classifier *c, size_t k, size_t resume);

/* A tie whose members disagree (3.3): each distinct behaviour goes first
** in one alternative; the others follow in filterId order. */
static void branch_tie(ntsec_wfp_classifier *c, size_t k, const size_t *g, size_t n)
{
    size_t i, j;
    for (i = 0; i < n; i++) {
        const ntsec_wfp_filter_def *f = filter_at(c, g[i]);
        int seen = 0;
        c->roles[g[i]] |= NTSEC_WFP_ROLE_TIE_SPLIT;
        for (j = 0; j < i && !seen; j++) seen = same_behaviour(filter_at(c, g[j]), f);
        if (seen || c->nexclude == MAX_EXCLUDE) continue;
        push(c, NTSEC_WFP_CHOICE_TIE, 1, c->layer->order[g[i]]);
        c->exclude[c->nexclude++] = c->layer->order[g[i]];
        run_filter(c, g[i], k);
        c->nexclude--;
        pop(c);
    }
}

/* Filter at k matches TRUE or UNKNOWN: apply it; continuing walks resume. */
static void run_filter(ntsec_wfp_classifier *c, size_t k, size_t resume)
{
    if (match_at(c, k)->result == NTSEC_WFP_UNKNOWN) {
        uint32_t fi = c->layer->order[k];
        c->roles[k] |= NTSEC_WFP_ROLE_BRANCHED;
        push(c, NTSEC_WFP_CHOICE_MATCH, 1, fi);
        if (act(c, k)) walk(c, resume);
        pop(c);
        push(c, NTSEC_WFP_CHOICE_MATCH, 0, fi);
        walk(c, resume);
        pop(c);
        return;
    }
    if (act(c, k)) walk(c, resume);
}

static void walk(ntsec_wfp_classifier *c, size_t k)
{
    ntsec_wfp_verdict none;
    size_t g[16], n, i;
    for (; k < c->end; k++) {
        if (c->nexclude && excluded(c, c->layer->order[k])) continue;
        if (skipped(c, k)) {
            c->roles[k] |= NTSEC_WFP_ROLE_SKIPPED;
            if (k + 1 > c->reach) c->reach = k + 1;
            continue;
        }
        if (match_at(c, k)->result == NTSEC_WFP_FALSE) continue;
        n = k + 1 < c->end && c->layer->ew[k + 1] == c->layer->ew[k]
          ? tie_group(c, k, g, sizeof g / sizeof g[0]) : 1;
        if (n > 1) {
            int disagree = 0;
            for (i = 0; i < n; i++) {
                c->roles[g[i]] |= NTSEC_WFP_ROLE_TIE;
                if (!same_behaviour(filter_at(c, g[0]), filter_at(c, g[i]))) disagree = 1;
            }
            if (disagree) {
                branch_tie(c, k, g, n);
                return;
            }
        }
        if (match_at(c, k)->result == NTSEC_WFP_UNKNOWN) {
            run_filter(c, k, k + 1);
            return;
        }
        if (!act(c, k)) return;
    }
    memset(&none, 0, sizeof none);
    none.filter = NONE32;
    emit(c, &none);
}

/* ---- combining sublayers (3.5) ---- */

static ntsec_wfp_rule combine(const ntsec_wfp_verdict *state, const ntsec_wfp_verdict *r,
                              ntsec_wfp_verdict *out)
{
    *out = *state;
    if (!state->action) { *out = *r; return NTSEC_WFP_RULE_FIRST; }
    if (state->action == NTSEC_WFP_ACTION_BLOCK && state->hard) return NTSEC_WFP_RULE_BLOCK_FINAL;
    if (state->action == NTSEC_WFP_ACTION_PERMIT && state->hard) {
        if (r->action == NTSEC_WFP_ACTION_BLOCK && r->from_callout) {
            *out = *r;
            out->veto = 1;
            return NTSEC_WFP_RULE_VETO;
        }
        return NTSEC_WFP_RULE_HARD_PERMIT_KEPT;
    }
    if (r->action == NTSEC_WFP_ACTION_BLOCK) { *out = *r; return NTSEC_WFP_RULE_BLOCK_OVERRIDES; }
    if (state->action == NTSEC_WFP_ACTION_BLOCK) { *out = *r; return NTSEC_WFP_RULE_SOFT_BLOCK_PERMITTED; }
    return NTSEC_WFP_RULE_PERMIT_KEPT;
}

static int add_choice(ntsec_wfp_classifier *c, const ntsec_wfp_choice *ch, uint32_t parent, uint32_t *out)
{
    if (!reserve((void **)&c->choices, &c->cap_choices, c->nchoices + 1, sizeof *c->choices)) return 0;
    c->choices[c->nchoices] = *ch;
    c->choices[c->nchoices].parent = parent;
    *out = (uint32_t)c->nchoices++;
    return 1;
}

/* Extend outcome o by alternative a of sublayer index sub into *dst. */
static int extend(ntsec_wfp_classifier *c, const ntsec_wfp_outcome *o, const alt *a, uint32_t sub,
                  ntsec_wfp_outcome *dst)
{
    uint32_t i;
    ntsec_wfp_outcome r = *o;
    for (i = 0; i < a->count; i++)
        if (!add_choice(c, &c->alt_choices[a->first + i], r.last_choice, &r.last_choice)) return 0;
    if (a->verdict.action) {
        ntsec_wfp_step *st;
        if (!reserve((void **)&c->steps, &c->cap_steps, c->nsteps + 1, sizeof *c->steps)) return 0;
        st = &c->steps[c->nsteps];
        st->sublayer = sub;
        st->verdict = a->verdict;
        st->rule = combine(&o->final, &a->verdict, &r.final);
        st->state = r.final;
        st->parent = o->last_step;
        r.last_step = (uint32_t)c->nsteps++;
    }
    *dst = r;
    return 1;
}

static NTSTATUS combine_sublayer(ntsec_wfp_classifier *c, uint32_t sub)
{
    ntsec_wfp_result *res = &c->result;
    size_t i, j, n = 0;
    ntsec_wfp_outcome *tmp;
    if (c->nalts == 1 && c->alts[0].count == 0 && !c->alts[0].verdict.action) return STATUS_SUCCESS;
    for (i = 0; i < res->outcome_count; i++)
        for (j = 0; j < c->nalts; j++) {
            if (n == NTSEC_WFP_MAX_OUTCOMES) {
                res->truncated = 1;
                break;
            }
            if (!extend(c, &c->outs[i], &c->alts[j], sub, &c->next_outs[n])) return STATUS_NO_MEMORY;
            n++;
        }
    tmp = c->outs;
    c->outs = c->next_outs;
    c->next_outs = tmp;
    res->outcome_count = n;
    return STATUS_SUCCESS;
}

/* ---- the layer ---- */

static NTSTATUS reserve_call(ntsec_wfp_classifier *c, size_t npos)
{
    size_t cap = c->cap_pos;
    if (!reserve((void **)&c->mi, &cap, npos, sizeof *c->mi)) return STATUS_NO_MEMORY;
    cap = c->cap_pos;
    if (!reserve((void **)&c->mi_done, &cap, npos, 1)) return STATUS_NO_MEMORY;
    cap = c->cap_pos;
    if (!reserve((void **)&c->roles, &cap, npos, sizeof *c->roles)) return STATUS_NO_MEMORY;
    c->cap_pos = cap;
    if (!reserve((void **)&c->tf, &c->cap_tf, npos, sizeof *c->tf)) return STATUS_NO_MEMORY;
    if (!c->outs) {
        c->outs = malloc(NTSEC_WFP_MAX_OUTCOMES * sizeof *c->outs);
        c->next_outs = malloc(NTSEC_WFP_MAX_OUTCOMES * sizeof *c->next_outs);
        if (!c->outs || !c->next_outs) return STATUS_NO_MEMORY;
    }
    memset(c->mi_done, 0, npos);
    memset(c->roles, 0, npos * sizeof *c->roles);
    return STATUS_SUCCESS;
}

static NTSTATUS trace_sublayer(ntsec_wfp_classifier *c, size_t b, size_t e)
{
    ntsec_wfp_result *res = &c->result;
    ntsec_wfp_trace_sublayer *ts;
    uint32_t si = c->layer->sub[b];
    const ntsec_wfp_filter_def *f = filter_at(c, b);
    size_t k;
    if (!reserve((void **)&c->subs, &c->cap_subs, res->sublayer_count + 1, sizeof *c->subs))
        return STATUS_NO_MEMORY;
    ts = &c->subs[res->sublayer_count];
    memset(ts, 0, sizeof *ts);
    ts->key = f->sublayer;
    if (si != NONE32) {
        ts->name = c->set->subs[si].name;
        ts->weight = c->set->subs[si].weight;
        ts->known = 1;
    }
    ts->first = (uint32_t)res->filter_count;
    ts->total = (uint32_t)(e - b);
    for (k = b; k < c->reach; k++) {
        ntsec_wfp_trace_filter *t = &c->tf[res->filter_count++];
        t->filter = c->layer->order[k];
        t->roles = c->roles[k];
        if (c->mi_done[k]) {
            t->match = c->mi[k];
            res->assumed |= c->mi[k].assumed;
        } else {
            memset(&t->match, 0, sizeof t->match);
            t->match.cond = NONE32;
            t->match.result = NTSEC_WFP_UNKNOWN;   /* skipped: not evaluated */
        }
    }
    ts->count = (uint32_t)(res->filter_count - ts->first);
    return STATUS_SUCCESS;
}

static int same_verdict(const ntsec_wfp_verdict *a, const ntsec_wfp_verdict *b)
{
    return a->action == b->action && a->filter == b->filter && a->hard == b->hard && a->veto == b->veto;
}

static void decide(ntsec_wfp_classifier *c)
{
    ntsec_wfp_result *res = &c->result;
    const ntsec_wfp_verdict *first = &c->outs[0].final;
    uint32_t a0 = first->action ? first->action : NTSEC_WFP_ACTION_PERMIT;
    int same_action = 1, identical = 1, runtime = 0;
    size_t i;
    for (i = 1; i < res->outcome_count; i++) {
        const ntsec_wfp_verdict *v = &c->outs[i].final;
        if ((v->action ? v->action : NTSEC_WFP_ACTION_PERMIT) != a0) same_action = 0;
        if (!same_verdict(v, first)) identical = 0;
    }
    for (i = 0; i < c->nchoices; i++)
        if (c->choices[i].kind != NTSEC_WFP_CHOICE_TIE) runtime = 1;
    res->verdict = *first;
    if (!identical) res->verdict.filter = NONE32;
    if (same_action && !res->truncated) {
        res->decision = a0 == NTSEC_WFP_ACTION_BLOCK ? NTSEC_WFP_DECISION_BLOCK : NTSEC_WFP_DECISION_PERMIT;
        res->reason = !identical ? NTSEC_WFP_REASON_VARIES
                    : first->action ? NTSEC_WFP_REASON_FILTER : NTSEC_WFP_REASON_NO_MATCH;
        return;
    }
    res->decision = runtime || res->truncated ? NTSEC_WFP_DECISION_DEPENDS : NTSEC_WFP_DECISION_AMBIGUOUS;
    res->reason = NTSEC_WFP_REASON_VARIES;
}

static NTSTATUS classify_layer(ntsec_wfp_classifier *c)
{
    ntsec_wfp_result *res = &c->result;
    size_t b = 0, n = c->layer ? c->layer->n : 0;
    NTSTATUS st;
    while (b < n) {
        size_t e = c->layer->group_end[b];
        c->begin = b;
        c->end = e;
        c->reach = b;
        c->nalts = c->nalt_choices = c->depth = c->nexclude = 0;
        walk(c, b);
        if (c->overflow) res->truncated = 1;
        st = trace_sublayer(c, b, e);
        if (st == STATUS_SUCCESS && c->nalts)
            st = combine_sublayer(c, (uint32_t)(res->sublayer_count));
        if (st != STATUS_SUCCESS) return st;
        res->sublayer_count++;
        b = e;
    }
    return STATUS_SUCCESS;
}

static uint16_t proto_slot = NTSEC_WFP_FIELD_UNKNOWN - 1, app_slot = NTSEC_WFP_FIELD_UNKNOWN - 1;

/* The flow's value of a field, its slot cached in *slot. */
static const ntsec_fwp_value *flow_value(const ntsec_wfp_flow *f, const char *name, uint16_t *slot)
{
    if (*slot == NTSEC_WFP_FIELD_UNKNOWN - 1) *slot = ntsec_wfp_field_slot_by_name(name, strlen(name));
    if (*slot >= NTSEC_WFP_FIELD_SLOTS || !f->index[*slot]) return NULL;
    return &f->values[f->index[*slot] - 1];
}

NTSTATUS ntsec_wfp_classify(ntsec_wfp_classifier *c, ntsec_wfp_filter_set *s,
                            const ntsec_guid *layer, const ntsec_wfp_flow *flow,
                            const ntsec_wfp_classify_opts *opts, const ntsec_wfp_result **out)
{
    ntsec_wfp_result *res = &c->result;
    NTSTATUS st = wfp_set_index(s);
    if (st != STATUS_SUCCESS) return st;
    memset(res, 0, sizeof *res);
    c->set = s;
    c->layer = wfp_set_layer(s, layer);
    ntsec_wfp_flow_resolve(flow, &c->resolved);
    c->flow = &c->resolved;
    c->proto = flow_value(&c->resolved, "FWPM_CONDITION_IP_PROTOCOL", &proto_slot);
    c->app = flow_value(&c->resolved, "FWPM_CONDITION_ALE_APP_ID", &app_slot);
    c->opts = opts ? opts : &default_opts;
    c->overflow = 0;
    c->nchoices = c->nsteps = 0;
    st = reserve_call(c, c->layer ? c->layer->n : 1);
    if (st == STATUS_SUCCESS && !prepare_memo(c, s, flow)) st = STATUS_NO_MEMORY;
    if (st != STATUS_SUCCESS) return st;
    memset(&c->outs[0], 0, sizeof c->outs[0]);
    c->outs[0].last_choice = c->outs[0].last_step = NONE32;
    c->outs[0].final.filter = NONE32;
    res->outcome_count = 1;
    res->layer_filters = c->layer ? c->layer->n : 0;
    st = classify_layer(c);
    if (st != STATUS_SUCCESS) return st;
    decide(c);
    res->sublayers = c->subs;
    res->filters = c->tf;
    res->outcomes = c->outs;
    res->choices = c->choices;
    res->choice_count = c->nchoices;
    res->steps = c->steps;
    res->step_count = c->nsteps;
    *out = res;
    return STATUS_SUCCESS;
}

/* ---- reading outcomes ---- */

/* Copy a parent-linked chain ending at last into out[0..cap) in order from
** its first element; parent_off is where each item keeps its parent. */
static size_t unchain(const void *items, size_t elem, size_t parent_off, uint32_t last,
                      void *out, size_t cap)
{
    const uint8_t *base = items;
    size_t n = 0, i;
    uint32_t k;
    for (k = last; k != NONE32; k = *(const uint32_t *)(base + k * elem + parent_off)) n++;
    i = n;
    for (k = last; k != NONE32; k = *(const uint32_t *)(base + k * elem + parent_off))
        if (--i < cap) memcpy((uint8_t *)out + i * elem, base + k * elem, elem);
    return n;
}

size_t ntsec_wfp_outcome_choices(const ntsec_wfp_result *r, const ntsec_wfp_outcome *o,
                                 ntsec_wfp_choice *out, size_t cap)
{
    return unchain(r->choices, sizeof *r->choices, offsetof(ntsec_wfp_choice, parent),
                   o->last_choice, out, cap);
}

size_t ntsec_wfp_outcome_steps(const ntsec_wfp_result *r, const ntsec_wfp_outcome *o,
                               ntsec_wfp_step *out, size_t cap)
{
    return unchain(r->steps, sizeof *r->steps, offsetof(ntsec_wfp_step, parent),
                   o->last_step, out, cap);
}

/* ---- static queries ---- */

void ntsec_wfp_filter_matches(const ntsec_wfp_filter_set *s, size_t i,
                              const ntsec_wfp_flow *flow, ntsec_wfp_match_info *out)
{
    const ntsec_wfp_filter_def *f = &s->filters[i];
    ntsec_wfp_flow r;
    ntsec_wfp_flow_resolve(flow, &r);
    ntsec_wfp_conditions_match(f->conditions, f->condition_count, &r, NULL, out);
}

int ntsec_wfp_filter_applies(const ntsec_wfp_filter_set *s, size_t i,
                             const ntsec_wfp_principal *principal, ntsec_wfp_match_info *info)
{
    ntsec_wfp_flow flow;
    ntsec_wfp_match_info m;
    ntsec_wfp_flow_init(&flow, principal);
    flow.options |= NTSEC_WFP_FLOW_NO_DEFAULTS;
    ntsec_wfp_filter_matches(s, i, &flow, &m);
    if (info) *info = m;
    return m.result == NTSEC_WFP_FALSE ? NTSEC_WFP_FALSE : NTSEC_WFP_TRUE;
}
