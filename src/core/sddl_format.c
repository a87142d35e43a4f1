/*
** sddl_format.c: descriptor -> canonical SDDL, as
** ConvertSecurityDescriptorToStringSecurityDescriptorW prints it
** (sd_semantics.md 2.8).
**
** Everything is appended to the caller's one output buffer; on failure the
** buffer is cut back to its original length.
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

/* SECURITY_INFORMATION bits that select (parts of) the SACL. */
#define SACL_SELECTORS (SACL_SECURITY_INFORMATION | LABEL_SECURITY_INFORMATION \
    | ATTRIBUTE_SECURITY_INFORMATION | SCOPE_SECURITY_INFORMATION \
    | PROCESS_TRUST_LABEL_SECURITY_INFORMATION | ACCESS_FILTER_SECURITY_INFORMATION \
    | BACKUP_SECURITY_INFORMATION)

/* Selector bit that makes a SACL ACE of this type printable (2.8.3). */
static SECURITY_INFORMATION selector_of(uint8_t type)
{
    return ntsec_ace_type(type)->selector;
}

/* ACE flags in bit order OI CI NP IO ID CR SA FA (2.8.8); 0x40 prints as
** TP on access-filter ACEs (kinds has NTSEC_ACE_K_TP). */
static char *put_ace_flags(char *p, uint8_t flags, unsigned kinds)
{
    static const char names[8][3] = { "OI", "CI", "NP", "IO", "ID", "CR", "SA", "FA" };
    unsigned i;
    for (i = 0; i < 8; i++) {
        const char *name;
        if (!(flags & (1u << i))) continue;
        name = (i == 6 && (kinds & NTSEC_ACE_K_TP)) ? "TP" : names[i];
        *p++ = name[0];
        *p++ = name[1];
    }
    return p;
}

/* Lower-case GUID (or nothing) then ';'. */
static char *put_guid(char *p, const uint8_t *g)
{
    ntsec_guid guid;
    if (g) {
        memcpy(guid.b, g, 16);
        ntsec_guid_format(&guid, p);      /* writes 36 characters and a NUL */
        p += 36;
    }
    *p++ = ';';
    return p;
}

/* ";(expression)" or ";(attribute)" after the SID, when the type has one
** (the table's tail column; types with a tail but no SDDL code never get
** here). */
static NTSTATUS put_tail(ntsec_buf *out, const ntsec_ace *a, unsigned tail, const ntsec_sid_ctx *ctx)
{
    if (tail == NTSEC_ACE_TAIL_CLAIM) {
        ntsec_buf_putc(out, ';');
        return sddl_ra_format(out, a->data, a->data_len, ctx);
    }
    if (tail == NTSEC_ACE_TAIL_COND && a->data_len) {
        ntsec_buf_putc(out, ';');
        return sddl_cond_format(out, a->data, a->data_len, ctx);
    }
    return STATUS_SUCCESS;
}

/* Longest ACE text before the tail: "(XX;" + 16 flag chars + ";" + rights
** + ";" + 2 GUIDs with ';' + SID + ")" and a GUID formatter's NUL. */
#define ACE_TEXT_MAX (4 + 16 + 1 + SDDL_RIGHTS_TEXT_MAX + 1 + 2 * 37 + SDDL_SID_TEXT_MAX + 2)

static NTSTATUS put_ace(ntsec_buf *out, const ntsec_ace *a, const ntsec_sid_ctx *ctx)
{
    const ntsec_ace_type_info *row = ntsec_ace_type(a->type);
    const char *code = row->sddl;
    char text[ACE_TEXT_MAX], *p = text;
    NTSTATUS st;
    if (!code[0] || !a->sid) return STATUS_NOT_SUPPORTED;
    *p++ = '(';
    *p++ = code[0];
    if (code[1]) *p++ = code[1];
    *p++ = ';';
    p = put_ace_flags(p, a->flags, row->kinds);
    *p++ = ';';
    p = sddl_rights_text(p, a->mask, (row->kinds & NTSEC_ACE_K_LABEL) != 0);
    *p++ = ';';
    p = put_guid(p, a->object_type);
    p = put_guid(p, a->inherited_object_type);
    p = sddl_sid_text_sddl(p, a->sid, ctx);
    ntsec_buf_put(out, text, (size_t)(p - text));
    st = put_tail(out, a, row->tail, ctx);
    ntsec_buf_putc(out, ')');
    return st;
}

/* P AR AI then NO_ACCESS_CONTROL or the ACEs in stored order (2.8.2). */
static NTSTATUS put_acl(ntsec_buf *out, const uint8_t *acl, uint16_t control, int dacl,
                        SECURITY_INFORMATION si, const ntsec_sid_ctx *ctx)
{
    ntsec_acl_iter it;
    ntsec_ace a;
    NTSTATUS st;
    if (control & (dacl ? SE_DACL_PROTECTED : SE_SACL_PROTECTED)) ntsec_buf_putc(out, 'P');
    if (control & (dacl ? SE_DACL_AUTO_INHERIT_REQ : SE_SACL_AUTO_INHERIT_REQ))
        ntsec_buf_put(out, "AR", 2);
    if (control & (dacl ? SE_DACL_AUTO_INHERITED : SE_SACL_AUTO_INHERITED))
        ntsec_buf_put(out, "AI", 2);
    if (!acl) {
        ntsec_buf_puts(out, "NO_ACCESS_CONTROL");
        return STATUS_SUCCESS;
    }
    ntsec_acl_iter_init(&it, acl);
    while (ntsec_acl_next(&it, &a)) {
        if (!dacl && !(si & (selector_of(a.type) | BACKUP_SECURITY_INFORMATION))) continue;
        st = put_ace(out, &a, ctx);
        if (st != STATUS_SUCCESS) return st;
    }
    return it.index == it.count ? STATUS_SUCCESS : STATUS_INVALID_ACL;
}

static void put_sid_part(ntsec_buf *out, const char *tag, const uint8_t *sid,
                         const ntsec_sid_ctx *ctx)
{
    ntsec_buf_put(out, tag, 2);
    ntsec_sid_format_sddl(out, sid, ctx);
}

static NTSTATUS put_all(const ntsec_sd_parts *parts, SECURITY_INFORMATION si,
                        const ntsec_sid_ctx *ctx, ntsec_buf *out)
{
    NTSTATUS st = STATUS_SUCCESS;
    int all = (si & BACKUP_SECURITY_INFORMATION) != 0;
    if ((all || (si & OWNER_SECURITY_INFORMATION)) && parts->owner)
        put_sid_part(out, "O:", parts->owner, ctx);
    if ((all || (si & GROUP_SECURITY_INFORMATION)) && parts->group)
        put_sid_part(out, "G:", parts->group, ctx);
    if ((all || (si & DACL_SECURITY_INFORMATION)) && (parts->control & SE_DACL_PRESENT)) {
        ntsec_buf_put(out, "D:", 2);
        st = put_acl(out, parts->dacl, parts->control, 1, si, ctx);
    }
    if (st == STATUS_SUCCESS && (si & SACL_SELECTORS) && (parts->control & SE_SACL_PRESENT)) {
        ntsec_buf_put(out, "S:", 2);
        st = put_acl(out, parts->sacl, parts->control, 0, si, ctx);
    }
    return st;
}

NTSTATUS ntsec_sddl_format(const ntsec_sd *sd, SECURITY_INFORMATION si,
                           const ntsec_sid_ctx *ctx, ntsec_buf *out)
{
    ntsec_sd_parts parts;
    size_t start = out->len;
    int oom = out->oom;
    NTSTATUS st;
    ntsec_sd_get_parts(sd, &parts);
    ntsec_buf_reserve(out, 256);      /* one growth step for typical strings */
    out->len = start;
    st = put_all(&parts, si, ctx, out);
    if (st == STATUS_SUCCESS) st = ntsec_buf_status(out);
    if (st != STATUS_SUCCESS) {
        out->len = start;
        out->oom = oom;
    }
    return st;
}
