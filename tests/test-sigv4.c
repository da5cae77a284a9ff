/* test-sigv4.c — the SigV4 signer against the official AWS suite, botocore
 * vectors and the MWAA vectors, byte for byte
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "ws-fake-aws.h"
#include "ws-sigv4.h"
#include "ws-test-util.h"

/* The inputs every case of the official suite shares (its README). */
#define SUITE_ACCESS_KEY "AKIDEXAMPLE"
#define SUITE_SECRET     "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define SUITE_REGION     "us-east-1"
#define SUITE_SERVICE    "service"
#define SUITE_DATE       "20150830T123600Z"

/* Counted so that a case lost from the data makes the run fail. */
#define N_V4_CASES      38
#define N_LEGACY_CASES  33
#define N_REMOVED_CASES 1
#define N_BOTOCORE_SIGNED   7
#define N_BOTOCORE_UNSIGNED 5
#define N_EDGE_VECTORS      10

/* The legacy files of these two were computed from an older canonical
 * request (no content-length, "charset=utf8"): their .sts and .authz do
 * not follow from their own .creq. The suite's README says to use the
 * corrected v4/ cases of the same name instead. */
static const char * const legacy_inconsistent[] = {
  "post-x-www-form-urlencoded",
  "post-x-www-form-urlencoded-parameters",
};

typedef struct
{
  char      *method;
  char      *path;
  char      *query;
  GPtrArray *names;
  GPtrArray *values;
  GArray    *headers;
  char      *body;
} RawRequest;

static void
raw_request_free (RawRequest *request)
{
  g_free (request->method);
  g_free (request->path);
  g_free (request->query);
  g_ptr_array_unref (request->names);
  g_ptr_array_unref (request->values);
  g_array_unref (request->headers);
  g_free (request->body);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RawRequest, raw_request_free)

static void
string_free (gpointer data)
{
  g_string_free (data, TRUE);
}

/* Parses the suite's raw HTTP/1.1: the request target may hold a literal
 * space or raw UTF-8 (so the method ends at the first space and the
 * version starts at the last), header lines are `Name:value`, and a line
 * starting with whitespace continues the previous value (obs-fold). */
static RawRequest *
raw_request_parse (const char *text)
{
  g_autoptr(RawRequest) request = g_new0 (RawRequest, 1);
  const char *blank = strstr (text, "\n\n");
  g_autofree char *head = blank ? g_strndup (text, blank - text) : g_strdup (text);
  g_auto(GStrv) lines = g_strsplit (head, "\n", -1);
  const char *line = lines[0];
  const char *first_space = strchr (line, ' ');
  const char *last_space = strrchr (line, ' ');
  g_autofree char *target = NULL;
  char *question;

  g_assert_nonnull (first_space);
  g_assert_true (last_space > first_space);

  request->names = g_ptr_array_new_with_free_func (g_free);
  request->values = g_ptr_array_new_with_free_func (string_free);
  request->headers = g_array_new (FALSE, FALSE, sizeof (WsSigv4Header));
  request->body = g_strdup (blank ? blank + 2 : "");
  request->method = g_strndup (line, first_space - line);
  target = g_strndup (first_space + 1, last_space - first_space - 1);
  question = strchr (target, '?');
  if (question != NULL)
    {
      request->query = g_strdup (question + 1);
      *question = '\0';
    }
  request->path = g_strdup (target);

  for (guint i = 1; lines[i] != NULL; i++)
    {
      const char *colon;

      line = lines[i];
      if (*line == '\0')
        continue;

      if (*line == ' ' || *line == '\t')
        {
          g_assert_cmpuint (request->values->len, >, 0);
          g_string_append_printf (g_ptr_array_index (request->values, request->values->len - 1),
                                  "\n%s", line);
          continue;
        }

      colon = strchr (line, ':');
      g_assert_nonnull (colon);
      g_ptr_array_add (request->names, g_strndup (line, colon - line));
      g_ptr_array_add (request->values, g_string_new (colon + 1));
    }

  for (guint i = 0; i < request->names->len; i++)
    {
      WsSigv4Header header = {
        g_ptr_array_index (request->names, i),
        ((GString *) g_ptr_array_index (request->values, i))->str,
      };

      g_array_append_val (request->headers, header);
    }

  return g_steal_pointer (&request);
}

static const char *
raw_request_get_header (RawRequest *request,
                        const char *name)
{
  for (guint i = 0; i < request->headers->len; i++)
    {
      const WsSigv4Header *header = &g_array_index (request->headers, WsSigv4Header, i);

      if (g_ascii_strcasecmp (header->name, name) == 0)
        return header->value;
    }

  return NULL;
}

static char *
read_file (const char *dir,
           const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);

  return contents;
}

static RawRequest *
read_request (const char *dir,
              const char *name)
{
  g_autofree char *text = read_file (dir, name);

  return raw_request_parse (text);
}

static char *
sha256_of_string (const char *string)
{
  return ws_sigv4_hex_sha256 (string, strlen (string));
}

static void
request_from_raw (WsSigv4Request *request,
                  RawRequest     *raw,
                  char          **payload_hash)
{
  *payload_hash = sha256_of_string (raw->body);
  *request = (WsSigv4Request) {
    raw->method, raw->path, raw->query,
    (const WsSigv4Header *) (gpointer) raw->headers->data, raw->headers->len,
    *payload_hash,
  };
}

static JsonObject *
read_json_object (const char *path,
                  JsonParser *parser)
{
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);

  return json_node_get_object (json_parser_get_root (parser));
}

/* ---- the official suite, v4/ and removed/v4/ ---- */

typedef struct
{
  char         *access_key_id;
  char         *secret_access_key;
  char         *token;
  char         *region;
  char         *service;
  char         *amz_date;
  char         *signed_body_value;
  WsSigv4Flags  flags;
  guint         expires;
} SuiteContext;

static void
suite_context_clear (SuiteContext *context)
{
  g_free (context->access_key_id);
  g_free (context->secret_access_key);
  g_free (context->token);
  g_free (context->region);
  g_free (context->service);
  g_free (context->amz_date);
  g_free (context->signed_body_value);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SuiteContext, suite_context_clear)

static WsSigv4Flags
flag_if (JsonObject   *object,
         const char   *member,
         WsSigv4Flags  flag)
{
  return json_object_get_boolean_member_with_default (object, member, FALSE) ? flag : 0;
}

static void
suite_context_load (SuiteContext *context,
                    const char   *dir)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *path = g_build_filename (dir, "context.json", NULL);
  JsonObject *root = read_json_object (path, parser);
  JsonObject *credentials = json_object_get_object_member (root, "credentials");
  g_autoptr(GDateTime) timestamp = NULL;

  timestamp = g_date_time_new_from_iso8601 (json_object_get_string_member (root, "timestamp"), NULL);
  g_assert_nonnull (timestamp);

  context->access_key_id = g_strdup (json_object_get_string_member (credentials, "access_key_id"));
  context->secret_access_key = g_strdup (json_object_get_string_member (credentials, "secret_access_key"));
  context->token = g_strdup (json_object_get_string_member_with_default (credentials, "token", NULL));
  context->region = g_strdup (json_object_get_string_member (root, "region"));
  context->service = g_strdup (json_object_get_string_member (root, "service"));
  context->amz_date = ws_sigv4_format_date (timestamp);
  context->signed_body_value = g_strdup (json_object_get_string_member_with_default (root, "signed_body_value", NULL));
  context->expires = json_object_get_int_member (root, "expiration_in_seconds");
  /* The suite's service is not S3: its paths are always encoded by the
   * signer (once from raw, which is the suite's "double" encoding). */
  context->flags = WS_SIGV4_DOUBLE_ENCODE_PATH
                 | flag_if (root, "normalize", WS_SIGV4_NORMALIZE_PATH)
                 | flag_if (root, "sign_body", WS_SIGV4_SIGN_BODY)
                 | flag_if (root, "omit_session_token", WS_SIGV4_OMIT_SESSION_TOKEN);
}

static void
assert_file_equals (const char *dir,
                    const char *name,
                    const char *actual)
{
  g_autofree char *expected = read_file (dir, name);

  g_assert_cmpstr (actual, ==, expected);
}

static char *
signed_request_target_query (RawRequest *request)
{
  g_assert_nonnull (request->query);

  return ws_sigv4_canonical_query (request->query);
}

static void
check_v4_variant (const char *dir,
                  gboolean    presign)
{
  const char *prefix = presign ? "query" : "header";
  g_auto(SuiteContext) context = { 0 };
  g_autoptr(RawRequest) raw = read_request (dir, "request.txt");
  g_autofree char *payload_hash = NULL;
  g_autofree char *file = NULL;
  g_autoptr(RawRequest) signed_raw = NULL;
  g_auto(WsSigv4Result) result = { 0 };
  WsSigv4Request request;
  WsSigv4Params params;

  suite_context_load (&context, dir);
  request_from_raw (&request, raw, &payload_hash);
  params = (WsSigv4Params) {
    context.access_key_id, context.secret_access_key, context.token,
    context.region, context.service, context.amz_date,
    context.flags | (presign ? WS_SIGV4_PRESIGN : 0),
    context.signed_body_value, context.expires, NULL,
  };

  ws_sigv4_sign (&request, &params, &result);

  g_clear_pointer (&file, g_free);
  file = g_strconcat (prefix, "-canonical-request.txt", NULL);
  assert_file_equals (dir, file, result.canonical_request);
  g_clear_pointer (&file, g_free);
  file = g_strconcat (prefix, "-string-to-sign.txt", NULL);
  assert_file_equals (dir, file, result.string_to_sign);
  g_clear_pointer (&file, g_free);
  file = g_strconcat (prefix, "-signature.txt", NULL);
  assert_file_equals (dir, file, result.signature);

  /* The signed request shows what goes on the wire. */
  g_clear_pointer (&file, g_free);
  file = g_strconcat (prefix, "-signed-request.txt", NULL);
  signed_raw = read_request (dir, file);
  if (presign)
    {
      g_autofree char *expected = signed_request_target_query (signed_raw);
      g_autofree char *actual = ws_sigv4_canonical_query (result.query);

      g_assert_null (result.authorization);
      g_assert_cmpstr (actual, ==, expected);
    }
  else
    {
      g_assert_null (result.query);
      g_assert_cmpstr (result.authorization, ==, raw_request_get_header (signed_raw, "Authorization"));
      g_assert_cmpstr (raw_request_get_header (signed_raw, "X-Amz-Date"), ==, context.amz_date);
    }
}

static void
test_suite_v4_header (gconstpointer data)
{
  check_v4_variant (data, FALSE);
}

static void
test_suite_v4_query (gconstpointer data)
{
  check_v4_variant (data, TRUE);
}

/* ---- the official suite, legacy/ ---- */

static gboolean
is_legacy_inconsistent (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (legacy_inconsistent); i++)
    {
      if (strcmp (name, legacy_inconsistent[i]) == 0)
        return TRUE;
    }

  return FALSE;
}

static char *
last_line (const char *text)
{
  const char *newline = strrchr (text, '\n');

  return g_strdup (newline ? newline + 1 : text);
}

static void
test_suite_legacy (gconstpointer data)
{
  const char *dir = data;
  g_autofree char *name = g_path_get_basename (dir);
  g_autofree char *req_file = g_strconcat (name, ".req", NULL);
  g_autofree char *creq_file = g_strconcat (name, ".creq", NULL);
  g_autofree char *sts_file = g_strconcat (name, ".sts", NULL);
  g_autofree char *authz_file = g_strconcat (name, ".authz", NULL);
  g_autofree char *sreq_file = g_strconcat (name, ".sreq", NULL);
  g_autoptr(RawRequest) raw = read_request (dir, req_file);
  g_autoptr(RawRequest) signed_raw = read_request (dir, sreq_file);
  g_autofree char *payload_hash = NULL;
  g_auto(WsSigv4Result) result = { 0 };
  WsSigv4Request request;
  WsSigv4Params params = {
    SUITE_ACCESS_KEY, SUITE_SECRET, NULL, SUITE_REGION, SUITE_SERVICE, SUITE_DATE,
    WS_SIGV4_DOUBLE_ENCODE_PATH | WS_SIGV4_NORMALIZE_PATH,
  };

  /* The legacy suite has no context.json. Only post-sts-token/ uses a
   * token, the one its signed requests carry; per its readme.txt,
   * "post-sts-header-after" adds it after signing. */
  params.session_token = raw_request_get_header (signed_raw, "X-Amz-Security-Token");
  if (strcmp (name, "post-sts-header-after") == 0)
    params.flags |= WS_SIGV4_OMIT_SESSION_TOKEN;

  request_from_raw (&request, raw, &payload_hash);
  ws_sigv4_sign (&request, &params, &result);

  assert_file_equals (dir, creq_file, result.canonical_request);

  if (is_legacy_inconsistent (name))
    {
      g_autofree char *creq = read_file (dir, creq_file);
      g_autofree char *sts = read_file (dir, sts_file);
      g_autofree char *creq_hash = sha256_of_string (creq);
      g_autofree char *sts_hash = last_line (sts);
      g_autofree char *our_hash = last_line (result.string_to_sign);
      g_autofree char *v4_dir = g_test_build_filename (G_TEST_DIST, "data", "sigv4-testsuite", "v4", name, NULL);

      /* The data defect itself: if the files get fixed, this fails and
       * the case should be checked like the others. */
      g_assert_cmpstr (sts_hash, !=, creq_hash);
      /* Our string to sign does follow from the (matching) .creq… */
      g_assert_cmpstr (our_hash, ==, creq_hash);
      /* …and the corrected case is checked by the v4/ tests. */
      g_assert_true (g_file_test (v4_dir, G_FILE_TEST_IS_DIR));
      g_test_message ("legacy %s: .sts/.authz inconsistent with .creq (suite README); "
                      "canonical request checked here, signature via v4/%s", name, name);
      return;
    }

  assert_file_equals (dir, sts_file, result.string_to_sign);
  /* .authz, not the Authorization line of .sreq: the .sreq of
   * get-vanilla-with-session-token carries get-vanilla's signature
   * (another defect of the legacy files; its .creq, .sts and .authz agree
   * with each other and with v4/get-vanilla-with-session-token). */
  assert_file_equals (dir, authz_file, result.authorization);
}

/* ---- enumeration ---- */

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static GPtrArray *
list_subdirs (const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) handle = g_dir_open (dir, 0, &error);
  GPtrArray *subdirs = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_no_error (error);

  while ((name = g_dir_read_name (handle)) != NULL)
    {
      char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        g_ptr_array_add (subdirs, path);
      else
        g_free (path);
    }

  g_ptr_array_sort (subdirs, compare_paths);

  return subdirs;
}

/* A legacy case is a folder holding `<folder>.req`; other folders
 * (normalize-path/, post-sts-token/) group cases. */
static void
collect_legacy_cases (const char *dir,
                      GPtrArray  *cases)
{
  g_autoptr(GPtrArray) subdirs = list_subdirs (dir);

  for (guint i = 0; i < subdirs->len; i++)
    {
      const char *subdir = g_ptr_array_index (subdirs, i);
      g_autofree char *name = g_path_get_basename (subdir);
      g_autofree char *req = g_strconcat (subdir, G_DIR_SEPARATOR_S, name, ".req", NULL);

      if (g_file_test (req, G_FILE_TEST_EXISTS))
        g_ptr_array_add (cases, g_strdup (subdir));
      else
        collect_legacy_cases (subdir, cases);
    }
}

static char *
suite_dir (const char *first,
           ...)
{
  g_autofree char *root = g_test_build_filename (G_TEST_DIST, "data", "sigv4-testsuite", NULL);
  GString *path = g_string_new (root);
  va_list args;

  va_start (args, first);
  for (const char *part = first; part != NULL; part = va_arg (args, const char *))
    g_string_append_printf (path, G_DIR_SEPARATOR_S "%s", part);
  va_end (args);

  return g_string_free (path, FALSE);
}

static guint n_v4_cases;
static guint n_legacy_cases;
static guint n_removed_cases;

static guint
add_v4_cases (const char *dir,
              const char *test_prefix)
{
  g_autoptr(GPtrArray) cases = list_subdirs (dir);

  for (guint i = 0; i < cases->len; i++)
    {
      const char *path = g_ptr_array_index (cases, i);
      g_autofree char *name = g_path_get_basename (path);
      g_autofree char *header_test = g_strdup_printf ("%s/%s/header", test_prefix, name);
      g_autofree char *query_test = g_strdup_printf ("%s/%s/query", test_prefix, name);

      g_test_add_data_func_full (header_test, g_strdup (path), test_suite_v4_header, g_free);
      g_test_add_data_func_full (query_test, g_strdup (path), test_suite_v4_query, g_free);
    }

  return cases->len;
}

static void
add_suite_cases (void)
{
  g_autofree char *v4 = suite_dir ("v4", NULL);
  g_autofree char *removed = suite_dir ("removed", "v4", NULL);
  g_autofree char *legacy = suite_dir ("legacy", "aws-sig-v4-test-suite", NULL);
  g_autofree char *legacy_prefix = g_strconcat (legacy, G_DIR_SEPARATOR_S, NULL);
  g_autoptr(GPtrArray) legacy_cases = g_ptr_array_new_with_free_func (g_free);

  n_v4_cases = add_v4_cases (v4, "/sigv4/suite/v4");
  n_removed_cases = add_v4_cases (removed, "/sigv4/suite/removed");

  collect_legacy_cases (legacy, legacy_cases);
  n_legacy_cases = legacy_cases->len;
  for (guint i = 0; i < legacy_cases->len; i++)
    {
      const char *path = g_ptr_array_index (legacy_cases, i);
      g_autofree char *test = g_strconcat ("/sigv4/suite/legacy/", path + strlen (legacy_prefix), NULL);

      g_test_add_data_func_full (test, g_strdup (path), test_suite_legacy, g_free);
    }
}

static void
test_suite_counts (void)
{
  g_test_message ("official suite: %u v4 cases (x2 variants), %u removed (x2), %u legacy",
                  n_v4_cases, n_removed_cases, n_legacy_cases);
  g_assert_cmpuint (n_v4_cases, ==, N_V4_CASES);
  g_assert_cmpuint (n_removed_cases, ==, N_REMOVED_CASES);
  g_assert_cmpuint (n_legacy_cases, ==, N_LEGACY_CASES);
}

/* ---- botocore vectors ---- */

static const char *
find_pair (JsonArray  *pairs,
           const char *name)
{
  for (guint i = 0; i < json_array_get_length (pairs); i++)
    {
      JsonArray *pair = json_array_get_array_element (pairs, i);

      if (g_ascii_strcasecmp (json_array_get_string_element (pair, 0), name) == 0)
        return json_array_get_string_element (pair, 1);
    }

  return NULL;
}

static const char *
vector_session_token (JsonObject *vector)
{
  JsonObject *credentials = json_object_get_object_member (vector, "credentials");

  return json_object_get_string_member_with_default (credentials, "session_token", NULL);
}

static const char *
vector_signing_name (JsonObject *vector)
{
  if (json_object_has_member (vector, "signing_name"))
    return json_object_get_string_member (vector, "signing_name");

  return json_object_get_string_member (vector, "service");
}

/* The headers a vector signs besides the ones the signer writes: the
 * listed "headers" (edge vectors), or for botocore's wire requests the
 * sent headers named in "signed_headers". Host always comes from the URL. */
static GArray *
vector_headers (JsonObject *vector,
                const char *host)
{
  GArray *headers = g_array_new (FALSE, FALSE, sizeof (WsSigv4Header));
  WsSigv4Header header = { "host", host };

  g_array_append_val (headers, header);

  if (json_object_has_member (vector, "headers"))
    {
      JsonArray *pairs = json_object_get_array_member (vector, "headers");

      for (guint i = 0; i < json_array_get_length (pairs); i++)
        {
          JsonArray *pair = json_array_get_array_element (pairs, i);

          header = (WsSigv4Header) { json_array_get_string_element (pair, 0),
                                     json_array_get_string_element (pair, 1) };
          g_array_append_val (headers, header);
        }
    }
  else
    {
      JsonArray *names = json_object_get_array_member (vector, "signed_headers");
      JsonArray *sent = json_object_get_array_member (vector, "headers_sent");

      for (guint i = 0; i < json_array_get_length (names); i++)
        {
          const char *name = json_array_get_string_element (names, i);

          if (strcmp (name, "host") == 0 || g_str_has_prefix (name, "x-amz-"))
            continue;
          header = (WsSigv4Header) { name, find_pair (sent, name) };
          g_assert_nonnull (header.value);
          g_array_append_val (headers, header);
        }
    }

  return headers;
}

static void
check_vector (JsonObject *vector)
{
  const char *url = json_object_get_string_member (vector, "url");
  const char *body = json_object_get_string_member (vector, "body");
  JsonObject *credentials = json_object_get_object_member (vector, "credentials");
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, &error);
  g_autofree char *host = NULL;
  g_autofree char *payload_hash = sha256_of_string (body);
  g_autoptr(GArray) headers = NULL;
  g_auto(WsSigv4Result) result = { 0 };
  WsSigv4Request request;
  WsSigv4Params params;

  g_assert_no_error (error);
  host = ws_sigv4_host_header (uri);
  headers = vector_headers (vector, host);

  request = (WsSigv4Request) {
    json_object_get_string_member (vector, "method"),
    g_uri_get_path (uri), g_uri_get_query (uri),
    (const WsSigv4Header *) (gpointer) headers->data, headers->len,
    payload_hash,
  };
  /* botocore always normalizes and double-encodes for these services. */
  params = (WsSigv4Params) {
    json_object_get_string_member (credentials, "access_key_id"),
    json_object_get_string_member (credentials, "secret_access_key"),
    vector_session_token (vector),
    json_object_get_string_member (vector, "region"),
    vector_signing_name (vector),
    json_object_get_string_member (vector, "timestamp"),
    WS_SIGV4_NORMALIZE_PATH | WS_SIGV4_DOUBLE_ENCODE_PATH,
  };

  ws_sigv4_sign (&request, &params, &result);

  g_assert_cmpstr (result.canonical_request, ==, json_object_get_string_member (vector, "expected_canonical_request"));
  g_assert_cmpstr (result.string_to_sign, ==, json_object_get_string_member (vector, "expected_string_to_sign"));
  g_assert_cmpstr (result.authorization, ==, json_object_get_string_member (vector, "expected_authorization"));
}

static JsonArray *
load_vectors (const char *file,
              JsonParser *parser)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "sigv4-vectors", file, NULL);
  JsonObject *root = read_json_object (path, parser);

  return json_object_get_array_member (root, "vectors");
}

static void
test_botocore_vectors (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *vectors = load_vectors ("botocore-vectors.json", parser);
  guint n_signed = 0;
  guint n_unsigned = 0;

  for (guint i = 0; i < json_array_get_length (vectors); i++)
    {
      JsonObject *vector = json_array_get_object_element (vectors, i);

      /* The SSO portal and OIDC are not SigV4-signed at all: there is
       * nothing to compare, so they are counted apart, not as passes. */
      if (!json_object_get_boolean_member (vector, "signed"))
        {
          g_assert_null (find_pair (json_object_get_array_member (vector, "headers_sent"), "Authorization"));
          n_unsigned++;
          continue;
        }

      g_test_message ("botocore: %s", json_object_get_string_member (vector, "description"));
      check_vector (vector);
      n_signed++;
    }

  g_test_message ("botocore vectors: %u signed checked, %u unsigned (no SigV4)", n_signed, n_unsigned);
  g_assert_cmpuint (n_signed, ==, N_BOTOCORE_SIGNED);
  g_assert_cmpuint (n_unsigned, ==, N_BOTOCORE_UNSIGNED);
}

static void
test_edge_vectors (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *vectors = load_vectors ("edge-vectors.json", parser);

  for (guint i = 0; i < json_array_get_length (vectors); i++)
    {
      JsonObject *vector = json_array_get_object_element (vectors, i);

      g_test_message ("edge: %s", json_object_get_string_member (vector, "description"));
      check_vector (vector);
    }

  g_test_message ("edge vectors: %u checked", json_array_get_length (vectors));
  g_assert_cmpuint (json_array_get_length (vectors), ==, N_EDGE_VECTORS);
}

/* ---- ws_sigv4_sign_message() on real SoupMessages ---- */

static gboolean
signed_by_sign_message (const char *authorization)
{
  static const char * const names[] = { "content-type", "host", "x-amz-date", "x-amz-security-token", NULL };
  const char *start = strstr (authorization, "SignedHeaders=");
  const char *end = start ? strchr (start, ',') : NULL;
  g_autofree char *list = NULL;
  g_auto(GStrv) signed_names = NULL;

  g_assert_nonnull (end);
  start += strlen ("SignedHeaders=");
  list = g_strndup (start, end - start);
  signed_names = g_strsplit (list, ";", -1);

  for (guint i = 0; signed_names[i] != NULL; i++)
    {
      if (!g_strv_contains (names, signed_names[i]))
        return FALSE;
    }

  return TRUE;
}

/* The host the oracle signed, from its canonical request. */
static char *
canonical_request_host (const char *canonical_request)
{
  const char *start = strstr (canonical_request, "\nhost:");

  g_assert_nonnull (start);
  start += strlen ("\nhost:");

  return g_strndup (start, strcspn (start, "\n"));
}

/* Builds the message as a client would (every sent header that the signer
 * does not write, signed or not), signs it, and checks the result. */
static void
check_sign_message (JsonObject *vector)
{
  JsonObject *credentials = json_object_get_object_member (vector, "credentials");
  JsonArray *sent = json_object_has_member (vector, "headers_sent")
                  ? json_object_get_array_member (vector, "headers_sent")
                  : json_object_get_array_member (vector, "headers");
  const char *body = json_object_get_string_member (vector, "body");
  const char *token = vector_session_token (vector);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(WsCredentials) creds = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *expected_host = NULL;
  SoupMessageHeaders *headers;

  msg = soup_message_new (json_object_get_string_member (vector, "method"),
                          json_object_get_string_member (vector, "url"));
  g_assert_nonnull (msg);
  headers = soup_message_get_request_headers (msg);

  for (guint i = 0; i < json_array_get_length (sent); i++)
    {
      JsonArray *pair = json_array_get_array_element (sent, i);
      const char *name = json_array_get_string_element (pair, 0);

      if (g_ascii_strcasecmp (name, "host") == 0 ||
          g_ascii_strcasecmp (name, "X-Amz-Date") == 0 ||
          g_ascii_strcasecmp (name, "X-Amz-Security-Token") == 0 ||
          g_ascii_strcasecmp (name, "Authorization") == 0)
        continue;
      soup_message_headers_append (headers, name, json_array_get_string_element (pair, 1));
    }

  if (*body != '\0')
    bytes = g_bytes_new (body, strlen (body));
  creds = ws_credentials_new (json_object_get_string_member (credentials, "access_key_id"),
                              json_object_get_string_member (credentials, "secret_access_key"),
                              token, NULL, "test");
  now = g_date_time_new_from_iso8601 (json_object_get_string_member (vector, "timestamp"), NULL);
  g_assert_nonnull (now);

  ws_sigv4_sign_message (msg, bytes, creds,
                         json_object_get_string_member (vector, "region"),
                         vector_signing_name (vector), now);

  expected_host = canonical_request_host (json_object_get_string_member (vector, "expected_canonical_request"));
  g_assert_cmpstr (soup_message_headers_get_one (headers, "Host"), ==, expected_host);
  g_assert_cmpstr (soup_message_headers_get_one (headers, "X-Amz-Date"), ==,
                   json_object_get_string_member (vector, "timestamp"));
  g_assert_cmpstr (soup_message_headers_get_one (headers, "X-Amz-Security-Token"), ==, token);
  g_assert_cmpstr (soup_message_headers_get_one (headers, "Authorization"), ==,
                   json_object_get_string_member (vector, "expected_authorization"));
}

static void
test_sign_message_vectors (void)
{
  const char * const files[] = { "botocore-vectors.json", "edge-vectors.json" };
  guint n_checked = 0;

  for (guint f = 0; f < G_N_ELEMENTS (files); f++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonArray *vectors = load_vectors (files[f], parser);

      for (guint i = 0; i < json_array_get_length (vectors); i++)
        {
          JsonObject *vector = json_array_get_object_element (vectors, i);
          const char *authorization;

          if (!json_object_has_member (vector, "expected_authorization"))
            continue;

          /* ws_sigv4_sign_message() signs only what libsoup sends as is;
           * vectors that sign other headers are for the pure signer. */
          authorization = json_object_get_string_member (vector, "expected_authorization");
          if (!signed_by_sign_message (authorization))
            continue;

          g_test_message ("sign_message: %s", json_object_get_string_member (vector, "description"));
          check_sign_message (vector);
          n_checked++;
        }
    }

  /* 7 botocore + 8 edge vectors (the two custom-header ones excluded). */
  g_test_message ("sign_message: %u vectors checked", n_checked);
  g_assert_cmpuint (n_checked, ==, 15);
}

/* A message signed twice (a retry) keeps one of each header, re-signed. */
static void
test_sign_message_resign (void)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", "http://127.0.0.1:8080/webtoken/MyEnv");
  g_autoptr(WsCredentials) with_token = ws_credentials_new ("AKIDEXAMPLE", SUITE_SECRET, "TOKEN", NULL, "test");
  g_autoptr(WsCredentials) without_token = ws_credentials_new ("AKIDEXAMPLE", SUITE_SECRET, NULL, NULL, "test");
  g_autoptr(GDateTime) first = g_date_time_new_utc (2025, 1, 1, 0, 0, 0);
  g_autoptr(GDateTime) second = g_date_time_new_utc (2025, 1, 1, 0, 5, 0);
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);
  g_autofree char *first_authorization = NULL;

  soup_message_headers_append (headers, "User-Agent", "windsock-test");
  ws_sigv4_sign_message (msg, NULL, with_token, "us-east-1", "airflow", first);
  g_assert_cmpstr (soup_message_headers_get_one (headers, "Host"), ==, "127.0.0.1:8080");
  g_assert_cmpstr (soup_message_headers_get_one (headers, "X-Amz-Security-Token"), ==, "TOKEN");
  g_assert_nonnull (strstr (soup_message_headers_get_one (headers, "Authorization"),
                            "SignedHeaders=host;x-amz-date;x-amz-security-token,"));
  first_authorization = g_strdup (soup_message_headers_get_one (headers, "Authorization"));

  ws_sigv4_sign_message (msg, NULL, without_token, "us-east-1", "airflow", second);
  g_assert_cmpstr (soup_message_headers_get_list (headers, "X-Amz-Date"), ==, "20250101T000500Z");
  g_assert_null (soup_message_headers_get_one (headers, "X-Amz-Security-Token"));
  g_assert_cmpstr (soup_message_headers_get_list (headers, "Host"), ==, "127.0.0.1:8080");
  g_assert_nonnull (strstr (soup_message_headers_get_list (headers, "Authorization"),
                            "SignedHeaders=host;x-amz-date,"));
  g_assert_cmpstr (soup_message_headers_get_one (headers, "Authorization"), !=, first_authorization);
}

/* The key cache must never hand out a key for other inputs: the same
 * access key id with another secret (a rotated or wrong key), another
 * region, another day. Each signature is checked against the pure signer,
 * which derives its key afresh. */
static void
test_sign_message_key_cache (void)
{
  static const struct { const char *secret; const char *region; int day; } steps[] = {
    { SUITE_SECRET, "us-east-1", 1 },
    { "another/secret+KEY", "us-east-1", 1 },
    { SUITE_SECRET, "eu-west-1", 1 },
    { SUITE_SECRET, "us-east-1", 2 },
    { SUITE_SECRET, "us-east-1", 1 },
    { "another/secret+KEY", "us-east-1", 1 },
  };

  for (guint round = 0; round < 2; round++)
    {
      for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
        {
          g_autoptr(SoupMessage) msg = soup_message_new ("POST", "https://env.airflow.us-east-1.amazonaws.com/webtoken/MyEnv");
          g_autoptr(WsCredentials) creds = ws_credentials_new ("AKIDEXAMPLE", steps[i].secret, NULL, NULL, "test");
          g_autoptr(GDateTime) now = g_date_time_new_utc (2025, 1, steps[i].day, 12, 0, 0);
          g_autofree char *amz_date = ws_sigv4_format_date (now);
          WsSigv4Header headers[] = { { "host", "env.airflow.us-east-1.amazonaws.com" } };
          WsSigv4Request request = { "POST", "/webtoken/MyEnv", NULL, headers, 1, NULL };
          WsSigv4Params params = {
            "AKIDEXAMPLE", steps[i].secret, NULL, steps[i].region, "airflow", amz_date,
            WS_SIGV4_DOUBLE_ENCODE_PATH,
          };
          g_auto(WsSigv4Result) expected = { 0 };

          ws_sigv4_sign (&request, &params, &expected);
          ws_sigv4_sign_message (msg, NULL, creds, steps[i].region, "airflow", now);
          g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_request_headers (msg), "Authorization"),
                           ==, expected.authorization);
        }

      /* Second round: the same after wiping the cache. */
      ws_sigv4_clear_key_cache ();
    }
}

/* ---- end to end, against the fake's own SigV4 check on loopback ---- */

static void
send_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GBytes **response = user_data;
  g_autoptr(GError) error = NULL;

  *response = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_assert_no_error (error);
}

/* Signs @msg now, sends it and returns the status. */
static guint
send_signed (SoupSession   *session,
             SoupMessage   *msg,
             WsCredentials *credentials)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GBytes) response = NULL;

  ws_sigv4_sign_message (msg, NULL, credentials, "us-east-1", "airflow", now);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, send_cb, &response);
  while (response == NULL)
    g_main_context_iteration (NULL, TRUE);

  return soup_message_get_status (msg);
}

static void
test_sign_message_fake (void)
{
  g_autoptr(WsFakeAws) fake = ws_fake_aws_new ();
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(WsCredentials) plain = ws_credentials_new ("AKIDPLAIN", SUITE_SECRET, NULL, NULL, "test");
  g_autoptr(WsCredentials) temporary = ws_credentials_new ("AKIDTEMP", SUITE_SECRET, "TOKEN/with+slash=", NULL, "test");
  g_autoptr(WsCredentials) wrong = ws_credentials_new ("AKIDPLAIN", "not-the-secret", NULL, NULL, "test");
  g_autofree char *webtoken = g_strconcat (ws_fake_aws_get_url (fake), "/webtoken/MyEnv", NULL);
  g_autofree char *list = g_strconcat (ws_fake_aws_get_url (fake), "/environments?MaxResults=5", NULL);
  g_autofree char *host = NULL;
  g_autoptr(SoupMessage) msg = NULL;

  ws_fake_aws_add_credentials (fake, "AKIDPLAIN", SUITE_SECRET, NULL);
  ws_fake_aws_add_credentials (fake, "AKIDTEMP", SUITE_SECRET, "TOKEN/with+slash=");
  ws_fake_aws_add_environment (fake, "us-east-1", "MyEnv", "AVAILABLE", "2.10.1");

  msg = soup_message_new ("POST", webtoken);
  g_assert_cmpuint (send_signed (session, msg, plain), ==, SOUP_STATUS_OK);
  /* What went on the wire: the Host we signed, with the fake's port. */
  host = ws_fake_aws_get_last_header (fake, "/webtoken/", "Host");
  g_assert_cmpstr (host, ==, ws_fake_aws_get_url (fake) + strlen ("http://"));
  g_clear_object (&msg);

  msg = soup_message_new ("POST", webtoken);
  g_assert_cmpuint (send_signed (session, msg, temporary), ==, SOUP_STATUS_OK);
  g_clear_object (&msg);

  msg = soup_message_new ("GET", list);
  g_assert_cmpuint (send_signed (session, msg, plain), ==, SOUP_STATUS_OK);
  g_clear_object (&msg);

  msg = soup_message_new ("POST", webtoken);
  g_assert_cmpuint (send_signed (session, msg, wrong), ==, SOUP_STATUS_FORBIDDEN);
  g_assert_true (g_str_has_prefix (soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                                 "x-amzn-ErrorType"),
                                   "InvalidSignatureException:"));

  /* Let the server see the connections close before it goes away. */
  soup_session_abort (session);
  g_clear_object (&session);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&fake);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* ---- the MWAA vectors of mwaa-api.md §6.1 ---- */

typedef struct
{
  const char *method;
  const char *url;
  const char *token;
  const char *canonical_request_sha256;
  const char *signature;
} MwaaVector;

static const MwaaVector mwaa_vectors[] = {
  { "POST", "https://env.airflow.us-east-1.amazonaws.com/webtoken/MyEnv", NULL,
    "2d36b05d6f4ceabe6d27329f89f09389072876cc9a7e7dc9615e4ad39dec3324",
    "d82ce07efdaca426735758419c99fe58a56269750ddcf0e60fc4bc81122aecbd" },
  { "POST", "https://env.airflow.us-east-1.amazonaws.com/webtoken/MyEnv", "FQoGZXIvYXdzEXAMPLESESSIONTOKEN",
    "38637dc2202ba082ee23537e50bd23a4215bcb9030048247e401f32663562ee2",
    "65bd909ab1bacacc9caa63ea71ca6fdba44eb0d670b2ae1fe0536f09d9e79780" },
  { "GET", "https://api.airflow.us-east-1.amazonaws.com/environments?NextToken=abc%2Fdef&MaxResults=5", NULL,
    "4dffaf59b4ed4233fd6cd8a2b2dd2d19f6cc73d26b65a8bbd72371a947453988",
    "ebc7b96c05483be3394c15a84ddd5d787f63489215a11c52ba7724b81470cccb" },
  { "GET", "https://api.airflow.us-east-1.amazonaws.com/environments/MyEnv", NULL,
    "f1a228ab2dffc4129a23d0c7a500e7b394cdef21dea04726b7855cce208d23d7",
    "55366723188ce42a2c89c3ef94897fda846ae28ed43e708560951622fd59d963" },
};

static const char mwaa_first_canonical_request[] =
  "POST\n"
  "/webtoken/MyEnv\n"
  "\n"
  "host:env.airflow.us-east-1.amazonaws.com\n"
  "x-amz-date:20250101T000000Z\n"
  "\n"
  "host;x-amz-date\n"
  WS_SIGV4_EMPTY_SHA256;

static void
test_mwaa_vectors (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_utc (2025, 1, 1, 0, 0, 0);

  for (guint i = 0; i < G_N_ELEMENTS (mwaa_vectors); i++)
    {
      const MwaaVector *vector = &mwaa_vectors[i];
      g_autoptr(SoupMessage) msg = soup_message_new (vector->method, vector->url);
      g_autoptr(WsCredentials) creds = ws_credentials_new ("AKIDEXAMPLE", SUITE_SECRET, vector->token, NULL, "test");
      GUri *uri = soup_message_get_uri (msg);
      g_autofree char *host = ws_sigv4_host_header (uri);
      WsSigv4Header headers[] = { { "host", host } };
      WsSigv4Request request = {
        vector->method, g_uri_get_path (uri), g_uri_get_query (uri), headers, 1, NULL,
      };
      WsSigv4Params params = {
        "AKIDEXAMPLE", SUITE_SECRET, vector->token, "us-east-1", "airflow", "20250101T000000Z",
        WS_SIGV4_DOUBLE_ENCODE_PATH,
      };
      g_auto(WsSigv4Result) result = { 0 };
      g_autofree char *hash = NULL;
      g_autofree char *signature_field = g_strconcat ("Signature=", vector->signature, NULL);

      ws_sigv4_sign (&request, &params, &result);
      hash = sha256_of_string (result.canonical_request);
      g_assert_cmpstr (hash, ==, vector->canonical_request_sha256);
      g_assert_cmpstr (result.signature, ==, vector->signature);
      if (i == 0)
        g_assert_cmpstr (result.canonical_request, ==, mwaa_first_canonical_request);

      ws_sigv4_sign_message (msg, NULL, creds, "us-east-1", "airflow", now);
      g_assert_true (g_str_has_suffix (soup_message_headers_get_one (soup_message_get_request_headers (msg),
                                                                     "Authorization"),
                                       signature_field));
    }

  g_test_message ("MWAA vectors: %u checked", (guint) G_N_ELEMENTS (mwaa_vectors));
}

/* ---- the pure helpers ---- */

static void
test_derive_signing_key (void)
{
  guint8 key[WS_SIGV4_KEY_LENGTH];
  char hex[2 * WS_SIGV4_KEY_LENGTH + 1];

  /* The AWS documentation's key-derivation example (iam, 20120215). */
  ws_sigv4_derive_signing_key (SUITE_SECRET, "20120215", "us-east-1", "iam", key);
  ws_sigv4_hex_encode (key, sizeof key, hex);
  g_assert_cmpstr (hex, ==, "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");

  /* Only the date part of an X-Amz-Date is used. */
  ws_sigv4_derive_signing_key (SUITE_SECRET, "20120215T000000Z", "us-east-1", "iam", key);
  ws_sigv4_hex_encode (key, sizeof key, hex);
  g_assert_cmpstr (hex, ==, "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

/* A cached signing key gives the same signature as deriving it. */
static void
test_cached_signing_key (void)
{
  WsSigv4Header headers[] = { { "host", "example.amazonaws.com" } };
  WsSigv4Request request = { "GET", "/", NULL, headers, 1, NULL };
  WsSigv4Params params = {
    SUITE_ACCESS_KEY, SUITE_SECRET, NULL, SUITE_REGION, SUITE_SERVICE, SUITE_DATE,
    WS_SIGV4_DOUBLE_ENCODE_PATH,
  };
  g_auto(WsSigv4Result) derived = { 0 };
  g_auto(WsSigv4Result) cached = { 0 };
  guint8 key[WS_SIGV4_KEY_LENGTH];

  ws_sigv4_sign (&request, &params, &derived);
  /* get-vanilla of the suite */
  g_assert_cmpstr (derived.signature, ==, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");

  ws_sigv4_derive_signing_key (SUITE_SECRET, SUITE_DATE, SUITE_REGION, SUITE_SERVICE, key);
  params.secret_access_key = NULL;
  params.signing_key = key;
  ws_sigv4_sign (&request, &params, &cached);
  g_assert_cmpstr (cached.signature, ==, derived.signature);
  g_assert_cmpstr (cached.authorization, ==, derived.authorization);
}

static void
test_normalize_path (void)
{
  static const struct { const char *in; const char *out; } cases[] = {
    { "", "/" },
    { "/", "/" },
    { "//", "/" },
    { "/example/..", "/" },
    { "/example1/example2/../..", "/" },
    { "/./example", "/example" },
    { "//example//", "/example/" },
    { "/a/b/../c", "/a/c" },
    { "/a/./b/", "/a/b/" },
    { "/../a", "/a" },
    { "/a%2E/..", "/" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = ws_sigv4_normalize_path (cases[i].in);

      g_assert_cmpstr (out, ==, cases[i].out);
    }
}

static void
test_canonical_uri (void)
{
  static const struct { const char *in; WsSigv4Flags flags; const char *out; } cases[] = {
    { "", WS_SIGV4_DOUBLE_ENCODE_PATH, "/" },
    { NULL, WS_SIGV4_FLAGS_NONE, "/" },
    { "/caf%C3%A9", WS_SIGV4_DOUBLE_ENCODE_PATH, "/caf%25C3%25A9" },
    /* S3 style: the wire path as it is */
    { "/caf%C3%A9", WS_SIGV4_FLAGS_NONE, "/caf%C3%A9" },
    { "/a b/~-._", WS_SIGV4_DOUBLE_ENCODE_PATH, "/a%20b/~-._" },
    { "//a//", WS_SIGV4_DOUBLE_ENCODE_PATH, "//a//" },
    { "//a//", WS_SIGV4_DOUBLE_ENCODE_PATH | WS_SIGV4_NORMALIZE_PATH, "/a/" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = ws_sigv4_canonical_uri (cases[i].in, cases[i].flags);

      g_assert_cmpstr (out, ==, cases[i].out);
    }
}

static void
test_uri_encode (void)
{
  static const struct { const char *in; gboolean keep_slash; const char *out; } cases[] = {
    { "a b/c~d+", FALSE, "a%20b%2Fc~d%2B" },
    { "a b/c~d+", TRUE, "a%20b/c~d%2B" },
    { "ሴ", FALSE, "%E1%88%B4" },
    { "%41", FALSE, "%2541" },
    { "AZaz09-._~", FALSE, "AZaz09-._~" },
    { "=&;:?#[]@!$'()*,", FALSE, "%3D%26%3B%3A%3F%23%5B%5D%40%21%24%27%28%29%2A%2C" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = ws_sigv4_uri_encode (cases[i].in, cases[i].keep_slash);

      g_assert_cmpstr (out, ==, cases[i].out);
    }
}

static void
test_canonical_query (void)
{
  static const struct { const char *in; const char *out; } cases[] = {
    { NULL, "" },
    { "", "" },
    { "b&a=", "a=&b=" },
    { "k=b&k=a&K=c&k=A", "K=c&k=A&k=a&k=b" },
    { "Param-3=Value3&Param=Value2&%E1%88%B4=Value1", "%E1%88%B4=Value1&Param=Value2&Param-3=Value3" },
    /* raw bytes and other spellings of the same value come out canonical */
    { "ሴ=1", "%E1%88%B4=1" },
    { "x=%7e%7E~&y=a%2fb", "x=~~~&y=a%2Fb" },
    { "k=a b+c/d=e", "k=a%20b%2Bc%2Fd%3De" },
    { "bad=%zz%4", "bad=%25zz%254" },
    { "a=1&&b=2", "a=1&b=2" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = ws_sigv4_canonical_query (cases[i].in);

      g_assert_cmpstr (out, ==, cases[i].out);
    }
}

static void
test_host_header (void)
{
  static const struct { const char *url; const char *host; } cases[] = {
    { "https://env.airflow.us-east-1.amazonaws.com/x", "env.airflow.us-east-1.amazonaws.com" },
    { "https://Example.COM:443/", "example.com" },
    { "https://example.com:8443/", "example.com:8443" },
    { "http://127.0.0.1:80/", "127.0.0.1" },
    { "http://127.0.0.1:443/", "127.0.0.1:443" },
    { "http://[::1]:8080/", "[::1]:8080" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GUri) uri = g_uri_parse (cases[i].url, SOUP_HTTP_URI_FLAGS, NULL);
      g_autofree char *host = ws_sigv4_host_header (uri);

      g_assert_cmpstr (host, ==, cases[i].host);
    }
}

static void
test_format_date (void)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_offset (2 * 3600);
  g_autoptr(GDateTime) local = g_date_time_new (zone, 2015, 8, 30, 14, 36, 0.75);
  g_autofree char *date = ws_sigv4_format_date (local);

  /* UTC, no fraction */
  g_assert_cmpstr (date, ==, SUITE_DATE);
}

static void
test_hex (void)
{
  const guint8 bytes[] = { 0x00, 0x0f, 0xa5, 0xff };
  char hex[2 * sizeof bytes + 1];
  g_autofree char *empty = ws_sigv4_hex_sha256 ("", 0);

  ws_sigv4_hex_encode (bytes, sizeof bytes, hex);
  g_assert_cmpstr (hex, ==, "000fa5ff");
  g_assert_cmpstr (empty, ==, WS_SIGV4_EMPTY_SHA256);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  home = ws_test_isolate ("test-sigv4");

  g_test_add_func ("/sigv4/helpers/derive-signing-key", test_derive_signing_key);
  g_test_add_func ("/sigv4/helpers/cached-signing-key", test_cached_signing_key);
  g_test_add_func ("/sigv4/helpers/normalize-path", test_normalize_path);
  g_test_add_func ("/sigv4/helpers/canonical-uri", test_canonical_uri);
  g_test_add_func ("/sigv4/helpers/uri-encode", test_uri_encode);
  g_test_add_func ("/sigv4/helpers/canonical-query", test_canonical_query);
  g_test_add_func ("/sigv4/helpers/host-header", test_host_header);
  g_test_add_func ("/sigv4/helpers/format-date", test_format_date);
  g_test_add_func ("/sigv4/helpers/hex", test_hex);
  g_test_add_func ("/sigv4/suite/counts", test_suite_counts);
  add_suite_cases ();
  g_test_add_func ("/sigv4/vectors/mwaa", test_mwaa_vectors);
  g_test_add_func ("/sigv4/vectors/botocore", test_botocore_vectors);
  g_test_add_func ("/sigv4/vectors/edge", test_edge_vectors);
  g_test_add_func ("/sigv4/sign-message/vectors", test_sign_message_vectors);
  g_test_add_func ("/sigv4/sign-message/resign", test_sign_message_resign);
  g_test_add_func ("/sigv4/sign-message/key-cache", test_sign_message_key_cache);
  g_test_add_func ("/sigv4/sign-message/fake-aws", test_sign_message_fake);

  ret = g_test_run ();
  ws_test_remove_tree (home);

  return ret;
}
