/*
** import_fuzz.c: libFuzzer harness for the netsh dump importer (issue 15;
** lua/ntsec/netsh.lua, docs/fuzzing.md).
**
** The importer is Lua (XML read with expat), so this harness embeds Lua 5.4
** and the ntsec.core binding (compiled in and preloaded; the module itself
** never links liblua) and runs require("ntsec.netsh").import(engine, input)
** on a fresh engine for each input. The seeds are the two real dumps cut down
** to a few objects per section, truncated and spliced (fuzz/seed.lua).
**
** An independent count of the input is made here with expat: the root
** element must be <wfpstate>; what follows its end is never read; objects
** are the elements at sessions/item, providers/item, subLayers/item,
** layers/item/layer, layers/item/callouts/item, layers/item/filters/item,
** aleConnectedEndpoints/item and providerContexts/item below the root.
** Invariants (abort on violation):
**   1. the import never raises (a Lua error is a traceback for the user);
**   2. it fails exactly when the input is not accepted (not well-formed
**      before the root's end, or another root), with a message that gives a
**      line number, and then nothing is imported: every engine count is as
**      before;
**   3. when it succeeds, for each kind, the engine's count grew by the
**      summary's count, and that count plus the objects the summary lists
**      as skipped equals the independent count;
**   4. the two import paths agree: filters and callouts read from the item
**      in C (engine:import_filter_item, the default) and from a Lua record
**      (taken when a caller passes on_record) give the same summary (counts,
**      skipped entries with their messages and lines) or the same error,
**      and the same filters and callouts in the engine.
** Findings: fuzz/regress/import/ (replayed by make fuzz-ci).
*/
#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#define FUZZ_CHECK(cond) do { if (!(cond)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int luaopen_ntsec_core(lua_State *L);

/* The kinds compared: summary name, engine:counts() name, path below the root. */
#define IF_KINDS 8
static const char *const if_kind[IF_KINDS] = {"sessions", "providers", "sublayers", "layers", "callouts", "filters",
                                              "endpoints", "provider_contexts"};
static const char *const if_path[IF_KINDS] = {"sessions/item", "providers/item", "subLayers/item",
                                              "layers/item/layer", "layers/item/callouts/item",
                                              "layers/item/filters/item", "aleConnectedEndpoints/item",
                                              "providerContexts/item"};

/* ---- the independent count ---- */

#define IF_DEPTH 8

typedef struct if_count {
    XML_Parser p;
    char path[IF_DEPTH * 32];        /* tags below the root, '/'-joined, while depth <= IF_DEPTH */
    size_t at[IF_DEPTH + 1];          /* path length at each depth (1 = the root: 0) */
    int depth, root_seen, root_closed, bad_root;
    int too_deep;                     /* depth where counting stopped, 0 = counting */
    long n[IF_KINDS];
} if_count;

static void XMLCALL if_start(void *ud, const XML_Char *tag, const XML_Char **attr)
{
    if_count *c = ud;
    size_t len, tl = strlen(tag);
    int k;
    (void)attr;
    if (c->depth++ == 0) {
        c->root_seen = 1;
        c->bad_root = strcmp(tag, "wfpstate") != 0;
        c->at[1] = 0;
        return;
    }
    /* below IF_DEPTH, or past the path buffer, nothing is counted */
    if (c->depth > IF_DEPTH || c->at[c->depth - 1] + tl + 2 > sizeof c->path) {
        if (!c->too_deep) c->too_deep = c->depth;
        return;
    }
    len = c->at[c->depth - 1];
    len += (size_t)snprintf(c->path + len, sizeof c->path - len, "%s%s", len ? "/" : "", tag);
    c->at[c->depth] = len;
    for (k = 0; k < IF_KINDS && !c->too_deep; k++)
        if (strcmp(c->path, if_path[k]) == 0) c->n[k]++;
}

static void XMLCALL if_end(void *ud, const XML_Char *tag)
{
    if_count *c = ud;
    (void)tag;
    if (c->too_deep == c->depth) c->too_deep = 0;
    if (--c->depth == 0) {
        c->root_closed = 1;
        XML_StopParser(c->p, XML_FALSE);      /* what follows the root is never read */
        return;
    }
    if (!c->too_deep) c->path[c->at[c->depth]] = 0;
}

/* 1 when the input is accepted (root <wfpstate>, well-formed up to its end). */
static int if_count_xml(const uint8_t *data, size_t size, if_count *c)
{
    enum XML_Status st;
    memset(c, 0, sizeof *c);
    c->p = XML_ParserCreate(NULL);
    FUZZ_CHECK(c->p != NULL);
    XML_SetUserData(c->p, c);
    XML_SetElementHandler(c->p, if_start, if_end);
    st = XML_Parse(c->p, (const char *)data, (int)size, 1);
    XML_ParserFree(c->p);
    if (!c->root_closed) return 0;
    (void)st;
    return !c->bad_root;
}

/* ---- the importer in Lua ---- */

static const char if_glue[] =
    "package.path = './lua/?.lua;./lua/?/init.lua;' .. package.path\n"
    "local netsh = require('ntsec.netsh')\n"
    "local core = require('ntsec.core')\n"
    "local function ser(v, out)\n"
    "  if type(v) ~= 'table' then out[#out + 1] = tostring(v) return out end\n"
    "  local ks = {}\n"
    "  for k in pairs(v) do ks[#ks + 1] = k end\n"
    "  table.sort(ks, function(a, b) return tostring(a) < tostring(b) end)\n"
    "  out[#out + 1] = '{'\n"
    "  for _, k in ipairs(ks) do out[#out + 1] = tostring(k) .. '='; ser(v[k], out) end\n"
    "  out[#out + 1] = '}'\n"
    "  return out\n"
    "end\n"
    "local function state(e, summary, err)\n"
    "  return table.concat(ser({ summary, err and tostring(err), e:counts(), e:filters(), e:callouts() }, {}), ' ')\n"
    "end\n"
    "return function(xml)\n"
    "  local e = core.wfp.engine()\n"
    "  local before = e:counts()\n"
    "  local summary, err = netsh.import(e, xml)\n"
    "  local skipped = {}\n"
    "  for _, s in ipairs(summary and summary.skipped or {}) do\n"
    "    skipped[s.kind] = (skipped[s.kind] or 0) + 1\n"
    "  end\n"
    "  local e2 = core.wfp.engine()\n"
    "  local ok2, s2, err2 = pcall(netsh.import, e2, xml, { on_record = function() end })\n"
    "  local same = ok2 and state(e, summary, err) == state(e2, s2, err2)\n"
    "  return summary, err and tostring(err), before, e:counts(), skipped, same\n"
    "end\n";

static lua_State *if_lua(void)
{
    static lua_State *L;
    if (L) return L;
    L = luaL_newstate();
    FUZZ_CHECK(L != NULL);
    luaL_openlibs(L);
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
    lua_pushcfunction(L, luaopen_ntsec_core);
    lua_setfield(L, -2, "ntsec.core");
    lua_pop(L, 1);
    if (luaL_loadbuffer(L, if_glue, sizeof if_glue - 1, "=import_fuzz") != LUA_OK || lua_pcall(L, 0, 1, 0) != LUA_OK) {
        fprintf(stderr, "import_fuzz: %s (run from the project root)\n", lua_tostring(L, -1));
        abort();
    }
    lua_setfield(L, LUA_REGISTRYINDEX, "import_fuzz");
    return L;
}

static long if_field(lua_State *L, int t, const char *k)
{
    long v;
    if (lua_type(L, t) != LUA_TTABLE) return 0;
    lua_getfield(L, t, k);
    v = (long)lua_tointeger(L, -1);
    lua_pop(L, 1);
    return v;
}

/* Engine count of a summary kind (provider contexts are engine objects since
** issue 12, so a failed import must leave none of them either). */
static long if_engine(lua_State *L, int t, int k)
{
    return if_field(L, t, if_kind[k]);
}

static void if_check(lua_State *L, const if_count *c, int accepted)
{
    /* stack: summary, err, before, after, skipped, same */
    int k;
    FUZZ_CHECK(lua_toboolean(L, -1));                /* invariant 4 */
    lua_pop(L, 1);
    if (lua_isnil(L, -5)) {
        const char *err = lua_tostring(L, -4);
        FUZZ_CHECK(err != NULL && strpbrk(err, "0123456789") != NULL);   /* a line */
        FUZZ_CHECK(!accepted);
        for (k = 0; k < IF_KINDS; k++) FUZZ_CHECK(if_engine(L, -3, k) == if_engine(L, -2, k));
        return;
    }
    FUZZ_CHECK(accepted);
    lua_getfield(L, -5, "counts");
    for (k = 0; k < 7; k++) {
        long imported = if_field(L, -1, if_kind[k]);
        FUZZ_CHECK(if_engine(L, -3, k) - if_engine(L, -4, k) == imported);
        FUZZ_CHECK(imported + if_field(L, -2, if_kind[k]) == c->n[k]);
    }
    lua_pop(L, 1);
    /* provider contexts: imported (summary.provider_contexts) + skipped = the XML's */
    FUZZ_CHECK(if_engine(L, -2, 7) - if_engine(L, -3, 7) == if_field(L, -5, "provider_contexts"));
    FUZZ_CHECK(if_field(L, -5, "provider_contexts") + if_field(L, -1, "provider_contexts") == c->n[7]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lua_State *L = if_lua();
    if_count c;
    int accepted = if_count_xml(data, size, &c);
    lua_getfield(L, LUA_REGISTRYINDEX, "import_fuzz");
    lua_pushlstring(L, (const char *)data, size);
    if (lua_pcall(L, 1, 6, 0) != LUA_OK) {
        fprintf(stderr, "import raised: %s\n", lua_tostring(L, -1));
        abort();                                  /* invariant 1 */
    }
    if_check(L, &c, accepted);
    lua_settop(L, 0);
    lua_gc(L, LUA_GCCOLLECT);
    return 0;
}
