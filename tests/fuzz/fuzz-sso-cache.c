/* fuzz-sso-cache.c — libFuzzer target for the cache files shared with the
 * AWS CLI: an SSO token (~/.aws/sso/cache) and an assumed role's
 * credentials (~/.aws/cli/cache)
 *
 * The input is read as those files are, then asked what the credential
 * chain asks of them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib.h>
#include <stdint.h>

#include "ws-json.h"
#include "ws-sso-cache.h"
#include "ws-sts.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GDateTime) now = g_date_time_new_utc (2026, 1, 2, 3, 4, 5);
  g_autoptr(JsonObject) entry = NULL;
  g_autoptr(WsCredentials) credentials = NULL;

  entry = ws_json_parse_object ((const char *) data, size, WS_SSO_MAX_JSON_SIZE);
  if (entry == NULL)
    return 0;

  /* A usable token has an access token; a refreshable one the client. */
  if (ws_sso_token_usable (entry, now, 5 * G_TIME_SPAN_MINUTE))
    g_assert_nonnull (ws_sso_object_get_string (entry, "accessToken"));
  if (ws_sso_token_refreshable (entry, now))
    g_assert_nonnull (ws_sso_object_get_string (entry, "clientSecret"));
  ws_sso_object_time_left (entry, "expiresAt", now);

  credentials = ws_sts_cache_entry_parse (entry, "assume role");
  if (credentials != NULL)
    {
      g_assert_cmpstr (ws_credentials_get_access_key_id (credentials), !=, "");
      g_assert_nonnull (ws_credentials_get_expiration (credentials));
    }
  return 0;
}
