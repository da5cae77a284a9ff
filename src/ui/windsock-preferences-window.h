/* windsock-preferences-window.h — what to scan, how to open, when to start
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define WINDSOCK_TYPE_PREFERENCES_WINDOW (windsock_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (WindsockPreferencesWindow, windsock_preferences_window, WINDSOCK, PREFERENCES_WINDOW, GtkApplicationWindow)

/**
 * windsock_preferences_window_new:
 * @application: (nullable): the preferences' application
 * @settings: io.github.windsock.Windsock settings, written as they are
 *   changed (the service follows them live)
 * @environ: (nullable): the environment that names the AWS configuration
 *   files and the autostart folder; %NULL for the process's
 *
 * Property "cache-path" (construct-only, nullable): the catalog cache
 * whose environments are listed under Private window; %NULL for the
 * default one, which the service writes.
 */
GtkWidget *windsock_preferences_window_new (GtkApplication     *application,
                                            GSettings          *settings,
                                            const char * const *environ);

G_END_DECLS
