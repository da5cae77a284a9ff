/* test-secrets.c — secret hygiene, tested rather than promised
 *
 * Every flow runs the real windsock binary (the CLI, and the service on a
 * private bus) with G_MESSAGES_DEBUG=all against the fake, with secrets
 * that are easy to spot: every key, session token, SSO token and client
 * secret the test makes up holds "LEAKME"; the fake's own SSO tokens,
 * codes and web tokens have fixed prefixes. None of them, nor a login
 * URL, may show in what a process prints, in a notification, or on the
 * command line of a process the service starts. Files Windsock writes
 * are 0600 in 0700 folders, and written by a rename, never in place.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "cli-fixture.h"
#include "ws-secret.h"
#include "ws-test-browser.h"
#include "ws-test-service.h"
#include "ws-test-sni-host.h"
#include "ws-test-util.h"

#define ACCESS_KEY "AKIDLEAKMETEST"
#define SECRET_KEY "static/secret+key/LEAKME"
#define SESSION_TOKEN "static-session-token/LEAKME=="
#define MFA_CODE "918273"
#define ENVIRONMENT_URL "https://analytics.airflow.example.test/aws_mwaa/aws-console-sso?login=true#token-analytics-"

/* What may never be seen: our markers, the fake's SSO tokens, codes and
 * client secrets, its web tokens, and any login URL. */
static const char *const secrets[] = {
  "LEAKME", "fake-access-token", "fake-refresh-token", "fake-client-secret", "fake-code-",
  "token-analytics-", "aws-console-sso", MFA_CODE,
};

static void
assert_clean (const char *text,
              const char *what)
{
  g_assert_nonnull (text);
  for (gsize i = 0; i < G_N_ELEMENTS (secrets); i++)
    {
      if (strstr (text, secrets[i]) != NULL)
        g_error ("%s holds a secret (%s): %s", what, secrets[i], text);
    }
}

typedef struct
{
  CliFixture     cli;
  WsTestService  service;
  char          *browser_record;
  char          *ui_record;
  char          *runtime_dir;
} Fixture;

/* The windows' program: appends its arguments to RECORD.args, keeps its
 * stdin in RECORD.stdin; `copy` then stays until RECORD.release shows up
 * (so that the test can look at the command lines of the running
 * processes), `mfa` answers the code. */
static char *
install_recording_ui (Fixture *fixture)
{
  g_autofree char *script = g_build_filename (fixture->cli.home, "windsock-ui", NULL);
  g_autofree char *record = g_build_filename (fixture->cli.home, "ui-record", NULL);
  g_autofree char *text = NULL;

  text = g_strdup_printf ("#!/bin/sh\n"
                          "record='%s'\n"
                          "echo \"$*\" >> \"$record.args\"\n"
                          "case \"$1\" in\n"
                          "copy)\n"
                          "  cat > \"$record.stdin\"\n"
                          "  touch \"$record.copying\"\n"
                          "  i=0; while [ ! -e \"$record.release\" ] && [ $i -lt 3000 ]; do sleep 0.01; i=$((i+1)); done\n"
                          "  ;;\n"
                          "mfa)\n"
                          "  echo " MFA_CODE "; read answer; echo \"$answer\" > \"$record.mfa\"\n"
                          "  ;;\n"
                          "esac\n",
                          record);
  ws_test_service_install_ui (&fixture->cli, script, text);
  return g_steal_pointer (&record);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  cli_fixture_set_up (&fixture->cli);
  ws_fake_aws_add_credentials (fixture->cli.fake, ACCESS_KEY, SECRET_KEY, SESSION_TOKEN);
  ws_fake_aws_add_environment (fixture->cli.fake, "eu-west-1", "analytics", "AVAILABLE", "2.10.3");
  cli_fixture_write_aws (&fixture->cli, "config", "[default]\nregion = eu-west-1\n");
  cli_fixture_write_aws (&fixture->cli, "credentials",
                         "[default]\n"
                         "aws_access_key_id = " ACCESS_KEY "\n"
                         "aws_secret_access_key = " SECRET_KEY "\n"
                         "aws_session_token = " SESSION_TOKEN "\n");
  cli_fixture_setenv (&fixture->cli, "G_MESSAGES_DEBUG", "all");

  fixture->runtime_dir = g_build_filename (fixture->cli.home, "runtime", NULL);
  g_assert_cmpint (g_mkdir (fixture->runtime_dir, 0700), ==, 0);
  cli_fixture_setenv (&fixture->cli, "XDG_RUNTIME_DIR", fixture->runtime_dir);

  ws_test_service_set_up (&fixture->service, &fixture->cli, NULL);
  fixture->browser_record = ws_test_install_recording_browser (fixture->cli.home, "recorder");
  fixture->ui_record = install_recording_ui (fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_assert_null (fixture->service.process);
  ws_test_service_tear_down (&fixture->service);
  g_clear_pointer (&fixture->browser_record, g_free);
  g_clear_pointer (&fixture->ui_record, g_free);
  g_clear_pointer (&fixture->runtime_dir, g_free);
  cli_fixture_tear_down (&fixture->cli);
}

static char *
read_file (const char *path)
{
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

static char *
record_path (Fixture    *fixture,
             const char *suffix)
{
  return g_strconcat (fixture->ui_record, suffix, NULL);
}

/* Every folder under @top (itself included) is 0700 and every file 0600,
 * all of them ours; returns how many files there were. */
static guint
assert_private_tree (const char *top)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;
  GStatBuf buf;
  guint files = 0;

  g_assert_cmpint (g_lstat (top, &buf), ==, 0);
  g_assert_true (S_ISDIR (buf.st_mode));
  if ((buf.st_mode & 07777) != 0700)
    g_error ("%s is %o, not 0700", top, buf.st_mode & 07777);

  dir = g_dir_open (top, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (top, name, NULL);

      g_assert_cmpint (g_lstat (path, &buf), ==, 0);
      g_assert_cmpuint (buf.st_uid, ==, getuid ());
      if (S_ISDIR (buf.st_mode))
        files += assert_private_tree (path);
      else
        {
          g_assert_true (S_ISREG (buf.st_mode));
          if ((buf.st_mode & 07777) != 0600)
            g_error ("%s is %o, not 0600", path, buf.st_mode & 07777);
          files++;
        }
    }
  return files;
}

/* CLI */

/* `windsock url` prints the URL, its purpose, on a line of its own: the
 * rest of stdout (GLib's debug messages go there) holds no secret. */
static void
assert_only_url (const char *out,
                 const char *what)
{
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  guint urls = 0;

  for (char **line = lines; *line != NULL; line++)
    {
      if (g_str_has_prefix (*line, ENVIRONMENT_URL))
        urls++;
      else
        assert_clean (*line, what);
    }
  g_assert_cmpuint (urls, ==, 1);
}

static CliResult *
run_clean (Fixture    *fixture,
           const char *what,
           const char *first_arg,
           ...)
{
  /* cli_fixture_run takes a list: up to four arguments here. */
  const char *argv[5] = { first_arg, NULL, NULL, NULL, NULL };
  CliResult *result;
  va_list args;

  va_start (args, first_arg);
  for (guint i = 1; argv[i - 1] != NULL; i++)
    {
      g_assert_cmpuint (i, <, G_N_ELEMENTS (argv));
      argv[i] = va_arg (args, const char *);
    }
  va_end (args);
  result = cli_fixture_run (&fixture->cli, argv[0], argv[1], argv[2], argv[3], NULL);
  assert_clean (result->err, what);
  return result;
}

/* `windsock url`, `list`, a credential_process profile and an assumed
 * role: nothing but the URL `url` prints, and only on stdout. */
static void
test_cli_keys (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *sts_url = g_strconcat (ws_fake_aws_get_url (fixture->cli.fake), "/sts", NULL);
  g_autofree char *program = g_build_filename (fixture->cli.home, "credentials.sh", NULL);
  g_autofree char *config = NULL;
  g_autoptr(CliResult) url = NULL;
  g_autoptr(CliResult) list = NULL;
  g_autoptr(CliResult) process = NULL;
  g_autoptr(CliResult) role = NULL;

  url = run_clean (fixture, "windsock url", "url", "analytics", NULL);
  g_assert_cmpint (url->status, ==, 0);
  assert_only_url (url->out, "windsock url");

  list = run_clean (fixture, "windsock list", "list", NULL);
  g_assert_cmpint (list->status, ==, 0);
  g_assert_nonnull (strstr (list->out, "analytics"));
  assert_clean (list->out, "windsock list");

  ws_fake_aws_add_credentials (fixture->cli.fake, "ASIAPROCESS", "process/secret/LEAKME", "process-token-LEAKME");
  g_assert_true (g_file_set_contents (program,
                                      "#!/bin/sh\n"
                                      "echo '{\"Version\":1,\"AccessKeyId\":\"ASIAPROCESS\","
                                      "\"SecretAccessKey\":\"process/secret/LEAKME\","
                                      "\"SessionToken\":\"process-token-LEAKME\"}'\n",
                                      -1, NULL));
  g_assert_cmpint (g_chmod (program, 0700), ==, 0);

  ws_fake_aws_add_credentials (fixture->cli.fake, "ASIAROLE", "role/secret/LEAKME", "role-token-LEAKME");
  ws_fake_aws_push_response (fixture->cli.fake, "POST", "/sts", 200, NULL, "text/xml",
                             "<AssumeRoleResponse><AssumeRoleResult><Credentials>"
                             "<AccessKeyId>ASIAROLE</AccessKeyId>"
                             "<SecretAccessKey>role/secret/LEAKME</SecretAccessKey>"
                             "<SessionToken>role-token-LEAKME</SessionToken>"
                             "<Expiration>2099-01-01T00:00:00Z</Expiration>"
                             "</Credentials></AssumeRoleResult></AssumeRoleResponse>");
  cli_fixture_setenv (&fixture->cli, "AWS_ENDPOINT_URL_STS", sts_url);

  config = g_strdup_printf ("[default]\nregion = eu-west-1\n"
                            "[profile process]\nregion = eu-west-1\ncredential_process = %s\n"
                            "[profile role]\nregion = eu-west-1\nsource_profile = default\n"
                            "role_arn = arn:aws:iam::123456789012:role/Reader\n",
                            program);
  cli_fixture_write_aws (&fixture->cli, "config", config);

  process = run_clean (fixture, "credential_process", "url", "--profile", "process", "analytics", NULL);
  g_assert_cmpint (process->status, ==, 0);
  assert_only_url (process->out, "credential_process");

  role = run_clean (fixture, "an assumed role", "list", "--profile", "role", NULL);
  g_assert_cmpint (role->status, ==, 0);
  assert_clean (role->out, "an assumed role's list");
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->cli.fake, "POST", "/sts"), ==, 1);
}

#define SSO_CONFIG \
  "[default]\nregion = eu-west-1\n" \
  "[profile sso-dev]\nsso_session = corp\nsso_account_id = 123456789012\n" \
  "sso_role_name = Reader\nregion = eu-west-1\n" \
  "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n" \
  "sso_region = us-east-1\nsso_registration_scopes = sso:account:access\n"

/* `windsock login --use-device-code`, then the SSO profile in use: the
 * client secret, the tokens and the role's keys stay out of the output;
 * the caches are private. */
static void
test_cli_sso (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *sso_cache = g_build_filename (fixture->cli.home, ".aws", "sso", "cache", NULL);
  g_autoptr(CliResult) login = NULL;
  g_autoptr(CliResult) url = NULL;

  cli_fixture_write_aws (&fixture->cli, "config", SSO_CONFIG);
  ws_fake_aws_push_response (fixture->cli.fake, "POST", "/client/register", 200, NULL, "application/json",
                             "{\"clientId\":\"cid\",\"clientSecret\":\"client-secret-LEAKME\","
                             "\"clientIdIssuedAt\":1700000000,\"clientSecretExpiresAt\":4102444800}");
  ws_fake_aws_push_response (fixture->cli.fake, "POST", "/device_authorization", 200, NULL, "application/json",
                             "{\"deviceCode\":\"device-code-LEAKME\",\"userCode\":\"ABCD-EFGH\","
                             "\"verificationUri\":\"https://device.sso.us-east-1.amazonaws.com/\","
                             "\"verificationUriComplete\":\"https://device.sso.us-east-1.amazonaws.com/?user_code=ABCD-EFGH\","
                             "\"expiresIn\":600,\"interval\":1}");
  ws_fake_aws_push_response (fixture->cli.fake, "POST", "/token", 200, NULL, "application/json",
                             "{\"accessToken\":\"sso-access-LEAKME\",\"tokenType\":\"Bearer\","
                             "\"expiresIn\":28800,\"refreshToken\":\"sso-refresh-LEAKME\"}");

  login = run_clean (fixture, "windsock login", "login", "--use-device-code", "sso-dev", NULL);
  g_assert_cmpint (login->status, ==, 0);
  assert_clean (login->out, "windsock login");

  ws_fake_aws_add_credentials (fixture->cli.fake, "ASIASSO", "sso/role/LEAKME", "sso-session-LEAKME");
  ws_fake_aws_push_response (fixture->cli.fake, "GET", "/federation/credentials", 200, NULL, "application/json",
                             "{\"roleCredentials\":{\"accessKeyId\":\"ASIASSO\","
                             "\"secretAccessKey\":\"sso/role/LEAKME\",\"sessionToken\":\"sso-session-LEAKME\","
                             "\"expiration\":4102444800000}}");
  url = run_clean (fixture, "an SSO profile", "url", "--profile", "sso-dev", "analytics", NULL);
  g_assert_cmpint (url->status, ==, 0);
  assert_only_url (url->out, "an SSO profile");

  /* The token and the client's registration. */
  g_assert_cmpuint (assert_private_tree (sso_cache), ==, 2);
}

/* The service */

/* Quits the service, then nothing it printed (debug messages included)
 * and no notification it sent may hold a secret. */
static void
stop_service (Fixture *fixture)
{
  g_autofree char *log = NULL;

  ws_test_service_quit (&fixture->service);

  log = read_file (fixture->service.log_path);
  /* Debug messages were on: the check looked at something. */
  g_assert_nonnull (strstr (log, "DEBUG"));
  assert_clean (log, "the service's output");

  for (guint i = 0; i < ws_test_notifications_get_n_notifications (fixture->service.notifications); i++)
    {
      const WsTestNotification *notification = ws_test_notifications_get (fixture->service.notifications, i);
      g_autofree char *hints = g_variant_print (notification->hints, FALSE);
      g_autofree char *actions = g_strjoinv (" ", notification->actions);

      assert_clean (notification->summary, "a notification's summary");
      assert_clean (notification->body, "a notification's body");
      assert_clean (actions, "a notification's actions");
      assert_clean (hints, "a notification's hints");
    }
}

/* The parent of process @pid, or 0 once it has gone. */
static guint64
parent_of (guint64 pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%" G_GUINT64_FORMAT "/stat", pid);
  g_autofree char *stat = NULL;
  const char *end;

  /* "PID (COMM) STATE PPID …", and COMM may hold anything. */
  if (!g_file_get_contents (path, &stat, NULL, NULL) || (end = strrchr (stat, ')')) == NULL ||
      strlen (end) < 5)
    return 0;
  return g_ascii_strtoull (end + 4, NULL, 10);
}

static gboolean
descends_from (guint64 pid,
               guint64 ancestor)
{
  for (guint depth = 0; pid > 1 && depth < 64; depth++, pid = parent_of (pid))
    {
      if (pid == ancestor)
        return TRUE;
    }
  return FALSE;
}

/* The command lines of the service and of every process it started (and
 * they did), while the copy window runs: other tests' processes, which
 * may run meanwhile, are none of this test's business. */
static void
assert_command_lines_clean (Fixture *fixture)
{
  guint64 service = g_ascii_strtoull (g_subprocess_get_identifier (fixture->service.process), NULL, 10);
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *name;
  guint seen = 0;

  g_assert_nonnull (proc);
  while ((name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *cmdline = NULL;
      gsize length;

      if (strspn (name, "0123456789") != strlen (name) ||
          !descends_from (g_ascii_strtoull (name, NULL, 10), service))
        continue;
      path = g_build_filename ("/proc", name, "cmdline", NULL);
      /* A process may have gone meanwhile. */
      if (!g_file_get_contents (path, &cmdline, &length, NULL))
        continue;
      for (gsize i = 0; i < length; i++)
        {
          if (cmdline[i] == '\0')
            cmdline[i] = ' ';
        }
      assert_clean (cmdline, path);
      seen++;
    }
  /* The service and the copy window at least. */
  g_assert_cmpuint (seen, >=, 2);
}

static gboolean
file_exists (gpointer data)
{
  return g_file_test (data, G_FILE_TEST_EXISTS);
}

static char *
wait_for_browser (const char *record)
{
  g_autofree char *recorded = ws_test_wait_for_file (record);

  g_assert_nonnull (recorded);
  assert_clean (recorded, "the browser's command line");
  g_assert_cmpint (g_remove (record), ==, 0);
  return ws_test_browser_resolve (recorded);
}

/* `windsock open`: the browser gets a redirect page, as from the service. */
static void
test_cli_open (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(CliResult) open = run_clean (fixture, "windsock open", "open", "analytics", NULL);
  g_autofree char *pages = g_build_filename (fixture->runtime_dir, "windsock", NULL);
  g_autofree char *opened = NULL;

  g_assert_cmpint (open->status, ==, 0);
  assert_clean (open->out, "windsock open");
  opened = wait_for_browser (fixture->browser_record);
  g_assert_true (g_str_has_prefix (opened, ENVIRONMENT_URL));
  g_assert_cmpuint (assert_private_tree (pages), ==, 1);
}

/* Open, copy, private window: the browser gets a private redirect page,
 * the copy window the URL on its stdin, none of them on a command line. */
static void
test_service_open (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *copying = record_path (fixture, ".copying");
  g_autofree char *release = record_path (fixture, ".release");
  g_autofree char *stdin_path = record_path (fixture, ".stdin");
  g_autofree char *args_path = record_path (fixture, ".args");
  g_autofree char *pages = g_build_filename (fixture->runtime_dir, "windsock", NULL);
  g_autofree char *cache = g_build_filename (fixture->cli.home, ".cache", "windsock", NULL);
  g_autofree char *firefox_record = NULL;
  g_autofree char *opened = NULL;
  g_autofree char *copied = NULL;
  g_autofree char *args = NULL;
  g_autofree char *private_opened = NULL;

  ws_test_service_start (&fixture->service, &fixture->cli);

  ws_test_service_activate (&fixture->service, "open-environment", g_variant_new_string ("default/eu-west-1/analytics"));
  opened = wait_for_browser (fixture->browser_record);
  g_assert_true (g_str_has_prefix (opened, ENVIRONMENT_URL));

  ws_test_service_activate (&fixture->service, "copy-login-url", g_variant_new_string ("default/eu-west-1/analytics"));
  ws_test_service_poll_until (file_exists, copying, "the copy window");
  assert_command_lines_clean (fixture);
  g_assert_true (g_file_set_contents (release, "", 0, NULL));
  copied = read_file (stdin_path);
  g_assert_true (g_str_has_prefix (copied, ENVIRONMENT_URL));

  /* Installed last, so the default browser, and one with private windows. */
  firefox_record = ws_test_install_recording_browser (fixture->cli.home, "firefox");
  ws_test_service_activate (&fixture->service, "open-private-window", g_variant_new_string ("default/eu-west-1/analytics"));
  private_opened = wait_for_browser (firefox_record);
  g_assert_true (g_str_has_prefix (private_opened, "--private-window\n" ENVIRONMENT_URL));

  /* A failure is notified: the notification is checked too. */
  ws_test_service_activate (&fixture->service, "open-environment", g_variant_new_string ("default/eu-west-1/missing"));
  g_assert_true (ws_test_notifications_wait (fixture->service.notifications, 1));

  stop_service (fixture);
  args = read_file (args_path);
  assert_clean (args, "the windows' command lines");

  /* The pages live in the runtime dir, the catalog in the cache dir. */
  g_assert_cmpuint (assert_private_tree (pages), >=, 2);
  g_assert_cmpuint (assert_private_tree (cache), >=, 1);
}

/* STS at /sts: AssumeRole with the code the MFA window gave. */
static void
mfa_sts_handler (WsFakeAws         *fake,
                 SoupServerMessage *msg,
                 const char        *body,
                 gpointer           user_data)
{
  g_autoptr(GHashTable) form = g_uri_parse_params (body, -1, "&", G_URI_PARAMS_WWW_FORM, NULL);
  static const char xml[] =
    "<AssumeRoleResponse><AssumeRoleResult><Credentials>"
    "<AccessKeyId>ASIAMFA</AccessKeyId><SecretAccessKey>mfa/secret/LEAKME</SecretAccessKey>"
    "<SessionToken>mfa-token-LEAKME</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration>"
    "</Credentials></AssumeRoleResult></AssumeRoleResponse>";

  g_assert_cmpstr (g_hash_table_lookup (form, "TokenCode"), ==, MFA_CODE);
  ws_fake_aws_add_credentials (fake, "ASIAMFA", "mfa/secret/LEAKME", "mfa-token-LEAKME");
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "text/xml", SOUP_MEMORY_COPY, xml, strlen (xml));
}

/* An MFA profile through the window: the code and the role's keys stay
 * out of every output; the session is kept as the AWS CLI keeps it. */
static void
test_service_mfa (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *sts_url = g_strconcat (ws_fake_aws_get_url (fixture->cli.fake), "/sts", NULL);
  g_autofree char *mfa_path = record_path (fixture, ".mfa");
  g_autofree char *args_path = record_path (fixture, ".args");
  g_autofree char *cli_cache = g_build_filename (fixture->cli.home, ".aws", "cli", "cache", NULL);
  g_autofree char *opened = NULL;
  g_autofree char *answer = NULL;
  g_autofree char *args = NULL;

  cli_fixture_setenv (&fixture->cli, "AWS_ENDPOINT_URL_STS", sts_url);
  ws_fake_aws_set_handler (fixture->cli.fake, "POST", "/sts", TRUE, mfa_sts_handler, NULL);
  cli_fixture_write_aws (&fixture->cli, "config",
                         "[default]\nregion = eu-west-1\n"
                         "[profile admin]\nregion = eu-west-1\nsource_profile = default\n"
                         "role_arn = arn:aws:iam::123456789012:role/Admin\n"
                         "mfa_serial = arn:aws:iam::123456789012:mfa/me\n");

  ws_test_service_start (&fixture->service, &fixture->cli);
  ws_test_service_activate (&fixture->service, "open-environment", g_variant_new_string ("admin/eu-west-1/analytics"));
  opened = wait_for_browser (fixture->browser_record);
  g_assert_true (g_str_has_prefix (opened, ENVIRONMENT_URL));
  stop_service (fixture);

  /* The window was told the code worked; its command line held none. */
  answer = read_file (mfa_path);
  g_assert_cmpstr (answer, ==, "ok\n");
  args = read_file (args_path);
  assert_clean (args, "the MFA window's command line");
  g_assert_cmpuint (assert_private_tree (cli_cache), ==, 1);
}

/* Files */

typedef struct
{
  char    *target;
  gboolean renamed;
  gboolean changed_in_place;
} WriteWatch;

static void
on_dir_changed (GFileMonitor      *monitor,
                GFile             *file,
                GFile             *other,
                GFileMonitorEvent  event,
                gpointer           user_data)
{
  WriteWatch *watch = user_data;
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *other_path = other != NULL ? g_file_get_path (other) : NULL;

  if ((event == G_FILE_MONITOR_EVENT_RENAMED || event == G_FILE_MONITOR_EVENT_MOVED_IN) &&
      g_strcmp0 (event == G_FILE_MONITOR_EVENT_RENAMED ? other_path : path, watch->target) == 0)
    watch->renamed = TRUE;
  else if (g_strcmp0 (path, watch->target) == 0 &&
           (event == G_FILE_MONITOR_EVENT_CHANGED || event == G_FILE_MONITOR_EVENT_CREATED))
    watch->changed_in_place = TRUE;
}

/* ws_secret_write_file() replaces a file by renaming a complete one over
 * it: a reader never sees it half written, or with other permissions. */
static void
test_atomic_write (void)
{
  g_autofree char *dir = g_dir_make_tmp ("windsock-secrets-XXXXXX", NULL);
  g_autofree char *nested = g_build_filename (dir, "made", NULL);
  g_autofree char *target = g_build_filename (nested, "token.json", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (nested);
  g_autoptr(GFileMonitor) monitor = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  WriteWatch watch = { target, FALSE, FALSE };
  gint64 deadline;

  g_assert_true (ws_secret_write_file (target, "first", 5, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (assert_private_tree (nested), ==, 1);

  monitor = g_file_monitor_directory (folder, G_FILE_MONITOR_WATCH_MOVES, NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (monitor, "changed", G_CALLBACK (on_dir_changed), &watch);

  g_assert_true (ws_secret_write_file (target, "second, longer", 14, &error));
  g_assert_no_error (error);
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (!watch.renamed && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (watch.renamed);
  g_assert_false (watch.changed_in_place);

  g_assert_true (g_file_get_contents (target, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "second, longer");
  g_assert_cmpuint (assert_private_tree (nested), ==, 1);

  g_clear_object (&monitor);
  ws_test_remove_tree (dir);
}

/* ws_secret_write_file() is the only way Windsock writes a file (the
 * autostart entry, not a secret, aside): no other writer in the sources. */
static void
test_single_writer (void)
{
  static const char *const dirs[] = { "aws", "core", "tray", "", "ui" };
  g_autoptr(GRegex) writer = g_regex_new ("\\b(g_file_set_contents\\w*|g_file_replace\\w*|g_file_create\\w*|"
                                          "g_file_append_to\\w*|fopen|O_WRONLY|O_RDWR|O_CREAT)\\b",
                                          G_REGEX_OPTIMIZE, 0, NULL);
  guint files = 0;

  for (gsize d = 0; d < G_N_ELEMENTS (dirs); d++)
    {
      g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "src", dirs[d], NULL);
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      g_assert_nonnull (dir);
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *file = g_build_filename (path, name, NULL);
          g_autofree char *text = NULL;
          g_autoptr(GMatchInfo) match = NULL;

          if (!g_str_has_suffix (name, ".c") || g_str_equal (name, "ws-secret.c") ||
              g_str_equal (name, "ws-autostart.c"))
            continue;
          text = read_file (file);
          if (g_regex_match (writer, text, 0, &match))
            {
              g_autofree char *word = g_match_info_fetch (match, 0);

              g_error ("%s writes a file with %s, not ws_secret_write_file()", file, word);
            }
          files++;
        }
    }
  g_assert_cmpuint (files, >, 20);
}

/* Wiping clears the bytes themselves. */
static void
test_wipe (void)
{
  char buffer[] = "web-token-LEAKME";

  ws_secret_wipe (buffer, sizeof buffer - 1);
  for (gsize i = 0; i < sizeof buffer; i++)
    g_assert_cmpint (buffer[i], ==, 0);
  /* NULL and empty are fine. */
  ws_secret_wipe (NULL, 4);
  ws_secret_free (NULL);
  ws_secret_free (g_strdup (""));
}

static void
add_fixture_test (const char *path,
                  void (*test) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, NULL, fixture_set_up, test, fixture_tear_down);
}

int
main (int    argc,
      char **argv)
{
  g_setenv ("GNOTIFICATION_BACKEND", "freedesktop", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  add_fixture_test ("/secrets/cli/keys", test_cli_keys);
  add_fixture_test ("/secrets/cli/sso", test_cli_sso);
  add_fixture_test ("/secrets/cli/open", test_cli_open);
  add_fixture_test ("/secrets/service/open", test_service_open);
  add_fixture_test ("/secrets/service/mfa", test_service_mfa);
  g_test_add_func ("/secrets/files/atomic-write", test_atomic_write);
  g_test_add_func ("/secrets/files/single-writer", test_single_writer);
  g_test_add_func ("/secrets/wipe", test_wipe);

  return g_test_run ();
}
