/*
** ctest.h: a minimal C test harness for core-level tests (tests/NAME_test.c).
** Each test binary prints one "ok"/"not ok" line per check and ends with
** "N passed, N failed"; exit status is non-zero on any failure.
*/
#ifndef NTSEC_CTEST_H
#define NTSEC_CTEST_H

#include <stdio.h>
#include <string.h>

static int ctest_passed, ctest_failed;

#define CHECK(cond) ctest_check((cond) != 0, #cond, __FILE__, __LINE__)
#define CHECK_EQ_U(a, b) ctest_check_u((unsigned long long)(a), (unsigned long long)(b), #a " == " #b, __FILE__, __LINE__)
#define CHECK_STR(a, b) ctest_check_str((a), (b), #a " == " #b, __FILE__, __LINE__)

static inline void ctest_check(int ok, const char *what, const char *file, int line)
{
    if (ok) { ctest_passed++; return; }
    ctest_failed++;
    printf("not ok: %s (%s:%d)\n", what, file, line);
}

static inline void ctest_check_u(unsigned long long a, unsigned long long b, const char *what,
                          const char *file, int line)
{
    if (a == b) { ctest_passed++; return; }
    ctest_failed++;
    printf("not ok: %s: 0x%llx != 0x%llx (%s:%d)\n", what, a, b, file, line);
}

static inline void ctest_check_str(const char *a, const char *b, const char *what, const char *file, int line)
{
    if (a && b && strcmp(a, b) == 0) { ctest_passed++; return; }
    ctest_failed++;
    printf("not ok: %s: \"%s\" != \"%s\" (%s:%d)\n", what, a ? a : "(null)", b ? b : "(null)", file, line);
}

/* Hex string -> bytes; returns length or -1. */
static inline long ctest_unhex(const char *hex, unsigned char *out, size_t cap)
{
    size_t n = strlen(hex), i;
    if (n % 2 || n / 2 > cap) return -1;
    for (i = 0; i < n / 2; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1) return -1;
        out[i] = (unsigned char)v;
    }
    return (long)(n / 2);
}

static inline int ctest_summary(void)
{
    printf("%d passed, %d failed\n", ctest_passed, ctest_failed);
    return ctest_failed != 0;
}

#endif
