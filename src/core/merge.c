/*
** merge.c: the set-security merge, RtlSetSecurityObjectEx /
** SeSetSecurityDescriptorInfoEx (sd_semantics.md 4.2-4.8).
**
** The result is assembled from pointers into OLD and MOD; only ACLs that
** have to be re-assembled (auto-inheritance, partial SACL replacement,
** INHERITED_ACE clearing) are written into a buffer, ACE bytes copied as
** they are. OLD is never written to and *out is set only on success.
** Choices on UNCONFIRMED points: docs/access.md.
*/
#include <string.h>

#include "merge.h"
#include "merge_internal.h"
#include "ace_types.h"
#include "acl.h"
#include "buf.h"
#include "secdefs.h"
#include "sid.h"
#include "status.h"

/* SECURITY_INFORMATION bits this merge knows (4.2). */
#define SI_PARTS   0x000001FFu
#define SI_PROTECT (PROTECTED_DACL_SECURITY_INFORMATION | UNPROTECTED_DACL_SECURITY_INFORMATION \
                    | PROTECTED_SACL_SECURITY_INFORMATION | UNPROTECTED_SACL_SECURITY_INFORMATION)
#define SI_KNOWN   (SI_PARTS | BACKUP_SECURITY_INFORMATION | SI_PROTECT)
/* BACKUP_SECURITY_INFORMATION stands for all these (4.3). */
#define SI_BACKUP_SET (OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION \
                       | DACL_SECURITY_INFORMATION | SACL_SECURITY_INFORMATION \
                       | LABEL_SECURITY_INFORMATION | ATTRIBUTE_SECURITY_INFORMATION \
                       | SCOPE_SECURITY_INFORMATION)
/* Bits that replace only ACEs of one type inside the SACL (4.3). */
#define SI_SACL_PARTIAL (LABEL_SECURITY_INFORMATION | ATTRIBUTE_SECURITY_INFORMATION \
                         | SCOPE_SECURITY_INFORMATION)
/* Known bits whose merge is not implemented (docs/access.md). */
#define SI_UNSUPPORTED (PROCESS_TRUST_LABEL_SECURITY_INFORMATION | ACCESS_FILTER_SECURITY_INFORMATION)

/* Control bits that travel with each part. */
#define DACL_BITS (SE_DACL_PRESENT | SE_DACL_DEFAULTED | SE_DACL_AUTO_INHERIT_REQ \
                   | SE_DACL_AUTO_INHERITED | SE_DACL_PROTECTED)
#define SACL_BITS (SE_SACL_PRESENT | SE_SACL_DEFAULTED | SE_SACL_AUTO_INHERIT_REQ \
                   | SE_SACL_AUTO_INHERITED | SE_SACL_PROTECTED)

ACCESS_MASK ntsec_required_access_for_set(SECURITY_INFORMATION si)
{
    ACCESS_MASK m = 0;
    if (si & (OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION | LABEL_SECURITY_INFORMATION))
        m |= WRITE_OWNER;
    if (si & (DACL_SECURITY_INFORMATION | ATTRIBUTE_SECURITY_INFORMATION
              | PROTECTED_DACL_SECURITY_INFORMATION | UNPROTECTED_DACL_SECURITY_INFORMATION))
        m |= WRITE_DAC;
    if (si & (SACL_SECURITY_INFORMATION | SCOPE_SECURITY_INFORMATION
              | PROTECTED_SACL_SECURITY_INFORMATION | UNPROTECTED_SACL_SECURITY_INFORMATION))
        m |= ACCESS_SYSTEM_SECURITY;
    if (si & BACKUP_SECURITY_INFORMATION) m |= WRITE_DAC | WRITE_OWNER | ACCESS_SYSTEM_SECURITY;
    return m;
}

ACCESS_MASK ntsec_required_access_for_query(SECURITY_INFORMATION si)
{
    ACCESS_MASK m = 0;
    if (si & (OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION
              | LABEL_SECURITY_INFORMATION | ATTRIBUTE_SECURITY_INFORMATION
              | SCOPE_SECURITY_INFORMATION))
        m |= READ_CONTROL;
    if (si & SACL_SECURITY_INFORMATION) m |= ACCESS_SYSTEM_SECURITY;
    if (si & BACKUP_SECURITY_INFORMATION) m |= READ_CONTROL | ACCESS_SYSTEM_SECURITY;
    return m;
}

/* ---- raw ACL assembly: ACE bytes copied unchanged ---- */

typedef struct raw_acl {
    ntsec_buf *buf;
    size_t start;
    unsigned count;
    uint8_t revision;
} raw_acl;

/* Which ACEs of a source ACL to take. */
typedef enum ace_filter {
    TAKE_ALL,
    TAKE_EXPLICIT,            /* INHERITED_ACE clear */
    TAKE_INHERITED,           /* INHERITED_ACE set */
    TAKE_TYPES,               /* type bit set in types */
    TAKE_OTHER_TYPES          /* type bit clear in types */
} ace_filter;

static void raw_begin(raw_acl *r, ntsec_buf *buf)
{
    r->buf = buf;
    r->start = buf->len;
    r->count = 0;
    r->revision = ACL_REVISION;
    ntsec_buf_reserve(buf, NTSEC_ACL_HEADER_SIZE);
}

static int ace_wanted(const uint8_t *ace, ace_filter f, uint32_t types)
{
    int typed = ace[0] < 32 && ((types >> ace[0]) & 1);
    switch (f) {
    case TAKE_ALL: return 1;
    case TAKE_EXPLICIT: return !(ace[1] & INHERITED_ACE);
    case TAKE_INHERITED: return (ace[1] & INHERITED_ACE) != 0;
    case TAKE_TYPES: return typed;
    default: return !typed;
    }
}

/* Append the ACEs of a valid acl (may be NULL) that pass the filter;
** split (may be NULL) applies generic-element splitting (4.4 item 4),
** clear_id clears INHERITED_ACE. */
static void raw_take_ex(raw_acl *r, const uint8_t *acl, ace_filter f, uint32_t types,
                        const split_ctx *split, int clear_id)
{
    size_t off = NTSEC_ACL_HEADER_SIZE;
    unsigned i, n;
    if (!acl) return;
    n = ntsec_acl_count(acl);
    for (i = 0; i < n; i++) {
        const uint8_t *ace = acl + off;
        off += ntsec_rd16(ace + 2);
        if (!ace_wanted(ace, f, types)) continue;
        r->count += merge_put_ace(r->buf, ace, split, clear_id);
        if (acl[0] > r->revision) r->revision = acl[0];
    }
}

static void raw_take(raw_acl *r, const uint8_t *acl, ace_filter f, uint32_t types)
{
    raw_take_ex(r, acl, f, types, NULL, 0);
}

/* 1 when some ACE of acl would be split. */
static int any_split(const uint8_t *acl)
{
    size_t off = NTSEC_ACL_HEADER_SIZE;
    unsigned i, n = ntsec_acl_count(acl);
    for (i = 0; i < n; i++) {
        if (merge_needs_split(acl + off)) return 1;
        off += ntsec_rd16(acl + off + 2);
    }
    return 0;
}

/* Write the header; STATUS_INVALID_ACL past the ACL limit (4.6, the same
** ntsec_acl_size_ok as every other ACL writer). */
static NTSTATUS raw_end(raw_acl *r)
{
    size_t used = r->buf->len - r->start;
    uint8_t *h;
    if (r->buf->oom) return STATUS_NO_MEMORY;
    if (!ntsec_acl_size_ok(used, r->count)) return STATUS_INVALID_ACL;
    h = r->buf->data + r->start;
    h[0] = r->revision;
    h[1] = 0;
    ntsec_wr16(h + 2, (uint16_t)used);
    ntsec_wr16(h + 4, (uint16_t)r->count);
    ntsec_wr16(h + 6, 0);
    return STATUS_SUCCESS;
}

/* Whole ACL copied as it is (slack included), then INHERITED_ACE cleared. */
static NTSTATUS copy_clearing_inherited(ntsec_buf *buf, const uint8_t *acl)
{
    size_t start = buf->len, off = NTSEC_ACL_HEADER_SIZE;
    unsigned i, n = ntsec_acl_count(acl);
    ntsec_buf_put(buf, acl, ntsec_acl_size(acl));
    if (buf->oom) return STATUS_NO_MEMORY;
    for (i = 0; i < n; i++) {
        uint8_t *ace = buf->data + start + off;
        ace[1] = (uint8_t)(ace[1] & ~INHERITED_ACE);
        off += ntsec_rd16(ace + 2);
    }
    return STATUS_SUCCESS;
}

/* ---- validation (4.6, 4.8 step 0) ---- */

static NTSTATUS check_si(SECURITY_INFORMATION si)
{
    const SECURITY_INFORMATION pd = PROTECTED_DACL_SECURITY_INFORMATION | UNPROTECTED_DACL_SECURITY_INFORMATION;
    const SECURITY_INFORMATION ps = PROTECTED_SACL_SECURITY_INFORMATION | UNPROTECTED_SACL_SECURITY_INFORMATION;
    if (si & ~SI_KNOWN) return STATUS_INVALID_PARAMETER;
    if ((si & pd) == pd || (si & ps) == ps) return STATUS_INVALID_PARAMETER;
    if (si & SI_UNSUPPORTED) return STATUS_NOT_SUPPORTED;
    return STATUS_SUCCESS;
}

static NTSTATUS check_mod_sid(const uint8_t *sid)
{
    if (!sid) return STATUS_INVALID_SECURITY_DESCR;
    return ntsec_sid_valid(sid, SECURITY_MAX_SID_SIZE) ? STATUS_SUCCESS : STATUS_INVALID_SID;
}

/* An ACL named by a present bit: absent or NULL is fine, else it must validate. */
static NTSTATUS check_mod_acl(const uint8_t *acl, int present)
{
    if (!present || !acl) return STATUS_SUCCESS;
    return ntsec_acl_valid(acl, ntsec_acl_size(acl)) ? STATUS_SUCCESS : STATUS_INVALID_ACL;
}

static NTSTATUS check_mod(SECURITY_INFORMATION si, const ntsec_sd_parts *mod)
{
    NTSTATUS st = STATUS_SUCCESS;
    if (si & OWNER_SECURITY_INFORMATION) st = check_mod_sid(mod->owner);
    if (st == STATUS_SUCCESS && (si & GROUP_SECURITY_INFORMATION)) st = check_mod_sid(mod->group);
    if (st == STATUS_SUCCESS && (si & DACL_SECURITY_INFORMATION))
        st = check_mod_acl(mod->dacl, (mod->control & SE_DACL_PRESENT) != 0);
    if (st == STATUS_SUCCESS && (si & (SACL_SECURITY_INFORMATION | SI_SACL_PARTIAL)))
        st = check_mod_acl(mod->sacl, (mod->control & SE_SACL_PRESENT) != 0);
    return st;
}

/* 4.6: who may be named owner. */
static NTSTATUS check_owner(const uint8_t *owner, uint32_t sef, const ntsec_token *token)
{
    if (!token || (sef & (SEF_AVOID_PRIVILEGE_CHECK | SEF_AVOID_OWNER_CHECK))) return STATUS_SUCCESS;
    if (ntsec_token_privilege_enabled(token, SE_RESTORE_PRIVILEGE)) return STATUS_SUCCESS;
    if (ntsec_token_can_own(token, owner)) return STATUS_SUCCESS;
    if (ntsec_token_privilege_enabled(token, SE_TAKE_OWNERSHIP_PRIVILEGE)
        && ntsec_sid_equal(owner, ntsec_token_user(token)))
        return STATUS_SUCCESS;
    return STATUS_INVALID_OWNER;
}

/* ---- the merge ---- */

/* Everything one ACL (DACL or SACL) needs to be merged. */
typedef struct acl_side {
    int is_dacl;
    uint16_t bits;            /* DACL_BITS or SACL_BITS */
    uint16_t present, protected_, auto_req, auto_done;   /* its SE_* bits */
    SECURITY_INFORMATION si_part, si_protect, si_unprotect;
    uint32_t sef_auto;
} acl_side;

static const acl_side dacl_side = {
    1, DACL_BITS, SE_DACL_PRESENT, SE_DACL_PROTECTED, SE_DACL_AUTO_INHERIT_REQ, SE_DACL_AUTO_INHERITED,
    DACL_SECURITY_INFORMATION, PROTECTED_DACL_SECURITY_INFORMATION,
    UNPROTECTED_DACL_SECURITY_INFORMATION, SEF_DACL_AUTO_INHERIT
};

static const acl_side sacl_side = {
    0, SACL_BITS, SE_SACL_PRESENT, SE_SACL_PROTECTED, SE_SACL_AUTO_INHERIT_REQ, SE_SACL_AUTO_INHERITED,
    SACL_SECURITY_INFORMATION, PROTECTED_SACL_SECURITY_INFORMATION,
    UNPROTECTED_SACL_SECURITY_INFORMATION, SEF_SACL_AUTO_INHERIT
};

typedef struct merge_job {
    const ntsec_sd_parts *old, *mod;
    SECURITY_INFORMATION si;
    uint32_t sef;
    split_ctx split;          /* mapping and NEW's owner/group for 4.4 item 4 */
    const ntsec_sd_parts *parent;   /* recompute inherited ACEs from it, or NULL */
    int is_container;
} merge_job;

/* One merged ACL: a pointer into OLD/MOD, or built into buf at offset. */
typedef struct acl_result {
    const uint8_t *acl;
    int in_buf;
    size_t offset;
    uint16_t control;         /* the side's bits */
} acl_result;

/* PROTECTED_/UNPROTECTED_ bits override the protection bit (4.3). */
static uint16_t apply_protection(const acl_side *sd, SECURITY_INFORMATION si, uint16_t control)
{
    if (si & sd->si_protect) control |= sd->protected_;
    if (si & sd->si_unprotect) control = (uint16_t)(control & ~sd->protected_);
    return control;
}

/* Cases 2 and 3 when some ACE must be split: the whole MOD ACL re-assembled. */
static NTSTATUS split_copy(const merge_job *j, const uint8_t *mod_acl, int clear_id, ntsec_buf *buf)
{
    raw_acl r;
    raw_begin(&r, buf);
    raw_take_ex(&r, mod_acl, TAKE_ALL, 0, &j->split, clear_id);
    return raw_end(&r);
}

/* With a parent (SetSecurityInfo's propagation, 4.4): MOD's explicit ACEs,
** then what the parent's ACL gives this object now. */
static NTSTATUS from_parent(const acl_side *sd, const merge_job *j, const uint8_t *mod_acl, ntsec_buf *buf)
{
    raw_acl r;
    ntsec_buf tmp;
    NTSTATUS st;
    ntsec_buf_init(&tmp);
    st = merge_inherited_acl(j->parent, sd->is_dacl, j->is_container, &j->split, &tmp);
    if (st == STATUS_SUCCESS) {
        raw_begin(&r, buf);
        raw_take_ex(&r, mod_acl, TAKE_EXPLICIT, 0, &j->split, 0);
        raw_take_ex(&r, tmp.len ? tmp.data : NULL, TAKE_ALL, 0, NULL, 0);
        st = raw_end(&r);
    }
    ntsec_buf_free(&tmp);
    return st;
}

/* SEF_*_AUTO_INHERIT cases 1-3 of 4.4 for a non-NULL MOD ACL, with the
** generic-element splitting of item 4 on the result. */
static NTSTATUS auto_inherit(const acl_side *sd, const merge_job *j, const uint8_t *old_acl,
                             const uint8_t *mod_acl, uint16_t control, ntsec_buf *buf)
{
    raw_acl r;
    uint16_t old_control = j->old->control;
    if (control & sd->protected_) {                                              /* case 2 */
        if (any_split(mod_acl)) return split_copy(j, mod_acl, 1, buf);
        return copy_clearing_inherited(buf, mod_acl);
    }
    if (j->parent) return from_parent(sd, j, mod_acl, buf);
    if (old_control & sd->protected_) {                                          /* case 3 */
        if (any_split(mod_acl)) return split_copy(j, mod_acl, 0, buf);
        ntsec_buf_put(buf, mod_acl, ntsec_acl_size(mod_acl));
        return ntsec_buf_status(buf);
    }
    raw_begin(&r, buf);                                                          /* case 1 */
    raw_take_ex(&r, mod_acl, TAKE_EXPLICIT, 0, &j->split, 0);
    raw_take_ex(&r, (old_control & sd->present) ? old_acl : NULL, TAKE_INHERITED, 0, &j->split, 0);
    return raw_end(&r);
}

/* The side's part named in si: taken from MOD (4.3), with 4.4 applied. */
static NTSTATUS replace_acl(const acl_side *sd, const merge_job *j, const uint8_t *old_acl,
                            const uint8_t *mod_acl, ntsec_buf *buf, acl_result *out)
{
    uint16_t mc = j->mod->control;
    int automatic = (j->sef & sd->sef_auto) || (mc & sd->auto_req);
    uint16_t control = (uint16_t)((mc & sd->bits) | sd->present);
    NTSTATUS st;
    if (!(mc & sd->present)) mod_acl = NULL;
    control = apply_protection(sd, j->si, control);
    out->acl = mod_acl;
    out->in_buf = 0;
    if (mod_acl && automatic) {
        out->in_buf = 1;
        out->offset = buf->len;
        st = auto_inherit(sd, j, old_acl, mod_acl, control, buf);
        if (st != STATUS_SUCCESS) return st;
        control = (uint16_t)((control | sd->auto_done) & ~sd->auto_req);
    }
    out->control = control;
    return STATUS_SUCCESS;
}

/* Types replaced by the partial bits (label 0x11, RA 0x12, SP 0x13): the
** rows of the ACE type table whose SACL selector is one of them. */
static uint32_t partial_types(SECURITY_INFORMATION si)
{
    return ntsec_ace_types_selected(si & SI_SACL_PARTIAL);
}

static int count_types(const uint8_t *acl, uint32_t types)
{
    size_t off = NTSEC_ACL_HEADER_SIZE;
    unsigned i, n = acl ? ntsec_acl_count(acl) : 0;
    int found = 0;
    for (i = 0; i < n; i++) {
        found += ace_wanted(acl + off, TAKE_TYPES, types);
        off += ntsec_rd16(acl + off + 2);
    }
    return found;
}

/* LABEL/ATTRIBUTE/SCOPE without SACL (4.3): OLD's other ACEs in order, then
** MOD's ACEs of the replaced types; OLD's SACL control bits are kept. */
static NTSTATUS partial_sacl(const merge_job *j, const uint8_t *old_sacl, ntsec_buf *buf,
                             acl_result *out)
{
    uint32_t types = partial_types(j->si);
    const uint8_t *mod_sacl = (j->mod->control & SE_SACL_PRESENT) ? j->mod->sacl : NULL;
    int old_present = (j->old->control & SE_SACL_PRESENT) != 0;
    raw_acl r;
    out->control = (uint16_t)(j->old->control & SACL_BITS);
    out->acl = old_sacl;
    out->in_buf = 0;
    if (!count_types(old_sacl, types) && !count_types(mod_sacl, types)) {
        if (!old_present) out->control = 0;
        return STATUS_SUCCESS;          /* nothing to remove or add */
    }
    out->in_buf = 1;
    out->offset = buf->len;
    out->control |= SE_SACL_PRESENT;
    raw_begin(&r, buf);
    raw_take(&r, old_sacl, TAKE_OTHER_TYPES, types);
    raw_take(&r, mod_sacl, TAKE_TYPES, types);
    return raw_end(&r);
}

static NTSTATUS merge_dacl(const merge_job *j, ntsec_buf *buf, acl_result *out)
{
    const uint8_t *old_dacl = j->old->dacl;
    if (j->si & DACL_SECURITY_INFORMATION)
        return replace_acl(&dacl_side, j, old_dacl, j->mod->dacl, buf, out);
    out->acl = old_dacl;
    out->in_buf = 0;
    out->control = apply_protection(&dacl_side, j->si, (uint16_t)(j->old->control & DACL_BITS));
    return STATUS_SUCCESS;
}

static NTSTATUS merge_sacl(const merge_job *j, ntsec_buf *buf, acl_result *out)
{
    const uint8_t *old_sacl = j->old->sacl;
    NTSTATUS st = STATUS_SUCCESS;
    if (j->si & SACL_SECURITY_INFORMATION)
        return replace_acl(&sacl_side, j, old_sacl, j->mod->sacl, buf, out);
    if (j->si & SI_SACL_PARTIAL) st = partial_sacl(j, old_sacl, buf, out);
    else {
        out->acl = old_sacl;
        out->in_buf = 0;
        out->control = (uint16_t)(j->old->control & SACL_BITS);
    }
    out->control = apply_protection(&sacl_side, j->si, out->control);
    return st;
}

static const uint8_t *result_acl(const acl_result *r, const ntsec_buf *buf)
{
    return r->in_buf ? buf->data + r->offset : r->acl;
}

/* Owner and group with their DEFAULTED bits, from MOD or OLD (4.3). */
static void merge_sids(const merge_job *j, ntsec_sd_parts *p)
{
    int own = (j->si & OWNER_SECURITY_INFORMATION) != 0;
    int grp = (j->si & GROUP_SECURITY_INFORMATION) != 0;
    const ntsec_sd_parts *os = own ? j->mod : j->old, *gs = grp ? j->mod : j->old;
    p->owner = os->owner;
    p->group = gs->group;
    p->control |= os->control & SE_OWNER_DEFAULTED;
    p->control |= gs->control & SE_GROUP_DEFAULTED;
}

static NTSTATUS merge_all(merge_job *j, ntsec_buf *dbuf, ntsec_buf *sbuf, ntsec_sd **out)
{
    ntsec_sd_parts p;
    acl_result d, s;
    NTSTATUS st;
    memset(&p, 0, sizeof p);
    merge_sids(j, &p);
    j->split.owner = p.owner;
    j->split.group = p.group;
    st = merge_dacl(j, dbuf, &d);
    if (st == STATUS_SUCCESS) st = merge_sacl(j, sbuf, &s);
    if (st != STATUS_SUCCESS) return st;
    p.control |= (uint16_t)(d.control | s.control | (j->old->control & SE_RM_CONTROL_VALID));
    p.sbz1 = j->old->sbz1;
    p.dacl = result_acl(&d, dbuf);
    p.sacl = result_acl(&s, sbuf);
    return ntsec_sd_build(&p, out);
}

static NTSTATUS validate_request(const ntsec_sd *old, SECURITY_INFORMATION si,
                                 const ntsec_sd_parts *mod, uint32_t sef, const ntsec_token *token)
{
    NTSTATUS st;
    if (!old) return STATUS_NO_SECURITY_ON_OBJECT;
    if (!(ntsec_sd_control(old) & SE_SELF_RELATIVE)) return STATUS_BAD_DESCRIPTOR_FORMAT;
    if (!mod) return STATUS_INVALID_PARAMETER;
    st = check_si(si);
    if (st == STATUS_SUCCESS) st = check_mod(si, mod);
    if (st == STATUS_SUCCESS && (si & OWNER_SECURITY_INFORMATION))
        st = check_owner(mod->owner, sef, token);
    return st;
}

NTSTATUS ntsec_set_security(const ntsec_sd *old, SECURITY_INFORMATION si,
                            const ntsec_sd_parts *mod, uint32_t sef,
                            const ntsec_generic_mapping *mapping,
                            const ntsec_token *token, ntsec_sd **out)
{
    return ntsec_set_security_ex(old, si, mod, sef, mapping, token, NULL, 0, out);
}

NTSTATUS ntsec_set_security_ex(const ntsec_sd *old, SECURITY_INFORMATION si,
                               const ntsec_sd_parts *mod, uint32_t sef,
                               const ntsec_generic_mapping *mapping, const ntsec_token *token,
                               const ntsec_sd *parent, int is_container, ntsec_sd **out)
{
    ntsec_sd_parts old_parts, parent_parts;
    ntsec_buf dbuf, sbuf;
    merge_job j;
    NTSTATUS st;
    if (si & BACKUP_SECURITY_INFORMATION) si = (si & ~BACKUP_SECURITY_INFORMATION) | SI_BACKUP_SET;
    st = validate_request(old, si, mod, sef, token);
    if (st != STATUS_SUCCESS) return st;
    ntsec_sd_get_parts(old, &old_parts);
    j.old = &old_parts;
    j.mod = mod;
    j.si = si;
    j.sef = sef;
    j.split.map = mapping;
    j.parent = NULL;
    j.is_container = is_container != 0;
    if (parent) {
        ntsec_sd_get_parts(parent, &parent_parts);
        j.parent = &parent_parts;
    }
    ntsec_buf_init(&dbuf);
    ntsec_buf_init(&sbuf);
    st = merge_all(&j, &dbuf, &sbuf, out);
    ntsec_buf_free(&dbuf);
    ntsec_buf_free(&sbuf);
    return st;
}
