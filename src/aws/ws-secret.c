/* ws-secret.c — wiping secrets before their memory is freed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ws-secret.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "ws-aws-error.h"

void
ws_secret_wipe (gpointer data,
                gsize    length)
{
  /* explicit_bzero() cannot be optimised away like a memset() before free. */
  if (data != NULL && length > 0)
    explicit_bzero (data, length);
}

void
ws_secret_free (gpointer string)
{
  if (string == NULL)
    return;
  ws_secret_wipe (string, strlen (string));
  g_free (string);
}

void
ws_secret_strfreev (GStrv strv)
{
  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    ws_secret_wipe (strv[i], strlen (strv[i]));
  g_strfreev (strv);
}

void
ws_secret_string_free (GString *string)
{
  if (string == NULL)
    return;
  ws_secret_wipe (string->str, string->allocated_len);
  g_string_free (string, TRUE);
}

void
ws_secret_bytes_unref (GBytes *bytes)
{
  gsize length = 0;
  gpointer data;

  if (bytes == NULL)
    return;
  /* Takes the buffer over when this was the last reference; otherwise
   * copies it, and the copy is what gets wiped. */
  data = g_bytes_unref_to_data (bytes, &length);
  ws_secret_wipe (data, length);
  g_free (data);
}

void
ws_secret_byte_array_unref (GByteArray *array)
{
  if (array == NULL)
    return;
  ws_secret_wipe (array->data, array->len);
  g_byte_array_unref (array);
}

gboolean
ws_secret_write_file (const char  *path,
                      const char  *data,
                      gsize        length,
                      GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) write_error = NULL;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int errsv = errno;

      g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_FAILED,
                   _("Could not create the folder %s: %s."), dir, g_strerror (errsv));
      return FALSE;
    }

  /* As g_file_set_contents() does: a new file is not synced to disk (a
   * crash can only lose it whole), one replaced is, before the rename. */
  if (!g_file_set_contents_full (path, data, length,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_ONLY_EXISTING,
                                 0600, &write_error))
    {
      g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_FAILED,
                   _("Could not write %s: %s."), path, write_error->message);
      return FALSE;
    }

  return TRUE;
}
