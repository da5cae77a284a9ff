/* windsock-activation.h — an activation token from one of our windows,
 * handed to what it starts (the browser, the service) so that it may come
 * to the front: xdg-activation on Wayland, startup notification on X11
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A new token for @widget's display, or %NULL when it has none to give. */
char *windsock_dup_activation_token (GtkWidget *widget);

G_END_DECLS
