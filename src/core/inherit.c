/*
** inherit.c: a new object's descriptor from its parent and its creator
** (RtlNewSecurityObjectEx; [MS-DTYP] 2.5.3.4 as summarised in
** sd_semantics.md 4.4). Where Windows-observed results differ from the
** DTYP pseudocode, the observations win; docs/access.md lists each case.
**
** Per parent ACE with OI or CI (IO does not stop it; it only describes the
** parent):
**   effective    (CI and container) or (OI and leaf)
**   inheritable  container and not NP
** Both and nothing to map: one ACE keeping OI/CI, IO dropped, ID added.
** Otherwise an effective copy (flags: ID only, generic bits mapped, CREATOR
** OWNER/GROUP replaced) followed by an inheritable copy (flags + IO + ID).
*/
#include <string.h>

#include "merge.h"
#include "merge_internal.h"
#include "acl.h"
#include "buf.h"
#include "secdefs.h"
#include "sid.h"
#include "status.h"

/* S-1-3-0 CREATOR OWNER, S-1-3-1 CREATOR GROUP. */
static const uint8_t sid_creator_owner[12] = { 1, 1, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0 };
static const uint8_t sid_creator_group[12] = { 1, 1, 0, 0, 0, 0, 0, 3, 1, 0, 0, 0 };

#define INHERIT_BITS (OBJECT_INHERIT_ACE | CONTAINER_INHERIT_ACE)

/* What the new ACEs are computed with. */
typedef struct inherit_ctx {
    const uint8_t *owner, *group;
    const ntsec_generic_mapping *map;
    int is_container;
    uint32_t sef;
    const ntsec_guid *types;          /* the child's object types (may be NULL) */
    size_t ntypes;
    const uint8_t *default_dacl;      /* the token's, when nothing else gives a DACL */
    const uint8_t *label_sid;         /* label to add to the SACL, or NULL */
    ACCESS_MASK label_policy;
} inherit_ctx;

static int is_sid12(const uint8_t *sid, const uint8_t well_known[12])
{
    return sid && sid[1] == 1 && memcmp(sid, well_known, 12) == 0;
}

static int is_creator_sid(const uint8_t *sid)
{
    return is_sid12(sid, sid_creator_owner) || is_sid12(sid, sid_creator_group);
}

/* Types whose body has an access mask (everything but compound/opaque). */
static int has_mask(const ntsec_ace *a)
{
    return a->sid != NULL;
}

/* PostProcessACL for one ACE: CREATOR OWNER/GROUP -> owner/group, generic
** bits replaced by their mapping (RtlMapGenericMask). */
static void make_concrete(const inherit_ctx *c, ntsec_ace *a)
{
    if (!has_mask(a)) return;
    if (is_sid12(a->sid, sid_creator_owner) && c->owner) a->sid = c->owner;   /* no owner (merge): kept */
    else if (is_sid12(a->sid, sid_creator_group) && c->group) a->sid = c->group;
    a->mask = ntsec_map_generic(a->mask, c->map);
}

static int needs_mapping(const ntsec_ace *a)
{
    return has_mask(a) && ((a->mask & GENERIC_MASK) || is_creator_sid(a->sid));
}

/* 1 when guid is one of the child's object types. */
static int child_has_type(const inherit_ctx *c, const uint8_t *guid)
{
    size_t i;
    for (i = 0; i < c->ntypes; i++)
        if (memcmp(c->types[i].b, guid, 16) == 0) return 1;
    return 0;
}

/* An object ACE limited to an inherited object type reaches only children of
** that type (4.4; MSDOC-ace-inheritance-rules). */
static int applies_to_child(const inherit_ctx *c, const ntsec_ace *a)
{
    uint8_t f = a->flags;
    if (a->inherited_object_type && !child_has_type(c, a->inherited_object_type)) return 0;
    return c->is_container ? (f & CONTAINER_INHERIT_ACE) != 0 : (f & OBJECT_INHERIT_ACE) != 0;
}

/* The child ACEs one parent ACE yields (DTYP 2.5.3.4.4 + 4.4's table). */
static void inherit_one(const inherit_ctx *c, const ntsec_ace *parent, ntsec_acl_builder *ab)
{
    ntsec_ace a = *parent;
    uint8_t f = parent->flags;
    int effective = applies_to_child(c, parent);
    int inheritable = c->is_container && !(f & NO_PROPAGATE_INHERIT_ACE);
    if (effective && inheritable && !needs_mapping(parent)) {
        a.flags = (uint8_t)((f & ~INHERIT_ONLY_ACE) | INHERITED_ACE);
        ntsec_acl_add(ab, &a);
        return;
    }
    if (effective) {
        a.flags = (uint8_t)((f & ~VALID_INHERIT_FLAGS) | INHERITED_ACE);
        make_concrete(c, &a);
        ntsec_acl_add(ab, &a);
    }
    if (inheritable) {
        a = *parent;
        a.flags = (uint8_t)(f | INHERIT_ONLY_ACE | INHERITED_ACE);
        ntsec_acl_add(ab, &a);
    }
}

static void inherit_from_parent(const inherit_ctx *c, const uint8_t *parent_acl, ntsec_acl_builder *ab)
{
    ntsec_acl_iter it;
    ntsec_ace a;
    ntsec_acl_iter_init(&it, parent_acl);
    while (ntsec_acl_next(&it, &a))
        if ((a.flags & INHERIT_BITS) && a.size >= 8) inherit_one(c, &a, ab);   /* header-only: dropped */
}

/* ContainsInheritableACEs (DTYP 2.5.3.4.3). */
static int has_inheritable(const uint8_t *acl)
{
    ntsec_acl_iter it;
    ntsec_ace a;
    if (!acl) return 0;
    ntsec_acl_iter_init(&it, acl);
    while (ntsec_acl_next(&it, &a))
        if (a.flags & INHERIT_BITS) return 1;
    return 0;
}

/* The creator's explicit ACEs (inherited ones dropped, PreProcessACLfromCreator).
** Effective ACEs are made concrete in place, keeping their flags, as Windows
** stores an explicit (A;OICI;GA) as (A;OICI;<mapped>) (sd_semantics.md 5.4);
** inherit-only ACEs are kept as given. protected_copy: the protected case,
** where every ACE is kept with INHERITED_ACE cleared. */
static void creator_aces(const inherit_ctx *c, const uint8_t *acl, int protected_copy,
                         ntsec_acl_builder *ab)
{
    ntsec_acl_iter it;
    ntsec_ace a;
    ntsec_acl_iter_init(&it, acl);
    while (ntsec_acl_next(&it, &a)) {
        if (((a.flags & INHERITED_ACE) && !protected_copy) || a.size < 8) continue;
        a.flags = (uint8_t)(a.flags & ~INHERITED_ACE);
        if (!(a.flags & INHERIT_ONLY_ACE)) make_concrete(c, &a);
        ntsec_acl_add(ab, &a);
    }
}

/* Which ACL of a descriptor, and its control bits. */
typedef struct acl_kind {
    uint16_t present, protected_, auto_inherited;
    int is_dacl;
} acl_kind;

static const acl_kind dacl_kind = { SE_DACL_PRESENT, SE_DACL_PROTECTED, SE_DACL_AUTO_INHERITED, 1 };
static const acl_kind sacl_kind = { SE_SACL_PRESENT, SE_SACL_PROTECTED, SE_SACL_AUTO_INHERITED, 0 };

typedef struct acl_source {
    const uint8_t *acl;
    int present;
    uint16_t control;
} acl_source;

static acl_source source_of(const ntsec_sd_parts *p, const acl_kind *k)
{
    acl_source s;
    s.present = (p->control & k->present) != 0;
    s.acl = !s.present ? NULL : (k->is_dacl ? p->dacl : p->sacl);
    s.control = p->control;
    return s;
}

typedef struct computed_acl {
    int present, in_buf;
    size_t offset;
    uint16_t control;
} computed_acl;

/* 1 when the ACEs written since ab began include a mandatory label. */
static int built_has_label(const ntsec_acl_builder *ab)
{
    size_t off = ab->start + NTSEC_ACL_HEADER_SIZE;
    while (off + 4 <= ab->buf->len) {
        if (ab->buf->data[off] == SYSTEM_MANDATORY_LABEL_ACE_TYPE) return 1;
        off += ntsec_rd16(ab->buf->data + off + 2);
    }
    return 0;
}

/* The SACL gets the creator's label when the new object needs one and its
** SACL carries none (docs/access.md, SEF_MACL_*). */
static void add_label(const inherit_ctx *c, ntsec_acl_builder *ab)
{
    ntsec_ace a;
    if (!c->label_sid || ab->buf->oom || built_has_label(ab)) return;
    memset(&a, 0, sizeof a);
    a.type = SYSTEM_MANDATORY_LABEL_ACE_TYPE;
    a.mask = c->label_policy;
    a.sid = c->label_sid;
    ntsec_acl_add(ab, &a);
}

/* Which sources feed an ACL (DTYP 2.5.3.4.2 ComputeACL). */
typedef struct acl_plan {
    int prot;                 /* creator ACL protected: its ACEs, ID cleared */
    int null_acl;             /* creator's ACL is NULL: stays NULL */
    int use_creator;          /* creator's explicit ACEs */
    int inherit;              /* parent's inheritable ACEs */
    const uint8_t *fallback;  /* token default DACL when nothing else */
} acl_plan;

static acl_plan plan_acl(const inherit_ctx *c, const acl_kind *k, const acl_source *parent,
                         const acl_source *creator)
{
    acl_plan p;
    uint32_t auto_flag = k->is_dacl ? SEF_DACL_AUTO_INHERIT : SEF_SACL_AUTO_INHERIT;
    int parent_has = has_inheritable(parent->acl);
    int default_desc = (c->sef & SEF_DEFAULT_DESCRIPTOR_FOR_OBJECT) && parent_has;
    memset(&p, 0, sizeof p);
    p.prot = creator->present && !default_desc && (creator->control & k->protected_);
    p.null_acl = creator->present && !default_desc && !creator->acl;
    p.use_creator = creator->present && !default_desc && !p.null_acl;
    if (parent_has && !p.prot && !p.null_acl)
        p.inherit = !p.use_creator || (c->sef & auto_flag);
    if (!creator->present && !parent_has && k->is_dacl) p.fallback = c->default_dacl;
    return p;
}

/* ComputeACL (DTYP 2.5.3.4.2): absent when nothing contributes; a NULL
** creator ACL stays NULL (docs/access.md). */
static NTSTATUS compute_acl(const inherit_ctx *c, const acl_kind *k, const acl_source *parent,
                            const acl_source *creator, ntsec_buf *buf, computed_acl *out)
{
    ntsec_acl_builder ab;
    acl_plan p = plan_acl(c, k, parent, creator);
    int label = !k->is_dacl && c->label_sid;
    memset(out, 0, sizeof *out);
    if (!p.use_creator && !p.null_acl && !p.inherit && !p.fallback && !label) return STATUS_SUCCESS;
    out->present = 1;
    out->control = (uint16_t)(k->present | (p.prot ? k->protected_ : 0)
                              | ((p.inherit && (c->sef & (k->is_dacl ? SEF_DACL_AUTO_INHERIT
                                                                      : SEF_SACL_AUTO_INHERIT)))
                                 ? k->auto_inherited : 0));
    if (p.null_acl && !label) return STATUS_SUCCESS;
    out->in_buf = 1;
    out->offset = buf->len;
    ntsec_acl_begin(&ab, buf);
    if (p.use_creator) creator_aces(c, creator->acl, p.prot, &ab);
    if (p.inherit) inherit_from_parent(c, parent->acl, &ab);
    if (p.fallback) creator_aces(c, p.fallback, 0, &ab);
    if (label) add_label(c, &ab);
    return ntsec_acl_end(&ab, 0);
}

static const uint8_t *computed_ptr(const computed_acl *a, const ntsec_buf *buf)
{
    return a->in_buf ? buf->data + a->offset : NULL;
}

/* 4.6 on creation: the resulting owner must be assignable by the token,
** unless SEF_AVOID_OWNER_CHECK or SeRestorePrivilege. */
static int owner_ok(const ntsec_new_security_opts *o, const uint8_t *owner)
{
    const ntsec_token *t = o->token;
    if (!t || (o->sef & SEF_AVOID_OWNER_CHECK)) return 1;
    if (ntsec_token_privilege_enabled(t, SE_RESTORE_PRIVILEGE)) return 1;
    return ntsec_token_can_own(t, owner);
}

/* Owner and group (DTYP 2.5.3.4.1): creator's, else the parent's with
** SEF_DEFAULT_*_FROM_PARENT, else the given defaults, else the token's. */
static NTSTATUS pick_sids(const ntsec_sd_parts *pp, const ntsec_sd_parts *cp,
                          const ntsec_new_security_opts *o, inherit_ctx *c)
{
    const ntsec_token *t = o->token;
    c->owner = cp->owner;
    if (!c->owner && (o->sef & SEF_DEFAULT_OWNER_FROM_PARENT)) c->owner = pp->owner;
    if (!c->owner) c->owner = o->default_owner ? o->default_owner : (t ? ntsec_token_owner(t) : NULL);
    c->group = cp->group;
    if (!c->group && (o->sef & SEF_DEFAULT_GROUP_FROM_PARENT)) c->group = pp->group;
    if (!c->group) c->group = o->default_group ? o->default_group : (t ? ntsec_token_primary_group(t) : NULL);
    if (!c->owner || !ntsec_sid_valid(c->owner, SECURITY_MAX_SID_SIZE)) return STATUS_INVALID_OWNER;
    if (c->group && !ntsec_sid_valid(c->group, SECURITY_MAX_SID_SIZE)) return STATUS_INVALID_PRIMARY_GROUP;
    return owner_ok(o, c->owner) ? STATUS_SUCCESS : STATUS_INVALID_OWNER;
}

/* A creator below medium integrity labels what it creates with its own
** level (MSDOC-mandatory-integrity-control); the policy is SEF_MACL_*,
** NO_WRITE_UP when none is given. */
static void pick_label(const ntsec_new_security_opts *o, inherit_ctx *c)
{
    const uint8_t *il = o->token ? ntsec_token_integrity_sid(o->token) : NULL;
    c->label_sid = NULL;
    if (!il || il[1] != 1 || ntsec_rd32(il + 8) >= 0x2000) return;
    c->label_sid = il;
    c->label_policy = (o->sef & SEF_MACL_VALID_FLAGS) >> 8;
    if (!c->label_policy) c->label_policy = SYSTEM_MANDATORY_LABEL_NO_WRITE_UP;
}

static NTSTATUS build_new(const inherit_ctx *c, const ntsec_sd_parts *pp, const ntsec_sd_parts *cp,
                          ntsec_buf *dbuf, ntsec_buf *sbuf, ntsec_sd **out)
{
    acl_source pd = source_of(pp, &dacl_kind), cd = source_of(cp, &dacl_kind);
    acl_source ps = source_of(pp, &sacl_kind), cs = source_of(cp, &sacl_kind);
    computed_acl d, s;
    ntsec_sd_parts p;
    NTSTATUS st = compute_acl(c, &dacl_kind, &pd, &cd, dbuf, &d);
    if (st == STATUS_SUCCESS) st = compute_acl(c, &sacl_kind, &ps, &cs, sbuf, &s);
    if (st != STATUS_SUCCESS) return st;
    memset(&p, 0, sizeof p);
    p.control = (uint16_t)(d.control | s.control);
    p.owner = c->owner;
    p.group = c->group;
    p.dacl = computed_ptr(&d, dbuf);
    p.sacl = computed_ptr(&s, sbuf);
    return ntsec_sd_build(&p, out);
}

NTSTATUS merge_inherited_acl(const ntsec_sd_parts *parent, int is_dacl, int is_container,
                             const split_ctx *s, ntsec_buf *out)
{
    acl_source src = source_of(parent, is_dacl ? &dacl_kind : &sacl_kind);
    ntsec_acl_builder ab;
    inherit_ctx c;
    if (!has_inheritable(src.acl)) return STATUS_SUCCESS;
    memset(&c, 0, sizeof c);
    c.owner = s->owner;
    c.group = s->group;
    c.map = s->map;
    c.is_container = is_container;
    ntsec_acl_begin(&ab, out);
    inherit_from_parent(&c, src.acl, &ab);
    return ntsec_acl_end(&ab, 0);
}

NTSTATUS ntsec_new_security_ex(const ntsec_sd *parent, const ntsec_sd *creator, int is_container,
                               const ntsec_new_security_opts *opts,
                               const ntsec_generic_mapping *mapping, ntsec_sd **out)
{
    ntsec_sd_parts pp, cp;
    ntsec_buf dbuf, sbuf;
    inherit_ctx c;
    NTSTATUS st;
    memset(&pp, 0, sizeof pp);
    memset(&cp, 0, sizeof cp);
    memset(&c, 0, sizeof c);
    if (parent) ntsec_sd_get_parts(parent, &pp);
    if (creator) ntsec_sd_get_parts(creator, &cp);
    if ((st = pick_sids(&pp, &cp, opts, &c)) != STATUS_SUCCESS) return st;
    pick_label(opts, &c);
    c.map = mapping;
    c.is_container = is_container != 0;
    c.sef = opts->sef;
    c.types = opts->object_types;
    c.ntypes = opts->object_types ? opts->object_type_count : 0;
    c.default_dacl = opts->token ? ntsec_token_default_dacl(opts->token) : NULL;
    ntsec_buf_init(&dbuf);
    ntsec_buf_init(&sbuf);
    st = build_new(&c, &pp, &cp, &dbuf, &sbuf, out);
    ntsec_buf_free(&dbuf);
    ntsec_buf_free(&sbuf);
    return st;
}

NTSTATUS ntsec_new_security(const ntsec_sd *parent, const ntsec_sd *creator,
                            int is_container, const uint8_t *default_owner,
                            const uint8_t *default_group,
                            const ntsec_generic_mapping *mapping, ntsec_sd **out)
{
    ntsec_new_security_opts o;
    memset(&o, 0, sizeof o);
    o.sef = SEF_DACL_AUTO_INHERIT | SEF_SACL_AUTO_INHERIT;
    o.default_owner = default_owner;
    o.default_group = default_group;
    return ntsec_new_security_ex(parent, creator, is_container, &o, mapping, out);
}
