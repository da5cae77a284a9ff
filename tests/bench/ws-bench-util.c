/* ws-bench-util.c — what the in-process benchmarks share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ws-bench-util.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "ws-test-browser.h"
#include "ws-test-util.h"

#define STAMP_BROWSER "stamp"

struct _WsBenchResults
{
  char       *name;
  JsonObject *root;
  JsonObject *figures;
  JsonObject *goals;
};

WsBenchResults *
ws_bench_results_new (const char *name,
                      const char *description)
{
  WsBenchResults *results = g_new0 (WsBenchResults, 1);

  /* The labels' "→" and "×" printed as they are, not as "?". */
  setlocale (LC_ALL, "");
  results->name = g_strdup (name);
  results->root = json_object_new ();
  results->figures = json_object_new ();
  results->goals = json_object_new ();
  json_object_set_string_member (results->root, "benchmark", name);
  json_object_set_string_member (results->root, "description", description);
  json_object_set_object_member (results->root, "figures", json_object_ref (results->figures));
  json_object_set_object_member (results->root, "goals", json_object_ref (results->goals));
  g_print ("# %s: %s\n", name, description);

  return results;
}

void
ws_bench_results_add (WsBenchResults *results,
                      const char     *key,
                      double          value,
                      const char     *unit,
                      const char     *label)
{
  JsonObject *figure = json_object_new ();

  json_object_set_double_member (figure, "value", value);
  json_object_set_string_member (figure, "unit", unit);
  json_object_set_string_member (figure, "label", label);
  json_object_set_object_member (results->figures, key, figure);
  g_print ("%s: %.*f %s\n", label, value == (gint64) value || value >= 100 ? 0 : 2, value, unit);
}

void
ws_bench_results_goal (WsBenchResults *results,
                       const char     *key,
                       gboolean        met,
                       const char     *text)
{
  JsonObject *goal = json_object_new ();

  json_object_set_boolean_member (goal, "met", met);
  json_object_set_string_member (goal, "text", text);
  json_object_set_object_member (results->goals, key, goal);
  g_print ("goal %s: %s\n", met ? "met" : "NOT met", text);
}

void
ws_bench_results_finish (WsBenchResults *results)
{
  const char *dir = g_getenv ("WINDSOCK_BENCH_RESULTS_DIR");

  if (dir != NULL)
    {
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), results->root);
      g_autofree char *text = json_to_string (node, TRUE);
      g_autofree char *file = g_strconcat (results->name, ".json", NULL);
      g_autofree char *path = g_build_filename (dir, file, NULL);
      g_autoptr(GError) error = NULL;

      g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
      g_file_set_contents (path, text, -1, &error);
      g_assert_no_error (error);
    }

  json_object_unref (results->goals);
  json_object_unref (results->figures);
  json_object_unref (results->root);
  g_free (results->name);
  g_free (results);
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double da = *(const double *) a, db = *(const double *) b;

  return (da > db) - (da < db);
}

double
ws_bench_percentile (double *values,
                     guint   n,
                     double  p)
{
  guint rank;

  g_assert_cmpuint (n, >, 0);
  qsort (values, n, sizeof *values, compare_doubles);
  rank = (guint) (p / 100.0 * n + 0.999999);
  return values[CLAMP (rank, 1, n) - 1];
}


WsFakeAws *
ws_bench_tls_fake_new (CliFixture *cli,
                       guint      *port)
{
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autofree char *ca_path = NULL;
  g_autofree char *endpoint = NULL;
  WsFakeAws *fake;

  certificate = ws_test_make_certificate (cli->home, "DNS:api.bench.localhost,DNS:env.bench.localhost",
                                           &ca_path);
  fake = ws_fake_aws_new_tls (certificate);
  ws_fake_aws_add_credentials (fake, CLI_ACCESS_KEY, CLI_SECRET_KEY, NULL);
  uri = g_uri_parse (ws_fake_aws_get_url (fake), G_URI_FLAGS_NONE, NULL);
  *port = g_uri_get_port (uri);
  endpoint = g_strdup_printf ("https://bench.localhost:%u", *port);
  cli_fixture_setenv (cli, "AWS_ENDPOINT_URL", endpoint);
  cli_fixture_unsetenv (cli, "AWS_DISABLE_HOST_PREFIX_INJECTION");
  cli_fixture_setenv (cli, "AWS_CA_BUNDLE", ca_path);
  return fake;
}

char *
ws_bench_install_stamp_browser (const char *home)
{
  g_autofree char *record = ws_test_install_recording_browser (home, STAMP_BROWSER);
  g_autofree char *program = g_build_filename (home, "bin", STAMP_BROWSER, NULL);
  const char *stamper = g_getenv ("WINDSOCK_BENCH_STAMP_BROWSER");

  /* The stamper names its file after how it was called: PROGRAM.stamp. */
  g_assert_nonnull (stamper);
  g_assert_cmpint (g_unlink (program), ==, 0);
  g_assert_cmpint (symlink (stamper, program), ==, 0);
  return g_strconcat (program, ".stamp", NULL);
}

gint64
ws_bench_take_stamp (const char *stamp_path)
{
  /* When it is noticed does not matter: the stamp holds the time. */
  g_autofree char *text = ws_test_wait_for_file (stamp_path);

  if (text == NULL)
    g_error ("The browser did not start within 30 s");
  g_assert_cmpint (g_unlink (stamp_path), ==, 0);
  return g_ascii_strtoll (text, NULL, 10);
}

/* The number after "FIELD:" on a line of @path, or -1. */
static gint64
read_field (const char *path,
            const char *field)
{
  g_autofree char *text = NULL;
  g_autofree char *needle = g_strconcat ("\n", field, ":", NULL);
  const char *found;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return -1;
  if (g_str_has_prefix (text, needle + 1))
    found = text + strlen (needle + 1);
  else if ((found = strstr (text, needle)) != NULL)
    found += strlen (needle);
  else
    return -1;
  return g_ascii_strtoll (found, NULL, 10);
}

gint64
ws_bench_proc_status (GPid        pid,
                      const char *field)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", pid);

  return read_field (path, field);
}

gint64
ws_bench_proc_rollup (GPid        pid,
                      const char *field)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/smaps_rollup", pid);

  return read_field (path, field);
}

/* Calls @func for each thread's /proc/PID/task/TID directory. */
static void
foreach_task (GPid     pid,
              void   (*func) (const char *task_dir, gpointer data),
              gpointer data)
{
  g_autofree char *dir_path = g_strdup_printf ("/proc/%d/task", pid);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *tid;

  g_assert_nonnull (dir);
  while ((tid = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *task_dir = g_build_filename (dir_path, tid, NULL);

      func (task_dir, data);
    }
}

static guint64
task_switches (const char *task_dir)
{
  g_autofree char *path = g_build_filename (task_dir, "status", NULL);
  gint64 voluntary = read_field (path, "voluntary_ctxt_switches");
  gint64 involuntary = read_field (path, "nonvoluntary_ctxt_switches");

  /* A thread that just ended reads as nothing. */
  return MAX (voluntary, 0) + MAX (involuntary, 0);
}

static void
record_switches (const char *task_dir,
                 gpointer    data)
{
  g_hash_table_insert (data, g_path_get_basename (task_dir),
                       g_memdup2 (&(guint64) { task_switches (task_dir) }, sizeof (guint64)));
}

GHashTable *
ws_bench_proc_switches (GPid pid)
{
  GHashTable *switches = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  foreach_task (pid, record_switches, switches);
  return switches;
}

typedef struct
{
  GHashTable *before;
  GString    *by_thread;
  guint64     total;
} WakeupSum;

static void
add_wakeups (const char *task_dir,
             gpointer    data)
{
  WakeupSum *sum = data;
  g_autofree char *tid = g_path_get_basename (task_dir);
  g_autofree char *comm_path = g_build_filename (task_dir, "comm", NULL);
  g_autofree char *name = NULL;
  const guint64 *before = g_hash_table_lookup (sum->before, tid);
  guint64 now = task_switches (task_dir);
  guint64 delta = before != NULL && now >= *before ? now - *before : now;

  if (delta == 0)
    return;
  sum->total += delta;
  if (!g_file_get_contents (comm_path, &name, NULL, NULL))
    name = g_strdup ("?");
  g_string_append_printf (sum->by_thread, "%s%s%s %" G_GUINT64_FORMAT, sum->by_thread->len > 0 ? ", " : "",
                          g_strstrip (name), before == NULL ? " (new)" : "", delta);
}

guint64
ws_bench_proc_wakeups_since (GPid        pid,
                             GHashTable *before,
                             char      **by_thread)
{
  WakeupSum sum = { before, g_string_new (NULL), 0 };

  foreach_task (pid, add_wakeups, &sum);
  *by_thread = g_string_free (sum.by_thread, FALSE);
  return sum.total;
}

static void
count_thread_name (const char *task_dir,
                   gpointer    data)
{
  g_autofree char *path = g_build_filename (task_dir, "comm", NULL);
  g_autofree char *name = NULL;

  if (!g_file_get_contents (path, &name, NULL, NULL))
    return;
  g_strstrip (name);
  g_hash_table_insert (data, g_strdup (name),
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (data, name)) + 1));
}

char *
ws_bench_proc_threads (GPid pid)
{
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree const char **keys = NULL;
  guint n;

  foreach_task (pid, count_thread_name, names);
  keys = (const char **) g_hash_table_get_keys_as_array (names, &n);
  qsort (keys, n, sizeof *keys, (GCompareFunc) g_strcmp0);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, "%s%s ×%u", i > 0 ? ", " : "", keys[i],
                            GPOINTER_TO_UINT (g_hash_table_lookup (names, keys[i])));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

typedef struct
{
  char   *what;
  gint64  kb;
} Mapping;

static int
compare_mappings (gconstpointer a,
                  gconstpointer b)
{
  const Mapping *ma = *(Mapping * const *) a, *mb = *(Mapping * const *) b;

  return (mb->kb > ma->kb) - (mb->kb < ma->kb);
}

static void
mapping_free (Mapping *mapping)
{
  g_free (mapping->what);
  g_free (mapping);
}

char *
ws_bench_proc_top_mappings (GPid        pid,
                            const char *field,
                            guint       n)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/smaps", pid);
  g_autofree char *prefix = g_strconcat (field, ":", NULL);
  g_autoptr(GHashTable) by_name = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) mappings = g_ptr_array_new_with_free_func ((GDestroyNotify) mapping_free);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  Mapping *current = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];

      /* A mapping's header: "start-end perms offset dev inode [name]". */
      if (g_ascii_isxdigit (line[0]) && strchr (line, '-') != NULL && strchr (line, ':') != NULL &&
          !g_str_has_suffix (line, " kB"))
        {
          g_auto(GStrv) parts = g_strsplit_set (line, " ", 6);
          const char *name = g_strv_length (parts) == 6 ? g_strstrip (parts[5]) : "";

          if (name[0] == '\0')
            name = "[anon]";
          current = g_hash_table_lookup (by_name, name);
          if (current == NULL)
            {
              current = g_new0 (Mapping, 1);
              current->what = g_strdup (name);
              g_hash_table_insert (by_name, current->what, current);
              g_ptr_array_add (mappings, current);
            }
        }
      else if (current != NULL && g_str_has_prefix (line, prefix))
        current->kb += g_ascii_strtoll (line + strlen (prefix), NULL, 10);
    }

  g_ptr_array_sort (mappings, compare_mappings);
  for (guint i = 0; i < MIN (n, mappings->len); i++)
    {
      Mapping *mapping = g_ptr_array_index (mappings, i);

      g_string_append_printf (text, "%6" G_GINT64_FORMAT " kB  %s\n", mapping->kb, mapping->what);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}
