/* test-faults.c — the fault matrix end to end: every row run through the
 * real `windsock` CLI and through the real service (a private bus, the
 * service process, an action activated over D-Bus), against the SoupServer
 * fake of AWS made to fail
 *
 * Each row says what the user must be told (the CLI's exit code and a part
 * of its one-sentence error; the same words in the service's notification),
 * how many CreateWebLoginToken attempts the fake must have seen, and that
 * it ended well within a bound (no default 30 s timeout waited for). The
 * service must still answer on the bus after every row.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <string.h>

#include "cli-fixture.h"
#include "ws-test-browser.h"
#include "ws-test-service.h"
#include "ws-test-sni-host.h"
#include "ws-test-util.h"

#define ENV_REF       "default/eu-west-1/analytics"
#define WEBTOKEN_PATH "/webtoken/analytics"
/* Far above any row (the slowest waits 2 × a 1 s read timeout plus
 * backoff), far below the 30 s default timeout a broken row would wait. */
#define ROW_BOUND_S   25

typedef struct
{
  CliFixture     cli;
  WsFakeAws     *tls_fake;
  WsTestService  service;  /* set up for the service's rows only */
  char          *browser_record;
} Fixture;

typedef struct
{
  const char *name;
  /* Makes the fake (or the set-up) fail the way the row says. */
  void      (*arrange) (Fixture *fixture);
  /* What is opened: ENV_REF when NULL. */
  const char *ref;
  /* `windsock list` / a refresh of the service's catalog instead. */
  gboolean    discovery;
  /* The CLI's exit code (README "Exit codes"); 0: the URL came. */
  int         exit_code;
  /* Part of the error the user reads (stderr, the notification's body),
   * or on success of the CLI's warning; NULL: none. */
  const char *says;
  /* CreateWebLoginToken requests the fake saw; -1: not counted (the
   * request went elsewhere or never got out). */
  int         attempts;
  /* The user cancelled a window of the service: no notification then. */
  gboolean    cancelled;
} FaultRow;

/* --- Arrangements ------------------------------------------------------------ */

static void
push_webtoken (Fixture    *fixture,
               guint       status,
               const char *error_type,
               const char *content_type,
               const char *body)
{
  ws_fake_aws_push_response (fixture->cli.fake, "POST", WEBTOKEN_PATH, status, error_type, content_type, body);
}

static void
push_webtoken_error (Fixture    *fixture,
                     guint       status,
                     const char *error_type,
                     const char *message)
{
  g_autofree char *body = g_strdup_printf ("{\"Message\":\"%s\"}", message);

  push_webtoken (fixture, status, error_type, "application/x-amz-json-1.1", body);
}

static void
arrange_500 (Fixture *fixture)
{
  push_webtoken_error (fixture, 500, "InternalServerException", "Internal failure");
}

static void
arrange_502 (Fixture *fixture)
{
  push_webtoken (fixture, 502, NULL, "text/html", "<html><body>Bad Gateway</body></html>");
}

static void
arrange_503 (Fixture *fixture)
{
  push_webtoken_error (fixture, 503, "ServiceUnavailableException", "Service unavailable");
}

static void
arrange_504 (Fixture *fixture)
{
  push_webtoken (fixture, 504, NULL, "text/html", "<html><body>Gateway Timeout</body></html>");
}

/* The standard mode's 3 attempts, all refused. */
static void
arrange_429 (Fixture *fixture)
{
  for (guint i = 0; i < 3; i++)
    push_webtoken_error (fixture, 429, "TooManyRequestsException", "Too many requests");
}

static void
arrange_throttling (Fixture *fixture)
{
  for (guint i = 0; i < 3; i++)
    push_webtoken_error (fixture, 400, "ThrottlingException", "Rate exceeded");
}

static void
arrange_refused (Fixture *fixture)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, 0, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autofree char *url = NULL;
  g_autoptr(GError) error = NULL;

  /* Bound but never listening, and closed with the socket: refused. */
  g_socket_bind (socket, address, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  url = g_strdup_printf ("http://127.0.0.1:%u", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  cli_fixture_setenv (&fixture->cli, "AWS_ENDPOINT_URL", url);
}

static void
arrange_reset (Fixture *fixture)
{
  ws_fake_aws_push_fault (fixture->cli.fake, "POST", WEBTOKEN_PATH, WS_FAKE_AWS_FAULT_RESET);
}

/* Two attempts of a second each, as the AWS CLI's cli_read_timeout says. */
static void
arrange_hang (Fixture *fixture)
{
  cli_fixture_write_aws (&fixture->cli, "config", "[default]\nregion = eu-west-1\ncli_read_timeout = 1\n");
  cli_fixture_setenv (&fixture->cli, "AWS_MAX_ATTEMPTS", "2");
  for (guint i = 0; i < 2; i++)
    ws_fake_aws_push_fault (fixture->cli.fake, "POST", WEBTOKEN_PATH, WS_FAKE_AWS_FAULT_HANG);
}

static void
arrange_truncated (Fixture *fixture)
{
  push_webtoken (fixture, 200, NULL, "application/json", "{\"WebToken\":\"tok");
}

static void
arrange_wrong_types (Fixture *fixture)
{
  push_webtoken (fixture, 200, NULL, "application/json", "{\"WebToken\":42,\"WebServerHostname\":[true]}");
}

static void
arrange_missing_fields (Fixture *fixture)
{
  push_webtoken (fixture, 200, NULL, "application/json", "{\"IamIdentity\":\"x\"}");
}

static void
arrange_huge_body (Fixture *fixture)
{
  gsize size = 11 * 1024 * 1024;
  g_autofree char *body = g_malloc (size + 1);

  memset (body, ' ', size);
  body[0] = '{';
  body[size - 1] = '}';
  body[size] = '\0';
  push_webtoken (fixture, 200, NULL, "application/json", body);
}

static void
arrange_wrong_content_type (Fixture *fixture)
{
  push_webtoken (fixture, 200, NULL, "text/html", "<html><body>Sign in to the proxy</body></html>");
}

static void
arrange_invalid_signature (Fixture *fixture)
{
  push_webtoken_error (fixture, 403, "InvalidSignatureException",
                       "The request signature we calculated does not match the signature you provided.");
}

static void
arrange_expired_token (Fixture *fixture)
{
  push_webtoken_error (fixture, 403, "ExpiredTokenException", "The security token included in the request is expired");
}

static void
arrange_unrecognized_client (Fixture *fixture)
{
  push_webtoken_error (fixture, 403, "UnrecognizedClientException",
                       "The security token included in the request is invalid.");
}

static void
arrange_access_denied (Fixture *fixture)
{
  push_webtoken_error (fixture, 403, "AccessDeniedException",
                       "User: arn:aws:iam::123456789012:user/me is not authorized to perform: "
                       "airflow:CreateWebLoginToken on resource: "
                       "arn:aws:airflow:eu-west-1:123456789012:role/analytics/Admin");
}

static void
arrange_not_found (Fixture *fixture)
{
  push_webtoken_error (fixture, 404, "ResourceNotFoundException", "Environment analytics not found");
}

static void
arrange_clock_skew (Fixture *fixture)
{
  ws_fake_aws_set_clock_offset (fixture->cli.fake, 20 * G_TIME_SPAN_MINUTE);
}

/* `.invalid` never resolves (RFC 6761): no query leaves for it. */
static void
arrange_dns (Fixture *fixture)
{
  cli_fixture_setenv (&fixture->cli, "AWS_ENDPOINT_URL", "https://nonexistent.invalid");
}

/* A self-signed certificate nobody trusts: refused, never bypassed. */
static void
arrange_untrusted_tls (Fixture *fixture)
{
  g_autofree char *ca_path = NULL;
  g_autoptr(GTlsCertificate) certificate = ws_test_make_certificate (fixture->cli.home, "IP:127.0.0.1", &ca_path);

  fixture->tls_fake = ws_fake_aws_new_tls (certificate);
  ws_fake_aws_add_credentials (fixture->tls_fake, CLI_ACCESS_KEY, CLI_SECRET_KEY, NULL);
  ws_fake_aws_add_environment (fixture->tls_fake, "eu-west-1", "analytics", "AVAILABLE", "2.10.3");
  cli_fixture_setenv (&fixture->cli, "AWS_ENDPOINT_URL", ws_fake_aws_get_url (fixture->tls_fake));
}

#define SSO_CONFIG \
  "[default]\n" \
  "region = eu-west-1\n" \
  "[profile sso-dev]\n" \
  "sso_session = corp\n" \
  "sso_account_id = 123456789012\n" \
  "sso_role_name = Admin\n" \
  "region = eu-west-1\n" \
  "[sso-session corp]\n" \
  "sso_start_url = https://corp.awsapps.com/start\n" \
  "sso_region = eu-west-1\n"

/* An SSO token of `aws sso login` that expired an hour ago, in the AWS
 * CLI's cache (named by the SHA-1 of the session name). */
static void
write_expired_sso_token (Fixture  *fixture,
                         gboolean  with_refresh_token)
{
  g_autofree char *dir = g_build_filename (fixture->cli.home, ".aws", "sso", "cache", NULL);
  g_autofree char *name = g_compute_checksum_for_string (G_CHECKSUM_SHA1, "corp", -1);
  g_autofree char *file = g_strconcat (name, ".json", NULL);
  g_autofree char *path = g_build_filename (dir, file, NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) expired = g_date_time_add_hours (now, -1);
  g_autoptr(GDateTime) registered_until = g_date_time_add_days (now, 30);
  g_autofree char *expired_text = g_date_time_format (expired, "%Y-%m-%dT%H:%M:%SZ");
  g_autofree char *registered_text = g_date_time_format (registered_until, "%Y-%m-%dT%H:%M:%SZ");
  g_autofree char *json = NULL;
  g_autoptr(GError) error = NULL;

  cli_fixture_write_aws (&fixture->cli, "config", SSO_CONFIG);
  if (with_refresh_token)
    json = g_strdup_printf ("{\"startUrl\":\"https://corp.awsapps.com/start\",\"region\":\"eu-west-1\","
                            "\"accessToken\":\"expired-access-token\",\"expiresAt\":\"%s\","
                            "\"refreshToken\":\"revoked-refresh-token\",\"clientId\":\"fake-client-1\","
                            "\"clientSecret\":\"fake-client-secret-1\",\"registrationExpiresAt\":\"%s\"}",
                            expired_text, registered_text);
  else
    json = g_strdup_printf ("{\"startUrl\":\"https://corp.awsapps.com/start\",\"region\":\"eu-west-1\","
                            "\"accessToken\":\"expired-access-token\",\"expiresAt\":\"%s\"}", expired_text);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (path, json, -1, &error);
  g_assert_no_error (error);
}

static void
arrange_sso_expired (Fixture *fixture)
{
  write_expired_sso_token (fixture, FALSE);
}

static void
arrange_sso_refresh_refused (Fixture *fixture)
{
  write_expired_sso_token (fixture, TRUE);
}

/* Profile "proc" gets its keys from a script of @body. */
static void
write_credential_process (Fixture    *fixture,
                          const char *body)
{
  g_autofree char *script = g_build_filename (fixture->cli.home, "credential-process", NULL);
  g_autofree char *text = g_strconcat ("#!/bin/sh\n", body, "\n", NULL);
  g_autofree char *config = NULL;
  g_autoptr(GError) error = NULL;

  g_file_set_contents (script, text, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (script, 0700), ==, 0);
  config = g_strdup_printf ("[default]\nregion = eu-west-1\n"
                            "[profile proc]\nregion = eu-west-1\ncredential_process = %s\n", script);
  cli_fixture_write_aws (&fixture->cli, "config", config);
}

static void
arrange_process_fails (Fixture *fixture)
{
  write_credential_process (fixture, "echo 'token expired, run sso-helper' >&2; exit 3");
}

static void
arrange_process_garbage (Fixture *fixture)
{
  write_credential_process (fixture, "echo 'AccessKeyId=AKID SecretAccessKey=oops'");
}

/* It never ends: stopped after WINDSOCK_CREDENTIAL_PROCESS_TIMEOUT (1 s
 * here, instead of a minute). */
static void
arrange_process_hangs (Fixture *fixture)
{
  write_credential_process (fixture, "exec sleep 600");
  cli_fixture_setenv (&fixture->cli, "WINDSOCK_CREDENTIAL_PROCESS_TIMEOUT", "1");
}

static void
arrange_process_huge (Fixture *fixture)
{
  write_credential_process (fixture, "head -c 10485760 /dev/zero | tr '\\0' x");
}

#define ROLE_CONFIG \
  "[default]\nregion = eu-west-1\n" \
  "[profile admin]\nregion = eu-west-1\nsource_profile = default\n" \
  "role_arn = arn:aws:iam::123456789012:role/Admin\n"

static void
point_sts_at_fake (Fixture *fixture)
{
  g_autofree char *sts_url = g_strconcat (ws_fake_aws_get_url (fixture->cli.fake), "/sts", NULL);

  cli_fixture_setenv (&fixture->cli, "AWS_ENDPOINT_URL_STS", sts_url);
}

static void
arrange_assume_role_denied (Fixture *fixture)
{
  point_sts_at_fake (fixture);
  cli_fixture_write_aws (&fixture->cli, "config", ROLE_CONFIG);
  /* The catalog's discovery may ask too. */
  for (guint i = 0; i < 3; i++)
    ws_fake_aws_push_response (fixture->cli.fake, "POST", "/sts", 403, NULL, "text/xml",
                               "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>"
                               "<Message>User: arn:aws:iam::123456789012:user/me is not authorized to perform: "
                               "sts:AssumeRole on resource: arn:aws:iam::123456789012:role/Admin</Message>"
                               "</Error><RequestId>r</RequestId></ErrorResponse>");
}

/* The CLI reads the code on stdin, which is closed; the service's window
 * (WINDSOCK_UI, set in the fixture) exits without one. */
static void
arrange_mfa_cancelled (Fixture *fixture)
{
  point_sts_at_fake (fixture);
  cli_fixture_write_aws (&fixture->cli, "config",
                         ROLE_CONFIG "mfa_serial = arn:aws:iam::123456789012:mfa/me\n");
}

/* Every ListEnvironments connection drops mid-answer. */
static void
arrange_discovery_drops (Fixture *fixture)
{
  for (guint i = 0; i < 3; i++)
    ws_fake_aws_push_fault (fixture->cli.fake, "GET", "/environments", WS_FAKE_AWS_FAULT_RESET);
}

/* --- The table ---------------------------------------------------------------- */

static const FaultRow rows[] = {
  { "http-500-then-ok", arrange_500, NULL, FALSE, 0, NULL, 2 },
  { "http-502-then-ok", arrange_502, NULL, FALSE, 0, NULL, 2 },
  { "http-503-then-ok", arrange_503, NULL, FALSE, 0, NULL, 2 },
  { "http-504-then-ok", arrange_504, NULL, FALSE, 0, NULL, 2 },
  { "http-429-gives-up", arrange_429, NULL, FALSE, 7, "AWS is throttling CreateWebLoginToken", 3 },
  { "throttling-gives-up", arrange_throttling, NULL, FALSE, 7, "AWS is throttling CreateWebLoginToken", 3 },
  { "connection-refused", arrange_refused, NULL, FALSE, 7, "Connection refused", -1 },
  { "reset-mid-response-then-ok", arrange_reset, NULL, FALSE, 0, NULL, 2 },
  { "never-answers", arrange_hang, NULL, FALSE, 7, "127.0.0.1 did not answer in time", 2 },
  { "truncated-json", arrange_truncated, NULL, FALSE, 1, "invalid CreateWebLoginToken response", 1 },
  { "json-wrong-types", arrange_wrong_types, NULL, FALSE, 1, "WebToken” is not a string", 1 },
  { "json-missing-fields", arrange_missing_fields, NULL, FALSE, 1, "WebToken” is missing", 1 },
  { "huge-body", arrange_huge_body, NULL, FALSE, 1, "larger than 10 MiB", 1 },
  { "wrong-content-type", arrange_wrong_content_type, NULL, FALSE, 1, "invalid CreateWebLoginToken response", 1 },
  { "invalid-signature", arrange_invalid_signature, NULL, FALSE, 3, "check the access key and secret", 1 },
  { "expired-token", arrange_expired_token, NULL, FALSE, 3, "have expired; refresh them or sign in again", 1 },
  { "unrecognized-client", arrange_unrecognized_client, NULL, FALSE, 3, "check the access key and secret", 1 },
  { "access-denied", arrange_access_denied, NULL, FALSE, 5, "(airflow:CreateWebLoginToken denied). Ask your administrator for an Airflow role on "
    "arn:aws:airflow:eu-west-1:<account>:role/analytics/<role>", 1 },
  { "not-found", arrange_not_found, NULL, FALSE, 6, "no environment analytics in eu-west-1", 1 },
  { "clock-20-minutes-off", arrange_clock_skew, NULL, FALSE, 0, "clock is 20 minutes off", 2 },
  { "dns-failure", arrange_dns, NULL, FALSE, 7, "Could not find the server nonexistent.invalid", -1 },
  { "tls-untrusted", arrange_untrusted_tls, NULL, FALSE, 7, "The certificate of 127.0.0.1 is not trusted", -1 },
  { "sso-expired", arrange_sso_expired, "sso-dev/eu-west-1/analytics", FALSE, 4, "windsock login sso-dev", 0 },
  { "sso-refresh-refused", arrange_sso_refresh_refused, "sso-dev/eu-west-1/analytics", FALSE, 4,
    "windsock login sso-dev", 0 },
  { "credential-process-fails", arrange_process_fails, "proc/eu-west-1/analytics", FALSE, 3,
    "token expired, run sso-helper", 0 },
  { "credential-process-garbage", arrange_process_garbage, "proc/eu-west-1/analytics", FALSE, 3,
    "did not print a JSON object", 0 },
  { "credential-process-hangs", arrange_process_hangs, "proc/eu-west-1/analytics", FALSE, 3,
    "did not finish within 1 second and was stopped", 0 },
  { "credential-process-10mb", arrange_process_huge, "proc/eu-west-1/analytics", FALSE, 3,
    "printed more than 1 MiB", 0 },
  { "assume-role-denied", arrange_assume_role_denied, "admin/eu-west-1/analytics", FALSE, 5,
    "sts:AssumeRole", 0 },
  { "mfa-cancelled", arrange_mfa_cancelled, "admin/eu-west-1/analytics", FALSE, 4, "needs an MFA code", 0, TRUE },
  { "discovery-drops", arrange_discovery_drops, NULL, TRUE, 7, "Could not reach 127.0.0.1", -1 },
};

/* --- Fixture ------------------------------------------------------------------- */

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *ui = NULL;
  g_autofree char *ui_script = NULL;

  cli_fixture_set_up (&fixture->cli);
  ws_test_service_write_default_profile (&fixture->cli);
  ws_fake_aws_add_environment (fixture->cli.fake, "eu-west-1", "analytics", "AVAILABLE", "2.10.3");

  /* The windows (picker, sign-in, MFA) close at once without an answer;
   * each one's arguments go to HOME/ui.log. */
  ui = g_build_filename (fixture->cli.home, "windsock-ui", NULL);
  ui_script = g_strdup_printf ("#!/bin/sh\necho \"$*\" >> '%s/ui.log'\nexit 0\n", fixture->cli.home);
  ws_test_service_install_ui (&fixture->cli, ui, ui_script);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *log = NULL;

  if (fixture->service.process != NULL)
    ws_test_service_quit (&fixture->service);
  /* Whatever the service printed must hold no secret. */
  if (fixture->service.log_path != NULL
      && g_file_get_contents (fixture->service.log_path, &log, NULL, NULL))
    {
      g_assert_null (strstr (log, CLI_SECRET_KEY));
      g_assert_null (strstr (log, "token-analytics"));
    }
  ws_test_service_tear_down (&fixture->service);
  g_clear_object (&fixture->tls_fake);
  g_clear_pointer (&fixture->browser_record, g_free);
  cli_fixture_tear_down (&fixture->cli);
}

static void
assert_says (const char *text,
             const char *part)
{
  if (strstr (text, part) == NULL)
    g_error ("“%s” does not say “%s”", text, part);
  g_assert_null (strstr (text, CLI_SECRET_KEY));
  g_assert_null (strstr (text, "token-analytics"));
}

static void
assert_attempts (Fixture        *fixture,
                 const FaultRow *row)
{
  if (row->attempts >= 0)
    g_assert_cmpuint (ws_fake_aws_count_requests (fixture->cli.fake, "POST", WEBTOKEN_PATH), ==, row->attempts);
  /* An untrusted certificate ends the handshake: no request got through. */
  if (fixture->tls_fake != NULL)
    g_assert_cmpuint (ws_fake_aws_count_requests (fixture->tls_fake, NULL, NULL), ==, 0);
}

static void
assert_bounded (gint64 start)
{
  g_assert_cmpint (g_get_monotonic_time () - start, <, ROW_BOUND_S * G_TIME_SPAN_SECOND);
}

/* --- The CLI ------------------------------------------------------------------- */

static void
test_cli_row (Fixture       *fixture,
              gconstpointer  data)
{
  const FaultRow *row = data;
  g_autoptr(CliResult) result = NULL;
  gint64 start;

  row->arrange (fixture);
  start = g_get_monotonic_time ();
  if (row->discovery)
    result = cli_fixture_run (&fixture->cli, "list", NULL);
  else
    result = cli_fixture_run (&fixture->cli, "url", row->ref != NULL ? row->ref : ENV_REF, NULL);
  assert_bounded (start);
  g_test_message ("%s: exit %d, stderr: %s", row->name, result->status, result->err);

  g_assert_cmpint (result->status, ==, row->exit_code);
  if (row->exit_code == 0)
    g_assert_true (g_str_has_prefix (result->out, "https://analytics.airflow.example.test/"));
  else
    g_assert_cmpstr (result->out, ==, "");
  if (row->says != NULL)
    assert_says (result->err, row->says);
  else
    g_assert_cmpstr (result->err, ==, "");
  assert_attempts (fixture, row);
}

/* --- The service --------------------------------------------------------------- */

static void
start_service (Fixture *fixture)
{
  ws_test_service_set_up (&fixture->service, &fixture->cli, NULL);
  fixture->browser_record = ws_test_install_recording_browser (fixture->cli.home, "recorder");
  ws_test_service_start (&fixture->service, &fixture->cli);
}

/* The first notification whose summary has @part, or NULL. */
static const WsTestNotification *
find_notification (Fixture    *fixture,
                   const char *part)
{
  for (guint i = 0; i < ws_test_notifications_get_n_notifications (fixture->service.notifications); i++)
    {
      const WsTestNotification *notification = ws_test_notifications_get (fixture->service.notifications, i);

      if (strstr (notification->summary, part) != NULL)
        return notification;
    }
  return NULL;
}

static gboolean
launch_ended (gpointer data)
{
  Fixture *fixture = data;

  return g_file_test (fixture->browser_record, G_FILE_TEST_EXISTS)
         || find_notification (fixture, "Could not open") != NULL;
}

typedef struct
{
  Fixture *fixture;
  guint    n;
} WindowWait;

static gboolean
mfa_windows_opened (gpointer data)
{
  WindowWait *wait = data;
  g_autofree char *path = g_build_filename (wait->fixture->cli.home, "ui.log", NULL);
  g_autofree char *log = NULL;
  guint n = 0;

  if (g_file_get_contents (path, &log, NULL, NULL))
    for (const char *line = log; (line = strstr (line, "mfa ")) != NULL; line++)
      n++;
  return n >= wait->n;
}

/* Cancelled: nothing to tell, nothing opened, and nothing left waiting:
 * the next click asks again. */
static void
run_service_cancel (Fixture    *fixture,
                    const char *ref)
{
  WindowWait wait = { fixture, 1 };

  ws_test_service_activate (&fixture->service, "open-environment", g_variant_new_string (ref));
  ws_test_service_poll_until (mfa_windows_opened, &wait, "the MFA window");
  ws_test_run_for (500);
  g_assert_null (find_notification (fixture, "Could not open"));
  g_assert_false (g_file_test (fixture->browser_record, G_FILE_TEST_EXISTS));

  wait.n = 2;
  ws_test_service_activate (&fixture->service, "open-environment", g_variant_new_string (ref));
  ws_test_service_poll_until (mfa_windows_opened, &wait, "the MFA window again");
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->cli.fake, NULL, "/sts"), ==, 0);
}

static void
run_service_launch (Fixture        *fixture,
                    const FaultRow *row)
{
  const char *ref = row->ref != NULL ? row->ref : ENV_REF;
  const WsTestNotification *failure;

  if (row->cancelled)
    {
      run_service_cancel (fixture, ref);
      return;
    }

  ws_test_service_activate (&fixture->service, "open-environment", g_variant_new_string (ref));
  ws_test_service_poll_until (launch_ended, fixture, "the browser or a notification");

  failure = find_notification (fixture, "Could not open");
  if (row->exit_code == 0)
    {
      g_autofree char *record = ws_test_wait_for_file (fixture->browser_record);
      g_autofree char *opened = NULL;

      g_assert_null (failure);
      g_assert_nonnull (record);
      /* A redirect page of ours, never the login URL itself. */
      g_assert_null (strstr (record, "aws-console-sso"));
      opened = ws_test_browser_resolve (record);
      g_assert_true (g_str_has_prefix (opened, "https://analytics.airflow.example.test/aws_mwaa/aws-console-sso"));
    }
  else
    {
      g_assert_nonnull (failure);
      g_test_message ("%s: %s: %s", row->name, failure->summary, failure->body);
      g_assert_nonnull (strstr (failure->summary, ref));
      assert_says (failure->body, row->says);
      g_assert_false (g_file_test (fixture->browser_record, G_FILE_TEST_EXISTS));
    }
}

typedef struct
{
  WsTestSniMenu *menu;
  const char    *label;
} RowWait;

static gboolean
menu_has_row (gpointer data)
{
  RowWait *wait = data;
  g_autoptr(GVariant) layout = ws_test_sni_menu_get_layout (wait->menu);

  return ws_test_sni_menu_find (layout, wait->label) >= 0;
}

static gboolean
discovery_failed (gpointer data)
{
  Fixture *fixture = data;

  return ws_fake_aws_count_requests (fixture->cli.fake, "GET", "/environments") >= 3;
}

/* Discovery once listed "analytics"; the next one loses the network
 * mid-answer every time: the row stays, the profile says why. */
static void
run_service_discovery (Fixture        *fixture,
                       const FaultRow *row)
{
  g_autoptr(WsTestSniWatcher) watcher = ws_test_sni_watcher_new (fixture->service.connection);
  g_autoptr(WsTestSniItem) item = NULL;
  g_autoptr(WsTestSniMenu) menu = NULL;
  g_autoptr(GVariant) layout = NULL;
  RowWait wait = { NULL, "analytics" };

  ws_test_sni_watcher_wait_for_items (watcher, 1);
  item = ws_test_sni_item_new (fixture->service.connection, ws_test_sni_watcher_get_items (watcher)[0]);
  menu = ws_test_sni_menu_new (item);
  wait.menu = menu;
  ws_test_service_poll_until (menu_has_row, &wait, "the environment row");

  ws_fake_aws_reset_counts (fixture->cli.fake);
  row->arrange (fixture);
  ws_test_service_activate (&fixture->service, "refresh", NULL);
  ws_test_service_poll_until (discovery_failed, fixture, "the failing discovery");
  wait.label = row->says;
  ws_test_service_poll_until (menu_has_row, &wait, "the profile marked");
  layout = ws_test_sni_menu_get_layout (menu);
  g_assert_cmpint (ws_test_sni_menu_find (layout, "analytics"), >=, 0);
}

static void
test_service_row (Fixture       *fixture,
                  gconstpointer  data)
{
  const FaultRow *row = data;
  gint64 start;

  if (!row->discovery)
    row->arrange (fixture);
  start_service (fixture);
  start = g_get_monotonic_time ();

  if (row->discovery)
    run_service_discovery (fixture, row);
  else
    run_service_launch (fixture, row);
  assert_bounded (start);

  /* Only the clock row corrects on discovery first, then opens at once;
   * the user is told their clock is off. */
  if (row->arrange != arrange_clock_skew)
    assert_attempts (fixture, row);
  else
    {
      const WsTestNotification *clock = NULL;

      g_assert_true (ws_test_notifications_wait (fixture->service.notifications, 1));
      clock = find_notification (fixture, "clock");
      g_assert_nonnull (clock);
      g_assert_nonnull (strstr (clock->body, "20 minutes off"));
    }
  g_assert_true (ws_test_service_ping (&fixture->service));
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *home = ws_test_isolate ("test-faults");
  int status;

  g_test_init (&argc, &argv, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autofree char *cli_path = g_strconcat ("/faults/cli/", rows[i].name, NULL);
      g_autofree char *service_path = g_strconcat ("/faults/service/", rows[i].name, NULL);

      g_test_add (cli_path, Fixture, &rows[i], fixture_set_up, test_cli_row, fixture_tear_down);
      g_test_add (service_path, Fixture, &rows[i], fixture_set_up, test_service_row, fixture_tear_down);
    }

  status = g_test_run ();
  ws_test_remove_tree (home);
  return status;
}
