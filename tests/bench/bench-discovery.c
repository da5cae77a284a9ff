/* bench-discovery.c — the catalog's discovery (what the service does at
 * start and on Refresh) over N profiles × M regions, as the catalog grows
 * to 10, 100 and 1,000 environments
 *
 * Each size runs in a process of its own (this program with --discover),
 * through libwscore's public API: a WsCatalog over a WsAwsContext, with the
 * settings' extra-regions giving each profile its M regions. The fake of
 * AWS (TLS, each answer held DELAY_MS so that parallel requests show) runs
 * in this parent process, so the child's memory is the catalog's and its
 * client's alone: its heap growth (mallinfo2 uordblks), RSS growth and
 * peak RSS (VmHWM) are reported. One ListEnvironments page holds 25 names
 * and each environment costs one GetEnvironment, so a pair with E
 * environments costs ceil(E/25) + E requests; with P requests at once the
 * time should be about requests × delay / P. Here every request goes to
 * one host (on AWS, each region is a host of its own), so the HTTP
 * client's connections per host bound P as well as the catalog's jobs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli-fixture.h"
#include "ws-bench-util.h"
#include "ws-catalog.h"
#include "ws-test-util.h"

#define DELAY_MS     10
#define MAX_PARALLEL 8  /* the catalog's default, for the expected time */

typedef struct
{
  guint profiles;
  guint regions;
  guint per_pair;  /* environments in each profile × region */
} Size;

/* 1 environment per pair as the pairs grow, then the same 1,000
 * environments packed into 10 pairs (ListEnvironments pages). */
static const Size sizes[] = {
  { 2, 5, 1 },
  { 10, 10, 1 },
  { 20, 50, 1 },
  { 2, 5, 100 },
};

static char *
region_name (guint j)
{
  return g_strdup_printf ("eu-bench-%u", j + 1);
}

/* --- The child: one discovery ------------------------------------------------ */

static gboolean
refresh_done (gpointer data)
{
  return !ws_catalog_get_refreshing (data);
}

static int
discover (guint regions)
{
  g_autoptr(GSettingsBackend) backend = g_memory_settings_backend_new ();
  g_autoptr(GSettings) settings = g_settings_new_with_backend (APP_ID, backend);
  g_autoptr(GPtrArray) extra = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(WsAwsClient) client = NULL;
  g_autoptr(WsAwsContext) context = NULL;
  g_autoptr(WsCatalog) catalog = NULL;
  g_autofree char *cache_path = g_build_filename (g_get_home_dir (), "catalog.json", NULL);
  g_auto(GStrv) environ = g_get_environ ();
  gint64 heap_before, rss_before, start, elapsed;
  GPtrArray *profiles;
  GPid self = getpid ();

  for (guint j = 1; j < regions; j++)
    g_ptr_array_add (extra, region_name (j));
  g_ptr_array_add (extra, NULL);
  g_settings_set_strv (settings, "extra-regions", (const char * const *) extra->pdata);

  client = ws_aws_client_new ();
  context = ws_aws_context_new (client, (const char * const *) environ);
  /* As the service does: AWS_CA_BUNDLE, timeouts, retries. */
  g_assert_true (ws_aws_client_apply_settings (client, ws_aws_context_get_config (context),
                                               ws_aws_config_get_default_profile_name ((const char * const *) environ),
                                               (const char * const *) environ, NULL));
  catalog = ws_catalog_new (context, settings, cache_path);

  heap_before = mallinfo2 ().uordblks;
  rss_before = ws_bench_proc_status (self, "VmRSS");
  start = g_get_monotonic_time ();
  ws_catalog_refresh (catalog);
  if (!ws_test_iterate_until (refresh_done, catalog, 300))
    g_error ("Discovery did not end within 300 s");
  elapsed = g_get_monotonic_time () - start;
  profiles = ws_catalog_get_profiles (catalog);
  for (guint i = 0; i < profiles->len; i++)
    {
      const WsCatalogProfile *profile = g_ptr_array_index (profiles, i);

      if (profile->error != NULL)
        g_printerr ("%s: %s\n", profile->name, profile->error->message);
    }

  g_print ("%" G_GINT64_FORMAT " %u %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT "\n",
           elapsed, g_list_model_get_n_items (G_LIST_MODEL (catalog)),
           (gint64) mallinfo2 ().uordblks - heap_before,
           ws_bench_proc_status (self, "VmRSS") - rss_before, ws_bench_proc_status (self, "VmHWM"));
  return 0;
}

/* --- The parent: the fake and the figures ------------------------------------ */

static void
communicated (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  char **out = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, out, NULL, &error);
  g_assert_no_error (error);
}

static gboolean
is_set (gpointer data)
{
  return *(char **) data != NULL;
}

static void
measure (const Size     *size,
         const char     *self_path,
         GTlsCertificate *certificate,
         const char     *ca_path,
         WsBenchResults *results)
{
  g_autofree char *home = g_dir_make_tmp ("windsock-discovery-XXXXXX", NULL);
  g_autofree char *config_path = g_build_filename (home, "config", NULL);
  g_autofree char *credentials_path = g_build_filename (home, "credentials", NULL);
  g_autoptr(GString) config = g_string_new (NULL);
  g_autoptr(GString) credentials = g_string_new (NULL);
  g_autoptr(WsFakeAws) fake = ws_fake_aws_new_tls (certificate);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *regions_arg = g_strdup_printf ("%u", size->regions);
  g_autofree char *out = NULL;
  g_autofree char *prefix = NULL;
  g_autofree char *label = NULL;
  g_autofree char *key = NULL;
  guint environments = size->profiles * size->regions * size->per_pair;
  guint expected_requests = size->profiles * size->regions * ((size->per_pair + 24) / 25 + size->per_pair);
  gint64 elapsed_us, heap, rss, hwm;
  guint items, max_in_flight;

  for (guint i = 0; i < size->profiles; i++)
    {
      g_autofree char *access_key = g_strdup_printf ("AKIDBENCH%04u", i);
      g_autofree char *secret = g_strdup_printf ("bench/secret/%04u", i);
      g_autofree char *account = g_strdup_printf ("1000000%05u", i);
      g_autofree char *region = region_name (0);

      g_string_append_printf (config, "[profile bench-%u]\nregion = %s\n", i, region);
      g_string_append_printf (credentials, "[bench-%u]\naws_access_key_id = %s\naws_secret_access_key = %s\n",
                              i, access_key, secret);
      ws_fake_aws_add_credentials (fake, access_key, secret, NULL);
      ws_fake_aws_set_account (fake, access_key, account);
      for (guint j = 0; j < size->regions; j++)
        for (guint k = 0; k < size->per_pair; k++)
          {
            g_autofree char *name = g_strdup_printf ("env-%u-%u-%u", i, j, k);
            g_autofree char *other = region_name (j);

            ws_fake_aws_add_environment_in_account (fake, account, other, name, "AVAILABLE", "2.10.3");
          }
    }
  ws_test_write_file (config_path, config->str, -1, 0600);
  ws_test_write_file (credentials_path, credentials->str, -1, 0600);
  ws_fake_aws_set_delay (fake, DELAY_MS);

  g_subprocess_launcher_setenv (launcher, "HOME", home, TRUE);
  g_subprocess_launcher_setenv (launcher, "AWS_CONFIG_FILE", config_path, TRUE);
  g_subprocess_launcher_setenv (launcher, "AWS_SHARED_CREDENTIALS_FILE", credentials_path, TRUE);
  g_subprocess_launcher_setenv (launcher, "AWS_ENDPOINT_URL", ws_fake_aws_get_url (fake), TRUE);
  g_subprocess_launcher_setenv (launcher, "AWS_DISABLE_HOST_PREFIX_INJECTION", "true", TRUE);
  g_subprocess_launcher_setenv (launcher, "AWS_CA_BUNDLE", ca_path, TRUE);
  child = g_subprocess_launcher_spawn (launcher, &error, self_path, "--discover", regions_arg, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (child, NULL, NULL, communicated, &out);
  if (!ws_test_iterate_until (is_set, &out, 600))
    g_error ("The discovery process did not end within 600 s");
  g_assert_true (g_subprocess_get_successful (child));
  g_assert_cmpint (sscanf (out, "%" G_GINT64_FORMAT " %u %" G_GINT64_FORMAT " %" G_GINT64_FORMAT
                           " %" G_GINT64_FORMAT, &elapsed_us, &items, &heap, &rss, &hwm), ==, 5);
  g_assert_cmpuint (items, ==, environments);
  max_in_flight = ws_fake_aws_get_max_in_flight (fake);
  g_assert_cmpuint (ws_fake_aws_count_requests (fake, "GET", "/environments"), ==, expected_requests);

  prefix = g_strdup_printf ("discovery %u profiles × %u regions, %u environments",
                            size->profiles, size->regions, environments);
  key = g_strdup_printf ("%ux%ux%u", size->profiles, size->regions, size->per_pair);
#define ADD(suffix, value, unit, what) \
  G_STMT_START { \
    g_autofree char *k = g_strconcat (key, "_" suffix, NULL); \
    g_autofree char *l = g_strconcat (prefix, ": " what, NULL); \
    ws_bench_results_add (results, k, value, unit, l); \
  } G_STMT_END
  ADD ("time_ms", elapsed_us / 1000.0, "ms", "time");
  ADD ("expected_ms", expected_requests * DELAY_MS / (double) MAX_PARALLEL, "ms",
       "requests × delay / 8 (the catalog's parallelism)");
  ADD ("requests", expected_requests, "requests", "requests");
  ADD ("max_in_flight", max_in_flight, "requests", "most requests in flight");
  ADD ("expected_measured_ms", expected_requests * DELAY_MS / (double) MAX (max_in_flight, 1), "ms",
       "requests × delay / most in flight");
  ADD ("heap_kb", heap / 1024.0, "kB", "heap growth (malloc in use)");
  ADD ("rss_kb", rss, "kB", "RSS growth");
  ADD ("peak_rss_kb", hwm, "kB", "peak RSS of the process");
#undef ADD
  ws_test_remove_tree (home);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *isolated = NULL;
  g_autofree char *ca_path = NULL;
  g_autofree char *self_path = NULL;
  g_autofree char *description = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  WsBenchResults *results;

  if (argc == 3 && g_str_equal (argv[1], "--discover"))
    return discover (atoi (argv[2]));

  isolated = ws_test_isolate ("bench-discovery");
  self_path = g_file_read_link ("/proc/self/exe", NULL);
  description = g_strdup_printf ("WsCatalog discovery in a process of its own against the local TLS fake, "
                                 "each answer held %d ms; memory of the discovering process only", DELAY_MS);
  results = ws_bench_results_new ("bench-discovery", description);
  certificate = ws_test_make_certificate (isolated, "IP:127.0.0.1", &ca_path);
  for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++)
    measure (&sizes[i], self_path, certificate, ca_path, results);

  ws_bench_results_finish (results);
  ws_test_remove_tree (isolated);
  return 0;
}
