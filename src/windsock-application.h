/* windsock-application.h — the resident service: tray icon and menu, the
 * catalog, one warm HTTPS session, and the actions launchers call
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The service's own D-Bus interface (beside org.gtk.Actions), for the CLI:
 * unlike an action, a method call returns the error to the caller. */
#define WINDSOCK_SERVICE_INTERFACE "io.github.windsock.Windsock1"

#define WINDSOCK_TYPE_APPLICATION (windsock_application_get_type ())

G_DECLARE_FINAL_TYPE (WindsockApplication, windsock_application, WINDSOCK, APPLICATION, GApplication)

WindsockApplication *windsock_application_new (void);

G_END_DECLS
