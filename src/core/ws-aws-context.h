/* ws-aws-context.h — the AWS set-up a long-running process shares: the
 * parsed ~/.aws files (reloaded when they change), one credentials provider
 * (one cache), one WsMwaa and one WsSso, all on one WsAwsClient
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ws-aws-client.h"
#include "ws-aws-config.h"
#include "ws-credentials-provider.h"
#include "ws-mwaa.h"
#include "ws-sso.h"

G_BEGIN_DECLS

#define WS_TYPE_AWS_CONTEXT (ws_aws_context_get_type ())

G_DECLARE_FINAL_TYPE (WsAwsContext, ws_aws_context, WS, AWS_CONTEXT, GObject)

/* Loads the config at once (a malformed or missing file is not fatal: see
 * get_config_error) and watches the config and credentials files. */
WsAwsContext          *ws_aws_context_new              (WsAwsClient        *client,
                                                        const char * const *environ);
const char * const    *ws_aws_context_get_environ      (WsAwsContext *self);
/* Always non-NULL: an empty config when the file could not be parsed. */
WsAwsConfig           *ws_aws_context_get_config       (WsAwsContext *self);
/* Why the files could not be read ("FILE, line N: …"), or NULL. */
const GError          *ws_aws_context_get_config_error (WsAwsContext *self);
WsCredentialsProvider *ws_aws_context_get_provider     (WsAwsContext *self);
WsMwaa                *ws_aws_context_get_mwaa         (WsAwsContext *self);
WsSso                 *ws_aws_context_get_sso          (WsAwsContext *self);
/* Kept across reloads: every new provider gets it. */
void                   ws_aws_context_set_mfa_prompt   (WsAwsContext    *self,
                                                        WsMfaPromptFunc  func,
                                                        gpointer         user_data,
                                                        GDestroyNotify   destroy);
/* Re-reads the files now; emits ::changed. Called by the file monitors
 * (debounced, so an editor's save is one reload). Objects got from the
 * getters before are replaced: re-get them after ::changed. */
void                   ws_aws_context_reload           (WsAwsContext *self);

/* Signals:
 *   changed (void): the files changed and the objects were rebuilt. */

G_END_DECLS
