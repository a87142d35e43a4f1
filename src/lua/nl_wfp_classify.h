/*
** nl_wfp_classify.h: internals shared by the classification binding
** (nl_wfp_classify.c: engine state and the core.wfp_classify functions;
** nl_wfp_classify_flow.c: engine:classify's options, flow and principal
** read in C; nl_wfp_classify_result.c: result tables, the trace and the
** outcomes built on first use). Not part of the module's interface.
*/
#ifndef NL_WFP_CLASSIFY_H
#define NL_WFP_CLASSIFY_H

#include "nl.h"
#include "wfp_classify.h"
#include "token_appcontainer.h"

/* An engine's filter set at one generation, as a userdata (CLB_SET_MT).
** User values: 1 = condition cache (filter * 65536 + condition -> the
** condition's Lua table, shared between results: read-only by convention),
** 2 = key cache (filter index + 1 -> "{guid}" text, -(index + 1) -> name). Results whose trace
** is not built yet keep it alive, so the set can outlive the engine's
** current generation (a set is self-contained: wfp_classify_set.c copies
** names, condition values and descriptor references in). */
#define CLB_SET_MT "ntsec.wfp.classify_set"
typedef struct clb_set {
    ntsec_wfp_filter_set *set;
} clb_set;

/* What the result builders need: the set and the stack slots of its caches. */
typedef struct clb_ctx {
    const ntsec_wfp_filter_set *s;
    int conds, keys;
} clb_ctx;

/* ctx for the set userdata at idx; pushes its two caches. */
void clb_ctx_of(lua_State *L, int set_idx, clb_ctx *ctx);

/* ---- principal (nl_wfp_classify_flow.c) ---- */

typedef struct cl_principal {
    ntsec_wfp_principal p;
    ntsec_appcontainer *ac;       /* owned when built by clb_read_principal */
    uint8_t app_id[1024];
} cl_principal;

/* A principal table {token=, package=, capabilities=, lpac=, app=} at t into
** cp (reads every Lua value first, then allocates cp->ac). Raises on a bad
** SID or app. */
void clb_read_principal(lua_State *L, int t, cl_principal *cp);

/* ---- engine:classify's arguments (nl_wfp_classify_flow.c) ---- */

#define CLB_MAX_FIELDS 64

typedef struct clb_field {
    const char *name, *type, *text;   /* text NULL: an integer (ival) */
    size_t name_len, type_len, text_len;
    lua_Integer ival;
} clb_field;

typedef struct clb_call {
    int layer, token, app;        /* stack slots (0: absent) */
    int boot, trace;
    size_t nfields;
    clb_field fields[CLB_MAX_FIELDS];
} clb_call;

/* Checks the option table at opts as options.check did (strict names and
** types) and reads the flow's fields in the order lua/ntsec/classify.lua
** gave them (named options, then `fields` by name). Option mistakes raise
** a table {message} (classify.lua raises its text at the caller); the
** strings read stay on the stack. */
void clb_read_call(lua_State *L, int opts, clb_call *call);

/* The AppContainer part of token at idx (kept per token, built once from
** the identities table classify.lua registered): pushes its holder (or
** nil) and returns the object (NULL: not an AppContainer). *app is set to
** the identity's app (NULL: none); it stays reachable from the holder.
** Raises (a string) on an identity that does not parse. */
ntsec_appcontainer *clb_token_appcontainer(lua_State *L, int idx, const char **app, size_t *app_len);

/* fields into flow (variable bytes in scratch, FLOW_SCRATCH bytes). Raises
** (a string) on an unknown field or type, or a value not of its type. */
#define CLB_FLOW_SCRATCH 4096
void clb_fill_flow(lua_State *L, const clb_call *call, ntsec_wfp_flow *flow, uint8_t *scratch);

/* core.wfp_classify.identities(t): registers classify.lua's token ->
** identity table. */
int clb_set_identities(lua_State *L);
void clb_open_flow(lua_State *L);
/* A new weak-keyed table in the registry at key. */
void clb_new_weak_keys(lua_State *L, const void *key);

/* ---- results (nl_wfp_classify_result.c) ---- */

/* {key=, name=, id=, action=, callout=} of filter i. */
void clb_push_filter_ref(lua_State *L, const clb_ctx *ctx, uint32_t i);
/* Sets match=, condition=, failed=, why=, assumed= of a match of filter i
** in the table on top. */
void clb_set_match(lua_State *L, const clb_ctx *ctx, uint32_t i, const ntsec_wfp_match_info *m);
/* The result table of r (the set userdata at set_idx): decision, reason,
** filter, verdict, assumptions, truncated, layer_filters and layer (the
** value at layer_idx) now; outcomes, and trace when asked, on first use
** (index or pairs: both are built, stored and the metatable dropped). */
void clb_push_result(lua_State *L, int set_idx, const ntsec_wfp_result *r, int trace, int layer_idx);
void clb_open_result(lua_State *L);

#endif
