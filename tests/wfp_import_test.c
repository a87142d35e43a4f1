/*
** wfp_import_test.c: atomic import batches (wfp_import.h, issue 11): an
** aborted batch leaves the engine (and its store) as it was; a committed
** one links references to objects imported after their referrer, so a
** provider in use cannot be deleted (STATUS_FWP_IN_USE, wfp_ks_errors.md
** 2.3 / W32-OM object associations).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctest.h"
#include "guid.h"
#include "status.h"
#include "wfp.h"
#include "wfp_import.h"
#include "wfp_objects.h"

#define PROVIDER "11111111-2222-4333-8444-555555555555"
#define FILTER   "aaaaaaaa-2222-4333-8444-555555555555"
#define SESSION  "bbbbbbbb-2222-4333-8444-555555555555"

static ntsec_guid guid(const char *s)
{
    ntsec_guid g;
    if (!ntsec_guid_parse(s, strlen(s), &g)) exit(2);
    return g;
}

static size_t total(const ntsec_wfp_engine *e)
{
    size_t n = 0;
    int k;
    for (k = 0; k < NTSEC_WFP_KIND_COUNT; k++) n += ntsec_wfp_count(e, (ntsec_wfp_kind)k);
    return n;
}

/* Imports a filter that references the provider, then the provider (dump
** order), a session record and an endpoint. */
static void import_some(ntsec_wfp_engine *e, uint32_t provider_flags)
{
    ntsec_wfp_object_spec s;
    ntsec_wfp_session_record r;
    ntsec_wfp_endpoint ep;
    ntsec_guid p = guid(PROVIDER);
    memset(&s, 0, sizeof s);
    s.key = guid(FILTER);
    s.provider = &p;
    s.id = 70000;
    s.has_id = 1;
    CHECK_EQ_U(ntsec_wfp_import_object(e, NTSEC_WFP_FILTER, &s), STATUS_SUCCESS);
    memset(&s, 0, sizeof s);
    s.key = p;
    s.flags = provider_flags;
    CHECK_EQ_U(ntsec_wfp_import_object(e, NTSEC_WFP_PROVIDER, &s), STATUS_SUCCESS);
    memset(&r, 0, sizeof r);
    r.key = guid(SESSION);
    CHECK_EQ_U(ntsec_wfp_import_session(e, &r), STATUS_SUCCESS);
    memset(&ep, 0, sizeof ep);
    ep.id = 170;
    CHECK_EQ_U(ntsec_wfp_import_endpoint(e, &ep), STATUS_SUCCESS);
}

static ntsec_wfp_handle kernel_session(ntsec_wfp_engine *e)
{
    ntsec_wfp_session_opts o;
    ntsec_wfp_handle h = 0;
    memset(&o, 0, sizeof o);
    o.kernel_mode = 1;
    CHECK_EQ_U(ntsec_wfp_engine_open(e, &o, &h), STATUS_SUCCESS);
    return h;
}

static void test_abort_and_commit(void)
{
    ntsec_wfp_engine *e;
    ntsec_wfp_import_batch b;
    ntsec_wfp_object_spec s;
    ntsec_wfp_object_info info;
    ntsec_guid p = guid(PROVIDER), f = guid(FILTER);
    ntsec_wfp_handle h;
    size_t cur = 0;
    CHECK_EQ_U(ntsec_wfp_engine_new(NULL, &e), STATUS_SUCCESS);
    CHECK_EQ_U(ntsec_wfp_import_begin(e, &b), STATUS_SUCCESS);
    CHECK_EQ_U(ntsec_wfp_import_begin(e, &b), STATUS_FWP_TXN_IN_PROGRESS);
    import_some(e, 0);
    CHECK_EQ_U(total(e), 4);
    CHECK_EQ_U(ntsec_wfp_import_end(e, &b, 0), STATUS_SUCCESS);
    CHECK_EQ_U(total(e), 0);
    CHECK_EQ_U(ntsec_wfp_import_end(e, &b, 0), STATUS_FWP_NO_TXN_IN_PROGRESS);
    /* the id counter came back too: an id-less filter gets what it would
    ** have got before the batch (filter ids start at 1 in a new engine) */
    memset(&s, 0, sizeof s);
    s.key = f;
    CHECK_EQ_U(ntsec_wfp_import_object(e, NTSEC_WFP_FILTER, &s), STATUS_SUCCESS);
    CHECK(ntsec_wfp_object_next(e, NTSEC_WFP_FILTER, &cur, &info));
    CHECK(info.id < 70000);
    ntsec_wfp_engine_free(e);

    CHECK_EQ_U(ntsec_wfp_engine_new(NULL, &e), STATUS_SUCCESS);
    h = kernel_session(e);
    CHECK_EQ_U(ntsec_wfp_import_begin(e, &b), STATUS_SUCCESS);
    import_some(e, 0);
    /* EMULATOR CHOICE (docs/audit.md): no session writes while a batch is open */
    CHECK_EQ_U(ntsec_wfp_object_delete(e, h, NTSEC_WFP_FILTER, &f), STATUS_FWP_TXN_IN_PROGRESS);
    CHECK_EQ_U(ntsec_wfp_import_end(e, &b, 1), STATUS_SUCCESS);
    CHECK_EQ_U(total(e), 4 + 1);             /* and the open session */
    /* linked at commit although the provider came after the filter */
    CHECK_EQ_U(ntsec_wfp_object_delete(e, h, NTSEC_WFP_PROVIDER, &p), STATUS_FWP_IN_USE);
    ntsec_wfp_engine_free(e);
}

static void test_store(void)
{
    char path[] = "/tmp/ntsec-import-test-XXXXXX";
    int fd = mkstemp(path);
    ntsec_wfp_engine_opts o;
    ntsec_wfp_engine *e;
    ntsec_wfp_import_batch b;
    if (fd < 0) exit(2);
    close(fd);
    memset(&o, 0, sizeof o);
    o.path = path;
    o.sync_normal = 1;
    /* a persistent provider (FWPM_PROVIDER_FLAG_PERSISTENT) in an aborted batch never reaches the store */
    CHECK_EQ_U(ntsec_wfp_engine_new(&o, &e), STATUS_SUCCESS);
    CHECK_EQ_U(ntsec_wfp_import_begin(e, &b), STATUS_SUCCESS);
    import_some(e, 0x00000001u);
    CHECK_EQ_U(ntsec_wfp_import_end(e, &b, 0), STATUS_SUCCESS);
    ntsec_wfp_engine_free(e);
    CHECK_EQ_U(ntsec_wfp_engine_new(&o, &e), STATUS_SUCCESS);
    CHECK_EQ_U(ntsec_wfp_count(e, NTSEC_WFP_PROVIDER), 0);
    /* committed: it comes back with the store */
    CHECK_EQ_U(ntsec_wfp_import_begin(e, &b), STATUS_SUCCESS);
    import_some(e, 0x00000001u);
    CHECK_EQ_U(ntsec_wfp_import_end(e, &b, 1), STATUS_SUCCESS);
    ntsec_wfp_engine_free(e);
    CHECK_EQ_U(ntsec_wfp_engine_new(&o, &e), STATUS_SUCCESS);
    CHECK_EQ_U(ntsec_wfp_count(e, NTSEC_WFP_PROVIDER), 1);
    ntsec_wfp_engine_free(e);
    unlink(path);
}

int main(void)
{
    test_abort_and_commit();
    test_store();
    printf("%d passed, %d failed\n", ctest_passed, ctest_failed);
    return ctest_failed != 0;
}
