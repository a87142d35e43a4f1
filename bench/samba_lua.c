/*
** samba_lua.c: the bench-only Lua module "samba_peer" (build/bench-lua/),
** so that bench/peer_lua_bench.lua times Samba's C library in the same
** process as ntsec's Lua API (issue 11: "from Lua at least half those
** ratios"). Never installed; not part of ntsec.
**   samba_peer.open(domain_sid) -> version | nil, why
**   samba_peer.decode(strings, seconds) -> ops_per_s, failures_per_pass
**   samba_peer.roundtrip(strings, seconds) -> ops_per_s, failures_per_pass
**   samba_peer.access(sddl, sids, desired, seconds) -> ops_per_s, granted
** Each timing call runs passes until `seconds` of process CPU time.
*/
#include <lauxlib.h>
#include <lua.h>
#include <time.h>

#include "samba_peer.c"

#define EXPORT __attribute__((visibility("default")))

static samba_peer peer;
static void *mem;
static samba_dom_sid domain;

static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int l_open(lua_State *L)
{
    char why[512] = "";
    const char *dom = luaL_checkstring(L, 1);
    if (mem) {
        lua_pushstring(L, peer.version);
        return 1;
    }
    if (!samba_peer_open(&peer, why, sizeof why)) {
        lua_pushnil(L);
        lua_pushstring(L, why);
        return 2;
    }
    mem = peer.talloc_named_const(NULL, 0, "samba_lua");
    if (!mem || !peer.dom_sid_parse(dom, &domain)) return luaL_error(L, "samba_peer: setup failed");
    lua_pushstring(L, peer.version);
    return 1;
}

static void check_open(lua_State *L)
{
    if (!mem) luaL_error(L, "samba_peer: call open first");
}

/* One pass over strings[1..n]: decode (and encode); returns failures. */
static size_t pass(lua_State *L, int n, int encode)
{
    size_t bad = 0;
    int i;
    for (i = 1; i <= n; i++) {
        const char *s;
        void *sd;
        lua_rawgeti(L, 1, i);
        s = lua_tostring(L, -1);
        sd = peer.sddl_decode(mem, s, &domain);
        lua_pop(L, 1);                          /* the table keeps the string */
        if (!sd) {
            bad++;
            continue;
        }
        if (encode) {
            char *text = peer.sddl_encode(mem, sd, &domain);
            if (!text) bad++;
            else peer.talloc_free(text, "samba_lua");
        }
        peer.talloc_free(sd, "samba_lua");
    }
    return bad;
}

static int rate_of(lua_State *L, int encode)
{
    int n;
    double seconds, t0, t;
    size_t ops = 0, bad = 0, passes = 0;
    check_open(L);
    luaL_checktype(L, 1, LUA_TTABLE);
    seconds = luaL_checknumber(L, 2);
    n = (int)lua_rawlen(L, 1);
    t0 = cpu_seconds();
    do {
        bad += pass(L, n, encode);
        ops += (size_t)n;
        passes++;
    } while ((t = cpu_seconds() - t0) < seconds);
    lua_pushnumber(L, (double)ops / t);
    lua_pushnumber(L, (double)bad / (double)passes);
    return 2;
}

static int l_decode(lua_State *L) { return rate_of(L, 0); }
static int l_roundtrip(lua_State *L) { return rate_of(L, 1); }

#define MAX_SIDS 64

static int l_access(lua_State *L)
{
    static samba_dom_sid sids[MAX_SIDS];
    const char *sddl = luaL_checkstring(L, 1);
    uint32_t desired = (uint32_t)luaL_checkinteger(L, 3), granted = 0;
    double seconds = luaL_checknumber(L, 4), t0, t;
    void *sd, *token;
    size_t ops = 0;
    int n, i;
    check_open(L);
    luaL_checktype(L, 2, LUA_TTABLE);
    n = (int)lua_rawlen(L, 2);
    luaL_argcheck(L, n > 0 && n <= MAX_SIDS, 2, "1 to 64 SIDs");
    for (i = 0; i < n; i++) {
        lua_rawgeti(L, 2, i + 1);
        if (!peer.dom_sid_parse(luaL_checkstring(L, -1), &sids[i])) return luaL_error(L, "bad SID");
        lua_pop(L, 1);
    }
    sd = peer.sddl_decode(mem, sddl, &domain);
    token = samba_peer_token(&peer, sids, (uint32_t)n);
    if (!sd || !token) return luaL_error(L, "samba_peer: cannot build the access case");
    t0 = cpu_seconds();
    do {
        for (i = 0; i < 10000; i++) peer.se_access_check(sd, token, desired, &granted);
        ops += 10000;
    } while ((t = cpu_seconds() - t0) < seconds);
    peer.talloc_free(sd, "samba_lua");
    peer.talloc_free(token, "samba_lua");
    lua_pushnumber(L, (double)ops / t);
    lua_pushinteger(L, granted);
    return 2;
}

EXPORT int luaopen_samba_peer(lua_State *L);

EXPORT int luaopen_samba_peer(lua_State *L)
{
    static const luaL_Reg fns[] = {
        {"open", l_open}, {"decode", l_decode}, {"roundtrip", l_roundtrip},
        {"access", l_access}, {NULL, NULL}
    };
    luaL_newlib(L, fns);
    return 1;
}
