/* ws-sandbox.h — whether Windsock runs inside a Flatpak sandbox, where
 * host programs cannot be run and the desktop is reached through portals
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* TRUE when /.flatpak-info exists (or the file WINDSOCK_FLATPAK_INFO
 * names, which is how the tests pretend to be sandboxed). */
gboolean ws_sandbox_is_flatpak (void);

G_END_DECLS
