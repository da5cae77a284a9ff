/* windsock-mfa-window.h — asks for the code of an MFA device
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define WINDSOCK_TYPE_MFA_WINDOW (windsock_mfa_window_get_type ())

G_DECLARE_FINAL_TYPE (WindsockMfaWindow, windsock_mfa_window, WINDSOCK, MFA_WINDOW, GtkApplicationWindow)

/**
 * windsock_mfa_window_new:
 * @application: (nullable): the application
 * @profile: the profile that needs the code
 * @mfa_serial: the device (mfa_serial)
 *
 * Signals:
 *   submitted (const char *code): six digits were entered; the window
 *     waits (a spinner) for windsock_mfa_window_show_error(),
 *     windsock_mfa_window_show_failure() or windsock_mfa_window_finish_ok().
 *   cancelled (): Cancel, Esc or the window closed before a code was
 *     accepted; the window is destroyed after it.
 */
GtkWidget *windsock_mfa_window_new          (GtkApplication    *application,
                                             const char        *profile,
                                             const char        *mfa_serial);
/* The code was not accepted: shows @message and asks again. */
void       windsock_mfa_window_show_error   (WindsockMfaWindow *self,
                                             const char        *message);
/* No more tries: shows @message until the user closes the window. */
void       windsock_mfa_window_show_failure (WindsockMfaWindow *self,
                                             const char        *message);
/* The code was accepted: the window goes away. */
void       windsock_mfa_window_finish_ok    (WindsockMfaWindow *self);

G_END_DECLS
