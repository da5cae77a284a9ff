/* ws-status-notifier.h — the tray icon: an org.kde.StatusNotifierItem on
 * an existing connection, registered by object path with
 * org.kde.StatusNotifierWatcher and re-registered whenever a watcher
 * (re)appears
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define WS_TYPE_STATUS_NOTIFIER (ws_status_notifier_get_type ())

G_DECLARE_FINAL_TYPE (WsStatusNotifier, ws_status_notifier, WS, STATUS_NOTIFIER, GObject)

typedef enum
{
  WS_STATUS_NOTIFIER_PASSIVE,
  WS_STATUS_NOTIFIER_ACTIVE,
  WS_STATUS_NOTIFIER_NEEDS_ATTENTION,
} WsStatusNotifierStatus;

/**
 * ws_status_notifier_new:
 * @id: the stable item Id (no PID), e.g. the app id
 * @title: the item Title
 * @icon_name: the themed icon (IconName)
 * @icon_theme_path: (nullable): IconThemePath (our bundled hicolor dir)
 * @menu_path: the dbusmenu object path (Menu), e.g. "/MenuBar"
 *
 * ItemIsMenu is FALSE, Category "ApplicationStatus", WindowId 0. Status
 * starts Active; ToolTip starts as (@icon_name, [], @title, "").
 */
WsStatusNotifier *ws_status_notifier_new (const char *id,
                                          const char *title,
                                          const char *icon_name,
                                          const char *icon_theme_path,
                                          const char *menu_path);
/* Exports /StatusNotifierItem on @connection and starts watching for
 * org.kde.StatusNotifierWatcher. */
gboolean ws_status_notifier_export          (WsStatusNotifier *self,
                                             GDBusConnection  *connection,
                                             GError          **error);
void     ws_status_notifier_unexport        (WsStatusNotifier *self);
/* TRUE while a watcher accepted our registration. */
gboolean ws_status_notifier_get_registered  (WsStatusNotifier *self);
/* Each setter emits the matching New* signal when the value changes. */
void     ws_status_notifier_set_status      (WsStatusNotifier      *self,
                                             WsStatusNotifierStatus status);
void     ws_status_notifier_set_icon_name   (WsStatusNotifier *self,
                                             const char       *icon_name);
void     ws_status_notifier_set_attention_icon_name (WsStatusNotifier *self,
                                                     const char       *icon_name);
void     ws_status_notifier_set_tooltip     (WsStatusNotifier *self,
                                             const char       *title,
                                             const char       *body);
/* IconPixmap fallback for hosts that cannot find IconName: one image per
 * call (several sizes allowed), @argb32 is width × height × 4 bytes of
 * ARGB32 in network byte order (A, R, G, B per pixel). Emits NewIcon. */
void     ws_status_notifier_add_icon_pixmap (WsStatusNotifier *self,
                                             int               width,
                                             int               height,
                                             GBytes           *argb32);
/* The last token a host gave with ProvideXdgActivationToken, taken (the
 * caller owns it, and it is cleared here): each token is used once. */
char    *ws_status_notifier_take_activation_token (WsStatusNotifier *self);

/* Properties: registered (b, notify when a watcher accepts or vanishes).
 * Signals:
 *   activate (int x, int y), secondary-activate (int x, int y),
 *   scroll (int delta, const char *orientation — lower-cased),
 *   context-menu (int x, int y).
 *   watcher-vanished (void): no watcher on the bus (also right after
 *     export when there is none) — the owner shows its fallback UI. */

G_END_DECLS
