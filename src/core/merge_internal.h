/*
** merge_internal.h: the generic-element splitting of the set path
** (merge_split.c), used by merge.c. Not public.
*/
#ifndef NTSEC_MERGE_INTERNAL_H
#define NTSEC_MERGE_INTERNAL_H

#include "merge.h"
#include "buf.h"

typedef struct split_ctx {
    const ntsec_generic_mapping *map;
    const uint8_t *owner, *group;     /* NEW's owner and group (group may be NULL) */
} split_ctx;

/* 1 when the ACE (valid, size bytes) is inheritable (OI/CI), not
** inherit-only, and carries a mappable element: a generic right or CREATOR
** OWNER / CREATOR GROUP as its SID (SDKAPI-SPOSEX; sd_semantics.md 4.4). */
int merge_needs_split(const uint8_t *ace);

/* Append the ACE to buf, as two ACEs when merge_needs_split: the effective
** copy (OI/CI/NP cleared, generic rights mapped, CREATOR OWNER/GROUP
** replaced) then the original with INHERIT_ONLY_ACE added. clear_id clears
** INHERITED_ACE first. Returns the number of ACEs written (1 or 2; 0 for
** a header-only ACE, which is dropped: docs/access.md). */
unsigned merge_put_ace(ntsec_buf *buf, const uint8_t *ace, const split_ctx *s, int clear_id);

/* The ACL a child gets from parent's DACL (is_dacl) or SACL (inherit.c):
** a whole ACL written to out, or nothing when the parent has no such ACL
** with inheritable ACEs. owner/group/map from s. Errors: STATUS_NO_MEMORY,
** STATUS_INVALID_ACL (over 64 KiB). */
NTSTATUS merge_inherited_acl(const ntsec_sd_parts *parent, int is_dacl, int is_container,
                             const split_ctx *s, ntsec_buf *out);

#endif
