/* ws-test-browser.c — a recording browser for the launcher and CLI tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ws-test-browser.h"
#include "ws-test-util.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
  ws_test_write_file (script, script_text, -1, 0700);

  desktop_text = g_strdup_printf ("[Desktop Entry]\nType=Application\nName=%s\nExec=%s %%u\n"
                                  "MimeType=x-scheme-handler/http;x-scheme-handler/https;\n"
                                  "NoDisplay=true\n",
                                  executable_name, script);
  ws_test_write_file (desktop, desktop_text, -1, 0600);

  /* http too: the fake's OIDC authorize page is http://127.0.0.1. */
  mimeapps_text = g_strdup_printf ("[Default Applications]\nx-scheme-handler/http=%s\n"
                                   "x-scheme-handler/https=%s\n", desktop_id, desktop_id);
  ws_test_write_file (mimeapps, mimeapps_text, -1, 0600);

  return g_steal_pointer (&record);
}

static gboolean
file_exists (gpointer path)
{
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static gboolean
look_again (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

char *
ws_test_wait_for_file (const char *path)
{
  /* The browser runs detached from whoever launched it: nothing here
   * announces the file, so a short timer wakes the loop to look; in
   * between the loop blocks, serving an in-process fake at once. */
  guint timer_id = g_timeout_add (5, look_again, NULL);
  char *contents = NULL;

  if (ws_test_iterate_until (file_exists, (gpointer) path, 30))
    g_file_get_contents (path, &contents, NULL, NULL);
  g_source_remove (timer_id);
  return contents;
}

static void
assert_mode (const char *path,
             guint       expected)
{
  GStatBuf buf;

  g_assert_cmpint (g_lstat (path, &buf), ==, 0);
  g_assert_cmpuint (buf.st_uid, ==, getuid ());
  g_assert_cmpuint (buf.st_mode & 07777, ==, expected);
}

/* The value of the attribute that starts after @prefix in @page, up to
 * the closing quote, with the markup escapes undone. */
static char *
attribute_value (const char *page,
                 const char *prefix)
{
  const char *start = strstr (page, prefix);
  const char *end;
  g_autoptr(GString) value = g_string_new (NULL);
  static const char *entities[][2] = {
    { "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" },
    { "&quot;", "\"" }, { "&#39;", "'" }, { "&apos;", "'" },
  };

  g_assert_nonnull (start);
  start += strlen (prefix);
  end = strchr (start, '"');
  g_assert_nonnull (end);
  for (const char *p = start; p < end;)
    {
      gsize i;

      for (i = 0; i < G_N_ELEMENTS (entities) && !g_str_has_prefix (p, entities[i][0]); i++)
        ;
      if (i < G_N_ELEMENTS (entities))
        {
          g_string_append (value, entities[i][1]);
          p += strlen (entities[i][0]);
        }
      else if (g_str_has_prefix (p, "&#x"))
        {
          g_string_append_c (value, (char) g_ascii_strtoull (p + 3, NULL, 16));
          p = strchr (p, ';') + 1;
        }
      else
        g_string_append_c (value, *p++);
    }
  return g_string_free (g_steal_pointer (&value), FALSE);
}

/* GIO hands a browser a file:// URL as a path for %u too. */
static gboolean
is_redirect_page (const char *argument)
{
  return (argument[0] == '/' || g_str_has_prefix (argument, "file://")) &&
         g_str_has_suffix (argument, ".html");
}

static char *
redirect_target (const char *page)
{
  g_autofree char *path = page[0] == '/' ? g_strdup (page) : g_filename_from_uri (page, NULL, NULL);
  g_autofree char *dir = NULL;
  g_autofree char *dir_name = NULL;
  g_autofree char *text = NULL;
  g_autofree char *refresh = NULL;
  char *link;

  g_assert_nonnull (path);
  dir = g_path_get_dirname (path);
  /* The runtime dir of the process that wrote it (or its cache dir). */
  dir_name = g_path_get_basename (dir);
  g_assert_cmpstr (dir_name, ==, "windsock");
  assert_mode (dir, 0700);
  assert_mode (path, 0600);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));

  refresh = attribute_value (text, "<meta http-equiv=\"refresh\" content=\"0;url=");
  link = attribute_value (text, "<a id=\"next\" href=\"");
  g_assert_cmpstr (refresh, ==, link);
  g_assert_nonnull (strstr (text, "location.replace(document.getElementById(\"next\").href)"));
  return link;
}

char *
ws_test_browser_resolve (const char *recorded)
{
  g_auto(GStrv) arguments = NULL;

  g_assert_nonnull (recorded);
  arguments = g_strsplit (recorded, "\n", -1);
  for (char **argument = arguments; *argument != NULL; argument++)
    {
      if (is_redirect_page (*argument))
        {
          char *target = redirect_target (*argument);

          g_free (*argument);
          *argument = target;
        }
    }
  return g_strjoinv ("\n", arguments);
}

char *
ws_test_wait_for_browser (const char *record)
{
  g_autofree char *recorded = ws_test_wait_for_file (record);

  return recorded != NULL ? ws_test_browser_resolve (recorded) : NULL;
}
