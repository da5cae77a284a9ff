/* ws-autostart.h — starting Windsock when the user logs in: the XDG
 * autostart entry in $XDG_CONFIG_HOME/autostart
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* @environ: the environment whose XDG_CONFIG_HOME (else HOME/.config)
 * holds the entry, e.g. from g_get_environ(). */
char     *ws_autostart_get_path    (const char * const  *environ);
gboolean  ws_autostart_get_enabled (const char * const  *environ);
/* Writes the entry (atomically) or removes it; inside Flatpak, first asks
 * the Background portal to start (or stop starting) the app at login. */
gboolean  ws_autostart_set_enabled (const char * const  *environ,
                                    gboolean             enabled,
                                    GError             **error);

/* Pure: the desktop entry that runs @executable (a name found in PATH or
 * an absolute path) at login, which starts the resident service. */
char     *ws_autostart_entry_text  (const char          *executable);

G_END_DECLS
