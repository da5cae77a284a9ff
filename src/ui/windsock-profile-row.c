/* windsock-profile-row.c — one AWS profile in Preferences
 *
 * Test resolves the profile's credentials in this process, through the
 * window's WsAwsContext, as the service would; only where they came from
 * and when they expire are shown, never the credentials. Signing in is
 * the service's job (it owns the browser hand-off and the notifications):
 * the Sign In button asks it over D-Bus, and the row tests again by itself
 * once the sign-in's token is written.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>

#include "windsock-activation.h"
#include "windsock-profile-row.h"
#include "windsock-signin-window.h"
#include "ws-aws-error.h"
#include "ws-sso.h"

#define SERVICE_ID   "io.github.windsock.Windsock"
#define SERVICE_PATH "/io/github/windsock/Windsock"
/* A file written in place is a burst of events: one test, after the last. */
#define TOKEN_SETTLE_MS 500

struct _WindsockProfileRow
{
  GtkListBoxRow  parent_instance;

  char          *name;
  WsAwsContext  *context;
  GCancellable  *cancellable;   /* the test in progress, or NULL */
  GFileMonitor  *token_monitor; /* the sign-in's token, until it is written */
  guint          token_settle_id;

  GtkCheckButton *check;
  GtkLabel      *name_label;
  GtkLabel      *status_label;
  GtkLabel      *detail_label;
  GtkSpinner    *spinner;
  GtkWidget     *sign_in_button;
  GtkWidget     *test_button;
};

G_DEFINE_FINAL_TYPE (WindsockProfileRow, windsock_profile_row, GTK_TYPE_LIST_BOX_ROW)

enum { PROP_0, PROP_NAME, PROP_CONTEXT, PROP_CHECKED, N_PROPS };
static GParamSpec *properties[N_PROPS];

/* Words for a person */

const char *
windsock_profile_row_describe_source (const char *source)
{
  static const struct { const char *source; const char *label; } labels[] = {
    { "credentials file", N_("Static keys") },
    { "environment", N_("Environment variables") },
    { "credential_process", N_("Credential process") },
    { "SSO", N_("IAM Identity Center") },
    { "web identity", N_("Web identity") },
  };

  g_return_val_if_fail (source != NULL, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_str_equal (source, labels[i].source))
      return _(labels[i].label);
  /* "assume role ARN": the role is in the profile already. */
  if (g_str_has_prefix (source, "assume role "))
    return _("Assumed role");
  return source;
}

char *
windsock_profile_row_describe_expiry (GDateTime *expiration,
                                      GDateTime *now)
{
  GTimeSpan left;
  gint64 minutes;
  gint64 hours;

  if (expiration == NULL)
    return g_strdup (_("no expiry"));

  left = g_date_time_difference (expiration, now);
  if (left <= 0)
    return g_strdup (_("expired"));
  minutes = left / G_TIME_SPAN_MINUTE;
  hours = minutes / 60;
  if (minutes < 1)
    return g_strdup (_("expires in less than a minute"));
  if (hours < 1)
    /* Translators: a short time left, "min" for minutes */
    return g_strdup_printf (_("expires in %d min"), (int) minutes);
  if (hours < 48 && minutes % 60 == 0)
    /* Translators: time left, "h" for hours */
    return g_strdup_printf (_("expires in %d h"), (int) hours);
  if (hours < 48)
    /* Translators: time left, "h" for hours, "min" for minutes */
    return g_strdup_printf (_("expires in %d h %d min"), (int) hours, (int) (minutes % 60));
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "expires in %d day", "expires in %d days",
                                       (gulong) (hours / 24)),
                          (int) (hours / 24));
}

/* The few words that say what went wrong; the error's own message says
 * how to fix it, under them. */
static const char *
describe_error (const GError *error)
{
  /* Not this row's cancellable: the MFA window's Cancel. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return _("No MFA code was entered");
  if (error->domain != WS_AWS_ERROR)
    return _("Could not get credentials");

  switch ((WsAwsError) error->code)
    {
    case WS_AWS_ERROR_SSO_LOGIN_REQUIRED:
      return _("Sign-in needed");
    case WS_AWS_ERROR_MFA_REQUIRED:
      return _("Asks for an MFA code when used");
    case WS_AWS_ERROR_NO_CREDENTIALS:
      return _("No credentials found");
    case WS_AWS_ERROR_EXPIRED_CREDENTIALS:
      return _("Credentials expired");
    case WS_AWS_ERROR_INVALID_CREDENTIALS:
      return _("Credentials not accepted by AWS");
    case WS_AWS_ERROR_INVALID_CONFIG:
    case WS_AWS_ERROR_UNKNOWN_PROFILE:
    case WS_AWS_ERROR_NO_REGION:
      return _("Problem in the AWS configuration");
    case WS_AWS_ERROR_CREDENTIAL_PROCESS:
      return _("Credential process failed");
    case WS_AWS_ERROR_ACCESS_DENIED:
      return _("Access denied");
    case WS_AWS_ERROR_NETWORK:
    case WS_AWS_ERROR_TIMEOUT:
    case WS_AWS_ERROR_TLS:
      return _("Cannot reach AWS");
    case WS_AWS_ERROR_CLOCK_SKEW:
      return _("This computer’s clock is wrong");
    default:
      return _("Could not get credentials");
    }
}

/* Showing a result */

static void
show_result (WindsockProfileRow *self,
             const char         *status,
             const char         *detail,
             gboolean            failed)
{
  gtk_label_set_label (self->status_label, status);
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), status != NULL);
  /* Adwaita's own error colour is too dark to read on the dark style. */
  if (failed)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "profile-error");
    }
  else
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "dim-label");
      gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "profile-error");
    }
  gtk_label_set_label (self->detail_label, detail);
  gtk_widget_set_visible (GTK_WIDGET (self->detail_label), detail != NULL);
}

static void
set_testing (WindsockProfileRow *self,
             gboolean            testing)
{
  gtk_spinner_set_spinning (self->spinner, testing);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), testing);
  gtk_widget_set_sensitive (self->test_button, !testing);
}

static void
show_credentials (WindsockProfileRow *self,
                  WsCredentials      *credentials)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *expiry = windsock_profile_row_describe_expiry (ws_credentials_get_expiration (credentials), now);
  /* Translators: where credentials come from · when they expire */
  g_autofree char *status = g_strdup_printf (_("%s · %s"),
                                             windsock_profile_row_describe_source (ws_credentials_get_source (credentials)),
                                             expiry);

  show_result (self, status, NULL, FALSE);
}

static void
show_error (WindsockProfileRow *self,
            const GError       *error)
{
  gboolean sign_in = g_error_matches (error, WS_AWS_ERROR, WS_AWS_ERROR_SSO_LOGIN_REQUIRED);
  /* Neither is a fault: the buttons and the prompt deal with them. */
  gboolean expected = sign_in || g_error_matches (error, WS_AWS_ERROR, WS_AWS_ERROR_MFA_REQUIRED) ||
                      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  show_result (self, describe_error (error), expected ? NULL : error->message, !expected);
  gtk_widget_set_visible (self->sign_in_button, sign_in);
}

/* Testing */

static void
on_credentials (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(WindsockProfileRow) self = user_data;
  g_autoptr(WsCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  credentials = ws_credentials_provider_get_finish (WS_CREDENTIALS_PROVIDER (source), result, &error);
  /* The row left the window: nobody to tell. */
  if (self->cancellable == NULL)
    return;

  g_clear_object (&self->cancellable);
  set_testing (self, FALSE);
  if (credentials != NULL)
    show_credentials (self, credentials);
  else
    show_error (self, error);
}

void
windsock_profile_row_test (WindsockProfileRow *self)
{
  WsCredentialsProvider *provider;

  g_return_if_fail (WINDSOCK_IS_PROFILE_ROW (self));

  if (self->cancellable != NULL)
    return;

  provider = ws_aws_context_get_provider (self->context);
  /* A test that reads a cached answer would test nothing. */
  ws_credentials_provider_invalidate (provider, self->name);
  self->cancellable = g_cancellable_new ();
  gtk_widget_set_visible (self->sign_in_button, FALSE);
  show_result (self, _("Testing…"), NULL, FALSE);
  set_testing (self, TRUE);
  ws_credentials_provider_get_async (provider, self->name, self->cancellable,
                                     on_credentials, g_object_ref (self));
}

/* Signing in, by the service */

typedef struct
{
  char     *profile;
  GVariant *platform_data;
} SignIn;

static void
sign_in_free (SignIn *sign_in)
{
  g_free (sign_in->profile);
  g_variant_unref (sign_in->platform_data);
  g_free (sign_in);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SignIn, sign_in_free)

static void
on_bus (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(SignIn) sign_in = user_data;
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(GDBusActionGroup) service = NULL;
  g_autoptr(GError) error = NULL;

  connection = g_bus_get_finish (result, &error);
  if (connection == NULL)
    {
      g_warning ("Could not ask Windsock to sign in: %s", error->message);
      return;
    }

  /* The call starts the service by D-Bus activation when it is not running. */
  service = g_dbus_action_group_get (connection, SERVICE_ID, SERVICE_PATH);
  g_remote_action_group_activate_action_full (G_REMOTE_ACTION_GROUP (service), "sign-in",
                                              g_variant_new_string (sign_in->profile),
                                              sign_in->platform_data);
}

/* The token lets the browser the service opens come to the front. */
static GVariant *
build_platform_data (WindsockProfileRow *self)
{
  g_autofree char *token = windsock_dup_activation_token (GTK_WIDGET (self));
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  if (token != NULL)
    {
      g_variant_builder_add (&builder, "{sv}", "activation-token", g_variant_new_string (token));
      g_variant_builder_add (&builder, "{sv}", "desktop-startup-id", g_variant_new_string (token));
    }
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

/* The service signs in, in a process of its own, and tells this one
 * nothing: the token it writes to the AWS CLI's cache is the sign-in's
 * end (as is one from `aws sso login` in a terminal). The test then runs
 * again by itself, once. */

static void
stop_watching_token (WindsockProfileRow *self)
{
  g_clear_handle_id (&self->token_settle_id, g_source_remove);
  if (self->token_monitor != NULL)
    g_file_monitor_cancel (self->token_monitor);
  g_clear_object (&self->token_monitor);
}

static gboolean
on_token_settled (gpointer user_data)
{
  WindsockProfileRow *self = user_data;

  /* One pressed meanwhile may have read the cache before the token came. */
  if (self->cancellable != NULL)
    return G_SOURCE_CONTINUE;

  self->token_settle_id = 0;
  stop_watching_token (self);
  windsock_profile_row_test (self);
  return G_SOURCE_REMOVE;
}

static void
on_token_changed (WindsockProfileRow *self)
{
  g_clear_handle_id (&self->token_settle_id, g_source_remove);
  self->token_settle_id = g_timeout_add (TOKEN_SETTLE_MS, on_token_settled, self);
}

static void
watch_token (WindsockProfileRow *self)
{
  const char *key = windsock_signin_session_key (ws_aws_context_get_config (self->context), self->name);
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;

  if (key == NULL || self->token_monitor != NULL)
    return;

  path = ws_sso_dup_token_cache_path (ws_aws_context_get_sso (self->context), key);
  file = g_file_new_for_path (path);
  /* Moves too: the token is written to a new file moved over the old one. */
  self->token_monitor = g_file_monitor_file (file, G_FILE_MONITOR_WATCH_MOVES, NULL, &error);
  if (self->token_monitor == NULL)
    {
      g_debug ("Cannot watch %s: %s", path, error->message);
      return;
    }
  g_signal_connect_object (self->token_monitor, "changed", G_CALLBACK (on_token_changed), self,
                           G_CONNECT_SWAPPED);
}

static void
on_sign_in_clicked (WindsockProfileRow *self)
{
  SignIn *sign_in = g_new0 (SignIn, 1);

  sign_in->profile = g_strdup (self->name);
  sign_in->platform_data = build_platform_data (self);
  g_bus_get (G_BUS_TYPE_SESSION, NULL, on_bus, sign_in);
  watch_token (self);
  show_result (self, _("Signing in…"),
               _("Finish signing in in your browser; the profile is tested again then."), FALSE);
}

/* GObject */

static void
windsock_profile_row_constructed (GObject *object)
{
  WindsockProfileRow *self = WINDSOCK_PROFILE_ROW (object);
  g_autofree char *test_label = g_strdup_printf (_("Test %s"), self->name);
  g_autofree char *sign_in_label = g_strdup_printf (_("Sign in to %s"), self->name);

  G_OBJECT_CLASS (windsock_profile_row_parent_class)->constructed (object);

  gtk_label_set_label (self->name_label, self->name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->check), GTK_ACCESSIBLE_PROPERTY_LABEL, self->name, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->test_button), GTK_ACCESSIBLE_PROPERTY_LABEL, test_label, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->sign_in_button), GTK_ACCESSIBLE_PROPERTY_LABEL, sign_in_label, -1);
}

/* The window closed (or the row left it): the answer would go nowhere.
 * A test in flight holds a reference, so dispose would come too late. */
static void
windsock_profile_row_unroot (GtkWidget *widget)
{
  WindsockProfileRow *self = WINDSOCK_PROFILE_ROW (widget);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  set_testing (self, FALSE);
  stop_watching_token (self);

  GTK_WIDGET_CLASS (windsock_profile_row_parent_class)->unroot (widget);
}

static void
windsock_profile_row_finalize (GObject *object)
{
  WindsockProfileRow *self = WINDSOCK_PROFILE_ROW (object);

  g_free (self->name);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (windsock_profile_row_parent_class)->finalize (object);
}

static void
windsock_profile_row_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  WindsockProfileRow *self = WINDSOCK_PROFILE_ROW (object);

  switch (prop_id)
    {
    case PROP_CHECKED:
      g_value_set_boolean (value, windsock_profile_row_get_checked (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
windsock_profile_row_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  WindsockProfileRow *self = WINDSOCK_PROFILE_ROW (object);

  switch (prop_id)
    {
    case PROP_NAME:
      self->name = g_value_dup_string (value);
      break;
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;
    case PROP_CHECKED:
      windsock_profile_row_set_checked (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
on_check_toggled (WindsockProfileRow *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHECKED]);
}

static void
windsock_profile_row_class_init (WindsockProfileRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = windsock_profile_row_constructed;
  object_class->finalize = windsock_profile_row_finalize;
  object_class->get_property = windsock_profile_row_get_property;
  object_class->set_property = windsock_profile_row_set_property;
  widget_class->unroot = windsock_profile_row_unroot;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL, WS_TYPE_AWS_CONTEXT,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CHECKED] =
    g_param_spec_boolean ("checked", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/windsock/Windsock/ui/windsock-profile-row.ui");
  gtk_widget_class_bind_template_child (widget_class, WindsockProfileRow, check);
  gtk_widget_class_bind_template_child (widget_class, WindsockProfileRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, WindsockProfileRow, status_label);
  gtk_widget_class_bind_template_child (widget_class, WindsockProfileRow, detail_label);
  gtk_widget_class_bind_template_child (widget_class, WindsockProfileRow, spinner);
  gtk_widget_class_bind_template_child (widget_class, WindsockProfileRow, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, WindsockProfileRow, test_button);
  gtk_widget_class_bind_template_callback (widget_class, on_check_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_sign_in_clicked);
  gtk_widget_class_bind_template_callback (widget_class, windsock_profile_row_test);
}

static void
windsock_profile_row_init (WindsockProfileRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
windsock_profile_row_new (const char   *name,
                          WsAwsContext *context)
{
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (WS_IS_AWS_CONTEXT (context), NULL);

  return g_object_new (WINDSOCK_TYPE_PROFILE_ROW, "name", name, "context", context, NULL);
}

const char *
windsock_profile_row_get_name (WindsockProfileRow *self)
{
  g_return_val_if_fail (WINDSOCK_IS_PROFILE_ROW (self), NULL);

  return self->name;
}

gboolean
windsock_profile_row_get_checked (WindsockProfileRow *self)
{
  g_return_val_if_fail (WINDSOCK_IS_PROFILE_ROW (self), FALSE);

  return gtk_check_button_get_active (self->check);
}

void
windsock_profile_row_set_checked (WindsockProfileRow *self,
                                  gboolean            checked)
{
  g_return_if_fail (WINDSOCK_IS_PROFILE_ROW (self));

  /* The check button's ::toggled notifies, only on a change. */
  gtk_check_button_set_active (self->check, checked);
}

void
windsock_profile_row_set_choosing (WindsockProfileRow *self,
                                   gboolean            choosing)
{
  g_return_if_fail (WINDSOCK_IS_PROFILE_ROW (self));

  gtk_widget_set_visible (GTK_WIDGET (self->check), choosing);
}
