/* ws-dbus-menu.h — exports any GMenuModel + GActionGroup as
 * com.canonical.dbusmenu (version 3), for a StatusNotifierItem's menu
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define WS_TYPE_DBUS_MENU (ws_dbus_menu_get_type ())

G_DECLARE_FINAL_TYPE (WsDBusMenu, ws_dbus_menu, WS, DBUS_MENU, GObject)

/**
 * ws_dbus_menu_new:
 * @model: the menu; sections become separator-delimited groups, submenu
 *   links become children-display "submenu" items
 * @actions: where item "action" attributes ("app.foo" or "foo") are looked
 *   up (without the "app." prefix) and activated with their "target"
 *
 * Item ids stay stable while the model changes; model changes emit
 * LayoutUpdated and action enabled/state changes ItemsPropertiesUpdated,
 * both coalesced in an idle. Items without an action, or whose action is
 * missing or disabled, are disabled. Boolean-state actions are checkmark
 * toggles, string-state actions with a target are radio items. "icon"
 * attributes (a serialized GIcon: themed → icon-name, bytes/file PNG →
 * icon-data) are exported, "hidden-when" "action-missing"/"action-disabled"
 * maps to visible=false.
 */
WsDBusMenu *ws_dbus_menu_new       (GMenuModel       *model,
                                    GActionGroup     *actions);
/* Registers the object at @object_path (e.g. "/MenuBar"). */
gboolean    ws_dbus_menu_export    (WsDBusMenu       *self,
                                    GDBusConnection  *connection,
                                    const char       *object_path,
                                    GError          **error);
void        ws_dbus_menu_unexport  (WsDBusMenu       *self);
/* Replaces the model (e.g. a rebuilt menu); ids of unchanged items may
 * change; one LayoutUpdated is emitted. */
void        ws_dbus_menu_set_model (WsDBusMenu       *self,
                                    GMenuModel       *model);
/* One com.canonical.dbusmenu method call, handled as for a caller on the
 * bus (which is how those are handled): @parameters of another type than
 * the method's are refused as GDBus does; floating @parameters are
 * consumed. Returns: (transfer full) the
 * reply tuple, or %NULL and a G_DBUS_ERROR. */
GVariant   *ws_dbus_menu_call      (WsDBusMenu       *self,
                                    const char       *method_name,
                                    GVariant         *parameters,
                                    GError          **error);

/* Signals:
 *   about-to-show (int id): a host is about to show the menu (or the submenu
 *     @id; AboutToShow, AboutToShowGroup, Event "opened"). Used to
 *     preconnect and refresh stale data; the layout is never changed during
 *     the call (needUpdate is always FALSE).
 *   closed (int id): Event "closed".
 *   activated (const char *action_name, GVariant *target): emitted just
 *     before an item's action is activated by Event "clicked" — lets the
 *     owner attach the activation token it was given. */

G_END_DECLS
