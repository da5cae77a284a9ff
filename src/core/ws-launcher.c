/* ws-launcher.c — opens a URL in the user's browser
 *
 * The default browser goes through g_app_info_launch_default_for_uri_async(),
 * which inside Flatpak uses the OpenURI portal; a browser chosen in settings
 * is launched from its desktop file. A private window needs the browser's own
 * command-line option, so that browser is run directly, without a shell.
 * Inside Flatpak the host's browsers cannot be run at all: every page goes
 * to the portal, and private windows are refused rather than opened as
 * ordinary ones.
 *
 * The URL may carry a sign-in token: it is never logged.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ws-launcher.h"

#include <string.h>

#include <gio/gdesktopappinfo.h>
#include <glib/gi18n.h>

#include "ws-sandbox.h"

struct _WsLauncher
{
  GObject    parent_instance;

  GSettings *settings;
};

G_DEFINE_FINAL_TYPE (WsLauncher, ws_launcher, G_TYPE_OBJECT)

G_DEFINE_QUARK (ws-launcher-error-quark, ws_launcher_error)

static void
ws_launcher_finalize (GObject *object)
{
  WsLauncher *self = WS_LAUNCHER (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (ws_launcher_parent_class)->finalize (object);
}

static void
ws_launcher_class_init (WsLauncherClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ws_launcher_finalize;
}

static void
ws_launcher_init (WsLauncher *self)
{
}

WsLauncher *
ws_launcher_new (GSettings *settings)
{
  WsLauncher *self;

  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  self = g_object_new (WS_TYPE_LAUNCHER, NULL);
  g_set_object (&self->settings, settings);
  return self;
}

static const struct
{
  const char *executable;
  const char *option;
} private_window_options[] = {
  { "firefox", "--private-window" },
  { "firefox-esr", "--private-window" },
  { "librewolf", "--private-window" },
  { "icecat", "--private-window" },
  { "waterfox", "--private-window" },
  { "chromium", "--incognito" },
  { "chromium-browser", "--incognito" },
  { "google-chrome", "--incognito" },
  { "google-chrome-stable", "--incognito" },
  { "brave", "--incognito" },
  { "brave-browser", "--incognito" },
  { "vivaldi", "--incognito" },
  { "vivaldi-stable", "--incognito" },
  { "microsoft-edge", "--incognito" },
  { "microsoft-edge-stable", "--incognito" },
  { "opera", "--incognito" },
  { "epiphany", "--incognito-mode" },
};

const char *
ws_launcher_private_window_option (const char *executable)
{
  g_return_val_if_fail (executable != NULL, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (private_window_options); i++)
    {
      if (strcmp (executable, private_window_options[i].executable) == 0)
        return private_window_options[i].option;
    }
  return NULL;
}

static GError *
no_browser_error (void)
{
  return g_error_new_literal (WS_LAUNCHER_ERROR, WS_LAUNCHER_ERROR_NO_BROWSER,
                              _("No web browser is set up to open web pages. "
                                "Install one, or choose one in Preferences."));
}

/* The browser chosen in settings, or NULL for the default one. A chosen
 * browser that has since been uninstalled falls back to the default
 * silently: the choice still reads as the user's intent to open the page. */
static GAppInfo *
lookup_chosen_browser (WsLauncher *self)
{
  g_autofree char *id = NULL;
  GDesktopAppInfo *info;

  if (self->settings == NULL)
    return NULL;
  if (ws_sandbox_is_flatpak ())
    {
      g_debug ("Inside Flatpak the OpenURI portal chooses the browser");
      return NULL;
    }

  id = g_settings_get_string (self->settings, "browser");
  if (id[0] == '\0')
    return NULL;

  info = g_desktop_app_info_new (id);
  if (info == NULL)
    g_debug ("The chosen browser %s is not installed; using the default one", id);
  return G_APP_INFO (info);
}

static GAppInfo *
lookup_browser (WsLauncher  *self,
                GError     **error)
{
  GAppInfo *app = lookup_chosen_browser (self);

  if (app == NULL)
    app = g_app_info_get_default_for_uri_scheme ("https");
  if (app == NULL)
    g_propagate_error (error, no_browser_error ());
  return app;
}

/* The activation token goes to the browser in the variables Wayland
 * (xdg-activation) and X11 (startup notification) browsers read. */
static GAppLaunchContext *
launch_context_new (const char *activation_token)
{
  GAppLaunchContext *context = g_app_launch_context_new ();

  if (activation_token != NULL)
    {
      g_app_launch_context_setenv (context, "XDG_ACTIVATION_TOKEN", activation_token);
      g_app_launch_context_setenv (context, "DESKTOP_STARTUP_ID", activation_token);
    }
  return context;
}

static gboolean
is_field_code (const char *arg)
{
  /* %u %U %f %F … of the desktop entry spec, and the @@u @@ markers
   * around them in the Exec lines Flatpak exports. */
  return (arg[0] == '%' && arg[1] != '\0' && arg[2] == '\0') ||
         g_str_has_prefix (arg, "@@");
}

/* The browser's name as the table knows it: the executable's basename, or
 * for `flatpak run --command=X …` the basename of X. */
static char *
browser_executable_name (char **argv)
{
  g_autofree char *first = g_path_get_basename (argv[0]);

  if (strcmp (first, "flatpak") == 0)
    {
      for (char **arg = argv; *arg != NULL; arg++)
        {
          if (g_str_has_prefix (*arg, "--command="))
            return g_path_get_basename (*arg + strlen ("--command="));
        }
    }
  return g_steal_pointer (&first);
}

/* The browser's command line without its field codes, so that the private
 * window option and the URL can be appended. */
static GStrv
browser_command (GAppInfo  *app,
                 GError   **error)
{
  const char *commandline = g_app_info_get_commandline (app);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) argv = NULL;

  if (commandline == NULL || !g_shell_parse_argv (commandline, NULL, &argv, NULL))
    {
      g_set_error (error, WS_LAUNCHER_ERROR, WS_LAUNCHER_ERROR_FAILED,
                   _("%s has no command line Windsock can run."),
                   g_app_info_get_display_name (app));
      return NULL;
    }

  for (char **arg = argv; *arg != NULL; arg++)
    {
      if (!is_field_code (*arg))
        g_strv_builder_add (builder, *arg);
    }
  return g_strv_builder_end (builder);
}

gboolean
ws_launcher_has_private_window (GAppInfo *app)
{
  g_auto(GStrv) command = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (G_IS_APP_INFO (app), FALSE);

  if (ws_sandbox_is_flatpak () || !(command = browser_command (app, NULL)))
    return FALSE;
  name = browser_executable_name (command);
  return ws_launcher_private_window_option (name) != NULL;
}

/* The one place the URL is handed to a browser process: on its command
 * line, as every browser accepts it (see issue 5). */
static gboolean
spawn_private_window (GAppInfo           *app,
                      const char         *uri,
                      GAppLaunchContext  *context,
                      GError            **error)
{
  g_auto(GStrv) command = browser_command (app, error);
  g_auto(GStrv) environment = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) argv = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *name = NULL;
  const char *option;

  if (command == NULL)
    return FALSE;

  name = browser_executable_name (command);
  option = ws_launcher_private_window_option (name);
  if (option == NULL)
    {
      g_set_error (error, WS_LAUNCHER_ERROR, WS_LAUNCHER_ERROR_NO_PRIVATE_WINDOW,
                   _("Windsock does not know how to open a private window in %s. "
                     "Choose Firefox, Chromium, Google Chrome, Brave, Vivaldi, "
                     "Microsoft Edge, Opera or Web as the browser in Preferences."),
                   g_app_info_get_display_name (app));
      return FALSE;
    }

  builder = g_strv_builder_new ();
  g_strv_builder_addv (builder, (const char **) command);
  g_strv_builder_add_many (builder, option, uri, NULL);
  argv = g_strv_builder_end (builder);

  environment = g_app_launch_context_get_environment (context);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_set_environ (launcher, environment);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv, &local_error);
  if (process == NULL)
    {
      g_set_error (error, WS_LAUNCHER_ERROR, WS_LAUNCHER_ERROR_FAILED,
                   _("Could not start %s: %s"),
                   g_app_info_get_display_name (app), local_error->message);
      return FALSE;
    }

  g_debug ("Opened a private window in %s", g_app_info_get_id (app));
  return TRUE;
}

static void
launch_uris_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GAppInfo *app = G_APP_INFO (object);
  g_autoptr(GError) error = NULL;

  if (!g_app_info_launch_uris_finish (app, result, &error))
    g_task_return_new_error (task, WS_LAUNCHER_ERROR, WS_LAUNCHER_ERROR_FAILED,
                             _("Could not start %s: %s"),
                             g_app_info_get_display_name (app), error->message);
  else
    g_task_return_boolean (task, TRUE);
}

static void
launch_default_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (g_app_info_launch_default_for_uri_finish (result, &error))
    g_task_return_boolean (task, TRUE);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_task_return_error (task, g_steal_pointer (&error));
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    g_task_return_error (task, no_browser_error ());
  else
    g_task_return_new_error (task, WS_LAUNCHER_ERROR, WS_LAUNCHER_ERROR_FAILED,
                             _("Could not open the web browser: %s"), error->message);
}

void
ws_launcher_open_uri_async (WsLauncher          *self,
                            const char          *uri,
                            const char          *activation_token,
                            gboolean             private_window,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GAppLaunchContext) context = NULL;
  g_autoptr(GAppInfo) app = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (WS_IS_LAUNCHER (self));
  g_return_if_fail (uri != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ws_launcher_open_uri_async);
  if (g_task_return_error_if_cancelled (task))
    return;

  context = launch_context_new (activation_token);

  if (private_window && ws_sandbox_is_flatpak ())
    {
      g_task_return_new_error (task, WS_LAUNCHER_ERROR, WS_LAUNCHER_ERROR_NO_PRIVATE_WINDOW,
                               "%s", _("Private windows are not available in the Windsock Flatpak: "
                                       "it can only ask your desktop to open the page in the default "
                                       "browser. Use “Copy sign-in link” and paste it into a private "
                                       "window instead."));
      return;
    }
  if (private_window)
    {
      app = lookup_browser (self, &error);
      if (app == NULL || !spawn_private_window (app, uri, context, &error))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_boolean (task, TRUE);
      return;
    }

  app = lookup_chosen_browser (self);
  if (app != NULL)
    {
      GList uris = { (gpointer) uri, NULL, NULL };

      g_app_info_launch_uris_async (app, &uris, context, cancellable,
                                    launch_uris_cb, g_steal_pointer (&task));
    }
  else
    {
      g_app_info_launch_default_for_uri_async (uri, context, cancellable,
                                               launch_default_cb, g_steal_pointer (&task));
    }
}

gboolean
ws_launcher_open_uri_finish (WsLauncher    *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (WS_IS_LAUNCHER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ws_launcher_open_uri_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
