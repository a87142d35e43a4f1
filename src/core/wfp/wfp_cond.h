/*
** wfp_cond.h: filter conditions (FWPM_FILTER_CONDITION0), the incoming
** values of a classify call (a flow), and "does this filter match this
** flow" with the reason (wfp_classify.md 2).
**
** Matching is three-valued: TRUE, FALSE, or UNKNOWN when it depends on a
** value the flow does not carry (interface, profile, remote identity ...) or
** on a condition ntsec cannot evaluate (unknown field, match or value type).
** Unknown is reported, never guessed (wfp_classify.md 4).
**
** Filter-level logic (2.1): consecutive conditions on the same field form a
** run, OR-ed; runs are AND-ed; no conditions = always TRUE.
** Choices on UNCONFIRMED points: docs/classify.md.
*/
#ifndef NTSEC_WFP_COND_H
#define NTSEC_WFP_COND_H

#include "ntsec_types.h"
#include "access.h"
#include "token.h"
#include "token_appcontainer.h"
#include "wfp_value.h"

/* FWP_MATCH_TYPE (fwptypes.h): one row per match type, in value order from
** 0: the SDK suffix (FWP_MATCH_<suffix>) and the test in wfp_cond.c
** (test_<fn>). The enum, the name table and the evaluator come from it. */
#define NTSEC_FWP_MATCH_TABLE(X) \
    X(EQUAL, equal) X(GREATER, greater) X(LESS, less) \
    X(GREATER_OR_EQUAL, greater_eq) X(LESS_OR_EQUAL, less_eq) X(RANGE, range) \
    X(FLAGS_ALL_SET, all_set) X(FLAGS_ANY_SET, any_set) X(FLAGS_NONE_SET, none_set) \
    X(EQUAL_CASE_INSENSITIVE, equal_ci) X(NOT_EQUAL, not_equal) \
    X(PREFIX, prefix) X(NOT_PREFIX, not_prefix)

typedef enum ntsec_fwp_match {
#define NTSEC_FWP_MATCH_ENUM(suffix, fn) NTSEC_FWP_MATCH_##suffix,
    NTSEC_FWP_MATCH_TABLE(NTSEC_FWP_MATCH_ENUM)
#undef NTSEC_FWP_MATCH_ENUM
    NTSEC_FWP_MATCH_UNKNOWN = 0xFFFF     /* ntsec: a name it does not know; kept */
} ntsec_fwp_match;

/* "FWP_MATCH_EQUAL" <-> value; NULL / NTSEC_FWP_MATCH_UNKNOWN when unknown. */
const char *ntsec_fwp_match_name(uint32_t match);
uint32_t ntsec_fwp_match_from_name(const char *name, size_t len);

/* FWP_ACTRL_MATCH_FILTER: the right a descriptor condition checks (2.4). */
#define NTSEC_FWP_ACTRL_MATCH_FILTER 0x00000001u

/* Tri-state results. */
#define NTSEC_WFP_FALSE   0
#define NTSEC_WFP_TRUE    1
#define NTSEC_WFP_UNKNOWN 2

/* Why one condition is not TRUE (or how it was decided). */
typedef enum ntsec_wfp_cond_why {
    NTSEC_WFP_WHY_VALUE = 0,        /* compared; the value decided */
    NTSEC_WFP_WHY_TYPE_MISMATCH,    /* incoming type differs (BFE converts nothing, 2.1) */
    NTSEC_WFP_WHY_BAD_MATCH,        /* match type not allowed for the data type (2.2) */
    NTSEC_WFP_WHY_ABSENT,           /* the flow does not carry the field: UNKNOWN */
    NTSEC_WFP_WHY_UNKNOWN_FIELD,    /* field key ntsec does not know: UNKNOWN */
    NTSEC_WFP_WHY_UNKNOWN_MATCH,    /* match type ntsec does not know: UNKNOWN */
    NTSEC_WFP_WHY_UNKNOWN_TYPE,     /* value type without semantics here: UNKNOWN */
    NTSEC_WFP_WHY_ACCESS_CHECK,     /* descriptor condition: the access check decided */
    NTSEC_WFP_WHY_ACCESS_ERROR      /* the access check failed to run: UNKNOWN */
} ntsec_wfp_cond_why;
const char *ntsec_wfp_cond_why_name(ntsec_wfp_cond_why why);

/* ---- condition fields ---- */

/* A field is addressed by a slot: its index among the FWPM_CONDITION_* rows
** of the built-in name table (wfp_names.h), or NTSEC_WFP_FIELD_UNKNOWN. */
#define NTSEC_WFP_FIELD_SLOTS   160
#define NTSEC_WFP_FIELD_UNKNOWN 0xFFFFu

/* Field roles (wfp_cond_fields.c; not the trace roles of wfp_classify.h). */
#define NTSEC_WFP_FIELD_ROLE_ADDRESS    0x01u  /* IP address: UINT32 text may be a dotted quad */
#define NTSEC_WFP_FIELD_ROLE_PRINCIPAL  0x02u  /* who: app id, user, package (4, filters_for) */
#define NTSEC_WFP_FIELD_ROLE_TOKEN      0x04u  /* incoming value is the flow's token (2.4) */
#define NTSEC_WFP_FIELD_ROLE_ZERO       0x08u  /* absent -> 0, reported as an assumption (4) */
#define NTSEC_WFP_FIELD_ROLE_PACKAGE    0x10u  /* absent -> the principal's package SID or S-1-0-0 (2.6) */
#define NTSEC_WFP_FIELD_ROLE_APP_ID     0x20u  /* absent -> the principal's app id (2.3) */

/* Slot of a field GUID / of an SDK name ("FWPM_CONDITION_IP_PROTOCOL"). */
uint16_t ntsec_wfp_field_slot(const ntsec_guid *field);
uint16_t ntsec_wfp_field_slot_by_name(const char *name, size_t len);
/* Name, GUID and NTSEC_WFP_ROLE_* bits of a slot (NULL / 0 when out of range). */
const char *ntsec_wfp_field_name(uint16_t slot);
int ntsec_wfp_field_guid(uint16_t slot, ntsec_guid *out);
unsigned ntsec_wfp_field_roles(uint16_t slot);

/* ---- conditions ---- */

/* One condition. For RANGE, value is valueLow and high is valueHigh; for an
** SD value, value.obj is the parsed descriptor and check_sd the descriptor
** the access check runs on (the same, or a copy with owner and group set to
** SYSTEM where the dump's has none: docs/classify.md). sd_slot numbers the
** distinct descriptors of a filter set (memo index), UINT32_MAX when none.
** Names of unknown fields, match or value types are kept as the dump
** spelled them (field_text, match_text, value.name). */
typedef struct ntsec_wfp_condition {
    ntsec_guid field;
    uint16_t slot;
    uint16_t match;
    uint32_t type;
    ntsec_fwp_value value;
    ntsec_fwp_value high;
    const ntsec_sd *check_sd;
    uint32_t sd_slot;
    const char *field_text;
    const char *match_text;
} ntsec_wfp_condition;

/* ---- principals and flows ---- */

/* Who the flow belongs to (wfp_classify.md 2.3-2.8): the token (pass 1),
** the AppContainer identity (pass 2; NULL = not an AppContainer), and the
** application id blob (UTF-16LE lower-case NT path with its NUL, 2.3; NULL
** = not known). All borrowed. */
typedef struct ntsec_wfp_principal {
    const ntsec_token *token;
    const ntsec_appcontainer *appcontainer;
    const uint8_t *app_id;
    size_t app_id_len;
} ntsec_wfp_principal;

/* Build the ALE_APP_ID blob of an NT path (UTF-8): lower-cased (ASCII and
** Latin-1), UTF-16LE, terminating NUL included; the literal "System" is kept
** as is (2.3). Returns the byte length, or 0 when out is too small or the
** text is not UTF-8. */
size_t ntsec_wfp_app_id(const char *nt_path, size_t len, uint8_t *out, size_t cap);

#define NTSEC_WFP_FLOW_MAX 48

/* The incoming values of one classify call. Values are borrowed. */
#define NTSEC_WFP_FLOW_NO_DEFAULTS 0x1u   /* absent FLAGS-like fields stay unknown */

#define NTSEC_WFP_FLOW_RESOLVED    0x2u   /* set by ntsec_wfp_flow_resolve */

typedef struct ntsec_wfp_flow {
    const ntsec_wfp_principal *principal;   /* NULL: token fields are unknown */
    unsigned options;                       /* NTSEC_WFP_FLOW_* */
    size_t count;
    uint16_t slots[NTSEC_WFP_FLOW_MAX];
    ntsec_fwp_value values[NTSEC_WFP_FLOW_MAX];
    uint8_t assumed[NTSEC_WFP_FLOW_MAX];    /* NTSEC_WFP_ASSUMED_* of a derived value */
    uint8_t index[NTSEC_WFP_FIELD_SLOTS];   /* slot -> position + 1, 0 = absent */
} ntsec_wfp_flow;

void ntsec_wfp_flow_init(ntsec_wfp_flow *f, const ntsec_wfp_principal *principal);

/* Copy in to out and add what the principal and the defaults give for
** absent fields (ALE_APP_ID, ALE_PACKAGE_ID, ALE_USER_ID,
** ALE_PACKAGE_FAMILY_NAME, FLAGS = 0 ...; wfp_classify.md 4), each value
** marked with the assumption it carries. Evaluating out then does no
** derivation per condition (the classifier does this once per call). */
void ntsec_wfp_flow_resolve(const ntsec_wfp_flow *in, ntsec_wfp_flow *out);
/* Set (or replace) the value of a field slot.
** Errors: STATUS_INVALID_PARAMETER (unknown slot), STATUS_BUFFER_TOO_SMALL
** (more than NTSEC_WFP_FLOW_MAX fields). */
NTSTATUS ntsec_wfp_flow_set(ntsec_wfp_flow *f, uint16_t slot, ntsec_fwp_value v);
NTSTATUS ntsec_wfp_flow_set_name(ntsec_wfp_flow *f, const char *field_name, ntsec_fwp_value v);

/* Assumptions a match made (NTSEC_WFP_ASSUMED_*), OR-ed into *assumed. */
#define NTSEC_WFP_ASSUMED_ZERO_FLAGS  0x1u  /* FLAGS / socket property flags taken as 0 */
#define NTSEC_WFP_ASSUMED_NULL_PACKAGE 0x2u /* ALE_PACKAGE_ID = S-1-0-0 (not an AppContainer) */

/* Memo of descriptor checks for one principal over one filter set: entry
** i is the result for sd_slot i (NTSEC_WFP_TRUE/FALSE/UNKNOWN + 1, 0 =
** not computed). The caller clears it when the principal changes. */
typedef struct ntsec_wfp_sd_memo {
    uint8_t *results;
    size_t count;
} ntsec_wfp_sd_memo;

/* Evaluate one condition against the flow. memo may be NULL.
** Returns NTSEC_WFP_TRUE/FALSE/UNKNOWN; *why says how (may be NULL). */
int ntsec_wfp_condition_eval(const ntsec_wfp_condition *c, const ntsec_wfp_flow *flow,
                             ntsec_wfp_sd_memo *memo, ntsec_wfp_cond_why *why,
                             unsigned *assumed);

/* Why a filter does not match: the first FALSE run, else the first UNKNOWN
** one; cond is the index of its first condition (runs are evaluated in
** filter order, all runs without a descriptor first). */
typedef struct ntsec_wfp_match_info {
    int result;                   /* NTSEC_WFP_TRUE/FALSE/UNKNOWN */
    uint32_t cond;                /* condition index (not TRUE), else UINT32_MAX */
    ntsec_wfp_cond_why why;
    unsigned assumed;             /* NTSEC_WFP_ASSUMED_* */
} ntsec_wfp_match_info;

/* Match a condition list (2.1). */
void ntsec_wfp_conditions_match(const ntsec_wfp_condition *conds, size_t n,
                                const ntsec_wfp_flow *flow, ntsec_wfp_sd_memo *memo,
                                ntsec_wfp_match_info *out);

/* The access-check mapping of descriptor conditions (docs/classify.md):
** GENERIC_READ/EXECUTE/ALL -> READ_CONTROL | FWP_ACTRL_MATCH_FILTER,
** GENERIC_WRITE -> READ_CONTROL, so mandatory integrity never removes the
** match right (wfp_classify.md 2.4: MIC skipped, same result). */
extern const ntsec_generic_mapping ntsec_wfp_filter_mapping;

/* Descriptor check of a token-typed field (2.4, 2.5): does the principal
** get FWP_ACTRL_MATCH_FILTER from sd? NTSEC_WFP_TRUE/FALSE, or UNKNOWN when
** the check cannot run (no principal or token, malformed descriptor). */
int ntsec_wfp_principal_check(const ntsec_wfp_principal *p, const ntsec_sd *sd);

/* Descriptor an SD condition is checked against: sd itself when it has an
** owner and a group, else a new copy with the missing ones set to SYSTEM
** (S-1-5-18). *out is a new reference either way.
** Errors: STATUS_NO_MEMORY. */
NTSTATUS ntsec_wfp_check_sd(const ntsec_sd *sd, ntsec_sd **out);

#endif
