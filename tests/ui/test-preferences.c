/* test-preferences.c — the Preferences window in-process: what it shows
 * and what it writes, the profiles' Test against a fake AWS and the Sign
 * In button against a fake service; and the process, closed from the
 * keyboard
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include <glib/gstdio.h>

#include "windsock-mfa-window.h"
#include "windsock-preferences-window.h"
#include "windsock-profile-row.h"
#include "ws-fake-aws.h"
#include "ws-fake-service.h"
#include "ws-sso-cache.h"
#include "ws-test-util.h"
#include "ws-ui-test-util.h"

#define TEST_BROWSER_ID "windsock-test-browser.desktop"
#define TEST_FIREFOX_ID "windsock-test-firefox.desktop"

static const char config_text[] =
  "[default]\n"
  "region = eu-west-1\n"
  "\n"
  "[profile data]\n"
  "region = us-east-1\n"
  "\n"
  "[profile ml]\n"
  "region = eu-central-1\n";

/* One profile per credential source the Test button tells apart. */
static const char credentials_config_text[] =
  "[default]\n"
  "region = eu-west-1\n"
  "\n"
  "[profile static]\n"
  "region = eu-west-1\n"
  "\n"
  "[profile sso]\n"
  "sso_session = corp\n"
  "sso_account_id = 111122223333\n"
  "sso_role_name = Admin\n"
  "region = eu-west-1\n"
  "\n"
  "[profile broken]\n"
  "credential_process = /bin/ls /nonexistent-windsock-test\n"
  "region = eu-west-1\n"
  "\n"
  "[profile mfa]\n"
  "role_arn = arn:aws:iam::111122223333:role/Admin\n"
  "source_profile = static\n"
  "mfa_serial = arn:aws:iam::111122223333:mfa/me\n"
  "\n"
  "[sso-session corp]\n"
  "sso_start_url = https://corp.awsapps.com/start\n"
  "sso_region = us-east-1\n";

static const char credentials_text[] =
  "[static]\n"
  "aws_access_key_id = AKIASTATICKEY\n"
  "aws_secret_access_key = static/secret\n";

static const char malformed_config_text[] =
  "[default]\n"
  "region = eu-west-1\n"
  "this line is no setting\n";

typedef struct
{
  char      *home;
  char      *cache_path;
  GStrv      environ;
  GSettings *settings;
  WsFakeAws *fake;
  guint      changes;   /* settings writes since the window opened */
  GtkWidget *window;    /* weak */
} Fixture;

static gpointer
template_child (Fixture    *fixture,
                const char *name)
{
  return gtk_widget_get_template_child (fixture->window, WINDSOCK_TYPE_PREFERENCES_WINDOW, name);
}

static gboolean
window_mapped (gpointer data)
{
  Fixture *fixture = data;

  return gtk_widget_get_mapped (fixture->window);
}

static void
on_settings_changed (Fixture *fixture)
{
  fixture->changes++;
}

static char *
dup_autostart_path (Fixture *fixture)
{
  return g_build_filename (fixture->home, "config", "autostart", "io.github.windsock.Windsock.desktop", NULL);
}

/* @data: the text of ~/.aws/config */
static void
setup (Fixture       *fixture,
       gconstpointer  data)
{
  const char *keys[] = { "profiles", "extra-regions", "pinned-environments", "browser", "menu-limit",
                         "stale-after", "private-environments" };
  g_autofree char *config_path = NULL;
  g_autofree char *credentials_path = NULL;
  g_autofree char *config_home = NULL;

  fixture->home = ws_test_isolate ("test-preferences");
  config_path = g_build_filename (fixture->home, ".aws", "config", NULL);
  ws_test_write_file (config_path, data, -1, 0600);
  credentials_path = g_build_filename (fixture->home, ".aws", "credentials", NULL);
  if (data == credentials_config_text)
    ws_test_write_file (credentials_path, credentials_text, -1, 0600);
  fixture->cache_path = g_build_filename (fixture->home, "cache", "catalog.json", NULL);
  config_home = g_build_filename (fixture->home, "config", NULL);
  fixture->fake = ws_fake_aws_new ();
  fixture->environ = g_environ_setenv (g_get_environ (), "XDG_CONFIG_HOME", config_home, TRUE);
  fixture->environ = g_environ_setenv (fixture->environ, "AWS_ENDPOINT_URL", ws_fake_aws_get_url (fixture->fake), TRUE);
  fixture->environ = g_environ_setenv (fixture->environ, "AWS_DISABLE_HOST_PREFIX_INJECTION", "true", TRUE);

  fixture->settings = g_settings_new ("io.github.windsock.Windsock");
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_settings_reset (fixture->settings, keys[i]);
  g_signal_connect_swapped (fixture->settings, "changed", G_CALLBACK (on_settings_changed), fixture);
}

static void
show_window (Fixture *fixture)
{
  fixture->window = g_object_new (WINDSOCK_TYPE_PREFERENCES_WINDOW,
                                  "settings", fixture->settings,
                                  "environ", fixture->environ,
                                  "cache-path", fixture->cache_path,
                                  NULL);
  g_object_add_weak_pointer (G_OBJECT (fixture->window), (gpointer *) &fixture->window);
  gtk_window_present (GTK_WINDOW (fixture->window));
  ws_ui_wait_until (window_mapped, fixture);
}

static void
teardown (Fixture       *fixture,
          gconstpointer  data)
{
  if (fixture->window != NULL)
    {
      gtk_window_destroy (GTK_WINDOW (fixture->window));
      ws_ui_wait_for_finalize ((gpointer *) &fixture->window);
    }
  g_clear_object (&fixture->settings);
  g_clear_object (&fixture->fake);
  /* Lets the closed keep-alive connections be freed. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_strfreev (fixture->environ);
  ws_test_remove_tree (fixture->home);
  g_free (fixture->cache_path);
  g_free (fixture->home);
}

static void
assert_strv (GSettings          *settings,
             const char         *key,
             const char * const *expected)
{
  g_auto(GStrv) values = g_settings_get_strv (settings, key);

  g_assert_cmpstrv (values, expected);
}

static void
assert_browser (Fixture    *fixture,
                const char *expected)
{
  g_autofree char *browser = g_settings_get_string (fixture->settings, "browser");

  g_assert_cmpstr (browser, ==, expected);
}

/* Clicks the Add button after @entry. */
static void
click_add (Fixture    *fixture,
           const char *entry)
{
  GtkWidget *button = gtk_widget_get_next_sibling (template_child (fixture, entry));

  g_assert_true (GTK_IS_BUTTON (button));
  g_signal_emit_by_name (button, "clicked");
}

static void
type_text (Fixture    *fixture,
           const char *entry,
           const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (template_child (fixture, entry)), text);
}

/* The rows' text, comma-separated: a profile's name, or the first label
 * of a list value's row. */
static char *
dup_rows (Fixture    *fixture,
          const char *list_name)
{
  GtkListBox *list = template_child (fixture, list_name);
  g_autoptr(GString) text = g_string_new (NULL);
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (list, i)) != NULL; i++)
    {
      GtkWidget *child = gtk_list_box_row_get_child (row);
      const char *label;

      if (WINDSOCK_IS_PROFILE_ROW (row))
        label = windsock_profile_row_get_name (WINDSOCK_PROFILE_ROW (row));
      else
        label = gtk_label_get_label (GTK_LABEL (gtk_widget_get_first_child (gtk_widget_get_first_child (child))));
      g_string_append_printf (text, "%s%s", i > 0 ? "," : "", label);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static gpointer
row_child (gpointer    row,
           const char *name)
{
  return gtk_widget_get_template_child (row, WINDSOCK_TYPE_PROFILE_ROW, name);
}

static GtkCheckButton *
profile_check (Fixture *fixture,
               int      index)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (template_child (fixture, "profiles_list"), index);

  g_assert_nonnull (row);
  return row_child (row, "check");
}

static GtkWidget *
find_profile_row (Fixture    *fixture,
                  const char *name)
{
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (template_child (fixture, "profiles_list"), i)) != NULL; i++)
    if (g_str_equal (windsock_profile_row_get_name (WINDSOCK_PROFILE_ROW (row)), name))
      return GTK_WIDGET (row);
  return NULL;
}

static GtkWidget *
profile_row (Fixture    *fixture,
             const char *name)
{
  GtkWidget *row = find_profile_row (fixture, name);

  g_assert_nonnull (row);
  return row;
}

/* The remove button of a list value's row. */
static GtkWidget *
remove_button (Fixture    *fixture,
               const char *list_name,
               int         index)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (template_child (fixture, list_name), index);

  g_assert_nonnull (row);
  return gtk_widget_get_last_child (gtk_list_box_row_get_child (row));
}

static gboolean
is_visible (Fixture    *fixture,
            const char *name)
{
  return gtk_widget_get_visible (template_child (fixture, name));
}

static guint
dropdown_index (GtkDropDown *dropdown,
                const char  *label)
{
  GListModel *model = gtk_drop_down_get_model (dropdown);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (model, i);

      if (g_str_equal (gtk_string_object_get_string (item), label))
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

static void
test_profiles_listed (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *rows = NULL;
  GtkDropDown *pinned_profile;
  g_autoptr(GtkStringObject) first = NULL;

  show_window (fixture);
  rows = dup_rows (fixture, "profiles_list");
  g_assert_cmpstr (rows, ==, "default,data,ml");
  g_assert_true (gtk_switch_get_active (template_child (fixture, "all_profiles_switch")));
  /* Every profile is listed, to be tested; none is to be checked. */
  g_assert_true (is_visible (fixture, "profiles_list"));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (profile_check (fixture, 0))));
  g_assert_false (is_visible (fixture, "profiles_hint"));
  g_assert_false (is_visible (fixture, "config_error_label"));

  /* A pinned environment's profile: the default one first. */
  pinned_profile = template_child (fixture, "pinned_profile_dropdown");
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (pinned_profile)), ==, 3);
  first = g_list_model_get_item (gtk_drop_down_get_model (pinned_profile), 0);
  g_assert_cmpstr (gtk_string_object_get_string (first), ==, "default");

  /* Opening the window changes nothing. */
  g_assert_cmpuint (fixture->changes, ==, 0);
}

static void
test_profiles_chosen (Fixture       *fixture,
                      gconstpointer  data)
{
  GtkSwitch *all = NULL;

  show_window (fixture);
  all = template_child (fixture, "all_profiles_switch");

  /* Off, nothing is checked yet: still every profile. */
  gtk_switch_set_active (all, FALSE);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (profile_check (fixture, 1))));
  g_assert_true (is_visible (fixture, "profiles_hint"));
  assert_strv (fixture->settings, "profiles", (const char *[]) { NULL });

  gtk_check_button_set_active (profile_check (fixture, 1), TRUE);
  assert_strv (fixture->settings, "profiles", (const char *[]) { "data", NULL });
  gtk_check_button_set_active (profile_check (fixture, 2), TRUE);
  assert_strv (fixture->settings, "profiles", (const char *[]) { "data", "ml", NULL });
  gtk_check_button_set_active (profile_check (fixture, 1), FALSE);
  assert_strv (fixture->settings, "profiles", (const char *[]) { "ml", NULL });

  /* On again: all of them. */
  gtk_switch_set_active (all, TRUE);
  assert_strv (fixture->settings, "profiles", (const char *[]) { NULL });
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (profile_check (fixture, 2))));
  g_assert_false (gtk_check_button_get_active (profile_check (fixture, 2)));

  /* Changed elsewhere (gsettings set): the window follows. */
  g_settings_set_strv (fixture->settings, "profiles", (const char *[]) { "default", NULL });
  g_assert_false (gtk_switch_get_active (all));
  g_assert_true (gtk_check_button_get_active (profile_check (fixture, 0)));
  g_assert_false (gtk_check_button_get_active (profile_check (fixture, 1)));
}

static void
test_regions (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *rows = NULL;
  guint changes;

  show_window (fixture);
  type_text (fixture, "region_entry", " eu-west-3 ");
  click_add (fixture, "region_entry");
  assert_strv (fixture->settings, "extra-regions", (const char *[]) { "eu-west-3", NULL });
  g_assert_cmpstr (gtk_editable_get_text (template_child (fixture, "region_entry")), ==, "");
  type_text (fixture, "region_entry", "ap-south-1");
  g_signal_emit_by_name (template_child (fixture, "region_entry"), "activate");
  rows = dup_rows (fixture, "regions_list");
  g_assert_cmpstr (rows, ==, "eu-west-3,ap-south-1");
  g_assert_false (is_visible (fixture, "region_error_label"));

  /* Not a region: said under the entry, nothing written. */
  changes = fixture->changes;
  type_text (fixture, "region_entry", "eu west 1");
  click_add (fixture, "region_entry");
  g_assert_true (is_visible (fixture, "region_error_label"));
  g_assert_nonnull (strstr (gtk_label_get_label (template_child (fixture, "region_error_label")), "eu west 1"));
  g_assert_cmpuint (fixture->changes, ==, changes);
  assert_strv (fixture->settings, "extra-regions", (const char *[]) { "eu-west-3", "ap-south-1", NULL });
  /* Typing on makes the error stale. */
  type_text (fixture, "region_entry", "eu-west-1");
  g_assert_false (is_visible (fixture, "region_error_label"));

  g_signal_emit_by_name (remove_button (fixture, "regions_list", 0), "clicked");
  assert_strv (fixture->settings, "extra-regions", (const char *[]) { "ap-south-1", NULL });
  g_free (rows);
  rows = dup_rows (fixture, "regions_list");
  g_assert_cmpstr (rows, ==, "ap-south-1");
}

static void
test_pinned (Fixture       *fixture,
             gconstpointer  data)
{
  GtkDropDown *profile;
  g_autofree char *rows = NULL;
  guint changes;

  show_window (fixture);
  profile = template_child (fixture, "pinned_profile_dropdown");
  gtk_drop_down_set_selected (profile, dropdown_index (profile, "data"));
  type_text (fixture, "pinned_region_entry", "us-east-1");
  type_text (fixture, "pinned_name_entry", "etl-prod");
  click_add (fixture, "pinned_name_entry");
  assert_strv (fixture->settings, "pinned-environments", (const char *[]) { "data/us-east-1/etl-prod", NULL });
  rows = dup_rows (fixture, "pinned_list");
  g_assert_cmpstr (rows, ==, "etl-prod");

  /* A name MWAA would refuse: nothing written. */
  changes = fixture->changes;
  type_text (fixture, "pinned_name_entry", "1-starts-with-a-digit");
  g_signal_emit_by_name (template_child (fixture, "pinned_name_entry"), "activate");
  g_assert_true (is_visible (fixture, "pinned_error_label"));
  g_assert_cmpuint (fixture->changes, ==, changes);
  /* Nor for a region that is none. */
  type_text (fixture, "pinned_name_entry", "etl-staging");
  g_assert_false (is_visible (fixture, "pinned_error_label"));
  type_text (fixture, "pinned_region_entry", "us_east_1");
  click_add (fixture, "pinned_name_entry");
  g_assert_true (is_visible (fixture, "pinned_error_label"));
  g_assert_cmpuint (fixture->changes, ==, changes);

  /* Nothing typed: the focus goes there, to type it. */
  type_text (fixture, "pinned_region_entry", " ");
  click_add (fixture, "pinned_name_entry");
  g_assert_true (gtk_window_get_focus (GTK_WINDOW (fixture->window)) ==
                 gtk_widget_get_first_child (template_child (fixture, "pinned_region_entry")));
  g_assert_false (is_visible (fixture, "pinned_error_label"));
  g_assert_cmpuint (fixture->changes, ==, changes);

  /* Removed from its row. */
  g_signal_emit_by_name (remove_button (fixture, "pinned_list", 0), "clicked");
  assert_strv (fixture->settings, "pinned-environments", (const char *[]) { NULL });
  g_free (rows);
  rows = dup_rows (fixture, "pinned_list");
  g_assert_cmpstr (rows, ==, "");
}

static void
test_browser (Fixture       *fixture,
              gconstpointer  data)
{
  GtkDropDown *browser;
  guint test_browser;

  show_window (fixture);
  browser = template_child (fixture, "browser_dropdown");
  g_assert_cmpuint (gtk_drop_down_get_selected (browser), ==, 0);
  g_assert_cmpuint (dropdown_index (browser, "Default browser"), ==, 0);
  test_browser = dropdown_index (browser, "Windsock Test Browser");
  g_assert_cmpuint (test_browser, !=, GTK_INVALID_LIST_POSITION);

  gtk_drop_down_set_selected (browser, test_browser);
  assert_browser (fixture, TEST_BROWSER_ID);
  gtk_drop_down_set_selected (browser, 0);
  assert_browser (fixture, "");

  /* One set elsewhere that is not installed is shown by its id. */
  g_settings_set_string (fixture->settings, "browser", "uninstalled.desktop");
  g_assert_cmpuint (gtk_drop_down_get_selected (browser), ==, dropdown_index (browser, "uninstalled.desktop"));
  assert_browser (fixture, "uninstalled.desktop");
}

static void
test_browser_kept (Fixture       *fixture,
                   gconstpointer  data)
{
  GtkDropDown *browser;
  guint test_browser;

  g_settings_set_string (fixture->settings, "browser", TEST_BROWSER_ID);
  fixture->changes = 0;
  show_window (fixture);
  browser = template_child (fixture, "browser_dropdown");
  test_browser = dropdown_index (browser, "Windsock Test Browser");
  g_assert_cmpuint (gtk_drop_down_get_selected (browser), ==, test_browser);
  assert_browser (fixture, TEST_BROWSER_ID);
  g_assert_cmpuint (fixture->changes, ==, 0);
}

static void
test_autostart (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *path = dup_autostart_path (fixture);
  GtkSwitch *autostart;

  show_window (fixture);
  autostart = template_child (fixture, "autostart_switch");
  g_assert_false (gtk_switch_get_active (autostart));

  gtk_switch_set_active (autostart, TRUE);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  gtk_switch_set_active (autostart, FALSE);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  /* An entry that is there shows as on. */
  gtk_switch_set_active (autostart, TRUE);
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  ws_ui_wait_for_finalize ((gpointer *) &fixture->window);
  show_window (fixture);
  g_assert_true (gtk_switch_get_active (template_child (fixture, "autostart_switch")));
  g_assert_false (is_visible (fixture, "autostart_error_label"));
}

static void
test_autostart_error (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *config_home = g_build_filename (fixture->home, "config", NULL);
  GtkSwitch *autostart;

  /* The autostart folder cannot be made where a file is. */
  ws_test_write_file (config_home, "", -1, 0600);
  show_window (fixture);
  autostart = template_child (fixture, "autostart_switch");
  gtk_switch_set_active (autostart, TRUE);
  g_assert_true (is_visible (fixture, "autostart_error_label"));
  g_assert_false (gtk_switch_get_active (autostart));
}

static void
test_menu_limit (Fixture       *fixture,
                 gconstpointer  data)
{
  GtkSpinButton *spin;

  show_window (fixture);
  spin = template_child (fixture, "menu_limit_spin");
  g_assert_cmpint (gtk_spin_button_get_value_as_int (spin), ==, 12);
  gtk_spin_button_set_value (spin, 20);
  g_assert_cmpuint (g_settings_get_uint (fixture->settings, "menu-limit"), ==, 20);
  g_settings_set_uint (fixture->settings, "menu-limit", 5);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (spin), ==, 5);

  /* Refresh after: minutes here, seconds in the key. */
  spin = template_child (fixture, "stale_after_spin");
  g_assert_cmpint (gtk_spin_button_get_value_as_int (spin), ==, 5);
  gtk_spin_button_set_value (spin, 15);
  g_assert_cmpuint (g_settings_get_uint (fixture->settings, "stale-after"), ==, 900);
  g_settings_set_uint (fixture->settings, "stale-after", 3600);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (spin), ==, 60);
  /* Under a minute shows as one. */
  g_settings_set_uint (fixture->settings, "stale-after", 30);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (spin), ==, 1);
}

static void
test_malformed_config (Fixture       *fixture,
                       gconstpointer  data)
{
  const char *message;
  GtkDropDown *pinned_profile;

  show_window (fixture);
  g_assert_true (is_visible (fixture, "config_error_label"));
  message = gtk_label_get_label (template_child (fixture, "config_error_label"));
  g_assert_nonnull (strstr (message, ".aws/config, line 3"));

  /* Not even with "All profiles" off is there a list to choose from. */
  gtk_switch_set_active (template_child (fixture, "all_profiles_switch"), FALSE);
  g_assert_false (is_visible (fixture, "profiles_list"));
  g_assert_false (is_visible (fixture, "profiles_hint"));

  /* Pinning still works, with the default profile. */
  pinned_profile = template_child (fixture, "pinned_profile_dropdown");
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (pinned_profile)), ==, 1);
  type_text (fixture, "pinned_region_entry", "eu-west-1");
  type_text (fixture, "pinned_name_entry", "analytics");
  click_add (fixture, "pinned_name_entry");
  assert_strv (fixture->settings, "pinned-environments", (const char *[]) { "default/eu-west-1/analytics", NULL });
}

/* Private window */

static GtkListBoxRow *
private_row (Fixture    *fixture,
             const char *name)
{
  GtkListBox *list = template_child (fixture, "private_list");
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (list, i)) != NULL; i++)
    {
      GtkWidget *labels = gtk_widget_get_first_child (gtk_list_box_row_get_child (row));

      if (g_str_equal (gtk_label_get_label (GTK_LABEL (gtk_widget_get_first_child (labels))), name))
        return row;
    }
  return NULL;
}

static GtkSwitch *
private_switch (Fixture    *fixture,
                const char *name)
{
  GtkListBoxRow *row = private_row (fixture, name);

  g_assert_nonnull (row);
  return GTK_SWITCH (gtk_widget_get_last_child (gtk_list_box_row_get_child (row)));
}

static void
test_private_environments (Fixture       *fixture,
                           gconstpointer  data)
{
  const char *cached[] = {
    "data/us-east-1/etl-prod/AVAILABLE/2.8.1/123456789012",
    "ml/eu-central-1/train/AVAILABLE/2.8.1/123456789012",
    NULL,
  };
  g_autofree char *rows = NULL;

  ws_ui_write_cache (fixture->cache_path, cached);
  g_settings_set_strv (fixture->settings, "pinned-environments", (const char *[]) { "default/eu-west-1/pinned-one", NULL });
  /* One no longer found anywhere still shows, to be switched off. */
  g_settings_set_strv (fixture->settings, "private-environments", (const char *[]) { "ml/eu-west-1/gone", NULL });
  fixture->changes = 0;
  show_window (fixture);
  rows = dup_rows (fixture, "private_list");
  g_assert_cmpstr (rows, ==, "etl-prod,train,pinned-one,gone");
  g_assert_false (gtk_switch_get_active (private_switch (fixture, "train")));
  g_assert_true (gtk_switch_get_active (private_switch (fixture, "gone")));
  g_assert_cmpuint (fixture->changes, ==, 0);

  /* The switch writes its membership… */
  gtk_switch_set_active (private_switch (fixture, "train"), TRUE);
  assert_strv (fixture->settings, "private-environments",
               (const char *[]) { "ml/eu-west-1/gone", "ml/eu-central-1/train", NULL });
  gtk_switch_set_active (private_switch (fixture, "gone"), FALSE);
  assert_strv (fixture->settings, "private-environments", (const char *[]) { "ml/eu-central-1/train", NULL });
  /* …and stays where it is. */
  g_assert_nonnull (private_row (fixture, "gone"));

  /* …and follows the key. */
  g_settings_set_strv (fixture->settings, "private-environments",
                       (const char *[]) { "default/eu-west-1/pinned-one", NULL });
  g_assert_true (gtk_switch_get_active (private_switch (fixture, "pinned-one")));
  g_assert_false (gtk_switch_get_active (private_switch (fixture, "train")));

  /* Pinned while open: listed at once. */
  type_text (fixture, "pinned_region_entry", "eu-west-1");
  type_text (fixture, "pinned_name_entry", "new-one");
  click_add (fixture, "pinned_name_entry");
  g_assert_nonnull (private_row (fixture, "new-one"));
  g_assert_false (gtk_switch_get_active (private_switch (fixture, "new-one")));
}

static void
test_private_note (Fixture       *fixture,
                   gconstpointer  data)
{
  GtkLabel *note;

  show_window (fixture);
  note = template_child (fixture, "private_note_label");

  /* "true" is no browser Windsock knows a private window option of. */
  g_settings_set_string (fixture->settings, "browser", TEST_BROWSER_ID);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (note)));
  g_assert_nonnull (strstr (gtk_label_get_label (note), "Windsock Test Browser"));

  g_settings_set_string (fixture->settings, "browser", TEST_FIREFOX_ID);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (note)));
}

/* Inside Flatpak (WINDSOCK_FLATPAK_INFO stands for /.flatpak-info) the
 * portal opens every page: no browser to choose, no private window. */
static void
test_private_note_flatpak (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *info = g_build_filename (fixture->home, "flatpak-info", NULL);
  GtkLabel *note;

  ws_test_write_file (info, "[Application]\nname=io.github.windsock.Windsock\n", -1, 0600);
  g_setenv ("WINDSOCK_FLATPAK_INFO", info, TRUE);
  g_settings_set_string (fixture->settings, "browser", TEST_FIREFOX_ID);
  show_window (fixture);
  g_unsetenv ("WINDSOCK_FLATPAK_INFO");

  note = template_child (fixture, "private_note_label");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (note)));
  g_assert_nonnull (strstr (gtk_label_get_label (note), "Flatpak"));
  g_assert_false (gtk_widget_get_sensitive (template_child (fixture, "browser_dropdown")));
}

/* Test, per profile */

static const char *
row_status (GtkWidget *row)
{
  return gtk_label_get_label (row_child (row, "status_label"));
}

static gboolean
row_tested (gpointer data)
{
  GtkWidget *row = data;

  return gtk_widget_get_sensitive (row_child (row, "test_button"));
}

/* Clicks Test, waits for the answer: the row. */
static GtkWidget *
test_profile (Fixture    *fixture,
              const char *name)
{
  GtkWidget *row = profile_row (fixture, name);

  g_signal_emit_by_name (row_child (row, "test_button"), "clicked");
  g_assert_true (gtk_spinner_get_spinning (row_child (row, "spinner")));
  g_assert_cmpstr (row_status (row), ==, "Testing…");
  ws_ui_wait_until (row_tested, row);
  g_assert_false (gtk_widget_get_visible (row_child (row, "spinner")));
  return row;
}

static void
test_describe_expiry (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_utc (2024, 1, 31, 12, 0, 0);
  const struct { GTimeSpan left; const char *text; } cases[] = {
    { -G_TIME_SPAN_SECOND, "expired" },
    { 30 * G_TIME_SPAN_SECOND, "expires in less than a minute" },
    { 5 * G_TIME_SPAN_MINUTE + 59 * G_TIME_SPAN_SECOND, "expires in 5 min" },
    { 8 * G_TIME_SPAN_HOUR, "expires in 8 h" },
    { 7 * G_TIME_SPAN_HOUR + 58 * G_TIME_SPAN_MINUTE, "expires in 7 h 58 min" },
    { 47 * G_TIME_SPAN_HOUR + 59 * G_TIME_SPAN_MINUTE, "expires in 47 h 59 min" },
    { 72 * G_TIME_SPAN_HOUR, "expires in 3 days" },
  };
  g_autofree char *none = windsock_profile_row_describe_expiry (NULL, now);

  g_assert_cmpstr (none, ==, "no expiry");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GDateTime) expiration = g_date_time_add (now, cases[i].left);
      g_autofree char *text = windsock_profile_row_describe_expiry (expiration, now);

      g_assert_cmpstr (text, ==, cases[i].text);
    }

  g_assert_cmpstr (windsock_profile_row_describe_source ("credentials file"), ==, "Static keys");
  g_assert_cmpstr (windsock_profile_row_describe_source ("SSO"), ==, "IAM Identity Center");
  g_assert_cmpstr (windsock_profile_row_describe_source ("assume role arn:aws:iam::1:role/x"), ==, "Assumed role");
  g_assert_cmpstr (windsock_profile_row_describe_source ("something new"), ==, "something new");
}

static void
test_credentials_static (Fixture       *fixture,
                         gconstpointer  data)
{
  GtkWidget *row;

  show_window (fixture);
  row = test_profile (fixture, "static");
  g_assert_cmpstr (row_status (row), ==, "Static keys · no expiry");
  g_assert_false (gtk_widget_get_visible (row_child (row, "detail_label")));
  g_assert_false (gtk_widget_get_visible (row_child (row, "sign_in_button")));
  /* No request at all: the keys are in the file. */
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, NULL, "/"), ==, 0);
}

/* A token the AWS CLI left in its cache, good for @lifetime. */
static void
write_sso_token (Fixture   *fixture,
                 GTimeSpan  lifetime)
{
  g_autofree char *name = ws_sso_cache_file_name ("corp");
  g_autofree char *path = g_build_filename (fixture->home, ".aws", "sso", "cache", name, NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) expires = g_date_time_add (now, lifetime);
  g_autofree char *expires_text = ws_sso_format_time (expires);
  g_autofree char *text = g_strdup_printf ("{\"startUrl\":\"https://corp.awsapps.com/start\","
                                           "\"region\":\"us-east-1\",\"accessToken\":\"sso-access-token\","
                                           "\"expiresAt\":\"%s\"}", expires_text);

  ws_test_write_file (path, text, -1, 0600);
}

static void
test_credentials_sso (Fixture       *fixture,
                      gconstpointer  data)
{
  /* The half minute keeps "8 h" however slow the machine. */
  gint64 expiration = (g_get_real_time () + 8 * G_TIME_SPAN_HOUR + 30 * G_TIME_SPAN_SECOND) / 1000;
  g_autofree char *answer = g_strdup_printf ("{\"roleCredentials\":{\"accessKeyId\":\"ASIASSOROLE\","
                                             "\"secretAccessKey\":\"sso/role/secret\","
                                             "\"sessionToken\":\"sso-session-token\","
                                             "\"expiration\":%" G_GINT64_FORMAT "}}", expiration);
  GtkWidget *row;

  write_sso_token (fixture, 8 * G_TIME_SPAN_HOUR);
  ws_fake_aws_push_response (fixture->fake, "GET", "/federation/credentials", 200, NULL,
                             "application/json", answer);
  show_window (fixture);
  row = test_profile (fixture, "sso");
  g_assert_cmpstr (row_status (row), ==, "IAM Identity Center · expires in 8 h");
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, "GET", "/federation/credentials"), ==, 1);
  g_assert_false (gtk_widget_get_visible (row_child (row, "sign_in_button")));
}

static gboolean
service_called (gpointer data)
{
  return ws_fake_service_get_calls (data)->len > 0;
}

static void
test_credentials_sign_in (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(WsFakeService) service = ws_fake_service_new ();
  GVariant *platform_data;
  const char *token = NULL;
  GtkWidget *row;
  GtkWidget *sign_in;
  GtkStack *stack;

  /* Expired an hour ago, and no refresh token. */
  write_sso_token (fixture, -G_TIME_SPAN_HOUR);
  show_window (fixture);
  row = test_profile (fixture, "sso");
  g_assert_cmpstr (row_status (row), ==, "Sign-in needed");
  sign_in = row_child (row, "sign_in_button");
  g_assert_true (gtk_widget_get_visible (sign_in));
  g_assert_false (gtk_widget_has_css_class (row_child (row, "status_label"), "profile-error"));
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, NULL, "/"), ==, 0);

  /* The service signs in (its browser hand-off, its notifications). */
  g_signal_emit_by_name (sign_in, "clicked");
  ws_ui_wait_until (service_called, service);
  g_assert_cmpstr (g_ptr_array_index (ws_fake_service_get_calls (service), 0), ==, "sign-in sso");
  /* With a token, for the browser the service opens to come to the front. */
  platform_data = ws_fake_service_get_platform_data (service);
  g_assert_nonnull (platform_data);
  g_assert_true (g_variant_lookup (platform_data, "activation-token", "&s", &token));
  g_assert_cmpstr (token, !=, "");
  g_assert_true (gtk_widget_get_visible (row_child (row, "detail_label")));

  /* Testing again starts afresh. */
  row = test_profile (fixture, "sso");
  g_assert_cmpstr (row_status (row), ==, "Sign-in needed");
  ws_ui_save_screenshot (fixture->window, "preferences-sign-in-needed");

  /* The other pages, as drawn. */
  stack = GTK_STACK (gtk_widget_get_ancestor (template_child (fixture, "private_list"), GTK_TYPE_STACK));
  gtk_stack_set_visible_child_name (stack, "environments");
  ws_ui_save_screenshot (fixture->window, "preferences-environments");
  gtk_stack_set_visible_child_name (stack, "general");
  ws_ui_save_screenshot (fixture->window, "preferences-general");
}

typedef struct
{
  GtkWidget  *row;
  const char *status;
} StatusWait;

static gboolean
status_is (gpointer data)
{
  StatusWait *wait = data;

  return g_str_equal (row_status (wait->row), wait->status);
}

/* Signed in by the service: the row tests again by itself when the
 * token lands in the cache. */
static void
test_credentials_signed_in (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(WsFakeService) service = ws_fake_service_new ();
  gint64 expiration = (g_get_real_time () + 8 * G_TIME_SPAN_HOUR + 30 * G_TIME_SPAN_SECOND) / 1000;
  g_autofree char *answer = g_strdup_printf ("{\"roleCredentials\":{\"accessKeyId\":\"ASIASSOROLE\","
                                             "\"secretAccessKey\":\"sso/role/secret\","
                                             "\"sessionToken\":\"sso-session-token\","
                                             "\"expiration\":%" G_GINT64_FORMAT "}}", expiration);
  StatusWait wait = { NULL, "IAM Identity Center · expires in 8 h" };
  GtkWidget *row;

  write_sso_token (fixture, -G_TIME_SPAN_HOUR);
  show_window (fixture);
  row = test_profile (fixture, "sso");
  g_assert_cmpstr (row_status (row), ==, "Sign-in needed");
  g_signal_emit_by_name (row_child (row, "sign_in_button"), "clicked");
  ws_ui_wait_until (service_called, service);
  g_assert_cmpstr (row_status (row), ==, "Signing in…");
  ws_ui_save_screenshot (fixture->window, "preferences-signing-in");

  /* What the sign-in window of the service's writes at the end. */
  ws_fake_aws_push_response (fixture->fake, "GET", "/federation/credentials", 200, NULL,
                             "application/json", answer);
  write_sso_token (fixture, 8 * G_TIME_SPAN_HOUR);
  wait.row = row;
  ws_ui_wait_until (status_is, &wait);
  g_assert_true (row_tested (row));
  g_assert_false (gtk_widget_get_visible (row_child (row, "sign_in_button")));
  g_assert_false (gtk_widget_get_visible (row_child (row, "detail_label")));
  g_assert_false (gtk_widget_has_css_class (row_child (row, "status_label"), "profile-error"));
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, "GET", "/federation/credentials"), ==, 1);
  ws_ui_save_screenshot (fixture->window, "preferences-signed-in");
}

static void
test_credentials_broken (Fixture       *fixture,
                         gconstpointer  data)
{
  GtkWidget *row;
  GtkLabel *detail;

  show_window (fixture);
  row = test_profile (fixture, "broken");
  g_assert_cmpstr (row_status (row), ==, "Credential process failed");
  ws_ui_save_screenshot (fixture->window, "preferences-profiles");
  g_assert_true (gtk_widget_has_css_class (row_child (row, "status_label"), "profile-error"));
  detail = row_child (row, "detail_label");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (detail)));
  g_assert_nonnull (strstr (gtk_label_get_label (detail), "broken"));
  g_assert_false (gtk_widget_get_visible (row_child (row, "sign_in_button")));
}

/* STS: AssumeRole answers with credentials for an hour and a half, for
 * the code 123456 only. */
static void
sts_handler (WsFakeAws         *fake,
             SoupServerMessage *msg,
             const char        *body,
             gpointer           user_data)
{
  g_autoptr(GHashTable) form = g_uri_parse_params (body, -1, "&", G_URI_PARAMS_WWW_FORM, NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) expiration = g_date_time_add_seconds (now, 90 * 60 + 30);
  g_autofree char *expiration_text = g_date_time_format_iso8601 (expiration);
  g_autofree char *xml = NULL;

  if (!g_str_equal (g_hash_table_lookup (form, "TokenCode"), "123456"))
    {
      const char *denied = "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>"
                           "<Message>MultiFactorAuthentication failed with invalid MFA one time pass code.</Message>"
                           "</Error></ErrorResponse>";

      soup_server_message_set_status (msg, 403, NULL);
      soup_server_message_set_response (msg, "text/xml", SOUP_MEMORY_STATIC, denied, strlen (denied));
      return;
    }

  xml = g_strdup_printf ("<AssumeRoleResponse><AssumeRoleResult><Credentials>"
                         "<AccessKeyId>ASIAROLE</AccessKeyId><SecretAccessKey>role/secret</SecretAccessKey>"
                         "<SessionToken>role-token</SessionToken><Expiration>%s</Expiration>"
                         "</Credentials></AssumeRoleResult></AssumeRoleResponse>", expiration_text);
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "text/xml", SOUP_MEMORY_COPY, xml, strlen (xml));
}

static GtkWidget *
find_mfa_window (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (WINDSOCK_IS_MFA_WINDOW (window) && gtk_widget_get_visible (window))
        return window;
    }
  return NULL;
}

static gboolean
mfa_window_shown (gpointer data)
{
  GtkWidget **window = data;

  return (*window = find_mfa_window ()) != NULL;
}

static gpointer
mfa_child (GtkWidget  *window,
           const char *name)
{
  return gtk_widget_get_template_child (window, WINDSOCK_TYPE_MFA_WINDOW, name);
}

/* Types @code into the MFA window and presses OK, as a person would. */
static void
enter_mfa_code (GtkWidget  *window,
                const char *code)
{
  gtk_editable_set_text (GTK_EDITABLE (mfa_child (window, "code_entry")), code);
  g_signal_emit_by_name (mfa_child (window, "ok_button"), "clicked");
}

static gboolean
mfa_error_shown (gpointer data)
{
  return gtk_widget_get_visible (mfa_child (data, "error_label"));
}

static void
test_credentials_mfa (Fixture       *fixture,
                      gconstpointer  data)
{
  GtkWidget *row;
  GtkWidget *window = NULL;

  ws_fake_aws_add_credentials (fixture->fake, "AKIASTATICKEY", "static/secret", NULL);
  ws_fake_aws_set_handler (fixture->fake, "POST", "/", TRUE, sts_handler, NULL);
  show_window (fixture);
  row = profile_row (fixture, "mfa");
  g_signal_emit_by_name (row_child (row, "test_button"), "clicked");

  /* Asked in a window of this process; a wrong code is asked again there. */
  ws_ui_wait_until (mfa_window_shown, &window);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (window)) == GTK_WINDOW (fixture->window));
  enter_mfa_code (window, "654321");
  ws_ui_wait_until (mfa_error_shown, window);
  g_assert_true (find_mfa_window () == window);
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  enter_mfa_code (window, "123456");
  ws_ui_wait_until (row_tested, row);
  ws_ui_wait_for_finalize ((gpointer *) &window);
  g_assert_cmpstr (row_status (row), ==, "Assumed role · expires in 1 h 30 min");
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, "POST", "/"), ==, 2);
}

/* Cancel in the MFA window: the Test says a code is needed. */
static void
test_credentials_mfa_cancelled (Fixture       *fixture,
                                gconstpointer  data)
{
  GtkWidget *row;
  GtkWidget *window = NULL;

  show_window (fixture);
  row = profile_row (fixture, "mfa");
  g_signal_emit_by_name (row_child (row, "test_button"), "clicked");
  ws_ui_wait_until (mfa_window_shown, &window);
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  g_signal_emit_by_name (mfa_child (window, "cancel_button"), "clicked");
  ws_ui_wait_until (row_tested, row);
  ws_ui_wait_for_finalize ((gpointer *) &window);
  g_assert_cmpstr (row_status (row), ==, "No MFA code was entered");
  g_assert_false (gtk_widget_has_css_class (row_child (row, "status_label"), "profile-error"));
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, NULL, "/"), ==, 0);
}

/* Closing the window cancels a test in progress: the row goes at once,
 * not when AWS would have answered. */
static void
test_credentials_cancelled (Fixture       *fixture,
                            gconstpointer  data)
{
  GtkWidget *row;

  write_sso_token (fixture, 8 * G_TIME_SPAN_HOUR);
  ws_fake_aws_set_delay (fixture->fake, 120 * 1000);
  show_window (fixture);
  row = profile_row (fixture, "sso");
  g_object_add_weak_pointer (G_OBJECT (row), (gpointer *) &row);
  g_signal_emit_by_name (row_child (row, "test_button"), "clicked");
  g_assert_true (gtk_spinner_get_spinning (row_child (row, "spinner")));

  gtk_window_destroy (GTK_WINDOW (fixture->window));
  ws_ui_wait_for_finalize ((gpointer *) &fixture->window);
  ws_ui_wait_for_finalize ((gpointer *) &row);
}

/* The AWS files edited while the window is open: the context reloads
 * them (its file monitors) and the list follows. */

typedef struct
{
  Fixture    *fixture;
  const char *expected;
} ProfilesWait;

static gboolean
profiles_are (gpointer data)
{
  ProfilesWait *wait = data;
  g_autofree char *rows = dup_rows (wait->fixture, "profiles_list");

  return g_str_equal (rows, wait->expected);
}

/* Until the rows are @expected, comma-separated. */
static void
wait_for_profiles (Fixture    *fixture,
                   const char *expected)
{
  ProfilesWait wait = { fixture, expected };

  ws_ui_wait_until (profiles_are, &wait);
}

static char *
dup_aws_path (Fixture    *fixture,
              const char *name)
{
  return g_build_filename (fixture->home, ".aws", name, NULL);
}

static gboolean
has_focus_within (Fixture   *fixture,
                  GtkWidget *widget)
{
  GtkWidget *focus = gtk_window_get_focus (GTK_WINDOW (fixture->window));

  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}

static void
test_profiles_follow_files (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *config_path = dup_aws_path (fixture, "config");
  g_autofree char *credentials_path = dup_aws_path (fixture, "credentials");
  g_autofree char *added = g_strconcat (credentials_config_text, "\n[profile added]\nregion = eu-west-1\n", NULL);
  g_autofree char *keys = g_strconcat (credentials_text, "\n[keysonly]\naws_access_key_id = AKIAONLY\n"
                                       "aws_secret_access_key = only/secret\n", NULL);
  GtkWidget *static_row;
  GtkWidget *test_button;
  GtkDropDown *pinned_profile;

  show_window (fixture);
  /* A result shown, a profile checked, the focus in a row. */
  static_row = test_profile (fixture, "static");
  gtk_switch_set_active (template_child (fixture, "all_profiles_switch"), FALSE);
  gtk_check_button_set_active (row_child (profile_row (fixture, "sso"), "check"), TRUE);
  test_button = row_child (static_row, "test_button");
  g_assert_true (gtk_widget_grab_focus (test_button));

  /* A profile added to the config… */
  ws_test_write_file (config_path, added, -1, 0600);
  wait_for_profiles (fixture, "default,static,sso,broken,mfa,added");
  /* …and one to the credentials file. */
  ws_test_write_file (credentials_path, keys, -1, 0600);
  wait_for_profiles (fixture, "default,static,sso,broken,mfa,added,keysonly");
  /* The rows that were there are the same, as they were. */
  g_assert_true (profile_row (fixture, "static") == static_row);
  g_assert_cmpstr (row_status (static_row), ==, "Static keys · no expiry");
  g_assert_true (gtk_check_button_get_active (row_child (profile_row (fixture, "sso"), "check")));
  g_assert_false (gtk_check_button_get_active (row_child (profile_row (fixture, "added"), "check")));
  g_assert_true (gtk_widget_get_visible (row_child (profile_row (fixture, "added"), "check")));
  g_assert_true (gtk_window_get_focus (GTK_WINDOW (fixture->window)) == test_button);
  assert_strv (fixture->settings, "profiles", (const char *[]) { "sso", NULL });
  /* It can be pinned. */
  pinned_profile = template_child (fixture, "pinned_profile_dropdown");
  g_assert_cmpuint (dropdown_index (pinned_profile, "added"), !=, GTK_INVALID_LIST_POSITION);
  ws_ui_save_screenshot (fixture->window, "preferences-profiles-added");

  /* Removed, with the focus in it: the focus goes to the next row. */
  gtk_widget_grab_focus (row_child (profile_row (fixture, "broken"), "test_button"));
  ws_test_write_file (config_path, config_text, -1, 0600);
  wait_for_profiles (fixture, "default,data,ml,static,keysonly");
  g_assert_true (profile_row (fixture, "static") == static_row);
  g_assert_cmpstr (row_status (static_row), ==, "Static keys · no expiry");
  g_assert_true (has_focus_within (fixture, profile_row (fixture, "keysonly")));
  g_assert_cmpuint (dropdown_index (pinned_profile, "added"), ==, GTK_INVALID_LIST_POSITION);
  g_assert_cmpuint (dropdown_index (pinned_profile, "ml"), !=, GTK_INVALID_LIST_POSITION);
  /* The key still names the profile that went: the files may bring it back. */
  assert_strv (fixture->settings, "profiles", (const char *[]) { "sso", NULL });
}

typedef struct
{
  Fixture    *fixture;
  const char *name;
  gboolean    visible;
} VisibleWait;

static gboolean
visibility_is (gpointer data)
{
  VisibleWait *wait = data;

  return is_visible (wait->fixture, wait->name) == wait->visible;
}

static void
wait_for_visible (Fixture    *fixture,
                  const char *name,
                  gboolean    visible)
{
  VisibleWait wait = { fixture, name, visible };

  ws_ui_wait_until (visibility_is, &wait);
}

/* The config named by AWS_CONFIG_FILE breaks and is fixed again. */
static void
test_config_breaks (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *config_path = g_build_filename (fixture->home, "elsewhere", "aws-config", NULL);
  g_autofree char *fixed = g_strconcat (config_text, "\n[profile extra]\nregion = eu-west-2\n", NULL);
  GtkWidget *ml_row;
  const char *message;

  fixture->environ = g_environ_setenv (fixture->environ, "AWS_CONFIG_FILE", config_path, TRUE);
  ws_test_write_file (config_path, "[profile only-here]\n", -1, 0600);
  show_window (fixture);
  wait_for_profiles (fixture, "only-here");
  ws_test_write_file (config_path, config_text, -1, 0600);
  wait_for_profiles (fixture, "default,data,ml");
  gtk_switch_set_active (template_child (fixture, "all_profiles_switch"), FALSE);
  ml_row = profile_row (fixture, "ml");
  gtk_check_button_set_active (row_child (ml_row, "check"), TRUE);
  gtk_widget_grab_focus (row_child (ml_row, "test_button"));

  /* Said in words where the list was; the focus stays near. */
  ws_test_write_file (config_path, malformed_config_text, -1, 0600);
  wait_for_visible (fixture, "config_error_label", TRUE);
  message = gtk_label_get_label (template_child (fixture, "config_error_label"));
  g_assert_nonnull (strstr (message, "aws-config, line 3"));
  g_assert_false (is_visible (fixture, "profiles_list"));
  g_assert_false (is_visible (fixture, "profiles_hint"));
  g_assert_true (gtk_window_get_focus (GTK_WINDOW (fixture->window)) ==
                 template_child (fixture, "all_profiles_switch"));
  ws_ui_save_screenshot (fixture->window, "preferences-config-broken");

  /* Fixed: the list is back, the rows as they were, and the new one. */
  ws_test_write_file (config_path, fixed, -1, 0600);
  wait_for_visible (fixture, "config_error_label", FALSE);
  g_assert_true (is_visible (fixture, "profiles_list"));
  g_assert_true (is_visible (fixture, "profiles_hint"));
  wait_for_profiles (fixture, "default,data,ml,extra");
  g_assert_true (profile_row (fixture, "ml") == ml_row);
  g_assert_true (gtk_check_button_get_active (row_child (ml_row, "check")));
  assert_strv (fixture->settings, "profiles", (const char *[]) { "ml", NULL });
}

/* The real process, closed by a key as a person would. */

static gboolean
no_preferences_window (gpointer data)
{
  g_autofree char *found = ws_ui_xdotool ("search", "--name", "^Preferences$", NULL);

  return found == NULL || *found == '\0';
}

static void
test_process_closes (Fixture       *fixture,
                     gconstpointer  data)
{
  const char *keys[] = { "Escape", "ctrl+w" };
  g_autofree char *found = g_find_program_in_path ("xdotool");

  if (found == NULL)
    {
      g_test_skip ("xdotool is not installed");
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autoptr(GSubprocess) process = NULL;
      g_autofree char *window_id = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("Closing with %s", keys[i]);
      process = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error,
                                  g_getenv ("WINDSOCK_UI"), "preferences", NULL);
      g_assert_no_error (error);
      window_id = ws_ui_focus_window ("Preferences");
      /* Typed on the keyboard (XTEST), to the focused window: an event
       * sent to a window id could reach the next process's window, which
       * the X server may give the same id. */
      g_free (ws_ui_xdotool ("key", keys[i], NULL));
      ws_ui_wait_for_exit (process);
      g_assert_true (g_subprocess_get_successful (process));
      /* The X server may list the window a moment after its process went;
       * the next search must find the next process's only. */
      ws_ui_wait_until (no_preferences_window, NULL);
    }
}

/* A browser of our own among the installed ones; GLib reads the folder
 * once, before the first test. */
static char *
install_test_browser (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_home = g_dir_make_tmp ("test-preferences-data-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *desktop = NULL;

  g_assert_no_error (error);
  path = g_build_filename (data_home, "applications", TEST_BROWSER_ID, NULL);
  ws_test_write_file (path,
                      "[Desktop Entry]\n"
                      "Type=Application\n"
                      "Name=Windsock Test Browser\n"
                      "Exec=true %u\n"
                      "MimeType=x-scheme-handler/http;x-scheme-handler/https;\n", -1, 0600);
  /* GLib finds handlers through the cache, as update-desktop-database writes it. */
  g_free (path);
  path = g_build_filename (data_home, "applications", "mimeinfo.cache", NULL);
  ws_test_write_file (path, "[MIME Cache]\nx-scheme-handler/https=" TEST_BROWSER_ID ";" TEST_FIREFOX_ID ";\n", -1, 0600);
  /* And one that opens private windows: named firefox. */
  g_free (path);
  path = g_build_filename (data_home, "bin", "firefox", NULL);
  ws_test_write_file (path, "#!/bin/sh\n", -1, 0600);
  g_assert_cmpint (g_chmod (path, 0700), ==, 0);
  desktop = g_strdup_printf ("[Desktop Entry]\n"
                             "Type=Application\n"
                             "Name=Windsock Test Firefox\n"
                             "Exec=%s %%u\n"
                             "MimeType=x-scheme-handler/http;x-scheme-handler/https;\n", path);
  g_free (path);
  path = g_build_filename (data_home, "applications", TEST_FIREFOX_ID, NULL);
  ws_test_write_file (path, desktop, -1, 0600);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  return g_steal_pointer (&data_home);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *data_home = install_test_browser ();
  g_autoptr(GTestDBus) bus = ws_ui_test_init (&argc, &argv);
  int status;

  /* Without a window manager, focus moves between the MFA window and
   * Preferences abruptly; a blinking cursor then warns about it. */
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);

#define ADD(name, config, func) \
  g_test_add ("/preferences/" name, Fixture, config, setup, func, teardown)

  ADD ("profiles-listed", config_text, test_profiles_listed);
  ADD ("profiles-chosen", config_text, test_profiles_chosen);
  ADD ("regions", config_text, test_regions);
  ADD ("pinned", config_text, test_pinned);
  ADD ("browser", config_text, test_browser);
  ADD ("browser-kept", config_text, test_browser_kept);
  ADD ("autostart", config_text, test_autostart);
  ADD ("autostart-error", config_text, test_autostart_error);
  ADD ("menu-limit", config_text, test_menu_limit);
  ADD ("malformed-config", malformed_config_text, test_malformed_config);
  ADD ("private-environments", config_text, test_private_environments);
  ADD ("private-note", config_text, test_private_note);
  ADD ("private-note-flatpak", config_text, test_private_note_flatpak);
  g_test_add_func ("/preferences/describe-expiry", test_describe_expiry);
  ADD ("credentials-static", credentials_config_text, test_credentials_static);
  ADD ("credentials-sso", credentials_config_text, test_credentials_sso);
  ADD ("credentials-sign-in", credentials_config_text, test_credentials_sign_in);
  ADD ("credentials-signed-in", credentials_config_text, test_credentials_signed_in);
  ADD ("credentials-broken", credentials_config_text, test_credentials_broken);
  ADD ("credentials-mfa", credentials_config_text, test_credentials_mfa);
  ADD ("credentials-mfa-cancelled", credentials_config_text, test_credentials_mfa_cancelled);
  ADD ("credentials-cancelled", credentials_config_text, test_credentials_cancelled);
  ADD ("profiles-follow-files", credentials_config_text, test_profiles_follow_files);
  ADD ("config-breaks", config_text, test_config_breaks);
  ADD ("process-closes", config_text, test_process_closes);

  status = g_test_run ();
  g_test_dbus_down (bus);
  ws_test_remove_tree (data_home);
  return status;
}
