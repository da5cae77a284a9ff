/* test-menu.c — the tray menu built from a catalog (pure: no bus, no AWS)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "windsock-menu.h"
#include "ws-aws-error.h"

typedef struct
{
  GMenuModel *model;
  int         index;
} Found;

/* Depth-first through sections and submenus: the first item whose label
 * contains @part. */
static gboolean
find_item (GMenuModel *model,
           const char *part,
           Found      *found)
{
  for (int i = 0; i < g_menu_model_get_n_items (model); i++)
    {
      g_autofree char *label = NULL;
      const char *links[] = { G_MENU_LINK_SECTION, G_MENU_LINK_SUBMENU };

      if (g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_LABEL, "s", &label)
          && strstr (label, part) != NULL)
        {
          found->model = model;
          found->index = i;
          return TRUE;
        }
      for (gsize l = 0; l < G_N_ELEMENTS (links); l++)
        {
          g_autoptr(GMenuModel) linked = g_menu_model_get_item_link (model, i, links[l]);

          if (linked != NULL && find_item (linked, part, found))
            return TRUE;
        }
    }
  return FALSE;
}

static Found
must_find (GMenuModel *model,
           const char *part)
{
  Found found = { NULL, -1 };

  if (!find_item (model, part, &found))
    g_error ("no menu item contains “%s”", part);
  return found;
}

static char *
item_string (Found       found,
             const char *attribute)
{
  char *value = NULL;

  g_menu_model_get_item_attribute (found.model, found.index, attribute, "s", &value);
  return value;
}

static void
assert_action (GMenuModel *model,
               const char *label_part,
               const char *action,
               const char *target)
{
  Found found = must_find (model, label_part);
  g_autofree char *found_action = item_string (found, G_MENU_ATTRIBUTE_ACTION);
  g_autoptr(GVariant) found_target = g_menu_model_get_item_attribute_value (found.model, found.index,
                                                                            G_MENU_ATTRIBUTE_TARGET,
                                                                            G_VARIANT_TYPE_STRING);

  g_assert_cmpstr (found_action, ==, action);
  if (target == NULL)
    g_assert_null (found_target);
  else
    g_assert_cmpstr (g_variant_get_string (found_target, NULL), ==, target);
}

static void
add_environment (GListStore *store,
                 const char *profile,
                 const char *region,
                 const char *name,
                 const char *status)
{
  WsMwaaEnvironment mwaa = {
    .name = (char *) name,
    .status = (char *) status,
    .airflow_version = (char *) "2.10.3",
    .webserver_hostname = (char *) "host.example.test",
  };
  g_autoptr(WsEnvironment) environment = ws_environment_new_from_mwaa (profile, region, &mwaa);

  g_list_store_append (store, environment);
}

static GListStore *
small_catalog (void)
{
  GListStore *store = g_list_store_new (WS_TYPE_ENVIRONMENT);

  add_environment (store, "default", "eu-west-1", "analytics", "AVAILABLE");
  add_environment (store, "default", "eu-west-1", "building", "CREATING");
  add_environment (store, "prod", "us-east-1", "etl_main", "UPDATING");
  return store;
}

static GMenuModel *
build (GListStore                *store,
       GPtrArray                 *profiles,
       const WindsockMenuOptions *options)
{
  WindsockMenuOptions defaults = { .limit = 12 };

  return windsock_menu_build (G_LIST_MODEL (store), profiles, options ? options : &defaults);
}

static void
test_groups_and_rows (void)
{
  g_autoptr(GListStore) store = small_catalog ();
  g_autoptr(GMenuModel) menu = build (store, NULL, NULL);
  Found title;

  /* A disabled title row per profile and region, then one-click rows. */
  title = must_find (menu, "default · eu-west-1");
  g_assert_null (item_string (title, G_MENU_ATTRIBUTE_ACTION));
  must_find (menu, "prod · us-east-1");
  assert_action (menu, "analytics — Available · Airflow 2.10.3", "app.open-environment",
                 "default/eu-west-1/analytics");
  /* Names keep their underscores on screen: escaped from mnemonics. */
  assert_action (menu, "etl__main — Updating", "app.open-environment", "prod/us-east-1/etl_main");
}

static void
test_unusable_row_disabled_with_reason (void)
{
  g_autoptr(GListStore) store = small_catalog ();
  g_autoptr(GMenuModel) menu = build (store, NULL, NULL);
  g_autofree char *reason = NULL;
  g_autofree char *expected = NULL;
  Found found;

  g_assert_false (ws_environment_status_is_usable ("CREATING", &reason));
  expected = g_strdup_printf ("building — %s", reason);
  found = must_find (menu, expected);
  g_assert_null (item_string (found, G_MENU_ATTRIBUTE_ACTION));
  /* No per-environment actions for it either. */
  g_assert_false (find_item (menu, "building (default", &found));
}

static void
test_private_environment (void)
{
  g_autoptr(GListStore) store = small_catalog ();
  const char *private_environments[] = { "default/eu-west-1/analytics", NULL };
  WindsockMenuOptions options = { .limit = 12, .private_environments = private_environments };
  g_autoptr(GMenuModel) menu = build (store, NULL, &options);

  assert_action (menu, "analytics — Available", "app.open-private-window", "default/eu-west-1/analytics");
}

static void
test_more_actions (void)
{
  g_autoptr(GListStore) store = small_catalog ();
  g_autoptr(GMenuModel) menu = build (store, NULL, NULL);
  Found more = must_find (menu, "Copy Link or Open Privately");
  g_autoptr(GMenuModel) submenu = g_menu_model_get_item_link (more.model, more.index, G_MENU_LINK_SUBMENU);
  Found environment;
  g_autoptr(GMenuModel) actions = NULL;

  g_assert_nonnull (submenu);
  environment = must_find (submenu, "analytics (default · eu-west-1)");
  actions = g_menu_model_get_item_link (environment.model, environment.index, G_MENU_LINK_SUBMENU);
  assert_action (actions, "Copy sign-in link (valid 60 s)", "app.copy-login-url", "default/eu-west-1/analytics");
  assert_action (actions, "Open in private window", "app.open-private-window", "default/eu-west-1/analytics");
}

static void
test_app_section (void)
{
  g_autoptr(GListStore) store = small_catalog ();
  g_autoptr(GMenuModel) menu = build (store, NULL, NULL);

  assert_action (menu, "Find Environment", "app.show-picker", NULL);
  assert_action (menu, "Refresh", "app.refresh", NULL);
  assert_action (menu, "Preferences", "app.preferences", NULL);
  assert_action (menu, "Quit", "app.quit", NULL);
}

static void
profile_free (WsCatalogProfile *profile)
{
  g_free (profile->name);
  g_clear_error (&profile->error);
  g_free (profile);
}

static void
add_profile (GPtrArray  *profiles,
             const char *name,
             gboolean    uses_sso,
             WsAwsError  code,
             const char *message)
{
  WsCatalogProfile *profile = g_new0 (WsCatalogProfile, 1);

  profile->name = g_strdup (name);
  profile->uses_sso = uses_sso;
  if (message != NULL)
    profile->error = g_error_new_literal (WS_AWS_ERROR, code, message);
  g_ptr_array_add (profiles, profile);
}

/* An SSO profile without a token gets "Sign in…"; other failures say why,
 * disabled; healthy profiles add nothing. */
static void
test_profile_rows (void)
{
  g_autoptr(GListStore) store = small_catalog ();
  g_autoptr(GPtrArray) profiles = g_ptr_array_new_with_free_func ((GDestroyNotify) profile_free);
  g_autoptr(GMenuModel) menu = NULL;
  Found denied;
  Found found;

  add_profile (profiles, "default", FALSE, 0, NULL);
  add_profile (profiles, "sso_dev", TRUE, WS_AWS_ERROR_SSO_LOGIN_REQUIRED, "The SSO session has expired.");
  add_profile (profiles, "audit", FALSE, WS_AWS_ERROR_ACCESS_DENIED, "No permission to list environments.");
  menu = build (store, profiles, NULL);

  assert_action (menu, "Sign in to sso__dev…", "app.sign-in", "sso_dev");
  denied = must_find (menu, "audit: No permission to list environments.");
  g_assert_null (item_string (denied, G_MENU_ATTRIBUTE_ACTION));
  g_assert_false (find_item (menu, "default: ", &found));
}

static void
test_empty (void)
{
  g_autoptr(GListStore) store = g_list_store_new (WS_TYPE_ENVIRONMENT);
  WindsockMenuOptions refreshing = { .limit = 12, .refreshing = TRUE };
  g_autoptr(GMenuModel) idle = build (store, NULL, NULL);
  g_autoptr(GMenuModel) busy = build (store, NULL, &refreshing);
  Found found;

  must_find (idle, "No environments found");
  must_find (busy, "Looking for environments");
  must_find (busy, "Refreshing");
  g_assert_false (find_item (idle, "Copy Link", &found));
}

/* A config file that cannot be read: said first, disabled. */
static void
test_config_error (void)
{
  g_autoptr(GListStore) store = small_catalog ();
  WindsockMenuOptions options = { .limit = 12, .config_error = "/home/me/.aws/config, line 3: no “]”" };
  g_autoptr(GMenuModel) menu = build (store, NULL, &options);
  g_autoptr(GMenuModel) first = g_menu_model_get_item_link (menu, 0, G_MENU_LINK_SECTION);
  g_autofree char *label = NULL;
  g_autofree char *action = NULL;

  g_assert_nonnull (first);
  g_assert_true (g_menu_model_get_item_attribute (first, 0, G_MENU_ATTRIBUTE_LABEL, "s", &label));
  g_assert_cmpstr (label, ==, "/home/me/.aws/config, line 3: no “]”");
  g_assert_false (g_menu_model_get_item_attribute (first, 0, G_MENU_ATTRIBUTE_ACTION, "s", &action));
}

/* Over the limit: favourites then recent ones at the top level (up to the
 * limit), every group in its own submenu. */
static void
test_large_catalog (void)
{
  g_autoptr(GListStore) store = g_list_store_new (WS_TYPE_ENVIRONMENT);
  const char *favourites[] = { "p1/eu-west-1/env-07", NULL };
  const char *recent[] = { "p2/eu-west-1/env-03", "p1/eu-west-1/env-07", "p3/eu-west-1/env-01", NULL };
  WindsockMenuOptions options = { .limit = 2, .favourites = favourites, .recent = recent };
  g_autoptr(GMenuModel) menu = NULL;
  g_autoptr(GMenuModel) top = NULL;
  g_autoptr(GMenuModel) groups = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  for (int p = 1; p <= 3; p++)
    for (int e = 1; e <= 8; e++)
      {
        g_autofree char *profile = g_strdup_printf ("p%d", p);
        g_autofree char *name = g_strdup_printf ("env-%02d", e);

        add_environment (store, profile, "eu-west-1", name, "AVAILABLE");
      }
  menu = build (store, NULL, &options);

  top = g_menu_model_get_item_link (menu, 0, G_MENU_LINK_SECTION);
  g_assert_cmpint (g_menu_model_get_n_items (top), ==, 2);
  g_menu_model_get_item_attribute (top, 0, G_MENU_ATTRIBUTE_TARGET, "s", &first);
  g_menu_model_get_item_attribute (top, 1, G_MENU_ATTRIBUTE_TARGET, "s", &second);
  g_assert_cmpstr (first, ==, "p1/eu-west-1/env-07");
  g_assert_cmpstr (second, ==, "p2/eu-west-1/env-03");

  groups = g_menu_model_get_item_link (menu, 1, G_MENU_LINK_SECTION);
  g_assert_cmpint (g_menu_model_get_n_items (groups), ==, 3);
  for (int i = 0; i < 3; i++)
    {
      g_autoptr(GMenuModel) submenu = g_menu_model_get_item_link (groups, i, G_MENU_LINK_SUBMENU);

      g_assert_nonnull (submenu);
      g_assert_cmpint (g_menu_model_get_n_items (submenu), ==, 8);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/menu/groups-and-rows", test_groups_and_rows);
  g_test_add_func ("/menu/unusable-row", test_unusable_row_disabled_with_reason);
  g_test_add_func ("/menu/private-environment", test_private_environment);
  g_test_add_func ("/menu/more-actions", test_more_actions);
  g_test_add_func ("/menu/app-section", test_app_section);
  g_test_add_func ("/menu/profile-rows", test_profile_rows);
  g_test_add_func ("/menu/empty", test_empty);
  g_test_add_func ("/menu/large-catalog", test_large_catalog);
  g_test_add_func ("/menu/config-error", test_config_error);

  return g_test_run ();
}
