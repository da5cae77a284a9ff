/* windsock-copy-window.h — puts a sign-in link on the clipboard for a
 * minute, then takes it off again
 *
 * A window because on Wayland only a focused surface may set the
 * clipboard.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define WINDSOCK_TYPE_COPY_WINDOW (windsock_copy_window_get_type ())

G_DECLARE_FINAL_TYPE (WindsockCopyWindow, windsock_copy_window, WINDSOCK, COPY_WINDOW, GtkApplicationWindow)

/**
 * windsock_copy_window_new:
 * @application: (nullable): the application
 * @url: (transfer full): the login URL, a secret: wiped when released
 * @lifetime_seconds: how long the link is offered (it is valid for 60 s)
 *
 * Copies @url when the window is shown. When the time is up or the window
 * is closed, the clipboard is cleared if it still holds the link, and the
 * window is destroyed.
 */
GtkWidget *windsock_copy_window_new (GtkApplication *application,
                                     GBytes         *url,
                                     guint           lifetime_seconds);

G_END_DECLS
