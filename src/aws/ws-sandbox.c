/* ws-sandbox.c — whether Windsock runs inside a Flatpak sandbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ws-sandbox.h"

gboolean
ws_sandbox_is_flatpak (void)
{
  const char *info = g_getenv ("WINDSOCK_FLATPAK_INFO");

  /* Looked at on every call, not cached: it is one stat, and the tests
   * switch the sandbox on and off. */
  return g_file_test (info != NULL ? info : "/.flatpak-info", G_FILE_TEST_EXISTS);
}
