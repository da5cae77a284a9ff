/* ws-bench-util.h — what the in-process benchmarks share: their figures
 * (printed, and written as JSON for the README), statistics, a TLS
 * certificate, a browser that stamps when it starts, and what /proc says
 * about a process
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "cli-fixture.h"

G_BEGIN_DECLS

typedef struct _WsBenchResults WsBenchResults;

/* Prints the header (@description: what is measured and how). */
WsBenchResults *ws_bench_results_new   (const char     *name,
                                        const char     *description);
/* Prints "LABEL: VALUE UNIT" and records it under @key. */
void            ws_bench_results_add   (WsBenchResults *results,
                                        const char     *key,
                                        double          value,
                                        const char     *unit,
                                        const char     *label);
/* Prints "goal met: TEXT" or "goal NOT met: TEXT" (never fails). */
void            ws_bench_results_goal  (WsBenchResults *results,
                                        const char     *key,
                                        gboolean        met,
                                        const char     *text);
/* Writes $WINDSOCK_BENCH_RESULTS_DIR/NAME.json when the variable is set,
 * and frees @results. */
void            ws_bench_results_finish (WsBenchResults *results);

/* Sorts @values in place; the nearest-rank percentile @p (0–100). */
double          ws_bench_percentile    (double         *values,
                                        guint           n,
                                        double          p);

/* A TLS fake of AWS for @cli's windsock (its default profile's keys
 * accepted), reached as https://bench.localhost:PORT: GLib resolves names
 * under .localhost to loopback, so that, as on AWS, discovery goes to one
 * host ("api.") and CreateWebLoginToken to another ("env."). @cli's
 * AWS_CA_BUNDLE trusts it; *@port: PORT. */
WsFakeAws      *ws_bench_tls_fake_new  (CliFixture     *cli,
                                        guint          *port);

/* Makes HOME's https handler (ws_test_install_recording_browser()) the
 * stamping browser, $WINDSOCK_BENCH_STAMP_BROWSER: when started, it writes
 * its CLOCK_MONOTONIC time in µs (g_get_monotonic_time()'s clock) to the
 * returned path. */
char           *ws_bench_install_stamp_browser (const char *home);
/* Waits for the stamp (iterating the default main context), removes it
 * and returns its time. */
gint64          ws_bench_take_stamp    (const char     *stamp_path);

/* /proc/PID/status (e.g. "VmRSS", "VmHWM", "Threads"): the number, in kB
 * for sizes; -1 when missing. */
gint64          ws_bench_proc_status   (GPid            pid,
                                        const char     *field);
/* A field of /proc/PID/smaps_rollup in kB ("Rss", "Pss", "Private_Dirty"). */
gint64          ws_bench_proc_rollup   (GPid            pid,
                                        const char     *field);
/* Each thread's voluntary + involuntary context switches (each is a
 * wake-up), by thread id: a reading for ws_bench_proc_wakeups_since(). */
GHashTable     *ws_bench_proc_switches (GPid            pid);
/* The wake-ups since @before: of the threads still there, and all of the
 * threads started since (those that ended are not counted). *@by_thread:
 * "name N, …" for those that woke up. */
guint64         ws_bench_proc_wakeups_since (GPid        pid,
                                             GHashTable *before,
                                             char      **by_thread);
/* "name ×count, …" of the process's threads. */
char           *ws_bench_proc_threads  (GPid            pid);
/* The @n mappings of /proc/PID/smaps holding the most @field (kB),
 * grouped by what they map (a file, [heap], [anon] …), one a line. */
char           *ws_bench_proc_top_mappings (GPid        pid,
                                            const char *field,
                                            guint       n);

G_END_DECLS
