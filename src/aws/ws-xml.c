/* ws-xml.c — reading the few fields we need from an AWS XML answer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ws-xml.h"

typedef struct
{
  const char         *parent;
  const char * const *names;
  GString           **texts;
} Reader;

static void
reader_text (GMarkupParseContext  *context,
             const char           *text,
             gsize                 length,
             gpointer              user_data,
             GError              **error)
{
  const Reader *reader = user_data;
  const GSList *stack = g_markup_parse_context_get_element_stack (context);

  if (stack == NULL || stack->next == NULL || !g_str_equal (stack->next->data, reader->parent))
    return;

  for (guint i = 0; reader->names[i] != NULL; i++)
    if (g_str_equal (stack->data, reader->names[i]))
      g_string_append_len (reader->texts[i], text, length);
}

gboolean
ws_xml_read_children (const char          *xml,
                      gsize                length,
                      GMarkupParseFlags    flags,
                      const char          *parent,
                      const char * const  *names,
                      GString            **texts)
{
  static const GMarkupParser parser = { .text = reader_text };
  Reader reader = { parent, names, texts };
  g_autoptr(GMarkupParseContext) context = NULL;

  g_return_val_if_fail (parent != NULL && names != NULL && texts != NULL, FALSE);

  context = g_markup_parse_context_new (&parser, flags, &reader, NULL);
  return g_markup_parse_context_parse (context, xml, length, NULL) &&
         g_markup_parse_context_end_parse (context, NULL);
}
