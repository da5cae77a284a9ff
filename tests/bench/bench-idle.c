/* bench-idle.c — the resident service at rest: its memory (RSS, PSS,
 * private dirty, and which mappings hold it), its threads and how often it
 * wakes up; and how long it takes from being spawned to owning its bus name
 * and to registering its tray item
 *
 * The real service on a private bus with the fake watcher (a tray host),
 * against the TLS fake with one environment. Wake-ups are the
 * context switches of all its threads (voluntary + involuntary, from
 * /proc/PID/task/ * /status) over two windows of WINDSOCK_BENCH_IDLE_SECONDS
 * (60) each: the first right after the clicks, the second (the steady
 * state) from 100 s after them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>

#include "ws-bench-util.h"
#include "ws-test-service.h"
#include "ws-test-sni-host.h"
#include "ws-test-util.h"

#define SAMPLES           20
#define CLICKS            10
#define GOAL_RSS_KB       (16 * 1024)
#define IDLE_SECONDS      60
/* Answers held this long: the memory after start is read before any. */
#define FIRST_ANSWER_MS   1000
#define ENVIRONMENT       "analytics"
/* After the last click, until the steady state's window. */
#define SETTLE_MS         (100 * 1000)

typedef struct
{
  CliFixture        cli;
  WsTestService     service;
  WsFakeAws        *fake;
  WsTestSniWatcher *watcher;
  char             *stamp_path;
  /* Written by the bus worker thread (filter_messages()). */
  GMutex            lock;
  gint64            owned_at;
  gint64            registered_at;
} Bench;

/* Runs in GDBus's worker thread as each message arrives: the times are
 * those of arrival, not of dispatch. */
static GDBusMessage *
filter_messages (GDBusConnection *connection,
                 GDBusMessage    *message,
                 gboolean         incoming,
                 gpointer         user_data)
{
  Bench *bench = user_data;
  gint64 now = g_get_monotonic_time ();
  const char *member = g_dbus_message_get_member (message);
  GVariant *body = g_dbus_message_get_body (message);
  const char *name = NULL, *new_owner = NULL;

  if (!incoming || member == NULL)
    return message;
  g_mutex_lock (&bench->lock);
  if (g_str_equal (member, "RegisterStatusNotifierItem") && bench->registered_at == 0)
    bench->registered_at = now;
  else if (g_str_equal (member, "NameOwnerChanged") && body != NULL &&
           g_variant_is_of_type (body, G_VARIANT_TYPE ("(sss)")))
    {
      g_variant_get (body, "(&s&s&s)", &name, NULL, &new_owner);
      if (g_str_equal (name, APP_ID) && new_owner[0] != '\0' && bench->owned_at == 0)
        bench->owned_at = now;
    }
  g_mutex_unlock (&bench->lock);
  return message;
}

static void
bench_set_up (Bench *bench)
{
  guint port;

  cli_fixture_set_up (&bench->cli);
  ws_test_service_write_default_profile (&bench->cli);
  bench->fake = ws_bench_tls_fake_new (&bench->cli, &port);
  ws_fake_aws_add_environment (bench->fake, "eu-west-1", ENVIRONMENT, "AVAILABLE", "2.10.3");
  ws_test_service_set_up (&bench->service, &bench->cli, NULL);
  cli_fixture_setenv (&bench->cli, "WINDSOCK_UI", "true");
  bench->watcher = ws_test_sni_watcher_new (bench->service.connection);
  bench->stamp_path = ws_bench_install_stamp_browser (bench->cli.home);
  g_mutex_init (&bench->lock);
  g_dbus_connection_add_filter (bench->service.connection, filter_messages, bench, NULL);
}

static GPid
service_pid (Bench *bench)
{
  return atoi (g_subprocess_get_identifier (bench->service.process));
}

static gboolean
both_seen (gpointer data)
{
  Bench *bench = data;
  gboolean seen;

  g_mutex_lock (&bench->lock);
  seen = bench->owned_at != 0 && bench->registered_at != 0;
  g_mutex_unlock (&bench->lock);
  return seen;
}

/* Starts the service; the times from spawning it to its name and to its
 * tray item, in ms. */
static void
start (Bench  *bench,
       double *to_name,
       double *to_tray)
{
  gint64 spawned;

  g_mutex_lock (&bench->lock);
  bench->owned_at = bench->registered_at = 0;
  g_mutex_unlock (&bench->lock);

  spawned = g_get_monotonic_time ();
  ws_test_service_start (&bench->service, &bench->cli);
  ws_test_sni_wait_until (both_seen, bench, "the name and the tray item");
  ws_test_sni_watcher_wait_for_items (bench->watcher, 1);
  *to_name = (bench->owned_at - spawned) / 1000.0;
  *to_tray = (bench->registered_at - spawned) / 1000.0;
}

static void
stop (Bench *bench)
{
  ws_test_service_quit (&bench->service);
  ws_test_sni_watcher_wait_for_items (bench->watcher, 0);
}

static void
measure_start (Bench          *bench,
               WsBenchResults *results)
{
  double to_name[SAMPLES], to_tray[SAMPLES];
  double unused;

  /* Unmeasured: the binaries in the page cache. */
  start (bench, &unused, &unused);
  stop (bench);
  for (guint i = 0; i < SAMPLES; i++)
    {
      start (bench, &to_name[i], &to_tray[i]);
      stop (bench);
    }
  ws_bench_results_add (results, "start_to_name_median", ws_bench_percentile (to_name, SAMPLES, 50), "ms",
                        "start → bus name owned, median of 20");
  ws_bench_results_add (results, "start_to_tray_median", ws_bench_percentile (to_tray, SAMPLES, 50), "ms",
                        "start → RegisterStatusNotifierItem at the watcher, median of 20");
  ws_bench_results_add (results, "start_to_tray_p90", ws_bench_percentile (to_tray, SAMPLES, 90), "ms",
                        "start → RegisterStatusNotifierItem at the watcher, p90");
}

typedef struct
{
  WsFakeAws  *fake;
  const char *method;
  const char *path;
  guint       n;
} RequestWait;

static gboolean
requests_reached (gpointer data)
{
  RequestWait *wait = data;

  return ws_fake_aws_count_requests (wait->fake, wait->method, wait->path) >= wait->n;
}

static void
add_memory (WsBenchResults *results,
            GPid            pid,
            const char     *key,
            const char     *when)
{
  g_autofree char *label = g_strdup_printf ("service RSS %s", when);

  ws_bench_results_add (results, key, ws_bench_proc_status (pid, "VmRSS"), "kB", label);
}

static void
click (Bench         *bench,
       WsTestSniMenu *menu)
{
  g_autoptr(GVariant) layout = ws_test_sni_menu_get_layout (menu);
  int id = ws_test_sni_menu_find (layout, ENVIRONMENT " — Available");

  g_assert_cmpint (id, >=, 0);
  ws_test_sni_menu_about_to_show (menu, 0);
  g_assert_true (ws_test_sni_menu_event (menu, id, "clicked", NULL));
  ws_bench_take_stamp (bench->stamp_path);
}

static guint
idle_seconds (void)
{
  const char *text = g_getenv ("WINDSOCK_BENCH_IDLE_SECONDS");

  return text != NULL ? MAX (atoi (text), 1) : IDLE_SECONDS;
}

/* Wake-ups a minute over the next @seconds; *@by_thread: which threads. */
static double
wakeups_per_minute (GPid    pid,
                    guint   seconds,
                    char  **by_thread)
{
  g_autoptr(GHashTable) switches = ws_bench_proc_switches (pid);

  ws_test_run_for (seconds * 1000);
  return ws_bench_proc_wakeups_since (pid, switches, by_thread) * 60.0 / seconds;
}

static void
measure_idle (Bench          *bench,
              WsBenchResults *results)
{
  RequestWait discovered = { bench->fake, "GET", "/environments/", 1 };
  RequestWait clicked = { bench->fake, "POST", "/webtoken/", CLICKS };
  g_autoptr(WsTestSniItem) item = NULL;
  g_autoptr(WsTestSniMenu) menu = NULL;
  g_autofree char *threads = NULL;
  g_autofree char *by_rss = NULL;
  g_autofree char *by_dirty = NULL;
  g_autofree char *goal = NULL;
  guint seconds = idle_seconds ();
  g_autofree char *woken_after_clicks = NULL;
  g_autofree char *woken = NULL;
  double after_clicks, per_minute, unused;
  gint64 clicked_at, settled_ms;
  gint64 rss;
  GPid pid;

  ws_fake_aws_reset_counts (bench->fake);
  ws_fake_aws_set_delay (bench->fake, FIRST_ANSWER_MS);
  start (bench, &unused, &unused);
  pid = service_pid (bench);
  add_memory (results, pid, "rss_start_kb", "right after start (no AWS answer yet)");

  ws_test_service_poll_until (requests_reached, &discovered, "discovery");
  ws_fake_aws_set_delay (bench->fake, 0);
  ws_test_run_for (FIRST_ANSWER_MS + 500);
  add_memory (results, pid, "rss_discovered_kb", "after discovery");

  item = ws_test_sni_item_new (bench->service.connection, ws_test_sni_watcher_get_items (bench->watcher)[0]);
  menu = ws_test_sni_menu_new (item);
  for (guint i = 0; i < CLICKS; i++)
    click (bench, menu);
  g_assert_true (requests_reached (&clicked));
  add_memory (results, pid, "rss_clicks_kb", "after 10 clicks");

  /* At rest: the first window holds what the clicks left to do later
   * (idle connections closing after 60 s, redirect pages swept after 91 s);
   * the second starts once all of that is done: the steady state. */
  clicked_at = g_get_monotonic_time ();
  ws_test_run_for (2000);
  after_clicks = wakeups_per_minute (pid, seconds, &woken_after_clicks);
  settled_ms = SETTLE_MS - (g_get_monotonic_time () - clicked_at) / 1000;
  if (settled_ms > 0)
    ws_test_run_for (settled_ms);
  per_minute = wakeups_per_minute (pid, seconds, &woken);

  rss = ws_bench_proc_rollup (pid, "Rss");
  ws_bench_results_add (results, "idle_rss_kb", rss, "kB", "idle service RSS");
  ws_bench_results_add (results, "idle_pss_kb", ws_bench_proc_rollup (pid, "Pss"), "kB", "idle service PSS");
  ws_bench_results_add (results, "idle_private_dirty_kb", ws_bench_proc_rollup (pid, "Private_Dirty"), "kB",
                        "idle service private dirty");
  ws_bench_results_add (results, "idle_threads", ws_bench_proc_status (pid, "Threads"), "threads",
                        "idle service threads");
  threads = ws_bench_proc_threads (pid);
  g_print ("idle service threads by name: %s\n", threads);
  ws_bench_results_add (results, "after_clicks_wakeups_per_minute", after_clicks, "per minute",
                        "service wake-ups in the first window after the clicks (context switches of all threads)");
  g_print ("  by thread: %s\n", woken_after_clicks[0] != '\0' ? woken_after_clicks : "none");
  ws_bench_results_add (results, "idle_wakeups_per_minute", per_minute, "per minute",
                        "idle service wake-ups from 100 s after the clicks (context switches of all threads)");
  g_print ("  by thread: %s\n", woken[0] != '\0' ? woken : "none");
  by_rss = ws_bench_proc_top_mappings (pid, "Rss", 15);
  by_dirty = ws_bench_proc_top_mappings (pid, "Private_Dirty", 15);
  g_print ("idle service RSS, the 15 largest mappings:\n%s", by_rss);
  g_print ("idle service private dirty, the 15 largest mappings:\n%s", by_dirty);

  goal = g_strdup_printf ("idle service under 16 MB RSS (%.1f MB)", rss / 1024.0);
  ws_bench_results_goal (results, "idle_rss", rss < GOAL_RSS_KB, goal);
  g_clear_pointer (&goal, g_free);
  goal = g_strdup_printf ("idle service wakes up 0 times a minute (%.1f)", per_minute);
  ws_bench_results_goal (results, "idle_wakeups", per_minute == 0, goal);

  g_clear_pointer (&menu, ws_test_sni_menu_free);
  g_clear_pointer (&item, ws_test_sni_item_free);
  stop (bench);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *isolated = ws_test_isolate ("bench-idle");
  g_autofree char *description = NULL;
  WsBenchResults *results;
  Bench bench = { 0 };

  description = g_strdup_printf ("the service from spawn to its bus name and tray item (%d new processes); "
                                 "then one service with its catalog loaded and %d clicks done, at rest for %u s right after the clicks and %u s from 100 s after them: "
                                 "memory from /proc/PID/smaps_rollup, wake-ups = context switches of all threads",
                                 SAMPLES, CLICKS, idle_seconds (), idle_seconds ());
  results = ws_bench_results_new ("bench-idle", description);
  bench_set_up (&bench);

  measure_start (&bench, results);
  measure_idle (&bench, results);

  ws_bench_results_finish (results);
  g_clear_pointer (&bench.watcher, ws_test_sni_watcher_free);
  ws_test_service_tear_down (&bench.service);
  g_clear_pointer (&bench.stamp_path, g_free);
  g_clear_object (&bench.fake);
  cli_fixture_tear_down (&bench.cli);
  ws_test_remove_tree (isolated);
  return 0;
}
