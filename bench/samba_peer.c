/*
** samba_peer.c: loading Samba's libcli/security for the benchmarks
** (samba_peer.h). Included by the bench programs (one translation unit
** each), so it needs no Makefile rule of its own.
*/
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "samba_peer.h"

static const char *prefix(void)
{
    const char *p = getenv("SAMBA_BPO_PREFIX");
    return p && *p ? p : "/opt/samba-4.22";
}

const char *samba_peer_libdirs(void)
{
    static char dirs[2048];
    snprintf(dirs, sizeof dirs, "%s/usr/lib/x86_64-linux-gnu/samba:%s/usr/lib/x86_64-linux-gnu",
             prefix(), prefix());
    return dirs;
}

static void *open_lib(const char *rel, char *why, size_t why_len)
{
    char path[1024];
    void *h;
    snprintf(path, sizeof path, "%s/usr/lib/x86_64-linux-gnu/%s", prefix(), rel);
    h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) snprintf(why, why_len, "%s", dlerror());
    return h;
}

/* dlsym into a function pointer without a cast between object and
** function pointers (ISO C). */
static int bind_sym(void *lib, const char *name, void *slot, char *why, size_t why_len)
{
    void *f = dlsym(lib, name);
    if (!f) {
        snprintf(why, why_len, "%s: symbol %s not found", prefix(), name);
        return 0;
    }
    memcpy(slot, &f, sizeof f);
    return 1;
}

/* The samba-libs package version, from the unpack's PACKAGES.txt. */
static void read_version(samba_peer *p)
{
    char path[1024], line[512];
    FILE *f;
    snprintf(p->version, sizeof p->version, "unknown");
    snprintf(path, sizeof path, "%s/PACKAGES.txt", prefix());
    f = fopen(path, "r");
    if (!f) return;
    while (fgets(line, sizeof line, f)) {
        char *v = strstr(line, "samba-libs_2%3a");
        if (!v) continue;
        v += strlen("samba-libs_2%3a");
        v[strcspn(v, "_\n")] = 0;
        snprintf(p->version, sizeof p->version, "%s", v);
    }
    fclose(f);
}

int samba_peer_open(samba_peer *p, char *why, size_t why_len)
{
    memset(p, 0, sizeof *p);
    p->talloc_lib = open_lib("libtalloc.so.2", why, why_len);
    if (p->talloc_lib) p->security_lib = open_lib("samba/libsamba-security-private-samba.so.0", why, why_len);
    if (!p->security_lib) return 0;
    if (!bind_sym(p->talloc_lib, "talloc_named_const", &p->talloc_named_const, why, why_len)
        || !bind_sym(p->talloc_lib, "_talloc_free", &p->talloc_free, why, why_len)
        || !bind_sym(p->security_lib, "sddl_decode", &p->sddl_decode, why, why_len)
        || !bind_sym(p->security_lib, "sddl_encode", &p->sddl_encode, why, why_len)
        || !bind_sym(p->security_lib, "se_access_check", &p->se_access_check, why, why_len)
        || !bind_sym(p->security_lib, "security_token_initialise", &p->security_token_initialise, why, why_len)
        || !bind_sym(p->security_lib, "dom_sid_parse", &p->dom_sid_parse, why, why_len))
        return 0;
    read_version(p);
    return 1;
}

void *samba_peer_token(const samba_peer *p, samba_dom_sid *sids, uint32_t n)
{
    samba_token_head *t = p->security_token_initialise(NULL, SAMBA_CLAIMS_EVALUATION_NEVER);
    if (!t) return NULL;
    t->num_sids = n;
    t->sids = sids;
    return t;
}
