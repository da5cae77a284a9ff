/* ws-test-sni-host.c — a fake StatusNotifierWatcher and a panel's calls
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ws-test-sni-host.h"

#include "ws-test-util.h"

#include <string.h>

#define WATCHER_NAME      "org.kde.StatusNotifierWatcher"
#define WATCHER_PATH      "/StatusNotifierWatcher"
#define ITEM_INTERFACE    "org.kde.StatusNotifierItem"
#define DEFAULT_ITEM_PATH "/StatusNotifierItem"
#define MENU_INTERFACE    "com.canonical.dbusmenu"

/* --- Waiting ------------------------------------------------------------------ */

void
ws_test_sni_wait_until (gboolean  (*done) (gpointer data),
                        gpointer    data,
                        const char *what)
{
  if (!ws_test_iterate_until (done, data, WS_TEST_SNI_TIMEOUT))
    g_error ("Timed out after %d s waiting for %s", WS_TEST_SNI_TIMEOUT, what);
}

typedef struct
{
  const guint *counter;
  guint        n;
} CountWait;

static gboolean
count_reached (gpointer data)
{
  CountWait *wait = data;

  return *wait->counter >= wait->n;
}

void
ws_test_sni_wait_for_count (const guint *counter,
                            guint        n)
{
  CountWait wait = { counter, n };
  g_autofree char *what = g_strdup_printf ("a count of %u", n);

  ws_test_sni_wait_until (count_reached, &wait, what);
}

/* --- Calls ------------------------------------------------------------------------ */

typedef struct
{
  gboolean  done;
  GVariant *reply;
  GError   *error;
} Call;

static void
call_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Call *call = user_data;

  call->reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &call->error);
  call->done = TRUE;
}

static gboolean
call_done (gpointer data)
{
  return ((Call *) data)->done;
}

GVariant *
ws_test_sni_call (GDBusConnection    *connection,
                  const char         *bus_name,
                  const char         *object_path,
                  const char         *interface_name,
                  const char         *method_name,
                  GVariant           *parameters,
                  const GVariantType *reply_type,
                  GError            **error)
{
  Call call = { FALSE, NULL, NULL };

  g_dbus_connection_call (connection, bus_name, object_path, interface_name, method_name,
                          parameters, reply_type, G_DBUS_CALL_FLAGS_NO_AUTO_START,
                          (WS_TEST_SNI_TIMEOUT - 5) * 1000, NULL, call_cb, &call);
  ws_test_sni_wait_until (call_done, &call, method_name);

  if (call.error != NULL)
    g_propagate_error (error, call.error);
  return call.reply;
}

/* A call that must succeed. */
static GVariant *
call_checked (GDBusConnection    *connection,
              const char         *bus_name,
              const char         *object_path,
              const char         *interface_name,
              const char         *method_name,
              GVariant           *parameters,
              const GVariantType *reply_type)
{
  g_autoptr(GError) error = NULL;
  GVariant *reply;

  reply = ws_test_sni_call (connection, bus_name, object_path, interface_name,
                            method_name, parameters, reply_type, &error);
  g_assert_no_error (error);
  return reply;
}

/* --- The watcher -------------------------------------------------------------------- */

static const char watcher_xml[] =
  "<node>"
  "  <interface name='" WATCHER_NAME "'>"
  "    <method name='RegisterStatusNotifierItem'>"
  "      <arg name='service' type='s' direction='in'/>"
  "    </method>"
  "    <method name='RegisterStatusNotifierHost'>"
  "      <arg name='service' type='s' direction='in'/>"
  "    </method>"
  "    <property name='RegisteredStatusNotifierItems' type='as' access='read'/>"
  "    <property name='IsStatusNotifierHostRegistered' type='b' access='read'/>"
  "    <property name='ProtocolVersion' type='i' access='read'/>"
  "    <signal name='StatusNotifierItemRegistered'><arg type='s'/></signal>"
  "    <signal name='StatusNotifierItemUnregistered'><arg type='s'/></signal>"
  "    <signal name='StatusNotifierHostRegistered'/>"
  "    <signal name='StatusNotifierHostUnregistered'/>"
  "  </interface>"
  "</node>";

struct _WsTestSniWatcher
{
  GDBusConnection *connection;
  GDBusNodeInfo   *info;
  guint            object_id;
  guint            owner_subscription;
  GPtrArray       *items;           /* NULL-terminated entries */
  guint            registrations;
};

static void
watcher_emit (WsTestSniWatcher *watcher,
              const char       *signal_name,
              GVariant         *parameters)
{
  g_autoptr(GError) error = NULL;

  g_dbus_connection_emit_signal (watcher->connection, NULL, WATCHER_PATH, WATCHER_NAME,
                                 signal_name, parameters, &error);
  g_assert_no_error (error);
}

static char *
item_entry (const char *sender,
            const char *service)
{
  if (service[0] == '/')
    return g_strconcat (sender, service, NULL);
  return g_strconcat (service, DEFAULT_ITEM_PATH, NULL);
}

static void
watcher_method_call (GDBusConnection       *connection,
                     const char            *sender,
                     const char            *object_path,
                     const char            *interface_name,
                     const char            *method_name,
                     GVariant              *parameters,
                     GDBusMethodInvocation *invocation,
                     gpointer               user_data)
{
  WsTestSniWatcher *watcher = user_data;
  const char *service;

  g_variant_get (parameters, "(&s)", &service);

  if (g_str_equal (method_name, "RegisterStatusNotifierItem"))
    {
      g_autofree char *entry = item_entry (sender, service);

      watcher->registrations++;
      if (!g_ptr_array_find_with_equal_func (watcher->items, entry, g_str_equal, NULL))
        g_ptr_array_add (watcher->items, g_strdup (entry));
      g_dbus_method_invocation_return_value (invocation, NULL);
      watcher_emit (watcher, "StatusNotifierItemRegistered", g_variant_new ("(s)", entry));
    }
  else
    {
      g_dbus_method_invocation_return_value (invocation, NULL);
      watcher_emit (watcher, "StatusNotifierHostRegistered", NULL);
    }
}

static GVariant *
watcher_get_property (GDBusConnection *connection,
                      const char      *sender,
                      const char      *object_path,
                      const char      *interface_name,
                      const char      *property_name,
                      GError         **error,
                      gpointer         user_data)
{
  WsTestSniWatcher *watcher = user_data;

  if (g_str_equal (property_name, "RegisteredStatusNotifierItems"))
    return g_variant_new_strv (ws_test_sni_watcher_get_items (watcher), -1);
  if (g_str_equal (property_name, "IsStatusNotifierHostRegistered"))
    return g_variant_new_boolean (TRUE);
  return g_variant_new_int32 (0);   /* ProtocolVersion */
}

static const GDBusInterfaceVTable watcher_vtable = {
  .method_call = watcher_method_call,
  .get_property = watcher_get_property,
};

static gboolean
entry_has_bus_name (const char *entry,
                    const char *bus_name)
{
  gsize len = strlen (bus_name);

  return strncmp (entry, bus_name, len) == 0 && entry[len] == '/';
}

/* As xfce's sn-backend: an item whose owner left is dropped. */
static void
name_owner_changed (GDBusConnection *connection,
                    const char      *sender_name,
                    const char      *object_path,
                    const char      *interface_name,
                    const char      *signal_name,
                    GVariant        *parameters,
                    gpointer         user_data)
{
  WsTestSniWatcher *watcher = user_data;
  const char *name, *old_owner, *new_owner;
  guint i = 0;

  g_variant_get (parameters, "(&s&s&s)", &name, &old_owner, &new_owner);
  if (*new_owner != '\0')
    return;

  while (i < watcher->items->len)
    {
      const char *entry = g_ptr_array_index (watcher->items, i);

      if (!entry_has_bus_name (entry, name))
        {
          i++;
          continue;
        }
      watcher_emit (watcher, "StatusNotifierItemUnregistered", g_variant_new ("(s)", entry));
      g_ptr_array_remove_index (watcher->items, i);
    }
}

static guint32
bus_call_u (GDBusConnection *connection,
            const char      *method_name,
            GVariant        *parameters)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  guint32 result;

  /* The bus daemon answers, so a blocking call cannot deadlock. */
  reply = g_dbus_connection_call_sync (connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", method_name, parameters,
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                       NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(u)", &result);
  return result;
}

WsTestSniWatcher *
ws_test_sni_watcher_new (GDBusConnection *connection)
{
  WsTestSniWatcher *watcher = g_new0 (WsTestSniWatcher, 1);
  g_autoptr(GError) error = NULL;

  watcher->connection = g_object_ref (connection);
  watcher->items = g_ptr_array_new_null_terminated (4, g_free, TRUE);
  watcher->info = g_dbus_node_info_new_for_xml (watcher_xml, &error);
  g_assert_no_error (error);
  watcher->object_id = g_dbus_connection_register_object (connection, WATCHER_PATH,
                                                          watcher->info->interfaces[0],
                                                          &watcher_vtable, watcher, NULL, &error);
  g_assert_no_error (error);
  watcher->owner_subscription =
    g_dbus_connection_signal_subscribe (connection, "org.freedesktop.DBus", "org.freedesktop.DBus",
                                        "NameOwnerChanged", "/org/freedesktop/DBus", NULL,
                                        G_DBUS_SIGNAL_FLAGS_NONE, name_owner_changed, watcher, NULL);

  /* 4 = DBUS_NAME_FLAG_DO_NOT_QUEUE, 1 = the primary owner now */
  g_assert_cmpuint (bus_call_u (connection, "RequestName", g_variant_new ("(su)", WATCHER_NAME, 4)),
                    ==, 1);
  return watcher;
}

void
ws_test_sni_watcher_free (WsTestSniWatcher *watcher)
{
  /* 1 = released */
  g_assert_cmpuint (bus_call_u (watcher->connection, "ReleaseName", g_variant_new ("(s)", WATCHER_NAME)),
                    ==, 1);
  g_dbus_connection_signal_unsubscribe (watcher->connection, watcher->owner_subscription);
  g_dbus_connection_unregister_object (watcher->connection, watcher->object_id);
  g_dbus_node_info_unref (watcher->info);
  g_ptr_array_unref (watcher->items);
  g_object_unref (watcher->connection);
  g_free (watcher);
}

const char * const *
ws_test_sni_watcher_get_items (WsTestSniWatcher *watcher)
{
  static const char * const none[] = { NULL };

  /* An empty array may have no pdata yet. */
  if (watcher->items->pdata == NULL)
    return none;
  return (const char * const *) watcher->items->pdata;
}

guint
ws_test_sni_watcher_get_n_items (WsTestSniWatcher *watcher)
{
  return watcher->items->len;
}

guint
ws_test_sni_watcher_get_registrations (WsTestSniWatcher *watcher)
{
  return watcher->registrations;
}

typedef struct
{
  WsTestSniWatcher *watcher;
  guint             n;
} ItemsWait;

static gboolean
items_reached (gpointer data)
{
  ItemsWait *wait = data;

  return wait->watcher->items->len == wait->n;
}

void
ws_test_sni_watcher_wait_for_items (WsTestSniWatcher *watcher,
                                    guint             n)
{
  ItemsWait wait = { watcher, n };
  g_autofree char *what = g_strdup_printf ("%u registered items", n);

  ws_test_sni_wait_until (items_reached, &wait, what);
}

/* --- An item ------------------------------------------------------------------------------ */

struct _WsTestSniItem
{
  GDBusConnection *connection;
  char            *bus_name;
  char            *object_path;
  guint            subscription;
  GHashTable      *signals;         /* signal name → SignalSeen */
};

typedef struct
{
  guint     count;
  GVariant *last;
} SignalSeen;

static void
signal_seen_free (gpointer data)
{
  SignalSeen *seen = data;

  g_variant_unref (seen->last);
  g_free (seen);
}

static void
item_signal (GDBusConnection *connection,
             const char      *sender_name,
             const char      *object_path,
             const char      *interface_name,
             const char      *signal_name,
             GVariant        *parameters,
             gpointer         user_data)
{
  WsTestSniItem *item = user_data;
  SignalSeen *seen = g_hash_table_lookup (item->signals, signal_name);

  if (seen == NULL)
    {
      seen = g_new0 (SignalSeen, 1);
      g_hash_table_insert (item->signals, g_strdup (signal_name), seen);
    }
  seen->count++;
  g_clear_pointer (&seen->last, g_variant_unref);
  seen->last = g_variant_ref (parameters);
}

WsTestSniItem *
ws_test_sni_item_new (GDBusConnection *connection,
                      const char      *entry)
{
  WsTestSniItem *item = g_new0 (WsTestSniItem, 1);
  const char *slash = strchr (entry, '/');

  g_assert_nonnull (slash);
  item->connection = g_object_ref (connection);
  item->bus_name = g_strndup (entry, slash - entry);
  item->object_path = g_strdup (slash);
  item->signals = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, signal_seen_free);
  item->subscription =
    g_dbus_connection_signal_subscribe (connection, item->bus_name, ITEM_INTERFACE, NULL,
                                        item->object_path, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                        item_signal, item, NULL);
  /* The match rule is in place once the bus answered a later call. */
  ws_test_sni_item_sync (item);
  return item;
}

void
ws_test_sni_item_free (WsTestSniItem *item)
{
  g_dbus_connection_signal_unsubscribe (item->connection, item->subscription);
  g_hash_table_unref (item->signals);
  g_free (item->bus_name);
  g_free (item->object_path);
  g_object_unref (item->connection);
  g_free (item);
}

const char *
ws_test_sni_item_get_bus_name (WsTestSniItem *item)
{
  return item->bus_name;
}

const char *
ws_test_sni_item_get_object_path (WsTestSniItem *item)
{
  return item->object_path;
}

GVariant *
ws_test_sni_item_get_all (WsTestSniItem *item)
{
  g_autoptr(GVariant) reply = NULL;
  GVariant *all;

  reply = call_checked (item->connection, item->bus_name, item->object_path,
                        "org.freedesktop.DBus.Properties", "GetAll",
                        g_variant_new ("(s)", ITEM_INTERFACE), G_VARIANT_TYPE ("(a{sv})"));
  g_variant_get (reply, "(@a{sv})", &all);
  return all;
}

GVariant *
ws_test_sni_item_call (WsTestSniItem *item,
                       const char    *method_name,
                       GVariant      *parameters,
                       GError       **error)
{
  return ws_test_sni_call (item->connection, item->bus_name, item->object_path, ITEM_INTERFACE,
                           method_name, parameters, NULL, error);
}

static void
item_call_checked (WsTestSniItem *item,
                   const char    *method_name,
                   GVariant      *parameters)
{
  g_autoptr(GVariant) reply = NULL;

  reply = call_checked (item->connection, item->bus_name, item->object_path, ITEM_INTERFACE,
                        method_name, parameters, G_VARIANT_TYPE_UNIT);
}

void
ws_test_sni_item_activate (WsTestSniItem *item,
                           int            x,
                           int            y)
{
  item_call_checked (item, "Activate", g_variant_new ("(ii)", x, y));
}

void
ws_test_sni_item_secondary_activate (WsTestSniItem *item,
                                     int            x,
                                     int            y)
{
  item_call_checked (item, "SecondaryActivate", g_variant_new ("(ii)", x, y));
}

void
ws_test_sni_item_scroll (WsTestSniItem *item,
                         int            delta,
                         const char    *orientation)
{
  item_call_checked (item, "Scroll", g_variant_new ("(is)", delta, orientation));
}

void
ws_test_sni_item_provide_activation_token (WsTestSniItem *item,
                                           const char    *token)
{
  item_call_checked (item, "ProvideXdgActivationToken", g_variant_new ("(s)", token));
}

guint
ws_test_sni_item_count_signal (WsTestSniItem *item,
                               const char    *signal_name)
{
  SignalSeen *seen = g_hash_table_lookup (item->signals, signal_name);

  return seen != NULL ? seen->count : 0;
}

GVariant *
ws_test_sni_item_get_last_signal (WsTestSniItem *item,
                                  const char    *signal_name)
{
  SignalSeen *seen = g_hash_table_lookup (item->signals, signal_name);

  return seen != NULL ? seen->last : NULL;
}

typedef struct
{
  WsTestSniItem *item;
  const char    *signal_name;
  guint          n;
} SignalWait;

static gboolean
signal_reached (gpointer data)
{
  SignalWait *wait = data;

  return ws_test_sni_item_count_signal (wait->item, wait->signal_name) >= wait->n;
}

void
ws_test_sni_item_wait_for_signal (WsTestSniItem *item,
                                  const char    *signal_name,
                                  guint          n)
{
  SignalWait wait = { item, signal_name, n };

  ws_test_sni_wait_until (signal_reached, &wait, signal_name);
}

void
ws_test_sni_item_sync (WsTestSniItem *item)
{
  g_autoptr(GVariant) reply = NULL;

  reply = call_checked (item->connection, item->bus_name, "/", "org.freedesktop.DBus.Peer",
                        "Ping", NULL, G_VARIANT_TYPE_UNIT);
}

/* --- Its menu ---------------------------------------------------------------------------------- */

struct _WsTestSniMenu
{
  GDBusConnection *connection;
  char            *bus_name;
  char            *object_path;
  guint            subscription;
  guint            layout_updates;
  guint            properties_updates;
  GVariant        *last_properties_update;
};

static void
menu_signal (GDBusConnection *connection,
             const char      *sender_name,
             const char      *object_path,
             const char      *interface_name,
             const char      *signal_name,
             GVariant        *parameters,
             gpointer         user_data)
{
  WsTestSniMenu *menu = user_data;

  if (g_str_equal (signal_name, "LayoutUpdated"))
    menu->layout_updates++;
  else if (g_str_equal (signal_name, "ItemsPropertiesUpdated"))
    {
      menu->properties_updates++;
      g_clear_pointer (&menu->last_properties_update, g_variant_unref);
      menu->last_properties_update = g_variant_ref (parameters);
    }
}

WsTestSniMenu *
ws_test_sni_menu_new (WsTestSniItem *item)
{
  WsTestSniMenu *menu = g_new0 (WsTestSniMenu, 1);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) path = NULL;

  reply = call_checked (item->connection, item->bus_name, item->object_path,
                        "org.freedesktop.DBus.Properties", "Get",
                        g_variant_new ("(ss)", ITEM_INTERFACE, "Menu"), G_VARIANT_TYPE ("(v)"));
  g_variant_get (reply, "(v)", &path);
  g_assert_true (g_variant_is_of_type (path, G_VARIANT_TYPE_OBJECT_PATH));

  menu->connection = g_object_ref (item->connection);
  menu->bus_name = g_strdup (item->bus_name);
  menu->object_path = g_variant_dup_string (path, NULL);
  menu->subscription =
    g_dbus_connection_signal_subscribe (menu->connection, menu->bus_name, MENU_INTERFACE, NULL,
                                        menu->object_path, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                        menu_signal, menu, NULL);
  ws_test_sni_item_sync (item);
  return menu;
}

void
ws_test_sni_menu_free (WsTestSniMenu *menu)
{
  g_dbus_connection_signal_unsubscribe (menu->connection, menu->subscription);
  g_clear_pointer (&menu->last_properties_update, g_variant_unref);
  g_free (menu->bus_name);
  g_free (menu->object_path);
  g_object_unref (menu->connection);
  g_free (menu);
}

static GVariant *
menu_call (WsTestSniMenu      *menu,
           const char         *method_name,
           GVariant           *parameters,
           const GVariantType *reply_type,
           GError            **error)
{
  return ws_test_sni_call (menu->connection, menu->bus_name, menu->object_path, MENU_INTERFACE,
                           method_name, parameters, reply_type, error);
}

GVariant *
ws_test_sni_menu_get_layout (WsTestSniMenu *menu)
{
  g_autoptr(GError) error = NULL;
  GVariant *layout;

  layout = menu_call (menu, "GetLayout", g_variant_new ("(ii@as)", 0, -1, g_variant_new_strv (NULL, 0)),
                      G_VARIANT_TYPE ("(u(ia{sv}av))"), &error);
  g_assert_no_error (error);
  return layout;
}

gboolean
ws_test_sni_menu_about_to_show (WsTestSniMenu *menu,
                                int            id)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  gboolean need_update;

  reply = menu_call (menu, "AboutToShow", g_variant_new ("(i)", id), G_VARIANT_TYPE ("(b)"), &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(b)", &need_update);
  return need_update;
}

gboolean
ws_test_sni_menu_event (WsTestSniMenu *menu,
                        int            id,
                        const char    *event_id,
                        GError       **error)
{
  g_autoptr(GVariant) reply = NULL;

  reply = menu_call (menu, "Event",
                     g_variant_new ("(isvu)", id, event_id, g_variant_new_int32 (0), 0),
                     G_VARIANT_TYPE_UNIT, error);
  return reply != NULL;
}

GVariant *
ws_test_sni_menu_event_group (WsTestSniMenu *menu,
                              const int     *ids,
                              gsize          n_ids,
                              const char    *event_id,
                              GError       **error)
{
  g_autoptr(GVariant) reply = NULL;
  GVariantBuilder events;
  GVariant *id_errors;

  g_variant_builder_init (&events, G_VARIANT_TYPE ("a(isvu)"));
  for (gsize i = 0; i < n_ids; i++)
    g_variant_builder_add (&events, "(isvu)", ids[i], event_id, g_variant_new_int32 (0), 0);

  reply = menu_call (menu, "EventGroup", g_variant_new ("(a(isvu))", &events),
                     G_VARIANT_TYPE ("(ai)"), error);
  if (reply == NULL)
    return NULL;
  g_variant_get (reply, "(@ai)", &id_errors);
  return id_errors;
}

/* "E_xit" → "Exit", "a__b" → "a_b" */
static char *
strip_mnemonics (const char *label)
{
  GString *text = g_string_new (NULL);

  for (const char *p = label; *p != '\0'; p++)
    {
      if (*p == '_')
        {
          if (p[1] != '_')
            continue;
          p++;
        }
      g_string_append_c (text, *p);
    }
  return g_string_free (text, FALSE);
}

typedef gboolean (*NodeMatch) (GVariant      *node,
                               gconstpointer  data);

/* Depth first over (ia{sv}av) nodes; returns the matching node, reffed. */
static GVariant *
find_node (GVariant      *node,
           NodeMatch      match,
           gconstpointer  data)
{
  g_autoptr(GVariant) children = NULL;
  gsize n;

  if (g_variant_is_of_type (node, G_VARIANT_TYPE ("(u(ia{sv}av))")))
    {
      g_autoptr(GVariant) root = g_variant_get_child_value (node, 1);
      return find_node (root, match, data);
    }

  if (match (node, data))
    return g_variant_ref (node);

  children = g_variant_get_child_value (node, 2);
  n = g_variant_n_children (children);
  for (gsize i = 0; i < n; i++)
    {
      g_autoptr(GVariant) boxed = g_variant_get_child_value (children, i);
      g_autoptr(GVariant) child = g_variant_get_variant (boxed);
      GVariant *found = find_node (child, match, data);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
label_matches (GVariant      *node,
               gconstpointer  data)
{
  g_autoptr(GVariant) properties = g_variant_get_child_value (node, 1);
  g_autofree char *text = NULL;
  const char *label;

  if (!g_variant_lookup (properties, "label", "&s", &label))
    return FALSE;
  text = strip_mnemonics (label);
  return strstr (text, data) != NULL;
}

static gboolean
id_matches (GVariant      *node,
            gconstpointer  data)
{
  gint32 id;

  g_variant_get_child (node, 0, "i", &id);
  return id == *(const int *) data;
}

int
ws_test_sni_menu_find (GVariant   *layout,
                       const char *label_part)
{
  g_autoptr(GVariant) node = find_node (layout, label_matches, label_part);
  gint32 id;

  if (node == NULL)
    return -1;
  g_variant_get_child (node, 0, "i", &id);
  return id;
}

GVariant *
ws_test_sni_menu_lookup (GVariant   *layout,
                         int         id,
                         const char *name)
{
  g_autoptr(GVariant) node = find_node (layout, id_matches, &id);
  g_autoptr(GVariant) properties = NULL;

  if (node == NULL)
    return NULL;
  properties = g_variant_get_child_value (node, 1);
  return g_variant_lookup_value (properties, name, NULL);
}

guint
ws_test_sni_menu_get_layout_updates (WsTestSniMenu *menu)
{
  return menu->layout_updates;
}

guint
ws_test_sni_menu_get_properties_updates (WsTestSniMenu *menu)
{
  return menu->properties_updates;
}

GVariant *
ws_test_sni_menu_get_last_properties_update (WsTestSniMenu *menu)
{
  return menu->last_properties_update;
}

void
ws_test_sni_menu_wait_for_layout_updates (WsTestSniMenu *menu,
                                          guint          n)
{
  ws_test_sni_wait_for_count (&menu->layout_updates, n);
}

void
ws_test_sni_menu_wait_for_properties_updates (WsTestSniMenu *menu,
                                              guint          n)
{
  ws_test_sni_wait_for_count (&menu->properties_updates, n);
}
