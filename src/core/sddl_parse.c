/*
** sddl_parse.c: SDDL string -> self-relative descriptor, as
** ConvertStringSecurityDescriptorToSecurityDescriptorW does it
** (sd_semantics.md 2.1-2.7, 2.9, 2.10, 2.12).
**
** One pass over the string: owner and group go to stack arrays, both ACLs
** are built back to back in one scratch buffer with the ACL builder, and
** the descriptor is assembled once at the end (ntsec_sd_build). Nothing is
** allocated per token; a conditional or resource-attribute ACE reuses one
** second scratch buffer for its application data. Both scratch buffers
** start on the stack.
*/
#include <string.h>

#include "sddl.h"
#include "ace_types.h"
#include "acl.h"
#include "guid.h"
#include "sddl_internal.h"
#include "sddl_tables.h"
#include "secdefs.h"
#include "status.h"

#define NULL_ACL ((size_t)-1)
#define SECTION_OWNER 1u
#define SECTION_GROUP 2u
#define SECTION_DACL 4u
#define SECTION_SACL 8u

typedef struct parser {
    const char *s;
    size_t len;
    size_t pos;
    size_t err;                 /* offset where parsing stopped */
    const ntsec_sid_ctx *ctx;
    ntsec_buf acls;             /* SACL and DACL bytes, back to back */
    ntsec_buf tail;             /* application data of the current ACE */
    uint16_t control;
    unsigned seen;              /* SECTION_* already parsed */
    size_t dacl_off, sacl_off;  /* offsets in acls, or NULL_ACL */
    uint8_t owner[68], group[68];
} parser;

/* One ACE under construction. */
typedef struct ace_fields {
    ntsec_ace ace;
    ntsec_guid object, inherited;
    uint8_t sid[68];
} ace_fields;

static NTSTATUS fail(parser *p, NTSTATUS st, size_t at)
{
    p->err = at;
    return st;
}

static size_t skip_spaces(const parser *p, size_t i)
{
    while (i < p->len && p->s[i] == ' ') i++;
    return i;
}

static int is_numeric_sid(const char *s, size_t n)
{
    return n >= 2 && (s[0] | 0x20) == 's' && s[1] == '-';
}

/* ---- SIDs ---- */

/* A SID inside s[from..to): leading spaces, then an alias followed by
** optional spaces, or a numeric SID (2.7). *end = where it stopped; the
** caller checks what follows. bad = the status for a malformed SID; an
** alias without its context SID is always STATUS_INVALID_SID. */
static NTSTATUS parse_sid_token(parser *p, size_t from, size_t to, uint8_t out[68], NTSTATUS bad,
                                size_t *end)
{
    size_t i = skip_spaces(p, from), used;
    const char *t = p->s + i;
    uint8_t probe[68];
    size_t probe_len;
    if (i >= to) return fail(p, bad, i);
    if (ntsec_sid_parse(t, to - i, p->ctx, out, &used) != STATUS_SUCCESS) {
        int missing = to - i >= 2 && !is_numeric_sid(t, to - i)
                      && sddl_alias_to_sid(sddl_key(t[0], t[1]), p->ctx, probe, &probe_len) < 0;
        return fail(p, missing ? STATUS_INVALID_SID : bad, i);
    }
    *end = is_numeric_sid(t, to - i) ? i + used : skip_spaces(p, i + used);
    return STATUS_SUCCESS;
}

/* O: and G: take everything up to the letter before the next ':' (2.1). */
static NTSTATUS parse_sid_section(parser *p, uint8_t out[68])
{
    size_t start = p->pos + 2, end = p->len, stop = 0;
    const char *colon = start < p->len ? memchr(p->s + start, ':', p->len - start) : NULL;
    NTSTATUS st;
    if (colon) end = (size_t)(colon - p->s) > start ? (size_t)(colon - p->s) - 1 : start;
    st = parse_sid_token(p, start, end, out, STATUS_INVALID_SID, &stop);
    if (st == STATUS_SUCCESS && stop != end) st = fail(p, STATUS_INVALID_SID, stop);
    p->pos = end;
    return st;
}

/* ---- ACE fields ---- */

/* Index of the ';' or ')' ending the field that starts at i (or len). */
static size_t field_end(const parser *p, size_t i)
{
    while (i < p->len && p->s[i] != ';' && p->s[i] != ')') i++;
    return i;
}

/* Field from p->pos up to the next ';'; sets [*from, *end) and moves past
** the ';'. A ')' inside it is left to the field's own parser to reject
** (no field accepts that character). */
static NTSTATUS next_field(parser *p, size_t *from, size_t *end)
{
    size_t e = p->pos;
    while (e < p->len && p->s[e] != ';') e++;
    if (e >= p->len) return fail(p, STATUS_INVALID_ACL, field_end(p, p->pos));
    *from = p->pos;
    *end = e;
    p->pos = *end + 1;
    return STATUS_SUCCESS;
}

static NTSTATUS parse_type(parser *p, ace_fields *f, unsigned section)
{
    size_t i = skip_spaces(p, p->pos), j = i;
    int type;
    while (j < p->len && ((p->s[j] | 0x20) >= 'a' && (p->s[j] | 0x20) <= 'z')) j++;
    type = sddl_ace_type_from_code(p->s + i, j - i);
    if (type < 0 || j >= p->len || p->s[j] != ';') return fail(p, STATUS_INVALID_ACL, i);
    if (section == SECTION_DACL && sddl_ace_type_sacl_only((uint8_t)type))
        return fail(p, STATUS_INVALID_ACL, i);
    f->ace.type = (uint8_t)type;
    p->pos = j + 1;
    return STATUS_SUCCESS;
}

/* The ';' that must end the field at i, or an error there. */
static NTSTATUS end_field(parser *p, size_t i)
{
    if (i >= p->len || p->s[i] != ';') return fail(p, STATUS_INVALID_ACL, i);
    p->pos = i + 1;
    return STATUS_SUCCESS;
}

/* Flags: two-letter codes, spaces anywhere (2.5, 2.9). */
static NTSTATUS parse_flags(parser *p, ace_fields *f)
{
    size_t i = p->pos;
    uint8_t flags = 0, v;
    for (;;) {
        while (i < p->len && p->s[i] == ' ') i++;
        if (i >= p->len || p->s[i] == ';') break;
        v = i + 1 < p->len ? sddl_ace_flag_token(sddl_key(p->s[i], p->s[i + 1])) : 0;
        if (!v) return fail(p, STATUS_INVALID_ACL, i);
        flags |= v;
        i += 2;
    }
    f->ace.flags = flags;
    return end_field(p, i);
}

static NTSTATUS parse_rights_field(parser *p, ace_fields *f)
{
    size_t end = 0;
    if (sddl_rights_scan(p->s + p->pos, p->len - p->pos, &end, &f->ace.mask) != STATUS_SUCCESS)
        return fail(p, STATUS_INVALID_ACL, p->pos + end);
    return end_field(p, p->pos + end);
}

/* A GUID field: blank (only spaces) or exactly 36 characters (2.3). */
static NTSTATUS parse_guid_field(parser *p, ntsec_guid *g, const uint8_t **slot)
{
    size_t i = p->pos, end;
    NTSTATUS st;
    if (i + 36 < p->len && p->s[i + 36] == ';' && ntsec_guid_parse36(p->s + i, g)) {
        *slot = g->b;                   /* the usual case, without scanning */
        p->pos = i + 37;
        return STATUS_SUCCESS;
    }
    st = next_field(p, &i, &end);
    if (st != STATUS_SUCCESS) return st;
    *slot = NULL;
    if (skip_spaces(p, i) >= end) return STATUS_SUCCESS;
    if (end - i != 36 || !ntsec_guid_parse36(p->s + i, g)) return fail(p, STATUS_INVALID_ACL, i);
    *slot = g->b;
    return STATUS_SUCCESS;
}

/* 1 when the type's SDDL has "; (...)" after the SID (its table row). */
static int takes_tail(uint8_t type)
{
    return ntsec_ace_type(type)->tail != NTSEC_ACE_TAIL_NONE;
}

/* "; (expression))" or "; (attribute))" after the SID of a callback/RA ACE. */
static NTSTATUS parse_tail(parser *p, ace_fields *f)
{
    size_t i = skip_spaces(p, p->pos + 1), used = 0;
    NTSTATUS st;
    if (i >= p->len || p->s[i] != '(') return fail(p, STATUS_INVALID_ACL, i);
    p->tail.len = 0;
    if (ntsec_ace_type(f->ace.type)->tail == NTSEC_ACE_TAIL_CLAIM)
        st = sddl_ra_parse(p->s + i, p->len - i, p->ctx, &p->tail, &used);
    else
        st = sddl_cond_parse(p->s + i, p->len - i, p->ctx, &p->tail, &used);
    if (st != STATUS_SUCCESS) return fail(p, st, i + used);
    i = skip_spaces(p, i + used);
    if (i >= p->len || p->s[i] != ')') return fail(p, STATUS_INVALID_ACL, i);
    f->ace.data = p->tail.data;
    f->ace.data_len = (uint32_t)p->tail.len;
    p->pos = i + 1;
    return STATUS_SUCCESS;
}

static NTSTATUS parse_sid_field(parser *p, ace_fields *f)
{
    size_t end = 0;
    NTSTATUS st = parse_sid_token(p, p->pos, p->len, f->sid, STATUS_INVALID_ACL, &end);
    if (st != STATUS_SUCCESS) return st;
    f->ace.sid = f->sid;
    p->pos = end;
    if (end < p->len && p->s[end] == ')' && !takes_tail(f->ace.type)) {
        p->pos = end + 1;
        return STATUS_SUCCESS;
    }
    if (end >= p->len || p->s[end] != ';' || !takes_tail(f->ace.type))
        return fail(p, STATUS_INVALID_ACL, end);
    return parse_tail(p, f);
}

/* GUIDs belong to object types only; GUID-less OA/OD become A/D (2.3, the
** table's GUID-less column) and keep their object-ACE size in the ACL
** (2.10): returns the slack bytes. */
static NTSTATUS settle_object(parser *p, ace_fields *f, size_t at, size_t *slack)
{
    int has_guid = f->ace.object_type || f->ace.inherited_object_type;
    const ntsec_ace_type_info *row = ntsec_ace_type(f->ace.type);
    *slack = 0;
    if (row->body != NTSEC_ACE_BODY_OBJECT) return has_guid ? fail(p, STATUS_INVALID_ACL, at) : 0;
    if (has_guid || row->guidless == NTSEC_ACE_SAME) return STATUS_SUCCESS;
    f->ace.type = row->guidless;
    *slack = 4;
    return STATUS_SUCCESS;
}

/* One "(...)" at p->pos; adds it to ab and the 2.10 slack to *slack. A GUID on
** a non-object type is reported at the GUID fields. */
static NTSTATUS parse_ace(parser *p, ntsec_acl_builder *ab, unsigned section, size_t *slack)
{
    ace_fields f;
    size_t guids = 0, extra;
    NTSTATUS st;
    memset(&f.ace, 0, sizeof f.ace);
    p->pos++;
    st = parse_type(p, &f, section);
    if (st == STATUS_SUCCESS) st = parse_flags(p, &f);
    if (st == STATUS_SUCCESS) st = parse_rights_field(p, &f);
    guids = p->pos;
    if (st == STATUS_SUCCESS) st = parse_guid_field(p, &f.object, &f.ace.object_type);
    if (st == STATUS_SUCCESS) st = parse_guid_field(p, &f.inherited, &f.ace.inherited_object_type);
    if (st == STATUS_SUCCESS) st = parse_sid_field(p, &f);
    if (st == STATUS_SUCCESS) st = settle_object(p, &f, guids, &extra);
    if (st != STATUS_SUCCESS) return st;
    if (extra) ntsec_acl_force_ds(ab);
    *slack += extra;
    ntsec_acl_add(ab, &f.ace);
    return STATUS_SUCCESS;
}

/* ---- ACL sections ---- */

/* P, AR, AI in any order and number, and NO_ACCESS_CONTROL (2.1, 2.2). */
static void parse_acl_flags(parser *p, unsigned section, int *null_acl)
{
    uint16_t prot = section == SECTION_DACL ? SE_DACL_PROTECTED : SE_SACL_PROTECTED;
    uint16_t req = section == SECTION_DACL ? SE_DACL_AUTO_INHERIT_REQ : SE_SACL_AUTO_INHERIT_REQ;
    uint16_t inh = section == SECTION_DACL ? SE_DACL_AUTO_INHERITED : SE_SACL_AUTO_INHERITED;
    static const char nac[] = "NO_ACCESS_CONTROL";
    for (;;) {
        size_t i = skip_spaces(p, p->pos), left = p->len - i;
        const char *t = p->s + i;
        if (left >= 1 && t[0] == 'P') { p->control |= prot; p->pos = i + 1; continue; }
        if (left >= 2 && t[0] == 'A' && t[1] == 'R') { p->control |= req; p->pos = i + 2; continue; }
        if (left >= 2 && t[0] == 'A' && t[1] == 'I') { p->control |= inh; p->pos = i + 2; continue; }
        if (left >= sizeof nac - 1 && memcmp(t, nac, sizeof nac - 1) == 0) {
            *null_acl = 1;
            p->pos = i + sizeof nac - 1;
            continue;
        }
        return;
    }
}

static NTSTATUS parse_acl_section(parser *p, unsigned section)
{
    ntsec_acl_builder ab;
    size_t start = p->acls.len, slack = 0;
    int null_acl = 0;
    NTSTATUS st;
    p->pos += 2;
    p->control |= section == SECTION_DACL ? SE_DACL_PRESENT : SE_SACL_PRESENT;
    parse_acl_flags(p, section, &null_acl);
    ntsec_acl_begin(&ab, &p->acls);
    for (;;) {
        size_t i = skip_spaces(p, p->pos);
        if (i >= p->len || p->s[i] != '(') break;
        if (null_acl) return fail(p, STATUS_INVALID_PARAMETER, i);
        p->pos = i;
        st = parse_ace(p, &ab, section, &slack);
        if (st != STATUS_SUCCESS) return st;
        /* Stop as soon as the ACL cannot fit: memory stays bounded by two
        ** maximal ACLs however long the input (docs/sddl.md "Linear time"). */
        if (p->acls.len - start + slack > NTSEC_ACL_MAX_SIZE) return fail(p, STATUS_INVALID_ACL, i);
    }
    st = ntsec_acl_end(&ab, slack);
    if (st != STATUS_SUCCESS) return fail(p, st, p->pos);
    if (null_acl) p->acls.len = start;
    *(section == SECTION_DACL ? &p->dacl_off : &p->sacl_off) = null_acl ? NULL_ACL : start;
    return STATUS_SUCCESS;
}

/* ---- top level ---- */

static unsigned section_of(char c)
{
    switch (c) {
    case 'O': return SECTION_OWNER;
    case 'G': return SECTION_GROUP;
    case 'D': return SECTION_DACL;
    case 'S': return SECTION_SACL;
    default: return 0;
    }
}

static NTSTATUS parse_section(parser *p)
{
    unsigned section = p->pos + 1 < p->len && p->s[p->pos + 1] == ':' ? section_of(p->s[p->pos]) : 0;
    if (!section || (p->seen & section)) return fail(p, STATUS_INVALID_PARAMETER, p->pos);
    p->seen |= section;
    if (section == SECTION_OWNER) return parse_sid_section(p, p->owner);
    if (section == SECTION_GROUP) return parse_sid_section(p, p->group);
    return parse_acl_section(p, section);
}

static const uint8_t *acl_at(const parser *p, unsigned section, size_t off)
{
    if (!(p->seen & section) || off == NULL_ACL) return NULL;
    return p->acls.data + off;
}

static NTSTATUS build(parser *p, ntsec_sd **out)
{
    ntsec_sd_parts parts;
    NTSTATUS st = ntsec_buf_status(&p->acls);
    if (st != STATUS_SUCCESS) return st;
    memset(&parts, 0, sizeof parts);
    parts.control = p->control;
    parts.owner = (p->seen & SECTION_OWNER) ? p->owner : NULL;
    parts.group = (p->seen & SECTION_GROUP) ? p->group : NULL;
    parts.dacl = acl_at(p, SECTION_DACL, p->dacl_off);
    parts.sacl = acl_at(p, SECTION_SACL, p->sacl_off);
    return ntsec_sd_build(&parts, out);
}

static NTSTATUS parse_all(parser *p)
{
    NTSTATUS st;
    p->pos = skip_spaces(p, 0);
    while (p->pos < p->len) {
        st = parse_section(p);
        if (st != STATUS_SUCCESS) return st;
        p->pos = skip_spaces(p, p->pos);
    }
    return STATUS_SUCCESS;
}

/* Room for the ACLs of an SDDL string of len characters: 1.5 bytes per
** character covers typical ACE text, capped at two maximal ACLs. */
static size_t acls_capacity(size_t len)
{
    size_t cap = len + len / 2;
    if (cap < 256) return 256;
    return cap < 2 * (NTSEC_ACL_MAX_SIZE + 1) ? cap : 2 * (NTSEC_ACL_MAX_SIZE + 1);
}

NTSTATUS ntsec_sddl_parse(const char *s, size_t len, const ntsec_sid_ctx *ctx,
                          ntsec_sd **out, size_t *err_offset)
{
    /* Typical strings build their ACLs and callback data on the stack: the
    ** descriptor is then the parse's only allocation. */
    uint8_t acls_storage[2048], tail_storage[256];
    parser p;
    NTSTATUS st;
    if (!s || !out) {
        if (err_offset) *err_offset = 0;
        return STATUS_INVALID_PARAMETER;
    }
    p.s = s;
    p.len = len;
    p.err = 0;
    p.ctx = ctx;
    p.control = 0;
    p.seen = 0;
    p.dacl_off = p.sacl_off = NULL_ACL;
    ntsec_buf_init_on(&p.acls, acls_storage, sizeof acls_storage);
    ntsec_buf_init_on(&p.tail, tail_storage, sizeof tail_storage);
    if (acls_capacity(len) > sizeof acls_storage) {
        ntsec_buf_reserve(&p.acls, acls_capacity(len));  /* one allocation, usually */
        p.acls.len = 0;
    }
    st = parse_all(&p);
    if (st == STATUS_SUCCESS) st = build(&p, out);
    ntsec_buf_free(&p.acls);
    ntsec_buf_free(&p.tail);
    if (st != STATUS_SUCCESS && err_offset) *err_offset = p.err;
    return st;
}
