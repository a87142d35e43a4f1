/*
** ace_types.c: the rows of the ACE type table (ace_types.h), generated from
** the X-macro at compile time; nothing is initialised at run time.
*/
#include "ace_types.h"

/* The table's short kind names, only while it is expanded here. */
#define NONE 0u
#define ALLOW NTSEC_ACE_K_ALLOW
#define DENY NTSEC_ACE_K_DENY
#define CALLBACK NTSEC_ACE_K_CALLBACK
#define SACL NTSEC_ACE_K_SACL
#define SIZE4 NTSEC_ACE_K_SIZE4
#define LABEL NTSEC_ACE_K_LABEL
#define TP NTSEC_ACE_K_TP
#define SAME NTSEC_ACE_SAME

#define ROW(code, name, c1, c2, body, tail, kinds, guidless, selector) \
    [code] = { #name, { c1, c2, 0 }, NTSEC_ACE_BODY_##body, NTSEC_ACE_TAIL_##tail, \
               (uint8_t)(kinds), guidless, selector##_SECURITY_INFORMATION },

const ntsec_ace_type_info ntsec_ace_type_rows[NTSEC_ACE_TYPE_COUNT + 1] = {
    NTSEC_ACE_TYPE_TABLE(ROW)
    [NTSEC_ACE_TYPE_COUNT] = { "UNKNOWN", { 0, 0, 0 }, NTSEC_ACE_BODY_OPAQUE, NTSEC_ACE_TAIL_NONE, 0,
                               NTSEC_ACE_SAME, SACL_SECURITY_INFORMATION },
};

#undef ROW

#define BODY(code, name, c1, c2, body, ...) [code] = NTSEC_ACE_BODY_##body,
const uint8_t ntsec_ace_body_by_type[256] = {
    NTSEC_ACE_TYPE_TABLE(BODY)
};
#undef BODY

typedef char opaque_is_zero[NTSEC_ACE_BODY_OPAQUE == 0 ? 1 : -1];

/* Every code's name matches secdefs.h (a wrong row fails to compile). */
#define SAME_CODE(code, name, ...) typedef char check_##name[(code) == name##_ACE_TYPE ? 1 : -1];
NTSEC_ACE_TYPE_TABLE(SAME_CODE)
#undef SAME_CODE

uint32_t ntsec_ace_types_selected(SECURITY_INFORMATION si)
{
    uint32_t types = 0;
    unsigned t;
    for (t = 0; t < NTSEC_ACE_TYPE_COUNT; t++)
        if (ntsec_ace_type_rows[t].selector & si) types |= 1u << t;
    return types;
}
