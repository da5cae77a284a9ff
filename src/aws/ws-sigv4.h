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
 */
void ws_sigv4_sign_message (SoupMessage         *msg,
                            GBytes              *body,
                            const WsCredentials *credentials,
                            const char          *region,
                            const char          *service,
                            GDateTime           *now);

G_END_DECLS
