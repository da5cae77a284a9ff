/* ws-test-util.c — isolating a test program's environment, removing its
 * temporary trees
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ws-test-util.h"

#include <sys/stat.h>

#include <glib/gstdio.h>

char *
ws_test_isolate (const char *name)
{
  g_auto(GStrv) variables = g_listenv ();
  g_autofree char *template = g_strconcat (name, "-XXXXXX", NULL);
  g_autoptr(GError) error = NULL;
  char *home;

  /* Nothing of the developer's own AWS set-up may reach the code under
   * test, whether through the variables or through ~/.aws. */
  for (guint i = 0; variables[i] != NULL; i++)
    {
      if (g_str_has_prefix (variables[i], "AWS_"))
        g_unsetenv (variables[i]);
    }

  home = g_dir_make_tmp (template, &error);
  g_assert_no_error (error);
  g_setenv ("HOME", home, TRUE);

  return home;
}

void
ws_test_remove_tree (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open (path, 0, &error);
  const char *name;

  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      GStatBuf buf;

      /* lstat: a link to a directory outside the tree is only unlinked. */
      g_assert_no_errno (g_lstat (child, &buf));
      if (S_ISDIR (buf.st_mode))
        ws_test_remove_tree (child);
      else
        g_assert_no_errno (g_unlink (child));
    }
  g_assert_no_errno (g_rmdir (path));
}

static gboolean
set_true (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

void
ws_test_run_for (guint milliseconds)
{
  gboolean done = FALSE;

  g_timeout_add (milliseconds, set_true, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

gboolean
ws_test_iterate_until (gboolean  (*condition) (gpointer data),
                       gpointer    data,
                       guint       seconds)
{
  gboolean timed_out = FALSE;
  guint timeout_id = g_timeout_add_seconds (seconds, set_true, &timed_out);

  while (!condition (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (timeout_id);
  return condition (data);
}

void
ws_test_write_file (const char *path,
                    const char *contents,
                    gssize      length,
                    int         mode)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents_full (path, contents, length, G_FILE_SET_CONTENTS_CONSISTENT, mode, &error);
  g_assert_no_error (error);
}

GTlsCertificate *
ws_test_make_certificate (const char  *dir,
                          const char  *subject_alt_name,
                          char       **ca_path)
{
  g_autofree char *cert_path = g_build_filename (dir, "cert.pem", NULL);
  g_autofree char *key_path = g_build_filename (dir, "key.pem", NULL);
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  g_autofree char *extension = g_strconcat ("subjectAltName=", subject_alt_name, NULL);
  g_autoptr(GError) error = NULL;
  GTlsCertificate *certificate;
  const char *argv[] = {
    openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
    "-nodes", "-days", "2", "-subj", "/CN=windsock-bench", "-addext", extension,
    "-keyout", key_path, "-out", cert_path, NULL
  };
  int status = -1;

  g_assert_nonnull (openssl);
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  certificate = g_tls_certificate_new_from_files (cert_path, key_path, &error);
  g_assert_no_error (error);
  *ca_path = g_steal_pointer (&cert_path);
  return certificate;
}
