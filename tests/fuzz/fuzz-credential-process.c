/* fuzz-credential-process.c — libFuzzer target for what a
 * credential_process prints
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib.h>
#include <stdint.h>

#include "ws-aws-error.h"
#include "ws-credential-process.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(WsCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  credentials = ws_credential_process_parse ((const char *) data, size, "dev", &error);
  if (credentials == NULL)
    {
      g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_CREDENTIAL_PROCESS);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      return 0;
    }

  g_assert_no_error (error);
  g_assert_nonnull (ws_credentials_get_access_key_id (credentials));
  g_assert_nonnull (ws_credentials_get_secret_access_key (credentials));
  g_assert_cmpstr (ws_credentials_get_source (credentials), ==, "credential_process");
  return 0;
}
