/* ws-aws-client.h — sends AWS requests: one SoupSession, signing, retries,
 * clock-skew correction, error mapping
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "ws-aws-config.h"
#include "ws-credentials.h"

G_BEGIN_DECLS

/**
 * WsAwsRequest:
 * @operation: the operation name, used in messages ("CreateWebLoginToken")
 * @method: "GET", "POST"…
 * @base_url: from ws_endpoint_resolve()
 * @path: the wire path, already percent-encoded ("/webtoken/MyEnv")
 * @query: (nullable): the encoded query without '?'
 * @content_type: (nullable): the body's type; %NULL when there is no body
 * @body: (nullable): the body
 * @region: the signing region
 * @service: (nullable): the signing name ("airflow", "sts"); %NULL sends the
 *   request unsigned (SSO portal, SSO OIDC, AssumeRoleWithWebIdentity)
 * @headers: (nullable): extra header name/value pairs, %NULL-terminated
 *   (e.g. "x-amz-sso_bearer_token", token, NULL); never logged
 */
typedef struct
{
  const char         *operation;
  const char         *method;
  const char         *base_url;
  const char         *path;
  const char         *query;
  const char         *content_type;
  GBytes             *body;
  const char         *region;
  const char         *service;
  const char * const *headers;
} WsAwsRequest;

#define WS_TYPE_AWS_CLIENT (ws_aws_client_get_type ())
G_DECLARE_FINAL_TYPE (WsAwsClient, ws_aws_client, WS, AWS_CLIENT, GObject)

WsAwsClient *ws_aws_client_new                (void);
SoupSession *ws_aws_client_get_session        (WsAwsClient  *self);
/* Opens a connection to @url's host ahead of a request (a menu opening). */
void         ws_aws_client_preconnect         (WsAwsClient  *self,
                                               const char   *url,
                                               GCancellable *cancellable);
/* Seconds a connection may stay silent before the attempt fails (default 30). */
void         ws_aws_client_set_timeout        (WsAwsClient  *self,
                                               guint         seconds);
/* Attempts including the first (default 3, AWS_MAX_ATTEMPTS). */
void         ws_aws_client_set_max_attempts   (WsAwsClient  *self,
                                               guint         max_attempts);
/* Adds a PEM bundle to the system trust store (AWS_CA_BUNDLE). */
gboolean     ws_aws_client_set_ca_bundle      (WsAwsClient  *self,
                                               const char   *path,
                                               GError      **error);
/* The correction applied to the local clock when signing (server − local). */
GTimeSpan    ws_aws_client_get_clock_offset   (WsAwsClient  *self);
/* How many minutes (rounded) the system clock is off from AWS's, when it
 * is worth telling the user (5 or more), else 0. */
guint        ws_aws_client_get_clock_skew_minutes (WsAwsClient *self);

/* Sends @request (copied: it need not outlive the call) signed with
 * @credentials; retries as the SDKs' "standard" mode. The result is the
 * body of a 2xx response; errors are in WS_AWS_ERROR (or G_IO_ERROR_CANCELLED). */
void         ws_aws_client_send_async         (WsAwsClient         *self,
                                               const WsAwsRequest  *request,
                                               WsCredentials       *credentials,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
GBytes      *ws_aws_client_send_finish        (WsAwsClient         *self,
                                               GAsyncResult        *result,
                                               GError             **error);

/* Additions (client). */

/* Multiplies every backoff delay (1.0 by default); tests use a tiny one. */
void         ws_aws_client_set_backoff_scale  (WsAwsClient  *self,
                                               double        scale);
/* Pure: the standard mode's full-jitter delay in seconds before the retry
 * that follows failed attempt @attempt (1-based): @random × min(2^(n−1), 20),
 * @random in [0, 1). */
double       ws_aws_client_backoff_delay      (guint         attempt,
                                               double        random);
/* What the config files and the environment say about the client, for
 * @profile: attempts (AWS_MAX_ATTEMPTS > max_attempts), the I/O timeout
 * (cli_read_timeout, seconds) and the CA bundle (AWS_CA_BUNDLE >
 * ca_bundle). Fails only on an unreadable bundle. */
gboolean     ws_aws_client_apply_settings     (WsAwsClient        *self,
                                               WsAwsConfig        *config,
                                               const char         *profile,
                                               const char * const *environ,
                                               GError            **error);
/* The largest response body accepted (bytes). */
#define WS_AWS_CLIENT_MAX_BODY_SIZE (10 * 1024 * 1024)

G_END_DECLS
