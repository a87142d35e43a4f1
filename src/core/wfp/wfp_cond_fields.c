/*
** wfp_cond_fields.c: condition field slots and roles (wfp_cond.h).
**
** Slots are positions among the FWPM_CONDITION_* rows of the built-in
** name table (wfp_names.c), which is sorted by name, so those rows are
** contiguous: no second GUID table. The role table below adds what the
** evaluator needs to know about a few fields (wfp_classify.md 2.3-2.9, 4).
*/
#include <string.h>

#include "wfp_cond.h"
#include "wfp_names.h"

static const char prefix[] = "FWPM_CONDITION_";

typedef struct field_role {
    const char *name;
    unsigned roles;
} field_role;

/* Sorted by name. */
static const field_role field_roles[] = {
    { "FWPM_CONDITION_ALE_APP_ID", NTSEC_WFP_FIELD_ROLE_PRINCIPAL | NTSEC_WFP_FIELD_ROLE_APP_ID },
    { "FWPM_CONDITION_ALE_ORIGINAL_APP_ID", NTSEC_WFP_FIELD_ROLE_PRINCIPAL },
    { "FWPM_CONDITION_ALE_PACKAGE_FAMILY_NAME", NTSEC_WFP_FIELD_ROLE_PRINCIPAL | NTSEC_WFP_FIELD_ROLE_TOKEN },
    { "FWPM_CONDITION_ALE_PACKAGE_ID", NTSEC_WFP_FIELD_ROLE_PRINCIPAL | NTSEC_WFP_FIELD_ROLE_PACKAGE },
    { "FWPM_CONDITION_ALE_REMOTE_MACHINE_ID", NTSEC_WFP_FIELD_ROLE_PRINCIPAL },
    { "FWPM_CONDITION_ALE_REMOTE_USER_ID", NTSEC_WFP_FIELD_ROLE_PRINCIPAL },
    { "FWPM_CONDITION_ALE_SIO_FIREWALL_SYSTEM_PORT", NTSEC_WFP_FIELD_ROLE_ZERO },
    { "FWPM_CONDITION_ALE_USER_ID", NTSEC_WFP_FIELD_ROLE_PRINCIPAL | NTSEC_WFP_FIELD_ROLE_TOKEN },
    { "FWPM_CONDITION_EMBEDDED_REMOTE_ADDRESS", NTSEC_WFP_FIELD_ROLE_ADDRESS },
    { "FWPM_CONDITION_FLAGS", NTSEC_WFP_FIELD_ROLE_ZERO },
    { "FWPM_CONDITION_IP_DESTINATION_ADDRESS", NTSEC_WFP_FIELD_ROLE_ADDRESS },
    { "FWPM_CONDITION_IP_LOCAL_ADDRESS", NTSEC_WFP_FIELD_ROLE_ADDRESS },
    { "FWPM_CONDITION_IP_LOCAL_ADDRESS_V4", NTSEC_WFP_FIELD_ROLE_ADDRESS },
    { "FWPM_CONDITION_IP_NEXTHOP_ADDRESS", NTSEC_WFP_FIELD_ROLE_ADDRESS },
    { "FWPM_CONDITION_IP_REMOTE_ADDRESS", NTSEC_WFP_FIELD_ROLE_ADDRESS },
    { "FWPM_CONDITION_IP_REMOTE_ADDRESS_V4", NTSEC_WFP_FIELD_ROLE_ADDRESS },
    { "FWPM_CONDITION_IP_SOURCE_ADDRESS", NTSEC_WFP_FIELD_ROLE_ADDRESS },
};

/* [first, first + count) of the name table holds the condition fields. */
static size_t first_row, row_count;
static int bounds_ready, roles_ready;
static unsigned slot_roles[NTSEC_WFP_FIELD_SLOTS];

static void init_bounds(void)
{
    size_t i, n = ntsec_wfp_name_count();
    const size_t plen = sizeof prefix - 1;
    if (bounds_ready) return;
    for (i = 0; i < n && strncmp(ntsec_wfp_name_at(i, NULL), prefix, plen) < 0; i++) {}
    first_row = i;
    for (; i < n && strncmp(ntsec_wfp_name_at(i, NULL), prefix, plen) == 0; i++) {}
    row_count = i - first_row;
    if (row_count > NTSEC_WFP_FIELD_SLOTS) row_count = NTSEC_WFP_FIELD_SLOTS;
    bounds_ready = 1;
}

static void init_slots(void)
{
    size_t k;
    if (roles_ready) return;
    init_bounds();
    for (k = 0; k < sizeof field_roles / sizeof field_roles[0]; k++) {
        uint16_t s = ntsec_wfp_field_slot_by_name(field_roles[k].name, strlen(field_roles[k].name));
        if (s != NTSEC_WFP_FIELD_UNKNOWN) slot_roles[s] = field_roles[k].roles;
    }
    roles_ready = 1;
}

uint16_t ntsec_wfp_field_slot(const ntsec_guid *field)
{
    size_t i;
    ntsec_guid g;
    init_bounds();
    for (i = 0; i < row_count; i++) {
        ntsec_wfp_name_at(first_row + i, &g);
        if (memcmp(g.b, field->b, 16) == 0) return (uint16_t)i;
    }
    return NTSEC_WFP_FIELD_UNKNOWN;
}

uint16_t ntsec_wfp_field_slot_by_name(const char *name, size_t len)
{
    size_t lo, hi;
    init_bounds();
    lo = 0;
    hi = row_count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const char *m = ntsec_wfp_name_at(first_row + mid, NULL);
        int c = strncmp(m, name, len);
        if (c == 0) c = m[len] ? 1 : 0;
        if (c == 0) return (uint16_t)mid;
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return NTSEC_WFP_FIELD_UNKNOWN;
}

const char *ntsec_wfp_field_name(uint16_t slot)
{
    init_bounds();
    return slot < row_count ? ntsec_wfp_name_at(first_row + slot, NULL) : NULL;
}

int ntsec_wfp_field_guid(uint16_t slot, ntsec_guid *out)
{
    init_bounds();
    if (slot >= row_count) return 0;
    ntsec_wfp_name_at(first_row + slot, out);
    return 1;
}

unsigned ntsec_wfp_field_roles(uint16_t slot)
{
    init_slots();
    return slot < row_count ? slot_roles[slot] : 0;
}
