/* main.c — windsock: the resident service (no arguments), the windows
 * (pick, preferences: windsock-ui) and the one-shot commands (see
 * DESIGN.md "Processes")
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <glib/gi18n.h>
#include <string.h>
#include <unistd.h>

#include "windsock-application.h"
#include "windsock-cli.h"
#include "ws-i18n.h"

static gboolean
is_service_invocation (int    argc,
                       char **argv)
{
  /* D-Bus activation passes --gapplication-service. */
  return argc < 2 || g_str_has_prefix (argv[1], "--gapplication-");
}

/* The windows are GTK programs of their own: replace this process so a
 * keyboard launcher's `windsock pick` costs one exec more, not a bus trip. */
static int
exec_ui (char **argv)
{
  g_autofree char *program = windsock_find_ui_program ();
  char *ui_argv[] = { program, argv[1], NULL };

  execv (program, ui_argv);
  g_printerr (_("windsock: could not start %s: %s\n"), program, g_strerror (errno));
  return WINDSOCK_EXIT_FAILED;
}

int
main (int    argc,
      char **argv)
{
  ws_i18n_init ();

  if (is_service_invocation (argc, argv))
    {
      g_autoptr(WindsockApplication) app = windsock_application_new ();

      g_set_application_name ("Windsock");
      return g_application_run (G_APPLICATION (app), argc, argv);
    }
  if (argc == 2 && (g_str_equal (argv[1], "pick") || g_str_equal (argv[1], "preferences")))
    return exec_ui (argv);

  return windsock_cli_run (argc, argv);
}
