/* ws-aws-client.c — sends AWS requests: one SoupSession, signing, retries,
 * clock-skew correction, error mapping
 *
 * Retries follow the SDKs' "standard" mode (botocore retries/standard.py):
 * 3 attempts, full-jitter exponential backoff capped at 20 s, a per-client
 * retry quota. Clock skew is corrected as the JavaScript and C++ SDKs do:
 * the offset follows the server's Date, and a signature refused for its
 * time is signed again once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ws-aws-client.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ws-aws-error.h"
#include "ws-endpoint.h"
#include "ws-secret.h"
#include "ws-sigv4.h"
#include "ws-tls-database.h"

#define DEFAULT_TIMEOUT      30
#define IDLE_TIMEOUT         60
/* libsoup's defaults (2 per host, 10 in all) would hold a discovery of
 * many environments in one region to 2 requests at a time; the catalog
 * runs 8 at once, over several regions (hosts). */
#define MAX_CONNS_PER_HOST   8
#define MAX_CONNS            32
#define DEFAULT_MAX_ATTEMPTS 3
#define MAX_BACKOFF          20.0
#define READ_CHUNK_SIZE      (64 * 1024)
#define SKEW_THRESHOLD       (4 * G_TIME_SPAN_MINUTE)
#define SKEW_WARNING         (5 * G_TIME_SPAN_MINUTE) /* worth telling the user */
#define QUOTA_CAPACITY       500
#define RETRY_COST           5
#define TIMEOUT_RETRY_COST   10
#define NO_RETRY_INCREMENT   1

/* --- A response body: bounded, wiped when freed (it may hold tokens) ----- */

typedef struct
{
  guint8 *data;
  gsize   len;
  gsize   capacity;
} Buffer;

static void
buffer_free (gpointer data)
{
  Buffer *buffer = data;

  if (buffer->data != NULL)
    ws_secret_wipe (buffer->data, buffer->capacity);
  g_free (buffer->data);
  g_free (buffer);
}

/* Grows by copying, so no unwiped copy is left behind by realloc(). */
static void
buffer_reserve (Buffer *buffer,
                gsize   extra)
{
  guint8 *data;
  gsize capacity;

  if (buffer->len + extra <= buffer->capacity)
    return;

  capacity = MAX (buffer->capacity * 2, buffer->len + extra);
  data = g_malloc (capacity);
  if (buffer->data != NULL)
    {
      memcpy (data, buffer->data, buffer->len);
      ws_secret_wipe (buffer->data, buffer->capacity);
      g_free (buffer->data);
    }
  buffer->data = data;
  buffer->capacity = capacity;
}

static GBytes *
buffer_to_bytes (Buffer *buffer)
{
  return g_bytes_new_with_free_func (buffer->data, buffer->len, buffer_free, buffer);
}

/* --- The client ------------------------------------------------------------- */

struct _WsAwsClient
{
  GObject      parent_instance;

  SoupSession *session;
  guint        max_attempts;
  double       backoff_scale;
  GTimeSpan    clock_offset;
  guint        retry_quota;
};

G_DEFINE_FINAL_TYPE (WsAwsClient, ws_aws_client, G_TYPE_OBJECT)

static void
ws_aws_client_finalize (GObject *object)
{
  WsAwsClient *self = (WsAwsClient *) object;

  g_clear_object (&self->session);

  G_OBJECT_CLASS (ws_aws_client_parent_class)->finalize (object);
}

static void
ws_aws_client_class_init (WsAwsClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ws_aws_client_finalize;
}

static void
ws_aws_client_init (WsAwsClient *self)
{
  /* The default GProxyResolver follows GNOME's settings, https_proxy and
   * no_proxy, and the Flatpak portal; the TLS database is the system's
   * store, prepared before each connection (not here: loading the TLS
   * backend would delay the tray's start-up). */
  self->session = soup_session_new_with_options ("user-agent", "windsock/" PACKAGE_VERSION,
                                                 "timeout", DEFAULT_TIMEOUT,
                                                 "idle-timeout", IDLE_TIMEOUT,
                                                 "max-conns-per-host", MAX_CONNS_PER_HOST,
                                                 "max-conns", MAX_CONNS,
                                                 NULL);
  self->max_attempts = DEFAULT_MAX_ATTEMPTS;
  self->backoff_scale = 1.0;
  self->retry_quota = QUOTA_CAPACITY;
}

WsAwsClient *
ws_aws_client_new (void)
{
  return g_object_new (WS_TYPE_AWS_CLIENT, NULL);
}

SoupSession *
ws_aws_client_get_session (WsAwsClient *self)
{
  g_return_val_if_fail (WS_IS_AWS_CLIENT (self), NULL);

  return self->session;
}

void
ws_aws_client_set_timeout (WsAwsClient *self,
                           guint        seconds)
{
  g_return_if_fail (WS_IS_AWS_CLIENT (self));

  soup_session_set_timeout (self->session, seconds);
}

void
ws_aws_client_set_max_attempts (WsAwsClient *self,
                                guint        max_attempts)
{
  g_return_if_fail (WS_IS_AWS_CLIENT (self));

  self->max_attempts = MAX (max_attempts, 1);
}

void
ws_aws_client_set_backoff_scale (WsAwsClient *self,
                                 double       scale)
{
  g_return_if_fail (WS_IS_AWS_CLIENT (self));
  g_return_if_fail (scale >= 0.0);

  self->backoff_scale = scale;
}

gboolean
ws_aws_client_set_ca_bundle (WsAwsClient  *self,
                             const char   *path,
                             GError      **error)
{
  g_autoptr(GTlsDatabase) bundle = NULL;
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (WS_IS_AWS_CLIENT (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  bundle = g_tls_file_database_new (path, &local_error);
  if (bundle == NULL)
    {
      g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_CONFIG,
                   _("Could not read the CA bundle %s: %s; check AWS_CA_BUNDLE or the ca_bundle setting."),
                   path, local_error->message);
      return FALSE;
    }

  database = ws_tls_database_new (bundle);
  soup_session_set_tls_database (self->session, database);

  return TRUE;
}

GTimeSpan
ws_aws_client_get_clock_offset (WsAwsClient *self)
{
  g_return_val_if_fail (WS_IS_AWS_CLIENT (self), 0);

  return self->clock_offset;
}

guint
ws_aws_client_get_clock_skew_minutes (WsAwsClient *self)
{
  GTimeSpan offset;

  g_return_val_if_fail (WS_IS_AWS_CLIENT (self), 0);

  offset = ABS (self->clock_offset);
  if (offset < SKEW_WARNING)
    return 0;
  return (guint) ((offset + G_TIME_SPAN_MINUTE / 2) / G_TIME_SPAN_MINUTE);
}

double
ws_aws_client_backoff_delay (guint  attempt,
                             double random)
{
  g_return_val_if_fail (attempt >= 1, 0.0);

  /* 2^(n−1) passes the cap from n = 6 on; this also keeps the shift small. */
  if (attempt >= 6)
    return random * MAX_BACKOFF;

  return random * MIN ((double) (1u << (attempt - 1)), MAX_BACKOFF);
}

/* Follows the server's clock once it is 4 minutes or more away from ours
 * (aws-sdk-cpp's threshold), so the next signature is on time. */
static void
update_clock_offset (WsAwsClient *self,
                     SoupMessage *msg)
{
  const char *date_text = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Date");
  g_autoptr(GDateTime) server_now = NULL;
  g_autoptr(GDateTime) now = NULL;
  GTimeSpan offset;

  if (date_text == NULL || (server_now = soup_date_time_new_from_http_string (date_text)) == NULL)
    return;

  now = g_date_time_new_now_utc ();
  offset = g_date_time_difference (server_now, now);
  if (ABS (offset - self->clock_offset) >= SKEW_THRESHOLD)
    {
      g_debug ("Correcting the clock by %" G_GINT64_FORMAT " s for signing, from %s",
               offset / G_TIME_SPAN_SECOND, g_uri_get_host (soup_message_get_uri (msg)));
      self->clock_offset = offset;
    }
}

/* --- Sending ---------------------------------------------------------------- */

static void
wipe_header_value (const char *name,
                   const char *value,
                   gpointer    user_data)
{
  ws_secret_wipe ((char *) value, strlen (value));
}

/* The request headers hold the Authorization, a session or bearer token;
 * libsoup frees them unwiped. */
static void
clear_message (SoupMessage **msg)
{
  if (*msg != NULL)
    soup_message_headers_foreach (soup_message_get_request_headers (*msg), wipe_header_value, NULL);
  g_clear_object (msg);
}

typedef struct
{
  char          *operation;
  char          *method;
  char          *content_type;
  GBytes        *body;
  char          *region;
  char          *service;
  GStrv          headers;         /* name, value, …: may hold a bearer token */
  GUri          *uri;
  WsCredentials *credentials;

  SoupMessage   *msg;
  GInputStream  *stream;
  Buffer        *response;
  GSource       *backoff;
  guint          attempt;         /* 1-based; the skew re-sign is not one */
  guint          last_retry_cost;
  GTimeSpan      signed_offset;
  gboolean       skew_corrected;
} SendData;

static void
send_data_free (gpointer data)
{
  SendData *send = data;

  g_free (send->operation);
  g_free (send->method);
  g_free (send->content_type);
  g_clear_pointer (&send->body, g_bytes_unref);
  g_free (send->region);
  g_free (send->service);
  ws_secret_strfreev (send->headers);
  g_clear_pointer (&send->uri, g_uri_unref);
  g_clear_pointer (&send->credentials, ws_credentials_unref);
  clear_message (&send->msg);
  g_clear_object (&send->stream);
  g_clear_pointer (&send->response, buffer_free);
  if (send->backoff != NULL)
    g_source_destroy (send->backoff);
  g_clear_pointer (&send->backoff, g_source_unref);
  g_free (send);
}

static void start_attempt (GTask *task);

static void
close_stream (SendData *send)
{
  if (send->stream != NULL)
    g_input_stream_close_async (send->stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
  g_clear_object (&send->stream);
}

static gboolean
backoff_done (gpointer user_data)
{
  GTask *task = user_data;
  SendData *send = g_task_get_task_data (task);

  g_clear_pointer (&send->backoff, g_source_unref);

  if (g_task_return_error_if_cancelled (task))
    g_object_unref (task);
  else
    start_attempt (task);

  return G_SOURCE_REMOVE;
}

/* The retry quota and attempt count allow one more try: wait, then send. */
static gboolean
schedule_retry (GTask *task,
                guint  cost)
{
  WsAwsClient *self = g_task_get_source_object (task);
  SendData *send = g_task_get_task_data (task);
  g_autoptr(GSource) cancelled = NULL;
  double delay;

  if (send->attempt >= self->max_attempts || self->retry_quota < cost)
    return FALSE;

  self->retry_quota -= cost;
  send->last_retry_cost = cost;
  delay = ws_aws_client_backoff_delay (send->attempt, g_random_double ()) * self->backoff_scale;
  send->attempt++;
  g_debug ("%s: retrying in %.3f s (attempt %u of %u)", send->operation, delay, send->attempt, self->max_attempts);

  /* The SDKs cap one wait at 20 s; a test's scale must not overflow the
   * timer. A cancellable child source ends the wait as soon as it is
   * cancelled. */
  send->backoff = g_timeout_source_new ((guint) (MIN (delay, 3600.0) * 1000));
  g_source_set_callback (send->backoff, backoff_done, task, NULL);
  if (g_task_get_cancellable (task) != NULL)
    {
      cancelled = g_cancellable_source_new (g_task_get_cancellable (task));
      g_source_set_dummy_callback (cancelled);
      g_source_add_child_source (send->backoff, cancelled);
    }
  g_source_set_static_name (send->backoff, "[windsock] AWS retry backoff");
  g_source_attach (send->backoff, g_task_get_context (task));

  return TRUE;
}

/* Connection refused, reset, timeouts: worth another try; TLS failures
 * and unknown hosts are not. */
static gboolean
transport_error_is_retryable (const GError *error)
{
  if (g_error_matches (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_TEMPORARY_FAILURE))
    return TRUE;

  return error->domain == G_IO_ERROR && error->code != G_IO_ERROR_CANCELLED;
}

static void
fail_transport (GTask  *task,
                GError *error)
{
  SendData *send = g_task_get_task_data (task);
  guint cost = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) ? TIMEOUT_RETRY_COST : RETRY_COST;

  close_stream (send);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  if (transport_error_is_retryable (error) && schedule_retry (task, cost))
    {
      g_debug ("%s: %s", send->operation, error->message);
      g_error_free (error);
      return;
    }

  g_task_return_error (task, ws_aws_error_new_for_transport (g_uri_get_host (send->uri), error));
  g_error_free (error);
  g_object_unref (task);
}

static void
fail_invalid_response (GTask *task)
{
  SendData *send = g_task_get_task_data (task);

  close_stream (send);
  g_task_return_new_error (task, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_RESPONSE,
                           _("The answer of %s to %s is larger than %u MiB; check the endpoint URL."),
                           g_uri_get_host (send->uri), send->operation,
                           WS_AWS_CLIENT_MAX_BODY_SIZE / (1024 * 1024));
  g_object_unref (task);
}

static void
succeed (GTask *task)
{
  WsAwsClient *self = g_task_get_source_object (task);
  SendData *send = g_task_get_task_data (task);
  guint refund = send->last_retry_cost > 0 ? send->last_retry_cost : NO_RETRY_INCREMENT;

  self->retry_quota = MIN (self->retry_quota + refund, QUOTA_CAPACITY);
  g_task_return_pointer (task, buffer_to_bytes (g_steal_pointer (&send->response)),
                         (GDestroyNotify) g_bytes_unref);
  g_object_unref (task);
}

static void
handle_error_response (GTask *task,
                       guint  status)
{
  WsAwsClient *self = g_task_get_source_object (task);
  SendData *send = g_task_get_task_data (task);
  const char *error_type = soup_message_headers_get_one (soup_message_get_response_headers (send->msg),
                                                         "x-amzn-ErrorType");
  g_autoptr(GBytes) body = buffer_to_bytes (g_steal_pointer (&send->response));
  g_autofree char *code = NULL;
  g_autofree char *message = NULL;

  ws_aws_error_parse_response (status, error_type, body, &code, &message);
  g_debug ("%s: HTTP %u %s", send->operation, status, code);

  /* Signed with a clock that has since been corrected: sign again, now. */
  if (send->service != NULL && !send->skew_corrected && ws_aws_error_code_is_clock_skew (code)
      && send->signed_offset != self->clock_offset)
    {
      send->skew_corrected = TRUE;
      start_attempt (task);
      return;
    }

  if (ws_aws_error_is_retryable (code, status) && schedule_retry (task, RETRY_COST))
    return;

  g_task_return_error (task, ws_aws_error_new_for_response (send->operation, status, code, message));
  g_object_unref (task);
}

static void
handle_response (GTask *task)
{
  SendData *send = g_task_get_task_data (task);
  guint status = soup_message_get_status (send->msg);

  close_stream (send);

  if (SOUP_STATUS_IS_SUCCESSFUL (status))
    succeed (task);
  else
    handle_error_response (task, status);
}

static void read_next_chunk (GTask *task);

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  SendData *send = g_task_get_task_data (task);
  GError *error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &error);
  if (n < 0)
    {
      fail_transport (task, error);
      return;
    }

  send->response->len += n;
  if (send->response->len > WS_AWS_CLIENT_MAX_BODY_SIZE)
    fail_invalid_response (task);
  else if (n == 0)
    handle_response (task);
  else
    read_next_chunk (task);
}

/* Whole chunks (libsoup's chunked decoder needs room for its CRLF); the
 * bound is checked after each one. */
static void
read_next_chunk (GTask *task)
{
  SendData *send = g_task_get_task_data (task);

  buffer_reserve (send->response, READ_CHUNK_SIZE);
  g_input_stream_read_async (send->stream, send->response->data + send->response->len, READ_CHUNK_SIZE,
                             G_PRIORITY_DEFAULT, g_task_get_cancellable (task), read_cb, task);
}

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  WsAwsClient *self = g_task_get_source_object (task);
  SendData *send = g_task_get_task_data (task);
  GError *error = NULL;
  goffset content_length;

  send->stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (send->stream == NULL)
    {
      fail_transport (task, error);
      return;
    }

  update_clock_offset (self, send->msg);

  content_length = soup_message_headers_get_content_length (soup_message_get_response_headers (send->msg));
  if (content_length > WS_AWS_CLIENT_MAX_BODY_SIZE)
    {
      fail_invalid_response (task);
      return;
    }

  g_clear_pointer (&send->response, buffer_free);
  send->response = g_new0 (Buffer, 1);
  read_next_chunk (task);
}

static void
on_network_event (SoupMessage        *message,
                  GSocketClientEvent  event,
                  GIOStream          *connection,
                  gpointer            user_data)
{
  /* A new connection: the trust store parses while it resolves and connects. */
  if (event == G_SOCKET_CLIENT_RESOLVING)
    ws_tls_database_prepare ();
}

static void
prepare_tls (SoupMessage *message)
{
  if (g_strcmp0 (g_uri_get_scheme (soup_message_get_uri (message)), "https") == 0)
    g_signal_connect (message, "network-event", G_CALLBACK (on_network_event), NULL);
}

/* Every attempt is a new message signed with the time of now. */
static void
start_attempt (GTask *task)
{
  WsAwsClient *self = g_task_get_source_object (task);
  SendData *send = g_task_get_task_data (task);
  SoupMessageHeaders *headers;

  clear_message (&send->msg);
  send->msg = soup_message_new_from_uri (send->method, send->uri);
  /* A redirect would carry the signature or a bearer token elsewhere.
   * IDEMPOTENT lets a POST reuse a kept-alive connection: AWS requests are
   * safe to repeat (the SDKs retry them all), and libsoup would otherwise
   * open a new connection for each CreateWebLoginToken. */
  soup_message_add_flags (send->msg, SOUP_MESSAGE_NO_REDIRECT | SOUP_MESSAGE_IDEMPOTENT);
  headers = soup_message_get_request_headers (send->msg);

  if (send->body != NULL)
    soup_message_set_request_body_from_bytes (send->msg, send->content_type, send->body);
  for (guint i = 0; send->headers != NULL && send->headers[i] != NULL && send->headers[i + 1] != NULL; i += 2)
    soup_message_headers_replace (headers, send->headers[i], send->headers[i + 1]);

  if (send->service != NULL)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      g_autoptr(GDateTime) signing_time = g_date_time_add (now, self->clock_offset);

      /* A server Date near year 9999 can push the corrected time past
       * what GDateTime holds. */
      send->signed_offset = signing_time != NULL ? self->clock_offset : 0;
      ws_sigv4_sign_message (send->msg, send->body, send->credentials, send->region, send->service,
                             signing_time != NULL ? signing_time : now);
    }

  prepare_tls (send->msg);
  soup_session_send_async (self->session, send->msg, G_PRIORITY_DEFAULT,
                           g_task_get_cancellable (task), send_cb, task);
}

void
ws_aws_client_preconnect (WsAwsClient  *self,
                          const char   *url,
                          GCancellable *cancellable)
{
  g_autoptr(SoupMessage) message = NULL;

  g_return_if_fail (WS_IS_AWS_CLIENT (self));
  g_return_if_fail (url != NULL);

  message = soup_message_new (SOUP_METHOD_HEAD, url);
  if (message == NULL)
    return;
  prepare_tls (message);
  soup_session_preconnect_async (self->session, message, G_PRIORITY_DEFAULT, cancellable, NULL, NULL);
}

static SendData *
send_data_new (const WsAwsRequest *request,
               WsCredentials      *credentials,
               GUri               *uri)
{
  SendData *send = g_new0 (SendData, 1);

  send->operation = g_strdup (request->operation);
  send->method = g_strdup (request->method);
  send->content_type = g_strdup (request->content_type);
  send->body = request->body != NULL ? g_bytes_ref (request->body) : NULL;
  send->region = g_strdup (request->region);
  send->service = g_strdup (request->service);
  send->headers = g_strdupv ((GStrv) request->headers);
  send->uri = g_uri_ref (uri);
  send->credentials = credentials != NULL ? ws_credentials_ref (credentials) : NULL;
  send->attempt = 1;

  return send;
}

void
ws_aws_client_send_async (WsAwsClient         *self,
                          const WsAwsRequest  *request,
                          WsCredentials       *credentials,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autofree char *url = NULL;

  g_return_if_fail (WS_IS_AWS_CLIENT (self));
  g_return_if_fail (request != NULL);
  g_return_if_fail (request->operation != NULL && request->method != NULL);
  g_return_if_fail (request->base_url != NULL && request->path != NULL);
  g_return_if_fail (request->service == NULL || (credentials != NULL && request->region != NULL));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ws_aws_client_send_async);
  g_task_set_name (task, request->operation);

  /* The path and query are already encoded: keep them byte for byte, as
   * they were signed. */
  url = g_strconcat (request->base_url, request->path,
                     request->query != NULL ? "?" : "", request->query, NULL);
  uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0')
    {
      g_task_return_new_error (task, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_ARGUMENT,
                               _("The endpoint URL %s is not valid for %s; check the endpoint_url setting."),
                               request->base_url, request->operation);
      return;
    }

  g_task_set_task_data (task, send_data_new (request, credentials, uri), send_data_free);
  start_attempt (g_steal_pointer (&task));
}

GBytes *
ws_aws_client_send_finish (WsAwsClient   *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (WS_IS_AWS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static guint
parse_max_attempts (const char *value)
{
  guint64 attempts = 0;

  if (value == NULL || !g_ascii_string_to_unsigned (value, 10, 1, 20, &attempts, NULL))
    return 0;
  return (guint) attempts;
}

gboolean
ws_aws_client_apply_settings (WsAwsClient        *self,
                              WsAwsConfig        *config,
                              const char         *profile,
                              const char * const *environ,
                              GError            **error)
{
  g_autofree char *ca_bundle = NULL;
  const char *read_timeout;
  guint64 timeout;
  guint attempts;

  g_return_val_if_fail (WS_IS_AWS_CLIENT (self), FALSE);
  g_return_val_if_fail (WS_IS_AWS_CONFIG (config), FALSE);

  /* The AWS CLI's setting for a server that stops answering (0: never
   * give up); our own default otherwise, also when it was removed. */
  read_timeout = ws_aws_config_get_profile_value (config, profile, "cli_read_timeout");
  if (read_timeout == NULL || !g_ascii_string_to_unsigned (read_timeout, 10, 0, 3600, &timeout, NULL))
    timeout = DEFAULT_TIMEOUT;
  ws_aws_client_set_timeout (self, (guint) timeout);

  attempts = parse_max_attempts (g_environ_getenv ((char **) environ, "AWS_MAX_ATTEMPTS"));
  if (attempts == 0)
    attempts = parse_max_attempts (ws_aws_config_get_profile_value (config, profile, "max_attempts"));
  if (attempts > 0)
    ws_aws_client_set_max_attempts (self, attempts);

  ca_bundle = ws_endpoint_get_ca_bundle (config, profile, environ);
  return ca_bundle == NULL || ws_aws_client_set_ca_bundle (self, ca_bundle, error);
}
