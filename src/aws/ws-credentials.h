/* ws-credentials.h — one set of AWS credentials (immutable, boxed)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define WS_TYPE_CREDENTIALS (ws_credentials_get_type ())

typedef struct _WsCredentials WsCredentials;

GType          ws_credentials_get_type            (void) G_GNUC_CONST;
WsCredentials *ws_credentials_new                 (const char    *access_key_id,
                                                   const char    *secret_access_key,
                                                   const char    *session_token,
                                                   GDateTime     *expiration,
                                                   const char    *source);
WsCredentials *ws_credentials_ref                 (WsCredentials *self);
void           ws_credentials_unref               (WsCredentials *self);
const char    *ws_credentials_get_access_key_id   (const WsCredentials *self);
const char    *ws_credentials_get_secret_access_key (const WsCredentials *self);
const char    *ws_credentials_get_session_token   (const WsCredentials *self);
GDateTime     *ws_credentials_get_expiration      (const WsCredentials *self);
const char    *ws_credentials_get_source          (const WsCredentials *self);
gboolean       ws_credentials_expires_within      (const WsCredentials *self,
                                                   GDateTime     *now,
                                                   GTimeSpan      margin);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WsCredentials, ws_credentials_unref)

G_END_DECLS
