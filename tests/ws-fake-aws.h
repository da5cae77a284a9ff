/* ws-fake-aws.h — a SoupServer fake of MWAA, STS, the SSO portal and SSO
 * OIDC on loopback, for the tests and benchmarks
 *
 * All services share one port and are told apart by path (MWAA
 * /webtoken/, /environments; STS POST / with Action=; portal
 * /federation/credentials; OIDC /client/register, /device_authorization,
 * /token, /authorize). Signed requests are verified with the fake's own SigV4 code
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

/* Transport faults, for the next request whose method and path start
 * match (queued with the pushed answers, FIFO per match). */
typedef enum
{
  /* A 200 with its headers and half its JSON body, then the connection
   * closes: the network dropped mid-response. */
  WS_FAKE_AWS_FAULT_RESET,
  /* Never answered: it stays pending until the fake is freed. */
  WS_FAKE_AWS_FAULT_HANG,
} WsFakeAwsFault;
void        ws_fake_aws_push_fault        (WsFakeAws      *self,
                                           const char     *method,
                                           const char     *path_prefix,
                                           WsFakeAwsFault  fault);

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

/* The fake's server: a benchmark times the fake's own share of each
 * request from its signals. (transfer none) */
SoupServer *ws_fake_aws_get_server        (WsFakeAws  *self);

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

/* Additions (PKCE sign-in).
 *
 * Unless a handler or a pushed answer takes them, the fake is IAM Identity
 * Center's OIDC itself: RegisterClient (public clients; one registered for
 * the grantTypes ["authorization_code", "refresh_token"] must name the
 * redirect URI http://127.0.0.1/oauth/callback, an issuerUrl and scopes),
 * GET /authorize (checks response_type=code, the client, a loopback
 * redirect_uri http://127.0.0.1:PORT/oauth/callback, a state, an S256
 * code_challenge and the registered scopes, or answers 400; then redirects
 * 302 to redirect_uri?code=…&state=…) and CreateToken for the
 * authorization_code grant (the code once, its redirectUri, and
 * base64url(SHA-256(codeVerifier)) equal to the challenge; else
 * InvalidGrantException) and the refresh_token grant. It issues
 * "fake-client-N"/"fake-client-secret-N", codes "fake-code-N", and tokens
 * "fake-access-token-N"/"fake-refresh-token-N" (expiresIn 28800). */

/* /authorize redirects with error=@error (e.g. "access_denied") and the
 * state instead of a code; %NULL approves again. */
void        ws_fake_aws_set_authorize_error (WsFakeAws  *self,
                                             const char *error);

/* Does what the browser does: GETs @authorize_url (an address the sign-in
 * gave its prompt), expects the 302, and GETs its Location, the loopback
 * listener. _finish gives the listener's HTTP @status and @page (the HTML
 * shown in the browser); it fails when a request could not be made (the
 * listener is gone) or the authorize address did not redirect. */
void        ws_fake_aws_follow_authorize_async  (WsFakeAws           *self,
                                                 const char          *authorize_url,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean    ws_fake_aws_follow_authorize_finish (WsFakeAws     *self,
                                                 GAsyncResult  *result,
                                                 guint         *status,
                                                 char         **page,
                                                 GError       **error);

G_END_DECLS
