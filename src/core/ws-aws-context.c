/* ws-aws-context.c — the AWS set-up a long-running process shares
 *
 * The config and credentials files are watched with file monitors that
 * follow renames, since editors save by writing a new file and moving it
 * over the old one; a burst of events is one reload, 500 ms after the last.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ws-aws-context.h"

#include "ws-aws-error.h"

#define RELOAD_DELAY_MS 500

struct _WsAwsContext
{
  GObject                parent_instance;

  WsAwsClient           *client;
  char                 **envp;

  WsAwsConfig           *config;
  GError                *config_error;
  WsCredentialsProvider *provider;
  WsMwaa                *mwaa;

  WsMfaPromptFunc        mfa_prompt;
  gpointer               mfa_prompt_data;
  GDestroyNotify         mfa_prompt_destroy;

  GFileMonitor          *monitors[2];
  guint                  reload_id;
};

G_DEFINE_FINAL_TYPE (WsAwsContext, ws_aws_context, G_TYPE_OBJECT)

enum
{
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Builds the config and everything made from it; never fails. */
static void
load (WsAwsContext *self)
{
  const char * const *envp = (const char * const *) self->envp;
  g_autoptr(GError) error = NULL;

  g_clear_object (&self->config);
  g_clear_error (&self->config_error);
  g_clear_object (&self->provider);
  g_clear_object (&self->mwaa);

  self->config = ws_aws_config_load (envp, &error);
  if (self->config == NULL)
    {
      g_debug ("AWS config not loaded: %s", error->message);
      self->config_error = g_steal_pointer (&error);
      self->config = ws_aws_config_new_from_data (NULL, NULL, NULL, NULL, NULL);
    }

  self->provider = ws_credentials_provider_new (self->client, self->config, envp);
  if (self->mfa_prompt != NULL)
    ws_credentials_provider_set_mfa_prompt (self->provider, self->mfa_prompt, self->mfa_prompt_data, NULL);
  self->mwaa = ws_mwaa_new (self->client, self->provider, envp);
}

static gboolean
on_reload_timeout (gpointer user_data)
{
  WsAwsContext *self = user_data;

  self->reload_id = 0;
  ws_aws_context_reload (self);
  return G_SOURCE_REMOVE;
}

static void
on_file_changed (GFileMonitor      *monitor,
                 GFile             *file,
                 GFile             *other_file,
                 GFileMonitorEvent  event,
                 gpointer           user_data)
{
  WsAwsContext *self = user_data;

  /* Restarted on each event: an editor's save is one reload. */
  g_clear_handle_id (&self->reload_id, g_source_remove);
  self->reload_id = g_timeout_add (RELOAD_DELAY_MS, on_reload_timeout, self);
}

static GFileMonitor *
watch (WsAwsContext *self,
       gboolean      credentials)
{
  g_autofree char *path = ws_aws_config_resolve_file_path ((const char * const *) self->envp, credentials);
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  GFileMonitor *monitor;

  if (path == NULL)
    return NULL;

  /* A file monitor watches the directory: a file created later or moved
   * over the old one is seen too. */
  file = g_file_new_for_path (path);
  monitor = g_file_monitor_file (file, G_FILE_MONITOR_WATCH_MOVES, NULL, &error);
  if (monitor == NULL)
    {
      g_debug ("Cannot watch %s: %s", path, error->message);
      return NULL;
    }

  g_signal_connect_object (monitor, "changed", G_CALLBACK (on_file_changed), self, G_CONNECT_DEFAULT);
  return monitor;
}

static void
ws_aws_context_dispose (GObject *object)
{
  WsAwsContext *self = WS_AWS_CONTEXT (object);

  g_clear_handle_id (&self->reload_id, g_source_remove);
  for (guint i = 0; i < G_N_ELEMENTS (self->monitors); i++)
    {
      if (self->monitors[i] != NULL)
        g_file_monitor_cancel (self->monitors[i]);
      g_clear_object (&self->monitors[i]);
    }

  G_OBJECT_CLASS (ws_aws_context_parent_class)->dispose (object);
}

static void
ws_aws_context_finalize (GObject *object)
{
  WsAwsContext *self = WS_AWS_CONTEXT (object);

  g_clear_object (&self->provider);
  g_clear_object (&self->mwaa);
  g_clear_object (&self->config);
  g_clear_error (&self->config_error);
  g_clear_object (&self->client);
  g_clear_pointer (&self->envp, g_strfreev);
  if (self->mfa_prompt_destroy != NULL)
    self->mfa_prompt_destroy (self->mfa_prompt_data);

  G_OBJECT_CLASS (ws_aws_context_parent_class)->finalize (object);
}

static void
ws_aws_context_class_init (WsAwsContextClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ws_aws_context_dispose;
  object_class->finalize = ws_aws_context_finalize;

  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);
}

static void
ws_aws_context_init (WsAwsContext *self)
{
}

WsAwsContext *
ws_aws_context_new (WsAwsClient        *client,
                    const char * const *environ)
{
  WsAwsContext *self;

  g_return_val_if_fail (WS_IS_AWS_CLIENT (client), NULL);
  g_return_val_if_fail (environ != NULL, NULL);

  self = g_object_new (WS_TYPE_AWS_CONTEXT, NULL);
  self->client = g_object_ref (client);
  self->envp = g_strdupv ((char **) environ);
  load (self);
  self->monitors[0] = watch (self, FALSE);
  self->monitors[1] = watch (self, TRUE);

  return self;
}

const char * const *
ws_aws_context_get_environ (WsAwsContext *self)
{
  g_return_val_if_fail (WS_IS_AWS_CONTEXT (self), NULL);
  return (const char * const *) self->envp;
}

WsAwsConfig *
ws_aws_context_get_config (WsAwsContext *self)
{
  g_return_val_if_fail (WS_IS_AWS_CONTEXT (self), NULL);
  return self->config;
}

const GError *
ws_aws_context_get_config_error (WsAwsContext *self)
{
  g_return_val_if_fail (WS_IS_AWS_CONTEXT (self), NULL);
  return self->config_error;
}

WsCredentialsProvider *
ws_aws_context_get_provider (WsAwsContext *self)
{
  g_return_val_if_fail (WS_IS_AWS_CONTEXT (self), NULL);
  return self->provider;
}

WsMwaa *
ws_aws_context_get_mwaa (WsAwsContext *self)
{
  g_return_val_if_fail (WS_IS_AWS_CONTEXT (self), NULL);
  return self->mwaa;
}

WsSso *
ws_aws_context_get_sso (WsAwsContext *self)
{
  g_return_val_if_fail (WS_IS_AWS_CONTEXT (self), NULL);
  return ws_credentials_provider_get_sso (self->provider);
}

void
ws_aws_context_set_mfa_prompt (WsAwsContext    *self,
                               WsMfaPromptFunc  func,
                               gpointer         user_data,
                               GDestroyNotify   destroy)
{
  g_return_if_fail (WS_IS_AWS_CONTEXT (self));

  /* The provider borrows the data: drop it there before freeing it. */
  ws_credentials_provider_set_mfa_prompt (self->provider, func, user_data, NULL);
  if (self->mfa_prompt_destroy != NULL)
    self->mfa_prompt_destroy (self->mfa_prompt_data);
  self->mfa_prompt = func;
  self->mfa_prompt_data = user_data;
  self->mfa_prompt_destroy = destroy;
}

void
ws_aws_context_reload (WsAwsContext *self)
{
  g_return_if_fail (WS_IS_AWS_CONTEXT (self));

  g_clear_handle_id (&self->reload_id, g_source_remove);
  load (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}
