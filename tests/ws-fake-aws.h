/* ws-fake-aws.h — a SoupServer fake of MWAA, STS, the SSO portal and SSO
 * OIDC on loopback, for the tests and benchmarks
 *
 * All services share one port and are told apart by path (MWAA
 * /webtoken/, /environments; STS POST / with Action=; portal
 * /federation/credentials; OIDC /client/register, /device_authorization,
 * /token). Signed requests are verified with the fake's own SigV4 code
 * (independent of src/aws/ws-sigv4.c); a bad signature gets AWS's
 * InvalidSignatureException / SignatureDoesNotMatch, an unknown key
 * UnrecognizedClientException. The region of a signed request is the one in
 * its credential scope.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

#define WS_TYPE_FAKE_AWS (ws_fake_aws_get_type ())
G_DECLARE_FINAL_TYPE (WsFakeAws, ws_fake_aws, WS, FAKE_AWS, GObject)

/* Listens on 127.0.0.1, a free port, in the thread-default main context. */
WsFakeAws  *ws_fake_aws_new               (void);
/* "http://127.0.0.1:PORT" */
const char *ws_fake_aws_get_url           (WsFakeAws  *self);

/* Accepts requests signed with this key (several may be added); a session
 * token, when given, must come as X-Amz-Security-Token and be signed. */
void        ws_fake_aws_add_credentials   (WsFakeAws  *self,
                                           const char *access_key_id,
                                           const char *secret_access_key,
                                           const char *session_token);

/* MWAA: an environment served by ListEnvironments (paged by MaxResults,
 * at most 25), GetEnvironment and CreateWebLoginToken (WebToken
 * "token-<name>-<n>", WebServerHostname "<name>.airflow.example.test"). */
void        ws_fake_aws_add_environment   (WsFakeAws  *self,
                                           const char *region,
                                           const char *name,
                                           const char *status,
                                           const char *airflow_version);

/* The next request whose method and path start match gets this answer
 * instead of the built-in one (FIFO per match; queue several for retries).
 * @error_type: (nullable): sent as x-amzn-ErrorType. */
void        ws_fake_aws_push_response     (WsFakeAws  *self,
                                           const char *method,
                                           const char *path_prefix,
                                           guint       status,
                                           const char *error_type,
                                           const char *content_type,
                                           const char *body);
/* Like push_response, with an extra Date header (for clock-skew tests). */
void        ws_fake_aws_push_response_with_date (WsFakeAws  *self,
                                           const char *method,
                                           const char *path_prefix,
                                           guint       status,
                                           const char *error_type,
                                           const char *content_type,
                                           const char *body,
                                           GDateTime  *date);

/* A handler for a path prefix, for services whose answers a test writes
 * itself (STS, SSO, OIDC). It runs after signature checking (when
 * @require_signature) and sets the response on @msg. */
typedef void (*WsFakeAwsHandler) (WsFakeAws         *fake,
                                  SoupServerMessage *msg,
                                  const char        *body,
                                  gpointer           user_data);
void        ws_fake_aws_set_handler       (WsFakeAws       *self,
                                           const char      *method,
                                           const char      *path_prefix,
                                           gboolean         require_signature,
                                           WsFakeAwsHandler handler,
                                           gpointer         user_data);

/* How many requests matched (method NULL = any); each attempt counts. */
guint       ws_fake_aws_count_requests    (WsFakeAws  *self,
                                           const char *method,
                                           const char *path_prefix);
/* A header of the last request matching @path_prefix (a copy), or NULL. */
char       *ws_fake_aws_get_last_header   (WsFakeAws  *self,
                                           const char *path_prefix,
                                           const char *header);
void        ws_fake_aws_reset_counts      (WsFakeAws  *self);

/* Additions (client). */

/* Like ws_fake_aws_new(), over HTTPS with @certificate (which holds its
 * private key): "https://127.0.0.1:PORT". */
WsFakeAws  *ws_fake_aws_new_tls           (GTlsCertificate *certificate);

/* Moves the fake's clock (server − real time): signed requests more than
 * 15 minutes away from it are rejected as AWS does, and every answer
 * carries it as `Date`. */
void        ws_fake_aws_set_clock_offset  (WsFakeAws  *self,
                                           GTimeSpan   offset);

/* How many TCP connections requests came on (since the last reset). */
guint       ws_fake_aws_count_connections (WsFakeAws  *self);

/* The fake's own SigV4, pure, exposed so that it can be checked against
 * fixed vectors: the canonical request for what was received (@path and
 * @query as on the wire, the values of the headers named in
 * @signed_headers, ";"-separated) … */
char       *ws_fake_aws_sigv4_canonical_request (const char         *method,
                                                 const char         *path,
                                                 const char         *query,
                                                 SoupMessageHeaders *headers,
                                                 const char         *signed_headers,
                                                 GBytes             *body);
/* … and the hex signature of it. */
char       *ws_fake_aws_sigv4_signature   (const char *secret_access_key,
                                           const char *amz_date,
                                           const char *region,
                                           const char *service,
                                           const char *canonical_request);

/* Additions (catalog). */

/* The account of the key (default 123456789012): MWAA requests signed
 * with it see the environments of that account only. */
void        ws_fake_aws_set_account       (WsFakeAws  *self,
                                           const char *access_key_id,
                                           const char *account_id);
/* Like add_environment, in another account than the default one. */
void        ws_fake_aws_add_environment_in_account (WsFakeAws  *self,
                                           const char *account_id,
                                           const char *region,
                                           const char *name,
                                           const char *status,
                                           const char *airflow_version);
/* MWAA requests signed with the key get 403 AccessDeniedException. */
void        ws_fake_aws_deny              (WsFakeAws  *self,
                                           const char *access_key_id);
/* Every answer is held this long, so that requests overlap. */
void        ws_fake_aws_set_delay         (WsFakeAws  *self,
                                           guint       milliseconds);
/* The most requests in progress at once since the last reset. */
guint       ws_fake_aws_get_max_in_flight (WsFakeAws  *self);

G_END_DECLS
