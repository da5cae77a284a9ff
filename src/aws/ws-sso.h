/* ws-sso.h — IAM Identity Center: the AWS CLI's token cache, the portal's
 * GetRoleCredentials, token refresh and the OIDC sign-in
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ws-aws-client.h"
#include "ws-aws-config.h"
#include "ws-credentials.h"

G_BEGIN_DECLS

#define WS_TYPE_SSO (ws_sso_get_type ())
G_DECLARE_FINAL_TYPE (WsSso, ws_sso, WS, SSO, GObject)

/**
 * WsSsoLoginFlags:
 * @WS_SSO_LOGIN_DEFAULT: the authorization-code flow with PKCE, redirected
 *   to a loopback listener (what `aws sso login` does by default)
 * @WS_SSO_LOGIN_DEVICE_CODE: the device-code flow (`--use-device-code`), for
 *   a browser on another machine
 */
typedef enum
{
  WS_SSO_LOGIN_DEFAULT     = 0,
  WS_SSO_LOGIN_DEVICE_CODE = 1 << 0,
} WsSsoLoginFlags;

/**
 * WsSsoPromptFunc:
 * @user_code: (nullable): the code the user confirms in the browser
 *   (device-code flow), or %NULL (authorization-code flow)
 * @verification_uri: the page to open: verificationUriComplete, or the
 *   OIDC authorize address
 *
 * Called once the sign-in is ready for the browser; it then waits until
 * the user approves, the code expires or it is cancelled.
 */
typedef void (*WsSsoPromptFunc) (const char *user_code,
                                 const char *verification_uri,
                                 gpointer    user_data);

WsSso         *ws_sso_new                       (WsAwsClient        *client,
                                                 WsAwsConfig        *config,
                                                 const char * const *environ);
/* How long one second of the OIDC poll interval lasts (default 1000 ms);
 * tests shrink it so a sign-in with several polls stays quick. */
void           ws_sso_set_poll_unit             (WsSso              *self,
                                                 guint               milliseconds);

/* How long the authorization-code sign-in waits for the browser to come
 * back (default 10 minutes, as the AWS CLI). */
void           ws_sso_set_login_timeout         (WsSso              *self,
                                                 guint               milliseconds);

/* Token from ~/.aws/sso/cache (refreshed when it can be), then the portal's
 * GetRoleCredentials. No token or an expired one without refresh:
 * WS_AWS_ERROR_SSO_LOGIN_REQUIRED naming `windsock login PROFILE`. */
void           ws_sso_get_role_credentials_async (WsSso              *self,
                                                 const char         *profile,
                                                 GCancellable       *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer            user_data);
WsCredentials *ws_sso_get_role_credentials_finish (WsSso            *self,
                                                 GAsyncResult       *result,
                                                 GError            **error);

/* Where the token of the sso-session keyed @session_key (its name, or the
 * start URL of a legacy profile) is cached, by the AWS CLI and by us. */
char          *ws_sso_dup_token_cache_path       (WsSso              *self,
                                                 const char         *session_key);

/* The sign-in; writes the AWS CLI's cache entry atomically, 0600.
 * One sign-in per sso-session at a time: a second call joins the first
 * (whatever its flags). As the AWS CLI, a legacy profile (sso_start_url
 * without sso_session) always uses the device code. The authorization-code
 * flow listens on 127.0.0.1 (a free port) for the browser's redirect. */
void           ws_sso_login_async               (WsSso              *self,
                                                 const char         *profile,
                                                 WsSsoLoginFlags     flags,
                                                 WsSsoPromptFunc     prompt,
                                                 gpointer            prompt_data,
                                                 GCancellable       *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer            user_data);
gboolean       ws_sso_login_finish              (WsSso              *self,
                                                 GAsyncResult       *result,
                                                 GError            **error);

G_END_DECLS
