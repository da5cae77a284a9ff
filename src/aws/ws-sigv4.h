/* ws-sigv4.h — AWS Signature Version 4
 *
 * The signer is pure string work (GChecksum/GHmac, no I/O) so it can be
 * tested byte for byte against the official suite; ws_sigv4_sign_message()
 * is the thin layer that applies a signature to a SoupMessage.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "ws-credentials.h"

G_BEGIN_DECLS

/* Helpers may add pure functions here (canonical URI, query, headers,
 * key derivation…); the entry point below is what the client relies on. */

#define WS_SIGV4_ALGORITHM        "AWS4-HMAC-SHA256"
/* Hex SHA-256 of zero bytes: the payload hash of a request without a body. */
#define WS_SIGV4_EMPTY_SHA256     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define WS_SIGV4_UNSIGNED_PAYLOAD "UNSIGNED-PAYLOAD"
#define WS_SIGV4_KEY_LENGTH       32

/**
 * WsSigv4Flags:
 * @WS_SIGV4_NORMALIZE_PATH: remove `.`/`..` segments and runs of `/` from
 *   the path before encoding it
 * @WS_SIGV4_DOUBLE_ENCODE_PATH: percent-encode the path once more, as every
 *   service but S3 expects (an encoded `%3A` is signed as `%253A`)
 * @WS_SIGV4_OMIT_SESSION_TOKEN: the session token is sent but not signed
 *   (in header signing the caller adds it after signing; in presigning it
 *   is appended to the query after the signature)
 * @WS_SIGV4_SIGN_BODY: add and sign an `x-amz-content-sha256` header holding
 *   the payload value (when presigning, only for an explicit
 *   signed_body_value, as aws-c-auth does)
 * @WS_SIGV4_PRESIGN: sign in the query string (a presigned URL) instead of
 *   an `Authorization` header
 */
typedef enum
{
  WS_SIGV4_FLAGS_NONE         = 0,
  WS_SIGV4_NORMALIZE_PATH     = 1 << 0,
  WS_SIGV4_DOUBLE_ENCODE_PATH = 1 << 1,
  WS_SIGV4_OMIT_SESSION_TOKEN = 1 << 2,
  WS_SIGV4_SIGN_BODY          = 1 << 3,
  WS_SIGV4_PRESIGN            = 1 << 4,
} WsSigv4Flags;

typedef struct
{
  const char *name;
  const char *value;
} WsSigv4Header;

/**
 * WsSigv4Request:
 * @method: the HTTP method
 * @path: the path as it goes on the wire (with %WS_SIGV4_DOUBLE_ENCODE_PATH
 *   it may also be raw: spaces and UTF-8 are encoded like any other byte)
 * @query: (nullable): the query as it goes on the wire, without `?`
 * @headers: the headers to sign, including `host`; the signer drops
 *   `authorization`, `x-amz-date` and headers a client or proxy rewrites
 *   (`user-agent`, `accept-encoding`, `connection`, `expect`…)
 * @n_headers: the length of @headers
 * @payload_hash: (nullable): hex SHA-256 of the body, %NULL for no body
 */
typedef struct
{
  const char          *method;
  const char          *path;
  const char          *query;
  const WsSigv4Header *headers;
  gsize                n_headers;
  const char          *payload_hash;
} WsSigv4Request;

/**
 * WsSigv4Params:
 * @amz_date: the signing time as `YYYYMMDD'T'HHMMSS'Z'`
 * @signed_body_value: (nullable): sign this instead of the payload hash,
 *   e.g. %WS_SIGV4_UNSIGNED_PAYLOAD
 * @expires: `X-Amz-Expires` in seconds, for %WS_SIGV4_PRESIGN
 * @signing_key: (nullable): a key from ws_sigv4_derive_signing_key() for
 *   the same secret, date, region and service, to skip the derivation
 */
typedef struct
{
  const char   *access_key_id;
  const char   *secret_access_key;
  const char   *session_token;
  const char   *region;
  const char   *service;
  const char   *amz_date;
  WsSigv4Flags  flags;
  const char   *signed_body_value;
  guint         expires;
  const guint8 *signing_key;
} WsSigv4Params;

/**
 * WsSigv4Result:
 * @canonical_request: the canonical request (holds the session token)
 * @string_to_sign: the string to sign
 * @signed_headers: the `;`-separated signed header names
 * @signature: the lower-case hex signature
 * @authorization: the `Authorization` value (header signing), else %NULL
 * @query: the query to send, with the `X-Amz-*` parameters and the
 *   signature (presigning), else %NULL
 */
typedef struct
{
  char *canonical_request;
  char *string_to_sign;
  char *signed_headers;
  char *signature;
  char *authorization;
  char *query;
} WsSigv4Result;

void     ws_sigv4_sign                      (const WsSigv4Request *request,
                                             const WsSigv4Params  *params,
                                             WsSigv4Result        *result);
void     ws_sigv4_result_clear              (WsSigv4Result        *result);

void     ws_sigv4_derive_signing_key        (const char           *secret_access_key,
                                             const char           *date,
                                             const char           *region,
                                             const char           *service,
                                             guint8                key[WS_SIGV4_KEY_LENGTH]);
void     ws_sigv4_derive_signing_key_cached (const char           *secret_access_key,
                                             const char           *date,
                                             const char           *region,
                                             const char           *service,
                                             guint8                key[WS_SIGV4_KEY_LENGTH]);
void     ws_sigv4_clear_key_cache           (void);

char    *ws_sigv4_canonical_uri             (const char           *path,
                                             WsSigv4Flags          flags);
char    *ws_sigv4_canonical_query           (const char           *query);
char    *ws_sigv4_normalize_path            (const char           *path);
char    *ws_sigv4_uri_encode                (const char           *string,
                                             gboolean              keep_slash);
char    *ws_sigv4_hex_sha256                (const void           *data,
                                             gsize                 length);
void     ws_sigv4_hex_encode                (const guint8         *data,
                                             gsize                 length,
                                             char                 *hex);
char    *ws_sigv4_format_date               (GDateTime            *time);
char    *ws_sigv4_host_header               (GUri                 *uri);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (WsSigv4Result, ws_sigv4_result_clear)

/**
 * ws_sigv4_sign_message:
 * @msg: a message whose URI and headers are final (its URI is what is sent)
 * @body: (nullable): the exact request body that will be sent, %NULL for none
 * @credentials: the credentials to sign with
 * @region: the signing region, e.g. "us-east-1"
 * @service: the signing name, e.g. "airflow", "sts"
 * @now: the signing time (the caller applies any clock-skew offset)
 *
 * Adds `Host` (with the port when it is not the scheme's default),
 * `X-Amz-Date`, `X-Amz-Security-Token` when @credentials have a session
 * token, and `Authorization`. A `Content-Type` already on @msg is signed.
 * Signing again (a retry) replaces those headers. The signing key comes
 * from ws_sigv4_derive_signing_key_cached().
 */
void ws_sigv4_sign_message (SoupMessage         *msg,
                            GBytes              *body,
                            const WsCredentials *credentials,
                            const char          *region,
                            const char          *service,
                            GDateTime           *now);

G_END_DECLS
