/*
** access_objtype.c: the DACL walk against an object-type list
** (AccessCheckByType / AccessCheckByTypeResultList; sd_semantics.md 3.7;
** [MS-DTYP] 2.3.9, 2.5.3.2 "Object Tree").
**
** The list is a tree in preorder: node 0 (level 0) is the object, each later
** node's parent is the nearest earlier node one level up. ACEs without an
** object type (and object ACEs without the ObjectType GUID) act on every
** node; an object ACE acts on the node carrying its GUID and that node's
** descendants, and is ignored when no node carries it. A right granted to
** every child of a node is granted to the node (DTYP's upward propagation,
** ReactOS SepAllowAccessObjectTypeList). Choices: docs/access.md.
*/
#include <string.h>

#include "access_internal.h"
#include "status.h"

NTSTATUS ac_types_validate(const ntsec_object_type *types, size_t n)
{
    size_t i;
    if (n == 0 || types[0].level != ACCESS_OBJECT_GUID) return STATUS_INVALID_PARAMETER;
    for (i = 1; i < n; i++) {
        if (types[i].level == 0 || types[i].level > ACCESS_MAX_LEVEL) return STATUS_INVALID_PARAMETER;
        if (types[i].level > types[i - 1].level + 1) return STATUS_INVALID_PARAMETER;
    }
    return STATUS_SUCCESS;
}

/* First node carrying guid, or -1. */
static int find_node(const ac_ctx *c, const uint8_t *guid)
{
    size_t i;
    for (i = 0; i < c->ntypes; i++)
        if (memcmp(c->types[i].guid.b, guid, 16) == 0) return (int)i;
    return -1;
}

/* One past the last descendant of node k. */
static size_t subtree_end(const ac_ctx *c, size_t k)
{
    size_t i = k + 1;
    while (i < c->ntypes && c->types[i].level > c->types[k].level) i++;
    return i;
}

static int parent_of(const ac_ctx *c, size_t k)
{
    size_t i = k;
    while (i-- > 0)
        if (c->types[i].level < c->types[k].level) return (int)i;
    return -1;
}

/* Bits every child of p has (children: one level below, inside p's subtree);
** for_max: granted bits, else satisfied bits (not wanted any more). */
static ACCESS_MASK common_to_children(const ac_ctx *c, const ac_nodes *s, size_t p, int for_max)
{
    size_t i, end = subtree_end(c, p);
    ACCESS_MASK all = ~(ACCESS_MASK)0;
    for (i = p + 1; i < end; i++) {
        if (c->types[i].level != c->types[p].level + 1) continue;
        all &= for_max ? s->want[i] : ~s->want[i];
    }
    return all;
}

/* Walk up from node k, granting parents what all their children have. */
static void propagate_up(const ac_ctx *c, ac_nodes *s, size_t k, int for_max)
{
    int p;
    for (p = parent_of(c, k); p >= 0; p = parent_of(c, (size_t)p)) {
        ACCESS_MASK common = common_to_children(c, s, (size_t)p, for_max);
        if (for_max) s->want[p] |= common & ~s->denied[p];
        else if (!s->refused[p]) s->want[p] &= ~common;
    }
}

/* The nodes an ACE acts on: [*first, *end); 0 when its type is not listed. */
static int target_of(const ac_ctx *c, const ac_ace *w, size_t *first, size_t *end, int *node)
{
    int k;
    *node = -1;
    if (!w->object_type) {
        *first = 0;
        *end = c->ntypes;
        return 1;
    }
    if ((k = find_node(c, w->object_type)) < 0) return 0;
    *node = k;
    *first = (size_t)k;
    *end = subtree_end(c, (size_t)k);
    return 1;
}

/* Normal mode on nodes [first, end): allow removes wanted bits, a deny on a
** still-wanted bit refuses the node. Returns the bits granted/denied for
** the trace (union over the nodes). */
static void apply_normal(const ac_ace *w, ac_nodes *s, size_t first, size_t end,
                         ACCESS_MASK *granted, ACCESS_MASK *denied)
{
    size_t i;
    for (i = first; i < end; i++) {
        ACCESS_MASK hit = s->want[i] & w->mask;
        if (!hit || s->refused[i]) continue;
        if (w->cls & AC_DENY) {
            s->refused[i] = 1;
            *denied |= hit;
        } else {
            s->want[i] &= ~w->mask;
            *granted |= hit;
        }
    }
}

static int all_decided(const ac_nodes *s)
{
    size_t i;
    for (i = 0; i < s->n; i++)
        if (s->want[i] && !s->refused[i]) return 0;
    return 1;
}

int ac_walk_tree_normal(const ac_ctx *c, const uint8_t *dacl, ac_nodes *s)
{
    ac_cursor cur;
    ac_ace w;
    int r, why, cond, node;
    size_t first, end;
    ac_cursor_init(&cur, dacl);
    while ((r = ac_next(&cur, c, &w)) != 0) {
        ACCESS_MASK g = 0, d = 0;
        if (r < 0) return -1;
        if (!target_of(c, &w, &first, &end, &node)) why = NTSEC_WHY_OBJECT_TYPE, cond = NTSEC_COND_NONE;
        else if (all_decided(s)) why = NTSEC_WHY_NOT_REACHED, cond = NTSEC_COND_NONE;
        else why = ac_applies(c, &w, &cond);
        if (why == NTSEC_WHY_APPLIED) {
            apply_normal(&w, s, first, end, &g, &d);
            if (g && node >= 0) propagate_up(c, s, (size_t)node, 0);
            if (!g && !d) why = w.mask ? NTSEC_WHY_NO_EFFECT : NTSEC_WHY_ZERO_MASK;
        }
        if (c->trace) ac_trace_ace(c, &w, why, cond, node, g, d, s->want[0]);
    }
    return 0;
}

/* MAXIMUM_ALLOWED on nodes [first, end), order-sensitive per node (3.4). */
static void apply_max(const ac_ace *w, ac_nodes *s, size_t first, size_t end,
                      ACCESS_MASK *granted, ACCESS_MASK *denied)
{
    size_t i;
    for (i = first; i < end; i++) {
        ACCESS_MASK fresh = w->mask & ~(s->want[i] | s->denied[i]);
        if (w->cls & AC_DENY) {
            s->denied[i] |= fresh;
            *denied |= fresh;
        } else {
            s->want[i] |= fresh;
            *granted |= fresh;
        }
    }
}

int ac_walk_tree_max(const ac_ctx *c, const uint8_t *dacl, ac_nodes *s)
{
    ac_cursor cur;
    ac_ace w;
    int r, why, cond, node;
    size_t first, end;
    ac_cursor_init(&cur, dacl);
    while ((r = ac_next(&cur, c, &w)) != 0) {
        ACCESS_MASK g = 0, d = 0;
        if (r < 0) return -1;
        if (!target_of(c, &w, &first, &end, &node)) why = NTSEC_WHY_OBJECT_TYPE, cond = NTSEC_COND_NONE;
        else why = ac_applies(c, &w, &cond);
        if (why == NTSEC_WHY_APPLIED) {
            apply_max(&w, s, first, end, &g, &d);
            if (g && node >= 0) propagate_up(c, s, (size_t)node, 1);
            if (!g && !d) why = w.mask ? NTSEC_WHY_NO_EFFECT : NTSEC_WHY_ZERO_MASK;
        }
        if (c->trace) ac_trace_ace(c, &w, why, cond, node, g, d, 0);
    }
    return 0;
}
