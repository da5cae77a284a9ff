/* ws-sts.c — the STS wire format as pure functions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ws-sts.h"

#include <string.h>

#include <glib/gi18n.h>

#include "ws-aws-error.h"
#include "ws-secret.h"
#include "ws-sso-cache.h"
#include "ws-xml.h"

#define STS_VERSION "2011-06-15"

static void
form_add (GString    *form,
          const char *name,
          const char *value)
{
  if (value == NULL)
    return;

  /* Escaped straight into the form: printf and g_uri_escape_string()
   * would each leave a copy of the value in memory freed unwiped. */
  g_string_append_c (form, '&');
  g_string_append (form, name);
  g_string_append_c (form, '=');
  g_string_append_uri_escaped (form, value, NULL, FALSE);
}

/* Sized up front: a GString that grows leaves copies of the secrets it
 * held in the memory it gives back. */
static GString *
form_new (const char *action,
          gsize       values_length)
{
  GString *form = g_string_sized_new (128 + 3 * values_length);

  g_string_append (form, "Action=");
  g_string_append (form, action);
  g_string_append (form, "&Version=" STS_VERSION);
  return form;
}

char *
ws_sts_assume_role_body (const char *role_arn,
                         const char *session_name,
                         guint       duration_seconds,
                         const char *external_id,
                         const char *mfa_serial,
                         const char *token_code)
{
  GString *form;

  g_return_val_if_fail (role_arn != NULL, NULL);
  g_return_val_if_fail (session_name != NULL, NULL);

  form = form_new ("AssumeRole",
                   strlen (role_arn) + strlen (session_name) +
                   (external_id ? strlen (external_id) : 0) +
                   (mfa_serial ? strlen (mfa_serial) : 0) +
                   (token_code ? strlen (token_code) : 0));

  form_add (form, "RoleArn", role_arn);
  form_add (form, "RoleSessionName", session_name);
  if (duration_seconds > 0)
    g_string_append_printf (form, "&DurationSeconds=%u", duration_seconds);
  form_add (form, "ExternalId", external_id);
  if (mfa_serial != NULL && token_code != NULL)
    {
      form_add (form, "SerialNumber", mfa_serial);
      form_add (form, "TokenCode", token_code);
    }

  return g_string_free (form, FALSE);
}

char *
ws_sts_session_token_body (const char *mfa_serial,
                           const char *token_code)
{
  GString *form;

  g_return_val_if_fail (mfa_serial != NULL, NULL);
  g_return_val_if_fail (token_code != NULL, NULL);

  form = form_new ("GetSessionToken", strlen (mfa_serial) + strlen (token_code));
  form_add (form, "SerialNumber", mfa_serial);
  form_add (form, "TokenCode", token_code);

  return g_string_free (form, FALSE);
}

char *
ws_sts_web_identity_body (const char *role_arn,
                          const char *session_name,
                          const char *web_identity_token)
{
  GString *form;

  g_return_val_if_fail (role_arn != NULL, NULL);
  g_return_val_if_fail (session_name != NULL, NULL);
  g_return_val_if_fail (web_identity_token != NULL, NULL);

  form = form_new ("AssumeRoleWithWebIdentity",
                   strlen (role_arn) + strlen (session_name) + strlen (web_identity_token));

  form_add (form, "RoleArn", role_arn);
  form_add (form, "RoleSessionName", session_name);
  form_add (form, "WebIdentityToken", web_identity_token);

  return g_string_free (form, FALSE);
}

enum { STS_ACCESS_KEY_ID, STS_SECRET_ACCESS_KEY, STS_SESSION_TOKEN, STS_EXPIRATION, STS_N_FIELDS };

static const char * const sts_field_names[STS_N_FIELDS + 1] = {
  "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration", NULL,
};

static void
sts_fields_free (GString **fields)
{
  for (guint i = 0; i < STS_N_FIELDS; i++)
    ws_secret_string_free (fields[i]);
}

WsCredentials *
ws_sts_parse_credentials (const char  *xml,
                          gsize        length,
                          const char  *source,
                          GError     **error)
{
  g_autoptr(GDateTime) expiration = NULL;
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  GString *fields[STS_N_FIELDS];
  WsCredentials *credentials = NULL;
  gboolean parsed;

  for (guint i = 0; i < STS_N_FIELDS; i++)
    fields[i] = g_string_new (NULL);

  parsed = ws_xml_read_children (xml, length, G_MARKUP_IGNORE_QUALIFIED,
                                 "Credentials", sts_field_names, fields);

  if (parsed && fields[STS_EXPIRATION]->len > 0)
    expiration = g_date_time_new_from_iso8601 (fields[STS_EXPIRATION]->str, utc);

  if (parsed && expiration != NULL &&
      fields[STS_ACCESS_KEY_ID]->len > 0 &&
      fields[STS_SECRET_ACCESS_KEY]->len > 0)
    credentials = ws_credentials_new (fields[STS_ACCESS_KEY_ID]->str,
                                      fields[STS_SECRET_ACCESS_KEY]->str,
                                      fields[STS_SESSION_TOKEN]->str,
                                      expiration, source);
  else
    g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_RESPONSE,
                 _("AWS STS answered without usable credentials; try again later."));

  sts_fields_free (fields);
  return credentials;
}

/* The AWS CLI's cache */

/* Appends `"name": value` (a string) to a key being built in sort_keys
 * order, with Python's ", " and ": " separators; nothing when NULL. */
static void
key_add (GString    *key,
         const char *name,
         const char *value)
{
  if (value == NULL)
    return;

  g_string_append (key, key->len > 1 ? ", \"" : "\"");
  g_string_append (key, name);
  g_string_append (key, "\": ");
  ws_sso_cache_append_python_json (key, value);
}

static char *
cache_name (GString *key)
{
  g_string_append_c (key, '}');
  return ws_sso_cache_file_name (key->str);
}

char *
ws_sts_assume_role_cache_name (const char *role_arn,
                               const char *session_name,
                               guint       duration_seconds,
                               const char *external_id,
                               const char *mfa_serial)
{
  g_autoptr(GString) key = g_string_new ("{");

  g_return_val_if_fail (role_arn != NULL, NULL);

  if (duration_seconds > 0)
    g_string_append_printf (key, "\"DurationSeconds\": %u", duration_seconds);
  key_add (key, "ExternalId", external_id);
  key_add (key, "RoleArn", role_arn);
  key_add (key, "RoleSessionName", session_name);
  key_add (key, "SerialNumber", mfa_serial);
  return cache_name (key);
}

char *
ws_sts_session_token_cache_name (const char *access_key_id,
                                 const char *mfa_serial)
{
  g_autoptr(GString) key = g_string_new ("{");

  g_return_val_if_fail (access_key_id != NULL, NULL);
  g_return_val_if_fail (mfa_serial != NULL, NULL);

  key_add (key, "AccessKeyId", access_key_id);
  key_add (key, "SerialNumber", mfa_serial);
  return cache_name (key);
}

JsonObject *
ws_sts_cache_entry_new (const WsCredentials *credentials)
{
  JsonObject *entry = json_object_new ();
  JsonObject *fields = json_object_new ();
  g_autofree char *expiration = NULL;

  g_return_val_if_fail (credentials != NULL, NULL);
  g_return_val_if_fail (ws_credentials_get_expiration (credentials) != NULL, NULL);

  expiration = ws_sso_format_time (ws_credentials_get_expiration (credentials));
  json_object_set_string_member (fields, "AccessKeyId", ws_credentials_get_access_key_id (credentials));
  json_object_set_string_member (fields, "SecretAccessKey", ws_credentials_get_secret_access_key (credentials));
  json_object_set_string_member (fields, "SessionToken", ws_credentials_get_session_token (credentials));
  json_object_set_string_member (fields, "Expiration", expiration);
  json_object_set_object_member (entry, "Credentials", fields);
  return entry;
}

WsCredentials *
ws_sts_cache_entry_parse (JsonObject *entry,
                          const char *source)
{
  g_autoptr(GDateTime) expiration = NULL;
  JsonObject *fields;
  JsonNode *node;
  const char *access_key_id;
  const char *secret_access_key;

  if (entry == NULL || (node = json_object_get_member (entry, "Credentials")) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  fields = json_node_get_object (node);
  access_key_id = ws_sso_object_get_string (fields, "AccessKeyId");
  secret_access_key = ws_sso_object_get_string (fields, "SecretAccessKey");
  expiration = ws_sso_parse_time (ws_sso_object_get_string (fields, "Expiration"));
  if (access_key_id == NULL || secret_access_key == NULL || expiration == NULL)
    return NULL;

  return ws_credentials_new (access_key_id, secret_access_key,
                             ws_sso_object_get_string (fields, "SessionToken"),
                             expiration, source);
}
