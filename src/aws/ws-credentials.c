/* ws-credentials.c — one set of AWS credentials
 *
 * The secret parts are wiped before the memory is freed, so a core dump
 * taken later does not carry them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ws-credentials.h"
#include "ws-secret.h"

struct _WsCredentials
{
  gatomicrefcount  ref_count;
  char            *access_key_id;
  char            *secret_access_key;
  char            *session_token;
  GDateTime       *expiration;
  char            *source;
};

G_DEFINE_BOXED_TYPE (WsCredentials, ws_credentials, ws_credentials_ref, ws_credentials_unref)

/**
 * ws_credentials_new:
 * @access_key_id: the access key id
 * @secret_access_key: the secret key
 * @session_token: (nullable): the session token of temporary credentials
 * @expiration: (nullable): when temporary credentials expire
 * @source: a human-readable name of where they came from ("credentials file", "SSO"…)
 */
WsCredentials *
ws_credentials_new (const char *access_key_id,
                    const char *secret_access_key,
                    const char *session_token,
                    GDateTime  *expiration,
                    const char *source)
{
  WsCredentials *self;

  g_return_val_if_fail (access_key_id != NULL, NULL);
  g_return_val_if_fail (secret_access_key != NULL, NULL);

  self = g_new0 (WsCredentials, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->access_key_id = g_strdup (access_key_id);
  self->secret_access_key = g_strdup (secret_access_key);
  self->session_token = (session_token && *session_token) ? g_strdup (session_token) : NULL;
  self->expiration = expiration ? g_date_time_ref (expiration) : NULL;
  self->source = g_strdup (source ? source : "");

  return self;
}

WsCredentials *
ws_credentials_ref (WsCredentials *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
ws_credentials_unref (WsCredentials *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->access_key_id);
  g_clear_pointer (&self->secret_access_key, ws_secret_free);
  g_clear_pointer (&self->session_token, ws_secret_free);
  g_clear_pointer (&self->expiration, g_date_time_unref);
  g_free (self->source);
  g_free (self);
}

const char *
ws_credentials_get_access_key_id (const WsCredentials *self)
{
  return self->access_key_id;
}

const char *
ws_credentials_get_secret_access_key (const WsCredentials *self)
{
  return self->secret_access_key;
}

/* Returns: (nullable): the session token, %NULL for long-term keys */
const char *
ws_credentials_get_session_token (const WsCredentials *self)
{
  return self->session_token;
}

/* Returns: (nullable): the expiry, %NULL when the credentials do not expire */
GDateTime *
ws_credentials_get_expiration (const WsCredentials *self)
{
  return self->expiration;
}

const char *
ws_credentials_get_source (const WsCredentials *self)
{
  return self->source;
}

/* Whether the credentials expire before @now + @margin. */
gboolean
ws_credentials_expires_within (const WsCredentials *self,
                               GDateTime           *now,
                               GTimeSpan            margin)
{
  if (self->expiration == NULL)
    return FALSE;

  return g_date_time_difference (self->expiration, now) <= margin;
}
