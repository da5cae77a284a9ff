/* windsock-picker-window.h — "Open Airflow": type to filter the catalog,
 * Enter to open; the service does the opening, over D-Bus
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define WINDSOCK_TYPE_PICKER_WINDOW (windsock_picker_window_get_type ())

G_DECLARE_FINAL_TYPE (WindsockPickerWindow, windsock_picker_window, WINDSOCK, PICKER_WINDOW, GtkApplicationWindow)

/**
 * windsock_picker_window_new:
 * @application: (nullable): the picker's application
 * @settings: io.github.windsock.Windsock settings (favourites, recent)
 * @cache_path: (nullable): the catalog cache; %NULL for the service's
 *   ($XDG_CACHE_HOME/windsock/catalog.json). It is reloaded when it changes.
 *
 * Actions go to the service (APP_ID on the session bus); the window closes
 * once one was delivered, and shows what went wrong when it was not.
 */
GtkWidget *windsock_picker_window_new (GtkApplication *application,
                                       GSettings      *settings,
                                       const char     *cache_path);

G_END_DECLS
