/* ws-credentials-provider.h — the AWS credential chain, cached per profile
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ws-aws-client.h"
#include "ws-aws-config.h"
#include "ws-credentials.h"
#include "ws-sso.h"

G_BEGIN_DECLS

#define WS_TYPE_CREDENTIALS_PROVIDER (ws_credentials_provider_get_type ())
G_DECLARE_FINAL_TYPE (WsCredentialsProvider, ws_credentials_provider, WS, CREDENTIALS_PROVIDER, GObject)

/* Signals:
 *   mfa-finished (const char *mfa_serial, const GError *error): a device's
 *     turn ended: @error is %NULL when AWS accepted the code, else why it
 *     failed (cancelled included). A prompt window closes on it.
 *
 * MFA sessions (AssumeRole with mfa_serial, and GetSessionToken for a
 * profile with keys and mfa_serial but no role_arn) are kept until they
 * expire, in memory and in the AWS CLI's ~/.aws/cli/cache (0600), so that
 * the next process asks for no code either. */

/* How many codes one request may try before it fails. */
#define WS_MFA_MAX_ATTEMPTS 3

/**
 * WsMfaPromptFunc:
 * @profile: the profile being resolved
 * @mfa_serial: the MFA device (mfa_serial)
 * @reply: complete it with g_task_return_pointer (reply, code, g_free), or an error
 *   (G_IO_ERROR_CANCELLED when the user cancels)
 * @user_data: the data given to ws_credentials_provider_set_mfa_prompt()
 *
 * Asks the user for a code. Called at most once at a time per device: a
 * device's turn lasts until AWS has answered the code, and ends with the
 * provider's #WsCredentialsProvider::mfa-finished signal. A code AWS does
 * not accept is asked for again in the same turn (up to
 * %WS_MFA_MAX_ATTEMPTS times), with ws_mfa_prompt_get_previous_error()
 * telling why.
 */
typedef void (*WsMfaPromptFunc) (const char *profile,
                                 const char *mfa_serial,
                                 GTask      *reply,
                                 gpointer    user_data);

/* Why the code asked for before in this turn was not accepted, phrased
 * for a person; %NULL on the first ask. */
const GError          *ws_mfa_prompt_get_previous_error        (GTask *reply);

WsCredentialsProvider *ws_credentials_provider_new            (WsAwsClient        *client,
                                                               WsAwsConfig        *config,
                                                               const char * const *environ);
WsAwsConfig           *ws_credentials_provider_get_config     (WsCredentialsProvider *self);
/* The IAM Identity Center client the chain uses: signing in through it
 * shares its one-at-a-time rule with the chain's token refreshes. */
WsSso                 *ws_credentials_provider_get_sso        (WsCredentialsProvider *self);
/* Without a prompt, an MFA profile fails with WS_AWS_ERROR_MFA_REQUIRED. */
void                   ws_credentials_provider_set_mfa_prompt (WsCredentialsProvider *self,
                                                               WsMfaPromptFunc     func,
                                                               gpointer            user_data,
                                                               GDestroyNotify      destroy);
/**
 * ws_credentials_provider_get_async:
 * @profile: (nullable): an explicit profile (as --profile: the environment's
 *   AWS_ACCESS_KEY_ID is then not used), or %NULL for AWS_PROFILE / default
 *
 * Resolves credentials in the AWS CLI's order; the result is cached and
 * reused until 5 minutes before it expires. Concurrent calls for one
 * profile share one resolution.
 */
void                   ws_credentials_provider_get_async      (WsCredentialsProvider *self,
                                                               const char         *profile,
                                                               GCancellable       *cancellable,
                                                               GAsyncReadyCallback callback,
                                                               gpointer            user_data);
WsCredentials         *ws_credentials_provider_get_finish     (WsCredentialsProvider *self,
                                                               GAsyncResult       *result,
                                                               GError            **error);
/* Forgets cached credentials (all profiles when @profile is %NULL). */
void                   ws_credentials_provider_invalidate     (WsCredentialsProvider *self,
                                                               const char         *profile);

/* Whether credentials for @profile come without asking anything: TRUE
 * when they are cached and fresh, or when each mfa_serial in its chain
 * has a fresh session in memory (the AWS CLI's cache files are not read
 * here: that would block). Background work checks it so as never to
 * prompt. */
gboolean               ws_credentials_provider_can_resolve_silently (WsCredentialsProvider *self,
                                                                     const char         *profile);

/* How long a credential_process may run before it is killed (default
 * 60 s); tests shorten it. */
void                   ws_credentials_provider_set_process_timeout (WsCredentialsProvider *self,
                                                                    guint               milliseconds);

G_END_DECLS
