/* ws-test-util.h — what every test program does to keep the developer's
 * own set-up out and to leave no temporary files behind
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Unsets every AWS_* variable and points HOME at a new empty directory
 * "NAME-XXXXXX" under the temporary dir, whose path is returned. */
char *ws_test_isolate     (const char *name);
/* Removes PATH and all below it; symlinks are removed, never followed. */
void  ws_test_remove_tree (const char *path);

/* Iterates the default main context until @condition holds or @seconds
 * have passed (a hang, not a slow machine); returns whether it holds. The
 * condition is looked at whenever a source fires (a D-Bus message, a
 * timer), so it must change with one. */
gboolean ws_test_iterate_until (gboolean  (*condition) (gpointer data),
                                gpointer    data,
                                guint       seconds);
/* Runs the default main context for @milliseconds: for asserting that
 * something does not happen within a while, or letting a timer pass. */
void  ws_test_run_for     (guint       milliseconds);
/* Writes @contents (-1 length: nul-terminated) to @path with @mode,
 * creating its folders (0700); fails the test on an error. */
void  ws_test_write_file  (const char *path,
                           const char *contents,
                           gssize      length,
                           int         mode);

/* A self-signed certificate (with its key) for the names and addresses in
 * @subject_alt_name (openssl's syntax, e.g. "IP:127.0.0.1"), made now with
 * openssl; its PEM is written to DIR/cert.pem, which *@ca_path gets (for
 * AWS_CA_BUNDLE). */
GTlsCertificate *ws_test_make_certificate (const char  *dir,
                                           const char  *subject_alt_name,
                                           char       **ca_path);

G_END_DECLS
