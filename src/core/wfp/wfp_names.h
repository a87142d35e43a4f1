/*
** wfp_names.h: symbolic names of built-in WFP objects <-> their GUIDs.
**
** `netsh wfp show state` prints the key of every built-in object (layer,
** sublayer, provider, callout, filter condition field, provider context,
** keying module) by its SDK name, e.g. FWPM_LAYER_ALE_AUTH_CONNECT_V4, and
** every other key as "{guid}". The emulated engine keys objects by GUID, so
** the importer maps names back through this table.
**
** The table is the DEFINE_GUID values of the Windows SDK header fwpmu.h
** (source, coverage and the SDK's comment/value discrepancies: docs/wfp_names.md).
** Names are matched exactly (case-sensitive, as netsh prints them). #define
** aliases of the SDK (e.g. FWPM_SUBLAYER_EDGE_TRAVERSAL) are not in the
** table, so every GUID has exactly one name.
*/
#ifndef NTSEC_WFP_NAMES_H
#define NTSEC_WFP_NAMES_H

#include "ntsec_types.h"

/* Look up the GUID of a built-in object by its SDK name.
** name: len bytes, not necessarily NUL-terminated (the bytes after len are
** never read). out: receives the GUID in wire order (ntsec_types.h).
** Returns 1 when found; 0 when name is NULL, empty or unknown, and then *out
** is left untouched. */
int ntsec_wfp_name_to_guid(const char *name, size_t len, ntsec_guid *out);

/* The SDK name of a built-in GUID (wire order), e.g. "FWPM_SUBLAYER_MPSSVC_WF".
** Returns a static NUL-terminated string, or NULL when g is NULL or not a
** built-in key (the caller then prints it as "{guid}"). */
const char *ntsec_wfp_guid_to_name(const ntsec_guid *g);

/* Number of entries in the table. */
size_t ntsec_wfp_name_count(void);

/* Entry i in name order (0 <= i < ntsec_wfp_name_count()): returns its name
** and, when out is not NULL, writes its GUID there. Returns NULL (out
** untouched) when i is out of range. For enumeration and tests. */
const char *ntsec_wfp_name_at(size_t i, ntsec_guid *out);

#endif
