/* ws-test-notifications.h — a fake org.freedesktop.Notifications server
 *
 * Owns the name on the connection it is given, records every Notify and
 * can invoke a notification's action the way a desktop shell does, so that
 * GLib's "freedesktop" GNotification backend (GNOTIFICATION_BACKEND)
 * activates the application's action.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  guint32   id;
  char     *app_name;
  char     *summary;
  char     *body;
  GStrv     actions;  /* key, label, key, label, … */
  GVariant *hints;    /* a{sv} */
  gboolean  closed;   /* by CloseNotification */
} WsTestNotification;

#define WS_TYPE_TEST_NOTIFICATIONS (ws_test_notifications_get_type ())

G_DECLARE_FINAL_TYPE (WsTestNotifications, ws_test_notifications, WS, TEST_NOTIFICATIONS, GObject)

/* Returns once the name is owned (asserts within a generous bound). */
WsTestNotifications      *ws_test_notifications_new             (GDBusConnection     *connection);
guint                     ws_test_notifications_get_n_notifications (WsTestNotifications *self);
/* The INDEX-th notification received, oldest first. */
const WsTestNotification *ws_test_notifications_get             (WsTestNotifications *self,
                                                                 guint                index);
/* Iterates the default main context until N notifications have arrived;
 * FALSE after a generous bound. */
gboolean                  ws_test_notifications_wait            (WsTestNotifications *self,
                                                                 guint                n);
/* Emits ActionInvoked (ID, ACTION_KEY), as when the user clicks a button
 * ("default" for the notification itself). */
void                      ws_test_notifications_invoke_action   (WsTestNotifications *self,
                                                                 guint32              id,
                                                                 const char          *action_key);

G_END_DECLS
