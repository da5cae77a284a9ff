/* test-service.c — the resident service end to end: the real `windsock`
 * process on a private session bus, seen by a test StatusNotifierWatcher
 * and panel, a fake notification server, the SoupServer fake of AWS and a
 * recording browser
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <string.h>

#include "cli-fixture.h"
#include "ws-test-browser.h"
#include "ws-test-notifications.h"
#include "ws-test-service.h"
#include "ws-test-sni-host.h"
#include "ws-test-util.h"


typedef struct
{
  CliFixture     cli;
  WsTestService  service;
  char          *browser_record;
  char          *ui_record;
} Fixture;

/* The windows' program, recorded instead of shown: "ARGS\nTOKEN", and what
it read on stdin in RECORD.stdin. */
static char *
install_recording_ui (Fixture *fixture)
{
  g_autofree char *script = g_build_filename (fixture->cli.home, "windsock-ui", NULL);
  g_autofree char *record = g_build_filename (fixture->cli.home, "ui-record", NULL);
  g_autofree char *text = NULL;

  text = g_strdup_printf ("#!/bin/sh\ncat > '%s.stdin'\n"
                          "printf '%%s\\n%%s' \"$*\" \"$XDG_ACTIVATION_TOKEN\" > '%s.part' "
                          "&& mv '%s.part' '%s'\n", record, record, record, record);
  ws_test_service_install_ui (&fixture->cli, script, text);

  return g_steal_pointer (&record);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  cli_fixture_set_up (&fixture->cli);
  ws_test_service_write_default_profile (&fixture->cli);
  ws_fake_aws_add_environment (fixture->cli.fake, "eu-west-1", "analytics", "AVAILABLE", "2.10.3");
  ws_fake_aws_add_environment (fixture->cli.fake, "eu-west-1", "building", "CREATING", "2.10.3");

  ws_test_service_set_up (&fixture->service, &fixture->cli, fixture->cli.home);
  fixture->browser_record = ws_test_install_recording_browser (fixture->cli.home, "recorder");
  fixture->ui_record = install_recording_ui (fixture);
}

static void
on_exited (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  gboolean *exited = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *exited = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

/* Whatever the service printed must hold no secret. */
static void
assert_log_clean (Fixture *fixture)
{
  g_autofree char *log = NULL;

  if (!g_file_get_contents (fixture->service.log_path, &log, NULL, NULL))
    return;
  g_assert_null (strstr (log, CLI_SECRET_KEY));
  g_assert_null (strstr (log, "token-"));
  g_assert_null (strstr (log, "aws-console-sso"));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->service.process != NULL)
    ws_test_service_quit (&fixture->service);
  assert_log_clean (fixture);
  ws_test_service_tear_down (&fixture->service);
  g_clear_pointer (&fixture->browser_record, g_free);
  g_clear_pointer (&fixture->ui_record, g_free);
  cli_fixture_tear_down (&fixture->cli);
}

/* The service's tray item, once the watcher has it. */
static WsTestSniItem *
wait_for_item (Fixture          *fixture,
               WsTestSniWatcher *watcher)
{
  ws_test_sni_watcher_wait_for_items (watcher, 1);
  return ws_test_sni_item_new (fixture->service.connection, ws_test_sni_watcher_get_items (watcher)[0]);
}

/* Layouts: discovery runs in the background, so wait until a row shows up. */
typedef struct
{
  WsTestSniMenu *menu;
  const char    *label;
  GVariant      *layout;
} LayoutWait;

static gboolean
layout_has_label (gpointer data)
{
  LayoutWait *wait = data;

  g_clear_pointer (&wait->layout, g_variant_unref);
  wait->layout = ws_test_sni_menu_get_layout (wait->menu);
  return ws_test_sni_menu_find (wait->layout, wait->label) >= 0;
}

static GVariant *
wait_for_row (WsTestSniMenu *menu,
              const char    *label)
{
  LayoutWait wait = { menu, label, NULL };

  ws_test_service_poll_until (layout_has_label, &wait, label);
  return wait.layout;
}

static gboolean
lookup_boolean (GVariant   *layout,
                int         id,
                const char *property,
                gboolean    fallback)
{
  g_autoptr(GVariant) value = ws_test_sni_menu_lookup (layout, id, property);

  return value != NULL ? g_variant_get_boolean (value) : fallback;
}

static char *
wait_for_record (const char *path)
{
  g_autofree char *record = ws_test_wait_for_file (path);

  g_assert_nonnull (record);
  /* A browser gets a redirect page, never the login URL itself. */
  g_assert_null (strstr (record, "aws-console-sso"));
  return ws_test_browser_resolve (record);
}

static void
assert_opened_analytics (const char *record)
{
  g_assert_true (g_str_has_prefix (record, "https://analytics.airflow.example.test/aws_mwaa/aws-console-sso?login=true#token-analytics-"));
}

/* The whole click: the host registers the item, reads it, opens the menu
 * and clicks an environment; AWS gets a signed request and the browser the
 * URL and the host's activation token. */
static void
test_tray_click (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(WsTestSniWatcher) watcher = ws_test_sni_watcher_new (fixture->service.connection);
  g_autoptr(WsTestSniItem) item = NULL;
  g_autoptr(WsTestSniMenu) menu = NULL;
  g_autoptr(GVariant) properties = NULL;
  g_autoptr(GVariant) layout = NULL;
  g_autofree char *record = NULL;
  g_autofree char *env_path = NULL;
  g_autofree char *env_record = NULL;
  const char *text;
  gboolean is_menu = TRUE;
  int analytics, building;

  ws_test_service_start (&fixture->service, &fixture->cli);
  item = wait_for_item (fixture, watcher);
  properties = ws_test_sni_item_get_all (item);
  g_assert_true (g_variant_lookup (properties, "Id", "&s", &text));
  g_assert_cmpstr (text, ==, APP_ID);
  g_assert_true (g_variant_lookup (properties, "IconName", "&s", &text));
  g_assert_cmpstr (text, ==, APP_ID "-symbolic");
  g_assert_true (g_variant_lookup (properties, "Menu", "&o", &text));
  g_assert_cmpstr (text, ==, "/MenuBar");
  g_assert_true (g_variant_lookup (properties, "ItemIsMenu", "b", &is_menu));
  g_assert_false (is_menu);

  menu = ws_test_sni_menu_new (item);
  layout = wait_for_row (menu, "analytics — Available · Airflow 2.10.3");
  analytics = ws_test_sni_menu_find (layout, "analytics — Available");
  building = ws_test_sni_menu_find (layout, "building");
  g_assert_cmpint (building, >=, 0);
  g_assert_true (lookup_boolean (layout, analytics, "enabled", TRUE));
  /* CREATING: shown, with why, but not clickable. */
  g_assert_false (lookup_boolean (layout, building, "enabled", TRUE));
  g_assert_cmpint (ws_test_sni_menu_find (layout, "Quit"), >=, 0);
  g_assert_cmpint (ws_test_sni_menu_find (layout, "Refresh"), >=, 0);

  g_assert_false (ws_test_sni_menu_about_to_show (menu, 0));
  ws_test_sni_item_provide_activation_token (item, "token-from-the-panel");
  g_assert_true (ws_test_sni_menu_event (menu, analytics, "clicked", NULL));

  record = wait_for_record (fixture->browser_record);
  assert_opened_analytics (record);
  env_path = g_strconcat (fixture->browser_record, ".env", NULL);
  g_assert_true (g_file_get_contents (env_path, &env_record, NULL, NULL));
  g_assert_nonnull (strstr (env_record, "XDG_ACTIVATION_TOKEN=token-from-the-panel"));
  /* The fake verified the signature: an unsigned or wrong request fails. */
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->cli.fake, "POST", "/webtoken/analytics"), ==, 1);
}

static void
test_watcher_restart (Fixture       *fixture,
                      gconstpointer  data)
{
  WsTestSniWatcher *watcher = ws_test_sni_watcher_new (fixture->service.connection);

  ws_test_service_start (&fixture->service, &fixture->cli);
  ws_test_sni_watcher_wait_for_items (watcher, 1);

  /* The panel restarts: the new watcher knows nothing until we register. */
  ws_test_sni_watcher_free (watcher);
  watcher = ws_test_sni_watcher_new (fixture->service.connection);
  ws_test_sni_watcher_wait_for_items (watcher, 1);
  g_assert_cmpuint (ws_test_sni_watcher_get_registrations (watcher), ==, 1);
  ws_test_sni_watcher_free (watcher);
}

/* Editing ~/.aws/config is seen without a restart: a new profile's
 * environments arrive with LayoutUpdated. */
static void
test_config_change (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(WsTestSniWatcher) watcher = ws_test_sni_watcher_new (fixture->service.connection);
  g_autoptr(WsTestSniItem) item = NULL;
  g_autoptr(WsTestSniMenu) menu = NULL;
  g_autoptr(GVariant) before = NULL;
  g_autoptr(GVariant) after = NULL;
  guint updates;

  ws_fake_aws_add_environment (fixture->cli.fake, "us-east-1", "reporting", "UPDATING", "2.9.2");
  ws_test_service_start (&fixture->service, &fixture->cli);
  item = wait_for_item (fixture, watcher);
  menu = ws_test_sni_menu_new (item);
  before = wait_for_row (menu, "analytics");
  g_assert_cmpint (ws_test_sni_menu_find (before, "reporting"), <, 0);

  updates = ws_test_sni_menu_get_layout_updates (menu);
  cli_fixture_write_aws (&fixture->cli, "config",
                         "[default]\nregion = eu-west-1\n\n[profile us]\nregion = us-east-1\n");
  cli_fixture_write_aws (&fixture->cli, "credentials",
                         "[default]\naws_access_key_id = " CLI_ACCESS_KEY "\n"
                         "aws_secret_access_key = " CLI_SECRET_KEY "\n"
                         "[us]\naws_access_key_id = " CLI_ACCESS_KEY "\n"
                         "aws_secret_access_key = " CLI_SECRET_KEY "\n");
  ws_test_sni_menu_wait_for_layout_updates (menu, updates + 1);
  after = wait_for_row (menu, "reporting — Updating");
  g_assert_cmpint (ws_test_sni_menu_find (after, "us · us-east-1"), >=, 0);
}

/* The first notification whose summary contains @part, waiting for it:
 * others (the no-tray hint) may come first. */
static const WsTestNotification *
wait_for_notification (Fixture    *fixture,
                       const char *part)
{
  for (guint i = 0; ws_test_notifications_wait (fixture->service.notifications, i + 1); i++)
    {
      const WsTestNotification *notification = ws_test_notifications_get (fixture->service.notifications, i);

      if (strstr (notification->summary, part) != NULL)
        return notification;
    }
  g_error ("no notification about “%s”", part);
}

static void
assert_notification_clean (const WsTestNotification *notification)
{
  const char *fields[] = { notification->summary, notification->body };

  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_assert_null (strstr (fields[i], CLI_SECRET_KEY));
      g_assert_null (strstr (fields[i], "token-"));
      g_assert_null (strstr (fields[i], "aws-console-sso"));
    }
}

#define SSO_CONFIG \
  "[default]\n" \
  "region = eu-west-1\n" \
  CLI_SSO_PROFILE

/* What IAM Identity Center's portal answers once signed in (several:
 * the catalog and a launch may each ask). */
static void
push_role_credentials (WsFakeAws *fake)
{
  for (guint i = 0; i < 3; i++)
    ws_fake_aws_push_response (fake, "GET", "/federation/credentials", 200, NULL, "application/json",
                               "{\"roleCredentials\":{\"accessKeyId\":\"ASIASSOROLE\","
                               "\"secretAccessKey\":\"sso/role/secret\",\"sessionToken\":\"sso-session-token\","
                               "\"expiration\":4102444800000}}");
}

#define SSO_CACHE_FILE "ee0bfd2552fbd840c02cc48b6e823320543c450f.json"  /* printf corp | sha1sum */

/* `windsock-ui signin` as a script: records its arguments and token as
 * the recording UI does (and every run, one a line, in RECORD.all), writes
 * the AWS CLI's token cache when @signs_in, and exits 0 (signed in, or so
 * it says). */
static void
install_signin_ui (Fixture  *fixture,
                   gboolean  signs_in)
{
  g_autofree char *script = g_build_filename (fixture->cli.home, "windsock-ui-signin", NULL);
  g_autofree char *cache_dir = g_build_filename (fixture->cli.home, ".aws", "sso", "cache", NULL);
  g_autofree char *write_cache = NULL;
  g_autofree char *text = NULL;

  write_cache = g_strdup_printf ("mkdir -p '%s'\n"
                                 "umask 077\n"
                                 "printf '%%s' '{\"startUrl\": \"https://corp.awsapps.com/start\", "
                                 "\"region\": \"us-east-1\", \"accessToken\": \"sso-access-token\", "
                                 "\"expiresAt\": \"2099-01-01T00:00:00Z\"}' > '%s/%s'\n",
                                 cache_dir, cache_dir, SSO_CACHE_FILE);
  text = g_strdup_printf ("#!/bin/sh\n"
                          "echo \"$*\" >> '%s.all'\n"
                          "%s"
                          "printf '%%s\\n%%s' \"$*\" \"$XDG_ACTIVATION_TOKEN\" > '%s.part' && mv '%s.part' '%s'\n",
                          fixture->ui_record, signs_in ? write_cache : "",
                          fixture->ui_record, fixture->ui_record, fixture->ui_record);
  ws_test_service_install_ui (&fixture->cli, script, text);
}

/* How often the sign-in window was started. */
static guint
count_sign_ins (Fixture *fixture)
{
  g_autofree char *path = g_strconcat (fixture->ui_record, ".all", NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  guint count = 0;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return 0;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    count += g_str_has_prefix (lines[i], "signin ");
  return count;
}

static gboolean
notified_about (Fixture    *fixture,
                const char *part)
{
  for (guint i = 0; i < ws_test_notifications_get_n_notifications (fixture->service.notifications); i++)
    if (strstr (ws_test_notifications_get (fixture->service.notifications, i)->summary, part) != NULL)
      return TRUE;
  return FALSE;
}

typedef struct
{
  WsTestSniMenu *menu;
  const char    *label;
} GoneWait;

static gboolean
row_gone (gpointer data)
{
  GoneWait *wait = data;
  g_autoptr(GVariant) layout = ws_test_sni_menu_get_layout (wait->menu);

  return ws_test_sni_menu_find (layout, wait->label) < 0;
}

/* An SSO profile without a token gets "Sign in…"; clicking it opens the
 * sign-in window (windsock-ui signin); once it signed in, the profile is
 * listed again with the token it wrote. */
static void
test_sso_sign_in (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(WsTestSniWatcher) watcher = ws_test_sni_watcher_new (fixture->service.connection);
  g_autoptr(WsTestSniItem) item = NULL;
  g_autoptr(WsTestSniMenu) menu = NULL;
  g_autoptr(GVariant) layout = NULL;
  g_autofree char *record = NULL;
  g_autofree char *bearer = NULL;
  GoneWait gone = { NULL, "Sign in to sso-dev" };

  cli_fixture_write_aws (&fixture->cli, "config", SSO_CONFIG);
  ws_fake_aws_add_credentials (fixture->cli.fake, "ASIASSOROLE", "sso/role/secret", "sso-session-token");
  install_signin_ui (fixture, TRUE);
  ws_test_service_start (&fixture->service, &fixture->cli);
  item = wait_for_item (fixture, watcher);
  menu = ws_test_sni_menu_new (item);
  layout = wait_for_row (menu, "Sign in to sso-dev");

  push_role_credentials (fixture->cli.fake);
  g_assert_true (ws_test_sni_menu_event (menu, ws_test_sni_menu_find (layout, "Sign in to sso-dev"),
                                         "clicked", NULL));
  record = wait_for_record (fixture->ui_record);
  g_assert_true (g_str_has_prefix (record, "signin sso-dev\n"));

  gone.menu = menu;
  ws_test_service_poll_until (row_gone, &gone, "the sign-in row to go");
  bearer = ws_fake_aws_get_last_header (fixture->cli.fake, "/federation/credentials", "x-amz-sso_bearer_token");
  g_assert_cmpstr (bearer, ==, "sso-access-token");
  g_assert_cmpuint (count_sign_ins (fixture), ==, 1);
}

/* A click on an environment whose sign-in expired opens the sign-in
 * window at once, with the click's activation token, and opens the
 * environment when it signed in. */
static void
test_sso_expired_click (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(WsTestSniWatcher) watcher = ws_test_sni_watcher_new (fixture->service.connection);
  g_autofree char *ui = NULL;
  g_autofree char *opened = NULL;

  cli_fixture_write_aws (&fixture->cli, "config", SSO_CONFIG);
  ws_fake_aws_add_credentials (fixture->cli.fake, "ASIASSOROLE", "sso/role/secret", "sso-session-token");
  install_signin_ui (fixture, TRUE);
  ws_test_service_start (&fixture->service, &fixture->cli);

  push_role_credentials (fixture->cli.fake);
  ws_test_service_activate (&fixture->service, "open-environment", g_variant_new_string ("sso-dev/eu-west-1/analytics"));
  ui = wait_for_record (fixture->ui_record);
  g_assert_true (g_str_has_prefix (ui, "signin sso-dev\n"));
  opened = wait_for_record (fixture->browser_record);
  assert_opened_analytics (opened);
  g_assert_cmpuint (count_sign_ins (fixture), ==, 1);
  g_assert_false (notified_about (fixture, "sso-dev"));
}

/* Retried once: still no token after the window (it exited 0 without
 * writing one), the click ends in a notification with Sign In, not in a
 * second window. */
static void
test_sso_retried_once (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(WsTestSniWatcher) watcher = ws_test_sni_watcher_new (fixture->service.connection);
  const WsTestNotification *notification;
  gboolean has_sign_in = FALSE;

  cli_fixture_write_aws (&fixture->cli, "config", SSO_CONFIG);
  install_signin_ui (fixture, FALSE);
  ws_test_service_start (&fixture->service, &fixture->cli);

  ws_test_service_activate (&fixture->service, "open-environment", g_variant_new_string ("sso-dev/eu-west-1/analytics"));
  notification = wait_for_notification (fixture, "Could not open sso-dev/eu-west-1/analytics");
  assert_notification_clean (notification);
  for (guint i = 0; notification->actions[i] != NULL && notification->actions[i + 1] != NULL; i += 2)
    has_sign_in |= g_str_equal (notification->actions[i + 1], "Sign In");
  g_assert_true (has_sign_in);
  g_assert_cmpuint (count_sign_ins (fixture), ==, 1);
}

/* A refused click becomes a notification that says why, with Retry; the
 * Retry button works. */
static void
test_error_notification (Fixture       *fixture,
                         gconstpointer  data)
{
  const WsTestNotification *notification;
  g_autofree char *record = NULL;
  gboolean has_retry = FALSE;

  ws_fake_aws_push_response (fixture->cli.fake, "POST", "/webtoken/analytics", 403,
                             "AccessDeniedException", "application/json",
                             "{\"Message\":\"User is not authorized to perform airflow:CreateWebLoginToken\"}");
  ws_test_service_start (&fixture->service, &fixture->cli);
  ws_test_service_activate (&fixture->service, "open-environment", g_variant_new_string ("default/eu-west-1/analytics"));

  notification = wait_for_notification (fixture, "Could not open default/eu-west-1/analytics");
  g_assert_nonnull (strstr (notification->body, "CreateWebLoginToken"));
  assert_notification_clean (notification);
  for (guint i = 0; notification->actions[i] != NULL && notification->actions[i + 1] != NULL; i += 2)
    if (g_str_equal (notification->actions[i + 1], "Retry"))
      {
        has_retry = TRUE;
        ws_test_notifications_invoke_action (fixture->service.notifications, notification->id,
                                             notification->actions[i]);
      }
  g_assert_true (has_retry);

  record = wait_for_record (fixture->browser_record);
  assert_opened_analytics (record);
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->cli.fake, "POST", "/webtoken/analytics"), ==, 2);
}

/* STS at /sts (AWS_ENDPOINT_URL_STS), apart from MWAA's paths: AssumeRole
 * with the code 123456 hands out keys the fake then accepts; another code
 * gets STS's answer to a wrong one. */
static void
mfa_sts_handler (WsFakeAws         *fake,
                 SoupServerMessage *msg,
                 const char        *body,
                 gpointer          user_data)
{
  guint *sts_calls = user_data;
  g_autoptr(GHashTable) form = g_uri_parse_params (body, -1, "&", G_URI_PARAMS_WWW_FORM, NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) expiration = g_date_time_add_hours (now, 1);
  g_autofree char *expiration_text = g_date_time_format (expiration, "%Y-%m-%dT%H:%M:%SZ");
  g_autofree char *xml = NULL;

  (*sts_calls)++;
  if (g_strcmp0 (g_hash_table_lookup (form, "TokenCode"), "123456") != 0)
    {
      xml = g_strdup ("<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>"
                      "<Message>MultiFactorAuthentication failed with invalid MFA one time pass code. </Message>"
                      "</Error><RequestId>r</RequestId></ErrorResponse>");
      soup_server_message_set_status (msg, 403, NULL);
    }
  else
    {
      ws_fake_aws_add_credentials (fake, "ASIAMFA", "mfa-secret", "mfa-token");
      xml = g_strdup_printf ("<AssumeRoleResponse><AssumeRoleResult><Credentials>"
                             "<AccessKeyId>ASIAMFA</AccessKeyId><SecretAccessKey>mfa-secret</SecretAccessKey>"
                             "<SessionToken>mfa-token</SessionToken><Expiration>%s</Expiration>"
                             "</Credentials></AssumeRoleResult></AssumeRoleResponse>", expiration_text);
      soup_server_message_set_status (msg, 200, NULL);
    }
  soup_server_message_set_response (msg, "text/xml", SOUP_MEMORY_COPY, xml, strlen (xml));
}

/* An MFA profile: the window asks for the code (a script here, which
 * answers a wrong code, then the right one after the window was told why),
 * the role is assumed with it, the browser opens; the session is kept, so
 * the next click asks nothing. */
static void
test_mfa_profile (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *script = g_build_filename (fixture->cli.home, "windsock-ui-mfa", NULL);
  g_autofree char *record = g_build_filename (fixture->cli.home, "mfa-record", NULL);
  g_autofree char *sts_url = g_strconcat (ws_fake_aws_get_url (fixture->cli.fake), "/sts", NULL);
  g_autofree char *text = NULL;
  g_autofree char *mfa_record = NULL;
  g_autofree char *opened = NULL;
  g_autofree char *opened_again = NULL;
  g_autoptr(GError) error = NULL;
  WsTestServiceCall call = { 0 };
  guint sts_calls = 0;

  text = g_strdup_printf ("#!/bin/sh\n"
                          "[ \"$1\" = mfa ] || exit 0\n"
                          "echo \"$*\" >> '%s.args'\n"
                          "echo 111111; read first; echo 123456; read second\n"
                          "printf '%%s\\n%%s\\n' \"$first\" \"$second\" > '%s.part' && mv '%s.part' '%s'\n",
                          record, record, record, record);
  ws_test_service_install_ui (&fixture->cli, script, text);
  cli_fixture_setenv (&fixture->cli, "AWS_ENDPOINT_URL_STS", sts_url);
  ws_fake_aws_set_handler (fixture->cli.fake, "POST", "/sts", TRUE, mfa_sts_handler, &sts_calls);
  cli_fixture_write_aws (&fixture->cli, "config",
                         "[default]\nregion = eu-west-1\n"
                         "[profile admin]\nregion = eu-west-1\nsource_profile = default\n"
                         "role_arn = arn:aws:iam::123456789012:role/Admin\n"
                         "mfa_serial = arn:aws:iam::123456789012:mfa/me\n");

  ws_test_service_start (&fixture->service, &fixture->cli);
  /* Through OpenEnvironment, answered once the browser was started: the
   * click below must not join this launch (under valgrind it could). */
  ws_test_service_open_environment_async (&fixture->service, "admin/eu-west-1/analytics", "open", &call);
  ws_test_service_call_wait (&call);
  opened = wait_for_record (fixture->browser_record);
  assert_opened_analytics (opened);

  mfa_record = wait_for_record (record);
  g_assert_true (g_str_has_prefix (mfa_record, "error That code was not accepted"));
  g_assert_true (g_str_has_suffix (mfa_record, "\nok\n"));
  g_assert_cmpuint (sts_calls, ==, 2);

  /* Asked once: the next open uses the kept session. */
  g_assert_cmpint (g_remove (fixture->browser_record), ==, 0);
  ws_test_service_activate (&fixture->service, "open-environment", g_variant_new_string ("admin/eu-west-1/analytics"));
  opened_again = wait_for_record (fixture->browser_record);
  assert_opened_analytics (opened_again);
  g_clear_pointer (&text, g_free);
  text = g_strconcat (record, ".args", NULL);
  g_clear_pointer (&mfa_record, g_free);
  g_assert_true (g_file_get_contents (text, &mfa_record, NULL, NULL));
  g_assert_cmpstr (mfa_record, ==, "mfa admin arn:aws:iam::123456789012:mfa/me\n");
  g_assert_cmpuint (sts_calls, ==, 2);
}

/* Plain GNOME: no watcher, so the picker opens and a notification tells
 * how to get the icon. */
static void
test_no_watcher (Fixture       *fixture,
                 gconstpointer  data)
{
  const WsTestNotification *notification;
  g_autofree char *record = NULL;

  ws_test_service_start (&fixture->service, &fixture->cli);
  record = wait_for_record (fixture->ui_record);
  g_assert_true (g_str_has_prefix (record, "pick\n"));
  notification = wait_for_notification (fixture, "no tray icon");
  g_assert_nonnull (strstr (notification->body, "AppIndicator"));
}

/* At login the panel may come up after us: a tray that appears within the
 * grace period means no picker and no hint. */
static void
test_late_panel (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(WsTestSniWatcher) watcher = NULL;

  ws_test_service_start (&fixture->service, &fixture->cli);
  watcher = ws_test_sni_watcher_new (fixture->service.connection);
  ws_test_sni_watcher_wait_for_items (watcher, 1);
  /* Past the service's 3 s grace period. */
  ws_test_run_for (5000);
  g_assert_false (g_file_test (fixture->ui_record, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (ws_test_notifications_get_n_notifications (fixture->service.notifications), ==, 0);
}

/* `windsock` again (or the app grid) while the service runs: the picker,
 * with the launcher's activation token; the second process just forwards. */
static void
test_activate_again (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(WsTestSniWatcher) watcher = ws_test_sni_watcher_new (fixture->service.connection);
  g_autoptr(CliResult) again = NULL;
  g_autofree char *record = NULL;

  ws_test_service_start (&fixture->service, &fixture->cli);
  ws_test_sni_watcher_wait_for_items (watcher, 1);
  g_assert_false (g_file_test (fixture->ui_record, G_FILE_TEST_EXISTS));

  cli_fixture_setenv (&fixture->cli, "DESKTOP_STARTUP_ID", "token-from-the-launcher");
  again = cli_fixture_run (&fixture->cli, NULL, NULL);
  g_assert_cmpint (again->status, ==, 0);
  record = wait_for_record (fixture->ui_record);
  g_assert_cmpstr (record, ==, "pick\ntoken-from-the-launcher");
}

/* Launchers and scripts: `windsock open` is served by the running service
 * (one request, from its process), errors come back with their exit code. */
static void
test_cli_forwarding (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(CliResult) opened = NULL;
  g_autoptr(CliResult) missing = NULL;
  g_autofree char *record = NULL;

  ws_fake_aws_push_response (fixture->cli.fake, "POST", "/webtoken/nosuch", 404,
                             "ResourceNotFoundException", "application/json",
                             "{\"Message\":\"Environment nosuch not found\"}");
  ws_test_service_start (&fixture->service, &fixture->cli);
  opened = cli_fixture_run (&fixture->cli, "open", "analytics", NULL);
  g_assert_cmpint (opened->status, ==, 0);
  record = wait_for_record (fixture->browser_record);
  assert_opened_analytics (record);

  missing = cli_fixture_run (&fixture->cli, "open", "nosuch", NULL);
  g_assert_cmpint (missing->status, ==, 6);
  g_assert_nonnull (strstr (missing->err, "nosuch"));
  /* Only the service's own requests: the CLI forwarded, it did not mint. */
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->cli.fake, "POST", "/webtoken/"), ==, 2);
}

/* `windsock url` too, with the URL in the method's reply: the CLI's own
 * endpoint is a dead port, so only the service can have minted it. Each
 * caller gets a token of its own. */
static void
test_cli_url_forwarding (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(CliResult) first = NULL;
  g_autoptr(CliResult) second = NULL;
  g_autoptr(CliResult) missing = NULL;

  ws_fake_aws_push_response (fixture->cli.fake, "POST", "/webtoken/nosuch", 404,
                             "ResourceNotFoundException", "application/json",
                             "{\"Message\":\"Environment nosuch not found\"}");
  ws_test_service_start (&fixture->service, &fixture->cli);
  cli_fixture_setenv (&fixture->cli, "AWS_ENDPOINT_URL", "http://127.0.0.1:1");

  first = cli_fixture_run (&fixture->cli, "url", "analytics", NULL);
  g_assert_cmpint (first->status, ==, 0);
  assert_opened_analytics (first->out);
  g_assert_cmpstr (first->err, ==, "");
  second = cli_fixture_run (&fixture->cli, "url", "default/eu-west-1/analytics", NULL);
  g_assert_cmpint (second->status, ==, 0);
  assert_opened_analytics (second->out);
  g_assert_cmpstr (first->out, !=, second->out);

  missing = cli_fixture_run (&fixture->cli, "url", "nosuch", NULL);
  g_assert_cmpint (missing->status, ==, 6);
  g_assert_nonnull (strstr (missing->err, "nosuch"));
  g_assert_cmpstr (missing->out, ==, "");
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->cli.fake, "POST", "/webtoken/"), ==, 3);
  /* Nothing was opened: the URL is the caller's to use. */
  g_assert_false (g_file_test (fixture->browser_record, G_FILE_TEST_EXISTS));
}

/* What the README promises for scripts: gapplication's action call. */
static void
gapplication_open_analytics (Fixture *fixture)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GSubprocess) gapplication = NULL;
  g_autoptr(GError) error = NULL;
  gboolean exited = FALSE;

  g_subprocess_launcher_set_environ (launcher, fixture->cli.environ);
  gapplication = g_subprocess_launcher_spawn (launcher, &error, "gapplication", "action", APP_ID,
                                              "open-environment", "'default/eu-west-1/analytics'", NULL);
  g_assert_no_error (error);
  g_subprocess_wait_async (gapplication, NULL, on_exited, &exited);
  ws_test_sni_wait_until (is_true, &exited, "gapplication");
  g_assert_cmpint (g_subprocess_get_exit_status (gapplication), ==, 0);
}

static void
test_gapplication_action (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *record = NULL;

  ws_test_service_start (&fixture->service, &fixture->cli);
  gapplication_open_analytics (fixture);

  record = wait_for_record (fixture->browser_record);
  assert_opened_analytics (record);
}

/* "Copy sign-in link": the URL reaches the clipboard window on its stdin,
 * never on a command line. */
static void
test_copy_login_url (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *record = NULL;
  g_autofree char *stdin_path = g_strconcat (fixture->ui_record, ".stdin", NULL);
  g_autofree char *url = NULL;

  ws_test_service_start (&fixture->service, &fixture->cli);
  ws_test_service_activate (&fixture->service, "copy-login-url", g_variant_new_string ("default/eu-west-1/analytics"));
  record = wait_for_record (fixture->ui_record);
  g_assert_cmpstr (record, ==, "copy\n");
  g_assert_true (g_file_get_contents (stdin_path, &url, NULL, NULL));
  assert_opened_analytics (url);
}

/* A private window: the browser's own option, and the URL. */
static void
test_private_window (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *firefox_record = ws_test_install_recording_browser (fixture->cli.home, "firefox");
  g_autofree char *record = NULL;
  g_auto(GStrv) args = NULL;

  ws_test_service_start (&fixture->service, &fixture->cli);
  ws_test_service_activate (&fixture->service, "open-private-window", g_variant_new_string ("default/eu-west-1/analytics"));
  record = wait_for_record (firefox_record);
  args = g_strsplit (record, "\n", -1);
  g_assert_cmpstr (args[0], ==, "--private-window");
  assert_opened_analytics (args[1]);
}

/* "Private window" chosen in Preferences holds for a plain open too (the
 * settings come from a keyfile here, the service's memory backend being
 * out of the test's reach). */
static void
test_private_window_chosen (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *firefox_record = ws_test_install_recording_browser (fixture->cli.home, "firefox");
  g_autofree char *keyfile = g_build_filename (fixture->cli.home, ".config", "glib-2.0", "settings",
                                               "keyfile", NULL);
  g_autofree char *keyfile_dir = g_path_get_dirname (keyfile);
  g_autofree char *record = NULL;
  g_auto(GStrv) args = NULL;

  g_assert_cmpint (g_mkdir_with_parents (keyfile_dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (keyfile, "[io/github/windsock/Windsock]\n"
                                               "private-environments=['default/eu-west-1/analytics']\n",
                                      -1, NULL));
  cli_fixture_setenv (&fixture->cli, "GSETTINGS_BACKEND", "keyfile");
  ws_test_service_start (&fixture->service, &fixture->cli);
  ws_test_service_activate (&fixture->service, "open-environment", g_variant_new_string ("default/eu-west-1/analytics"));
  record = wait_for_record (firefox_record);
  args = g_strsplit (record, "\n", -1);
  g_assert_cmpstr (args[0], ==, "--private-window");
  assert_opened_analytics (args[1]);
}

/* CreateWebLoginToken answered only when the test says so. */
typedef struct
{
  guint              calls;
  SoupServerMessage *held;
} HeldToken;

static void
hold_web_token (WsFakeAws         *fake,
                SoupServerMessage *msg,
                const char        *body,
                gpointer           user_data)
{
  HeldToken *held = user_data;

  held->calls++;
  held->held = msg;
  soup_server_message_pause (msg);
}

static void
release_web_token (HeldToken *held)
{
  static const char answer[] =
    "{\"WebToken\":\"token-analytics-held\",\"WebServerHostname\":\"analytics.airflow.example.test\"}";

  soup_server_message_set_status (held->held, 200, NULL);
  soup_server_message_set_response (held->held, "application/json", SOUP_MEMORY_STATIC,
                                    answer, strlen (answer));
  soup_server_message_unpause (held->held);
}

static gboolean
token_requested (gpointer data)
{
  return ((HeldToken *) data)->calls > 0;
}

static gboolean
service_is_down (gpointer data)
{
  Fixture *fixture = data;

  return !ws_test_service_is_up (&fixture->service);
}

/* The bus starts the service for an action, as the installed D-Bus service
 * file makes it do: here a file in a service dir of the test bus, whose
 * program runs windsock with the test's environment. */
static void
install_service_file (Fixture *fixture)
{
  g_autofree char *script = g_build_filename (fixture->cli.home, "windsock-activated", NULL);
  g_autofree char *service = g_build_filename (fixture->cli.home, APP_ID ".service", NULL);
  g_autoptr(GString) text = g_string_new ("#!/bin/sh\nexec env -i");
  g_autofree char *service_text = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; fixture->cli.environ[i] != NULL; i++)
    {
      g_autofree char *quoted = g_shell_quote (fixture->cli.environ[i]);

      g_string_append_printf (text, " %s", quoted);
    }
  g_string_append_printf (text, " '%s' --gapplication-service >'%s' 2>&1\n",
                          g_getenv ("WINDSOCK_BIN"), fixture->service.log_path);
  g_file_set_contents (script, text->str, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (script, 0700), ==, 0);

  service_text = g_strdup_printf ("[D-BUS Service]\nName=%s\nExec=%s\n", APP_ID, script);
  g_file_set_contents (service, service_text, -1, &error);
  g_assert_no_error (error);
}

static void
test_dbus_activation (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *record = NULL;

  install_service_file (fixture);
  g_assert_false (ws_test_service_is_up (&fixture->service));
  gapplication_open_analytics (fixture);

  record = wait_for_record (fixture->browser_record);
  assert_opened_analytics (record);
  /* Started for an action, not by a person: no picker, no tray nag. */
  g_assert_false (g_file_test (fixture->ui_record, G_FILE_TEST_EXISTS));

  ws_test_service_activate (&fixture->service, "quit", NULL);
  ws_test_service_poll_until (service_is_down, fixture, "the activated service to quit");
}

/* Rapid clicks on one environment while its token is being minted: one
 * request, one browser tab. */
static void
test_rapid_clicks (Fixture       *fixture,
                   gconstpointer  data)
{
  HeldToken held = { 0 };
  g_autofree char *record = NULL;

  ws_fake_aws_set_handler (fixture->cli.fake, "POST", "/webtoken/analytics", TRUE, hold_web_token, &held);
  ws_test_service_start (&fixture->service, &fixture->cli);
  ws_test_service_activate (&fixture->service, "open-environment", g_variant_new_string ("default/eu-west-1/analytics"));
  ws_test_sni_wait_until (token_requested, &held, "the first CreateWebLoginToken");
  /* Each Activate returns once the service ran the action. */
  for (int i = 0; i < 4; i++)
    ws_test_service_activate (&fixture->service, "open-environment", g_variant_new_string ("default/eu-west-1/analytics"));
  g_assert_cmpuint (held.calls, ==, 1);

  release_web_token (&held);
  record = wait_for_record (fixture->browser_record);
  g_assert_cmpstr (record, ==, "https://analytics.airflow.example.test/aws_mwaa/aws-console-sso?login=true#token-analytics-held");
  g_assert_cmpuint (held.calls, ==, 1);
}

/* No network, a malformed config: the service stays up, the tray says what
 * is wrong, and it still quits cleanly (checked in tear-down). */
static void
test_survives_failures (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(WsTestSniWatcher) watcher = ws_test_sni_watcher_new (fixture->service.connection);
  g_autoptr(WsTestSniItem) item = NULL;
  g_autoptr(WsTestSniMenu) menu = NULL;
  g_autoptr(GVariant) properties = NULL;
  g_autoptr(GVariant) layout = NULL;
  const char *icon_name;

  cli_fixture_write_aws (&fixture->cli, "config", "[default\nregion = eu-west-1\n");
  cli_fixture_setenv (&fixture->cli, "AWS_ENDPOINT_URL", "http://127.0.0.1:9");
  ws_test_service_start (&fixture->service, &fixture->cli);
  item = wait_for_item (fixture, watcher);
  properties = ws_test_sni_item_get_all (item);
  g_assert_true (g_variant_lookup (properties, "IconName", "&s", &icon_name));
  g_assert_cmpstr (icon_name, ==, APP_ID "-error-symbolic");
  /* The menu says what is wrong with the file, where. */
  menu = ws_test_sni_menu_new (item);
  g_clear_pointer (&layout, g_variant_unref);
  layout = wait_for_row (menu, "line 1");

  ws_test_service_activate (&fixture->service, "refresh", NULL);
  ws_test_service_activate (&fixture->service, "open-environment", g_variant_new_string ("default/eu-west-1/analytics"));
  g_assert_nonnull (wait_for_notification (fixture, "Could not open"));
  g_assert_true (ws_test_service_is_up (&fixture->service));
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *home = ws_test_isolate ("test-service");
  int status;

  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/service/tray/click", test_tray_click);
  ADD ("/service/tray/watcher-restart", test_watcher_restart);
  ADD ("/service/tray/config-change", test_config_change);
  ADD ("/service/notification/error-and-retry", test_error_notification);
  ADD ("/service/mfa-profile", test_mfa_profile);
  ADD ("/service/tray/sso-sign-in", test_sso_sign_in);
  ADD ("/service/sso-expired-click", test_sso_expired_click);
  ADD ("/service/sso-retried-once", test_sso_retried_once);
  ADD ("/service/no-watcher", test_no_watcher);
  ADD ("/service/activate-again", test_activate_again);
  ADD ("/service/tray/late-panel", test_late_panel);
  ADD ("/service/cli-forwarding", test_cli_forwarding);
  ADD ("/service/cli-url-forwarding", test_cli_url_forwarding);
  ADD ("/service/gapplication-action", test_gapplication_action);
  ADD ("/service/dbus-activation", test_dbus_activation);
  ADD ("/service/rapid-clicks", test_rapid_clicks);
  ADD ("/service/copy-login-url", test_copy_login_url);
  ADD ("/service/private-window", test_private_window);
  ADD ("/service/private-window-chosen", test_private_window_chosen);
  ADD ("/service/survives-failures", test_survives_failures);

#undef ADD

  status = g_test_run ();
  ws_test_remove_tree (home);
  return status;
}
