/* cli-fixture.c — runs the windsock binary against the in-process AWS fake
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cli-fixture.h"

#include <glib/gstdio.h>

#include "ws-test-util.h"

void
cli_fixture_set_up (CliFixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *aws_dir = NULL;
  g_autofree char *data_home = NULL;
  g_autofree char *config_home = NULL;
  g_autofree char *cache_home = NULL;

  fixture->home = g_dir_make_tmp ("windsock-cli-XXXXXX", &error);
  g_assert_no_error (error);
  aws_dir = g_build_filename (fixture->home, ".aws", NULL);
  data_home = g_build_filename (fixture->home, ".local", "share", NULL);
  config_home = g_build_filename (fixture->home, ".config", NULL);
  cache_home = g_build_filename (fixture->home, ".cache", NULL);
  g_assert_cmpint (g_mkdir_with_parents (aws_dir, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (data_home, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (config_home, 0700), ==, 0);

  fixture->fake = ws_fake_aws_new ();
  ws_fake_aws_add_credentials (fixture->fake, CLI_ACCESS_KEY, CLI_SECRET_KEY, NULL);

  /* Only what the binary needs: nothing of the developer's own set-up. */
  fixture->environ = g_new0 (char *, 1);
  cli_fixture_setenv (fixture, "HOME", fixture->home);
  cli_fixture_setenv (fixture, "PATH", g_getenv ("PATH"));
  cli_fixture_setenv (fixture, "LANG", "C.UTF-8");
  cli_fixture_setenv (fixture, "XDG_DATA_HOME", data_home);
  cli_fixture_setenv (fixture, "XDG_CONFIG_HOME", config_home);
  cli_fixture_setenv (fixture, "XDG_CACHE_HOME", cache_home);
  {
    /* The system's dirs still matter: GSettings schemas live there. */
    g_autofree char *data_dirs = g_strconcat (data_home, ":/usr/local/share:/usr/share", NULL);

    cli_fixture_setenv (fixture, "XDG_DATA_DIRS", data_dirs);
  }
  cli_fixture_setenv (fixture, "GIO_USE_VFS", "local");
  cli_fixture_setenv (fixture, "AWS_ENDPOINT_URL", ws_fake_aws_get_url (fixture->fake));
  cli_fixture_setenv (fixture, "AWS_DISABLE_HOST_PREFIX_INJECTION", "true");
  if (g_getenv ("G_SLICE") != NULL)
    cli_fixture_setenv (fixture, "G_SLICE", g_getenv ("G_SLICE"));
}

void
cli_fixture_tear_down (CliFixture *fixture)
{
  ws_test_remove_tree (fixture->home);
  g_clear_object (&fixture->fake);
  g_clear_pointer (&fixture->home, g_free);
  g_clear_pointer (&fixture->environ, g_strfreev);
}

void
cli_fixture_write_aws (CliFixture *fixture,
                       const char *name,
                       const char *contents)
{
  g_autofree char *path = g_build_filename (fixture->home, ".aws", name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

void
cli_fixture_setenv (CliFixture *fixture,
                    const char *variable,
                    const char *value)
{
  fixture->environ = g_environ_setenv (fixture->environ, variable, value, TRUE);
}

void
cli_fixture_unsetenv (CliFixture *fixture,
                      const char *variable)
{
  fixture->environ = g_environ_unsetenv (fixture->environ, variable);
}

static void
on_communicated (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  CliResult *cli_result = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result,
                                        &cli_result->out, &cli_result->err, &error);
  g_assert_no_error (error);
  cli_result->done = TRUE;
}

CliResult *
cli_fixture_run (CliFixture *fixture,
                 const char *first_arg,
                 ...)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) wrapper = NULL;
  CliResult *result = g_new0 (CliResult, 1);
  const char *arg;
  va_list args;

  /* WINDSOCK_WRAPPER runs the binary under a tool, e.g. valgrind
   * (meson test --setup valgrind). */
  if (g_getenv ("WINDSOCK_WRAPPER") != NULL)
    {
      g_assert_true (g_shell_parse_argv (g_getenv ("WINDSOCK_WRAPPER"), NULL, &wrapper, &error));
      for (guint i = 0; wrapper[i] != NULL; i++)
        g_ptr_array_add (argv, wrapper[i]);
    }
  g_ptr_array_add (argv, (gpointer) g_getenv ("WINDSOCK_BIN"));
  va_start (args, first_arg);
  for (arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  g_assert_nonnull (g_getenv ("WINDSOCK_BIN"));

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE
                                        | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_environ (launcher, fixture->environ);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  /* The fake lives in this process's main context: keep it serving
   * until the child has exited and its output is read. */
  g_subprocess_communicate_utf8_async (process, NULL, NULL, on_communicated, result);
  /* communicate() returns once the pipes are closed and the child exited. */
  while (!result->done)
    g_main_context_iteration (NULL, TRUE);

  /* A crash shows as the shell would show it: 128 + the signal. */
  if (g_subprocess_get_if_signaled (process))
    result->status = 128 + g_subprocess_get_term_sig (process);
  else
    result->status = g_subprocess_get_exit_status (process);
  return result;
}

void
cli_result_free (CliResult *result)
{
  g_free (result->out);
  g_free (result->err);
  g_free (result);
}
