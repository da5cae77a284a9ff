/* ws-test-browser.c — a recording browser for the launcher and CLI tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ws-test-browser.h"

#include <string.h>

#include <glib/gstdio.h>

#define RECORDER_SCRIPT \
  "#!/bin/sh\n" \
  "record='%s'\n" \
  "printf 'XDG_ACTIVATION_TOKEN=%%s\\nDESKTOP_STARTUP_ID=%%s\\n' \\\n" \
  "  \"${XDG_ACTIVATION_TOKEN-}\" \"${DESKTOP_STARTUP_ID-}\" > \"$record.env.part\"\n" \
  "mv \"$record.env.part\" \"$record.env\"\n" \
  "separator=''\n" \
  "for arg in \"$@\"; do\n" \
  "  printf '%%s%%s' \"$separator\" \"$arg\"\n" \
  "  separator='\n" \
  "'\n" \
  "done > \"$record.part\"\n" \
  "mv \"$record.part\" \"$record\"\n"

static void
write_file (const char *path,
            const char *contents,
            int         mode)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents_full (path, contents, -1, G_FILE_SET_CONTENTS_CONSISTENT, mode, &error);
  g_assert_no_error (error);
}

char *
ws_test_install_recording_browser (const char *home,
                                   const char *executable_name)
{
  g_autofree char *script = g_build_filename (home, "bin", executable_name, NULL);
  g_autofree char *record = g_strdup_printf ("%s/%s.record", home, executable_name);
  g_autofree char *desktop_id = g_strconcat (executable_name, ".desktop", NULL);
  g_autofree char *desktop = g_build_filename (home, ".local", "share", "applications", desktop_id, NULL);
  g_autofree char *mimeapps = g_build_filename (home, ".config", "mimeapps.list", NULL);
  g_autofree char *script_text = NULL;
  g_autofree char *desktop_text = NULL;
  g_autofree char *mimeapps_text = NULL;

  /* Quoted in the script and the Exec line without escaping. */
  g_assert_null (strpbrk (home, "'\" \\%$`"));

  script_text = g_strdup_printf (RECORDER_SCRIPT, record);
  write_file (script, script_text, 0700);

  desktop_text = g_strdup_printf ("[Desktop Entry]\nType=Application\nName=%s\nExec=%s %%u\n"
                                  "MimeType=x-scheme-handler/http;x-scheme-handler/https;\n"
                                  "NoDisplay=true\n",
                                  executable_name, script);
  write_file (desktop, desktop_text, 0600);

  /* http too: the fake's OIDC authorize page is http://127.0.0.1. */
  mimeapps_text = g_strdup_printf ("[Default Applications]\nx-scheme-handler/http=%s\n"
                                   "x-scheme-handler/https=%s\n", desktop_id, desktop_id);
  write_file (mimeapps, mimeapps_text, 0600);

  return g_steal_pointer (&record);
}

char *
ws_test_wait_for_file (const char *path)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  char *contents = NULL;

  /* The browser runs detached from whoever launched it. */
  while (!g_file_get_contents (path, &contents, NULL, NULL))
    {
      if (g_get_monotonic_time () > deadline)
        return NULL;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10 * 1000);
    }
  return contents;
}
