/* bench-click.c — a click in the tray menu until the browser starts: the
 * real service on a private bus, a tray host (the fake watcher) that sends
 * dbusmenu Event(id, "clicked") as a panel does, and the fake of AWS over
 * TLS
 *
 * As on AWS, discovery goes to one host and CreateWebLoginToken to another
 * (ws_bench_tls_fake_new()): the click's connection is not the one
 * discovery left open. The browser is a small
 * program that writes its start time (CLOCK_MONOTONIC); the click's time
 * is taken just before the Event is sent. Each sample is a new service
 * process with its catalog loaded and its settings (the environment opened
 * last, from a keyfile) kept:
 *   cold: the click is the first request to the environment's host (a new
 *         TCP connection and TLS handshake);
 *   warm: the menu was opened first (AboutToShow(0)), the service
 *         preconnected to the environment opened last, and the click comes
 *         a person's reaction time later, on that connection.
 * Warm again with the fake holding each answer 20 ms (a stand-in for one
 * network round trip): what is left over is the service's own time.
 * The fake's own share of each click is timed from its server's signals
 * (the request read → the answer written), and the launcher alone (the
 * redirect page and GIO's launch) from this process. The runtime dir is
 * in memory (tmpfs), as on a desktop.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>

#include <glib/gstdio.h>

#include "ws-bench-util.h"
#include "ws-launcher.h"
#include "ws-test-service.h"
#include "ws-test-sni-host.h"
#include "ws-test-util.h"

#define SAMPLES        20
#define ROUND_TRIP_MS  20
#define GOAL_MS        2.0
/* Between the menu opening and the click: a person's reaction time. */
#define REACTION_MS    300
#define ENVIRONMENT    "analytics"

typedef struct
{
  CliFixture        cli;
  WsTestService     service;
  WsFakeAws        *fake;
  guint             port;
  WsTestSniWatcher *watcher;
  WsTestSniItem    *item;
  WsTestSniMenu    *menu;
  char             *stamp_path;
  char             *runtime_dir;
  double            fake_ms;   /* the fake's time for the last CreateWebLoginToken */
} Bench;

typedef enum
{
  COLD,
  WARM,
} Mode;

/* When the fake has read a request. */
static void
request_read_cb (SoupServer        *server,
                 SoupServerMessage *msg,
                 Bench             *bench)
{
  gint64 now = g_get_monotonic_time ();

  g_object_set_data_full (G_OBJECT (msg), "bench-read-at", g_memdup2 (&now, sizeof now), g_free);
}

/* When it has written the answer. */
static void
request_finished_cb (SoupServer        *server,
                     SoupServerMessage *msg,
                     Bench             *bench)
{
  gint64 *read_at = g_object_get_data (G_OBJECT (msg), "bench-read-at");

  if (read_at != NULL && g_str_has_prefix (g_uri_get_path (soup_server_message_get_uri (msg)), "/webtoken/"))
    bench->fake_ms = (g_get_monotonic_time () - *read_at) / 1000.0;
}

static void
bench_set_up (Bench *bench)
{
  SoupServer *server;

  /* The service's and this process's (for measure_launcher_only()),
   * before GLib reads it. */
  bench->runtime_dir = g_strdup ("/dev/shm/bench-click-XXXXXX");
  g_assert_nonnull (g_mkdtemp (bench->runtime_dir));
  g_setenv ("XDG_RUNTIME_DIR", bench->runtime_dir, TRUE);
  cli_fixture_set_up (&bench->cli);
  ws_test_service_write_default_profile (&bench->cli);
  bench->fake = ws_bench_tls_fake_new (&bench->cli, &bench->port);
  ws_fake_aws_add_environment (bench->fake, "eu-west-1", ENVIRONMENT, "AVAILABLE", "2.10.3");
  server = ws_fake_aws_get_server (bench->fake);
  g_signal_connect (server, "request-read", G_CALLBACK (request_read_cb), bench);
  g_signal_connect (server, "request-finished", G_CALLBACK (request_finished_cb), bench);

  ws_test_service_set_up (&bench->service, &bench->cli, NULL);
  /* The environment opened last outlives the process, as on a desktop. */
  cli_fixture_setenv (&bench->cli, "GSETTINGS_BACKEND", "keyfile");
  cli_fixture_setenv (&bench->cli, "WINDSOCK_UI", "true");
  cli_fixture_setenv (&bench->cli, "XDG_RUNTIME_DIR", bench->runtime_dir);
  bench->watcher = ws_test_sni_watcher_new (bench->service.connection);
  bench->stamp_path = ws_bench_install_stamp_browser (bench->cli.home);
}

static void
bench_tear_down (Bench *bench)
{
  g_clear_pointer (&bench->watcher, ws_test_sni_watcher_free);
  ws_test_service_tear_down (&bench->service);
  g_clear_object (&bench->fake);
  g_clear_pointer (&bench->stamp_path, g_free);
  cli_fixture_tear_down (&bench->cli);
  ws_test_remove_tree (bench->runtime_dir);
  g_clear_pointer (&bench->runtime_dir, g_free);
}

typedef struct
{
  WsFakeAws *fake;
  guint      n;
} RequestWait;

static gboolean
requests_reached (gpointer data)
{
  RequestWait *wait = data;

  return ws_fake_aws_count_requests (wait->fake, "GET", "/environments/") >= wait->n;
}

/* A new service, its tray item registered and its discovery done. */
static int
start_service (Bench *bench)
{
  RequestWait wait = { bench->fake, ws_fake_aws_count_requests (bench->fake, "GET", "/environments/") + 1 };
  g_autoptr(GVariant) layout = NULL;
  int id;

  ws_test_service_start (&bench->service, &bench->cli);
  ws_test_sni_watcher_wait_for_items (bench->watcher, 1);
  bench->item = ws_test_sni_item_new (bench->service.connection, ws_test_sni_watcher_get_items (bench->watcher)[0]);
  bench->menu = ws_test_sni_menu_new (bench->item);
  ws_test_service_poll_until (requests_reached, &wait, "discovery");
  /* Its answer read and the list updated. */
  ws_test_run_for (100);
  layout = ws_test_sni_menu_get_layout (bench->menu);
  id = ws_test_sni_menu_find (layout, ENVIRONMENT " — Available");
  g_assert_cmpint (id, >=, 0);
  return id;
}

static void
stop_service (Bench *bench)
{
  g_clear_pointer (&bench->menu, ws_test_sni_menu_free);
  g_clear_pointer (&bench->item, ws_test_sni_item_free);
  ws_test_service_quit (&bench->service);
  ws_test_sni_watcher_wait_for_items (bench->watcher, 0);
}

/* Established TCP connections to the fake (from /proc/net/tcp: the
 * client's rows name the fake's port as the remote one). */
static guint
count_established (Bench *bench)
{
  g_autofree char *text = NULL;
  g_autofree char *remote_port = g_strdup_printf (":%04X", bench->port);
  g_auto(GStrv) lines = NULL;
  guint n = 0;

  g_assert_true (g_file_get_contents ("/proc/net/tcp", &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  /* After the header: "sl local_address rem_address st …". */
  for (guint i = 1; lines[i] != NULL; i++)
    {
      char local[64], remote[64];
      unsigned int state;

      if (sscanf (lines[i], " %*s %63s %63s %x", local, remote, &state) == 3 &&
          g_str_has_suffix (remote, remote_port) && state == 1)
        n++;
    }
  return n;
}

typedef struct
{
  Bench *bench;
  guint  n;
} ConnectionWait;

static gboolean
connections_reached (gpointer data)
{
  ConnectionWait *wait = data;

  return count_established (wait->bench) >= wait->n;
}

/* One sample, in ms; *@new_connection: the click opened a connection;
 * *@fake_ms: the fake's own time on the click's request. */
static double
sample (Bench    *bench,
        Mode      mode,
        gboolean *new_connection,
        double   *fake_ms)
{
  int id = start_service (bench);
  guint webtokens = ws_fake_aws_count_requests (bench->fake, "POST", "/webtoken/");
  guint before;
  gint64 clicked, started;

  if (mode == WARM)
    {
      ConnectionWait wait = { bench, count_established (bench) + 1 };

      ws_test_sni_menu_about_to_show (bench->menu, 0);
      ws_test_service_poll_until (connections_reached, &wait, "the preconnection");
      ws_test_run_for (REACTION_MS);
    }
  before = count_established (bench);
  clicked = g_get_monotonic_time ();
  g_assert_true (ws_test_sni_menu_event (bench->menu, id, "clicked", NULL));
  started = ws_bench_take_stamp (bench->stamp_path);
  *new_connection = count_established (bench) > before;
  g_assert_cmpuint (ws_fake_aws_count_requests (bench->fake, "POST", "/webtoken/"), ==, webtokens + 1);
  *fake_ms = bench->fake_ms;
  stop_service (bench);

  return (started - clicked) / 1000.0;
}

typedef struct
{
  double median;
  double p90;
  guint  new_connections;
  double fake_median;     /* the fake's own time */
  double beyond_fake_median;
} Series;

/* The browser's start alone, as the service's launcher does it
 * (GIO's https handler of HOME), from this process: what a click costs
 * besides AWS. */
static double
measure_launch_only (Bench *bench)
{
  g_autofree char *data_home = g_build_filename (bench->cli.home, ".local", "share", NULL);
  g_autofree char *config_home = g_build_filename (bench->cli.home, ".config", NULL);
  double times[SAMPLES];

  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config_home, TRUE);
  for (guint i = 0; i < SAMPLES; i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 start = g_get_monotonic_time ();

      g_app_info_launch_default_for_uri ("https://" ENVIRONMENT ".airflow.example.test/", NULL, &error);
      g_assert_no_error (error);
      times[i] = (ws_bench_take_stamp (bench->stamp_path) - start) / 1000.0;
    }
  return ws_bench_percentile (times, SAMPLES, 50);
}

static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* The service's launcher alone (redirect page, GIO's launch), from this
 * process, which has a session bus as the service does; prepared as when
 * the menu opens. */
static double
measure_launcher_only (Bench *bench)
{
  g_autoptr(WsLauncher) launcher = ws_launcher_new (NULL);
  double times[SAMPLES];

  ws_launcher_prepare (launcher);
  ws_test_run_for (100);

  for (guint i = 0; i < SAMPLES; i++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      gint64 start = g_get_monotonic_time ();

      ws_launcher_open_uri_async (launcher, "https://" ENVIRONMENT ".airflow.example.test/", NULL, FALSE, NULL,
                                  store_result, &result);
      times[i] = (ws_bench_take_stamp (bench->stamp_path) - start) / 1000.0;
      while (result == NULL)
        g_main_context_iteration (NULL, TRUE);
      g_assert_true (ws_launcher_open_uri_finish (launcher, result, &error));
      g_assert_no_error (error);
    }
  return ws_bench_percentile (times, SAMPLES, 50);
}

static Series
measure (Bench *bench,
         Mode   mode)
{
  double times[SAMPLES], fake[SAMPLES], beyond_fake[SAMPLES];
  Series series = { 0 };

  for (guint i = 0; i < SAMPLES; i++)
    {
      gboolean new_connection;

      times[i] = sample (bench, mode, &new_connection, &fake[i]);
      beyond_fake[i] = times[i] - fake[i];
      series.new_connections += new_connection;
    }
  series.median = ws_bench_percentile (times, SAMPLES, 50);
  series.p90 = ws_bench_percentile (times, SAMPLES, 90);
  series.fake_median = ws_bench_percentile (fake, SAMPLES, 50);
  series.beyond_fake_median = ws_bench_percentile (beyond_fake, SAMPLES, 50);
  return series;
}

static void
report (WsBenchResults *results,
        const char     *key,
        const char     *what,
        Series         *series)
{
  g_autofree char *median_key = g_strconcat (key, "_median", NULL);
  g_autofree char *p90_key = g_strconcat (key, "_p90", NULL);
  g_autofree char *connections_key = g_strconcat (key, "_new_connections", NULL);
  g_autofree char *median_label = g_strdup_printf ("%s, median of %d", what, SAMPLES);
  g_autofree char *p90_label = g_strdup_printf ("%s, p90", what);
  g_autofree char *connections_label = g_strdup_printf ("%s, clicks that opened a connection", what);
  g_autofree char *fake_key = g_strconcat (key, "_fake_median", NULL);
  g_autofree char *beyond_fake_key = g_strconcat (key, "_beyond_fake_median", NULL);
  g_autofree char *fake_label = g_strdup_printf ("%s: the fake's own time on the click's request "
                                                 "(request read → answer written), median", what);
  g_autofree char *beyond_fake_label = g_strdup_printf ("%s: all but the fake's own time, median", what);

  ws_bench_results_add (results, median_key, series->median, "ms", median_label);
  ws_bench_results_add (results, p90_key, series->p90, "ms", p90_label);
  ws_bench_results_add (results, connections_key, series->new_connections, "of 20", connections_label);
  ws_bench_results_add (results, fake_key, series->fake_median, "ms", fake_label);
  ws_bench_results_add (results, beyond_fake_key, series->beyond_fake_median, "ms", beyond_fake_label);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *isolated = ws_test_isolate ("bench-click");
  WsBenchResults *results;
  Bench bench = { 0 };
  Series cold, warm, warm_rtt;
  gboolean unused;
  double unused_ms;
  g_autofree char *goal = NULL;
  double overhead;

  results = ws_bench_results_new ("bench-click",
                                  "tray menu click (dbusmenu Event) → browser process started, the real service "
                                  "against the local TLS fake; a new service process per sample");
  bench_set_up (&bench);

  /* Unmeasured: the binaries in the page cache, and an environment opened
   * last for the warm samples to preconnect to. */
  sample (&bench, COLD, &unused, &unused_ms);

  cold = measure (&bench, COLD);
  report (results, "cold", "cold click → browser (new TCP + TLS connection)", &cold);
  warm = measure (&bench, WARM);
  report (results, "warm", "warm click → browser (preconnected on menu open)", &warm);

  ws_bench_results_add (results, "launch_only_median", measure_launch_only (&bench), "ms",
                        "browser start alone (GIO's https handler, from this process), median of 20");
  ws_bench_results_add (results, "launcher_only_median", measure_launcher_only (&bench), "ms",
                        "the service's launcher alone (redirect page + GIO's launch, from this process), "
                        "median of 20");

  ws_fake_aws_set_delay (bench.fake, ROUND_TRIP_MS);
  warm_rtt = measure (&bench, WARM);
  report (results, "warm_rtt20", "warm click → browser, each answer held 20 ms", &warm_rtt);
  overhead = warm_rtt.median - ROUND_TRIP_MS;
  ws_bench_results_add (results, "warm_overhead_median", overhead, "ms",
                        "warm click → browser beyond one 20 ms round trip, median");

  goal = g_strdup_printf ("warm click → browser within %.0f ms of one network round trip (%.2f ms over)",
                          GOAL_MS, overhead);
  ws_bench_results_goal (results, "warm_click", overhead <= GOAL_MS, goal);
  ws_bench_results_goal (results, "warm_reuses_connection", warm.new_connections == 0 && warm_rtt.new_connections == 0,
                         "warm clicks reuse the preconnected connection");

  ws_bench_results_finish (results);
  bench_tear_down (&bench);
  ws_test_remove_tree (isolated);
  return 0;
}
