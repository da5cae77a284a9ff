/* test-launcher.c — opening URLs in browsers (recording scripts that GIO
 * takes for the user's browsers), the autostart entry, and the fake
 * notification server GNotification talks to
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <fcntl.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include <gio/gdesktopappinfo.h>
#include <glib/gstdio.h>

#include "ws-autostart.h"
#include "ws-launcher.h"
#include "ws-secret.h"
#include "ws-test-browser.h"
#include "ws-test-notifications.h"
#include "ws-test-util.h"

#define LOGIN_URL "https://analytics.airflow.example.test/aws_mwaa/aws-console-sso?login=true#web-token"
#define TOKEN "activation-token-42"

/* GLib gives every test its own XDG dirs (G_TEST_OPTION_ISOLATE_DIRS);
 * HOME/.local/share and HOME/.config link to them so that the recording
 * browser, written under HOME, is what GIO finds. */
typedef struct
{
  char       *home;
  GSettings  *settings;
  WsLauncher *launcher;
} Fixture;

static void
link_dir (const char *target,
          const char *link)
{
  g_autofree char *parent = g_path_get_dirname (link);

  g_assert_cmpint (g_mkdir_with_parents (target, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (parent, 0700), ==, 0);
  g_assert_cmpint (symlink (target, link), ==, 0);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *data_link = NULL;
  g_autofree char *config_link = NULL;

  fixture->home = g_strdup (g_get_home_dir ());
  data_link = g_build_filename (fixture->home, ".local", "share", NULL);
  config_link = g_build_filename (fixture->home, ".config", NULL);
  link_dir (g_get_user_data_dir (), data_link);
  link_dir (g_get_user_config_dir (), config_link);

  fixture->settings = g_settings_new ("io.github.windsock.Windsock");
  g_settings_reset (fixture->settings, "browser");
  fixture->launcher = ws_launcher_new (fixture->settings);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_unsetenv ("WINDSOCK_FLATPAK_INFO");
  g_clear_object (&fixture->launcher);
  g_clear_object (&fixture->settings);
  g_clear_pointer (&fixture->home, g_free);
}

static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
open_any_uri (Fixture     *fixture,
              const char  *uri,
              const char  *token,
              gboolean     private_window,
              GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  ws_launcher_open_uri_async (fixture->launcher, uri, token, private_window, NULL,
                              store_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return ws_launcher_open_uri_finish (fixture->launcher, result, error);
}

static gboolean
open_uri (Fixture     *fixture,
          const char  *token,
          gboolean     private_window,
          GError     **error)
{
  return open_any_uri (fixture, LOGIN_URL, token, private_window, error);
}

static char *
wait_for_environment (const char *record)
{
  g_autofree char *path = g_strconcat (record, ".env", NULL);

  return ws_test_wait_for_file (path);
}

/* The browser was handed a redirect page, never the URL itself, and the
 * page sends it on to @expected (a record: one argument a line). */
static void
assert_opened (const char *record,
               const char *expected)
{
  g_autofree char *recorded = ws_test_wait_for_file (record);
  g_autofree char *opened = NULL;

  g_assert_nonnull (recorded);
  g_assert_null (strstr (recorded, "web-token"));
  g_assert_nonnull (strstr (recorded, ".html"));
  opened = ws_test_browser_resolve (recorded);
  g_assert_cmpstr (opened, ==, expected);
}

static void
test_private_window_option (void)
{
  static const char *firefoxes[] = { "firefox", "firefox-esr", "librewolf", "icecat", "waterfox" };
  static const char *chromiums[] = {
    "chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "brave",
    "brave-browser", "vivaldi", "vivaldi-stable", "microsoft-edge", "microsoft-edge-stable", "opera",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (firefoxes); i++)
    g_assert_cmpstr (ws_launcher_private_window_option (firefoxes[i]), ==, "--private-window");
  for (gsize i = 0; i < G_N_ELEMENTS (chromiums); i++)
    g_assert_cmpstr (ws_launcher_private_window_option (chromiums[i]), ==, "--incognito");
  g_assert_cmpstr (ws_launcher_private_window_option ("epiphany"), ==, "--incognito-mode");

  g_assert_null (ws_launcher_private_window_option ("recorder"));
  g_assert_null (ws_launcher_private_window_option (""));
  g_assert_null (ws_launcher_private_window_option ("Firefox"));
  g_assert_null (ws_launcher_private_window_option ("/usr/bin/firefox"));
  g_assert_null (ws_launcher_private_window_option ("firefox-bin"));
}

/* The default browser gets the URL and the activation token. */
static void
test_default_browser (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *record = ws_test_install_recording_browser (fixture->home, "recorder");
  g_autofree char *environment = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (open_uri (fixture, TOKEN, FALSE, &error));
  g_assert_no_error (error);

  assert_opened (record, LOGIN_URL);
  environment = wait_for_environment (record);
  g_assert_cmpstr (environment, ==,
                   "XDG_ACTIVATION_TOKEN=" TOKEN "\nDESKTOP_STARTUP_ID=" TOKEN "\n");
}

/* Without a token, none is made up. */
static void
test_default_browser_without_token (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autofree char *record = ws_test_install_recording_browser (fixture->home, "recorder");
  g_autofree char *environment = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (open_uri (fixture, NULL, FALSE, &error));
  g_assert_no_error (error);

  assert_opened (record, LOGIN_URL);
  environment = wait_for_environment (record);
  g_assert_cmpstr (environment, ==, "XDG_ACTIVATION_TOKEN=\nDESKTOP_STARTUP_ID=\n");
}

/* The browser chosen in settings opens the page, not the default one. */
static void
test_chosen_browser (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *chosen = ws_test_install_recording_browser (fixture->home, "chosen");
  /* Installed last, so the default. */
  g_autofree char *fallback = ws_test_install_recording_browser (fixture->home, "recorder");
  g_autofree char *environment = NULL;
  g_autoptr(GError) error = NULL;

  g_settings_set_string (fixture->settings, "browser", "chosen.desktop");
  g_assert_true (open_uri (fixture, TOKEN, FALSE, &error));
  g_assert_no_error (error);

  assert_opened (chosen, LOGIN_URL);
  environment = wait_for_environment (chosen);
  g_assert_nonnull (strstr (environment, "XDG_ACTIVATION_TOKEN=" TOKEN "\n"));
  g_assert_false (g_file_test (fallback, G_FILE_TEST_EXISTS));
}

/* A chosen browser that is gone falls back to the default one. */
static void
test_chosen_browser_uninstalled (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autofree char *record = ws_test_install_recording_browser (fixture->home, "recorder");
  g_autoptr(GError) error = NULL;

  g_settings_set_string (fixture->settings, "browser", "uninstalled.desktop");
  g_assert_true (open_uri (fixture, NULL, FALSE, &error));
  g_assert_no_error (error);

  assert_opened (record, LOGIN_URL);
}

static void
test_private_window_firefox (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autofree char *record = ws_test_install_recording_browser (fixture->home, "firefox");
  g_autofree char *environment = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (open_uri (fixture, TOKEN, TRUE, &error));
  g_assert_no_error (error);

  assert_opened (record, "--private-window\n" LOGIN_URL);
  environment = wait_for_environment (record);
  g_assert_cmpstr (environment, ==,
                   "XDG_ACTIVATION_TOKEN=" TOKEN "\nDESKTOP_STARTUP_ID=" TOKEN "\n");
}

/* The chosen browser, not the default one, decides the option. */
static void
test_private_window_chosen (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *chosen = ws_test_install_recording_browser (fixture->home, "chromium");
  g_autofree char *fallback = ws_test_install_recording_browser (fixture->home, "recorder");
  g_autoptr(GError) error = NULL;

  g_settings_set_string (fixture->settings, "browser", "chromium.desktop");
  g_assert_true (open_uri (fixture, NULL, TRUE, &error));
  g_assert_no_error (error);

  assert_opened (chosen, "--incognito\n" LOGIN_URL);
  g_assert_false (g_file_test (fallback, G_FILE_TEST_EXISTS));
}

/* A browser Flatpak exported: its field-code markers are dropped and the
 * app's --command names the browser. A script named "flatpak" records. */
static void
test_private_window_flatpak (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autofree char *record = ws_test_install_recording_browser (fixture->home, "flatpak");
  g_autofree char *desktop = g_build_filename (fixture->home, ".local", "share", "applications",
                                               "flatpak.desktop", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  text = g_strdup_printf ("[Desktop Entry]\nType=Application\nName=Firefox\n"
                          "Exec=%s/bin/flatpak run --branch=stable --command=firefox "
                          "--file-forwarding org.mozilla.firefox @@u %%u @@\n"
                          "MimeType=x-scheme-handler/https;\n",
                          fixture->home);
  g_file_set_contents (desktop, text, -1, &error);
  g_assert_no_error (error);

  g_assert_true (open_uri (fixture, NULL, TRUE, &error));
  g_assert_no_error (error);

  assert_opened (record, "run\n--branch=stable\n--command=firefox\n--file-forwarding\norg.mozilla.firefox\n"
                 "--private-window\n@@u\n" LOGIN_URL "\n@@");
}

static void
test_private_window_unknown (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autofree char *record = ws_test_install_recording_browser (fixture->home, "recorder");
  g_autoptr(GError) error = NULL;

  g_assert_false (open_uri (fixture, NULL, TRUE, &error));
  g_assert_error (error, WS_LAUNCHER_ERROR, WS_LAUNCHER_ERROR_NO_PRIVATE_WINDOW);
  g_assert_nonnull (strstr (error->message, "recorder"));
  g_assert_nonnull (strstr (error->message, "Preferences"));
  g_assert_null (strstr (error->message, "web-token"));
  g_assert_false (g_file_test (record, G_FILE_TEST_EXISTS));
}

/* Whatever the URL holds, the page sends the browser to that very URL,
 * fragment included: no attribute or script is broken out of. */
static void
test_redirect_page_escaping (Fixture       *fixture,
                             gconstpointer  data)
{
  static const char *uri =
    "https://h.example.test/a b?x=1&y=\"2\"&z=<script>'3'</script>#frag&amp;/+=%41\u00e9";
  g_autofree char *record = ws_test_install_recording_browser (fixture->home, "recorder");
  g_autoptr(WsSecret) page = ws_launcher_redirect_page (uri);
  g_autoptr(GError) error = NULL;

  g_assert_null (strstr (page, "<script>'"));
  g_assert_null (strstr (page, "\"2\""));
  g_assert_nonnull (strstr (page, "#frag&amp;amp;/+=%41\u00e9"));

  g_assert_true (open_any_uri (fixture, uri, NULL, FALSE, &error));
  g_assert_no_error (error);
  assert_opened (record, uri);
}

static void
set_mtime (const char *path,
           gint64      seconds_ago)
{
  struct timespec times[2] = { { 0, UTIME_OMIT }, { time (NULL) - seconds_ago, 0 } };

  g_assert_cmpint (utimensat (AT_FDCWD, path, times, 0), ==, 0);
}

/* A page left by a process that exited before deleting it is removed by
 * the next launcher once its token has expired, and not before, and
 * nothing else is; a folder made with looser permissions is tightened. */
static void
test_stale_pages (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *dir = ws_launcher_get_page_dir ();
  g_autofree char *stale = g_build_filename (dir, "stale.html", NULL);
  g_autofree char *stale_part = g_build_filename (dir, "stale.html.K3X9ZQ", NULL);
  g_autofree char *fresh = g_build_filename (dir, "fresh.html", NULL);
  g_autofree char *catalog = g_build_filename (dir, "catalog.json", NULL);
  g_autofree char *record = ws_test_install_recording_browser (fixture->home, "recorder");
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  g_autoptr(WsLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_cmpint (g_chmod (dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (stale, "old", -1, NULL));
  g_assert_true (g_file_set_contents (stale_part, "old", -1, NULL));
  g_assert_true (g_file_set_contents (fresh, "new", -1, NULL));
  g_assert_true (g_file_set_contents (catalog, "{}", -1, NULL));
  set_mtime (stale, 91);
  set_mtime (catalog, 3600);
  set_mtime (stale_part, 3600);
  set_mtime (fresh, 30);

  launcher = ws_launcher_new (NULL);
  while (g_file_test (stale, G_FILE_TEST_EXISTS) || g_file_test (stale_part, G_FILE_TEST_EXISTS))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10 * 1000);
    }
  g_assert_true (g_file_test (fresh, G_FILE_TEST_EXISTS));

  /* A page written after it: the fresh one and the cache dir's files stay. */
  g_assert_true (open_uri (fixture, NULL, FALSE, &error));
  g_assert_no_error (error);
  assert_opened (record, LOGIN_URL);
  g_assert_true (g_file_test (fresh, G_FILE_TEST_EXISTS));
  /* The cache dir's other files, when the pages fall back to it. */
  g_assert_true (g_file_test (catalog, G_FILE_TEST_EXISTS));
}

/* With the runtime dir in memory (tmpfs), as on a desktop, the page is
 * written at once, not in a thread: still 0600 in a 0700 folder. In a
 * subprocess whose test folders, the runtime dir among them, are in
 * /dev/shm (GLib makes a subprocess's under G_TEST_TMPDIR). */
static void
test_page_in_memory (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *test_tmpdir = g_strdup (g_getenv ("G_TEST_TMPDIR"));
  g_autofree char *in_memory = g_strdup ("/dev/shm/test-launcher-XXXXXX");

  if (g_test_subprocess ())
    {
      g_autofree char *record = ws_test_install_recording_browser (fixture->home, "recorder");
      g_autoptr(GError) error = NULL;
      struct statfs buf;

      g_assert_cmpint (statfs (g_get_user_runtime_dir (), &buf), ==, 0);
      g_assert_cmphex (buf.f_type, ==, TMPFS_MAGIC);
      g_assert_true (open_uri (fixture, NULL, FALSE, &error));
      g_assert_no_error (error);
      assert_opened (record, LOGIN_URL);
      return;
    }

  g_assert_nonnull (g_mkdtemp (in_memory));
  g_setenv ("G_TEST_TMPDIR", in_memory, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_setenv ("G_TEST_TMPDIR", test_tmpdir, TRUE);
  ws_test_remove_tree (in_memory);
  g_test_trap_assert_passed ();
}

/* Records its parent, its pid and whether descriptor LEAKED_FD is open. */
#define INSPECTOR_SCRIPT \
  "#!/bin/sh\n" \
  "if [ -e /proc/$$/fd/%d ]; then fd=inherited; else fd=closed; fi\n" \
  "echo \"$PPID $$ $fd\" > '%s.part' && mv '%s.part' '%s'\n"
#define LEAKED_FD 57

/* With a session bus, as the service has, the browser is spawned without
 * GIO's intermediate child: it is our child, reaped once it exits, and a
 * descriptor of ours that is not close-on-exec still does not reach it.
 * @data: prepared first, as when the tray menu opens, so that the launch
 * takes the launcher's connection at once. */
static void
test_spawned_browser (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GTestDBus) bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_autofree char *record = ws_test_install_recording_browser (fixture->home, "inspector");
  g_autofree char *script = g_build_filename (fixture->home, "bin", "inspector", NULL);
  g_autofree char *script_text = g_strdup_printf (INSPECTOR_SCRIPT, LEAKED_FD, record, record, record);
  g_autofree char *recorded = NULL;
  g_autofree char *proc = NULL;
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  g_autoptr(GError) error = NULL;
  int fd = open ("/dev/null", O_RDONLY);
  int parent, child;
  char state[16];

  /* dup2() leaves the copy without close-on-exec. */
  g_assert_cmpint (dup2 (fd, LEAKED_FD), ==, LEAKED_FD);
  close (fd);
  ws_test_write_file (script, script_text, -1, 0700);
  g_test_dbus_up (bus);
  if (GPOINTER_TO_INT (data))
    {
      /* Connected already, as the service is: the launcher has the
       * connection at the next iteration. */
      g_autoptr(GDBusConnection) connection = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);

      g_assert_no_error (error);
      ws_launcher_prepare (fixture->launcher);
      while (g_main_context_pending (NULL))
        g_main_context_iteration (NULL, FALSE);
    }

  g_assert_true (open_uri (fixture, NULL, FALSE, &error));
  g_assert_no_error (error);
  recorded = ws_test_wait_for_file (record);
  g_assert_nonnull (recorded);
  g_assert_cmpint (sscanf (recorded, "%d %d %15s", &parent, &child, state), ==, 3);
  g_assert_cmpint (parent, ==, getpid ());
  g_assert_cmpstr (state, ==, "closed");

  /* Reaped: not even a zombie is left. */
  proc = g_strdup_printf ("/proc/%d", child);
  while (g_file_test (proc, G_FILE_TEST_EXISTS))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10 * 1000);
    }

  close (LEAKED_FD);
  /* Its connection to the bus too. */
  g_clear_object (&fixture->launcher);
  g_test_dbus_down (bus);
}

/* Inside Flatpak: WINDSOCK_FLATPAK_INFO stands for /.flatpak-info. */
static void
pretend_flatpak (Fixture *fixture)
{
  g_autofree char *info = g_build_filename (fixture->home, "flatpak-info", NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (info, "[Application]\nname=io.github.windsock.Windsock\n", -1, &error);
  g_assert_no_error (error);
  g_setenv ("WINDSOCK_FLATPAK_INFO", info, TRUE);
}

/* What Preferences asks before promising a private window. */
static void
test_has_private_window (Fixture       *fixture,
                         gconstpointer  data)
{
  /* GIO loads an entry only when its program exists. */
  const struct { const char *program, *arguments; gboolean expected; } cases[] = {
    { "firefox", "%u", TRUE },
    { "chromium", "--new-window %U", TRUE },
    { "flatpak", "run --branch=stable --command=brave com.brave.Browser @@u %u @@", TRUE },
    { "flatpak", "run org.example.Unknown @@u %u @@", FALSE },
    { "recorder", "%u", FALSE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *program = g_build_filename (fixture->home, cases[i].program, NULL);
      g_autofree char *text = g_strdup_printf ("[Desktop Entry]\nType=Application\nName=B\nExec=%s %s\n",
                                               program, cases[i].arguments);
      g_autoptr(GKeyFile) key_file = g_key_file_new ();
      g_autoptr(GDesktopAppInfo) app = NULL;

      g_assert_true (g_file_set_contents (program, "#!/bin/sh\n", -1, NULL));
      g_assert_cmpint (g_chmod (program, 0700), ==, 0);
      g_assert_true (g_key_file_load_from_data (key_file, text, -1, G_KEY_FILE_NONE, NULL));
      app = g_desktop_app_info_new_from_keyfile (key_file);
      g_assert_nonnull (app);
      g_assert_cmpint (ws_launcher_has_private_window (G_APP_INFO (app)), ==, cases[i].expected);

      /* Sandboxed, only the portal opens pages: never a private window. */
      pretend_flatpak (fixture);
      g_assert_false (ws_launcher_has_private_window (G_APP_INFO (app)));
      g_unsetenv ("WINDSOCK_FLATPAK_INFO");
    }
}

/* The host's browsers cannot be run from the sandbox: the page goes to
 * the default browser (the OpenURI portal there), not the chosen one. */
static void
test_flatpak_chosen_browser (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autofree char *chosen = ws_test_install_recording_browser (fixture->home, "chosen");
  g_autofree char *record = ws_test_install_recording_browser (fixture->home, "recorder");
  g_autofree char *opened = NULL;
  g_autoptr(GError) error = NULL;

  pretend_flatpak (fixture);
  g_settings_set_string (fixture->settings, "browser", "chosen.desktop");
  g_assert_true (open_uri (fixture, TOKEN, FALSE, &error));
  g_assert_no_error (error);

  /* The portal takes the URL itself over D-Bus (here, outside a real
   * sandbox, GIO runs the default browser instead). */
  opened = ws_test_wait_for_file (record);
  g_assert_cmpstr (opened, ==, LOGIN_URL);
  g_assert_false (g_file_test (chosen, G_FILE_TEST_EXISTS));
}

/* A private window is refused, not opened as an ordinary one. */
static void
test_flatpak_private_window (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autofree char *record = ws_test_install_recording_browser (fixture->home, "firefox");
  g_autoptr(GError) error = NULL;

  pretend_flatpak (fixture);
  g_assert_false (open_uri (fixture, NULL, TRUE, &error));
  g_assert_error (error, WS_LAUNCHER_ERROR, WS_LAUNCHER_ERROR_NO_PRIVATE_WINDOW);
  g_assert_nonnull (strstr (error->message, "Flatpak"));
  g_assert_null (strstr (error->message, "web-token"));
  g_assert_false (g_file_test (record, G_FILE_TEST_EXISTS));
}

static void
test_no_browser (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (open_uri (fixture, NULL, FALSE, &error));
  g_assert_error (error, WS_LAUNCHER_ERROR, WS_LAUNCHER_ERROR_NO_BROWSER);
  g_assert_null (strstr (error->message, "web-token"));
  g_clear_error (&error);

  g_assert_false (open_uri (fixture, NULL, TRUE, &error));
  g_assert_error (error, WS_LAUNCHER_ERROR, WS_LAUNCHER_ERROR_NO_BROWSER);
}

static void
test_cancelled (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *record = ws_test_install_recording_browser (fixture->home, "firefox");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  ws_launcher_open_uri_async (fixture->launcher, LOGIN_URL, NULL, TRUE, cancellable,
                              store_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (ws_launcher_open_uri_finish (fixture->launcher, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (g_file_test (record, G_FILE_TEST_EXISTS));
}

/* The environment the autostart functions are given: the test's own. */
static GStrv
autostart_environ (const char *config_home)
{
  g_auto(GStrv) environ = g_environ_setenv (g_get_environ (), "HOME", g_get_home_dir (), TRUE);

  if (config_home == NULL)
    return g_environ_unsetenv (g_steal_pointer (&environ), "XDG_CONFIG_HOME");
  return g_environ_setenv (g_steal_pointer (&environ), "XDG_CONFIG_HOME", config_home, TRUE);
}

static void
assert_entry_value (GKeyFile   *entry,
                    const char *key,
                    const char *expected)
{
  g_autofree char *value = g_key_file_get_value (entry, G_KEY_FILE_DESKTOP_GROUP, key, NULL);

  g_assert_cmpstr (value, ==, expected);
}

static void
assert_valid_desktop_file (const char *path)
{
  g_autofree char *validator = g_find_program_in_path ("desktop-file-validate");
  g_autoptr(GKeyFile) entry = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  /* The keys that matter, read back as the session will. */
  g_key_file_load_from_file (entry, path, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  g_assert_true (g_key_file_has_group (entry, G_KEY_FILE_DESKTOP_GROUP));
  assert_entry_value (entry, "Type", "Application");

  if (validator == NULL)
    {
      g_test_message ("desktop-file-validate is not installed; only the keys were checked");
      return;
    }
  {
    const char *argv[] = { validator, path, NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (out, ==, "");
    g_assert_cmpstr (err, ==, "");
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }
}

static void
test_autostart_round_trip (void)
{
  g_autofree char *config_home = g_build_filename (g_get_user_config_dir (), "elsewhere", NULL);
  g_auto(GStrv) environ = autostart_environ (config_home);
  g_autofree char *path = ws_autostart_get_path ((const char * const *) environ);
  g_autofree char *expected_path = g_build_filename (config_home, "autostart",
                                                     "io.github.windsock.Windsock.desktop", NULL);
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  g_assert_cmpstr (path, ==, expected_path);
  g_assert_false (ws_autostart_get_enabled ((const char * const *) environ));

  g_assert_true (ws_autostart_set_enabled ((const char * const *) environ, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (ws_autostart_get_enabled ((const char * const *) environ));
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0644);
  assert_valid_desktop_file (path);

  /* Twice is fine both ways. */
  g_assert_true (ws_autostart_set_enabled ((const char * const *) environ, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (ws_autostart_set_enabled ((const char * const *) environ, FALSE, &error));
  g_assert_no_error (error);
  g_assert_false (ws_autostart_get_enabled ((const char * const *) environ));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_true (ws_autostart_set_enabled ((const char * const *) environ, FALSE, &error));
  g_assert_no_error (error);
}

/* Without an (absolute) XDG_CONFIG_HOME the entry goes to ~/.config. */
static void
test_autostart_path_fallback (void)
{
  g_autofree char *expected = g_build_filename (g_get_home_dir (), ".config", "autostart",
                                                "io.github.windsock.Windsock.desktop", NULL);
  g_auto(GStrv) unset = autostart_environ (NULL);
  g_auto(GStrv) relative = autostart_environ ("relative/config");
  g_autofree char *unset_path = ws_autostart_get_path ((const char * const *) unset);
  g_autofree char *relative_path = ws_autostart_get_path ((const char * const *) relative);

  g_assert_cmpstr (unset_path, ==, expected);
  g_assert_cmpstr (relative_path, ==, expected);
}

/* An entry the user switched off elsewhere reads as disabled. */
static void
test_autostart_switched_off (void)
{
  g_auto(GStrv) environ = autostart_environ (g_get_user_config_dir ());
  g_autofree char *path = ws_autostart_get_path ((const char * const *) environ);
  g_autofree char *text = ws_autostart_entry_text ("windsock");
  g_autofree char *hidden = g_strconcat (text, "Hidden=true\n", NULL);
  g_autofree char *gnome_off = g_strconcat (text, "X-GNOME-Autostart-enabled=false\n", NULL);
  g_autofree char *gnome_on = g_strconcat (text, "X-GNOME-Autostart-enabled=true\n", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (ws_autostart_set_enabled ((const char * const *) environ, TRUE, &error));
  g_assert_no_error (error);

  g_file_set_contents (path, hidden, -1, &error);
  g_assert_no_error (error);
  g_assert_false (ws_autostart_get_enabled ((const char * const *) environ));
  g_file_set_contents (path, gnome_off, -1, &error);
  g_assert_no_error (error);
  g_assert_false (ws_autostart_get_enabled ((const char * const *) environ));
  g_file_set_contents (path, gnome_on, -1, &error);
  g_assert_no_error (error);
  g_assert_true (ws_autostart_get_enabled ((const char * const *) environ));
  g_file_set_contents (path, "not a desktop entry", -1, &error);
  g_assert_no_error (error);
  g_assert_false (ws_autostart_get_enabled ((const char * const *) environ));
}

static void
test_autostart_entry_text (void)
{
  g_autofree char *text = ws_autostart_entry_text ("/opt/Wind Sock/bin/windsock");
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "entry.desktop", NULL);
  g_autoptr(GKeyFile) entry = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *start_group = NULL;
  g_autofree char *exec = NULL;
  g_auto(GStrv) argv = NULL;

  g_key_file_load_from_data (entry, text, -1, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  start_group = g_key_file_get_start_group (entry);
  g_assert_cmpstr (start_group, ==, "Desktop Entry");
  g_assert_true (g_key_file_get_boolean (entry, "Desktop Entry", "NoDisplay", NULL));
  assert_entry_value (entry, "X-GNOME-Autostart-Phase", "Applications");
  assert_entry_value (entry, "Icon", "io.github.windsock.Windsock");
  assert_entry_value (entry, "Name", "Windsock");

  /* The path with a space survives the Exec quoting. */
  exec = g_key_file_get_string (entry, "Desktop Entry", "Exec", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (exec, ==, "\"/opt/Wind Sock/bin/windsock\" --gapplication-service");
  g_assert_true (g_shell_parse_argv (exec, NULL, &argv, NULL));
  g_assert_cmpstr (argv[0], ==, "/opt/Wind Sock/bin/windsock");
  /* Started as a service: no picker when the panel comes up after us. */
  g_assert_cmpstr (argv[1], ==, "--gapplication-service");
  g_assert_null (argv[2]);

  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  assert_valid_desktop_file (path);
}

typedef struct
{
  gboolean  activated;
  GVariant *parameter;
} Activation;

static void
open_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  Activation *activation = user_data;

  g_clear_pointer (&activation->parameter, g_variant_unref);
  activation->parameter = g_variant_ref (parameter);
  activation->activated = TRUE;
}

static gboolean
is_activated (gpointer data)
{
  return ((Activation *) data)->activated;
}

static const char *
wait_for_activation (Activation *activation)
{
  g_assert_true (ws_test_iterate_until (is_activated, activation, 30));
  activation->activated = FALSE;
  return g_variant_get_string (activation->parameter, NULL);
}

static gboolean
strv_contains_pair (GStrv       actions,
                    const char *key,
                    const char *label)
{
  for (guint i = 0; actions[i] != NULL && actions[i + 1] != NULL; i += 2)
    {
      if (g_str_equal (actions[i], key) && g_str_equal (actions[i + 1], label))
        return TRUE;
    }
  return FALSE;
}

/* Asynchronously: the server answers from this thread's main context. */
static GVariant *
call_server (GDBusConnection *connection,
             const char      *method,
             GVariant        *parameters)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GVariant *reply;

  g_dbus_connection_call (connection, "org.freedesktop.Notifications", "/org/freedesktop/Notifications",
                          "org.freedesktop.Notifications", method, parameters, NULL,
                          G_DBUS_CALL_FLAGS_NONE, -1, NULL, store_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  reply = g_dbus_connection_call_finish (connection, result, &error);
  g_assert_no_error (error);
  return reply;
}

/* GNotification (freedesktop backend) → the fake server → ActionInvoked →
 * the application's action, on a private bus. */
static void
test_notifications (void)
{
  g_autoptr(GTestDBus) bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_autoptr(GDBusConnection) server_connection = NULL;
  g_autoptr(WsTestNotifications) server = NULL;
  g_autoptr(GApplication) app = NULL;
  g_autoptr(GSimpleAction) action = NULL;
  g_autoptr(GNotification) notification = NULL;
  g_autoptr(GError) error = NULL;
  const WsTestNotification *sent;
  g_autoptr(GVariant) capabilities = NULL;
  g_autoptr(GVariant) closed = NULL;
  g_autofree const char **capability_list = NULL;
  Activation activation = { FALSE, NULL };
  const char *desktop_entry = NULL;

  g_test_dbus_up (bus);
  server_connection = g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (bus),
                                                              G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                              G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                              NULL, NULL, &error);
  g_assert_no_error (error);
  server = ws_test_notifications_new (server_connection);

  app = g_application_new ("io.github.windsock.TestLauncher", G_APPLICATION_DEFAULT_FLAGS);
  action = g_simple_action_new ("open", G_VARIANT_TYPE_STRING);
  g_signal_connect (action, "activate", G_CALLBACK (open_activated), &activation);
  g_action_map_add_action (G_ACTION_MAP (app), G_ACTION (action));
  g_application_register (app, NULL, &error);
  g_assert_no_error (error);

  notification = g_notification_new ("Sign-in needed");
  g_notification_set_body (notification, "Profile prod needs you to sign in again.");
  g_notification_set_default_action_and_target (notification, "app.open", "s", "default-env");
  g_notification_add_button_with_target (notification, "Sign in", "app.open", "s", "prod");
  g_application_send_notification (app, "sign-in", notification);

  g_assert_true (ws_test_notifications_wait (server, 1));
  g_assert_cmpuint (ws_test_notifications_get_n_notifications (server), ==, 1);
  sent = ws_test_notifications_get (server, 0);
  g_assert_cmpuint (sent->id, ==, 1);
  g_assert_nonnull (sent->app_name);
  g_assert_cmpstr (sent->summary, ==, "Sign-in needed");
  g_assert_cmpstr (sent->body, ==, "Profile prod needs you to sign in again.");
  g_assert_true (strv_contains_pair (sent->actions, "default", ""));
  g_assert_true (strv_contains_pair (sent->actions, "app.open::prod", "Sign in"));
  g_assert_true (g_variant_lookup (sent->hints, "desktop-entry", "&s", &desktop_entry));
  g_assert_cmpstr (desktop_entry, ==, "io.github.windsock.TestLauncher");

  ws_test_notifications_invoke_action (server, sent->id, "app.open::prod");
  g_assert_cmpstr (wait_for_activation (&activation), ==, "prod");

  /* GLib forgets a notification once one of its actions ran: the default
   * action is tried on a second one, which gets the next id. */
  g_application_send_notification (app, "again", notification);
  g_assert_true (ws_test_notifications_wait (server, 2));
  sent = ws_test_notifications_get (server, 1);
  g_assert_cmpuint (sent->id, ==, 2);
  ws_test_notifications_invoke_action (server, sent->id, "default");
  g_assert_cmpstr (wait_for_activation (&activation), ==, "default-env");
  g_clear_pointer (&activation.parameter, g_variant_unref);

  /* The rest of the interface, called directly. */
  capabilities = call_server (g_application_get_dbus_connection (app), "GetCapabilities", NULL);
  g_variant_get (capabilities, "(^a&s)", &capability_list);
  g_assert_true (g_strv_contains (capability_list, "actions"));
  g_assert_true (g_strv_contains (capability_list, "body"));
  closed = call_server (g_application_get_dbus_connection (app), "CloseNotification", g_variant_new ("(u)", 2));
  g_assert_true (ws_test_notifications_get (server, 1)->closed);
  g_assert_false (ws_test_notifications_get (server, 0)->closed);

  g_clear_object (&app);
  g_clear_object (&server);
  g_dbus_connection_close_sync (server_connection, NULL, NULL);
  g_clear_object (&server_connection);
  g_test_dbus_down (bus);
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
  /* Before GIO picks a backend: the one that talks to the fake server. */
  g_setenv ("GNOTIFICATION_BACKEND", "freedesktop", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/launcher/private-window-option", test_private_window_option);
  add_fixture_test ("/launcher/default-browser", test_default_browser);
  add_fixture_test ("/launcher/default-browser-without-token", test_default_browser_without_token);
  add_fixture_test ("/launcher/chosen-browser", test_chosen_browser);
  add_fixture_test ("/launcher/chosen-browser-uninstalled", test_chosen_browser_uninstalled);
  add_fixture_test ("/launcher/redirect-page/escaping", test_redirect_page_escaping);
  add_fixture_test ("/launcher/redirect-page/stale", test_stale_pages);
  add_fixture_test ("/launcher/redirect-page/in-memory", test_page_in_memory);
  add_fixture_test ("/launcher/spawned-browser", test_spawned_browser);
  g_test_add ("/launcher/spawned-browser/prepared", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_spawned_browser, fixture_tear_down);
  add_fixture_test ("/launcher/private-window/firefox", test_private_window_firefox);
  add_fixture_test ("/launcher/private-window/chosen", test_private_window_chosen);
  add_fixture_test ("/launcher/private-window/flatpak", test_private_window_flatpak);
  add_fixture_test ("/launcher/private-window/unknown", test_private_window_unknown);
  add_fixture_test ("/launcher/has-private-window", test_has_private_window);
  add_fixture_test ("/launcher/flatpak/chosen-browser", test_flatpak_chosen_browser);
  add_fixture_test ("/launcher/flatpak/private-window", test_flatpak_private_window);
  add_fixture_test ("/launcher/no-browser", test_no_browser);
  add_fixture_test ("/launcher/cancelled", test_cancelled);
  g_test_add_func ("/launcher/autostart/round-trip", test_autostart_round_trip);
  g_test_add_func ("/launcher/autostart/path-fallback", test_autostart_path_fallback);
  g_test_add_func ("/launcher/autostart/switched-off", test_autostart_switched_off);
  g_test_add_func ("/launcher/autostart/entry-text", test_autostart_entry_text);
  g_test_add_func ("/launcher/notifications", test_notifications);

  return g_test_run ();
}
