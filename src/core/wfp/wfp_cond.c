/*
** wfp_cond.c: condition matching (wfp_cond.h; wfp_classify.md 2).
**
** One table gives each match type its name and the test it applies; the
** tests share the type rule of 2.1 (incoming and condition types must be
** equal, with the address-mask and token exceptions). Descriptor conditions
** run the access check (token_appcontainer.h) once per distinct descriptor
** and principal through the caller's memo.
*/
#include <string.h>

#include "wfp_cond.h"
#include "secdefs.h"
#include "sid.h"
#include "status.h"

/* ---- match-type table ---- */

typedef int (*match_fn)(const ntsec_fwp_value *v, const ntsec_wfp_condition *c,
                        ntsec_wfp_cond_why *why);

typedef struct match_row {
    uint32_t match;
    const char *name;
    match_fn test;
} match_row;

static int bad_match(ntsec_wfp_cond_why *why)
{
    *why = NTSEC_WFP_WHY_BAD_MATCH;
    return NTSEC_WFP_FALSE;
}

/* V4 / V6 address-mask conditions (2.2, UNCONFIRMED semantics). */
static int mask_equal(const ntsec_fwp_value *v, const ntsec_fwp_value *m)
{
    if (m->type == NTSEC_FWP_V4_ADDR_MASK)
        return ((uint32_t)v->n.u & m->n.v4.mask) == (m->n.v4.addr & m->n.v4.mask);
    {
        unsigned bits = m->n.v6.prefix > 128 ? 128 : m->n.v6.prefix, full = bits / 8, rest = bits % 8;
        if (memcmp(v->n.a16, m->n.v6.addr, full) != 0) return 0;
        if (rest) {
            uint8_t mask = (uint8_t)(0xFFu << (8 - rest));
            return (v->n.a16[full] & mask) == (m->n.v6.addr[full] & mask);
        }
        return 1;
    }
}

static int is_mask_pair(const ntsec_fwp_value *v, uint32_t ctype)
{
    return (ctype == NTSEC_FWP_V4_ADDR_MASK && v->type == NTSEC_FWP_UINT32)
        || (ctype == NTSEC_FWP_V6_ADDR_MASK && v->type == NTSEC_FWP_BYTE_ARRAY16_TYPE);
}

static int test_equal(const ntsec_fwp_value *v, const ntsec_wfp_condition *c, ntsec_wfp_cond_why *why)
{
    (void)why;
    if (is_mask_pair(v, c->type)) return mask_equal(v, &c->value);
    return ntsec_fwp_value_equal(v, &c->value);
}

static int test_not_equal(const ntsec_fwp_value *v, const ntsec_wfp_condition *c, ntsec_wfp_cond_why *why)
{
    return !test_equal(v, c, why);
}

static int ordered(const ntsec_fwp_value *v, const ntsec_wfp_condition *c, ntsec_wfp_cond_why *why,
                   int *cmp)
{
    if (!ntsec_fwp_type_is_sortable(v->type)) return bad_match(why) + 1;
    *cmp = ntsec_fwp_value_compare(v, &c->value);
    return 0;
}

#define ORDERED_TEST(fn, expr) \
    static int fn(const ntsec_fwp_value *v, const ntsec_wfp_condition *c, ntsec_wfp_cond_why *why) \
    { \
        int cmp = 0; \
        if (ordered(v, c, why, &cmp)) return NTSEC_WFP_FALSE; \
        return (expr); \
    }
ORDERED_TEST(test_greater, cmp > 0)
ORDERED_TEST(test_less, cmp < 0)
ORDERED_TEST(test_greater_eq, cmp >= 0)
ORDERED_TEST(test_less_eq, cmp <= 0)

static int test_range(const ntsec_fwp_value *v, const ntsec_wfp_condition *c, ntsec_wfp_cond_why *why)
{
    (void)why;
    return ntsec_fwp_value_compare(&c->value, v) <= 0 && ntsec_fwp_value_compare(v, &c->high) <= 0;
}

static int flags_ok(const ntsec_fwp_value *v, ntsec_wfp_cond_why *why)
{
    if (ntsec_fwp_type_is_unsigned(v->type)) return 1;
    bad_match(why);
    return 0;
}

static int test_all_set(const ntsec_fwp_value *v, const ntsec_wfp_condition *c, ntsec_wfp_cond_why *why)
{
    return flags_ok(v, why) && (v->n.u & c->value.n.u) == c->value.n.u;
}

static int test_any_set(const ntsec_fwp_value *v, const ntsec_wfp_condition *c, ntsec_wfp_cond_why *why)
{
    return flags_ok(v, why) && (v->n.u & c->value.n.u) != 0;
}

static int test_none_set(const ntsec_fwp_value *v, const ntsec_wfp_condition *c, ntsec_wfp_cond_why *why)
{
    return flags_ok(v, why) && (v->n.u & c->value.n.u) == 0;
}

static int test_equal_ci(const ntsec_fwp_value *v, const ntsec_wfp_condition *c, ntsec_wfp_cond_why *why)
{
    uint32_t i;
    if (v->type != NTSEC_FWP_UNICODE_STRING_TYPE) return bad_match(why);
    if (v->len != c->value.len) return NTSEC_WFP_FALSE;
    for (i = 0; i + 1 < v->len; i += 2)
        if (ntsec_fwp_fold16(ntsec_rd16(v->p + i)) != ntsec_fwp_fold16(ntsec_rd16(c->value.p + i))) return NTSEC_WFP_FALSE;
    return NTSEC_WFP_TRUE;
}

/* PREFIX: "tests whether the value ends with the condition value" (SA-MATCH
** @103ab33b; UNCONFIRMED), on whole UTF-16 code units. */
static int ends_with(const ntsec_fwp_value *v, const ntsec_wfp_condition *c, ntsec_wfp_cond_why *why,
                     int *ok)
{
    uint32_t off;
    *ok = 0;
    if (v->type != NTSEC_FWP_BYTE_BLOB_TYPE && v->type != NTSEC_FWP_UNICODE_STRING_TYPE) {
        bad_match(why);
        return 0;
    }
    *ok = 1;
    if (c->value.len > v->len) return 0;
    off = v->len - c->value.len;
    return off % 2 == 0 && (c->value.len == 0 || memcmp(v->p + off, c->value.p, c->value.len) == 0);
}

static int test_prefix(const ntsec_fwp_value *v, const ntsec_wfp_condition *c, ntsec_wfp_cond_why *why)
{
    int ok;
    return ends_with(v, c, why, &ok);
}

static int test_not_prefix(const ntsec_fwp_value *v, const ntsec_wfp_condition *c, ntsec_wfp_cond_why *why)
{
    int ok, r = ends_with(v, c, why, &ok);
    return ok && !r;
}

static const match_row match_rows[] = {
#define MATCH_ROW(suffix, fn) { NTSEC_FWP_MATCH_##suffix, "FWP_MATCH_" #suffix, test_##fn },
    NTSEC_FWP_MATCH_TABLE(MATCH_ROW)
#undef MATCH_ROW
};
#define NMATCH (sizeof match_rows / sizeof match_rows[0])

const char *ntsec_fwp_match_name(uint32_t match)
{
    return match < NMATCH ? match_rows[match].name : NULL;
}

uint32_t ntsec_fwp_match_from_name(const char *name, size_t len)
{
    size_t i;
    for (i = 0; name && i < NMATCH; i++)
        if (strlen(match_rows[i].name) == len && memcmp(match_rows[i].name, name, len) == 0)
            return match_rows[i].match;
    return NTSEC_FWP_MATCH_UNKNOWN;
}

static const char *const why_names[] = {
    "value", "type_mismatch", "bad_match", "absent", "unknown_field", "unknown_match",
    "unknown_type", "access_check", "access_error",
};

const char *ntsec_wfp_cond_why_name(ntsec_wfp_cond_why why)
{
    return (unsigned)why < sizeof why_names / sizeof why_names[0] ? why_names[why] : "?";
}

/* ---- descriptor conditions (2.4, 2.5) ---- */

const ntsec_generic_mapping ntsec_wfp_filter_mapping = {
    READ_CONTROL | NTSEC_FWP_ACTRL_MATCH_FILTER, READ_CONTROL,
    READ_CONTROL | NTSEC_FWP_ACTRL_MATCH_FILTER, READ_CONTROL | NTSEC_FWP_ACTRL_MATCH_FILTER
};

int ntsec_wfp_principal_check(const ntsec_wfp_principal *p, const ntsec_sd *sd)
{
    ACCESS_MASK granted = 0;
    if (!p || !p->token || !sd) return NTSEC_WFP_UNKNOWN;
    if (ntsec_appcontainer_access_check(sd, p->token, p->appcontainer, NTSEC_FWP_ACTRL_MATCH_FILTER,
                                        &ntsec_wfp_filter_mapping, &granted) != STATUS_SUCCESS)
        return NTSEC_WFP_UNKNOWN;
    return (granted & NTSEC_FWP_ACTRL_MATCH_FILTER) ? NTSEC_WFP_TRUE : NTSEC_WFP_FALSE;
}

static const uint8_t sid_system[12] = { 1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0 };

NTSTATUS ntsec_wfp_check_sd(const ntsec_sd *sd, ntsec_sd **out)
{
    ntsec_sd_parts parts;
    ntsec_sd_get_parts(sd, &parts);
    if (parts.owner && parts.group) {
        *out = ntsec_sd_ref((ntsec_sd *)(uintptr_t)sd);
        return STATUS_SUCCESS;
    }
    if (!parts.owner) parts.owner = sid_system;
    if (!parts.group) parts.group = sid_system;
    return ntsec_sd_build(&parts, out);
}

static int token_condition(const ntsec_fwp_value *v, const ntsec_wfp_condition *c,
                           ntsec_wfp_sd_memo *memo, ntsec_wfp_cond_why *why)
{
    const ntsec_wfp_principal *p = v->obj;
    int r;
    if (c->match != NTSEC_FWP_MATCH_EQUAL && c->match != NTSEC_FWP_MATCH_NOT_EQUAL) return bad_match(why);
    if (c->type == NTSEC_FWP_SID) {
        /* enumeration form of a token condition (2.1): the SID is in the token */
        if (!p || !p->token) { *why = NTSEC_WFP_WHY_ABSENT; return NTSEC_WFP_UNKNOWN; }
        r = ntsec_token_has_sid(p->token, c->value.p, 0) ? NTSEC_WFP_TRUE : NTSEC_WFP_FALSE;
    } else if (c->type == NTSEC_FWP_SECURITY_DESCRIPTOR_TYPE) {
        *why = NTSEC_WFP_WHY_ACCESS_CHECK;
        if (memo && c->sd_slot < memo->count && memo->results[c->sd_slot]) {
            r = memo->results[c->sd_slot] - 1;
        } else {
            r = ntsec_wfp_principal_check(p, c->check_sd ? c->check_sd : c->value.obj);
            if (memo && c->sd_slot < memo->count) memo->results[c->sd_slot] = (uint8_t)(r + 1);
        }
        if (r == NTSEC_WFP_UNKNOWN) { *why = NTSEC_WFP_WHY_ACCESS_ERROR; return r; }
    } else {
        *why = NTSEC_WFP_WHY_TYPE_MISMATCH;
        return NTSEC_WFP_FALSE;
    }
    if (c->match == NTSEC_FWP_MATCH_NOT_EQUAL) r = !r;
    return r;
}

/* ---- incoming values ---- */

static const uint8_t sid_null[12] = { 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };

/* The flow's value for c's field, or one derived from its principal or
** role into *tmp (wfp_classify.md 4). Returns NULL when there is none. */
static const ntsec_fwp_value *incoming(const ntsec_wfp_condition *c, const ntsec_wfp_flow *f,
                                       ntsec_fwp_value *tmp, unsigned *assumed)
{
    unsigned roles;
    const ntsec_wfp_principal *p = f->principal;
    unsigned k = f->index[c->slot];
    if (k) {
        *assumed |= f->assumed[k - 1];
        return &f->values[k - 1];
    }
    if (f->options & NTSEC_WFP_FLOW_RESOLVED) return NULL;
    roles = ntsec_wfp_field_roles(c->slot);
    if ((roles & NTSEC_WFP_FIELD_ROLE_TOKEN) && p && p->token) {
        memset(tmp, 0, sizeof *tmp);
        tmp->type = NTSEC_FWP_TOKEN_ACCESS_INFORMATION_TYPE;
        tmp->obj = p;
    } else if ((roles & NTSEC_WFP_FIELD_ROLE_PACKAGE) && p) {
        const uint8_t *sid = p->appcontainer ? ntsec_appcontainer_package_sid(p->appcontainer) : sid_null;
        if (!p->appcontainer) *assumed |= NTSEC_WFP_ASSUMED_NULL_PACKAGE;
        *tmp = ntsec_fwp_bytes(NTSEC_FWP_SID, sid, ntsec_sid_len(sid));
    } else if ((roles & NTSEC_WFP_FIELD_ROLE_APP_ID) && p && p->app_id) {
        *tmp = ntsec_fwp_bytes(NTSEC_FWP_BYTE_BLOB_TYPE, p->app_id, p->app_id_len);
    } else if ((roles & NTSEC_WFP_FIELD_ROLE_ZERO) && !(f->options & NTSEC_WFP_FLOW_NO_DEFAULTS)) {
        uint32_t t = c->type == NTSEC_FWP_RANGE_TYPE ? c->value.type : c->type;
        *tmp = ntsec_fwp_uint(ntsec_fwp_type_is_unsigned(t) ? t : NTSEC_FWP_UINT32, 0);
        *assumed |= NTSEC_WFP_ASSUMED_ZERO_FLAGS;
    } else {
        return NULL;
    }
    return tmp;
}

static int known_condition(const ntsec_wfp_condition *c, ntsec_wfp_cond_why *why)
{
    if (c->slot == NTSEC_WFP_FIELD_UNKNOWN) *why = NTSEC_WFP_WHY_UNKNOWN_FIELD;
    else if (c->match >= NMATCH) *why = NTSEC_WFP_WHY_UNKNOWN_MATCH;
    else if (c->type == NTSEC_FWP_TYPE_UNKNOWN || c->value.type == NTSEC_FWP_TYPE_UNKNOWN
             || (c->type == NTSEC_FWP_RANGE_TYPE && c->high.type != c->value.type))
        *why = NTSEC_WFP_WHY_UNKNOWN_TYPE;
    else return 1;
    return 0;
}

/* The common case inline: unsigned integers of the condition's own type
** (every integer condition of the dumps). -1: not this case. */
static int unsigned_condition(const ntsec_fwp_value *v, const ntsec_wfp_condition *c)
{
    uint64_t x = v->n.u, y = c->value.n.u;
    if (v->type < NTSEC_FWP_UINT8 || v->type > NTSEC_FWP_UINT64) return -1;
    if (c->type == NTSEC_FWP_RANGE_TYPE) {
        if (c->match != NTSEC_FWP_MATCH_RANGE || c->value.type != v->type) return -1;
        return x >= y && x <= c->high.n.u;
    }
    if (c->type != v->type) return -1;
    switch (c->match) {
    case NTSEC_FWP_MATCH_EQUAL: return x == y;
    case NTSEC_FWP_MATCH_NOT_EQUAL: return x != y;
    case NTSEC_FWP_MATCH_FLAGS_ALL_SET: return (x & y) == y;
    case NTSEC_FWP_MATCH_FLAGS_ANY_SET: return (x & y) != 0;
    case NTSEC_FWP_MATCH_FLAGS_NONE_SET: return (x & y) == 0;
    default: return -1;
    }
}

static int value_condition(const ntsec_fwp_value *v, const ntsec_wfp_condition *c,
                           ntsec_wfp_cond_why *why)
{
    uint32_t ctype = c->type == NTSEC_FWP_RANGE_TYPE ? c->value.type : c->type;
    int mask = is_mask_pair(v, ctype);
    /* RANGE compares against the type of its bounds (2.1); no conversion:
    ** an EMPTY incoming value matches only EQUAL FWP_EMPTY */
    if ((c->match == NTSEC_FWP_MATCH_RANGE) != (c->type == NTSEC_FWP_RANGE_TYPE)) return bad_match(why);
    if (v->type != ctype && !mask) {
        *why = NTSEC_WFP_WHY_TYPE_MISMATCH;
        return NTSEC_WFP_FALSE;
    }
    if (mask && c->match != NTSEC_FWP_MATCH_EQUAL && c->match != NTSEC_FWP_MATCH_NOT_EQUAL) return bad_match(why);
    if (c->type == NTSEC_FWP_RANGE_TYPE && !ntsec_fwp_type_is_sortable(ctype)) return bad_match(why);
    return match_rows[c->match].test(v, c, why) ? NTSEC_WFP_TRUE : NTSEC_WFP_FALSE;
}

int ntsec_wfp_condition_eval(const ntsec_wfp_condition *c, const ntsec_wfp_flow *flow,
                             ntsec_wfp_sd_memo *memo, ntsec_wfp_cond_why *why_out,
                             unsigned *assumed)
{
    ntsec_wfp_cond_why why = NTSEC_WFP_WHY_VALUE;
    ntsec_fwp_value tmp;
    const ntsec_fwp_value *v;
    unsigned dummy = 0;
    int r;
    if (!assumed) assumed = &dummy;
    if (!known_condition(c, &why)) {
        r = NTSEC_WFP_UNKNOWN;
    } else if (!(v = incoming(c, flow, &tmp, assumed))) {
        why = NTSEC_WFP_WHY_ABSENT;
        r = NTSEC_WFP_UNKNOWN;
    } else if (v->type == NTSEC_FWP_TOKEN_ACCESS_INFORMATION_TYPE || v->type == NTSEC_FWP_TOKEN_INFORMATION_TYPE) {
        /* the memo belongs to the flow's own principal */
        r = token_condition(v, c, v->obj == flow->principal ? memo : NULL, &why);
    } else if ((r = unsigned_condition(v, c)) < 0) {
        r = value_condition(v, c, &why);
    }
    if (why_out) *why_out = why;
    return r;
}

/* ---- filters: runs of one field OR-ed, runs AND-ed (2.1) ---- */

static size_t run_end(const ntsec_wfp_condition *conds, size_t n, size_t i, int *has_sd)
{
    size_t j = i;
    *has_sd = 0;
    while (j < n && conds[j].slot == conds[i].slot
           && (conds[i].slot != NTSEC_WFP_FIELD_UNKNOWN || memcmp(conds[j].field.b, conds[i].field.b, 16) == 0)) {
        if (conds[j].type == NTSEC_FWP_SECURITY_DESCRIPTOR_TYPE) *has_sd = 1;
        j++;
    }
    return j;
}

static int eval_run(const ntsec_wfp_condition *conds, size_t i, size_t j, const ntsec_wfp_flow *f,
                    ntsec_wfp_sd_memo *memo, ntsec_wfp_cond_why *why, unsigned *assumed)
{
    int any_unknown = 0;
    ntsec_wfp_cond_why first_why = NTSEC_WFP_WHY_VALUE, w;
    size_t k;
    for (k = i; k < j; k++) {
        int r = ntsec_wfp_condition_eval(&conds[k], f, memo, &w, assumed);
        if (r == NTSEC_WFP_TRUE) return r;
        if (k == i || (r == NTSEC_WFP_UNKNOWN && !any_unknown)) first_why = w;
        if (r == NTSEC_WFP_UNKNOWN) any_unknown = 1;
    }
    *why = first_why;
    return any_unknown ? NTSEC_WFP_UNKNOWN : NTSEC_WFP_FALSE;
}

void ntsec_wfp_conditions_match(const ntsec_wfp_condition *conds, size_t n,
                                const ntsec_wfp_flow *flow, ntsec_wfp_sd_memo *memo,
                                ntsec_wfp_match_info *out)
{
    int pass;
    out->result = NTSEC_WFP_TRUE;
    out->cond = UINT32_MAX;
    out->why = NTSEC_WFP_WHY_VALUE;
    out->assumed = 0;
    int last = 0;
    size_t k;
    for (k = 0; k < n && !last; k++) last = conds[k].type == NTSEC_FWP_SECURITY_DESCRIPTOR_TYPE;
    /* pass 0: runs without descriptors (cheap); pass 1: the others */
    for (pass = 0; pass <= last; pass++) {
        size_t i = 0;
        while (i < n) {
            int has_sd, r;
            ntsec_wfp_cond_why why;
            size_t j = run_end(conds, n, i, &has_sd);
            if (has_sd != pass) { i = j; continue; }
            r = eval_run(conds, i, j, flow, memo, &why, &out->assumed);
            if (r == NTSEC_WFP_FALSE) {
                out->result = r;
                out->cond = (uint32_t)i;
                out->why = why;
                return;
            }
            if (r == NTSEC_WFP_UNKNOWN && out->result == NTSEC_WFP_TRUE) {
                out->result = r;
                out->cond = (uint32_t)i;
                out->why = why;
            }
            i = j;
        }
    }
}

/* ---- flows ---- */

void ntsec_wfp_flow_init(ntsec_wfp_flow *f, const ntsec_wfp_principal *principal)
{
    f->principal = principal;
    f->options = 0;
    f->count = 0;
    memset(f->index, 0, sizeof f->index);
}

static NTSTATUS flow_put(ntsec_wfp_flow *f, uint16_t slot, const ntsec_fwp_value *v, unsigned assumed)
{
    size_t i = f->index[slot];
    if (!i) {
        if (f->count == NTSEC_WFP_FLOW_MAX) return STATUS_BUFFER_TOO_SMALL;
        f->slots[f->count] = slot;
        i = f->index[slot] = (uint8_t)++f->count;
    }
    f->values[i - 1] = *v;
    f->assumed[i - 1] = (uint8_t)assumed;
    return STATUS_SUCCESS;
}

NTSTATUS ntsec_wfp_flow_set(ntsec_wfp_flow *f, uint16_t slot, ntsec_fwp_value v)
{
    if (slot >= NTSEC_WFP_FIELD_SLOTS || !ntsec_wfp_field_name(slot)) return STATUS_INVALID_PARAMETER;
    return flow_put(f, slot, &v, 0);
}

/* Fields derived for resolved flows, in the order of their roles. */
static const char *const derived_fields[] = {
    "FWPM_CONDITION_ALE_APP_ID", "FWPM_CONDITION_ALE_PACKAGE_ID", "FWPM_CONDITION_ALE_USER_ID",
    "FWPM_CONDITION_ALE_PACKAGE_FAMILY_NAME", "FWPM_CONDITION_FLAGS",
    "FWPM_CONDITION_ALE_SIO_FIREWALL_SYSTEM_PORT",
};

#define NDERIVED (sizeof derived_fields / sizeof derived_fields[0])
static uint16_t derived_slots[NDERIVED];
static int derived_ready;

void ntsec_wfp_flow_resolve(const ntsec_wfp_flow *in, ntsec_wfp_flow *out)
{
    size_t i;
    if (!derived_ready) {
        for (i = 0; i < NDERIVED; i++)
            derived_slots[i] = ntsec_wfp_field_slot_by_name(derived_fields[i], strlen(derived_fields[i]));
        derived_ready = 1;
    }
    out->principal = in->principal;
    out->options = in->options | NTSEC_WFP_FLOW_RESOLVED;
    out->count = in->count;
    memcpy(out->index, in->index, sizeof out->index);
    memcpy(out->slots, in->slots, in->count * sizeof *in->slots);
    memcpy(out->values, in->values, in->count * sizeof *in->values);
    memcpy(out->assumed, in->assumed, in->count);
    if (in->options & NTSEC_WFP_FLOW_RESOLVED) return;
    for (i = 0; i < NDERIVED; i++) {
        uint16_t slot = derived_slots[i];
        ntsec_wfp_condition probe;
        ntsec_fwp_value tmp;
        const ntsec_fwp_value *v;
        unsigned assumed = 0;
        if (slot == NTSEC_WFP_FIELD_UNKNOWN || in->index[slot]) continue;
        memset(&probe, 0, sizeof probe);
        probe.slot = slot;
        probe.type = NTSEC_FWP_UINT32;     /* FLAGS-like fields are UINT32 in every layer schema */
        v = incoming(&probe, in, &tmp, &assumed);
        if (v) flow_put(out, slot, v, assumed);
    }
}

NTSTATUS ntsec_wfp_flow_set_name(ntsec_wfp_flow *f, const char *field_name, ntsec_fwp_value v)
{
    return ntsec_wfp_flow_set(f, ntsec_wfp_field_slot_by_name(field_name, strlen(field_name)), v);
}

/* ---- application ids (2.3) ---- */

size_t ntsec_wfp_app_id(const char *nt_path, size_t len, uint8_t *out, size_t cap)
{
    int keep_case = len == 6 && memcmp(nt_path, "System", 6) == 0;
    long k = ntsec_fwp_utf16le(nt_path, len, !keep_case, out, cap >= 2 ? cap - 2 : 0);
    if (k < 0 || cap < 2) return 0;
    ntsec_wr16(out + k, 0);
    return (size_t)k + 2;
}
