/* fuzz-sts-xml.c — libFuzzer target for the STS XML reader
 *
 * Every input is read as an AssumeRole / GetSessionToken /
 * AssumeRoleWithWebIdentity answer; whatever parses must be usable
 * credentials.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib.h>
#include <stdint.h>

#include "ws-aws-error.h"
#include "ws-sts.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(WsCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  credentials = ws_sts_parse_credentials ((const char *) data, size, "assume role", &error);
  if (credentials == NULL)
    {
      g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_RESPONSE);
      return 0;
    }

  g_assert_no_error (error);
  g_assert_cmpstr (ws_credentials_get_access_key_id (credentials), !=, "");
  g_assert_cmpstr (ws_credentials_get_secret_access_key (credentials), !=, "");
  g_assert_nonnull (ws_credentials_get_expiration (credentials));
  return 0;
}
