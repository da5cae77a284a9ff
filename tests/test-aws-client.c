/* test-aws-client.c — the fake's SigV4 oracle, the client against the fake,
 * and the pure error parsing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <json-glib/json-glib.h>
#include <string.h>

#include "ws-aws-client.h"
#include "ws-aws-error.h"
#include "ws-fake-aws.h"
#include "ws-tls-database.h"
#include "ws-test-util.h"

#define ACCESS_KEY_ID     "AKIDEXAMPLE"
#define SECRET_ACCESS_KEY "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define REGION            "us-east-1"

static char *test_home;

/* No developer's AWS set-up and no proxy may leak into the tests. */
static void
isolate_environment (void)
{
  const char * const proxies[] = { "http_proxy", "https_proxy", "all_proxy", "no_proxy",
                                   "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY" };

  test_home = ws_test_isolate ("test-aws-client");
  for (guint i = 0; i < G_N_ELEMENTS (proxies); i++)
    g_unsetenv (proxies[i]);
}

/* --- The fake's own SigV4, checked against botocore's vectors ------------- */

static JsonArray *
load_vectors (JsonParser *parser,
              const char *file_name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "sigv4-vectors", file_name, NULL);
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);

  return json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "vectors");
}

static char *
authorization_part (const char *authorization,
                    const char *key)
{
  const char *start = strstr (authorization, key);

  g_assert_nonnull (start);
  start += strlen (key);

  return g_strndup (start, strcspn (start, ","));
}

static void
append_header_pairs (SoupMessageHeaders *headers,
                     JsonArray          *pairs)
{
  for (guint i = 0; i < json_array_get_length (pairs); i++)
    {
      JsonArray *pair = json_array_get_array_element (pairs, i);

      soup_message_headers_append (headers,
                                   json_array_get_string_element (pair, 0),
                                   json_array_get_string_element (pair, 1));
    }
}

/* @headers: what was on the wire; returns the checks made. */
static void
check_vector (JsonObject         *vector,
              SoupMessageHeaders *headers,
              const char         *service)
{
  const char *url = json_object_get_string_member (vector, "url");
  const char *authorization = json_object_get_string_member (vector, "expected_authorization");
  const char *body_text = json_object_get_string_member (vector, "body");
  JsonObject *credentials = json_object_get_object_member (vector, "credentials");
  g_autofree char *signed_headers = authorization_part (authorization, "SignedHeaders=");
  g_autofree char *expected_signature = authorization_part (authorization, "Signature=");
  g_autoptr(GBytes) body = g_bytes_new (body_text, strlen (body_text));
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, &error);
  g_autofree char *canonical = NULL;
  g_autofree char *signature = NULL;

  g_assert_no_error (error);
  g_test_message ("vector: %s", json_object_get_string_member (vector, "description"));

  canonical = ws_fake_aws_sigv4_canonical_request (json_object_get_string_member (vector, "method"),
                                                   g_uri_get_path (uri), g_uri_get_query (uri),
                                                   headers, signed_headers, body);
  g_assert_cmpstr (canonical, ==, json_object_get_string_member (vector, "expected_canonical_request"));

  signature = ws_fake_aws_sigv4_signature (json_object_get_string_member (credentials, "secret_access_key"),
                                           json_object_get_string_member (vector, "timestamp"),
                                           json_object_get_string_member (vector, "region"),
                                           service, canonical);
  g_assert_cmpstr (signature, ==, expected_signature);
}

static void
test_fake_sigv4_botocore_vectors (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *vectors = load_vectors (parser, "botocore-vectors.json");
  guint checked = 0;

  for (guint i = 0; i < json_array_get_length (vectors); i++)
    {
      JsonObject *vector = json_array_get_object_element (vectors, i);
      g_autoptr(SoupMessageHeaders) headers = NULL;

      if (!json_object_get_boolean_member (vector, "signed"))
        continue;

      headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
      append_header_pairs (headers, json_object_get_array_member (vector, "headers_sent"));
      check_vector (vector, headers, json_object_get_string_member (vector, "signing_name"));
      checked++;
    }

  g_assert_cmpuint (checked, ==, 7);
}

/* The edge vectors list only the extra headers: Host, X-Amz-Date and the
 * session token are implied, as a signer adds them. */
static void
test_fake_sigv4_edge_vectors (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *vectors = load_vectors (parser, "edge-vectors.json");

  g_assert_cmpuint (json_array_get_length (vectors), ==, 10);

  for (guint i = 0; i < json_array_get_length (vectors); i++)
    {
      JsonObject *vector = json_array_get_object_element (vectors, i);
      JsonObject *credentials = json_object_get_object_member (vector, "credentials");
      g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
      g_autoptr(GUri) uri = g_uri_parse (json_object_get_string_member (vector, "url"), SOUP_HTTP_URI_FLAGS, NULL);
      int default_port = g_str_equal (g_uri_get_scheme (uri), "https") ? 443 : 80;
      g_autofree char *host = NULL;

      host = g_uri_get_port (uri) > 0 && g_uri_get_port (uri) != default_port
             ? g_strdup_printf ("%s:%d", g_uri_get_host (uri), g_uri_get_port (uri))
             : g_strdup (g_uri_get_host (uri));
      soup_message_headers_append (headers, "Host", host);
      soup_message_headers_append (headers, "X-Amz-Date", json_object_get_string_member (vector, "timestamp"));
      if (!json_object_get_null_member (credentials, "session_token"))
        soup_message_headers_append (headers, "X-Amz-Security-Token",
                                     json_object_get_string_member (credentials, "session_token"));
      append_header_pairs (headers, json_object_get_array_member (vector, "headers"));

      check_vector (vector, headers, json_object_get_string_member (vector, "service"));
    }
}

/* mwaa-api.md §6.1: the canonical-request hash and signature of the
 * CreateWebLoginToken request, from a third implementation. */
static void
test_fake_sigv4_mwaa_api_vector (void)
{
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autofree char *canonical = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *signature = NULL;

  soup_message_headers_append (headers, "Host", "env.airflow.us-east-1.amazonaws.com");
  soup_message_headers_append (headers, "X-Amz-Date", "20250101T000000Z");

  canonical = ws_fake_aws_sigv4_canonical_request ("POST", "/webtoken/MyEnv", NULL, headers,
                                                   "host;x-amz-date", NULL);
  hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, canonical, -1);
  g_assert_cmpstr (hash, ==, "2d36b05d6f4ceabe6d27329f89f09389072876cc9a7e7dc9615e4ad39dec3324");

  signature = ws_fake_aws_sigv4_signature ("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                           "20250101T000000Z", "us-east-1", "airflow", canonical);
  g_assert_cmpstr (signature, ==, "d82ce07efdaca426735758419c99fe58a56269750ddcf0e60fc4bc81122aecbd");
}

/* --- The client against the fake ------------------------------------------ */

typedef struct
{
  WsFakeAws     *fake;
  WsAwsClient   *client;
  WsCredentials *credentials;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->fake = ws_fake_aws_new ();
  ws_fake_aws_add_credentials (f->fake, ACCESS_KEY_ID, SECRET_ACCESS_KEY, NULL);
  ws_fake_aws_add_environment (f->fake, REGION, "MyEnv", "AVAILABLE", "2.10.3");
  f->client = ws_aws_client_new ();
  /* Real delays, scaled down: the retries still go through the backoff. */
  ws_aws_client_set_backoff_scale (f->client, 0.001);
  f->credentials = ws_credentials_new (ACCESS_KEY_ID, SECRET_ACCESS_KEY, NULL, NULL, "test");
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_pointer (&f->credentials, ws_credentials_unref);
  g_clear_object (&f->client);
  g_clear_object (&f->fake);
}

typedef struct
{
  GBytes  *body;
  GError  *error;
  gboolean done;
} SendResult;

static void
send_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  SendResult *res = user_data;

  res->body = ws_aws_client_send_finish (WS_AWS_CLIENT (object), result, &res->error);
  res->done = TRUE;
}

static GBytes *
send_request (WsAwsClient        *client,
              const WsAwsRequest *request,
              WsCredentials      *credentials,
              GCancellable       *cancellable,
              GError            **error)
{
  SendResult res = { 0 };

  ws_aws_client_send_async (client, request, credentials, cancellable, send_done, &res);
  while (!res.done)
    g_main_context_iteration (NULL, TRUE);

  g_assert_true ((res.body == NULL) != (res.error == NULL));
  if (res.error != NULL)
    g_propagate_error (error, res.error);

  return res.body;
}

static WsAwsRequest
mwaa_request (Fixture    *f,
              const char *operation,
              const char *method,
              const char *path,
              const char *query)
{
  return (WsAwsRequest) {
    .operation = operation,
    .method = method,
    .base_url = ws_fake_aws_get_url (f->fake),
    .path = path,
    .query = query,
    .region = REGION,
    .service = "airflow",
  };
}

static GBytes *
get_environment (Fixture  *f,
                 GError  **error)
{
  WsAwsRequest request = mwaa_request (f, "GetEnvironment", "GET", "/environments/MyEnv", NULL);

  return send_request (f->client, &request, f->credentials, NULL, error);
}

static GBytes *
create_web_login_token (Fixture  *f,
                        GError  **error)
{
  WsAwsRequest request = mwaa_request (f, "CreateWebLoginToken", "POST", "/webtoken/MyEnv", NULL);

  return send_request (f->client, &request, f->credentials, NULL, error);
}

static void
assert_body_contains (GBytes     *body,
                      const char *needle)
{
  g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));

  g_assert_nonnull (strstr (text, needle));
}

static void
test_success (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = get_environment (f, &error);
  g_autofree char *user_agent = NULL;
  g_autofree char *authorization = NULL;

  g_assert_no_error (error);
  assert_body_contains (body, "\"Name\":\"MyEnv\"");
  g_assert_cmpuint (ws_fake_aws_count_requests (f->fake, "GET", "/environments/MyEnv"), ==, 1);

  user_agent = ws_fake_aws_get_last_header (f->fake, "/environments", "User-Agent");
  g_assert_true (g_str_has_prefix (user_agent, "windsock/"));
  authorization = ws_fake_aws_get_last_header (f->fake, "/environments", "Authorization");
  g_assert_true (g_str_has_prefix (authorization,
                                   "AWS4-HMAC-SHA256 Credential=" ACCESS_KEY_ID "/"));
  g_assert_nonnull (strstr (authorization, "/" REGION "/airflow/aws4_request"));
}

static void
test_session_token (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(WsCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *token = NULL;
  WsAwsRequest request = mwaa_request (f, "CreateWebLoginToken", "POST", "/webtoken/MyEnv", NULL);

  ws_fake_aws_add_credentials (f->fake, "ASIATEMP", "temp-secret", "FQoGZXIvYXdzEXAMPLE/+=");
  credentials = ws_credentials_new ("ASIATEMP", "temp-secret", "FQoGZXIvYXdzEXAMPLE/+=", NULL, "test");

  body = send_request (f->client, &request, credentials, NULL, &error);
  g_assert_no_error (error);
  assert_body_contains (body, "\"WebToken\":\"token-MyEnv-1\"");
  token = ws_fake_aws_get_last_header (f->fake, "/webtoken/", "X-Amz-Security-Token");
  g_assert_cmpstr (token, ==, "FQoGZXIvYXdzEXAMPLE/+=");
}

static void
bearer_handler (WsFakeAws         *fake,
                SoupServerMessage *msg,
                const char        *body,
                gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *token = soup_message_headers_get_one (headers, "x-amz-sso_bearer_token");
  const char *reply = "{\"roleCredentials\":{\"accessKeyId\":\"AKID\"}}";

  g_assert_cmpstr (token, ==, "bearer-token");
  g_assert_null (soup_message_headers_get_one (headers, "Authorization"));
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, reply, strlen (reply));
}

/* The SSO portal: unsigned, a bearer token as a header, a query kept as given. */
static void
test_unsigned_headers (Fixture       *f,
                       gconstpointer  data)
{
  const char * const headers[] = { "x-amz-sso_bearer_token", "bearer-token", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  WsAwsRequest request = {
    .operation = "GetRoleCredentials",
    .method = "GET",
    .base_url = ws_fake_aws_get_url (f->fake),
    .path = "/federation/credentials",
    .query = "role_name=Read%2FOnly&account_id=123456789012",
    .region = REGION,
    .headers = headers,
  };

  ws_fake_aws_set_handler (f->fake, "GET", "/federation/credentials", FALSE, bearer_handler, NULL);

  body = send_request (f->client, &request, NULL, NULL, &error);
  g_assert_no_error (error);
  assert_body_contains (body, "roleCredentials");
  g_assert_cmpuint (ws_fake_aws_count_requests (f->fake, "GET", "/federation/credentials"), ==, 1);
}

static void
keep_message (SoupSession *session,
              SoupMessage *msg,
              gpointer     user_data)
{
  g_ptr_array_add (user_data, g_object_ref (msg));
}

/* Once done, no request header (bearer or session token) is left in memory. */
static void
test_request_wiped (Fixture       *f,
                    gconstpointer  data)
{
  const char * const headers[] = { "x-amz-sso_bearer_token", "bearer-token", NULL };
  SoupSession *session = ws_aws_client_get_session (f->client);
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(WsCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) portal = NULL;
  g_autoptr(GBytes) token = NULL;
  WsAwsRequest unsigned_request = {
    .operation = "GetRoleCredentials",
    .method = "GET",
    .base_url = ws_fake_aws_get_url (f->fake),
    .path = "/federation/credentials",
    .headers = headers,
  };
  WsAwsRequest signed_request = mwaa_request (f, "CreateWebLoginToken", "POST", "/webtoken/MyEnv", NULL);

  ws_fake_aws_set_handler (f->fake, "GET", "/federation/credentials", FALSE, bearer_handler, NULL);
  ws_fake_aws_add_credentials (f->fake, "ASIATEMP", "temp-secret", "FQoGZXIvYXdzEXAMPLE/+=");
  credentials = ws_credentials_new ("ASIATEMP", "temp-secret", "FQoGZXIvYXdzEXAMPLE/+=", NULL, "test");
  g_signal_connect (session, "request-queued", G_CALLBACK (keep_message), messages);

  portal = send_request (f->client, &unsigned_request, NULL, NULL, &error);
  g_assert_no_error (error);
  token = send_request (f->client, &signed_request, credentials, NULL, &error);
  g_assert_no_error (error);
  g_signal_handlers_disconnect_by_data (session, messages);

  g_assert_cmpuint (messages->len, ==, 2);
  for (guint i = 0; i < messages->len; i++)
    {
      SoupMessageHeaders *sent = soup_message_get_request_headers (g_ptr_array_index (messages, i));
      const char * const names[] = { "x-amz-sso_bearer_token", "X-Amz-Security-Token", "Authorization" };

      for (guint j = 0; j < G_N_ELEMENTS (names); j++)
        {
          const char *value = soup_message_headers_get_one (sent, names[j]);

          g_assert_true (value == NULL || value[0] == '\0');
        }
    }
  g_assert_nonnull (soup_message_headers_get_one (soup_message_get_request_headers (g_ptr_array_index (messages, 0)),
                                                  "x-amz-sso_bearer_token"));
  g_assert_nonnull (soup_message_headers_get_one (soup_message_get_request_headers (g_ptr_array_index (messages, 1)),
                                                  "X-Amz-Security-Token"));
}

static void
test_keep_alive (Fixture       *f,
                 gconstpointer  data)
{
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) body = create_web_login_token (f, &error);

      g_assert_no_error (error);
    }

  g_assert_cmpuint (ws_fake_aws_count_requests (f->fake, "POST", "/webtoken/"), ==, 3);
  g_assert_cmpuint (ws_fake_aws_count_connections (f->fake), ==, 1);
}

static void
assert_aws_error (const GError *error,
                  gint          code,
                  const char   *aws_code,
                  guint         status)
{
  g_assert_error (error, WS_AWS_ERROR, code);
  g_assert_cmpstr (ws_aws_error_get_aws_code (error), ==, aws_code);
  g_assert_cmpuint (ws_aws_error_get_http_status (error), ==, status);
}

static void
test_wrong_secret (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(WsCredentials) credentials = ws_credentials_new (ACCESS_KEY_ID, "not-the-secret", NULL, NULL, "test");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  WsAwsRequest request = mwaa_request (f, "GetEnvironment", "GET", "/environments/MyEnv", NULL);

  body = send_request (f->client, &request, credentials, NULL, &error);
  assert_aws_error (error, WS_AWS_ERROR_INVALID_CREDENTIALS, "InvalidSignatureException", 403);
  g_assert_nonnull (strstr (error->message, "GetEnvironment"));
  g_assert_cmpuint (ws_fake_aws_count_requests (f->fake, NULL, NULL), ==, 1);
}

static void
test_unknown_key (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(WsCredentials) credentials = ws_credentials_new ("AKIDUNKNOWN", SECRET_ACCESS_KEY, NULL, NULL, "test");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  WsAwsRequest request = mwaa_request (f, "GetEnvironment", "GET", "/environments/MyEnv", NULL);

  body = send_request (f->client, &request, credentials, NULL, &error);
  assert_aws_error (error, WS_AWS_ERROR_INVALID_CREDENTIALS, "UnrecognizedClientException", 403);
  g_assert_null (strstr (error->message, SECRET_ACCESS_KEY));
}

static void
test_access_denied (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;

  ws_fake_aws_push_response (f->fake, "POST", "/webtoken/", 403,
                             "AccessDeniedException:http://internal.amazon.com/coral/com.amazon.coral.service/",
                             "application/json", "{\"Message\":\"No Airflow role is granted\"}");

  body = create_web_login_token (f, &error);
  assert_aws_error (error, WS_AWS_ERROR_ACCESS_DENIED, "AccessDeniedException", 403);
  g_assert_true (g_str_has_prefix (error->message, "AWS denied CreateWebLoginToken: No Airflow role is granted"));
  g_assert_cmpuint (ws_fake_aws_count_requests (f->fake, NULL, NULL), ==, 1);
}

/* Something other than AWS at the endpoint (a captive portal, a web
 * server) redirects; the redirect is not followed and the user is pointed
 * at the endpoint URL. */
static void
test_redirect (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;

  ws_fake_aws_push_response (f->fake, "POST", "/webtoken/", 302, NULL, "text/html", "<html>moved</html>");

  body = create_web_login_token (f, &error);
  g_assert_null (body);
  g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "redirect (HTTP 302)"));
  g_assert_nonnull (strstr (error->message, "endpoint URL"));
  g_assert_cmpuint (ws_fake_aws_count_requests (f->fake, NULL, NULL), ==, 1);
}

static void
test_not_found (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  WsAwsRequest request = mwaa_request (f, "GetEnvironment", "GET", "/environments/Missing", NULL);

  body = send_request (f->client, &request, f->credentials, NULL, &error);
  assert_aws_error (error, WS_AWS_ERROR_NOT_FOUND, "ResourceNotFoundException", 404);
  g_assert_nonnull (strstr (error->message, "Missing"));
  g_assert_cmpuint (ws_fake_aws_count_requests (f->fake, NULL, NULL), ==, 1);
}

static void
test_validation (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  WsAwsRequest request = mwaa_request (f, "ListEnvironments", "GET", "/environments", "MaxResults=30");

  body = send_request (f->client, &request, f->credentials, NULL, &error);
  assert_aws_error (error, WS_AWS_ERROR_INVALID_ARGUMENT, "ValidationException", 400);
  g_assert_cmpuint (ws_fake_aws_count_requests (f->fake, NULL, NULL), ==, 1);
}

static void
test_expired_token (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;

  ws_fake_aws_push_response (f->fake, "GET", "/environments", 403, "ExpiredTokenException",
                             "application/json", "{\"message\":\"The security token included in the request is expired\"}");

  body = get_environment (f, &error);
  assert_aws_error (error, WS_AWS_ERROR_EXPIRED_CREDENTIALS, "ExpiredTokenException", 403);
}

/* The fake's own signature errors for STS come as XML. */
static void
test_sts_xml_error (Fixture       *f,
                    gconstpointer  data)
{
  const char *form = "Action=AssumeRole&Version=2011-06-15";
  g_autoptr(GBytes) form_body = g_bytes_new_static (form, strlen (form));
  g_autoptr(WsCredentials) credentials = ws_credentials_new ("AKIDUNKNOWN", "x", NULL, NULL, "test");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  WsAwsRequest request = {
    .operation = "AssumeRole",
    .method = "POST",
    .base_url = ws_fake_aws_get_url (f->fake),
    .path = "/",
    .content_type = "application/x-www-form-urlencoded; charset=utf-8",
    .body = form_body,
    .region = REGION,
    .service = "sts",
  };

  body = send_request (f->client, &request, credentials, NULL, &error);
  assert_aws_error (error, WS_AWS_ERROR_INVALID_CREDENTIALS, "InvalidClientTokenId", 403);
  g_assert_nonnull (strstr (error->message, "The security token included in the request is invalid."));
}

static void
test_retry_throttling (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;

  ws_fake_aws_push_response (f->fake, "GET", "/environments", 400, "ThrottlingException",
                             "application/json", "{\"message\":\"Rate exceeded\"}");

  body = get_environment (f, &error);
  g_assert_no_error (error);
  assert_body_contains (body, "MyEnv");
  g_assert_cmpuint (ws_fake_aws_count_requests (f->fake, "GET", "/environments/MyEnv"), ==, 2);
}

static void
test_retry_5xx (Fixture       *f,
                gconstpointer  data)
{
  const guint statuses[] = { 500, 502, 503, 504 };

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) body = NULL;

      ws_fake_aws_reset_counts (f->fake);
      ws_fake_aws_push_response (f->fake, "GET", "/environments", statuses[i], NULL, "text/html", "<html>busy</html>");

      body = get_environment (f, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (ws_fake_aws_count_requests (f->fake, "GET", "/environments/MyEnv"), ==, 2);
    }
}

static void
test_retry_give_up (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;

  for (guint i = 0; i < 4; i++)
    ws_fake_aws_push_response (f->fake, "GET", "/environments", 503, NULL, "text/plain", "Service Unavailable");

  body = get_environment (f, &error);
  assert_aws_error (error, WS_AWS_ERROR_SERVER, "503", 503);
  g_assert_cmpuint (ws_fake_aws_count_requests (f->fake, NULL, NULL), ==, 3);
}

static void
test_retry_max_attempts (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) body_once = NULL;

  for (guint i = 0; i < 4; i++)
    ws_fake_aws_push_response (f->fake, "GET", "/environments", 500, "InternalServerException",
                               "application/json", "{\"message\":\"oops\"}");

  ws_aws_client_set_max_attempts (f->client, 5);
  body = get_environment (f, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ws_fake_aws_count_requests (f->fake, NULL, NULL), ==, 5);

  ws_fake_aws_reset_counts (f->fake);
  ws_fake_aws_push_response (f->fake, "GET", "/environments", 500, "InternalServerException",
                             "application/json", "{\"message\":\"oops\"}");
  ws_aws_client_set_max_attempts (f->client, 1);
  body_once = get_environment (f, &error);
  assert_aws_error (error, WS_AWS_ERROR_SERVER, "InternalServerException", 500);
  g_assert_cmpuint (ws_fake_aws_count_requests (f->fake, NULL, NULL), ==, 1);
}

/* 500 capacity, 5 per retry: after 100 failed retries the client stops
 * retrying until successes refill the bucket. */
static void
test_retry_quota (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;

  ws_aws_client_set_backoff_scale (f->client, 0.0);
  for (guint i = 0; i < 51; i++)
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(GBytes) local_body = NULL;

      for (guint j = 0; j < 3; j++)
        ws_fake_aws_push_response (f->fake, "GET", "/environments", 503, NULL, "text/plain", "busy");
      local_body = get_environment (f, &local_error);
      g_assert_error (local_error, WS_AWS_ERROR, WS_AWS_ERROR_SERVER);
    }

  /* 50 calls spent the quota (2 retries each); the 51st could not retry. */
  g_assert_cmpuint (ws_fake_aws_count_requests (f->fake, NULL, NULL), ==, 50 * 3 + 1);

  ws_fake_aws_reset_counts (f->fake);
  ws_fake_aws_push_response (f->fake, "GET", "/environments", 503, NULL, "text/plain", "busy");
  body = get_environment (f, &error);
  g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_SERVER);
  g_assert_cmpuint (ws_fake_aws_count_requests (f->fake, NULL, NULL), ==, 1);
}

static guint16
closed_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, 0, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_socket_bind (socket, address, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);

  /* Bound but never listening, and closed with the socket: refused. */
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static void
test_connection_refused (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", closed_port ());
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  WsAwsRequest request = mwaa_request (f, "GetEnvironment", "GET", "/environments/MyEnv", NULL);

  request.base_url = url;
  body = send_request (f->client, &request, f->credentials, NULL, &error);
  g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_NETWORK);
  g_assert_true (g_str_has_prefix (error->message, "Could not reach 127.0.0.1"));
  g_assert_null (ws_aws_error_get_aws_code (error));
}

/* A socket that listens but never accepts: the request is never answered. */
static void
test_timeout (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, 0, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *url = NULL;
  WsAwsRequest request = mwaa_request (f, "GetEnvironment", "GET", "/environments/MyEnv", NULL);

  g_socket_bind (socket, address, FALSE, &error);
  g_assert_no_error (error);
  g_socket_listen (socket, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  url = g_strdup_printf ("http://127.0.0.1:%u", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));

  ws_aws_client_set_timeout (f->client, 1);
  ws_aws_client_set_max_attempts (f->client, 2);
  request.base_url = url;
  body = send_request (f->client, &request, f->credentials, NULL, &error);
  g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (error->message, "127.0.0.1"));
}

static void
assert_offset_near (WsAwsClient *client,
                    GTimeSpan    expected)
{
  GTimeSpan offset = ws_aws_client_get_clock_offset (client);

  /* Date has a one-second resolution. */
  g_assert_cmpint (offset, >=, expected - 3 * G_TIME_SPAN_SECOND);
  g_assert_cmpint (offset, <=, expected + 3 * G_TIME_SPAN_SECOND);
}

static void
test_skew_corrected (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) body_again = NULL;

  ws_fake_aws_set_clock_offset (f->fake, 20 * G_TIME_SPAN_MINUTE);

  body = create_web_login_token (f, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ws_fake_aws_count_requests (f->fake, NULL, NULL), ==, 2);
  assert_offset_near (f->client, 20 * G_TIME_SPAN_MINUTE);

  /* Once corrected, the next request is right the first time. */
  body_again = create_web_login_token (f, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ws_fake_aws_count_requests (f->fake, NULL, NULL), ==, 3);
}

static void
test_skew_behind (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;

  ws_fake_aws_set_clock_offset (f->fake, -40 * G_TIME_SPAN_MINUTE);

  body = get_environment (f, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ws_fake_aws_count_requests (f->fake, NULL, NULL), ==, 2);
  assert_offset_near (f->client, -40 * G_TIME_SPAN_MINUTE);
}

/* A server whose Date moves but keeps refusing: one re-signed retry only. */
static void
test_skew_gives_up (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) ahead = g_date_time_add_minutes (now, 20);
  const char *expired = "{\"message\":\"Signature expired: 20250101T000000Z is now earlier than "
                        "20250101T001000Z (20250101T002500Z - 15 min.)\"}";
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;

  for (guint i = 0; i < 3; i++)
    ws_fake_aws_push_response_with_date (f->fake, "POST", "/webtoken/", 403, "InvalidSignatureException",
                                         "application/json", expired, ahead);

  body = create_web_login_token (f, &error);
  assert_aws_error (error, WS_AWS_ERROR_CLOCK_SKEW, "InvalidSignatureException", 403);
  g_assert_cmpuint (ws_fake_aws_count_requests (f->fake, NULL, NULL), ==, 2);
}

/* A Date at the end of time: once the clock moves on, now + offset is
 * past year 9999, which GDateTime cannot hold; sign with the clock we have. */
static void
test_skew_out_of_range (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GDateTime) last = g_date_time_new_utc (9999, 12, 31, 23, 59, 59);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) second = NULL;

  ws_fake_aws_push_response_with_date (f->fake, "GET", "/environments", 200, NULL,
                                       "application/json", "{}", last);
  first = get_environment (f, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ws_aws_client_get_clock_offset (f->client), >, 0);

  g_usleep (G_USEC_PER_SEC + G_USEC_PER_SEC / 10);
  second = get_environment (f, &error);
  g_assert_no_error (error);
  assert_body_contains (second, "MyEnv");
}

static void
cancelling_handler (WsFakeAws         *fake,
                    SoupServerMessage *msg,
                    const char        *body,
                    gpointer           user_data)
{
  g_cancellable_cancel (user_data);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "{}", 2);
}

/* Cancelled once the server has the request, before any answer. */
static void
test_cancel_in_request (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  WsAwsRequest request = mwaa_request (f, "CreateWebLoginToken", "POST", "/webtoken/MyEnv", NULL);

  ws_fake_aws_set_handler (f->fake, "POST", "/webtoken/", TRUE, cancelling_handler, cancellable);

  body = send_request (f->client, &request, f->credentials, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (ws_fake_aws_count_requests (f->fake, NULL, NULL), ==, 1);
}

static void
test_cancel_in_backoff (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  WsAwsRequest request = mwaa_request (f, "GetEnvironment", "GET", "/environments/MyEnv", NULL);
  SendResult res = { 0 };

  /* A backoff of hours: only the cancellation can end it. */
  ws_aws_client_set_backoff_scale (f->client, 1e5);
  ws_fake_aws_push_response (f->fake, "GET", "/environments", 503, NULL, "text/plain", "busy");

  ws_aws_client_send_async (f->client, &request, f->credentials, cancellable, send_done, &res);
  while (ws_fake_aws_count_requests (f->fake, NULL, NULL) == 0)
    g_main_context_iteration (NULL, TRUE);
  /* Let the client read the 503 and start waiting. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_false (res.done);

  g_cancellable_cancel (cancellable);
  while (!res.done)
    g_main_context_iteration (NULL, TRUE);

  g_assert_error (res.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (res.body);
  g_assert_cmpuint (ws_fake_aws_count_requests (f->fake, NULL, NULL), ==, 1);
  g_clear_error (&res.error);
}

static char *
body_of_size (gsize size)
{
  char *body = g_malloc (size + 1);

  memset (body, 'x', size);
  body[size] = '\0';

  return body;
}

static void
test_body_bound_length (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *large = body_of_size (WS_AWS_CLIENT_MAX_BODY_SIZE + 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;

  ws_fake_aws_push_response (f->fake, "GET", "/environments", 200, NULL, "application/json", large);

  body = get_environment (f, &error);
  g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_RESPONSE);
  g_assert_cmpuint (ws_fake_aws_count_requests (f->fake, NULL, NULL), ==, 1);
}

static void
chunked_handler (WsFakeAws         *fake,
                 SoupServerMessage *msg,
                 const char        *body,
                 gpointer           user_data)
{
  SoupMessageBody *response = soup_server_message_get_response_body (msg);
  gsize total = GPOINTER_TO_SIZE (user_data);
  gsize chunk = 1024 * 1024;

  soup_message_headers_set_encoding (soup_server_message_get_response_headers (msg), SOUP_ENCODING_CHUNKED);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  for (gsize sent = 0; sent < total; sent += chunk)
    {
      gsize len = MIN (chunk, total - sent);

      soup_message_body_append_take (response, (guchar *) body_of_size (len), len);
    }
  soup_message_body_complete (response);
}

/* Without a Content-Length the bound is enforced while reading. */
static void
test_body_bound_chunked (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;

  ws_fake_aws_set_handler (f->fake, "GET", "/environments", TRUE, chunked_handler,
                           GSIZE_TO_POINTER (WS_AWS_CLIENT_MAX_BODY_SIZE + 1));

  body = get_environment (f, &error);
  g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_RESPONSE);
}

static void
test_body_at_limit (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;

  ws_fake_aws_set_handler (f->fake, "GET", "/environments", TRUE, chunked_handler,
                           GSIZE_TO_POINTER (WS_AWS_CLIENT_MAX_BODY_SIZE));

  body = get_environment (f, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (body), ==, WS_AWS_CLIENT_MAX_BODY_SIZE);
}

static void
test_invalid_url (Fixture       *f,
                  gconstpointer  data)
{
  const char * const urls[] = { "not a url", "http://", "https://:443" };
  WsAwsRequest request = mwaa_request (f, "GetEnvironment", "GET", "/environments/MyEnv", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) body = NULL;

      request.base_url = urls[i];
      body = send_request (f->client, &request, f->credentials, NULL, &error);
      g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_ARGUMENT);
    }
}

/* --- TLS --------------------------------------------------------------------- */

/* A fake over TLS with @certificate, knowing the test's key and MyEnv. */
static WsFakeAws *
tls_fake_new (GTlsCertificate *certificate)
{
  WsFakeAws *fake = ws_fake_aws_new_tls (certificate);

  g_assert_true (g_str_has_prefix (ws_fake_aws_get_url (fake), "https://127.0.0.1:"));
  ws_fake_aws_add_credentials (fake, ACCESS_KEY_ID, SECRET_ACCESS_KEY, NULL);
  ws_fake_aws_add_environment (fake, REGION, "MyEnv", "AVAILABLE", "2.10.3");
  return fake;
}

static GBytes *
tls_get_environment (WsAwsClient  *client,
                     WsFakeAws    *fake,
                     GError      **error)
{
  g_autoptr(WsCredentials) credentials = ws_credentials_new (ACCESS_KEY_ID, SECRET_ACCESS_KEY, NULL, NULL, "test");
  WsAwsRequest request = {
    .operation = "GetEnvironment", .method = "GET", .base_url = ws_fake_aws_get_url (fake),
    .path = "/environments/MyEnv", .region = REGION, .service = "airflow",
  };

  return send_request (client, &request, credentials, NULL, error);
}

static void
test_tls (void)
{
  g_autofree char *dir = g_build_filename (test_home, "tls", NULL);
  g_autofree char *cert_path = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(WsFakeAws) fake = NULL;
  g_autoptr(WsAwsClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) refused = NULL;
  g_autoptr(GBytes) accepted = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  certificate = ws_test_make_certificate (dir, "IP:127.0.0.1", &cert_path);
  fake = tls_fake_new (certificate);
  client = ws_aws_client_new ();

  refused = tls_get_environment (client, fake, &error);
  g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_TLS);
  g_assert_true (g_str_has_prefix (error->message, "The certificate of 127.0.0.1 is not trusted"));
  g_assert_cmpuint (ws_fake_aws_count_requests (fake, NULL, NULL), ==, 0);
  g_clear_error (&error);

  g_assert_true (ws_aws_client_set_ca_bundle (client, cert_path, &error));
  g_assert_no_error (error);
  accepted = tls_get_environment (client, fake, &error);
  g_assert_no_error (error);
  assert_body_contains (accepted, "MyEnv");

  ws_test_remove_tree (dir);
}

static void
count_store_loads (const char     *log_domain,
                   GLogLevelFlags  log_level,
                   const char     *message,
                   gpointer        user_data)
{
  if (g_str_has_prefix (message, "Trusting the system's certificates in "))
    (*(guint *) user_data)++;
}

static void
get_environment_trusted (WsAwsClient *client,
                         WsFakeAws   *fake)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = tls_get_environment (client, fake, &error);

  g_assert_no_error (error);
  assert_body_contains (body, "MyEnv");
}

/* The system store (here SSL_CERT_FILE) is parsed once for every connection
 * of the process, not once per connection as GIO's default database did,
 * and parsed again only after it was released. */
static void
test_tls_system_store (void)
{
  g_autofree char *dir = g_build_filename (test_home, "tls-system", NULL);
  g_autofree char *cert_path = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(WsFakeAws) first = NULL;
  g_autoptr(WsFakeAws) second = NULL;
  g_autoptr(WsFakeAws) third = NULL;
  g_autoptr(WsAwsClient) client = NULL;
  GTlsDatabase *database;
  guint loads = 0;
  guint handler;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  certificate = ws_test_make_certificate (dir, "IP:127.0.0.1", &cert_path);
  first = tls_fake_new (certificate);
  second = tls_fake_new (certificate);
  third = tls_fake_new (certificate);
  g_setenv ("SSL_CERT_FILE", cert_path, TRUE);
  ws_tls_database_release_system_store ();
  handler = g_log_set_handler (G_LOG_DOMAIN, G_LOG_LEVEL_DEBUG, count_store_loads, &loads);

  client = ws_aws_client_new ();
  get_environment_trusted (client, first);
  get_environment_trusted (client, second);
  g_assert_cmpuint (loads, ==, 1);
  database = g_tls_backend_get_default_database (g_tls_backend_get_default ());
  g_assert_true (WS_IS_TLS_DATABASE (database));
  g_object_unref (database);

  /* A kept-alive connection needs no store; a new one loads it again. */
  ws_tls_database_release_system_store ();
  get_environment_trusted (client, first);
  g_assert_cmpuint (loads, ==, 1);
  get_environment_trusted (client, third);
  g_assert_cmpuint (loads, ==, 2);
  g_assert_cmpuint (ws_fake_aws_count_connections (first), ==, 1);

  g_log_remove_handler (G_LOG_DOMAIN, handler);
  g_unsetenv ("SSL_CERT_FILE");
  ws_tls_database_release_system_store ();
  ws_test_remove_tree (dir);
}

static void
test_ca_bundle_missing (void)
{
  g_autoptr(WsAwsClient) client = ws_aws_client_new ();
  g_autofree char *path = g_build_filename (test_home, "no-such-bundle.pem", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (ws_aws_client_set_ca_bundle (client, path, &error));
  g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_CONFIG);
  g_assert_nonnull (strstr (error->message, path));
}

static void
test_backoff_delay (void)
{
  g_assert_cmpfloat (ws_aws_client_backoff_delay (1, 0.5), ==, 0.5);
  g_assert_cmpfloat (ws_aws_client_backoff_delay (2, 0.5), ==, 1.0);
  g_assert_cmpfloat (ws_aws_client_backoff_delay (3, 0.5), ==, 2.0);
  g_assert_cmpfloat (ws_aws_client_backoff_delay (5, 1.0), ==, 16.0);
  g_assert_cmpfloat (ws_aws_client_backoff_delay (6, 1.0), ==, 20.0);
  g_assert_cmpfloat (ws_aws_client_backoff_delay (40, 0.25), ==, 5.0);
  g_assert_cmpfloat (ws_aws_client_backoff_delay (3, 0.0), ==, 0.0);
}

/* --- Error parsing and mapping (pure) ----------------------------------------- */

static void
assert_parsed (guint       status,
               const char *error_type,
               const char *body_text,
               const char *expected_code,
               const char *expected_message)
{
  g_autoptr(GBytes) body = body_text != NULL ? g_bytes_new (body_text, strlen (body_text)) : NULL;
  g_autofree char *code = NULL;
  g_autofree char *message = NULL;

  ws_aws_error_parse_response (status, error_type, body, &code, &message);
  g_assert_cmpstr (code, ==, expected_code);
  g_assert_cmpstr (message, ==, expected_message);
}

static void
test_parse_header_first (void)
{
  assert_parsed (403, "AccessDeniedException", "{\"__type\":\"Other\",\"Message\":\"denied\"}",
                 "AccessDeniedException", "denied");
  assert_parsed (404, NULL, "{\"__type\":\"ResourceNotFoundException\",\"message\":\"gone\"}",
                 "ResourceNotFoundException", "gone");
}

static void
test_parse_header_stripping (void)
{
  assert_parsed (400, "ValidationException:http://internal.amazon.com/coral/com.amazon.coral.validate/",
                 "{\"message\":\"bad\"}", "ValidationException", "bad");
  assert_parsed (404, "com.amazonaws.airflow#ResourceNotFoundException", NULL, "ResourceNotFoundException", "");
  assert_parsed (404, "aws.protocoltests#NotFound:http://internal.amazon.com/x", "", "NotFound", "");
  assert_parsed (400, NULL, "{\"__type\":\"com.amazon.coral.service#UnrecognizedClientException\"}",
                 "UnrecognizedClientException", "");
}

static void
test_parse_body (void)
{
  assert_parsed (400, NULL, "{\"code\":\"Lower\",\"Code\":\"Upper\",\"message\":\"m\"}", "Lower", "m");
  assert_parsed (400, NULL, "{\"Code\":\"Upper\",\"Message\":\"M\"}", "Upper", "M");
  assert_parsed (400, NULL, "  {\"message\":null,\"__type\":\"X\"}", "X", "");
  assert_parsed (400, NULL, "{\"message\":\"first\",\"Message\":\"second\",\"__type\":\"X\"}", "X", "first");
  assert_parsed (500, NULL, "[1, 2]", "500", "");
  assert_parsed (500, NULL, "{broken", "500", "");
}

static void
test_parse_xml (void)
{
  const char *sts = "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
                    "  <Error>\n    <Type>Sender</Type>\n    <Code>ExpiredToken</Code>\n"
                    "    <Message>The security token included in the request is expired</Message>\n"
                    "  </Error>\n  <RequestId>abc</RequestId>\n</ErrorResponse>\n";
  const char *s3 = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                   "<Error><Code>RequestTimeTooSkewed</Code><Message>too &amp; skewed</Message></Error>";
  const char *truncated = "<ErrorResponse><Error><Code>Throttling</Code><Message>Rate";

  assert_parsed (403, NULL, sts, "ExpiredToken", "The security token included in the request is expired");
  assert_parsed (403, NULL, s3, "RequestTimeTooSkewed", "too & skewed");
  assert_parsed (400, NULL, truncated, "Throttling", "");
  assert_parsed (400, NULL, "<Other><Code>NotInError</Code></Other>", "400", "");
}

static void
test_parse_oauth (void)
{
  assert_parsed (400, "AuthorizationPendingException:http://internal.amazon.com/coral/",
                 "{\"error\":\"authorization_pending\",\"error_description\":\"Authorization is pending\"}",
                 "AuthorizationPendingException", "Authorization is pending");
  assert_parsed (400, NULL, "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid grant provided\"}",
                 "invalid_grant", "Invalid grant provided");
}

static void
test_parse_fallback (void)
{
  assert_parsed (502, NULL, NULL, "502", "");
  assert_parsed (503, "", "<html>Service Unavailable</html>", "503", "");
}

/* libsoup passes header bytes on as they came; the code goes into a
 * message that is sent on D-Bus (found by fuzz-aws-error). */
static void
test_parse_header_not_utf8 (void)
{
  assert_parsed (403, "Acc\xe8sDenied:http://x", NULL, "Acc\xef\xbf\xbdsDenied", "");
  assert_parsed (400, "\xff\xfe#Throttling", NULL, "Throttling", "");
}

/* A hostile body nested deeper than json-glib can recurse is no error
 * document, not a crash. */
static void
test_parse_deep_nesting (void)
{
  gsize depth = 200000;
  g_autofree char *body = g_malloc (depth + 1);

  memset (body, '[', depth);
  body[depth] = '\0';
  assert_parsed (500, NULL, body, "500", "");
}

/* Any error may be asked for its AWS code: only ours have one. */
static void
test_aws_code_other_domain (void)
{
  g_autoptr(GError) cancelled = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "x");

  g_assert_null (ws_aws_error_get_aws_code (cancelled));
  g_assert_cmpuint (ws_aws_error_get_http_status (cancelled), ==, 0);
  g_assert_null (ws_aws_error_get_aws_code (NULL));
}

static void
test_from_code (void)
{
  g_assert_cmpint (ws_aws_error_from_code ("AccessDeniedException", 403, ""), ==, WS_AWS_ERROR_ACCESS_DENIED);
  g_assert_cmpint (ws_aws_error_from_code ("ResourceNotFoundException", 404, ""), ==, WS_AWS_ERROR_NOT_FOUND);
  g_assert_cmpint (ws_aws_error_from_code ("ValidationException", 400, ""), ==, WS_AWS_ERROR_INVALID_ARGUMENT);
  g_assert_cmpint (ws_aws_error_from_code ("UnrecognizedClientException", 403, ""), ==, WS_AWS_ERROR_INVALID_CREDENTIALS);
  g_assert_cmpint (ws_aws_error_from_code ("InvalidClientTokenId", 403, ""), ==, WS_AWS_ERROR_INVALID_CREDENTIALS);
  g_assert_cmpint (ws_aws_error_from_code ("ExpiredToken", 403, ""), ==, WS_AWS_ERROR_EXPIRED_CREDENTIALS);
  g_assert_cmpint (ws_aws_error_from_code ("ExpiredTokenException", 400, ""), ==, WS_AWS_ERROR_EXPIRED_CREDENTIALS);
  g_assert_cmpint (ws_aws_error_from_code ("UnauthorizedException", 401, ""), ==, WS_AWS_ERROR_SSO_LOGIN_REQUIRED);
  g_assert_cmpint (ws_aws_error_from_code ("ThrottlingException", 400, ""), ==, WS_AWS_ERROR_THROTTLED);
  g_assert_cmpint (ws_aws_error_from_code ("Throttling", 400, ""), ==, WS_AWS_ERROR_THROTTLED);
  g_assert_cmpint (ws_aws_error_from_code ("InternalServerException", 500, ""), ==, WS_AWS_ERROR_SERVER);
  g_assert_cmpint (ws_aws_error_from_code ("RequestTimeTooSkewed", 403, ""), ==, WS_AWS_ERROR_CLOCK_SKEW);
  g_assert_cmpint (ws_aws_error_from_code ("InvalidSignatureException", 403,
                                           "Signature expired: 20250101T000000Z is now earlier than x"),
                   ==, WS_AWS_ERROR_CLOCK_SKEW);
  g_assert_cmpint (ws_aws_error_from_code ("SignatureDoesNotMatch", 403,
                                           "Signature not yet current: a is still later than b"),
                   ==, WS_AWS_ERROR_CLOCK_SKEW);
  g_assert_cmpint (ws_aws_error_from_code ("SignatureDoesNotMatch", 403, "does not match"),
                   ==, WS_AWS_ERROR_INVALID_CREDENTIALS);
  g_assert_cmpint (ws_aws_error_from_code ("SomethingNotFoundException", 400, ""), ==, WS_AWS_ERROR_NOT_FOUND);
  /* Unknown codes fall back on the status. */
  g_assert_cmpint (ws_aws_error_from_code ("429", 429, ""), ==, WS_AWS_ERROR_THROTTLED);
  g_assert_cmpint (ws_aws_error_from_code ("503", 503, ""), ==, WS_AWS_ERROR_SERVER);
  g_assert_cmpint (ws_aws_error_from_code ("Odd", 403, ""), ==, WS_AWS_ERROR_ACCESS_DENIED);
  g_assert_cmpint (ws_aws_error_from_code ("Odd", 404, ""), ==, WS_AWS_ERROR_NOT_FOUND);
  g_assert_cmpint (ws_aws_error_from_code ("Odd", 400, ""), ==, WS_AWS_ERROR_FAILED);
}

static void
test_retryable (void)
{
  g_assert_true (ws_aws_error_is_retryable ("500", 500));
  g_assert_true (ws_aws_error_is_retryable ("x", 502));
  g_assert_true (ws_aws_error_is_retryable ("x", 503));
  g_assert_true (ws_aws_error_is_retryable ("x", 504));
  g_assert_true (ws_aws_error_is_retryable ("x", 429));
  g_assert_true (ws_aws_error_is_retryable ("ThrottlingException", 400));
  g_assert_true (ws_aws_error_is_retryable ("RequestLimitExceeded", 400));
  g_assert_true (ws_aws_error_is_retryable ("RequestTimeout", 400));
  g_assert_true (ws_aws_error_is_retryable ("PriorRequestNotComplete", 400));
  g_assert_false (ws_aws_error_is_retryable ("x", 501));
  g_assert_false (ws_aws_error_is_retryable ("AccessDeniedException", 403));
  g_assert_false (ws_aws_error_is_retryable ("ValidationException", 400));
  g_assert_false (ws_aws_error_is_retryable ("InvalidSignatureException", 403));

  g_assert_true (ws_aws_error_code_is_clock_skew ("InvalidSignatureException"));
  g_assert_true (ws_aws_error_code_is_clock_skew ("RequestExpired"));
  g_assert_true (ws_aws_error_code_is_clock_skew ("AuthFailure"));
  g_assert_false (ws_aws_error_code_is_clock_skew ("AccessDeniedException"));
  g_assert_false (ws_aws_error_code_is_clock_skew (NULL));
}

static void
test_transport_errors (void)
{
  g_autoptr(GError) tls = g_error_new_literal (G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE, "bad");
  g_autoptr(GError) timeout = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "slow");
  g_autoptr(GError) dns = g_error_new_literal (G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND, "no");
  g_autoptr(GError) refused = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED, "refused");
  g_autoptr(GError) e1 = ws_aws_error_new_for_transport ("env.example", tls);
  g_autoptr(GError) e2 = ws_aws_error_new_for_transport ("env.example", timeout);
  g_autoptr(GError) e3 = ws_aws_error_new_for_transport ("env.example", dns);
  g_autoptr(GError) e4 = ws_aws_error_new_for_transport ("env.example", refused);

  g_assert_error (e1, WS_AWS_ERROR, WS_AWS_ERROR_TLS);
  g_assert_true (g_str_has_prefix (e1->message, "The certificate of env.example is not trusted"));
  g_assert_error (e2, WS_AWS_ERROR, WS_AWS_ERROR_TIMEOUT);
  g_assert_error (e3, WS_AWS_ERROR, WS_AWS_ERROR_NETWORK);
  g_assert_nonnull (strstr (e3->message, "env.example"));
  g_assert_error (e4, WS_AWS_ERROR, WS_AWS_ERROR_NETWORK);
  g_assert_true (g_str_has_prefix (e4->message, "Could not reach env.example: refused"));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  isolate_environment ();
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/fake/sigv4/botocore-vectors", test_fake_sigv4_botocore_vectors);
  g_test_add_func ("/fake/sigv4/edge-vectors", test_fake_sigv4_edge_vectors);
  g_test_add_func ("/fake/sigv4/mwaa-api-vector", test_fake_sigv4_mwaa_api_vector);
  g_test_add ("/client/success", Fixture, NULL, fixture_setup, test_success, fixture_teardown);
  g_test_add ("/client/session-token", Fixture, NULL, fixture_setup, test_session_token, fixture_teardown);
  g_test_add ("/client/unsigned-headers", Fixture, NULL, fixture_setup, test_unsigned_headers, fixture_teardown);
  g_test_add ("/client/request-wiped", Fixture, NULL, fixture_setup, test_request_wiped, fixture_teardown);
  g_test_add ("/client/keep-alive", Fixture, NULL, fixture_setup, test_keep_alive, fixture_teardown);
  g_test_add ("/client/wrong-secret", Fixture, NULL, fixture_setup, test_wrong_secret, fixture_teardown);
  g_test_add ("/client/unknown-key", Fixture, NULL, fixture_setup, test_unknown_key, fixture_teardown);
  g_test_add ("/client/access-denied", Fixture, NULL, fixture_setup, test_access_denied, fixture_teardown);
  g_test_add ("/client/not-found", Fixture, NULL, fixture_setup, test_not_found, fixture_teardown);
  g_test_add ("/client/redirect", Fixture, NULL, fixture_setup, test_redirect, fixture_teardown);
  g_test_add ("/client/validation", Fixture, NULL, fixture_setup, test_validation, fixture_teardown);
  g_test_add ("/client/expired-token", Fixture, NULL, fixture_setup, test_expired_token, fixture_teardown);
  g_test_add ("/client/sts-xml-error", Fixture, NULL, fixture_setup, test_sts_xml_error, fixture_teardown);
  g_test_add ("/client/retry-throttling", Fixture, NULL, fixture_setup, test_retry_throttling, fixture_teardown);
  g_test_add ("/client/retry-5xx", Fixture, NULL, fixture_setup, test_retry_5xx, fixture_teardown);
  g_test_add ("/client/retry-give-up", Fixture, NULL, fixture_setup, test_retry_give_up, fixture_teardown);
  g_test_add ("/client/retry-max-attempts", Fixture, NULL, fixture_setup, test_retry_max_attempts, fixture_teardown);
  g_test_add ("/client/retry-quota", Fixture, NULL, fixture_setup, test_retry_quota, fixture_teardown);
  g_test_add ("/client/connection-refused", Fixture, NULL, fixture_setup, test_connection_refused, fixture_teardown);
  g_test_add ("/client/timeout", Fixture, NULL, fixture_setup, test_timeout, fixture_teardown);
  g_test_add ("/client/skew-corrected", Fixture, NULL, fixture_setup, test_skew_corrected, fixture_teardown);
  g_test_add ("/client/skew-behind", Fixture, NULL, fixture_setup, test_skew_behind, fixture_teardown);
  g_test_add ("/client/skew-out-of-range", Fixture, NULL, fixture_setup, test_skew_out_of_range, fixture_teardown);
  g_test_add ("/client/skew-gives-up", Fixture, NULL, fixture_setup, test_skew_gives_up, fixture_teardown);
  g_test_add ("/client/cancel-in-request", Fixture, NULL, fixture_setup, test_cancel_in_request, fixture_teardown);
  g_test_add ("/client/cancel-in-backoff", Fixture, NULL, fixture_setup, test_cancel_in_backoff, fixture_teardown);
  g_test_add ("/client/body-bound-length", Fixture, NULL, fixture_setup, test_body_bound_length, fixture_teardown);
  g_test_add ("/client/body-bound-chunked", Fixture, NULL, fixture_setup, test_body_bound_chunked, fixture_teardown);
  g_test_add ("/client/body-at-limit", Fixture, NULL, fixture_setup, test_body_at_limit, fixture_teardown);
  g_test_add ("/client/invalid-url", Fixture, NULL, fixture_setup, test_invalid_url, fixture_teardown);
  g_test_add_func ("/client/tls", test_tls);
  g_test_add_func ("/client/tls-system-store", test_tls_system_store);
  g_test_add_func ("/client/ca-bundle-missing", test_ca_bundle_missing);
  g_test_add_func ("/client/backoff-delay", test_backoff_delay);
  g_test_add_func ("/error/parse-header-first", test_parse_header_first);
  g_test_add_func ("/error/parse-header-stripping", test_parse_header_stripping);
  g_test_add_func ("/error/parse-body", test_parse_body);
  g_test_add_func ("/error/parse-xml", test_parse_xml);
  g_test_add_func ("/error/parse-oauth", test_parse_oauth);
  g_test_add_func ("/error/parse-fallback", test_parse_fallback);
  g_test_add_func ("/error/parse-header-not-utf8", test_parse_header_not_utf8);
  g_test_add_func ("/error/parse-deep-nesting", test_parse_deep_nesting);
  g_test_add_func ("/error/aws-code-other-domain", test_aws_code_other_domain);
  g_test_add_func ("/error/from-code", test_from_code);
  g_test_add_func ("/error/retryable", test_retryable);
  g_test_add_func ("/error/transport-errors", test_transport_errors);

  ret = g_test_run ();

  ws_test_remove_tree (test_home);
  g_free (test_home);

  return ret;
}
