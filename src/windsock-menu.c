/* windsock-menu.c — the tray menu built from the catalog
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "windsock-menu.h"

#include <glib/gi18n.h>

#include "ws-aws-error.h"

struct _WindsockMenu
{
  GObject     parent_instance;

  WsCatalog  *catalog;
  GSettings  *settings;
  GMenuModel *model;
  char       *config_error;
  guint       rebuild_id;
};

G_DEFINE_FINAL_TYPE (WindsockMenu, windsock_menu, G_TYPE_OBJECT)

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* dbusmenu and GMenu both read "_" as a mnemonic: names must show theirs. */
static char *
escape_mnemonic (const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text, "_", -1);

  return g_strjoinv ("__", parts);
}

static gboolean
ref_in (const char * const *refs,
        const char         *ref)
{
  return refs != NULL && g_strv_contains (refs, ref);
}

static char *
environment_label (WsEnvironment *environment,
                   const char    *reason)
{
  g_autofree char *name = escape_mnemonic (ws_environment_get_name (environment));
  const char *status = ws_environment_get_status (environment);
  const char *version = ws_environment_get_airflow_version (environment);

  if (reason != NULL)
    /* Translators: an environment that cannot be opened: "name — why" */
    return g_strdup_printf (_("%s — %s"), name, reason);
  if (status != NULL && version != NULL)
    /* Translators: "name — Available · Airflow 2.10.3" */
    return g_strdup_printf (_("%s — %s · Airflow %s"), name,
                            ws_environment_status_to_label (status), version);
  if (status != NULL)
    return g_strdup_printf (_("%s — %s"), name, ws_environment_status_to_label (status));
  return g_strdup (name);
}

/* One click opens; an unusable row has no action, so hosts show it disabled. */
static GMenuItem *
environment_item (WsEnvironment             *environment,
                  const WindsockMenuOptions *options)
{
  g_autofree char *ref = ws_environment_dup_ref (environment);
  g_autofree char *reason = NULL;
  g_autofree char *label = NULL;
  GMenuItem *item;

  if (!ws_environment_is_usable (environment, &reason))
    return g_menu_item_new (label = environment_label (environment, reason), NULL);

  label = environment_label (environment, NULL);
  item = g_menu_item_new (label, NULL);
  g_menu_item_set_action_and_target (item,
                                     ref_in (options->private_environments, ref)
                                     ? "app.open-private-window" : "app.open-environment",
                                     "s", ref);
  return item;
}

static char *
group_title (WsEnvironment *environment)
{
  g_autofree char *profile = escape_mnemonic (ws_environment_get_profile (environment));

  /* Translators: a menu group: "profile · region" */
  return g_strdup_printf (_("%s · %s"), profile, ws_environment_get_region (environment));
}

static gboolean
same_group (WsEnvironment *a,
            WsEnvironment *b)
{
  return g_strcmp0 (ws_environment_get_profile (a), ws_environment_get_profile (b)) == 0
         && g_strcmp0 (ws_environment_get_region (a), ws_environment_get_region (b)) == 0;
}

/* Favourites first, then recent ones, up to @limit. */
static GMenu *
build_top_section (GListModel                *environments,
                   const WindsockMenuOptions *options)
{
  const char * const *lists[] = { options->favourites, options->recent };
  g_autoptr(GHashTable) by_ref = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  g_autoptr(GHashTable) shown = g_hash_table_new (g_str_hash, g_str_equal);
  GMenu *section = g_menu_new ();
  guint n = g_list_model_get_n_items (environments);

  for (guint i = 0; i < n; i++)
    {
      WsEnvironment *environment = g_list_model_get_item (environments, i);

      g_hash_table_insert (by_ref, ws_environment_dup_ref (environment), environment);
    }

  for (gsize l = 0; l < G_N_ELEMENTS (lists); l++)
    for (guint r = 0; lists[l] != NULL && lists[l][r] != NULL; r++)
      {
        WsEnvironment *environment = g_hash_table_lookup (by_ref, lists[l][r]);
        g_autoptr(GMenuItem) item = NULL;

        if (environment == NULL || g_hash_table_contains (shown, lists[l][r])
            || g_hash_table_size (shown) >= options->limit)
          continue;
        item = environment_item (environment, options);
        g_menu_append_item (section, item);
        g_hash_table_add (shown, (gpointer) lists[l][r]);
      }

  return section;
}

/* Each profile/region group: a title row and its environments, or a
 * submenu when the catalog is too big for one level. */
static void
append_groups (GMenu                     *menu,
               GListModel                *environments,
               const WindsockMenuOptions *options,
               gboolean                   as_submenus)
{
  guint n = g_list_model_get_n_items (environments);
  g_autoptr(GMenu) group = NULL;
  g_autoptr(GMenu) submenus = as_submenus ? g_menu_new () : NULL;
  g_autofree char *title = NULL;

  for (guint i = 0; i <= n; i++)
    {
      g_autoptr(WsEnvironment) environment = i < n ? g_list_model_get_item (environments, i) : NULL;
      g_autoptr(WsEnvironment) previous = i > 0 ? g_list_model_get_item (environments, i - 1) : NULL;
      g_autoptr(GMenuItem) item = NULL;

      if (group != NULL && (environment == NULL || !same_group (previous, environment)))
        {
          if (as_submenus)
            g_menu_append_submenu (submenus, title, G_MENU_MODEL (group));
          else
            g_menu_append_section (menu, NULL, G_MENU_MODEL (group));
          g_clear_object (&group);
        }
      if (environment == NULL)
        break;
      if (group == NULL)
        {
          group = g_menu_new ();
          g_free (title);
          title = group_title (environment);
          if (!as_submenus)
            g_menu_append (group, title, NULL);
        }
      item = environment_item (environment, options);
      g_menu_append_item (group, item);
    }

  if (as_submenus)
    g_menu_append_section (menu, NULL, G_MENU_MODEL (submenus));
}

/* Per environment: the actions that are not the one-click open. */
static GMenuModel *
build_more_submenu (GListModel *environments)
{
  GMenu *more = g_menu_new ();
  guint n = g_list_model_get_n_items (environments);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(WsEnvironment) environment = g_list_model_get_item (environments, i);
      g_autofree char *ref = ws_environment_dup_ref (environment);
      g_autofree char *name = escape_mnemonic (ws_environment_get_name (environment));
      g_autofree char *title = NULL;
      g_autoptr(GMenu) actions = NULL;
      g_autoptr(GMenuItem) copy = NULL;
      g_autoptr(GMenuItem) private_window = NULL;

      if (!ws_environment_is_usable (environment, NULL))
        continue;

      actions = g_menu_new ();
      copy = g_menu_item_new (_("Copy sign-in link (valid 60 s)"), NULL);
      g_menu_item_set_action_and_target (copy, "app.copy-login-url", "s", ref);
      g_menu_append_item (actions, copy);
      private_window = g_menu_item_new (_("Open in private window"), NULL);
      g_menu_item_set_action_and_target (private_window, "app.open-private-window", "s", ref);
      g_menu_append_item (actions, private_window);

      /* Translators: a submenu per environment: "name (profile · region)" */
      title = g_strdup_printf (_("%s (%s · %s)"), name, ws_environment_get_profile (environment),
                               ws_environment_get_region (environment));
      g_menu_append_submenu (more, title, G_MENU_MODEL (actions));
    }

  return G_MENU_MODEL (more);
}

static char *
profile_problem_label (const WsCatalogProfile *profile)
{
  g_autofree char *name = escape_mnemonic (profile->name);

  /* Translators: a profile whose environments could not be listed: "profile: why" */
  return g_strdup_printf (_("%s: %s"), name, profile->error->message);
}

/* Profiles that failed: a "Sign in…" row where signing in fixes it, the
 * reason otherwise. */
static GMenu *
build_profiles_section (GPtrArray *profiles)
{
  GMenu *section = g_menu_new ();

  for (guint i = 0; profiles != NULL && i < profiles->len; i++)
    {
      const WsCatalogProfile *profile = g_ptr_array_index (profiles, i);
      g_autofree char *label = NULL;
      g_autoptr(GMenuItem) item = NULL;

      if (profile->error == NULL)
        continue;

      if (profile->uses_sso && g_error_matches (profile->error, WS_AWS_ERROR, WS_AWS_ERROR_SSO_LOGIN_REQUIRED))
        {
          g_autofree char *name = escape_mnemonic (profile->name);

          /* Translators: "Sign in to profile…" */
          label = g_strdup_printf (_("Sign in to %s…"), name);
          item = g_menu_item_new (label, NULL);
          g_menu_item_set_action_and_target (item, "app.sign-in", "s", profile->name);
        }
      else
        {
          label = profile_problem_label (profile);
          item = g_menu_item_new (label, NULL);
        }
      g_menu_append_item (section, item);
    }

  return section;
}

static GMenu *
build_app_section (const WindsockMenuOptions *options)
{
  GMenu *section = g_menu_new ();

  g_menu_append (section, _("_Find Environment…"), "app.show-picker");
  g_menu_append (section, options->refreshing ? _("Refreshing…") : _("_Refresh"), "app.refresh");
  g_menu_append (section, _("_Preferences…"), "app.preferences");
  g_menu_append (section, _("_Quit"), "app.quit");
  return section;
}

GMenuModel *
windsock_menu_build (GListModel                *environments,
                     GPtrArray                 *profiles,
                     const WindsockMenuOptions *options)
{
  GMenu *menu = g_menu_new ();
  guint n = g_list_model_get_n_items (environments);
  gboolean large = n > options->limit;
  g_autoptr(GMenu) profiles_section = build_profiles_section (profiles);
  g_autoptr(GMenu) app_section = build_app_section (options);

  if (options->config_error != NULL)
    {
      g_autoptr(GMenu) problem = g_menu_new ();
      g_autofree char *label = escape_mnemonic (options->config_error);

      g_menu_append (problem, label, NULL);
      g_menu_append_section (menu, NULL, G_MENU_MODEL (problem));
    }
  if (n == 0)
    g_menu_append (menu, options->refreshing ? _("Looking for environments…")
                                             : _("No environments found"), NULL);
  if (large)
    {
      g_autoptr(GMenu) top = build_top_section (environments, options);

      g_menu_append_section (menu, NULL, G_MENU_MODEL (top));
    }
  append_groups (menu, environments, options, large);

  if (n > 0)
    {
      g_autoptr(GMenuModel) more = build_more_submenu (environments);
      g_autoptr(GMenu) more_section = g_menu_new ();

      if (g_menu_model_get_n_items (more) > 0)
        {
          g_menu_append_submenu (more_section, _("Copy Link or Open Privately"), more);
          g_menu_append_section (menu, NULL, G_MENU_MODEL (more_section));
        }
    }
  g_menu_append_section (menu, NULL, G_MENU_MODEL (profiles_section));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (app_section));

  return G_MENU_MODEL (menu);
}

static GStrv
settings_strv (GSettings  *settings,
               const char *key)
{
  return settings != NULL ? g_settings_get_strv (settings, key) : NULL;
}

static gboolean
rebuild (gpointer user_data)
{
  WindsockMenu *self = user_data;
  g_auto(GStrv) favourites = settings_strv (self->settings, "favourites");
  g_auto(GStrv) recent = settings_strv (self->settings, "recent");
  g_auto(GStrv) private_environments = settings_strv (self->settings, "private-environments");
  WindsockMenuOptions options = {
    .favourites = (const char * const *) favourites,
    .recent = (const char * const *) recent,
    .private_environments = (const char * const *) private_environments,
    .limit = self->settings != NULL ? g_settings_get_uint (self->settings, "menu-limit") : 12,
    .refreshing = ws_catalog_get_refreshing (self->catalog),
    .config_error = self->config_error,
  };

  self->rebuild_id = 0;
  g_clear_object (&self->model);
  self->model = windsock_menu_build (G_LIST_MODEL (self->catalog),
                                     ws_catalog_get_profiles (self->catalog), &options);
  g_signal_emit (self, signals[CHANGED], 0);

  return G_SOURCE_REMOVE;
}

/* Many changes arrive together (a discovery updates every row): one
 * rebuild for all of them. */
static void
queue_rebuild (WindsockMenu *self)
{
  if (self->rebuild_id == 0)
    self->rebuild_id = g_idle_add (rebuild, self);
}

static void
on_items_changed (GListModel   *model,
                  guint         position,
                  guint         removed,
                  guint         added,
                  WindsockMenu *self)
{
  queue_rebuild (self);
}

static void
windsock_menu_dispose (GObject *object)
{
  WindsockMenu *self = WINDSOCK_MENU (object);

  g_clear_handle_id (&self->rebuild_id, g_source_remove);
  if (self->catalog != NULL)
    g_signal_handlers_disconnect_by_data (self->catalog, self);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->catalog);
  g_clear_object (&self->settings);
  g_clear_object (&self->model);
  g_clear_pointer (&self->config_error, g_free);

  G_OBJECT_CLASS (windsock_menu_parent_class)->dispose (object);
}

static void
windsock_menu_class_init (WindsockMenuClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = windsock_menu_dispose;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
windsock_menu_init (WindsockMenu *self)
{
}

WindsockMenu *
windsock_menu_new (WsCatalog *catalog,
                   GSettings *settings)
{
  WindsockMenu *self;

  g_return_val_if_fail (WS_IS_CATALOG (catalog), NULL);

  self = g_object_new (WINDSOCK_TYPE_MENU, NULL);
  self->catalog = g_object_ref (catalog);
  self->settings = settings != NULL ? g_object_ref (settings) : NULL;

  /* Status and version changes of a row notify on the environment, not the
   * list: profiles-changed, at the end of each discovery, covers them. */
  g_signal_connect (catalog, "items-changed", G_CALLBACK (on_items_changed), self);
  g_signal_connect_swapped (catalog, "profiles-changed", G_CALLBACK (queue_rebuild), self);
  g_signal_connect_swapped (catalog, "notify::refreshing", G_CALLBACK (queue_rebuild), self);
  if (settings != NULL)
    g_signal_connect_swapped (settings, "changed", G_CALLBACK (queue_rebuild), self);

  rebuild (self);
  return self;
}

GMenuModel *
windsock_menu_get_model (WindsockMenu *self)
{
  g_return_val_if_fail (WINDSOCK_IS_MENU (self), NULL);

  return self->model;
}

void
windsock_menu_set_config_error (WindsockMenu *self,
                                const char   *message)
{
  g_return_if_fail (WINDSOCK_IS_MENU (self));

  if (g_strcmp0 (self->config_error, message) == 0)
    return;
  g_free (self->config_error);
  self->config_error = g_strdup (message);
  queue_rebuild (self);
}
