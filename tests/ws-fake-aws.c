/* ws-fake-aws.c — a SoupServer fake of MWAA, STS, the SSO portal and SSO
 * OIDC on loopback
 *
 * The fake checks signatures with its own compact SigV4 code, derived only
 * from what it received, so that it stays an oracle independent of
 * src/aws/ws-sigv4.c (test-aws-client checks it against botocore's
 * vectors). Errors are written as AWS writes them: rest-json with
 * x-amzn-ErrorType, STS as query-protocol XML.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ws-fake-aws.h"

#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#define MAX_SKEW          (15 * G_TIME_SPAN_MINUTE)
#define MAX_PAGE_SIZE     25
#define ACCOUNT_ID        "123456789012"
#define ERROR_TYPE_SUFFIX ":http://internal.amazon.com/coral/com.amazon.coral.service/"

typedef struct
{
  char     *secret_access_key;
  char     *session_token;
  char     *account_id;
  gboolean  denied;
} FakeCredentials;

typedef struct
{
  char *account_id;
  char *region;
  char *name;
  char *status;
  char *airflow_version;
} FakeEnvironment;

typedef struct
{
  char      *method;
  char      *path_prefix;
  guint      status;
  char      *error_type;
  char      *content_type;
  char      *body;
  GDateTime *date;
  int        fault;          /* a WsFakeAwsFault, or -1 for an answer */
} FakeResponse;

typedef struct
{
  char             *method;
  char             *path_prefix;
  gboolean          require_signature;
  WsFakeAwsHandler  func;
  gpointer          user_data;
} FakeHandler;

typedef struct
{
  char               *method;
  char               *path;
  SoupMessageHeaders *headers;
} FakeRequest;

struct _WsFakeAws
{
  GObject     parent_instance;

  SoupServer *server;
  char       *url;
  GHashTable *credentials;   /* access key id → FakeCredentials */
  GPtrArray  *environments;  /* FakeEnvironment, in the order added */
  GQueue      responses;     /* FakeResponse */
  GPtrArray  *handlers;      /* FakeHandler */
  GPtrArray  *requests;      /* FakeRequest, oldest first */
  GHashTable *client_ports;  /* one per TCP connection seen */
  GTimeSpan   clock_offset;
  guint       web_token_serial;
  guint       request_serial;
  guint       delay_ms;
  GHashTable *held;          /* SoupServerMessage → timeout source id */
  guint       in_flight;
  guint       max_in_flight;
  GPtrArray  *hung;          /* SoupServerMessage, never answered */
  /* OIDC */
  GHashTable *oidc_clients;  /* client id → FakeClient */
  GHashTable *oidc_codes;    /* authorization code → FakeCode */
  GHashTable *oidc_refresh;  /* refresh token → client id */
  guint       oidc_serial;
  char       *authorize_error;
  SoupSession *browser;
};

typedef struct
{
  char     *secret;
  gboolean  auth_code;  /* registered for the authorization_code grant */
  char     *scopes;     /* space-separated, as /authorize takes them */
} FakeClient;

typedef struct
{
  char *client_id;
  char *redirect_uri;
  char *challenge;
} FakeCode;

G_DEFINE_FINAL_TYPE (WsFakeAws, ws_fake_aws, G_TYPE_OBJECT)

static void
fake_credentials_free (gpointer data)
{
  FakeCredentials *creds = data;

  g_free (creds->secret_access_key);
  g_free (creds->session_token);
  g_free (creds->account_id);
  g_free (creds);
}

static void
fake_environment_free (gpointer data)
{
  FakeEnvironment *env = data;

  g_free (env->account_id);
  g_free (env->region);
  g_free (env->name);
  g_free (env->status);
  g_free (env->airflow_version);
  g_free (env);
}

static void
fake_response_free (gpointer data)
{
  FakeResponse *response = data;

  g_free (response->method);
  g_free (response->path_prefix);
  g_free (response->error_type);
  g_free (response->content_type);
  g_free (response->body);
  g_clear_pointer (&response->date, g_date_time_unref);
  g_free (response);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FakeResponse, fake_response_free)

static void
fake_handler_free (gpointer data)
{
  FakeHandler *handler = data;

  g_free (handler->method);
  g_free (handler->path_prefix);
  g_free (handler);
}

static void
fake_client_free (gpointer data)
{
  FakeClient *client = data;

  g_free (client->secret);
  g_free (client->scopes);
  g_free (client);
}

static void
fake_code_free (gpointer data)
{
  FakeCode *code = data;

  g_free (code->client_id);
  g_free (code->redirect_uri);
  g_free (code->challenge);
  g_free (code);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FakeCode, fake_code_free)

static void
fake_request_free (gpointer data)
{
  FakeRequest *request = data;

  g_free (request->method);
  g_free (request->path);
  soup_message_headers_unref (request->headers);
  g_free (request);
}

/* --- SigV4, the fake's own ------------------------------------------------ */

static char *
sha256_hex (const void *data,
            gsize       len)
{
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, len);
}

/* Non-S3 services sign the wire path normalized (dot segments and empty
 * segments removed) and percent-encoded once more. */
static char *
canonical_uri (const char *path)
{
  g_auto(GStrv) segments = g_strsplit (path != NULL ? path : "", "/", -1);
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();
  g_autoptr(GString) normalized = g_string_new (NULL);
  gboolean trailing_slash;

  trailing_slash = path != NULL && g_str_has_suffix (path, "/");

  for (guint i = 0; segments[i] != NULL; i++)
    {
      if (segments[i][0] == '\0' || g_str_equal (segments[i], "."))
        continue;
      if (g_str_equal (segments[i], ".."))
        {
          if (kept->len > 0)
            g_ptr_array_remove_index (kept, kept->len - 1);
          continue;
        }
      g_ptr_array_add (kept, segments[i]);
    }

  for (guint i = 0; i < kept->len; i++)
    g_string_append_printf (normalized, "/%s", (const char *) g_ptr_array_index (kept, i));
  if (normalized->len == 0 || trailing_slash)
    g_string_append_c (normalized, '/');

  return g_uri_escape_string (normalized->str, "/", FALSE);
}

/* A wire query component decoded; an invalid escape is kept as it came. */
static char *
query_unescape (const char *text,
                gssize      len)
{
  char *decoded = g_uri_unescape_segment (text, len >= 0 ? text + len : NULL, NULL);

  return decoded != NULL ? decoded : (len >= 0 ? g_strndup (text, len) : g_strdup (text));
}

static int
compare_query_pairs (gconstpointer a,
                     gconstpointer b)
{
  const char * const *pa = a;
  const char * const *pb = b;
  int ret = strcmp (pa[0], pb[0]);

  return ret != 0 ? ret : strcmp (pa[1], pb[1]);
}

/* Each name and value decoded, re-encoded with the SigV4 set, sorted. */
static char *
canonical_query (const char *query)
{
  g_auto(GStrv) params = g_strsplit (query != NULL ? query : "", "&", -1);
  g_autoptr(GArray) pairs = g_array_new (FALSE, FALSE, sizeof (char *) * 2);
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; params[i] != NULL; i++)
    {
      const char *eq = strchr (params[i], '=');
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;
      char *pair[2];

      if (params[i][0] == '\0')
        continue;

      name = query_unescape (params[i], eq != NULL ? eq - params[i] : -1);
      value = query_unescape (eq != NULL ? eq + 1 : "", -1);
      pair[0] = g_uri_escape_string (name, NULL, FALSE);
      pair[1] = g_uri_escape_string (value, NULL, FALSE);
      g_array_append_vals (pairs, pair, 1);
    }

  g_array_sort (pairs, compare_query_pairs);

  for (guint i = 0; i < pairs->len; i++)
    {
      char **pair = &g_array_index (pairs, char *, i * 2);

      g_string_append_printf (out, "%s%s=%s", i > 0 ? "&" : "", pair[0], pair[1]);
      g_free (pair[0]);
      g_free (pair[1]);
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Trimmed, every run of whitespace collapsed to one space. */
static void
append_header_value (GString    *out,
                     const char *value)
{
  g_auto(GStrv) words = g_strsplit_set (value, " \t\r\n\v\f", -1);
  gboolean first = TRUE;

  for (guint i = 0; words[i] != NULL; i++)
    {
      if (words[i][0] == '\0')
        continue;
      if (!first)
        g_string_append_c (out, ' ');
      g_string_append (out, words[i]);
      first = FALSE;
    }
}

/* Repeated headers are joined with "," in the order they arrived. */
static void
append_canonical_header (GString            *out,
                         SoupMessageHeaders *headers,
                         const char         *name)
{
  SoupMessageHeadersIter iter;
  const char *header_name;
  const char *header_value;
  gboolean first = TRUE;

  g_string_append_printf (out, "%s:", name);

  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &header_name, &header_value))
    {
      if (g_ascii_strcasecmp (header_name, name) != 0)
        continue;
      if (!first)
        g_string_append_c (out, ',');
      append_header_value (out, header_value);
      first = FALSE;
    }

  g_string_append_c (out, '\n');
}

char *
ws_fake_aws_sigv4_canonical_request (const char         *method,
                                     const char         *path,
                                     const char         *query,
                                     SoupMessageHeaders *headers,
                                     const char         *signed_headers,
                                     GBytes             *body)
{
  g_auto(GStrv) names = g_strsplit (signed_headers, ";", -1);
  g_autofree char *uri = canonical_uri (path);
  g_autofree char *canonical_q = canonical_query (query);
  g_autofree char *payload_hash = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  gsize body_len = 0;
  const void *body_data = body != NULL ? g_bytes_get_data (body, &body_len) : NULL;

  payload_hash = sha256_hex (body_data != NULL ? body_data : "", body_len);

  g_string_append_printf (out, "%s\n%s\n%s\n", method, uri, canonical_q);
  for (guint i = 0; names[i] != NULL; i++)
    append_canonical_header (out, headers, names[i]);
  g_string_append_printf (out, "\n%s\n%s", signed_headers, payload_hash);

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
hmac_sha256 (const guint8 *key,
             gsize         key_len,
             const char   *data,
             guint8        digest[32])
{
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, key, key_len);
  gsize digest_len = 32;

  g_hmac_update (hmac, (const guchar *) data, -1);
  g_hmac_get_digest (hmac, digest, &digest_len);
}

char *
ws_fake_aws_sigv4_signature (const char *secret_access_key,
                             const char *amz_date,
                             const char *region,
                             const char *service,
                             const char *canonical_request)
{
  g_autofree char *date = g_strndup (amz_date, 8);
  g_autofree char *secret_key = g_strconcat ("AWS4", secret_access_key, NULL);
  g_autofree char *request_hash = sha256_hex (canonical_request, strlen (canonical_request));
  g_autofree char *string_to_sign = NULL;
  guint8 key[32];
  guint8 signature[32];
  GString *hex = g_string_new (NULL);

  string_to_sign = g_strdup_printf ("AWS4-HMAC-SHA256\n%s\n%s/%s/%s/aws4_request\n%s",
                                    amz_date, date, region, service, request_hash);

  hmac_sha256 ((const guint8 *) secret_key, strlen (secret_key), date, key);
  hmac_sha256 (key, sizeof key, region, key);
  hmac_sha256 (key, sizeof key, service, key);
  hmac_sha256 (key, sizeof key, "aws4_request", key);
  hmac_sha256 (key, sizeof key, string_to_sign, signature);

  for (guint i = 0; i < sizeof signature; i++)
    g_string_append_printf (hex, "%02x", signature[i]);

  return g_string_free (hex, FALSE);
}

/* --- Answers ---------------------------------------------------------------- */

static GDateTime *
fake_now (WsFakeAws *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_add (now, self->clock_offset);
}

static void
reply (SoupServerMessage *msg,
       guint              status,
       const char        *content_type,
       const char        *body)
{
  soup_server_message_set_status (msg, status, NULL);
  if (body != NULL)
    soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, body, strlen (body));
}

static void
reply_json (SoupServerMessage *msg,
            guint              status,
            JsonBuilder       *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = json_to_string (root, FALSE);

  reply (msg, status, "application/json", text);
}

/* rest-json: the code in x-amzn-ErrorType (with the suffix AWS appends),
 * the message in the body ("Message" for AccessDeniedException). */
static void
reply_json_error (SoupServerMessage *msg,
                  guint              status,
                  const char        *code,
                  const char        *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *error_type = g_strconcat (code, ERROR_TYPE_SUFFIX, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, g_str_equal (code, "AccessDeniedException") ? "Message" : "message");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "x-amzn-ErrorType", error_type);
  reply_json (msg, status, builder);
}

/* The query protocol (STS): ErrorResponse/Error/{Type,Code,Message}. */
static void
reply_xml_error (SoupServerMessage *msg,
                 guint              status,
                 const char        *code,
                 const char        *message)
{
  g_autofree char *body = NULL;

  body = g_markup_printf_escaped ("<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
                                  "  <Error>\n"
                                  "    <Type>Sender</Type>\n"
                                  "    <Code>%s</Code>\n"
                                  "    <Message>%s</Message>\n"
                                  "  </Error>\n"
                                  "  <RequestId>00000000-0000-4000-8000-000000000000</RequestId>\n"
                                  "</ErrorResponse>\n",
                                  code, message);
  reply (msg, status, "text/xml", body);
}

typedef enum
{
  STYLE_JSON,
  STYLE_XML,
} ErrorStyle;

/* Signature errors, in each protocol's own words. */
static void
reply_auth_error (SoupServerMessage *msg,
                  ErrorStyle         style,
                  guint              status,
                  const char        *json_code,
                  const char        *xml_code,
                  const char        *message)
{
  if (style == STYLE_XML)
    reply_xml_error (msg, status, xml_code, message);
  else
    reply_json_error (msg, status, json_code, message);
}

/* --- Signature checking ------------------------------------------------------- */

typedef struct
{
  char *access_key_id;
  char *date;
  char *region;
  char *service;
  char *signed_headers;
  char *signature;
} Authorization;

static void
authorization_clear (Authorization *auth)
{
  g_free (auth->access_key_id);
  g_free (auth->date);
  g_free (auth->region);
  g_free (auth->service);
  g_free (auth->signed_headers);
  g_free (auth->signature);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Authorization, authorization_clear)

/* "AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/SERVICE/aws4_request,
 * SignedHeaders=a;b, Signature=hex" */
static gboolean
parse_authorization (const char    *header,
                     Authorization *auth)
{
  g_auto(GStrv) parts = NULL;
  g_auto(GStrv) scope = NULL;

  if (header == NULL || !g_str_has_prefix (header, "AWS4-HMAC-SHA256 "))
    return FALSE;

  parts = g_strsplit (header + strlen ("AWS4-HMAC-SHA256 "), ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *part = g_strstrip (parts[i]);

      if (g_str_has_prefix (part, "Credential="))
        scope = g_strsplit (part + strlen ("Credential="), "/", -1);
      else if (g_str_has_prefix (part, "SignedHeaders="))
        {
          g_free (auth->signed_headers);
          auth->signed_headers = g_strdup (part + strlen ("SignedHeaders="));
        }
      else if (g_str_has_prefix (part, "Signature="))
        {
          g_free (auth->signature);
          auth->signature = g_strdup (part + strlen ("Signature="));
        }
    }

  if (scope == NULL || g_strv_length (scope) != 5 || !g_str_equal (scope[4], "aws4_request")
      || auth->signed_headers == NULL || auth->signature == NULL)
    return FALSE;

  auth->access_key_id = g_strdup (scope[0]);
  auth->date = g_strdup (scope[1]);
  auth->region = g_strdup (scope[2]);
  auth->service = g_strdup (scope[3]);

  return TRUE;
}

static gboolean
signed_headers_contain (const char *signed_headers,
                        const char *name)
{
  g_auto(GStrv) names = g_strsplit (signed_headers, ";", -1);

  return g_strv_contains ((const char * const *) names, name);
}

static GDateTime *
parse_amz_date (const char *text)
{
  int year, month, day, hour, minute, second;

  if (text == NULL || strlen (text) != 16
      || sscanf (text, "%4d%2d%2dT%2d%2d%2dZ", &year, &month, &day, &hour, &minute, &second) != 6)
    return NULL;

  return g_date_time_new_utc (year, month, day, hour, minute, second);
}

static char *
format_amz_date (GDateTime *dt)
{
  return g_date_time_format (dt, "%Y%m%dT%H%M%SZ");
}

/* AWS's own wording, e.g. "Signature expired: 20250101T000000Z is now
 * earlier than 20250101T001000Z (20250101T002500Z - 15 min.)". */
static char *
check_request_time (WsFakeAws  *self,
                    GDateTime  *request_time)
{
  g_autoptr(GDateTime) now = fake_now (self);
  GTimeSpan diff = g_date_time_difference (now, request_time);
  g_autofree char *request_text = format_amz_date (request_time);
  g_autofree char *now_text = format_amz_date (now);

  if (diff > MAX_SKEW)
    {
      g_autoptr(GDateTime) limit = g_date_time_add (now, -MAX_SKEW);
      g_autofree char *limit_text = format_amz_date (limit);

      return g_strdup_printf ("Signature expired: %s is now earlier than %s (%s - 15 min.)",
                              request_text, limit_text, now_text);
    }

  if (diff < -MAX_SKEW)
    {
      g_autoptr(GDateTime) limit = g_date_time_add (now, MAX_SKEW);
      g_autofree char *limit_text = format_amz_date (limit);

      return g_strdup_printf ("Signature not yet current: %s is still later than %s (%s + 15 min.)",
                              request_text, limit_text, now_text);
    }

  return NULL;
}

#define INVALID_TOKEN_MESSAGE "The security token included in the request is invalid."
#define SIGNATURE_MISMATCH_MESSAGE \
  "The request signature we calculated does not match the signature you provided. " \
  "Check your AWS Secret Access Key and signing method. Consult the service documentation for details."

/* Returns: the signing region, or %NULL once an error answer is set. */
static char *
verify_signature (WsFakeAws         *self,
                  SoupServerMessage *msg,
                  GBytes            *body,
                  FakeCredentials  **signer)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  GUri *uri = soup_server_message_get_uri (msg);
  g_auto(Authorization) auth = { 0 };
  g_autoptr(GDateTime) request_time = NULL;
  g_autofree char *skew_message = NULL;
  g_autofree char *canonical = NULL;
  g_autofree char *expected = NULL;
  const char *amz_date = soup_message_headers_get_one (headers, "X-Amz-Date");
  const char *token = soup_message_headers_get_one (headers, "X-Amz-Security-Token");
  const char *authorization = soup_message_headers_get_one (headers, "Authorization");
  FakeCredentials *creds;
  ErrorStyle style;

  if (authorization == NULL)
    {
      reply_json_error (msg, SOUP_STATUS_FORBIDDEN, "MissingAuthenticationTokenException",
                        "Missing Authentication Token");
      return NULL;
    }

  if (!parse_authorization (authorization, &auth))
    {
      reply_json_error (msg, SOUP_STATUS_BAD_REQUEST, "IncompleteSignatureException",
                        "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters.");
      return NULL;
    }

  style = g_str_equal (auth.service, "sts") ? STYLE_XML : STYLE_JSON;

  request_time = parse_amz_date (amz_date);
  if (request_time == NULL || !g_str_has_prefix (amz_date, auth.date)
      || !signed_headers_contain (auth.signed_headers, "host")
      || !signed_headers_contain (auth.signed_headers, "x-amz-date"))
    {
      reply_auth_error (msg, style, SOUP_STATUS_BAD_REQUEST, "IncompleteSignatureException",
                        "IncompleteSignature", "The request must carry a signed X-Amz-Date and Host.");
      return NULL;
    }

  creds = g_hash_table_lookup (self->credentials, auth.access_key_id);
  if (creds == NULL || g_strcmp0 (creds->session_token, token) != 0
      || (token != NULL && !signed_headers_contain (auth.signed_headers, "x-amz-security-token")))
    {
      reply_auth_error (msg, style, SOUP_STATUS_FORBIDDEN, "UnrecognizedClientException",
                        "InvalidClientTokenId", INVALID_TOKEN_MESSAGE);
      return NULL;
    }

  skew_message = check_request_time (self, request_time);
  if (skew_message != NULL)
    {
      reply_auth_error (msg, style, SOUP_STATUS_FORBIDDEN, "InvalidSignatureException",
                        "SignatureDoesNotMatch", skew_message);
      return NULL;
    }

  canonical = ws_fake_aws_sigv4_canonical_request (soup_server_message_get_method (msg),
                                                   g_uri_get_path (uri), g_uri_get_query (uri),
                                                   headers, auth.signed_headers, body);
  expected = ws_fake_aws_sigv4_signature (creds->secret_access_key, amz_date,
                                          auth.region, auth.service, canonical);
  if (!g_str_equal (expected, auth.signature))
    {
      reply_auth_error (msg, style, SOUP_STATUS_FORBIDDEN, "InvalidSignatureException",
                        "SignatureDoesNotMatch", SIGNATURE_MISMATCH_MESSAGE);
      return NULL;
    }

  *signer = creds;
  return g_steal_pointer (&auth.region);
}

/* --- Built-in MWAA -------------------------------------------------------------- */

static gboolean
is_environment_name (const char *name)
{
  gsize len = strlen (name);

  if (len < 1 || len > 80 || !g_ascii_isalpha (name[0]))
    return FALSE;
  for (gsize i = 1; i < len; i++)
    if (!g_ascii_isalnum (name[i]) && name[i] != '-' && name[i] != '_')
      return FALSE;

  return TRUE;
}

static const char *
signer_account (FakeCredentials *signer)
{
  return signer->account_id != NULL ? signer->account_id : ACCOUNT_ID;
}

static FakeEnvironment *
find_environment (WsFakeAws  *self,
                  const char *account_id,
                  const char *region,
                  const char *name)
{
  for (guint i = 0; i < self->environments->len; i++)
    {
      FakeEnvironment *env = g_ptr_array_index (self->environments, i);

      if (g_str_equal (env->account_id, account_id) && g_str_equal (env->region, region)
          && g_str_equal (env->name, name))
        return env;
    }

  return NULL;
}

/* The decoded value of @name in a wire query, or %NULL. */
static char *
query_lookup (const char *query,
              const char *name)
{
  g_auto(GStrv) params = g_strsplit (query != NULL ? query : "", "&", -1);

  for (guint i = 0; params[i] != NULL; i++)
    {
      const char *eq = strchr (params[i], '=');
      g_autofree char *key = query_unescape (params[i], eq != NULL ? eq - params[i] : -1);

      if (g_str_equal (key, name))
        return query_unescape (eq != NULL ? eq + 1 : "", -1);
    }

  return NULL;
}

static void
reply_validation_error (SoupServerMessage *msg,
                        const char        *value,
                        const char        *member,
                        const char        *constraint)
{
  g_autofree char *message = NULL;

  message = g_strdup_printf ("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: %s",
                             value, member, constraint);
  reply_json_error (msg, SOUP_STATUS_BAD_REQUEST, "ValidationException", message);
}

/* NextToken is opaque to clients; this one holds reserved characters so
 * that their query encoding is exercised. */
static gboolean
parse_next_token (const char *token,
                  guint      *offset)
{
  guint64 value;

  if (token == NULL)
    {
      *offset = 0;
      return TRUE;
    }

  if (!g_str_has_prefix (token, "page/") || !g_str_has_suffix (token, "+="))
    return FALSE;
  value = g_ascii_strtoull (token + strlen ("page/"), NULL, 10);
  if (value == 0 || value > G_MAXUINT)
    return FALSE;

  *offset = value;
  return TRUE;
}

static void
handle_list_environments (WsFakeAws         *self,
                          SoupServerMessage *msg,
                          const char        *account_id,
                          const char        *region)
{
  const char *query = g_uri_get_query (soup_server_message_get_uri (msg));
  g_autofree char *max_text = query_lookup (query, "MaxResults");
  g_autofree char *next_token = query_lookup (query, "NextToken");
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  guint64 max_results = MAX_PAGE_SIZE;
  guint offset;
  guint index = 0;
  guint added = 0;

  if (max_text != NULL
      && (!g_ascii_string_to_unsigned (max_text, 10, 1, MAX_PAGE_SIZE, &max_results, NULL)))
    {
      reply_validation_error (msg, max_text, "maxResults", "Member must have value less than or equal to 25");
      return;
    }

  if (!parse_next_token (next_token, &offset))
    {
      reply_json_error (msg, SOUP_STATUS_BAD_REQUEST, "ValidationException", "Invalid NextToken");
      return;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "Environments");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->environments->len; i++)
    {
      FakeEnvironment *env = g_ptr_array_index (self->environments, i);

      if (!g_str_equal (env->region, region) || !g_str_equal (env->account_id, account_id))
        continue;
      if (index++ < offset)
        continue;
      if (added == max_results)
        {
          g_autofree char *token = g_strdup_printf ("page/%u+=", offset + added);

          json_builder_end_array (builder);
          json_builder_set_member_name (builder, "NextToken");
          json_builder_add_string_value (builder, token);
          json_builder_end_object (builder);
          reply_json (msg, SOUP_STATUS_OK, builder);
          return;
        }
      json_builder_add_string_value (builder, env->name);
      added++;
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  reply_json (msg, SOUP_STATUS_OK, builder);
}

static void
add_string_member (JsonBuilder *builder,
                   const char  *name,
                   const char  *value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

static void
handle_get_environment (SoupServerMessage *msg,
                        FakeEnvironment   *env)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *arn = NULL;
  g_autofree char *host = NULL;

  arn = g_strdup_printf ("arn:aws:airflow:%s:%s:environment/%s", env->region, env->account_id, env->name);
  host = g_strdup_printf ("%s.airflow.example.test", env->name);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "Environment");
  json_builder_begin_object (builder);
  add_string_member (builder, "Name", env->name);
  add_string_member (builder, "Status", env->status);
  add_string_member (builder, "Arn", arn);
  add_string_member (builder, "AirflowVersion", env->airflow_version);
  add_string_member (builder, "WebserverUrl", host);
  add_string_member (builder, "WebserverAccessMode", "PUBLIC_ONLY");
  add_string_member (builder, "EnvironmentClass", "mw1.small");
  json_builder_set_member_name (builder, "CreatedAt");
  json_builder_add_double_value (builder, 1700000000.0);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  reply_json (msg, SOUP_STATUS_OK, builder);
}

static void
handle_create_web_login_token (WsFakeAws         *self,
                               SoupServerMessage *msg,
                               FakeEnvironment   *env)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *token = g_strdup_printf ("token-%s-%u", env->name, ++self->web_token_serial);
  g_autofree char *host = g_strdup_printf ("%s.airflow.example.test", env->name);

  json_builder_begin_object (builder);
  add_string_member (builder, "WebToken", token);
  add_string_member (builder, "WebServerHostname", host);
  add_string_member (builder, "IamIdentity", "assumed-role/Admin/windsock");
  add_string_member (builder, "AirflowIdentity", "assumed-role/Admin");
  json_builder_end_object (builder);

  reply_json (msg, SOUP_STATUS_OK, builder);
}

/* GET /environments/NAME and POST /webtoken/NAME: the label, checked. */
static FakeEnvironment *
lookup_named_environment (WsFakeAws         *self,
                          SoupServerMessage *msg,
                          const char        *account_id,
                          const char        *region,
                          const char        *label)
{
  g_autofree char *name = query_unescape (label, -1);
  FakeEnvironment *env;

  if (!is_environment_name (name))
    {
      reply_validation_error (msg, name, "name",
                              "Member must satisfy regular expression pattern: [a-zA-Z][0-9a-zA-Z-_]*");
      return NULL;
    }

  env = find_environment (self, account_id, region, name);
  if (env == NULL)
    {
      g_autofree char *message = g_strdup_printf ("Environment named %s not found.", name);

      reply_json_error (msg, SOUP_STATUS_NOT_FOUND, "ResourceNotFoundException", message);
    }

  return env;
}

static void
handle_mwaa (WsFakeAws         *self,
             SoupServerMessage *msg,
             const char        *method,
             const char        *path,
             const char        *region,
             FakeCredentials   *signer)
{
  const char *account_id = signer_account (signer);
  FakeEnvironment *env;

  if (signer->denied)
    {
      g_autofree char *message = g_strdup_printf ("User: arn:aws:iam::%s:user/test is not authorized to perform: airflow:%s",
                                                  account_id, g_str_equal (method, "POST") ? "CreateWebLoginToken" : "ListEnvironments");

      reply_json_error (msg, SOUP_STATUS_FORBIDDEN, "AccessDeniedException", message);
    }
  else if (g_str_equal (method, "GET") && g_str_equal (path, "/environments"))
    handle_list_environments (self, msg, account_id, region);
  else if (g_str_equal (method, "GET") && g_str_has_prefix (path, "/environments/"))
    {
      if ((env = lookup_named_environment (self, msg, account_id, region, path + strlen ("/environments/"))))
        handle_get_environment (msg, env);
    }
  else if (g_str_equal (method, "POST") && g_str_has_prefix (path, "/webtoken/"))
    {
      if ((env = lookup_named_environment (self, msg, account_id, region, path + strlen ("/webtoken/"))))
        handle_create_web_login_token (self, msg, env);
    }
  else
    reply_json_error (msg, SOUP_STATUS_NOT_FOUND, "UnknownOperationException", "Unknown operation");
}

/* --- OIDC ----------------------------------------------------------------------- */

#define OIDC_REDIRECT_URI "http://127.0.0.1/oauth/callback"

/* OIDC's errors: the code as x-amzn-ErrorType, OAuth's error in the body. */
static void
reply_oidc_error (SoupServerMessage *msg,
                  guint              status,
                  const char        *code,
                  const char        *oauth_error,
                  const char        *description)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, oauth_error);
  json_builder_set_member_name (builder, "error_description");
  json_builder_add_string_value (builder, description);
  json_builder_end_object (builder);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "x-amzn-ErrorType", code);
  reply_json (msg, status, builder);
}

static JsonObject *
parse_request_object (const char *body)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (!json_parser_load_from_data (parser, body, -1, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  return JSON_NODE_HOLDS_OBJECT (root) ? json_object_ref (json_node_get_object (root)) : NULL;
}

static const char *
object_string (JsonObject *object,
               const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
         ? json_node_get_string (node) : NULL;
}

/* A JSON array of strings joined with @separator, or NULL. */
static char *
object_strings (JsonObject *object,
                const char *member,
                const char *separator)
{
  JsonNode *node = json_object_get_member (object, member);
  g_autoptr(GString) joined = g_string_new (NULL);
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (json_node_get_value_type (element) != G_TYPE_STRING)
        return NULL;
      if (i > 0)
        g_string_append (joined, separator);
      g_string_append (joined, json_node_get_string (element));
    }

  return g_string_free (g_steal_pointer (&joined), FALSE);
}

/* base64url without padding, as PKCE writes its challenge. */
static char *
base64url (const guint8 *data,
           gsize         length)
{
  char *text = g_base64_encode (data, length);

  g_strdelimit (text, "+", '-');
  g_strdelimit (text, "/", '_');
  text[strcspn (text, "=")] = '\0';
  return text;
}

static char *
pkce_challenge (const char *verifier)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize length = sizeof digest;

  g_checksum_update (checksum, (const guchar *) verifier, -1);
  g_checksum_get_digest (checksum, digest, &length);
  return base64url (digest, length);
}

static void
handle_register_client (WsFakeAws         *self,
                        SoupServerMessage *msg,
                        JsonObject        *request)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *grant_types = object_strings (request, "grantTypes", " ");
  g_autofree char *redirect_uris = object_strings (request, "redirectUris", " ");
  g_autofree char *scopes = object_strings (request, "scopes", " ");
  FakeClient *client;
  char *client_id;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (object_string (request, "clientName") == NULL ||
      g_strcmp0 (object_string (request, "clientType"), "public") != 0)
    {
      reply_oidc_error (msg, 400, "InvalidRequestException", "invalid_request", "clientName and a public clientType are required");
      return;
    }

  client = g_new0 (FakeClient, 1);
  client->auth_code = g_strcmp0 (grant_types, "authorization_code refresh_token") == 0;
  if (grant_types != NULL && !client->auth_code)
    {
      fake_client_free (client);
      reply_oidc_error (msg, 400, "InvalidRequestException", "invalid_request", "unsupported grantTypes");
      return;
    }
  if (client->auth_code &&
      (g_strcmp0 (redirect_uris, OIDC_REDIRECT_URI) != 0 || object_string (request, "issuerUrl") == NULL ||
       scopes == NULL))
    {
      fake_client_free (client);
      reply_oidc_error (msg, 400, "InvalidRedirectUriException", "invalid_redirect_uri",
                        "an authorization_code client needs redirectUris, issuerUrl and scopes");
      return;
    }

  self->oidc_serial++;
  client_id = g_strdup_printf ("fake-client-%u", self->oidc_serial);
  client->secret = g_strdup_printf ("fake-client-secret-%u", self->oidc_serial);
  client->scopes = g_steal_pointer (&scopes);
  g_hash_table_insert (self->oidc_clients, client_id, client);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "clientId");
  json_builder_add_string_value (builder, client_id);
  json_builder_set_member_name (builder, "clientSecret");
  json_builder_add_string_value (builder, client->secret);
  json_builder_set_member_name (builder, "clientIdIssuedAt");
  json_builder_add_int_value (builder, now);
  json_builder_set_member_name (builder, "clientSecretExpiresAt");
  json_builder_add_int_value (builder, now + 90 * 24 * 3600);
  json_builder_end_object (builder);
  reply_json (msg, 200, builder);
}

/* A redirect URI this fake accepts: the registered one with a port. */
static gboolean
is_loopback_redirect (const char *text)
{
  g_autoptr(GUri) uri = text != NULL ? g_uri_parse (text, G_URI_FLAGS_NONE, NULL) : NULL;

  return uri != NULL && g_str_equal (g_uri_get_scheme (uri), "http") &&
         g_strcmp0 (g_uri_get_host (uri), "127.0.0.1") == 0 && g_uri_get_port (uri) > 0 &&
         g_str_equal (g_uri_get_path (uri), "/oauth/callback") && g_uri_get_query (uri) == NULL;
}

static void
redirect (SoupServerMessage *msg,
          const char        *redirect_uri,
          const char        *name,
          const char        *value,
          const char        *state)
{
  g_autofree char *escaped_value = g_uri_escape_string (value, NULL, FALSE);
  g_autofree char *escaped_state = g_uri_escape_string (state, NULL, FALSE);
  g_autofree char *location = g_strdup_printf ("%s?%s=%s&state=%s", redirect_uri, name,
                                               escaped_value, escaped_state);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Location", location);
  reply (msg, SOUP_STATUS_FOUND, "text/plain", "");
}

/* The browser's side: AWS would sign the user in here, then redirect. */
static void
handle_authorize (WsFakeAws         *self,
                  SoupServerMessage *msg)
{
  const char *query = g_uri_get_query (soup_server_message_get_uri (msg));
  g_autofree char *response_type = query_lookup (query, "response_type");
  g_autofree char *client_id = query_lookup (query, "client_id");
  g_autofree char *redirect_uri = query_lookup (query, "redirect_uri");
  g_autofree char *state = query_lookup (query, "state");
  g_autofree char *method = query_lookup (query, "code_challenge_method");
  g_autofree char *challenge = query_lookup (query, "code_challenge");
  g_autofree char *scopes = query_lookup (query, "scopes");
  FakeClient *client = client_id != NULL ? g_hash_table_lookup (self->oidc_clients, client_id) : NULL;
  FakeCode *code;
  char *code_value;

  if (g_strcmp0 (response_type, "code") != 0 || client == NULL || !client->auth_code ||
      !is_loopback_redirect (redirect_uri) || state == NULL || *state == '\0' ||
      g_strcmp0 (method, "S256") != 0 || challenge == NULL || strlen (challenge) != 43 ||
      strspn (challenge, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != 43 ||
      g_strcmp0 (scopes, client->scopes) != 0)
    {
      reply (msg, SOUP_STATUS_BAD_REQUEST, "text/plain", "invalid authorization request");
      return;
    }

  if (self->authorize_error != NULL)
    {
      redirect (msg, redirect_uri, "error", self->authorize_error, state);
      return;
    }

  self->oidc_serial++;
  code_value = g_strdup_printf ("fake-code-%u", self->oidc_serial);
  code = g_new0 (FakeCode, 1);
  code->client_id = g_steal_pointer (&client_id);
  code->redirect_uri = g_strdup (redirect_uri);
  code->challenge = g_steal_pointer (&challenge);
  g_hash_table_insert (self->oidc_codes, code_value, code);

  redirect (msg, redirect_uri, "code", code_value, state);
}

static void
reply_tokens (WsFakeAws         *self,
              SoupServerMessage *msg,
              const char        *client_id)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *access_token = NULL;
  char *refresh_token;

  self->oidc_serial++;
  access_token = g_strdup_printf ("fake-access-token-%u", self->oidc_serial);
  refresh_token = g_strdup_printf ("fake-refresh-token-%u", self->oidc_serial);
  g_hash_table_insert (self->oidc_refresh, refresh_token, g_strdup (client_id));

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "accessToken");
  json_builder_add_string_value (builder, access_token);
  json_builder_set_member_name (builder, "tokenType");
  json_builder_add_string_value (builder, "Bearer");
  json_builder_set_member_name (builder, "expiresIn");
  json_builder_add_int_value (builder, 28800);
  json_builder_set_member_name (builder, "refreshToken");
  json_builder_add_string_value (builder, refresh_token);
  json_builder_end_object (builder);
  reply_json (msg, 200, builder);
}

static void
handle_create_token (WsFakeAws         *self,
                     SoupServerMessage *msg,
                     JsonObject        *request)
{
  const char *client_id = object_string (request, "clientId");
  const char *grant_type = object_string (request, "grantType");
  FakeClient *client = client_id != NULL ? g_hash_table_lookup (self->oidc_clients, client_id) : NULL;
  g_autofree char *code_key = NULL;
  g_autoptr(FakeCode) code = NULL;
  g_autofree char *challenge = NULL;
  const char *verifier;

  if (client == NULL || g_strcmp0 (object_string (request, "clientSecret"), client->secret) != 0)
    {
      reply_oidc_error (msg, 401, "InvalidClientException", "invalid_client", "unknown client or bad secret");
      return;
    }

  if (g_strcmp0 (grant_type, "refresh_token") == 0)
    {
      const char *refresh_token = object_string (request, "refreshToken");
      const char *owner = refresh_token != NULL ? g_hash_table_lookup (self->oidc_refresh, refresh_token) : NULL;

      if (g_strcmp0 (owner, client_id) != 0)
        reply_oidc_error (msg, 400, "InvalidGrantException", "invalid_grant", "unknown refresh token");
      else
        {
          /* OIDC rotates the refresh token. */
          g_hash_table_remove (self->oidc_refresh, refresh_token);
          reply_tokens (self, msg, client_id);
        }
      return;
    }

  if (g_strcmp0 (grant_type, "authorization_code") != 0 || !client->auth_code)
    {
      reply_oidc_error (msg, 400, "UnsupportedGrantTypeException", "unsupported_grant_type", "unsupported grant");
      return;
    }

  /* A code is good once, whatever comes of it. */
  if (object_string (request, "code") == NULL ||
      !g_hash_table_steal_extended (self->oidc_codes, object_string (request, "code"),
                                    (gpointer *) &code_key, (gpointer *) &code) ||
      g_strcmp0 (code->client_id, client_id) != 0 ||
      g_strcmp0 (object_string (request, "redirectUri"), code->redirect_uri) != 0)
    {
      reply_oidc_error (msg, 400, "InvalidGrantException", "invalid_grant", "unknown code or redirect URI");
      return;
    }

  verifier = object_string (request, "codeVerifier");
  challenge = verifier != NULL ? pkce_challenge (verifier) : NULL;
  if (g_strcmp0 (challenge, code->challenge) != 0)
    {
      reply_oidc_error (msg, 400, "InvalidGrantException", "invalid_grant", "the code verifier does not match");
      return;
    }

  reply_tokens (self, msg, client_id);
}

static gboolean
is_oidc (const char *method,
         const char *path)
{
  return (g_str_equal (method, "POST") && (g_str_equal (path, "/client/register") || g_str_equal (path, "/token"))) ||
         (g_str_equal (method, "GET") && g_str_equal (path, "/authorize"));
}

static void
handle_oidc (WsFakeAws         *self,
             SoupServerMessage *msg,
             const char        *method,
             const char        *path,
             const char        *body)
{
  g_autoptr(JsonObject) request = NULL;

  if (g_str_equal (path, "/authorize"))
    {
      handle_authorize (self, msg);
      return;
    }

  if (!(request = parse_request_object (body)))
    reply_oidc_error (msg, 400, "InvalidRequestException", "invalid_request", "the body is not a JSON object");
  else if (g_str_equal (path, "/client/register"))
    handle_register_client (self, msg, request);
  else
    handle_create_token (self, msg, request);
}

/* --- Dispatch ------------------------------------------------------------------- */

static gboolean
matches (const char *want_method,
         const char *want_prefix,
         const char *method,
         const char *path)
{
  return (want_method == NULL || g_str_equal (want_method, method))
         && (want_prefix == NULL || g_str_has_prefix (path, want_prefix));
}

static FakeResponse *
pop_response (WsFakeAws  *self,
              const char *method,
              const char *path)
{
  for (GList *l = self->responses.head; l != NULL; l = l->next)
    {
      FakeResponse *response = l->data;

      if (matches (response->method, response->path_prefix, method, path))
        {
          g_queue_delete_link (&self->responses, l);
          return response;
        }
    }

  return NULL;
}

static FakeHandler *
find_handler (WsFakeAws  *self,
              const char *method,
              const char *path)
{
  for (guint i = 0; i < self->handlers->len; i++)
    {
      FakeHandler *handler = g_ptr_array_index (self->handlers, i);

      if (matches (handler->method, handler->path_prefix, method, path))
        return handler;
    }

  return NULL;
}

static void
serve_pushed_response (SoupServerMessage *msg,
                       FakeResponse      *response)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  if (response->error_type != NULL)
    soup_message_headers_replace (headers, "x-amzn-ErrorType", response->error_type);
  if (response->date != NULL)
    {
      g_autofree char *date = soup_date_time_to_string (response->date, SOUP_DATE_HTTP);

      soup_message_headers_replace (headers, "Date", date);
    }
  reply (msg, response->status, response->content_type != NULL ? response->content_type : "application/json",
         response->body != NULL ? response->body : "");
}

/* Writes the start of an answer on the raw connection and closes it. */
static void
serve_reset (SoupServerMessage *msg)
{
  static const char partial[] = "HTTP/1.1 200 OK\r\n"
                                "Content-Type: application/json\r\n"
                                "Content-Length: 64\r\n"
                                "\r\n"
                                "{\"WebToken\":\"tok";
  g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);

  g_output_stream_write_all (g_io_stream_get_output_stream (stream), partial, strlen (partial),
                             NULL, NULL, NULL);
  g_io_stream_close (stream, NULL, NULL);
}

static void
serve_fault (WsFakeAws         *self,
             SoupServerMessage *msg,
             WsFakeAwsFault     fault)
{
  switch (fault)
    {
    case WS_FAKE_AWS_FAULT_RESET:
      serve_reset (msg);
      break;
    case WS_FAKE_AWS_FAULT_HANG:
      soup_server_message_pause (msg);
      g_ptr_array_add (self->hung, g_object_ref (msg));
      break;
    }
}

static void
record_request (WsFakeAws         *self,
                SoupServerMessage *msg,
                const char        *method,
                const char        *path)
{
  FakeRequest *request = g_new0 (FakeRequest, 1);
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);

  request->method = g_strdup (method);
  request->path = g_strdup (path);
  request->headers = soup_message_headers_ref (soup_server_message_get_request_headers (msg));
  g_ptr_array_add (self->requests, request);

  if (G_IS_INET_SOCKET_ADDRESS (remote))
    g_hash_table_add (self->client_ports,
                      GUINT_TO_POINTER (g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (remote))));
}

static void
stamp_response (WsFakeAws         *self,
                SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  g_autoptr(GDateTime) now = fake_now (self);
  g_autofree char *date = soup_date_time_to_string (now, SOUP_DATE_HTTP);
  g_autofree char *request_id = g_strdup_printf ("00000000-0000-4000-8000-%012u", ++self->request_serial);

  soup_message_headers_replace (headers, "Date", date);
  soup_message_headers_replace (headers, "x-amzn-RequestId", request_id);
}

static void
on_message_finished (SoupServerMessage *msg,
                     WsFakeAws         *self)
{
  self->in_flight--;
}

static gboolean
release_held (gpointer user_data)
{
  SoupServerMessage *msg = user_data;
  WsFakeAws *self = g_object_get_data (G_OBJECT (msg), "ws-fake-aws");

  g_hash_table_steal (self->held, msg);
  soup_server_message_unpause (msg);
  return G_SOURCE_REMOVE;
}

/* Answers later, so that a client's requests overlap as they would on a
 * real network. */
static void
hold (WsFakeAws         *self,
      SoupServerMessage *msg)
{
  guint id;

  soup_server_message_pause (msg);
  g_object_set_data (G_OBJECT (msg), "ws-fake-aws", self);
  id = g_timeout_add_full (G_PRIORITY_DEFAULT, self->delay_ms, release_held, g_object_ref (msg), g_object_unref);
  g_hash_table_insert (self->held, msg, GUINT_TO_POINTER (id));
}

static void
server_callback_answer (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  WsFakeAws *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autoptr(FakeResponse) pushed = NULL;
  g_autofree char *region = NULL;
  FakeCredentials *signer = NULL;
  FakeHandler *handler;

  record_request (self, msg, method, path);
  /* Set first so that a pushed Date replaces it. */
  stamp_response (self, msg);

  if ((pushed = pop_response (self, method, path)))
    {
      if (pushed->fault >= 0)
        serve_fault (self, msg, pushed->fault);
      else
        serve_pushed_response (msg, pushed);
      return;
    }

  handler = find_handler (self, method, path);
  if (handler == NULL && is_oidc (method, path))
    {
      g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));

      handle_oidc (self, msg, method, path, text);
      return;
    }
  if (handler == NULL || handler->require_signature)
    {
      region = verify_signature (self, msg, body, &signer);
      if (region == NULL)
        return;
    }

  if (handler != NULL)
    {
      g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));

      handler->func (self, msg, text, handler->user_data);
      return;
    }

  handle_mwaa (self, msg, method, path, region, signer);
}

static void
server_callback (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  WsFakeAws *self = user_data;

  self->in_flight++;
  self->max_in_flight = MAX (self->max_in_flight, self->in_flight);
  g_signal_connect_object (msg, "finished", G_CALLBACK (on_message_finished), self, G_CONNECT_DEFAULT);

  server_callback_answer (server, msg, path, query, user_data);
  if (self->delay_ms > 0 && !g_ptr_array_find (self->hung, msg, NULL))
    hold (self, msg);
}

/* --- Object --------------------------------------------------------------------- */

static void
ws_fake_aws_finalize (GObject *object)
{
  WsFakeAws *self = (WsFakeAws *) object;

  g_clear_pointer (&self->held, g_hash_table_unref);
  if (self->server != NULL)
    {
      g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();

      soup_server_disconnect (self->server);
      g_clear_object (&self->server);
      g_clear_pointer (&self->hung, g_ptr_array_unref);
      /* The closed connections are released from idle callbacks; run them
       * so that a test ends with nothing leaked. */
      while (g_main_context_iteration (context, FALSE))
        ;
    }
  g_clear_pointer (&self->url, g_free);
  g_clear_pointer (&self->credentials, g_hash_table_unref);
  g_clear_pointer (&self->environments, g_ptr_array_unref);
  g_queue_clear_full (&self->responses, fake_response_free);
  g_clear_pointer (&self->handlers, g_ptr_array_unref);
  g_clear_pointer (&self->requests, g_ptr_array_unref);
  g_clear_pointer (&self->client_ports, g_hash_table_unref);
  g_clear_pointer (&self->oidc_clients, g_hash_table_unref);
  g_clear_pointer (&self->oidc_codes, g_hash_table_unref);
  g_clear_pointer (&self->oidc_refresh, g_hash_table_unref);
  g_clear_pointer (&self->authorize_error, g_free);
  g_clear_object (&self->browser);

  G_OBJECT_CLASS (ws_fake_aws_parent_class)->finalize (object);
}

static void
ws_fake_aws_class_init (WsFakeAwsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ws_fake_aws_finalize;
}

static void
remove_source (gpointer id)
{
  g_source_remove (GPOINTER_TO_UINT (id));
}

static void
ws_fake_aws_init (WsFakeAws *self)
{
  self->credentials = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, fake_credentials_free);
  self->environments = g_ptr_array_new_with_free_func (fake_environment_free);
  g_queue_init (&self->responses);
  self->handlers = g_ptr_array_new_with_free_func (fake_handler_free);
  self->requests = g_ptr_array_new_with_free_func (fake_request_free);
  self->client_ports = g_hash_table_new (NULL, NULL);
  self->hung = g_ptr_array_new_with_free_func (g_object_unref);
  /* Removing a held message's timeout releases its reference. */
  self->held = g_hash_table_new_full (NULL, NULL, NULL, remove_source);
  self->oidc_clients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, fake_client_free);
  self->oidc_codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, fake_code_free);
  self->oidc_refresh = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static WsFakeAws *
fake_aws_new_listening (GTlsCertificate *certificate)
{
  g_autoptr(WsFakeAws) self = g_object_new (WS_TYPE_FAKE_AWS, NULL);
  g_autoptr(GError) error = NULL;
  GSList *uris;
  SoupServerListenOptions options = SOUP_SERVER_LISTEN_IPV4_ONLY;

  self->server = soup_server_new (NULL, NULL);
  if (certificate != NULL)
    {
      soup_server_set_tls_certificate (self->server, certificate);
      options |= SOUP_SERVER_LISTEN_HTTPS;
    }
  soup_server_add_handler (self->server, NULL, server_callback, self, NULL);

  if (!soup_server_listen_local (self->server, 0, options, &error))
    g_error ("fake AWS: cannot listen on 127.0.0.1: %s", error->message);

  uris = soup_server_get_uris (self->server);
  g_assert (uris != NULL);
  self->url = g_strdup_printf ("%s://127.0.0.1:%d", g_uri_get_scheme (uris->data), g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  return g_steal_pointer (&self);
}

WsFakeAws *
ws_fake_aws_new (void)
{
  return fake_aws_new_listening (NULL);
}

WsFakeAws *
ws_fake_aws_new_tls (GTlsCertificate *certificate)
{
  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), NULL);

  return fake_aws_new_listening (certificate);
}

const char *
ws_fake_aws_get_url (WsFakeAws *self)
{
  g_return_val_if_fail (WS_IS_FAKE_AWS (self), NULL);

  return self->url;
}

void
ws_fake_aws_add_credentials (WsFakeAws  *self,
                             const char *access_key_id,
                             const char *secret_access_key,
                             const char *session_token)
{
  FakeCredentials *creds;

  g_return_if_fail (WS_IS_FAKE_AWS (self));
  g_return_if_fail (access_key_id != NULL);
  g_return_if_fail (secret_access_key != NULL);

  creds = g_new0 (FakeCredentials, 1);
  creds->secret_access_key = g_strdup (secret_access_key);
  creds->session_token = g_strdup (session_token);
  g_hash_table_replace (self->credentials, g_strdup (access_key_id), creds);
}

void
ws_fake_aws_add_environment (WsFakeAws  *self,
                             const char *region,
                             const char *name,
                             const char *status,
                             const char *airflow_version)
{
  FakeEnvironment *env;

  g_return_if_fail (WS_IS_FAKE_AWS (self));
  g_return_if_fail (region != NULL && name != NULL);

  env = g_new0 (FakeEnvironment, 1);
  env->account_id = g_strdup (ACCOUNT_ID);
  env->region = g_strdup (region);
  env->name = g_strdup (name);
  env->status = g_strdup (status != NULL ? status : "AVAILABLE");
  env->airflow_version = g_strdup (airflow_version != NULL ? airflow_version : "2.10.3");
  g_ptr_array_add (self->environments, env);
}

void
ws_fake_aws_push_response_with_date (WsFakeAws  *self,
                                     const char *method,
                                     const char *path_prefix,
                                     guint       status,
                                     const char *error_type,
                                     const char *content_type,
                                     const char *body,
                                     GDateTime  *date)
{
  FakeResponse *response;

  g_return_if_fail (WS_IS_FAKE_AWS (self));

  response = g_new0 (FakeResponse, 1);
  response->method = g_strdup (method);
  response->path_prefix = g_strdup (path_prefix);
  response->status = status;
  response->error_type = g_strdup (error_type);
  response->content_type = g_strdup (content_type);
  response->body = g_strdup (body);
  response->date = date != NULL ? g_date_time_ref (date) : NULL;
  response->fault = -1;
  g_queue_push_tail (&self->responses, response);
}

void
ws_fake_aws_push_fault (WsFakeAws      *self,
                        const char     *method,
                        const char     *path_prefix,
                        WsFakeAwsFault  fault)
{
  FakeResponse *response;

  g_return_if_fail (WS_IS_FAKE_AWS (self));

  response = g_new0 (FakeResponse, 1);
  response->method = g_strdup (method);
  response->path_prefix = g_strdup (path_prefix);
  response->fault = fault;
  g_queue_push_tail (&self->responses, response);
}

void
ws_fake_aws_push_response (WsFakeAws  *self,
                           const char *method,
                           const char *path_prefix,
                           guint       status,
                           const char *error_type,
                           const char *content_type,
                           const char *body)
{
  ws_fake_aws_push_response_with_date (self, method, path_prefix, status, error_type,
                                       content_type, body, NULL);
}

void
ws_fake_aws_set_handler (WsFakeAws        *self,
                         const char       *method,
                         const char       *path_prefix,
                         gboolean          require_signature,
                         WsFakeAwsHandler  func,
                         gpointer          user_data)
{
  FakeHandler *handler;

  g_return_if_fail (WS_IS_FAKE_AWS (self));
  g_return_if_fail (func != NULL);

  handler = g_new0 (FakeHandler, 1);
  handler->method = g_strdup (method);
  handler->path_prefix = g_strdup (path_prefix);
  handler->require_signature = require_signature;
  handler->func = func;
  handler->user_data = user_data;
  g_ptr_array_add (self->handlers, handler);
}

void
ws_fake_aws_set_clock_offset (WsFakeAws *self,
                              GTimeSpan  offset)
{
  g_return_if_fail (WS_IS_FAKE_AWS (self));

  self->clock_offset = offset;
}

guint
ws_fake_aws_count_requests (WsFakeAws  *self,
                            const char *method,
                            const char *path_prefix)
{
  guint count = 0;

  g_return_val_if_fail (WS_IS_FAKE_AWS (self), 0);

  for (guint i = 0; i < self->requests->len; i++)
    {
      FakeRequest *request = g_ptr_array_index (self->requests, i);

      if (matches (method, path_prefix, request->method, request->path))
        count++;
    }

  return count;
}

char *
ws_fake_aws_get_last_header (WsFakeAws  *self,
                             const char *path_prefix,
                             const char *header)
{
  g_return_val_if_fail (WS_IS_FAKE_AWS (self), NULL);
  g_return_val_if_fail (header != NULL, NULL);

  for (guint i = self->requests->len; i > 0; i--)
    {
      FakeRequest *request = g_ptr_array_index (self->requests, i - 1);

      if (matches (NULL, path_prefix, request->method, request->path))
        return g_strdup (soup_message_headers_get_one (request->headers, header));
    }

  return NULL;
}

guint
ws_fake_aws_count_connections (WsFakeAws *self)
{
  g_return_val_if_fail (WS_IS_FAKE_AWS (self), 0);

  return g_hash_table_size (self->client_ports);
}

SoupServer *
ws_fake_aws_get_server (WsFakeAws *self)
{
  g_return_val_if_fail (WS_IS_FAKE_AWS (self), NULL);

  return self->server;
}

void
ws_fake_aws_reset_counts (WsFakeAws *self)
{
  self->max_in_flight = self->in_flight;
  g_return_if_fail (WS_IS_FAKE_AWS (self));

  g_ptr_array_set_size (self->requests, 0);
  g_hash_table_remove_all (self->client_ports);
}

void
ws_fake_aws_add_environment_in_account (WsFakeAws  *self,
                                        const char *account_id,
                                        const char *region,
                                        const char *name,
                                        const char *status,
                                        const char *airflow_version)
{
  FakeEnvironment *env;

  g_return_if_fail (WS_IS_FAKE_AWS (self));
  g_return_if_fail (account_id != NULL);

  ws_fake_aws_add_environment (self, region, name, status, airflow_version);
  env = g_ptr_array_index (self->environments, self->environments->len - 1);
  g_free (env->account_id);
  env->account_id = g_strdup (account_id);
}

static FakeCredentials *
lookup_credentials (WsFakeAws  *self,
                    const char *access_key_id)
{
  FakeCredentials *creds = g_hash_table_lookup (self->credentials, access_key_id);

  if (creds == NULL)
    g_error ("fake AWS: unknown access key %s", access_key_id);
  return creds;
}

void
ws_fake_aws_set_account (WsFakeAws  *self,
                         const char *access_key_id,
                         const char *account_id)
{
  FakeCredentials *creds;

  g_return_if_fail (WS_IS_FAKE_AWS (self));

  creds = lookup_credentials (self, access_key_id);
  g_free (creds->account_id);
  creds->account_id = g_strdup (account_id);
}

void
ws_fake_aws_deny (WsFakeAws  *self,
                  const char *access_key_id)
{
  g_return_if_fail (WS_IS_FAKE_AWS (self));

  lookup_credentials (self, access_key_id)->denied = TRUE;
}

void
ws_fake_aws_set_delay (WsFakeAws *self,
                       guint      milliseconds)
{
  g_return_if_fail (WS_IS_FAKE_AWS (self));

  self->delay_ms = milliseconds;
}

guint
ws_fake_aws_get_max_in_flight (WsFakeAws *self)
{
  g_return_val_if_fail (WS_IS_FAKE_AWS (self), 0);

  return self->max_in_flight;
}

/* --- Additions (PKCE sign-in) ---------------------------------------------------- */

void
ws_fake_aws_set_authorize_error (WsFakeAws  *self,
                                 const char *error)
{
  g_return_if_fail (WS_IS_FAKE_AWS (self));

  g_free (self->authorize_error);
  self->authorize_error = g_strdup (error);
}

typedef struct
{
  guint  status;
  char  *page;
} FollowResult;

static void
follow_result_free (FollowResult *result)
{
  g_free (result->page);
  g_free (result);
}

/* One GET as a browser sends it, redirects left to the caller. */
static void
browser_get (WsFakeAws           *self,
             GUri                *uri,
             GTask               *task,
             GAsyncReadyCallback  callback)
{
  g_autoptr(SoupMessage) msg = soup_message_new_from_uri ("GET", uri);

  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  g_task_set_task_data (task, g_object_ref (msg), g_object_unref);
  soup_session_send_and_read_async (self->browser, msg, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task), callback, task);
}

static void
on_loopback_answered (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SoupMessage *msg = g_task_get_task_data (task);
  g_autoptr(GBytes) body = NULL;
  GError *error = NULL;
  FollowResult *answer;

  if (!(body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  answer = g_new0 (FollowResult, 1);
  answer->status = soup_message_get_status (msg);
  answer->page = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  g_task_return_pointer (task, answer, (GDestroyNotify) follow_result_free);
}

static void
on_authorize_answered (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  GTask *task = user_data;
  WsFakeAws *self = g_task_get_source_object (task);
  SoupMessage *msg = g_task_get_task_data (task);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GUri) location = NULL;
  const char *header;
  GError *error = NULL;

  if (!(body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error)))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  header = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Location");
  if (soup_message_get_status (msg) != SOUP_STATUS_FOUND || header == NULL ||
      !(location = g_uri_parse_relative (soup_message_get_uri (msg), header, G_URI_FLAGS_ENCODED, &error)))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               "authorize answered %u instead of a redirect: %.*s",
                               soup_message_get_status (msg), (int) g_bytes_get_size (body),
                               (const char *) g_bytes_get_data (body, NULL));
      g_clear_error (&error);
      g_object_unref (task);
      return;
    }

  browser_get (self, location, task, on_loopback_answered);
}

void
ws_fake_aws_follow_authorize_async (WsFakeAws           *self,
                                    const char          *authorize_url,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GUri) uri = NULL;
  GTask *task;
  GError *error = NULL;

  g_return_if_fail (WS_IS_FAKE_AWS (self));
  g_return_if_fail (authorize_url != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ws_fake_aws_follow_authorize_async);

  if (!(uri = g_uri_parse (authorize_url, G_URI_FLAGS_ENCODED, &error)))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  if (self->browser == NULL)
    self->browser = soup_session_new ();
  browser_get (self, uri, task, on_authorize_answered);
}

gboolean
ws_fake_aws_follow_authorize_finish (WsFakeAws     *self,
                                     GAsyncResult  *result,
                                     guint         *status,
                                     char         **page,
                                     GError       **error)
{
  FollowResult *answer;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  answer = g_task_propagate_pointer (G_TASK (result), error);
  if (answer == NULL)
    return FALSE;

  if (status != NULL)
    *status = answer->status;
  if (page != NULL)
    *page = g_steal_pointer (&answer->page);
  follow_result_free (answer);
  return TRUE;
}
