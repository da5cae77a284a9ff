/* ws-autostart.c — the XDG autostart entry that starts Windsock at login
 *
 * Inside Flatpak ~/.config/autostart is out of reach, and an entry there
 * could not run the sandboxed app anyway: the Background portal writes the
 * host's entry (running `flatpak run …`), and the entry in the sandbox's own
 * config dir is only Windsock's record of the choice, read back by
 * ws_autostart_get_enabled(). The portal may ask the user first; a refusal
 * is not reported back to us.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ws-autostart.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "ws-sandbox.h"

#define ENTRY_NAME APP_ID ".desktop"
#define DESKTOP_GROUP "Desktop Entry"
#define SERVICE_OPTION "--gapplication-service"

char *
ws_autostart_get_path (const char * const *environ)
{
  const char *config_home = g_environ_getenv ((char **) environ, "XDG_CONFIG_HOME");
  const char *home = g_environ_getenv ((char **) environ, "HOME");

  /* The basedir spec ignores a relative XDG_CONFIG_HOME. */
  if (config_home != NULL && g_path_is_absolute (config_home))
    return g_build_filename (config_home, "autostart", ENTRY_NAME, NULL);

  return g_build_filename (home != NULL ? home : g_get_home_dir (),
                           ".config", "autostart", ENTRY_NAME, NULL);
}

/* An entry switched off by hand (Hidden, or GNOME's own switch) counts as
 * disabled, as the session would not start it. */
gboolean
ws_autostart_get_enabled (const char * const *environ)
{
  g_autofree char *path = ws_autostart_get_path (environ);
  g_autoptr(GKeyFile) entry = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  gboolean switched_on;

  if (!g_key_file_load_from_file (entry, path, G_KEY_FILE_NONE, NULL))
    return FALSE;
  if (g_key_file_get_boolean (entry, DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_HIDDEN, NULL))
    return FALSE;

  switched_on = g_key_file_get_boolean (entry, DESKTOP_GROUP, "X-GNOME-Autostart-enabled", &error);
  return switched_on || error != NULL;
}

/* Quotes one Exec argument as the desktop entry spec asks. */
static char *
quote_exec_argument (const char *argument)
{
  g_autoptr(GString) quoted = NULL;

  if (strpbrk (argument, " \t\n\"'\\><~|&;$*?#()`") == NULL)
    return g_strdup (argument);

  quoted = g_string_new ("\"");
  for (const char *c = argument; *c != '\0'; c++)
    {
      if (strchr ("\"`$\\", *c) != NULL)
        g_string_append_c (quoted, '\\');
      g_string_append_c (quoted, *c);
    }
  g_string_append_c (quoted, '"');
  return g_string_free (g_steal_pointer (&quoted), FALSE);
}

char *
ws_autostart_entry_text (const char *executable)
{
  g_autoptr(GKeyFile) entry = g_key_file_new ();
  g_autofree char *quoted = NULL;
  g_autofree char *exec = NULL;

  g_return_val_if_fail (executable != NULL, NULL);

  /* As a service: at login the panel may come up after us, and that is no
   * reason to show the picker (see the service's no-tray fallback). */
  quoted = quote_exec_argument (executable);
  exec = g_strconcat (quoted, " " SERVICE_OPTION, NULL);
  g_key_file_set_string (entry, DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_TYPE,
                         G_KEY_FILE_DESKTOP_TYPE_APPLICATION);
  g_key_file_set_string (entry, DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_NAME, "Windsock");
  g_key_file_set_string (entry, DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_COMMENT,
                         _("Open the Airflow UI of Amazon MWAA environments from the tray"));
  g_key_file_set_string (entry, DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_ICON, APP_ID);
  g_key_file_set_string (entry, DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_EXEC, exec);
  g_key_file_set_boolean (entry, DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_NO_DISPLAY, TRUE);
  g_key_file_set_string (entry, DESKTOP_GROUP, "X-GNOME-Autostart-Phase", "Applications");
  return g_key_file_to_data (entry, NULL, NULL);
}

static gboolean
write_entry (const char  *path,
             GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *text = ws_autostart_entry_text ("windsock");
  int saved_errno;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not create the folder %s: %s"), dir, g_strerror (saved_errno));
      return FALSE;
    }

  /* 0644, not the 0600 of our other files: an autostart entry holds no
   * secret, and desktop entries are conventionally world-readable. */
  return g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
}

static gboolean
remove_entry (const char  *path,
              GError     **error)
{
  int saved_errno;

  if (g_unlink (path) == 0 || errno == ENOENT)
    return TRUE;

  saved_errno = errno;
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               _("Could not remove %s: %s"), path, g_strerror (saved_errno));
  return FALSE;
}

/* Only the request is waited for, which the portal answers at once; its
 * Response (after the user allowed it or not) is not. */
static gboolean
request_background (gboolean   autostart,
                    GError   **error)
{
  const char * const commandline[] = { "windsock", SERVICE_OPTION, NULL };
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) local_error = NULL;
  GVariantBuilder options;

  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "reason",
                         g_variant_new_string (_("Windsock shows your Airflow environments in the tray "
                                                 "from the moment you log in.")));
  g_variant_builder_add (&options, "{sv}", "autostart", g_variant_new_boolean (autostart));
  g_variant_builder_add (&options, "{sv}", "commandline", g_variant_new_strv (commandline, -1));
  g_variant_builder_add (&options, "{sv}", "dbus-activatable", g_variant_new_boolean (FALSE));

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &local_error);
  if (bus != NULL)
    reply = g_dbus_connection_call_sync (bus, "org.freedesktop.portal.Desktop",
                                         "/org/freedesktop/portal/desktop",
                                         "org.freedesktop.portal.Background", "RequestBackground",
                                         g_variant_new ("(sa{sv})", "", &options),
                                         G_VARIANT_TYPE ("(o)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                         NULL, &local_error);
  else
    g_variant_builder_clear (&options);

  if (reply == NULL)
    {
      g_dbus_error_strip_remote_error (local_error);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("Could not ask your desktop to start Windsock when you log in "
                     "(the Background portal of xdg-desktop-portal): %s"),
                   local_error->message);
      return FALSE;
    }
  return TRUE;
}

gboolean
ws_autostart_set_enabled (const char * const  *environ,
                          gboolean             enabled,
                          GError             **error)
{
  g_autofree char *path = ws_autostart_get_path (environ);

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (ws_sandbox_is_flatpak () && !request_background (enabled, error))
    return FALSE;
  return enabled ? write_entry (path, error) : remove_entry (path, error);
}
