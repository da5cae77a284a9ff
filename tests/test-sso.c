/* test-sso.c — the AWS CLI's SSO cache, GetRoleCredentials, refresh and the
 * sign-in (authorization code with PKCE, device code), against the loopback
 * fake
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "ws-aws-error.h"
#include "ws-fake-aws.h"
#include "ws-json.h"
#include "ws-sso.h"
#include "ws-sso-cache.h"
#include "ws-test-util.h"

#define SESSION_CONFIG \
  "[profile dev]\n" \
  "sso_session = my-sso\n" \
  "sso_account_id = 123456789012\n" \
  "sso_role_name = ReadOnly\n" \
  "region = eu-west-1\n" \
  "\n" \
  "[sso-session my-sso]\n" \
  "sso_start_url = https://my-sso-portal.awsapps.com/start\n" \
  "sso_region = us-east-1\n" \
  "sso_registration_scopes = sso:account:access\n"

/* Two profiles on one sso-session share one token. */
#define SHARED_SESSION_CONFIG \
  SESSION_CONFIG \
  "\n" \
  "[profile ops]\n" \
  "sso_session = my-sso\n" \
  "sso_account_id = 210987654321\n" \
  "sso_role_name = Admin\n"

#define LEGACY_CONFIG \
  "[profile legacy]\n" \
  "sso_start_url = https://my-sso-portal.awsapps.com/start\n" \
  "sso_region = us-east-1\n" \
  "sso_account_id = 123456789012\n" \
  "sso_role_name = ReadOnly\n"

/* printf '%s' my-sso | sha1sum, and the same of the start URL */
#define SESSION_CACHE_FILE "0ad374308c5a4e22f723adf10145eafad7c4031c.json"
#define LEGACY_CACHE_FILE  "c7aaaf71fcc8777ae2475525ed049d39fe16c484.json"
/* sha1 (json.dumps ({"tool": "botocore", "startUrl": …, "region": "us-east-1",
 * "scopes": ["sso:account:access"], "session_name": "my-sso"}, sort_keys=True)) */
#define REGISTRATION_FILE  "c5cfae6e3e4f067423a532368c8b514b6a4b0ace.json"

typedef enum
{
  DEVICE_APPROVE,
  DEVICE_PENDING,
} DeviceMode;

typedef struct
{
  char        *home;
  char        *cache_dir;
  GStrv        environ;
  WsFakeAws   *fake;
  WsAwsClient *client;
  WsSso       *sso;

  /* What the fake answers and saw. */
  const char  *valid_access_token;
  DeviceMode   device_mode;
  char        *portal_query;
  char        *last_grant_type;
  guint        prompts;
  char        *prompt_code;
  char        *prompt_uri;

  /* The browser of the PKCE sign-in: how it tampers with the authorize
   * address, and what the loopback listener showed it. */
  gboolean     follow;
  const char  *forge_param;   /* a query parameter replaced by forge_value */
  const char  *forge_value;
  gboolean     followed;
  GError      *follow_error;
  guint        page_status;
  char        *page;
} Fixture;

/* Fake services --------------------------------------------------------------- */

static void
reply_json (SoupServerMessage *msg,
            guint              status,
            const char        *error_type,
            const char        *body)
{
  if (error_type != NULL)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                  "x-amzn-ErrorType", error_type);
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

static void
handle_portal (WsFakeAws         *fake,
               SoupServerMessage *msg,
               const char        *body,
               gpointer           user_data)
{
  Fixture *fixture = user_data;
  const char *bearer = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                     "x-amz-sso_bearer_token");

  g_free (fixture->portal_query);
  fixture->portal_query = g_strdup (g_uri_get_query (soup_server_message_get_uri (msg)));

  if (g_strcmp0 (bearer, fixture->valid_access_token) != 0)
    {
      reply_json (msg, 401, "UnauthorizedException", "{\"message\":\"Session token not found or invalid\"}");
      return;
    }

  reply_json (msg, 200, NULL,
              "{\"roleCredentials\":{\"accessKeyId\":\"ASIAEXAMPLE\",\"secretAccessKey\":\"s\","
              "\"sessionToken\":\"t\",\"expiration\":1440941760123}}");
}

static void
handle_register (WsFakeAws         *fake,
                 SoupServerMessage *msg,
                 const char        *body,
                 gpointer           user_data)
{
  g_autofree char *answer = g_strdup_printf ("{\"clientId\":\"cid\",\"clientSecret\":\"cs\","
                                             "\"clientIdIssuedAt\":%" G_GINT64_FORMAT ","
                                             "\"clientSecretExpiresAt\":%" G_GINT64_FORMAT "}",
                                             g_get_real_time () / G_USEC_PER_SEC,
                                             g_get_real_time () / G_USEC_PER_SEC + 90 * 24 * 3600);

  reply_json (msg, 200, NULL, answer);
}

static void
handle_device_authorization (WsFakeAws         *fake,
                             SoupServerMessage *msg,
                             const char        *body,
                             gpointer           user_data)
{
  reply_json (msg, 200, NULL,
              "{\"deviceCode\":\"dc\",\"userCode\":\"ABCD-EFGH\","
              "\"verificationUri\":\"https://device.sso.us-east-1.amazonaws.com/\","
              "\"verificationUriComplete\":\"https://device.sso.us-east-1.amazonaws.com/?user_code=ABCD-EFGH\","
              "\"expiresIn\":600,\"interval\":1}");
}

static void
handle_token (WsFakeAws         *fake,
              SoupServerMessage *msg,
              const char        *body,
              gpointer           user_data)
{
  Fixture *fixture = user_data;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *request;

  g_assert_true (json_parser_load_from_data (parser, body, -1, NULL));
  request = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (request, "clientId"), ==, "cid");
  g_assert_cmpstr (json_object_get_string_member (request, "clientSecret"), ==, "cs");

  g_free (fixture->last_grant_type);
  fixture->last_grant_type = g_strdup (json_object_get_string_member (request, "grantType"));

  if (g_str_equal (fixture->last_grant_type, "refresh_token"))
    {
      g_assert_cmpstr (json_object_get_string_member (request, "refreshToken"), ==, "rt");
      reply_json (msg, 200, NULL,
                  "{\"accessToken\":\"at-refreshed\",\"tokenType\":\"Bearer\","
                  "\"expiresIn\":28800,\"refreshToken\":\"rt2\"}");
    }
  else if (fixture->device_mode == DEVICE_PENDING)
    reply_json (msg, 400, "AuthorizationPendingException:http://internal.amazon.com/coral/com.amazonaws.ssooidc/",
                "{\"error\":\"authorization_pending\"}");
  else
    {
      g_assert_cmpstr (json_object_get_string_member (request, "deviceCode"), ==, "dc");
      reply_json (msg, 200, NULL,
                  "{\"accessToken\":\"at-device\",\"tokenType\":\"Bearer\","
                  "\"expiresIn\":3600,\"refreshToken\":\"rt-device\"}");
    }
}

/* Fixture ---------------------------------------------------------------------- */

/* The fake's own OIDC answers unless the fixture sets handlers. */
static void
fixture_set_up_pkce (Fixture       *fixture,
                     gconstpointer  data)
{
  const char *config_text = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(WsAwsConfig) config = NULL;
  g_autofree char *config_file = NULL;
  g_autofree char *credentials_file = NULL;

  fixture->home = g_dir_make_tmp ("test-sso-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->cache_dir = g_build_filename (fixture->home, ".aws", "sso", "cache", NULL);
  config_file = g_build_filename (fixture->home, "config", NULL);
  credentials_file = g_build_filename (fixture->home, "credentials", NULL);

  fixture->fake = ws_fake_aws_new ();
  ws_fake_aws_set_handler (fixture->fake, "GET", "/federation/credentials", FALSE, handle_portal, fixture);
  ws_fake_aws_set_handler (fixture->fake, "POST", "/device_authorization", FALSE, handle_device_authorization, fixture);

  fixture->environ = g_environ_setenv (NULL, "HOME", fixture->home, TRUE);
  fixture->environ = g_environ_setenv (fixture->environ, "AWS_CONFIG_FILE", config_file, TRUE);
  fixture->environ = g_environ_setenv (fixture->environ, "AWS_SHARED_CREDENTIALS_FILE", credentials_file, TRUE);
  fixture->environ = g_environ_setenv (fixture->environ, "AWS_ENDPOINT_URL_SSO",
                                       ws_fake_aws_get_url (fixture->fake), TRUE);
  fixture->environ = g_environ_setenv (fixture->environ, "AWS_ENDPOINT_URL_SSO_OIDC",
                                       ws_fake_aws_get_url (fixture->fake), TRUE);

  config = ws_aws_config_new_from_data (config_text, config_file, NULL, NULL, &error);
  g_assert_no_error (error);

  fixture->client = ws_aws_client_new ();
  fixture->sso = ws_sso_new (fixture->client, config, (const char * const *) fixture->environ);
  /* A poll "second" of 5 ms keeps several polls and a slow-down quick. */
  ws_sso_set_poll_unit (fixture->sso, 5);
  fixture->valid_access_token = "at-valid";
  fixture->follow = TRUE;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture_set_up_pkce (fixture, data);
  ws_fake_aws_set_handler (fixture->fake, "POST", "/client/register", FALSE, handle_register, fixture);
  ws_fake_aws_set_handler (fixture->fake, "POST", "/token", FALSE, handle_token, fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  /* Let cancelled requests and worker threads finish before freeing. */
  while (g_main_context_iteration (NULL, FALSE))
    ;

  g_clear_object (&fixture->sso);
  g_clear_object (&fixture->client);
  g_clear_object (&fixture->fake);
  ws_test_remove_tree (fixture->home);
  g_free (fixture->home);
  g_free (fixture->cache_dir);
  g_strfreev (fixture->environ);
  g_free (fixture->portal_query);
  g_free (fixture->last_grant_type);
  g_free (fixture->prompt_code);
  g_free (fixture->prompt_uri);
  g_clear_error (&fixture->follow_error);
  g_free (fixture->page);
}

/* Helpers ----------------------------------------------------------------------- */

static void
on_result (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);

  return *slot;
}

static char *
time_from_now (GTimeSpan offset)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) time = g_date_time_add (now, offset);

  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%SZ");
}

static char *
write_cache (Fixture    *fixture,
             const char *file_name,
             const char *contents)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (fixture->cache_dir, file_name, NULL);

  g_assert_no_errno (g_mkdir_with_parents (fixture->cache_dir, 0700));
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);

  return path;
}

/* A cache entry as `aws sso login` writes it, expiring @offset from now. */
static char *
write_token (Fixture    *fixture,
             const char *file_name,
             const char *access_token,
             GTimeSpan   offset,
             gboolean    with_refresh_token)
{
  g_autofree char *expires_at = time_from_now (offset);
  g_autofree char *registration_expires_at = time_from_now (30 * G_TIME_SPAN_DAY);
  g_autofree char *contents = NULL;

  contents = g_strdup_printf ("{\"startUrl\": \"https://my-sso-portal.awsapps.com/start\", "
                              "\"region\": \"us-east-1\", \"accessToken\": \"%s\", "
                              "\"expiresAt\": \"%s\", \"clientId\": \"cid\", \"clientSecret\": \"cs\", "
                              "\"registrationExpiresAt\": \"%s\"%s, \"someFutureField\": [1, 2]}",
                              access_token, expires_at, registration_expires_at,
                              with_refresh_token ? ", \"refreshToken\": \"rt\"" : "");
  return write_cache (fixture, file_name, contents);
}

static WsCredentials *
get_credentials (Fixture     *fixture,
                 const char  *profile,
                 GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  ws_sso_get_role_credentials_async (fixture->sso, profile, NULL, on_result, &result);
  return ws_sso_get_role_credentials_finish (fixture->sso, wait_for (&result), error);
}

static JsonObject *
read_json (const char *path)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));

  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
assert_mode (const char *path,
             guint       mode)
{
  GStatBuf st;

  g_assert_no_errno (g_stat (path, &st));
  g_assert_cmpuint (st.st_mode & 0777, ==, mode);
}

static void
assert_role_credentials (WsCredentials *credentials)
{
  GDateTime *expiration;

  g_assert_nonnull (credentials);
  g_assert_cmpstr (ws_credentials_get_access_key_id (credentials), ==, "ASIAEXAMPLE");
  g_assert_cmpstr (ws_credentials_get_secret_access_key (credentials), ==, "s");
  g_assert_cmpstr (ws_credentials_get_session_token (credentials), ==, "t");
  g_assert_cmpstr (ws_credentials_get_source (credentials), ==, "SSO");

  /* Epoch milliseconds, not seconds. */
  expiration = ws_credentials_get_expiration (credentials);
  g_assert_nonnull (expiration);
  g_assert_cmpint (g_date_time_to_unix (expiration), ==, 1440941760);
  g_assert_cmpint (g_date_time_get_microsecond (expiration), ==, 123000);
}

/* Cache files that are not what they should be --------------------------------- */

static void
on_cache_loaded (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static JsonObject *
load_cache_file (const char *path)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;

  ws_sso_cache_load_async (path, NULL, on_cache_loaded, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  object = ws_sso_cache_load_finish (result, &error);
  g_assert_no_error (error);
  return object;
}

/* Anything but a regular JSON file of at most 1 MiB is no token: read only
 * that far, never waited on, never a crash. */
static void
test_cache_load_bad_files (void)
{
  g_autofree char *dir = g_dir_make_tmp ("test-sso-cache-XXXXXX", NULL);
  g_autofree char *good = g_build_filename (dir, "good.json", NULL);
  g_autofree char *huge = g_build_filename (dir, "huge.json", NULL);
  g_autofree char *fifo = g_build_filename (dir, "fifo.json", NULL);
  g_autofree char *device = g_build_filename (dir, "device.json", NULL);
  g_autofree char *binary = g_build_filename (dir, "binary.json", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.json", NULL);
  g_autoptr(JsonObject) object = NULL;

  g_assert_nonnull (dir);
  g_assert_true (g_file_set_contents (good, "{\"accessToken\": \"t\"}", -1, NULL));
  g_assert_true (g_file_set_contents (huge, "{}", -1, NULL));
  g_assert_cmpint (truncate (huge, 2 * WS_SSO_MAX_JSON_SIZE), ==, 0);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_cmpint (symlink ("/dev/zero", device), ==, 0);
  g_assert_true (g_file_set_contents (binary, "{\"a\":\"\xff\"}", -1, NULL));

  object = load_cache_file (good);
  g_assert_cmpstr (ws_sso_object_get_string (object, "accessToken"), ==, "t");
  g_assert_null (load_cache_file (huge));
  g_assert_null (load_cache_file (fifo));
  g_assert_null (load_cache_file (device));
  g_assert_null (load_cache_file (binary));
  g_assert_null (load_cache_file (dir));
  g_assert_null (load_cache_file (missing));

  ws_test_remove_tree (dir);
}

/* Pure ---------------------------------------------------------------------------- */

static void
test_cache_file_names (void)
{
  const char *scopes[] = { "sso:account:access", NULL };
  const char *odd_scopes[] = { "a", "b", NULL };
  g_autofree char *session = ws_sso_cache_file_name ("my-sso");
  g_autofree char *legacy = ws_sso_cache_file_name ("https://my-sso-portal.awsapps.com/start");
  g_autofree char *registration = NULL;
  g_autofree char *legacy_registration = NULL;
  g_autofree char *escaped_registration = NULL;

  g_assert_cmpstr (session, ==, SESSION_CACHE_FILE);
  g_assert_cmpstr (legacy, ==, LEGACY_CACHE_FILE);

  /* Computed with Python's json.dumps (…, sort_keys=True) and hashlib.sha1. */
  registration = ws_sso_registration_cache_file_name ("https://my-sso-portal.awsapps.com/start",
                                                      "us-east-1", scopes, "my-sso");
  g_assert_cmpstr (registration, ==, REGISTRATION_FILE);
  legacy_registration = ws_sso_registration_cache_file_name ("https://my-sso-portal.awsapps.com/start",
                                                             "us-east-1", NULL, NULL);
  g_assert_cmpstr (legacy_registration, ==, "0e093f10f65cee6c5c1898a8e240f5726875bf08.json");
  /* Non-ASCII, quotes and control characters escaped as Python does. */
  escaped_registration = ws_sso_registration_cache_file_name ("https://\xc3\xa9.example/\"x",
                                                              "us-east-1", odd_scopes, "s\xc3\xa9\n");
  g_assert_cmpstr (escaped_registration, ==, "a746af55c1bece5994d993739e2904eeb789c82c.json");
}

static void
test_parse_time (void)
{
  const struct
  {
    const char *text;
    gint64      unix_time;
    int         microsecond;
  } valid[] = {
    { "2024-03-01T12:00:00Z", 1709294400, 0 },
    { "2024-03-01T12:00:00UTC", 1709294400, 0 },
    { "2024-03-01T12:00:00 UTC", 1709294400, 0 },
    { "2024-03-01T14:00:00+02:00", 1709294400, 0 },
    { "2024-03-01T12:00:00.250Z", 1709294400, 250000 },
    { "2024-03-01 12:00:00Z", 1709294400, 0 },
    { " 2024-03-01T12:00:00 ", 1709294400, 0 },
  };
  const char *invalid[] = { "", "tomorrow", "2024-13-01T12:00:00Z", "UTC" };

  for (guint i = 0; i < G_N_ELEMENTS (valid); i++)
    {
      g_autoptr(GDateTime) time = ws_sso_parse_time (valid[i].text);

      g_assert_nonnull (time);
      g_assert_cmpint (g_date_time_to_unix (time), ==, valid[i].unix_time);
      g_assert_cmpint (g_date_time_get_microsecond (time), ==, valid[i].microsecond);
    }

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    g_assert_null (ws_sso_parse_time (invalid[i]));
  g_assert_null (ws_sso_parse_time (NULL));
}

static JsonObject *
parse_object (const char *text)
{
  JsonObject *object = ws_json_parse_object (text, strlen (text), WS_SSO_MAX_JSON_SIZE);

  g_assert_nonnull (object);
  return object;
}

/* Times beyond what GDateTime holds are unreadable answers, not crashes. */
static void
test_out_of_range_times (void)
{
  const char *role_replies[] = {
    "{\"roleCredentials\":{\"accessKeyId\":\"a\",\"secretAccessKey\":\"s\","
    "\"sessionToken\":\"t\",\"expiration\":9000000000000000000}}",
    "{\"roleCredentials\":{\"accessKeyId\":\"a\",\"secretAccessKey\":\"s\","
    "\"sessionToken\":\"t\",\"expiration\":300000000000000000}}",
  };
  const char *token_replies[] = {
    "{\"accessToken\":\"at\",\"expiresIn\":9000000000000000}",
    "{\"accessToken\":\"at\",\"expiresIn\":9223372036854775807}",
  };
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  for (guint i = 0; i < G_N_ELEMENTS (role_replies); i++)
    {
      g_autoptr(JsonObject) reply = parse_object (role_replies[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(WsCredentials) credentials = ws_sso_role_credentials_parse (reply, &error);

      g_assert_null (credentials);
      g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_RESPONSE);
    }

  for (guint i = 0; i < G_N_ELEMENTS (token_replies); i++)
    {
      g_autoptr(JsonObject) reply = parse_object (token_replies[i]);
      g_autoptr(JsonObject) entry = parse_object ("{\"accessToken\":\"old\"}");
      g_autoptr(GError) error = NULL;

      g_assert_false (ws_sso_token_apply_reply (entry, reply, now, &error));
      g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_RESPONSE);
      g_assert_cmpstr (json_object_get_string_member (entry, "accessToken"), ==, "old");
    }
}

/* GetRoleCredentials ------------------------------------------------------------ */

static void
test_valid_token (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *path = write_token (fixture, SESSION_CACHE_FILE, "at-valid", G_TIME_SPAN_HOUR, TRUE);
  g_autoptr(WsCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bearer = NULL;

  credentials = get_credentials (fixture, "dev", &error);
  g_assert_no_error (error);
  assert_role_credentials (credentials);

  bearer = ws_fake_aws_get_last_header (fixture->fake, "/federation/credentials", "x-amz-sso_bearer_token");
  g_assert_cmpstr (bearer, ==, "at-valid");
  g_assert_cmpstr (fixture->portal_query, ==, "role_name=ReadOnly&account_id=123456789012");
  /* An hour left: no refresh. */
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, "POST", "/token"), ==, 0);
}

/* An empty HOME is no home: the token is not looked for (or written)
 * relative to the working directory. */
static void
test_empty_home (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(WsAwsConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(WsCredentials) credentials = NULL;
  g_autofree char *path = NULL;
  g_autofree char *real_cache_dir = g_build_filename (g_get_home_dir (), ".aws", "sso", "cache", NULL);

  fixture->environ = g_environ_setenv (fixture->environ, "HOME", "", TRUE);
  config = ws_aws_config_new_from_data (SESSION_CONFIG, "config", NULL, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&fixture->sso);
  fixture->sso = ws_sso_new (fixture->client, config, (const char * const *) fixture->environ);

  g_free (fixture->cache_dir);
  fixture->cache_dir = g_steal_pointer (&real_cache_dir);
  path = write_token (fixture, SESSION_CACHE_FILE, "at-valid", G_TIME_SPAN_HOUR, TRUE);

  credentials = get_credentials (fixture, "dev", &error);
  g_assert_no_error (error);
  assert_role_credentials (credentials);
  g_assert_no_errno (g_unlink (path));
}

static void
assert_refreshed (Fixture    *fixture,
                  const char *path)
{
  g_autoptr(JsonObject) entry = NULL;
  g_autoptr(GDateTime) expires_at = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *bearer = NULL;

  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, "POST", "/token"), ==, 1);
  g_assert_cmpstr (fixture->last_grant_type, ==, "refresh_token");
  bearer = ws_fake_aws_get_last_header (fixture->fake, "/federation/credentials", "x-amz-sso_bearer_token");
  g_assert_cmpstr (bearer, ==, "at-refreshed");

  assert_mode (path, 0600);
  entry = read_json (path);
  g_assert_cmpstr (json_object_get_string_member (entry, "accessToken"), ==, "at-refreshed");
  g_assert_cmpstr (json_object_get_string_member (entry, "refreshToken"), ==, "rt2");
  g_assert_cmpstr (json_object_get_string_member (entry, "startUrl"), ==, "https://my-sso-portal.awsapps.com/start");
  g_assert_cmpstr (json_object_get_string_member (entry, "region"), ==, "us-east-1");
  g_assert_cmpstr (json_object_get_string_member (entry, "clientId"), ==, "cid");
  g_assert_cmpstr (json_object_get_string_member (entry, "clientSecret"), ==, "cs");
  g_assert_true (json_object_has_member (entry, "registrationExpiresAt"));
  /* A field a newer CLI wrote survives. */
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (entry, "someFutureField")), ==, 2);

  expires_at = ws_sso_parse_time (json_object_get_string_member (entry, "expiresAt"));
  g_assert_nonnull (expires_at);
  g_assert_cmpint (g_date_time_difference (expires_at, now), >, 7 * G_TIME_SPAN_HOUR);
  g_assert_cmpint (g_date_time_difference (expires_at, now), <=, 8 * G_TIME_SPAN_HOUR);
}

static void
test_expired_token_refreshed (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autofree char *path = write_token (fixture, SESSION_CACHE_FILE, "at-old", -G_TIME_SPAN_HOUR, TRUE);
  g_autoptr(WsCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_no_errno (g_chmod (path, 0644));
  fixture->valid_access_token = "at-refreshed";

  credentials = get_credentials (fixture, "dev", &error);
  g_assert_no_error (error);
  assert_role_credentials (credentials);
  assert_refreshed (fixture, path);
}

/* Profiles sharing a session refresh its token once, not once each: the
 * refresh token may be single-use, and the second refresh would fail. */
static void
test_shared_session_refreshed_once (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autofree char *path = write_token (fixture, SESSION_CACHE_FILE, "at-old", -G_TIME_SPAN_HOUR, TRUE);
  g_autoptr(GAsyncResult) dev_result = NULL;
  g_autoptr(GAsyncResult) ops_result = NULL;
  g_autoptr(WsCredentials) dev = NULL;
  g_autoptr(WsCredentials) ops = NULL;
  g_autoptr(GError) error = NULL;

  fixture->valid_access_token = "at-refreshed";

  ws_sso_get_role_credentials_async (fixture->sso, "dev", NULL, on_result, &dev_result);
  ws_sso_get_role_credentials_async (fixture->sso, "ops", NULL, on_result, &ops_result);
  dev = ws_sso_get_role_credentials_finish (fixture->sso, wait_for (&dev_result), &error);
  g_assert_no_error (error);
  ops = ws_sso_get_role_credentials_finish (fixture->sso, wait_for (&ops_result), &error);
  g_assert_no_error (error);

  assert_role_credentials (dev);
  assert_role_credentials (ops);
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, "POST", "/token"), ==, 1);
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, "GET", "/federation/credentials"), ==, 2);
  assert_refreshed (fixture, path);
}

static void
test_expiring_token_refreshed (Fixture       *fixture,
                               gconstpointer  data)
{
  /* 12 minutes left: inside botocore's 15-minute window. */
  g_autofree char *path = write_token (fixture, SESSION_CACHE_FILE, "at-old", 12 * G_TIME_SPAN_MINUTE, TRUE);
  g_autoptr(WsCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  fixture->valid_access_token = "at-refreshed";

  credentials = get_credentials (fixture, "dev", &error);
  g_assert_no_error (error);
  assert_refreshed (fixture, path);
}

static void
test_failed_refresh_keeps_usable_token (Fixture       *fixture,
                                        gconstpointer  data)
{
  g_autofree char *path = write_token (fixture, SESSION_CACHE_FILE, "at-valid", 12 * G_TIME_SPAN_MINUTE, TRUE);
  g_autoptr(WsCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) entry = NULL;

  ws_fake_aws_push_response (fixture->fake, "POST", "/token", 400, "InvalidGrantException",
                             NULL, "{\"error\":\"invalid_grant\"}");

  /* More than the mandatory 10 minutes left: the old token still serves. */
  credentials = get_credentials (fixture, "dev", &error);
  g_assert_no_error (error);
  assert_role_credentials (credentials);
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, "POST", "/token"), ==, 1);

  entry = read_json (path);
  g_assert_cmpstr (json_object_get_string_member (entry, "accessToken"), ==, "at-valid");
}

static void
assert_login_required (GError     *error,
                       const char *profile)
{
  g_autofree char *command = g_strdup_printf ("windsock login %s", profile);

  g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_SSO_LOGIN_REQUIRED);
  g_assert_nonnull (strstr (error->message, profile));
  g_assert_nonnull (strstr (error->message, command));
}

static void
test_expired_without_refresh (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autofree char *path = write_token (fixture, SESSION_CACHE_FILE, "at-old", -G_TIME_SPAN_MINUTE, FALSE);
  g_autoptr(WsCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  credentials = get_credentials (fixture, "dev", &error);
  g_assert_null (credentials);
  assert_login_required (error, "dev");
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, NULL, "/"), ==, 0);
}

static void
test_no_token (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *garbage = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) garbage_error = NULL;
  g_autoptr(WsCredentials) credentials = NULL;
  g_autoptr(WsCredentials) garbage_credentials = NULL;

  credentials = get_credentials (fixture, "dev", &error);
  g_assert_null (credentials);
  assert_login_required (error, "dev");

  garbage = write_cache (fixture, SESSION_CACHE_FILE, "{\"accessToken\": \"at-valid\", \"expiresAt\": 12");
  garbage_credentials = get_credentials (fixture, "dev", &garbage_error);
  g_assert_null (garbage_credentials);
  assert_login_required (garbage_error, "dev");
}

static void
test_unauthorized (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *path = write_token (fixture, SESSION_CACHE_FILE, "at-revoked", G_TIME_SPAN_HOUR, TRUE);
  g_autoptr(WsCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  credentials = get_credentials (fixture, "dev", &error);
  g_assert_null (credentials);
  assert_login_required (error, "dev");
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, "GET", "/federation/credentials"), ==, 1);
}

static void
test_forbidden (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *path = write_token (fixture, SESSION_CACHE_FILE, "at-valid", G_TIME_SPAN_HOUR, TRUE);
  g_autoptr(WsCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  ws_fake_aws_push_response (fixture->fake, "GET", "/federation/credentials", 403, "ForbiddenException",
                             NULL, "{\"message\":\"No access\"}");

  credentials = get_credentials (fixture, "dev", &error);
  g_assert_null (credentials);
  g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_ACCESS_DENIED);
  g_assert_nonnull (strstr (error->message, "ReadOnly"));
  g_assert_nonnull (strstr (error->message, "123456789012"));
}

static void
test_legacy_profile (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *path = write_token (fixture, LEGACY_CACHE_FILE, "at-valid", G_TIME_SPAN_HOUR, FALSE);
  g_autofree char *expired = NULL;
  g_autoptr(WsCredentials) credentials = NULL;
  g_autoptr(WsCredentials) none = NULL;
  g_autoptr(GError) error = NULL;

  credentials = get_credentials (fixture, "legacy", &error);
  g_assert_no_error (error);
  assert_role_credentials (credentials);

  /* Legacy tokens are not refreshable, even with a refresh token. */
  expired = write_token (fixture, LEGACY_CACHE_FILE, "at-valid", -G_TIME_SPAN_MINUTE, TRUE);
  none = get_credentials (fixture, "legacy", &error);
  g_assert_null (none);
  assert_login_required (error, "legacy");
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, "POST", "/token"), ==, 0);
}

static void
test_config_errors (void)
{
  const struct
  {
    const char *config;
    int         code;
    const char *mentions[3];
  } cases[] = {
    { "[profile dev]\nsso_session = s\nsso_region = us-west-2\nsso_account_id = 1\nsso_role_name = r\n"
      "[sso-session s]\nsso_start_url = https://x/start\nsso_region = us-east-1\n",
      WS_AWS_ERROR_INVALID_CONFIG, { "“dev”", "“s”", "sso_region" } },
    { "[profile dev]\nsso_session = s\nsso_role_name = r\n"
      "[sso-session s]\nsso_start_url = https://x/start\nsso_region = us-east-1\n",
      WS_AWS_ERROR_INVALID_CONFIG, { "“dev”", "sso_account_id", NULL } },
    { "[profile dev]\nsso_start_url = https://x/start\nsso_region = us-east-1\nsso_account_id = 1\n",
      WS_AWS_ERROR_INVALID_CONFIG, { "“dev”", "sso_role_name", NULL } },
    { "[profile dev]\nsso_session = missing\nsso_account_id = 1\nsso_role_name = r\n",
      WS_AWS_ERROR_INVALID_CONFIG, { "“dev”", "“missing”", NULL } },
    { "[profile dev]\nsso_session = s\nsso_account_id = 1\nsso_role_name = r\n[sso-session s]\nsso_region = us-east-1\n",
      WS_AWS_ERROR_INVALID_CONFIG, { "“s”", "sso_start_url", NULL } },
    { "[profile other]\nregion = us-east-1\n",
      WS_AWS_ERROR_UNKNOWN_PROFILE, { "“dev”", NULL, NULL } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      Fixture fixture = { 0 };
      g_autoptr(WsCredentials) credentials = NULL;
      g_autoptr(GError) error = NULL;

      fixture_set_up (&fixture, cases[i].config);
      credentials = get_credentials (&fixture, "dev", &error);
      g_assert_null (credentials);
      g_assert_error (error, WS_AWS_ERROR, cases[i].code);
      for (guint j = 0; j < G_N_ELEMENTS (cases[i].mentions) && cases[i].mentions[j] != NULL; j++)
        g_assert_nonnull (strstr (error->message, cases[i].mentions[j]));
      g_assert_cmpuint (ws_fake_aws_count_requests (fixture.fake, NULL, "/"), ==, 0);
      fixture_tear_down (&fixture, NULL);
    }
}

/* Device sign-in ------------------------------------------------------------------ */

static void
on_prompt (const char *user_code,
           const char *verification_uri,
           gpointer    user_data)
{
  Fixture *fixture = user_data;

  fixture->prompts++;
  g_free (fixture->prompt_code);
  fixture->prompt_code = g_strdup (user_code);
  g_free (fixture->prompt_uri);
  fixture->prompt_uri = g_strdup (verification_uri);
}

static void
push_token_error (Fixture    *fixture,
                  const char *code)
{
  ws_fake_aws_push_response (fixture->fake, "POST", "/token", 400, code, NULL, "{\"error\":\"pending\"}");
}

/* Signs profile "dev" in and waits for the outcome. */
static gboolean
login (Fixture          *fixture,
       WsSsoPromptFunc   prompt,
       GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  ws_sso_login_async (fixture->sso, "dev", WS_SSO_LOGIN_DEVICE_CODE, prompt, fixture, NULL, on_result, &result);
  return ws_sso_login_finish (fixture->sso, wait_for (&result), error);
}

static void
test_login (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) entry = NULL;
  g_autoptr(JsonObject) registration = NULL;
  g_autoptr(WsCredentials) credentials = NULL;
  g_autoptr(GDateTime) registration_expires_at = NULL;
  g_autofree char *path = g_build_filename (fixture->cache_dir, SESSION_CACHE_FILE, NULL);
  g_autofree char *registration_path = g_build_filename (fixture->cache_dir, REGISTRATION_FILE, NULL);

  push_token_error (fixture, "AuthorizationPendingException:http://internal.amazon.com/");
  push_token_error (fixture, "AuthorizationPendingException");
  push_token_error (fixture, "SlowDownException");

  g_assert_true (login (fixture, on_prompt, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (fixture->prompts, ==, 1);
  g_assert_cmpstr (fixture->prompt_code, ==, "ABCD-EFGH");
  g_assert_cmpstr (fixture->prompt_uri, ==, "https://device.sso.us-east-1.amazonaws.com/?user_code=ABCD-EFGH");
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, "POST", "/client/register"), ==, 1);
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, "POST", "/device_authorization"), ==, 1);
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, "POST", "/token"), ==, 4);
  g_assert_cmpstr (fixture->last_grant_type, ==, "urn:ietf:params:oauth:grant-type:device_code");

  assert_mode (fixture->cache_dir, 0700);
  assert_mode (path, 0600);
  entry = read_json (path);
  g_assert_cmpstr (json_object_get_string_member (entry, "startUrl"), ==, "https://my-sso-portal.awsapps.com/start");
  g_assert_cmpstr (json_object_get_string_member (entry, "region"), ==, "us-east-1");
  g_assert_cmpstr (json_object_get_string_member (entry, "accessToken"), ==, "at-device");
  g_assert_cmpstr (json_object_get_string_member (entry, "refreshToken"), ==, "rt-device");
  g_assert_cmpstr (json_object_get_string_member (entry, "clientId"), ==, "cid");
  g_assert_cmpstr (json_object_get_string_member (entry, "clientSecret"), ==, "cs");
  registration_expires_at = ws_sso_parse_time (json_object_get_string_member (entry, "registrationExpiresAt"));
  g_assert_nonnull (registration_expires_at);
  g_assert_true (g_regex_match_simple ("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$",
                                       json_object_get_string_member (entry, "expiresAt"), 0, 0));

  /* The registration is cached where the AWS CLI looks for it. */
  assert_mode (registration_path, 0600);
  registration = read_json (registration_path);
  g_assert_cmpstr (json_object_get_string_member (registration, "clientId"), ==, "cid");
  g_assert_cmpstr (json_object_get_string_member (registration, "clientSecret"), ==, "cs");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (registration, "scopes"), 0),
                   ==, "sso:account:access");

  /* Our own loader takes the new token. */
  fixture->valid_access_token = "at-device";
  credentials = get_credentials (fixture, "dev", &error);
  g_assert_no_error (error);
  assert_role_credentials (credentials);

  /* A second sign-in reuses the cached registration. */
  g_assert_true (login (fixture, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, "POST", "/client/register"), ==, 1);
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, "POST", "/device_authorization"), ==, 2);
}

static void
test_login_concurrent (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(GError) error = NULL;

  push_token_error (fixture, "AuthorizationPendingException");

  ws_sso_login_async (fixture->sso, "dev", WS_SSO_LOGIN_DEVICE_CODE, on_prompt, fixture, NULL, on_result, &first);
  ws_sso_login_async (fixture->sso, "dev", WS_SSO_LOGIN_DEVICE_CODE, on_prompt, fixture, NULL, on_result, &second);

  g_assert_true (ws_sso_login_finish (fixture->sso, wait_for (&first), &error));
  g_assert_no_error (error);
  g_assert_true (ws_sso_login_finish (fixture->sso, wait_for (&second), &error));
  g_assert_no_error (error);

  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, "POST", "/client/register"), ==, 1);
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, "POST", "/device_authorization"), ==, 1);
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, "POST", "/token"), ==, 2);
  /* Each caller was shown the one code. */
  g_assert_cmpuint (fixture->prompts, ==, 2);
  g_assert_cmpstr (fixture->prompt_code, ==, "ABCD-EFGH");
}

static void
test_login_cancelled (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (fixture->cache_dir, SESSION_CACHE_FILE, NULL);
  guint polls;

  fixture->device_mode = DEVICE_PENDING;
  ws_sso_login_async (fixture->sso, "dev", WS_SSO_LOGIN_DEVICE_CODE, on_prompt, fixture, cancellable, on_result, &result);

  while (ws_fake_aws_count_requests (fixture->fake, "POST", "/token") < 2)
    g_main_context_iteration (NULL, TRUE);
  g_cancellable_cancel (cancellable);

  g_assert_false (ws_sso_login_finish (fixture->sso, wait_for (&result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  /* The poll timer went with it: no request in many poll intervals. */
  polls = ws_fake_aws_count_requests (fixture->fake, "POST", "/token");
  ws_test_run_for (100);
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, "POST", "/token"), <=, polls);
}

/* Cancelled while waiting for the next poll, not during a request. */
static void
test_login_cancelled_between_polls (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  /* One-second polls: the first answer is in long before the next poll. */
  ws_sso_set_poll_unit (fixture->sso, 1000);
  fixture->device_mode = DEVICE_PENDING;
  ws_sso_login_async (fixture->sso, "dev", WS_SSO_LOGIN_DEVICE_CODE, NULL, NULL, cancellable, on_result, &result);

  while (ws_fake_aws_count_requests (fixture->fake, "POST", "/token") < 1)
    g_main_context_iteration (NULL, TRUE);
  ws_test_run_for (200);
  g_cancellable_cancel (cancellable);

  g_assert_false (ws_sso_login_finish (fixture->sso, wait_for (&result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, "POST", "/token"), ==, 1);
}

/* A device code "valid" for ages still polls instead of expiring at once. */
static void
test_login_long_lived_code (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  ws_fake_aws_push_response (fixture->fake, "POST", "/device_authorization", 200, NULL, NULL,
                             "{\"deviceCode\":\"dc\",\"userCode\":\"ABCD-EFGH\","
                             "\"verificationUri\":\"https://device.sso.us-east-1.amazonaws.com/\","
                             "\"expiresIn\":10000000000000000,\"interval\":1}");
  push_token_error (fixture, "AuthorizationPendingException");

  g_assert_true (login (fixture, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, "POST", "/token"), ==, 2);
}

/* Without clientSecretExpiresAt the registration would be cached as
 * expired in 1970, and tokens from it never refreshed. */
static void
test_login_registration_without_expiry (Fixture       *fixture,
                                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *registration_path = g_build_filename (fixture->cache_dir, REGISTRATION_FILE, NULL);

  ws_fake_aws_push_response (fixture->fake, "POST", "/client/register", 200, NULL, NULL,
                             "{\"clientId\":\"cid\",\"clientSecret\":\"cs\"}");

  g_assert_false (login (fixture, NULL, &error));
  g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_RESPONSE);
  g_assert_nonnull (strstr (error->message, "“dev”"));
  g_assert_false (g_file_test (registration_path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, "POST", "/device_authorization"), ==, 0);
}

static void
test_login_code_expired (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  push_token_error (fixture, "AuthorizationPendingException");
  push_token_error (fixture, "ExpiredTokenException");

  g_assert_false (login (fixture, NULL, &error));
  assert_login_required (error, "dev");
  g_assert_nonnull (strstr (error->message, "expired"));
}

static void
test_login_denied (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  push_token_error (fixture, "AccessDeniedException");

  g_assert_false (login (fixture, NULL, &error));
  g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_ACCESS_DENIED);
  g_assert_nonnull (strstr (error->message, "“dev”"));
}

/* Authorization code with PKCE ----------------------------------------------------- */

static void
on_followed (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Fixture *fixture = user_data;

  g_clear_pointer (&fixture->page, g_free);
  ws_fake_aws_follow_authorize_finish (WS_FAKE_AWS (source), result, &fixture->page_status,
                                       &fixture->page, &fixture->follow_error);
  fixture->followed = TRUE;
}

/* @uri with the value of @name replaced by @value. */
static char *
forge (const char *uri,
       const char *name,
       const char *value)
{
  g_autofree char *pattern = g_strdup_printf ("([?&]%s=)[^&]*", name);
  g_autofree char *replacement = g_strdup_printf ("\\g<1>%s", value);
  g_autoptr(GRegex) regex = g_regex_new (pattern, 0, 0, NULL);

  return g_regex_replace (regex, uri, -1, 0, replacement, 0, NULL);
}

/* The prompt opens the browser, which the fake's helper plays. */
static void
on_pkce_prompt (const char *user_code,
                const char *verification_uri,
                gpointer    user_data)
{
  Fixture *fixture = user_data;
  g_autofree char *uri = NULL;

  on_prompt (user_code, verification_uri, user_data);
  if (!fixture->follow || fixture->prompts > 1)
    return;

  uri = fixture->forge_param != NULL ? forge (verification_uri, fixture->forge_param, fixture->forge_value) : g_strdup (verification_uri);
  ws_fake_aws_follow_authorize_async (fixture->fake, uri, NULL, on_followed, fixture);
}

static gboolean
pkce_login (Fixture  *fixture,
            GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  gboolean ok;

  fixture->followed = FALSE;
  ws_sso_login_async (fixture->sso, "dev", WS_SSO_LOGIN_DEFAULT, on_pkce_prompt, fixture, NULL, on_result, &result);
  ok = ws_sso_login_finish (fixture->sso, wait_for (&result), error);

  /* The callers learn the outcome once the browser has its page. */
  if (fixture->follow)
    g_assert_true (fixture->followed);
  return ok;
}

/* The port of the redirect_uri in an authorize address. */
static int
redirect_port (const char *authorize_uri)
{
  g_autoptr(GUri) uri = g_uri_parse (authorize_uri, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GHashTable) params = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE, NULL);
  g_autoptr(GUri) redirect = g_uri_parse (g_hash_table_lookup (params, "redirect_uri"), G_URI_FLAGS_NONE, NULL);

  return g_uri_get_port (redirect);
}

/* Nothing listens on the sign-in's port any more. */
static void
assert_listener_closed (Fixture *fixture)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;

  connection = g_socket_client_connect_to_host (client, "127.0.0.1", redirect_port (fixture->prompt_uri),
                                                NULL, &error);
  g_assert_null (connection);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
}

static void
test_pkce_login (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) entry = NULL;
  g_autoptr(JsonObject) registration = NULL;
  g_autoptr(WsCredentials) credentials = NULL;
  g_autofree char *path = g_build_filename (fixture->cache_dir, SESSION_CACHE_FILE, NULL);
  g_autofree char *registration_path = NULL;
  g_autofree char *prefix = g_strdup_printf ("%s/authorize?response_type=code&client_id=fake-client-1"
                                             "&redirect_uri=http%%3A%%2F%%2F127.0.0.1%%3A",
                                             ws_fake_aws_get_url (fixture->fake));
  JsonArray *grant_types;

  /* A device-code registration of the AWS CLI is not one for this flow. */
  g_free (write_cache (fixture, REGISTRATION_FILE,
                       "{\"clientId\": \"cid\", \"clientSecret\": \"cs\", \"expiresAt\": \"2999-01-01T00:00:00Z\", "
                       "\"scopes\": [\"sso:account:access\"]}"));
  registration_path = g_build_filename (fixture->cache_dir, REGISTRATION_FILE, NULL);

  g_assert_true (pkce_login (fixture, &error));
  g_assert_no_error (error);

  /* One prompt, with no user code, to the authorize page laid out as the CLI does. */
  g_assert_cmpuint (fixture->prompts, ==, 1);
  g_assert_null (fixture->prompt_code);
  g_assert_true (g_str_has_prefix (fixture->prompt_uri, prefix));
  g_assert_true (g_regex_match_simple ("%2Foauth%2Fcallback&state=[A-Za-z0-9_-]{22}&code_challenge_method=S256"
                                       "&scopes=sso%3Aaccount%3Aaccess&code_challenge=[A-Za-z0-9_-]{43}$",
                                       fixture->prompt_uri, 0, 0));
  g_assert_no_error (fixture->follow_error);
  g_assert_cmpuint (fixture->page_status, ==, 200);
  g_assert_nonnull (strstr (fixture->page, "Signed in"));
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, "POST", "/device_authorization"), ==, 0);
  assert_listener_closed (fixture);

  /* The CLI's cache entry, with the refresh token. */
  assert_mode (path, 0600);
  entry = read_json (path);
  g_assert_cmpstr (json_object_get_string_member (entry, "startUrl"), ==, "https://my-sso-portal.awsapps.com/start");
  g_assert_cmpstr (json_object_get_string_member (entry, "region"), ==, "us-east-1");
  g_assert_cmpstr (json_object_get_string_member (entry, "accessToken"), ==, "fake-access-token-3");
  g_assert_cmpstr (json_object_get_string_member (entry, "refreshToken"), ==, "fake-refresh-token-3");
  g_assert_cmpstr (json_object_get_string_member (entry, "clientId"), ==, "fake-client-1");
  g_assert_cmpstr (json_object_get_string_member (entry, "clientSecret"), ==, "fake-client-secret-1");
  g_assert_nonnull (json_object_get_string_member (entry, "registrationExpiresAt"));

  /* The registration, marked for this flow as the CLI marks it. */
  assert_mode (registration_path, 0600);
  registration = read_json (registration_path);
  g_assert_cmpstr (json_object_get_string_member (registration, "clientId"), ==, "fake-client-1");
  grant_types = json_object_get_array_member (registration, "grantTypes");
  g_assert_cmpuint (json_array_get_length (grant_types), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (grant_types, 0), ==, "authorization_code");
  g_assert_cmpstr (json_array_get_string_element (grant_types, 1), ==, "refresh_token");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (registration, "scopes"), 0),
                   ==, "sso:account:access");

  fixture->valid_access_token = "fake-access-token-3";
  credentials = get_credentials (fixture, "dev", &error);
  g_assert_no_error (error);
  assert_role_credentials (credentials);

  /* A second sign-in reuses the registration. */
  fixture->prompts = 0;
  g_assert_true (pkce_login (fixture, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, "POST", "/client/register"), ==, 1);
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, "GET", "/authorize"), ==, 2);
}

/* Without sso_registration_scopes the CLI's default scope is asked for. */
#define UNSCOPED_SESSION_CONFIG \
  "[profile dev]\n" \
  "sso_session = my-sso\n" \
  "sso_account_id = 123456789012\n" \
  "sso_role_name = ReadOnly\n" \
  "[sso-session my-sso]\n" \
  "sso_start_url = https://my-sso-portal.awsapps.com/start\n" \
  "sso_region = us-east-1\n"

static void
test_pkce_default_scope (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (pkce_login (fixture, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (fixture->prompt_uri, "&scopes=sso%3Aaccount%3Aaccess&"));
}

static void
test_pkce_state_mismatch (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (fixture->cache_dir, SESSION_CACHE_FILE, NULL);

  fixture->forge_param = "state";
  fixture->forge_value = "forged-state";
  g_assert_false (pkce_login (fixture, &error));
  g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "windsock login dev"));
  g_assert_cmpuint (fixture->page_status, ==, 400);
  g_assert_nonnull (strstr (fixture->page, "Sign-in failed"));
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, "POST", "/token"), ==, 0);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  assert_listener_closed (fixture);
}

/* The browser brought back a code issued for another challenge: the fake
 * rejects our verifier. */
static void
test_pkce_wrong_verifier (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (fixture->cache_dir, SESSION_CACHE_FILE, NULL);

  /* Well formed (43 base64url characters), but not ours. */
  fixture->forge_param = "code_challenge";
  fixture->forge_value = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

  g_assert_false (pkce_login (fixture, &error));
  g_assert_nonnull (error);
  g_assert_cmpstr (ws_aws_error_get_aws_code (error), ==, "InvalidGrantException");
  g_assert_nonnull (strstr (fixture->page, "Sign-in failed"));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

static void
test_pkce_denied (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  ws_fake_aws_set_authorize_error (fixture->fake, "access_denied");
  g_assert_false (pkce_login (fixture, &error));
  g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_ACCESS_DENIED);
  g_assert_nonnull (strstr (error->message, "“dev”"));
  g_assert_cmpuint (fixture->page_status, ==, 400);
  g_assert_nonnull (strstr (fixture->page, "denied"));
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, "POST", "/token"), ==, 0);
}

static void
test_pkce_cancelled (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  fixture->follow = FALSE;
  ws_sso_login_async (fixture->sso, "dev", WS_SSO_LOGIN_DEFAULT, on_pkce_prompt, fixture, cancellable,
                      on_result, &result);
  while (fixture->prompts == 0)
    g_main_context_iteration (NULL, TRUE);
  g_cancellable_cancel (cancellable);

  g_assert_false (ws_sso_login_finish (fixture->sso, wait_for (&result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  assert_listener_closed (fixture);

  /* A browser coming back late finds nobody. */
  ws_fake_aws_follow_authorize_async (fixture->fake, fixture->prompt_uri, NULL, on_followed, fixture);
  while (!fixture->followed)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (fixture->follow_error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
}

static void
test_pkce_timeout (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->follow = FALSE;
  ws_sso_set_login_timeout (fixture->sso, 50);
  g_assert_false (pkce_login (fixture, &error));
  assert_login_required (error, "dev");
  g_assert_nonnull (strstr (error->message, "in time"));
  assert_listener_closed (fixture);
}

/* A stray request (a favicon, another path) neither ends the sign-in nor
 * reaches it. */
static void
test_pkce_stray_requests (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) sent = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *stray = NULL;

  fixture->follow = FALSE;
  ws_sso_login_async (fixture->sso, "dev", WS_SSO_LOGIN_DEFAULT, on_pkce_prompt, fixture, NULL, on_result, &result);
  while (fixture->prompts == 0)
    g_main_context_iteration (NULL, TRUE);

  stray = g_strdup_printf ("http://127.0.0.1:%d/favicon.ico", redirect_port (fixture->prompt_uri));
  msg = soup_message_new ("GET", stray);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, on_result, &sent);
  body = soup_session_send_and_read_finish (session, wait_for (&sent), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 404);
  g_assert_null (result);

  ws_fake_aws_follow_authorize_async (fixture->fake, fixture->prompt_uri, NULL, on_followed, fixture);
  g_assert_true (ws_sso_login_finish (fixture->sso, wait_for (&result), &error));
  g_assert_no_error (error);
}

/* Two callers, one sign-in: one registration and one authorize address,
 * handed to each. */
static void
test_pkce_concurrent (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first_uri = NULL;

  ws_sso_login_async (fixture->sso, "dev", WS_SSO_LOGIN_DEFAULT, on_pkce_prompt, fixture, NULL, on_result, &first);
  while (fixture->prompts == 0)
    g_main_context_iteration (NULL, TRUE);
  first_uri = g_strdup (fixture->prompt_uri);
  /* A device-code caller joins the sign-in under way. */
  ws_sso_login_async (fixture->sso, "dev", WS_SSO_LOGIN_DEVICE_CODE, on_prompt, fixture, NULL, on_result, &second);

  g_assert_true (ws_sso_login_finish (fixture->sso, wait_for (&first), &error));
  g_assert_no_error (error);
  g_assert_true (ws_sso_login_finish (fixture->sso, wait_for (&second), &error));
  g_assert_no_error (error);

  g_assert_cmpuint (fixture->prompts, ==, 2);
  g_assert_cmpstr (fixture->prompt_uri, ==, first_uri);
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, "POST", "/client/register"), ==, 1);
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, "GET", "/authorize"), ==, 1);
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, "POST", "/token"), ==, 1);
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, "POST", "/device_authorization"), ==, 0);
}

/* As the AWS CLI: a legacy profile signs in with a device code whatever
 * it is asked. */
static void
test_legacy_login_uses_device_code (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  ws_sso_login_async (fixture->sso, "legacy", WS_SSO_LOGIN_DEFAULT, on_prompt, fixture, NULL, on_result, &result);
  g_assert_true (ws_sso_login_finish (fixture->sso, wait_for (&result), &error));
  g_assert_no_error (error);
  g_assert_cmpstr (fixture->prompt_code, ==, "ABCD-EFGH");
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, "POST", "/device_authorization"), ==, 1);
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, "GET", "/authorize"), ==, 0);
}

/* A token from the PKCE sign-in refreshes at the fake's OIDC. */
static void
test_pkce_token_refreshes (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WsCredentials) credentials = NULL;
  g_autoptr(JsonObject) entry = NULL;
  g_autofree char *path = g_build_filename (fixture->cache_dir, SESSION_CACHE_FILE, NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GRegex) regex = g_regex_new ("\"expiresAt\": *\"[^\"]*\"", 0, 0, NULL);
  g_autofree char *expired = NULL;

  g_assert_true (pkce_login (fixture, &error));
  g_assert_no_error (error);

  /* Expire the access token only. */
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  expired = g_regex_replace_literal (regex, contents, -1, 0, "\"expiresAt\": \"2000-01-01T00:00:00Z\"", 0, NULL);
  g_assert_true (g_file_set_contents (path, expired, -1, NULL));

  fixture->valid_access_token = "fake-access-token-4";
  credentials = get_credentials (fixture, "dev", &error);
  g_assert_no_error (error);
  assert_role_credentials (credentials);
  entry = read_json (path);
  g_assert_cmpstr (json_object_get_string_member (entry, "refreshToken"), ==, "fake-refresh-token-4");
}

int
main (int   argc,
      char *argv[])
{
  /* Keeps the developer's own AWS set-up out of every case. */
  g_autofree char *home = ws_test_isolate ("test-sso");
  int ret;

  g_test_init (&argc, &argv, NULL);

#define ADD(path, config, func) \
  g_test_add (path, Fixture, config, fixture_set_up, func, fixture_tear_down)

  g_test_add_func ("/sso/cache-file-names", test_cache_file_names);
  g_test_add_func ("/sso/cache-load-bad-files", test_cache_load_bad_files);
  g_test_add_func ("/sso/parse-time", test_parse_time);
  g_test_add_func ("/sso/out-of-range-times", test_out_of_range_times);
  g_test_add_func ("/sso/config-errors", test_config_errors);
  ADD ("/sso/credentials/valid-token", SESSION_CONFIG, test_valid_token);
  ADD ("/sso/credentials/empty-home", SESSION_CONFIG, test_empty_home);
  ADD ("/sso/credentials/expired-refreshed", SESSION_CONFIG, test_expired_token_refreshed);
  ADD ("/sso/credentials/expiring-refreshed", SESSION_CONFIG, test_expiring_token_refreshed);
  ADD ("/sso/credentials/shared-session-refreshed-once", SHARED_SESSION_CONFIG, test_shared_session_refreshed_once);
  ADD ("/sso/credentials/failed-refresh", SESSION_CONFIG, test_failed_refresh_keeps_usable_token);
  ADD ("/sso/credentials/expired-no-refresh", SESSION_CONFIG, test_expired_without_refresh);
  ADD ("/sso/credentials/no-token", SESSION_CONFIG, test_no_token);
  ADD ("/sso/credentials/unauthorized", SESSION_CONFIG, test_unauthorized);
  ADD ("/sso/credentials/forbidden", SESSION_CONFIG, test_forbidden);
  ADD ("/sso/credentials/legacy", LEGACY_CONFIG, test_legacy_profile);
  ADD ("/sso/login/device", SESSION_CONFIG, test_login);
  ADD ("/sso/login/concurrent", SESSION_CONFIG, test_login_concurrent);
  ADD ("/sso/login/cancelled", SESSION_CONFIG, test_login_cancelled);
  ADD ("/sso/login/cancelled-between-polls", SESSION_CONFIG, test_login_cancelled_between_polls);
  ADD ("/sso/login/long-lived-code", SESSION_CONFIG, test_login_long_lived_code);
  ADD ("/sso/login/registration-without-expiry", SESSION_CONFIG, test_login_registration_without_expiry);
  ADD ("/sso/login/code-expired", SESSION_CONFIG, test_login_code_expired);
  ADD ("/sso/login/denied", SESSION_CONFIG, test_login_denied);

#define ADD_PKCE(path, config, func) \
  g_test_add (path, Fixture, config, fixture_set_up_pkce, func, fixture_tear_down)
  ADD_PKCE ("/sso/login/pkce", SESSION_CONFIG, test_pkce_login);
  ADD_PKCE ("/sso/login/pkce/default-scope", UNSCOPED_SESSION_CONFIG, test_pkce_default_scope);
  ADD_PKCE ("/sso/login/pkce/state-mismatch", SESSION_CONFIG, test_pkce_state_mismatch);
  ADD_PKCE ("/sso/login/pkce/wrong-verifier", SESSION_CONFIG, test_pkce_wrong_verifier);
  ADD_PKCE ("/sso/login/pkce/denied", SESSION_CONFIG, test_pkce_denied);
  ADD_PKCE ("/sso/login/pkce/cancelled", SESSION_CONFIG, test_pkce_cancelled);
  ADD_PKCE ("/sso/login/pkce/timeout", SESSION_CONFIG, test_pkce_timeout);
  ADD_PKCE ("/sso/login/pkce/stray-requests", SESSION_CONFIG, test_pkce_stray_requests);
  ADD_PKCE ("/sso/login/pkce/concurrent", SESSION_CONFIG, test_pkce_concurrent);
  ADD_PKCE ("/sso/login/pkce/token-refreshes", SESSION_CONFIG, test_pkce_token_refreshes);
  ADD ("/sso/login/legacy-uses-device-code", LEGACY_CONFIG, test_legacy_login_uses_device_code);

#undef ADD_PKCE
#undef ADD

  ret = g_test_run ();
  ws_test_remove_tree (home);

  return ret;
}
