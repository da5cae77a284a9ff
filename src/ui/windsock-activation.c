/* windsock-activation.c — activation tokens from our windows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gio/gdesktopappinfo.h>

#include "windsock-activation.h"

char *
windsock_dup_activation_token (GtkWidget *widget)
{
  GdkDisplay *display = gtk_widget_get_display (widget);
  g_autoptr(GdkAppLaunchContext) context = gdk_display_get_app_launch_context (display);
  g_autoptr(GAppInfo) info = G_APP_INFO (g_desktop_app_info_new (APP_ID ".desktop"));

  /* GLib 2.74 wants an application; the service's, when installed. */
  if (info == NULL)
    info = g_app_info_create_from_commandline ("windsock", "Windsock", G_APP_INFO_CREATE_NONE, NULL);
  return g_app_launch_context_get_startup_notify_id (G_APP_LAUNCH_CONTEXT (context), info, NULL);
}
