/* ws-launcher.h — opens a URL in the user's browser: the default one (the
 * OpenURI portal inside Flatpak) or the one chosen in settings, optionally
 * in a private window, with the activation token so it comes to the front
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define WS_LAUNCHER_ERROR (ws_launcher_error_quark ())

typedef enum
{
  WS_LAUNCHER_ERROR_NO_BROWSER,        /* nothing handles https */
  WS_LAUNCHER_ERROR_NO_PRIVATE_WINDOW, /* the browser has no known private-window option */
  WS_LAUNCHER_ERROR_FAILED,            /* the launch itself failed */
} WsLauncherError;

GQuark ws_launcher_error_quark (void);

#define WS_TYPE_LAUNCHER (ws_launcher_get_type ())

G_DECLARE_FINAL_TYPE (WsLauncher, ws_launcher, WS, LAUNCHER, GObject)

/* @settings: (nullable): reads "browser" (a desktop file id, "" = default). */
WsLauncher *ws_launcher_new                 (GSettings    *settings);
/* Looks the browser up as a launch would — the first lookup reads GIO's
 * desktop-file and MIME databases (then kept and watched), a few
 * milliseconds — and connects to the session bus (GIO's launch announces
 * itself there), so that a click about to come only launches. */
void        ws_launcher_prepare             (WsLauncher   *self);
/**
 * ws_launcher_open_uri_async:
 * @uri: may hold a secret: it reaches the browser in a redirect page, never
 *   on a command line (but for a Snap browser, which cannot read one)
 * @activation_token: (nullable): an XDG activation / startup-notification
 *   token (from the tray's ProvideXdgActivationToken or the caller's
 *   platform data) handed to the browser so it may take focus
 */
void        ws_launcher_open_uri_async      (WsLauncher          *self,
                                             const char          *uri,
                                             const char          *activation_token,
                                             gboolean             private_window,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean    ws_launcher_open_uri_finish     (WsLauncher          *self,
                                             GAsyncResult        *result,
                                             GError             **error);

/* Pure: the option that opens a private window for a browser, from its
 * executable's basename ("firefox" → "--private-window", "chromium" →
 * "--incognito", …), or NULL when unknown. */
const char *ws_launcher_private_window_option (const char *executable);
/* Whether Windsock can open a private window in @app: its command line
 * names a browser of that table (directly or through `flatpak run`), and
 * Windsock itself is not sandboxed (the portal opens normal windows only). */
gboolean    ws_launcher_has_private_window  (GAppInfo            *app);

/* Where the redirect pages handed to browsers are written:
 * $XDG_RUNTIME_DIR/windsock (or the user's cache dir without one). */
char       *ws_launcher_get_page_dir        (void);
/* Pure: the HTML of a page that sends the browser on to @uri (fragment
 * included). It holds @uri: free it with ws_secret_free(). */
char       *ws_launcher_redirect_page       (const char          *uri);

G_END_DECLS
