/* ws-bench-util.h — what the in-process benchmarks share: their figures
 * (printed, and written as JSON for the README), statistics, a TLS
 * certificate, a browser that stamps when it starts, and what /proc says
 * about a process
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

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

/* A self-signed certificate (with its key) for the names and addresses in
 * @subject_alt_name (openssl's syntax, e.g. "IP:127.0.0.1"); its PEM is
 * written to DIR/cert.pem, which *@ca_path gets (for AWS_CA_BUNDLE). */
GTlsCertificate *ws_bench_make_certificate (const char  *dir,
                                            const char  *subject_alt_name,
                                            char       **ca_path);

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
/* The sum over the threads of voluntary + involuntary context switches:
 * each is a wake-up of the process. */
guint64         ws_bench_proc_switches (GPid            pid);
/* "name ×count, …" of the process's threads. */
char           *ws_bench_proc_threads  (GPid            pid);
/* The @n mappings of /proc/PID/smaps holding the most @field (kB),
 * grouped by what they map (a file, [heap], [anon] …), one a line. */
char           *ws_bench_proc_top_mappings (GPid        pid,
                                            const char *field,
                                            guint       n);

G_END_DECLS
