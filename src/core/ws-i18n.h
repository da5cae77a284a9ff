/* ws-i18n.h — the message catalogue, set up once per process
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The user's locale and Windsock's catalogue, from LOCALEDIR or, for the
 * tests' catalogues in the build tree, $WINDSOCK_LOCALEDIR. */
void ws_i18n_init (void);

G_END_DECLS
