/* ws-ui-test-util.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <json-glib/json-glib.h>

#include "windsock-style.h"
#include "ws-test-util.h"
#include "ws-ui-test-util.h"

#define WAIT_BOUND_SECONDS 30

GTestDBus *
ws_ui_test_init (int    *argc,
                 char ***argv)
{
  g_autofree char *display = g_strdup (g_getenv ("DISPLAY"));
  GTestDBus *bus;

  g_test_init (argc, argv, NULL);
  bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (bus);
  /* GTestDBus unsets it (against X11 bus autolaunch); GTK needs it. */
  if (display != NULL)
    g_setenv ("DISPLAY", display, TRUE);
  gtk_init ();
  /* The windows as the app shows them. */
  windsock_style_load ();
  return bus;
}

void
ws_ui_wait_until (WsUiCondition condition,
                  gpointer      data)
{
  gint64 end = g_get_monotonic_time () + WAIT_BOUND_SECONDS * G_USEC_PER_SEC;

  while (!condition (data))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      /* Polls: some conditions (a child process) change outside any source. */
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

static gboolean
is_null (gpointer data)
{
  return *(gpointer *) data == NULL;
}

void
ws_ui_wait_for_finalize (gpointer *location)
{
  ws_ui_wait_until (is_null, location);
}

static void
add_environment (JsonBuilder *builder,
                 const char  *spec)
{
  g_auto(GStrv) f = g_strsplit (spec, "/", 6);
  g_autofree char *arn = NULL;

  g_assert_cmpuint (g_strv_length (f), ==, 6);
  arn = g_strdup_printf ("arn:aws:airflow:%s:%s:environment/%s", f[1], f[5], f[2]);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "profile");
  json_builder_add_string_value (builder, f[0]);
  json_builder_set_member_name (builder, "region");
  json_builder_add_string_value (builder, f[1]);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, f[2]);
  json_builder_set_member_name (builder, "arn");
  json_builder_add_string_value (builder, arn);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, f[3]);
  json_builder_set_member_name (builder, "airflow_version");
  json_builder_add_string_value (builder, f[4]);
  json_builder_end_object (builder);
}

void
ws_ui_write_cache (const char         *path,
                   const char * const *environments)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, 1);
  json_builder_set_member_name (builder, "updated");
  json_builder_add_int_value (builder, g_get_real_time ());
  json_builder_set_member_name (builder, "environments");
  json_builder_begin_array (builder);
  for (guint i = 0; environments[i] != NULL; i++)
    add_environment (builder, environments[i]);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "profiles");
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  /* Atomically, as the service does. */
  g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error);
  g_assert_no_error (error);
}

static char *
xdotool_argv (GPtrArray *argv)
{
  g_autofree char *out = NULL;
  int wait_status;

  g_ptr_array_add (argv, NULL);
  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, &out, NULL, &wait_status, NULL) ||
      !g_spawn_check_wait_status (wait_status, NULL))
    return NULL;
  return g_strstrip (g_steal_pointer (&out));
}

char *
ws_ui_xdotool (const char *first,
               ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  va_list args;

  g_ptr_array_add (argv, (gpointer) "xdotool");
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  return xdotool_argv (argv);
}

typedef struct
{
  const char *pattern;
  char       *window_id;
} WindowSearch;

static gboolean
window_found (gpointer data)
{
  WindowSearch *search = data;

  g_free (search->window_id);
  search->window_id = ws_ui_xdotool ("search", "--onlyvisible", "--name", search->pattern, NULL);
  return search->window_id != NULL && *search->window_id != '\0';
}

static gboolean
window_focused (gpointer data)
{
  const char *window_id = data;
  g_autofree char *focused = NULL;

  g_free (ws_ui_xdotool ("windowfocus", window_id, NULL));
  focused = ws_ui_xdotool ("getwindowfocus", NULL);
  return g_strcmp0 (focused, window_id) == 0;
}

char *
ws_ui_focus_window (const char *title)
{
  g_autofree char *pattern = g_strdup_printf ("^%s$", title);
  WindowSearch search = { pattern, NULL };

  ws_ui_wait_until (window_found, &search);
  ws_ui_wait_until (window_focused, search.window_id);
  return search.window_id;
}

static gboolean
subprocess_exited (gpointer data)
{
  return g_subprocess_get_identifier (data) == NULL;
}

void
ws_ui_wait_for_exit (GSubprocess *process)
{
  ws_ui_wait_until (subprocess_exited, process);
}

static void
save_png (GtkWidget  *window,
          const char *path)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (window);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot),
                          gdk_paintable_get_intrinsic_width (paintable),
                          gdk_paintable_get_intrinsic_height (paintable));
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

void
ws_ui_save_screenshot (GtkWidget  *window,
                       const char *name)
{
  const char *dir = g_getenv ("WINDSOCK_SCREENSHOT_DIR");
  /* The main loop runs meanwhile: a window may close itself (sign-in done). */
  g_autoptr(GtkWidget) kept = g_object_ref (window);
  GtkSettings *settings = gtk_widget_get_settings (window);
  const char *variants[] = { "", "-dark" };

  if (dir == NULL)
    return;
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (variants); i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/%s%s.png", dir, name, variants[i]);

      g_object_set (settings, "gtk-application-prefer-dark-theme", i == 1, NULL);
      /* Laid out and drawn as it is now: a style change takes a frame or
       * two. Short, for windows that move on by themselves meanwhile. */
      ws_test_run_for (300);
      if (gtk_widget_get_mapped (window))
        save_png (window, path);
    }
  g_object_set (settings, "gtk-application-prefer-dark-theme", FALSE, NULL);
}
