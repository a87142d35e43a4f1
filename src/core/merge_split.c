/*
** merge_split.c: generic-element splitting on the set path (sd_semantics.md
** 4.4 item 4; SDKAPI-SPOSEX remarks). An inheritable ACE with generic rights
** or CREATOR OWNER / CREATOR GROUP becomes an effective copy with the
** generic elements mapped, followed by the original marked inherit-only.
**
** The effective copy keeps the source's INHERITED_ACE bit and clears
** OI/CI/NP: Windows' own stored descriptors show explicit pairs such as
** (A;;0xf07ff;;;BA)(A;OICIIO;GA;;;BA) (the filter engine's root descriptor,
** wfp_ks_errors.md 3.3), effective copy first. SDKAPI-SPOSEX says the copy
** gets INHERITED_ACE; see docs/access.md for this choice.
*/
#include <string.h>

#include "merge_internal.h"
#include "access.h"
#include "acl.h"
#include "secdefs.h"
#include "sid.h"
#include "status.h"

static const uint8_t sid_creator_owner[12] = { 1, 1, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0 };
static const uint8_t sid_creator_group[12] = { 1, 1, 0, 0, 0, 0, 0, 3, 1, 0, 0, 0 };

static int is_sid12(const uint8_t *sid, const uint8_t well_known[12])
{
    return sid[1] == 1 && memcmp(sid, well_known, 12) == 0;
}

static int decode(const uint8_t *ace, ntsec_ace *a)
{
    return ntsec_ace_decode(ace, ntsec_rd16(ace + 2), a) == STATUS_SUCCESS && a->sid;
}

int merge_needs_split(const uint8_t *ace)
{
    ntsec_ace a;
    uint8_t f = ace[1];
    if (!(f & (OBJECT_INHERIT_ACE | CONTAINER_INHERIT_ACE)) || (f & INHERIT_ONLY_ACE)) return 0;
    if (!decode(ace, &a)) return 0;
    return (a.mask & GENERIC_MASK) || is_sid12(a.sid, sid_creator_owner)
           || is_sid12(a.sid, sid_creator_group);
}

/* The SID the effective copy names. */
static const uint8_t *concrete_sid(const uint8_t *sid, const split_ctx *s)
{
    if (is_sid12(sid, sid_creator_owner) && s->owner) return s->owner;
    if (is_sid12(sid, sid_creator_group) && s->group) return s->group;
    return sid;
}

/* The effective copy: bytes before the SID, the (replaced) SID, the bytes
** after it; flags and mask patched, AceSize recomputed. */
static void put_effective(ntsec_buf *buf, const uint8_t *ace, uint8_t flags, const split_ctx *s)
{
    ntsec_ace a;
    const uint8_t *sid;
    size_t before, after, start = buf->len;
    uint8_t *p;
    decode(ace, &a);
    sid = concrete_sid(a.sid, s);
    before = (size_t)(a.sid - ace);
    after = ntsec_rd16(ace + 2) - before - ntsec_sid_len(a.sid);
    ntsec_buf_put(buf, ace, before);
    ntsec_buf_put(buf, sid, ntsec_sid_len(sid));
    ntsec_buf_put(buf, a.sid + ntsec_sid_len(a.sid), after);
    if (buf->oom) return;
    p = buf->data + start;
    p[1] = (uint8_t)(flags & ~(OBJECT_INHERIT_ACE | CONTAINER_INHERIT_ACE | NO_PROPAGATE_INHERIT_ACE));
    ntsec_wr16(p + 2, (uint16_t)(buf->len - start));
    ntsec_wr32(p + 4, ntsec_map_generic(a.mask, s->map));
}

unsigned merge_put_ace(ntsec_buf *buf, const uint8_t *ace, const split_ctx *s, int clear_id)
{
    uint16_t size = ntsec_rd16(ace + 2);
    uint8_t flags = (uint8_t)(clear_id ? ace[1] & ~INHERITED_ACE : ace[1]);
    size_t at;
    int split;
    if (size < 8) return 0;        /* header-only: says nothing, and could end the ACL invalidly (1.8) */
    split = s && merge_needs_split(ace);
    if (split) put_effective(buf, ace, flags, s);
    at = buf->len;
    ntsec_buf_put(buf, ace, size);
    if (!buf->oom) buf->data[at + 1] = (uint8_t)(split ? flags | INHERIT_ONLY_ACE : flags);
    return split ? 2u : 1u;
}
