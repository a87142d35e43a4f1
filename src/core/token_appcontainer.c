/*
** token_appcontainer.c: AppContainer identities and the two-pass access
** check of WFP user-id conditions (token_appcontainer.h; wfp_classify.md
** 2.5). Pass 2 runs the ordinary access check against a token built once
** per identity whose only SIDs are the package SID, the enabled
** capabilities and ALL (RESTRICTED) APPLICATION PACKAGES: the DACL walk is
** shared, nothing is re-implemented.
*/
#include <stdlib.h>
#include <string.h>

#include "token_appcontainer.h"
#include "secdefs.h"
#include "sid.h"
#include "status.h"

typedef struct ac_cap {
    uint8_t sid[SECURITY_MAX_SID_SIZE];
    uint32_t attributes;
} ac_cap;

struct ntsec_appcontainer {
    uint8_t package[SECURITY_MAX_SID_SIZE];
    int lpac;
    ac_cap *caps;
    size_t ncaps, cap;
    ntsec_token *pass2;       /* built lazily; NULL after a change */
};

/* S-1-15-2-1 ALL APPLICATION PACKAGES, S-1-15-2-2 ALL RESTRICTED ... */
static const uint8_t sid_all_packages[16] = { 1, 2, 0, 0, 0, 0, 0, 15, 2, 0, 0, 0, 1, 0, 0, 0 };
static const uint8_t sid_all_restricted[16] = { 1, 2, 0, 0, 0, 0, 0, 15, 2, 0, 0, 0, 2, 0, 0, 0 };

static int sid_ok(const uint8_t *sid)
{
    return sid && ntsec_sid_valid(sid, SECURITY_MAX_SID_SIZE);
}

ntsec_appcontainer *ntsec_appcontainer_new(const uint8_t *package_sid, int lpac)
{
    ntsec_appcontainer *ac;
    if (!sid_ok(package_sid)) return NULL;
    ac = calloc(1, sizeof *ac);
    if (!ac) return NULL;
    memcpy(ac->package, package_sid, ntsec_sid_len(package_sid));
    ac->lpac = lpac != 0;
    return ac;
}

NTSTATUS ntsec_appcontainer_add_capability(ntsec_appcontainer *ac, const uint8_t *sid,
                                           uint32_t attributes)
{
    if (!sid_ok(sid)) return STATUS_INVALID_SID;
    if (ac->ncaps == ac->cap) {
        size_t n = ac->cap ? ac->cap * 2 : 8;
        ac_cap *p = realloc(ac->caps, n * sizeof *p);
        if (!p) return STATUS_NO_MEMORY;
        ac->caps = p;
        ac->cap = n;
    }
    memset(&ac->caps[ac->ncaps], 0, sizeof ac->caps[0]);
    memcpy(ac->caps[ac->ncaps].sid, sid, ntsec_sid_len(sid));
    ac->caps[ac->ncaps++].attributes = attributes;
    ntsec_token_free(ac->pass2);
    ac->pass2 = NULL;
    return STATUS_SUCCESS;
}

void ntsec_appcontainer_free(ntsec_appcontainer *ac)
{
    if (!ac) return;
    ntsec_token_free(ac->pass2);
    free(ac->caps);
    free(ac);
}

const uint8_t *ntsec_appcontainer_package_sid(const ntsec_appcontainer *ac) { return ac->package; }
int ntsec_appcontainer_is_lpac(const ntsec_appcontainer *ac) { return ac->lpac; }
size_t ntsec_appcontainer_capability_count(const ntsec_appcontainer *ac) { return ac->ncaps; }

const uint8_t *ntsec_appcontainer_capability(const ntsec_appcontainer *ac, size_t i,
                                             uint32_t *attributes)
{
    if (i >= ac->ncaps) return NULL;
    if (attributes) *attributes = ac->caps[i].attributes;
    return ac->caps[i].sid;
}

int ntsec_appcontainer_has_capability(const ntsec_appcontainer *ac, const uint8_t *sid)
{
    size_t i;
    for (i = 0; i < ac->ncaps; i++)
        if ((ac->caps[i].attributes & SE_GROUP_ENABLED) && ntsec_sid_equal(ac->caps[i].sid, sid))
            return 1;
    return 0;
}

/* The pass-2 token: user = the package SID, groups = ALL (RESTRICTED)
** APPLICATION PACKAGES and the enabled capabilities. It has no integrity
** SID, so no mandatory check runs in pass 2. */
static NTSTATUS build_pass2(const ntsec_appcontainer *ac, ntsec_token **out)
{
    const uint32_t on = SE_GROUP_ENABLED | SE_GROUP_ENABLED_BY_DEFAULT | SE_GROUP_MANDATORY;
    ntsec_token *t = ntsec_token_new(ac->package, 0);
    NTSTATUS st;
    size_t i;
    if (!t) return STATUS_NO_MEMORY;
    st = ntsec_token_add_group(t, ac->lpac ? sid_all_restricted : sid_all_packages, on);
    for (i = 0; st == STATUS_SUCCESS && i < ac->ncaps; i++)
        if (ac->caps[i].attributes & SE_GROUP_ENABLED)
            st = ntsec_token_add_group(t, ac->caps[i].sid, on);
    if (st != STATUS_SUCCESS) {
        ntsec_token_free(t);
        return st;
    }
    *out = t;
    return STATUS_SUCCESS;
}

static ACCESS_MASK granted_of(const ntsec_access_result *r)
{
    return r->access_status == STATUS_SUCCESS ? r->granted : 0;
}

NTSTATUS ntsec_appcontainer_access_check(const ntsec_sd *sd, const ntsec_token *token,
                                         const ntsec_appcontainer *ac, ACCESS_MASK desired,
                                         const ntsec_generic_mapping *mapping,
                                         ACCESS_MASK *granted)
{
    ntsec_access_result r1, r2;
    NTSTATUS st = ntsec_access_check(sd, token, desired, mapping, NULL, &r1);
    if (st != STATUS_SUCCESS) return st;
    if (!ac || !granted_of(&r1)) {
        *granted = granted_of(&r1);
        return STATUS_SUCCESS;
    }
    if (!ac->pass2) {
        /* The cache is logically const: it only memoises build_pass2. */
        ntsec_appcontainer *w = (ntsec_appcontainer *)(uintptr_t)ac;
        st = build_pass2(ac, &w->pass2);
        if (st != STATUS_SUCCESS) return st;
    }
    st = ntsec_access_check(sd, ac->pass2, desired, mapping, NULL, &r2);
    if (st != STATUS_SUCCESS) return st;
    *granted = granted_of(&r1) & granted_of(&r2);
    return STATUS_SUCCESS;
}

NTSTATUS ntsec_token_add_sysappid(ntsec_token *t, const char *const *values, size_t count)
{
    ntsec_claim_value v[8];
    size_t i;
    if (count > 8) return STATUS_INVALID_PARAMETER;
    memset(v, 0, sizeof v);
    for (i = 0; i < count; i++) v[i].s = values[i];
    return ntsec_token_add_claim(t, NTSEC_CLAIM_LOCAL, "WIN://SYSAPPID",
                                 CLAIM_SECURITY_ATTRIBUTE_TYPE_STRING, 0, v, count);
}
