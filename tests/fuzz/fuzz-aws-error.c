/* fuzz-aws-error.c — libFuzzer target for the AWS error parser
 *
 * The input is the x-amzn-ErrorType header, a NUL byte and the body (JSON,
 * XML or anything); without a NUL it is all body. The HTTP status comes
 * from the body's length, so each body is tried with a few. Whatever is
 * parsed becomes an error message that people read, and that goes on
 * D-Bus in notifications: it must be UTF-8.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib.h>
#include <stdint.h>
#include <string.h>

#include "ws-aws-error.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const guint statuses[] = { 400, 403, 404, 429, 500, 503, 301 };
  const uint8_t *separator = memchr (data, '\0', size);
  g_autofree char *error_type = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  g_autofree char *message = NULL;
  guint status = statuses[size % G_N_ELEMENTS (statuses)];

  if (separator != NULL)
    {
      error_type = g_strndup ((const char *) data, separator - data);
      body = g_bytes_new (separator + 1, size - (separator - data) - 1);
    }
  else
    body = g_bytes_new (data, size);

  ws_aws_error_parse_response (status, error_type, body, &code, &message);
  g_assert_nonnull (code);
  g_assert_cmpstr (code, !=, "");
  g_assert_nonnull (message);

  ws_aws_error_is_retryable (code, status);
  ws_aws_error_code_is_clock_skew (code);
  error = ws_aws_error_new_for_response ("CreateWebLoginToken", status, code, message);
  g_assert_true (error->domain == WS_AWS_ERROR);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_cmpstr (ws_aws_error_get_aws_code (error), ==, code);
  g_assert_cmpuint (ws_aws_error_get_http_status (error), ==, status);
  return 0;
}
