/* test-signin.c — the IAM Identity Center sign-in window: in-process where
 * the widgets are looked at, and the real `windsock-ui signin` process end
 * to end (one per sso-session, its exit status, the AWS CLI's cache),
 * against the fake OIDC and a recording browser
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "windsock-signin-window.h"
#include "ws-fake-aws.h"
#include "ws-sso-cache.h"
#include "ws-test-browser.h"
#include "ws-test-util.h"
#include "ws-ui-test-util.h"

#define CONFIG \
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

#define DEVICE_PAGE "https://device.sso.us-east-1.amazonaws.com/?user_code=ABCD-EFGH"

/* The recording browser is the whole program's: GLib reads the XDG
 * directories once. */
static char *browser_home;
static char *browser_record;

typedef enum
{
  TOKEN_PENDING,
  TOKEN_APPROVE,
  TOKEN_DENY,
} TokenMode;

typedef struct
{
  char         *home;
  GStrv         environ;
  WsFakeAws    *fake;
  TokenMode     token_mode;
  WsAwsClient  *client;
  WsAwsContext *context;
  WsLauncher   *launcher;
  GtkWidget    *window;      /* weak */
  int           finished;    /* -1 not yet, else signed_in */
} Fixture;

static void
reply_json (SoupServerMessage *msg,
            guint              status,
            const char        *error_type,
            const char        *body)
{
  soup_server_message_set_status (msg, status, NULL);
  if (error_type != NULL)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg), "x-amzn-ErrorType", error_type);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
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
              "\"verificationUriComplete\":\"" DEVICE_PAGE "\","
              "\"expiresIn\":600,\"interval\":1}");
}

/* The device code's CreateToken: pending, approved or denied as the test says. */
static void
handle_device_token (WsFakeAws         *fake,
                     SoupServerMessage *msg,
                     const char        *body,
                     gpointer           user_data)
{
  Fixture *fixture = user_data;

  switch (fixture->token_mode)
    {
    case TOKEN_PENDING:
      reply_json (msg, 400, "AuthorizationPendingException", "{\"error\":\"authorization_pending\"}");
      break;
    case TOKEN_APPROVE:
      reply_json (msg, 200, NULL,
                  "{\"accessToken\":\"at-device\",\"tokenType\":\"Bearer\","
                  "\"expiresIn\":3600,\"refreshToken\":\"rt-device\"}");
      break;
    case TOKEN_DENY:
      reply_json (msg, 400, "AccessDeniedException", "{\"error\":\"access_denied\"}");
      break;
    }
}

/* @data: "device" answers the device-code flow; otherwise the fake's own
 * OIDC answers (authorization code with PKCE). */
static void
setup (Fixture       *fixture,
       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *config = NULL;

  fixture->home = g_dir_make_tmp ("test-signin-aws-XXXXXX", &error);
  g_assert_no_error (error);
  config = g_build_filename (fixture->home, ".aws", "config", NULL);
  ws_test_write_file (config, CONFIG, -1, 0600);

  fixture->fake = ws_fake_aws_new ();
  if (g_strcmp0 (data, "device") == 0)
    {
      ws_fake_aws_set_handler (fixture->fake, "POST", "/device_authorization", FALSE,
                               handle_device_authorization, fixture);
      ws_fake_aws_set_handler (fixture->fake, "POST", "/token", FALSE, handle_device_token, fixture);
    }

  fixture->environ = g_get_environ ();
  fixture->environ = g_environ_setenv (fixture->environ, "HOME", fixture->home, TRUE);
  fixture->environ = g_environ_setenv (fixture->environ, "AWS_CONFIG_FILE", config, TRUE);
  fixture->environ = g_environ_setenv (fixture->environ, "AWS_ENDPOINT_URL_SSO",
                                       ws_fake_aws_get_url (fixture->fake), TRUE);
  fixture->environ = g_environ_setenv (fixture->environ, "AWS_ENDPOINT_URL_SSO_OIDC",
                                       ws_fake_aws_get_url (fixture->fake), TRUE);
  fixture->finished = -1;
  g_remove (browser_record);
}

static void
teardown (Fixture       *fixture,
          gconstpointer  data)
{
  if (fixture->window != NULL)
    {
      gtk_window_destroy (GTK_WINDOW (fixture->window));
      ws_ui_wait_for_finalize ((gpointer *) &fixture->window);
    }
  /* Let cancelled requests finish before the fake goes. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&fixture->launcher);
  g_clear_object (&fixture->context);
  g_clear_object (&fixture->client);
  g_clear_object (&fixture->fake);
  g_strfreev (fixture->environ);
  ws_test_remove_tree (fixture->home);
  g_free (fixture->home);
}

static char *
dup_cache_path (Fixture *fixture)
{
  g_autofree char *name = ws_sso_cache_file_name ("my-sso");

  return g_build_filename (fixture->home, ".aws", "sso", "cache", name, NULL);
}

/* The window in this process */

static gpointer
template_child (Fixture    *fixture,
                const char *name)
{
  return gtk_widget_get_template_child (fixture->window, WINDSOCK_TYPE_SIGNIN_WINDOW, name);
}

static gboolean
is_visible (Fixture    *fixture,
            const char *name)
{
  return gtk_widget_get_visible (template_child (fixture, name));
}

static const char *
label_text (Fixture    *fixture,
            const char *name)
{
  return gtk_label_get_label (template_child (fixture, name));
}

static void
on_finished (GtkWidget *window,
             gboolean   signed_in,
             Fixture   *fixture)
{
  g_assert_cmpint (fixture->finished, ==, -1);
  fixture->finished = signed_in;
}

static void
show_window (Fixture         *fixture,
             WsSsoLoginFlags  flags)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.github.windsock.Windsock");

  fixture->client = ws_aws_client_new ();
  fixture->context = ws_aws_context_new (fixture->client, (const char * const *) fixture->environ);
  /* A poll "second" of 5 ms: several polls stay quick. */
  ws_sso_set_poll_unit (ws_aws_context_get_sso (fixture->context), 5);
  fixture->launcher = ws_launcher_new (settings);
  fixture->window = windsock_signin_window_new (NULL, fixture->context, fixture->launcher, "dev", flags);
  g_object_add_weak_pointer (G_OBJECT (fixture->window), (gpointer *) &fixture->window);
  g_signal_connect (fixture->window, "finished", G_CALLBACK (on_finished), fixture);
  gtk_window_present (GTK_WINDOW (fixture->window));
}

static gboolean
code_shown (gpointer data)
{
  Fixture *fixture = data;

  return is_visible (fixture, "code_label");
}

static gboolean
finished (gpointer data)
{
  Fixture *fixture = data;

  return fixture->finished != -1;
}

static gboolean
retry_shown (gpointer data)
{
  Fixture *fixture = data;

  return is_visible (fixture, "retry_button");
}

static gboolean
signed_in_shown (gpointer data)
{
  Fixture *fixture = data;

  return g_str_equal (label_text (fixture, "status_label"), "Signed in");
}

static char *
wait_for_browser (void)
{
  g_autofree char *record = ws_test_wait_for_file (browser_record);

  g_assert_nonnull (record);
  g_remove (browser_record);
  /* A redirect page, never the page's URL (and its state) itself. */
  g_assert_null (strstr (record, "http"));
  return ws_test_browser_resolve (record);
}

/* The device code is shown large and selectable, the page opens; once
 * approved: "Signed in", the cache, and the window closes by itself. */
static void
test_window_device_code (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *page = NULL;
  g_autofree char *cache = dup_cache_path (fixture);
  g_autofree char *title = NULL;
  GtkLabel *code;

  show_window (fixture, WS_SSO_LOGIN_DEVICE_CODE);
  g_object_get (fixture->window, "title", &title, NULL);
  g_assert_cmpstr (title, ==, "Sign in to dev");
  g_assert_nonnull (strstr (label_text (fixture, "session_label"), "my-sso"));
  g_assert_nonnull (strstr (label_text (fixture, "session_label"), "https://my-sso-portal.awsapps.com/start"));

  ws_ui_wait_until (code_shown, fixture);
  code = template_child (fixture, "code_label");
  g_assert_cmpstr (gtk_label_get_label (code), ==, "ABCD-EFGH");
  g_assert_true (gtk_label_get_selectable (code));
  g_assert_cmpstr (label_text (fixture, "status_label"), ==, "Confirm this code in your browser");
  g_assert_true (is_visible (fixture, "open_again_button"));
  /* Already a code: nothing to switch to. */
  g_assert_false (is_visible (fixture, "use_code_button"));
  g_assert_false (is_visible (fixture, "retry_button"));
  page = wait_for_browser ();
  g_assert_cmpstr (page, ==, DEVICE_PAGE);
  ws_ui_save_screenshot (GTK_WIDGET (fixture->window), "signin-code");

  /* "Open the page again" does. */
  g_signal_emit_by_name (template_child (fixture, "open_again_button"), "clicked");
  g_free (page);
  page = wait_for_browser ();
  g_assert_cmpstr (page, ==, DEVICE_PAGE);

  fixture->token_mode = TOKEN_APPROVE;
  ws_ui_wait_until (signed_in_shown, fixture);
  g_assert_false (is_visible (fixture, "cancel_button"));
  g_assert_true (g_file_test (cache, G_FILE_TEST_IS_REGULAR));
  /* It closes itself a second later: drawn while it is there. */
  ws_ui_save_screenshot (GTK_WIDGET (fixture->window), "signin-done");
  ws_ui_wait_until (finished, fixture);
  g_assert_cmpint (fixture->finished, ==, TRUE);
  ws_ui_wait_for_finalize ((gpointer *) &fixture->window);
}

/* A refusal is said in words with Try Again, which starts anew. */
static void
test_window_error_retry (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *page = NULL;

  fixture->token_mode = TOKEN_DENY;
  show_window (fixture, WS_SSO_LOGIN_DEVICE_CODE);
  ws_ui_wait_until (retry_shown, fixture);
  g_assert_cmpstr (label_text (fixture, "status_label"), ==, "Could not sign in to dev");
  g_assert_true (is_visible (fixture, "detail_label"));
  g_assert_nonnull (strstr (label_text (fixture, "detail_label"), "denied"));
  g_assert_false (is_visible (fixture, "code_label"));
  g_assert_true (gtk_widget_has_focus (template_child (fixture, "retry_button")));
  g_assert_cmpint (fixture->finished, ==, -1);
  page = wait_for_browser ();
  ws_ui_save_screenshot (GTK_WIDGET (fixture->window), "signin-error");

  fixture->token_mode = TOKEN_PENDING;
  g_signal_emit_by_name (template_child (fixture, "retry_button"), "clicked");
  g_assert_false (is_visible (fixture, "retry_button"));
  ws_ui_wait_until (code_shown, fixture);
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, "POST", "/device_authorization"), ==, 2);

  fixture->token_mode = TOKEN_APPROVE;
  ws_ui_wait_until (finished, fixture);
  g_assert_cmpint (fixture->finished, ==, TRUE);
}

/* A file that cannot be read says where, rather than "no such profile". */
static void
test_window_config_error (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *config = g_build_filename (fixture->home, ".aws", "config", NULL);

  ws_test_write_file (config, CONFIG "this line is no setting\n", -1, 0600);
  show_window (fixture, WS_SSO_LOGIN_DEVICE_CODE);
  ws_ui_wait_until (retry_shown, fixture);
  g_assert_nonnull (strstr (label_text (fixture, "detail_label"), "line 11"));
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, NULL, "/"), ==, 0);
}

/* Cancel (and closing) cancels the sign-in: no cache, not signed in. */
static void
test_window_cancel (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *cache = dup_cache_path (fixture);
  g_autofree char *page = NULL;
  guint polls;

  show_window (fixture, WS_SSO_LOGIN_DEVICE_CODE);
  ws_ui_wait_until (code_shown, fixture);
  page = wait_for_browser ();
  g_signal_emit_by_name (template_child (fixture, "cancel_button"), "clicked");
  g_assert_cmpint (fixture->finished, ==, FALSE);
  ws_ui_wait_for_finalize ((gpointer *) &fixture->window);

  /* The polling stopped with it. */
  polls = ws_fake_aws_count_requests (fixture->fake, "POST", "/token");
  fixture->token_mode = TOKEN_APPROVE;
  ws_test_run_for (200);
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, "POST", "/token"), ==, polls);
  g_assert_false (g_file_test (cache, G_FILE_TEST_EXISTS));
}

/* The browser on another machine: "Use a code instead" switches to the
 * device code, once. */
static void
test_window_use_code (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *page = NULL;

  show_window (fixture, WS_SSO_LOGIN_DEFAULT);
  g_assert_true (is_visible (fixture, "use_code_button"));
  /* The authorize page in the browser (PKCE); the code flow's page
   * until ws-sso has it. */
  page = wait_for_browser ();

  g_signal_emit_by_name (template_child (fixture, "use_code_button"), "clicked");
  g_assert_false (is_visible (fixture, "use_code_button"));
  ws_ui_wait_until (code_shown, fixture);
  g_assert_cmpstr (label_text (fixture, "code_label"), ==, "ABCD-EFGH");
  g_free (page);
  page = wait_for_browser ();
  g_assert_cmpstr (page, ==, DEVICE_PAGE);

  fixture->token_mode = TOKEN_APPROVE;
  ws_ui_wait_until (finished, fixture);
  g_assert_cmpint (fixture->finished, ==, TRUE);
}

/* The authorization code with PKCE: "Continue in your browser"; the
 * browser follows the authorize page back to the loopback listener. */
typedef struct
{
  gboolean  done;
  guint     status;
  char     *page;
} Follow;

static void
on_followed (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Follow *follow = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (ws_fake_aws_follow_authorize_finish (WS_FAKE_AWS (source), result, &follow->status,
                                                      &follow->page, &error));
  g_assert_no_error (error);
  follow->done = TRUE;
}

static gboolean
followed (gpointer data)
{
  return ((Follow *) data)->done;
}

static void
follow_authorize (Fixture    *fixture,
                  const char *page)
{
  Follow follow = { FALSE, 0, NULL };

  ws_fake_aws_follow_authorize_async (fixture->fake, page, NULL, on_followed, &follow);
  ws_ui_wait_until (followed, &follow);
  g_assert_cmpuint (follow.status, ==, 200);
  g_free (follow.page);
}

static void
test_window_pkce (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *page = NULL;
  g_autofree char *cache = dup_cache_path (fixture);

  show_window (fixture, WS_SSO_LOGIN_DEFAULT);
  page = wait_for_browser ();
  g_assert_true (g_str_has_prefix (page, ws_fake_aws_get_url (fixture->fake)));
  g_assert_nonnull (strstr (page, "/authorize?"));
  g_assert_cmpstr (label_text (fixture, "status_label"), ==, "Continue in your browser");
  g_assert_false (is_visible (fixture, "code_label"));
  g_assert_true (is_visible (fixture, "open_again_button"));
  ws_ui_save_screenshot (GTK_WIDGET (fixture->window), "signin-browser");

  follow_authorize (fixture, page);
  ws_ui_wait_until (finished, fixture);
  g_assert_cmpint (fixture->finished, ==, TRUE);
  g_assert_true (g_file_test (cache, G_FILE_TEST_IS_REGULAR));
}

/* The process */

static GSubprocess *
spawn_signin (Fixture    *fixture,
              const char *flag)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  g_subprocess_launcher_set_environ (launcher, fixture->environ);
  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("WINDSOCK_UI"), "signin", "dev", flag, NULL);
  g_assert_no_error (error);
  return process;
}

static int
wait_for_exit_status (GSubprocess *process)
{
  ws_ui_wait_for_exit (process);
  g_assert_true (g_subprocess_get_if_exited (process));
  return g_subprocess_get_exit_status (process);
}

/* The AWS CLI's format, 0600. */
static void
assert_cache (Fixture    *fixture,
              const char *access_token_prefix)
{
  g_autofree char *path = dup_cache_path (fixture);
  g_autofree char *text = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *entry;
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  entry = json_node_get_object (json_parser_get_root (parser));
  g_assert_true (g_str_has_prefix (json_object_get_string_member (entry, "accessToken"), access_token_prefix));
  g_assert_cmpstr (json_object_get_string_member (entry, "startUrl"), ==, "https://my-sso-portal.awsapps.com/start");
  g_assert_cmpstr (json_object_get_string_member (entry, "region"), ==, "us-east-1");
  g_assert_true (json_object_has_member (entry, "expiresAt"));
  g_assert_true (json_object_has_member (entry, "clientId"));
}

static void
test_process_device_code (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *window_id = NULL;
  g_autofree char *page = NULL;

  process = spawn_signin (fixture, "--use-device-code");
  window_id = ws_ui_focus_window ("Sign in to dev");
  page = wait_for_browser ();
  g_assert_cmpstr (page, ==, DEVICE_PAGE);

  fixture->token_mode = TOKEN_APPROVE;
  g_assert_cmpint (wait_for_exit_status (process), ==, 0);
  assert_cache (fixture, "at-device");
}

/* Esc closes the window on the key press: xdotool's release then goes to
 * a window that is gone, is lost, and the X server would repeat Escape
 * into the next window. Released here, once the process is gone. */
static int
cancel_with_escape (GSubprocess *process,
                    const char  *window_id)
{
  int status;

  g_free (ws_ui_xdotool ("key", "--window", window_id, "Escape", NULL));
  status = wait_for_exit_status (process);
  g_free (ws_ui_xdotool ("keyup", "Escape", NULL));
  return status;
}

/* Esc is Cancel: exit status 1, nothing written. */
static void
test_process_cancel (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *window_id = NULL;
  g_autofree char *page = NULL;
  g_autofree char *cache = dup_cache_path (fixture);

  process = spawn_signin (fixture, "--use-device-code");
  window_id = ws_ui_focus_window ("Sign in to dev");
  page = wait_for_browser ();
  g_assert_cmpint (cancel_with_escape (process, window_id), ==, 1);
  g_assert_false (g_file_test (cache, G_FILE_TEST_EXISTS));
}

static gboolean
process_running (gpointer data)
{
  return g_subprocess_get_identifier (data) != NULL;
}

/* A second `signin` for the session shows the first window, starts no
 * sign-in of its own, waits, and exits with the first one's result. */
static void
test_process_second (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GSubprocess) first = NULL;
  g_autoptr(GSubprocess) second = NULL;
  g_autofree char *window_id = NULL;
  g_autofree char *windows = NULL;
  g_autofree char *page = NULL;

  first = spawn_signin (fixture, "--use-device-code");
  window_id = ws_ui_focus_window ("Sign in to dev");
  page = wait_for_browser ();

  second = spawn_signin (fixture, NULL);
  ws_test_run_for (1000);
  g_assert_true (process_running (second));
  windows = ws_ui_xdotool ("search", "--onlyvisible", "--name", "^Sign in to dev$", NULL);
  g_assert_cmpstr (windows, ==, window_id);

  /* Cancelled: 1 for both (a released caller would get 0). */
  g_assert_cmpint (cancel_with_escape (first, window_id), ==, 1);
  g_assert_cmpint (wait_for_exit_status (second), ==, 1);
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, "POST", "/device_authorization"), ==, 1);
}

/* PKCE end to end: the browser follows the authorize page. */
static void
test_process_pkce (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *page = NULL;

  process = spawn_signin (fixture, NULL);
  page = wait_for_browser ();
  g_assert_nonnull (strstr (page, "/authorize?"));
  follow_authorize (fixture, page);
  g_assert_cmpint (wait_for_exit_status (process), ==, 0);
  assert_cache (fixture, "fake-access-token-");
}

/* Cancelled while the browser has the authorize page: the listener goes,
 * the process exits 1 (and does not crash on its way out). */
static void
test_process_pkce_cancel (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *window_id = NULL;
  g_autofree char *page = NULL;
  g_autofree char *cache = dup_cache_path (fixture);

  process = spawn_signin (fixture, NULL);
  window_id = ws_ui_focus_window ("Sign in to dev");
  page = wait_for_browser ();
  g_assert_cmpint (cancel_with_escape (process, window_id), ==, 1);
  g_assert_false (g_file_test (cache, G_FILE_TEST_EXISTS));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GTestDBus) bus = NULL;
  g_autofree char *data_home = NULL;
  g_autofree char *config_home = NULL;
  g_autofree char *xdotool = g_find_program_in_path ("xdotool");
  int status;

  browser_home = ws_test_isolate ("test-signin");
  data_home = g_build_filename (browser_home, ".local", "share", NULL);
  config_home = g_build_filename (browser_home, ".config", NULL);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config_home, TRUE);
  browser_record = ws_test_install_recording_browser (browser_home, "recorder");
  bus = ws_ui_test_init (&argc, &argv);
  g_assert_nonnull (g_getenv ("WINDSOCK_UI"));
  g_assert_nonnull (xdotool);

#define ADD(path, data, func) g_test_add (path, Fixture, data, setup, func, teardown)
  ADD ("/signin/window/device-code", "device", test_window_device_code);
  ADD ("/signin/window/error-retry", "device", test_window_error_retry);
  ADD ("/signin/window/cancel", "device", test_window_cancel);
  ADD ("/signin/window/config-error", "device", test_window_config_error);
  ADD ("/signin/window/use-code", "device", test_window_use_code);
  ADD ("/signin/window/pkce", NULL, test_window_pkce);
  ADD ("/signin/process/device-code", "device", test_process_device_code);
  ADD ("/signin/process/cancel", "device", test_process_cancel);
  ADD ("/signin/process/second", "device", test_process_second);
  ADD ("/signin/process/pkce", NULL, test_process_pkce);
  ADD ("/signin/process/pkce-cancel", NULL, test_process_pkce_cancel);
#undef ADD

  status = g_test_run ();
  g_test_dbus_down (bus);
  ws_test_remove_tree (browser_home);
  g_free (browser_home);
  g_free (browser_record);
  return status;
}
