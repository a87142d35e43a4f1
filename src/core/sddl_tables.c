/*
** sddl_tables.c: SDDL vocabularies (sd_semantics.md 1.3-1.5, 2.4-2.7).
**
** Every two-letter vocabulary is a constant 26x26 table built with
** designated initializers, so parsing a token is a single array access and
** nothing is initialised at run time. The SID alias list is one X-macro
** from which both the forward table and its key index are generated; the
** reverse direction (SID -> alias, used when printing) is a switch on the
** SID's shape, checked against the forward table by tests/sddl_test.c.
*/
#include <string.h>

#include "ace_types.h"

#include "sddl_tables.h"
#include "secdefs.h"

#define KEY(a, b) (((a) - 'A') * 26 + ((b) - 'A'))

/* ---- rights (1.5, 2.6) ---- */

const uint32_t sddl_rights_table[26 * 26] = {
    [KEY('G', 'A')] = GENERIC_ALL,      [KEY('G', 'R')] = GENERIC_READ,
    [KEY('G', 'W')] = GENERIC_WRITE,    [KEY('G', 'X')] = GENERIC_EXECUTE,
    [KEY('R', 'C')] = READ_CONTROL,     [KEY('S', 'D')] = DELETE,
    [KEY('W', 'D')] = WRITE_DAC,        [KEY('W', 'O')] = WRITE_OWNER,
    [KEY('R', 'P')] = 0x10,             [KEY('W', 'P')] = 0x20,
    [KEY('C', 'C')] = 0x1,              [KEY('D', 'C')] = 0x2,
    [KEY('L', 'C')] = 0x4,              [KEY('S', 'W')] = 0x8,
    [KEY('L', 'O')] = 0x80,             [KEY('D', 'T')] = 0x40,
    [KEY('C', 'R')] = 0x100,
    [KEY('F', 'A')] = FILE_ALL_ACCESS,  [KEY('F', 'R')] = FILE_GENERIC_READ,
    [KEY('F', 'W')] = FILE_GENERIC_WRITE, [KEY('F', 'X')] = FILE_GENERIC_EXECUTE,
    [KEY('K', 'A')] = 0x000F003Fu,      [KEY('K', 'R')] = 0x00020019u,
    [KEY('K', 'W')] = 0x00020006u,      [KEY('K', 'X')] = 0x00020019u,
    [KEY('N', 'R')] = 0x2,              [KEY('N', 'W')] = 0x1,
    [KEY('N', 'X')] = 0x4,
};

/* ---- ACE flags (1.3, 2.5) ---- */

const uint8_t sddl_flag_table[26 * 26] = {
    [KEY('O', 'I')] = OBJECT_INHERIT_ACE,   [KEY('C', 'I')] = CONTAINER_INHERIT_ACE,
    [KEY('N', 'P')] = NO_PROPAGATE_INHERIT_ACE, [KEY('I', 'O')] = INHERIT_ONLY_ACE,
    [KEY('I', 'D')] = INHERITED_ACE,        [KEY('S', 'A')] = SUCCESSFUL_ACCESS_ACE_FLAG,
    [KEY('F', 'A')] = FAILED_ACCESS_ACE_FLAG, [KEY('C', 'R')] = CRITICAL_ACE_FLAG,
    [KEY('T', 'P')] = 0x40,
};

/* ---- ACE types (1.4, 2.4) ---- */

/* Type + 1 by SDDL code (0 = none), generated from the ACE type table
** (ace_types.h): two-letter codes at their key, one-letter codes at
** 26 * 26 + letter; a row without a code writes a slot of its own past
** those, so no slot is written twice. */
#define ONE_LETTER(c) (26 * 26 + ((c) - 'A'))
#define NO_CODE(code) (26 * 26 + 26 + (code))
#define TYPE_BY_CODE(code, name, c1, c2, ...) \
    [(c2) ? KEY(c1, c2) : (c1) ? ONE_LETTER(c1) : NO_CODE(code)] = (code) + 1,
static const uint8_t type_by_key[26 * 26 + 26 + NTSEC_ACE_TYPE_COUNT] = {
    NTSEC_ACE_TYPE_TABLE(TYPE_BY_CODE)
};
#undef TYPE_BY_CODE

int sddl_ace_type_from_code(const char *s, size_t len)
{
    if (len == 1) {
        unsigned c = (unsigned)((unsigned char)s[0] & ~0x20u) - 'A';
        return c < 26 && type_by_key[ONE_LETTER('A') + c] ? type_by_key[ONE_LETTER('A') + c] - 1 : -1;
    }
    if (len == 2) {
        int key = sddl_key(s[0], s[1]);
        if (key >= 0 && type_by_key[key]) return type_by_key[key] - 1;
    }
    return -1;
}

const char *sddl_ace_type_code(uint8_t type)
{
    const char *code = ntsec_ace_type(type)->sddl;
    return code[0] ? code : NULL;
}

int sddl_ace_type_sacl_only(uint8_t type)
{
    return ntsec_ace_type_has(type, NTSEC_ACE_K_SACL);
}

/* ---- SID aliases (2.7) ---- */

enum alias_kind { FIXED, MACHINE, DOMAIN, FOREST };

/* X(id, letter1, letter2, kind, authority, count, sub...). For relative
** kinds the single sub is the RID appended to the context SID. */
#define SDDL_ALIASES(X) \
    X(WD, 'W', 'D', FIXED, 1, 1, 0) \
    X(CO, 'C', 'O', FIXED, 3, 1, 0) \
    X(CG, 'C', 'G', FIXED, 3, 1, 1) \
    X(OW, 'O', 'W', FIXED, 3, 1, 4) \
    X(NU, 'N', 'U', FIXED, 5, 1, 2) \
    X(IU, 'I', 'U', FIXED, 5, 1, 4) \
    X(SU, 'S', 'U', FIXED, 5, 1, 6) \
    X(AN, 'A', 'N', FIXED, 5, 1, 7) \
    X(ED, 'E', 'D', FIXED, 5, 1, 9) \
    X(PS, 'P', 'S', FIXED, 5, 1, 10) \
    X(AU, 'A', 'U', FIXED, 5, 1, 11) \
    X(RC, 'R', 'C', FIXED, 5, 1, 12) \
    X(SY, 'S', 'Y', FIXED, 5, 1, 18) \
    X(LS, 'L', 'S', FIXED, 5, 1, 19) \
    X(NS, 'N', 'S', FIXED, 5, 1, 20) \
    X(WR, 'W', 'R', FIXED, 5, 1, 33) \
    X(AC, 'A', 'C', FIXED, 15, 2, 2, 1) \
    X(LW, 'L', 'W', FIXED, 16, 1, 4096) \
    X(ME, 'M', 'E', FIXED, 16, 1, 8192) \
    X(MP, 'M', 'P', FIXED, 16, 1, 8448) \
    X(HI, 'H', 'I', FIXED, 16, 1, 12288) \
    X(SI, 'S', 'I', FIXED, 16, 1, 16384) \
    X(AS, 'A', 'S', FIXED, 18, 1, 1) \
    X(SS, 'S', 'S', FIXED, 18, 1, 2) \
    X(UD, 'U', 'D', FIXED, 5, 6, 84, 0, 0, 0, 0, 0) \
    X(BA, 'B', 'A', FIXED, 5, 2, 32, 544) \
    X(BU, 'B', 'U', FIXED, 5, 2, 32, 545) \
    X(BG, 'B', 'G', FIXED, 5, 2, 32, 546) \
    X(PU, 'P', 'U', FIXED, 5, 2, 32, 547) \
    X(AO, 'A', 'O', FIXED, 5, 2, 32, 548) \
    X(SO, 'S', 'O', FIXED, 5, 2, 32, 549) \
    X(PO, 'P', 'O', FIXED, 5, 2, 32, 550) \
    X(BO, 'B', 'O', FIXED, 5, 2, 32, 551) \
    X(RE, 'R', 'E', FIXED, 5, 2, 32, 552) \
    X(RU, 'R', 'U', FIXED, 5, 2, 32, 554) \
    X(RD, 'R', 'D', FIXED, 5, 2, 32, 555) \
    X(NO, 'N', 'O', FIXED, 5, 2, 32, 556) \
    X(MU, 'M', 'U', FIXED, 5, 2, 32, 558) \
    X(LU, 'L', 'U', FIXED, 5, 2, 32, 559) \
    X(IS, 'I', 'S', FIXED, 5, 2, 32, 568) \
    X(CY, 'C', 'Y', FIXED, 5, 2, 32, 569) \
    X(ER, 'E', 'R', FIXED, 5, 2, 32, 573) \
    X(CD, 'C', 'D', FIXED, 5, 2, 32, 574) \
    X(RA, 'R', 'A', FIXED, 5, 2, 32, 575) \
    X(ES, 'E', 'S', FIXED, 5, 2, 32, 576) \
    X(MS, 'M', 'S', FIXED, 5, 2, 32, 577) \
    X(HA, 'H', 'A', FIXED, 5, 2, 32, 578) \
    X(AA, 'A', 'A', FIXED, 5, 2, 32, 579) \
    X(RM, 'R', 'M', FIXED, 5, 2, 32, 580) \
    X(HO, 'H', 'O', FIXED, 5, 2, 32, 584) \
    X(SH, 'S', 'H', FIXED, 5, 2, 32, 585) \
    X(LA, 'L', 'A', MACHINE, 0, 1, 500) \
    X(LG, 'L', 'G', MACHINE, 0, 1, 501) \
    X(DA, 'D', 'A', DOMAIN, 0, 1, 512) \
    X(DU, 'D', 'U', DOMAIN, 0, 1, 513) \
    X(DG, 'D', 'G', DOMAIN, 0, 1, 514) \
    X(DC, 'D', 'C', DOMAIN, 0, 1, 515) \
    X(DD, 'D', 'D', DOMAIN, 0, 1, 516) \
    X(CA, 'C', 'A', DOMAIN, 0, 1, 517) \
    X(SA, 'S', 'A', FOREST, 0, 1, 518) \
    X(EA, 'E', 'A', FOREST, 0, 1, 519) \
    X(PA, 'P', 'A', DOMAIN, 0, 1, 520) \
    X(CN, 'C', 'N', DOMAIN, 0, 1, 522) \
    X(AP, 'A', 'P', DOMAIN, 0, 1, 525) \
    X(KA, 'K', 'A', DOMAIN, 0, 1, 526) \
    X(EK, 'E', 'K', FOREST, 0, 1, 527) \
    X(RO, 'R', 'O', FOREST, 0, 1, 498) \
    X(RS, 'R', 'S', DOMAIN, 0, 1, 553)

typedef struct sid_alias {
    char code[3];
    uint8_t kind;
    uint8_t authority;
    uint8_t count;
    uint32_t sub[6];
} sid_alias;

enum alias_id {
#define X(id, a, b, kind, auth, n, ...) ALIAS_##id,
    SDDL_ALIASES(X)
#undef X
    ALIAS_COUNT
};

static const sid_alias aliases[ALIAS_COUNT] = {
#define X(id, a, b, kind, auth, n, ...) { #id, kind, auth, n, { __VA_ARGS__ } },
    SDDL_ALIASES(X)
#undef X
};

/* Alias id + 1 by two-letter key (0 = not an alias). */
static const uint8_t alias_by_key[26 * 26] = {
#define X(id, a, b, kind, auth, n, ...) [KEY(a, b)] = ALIAS_##id + 1,
    SDDL_ALIASES(X)
#undef X
};

size_t sddl_alias_count(void) { return ALIAS_COUNT; }
const char *sddl_alias_code(size_t i) { return i < ALIAS_COUNT ? aliases[i].code : NULL; }

static const uint8_t *context_sid(uint8_t kind, const ntsec_sid_ctx *ctx)
{
    if (!ctx) return NULL;
    if (kind == MACHINE) return ctx->machine_sid;
    if (kind == FOREST && ctx->forest_sid) return ctx->forest_sid;
    return ctx->domain_sid;
}

static size_t write_fixed(const sid_alias *a, uint8_t out[68])
{
    unsigned i;
    memset(out, 0, 8);
    out[0] = SID_REVISION;
    out[1] = a->count;
    out[7] = a->authority;
    for (i = 0; i < a->count; i++) ntsec_wr32(out + 8 + 4 * i, a->sub[i]);
    return 8u + 4u * a->count;
}

int sddl_alias_to_sid(int key, const ntsec_sid_ctx *ctx, uint8_t out[68], size_t *len)
{
    const sid_alias *a;
    const uint8_t *base;
    size_t n;
    if (key < 0 || !alias_by_key[key]) return 0;
    a = &aliases[alias_by_key[key] - 1];
    if (a->kind == FIXED) {
        *len = write_fixed(a, out);
        return 1;
    }
    base = context_sid(a->kind, ctx);
    if (!base || base[1] >= SID_MAX_SUB_AUTHORITIES) return -1;
    n = ntsec_sid_len(base);
    memcpy(out, base, n);
    out[1] = (uint8_t)(base[1] + 1);
    ntsec_wr32(out + n, a->sub[0]);
    *len = n + 4;
    return 1;
}

/* ---- reverse lookup ---- */

static int alias_auth5_single(uint32_t rid)
{
    switch (rid) {
    case 2: return ALIAS_NU;   case 4: return ALIAS_IU;   case 6: return ALIAS_SU;
    case 7: return ALIAS_AN;   case 9: return ALIAS_ED;   case 10: return ALIAS_PS;
    case 11: return ALIAS_AU;  case 12: return ALIAS_RC;  case 18: return ALIAS_SY;
    case 19: return ALIAS_LS;  case 20: return ALIAS_NS;  case 33: return ALIAS_WR;
    default: return -1;
    }
}

static int alias_builtin(uint32_t rid)
{
    switch (rid) {
    case 544: return ALIAS_BA; case 545: return ALIAS_BU; case 546: return ALIAS_BG;
    case 547: return ALIAS_PU; case 548: return ALIAS_AO; case 549: return ALIAS_SO;
    case 550: return ALIAS_PO; case 551: return ALIAS_BO; case 552: return ALIAS_RE;
    case 554: return ALIAS_RU; case 555: return ALIAS_RD; case 556: return ALIAS_NO;
    case 558: return ALIAS_MU; case 559: return ALIAS_LU; case 568: return ALIAS_IS;
    case 569: return ALIAS_CY; case 573: return ALIAS_ER; case 574: return ALIAS_CD;
    case 575: return ALIAS_RA; case 576: return ALIAS_ES; case 577: return ALIAS_MS;
    case 578: return ALIAS_HA; case 579: return ALIAS_AA; case 580: return ALIAS_RM;
    case 584: return ALIAS_HO; case 585: return ALIAS_SH;
    default: return -1;
    }
}

static int alias_single(uint8_t auth, uint32_t rid)
{
    switch (auth) {
    case 1: return rid == 0 ? ALIAS_WD : -1;
    case 3: return rid == 0 ? ALIAS_CO : rid == 1 ? ALIAS_CG : rid == 4 ? ALIAS_OW : -1;
    case 5: return alias_auth5_single(rid);
    case 16:
        switch (rid) {
        case 4096: return ALIAS_LW;  case 8192: return ALIAS_ME;  case 8448: return ALIAS_MP;
        case 12288: return ALIAS_HI; case 16384: return ALIAS_SI; default: return -1;
        }
    case 18: return rid == 1 ? ALIAS_AS : rid == 2 ? ALIAS_SS : -1;
    default: return -1;
    }
}

/* Fixed alias of a SID with a small authority, by shape. */
static int alias_fixed(const uint8_t *sid)
{
    uint8_t auth = sid[7];
    const uint8_t *sub = sid + 8;
    if (sid[2] | sid[3] | sid[4] | sid[5] | sid[6]) return -1;
    switch (sid[1]) {
    case 1:
        return alias_single(auth, ntsec_rd32(sub));
    case 2:
        if (auth == 5 && ntsec_rd32(sub) == 32) return alias_builtin(ntsec_rd32(sub + 4));
        if (auth == 15 && ntsec_rd32(sub) == 2 && ntsec_rd32(sub + 4) == 1) return ALIAS_AC;
        return -1;
    case 6:
        if (auth == 5 && ntsec_rd32(sub) == 84 && !ntsec_rd32(sub + 4) && !ntsec_rd32(sub + 8)
            && !ntsec_rd32(sub + 12) && !ntsec_rd32(sub + 16) && !ntsec_rd32(sub + 20))
            return ALIAS_UD;
        return -1;
    default:
        return -1;
    }
}

static int alias_relative_rid(uint32_t rid)
{
    switch (rid) {
    case 500: return ALIAS_LA; case 501: return ALIAS_LG; case 512: return ALIAS_DA;
    case 513: return ALIAS_DU; case 514: return ALIAS_DG; case 515: return ALIAS_DC;
    case 516: return ALIAS_DD; case 517: return ALIAS_CA; case 518: return ALIAS_SA;
    case 519: return ALIAS_EA; case 520: return ALIAS_PA; case 522: return ALIAS_CN;
    case 525: return ALIAS_AP; case 526: return ALIAS_KA; case 527: return ALIAS_EK;
    case 498: return ALIAS_RO; case 553: return ALIAS_RS;
    default: return -1;
    }
}

/* Context-relative alias: sid == context SID + RID of the alias. */
static int alias_relative(const uint8_t *sid, const ntsec_sid_ctx *ctx)
{
    const uint8_t *base;
    int id;
    if (!ctx || sid[1] == 0) return -1;
    id = alias_relative_rid(ntsec_rd32(sid + 8 + 4 * (sid[1] - 1)));
    if (id < 0) return -1;
    base = context_sid(aliases[id].kind, ctx);
    if (!base || base[1] + 1 != sid[1]) return -1;
    return memcmp(base + 2, sid + 2, 6 + 4 * (size_t)base[1]) == 0 ? id : -1;
}

const char *sddl_alias_of_sid(const uint8_t *sid, const ntsec_sid_ctx *ctx)
{
    int id = alias_fixed(sid);
    if (id < 0) id = alias_relative(sid, ctx);
    return id < 0 ? NULL : aliases[id].code;
}

/* ---- conditional-expression operators (2.11) ---- */

typedef struct cond_op {
    uint8_t code;
    uint8_t kind;       /* SDDL_OP_* */
    const char *name;   /* as Windows prints it */
} cond_op;

static const cond_op cond_ops[] = {
    { 0x80, SDDL_OP_RELATIONAL, "==" },  { 0x81, SDDL_OP_RELATIONAL, "!=" },
    { 0x82, SDDL_OP_RELATIONAL, "<" },   { 0x83, SDDL_OP_RELATIONAL, "<=" },
    { 0x84, SDDL_OP_RELATIONAL, ">" },   { 0x85, SDDL_OP_RELATIONAL, ">=" },
    { 0x86, SDDL_OP_CONTAINS, "Contains" },
    { 0x87, SDDL_OP_EXISTS, "Exists" },
    { 0x88, SDDL_OP_CONTAINS, "Any_of" },
    { 0x89, SDDL_OP_MEMBER, "Member_of" },
    { 0x8A, SDDL_OP_MEMBER, "Device_Member_of" },
    { 0x8B, SDDL_OP_MEMBER, "Member_of_any" },
    { 0x8C, SDDL_OP_MEMBER, "Device_Member_of_Any" },
    { 0x8D, SDDL_OP_EXISTS, "Not_Exists" },
    { 0x8E, SDDL_OP_CONTAINS, "Not_Contains" },
    { 0x8F, SDDL_OP_CONTAINS, "Not_Any_of" },
    { 0x90, SDDL_OP_MEMBER, "Not_Member_of" },
    { 0x91, SDDL_OP_MEMBER, "Not_Device_Member_of" },
    { 0x92, SDDL_OP_MEMBER, "Not_Member_of_Any" },
    { 0x93, SDDL_OP_MEMBER, "Not_Device_Member_of_Any" },
    { 0xA0, SDDL_OP_LOGICAL, "&&" },     { 0xA1, SDDL_OP_LOGICAL, "||" },
    { 0xA2, SDDL_OP_NOT, "!" },
};

#define COND_OP_COUNT (sizeof cond_ops / sizeof cond_ops[0])

static const cond_op *cond_op_of(uint8_t code)
{
    if (code >= 0x80 && code <= 0x93) return &cond_ops[code - 0x80];
    if (code >= 0xA0 && code <= 0xA2) return &cond_ops[code - 0xA0 + 20];
    return NULL;
}

int sddl_cond_op_kind(uint8_t code)
{
    const cond_op *op = cond_op_of(code);
    return op ? op->kind : 0;
}

const char *sddl_cond_op_name(uint8_t code)
{
    const cond_op *op = cond_op_of(code);
    return op ? op->name : NULL;
}

static int same_word(const char *s, size_t n, const char *name)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (!name[i] || (s[i] | 0x20) != (name[i] | 0x20)) return 0;
    return name[n] == 0;
}

int sddl_cond_op_from_word(const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < COND_OP_COUNT; i++) {
        const cond_op *op = &cond_ops[i];
        if (op->kind >= SDDL_OP_CONTAINS && op->kind <= SDDL_OP_EXISTS && same_word(s, n, op->name))
            return op->code;
    }
    return -1;
}
