/* test-picker.c — the picker window in-process, against a fake service on
 * a private session bus
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include <glib/gstdio.h>

#include "windsock-fuzzy.h"
#include "windsock-picker-row.h"
#include "windsock-picker-window.h"
#include "ws-fake-service.h"
#include "ws-test-util.h"
#include "ws-ui-test-util.h"

static const char * const environments[] = {
  "default/eu-west-1/analytics-prod/AVAILABLE/2.8.1/111111111111",
  "default/eu-west-1/analytics-staging/UPDATING/2.8.1/111111111111",
  "data/us-east-1/banana-pipeline/AVAILABLE/2.7.2/222222222222",
  "data/us-east-1/sales-analysis/AVAILABLE/2.6.3/222222222222",
  "data/us-east-1/ingest-raw/CREATING/2.8.1/222222222222",
  "ml/eu-central-1/feature-store/AVAILABLE/2.9.2/333333333333",
  "ml/eu-central-1/training/UNAVAILABLE/2.9.2/333333333333",
  "ops/ap-southeast-2/housekeeping/MAINTENANCE/2.5.1/444444444444",
  NULL
};

typedef struct
{
  char          *home;
  char          *cache_path;
  GSettings     *settings;
  WsFakeService *service;    /* NULL: nobody owns the name */
  GtkWidget     *window;     /* weak */
  char          *searched;   /* the text of the last search-changed */
} Fixture;

static gpointer
template_child (Fixture    *fixture,
                const char *name)
{
  return gtk_widget_get_template_child (fixture->window, WINDSOCK_TYPE_PICKER_WINDOW, name);
}

static gboolean
window_mapped (gpointer data)
{
  Fixture *fixture = data;

  return gtk_widget_get_mapped (fixture->window);
}

static void
on_search_changed (Fixture  *fixture,
                   GtkEditable *entry)
{
  g_free (fixture->searched);
  fixture->searched = g_strdup (gtk_editable_get_text (entry));
}

static void
show_window (Fixture *fixture)
{
  fixture->window = windsock_picker_window_new (NULL, fixture->settings, fixture->cache_path);
  g_object_add_weak_pointer (G_OBJECT (fixture->window), (gpointer *) &fixture->window);
  g_signal_connect_swapped (template_child (fixture, "search_entry"), "search-changed",
                            G_CALLBACK (on_search_changed), fixture);
  gtk_window_present (GTK_WINDOW (fixture->window));
  ws_ui_wait_until (window_mapped, fixture);
}

static void
setup (Fixture       *fixture,
       gconstpointer  data)
{
  fixture->home = ws_test_isolate ("test-picker");
  fixture->cache_path = g_build_filename (fixture->home, "cache", "windsock", "catalog.json", NULL);
  ws_ui_write_cache (fixture->cache_path, environments);
  fixture->settings = g_settings_new ("io.github.windsock.Windsock");
  g_settings_reset (fixture->settings, "favourites");
  g_settings_reset (fixture->settings, "recent");
  /* Any test data (a key case, TRUE) asks for the service. */
  if (data != NULL)
    fixture->service = ws_fake_service_new ();
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
  g_clear_object (&fixture->service);
  g_clear_object (&fixture->settings);
  ws_test_remove_tree (fixture->home);
  g_free (fixture->home);
  g_free (fixture->cache_path);
  g_free (fixture->searched);
}

/* The names the list shows, in order, comma-separated. */
static char *
dup_listed (Fixture *fixture)
{
  GListModel *model = G_LIST_MODEL (template_child (fixture, "selection"));
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(WsEnvironment) environment = g_list_model_get_item (model, i);

      g_string_append_printf (names, "%s%s", i > 0 ? "," : "", ws_environment_get_name (environment));
    }
  return g_string_free (g_steal_pointer (&names), FALSE);
}

static gboolean
search_done (gpointer data)
{
  Fixture *fixture = data;

  return g_strcmp0 (fixture->searched,
                    gtk_editable_get_text (GTK_EDITABLE (template_child (fixture, "search_entry")))) == 0;
}

/* Replacing the text empties it first, which is searched at once; the
 * new text only after the entry's delay. */
static void
type_search (Fixture    *fixture,
             const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (template_child (fixture, "search_entry")), text);
  ws_ui_wait_until (search_done, fixture);
}

static gboolean
press_key (Fixture         *fixture,
           guint            keyval,
           GdkModifierType  state)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (fixture->window);
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (g_strcmp0 (gtk_event_controller_get_name (controller), "picker-keys") == 0)
        {
          g_signal_emit_by_name (controller, "key-pressed", keyval, 0, state, &handled);
          return handled;
        }
    }
  g_assert_not_reached ();
}

static gboolean
service_called (gpointer data)
{
  Fixture *fixture = data;

  return ws_fake_service_get_calls (fixture->service)->len > 0;
}

static void
assert_one_call (Fixture    *fixture,
                 const char *expected)
{
  GPtrArray *calls = ws_fake_service_get_calls (fixture->service);

  ws_ui_wait_until (service_called, fixture);
  g_assert_cmpuint (calls->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (calls, 0), ==, expected);
}

/* Tests */

static void
test_fuzzy_score (void)
{
  g_assert_cmpint (windsock_fuzzy_score ("", "anything"), ==, 0);
  g_assert_cmpint (windsock_fuzzy_score ("xyz", "analytics"), ==, -1);
  g_assert_cmpint (windsock_fuzzy_score ("ana", NULL), ==, -1);
  g_assert_cmpint (windsock_fuzzy_score ("ANA", "analytics"), >, 0);
  /* Exact, then prefix, then a word start, then mid-word, then scattered. */
  g_assert_cmpint (windsock_fuzzy_score ("prod", "prod"), >, windsock_fuzzy_score ("prod", "prod-eu"));
  g_assert_cmpint (windsock_fuzzy_score ("ana", "analytics"), >, windsock_fuzzy_score ("ana", "sales-analysis"));
  g_assert_cmpint (windsock_fuzzy_score ("ana", "sales-analysis"), >, windsock_fuzzy_score ("ana", "banana"));
  g_assert_cmpint (windsock_fuzzy_score ("ana", "banana"), >, windsock_fuzzy_score ("ana", "paxxnxxa"));
  /* The best start is found, not the first. */
  g_assert_cmpint (windsock_fuzzy_score ("ana", "banana-analytics"), ==,
                   windsock_fuzzy_score ("ana", "x-analytics"));
}

static void
test_lists_catalog (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *listed = NULL;
  g_auto(GStrv) names = NULL;

  show_window (fixture);
  g_assert_true (gtk_widget_has_focus (template_child (fixture, "search_entry")) ||
                 gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (fixture->window)),
                                         template_child (fixture, "search_entry")));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (template_child (fixture, "stack")), ==, "list");

  listed = dup_listed (fixture);
  names = g_strsplit (listed, ",", -1);
  g_assert_cmpuint (g_strv_length (names), ==, g_strv_length ((GStrv) environments));
  for (guint i = 0; environments[i] != NULL; i++)
    {
      g_auto(GStrv) f = g_strsplit (environments[i], "/", -1);
      g_assert_true (g_strv_contains ((const char * const *) names, f[2]));
    }
}

static void
find_rows (GtkWidget  *widget,
           GPtrArray  *rows)
{
  if (WINDSOCK_IS_PICKER_ROW (widget))
    g_ptr_array_add (rows, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    find_rows (child, rows);
}

static const char *
row_label (GtkWidget  *row,
           const char *name)
{
  return gtk_label_get_label (GTK_LABEL (gtk_widget_get_template_child (row, WINDSOCK_TYPE_PICKER_ROW, name)));
}

static void
test_row_content (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  guint checked = 0;

  show_window (fixture);
  find_rows (template_child (fixture, "list_view"), rows);
  g_assert_cmpuint (rows->len, >, 0);
  for (guint i = 0; i < rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (rows, i);
      const char *name = row_label (row, "name_label");

      if (g_strcmp0 (name, "analytics-prod") == 0)
        {
          g_assert_cmpstr (row_label (row, "details_label"), ==, "default · eu-west-1 · Airflow 2.8.1");
          g_assert_cmpstr (row_label (row, "status_label"), ==,
                           ws_environment_status_to_label ("AVAILABLE"));
          g_assert_true (gtk_widget_get_sensitive (row));
          g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (gtk_widget_get_template_child (
                           row, WINDSOCK_TYPE_PICKER_ROW, "status_label")), "status-ok"));
          checked++;
        }
      else if (g_strcmp0 (name, "ingest-raw") == 0)
        {
          g_autofree char *reason = NULL;

          g_assert_false (ws_environment_status_is_usable ("CREATING", &reason));
          g_assert_false (gtk_widget_get_sensitive (row));
          g_assert_cmpstr (row_label (row, "reason_label"), ==, reason);
          g_assert_true (gtk_widget_get_visible (GTK_WIDGET (gtk_widget_get_template_child (
                           row, WINDSOCK_TYPE_PICKER_ROW, "reason_label"))));
          g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (gtk_widget_get_template_child (
                           row, WINDSOCK_TYPE_PICKER_ROW, "status_label")), "status-busy"));
          checked++;
        }
    }
  g_assert_cmpuint (checked, ==, 2);
  ws_ui_save_screenshot (fixture->window, "picker");
}

static void
test_filter (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *ana = NULL;
  g_autofree char *account = NULL;
  g_autofree char *words = NULL;
  g_autofree char *none = NULL;

  show_window (fixture);

  type_search (fixture, "ana");
  ana = dup_listed (fixture);
  /* Prefix matches, then a word start, then mid-word, then scattered letters. */
  g_assert_cmpstr (ana, ==, "analytics-prod,analytics-staging,sales-analysis,banana-pipeline");

  type_search (fixture, "4444");
  account = dup_listed (fixture);
  g_assert_cmpstr (account, ==, "housekeeping");

  /* Every word must match, each in any field; what cannot be opened
   * (training is unavailable) comes after what can, and is not selected. */
  type_search (fixture, "central tr");
  words = dup_listed (fixture);
  g_assert_cmpstr (words, ==, "feature-store,training");
  g_assert_cmpuint (gtk_single_selection_get_selected (template_child (fixture, "selection")), ==, 0);

  type_search (fixture, "zzz");
  none = dup_listed (fixture);
  g_assert_cmpstr (none, ==, "");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (template_child (fixture, "stack")), ==, "no-match");
}

static void
test_favourites_first (Fixture       *fixture,
                       gconstpointer  data)
{
  const char * const favourites[] = { "ops/ap-southeast-2/housekeeping", NULL };
  const char * const recent[] = { "ml/eu-central-1/feature-store", "data/us-east-1/sales-analysis", NULL };
  g_autofree char *all = NULL;
  g_autofree char *ana = NULL;

  g_settings_set_strv (fixture->settings, "favourites", favourites);
  g_settings_set_strv (fixture->settings, "recent", recent);
  show_window (fixture);

  all = dup_listed (fixture);
  g_assert_true (g_str_has_prefix (all, "housekeeping,feature-store,sales-analysis,"));

  /* Still first among the matches; housekeeping does not match. */
  type_search (fixture, "ana");
  ana = dup_listed (fixture);
  g_assert_cmpstr (ana, ==, "sales-analysis,analytics-prod,analytics-staging,banana-pipeline");
}

typedef struct
{
  guint           keyval;
  GdkModifierType state;
  const char     *expected;
} KeyCase;

static const KeyCase enter_case = { GDK_KEY_Return, 0, "open-environment default/eu-west-1/analytics-prod" };
static const KeyCase ctrl_enter_case = { GDK_KEY_Return, GDK_CONTROL_MASK, "copy-login-url default/eu-west-1/analytics-prod" };
static const KeyCase alt_enter_case = { GDK_KEY_KP_Enter, GDK_ALT_MASK, "open-private-window default/eu-west-1/analytics-prod" };

static void
test_enter (Fixture       *fixture,
            gconstpointer  data)
{
  const KeyCase *key = data;
  GVariant *platform_data;
  const char *token = NULL;

  show_window (fixture);
  type_search (fixture, "ana");
  g_assert_true (press_key (fixture, key->keyval, key->state));
  assert_one_call (fixture, key->expected);

  platform_data = ws_fake_service_get_platform_data (fixture->service);
  g_assert_nonnull (platform_data);
  g_assert_true (g_variant_lookup (platform_data, "activation-token", "&s", &token));
  g_assert_cmpstr (token, !=, "");

  /* Done: the window goes away. */
  ws_ui_wait_for_finalize ((gpointer *) &fixture->window);
}

static void
test_arrows (Fixture       *fixture,
             gconstpointer  data)
{
  show_window (fixture);
  /* Keys straight after typing act on what was typed... */
  gtk_editable_set_text (GTK_EDITABLE (template_child (fixture, "search_entry")), "ana");
  g_assert_true (press_key (fixture, GDK_KEY_Down, 0));
  g_assert_true (press_key (fixture, GDK_KEY_Down, 0));
  g_assert_true (press_key (fixture, GDK_KEY_Up, 0));
  /* ...and the entry's late report does not undo them. */
  ws_ui_wait_until (search_done, fixture);
  /* Typing is left to the entry. */
  g_assert_false (press_key (fixture, GDK_KEY_a, 0));
  g_assert_true (press_key (fixture, GDK_KEY_Return, 0));
  assert_one_call (fixture, "open-environment default/eu-west-1/analytics-staging");
}

static void
test_escape (Fixture       *fixture,
             gconstpointer  data)
{
  show_window (fixture);
  g_assert_true (press_key (fixture, GDK_KEY_Escape, 0));
  ws_ui_wait_for_finalize ((gpointer *) &fixture->window);
  g_assert_cmpuint (ws_fake_service_get_calls (fixture->service)->len, ==, 0);
}

static void
test_unusable (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *listed = NULL;

  show_window (fixture);
  type_search (fixture, "ingest");
  listed = dup_listed (fixture);
  g_assert_cmpstr (listed, ==, "ingest-raw");
  g_assert_true (press_key (fixture, GDK_KEY_Return, 0));
  g_assert_nonnull (fixture->window);

  /* Calls arrive in order: only this one was sent. */
  type_search (fixture, "housekeeping");
  g_assert_true (press_key (fixture, GDK_KEY_Return, GDK_CONTROL_MASK));
  assert_one_call (fixture, "copy-login-url ops/ap-southeast-2/housekeeping");
}

static gboolean
error_shown (gpointer data)
{
  Fixture *fixture = data;

  return gtk_widget_get_visible (template_child (fixture, "error_bar"));
}

static void
test_service_missing (Fixture       *fixture,
                      gconstpointer  data)
{
  const char *message;

  show_window (fixture);
  g_assert_false (error_shown (fixture));
  g_assert_true (press_key (fixture, GDK_KEY_Return, 0));
  ws_ui_wait_until (error_shown, fixture);

  message = gtk_label_get_label (template_child (fixture, "error_label"));
  g_assert_nonnull (strstr (message, "Windsock is not running"));
  ws_ui_save_screenshot (fixture->window, "picker-error");
  /* Still there, to try again. */
  g_assert_true (gtk_widget_get_mapped (fixture->window));
}

static GtkWidget *
refresh_button (Fixture *fixture)
{
  GtkWidget *empty = gtk_stack_get_child_by_name (template_child (fixture, "stack"), "empty");
  GtkWidget *refresh = gtk_widget_get_last_child (empty);

  g_assert_true (GTK_IS_BUTTON (refresh));
  return refresh;
}

static const char *
empty_label (Fixture    *fixture,
             const char *name)
{
  g_assert_cmpstr (gtk_stack_get_visible_child_name (template_child (fixture, "stack")), ==, "empty");
  return gtk_label_get_label (template_child (fixture, name));
}

static gboolean
spinner_stopped (gpointer data)
{
  Fixture *fixture = data;

  return !gtk_widget_get_visible (template_child (fixture, "spinner"));
}

static gboolean
list_shown (gpointer data)
{
  Fixture *fixture = data;

  return g_str_equal (gtk_stack_get_visible_child_name (template_child (fixture, "stack")), "list");
}

static gboolean
clicked_twice (gpointer data)
{
  Fixture *fixture = data;

  g_signal_emit_by_name (refresh_button (fixture), "clicked");
  return ws_fake_service_get_calls (fixture->service)->len == 2;
}

static void
test_empty_refresh (Fixture       *fixture,
                    gconstpointer  data)
{
  const char * const none[] = { NULL };

  ws_ui_write_cache (fixture->cache_path, none);
  show_window (fixture);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (template_child (fixture, "stack")), ==, "empty");

  g_signal_emit_by_name (refresh_button (fixture), "clicked");
  assert_one_call (fixture, "refresh");
  /* It stays, for the list to come: a click once the first call is done
   * (one at a time) is a second call. */
  ws_ui_wait_until (clicked_twice, fixture);
  g_assert_nonnull (fixture->window);
  g_assert_cmpstr (g_ptr_array_index (ws_fake_service_get_calls (fixture->service), 1), ==, "refresh");
  g_assert_cmpstr (empty_label (fixture, "empty_title"), ==, "Looking for environments…");
  g_assert_false (spinner_stopped (fixture));

  /* The service wrote the new cache. */
  ws_ui_write_cache (fixture->cache_path, environments);
  ws_ui_wait_until (list_shown, fixture);
}

static gboolean
catalog_reloaded (gpointer data)
{
  Fixture *fixture = data;
  g_autofree char *listed = dup_listed (fixture);

  return g_str_equal (listed, "brand-new");
}

static void
test_reload (Fixture       *fixture,
             gconstpointer  data)
{
  const char * const fresh[] = { "default/eu-west-1/brand-new/AVAILABLE/2.9.2/111111111111", NULL };

  show_window (fixture);
  ws_ui_write_cache (fixture->cache_path, fresh);
  ws_ui_wait_until (catalog_reloaded, fixture);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (template_child (fixture, "stack")), ==, "list");
}

static guint
selected (Fixture *fixture)
{
  return gtk_single_selection_get_selected (template_child (fixture, "selection"));
}

static void
test_page_keys (Fixture       *fixture,
                gconstpointer  data)
{
  guint last = g_strv_length ((GStrv) environments) - 1;

  show_window (fixture);
  g_assert_true (press_key (fixture, GDK_KEY_End, GDK_CONTROL_MASK));
  g_assert_cmpuint (selected (fixture), ==, last);
  /* Stops at either end. */
  g_assert_true (press_key (fixture, GDK_KEY_Page_Down, 0));
  g_assert_cmpuint (selected (fixture), ==, last);
  g_assert_true (press_key (fixture, GDK_KEY_Page_Up, 0));
  g_assert_cmpuint (selected (fixture), <, last);
  g_assert_true (press_key (fixture, GDK_KEY_Home, GDK_CONTROL_MASK));
  g_assert_cmpuint (selected (fixture), ==, 0);
  g_assert_true (press_key (fixture, GDK_KEY_Page_Up, 0));
  g_assert_cmpuint (selected (fixture), ==, 0);
  g_assert_true (press_key (fixture, GDK_KEY_Page_Down, 0));
  g_assert_cmpuint (selected (fixture), >, 0);
  /* Plain Home and End move in the entry's text. */
  g_assert_false (press_key (fixture, GDK_KEY_Home, 0));
  g_assert_false (press_key (fixture, GDK_KEY_End, 0));
}

#define MANY 40

static gboolean
all_listed (gpointer data)
{
  Fixture *fixture = data;

  return g_list_model_get_n_items (G_LIST_MODEL (template_child (fixture, "selection"))) == MANY;
}

/* The first frame shows only the rows that fit; the others follow it. */
static void
test_many (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(GPtrArray) specs = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < MANY; i++)
    g_ptr_array_add (specs, g_strdup_printf ("default/eu-west-1/env-%02u/AVAILABLE/2.8.1/111111111111", i));
  g_ptr_array_add (specs, NULL);
  ws_ui_write_cache (fixture->cache_path, (const char * const *) specs->pdata);

  show_window (fixture);
  ws_ui_wait_until (all_listed, fixture);
  g_assert_true (press_key (fixture, GDK_KEY_End, GDK_CONTROL_MASK));
  g_assert_cmpuint (selected (fixture), ==, MANY - 1);
}

static gboolean
entry_says_ana (gpointer data)
{
  Fixture *fixture = data;

  return g_str_equal (gtk_editable_get_text (GTK_EDITABLE (template_child (fixture, "search_entry"))), "ana");
}

/* Real key events, through the X server: typing goes to the search even
 * when the list has the focus (Tab, or a click, put it there). */
static void
test_typing_in_list (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *found = g_find_program_in_path ("xdotool");
  g_autofree char *window_id = NULL;
  GtkWidget *entry;

  if (found == NULL)
    {
      g_test_skip ("xdotool is not installed");
      return;
    }

  show_window (fixture);
  entry = template_child (fixture, "search_entry");
  window_id = ws_ui_focus_window ("Open Airflow");
  g_assert_true (gtk_widget_grab_focus (template_child (fixture, "list_view")));
  g_assert_false (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (fixture->window)), entry));

  g_free (ws_ui_xdotool ("type", "--window", window_id, "--delay", "20", "ana", NULL));
  ws_ui_wait_until (entry_says_ana, fixture);
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (fixture->window)), entry));
}

/* Never looked, looked and found nothing (and why), asked to look. */
static void
test_empty_states (Fixture       *fixture,
                   gconstpointer  data)
{
  const char *failed = "{\"version\": 1, \"updated\": 1, \"environments\": [], "
                       "\"profiles\": [{\"name\": \"ok\"}, "
                       "{\"name\": \"work\", \"error\": \"Sign in to profile work again.\"}]}";
  const char * const none[] = { NULL };
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_remove (fixture->cache_path), ==, 0);
  show_window (fixture);
  g_assert_cmpstr (empty_label (fixture, "empty_title"), ==, "Windsock has not looked for environments yet");
  g_assert_false (gtk_widget_get_visible (template_child (fixture, "spinner")));
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  ws_ui_wait_for_finalize ((gpointer *) &fixture->window);

  ws_ui_write_cache (fixture->cache_path, none);
  show_window (fixture);
  g_assert_cmpstr (empty_label (fixture, "empty_title"), ==, "No Airflow environments found");
  g_assert_nonnull (strstr (empty_label (fixture, "empty_detail"), "Preferences"));
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  ws_ui_wait_for_finalize ((gpointer *) &fixture->window);

  g_file_set_contents (fixture->cache_path, failed, -1, &error);
  g_assert_no_error (error);
  show_window (fixture);
  g_assert_cmpstr (empty_label (fixture, "empty_detail"), ==, "Sign in to profile work again.");

  /* Nobody answers the Refresh: no spinner left turning. */
  g_signal_emit_by_name (refresh_button (fixture), "clicked");
  g_assert_cmpstr (empty_label (fixture, "empty_title"), ==, "Looking for environments…");
  g_assert_true (gtk_widget_get_visible (template_child (fixture, "spinner")));
  ws_ui_wait_until (error_shown, fixture);
  g_assert_true (spinner_stopped (fixture));
  g_assert_cmpstr (empty_label (fixture, "empty_title"), ==, "No Airflow environments found");
}

/* The real process, typed at through the X server as a person would. */

static void
test_process (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *found = g_find_program_in_path ("xdotool");
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *cache_home = NULL;
  g_autofree char *window_id = NULL;
  g_autoptr(GError) error = NULL;

  if (found == NULL)
    {
      g_test_skip ("xdotool is not installed");
      return;
    }

  /* The process finds the cache where the service writes it. */
  cache_home = g_build_filename (fixture->home, "cache", NULL);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", cache_home, TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("WINDSOCK_UI"), "pick", NULL);
  g_assert_no_error (error);

  window_id = ws_ui_focus_window ("Open Airflow");
  g_free (ws_ui_xdotool ("type", "--window", window_id, "--delay", "20", "ana", NULL));
  /* At once: the keys act on what was typed, not on the list before. */
  g_free (ws_ui_xdotool ("key", "--window", window_id, "Down", "Return", NULL));

  assert_one_call (fixture, "open-environment default/eu-west-1/analytics-staging");
  g_assert_nonnull (ws_fake_service_get_platform_data (fixture->service));
  ws_ui_wait_for_exit (process);
  g_assert_true (g_subprocess_get_successful (process));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GTestDBus) bus = ws_ui_test_init (&argc, &argv);
  int status;


#define ADD(name, with_service, func) \
  g_test_add ("/picker/" name, Fixture, GINT_TO_POINTER (with_service), setup, func, teardown)
#define ADD_KEY(name, key) \
  g_test_add ("/picker/" name, Fixture, &key, setup, test_enter, teardown)

  g_test_add_func ("/picker/fuzzy-score", test_fuzzy_score);
  ADD ("lists-catalog", FALSE, test_lists_catalog);
  ADD ("row-content", FALSE, test_row_content);
  ADD ("filter", FALSE, test_filter);
  ADD ("favourites-first", FALSE, test_favourites_first);
  ADD_KEY ("enter-opens", enter_case);
  ADD_KEY ("ctrl-enter-copies", ctrl_enter_case);
  ADD_KEY ("alt-enter-private", alt_enter_case);
  ADD ("arrows", TRUE, test_arrows);
  ADD ("page-keys", FALSE, test_page_keys);
  ADD ("many-environments", FALSE, test_many);
  ADD ("typing-in-list", FALSE, test_typing_in_list);
  ADD ("escape-closes", TRUE, test_escape);
  ADD ("unusable-not-opened", TRUE, test_unusable);
  ADD ("service-missing", FALSE, test_service_missing);
  ADD ("empty-states", FALSE, test_empty_states);
  ADD ("empty-refresh", TRUE, test_empty_refresh);
  ADD ("reload-on-change", FALSE, test_reload);
  ADD ("process", TRUE, test_process);

  status = g_test_run ();
  g_test_dbus_down (bus);
  return status;
}
