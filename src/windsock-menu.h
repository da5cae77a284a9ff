/* windsock-menu.h — the tray menu: the catalog as a GMenuModel over the
 * application's actions, rebuilt when the catalog or the settings change
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ws-catalog.h"

G_BEGIN_DECLS

#define WINDSOCK_TYPE_MENU (windsock_menu_get_type ())

G_DECLARE_FINAL_TYPE (WindsockMenu, windsock_menu, WINDSOCK, MENU, GObject)

/* What the menu shows besides the environments; all may be NULL/0. */
typedef struct
{
  const char * const *favourites;           /* refs, shown first */
  const char * const *recent;               /* refs, most recent first */
  const char * const *private_environments; /* refs opened in a private window */
  guint               limit;                /* environments at the top level */
  gboolean            refreshing;
  const char         *config_error;         /* why ~/.aws/config cannot be read */
} WindsockMenuOptions;

/**
 * windsock_menu_build:
 * @environments: (element-type WsEnvironment): sorted by profile, region, name
 * @profiles: (element-type WsCatalogProfile): the scanned profiles
 *
 * Pure: the menu for a catalog. Environments are grouped by profile and
 * region (sections with a title row); with more than @limit environments,
 * favourites and recent ones stay at the top and each group becomes a
 * submenu. Every row opens with one click (app.open-environment or, for a
 * private environment, app.open-private-window); unusable rows have no
 * action (disabled) and say why. A submenu holds the per-environment "Copy
 * sign-in link" and "Open in private window"; profiles that need an SSO
 * sign-in get "Sign in…"; then Open…, Refresh, Preferences…, Quit.
 */
GMenuModel   *windsock_menu_build     (GListModel                *environments,
                                       GPtrArray                 *profiles,
                                       const WindsockMenuOptions *options);

/* Follows @catalog and @settings (favourites, recent, private-environments,
 * menu-limit; nullable) and rebuilds in an idle after changes. */
WindsockMenu *windsock_menu_new       (WsCatalog  *catalog,
                                       GSettings  *settings);
GMenuModel   *windsock_menu_get_model (WindsockMenu *self);
/* Shown at the top while the AWS config files cannot be read; NULL hides it. */
void          windsock_menu_set_config_error (WindsockMenu *self,
                                              const char   *message);

/* Signals: changed (void) — the model was replaced. */

G_END_DECLS
