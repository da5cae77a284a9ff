/* windsock-style.h — the windows' own style sheet (style.css), on top of
 * the theme's
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* For every window on the default display; once per process. */
void windsock_style_load (void);

G_END_DECLS
