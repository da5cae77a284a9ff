/* fuzz-sso-reply.c — libFuzzer target for the IAM Identity Center
 * answers: an OIDC CreateToken reply applied to a cached token, and the
 * portal's GetRoleCredentials
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib.h>
#include <stdint.h>

#include "ws-aws-error.h"
#include "ws-json.h"
#include "ws-sso-cache.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_create_token (JsonObject *reply,
                    GDateTime  *now)
{
  g_autoptr(JsonObject) entry = json_object_new ();
  g_autoptr(GError) error = NULL;

  json_object_set_string_member (entry, "startUrl", "https://example.awsapps.com/start");
  json_object_set_string_member (entry, "refreshToken", "old");
  if (!ws_sso_token_apply_reply (entry, reply, now, &error))
    {
      g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_RESPONSE);
      return;
    }

  /* What was stored must read back as a usable token. */
  g_assert_no_error (error);
  g_assert_true (ws_sso_token_usable (entry, now, 0));
}

static void
check_role_credentials (JsonObject *reply)
{
  g_autoptr(WsCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  credentials = ws_sso_role_credentials_parse (reply, &error);
  if (credentials == NULL)
    {
      g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_RESPONSE);
      return;
    }

  g_assert_no_error (error);
  g_assert_nonnull (ws_credentials_get_session_token (credentials));
  g_assert_nonnull (ws_credentials_get_expiration (credentials));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GDateTime) now = g_date_time_new_utc (2026, 1, 2, 3, 4, 5);
  g_autoptr(JsonObject) reply = NULL;

  reply = ws_json_parse_object ((const char *) data, size, WS_SSO_MAX_JSON_SIZE);
  if (reply == NULL)
    return 0;

  check_create_token (reply, now);
  check_role_credentials (reply);
  return 0;
}
