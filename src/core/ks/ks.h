/*
** ks.h: the kernel-streaming model in one include (wfp_ks_errors.md 4;
** docs/ks.md): create items and their lists, the device, object headers and
** file objects, create (named and relative), IRPs,
** KsDispatchSetSecurity/QuerySecurity, dispatch, the I/O manager.
*/
#ifndef NTSEC_KS_H
#define NTSEC_KS_H

#include "ks_types.h"
#include "ks_item.h"
#include "ks_device.h"
#include "ks_object.h"
#include "ks_create.h"
#include "ks_irp.h"
#include "ks_security.h"
#include "ks_dispatch.h"
#include "ks_io.h"

#endif
