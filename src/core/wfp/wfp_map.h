/*
** wfp_map.h: an open-addressing hash index over objects (internal).
**
** The map stores object pointers and their keys' hashes; an object's key is
** read from the object at a fixed offset (16-byte GUIDs or 8-byte ids).
** The stored hash keeps a probe from touching objects that cannot match (one
** cache miss per lookup in the million-callout case). Linear probing,
** backward-shift deletion, load <= 3/4: O(1) lookups.
*/
#ifndef NTSEC_WFP_MAP_H
#define NTSEC_WFP_MAP_H

#include "ntsec_types.h"

typedef struct wfp_map_slot {
    void *obj;          /* NULL = empty */
    uint64_t hash;      /* hash of obj's key */
} wfp_map_slot;

typedef struct wfp_map {
    wfp_map_slot *slots;    /* cap entries */
    size_t cap;         /* 0 or a power of two */
    size_t count;
    size_t key_off;     /* offset of the key inside each object */
    size_t key_len;     /* 8 or 16 */
} wfp_map;

/* Empty map whose objects carry key_len key bytes at key_off. */
void wfp_map_init(wfp_map *m, size_t key_off, size_t key_len);
void wfp_map_free(wfp_map *m);

/* Object whose key equals key[0..key_len), or NULL. */
void *wfp_map_get(const wfp_map *m, const void *key);

/* Insert obj. Callers keep keys unique where they must be; an equal key is
** allowed (ALE endpoint ids) and then wfp_map_get finds one of the objects.
** Errors: STATUS_NO_MEMORY (map unchanged). */
NTSTATUS wfp_map_put(wfp_map *m, void *obj);

/* Remove obj if present (by identity). */
void wfp_map_del(wfp_map *m, const void *obj);

#endif
