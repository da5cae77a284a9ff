/* fuzz-dbus-menu.c — libFuzzer target for the com.canonical.dbusmenu
 * methods a tray host calls (Event, GetLayout and the others)
 *
 * The first byte picks the method, the rest is its arguments as a
 * serialized GVariant of the method's in-signature, normalised as GDBus
 * does with what comes off the bus, then handled as a call from the bus.
 * The menu is shaped like the service's: sections, a submenu, a
 * checkmark, radio items, a target, an icon, a hidden item, and an item
 * whose action rebuilds the menu while it is being activated.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gio/gio.h>
#include <stdint.h>

#include "ws-dbus-menu.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const struct
{
  const char *name;
  const char *in;
  const char *out;
} methods[] = {
  { "Event", "(isvu)", "()" },
  { "GetLayout", "(iias)", "(u(ia{sv}av))" },
  { "EventGroup", "(a(isvu))", "(ai)" },
  { "GetGroupProperties", "(aias)", "(a(ia{sv}))" },
  { "GetProperty", "(is)", "(v)" },
  { "AboutToShow", "(i)", "(b)" },
  { "AboutToShowGroup", "(ai)", "(aiai)" },
};

static GMenuModel *menus[2];
static GSimpleActionGroup *actions;
static WsDBusMenu *menu;

static void
on_rebuild (GSimpleAction *action,
            GVariant      *parameter,
            gpointer       user_data)
{
  ws_dbus_menu_set_model (menu, menus[1]);
}

static void
add_action (const char         *name,
            const GVariantType *parameter_type,
            GVariant           *state,
            GCallback           activate)
{
  g_autoptr(GSimpleAction) action =
    state != NULL ? g_simple_action_new_stateful (name, parameter_type, state)
                  : g_simple_action_new (name, parameter_type);

  /* A handler of its own keeps the state as it is: every input starts
   * from the same menu. */
  g_signal_connect (action, "activate", activate, NULL);
  g_action_map_add_action (G_ACTION_MAP (actions), G_ACTION (action));
}

static void
do_nothing (void)
{
}

static void
build_menus (void)
{
  GMenu *main_menu = g_menu_new ();
  g_autoptr(GMenu) environments = g_menu_new ();
  g_autoptr(GMenu) settings = g_menu_new ();
  g_autoptr(GMenu) region = g_menu_new ();
  g_autoptr(GMenuItem) open = g_menu_item_new ("_Open", "app.open-env::dev/eu-west-1/etl");
  g_autoptr(GMenuItem) toggle = g_menu_item_new ("Start at _Login", "app.autostart");
  g_autoptr(GMenuItem) hidden = g_menu_item_new ("Hidden", "app.missing");
  g_autoptr(GIcon) icon = g_themed_icon_new ("web-browser");
  GMenu *rebuilt = g_menu_new ();

  g_menu_item_set_icon (open, icon);
  g_menu_append_item (environments, open);
  g_menu_append (environments, "Disabled", "app.disabled");
  g_menu_append (environments, "No action", NULL);
  g_menu_item_set_attribute (toggle, "accel", "s", "<Primary>l");
  g_menu_append_item (settings, toggle);
  g_menu_append (region, "Ireland", "app.region::eu-west-1");
  g_menu_append (region, "Virginia", "app.region::us-east-1");
  g_menu_append_submenu (settings, "_Region", G_MENU_MODEL (region));
  g_menu_item_set_attribute (hidden, "hidden-when", "s", "action-missing");
  g_menu_append_item (settings, hidden);
  g_menu_append (settings, "_Refresh", "app.refresh");
  g_menu_append_section (main_menu, NULL, G_MENU_MODEL (environments));
  g_menu_append_section (main_menu, NULL, G_MENU_MODEL (settings));
  g_menu_append (rebuilt, "_Refresh", "app.refresh");

  actions = g_simple_action_group_new ();
  add_action ("open-env", G_VARIANT_TYPE_STRING, NULL, G_CALLBACK (do_nothing));
  add_action ("disabled", NULL, NULL, G_CALLBACK (do_nothing));
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (actions),
                                                                            "disabled")), FALSE);
  add_action ("autostart", NULL, g_variant_new_boolean (TRUE), G_CALLBACK (do_nothing));
  add_action ("region", G_VARIANT_TYPE_STRING, g_variant_new_string ("us-east-1"), G_CALLBACK (do_nothing));
  add_action ("refresh", NULL, NULL, G_CALLBACK (on_rebuild));

  menus[0] = G_MENU_MODEL (main_menu);
  menus[1] = G_MENU_MODEL (rebuilt);
  menu = ws_dbus_menu_new (menus[0], G_ACTION_GROUP (actions));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GVariantType) in_type = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GVariant) raw = NULL;
  g_autoptr(GVariant) parameters = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  guint m;

  if (menu == NULL)
    build_menus ();
  if (size == 0)
    return 0;

  ws_dbus_menu_set_model (menu, menus[0]);
  m = data[0] % G_N_ELEMENTS (methods);
  in_type = g_variant_type_new (methods[m].in);
  bytes = g_bytes_new (data + 1, size - 1);
  raw = g_variant_ref_sink (g_variant_new_from_bytes (in_type, bytes, FALSE));
  parameters = g_variant_get_normal_form (raw);

  reply = ws_dbus_menu_call (menu, methods[m].name, parameters, &error);
  if (reply == NULL)
    {
      g_assert_true (error->domain == G_DBUS_ERROR);
      return 0;
    }
  g_assert_no_error (error);
  g_assert_cmpstr (g_variant_get_type_string (reply), ==, methods[m].out);
  /* Everything a host gets back must be sendable on the bus. */
  g_assert_true (g_variant_is_normal_form (reply));
  return 0;
}
