/*
** nl_xml.h: the streaming XML item reader behind engine:import_xml
** (nl_xml_items.c; used by lua/ntsec/netsh.lua).
*/
#ifndef NTSEC_NL_XML_H
#define NTSEC_NL_XML_H

#include "nl.h"

/* Lua C function: xml_items(read, spec, on_item) -> true | nil, err.
** Parses the XML that read() returns chunk by chunk (a string, or nil / ""
** at the end) with expat, keeping no document tree: when an element named
** by spec.items closes, on_item(kind, item, line) is called (line: where the
** element starts).
**   spec = {root = "wfpstate", items = {["layers/item/filters/item"] = kind, ...}}
** paths relative to the root; an item path inside another item is not
** looked for. item is a view of that element's subtree, valid during the
** call only (later use raises): elements are numbered from 1 (the item) in
** document order, and
**   item:text(e, tag, ...)  text of the element at that path of child tags
**                           below e (nil: absent; "": empty or has children)
**   item:find(e, tag, ...)  its index, or nil
**   item:children(e[, tag]) array of e's child indices (only those with tag)
**   item:tag(e), item:tree([e])  (nested Lua tables: text for an element
**                           without children, else "item" children in the
**                           array part and others under their tag)
**   item:conditions(e, elements)  the <item> children of e (a
**                           <filterCondition>) as condition tables {field=,
**                           match=, type=, value=, value2=, low=, high=};
**                           elements: value element by type name
**   item:conditions_of_type(e, type, element)  of the <item> children of e
**                           whose conditionValue has that <type>: a list
**                           {condition = position, field = fieldKey text,
**                           value = text of `element`}, nil when none
**   item:record(e, fields)  a table of the entries {name, tag, ...[, as =
**                           "number" | "list" | "value" | "conditions"][,
**                           elements=]} read at those paths below e (as nil:
**                           the text, left out when empty; see nl_xml_items.c)
** Attributes and the layout text between child elements are not kept.
** Parsing ends when the root closes: what follows (netsh's trailing
** <firewallState>) is not read. on_item returning nil, msg stops the parse
** with msg; errors it raises propagate.
** Failures (nil, err: STATUS_INVALID_PARAMETER with err.detail the message
** and err.line the line): not well-formed XML (expat's message), a
** root other than spec.root, input ending before the root closed (the
** message names the element still open and the end tag expected).
** Memory: one item at a time (flat arrays, reused), plus expat's buffer. */
int nl_xml_items(lua_State *L);

/* ---- the item view from C (the engine's item imports, nl_wfp_import.c) ----
** Elements are numbered from 0 here (the item is 0). */
struct xml_state;
struct ntsec_wfp_condition_text;
/* The view at idx; raises when it is not one or its handler returned. */
const struct xml_state *nl_xml_check_view(lua_State *L, int idx);
/* The next child of parent with tag after child `after` (-1: the first), or -1. */
int nl_xml_next_child(const struct xml_state *st, int parent, int after, const char *tag);
/* Pushes the value item:record stores for the fields entry (the table at
** entry) read below element e and returns 1, or returns 0 (nothing pushed)
** when item:record leaves it unset. conditions (may be NULL): an entry with
** as = "conditions" is not read; *conditions gets its element (-1 when
** absent) and 0 is returned. */
int nl_xml_push_field(lua_State *L, const struct xml_state *st, int e, int entry, int *conditions);
/* The texts of the condition <item> at element c as item:conditions reads
** them (elements: stack index of the value-element table), for
** ntsec_wfp_set_condition_from_text: the strings are pushed and stay until
** the caller pops them. Returns 1; 0 when field, match or type is missing;
** -1 (NLW_COND_BAD_BOUND) when a range bound holds an address mask or a
** range (nlw_read_conditions refuses the table item:conditions gives). */
int nl_xml_condition_text(lua_State *L, const struct xml_state *st, int c, int elements,
                          struct ntsec_wfp_condition_text *t);

#endif
