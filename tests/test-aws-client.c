/* test-aws-client.c — the fake's SigV4 oracle, the client against the fake,
 * and the pure error parsing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "ws-fake-aws.h"

static char *test_home;

/* No developer's AWS set-up and no proxy may leak into the tests. */
static void
isolate_environment (void)
{
  g_auto(GStrv) environ = g_get_environ ();
  const char * const proxies[] = { "http_proxy", "https_proxy", "all_proxy", "no_proxy",
                                   "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY" };
  g_autoptr(GError) error = NULL;

  for (guint i = 0; environ[i] != NULL; i++)
    {
      if (g_str_has_prefix (environ[i], "AWS_"))
        {
          g_autofree char *name = g_strndup (environ[i], strcspn (environ[i], "="));

          g_unsetenv (name);
        }
    }
  for (guint i = 0; i < G_N_ELEMENTS (proxies); i++)
    g_unsetenv (proxies[i]);

  test_home = g_dir_make_tmp ("test-aws-client-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("HOME", test_home, TRUE);
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

  ret = g_test_run ();

  g_rmdir (test_home);
  g_free (test_home);

  return ret;
}
