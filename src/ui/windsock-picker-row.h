/* windsock-picker-row.h — one environment in the picker's list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ws-environment.h"

G_BEGIN_DECLS

#define WINDSOCK_TYPE_PICKER_ROW (windsock_picker_row_get_type ())

G_DECLARE_FINAL_TYPE (WindsockPickerRow, windsock_picker_row, WINDSOCK, PICKER_ROW, GtkWidget)

GtkWidget *windsock_picker_row_new             (void);
/* Shows @environment (NULL clears); an unusable one is greyed out with
 * the reason. */
void       windsock_picker_row_set_environment (WindsockPickerRow *self,
                                                WsEnvironment     *environment);

G_END_DECLS
