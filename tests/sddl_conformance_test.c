/*
** sddl_conformance_test.c: the C API over the Windows conformance corpus
** (shared/data/conformance), acceptance only.
**
**   build/tests/sddl_conformance_test [data-dir]
**
** The conformance *checker* (bytes and text compared with Windows' per set)
** is one implementation, spec/support/sddl_conformance.lua, on the Lua API,
** whose ntsec.sd / sd:bytes / sd:sddl call ntsec_sddl_parse,
** ntsec_sd_from_bytes and ntsec_sddl_format directly. This test shares no
** logic with it: it drives the C functions themselves (under ASan/UBSan and
** valgrind in `make asan` / `make valgrind`) on every real vector and
** checks only what Windows decided about acceptance:
**  - every windows_self_relative_hex is a descriptor Windows wrote: it
**    decodes and formats;
**  - every sddl of that file was accepted by Windows: it parses (with the
**    domain and machine SID of the data README: the machine is a domain
**    controller);
**  - samba_windows_sddl_pairs.tsv: windows_ok* rows parse, the others fail;
**  - wine_advapi32_tests_cssd.tsv (revision 1 rows): accepted or rejected
**    as on Windows.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctest.h"
#include "sddl.h"
#include "sd.h"
#include "secdefs.h"
#include "status.h"

#define MAX_SHOW 5

static unsigned shown;

/* Counts one case; prints the first failures. */
static void expect(int ok, const char *file, unsigned line, const char *what, NTSTATUS st)
{
    CHECK(ok);
    if (!ok && shown++ < MAX_SHOW)
        printf("  %s line %u: %s (%s)\n", file, line, what, ntsec_status_name(st));
}

static char *read_file(const char *dir, const char *name)
{
    char path[1024];
    FILE *f;
    long n;
    char *data;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "rb");
    if (!f) { printf("cannot open %s\n", path); return NULL; }
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    data = malloc((size_t)n + 1);
    if (data && fread(data, 1, (size_t)n, f) != (size_t)n) { free(data); data = NULL; }
    if (data) data[n] = 0;
    fclose(f);
    return data;
}

/* Next line of *cursor (in place, CR stripped), NULL at the end. */
static char *next_line(char **cursor)
{
    char *s = *cursor, *e;
    if (!s || !*s) return NULL;
    e = strchr(s, '\n');
    if (e) { *e = 0; *cursor = e + 1; } else { *cursor = s + strlen(s); }
    if (e && e > s && e[-1] == '\r') e[-1] = 0;
    return s;
}

/* Splits one line in place into up to max tab-separated fields. */
static int split_fields(char *line, char **fields, int max)
{
    int n = 0;
    fields[n++] = line;
    while (*line && n < max) {
        if (*line == '\t') { *line = 0; fields[n++] = line + 1; }
        line++;
    }
    return n;
}

static NTSTATUS parse(const char *s, const ntsec_sid_ctx *ctx)
{
    ntsec_sd *sd = NULL;
    NTSTATUS st = ntsec_sddl_parse(s, strlen(s), ctx, &sd, NULL);
    ntsec_sd_unref(sd);
    return st;
}

/* Windows' bytes decode, and format into the reused buffer out. */
static NTSTATUS decode_and_format(const char *hex, const ntsec_sid_ctx *ctx, ntsec_buf *out)
{
    static unsigned char b[70000];
    long n = ctest_unhex(hex, b, sizeof b);
    ntsec_sd *sd = NULL;
    NTSTATUS st;
    if (n < 0) return STATUS_INVALID_PARAMETER;
    st = ntsec_sd_from_bytes(b, (size_t)n, &sd);
    out->len = 0;
    if (st == STATUS_SUCCESS) st = ntsec_sddl_format(sd, 0xFFFF, ctx, out);
    ntsec_sd_unref(sd);
    return st;
}

static unsigned run_binary(const char *dir)
{
    const char *name = "windows_sddl_to_binary.tsv";
    char *data = read_file(dir, name), *cur = data, *line;
    uint8_t sid[68];
    ntsec_sid_ctx ctx = { sid, sid, NULL };
    ntsec_buf out;
    unsigned rows = 0, no = 1;
    if (!data) return 0;
    CHECK(ntsec_sid_from_string("S-1-5-21-2457507606-2709100691-398136650", 40, NULL, sid) == STATUS_SUCCESS);
    ntsec_buf_init(&out);
    next_line(&cur);
    while ((line = next_line(&cur)) != NULL) {
        char *f[3];
        NTSTATUS st;
        no++;
        if (split_fields(line, f, 3) != 3) continue;
        rows++;
        st = decode_and_format(f[2], &ctx, &out);
        expect(st == STATUS_SUCCESS, name, no, "Windows bytes do not decode and format", st);
        st = parse(f[1], &ctx);
        expect(st == STATUS_SUCCESS, name, no, "an SDDL string Windows accepted does not parse", st);
    }
    ntsec_buf_free(&out);
    free(data);
    return rows;
}

static unsigned run_pairs(const char *dir)
{
    const char *name = "samba_windows_sddl_pairs.tsv";
    char *data = read_file(dir, name), *cur = data, *line;
    uint8_t domain[68], machine[68];
    ntsec_sid_ctx ctx = { machine, domain, NULL };
    unsigned rows = 0, no = 1;
    if (!data) return 0;
    CHECK(ntsec_sid_from_string("S-1-2-3-4", 9, NULL, domain) == STATUS_SUCCESS);
    CHECK(ntsec_sid_from_string("S-1-5-21-1000-2000-3000", 23, NULL, machine) == STATUS_SUCCESS);
    next_line(&cur);
    while ((line = next_line(&cur)) != NULL) {
        char *f[4];
        NTSTATUS st;
        int windows_ok;
        no++;
        if (split_fields(line, f, 4) != 4) continue;
        rows++;
        windows_ok = strncmp(f[1], "windows_ok", 10) == 0;
        st = parse(f[2], &ctx);
        expect((st == STATUS_SUCCESS) == windows_ok, name, no,
               windows_ok ? "Windows accepts it, ntsec rejects" : "Windows rejects it, ntsec accepts", st);
    }
    free(data);
    return rows;
}

static unsigned run_wine(const char *dir)
{
    const char *name = "wine_advapi32_tests_cssd.tsv";
    char *data = read_file(dir, name), *cur = data, *line;
    unsigned rows = 0, no = 1;
    if (!data) return 0;
    next_line(&cur);
    while ((line = next_line(&cur)) != NULL) {
        char *f[3];
        NTSTATUS st;
        int accepts;
        no++;
        /* Other revisions test the API's revision argument, which the C parser has not. */
        if (split_fields(line, f, 3) != 3 || strcmp(f[1], "1") != 0) continue;
        rows++;
        accepts = f[2][0] == '1';
        st = parse(f[0], NULL);
        expect((st == STATUS_SUCCESS) == accepts, name, no,
               accepts ? "Windows accepts it, ntsec rejects" : "Windows rejects it, ntsec accepts", st);
    }
    free(data);
    return rows;
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "../shared/data/conformance";
    /* Row counts of the data README; wine has 29 rows, one of them with revision 0xdeadbeef. */
    CHECK_EQ_U(run_binary(dir), 7716);
    CHECK_EQ_U(run_pairs(dir), 246);
    CHECK_EQ_U(run_wine(dir), 28);
    return ctest_summary();
}
