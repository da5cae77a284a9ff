/* windsock-application.c — the resident service
 *
 * A GApplication, never GTK: the tray icon (StatusNotifierItem) and its
 * menu (dbusmenu) are plain D-Bus objects, windows are short-lived
 * windsock-ui processes. Clicks, launchers and the CLI all end up in
 * launch_environment(): look the environment up in the catalog, mint a
 * login URL on the shared (warm) connection, hand it to the browser.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "windsock-application.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#ifdef HAVE_MALLOC_TRIM
#include <malloc.h>
#endif
#include <signal.h>
#include <string.h>

#include "windsock-cli.h"
#include "windsock-menu.h"
#include "ws-aws-error.h"
#include "ws-catalog.h"
#include "ws-dbus-menu.h"
#include "ws-launcher.h"
#include "ws-secret.h"
#include "ws-status-notifier.h"
#include "ws-tls-database.h"

#define MENU_OBJECT_PATH "/MenuBar"
#define RECENT_MAX 10
/* How long a freshly started service waits for a tray before it decides
 * there is none: a panel may still be starting. */
#define NO_TRAY_GRACE_SECONDS 3

typedef enum
{
  LAUNCH_OPEN,
  LAUNCH_PRIVATE,
  LAUNCH_COPY,
} LaunchMode;

struct _WindsockApplication
{
  GApplication      parent_instance;

  GSettings        *settings;          /* NULL when the schema is not installed */
  WsAwsClient      *client;
  WsAwsContext     *context;
  WsCatalog        *catalog;
  WsLauncher       *launcher;
  WindsockMenu     *menu;
  WsDBusMenu       *dbus_menu;
  WsStatusNotifier *notifier;
  GCancellable     *cancellable;       /* cancelled at shutdown */

  GHashTable       *launches;          /* "mode:ref" → Launch in flight */
  GHashTable       *mfa_windows;       /* mfa_serial → MfaWindow */
  char             *activation_token;  /* for the action being activated */
  guint             service_id;
  guint             no_tray_id;
  guint             release_memory_id;
  guint             quit_signal_ids[2]; /* SIGTERM, SIGINT */
  gboolean          starting;          /* the first, local activation is just the start */
  gboolean          tray_seen;         /* a watcher accepted us once */
  gboolean          fallback_shown;
  gboolean          clock_warned;      /* told once per run */
};

G_DEFINE_FINAL_TYPE (WindsockApplication, windsock_application, G_TYPE_APPLICATION)

/* One login URL being minted; every caller that asked for the same
 * environment meanwhile shares it (rapid clicks open one tab). */
typedef struct
{
  WindsockApplication *app;
  char                *key;
  char                *ref;
  char                *profile;
  LaunchMode           mode;
  char                *activation_token;
  GPtrArray           *invocations;   /* GDBusMethodInvocation waiting for the outcome */
  gboolean             after_sign_in; /* the retry once signed in */
} Launch;

static void
launch_free (Launch *launch)
{
  g_free (launch->key);
  g_free (launch->ref);
  g_free (launch->profile);
  g_free (launch->activation_token);
  g_ptr_array_unref (launch->invocations);
  g_object_unref (launch->app);
  g_free (launch);
}

/* Starts `windsock-ui ARGS…` with the pipes in @flags, passing the
 * activation token the way a launched GTK program reads it. */
static GSubprocess *
spawn_ui_process (const char * const  *args,
                  GSubprocessFlags     flags,
                  const char          *activation_token,
                  GError             **error)
{
  g_autofree char *program = windsock_find_ui_program ();
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (flags);
  g_autoptr(GStrvBuilder) argv = g_strv_builder_new ();
  g_auto(GStrv) strv = NULL;

  if (activation_token != NULL)
    {
      g_subprocess_launcher_setenv (launcher, "XDG_ACTIVATION_TOKEN", activation_token, TRUE);
      g_subprocess_launcher_setenv (launcher, "DESKTOP_STARTUP_ID", activation_token, TRUE);
    }
  g_strv_builder_add (argv, program);
  g_strv_builder_addv (argv, (const char **) args);
  strv = g_strv_builder_end (argv);
  return g_subprocess_launcher_spawnv (launcher, (const char * const *) strv, error);
}

/* Starts `windsock-ui COMMAND`, optionally writing @input to its stdin (a
 * secret never goes on a command line). */
static gboolean
spawn_ui (WindsockApplication  *self,
          const char           *command,
          const char           *activation_token,
          const char           *input,
          GError              **error)
{
  const char * const args[] = { command, NULL };
  g_autoptr(GSubprocess) process = NULL;

  process = spawn_ui_process (args, input != NULL ? G_SUBPROCESS_FLAGS_STDIN_PIPE : G_SUBPROCESS_FLAGS_NONE,
                              activation_token, error);
  if (process == NULL)
    return FALSE;

  if (input != NULL)
    {
      GOutputStream *stdin_pipe = g_subprocess_get_stdin_pipe (process);

      if (!g_output_stream_write_all (stdin_pipe, input, strlen (input), NULL, NULL, error)
          || !g_output_stream_close (stdin_pipe, NULL, error))
        return FALSE;
    }
  /* Reaped by GLib's child watch; we do not wait for windows. */
  g_subprocess_wait_async (process, NULL, NULL, NULL);
  return TRUE;
}

static char *
take_activation_token (WindsockApplication *self)
{
  return g_steal_pointer (&self->activation_token);
}

/* Notifications */

static void
withdraw (WindsockApplication *self,
          const char          *id)
{
  g_application_withdraw_notification (G_APPLICATION (self), id);
}

/* What the person can do about an error, as a button. */
static void
add_fix_button (GNotification *notification,
                const GError  *error,
                const char    *profile,
                const char    *retry_action,
                const char    *ref)
{
  if (g_error_matches (error, WS_AWS_ERROR, WS_AWS_ERROR_SSO_LOGIN_REQUIRED) && profile != NULL)
    g_notification_add_button_with_target (notification, _("Sign In"), "app.sign-in", "s", profile);
  if (retry_action != NULL)
    g_notification_add_button_with_target (notification, _("Retry"), retry_action, "s", ref);
}

/* One notification per environment, whatever the mode: a success takes
 * back the failure it retried. */
static char *
launch_notification_id (const char *ref)
{
  return g_strconcat ("launch:", ref, NULL);
}

static void
notify_launch_error (WindsockApplication *self,
                     Launch              *launch,
                     const GError        *error)
{
  static const char * const actions[] = {
    [LAUNCH_OPEN] = "app.open-environment",
    [LAUNCH_PRIVATE] = "app.open-private-window",
    [LAUNCH_COPY] = "app.copy-login-url",
  };
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *title = NULL;
  g_autofree char *id = launch_notification_id (launch->ref);

  title = g_strdup_printf (_("Could not open %s"), launch->ref);
  notification = g_notification_new (title);
  g_notification_set_body (notification, error->message);
  g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_HIGH);
  add_fix_button (notification, error, launch->profile, actions[launch->mode], launch->ref);
  g_application_send_notification (G_APPLICATION (self), id, notification);
}

static void
remember_recent (WindsockApplication *self,
                 const char          *ref)
{
  g_auto(GStrv) recent = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) updated = NULL;
  guint kept = 1;

  if (self->settings == NULL)
    return;

  recent = g_settings_get_strv (self->settings, "recent");
  g_strv_builder_add (builder, ref);
  for (guint i = 0; recent[i] != NULL && kept < RECENT_MAX; i++)
    if (!g_str_equal (recent[i], ref))
      {
        g_strv_builder_add (builder, recent[i]);
        kept++;
      }
  updated = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "recent", (const char * const *) updated);
}

/* Launching */

static gboolean sign_in (WindsockApplication  *self,
                         const char           *profile,
                         const char           *activation_token,
                         Launch               *waiting,
                         GError              **error);

/* Corrected for, but worth telling about: once per run. */
static void
warn_clock (WindsockApplication *self)
{
  guint minutes = ws_aws_client_get_clock_skew_minutes (self->client);
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *body = NULL;

  if (minutes == 0 || self->clock_warned)
    return;
  self->clock_warned = TRUE;
  notification = g_notification_new (_("This computer’s clock is wrong"));
  body = g_strdup_printf (ngettext ("It is %u minute off. AWS requests were corrected for it, but please set the right time.",
                                    "It is %u minutes off. AWS requests were corrected for it, but please set the right time.",
                                    minutes), minutes);
  g_notification_set_body (notification, body);
  g_application_send_notification (G_APPLICATION (self), "clock", notification);
}

/* A burst of work (TLS handshakes, JSON answers, a thousand environments)
 * leaves freed pages that glibc keeps; a resident process gives them back
 * once things are quiet again: one timer after activity, none at rest.
 * The parsed system trust store (4 MB) goes too: kept-alive connections
 * need it no more, and a new one parses it again (27 ms, in GIO's TLS
 * thread, while the user is still choosing from the menu that preconnects). */
#define RELEASE_MEMORY_DELAY_SECONDS 5

static gboolean
release_memory (gpointer user_data)
{
  WindsockApplication *self = user_data;

  self->release_memory_id = 0;
  ws_tls_database_release_system_store ();
#ifdef HAVE_MALLOC_TRIM
  malloc_trim (0);
#endif
  return G_SOURCE_REMOVE;
}

static void
release_memory_later (WindsockApplication *self)
{
  g_clear_handle_id (&self->release_memory_id, g_source_remove);
  self->release_memory_id = g_timeout_add_seconds (RELEASE_MEMORY_DELAY_SECONDS, release_memory, self);
}

static void
launch_complete (Launch       *launch,
                 const GError *error)
{
  WindsockApplication *self = launch->app;

  release_memory_later (self);
  for (guint i = 0; i < launch->invocations->len; i++)
    {
      GDBusMethodInvocation *invocation = g_ptr_array_index (launch->invocations, i);

      if (error != NULL)
        g_dbus_method_invocation_return_gerror (g_object_ref (invocation), error);
      else
        g_dbus_method_invocation_return_value (g_object_ref (invocation), NULL);
    }

  if (error == NULL)
    {
      g_autofree char *id = launch_notification_id (launch->ref);

      withdraw (self, id);
      remember_recent (self, launch->ref);
      warn_clock (self);
    }
  /* A caller on D-Bus (the CLI) reports the error itself; a click only
   * has the notification, or, when the sign-in expired, the sign-in window
   * (which retries the click). */
  else if (launch->invocations->len == 0
           && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autoptr(GError) sign_in_error = NULL;

      if (!g_error_matches (error, WS_AWS_ERROR, WS_AWS_ERROR_SSO_LOGIN_REQUIRED) || launch->after_sign_in ||
          launch->profile == NULL ||
          !sign_in (self, launch->profile, launch->activation_token, launch, &sign_in_error))
        notify_launch_error (self, launch, error);
      if (sign_in_error != NULL)
        g_warning ("Could not show the sign-in window: %s", sign_in_error->message);
    }

  g_hash_table_remove (self->launches, launch->key);
}

static void
on_browser_opened (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Launch *launch = user_data;
  g_autoptr(GError) error = NULL;

  ws_launcher_open_uri_finish (WS_LAUNCHER (source), result, &error);
  launch_complete (launch, error);
}

static void
on_login_url (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Launch *launch = user_data;
  WindsockApplication *self = launch->app;
  g_autoptr(GError) error = NULL;
  char *url;

  url = ws_mwaa_create_login_url_finish (WS_MWAA (source), result, &error);
  if (url == NULL)
    {
      launch_complete (launch, error);
      return;
    }

  if (launch->mode == LAUNCH_COPY)
    {
      spawn_ui (self, "copy", launch->activation_token, url, &error);
      launch_complete (launch, error);
    }
  else
    ws_launcher_open_uri_async (self->launcher, url, launch->activation_token,
                                launch->mode == LAUNCH_PRIVATE, self->cancellable,
                                on_browser_opened, launch);
  ws_secret_free (url);
}

/* The catalog knows profile, region and the Airflow version; a reference it
 * does not know (pinned elsewhere, typed by hand) is used as written. */
static gboolean
resolve_environment (WindsockApplication  *self,
                     const char           *ref,
                     char                **profile,
                     char                **region,
                     char                **name,
                     char                **airflow_version,
                     GError              **error)
{
  g_autoptr(WsEnvironment) environment = NULL;
  g_autoptr(GError) lookup_error = NULL;

  environment = ws_catalog_lookup (self->catalog, ref, &lookup_error);
  if (environment != NULL)
    {
      *profile = g_strdup (ws_environment_get_profile (environment));
      *region = g_strdup (ws_environment_get_region (environment));
      *name = g_strdup (ws_environment_get_name (environment));
      *airflow_version = g_strdup (ws_environment_get_airflow_version (environment));
      return TRUE;
    }
  if (!g_error_matches (lookup_error, WS_AWS_ERROR, WS_AWS_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&lookup_error));
      return FALSE;
    }

  *airflow_version = NULL;
  return ws_mwaa_parse_environment_ref (ref, profile, region, name, error);
}

/* The default profile is asked for as a command without --profile asks
 * (the environment's keys count), as everywhere in the service. */
static void
create_login_url (WindsockApplication *self,
                  const char          *profile,
                  const char          *region,
                  const char          *name,
                  const char          *airflow_version,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  ws_mwaa_create_login_url_async (ws_aws_context_get_mwaa (self->context),
                                  ws_aws_config_request_profile (ws_aws_context_get_environ (self->context),
                                                                 profile),
                                  region, name, airflow_version, self->cancellable, callback, user_data);
}

/* Preferences' "private window" per environment holds for every way of
 * opening it (tray, picker, `windsock open`), not only the menu. */
static gboolean
wants_private_window (WindsockApplication *self,
                      const char          *profile,
                      const char          *region,
                      const char          *name)
{
  g_auto(GStrv) chosen = NULL;
  g_autofree char *ref = NULL;

  if (self->settings == NULL)
    return FALSE;
  chosen = g_settings_get_strv (self->settings, "private-environments");
  /* A bare name resolves in the default profile, which has a name there. */
  ref = ws_environment_format_ref (profile != NULL ? profile
                                                   : ws_aws_config_get_default_profile_name (ws_aws_context_get_environ (self->context)),
                                   region, name);
  return g_strv_contains ((const char * const *) chosen, ref);
}

static void
launch_environment (WindsockApplication   *self,
                    const char            *ref,
                    LaunchMode             mode,
                    char                  *activation_token,
                    GDBusMethodInvocation *invocation)
{
  g_autofree char *key = g_strdup_printf ("%d:%s", mode, ref);
  g_autofree char *region = NULL;
  g_autofree char *name = NULL;
  g_autofree char *airflow_version = NULL;
  g_autoptr(GError) error = NULL;
  Launch *launch;

  launch = g_hash_table_lookup (self->launches, key);
  if (launch != NULL)
    {
      if (invocation != NULL)
        g_ptr_array_add (launch->invocations, g_object_ref (invocation));
      g_free (activation_token);
      return;
    }

  launch = g_new0 (Launch, 1);
  launch->app = g_object_ref (self);
  launch->key = g_steal_pointer (&key);
  launch->ref = g_strdup (ref);
  launch->mode = mode;
  launch->activation_token = activation_token;
  launch->invocations = g_ptr_array_new_with_free_func (g_object_unref);
  if (invocation != NULL)
    g_ptr_array_add (launch->invocations, g_object_ref (invocation));
  g_hash_table_insert (self->launches, launch->key, launch);

  if (!resolve_environment (self, ref, &launch->profile, &region, &name, &airflow_version, &error))
    {
      launch_complete (launch, error);
      return;
    }
  if (mode == LAUNCH_OPEN && wants_private_window (self, launch->profile, region, name))
    launch->mode = LAUNCH_PRIVATE;
  create_login_url (self, launch->profile, region, name, airflow_version, on_login_url, launch);
}

/* `windsock url`: each caller gets a token of its own (a token is for one
 * sign-in), so these are not coalesced like clicks. */
static void
on_login_url_for_caller (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GDBusMethodInvocation) invocation = user_data;
  /* The reference taken for the request (a quit cancels it, and this still runs). */
  g_autoptr(WindsockApplication) self = g_dbus_method_invocation_get_user_data (invocation);
  g_autoptr(GError) error = NULL;
  char *url;

  url = ws_mwaa_create_login_url_finish (WS_MWAA (source), result, &error);
  release_memory_later (self);
  if (url == NULL)
    {
      g_dbus_method_invocation_return_gerror (g_steal_pointer (&invocation), error);
      return;
    }
  g_dbus_method_invocation_return_value (g_steal_pointer (&invocation), g_variant_new ("(s)", url));
  ws_secret_free (url);
  warn_clock (self);
}

static void
create_login_url_for_caller (WindsockApplication   *self,
                             const char            *ref,
                             GDBusMethodInvocation *invocation)
{
  g_autofree char *profile = NULL;
  g_autofree char *region = NULL;
  g_autofree char *name = NULL;
  g_autofree char *airflow_version = NULL;
  g_autoptr(GError) error = NULL;

  if (!resolve_environment (self, ref, &profile, &region, &name, &airflow_version, &error))
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      return;
    }
  g_object_ref (self);
  create_login_url (self, profile, region, name, airflow_version, on_login_url_for_caller, invocation);
}

/* SSO sign-in: `windsock-ui signin PROFILE`, a window and a process of
 * its own, one per sso-session however often it is asked for (a second
 * one shows the first window and exits with its result). */

typedef struct
{
  WindsockApplication *app;
  char                *profile;
  char                *retry_ref;   /* the launch that waits for it, or NULL */
  LaunchMode           retry_mode;
} SignIn;

static void
sign_in_free (SignIn *sign_in)
{
  g_object_unref (sign_in->app);
  g_free (sign_in->profile);
  g_free (sign_in->retry_ref);
  g_free (sign_in);
}

/* Once: a launch that still finds no usable token says so in a
 * notification rather than opening the window again. */
static void
retry_after_sign_in (WindsockApplication *self,
                     const char          *ref,
                     LaunchMode           mode)
{
  g_autofree char *key = g_strdup_printf ("%d:%s", mode, ref);
  Launch *launch;

  launch_environment (self, ref, mode, NULL, NULL);
  launch = g_hash_table_lookup (self->launches, key);
  if (launch != NULL)
    launch->after_sign_in = TRUE;
}

static void
on_sign_in_exited (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GSubprocess *process = G_SUBPROCESS (source);
  SignIn *sign_in = user_data;
  WindsockApplication *self = sign_in->app;

  /* Cancelled or failed: the window said so; nothing to add. */
  if (g_subprocess_wait_finish (process, result, NULL) &&
      g_subprocess_get_if_exited (process) && g_subprocess_get_exit_status (process) == 0)
    {
      ws_credentials_provider_invalidate (ws_aws_context_get_provider (self->context), NULL);
      ws_catalog_refresh (self->catalog);
      if (sign_in->retry_ref != NULL)
        retry_after_sign_in (self, sign_in->retry_ref, sign_in->retry_mode);
    }
  sign_in_free (sign_in);
}

/* @waiting: (nullable): the launch to retry once signed in */
static gboolean
sign_in (WindsockApplication  *self,
         const char           *profile,
         const char           *activation_token,
         Launch               *waiting,
         GError              **error)
{
  const char * const args[] = { "signin", profile, NULL };
  g_autoptr(GSubprocess) process = NULL;
  SignIn *request;

  process = spawn_ui_process (args, G_SUBPROCESS_FLAGS_NONE, activation_token, error);
  if (process == NULL)
    return FALSE;

  request = g_new0 (SignIn, 1);
  request->app = g_object_ref (self);
  request->profile = g_strdup (profile);
  if (waiting != NULL)
    {
      request->retry_ref = g_strdup (waiting->ref);
      request->retry_mode = waiting->mode;
    }
  g_subprocess_wait_async (process, self->cancellable, on_sign_in_exited, request);
  return TRUE;
}

/* Windows */

static void
show_picker (WindsockApplication *self,
             char                *activation_token)
{
  g_autoptr(GError) error = NULL;

  if (!spawn_ui (self, "pick", activation_token, NULL, &error))
    g_warning ("Could not show the environment picker: %s", error->message);
  g_free (activation_token);
}

/* Actions */

static void
on_open_environment (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  WindsockApplication *self = user_data;

  launch_environment (self, g_variant_get_string (parameter, NULL), LAUNCH_OPEN,
                      take_activation_token (self), NULL);
}

static void
on_open_private_window (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  WindsockApplication *self = user_data;

  launch_environment (self, g_variant_get_string (parameter, NULL), LAUNCH_PRIVATE,
                      take_activation_token (self), NULL);
}

static void
on_copy_login_url (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  WindsockApplication *self = user_data;

  launch_environment (self, g_variant_get_string (parameter, NULL), LAUNCH_COPY,
                      take_activation_token (self), NULL);
}

static void
on_refresh (GSimpleAction *action,
            GVariant      *parameter,
            gpointer       user_data)
{
  WindsockApplication *self = user_data;

  ws_catalog_refresh (self->catalog);
}

static void
on_sign_in (GSimpleAction *action,
            GVariant      *parameter,
            gpointer       user_data)
{
  WindsockApplication *self = user_data;
  g_autofree char *activation_token = take_activation_token (self);
  g_autoptr(GError) error = NULL;

  if (!sign_in (self, g_variant_get_string (parameter, NULL), activation_token, NULL, &error))
    g_warning ("Could not show the sign-in window: %s", error->message);
}

static void
on_show_picker (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  WindsockApplication *self = user_data;

  show_picker (self, take_activation_token (self));
}

static void
on_preferences (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  WindsockApplication *self = user_data;
  g_autofree char *activation_token = take_activation_token (self);
  g_autoptr(GError) error = NULL;

  if (!spawn_ui (self, "preferences", activation_token, NULL, &error))
    g_warning ("Could not show the preferences: %s", error->message);
}

static void
on_quit (GSimpleAction *action,
         GVariant      *parameter,
         gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static const GActionEntry app_actions[] = {
  { "open-environment", on_open_environment, "s" },
  { "open-private-window", on_open_private_window, "s" },
  { "copy-login-url", on_copy_login_url, "s" },
  { "refresh", on_refresh },
  { "sign-in", on_sign_in, "s" },
  { "show-picker", on_show_picker },
  { "preferences", on_preferences },
  { "quit", on_quit },
};

/* The service interface, for `windsock open` */

static const char service_xml[] =
  "<node>"
  "  <interface name='" WINDSOCK_SERVICE_INTERFACE "'>"
  "    <method name='OpenEnvironment'>"
  "      <arg type='s' name='ref' direction='in'/>"
  "      <arg type='s' name='mode' direction='in'/>"
  "      <arg type='a{sv}' name='platform_data' direction='in'/>"
  "    </method>"
  "    <method name='CreateLoginUrl'>"
  "      <arg type='s' name='ref' direction='in'/>"
  "      <arg type='s' name='url' direction='out'/>"
  "    </method>"
  "  </interface>"
  "</node>";

static char *
activation_token_from_platform_data (GVariant *platform_data)
{
  const char *token = NULL;

  if (g_variant_lookup (platform_data, "activation-token", "&s", &token)
      || g_variant_lookup (platform_data, "desktop-startup-id", "&s", &token))
    return g_strdup (token);
  return NULL;
}

static void
service_method_call (GDBusConnection       *connection,
                     const char            *sender,
                     const char            *object_path,
                     const char            *interface_name,
                     const char            *method_name,
                     GVariant              *parameters,
                     GDBusMethodInvocation *invocation,
                     gpointer               user_data)
{
  WindsockApplication *self = user_data;
  static const char * const modes[] = { [LAUNCH_OPEN] = "open", [LAUNCH_PRIVATE] = "private",
                                        [LAUNCH_COPY] = "copy" };
  const char *ref, *mode;
  g_autoptr(GVariant) platform_data = NULL;

  if (g_str_equal (method_name, "CreateLoginUrl"))
    {
      g_variant_get (parameters, "(&s)", &ref);
      create_login_url_for_caller (self, ref, invocation);
      return;
    }

  g_variant_get (parameters, "(&s&s@a{sv})", &ref, &mode, &platform_data);
  for (gsize i = 0; i < G_N_ELEMENTS (modes); i++)
    if (g_str_equal (mode, modes[i]))
      {
        launch_environment (self, ref, (LaunchMode) i,
                            activation_token_from_platform_data (platform_data), invocation);
        g_object_unref (invocation);
        return;
      }
  g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                                         "Unknown mode “%s”", mode);
}

static const GDBusInterfaceVTable service_vtable = { service_method_call };

/* The tray */

static void
update_tray (WindsockApplication *self)
{
  GPtrArray *profiles = ws_catalog_get_profiles (self->catalog);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->catalog));
  guint failing = 0;
  const GError *config_error = ws_aws_context_get_config_error (self->context);
  g_autofree char *environments = NULL;
  g_autofree char *body = NULL;

  for (guint i = 0; profiles != NULL && i < profiles->len; i++)
    if (((WsCatalogProfile *) g_ptr_array_index (profiles, i))->error != NULL)
      failing++;

  environments = g_strdup_printf (ngettext ("%u environment", "%u environments", n), n);
  if (config_error != NULL)
    body = g_strdup (config_error->message);
  else if (failing > 0)
    /* Translators: "%s" is "N environments" */
    body = g_strdup_printf (ngettext ("%s · %u profile needs attention",
                                      "%s · %u profiles need attention", failing),
                            environments, failing);
  else
    body = g_steal_pointer (&environments);

  ws_status_notifier_set_tooltip (self->notifier, "Windsock", body);
  ws_status_notifier_set_icon_name (self->notifier, config_error != NULL
                                    ? APP_ID "-error-symbolic" : APP_ID "-symbolic");
  ws_status_notifier_set_status (self->notifier, failing > 0 || config_error != NULL
                                 ? WS_STATUS_NOTIFIER_NEEDS_ATTENTION : WS_STATUS_NOTIFIER_ACTIVE);
}

static void
on_menu_changed (WindsockMenu        *menu,
                 WindsockApplication *self)
{
  ws_dbus_menu_set_model (self->dbus_menu, windsock_menu_get_model (menu));
  update_tray (self);
}

/* The environment opened last ("recent" is most recent first), or NULL. */
static char *
dup_last_opened (WindsockApplication *self)
{
  g_auto(GStrv) recent = self->settings ? g_settings_get_strv (self->settings, "recent") : NULL;

  return recent != NULL && recent[0] != NULL ? g_strdup (recent[0]) : NULL;
}

/* The most likely next click goes to the environment opened last: have its
 * TLS connection ready before the person picks it, and the browser looked up. */
static void
preconnect (WindsockApplication *self)
{
  g_autofree char *last = dup_last_opened (self);
  g_autoptr(WsEnvironment) environment = NULL;

  ws_launcher_prepare (self->launcher);

  if (last == NULL || (environment = ws_catalog_lookup (self->catalog, last, NULL)) == NULL)
    return;
  ws_mwaa_preconnect (ws_aws_context_get_mwaa (self->context),
                      ws_aws_config_request_profile (ws_aws_context_get_environ (self->context),
                                                     ws_environment_get_profile (environment)),
                      ws_environment_get_region (environment), self->cancellable);
}

static void
on_menu_about_to_show (WsDBusMenu          *dbus_menu,
                       int                  id,
                       WindsockApplication *self)
{
  if (id != 0)
    return;
  preconnect (self);
  ws_catalog_refresh_if_stale (self->catalog, self->settings != NULL
                               ? g_settings_get_uint (self->settings, "stale-after") : 300);
}

/* A host hands its activation token just before the click it belongs to. */
static void
on_menu_activated (WsDBusMenu          *dbus_menu,
                   const char          *action_name,
                   GVariant            *target,
                   WindsockApplication *self)
{
  g_free (self->activation_token);
  self->activation_token = ws_status_notifier_take_activation_token (self->notifier);
}

static void
on_tray_activate (WsStatusNotifier    *notifier,
                  int                  x,
                  int                  y,
                  WindsockApplication *self)
{
  show_picker (self, ws_status_notifier_take_activation_token (notifier));
}

/* Middle click: the environment opened last, again. */
static void
on_tray_secondary_activate (WsStatusNotifier    *notifier,
                            int                  x,
                            int                  y,
                            WindsockApplication *self)
{
  g_autofree char *last = dup_last_opened (self);

  if (last != NULL)
    launch_environment (self, last, LAUNCH_OPEN, ws_status_notifier_take_activation_token (notifier), NULL);
  else
    show_picker (self, ws_status_notifier_take_activation_token (notifier));
}

static void
on_tray_registered (WsStatusNotifier    *notifier,
                    GParamSpec          *pspec,
                    WindsockApplication *self)
{
  if (!ws_status_notifier_get_registered (notifier))
    return;
  self->tray_seen = TRUE;
  g_clear_handle_id (&self->no_tray_id, g_source_remove);
}

/* Plain GNOME has no tray: the picker is the way in, and the person is told
 * how to get the icon. Once, and not when D-Bus (or the login) started us. */
static gboolean
on_no_tray (gpointer user_data)
{
  WindsockApplication *self = user_data;
  g_autoptr(GNotification) notification = NULL;

  self->no_tray_id = 0;
  self->fallback_shown = TRUE;

  notification = g_notification_new (_("Windsock has no tray icon here"));
  g_notification_set_body (notification,
                           _("This desktop shows no status icons. On GNOME, install and enable the "
                             "AppIndicator extension (gnome-shell-extension-appindicator). Until "
                             "then, open Windsock from the app grid or run “windsock pick”."));
  g_application_send_notification (G_APPLICATION (self), "no-tray", notification);
  show_picker (self, NULL);

  return G_SOURCE_REMOVE;
}

static void
on_watcher_vanished (WsStatusNotifier    *notifier,
                     WindsockApplication *self)
{
  if (self->tray_seen || self->fallback_shown || self->no_tray_id != 0
      || (g_application_get_flags (G_APPLICATION (self)) & G_APPLICATION_IS_SERVICE))
    return;
  self->no_tray_id = g_timeout_add_seconds (NO_TRAY_GRACE_SECONDS, on_no_tray, self);
}

/* Bundled icon images for hosts that cannot find ours in their theme. */
static void
add_icon_pixmaps (WsStatusNotifier *notifier)
{
  static const int sizes[] = { 22, 32, 48 };

  for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree char *path = g_strdup_printf ("/io/github/windsock/Windsock/tray/windsock-%d.argb",
                                               sizes[i]);
      g_autoptr(GBytes) pixels = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);

      if (pixels != NULL && g_bytes_get_size (pixels) == (gsize) sizes[i] * sizes[i] * 4)
        ws_status_notifier_add_icon_pixmap (notifier, sizes[i], sizes[i], pixels);
    }
}

static void
setup_tray (WindsockApplication *self,
            GDBusConnection     *connection)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *icon_dir = g_build_filename (DATADIR, "icons", NULL);

  self->dbus_menu = ws_dbus_menu_new (windsock_menu_get_model (self->menu), G_ACTION_GROUP (self));
  g_signal_connect (self->menu, "changed", G_CALLBACK (on_menu_changed), self);
  g_signal_connect (self->dbus_menu, "about-to-show", G_CALLBACK (on_menu_about_to_show), self);
  g_signal_connect (self->dbus_menu, "activated", G_CALLBACK (on_menu_activated), self);
  if (!ws_dbus_menu_export (self->dbus_menu, connection, MENU_OBJECT_PATH, &error))
    {
      g_warning ("Could not export the tray menu: %s", error->message);
      return;
    }

  self->notifier = ws_status_notifier_new (APP_ID, "Windsock", APP_ID "-symbolic", icon_dir,
                                           MENU_OBJECT_PATH);
  add_icon_pixmaps (self->notifier);
  update_tray (self);
  g_signal_connect (self->notifier, "activate", G_CALLBACK (on_tray_activate), self);
  g_signal_connect (self->notifier, "secondary-activate", G_CALLBACK (on_tray_secondary_activate), self);
  g_signal_connect (self->notifier, "notify::registered", G_CALLBACK (on_tray_registered), self);
  g_signal_connect (self->notifier, "watcher-vanished", G_CALLBACK (on_watcher_vanished), self);
  if (!ws_status_notifier_export (self->notifier, connection, &error))
    g_warning ("Could not export the tray icon: %s", error->message);
}

/* GApplication */

/* Without the installed schema GSettings would abort: run on defaults. */
static GSettings *
settings_new_if_installed (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL)
    {
      g_message ("The settings schema %s is not installed; using the defaults.", APP_ID);
      return NULL;
    }
  return g_settings_new (APP_ID);
}

/* MFA codes: one `windsock-ui mfa PROFILE SERIAL` window per device turn.
 * The code comes back on the window's stdout; AWS's verdict goes to its
 * stdin: "error MESSAGE" asks again, "ok" closes it, "fail MESSAGE" says
 * why there are no more tries. */
typedef struct
{
  WindsockApplication   *app;
  char                  *serial;
  WsCredentialsProvider *provider;     /* whose turn it is */
  gulong                 finished_id;
  GSubprocess           *process;
  GDataInputStream      *codes;
  GTask                 *reply;        /* while a code is awaited */
} MfaWindow;

static void
mfa_window_free (MfaWindow *window)
{
  g_clear_signal_handler (&window->finished_id, window->provider);
  g_clear_object (&window->provider);
  g_clear_object (&window->codes);
  /* The end of its input closes a window that has nothing more to show. */
  g_output_stream_close (g_subprocess_get_stdin_pipe (window->process), NULL, NULL);
  g_subprocess_wait_async (window->process, NULL, NULL, NULL);
  g_object_unref (window->process);
  g_free (window->serial);
  g_free (window);
}

/* One line: a message never breaks the protocol. */
static void
mfa_window_tell (MfaWindow    *window,
                 const char   *verdict,
                 const GError *error)
{
  g_autoptr(GError) write_error = NULL;
  g_autofree char *message = error != NULL ? g_strdelimit (g_strdup (error->message), "\r\n", ' ') : NULL;
  g_autofree char *line = NULL;

  line = message != NULL ? g_strdup_printf ("%s %s\n", verdict, message) : g_strdup_printf ("%s\n", verdict);
  /* A window already closed is not an error: nobody is left to tell. */
  if (!g_output_stream_write_all (g_subprocess_get_stdin_pipe (window->process), line, strlen (line),
                                  NULL, NULL, &write_error))
    g_debug ("The MFA window is gone: %s", write_error->message);
}

static void
on_mfa_code (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  MfaWindow *window = user_data;
  /* The provider keeps its reference until the reply lands. */
  GTask *reply = g_steal_pointer (&window->reply);
  g_autoptr(GError) error = NULL;
  char *code;

  code = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, NULL, &error);
  if (code != NULL)
    g_task_return_pointer (reply, code, ws_secret_free);
  else if (error != NULL)
    g_task_return_error (reply, g_steal_pointer (&error));
  else
    g_task_return_new_error (reply, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("No MFA code was entered."));
}

static void
on_mfa_finished (WsCredentialsProvider *provider,
                 const char            *serial,
                 const GError          *error,
                 MfaWindow             *window)
{
  if (!g_str_equal (serial, window->serial))
    return;

  if (error == NULL)
    mfa_window_tell (window, "ok", NULL);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    mfa_window_tell (window, "fail", error);
  g_hash_table_remove (window->app->mfa_windows, serial);
}

/* The token of a launch waiting for this profile: the window is what the
 * user sees first. */
static const char *
launch_activation_token (WindsockApplication *self,
                         const char          *profile)
{
  GHashTableIter iter;
  Launch *launch;

  g_hash_table_iter_init (&iter, self->launches);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &launch))
    if (g_strcmp0 (launch->profile, profile) == 0 && launch->activation_token != NULL)
      return launch->activation_token;
  return NULL;
}

static MfaWindow *
mfa_window_open (WindsockApplication   *self,
                 WsCredentialsProvider *provider,
                 const char            *profile,
                 const char            *serial,
                 GError               **error)
{
  const char * const args[] = { "mfa", profile, serial, NULL };
  MfaWindow *window;
  GSubprocess *process;

  process = spawn_ui_process (args, G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                              launch_activation_token (self, profile), error);
  if (process == NULL)
    return NULL;

  window = g_new0 (MfaWindow, 1);
  window->app = self;
  window->serial = g_strdup (serial);
  window->process = process;
  window->codes = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  window->provider = g_object_ref (provider);
  window->finished_id = g_signal_connect (provider, "mfa-finished", G_CALLBACK (on_mfa_finished), window);
  g_hash_table_insert (self->mfa_windows, window->serial, window);
  return window;
}

/* A first ask opens the window; a second one in the same turn tells it
 * why the code before was not accepted. */
static void
prompt_mfa (const char *profile,
            const char *mfa_serial,
            GTask      *reply,
            gpointer    user_data)
{
  WindsockApplication *self = user_data;
  const GError *previous = ws_mfa_prompt_get_previous_error (reply);
  MfaWindow *window = g_hash_table_lookup (self->mfa_windows, mfa_serial);
  g_autoptr(GError) error = NULL;

  if (window == NULL)
    window = mfa_window_open (self, g_task_get_source_object (reply), profile, mfa_serial, &error);
  else if (previous != NULL)
    mfa_window_tell (window, "error", previous);

  if (window == NULL)
    {
      g_task_return_new_error (reply, WS_AWS_ERROR, WS_AWS_ERROR_MFA_REQUIRED,
                               _("Profile “%s” needs a code from the MFA device %s, and the window "
                                 "to enter it could not be opened (%s). Run “windsock open” for "
                                 "this environment in a terminal to enter it there."),
                               profile, mfa_serial, error->message);
      return;
    }

  window->reply = reply;
  g_data_input_stream_read_line_async (window->codes, G_PRIORITY_DEFAULT, self->cancellable,
                                       on_mfa_code, window);
}

static void
on_refreshing_changed (WsCatalog           *catalog,
                       GParamSpec          *pspec,
                       WindsockApplication *self)
{
  if (!ws_catalog_get_refreshing (catalog))
    release_memory_later (self);
}

/* Retries and the CA bundle, from the default profile as the CLI does,
 * and the menu's word on a broken config; again whenever the files change. */
static void
apply_config (WindsockApplication *self)
{
  const char * const *environ = ws_aws_context_get_environ (self->context);
  const GError *config_error = ws_aws_context_get_config_error (self->context);
  g_autoptr(GError) error = NULL;

  windsock_menu_set_config_error (self->menu, config_error != NULL ? config_error->message : NULL);

  if (!ws_aws_client_apply_settings (self->client, ws_aws_context_get_config (self->context),
                                     ws_aws_config_get_default_profile_name (environ), environ, &error))
    g_warning ("%s", error->message);
}

/* A session manager or `systemctl --user stop` ends us with SIGTERM, a
 * terminal with SIGINT: quit as app.quit does, cancelling what is in
 * flight, rather than die mid-write. */
static gboolean
on_quit_signal (gpointer user_data)
{
  g_application_quit (G_APPLICATION (user_data));
  return G_SOURCE_CONTINUE;
}

static void
windsock_application_startup (GApplication *application)
{
  WindsockApplication *self = WINDSOCK_APPLICATION (application);
  g_auto(GStrv) environ = g_get_environ ();
  GDBusConnection *connection;

  G_APPLICATION_CLASS (windsock_application_parent_class)->startup (application);

  /* A resident service: it lives on with no window and no request. */
  g_application_hold (application);
  self->starting = !(g_application_get_flags (application) & G_APPLICATION_IS_SERVICE);

  self->settings = settings_new_if_installed ();
  self->client = ws_aws_client_new ();
  self->context = ws_aws_context_new (self->client, (const char * const *) environ);
  ws_aws_context_set_mfa_prompt (self->context, prompt_mfa, self, NULL);
  /* A window's pipe that closed early must fail a write, not end us. */
  signal (SIGPIPE, SIG_IGN);
  self->quit_signal_ids[0] = g_unix_signal_add (SIGTERM, on_quit_signal, self);
  self->quit_signal_ids[1] = g_unix_signal_add (SIGINT, on_quit_signal, self);
  self->catalog = ws_catalog_new (self->context, self->settings, NULL);
  self->launcher = ws_launcher_new (self->settings);
  self->menu = windsock_menu_new (self->catalog, self->settings);
  apply_config (self);
  g_signal_connect_swapped (self->context, "changed", G_CALLBACK (apply_config), self);
  g_signal_connect_swapped (self->catalog, "profiles-changed", G_CALLBACK (update_tray), self);
  g_signal_connect (self->catalog, "notify::refreshing", G_CALLBACK (on_refreshing_changed), self);

  connection = g_application_get_dbus_connection (application);
  if (connection != NULL)
    setup_tray (self, connection);

  ws_catalog_refresh (self->catalog);
}

static gboolean
windsock_application_dbus_register (GApplication     *application,
                                    GDBusConnection  *connection,
                                    const char       *object_path,
                                    GError          **error)
{
  WindsockApplication *self = WINDSOCK_APPLICATION (application);
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (service_xml, error);

  if (info == NULL
      || !G_APPLICATION_CLASS (windsock_application_parent_class)->dbus_register (application, connection,
                                                                                  object_path, error))
    return FALSE;

  self->service_id = g_dbus_connection_register_object (connection, object_path, info->interfaces[0],
                                                        &service_vtable, self, NULL, error);
  return self->service_id != 0;
}

static void
windsock_application_dbus_unregister (GApplication    *application,
                                      GDBusConnection *connection,
                                      const char      *object_path)
{
  WindsockApplication *self = WINDSOCK_APPLICATION (application);

  if (self->service_id != 0)
    g_dbus_connection_unregister_object (connection, self->service_id);
  self->service_id = 0;

  G_APPLICATION_CLASS (windsock_application_parent_class)->dbus_unregister (application, connection,
                                                                           object_path);
}

/* `windsock` started again, or the desktop file opened: the picker. Not
 * the plain start of the service, which GApplication also activates. */
static void
windsock_application_activate (GApplication *application)
{
  WindsockApplication *self = WINDSOCK_APPLICATION (application);

  if (self->starting)
    {
      self->starting = FALSE;
      return;
    }

  show_picker (self, take_activation_token (self));
}

/* Actions and activation from D-Bus carry the caller's activation token. */
static void
windsock_application_before_emit (GApplication *application,
                                  GVariant     *platform_data)
{
  WindsockApplication *self = WINDSOCK_APPLICATION (application);

  G_APPLICATION_CLASS (windsock_application_parent_class)->before_emit (application, platform_data);
  g_free (self->activation_token);
  self->activation_token = activation_token_from_platform_data (platform_data);
}

/* The remote side of `windsock` run again: pass the launcher's token on,
 * as GtkApplication does, so the picker may take focus. */
static void
windsock_application_add_platform_data (GApplication    *application,
                                        GVariantBuilder *builder)
{
  const char *token = g_getenv ("XDG_ACTIVATION_TOKEN");

  G_APPLICATION_CLASS (windsock_application_parent_class)->add_platform_data (application, builder);
  if (token == NULL)
    token = g_getenv ("DESKTOP_STARTUP_ID");
  if (token != NULL)
    g_variant_builder_add (builder, "{sv}", "activation-token", g_variant_new_string (token));
}

static void
windsock_application_shutdown (GApplication *application)
{
  WindsockApplication *self = WINDSOCK_APPLICATION (application);

  /* Everything in flight ends now, before the objects it uses go. */
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->no_tray_id, g_source_remove);
  g_clear_handle_id (&self->release_memory_id, g_source_remove);
  for (gsize i = 0; i < G_N_ELEMENTS (self->quit_signal_ids); i++)
    g_clear_handle_id (&self->quit_signal_ids[i], g_source_remove);
  if (self->notifier != NULL)
    ws_status_notifier_unexport (self->notifier);
  if (self->dbus_menu != NULL)
    ws_dbus_menu_unexport (self->dbus_menu);

  G_APPLICATION_CLASS (windsock_application_parent_class)->shutdown (application);
}

static void
windsock_application_dispose (GObject *object)
{
  WindsockApplication *self = WINDSOCK_APPLICATION (object);

  g_clear_object (&self->notifier);
  g_clear_object (&self->dbus_menu);
  g_clear_object (&self->menu);
  g_clear_object (&self->launcher);
  g_clear_object (&self->catalog);
  g_clear_object (&self->context);
  g_clear_object (&self->client);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->mfa_windows, g_hash_table_unref);
  g_clear_pointer (&self->launches, g_hash_table_unref);
  g_clear_pointer (&self->activation_token, g_free);

  G_OBJECT_CLASS (windsock_application_parent_class)->dispose (object);
}

static void
windsock_application_class_init (WindsockApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *application_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = windsock_application_dispose;
  application_class->startup = windsock_application_startup;
  application_class->activate = windsock_application_activate;
  application_class->before_emit = windsock_application_before_emit;
  application_class->add_platform_data = windsock_application_add_platform_data;
  application_class->shutdown = windsock_application_shutdown;
  application_class->dbus_register = windsock_application_dbus_register;
  application_class->dbus_unregister = windsock_application_dbus_unregister;
}

static void
windsock_application_init (WindsockApplication *self)
{
  self->cancellable = g_cancellable_new ();
  /* Launches own themselves until launch_complete() removes them. */
  self->launches = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) launch_free);
  self->mfa_windows = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) mfa_window_free);
  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
}

WindsockApplication *
windsock_application_new (void)
{
  return g_object_new (WINDSOCK_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       NULL);
}
