/*
** ks.h: the kernel-streaming model in one include (wfp_ks_errors.md 4;
** docs/ks.md): device and create items, object headers and file objects,
** create, IRPs, KsDispatchSetSecurity/QuerySecurity, dispatch, I/O manager.
*/
#ifndef NTSEC_KS_H
#define NTSEC_KS_H

#include "ks_types.h"
#include "ks_device.h"
#include "ks_object.h"
#include "ks_create.h"
#include "ks_irp.h"
#include "ks_security.h"
#include "ks_dispatch.h"

#endif
