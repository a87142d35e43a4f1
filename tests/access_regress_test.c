/*
** access_regress_test.c: the access fuzz harness's findings replayed
** (every file of fuzz/regress/access), with the harness's invariants as test checks:
**   header_only_ace_ends_acl     an inherited or re-assembled ACL ending in
**                                a header-only ACE was invalid (1.8);
**   creator_owner_without_owner  CREATOR OWNER replaced by a missing owner
**                                gave an ACE without a SID.
*/
#include <dirent.h>
#include <stdio.h>

#include "ctest.h"

#define FUZZ_CHECK(cond) CHECK(cond)
#include "../fuzz/access_fuzz.c"

static int replay(const char *path)
{
    static uint8_t data[1 << 16];
    FILE *f = fopen(path, "rb");
    size_t n;
    if (!f) return 0;
    n = fread(data, 1, sizeof data, f);
    fclose(f);
    LLVMFuzzerTestOneInput(data, n);
    return 1;
}

int main(void)
{
    const char *dir = "fuzz/regress/access";
    DIR *d = opendir(dir);
    struct dirent *e;
    int files = 0;
    char path[512];
    CHECK(d != NULL);
    while (d && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        files += replay(path);
    }
    if (d) closedir(d);
    CHECK(files >= 2);
    return ctest_summary();
}
