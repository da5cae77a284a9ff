/* test-status-notifier.c — the tray icon against a fake watcher and host
 * on a private bus: the item on one connection, the host on another
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "ws-dbus-menu.h"
#include "ws-status-notifier.h"
#include "ws-test-sni-host.h"

#define ITEM_ID    "io.github.windsock.Windsock"
#define TITLE      "Windsock"
#define ICON       "io.github.windsock.Windsock-symbolic"
#define THEME_PATH "/usr/share/windsock/icons"
#define MENU_PATH  "/MenuBar"

/* Every New* signal of the interface, to show that no other one came. */
static const char * const item_signals[] = {
  "NewTitle", "NewIcon", "NewAttentionIcon", "NewOverlayIcon",
  "NewToolTip", "NewStatus", "NewMenu", "NewIconThemePath",
};

typedef struct
{
  GTestDBus        *bus;
  GDBusConnection  *item_connection;
  GDBusConnection  *host_connection;
  WsStatusNotifier *notifier;
  WsTestSniWatcher *watcher;
  WsTestSniItem    *item;

  guint             vanished;
  guint             registrations;    /* times "registered" became TRUE */
  guint             unregistrations;  /* ... and FALSE */
  guint             activations;
  int               x, y;
  char             *last_signal;
  int               delta;
  char             *orientation;
} Fixture;

/* --- Set-up ------------------------------------------------------------------ */

static GDBusConnection *
connect_to_bus (GTestDBus *bus)
{
  g_autoptr(GError) error = NULL;
  GDBusConnection *connection;

  connection = g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (bus),
                                                       G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                       G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                       NULL, NULL, &error);
  g_assert_no_error (error);
  return connection;
}

static void
on_position (WsStatusNotifier *notifier,
             int               x,
             int               y,
             Fixture          *fixture)
{
  fixture->activations++;
  fixture->x = x;
  fixture->y = y;
  g_free (fixture->last_signal);
  fixture->last_signal = g_strdup (g_signal_name (g_signal_get_invocation_hint (notifier)->signal_id));
}

static void
on_scroll (WsStatusNotifier *notifier,
           int               delta,
           const char       *orientation,
           Fixture          *fixture)
{
  fixture->delta = delta;
  g_free (fixture->orientation);
  fixture->orientation = g_strdup (orientation);
}

static void
on_watcher_vanished (WsStatusNotifier *notifier,
                     Fixture          *fixture)
{
  fixture->vanished++;
}

static void
on_registered (WsStatusNotifier *notifier,
               GParamSpec       *pspec,
               Fixture          *fixture)
{
  if (ws_status_notifier_get_registered (notifier))
    fixture->registrations++;
  else
    fixture->unregistrations++;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (fixture->bus);
  fixture->item_connection = connect_to_bus (fixture->bus);
  fixture->host_connection = connect_to_bus (fixture->bus);

  fixture->notifier = ws_status_notifier_new (ITEM_ID, TITLE, ICON, THEME_PATH, MENU_PATH);
  g_signal_connect (fixture->notifier, "activate", G_CALLBACK (on_position), fixture);
  g_signal_connect (fixture->notifier, "secondary-activate", G_CALLBACK (on_position), fixture);
  g_signal_connect (fixture->notifier, "context-menu", G_CALLBACK (on_position), fixture);
  g_signal_connect (fixture->notifier, "scroll", G_CALLBACK (on_scroll), fixture);
  g_signal_connect (fixture->notifier, "watcher-vanished", G_CALLBACK (on_watcher_vanished), fixture);
  g_signal_connect (fixture->notifier, "notify::registered", G_CALLBACK (on_registered), fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->item, ws_test_sni_item_free);
  g_clear_object (&fixture->notifier);
  g_clear_pointer (&fixture->watcher, ws_test_sni_watcher_free);
  g_dbus_connection_close_sync (fixture->item_connection, NULL, NULL);
  g_dbus_connection_close_sync (fixture->host_connection, NULL, NULL);
  g_clear_object (&fixture->item_connection);
  g_clear_object (&fixture->host_connection);
  /* Let GDBus finish what it queued for the watches and subscriptions. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_test_dbus_down (fixture->bus);
  g_clear_object (&fixture->bus);
  g_free (fixture->last_signal);
  g_free (fixture->orientation);
}

static void
export (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (ws_status_notifier_export (fixture->notifier, fixture->item_connection, &error));
  g_assert_no_error (error);
}

static char *
expected_entry (Fixture *fixture)
{
  return g_strconcat (g_dbus_connection_get_unique_name (fixture->item_connection),
                      "/StatusNotifierItem", NULL);
}

/* A watcher, the item exported and registered, and the host's view of it. */
static void
start (Fixture *fixture)
{
  fixture->watcher = ws_test_sni_watcher_new (fixture->host_connection);
  export (fixture);
  ws_test_sni_watcher_wait_for_items (fixture->watcher, 1);
  ws_test_sni_wait_for_count (&fixture->registrations, 1);
  fixture->item = ws_test_sni_item_new (fixture->host_connection,
                                        ws_test_sni_watcher_get_items (fixture->watcher)[0]);
}

static GVariant *
get_property (Fixture    *fixture,
              const char *name)
{
  g_autoptr(GVariant) all = ws_test_sni_item_get_all (fixture->item);
  GVariant *value = g_variant_lookup_value (all, name, NULL);

  g_assert_nonnull (value);
  return value;
}

static void
assert_string_property (Fixture    *fixture,
                        const char *name,
                        const char *expected)
{
  g_autoptr(GVariant) value = get_property (fixture, name);

  g_assert_cmpstr (g_variant_get_type_string (value), ==, "s");
  g_assert_cmpstr (g_variant_get_string (value, NULL), ==, expected);
}

/* After a round trip to the item: "NAME=COUNT ..." of every New* signal
 * seen so far, in item_signals order. */
static char *
signals_seen (Fixture *fixture)
{
  GString *seen = g_string_new (NULL);

  ws_test_sni_item_sync (fixture->item);
  for (gsize i = 0; i < G_N_ELEMENTS (item_signals); i++)
    {
      guint count = ws_test_sni_item_count_signal (fixture->item, item_signals[i]);

      if (count > 0)
        g_string_append_printf (seen, "%s%s=%u", seen->len > 0 ? " " : "", item_signals[i], count);
    }
  return g_string_free (seen, FALSE);
}

#define assert_signals_seen(fixture, expected)           \
  G_STMT_START {                                         \
    g_autofree char *seen_ = signals_seen (fixture);     \
    g_assert_cmpstr (seen_, ==, expected);               \
  } G_STMT_END

static GBytes *
pixels (gsize  n,
        guint8 seed)
{
  guint8 *data = g_malloc (n);

  for (gsize i = 0; i < n; i++)
    data[i] = (guint8) (seed + i);
  return g_bytes_new_take (data, n);
}

/* --- Tests ------------------------------------------------------------------------ */

/* By object path: the watcher keys the item by our unique name. */
static void
test_register (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *entry = expected_entry (fixture);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) items = NULL;
  g_autofree const char **strv = NULL;
  const char * const *registered;

  fixture->watcher = ws_test_sni_watcher_new (fixture->host_connection);
  export (fixture);
  g_assert_false (ws_status_notifier_get_registered (fixture->notifier));

  ws_test_sni_wait_for_count (&fixture->registrations, 1);
  g_assert_true (ws_status_notifier_get_registered (fixture->notifier));
  registered = ws_test_sni_watcher_get_items (fixture->watcher);
  g_assert_cmpstr (registered[0], ==, entry);
  g_assert_null (registered[1]);
  g_assert_cmpuint (ws_test_sni_watcher_get_registrations (fixture->watcher), ==, 1);
  g_assert_cmpuint (fixture->vanished, ==, 0);

  /* What a host reads from the watcher. */
  reply = ws_test_sni_call (fixture->host_connection, "org.kde.StatusNotifierWatcher",
                            "/StatusNotifierWatcher", "org.freedesktop.DBus.Properties", "Get",
                            g_variant_new ("(ss)", "org.kde.StatusNotifierWatcher",
                                           "RegisteredStatusNotifierItems"),
                            G_VARIANT_TYPE ("(v)"), NULL);
  g_assert_nonnull (reply);
  g_variant_get (reply, "(v)", &items);
  g_assert_true (g_variant_is_of_type (items, G_VARIANT_TYPE_STRING_ARRAY));
  strv = g_variant_get_strv (items, NULL);
  g_assert_cmpstrv (strv, ((const char * const []) { entry, NULL }));
}

/* Every property with its type, as in the StatusNotifierItem table. */
static void
test_properties (Fixture       *fixture,
                 gconstpointer  data)
{
  static const struct
  {
    const char *name;
    const char *value;    /* g_variant_print() with types */
  } expected[] = {
    { "Category", "'ApplicationStatus'" },
    { "Id", "'" ITEM_ID "'" },
    { "Title", "'" TITLE "'" },
    { "Status", "'Active'" },
    { "WindowId", "0" },
    { "IconThemePath", "'" THEME_PATH "'" },
    { "IconName", "'" ICON "'" },
    { "IconPixmap", "@a(iiay) []" },
    { "OverlayIconName", "''" },
    { "OverlayIconPixmap", "@a(iiay) []" },
    { "AttentionIconName", "''" },
    { "AttentionIconPixmap", "@a(iiay) []" },
    { "AttentionMovieName", "''" },
    { "ToolTip", "('" ICON "', @a(iiay) [], '" TITLE "', '')" },
    { "ItemIsMenu", "false" },
    { "Menu", "objectpath '" MENU_PATH "'" },
  };
  static const char * const types[] = {
    "s", "s", "s", "s", "i", "s", "s", "a(iiay)", "s", "a(iiay)", "s", "a(iiay)", "s",
    "(sa(iiay)ss)", "b", "o",
  };
  g_autoptr(GVariant) all = NULL;

  G_STATIC_ASSERT (G_N_ELEMENTS (expected) == G_N_ELEMENTS (types));
  start (fixture);
  all = ws_test_sni_item_get_all (fixture->item);
  g_assert_cmpuint (g_variant_n_children (all), ==, G_N_ELEMENTS (expected));

  for (gsize i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(GVariant) value = g_variant_lookup_value (all, expected[i].name, NULL);
      g_autofree char *text = NULL;

      g_assert_nonnull (value);
      g_assert_cmpstr (g_variant_get_type_string (value), ==, types[i]);
      text = g_variant_print (value, TRUE);
      g_assert_cmpstr (text, ==, expected[i].value);
    }
}

/* Set before export: the host sees the values. */
static void
test_set_before_export (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(WsStatusNotifier) bare = NULL;

  ws_status_notifier_set_status (fixture->notifier, WS_STATUS_NOTIFIER_PASSIVE);
  ws_status_notifier_set_attention_icon_name (fixture->notifier, "dialog-warning");
  ws_status_notifier_set_tooltip (fixture->notifier, "Windsock", "3 environments");
  start (fixture);

  assert_string_property (fixture, "Status", "Passive");
  assert_string_property (fixture, "AttentionIconName", "dialog-warning");

  /* No theme path: an empty string, never a missing property. */
  g_clear_pointer (&fixture->item, ws_test_sni_item_free);
  g_clear_object (&fixture->notifier);
  bare = ws_status_notifier_new (ITEM_ID, TITLE, ICON, NULL, MENU_PATH);
  g_assert_true (ws_status_notifier_export (bare, fixture->item_connection, NULL));
  fixture->item = ws_test_sni_item_new (fixture->host_connection,
                                        ws_test_sni_watcher_get_items (fixture->watcher)[0]);
  assert_string_property (fixture, "IconThemePath", "");
}

/* Each setter: its own New* signal, once, and nothing when unchanged. */
static void
test_setters (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GVariant) tooltip = NULL;
  g_autofree char *tooltip_text = NULL;
  const char *status;
  GVariant *args;

  start (fixture);

  ws_status_notifier_set_status (fixture->notifier, WS_STATUS_NOTIFIER_NEEDS_ATTENTION);
  assert_signals_seen (fixture, "NewStatus=1");
  args = ws_test_sni_item_get_last_signal (fixture->item, "NewStatus");
  g_assert_cmpstr (g_variant_get_type_string (args), ==, "(s)");
  g_variant_get (args, "(&s)", &status);
  g_assert_cmpstr (status, ==, "NeedsAttention");
  assert_string_property (fixture, "Status", "NeedsAttention");
  ws_status_notifier_set_status (fixture->notifier, WS_STATUS_NOTIFIER_NEEDS_ATTENTION);
  assert_signals_seen (fixture, "NewStatus=1");
  ws_status_notifier_set_status (fixture->notifier, WS_STATUS_NOTIFIER_PASSIVE);
  assert_signals_seen (fixture, "NewStatus=2");
  assert_string_property (fixture, "Status", "Passive");

  /* The tooltip carries the icon name, so it changes too. */
  ws_status_notifier_set_icon_name (fixture->notifier, "windsock-error");
  assert_signals_seen (fixture, "NewIcon=1 NewToolTip=1 NewStatus=2");
  assert_string_property (fixture, "IconName", "windsock-error");
  ws_status_notifier_set_icon_name (fixture->notifier, "windsock-error");
  assert_signals_seen (fixture, "NewIcon=1 NewToolTip=1 NewStatus=2");

  ws_status_notifier_set_attention_icon_name (fixture->notifier, "dialog-warning");
  assert_signals_seen (fixture, "NewIcon=1 NewAttentionIcon=1 NewToolTip=1 NewStatus=2");
  assert_string_property (fixture, "AttentionIconName", "dialog-warning");
  ws_status_notifier_set_attention_icon_name (fixture->notifier, "dialog-warning");
  assert_signals_seen (fixture, "NewIcon=1 NewAttentionIcon=1 NewToolTip=1 NewStatus=2");

  ws_status_notifier_set_tooltip (fixture->notifier, "Windsock", "prod-eu: available");
  assert_signals_seen (fixture, "NewIcon=1 NewAttentionIcon=1 NewToolTip=2 NewStatus=2");
  ws_status_notifier_set_tooltip (fixture->notifier, "Windsock", "prod-eu: available");
  assert_signals_seen (fixture, "NewIcon=1 NewAttentionIcon=1 NewToolTip=2 NewStatus=2");
  /* The title alone counts as a change. */
  ws_status_notifier_set_tooltip (fixture->notifier, "Windsock (2)", "prod-eu: available");
  assert_signals_seen (fixture, "NewIcon=1 NewAttentionIcon=1 NewToolTip=3 NewStatus=2");

  tooltip = get_property (fixture, "ToolTip");
  tooltip_text = g_variant_print (tooltip, TRUE);
  g_assert_cmpstr (tooltip_text, ==,
                   "('windsock-error', @a(iiay) [], 'Windsock (2)', 'prod-eu: available')");
}

/* ARGB32 pixmaps, one per call, with the bytes as given. */
static void
test_icon_pixmap (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GBytes) small = pixels (16 * 16 * 4, 0);
  g_autoptr(GBytes) large = pixels (32 * 24 * 4, 7);
  g_autoptr(GVariant) pixmaps = NULL;
  g_autoptr(GVariant) first = NULL;
  g_autoptr(GVariant) second = NULL;
  g_autoptr(GVariant) bytes = NULL;
  gint32 width, height;

  start (fixture);
  ws_status_notifier_add_icon_pixmap (fixture->notifier, 16, 16, small);
  assert_signals_seen (fixture, "NewIcon=1");
  ws_status_notifier_add_icon_pixmap (fixture->notifier, 32, 24, large);
  assert_signals_seen (fixture, "NewIcon=2");

  pixmaps = get_property (fixture, "IconPixmap");
  g_assert_cmpstr (g_variant_get_type_string (pixmaps), ==, "a(iiay)");
  g_assert_cmpuint (g_variant_n_children (pixmaps), ==, 2);

  first = g_variant_get_child_value (pixmaps, 0);
  g_variant_get (first, "(ii@ay)", &width, &height, &bytes);
  g_assert_cmpint (width, ==, 16);
  g_assert_cmpint (height, ==, 16);
  g_assert_cmpmem (g_variant_get_data (bytes), g_variant_get_size (bytes),
                   g_bytes_get_data (small, NULL), g_bytes_get_size (small));
  g_clear_pointer (&bytes, g_variant_unref);

  second = g_variant_get_child_value (pixmaps, 1);
  g_variant_get (second, "(ii@ay)", &width, &height, &bytes);
  g_assert_cmpint (width, ==, 32);
  g_assert_cmpint (height, ==, 24);
  g_assert_cmpmem (g_variant_get_data (bytes), g_variant_get_size (bytes),
                   g_bytes_get_data (large, NULL), g_bytes_get_size (large));
}

/* Clicks and the wheel reach the owner with their arguments. */
static void
test_methods (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  start (fixture);

  ws_test_sni_item_activate (fixture->item, 640, 1050);
  g_assert_cmpuint (fixture->activations, ==, 1);
  g_assert_cmpstr (fixture->last_signal, ==, "activate");
  g_assert_cmpint (fixture->x, ==, 640);
  g_assert_cmpint (fixture->y, ==, 1050);

  ws_test_sni_item_secondary_activate (fixture->item, 10, -15);
  g_assert_cmpuint (fixture->activations, ==, 2);
  g_assert_cmpstr (fixture->last_signal, ==, "secondary-activate");
  g_assert_cmpint (fixture->x, ==, 10);
  g_assert_cmpint (fixture->y, ==, -15);

  reply = ws_test_sni_item_call (fixture->item, "ContextMenu", g_variant_new ("(ii)", 3, 4), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fixture->activations, ==, 3);
  g_assert_cmpstr (fixture->last_signal, ==, "context-menu");
  g_assert_cmpint (fixture->x, ==, 3);
  g_assert_cmpint (fixture->y, ==, 4);

  /* Plasma capitalises the orientation; the spec does not. */
  ws_test_sni_item_scroll (fixture->item, -120, "Vertical");
  g_assert_cmpint (fixture->delta, ==, -120);
  g_assert_cmpstr (fixture->orientation, ==, "vertical");
  ws_test_sni_item_scroll (fixture->item, 1, "horizontal");
  g_assert_cmpint (fixture->delta, ==, 1);
  g_assert_cmpstr (fixture->orientation, ==, "horizontal");
}

/* GNOME's XAyatanaSecondaryActivate is refused, so it falls back to
 * SecondaryActivate; nothing reaches the owner meanwhile. */
static void
test_ayatana_secondary_activate (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  start (fixture);
  reply = ws_test_sni_item_call (fixture->item, "XAyatanaSecondaryActivate",
                                 g_variant_new ("(u)", 12345), &error);
  g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD);
  g_assert_null (reply);
  g_assert_cmpuint (fixture->activations, ==, 0);
}

/* The last token given is handed over once. */
static void
test_activation_token (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *token = NULL;

  start (fixture);
  g_assert_null (ws_status_notifier_take_activation_token (fixture->notifier));

  ws_test_sni_item_provide_activation_token (fixture->item, "gnome-shell/old");
  ws_test_sni_item_provide_activation_token (fixture->item, "gnome-shell/Windsock/1234-0-host_TIME42");
  ws_test_sni_item_activate (fixture->item, 1, 1);

  token = ws_status_notifier_take_activation_token (fixture->notifier);
  g_assert_cmpstr (token, ==, "gnome-shell/Windsock/1234-0-host_TIME42");
  g_assert_null (ws_status_notifier_take_activation_token (fixture->notifier));
}

/* Nobody owns the watcher name: the owner is told, and nothing is started. */
static void
test_no_watcher (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  gboolean has_owner;

  export (fixture);
  ws_test_sni_wait_for_count (&fixture->vanished, 1);
  g_assert_false (ws_status_notifier_get_registered (fixture->notifier));
  g_assert_cmpuint (fixture->registrations, ==, 0);

  reply = ws_test_sni_call (fixture->host_connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                            "org.freedesktop.DBus", "NameHasOwner",
                            g_variant_new ("(s)", "org.kde.StatusNotifierWatcher"),
                            G_VARIANT_TYPE ("(b)"), &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(b)", &has_owner);
  g_assert_false (has_owner);
}

/* A panel that starts after us still gets the item. */
static void
test_late_watcher (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *entry = expected_entry (fixture);

  export (fixture);
  ws_test_sni_wait_for_count (&fixture->vanished, 1);

  fixture->watcher = ws_test_sni_watcher_new (fixture->host_connection);
  ws_test_sni_watcher_wait_for_items (fixture->watcher, 1);
  ws_test_sni_wait_for_count (&fixture->registrations, 1);
  g_assert_true (ws_status_notifier_get_registered (fixture->notifier));
  g_assert_cmpstr (ws_test_sni_watcher_get_items (fixture->watcher)[0], ==, entry);
  g_assert_cmpuint (fixture->vanished, ==, 1);
}

/* A restarted watcher forgot the item: it is registered again. */
static void
test_watcher_restart (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *entry = expected_entry (fixture);

  start (fixture);
  g_clear_pointer (&fixture->watcher, ws_test_sni_watcher_free);
  ws_test_sni_wait_for_count (&fixture->vanished, 1);
  g_assert_false (ws_status_notifier_get_registered (fixture->notifier));
  g_assert_cmpuint (fixture->unregistrations, ==, 1);

  fixture->watcher = ws_test_sni_watcher_new (fixture->host_connection);
  ws_test_sni_wait_for_count (&fixture->registrations, 2);
  g_assert_true (ws_status_notifier_get_registered (fixture->notifier));
  g_assert_cmpuint (ws_test_sni_watcher_get_registrations (fixture->watcher), ==, 1);
  g_assert_cmpstr (ws_test_sni_watcher_get_items (fixture->watcher)[0], ==, entry);
  g_assert_cmpuint (fixture->vanished, ==, 1);
}

/* After unexport the object is gone, the item no longer follows the
 * watcher, and it can be exported again. */
static void
test_unexport (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  start (fixture);
  ws_status_notifier_unexport (fixture->notifier);
  g_assert_false (ws_status_notifier_get_registered (fixture->notifier));
  g_assert_cmpuint (fixture->unregistrations, ==, 1);

  reply = ws_test_sni_call (fixture->host_connection, ws_test_sni_item_get_bus_name (fixture->item),
                            "/StatusNotifierItem", "org.freedesktop.DBus.Properties", "GetAll",
                            g_variant_new ("(s)", "org.kde.StatusNotifierItem"), NULL, &error);
  g_assert_null (reply);
  g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD);
  g_clear_error (&error);

  /* Setters stay harmless, and a watcher restart is no longer followed. */
  ws_status_notifier_set_icon_name (fixture->notifier, "windsock-error");
  assert_signals_seen (fixture, "");
  g_clear_pointer (&fixture->watcher, ws_test_sni_watcher_free);
  fixture->watcher = ws_test_sni_watcher_new (fixture->host_connection);
  ws_test_sni_item_sync (fixture->item);
  g_assert_cmpuint (ws_test_sni_watcher_get_registrations (fixture->watcher), ==, 0);
  g_assert_cmpuint (fixture->vanished, ==, 0);

  export (fixture);
  ws_test_sni_wait_for_count (&fixture->registrations, 2);
  ws_test_sni_watcher_wait_for_items (fixture->watcher, 1);
  assert_string_property (fixture, "IconName", "windsock-error");
}

/* The path is taken (another item on the connection): a clear error. */
static void
test_export_conflict (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(WsStatusNotifier) other = ws_status_notifier_new ("other", "Other", ICON, NULL, MENU_PATH);
  g_autoptr(GError) error = NULL;

  export (fixture);
  g_assert_false (ws_status_notifier_export (other, fixture->item_connection, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_assert_false (ws_status_notifier_get_registered (other));
}

/* The item's connection closes: the watcher drops the item, and the
 * notifier reports that its watcher is out of reach. */
static void
test_connection_closed (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  start (fixture);
  g_clear_pointer (&fixture->item, ws_test_sni_item_free);
  g_dbus_connection_close_sync (fixture->item_connection, NULL, &error);
  g_assert_no_error (error);

  ws_test_sni_watcher_wait_for_items (fixture->watcher, 0);
  ws_test_sni_wait_for_count (&fixture->vanished, 1);
  g_assert_false (ws_status_notifier_get_registered (fixture->notifier));
}

static void
count_activation (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  guint *count = user_data;

  (*count)++;
}

/* The host's menu helpers against the real exporter behind the item's
 * Menu property: layout, label search, events, update counters. */
static void
test_menu (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(GMenu) model = g_menu_new ();
  g_autoptr(GSimpleActionGroup) actions = g_simple_action_group_new ();
  g_autoptr(GSimpleAction) show = g_simple_action_new ("show", NULL);
  g_autoptr(WsDBusMenu) exporter = NULL;
  g_autoptr(WsTestSniMenu) menu = NULL;
  g_autoptr(GVariant) layout = NULL;
  g_autoptr(GVariant) label = NULL;
  g_autoptr(GVariant) id_errors = NULL;
  g_autoptr(GVariant) enabled = NULL;
  GVariant *update;
  g_autoptr(GError) error = NULL;
  guint shown = 0;
  int show_id, quit_id;

  g_signal_connect (show, "activate", G_CALLBACK (count_activation), &shown);
  g_action_map_add_action (G_ACTION_MAP (actions), G_ACTION (show));
  g_menu_append (model, "_Show window", "app.show");
  g_menu_append (model, "Quit my__app", "app.quit");
  exporter = ws_dbus_menu_new (G_MENU_MODEL (model), G_ACTION_GROUP (actions));
  g_assert_true (ws_dbus_menu_export (exporter, fixture->item_connection, MENU_PATH, &error));
  g_assert_no_error (error);

  start (fixture);
  menu = ws_test_sni_menu_new (fixture->item);
  layout = ws_test_sni_menu_get_layout (menu);
  g_assert_cmpstr (g_variant_get_type_string (layout), ==, "(u(ia{sv}av))");

  /* Mnemonics are ignored, a literal underscore is kept. */
  show_id = ws_test_sni_menu_find (layout, "Show window");
  quit_id = ws_test_sni_menu_find (layout, "my_app");
  g_assert_cmpint (show_id, >, 0);
  g_assert_cmpint (quit_id, >, 0);
  g_assert_cmpint (show_id, !=, quit_id);
  g_assert_cmpint (ws_test_sni_menu_find (layout, "Preferences"), ==, -1);
  label = ws_test_sni_menu_lookup (layout, show_id, "label");
  g_assert_cmpstr (g_variant_get_string (label, NULL), ==, "_Show window");
  g_assert_null (ws_test_sni_menu_lookup (layout, 4242, "label"));

  g_assert_false (ws_test_sni_menu_about_to_show (menu, 0));
  g_assert_true (ws_test_sni_menu_event (menu, show_id, "clicked", &error));
  g_assert_no_error (error);
  ws_test_sni_wait_for_count (&shown, 1);
  id_errors = ws_test_sni_menu_event_group (menu, (const int []) { show_id, 4242 }, 2,
                                            "clicked", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_variant_get_type_string (id_errors), ==, "ai");
  g_assert_cmpuint (g_variant_n_children (id_errors), ==, 1);
  ws_test_sni_wait_for_count (&shown, 2);
  g_assert_false (ws_test_sni_menu_event (menu, 4242, "clicked", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* An action change updates properties, a model change the layout. */
  g_assert_null (ws_test_sni_menu_get_last_properties_update (menu));
  g_simple_action_set_enabled (show, FALSE);
  ws_test_sni_menu_wait_for_properties_updates (menu, 1);
  update = ws_test_sni_menu_get_last_properties_update (menu);
  g_assert_cmpstr (g_variant_get_type_string (update), ==, "(a(ia{sv})a(ias))");
  g_assert_cmpuint (ws_test_sni_menu_get_layout_updates (menu), ==, 0);
  g_clear_pointer (&layout, g_variant_unref);
  layout = ws_test_sni_menu_get_layout (menu);
  enabled = ws_test_sni_menu_lookup (layout, show_id, "enabled");
  g_assert_nonnull (enabled);
  g_assert_false (g_variant_get_boolean (enabled));

  g_menu_append (model, "Preferences", "app.preferences");
  ws_test_sni_menu_wait_for_layout_updates (menu, 1);
  g_clear_pointer (&layout, g_variant_unref);
  layout = ws_test_sni_menu_get_layout (menu);
  g_assert_cmpint (ws_test_sni_menu_find (layout, "Preferences"), >, 0);
  g_assert_cmpuint (ws_test_sni_menu_get_properties_updates (menu), >=, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/status-notifier/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("register", test_register);
  ADD ("properties", test_properties);
  ADD ("set-before-export", test_set_before_export);
  ADD ("setters", test_setters);
  ADD ("icon-pixmap", test_icon_pixmap);
  ADD ("methods", test_methods);
  ADD ("ayatana-secondary-activate", test_ayatana_secondary_activate);
  ADD ("activation-token", test_activation_token);
  ADD ("no-watcher", test_no_watcher);
  ADD ("late-watcher", test_late_watcher);
  ADD ("watcher-restart", test_watcher_restart);
  ADD ("unexport", test_unexport);
  ADD ("export-conflict", test_export_conflict);
  ADD ("connection-closed", test_connection_closed);
  ADD ("menu", test_menu);

#undef ADD

  return g_test_run ();
}
