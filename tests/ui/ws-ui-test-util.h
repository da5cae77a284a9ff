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

G_END_DECLS
