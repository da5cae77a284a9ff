/* windsock-ui.c — the short-lived GTK process the service starts:
 *   windsock-ui pick                 the "Open Airflow" picker
 *   windsock-ui preferences          the Preferences window
 *   windsock-ui copy [--seconds N]   a login URL read from stdin onto the
 *                                    clipboard for N (60) seconds
 *   windsock-ui signin PROFILE [--use-device-code]
 *                                    the IAM Identity Center sign-in; exits
 *                                    0 once signed in, 1 otherwise
 *   windsock-ui mfa PROFILE MFA_SERIAL
 *                                    asks for an MFA code: writes it and
 *                                    "\n" on stdout, then reads "ok",
 *                                    "error MESSAGE" (ask again) or "fail
 *                                    MESSAGE" lines on stdin; exits 0 once
 *                                    the code was accepted
 * The service itself never links GTK.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <gio/gunixinputstream.h>
#include <gio/gunixoutputstream.h>
#include <gtk/gtk.h>

#include "windsock-copy-window.h"
#include "windsock-mfa-window.h"
#include "windsock-picker-window.h"
#include "windsock-preferences-window.h"
#include "windsock-signin-window.h"
#include "windsock-style.h"
#include "ws-i18n.h"
#include "ws-secret.h"

#define MAX_URL_LENGTH (64 * 1024)

/* The same id as the service, for the desktop file's name and icon, but
 * non-unique: it must never take the service's bus name. */
static GtkApplication *
ui_application_new (void)
{
  GtkApplication *application = gtk_application_new (APP_ID, G_APPLICATION_NON_UNIQUE);

  g_signal_connect (application, "startup", G_CALLBACK (windsock_style_load), NULL);
  return application;
}

static void
on_pick_activate (GtkApplication *application)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);

  gtk_window_present (GTK_WINDOW (windsock_picker_window_new (application, settings, NULL)));
}

static void
on_preferences_activate (GtkApplication *application)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);

  gtk_window_present (GTK_WINDOW (windsock_preferences_window_new (application, settings, NULL)));
}

typedef struct
{
  GBytes *url;       /* until the window takes it */
  guint   seconds;
} CopyRequest;

static void
on_copy_activate (GtkApplication *application,
                  CopyRequest    *request)
{
  GtkWidget *window;

  if (request->url == NULL)
    return;
  window = windsock_copy_window_new (application, g_steal_pointer (&request->url), request->seconds);
  gtk_window_present (GTK_WINDOW (window));
}

/* The URL is a secret: it comes on stdin, never in argv where every
 * process can read it; the buffer is wiped on every path. Blocking is
 * fine: the main loop has not started. */
static GBytes *
read_url (GError **error)
{
  g_autoptr(WsSecretString) text = g_string_sized_new (1024);
  char buffer[1024];
  ssize_t n;

  while ((n = read (STDIN_FILENO, buffer, sizeof buffer)) != 0)
    {
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          ws_secret_wipe (buffer, sizeof buffer);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("Could not read the link: %s"), g_strerror (saved));
          return NULL;
        }
      g_string_append_len (text, buffer, n);
      if (text->len > MAX_URL_LENGTH)
        break;
    }
  ws_secret_wipe (buffer, sizeof buffer);

  while (text->len > 0 && g_ascii_isspace (text->str[text->len - 1]))
    text->str[--text->len] = '\0';
  if (text->len == 0 || text->len > MAX_URL_LENGTH || memchr (text->str, '\n', text->len) != NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("Expected one sign-in link on standard input"));
      return NULL;
    }

  return g_bytes_new (text->str, text->len);
}

static int
run_copy (int    argc,
          char **argv)
{
  g_autoptr(GtkApplication) application = NULL;
  g_autoptr(GError) error = NULL;
  CopyRequest request = { NULL, 60 };
  guint64 seconds = 60;
  int status;

  if (argc == 4 && g_str_equal (argv[2], "--seconds"))
    {
      if (!g_ascii_string_to_unsigned (argv[3], 10, 1, 3600, &seconds, &error))
        {
          g_printerr ("windsock-ui: --seconds: %s\n", error->message);
          return 2;
        }
    }
  else if (argc != 2)
    {
      g_printerr ("%s\n", _("Usage: windsock-ui copy [--seconds N] < URL"));
      return 2;
    }

  request.url = read_url (&error);
  request.seconds = (guint) seconds;
  if (request.url == NULL)
    {
      g_printerr ("windsock-ui: %s\n", error->message);
      return 1;
    }

  application = ui_application_new ();
  g_signal_connect (application, "activate", G_CALLBACK (on_copy_activate), &request);
  status = g_application_run (G_APPLICATION (application), 1, argv);
  /* Not shown (no display, say): still wiped. */
  g_clear_pointer (&request.url, ws_secret_bytes_unref);
  return status;
}

/* The sign-in: one process per sso-session */

typedef struct
{
  WsAwsContext    *context;
  const char      *profile;
  WsSsoLoginFlags  flags;
  GtkWidget       *window;   /* weak */
  GPtrArray       *callers;  /* GApplicationCommandLine of later `signin`s for the session */
  int              status;   /* the process's exit status */
} SignIn;

/* The later callers exit with the sign-in's result: their command line
 * answers when released. */
static void
on_signin_finished (GtkWidget *window,
                    gboolean   signed_in,
                    SignIn    *sign_in)
{
  sign_in->status = signed_in ? 0 : 1;
  for (guint i = 0; i < sign_in->callers->len; i++)
    g_application_command_line_set_exit_status (g_ptr_array_index (sign_in->callers, i), sign_in->status);
  g_ptr_array_set_size (sign_in->callers, 0);
}

static int
on_signin_command_line (GtkApplication          *application,
                        GApplicationCommandLine *command_line,
                        SignIn                  *sign_in)
{
  if (sign_in->window == NULL)
    {
      g_autoptr(GSettings) settings = g_settings_new (APP_ID);
      g_autoptr(WsLauncher) launcher = ws_launcher_new (settings);

      sign_in->window = windsock_signin_window_new (application, sign_in->context, launcher,
                                                    sign_in->profile, sign_in->flags);
      g_object_add_weak_pointer (G_OBJECT (sign_in->window), (gpointer *) &sign_in->window);
      g_signal_connect (sign_in->window, "finished", G_CALLBACK (on_signin_finished), sign_in);
    }
  /* A second `signin` for the session gets this window, not another. */
  if (g_application_command_line_get_is_remote (command_line))
    g_ptr_array_add (sign_in->callers, g_object_ref (command_line));
  gtk_window_present (GTK_WINDOW (sign_in->window));
  return 0;
}

/* A unique application per sso-session (the hash keeps the name a valid
 * D-Bus element), never the service's name. A profile without a session
 * gets one of its own: its window says what is missing. */
static char *
signin_application_id (WsAwsConfig *config,
                       const char  *profile)
{
  const char *key = windsock_signin_session_key (config, profile);
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA1, key != NULL ? key : profile, -1);

  return g_strconcat (APP_ID ".SignIn.S", hash, NULL);
}

static void
on_signin_startup (GtkApplication *application)
{
  windsock_style_load ();
  /* The application id is the session's: the icon is still Windsock's. */
  gtk_window_set_default_icon_name (APP_ID);
}

static int
run_signin (int    argc,
            char **argv)
{
  g_auto(GStrv) environ = g_get_environ ();
  g_autoptr(WsAwsClient) client = NULL;
  g_autoptr(WsAwsContext) context = NULL;
  g_autoptr(GtkApplication) application = NULL;
  g_autoptr(GPtrArray) callers = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *application_id = NULL;
  SignIn sign_in = { NULL, NULL, WS_SSO_LOGIN_DEFAULT, NULL, callers, 1 };
  int status;

  if (argc == 4 && g_str_equal (argv[3], "--use-device-code"))
    sign_in.flags = WS_SSO_LOGIN_DEVICE_CODE;
  else if (argc != 3)
    {
      g_printerr ("%s\n", _("Usage: windsock-ui signin PROFILE [--use-device-code]"));
      return 2;
    }

  client = ws_aws_client_new ();
  context = ws_aws_context_new (client, (const char * const *) environ);
  sign_in.context = context;
  sign_in.profile = argv[2];
  application_id = signin_application_id (ws_aws_context_get_config (context), sign_in.profile);

  application = gtk_application_new (application_id, G_APPLICATION_HANDLES_COMMAND_LINE);
  g_signal_connect (application, "startup", G_CALLBACK (on_signin_startup), NULL);
  g_signal_connect (application, "command-line", G_CALLBACK (on_signin_command_line), &sign_in);
  /* Only the program's name: the arguments were read here, and a second
   * instance's are not needed by the first. */
  status = g_application_run (G_APPLICATION (application), 1, argv);
  return status != 0 ? status : sign_in.status;
}

/* The MFA prompt: codes go out on stdout, AWS's verdicts come in on stdin */

typedef struct
{
  const char       *profile;
  const char       *serial;
  GtkWidget        *window;   /* weak */
  GDataInputStream *input;
  GOutputStream    *output;
  GCancellable     *cancellable;
  gboolean          failed;
  int               status;   /* the process's exit status */
} MfaPrompt;

static void mfa_read_verdict (MfaPrompt *prompt);

/* "ok" closes the window, "error MESSAGE" asks again, "fail MESSAGE" shows
 * why there are no more tries; the end of the input closes the window
 * unless it shows a failure. */
static void
on_mfa_verdict (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  MfaPrompt *prompt = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  WindsockMfaWindow *window;

  line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || prompt->window == NULL)
    return;

  window = WINDSOCK_MFA_WINDOW (prompt->window);
  if (line == NULL)
    {
      if (!prompt->failed)
        gtk_window_destroy (GTK_WINDOW (window));
      return;
    }

  if (g_str_equal (line, "ok"))
    {
      prompt->status = 0;
      windsock_mfa_window_finish_ok (window);
      return;
    }
  if (g_str_has_prefix (line, "error "))
    windsock_mfa_window_show_error (window, line + strlen ("error "));
  else if (g_str_has_prefix (line, "fail "))
    {
      prompt->failed = TRUE;
      windsock_mfa_window_show_failure (window, line + strlen ("fail "));
    }
  mfa_read_verdict (prompt);
}

static void
mfa_read_verdict (MfaPrompt *prompt)
{
  g_data_input_stream_read_line_async (prompt->input, G_PRIORITY_DEFAULT, prompt->cancellable,
                                       on_mfa_verdict, prompt);
}

/* The code never goes anywhere but the pipe, and the buffer is wiped. */
static void
on_mfa_submitted (WindsockMfaWindow *window,
                  const char        *code,
                  MfaPrompt         *prompt)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WsSecret) line = g_strconcat (code, "\n", NULL);

  if (!g_output_stream_write_all (prompt->output, line, strlen (line), NULL, NULL, &error) ||
      !g_output_stream_flush (prompt->output, NULL, &error))
    {
      prompt->failed = TRUE;
      windsock_mfa_window_show_failure (window, _("Windsock is no longer waiting for this code; close this window and try again."));
    }
}

static void
on_mfa_activate (GtkApplication *application,
                 MfaPrompt      *prompt)
{
  if (prompt->window == NULL)
    {
      prompt->window = windsock_mfa_window_new (application, prompt->profile, prompt->serial);
      g_object_add_weak_pointer (G_OBJECT (prompt->window), (gpointer *) &prompt->window);
      g_signal_connect (prompt->window, "submitted", G_CALLBACK (on_mfa_submitted), prompt);
      mfa_read_verdict (prompt);
    }
  gtk_window_present (GTK_WINDOW (prompt->window));
}

static int
run_mfa (int    argc,
         char **argv)
{
  g_autoptr(GInputStream) stdin_stream = g_unix_input_stream_new (STDIN_FILENO, FALSE);
  g_autoptr(GDataInputStream) input = g_data_input_stream_new (stdin_stream);
  g_autoptr(GOutputStream) output = g_unix_output_stream_new (STDOUT_FILENO, FALSE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GtkApplication) application = NULL;
  MfaPrompt prompt = { NULL, NULL, NULL, input, output, cancellable, FALSE, 1 };
  int status;

  if (argc != 4)
    {
      g_printerr ("%s\n", _("Usage: windsock-ui mfa PROFILE MFA_SERIAL"));
      return 2;
    }
  prompt.profile = argv[2];
  prompt.serial = argv[3];

  application = ui_application_new ();
  g_signal_connect (application, "activate", G_CALLBACK (on_mfa_activate), &prompt);
  status = g_application_run (G_APPLICATION (application), 1, argv);
  g_cancellable_cancel (cancellable);
  return status != 0 ? status : prompt.status;
}

/* A window that needs nothing but the settings: the picker, Preferences. */
static int
run_window (char      **argv,
            GCallback   on_activate)
{
  g_autoptr(GtkApplication) application = ui_application_new ();

  g_signal_connect (application, "activate", on_activate, NULL);
  return g_application_run (G_APPLICATION (application), 1, argv);
}

int
main (int    argc,
      char **argv)
{
  ws_i18n_init ();

  if (argc == 2 && g_str_equal (argv[1], "pick"))
    return run_window (argv, G_CALLBACK (on_pick_activate));
  if (argc == 2 && g_str_equal (argv[1], "preferences"))
    return run_window (argv, G_CALLBACK (on_preferences_activate));
  if (argc >= 2 && g_str_equal (argv[1], "mfa"))
    return run_mfa (argc, argv);
  if (argc >= 2 && g_str_equal (argv[1], "copy"))
    return run_copy (argc, argv);
  if (argc >= 2 && g_str_equal (argv[1], "signin"))
    return run_signin (argc, argv);

  g_printerr ("%s\n", _("Usage: windsock-ui pick | windsock-ui preferences | windsock-ui copy [--seconds N] < URL | "
                         "windsock-ui signin PROFILE [--use-device-code] | windsock-ui mfa PROFILE MFA_SERIAL"));
  return 2;
}
