/*
** wfp_sd.c: the engine's default descriptors and inheritance
** (wfp_ks_errors.md 3.3): the root from the Windows 10 1909 layout, the
** containers inherit from the root, objects from their container. BFE
** inherits DACL ACEs only (W32-AC); the root has no SACL, so no SACL ACEs
** flow. Identical child descriptors are shared by reference count.
*/
#include <string.h>

#include "wfp_internal.h"
#include "wfp_kinds.h"
#include "acl.h"
#include "buf.h"
#include "merge.h"
#include "secdefs.h"
#include "sddl.h"
#include "sid.h"
#include "status.h"

/* GH-SW680 as given in the brief; the S-1-5-80 service SIDs are MpsSvc,
** NlaSvc, PolicyAgent, RpcSs, WdiServiceHost and one unidentified service. */
const char ntsec_wfp_default_engine_sddl[] =
    "O:BAG:LSD:AI(A;;0xf07ff;;;BA)(A;OICIIO;GA;;;BA)(A;;0x307ff;;;NO)(A;OICIIO;GXGWGR;;;NO)"
    "(A;;0x307ff;;;S-1-5-80-3088073201-1464728630-1879813800-1107566885-823218052)"
    "(A;OICIIO;GXGWGR;;;S-1-5-80-3088073201-1464728630-1879813800-1107566885-823218052)"
    "(A;;0x203f4;;;S-1-5-80-3141615172-2057878085-1754447212-2405740020-3916490453)"
    "(A;OICIIO;GXGR;;;S-1-5-80-3141615172-2057878085-1754447212-2405740020-3916490453)"
    "(A;;0x307ff;;;S-1-5-80-3044542841-3639452079-4096941652-1606687743-1256249853)"
    "(A;OICIIO;GXGWGR;;;S-1-5-80-3044542841-3639452079-4096941652-1606687743-1256249853)"
    "(A;;0x307ff;;;S-1-5-80-979556362-403687129-3954533659-2335141334-1547273080)"
    "(A;OICIIO;GXGWGR;;;S-1-5-80-979556362-403687129-3954533659-2335141334-1547273080)"
    "(A;;0x203f4;;;S-1-5-80-3139157870-2983391045-3678747466-658725712-1809340420)"
    "(A;OICIIO;GXGR;;;S-1-5-80-3139157870-2983391045-3678747466-658725712-1809340420)"
    "(A;;0x307ff;;;S-1-5-80-1510742542-3632397484-604094731-3920060944-1272132581)"
    "(A;OICIIO;GXGWGR;;;S-1-5-80-1510742542-3632397484-604094731-3920060944-1272132581)"
    "(A;OICI;RPDT;;;WD)";

const uint8_t wfp_sid_admins[16] = {1, 2, 0, 0, 0, 0, 0, 5, 32, 0, 0, 0, 0x20, 2, 0, 0};
const uint8_t wfp_sid_local_service[12] = {1, 1, 0, 0, 0, 0, 0, 5, 19, 0, 0, 0};
const uint8_t wfp_sid_system[12] = {1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0};

ntsec_wfp_container wfp_container_of(ntsec_wfp_kind kind)
{
    const ntsec_wfp_kind_info *r = ntsec_wfp_kind_row(kind);
    return r ? r->container : NTSEC_WFP_ENGINE;
}

static NTSTATUS parse_default_root(ntsec_sd **out)
{
    static const ntsec_sid_ctx no_context;
    return ntsec_sddl_parse(ntsec_wfp_default_engine_sddl, sizeof ntsec_wfp_default_engine_sddl - 1,
                            &no_context, out, NULL);
}

/* BFE inherits DACL ACEs only (W32-AC): children are created from a copy of
** the parent without its SACL. */
static NTSTATUS new_child(const ntsec_sd *parent, int is_container, const uint8_t *owner,
                          const uint8_t *group, ntsec_sd **out)
{
    ntsec_sd_parts p;
    ntsec_sd *dacl_only;
    NTSTATUS s;
    ntsec_sd_get_parts(parent, &p);
    if (!(p.control & SE_SACL_PRESENT))
        return ntsec_new_security(parent, NULL, is_container, owner, group, &ntsec_fwpm_mapping, out);
    p.sacl = NULL;
    p.control &= (uint16_t)~(SE_SACL_PRESENT | SE_SACL_AUTO_INHERITED | SE_SACL_PROTECTED | SE_SACL_DEFAULTED);
    s = ntsec_sd_build(&p, &dacl_only);
    if (!NT_SUCCESS(s)) return s;
    s = ntsec_new_security(dacl_only, NULL, is_container, owner, group, &ntsec_fwpm_mapping, out);
    ntsec_sd_unref(dacl_only);
    return s;
}

/* EMULATOR CHOICE: containers are created by BFE: owner BA, group LS. */
NTSTATUS wfp_sd_setup(ntsec_wfp_engine *e, ntsec_sd *root)
{
    ntsec_sd *container;
    NTSTATUS s;
    int c;
    if (root) e->containers[NTSEC_WFP_ENGINE] = ntsec_sd_ref(root);
    else {
        s = parse_default_root(&e->containers[NTSEC_WFP_ENGINE]);
        if (!NT_SUCCESS(s)) return s;
    }
    e->containers[NTSEC_WFP_ENGINE] = wfp_intern(e, e->containers[NTSEC_WFP_ENGINE]);
    s = new_child(e->containers[NTSEC_WFP_ENGINE], 1, wfp_sid_admins, wfp_sid_local_service, &container);
    if (!NT_SUCCESS(s)) return s;
    container = wfp_intern(e, container);
    for (c = NTSEC_WFP_ENGINE + 1; c < NTSEC_WFP_CONTAINER_COUNT; c++)
        e->containers[c] = ntsec_sd_ref(container);
    ntsec_sd_unref(container);
    return STATUS_SUCCESS;
}

void wfp_sd_teardown(ntsec_wfp_engine *e)
{
    int c;
    for (c = 0; c < NTSEC_WFP_CONTAINER_COUNT; c++) {
        ntsec_sd_unref(e->containers[c]);
        ntsec_sd_unref(e->cache[c].parent);
        ntsec_sd_unref(e->cache[c].result);
        e->containers[c] = e->cache[c].parent = e->cache[c].result = NULL;
    }
}

static int cache_hit(const wfp_sd_cache *k, const ntsec_sd *parent, int is_container,
                     const uint8_t *owner, const uint8_t *group)
{
    return k->result && k->parent == parent && k->is_container == is_container
        && ntsec_sid_equal(k->owner, owner) && ntsec_sid_equal(k->group, group);
}

static void cache_store(wfp_sd_cache *k, ntsec_sd *parent, int is_container,
                        const uint8_t *owner, const uint8_t *group, ntsec_sd *result)
{
    ntsec_sd_unref(k->parent);
    ntsec_sd_unref(k->result);
    k->parent = ntsec_sd_ref(parent);
    k->result = ntsec_sd_ref(result);
    k->is_container = is_container;
    memcpy(k->owner, owner, ntsec_sid_len(owner));
    memcpy(k->group, group, ntsec_sid_len(group));
}

NTSTATUS wfp_child_sd(ntsec_wfp_engine *e, ntsec_wfp_container c, int is_container,
                      const uint8_t *owner, const uint8_t *group, ntsec_sd **out)
{
    wfp_sd_cache *k = &e->cache[c];
    ntsec_sd *parent = e->containers[c], *r;
    NTSTATUS s;
    if (cache_hit(k, parent, is_container, owner, group)) {
        *out = ntsec_sd_ref(k->result);
        return STATUS_SUCCESS;
    }
    s = new_child(parent, is_container, owner, group, &r);
    if (!NT_SUCCESS(s)) return s;
    r = wfp_intern(e, r);
    cache_store(k, parent, is_container, owner, group, r);
    *out = r;
    return STATUS_SUCCESS;
}

/* EMULATOR CHOICE (docs/wfp.md): what a session's new objects are owned by. */
void wfp_session_owner_group(const wfp_session *s, const uint8_t **owner, const uint8_t **group)
{
    uint32_t attrs;
    *owner = s->token ? ntsec_token_user(s->token) : wfp_sid_system;
    *group = wfp_sid_local_service;
    if (s->token && ntsec_token_group_count(s->token) > 0)
        *group = ntsec_token_group(s->token, 0, &attrs);
}

/* Append the ACEs of acl whose INHERITED_ACE flag equals inherited. */
static void add_aces(ntsec_acl_builder *ab, const uint8_t *acl, int inherited)
{
    ntsec_acl_iter it;
    ntsec_ace ace;
    if (!acl) return;
    ntsec_acl_iter_init(&it, acl);
    while (ntsec_acl_next(&it, &ace))
        if (((ace.flags & INHERITED_ACE) != 0) == inherited) ntsec_acl_add(ab, &ace);
}

/* sd with its DACL rebuilt as explicit ACEs of sd + inherited ACEs of child. */
static NTSTATUS splice_dacl(const ntsec_sd *sd, const ntsec_sd *child, ntsec_sd **out)
{
    ntsec_sd_parts parts, cparts;
    ntsec_acl_builder ab;
    ntsec_buf buf;
    NTSTATUS s;
    ntsec_sd_get_parts(sd, &parts);
    ntsec_sd_get_parts(child, &cparts);
    ntsec_buf_init(&buf);
    ntsec_acl_begin(&ab, &buf);
    add_aces(&ab, parts.dacl, 0);
    add_aces(&ab, (cparts.control & SE_DACL_PRESENT) ? cparts.dacl : NULL, 1);
    s = ntsec_acl_end(&ab, 0);
    if (NT_SUCCESS(s)) {
        parts.dacl = buf.data + ab.start;
        s = ntsec_sd_build(&parts, out);
    }
    ntsec_buf_free(&buf);
    return s;
}

static int dacl_inherits(const ntsec_sd_parts *p)
{
    return (p->control & SE_DACL_PRESENT) && p->dacl && !(p->control & SE_DACL_PROTECTED)
        && p->owner && p->group;
}

NTSTATUS wfp_reinherit(ntsec_wfp_engine *e, ntsec_wfp_container parent, int is_container,
                       ntsec_sd *sd, ntsec_sd **out)
{
    ntsec_sd_parts parts;
    ntsec_sd *child, *r;
    NTSTATUS s;
    ntsec_sd_get_parts(sd, &parts);
    if (!dacl_inherits(&parts)) {
        *out = ntsec_sd_ref(sd);
        return STATUS_SUCCESS;
    }
    s = wfp_child_sd(e, parent, is_container, parts.owner, parts.group, &child);
    if (!NT_SUCCESS(s)) return s;
    s = splice_dacl(sd, child, &r);
    ntsec_sd_unref(child);
    if (!NT_SUCCESS(s)) return s;
    if (ntsec_sd_equal(r, sd)) {
        ntsec_sd_unref(r);
        r = ntsec_sd_ref(sd);
    }
    *out = r;
    return STATUS_SUCCESS;
}
