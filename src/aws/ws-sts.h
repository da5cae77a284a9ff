/* ws-sts.h — the STS wire format as pure functions: the form bodies of
 * AssumeRole, GetSessionToken and AssumeRoleWithWebIdentity, the
 * credentials in an answer, and the AWS CLI's cache of them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

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
/* The form body of GetSessionToken with an MFA code; wipe it before freeing. */
char          *ws_sts_session_token_body (const char *mfa_serial,
                                          const char *token_code);
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

/* The file name under ~/.aws/cli/cache where the AWS CLI keeps an
 * AssumeRole answer: SHA-1 hex of json.dumps(arguments, sort_keys=True)
 * + ".json", the arguments being RoleArn and those of RoleSessionName
 * (only when configured: @session_name %NULL otherwise), DurationSeconds
 * (0: not set), ExternalId and SerialNumber that are set. */
char          *ws_sts_assume_role_cache_name   (const char    *role_arn,
                                                const char    *session_name,
                                                guint          duration_seconds,
                                                const char    *external_id,
                                                const char    *mfa_serial);
/* The same for a GetSessionToken session, which the AWS CLI does not
 * cache: Windsock's own key, {"AccessKeyId", "SerialNumber"}. */
char          *ws_sts_session_token_cache_name (const char    *access_key_id,
                                                const char    *mfa_serial);
/* A cache entry as the AWS CLI writes it: {"Credentials": {AccessKeyId,
 * SecretAccessKey, SessionToken, Expiration}}. */
JsonObject    *ws_sts_cache_entry_new          (const WsCredentials *credentials);
/* The credentials of a cache entry, or %NULL when it has none usable. */
WsCredentials *ws_sts_cache_entry_parse        (JsonObject    *entry,
                                                const char    *source);

G_END_DECLS
