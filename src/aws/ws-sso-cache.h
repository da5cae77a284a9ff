/* ws-sso-cache.h — the AWS CLI's SSO cache: file names, reading and
 * updating token entries (pure), and the files themselves
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "ws-credentials.h"

G_BEGIN_DECLS

/* Cache entries and OIDC answers are a few hundred bytes. */
#define WS_SSO_MAX_JSON_SIZE (1024 * 1024)

/* Pure: the cache file name: SHA-1 hex of the sso-session name or start URL + ".json". */
char          *ws_sso_cache_file_name              (const char         *session_name_or_start_url);
/* Pure: the AWS CLI's client-registration cache file name: SHA-1 hex of
 * json.dumps({"region", "scopes", "session_name", "startUrl", "tool"},
 * sort_keys=True) + ".json"; @scopes and @session_name are %NULL (JSON null)
 * for a legacy profile. */
char          *ws_sso_registration_cache_file_name (const char         *start_url,
                                                    const char         *sso_region,
                                                    const char * const *scopes,
                                                    const char         *session_name);
/* Pure: an `expiresAt` as the AWS tools write it ("Z", "UTC", numeric
 * offsets, fractional seconds; no zone means UTC), or %NULL. */
GDateTime     *ws_sso_parse_time                   (const char         *text);
/* Python's json.dumps() of @text (null when %NULL) with its default
 * ensure_ascii: everything outside printable ASCII becomes \uXXXX
 * (surrogate pairs above the BMP) — the AWS CLI hashes such keys. */
void           ws_sso_cache_append_python_json     (GString            *out,
                                                    const char         *text);
/* Pure: a time as the AWS CLI writes it, "2024-01-31T12:00:00Z". */
char          *ws_sso_format_time                  (GDateTime          *time);

/* Pure: lenient readers of cache entries and OIDC answers; a missing
 * member, another type, an empty string or a %NULL @object gives %NULL
 * (or @fallback). */
const char    *ws_sso_object_get_string            (JsonObject         *object,
                                                    const char         *member);
gint64         ws_sso_object_get_int               (JsonObject         *object,
                                                    const char         *member,
                                                    gint64              fallback);
/* Pure: how far the time in @member lies ahead of @now (G_MININT64 when
 * absent or unreadable, so that every comparison says "expired"). */
GTimeSpan      ws_sso_object_time_left             (JsonObject         *object,
                                                    const char         *member,
                                                    GDateTime          *now);

/* Pure: whether a token entry holds an access token good for more than @margin. */
gboolean       ws_sso_token_usable                 (JsonObject         *token,
                                                    GDateTime          *now,
                                                    GTimeSpan           margin);
/* Pure: whether it holds a refresh token and a client registration still valid. */
gboolean       ws_sso_token_refreshable            (JsonObject         *token,
                                                    GDateTime          *now);
/* Pure: copies the new access token (and refresh token, when OIDC rotated
 * it) of a CreateToken answer into a token entry. */
gboolean       ws_sso_token_apply_reply            (JsonObject         *entry,
                                                    JsonObject         *reply,
                                                    GDateTime          *now,
                                                    GError            **error);
/* Pure: the roleCredentials of a GetRoleCredentials answer. */
WsCredentials *ws_sso_role_credentials_parse       (JsonObject         *reply,
                                                    GError            **error);

/* Reads a cache file. A missing, unreadable or malformed entry is no
 * entry: %NULL without an error; only cancellation is an error. */
void           ws_sso_cache_load_async             (const char         *path,
                                                    GCancellable       *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer            user_data);
JsonObject    *ws_sso_cache_load_finish            (GAsyncResult       *result,
                                                    GError            **error);
/* Writes @object to @path atomically, mode 0600 (its folder 0700), in a
 * worker thread. */
void           ws_sso_cache_write_async            (const char         *path,
                                                    JsonObject         *object,
                                                    GAsyncReadyCallback callback,
                                                    gpointer            user_data);
gboolean       ws_sso_cache_write_finish           (GAsyncResult       *result,
                                                    GError            **error);

G_END_DECLS
