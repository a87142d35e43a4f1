/*
** ks_types.h: the kernel-streaming object model (wfp_ks_errors.md 4.1-4.3).
**
** A device (DEVICE_OBJECT + KSDEVICE_HEADER) has an optional security
** descriptor and characteristics (the INF's HKR,,Security and
** DeviceCharacteristics) and owns a list of create items
** (KSOBJECT_CREATE_ITEM): the filter factories. Each item may carry child
** create items (pins, clocks, ...): the list its Create routine passes to
** KsAllocateObjectHeader for the objects it creates. A create matches one item
** and yields a file object whose FsContext points to a KS object header that
** records that item (OriginalCreateItem), a dispatch table, the granted access
** and the object's own child create-item list; a create relative to that file
** object (RelatedFileObject) looks its name up in that list. IRPs name a file
** object and carry the Parameters of one security request.
**
** Ownership: the device owns its items, and every item owns its child items;
** a file owns its header, a header owns its copy of the child-item pointer
** array (not the items); an IRP owns its user buffer and one reference to its
** modification descriptor. Freeing a file or an IRP never dereferences the
** device, item or file it points to, so teardown order does not matter (a
** binding may finalize in any order), but *using* a file or IRP requires its
** device (and file) to be alive.
*/
#ifndef NTSEC_KS_TYPES_H
#define NTSEC_KS_TYPES_H

#include "ntsec_types.h"
#include "sd.h"
#include "token.h"

/* KSOBJECT_CREATE_ITEM.Flags (SDKH shared/ks.h; 4.2). */
#define KSCREATE_ITEM_SECURITYCHANGED  0x00000001u
#define KSCREATE_ITEM_WILDCARD         0x00000002u
#define KSCREATE_ITEM_NOPARAMETERS     0x00000004u
#define KSCREATE_ITEM_FREEONSTOP       0x00000008u
#define NTSEC_KS_CREATE_ITEM_FLAGS     0x0000000Fu

/* DEVICE_OBJECT.Characteristics bit (MINGW ddk/wdm.h; docs/ks.md): apply the
** device object's descriptor to every open in the device's namespace. */
#define FILE_DEVICE_SECURE_OPEN        0x00000100u

/* Major function codes and boost (MINGW ddk/wdm.h; 4.2). */
#define IRP_MJ_CREATE          0x00u
#define IRP_MJ_CLOSE           0x02u
#define IRP_MJ_QUERY_SECURITY  0x14u
#define IRP_MJ_SET_SECURITY    0x15u
#define IO_NO_INCREMENT        0u

typedef struct ntsec_ks_device ntsec_ks_device;
typedef struct ntsec_ks_irp ntsec_ks_irp;

typedef struct ntsec_ks_create_item ntsec_ks_create_item;

/* A create-item list (KSDEVICE_HEADER's, or an item's child list). The
** pointer array is owned; whether the items are depends on the holder. */
typedef struct ntsec_ks_item_list {
    ntsec_ks_create_item **items;    /* in insertion order */
    size_t count, cap;
} ntsec_ks_item_list;

/* KSOBJECT_CREATE_ITEM (without Create/Context: no driver code runs here).
** children stands for what the item's Create routine does: the create-item
** list it hands to KsAllocateObjectHeader for each object it creates. */
struct ntsec_ks_create_item {
    char *object_class;              /* ObjectClass, NUL-terminated UTF-8, owned */
    size_t object_class_len;
    ntsec_sd *security_descriptor;   /* one reference of its own, or NULL */
    uint32_t flags;                  /* KSCREATE_ITEM_* */
    ntsec_ks_item_list children;     /* child create items, owned */
    ntsec_ks_create_item *parent;    /* item whose children hold this one, or NULL */
};

/* PDRIVER_DISPATCH. */
typedef NTSTATUS (*ntsec_ks_dispatch_fn)(ntsec_ks_device *dev, ntsec_ks_irp *irp);

/* KSDISPATCH_TABLE, reduced to the two slots the model routes (4.2);
** a NULL slot means "not handled" (KsDispatchInvalidDeviceRequest). */
typedef struct ntsec_ks_dispatch_table {
    ntsec_ks_dispatch_fn query_security;
    ntsec_ks_dispatch_fn set_security;
} ntsec_ks_dispatch_table;

/* KSOBJECT_HEADER (opaque in ks.h; these are the fields KS relies on). */
typedef struct ntsec_ks_object_header {
    ntsec_ks_dispatch_table dispatch;             /* copied at allocation */
    ntsec_ks_create_item *original_create_item;   /* KsQueryObjectCreateItem; may be NULL */
    ACCESS_MASK granted_access;                   /* from the create's access state */
    ntsec_ks_item_list child_items;               /* ItemsList copy; items not owned */
} ntsec_ks_object_header;

/* FILE_OBJECT: the fields the model needs. The file object also stands for
** the handle, so it carries the handle's granted access. */
typedef struct ntsec_ks_file {
    ntsec_ks_device *device;                /* DeviceObject it was opened on */
    ntsec_ks_object_header *fs_context;     /* KS object header (documented place) or NULL */
    void *fs_context2;                      /* unused; ReactOS keeps the header here */
    ACCESS_MASK granted_access;             /* the handle's granted access */
} ntsec_ks_file;

/* IO_STATUS_BLOCK. */
typedef struct ntsec_ks_io_status {
    NTSTATUS status;
    uint64_t information;   /* ULONG_PTR */
} ntsec_ks_io_status;

/* IRP with its one current stack location. */
struct ntsec_ks_irp {
    uint8_t major_function;              /* IRP_MJ_QUERY_SECURITY / IRP_MJ_SET_SECURITY */
    ntsec_ks_file *file_object;          /* IrpSp->FileObject (not owned) */
    struct {
        SECURITY_INFORMATION security_information;
        ntsec_sd *security_descriptor;   /* owned reference, may be NULL */
    } set_security;                      /* Parameters.SetSecurity */
    struct {
        SECURITY_INFORMATION security_information;
        uint32_t length;                 /* bytes of user_buffer */
    } query_security;                    /* Parameters.QuerySecurity */
    uint8_t *user_buffer;                /* Irp->UserBuffer (owned; query only) */
    ntsec_ks_io_status io_status;        /* starts as {STATUS_PENDING, caller's value} */
    const ntsec_token *requestor;        /* subject of the request; NULL = kernel */
    ntsec_ks_create_item *create_item_storage;   /* KSCREATE_ITEM_IRP_STORAGE */
    unsigned completion_count;           /* IoCompleteRequest calls */
    int double_completed;                /* set on the second completion (driver bug) */
    uint8_t priority_boost;              /* boost of the first completion */
};

#endif
