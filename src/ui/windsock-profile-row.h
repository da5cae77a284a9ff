/* windsock-profile-row.h — one AWS profile in Preferences: whether it is
 * scanned, and a Test button that says where its credentials come from
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ws-aws-context.h"

G_BEGIN_DECLS

#define WINDSOCK_TYPE_PROFILE_ROW (windsock_profile_row_get_type ())

G_DECLARE_FINAL_TYPE (WindsockProfileRow, windsock_profile_row, WINDSOCK, PROFILE_ROW, GtkListBoxRow)

/* @context: resolves the credentials when Test is pressed, in-process */
GtkWidget  *windsock_profile_row_new         (const char         *name,
                                              WsAwsContext       *context);
const char *windsock_profile_row_get_name    (WindsockProfileRow *self);
/* The check box that says whether the profile is scanned; shown only
 * while choosing (not every profile is scanned). */
gboolean    windsock_profile_row_get_checked (WindsockProfileRow *self);
void        windsock_profile_row_set_checked (WindsockProfileRow *self,
                                              gboolean            checked);
void        windsock_profile_row_set_choosing (WindsockProfileRow *self,
                                               gboolean            choosing);
/* What the Test button does: resolves the credentials afresh (the cache
 * forgotten), with a spinner, until done or the row is destroyed. Also
 * done by itself after Sign In, when the sign-in's token is written. */
void        windsock_profile_row_test        (WindsockProfileRow *self);

/* Pure: how a credential source ("credentials file", "SSO"…) is named
 * to a person ("Static keys", "IAM Identity Center"…). */
const char *windsock_profile_row_describe_source (const char *source);
/* Pure: "no expiry", "expires in 7 h 58 min"… for @expiration seen at @now. */
char       *windsock_profile_row_describe_expiry (GDateTime  *expiration,
                                                  GDateTime  *now);

/* Properties: checked (b, notifies). */

G_END_DECLS
