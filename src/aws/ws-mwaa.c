/* ws-mwaa.c — the MWAA operations Windsock needs
 *
 * This is where profile, region, endpoint and credentials meet: the wire
 * facts live in ws-mwaa-protocol.c and the transport in ws-aws-client.c, so
 * this file only orders the steps and phrases errors for the person who
 * clicked ("Profile prod is not allowed to open Airflow for analytics").
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ws-mwaa.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ws-aws-error.h"
#include "ws-endpoint.h"
#include "ws-secret.h"

/* GetEnvironment calls in flight at once while listing: enough to hide the
 * round trips of a typical account, few enough not to trip throttling. */
#define LIST_PARALLELISM 8
/* ListEnvironments' MaxResults is at most 25. */
#define LIST_PAGE_SIZE   25
/* 10,000 environments: far beyond any account's quota. */
#define LIST_MAX_PAGES   400

struct _WsMwaa
{
  GObject                parent_instance;

  WsAwsClient           *client;
  WsCredentialsProvider *provider;
  GStrv                  environ;
};

G_DEFINE_FINAL_TYPE (WsMwaa, ws_mwaa, G_TYPE_OBJECT)

/* What one operation needs to know about where it runs. */
typedef struct
{
  char          *profile;       /* explicit, or NULL */
  char          *profile_name;  /* for messages: never NULL */
  char          *region;
  char          *name;
  char          *airflow_version;
  char          *api_url;       /* api.airflow… (List, GetEnvironment) */
  char          *env_url;       /* env.airflow… (CreateWebLoginToken) */
  WsCredentials *credentials;

  /* create-login-url */
  char          *hostname;
  char          *web_token;
  guint          pending;
  GError        *token_error;

  /* list */
  GPtrArray     *names;
  GPtrArray     *environments;
  guint          pages;
  guint          next_get;
  guint          gets_in_flight;
} Call;

static void
call_free (Call *call)
{
  g_free (call->profile);
  g_free (call->profile_name);
  g_free (call->region);
  g_free (call->name);
  g_free (call->airflow_version);
  g_free (call->api_url);
  g_free (call->env_url);
  g_clear_pointer (&call->credentials, ws_credentials_unref);
  g_free (call->hostname);
  ws_secret_free (call->web_token);
  g_clear_error (&call->token_error);
  g_clear_pointer (&call->names, g_ptr_array_unref);
  g_clear_pointer (&call->environments, g_ptr_array_unref);
  g_free (call);
}

static WsAwsConfig *
ws_mwaa_get_config (WsMwaa *self)
{
  return ws_credentials_provider_get_config (self->provider);
}

static char *
call_endpoint (WsMwaa      *self,
               Call        *call,
               const char  *host_prefix,
               GError     **error)
{
  return ws_endpoint_resolve (WS_AWS_SERVICE_MWAA, call->region, host_prefix,
                              ws_mwaa_get_config (self), call->profile_name,
                              (const char * const *) self->environ, error);
}

/* Pure checks that need no request: name, profile, region, endpoints.
 * A named profile (--profile or AWS_PROFILE) must exist; "default" need
 * not, since environment credentials work without any file. With a @name
 * the call mints a login token: it needs the env. endpoint, and the api.
 * one only for the optional GetEnvironment beside it. */
static Call *
call_new (WsMwaa      *self,
          const char  *profile,
          const char  *region,
          const char  *name,
          GError     **error)
{
  WsAwsConfig *config = ws_mwaa_get_config (self);
  const char * const *environ = (const char * const *) self->environ;
  const char *profile_name = profile ? profile : ws_aws_config_get_default_profile_name (environ);
  Call *call;

  if (name != NULL && !ws_mwaa_validate_environment_name (name, error))
    return NULL;

  if ((profile != NULL || g_strcmp0 (profile_name, "default") != 0)
      && !ws_aws_config_has_profile (config, profile_name))
    {
      g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_UNKNOWN_PROFILE,
                   _("There is no profile “%s” in your AWS configuration. "
                     "Check the name, or add it with “aws configure --profile %s”."),
                   profile_name, profile_name);
      return NULL;
    }

  call = g_new0 (Call, 1);
  call->profile = g_strdup (profile);
  call->profile_name = g_strdup (profile_name);
  call->name = g_strdup (name);
  call->region = ws_endpoint_resolve_region (region, config, profile_name, environ, error);
  if (call->region == NULL)
    goto failed;

  if (name != NULL)
    {
      call->env_url = call_endpoint (self, call, "env.", error);
      if (call->env_url == NULL)
        goto failed;
      call->api_url = call_endpoint (self, call, "api.", NULL);
    }
  else
    {
      call->api_url = call_endpoint (self, call, "api.", error);
      if (call->api_url == NULL)
        goto failed;
    }

  return call;

failed:
  call_free (call);
  return NULL;
}

/* The Call becomes @task's data; when the pure checks fail, @task has
 * returned their error and this returns %NULL. */
static Call *
task_start_call (WsMwaa     *self,
                 GTask      *task,
                 const char *profile,
                 const char *region,
                 const char *name)
{
  GError *error = NULL;
  Call *call = call_new (self, profile, region, name, &error);

  if (call == NULL)
    g_task_return_error (task, error);
  else
    g_task_set_task_data (task, call, (GDestroyNotify) call_free);
  return call;
}

/* Rewrites an error of @operation so it names who asked for what. */
static void
call_explain_error (Call       *call,
                    const char *operation,
                    GError     *error)
{
  g_autofree char *aws_message = g_strdup (error->message);
  char *message = NULL;

  if (error->domain != WS_AWS_ERROR)
    return;

  switch (error->code)
    {
    case WS_AWS_ERROR_ACCESS_DENIED:
      if (g_strcmp0 (operation, "CreateWebLoginToken") == 0)
        message = g_strdup_printf (_("Profile %s is not allowed to open Airflow for %s "
                                     "(airflow:CreateWebLoginToken denied). Ask your administrator "
                                     "for an Airflow role on arn:aws:airflow:%s:<account>:role/%s/<role>. "
                                     "Details: %s"),
                                   call->profile_name, call->name, call->region, call->name,
                                   aws_message);
      else
        message = g_strdup_printf (_("Profile %s is not allowed to call %s in %s "
                                     "(airflow:%s denied). Details: %s"),
                                   call->profile_name, operation, call->region, operation,
                                   aws_message);
      break;

    case WS_AWS_ERROR_NOT_FOUND:
      if (call->name != NULL)
        message = g_strdup_printf (_("There is no environment %s in %s for profile %s. "
                                     "Check the name and region, or run “windsock list”."),
                                   call->name, call->region, call->profile_name);
      break;

    default:
      break;
    }

  if (message == NULL)
    message = g_strdup_printf (_("Profile %s, region %s: %s"),
                               call->profile_name, call->region, aws_message);

  g_free (error->message);
  error->message = message;
}

static void
return_error (GTask      *task,
              const char *operation,
              GError     *error)
{
  Call *call = g_task_get_task_data (task);

  if (call != NULL && operation != NULL)
    call_explain_error (call, operation, error);
  g_task_return_error (task, error);
}

/* Every operation starts by fetching credentials for its profile. */
static void
call_get_credentials (WsMwaa              *self,
                      GTask               *task,
                      GAsyncReadyCallback  then)
{
  Call *call = g_task_get_task_data (task);

  ws_credentials_provider_get_async (self->provider, call->profile,
                                     g_task_get_cancellable (task),
                                     then, task);
}

static gboolean
call_take_credentials (WsMwaa        *self,
                       GTask         *task,
                       GAsyncResult  *result)
{
  Call *call = g_task_get_task_data (task);
  GError *error = NULL;

  call->credentials = ws_credentials_provider_get_finish (self->provider, result, &error);
  if (call->credentials == NULL)
    {
      g_task_return_error (task, error);
      return FALSE;
    }
  return TRUE;
}

/* GetEnvironment for @name. */
static void
send_get_environment (WsMwaa              *self,
                      Call                *call,
                      const char          *name,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autofree char *escaped = g_uri_escape_string (name, NULL, FALSE);
  g_autofree char *path = g_strconcat ("/environments/", escaped, NULL);
  WsAwsRequest request = {
    .operation = "GetEnvironment",
    .method = "GET",
    .base_url = call->api_url,
    .path = path,
    .region = call->region,
    .service = "airflow",
  };

  ws_aws_client_send_async (self->client, &request, call->credentials,
                            cancellable, callback, user_data);
}

/* create-login-url */

static void
login_url_complete (GTask *task)
{
  Call *call = g_task_get_task_data (task);

  if (--call->pending > 0)
    return;

  if (call->token_error != NULL)
    {
      return_error (task, "CreateWebLoginToken", g_steal_pointer (&call->token_error));
    }
  else
    {
      char *url = ws_mwaa_build_login_url (call->hostname, call->web_token,
                                           call->airflow_version);

      if (url != NULL)
        g_task_return_pointer (task, url, (GDestroyNotify) ws_secret_free);
      else
        g_task_return_new_error (task, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_RESPONSE,
                                 _("MWAA answered CreateWebLoginToken for %s without a usable "
                                   "web server host or token; try again."),
                                 call->name);
    }
  g_object_unref (task);
}

static void
on_login_token (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  Call *call = g_task_get_task_data (task);
  g_autoptr(GBytes) body = NULL;

  body = ws_aws_client_send_finish (WS_AWS_CLIENT (source), result, &call->token_error);
  if (body != NULL)
    ws_mwaa_parse_web_login_token (body, &call->hostname, &call->web_token, &call->token_error);

  login_url_complete (task);
}

/* A failed GetEnvironment (a user with only AmazonMWAAWebServerAccess may
 * not call it) falls back to the documented Airflow 2 URL. */
static void
on_login_environment (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  GTask *task = user_data;
  Call *call = g_task_get_task_data (task);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  body = ws_aws_client_send_finish (WS_AWS_CLIENT (source), result, &error);
  if (body != NULL)
    {
      g_autoptr(WsMwaaEnvironment) environment = ws_mwaa_parse_get_environment (body, &error);

      if (environment != NULL)
        call->airflow_version = g_strdup (environment->airflow_version);
    }
  if (error != NULL)
    g_debug ("GetEnvironment for the login URL failed, using the Airflow 2 path: %s",
             error->message);

  login_url_complete (task);
}

static void
on_login_credentials (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  GTask *task = user_data;
  WsMwaa *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;

  if (!call_take_credentials (self, task, result))
    {
      g_object_unref (task);
      return;
    }

  escaped = g_uri_escape_string (call->name, NULL, FALSE);
  path = g_strconcat ("/webtoken/", escaped, NULL);

  call->pending = 1;
  if (call->airflow_version == NULL && call->api_url != NULL)
    {
      call->pending++;
      send_get_environment (self, call, call->name, cancellable, on_login_environment, task);
    }

  {
    WsAwsRequest request = {
      .operation = "CreateWebLoginToken",
      .method = "POST",
      .base_url = call->env_url,
      .path = path,
      .region = call->region,
      .service = "airflow",
    };

    ws_aws_client_send_async (self->client, &request, call->credentials,
                              cancellable, on_login_token, task);
  }
}

void
ws_mwaa_create_login_url_async (WsMwaa              *self,
                                const char          *profile,
                                const char          *region,
                                const char          *name,
                                const char          *airflow_version,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Call *call;

  g_return_if_fail (WS_IS_MWAA (self));
  g_return_if_fail (name != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ws_mwaa_create_login_url_async);

  call = task_start_call (self, task, profile, region, name);
  if (call == NULL)
    return;
  call->airflow_version = g_strdup (airflow_version);

  call_get_credentials (self, task, on_login_credentials);
  g_steal_pointer (&task);
}

/**
 * ws_mwaa_create_login_url_finish:
 *
 * Returns: (transfer full): the login URL; a secret: free it with a wipe
 */
char *
ws_mwaa_create_login_url_finish (WsMwaa        *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* list */

static int
compare_environments (gconstpointer a,
                      gconstpointer b)
{
  const WsMwaaEnvironment *ea = *(WsMwaaEnvironment * const *) a;
  const WsMwaaEnvironment *eb = *(WsMwaaEnvironment * const *) b;

  return g_strcmp0 (ea->name, eb->name);
}

static void list_get_next (GTask *task);

typedef struct
{
  GTask *task;
  guint  index;
} ListGet;

static void
on_list_environment (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  ListGet *get = user_data;
  GTask *task = get->task;
  Call *call = g_task_get_task_data (task);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  WsMwaaEnvironment *environment = NULL;

  body = ws_aws_client_send_finish (WS_AWS_CLIENT (source), result, &error);
  if (body != NULL)
    environment = ws_mwaa_parse_get_environment (body, &error);

  call->gets_in_flight--;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_free (get);
      list_get_next (task);
      return;
    }

  if (environment == NULL)
    {
      /* One environment we may not describe still belongs in the list. */
      environment = g_new0 (WsMwaaEnvironment, 1);
      environment->last_error = g_strdup (error->message);
    }
  if (environment->name == NULL)
    environment->name = g_strdup (g_ptr_array_index (call->names, get->index));

  g_ptr_array_add (call->environments, environment);
  g_free (get);

  list_get_next (task);
}

/* Keeps LIST_PARALLELISM GetEnvironment calls in flight; the task returns
 * once the last one is back, so no callback outlives it. */
static void
list_get_next (GTask *task)
{
  WsMwaa *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  gboolean cancelled = g_cancellable_is_cancelled (g_task_get_cancellable (task));

  while (!cancelled && call->next_get < call->names->len
         && call->gets_in_flight < LIST_PARALLELISM)
    {
      ListGet *get = g_new0 (ListGet, 1);

      get->task = task;
      get->index = call->next_get++;
      call->gets_in_flight++;
      send_get_environment (self, call, g_ptr_array_index (call->names, get->index),
                            g_task_get_cancellable (task), on_list_environment, get);
    }

  if (call->gets_in_flight > 0)
    return;

  if (!g_task_return_error_if_cancelled (task))
    {
      g_ptr_array_sort (call->environments, compare_environments);
      g_task_return_pointer (task, g_ptr_array_ref (call->environments),
                             (GDestroyNotify) g_ptr_array_unref);
    }
  g_object_unref (task);
}

static void list_fetch_page (GTask *task, const char *next_token);

static void
on_list_page (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  Call *call = g_task_get_task_data (task);
  g_autofree char *next_token = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GPtrArray) names = NULL;
  GError *error = NULL;

  body = ws_aws_client_send_finish (WS_AWS_CLIENT (source), result, &error);
  if (body != NULL)
    names = ws_mwaa_parse_list_environments (body, &next_token, &error);
  if (names == NULL)
    {
      return_error (task, "ListEnvironments", error);
      g_object_unref (task);
      return;
    }

  for (guint i = 0; i < names->len; i++)
    g_ptr_array_add (call->names, g_strdup (g_ptr_array_index (names, i)));

  /* A server that keeps answering with more pages must not keep us
   * paging forever. */
  if (next_token != NULL && ++call->pages >= LIST_MAX_PAGES)
    {
      return_error (task, "ListEnvironments",
                    g_error_new (WS_AWS_ERROR, WS_AWS_ERROR_INVALID_RESPONSE,
                                 _("ListEnvironments returned more than %u pages."),
                                 LIST_MAX_PAGES));
      g_object_unref (task);
      return;
    }

  if (next_token != NULL)
    list_fetch_page (task, next_token);
  else
    list_get_next (task);
}

static void
list_fetch_page (GTask      *task,
                 const char *next_token)
{
  WsMwaa *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  g_autofree char *query = ws_mwaa_list_environments_query (next_token, LIST_PAGE_SIZE);
  WsAwsRequest request = {
    .operation = "ListEnvironments",
    .method = "GET",
    .base_url = call->api_url,
    .path = "/environments",
    .query = query,
    .region = call->region,
    .service = "airflow",
  };

  ws_aws_client_send_async (self->client, &request, call->credentials,
                            g_task_get_cancellable (task), on_list_page, task);
}

static void
on_list_credentials (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  WsMwaa *self = g_task_get_source_object (task);

  if (!call_take_credentials (self, task, result))
    {
      g_object_unref (task);
      return;
    }

  list_fetch_page (task, NULL);
}

void
ws_mwaa_list_environments_async (WsMwaa              *self,
                                 const char          *profile,
                                 const char          *region,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Call *call;

  g_return_if_fail (WS_IS_MWAA (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ws_mwaa_list_environments_async);

  call = task_start_call (self, task, profile, region, NULL);
  if (call == NULL)
    return;
  call->names = g_ptr_array_new_with_free_func (g_free);
  call->environments = g_ptr_array_new_with_free_func ((GDestroyNotify) ws_mwaa_environment_free);

  call_get_credentials (self, task, on_list_credentials);
  g_steal_pointer (&task);
}

GPtrArray *
ws_mwaa_list_environments_finish (WsMwaa        *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* object */

static void
ws_mwaa_finalize (GObject *object)
{
  WsMwaa *self = (WsMwaa *) object;

  g_clear_object (&self->client);
  g_clear_object (&self->provider);
  g_clear_pointer (&self->environ, g_strfreev);

  G_OBJECT_CLASS (ws_mwaa_parent_class)->finalize (object);
}

static void
ws_mwaa_class_init (WsMwaaClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ws_mwaa_finalize;
}

static void
ws_mwaa_init (WsMwaa *self)
{
}

WsMwaa *
ws_mwaa_new (WsAwsClient           *client,
             WsCredentialsProvider *provider,
             const char * const    *environ)
{
  WsMwaa *self;

  g_return_val_if_fail (WS_IS_AWS_CLIENT (client), NULL);
  g_return_val_if_fail (WS_IS_CREDENTIALS_PROVIDER (provider), NULL);

  self = g_object_new (WS_TYPE_MWAA, NULL);
  self->client = g_object_ref (client);
  self->provider = g_object_ref (provider);
  self->environ = g_strdupv ((char **) environ);

  return self;
}

void
ws_mwaa_preconnect (WsMwaa       *self,
                    const char   *profile,
                    const char   *region,
                    GCancellable *cancellable)
{
  const char * const *environ = (const char * const *) self->environ;
  g_autofree char *base = NULL;

  g_return_if_fail (WS_IS_MWAA (self));
  g_return_if_fail (region != NULL);

  base = ws_endpoint_resolve (WS_AWS_SERVICE_MWAA, region, "env.", ws_mwaa_get_config (self),
                              profile ? profile : ws_aws_config_get_default_profile_name (environ),
                              environ, NULL);
  if (base != NULL)
    ws_aws_client_preconnect (self->client, base, cancellable);
}
