/* test-i18n-picker.c — the picker in German: strings of its .ui template,
 * of its code and of libwscore, from the build tree's
 * po/de/LC_MESSAGES/windsock.mo (LANGUAGE=de with the C.UTF-8 locale,
 * see tests/test-i18n.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>
#include <locale.h>

#include "windsock-picker-row.h"
#include "windsock-picker-window.h"
#include "ws-test-util.h"
#include "ws-ui-test-util.h"

static const char * const environments[] = {
  "default/eu-west-1/analytics-prod/AVAILABLE/2.8.1/111111111111",
  NULL
};

static gboolean
window_mapped (gpointer data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (data));
}

static gpointer
template_child (GtkWidget  *window,
                const char *name)
{
  return gtk_widget_get_template_child (window, WINDSOCK_TYPE_PICKER_WINDOW, name);
}

static GtkWidget *
find_row (GtkWidget *widget)
{
  if (WINDSOCK_IS_PICKER_ROW (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *row = find_row (child);

      if (row != NULL)
        return row;
    }
  return NULL;
}

static gboolean
shows_no_match (gpointer data)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (template_child (data, "stack")), "no-match") == 0;
}

static void
test_picker_in_german (void)
{
  g_autofree char *home = ws_test_isolate ("test-i18n-picker");
  g_autofree char *cache_path = g_build_filename (home, "cache", "windsock", "catalog.json", NULL);
  g_autoptr(GSettings) settings = g_settings_new ("io.github.windsock.Windsock");
  GtkWidget *window;
  GtkWidget *row;

  ws_ui_write_cache (cache_path, environments);
  window = windsock_picker_window_new (NULL, settings, cache_path);
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_present (GTK_WINDOW (window));
  ws_ui_wait_until (window_mapped, window);

  /* The template's translatable properties. */
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Airflow öffnen");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (template_child (window, "search_entry"))), ==, "");
  {
    g_autofree char *placeholder = NULL;

    g_object_get (template_child (window, "search_entry"), "placeholder-text", &placeholder, NULL);
    g_assert_cmpstr (placeholder, ==, "Umgebungen durchsuchen");
  }

  /* A status label from libwscore, in a row. */
  row = find_row (template_child (window, "list_view"));
  g_assert_nonnull (row);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (gtk_widget_get_template_child (
                     row, WINDSOCK_TYPE_PICKER_ROW, "status_label"))), ==, "Verfügbar");

  /* A string the window's code formats. */
  gtk_editable_set_text (GTK_EDITABLE (template_child (window, "search_entry")), "zzz");
  ws_ui_wait_until (shows_no_match, window);
  g_assert_cmpstr (gtk_label_get_label (template_child (window, "no_match_label")), ==,
                   "Keine Umgebung passt zu »zzz«");

  gtk_window_destroy (GTK_WINDOW (window));
  ws_ui_wait_for_finalize ((gpointer *) &window);
  ws_test_remove_tree (home);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GTestDBus) bus = NULL;
  int status;

  /* As windsock-ui's main() does, in German from the build tree. */
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_setenv ("LANGUAGE", "de", TRUE);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, WS_TEST_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  bus = ws_ui_test_init (&argc, &argv);
  g_test_add_func ("/i18n/picker", test_picker_in_german);
  status = g_test_run ();
  g_test_dbus_down (bus);
  return status;
}
