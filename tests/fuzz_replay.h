/*
** fuzz_replay.h: replaying saved fuzz inputs through a harness included in a
** test (sd_robust_test.c, fuzz_regress_test.c). Each file is read whole and
** passed to the harness once; a broken invariant aborts inside the harness.
*/
#ifndef NTSEC_TEST_FUZZ_REPLAY_H
#define NTSEC_TEST_FUZZ_REPLAY_H

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int (*harness_fn)(const uint8_t *, size_t);

/* The path of the input being replayed ("" before the first), for a
** harness's failure message. */
static const char *fuzz_replay_input = "";

/* Run every file of dir whose name starts with prefix ("" for all; dot
** files are skipped) through one. Returns how many ran, or -1 when dir
** cannot be opened. Unreadable files are skipped. */
static inline long fuzz_replay_dir(const char *dir, const char *prefix, harness_fn one)
{
    char path[1024];
    DIR *d = opendir(dir);
    struct dirent *e;
    long n = 0;
    if (!d) return -1;
    while ((e = readdir(d)) != NULL) {
        FILE *f;
        long size;
        uint8_t *b;
        if (e->d_name[0] == '.' || strncmp(e->d_name, prefix, strlen(prefix)) != 0) continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        f = fopen(path, "rb");
        if (!f) continue;
        fseek(f, 0, SEEK_END);
        size = ftell(f);
        fseek(f, 0, SEEK_SET);
        b = malloc((size_t)size + 1);
        if (b && fread(b, 1, (size_t)size, f) == (size_t)size) {
            fuzz_replay_input = path;
            one(b, (size_t)size);
            n++;
        }
        free(b);
        fclose(f);
    }
    closedir(d);
    fuzz_replay_input = "";
    return n;
}

#endif
