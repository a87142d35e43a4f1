/*
** fuzz_regress_test.c: the stateful harnesses of issue 15 (engine, ks,
** cond; docs/fuzzing.md) replayed on their findings (fuzz/regress/NAME/)
** and on their committed seed corpora (fuzz/seeds/NAME/), with every
** invariant of the harness as a test check. The harness sources are
** included; a broken invariant fails the check (and the test).
*/
#include <stdio.h>
#include <stdlib.h>

#include "ctest.h"
#include "fuzz_replay.h"

/* A broken invariant names itself and aborts (the harness's state is not
** meant to be used past it); run_tests counts the missing summary as a
** failure. */
#define FUZZ_CHECK(cond) do { if (!(cond)) fuzz_failed(#cond, __FILE__, __LINE__); } while (0)

static void fuzz_failed(const char *what, const char *file, int line)
{
    printf("not ok: %s:%d: %s (input %s)\n", file, line, what, fuzz_replay_input);
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

/* Every file of dir through one; how many ran (none when dir is absent). */
static unsigned replay_dir(const char *dir, harness_fn one)
{
    long n = fuzz_replay_dir(dir, "", one);
    return n < 0 ? 0 : (unsigned)n;
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
