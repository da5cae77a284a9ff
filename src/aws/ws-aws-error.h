/* ws-aws-error.h — the error domain of the AWS layer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define WS_AWS_ERROR (ws_aws_error_quark ())

/**
 * WsAwsError:
 *
 * Codes a user interface can act on: each one maps to one thing the user
 * can do (sign in, enter an MFA code, fix a config file, retry later…).
 */
typedef enum
{
  WS_AWS_ERROR_FAILED,              /* anything not listed below */
  WS_AWS_ERROR_INVALID_CONFIG,      /* malformed ~/.aws/config or credentials, inconsistent profile */
  WS_AWS_ERROR_INVALID_ARGUMENT,    /* bad environment name, ARN, endpoint URL… */
  WS_AWS_ERROR_UNKNOWN_PROFILE,     /* the profile does not exist */
  WS_AWS_ERROR_NO_REGION,           /* no region from --region, environment or profile */
  WS_AWS_ERROR_NO_CREDENTIALS,      /* nothing in the chain answered */
  WS_AWS_ERROR_EXPIRED_CREDENTIALS, /* ExpiredToken…, expired static/process credentials */
  WS_AWS_ERROR_INVALID_CREDENTIALS, /* UnrecognizedClient, InvalidClientTokenId, bad signature */
  WS_AWS_ERROR_SSO_LOGIN_REQUIRED,  /* no or expired SSO token: run `windsock login PROFILE` */
  WS_AWS_ERROR_MFA_REQUIRED,        /* an MFA code is needed and no prompt is available */
  WS_AWS_ERROR_CREDENTIAL_PROCESS,  /* credential_process failed or printed garbage */
  WS_AWS_ERROR_ACCESS_DENIED,       /* AccessDenied…, 403 */
  WS_AWS_ERROR_NOT_FOUND,           /* ResourceNotFound…, 404 */
  WS_AWS_ERROR_THROTTLED,           /* 429, Throttling… after the retries */
  WS_AWS_ERROR_NETWORK,             /* DNS, connection refused/reset, proxy */
  WS_AWS_ERROR_TIMEOUT,             /* the request did not complete in time */
  WS_AWS_ERROR_TLS,                 /* the certificate did not verify */
  WS_AWS_ERROR_CLOCK_SKEW,          /* the local clock is too far off, even after correction */
  WS_AWS_ERROR_SERVER,              /* 5xx after the retries */
  WS_AWS_ERROR_INVALID_RESPONSE,    /* a body we cannot parse */
} WsAwsError;

GQuark ws_aws_error_quark (void);

/* Additions (client). */

/* What AWS said, kept on errors made from an AWS answer, for callers that
 * branch on the exact code ("AccessDeniedException"); %NULL / 0 otherwise. */
const char *ws_aws_error_get_aws_code        (const GError *error);
guint       ws_aws_error_get_http_status     (const GError *error);

/* Pure: the code and message of an AWS error answer as botocore derives
 * them: x-amzn-ErrorType (@error_type) first, else the JSON body's
 * code/Code/__type, else STS XML ErrorResponse/Error/Code, else an OAuth
 * "error"; cut at the first ':' and after the last '#'; else the status.
 * The message is message/Message/error_description, or "". */
void        ws_aws_error_parse_response      (guint          status,
                                              const char    *error_type,
                                              GBytes        *body,
                                              char         **code,
                                              char         **message);
/* Pure: the code a user interface acts on. @message tells a signature
 * that expired (clock skew) from a wrong one. */
WsAwsError  ws_aws_error_from_code           (const char    *code,
                                              guint          status,
                                              const char    *message);
/* Pure: the errors the standard retry mode retries. */
gboolean    ws_aws_error_is_retryable        (const char    *code,
                                              guint          status);
/* Pure: codes that may come from a skewed clock (retried once after the
 * clock offset changed). */
gboolean    ws_aws_error_code_is_clock_skew  (const char    *code);

/* A WS_AWS_ERROR for an AWS answer, its message naming @operation. */
GError     *ws_aws_error_new_for_response    (const char    *operation,
                                              guint          status,
                                              const char    *code,
                                              const char    *message);
/* A WS_AWS_ERROR for a failure below HTTP (DNS, TCP, TLS, timeout). */
GError     *ws_aws_error_new_for_transport   (const char    *host,
                                              const GError  *error);

G_END_DECLS
