/* fuzz-aws-config.c — libFuzzer target for the config and credentials parser
 *
 * The input is the config file's text, then optionally a NUL byte and the
 * credentials file's text. Whatever parses is walked with every getter.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib.h>
#include <stdint.h>
#include <string.h>

#include "ws-aws-config.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
walk_profile (WsAwsConfig *config,
              const char  *profile)
{
  g_auto(GStrv) keys = ws_aws_config_get_profile_keys (config, profile);
  const char *services;

  g_assert_true (ws_aws_config_has_profile (config, profile));

  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_autofree char *upper = g_ascii_strup (keys[i], -1);

      /* Keys are case-insensitive. */
      g_assert_cmpstr (ws_aws_config_get_profile_value (config, profile, keys[i]), ==,
                       ws_aws_config_get_profile_value (config, profile, upper));
      ws_aws_config_get_profile_sub_value (config, profile, keys[i], "endpoint_url");
    }

  services = ws_aws_config_get_profile_value (config, profile, "services");
  if (services != NULL)
    ws_aws_config_get_services_value (config, services, "mwaa", "endpoint_url");
}

static void
walk_sso_session (WsAwsConfig *config,
                  const char  *session)
{
  g_auto(GStrv) keys = ws_aws_config_get_sso_session_keys (config, session);

  g_assert_true (ws_aws_config_has_sso_session (config, session));

  for (guint i = 0; keys[i] != NULL; i++)
    g_assert_nonnull (ws_aws_config_get_sso_session_value (config, session, keys[i]));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_malloc (size + 1);
  const char *separator = memchr (data, '\0', size);
  const char *credentials = NULL;
  g_autoptr(WsAwsConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) profiles = NULL;
  g_auto(GStrv) sessions = NULL;

  /* The first NUL ends the config text; the rest, up to its own NUL, is
   * the credentials text. */
  memcpy (text, data, size);
  text[size] = '\0';
  if (separator != NULL)
    credentials = text + (separator - (const char *) data) + 1;

  config = ws_aws_config_new_from_data (text, "config", credentials, "credentials", &error);
  if (config == NULL)
    {
      g_assert_nonnull (error);
      return 0;
    }
  g_assert_no_error (error);

  profiles = ws_aws_config_get_profile_names (config);
  for (guint i = 0; profiles[i] != NULL; i++)
    walk_profile (config, profiles[i]);

  sessions = ws_aws_config_get_sso_session_names (config);
  for (guint i = 0; sessions[i] != NULL; i++)
    walk_sso_session (config, sessions[i]);

  return 0;
}
