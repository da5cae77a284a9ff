/* ws-secret.h — wiping secrets before their memory is freed
 *
 * Secret keys, session and SSO tokens, web tokens and login URLs are
 * cleared before free() so they do not linger in freed heap pages (or a
 * core dump). Every function accepts NULL.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void ws_secret_wipe             (gpointer    data,
                                 gsize       length);
/* Wipes and frees a nul-terminated string; usable as a GDestroyNotify. */
void ws_secret_free             (gpointer    string);
void ws_secret_strfreev         (GStrv       strv);
/* Wipes the whole allocation, not only the used part, then frees. */
void ws_secret_string_free      (GString    *string);
/* Wipes the data when this was the last reference. */
void ws_secret_bytes_unref      (GBytes     *bytes);
/* Wipes the data at once: pass only the last reference. */
void ws_secret_byte_array_unref (GByteArray *array);

/* Writes @path atomically and readable only by the user (0600; a folder
 * it creates is 0700), as the AWS CLI keeps its caches. Blocking: call it
 * from a worker thread. Errors are WS_AWS_ERROR_FAILED, phrased for a
 * person. */
gboolean ws_secret_write_file   (const char *path,
                                 const char *data,
                                 gsize       length,
                                 GError    **error);

/* g_autoptr(WsSecret) text = …: a string wiped when it goes out of scope. */
typedef char WsSecret;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WsSecret, ws_secret_free)

/* g_autoptr(WsSecretString) text = g_string_new (…): the same for a GString. */
typedef GString WsSecretString;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WsSecretString, ws_secret_string_free)

G_END_DECLS
