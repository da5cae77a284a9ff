/* test-sandbox.c — what changes inside Flatpak: credential_process
 * programs of the host cannot run, and starting at login goes through the
 * Background portal (a fake one on a private bus)
 *
 * WINDSOCK_FLATPAK_INFO stands for /.flatpak-info. The launcher's part
 * (the OpenURI portal, no private windows) is in test-launcher.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include <glib/gstdio.h>

#include "ws-autostart.h"
#include "ws-aws-error.h"
#include "ws-credential-process.h"
#include "ws-sandbox.h"
#include "ws-test-util.h"

#define PROCESS_JSON "{\"Version\": 1, \"AccessKeyId\": \"AKIDBOX\", \"SecretAccessKey\": \"box-secret\"}"

static void
pretend_flatpak (gboolean inside)
{
  g_autofree char *info = g_build_filename (g_get_user_runtime_dir (), "flatpak-info", NULL);
  g_autoptr(GError) error = NULL;

  if (!inside)
    {
      g_unsetenv ("WINDSOCK_FLATPAK_INFO");
      return;
    }
  g_assert_no_errno (g_mkdir_with_parents (g_get_user_runtime_dir (), 0700));
  g_file_set_contents (info, "[Application]\nname=io.github.windsock.Windsock\n", -1, &error);
  g_assert_no_error (error);
  g_setenv ("WINDSOCK_FLATPAK_INFO", info, TRUE);
}

static void
test_is_flatpak (void)
{
  g_autofree char *missing = g_build_filename (g_get_user_runtime_dir (), "no-such-info", NULL);

  pretend_flatpak (TRUE);
  g_assert_true (ws_sandbox_is_flatpak ());
  g_setenv ("WINDSOCK_FLATPAK_INFO", missing, TRUE);
  g_assert_false (ws_sandbox_is_flatpak ());
  pretend_flatpak (FALSE);
}

/* credential_process */

static gboolean
result_arrived (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static WsCredentials *
run_process (const char  *command,
             GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  ws_credential_process_run_async (command, "boxed", NULL, 10000, NULL, store_result, &result);
  g_assert_true (ws_test_iterate_until (result_arrived, &result, 30));
  return ws_credential_process_run_finish (result, error);
}

static char *
install_script (void)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "creds.sh", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_no_errno (g_mkdir_with_parents (g_get_user_data_dir (), 0700));
  g_file_set_contents (path, "#!/bin/sh\ncat <<'EOF'\n" PROCESS_JSON "\nEOF\n", -1, &error);
  g_assert_no_error (error);
  g_assert_no_errno (g_chmod (path, 0700));
  return g_steal_pointer (&path);
}

/* A program of the host: a clear word on why it cannot run, not "No such
 * file or directory". */
static void
test_process_on_host (void)
{
  g_autofree char *program = g_build_filename (g_get_user_data_dir (), "aws-vault", NULL);
  g_autofree char *command = g_strconcat (program, " exec work --json", NULL);
  g_autoptr(WsCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  pretend_flatpak (TRUE);
  credentials = run_process (command, &error);
  g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_CREDENTIAL_PROCESS);
  g_assert_null (credentials);
  g_assert_nonnull (strstr (error->message, "“boxed”"));
  g_assert_nonnull (strstr (error->message, program));
  g_assert_nonnull (strstr (error->message, "Flatpak"));
  g_clear_error (&error);

  /* A bare name is looked for in the sandbox's PATH. */
  credentials = run_process ("windsock-no-such-helper --profile work", &error);
  g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_CREDENTIAL_PROCESS);
  g_assert_nonnull (strstr (error->message, "windsock-no-such-helper"));
  g_assert_nonnull (strstr (error->message, "Flatpak"));
  g_clear_error (&error);

  /* Outside the sandbox the same command fails as any missing program does. */
  pretend_flatpak (FALSE);
  credentials = run_process (command, &error);
  g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_CREDENTIAL_PROCESS);
  g_assert_null (strstr (error->message, "Flatpak"));
}

/* A program inside the sandbox runs as anywhere else. */
static void
test_process_in_sandbox (void)
{
  g_autofree char *script = install_script ();
  g_autoptr(WsCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  pretend_flatpak (TRUE);
  credentials = run_process (script, &error);
  pretend_flatpak (FALSE);
  g_assert_no_error (error);
  g_assert_cmpstr (ws_credentials_get_access_key_id (credentials), ==, "AKIDBOX");
}

/* The Background portal: a fake org.freedesktop.portal.Desktop answering
 * in a thread of its own, since the code under test calls it
 * synchronously. */

typedef struct
{
  GTestDBus       *bus;
  GDBusConnection *connection;
  GMainContext    *context;
  GMainLoop       *loop;
  GThread         *thread;
  GMutex           lock;
  GPtrArray       *requests;  /* the options of each RequestBackground */
  GStrv            environ;
} Portal;

static const char portal_xml[] =
  "<node>"
  "  <interface name='org.freedesktop.portal.Background'>"
  "    <method name='RequestBackground'>"
  "      <arg type='s' name='parent_window' direction='in'/>"
  "      <arg type='a{sv}' name='options' direction='in'/>"
  "      <arg type='o' name='handle' direction='out'/>"
  "    </method>"
  "  </interface>"
  "</node>";

static void
portal_method_call (GDBusConnection       *connection,
                    const char            *sender,
                    const char            *object_path,
                    const char            *interface_name,
                    const char            *method_name,
                    GVariant              *parameters,
                    GDBusMethodInvocation *invocation,
                    gpointer               user_data)
{
  Portal *portal = user_data;

  g_mutex_lock (&portal->lock);
  g_ptr_array_add (portal->requests, g_variant_get_child_value (parameters, 1));
  g_mutex_unlock (&portal->lock);
  g_dbus_method_invocation_return_value (invocation,
                                         g_variant_new ("(o)", "/org/freedesktop/portal/desktop/request/1_1/t"));
}

static gpointer
portal_thread (gpointer data)
{
  Portal *portal = data;

  g_main_context_push_thread_default (portal->context);
  g_main_loop_run (portal->loop);
  g_main_context_pop_thread_default (portal->context);
  return NULL;
}

static void
portal_set_up (Portal        *portal,
               gconstpointer  data)
{
  static const GDBusInterfaceVTable vtable = { portal_method_call, NULL, NULL, { 0 } };
  g_autoptr(GDBusNodeInfo) node = g_dbus_node_info_new_for_xml (portal_xml, NULL);
  g_autoptr(GVariant) owned = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *config_home = g_build_filename (g_get_user_config_dir (), "sandboxed", NULL);

  portal->bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (portal->bus);
  portal->requests = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
  g_mutex_init (&portal->lock);
  portal->environ = g_environ_setenv (g_get_environ (), "XDG_CONFIG_HOME", config_home, TRUE);

  /* Method calls are dispatched in the context that is the thread's
   * default when the object is registered: the portal thread's. */
  portal->context = g_main_context_new ();
  portal->loop = g_main_loop_new (portal->context, FALSE);
  g_main_context_push_thread_default (portal->context);
  portal->connection = g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (portal->bus),
                                                               G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                               G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                               NULL, NULL, &error);
  g_assert_no_error (error);
  g_dbus_connection_register_object (portal->connection, "/org/freedesktop/portal/desktop",
                                     node->interfaces[0], &vtable, portal, NULL, &error);
  g_main_context_pop_thread_default (portal->context);
  g_assert_no_error (error);

  owned = g_dbus_connection_call_sync (portal->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "RequestName",
                                       g_variant_new ("(su)", "org.freedesktop.portal.Desktop", 4),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  portal->thread = g_thread_new ("fake-portal", portal_thread, portal);
  pretend_flatpak (TRUE);
}

static void
portal_tear_down (Portal        *portal,
                  gconstpointer  data)
{
  pretend_flatpak (FALSE);
  g_main_loop_quit (portal->loop);
  g_thread_join (portal->thread);
  g_dbus_connection_close_sync (portal->connection, NULL, NULL);
  g_clear_object (&portal->connection);
  g_clear_pointer (&portal->loop, g_main_loop_unref);
  g_clear_pointer (&portal->context, g_main_context_unref);
  g_test_dbus_down (portal->bus);
  g_clear_object (&portal->bus);
  g_clear_pointer (&portal->requests, g_ptr_array_unref);
  g_clear_pointer (&portal->environ, g_strfreev);
  g_mutex_clear (&portal->lock);
}

static void
assert_request (Portal     *portal,
                guint       index,
                gboolean    autostart)
{
  const char * const expected_commandline[] = { "windsock", "--gapplication-service", NULL };
  g_autofree const char **commandline = NULL;
  const char *reason = NULL;
  gboolean requested_autostart = !autostart;
  gboolean dbus_activatable = TRUE;
  GVariant *options;

  g_mutex_lock (&portal->lock);
  g_assert_cmpuint (portal->requests->len, ==, index + 1);
  options = g_ptr_array_index (portal->requests, index);
  g_assert_true (g_variant_lookup (options, "autostart", "b", &requested_autostart));
  g_assert_true (g_variant_lookup (options, "commandline", "^a&s", &commandline));
  g_assert_true (g_variant_lookup (options, "dbus-activatable", "b", &dbus_activatable));
  g_assert_true (g_variant_lookup (options, "reason", "&s", &reason));
  g_mutex_unlock (&portal->lock);

  g_assert_cmpint (requested_autostart, ==, autostart);
  g_assert_cmpstrv (commandline, expected_commandline);
  g_assert_false (dbus_activatable);
  g_assert_cmpstr (reason, !=, "");
}

/* On, then off: each asks the portal, and the choice reads back from the
 * record in the sandbox's own config dir. */
static void
test_autostart_portal (Portal        *portal,
                       gconstpointer  data)
{
  const char * const *environ = (const char * const *) portal->environ;
  g_autoptr(GError) error = NULL;

  g_assert_false (ws_autostart_get_enabled (environ));
  g_assert_true (ws_autostart_set_enabled (environ, TRUE, &error));
  g_assert_no_error (error);
  assert_request (portal, 0, TRUE);
  g_assert_true (ws_autostart_get_enabled (environ));

  g_assert_true (ws_autostart_set_enabled (environ, FALSE, &error));
  g_assert_no_error (error);
  assert_request (portal, 1, FALSE);
  g_assert_false (ws_autostart_get_enabled (environ));
}

/* No portal: an error that names it, and no record of a choice that
 * nothing carried out. */
static void
test_autostart_no_portal (Portal        *portal,
                          gconstpointer  data)
{
  const char * const *environ = (const char * const *) portal->environ;
  g_autoptr(GVariant) released = NULL;
  g_autoptr(GError) error = NULL;

  released = g_dbus_connection_call_sync (portal->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                          "org.freedesktop.DBus", "ReleaseName",
                                          g_variant_new ("(s)", "org.freedesktop.portal.Desktop"),
                                          G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);

  g_assert_false (ws_autostart_set_enabled (environ, TRUE, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (error->message, "Background portal"));
  g_assert_false (ws_autostart_get_enabled (environ));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/sandbox/is-flatpak", test_is_flatpak);
  g_test_add_func ("/sandbox/credential-process/on-host", test_process_on_host);
  g_test_add_func ("/sandbox/credential-process/in-sandbox", test_process_in_sandbox);
  g_test_add ("/sandbox/autostart/portal", Portal, NULL, portal_set_up, test_autostart_portal,
              portal_tear_down);
  g_test_add ("/sandbox/autostart/no-portal", Portal, NULL, portal_set_up, test_autostart_no_portal,
              portal_tear_down);

  return g_test_run ();
}
