/*
** wfp_kinds.h: the one table of WFP object kinds (docs/design.md "Adding a
** WFP object kind"). Every per-kind fact the core, the binding and the Lua
** layer need is a column of one row here: the core's checks (add flags,
** not-found status, container, built-ins, ids), the faithful function
** names the binding generates (prefix .. stem .. operation), the idiomatic
** method names (add_<name>, enum_<plural>) and the audit targets.
** A new kind is one row plus whatever behaviour is genuinely new.
*/
#ifndef NTSEC_WFP_KINDS_H
#define NTSEC_WFP_KINDS_H

#include <stddef.h>

#include "wfp.h"

/* Operations a kind has (the Windows functions that exist for it). */
#define NTSEC_WFP_OP_ADD           0x0001u  /* <api>Add0 */
#define NTSEC_WFP_OP_DELETE_BY_KEY 0x0002u  /* <api>DeleteByKey0 */
#define NTSEC_WFP_OP_DELETE_BY_ID  0x0004u  /* <api>DeleteById0 */
#define NTSEC_WFP_OP_GET_BY_KEY    0x0008u  /* <api>GetByKey0 */
#define NTSEC_WFP_OP_GET_BY_ID     0x0010u  /* <api>GetById0 */
#define NTSEC_WFP_OP_SECURITY_KEY  0x0020u  /* <api>{Set,Get}SecurityInfoByKey0: object or container */
#define NTSEC_WFP_OP_SECURITY      0x0040u  /* <api>{Set,Get}SecurityInfo0: the container itself */
#define NTSEC_WFP_OP_ENUM          0x0080u  /* <api>{CreateEnumHandle0,Enum0,DestroyEnumHandle0} */
#define NTSEC_WFP_OP_INDEX_KEY     0x0100u  /* stored objects are indexed by GUID key */
#define NTSEC_WFP_OP_INDEX_ID      0x0200u  /* stored objects are indexed by id */

typedef struct ntsec_wfp_kind_info {
    ntsec_wfp_kind kind;
    const char *name;             /* "callout": method stem (add_callout), audit label */
    const char *plural;           /* "callouts": enum_callouts, listings, counts */
    const char *prefix;           /* "Fwpm" or "Fwps": Windows function-name prefix */
    const char *stem;             /* "Callout", "SubLayer", ...: Windows function-name stem */
    const char *key_field;        /* FWPM_*0 member naming the key ("calloutKey"), NULL if none */
    const char *target;           /* Lua security target method: session:<target>(key) for keyed
                                     kinds, session:<target>() for keyless ones; NULL: none */
    const char *label;            /* what reports call the object / container of this kind */
    ntsec_wfp_container container;/* whose descriptor objects inherit / keyless security target */
    NTSTATUS not_found;           /* an absent object of this kind */
    uint32_t add_flags;           /* flags <api>Add0 accepts (SDK fwpmtypes.h) */
    uint32_t persistent_flag;     /* the flag that makes an added object persistent, 0: none */
    const char *id_counter;       /* name of the id counter in the store, NULL: no ids given */
    const char *builtin_prefix;   /* SDK name prefix of BFE's built-ins ("FWPM_LAYER_"), NULL */
    uint32_t ops;                 /* NTSEC_WFP_OP_* */
    size_t id_field;              /* core internal: offset of the engine's next-id counter */
} ntsec_wfp_kind_info;

/* The rows, in kind order (NTSEC_WFP_KIND_COUNT of them). */
extern const ntsec_wfp_kind_info ntsec_wfp_kind_rows[NTSEC_WFP_KIND_COUNT];

/* The row of kind (NULL when kind is out of range). Inline: every call of
** the set-security hot path reads it. */
static inline const ntsec_wfp_kind_info *ntsec_wfp_kind_row(ntsec_wfp_kind kind)
{
    return (unsigned)kind < NTSEC_WFP_KIND_COUNT ? &ntsec_wfp_kind_rows[kind] : NULL;
}
/* Number of rows (NTSEC_WFP_KIND_COUNT). */
size_t ntsec_wfp_kind_count(void);
/* 1 when kind has every operation bit of ops. */
int ntsec_wfp_kind_has(ntsec_wfp_kind kind, uint32_t ops);

#endif
