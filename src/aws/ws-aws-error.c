/* ws-aws-error.c — the error domain of the AWS layer: AWS error answers
 * parsed and mapped to what a user can do about them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ws-aws-error.h"
#include "ws-json.h"
#include "ws-xml.h"

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

/* The raw AWS code travels with the error (an extended error domain), so a
 * caller can branch on it without parsing the message. */
typedef struct
{
  char  *aws_code;
  guint  http_status;
} WsAwsErrorPrivate;

static void
ws_aws_error_private_init (WsAwsErrorPrivate *priv)
{
}

static void
ws_aws_error_private_copy (const WsAwsErrorPrivate *src,
                           WsAwsErrorPrivate       *dest)
{
  dest->aws_code = g_strdup (src->aws_code);
  dest->http_status = src->http_status;
}

static void
ws_aws_error_private_clear (WsAwsErrorPrivate *priv)
{
  g_clear_pointer (&priv->aws_code, g_free);
}

G_DEFINE_EXTENDED_ERROR (WsAwsError, ws_aws_error)

/* The generated getter is critical about other domains; callers hand us
 * any error (a cancellation, a GIO error), so those just have no AWS code. */
static WsAwsErrorPrivate *
aws_error_private (const GError *error)
{
  if (error == NULL || error->domain != WS_AWS_ERROR)
    return NULL;
  return ws_aws_error_get_private (error);
}

const char *
ws_aws_error_get_aws_code (const GError *error)
{
  WsAwsErrorPrivate *priv = aws_error_private (error);

  return priv != NULL ? priv->aws_code : NULL;
}

guint
ws_aws_error_get_http_status (const GError *error)
{
  WsAwsErrorPrivate *priv = aws_error_private (error);

  return priv != NULL ? priv->http_status : 0;
}

/* --- Parsing an error answer ------------------------------------------------ */

/* "ValidationException:http://internal…" and "com.amazon…#NotFound" → the name.
 * The header is not checked for UTF-8 by libsoup; the code ends up in
 * messages that go on D-Bus, which must be. */
static char *
clean_code (const char *raw)
{
  g_autofree char *valid = g_utf8_make_valid (raw, -1);
  g_autofree char *code = g_strndup (valid, strcspn (valid, ":"));
  const char *hash = strrchr (code, '#');

  return g_strdup (g_strstrip (hash != NULL ? (char *) hash + 1 : code));
}

static const char *
first_string_member (JsonObject         *object,
                     const char * const *names)
{
  for (guint i = 0; names[i] != NULL; i++)
    {
      const char *value = ws_json_get_string (object, names[i]);

      if (value != NULL && value[0] != '\0')
        return value;
    }

  return NULL;
}

static void
parse_json_error (const char  *text,
                  gsize        len,
                  char       **code,
                  char       **message)
{
  static const char * const code_names[] = { "code", "Code", "__type", "error", NULL };
  static const char * const message_names[] = { "message", "Message", "error_description", NULL };
  g_autoptr(JsonObject) object = ws_json_parse_object (text, len, G_MAXSIZE);

  if (object == NULL)
    return;

  *code = g_strdup (first_string_member (object, code_names));
  *message = g_strdup (first_string_member (object, message_names));
}

/* STS (query protocol): ErrorResponse/Error/{Code,Message}; S3-style
 * answers have Error at the root, so only the parent is checked. */
static void
parse_xml_error (const char  *text,
                 gsize        len,
                 char       **code,
                 char       **message)
{
  static const char * const names[] = { "Code", "Message", NULL };
  GString *texts[] = { g_string_new (NULL), g_string_new (NULL) };

  /* A broken document still yields what was read before the break. */
  ws_xml_read_children (text, len, G_MARKUP_TREAT_CDATA_AS_TEXT, "Error", names, texts);

  /* Empty when absent, which the caller treats as no code or message. */
  *code = g_strstrip (g_string_free (texts[0], FALSE));
  *message = g_strstrip (g_string_free (texts[1], FALSE));
}

void
ws_aws_error_parse_response (guint        status,
                             const char  *error_type,
                             GBytes      *body,
                             char       **code,
                             char       **message)
{
  g_autofree char *body_code = NULL;
  g_autofree char *body_message = NULL;
  const char *text = NULL;
  gsize len = 0;

  g_return_if_fail (code != NULL);
  g_return_if_fail (message != NULL);

  if (body != NULL)
    text = g_bytes_get_data (body, &len);
  while (len > 0 && g_ascii_isspace (*text))
    {
      text++;
      len--;
    }

  if (len > 0 && text[0] == '{')
    parse_json_error (text, len, &body_code, &body_message);
  else if (len > 0 && text[0] == '<')
    parse_xml_error (text, len, &body_code, &body_message);

  if (error_type != NULL && error_type[0] != '\0')
    *code = clean_code (error_type);
  else if (body_code != NULL && body_code[0] != '\0')
    *code = clean_code (body_code);
  else
    *code = NULL;

  if (*code == NULL || (*code)[0] == '\0')
    {
      g_free (*code);
      *code = g_strdup_printf ("%u", status);
    }

  *message = body_message != NULL ? g_steal_pointer (&body_message) : g_strdup ("");
}

/* --- Classifying ------------------------------------------------------------- */

typedef struct
{
  const char *code;
  WsAwsError  error;
} CodeMapping;

static const CodeMapping code_mappings[] = {
  { "ExpiredToken", WS_AWS_ERROR_EXPIRED_CREDENTIALS },
  { "ExpiredTokenException", WS_AWS_ERROR_EXPIRED_CREDENTIALS },
  { "TokenRefreshRequired", WS_AWS_ERROR_EXPIRED_CREDENTIALS },
  { "UnrecognizedClientException", WS_AWS_ERROR_INVALID_CREDENTIALS },
  { "InvalidClientTokenId", WS_AWS_ERROR_INVALID_CREDENTIALS },
  { "InvalidAccessKeyId", WS_AWS_ERROR_INVALID_CREDENTIALS },
  { "InvalidSignatureException", WS_AWS_ERROR_INVALID_CREDENTIALS },
  { "SignatureDoesNotMatch", WS_AWS_ERROR_INVALID_CREDENTIALS },
  { "IncompleteSignature", WS_AWS_ERROR_INVALID_CREDENTIALS },
  { "IncompleteSignatureException", WS_AWS_ERROR_INVALID_CREDENTIALS },
  { "MissingAuthenticationToken", WS_AWS_ERROR_INVALID_CREDENTIALS },
  { "MissingAuthenticationTokenException", WS_AWS_ERROR_INVALID_CREDENTIALS },
  { "AuthFailure", WS_AWS_ERROR_INVALID_CREDENTIALS },
  /* The SSO portal and OIDC: the access or refresh token is no longer valid. */
  { "UnauthorizedException", WS_AWS_ERROR_SSO_LOGIN_REQUIRED },
  { "InvalidGrantException", WS_AWS_ERROR_SSO_LOGIN_REQUIRED },
  { "AccessDenied", WS_AWS_ERROR_ACCESS_DENIED },
  { "AccessDeniedException", WS_AWS_ERROR_ACCESS_DENIED },
  { "UnauthorizedOperation", WS_AWS_ERROR_ACCESS_DENIED },
  { "ResourceNotFoundException", WS_AWS_ERROR_NOT_FOUND },
  { "NotFoundException", WS_AWS_ERROR_NOT_FOUND },
  { "NoSuchEntity", WS_AWS_ERROR_NOT_FOUND },
  { "ValidationException", WS_AWS_ERROR_INVALID_ARGUMENT },
  { "ValidationError", WS_AWS_ERROR_INVALID_ARGUMENT },
  { "InvalidParameterValue", WS_AWS_ERROR_INVALID_ARGUMENT },
  { "InvalidParameterException", WS_AWS_ERROR_INVALID_ARGUMENT },
  { "InvalidRequestException", WS_AWS_ERROR_INVALID_ARGUMENT },
  { "RequestTimeout", WS_AWS_ERROR_TIMEOUT },
  { "RequestTimeoutException", WS_AWS_ERROR_TIMEOUT },
  { "PriorRequestNotComplete", WS_AWS_ERROR_SERVER },
  { "InternalServerException", WS_AWS_ERROR_SERVER },
  { "InternalFailure", WS_AWS_ERROR_SERVER },
  { "InternalError", WS_AWS_ERROR_SERVER },
  { "ServiceUnavailable", WS_AWS_ERROR_SERVER },
  { "ServiceUnavailableException", WS_AWS_ERROR_SERVER },
};

/* botocore retries/standard.py, plus the CLI guide's EC2ThrottledException. */
static const char * const throttling_codes[] = {
  "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
  "TooManyRequestsException", "ProvisionedThroughputExceededException",
  "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
  "LimitExceededException", "RequestThrottled", "SlowDown", "EC2ThrottledException", NULL
};

static const char * const transient_codes[] = {
  "RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete", NULL
};

/* The JavaScript SDK's CLOCK_SKEW_ERROR_CODES. */
static const char * const clock_skew_codes[] = {
  "AuthFailure", "InvalidSignatureException", "RequestExpired", "RequestInTheFuture",
  "RequestTimeTooSkewed", "SignatureDoesNotMatch", NULL
};

/* Codes that only ever mean a skewed clock. */
static const char * const time_codes[] = {
  "RequestExpired", "RequestInTheFuture", "RequestTimeTooSkewed", NULL
};

static gboolean
strv_contains (const char * const *strv,
               const char         *str)
{
  return str != NULL && g_strv_contains (strv, str);
}

gboolean
ws_aws_error_code_is_clock_skew (const char *code)
{
  return strv_contains (clock_skew_codes, code);
}

/* A signature error whose text says the time is wrong, not the key. */
static gboolean
is_clock_skew (const char *code,
               const char *message)
{
  if (strv_contains (time_codes, code))
    return TRUE;

  return ws_aws_error_code_is_clock_skew (code) && message != NULL
         && (strstr (message, "Signature expired") != NULL || strstr (message, "not yet current") != NULL);
}

WsAwsError
ws_aws_error_from_code (const char *code,
                        guint       status,
                        const char *message)
{
  if (is_clock_skew (code, message))
    return WS_AWS_ERROR_CLOCK_SKEW;

  if (strv_contains (throttling_codes, code))
    return WS_AWS_ERROR_THROTTLED;

  for (guint i = 0; code != NULL && i < G_N_ELEMENTS (code_mappings); i++)
    {
      if (g_str_equal (code_mappings[i].code, code))
        return code_mappings[i].error;
    }

  if (code != NULL && g_str_has_suffix (code, "NotFoundException"))
    return WS_AWS_ERROR_NOT_FOUND;

  switch (status)
    {
    case 429: /* Too Many Requests */
      return WS_AWS_ERROR_THROTTLED;
    case SOUP_STATUS_UNAUTHORIZED:
    case SOUP_STATUS_FORBIDDEN:
      return WS_AWS_ERROR_ACCESS_DENIED;
    case SOUP_STATUS_NOT_FOUND:
      return WS_AWS_ERROR_NOT_FOUND;
    case SOUP_STATUS_REQUEST_TIMEOUT:
      return WS_AWS_ERROR_TIMEOUT;
    default:
      return status >= 500 ? WS_AWS_ERROR_SERVER : WS_AWS_ERROR_FAILED;
    }
}

gboolean
ws_aws_error_is_retryable (const char *code,
                           guint       status)
{
  switch (status)
    {
    case 429: /* Too Many Requests */
    case SOUP_STATUS_INTERNAL_SERVER_ERROR:
    case SOUP_STATUS_BAD_GATEWAY:
    case SOUP_STATUS_SERVICE_UNAVAILABLE:
    case SOUP_STATUS_GATEWAY_TIMEOUT:
      return TRUE;
    default:
      return strv_contains (throttling_codes, code) || strv_contains (transient_codes, code);
    }
}

/* --- Messages -------------------------------------------------------------- */

static char *
format_response_message (WsAwsError  error,
                         const char *operation,
                         const char *detail)
{
  switch (error)
    {
    case WS_AWS_ERROR_ACCESS_DENIED:
      return g_strdup_printf (_("AWS denied %s: %s"), operation, detail);
    case WS_AWS_ERROR_NOT_FOUND:
      return g_strdup_printf (_("AWS found nothing for %s: %s"), operation, detail);
    case WS_AWS_ERROR_INVALID_ARGUMENT:
      return g_strdup_printf (_("AWS rejected the parameters of %s: %s"), operation, detail);
    case WS_AWS_ERROR_EXPIRED_CREDENTIALS:
      return g_strdup_printf (_("The credentials used for %s have expired; refresh them or sign in again (%s)."),
                              operation, detail);
    case WS_AWS_ERROR_INVALID_CREDENTIALS:
      return g_strdup_printf (_("AWS did not accept the credentials used for %s; check the access key and secret (%s)."),
                              operation, detail);
    case WS_AWS_ERROR_SSO_LOGIN_REQUIRED:
      return g_strdup_printf (_("The IAM Identity Center sign-in used for %s is no longer valid; sign in again (%s)."),
                              operation, detail);
    case WS_AWS_ERROR_CLOCK_SKEW:
      return g_strdup_printf (_("AWS rejected %s because this computer’s clock is wrong; set the clock right and try again (%s)."),
                              operation, detail);
    case WS_AWS_ERROR_THROTTLED:
      return g_strdup_printf (_("AWS is throttling %s; wait a moment and try again (%s)."), operation, detail);
    case WS_AWS_ERROR_TIMEOUT:
      return g_strdup_printf (_("AWS timed out handling %s; try again (%s)."), operation, detail);
    case WS_AWS_ERROR_SERVER:
      return g_strdup_printf (_("AWS had a server error handling %s; try again later (%s)."), operation, detail);
    default:
      return g_strdup_printf (_("AWS refused %s: %s"), operation, detail);
    }
}

GError *
ws_aws_error_new_for_response (const char *operation,
                               guint       status,
                               const char *code,
                               const char *message)
{
  WsAwsError error_code = ws_aws_error_from_code (code, status, message);
  g_autofree char *detail = NULL;
  g_autofree char *text = NULL;
  WsAwsErrorPrivate *priv;
  GError *error;

  detail = message != NULL && message[0] != '\0'
           ? g_strdup_printf ("%s, %s", message, code)
           : g_strdup (code);
  /* AWS APIs never redirect; a 3xx comes from something else answering
   * at a wrong endpoint URL (a proxy, a captive portal, a web server). */
  if (SOUP_STATUS_IS_REDIRECTION (status))
    text = g_strdup_printf (_("The endpoint answered %s with a redirect (HTTP %u) instead of AWS; check the endpoint URL and region."),
                            operation, status);
  else
    text = format_response_message (error_code, operation, detail);

  error = g_error_new_literal (WS_AWS_ERROR, error_code, text);
  priv = ws_aws_error_get_private (error);
  priv->aws_code = g_strdup (code);
  priv->http_status = status;

  return error;
}

GError *
ws_aws_error_new_for_transport (const char   *host,
                                const GError *error)
{
  if (error->domain == G_TLS_ERROR && error->code == G_TLS_ERROR_BAD_CERTIFICATE)
    return g_error_new (WS_AWS_ERROR, WS_AWS_ERROR_TLS,
                        _("The certificate of %s is not trusted; check the system’s CA certificates or the ca_bundle setting."),
                        host);

  if (error->domain == G_TLS_ERROR)
    return g_error_new (WS_AWS_ERROR, WS_AWS_ERROR_TLS,
                        _("Could not make a secure connection to %s: %s; check the network and proxy settings."),
                        host, error->message);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return g_error_new (WS_AWS_ERROR, WS_AWS_ERROR_TIMEOUT,
                        _("%s did not answer in time; check the network connection and try again."),
                        host);

  if (error->domain == G_RESOLVER_ERROR)
    return g_error_new (WS_AWS_ERROR, WS_AWS_ERROR_NETWORK,
                        _("Could not find the server %s; check the network connection and the region or endpoint URL."),
                        host);

  return g_error_new (WS_AWS_ERROR, WS_AWS_ERROR_NETWORK,
                      _("Could not reach %s: %s; check the network connection and proxy settings."),
                      host, error->message);
}
