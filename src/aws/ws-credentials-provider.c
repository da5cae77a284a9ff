/* ws-credentials-provider.c — the AWS credential chain, cached per profile
 *
 * The environment's keys first (unless a profile was chosen explicitly),
 * then the chain ws_profile_chain_resolve() finds: a base source (static
 * keys, credential_process, web identity, SSO, credential_source) and the
 * roles to assume from it, one STS call each. The STS wire format is in
 * ws-sts.c and the credential_process runner in ws-credential-process.c;
 * this file orders the steps, caches, coalesces and prompts for MFA, one
 * device at a time, keeping MFA sessions in the AWS CLI's cache.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ws-credentials-provider.h"

#include <string.h>

#include <glib/gi18n.h>

#include "ws-aws-error.h"
#include "ws-credential-process.h"
#include "ws-endpoint.h"
#include "ws-profile-chain.h"
#include "ws-secret.h"
#include "ws-sso-cache.h"
#include "ws-sso.h"
#include "ws-sts.h"

#define REFRESH_MARGIN         (5 * G_TIME_SPAN_MINUTE)
#define PROCESS_TIMEOUT_MS     (60 * 1000)
/* STS takes web identity tokens of up to 20000 characters. */
#define TOKEN_FILE_MAX         (64 * 1024)
#define DEFAULT_REGION         "us-east-1"
/* No profile is named "", so it stands for "AWS_PROFILE / default". */
#define IMPLICIT_PROFILE_KEY   ""

struct _WsCredentialsProvider
{
  GObject          parent_instance;

  WsAwsClient     *client;
  WsAwsConfig     *config;
  char           **envp;
  WsSso           *sso;

  GHashTable      *cache;        /* profile key → WsCredentials */
  GHashTable      *resolutions;  /* profile key → Resolution in flight */
  GHashTable      *mfa_queues;   /* mfa_serial → GQueue of MfaTurn */
  GHashTable      *sessions;     /* MFA session key → WsCredentials */

  WsMfaPromptFunc  mfa_prompt;
  gpointer         mfa_prompt_data;
  GDestroyNotify   mfa_prompt_destroy;

  guint            process_timeout_ms;
};

G_DEFINE_FINAL_TYPE (WsCredentialsProvider, ws_credentials_provider, G_TYPE_OBJECT)

enum { SIGNAL_MFA_FINISHED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* The environment */

/* NULL without an error when AWS_ACCESS_KEY_ID is not set. */
static WsCredentials *
env_credentials (WsCredentialsProvider  *self,
                 GError                **error)
{
  const char * const *envp = (const char * const *) self->envp;
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) expiration = NULL;
  const char *access_key_id = ws_aws_config_getenv (envp, "AWS_ACCESS_KEY_ID");
  const char *secret_access_key = ws_aws_config_getenv (envp, "AWS_SECRET_ACCESS_KEY");
  const char *expiration_text = ws_aws_config_getenv (envp, "AWS_CREDENTIAL_EXPIRATION");
  const char *token;

  if (access_key_id == NULL)
    return NULL;

  if (secret_access_key == NULL)
    {
      g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_CONFIG,
                   _("AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not; set both or neither."));
      return NULL;
    }

  /* botocore's EnvProvider reads the legacy name first. */
  token = ws_aws_config_getenv (envp, "AWS_SECURITY_TOKEN");
  if (token == NULL)
    token = ws_aws_config_getenv (envp, "AWS_SESSION_TOKEN");

  if (expiration_text != NULL)
    expiration = g_date_time_new_from_iso8601 (expiration_text, utc);

  return ws_credentials_new (access_key_id, secret_access_key, token, expiration, "environment");
}

/* MFA sessions: kept in memory, and in the AWS CLI's cache for the next
 * process */

static gboolean
is_fresh (WsCredentialsProvider *self,
          WsCredentials         *credentials)
{
  g_autoptr(GDateTime) local_now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) now = NULL;

  /* Expirations are AWS's time: compare them with the corrected clock. */
  now = g_date_time_add (local_now, ws_aws_client_get_clock_offset (self->client));
  if (now == NULL)  /* an offset past year 9999, as the client also allows for */
    now = g_date_time_ref (local_now);

  return !ws_credentials_expires_within (credentials, now, REFRESH_MARGIN);
}

/* The session of an MFA step if it is fresh, or NULL. */
static WsCredentials *
lookup_session (WsCredentialsProvider *self,
                const char            *key)
{
  WsCredentials *session = g_hash_table_lookup (self->sessions, key);

  return session != NULL && is_fresh (self, session) ? session : NULL;
}

/* Where the AWS CLI keeps the session of an MFA step. */
static char *
mfa_session_key (const WsProfileChain *chain,
                 const WsProfileRole  *role)
{
  if (role->role_arn == NULL)
    return ws_sts_session_token_cache_name (chain->source.access_key_id, role->mfa_serial);
  return ws_sts_assume_role_cache_name (role->role_arn, role->role_session_name, role->duration_seconds,
                                        role->external_id, role->mfa_serial);
}

static char *
session_path (WsCredentialsProvider *self,
              const char            *key)
{
  const char *home = ws_aws_config_getenv ((const char * const *) self->envp, "HOME");

  return g_build_filename (home != NULL ? home : g_get_home_dir (), ".aws", "cli", "cache", key, NULL);
}

/* A profile with keys and mfa_serial but no role_arn gets an MFA session
 * from GetSessionToken: a last step without a role. */
static void
chain_add_session_token (WsCredentialsProvider *self,
                         WsProfileChain        *chain)
{
  WsProfileRole step = { 0 };

  if (chain->roles->len > 0 || chain->source.kind != WS_PROFILE_SOURCE_STATIC ||
      chain->source.session_token != NULL)
    return;

  step.profile = chain->profile;
  step.mfa_serial = ws_aws_config_get_profile_setting (self->config, chain->profile, "mfa_serial");
  if (step.mfa_serial != NULL)
    g_array_append_val (chain->roles, step);
}

/* One resolution: the chain walked, one step at a time */

typedef struct _MfaTurn MfaTurn;

typedef struct
{
  WsProfileChain *chain;
  WsCredentials  *current;
  guint           next_role;
  MfaTurn        *turn;         /* while the step waits for or tries a code */
  char           *session_key;  /* of the MFA step */
  char           *region;
  char           *sts_url;
} Job;

static void
job_free (Job *job)
{
  g_clear_pointer (&job->chain, ws_profile_chain_free);
  g_clear_pointer (&job->current, ws_credentials_unref);
  g_free (job->region);
  g_free (job->sts_url);
  g_free (job->session_key);
  g_free (job);
}

static void
job_set_current (GTask         *task,
                 WsCredentials *credentials)
{
  Job *job = g_task_get_task_data (task);

  g_clear_pointer (&job->current, ws_credentials_unref);
  job->current = credentials;
}

static void job_next_role (GTask *task);
static void mfa_on_reply  (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data);

/* STS's region is the selected profile's, as for the AWS CLI. */
static const char *
job_sts_url (GTask   *task,
             GError **error)
{
  WsCredentialsProvider *self = g_task_get_source_object (task);
  Job *job = g_task_get_task_data (task);
  const char * const *envp = (const char * const *) self->envp;

  if (job->sts_url != NULL)
    return job->sts_url;

  job->region = ws_endpoint_resolve_region (NULL, self->config, job->chain->profile, envp, NULL);
  if (job->region == NULL)
    job->region = g_strdup (DEFAULT_REGION);
  job->sts_url = ws_endpoint_resolve (WS_AWS_SERVICE_STS, job->region, NULL, self->config,
                                      job->chain->profile, envp, error);
  return job->sts_url;
}

/* Sends a form to STS: signed with @credentials, or unsigned when NULL. */
static void
job_send_sts (GTask               *task,
              const char          *operation,
              char                *form,
              WsCredentials       *credentials,
              GAsyncReadyCallback  callback)
{
  WsCredentialsProvider *self = g_task_get_source_object (task);
  Job *job = g_task_get_task_data (task);
  g_autoptr(GBytes) body = g_bytes_new_with_free_func (form, strlen (form), ws_secret_free, form);
  GError *error = NULL;
  const char *url = job_sts_url (task, &error);
  WsAwsRequest request = {
    .operation = operation,
    .method = "POST",
    .base_url = url,
    .path = "/",
    .content_type = WS_STS_CONTENT_TYPE,
    .body = body,
    .region = job->region,
    .service = credentials != NULL ? "sts" : NULL,
  };

  if (url == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  ws_aws_client_send_async (self->client, &request, credentials,
                            g_task_get_cancellable (task), callback, g_object_ref (task));
}

/* The credentials in an STS answer; errors name what was asked for. */
static WsCredentials *
job_finish_sts (GTask         *task,
                GAsyncResult  *result,
                const char    *role_arn,
                const char    *source,
                GError       **error)
{
  WsCredentialsProvider *self = g_task_get_source_object (task);
  Job *job = g_task_get_task_data (task);
  g_autoptr(GError) local_error = NULL;
  WsCredentials *credentials = NULL;
  GBytes *body;

  body = ws_aws_client_send_finish (self->client, result, &local_error);
  if (body != NULL)
    {
      credentials = ws_sts_parse_credentials (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                              source, &local_error);
      g_bytes_unref (body);  /* the client's buffers wipe themselves */
    }

  if (credentials != NULL)
    return credentials;

  /* Prefixed rather than re-created, so the AWS error code stays on it. */
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, g_steal_pointer (&local_error));
  else if (role_arn == NULL)
    g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                _("Could not start an MFA session for profile “%s”: "),
                                job->chain->profile);
  else
    g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                _("Could not assume role %s for profile “%s”: "),
                                role_arn, job->chain->profile);
  return NULL;
}

/* Each step's credentials are the next role's source; the last ones are
 * the result. */
static void
job_take_result (GTask         *task,
                 WsCredentials *credentials,
                 GError        *error)
{
  if (credentials == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  job_set_current (task, credentials);
  job_next_role (task);
}

static char *
default_session_name (void)
{
  return g_strdup_printf ("windsock-%" G_GINT64_FORMAT, g_get_real_time () / G_USEC_PER_SEC);
}

/* The role being assumed, or the GetSessionToken step (no role_arn). */
static const WsProfileRole *
job_step (Job *job)
{
  return &g_array_index (job->chain->roles, WsProfileRole, job->next_role - 1);
}

static char *
step_source (const WsProfileRole *role)
{
  return role->role_arn != NULL ? g_strdup_printf ("assume role %s", role->role_arn)
                                : g_strdup ("MFA session");
}

static void job_on_step (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data);

static void
job_send_step (GTask      *task,
               const char *token_code)
{
  Job *job = g_task_get_task_data (task);
  const WsProfileRole *role = job_step (job);
  g_autofree char *session_name = NULL;

  if (role->role_arn == NULL)
    {
      job_send_sts (task, "GetSessionToken", ws_sts_session_token_body (role->mfa_serial, token_code),
                    job->current, job_on_step);
      return;
    }

  session_name = role->role_session_name ? g_strdup (role->role_session_name) : default_session_name ();
  job_send_sts (task, "AssumeRole",
                ws_sts_assume_role_body (role->role_arn, session_name, role->duration_seconds,
                                         role->external_id, role->mfa_serial, token_code),
                job->current, job_on_step);
}

/* MFA: one device's turn at a time, from the first prompt to AWS's
 * answer, since a code is good only once and the prompt shows how it went */

struct _MfaTurn
{
  GTask  *task;            /* the Job's */
  guint   attempts;
  GError *previous_error;  /* why the last code was not accepted */
};

static void
mfa_turn_free (MfaTurn *turn)
{
  g_object_unref (turn->task);
  g_clear_error (&turn->previous_error);
  g_free (turn);
}

static void
mfa_ask (WsCredentialsProvider *self,
         MfaTurn               *turn)
{
  const WsProfileRole *role = job_step (g_task_get_task_data (turn->task));
  /* We keep a reference until the reply lands, so a prompt that answers
   * later need not take its own. */
  GTask *reply = g_task_new (self, g_task_get_cancellable (turn->task), mfa_on_reply,
                             g_object_ref (turn->task));

  g_task_set_source_tag (reply, mfa_ask);
  if (turn->previous_error != NULL)
    g_task_set_task_data (reply, g_error_copy (turn->previous_error), (GDestroyNotify) g_error_free);
  turn->attempts++;
  self->mfa_prompt (role->profile, role->mfa_serial, reply, self->mfa_prompt_data);
}

/* Gives the device to the first waiter still wanted. Those cancelled while
 * they queued get no prompt, nor those whose session another turn got;
 * they are answered once the queue is settled. */
static void
mfa_start_head (WsCredentialsProvider *self,
                const char            *serial)
{
  GQueue *queue = g_hash_table_lookup (self->mfa_queues, serial);
  g_autoptr(GPtrArray) settled = g_ptr_array_new_with_free_func ((GDestroyNotify) mfa_turn_free);
  MfaTurn *turn;

  while ((turn = g_queue_peek_head (queue)) != NULL)
    {
      Job *job = g_task_get_task_data (turn->task);

      if (!g_cancellable_is_cancelled (g_task_get_cancellable (turn->task)) &&
          lookup_session (self, job->session_key) == NULL)
        break;
      job->turn = NULL;
      g_ptr_array_add (settled, g_queue_pop_head (queue));
    }

  if (turn != NULL)
    mfa_ask (self, turn);
  else
    g_hash_table_remove (self->mfa_queues, serial);

  for (guint i = 0; i < settled->len; i++)
    {
      GTask *task = ((MfaTurn *) g_ptr_array_index (settled, i))->task;
      Job *job = g_task_get_task_data (task);
      WsCredentials *session = lookup_session (self, job->session_key);

      if (!g_task_return_error_if_cancelled (task))
        job_take_result (task, ws_credentials_ref (session), NULL);
    }
}

static void
mfa_enqueue (WsCredentialsProvider *self,
             GTask                 *task)
{
  Job *job = g_task_get_task_data (task);
  const char *serial = job_step (job)->mfa_serial;
  GQueue *queue = g_hash_table_lookup (self->mfa_queues, serial);

  if (queue == NULL)
    {
      queue = g_queue_new ();
      g_hash_table_insert (self->mfa_queues, g_strdup (serial), queue);
    }

  job->turn = g_new0 (MfaTurn, 1);
  job->turn->task = g_object_ref (task);
  g_queue_push_tail (queue, job->turn);
  if (queue->length == 1)
    mfa_start_head (self, serial);
}

/* Ends the job's turn, tells the prompt, and hands the device on. */
static void
mfa_end_turn (GTask        *task,
              const GError *error)
{
  WsCredentialsProvider *self = g_task_get_source_object (task);
  Job *job = g_task_get_task_data (task);
  g_autofree char *serial = g_strdup (job_step (job)->mfa_serial);
  GQueue *queue = g_hash_table_lookup (self->mfa_queues, serial);
  MfaTurn *turn = job->turn;

  g_assert (g_queue_peek_head (queue) == turn);
  g_queue_pop_head (queue);
  job->turn = NULL;
  g_signal_emit (self, signals[SIGNAL_MFA_FINISHED], 0, serial, error);
  mfa_turn_free (turn);
  mfa_start_head (self, serial);
}

static void
job_fail_turn (GTask  *task,
               GError *error)
{
  mfa_end_turn (task, error);
  g_task_return_error (task, error);
}

static void
mfa_on_reply (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(WsSecret) code = NULL;
  GError *error = NULL;

  code = g_task_propagate_pointer (G_TASK (result), &error);
  /* The reference taken in mfa_ask(). */
  g_object_unref (result);

  if (code != NULL)
    job_send_step (task, code);
  else if (error != NULL)
    job_fail_turn (task, error);
  else
    job_fail_turn (task, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("No MFA code was entered.")));
}

/* STS's answer to a code that was wrong, reused or too old. */
static gboolean
is_mfa_rejection (const GError *error)
{
  return g_error_matches (error, WS_AWS_ERROR, WS_AWS_ERROR_ACCESS_DENIED) &&
         strstr (error->message, "MultiFactorAuthentication") != NULL;
}

static void
job_on_session_written (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* Only the next process loses: it asks again. */
  if (!ws_sso_cache_write_finish (result, &error))
    g_debug ("Could not keep the MFA session: %s", error->message);

  mfa_end_turn (task, NULL);
  job_next_role (task);
}

/* Keeps an MFA session for this process and the next ones, then moves on. */
static void
job_keep_session (GTask         *task,
                  WsCredentials *credentials)
{
  WsCredentialsProvider *self = g_task_get_source_object (task);
  Job *job = g_task_get_task_data (task);
  g_autoptr(JsonObject) entry = ws_sts_cache_entry_new (credentials);
  g_autofree char *path = session_path (self, job->session_key);

  g_hash_table_replace (self->sessions, g_strdup (job->session_key), ws_credentials_ref (credentials));
  job_set_current (task, credentials);
  ws_sso_cache_write_async (path, entry, job_on_session_written, g_object_ref (task));
}

/* A code AWS did not accept is asked for again, up to WS_MFA_MAX_ATTEMPTS. */
static void
job_on_mfa_step_failed (GTask  *task,
                        GError *error)
{
  WsCredentialsProvider *self = g_task_get_source_object (task);
  Job *job = g_task_get_task_data (task);
  MfaTurn *turn = job->turn;

  if (!is_mfa_rejection (error))
    {
      job_fail_turn (task, error);
      return;
    }

  g_debug ("MFA code not accepted: %s", error->message);
  g_error_free (error);
  if (turn->attempts < WS_MFA_MAX_ATTEMPTS)
    {
      g_clear_error (&turn->previous_error);
      turn->previous_error = g_error_new (WS_AWS_ERROR, WS_AWS_ERROR_ACCESS_DENIED,
                                          _("That code was not accepted. Wait for the next code on your MFA device and enter it."));
      mfa_ask (self, turn);
      return;
    }

  job_fail_turn (task, g_error_new (WS_AWS_ERROR, WS_AWS_ERROR_ACCESS_DENIED,
                                    _("AWS did not accept the MFA code for profile “%s” %u times; check that the device is %s and that its clock is right, then try again."),
                                    job_step (job)->profile, turn->attempts, job_step (job)->mfa_serial));
}

static void
job_on_step (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Job *job = g_task_get_task_data (task);
  const WsProfileRole *role = job_step (job);
  g_autofree char *description = step_source (role);
  GError *error = NULL;
  WsCredentials *credentials;

  credentials = job_finish_sts (task, result, role->role_arn, description, &error);
  if (job->turn == NULL)
    job_take_result (task, credentials, error);
  else if (credentials != NULL)
    job_keep_session (task, credentials);
  else
    job_on_mfa_step_failed (task, error);
}

static void
job_on_session_file (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  WsCredentialsProvider *self = g_task_get_source_object (task);
  Job *job = g_task_get_task_data (task);
  const WsProfileRole *role = job_step (job);
  g_autoptr(JsonObject) entry = NULL;
  g_autoptr(WsCredentials) session = NULL;
  g_autofree char *description = step_source (role);
  GError *error = NULL;

  entry = ws_sso_cache_load_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* An expired or unreadable entry is left for the next write to replace. */
  session = ws_sts_cache_entry_parse (entry, description);
  if (session != NULL && is_fresh (self, session))
    {
      g_hash_table_replace (self->sessions, g_strdup (job->session_key), ws_credentials_ref (session));
      job_take_result (task, g_steal_pointer (&session), NULL);
    }
  else if (self->mfa_prompt == NULL)
    g_task_return_new_error (task, WS_AWS_ERROR, WS_AWS_ERROR_MFA_REQUIRED,
                             _("Profile “%s” needs a code from the MFA device %s; open Windsock from your desktop to enter it."),
                             role->profile, role->mfa_serial);
  else
    mfa_enqueue (self, task);
}

/* An MFA step: a session kept in memory or in the AWS CLI's cache
 * answers; else the device is asked for a code. */
static void
job_mfa_step (GTask *task)
{
  WsCredentialsProvider *self = g_task_get_source_object (task);
  Job *job = g_task_get_task_data (task);
  g_autofree char *path = NULL;
  WsCredentials *session;

  g_free (job->session_key);
  job->session_key = mfa_session_key (job->chain, job_step (job));
  session = lookup_session (self, job->session_key);
  if (session != NULL)
    {
      job_take_result (task, ws_credentials_ref (session), NULL);
      return;
    }

  path = session_path (self, job->session_key);
  ws_sso_cache_load_async (path, g_task_get_cancellable (task), job_on_session_file, g_object_ref (task));
}

static void
job_next_role (GTask *task)
{
  Job *job = g_task_get_task_data (task);

  if (job->next_role == job->chain->roles->len)
    {
      g_task_return_pointer (task, g_steal_pointer (&job->current), (GDestroyNotify) ws_credentials_unref);
      return;
    }

  job->next_role++;
  if (job_step (job)->mfa_serial != NULL)
    job_mfa_step (task);
  else
    job_send_step (task, NULL);
}

/* Steps that produce the first credentials */

static void
job_on_process (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  WsCredentials *credentials = ws_credential_process_run_finish (result, &error);

  job_take_result (task, credentials, error);
}

static void
job_on_sso (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  WsCredentials *credentials = ws_sso_get_role_credentials_finish (WS_SSO (source), result, &error);

  job_take_result (task, credentials, error);
}

static void
job_on_web_identity (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Job *job = g_task_get_task_data (task);
  GError *error = NULL;
  WsCredentials *credentials;

  credentials = job_finish_sts (task, result, job->chain->source.role_arn, "web identity", &error);
  job_take_result (task, credentials, error);
}

static void
job_on_token_file (GObject      *file,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Job *job = g_task_get_task_data (task);
  const WsProfileSource *source = &job->chain->source;
  g_autoptr(WsSecret) token = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *session_name = NULL;
  gsize length;

  if (!g_file_load_partial_contents_finish (G_FILE (file), result, &token, &length, NULL, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_CONFIG,
                                 _("Could not read the web identity token file %s: %s"),
                                 source->web_identity_token_file, error->message);
      return;
    }
  if (length > TOKEN_FILE_MAX)
    {
      g_task_return_new_error (task, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_CONFIG,
                               _("The web identity token file %s is larger than a token can be; check that it is the right file."),
                               source->web_identity_token_file);
      return;
    }

  /* A JWT holds no whitespace; a hand-written file may end with a newline. */
  g_strchomp (token);
  session_name = source->role_session_name ? g_strdup (source->role_session_name)
                                           : default_session_name ();
  job_send_sts (task, "AssumeRoleWithWebIdentity",
                ws_sts_web_identity_body (source->role_arn, session_name, token),
                NULL, job_on_web_identity);
}

/* Stops reading a token file that is too large (or endless, as /dev/zero). */
static gboolean
token_file_read_more (const char *contents,
                      goffset     length,
                      gpointer    user_data)
{
  return length <= TOKEN_FILE_MAX;
}

static WsCredentials *
named_source_credentials (WsCredentialsProvider  *self,
                          const WsProfileSource  *source,
                          GError                **error)
{
  GError *local_error = NULL;
  WsCredentials *credentials;

  if (!g_str_equal (source->credential_source, "Environment"))
    {
      g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_CONFIG,
                   _("Windsock cannot use credential_source = %s of profile “%s” on a desktop; use Environment or a source_profile."),
                   source->credential_source, source->profile);
      return NULL;
    }

  credentials = env_credentials (self, &local_error);
  if (credentials == NULL && local_error == NULL)
    g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_NO_CREDENTIALS,
                 _("Profile “%s” takes its credentials from the environment, but AWS_ACCESS_KEY_ID is not set; set it or use a source_profile."),
                 source->profile);
  else if (local_error != NULL)
    g_propagate_error (error, local_error);
  return credentials;
}

static void
job_fetch_source (GTask *task)
{
  WsCredentialsProvider *self = g_task_get_source_object (task);
  Job *job = g_task_get_task_data (task);
  const WsProfileSource *source = &job->chain->source;
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GFile) token_file = NULL;
  GError *error = NULL;
  WsCredentials *credentials;

  switch (source->kind)
    {
    case WS_PROFILE_SOURCE_STATIC:
      job_take_result (task, ws_credentials_new (source->access_key_id, source->secret_access_key,
                                                 source->session_token, NULL, "credentials file"),
                       NULL);
      break;

    case WS_PROFILE_SOURCE_NAMED:
      credentials = named_source_credentials (self, source, &error);
      job_take_result (task, credentials, error);
      break;

    case WS_PROFILE_SOURCE_PROCESS:
      ws_credential_process_run_async (source->credential_process, source->profile,
                                       (const char * const *) self->envp, self->process_timeout_ms,
                                       cancellable, job_on_process, g_object_ref (task));
      break;

    case WS_PROFILE_SOURCE_SSO:
      ws_sso_get_role_credentials_async (self->sso, source->profile, cancellable,
                                         job_on_sso, g_object_ref (task));
      break;

    case WS_PROFILE_SOURCE_WEB_IDENTITY:
      token_file = g_file_new_for_path (source->web_identity_token_file);
      g_file_load_partial_contents_async (token_file, cancellable, token_file_read_more,
                                          job_on_token_file, g_object_ref (task));
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
job_start (WsCredentialsProvider *self,
           const char            *profile,
           GCancellable          *cancellable,
           GAsyncReadyCallback    callback,
           gpointer               user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  GError *error = NULL;
  WsCredentials *credentials;
  Job *job;

  job = g_new0 (Job, 1);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);

  /* "An explicitly provided profile will negate an EnvProvider" (botocore). */
  if (profile == NULL)
    {
      credentials = env_credentials (self, &error);
      if (credentials != NULL)
        {
          g_task_return_pointer (task, credentials, (GDestroyNotify) ws_credentials_unref);
          return;
        }
      if (error != NULL)
        {
          g_task_return_error (task, error);
          return;
        }
    }

  job->chain = ws_profile_chain_resolve (self->config, profile, (const char * const *) self->envp, &error);
  if (job->chain == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  chain_add_session_token (self, job->chain);
  job_fetch_source (task);
}

/* Concurrent requests for one profile share one resolution */

typedef struct _Resolution Resolution;

typedef struct
{
  GTask      *task;
  Resolution *resolution;
  gulong      cancelled_id;
} Waiter;

struct _Resolution
{
  char         *key;
  GPtrArray    *waiters;
  GCancellable *cancellable;
  gint          n_cancelled;
  gboolean      detached;
};

static void
waiter_free (Waiter *waiter)
{
  GCancellable *cancellable = g_task_get_cancellable (waiter->task);

  if (cancellable != NULL)
    g_cancellable_disconnect (cancellable, waiter->cancelled_id);
  g_object_unref (waiter->task);
  g_free (waiter);
}

static void
resolution_free (Resolution *resolution)
{
  g_ptr_array_unref (resolution->waiters);
  g_object_unref (resolution->cancellable);
  g_free (resolution->key);
  g_free (resolution);
}

/* Only when every caller gave up is the shared work stopped. */
static void
waiter_on_cancelled (GCancellable *cancellable,
                     Waiter       *waiter)
{
  Resolution *resolution = waiter->resolution;

  if (g_atomic_int_add (&resolution->n_cancelled, 1) + 1 >= (gint) resolution->waiters->len)
    g_cancellable_cancel (resolution->cancellable);
}

static void
resolution_add_waiter (Resolution *resolution,
                       GTask      *task)
{
  GCancellable *cancellable = g_task_get_cancellable (task);
  Waiter *waiter = g_new0 (Waiter, 1);

  waiter->task = g_object_ref (task);
  waiter->resolution = resolution;
  g_ptr_array_add (resolution->waiters, waiter);
  if (cancellable != NULL)
    waiter->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (waiter_on_cancelled),
                                                  waiter, NULL);
}

static void
resolution_on_done (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  WsCredentialsProvider *self = WS_CREDENTIALS_PROVIDER (source);
  Resolution *resolution = user_data;
  g_autoptr(WsCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  credentials = g_task_propagate_pointer (G_TASK (result), &error);
  if (!resolution->detached)
    g_hash_table_steal (self->resolutions, resolution->key);
  if (credentials != NULL)
    g_hash_table_replace (self->cache, g_strdup (resolution->key), ws_credentials_ref (credentials));

  for (guint i = 0; i < resolution->waiters->len; i++)
    {
      Waiter *waiter = g_ptr_array_index (resolution->waiters, i);

      if (g_task_return_error_if_cancelled (waiter->task))
        continue;
      if (credentials != NULL)
        g_task_return_pointer (waiter->task, ws_credentials_ref (credentials),
                               (GDestroyNotify) ws_credentials_unref);
      else
        g_task_return_error (waiter->task, g_error_copy (error));
    }

  resolution_free (resolution);
}

static Resolution *
resolution_start (WsCredentialsProvider *self,
                  const char            *profile,
                  const char            *key)
{
  Resolution *resolution = g_new0 (Resolution, 1);

  resolution->key = g_strdup (key);
  resolution->waiters = g_ptr_array_new_with_free_func ((GDestroyNotify) waiter_free);
  resolution->cancellable = g_cancellable_new ();
  g_hash_table_insert (self->resolutions, resolution->key, resolution);

  job_start (self, profile, resolution->cancellable, resolution_on_done, resolution);
  return resolution;
}

/* GObject */

static void
ws_credentials_provider_finalize (GObject *object)
{
  WsCredentialsProvider *self = WS_CREDENTIALS_PROVIDER (object);

  if (self->mfa_prompt_destroy != NULL)
    self->mfa_prompt_destroy (self->mfa_prompt_data);
  g_clear_pointer (&self->cache, g_hash_table_unref);
  g_clear_pointer (&self->resolutions, g_hash_table_unref);
  g_clear_pointer (&self->mfa_queues, g_hash_table_unref);
  g_clear_pointer (&self->sessions, g_hash_table_unref);
  g_clear_object (&self->sso);
  g_clear_object (&self->client);
  g_clear_object (&self->config);
  g_clear_pointer (&self->envp, g_strfreev);

  G_OBJECT_CLASS (ws_credentials_provider_parent_class)->finalize (object);
}

static void
ws_credentials_provider_class_init (WsCredentialsProviderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ws_credentials_provider_finalize;

  signals[SIGNAL_MFA_FINISHED] =
    g_signal_new ("mfa-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
ws_credentials_provider_init (WsCredentialsProvider *self)
{
  self->cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) ws_credentials_unref);
  self->resolutions = g_hash_table_new (g_str_hash, g_str_equal);
  self->mfa_queues = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) g_queue_free);
  self->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) ws_credentials_unref);
  self->process_timeout_ms = PROCESS_TIMEOUT_MS;
}

WsCredentialsProvider *
ws_credentials_provider_new (WsAwsClient        *client,
                             WsAwsConfig        *config,
                             const char * const *envp)
{
  const char *timeout;
  guint64 seconds;
  WsCredentialsProvider *self;

  g_return_val_if_fail (WS_IS_AWS_CLIENT (client), NULL);
  g_return_val_if_fail (WS_IS_AWS_CONFIG (config), NULL);
  g_return_val_if_fail (envp != NULL, NULL);

  self = g_object_new (WS_TYPE_CREDENTIALS_PROVIDER, NULL);
  self->client = g_object_ref (client);
  self->config = g_object_ref (config);
  self->envp = g_strdupv ((char **) envp);
  self->sso = ws_sso_new (client, config, envp);
  /* A helper that asks the user something (a password manager, a
   * hardware key) may need longer than a minute. */
  timeout = g_environ_getenv (self->envp, "WINDSOCK_CREDENTIAL_PROCESS_TIMEOUT");
  if (timeout != NULL && g_ascii_string_to_unsigned (timeout, 10, 1, 3600, &seconds, NULL))
    self->process_timeout_ms = (guint) seconds * 1000;

  return self;
}

WsAwsConfig *
ws_credentials_provider_get_config (WsCredentialsProvider *self)
{
  g_return_val_if_fail (WS_IS_CREDENTIALS_PROVIDER (self), NULL);

  return self->config;
}

WsSso *
ws_credentials_provider_get_sso (WsCredentialsProvider *self)
{
  g_return_val_if_fail (WS_IS_CREDENTIALS_PROVIDER (self), NULL);

  return self->sso;
}

void
ws_credentials_provider_set_mfa_prompt (WsCredentialsProvider *self,
                                        WsMfaPromptFunc        func,
                                        gpointer               user_data,
                                        GDestroyNotify         destroy)
{
  g_return_if_fail (WS_IS_CREDENTIALS_PROVIDER (self));

  if (self->mfa_prompt_destroy != NULL)
    self->mfa_prompt_destroy (self->mfa_prompt_data);
  self->mfa_prompt = func;
  self->mfa_prompt_data = user_data;
  self->mfa_prompt_destroy = destroy;
}

void
ws_credentials_provider_set_process_timeout (WsCredentialsProvider *self,
                                             guint                  milliseconds)
{
  g_return_if_fail (WS_IS_CREDENTIALS_PROVIDER (self));
  g_return_if_fail (milliseconds > 0);

  self->process_timeout_ms = milliseconds;
}

/* The cached credentials of @key unless they expire soon, or NULL. */
static WsCredentials *
lookup_fresh (WsCredentialsProvider *self,
              const char            *key)
{
  WsCredentials *cached = g_hash_table_lookup (self->cache, key);

  return cached != NULL && is_fresh (self, cached) ? cached : NULL;
}

void
ws_credentials_provider_get_async (WsCredentialsProvider *self,
                                   const char            *profile,
                                   GCancellable          *cancellable,
                                   GAsyncReadyCallback    callback,
                                   gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  const char *key = profile != NULL ? profile : IMPLICIT_PROFILE_KEY;
  WsCredentials *cached;
  Resolution *resolution;

  g_return_if_fail (WS_IS_CREDENTIALS_PROVIDER (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ws_credentials_provider_get_async);

  cached = lookup_fresh (self, key);
  if (cached != NULL)
    {
      g_task_return_pointer (task, ws_credentials_ref (cached), (GDestroyNotify) ws_credentials_unref);
      return;
    }

  resolution = g_hash_table_lookup (self->resolutions, key);
  if (resolution != NULL && g_cancellable_is_cancelled (resolution->cancellable))
    {
      /* Everyone before gave up: let that one finish alone. */
      g_hash_table_steal (self->resolutions, key);
      resolution->detached = TRUE;
      resolution = NULL;
    }

  if (resolution == NULL)
    resolution = resolution_start (self, profile, key);
  resolution_add_waiter (resolution, task);
}

WsCredentials *
ws_credentials_provider_get_finish (WsCredentialsProvider  *self,
                                    GAsyncResult           *result,
                                    GError                **error)
{
  g_return_val_if_fail (WS_IS_CREDENTIALS_PROVIDER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
ws_credentials_provider_invalidate (WsCredentialsProvider *self,
                                    const char            *profile)
{
  g_return_if_fail (WS_IS_CREDENTIALS_PROVIDER (self));

  if (profile == NULL)
    {
      g_hash_table_remove_all (self->cache);
      return;
    }

  g_hash_table_remove (self->cache, profile);
  if (g_str_equal (profile, ws_aws_config_get_default_profile_name ((const char * const *) self->envp)))
    g_hash_table_remove (self->cache, IMPLICIT_PROFILE_KEY);
}

gboolean
ws_credentials_provider_can_resolve_silently (WsCredentialsProvider *self,
                                              const char            *profile)
{
  g_autoptr(WsProfileChain) chain = NULL;

  g_return_val_if_fail (WS_IS_CREDENTIALS_PROVIDER (self), FALSE);

  if (lookup_fresh (self, profile != NULL ? profile : IMPLICIT_PROFILE_KEY) != NULL)
    return TRUE;

  /* A broken chain fails without prompting too: that is for the caller's
   * resolution to report. */
  chain = ws_profile_chain_resolve (self->config, profile, (const char * const *) self->envp, NULL);
  if (chain == NULL)
    return TRUE;

  chain_add_session_token (self, chain);
  for (guint i = 0; i < chain->roles->len; i++)
    {
      const WsProfileRole *role = &g_array_index (chain->roles, WsProfileRole, i);
      g_autofree char *key = NULL;

      if (role->mfa_serial == NULL)
        continue;
      key = mfa_session_key (chain, role);
      if (lookup_session (self, key) == NULL)
        return FALSE;
    }

  return TRUE;
}

const GError *
ws_mfa_prompt_get_previous_error (GTask *reply)
{
  g_return_val_if_fail (G_IS_TASK (reply), NULL);
  g_return_val_if_fail (g_task_get_source_tag (reply) == mfa_ask, NULL);

  return g_task_get_task_data (reply);
}
