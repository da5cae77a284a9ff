/* test-mfa.c — the MFA window: typed into, in-process and as
 * "windsock-ui mfa" (the code on stdout, the verdicts on stdin)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "windsock-mfa-window.h"
#include "ws-ui-test-util.h"

#define TITLE  "MFA Code"
#define SERIAL "arn:aws:iam::123456789012:mfa/alice"

/* The window in-process */

typedef struct
{
  GtkWidget *window;      /* weak */
  GPtrArray *codes;       /* each submitted code */
  guint      cancelled;
} Window;

static void
on_submitted (WindsockMfaWindow *window,
              const char        *code,
              Window            *data)
{
  g_ptr_array_add (data->codes, g_strdup (code));
}

static void
on_cancelled (WindsockMfaWindow *window,
              Window            *data)
{
  data->cancelled++;
}

static void
window_open (Window *data)
{
  data->codes = g_ptr_array_new_with_free_func (g_free);
  data->cancelled = 0;
  data->window = windsock_mfa_window_new (NULL, "admin", SERIAL);
  g_object_add_weak_pointer (G_OBJECT (data->window), (gpointer *) &data->window);
  g_signal_connect (data->window, "submitted", G_CALLBACK (on_submitted), data);
  g_signal_connect (data->window, "cancelled", G_CALLBACK (on_cancelled), data);
  gtk_window_present (GTK_WINDOW (data->window));
}

static void
window_close (Window *data)
{
  if (data->window != NULL)
    gtk_window_destroy (GTK_WINDOW (data->window));
  ws_ui_wait_for_finalize ((gpointer *) &data->window);
  g_clear_pointer (&data->codes, g_ptr_array_unref);
}

static gboolean
has_two_codes (gpointer data)
{
  return ((Window *) data)->codes->len == 2;
}

static gboolean
has_code (gpointer data)
{
  return ((Window *) data)->codes->len == 1;
}

static gboolean
was_cancelled (gpointer data)
{
  return ((Window *) data)->cancelled > 0;
}

static gboolean
is_gone (gpointer data)
{
  return ((Window *) data)->window == NULL;
}

/* The widget of @type whose text is @text, below @widget, or NULL. */
static GtkWidget *
find_widget (GtkWidget  *widget,
             GType       type,
             const char *text)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    {
      const char *label = type == GTK_TYPE_LABEL ? gtk_label_get_label (GTK_LABEL (widget))
                                                 : gtk_button_get_label (GTK_BUTTON (widget));
      if (g_strcmp0 (label, text) == 0)
        return widget;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkEditable *
find_entry (GtkWidget *widget)
{
  if (GTK_IS_ENTRY (widget))
    return GTK_EDITABLE (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkEditable *found = find_entry (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
entry_has_five (gpointer data)
{
  return g_str_equal (gtk_editable_get_text (find_entry (data)), "12345");
}

static void
type_code (const char *window_id,
           const char *keys)
{
  g_free (ws_ui_xdotool ("type", "--window", window_id, "--delay", "20", keys, NULL));
  g_free (ws_ui_xdotool ("key", "--window", window_id, "Return", NULL));
}

/* Digits only; Enter submits; an error is shown and the code asked again;
 * accepted, the window goes. */
static void
test_window_submit (void)
{
  Window data = { NULL };
  g_autofree char *window_id = NULL;
  GtkWidget *error_label;
  const char *message = "That code was not accepted. Wait for the next code.";

  window_open (&data);
  g_assert_nonnull (find_widget (data.window, GTK_TYPE_LABEL, SERIAL));
  g_assert_nonnull (find_widget (data.window, GTK_TYPE_LABEL, "Enter the code from your MFA device"));
  window_id = ws_ui_focus_window (TITLE);

  /* Five digits are not a code: Enter does nothing. */
  g_free (ws_ui_xdotool ("type", "--window", window_id, "--delay", "20", "12345", NULL));
  ws_ui_wait_until (entry_has_five, data.window);
  gtk_widget_activate (GTK_WIDGET (find_entry (data.window)));
  g_assert_cmpuint (data.codes->len, ==, 0);
  gtk_editable_set_text (find_entry (data.window), "");

  type_code (window_id, "12a 3456");
  ws_ui_wait_until (has_code, &data);
  g_assert_cmpstr (g_ptr_array_index (data.codes, 0), ==, "123456");
  /* While AWS looks at it, nothing more can be typed. */
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (find_entry (data.window))));

  windsock_mfa_window_show_error (WINDSOCK_MFA_WINDOW (data.window), message);
  error_label = find_widget (data.window, GTK_TYPE_LABEL, message);
  g_assert_nonnull (error_label);
  g_assert_true (gtk_widget_get_visible (error_label));
  g_assert_cmpstr (gtk_editable_get_text (find_entry (data.window)), ==, "");
  ws_ui_save_screenshot (data.window, "mfa-error");
  type_code (window_id, "654321");
  ws_ui_wait_until (has_two_codes, &data);
  g_assert_cmpstr (g_ptr_array_index (data.codes, 1), ==, "654321");
  g_assert_false (gtk_widget_get_visible (error_label));

  windsock_mfa_window_finish_ok (WINDSOCK_MFA_WINDOW (data.window));
  ws_ui_wait_until (is_gone, &data);
  g_assert_cmpuint (data.cancelled, ==, 0);
  window_close (&data);
}

static void
test_window_escape (void)
{
  Window data = { NULL };
  g_autofree char *window_id = NULL;

  window_open (&data);
  window_id = ws_ui_focus_window (TITLE);
  g_free (ws_ui_xdotool ("key", "--window", window_id, "Escape", NULL));
  ws_ui_wait_until (was_cancelled, &data);
  ws_ui_wait_until (is_gone, &data);
  g_assert_cmpuint (data.cancelled, ==, 1);
  g_assert_cmpuint (data.codes->len, ==, 0);
  window_close (&data);
}

/* No more tries: the reason stays, only Close is left, and closing is no
 * cancellation. */
static void
test_window_failure (void)
{
  Window data = { NULL };
  g_autofree char *window_id = NULL;
  GtkWidget *close_button;

  window_open (&data);
  window_id = ws_ui_focus_window (TITLE);
  type_code (window_id, "111111");
  ws_ui_wait_until (has_code, &data);

  windsock_mfa_window_show_failure (WINDSOCK_MFA_WINDOW (data.window), "Three times wrong.");
  g_assert_true (gtk_widget_get_visible (find_widget (data.window, GTK_TYPE_LABEL, "Three times wrong.")));
  g_assert_false (gtk_widget_get_visible (find_widget (data.window, GTK_TYPE_BUTTON, "_OK")));
  close_button = find_widget (data.window, GTK_TYPE_BUTTON, "_Close");
  g_assert_nonnull (close_button);
  g_signal_emit_by_name (close_button, "clicked");
  ws_ui_wait_until (is_gone, &data);
  g_assert_cmpuint (data.cancelled, ==, 0);
  window_close (&data);
}

/* The process */

typedef struct
{
  GSubprocess      *process;
  GDataInputStream *codes;
  char             *line;
  gboolean          read;
  gboolean          exited;
} Process;

static void
on_line (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Process *process = user_data;

  process->line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, NULL, NULL);
  process->read = TRUE;
}

static gboolean
line_read (gpointer data)
{
  return ((Process *) data)->read;
}

/* The next line the window writes, or NULL at its end. */
static char *
process_read_line (Process *process)
{
  process->read = FALSE;
  g_data_input_stream_read_line_async (process->codes, G_PRIORITY_DEFAULT, NULL, on_line, process);
  ws_ui_wait_until (line_read, process);
  return g_steal_pointer (&process->line);
}

static void
process_tell (Process    *process,
              const char *line)
{
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (g_subprocess_get_stdin_pipe (process->process), line, strlen (line),
                             NULL, NULL, &error);
  g_assert_no_error (error);
}

static void
on_exited (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Process *process = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  process->exited = TRUE;
}

static gboolean
process_exited (gpointer data)
{
  return ((Process *) data)->exited;
}

static void
process_start (Process *process)
{
  g_autoptr(GError) error = NULL;

  process->process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                                       g_getenv ("WINDSOCK_UI"), "mfa", "admin", SERIAL, NULL);
  g_assert_no_error (error);
  process->codes = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process->process));
  g_subprocess_wait_async (process->process, NULL, on_exited, process);
}

static int
process_finish (Process *process)
{
  int status;

  ws_ui_wait_until (process_exited, process);
  g_assert_true (g_subprocess_get_if_exited (process->process));
  status = g_subprocess_get_exit_status (process->process);
  g_clear_object (&process->codes);
  g_clear_object (&process->process);
  return status;
}

typedef struct
{
  const char *window_id;
  guint       height;
} Geometry;

static guint
window_height (const char *window_id)
{
  g_autofree char *shell = ws_ui_xdotool ("getwindowgeometry", "--shell", window_id, NULL);
  const char *height = shell != NULL ? strstr (shell, "HEIGHT=") : NULL;

  g_assert_nonnull (height);
  return (guint) g_ascii_strtoull (height + strlen ("HEIGHT="), NULL, 10);
}

/* The error appears below the entry: the window grows. */
static gboolean
window_grew (gpointer data)
{
  Geometry *geometry = data;

  return window_height (geometry->window_id) > geometry->height;
}

static void
test_process (void)
{
  Process process = { NULL };
  g_autofree char *window_id = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  Geometry geometry;

  process_start (&process);
  window_id = ws_ui_focus_window (TITLE);
  type_code (window_id, "111111");
  first = process_read_line (&process);
  g_assert_cmpstr (first, ==, "111111");

  /* Told why, it asks again in the same window. */
  geometry.window_id = window_id;
  geometry.height = window_height (window_id);
  process_tell (&process, "error That code was not accepted.\n");
  ws_ui_wait_until (window_grew, &geometry);
  type_code (window_id, "123456");
  second = process_read_line (&process);
  g_assert_cmpstr (second, ==, "123456");

  process_tell (&process, "ok\n");
  g_assert_cmpint (process_finish (&process), ==, 0);
}

static void
test_process_cancel (void)
{
  Process process = { NULL };
  g_autofree char *window_id = NULL;
  g_autofree char *line = NULL;

  process_start (&process);
  window_id = ws_ui_focus_window (TITLE);
  g_free (ws_ui_xdotool ("key", "--window", window_id, "Escape", NULL));
  line = process_read_line (&process);
  g_assert_null (line);
  g_assert_cmpint (process_finish (&process), ==, 1);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GTestDBus) bus = ws_ui_test_init (&argc, &argv);
  int status;

  g_test_add_func ("/mfa/window/submit", test_window_submit);
  g_test_add_func ("/mfa/window/escape", test_window_escape);
  g_test_add_func ("/mfa/window/failure", test_window_failure);
  g_test_add_func ("/mfa/process", test_process);
  g_test_add_func ("/mfa/process/cancel", test_process_cancel);

  status = g_test_run ();
  g_test_dbus_down (bus);
  return status;
}
