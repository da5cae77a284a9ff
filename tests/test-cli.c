/* test-cli.c — `windsock url/open/list/login` end to end, as a subprocess
 * against the SoupServer fake of AWS
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "cli-fixture.h"
#include "ws-test-browser.h"
#include "ws-test-util.h"

#define STATIC_CREDENTIALS \
  "[default]\n" \
  "aws_access_key_id = " CLI_ACCESS_KEY "\n" \
  "aws_secret_access_key = " CLI_SECRET_KEY "\n" \
  "[prod]\n" \
  "aws_access_key_id = " CLI_ACCESS_KEY "\n" \
  "aws_secret_access_key = " CLI_SECRET_KEY "\n"

#define CONFIG \
  "[default]\n" \
  "region = eu-west-1\n" \
  "[profile prod]\n" \
  "region = us-east-1\n"

static void
set_up (CliFixture    *fixture,
        gconstpointer  data)
{
  cli_fixture_set_up (fixture);
  cli_fixture_write_aws (fixture, "config", CONFIG);
  cli_fixture_write_aws (fixture, "credentials", STATIC_CREDENTIALS);
  ws_fake_aws_add_environment (fixture->fake, "eu-west-1", "analytics", "AVAILABLE", "2.10.3");
  ws_fake_aws_add_environment (fixture->fake, "eu-west-1", "next", "AVAILABLE", "3.0.6");
  ws_fake_aws_add_environment (fixture->fake, "us-east-1", "analytics", "UPDATING", "2.9.2");
}

static void
tear_down (CliFixture    *fixture,
           gconstpointer  data)
{
  cli_fixture_tear_down (fixture);
}

static void
assert_no_secrets (const char *text)
{
  g_assert_null (strstr (text, CLI_SECRET_KEY));
  g_assert_null (strstr (text, "token-"));
  g_assert_null (strstr (text, "aws-console-sso"));
}

static void
test_url (CliFixture    *fixture,
          gconstpointer  data)
{
  g_autoptr(CliResult) result = cli_fixture_run (fixture, "url", "analytics", NULL);

  g_assert_cmpstr (result->err, ==, "");
  g_assert_cmpint (result->status, ==, 0);
  g_assert_true (g_str_has_prefix (result->out,
                                   "https://analytics.airflow.example.test/aws_mwaa/aws-console-sso?login=true#token-analytics-"));
  g_assert_true (g_str_has_suffix (result->out, "\n"));
  g_assert_cmpint (strchr (result->out, '\n') - result->out, ==, strlen (result->out) - 1);
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, "POST", "/webtoken/analytics"), ==, 1);
}

static void
test_url_airflow3 (CliFixture    *fixture,
                   gconstpointer  data)
{
  g_autoptr(CliResult) result = cli_fixture_run (fixture, "url", "next", NULL);

  g_assert_cmpint (result->status, ==, 0);
  g_assert_true (g_str_has_prefix (result->out,
                                   "https://next.airflow.example.test/pluginsv2/aws_mwaa/aws-console-sso?login=true#token-next-"));
}

/* The service's catalog cache knows the Airflow version (here 3, though the
 * fake would say 2): no GetEnvironment. An environment it does not have
 * still gets one. */
static void
test_url_cached_version (CliFixture    *fixture,
                         gconstpointer  data)
{
  g_autofree char *cache = g_build_filename (fixture->home, ".cache", "windsock", "catalog.json", NULL);
  g_autoptr(CliResult) cached = NULL;
  g_autoptr(CliResult) uncached = NULL;

  ws_test_write_file (cache,
                      "{\"version\":1,\"updated\":1,\"profiles\":[{\"name\":\"default\"}],"
                      "\"environments\":[{\"profile\":\"default\",\"region\":\"eu-west-1\","
                      "\"name\":\"analytics\",\"status\":\"AVAILABLE\",\"airflow_version\":\"3.0.6\"}]}",
                      -1, 0600);
  cached = cli_fixture_run (fixture, "url", "analytics", NULL);
  g_assert_cmpint (cached->status, ==, 0);
  g_assert_true (g_str_has_prefix (cached->out,
                                   "https://analytics.airflow.example.test/pluginsv2/aws_mwaa/aws-console-sso?login=true#token-analytics-"));
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, "GET", "/environments"), ==, 0);

  uncached = cli_fixture_run (fixture, "url", "next", NULL);
  g_assert_cmpint (uncached->status, ==, 0);
  g_assert_true (g_str_has_prefix (uncached->out,
                                   "https://next.airflow.example.test/pluginsv2/aws_mwaa/aws-console-sso?login=true#token-next-"));
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, "GET", "/environments/next"), ==, 1);
}

/* The version comes from a GetEnvironment sent beside the token request;
 * a user who may not call it still gets the documented URL. */
static void
test_url_get_environment_denied (CliFixture    *fixture,
                                 gconstpointer  data)
{
  g_autoptr(CliResult) result = NULL;

  ws_fake_aws_push_response (fixture->fake, "GET", "/environments/next", 403,
                             "AccessDeniedException", "application/json",
                             "{\"Message\":\"not authorized to perform airflow:GetEnvironment\"}");
  result = cli_fixture_run (fixture, "url", "next", NULL);

  g_assert_cmpint (result->status, ==, 0);
  g_assert_true (g_str_has_prefix (result->out,
                                   "https://next.airflow.example.test/aws_mwaa/aws-console-sso?login=true#token-next-"));
}

static void
test_url_full_reference (CliFixture    *fixture,
                         gconstpointer  data)
{
  g_autoptr(CliResult) by_path = cli_fixture_run (fixture, "url", "prod/us-east-1/analytics", NULL);
  g_autoptr(CliResult) by_arn = NULL;
  g_autoptr(CliResult) by_option = NULL;

  g_assert_cmpint (by_path->status, ==, 0);
  g_assert_true (g_str_has_prefix (by_path->out, "https://analytics.airflow.example.test/"));

  by_arn = cli_fixture_run (fixture, "url", "--profile", "prod",
                            "arn:aws:airflow:eu-west-1:123456789012:environment/next", NULL);
  g_assert_cmpint (by_arn->status, ==, 0);
  g_assert_true (g_str_has_prefix (by_arn->out, "https://next.airflow.example.test/"));

  /* "next" exists only in eu-west-1: --region must reach the request. */
  by_option = cli_fixture_run (fixture, "url", "--profile", "prod", "--region", "us-east-1", "next", NULL);
  g_assert_cmpint (by_option->status, ==, 6);
  g_assert_nonnull (strstr (by_option->err, "us-east-1"));
}

static void
test_url_conflicting_reference (CliFixture    *fixture,
                                gconstpointer  data)
{
  g_autoptr(CliResult) result = cli_fixture_run (fixture, "url", "--region", "eu-west-1",
                                                 "prod/us-east-1/analytics", NULL);

  g_assert_cmpint (result->status, ==, 2);
  g_assert_nonnull (strstr (result->err, "--region"));
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, NULL, "/"), ==, 0);
}

static void
test_url_not_found (CliFixture    *fixture,
                    gconstpointer  data)
{
  g_autoptr(CliResult) result = cli_fixture_run (fixture, "url", "missing", NULL);

  g_test_message ("stderr: %s", result->err);
  g_assert_cmpint (result->status, ==, 6);
  g_assert_cmpstr (result->out, ==, "");
  g_assert_nonnull (strstr (result->err, "missing"));
  g_assert_nonnull (strstr (result->err, "eu-west-1"));
  g_assert_nonnull (strstr (result->err, "windsock list"));
}

static void
test_url_invalid_name (CliFixture    *fixture,
                       gconstpointer  data)
{
  g_autoptr(CliResult) result = cli_fixture_run (fixture, "url", "bad name", NULL);

  g_assert_cmpint (result->status, ==, 2);
  g_assert_cmpstr (result->out, ==, "");
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, NULL, "/"), ==, 0);
}

static void
test_url_access_denied (CliFixture    *fixture,
                        gconstpointer  data)
{
  g_autoptr(CliResult) result = NULL;

  ws_fake_aws_push_response (fixture->fake, "POST", "/webtoken/analytics", 403,
                             "AccessDeniedException:http://internal.amazon.com/coral/", "application/json",
                             "{\"Message\":\"User is not authorized to perform airflow:CreateWebLoginToken\"}");
  result = cli_fixture_run (fixture, "url", "analytics", NULL);
  g_test_message ("stderr: %s", result->err);

  g_assert_cmpint (result->status, ==, 5);
  g_assert_nonnull (strstr (result->err, "Profile default is not allowed to open Airflow for analytics"));
  g_assert_nonnull (strstr (result->err, "airflow:CreateWebLoginToken"));
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, "POST", "/webtoken/"), ==, 1);
}

static void
test_url_no_credentials (CliFixture    *fixture,
                         gconstpointer  data)
{
  g_autoptr(CliResult) result = NULL;

  cli_fixture_write_aws (fixture, "credentials", "");
  result = cli_fixture_run (fixture, "url", "analytics", NULL);

  g_assert_cmpint (result->status, ==, 3);
  g_assert_cmpstr (result->out, ==, "");
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, NULL, "/"), ==, 0);
}

static void
test_url_no_region (CliFixture    *fixture,
                    gconstpointer  data)
{
  g_autoptr(CliResult) result = NULL;

  cli_fixture_write_aws (fixture, "config", "[default]\noutput = json\n");
  result = cli_fixture_run (fixture, "url", "analytics", NULL);

  g_assert_cmpint (result->status, ==, 3);
  g_assert_nonnull (strstr (result->err, "--region"));
}

static void
test_url_unknown_profile (CliFixture    *fixture,
                          gconstpointer  data)
{
  g_autoptr(CliResult) result = cli_fixture_run (fixture, "url", "--profile", "nope", "analytics", NULL);

  g_assert_cmpint (result->status, ==, 3);
  g_assert_nonnull (strstr (result->err, "nope"));
}

/* AWS_PROFILE naming a profile that does not exist says so, rather than
 * complaining about a missing region. */
static void
test_url_unknown_env_profile (CliFixture    *fixture,
                              gconstpointer  data)
{
  g_autoptr(CliResult) result = NULL;

  cli_fixture_setenv (fixture, "AWS_PROFILE", "typo");
  result = cli_fixture_run (fixture, "url", "analytics", NULL);

  g_assert_cmpint (result->status, ==, 3);
  g_assert_nonnull (strstr (result->err, "no profile “typo”"));
}

static void
test_url_malformed_config (CliFixture    *fixture,
                           gconstpointer  data)
{
  g_autoptr(CliResult) result = NULL;
  g_autofree char *path = g_build_filename (fixture->home, ".aws", "config", NULL);

  cli_fixture_write_aws (fixture, "config", "[default]\nregion = eu-west-1\nthis line is wrong\n");
  result = cli_fixture_run (fixture, "url", "analytics", NULL);

  g_assert_cmpint (result->status, ==, 3);
  g_assert_nonnull (strstr (result->err, path));
  g_assert_nonnull (strstr (result->err, "3"));
}

/* Environment credentials, and an explicit profile that overrides them. */
static void
test_url_environment_credentials (CliFixture    *fixture,
                                  gconstpointer  data)
{
  g_autoptr(CliResult) result = NULL;

  cli_fixture_write_aws (fixture, "credentials", "");
  cli_fixture_setenv (fixture, "AWS_ACCESS_KEY_ID", CLI_ACCESS_KEY);
  cli_fixture_setenv (fixture, "AWS_SECRET_ACCESS_KEY", CLI_SECRET_KEY);
  cli_fixture_setenv (fixture, "AWS_REGION", "us-east-1");
  result = cli_fixture_run (fixture, "url", "analytics", NULL);

  g_assert_cmpint (result->status, ==, 0);
  g_assert_true (g_str_has_prefix (result->out, "https://analytics.airflow.example.test/"));
}

/* The computer's clock is 20 minutes behind AWS: the first request is
 * refused as expired, the client corrects its clock from the answer's Date
 * and retries once; the user still gets the URL, and is told. */
static void
test_url_clock_skew (CliFixture    *fixture,
                     gconstpointer  data)
{
  g_autoptr(CliResult) result = NULL;

  ws_fake_aws_set_clock_offset (fixture->fake, 20 * G_TIME_SPAN_MINUTE);
  result = cli_fixture_run (fixture, "url", "analytics", NULL);

  g_assert_cmpint (result->status, ==, 0);
  g_assert_true (g_str_has_prefix (result->out, "https://analytics.airflow.example.test/"));
  g_assert_nonnull (strstr (result->err, "clock is 20 minutes off"));
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, "POST", "/webtoken/analytics"), ==, 2);
}

static void
test_secrets_stay_out_of_logs (CliFixture    *fixture,
                               gconstpointer  data)
{
  g_autoptr(CliResult) result = NULL;

  cli_fixture_setenv (fixture, "G_MESSAGES_DEBUG", "all");
  result = cli_fixture_run (fixture, "url", "analytics", NULL);

  g_assert_cmpint (result->status, ==, 0);
  assert_no_secrets (result->err);
}

static void
test_list (CliFixture    *fixture,
           gconstpointer  data)
{
  g_autoptr(CliResult) result = NULL;
  g_auto(GStrv) lines = NULL;

  /* 30 more environments: ListEnvironments returns at most 25 a page. */
  for (int i = 0; i < 30; i++)
    {
      g_autofree char *name = g_strdup_printf ("env-%02d", i);

      ws_fake_aws_add_environment (fixture->fake, "eu-west-1", name, "AVAILABLE", "2.10.3");
    }

  result = cli_fixture_run (fixture, "list", NULL);
  g_assert_cmpstr (result->err, ==, "");
  g_assert_cmpint (result->status, ==, 0);

  lines = g_strsplit (result->out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + 32 + 1);
  g_assert_true (g_str_has_prefix (lines[0], "NAME"));
  g_assert_true (g_str_has_prefix (lines[1], "analytics"));
  g_assert_nonnull (strstr (lines[1], "AVAILABLE"));
  g_assert_nonnull (strstr (lines[1], "2.10.3"));
  g_assert_true (g_str_has_prefix (lines[32], "next"));
  g_assert_nonnull (strstr (lines[32], "3.0.6"));
  /* Two pages of ListEnvironments, then one GetEnvironment each. */
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, "GET", "/environments"), ==, 2 + 32);
}

/* A server that pages forever gets a bounded number of requests. */
static void
test_list_endless_pages (CliFixture    *fixture,
                         gconstpointer  data)
{
  g_autoptr(CliResult) result = NULL;

  for (int i = 0; i < 401; i++)
    ws_fake_aws_push_response (fixture->fake, "GET", "/environments", 200, NULL, "application/json",
                               "{\"Environments\":[],\"NextToken\":\"again\"}");
  result = cli_fixture_run (fixture, "list", NULL);

  g_assert_cmpint (result->status, ==, 1);
  g_assert_nonnull (strstr (result->err, "more than 400 pages"));
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, "GET", "/environments"), ==, 400);
}

static void
test_list_json (CliFixture    *fixture,
                gconstpointer  data)
{
  g_autoptr(CliResult) result = cli_fixture_run (fixture, "list", "--profile", "prod", "--json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *environments;
  JsonObject *first;

  g_assert_cmpint (result->status, ==, 0);
  json_parser_load_from_data (parser, result->out, -1, &error);
  g_assert_no_error (error);

  environments = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (environments), ==, 1);
  first = json_array_get_object_element (environments, 0);
  g_assert_cmpstr (json_object_get_string_member (first, "Name"), ==, "analytics");
  g_assert_cmpstr (json_object_get_string_member (first, "Status"), ==, "UPDATING");
  g_assert_cmpstr (json_object_get_string_member (first, "AirflowVersion"), ==, "2.9.2");
  g_assert_cmpstr (json_object_get_string_member (first, "Profile"), ==, "prod");
  g_assert_cmpstr (json_object_get_string_member (first, "Region"), ==, "us-east-1");
}

static void
test_open (CliFixture    *fixture,
           gconstpointer  data)
{
  g_autofree char *record = ws_test_install_recording_browser (fixture->home, "recorder");
  g_autoptr(CliResult) result = cli_fixture_run (fixture, "open", "analytics", NULL);
  g_autofree char *opened = NULL;

  g_assert_cmpstr (result->err, ==, "");
  g_assert_cmpint (result->status, ==, 0);
  g_assert_cmpstr (result->out, ==, "");

  /* A redirect page, never the login URL on the browser's command line. */
  opened = ws_test_wait_for_file (record);
  g_assert_nonnull (opened);
  g_assert_null (strstr (opened, "aws-console-sso"));
  g_free (opened);
  opened = ws_test_wait_for_browser (record);
  g_assert_true (g_str_has_prefix (opened,
                                   "https://analytics.airflow.example.test/aws_mwaa/aws-console-sso?login=true#token-analytics-"));
}

/* windsock login --use-device-code: device authorization (one pending
 * poll), the AWS CLI's cache written 0600, then an SSO profile opens Airflow
 * with it. */
static void
test_login_then_url (CliFixture    *fixture,
                     gconstpointer  data)
{
  g_autofree char *record = ws_test_install_recording_browser (fixture->home, "recorder");
  /* SHA-1 of the sso-session name "corp", as the AWS CLI names it. */
  g_autofree char *cache = g_build_filename (fixture->home, ".aws", "sso", "cache",
                                             "ee0bfd2552fbd840c02cc48b6e823320543c450f.json", NULL);
  g_autoptr(CliResult) login = NULL;
  g_autoptr(CliResult) url = NULL;
  g_autofree char *opened = NULL;
  g_autofree char *cached = NULL;
  GStatBuf st;

  cli_fixture_write_aws (fixture, "config", CLI_SSO_PROFILE);
  cli_fixture_write_aws (fixture, "credentials", "");
  ws_fake_aws_add_credentials (fixture->fake, "ASIASSOROLE", "sso/role/secret", "sso-session-token");
  ws_fake_aws_push_response (fixture->fake, "POST", "/client/register", 200, NULL, "application/json",
                             "{\"clientId\":\"cid\",\"clientSecret\":\"csecret\","
                             "\"clientIdIssuedAt\":1700000000,\"clientSecretExpiresAt\":4102444800}");
  ws_fake_aws_push_response (fixture->fake, "POST", "/device_authorization", 200, NULL, "application/json",
                             "{\"deviceCode\":\"dc\",\"userCode\":\"ABCD-EFGH\","
                             "\"verificationUri\":\"https://device.sso.us-east-1.amazonaws.com/\","
                             "\"verificationUriComplete\":\"https://device.sso.us-east-1.amazonaws.com/?user_code=ABCD-EFGH\","
                             "\"expiresIn\":600,\"interval\":1}");
  ws_fake_aws_push_response (fixture->fake, "POST", "/token", 400,
                             "AuthorizationPendingException:http://internal.amazon.com/coral/", "application/json",
                             "{\"error\":\"authorization_pending\"}");
  ws_fake_aws_push_response (fixture->fake, "POST", "/token", 200, NULL, "application/json",
                             "{\"accessToken\":\"sso-access-token\",\"tokenType\":\"Bearer\","
                             "\"expiresIn\":28800,\"refreshToken\":\"sso-refresh-token\"}");

  login = cli_fixture_run (fixture, "login", "--use-device-code", "sso-dev", NULL);
  g_assert_cmpstr (login->err, ==, "");
  g_assert_cmpint (login->status, ==, 0);
  g_assert_nonnull (strstr (login->out, "ABCD-EFGH"));
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, "GET", "/authorize"), ==, 0);
  g_assert_null (strstr (login->out, "sso-access-token"));
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, "POST", "/token"), ==, 2);

  opened = ws_test_wait_for_browser (record);
  g_assert_cmpstr (opened, ==, "https://device.sso.us-east-1.amazonaws.com/?user_code=ABCD-EFGH");

  g_assert_cmpint (g_stat (cache, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (g_file_get_contents (cache, &cached, NULL, NULL));
  g_assert_nonnull (strstr (cached, "\"accessToken\""));
  g_assert_nonnull (strstr (cached, "https://corp.awsapps.com/start"));

  ws_fake_aws_push_response (fixture->fake, "GET", "/federation/credentials", 200, NULL, "application/json",
                             "{\"roleCredentials\":{\"accessKeyId\":\"ASIASSOROLE\","
                             "\"secretAccessKey\":\"sso/role/secret\",\"sessionToken\":\"sso-session-token\","
                             "\"expiration\":4102444800000}}");
  url = cli_fixture_run (fixture, "url", "--profile", "sso-dev", "analytics", NULL);
  g_assert_cmpstr (url->err, ==, "");
  g_assert_cmpint (url->status, ==, 0);
  g_assert_true (g_str_has_prefix (url->out, "https://analytics.airflow.example.test/"));
  {
    g_autofree char *bearer = ws_fake_aws_get_last_header (fixture->fake, "/federation/credentials",
                                                           "x-amz-sso_bearer_token");
    g_assert_cmpstr (bearer, ==, "sso-access-token");
  }
}

/* SHA-1 of the sso-session name "corp", as the AWS CLI names it. */
#define CORP_CACHE_FILE "ee0bfd2552fbd840c02cc48b6e823320543c450f.json"

/* The test plays the browser that `windsock login` opens: once the
 * recording browser was run with the authorize address, it follows it
 * (maybe with a forged state) to the CLI's loopback listener. */
typedef struct
{
  WsFakeAws  *fake;
  char       *record;
  const char *forged_state;
  gboolean    followed;
  guint       status;
  char       *page;
  GError     *error;
} Browser;

static void
on_followed (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Browser *browser = user_data;

  ws_fake_aws_follow_authorize_finish (WS_FAKE_AWS (source), result, &browser->status,
                                       &browser->page, &browser->error);
  browser->followed = TRUE;
}

static gboolean
browse_once_opened (gpointer user_data)
{
  Browser *browser = user_data;
  g_autofree char *recorded = NULL;
  g_autofree char *address = NULL;

  /* The recording browser writes its record atomically. */
  if (!g_file_get_contents (browser->record, &recorded, NULL, NULL))
    return G_SOURCE_CONTINUE;
  /* A redirect page: the request's state is not on a command line. */
  g_assert_null (strstr (recorded, "state="));
  address = ws_test_browser_resolve (recorded);

  if (browser->forged_state != NULL)
    {
      g_autoptr(GRegex) regex = g_regex_new ("([?&]state=)[^&]*", 0, 0, NULL);
      g_autofree char *replacement = g_strdup_printf ("\\g<1>%s", browser->forged_state);
      char *forged = g_regex_replace (regex, address, -1, 0, replacement, 0, NULL);

      g_free (address);
      address = forged;
    }

  ws_fake_aws_follow_authorize_async (browser->fake, address, NULL, on_followed, browser);
  return G_SOURCE_REMOVE;
}

/* Runs `windsock login ARGS… sso-dev` with the test as its browser. */
static CliResult *
run_login_with_browser (CliFixture *fixture,
                        Browser    *browser,
                        const char *option)
{
  CliResult *result;
  guint watch;

  browser->fake = fixture->fake;
  browser->record = ws_test_install_recording_browser (fixture->home, "recorder");
  cli_fixture_write_aws (fixture, "config", CLI_SSO_PROFILE);
  watch = g_timeout_add (20, browse_once_opened, browser);

  result = option != NULL ? cli_fixture_run (fixture, "login", option, "sso-dev", NULL)
                          : cli_fixture_run (fixture, "login", "sso-dev", NULL);

  if (!browser->followed)
    g_source_remove (watch);
  return result;
}

static void
browser_clear (Browser *browser)
{
  g_free (browser->record);
  g_free (browser->page);
  g_clear_error (&browser->error);
}

/* windsock login: the authorization code with PKCE by default, the
 * browser redirected back to the CLI, the AWS CLI's cache written 0600. */
static void
test_login_pkce (CliFixture    *fixture,
                 gconstpointer  data)
{
  g_autofree char *cache = g_build_filename (fixture->home, ".aws", "sso", "cache", CORP_CACHE_FILE, NULL);
  g_autofree char *prefix = g_strdup_printf ("%s/authorize?response_type=code&", ws_fake_aws_get_url (fixture->fake));
  g_autoptr(CliResult) login = NULL;
  g_autofree char *cached = NULL;
  Browser browser = { 0 };
  GStatBuf st;

  login = run_login_with_browser (fixture, &browser, NULL);
  g_assert_cmpstr (login->err, ==, "");
  g_assert_cmpint (login->status, ==, 0);
  g_assert_nonnull (strstr (login->out, prefix));
  g_assert_nonnull (strstr (login->out, "Signed in"));

  g_assert_true (browser.followed);
  g_assert_no_error (browser.error);
  g_assert_cmpuint (browser.status, ==, 200);
  g_assert_nonnull (strstr (browser.page, "Signed in"));
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, "POST", "/device_authorization"), ==, 0);

  g_assert_cmpint (g_stat (cache, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (g_file_get_contents (cache, &cached, NULL, NULL));
  g_assert_nonnull (strstr (cached, "\"accessToken\":\"fake-access-token-3\""));
  g_assert_nonnull (strstr (cached, "\"refreshToken\":\"fake-refresh-token-3\""));
  /* Neither the code nor the tokens are printed. */
  g_assert_null (strstr (login->out, "fake-code-"));
  g_assert_null (strstr (login->out, "fake-access-token"));
  browser_clear (&browser);
}

static void
test_login_pkce_denied (CliFixture    *fixture,
                        gconstpointer  data)
{
  g_autoptr(CliResult) login = NULL;
  Browser browser = { 0 };

  ws_fake_aws_set_authorize_error (fixture->fake, "access_denied");
  login = run_login_with_browser (fixture, &browser, NULL);
  g_assert_cmpint (login->status, ==, 5);
  g_assert_nonnull (strstr (login->err, "denied in the browser"));
  g_assert_nonnull (strstr (login->err, "windsock login sso-dev"));
  g_assert_nonnull (strstr (browser.page, "denied in the browser"));
  browser_clear (&browser);
}

static void
test_login_pkce_state_mismatch (CliFixture    *fixture,
                                gconstpointer  data)
{
  g_autofree char *cache = g_build_filename (fixture->home, ".aws", "sso", "cache", CORP_CACHE_FILE, NULL);
  g_autoptr(CliResult) login = NULL;
  Browser browser = { .forged_state = "forged" };

  login = run_login_with_browser (fixture, &browser, NULL);
  g_assert_cmpint (login->status, ==, 1);
  g_assert_nonnull (strstr (login->err, "other than this one"));
  g_assert_cmpuint (browser.status, ==, 400);
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, "POST", "/token"), ==, 0);
  g_assert_false (g_file_test (cache, G_FILE_TEST_EXISTS));
  browser_clear (&browser);
}

/* --no-browser prints the page and opens nothing. */
static void
test_login_no_browser (CliFixture    *fixture,
                       gconstpointer  data)
{
  g_autofree char *record = ws_test_install_recording_browser (fixture->home, "recorder");
  g_autoptr(CliResult) login = NULL;

  cli_fixture_write_aws (fixture, "config", CLI_SSO_PROFILE);
  ws_fake_aws_push_response (fixture->fake, "POST", "/device_authorization", 200, NULL, "application/json",
                             "{\"deviceCode\":\"dc\",\"userCode\":\"ABCD-EFGH\","
                             "\"verificationUri\":\"https://device.sso.us-east-1.amazonaws.com/\","
                             "\"verificationUriComplete\":\"https://device.sso.us-east-1.amazonaws.com/?user_code=ABCD-EFGH\","
                             "\"expiresIn\":600,\"interval\":1}");
  ws_fake_aws_push_response (fixture->fake, "POST", "/token", 200, NULL, "application/json",
                             "{\"accessToken\":\"sso-access-token\",\"tokenType\":\"Bearer\",\"expiresIn\":28800}");

  login = cli_fixture_run (fixture, "login", "--use-device-code", "--no-browser", "sso-dev", NULL);
  g_assert_cmpstr (login->err, ==, "");
  g_assert_cmpint (login->status, ==, 0);
  g_assert_nonnull (strstr (login->out, "https://device.sso.us-east-1.amazonaws.com/?user_code=ABCD-EFGH"));
  g_assert_false (g_file_test (record, G_FILE_TEST_EXISTS));
}

static void
test_sso_login_required (CliFixture    *fixture,
                         gconstpointer  data)
{
  g_autoptr(CliResult) result = NULL;

  cli_fixture_write_aws (fixture, "config", CLI_SSO_PROFILE);
  result = cli_fixture_run (fixture, "open", "--profile", "sso-dev", "analytics", NULL);

  g_assert_cmpint (result->status, ==, 4);
  g_assert_nonnull (strstr (result->err, "windsock login sso-dev"));
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, NULL, "/"), ==, 0);
}

static void
test_help (CliFixture    *fixture,
           gconstpointer  data)
{
  g_autoptr(CliResult) top = cli_fixture_run (fixture, "--help", NULL);
  g_autoptr(CliResult) url = cli_fixture_run (fixture, "url", "--help", NULL);
  g_autoptr(CliResult) unknown = cli_fixture_run (fixture, "frobnicate", NULL);
  g_autoptr(CliResult) missing = cli_fixture_run (fixture, "url", NULL);

  g_assert_cmpint (top->status, ==, 0);
  g_assert_nonnull (strstr (top->out, "Exit status"));
  g_assert_nonnull (strstr (top->out, "login"));
  g_assert_cmpint (url->status, ==, 0);
  g_assert_nonnull (strstr (url->out, "windsock url [OPTION…] ENV"));
  g_assert_nonnull (strstr (url->out, "--profile"));
  g_assert_nonnull (strstr (url->out, "--region"));
  g_assert_cmpint (unknown->status, ==, 2);
  g_assert_nonnull (strstr (unknown->err, "frobnicate"));
  g_assert_cmpint (missing->status, ==, 2);
  g_assert_nonnull (strstr (top->out, "pick"));
  g_assert_nonnull (strstr (top->out, "autostart"));
}

/* The login entry: written by "on", reported by "status", gone after "off". */
static void
test_autostart (CliFixture    *fixture,
                gconstpointer  data)
{
  g_autofree char *entry = g_build_filename (fixture->home, ".config", "autostart",
                                             "io.github.windsock.Windsock.desktop", NULL);
  g_autoptr(CliResult) on = cli_fixture_run (fixture, "autostart", "on", NULL);
  g_autoptr(CliResult) status = NULL;
  g_autoptr(CliResult) off = NULL;
  g_autoptr(CliResult) bad = NULL;
  g_autofree char *text = NULL;

  g_assert_cmpint (on->status, ==, 0);
  g_assert_true (g_file_get_contents (entry, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "Exec=windsock"));
  status = cli_fixture_run (fixture, "autostart", "status", NULL);
  g_assert_nonnull (strstr (status->out, "starts when you log in"));
  off = cli_fixture_run (fixture, "autostart", "off", NULL);
  g_assert_cmpint (off->status, ==, 0);
  g_assert_false (g_file_test (entry, G_FILE_TEST_EXISTS));
  g_assert_nonnull (strstr (off->out, "does not start"));
  bad = cli_fixture_run (fixture, "autostart", "maybe", NULL);
  g_assert_cmpint (bad->status, ==, 2);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, CliFixture, NULL, set_up, func, tear_down)

  ADD ("/cli/url", test_url);
  ADD ("/cli/url/airflow3", test_url_airflow3);
  ADD ("/cli/url/cached-version", test_url_cached_version);
  ADD ("/cli/url/get-environment-denied", test_url_get_environment_denied);
  ADD ("/cli/url/full-reference", test_url_full_reference);
  ADD ("/cli/url/conflicting-reference", test_url_conflicting_reference);
  ADD ("/cli/url/not-found", test_url_not_found);
  ADD ("/cli/url/invalid-name", test_url_invalid_name);
  ADD ("/cli/url/access-denied", test_url_access_denied);
  ADD ("/cli/url/no-credentials", test_url_no_credentials);
  ADD ("/cli/url/no-region", test_url_no_region);
  ADD ("/cli/url/unknown-profile", test_url_unknown_profile);
  ADD ("/cli/url/unknown-env-profile", test_url_unknown_env_profile);
  ADD ("/cli/url/malformed-config", test_url_malformed_config);
  ADD ("/cli/url/environment-credentials", test_url_environment_credentials);
  ADD ("/cli/url/clock-skew", test_url_clock_skew);
  ADD ("/cli/url/secrets-stay-out-of-logs", test_secrets_stay_out_of_logs);
  ADD ("/cli/list", test_list);
  ADD ("/cli/list/json", test_list_json);
  ADD ("/cli/list/endless-pages", test_list_endless_pages);
  ADD ("/cli/open", test_open);
  ADD ("/cli/login-then-url", test_login_then_url);
  ADD ("/cli/login/pkce", test_login_pkce);
  ADD ("/cli/login/pkce-denied", test_login_pkce_denied);
  ADD ("/cli/login/pkce-state-mismatch", test_login_pkce_state_mismatch);
  ADD ("/cli/login/no-browser", test_login_no_browser);
  ADD ("/cli/sso-login-required", test_sso_login_required);
  ADD ("/cli/help", test_help);
  ADD ("/cli/autostart", test_autostart);

#undef ADD

  return g_test_run ();
}
