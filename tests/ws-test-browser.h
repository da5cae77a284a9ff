/* ws-test-browser.h — a recording browser: the https handler of a test
 * HOME is a script that writes down how it was run
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Installs HOME/bin/EXECUTABLE_NAME, its desktop entry
 * HOME/.local/share/applications/EXECUTABLE_NAME.desktop and
 * HOME/.config/mimeapps.list making it the default https handler (the
 * caller points XDG_DATA_HOME and XDG_CONFIG_HOME there). Name it like a
 * real browser ("firefox") to test private windows.
 *
 * Returns the record path. When run, the script writes its arguments,
 * one a line without a final newline (so one argument reads back as it
 * was), to RECORD, and first the variables that carry the activation
 * token to RECORD.env as "XDG_ACTIVATION_TOKEN=…\nDESKTOP_STARTUP_ID=…\n";
 * both atomically. */
char *ws_test_install_recording_browser (const char *home,
                                         const char *executable_name);
/* The contents of PATH once it exists (iterating the default main context
 * while waiting), or NULL after a generous bound. */
char *ws_test_wait_for_file             (const char *path);

/* What a browser was sent to: @recorded (a record, one argument a line)
 * with each redirect page of the launcher (a file:// URL, or its path as
 * GIO hands it over) replaced by the URL it sends the browser on to.
 * Asserts that each page is 0600 in a 0700 folder "windsock" (of the
 * writer's runtime or cache dir) and names the same URL in its meta refresh and its link. */
char *ws_test_browser_resolve           (const char *recorded);
/* ws_test_wait_for_file() of a browser's RECORD, resolved. */
char *ws_test_wait_for_browser          (const char *record);

G_END_DECLS
