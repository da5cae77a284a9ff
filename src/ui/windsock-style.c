/* windsock-style.c — the windows' own style sheet (style.css), on top of
 * the theme's
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "windsock-style.h"

void
windsock_style_load (void)
{
  g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

  gtk_css_provider_load_from_resource (provider, "/io/github/windsock/Windsock/ui/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}
