/* windsock-cli.h — the one-shot commands: url, open, list, login
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit codes, documented in --help and the README. */
typedef enum
{
  WINDSOCK_EXIT_OK           = 0,
  WINDSOCK_EXIT_FAILED       = 1,  /* anything else */
  WINDSOCK_EXIT_USAGE        = 2,  /* bad command line or environment name */
  WINDSOCK_EXIT_CONFIG       = 3,  /* config, profile, region or credentials need fixing */
  WINDSOCK_EXIT_SIGN_IN      = 4,  /* SSO sign-in or an MFA code is needed */
  WINDSOCK_EXIT_DENIED       = 5,  /* AWS denied the request */
  WINDSOCK_EXIT_NOT_FOUND    = 6,  /* no such environment */
  WINDSOCK_EXIT_UNAVAILABLE  = 7,  /* network, TLS, timeout, throttling, server error: try again */
  WINDSOCK_EXIT_CANCELLED    = 130,
} WindsockExit;

/* windsock-ui, the GTK windows' program: $WINDSOCK_UI, else beside this
 * executable in a build tree, else in libexecdir. */
char    *windsock_find_ui_program (void);
int      windsock_cli_run     (int    argc,
                               char **argv);

G_END_DECLS
