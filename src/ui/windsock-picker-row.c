/* windsock-picker-row.c — name, "profile · region · Airflow X.Y", status
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>

#include "windsock-picker-row.h"

struct _WindsockPickerRow
{
  GtkWidget  parent_instance;

  GtkWidget *box;             /* bound so that dispose_template unparents it */
  GtkLabel  *name_label;
  GtkLabel  *details_label;
  GtkLabel  *reason_label;
  GtkLabel  *status_label;
};

G_DEFINE_FINAL_TYPE (WindsockPickerRow, windsock_picker_row, GTK_TYPE_WIDGET)

static char *
format_details (WsEnvironment *environment)
{
  const char *version = ws_environment_get_airflow_version (environment);

  if (version == NULL || *version == '\0')
    /* Translators: profile · region of an Airflow environment */
    return g_strdup_printf (_("%s · %s"),
                            ws_environment_get_profile (environment),
                            ws_environment_get_region (environment));

  /* Translators: profile · region · Airflow version */
  return g_strdup_printf (_("%s · %s · Airflow %s"),
                          ws_environment_get_profile (environment),
                          ws_environment_get_region (environment),
                          version);
}

/* The badge's tint: fine, on its way (or in maintenance), or broken. */
static const char *
status_class (const char *status)
{
  if (status == NULL)
    return NULL;
  if (g_str_equal (status, "AVAILABLE"))
    return "status-ok";
  if (g_str_has_suffix (status, "_FAILED") || g_str_equal (status, "UNAVAILABLE") ||
      g_str_equal (status, "DELETED"))
    return "status-bad";
  return "status-busy";
}

/* @label, tinted for @status (%NULL: not at all). */
static void
set_status (WindsockPickerRow *self,
            const char        *label,
            const char        *status)
{
  const char *classes[] = { "status", "caption", status_class (status), NULL };

  gtk_label_set_label (self->status_label, label);
  gtk_widget_set_css_classes (GTK_WIDGET (self->status_label), classes);
}

void
windsock_picker_row_set_environment (WindsockPickerRow *self,
                                     WsEnvironment     *environment)
{
  g_autofree char *details = NULL;
  g_autofree char *reason = NULL;
  gboolean usable;

  g_return_if_fail (WINDSOCK_IS_PICKER_ROW (self));

  if (environment == NULL)
    {
      gtk_label_set_label (self->name_label, "");
      gtk_label_set_label (self->details_label, "");
      set_status (self, "", NULL);
      gtk_widget_set_visible (GTK_WIDGET (self->reason_label), FALSE);
      return;
    }

  usable = ws_environment_is_usable (environment, &reason);
  details = format_details (environment);
  gtk_label_set_label (self->name_label, ws_environment_get_name (environment));
  gtk_label_set_label (self->details_label, details);
  set_status (self, ws_environment_status_to_label (ws_environment_get_status (environment)),
              ws_environment_get_status (environment));
  gtk_label_set_label (self->reason_label, reason != NULL ? reason : "");
  gtk_widget_set_visible (GTK_WIDGET (self->reason_label), !usable && reason != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self), usable);
}

static void
windsock_picker_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), WINDSOCK_TYPE_PICKER_ROW);

  G_OBJECT_CLASS (windsock_picker_row_parent_class)->dispose (object);
}

static void
windsock_picker_row_class_init (WindsockPickerRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = windsock_picker_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/windsock/Windsock/ui/windsock-picker-row.ui");
  gtk_widget_class_bind_template_child (widget_class, WindsockPickerRow, box);
  gtk_widget_class_bind_template_child (widget_class, WindsockPickerRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, WindsockPickerRow, details_label);
  gtk_widget_class_bind_template_child (widget_class, WindsockPickerRow, reason_label);
  gtk_widget_class_bind_template_child (widget_class, WindsockPickerRow, status_label);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
windsock_picker_row_init (WindsockPickerRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
windsock_picker_row_new (void)
{
  return g_object_new (WINDSOCK_TYPE_PICKER_ROW, NULL);
}
