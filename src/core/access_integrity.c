/*
** access_integrity.c: mandatory integrity control (sd_semantics.md 3.6;
** [MS-DTYP] 2.5.3.3 MandatoryIntegrityCheck, 2.5.3.1.2 SidDominates;
** MSDOC-mandatory-integrity-control). Choices: docs/access.md.
**
**   no integrity SID in the token, or a policy without NO_WRITE_UP:
**       no restriction (DTYP: AllowedAccess = GENERIC_ALL)
**   label: the SACL's first SYSTEM_MANDATORY_LABEL ACE; when there is none
**       or it is inherit-only, Medium (S-1-16-8192) with NO_WRITE_UP
**   token dominates (its level >= the label's): no restriction
**   otherwise: mapped GENERIC_READ unless NO_READ_UP, mapped
**       GENERIC_EXECUTE unless NO_EXECUTE_UP; never GENERIC_WRITE
**   SeRelabelPrivilege adds WRITE_OWNER.
*/
#include <string.h>

#include "access_internal.h"
#include "acl.h"
#include "secdefs.h"
#include "sid.h"
#include "status.h"

static const uint8_t sid_medium[12] = { 1, 1, 0, 0, 0, 0, 0, 16, 0, 0x20, 0, 0 };

/* The label ACE of a SACL (FindAceByType: the first of the type). */
static int find_label(const uint8_t *sacl, ntsec_ace *label)
{
    ntsec_acl_iter it;
    if (!sacl) return 0;
    ntsec_acl_iter_init(&it, sacl);
    while (ntsec_acl_next(&it, label))
        if (label->type == SYSTEM_MANDATORY_LABEL_ACE_TYPE) return label->sid != NULL;
    return 0;
}

/* SidDominates (DTYP 2.5.3.1.2), literally: equal SIDs dominate; a label
** with more sub-authorities cannot be dominated; else compare the first
** sub-authority (the integrity RID). */
static int dominates(const uint8_t *token_il, const uint8_t *label)
{
    if (ntsec_sid_equal(token_il, label)) return 1;
    if (label[1] > token_il[1] || token_il[1] == 0) return 0;
    return ntsec_rd32(token_il + 8) >= ntsec_rd32(label + 8);
}

static void trace_mic(const ntsec_trace_sink *trace, int reason, const uint8_t *label_sid,
                      ACCESS_MASK label_mask, ACCESS_MASK allowed)
{
    ntsec_trace_event ev;
    if (!trace) return;
    memset(&ev, 0, sizeof ev);
    ev.kind = NTSEC_TRACE_INTEGRITY;
    ev.reason = (ntsec_trace_reason)reason;
    ev.condition = NTSEC_COND_NONE;
    ev.node = -1;
    ev.sid = label_sid;
    ev.index = label_mask;         /* the label's policy bits NW/NR/NX */
    ev.mask = allowed;
    trace->emit(trace->ctx, &ev);
}

/* The allowed set of a token that does not dominate the label. */
static ACCESS_MASK subordinate_allowed(ACCESS_MASK policy, const ntsec_generic_mapping *map)
{
    ACCESS_MASK allowed = 0;
    if (!(policy & SYSTEM_MANDATORY_LABEL_NO_READ_UP)) allowed |= ntsec_map_generic(GENERIC_READ, map);
    if (!(policy & SYSTEM_MANDATORY_LABEL_NO_EXECUTE_UP)) allowed |= ntsec_map_generic(GENERIC_EXECUTE, map);
    return allowed;
}

ACCESS_MASK ac_integrity_allowed(const ntsec_token *t, const uint8_t *sacl,
                                 const ntsec_generic_mapping *map, uint32_t *used,
                                 const ntsec_trace_sink *trace)
{
    const uint8_t *il = ntsec_token_integrity_sid(t), *label_sid = sid_medium;
    ACCESS_MASK policy = SYSTEM_MANDATORY_LABEL_NO_WRITE_UP, allowed;
    int reason = NTSEC_WHY_LABEL_DEFAULT;
    ntsec_ace label;
    if (!il || !(ntsec_token_mandatory_policy(t) & TOKEN_MANDATORY_POLICY_NO_WRITE_UP)) {
        trace_mic(trace, NTSEC_WHY_POLICY_OFF, NULL, 0, ~(ACCESS_MASK)0);
        return ~(ACCESS_MASK)0;
    }
    if (find_label(sacl, &label) && !(label.flags & INHERIT_ONLY_ACE)) {
        label_sid = label.sid;
        policy = label.mask;
        reason = NTSEC_WHY_LABEL;
    }
    if (dominates(il, label_sid)) allowed = ~(ACCESS_MASK)0;
    else allowed = subordinate_allowed(policy, map);
    if (!(allowed & WRITE_OWNER) && ntsec_token_privilege_enabled(t, SE_RELABEL_PRIVILEGE)) {
        allowed |= WRITE_OWNER;
        *used |= NTSEC_USED_RELABEL;
    }
    trace_mic(trace, reason, label_sid, policy, allowed);
    return allowed;
}
