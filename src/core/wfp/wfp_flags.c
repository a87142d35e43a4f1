/*
** wfp_flags.c: symbolic flag, action and IP-version names as netsh prints
** them (values from the SDK headers fwpmtypes.h, fwptypes.h, fwpstypes.h).
*/
#include <string.h>

#include "wfp_flags.h"

typedef struct wfp_named {
    const char *name;
    uint32_t value;
} wfp_named;

static const wfp_named flag_names[] = {
    {"FWPM_SESSION_FLAG_DYNAMIC", 0x00000001u},
    {"FWPM_SESSION_FLAG_RESERVED", 0x10000000u},
    {"FWPM_PROVIDER_FLAG_PERSISTENT", 0x00000001u},
    {"FWPM_PROVIDER_FLAG_DISABLED", 0x00000010u},
    {"FWPM_PROVIDER_CONTEXT_FLAG_PERSISTENT", 0x00000001u},
    {"FWPM_PROVIDER_CONTEXT_FLAG_DOWNLEVEL", 0x00000002u},
    {"FWPM_SUBLAYER_FLAG_PERSISTENT", 0x00000001u},
    {"FWPM_LAYER_FLAG_KERNEL", 0x00000001u},
    {"FWPM_LAYER_FLAG_BUILTIN", 0x00000002u},
    {"FWPM_LAYER_FLAG_CLASSIFY_MOSTLY", 0x00000004u},
    {"FWPM_LAYER_FLAG_BUFFERED", 0x00000008u},
    {"FWPM_CALLOUT_FLAG_PERSISTENT", 0x00010000u},
    {"FWPM_CALLOUT_FLAG_USES_PROVIDER_CONTEXT", 0x00020000u},
    {"FWPM_CALLOUT_FLAG_REGISTERED", 0x00040000u},
    {"FWPM_FILTER_FLAG_NONE", 0x00000000u},
    {"FWPM_FILTER_FLAG_PERSISTENT", 0x00000001u},
    {"FWPM_FILTER_FLAG_BOOTTIME", 0x00000002u},
    {"FWPM_FILTER_FLAG_HAS_PROVIDER_CONTEXT", 0x00000004u},
    {"FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT", 0x00000008u},
    {"FWPM_FILTER_FLAG_PERMIT_IF_CALLOUT_UNREGISTERED", 0x00000010u},
    {"FWPM_FILTER_FLAG_DISABLED", 0x00000020u},
    {"FWPM_FILTER_FLAG_INDEXED", 0x00000040u},
    {"FWPM_FILTER_FLAG_HAS_SECURITY_REALM_PROVIDER_CONTEXT", 0x00000080u},
    {"FWPM_FILTER_FLAG_SYSTEMOS_ONLY", 0x00000100u},
    {"FWPM_FILTER_FLAG_GAMEOS_ONLY", 0x00000200u},
    {"FWPM_FILTER_FLAG_SILENT_MODE", 0x00000400u},
    {"FWPM_FILTER_FLAG_IPSEC_NO_ACQUIRE_INITIATE", 0x00000800u},
    {"FWPM_FILTER_FLAG_RESERVED0", 0x00001000u},
    {"FWPM_FILTER_FLAG_RESERVED1", 0x00002000u},
    {"FWPM_FILTER_FLAG_RESERVED2", 0x00004000u},
    /* run-time callout flags (FWPS_CALLOUT), which netsh prints among the
    ** callout's flags (wfp_ks_errors.md 2.4) */
    {"FWP_CALLOUT_FLAG_CONDITIONAL_ON_FLOW", 0x00000001u},
    {"FWP_CALLOUT_FLAG_ALLOW_OFFLOAD", 0x00000002u},
    {"FWP_CALLOUT_FLAG_ENABLE_COMMIT_ADD_NOTIFY", 0x00000004u},
    {"FWP_CALLOUT_FLAG_ALLOW_MID_STREAM_INSPECTION", 0x00000008u},
    {"FWP_CALLOUT_FLAG_ALLOW_RECLASSIFY", 0x00000010u},
    {"FWP_CALLOUT_FLAG_RESERVED1", 0x00000020u},
    {"FWP_CALLOUT_FLAG_ALLOW_RSC", 0x00000040u},
    {"FWP_CALLOUT_FLAG_ALLOW_L2_BATCH_CLASSIFY", 0x00000080u},
    {"FWP_CALLOUT_FLAG_ALLOW_USO", 0x00000100u},
    {"FWP_CALLOUT_FLAG_ALLOW_URO", 0x00000200u},
    {"FWP_ACTION_FLAG_TERMINATING", 0x00001000u},
    {"FWP_ACTION_FLAG_NON_TERMINATING", 0x00002000u},
    {"FWP_ACTION_FLAG_CALLOUT", 0x00004000u},
    {"FWPM_SUBSCRIPTION_FLAG_NOTIFY_ON_ADD", 0x00000001u},
    {"FWPM_SUBSCRIPTION_FLAG_NOTIFY_ON_DELETE", 0x00000002u},
    {"FWPS_ALE_ENDPOINT_FLAG_IPSEC_SECURED", 0x00000001u},
    {NULL, 0}
};

static const wfp_named action_names[] = {
    {"FWP_ACTION_BLOCK", 0x00001001u},
    {"FWP_ACTION_PERMIT", 0x00001002u},
    {"FWP_ACTION_CALLOUT_TERMINATING", 0x00005003u},
    {"FWP_ACTION_CALLOUT_INSPECTION", 0x00006004u},
    {"FWP_ACTION_CALLOUT_UNKNOWN", 0x00004005u},
    {"FWP_ACTION_CONTINUE", 0x00002006u},
    {"FWP_ACTION_NONE", 0x00000007u},
    {"FWP_ACTION_NONE_NO_MATCH", 0x00000008u},
    {"FWP_ACTION_BITMAP_INDEX_SET", 0x00000009u},
    {NULL, 0}
};

/* FWPM_PROVIDER_CONTEXT_TYPE (fwpmtypes.h), in value order from 0. */
static const wfp_named context_type_names[] = {
    {"FWPM_IPSEC_KEYING_CONTEXT", 0},
    {"FWPM_IPSEC_IKE_QM_TRANSPORT_CONTEXT", 1},
    {"FWPM_IPSEC_IKE_QM_TUNNEL_CONTEXT", 2},
    {"FWPM_IPSEC_AUTHIP_QM_TRANSPORT_CONTEXT", 3},
    {"FWPM_IPSEC_AUTHIP_QM_TUNNEL_CONTEXT", 4},
    {"FWPM_IPSEC_IKE_MM_CONTEXT", 5},
    {"FWPM_IPSEC_AUTHIP_MM_CONTEXT", 6},
    {"FWPM_CLASSIFY_OPTIONS_CONTEXT", 7},
    {"FWPM_GENERAL_CONTEXT", 8},
    {"FWPM_IPSEC_IKEV2_QM_TUNNEL_CONTEXT", 9},
    {"FWPM_IPSEC_IKEV2_MM_CONTEXT", 10},
    {"FWPM_IPSEC_DOSP_CONTEXT", 11},
    {"FWPM_IPSEC_IKEV2_QM_TRANSPORT_CONTEXT", 12},
    {NULL, 0}
};

static const wfp_named ip_version_names[] = {
    {"FWP_IP_VERSION_V4", 0},
    {"FWP_IP_VERSION_V6", 1},
    {"FWP_IP_VERSION_NONE", 2},
    {NULL, 0}
};

static int lookup(const wfp_named *t, const char *s, size_t len, uint32_t *value)
{
    for (; t->name; t++) {
        if (strlen(t->name) == len && memcmp(t->name, s, len) == 0) {
            *value = t->value;
            return 1;
        }
    }
    return 0;
}

static int parse_hex(const char *s, size_t len, uint32_t *value)
{
    uint32_t v = 0;
    size_t i;
    if (len == 0 || len > 8) return 0;
    for (i = 0; i < len; i++) {
        char c = s[i];
        int d = (c >= '0' && c <= '9') ? c - '0'
              : (c >= 'a' && c <= 'f') ? c - 'a' + 10
              : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
        if (d < 0) return 0;
        v = v << 4 | (uint32_t)d;
    }
    *value = v;
    return 1;
}

int ntsec_wfp_flag_parse(const char *s, size_t len, uint32_t *value)
{
    return lookup(flag_names, s, len, value) || parse_hex(s, len, value);
}

int ntsec_wfp_action_parse(const char *s, size_t len, uint32_t *value)
{
    return lookup(action_names, s, len, value);
}

int ntsec_wfp_context_type_parse(const char *s, size_t len, uint32_t *value)
{
    return lookup(context_type_names, s, len, value);
}

const char *ntsec_wfp_context_type_name(uint32_t type)
{
    return type < sizeof context_type_names / sizeof context_type_names[0] - 1 ? context_type_names[type].name
                                                                                : NULL;
}

int ntsec_wfp_ip_version_parse(const char *s, size_t len, uint32_t *value)
{
    return lookup(ip_version_names, s, len, value);
}
