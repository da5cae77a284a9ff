/* fuzz-mwaa-json.c — libFuzzer target for the three MWAA response parsers
 *
 * Every input is parsed as a CreateWebLoginToken, a ListEnvironments and
 * a GetEnvironment answer; whatever parses must hold what the callers
 * rely on, and a login token must give a login URL.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib.h>
#include <stdint.h>
#include <string.h>

#include "ws-endpoint.h"
#include "ws-mwaa-protocol.h"
#include "ws-secret.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_web_login_token (GBytes *body)
{
  g_autofree char *hostname = NULL;
  g_autoptr(WsSecret) web_token = NULL;
  g_autoptr(WsSecret) url = NULL;
  g_autoptr(GError) error = NULL;

  if (!ws_mwaa_parse_web_login_token (body, &hostname, &web_token, &error))
    {
      g_assert_nonnull (error);
      return;
    }

  g_assert_true (ws_endpoint_is_valid_hostname (hostname));
  g_assert_cmpstr (web_token, !=, "");

  /* The token stays in the fragment, after the one '#'. */
  url = ws_mwaa_build_login_url (hostname, web_token, "3.0.6");
  g_assert_nonnull (url);
  g_assert_true (g_str_has_prefix (url, "https://"));
  g_assert_null (strchr (strchr (url, '#') + 1, '#'));
}

static void
check_list_environments (GBytes *body)
{
  g_autoptr(GPtrArray) names = NULL;
  g_autofree char *next_token = NULL;
  g_autoptr(GError) error = NULL;

  names = ws_mwaa_parse_list_environments (body, &next_token, &error);
  if (names == NULL)
    {
      g_assert_nonnull (error);
      return;
    }

  /* Names go on D-Bus (the tray's menu), which takes only UTF-8. */
  for (guint i = 0; i < names->len; i++)
    g_assert_true (g_utf8_validate (g_ptr_array_index (names, i), -1, NULL));
  g_assert_true (next_token == NULL || *next_token != '\0');
}

static void
check_get_environment (GBytes *body)
{
  g_autoptr(WsMwaaEnvironment) environment = NULL;
  g_autoptr(WsMwaaEnvironment) copy = NULL;
  g_autoptr(GError) error = NULL;

  environment = ws_mwaa_parse_get_environment (body, &error);
  if (environment == NULL)
    {
      g_assert_nonnull (error);
      return;
    }

  g_assert_true (environment->webserver_hostname == NULL ||
                 ws_endpoint_is_valid_hostname (environment->webserver_hostname));
  g_assert_true (environment->name == NULL || g_utf8_validate (environment->name, -1, NULL));
  copy = ws_mwaa_environment_copy (environment);
  g_assert_cmpstr (copy->name, ==, environment->name);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) body = g_bytes_new (data, size);

  check_web_login_token (body);
  check_list_environments (body);
  check_get_environment (body);

  return 0;
}
