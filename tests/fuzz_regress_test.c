/*
** fuzz_regress_test.c: the stateful harnesses of issue 15 (engine, ks,
** cond; docs/fuzzing.md) replayed on their findings (fuzz/regress/NAME/)
** and on their committed seed corpora (fuzz/seeds/NAME/), with every
** invariant of the harness as a test check. The harness sources are
** included; a broken invariant fails the check (and the test).
*/
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

#include "ctest.h"

/* A broken invariant names itself and aborts (the harness's state is not
** meant to be used past it); run_tests counts the missing summary as a
** failure. */
#define FUZZ_CHECK(cond) do { if (!(cond)) fuzz_failed(#cond, __FILE__, __LINE__); } while (0)

static const char *fuzz_current_input = "";

static void fuzz_failed(const char *what, const char *file, int line)
{
    printf("not ok: %s:%d: %s (input %s)\n", file, line, what, fuzz_current_input);
    fflush(stdout);
    abort();
}

#define LLVMFuzzerTestOneInput engine_fuzz_one
#include "../fuzz/engine_fuzz.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput ks_fuzz_one
#include "../fuzz/ks_fuzz.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput cond_fuzz_one
#include "../fuzz/cond_fuzz.c"
#undef LLVMFuzzerTestOneInput

typedef int (*harness_fn)(const uint8_t *, size_t);

/* Run every file of dir through one; returns how many ran. */
static unsigned replay_dir(const char *dir, harness_fn one)
{
    char path[1024];
    DIR *d = opendir(dir);
    struct dirent *e;
    unsigned n = 0;
    if (!d) return 0;
    while ((e = readdir(d)) != NULL) {
        FILE *f;
        uint8_t *b;
        long size;
        if (e->d_name[0] == '.') continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        f = fopen(path, "rb");
        if (!f) continue;
        fseek(f, 0, SEEK_END);
        size = ftell(f);
        fseek(f, 0, SEEK_SET);
        b = malloc((size_t)size + 1);
        if (b && fread(b, 1, (size_t)size, f) == (size_t)size) {
            fuzz_current_input = path;
            one(b, (size_t)size);
            n++;
        }
        free(b);
        fclose(f);
    }
    closedir(d);
    return n;
}

static void replay(const char *name, harness_fn one)
{
    char dir[256];
    unsigned n;
    snprintf(dir, sizeof dir, "fuzz/regress/%s", name);
    n = replay_dir(dir, one);
    snprintf(dir, sizeof dir, "fuzz/seeds/%s", name);
    n += replay_dir(dir, one);
    CHECK(n >= 10);               /* the seed corpus is there */
}

static void test_engine(void) { replay("engine", engine_fuzz_one); }
static void test_ks(void) { replay("ks", ks_fuzz_one); }
static void test_cond(void) { replay("cond", cond_fuzz_one); }

int main(void)
{
    test_engine();
    test_ks();
    test_cond();
    return ctest_summary();
}
