/* windsock-cli.c — the one-shot commands: url, open, list, login
 *
 * For scripts and keyboard launchers: no GTK, no display, one line of
 * output (or a table / JSON for list), errors as one sentence on stderr and
 * an exit code a script can branch on.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "windsock-cli.h"

#include <gio/gio.h>
#include <gio/gunixinputstream.h>
#include <glib-unix.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <unistd.h>

#include "windsock-application.h"
#include "ws-aws-client.h"
#include "ws-aws-config.h"
#include "ws-autostart.h"
#include "ws-aws-error.h"
#include "ws-catalog.h"
#include "ws-credentials-provider.h"
#include "ws-endpoint.h"
#include "ws-launcher.h"
#include "ws-mwaa.h"
#include "ws-secret.h"
#include "ws-sso.h"

/* A clock this far off is worth telling the user about even though the
 * client corrected for it. */

typedef struct
{
  GMainLoop             *loop;
  GCancellable          *cancellable;
  GStrv                  environ;
  WsAwsConfig           *config;
  WsAwsClient           *client;
  WsCredentialsProvider *provider;
  WsMwaa                *mwaa;
  int                    exit_code;

  /* options */
  char                  *profile;
  char                  *region;
  gboolean               json;
  gboolean               use_device_code;
  gboolean               no_browser;
  gboolean               forward_declined;  /* the service passed it back to us */
} Cli;

typedef struct
{
  const char *name;
  const char *parameter;
  const char *summary;
  int       (*run) (Cli *cli, int argc, char **argv);
} Command;

/* g_set_str() is GLib 2.76; Debian 12 has 2.74. */
static void
replace_string (char       **target,
                const char  *value)
{
  g_free (*target);
  *target = g_strdup (value);
}

static int
exit_code_for_error (const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return WINDSOCK_EXIT_CANCELLED;
  if (error->domain != WS_AWS_ERROR)
    return WINDSOCK_EXIT_FAILED;

  switch ((WsAwsError) error->code)
    {
    case WS_AWS_ERROR_INVALID_ARGUMENT:
      return WINDSOCK_EXIT_USAGE;
    case WS_AWS_ERROR_INVALID_CONFIG:
    case WS_AWS_ERROR_UNKNOWN_PROFILE:
    case WS_AWS_ERROR_NO_REGION:
    case WS_AWS_ERROR_NO_CREDENTIALS:
    case WS_AWS_ERROR_EXPIRED_CREDENTIALS:
    case WS_AWS_ERROR_INVALID_CREDENTIALS:
    case WS_AWS_ERROR_CREDENTIAL_PROCESS:
      return WINDSOCK_EXIT_CONFIG;
    case WS_AWS_ERROR_SSO_LOGIN_REQUIRED:
    case WS_AWS_ERROR_MFA_REQUIRED:
      return WINDSOCK_EXIT_SIGN_IN;
    case WS_AWS_ERROR_ACCESS_DENIED:
      return WINDSOCK_EXIT_DENIED;
    case WS_AWS_ERROR_NOT_FOUND:
      return WINDSOCK_EXIT_NOT_FOUND;
    case WS_AWS_ERROR_THROTTLED:
    case WS_AWS_ERROR_NETWORK:
    case WS_AWS_ERROR_TIMEOUT:
    case WS_AWS_ERROR_TLS:
    case WS_AWS_ERROR_CLOCK_SKEW:
    case WS_AWS_ERROR_SERVER:
      return WINDSOCK_EXIT_UNAVAILABLE;
    case WS_AWS_ERROR_FAILED:
    case WS_AWS_ERROR_INVALID_RESPONSE:
    default:
      return WINDSOCK_EXIT_FAILED;
    }
}

static void
cli_fail (Cli          *cli,
          const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_printerr ("%s\n", _("windsock: cancelled."));
  else
    g_printerr ("windsock: %s\n", error->message);
  cli->exit_code = exit_code_for_error (error);
}

static void
cli_quit (Cli *cli)
{
  g_main_loop_quit (cli->loop);
}

static void
cli_warn_clock (Cli *cli)
{
  guint minutes = ws_aws_client_get_clock_skew_minutes (cli->client);

  if (minutes > 0)
    g_printerr (ngettext ("windsock: your computer’s clock is %u minute off; AWS requests were "
                          "corrected for it, but please set the right time.\n",
                          "windsock: your computer’s clock is %u minutes off; AWS requests were "
                          "corrected for it, but please set the right time.\n",
                          minutes),
                minutes);
}

/* MFA codes are read from the terminal, as the AWS CLI does; without one
 * (a launcher, a script) the profile reports that it needs a code. */
typedef struct
{
  GTask            *reply;
  GDataInputStream *input;
} MfaRead;

static void
on_mfa_line (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  MfaRead *read = user_data;
  g_autoptr(GError) error = NULL;
  char *line;

  line = g_data_input_stream_read_line_finish_utf8 (read->input, result, NULL, &error);
  if (line == NULL && error == NULL)
    error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("No MFA code was entered."));

  if (error != NULL)
    g_task_return_error (read->reply, g_steal_pointer (&error));
  else
    g_task_return_pointer (read->reply, g_strstrip (line), g_free);

  g_object_unref (read->reply);
  g_object_unref (read->input);
  g_free (read);
}

static void
cli_prompt_mfa (const char *profile,
                const char *mfa_serial,
                GTask      *reply,
                gpointer    user_data)
{
  Cli *cli = user_data;
  g_autoptr(GInputStream) stdin_stream = NULL;
  const GError *previous = ws_mfa_prompt_get_previous_error (reply);
  MfaRead *read;

  if (!isatty (STDIN_FILENO))
    {
      g_task_return_new_error (reply, WS_AWS_ERROR, WS_AWS_ERROR_MFA_REQUIRED,
                               _("Profile %s needs an MFA code from %s. Run the command in a "
                                 "terminal to enter it."),
                               profile, mfa_serial);
      return;
    }

  /* A code AWS did not accept: say so before asking again. */
  if (previous != NULL)
    g_printerr ("%s\n", previous->message);
  g_printerr (_("Enter MFA code for %s: "), mfa_serial);
  stdin_stream = g_unix_input_stream_new (STDIN_FILENO, FALSE);
  read = g_new0 (MfaRead, 1);
  read->reply = g_object_ref (reply);
  read->input = g_data_input_stream_new (stdin_stream);
  g_data_input_stream_read_line_async (read->input, G_PRIORITY_DEFAULT, cli->cancellable,
                                       on_mfa_line, read);
}

static gboolean
on_interrupt (gpointer user_data)
{
  Cli *cli = user_data;

  g_cancellable_cancel (cli->cancellable);
  return G_SOURCE_CONTINUE;
}

/* Everything that needs a request: config, client, credentials, MWAA. */
static gboolean
cli_setup_aws (Cli     *cli,
               GError **error)
{
  const char * const *environ = (const char * const *) cli->environ;
  const char *profile_name;

  cli->config = ws_aws_config_load (environ, error);
  if (cli->config == NULL)
    return FALSE;

  profile_name = cli->profile ? cli->profile : ws_aws_config_get_default_profile_name (environ);
  cli->client = ws_aws_client_new ();
  if (!ws_aws_client_apply_settings (cli->client, cli->config, profile_name, environ, error))
    return FALSE;

  cli->provider = ws_credentials_provider_new (cli->client, cli->config, environ);
  ws_credentials_provider_set_mfa_prompt (cli->provider, cli_prompt_mfa, cli, NULL);
  cli->mwaa = ws_mwaa_new (cli->client, cli->provider, environ);

  return TRUE;
}

/* ENV may carry its own profile and region; options must not contradict it. */
static gboolean
cli_resolve_environment (Cli         *cli,
                         const char  *ref,
                         char       **name,
                         GError     **error)
{
  g_autofree char *profile = NULL;
  g_autofree char *region = NULL;

  if (!ws_mwaa_parse_environment_ref (ref, &profile, &region, name, error))
    return FALSE;

  if (profile != NULL && cli->profile != NULL && g_strcmp0 (profile, cli->profile) != 0)
    {
      g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_ARGUMENT,
                   _("“%s” names profile %s but --profile says %s; give only one."),
                   ref, profile, cli->profile);
      return FALSE;
    }
  if (region != NULL && cli->region != NULL && g_strcmp0 (region, cli->region) != 0)
    {
      g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_ARGUMENT,
                   _("“%s” is in region %s but --region says %s; give only one."),
                   ref, region, cli->region);
      return FALSE;
    }

  if (profile != NULL)
    replace_string (&cli->profile, profile);
  if (region != NULL)
    replace_string (&cli->region, region);

  return TRUE;
}

/* url and open */

typedef void (*UrlHandler) (Cli *cli, char *url);

typedef struct
{
  Cli        *cli;
  UrlHandler  handler;
} UrlRequest;

static void
on_login_url (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  UrlRequest *request = user_data;
  Cli *cli = request->cli;
  g_autoptr(GError) error = NULL;
  char *url;

  url = ws_mwaa_create_login_url_finish (WS_MWAA (source), result, &error);
  if (url == NULL)
    {
      cli_fail (cli, error);
      cli_quit (cli);
    }
  else
    {
      cli_warn_clock (cli);
      request->handler (cli, url);
    }
  g_free (request);
}

/* The Airflow version decides the sign-in path. The catalog cache (the
 * service's discovery) knows it for the environments it has seen, which
 * saves GetEnvironment: a request, and in a new process a TLS handshake
 * with a second host. */
static char *
cached_airflow_version (Cli        *cli,
                        const char *name)
{
  const char * const *environ = (const char * const *) cli->environ;
  const char *profile = cli->profile != NULL ? cli->profile
                                             : ws_aws_config_get_default_profile_name (environ);
  g_autofree char *region = ws_endpoint_resolve_region (cli->region, cli->config, profile, environ, NULL);
  g_autofree char *ref = NULL;
  g_autoptr(WsCatalog) catalog = NULL;
  g_autoptr(WsEnvironment) environment = NULL;

  if (region == NULL)
    return NULL;
  ref = ws_environment_format_ref (profile, region, name);
  catalog = ws_catalog_new (NULL, NULL, NULL);
  environment = ws_catalog_lookup (catalog, ref, NULL);
  return environment != NULL ? g_strdup (ws_environment_get_airflow_version (environment)) : NULL;
}

static int
cli_with_login_url (Cli         *cli,
                    const char  *ref,
                    UrlHandler   handler)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *airflow_version = NULL;
  UrlRequest *request;

  if (!cli_resolve_environment (cli, ref, &name, &error) || !cli_setup_aws (cli, &error))
    {
      cli_fail (cli, error);
      return cli->exit_code;
    }

  request = g_new0 (UrlRequest, 1);
  request->cli = cli;
  request->handler = handler;
  airflow_version = cached_airflow_version (cli, name);
  ws_mwaa_create_login_url_async (cli->mwaa, cli->profile, cli->region, name, airflow_version,
                                  cli->cancellable, on_login_url, request);
  g_main_loop_run (cli->loop);

  return cli->exit_code;
}

static void
print_url (Cli  *cli,
           char *url)
{
  g_print ("%s\n", url);
  ws_secret_free (url);
  cli_quit (cli);
}

static void
on_browser_launched (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Cli *cli = user_data;
  g_autoptr(GError) error = NULL;

  if (!ws_launcher_open_uri_finish (WS_LAUNCHER (source), result, &error))
    {
      g_printerr (_("windsock: could not open the web browser: %s. Set a default browser "
                    "for https links (xdg-settings set default-web-browser …).\n"),
                  error->message);
      cli->exit_code = WINDSOCK_EXIT_FAILED;
    }
  cli_quit (cli);
}

/* The URL goes to the default browser only, in a private redirect page
 * (or to the OpenURI portal inside Flatpak), and nothing here prints it.
 * The page outlives this process: the next launcher, the service's or
 * another run's, removes it once its token has expired. */
static void
open_url (Cli  *cli,
          char *url)
{
  g_autoptr(WsLauncher) launcher = ws_launcher_new (NULL);

  ws_launcher_open_uri_async (launcher, url, NULL, FALSE, cli->cancellable,
                              on_browser_launched, cli);
  ws_secret_free (url);
}

/* Forwarding to the running service: its connection is warm and its
 * credentials cached, and it owns the browser launch. */

/* Only a bus that exists: never make GIO autolaunch one for a script. */
static GDBusConnection *
session_bus_if_running (Cli *cli)
{
  g_autofree char *socket = NULL;
  const char *runtime_dir = g_environ_getenv (cli->environ, "XDG_RUNTIME_DIR");

  if (g_environ_getenv (cli->environ, "DBUS_SESSION_BUS_ADDRESS") == NULL)
    {
      if (runtime_dir == NULL)
        return NULL;
      socket = g_build_filename (runtime_dir, "bus", NULL);
      if (!g_file_test (socket, G_FILE_TEST_EXISTS))
        return NULL;
    }
  return g_bus_get_sync (G_BUS_TYPE_SESSION, cli->cancellable, NULL);
}

static gboolean
service_is_running (GDBusConnection *connection)
{
  g_autoptr(GVariant) reply = NULL;
  gboolean has_owner = FALSE;

  reply = g_dbus_connection_call_sync (connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", APP_ID), G_VARIANT_TYPE ("(b)"),
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &has_owner);
  return has_owner;
}

static void
on_forwarded (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Cli *cli = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  /* The service cannot ask for an MFA code; a terminal can. */
  if (g_error_matches (error, WS_AWS_ERROR, WS_AWS_ERROR_MFA_REQUIRED) && isatty (STDIN_FILENO))
    cli->forward_declined = TRUE;
  else if (reply == NULL)
    {
      g_dbus_error_strip_remote_error (error);
      cli_fail (cli, error);
    }
  else if (g_variant_is_of_type (reply, G_VARIANT_TYPE ("(s)")))
    {
      const char *url;

      g_variant_get (reply, "(&s)", &url);
      g_print ("%s\n", url);
      /* Best effort: the reply came in a heap buffer of GDBus's, wiped
       * before it is freed like every copy of the URL that we own. */
      ws_secret_wipe ((char *) url, strlen (url));
    }
  cli_quit (cli);
}

/* A reference the service can resolve by itself: options that qualify a
 * bare name are the one-shot path's business. @method is OpenEnvironment
 * (answered once the browser started) or CreateLoginUrl (answered with
 * the URL), @reply_type what it answers. */
static gboolean
cli_forward (Cli                *cli,
             const char         *method,
             GVariant           *parameters,
             const GVariantType *reply_type)
{
  g_autoptr(GVariant) owned_parameters = g_variant_ref_sink (parameters);
  g_autoptr(GDBusConnection) connection = NULL;

  if (cli->profile != NULL || cli->region != NULL)
    return FALSE;
  connection = session_bus_if_running (cli);
  if (connection == NULL || !service_is_running (connection))
    return FALSE;

  /* The service's errors come back in WS_AWS_ERROR; its extended-error
   * domain must be registered before GDBus makes one of them. */
  g_assert (ws_aws_error_quark () != 0);
  /* Minting may wait for an SSO refresh or an MFA prompt: no short timeout. */
  g_dbus_connection_call (connection, APP_ID, "/io/github/windsock/Windsock",
                          WINDSOCK_SERVICE_INTERFACE, method, owned_parameters,
                          reply_type, G_DBUS_CALL_FLAGS_NO_AUTO_START, G_MAXINT,
                          cli->cancellable, on_forwarded, cli);
  g_main_loop_run (cli->loop);
  return !cli->forward_declined;
}

static int
cli_url (Cli   *cli,
         int    argc,
         char **argv)
{
  if (cli_forward (cli, "CreateLoginUrl", g_variant_new ("(s)", argv[1]), G_VARIANT_TYPE ("(s)")))
    return cli->exit_code;
  return cli_with_login_url (cli, argv[1], print_url);
}

static int
cli_open (Cli   *cli,
          int    argc,
          char **argv)
{
  const char *token = g_environ_getenv (cli->environ, "XDG_ACTIVATION_TOKEN");
  g_autoptr(GVariantBuilder) platform_data = g_variant_builder_new (G_VARIANT_TYPE_VARDICT);

  if (token != NULL)
    g_variant_builder_add (platform_data, "{sv}", "activation-token", g_variant_new_string (token));
  if (cli_forward (cli, "OpenEnvironment", g_variant_new ("(ssa{sv})", argv[1], "open", platform_data),
                   G_VARIANT_TYPE_UNIT))
    return cli->exit_code;
  return cli_with_login_url (cli, argv[1], open_url);
}

/* list */

static JsonNode *
environments_to_json (Cli       *cli,
                      GPtrArray *environments)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const char *profile = cli->profile ? cli->profile
                                     : ws_aws_config_get_default_profile_name ((const char * const *) cli->environ);
  g_autofree char *region = ws_endpoint_resolve_region (cli->region, cli->config, profile,
                                                        (const char * const *) cli->environ, NULL);

  json_builder_begin_array (builder);
  for (guint i = 0; i < environments->len; i++)
    {
      const WsMwaaEnvironment *environment = g_ptr_array_index (environments, i);
      const struct { const char *key; const char *value; } fields[] = {
        { "Name", environment->name },
        { "Profile", profile },
        { "Region", region },
        { "Status", environment->status },
        { "AirflowVersion", environment->airflow_version },
        { "Arn", environment->arn },
        { "WebserverHostname", environment->webserver_hostname },
        { "WebserverAccessMode", environment->access_mode },
        { "EnvironmentClass", environment->environment_class },
        { "Error", environment->last_error },
      };

      json_builder_begin_object (builder);
      for (gsize f = 0; f < G_N_ELEMENTS (fields); f++)
        {
          json_builder_set_member_name (builder, fields[f].key);
          if (fields[f].value != NULL)
            json_builder_add_string_value (builder, fields[f].value);
          else
            json_builder_add_null_value (builder);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  return json_builder_get_root (builder);
}

static void
print_environments_json (Cli       *cli,
                         GPtrArray *environments)
{
  g_autoptr(JsonNode) root = environments_to_json (cli, environments);
  g_autofree char *text = json_to_string (root, TRUE);

  g_print ("%s\n", text);
}

static int
column_width (GPtrArray  *environments,
              gsize       offset,
              const char *heading)
{
  int width = g_utf8_strlen (heading, -1);

  for (guint i = 0; i < environments->len; i++)
    {
      const char *value = G_STRUCT_MEMBER (const char *, g_ptr_array_index (environments, i), offset);

      if (value != NULL)
        width = MAX (width, (int) g_utf8_strlen (value, -1));
    }
  return width;
}

static void
print_environments_table (GPtrArray *environments)
{
  const char *h_name = _("NAME");
  const char *h_status = _("STATUS");
  const char *h_version = _("AIRFLOW");
  int name_width = column_width (environments, G_STRUCT_OFFSET (WsMwaaEnvironment, name), h_name);
  int status_width = column_width (environments, G_STRUCT_OFFSET (WsMwaaEnvironment, status), h_status);
  int version_width = column_width (environments, G_STRUCT_OFFSET (WsMwaaEnvironment, airflow_version), h_version);

  g_print ("%-*s  %-*s  %-*s  %s\n", name_width, h_name, status_width, h_status,
           version_width, h_version, _("ACCESS"));
  for (guint i = 0; i < environments->len; i++)
    {
      const WsMwaaEnvironment *e = g_ptr_array_index (environments, i);

      g_print ("%-*s  %-*s  %-*s  %s\n",
               name_width, e->name,
               status_width, e->status ? e->status : "?",
               version_width, e->airflow_version ? e->airflow_version : "?",
               e->access_mode ? e->access_mode : (e->last_error ? e->last_error : ""));
    }
}

static void
on_environments (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Cli *cli = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) environments = NULL;

  environments = ws_mwaa_list_environments_finish (WS_MWAA (source), result, &error);
  if (environments == NULL)
    cli_fail (cli, error);
  else if (cli->json)
    print_environments_json (cli, environments);
  else if (environments->len == 0)
    g_printerr ("%s\n", _("No environments in this profile and region."));
  else
    print_environments_table (environments);

  if (environments != NULL)
    cli_warn_clock (cli);
  cli_quit (cli);
}

static int
cli_list (Cli   *cli,
          int    argc,
          char **argv)
{
  g_autoptr(GError) error = NULL;

  if (!cli_setup_aws (cli, &error))
    {
      cli_fail (cli, error);
      return cli->exit_code;
    }

  ws_mwaa_list_environments_async (cli->mwaa, cli->profile, cli->region, cli->cancellable,
                                   on_environments, cli);
  g_main_loop_run (cli->loop);

  return cli->exit_code;
}

/* login */

static void
on_verification_opened (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!ws_launcher_open_uri_finish (WS_LAUNCHER (source), result, &error))
    g_printerr ("%s\n", _("Could not open a web browser; open the address above yourself."));
}

/* As `aws sso login`, the address is printed too, for a browser that did
 * not open or one on another device (it holds no secret: the code comes
 * back to this process only). */
static void
show_sign_in_page (const char *user_code,
                   const char *verification_uri,
                   gpointer    user_data)
{
  Cli *cli = user_data;

  if (user_code != NULL)
    g_print (_("To sign in, open this page and confirm the code %s:\n%s\n"),
             user_code, verification_uri);
  else
    g_print (_("To sign in, open this page in a web browser on this computer:\n%s\n"),
             verification_uri);
  g_print ("%s\n", _("Waiting for the sign-in to be approved…"));
  if (!cli->no_browser)
    {
      /* The authorization request's state stays off command lines too. */
      g_autoptr(WsLauncher) launcher = ws_launcher_new (NULL);

      ws_launcher_open_uri_async (launcher, verification_uri, NULL, FALSE, cli->cancellable,
                                  on_verification_opened, cli);
    }
}

static void
on_logged_in (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Cli *cli = user_data;
  g_autoptr(GError) error = NULL;

  if (ws_sso_login_finish (WS_SSO (source), result, &error))
    g_print (_("Signed in. Profile %s can now be used.\n"), cli->profile);
  else
    cli_fail (cli, error);
  cli_quit (cli);
}

static int
cli_login (Cli   *cli,
           int    argc,
           char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WsSso) sso = NULL;

  replace_string (&cli->profile, argv[1]);
  if (!cli_setup_aws (cli, &error))
    {
      cli_fail (cli, error);
      return cli->exit_code;
    }

  sso = ws_sso_new (cli->client, cli->config, (const char * const *) cli->environ);
  ws_sso_login_async (sso, cli->profile,
                      cli->use_device_code ? WS_SSO_LOGIN_DEVICE_CODE : WS_SSO_LOGIN_DEFAULT,
                      show_sign_in_page, cli, cli->cancellable, on_logged_in, cli);
  g_main_loop_run (cli->loop);

  return cli->exit_code;
}

/* autostart */

static int
cli_autostart (Cli   *cli,
               int    argc,
               char **argv)
{
  const char * const *environ = (const char * const *) cli->environ;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = ws_autostart_get_path (environ);
  const char *choice = argv[1];

  if (g_str_equal (choice, "on") || g_str_equal (choice, "off"))
    {
      if (!ws_autostart_set_enabled (environ, g_str_equal (choice, "on"), &error))
        {
          g_printerr ("windsock: %s\n", error->message);
          return WINDSOCK_EXIT_FAILED;
        }
    }
  else if (!g_str_equal (choice, "status"))
    {
      g_printerr (_("windsock autostart: say on, off or status.\n"));
      return WINDSOCK_EXIT_USAGE;
    }

  if (ws_autostart_get_enabled (environ))
    g_print (_("Windsock starts when you log in (%s).\n"), path);
  else
    g_print ("%s\n", _("Windsock does not start when you log in."));
  return WINDSOCK_EXIT_OK;
}

/* dispatch */

static const Command commands[] = {
  { "url", N_("ENV"), N_("Print a sign-in URL for the Airflow UI of ENV (valid 60 seconds)"), cli_url },
  { "open", N_("ENV"), N_("Open the Airflow UI of ENV in the web browser, signed in"), cli_open },
  { "list", NULL, N_("List the MWAA environments of a profile and region"), cli_list },
  { "login", N_("PROFILE"), N_("Sign in to IAM Identity Center (SSO) for PROFILE"), cli_login },
  { "autostart", N_("on|off|status"), N_("Start the tray service when you log in, or stop doing so"), cli_autostart },
};

static const Command *
find_command (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_strcmp0 (commands[i].name, name) == 0)
      return &commands[i];
  return NULL;
}

char *
windsock_find_ui_program (void)
{
  g_autofree char *self_path = g_file_read_link ("/proc/self/exe", NULL);
  const char *override = g_getenv ("WINDSOCK_UI");

  if (override != NULL)
    return g_strdup (override);
  if (self_path != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (self_path);
      g_autofree char *sibling = g_build_filename (dir, "ui", "windsock-ui", NULL);

      if (g_file_test (sibling, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&sibling);
    }
  return g_build_filename (LIBEXECDIR, "windsock-ui", NULL);
}

static const char *
exit_codes_help (void)
{
  return _("ENV is an environment name, PROFILE/REGION/NAME, or an environment ARN.\n"
           "\n"
           "Exit status:\n"
           "  0    success\n"
           "  1    any other failure\n"
           "  2    bad command line or environment name\n"
           "  3    AWS configuration, profile, region or credentials need fixing\n"
           "  4    an SSO sign-in (windsock login PROFILE) or MFA code is needed\n"
           "  5    AWS denied the request\n"
           "  6    no such environment\n"
           "  7    network, TLS, timeout, throttling or AWS server error: try again\n"
           "  130  cancelled");
}

static GOptionContext *
command_context (Cli           *cli,
                 const Command *command)
{
  const GOptionEntry aws_entries[] = {
    { "profile", 'p', 0, G_OPTION_ARG_STRING, &cli->profile,
      N_("Use this profile of ~/.aws/config"), N_("PROFILE") },
    { "region", 'r', 0, G_OPTION_ARG_STRING, &cli->region,
      N_("Use this AWS region"), N_("REGION") },
    { NULL }
  };
  const GOptionEntry list_entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &cli->json,
      N_("Print JSON instead of a table"), NULL },
    { NULL }
  };
  const GOptionEntry login_entries[] = {
    { "use-device-code", 0, 0, G_OPTION_ARG_NONE, &cli->use_device_code,
      N_("Sign in with a device code, for a browser on another device"), NULL },
    { "no-browser", 0, 0, G_OPTION_ARG_NONE, &cli->no_browser,
      N_("Print the sign-in page instead of opening it in the web browser"), NULL },
    { NULL }
  };
  GOptionContext *context = g_option_context_new (command->parameter ? _(command->parameter) : NULL);

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _(command->summary));
  g_option_context_set_description (context, exit_codes_help ());

  if (command->run != cli_login && command->run != cli_autostart)
    g_option_context_add_main_entries (context, aws_entries, GETTEXT_PACKAGE);
  if (command->run == cli_list)
    g_option_context_add_main_entries (context, list_entries, GETTEXT_PACKAGE);
  if (command->run == cli_login)
    g_option_context_add_main_entries (context, login_entries, GETTEXT_PACKAGE);

  return context;
}

static void
print_usage (void)
{
  g_print ("%s\n  windsock\n  windsock %s\n\n%s\n\n%s\n", _("Usage:"), _("COMMAND [OPTION…]"),
           _("Without a command, Windsock starts its tray service (or, when it is already running, "
             "shows the environment picker)."),
           _("Commands:"));
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    g_print ("  %-12s %-14s %s\n", commands[i].name,
             commands[i].parameter ? _(commands[i].parameter) : "", _(commands[i].summary));
  g_print ("  %-12s %-14s %s\n", "pick", "", _("Show the environment picker"));
  g_print ("  %-12s %-14s %s\n", "preferences", "", _("Show the preferences"));
  g_print ("\n%s\n\n%s\n", _("Run “windsock COMMAND --help” for the options of a command."),
           exit_codes_help ());
}

static void
cli_clear (Cli *cli)
{
  g_clear_object (&cli->mwaa);
  g_clear_object (&cli->provider);
  g_clear_object (&cli->client);
  g_clear_object (&cli->config);
  g_clear_object (&cli->cancellable);
  g_clear_pointer (&cli->loop, g_main_loop_unref);
  g_clear_pointer (&cli->environ, g_strfreev);
  g_clear_pointer (&cli->profile, g_free);
  g_clear_pointer (&cli->region, g_free);
}

int
windsock_cli_run (int    argc,
                  char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *prgname = NULL;
  const Command *command;
  Cli cli = { 0 };
  guint sigint_id, sigterm_id;
  int status;

  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h")
      || g_str_equal (argv[1], "help"))
    {
      print_usage ();
      return argc < 2 ? WINDSOCK_EXIT_USAGE : WINDSOCK_EXIT_OK;
    }
  if (g_str_equal (argv[1], "--version"))
    {
      g_print ("windsock %s\n", PACKAGE_VERSION);
      return WINDSOCK_EXIT_OK;
    }

  command = find_command (argv[1]);
  if (command == NULL)
    {
      g_printerr (_("windsock: unknown command “%s”. Run “windsock --help” for the list.\n"), argv[1]);
      return WINDSOCK_EXIT_USAGE;
    }

  /* GOption names the program in "Usage:"; make that "windsock url". */
  prgname = g_strconcat ("windsock ", command->name, NULL);
  g_set_prgname (prgname);
  context = command_context (&cli, command);
  argc--;
  argv++;
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("windsock %s: %s\n", command->name, error->message);
      cli_clear (&cli);
      return WINDSOCK_EXIT_USAGE;
    }
  if (argc != (command->parameter ? 2 : 1))
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

      g_printerr ("%s", help);
      cli_clear (&cli);
      return WINDSOCK_EXIT_USAGE;
    }

  cli.loop = g_main_loop_new (NULL, FALSE);
  cli.cancellable = g_cancellable_new ();
  cli.environ = g_get_environ ();
  sigint_id = g_unix_signal_add (SIGINT, on_interrupt, &cli);
  sigterm_id = g_unix_signal_add (SIGTERM, on_interrupt, &cli);

  status = command->run (&cli, argc, argv);

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  cli_clear (&cli);

  return status;
}
