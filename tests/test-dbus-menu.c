/* test-dbus-menu.c — the GMenuModel → com.canonical.dbusmenu exporter, called
 * over a private bus the way tray hosts call it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "ws-dbus-menu.h"

#define MENU_PATH      "/MenuBar"
#define MENU_INTERFACE "com.canonical.dbusmenu"

/* A PNG signature and a few bytes: all the exporter looks at. */
static const guint8 png_data[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R' };

typedef struct
{
  GTestDBus          *bus;
  GDBusConnection    *server;         /* the menu's connection */
  GDBusConnection    *client;         /* the host's */
  guint               subscription;
  guint               wakeup_id;
  GPtrArray          *bus_signals;    /* (sv): member, parameters */
  GPtrArray          *log;            /* "activated …", "action …", in order */
  GArray             *shown;          /* ids of about-to-show */
  GArray             *closed;

  GMenu              *menu;
  GMenu              *first;          /* sections */
  GMenu              *second;
  GMenu              *region;         /* a submenu */
  GSimpleActionGroup *actions;
  WsDBusMenu         *dbus_menu;
} Fixture;

/* Bus plumbing */

static GDBusConnection *
connect_to_bus (GTestDBus *bus)
{
  g_autoptr(GError) error = NULL;
  GDBusConnection *connection =
    g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (bus),
                                            G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                            G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                            NULL, NULL, &error);

  g_assert_no_error (error);
  return connection;
}

static void
on_bus_signal (GDBusConnection *connection,
               const char      *sender,
               const char      *object_path,
               const char      *interface_name,
               const char      *signal_name,
               GVariant        *parameters,
               gpointer         user_data)
{
  Fixture *f = user_data;

  g_ptr_array_add (f->bus_signals, g_variant_ref_sink (g_variant_new ("(sv)", signal_name, parameters)));
}

static void
on_result (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* Calls the menu over the bus, iterating the main context (where the menu
 * answers) until the reply arrives. */
static GVariant *
call_full (Fixture     *f,
           const char  *interface,
           const char  *method,
           GVariant    *parameters,
           GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_dbus_connection_call (f->client, g_dbus_connection_get_unique_name (f->server),
                          MENU_PATH, interface, method, parameters, NULL,
                          G_DBUS_CALL_FLAGS_NONE, 20000, NULL, on_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return g_dbus_connection_call_finish (f->client, result, error);
}

static GVariant *
call (Fixture    *f,
      const char *method,
      GVariant   *parameters)
{
  g_autoptr(GError) error = NULL;
  GVariant *reply = call_full (f, MENU_INTERFACE, method, parameters, &error);

  g_assert_no_error (error);
  return reply;
}

static void
assert_invalid_args (Fixture    *f,
                     const char *method,
                     GVariant   *parameters)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = call_full (f, MENU_INTERFACE, method, parameters, &error);

  g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS);
  g_assert_null (reply);
}

/* Runs everything pending, then a round trip so that every signal sent
 * before it has arrived. */
static void
settle (Fixture *f)
{
  g_autoptr(GVariant) reply = NULL;

  while (g_main_context_iteration (NULL, FALSE))
    ;
  reply = call_full (f, "org.freedesktop.DBus.Peer", "Ping", NULL, NULL);
  g_assert_nonnull (reply);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static guint
count_signals (Fixture    *f,
               const char *member)
{
  guint count = 0;

  for (guint i = 0; i < f->bus_signals->len; i++)
    {
      const char *name;

      g_variant_get_child (g_ptr_array_index (f->bus_signals, i), 0, "&s", &name);
      count += g_str_equal (name, member);
    }
  return count;
}

/* The parameters of the only signal @member received. */
static GVariant *
wait_for_one_signal (Fixture    *f,
                     const char *member)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (count_signals (f, member) == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  settle (f);
  g_assert_cmpuint (count_signals (f, member), ==, 1);
  for (guint i = 0; i < f->bus_signals->len; i++)
    {
      const char *name;
      GVariant *parameters;

      g_variant_get_child (g_ptr_array_index (f->bus_signals, i), 0, "&s", &name);
      if (g_str_equal (name, member))
        {
          g_variant_get_child (g_ptr_array_index (f->bus_signals, i), 1, "v", &parameters);
          return parameters;
        }
    }
  g_assert_not_reached ();
}

/* Layout helpers */

static GVariant *
get_layout (Fixture            *f,
            int                 parent,
            int                 depth,
            const char * const *names,
            guint              *revision)
{
  g_autoptr(GVariant) reply = call (f, "GetLayout",
                                    g_variant_new ("(ii^as)", parent, depth,
                                                   names != NULL ? names : (const char * const []) { NULL }));
  GVariant *layout;
  guint32 rev;

  g_variant_get (reply, "(u@(ia{sv}av))", &rev, &layout);
  if (revision != NULL)
    *revision = rev;
  return layout;
}

static int
node_id (GVariant *node)
{
  int id;

  g_variant_get_child (node, 0, "i", &id);
  return id;
}

static GVariant *
node_props (GVariant *node)
{
  return g_variant_get_child_value (node, 1);
}

static gsize
node_n_children (GVariant *node)
{
  g_autoptr(GVariant) children = g_variant_get_child_value (node, 2);

  return g_variant_n_children (children);
}

static GVariant *
node_child (GVariant *node,
            gsize     index)
{
  g_autoptr(GVariant) children = g_variant_get_child_value (node, 2);
  g_autoptr(GVariant) boxed = g_variant_get_child_value (children, index);

  return g_variant_get_variant (boxed);
}

static char *
node_string (GVariant   *node,
             const char *name)
{
  g_autoptr(GVariant) props = node_props (node);
  char *value = NULL;

  g_variant_lookup (props, name, "s", &value);
  return value;
}

/* The node labelled @label, searched depth first. */
static GVariant *
find_node (GVariant   *node,
           const char *label)
{
  g_autofree char *own = node_string (node, "label");

  if (g_strcmp0 (own, label) == 0)
    return g_variant_ref (node);
  for (gsize i = 0; i < node_n_children (node); i++)
    {
      g_autoptr(GVariant) child = node_child (node, i);
      GVariant *found = find_node (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static int
find_id (Fixture    *f,
         const char *label)
{
  g_autoptr(GVariant) layout = get_layout (f, 0, -1, NULL, NULL);
  g_autoptr(GVariant) node = find_node (layout, label);

  g_assert_nonnull (node);
  return node_id (node);
}

/* The labels of @node's children, separators as "--": "_Open|Disabled|--|…" */
static char *
child_labels (GVariant *node)
{
  g_autoptr(GString) labels = g_string_new (NULL);

  for (gsize i = 0; i < node_n_children (node); i++)
    {
      g_autoptr(GVariant) child = node_child (node, i);
      g_autofree char *type = node_string (child, "type");
      g_autofree char *label = node_string (child, "label");

      if (i > 0)
        g_string_append_c (labels, '|');
      g_string_append (labels, g_strcmp0 (type, "separator") == 0 ? "--" : label);
    }
  return g_string_free (g_steal_pointer (&labels), FALSE);
}

/* Every id in the layout, depth first. */
static void
collect_ids (GVariant *node,
             GArray   *ids)
{
  int id = node_id (node);

  g_array_append_val (ids, id);
  for (gsize i = 0; i < node_n_children (node); i++)
    {
      g_autoptr(GVariant) child = node_child (node, i);

      collect_ids (child, ids);
    }
}

/* Fixture: the menu of every test */

static void
log_activation (GSimpleAction *action,
                GVariant      *parameter,
                Fixture       *f)
{
  g_autoptr(GVariant) state = g_action_get_state (G_ACTION (action));
  g_autofree char *printed = parameter != NULL ? g_variant_print (parameter, FALSE) : NULL;

  g_ptr_array_add (f->log, g_strdup_printf ("action %s %s", g_action_get_name (G_ACTION (action)),
                                            printed != NULL ? printed : "-"));
  /* What a stateful action without a handler would do. */
  if (state != NULL && g_variant_is_of_type (state, G_VARIANT_TYPE_BOOLEAN))
    g_simple_action_set_state (action, g_variant_new_boolean (!g_variant_get_boolean (state)));
  else if (state != NULL && parameter != NULL)
    g_simple_action_set_state (action, parameter);
}

static void
on_activated (WsDBusMenu *menu,
              const char *name,
              GVariant   *target,
              Fixture    *f)
{
  g_autofree char *printed = target != NULL ? g_variant_print (target, FALSE) : NULL;

  g_ptr_array_add (f->log, g_strdup_printf ("activated %s %s", name, printed != NULL ? printed : "-"));
}

static void
on_about_to_show (WsDBusMenu *menu,
                  int         id,
                  Fixture    *f)
{
  g_array_append_val (f->shown, id);
}

static void
on_closed (WsDBusMenu *menu,
           int         id,
           Fixture    *f)
{
  g_array_append_val (f->closed, id);
}

static void
add_action (Fixture            *f,
            const char         *name,
            const GVariantType *parameter_type,
            GVariant           *state)
{
  g_autoptr(GSimpleAction) action =
    state != NULL ? g_simple_action_new_stateful (name, parameter_type, state)
                  : g_simple_action_new (name, parameter_type);

  g_signal_connect (action, "activate", G_CALLBACK (log_activation), f);
  g_action_map_add_action (G_ACTION_MAP (f->actions), G_ACTION (action));
}

static GAction *
lookup_action (Fixture    *f,
               const char *name)
{
  return g_action_map_lookup_action (G_ACTION_MAP (f->actions), name);
}

static gboolean
on_wakeup (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* First section: _Open (themed icon), Disabled, No action, Go to prod
 * (string target); an empty section; second section: Toggle (checkmark,
 * accel), _Region ▸ {Ireland, Virginia} (radio), Hidden (missing action);
 * a trailing empty section. */
static void
build_menu (Fixture *f)
{
  g_autoptr(GMenu) empty = g_menu_new ();
  g_autoptr(GMenuItem) open = g_menu_item_new ("_Open", "app.open");
  g_autoptr(GIcon) icon = g_themed_icon_new ("document-open");
  g_autoptr(GMenuItem) toggle = g_menu_item_new ("Toggle", "app.toggle");
  g_autoptr(GMenuItem) hidden = g_menu_item_new ("Hidden", "app.missing");

  f->menu = g_menu_new ();
  f->first = g_menu_new ();
  f->second = g_menu_new ();
  f->region = g_menu_new ();

  g_menu_item_set_icon (open, icon);
  g_menu_append_item (f->first, open);
  g_menu_append (f->first, "Disabled", "app.disabled");
  g_menu_append (f->first, "No action", NULL);
  g_menu_append (f->first, "Go to prod", "app.open-env::prod");

  g_menu_item_set_attribute (toggle, "accel", "s", "<Primary><Shift>t");
  g_menu_append_item (f->second, toggle);
  g_menu_append (f->region, "Ireland", "app.region::eu-west-1");
  g_menu_append (f->region, "Virginia", "app.region::us-east-1");
  g_menu_append_submenu (f->second, "_Region", G_MENU_MODEL (f->region));
  g_menu_item_set_attribute (hidden, "hidden-when", "s", "action-missing");
  g_menu_append_item (f->second, hidden);

  g_menu_append_section (f->menu, NULL, G_MENU_MODEL (f->first));
  g_menu_append_section (f->menu, NULL, G_MENU_MODEL (empty));
  g_menu_append_section (f->menu, NULL, G_MENU_MODEL (f->second));
  g_menu_append_section (f->menu, NULL, G_MENU_MODEL (empty));

  f->actions = g_simple_action_group_new ();
  add_action (f, "open", NULL, NULL);
  add_action (f, "disabled", NULL, NULL);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (lookup_action (f, "disabled")), FALSE);
  add_action (f, "open-env", G_VARIANT_TYPE_STRING, NULL);
  add_action (f, "toggle", NULL, g_variant_new_boolean (TRUE));
  add_action (f, "region", G_VARIANT_TYPE_STRING, g_variant_new_string ("us-east-1"));
}

static WsDBusMenu *
export_menu (Fixture    *f,
             GMenuModel *model)
{
  g_autoptr(GError) error = NULL;
  WsDBusMenu *menu = ws_dbus_menu_new (model, G_ACTION_GROUP (f->actions));

  g_signal_connect (menu, "activated", G_CALLBACK (on_activated), f);
  g_signal_connect (menu, "about-to-show", G_CALLBACK (on_about_to_show), f);
  g_signal_connect (menu, "closed", G_CALLBACK (on_closed), f);
  g_assert_true (ws_dbus_menu_export (menu, f->server, MENU_PATH, &error));
  g_assert_no_error (error);
  return menu;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (f->bus);
  f->server = connect_to_bus (f->bus);
  f->client = connect_to_bus (f->bus);
  f->bus_signals = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
  f->log = g_ptr_array_new_with_free_func (g_free);
  f->shown = g_array_new (FALSE, FALSE, sizeof (int));
  f->closed = g_array_new (FALSE, FALSE, sizeof (int));
  f->subscription = g_dbus_connection_signal_subscribe (f->client,
                                                        g_dbus_connection_get_unique_name (f->server),
                                                        MENU_INTERFACE, NULL, MENU_PATH, NULL,
                                                        G_DBUS_SIGNAL_FLAGS_NONE,
                                                        on_bus_signal, f, NULL);
  /* Bounds every blocking iteration, so that waits can time out. */
  f->wakeup_id = g_timeout_add (50, on_wakeup, NULL);

  build_menu (f);
  f->dbus_menu = export_menu (f, G_MENU_MODEL (f->menu));
  /* The match rule of the subscription is in place once a round trip
   * through the bus is done. */
  settle (f);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->dbus_menu);
  g_clear_object (&f->menu);
  g_clear_object (&f->first);
  g_clear_object (&f->second);
  g_clear_object (&f->region);
  g_clear_object (&f->actions);
  g_dbus_connection_signal_unsubscribe (f->client, f->subscription);
  g_clear_handle_id (&f->wakeup_id, g_source_remove);
  g_ptr_array_unref (f->bus_signals);
  g_ptr_array_unref (f->log);
  g_array_unref (f->shown);
  g_array_unref (f->closed);
  g_dbus_connection_close_sync (f->client, NULL, NULL);
  g_dbus_connection_close_sync (f->server, NULL, NULL);
  g_clear_object (&f->client);
  g_clear_object (&f->server);
  g_test_dbus_down (f->bus);
  g_clear_object (&f->bus);
}

/* Tests */

static void
test_properties (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) all = NULL;
  g_autofree const char **theme_path = NULL;
  const char *direction;
  const char *status;
  guint32 version;

  reply = call_full (f, "org.freedesktop.DBus.Properties", "GetAll",
                     g_variant_new ("(s)", MENU_INTERFACE), NULL);
  g_assert_nonnull (reply);
  all = g_variant_get_child_value (reply, 0);
  g_assert_true (g_variant_lookup (all, "Version", "u", &version));
  g_assert_cmpuint (version, ==, 3);
  g_assert_true (g_variant_lookup (all, "TextDirection", "&s", &direction));
  g_assert_cmpstr (direction, ==, "ltr");
  g_assert_true (g_variant_lookup (all, "Status", "&s", &status));
  g_assert_cmpstr (status, ==, "normal");
  g_assert_true (g_variant_lookup (all, "IconThemePath", "^a&s", &theme_path));
  g_assert_cmpuint (g_strv_length ((char **) theme_path), ==, 0);
}

static void
test_layout (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GVariant) layout = get_layout (f, 0, -1, NULL, NULL);
  g_autoptr(GVariant) root = node_props (layout);
  g_autoptr(GVariant) open = find_node (layout, "_Open");
  g_autoptr(GVariant) disabled = find_node (layout, "Disabled");
  g_autoptr(GVariant) no_action = find_node (layout, "No action");
  g_autoptr(GVariant) go_to = find_node (layout, "Go to prod");
  g_autoptr(GVariant) toggle = find_node (layout, "Toggle");
  g_autoptr(GVariant) region = find_node (layout, "_Region");
  g_autoptr(GVariant) ireland = find_node (layout, "Ireland");
  g_autoptr(GVariant) virginia = find_node (layout, "Virginia");
  g_autoptr(GVariant) hidden = find_node (layout, "Hidden");
  g_autoptr(GVariant) props = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (int));
  g_autofree char *top = child_labels (layout);
  g_autofree char *regions = child_labels (region);
  g_autoptr(GVariant) shortcut = NULL;
  g_autofree char *printed = NULL;
  gboolean flag;
  const char *text;
  int state;

  g_assert_cmpint (node_id (layout), ==, 0);
  g_assert_true (g_variant_lookup (root, "children-display", "&s", &text));
  g_assert_cmpstr (text, ==, "submenu");
  /* Sections: one separator between the non-empty ones only. */
  g_assert_cmpstr (top, ==, "_Open|Disabled|No action|Go to prod|--|Toggle|_Region|Hidden");
  g_assert_cmpstr (regions, ==, "Ireland|Virginia");

  /* Ids are unique, the root's is 0. */
  collect_ids (layout, ids);
  g_assert_cmpuint (ids->len, ==, 11);
  for (guint i = 0; i < ids->len; i++)
    for (guint j = i + 1; j < ids->len; j++)
      g_assert_cmpint (g_array_index (ids, int, i), !=, g_array_index (ids, int, j));

  props = node_props (open);
  g_assert_true (g_variant_lookup (props, "enabled", "b", &flag) && flag);
  g_assert_true (g_variant_lookup (props, "visible", "b", &flag) && flag);
  g_assert_true (g_variant_lookup (props, "icon-name", "&s", &text));
  g_assert_cmpstr (text, ==, "document-open");
  g_assert_false (g_variant_lookup (props, "toggle-type", "&s", &text));
  g_clear_pointer (&props, g_variant_unref);

  props = node_props (disabled);
  g_assert_true (g_variant_lookup (props, "enabled", "b", &flag) && !flag);
  g_clear_pointer (&props, g_variant_unref);
  props = node_props (no_action);
  g_assert_true (g_variant_lookup (props, "enabled", "b", &flag) && !flag);
  g_assert_true (g_variant_lookup (props, "visible", "b", &flag) && flag);
  g_clear_pointer (&props, g_variant_unref);
  props = node_props (go_to);
  g_assert_true (g_variant_lookup (props, "enabled", "b", &flag) && flag);
  g_clear_pointer (&props, g_variant_unref);

  props = node_props (toggle);
  g_assert_true (g_variant_lookup (props, "toggle-type", "&s", &text));
  g_assert_cmpstr (text, ==, "checkmark");
  g_assert_true (g_variant_lookup (props, "toggle-state", "i", &state));
  g_assert_cmpint (state, ==, 1);
  shortcut = g_variant_lookup_value (props, "shortcut", G_VARIANT_TYPE ("aas"));
  g_assert_nonnull (shortcut);
  printed = g_variant_print (shortcut, FALSE);
  g_assert_cmpstr (printed, ==, "[['Control', 'Shift', 't']]");
  g_clear_pointer (&props, g_variant_unref);

  props = node_props (region);
  g_assert_true (g_variant_lookup (props, "children-display", "&s", &text));
  g_assert_cmpstr (text, ==, "submenu");
  /* A submenu without an action still opens. */
  g_assert_true (g_variant_lookup (props, "enabled", "b", &flag));
  g_assert_true (flag);
  g_clear_pointer (&props, g_variant_unref);

  props = node_props (ireland);
  g_assert_true (g_variant_lookup (props, "toggle-type", "&s", &text));
  g_assert_cmpstr (text, ==, "radio");
  g_assert_true (g_variant_lookup (props, "toggle-state", "i", &state));
  g_assert_cmpint (state, ==, 0);
  g_clear_pointer (&props, g_variant_unref);
  props = node_props (virginia);
  g_assert_true (g_variant_lookup (props, "toggle-state", "i", &state));
  g_assert_cmpint (state, ==, 1);
  g_clear_pointer (&props, g_variant_unref);

  props = node_props (hidden);
  g_assert_true (g_variant_lookup (props, "visible", "b", &flag) && !flag);
  g_assert_true (g_variant_lookup (props, "enabled", "b", &flag) && !flag);
}

static void
test_layout_depth (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GVariant) node_only = get_layout (f, 0, 0, NULL, NULL);
  g_autoptr(GVariant) one_level = get_layout (f, 0, 1, NULL, NULL);
  g_autoptr(GVariant) all = get_layout (f, 0, -7, NULL, NULL);
  g_autoptr(GVariant) deep = get_layout (f, 0, G_MAXINT32, NULL, NULL);
  g_autoptr(GVariant) region = find_node (one_level, "_Region");
  g_autoptr(GVariant) region_props = NULL;
  g_autoptr(GVariant) submenu = NULL;
  g_autoptr(GVariant) submenu_only = NULL;
  g_autofree char *labels = NULL;
  const char *display;

  g_assert_cmpint (node_id (node_only), ==, 0);
  g_assert_cmpuint (node_n_children (node_only), ==, 0);

  /* lxqt: one level; the submenu says it has children, without them. */
  g_assert_cmpuint (node_n_children (one_level), ==, 8);
  g_assert_nonnull (region);
  g_assert_cmpuint (node_n_children (region), ==, 0);
  region_props = node_props (region);
  g_assert_true (g_variant_lookup (region_props, "children-display", "&s", &display));
  g_assert_cmpstr (display, ==, "submenu");

  /* Any negative depth is everything, and so is a huge one. */
  g_assert_true (g_variant_equal (all, deep));
  g_clear_pointer (&region, g_variant_unref);
  region = find_node (all, "_Region");
  g_assert_cmpuint (node_n_children (region), ==, 2);

  /* Asking for the submenu itself, as after AboutToShow(submenu). */
  submenu = get_layout (f, node_id (region), -1, NULL, NULL);
  g_assert_cmpint (node_id (submenu), ==, node_id (region));
  labels = child_labels (submenu);
  g_assert_cmpstr (labels, ==, "Ireland|Virginia");
  submenu_only = get_layout (f, node_id (region), 0, NULL, NULL);
  g_assert_cmpuint (node_n_children (submenu_only), ==, 0);
}

static gsize
count_keys (GVariant *node)
{
  g_autoptr(GVariant) props = node_props (node);

  return g_variant_n_children (props);
}

static void
test_layout_filter (Fixture       *f,
                    gconstpointer  data)
{
  static const char * const xfce[] = {
    "type", "label", "visible", "enabled", "children-display", "accessible-desc", NULL
  };
  static const char * const gnome[] = { "type", "children-display", NULL };
  static const char * const twice[] = { "label", "label", "no-such-property", NULL };
  g_autoptr(GVariant) xfce_layout = get_layout (f, 0, -1, xfce, NULL);
  g_autoptr(GVariant) gnome_layout = get_layout (f, 0, -1, gnome, NULL);
  g_autoptr(GVariant) twice_layout = get_layout (f, 0, -1, twice, NULL);
  g_autoptr(GVariant) open = find_node (xfce_layout, "_Open");
  g_autoptr(GVariant) open_props = node_props (open);
  g_autoptr(GVariant) gnome_open = node_child (gnome_layout, 0);
  g_autoptr(GVariant) gnome_separator = node_child (gnome_layout, 4);
  g_autoptr(GVariant) gnome_region = node_child (gnome_layout, 6);
  g_autoptr(GVariant) twice_open = node_child (twice_layout, 0);
  g_autofree char *separator_type = node_string (gnome_separator, "type");
  g_autofree char *region_display = node_string (gnome_region, "children-display");
  g_autofree char *label = node_string (twice_open, "label");

  /* Only what was asked for: no icon, no toggle. */
  g_assert_cmpuint (count_keys (open), ==, 3);
  g_assert_true (g_variant_lookup (open_props, "label", "&s", NULL));
  g_assert_true (g_variant_lookup (open_props, "visible", "b", NULL));
  g_assert_true (g_variant_lookup (open_props, "enabled", "b", NULL));
  g_assert_null (g_variant_lookup_value (open_props, "icon-name", NULL));

  g_assert_cmpuint (count_keys (gnome_open), ==, 0);
  g_assert_cmpstr (separator_type, ==, "separator");
  g_assert_cmpstr (region_display, ==, "submenu");
  g_assert_cmpuint (node_n_children (gnome_region), ==, 2);

  g_assert_cmpuint (count_keys (twice_open), ==, 1);
  g_assert_cmpstr (label, ==, "_Open");
}

static void
test_group_properties (Fixture       *f,
                       gconstpointer  data)
{
  static const char * const label_only[] = { "label", NULL };
  int open = find_id (f, "_Open");
  int toggle = find_id (f, "Toggle");
  g_autoptr(GVariant) some = NULL;
  g_autoptr(GVariant) every = NULL;
  g_autoptr(GVariant) labels = NULL;
  g_autoptr(GVariant) first = NULL;
  g_autoptr(GVariant) second = NULL;
  g_autoptr(GVariant) label_props = NULL;
  g_autoptr(GVariant) layout = get_layout (f, 0, -1, NULL, NULL);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (int));
  const char *label;
  int id;
  int state;

  some = call (f, "GetGroupProperties",
               g_variant_new_parsed ("([%i, 999999, %i], @as [])", open, toggle));
  g_variant_get_child (some, 0, "@a(ia{sv})", &first);
  g_assert_cmpuint (g_variant_n_children (first), ==, 2);
  second = g_variant_get_child_value (first, 1);
  g_variant_get (second, "(i@a{sv})", &id, &label_props);
  g_assert_cmpint (id, ==, toggle);
  g_assert_true (g_variant_lookup (label_props, "toggle-state", "i", &state));
  g_assert_cmpint (state, ==, 1);
  g_clear_pointer (&first, g_variant_unref);
  g_clear_pointer (&second, g_variant_unref);
  g_clear_pointer (&label_props, g_variant_unref);

  /* [] is every item, in layout order. */
  collect_ids (layout, ids);
  every = call (f, "GetGroupProperties", g_variant_new_parsed ("(@ai [], @as [])"));
  g_variant_get_child (every, 0, "@a(ia{sv})", &first);
  g_assert_cmpuint (g_variant_n_children (first), ==, ids->len);
  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(GVariant) entry = g_variant_get_child_value (first, i);

      g_variant_get_child (entry, 0, "i", &id);
      g_assert_cmpint (id, ==, g_array_index (ids, int, i));
    }

  labels = call (f, "GetGroupProperties", g_variant_new ("(@ai^as)",
                                                         g_variant_new_parsed ("[%i]", open),
                                                         label_only));
  g_variant_get_child (labels, 0, "@a(ia{sv})", &second);
  g_assert_cmpuint (g_variant_n_children (second), ==, 1);
  g_variant_get_child (second, 0, "(i@a{sv})", &id, &label_props);
  g_assert_cmpint (id, ==, open);
  g_assert_cmpuint (g_variant_n_children (label_props), ==, 1);
  g_assert_true (g_variant_lookup (label_props, "label", "&s", &label));
  g_assert_cmpstr (label, ==, "_Open");
}

static void
test_get_property (Fixture       *f,
                   gconstpointer  data)
{
  int open = find_id (f, "_Open");
  g_autoptr(GVariant) label = call (f, "GetProperty", g_variant_new ("(is)", open, "label"));
  g_autoptr(GVariant) display = call (f, "GetProperty", g_variant_new ("(is)", 0, "children-display"));
  g_autoptr(GVariant) value = NULL;

  g_variant_get (label, "(v)", &value);
  g_assert_cmpstr (g_variant_get_string (value, NULL), ==, "_Open");
  g_clear_pointer (&value, g_variant_unref);
  g_variant_get (display, "(v)", &value);
  g_assert_cmpstr (g_variant_get_string (value, NULL), ==, "submenu");

  assert_invalid_args (f, "GetProperty", g_variant_new ("(is)", 4242, "label"));
  assert_invalid_args (f, "GetProperty", g_variant_new ("(is)", G_MAXINT32, "label"));
  assert_invalid_args (f, "GetProperty", g_variant_new ("(is)", open, "no-such-property"));
}

static void
test_event_clicked (Fixture       *f,
                    gconstpointer  data)
{
  int open = find_id (f, "_Open");
  int go_to = find_id (f, "Go to prod");
  int ireland = find_id (f, "Ireland");
  int disabled = find_id (f, "Disabled");
  int no_action = find_id (f, "No action");
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) state = NULL;

  /* libdbusmenu's payload, then lxqt's (a string, timestamp 0). */
  reply = call (f, "Event", g_variant_new ("(isvu)", open, "clicked", g_variant_new_int32 (0), 1234));
  g_clear_pointer (&reply, g_variant_unref);
  reply = call (f, "Event", g_variant_new ("(isvu)", go_to, "clicked", g_variant_new_string (""), 0));
  g_clear_pointer (&reply, g_variant_unref);
  reply = call (f, "Event", g_variant_new ("(isvu)", ireland, "clicked", g_variant_new_int32 (0), 0));
  g_clear_pointer (&reply, g_variant_unref);
  /* Nothing to activate: accepted, nothing happens. */
  reply = call (f, "Event", g_variant_new ("(isvu)", disabled, "clicked", g_variant_new_int32 (0), 0));
  g_clear_pointer (&reply, g_variant_unref);
  reply = call (f, "Event", g_variant_new ("(isvu)", no_action, "clicked", g_variant_new_int32 (0), 0));
  g_clear_pointer (&reply, g_variant_unref);
  reply = call (f, "Event", g_variant_new ("(isvu)", open, "hovered", g_variant_new_int32 (0), 0));

  g_assert_cmpuint (f->log->len, ==, 6);
  g_assert_cmpstr (g_ptr_array_index (f->log, 0), ==, "activated open -");
  g_assert_cmpstr (g_ptr_array_index (f->log, 1), ==, "action open -");
  g_assert_cmpstr (g_ptr_array_index (f->log, 2), ==, "activated open-env 'prod'");
  g_assert_cmpstr (g_ptr_array_index (f->log, 3), ==, "action open-env 'prod'");
  g_assert_cmpstr (g_ptr_array_index (f->log, 4), ==, "activated region 'eu-west-1'");
  g_assert_cmpstr (g_ptr_array_index (f->log, 5), ==, "action region 'eu-west-1'");
  state = g_action_group_get_action_state (G_ACTION_GROUP (f->actions), "region");
  g_assert_cmpstr (g_variant_get_string (state, NULL), ==, "eu-west-1");
}

static void
test_event_group (Fixture       *f,
                  gconstpointer  data)
{
  int open = find_id (f, "_Open");
  int toggle = find_id (f, "Toggle");
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) errors = NULL;
  g_autoptr(GVariant) state = NULL;
  gsize n_errors;
  const gint32 *error_ids;

  reply = call (f, "EventGroup",
                g_variant_new_parsed ("([(%i, 'clicked', <int32 0>, uint32 5),"
                                      "  (77777, 'clicked', <int32 0>, 5),"
                                      "  (%i, 'clicked', <int32 0>, 5),"
                                      "  (0, 'opened', <int32 0>, 5)],)",
                                      open, toggle));
  g_variant_get (reply, "(@ai)", &errors);
  error_ids = g_variant_get_fixed_array (errors, &n_errors, sizeof (gint32));
  g_assert_cmpuint (n_errors, ==, 1);
  g_assert_cmpint (error_ids[0], ==, 77777);

  g_assert_cmpuint (f->log->len, ==, 4);
  g_assert_cmpstr (g_ptr_array_index (f->log, 1), ==, "action open -");
  g_assert_cmpstr (g_ptr_array_index (f->log, 3), ==, "action toggle -");
  state = g_action_group_get_action_state (G_ACTION_GROUP (f->actions), "toggle");
  g_assert_false (g_variant_get_boolean (state));
  g_assert_cmpuint (f->shown->len, ==, 1);
  g_assert_cmpint (g_array_index (f->shown, int, 0), ==, 0);
}

static void
test_about_to_show (Fixture       *f,
                    gconstpointer  data)
{
  int region = find_id (f, "_Region");
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) updates = NULL;
  g_autoptr(GVariant) errors = NULL;
  const gint32 *error_ids;
  gsize n_errors;
  gboolean need_update = TRUE;

  reply = call (f, "AboutToShow", g_variant_new ("(i)", 0));
  g_variant_get (reply, "(b)", &need_update);
  g_assert_false (need_update);
  g_clear_pointer (&reply, g_variant_unref);

  reply = call (f, "AboutToShowGroup", g_variant_new_parsed ("([0, %i, 31337],)", region));
  g_variant_get (reply, "(@ai@ai)", &updates, &errors);
  g_assert_cmpuint (g_variant_n_children (updates), ==, 0);
  error_ids = g_variant_get_fixed_array (errors, &n_errors, sizeof (gint32));
  g_assert_cmpuint (n_errors, ==, 1);
  g_assert_cmpint (error_ids[0], ==, 31337);
  g_clear_pointer (&reply, g_variant_unref);

  /* lxqt and GNOME: Event "opened" and "closed" on the root. */
  reply = call (f, "Event", g_variant_new ("(isvu)", 0, "opened", g_variant_new_string (""), 0));
  g_clear_pointer (&reply, g_variant_unref);
  reply = call (f, "Event", g_variant_new ("(isvu)", 0, "closed", g_variant_new_string (""), 0));
  g_clear_pointer (&reply, g_variant_unref);
  reply = call (f, "Event", g_variant_new ("(isvu)", region, "closed", g_variant_new_int32 (0), 0));

  g_assert_cmpuint (f->shown->len, ==, 4);
  g_assert_cmpint (g_array_index (f->shown, int, 0), ==, 0);
  g_assert_cmpint (g_array_index (f->shown, int, 1), ==, 0);
  g_assert_cmpint (g_array_index (f->shown, int, 2), ==, region);
  g_assert_cmpint (g_array_index (f->shown, int, 3), ==, 0);
  g_assert_cmpuint (f->closed->len, ==, 2);
  g_assert_cmpint (g_array_index (f->closed, int, 0), ==, 0);
  g_assert_cmpint (g_array_index (f->closed, int, 1), ==, region);
  g_assert_cmpuint (f->log->len, ==, 0);

  assert_invalid_args (f, "AboutToShow", g_variant_new ("(i)", -1));
  g_assert_cmpuint (f->shown->len, ==, 4);
}

/* The id of each labelled item, "label=id|…" in layout order. */
static void
collect_label_ids (GVariant   *node,
                   GHashTable *ids)
{
  for (gsize i = 0; i < node_n_children (node); i++)
    {
      g_autoptr(GVariant) child = node_child (node, i);
      char *label = node_string (child, "label");

      if (label != NULL)
        g_hash_table_insert (ids, label, GINT_TO_POINTER (node_id (child)));
      collect_label_ids (child, ids);
    }
}

static GHashTable *
label_ids (Fixture *f)
{
  g_autoptr(GVariant) layout = get_layout (f, 0, -1, NULL, NULL);
  GHashTable *ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  collect_label_ids (layout, ids);
  return ids;
}

static void
test_items_changed (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GHashTable) before = label_ids (f);
  g_autoptr(GHashTable) after = NULL;
  g_autoptr(GVariant) updated = NULL;
  g_autoptr(GVariant) layout = NULL;
  g_autoptr(GVariant) separator_before = NULL;
  g_autoptr(GVariant) separator_after = NULL;
  g_autofree char *labels = NULL;
  g_autofree char *regions = NULL;
  int disabled = GPOINTER_TO_INT (g_hash_table_lookup (before, "Disabled"));
  guint revision_before;
  guint revision_after;
  guint signalled;
  int parent;
  GHashTableIter iter;
  gpointer label;
  gpointer id;

  layout = get_layout (f, 0, -1, NULL, &revision_before);
  separator_before = node_child (layout, 4);
  g_clear_pointer (&layout, g_variant_unref);
  g_ptr_array_set_size (f->bus_signals, 0);

  /* Several changes at once, in sections and in the submenu. */
  g_menu_remove (f->first, 1);
  g_menu_append (f->second, "Quit", "app.open");
  g_menu_insert (f->region, 1, "Frankfurt", "app.region::eu-central-1");
  g_menu_append (f->region, "Tokyo", "app.region::ap-northeast-1");

  updated = wait_for_one_signal (f, "LayoutUpdated");
  g_variant_get (updated, "(ui)", &signalled, &parent);
  g_assert_cmpint (parent, ==, 0);
  g_assert_cmpuint (signalled, >, revision_before);

  layout = get_layout (f, 0, -1, NULL, &revision_after);
  g_assert_cmpuint (revision_after, ==, signalled);
  labels = child_labels (layout);
  g_assert_cmpstr (labels, ==, "_Open|No action|Go to prod|--|Toggle|_Region|Hidden|Quit");
  separator_after = node_child (layout, 3);
  g_assert_cmpint (node_id (separator_after), ==, node_id (separator_before));
  g_clear_pointer (&layout, g_variant_unref);
  layout = get_layout (f, find_id (f, "_Region"), -1, NULL, NULL);
  regions = child_labels (layout);
  g_assert_cmpstr (regions, ==, "Ireland|Frankfurt|Virginia|Tokyo");

  /* The untouched items kept their ids; the new ones have fresh ids. */
  after = label_ids (f);
  g_hash_table_iter_init (&iter, before);
  while (g_hash_table_iter_next (&iter, &label, &id))
    if (!g_str_equal (label, "Disabled"))
      g_assert_cmpint (GPOINTER_TO_INT (g_hash_table_lookup (after, label)), ==, GPOINTER_TO_INT (id));
  g_assert_false (g_hash_table_contains (after, "Disabled"));
  g_hash_table_iter_init (&iter, before);
  while (g_hash_table_iter_next (&iter, &label, &id))
    {
      g_assert_cmpint (GPOINTER_TO_INT (g_hash_table_lookup (after, "Quit")), !=, GPOINTER_TO_INT (id));
      g_assert_cmpint (GPOINTER_TO_INT (g_hash_table_lookup (after, "Frankfurt")), !=, GPOINTER_TO_INT (id));
    }
  assert_invalid_args (f, "GetProperty", g_variant_new ("(is)", disabled, "label"));
}

static void
test_action_changes (Fixture       *f,
                     gconstpointer  data)
{
  int open = find_id (f, "_Open");
  int toggle = find_id (f, "Toggle");
  int hidden = find_id (f, "Hidden");
  int ireland = find_id (f, "Ireland");
  int virginia = find_id (f, "Virginia");
  g_autoptr(GVariant) parameters = NULL;
  g_autoptr(GVariant) updated = NULL;
  g_autoptr(GVariant) removed = NULL;
  g_autoptr(GVariant) props = NULL;
  g_autofree char *printed = NULL;
  g_autofree char *removed_printed = NULL;
  guint found = 0;
  gboolean flag;
  int state;

  g_ptr_array_set_size (f->bus_signals, 0);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (lookup_action (f, "open")), FALSE);
  g_simple_action_set_state (G_SIMPLE_ACTION (lookup_action (f, "toggle")), g_variant_new_boolean (FALSE));
  g_simple_action_set_state (G_SIMPLE_ACTION (lookup_action (f, "region")), g_variant_new_string ("eu-west-1"));
  add_action (f, "missing", NULL, NULL);

  parameters = wait_for_one_signal (f, "ItemsPropertiesUpdated");
  g_assert_cmpuint (count_signals (f, "LayoutUpdated"), ==, 0);
  g_variant_get (parameters, "(@a(ia{sv})@a(ias))", &updated, &removed);
  for (gsize i = 0; i < g_variant_n_children (updated); i++)
    {
      int id;

      g_clear_pointer (&props, g_variant_unref);
      g_variant_get_child (updated, i, "(i@a{sv})", &id, &props);
      if (id == open)
        {
          g_assert_true (g_variant_lookup (props, "enabled", "b", &flag) && !flag);
          found |= 1;
        }
      else if (id == toggle)
        {
          g_assert_true (g_variant_lookup (props, "toggle-state", "i", &state));
          g_assert_cmpint (state, ==, 0);
          found |= 2;
        }
      else if (id == hidden)
        {
          g_assert_true (g_variant_lookup (props, "visible", "b", &flag) && flag);
          g_assert_true (g_variant_lookup (props, "enabled", "b", &flag) && flag);
          found |= 4;
        }
      else if (id == ireland || id == virginia)
        {
          g_assert_true (g_variant_lookup (props, "toggle-state", "i", &state));
          g_assert_cmpint (state, ==, id == ireland);
          found |= id == ireland ? 8 : 16;
        }
    }
  g_assert_cmpuint (found, ==, 31);
  /* The new values are what a host then reads, too. */
  g_clear_pointer (&props, g_variant_unref);
  props = call (f, "GetProperty", g_variant_new ("(is)", open, "enabled"));
  printed = g_variant_print (props, FALSE);
  g_assert_cmpstr (printed, ==, "(<false>,)");
  /* A stateless action leaves no toggle behind; a checkmark keeps it. */
  removed_printed = g_variant_print (removed, FALSE);
  g_assert_nonnull (strstr (removed_printed, "'toggle-type'"));
  for (gsize i = 0; i < g_variant_n_children (removed); i++)
    {
      int id;

      g_variant_get_child (removed, i, "(i*)", &id, NULL);
      g_assert_cmpint (id, !=, toggle);
    }
}

static void
test_bad_arguments (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) huge = NULL;

  assert_invalid_args (f, "GetLayout", g_variant_new_parsed ("(9999, -1, @as [])"));
  assert_invalid_args (f, "GetLayout", g_variant_new_parsed ("(-2147483648, 1, @as [])"));
  assert_invalid_args (f, "Event", g_variant_new ("(isvu)", 9999, "clicked", g_variant_new_int32 (0), 0));
  assert_invalid_args (f, "Event", g_variant_new ("(isvu)", -5, "opened", g_variant_new_int32 (0), 0));
  assert_invalid_args (f, "AboutToShow", g_variant_new ("(i)", G_MAXINT32));
  /* The wrong signature is refused before reaching the menu. */
  reply = call_full (f, MENU_INTERFACE, "GetLayout", g_variant_new ("(is)", 0, "all"), &error);
  g_assert_null (reply);
  g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS);
  g_clear_error (&error);
  reply = call_full (f, MENU_INTERFACE, "NoSuchMethod", NULL, &error);
  g_assert_null (reply);
  g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD);

  /* Odd but valid: empty groups, unknown events, any payload. */
  huge = call (f, "EventGroup", g_variant_new_parsed ("(@a(isvu) [],)"));
  g_clear_pointer (&huge, g_variant_unref);
  huge = call (f, "Event", g_variant_new ("(isvu)", 0, "x-windsock-unknown",
                                          g_variant_new_parsed ("{'a': <[1, 2]>}"), G_MAXUINT32));
  g_assert_cmpuint (f->log->len, ==, 0);
  g_assert_cmpuint (f->shown->len, ==, 0);
}

/* ws_dbus_menu_call() is what answers the bus (and the fuzz target):
 * the same replies and errors, without a bus. */
static void
test_direct_call (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) direct = NULL;
  g_autoptr(GVariant) bus = NULL;
  GVariant *reply;

  direct = ws_dbus_menu_call (f->dbus_menu, "GetLayout",
                              g_variant_new_parsed ("(0, -1, @as [])"), &error);
  g_assert_no_error (error);
  bus = call (f, "GetLayout", g_variant_new_parsed ("(0, -1, @as [])"));
  g_assert_true (g_variant_equal (direct, bus));

  reply = ws_dbus_menu_call (f->dbus_menu, "Event",
                             g_variant_new ("(isvu)", find_id (f, "_Open"), "clicked",
                                            g_variant_new_int32 (0), 0), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_variant_get_type_string (reply), ==, "()");
  g_variant_unref (reply);
  g_assert_cmpuint (f->log->len, >, 0);

  reply = ws_dbus_menu_call (f->dbus_menu, "Event",
                             g_variant_new ("(isvu)", 9999, "clicked", g_variant_new_int32 (0), 0),
                             &error);
  g_assert_null (reply);
  g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS);
  g_clear_error (&error);

  /* What GDBus would have refused never reaches the handlers. */
  reply = ws_dbus_menu_call (f->dbus_menu, "GetLayout", g_variant_new ("(is)", 0, "all"), &error);
  g_assert_null (reply);
  g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS);
  g_clear_error (&error);
  reply = ws_dbus_menu_call (f->dbus_menu, "Frobnicate", g_variant_new ("()"), &error);
  g_assert_null (reply);
  g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD);
}

static void
test_set_model (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GMenu) other = g_menu_new ();
  g_autoptr(GVariant) updated = NULL;
  g_autoptr(GVariant) layout = NULL;
  g_autofree char *labels = NULL;
  g_autoptr(GVariant) reply = NULL;
  guint revision_before;
  guint revision;
  int parent;

  layout = get_layout (f, 0, -1, NULL, &revision_before);
  g_clear_pointer (&layout, g_variant_unref);
  g_ptr_array_set_size (f->bus_signals, 0);

  g_menu_append (other, "Refresh", "app.open");
  g_menu_append (other, "Toggle", "app.toggle");
  ws_dbus_menu_set_model (f->dbus_menu, G_MENU_MODEL (other));
  updated = wait_for_one_signal (f, "LayoutUpdated");
  g_variant_get (updated, "(ui)", &revision, &parent);
  g_assert_cmpuint (revision, >, revision_before);

  layout = get_layout (f, 0, -1, NULL, NULL);
  labels = child_labels (layout);
  g_assert_cmpstr (labels, ==, "Refresh|Toggle");

  /* The old model is let go: its changes are no longer seen. */
  g_ptr_array_set_size (f->bus_signals, 0);
  g_menu_append (f->first, "Late", NULL);
  settle (f);
  g_assert_cmpuint (f->bus_signals->len, ==, 0);

  reply = call (f, "Event", g_variant_new ("(isvu)", find_id (f, "Refresh"), "clicked",
                                           g_variant_new_int32 (0), 0));
  g_assert_cmpuint (f->log->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (f->log, 1), ==, "action open -");
}

static void
test_unexport (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(WsDBusMenu) second = ws_dbus_menu_new (G_MENU_MODEL (f->menu), G_ACTION_GROUP (f->actions));

  /* One object per path. */
  g_assert_false (ws_dbus_menu_export (second, f->server, MENU_PATH, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_clear_error (&error);

  ws_dbus_menu_unexport (f->dbus_menu);
  ws_dbus_menu_unexport (f->dbus_menu);
  reply = call_full (f, MENU_INTERFACE, "GetLayout", g_variant_new_parsed ("(0, -1, @as [])"), &error);
  g_assert_null (reply);
  g_assert_nonnull (error);
  g_assert_true (g_dbus_error_is_remote_error (error));
  g_clear_error (&error);

  /* Unexported, changes are not signalled. */
  g_ptr_array_set_size (f->bus_signals, 0);
  g_menu_append (f->first, "Unseen", NULL);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (lookup_action (f, "open")), FALSE);
  settle (f);
  g_assert_cmpuint (f->bus_signals->len, ==, 0);

  /* The path is free again, and the menu can come back. */
  g_assert_true (ws_dbus_menu_export (second, f->server, MENU_PATH, &error));
  g_assert_no_error (error);
  ws_dbus_menu_unexport (second);
  g_assert_true (ws_dbus_menu_export (f->dbus_menu, f->server, MENU_PATH, &error));
  g_assert_no_error (error);
  g_assert_cmpint (find_id (f, "Unseen"), >, 0);
}

static void
test_dispose (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;

  /* Changes pending in the idle when the menu goes: nothing arrives later. */
  g_ptr_array_set_size (f->bus_signals, 0);
  g_menu_append (f->region, "Paris", "app.region::eu-west-3");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (lookup_action (f, "open")), FALSE);
  g_clear_object (&f->dbus_menu);

  g_menu_remove_all (f->first);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (lookup_action (f, "open")), TRUE);
  g_action_map_remove_action (G_ACTION_MAP (f->actions), "toggle");
  while (g_main_context_iteration (NULL, FALSE))
    ;
  /* A round trip: what was sent before has arrived. */
  reply = call_full (f, MENU_INTERFACE, "GetLayout", g_variant_new_parsed ("(0, -1, @as [])"), &error);
  g_assert_null (reply);
  g_assert_nonnull (error);
  g_assert_cmpuint (f->bus_signals->len, ==, 0);
}

static GBytes *
get_icon_data (Fixture    *f,
               const char *label)
{
  g_autoptr(GVariant) layout = get_layout (f, 0, -1, NULL, NULL);
  g_autoptr(GVariant) node = find_node (layout, label);
  g_autoptr(GVariant) props = NULL;
  g_autoptr(GVariant) data = NULL;

  g_assert_nonnull (node);
  props = node_props (node);
  g_assert_null (g_variant_lookup_value (props, "icon-name", NULL));
  data = g_variant_lookup_value (props, "icon-data", G_VARIANT_TYPE_BYTESTRING);
  return data != NULL ? g_variant_get_data_as_bytes (data) : NULL;
}

static void
test_icons (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GMenu) icons = g_menu_new ();
  g_autoptr(GMenuItem) bytes_item = g_menu_item_new ("Bytes", NULL);
  g_autoptr(GMenuItem) file_item = g_menu_item_new ("File", NULL);
  g_autoptr(GMenuItem) jpeg_item = g_menu_item_new ("JPEG", NULL);
  g_autoptr(GMenuItem) gone_item = g_menu_item_new ("Gone", NULL);
  g_autoptr(GBytes) png = g_bytes_new_static (png_data, sizeof png_data);
  static const char jpeg_data[] = "\xff\xd8\xff\xe0 not a png";
  g_autoptr(GBytes) jpeg = g_bytes_new_static (jpeg_data, sizeof jpeg_data - 1);
  g_autoptr(GIcon) bytes_icon = g_bytes_icon_new (png);
  g_autoptr(GIcon) jpeg_icon = g_bytes_icon_new (jpeg);
  g_autoptr(GFileIOStream) stream = NULL;
  g_autoptr(GFile) file = g_file_new_tmp ("test-dbus-menu-XXXXXX.png", &stream, NULL);
  g_autoptr(GFile) gone = NULL;
  g_autoptr(GIcon) file_icon = NULL;
  g_autoptr(GIcon) gone_icon = NULL;
  g_autoptr(GBytes) exported = NULL;
  g_autofree char *gone_path = NULL;

  g_assert_nonnull (file);
  g_assert_true (g_file_replace_contents (file, (const char *) png_data, sizeof png_data, NULL,
                                          FALSE, G_FILE_CREATE_NONE, NULL, NULL, NULL));
  file_icon = g_file_icon_new (file);
  gone_path = g_strconcat (g_file_peek_path (file), "-gone.png", NULL);
  gone = g_file_new_for_path (gone_path);
  gone_icon = g_file_icon_new (gone);

  g_menu_item_set_icon (bytes_item, bytes_icon);
  g_menu_item_set_icon (file_item, file_icon);
  g_menu_item_set_icon (jpeg_item, jpeg_icon);
  g_menu_item_set_icon (gone_item, gone_icon);
  g_menu_append_item (icons, bytes_item);
  g_menu_append_item (icons, file_item);
  g_menu_append_item (icons, jpeg_item);
  g_menu_append_item (icons, gone_item);
  ws_dbus_menu_set_model (f->dbus_menu, G_MENU_MODEL (icons));

  exported = get_icon_data (f, "Bytes");
  g_assert_nonnull (exported);
  g_assert_true (g_bytes_equal (exported, png));
  g_clear_pointer (&exported, g_bytes_unref);
  exported = get_icon_data (f, "File");
  g_assert_nonnull (exported);
  g_assert_true (g_bytes_equal (exported, png));
  g_clear_pointer (&exported, g_bytes_unref);
  /* Only PNG data is sent; an unreadable file is no icon. */
  exported = get_icon_data (f, "JPEG");
  g_assert_null (exported);
  exported = get_icon_data (f, "Gone");
  g_assert_null (exported);

  g_assert_true (g_file_delete (file, NULL, NULL));
}

static void
test_separators (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) empty = g_menu_new ();
  g_autoptr(GMenu) outer = g_menu_new ();
  g_autoptr(GMenu) inner = g_menu_new ();
  g_autoptr(GMenu) last = g_menu_new ();
  g_autoptr(GVariant) updated = NULL;
  g_autoptr(GVariant) layout = NULL;
  g_autoptr(GVariant) first_separator = NULL;
  g_autoptr(GVariant) moved_separator = NULL;
  g_autofree char *labels = NULL;
  g_autofree char *labels_after = NULL;

  /* [empty] A B [C [D] ] E [] [F] */
  g_menu_append_section (menu, NULL, G_MENU_MODEL (empty));
  g_menu_append (menu, "A", NULL);
  g_menu_append (menu, "B", NULL);
  g_menu_append (outer, "C", NULL);
  g_menu_append (inner, "D", NULL);
  g_menu_append_section (outer, NULL, G_MENU_MODEL (inner));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (outer));
  g_menu_append (menu, "E", NULL);
  g_menu_append_section (menu, NULL, G_MENU_MODEL (empty));
  g_menu_append (last, "F", NULL);
  g_menu_append_section (menu, NULL, G_MENU_MODEL (last));
  ws_dbus_menu_set_model (f->dbus_menu, G_MENU_MODEL (menu));

  layout = get_layout (f, 0, -1, NULL, NULL);
  labels = child_labels (layout);
  g_assert_cmpstr (labels, ==, "A|B|--|C|--|D|--|E|--|F");
  first_separator = node_child (layout, 2);
  g_clear_pointer (&layout, g_variant_unref);

  /* Filling the empty section at the top adds a separator, the others
   * keep their ids. The LayoutUpdated of the new model may still be on
   * its way: let it arrive before counting. */
  settle (f);
  g_ptr_array_set_size (f->bus_signals, 0);
  g_menu_append (empty, "Z", NULL);
  updated = wait_for_one_signal (f, "LayoutUpdated");
  layout = get_layout (f, 0, -1, NULL, NULL);
  labels_after = child_labels (layout);
  g_assert_cmpstr (labels_after, ==, "Z|--|A|B|--|C|--|D|--|E|--|Z|--|F");
  moved_separator = node_child (layout, 4);
  g_assert_cmpint (node_id (moved_separator), ==, node_id (first_separator));
}

static void
test_without_actions (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) layout = NULL;
  g_autoptr(GVariant) open = NULL;
  g_autoptr(GVariant) props = NULL;
  g_autoptr(GVariant) reply = NULL;
  gboolean enabled = TRUE;

  g_clear_object (&f->dbus_menu);
  f->dbus_menu = ws_dbus_menu_new (G_MENU_MODEL (f->menu), NULL);
  g_assert_true (ws_dbus_menu_export (f->dbus_menu, f->server, MENU_PATH, &error));
  g_assert_no_error (error);
  g_signal_connect (f->dbus_menu, "activated", G_CALLBACK (on_activated), f);

  layout = get_layout (f, 0, -1, NULL, NULL);
  open = find_node (layout, "_Open");
  props = node_props (open);
  g_assert_true (g_variant_lookup (props, "enabled", "b", &enabled));
  g_assert_false (enabled);
  reply = call (f, "Event", g_variant_new ("(isvu)", node_id (open), "clicked", g_variant_new_int32 (0), 0));
  g_assert_cmpuint (f->log->len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/dbus-menu/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("properties", test_properties);
  ADD ("layout", test_layout);
  ADD ("layout-depth", test_layout_depth);
  ADD ("layout-filter", test_layout_filter);
  ADD ("group-properties", test_group_properties);
  ADD ("get-property", test_get_property);
  ADD ("event-clicked", test_event_clicked);
  ADD ("event-group", test_event_group);
  ADD ("about-to-show", test_about_to_show);
  ADD ("items-changed", test_items_changed);
  ADD ("action-changes", test_action_changes);
  ADD ("bad-arguments", test_bad_arguments);
  ADD ("direct-call", test_direct_call);
  ADD ("set-model", test_set_model);
  ADD ("unexport", test_unexport);
  ADD ("dispose", test_dispose);
  ADD ("icons", test_icons);
  ADD ("separators", test_separators);
  ADD ("without-actions", test_without_actions);
#undef ADD

  return g_test_run ();
}
