/* ws-sts.h — the STS wire format as pure functions: the form bodies of
 * AssumeRole and AssumeRoleWithWebIdentity, the credentials in an answer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ws-credentials.h"

G_BEGIN_DECLS

#define WS_STS_CONTENT_TYPE "application/x-www-form-urlencoded; charset=utf-8"

/* The form body of AssumeRole; the optional parts are left out when %NULL
 * (or 0). The result may hold an MFA code: wipe it before freeing. */
char          *ws_sts_assume_role_body  (const char  *role_arn,
                                         const char  *session_name,
                                         guint        duration_seconds,
                                         const char  *external_id,
                                         const char  *mfa_serial,
                                         const char  *token_code);
/* The form body of AssumeRoleWithWebIdentity; wipe it before freeing. */
char          *ws_sts_web_identity_body (const char  *role_arn,
                                         const char  *session_name,
                                         const char  *web_identity_token);
/* Credentials/{AccessKeyId,SecretAccessKey,SessionToken,Expiration} of an
 * STS XML answer; WS_AWS_ERROR_INVALID_RESPONSE when they are not there. */
WsCredentials *ws_sts_parse_credentials (const char  *xml,
                                         gsize        length,
                                         const char  *source,
                                         GError     **error);

G_END_DECLS
