/*
** access_bench.c: access checks and set-security merges per second
** (issue 4 targets: >= 10 M checks/s per core for a 10-ACE DACL and a
** 30-group token). Prints name=value lines. Not a test.
**
** The DACLs are domain-SID allow ACEs for principals the token does not
** hold, ending with one ACE for a group it holds, so every ACE is looked
** up (the worst case for a check that succeeds).
*/
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "access.h"
#include "merge.h"
#include "sd.h"
#include "sddl.h"
#include "secdefs.h"
#include "sid.h"
#include "status.h"
#include "token.h"

#define MIN_SECONDS 0.5

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);   /* CPU time: per core, not wall */
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static ntsec_sd *parse(const char *s)
{
    static const ntsec_sid_ctx ctx;
    ntsec_sd *sd = NULL;
    if (ntsec_sddl_parse(s, strlen(s), &ctx, &sd, NULL) != STATUS_SUCCESS) {
        fprintf(stderr, "cannot parse %s\n", s);
        return NULL;
    }
    return sd;
}

/* "O:BAG:SYD:" + n-1 ACEs for S-1-5-21-7-8-9-(2000+i) + one for S-1-5-21-1-2-3-1029. */
static ntsec_sd *dacl_of(int n)
{
    static char buf[16384];
    size_t len = (size_t)snprintf(buf, sizeof buf, "O:BAG:SYD:");
    int i;
    for (i = 0; i < n - 1; i++)
        len += (size_t)snprintf(buf + len, sizeof buf - len, "(A;;0x%x;;;S-1-5-21-7-8-9-%d)",
                                1u << (i % 16), 2000 + i);
    snprintf(buf + len, sizeof buf - len, "(A;;0x1f01ff;;;S-1-5-21-1-2-3-1029)");
    return parse(buf);
}

/* User S-1-5-21-1-2-3-1000 and 30 enabled groups S-1-5-21-1-2-3-1000..1029. */
static ntsec_token *token30(void)
{
    uint8_t sid[68];
    ntsec_token *t;
    int i;
    ntsec_sid_from_string("S-1-5-21-1-2-3-999", 18, NULL, sid);
    t = ntsec_token_new(sid, 0);
    for (i = 0; i < 30; i++) {
        char s[40];
        int n = snprintf(s, sizeof s, "S-1-5-21-1-2-3-%d", 1000 + i);
        ntsec_sid_from_string(s, (size_t)n, NULL, sid);
        ntsec_token_add_group(t, sid, SE_GROUP_ENABLED | SE_GROUP_MANDATORY);
    }
    return t;
}

static double checks_per_s(const ntsec_sd *sd, const ntsec_token *t, ACCESS_MASK want)
{
    ntsec_access_result r;
    long n = 0, i;
    double t0 = now(), dt;
    unsigned sink = 0;
    do {
        for (i = 0; i < 10000; i++) {
            ntsec_access_check(sd, t, want, &ntsec_file_mapping, NULL, &r);
            sink += r.granted;
        }
        n += 10000;
    } while ((dt = now() - t0) < MIN_SECONDS);
    if (sink == 1) puts("");
    return n / dt;
}

static double merges_per_s(const ntsec_sd *old, const ntsec_sd *mod_sd, const ntsec_token *t)
{
    ntsec_sd_parts mod;
    long n = 0, i;
    double t0 = now(), dt;
    ntsec_sd_get_parts(mod_sd, &mod);
    do {
        for (i = 0; i < 10000; i++) {
            ntsec_sd *out = NULL;
            ntsec_set_security(old, DACL_SECURITY_INFORMATION, &mod, SEF_DACL_AUTO_INHERIT,
                               &ntsec_fwpm_mapping, t, &out);
            ntsec_sd_unref(out);
        }
        n += 10000;
    } while ((dt = now() - t0) < MIN_SECONDS);
    return n / dt;
}

int main(void)
{
    ntsec_token *t = token30();
    ntsec_sd *d10 = dacl_of(10), *d100 = dacl_of(100);
    ntsec_sd *old = parse("O:BAG:SYD:AI(A;;GA;;;SY)(A;;GA;;;BA)(A;ID;0x20094;;;BU)(A;OICIID;GA;;;SY)");
    ntsec_sd *mod = parse("D:(A;;GA;;;SY)(A;;GA;;;BA)(A;;GR;;;BU)");
    if (!t || !d10 || !d100 || !old || !mod) return 1;
    printf("access_check_10ace_30groups_per_s=%.0f\n", checks_per_s(d10, t, FILE_GENERIC_READ));
    printf("access_check_10ace_30groups_max_allowed_per_s=%.0f\n", checks_per_s(d10, t, MAXIMUM_ALLOWED));
    printf("access_check_100ace_30groups_per_s=%.0f\n", checks_per_s(d100, t, FILE_GENERIC_READ));
    printf("access_check_100ace_30groups_max_allowed_per_s=%.0f\n", checks_per_s(d100, t, MAXIMUM_ALLOWED));
    printf("set_security_merge_per_s=%.0f\n", merges_per_s(old, mod, t));
    ntsec_sd_unref(d10);
    ntsec_sd_unref(d100);
    ntsec_sd_unref(old);
    ntsec_sd_unref(mod);
    ntsec_token_free(t);
    return 0;
}
