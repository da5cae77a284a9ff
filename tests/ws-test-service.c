/* ws-test-service.c — the real `windsock` service on a private session bus
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ws-test-service.h"

#include "ws-test-sni-host.h"

#define APP_PATH          "/io/github/windsock/Windsock"
#define SERVICE_INTERFACE "io.github.windsock.Windsock1"
#define POLL_MS           20

void
ws_test_service_set_up (WsTestService *self,
                        CliFixture    *cli,
                        const char    *service_dir)
{
  g_autoptr(GError) error = NULL;

  self->log_path = g_build_filename (cli->home, "service.log", NULL);
  self->bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  if (service_dir != NULL)
    g_test_dbus_add_service_dir (self->bus, service_dir);
  g_test_dbus_up (self->bus);
  self->connection = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  self->notifications = ws_test_notifications_new (self->connection);

  cli_fixture_setenv (cli, "DBUS_SESSION_BUS_ADDRESS", g_test_dbus_get_bus_address (self->bus));
  cli_fixture_setenv (cli, "GNOTIFICATION_BACKEND", "freedesktop");
  cli_fixture_setenv (cli, "GSETTINGS_BACKEND", "memory");
  cli_fixture_setenv (cli, "GSETTINGS_SCHEMA_DIR", g_getenv ("GSETTINGS_SCHEMA_DIR"));
}

void
ws_test_service_tear_down (WsTestService *self)
{
  g_clear_object (&self->process);
  g_clear_object (&self->notifications);
  g_clear_object (&self->connection);
  if (self->bus != NULL)
    g_test_dbus_down (self->bus);
  g_clear_object (&self->bus);
  g_clear_pointer (&self->log_path, g_free);
}

void
ws_test_service_write_default_profile (CliFixture *cli)
{
  cli_fixture_write_aws (cli, "config", "[default]\nregion = eu-west-1\n");
  cli_fixture_write_aws (cli, "credentials",
                         "[default]\n"
                         "aws_access_key_id = " CLI_ACCESS_KEY "\n"
                         "aws_secret_access_key = " CLI_SECRET_KEY "\n");
}

void
ws_test_service_install_ui (CliFixture *cli,
                            const char *path,
                            const char *text)
{
  g_autoptr(GError) error = NULL;

  /* Replaced whole: a window still running the old one never reads half. */
  g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0700, &error);
  g_assert_no_error (error);
  cli_fixture_setenv (cli, "WINDSOCK_UI", path);
}

static void
on_exited (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  WsTestService *self = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  self->exited = TRUE;
}

void
ws_test_service_start (WsTestService *self,
                       CliFixture    *cli)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(GStrv) wrapper = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_null (self->process);
  if (g_getenv ("WINDSOCK_WRAPPER") != NULL)
    {
      g_assert_true (g_shell_parse_argv (g_getenv ("WINDSOCK_WRAPPER"), NULL, &wrapper, &error));
      for (guint i = 0; wrapper[i] != NULL; i++)
        g_ptr_array_add (argv, wrapper[i]);
    }
  g_ptr_array_add (argv, (gpointer) g_getenv ("WINDSOCK_BIN"));
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_set_environ (launcher, cli->environ);
  g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "all", TRUE);
  g_subprocess_launcher_set_stdout_file_path (launcher, self->log_path);
  g_subprocess_launcher_set_stderr_file_path (launcher, self->log_path);
  self->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  self->exited = FALSE;
  g_subprocess_wait_async (self->process, NULL, on_exited, self);
  ws_test_service_poll_until (ws_test_service_is_up, self, "the service to own its name");
}

gboolean
ws_test_service_is_up (gpointer data)
{
  WsTestService *self = data;
  g_autoptr(GVariant) reply = NULL;
  gboolean has_owner = FALSE;

  reply = ws_test_sni_call (self->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                            "org.freedesktop.DBus", "NameHasOwner", g_variant_new ("(s)", APP_ID),
                            G_VARIANT_TYPE ("(b)"), NULL);
  g_assert_nonnull (reply);
  g_variant_get (reply, "(b)", &has_owner);
  return has_owner;
}

gboolean
ws_test_service_ping (WsTestService *self)
{
  g_autoptr(GVariant) reply = NULL;

  reply = ws_test_sni_call (self->connection, APP_ID, APP_PATH, "org.freedesktop.DBus.Peer", "Ping",
                            NULL, NULL, NULL);
  return reply != NULL;
}

void
ws_test_service_activate (WsTestService *self,
                          const char    *name,
                          GVariant      *parameter)
{
  ws_test_service_activate_full (self, name, parameter, NULL);
}

void
ws_test_service_activate_full (WsTestService *self,
                               const char    *name,
                               GVariant      *parameter,
                               GVariant      *platform_data)
{
  g_autoptr(GVariantBuilder) parameters = g_variant_builder_new (G_VARIANT_TYPE ("av"));
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  if (parameter != NULL)
    g_variant_builder_add (parameters, "v", parameter);
  if (platform_data == NULL)
    platform_data = g_variant_new ("a{sv}", NULL);
  reply = ws_test_sni_call (self->connection, APP_ID, APP_PATH, "org.gtk.Actions", "Activate",
                            g_variant_new ("(sav@a{sv})", name, parameters, platform_data), NULL, &error);
  g_assert_no_error (error);
}

static void
on_call_replied (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  WsTestServiceCall *call = user_data;

  call->reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &call->error);
  call->done = TRUE;
}

void
ws_test_service_open_environment_async (WsTestService     *self,
                                        const char        *ref,
                                        const char        *how,
                                        WsTestServiceCall *call)
{
  g_dbus_connection_call (self->connection, APP_ID, APP_PATH, SERVICE_INTERFACE, "OpenEnvironment",
                          g_variant_new ("(ssa{sv})", ref, how, NULL), G_VARIANT_TYPE_UNIT,
                          G_DBUS_CALL_FLAGS_NONE, -1, NULL, on_call_replied, call);
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

void
ws_test_service_call_wait (WsTestServiceCall *call)
{
  ws_test_sni_wait_until (is_true, &call->done, "OpenEnvironment to return");
  g_assert_no_error (call->error);
  g_clear_pointer (&call->reply, g_variant_unref);
  call->done = FALSE;
}

void
ws_test_service_wait_exit (WsTestService *self)
{
  ws_test_sni_wait_until (is_true, &self->exited, "the service to exit");
  g_assert_true (g_subprocess_get_if_exited (self->process));
  g_assert_cmpint (g_subprocess_get_exit_status (self->process), ==, 0);
}

void
ws_test_service_quit (WsTestService *self)
{
  ws_test_service_activate (self, "quit", NULL);
  ws_test_service_wait_exit (self);
  g_clear_object (&self->process);
}

static gboolean
wake_up (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

void
ws_test_service_poll_until (gboolean   (*done) (gpointer data),
                            gpointer     data,
                            const char  *what)
{
  guint wake_id = g_timeout_add (POLL_MS, wake_up, NULL);

  ws_test_sni_wait_until (done, data, what);
  g_source_remove (wake_id);
}
