/*
** nl_xml_items.c: streaming XML items for the netsh importer (nl_xml.h).
** Expat parses from C; Lua sees only the items it asked for, one subtree at
** a time, so a dump of any size costs one item's tables plus expat's buffer
** (issue 11: the element-tree importer took 1.35 GB on a 157 MB dump).
** Element paths are matched with a small trie built from spec.items.
*/
#include <expat.h>
#include <stdlib.h>
#include <string.h>

#include "nl_xml.h"
#include "status.h"
#include "wfp_classify.h"

#define MAX_NODES 64              /* trie nodes: path segments of spec.items */
#define NAME_BYTES 2048           /* their names */
#define MAX_DEPTH 256             /* element nesting (netsh: about 10) */
#define MSG_BYTES 512

typedef struct trie_node {
    const char *name;             /* in names[] */
    int parent, kind;             /* kind: index in the kinds table, 0 = no item */
} trie_node;

typedef struct frame {
    int node;                     /* trie node, -1 off the spec's paths */
    size_t name_start;            /* its tag in tags[] */
    unsigned long line;
} frame;

struct elem;

typedef struct buf {
    char *p;
    size_t len, cap;
} buf;

typedef struct xml_state {
    lua_State *L;
    XML_Parser parser;
    trie_node nodes[MAX_NODES];
    int n_nodes;
    char names[NAME_BYTES];
    size_t names_len;
    frame frames[MAX_DEPTH];
    size_t depth, capture;        /* capture: depth of the item being read, 0 = none */
    buf tags;                     /* open elements' tags (messages) */
    struct elem *elems;           /* the current item's elements */
    size_t n_elems, elems_cap;
    int cur;                      /* its open element */
    buf item_tags, text;          /* their tags and texts */
    int done, failed, nomem, view_valid;
    int kinds_idx, on_item_idx, chunk_idx, view_idx;   /* absolute stack indexes */
    unsigned long err_line;
    char msg[MSG_BYTES];
} xml_state;

#define XML_STATE "ntsec.xml_items"

static int buf_add(buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        char *p;
        while (cap < b->len + n + 1) cap *= 2;
        p = realloc(b->p, cap);
        if (!p) return 0;
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
    return 1;
}

static void fail(xml_state *st, const char *fmt, const char *a, const char *b)
{
    if (st->failed) return;
    st->failed = 1;
    st->err_line = (unsigned long)XML_GetCurrentLineNumber(st->parser);
    snprintf(st->msg, sizeof st->msg, fmt, a, b);
    XML_StopParser(st->parser, XML_FALSE);
}

static const char *tag_of(const xml_state *st, const frame *f)
{
    return st->tags.p + f->name_start;
}

/* ---- the trie of spec paths ---- */

static int add_node(xml_state *st, int parent, const char *name, size_t n)
{
    int i;
    for (i = 0; i < st->n_nodes; i++)
        if (st->nodes[i].parent == parent && strlen(st->nodes[i].name) == n
            && memcmp(st->nodes[i].name, name, n) == 0)
            return i;
    if (st->n_nodes == MAX_NODES || st->names_len + n + 1 > NAME_BYTES) return -1;
    memcpy(st->names + st->names_len, name, n);
    st->names[st->names_len + n] = 0;
    st->nodes[st->n_nodes].name = st->names + st->names_len;
    st->nodes[st->n_nodes].parent = parent;
    st->nodes[st->n_nodes].kind = 0;
    st->names_len += n + 1;
    return st->n_nodes++;
}

/* Path "a/b/c" below the root node 0; the last node gets kind. */
static void add_path(lua_State *L, xml_state *st, const char *path, int kind)
{
    int node = 0;
    while (*path) {
        const char *slash = strchr(path, '/');
        size_t n = slash ? (size_t)(slash - path) : strlen(path);
        if (n) node = add_node(st, node, path, n);
        if (node < 0) luaL_error(L, "xml_items: too many item paths");
        path += n + (slash != NULL);
    }
    st->nodes[node].kind = kind;
}

/* spec.root and spec.items; the kinds table (array of item kinds) is pushed. */
static void read_spec(lua_State *L, xml_state *st, int spec)
{
    size_t n;
    const char *root;
    int kinds = 0;
    luaL_checktype(L, spec, LUA_TTABLE);
    lua_getfield(L, spec, "root");
    root = luaL_checklstring(L, -1, &n);
    if (add_node(st, -1, root, n) != 0) luaL_error(L, "xml_items: bad root");
    lua_pop(L, 1);
    lua_newtable(L);
    lua_getfield(L, spec, "items");
    luaL_checktype(L, -1, LUA_TTABLE);
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        luaL_checktype(L, -2, LUA_TSTRING);
        lua_pushvalue(L, -1);
        lua_rawseti(L, -5, ++kinds);
        add_path(L, st, lua_tostring(L, -2), kinds);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

static int child_node(const xml_state *st, int parent, const char *name)
{
    int i;
    if (parent < 0) return -1;
    for (i = 1; i < st->n_nodes; i++)
        if (st->nodes[i].parent == parent && strcmp(st->nodes[i].name, name) == 0) return i;
    return -1;
}

/* ---- the current item, flat ---- */

/* Element e of the item: elems[0] is the item itself. */
typedef struct elem {
    size_t tag;                   /* offset in tags[] */
    size_t text, text_len;        /* in text[]; only while it has no children */
    int parent, first_child, last_child, next;
} elem;

static int add_elem(xml_state *st, const char *name)
{
    elem *e;
    int parent = st->cur;
    if (st->n_elems == st->elems_cap) {
        size_t cap = st->elems_cap ? st->elems_cap * 2 : 64;
        elem *p = realloc(st->elems, cap * sizeof *p);
        if (!p) return (st->nomem = 1), -1;
        st->elems = p;
        st->elems_cap = cap;
    }
    e = &st->elems[st->n_elems];
    e->tag = st->item_tags.len;
    if (!buf_add(&st->item_tags, name, strlen(name) + 1)) return (st->nomem = 1), -1;
    e->text = st->text.len;
    e->text_len = 0;
    e->parent = parent;
    e->first_child = e->last_child = e->next = -1;
    if (parent >= 0) {
        elem *p = &st->elems[parent];
        if (p->first_child < 0) {
            st->text.len = p->text;       /* the parent's text so far was layout */
            p->text_len = 0;
            e->text = st->text.len;
            p->first_child = st->n_elems;
        } else {
            st->elems[p->last_child].next = st->n_elems;
        }
        p->last_child = st->n_elems;
    }
    return st->cur = st->n_elems++;
}

/* ---- expat callbacks ---- */

static int push_frame(xml_state *st, const char *name, int node)
{
    frame *f;
    if (st->depth == MAX_DEPTH) {
        fail(st, "elements nested deeper than %s levels%s", "256", "");
        return 0;
    }
    f = &st->frames[st->depth++];
    f->node = node;
    f->name_start = st->tags.len;
    f->line = (unsigned long)XML_GetCurrentLineNumber(st->parser);
    if (!buf_add(&st->tags, name, strlen(name) + 1)) st->nomem = 1;
    return !st->nomem;
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
    xml_state *st = ud;
    int node;
    (void)attrs;
    if (st->failed) return;
    if (st->depth == 0) {
        if (strcmp(name, st->nodes[0].name) != 0) {
            fail(st, "expected <%s> as the root element, found <%s>", st->nodes[0].name, name);
            return;
        }
        push_frame(st, name, 0);
        return;
    }
    if (st->capture) {
        if (push_frame(st, name, -1)) add_elem(st, name);
        if (st->nomem) XML_StopParser(st->parser, XML_FALSE);
        return;
    }
    node = child_node(st, st->frames[st->depth - 1].node, name);
    if (!push_frame(st, name, node)) return;
    if (node > 0 && st->nodes[node].kind) {
        st->capture = st->depth;
        st->text.len = st->item_tags.len = 0;
        st->n_elems = 0;
        st->cur = -1;
        add_elem(st, name);
    }
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
    xml_state *st = ud;
    elem *e;
    if (!st->capture || st->failed) return;
    e = &st->elems[st->cur];
    if (e->first_child >= 0) return;               /* layout between children */
    if (!buf_add(&st->text, s, (size_t)len)) {
        st->nomem = 1;
        XML_StopParser(st->parser, XML_FALSE);
        return;
    }
    e->text_len += (size_t)len;
}

/* Calls on_item(kind, view, line) with the finished item. */
static void deliver(xml_state *st, const frame *f)
{
    lua_State *L = st->L;
    lua_checkstack(L, 6);
    lua_pushvalue(L, st->on_item_idx);
    lua_rawgeti(L, st->kinds_idx, st->nodes[f->node].kind);
    lua_pushvalue(L, st->view_idx);
    lua_pushinteger(L, (lua_Integer)f->line);
    st->view_valid = 1;
    lua_call(L, 3, 2);
    st->view_valid = 0;
    if (lua_isnil(L, -2) && lua_type(L, -1) == LUA_TSTRING) {
        st->failed = 1;
        st->err_line = f->line;
        snprintf(st->msg, sizeof st->msg, "%s", lua_tostring(L, -1));
        XML_StopParser(st->parser, XML_FALSE);
    }
    lua_pop(L, 2);
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    xml_state *st = ud;
    frame *f;
    (void)name;
    if (st->failed || st->depth == 0) return;
    f = &st->frames[st->depth - 1];
    if (st->capture) {
        if (st->depth == st->capture) {
            st->capture = 0;
            deliver(st, f);
        } else {
            st->cur = st->elems[st->cur].parent;
        }
    }
    st->tags.len = f->name_start;
    if (--st->depth == 0) {
        st->done = 1;
        XML_StopParser(st->parser, XML_FALSE);
    }
}

/* ---- the item view handed to on_item (valid during that call only) ---- */

#define XML_VIEW "ntsec.xml_item"

/* The live item view at idx (raises for another value or a stale view). */
static xml_state *view_at(lua_State *L, int idx)
{
    xml_state **pp = luaL_checkudata(L, idx, XML_VIEW);
    if (!*pp || !(*pp)->view_valid) luaL_error(L, "xml item used after its handler returned");
    return *pp;
}

static xml_state *check_view(lua_State *L)
{
    return view_at(L, 1);
}

static int check_elem(lua_State *L, const xml_state *st, int idx)
{
    lua_Integer e = luaL_checkinteger(L, idx);
    luaL_argcheck(L, e >= 1 && e <= (lua_Integer)st->n_elems, idx, "no such element");
    return (int)e - 1;
}

static const char *elem_tag(const xml_state *st, int e)
{
    return st->item_tags.p + st->elems[e].tag;
}

/* First child of e with tag, or -1. */
static int child_named(const xml_state *st, int e, const char *tag)
{
    int c;
    for (c = st->elems[e].first_child; c >= 0; c = st->elems[c].next)
        if (strcmp(elem_tag(st, c), tag) == 0) return c;
    return -1;
}

/* Element at a path of child tags below the element at idx (idx+1 ...). */
static int walk(lua_State *L, const xml_state *st, int idx)
{
    int e = check_elem(L, st, idx), i, top = lua_gettop(L);
    for (i = idx + 1; i <= top && e >= 0; i++) e = child_named(st, e, luaL_checkstring(L, i));
    return e;
}

/* item:find(e, tag, ...) -> element index or nil. Elements are numbered
** from 1 (the item itself) in document order. */
static int view_find(lua_State *L)
{
    const xml_state *st = check_view(L);
    int e = walk(L, st, 2);
    if (e < 0) return 0;
    lua_pushinteger(L, e + 1);
    return 1;
}

/* item:text(e, tag, ...) -> text of the element at the path: nil when it is
** absent, "" when it is empty or has child elements. */
static int view_text(lua_State *L)
{
    const xml_state *st = check_view(L);
    int e = walk(L, st, 2);
    if (e < 0) return 0;
    if (st->elems[e].first_child >= 0) lua_pushliteral(L, "");
    else lua_pushlstring(L, st->text.p + st->elems[e].text, st->elems[e].text_len);
    return 1;
}

/* item:children(e[, tag]) -> array of the child element indices (with tag). */
static int view_children(lua_State *L)
{
    const xml_state *st = check_view(L);
    int e = check_elem(L, st, 2), c, n = 0;
    const char *tag = luaL_optstring(L, 3, NULL);
    lua_newtable(L);
    for (c = st->elems[e].first_child; c >= 0; c = st->elems[c].next) {
        if (tag && strcmp(elem_tag(st, c), tag) != 0) continue;
        lua_pushinteger(L, c + 1);
        lua_rawseti(L, -2, ++n);
    }
    return 1;
}

/* item:tag(e) -> the element's tag. */
static int view_tag(lua_State *L)
{
    const xml_state *st = check_view(L);
    lua_pushstring(L, elem_tag(st, check_elem(L, st, 2)));
    return 1;
}

/* Pushes the text of element e as item:text reads it ("" when it has children). */
static void push_text(lua_State *L, const xml_state *st, int e)
{
    if (st->elems[e].first_child >= 0) lua_pushliteral(L, "");
    else lua_pushlstring(L, st->text.p + st->elems[e].text, st->elems[e].text_len);
}

/* Sets t[k] (t on top) to the text of the child of e at tag (as item:text:
** "" when it has children); leaves t[k] unset when there is no such child. */
static void set_child_text(lua_State *L, const xml_state *st, int e, const char *tag, const char *k)
{
    int c = e < 0 ? -1 : child_named(st, e, tag);
    if (c < 0) return;
    push_text(L, st, c);
    lua_setfield(L, -2, k);
}

/* The FWP_VALUE0 at element v into the table on top (netsh.lua read_value:
** <type> and the element beside it). elements: stack index of the table of
** value elements by type name. A missing value element (v < 0) leaves the
** table without type and value: the engine refuses such a record, which the
** import lists as skipped with its line (a malformed record, not a failed
** import). */
static void read_value(lua_State *L, const xml_state *st, int v, int elements)
{
    int c, t = lua_gettop(L);
    if (v < 0) return;
    luaL_checkstack(L, 6, "xml item too deep");
    set_child_text(L, st, v, "type", "type");
    lua_getfield(L, t, "type");
    if (lua_rawget(L, elements) == LUA_TSTRING) {          /* the common types: one lookup */
        const char *name = lua_tostring(L, -1);            /* kept alive by the elements table */
        lua_pop(L, 1);
        set_child_text(L, st, v, name, "value");
        return;
    }
    lua_pop(L, 1);
    for (c = st->elems[v].first_child; c >= 0; c = st->elems[c].next) {
        const char *tag = elem_tag(st, c);
        if (strcmp(tag, "byteBlob") == 0) set_child_text(L, st, c, "data", "value");
        else if (strcmp(tag, "rangeValue") == 0) {
            lua_newtable(L);
            read_value(L, st, child_named(st, c, "valueLow"), elements);
            lua_setfield(L, t, "low");
            lua_newtable(L);
            read_value(L, st, child_named(st, c, "valueHigh"), elements);
            lua_setfield(L, t, "high");
        } else if (strcmp(tag, "v4AddrMask") == 0) {
            set_child_text(L, st, c, "addr", "value");
            set_child_text(L, st, c, "mask", "value2");
        } else if (strcmp(tag, "v6AddrMask") == 0) {
            set_child_text(L, st, c, "addr", "value");
            set_child_text(L, st, c, "prefixLength", "value2");
        } else if (strcmp(tag, "type") != 0) {
            push_text(L, st, c);
            lua_setfield(L, t, "value");
        }
    }
}

/* Pushes the condition list of element e (item:conditions below); elements:
** stack index of the value-element table. */
static void push_conditions(lua_State *L, const xml_state *st, int e, int elements)
{
    int c, list;
    lua_Integer n = 0;
    lua_newtable(L);
    list = lua_gettop(L);
    for (c = st->elems[e].first_child; c >= 0; c = st->elems[c].next) {
        if (strcmp(elem_tag(st, c), "item") != 0) continue;
        lua_createtable(L, 0, 4);
        set_child_text(L, st, c, "fieldKey", "field");
        set_child_text(L, st, c, "matchType", "match");
        read_value(L, st, child_named(st, c, "conditionValue"), elements);
        lua_rawseti(L, list, ++n);
    }
}

/* item:conditions(e, elements) -> the <item> children of e (a
** <filterCondition>) as condition tables {field=, match=, type=, value=,
** value2=, low=, high=} (fieldKey, matchType and the conditionValue as
** netsh.lua documents it; engine:import_filter's shape). elements: value
** element name by type name ("FWP_UINT8" -> "uint8", ...): those types read
** one element; the others read byteBlob, rangeValue, v4AddrMask, v6AddrMask
** or any other element beside <type>. One call per filter instead of five
** per condition (issue 11: the importer's Lua work per record). */
static int view_conditions(lua_State *L)
{
    const xml_state *st = check_view(L);
    int e = check_elem(L, st, 2);
    luaL_checktype(L, 3, LUA_TTABLE);
    lua_settop(L, 3);
    push_conditions(L, st, e, 3);
    return 1;
}

/* item:conditions_of_type(e, type, element) -> {{condition = i, field =,
** value =}, ...} or nil when none: the conditions of the <filterCondition>
** at e whose <conditionValue><type> is `type`, with their position among
** e's <item> children, fieldKey text and the text of their `element` (nil
** when absent): what item:conditions gives for them as field and value
** when elements[type] = element, without a table for the others (the
** audit reads a filter's descriptor conditions this way; issue 11). */
static int view_conditions_of_type(lua_State *L)
{
    const xml_state *st = check_view(L);
    int e = check_elem(L, st, 2), c, i = 0, n = 0;
    size_t tlen;
    const char *type = luaL_checklstring(L, 3, &tlen), *element = luaL_checkstring(L, 4);
    for (c = st->elems[e].first_child; c >= 0; c = st->elems[c].next) {
        int v, t, x;
        if (strcmp(elem_tag(st, c), "item") != 0) continue;
        i++;
        v = child_named(st, c, "conditionValue");
        t = v < 0 ? -1 : child_named(st, v, "type");
        if (t < 0 || st->elems[t].first_child >= 0 || st->elems[t].text_len != tlen
            || memcmp(st->text.p + st->elems[t].text, type, tlen) != 0) continue;
        if (n == 0) lua_newtable(L);
        lua_createtable(L, 0, 3);
        lua_pushinteger(L, i);
        lua_setfield(L, -2, "condition");
        set_child_text(L, st, c, "fieldKey", "field");
        if ((x = child_named(st, v, element)) >= 0) {
            push_text(L, st, x);
            lua_setfield(L, -2, "value");
        }
        lua_rawseti(L, -2, ++n);
    }
    return n ? 1 : 0;
}

/* The number at the start of a text (leading blanks, then decimal digits),
** as tonumber reads those digits; nothing pushed (0) when there are none. */
static int push_number(lua_State *L, const char *s, size_t n)
{
    size_t i = 0, j;
    while (i < n && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r'))) i++;
    for (j = i; j < n && s[j] >= '0' && s[j] <= '9'; j++) {}
    if (j == i) return 0;
    lua_pushlstring(L, s + i, j - i);
    if (!lua_stringtonumber(L, lua_tostring(L, -1))) lua_pushnil(L);   /* cannot happen: digits only */
    lua_remove(L, -2);
    return 1;
}

/* The text of the <type> sibling of element at contains the entry's
** `when_type_has` text (item:record: a field that exists only for some
** types, as the callout key under <action><filterType>); 1 when the entry
** has none. */
static int guard_ok(lua_State *L, const xml_state *st, int at, int entry)
{
    size_t n, i;
    const char *want, *s;
    int t;
    elem *e;
    if (lua_getfield(L, entry, "when_type_has") == LUA_TNIL) return lua_pop(L, 1), 1;
    want = luaL_checklstring(L, -1, &n);
    lua_pop(L, 1);                                         /* kept alive by the entry */
    t = st->elems[at].parent < 0 ? -1 : child_named(st, st->elems[at].parent, "type");
    if (t < 0 || st->elems[t].first_child >= 0) return 0;
    e = &st->elems[t];
    s = st->text.p + e->text;
    for (i = 0; n && i + n <= e->text_len; i++)
        if (memcmp(s + i, want, n) == 0) return 1;
    return n == 0;
}

/* Pushes the value of one item:record field at element at (>= 0), the
** entry's table at entry; 0 (nothing pushed) when the record leaves it
** unset. */
static int push_field(lua_State *L, const xml_state *st, int at, const char *as, int entry)
{
    if (!guard_ok(L, st, at, entry)) return 0;
    if (as == NULL) {                                      /* text: nil when empty */
        if (st->elems[at].first_child >= 0 || st->elems[at].text_len == 0) return 0;
        push_text(L, st, at);
    } else if (strcmp(as, "number") == 0) {
        if (st->elems[at].first_child >= 0
            || !push_number(L, st->text.p + st->elems[at].text, st->elems[at].text_len)) return 0;
    } else if (strcmp(as, "list") == 0) {
        int c;
        lua_Integer n = 0;
        lua_newtable(L);
        for (c = st->elems[at].first_child; c >= 0; c = st->elems[c].next) {
            if (strcmp(elem_tag(st, c), "item") != 0) continue;
            push_text(L, st, c);
            lua_rawseti(L, -2, ++n);
        }
    } else if (strcmp(as, "value") == 0 || strcmp(as, "conditions") == 0) {
        int elements;
        lua_getfield(L, entry, "elements");
        luaL_checktype(L, -1, LUA_TTABLE);
        elements = lua_gettop(L);
        if (as[0] == 'c') {
            push_conditions(L, st, at, elements);
        } else {
            int t = child_named(st, at, "type"), v;
            if (t < 0) { lua_pop(L, 1); return 0; }
            push_text(L, st, t);
            if (lua_rawget(L, elements) != LUA_TSTRING
                || (v = child_named(st, at, lua_tostring(L, -1))) < 0) { lua_pop(L, 2); return 0; }
            lua_pop(L, 1);
            push_text(L, st, v);
        }
        lua_remove(L, elements);
    } else {
        luaL_error(L, "item:record: unknown field kind '%s'", as);
    }
    return 1;
}

/* The element of a fields entry (its path below e), its `as` kind in *as;
** -1 when absent. */
static int entry_elem(lua_State *L, const xml_state *st, int e, int entry, const char **as)
{
    lua_Integer j, depth = (lua_Integer)lua_rawlen(L, entry);
    int at = e;
    for (j = 2; j <= depth && at >= 0; j++) {
        lua_rawgeti(L, entry, j);
        at = child_named(st, at, luaL_checkstring(L, -1));
        lua_pop(L, 1);
    }
    lua_getfield(L, entry, "as");
    *as = lua_tostring(L, -1);                             /* kept alive by the entry */
    lua_pop(L, 1);
    return at;
}

int nl_xml_push_field(lua_State *L, const xml_state *st, int e, int entry, int *conditions)
{
    const char *as;
    int at;
    entry = lua_absindex(L, entry);
    at = entry_elem(L, st, e, entry, &as);
    if (conditions && as && strcmp(as, "conditions") == 0) {
        *conditions = at;
        return 0;
    }
    if (at >= 0) return push_field(L, st, at, as, entry);
    if (as && strcmp(as, "list") == 0) {                   /* no such element: an empty list */
        lua_newtable(L);
        return 1;
    }
    return 0;
}

/* item:record(e, fields) -> a new table with one value per entry {name, tag,
** ...[, as = kind][, elements = {...}]} of the list fields, read at that path
** of child tags below e when present: as nil, the text when not empty (as
** netsh.lua's text()); "number", the decimal number at the text's start
** (number()); "list", the texts of its <item> children (an empty list when
** the path is absent); "value", the text of the FWP_VALUE0 element its
** <type> names in `elements` (type name -> element); "conditions", its
** conditions as item:conditions reads them with `elements`. An entry with
** when_type_has = TEXT is read only when the <type> beside its element
** contains TEXT (netsh prints a callout action's callout key under
** <action><filterType>, the member of a union it shares with the filter
** type). A record's
** fields in one call instead of one call each (issue 11: the importer's Lua
** work per record). */
static int view_record(lua_State *L)
{
    const xml_state *st = check_view(L);
    int e = check_elem(L, st, 2);
    lua_Integer i, n;
    luaL_checktype(L, 3, LUA_TTABLE);
    lua_settop(L, 3);
    lua_newtable(L);                                       /* 4 */
    n = (lua_Integer)lua_rawlen(L, 3);
    for (i = 1; i <= n; i++) {
        if (lua_rawgeti(L, 3, i) != LUA_TTABLE) luaL_error(L, "item:record: fields[%d] is not a list", (int)i);
        if (nl_xml_push_field(L, st, e, 5, NULL)) {
            lua_rawgeti(L, 5, 1);
            lua_insert(L, -2);
            lua_rawset(L, 4);
        }
        lua_settop(L, 4);
    }
    return 1;
}

/* ---- the C view (nl_xml.h) ---- */

const xml_state *nl_xml_check_view(lua_State *L, int idx)
{
    return view_at(L, idx);
}

int nl_xml_next_child(const xml_state *st, int parent, int after, const char *tag)
{
    int c = after < 0 ? st->elems[parent].first_child : st->elems[after].next;
    for (; c >= 0; c = st->elems[c].next)
        if (strcmp(elem_tag(st, c), tag) == 0) return c;
    return -1;
}

/* Pushes the text of the child of e at tag (as set_child_text) and returns
** it, or NULL (nothing pushed) when there is no such child. */
static const char *child_text(lua_State *L, const xml_state *st, int e, const char *tag)
{
    int c = e < 0 ? -1 : child_named(st, e, tag);
    if (c < 0) return NULL;
    push_text(L, st, c);
    return lua_tostring(L, -1);
}

/* The texts read_value sets for the FWP_VALUE0 at element v, into type,
** value, value2 and the bounds; as read_value, a later element beside
** <type> overwrites an earlier one. extra: NULL for a condition's value;
** for a range's valueLow / valueHigh (a bound holds a type and a value
** only) it gets the other key read_value would set there ("value2", "low"),
** and *bad_bound is set for the condition (the importer refuses the record,
** as nlw_read_conditions does for the table item:conditions gives). Strings
** are pushed (kept until the caller's settop). */
static void value_text(lua_State *L, const xml_state *st, int v, int elements,
                       ntsec_wfp_condition_text *t, const char **extra, int *bad_bound)
{
    int c;
    const char *s, *lo_extra = NULL, *hi_extra = NULL;
    if (v < 0) return;
    luaL_checkstack(L, 8, "xml item too deep");
    t->type = child_text(L, st, v, "type");
    if (t->type) {
        lua_pushvalue(L, -1);
        if (lua_rawget(L, elements) == LUA_TSTRING) {
            const char *name = lua_tostring(L, -1);        /* kept alive by the elements table */
            lua_pop(L, 1);
            if ((s = child_text(L, st, v, name)) != NULL) t->value = s;
            return;
        }
        lua_pop(L, 1);
    }
    for (c = st->elems[v].first_child; c >= 0; c = st->elems[c].next) {
        const char *tag = elem_tag(st, c);
        if (strcmp(tag, "byteBlob") == 0) {
            if ((s = child_text(L, st, c, "data")) != NULL) t->value = s;
        } else if (strcmp(tag, "rangeValue") == 0) {
            ntsec_wfp_condition_text lo, hi;
            memset(&lo, 0, sizeof lo);
            memset(&hi, 0, sizeof hi);
            lo_extra = hi_extra = NULL;
            value_text(L, st, child_named(st, c, "valueLow"), elements, &lo, &lo_extra, bad_bound);
            value_text(L, st, child_named(st, c, "valueHigh"), elements, &hi, &hi_extra, bad_bound);
            t->low_type = lo.type;
            t->low = lo.value;
            t->high_type = hi.type;
            t->high = hi.value;
            if (extra && !*extra) *extra = "low";
        } else if (strcmp(tag, "v4AddrMask") == 0 || strcmp(tag, "v6AddrMask") == 0) {
            if ((s = child_text(L, st, c, "addr")) != NULL) t->value = s;
            if ((s = child_text(L, st, c, tag[1] == '4' ? "mask" : "prefixLength")) != NULL) {
                t->value2 = s;
                if (extra && !*extra) *extra = "value2";
            }
        } else if (strcmp(tag, "type") != 0) {
            push_text(L, st, c);
            t->value = lua_tostring(L, -1);
        }
    }
    if (!extra && (lo_extra || hi_extra)) *bad_bound = 1;
}

int nl_xml_condition_text(lua_State *L, const xml_state *st, int c, int elements, ntsec_wfp_condition_text *t)
{
    int bad_bound = 0;
    memset(t, 0, sizeof *t);
    elements = lua_absindex(L, elements);
    luaL_checkstack(L, 8, "conditions");
    t->field = child_text(L, st, c, "fieldKey");
    t->match = child_text(L, st, c, "matchType");
    value_text(L, st, child_named(st, c, "conditionValue"), elements, t, NULL, &bad_bound);
    if (bad_bound) return -1;                   /* NLW_COND_BAD_BOUND */
    return t->field && t->match && t->type;
}

static void push_tree(lua_State *L, const xml_state *st, int e)
{
    int c, n = 0;
    luaL_checkstack(L, 4, "xml item too deep");
    if (st->elems[e].first_child < 0) {
        lua_pushlstring(L, st->text.p + st->elems[e].text, st->elems[e].text_len);
        return;
    }
    lua_newtable(L);
    for (c = st->elems[e].first_child; c >= 0; c = st->elems[c].next) {
        const char *tag = elem_tag(st, c);
        push_tree(L, st, c);
        if (strcmp(tag, "item") == 0) lua_rawseti(L, -2, ++n);
        else lua_setfield(L, -2, tag);
    }
}

/* item:tree([e]) -> the element as Lua values: text for an element without
** children; else a table with the "item" children in its array part and
** the others under their tag (a repeated tag keeps the last). */
static int view_tree(lua_State *L)
{
    const xml_state *st = check_view(L);
    push_tree(L, st, lua_isnoneornil(L, 2) ? 0 : check_elem(L, st, 2));
    return 1;
}

static void push_view(lua_State *L, xml_state *st)
{
    static const luaL_Reg methods[] = {
        {"find", view_find}, {"text", view_text}, {"children", view_children},
        {"tag", view_tag}, {"tree", view_tree}, {"conditions", view_conditions},
        {"record", view_record}, {"conditions_of_type", view_conditions_of_type}, {NULL, NULL}
    };
    xml_state **pp = lua_newuserdatauv(L, sizeof *pp, 1);
    *pp = st;
    if (luaL_newmetatable(L, XML_VIEW)) {
        luaL_newlib(L, methods);
        lua_setfield(L, -2, "__index");
    }
    lua_setmetatable(L, -2);
    lua_pushvalue(L, -2);                       /* the state outlives any copy of the view */
    lua_setiuservalue(L, -2, 1);
}

/* ---- the parse loop ---- */

static int state_gc(lua_State *L)
{
    xml_state *st = luaL_checkudata(L, 1, XML_STATE);
    if (st->parser) XML_ParserFree(st->parser);
    st->parser = NULL;
    free(st->text.p);
    free(st->tags.p);
    free(st->item_tags.p);
    free(st->elems);
    st->text.p = st->tags.p = st->item_tags.p = NULL;
    st->elems = NULL;
    return 0;
}

static xml_state *new_state(lua_State *L)
{
    xml_state *st = lua_newuserdatauv(L, sizeof *st, 0);
    memset(st, 0, sizeof *st);
    if (luaL_newmetatable(L, XML_STATE)) {
        lua_pushcfunction(L, state_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_setmetatable(L, -2);
    st->L = L;
    st->parser = XML_ParserCreate(NULL);     /* encoding from the BOM / declaration, as LuaExpat */
    if (!st->parser) luaL_error(L, "not enough memory");
    XML_SetUserData(st->parser, st);
    XML_SetElementHandler(st->parser, on_start, on_end);
    XML_SetCharacterDataHandler(st->parser, on_text);
    return st;
}

/* nil, err (docs/design.md): STATUS_INVALID_PARAMETER with err.detail the
** message ("XML error: ...") and err.line the line of the dump. */
static int push_failure(lua_State *L, const char *msg, unsigned long line)
{
    nl_fail_nt(L, "import_xml", STATUS_INVALID_PARAMETER);
    lua_pushstring(L, msg);
    lua_setfield(L, -2, "detail");
    lua_pushinteger(L, (lua_Integer)line);
    lua_setfield(L, -2, "line");
    return 2;
}

/* What a parse that stopped early was missing. */
static int push_xml_error(lua_State *L, xml_state *st, int at_end)
{
    char msg[MSG_BYTES];
    const char *what = XML_ErrorString(XML_GetErrorCode(st->parser));
    unsigned long line = (unsigned long)XML_GetCurrentLineNumber(st->parser);
    if (st->depth > 0 && at_end) {
        const char *open = tag_of(st, &st->frames[st->depth - 1]);
        snprintf(msg, sizeof msg, "XML error: %s: the input ends inside <%s> (expected </%s>)",
                 what ? what : "error", open, open);
    } else if (st->depth == 0 && !st->done) {
        snprintf(msg, sizeof msg, "XML error: %s (expected an XML document with root <%s>)",
                 what ? what : "error", st->nodes[0].name);
    } else {
        snprintf(msg, sizeof msg, "XML error: %s", what ? what : "error");
    }
    return push_failure(L, msg, line);
}

/* One read() chunk: 1 = go on, 0 = finished, -1 = failed (result pushed). */
static int feed(lua_State *L, xml_state *st, int read_idx, int *pushed)
{
    size_t n = 0;
    const char *s = NULL;
    int final;
    enum XML_Status rc;
    lua_checkstack(L, 4);
    lua_pushvalue(L, read_idx);
    lua_call(L, 0, 1);
    if (!lua_isnil(L, -1)) s = luaL_checklstring(L, -1, &n);
    lua_replace(L, st->chunk_idx);              /* alive during the parse */
    final = s == NULL || n == 0;
    if (n > (size_t)1 << 30) luaL_error(L, "xml_items: chunk too large");
    rc = XML_Parse(st->parser, s ? s : "", (int)n, final);
    if (st->nomem) luaL_error(L, "not enough memory");
    if (st->done && !st->failed) return 0;
    if (st->failed) return (*pushed = push_failure(L, st->msg, st->err_line)), -1;
    if (rc == XML_STATUS_ERROR) return (*pushed = push_xml_error(L, st, final)), -1;
    if (final) {
        /* expat accepted the end: only possible without a root */
        return (*pushed = push_xml_error(L, st, 1)), -1;
    }
    return 1;
}

int nl_xml_items(lua_State *L)
{
    xml_state *st;
    int pushed = 0, r;
    luaL_checktype(L, 1, LUA_TFUNCTION);
    luaL_checktype(L, 3, LUA_TFUNCTION);
    lua_settop(L, 3);
    st = new_state(L);                          /* 4 */
    read_spec(L, st, 2);                        /* 5: kinds */
    st->kinds_idx = 5;
    lua_pushvalue(L, 3);                        /* 6: on_item */
    st->on_item_idx = 6;
    lua_pushnil(L);                             /* 7: the chunk being parsed */
    st->chunk_idx = 7;
    lua_pushvalue(L, 4);
    push_view(L, st);                           /* 9: the item view (8: the state again) */
    lua_remove(L, 8);
    st->view_idx = 8;
    while ((r = feed(L, st, 1, &pushed)) > 0) {}
    XML_ParserFree(st->parser);
    st->parser = NULL;
    if (r < 0) return pushed;
    lua_pushboolean(L, 1);
    return 1;
}
