/* windsock-signin-window.c — the sign-in runs in this window's process:
 * the page opens in the browser, the window follows the flow and says
 * what went wrong in words
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>

#include "windsock-activation.h"
#include "windsock-signin-window.h"
#include "ws-aws-error.h"

/* How long "Signed in" stays before the window closes. */
#define DONE_SECONDS 1

typedef enum
{
  STATE_STARTING,  /* registering, before the browser */
  STATE_BROWSER,   /* authorization code: the user signs in on the page */
  STATE_CODE,      /* device code: the user compares the code */
  STATE_FAILED,
  STATE_DONE,
} State;

struct _WindsockSigninWindow
{
  GtkApplicationWindow  parent_instance;

  WsAwsContext         *context;
  WsLauncher           *launcher;
  char                 *profile;
  WsSsoLoginFlags       flags;
  GCancellable         *cancellable;   /* the sign-in in progress */
  char                 *page;          /* where the browser goes */
  State                 state;
  gboolean              started;
  gboolean              finished;      /* closing or gone: nothing more to show */
  guint                 close_id;

  GtkSpinner           *spinner;
  GtkImage             *done_image;
  GtkLabel             *status_label;
  GtkLabel             *code_label;
  GtkLabel             *detail_label;
  GtkLabel             *session_label;
  GtkButton            *open_again_button;
  GtkButton            *use_code_button;
  GtkButton            *retry_button;
  GtkButton            *cancel_button;
};

G_DEFINE_FINAL_TYPE (WindsockSigninWindow, windsock_signin_window, GTK_TYPE_APPLICATION_WINDOW)

enum
{
  SIGNAL_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

const char *
windsock_signin_session_key (WsAwsConfig *config,
                             const char  *profile)
{
  const char *session = ws_aws_config_get_profile_setting (config, profile, "sso_session");

  if (session != NULL)
    return session;
  return ws_aws_config_get_profile_setting (config, profile, "sso_start_url");
}

/* "sso-session corp · https://corp.awsapps.com/start", or what there is. */
static char *
describe_session (WindsockSigninWindow *self)
{
  WsAwsConfig *config = ws_aws_context_get_config (self->context);
  const char *session = ws_aws_config_get_profile_setting (config, self->profile, "sso_session");
  const char *start_url = ws_aws_config_get_profile_setting (config, self->profile, "sso_start_url");

  if (session != NULL && start_url == NULL)
    start_url = ws_aws_config_get_sso_session_value (config, session, "sso_start_url");
  if (session != NULL && start_url != NULL)
    return g_strdup_printf (_("IAM Identity Center session “%s”\n%s"), session, start_url);
  if (session != NULL)
    return g_strdup_printf (_("IAM Identity Center session “%s”"), session);
  return g_strdup (start_url);
}

static void
set_state (WindsockSigninWindow *self,
           State                 state,
           const char           *status,
           const char           *detail)
{
  gboolean waiting = state == STATE_BROWSER || state == STATE_CODE;

  self->state = state;
  gtk_label_set_label (self->status_label, status);
  gtk_label_set_label (self->detail_label, detail != NULL ? detail : "");
  gtk_widget_set_visible (GTK_WIDGET (self->detail_label), detail != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->code_label), state == STATE_CODE);

  gtk_spinner_set_spinning (self->spinner, state < STATE_FAILED);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), state < STATE_FAILED);
  gtk_widget_set_visible (GTK_WIDGET (self->done_image), state == STATE_DONE);
  if (state == STATE_FAILED)
    gtk_widget_add_css_class (GTK_WIDGET (self->detail_label), "error-bar");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->detail_label), "error-bar");

  gtk_widget_set_visible (GTK_WIDGET (self->open_again_button), waiting);
  /* A code helps when the browser is on another machine; in the code
   * flow already, or once done, it has nothing to offer. */
  gtk_widget_set_visible (GTK_WIDGET (self->use_code_button),
                          state < STATE_DONE && !(self->flags & WS_SSO_LOGIN_DEVICE_CODE));
  gtk_widget_set_visible (GTK_WIDGET (self->retry_button), state == STATE_FAILED);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), state != STATE_DONE);

  /* Keyboard first: the focus is on what one would do next. */
  if (state == STATE_FAILED)
    gtk_widget_grab_focus (GTK_WIDGET (self->retry_button));
  else if (waiting)
    gtk_widget_grab_focus (GTK_WIDGET (self->open_again_button));
  else if (state == STATE_STARTING)
    gtk_widget_grab_focus (GTK_WIDGET (self->cancel_button));
}

static void
show_starting (WindsockSigninWindow *self)
{
  set_state (self, STATE_STARTING, _("Opening your browser…"), NULL);
}

static void
show_failure (WindsockSigninWindow *self,
              const char           *detail)
{
  g_autofree char *status = g_strdup_printf (_("Could not sign in to %s"), self->profile);

  set_state (self, STATE_FAILED, status, detail);
}

static void
on_page_opened (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(WindsockSigninWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *detail = NULL;

  if (ws_launcher_open_uri_finish (WS_LAUNCHER (source), result, &error) || self->finished ||
      (self->state != STATE_BROWSER && self->state != STATE_CODE))
    return;

  /* The sign-in still waits: the page can be opened by hand. */
  detail = g_strdup_printf (_("Your browser did not open (%s). Open this page yourself:\n%s"),
                            error->message, self->page);
  gtk_label_set_label (self->detail_label, detail);
  gtk_widget_set_visible (GTK_WIDGET (self->detail_label), TRUE);
}

static void
open_page (WindsockSigninWindow *self)
{
  /* A fresh token: the one we were started with brought this window up. */
  g_autofree char *token = windsock_dup_activation_token (GTK_WIDGET (self));

  ws_launcher_open_uri_async (self->launcher, self->page, token, FALSE, self->cancellable,
                              on_page_opened, g_object_ref (self));
}

static void
on_prompt (const char *user_code,
           const char *verification_uri,
           gpointer    user_data)
{
  WindsockSigninWindow *self = user_data;

  g_free (self->page);
  self->page = g_strdup (verification_uri);
  if (user_code != NULL)
    {
      gtk_label_set_label (self->code_label, user_code);
      set_state (self, STATE_CODE, _("Confirm this code in your browser"),
                 _("Check that the page shows the same code, then approve the sign-in there."));
    }
  else
    set_state (self, STATE_BROWSER, _("Continue in your browser"),
               _("Sign in on the page that opened. This window closes when you are done."));
  open_page (self);
}

static gboolean
on_done_shown (gpointer user_data)
{
  WindsockSigninWindow *self = user_data;

  self->close_id = 0;
  gtk_window_close (GTK_WINDOW (self));
  return G_SOURCE_REMOVE;
}

static void start_sign_in (WindsockSigninWindow *self);

/* After a cancel, WsSso forgets the old sign-in from its own main-context
 * source; starting the next one from an idle keeps it from joining the
 * cancelled one. */
static gboolean
on_restart (gpointer user_data)
{
  start_sign_in (user_data);
  return G_SOURCE_REMOVE;
}

/* WsSso words the errors of the sign-in itself for the command line
 * ("run `windsock login`"); here the remedy is the Try Again button. The
 * others (network, configuration) say what to check already. */
static char *
describe_error (const GError *error)
{
  if (g_error_matches (error, WS_AWS_ERROR, WS_AWS_ERROR_ACCESS_DENIED))
    return g_strdup (_("The sign-in was denied in the browser. Try again, and allow it there."));
  if (g_error_matches (error, WS_AWS_ERROR, WS_AWS_ERROR_SSO_LOGIN_REQUIRED))
    return g_strdup (_("The sign-in was not completed in the browser in time. Try again."));
  return g_strdup (error->message);
}

static void
on_signed_in (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(WindsockSigninWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *detail = NULL;

  if (ws_sso_login_finish (WS_SSO (source), result, &error))
    {
      g_clear_object (&self->cancellable);
      set_state (self, STATE_DONE, _("Signed in"), NULL);
      self->close_id = g_timeout_add_seconds (DONE_SECONDS, on_done_shown, self);
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Cancelled for a switch to the code flow (the window still there). */
      if (!self->finished)
        g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, on_restart, g_object_ref (self), g_object_unref);
      return;
    }

  g_clear_object (&self->cancellable);
  detail = describe_error (error);
  show_failure (self, detail);
}

static void
start_sign_in (WindsockSigninWindow *self)
{
  WsSso *sso = ws_aws_context_get_sso (self->context);
  const GError *config_error = ws_aws_context_get_config_error (self->context);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->page, g_free);
  /* Else the profile would just be "missing". The context reloads the
   * file when it is saved: Try Again then finds it fixed. */
  if (config_error != NULL)
    {
      show_failure (self, config_error->message);
      return;
    }
  self->cancellable = g_cancellable_new ();
  show_starting (self);
  ws_sso_login_async (sso, self->profile, self->flags, on_prompt, self, self->cancellable,
                      on_signed_in, g_object_ref (self));
}

static void
on_open_again_clicked (WindsockSigninWindow *self)
{
  if (self->page != NULL)
    open_page (self);
}

static void
on_use_code_clicked (WindsockSigninWindow *self)
{
  self->flags |= WS_SSO_LOGIN_DEVICE_CODE;
  if (self->state == STATE_FAILED || self->cancellable == NULL)
    start_sign_in (self);
  else
    {
      /* on_signed_in() starts again once the old one is gone. */
      show_starting (self);
      g_cancellable_cancel (self->cancellable);
    }
}

static void
on_retry_clicked (WindsockSigninWindow *self)
{
  start_sign_in (self);
}

static void
on_cancel_clicked (WindsockSigninWindow *self)
{
  gtk_window_close (GTK_WINDOW (self));
}

static gboolean
windsock_signin_window_close_request (GtkWindow *window)
{
  WindsockSigninWindow *self = WINDSOCK_SIGNIN_WINDOW (window);

  if (!self->finished)
    {
      self->finished = TRUE;
      g_cancellable_cancel (self->cancellable);
      g_signal_emit (self, signals[SIGNAL_FINISHED], 0, self->state == STATE_DONE);
    }
  return GTK_WINDOW_CLASS (windsock_signin_window_parent_class)->close_request (window);
}

static void
windsock_signin_window_map (GtkWidget *widget)
{
  WindsockSigninWindow *self = WINDSOCK_SIGNIN_WINDOW (widget);

  GTK_WIDGET_CLASS (windsock_signin_window_parent_class)->map (widget);

  if (self->started)
    return;
  self->started = TRUE;
  start_sign_in (self);
}

static void
windsock_signin_window_dispose (GObject *object)
{
  WindsockSigninWindow *self = WINDSOCK_SIGNIN_WINDOW (object);

  /* Whatever still completes finds nothing to update. */
  self->finished = TRUE;
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->close_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), WINDSOCK_TYPE_SIGNIN_WINDOW);

  G_OBJECT_CLASS (windsock_signin_window_parent_class)->dispose (object);
}

static void
windsock_signin_window_finalize (GObject *object)
{
  WindsockSigninWindow *self = WINDSOCK_SIGNIN_WINDOW (object);

  g_clear_object (&self->context);
  g_clear_object (&self->launcher);
  g_clear_object (&self->cancellable);
  g_free (self->profile);
  g_free (self->page);

  G_OBJECT_CLASS (windsock_signin_window_parent_class)->finalize (object);
}

static void
windsock_signin_window_class_init (WindsockSigninWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = windsock_signin_window_dispose;
  object_class->finalize = windsock_signin_window_finalize;
  widget_class->map = windsock_signin_window_map;
  window_class->close_request = windsock_signin_window_close_request;

  signals[SIGNAL_FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_BOOLEAN);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/windsock/Windsock/ui/windsock-signin-window.ui");
  gtk_widget_class_bind_template_child (widget_class, WindsockSigninWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, WindsockSigninWindow, done_image);
  gtk_widget_class_bind_template_child (widget_class, WindsockSigninWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, WindsockSigninWindow, code_label);
  gtk_widget_class_bind_template_child (widget_class, WindsockSigninWindow, detail_label);
  gtk_widget_class_bind_template_child (widget_class, WindsockSigninWindow, session_label);
  gtk_widget_class_bind_template_child (widget_class, WindsockSigninWindow, open_again_button);
  gtk_widget_class_bind_template_child (widget_class, WindsockSigninWindow, use_code_button);
  gtk_widget_class_bind_template_child (widget_class, WindsockSigninWindow, retry_button);
  gtk_widget_class_bind_template_child (widget_class, WindsockSigninWindow, cancel_button);
  gtk_widget_class_bind_template_callback (widget_class, on_open_again_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_use_code_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_retry_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_clicked);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
windsock_signin_window_init (WindsockSigninWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
windsock_signin_window_new (GtkApplication  *application,
                            WsAwsContext    *context,
                            WsLauncher      *launcher,
                            const char      *profile,
                            WsSsoLoginFlags  flags)
{
  WindsockSigninWindow *self;
  g_autofree char *title = NULL;
  g_autofree char *session = NULL;

  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (WS_IS_AWS_CONTEXT (context), NULL);
  g_return_val_if_fail (WS_IS_LAUNCHER (launcher), NULL);
  g_return_val_if_fail (profile != NULL, NULL);

  title = g_strdup_printf (_("Sign in to %s"), profile);
  self = g_object_new (WINDSOCK_TYPE_SIGNIN_WINDOW, "application", application, "title", title, NULL);
  self->context = g_object_ref (context);
  self->launcher = g_object_ref (launcher);
  self->profile = g_strdup (profile);
  self->flags = flags;

  session = describe_session (self);
  gtk_label_set_label (self->session_label, session != NULL ? session : "");
  gtk_widget_set_visible (GTK_WIDGET (self->session_label), session != NULL);
  show_starting (self);
  return GTK_WIDGET (self);
}
