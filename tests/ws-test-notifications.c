/* ws-test-notifications.c — a fake org.freedesktop.Notifications server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ws-test-notifications.h"

#include "ws-test-util.h"

#define NOTIFICATIONS_NAME "org.freedesktop.Notifications"
#define NOTIFICATIONS_PATH "/org/freedesktop/Notifications"
#define WAIT_SECONDS 30

static const char introspection_xml[] =
  "<node>"
  "  <interface name='org.freedesktop.Notifications'>"
  "    <method name='Notify'>"
  "      <arg type='s' direction='in'/>"
  "      <arg type='u' direction='in'/>"
  "      <arg type='s' direction='in'/>"
  "      <arg type='s' direction='in'/>"
  "      <arg type='s' direction='in'/>"
  "      <arg type='as' direction='in'/>"
  "      <arg type='a{sv}' direction='in'/>"
  "      <arg type='i' direction='in'/>"
  "      <arg type='u' direction='out'/>"
  "    </method>"
  "    <method name='CloseNotification'>"
  "      <arg type='u' direction='in'/>"
  "    </method>"
  "    <method name='GetCapabilities'>"
  "      <arg type='as' direction='out'/>"
  "    </method>"
  "    <method name='GetServerInformation'>"
  "      <arg type='s' direction='out'/>"
  "      <arg type='s' direction='out'/>"
  "      <arg type='s' direction='out'/>"
  "      <arg type='s' direction='out'/>"
  "    </method>"
  "    <signal name='NotificationClosed'>"
  "      <arg type='u'/>"
  "      <arg type='u'/>"
  "    </signal>"
  "    <signal name='ActionInvoked'>"
  "      <arg type='u'/>"
  "      <arg type='s'/>"
  "    </signal>"
  "  </interface>"
  "</node>";

struct _WsTestNotifications
{
  GObject          parent_instance;

  GDBusConnection *connection;
  guint            registration_id;
  guint            owner_id;
  gboolean         name_owned;
  GPtrArray       *notifications;  /* of WsTestNotification */
  guint32          last_id;
};

G_DEFINE_FINAL_TYPE (WsTestNotifications, ws_test_notifications, G_TYPE_OBJECT)

static void
notification_free (WsTestNotification *notification)
{
  g_free (notification->app_name);
  g_free (notification->summary);
  g_free (notification->body);
  g_strfreev (notification->actions);
  g_clear_pointer (&notification->hints, g_variant_unref);
  g_free (notification);
}

static WsTestNotification *
find_notification (WsTestNotifications *self,
                   guint32              id)
{
  for (guint i = 0; i < self->notifications->len; i++)
    {
      WsTestNotification *notification = g_ptr_array_index (self->notifications, i);

      if (notification->id == id)
        return notification;
    }
  return NULL;
}

/* Notify with replaces_id updates that notification, as servers do. */
static guint32
notify (WsTestNotifications *self,
        GVariant            *parameters)
{
  WsTestNotification *notification = g_new0 (WsTestNotification, 1);
  WsTestNotification *replaced;
  guint32 replaces_id;

  g_variant_get (parameters, "(su&sss^as@a{sv}i)",
                 &notification->app_name, &replaces_id, NULL,
                 &notification->summary, &notification->body,
                 &notification->actions, &notification->hints, NULL);

  replaced = replaces_id != 0 ? find_notification (self, replaces_id) : NULL;
  notification->id = replaced != NULL ? replaces_id : ++self->last_id;
  if (replaced != NULL)
    g_ptr_array_remove (self->notifications, replaced);
  g_ptr_array_add (self->notifications, notification);
  return notification->id;
}

static void
method_call (GDBusConnection       *connection,
             const char            *sender,
             const char            *object_path,
             const char            *interface_name,
             const char            *method_name,
             GVariant              *parameters,
             GDBusMethodInvocation *invocation,
             gpointer               user_data)
{
  WsTestNotifications *self = user_data;

  if (g_str_equal (method_name, "Notify"))
    {
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", notify (self, parameters)));
    }
  else if (g_str_equal (method_name, "CloseNotification"))
    {
      guint32 id;
      WsTestNotification *notification;

      g_variant_get (parameters, "(u)", &id);
      notification = find_notification (self, id);
      if (notification != NULL)
        {
          notification->closed = TRUE;
          /* Reason 3: closed by a call to CloseNotification. */
          g_dbus_connection_emit_signal (connection, NULL, NOTIFICATIONS_PATH, NOTIFICATIONS_NAME,
                                         "NotificationClosed", g_variant_new ("(uu)", id, 3), NULL);
        }
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
  else if (g_str_equal (method_name, "GetCapabilities"))
    {
      const char *capabilities[] = { "actions", "body", NULL };

      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(^as)", capabilities));
    }
  else if (g_str_equal (method_name, "GetServerInformation"))
    {
      g_dbus_method_invocation_return_value (invocation,
                                             g_variant_new ("(ssss)", "ws-test-notifications",
                                                            "Windsock", "1.0", "1.2"));
    }
  else
    {
      g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD,
                                             "No method %s", method_name);
    }
}

static const GDBusInterfaceVTable vtable = { method_call, NULL, NULL };

static void
name_acquired_cb (GDBusConnection *connection,
                  const char      *name,
                  gpointer         user_data)
{
  WsTestNotifications *self = user_data;

  self->name_owned = TRUE;
}

static void
ws_test_notifications_finalize (GObject *object)
{
  WsTestNotifications *self = WS_TEST_NOTIFICATIONS (object);

  g_clear_handle_id (&self->owner_id, g_bus_unown_name);
  if (self->registration_id != 0)
    g_dbus_connection_unregister_object (self->connection, self->registration_id);
  g_clear_object (&self->connection);
  g_clear_pointer (&self->notifications, g_ptr_array_unref);

  G_OBJECT_CLASS (ws_test_notifications_parent_class)->finalize (object);
}

static void
ws_test_notifications_class_init (WsTestNotificationsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ws_test_notifications_finalize;
}

static void
ws_test_notifications_init (WsTestNotifications *self)
{
  self->notifications = g_ptr_array_new_with_free_func ((GDestroyNotify) notification_free);
}

static gboolean
name_is_owned (gpointer data)
{
  return ((WsTestNotifications *) data)->name_owned;
}

typedef struct
{
  WsTestNotifications *self;
  guint                n;
} CountWait;

static gboolean
has_notifications (gpointer data)
{
  CountWait *wait = data;

  return wait->self->notifications->len >= wait->n;
}

WsTestNotifications *
ws_test_notifications_new (GDBusConnection *connection)
{
  g_autoptr(WsTestNotifications) self = g_object_new (WS_TYPE_TEST_NOTIFICATIONS, NULL);
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (introspection_xml, NULL);
  g_autoptr(GError) error = NULL;

  self->connection = g_object_ref (connection);
  self->registration_id = g_dbus_connection_register_object (connection, NOTIFICATIONS_PATH,
                                                             info->interfaces[0], &vtable,
                                                             self, NULL, &error);
  g_assert_no_error (error);
  self->owner_id = g_bus_own_name_on_connection (connection, NOTIFICATIONS_NAME,
                                                 G_BUS_NAME_OWNER_FLAGS_NONE,
                                                 name_acquired_cb, NULL, self, NULL);
  g_assert_true (ws_test_iterate_until (name_is_owned, self, WAIT_SECONDS));
  return g_steal_pointer (&self);
}

guint
ws_test_notifications_get_n_notifications (WsTestNotifications *self)
{
  g_return_val_if_fail (WS_IS_TEST_NOTIFICATIONS (self), 0);

  return self->notifications->len;
}

const WsTestNotification *
ws_test_notifications_get (WsTestNotifications *self,
                           guint                index)
{
  g_return_val_if_fail (WS_IS_TEST_NOTIFICATIONS (self), NULL);
  g_return_val_if_fail (index < self->notifications->len, NULL);

  return g_ptr_array_index (self->notifications, index);
}

gboolean
ws_test_notifications_wait (WsTestNotifications *self,
                            guint                n)
{
  CountWait wait = { self, n };

  g_return_val_if_fail (WS_IS_TEST_NOTIFICATIONS (self), FALSE);

  return ws_test_iterate_until (has_notifications, &wait, WAIT_SECONDS);
}

void
ws_test_notifications_invoke_action (WsTestNotifications *self,
                                     guint32              id,
                                     const char          *action_key)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (WS_IS_TEST_NOTIFICATIONS (self));

  g_dbus_connection_emit_signal (self->connection, NULL, NOTIFICATIONS_PATH, NOTIFICATIONS_NAME,
                                 "ActionInvoked", g_variant_new ("(us)", id, action_key), &error);
  g_assert_no_error (error);
}
