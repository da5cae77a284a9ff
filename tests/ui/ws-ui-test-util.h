/* ws-ui-test-util.h — what the UI tests share: a private session bus,
 * catalog cache files, and waiting on the main loop with a bound
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* g_test_init(), a private session bus (returned, for g_test_dbus_down()),
 * then gtk_init() on the test's X display. */
GTestDBus *ws_ui_test_init (int    *argc,
                            char ***argv);

typedef gboolean (*WsUiCondition) (gpointer data);

/* Iterates the default main context until @condition holds; fails the
 * test after a generous bound (a hang, not a slow machine). */
void ws_ui_wait_until      (WsUiCondition condition,
                            gpointer      data);
/* Until the weak pointer *@location is NULL. */
void ws_ui_wait_for_finalize (gpointer   *location);
/* Writes a catalog cache at @path: each entry of @environments is
 * "profile/region/name/STATUS/airflow-version/account-id". */
void ws_ui_write_cache     (const char  *path,
                            const char * const *environments);

/* Runs xdotool with the NULL-terminated arguments: its output, stripped,
 * or NULL when it failed. */
char *ws_ui_xdotool        (const char *first,
                            ...) G_GNUC_NULL_TERMINATED;
/* Waits for the visible window titled exactly @title and gives it the
 * focus (the test's X server has no window manager): its id. */
char *ws_ui_focus_window   (const char *title);
/* With WINDSOCK_SCREENSHOT_DIR set (the UI tests set it to
 * <build>/tests/ui/screenshots), @window as drawn now, in the light and
 * the dark style: NAME.png and NAME-dark.png, to be looked at. */
void  ws_ui_save_screenshot (GtkWidget  *window,
                             const char *name);
/* Until @process has exited. */
void  ws_ui_wait_for_exit  (GSubprocess *process);

G_END_DECLS
