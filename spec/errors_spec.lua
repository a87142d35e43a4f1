-- errors_spec.lua: the catalogue as seen from Lua (ntsec.errors over
-- ntsec.core._errors). Expected numbers are transcribed from
-- shared/spec/wfp_ks_errors.md (4.6, 5.1-5.6) and sd_semantics.md (3.2, A.1),
-- never taken from our own output.

local errors = require("ntsec.errors")
local core = require("ntsec.core")

-- wfp_ks_errors.md 5.2: { STATUS_FWP_* name, NTSTATUS, FWP_E_* name, HRESULT }
local FWP = {
  { "STATUS_FWP_CALLOUT_NOT_FOUND", 0xC0220001, "FWP_E_CALLOUT_NOT_FOUND", 0x80320001 },
  { "STATUS_FWP_CONDITION_NOT_FOUND", 0xC0220002, "FWP_E_CONDITION_NOT_FOUND", 0x80320002 },
  { "STATUS_FWP_FILTER_NOT_FOUND", 0xC0220003, "FWP_E_FILTER_NOT_FOUND", 0x80320003 },
  { "STATUS_FWP_LAYER_NOT_FOUND", 0xC0220004, "FWP_E_LAYER_NOT_FOUND", 0x80320004 },
  { "STATUS_FWP_PROVIDER_NOT_FOUND", 0xC0220005, "FWP_E_PROVIDER_NOT_FOUND", 0x80320005 },
  { "STATUS_FWP_PROVIDER_CONTEXT_NOT_FOUND", 0xC0220006, "FWP_E_PROVIDER_CONTEXT_NOT_FOUND", 0x80320006 },
  { "STATUS_FWP_SUBLAYER_NOT_FOUND", 0xC0220007, "FWP_E_SUBLAYER_NOT_FOUND", 0x80320007 },
  { "STATUS_FWP_NOT_FOUND", 0xC0220008, "FWP_E_NOT_FOUND", 0x80320008 },
  { "STATUS_FWP_ALREADY_EXISTS", 0xC0220009, "FWP_E_ALREADY_EXISTS", 0x80320009 },
  { "STATUS_FWP_IN_USE", 0xC022000A, "FWP_E_IN_USE", 0x8032000A },
  { "STATUS_FWP_DYNAMIC_SESSION_IN_PROGRESS", 0xC022000B, "FWP_E_DYNAMIC_SESSION_IN_PROGRESS", 0x8032000B },
  { "STATUS_FWP_WRONG_SESSION", 0xC022000C, "FWP_E_WRONG_SESSION", 0x8032000C },
  { "STATUS_FWP_NO_TXN_IN_PROGRESS", 0xC022000D, "FWP_E_NO_TXN_IN_PROGRESS", 0x8032000D },
  { "STATUS_FWP_TXN_IN_PROGRESS", 0xC022000E, "FWP_E_TXN_IN_PROGRESS", 0x8032000E },
  { "STATUS_FWP_TXN_ABORTED", 0xC022000F, "FWP_E_TXN_ABORTED", 0x8032000F },
  { "STATUS_FWP_SESSION_ABORTED", 0xC0220010, "FWP_E_SESSION_ABORTED", 0x80320010 },
  { "STATUS_FWP_INCOMPATIBLE_TXN", 0xC0220011, "FWP_E_INCOMPATIBLE_TXN", 0x80320011 },
  { "STATUS_FWP_TIMEOUT", 0xC0220012, "FWP_E_TIMEOUT", 0x80320012 },
  { "STATUS_FWP_NET_EVENTS_DISABLED", 0xC0220013, "FWP_E_NET_EVENTS_DISABLED", 0x80320013 },
  { "STATUS_FWP_INCOMPATIBLE_LAYER", 0xC0220014, "FWP_E_INCOMPATIBLE_LAYER", 0x80320014 },
  { "STATUS_FWP_KM_CLIENTS_ONLY", 0xC0220015, "FWP_E_KM_CLIENTS_ONLY", 0x80320015 },
  { "STATUS_FWP_LIFETIME_MISMATCH", 0xC0220016, "FWP_E_LIFETIME_MISMATCH", 0x80320016 },
  { "STATUS_FWP_BUILTIN_OBJECT", 0xC0220017, "FWP_E_BUILTIN_OBJECT", 0x80320017 },
  { "STATUS_FWP_TOO_MANY_CALLOUTS", 0xC0220018, "FWP_E_TOO_MANY_CALLOUTS", 0x80320018 },
  { "STATUS_FWP_NOTIFICATION_DROPPED", 0xC0220019, "FWP_E_NOTIFICATION_DROPPED", 0x80320019 },
  { "STATUS_FWP_TRAFFIC_MISMATCH", 0xC022001A, "FWP_E_TRAFFIC_MISMATCH", 0x8032001A },
  { "STATUS_FWP_INCOMPATIBLE_SA_STATE", 0xC022001B, "FWP_E_INCOMPATIBLE_SA_STATE", 0x8032001B },
  { "STATUS_FWP_NULL_POINTER", 0xC022001C, "FWP_E_NULL_POINTER", 0x8032001C },
  { "STATUS_FWP_INVALID_ENUMERATOR", 0xC022001D, "FWP_E_INVALID_ENUMERATOR", 0x8032001D },
  { "STATUS_FWP_INVALID_FLAGS", 0xC022001E, "FWP_E_INVALID_FLAGS", 0x8032001E },
  { "STATUS_FWP_INVALID_NET_MASK", 0xC022001F, "FWP_E_INVALID_NET_MASK", 0x8032001F },
  { "STATUS_FWP_INVALID_RANGE", 0xC0220020, "FWP_E_INVALID_RANGE", 0x80320020 },
  { "STATUS_FWP_INVALID_INTERVAL", 0xC0220021, "FWP_E_INVALID_INTERVAL", 0x80320021 },
  { "STATUS_FWP_ZERO_LENGTH_ARRAY", 0xC0220022, "FWP_E_ZERO_LENGTH_ARRAY", 0x80320022 },
  { "STATUS_FWP_NULL_DISPLAY_NAME", 0xC0220023, "FWP_E_NULL_DISPLAY_NAME", 0x80320023 },
  { "STATUS_FWP_INVALID_ACTION_TYPE", 0xC0220024, "FWP_E_INVALID_ACTION_TYPE", 0x80320024 },
  { "STATUS_FWP_INVALID_WEIGHT", 0xC0220025, "FWP_E_INVALID_WEIGHT", 0x80320025 },
  { "STATUS_FWP_MATCH_TYPE_MISMATCH", 0xC0220026, "FWP_E_MATCH_TYPE_MISMATCH", 0x80320026 },
  { "STATUS_FWP_TYPE_MISMATCH", 0xC0220027, "FWP_E_TYPE_MISMATCH", 0x80320027 },
  { "STATUS_FWP_OUT_OF_BOUNDS", 0xC0220028, "FWP_E_OUT_OF_BOUNDS", 0x80320028 },
  { "STATUS_FWP_RESERVED", 0xC0220029, "FWP_E_RESERVED", 0x80320029 },
  { "STATUS_FWP_DUPLICATE_CONDITION", 0xC022002A, "FWP_E_DUPLICATE_CONDITION", 0x8032002A },
  { "STATUS_FWP_DUPLICATE_KEYMOD", 0xC022002B, "FWP_E_DUPLICATE_KEYMOD", 0x8032002B },
  { "STATUS_FWP_ACTION_INCOMPATIBLE_WITH_LAYER", 0xC022002C, "FWP_E_ACTION_INCOMPATIBLE_WITH_LAYER", 0x8032002C },
  { "STATUS_FWP_ACTION_INCOMPATIBLE_WITH_SUBLAYER", 0xC022002D, "FWP_E_ACTION_INCOMPATIBLE_WITH_SUBLAYER", 0x8032002D },
  { "STATUS_FWP_CONTEXT_INCOMPATIBLE_WITH_LAYER", 0xC022002E, "FWP_E_CONTEXT_INCOMPATIBLE_WITH_LAYER", 0x8032002E },
  { "STATUS_FWP_CONTEXT_INCOMPATIBLE_WITH_CALLOUT", 0xC022002F, "FWP_E_CONTEXT_INCOMPATIBLE_WITH_CALLOUT", 0x8032002F },
  { "STATUS_FWP_INCOMPATIBLE_AUTH_METHOD", 0xC0220030, "FWP_E_INCOMPATIBLE_AUTH_METHOD", 0x80320030 },
  { "STATUS_FWP_INCOMPATIBLE_DH_GROUP", 0xC0220031, "FWP_E_INCOMPATIBLE_DH_GROUP", 0x80320031 },
  { "STATUS_FWP_EM_NOT_SUPPORTED", 0xC0220032, "FWP_E_EM_NOT_SUPPORTED", 0x80320032 },
  { "STATUS_FWP_NEVER_MATCH", 0xC0220033, "FWP_E_NEVER_MATCH", 0x80320033 },
  { "STATUS_FWP_PROVIDER_CONTEXT_MISMATCH", 0xC0220034, "FWP_E_PROVIDER_CONTEXT_MISMATCH", 0x80320034 },
  { "STATUS_FWP_INVALID_PARAMETER", 0xC0220035, "FWP_E_INVALID_PARAMETER", 0x80320035 },
  { "STATUS_FWP_TOO_MANY_SUBLAYERS", 0xC0220036, "FWP_E_TOO_MANY_SUBLAYERS", 0x80320036 },
  { "STATUS_FWP_CALLOUT_NOTIFICATION_FAILED", 0xC0220037, "FWP_E_CALLOUT_NOTIFICATION_FAILED", 0x80320037 },
  { "STATUS_FWP_INVALID_AUTH_TRANSFORM", 0xC0220038, "FWP_E_INVALID_AUTH_TRANSFORM", 0x80320038 },
  { "STATUS_FWP_INVALID_CIPHER_TRANSFORM", 0xC0220039, "FWP_E_INVALID_CIPHER_TRANSFORM", 0x80320039 },
  { "STATUS_FWP_INCOMPATIBLE_CIPHER_TRANSFORM", 0xC022003A, "FWP_E_INCOMPATIBLE_CIPHER_TRANSFORM", 0x8032003A },
  { "STATUS_FWP_INVALID_TRANSFORM_COMBINATION", 0xC022003B, "FWP_E_INVALID_TRANSFORM_COMBINATION", 0x8032003B },
  { "STATUS_FWP_DUPLICATE_AUTH_METHOD", 0xC022003C, "FWP_E_DUPLICATE_AUTH_METHOD", 0x8032003C },
  { "STATUS_FWP_INVALID_TUNNEL_ENDPOINT", 0xC022003D, "FWP_E_INVALID_TUNNEL_ENDPOINT", 0x8032003D },
  { "STATUS_FWP_L2_DRIVER_NOT_READY", 0xC022003E, "FWP_E_L2_DRIVER_NOT_READY", 0x8032003E },
  { "STATUS_FWP_KEY_DICTATOR_ALREADY_REGISTERED", 0xC022003F, "FWP_E_KEY_DICTATOR_ALREADY_REGISTERED", 0x8032003F },
  { "STATUS_FWP_KEY_DICTATION_INVALID_KEYING_MATERIAL", 0xC0220040,
    "FWP_E_KEY_DICTATION_INVALID_KEYING_MATERIAL", 0x80320040 },
  { "STATUS_FWP_CONNECTIONS_DISABLED", 0xC0220041, "FWP_E_CONNECTIONS_DISABLED", 0x80320041 },
  { "STATUS_FWP_INVALID_DNS_NAME", 0xC0220042, "FWP_E_INVALID_DNS_NAME", 0x80320042 },
  { "STATUS_FWP_STILL_ON", 0xC0220043, "FWP_E_STILL_ON", 0x80320043 },
  { "STATUS_FWP_IKEEXT_NOT_RUNNING", 0xC0220044, "FWP_E_IKEEXT_NOT_RUNNING", 0x80320044 },
  { "STATUS_FWP_DROP_NOICMP", 0xC0220104, "FWP_E_DROP_NOICMP", 0x80320104 },
}

-- wfp_ks_errors.md 5.6: { NTSTATUS name, value, Win32 name, value, HRESULT_FROM_WIN32 }
local T56 = {
  { "STATUS_SUCCESS", 0x00000000, "ERROR_SUCCESS", 0, 0x00000000 },
  { "STATUS_UNSUCCESSFUL", 0xC0000001, "ERROR_GEN_FAILURE", 31, 0x8007001F },
  { "STATUS_NOT_IMPLEMENTED", 0xC0000002, "ERROR_INVALID_FUNCTION", 1, 0x80070001 },
  { "STATUS_INVALID_HANDLE", 0xC0000008, "ERROR_INVALID_HANDLE", 6, 0x80070006 },
  { "STATUS_INVALID_PARAMETER", 0xC000000D, "ERROR_INVALID_PARAMETER", 87, 0x80070057 },
  { "STATUS_INVALID_DEVICE_REQUEST", 0xC0000010, "ERROR_INVALID_FUNCTION", 1, 0x80070001 },
  { "STATUS_NO_MEMORY", 0xC0000017, "ERROR_NOT_ENOUGH_MEMORY", 8, 0x80070008 },
  { "STATUS_ACCESS_DENIED", 0xC0000022, "ERROR_ACCESS_DENIED", 5, 0x80070005 },
  { "STATUS_BUFFER_TOO_SMALL", 0xC0000023, "ERROR_INSUFFICIENT_BUFFER", 122, 0x8007007A },
  { "STATUS_OBJECT_NAME_NOT_FOUND", 0xC0000034, "ERROR_FILE_NOT_FOUND", 2, 0x80070002 },
  { "STATUS_OBJECT_NAME_COLLISION", 0xC0000035, "ERROR_ALREADY_EXISTS", 183, 0x800700B7 },
  { "STATUS_UNKNOWN_REVISION", 0xC0000058, "ERROR_UNKNOWN_REVISION", 1305, 0x80070519 },
  { "STATUS_INVALID_OWNER", 0xC000005A, "ERROR_INVALID_OWNER", 1307, 0x8007051B },
  { "STATUS_INVALID_PRIMARY_GROUP", 0xC000005B, "ERROR_INVALID_PRIMARY_GROUP", 1308, 0x8007051C },
  { "STATUS_PRIVILEGE_NOT_HELD", 0xC0000061, "ERROR_PRIVILEGE_NOT_HELD", 1314, 0x80070522 },
  { "STATUS_INVALID_ACL", 0xC0000077, "ERROR_INVALID_ACL", 1336, 0x80070538 },
  { "STATUS_INVALID_SID", 0xC0000078, "ERROR_INVALID_SID", 1337, 0x80070539 },
  { "STATUS_INVALID_SECURITY_DESCR", 0xC0000079, "ERROR_INVALID_SECURITY_DESCR", 1338, 0x8007053A },
  { "STATUS_NO_TOKEN", 0xC000007C, "ERROR_NO_TOKEN", 1008, 0x800703F0 },
  { "STATUS_INSUFFICIENT_RESOURCES", 0xC000009A, "ERROR_NO_SYSTEM_RESOURCES", 1450, 0x800705AA },
  { "STATUS_NOT_SUPPORTED", 0xC00000BB, "ERROR_NOT_SUPPORTED", 50, 0x80070032 },
  { "STATUS_NO_SECURITY_ON_OBJECT", 0xC00000D7, "ERROR_NO_SECURITY_ON_OBJECT", 1350, 0x80070546 },
  { "STATUS_BAD_DESCRIPTOR_FORMAT", 0xC00000E7, "ERROR_BAD_DESCRIPTOR_FORMAT", 1361, 0x80070551 },
  { "STATUS_INVALID_PARAMETER_1", 0xC00000EF, "ERROR_INVALID_PARAMETER", 87, 0x80070057 },
  { "STATUS_CANCELLED", 0xC0000120, "ERROR_OPERATION_ABORTED", 995, 0x800703E3 },
  { "STATUS_NOT_FOUND", 0xC0000225, "ERROR_NOT_FOUND", 1168, 0x80070490 },
  { "STATUS_BUFFER_OVERFLOW", 0x80000005, "ERROR_MORE_DATA", 234, 0x800700EA },
  { "STATUS_PENDING", 0x00000103, "ERROR_IO_PENDING", 997, 0x800703E5 },
  { "RPC_NT_INVALID_BINDING", 0xC0020003, "ERROR_INVALID_HANDLE", 6, 0x80070006 },
}

-- sd_semantics.md A.1, then the 5.6 "Also" paragraph, 5.3, 4.6 and the
-- checked 5.5 NT twins (EPT_NT_NOT_REGISTERED: the mapping 5.5 assumes by pattern):
-- { NTSTATUS name, value, Win32 name, value }
local A1 = {
  { "STATUS_SUCCESS", 0x00000000, "ERROR_SUCCESS", 0 },
  { "STATUS_ACCESS_VIOLATION", 0xC0000005, "ERROR_NOACCESS", 998 },
  { "STATUS_INVALID_PARAMETER", 0xC000000D, "ERROR_INVALID_PARAMETER", 87 },
  { "STATUS_NO_MEMORY", 0xC0000017, "ERROR_NOT_ENOUGH_MEMORY", 8 },
  { "STATUS_ACCESS_DENIED", 0xC0000022, "ERROR_ACCESS_DENIED", 5 },
  { "STATUS_BUFFER_TOO_SMALL", 0xC0000023, "ERROR_INSUFFICIENT_BUFFER", 122 },
  { "STATUS_UNKNOWN_REVISION", 0xC0000058, "ERROR_UNKNOWN_REVISION", 1305 },
  { "STATUS_REVISION_MISMATCH", 0xC0000059, "ERROR_REVISION_MISMATCH", 1306 },
  { "STATUS_INVALID_OWNER", 0xC000005A, "ERROR_INVALID_OWNER", 1307 },
  { "STATUS_INVALID_PRIMARY_GROUP", 0xC000005B, "ERROR_INVALID_PRIMARY_GROUP", 1308 },
  { "STATUS_NO_IMPERSONATION_TOKEN", 0xC000005C, "ERROR_NO_IMPERSONATION_TOKEN", 1309 },
  { "STATUS_PRIVILEGE_NOT_HELD", 0xC0000061, "ERROR_PRIVILEGE_NOT_HELD", 1314 },
  { "STATUS_INVALID_ACL", 0xC0000077, "ERROR_INVALID_ACL", 1336 },
  { "STATUS_INVALID_SID", 0xC0000078, "ERROR_INVALID_SID", 1337 },
  { "STATUS_INVALID_SECURITY_DESCR", 0xC0000079, "ERROR_INVALID_SECURITY_DESCR", 1338 },
  { "STATUS_ALLOTTED_SPACE_EXCEEDED", 0xC0000099, "ERROR_ALLOTTED_SPACE_EXCEEDED", 1344 },
  { "STATUS_INSUFFICIENT_RESOURCES", 0xC000009A, "ERROR_NO_SYSTEM_RESOURCES", 1450 },
  { "STATUS_BAD_IMPERSONATION_LEVEL", 0xC00000A5, "ERROR_BAD_IMPERSONATION_LEVEL", 1346 },
  { "STATUS_NOT_SUPPORTED", 0xC00000BB, "ERROR_NOT_SUPPORTED", 50 },
  { "STATUS_NO_SECURITY_ON_OBJECT", 0xC00000D7, "ERROR_NO_SECURITY_ON_OBJECT", 1350 },
  { "STATUS_GENERIC_NOT_MAPPED", 0xC00000E6, "ERROR_GENERIC_NOT_MAPPED", 1360 },
  { "STATUS_BAD_DESCRIPTOR_FORMAT", 0xC00000E7, "ERROR_BAD_DESCRIPTOR_FORMAT", 1361 },
  { "STATUS_INVALID_ACE_CONDITION", 0xC00001A2, "ERROR_INVALID_ACE_CONDITION", 805 },
  { "STATUS_INVALID_PARAMETER_2", 0xC00000F0, "ERROR_INVALID_PARAMETER", 87 },
  { "STATUS_INVALID_PARAMETER_3", 0xC00000F1, "ERROR_INVALID_PARAMETER", 87 },
  { "STATUS_INVALID_PARAMETER_4", 0xC00000F2, "ERROR_INVALID_PARAMETER", 87 },
  { "STATUS_INVALID_PARAMETER_5", 0xC00000F3, "ERROR_INVALID_PARAMETER", 87 },
  { "STATUS_INVALID_PARAMETER_6", 0xC00000F4, "ERROR_INVALID_PARAMETER", 87 },
  { "STATUS_INVALID_PARAMETER_7", 0xC00000F5, "ERROR_INVALID_PARAMETER", 87 },
  { "STATUS_INVALID_PARAMETER_8", 0xC00000F6, "ERROR_INVALID_PARAMETER", 87 },
  { "STATUS_INVALID_PARAMETER_9", 0xC00000F7, "ERROR_INVALID_PARAMETER", 87 },
  { "STATUS_INVALID_PARAMETER_10", 0xC00000F8, "ERROR_INVALID_PARAMETER", 87 },
  { "STATUS_INVALID_PARAMETER_11", 0xC00000F9, "ERROR_INVALID_PARAMETER", 87 },
  { "STATUS_INVALID_PARAMETER_12", 0xC00000FA, "ERROR_INVALID_PARAMETER", 87 },
  { "STATUS_INVALID_PARAMETER_MIX", 0xC0000030, "ERROR_INVALID_PARAMETER", 87 },
  { "STATUS_INVALID_INFO_CLASS", 0xC0000003, "ERROR_INVALID_PARAMETER", 87 },
  { "STATUS_INFO_LENGTH_MISMATCH", 0xC0000004, "ERROR_BAD_LENGTH", 24 },
  { "STATUS_OBJECT_TYPE_MISMATCH", 0xC0000024, "ERROR_INVALID_HANDLE", 6 },
  { "STATUS_BAD_IMPERSONATION_LEVEL", 0xC00000A5, "ERROR_BAD_IMPERSONATION_LEVEL", 1346 },
  { "STATUS_CANT_OPEN_ANONYMOUS", 0xC00000A6, "ERROR_CANT_OPEN_ANONYMOUS", 1347 },
  { "STATUS_FWP_TCPIP_NOT_READY", 0xC0220100, "ERROR_NOT_READY", 21 },
  { "STATUS_FWP_INJECT_HANDLE_CLOSING", 0xC0220101, "ERROR_OPERATION_ABORTED", 995 },
  { "STATUS_FWP_INJECT_HANDLE_STALE", 0xC0220102, "ERROR_RETRY", 1237 },
  { "STATUS_FWP_CANNOT_PEND", 0xC0220103, "ERROR_INVALID_OPERATION", 4317 },
  { "STATUS_INVALID_DEVICE_REQUEST", 0xC0000010, "ERROR_INVALID_FUNCTION", 1 },
  { "STATUS_INSUFFICIENT_RESOURCES", 0xC000009A, "ERROR_NO_SYSTEM_RESOURCES", 1450 },
  { "RPC_NT_PROTSEQ_NOT_SUPPORTED", 0xC0020004, "RPC_S_PROTSEQ_NOT_SUPPORTED", 1703 },
  { "RPC_NT_SERVER_UNAVAILABLE", 0xC0020017, "RPC_S_SERVER_UNAVAILABLE", 1722 },
  { "RPC_NT_SERVER_TOO_BUSY", 0xC0020018, "RPC_S_SERVER_TOO_BUSY", 1723 },
  { "RPC_NT_CALL_FAILED", 0xC002001B, "RPC_S_CALL_FAILED", 1726 },
  { "RPC_NT_CALL_FAILED_DNE", 0xC002001C, "RPC_S_CALL_FAILED_DNE", 1727 },
  { "RPC_NT_UNKNOWN_AUTHN_SERVICE", 0xC0020030, "RPC_S_UNKNOWN_AUTHN_SERVICE", 1747 },
  { "RPC_NT_SS_IN_NULL_CONTEXT", 0xC0030004, "ERROR_INVALID_HANDLE", 6 },
  { "EPT_NT_NOT_REGISTERED", 0xC0020036, "EPT_S_NOT_REGISTERED", 1753 },
}

-- wfp_ks_errors.md 5.5: the RPC_E_* HRESULT range.
local RPC_E = {
  { "RPC_E_CALL_REJECTED", 0x80010001 },
  { "RPC_E_CALL_CANCELED", 0x80010002 },
  { "RPC_E_CANTPOST_INSENDCALL", 0x80010003 },
  { "RPC_E_CANTCALLOUT_INASYNCCALL", 0x80010004 },
  { "RPC_E_CANTCALLOUT_INEXTERNALCALL", 0x80010005 },
  { "RPC_E_CONNECTION_TERMINATED", 0x80010006 },
  { "RPC_E_SERVER_DIED", 0x80010007 },
  { "RPC_E_CLIENT_DIED", 0x80010008 },
  { "RPC_E_INVALID_DATAPACKET", 0x80010009 },
  { "RPC_E_CANTTRANSMIT_CALL", 0x8001000A },
  { "RPC_E_CLIENT_CANTMARSHAL_DATA", 0x8001000B },
  { "RPC_E_CLIENT_CANTUNMARSHAL_DATA", 0x8001000C },
  { "RPC_E_SERVER_CANTMARSHAL_DATA", 0x8001000D },
  { "RPC_E_SERVER_CANTUNMARSHAL_DATA", 0x8001000E },
  { "RPC_E_INVALID_DATA", 0x8001000F },
  { "RPC_E_INVALID_PARAMETER", 0x80010010 },
  { "RPC_E_CANTCALLOUT_AGAIN", 0x80010011 },
  { "RPC_E_SERVER_DIED_DNE", 0x80010012 },
  { "RPC_E_SYS_CALL_FAILED", 0x80010100 },
  { "RPC_E_OUT_OF_RESOURCES", 0x80010101 },
  { "RPC_E_ATTEMPTED_MULTITHREAD", 0x80010102 },
  { "RPC_E_NOT_REGISTERED", 0x80010103 },
  { "RPC_E_FAULT", 0x80010104 },
  { "RPC_E_SERVERFAULT", 0x80010105 },
  { "RPC_E_CHANGED_MODE", 0x80010106 },
  { "RPC_E_INVALIDMETHOD", 0x80010107 },
  { "RPC_E_DISCONNECTED", 0x80010108 },
  { "RPC_E_RETRY", 0x80010109 },
  { "RPC_E_SERVERCALL_RETRYLATER", 0x8001010A },
  { "RPC_E_SERVERCALL_REJECTED", 0x8001010B },
  { "RPC_E_INVALID_CALLDATA", 0x8001010C },
  { "RPC_E_CANTCALLOUT_ININPUTSYNCCALL", 0x8001010D },
  { "RPC_E_WRONG_THREAD", 0x8001010E },
  { "RPC_E_THREAD_NOT_INIT", 0x8001010F },
  { "RPC_E_VERSION_MISMATCH", 0x80010110 },
  { "RPC_E_INVALID_HEADER", 0x80010111 },
  { "RPC_E_INVALID_EXTENSION", 0x80010112 },
  { "RPC_E_INVALID_IPID", 0x80010113 },
  { "RPC_E_INVALID_OBJECT", 0x80010114 },
  { "RPC_S_CALLPENDING", 0x80010115 },
  { "RPC_S_WAITONTIMER", 0x80010116 },
  { "RPC_E_CALL_COMPLETE", 0x80010117 },
  { "RPC_E_UNSECURE_CALL", 0x80010118 },
  { "RPC_E_TOO_LATE", 0x80010119 },
  { "RPC_E_NO_GOOD_SECURITY_PACKAGES", 0x8001011A },
  { "RPC_E_ACCESS_DENIED", 0x8001011B },
  { "RPC_E_REMOTE_DISABLED", 0x8001011C },
  { "RPC_E_INVALID_OBJREF", 0x8001011D },
  { "RPC_E_NO_CONTEXT", 0x8001011E },
  { "RPC_E_TIMEOUT", 0x8001011F },
  { "RPC_E_NO_SYNC", 0x80010120 },
  { "RPC_E_FULLSIC_REQUIRED", 0x80010121 },
  { "RPC_E_INVALID_STD_NAME", 0x80010122 },
}

-- wfp_ks_errors.md 5.5: Win32 RPC codes.
local RPC_WIN32 = {
  { "RPC_S_INVALID_BINDING", 1702 }, { "RPC_S_PROTSEQ_NOT_SUPPORTED", 1703 },
  { "RPC_S_SERVER_UNAVAILABLE", 1722 }, { "RPC_S_SERVER_TOO_BUSY", 1723 },
  { "RPC_S_CALL_FAILED", 1726 }, { "RPC_S_CALL_FAILED_DNE", 1727 },
  { "RPC_S_UNKNOWN_AUTHN_SERVICE", 1747 }, { "RPC_S_UNKNOWN_AUTHN_LEVEL", 1748 },
  { "EPT_S_NOT_REGISTERED", 1753 }, { "RPC_S_CANNOT_SUPPORT", 1764 },
  { "RPC_X_SS_IN_NULL_CONTEXT", 1775 }, { "RPC_X_SS_CONTEXT_DAMAGED", 1777 },
  { "RPC_X_NULL_REF_POINTER", 1780 }, { "RPC_X_ENUM_VALUE_OUT_OF_RANGE", 1781 },
  { "RPC_X_BAD_STUB_DATA", 1783 }, { "RPC_S_CALL_CANCELLED", 1818 },
  { "RPC_S_SEC_PKG_ERROR", 1825 },
}

local function hex(v) return ("0x%08X"):format(v) end

describe("ntsec.errors catalogue", function()
  describe("FWP pairs (5.2, 5.4)", function()
    it("has all 69 rows of the spec table", function()
      assert.are.equal(69, #FWP)
    end)
    for _, row in ipairs(FWP) do
      local nt_name, nt, hr_name, hr = row[1], row[2], row[3], row[4]
      it(nt_name .. " / " .. hr_name, function()
        assert.are.equal(nt, core[nt_name])
        assert.are.equal(hr, core[hr_name])
        local e = errors.lookup(nt_name)
        assert.are.same({ nt, "NTSTATUS", nt_name }, { e.value, e.kind, e.name })
        e = errors.lookup(hr_name)
        assert.are.same({ hr, "HRESULT", hr_name }, { e.value, e.kind, e.name })
        assert.are.equal(nt_name, errors.lookup(nt, "NTSTATUS").name)
        assert.are.equal(hr_name, errors.lookup(hr, "HRESULT").name)
        assert.are.equal(hex(hr), hex(errors.to_win32(nt)))
        assert.are.equal(hex(hr), hex(errors.to_hresult(nt)))
        assert.are.equal(hex(hr), hex(errors.to_hresult(nt_name)))
        local back, kind = errors.from_hresult(hr)
        assert.are.same({ hex(nt), "NTSTATUS" }, { hex(back), kind })
        assert.are.equal(hex(hr), hex(errors.lookup(nt).win32))
        assert.are.equal("FWP_ERROR_CODE", errors.lookup(nt).facility_name)
        assert.are.equal("FWP", errors.lookup(hr).facility_name)
      end)
    end
    it("maps the four twinless STATUS_FWP_* codes (5.3)", function()
      assert.are.equal(21, errors.to_win32(0xC0220100))
      assert.are.equal(995, errors.to_win32(0xC0220101))
      assert.are.equal(1237, errors.to_win32(0xC0220102))
      assert.are.equal(4317, errors.to_win32(0xC0220103))
      assert.are.equal(hex(0xD0220100), hex(errors.to_hresult(0xC0220100)))
    end)
    it("maps undefined FWP statuses to 317", function()
      assert.are.equal(317, errors.to_win32(0xC0220045))
      assert.are.equal(317, errors.to_win32(0xC02200FF))
    end)
    it("knows the mingw-w64 spellings as aliases (5.2)", function()
      assert.are.equal(0xC0220018, core.STATUS_FWP_TOO_MANY_BOOTTIME_FILTERS)
      assert.are.equal("STATUS_FWP_TOO_MANY_CALLOUTS",
        errors.lookup("STATUS_FWP_TOO_MANY_BOOTTIME_FILTERS").name)
      assert.are.equal(0xC0220038, errors.lookup("STATUS_FWP_INCOMPATIBLE_AUTH_CONFIG").value)
      assert.are.equal(0xC0220039, errors.lookup("STATUS_FWP_INCOMPATIBLE_CIPHER_CONFIG").value)
      assert.are.same({ "STATUS_FWP_TOO_MANY_CALLOUTS", "STATUS_FWP_TOO_MANY_BOOTTIME_FILTERS" },
        errors.lookup(0xC0220018).names)
    end)
  end)

  describe("NTSTATUS -> Win32 (5.6)", function()
    it("has the 29 rows of the table", function() assert.are.equal(29, #T56) end)
    for _, row in ipairs(T56) do
      local nt_name, nt, w_name, w, hr = row[1], row[2], row[3], row[4], row[5]
      it(nt_name .. " -> " .. w_name, function()
        assert.are.equal(nt, core[nt_name])
        assert.are.equal(w, core[w_name])
        assert.are.equal(w, errors.to_win32(nt))
        assert.are.equal(w, errors.lookup(nt_name).win32)
        assert.are.equal("WIN32", errors.lookup(w_name).kind)
        assert.are.equal(hex(hr), hex(errors.hresult_from_win32(w)))
        assert.are.equal(hex(hr), hex(errors.to_hresult(w, "WIN32")))
        assert.are.equal(hex(hr), hex(errors.lookup(w_name).hresult))
      end)
    end
  end)

  describe("NTSTATUS -> Win32 (A.1, 4.6, 5.3, 5.5, 5.6 also)", function()
    for _, row in ipairs(A1) do
      local nt_name, nt, w_name, w = row[1], row[2], row[3], row[4]
      it(nt_name .. " -> " .. w_name, function()
        assert.are.equal(nt, core[nt_name])
        assert.are.equal(w, core[w_name])
        assert.are.equal(w, errors.to_win32(nt))
        assert.are.equal(nt_name, errors.name(nt, "NTSTATUS"))
        assert.are.equal(w_name, errors.name(w, "WIN32"))
      end)
    end
  end)

  describe("RPC codes (5.5)", function()
    it("has all 53 RPC_E_* HRESULTs, and only those in the range", function()
      assert.are.equal(53, #RPC_E)
      for _, row in ipairs(RPC_E) do
        assert.are.equal(row[2], core[row[1]])
        assert.are.equal(row[1], errors.lookup(row[2]).name)
        assert.are.equal("RPC", errors.lookup(row[2]).facility_name)
      end
      local n = 0
      for _, e in ipairs(errors.list()) do
        if e.kind == "HRESULT" and e.value >= 0x80010001 and e.value <= 0x80010122 then n = n + 1 end
      end
      assert.are.equal(53, n)
    end)
    it("spells 0x80010115/0x80010116 RPC_S_CALLPENDING / RPC_S_WAITONTIMER", function()
      assert.are.equal(0x80010115, core.RPC_S_CALLPENDING)
      assert.are.equal(0x80010116, core.RPC_S_WAITONTIMER)
    end)
    it("has the Win32 RPC codes", function()
      for _, row in ipairs(RPC_WIN32) do
        assert.are.equal(row[2], core[row[1]])
        assert.are.equal(row[1], errors.lookup(row[2], "WIN32").name)
      end
    end)
    it("maps RPC_NT_INVALID_BINDING to 6, not 1702", function()
      assert.are.equal(6, errors.to_win32(0xC0020003))
    end)
    it("has EPT_NT_NOT_REGISTERED", function()
      assert.are.equal(0xC0020036, core.EPT_NT_NOT_REGISTERED)
    end)
  end)

  describe("formulas (5.1)", function()
    it("HRESULT_FROM_WIN32", function()
      assert.are.equal(hex(0x80070005), hex(errors.hresult_from_win32(5)))
      assert.are.equal(hex(0x800706D9), hex(errors.hresult_from_win32(1753)))
      assert.are.equal(hex(0x800706BA), hex(errors.hresult_from_win32(1722)))
      assert.are.equal(0, errors.hresult_from_win32(0))
      assert.are.equal(hex(0x80320001), hex(errors.hresult_from_win32(0x80320001)))
      assert.are.equal(hex(0x800706D9), hex(errors.to_hresult("EPT_S_NOT_REGISTERED")))
    end)
    it("HRESULT_FROM_NT", function()
      assert.are.equal(hex(0xD0000022), hex(errors.hresult_from_nt(0xC0000022)))
      assert.are.equal(hex(0xD022000E), hex(errors.hresult_from_nt(0xC022000E)))
      assert.are_not.equal(0x8032000E, errors.hresult_from_nt(0xC022000E))
      assert.are.equal(hex(0xD0000022), hex(errors.to_hresult(core.STATUS_ACCESS_DENIED, "NTSTATUS")))
      assert.are.equal(0, errors.to_hresult(0, "NTSTATUS"))
    end)
    it("RtlNtStatusToDosError special cases", function()
      assert.are.equal(0, errors.to_win32(0))
      assert.are.equal(0xE0001234, errors.to_win32(0xE0001234))
      assert.are.equal(5, errors.to_win32(0xD0000022))
      assert.are.equal(5, errors.to_win32(0xC0070005))
      assert.are.equal(87, errors.to_win32(0x80070057))
      assert.are.equal(2, errors.to_win32(0xC0010002))
      assert.are.equal(317, errors.to_win32(0xC000FFFF))
      assert.are.equal(0x8032000E, errors.to_win32(0xD022000E))
    end)
    it("from_hresult", function()
      assert.are.same({ 5, "WIN32" }, { errors.from_hresult(0x80070005) })
      assert.are.same({ 0xC0000022, "NTSTATUS" }, { errors.from_hresult(0xD0000022) })
      assert.are.same({ 0xC022000E, "NTSTATUS" }, { errors.from_hresult(0x8032000E) })
      assert.are.same({ 0x80010105, "HRESULT" }, { errors.from_hresult(0x80010105) })
      assert.are.same({ 0, "WIN32" }, { errors.from_hresult(0) })
    end)
  end)

  describe("lookup", function()
    it("round-trips every name of every entry", function()
      local list = errors.list()
      assert.is_true(#list > 300)
      for _, e in ipairs(list) do
        assert.are.equal(e.name, e.names[1])
        for _, n in ipairs(e.names) do
          local got = errors.lookup(n)
          assert.are.same({ e.value, e.kind, e.name }, { got.value, got.kind, got.name })
          assert.are.equal(e.value, core[n])
        end
        assert.are.equal(e.name, errors.lookup(e.value, e.kind).name)
        assert.is_string(e.message)
        assert.is_true(#e.message > 0)
      end
    end)
    it("prefers NTSTATUS, then HRESULT, then Win32 for bare numbers", function()
      assert.are.equal("STATUS_SUCCESS", errors.lookup(0).name)
      assert.are.equal("STATUS_PENDING", errors.lookup(0x103).name)
      assert.are.equal("ERROR_NO_MORE_ITEMS", errors.lookup(0x103, "WIN32").name)
      assert.are.equal("ERROR_ACCESS_DENIED", errors.lookup(5).name)
      assert.are.equal("E_ACCESSDENIED", errors.lookup(0x80070005).name)
      assert.are.equal("FWP_E_WRONG_SESSION", errors.lookup(0x8032000C).name)
    end)
    it("accepts negative int32 readings", function()
      assert.are.equal("STATUS_ACCESS_DENIED", errors.lookup(0xC0000022 - 0x100000000).name)
    end)
    it("fills severity, facility, win32 and hresult", function()
      local e = errors.lookup("STATUS_ACCESS_DENIED")
      assert.are.same({ "ERROR", 0, "NULL", 5, 0xD0000022 },
        { e.severity, e.facility, e.facility_name, e.win32, e.hresult })
      e = errors.lookup("STATUS_BUFFER_OVERFLOW")
      assert.are.same({ "WARNING", 234 }, { e.severity, e.win32 })
      e = errors.lookup("RPC_NT_SS_IN_NULL_CONTEXT")
      assert.are.same({ 3, "RPC_STUBS", 6 }, { e.facility, e.facility_name, e.win32 })
      e = errors.lookup("FWP_E_WRONG_SESSION")
      assert.are.same({ "ERROR", 0x32, 0x8032000C, 0x8032000C },
        { e.severity, e.facility, e.win32, e.hresult })
      assert.is_nil(errors.lookup("RPC_E_FAULT").win32)
    end)
    it("returns nil for unknown codes and names", function()
      assert.is_nil(errors.lookup(0xC0001234))
      assert.is_nil(errors.lookup("STATUS_NO_SUCH_THING"))
      assert.is_nil(errors.lookup("status_access_denied"))
      assert.is_nil(errors.lookup("STATUS_ACCESS_DENIED", "WIN32"))
      assert.is_nil(errors.name(0xC0001234))
    end)
    it("raises on bad arguments", function()
      assert.has_error(function() errors.lookup({}) end)
      assert.has_error(function() errors.lookup(0x100000000) end)
      assert.has_error(function() errors.lookup(5, "BOGUS") end)
      assert.has_error(function() errors.to_win32("x") end)
      assert.has_error(function() core._errors.lookup(5, "BOGUS") end)
      assert.has_error(function() core._errors.nt_to_win32(1.5) end)
    end)
  end)

  describe("error objects", function()
    it("prints as NAME (0x%08X): message", function()
      local e = errors.new(core.STATUS_ACCESS_DENIED, "set")
      local msg = errors.lookup("STATUS_ACCESS_DENIED").message
      assert.are.equal("STATUS_ACCESS_DENIED (0xC0000022): " .. msg, tostring(e))
      assert.are.equal("ntsec.error", getmetatable(e).__name)
      assert.are.same({ 0xC0000022, "NTSTATUS", "STATUS_ACCESS_DENIED", 0xC0000022, 5, 0xD0000022, "set" },
        { e.code, e.kind, e.name, e.ntstatus, e.win32, e.hresult, e.op })
      assert.is_true(errors.is_error(e))
      assert.is_false(errors.is_error({}))
      assert.is_false(errors.is_error("STATUS_ACCESS_DENIED"))
    end)
    it("reads user-mode DWORDs (Win32 or FWP_E_*)", function()
      local e = errors.new(5, "open", "USER")
      assert.are.same({ "ERROR_ACCESS_DENIED", "WIN32", 5, 0x80070005 }, { e.name, e.kind, e.win32, e.hresult })
      assert.is_nil(e.ntstatus)
      e = errors.new(0x8032000C, "set", "USER")
      assert.are.same({ "FWP_E_WRONG_SESSION", "HRESULT", 0xC022000C, 0x8032000C, 0x8032000C },
        { e.name, e.kind, e.ntstatus, e.win32, e.hresult })
      assert.are.equal("ERROR_SUCCESS", errors.new(0, nil, "USER").name)
      assert.are.equal("EPT_S_NOT_REGISTERED", errors.new(1753, nil, "USER").name)
    end)
    it("takes names and explicit kinds", function()
      local e = errors.new("STATUS_FWP_TXN_IN_PROGRESS")
      assert.are.same({ 0xC022000E, 0x8032000E, 0x8032000E }, { e.code, e.win32, e.hresult })
      assert.are.equal("ERROR_NO_MORE_ITEMS", errors.new(0x103, nil, "WIN32").name)
      assert.are.equal("STATUS_PENDING", errors.new(0x103).name)
      e = errors.new(0xD0000022, nil, "HRESULT")
      assert.are.same({ 0xC0000022, 5 }, { e.ntstatus, e.win32 })
    end)
    it("names unknown codes without failing", function()
      local e = errors.new(0xC0001234, "x")
      assert.are.equal("UNKNOWN_STATUS", e.name)
      assert.are.equal(317, e.win32)
      assert.matches("^UNKNOWN_STATUS %(0xC0001234%): ", tostring(e))
      assert.are.equal("UNKNOWN_ERROR", errors.new(0x1234).name)
      assert.are.equal("UNKNOWN_HRESULT", errors.new(0x80041234).name)
    end)
    it("raises on bad codes", function()
      assert.has_error(function() errors.new(nil) end)
      assert.has_error(function() errors.new("NOT_A_CODE") end)
      assert.has_error(function() errors.new(5, nil, "BOGUS") end)
    end)
  end)

  describe("binding failures (src/lua/nl_result.c)", function()
    it("are nil plus the same error object errors.new builds", function()
      local v, err = core.sid("S-1-bogus")
      assert.is_nil(v)
      assert.is_true(errors.is_error(err))
      assert.are.equal(getmetatable(errors.new(5)), getmetatable(err))
      assert.are.same({ 0xC0000078, "NTSTATUS", "STATUS_INVALID_SID", 0xC0000078, 1337, 0xD0000078, "sid" },
        { err.code, err.kind, err.name, err.ntstatus, err.win32, err.hresult, err.op })
      assert.are.equal("STATUS_INVALID_SID (0xC0000078): " .. errors.lookup("STATUS_INVALID_SID").message,
        tostring(err))
      assert.are.equal(errors.new("STATUS_INVALID_SID"), err)     -- __eq compares codes
      assert.are_not.equal(errors.new("STATUS_ACCESS_DENIED"), err)
      assert.are.equal("error", require("ntsec").type(err))
    end)
    it("carry the parse offset", function()
      local v, err = core.sd_from_sddl("O:SYG:SYD:(A;;GA;;;SY")
      assert.is_nil(v)
      assert.are.equal("integer", math.type(err.offset))
      assert.is_true(err.offset >= 0 and err.offset <= #"O:SYG:SYD:(A;;GA;;;SY")
      assert.is_nil(errors.new(5).offset)
    end)
  end)
end)
