/*
** secdefs.h: Windows security constants under their winnt.h / MS-DTYP names.
** Values: shared/spec/sd_semantics.md 1.3-1.6, 3.1, 4.2, Appendix A;
** shared/spec/wfp_ks_errors.md 3.1, 3.4.
*/
#ifndef NTSEC_SECDEFS_H
#define NTSEC_SECDEFS_H

/* Revisions (sd_semantics.md A.3, 1.2). */
#define SID_REVISION                  1
#define SECURITY_DESCRIPTOR_REVISION  1
#define ACL_REVISION                  2
#define ACL_REVISION_DS               4
#define MIN_ACL_REVISION              2
#define MAX_ACL_REVISION              4
#define SID_MAX_SUB_AUTHORITIES       15
#define SECURITY_MAX_SID_SIZE         68
#define NTSEC_SD_HEADER_SIZE          20
#define NTSEC_ACL_HEADER_SIZE         8
#define NTSEC_ACL_MAX_SIZE            0xFFFFu

/* SECURITY_DESCRIPTOR_CONTROL (sd_semantics.md 1.6). */
#define SE_OWNER_DEFAULTED        0x0001
#define SE_GROUP_DEFAULTED        0x0002
#define SE_DACL_PRESENT           0x0004
#define SE_DACL_DEFAULTED         0x0008
#define SE_SACL_PRESENT           0x0010
#define SE_SACL_DEFAULTED         0x0020
#define SE_DACL_UNTRUSTED         0x0040
#define SE_SERVER_SECURITY        0x0080
#define SE_DACL_AUTO_INHERIT_REQ  0x0100
#define SE_SACL_AUTO_INHERIT_REQ  0x0200
#define SE_DACL_AUTO_INHERITED    0x0400
#define SE_SACL_AUTO_INHERITED    0x0800
#define SE_DACL_PROTECTED         0x1000
#define SE_SACL_PROTECTED         0x2000
#define SE_RM_CONTROL_VALID       0x4000
#define SE_SELF_RELATIVE          0x8000

/* ACE types (sd_semantics.md 1.4). */
#define ACCESS_ALLOWED_ACE_TYPE                  0x00
#define ACCESS_DENIED_ACE_TYPE                   0x01
#define SYSTEM_AUDIT_ACE_TYPE                    0x02
#define SYSTEM_ALARM_ACE_TYPE                    0x03
#define ACCESS_ALLOWED_COMPOUND_ACE_TYPE         0x04
#define ACCESS_ALLOWED_OBJECT_ACE_TYPE           0x05
#define ACCESS_DENIED_OBJECT_ACE_TYPE            0x06
#define SYSTEM_AUDIT_OBJECT_ACE_TYPE             0x07
#define SYSTEM_ALARM_OBJECT_ACE_TYPE             0x08
#define ACCESS_ALLOWED_CALLBACK_ACE_TYPE         0x09
#define ACCESS_DENIED_CALLBACK_ACE_TYPE          0x0A
#define ACCESS_ALLOWED_CALLBACK_OBJECT_ACE_TYPE  0x0B
#define ACCESS_DENIED_CALLBACK_OBJECT_ACE_TYPE   0x0C
#define SYSTEM_AUDIT_CALLBACK_ACE_TYPE           0x0D
#define SYSTEM_ALARM_CALLBACK_ACE_TYPE           0x0E
#define SYSTEM_AUDIT_CALLBACK_OBJECT_ACE_TYPE    0x0F
#define SYSTEM_ALARM_CALLBACK_OBJECT_ACE_TYPE    0x10
#define SYSTEM_MANDATORY_LABEL_ACE_TYPE          0x11
#define SYSTEM_RESOURCE_ATTRIBUTE_ACE_TYPE       0x12
#define SYSTEM_SCOPED_POLICY_ID_ACE_TYPE         0x13
#define SYSTEM_PROCESS_TRUST_LABEL_ACE_TYPE      0x14
#define SYSTEM_ACCESS_FILTER_ACE_TYPE            0x15

/* ACE flags (sd_semantics.md 1.3). */
#define OBJECT_INHERIT_ACE          0x01
#define CONTAINER_INHERIT_ACE       0x02
#define NO_PROPAGATE_INHERIT_ACE    0x04
#define INHERIT_ONLY_ACE            0x08
#define INHERITED_ACE               0x10
#define VALID_INHERIT_FLAGS         0x1F
#define CRITICAL_ACE_FLAG           0x20
#define SUCCESSFUL_ACCESS_ACE_FLAG  0x40
#define FAILED_ACCESS_ACE_FLAG      0x80

/* Object ACE flags (sd_semantics.md 1.4). */
#define ACE_OBJECT_TYPE_PRESENT            0x1
#define ACE_INHERITED_OBJECT_TYPE_PRESENT  0x2

/* Standard and generic rights (sd_semantics.md 1.5). */
#define DELETE                    0x00010000u
#define READ_CONTROL              0x00020000u
#define WRITE_DAC                 0x00040000u
#define WRITE_OWNER               0x00080000u
#define SYNCHRONIZE               0x00100000u
#define STANDARD_RIGHTS_REQUIRED  0x000F0000u
#define STANDARD_RIGHTS_ALL       0x001F0000u
#define ACCESS_SYSTEM_SECURITY    0x01000000u
#define MAXIMUM_ALLOWED           0x02000000u
#define GENERIC_ALL               0x10000000u
#define GENERIC_EXECUTE           0x20000000u
#define GENERIC_WRITE             0x40000000u
#define GENERIC_READ              0x80000000u
#define GENERIC_MASK              0xF0000000u

/* File rights used by the file / KS generic mapping (wfp_ks_errors.md 4.2). */
#define FILE_GENERIC_READ     0x00120089u
#define FILE_GENERIC_WRITE    0x00120116u
#define FILE_GENERIC_EXECUTE  0x001200A0u
#define FILE_ALL_ACCESS       0x001F01FFu

/* FWPM access rights and generic mapping (wfp_ks_errors.md 3.1). */
#define FWPM_ACTRL_ADD               0x00000001u
#define FWPM_ACTRL_ADD_LINK          0x00000002u
#define FWPM_ACTRL_BEGIN_READ_TXN    0x00000004u
#define FWPM_ACTRL_BEGIN_WRITE_TXN   0x00000008u
#define FWPM_ACTRL_CLASSIFY          0x00000010u
#define FWPM_ACTRL_ENUM              0x00000020u
#define FWPM_ACTRL_OPEN              0x00000040u
#define FWPM_ACTRL_READ              0x00000080u
#define FWPM_ACTRL_READ_STATS        0x00000100u
#define FWPM_ACTRL_SUBSCRIBE         0x00000200u
#define FWPM_ACTRL_WRITE             0x00000400u
#define FWPM_GENERIC_READ            0x000201D4u
#define FWPM_GENERIC_EXECUTE         0x00020220u
#define FWPM_GENERIC_WRITE           0x0003040Bu
#define FWPM_GENERIC_ALL             0x000F07FFu

/* SECURITY_INFORMATION bits (sd_semantics.md 4.2). */
#define OWNER_SECURITY_INFORMATION                0x00000001u
#define GROUP_SECURITY_INFORMATION                0x00000002u
#define DACL_SECURITY_INFORMATION                 0x00000004u
#define SACL_SECURITY_INFORMATION                 0x00000008u
#define LABEL_SECURITY_INFORMATION                0x00000010u
#define ATTRIBUTE_SECURITY_INFORMATION            0x00000020u
#define SCOPE_SECURITY_INFORMATION                0x00000040u
#define PROCESS_TRUST_LABEL_SECURITY_INFORMATION  0x00000080u
#define ACCESS_FILTER_SECURITY_INFORMATION        0x00000100u
#define BACKUP_SECURITY_INFORMATION               0x00010000u
#define UNPROTECTED_SACL_SECURITY_INFORMATION     0x10000000u
#define UNPROTECTED_DACL_SECURITY_INFORMATION     0x20000000u
#define PROTECTED_SACL_SECURITY_INFORMATION       0x40000000u
#define PROTECTED_DACL_SECURITY_INFORMATION       0x80000000u

/* Token group attributes (sd_semantics.md 3.1). */
#define SE_GROUP_MANDATORY           0x00000001u
#define SE_GROUP_ENABLED_BY_DEFAULT  0x00000002u
#define SE_GROUP_ENABLED             0x00000004u
#define SE_GROUP_OWNER               0x00000008u
#define SE_GROUP_USE_FOR_DENY_ONLY   0x00000010u
#define SE_GROUP_INTEGRITY           0x00000020u
#define SE_GROUP_INTEGRITY_ENABLED   0x00000040u
#define SE_GROUP_RESOURCE            0x20000000u
#define SE_GROUP_LOGON_ID            0xC0000000u

/* Privilege attributes and LUIDs (sd_semantics.md 3.1, A.3). */
#define SE_PRIVILEGE_ENABLED_BY_DEFAULT  0x00000001u
#define SE_PRIVILEGE_ENABLED             0x00000002u
#define SE_PRIVILEGE_USED_FOR_ACCESS     0x80000000u
#define SE_SECURITY_PRIVILEGE            8
#define SE_TAKE_OWNERSHIP_PRIVILEGE      9
#define SE_BACKUP_PRIVILEGE              17
#define SE_RESTORE_PRIVILEGE             18
#define SE_RELABEL_PRIVILEGE             32

/* SEF_* auto-inherit flags (sd_semantics.md A.2). */
#define SEF_DACL_AUTO_INHERIT             0x01u
#define SEF_SACL_AUTO_INHERIT             0x02u
#define SEF_DEFAULT_DESCRIPTOR_FOR_OBJECT 0x04u
#define SEF_AVOID_PRIVILEGE_CHECK         0x08u
#define SEF_AVOID_OWNER_CHECK             0x10u
#define SEF_DEFAULT_OWNER_FROM_PARENT     0x20u
#define SEF_DEFAULT_GROUP_FROM_PARENT     0x40u

#endif
