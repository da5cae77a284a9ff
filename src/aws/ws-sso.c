/* ws-sso.c — IAM Identity Center: the portal's GetRoleCredentials, token
 * refresh and the OIDC sign-in (authorization code with PKCE, or device code)
 *
 * Tokens and client registrations are read from and written to the AWS
 * CLI's own cache, through ws-sso-cache.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ws-sso.h"

#include <errno.h>
#include <sys/random.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "ws-aws-error.h"
#include "ws-endpoint.h"
#include "ws-json.h"
#include "ws-secret.h"
#include "ws-sso-cache.h"

/* botocore refreshes a token, and reuses a client registration, until
 * 15 min before it expires; a failed refresh only matters in the last 10. */
#define ADVISORY_WINDOW       (15 * G_TIME_SPAN_MINUTE)
#define MANDATORY_WINDOW      (10 * G_TIME_SPAN_MINUTE)
#define DEFAULT_POLL_INTERVAL 5
/* OIDC's codes last 10 minutes; a day bounds the deadline arithmetic. */
#define MAX_CODE_LIFETIME     (24 * 60 * 60)
#define SLOW_DOWN_STEP        5
#define DEVICE_CODE_GRANT     "urn:ietf:params:oauth:grant-type:device_code"
/* The AWS CLI's authorization-code flow: its registration, the scope it
 * asks for when none is configured, and how long it waits for the browser. */
#define AUTH_CODE_GRANT       "authorization_code"
#define REDIRECT_URI          "http://127.0.0.1/oauth/callback"
#define CALLBACK_PATH         "/oauth/callback"
#define DEFAULT_SCOPE         "sso:account:access"
#define DEFAULT_LOGIN_TIMEOUT (10 * 60 * 1000)
/* RFC 7636: 32 random bytes give the 43-character verifier. */
#define VERIFIER_BYTES        32
#define STATE_BYTES           16

struct _WsSso
{
  GObject      parent_instance;

  WsAwsClient *client;
  WsAwsConfig *config;
  GStrv        environ;
  GHashTable  *logins;     /* token cache file name → Login (a reference) */
  GHashTable  *refreshes;  /* token cache path → GPtrArray of waiting GTasks */
  guint        poll_unit;  /* milliseconds per second of poll interval */
  guint        login_timeout; /* milliseconds the browser has to come back */
};

G_DEFINE_FINAL_TYPE (WsSso, ws_sso, G_TYPE_OBJECT)

/* Where a profile's token comes from. */
typedef struct
{
  char  *profile;
  char  *session_name;  /* NULL for a legacy sso_start_url profile */
  char  *start_url;
  char  *region;        /* sso_region: only for the portal and OIDC */
  GStrv  scopes;        /* sso_registration_scopes, NULL when unset */
} SsoSession;

static void
sso_session_free (SsoSession *session)
{
  g_free (session->profile);
  g_free (session->session_name);
  g_free (session->start_url);
  g_free (session->region);
  g_strfreev (session->scopes);
  g_free (session);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SsoSession, sso_session_free)

/* Config -------------------------------------------------------------------- */

static GStrv
parse_scopes (const char *text)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_strstrip (parts[i]);
      if (*parts[i] != '\0')
        g_strv_builder_add (builder, parts[i]);
    }

  return g_strv_builder_end (builder);
}

static char *
config_path (WsSso *self)
{
  return ws_aws_config_resolve_file_path ((const char * const *) self->environ, FALSE);
}

/* A key of an sso-session profile may be in the profile, the session or
 * both (then equal), as botocore's _resolve_sso_session_reference. */
static char *
resolve_key (WsSso       *self,
             const char  *profile,
             const char  *session_name,
             const char  *key,
             GError     **error)
{
  const char *in_profile = ws_aws_config_get_profile_value (self->config, profile, key);
  const char *in_session = NULL;
  g_autofree char *file = NULL;

  if (session_name != NULL)
    in_session = ws_aws_config_get_sso_session_value (self->config, session_name, key);

  if (in_profile != NULL && in_session != NULL && g_strcmp0 (in_profile, in_session) != 0)
    {
      file = config_path (self);
      g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_CONFIG,
                   _("The profile “%s” and the sso-session “%s” set inconsistent values for %s in %s; keep it in one of them."),
                   profile, session_name, key, file);
      return NULL;
    }

  if (in_profile == NULL && in_session == NULL)
    {
      file = config_path (self);
      if (session_name != NULL)
        g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_CONFIG,
                     _("The sso-session “%s” of profile “%s” has no %s; add it in %s."),
                     session_name, profile, key, file);
      else
        g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_CONFIG,
                     _("The profile “%s” has no %s; add it in %s."),
                     profile, key, file);
      return NULL;
    }

  return g_strdup (in_session != NULL ? in_session : in_profile);
}

static SsoSession *
sso_session_resolve (WsSso       *self,
                     const char  *profile,
                     GError     **error)
{
  g_autoptr(SsoSession) session = g_new0 (SsoSession, 1);
  g_autofree char *file = NULL;

  if (!ws_aws_config_has_profile (self->config, profile))
    {
      file = config_path (self);
      g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_UNKNOWN_PROFILE,
                   _("The profile “%s” does not exist in %s; add it or choose another profile."),
                   profile, file);
      return NULL;
    }

  session->profile = g_strdup (profile);
  session->session_name = g_strdup (ws_aws_config_get_profile_value (self->config, profile, "sso_session"));

  if (session->session_name != NULL &&
      !ws_aws_config_has_sso_session (self->config, session->session_name))
    {
      file = config_path (self);
      g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_CONFIG,
                   _("The profile “%s” uses the sso-session “%s”, which is not in %s; add a [sso-session %s] section."),
                   profile, session->session_name, file, session->session_name);
      return NULL;
    }

  if (!(session->start_url = resolve_key (self, profile, session->session_name, "sso_start_url", error)) ||
      !(session->region = resolve_key (self, profile, session->session_name, "sso_region", error)))
    return NULL;

  if (session->session_name != NULL)
    {
      const char *scopes = ws_aws_config_get_sso_session_value (self->config,
                                                                session->session_name,
                                                                "sso_registration_scopes");
      if (scopes != NULL)
        session->scopes = parse_scopes (scopes);
    }

  return g_steal_pointer (&session);
}

static const char *
sso_session_cache_key (SsoSession *session)
{
  return session->session_name != NULL ? session->session_name : session->start_url;
}

static char *
cache_path (WsSso      *self,
            const char *file_name)
{
  const char *home = g_environ_getenv (self->environ, "HOME");

  /* An empty HOME would make the path relative to the working directory. */
  return g_build_filename (home != NULL && *home != '\0' ? home : g_get_home_dir (),
                           ".aws", "sso", "cache", file_name, NULL);
}

char *
ws_sso_dup_token_cache_path (WsSso      *self,
                             const char *session_key)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (WS_IS_SSO (self), NULL);
  g_return_val_if_fail (session_key != NULL, NULL);

  name = ws_sso_cache_file_name (session_key);
  return cache_path (self, name);
}

static char *
token_cache_path (WsSso      *self,
                  SsoSession *session)
{
  return ws_sso_dup_token_cache_path (self, sso_session_cache_key (session));
}

/* The portal's (WS_AWS_SERVICE_SSO) or OIDC's URL for @session. */
static char *
session_endpoint (WsSso         *self,
                  SsoSession    *session,
                  WsAwsService   service,
                  GError       **error)
{
  return ws_endpoint_resolve (service, session->region, NULL, self->config, session->profile,
                              (const char * const *) self->environ, error);
}

static GError *
login_required_error (const char *profile)
{
  return g_error_new (WS_AWS_ERROR, WS_AWS_ERROR_SSO_LOGIN_REQUIRED,
                      _("The SSO session for profile “%s” has expired. Run `windsock login %s` (or `aws sso login --profile %s`)."),
                      profile, profile, profile);
}

/* Cache files --------------------------------------------------------------- */

/* A failed cache write is not fatal: the token is still good for this call. */
static void
warn_if_write_failed (GAsyncResult *result)
{
  g_autoptr(GError) error = NULL;

  if (!ws_sso_cache_write_finish (result, &error))
    g_warning ("%s", error->message);
}

/* The portal and OIDC on the wire ------------------------------------------ */

static JsonObject *
parse_json_object (GBytes *bytes)
{
  gsize length = 0;
  const char *data = g_bytes_get_data (bytes, &length);

  return ws_json_parse_object (data, length, WS_SSO_MAX_JSON_SIZE);
}

static GBytes *
builder_to_bytes (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  gsize length = 0;
  char *data;

  json_generator_set_root (generator, root);
  data = json_generator_to_data (generator, &length);

  /* The body carries the client secret and a device code or refresh token. */
  return g_bytes_new_with_free_func (data, length, ws_secret_free, data);
}

/* One unsigned portal or OIDC request; @body is a finished JsonBuilder,
 * @bearer goes in x-amz-sso_bearer_token. */
static void
sso_send_async (WsSso               *self,
                const char          *operation,
                const char          *method,
                const char          *base_url,
                const char          *path,
                const char          *query,
                JsonBuilder         *body,
                const char          *bearer,
                const char          *region,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_autoptr(GBytes) bytes = body != NULL ? builder_to_bytes (body) : NULL;
  const char * const headers[] = { "x-amz-sso_bearer_token", bearer, NULL };
  WsAwsRequest request = {
    .operation = operation,
    .method = method,
    .base_url = base_url,
    .path = path,
    .query = query,
    .content_type = bytes != NULL ? "application/json" : NULL,
    .body = bytes,
    .region = region,
    .service = NULL, /* the portal and OIDC take no SigV4 */
    .headers = bearer != NULL ? headers : NULL,
  };

  ws_aws_client_send_async (self->client, &request, NULL, cancellable, callback, user_data);
}

/* The answer as a JSON object; errors keep the AWS code
 * (ws_aws_error_get_aws_code()) that the device sign-in branches on. */
static JsonObject *
sso_send_finish (WsSso         *self,
                 GAsyncResult  *result,
                 GError       **error)
{
  g_autoptr(GBytes) bytes = ws_aws_client_send_finish (self->client, result, error);
  JsonObject *object;

  if (bytes == NULL)
    return NULL;

  /* Tokens and role credentials came in @bytes: the client's answer
   * buffers are wiped when their last reference goes. */
  object = parse_json_object (bytes);
  if (object == NULL)
    g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_RESPONSE,
                 _("IAM Identity Center sent an answer that cannot be read; try again later."));

  return object;
}

/* OIDC CreateToken, for every grant; @grant is the grant's own members,
 * name and value in turn, %NULL-terminated. */
static void
create_token_async (WsSso               *self,
                    const char          *oidc_url,
                    const char          *sso_region,
                    const char          *client_id,
                    const char          *client_secret,
                    const char          *grant_type,
                    const char * const  *grant,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "clientId");
  json_builder_add_string_value (builder, client_id);
  json_builder_set_member_name (builder, "clientSecret");
  json_builder_add_string_value (builder, client_secret);
  json_builder_set_member_name (builder, "grantType");
  json_builder_add_string_value (builder, grant_type);
  for (guint i = 0; grant[i] != NULL; i += 2)
    {
      json_builder_set_member_name (builder, grant[i]);
      json_builder_add_string_value (builder, grant[i + 1]);
    }
  json_builder_end_object (builder);

  sso_send_async (self, "CreateToken", "POST", oidc_url, "/token", NULL, builder, NULL,
                  sso_region, cancellable, callback, user_data);
}

/* GetRoleCredentials -------------------------------------------------------- */

static JsonObject *
object_copy (JsonObject *object)
{
  JsonObject *copy = json_object_new ();
  JsonObjectIter iter;
  const char *member;
  JsonNode *node;

  json_object_iter_init_ordered (&iter, object);
  while (json_object_iter_next_ordered (&iter, &member, &node))
    json_object_set_member (copy, member, json_node_copy (node));

  return copy;
}

typedef struct
{
  SsoSession *session;
  char       *account_id;
  char       *role_name;
  char       *token_path;
  JsonObject *token;
} GetCredentials;

static void
get_credentials_free (GetCredentials *data)
{
  g_clear_pointer (&data->session, sso_session_free);
  g_free (data->account_id);
  g_free (data->role_name);
  g_free (data->token_path);
  g_clear_pointer (&data->token, json_object_unref);
  g_free (data);
}

/* The portal's 401 and 403, told in terms of the profile. */
static GError *
role_credentials_error (GetCredentials *data,
                        GError         *error)
{
  guint status = ws_aws_error_get_http_status (error);

  if (status == SOUP_STATUS_UNAUTHORIZED ||
      g_error_matches (error, WS_AWS_ERROR, WS_AWS_ERROR_SSO_LOGIN_REQUIRED))
    {
      g_error_free (error);
      return login_required_error (data->session->profile);
    }

  if (status == SOUP_STATUS_FORBIDDEN)
    {
      g_error_free (error);
      return g_error_new (WS_AWS_ERROR, WS_AWS_ERROR_ACCESS_DENIED,
                          _("IAM Identity Center denied the role “%s” in account %s to profile “%s”; check that your user is assigned to it."),
                          data->role_name, data->account_id, data->session->profile);
    }

  return error;
}

static void
on_role_credentials (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GetCredentials *data = g_task_get_task_data (task);
  g_autoptr(JsonObject) reply = NULL;
  GError *error = NULL;
  WsCredentials *credentials;

  if (!(reply = sso_send_finish (g_task_get_source_object (task), result, &error)))
    g_task_return_error (task, role_credentials_error (data, error));
  else if (!(credentials = ws_sso_role_credentials_parse (reply, &error)))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, credentials, (GDestroyNotify) ws_credentials_unref);
}

/* Each step below takes the task's reference and hands it on. */
static void
fetch_role_credentials (GTask *task_ref)
{
  g_autoptr(GTask) task = task_ref;
  WsSso *self = g_task_get_source_object (task);
  GetCredentials *data = g_task_get_task_data (task);
  g_autofree char *portal_url = NULL;
  g_autofree char *role = NULL;
  g_autofree char *account = NULL;
  g_autofree char *query = NULL;
  GCancellable *cancellable;
  GError *error = NULL;

  portal_url = session_endpoint (self, data->session, WS_AWS_SERVICE_SSO, &error);
  if (portal_url == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  role = g_uri_escape_string (data->role_name, NULL, FALSE);
  account = g_uri_escape_string (data->account_id, NULL, FALSE);
  query = g_strdup_printf ("role_name=%s&account_id=%s", role, account);
  cancellable = g_task_get_cancellable (task);

  sso_send_async (self, "GetRoleCredentials", "GET", portal_url, "/federation/credentials", query,
                  NULL, ws_sso_object_get_string (data->token, "accessToken"), data->session->region,
                  cancellable, on_role_credentials, g_steal_pointer (&task));
}

/* Goes on with the cached token if it lasts more than @margin. */
static void
fetch_or_require_login (GTask     *task_ref,
                        GTimeSpan  margin)
{
  g_autoptr(GTask) task = task_ref;
  GetCredentials *data = g_task_get_task_data (task);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  if (ws_sso_token_usable (data->token, now, margin))
    fetch_role_credentials (g_steal_pointer (&task));
  else
    g_task_return_error (task, login_required_error (data->session->profile));
}

/* One refresh per token file at a time: the profiles of an sso-session
 * share one token, and OIDC may rotate the refresh token, so a second
 * refresh with the old one would fail and ask for a sign-in for nothing.
 * The refresh runs without any caller's cancellable; each caller still
 * honours its own when the refresh is over. */
typedef struct
{
  WsSso      *self;
  char       *token_path;
  char       *profile;
  JsonObject *token;   /* the cached entry being refreshed */
  JsonObject *entry;   /* the refreshed entry, once there is one */
} Refresh;

static void
refresh_free (Refresh *refresh)
{
  g_clear_object (&refresh->self);
  g_free (refresh->token_path);
  g_free (refresh->profile);
  g_clear_pointer (&refresh->token, json_object_unref);
  g_clear_pointer (&refresh->entry, json_object_unref);
  g_free (refresh);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Refresh, refresh_free)

/* Hands the outcome to every caller that waited for this refresh. */
static void
refresh_complete (Refresh *refresh)
{
  g_autoptr(GPtrArray) waiters = NULL;
  g_autofree char *path = NULL;

  /* Taken out first: a waiter may start the next refresh of this file. */
  g_hash_table_steal_extended (refresh->self->refreshes, refresh->token_path,
                               (gpointer *) &path, (gpointer *) &waiters);

  for (guint i = 0; waiters != NULL && i < waiters->len; i++)
    {
      GTask *task = g_object_ref (g_ptr_array_index (waiters, i));
      GetCredentials *data = g_task_get_task_data (task);

      if (g_task_return_error_if_cancelled (task))
        g_object_unref (task);
      else if (refresh->entry != NULL)
        {
          g_clear_pointer (&data->token, json_object_unref);
          data->token = json_object_ref (refresh->entry);
          fetch_role_credentials (task);
        }
      else
        {
          /* As botocore: a failed refresh is fatal only in the last 10 minutes. */
          fetch_or_require_login (task, MANDATORY_WINDOW);
        }
    }
}

static void
on_refreshed_token_written (GObject      *source,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  g_autoptr(Refresh) refresh = user_data;

  warn_if_write_failed (result);
  refresh_complete (refresh);
}

static void
on_token_refreshed (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(Refresh) refresh = user_data;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) entry = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  reply = sso_send_finish (refresh->self, result, &error);
  if (reply != NULL)
    {
      entry = object_copy (refresh->token);
      if (ws_sso_token_apply_reply (entry, reply, now, &error))
        {
          Refresh *writing = g_steal_pointer (&refresh);

          writing->entry = json_object_ref (entry);
          ws_sso_cache_write_async (writing->token_path, entry, on_refreshed_token_written, writing);
          return;
        }
    }

  g_debug ("Could not refresh the SSO token of profile %s: %s", refresh->profile, error->message);
  refresh_complete (refresh);
}

static void
refresh_token (GTask *task_ref)
{
  g_autoptr(GTask) task = task_ref;
  WsSso *self = g_task_get_source_object (task);
  GetCredentials *data = g_task_get_task_data (task);
  g_autofree char *oidc_url = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *waiters;
  Refresh *refresh;

  waiters = g_hash_table_lookup (self->refreshes, data->token_path);
  if (waiters != NULL)
    {
      g_ptr_array_add (waiters, g_steal_pointer (&task));
      return;
    }

  oidc_url = session_endpoint (self, data->session, WS_AWS_SERVICE_SSO_OIDC, &error);
  if (oidc_url == NULL)
    {
      g_debug ("Not refreshing the SSO token of profile %s: %s", data->session->profile, error->message);
      fetch_or_require_login (g_steal_pointer (&task), 0);
      return;
    }

  waiters = g_ptr_array_new_with_free_func (g_object_unref);
  g_hash_table_insert (self->refreshes, g_strdup (data->token_path), waiters);
  g_ptr_array_add (waiters, g_steal_pointer (&task));

  refresh = g_new0 (Refresh, 1);
  refresh->self = g_object_ref (self);
  refresh->token_path = g_strdup (data->token_path);
  refresh->profile = g_strdup (data->session->profile);
  refresh->token = json_object_ref (data->token);
  {
    const char * const grant[] = {
      "refreshToken", ws_sso_object_get_string (refresh->token, "refreshToken"), NULL
    };

    create_token_async (self, oidc_url, data->session->region,
                        ws_sso_object_get_string (refresh->token, "clientId"),
                        ws_sso_object_get_string (refresh->token, "clientSecret"),
                        "refresh_token", grant, NULL, on_token_refreshed, refresh);
  }
}

static void
on_token_loaded (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GetCredentials *data = g_task_get_task_data (task);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  GError *error = NULL;

  data->token = ws_sso_cache_load_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else if (ws_sso_token_usable (data->token, now, ADVISORY_WINDOW))
    fetch_role_credentials (g_steal_pointer (&task));
  else if (data->session->session_name != NULL && ws_sso_token_refreshable (data->token, now))
    refresh_token (g_steal_pointer (&task));
  else
    fetch_or_require_login (g_steal_pointer (&task), 0);
}

void
ws_sso_get_role_credentials_async (WsSso               *self,
                                   const char          *profile,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GetCredentials *data;
  GError *error = NULL;

  g_return_if_fail (WS_IS_SSO (self));
  g_return_if_fail (profile != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ws_sso_get_role_credentials_async);

  data = g_new0 (GetCredentials, 1);
  g_task_set_task_data (task, data, (GDestroyNotify) get_credentials_free);

  if (!(data->session = sso_session_resolve (self, profile, &error)) ||
      !(data->account_id = resolve_key (self, profile, NULL, "sso_account_id", &error)) ||
      !(data->role_name = resolve_key (self, profile, NULL, "sso_role_name", &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  data->token_path = token_cache_path (self, data->session);
  ws_sso_cache_load_async (data->token_path, cancellable, on_token_loaded, g_steal_pointer (&task));
}

WsCredentials *
ws_sso_get_role_credentials_finish (WsSso         *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (WS_IS_SSO (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ws_sso_get_role_credentials_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Sign-in ------------------------------------------------------------------- */

typedef struct _Login Login;

/* One caller of ws_sso_login_async(); several may share a Login. */
typedef struct
{
  Login           *login;
  GTask           *task;
  WsSsoPromptFunc  prompt;
  gpointer         prompt_data;
  GSource         *cancelled_source;
} Waiter;

struct _Login
{
  WsSso        *self;
  SsoSession   *session;
  char         *key;               /* the logins table's key: the token cache file name */
  char         *oidc_url;
  char         *registration_path; /* the CLI's client registration cache */
  GMainContext *context;           /* where the sign-in started */
  GCancellable *cancellable;       /* cancelled once every waiter gave up */
  GPtrArray    *waiters;
  char         *client_id;
  char         *client_secret;
  char         *registration_expires_at;
  char         *verification_uri;  /* what the prompt opens */
  /* device code */
  char         *device_code;
  char         *user_code;
  guint         interval;          /* seconds between polls */
  gint64        deadline;          /* monotonic µs when the device code expires */
  /* authorization code with PKCE */
  gboolean      pkce;
  GStrv         auth_scopes;       /* the configured scopes, else the CLI's default */
  SoupServer   *listener;          /* the loopback redirect target */
  char         *redirect_uri;      /* REDIRECT_URI with the listener's port */
  char         *state;
  char         *code_verifier;
  GSource      *timeout;           /* the browser's time to come back */
  SoupServerMessage *callback;     /* the browser's redirect, answered at the end */
  GError       *outcome;           /* told once the browser has its page */
};

static void
waiter_free (Waiter *waiter)
{
  if (waiter->cancelled_source != NULL)
    {
      g_source_destroy (waiter->cancelled_source);
      g_source_unref (waiter->cancelled_source);
    }
  g_object_unref (waiter->task);
  g_free (waiter);
}

static void login_return (Login  *login,
                          GError *error);

/* The browser's time to come back is over (it came, or the sign-in ended). */
static void
login_stop_timer (Login *login)
{
  if (login->timeout != NULL)
    {
      g_source_destroy (login->timeout);
      g_clear_pointer (&login->timeout, g_source_unref);
    }
}

/* No request reaches the Login any more, and no timer fires. */
static void
login_stop_listening (Login *login)
{
  login_stop_timer (login);
  if (login->listener != NULL)
    {
      soup_server_remove_handler (login->listener, NULL);
      soup_server_disconnect (login->listener);
      g_clear_object (&login->listener);
    }
}

static void
login_clear (Login *login)
{
  /* Normally login_complete() stopped it and told the waiters; a
   * browser page whose connection went before "finished" ends it here. */
  g_clear_object (&login->callback);
  login_stop_listening (login);
  if (login->waiters->len > 0)
    login_return (login, login->outcome != NULL ? g_steal_pointer (&login->outcome)
                                                : g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                                       _("The sign-in was cancelled.")));
  g_object_unref (login->self);
  sso_session_free (login->session);
  g_free (login->key);
  g_free (login->oidc_url);
  g_free (login->registration_path);
  g_main_context_unref (login->context);
  g_object_unref (login->cancellable);
  g_ptr_array_unref (login->waiters);
  g_free (login->client_id);
  ws_secret_free (login->client_secret);
  g_free (login->registration_expires_at);
  ws_secret_free (login->device_code);
  g_free (login->user_code);
  ws_secret_free (login->verification_uri);
  g_strfreev (login->auth_scopes);
  g_free (login->redirect_uri);
  ws_secret_free (login->state);
  ws_secret_free (login->code_verifier);
  g_clear_error (&login->outcome);
}

static Login *
login_ref (Login *login)
{
  return g_rc_box_acquire (login);
}

static void
login_unref (Login *login)
{
  g_rc_box_release_full (login, (GDestroyNotify) login_clear);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Login, login_unref)

/* Forgets the sign-in, so that the next ws_sso_login_async() starts anew. */
static void
login_detach (Login *login)
{
  if (g_hash_table_lookup (login->self->logins, login->key) == login)
    g_hash_table_remove (login->self->logins, login->key);
}

/* The page the browser shows once the redirect reached us. */
static void
answer_browser (SoupServerMessage *msg,
                guint              status,
                const char        *title,
                const char        *text)
{
  g_autofree char *escaped_title = g_markup_escape_text (title, -1);
  g_autofree char *escaped_text = g_markup_escape_text (text, -1);
  g_autofree char *page = g_strdup_printf ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
                                           "<title>%s</title></head>\n<body><h1>%s</h1><p>%s</p></body></html>\n",
                                           escaped_title, escaped_title, escaped_text);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_COPY, page, strlen (page));
}

/* Completes every waiter; takes @error (%NULL = signed in). */
static void
login_return (Login  *login,
              GError *error)
{
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&login->waiters);

  login->waiters = g_ptr_array_new_with_free_func ((GDestroyNotify) waiter_free);

  for (guint i = 0; i < waiters->len; i++)
    {
      Waiter *waiter = g_ptr_array_index (waiters, i);

      if (error != NULL)
        g_task_return_error (waiter->task, g_error_copy (error));
      else
        g_task_return_boolean (waiter->task, TRUE);
    }

  g_clear_error (&error);
}

static void login_complete (Login  *login,
                            GError *error);

static gboolean
on_last_page_idle (gpointer user_data)
{
  Login *login = user_data;

  login_complete (login, g_steal_pointer (&login->outcome));
  return G_SOURCE_REMOVE;
}

/* Out of the message's own I/O before the listener goes. */
static void
on_last_page_sent (SoupServerMessage *msg,
                   Login             *login)
{
  g_autoptr(GSource) idle = g_idle_source_new ();

  g_source_set_callback (idle, on_last_page_idle, login_ref (login), (GDestroyNotify) login_unref);
  g_source_attach (idle, login->context);
}

/* Ends the sign-in with @error (taken; %NULL = signed in). A browser that
 * came back is shown the outcome first, and the callers learn it once the
 * page is out (a command line would otherwise exit before the browser got
 * it); then the loopback listener closes. */
static void
login_complete (Login  *login,
                GError *error)
{
  g_autoptr(SoupServerMessage) callback = g_steal_pointer (&login->callback);

  login_detach (login);
  login_stop_timer (login);

  if (callback != NULL)
    {
      if (error == NULL)
        answer_browser (callback, SOUP_STATUS_OK, _("Signed in"),
                        _("Windsock is signed in to IAM Identity Center. You can close this tab."));
      else
        answer_browser (callback, SOUP_STATUS_BAD_REQUEST, _("Sign-in failed"), error->message);

      g_clear_error (&login->outcome);
      login->outcome = error;
      g_signal_connect_data (callback, "finished", G_CALLBACK (on_last_page_sent),
                             login_ref (login), (GClosureNotify) (void (*) (void)) login_unref,
                             G_CONNECT_DEFAULT);
      soup_server_message_unpause (callback);
      return;
    }

  login_stop_listening (login);
  login_return (login, error);
}

static gboolean
on_waiter_cancelled (GCancellable *cancellable,
                     gpointer      user_data)
{
  Waiter *waiter = user_data;
  g_autoptr(Login) login = login_ref (waiter->login);

  g_task_return_error_if_cancelled (waiter->task);
  g_ptr_array_remove (login->waiters, waiter);

  /* Nobody waits any more: stop polling, or listening for the browser. */
  if (login->waiters->len == 0)
    {
      login_complete (login, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                  _("The sign-in was cancelled.")));
      g_cancellable_cancel (login->cancellable);
    }

  return G_SOURCE_REMOVE;
}

static void
waiter_prompt (Waiter *waiter,
               Login  *login)
{
  if (waiter->prompt != NULL)
    waiter->prompt (login->user_code, login->verification_uri, waiter->prompt_data);
}

static void
login_add_waiter (Login           *login,
                  GTask           *task,
                  WsSsoPromptFunc  prompt,
                  gpointer         prompt_data)
{
  GCancellable *cancellable = g_task_get_cancellable (task);
  Waiter *waiter = g_new0 (Waiter, 1);

  waiter->login = login;
  waiter->task = g_object_ref (task);
  waiter->prompt = prompt;
  waiter->prompt_data = prompt_data;

  if (cancellable != NULL)
    {
      /* A source rather than a signal handler: it runs in the task's own
       * context whichever thread cancels. */
      waiter->cancelled_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (waiter->cancelled_source, G_SOURCE_FUNC (on_waiter_cancelled), waiter, NULL);
      g_source_attach (waiter->cancelled_source, g_task_get_context (task));
    }

  g_ptr_array_add (login->waiters, waiter);

  /* Joining a sign-in whose browser page is already known. */
  if (login->verification_uri != NULL)
    waiter_prompt (waiter, login);
}

static GError *
code_expired_error (const char *profile)
{
  return g_error_new (WS_AWS_ERROR, WS_AWS_ERROR_SSO_LOGIN_REQUIRED,
                      _("The sign-in code for profile “%s” expired before it was approved; run `windsock login %s` again."),
                      profile, profile);
}

/* OIDC's answers that end a sign-in, told in terms of the profile; takes @error. */
static GError *
login_error (Login  *login,
             GError *error)
{
  const char *code = ws_aws_error_get_aws_code (error);
  const char *profile = login->session->profile;
  GError *result = error;

  if (g_strcmp0 (code, "ExpiredTokenException") == 0)
    result = code_expired_error (profile);
  else if (g_strcmp0 (code, "AccessDeniedException") == 0)
    result = g_error_new (WS_AWS_ERROR, WS_AWS_ERROR_ACCESS_DENIED,
                          _("The sign-in for profile “%s” was denied in the browser; run `windsock login %s` to try again."),
                          profile, profile);

  if (result != error)
    g_error_free (error);

  return result;
}

/* The answer of an OIDC call, or %NULL after ending the sign-in with the error. */
static JsonObject *
login_send_finish (Login        *login,
                   GAsyncResult *result)
{
  GError *error = NULL;
  JsonObject *reply = sso_send_finish (login->self, result, &error);

  if (reply == NULL)
    login_complete (login, login_error (login, error));

  return reply;
}

static void poll_token (Login *login);

static void
on_token_written (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(Login) login = user_data;
  GError *error = NULL;

  ws_sso_cache_write_finish (result, &error);
  login_complete (login, error);
}

static void
login_store_token (Login      *login,
                   JsonObject *reply)
{
  g_autoptr(JsonObject) entry = json_object_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *path = cache_path (login->self, login->key);
  GError *error = NULL;

  json_object_set_string_member (entry, "startUrl", login->session->start_url);
  json_object_set_string_member (entry, "region", login->session->region);
  if (!ws_sso_token_apply_reply (entry, reply, now, &error))
    {
      login_complete (login, error);
      return;
    }
  json_object_set_string_member (entry, "clientId", login->client_id);
  json_object_set_string_member (entry, "clientSecret", login->client_secret);
  json_object_set_string_member (entry, "registrationExpiresAt", login->registration_expires_at);

  ws_sso_cache_write_async (path, entry, on_token_written, login_ref (login));
}

static gboolean
on_poll_timeout (gpointer user_data)
{
  Login *login = user_data;

  if (g_cancellable_is_cancelled (login->cancellable))
    login_complete (login, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                _("The sign-in was cancelled.")));
  else
    poll_token (login);

  return G_SOURCE_REMOVE;
}

static void
schedule_poll (Login *login)
{
  WsSso *self = login->self;
  gint64 delay_ms = (gint64) login->interval * self->poll_unit;
  g_autoptr(GSource) timer = NULL;
  g_autoptr(GSource) cancelled = NULL;

  if (g_get_monotonic_time () + delay_ms * 1000 > login->deadline)
    {
      login_complete (login, code_expired_error (login->session->profile));
      return;
    }

  /* The cancellable as a child source wakes the timer at once; it is
   * dispatched first and would call a NULL callback without the dummy. */
  timer = g_timeout_source_new ((guint) delay_ms);
  cancelled = g_cancellable_source_new (login->cancellable);
  g_source_set_dummy_callback (cancelled);
  g_source_add_child_source (timer, cancelled);
  g_source_set_callback (timer, on_poll_timeout, login_ref (login), (GDestroyNotify) login_unref);
  g_source_attach (timer, login->context);
}

static void
on_token_polled (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(Login) login = user_data;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;
  const char *code;

  if ((reply = sso_send_finish (login->self, result, &error)) != NULL)
    {
      login_store_token (login, reply);
      return;
    }

  code = ws_aws_error_get_aws_code (error);
  if (g_strcmp0 (code, "AuthorizationPendingException") == 0)
    schedule_poll (login);
  else if (g_strcmp0 (code, "SlowDownException") == 0)
    {
      login->interval += SLOW_DOWN_STEP;
      schedule_poll (login);
    }
  else
    login_complete (login, login_error (login, g_steal_pointer (&error)));
}

static void
poll_token (Login *login)
{
  const char * const grant[] = { "deviceCode", login->device_code, NULL };

  create_token_async (login->self, login->oidc_url, login->session->region,
                      login->client_id, login->client_secret, DEVICE_CODE_GRANT, grant,
                      login->cancellable, on_token_polled, login_ref (login));
}

static void
on_device_authorization (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(Login) login = user_data;
  g_autoptr(JsonObject) reply = login_send_finish (login, result);
  const char *uri;
  gint64 expires_in;

  if (reply == NULL)
    return;

  uri = ws_sso_object_get_string (reply, "verificationUriComplete");
  if (uri == NULL)
    uri = ws_sso_object_get_string (reply, "verificationUri");
  expires_in = ws_sso_object_get_int (reply, "expiresIn", 0);

  if (ws_sso_object_get_string (reply, "deviceCode") == NULL ||
      ws_sso_object_get_string (reply, "userCode") == NULL || uri == NULL || expires_in <= 0)
    {
      login_complete (login, g_error_new (WS_AWS_ERROR, WS_AWS_ERROR_INVALID_RESPONSE,
                                          _("IAM Identity Center sent a device authorization for profile “%s” that cannot be read; try again later."),
                                          login->session->profile));
      return;
    }

  login->device_code = g_strdup (ws_sso_object_get_string (reply, "deviceCode"));
  login->user_code = g_strdup (ws_sso_object_get_string (reply, "userCode"));
  login->verification_uri = g_strdup (uri);
  login->interval = (guint) CLAMP (ws_sso_object_get_int (reply, "interval", DEFAULT_POLL_INTERVAL), 1, 60);
  login->deadline = g_get_monotonic_time () +
                    MIN (expires_in, MAX_CODE_LIFETIME) * login->self->poll_unit * G_TIME_SPAN_MILLISECOND;

  for (guint i = 0; i < login->waiters->len; i++)
    waiter_prompt (g_ptr_array_index (login->waiters, i), login);

  /* As the CLI: one attempt at once, then every interval. */
  poll_token (login);
}

static void
start_device_authorization (Login *login)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "clientId");
  json_builder_add_string_value (builder, login->client_id);
  json_builder_set_member_name (builder, "clientSecret");
  json_builder_add_string_value (builder, login->client_secret);
  json_builder_set_member_name (builder, "startUrl");
  json_builder_add_string_value (builder, login->session->start_url);
  json_builder_end_object (builder);

  sso_send_async (login->self, "StartDeviceAuthorization", "POST", login->oidc_url,
                  "/device_authorization", NULL, builder, NULL, login->session->region,
                  login->cancellable, on_device_authorization, login_ref (login));
}

/* Authorization code with PKCE ------------------------------------------------ */

/* base64url without padding (RFC 7636). */
static char *
base64url (const guint8 *data,
           gsize         length)
{
  char *text = g_base64_encode (data, length);

  g_strdelimit (text, "+", '-');
  g_strdelimit (text, "/", '_');
  text[strcspn (text, "=")] = '\0';
  return text;
}

/* From the kernel's generator: the verifier and state must not be guessable
 * (GRand is not meant for that). */
static char *
random_base64url (gsize    length,
                  GError **error)
{
  guint8 bytes[VERIFIER_BYTES];
  gsize filled = 0;
  char *text;

  g_assert (length <= sizeof bytes);

  while (filled < length)
    {
      gssize n = getrandom (bytes + filled, length - filled, 0);

      if (n < 0 && errno != EINTR)
        {
          int saved_errno = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Could not get random numbers for the sign-in: %s"), g_strerror (saved_errno));
          return NULL;
        }
      if (n > 0)
        filled += n;
    }

  text = base64url (bytes, length);
  explicit_bzero (bytes, sizeof bytes);
  return text;
}

static char *
pkce_challenge (const char *verifier)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize length = sizeof digest;

  g_checksum_update (checksum, (const guchar *) verifier, -1);
  g_checksum_get_digest (checksum, digest, &length);
  return base64url (digest, length);
}

static void
on_authorization_code_token (GObject      *source,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  g_autoptr(Login) login = user_data;
  g_autoptr(JsonObject) reply = login_send_finish (login, result);

  if (reply != NULL)
    login_store_token (login, reply);
}

static GError *
browser_error (Login      *login,
               const char *oauth_error)
{
  const char *profile = login->session->profile;

  if (g_str_equal (oauth_error, "access_denied"))
    return g_error_new (WS_AWS_ERROR, WS_AWS_ERROR_ACCESS_DENIED,
                        _("The sign-in for profile “%s” was denied in the browser; run `windsock login %s` to try again."),
                        profile, profile);

  return g_error_new (WS_AWS_ERROR, WS_AWS_ERROR_FAILED,
                      _("IAM Identity Center did not sign profile “%s” in (%s); run `windsock login %s` to try again."),
                      profile, oauth_error, profile);
}

/* The browser, redirected by IAM Identity Center, brings the code. */
static void
on_callback (SoupServer        *server,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  g_autoptr(Login) login = login_ref (user_data);
  const char *state = query != NULL ? g_hash_table_lookup (query, "state") : NULL;
  const char *code = query != NULL ? g_hash_table_lookup (query, "code") : NULL;
  const char *oauth_error = query != NULL ? g_hash_table_lookup (query, "error") : NULL;

  /* Only the one redirect this sign-in asked for; favicons and strays get nothing. */
  if (!g_str_equal (path, CALLBACK_PATH) ||
      !g_str_equal (soup_server_message_get_method (msg), SOUP_METHOD_GET) ||
      login->state == NULL || login->callback != NULL)
    {
      answer_browser (msg, SOUP_STATUS_NOT_FOUND, _("Not found"), _("This page belongs to a Windsock sign-in."));
      return;
    }

  /* Answered at the end, so that the page tells the outcome. */
  login->callback = g_object_ref (msg);
  soup_server_message_pause (msg);
  login_stop_timer (login);

  /* As the CLI: a redirect of another sign-in (or forged) ends this one. */
  if (g_strcmp0 (state, login->state) != 0)
    login_complete (login, g_error_new (WS_AWS_ERROR, WS_AWS_ERROR_FAILED,
                                        _("The browser came back from a sign-in other than this one for profile “%s”; run `windsock login %s` again."),
                                        login->session->profile, login->session->profile));
  else if (oauth_error != NULL || code == NULL)
    login_complete (login, browser_error (login, oauth_error != NULL ? oauth_error : "no code"));
  else
    {
      const char * const grant[] = {
        "code", code,
        "redirectUri", login->redirect_uri,
        "codeVerifier", login->code_verifier,
        NULL
      };

      create_token_async (login->self, login->oidc_url, login->session->region,
                          login->client_id, login->client_secret, AUTH_CODE_GRANT, grant,
                          login->cancellable, on_authorization_code_token, login_ref (login));
    }
}

static gboolean
on_browser_timeout (gpointer user_data)
{
  g_autoptr(Login) login = login_ref (user_data);
  const char *profile = login->session->profile;

  login_complete (login, g_error_new (WS_AWS_ERROR, WS_AWS_ERROR_SSO_LOGIN_REQUIRED,
                                      _("The sign-in for profile “%s” was not completed in the browser in time; run `windsock login %s` again."),
                                      profile, profile));
  return G_SOURCE_REMOVE;
}

/* Where the browser is sent: OIDC's authorize page, as the CLI builds it. */
static char *
authorize_url (Login      *login,
               const char *challenge)
{
  g_autoptr(GString) url = g_string_new (login->oidc_url);
  g_autofree char *scopes = g_strjoinv (" ", login->auth_scopes);
  const char * const params[] = {
    "response_type", "code",
    "client_id", login->client_id,
    "redirect_uri", login->redirect_uri,
    "state", login->state,
    "code_challenge_method", "S256",
    "scopes", scopes,
    "code_challenge", challenge,
    NULL
  };

  while (url->len > 0 && url->str[url->len - 1] == '/')
    g_string_truncate (url, url->len - 1);
  g_string_append (url, "/authorize");
  for (guint i = 0; params[i] != NULL; i += 2)
    {
      g_string_append_c (url, i == 0 ? '?' : '&');
      g_string_append (url, params[i]);
      g_string_append_c (url, '=');
      g_string_append_uri_escaped (url, params[i + 1], NULL, FALSE);
    }

  return g_string_free (g_steal_pointer (&url), FALSE);
}

/* The registration is there: send the browser to the authorize page. */
static void
start_authorization (Login *login)
{
  g_autofree char *challenge = NULL;
  GError *error = NULL;

  if (!(login->code_verifier = random_base64url (VERIFIER_BYTES, &error)) ||
      !(login->state = random_base64url (STATE_BYTES, &error)))
    {
      login_complete (login, error);
      return;
    }

  challenge = pkce_challenge (login->code_verifier);
  login->verification_uri = authorize_url (login, challenge);

  login->timeout = g_timeout_source_new (login->self->login_timeout);
  g_source_set_callback (login->timeout, on_browser_timeout, login, NULL);
  g_source_attach (login->timeout, login->context);

  for (guint i = 0; i < login->waiters->len; i++)
    waiter_prompt (g_ptr_array_index (login->waiters, i), login);
}

/* The loopback listener the authorize page redirects to, on a free port. */
static gboolean
login_listen (Login   *login,
              GError **error)
{
  g_autoptr(SoupServer) listener = soup_server_new ("server-header", "", NULL);
  g_autoptr(GError) listen_error = NULL;
  GSList *uris;

  if (!soup_server_listen_local (listener, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &listen_error))
    {
      g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_FAILED,
                   _("Could not listen on 127.0.0.1 for the browser to come back (%s); sign in with `windsock login --use-device-code %s` instead."),
                   listen_error->message, login->session->profile);
      return FALSE;
    }

  uris = soup_server_get_uris (listener);
  login->redirect_uri = g_strdup_printf ("http://127.0.0.1:%d" CALLBACK_PATH, g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  soup_server_add_handler (listener, NULL, on_callback, login, NULL);
  login->listener = g_steal_pointer (&listener);
  return TRUE;
}

/* What comes after the client registration in either flow. */
static void
login_authorize (Login *login)
{
  if (login->pkce)
    start_authorization (login);
  else
    start_device_authorization (login);
}

static void
on_registration_written (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(Login) login = user_data;

  warn_if_write_failed (result);
  login_authorize (login);
}

static void
on_client_registered (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(Login) login = user_data;
  g_autoptr(JsonObject) reply = login_send_finish (login, result);
  g_autoptr(JsonObject) registration = NULL;
  g_autoptr(GDateTime) expires = NULL;
  gint64 expires_at;

  if (reply == NULL)
    return;

  expires_at = ws_sso_object_get_int (reply, "clientSecretExpiresAt", 0);
  if (ws_sso_object_get_string (reply, "clientId") == NULL ||
      ws_sso_object_get_string (reply, "clientSecret") == NULL ||
      expires_at <= 0 || (expires = g_date_time_new_from_unix_utc (expires_at)) == NULL)
    {
      login_complete (login, g_error_new (WS_AWS_ERROR, WS_AWS_ERROR_INVALID_RESPONSE,
                                          _("IAM Identity Center sent a client registration for profile “%s” that cannot be read; try again later."),
                                          login->session->profile));
      return;
    }

  login->client_id = g_strdup (ws_sso_object_get_string (reply, "clientId"));
  login->client_secret = g_strdup (ws_sso_object_get_string (reply, "clientSecret"));
  login->registration_expires_at = ws_sso_format_time (expires);

  /* The CLI's registration cache entry, so that either tool reuses it. */
  registration = json_object_new ();
  json_object_set_string_member (registration, "clientId", login->client_id);
  json_object_set_string_member (registration, "clientSecret", login->client_secret);
  json_object_set_string_member (registration, "expiresAt", login->registration_expires_at);
  if (login->pkce)
    {
      /* As the CLI: the scopes registered, and the grants that tell its
       * two flows' registrations apart. */
      JsonArray *scopes = json_array_new ();
      JsonArray *grant_types = json_array_new ();

      for (guint i = 0; login->auth_scopes[i] != NULL; i++)
        json_array_add_string_element (scopes, login->auth_scopes[i]);
      json_object_set_array_member (registration, "scopes", scopes);
      json_array_add_string_element (grant_types, AUTH_CODE_GRANT);
      json_array_add_string_element (grant_types, "refresh_token");
      json_object_set_array_member (registration, "grantTypes", grant_types);
    }
  else if (login->session->scopes != NULL)
    {
      JsonArray *scopes = json_array_new ();

      for (guint i = 0; login->session->scopes[i] != NULL; i++)
        json_array_add_string_element (scopes, login->session->scopes[i]);
      json_object_set_array_member (registration, "scopes", scopes);
    }

  ws_sso_cache_write_async (login->registration_path, registration,
                            on_registration_written, login_ref (login));
}

static void
register_client (Login *login)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *name = NULL;

  /* The CLI's client names: the session's, or the time for legacy profiles. */
  if (login->session->session_name != NULL)
    name = g_strconcat ("botocore-client-", login->session->session_name, NULL);
  else
    name = g_strdup_printf ("botocore-client-%" G_GINT64_FORMAT, g_get_real_time () / G_USEC_PER_SEC);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "clientName");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "clientType");
  json_builder_add_string_value (builder, "public");
  if (login->pkce)
    {
      json_builder_set_member_name (builder, "grantTypes");
      json_builder_begin_array (builder);
      json_builder_add_string_value (builder, AUTH_CODE_GRANT);
      json_builder_add_string_value (builder, "refresh_token");
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "redirectUris");
      json_builder_begin_array (builder);
      json_builder_add_string_value (builder, REDIRECT_URI);
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "issuerUrl");
      json_builder_add_string_value (builder, login->session->start_url);
      json_builder_set_member_name (builder, "scopes");
      json_builder_begin_array (builder);
      for (guint i = 0; login->auth_scopes[i] != NULL; i++)
        json_builder_add_string_value (builder, login->auth_scopes[i]);
      json_builder_end_array (builder);
    }
  else if (login->session->scopes != NULL && login->session->scopes[0] != NULL)
    {
      json_builder_set_member_name (builder, "scopes");
      json_builder_begin_array (builder);
      for (guint i = 0; login->session->scopes[i] != NULL; i++)
        json_builder_add_string_value (builder, login->session->scopes[i]);
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);

  sso_send_async (login->self, "RegisterClient", "POST", login->oidc_url, "/client/register",
                  NULL, builder, NULL, login->session->region,
                  login->cancellable, on_client_registered, login_ref (login));
}

/* As botocore's _is_registration_for_auth_code: older registrations have
 * no grantTypes and are the device flow's. */
static gboolean
registration_for_auth_code (JsonObject *registration)
{
  JsonNode *node = registration != NULL ? json_object_get_member (registration, "grantTypes") : NULL;
  JsonArray *grant_types;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;

  grant_types = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (grant_types); i++)
    {
      JsonNode *element = json_array_get_element (grant_types, i);

      if (json_node_get_value_type (element) == G_TYPE_STRING &&
          g_str_equal (json_node_get_string (element), AUTH_CODE_GRANT))
        return TRUE;
    }

  return FALSE;
}

static void
on_registration_loaded (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(Login) login = user_data;
  g_autoptr(JsonObject) registration = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  GError *error = NULL;

  registration = ws_sso_cache_load_finish (result, &error);
  if (error != NULL)
    {
      login_complete (login, error);
      return;
    }

  /* The two flows share the cache file; each takes only its own kind. */
  if (ws_sso_object_get_string (registration, "clientId") == NULL ||
      ws_sso_object_get_string (registration, "clientSecret") == NULL ||
      ws_sso_object_time_left (registration, "expiresAt", now) <= ADVISORY_WINDOW ||
      registration_for_auth_code (registration) != login->pkce)
    {
      register_client (login);
      return;
    }

  login->client_id = g_strdup (ws_sso_object_get_string (registration, "clientId"));
  login->client_secret = g_strdup (ws_sso_object_get_string (registration, "clientSecret"));
  login->registration_expires_at = g_strdup (ws_sso_object_get_string (registration, "expiresAt"));
  login_authorize (login);
}

/* A registration the AWS CLI (or we) cached is reused. */
static void
login_start (Login *login)
{
  GError *error = NULL;

  /* Before any request: no listener, no sign-in in the browser. */
  if (login->pkce && !login_listen (login, &error))
    {
      login_complete (login, error);
      return;
    }

  ws_sso_cache_load_async (login->registration_path, login->cancellable,
                           on_registration_loaded, login_ref (login));
}

/* Takes @session and @key (the token cache file name) on success. */
static Login *
login_new (WsSso            *self,
           SsoSession       *session,
           char             *key,
           WsSsoLoginFlags   flags,
           GError          **error)
{
  g_autofree char *oidc_url = NULL;
  g_autofree char *registration_name = NULL;
  Login *login;

  oidc_url = session_endpoint (self, session, WS_AWS_SERVICE_SSO_OIDC, error);
  if (oidc_url == NULL)
    return NULL;

  registration_name = ws_sso_registration_cache_file_name (session->start_url, session->region,
                                                           (const char * const *) session->scopes,
                                                           session->session_name);

  login = g_rc_box_new0 (Login);
  login->self = g_object_ref (self);
  login->key = key;
  login->session = session;
  login->oidc_url = g_steal_pointer (&oidc_url);
  login->registration_path = cache_path (self, registration_name);
  login->context = g_main_context_ref_thread_default ();
  login->cancellable = g_cancellable_new ();
  login->waiters = g_ptr_array_new_with_free_func ((GDestroyNotify) waiter_free);
  /* As the AWS CLI, legacy profiles (no sso-session) sign in with a
   * device code: their tokens cannot be refreshed anyway. */
  login->pkce = !(flags & WS_SSO_LOGIN_DEVICE_CODE) && session->session_name != NULL;
  if (login->pkce)
    {
      const char * const default_scopes[] = { DEFAULT_SCOPE, NULL };

      login->auth_scopes = g_strdupv (session->scopes != NULL && session->scopes[0] != NULL
                                      ? session->scopes : (char **) default_scopes);
    }

  return login;
}

void
ws_sso_login_async (WsSso               *self,
                    const char          *profile,
                    WsSsoLoginFlags      flags,
                    WsSsoPromptFunc      prompt,
                    gpointer             prompt_data,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(SsoSession) session = NULL;
  g_autofree char *key = NULL;
  GError *error = NULL;
  Login *login;

  g_return_if_fail (WS_IS_SSO (self));
  g_return_if_fail (profile != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ws_sso_login_async);

  if (g_task_return_error_if_cancelled (task))
    return;

  if (!(session = sso_session_resolve (self, profile, &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  key = ws_sso_cache_file_name (sso_session_cache_key (session));
  login = g_hash_table_lookup (self->logins, key);
  if (login != NULL)
    {
      login_add_waiter (login, task, prompt, prompt_data);
      return;
    }

  if (!(login = login_new (self, session, key, flags, &error)))
    {
      g_task_return_error (task, error);
      return;
    }
  g_steal_pointer (&session);
  g_steal_pointer (&key);

  g_hash_table_insert (self->logins, g_strdup (login->key), login);
  login_add_waiter (login, task, prompt, prompt_data);
  login_start (login);
}

gboolean
ws_sso_login_finish (WsSso         *self,
                     GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (WS_IS_SSO (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ws_sso_login_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The object ----------------------------------------------------------------- */

void
ws_sso_set_login_timeout (WsSso *self,
                          guint  milliseconds)
{
  g_return_if_fail (WS_IS_SSO (self));
  g_return_if_fail (milliseconds > 0);

  self->login_timeout = milliseconds;
}

void
ws_sso_set_poll_unit (WsSso *self,
                      guint  milliseconds)
{
  g_return_if_fail (WS_IS_SSO (self));
  g_return_if_fail (milliseconds > 0);

  self->poll_unit = milliseconds;
}

static void
ws_sso_finalize (GObject *object)
{
  WsSso *self = (WsSso *) object;

  g_clear_object (&self->client);
  g_clear_object (&self->config);
  g_clear_pointer (&self->environ, g_strfreev);
  g_clear_pointer (&self->logins, g_hash_table_unref);
  g_clear_pointer (&self->refreshes, g_hash_table_unref);

  G_OBJECT_CLASS (ws_sso_parent_class)->finalize (object);
}

static void
ws_sso_class_init (WsSsoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ws_sso_finalize;
}

static void
ws_sso_init (WsSso *self)
{
  self->poll_unit = 1000;
  self->login_timeout = DEFAULT_LOGIN_TIMEOUT;
  self->logins = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) login_unref);
  self->refreshes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) g_ptr_array_unref);
}

WsSso *
ws_sso_new (WsAwsClient        *client,
            WsAwsConfig        *config,
            const char * const *environ)
{
  WsSso *self;

  g_return_val_if_fail (WS_IS_AWS_CLIENT (client), NULL);
  g_return_val_if_fail (WS_IS_AWS_CONFIG (config), NULL);

  self = g_object_new (WS_TYPE_SSO, NULL);
  self->client = g_object_ref (client);
  self->config = g_object_ref (config);
  self->environ = environ != NULL ? g_strdupv ((char **) environ) : g_get_environ ();

  return self;
}
