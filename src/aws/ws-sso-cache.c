/* ws-sso-cache.c — the AWS CLI's SSO cache: file names, reading and
 * updating token entries (pure), and the files themselves
 *
 * The files under ~/.aws/sso/cache are the AWS CLI's own: a token written
 * here is used by `aws`, and one written by `aws sso login` is used here.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ws-sso-cache.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "ws-aws-error.h"
#include "ws-json.h"
#include "ws-secret.h"

/* Pure helpers ------------------------------------------------------------ */

char *
ws_sso_cache_file_name (const char *session_name_or_start_url)
{
  g_autofree char *hex = NULL;

  g_return_val_if_fail (session_name_or_start_url != NULL, NULL);

  hex = g_compute_checksum_for_string (G_CHECKSUM_SHA1, session_name_or_start_url, -1);
  return g_strconcat (hex, ".json", NULL);
}

void
ws_sso_cache_append_python_json (GString    *out,
                                 const char *text)
{
  g_autofree char *valid = NULL;

  if (text == NULL)
    {
      g_string_append (out, "null");
      return;
    }

  valid = g_utf8_make_valid (text, -1);
  g_string_append_c (out, '"');
  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      switch (c)
        {
        case '"':  g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        default:
          if (c >= 0x20 && c <= 0x7e)
            g_string_append_c (out, (char) c);
          else if (c < 0x10000)
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_printf (out, "\\u%04x\\u%04x",
                                    0xd800 + ((c - 0x10000) >> 10),
                                    0xdc00 + ((c - 0x10000) & 0x3ff));
        }
    }
  g_string_append_c (out, '"');
}

char *
ws_sso_registration_cache_file_name (const char         *start_url,
                                     const char         *sso_region,
                                     const char * const *scopes,
                                     const char         *session_name)
{
  g_autoptr(GString) key = g_string_new ("{\"region\": ");

  g_return_val_if_fail (start_url != NULL, NULL);
  g_return_val_if_fail (sso_region != NULL, NULL);

  /* The keys in sort_keys order, with Python's ", " and ": " separators. */
  ws_sso_cache_append_python_json (key, sso_region);
  g_string_append (key, ", \"scopes\": ");
  if (scopes == NULL)
    g_string_append (key, "null");
  else
    {
      g_string_append_c (key, '[');
      for (guint i = 0; scopes[i] != NULL; i++)
        {
          if (i > 0)
            g_string_append (key, ", ");
          ws_sso_cache_append_python_json (key, scopes[i]);
        }
      g_string_append_c (key, ']');
    }
  g_string_append (key, ", \"session_name\": ");
  ws_sso_cache_append_python_json (key, session_name);
  g_string_append (key, ", \"startUrl\": ");
  ws_sso_cache_append_python_json (key, start_url);
  g_string_append (key, ", \"tool\": \"botocore\"}");

  return ws_sso_cache_file_name (key->str);
}

GDateTime *
ws_sso_parse_time (const char *text)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autofree char *copy = NULL;
  gsize length;

  if (text == NULL)
    return NULL;

  copy = g_strstrip (g_strdup (text));
  length = strlen (copy);

  /* botocore's strftime("%Z") writes "UTC" where ISO 8601 has "Z". */
  if (length > 3 && g_ascii_strcasecmp (copy + length - 3, "UTC") == 0)
    {
      g_autofree char *bare = g_strndup (copy, length - 3);

      g_free (copy);
      copy = g_strconcat (g_strchomp (bare), "Z", NULL);
    }

  /* dateutil also accepts a space between the date and the time. */
  if (strlen (copy) > 10 && copy[10] == ' ')
    copy[10] = 'T';

  return g_date_time_new_from_iso8601 (copy, utc);
}

char *
ws_sso_format_time (GDateTime *time)
{
  g_autoptr(GDateTime) utc = g_date_time_to_utc (time);

  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
}

const char *
ws_sso_object_get_string (JsonObject *object,
                          const char *member)
{
  const char *value = ws_json_get_string (object, member);

  /* The CLI writes "" for fields it has no value for. */
  return value != NULL && *value != '\0' ? value : NULL;
}

gint64
ws_sso_object_get_int (JsonObject *object,
                       const char *member,
                       gint64      fallback)
{
  JsonNode *node;

  if (object == NULL || (node = json_object_get_member (object, member)) == NULL)
    return fallback;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) == G_TYPE_STRING)
    return fallback;

  return json_node_get_int (node);
}

GTimeSpan
ws_sso_object_time_left (JsonObject *object,
                         const char *member,
                         GDateTime  *now)
{
  g_autoptr(GDateTime) time = ws_sso_parse_time (ws_sso_object_get_string (object, member));

  return time != NULL ? g_date_time_difference (time, now) : G_MININT64;
}

gboolean
ws_sso_token_usable (JsonObject *token,
                     GDateTime  *now,
                     GTimeSpan   margin)
{
  return ws_sso_object_get_string (token, "accessToken") != NULL &&
         ws_sso_object_time_left (token, "expiresAt", now) > margin;
}

gboolean
ws_sso_token_refreshable (JsonObject *token,
                          GDateTime  *now)
{
  return ws_sso_object_get_string (token, "refreshToken") != NULL &&
         ws_sso_object_get_string (token, "clientId") != NULL &&
         ws_sso_object_get_string (token, "clientSecret") != NULL &&
         ws_sso_object_time_left (token, "registrationExpiresAt", now) > 0;
}

gboolean
ws_sso_token_apply_reply (JsonObject  *entry,
                          JsonObject  *reply,
                          GDateTime   *now,
                          GError     **error)
{
  const char *access_token = ws_sso_object_get_string (reply, "accessToken");
  const char *refresh_token = ws_sso_object_get_string (reply, "refreshToken");
  gint64 expires_in = ws_sso_object_get_int (reply, "expiresIn", 0);
  g_autoptr(GDateTime) expires = NULL;
  g_autofree char *expires_at = NULL;

  if (access_token == NULL || expires_in <= 0 ||
      (expires = g_date_time_add_seconds (now, expires_in)) == NULL)
    {
      g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_RESPONSE,
                   _("IAM Identity Center sent a token that cannot be read; try signing in again."));
      return FALSE;
    }

  expires_at = ws_sso_format_time (expires);
  json_object_set_string_member (entry, "accessToken", access_token);
  json_object_set_string_member (entry, "expiresAt", expires_at);
  if (refresh_token != NULL)
    json_object_set_string_member (entry, "refreshToken", refresh_token);

  return TRUE;
}

WsCredentials *
ws_sso_role_credentials_parse (JsonObject  *reply,
                               GError     **error)
{
  JsonObject *creds = NULL;
  JsonNode *node;
  const char *access_key_id, *secret_access_key, *session_token;
  gint64 expiration_ms;
  g_autoptr(GDateTime) epoch = g_date_time_new_from_unix_utc (0);
  g_autoptr(GDateTime) expiration = NULL;

  if (reply != NULL && (node = json_object_get_member (reply, "roleCredentials")) != NULL &&
      JSON_NODE_HOLDS_OBJECT (node))
    creds = json_node_get_object (node);

  access_key_id = ws_sso_object_get_string (creds, "accessKeyId");
  secret_access_key = ws_sso_object_get_string (creds, "secretAccessKey");
  session_token = ws_sso_object_get_string (creds, "sessionToken");
  expiration_ms = ws_sso_object_get_int (creds, "expiration", 0);

  /* The portal, unlike STS, gives epoch milliseconds. */
  if (access_key_id == NULL || secret_access_key == NULL || session_token == NULL ||
      expiration_ms <= 0 || expiration_ms > G_MAXINT64 / G_TIME_SPAN_MILLISECOND ||
      (expiration = g_date_time_add (epoch, expiration_ms * G_TIME_SPAN_MILLISECOND)) == NULL)
    {
      g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_RESPONSE,
                   _("IAM Identity Center sent role credentials that cannot be read; try again later."));
      return NULL;
    }

  return ws_credentials_new (access_key_id, secret_access_key, session_token, expiration, "SSO");
}

/* Cache files --------------------------------------------------------------- */

/* Reads @path when it is a regular file of at most @max_size bytes; a
 * FIFO, a device or a huge file is refused without being read whole (or
 * waited on). */
static char *
read_bounded_file (const char  *path,
                   gsize        max_size,
                   gsize       *length,
                   GError     **error)
{
  g_autofree char *contents = NULL;
  struct stat st;
  gsize size = 0;
  gssize n = 0;
  int fd;

  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK, 0);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                           g_strerror (saved_errno));
      return NULL;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode) || (guint64) st.st_size > max_size)
    {
      g_close (fd, NULL);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "not a regular file of at most %" G_GSIZE_FORMAT " bytes", max_size);
      return NULL;
    }

  /* One byte more than its size: a file that grew meanwhile is refused. */
  contents = g_malloc (st.st_size + 1);
  while (size <= (gsize) st.st_size)
    {
      n = read (fd, contents + size, st.st_size + 1 - size);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      size += n;
    }
  g_close (fd, NULL);
  if (n < 0 || size > (gsize) st.st_size)
    {
      ws_secret_wipe (contents, st.st_size + 1);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "changed while being read");
      return NULL;
    }

  *length = size;
  return g_steal_pointer (&contents);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  const char *path = task_data;
  g_autoptr(GError) error = NULL;
  JsonObject *object = NULL;
  char *contents;
  gsize length = 0;

  contents = read_bounded_file (path, WS_SSO_MAX_JSON_SIZE, &length, &error);
  if (contents != NULL)
    {
      object = ws_json_parse_object (contents, length, WS_SSO_MAX_JSON_SIZE);
      ws_secret_wipe (contents, length);
      g_free (contents);
      if (object == NULL)
        g_debug ("Ignoring the SSO cache file %s: not a JSON object", path);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    g_debug ("Ignoring the SSO cache file %s: %s", path, error->message);

  if (g_task_return_error_if_cancelled (task))
    g_clear_pointer (&object, json_object_unref);
  else
    g_task_return_pointer (task, object, (GDestroyNotify) json_object_unref);
}

void
ws_sso_cache_load_async (const char          *path,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (path != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ws_sso_cache_load_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, load_thread);
}

JsonObject *
ws_sso_cache_load_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ws_sso_cache_load_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  char  *path;
  char  *contents;
  gsize  length;
} CacheWrite;

static void
cache_write_free (CacheWrite *write)
{
  ws_secret_wipe (write->contents, write->length);
  g_free (write->contents);
  g_free (write->path);
  g_free (write);
}

static void
write_json_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  CacheWrite *write = task_data;
  GError *error = NULL;

  /* The AWS CLI creates its cache directories private, and so do we. */
  if (!ws_secret_write_file (write->path, write->contents, write->length, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
ws_sso_cache_write_async (const char          *path,
                          JsonObject          *object,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_node_init_object (json_node_alloc (), object);
  g_autoptr(GTask) task = g_task_new (NULL, NULL, callback, user_data);
  CacheWrite *write = g_new0 (CacheWrite, 1);

  json_generator_set_root (generator, root);
  write->path = g_strdup (path);
  write->contents = json_generator_to_data (generator, &write->length);

  g_task_set_source_tag (task, ws_sso_cache_write_async);
  g_task_set_task_data (task, write, (GDestroyNotify) cache_write_free);
  g_task_run_in_thread (task, write_json_thread);
}

gboolean
ws_sso_cache_write_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ws_sso_cache_write_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
