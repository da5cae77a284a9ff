/* ws-mwaa-protocol.c — MWAA wire facts as pure functions: names, paths,
 * response parsing, the login URL (see mwaa-api.md §1, §3, §5)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "ws-aws-error.h"
#include "ws-json.h"
#include "ws-endpoint.h"
#include "ws-mwaa-protocol.h"
#include "ws-secret.h"
#include "ws-sigv4.h"

#define NAME_MAX_LENGTH   80
#define MAX_RESULTS_LIMIT 25

/* MWAA answers are a few kilobytes; the limits keep a hostile or broken
 * endpoint from making json-glib allocate or recurse without bound. */
#define MAX_BODY_SIZE  (4 * 1024 * 1024)

G_DEFINE_BOXED_TYPE (WsMwaaEnvironment, ws_mwaa_environment,
                     ws_mwaa_environment_copy, ws_mwaa_environment_free)

WsMwaaEnvironment *
ws_mwaa_environment_copy (const WsMwaaEnvironment *self)
{
  WsMwaaEnvironment *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (WsMwaaEnvironment, 1);
  copy->name = g_strdup (self->name);
  copy->arn = g_strdup (self->arn);
  copy->status = g_strdup (self->status);
  copy->airflow_version = g_strdup (self->airflow_version);
  copy->webserver_hostname = g_strdup (self->webserver_hostname);
  copy->access_mode = g_strdup (self->access_mode);
  copy->environment_class = g_strdup (self->environment_class);
  copy->last_error = g_strdup (self->last_error);

  return copy;
}

void
ws_mwaa_environment_free (WsMwaaEnvironment *self)
{
  if (self == NULL)
    return;

  g_free (self->name);
  g_free (self->arn);
  g_free (self->status);
  g_free (self->airflow_version);
  g_free (self->webserver_hostname);
  g_free (self->access_mode);
  g_free (self->environment_class);
  g_free (self->last_error);
  g_free (self);
}

gboolean
ws_mwaa_validate_environment_name (const char  *name,
                                   GError     **error)
{
  g_autofree char *shown = NULL;
  gsize length;

  g_return_val_if_fail (name != NULL, FALSE);

  if (name[0] == '\0')
    {
      g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_ARGUMENT,
                   _("The environment name is empty; enter the name of an MWAA environment."));
      return FALSE;
    }

  shown = g_utf8_make_valid (name, -1);
  length = strlen (name);

  if (length > NAME_MAX_LENGTH)
    {
      g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_ARGUMENT,
                   _("The environment name “%s” is %u characters long; MWAA allows at most %u."),
                   shown, (guint) MIN (length, G_MAXUINT), (guint) NAME_MAX_LENGTH);
      return FALSE;
    }

  if (!g_ascii_isalpha (name[0]))
    {
      g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_ARGUMENT,
                   _("The environment name “%s” must start with a letter."),
                   shown);
      return FALSE;
    }

  for (const char *p = name; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
        {
          g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_ARGUMENT,
                       _("The environment name “%s” may only contain letters, digits, “-” and “_”."),
                       shown);
          return FALSE;
        }
    }

  return TRUE;
}

/* The characters the config file allows in profile names. */
static gboolean
validate_profile_name (const char  *profile,
                       GError     **error)
{
  const char *p;

  for (p = profile; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && strchr ("-/.%@_:+", *p) == NULL)
        break;
    }

  if (profile[0] == '\0' || *p != '\0')
    {
      g_autofree char *shown = g_utf8_make_valid (profile, -1);

      g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a valid profile name; use letters, digits and - / . %% @ _ : +."),
                   shown);
      return FALSE;
    }

  return TRUE;
}

static gboolean
is_account_id (const char *account)
{
  if (strlen (account) != 12)
    return FALSE;

  for (const char *p = account; *p != '\0'; p++)
    {
      if (!g_ascii_isdigit (*p))
        return FALSE;
    }

  return TRUE;
}

/* arn:PARTITION:airflow:REGION:ACCOUNT:environment/NAME */
static gboolean
parse_environment_arn (const char  *arn,
                       char       **region,
                       char       **name,
                       GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (arn, ":", 6);
  g_autofree char *shown = g_utf8_make_valid (arn, -1);
  const char *resource_name;

  if (g_strv_length (parts) != 6 ||
      !g_str_equal (parts[2], "airflow") ||
      !g_str_has_prefix (parts[5], "environment/"))
    {
      g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not an MWAA environment ARN; it should look like arn:aws:airflow:REGION:ACCOUNT:environment/NAME."),
                   shown);
      return FALSE;
    }

  if (!ws_endpoint_validate_region (parts[3], error))
    return FALSE;

  if (!g_str_equal (parts[1], ws_endpoint_get_partition (parts[3])))
    {
      g_autofree char *partition = g_utf8_make_valid (parts[1], -1);

      g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_ARGUMENT,
                   _("The ARN “%s” names partition “%s”, which does not contain region “%s”; check the ARN."),
                   shown, partition, parts[3]);
      return FALSE;
    }

  if (!is_account_id (parts[4]))
    {
      g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_ARGUMENT,
                   _("The ARN “%s” does not contain a valid account ID; an AWS account ID has 12 digits."),
                   shown);
      return FALSE;
    }

  resource_name = parts[5] + strlen ("environment/");
  if (!ws_mwaa_validate_environment_name (resource_name, error))
    return FALSE;

  *region = g_strdup (parts[3]);
  *name = g_strdup (resource_name);
  return TRUE;
}

/* PROFILE/REGION/NAME, split from the right: profile names may hold "/". */
static gboolean
parse_qualified_ref (const char  *ref,
                     char       **profile,
                     char       **region,
                     char       **name,
                     GError     **error)
{
  const char *last_slash = strrchr (ref, '/');
  const char *region_start;
  g_autofree char *profile_part = NULL;
  g_autofree char *region_part = NULL;

  g_assert (last_slash != NULL);

  region_start = g_strrstr_len (ref, last_slash - ref, "/");
  if (region_start == NULL)
    {
      g_autofree char *shown = g_utf8_make_valid (ref, -1);

      g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a valid environment reference; use NAME, PROFILE/REGION/NAME or an environment ARN."),
                   shown);
      return FALSE;
    }

  profile_part = g_strndup (ref, region_start - ref);
  region_part = g_strndup (region_start + 1, last_slash - region_start - 1);

  if (!validate_profile_name (profile_part, error) ||
      !ws_endpoint_validate_region (region_part, error) ||
      !ws_mwaa_validate_environment_name (last_slash + 1, error))
    return FALSE;

  *profile = g_steal_pointer (&profile_part);
  *region = g_steal_pointer (&region_part);
  *name = g_strdup (last_slash + 1);
  return TRUE;
}

gboolean
ws_mwaa_parse_environment_ref (const char  *ref,
                               char       **profile,
                               char       **region,
                               char       **name,
                               GError     **error)
{
  g_autofree char *profile_out = NULL;
  g_autofree char *region_out = NULL;
  g_autofree char *name_out = NULL;
  gboolean ok;

  g_return_val_if_fail (ref != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_str_has_prefix (ref, "arn:"))
    ok = parse_environment_arn (ref, &region_out, &name_out, error);
  else if (strchr (ref, '/') != NULL)
    ok = parse_qualified_ref (ref, &profile_out, &region_out, &name_out, error);
  else if ((ok = ws_mwaa_validate_environment_name (ref, error)))
    name_out = g_strdup (ref);

  if (!ok)
    return FALSE;

  if (profile != NULL)
    *profile = g_steal_pointer (&profile_out);
  if (region != NULL)
    *region = g_steal_pointer (&region_out);
  if (name != NULL)
    *name = g_steal_pointer (&name_out);

  return TRUE;
}

char *
ws_mwaa_normalize_hostname (const char  *hostname,
                            GError     **error)
{
  g_autofree char *host = NULL;
  gsize length;

  g_return_val_if_fail (hostname != NULL, NULL);

  if (g_ascii_strncasecmp (hostname, "https://", strlen ("https://")) == 0)
    hostname += strlen ("https://");

  host = g_strdup (hostname);
  length = strlen (host);
  if (length > 0 && host[length - 1] == '/')
    host[length - 1] = '\0';

  if (!ws_endpoint_is_valid_hostname (host))
    {
      g_autofree char *shown = g_utf8_make_valid (hostname, -1);

      g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a valid Airflow web server host name; expected a bare host name or https://HOST."),
                   shown);
      return NULL;
    }

  return g_steal_pointer (&host);
}

static gboolean
is_airflow_3_or_later (const char *airflow_version)
{
  if (airflow_version == NULL || !g_ascii_isdigit (airflow_version[0]))
    return FALSE;

  return g_ascii_strtoull (airflow_version, NULL, 10) >= 3;
}

char *
ws_mwaa_build_login_url (const char *hostname,
                         const char *web_token,
                         const char *airflow_version)
{
  g_autofree char *host = NULL;
  char *escaped_token;
  char *url;

  g_return_val_if_fail (hostname != NULL, NULL);
  g_return_val_if_fail (web_token != NULL, NULL);

  host = ws_mwaa_normalize_hostname (hostname, NULL);
  if (host == NULL || web_token[0] == '\0')
    return NULL;

  /* A JWT passes unchanged; anything else must not leave the fragment. */
  escaped_token = g_uri_escape_string (web_token, "!$&'()*+,;=:@/?", FALSE);
  url = g_strconcat ("https://", host,
                     is_airflow_3_or_later (airflow_version) ? "/pluginsv2" : "",
                     "/aws_mwaa/aws-console-sso?login=true#", escaped_token,
                     NULL);
  ws_secret_free (escaped_token);

  return url;
}

char *
ws_mwaa_list_environments_query (const char *next_token,
                                 guint       max_results)
{
  g_autofree char *escaped_token = NULL;

  max_results = CLAMP (max_results, 1, MAX_RESULTS_LIMIT);

  if (next_token == NULL || next_token[0] == '\0')
    return g_strdup_printf ("MaxResults=%u", max_results);

  /* SigV4's URI encoding: everything but unreserved characters, upper-case hex. */
  escaped_token = ws_sigv4_uri_encode (next_token, FALSE);
  return g_strdup_printf ("MaxResults=%u&NextToken=%s", max_results, escaped_token);
}

static void
set_invalid_response (GError     **error,
                      const char  *operation,
                      const char  *problem)
{
  g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_RESPONSE,
               _("MWAA sent an invalid %s response (%s); try again, and check the endpoint URL if you configured one."),
               operation, problem);
}

static JsonObject *
parse_response_object (GBytes      *body,
                       const char  *operation,
                       GError     **error)
{
  gsize length;
  const char *data = g_bytes_get_data (body, &length);
  JsonObject *object = ws_json_parse_object (data, length, MAX_BODY_SIZE);

  if (object == NULL)
    set_invalid_response (error, operation, _("not a JSON object"));
  return object;
}

static gboolean
is_string_node (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

/* Absent and null are both "unset"; any other type is an error. */
static gboolean
get_optional_string (JsonObject  *object,
                     const char  *member,
                     const char  *operation,
                     const char **value,
                     GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  *value = NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!is_string_node (node))
    {
      g_autofree char *problem = g_strdup_printf (_("“%s” is not a string"), member);

      set_invalid_response (error, operation, problem);
      return FALSE;
    }

  *value = json_node_get_string (node);
  return TRUE;
}

static gboolean
get_optional_object (JsonObject  *object,
                     const char  *member,
                     const char  *operation,
                     JsonObject **value,
                     GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  *value = NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autofree char *problem = g_strdup_printf (_("“%s” is not an object"), member);

      set_invalid_response (error, operation, problem);
      return FALSE;
    }

  *value = json_node_get_object (node);
  return TRUE;
}

static void
set_missing_member (GError     **error,
                    const char  *operation,
                    const char  *member)
{
  g_autofree char *problem = g_strdup_printf (_("“%s” is missing"), member);

  set_invalid_response (error, operation, problem);
}

static gboolean
read_web_login_token (JsonObject  *object,
                      char       **hostname,
                      char       **web_token,
                      GError     **error)
{
  const char *operation = "CreateWebLoginToken";
  g_autofree char *host = NULL;
  const char *host_value;
  const char *token_value;

  if (!get_optional_string (object, "WebToken", operation, &token_value, error) ||
      !get_optional_string (object, "WebServerHostname", operation, &host_value, error))
    return FALSE;

  if (token_value == NULL || token_value[0] == '\0')
    {
      set_missing_member (error, operation, "WebToken");
      return FALSE;
    }

  if (host_value == NULL)
    {
      set_missing_member (error, operation, "WebServerHostname");
      return FALSE;
    }

  host = ws_mwaa_normalize_hostname (host_value, NULL);
  if (host == NULL)
    {
      set_invalid_response (error, operation, _("“WebServerHostname” is not a host name"));
      return FALSE;
    }

  *hostname = g_steal_pointer (&host);
  *web_token = g_strdup (token_value);
  return TRUE;
}

/* The parsed tree holds a copy of the token; it is freed with the tree. */
static void
wipe_string_member (JsonObject *object,
                    const char *member)
{
  char *value = (char *) ws_json_get_string (object, member);

  if (value != NULL)
    ws_secret_wipe (value, strlen (value));
}

gboolean
ws_mwaa_parse_web_login_token (GBytes      *body,
                               char       **hostname,
                               char       **web_token,
                               GError     **error)
{
  g_autoptr(JsonObject) object = NULL;
  gboolean ok;

  g_return_val_if_fail (body != NULL, FALSE);
  g_return_val_if_fail (hostname != NULL, FALSE);
  g_return_val_if_fail (web_token != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  object = parse_response_object (body, "CreateWebLoginToken", error);
  if (object == NULL)
    return FALSE;

  ok = read_web_login_token (object, hostname, web_token, error);
  wipe_string_member (object, "WebToken");

  return ok;
}

GPtrArray *
ws_mwaa_parse_list_environments (GBytes      *body,
                                 char       **next_token,
                                 GError     **error)
{
  const char *operation = "ListEnvironments";
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GPtrArray) names = NULL;
  const char *token_value;
  JsonNode *node;
  JsonArray *array;
  guint length;

  g_return_val_if_fail (body != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  object = parse_response_object (body, operation, error);
  if (object == NULL)
    return NULL;

  node = json_object_get_member (object, "Environments");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      set_invalid_response (error, operation, _("“Environments” is not a list"));
      return NULL;
    }

  if (!get_optional_string (object, "NextToken", operation, &token_value, error))
    return NULL;

  array = json_node_get_array (node);
  length = json_array_get_length (array);
  names = g_ptr_array_new_full (length, g_free);

  for (guint i = 0; i < length; i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (!is_string_node (element))
        {
          set_invalid_response (error, operation, _("“Environments” holds something other than names"));
          return NULL;
        }

      g_ptr_array_add (names, g_strdup (json_node_get_string (element)));
    }

  /* An empty token would restart the listing: treat it as the end. */
  if (next_token != NULL)
    *next_token = token_value != NULL && token_value[0] != '\0' ? g_strdup (token_value) : NULL;

  return g_steal_pointer (&names);
}

static gboolean
read_last_error (JsonObject  *environment,
                 const char  *operation,
                 char       **last_error,
                 GError     **error)
{
  JsonObject *last_update;
  JsonObject *update_error = NULL;
  const char *message = NULL;

  if (!get_optional_object (environment, "LastUpdate", operation, &last_update, error))
    return FALSE;

  if (last_update != NULL &&
      !get_optional_object (last_update, "Error", operation, &update_error, error))
    return FALSE;

  if (update_error != NULL &&
      !get_optional_string (update_error, "ErrorMessage", operation, &message, error))
    return FALSE;

  *last_error = g_strdup (message);
  return TRUE;
}

/* WebserverUrl is informational (the login uses CreateWebLoginToken's
 * host), so a value that is no host name is dropped, not fatal. */
static char *
read_webserver_hostname (const char *webserver_url)
{
  g_autoptr(GError) local_error = NULL;
  char *host;

  if (webserver_url == NULL)
    return NULL;

  host = ws_mwaa_normalize_hostname (webserver_url, &local_error);
  if (host == NULL)
    g_debug ("Ignoring WebserverUrl: %s", local_error->message);

  return host;
}

/* The Environment members copied as they are. */
static const struct
{
  const char *member;
  gsize       offset;
} environment_strings[] = {
  { "Name",                G_STRUCT_OFFSET (WsMwaaEnvironment, name) },
  { "Arn",                 G_STRUCT_OFFSET (WsMwaaEnvironment, arn) },
  { "Status",              G_STRUCT_OFFSET (WsMwaaEnvironment, status) },
  { "AirflowVersion",      G_STRUCT_OFFSET (WsMwaaEnvironment, airflow_version) },
  { "WebserverAccessMode", G_STRUCT_OFFSET (WsMwaaEnvironment, access_mode) },
  { "EnvironmentClass",    G_STRUCT_OFFSET (WsMwaaEnvironment, environment_class) },
};

WsMwaaEnvironment *
ws_mwaa_parse_get_environment (GBytes  *body,
                               GError **error)
{
  const char *operation = "GetEnvironment";
  g_autoptr(WsMwaaEnvironment) environment = NULL;
  g_autoptr(JsonObject) object = NULL;
  JsonObject *env_object;
  const char *webserver_url;

  g_return_val_if_fail (body != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  object = parse_response_object (body, operation, error);
  if (object == NULL)
    return NULL;

  if (!get_optional_object (object, "Environment", operation, &env_object, error))
    return NULL;

  if (env_object == NULL)
    {
      set_missing_member (error, operation, "Environment");
      return NULL;
    }

  environment = g_new0 (WsMwaaEnvironment, 1);

  for (guint i = 0; i < G_N_ELEMENTS (environment_strings); i++)
    {
      char **field = G_STRUCT_MEMBER_P (environment, environment_strings[i].offset);
      const char *value;

      if (!get_optional_string (env_object, environment_strings[i].member,
                                operation, &value, error))
        return NULL;
      *field = g_strdup (value);
    }

  if (!get_optional_string (env_object, "WebserverUrl", operation, &webserver_url, error) ||
      !read_last_error (env_object, operation, &environment->last_error, error))
    return NULL;

  environment->webserver_hostname = read_webserver_hostname (webserver_url);

  return g_steal_pointer (&environment);
}
