/* ws-json.c — parsing JSON that came from outside safely
 *
 * json-glib 1.6 parses recursively without a depth limit, so "[[[[…" a few
 * hundred thousand levels deep overflows the stack; everything we parse
 * from a server, a program or a file goes through here first.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ws-json.h"

#include <string.h>

/* Whether no object or array in @data nests deeper than @max_depth
 * (a lexical scan: strings and escapes are skipped, nothing is parsed). */
gboolean
ws_json_nesting_within (const char *data,
                        gsize       length,
                        guint       max_depth)
{
  gboolean in_string = FALSE;
  guint depth = 0;

  g_return_val_if_fail (data != NULL || length == 0, FALSE);

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '{' || c == '[')
        {
          if (++depth > max_depth)
            return FALSE;
        }
      else if ((c == '}' || c == ']') && depth > 0)
        depth--;
    }

  return TRUE;
}

static int
hex_escape_value (const char *data,
                  gsize       length,
                  gsize       at)
{
  int value = 0;

  if (at + 6 > length || data[at] != '\\' || data[at + 1] != 'u')
    return -1;
  for (gsize i = at + 2; i < at + 6; i++)
    {
      int digit = g_ascii_xdigit_value (data[i]);

      if (digit < 0)
        return -1;
      value = value * 16 + digit;
    }

  return value;
}

/* Whether every escape in @data is one JSON has: json-glib 1.6 also takes
 * C's octal "\\234", any four characters after "\\u" and a lone
 * "\\uD800"–"\\uDFFF", and makes bytes of them that are not UTF-8; what we
 * read ends up in messages that D-Bus refuses unless they are. */
gboolean
ws_json_escapes_valid (const char *data,
                       gsize       length)
{
  g_return_val_if_fail (data != NULL || length == 0, FALSE);

  for (gsize i = 0; i < length; i++)
    {
      int value;

      if (data[i] != '\\')
        continue;
      if (i + 1 >= length || data[i + 1] == '\0' || strchr ("\"\\/bfnrtu", data[i + 1]) == NULL)
        return FALSE;
      if (data[i + 1] != 'u')
        {
          i++; /* the escaped character, "\\" included, starts nothing */
          continue;
        }
      value = hex_escape_value (data, length, i);
      if (value < 0 || (value >= 0xDC00 && value <= 0xDFFF))
        return FALSE;
      if (value >= 0xD800 && value <= 0xDBFF)
        {
          int low = hex_escape_value (data, length, i + 6);

          if (low < 0xDC00 || low > 0xDFFF)
            return FALSE;
          i += 6;
        }
      i += 5;
    }

  return TRUE;
}

/**
 * ws_json_parse_object:
 * @data: the text, not necessarily nul-terminated
 * @length: its length
 * @max_size: the largest @length accepted
 *
 * Returns: (transfer full) (nullable): the root object, or %NULL when @data
 *   is empty, too large, not UTF-8 (or escapes what is not), nested too
 *   deep, not JSON or not an
 *   object; callers say what that means in their own words.
 */
JsonObject *
ws_json_parse_object (const char *data,
                      gsize       length,
                      gsize       max_size)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;

  if (length == 0 || length > max_size
      || !g_utf8_validate_len (data, length, NULL)
      || !ws_json_nesting_within (data, length, WS_JSON_MAX_DEPTH)
      || !ws_json_escapes_valid (data, length))
    return NULL;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, length, NULL))
    return NULL;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;

  return json_object_ref (json_node_get_object (root));
}

const char *
ws_json_get_string (JsonObject *object,
                    const char *member)
{
  JsonNode *node;

  if (object == NULL || (node = json_object_get_member (object, member)) == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}
