/* test-copy.c — "windsock-ui copy": the link from stdin onto the X
 * clipboard for a while, never in argv; and the window's clearing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "windsock-copy-window.h"
#include "ws-ui-test-util.h"

#define URL "https://env.example.invalid/aws_mwaa/aws-console-sso?login=true#secret-web-token"

/* The clipboard as another X client sees it */

typedef struct
{
  gboolean  done;
  char     *text;
} ReadData;

static void
on_text_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  ReadData *data = user_data;

  data->text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, NULL);
  data->done = TRUE;
}

static gboolean
read_done (gpointer data)
{
  return ((ReadData *) data)->done;
}

/* The clipboard's text, or NULL. Through xclip, when there is one and
 * the owner is another process, to see what any X client would paste (our
 * own selection it could not read while we wait for it). */
static char *
dup_clipboard_text (GdkClipboard *clipboard)
{
  g_autofree char *xclip = g_find_program_in_path ("xclip");
  ReadData data = { FALSE, NULL };

  if (xclip != NULL && !gdk_clipboard_is_local (clipboard))
    {
      const char *argv[] = { xclip, "-o", "-selection", "clipboard", NULL };
      g_autofree char *out = NULL;
      int wait_status;

      if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                         &out, NULL, &wait_status, NULL) ||
          !g_spawn_check_wait_status (wait_status, NULL))
        return NULL;
      return g_steal_pointer (&out);
    }

  gdk_clipboard_read_text_async (clipboard, NULL, on_text_read, &data);
  ws_ui_wait_until (read_done, &data);
  return data.text;
}

/* The process */

typedef struct
{
  GSubprocess *process;
} Process;

static gboolean
url_on_clipboard (gpointer data)
{
  g_autofree char *text = dup_clipboard_text (gdk_display_get_clipboard (gdk_display_get_default ()));

  return g_strcmp0 (text, URL) == 0;
}

static gboolean
process_exited (gpointer data)
{
  Process *process = data;

  return g_subprocess_get_identifier (process->process) == NULL;
}

static char *
dup_proc_file (const char *pid,
               const char *name)
{
  g_autofree char *path = g_build_filename ("/proc", pid, name, NULL);
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  /* NUL-separated; make it one string to search. */
  for (gsize i = 0; i < length; i++)
    if (contents[i] == '\0')
      contents[i] = ' ';
  return g_steal_pointer (&contents);
}

static GSubprocess *
spawn_copy (const char  *seconds,
            const char  *input,
            GError     **error)
{
  const char *ui = g_getenv ("WINDSOCK_UI");
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new_static (input, strlen (input));
  GOutputStream *stdin_pipe;
  gsize written;

  g_assert_nonnull (ui);
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, error,
                              ui, "copy", "--seconds", seconds, NULL);
  if (process == NULL)
    return NULL;
  stdin_pipe = g_subprocess_get_stdin_pipe (process);
  if (!g_output_stream_write_all (stdin_pipe, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                  &written, NULL, error) ||
      !g_output_stream_close (stdin_pipe, NULL, error))
    return NULL;
  return g_steal_pointer (&process);
}

static void
test_process (void)
{
  g_autoptr(GError) error = NULL;
  Process process = { NULL };
  g_autofree char *cmdline = NULL;
  g_autofree char *environ = NULL;
  char *left;

  process.process = spawn_copy ("3", URL "\n", &error);
  g_assert_no_error (error);

  ws_ui_wait_until (url_on_clipboard, NULL);
  cmdline = dup_proc_file (g_subprocess_get_identifier (process.process), "cmdline");
  environ = dup_proc_file (g_subprocess_get_identifier (process.process), "environ");
  g_assert_null (strstr (cmdline, "secret-web-token"));
  g_assert_null (strstr (environ, "secret-web-token"));
  g_assert_nonnull (strstr (cmdline, "copy"));

  /* When the time is up it goes, and the link with it. */
  ws_ui_wait_until (process_exited, &process);
  g_assert_true (g_subprocess_get_if_exited (process.process));
  g_assert_cmpint (g_subprocess_get_exit_status (process.process), ==, 0);
  left = dup_clipboard_text (gdk_display_get_clipboard (gdk_display_get_default ()));
  g_assert_cmpstr (left, !=, URL);
  g_free (left);
  g_object_unref (process.process);
}

static void
test_bad_input (void)
{
  const char *inputs[] = { "", "\n", "https://one.invalid/\nhttps://two.invalid/\n" };

  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSubprocess) process = spawn_copy ("3", inputs[i], &error);

      g_assert_no_error (error);
      g_subprocess_wait (process, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 1);
    }
}

/* The window in-process */

static GtkWidget *
show_window (guint seconds)
{
  GtkWidget *window = windsock_copy_window_new (NULL, g_bytes_new (URL, strlen (URL)), seconds);

  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static gboolean
clipboard_local (gpointer data)
{
  return gdk_clipboard_is_local (data);
}

static void
test_window_clears (void)
{
  GdkClipboard *clipboard = gdk_display_get_clipboard (gdk_display_get_default ());
  GtkWidget *window = show_window (1);
  g_autofree char *text = NULL;

  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  ws_ui_wait_until (clipboard_local, clipboard);
  g_assert_nonnull (gdk_clipboard_get_content (clipboard));
  text = dup_clipboard_text (clipboard);
  g_assert_cmpstr (text, ==, URL);

  ws_ui_wait_for_finalize ((gpointer *) &window);
  g_assert_null (gdk_clipboard_get_content (clipboard));
}

static void
test_window_keeps_other_content (void)
{
  GdkClipboard *clipboard = gdk_display_get_clipboard (gdk_display_get_default ());
  GtkWidget *window = show_window (60);
  g_autofree char *text = NULL;

  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  ws_ui_wait_until (clipboard_local, clipboard);
  ws_ui_save_screenshot (window, "copy");
  /* The user copies something else, then closes the window. */
  gdk_clipboard_set_text (clipboard, "something else");
  gtk_window_destroy (GTK_WINDOW (window));
  ws_ui_wait_for_finalize ((gpointer *) &window);

  text = dup_clipboard_text (clipboard);
  g_assert_cmpstr (text, ==, "something else");
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GTestDBus) bus = ws_ui_test_init (&argc, &argv);
  int status;

  g_test_add_func ("/copy/process", test_process);
  g_test_add_func ("/copy/bad-input", test_bad_input);
  g_test_add_func ("/copy/window-clears", test_window_clears);
  g_test_add_func ("/copy/window-keeps-other-content", test_window_keeps_other_content);

  status = g_test_run ();
  g_test_dbus_down (bus);
  return status;
}
