/* windsock-signin-window.h — "Sign in to PROFILE": the IAM Identity Center
 * sign-in, in the browser, followed in a window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ws-aws-context.h"
#include "ws-launcher.h"

G_BEGIN_DECLS

#define WINDSOCK_TYPE_SIGNIN_WINDOW (windsock_signin_window_get_type ())

G_DECLARE_FINAL_TYPE (WindsockSigninWindow, windsock_signin_window, WINDSOCK, SIGNIN_WINDOW, GtkApplicationWindow)

/**
 * windsock_signin_window_new:
 * @application: (nullable): the sign-in's application
 * @context: the AWS set-up: its WsSso signs in and writes the AWS CLI's cache
 * @launcher: opens the sign-in page in the user's browser
 * @profile: the profile to sign in
 * @flags: %WS_SSO_LOGIN_DEVICE_CODE to start with a code (the window
 *   offers to switch to one later too)
 *
 * The sign-in starts when the window is first shown. Once signed in the
 * window says so and closes itself; closing it earlier cancels the sign-in.
 * Either way it emits ::finished (gboolean signed_in) once, as it closes.
 */
GtkWidget *windsock_signin_window_new (GtkApplication  *application,
                                       WsAwsContext    *context,
                                       WsLauncher      *launcher,
                                       const char      *profile,
                                       WsSsoLoginFlags  flags);

/* The sso-session the profile signs in to, or its start URL (a legacy
 * profile), or %NULL when it has neither: what one sign-in is shared by. */
const char *windsock_signin_session_key (WsAwsConfig *config,
                                         const char  *profile);

G_END_DECLS
