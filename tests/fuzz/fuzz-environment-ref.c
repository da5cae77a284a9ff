/* fuzz-environment-ref.c — libFuzzer target for the ENV argument of
 * `windsock url|open ENV` (NAME, PROFILE/REGION/NAME or an ARN) and for
 * the catalog's cached environments
 *
 * The input, up to its first NUL (argv has none), is parsed as a
 * reference; what parses must format and parse back to itself. The whole
 * input is also read as a cached environment, which must survive a round
 * trip through its cache form.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib.h>
#include <stdint.h>
#include <string.h>

#include "ws-aws-error.h"
#include "ws-environment.h"
#include "ws-json.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_ref (const char *ref)
{
  g_autofree char *profile = NULL;
  g_autofree char *region = NULL;
  g_autofree char *name = NULL;
  g_autofree char *again_profile = NULL;
  g_autofree char *again_region = NULL;
  g_autofree char *again_name = NULL;
  g_autofree char *formatted = NULL;
  g_autoptr(WsEnvironment) environment = NULL;
  g_autoptr(GError) error = NULL;
  WsMwaaEnvironment mwaa = { 0 };

  if (!ws_mwaa_parse_environment_ref (ref, &profile, &region, &name, &error))
    {
      g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_ARGUMENT);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      return;
    }

  g_assert_no_error (error);
  g_assert_true (ws_mwaa_validate_environment_name (name, NULL));
  /* An ARN names a region and no profile; NAME neither. */
  g_assert_true (region != NULL || profile == NULL);

  formatted = ws_environment_format_ref (profile != NULL ? profile : "default",
                                         region != NULL ? region : "us-east-1", name);
  g_assert_true (ws_mwaa_parse_environment_ref (formatted, &again_profile, &again_region,
                                                &again_name, NULL));
  g_assert_cmpstr (again_profile, ==, profile != NULL ? profile : "default");
  g_assert_cmpstr (again_region, ==, region != NULL ? region : "us-east-1");
  g_assert_cmpstr (again_name, ==, name);

  /* An ARN's account is what the menu shows next to the name. */
  mwaa.name = name;
  mwaa.arn = g_str_has_prefix (ref, "arn:") ? (char *) ref : NULL;
  environment = ws_environment_new_from_mwaa (again_profile, again_region, &mwaa);
  if (mwaa.arn != NULL)
    g_assert_cmpuint (strlen (ws_environment_get_account_id (environment)), ==, 12);
}

static void
check_cached (const uint8_t *data,
              size_t         size)
{
  g_autoptr(JsonObject) object = ws_json_parse_object ((const char *) data, size, G_MAXSIZE);
  g_autoptr(JsonObject) saved = NULL;
  g_autoptr(WsEnvironment) environment = NULL;
  g_autoptr(WsEnvironment) reloaded = NULL;
  g_autofree char *ref = NULL;
  g_autofree char *reloaded_ref = NULL;
  g_autoptr(GError) error = NULL;

  if (object == NULL)
    return;
  environment = ws_environment_new_from_json (object, &error);
  if (environment == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      return;
    }

  saved = ws_environment_to_json (environment);
  reloaded = ws_environment_new_from_json (saved, &error);
  g_assert_no_error (error);
  ref = ws_environment_dup_ref (environment);
  reloaded_ref = ws_environment_dup_ref (reloaded);
  g_assert_cmpstr (ref, ==, reloaded_ref);
  g_assert_cmpstr (ws_environment_get_webserver_hostname (environment), ==,
                   ws_environment_get_webserver_hostname (reloaded));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *ref = g_strndup ((const char *) data, size);

  check_ref (ref);
  check_cached (data, size);
  return 0;
}
