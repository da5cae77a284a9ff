/* ws-credential-process.h — credential_process: its output format, and
 * running it with a timeout and bounded pipes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ws-credentials.h"

G_BEGIN_DECLS

/* Pure: what a credential_process printed (JSON, Version 1);
 * WS_AWS_ERROR_CREDENTIAL_PROCESS naming @profile otherwise. */
WsCredentials *ws_credential_process_parse      (const char          *json,
                                                 gsize                length,
                                                 const char          *profile,
                                                 GError             **error);

/**
 * ws_credential_process_run_async:
 * @command: the credential_process command line, split as a shell would
 *   but run without one
 * @profile: the profile it belongs to, named in the errors
 * @envp: (nullable): the command's environment, or %NULL for ours
 * @timeout_ms: how long it may run before it, and whatever it started,
 *   is killed
 *
 * At most 1 MiB of stdout is read; only the beginning of stderr is kept,
 * for the message. A command line that does not parse is
 * WS_AWS_ERROR_INVALID_CONFIG; every other failure is
 * WS_AWS_ERROR_CREDENTIAL_PROCESS.
 */
void           ws_credential_process_run_async  (const char          *command,
                                                 const char          *profile,
                                                 const char * const  *envp,
                                                 guint                timeout_ms,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
WsCredentials *ws_credential_process_run_finish (GAsyncResult        *result,
                                                 GError             **error);

G_END_DECLS
