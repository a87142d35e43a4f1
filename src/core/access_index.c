/*
** access_index.c: the DACL index of a descriptor (access_internal.h), read
** once per descriptor so that repeated checks of it (an access matrix, a
** policy run) skip parsing, validating and hashing its plain ACEs.
**
** The index is an optimisation only: every decision is the byte walk's
** (access_walk.c), which fuzz/access_fuzz.c checks by running each input
** with and without it. Like the reference count, the lazily set pointer
** assumes a descriptor is not used from two threads at once.
*/
#include <stdint.h>
#include <stdlib.h>

#include "access_internal.h"
#include "acl.h"
#include "secdefs.h"

/* A plain ACE whose SID the walk substitutes (OWNER RIGHTS, PRINCIPAL
** SELF) or whose mask needs the call's generic mapping: evaluated from its
** bytes, as the byte walk does. */
static int plain_needs_bytes(const uint8_t *p)
{
    const uint8_t *sid = p + 8;
    if (ntsec_rd32(p + 4) & GENERIC_MASK) return 1;
    return sid[1] == 1 && (ac_is_sid12(sid, ac_sid_owner_rights) || ac_is_sid12(sid, ac_sid_principal_self));
}

/* Fill e from the plain ACE at p; 0 when its SID is malformed. */
static int plain_entry(const uint8_t *p, uint16_t size, ac_ix_entry *e)
{
    if (!ac_plain_sid_ok(p, size)) return 0;
    if (plain_needs_bytes(p)) {
        e->kind = AC_IX_OTHER;
        return 1;
    }
    e->kind = p[0] == ACCESS_DENIED_ACE_TYPE ? AC_IX_DENY : AC_IX_ALLOW;
    e->mask = ntsec_rd32(p + 4) & ~AC_NOT_FROM_DACL;
    e->hash = sid_key_hash(p + 8);
    return 1;
}

static ac_index *index_build(const uint8_t *dacl)
{
    size_t count = ntsec_acl_count(dacl);
    ac_index *ix = malloc(sizeof *ix + count * sizeof ix->e[0]);
    ac_cursor cur;
    const uint8_t *p;
    uint16_t size;
    int r;
    if (!ix) return NULL;
    ix->dacl = dacl;
    ix->n = 0;
    ix->usable = 1;
    ix->owner_rights = (uint8_t)ac_dacl_has_owner_rights(dacl);
    ac_cursor_init(&cur, dacl);
    while ((r = ac_cursor_step(&cur, &p, &size)) > 0) {
        ac_ix_entry *e = &ix->e[ix->n];
        if (p[1] & INHERIT_ONLY_ACE) continue;
        e->off = (uint16_t)(p - dacl);
        e->index = (uint16_t)(cur.index - 1);
        e->mask = 0;
        e->hash = 0;
        if (p[0] <= ACCESS_DENIED_ACE_TYPE) {
            if (!plain_entry(p, size, e)) break;       /* malformed: r stays 1 */
        } else if (ac_class_of(p[0]) != AC_SKIP) {
            e->kind = AC_IX_OTHER;
        } else {
            continue;
        }
        ix->n++;
    }
    ix->usable = r == 0;
    return ix;
}

const ac_index *ac_index_of(const ntsec_sd *sd, const uint8_t *dacl)
{
    ac_index *ix = sd->walk_index;
    if (!ix) {
        ix = index_build(dacl);
        ((ntsec_sd *)(uintptr_t)sd)->walk_index = ix;   /* a cache: the bytes stay as they are */
    }
    return ix && ix->usable && ix->dacl == dacl ? ix : NULL;
}
