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
 * The URL may carry a sign-in token (or an authorization request's state):
 * it is never logged, and it never goes on a command line, where every
 * process of the user could read it in /proc/PID/cmdline and some browsers
 * would keep it in their session data. The browser is handed a file:// URL
 * of a redirect page instead: written 0600 in a 0700 folder of the user's
 * runtime dir, it sends the browser on, and is deleted once the page's
 * token has expired anyway (PAGE_LIFETIME). A process that exits sooner
 * (`windsock open`) leaves its page to the next launcher, which removes
 * the pages older than that at start, after a new one when it last swept a
 * page's lifetime ago, and by a timer after the last one. The portal
 * (inside Flatpak) takes the URL over D-Bus, not on a command line; a Snap
 * browser cannot read the runtime dir, so it still gets the URL itself.
 *
 * GIO launches every browser, but the one it runs from a desktop file is
 * launched with the spawn flags that let GLib use posix_spawn() (a
 * vfork-like clone) instead of forking the service twice, which costs
 * milliseconds: the launcher reaps the browser itself, and makes all of
 * its descriptors close-on-exec first, so that as before none reaches the
 * browser.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
/* close_range() */
#define _GNU_SOURCE

#include "ws-launcher.h"

#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/magic.h>
#include <sys/vfs.h>
#endif

#include <gio/gdesktopappinfo.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "ws-sandbox.h"
#include "ws-secret.h"

/* A web login token is valid for 60 s: the page outlives it a little. */
#define PAGE_LIFETIME_SECONDS 90

struct _WsLauncher
{
  GObject    parent_instance;

  GSettings *settings;
  guint      sweep_id;      /* deletes the expired redirect pages */
  gint64     last_sweep;    /* monotonic µs */
  gboolean   pages_in_memory; /* their folder is on tmpfs: written at once */
  GDBusConnection *session_bus; /* once prepared: a launch need not wait for it */
};

G_DEFINE_FINAL_TYPE (WsLauncher, ws_launcher, G_TYPE_OBJECT)

G_DEFINE_QUARK (ws-launcher-error-quark, ws_launcher_error)

static void
ws_launcher_finalize (GObject *object)
{
  WsLauncher *self = WS_LAUNCHER (object);

  /* A page not deleted yet is left to the next launcher's sweep: the
   * browser may still be about to read it. */
  g_clear_handle_id (&self->sweep_id, g_source_remove);
  g_clear_object (&self->settings);
  g_clear_object (&self->session_bus);

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

char *
ws_launcher_get_page_dir (void)
{
  /* GLib falls back to the user's cache dir without XDG_RUNTIME_DIR. */
  return g_build_filename (g_get_user_runtime_dir (), "windsock", NULL);
}

/* Removes the redirect pages (and temporary files of unfinished writes,
 * "NAME.html.XXXXXX") older than a page lives: left behind by a process
 * that exited first. Nothing else: without a runtime dir the folder is
 * the cache dir's, which holds the catalog too. */
static void
remove_stale_pages (const char *dir_path)
{
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_path, name, NULL);
      GStatBuf buf;

      if (strstr (name, ".html") != NULL && g_lstat (path, &buf) == 0 && S_ISREG (buf.st_mode) &&
          now - (gint64) buf.st_mtime >= PAGE_LIFETIME_SECONDS && g_unlink (path) == 0)
        g_debug ("Removed a stale sign-in redirect page");
    }
}

static void
remove_stale_pages_thread (GTask        *task,
                           gpointer      source_object,
                           gpointer      task_data,
                           GCancellable *cancellable)
{
  g_autofree char *dir = ws_launcher_get_page_dir ();

  remove_stale_pages (dir);
  g_task_return_boolean (task, TRUE);
}

/* At the start (pages left by a process that exited first), after a new
 * page when the last sweep is a page's lifetime old, and by the timer after
 * the last page. */
static void
sweep_in_thread (WsLauncher *self)
{
  g_autoptr(GTask) sweep = g_task_new (self, NULL, NULL, NULL);

  self->last_sweep = g_get_monotonic_time ();
  g_task_set_source_tag (sweep, sweep_in_thread);
  g_task_run_in_thread (sweep, remove_stale_pages_thread);
}

/* Clicks in a row need no sweep each: a page cannot go stale sooner, and
 * a worker thread per click would grow GIO's thread pool for nothing. */
static void
sweep_when_due (WsLauncher *self)
{
  if (g_get_monotonic_time () - self->last_sweep >= PAGE_LIFETIME_SECONDS * G_USEC_PER_SEC)
    sweep_in_thread (self);
}

/* Whether the pages are written on a file system in memory, where a
 * write cannot wait on a disk: the runtime dir is one (tmpfs) on a
 * desktop. Without one, GLib's runtime dir is the cache dir, on a disk,
 * maybe a network one, which is not even asked. */
static gboolean
pages_are_in_memory (void)
{
#ifdef __linux__
  const char *dir = g_get_user_runtime_dir ();
  struct statfs buf;

  return strcmp (dir, g_get_user_cache_dir ()) != 0 && statfs (dir, &buf) == 0 &&
         (buf.f_type == TMPFS_MAGIC || buf.f_type == RAMFS_MAGIC);
#else
  return FALSE;
#endif
}

WsLauncher *
ws_launcher_new (GSettings *settings)
{
  WsLauncher *self;

  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  self = g_object_new (WS_TYPE_LAUNCHER, NULL);
  g_set_object (&self->settings, settings);
  self->pages_in_memory = pages_are_in_memory ();

  sweep_in_thread (self);
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

static void
prepared_bus_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(WsLauncher) self = user_data;
  g_autoptr(GDBusConnection) session_bus = g_bus_get_finish (result, NULL);

  g_set_object (&self->session_bus, session_bus);
}

void
ws_launcher_prepare (WsLauncher *self)
{
  g_autoptr(GAppInfo) app = NULL;

  g_return_if_fail (WS_IS_LAUNCHER (self));

  /* In the sandbox the portal chooses; there is nothing to look up. */
  if (ws_sandbox_is_flatpak ())
    return;
  app = lookup_browser (self, NULL);
  if (self->session_bus == NULL)
    g_bus_get (G_BUS_TYPE_SESSION, NULL, prepared_bus_cb, g_object_ref (self));
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
  /* %u %U %f %F … of the desktop entry spec. */
  return arg[0] == '%' && arg[1] != '\0' && arg[2] == '\0';
}

static gboolean
is_forwarding_marker (const char *arg)
{
  /* The @@u @@ markers around field codes in the Exec lines Flatpak
   * exports: `flatpak run` hands the files between them to the app. */
  return g_str_has_prefix (arg, "@@");
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

/* The argument a field code stands for: a local path for %f and %F. */
static char *
field_code_value (const char *code,
                  const char *uri)
{
  char *path = NULL;

  if (g_ascii_tolower (code[1]) == 'f')
    path = g_filename_from_uri (uri, NULL, NULL);
  return path != NULL ? path : g_strdup (uri);
}

/* The browser's command line as GIO would run it, but without a shell:
 * @uri (when given) in place of its first URL field code and the other
 * field codes dropped, and @option (when given) just before the URL.
 * Flatpak's forwarding markers stay around the URL, so that a browser
 * Flatpak exported can read a redirect page. */
static GStrv
browser_command (GAppInfo    *app,
                 const char  *option,
                 const char  *uri,
                 GError     **error)
{
  const char *commandline = g_app_info_get_commandline (app);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) argv = NULL;
  gboolean placed_option = option == NULL;
  gboolean placed_uri = uri == NULL;

  if (commandline == NULL || !g_shell_parse_argv (commandline, NULL, &argv, NULL))
    {
      g_set_error (error, WS_LAUNCHER_ERROR, WS_LAUNCHER_ERROR_FAILED,
                   _("%s has no command line Windsock can run."),
                   g_app_info_get_display_name (app));
      return NULL;
    }

  for (char **arg = argv; *arg != NULL; arg++)
    {
      gboolean is_code = is_field_code (*arg);

      if (!is_code && !is_forwarding_marker (*arg))
        {
          g_strv_builder_add (builder, *arg);
          continue;
        }
      if (!placed_option)
        g_strv_builder_add (builder, option);
      placed_option = TRUE;
      if (uri == NULL)
        continue;
      if (!is_code)
        g_strv_builder_add (builder, *arg);
      else if (!placed_uri && strchr ("uUfF", (*arg)[1]) != NULL)
        {
          g_autofree char *value = field_code_value (*arg, uri);

          g_strv_builder_add (builder, value);
          placed_uri = TRUE;
        }
    }
  if (!placed_option)
    g_strv_builder_add (builder, option);
  if (!placed_uri)
    g_strv_builder_add (builder, uri);
  return g_strv_builder_end (builder);
}

gboolean
ws_launcher_has_private_window (GAppInfo *app)
{
  g_auto(GStrv) command = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (G_IS_APP_INFO (app), FALSE);

  if (ws_sandbox_is_flatpak () || !(command = browser_command (app, NULL, NULL, NULL)))
    return FALSE;
  name = browser_executable_name (command);
  return ws_launcher_private_window_option (name) != NULL;
}

/* The option that opens a private window in @app, or NULL and @error. */
static const char *
lookup_private_window_option (GAppInfo  *app,
                              GError   **error)
{
  g_auto(GStrv) command = browser_command (app, NULL, NULL, error);
  g_autofree char *name = NULL;
  const char *option;

  if (command == NULL)
    return NULL;

  name = browser_executable_name (command);
  option = ws_launcher_private_window_option (name);
  if (option == NULL)
    g_set_error (error, WS_LAUNCHER_ERROR, WS_LAUNCHER_ERROR_NO_PRIVATE_WINDOW,
                 _("Windsock does not know how to open a private window in %s. "
                   "Choose Firefox, Chromium, Google Chrome, Brave, Vivaldi, "
                   "Microsoft Edge, Opera or Web as the browser in Preferences."),
                 g_app_info_get_display_name (app));
  return option;
}

/* Snap confinement keeps a browser out of the runtime dir (and every
 * hidden folder of the home), so it could not read a redirect page. */
static gboolean
browser_is_snap (GAppInfo *app)
{
  const char *filename = NULL;

  if (G_IS_DESKTOP_APP_INFO (app))
    filename = g_desktop_app_info_get_filename (G_DESKTOP_APP_INFO (app));
  return filename != NULL && g_str_has_prefix (filename, "/var/lib/snapd/");
}

static GError *
launch_error (GAppInfo     *app,
              const GError *error)
{
  return g_error_new (WS_LAUNCHER_ERROR, WS_LAUNCHER_ERROR_FAILED, _("Could not start %s: %s"),
                      g_app_info_get_display_name (app), error->message);
}

static gboolean
spawn_private_window (GAppInfo           *app,
                      const char         *option,
                      const char         *uri,
                      GAppLaunchContext  *context,
                      GError            **error)
{
  g_auto(GStrv) argv = browser_command (app, option, uri, error);
  g_auto(GStrv) environment = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) local_error = NULL;

  if (argv == NULL)
    return FALSE;

  environment = g_app_launch_context_get_environment (context);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_set_environ (launcher, environment);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv, &local_error);
  if (process == NULL)
    {
      g_propagate_error (error, launch_error (app, local_error));
      return FALSE;
    }

  g_debug ("Opened a private window in %s", g_app_info_get_id (app));
  return TRUE;
}

/* Redirect pages */

char *
ws_launcher_redirect_page (const char *uri)
{
  g_autoptr(WsSecret) escaped = NULL;

  g_return_val_if_fail (uri != NULL, NULL);

  /* The meta refresh needs no script; the script replaces the page in the
   * history, so Back does not lead to it. It reads the link's href, so
   * the URL is escaped once, for an HTML attribute, and never for
   * JavaScript. A fragment is part of the URL and survives both. */
  escaped = g_markup_escape_text (uri, -1);
  return g_strdup_printf ("<!DOCTYPE html>\n"
                          "<html><head><meta charset=\"utf-8\">\n"
                          "<meta name=\"referrer\" content=\"no-referrer\">\n"
                          "<meta http-equiv=\"refresh\" content=\"0;url=%s\">\n"
                          "<title>Windsock</title></head>\n"
                          "<body><a id=\"next\" href=\"%s\">%s</a>\n"
                          "<script>location.replace(document.getElementById(\"next\").href);</script>\n"
                          "</body></html>\n",
                          escaped, escaped, _("Continue"));
}

static void
delete_page (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  g_file_delete_async (file, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
}

static gboolean
on_sweep (gpointer user_data)
{
  WsLauncher *self = user_data;

  self->sweep_id = 0;
  sweep_in_thread (self);
  return G_SOURCE_REMOVE;
}

/* One timer for all pages, not one each: a thousand opens leave no memory
 * behind. Each new page pushes it back (and clicks in a row sweep the
 * expired ones now and then), so the sweep after the last page finds them
 * all expired. */
static void
schedule_page_deletion (WsLauncher *self)
{
  g_clear_handle_id (&self->sweep_id, g_source_remove);
  /* A second more: the timer's seconds are coarse, the page's mtime too. */
  self->sweep_id = g_timeout_add_seconds (PAGE_LIFETIME_SECONDS + 1, on_sweep, self);
}

/* Writes a new redirect page to @uri; returns its path. */
static char *
write_page (const char  *uri,
            GError     **error)
{
  g_autofree char *dir = ws_launcher_get_page_dir ();
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *name = g_strconcat (uuid, ".html", NULL);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(WsSecret) page = ws_launcher_redirect_page (uri);

  /* Only we write here: tighten a folder made by hand. */
  if (g_mkdir_with_parents (dir, 0700) == 0)
    g_chmod (dir, 0700);
  if (!ws_secret_write_file (path, page, strlen (page), error))
    return NULL;
  return g_steal_pointer (&path);
}

static void
write_page_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  GError *error = NULL;
  char *path = write_page (task_data, &error);

  if (path == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, path, g_free);
}

/* Opening */

typedef struct
{
  GAppInfo          *app;
  GAppLaunchContext *context;
  char              *uri;    /* a secret: wiped */
  const char        *option; /* the private window option, or NULL */
  char              *page;   /* the redirect page, once written */
  char              *target; /* what the browser is run on (for a Snap the URL): wiped */
} OpenData;

static void
open_data_free (OpenData *data)
{
  g_clear_object (&data->app);
  g_clear_object (&data->context);
  g_clear_pointer (&data->uri, ws_secret_free);
  g_free (data->page);
  g_clear_pointer (&data->target, ws_secret_free);
  g_free (data);
}

static void
launch_failed (GTask  *task,
               GError *error)
{
  OpenData *data = g_task_get_task_data (task);

  /* No browser will read it. */
  if (data->page != NULL)
    delete_page (data->page);
  g_task_return_error (task, error);
}

/* Marks every descriptor but the standard ones close-on-exec, in one
 * system call: those GLib would otherwise close in the child of a fork. */
static gboolean
set_descriptors_cloexec (void)
{
#ifdef CLOSE_RANGE_CLOEXEC
  return close_range (3, ~0U, CLOSE_RANGE_CLOEXEC) == 0;
#else
  return FALSE;
#endif
}

static void
browser_exited_cb (GPid     pid,
                   int      status,
                   gpointer user_data)
{
  g_spawn_close_pid (pid);
}

/* Without GIO's intermediate child the browser is ours to reap. */
static void
watch_browser (GDesktopAppInfo *app,
               GPid             pid,
               gpointer         user_data)
{
  g_child_watch_add (pid, browser_exited_cb, NULL);
}

/* Whether GIO runs @app from its desktop file: not when it is D-Bus
 * activated, where GIO's asynchronous launch reports the errors. */
static gboolean
is_spawned_from_desktop_file (GAppInfo *app)
{
  return G_IS_DESKTOP_APP_INFO (app) &&
         !g_desktop_app_info_get_boolean (G_DESKTOP_APP_INFO (app), "DBusActivatable");
}

/* GIO's launch of a desktop file, with the flags under which GLib spawns
 * with posix_spawn(). GIO connects to the session bus here, synchronously:
 * the caller connected first. */
static gboolean
spawn_from_desktop_file (GAppInfo           *app,
                         const char         *target,
                         GAppLaunchContext  *context,
                         GError            **error)
{
  GList uris = { (gpointer) target, NULL, NULL };
  GSpawnFlags flags = G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD;

  if (set_descriptors_cloexec ())
    flags |= G_SPAWN_LEAVE_DESCRIPTORS_OPEN;
  return g_desktop_app_info_launch_uris_as_manager (G_DESKTOP_APP_INFO (app), &uris, context, flags,
                                                    NULL, NULL, watch_browser, NULL, error);
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
    launch_failed (task, launch_error (app, error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
launch_with_gio (GTask *task)
{
  OpenData *data = g_task_get_task_data (task);
  GList uris = { data->target, NULL, NULL };

  g_app_info_launch_uris_async (data->app, &uris, data->context, g_task_get_cancellable (task),
                                launch_uris_cb, task);
}

/* Once connected to the session bus (GIO's launch uses it). */
static void
spawn_browser (GTask *task)
{
  OpenData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (g_task_return_error_if_cancelled (task))
    {
      if (data->page != NULL)
        delete_page (data->page);
    }
  else if (spawn_from_desktop_file (data->app, data->target, data->context, &error))
    g_task_return_boolean (task, TRUE);
  else
    launch_failed (task, launch_error (data->app, error));
  g_object_unref (task);
}

static void
session_bus_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GDBusConnection) session_bus = g_bus_get_finish (result, NULL);

  /* Without a bus GIO's own launch copes with that; cancelled, the
   * launch is not made. */
  if (session_bus == NULL && !g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    launch_with_gio (task);
  else
    spawn_browser (task);
}

/* Runs the browser on @target: the redirect page, or for a Snap the URL. */
static void
launch_browser (GTask      *task,
                const char *target)
{
  WsLauncher *self = g_task_get_source_object (task);
  OpenData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (data->option != NULL)
    {
      if (spawn_private_window (data->app, data->option, target, data->context, &error))
        g_task_return_boolean (task, TRUE);
      else
        launch_failed (task, error);
      g_object_unref (task);
      return;
    }

  data->target = g_strdup (target);
  if (!is_spawned_from_desktop_file (data->app))
    launch_with_gio (task);
  else if (self->session_bus != NULL && !g_dbus_connection_is_closed (self->session_bus))
    spawn_browser (task);
  else
    g_bus_get (G_BUS_TYPE_SESSION, g_task_get_cancellable (task), session_bus_cb, task);
}

/* Launches the browser on @page (or returns @error), then sweeps. */
static void
page_written (GTask  *task,
              char   *page,
              GError *error)
{
  OpenData *data = g_task_get_task_data (task);
  g_autoptr(WsLauncher) self = g_object_ref (g_task_get_source_object (task));
  g_autofree char *page_uri = NULL;

  data->page = page;
  if (data->page == NULL)
    {
      g_task_return_new_error (task, WS_LAUNCHER_ERROR, WS_LAUNCHER_ERROR_FAILED,
                               _("Could not hand the page to the web browser: %s"), error->message);
      g_error_free (error);
      g_object_unref (task);
      return;
    }

  schedule_page_deletion (self);
  if (g_task_return_error_if_cancelled (task))
    {
      delete_page (data->page);
      g_object_unref (task);
    }
  else
    {
      page_uri = g_filename_to_uri (data->page, NULL, NULL);
      launch_browser (task, page_uri);
    }
  /* Once the browser is on its way: the pages other processes left. */
  sweep_when_due (self);
}

static void
page_written_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GError *error = NULL;
  char *page = g_task_propagate_pointer (G_TASK (result), &error);

  page_written (user_data, page, error);
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
  g_autoptr(GTask) write = NULL;
  g_autoptr(GAppLaunchContext) context = NULL;
  g_autoptr(GError) error = NULL;
  OpenData *data;

  g_return_if_fail (WS_IS_LAUNCHER (self));
  g_return_if_fail (uri != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ws_launcher_open_uri_async);
  if (g_task_return_error_if_cancelled (task))
    return;

  context = launch_context_new (activation_token);

  if (ws_sandbox_is_flatpak ())
    {
      if (private_window)
        g_task_return_new_error (task, WS_LAUNCHER_ERROR, WS_LAUNCHER_ERROR_NO_PRIVATE_WINDOW,
                                 "%s", _("Private windows are not available in the Windsock Flatpak: "
                                         "it can only ask your desktop to open the page in the default "
                                         "browser. Use “Copy sign-in link” and paste it into a private "
                                         "window instead."));
      else
        g_app_info_launch_default_for_uri_async (uri, context, cancellable,
                                                 launch_default_cb, g_steal_pointer (&task));
      return;
    }

  data = g_new0 (OpenData, 1);
  g_task_set_task_data (task, data, (GDestroyNotify) open_data_free);
  data->context = g_steal_pointer (&context);
  data->app = lookup_browser (self, &error);
  if (data->app == NULL ||
      (private_window && !(data->option = lookup_private_window_option (data->app, &error))))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (browser_is_snap (data->app))
    {
      g_debug ("A Snap browser cannot read a redirect page: it gets the URL itself");
      launch_browser (g_steal_pointer (&task), uri);
      return;
    }

  /* In memory the write cannot block: a worker thread would only add
   * the hops to it and back. */
  if (self->pages_in_memory)
    {
      GError *write_error = NULL;
      char *page = write_page (uri, &write_error);

      page_written (g_steal_pointer (&task), page, write_error);
      return;
    }

  /* The write does not take the cancellable: a page written is handed
   * back, so that it is deleted too. */
  data->uri = g_strdup (uri);
  write = g_task_new (self, NULL, page_written_cb, g_steal_pointer (&task));
  g_task_set_source_tag (write, write_page_thread);
  g_task_set_task_data (write, data->uri, NULL);
  g_task_run_in_thread (write, write_page_thread);
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
