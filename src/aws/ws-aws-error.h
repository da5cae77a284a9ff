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

G_END_DECLS
