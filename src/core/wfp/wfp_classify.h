/*
** wfp_classify.h: offline classification at one WFP layer
** (wfp_classify.md 3, 4): which filter of a filter set decides a flow,
** permit or block, and why.
**
** A filter set holds filters (with their conditions), sublayers with their
** weights and callouts with their registration state, copied in by the
** caller (the engine or a dump importer). Filters are indexed per layer and
** ordered once: sublayers by weight (higher first), filters by effective
** weight (higher first), then filterId ascending (EMULATOR CHOICE for ties).
**
** A classification evaluates every sublayer (3.4) and combines their
** verdicts (3.5). What the dump cannot tell - a callout's verdict, a field
** the flow does not carry, the order of tied filters that disagree - is not
** guessed: each is a choice, and the result lists one outcome per
** combination of choices. The decision is PERMIT or BLOCK when all outcomes
** agree, DEPENDS when they differ and a callout or an unknown field is among
** the choices, AMBIGUOUS when they differ only through ties; PERMIT with
** reason NO_MATCH when no sublayer decided (3.6).
** Choices on UNCONFIRMED points: docs/classify.md.
*/
#ifndef NTSEC_WFP_CLASSIFY_H
#define NTSEC_WFP_CLASSIFY_H

#include "ntsec_types.h"
#include "wfp_cond.h"

/* FWPM_FILTER_FLAG_* the evaluator reads (fwpmtypes.h; 1.5). */
#define NTSEC_WFP_FILTER_FLAG_BOOTTIME                       0x00000002u
#define NTSEC_WFP_FILTER_FLAG_HAS_PROVIDER_CONTEXT           0x00000004u
#define NTSEC_WFP_FILTER_FLAG_CLEAR_ACTION_RIGHT             0x00000008u
#define NTSEC_WFP_FILTER_FLAG_PERMIT_IF_CALLOUT_UNREGISTERED 0x00000010u
#define NTSEC_WFP_FILTER_FLAG_DISABLED                       0x00000020u

/* FWP_ACTION_TYPE (fwptypes.h; 1.5). */
#define NTSEC_WFP_ACTION_FLAG_TERMINATING     0x00001000u
#define NTSEC_WFP_ACTION_FLAG_NON_TERMINATING 0x00002000u
#define NTSEC_WFP_ACTION_FLAG_CALLOUT         0x00004000u
#define NTSEC_WFP_ACTION_BLOCK                0x00001001u
#define NTSEC_WFP_ACTION_PERMIT               0x00001002u
#define NTSEC_WFP_ACTION_CALLOUT_TERMINATING  0x00005003u
#define NTSEC_WFP_ACTION_CALLOUT_INSPECTION   0x00006004u
#define NTSEC_WFP_ACTION_CALLOUT_UNKNOWN      0x00004005u
#define NTSEC_WFP_ACTION_CONTINUE             0x00002006u
#define NTSEC_WFP_ACTION_NONE                 0x00000007u
#define NTSEC_WFP_ACTION_NONE_NO_MATCH        0x00000008u

/* Names of action types and filter flags: wfp_flags.h (ntsec_wfp_action_parse,
** ntsec_wfp_flag_parse). */

/* One filter as the classifier sees it (FWPM_FILTER0, 1.3). On add, every
** string, byte and condition is copied into the set; descriptors are
** referenced. */
typedef struct ntsec_wfp_filter_def {
    ntsec_guid key;
    uint64_t id;                      /* filterId */
    const char *name;                 /* displayData.name, may be NULL */
    ntsec_guid layer, sublayer;
    uint32_t weight_type;             /* FWP_EMPTY / FWP_UINT8 / FWP_UINT64 as given */
    uint64_t weight;
    uint64_t effective_weight;        /* the ordering key (3.3) */
    uint32_t action;                  /* NTSEC_WFP_ACTION_* */
    ntsec_guid callout;               /* callout actions */
    uint32_t flags;                   /* FWPM_FILTER_FLAG_* */
    int has_provider_context;         /* providerContextKey (else rawContext) */
    ntsec_guid provider_context;
    uint64_t raw_context;
    const ntsec_wfp_condition *conditions;
    uint32_t condition_count;
} ntsec_wfp_filter_def;

typedef struct ntsec_wfp_filter_set ntsec_wfp_filter_set;

/* New empty set; NULL on allocation failure. free(NULL) is a no-op. */
ntsec_wfp_filter_set *ntsec_wfp_filter_set_new(void);
void ntsec_wfp_filter_set_free(ntsec_wfp_filter_set *s);

/* Add a sublayer (weight: FWPM_SUBLAYER0 UINT16) / a callout (registered:
** FWPM_CALLOUT_FLAG_REGISTERED at dump time). name may be NULL.
** Errors: STATUS_FWP_ALREADY_EXISTS (key), STATUS_NO_MEMORY. */
NTSTATUS ntsec_wfp_set_add_sublayer(ntsec_wfp_filter_set *s, const ntsec_guid *key,
                                    uint16_t weight, const char *name);
NTSTATUS ntsec_wfp_set_add_callout(ntsec_wfp_filter_set *s, const ntsec_guid *key,
                                   int registered, const char *name);

/* Add a filter (deep copy). Descriptor conditions get their check
** descriptor and a memo slot (identical descriptors share one).
** Errors: STATUS_FWP_ALREADY_EXISTS (key), STATUS_INVALID_PARAMETER (a
** condition value without its bytes), STATUS_NO_MEMORY. */
NTSTATUS ntsec_wfp_set_add_filter(ntsec_wfp_filter_set *s, const ntsec_wfp_filter_def *def);

/* A condition as the dump writes it (1.3, 1.4): names or "{guid}" for the
** field, the match and value types; value = the value element's text
** (byteBlob: the hex <data>; sd: the SDDL; v4AddrMask: "addr" with mask in
** value2; v6AddrMask: "addr" with the prefix length in value2); RANGE: the
** types and texts of valueLow / valueHigh. */
typedef struct ntsec_wfp_condition_text {
    const char *field, *match, *type, *value, *value2;
    const char *low_type, *low, *high_type, *high;
} ntsec_wfp_condition_text;

/* Build a condition from its text into *out; its bytes and descriptor live
** in the set. Unknown field keys, match and value types are kept by name
** (they evaluate UNKNOWN). Errors: STATUS_INVALID_PARAMETER (a value that is
** not of its type; err gets "what: why"), STATUS_INVALID_SID /
** STATUS_INVALID_ACL / ... (SDDL, with the offset in err), STATUS_NO_MEMORY. */
NTSTATUS ntsec_wfp_set_condition_from_text(ntsec_wfp_filter_set *s,
                                           const ntsec_wfp_condition_text *t,
                                           ntsec_wfp_condition *out, char *err, size_t errcap);

/* Deep-copy n conditions into the set's storage (bytes, strings; descriptors
** referenced and interned) without adding a filter: the engine keeps its
** filters' conditions this way. *out (NULL when n is 0) lives as long as
** the set. Errors: STATUS_INVALID_PARAMETER (a value without its bytes, an
** SD condition without its descriptor), STATUS_NO_MEMORY. */
NTSTATUS ntsec_wfp_set_copy_conditions(ntsec_wfp_filter_set *s, const ntsec_wfp_condition *c,
                                       size_t n, const ntsec_wfp_condition **out);

size_t ntsec_wfp_set_filter_count(const ntsec_wfp_filter_set *s);
/* The i-th filter in insertion order (its strings and conditions live in
** the set), or NULL. */
const ntsec_wfp_filter_def *ntsec_wfp_set_filter(const ntsec_wfp_filter_set *s, size_t i);
/* Distinct condition descriptors in the set. */
size_t ntsec_wfp_set_sd_count(const ntsec_wfp_filter_set *s);

/* ---- classification ---- */

typedef enum ntsec_wfp_decision {
    NTSEC_WFP_DECISION_PERMIT = 1,
    NTSEC_WFP_DECISION_BLOCK,
    NTSEC_WFP_DECISION_DEPENDS,     /* on a callout verdict or an unknown field */
    NTSEC_WFP_DECISION_AMBIGUOUS    /* tied filters disagree (3.3) */
} ntsec_wfp_decision;

typedef enum ntsec_wfp_reason {
    NTSEC_WFP_REASON_FILTER = 1,    /* a filter's (or its callout's) action decided */
    NTSEC_WFP_REASON_NO_MATCH,      /* no sublayer decided: PERMIT (3.6, EMULATOR CHOICE) */
    NTSEC_WFP_REASON_VARIES         /* outcomes differ or were decided by different filters */
} ntsec_wfp_reason;

/* A sublayer's or the layer's verdict. action: 0 (none), NTSEC_WFP_ACTION_PERMIT
** or _BLOCK. filter: index in the set, UINT32_MAX for none. */
typedef struct ntsec_wfp_verdict {
    uint32_t action;
    uint32_t filter;
    uint8_t hard;          /* FWPS_RIGHT_ACTION_WRITE cleared (3.5) */
    uint8_t from_callout;  /* the callout's verdict (callout block = soft, may veto) */
    uint8_t veto;          /* a callout block that overrode a hard permit */
    uint8_t unregistered;  /* callout not registered: the engine's treatment (3.4) */
} ntsec_wfp_verdict;

/* One runtime unknown, resolved one way. */
typedef enum ntsec_wfp_choice_kind {
    NTSEC_WFP_CHOICE_CALLOUT = 1,   /* value: the callout's verdict PERMIT/BLOCK/CONTINUE action */
    NTSEC_WFP_CHOICE_MATCH,         /* value: 1 the filter's unknown conditions hold, 0 not */
    NTSEC_WFP_CHOICE_TIE            /* value: 1, this tied filter was evaluated first */
} ntsec_wfp_choice_kind;

typedef struct ntsec_wfp_choice {
    ntsec_wfp_choice_kind kind;
    uint32_t value;
    uint32_t filter;
    uint32_t parent;       /* previous choice of the same outcome, UINT32_MAX first */
} ntsec_wfp_choice;

/* How a sublayer's verdict combined with the state (3.5). */
typedef enum ntsec_wfp_rule {
    NTSEC_WFP_RULE_FIRST = 1,           /* first verdict */
    NTSEC_WFP_RULE_BLOCK_FINAL,         /* hard block kept */
    NTSEC_WFP_RULE_HARD_PERMIT_KEPT,    /* hard permit; a static block cannot override */
    NTSEC_WFP_RULE_VETO,                /* callout block vetoed a hard permit */
    NTSEC_WFP_RULE_BLOCK_OVERRIDES,     /* block over a soft verdict */
    NTSEC_WFP_RULE_SOFT_BLOCK_PERMITTED,/* permit over a soft block (UNCONFIRMED) */
    NTSEC_WFP_RULE_PERMIT_KEPT          /* permit after a soft permit: first kept */
} ntsec_wfp_rule;

typedef struct ntsec_wfp_step {
    uint32_t sublayer;         /* index into result->sublayers */
    ntsec_wfp_verdict verdict; /* the sublayer's */
    ntsec_wfp_rule rule;
    ntsec_wfp_verdict state;   /* the layer state after the step */
    uint32_t parent;           /* previous step of the outcome, UINT32_MAX first */
} ntsec_wfp_step;

/* One combination of choices and where it leads. */
typedef struct ntsec_wfp_outcome {
    uint32_t last_choice;      /* chain through ntsec_wfp_choice.parent; UINT32_MAX: none */
    uint32_t last_step;        /* chain through ntsec_wfp_step.parent; UINT32_MAX: none */
    ntsec_wfp_verdict final;   /* action 0 = no sublayer decided -> PERMIT / NO_MATCH */
} ntsec_wfp_outcome;

/* Trace roles of a filter (bits). */
#define NTSEC_WFP_ROLE_DECIDED    0x01u  /* ended its sublayer in at least one outcome */
#define NTSEC_WFP_ROLE_INSPECTED  0x02u  /* a matching inspection callout (side effects only) */
#define NTSEC_WFP_ROLE_BRANCHED   0x04u  /* a choice was made at it (callout verdict, unknown match) */
#define NTSEC_WFP_ROLE_TIE        0x08u  /* shares its effective weight with another candidate */
#define NTSEC_WFP_ROLE_SKIPPED    0x10u  /* DISABLED, or BOOTTIME in runtime mode (3.1, 3.7) */
#define NTSEC_WFP_ROLE_TIE_SPLIT  0x20u  /* member of a tie whose members disagree */

typedef struct ntsec_wfp_trace_filter {
    uint32_t filter;           /* index in the set */
    ntsec_wfp_match_info match;
    unsigned roles;
} ntsec_wfp_trace_filter;

typedef struct ntsec_wfp_trace_sublayer {
    ntsec_guid key;
    const char *name;          /* NULL when the set has no such sublayer */
    uint16_t weight;
    int known;                 /* 0: not in the set (ordered last, weight 0) */
    uint32_t first, count;     /* its considered filters in result->filters, weight order */
    uint32_t total;            /* filters of the layer in this sublayer */
} ntsec_wfp_trace_sublayer;

#define NTSEC_WFP_MAX_OUTCOMES 64

typedef struct ntsec_wfp_result {
    ntsec_wfp_decision decision;
    ntsec_wfp_reason reason;
    ntsec_wfp_verdict verdict;       /* when all outcomes agree on it; else filter = UINT32_MAX */
    unsigned assumed;                /* NTSEC_WFP_ASSUMED_* of every considered filter */
    int truncated;                   /* more than NTSEC_WFP_MAX_OUTCOMES combinations */
    size_t layer_filters;            /* candidate filters at the layer */
    const ntsec_wfp_trace_sublayer *sublayers;
    size_t sublayer_count;
    const ntsec_wfp_trace_filter *filters;
    size_t filter_count;
    const ntsec_wfp_outcome *outcomes;
    size_t outcome_count;
    const ntsec_wfp_choice *choices;
    size_t choice_count;             /* entries of choices (every outcome's chain) */
    const ntsec_wfp_step *steps;
    size_t step_count;               /* entries of steps */
} ntsec_wfp_result;

/* Options (zero = runtime mode: a running BFE, BOOTTIME filters disabled). */
typedef struct ntsec_wfp_classify_opts {
    int boot_mode;                   /* 1: only BOOTTIME filters (3.7, EMULATOR CHOICE) */
} ntsec_wfp_classify_opts;

/* Reusable scratch and result storage: classify allocates only when a
** call needs more room than any before it. */
typedef struct ntsec_wfp_classifier ntsec_wfp_classifier;
ntsec_wfp_classifier *ntsec_wfp_classifier_new(void);
void ntsec_wfp_classifier_free(ntsec_wfp_classifier *c);
/* Forget memoised descriptor checks (call after changing a principal's
** token or AppContainer object in place: adding a group or capability; a
** different principal, token, AppContainer pointer or a changed set is
** noticed without it). */
void ntsec_wfp_classifier_forget(ntsec_wfp_classifier *c);

/* Classify flow at layer. *out points into c and stays valid until the next
** call on c. opts may be NULL. Errors: STATUS_NO_MEMORY. A layer without
** filters gives PERMIT / NO_MATCH. */
NTSTATUS ntsec_wfp_classify(ntsec_wfp_classifier *c, ntsec_wfp_filter_set *s,
                            const ntsec_guid *layer, const ntsec_wfp_flow *flow,
                            const ntsec_wfp_classify_opts *opts, const ntsec_wfp_result **out);

/* Walk an outcome's choices / steps in order (first to last) into
** out[0..cap); returns how many there are (may exceed cap). */
size_t ntsec_wfp_outcome_choices(const ntsec_wfp_result *r, const ntsec_wfp_outcome *o,
                                 ntsec_wfp_choice *out, size_t cap);
size_t ntsec_wfp_outcome_steps(const ntsec_wfp_result *r, const ntsec_wfp_outcome *o,
                               ntsec_wfp_step *out, size_t cap);

/* Names for reports: "permit", "block", "depends", "ambiguous"; "filter",
** "no_match", "varies"; "first", "block_final", ...; "?" when unknown. */
const char *ntsec_wfp_decision_name(ntsec_wfp_decision d);
const char *ntsec_wfp_reason_name(ntsec_wfp_reason r);
const char *ntsec_wfp_rule_name(ntsec_wfp_rule r);

/* ---- the engine's filters (wfp_classify_engine.c) ---- */

struct ntsec_wfp_engine;
/* A new set holding the engine's sublayers, callouts (REGISTERED flag) and
** filters with their conditions, in insertion order (engine-level, no
** access checks). Filters without a dumped effectiveWeight get FWP_UINT64
** weights as given, FWP_UINT8 w as w << 60, FWP_EMPTY 0 (docs/classify.md).
** Free with ntsec_wfp_filter_set_free. Errors: STATUS_NO_MEMORY. */
NTSTATUS ntsec_wfp_engine_filter_set(const struct ntsec_wfp_engine *e, ntsec_wfp_filter_set **out);
struct ntsec_wfp_object_info;
/* The weight a filter is ordered by (3.3): the dump's effectiveWeight when
** it has one; else FWP_UINT64 as given, FWP_UINT8 w as w << 60 with zero
** auto bits, FWP_EMPTY 0 (EMULATOR CHOICE: BFE's auto-weight algorithm is
** undocumented, docs/classify.md). */
uint64_t ntsec_wfp_effective_weight(const struct ntsec_wfp_object_info *o);

/* Where a filter stands in its layer's arbitration order (3.2, 3.3). */
typedef struct ntsec_wfp_rank {
    int sublayer_known;               /* its sublayer is in the engine / set */
    uint16_t sublayer_weight;         /* 0 when unknown */
    const ntsec_guid *sublayer;       /* its sublayer key */
    uint64_t effective_weight;        /* ntsec_wfp_effective_weight */
    uint64_t filter_id;
} ntsec_wfp_rank;

/* <0 when a is evaluated before b in one layer, >0 after, 0 tied. Known
** sublayers before unknown ones; sublayer weight, higher first (equal
** weights: key bytes ascending, UNCONFIRMED); effective weight, higher
** first; filterId ascending (ties: EMULATOR CHOICE). The one order of the
** classifier and of the audit's per-principal filter section. */
int ntsec_wfp_rank_cmp(const ntsec_wfp_rank *a, const ntsec_wfp_rank *b);

/* A counter that changes whenever an object is added, deleted or restored
** (a cached filter set is stale when it differs). */
uint64_t ntsec_wfp_engine_generation(const struct ntsec_wfp_engine *e);

/* ---- who a filter applies to (4, "which filters apply to principal P") ---- */

/* Filter i is relevant to principal: every principal condition (app id,
** user, package, PFN, remote identities) is TRUE for it and no condition is
** known FALSE (network fields are left open). Returns NTSEC_WFP_TRUE /
** FALSE; *info (may be NULL) says which condition excluded it. */
int ntsec_wfp_filter_applies(const ntsec_wfp_filter_set *s, size_t i,
                             const ntsec_wfp_principal *principal, ntsec_wfp_match_info *info);

/* Filter i's conditions against a flow, without arbitration
** (filter:matches(flow)). */
void ntsec_wfp_filter_matches(const ntsec_wfp_filter_set *s, size_t i,
                              const ntsec_wfp_flow *flow, ntsec_wfp_match_info *out);

#endif
